//! A workshop session: the what-ifs a room tries, kept as steps with undo and redo. Each state
//! is solved, assessed for robustness and explained through the same pipeline as `solve`
//! (`crate::solve_and_assess`, so the wall's margins and close calls are the report's), and
//! compared with the state shown before, so the wall says what the last decision moved.
//!
//! The session never changes the scenario: a state is the starting line-up (the base or a
//! variant) with the steps' what-ifs applied in order, recomputed from the step list. That keeps
//! a step a few bytes, makes undo exact, and lets a variant switch keep the decisions made so
//! far (those that no longer apply are named in the line-up's notes).

use crate::compare::{Changes, changes, column};
use crate::explain::Outcome;
use crate::kb::{CapIx, KnowledgeBase, RoleIx};
use crate::robust;
use crate::scenario::{LineUp, Partner, Scenario, WhatIf};
use crate::solve::Options;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Most steps one session holds: a workshop takes tens; the bound keeps replaying a state cheap.
pub const MAX_STEPS: usize = 2000;

/// Solved states kept, so undo, redo and the comparison with the state before cost no solve.
const CACHED_STATES: usize = 16;

/// One change the room makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Start from this variant (`None`: the base line-up); the steps made so far still apply.
    Variant(Option<String>),
    /// A what-if on the line-up (a candidate joining is `WhatIf::With`).
    What(WhatIf),
}

#[derive(Debug, Clone)]
/// One change on the wall, undoable.
pub struct Step {
    /// Unique within the session: a state is named by the id of its last step.
    id: u64,
    /// What changed.
    pub change: Change,
    /// The change in words, as the step list shows it.
    pub label: String,
}

/// Why a request cannot be carried out. The session is unchanged after any of them.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The request was made against an older state (another tab moved on).
    #[error("the session has changed since this page was drawn (another tab?); here is the latest")]
    Stale,
    /// The change makes no sense on this line-up; the message says why.
    #[error("{0}")]
    Refused(String),
    #[error("nothing to undo")]
    /// Undo with no step in effect.
    NothingToUndo,
    #[error("nothing to redo")]
    /// Redo with no step undone.
    NothingToRedo,
    #[error(
        "the session holds at most {MAX_STEPS} steps: save it as a variant and start a new session from it"
    )]
    /// The session is at its step limit.
    TooManySteps,
    /// Solving failed (a time limit with no line-up, a rule-instance limit).
    #[error(transparent)]
    Solve(#[from] crate::Error),
}

/// What a cell of the matrix offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellAction {
    /// Pin the partner to the role.
    Pin,
    /// Pin the partner to the role as its lead.
    PinLead,
    /// Keep the partner out of the role.
    Forbid,
    /// Remove the pin.
    Unpin,
    /// Remove the ban.
    Allow,
    /// Mark the role as one the partner asks for.
    Want,
    /// The partner no longer asks for the role.
    Unwant,
}

impl CellAction {
    /// The name the page and the API use.
    pub fn name(self) -> &'static str {
        match self {
            CellAction::Pin => "pin",
            CellAction::PinLead => "lead",
            CellAction::Forbid => "forbid",
            CellAction::Unpin => "unpin",
            CellAction::Allow => "allow",
            CellAction::Want => "want",
            CellAction::Unwant => "unwant",
        }
    }
}

/// The state on the wall, and what moved since the state shown before.
#[derive(Debug, Clone)]
pub struct View {
    /// Counts every change to the session (steps, undo, redo, save); a request names the revision
    /// it was made on, so a stale tab cannot act on a state it has not seen.
    pub revision: u64,
    /// Steps in effect (`steps[..cursor]`); later ones can be redone.
    pub cursor: usize,
    /// Every step, undone ones included.
    pub steps: Vec<Step>,
    /// The variant the state starts from (`None`: the base line-up).
    pub variant: Option<String>,
    /// The line-up after the steps in effect.
    pub line_up: LineUp,
    /// Its outcome, solved and assessed (shared with the cache).
    pub outcome: Arc<Outcome>,
    /// Against the state shown before the last action; `None` on the first view.
    pub moved: Option<Changes>,
    /// Close calls that appeared or settled against the same state; `None` on the first view
    /// or when robustness is not assessed.
    pub close_calls_moved: Option<CloseCallChanges>,
    /// The last action in words ("ucad pinned to research", "undid ...").
    pub action: Option<String>,
}

/// How a step changed the close calls, each as `(role, partner)` in that order: the room sees
/// when a decision left a role on a knife's edge, or made one firm.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CloseCallChanges {
    /// Close calls now that were not before.
    pub new: Vec<(String, String)>,
    /// Close calls before whose holder still holds the role, now firmly. (A close call whose
    /// role changed hands is not settled: the move is listed with the roles that changed hands.)
    pub settled: Vec<(String, String)>,
}

impl CloseCallChanges {
    /// Whether no close call appeared or settled.
    pub fn is_empty(&self) -> bool {
        self.new.is_empty() && self.settled.is_empty()
    }

    /// The changes from `before` to `now`; `None` unless both were assessed.
    fn between(before: &Outcome, now: &Outcome) -> Option<CloseCallChanges> {
        let (b, n) = (before.robustness.as_ref()?, now.robustness.as_ref()?);
        let key = |c: &robust::CloseCall| (c.role.clone(), c.partner.clone());
        let was: BTreeSet<_> = b.close_calls.iter().map(key).collect();
        let is: BTreeSet<_> = n.close_calls.iter().map(key).collect();
        let held: BTreeSet<_> = now
            .assignments
            .iter()
            .map(|a| (a.role.clone(), a.partner.clone()))
            .collect();
        Some(CloseCallChanges {
            new: is.difference(&was).cloned().collect(),
            settled: was
                .difference(&is)
                .filter(|k| held.contains(*k))
                .cloned()
                .collect(),
        })
    }
}

/// A workshop session: the scenario, the steps taken on the wall, and each state solved once
/// (cached), so undo and redo are instant.
pub struct Session {
    kb: Arc<KnowledgeBase>,
    scenario: Scenario,
    opts: Options,
    /// How each state's robustness is assessed (`Settings::OFF`: not at all).
    robustness: robust::Settings,
    /// The variant the command line started from.
    start: Option<String>,
    steps: Vec<Step>,
    cursor: usize,
    revision: u64,
    next_id: u64,
    /// The state shown before the last action, and that action in words.
    before: Option<u64>,
    action: Option<String>,
    /// Most recently used last.
    cache: Vec<(u64, Arc<Outcome>)>,
}

impl Session {
    /// A session on `scenario`, starting from `variant` (which must exist) or the base.
    pub fn new(
        kb: Arc<KnowledgeBase>,
        scenario: Scenario,
        variant: Option<String>,
        opts: Options,
        robustness: robust::Settings,
    ) -> Result<Session, SessionError> {
        if let Some(v) = &variant
            && scenario.variant(v).is_none()
        {
            return Err(SessionError::Refused(format!("no variant named {v:?}")));
        }
        Ok(Session {
            kb,
            scenario,
            opts,
            robustness,
            start: variant,
            steps: Vec::new(),
            cursor: 0,
            revision: 0,
            next_id: 1,
            before: None,
            action: None,
            cache: Vec::new(),
        })
    }

    /// The knowledge base in force.
    pub fn kb(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// The scenario the session started from (with variants saved since).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The current revision: a request must name it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Steps in effect.
    pub fn done(&self) -> &[Step] {
        &self.steps[..self.cursor]
    }

    /// Replaces the scenario by a newer version of the same file (after Save added a variant).
    /// The base line-up must be unchanged, so every step means what it meant.
    pub fn update_scenario(&mut self, scenario: Scenario) {
        self.scenario = scenario;
        self.revision += 1;
    }

    /// The key of the state after `k` steps: the id of its last step (0 for the start).
    fn key(&self, k: usize) -> u64 {
        if k == 0 { 0 } else { self.steps[k - 1].id }
    }

    /// The variant the state after `k` steps starts from.
    fn variant_at(&self, k: usize) -> Option<String> {
        self.steps[..k]
            .iter()
            .rev()
            .find_map(|s| match &s.change {
                Change::Variant(v) => Some(v.clone()),
                Change::What(_) => None,
            })
            .unwrap_or_else(|| self.start.clone())
    }

    /// The starting line-up of a variant (`None`: the base).
    fn start_line_up(&self, variant: Option<&str>) -> LineUp {
        match variant.and_then(|v| self.scenario.variant(v)) {
            Some(v) => self.scenario.line_up(v),
            None => self.scenario.base(),
        }
    }

    /// The line-up after the first `k` of `steps`.
    fn replay(&self, steps: &[Step], k: usize) -> LineUp {
        let variant = steps[..k]
            .iter()
            .rev()
            .find_map(|s| match &s.change {
                Change::Variant(v) => Some(v.clone()),
                Change::What(_) => None,
            })
            .unwrap_or_else(|| self.start.clone());
        let mut l = self.start_line_up(variant.as_deref());
        for step in &steps[..k] {
            if let Change::What(w) = &step.change
                && let Err(why) = l.apply(&self.kb, w)
            {
                l.notes.push(format!(
                    "step \u{201c}{}\u{201d} no longer applies: {why}",
                    step.label
                ));
            }
        }
        // The step list names the changes; the report names the variant the state starts from.
        l.variant = variant;
        l
    }

    /// The current line-up.
    pub fn line_up(&self) -> LineUp {
        self.replay(&self.steps, self.cursor)
    }

    /// The outcome of the state `key` if it is cached (it then becomes the most recent).
    fn cached(&mut self, key: u64) -> Option<Arc<Outcome>> {
        let i = self.cache.iter().position(|(id, _)| *id == key)?;
        let hit = self.cache.remove(i);
        let outcome = hit.1.clone();
        self.cache.push(hit);
        Some(outcome)
    }

    /// Solves the state `key` and caches it.
    fn solve(&mut self, key: u64, line_up: &LineUp) -> Result<Arc<Outcome>, SessionError> {
        let outcome = Arc::new(crate::solve_and_assess(
            &self.kb,
            line_up,
            &self.opts,
            &self.robustness,
        )?);
        if self.cache.len() >= CACHED_STATES {
            self.cache.remove(0);
        }
        self.cache.push((key, outcome.clone()));
        Ok(outcome)
    }

    /// The outcome after the first `k` steps.
    fn solved_at(&mut self, k: usize) -> Result<Arc<Outcome>, SessionError> {
        let key = self.key(k);
        if let Some(o) = self.cached(key) {
            return Ok(o);
        }
        let l = self.replay(&self.steps, k);
        self.solve(key, &l)
    }

    /// The current state, solved, with what moved since the state shown before.
    pub fn view(&mut self) -> Result<View, SessionError> {
        let outcome = self.solved_at(self.cursor)?;
        let before = match self.before {
            Some(key) if key != self.key(self.cursor) => {
                match self.steps.iter().position(|s| s.id == key) {
                    Some(i) => Some(self.solved_at(i + 1)?),
                    None if key == 0 => Some(self.solved_at(0)?),
                    None => None,
                }
            }
            _ => None,
        };
        let close_calls_moved = before
            .as_ref()
            .and_then(|b| CloseCallChanges::between(b, &outcome));
        let moved = before.map(|b| {
            changes(
                &column("before".into(), (*b).clone()),
                &column("now".into(), (*outcome).clone()),
            )
        });
        Ok(View {
            revision: self.revision,
            cursor: self.cursor,
            steps: self.steps.clone(),
            variant: self.variant_at(self.cursor),
            line_up: self.line_up(),
            outcome,
            moved,
            close_calls_moved,
            action: self.action.clone(),
        })
    }

    fn check_revision(&self, revision: u64) -> Result<(), SessionError> {
        if revision == self.revision {
            Ok(())
        } else {
            Err(SessionError::Stale)
        }
    }

    /// Adds a step after the current one (dropping the steps that could have been redone).
    /// The new state is solved before the session changes, so a change that cannot apply or a
    /// failed solve leaves the session as it was.
    pub fn step(&mut self, revision: u64, change: Change) -> Result<View, SessionError> {
        self.check_revision(revision)?;
        if self.cursor >= MAX_STEPS {
            return Err(SessionError::TooManySteps);
        }
        let label = self.check(&change)?;
        // Ids are never reused, even for a step whose solve fails: the cache is keyed by them.
        let id = self.next_id;
        self.next_id += 1;
        let mut steps = self.steps[..self.cursor].to_vec();
        steps.push(Step {
            id,
            change,
            label: label.clone(),
        });
        let k = steps.len();
        let l = self.replay(&steps, k);
        self.solve(id, &l)?;
        self.before = Some(self.key(self.cursor));
        self.action = Some(label);
        self.steps = steps;
        self.cursor = k;
        self.revision += 1;
        self.view()
    }

    /// Takes back the last step in effect.
    pub fn undo(&mut self, revision: u64) -> Result<View, SessionError> {
        self.check_revision(revision)?;
        if self.cursor == 0 {
            return Err(SessionError::NothingToUndo);
        }
        let action = format!(
            "undid \u{201c}{}\u{201d}",
            self.steps[self.cursor - 1].label
        );
        self.move_to(self.cursor - 1, action)
    }

    /// Takes the next undone step again.
    pub fn redo(&mut self, revision: u64) -> Result<View, SessionError> {
        self.check_revision(revision)?;
        if self.cursor == self.steps.len() {
            return Err(SessionError::NothingToRedo);
        }
        let action = format!("redid \u{201c}{}\u{201d}", self.steps[self.cursor].label);
        self.move_to(self.cursor + 1, action)
    }

    fn move_to(&mut self, k: usize, action: String) -> Result<View, SessionError> {
        self.solved_at(k)?;
        self.before = Some(self.key(self.cursor));
        self.action = Some(action);
        self.cursor = k;
        self.revision += 1;
        self.view()
    }

    /// Whether the change applies to the current line-up, and its label; the session's own
    /// rules come on top of `LineUp::apply`'s: what the scenario file fixes (its pins, a
    /// partner's own refusals) stays, so Save can always write the state as a variant.
    fn check(&self, change: &Change) -> Result<String, SessionError> {
        let kb = &self.kb;
        match change {
            Change::Variant(v) => {
                if let Some(name) = v
                    && self.scenario.variant(name).is_none()
                {
                    return Err(SessionError::Refused(format!("no variant named {name:?}")));
                }
                if *v == self.variant_at(self.cursor) {
                    return Err(SessionError::Refused(
                        "the line-up already starts from it".into(),
                    ));
                }
                Ok(match v {
                    Some(name) => format!("start from variant \u{201c}{name}\u{201d}"),
                    None => "start from the base line-up".to_string(),
                })
            }
            Change::What(w) => {
                if let WhatIf::Unpin { partner, role } = w
                    && self
                        .scenario
                        .pins
                        .iter()
                        .any(|p| &p.partner == partner && p.role == *role)
                {
                    return Err(SessionError::Refused(format!(
                        "`{partner}` is pinned to `{}` in the scenario file; forbid it there or pin another partner instead",
                        kb.role(*role).id
                    )));
                }
                if let WhatIf::Allow { partner, role } = w {
                    let start = self.start_line_up(self.variant_at(self.cursor).as_deref());
                    if start
                        .partners
                        .iter()
                        .any(|p| &p.id == partner && p.refuses.contains(role))
                    {
                        return Err(SessionError::Refused(format!(
                            "`{partner}` itself refuses `{}` (the scenario says so)",
                            kb.role(*role).id
                        )));
                    }
                }
                let mut l = self.line_up();
                l.apply(kb, w).map_err(SessionError::Refused)?;
                Ok(w.describe(kb))
            }
        }
    }

    /// The scenario's candidates not in the current line-up.
    pub fn candidates(&self, line_up: &LineUp) -> Vec<&Partner> {
        self.scenario
            .candidates
            .iter()
            .filter(|c| line_up.partner_index(&c.id).is_none())
            .collect()
    }

    /// A candidate joining, as a change.
    pub fn bring(&self, id: &str) -> Result<Change, SessionError> {
        self.scenario
            .candidates
            .iter()
            .find(|c| c.id == id)
            .map(|c| Change::What(WhatIf::With(Box::new(c.clone()))))
            .ok_or_else(|| SessionError::Refused(format!("no candidate `{id}` in the scenario")))
    }

    /// What a cell of the current line-up offers: pin, pin as lead or keep out an open cell;
    /// unpin a pin the session made; allow again a role the session kept the partner out of.
    /// A cell a rule or the partner's own refusal blocks offers nothing.
    pub fn cell_actions(
        &self,
        view: &View,
        partner: &str,
        role: RoleIx,
        blocked: bool,
    ) -> Vec<CellAction> {
        let Some(p) = view.line_up.partners.iter().find(|p| p.id == partner) else {
            return Vec::new();
        };
        let start = self.start_line_up(view.variant.as_deref());
        let own_refusal = start
            .partners
            .iter()
            .any(|s| s.id == partner && s.refuses.contains(&role));
        if p.refuses.contains(&role) {
            return if own_refusal {
                Vec::new()
            } else {
                vec![CellAction::Allow]
            };
        }
        // A partner may ask for any role it does not refuse, even one a rule keeps it out of:
        // the wish is then flagged as unmet, which is what the room should hear.
        let wish = if p.wants.contains(&role) {
            CellAction::Unwant
        } else {
            CellAction::Want
        };
        if blocked {
            return vec![wish];
        }
        let pin = view
            .line_up
            .pins
            .iter()
            .find(|x| x.partner == partner && x.role == role);
        let in_file = self
            .scenario
            .pins
            .iter()
            .any(|x| x.partner == partner && x.role == role);
        // Another partner pinned to lead the role: this one can be pinned, not as its lead.
        let lead_taken = view
            .line_up
            .pins
            .iter()
            .any(|x| x.role == role && x.lead && x.partner != partner);
        let mut out = Vec::new();
        match pin {
            Some(pin) => {
                if pin.lead {
                    out.push(CellAction::Pin);
                } else if !lead_taken {
                    out.push(CellAction::PinLead);
                }
                if !in_file {
                    out.push(CellAction::Unpin);
                }
            }
            None => {
                out.push(CellAction::Pin);
                if !lead_taken {
                    out.push(CellAction::PinLead);
                }
            }
        }
        out.push(CellAction::Forbid);
        out.push(wish);
        out
    }

    /// A cell action as a change.
    pub fn cell_change(&self, action: CellAction, partner: String, role: RoleIx) -> Change {
        Change::What(match action {
            CellAction::Pin => WhatIf::Pin {
                partner,
                role,
                lead: false,
            },
            CellAction::PinLead => WhatIf::Pin {
                partner,
                role,
                lead: true,
            },
            CellAction::Forbid => WhatIf::Forbid { partner, role },
            CellAction::Unpin => WhatIf::Unpin { partner, role },
            CellAction::Allow => WhatIf::Allow { partner, role },
            CellAction::Want | CellAction::Unwant => WhatIf::Want {
                partner,
                role,
                wanted: action == CellAction::Want,
            },
        })
    }

    /// Capabilities the needed roles use, by how much the needs weigh them (then by id): what
    /// a partner's editor offers to change.
    pub fn relevant_capabilities(&self) -> Vec<CapIx> {
        let mut weight = vec![0.0f64; self.kb.capabilities.len()];
        for n in &self.scenario.needs {
            for &(cap, w) in &self.kb.role(n.role).needs {
                weight[cap.index()] += w * n.importance as f64;
            }
        }
        let mut caps: Vec<CapIx> = (0..weight.len())
            .filter(|&i| weight[i] > 0.0)
            .map(|i| CapIx(i as u32))
            .collect();
        caps.sort_by(|a, b| {
            weight[b.index()]
                .total_cmp(&weight[a.index()])
                .then_with(|| self.kb.capability(*a).id.cmp(&self.kb.capability(*b).id))
        });
        caps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Document;
    use crate::source::Source;

    fn dakar() -> Session {
        dakar_assessed(robust::Settings::OFF)
    }

    fn dakar_assessed(robustness: robust::Settings) -> Session {
        let kb = crate::default_knowledge_base().unwrap();
        let text = include_str!("../../scenarios/cardio4cities-dakar.ron");
        let doc = Document::parse(Source::new("dakar.ron", text));
        let scenario = crate::validate_scenario(&kb, &doc).unwrap();
        Session::new(Arc::new(kb), scenario, None, Options::default(), robustness).unwrap()
    }

    fn strength(s: &Session, partner: &str, capability: &str, strength: f64) -> Change {
        let capability = s.kb().capability_by_id(capability).unwrap();
        Change::What(WhatIf::Capability {
            partner: partner.into(),
            capability,
            strength,
        })
    }

    fn close_calls(v: &View) -> Vec<(String, String)> {
        let r = v.outcome.robustness.as_ref().expect("assessed");
        r.close_calls
            .iter()
            .map(|c| (c.role.clone(), c.partner.clone()))
            .collect()
    }

    #[test]
    fn a_step_says_which_close_calls_it_made_or_settled() {
        let mut s = dakar_assessed(robust::Settings::default());
        let start = s.view().unwrap();
        assert_eq!(
            start.close_calls_moved, None,
            "nothing before the first view"
        );
        let d = (
            "data_and_analytics".to_string(),
            "teranga_health".to_string(),
        );
        assert!(
            close_calls(&start).contains(&d),
            "{:?}",
            close_calls(&start)
        );
        // Stating the holder strong in the role's capability makes the role firm.
        let c = strength(&s, "teranga_health", "data_and_analytics", 0.95);
        let firm = s.step(s.revision(), c).unwrap();
        assert!(!close_calls(&firm).contains(&d));
        let moved = firm.close_calls_moved.expect("both states assessed");
        assert_eq!(moved.settled, vec![d.clone()]);
        assert!(moved.new.is_empty(), "{moved:?}");
        // Undo brings the knife's edge back, and says so.
        let back = s.undo(s.revision()).unwrap();
        let moved = back.close_calls_moved.expect("both states assessed");
        assert_eq!((moved.new, moved.settled), (vec![d.clone()], vec![]));
        // A close call whose role changes hands is not "settled": the move says it.
        let c = strength(&s, "mobile_operator", "data_and_analytics", 0.8);
        let flipped = s.step(s.revision(), c).unwrap();
        assert!(
            flipped
                .moved
                .as_ref()
                .unwrap()
                .moved
                .iter()
                .any(|m| m.role == d.0)
        );
        assert!(flipped.close_calls_moved.unwrap().settled.is_empty());
        // Without the assessment there is nothing to compare.
        let mut off = dakar();
        let rev = off.revision();
        let v = off.step(rev, without("foundation")).unwrap();
        assert_eq!(v.close_calls_moved, None);
    }

    fn without(id: &str) -> Change {
        Change::What(WhatIf::Without(id.into()))
    }

    fn held(v: &View) -> Vec<(String, String, bool)> {
        v.outcome
            .assignments
            .iter()
            .map(|a| (a.partner.clone(), a.role.clone(), a.lead))
            .collect()
    }

    fn role(s: &Session, id: &str) -> RoleIx {
        s.kb().role_by_id(id).unwrap()
    }

    #[test]
    fn undo_and_redo_give_back_each_state_and_a_new_step_drops_the_redo_tail() {
        let mut s = dakar();
        let start = s.view().unwrap();
        let one = s.step(0, without("foundation")).unwrap();
        let two = s.step(1, without("ucad")).unwrap();
        assert_eq!(two.cursor, 2);
        let back = s.undo(2).unwrap();
        assert_eq!(held(&back), held(&one));
        assert_eq!(
            back.action.as_deref(),
            Some("undid \u{201c}without ucad\u{201d}")
        );
        let moved = back.moved.expect("undo says what it moved");
        assert!(
            moved.moved.iter().any(|m| m.role == "research"),
            "ucad's research comes back"
        );
        let start_again = s.undo(3).unwrap();
        assert_eq!(held(&start_again), held(&start));
        assert!(matches!(s.undo(4), Err(SessionError::NothingToUndo)));
        assert_eq!(held(&s.redo(4).unwrap()), held(&one));
        let branch = s.step(5, without("relais")).unwrap();
        assert_eq!(branch.steps.len(), 2, "the undone step is gone");
        assert!(matches!(s.redo(6), Err(SessionError::NothingToRedo)));
    }

    #[test]
    fn a_refused_or_stale_change_leaves_the_session_as_it_was() {
        let mut s = dakar();
        s.step(0, without("foundation")).unwrap();
        let before = (s.revision(), s.done().len());
        assert!(matches!(
            s.step(0, without("ucad")),
            Err(SessionError::Stale)
        ));
        let e = s.step(1, without("foundation")).unwrap_err();
        assert!(e.to_string().contains("no partner `foundation`"), "{e}");
        let e = s
            .step(
                1,
                Change::What(WhatIf::Capacity {
                    partner: "ucad".into(),
                    capacity: 101,
                }),
            )
            .unwrap_err();
        assert!(e.to_string().contains("limit"), "{e}");
        assert_eq!((s.revision(), s.done().len()), before);
    }

    #[test]
    fn what_the_scenario_file_fixes_stays_fixed() {
        let mut s = dakar();
        let policy = role(&s, "policy_framework");
        let e = s
            .step(
                0,
                Change::What(WhatIf::Unpin {
                    partner: "msas".into(),
                    role: policy,
                }),
            )
            .unwrap_err();
        assert!(e.to_string().contains("in the scenario file"), "{e}");
        let outreach = role(&s, "community_outreach");
        let e = s
            .step(
                0,
                Change::What(WhatIf::Allow {
                    partner: "mobile_operator".into(),
                    role: outreach,
                }),
            )
            .unwrap_err();
        assert!(e.to_string().contains("itself refuses"), "{e}");
    }

    #[test]
    fn cells_offer_what_the_session_can_undo_and_save() {
        let mut s = dakar();
        let v = s.view().unwrap();
        let actions = |s: &Session, v: &View, p: &str, r: &str| {
            let (pi, ri) = (
                v.outcome.partners.iter().position(|x| x.id == p).unwrap(),
                v.outcome.roles.iter().position(|x| x.id == r).unwrap(),
            );
            s.cell_actions(v, p, role(s, r), v.outcome.cells[pi][ri].blocked)
        };
        use CellAction::*;
        assert_eq!(
            actions(&s, &v, "ucad", "research"),
            [Pin, PinLead, Forbid, Want]
        );
        assert_eq!(
            actions(&s, &v, "ville_dakar", "policy_framework"),
            [Pin, Forbid, Want],
            "the ministry is pinned to lead it"
        );
        assert_eq!(
            actions(&s, &v, "msas", "policy_framework"),
            [Pin, Forbid, Want],
            "a file pin"
        );
        assert!(
            actions(&s, &v, "mobile_operator", "community_outreach").is_empty(),
            "its refusal"
        );
        let research = role(&s, "research");
        let v = s
            .step(
                0,
                Change::What(WhatIf::Forbid {
                    partner: "ucad".into(),
                    role: research,
                }),
            )
            .unwrap();
        assert_eq!(actions(&s, &v, "ucad", "research"), [Allow]);
        let v = s
            .step(
                1,
                Change::What(WhatIf::Pin {
                    partner: "teranga_health".into(),
                    role: research,
                    lead: false,
                }),
            )
            .unwrap();
        assert_eq!(
            actions(&s, &v, "teranga_health", "research"),
            [PinLead, Unpin, Forbid, Want]
        );
        let v = s
            .step(2, s.cell_change(Want, "teranga_health".into(), research))
            .unwrap();
        assert_eq!(
            actions(&s, &v, "teranga_health", "research"),
            [PinLead, Unpin, Forbid, Unwant],
            "a wish marked on the cell can be taken back there"
        );
    }

    #[test]
    fn a_variant_switch_keeps_the_steps_that_still_apply_and_names_the_others() {
        let mut s = dakar();
        s.step(0, without("ucad")).unwrap();
        s.step(1, without("teranga_health")).unwrap();
        let v = s
            .step(2, Change::Variant(Some("without the start-up".into())))
            .unwrap();
        assert_eq!(v.variant.as_deref(), Some("without the start-up"));
        assert!(
            v.line_up.partner_index("ucad").is_none(),
            "the earlier step still applies"
        );
        assert!(
            v.outcome
                .notes
                .iter()
                .any(|n| n.contains("without teranga_health") && n.contains("no longer applies")),
            "{:?}",
            v.outcome.notes
        );
        let e = s
            .step(3, Change::Variant(Some("without the start-up".into())))
            .unwrap_err();
        assert!(e.to_string().contains("already starts from it"));
        let back = s.undo(3).unwrap();
        assert_eq!(back.variant, None);
    }

    #[test]
    fn the_editor_offers_the_capabilities_the_needs_use_most_first() {
        let s = dakar();
        let caps = s.relevant_capabilities();
        assert!(caps.len() > 10);
        let ids: Vec<&str> = caps
            .iter()
            .map(|c| s.kb().capability(*c).id.as_str())
            .collect();
        assert!(ids.contains(&"research_excellence"));
        assert!(!ids.is_empty());
    }
}
