//! The money account of a solved line-up: for each role that needs or receives money, phase by
//! phase, its budget, the money that reaches its holders and from whom, and what is short; what
//! became of every commitment; and, from each phase to the next, who takes the financing over.
//! `Financing` rules turn its findings into flags.
//!
//! The account reads the money facts the optimisation used ([`crate::model::money`]), so a role
//! the line-up leaves open for want of money is the same role the account calls unfinanced.

use super::Flag;
use super::text::SubjectFields;
use crate::kb::{MoneyFinding, Scope};
use crate::model::money::{Flow, FlowState};
use crate::model::{Assignment, Problem, matches};
use crate::scenario::Finance;

/// The money of a line-up, as a report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The scenario's currency; `None` when it states no amount.
    pub currency: Option<String>,
    /// The phases, in order.
    pub phases: Vec<String>,
    /// Roles that need money or receive some, in the order the scenario lists its needs.
    pub roles: Vec<RoleMoney>,
    /// Every commitment and what became of it, by id.
    pub commitments: Vec<CommitmentView>,
    /// Per phase, over the roles: budget, money reaching them, and what is short.
    pub totals: Vec<PhaseTotal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// What became of a role's money.
pub enum MoneyStatus {
    /// Money reaches the role, and no phase is short of its budget (or the budget is not stated).
    Financed,
    /// Money reaches the role, but some phase is short of its budget.
    Underfinanced,
    /// The role needs money and none reaches it: it is not covered, whoever could hold it.
    Unfinanced,
    /// Money is committed to a role that needs none in this scenario (no budget, not a money
    /// role).
    NotNeeded,
}

impl MoneyStatus {
    /// The name JSON uses.
    pub fn name(self) -> &'static str {
        match self {
            MoneyStatus::Financed => "financed",
            MoneyStatus::Underfinanced => "underfinanced",
            MoneyStatus::Unfinanced => "unfinanced",
            MoneyStatus::NotNeeded => "not_needed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
/// One role's money, phase by phase.
pub struct RoleMoney {
    /// The role's id.
    pub role: String,
    /// Its name.
    pub role_name: String,
    /// Its importance.
    pub importance: u32,
    /// Whether it needs money (a budget, or a money role).
    pub needs_money: bool,
    /// What became of its money.
    pub status: MoneyStatus,
    /// Who holds the role (the money's recipients), lead first.
    pub holders: Vec<String>,
    /// One entry per phase of the scenario.
    pub phases: Vec<PhaseMoney>,
}

#[derive(Debug, Clone, PartialEq)]
/// A role's money in one phase.
pub struct PhaseMoney {
    /// 0 when the role has no budget for the phase.
    pub budget: f64,
    /// Stated amounts of the money reaching the role's holders in the phase.
    pub committed: f64,
    /// Some money reaching it states no amount (a `funds` entry).
    pub unstated: bool,
    /// The commitments that reach it, by id.
    pub from: Vec<Source>,
    /// Commitments that hold in the phase but reach nobody: nobody holds the role, or their
    /// conditions keep them from every holder. Named so that money committed to a role is never
    /// silently missing from the role's account.
    pub stranded: Vec<Source>,
    /// Budget minus committed, when the budget is stated and every amount is known; else 0.
    pub short: f64,
}

/// A commitment's money in one role and phase.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The commitment's id.
    pub commitment: String,
    /// Who commits it.
    pub funder: String,
    /// The amount reaching the role, when stated.
    pub amount: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
/// All roles' money in one phase.
pub struct PhaseTotal {
    /// The phase.
    pub phase: String,
    /// The roles' budgets.
    pub budget: f64,
    /// Stated money reaching them.
    pub committed: f64,
    /// What is short.
    pub short: f64,
}

#[derive(Debug, Clone, PartialEq)]
/// A commitment as the money account lists it.
pub struct CommitmentView {
    /// Its id.
    pub id: String,
    /// Who commits it.
    pub funder: String,
    /// The role it goes to.
    pub role: String,
    /// Its amount, when stated.
    pub amount: Option<f64>,
    /// `None`: every phase.
    pub phase: Option<String>,
    /// Commitments that must hold for it to hold.
    pub only_if: Vec<String>,
    /// Sectors or partners its money may not reach.
    pub never_to: Vec<String>,
    /// The partner its money is channelled through.
    pub through: Option<String>,
    /// Written as a partner's `funds` entry.
    pub implicit: bool,
    /// "used", "reaches_nobody", "condition_unmet", "channel_absent", "funder_absent".
    pub state: &'static str,
    /// What became of it, in words.
    pub note: String,
}

/// A finding of the account, before the rules judge it.
struct Found {
    finding: MoneyFinding,
    /// The funder concerned (canonical partner index), if any.
    partner: Option<usize>,
    need: Option<usize>,
    role: crate::kb::RoleIx,
    phase: Option<usize>,
    amount: String,
    other: String,
}

/// Whether the flow's money reaches a holder of its role in the assignment.
fn reaches_holder(p: &Problem, a: &Assignment, f: &Flow) -> bool {
    f.holds()
        && f.need.is_some_and(|j| {
            (0..p.partners.len())
                .any(|i| a.holds[i][j] && !f.commitment.never_to.contains(&p.partners[i].sector))
        })
}

/// Whether the flow's money counts in phase `k`.
fn in_phase(f: &Flow, k: usize) -> bool {
    f.commitment.phase.is_none_or(|p| p == k)
}

fn amount_words(finance: &Finance, v: Option<f64>) -> String {
    match v {
        Some(v) => finance.amount(v),
        None => "an amount the scenario does not state".to_string(),
    }
}

/// The money account of an assignment, and the flags of the `Financing` rules on it; `None`
/// when the scenario states no money at all.
pub fn account(p: &Problem, a: &Assignment) -> Option<(Account, Vec<Flag>)> {
    p.money.finance.stated.then(|| account_of(p, a))
}

/// The money account of an assignment, whether or not the scenario states money (a funder's
/// analysis always has some).
pub fn account_of(p: &Problem, a: &Assignment) -> (Account, Vec<Flag>) {
    let money = &p.money;
    let kb = p.kb;
    let finance = &money.finance;
    let nphases = finance.phases.len();
    let mut found: Vec<Found> = Vec::new();
    let mut roles = Vec::new();
    for &j in &p.need_order {
        let flows: Vec<&Flow> = money.flows.iter().filter(|f| f.need == Some(j)).collect();
        if !money.needs_money[j] && flows.is_empty() {
            continue;
        }
        let need = &p.needs[j];
        let reaching: Vec<&Flow> = flows
            .iter()
            .copied()
            .filter(|f| reaches_holder(p, a, f))
            .collect();
        let phases: Vec<PhaseMoney> = (0..nphases)
            .map(|k| {
                let here: Vec<&&Flow> = reaching.iter().filter(|f| in_phase(f, k)).collect();
                let committed: f64 = here.iter().filter_map(|f| f.commitment.amount).sum();
                let unstated = here.iter().any(|f| f.commitment.amount.is_none());
                let budget = need.budget_in(k);
                let source = |f: &&Flow| Source {
                    commitment: f.commitment.id.clone(),
                    funder: f.commitment.funder.clone(),
                    amount: f.commitment.amount,
                };
                let stranded: Vec<Source> = flows
                    .iter()
                    .filter(|f| f.holds() && in_phase(f, k) && !reaches_holder(p, a, f))
                    .map(source)
                    .collect();
                PhaseMoney {
                    budget,
                    committed,
                    unstated,
                    from: here.iter().map(|f| source(f)).collect(),
                    stranded,
                    short: if unstated {
                        0.0
                    } else {
                        (budget - committed).max(0.0)
                    },
                }
            })
            .collect();
        let has_money = |k: usize| !phases[k].from.is_empty();
        let any_money = (0..nphases).any(has_money);
        for k in 0..nphases {
            let ph = &phases[k];
            // A phase after one with money, with none itself, where the role still needs money:
            // nobody takes the financing over.
            let needed_next = if need.has_budget() {
                ph.budget > 0.0
            } else {
                money.needs_money[j]
            };
            if k > 0 && has_money(k - 1) && !has_money(k) && needed_next {
                let mut funders: Vec<&str> = phases[k - 1]
                    .from
                    .iter()
                    .map(|s| s.funder.as_str())
                    .collect();
                funders.sort_unstable();
                funders.dedup();
                for funder in funders {
                    found.push(Found {
                        finding: MoneyFinding::NotHandedOver,
                        partner: p.partners.iter().position(|x| x.id == funder),
                        need: Some(j),
                        role: need.role,
                        phase: Some(k),
                        amount: amount_words(finance, (ph.budget > 0.0).then_some(ph.budget)),
                        other: String::new(),
                    });
                }
            } else if any_money && ph.budget > 0.0 && ph.short > 0.0 {
                found.push(Found {
                    finding: MoneyFinding::Underfinanced,
                    partner: None,
                    need: Some(j),
                    role: need.role,
                    phase: Some(k),
                    amount: finance.amount(ph.short),
                    other: String::new(),
                });
            }
        }
        let status = if !any_money {
            if money.needs_money[j] {
                MoneyStatus::Unfinanced
            } else {
                MoneyStatus::NotNeeded
            }
        } else if !money.needs_money[j] {
            MoneyStatus::NotNeeded
        } else if phases.iter().any(|ph| ph.short > 0.0) {
            MoneyStatus::Underfinanced
        } else {
            MoneyStatus::Financed
        };
        let mut holders: Vec<usize> = (0..p.partners.len()).filter(|&i| a.holds[i][j]).collect();
        holders.sort_by_key(|&i| (a.lead[j] != Some(i), p.partners[i].id.clone()));
        roles.push(RoleMoney {
            role: p.role_id(j).to_string(),
            role_name: kb.role(need.role).name.clone(),
            importance: need.importance,
            needs_money: money.needs_money[j],
            status,
            holders: holders.iter().map(|&i| p.partners[i].id.clone()).collect(),
            phases,
        });
    }
    let mut commitments = Vec::new();
    for f in &money.flows {
        let c = &f.commitment;
        let role_id = kb.role(c.role).id.clone();
        let amount = amount_words(finance, c.amount);
        let (state, note) = match &f.state {
            FlowState::FunderAbsent => (
                "funder_absent",
                format!("{} is not at the table in this line-up", c.funder),
            ),
            FlowState::ChannelAbsent(t) => {
                found.push(Found {
                    finding: MoneyFinding::ConditionUnmet,
                    partner: f.partner,
                    need: f.need,
                    role: c.role,
                    phase: c.phase,
                    amount: amount.clone(),
                    other: t.clone(),
                });
                (
                    "channel_absent",
                    format!("it flows through {t}, which is not at the table"),
                )
            }
            FlowState::ConditionUnmet(id) => {
                let other = money
                    .flows
                    .iter()
                    .find(|g| &g.commitment.id == id)
                    .map_or(format!("commitment {id} (withdrawn)"), |g| {
                        format!("{}'s commitment {id}", g.commitment.funder)
                    });
                found.push(Found {
                    finding: MoneyFinding::ConditionUnmet,
                    partner: f.partner,
                    need: f.need,
                    role: c.role,
                    phase: c.phase,
                    amount: amount.clone(),
                    other: other.clone(),
                });
                (
                    "condition_unmet",
                    format!("it holds only if {other} holds, and it does not"),
                )
            }
            FlowState::Holds => {
                if let Some(t) = &c.through {
                    found.push(Found {
                        finding: MoneyFinding::ThroughAnotherFunder,
                        partner: f.partner,
                        need: f.need,
                        role: c.role,
                        phase: c.phase,
                        amount: amount.clone(),
                        other: t.clone(),
                    });
                }
                if reaches_holder(p, a, f) {
                    ("used", format!("reaches {role_id}"))
                } else {
                    let why = match f.need {
                        None => "the scenario does not need the role".to_string(),
                        Some(j) if a.count(j) == 0 => "nobody holds the role".to_string(),
                        Some(_) => {
                            "its conditions keep it from every partner holding the role".to_string()
                        }
                    };
                    found.push(Found {
                        finding: MoneyFinding::Unused,
                        partner: f.partner,
                        need: f.need,
                        role: c.role,
                        phase: c.phase,
                        amount: amount.clone(),
                        other: why.clone(),
                    });
                    ("reaches_nobody", format!("reaches nobody: {why}"))
                }
            }
        };
        commitments.push(CommitmentView {
            id: c.id.clone(),
            funder: c.funder.clone(),
            role: role_id,
            amount: c.amount,
            phase: c.phase.map(|k| finance.phases[k].clone()),
            only_if: c.only_if.clone(),
            never_to: c
                .never_to
                .iter()
                .map(|&s| kb.sector(s).id.clone())
                .collect(),
            through: c.through.clone(),
            implicit: c.implicit,
            state,
            note,
        });
    }
    let totals = (0..nphases)
        .map(|k| PhaseTotal {
            phase: finance.phases[k].clone(),
            budget: roles.iter().map(|r| r.phases[k].budget).sum(),
            committed: roles.iter().map(|r| r.phases[k].committed).sum(),
            short: roles.iter().map(|r| r.phases[k].short).sum(),
        })
        .collect();
    let flags = flags(p, &found);
    (
        Account {
            currency: finance.currency.clone(),
            phases: finance.phases.clone(),
            roles,
            commitments,
            totals,
        },
        flags,
    )
}

/// The flags of the `Financing` rules matching the findings.
fn flags(p: &Problem, found: &[Found]) -> Vec<Flag> {
    let kb = p.kb;
    let mut out = Vec::new();
    for f in found {
        for rule in &kb.rules {
            let Scope::Financing { finding, who } = &rule.scope else {
                continue;
            };
            if *finding != f.finding || !matches(p, who, f.partner, f.need) {
                continue;
            }
            let Some(spec) = &rule.effect.flag else {
                continue;
            };
            let fields = fields(p, f);
            out.push(Flag::raised(kb, rule, spec, &fields));
        }
    }
    out
}

fn fields(p: &Problem, f: &Found) -> SubjectFields {
    let kb = p.kb;
    let mut values: Vec<(&'static str, String)> = Vec::new();
    let partner = f.partner.map(|i| {
        let x = &p.partners[i];
        values.push(("partner", x.id.clone()));
        values.push(("partner_name", x.name.clone()));
        values.push(("sector", kb.sector(x.sector).name.to_lowercase()));
        x.id.clone()
    });
    let role = kb.role(f.role);
    values.push(("role", role.id.clone()));
    values.push(("role_name", role.name.to_lowercase()));
    if let Some(k) = f.phase {
        values.push(("phase", p.money.finance.phases[k].clone()));
    }
    values.push(("amount", f.amount.clone()));
    values.push(("value", f.amount.clone()));
    values.push(("other_partner", f.other.clone()));
    SubjectFields {
        partner,
        role: Some(role.id.clone()),
        values,
    }
}
