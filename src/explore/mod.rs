//! Questions around a line-up, each answered by re-optimising after one change:
//! who could take a role (and which roles a partner could take), whom to recruit, and what the
//! partnership loses if each partner leaves.

use crate::compare::{Changes, Column, changes, column};
use crate::explain::{Flag, Outcome};
use crate::kb::{KnowledgeBase, RoleIx};
use crate::scenario::{LineUp, Partner, WhatIf};
use crate::solve::{Options, Status};
use rayon::prelude::*;

/// One change tried against the base line-up.
#[derive(Debug, Clone)]
pub struct Trial {
    /// What the trial is about: a partner id, a role id, or a candidate's id.
    pub subject: String,
    /// The change in words ("ucad pinned to research").
    pub change: String,
    /// Why the change cannot even be tried (e.g. the partner refuses the role).
    pub refused: Option<String>,
    /// The line-up re-optimised with the change; `None` when it was refused or untried.
    pub outcome: Option<Outcome>,
    /// Against the base; `None` when the change was refused.
    pub delta: Option<Changes>,
    /// Roles uncovered in the base and covered after the change, and the reverse.
    pub gaps_closed: Vec<String>,
    /// (The reverse: roles covered in the base and uncovered after.)
    pub gaps_opened: Vec<String>,
    /// Roles the subject partner holds after the change (for partner-centred questions).
    pub roles: Vec<String>,
    /// The partner asked for this role (`wants`): partner-centred questions show its wishes.
    pub asked_for: bool,
    /// The time limit ran out before this change was tried, or before any line-up with it was
    /// found.
    pub untried: bool,
}

impl Trial {
    /// Whether the change leaves a line-up that meets every hard constraint.
    pub fn feasible(&self) -> bool {
        self.outcome
            .as_ref()
            .is_some_and(|o| o.status != Status::Infeasible)
    }

    /// How much the objective moves with the change, when it is feasible.
    pub fn objective_delta(&self) -> Option<f64> {
        self.delta
            .as_ref()
            .filter(|_| self.feasible())
            .map(|d| d.objective_delta)
    }

    /// Flags raised by the change on its subject (partner or role) only.
    pub fn own_flags(&self) -> Vec<&Flag> {
        self.delta
            .iter()
            .flat_map(|d| &d.raised)
            .filter(|f| {
                f.partner.as_deref() == Some(&self.subject)
                    || f.role.as_deref() == Some(&self.subject)
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
/// The answer to one facilitator question: the base line-up and each change tried around it.
pub struct Exploration {
    /// The scenario asked about.
    pub scenario: String,
    /// The question answered, in words.
    pub question: String,
    /// The line-up without any change, which every trial is compared with.
    pub base: Outcome,
    /// Ranked best first (for fragility: the largest loss first).
    pub trials: Vec<Trial>,
    /// What the time limit cut short, in words (empty when nothing was).
    pub notes: Vec<String>,
}

fn uncovered(o: &Outcome) -> Vec<String> {
    o.uncovered.iter().map(|g| g.role.clone()).collect()
}

/// Solves the base and each changed line-up (in parallel), and describes each against the base.
fn explore(
    kb: &KnowledgeBase,
    base: &LineUp,
    question: String,
    tries: Vec<(String, WhatIf)>,
    opts: &Options,
) -> Result<Exploration, crate::Error> {
    let base_outcome = crate::solve_line_up(kb, base, opts)?;
    let base_col = column("base".into(), base_outcome.clone());
    let results: Vec<Result<Trial, crate::Error>> = tries
        .into_par_iter()
        .map(|(subject, change)| {
            let words = change.describe(kb);
            let mut l = base.clone();
            let not_solved = |refused: Option<String>| Trial {
                subject: subject.clone(),
                change: words.clone(),
                untried: refused.is_none(),
                refused,
                outcome: None,
                delta: None,
                gaps_closed: Vec::new(),
                gaps_opened: Vec::new(),
                roles: Vec::new(),
                asked_for: false,
            };
            if let Err(why) = l.apply(kb, &change) {
                return Ok(not_solved(Some(why)));
            }
            // Past the deadline, a trial would cost its model's building for nothing.
            if opts.expired() {
                return Ok(not_solved(None));
            }
            let outcome = match crate::solve_line_up(kb, &l, opts) {
                Err(crate::Error::Solve(crate::solve::SolveError::NoSolutionInTime)) => {
                    return Ok(not_solved(None));
                }
                other => other?,
            };
            let col: Column = column(words.clone(), outcome.clone());
            let (before, after) = (uncovered(&base_outcome), uncovered(&outcome));
            let feasible = outcome.status != Status::Infeasible;
            Ok(Trial {
                roles: outcome
                    .partners
                    .iter()
                    .find(|p| p.id == subject)
                    .map(|p| p.roles.clone())
                    .unwrap_or_default(),
                gaps_closed: if feasible {
                    before
                        .iter()
                        .filter(|r| !after.contains(r))
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                },
                gaps_opened: if feasible {
                    after
                        .iter()
                        .filter(|r| !before.contains(r))
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                },
                delta: Some(changes(&base_col, &col)),
                subject,
                change: words,
                refused: None,
                untried: false,
                outcome: Some(outcome),
                asked_for: false,
            })
        })
        .collect();
    let trials = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let notes = time_notes(&base_outcome, &trials);
    Ok(Exploration {
        scenario: base.scenario.clone(),
        question,
        base: base_outcome,
        trials,
        notes,
    })
}

/// What the time limit cut short: the base line-up or trials not proven best, trials never
/// tried. Every renderer shows these sentences, so a ranking cut short says so.
fn time_notes(base: &Outcome, trials: &[Trial]) -> Vec<String> {
    let mut notes = Vec::new();
    if base.status == Status::Feasible {
        notes.push(
            "The time limit stopped the search for the base line-up before it was proven best: every change is measured against the best line-up found.".to_string(),
        );
    }
    let unproven: Vec<&str> = trials
        .iter()
        .filter(|t| {
            t.outcome
                .as_ref()
                .is_some_and(|o| o.status == Status::Feasible)
        })
        .map(|t| t.subject.as_str())
        .collect();
    if !unproven.is_empty() {
        notes.push(format!(
            "The time limit stopped {} of the {} line-ups tried before they were proven best ({}): their effect may be better than shown.",
            unproven.len(),
            trials.len(),
            some(&unproven)
        ));
    }
    let untried: Vec<&str> = trials
        .iter()
        .filter(|t| t.untried)
        .map(|t| t.subject.as_str())
        .collect();
    if !untried.is_empty() {
        notes.push(format!(
            "The time limit ran out before {} of the {} options were tried or had a line-up ({}); a longer --time-limit tries them.",
            untried.len(),
            trials.len(),
            some(&untried)
        ));
    }
    notes
}

/// The first few subjects of a list, and how many more there are.
fn some(subjects: &[&str]) -> String {
    const SHOWN: usize = 10;
    let mut s = subjects[..subjects.len().min(SHOWN)].join(", ");
    if subjects.len() > SHOWN {
        s.push_str(&format!(" and {} more", subjects.len() - SHOWN));
    }
    s
}

/// Feasible trials first, best objective first; ties by subject id; refused or infeasible last.
fn rank_best_first(trials: &mut [Trial]) {
    trials.sort_by(|a, b| {
        let (x, y) = (a.objective_delta(), b.objective_delta());
        y.is_some()
            .cmp(&x.is_some())
            .then_with(|| y.unwrap_or(0.0).total_cmp(&x.unwrap_or(0.0)))
            .then_with(|| a.subject.cmp(&b.subject))
    });
}

/// Every partner that could take `role`, each with what taking it would change.
pub fn for_role(
    kb: &KnowledgeBase,
    base: &LineUp,
    role: RoleIx,
    opts: &Options,
) -> Result<Exploration, crate::Error> {
    let tries = base
        .partners
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                WhatIf::Pin {
                    partner: p.id.clone(),
                    role,
                    lead: false,
                },
            )
        })
        .collect();
    let question = format!("who could take {}?", kb.role(role).id);
    let mut e = explore(kb, base, question, tries, opts)?;
    rank_best_first(&mut e.trials);
    Ok(e)
}

/// Every needed role `partner` could take, each with what taking it would change.
pub fn for_partner(
    kb: &KnowledgeBase,
    base: &LineUp,
    partner: &str,
    opts: &Options,
) -> Result<Exploration, crate::Error> {
    if base.partner_index(partner).is_none() {
        return Err(crate::Error::UnknownPartner {
            partner: partner.to_string(),
            suggestion: crate::DidYouMean::among(
                partner,
                base.partners.iter().map(|p| p.id.as_str()),
            ),
        });
    }
    let tries = base
        .needs
        .iter()
        .map(|n| {
            (
                kb.role(n.role).id.clone(),
                WhatIf::Pin {
                    partner: partner.to_string(),
                    role: n.role,
                    lead: false,
                },
            )
        })
        .collect();
    let wants: Vec<&str> = base
        .partners
        .iter()
        .find(|p| p.id == partner)
        .map(|p| p.wants.iter().map(|r| kb.role(*r).id.as_str()).collect())
        .unwrap_or_default();
    let question = if wants.is_empty() {
        format!("which roles could {partner} take?")
    } else {
        format!(
            "which roles could {partner} take? (it asked for {})",
            wants.join(", ")
        )
    };
    let mut e = explore(kb, base, question, tries, opts)?;
    for t in &mut e.trials {
        t.asked_for = wants.contains(&t.subject.as_str());
    }
    rank_best_first(&mut e.trials);
    Ok(e)
}

/// What adding each candidate would gain; without candidates, a typical member of each sector.
pub fn recruit(
    kb: &KnowledgeBase,
    base: &LineUp,
    candidates: &[Partner],
    opts: &Options,
) -> Result<Exploration, crate::Error> {
    let capacity = kb.settings.default_capacity;
    let pool: Vec<Partner> = if candidates.is_empty() {
        (0..kb.sectors.len())
            .map(|s| Partner::typical(kb, crate::kb::SectorIx(s as u32), capacity))
            .filter(|p| base.partner_index(&p.id).is_none())
            .collect()
    } else {
        candidates.to_vec()
    };
    let tries = pool
        .into_iter()
        .map(|p| (p.id.clone(), WhatIf::With(Box::new(p))))
        .collect();
    let question = if candidates.is_empty() {
        "which sector should we recruit from? (typical members, no candidates listed)".to_string()
    } else {
        "which candidate should we recruit?".to_string()
    };
    let mut e = explore(kb, base, question, tries, opts)?;
    rank_best_first(&mut e.trials);
    Ok(e)
}

/// What the partnership loses if each partner leaves: the single points of failure first.
pub fn fragility(
    kb: &KnowledgeBase,
    base: &LineUp,
    opts: &Options,
) -> Result<Exploration, crate::Error> {
    let tries = base
        .partners
        .iter()
        .map(|p| (p.id.clone(), WhatIf::Without(p.id.clone())))
        .collect();
    let mut e = explore(
        kb,
        base,
        "what do we lose if each partner leaves?".to_string(),
        tries,
        opts,
    )?;
    e.trials.sort_by(|a, b| {
        let (x, y) = (a.objective_delta(), b.objective_delta());
        x.is_some()
            .cmp(&y.is_some())
            .reverse()
            .then_with(|| x.unwrap_or(0.0).total_cmp(&y.unwrap_or(0.0)))
            .then_with(|| b.gaps_opened.len().cmp(&a.gaps_opened.len()))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    Ok(e)
}
