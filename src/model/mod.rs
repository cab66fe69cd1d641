//! Knowledge base + line-up -> the decision problem: fits, blocked pairs, rule instances, and
//! the mixed-integer model built from them.
//!
//! Rules are matched once, here, into [`Instance`]s. The optimisation model is built from the
//! instances, and flags and the objective are evaluated from the same instances on the final
//! assignment, so a flagged risk and the objective can never disagree.

mod build;
pub mod envelope;
mod eval;
pub mod lp;
pub mod money;
mod restrict;

pub use build::{
    Cmp, Milp, Origin, Row, TIE_BREAK, Var, VarKind, VarName, build, objective_with_fits,
    tie_break, values_for,
};
pub use eval::{matches, may_match_partner};

use crate::kb::{KnowledgeBase, LoadLimit, Per, RuleIx, Scope, Strength};
use crate::scenario::{LineUp, Need, Partner, Pin};

/// Why a partner cannot take a role (unless a facilitator pins it, for `Avoided`).
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The partner refuses the role in the scenario: never, even pinned.
    Refused,
    /// A rule of strength `forbid`: never, even pinned.
    Forbidden(RuleIx),
    /// A rule of strength `avoid` (a logic breach, a fit below the floor): the optimiser never
    /// chooses it; a pin would.
    Avoided(RuleIx),
    /// The partner has no capacity (0) for any role.
    NoCapacity,
}

/// One concrete problem: a line-up in canonical order, with everything the model needs.
///
/// Partners are sorted by id and needs by role id, so the model (and so the solution) does not
/// depend on the order of the file; `partner_order` and `need_order` keep the file order for
/// presentation.
#[derive(Debug, Clone)]
pub struct Problem<'k> {
    /// The knowledge base the roles, capabilities and rules come from.
    pub kb: &'k KnowledgeBase,
    /// The scenario's name.
    pub scenario: String,
    /// The what-if variant this line-up is; `None` for the scenario as written.
    pub variant: Option<String>,
    /// The line-up's partners, sorted by id (index `i` everywhere below).
    pub partners: Vec<Partner>,
    /// The roles the line-up needs, sorted by role id (index `j` everywhere below).
    pub needs: Vec<Need>,
    /// Facilitator pins as `(partner, need, lead)` indices; pins naming an absent partner or role
    /// are left out.
    pub pins: Vec<(usize, usize, bool)>,
    /// Pins as written, parallel to `pins`.
    pub pin_specs: Vec<Pin>,
    /// `fit[i][j]` of partner `i` to need `j`.
    pub fit: Vec<Vec<f64>>,
    /// `blocked[i][j]`: why partner `i` may not take need `j`, if so.
    pub blocked: Vec<Vec<Option<Block>>>,
    /// `serves[i][j]`: need `j`'s role serves a motive of partner `i`'s sector.
    pub serves: Vec<Vec<bool>>,
    /// The rules matched against the line-up, one per subject; none on a blocked pair.
    pub instances: Vec<Instance>,
    /// Envelope rows per instance, parallel to `instances` once [`Problem::tighten`] has run;
    /// empty until then.
    pub envelopes: Vec<Vec<envelope::Facet>>,
    /// Sectors the line-up holds, and the minimum that must take roles (after capping).
    pub sectors_present: Vec<crate::kb::SectorIx>,
    /// Sectors that must take roles: the minimum asked for, capped at `sectors_present.len()`.
    pub min_sectors: u32,
    /// The minimum of sectors the line-up asked for (or the rules' default), before capping.
    pub sectors_requested: u32,
    /// `partner_order[f]`: the canonical index of the partner at position `f` in the file.
    pub partner_order: Vec<usize>,
    /// `need_order[f]`: the canonical index of the need at position `f` in the file.
    pub need_order: Vec<usize>,
    /// What the line-up's money does: commitments holding, roles needing and receiving money.
    pub money: money::Money,
    /// Notes for the reader: what applying the variant changed, and why the sector minimum was
    /// capped.
    pub notes: Vec<String>,
}

/// A rule applied to one subject: a partner in a role, a partner, a role, or the consortium.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The rule that matched.
    pub rule: RuleIx,
    /// What it matched: which partner, role, pair or the whole line-up.
    pub subject: Subject,
}

/// What a rule instance is about, with canonical partner and need indices ([`Problem`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// A partner holding (or, with `lead`, leading) a need.
    Holds {
        /// The partner.
        partner: usize,
        /// The need.
        need: usize,
        /// Only when it leads the need.
        lead: bool,
    },
    /// `second` matched the rule's `second` test, `first` its `first`.
    Pair {
        /// The partner holding both needs.
        partner: usize,
        /// The need matching the rule's `first` test.
        first: usize,
        /// The need matching the rule's `second` test.
        second: usize,
    },
    /// A partner's load above `limit`.
    Load {
        /// The partner.
        partner: usize,
        /// Most roles held, or most summed effort when `by_effort`.
        limit: f64,
        /// The load counts roles' effort (else the number of roles).
        by_effort: bool,
    },
    /// A partner holding roles, none of which serves its sector's motives.
    Unserved {
        /// The partner.
        partner: usize,
    },
    /// A partner holding no role at all.
    Idle {
        /// The partner.
        partner: usize,
    },
    /// The partner does not hold the need (a role it asked for).
    Unmet {
        /// The partner that asked for the role.
        partner: usize,
        /// The need it asked for.
        need: usize,
    },
    /// At least `at_least` of `partners` on the same need.
    Shared {
        /// The shared need.
        need: usize,
        /// The partners that count (the rule's `who`, of one sector when it asks for that).
        partners: Vec<usize>,
        /// How many of them make the need shared.
        at_least: u32,
    },
    /// A partner holding more than `limit` of the needed importance.
    Concentration {
        /// The partner.
        partner: usize,
        /// Importance points (the rule's share of the total, at least the fair roles' importance).
        limit: f64,
    },
    /// Fewer than `below` sectors taking roles (one instance for the line-up).
    Diversity {
        /// Fewest sectors that are enough.
        below: u32,
    },
    /// A need not (fully) covered.
    Uncovered {
        /// The need.
        need: usize,
    },
}

/// A line-up decision: who holds which need, and who leads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// `holds[i][j]`: partner `i` holds need `j`.
    pub holds: Vec<Vec<bool>>,
    /// The lead partner of each need, if anyone holds it.
    pub lead: Vec<Option<usize>>,
}

impl Assignment {
    /// The assignment of `partners` partners to `needs` needs in which nobody holds anything.
    pub fn empty(partners: usize, needs: usize) -> Self {
        Assignment {
            holds: vec![vec![false; needs]; partners],
            lead: vec![None; needs],
        }
    }

    /// How many partners hold need `need`.
    pub fn count(&self, need: usize) -> usize {
        self.holds.iter().filter(|row| row[need]).count()
    }

    /// The needs partner `partner` holds, in need order.
    pub fn roles_of(&self, partner: usize) -> impl Iterator<Item = usize> + '_ {
        self.holds[partner]
            .iter()
            .enumerate()
            .filter(|(_, h)| **h)
            .map(|(j, _)| j)
    }
}

/// Most rule instances a problem built from input may hold. Each costs about a kilobyte once
/// in the solver's model, so this bounds memory; a consortium of 1000 partners under the
/// built-in rules has about 10 000.
pub const MAX_INSTANCES: usize = 200_000;

/// The rules in force match a line-up more often than [`MAX_INSTANCES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the rules in force match this line-up more than {MAX_INSTANCES} times (partners, roles or pairs of roles), too many to model: split the consortium, or use fewer needs or rules"
)]
pub struct TooLarge;

/// Instances matched so far; beyond the cap they are counted out, not kept, so a rule set that
/// matches everything cannot fill memory before the problem is refused.
struct Matched {
    list: Vec<Instance>,
    cap: usize,
    over: bool,
}

impl Matched {
    fn push(&mut self, instance: Instance) {
        if self.list.len() < self.cap {
            self.list.push(instance);
        } else {
            self.over = true;
        }
    }
}

impl<'k> Problem<'k> {
    /// The problem of a line-up, refused when the rules match it more than [`MAX_INSTANCES`]
    /// times: what every command uses on input.
    pub fn try_new(kb: &'k KnowledgeBase, line_up: &LineUp) -> Result<Problem<'k>, TooLarge> {
        let (problem, over) = Problem::with_cap(kb, line_up, MAX_INSTANCES);
        if over { Err(TooLarge) } else { Ok(problem) }
    }

    /// The problem of a line-up, however large.
    pub fn new(kb: &'k KnowledgeBase, line_up: &LineUp) -> Problem<'k> {
        Problem::with_cap(kb, line_up, usize::MAX).0
    }

    /// The problem, and whether matching the rules went over `cap` instances.
    fn with_cap(kb: &'k KnowledgeBase, line_up: &LineUp, cap: usize) -> (Problem<'k>, bool) {
        let mut partner_idx: Vec<usize> = (0..line_up.partners.len()).collect();
        partner_idx.sort_by(|&a, &b| line_up.partners[a].id.cmp(&line_up.partners[b].id));
        let mut need_idx: Vec<usize> = (0..line_up.needs.len()).collect();
        need_idx.sort_by(|&a, &b| {
            kb.role(line_up.needs[a].role)
                .id
                .cmp(&kb.role(line_up.needs[b].role).id)
        });
        let partners: Vec<Partner> = partner_idx
            .iter()
            .map(|&i| line_up.partners[i].clone())
            .collect();
        let needs: Vec<Need> = need_idx.iter().map(|&j| line_up.needs[j].clone()).collect();
        // file position -> canonical index
        let mut partner_order = vec![0; partners.len()];
        for (canon, &file) in partner_idx.iter().enumerate() {
            partner_order[file] = canon;
        }
        let mut need_order = vec![0; needs.len()];
        for (canon, &file) in need_idx.iter().enumerate() {
            need_order[file] = canon;
        }
        let fit: Vec<Vec<f64>> = partners
            .iter()
            .map(|p| needs.iter().map(|n| p.fit(kb, n.role)).collect())
            .collect();
        let serves: Vec<Vec<bool>> = partners
            .iter()
            .map(|p| {
                let motives: Vec<_> = kb.sector_motives(p.sector).collect();
                needs
                    .iter()
                    .map(|n| kb.role(n.role).serves.iter().any(|m| motives.contains(m)))
                    .collect()
            })
            .collect();
        let pins: Vec<(usize, usize, bool)> = line_up
            .pins
            .iter()
            .filter_map(|pin| {
                let i = partners.iter().position(|p| p.id == pin.partner)?;
                let j = needs.iter().position(|n| n.role == pin.role)?;
                Some((i, j, pin.lead))
            })
            .collect();
        let requested = line_up.min_sectors.unwrap_or(kb.settings.min_sectors);
        let money = money::Money::new(
            kb,
            &line_up.finance,
            &line_up.commitments,
            &partners,
            &needs,
        );
        let mut problem = Problem {
            kb,
            scenario: line_up.scenario.clone(),
            variant: line_up.variant.clone(),
            blocked: vec![vec![None; needs.len()]; partners.len()],
            partners,
            needs,
            pins,
            pin_specs: line_up.pins.clone(),
            fit,
            serves,
            instances: Vec::new(),
            envelopes: Vec::new(),
            sectors_present: Vec::new(),
            min_sectors: 0,
            sectors_requested: requested,
            partner_order,
            need_order,
            money,
            notes: line_up.notes.clone(),
        };
        let over = problem.match_rules(cap);
        problem.require_sectors();
        (problem, over)
    }

    /// The sectors that can take part (a partner of theirs can take some role), and the
    /// minimum of them that must: the requested number, capped at what is possible. A partner
    /// that can take no role never raises the minimum, so adding it never changes the optimum.
    fn require_sectors(&mut self) {
        let requested = self.sectors_requested;
        let mut present: Vec<_> = (0..self.partners.len())
            .filter(|&i| {
                self.partners[i].capacity > 0 && self.blocked[i].iter().any(Option::is_none)
            })
            .map(|i| self.partners[i].sector)
            .collect();
        present.sort();
        present.dedup();
        self.min_sectors = requested.min(present.len() as u32);
        self.sectors_present = present;
        self.notes.extend(self.sectors_note());
    }

    /// Says so when the minimum of sectors had to be capped.
    fn sectors_note(&self) -> Option<String> {
        (self.min_sectors < self.sectors_requested).then(|| {
            format!(
                "at least {} sectors were asked for, but only {} can take a role in this line-up: the minimum is {}",
                self.sectors_requested,
                self.sectors_present.len(),
                self.min_sectors
            )
        })
    }

    /// The importance of need `j` (how much covering it is worth).
    pub fn importance(&self, j: usize) -> f64 {
        self.needs[j].importance as f64
    }

    /// The summed importance of all the needs.
    pub fn total_importance(&self) -> f64 {
        (0..self.needs.len()).map(|j| self.importance(j)).sum()
    }

    /// Whether a pin puts partner `i` in need `j` (leading or not).
    pub fn is_pinned(&self, i: usize, j: usize) -> bool {
        self.pins.iter().any(|&(pi, pj, _)| pi == i && pj == j)
    }

    /// Whether a pin makes partner `i` the lead of need `j` (a pin on a one-partner role does).
    pub fn is_pinned_lead(&self, i: usize, j: usize) -> bool {
        self.pins
            .iter()
            .any(|&(pi, pj, lead)| pi == i && pj == j && (lead || self.needs[j].max <= 1))
    }

    /// The role id of need `j`.
    pub fn role_id(&self, j: usize) -> &str {
        &self.kb.role(self.needs[j].role).id
    }

    /// The share of need `j`'s capability weight that partner `i` is credited on stated
    /// evidence (the capability, or a related label, stated in the scenario; the rest rests on
    /// assumed defaults): what breaks ties first.
    pub fn stated_share(&self, i: usize, j: usize) -> f64 {
        let needs = &self.kb.role(self.needs[j].role).needs;
        let total: f64 = needs.iter().map(|&(_, w)| w).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let stated: f64 = needs
            .iter()
            .filter(|&&(cap, _)| self.stated_need(i, cap))
            .map(|&(_, w)| w)
            .sum();
        stated / total
    }

    /// Whether partner `i` is credited in capability `cap` on stated evidence.
    pub fn stated_need(&self, i: usize, cap: crate::kb::CapIx) -> bool {
        self.partners[i].credit(self.kb, cap).basis.is_stated()
    }

    /// Matches every rule against the line-up, recording blocks and instances.
    /// Returns whether more than `cap` instances matched (those beyond it are dropped).
    fn match_rules(&mut self, cap: usize) -> bool {
        let kb = self.kb;
        let (np, nn) = (self.partners.len(), self.needs.len());
        for i in 0..np {
            for j in 0..nn {
                if self.partners[i].refuses.contains(&self.needs[j].role) {
                    self.blocked[i][j] = Some(Block::Refused);
                } else if self.partners[i].capacity == 0 {
                    self.blocked[i][j] = Some(Block::NoCapacity);
                }
            }
        }
        let mut instances = Matched {
            list: Vec::new(),
            cap,
            over: false,
        };
        for (r, rule) in kb.rules.iter().enumerate() {
            let rule_ix = RuleIx(r as u32);
            let strength = rule.effect.strength;
            match &rule.scope {
                Scope::Holds { who, lead } => {
                    for i in 0..np {
                        // Most holding rules are about one sector: skip the needs of partners
                        // the partner facts already rule out.
                        if !eval::may_match_partner(self, who, i) {
                            continue;
                        }
                        for j in 0..nn {
                            if !matches(self, who, Some(i), Some(j)) {
                                continue;
                            }
                            // A forbid or avoid on holding removes the pair, unless a pin asks
                            // for it: then a forbid's contradiction is kept in the model for the
                            // conflict report, and an avoid is priced and flagged.
                            if strength != Strength::Price && !lead && !self.is_pinned(i, j) {
                                let block = if strength == Strength::Forbid {
                                    Block::Forbidden(rule_ix)
                                } else {
                                    Block::Avoided(rule_ix)
                                };
                                // The first rule keeps the pair out, except that a logic rule
                                // is the better reason to show than the fit floor.
                                let replace = match &self.blocked[i][j] {
                                    None => true,
                                    Some(Block::Avoided(r)) => {
                                        kb.rule(*r).about_fit() && !rule.about_fit()
                                    }
                                    Some(_) => false,
                                };
                                if replace {
                                    self.blocked[i][j] = Some(block);
                                }
                                continue;
                            }
                            instances.push(Instance {
                                rule: rule_ix,
                                subject: Subject::Holds {
                                    partner: i,
                                    need: j,
                                    lead: *lead,
                                },
                            });
                        }
                    }
                }
                Scope::Pair { first, second } => {
                    // Each test once per (partner, need), not once per pair of needs: this
                    // loop dominated building the model of an 18-role scenario.
                    let (mut f, mut s) = (vec![false; nn], vec![false; nn]);
                    for i in 0..np {
                        if !eval::may_match_partner(self, first, i)
                            || !eval::may_match_partner(self, second, i)
                        {
                            continue;
                        }
                        for j in 0..nn {
                            f[j] = matches(self, first, Some(i), Some(j));
                            s[j] = matches(self, second, Some(i), Some(j));
                        }
                        for a in 0..nn {
                            if !f[a] {
                                continue;
                            }
                            for b in 0..nn {
                                if a == b || !s[b] {
                                    continue;
                                }
                                // Unordered pairs matched both ways count once.
                                let mirrored = f[b] && s[a];
                                if mirrored && b < a {
                                    continue;
                                }
                                instances.push(Instance {
                                    rule: rule_ix,
                                    subject: Subject::Pair {
                                        partner: i,
                                        first: a,
                                        second: b,
                                    },
                                });
                            }
                        }
                    }
                }
                Scope::Load { who, limit } => {
                    for i in 0..np {
                        if !matches(self, who, Some(i), None) {
                            continue;
                        }
                        let (limit, by_effort) = match *limit {
                            LoadLimit::Roles(n) => (n as f64, false),
                            LoadLimit::Effort(x) => (x, true),
                            LoadLimit::EffortAboveCapacity(plus) => {
                                (self.partners[i].capacity as f64 + plus, true)
                            }
                        };
                        instances.push(Instance {
                            rule: rule_ix,
                            subject: Subject::Load {
                                partner: i,
                                limit,
                                by_effort,
                            },
                        });
                    }
                }
                Scope::Unserved { who } => {
                    for i in 0..np {
                        if matches(self, who, Some(i), None) {
                            instances.push(Instance {
                                rule: rule_ix,
                                subject: Subject::Unserved { partner: i },
                            });
                        }
                    }
                }
                Scope::Idle { who } => {
                    for i in 0..np {
                        if matches(self, who, Some(i), None) {
                            instances.push(Instance {
                                rule: rule_ix,
                                subject: Subject::Idle { partner: i },
                            });
                        }
                    }
                }
                Scope::Unmet { who } => {
                    for i in 0..np {
                        if !eval::may_match_partner(self, who, i) {
                            continue;
                        }
                        for j in 0..nn {
                            if matches(self, who, Some(i), Some(j)) {
                                instances.push(Instance {
                                    rule: rule_ix,
                                    subject: Subject::Unmet {
                                        partner: i,
                                        need: j,
                                    },
                                });
                            }
                        }
                    }
                }
                Scope::Shared {
                    who,
                    at_least,
                    same_sector,
                } => {
                    let able: Vec<usize> = (0..np)
                        .filter(|&i| eval::may_match_partner(self, who, i))
                        .collect();
                    // One group of partners per role, or one per sector of the line-up.
                    let mut groups: Vec<Option<crate::kb::SectorIx>> = vec![None];
                    if *same_sector {
                        groups = able
                            .iter()
                            .map(|&i| Some(self.partners[i].sector))
                            .collect();
                        groups.sort();
                        groups.dedup();
                    }
                    for j in 0..nn {
                        for group in &groups {
                            let partners: Vec<usize> = able
                                .iter()
                                .copied()
                                .filter(|&i| group.is_none_or(|s| self.partners[i].sector == s))
                                .filter(|&i| matches(self, who, Some(i), Some(j)))
                                .collect();
                            if partners.len() >= *at_least as usize
                                && self.needs[j].max >= *at_least
                            {
                                instances.push(Instance {
                                    rule: rule_ix,
                                    subject: Subject::Shared {
                                        need: j,
                                        partners,
                                        at_least: *at_least,
                                    },
                                });
                            }
                        }
                    }
                }
                Scope::Concentration {
                    share_above,
                    fair_roles,
                } => {
                    let mut importance: Vec<f64> = (0..nn).map(|j| self.importance(j)).collect();
                    importance.sort_by(|a, b| b.total_cmp(a));
                    let fair: f64 = importance.iter().take(*fair_roles as usize).sum();
                    let limit = (share_above * self.total_importance()).max(fair);
                    for i in 0..np {
                        instances.push(Instance {
                            rule: rule_ix,
                            subject: Subject::Concentration { partner: i, limit },
                        });
                    }
                }
                Scope::Diversity { below } => instances.push(Instance {
                    rule: rule_ix,
                    subject: Subject::Diversity { below: *below },
                }),
                // Judged by `crate::additionality` on counterfactual line-ups, and by `explain` on
                // the line-up's money account: never in the optimisation.
                Scope::Additionality { .. } | Scope::Financing { .. } => {}
                Scope::Uncovered { role } => {
                    for j in 0..nn {
                        if matches(self, role, None, Some(j)) {
                            instances.push(Instance {
                                rule: rule_ix,
                                subject: Subject::Uncovered { need: j },
                            });
                        }
                    }
                }
            }
        }
        // Instances on blocked pairs can never fire; drop them so the model stays small.
        let over = instances.over;
        let mut instances = instances.list;
        instances.retain(|inst| match inst.subject {
            Subject::Holds { partner, need, .. } => self.blocked[partner][need].is_none(),
            Subject::Pair {
                partner,
                first,
                second,
            } => self.blocked[partner][first].is_none() && self.blocked[partner][second].is_none(),
            _ => true,
        });
        self.instances = instances;
        over
    }

    /// Computes the envelope rows ([`envelope`]) of every priced per-partner limit. They leave
    /// the optimum unchanged and shrink branch and bound on consortia whose partners' limits
    /// bind. The first computation of a given limit costs more than it saves on a single solve
    /// of an easy line-up, so only callers that solve many problems (valuing every coalition,
    /// sweeps) ask for them.
    pub fn tighten(&mut self) {
        self.envelopes = self
            .instances
            .iter()
            .map(|inst| {
                let effect = &self.kb.rule(inst.rule).effect;
                if effect.is_forbid() || effect.weight() >= 0.0 {
                    return Vec::new();
                }
                let (partner, limit, by) = match inst.subject {
                    Subject::Load {
                        partner,
                        limit,
                        by_effort,
                    } => (partner, limit, Some(by_effort)),
                    Subject::Concentration { partner, limit } => (partner, limit, None),
                    _ => return Vec::new(),
                };
                // The amounts of the limit row `build` writes: effort, roles or importance.
                let amount = |j: usize| match by {
                    Some(true) => self.kb.role(self.needs[j].role).effort,
                    Some(false) => 1.0,
                    None => self.importance(j),
                };
                let items: Vec<(usize, f64)> = (0..self.needs.len())
                    .filter(|&j| self.blocked[partner][j].is_none())
                    .map(|j| (j, amount(j)))
                    .collect();
                envelope::facets(&items, self.partners[partner].capacity, limit)
            })
            .collect();
    }

    /// Units by which an instance is active in an assignment (0 when it is not).
    pub fn amount(&self, inst: &Instance, a: &Assignment) -> f64 {
        match &inst.subject {
            Subject::Holds {
                partner,
                need,
                lead,
            } => {
                let on = if *lead {
                    a.lead[*need] == Some(*partner)
                } else {
                    a.holds[*partner][*need]
                };
                if on { 1.0 } else { 0.0 }
            }
            Subject::Pair {
                partner,
                first,
                second,
            } => {
                if a.holds[*partner][*first] && a.holds[*partner][*second] {
                    1.0
                } else {
                    0.0
                }
            }
            Subject::Load {
                partner,
                limit,
                by_effort,
            } => (self.load(a, *partner, *by_effort) - limit).max(0.0),
            Subject::Unserved { partner } => {
                let mut held = a.roles_of(*partner).peekable();
                let any = held.peek().is_some();
                let served = a.roles_of(*partner).any(|j| self.serves[*partner][j]);
                if any && !served { 1.0 } else { 0.0 }
            }
            Subject::Idle { partner } => {
                if a.roles_of(*partner).next().is_none() {
                    1.0
                } else {
                    0.0
                }
            }
            Subject::Unmet { partner, need } => {
                if a.holds[*partner][*need] {
                    0.0
                } else {
                    1.0
                }
            }
            Subject::Shared {
                need,
                partners,
                at_least,
            } => {
                let n = partners.iter().filter(|&&i| a.holds[i][*need]).count() as f64;
                (n - (*at_least as f64 - 1.0)).max(0.0)
            }
            Subject::Concentration { partner, limit } => {
                (self.held_importance(a, *partner) - limit).max(0.0)
            }
            Subject::Diversity { below } => (*below as f64 - self.sectors_used(a) as f64).max(0.0),
            Subject::Uncovered { need } => {
                let missing = (self.needs[*need].min as f64 - a.count(*need) as f64).max(0.0);
                missing * self.importance(*need)
            }
        }
    }

    /// Roles held (or summed effort) by a partner.
    pub fn load(&self, a: &Assignment, i: usize, by_effort: bool) -> f64 {
        a.roles_of(i)
            .map(|j| {
                if by_effort {
                    self.kb.role(self.needs[j].role).effort
                } else {
                    1.0
                }
            })
            .sum()
    }

    /// The summed importance of the needs partner `i` holds in `a`.
    pub fn held_importance(&self, a: &Assignment, i: usize) -> f64 {
        a.roles_of(i).map(|j| self.importance(j)).sum()
    }

    /// How many distinct sectors have a partner holding some role in `a`.
    pub fn sectors_used(&self, a: &Assignment) -> usize {
        let mut used: Vec<_> = (0..self.partners.len())
            .filter(|&i| a.holds[i].iter().any(|&h| h))
            .map(|i| self.partners[i].sector)
            .collect();
        used.sort();
        used.dedup();
        used.len()
    }

    /// The value a need's holders create: importance x fit for the lead, a share for supporters.
    pub fn value(&self, a: &Assignment) -> f64 {
        let support = self.kb.settings.support_weight;
        (0..self.needs.len())
            .map(|j| {
                let imp = self.importance(j);
                (0..self.partners.len())
                    .filter(|&i| a.holds[i][j])
                    .map(|i| {
                        let w = if a.lead[j] == Some(i) { 1.0 } else { support };
                        imp * self.fit[i][j] * w
                    })
                    .sum::<f64>()
            })
            .sum()
    }

    /// The objective of an assignment: value plus every active rule's bonus minus its penalty.
    pub fn objective(&self, a: &Assignment) -> f64 {
        self.value(a)
            + self
                .instances
                .iter()
                .map(|inst| self.weight(inst) * self.amount(inst, a))
                .sum::<f64>()
    }

    /// An instance's objective weight per unit of [`Problem::amount`]: its rule's bonus minus
    /// penalty, times the importance of the role at stake when the rule prices per importance.
    pub fn weight(&self, inst: &Instance) -> f64 {
        let effect = &self.kb.rule(inst.rule).effect;
        effect.weight() * self.stake(inst, effect.per)
    }

    /// The multiplier of a rule's price: 1, or the importance of the role at stake.
    pub fn stake(&self, inst: &Instance, per: Per) -> f64 {
        match (per, &inst.subject) {
            (Per::Unit, _) => 1.0,
            (Per::Importance, Subject::Holds { need, .. })
            | (Per::Importance, Subject::Pair { second: need, .. })
            | (Per::Importance, Subject::Shared { need, .. })
            | (Per::Importance, Subject::Unmet { need, .. }) => self.importance(*need),
            (Per::Importance, _) => 1.0,
        }
    }

    /// Whether the pair is kept out by a rule of strength `avoid` (only a pin would put it in).
    pub fn is_avoided(&self, i: usize, j: usize) -> bool {
        matches!(self.blocked[i][j], Some(Block::Avoided(_)))
    }

    /// Whether the pair is kept out by a logic rule of strength `avoid` (a breach of the
    /// partner's institutional logic, not merely a fit below the floor).
    pub fn is_avoided_by_logic(&self, i: usize, j: usize) -> bool {
        matches!(self.blocked[i][j], Some(Block::Avoided(r)) if !self.kb.rule(r).about_fit())
    }

    /// Share of needed importance covered: each need counts `importance x min(held, min) / min`.
    pub fn coverage(&self, a: &Assignment) -> f64 {
        let total = self.total_importance();
        if total == 0.0 {
            return 1.0;
        }
        let covered: f64 = (0..self.needs.len())
            .map(|j| {
                let need = &self.needs[j];
                if need.min == 0 {
                    return self.importance(j);
                }
                let held = (a.count(j) as f64).min(need.min as f64);
                self.importance(j) * held / need.min as f64
            })
            .sum();
        covered / total
    }
}

#[cfg(test)]
mod tests;
