//! The JSON of a line-up's money account (the `money` object of `rolefit solve --format json`,
//! also in each line-up of `rolefit additionality`).

use crate::explain::money::{Account, Source};
use crate::explain::round;
use serde::Serialize;

#[derive(Serialize)]
pub struct MoneyJson<'a> {
    currency: Option<&'a str>,
    phases: &'a [String],
    totals: Vec<TotalJson<'a>>,
    roles: Vec<RoleMoneyJson<'a>>,
    commitments: Vec<CommitmentJson<'a>>,
}

#[derive(Serialize)]
struct TotalJson<'a> {
    phase: &'a str,
    budget: f64,
    committed: f64,
    short: f64,
}

#[derive(Serialize)]
struct RoleMoneyJson<'a> {
    role: &'a str,
    importance: u32,
    needs_money: bool,
    status: &'static str,
    holders: &'a [String],
    phases: Vec<PhaseJson<'a>>,
}

#[derive(Serialize)]
struct PhaseJson<'a> {
    phase: &'a str,
    budget: f64,
    committed: f64,
    /// Some money reaching the role states no amount.
    unstated: bool,
    short: f64,
    from: Vec<SourceJson<'a>>,
    /// Money committed to the role in the phase that reaches no holder.
    stranded: Vec<SourceJson<'a>>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    commitment: &'a str,
    funder: &'a str,
    amount: Option<f64>,
}

#[derive(Serialize)]
struct CommitmentJson<'a> {
    id: &'a str,
    funder: &'a str,
    role: &'a str,
    amount: Option<f64>,
    phase: Option<&'a str>,
    only_if: &'a [String],
    never_to: &'a [String],
    through: Option<&'a str>,
    implicit: bool,
    state: &'static str,
    note: &'a str,
}

fn source_json(s: &Source) -> SourceJson<'_> {
    SourceJson {
        commitment: &s.commitment,
        funder: &s.funder,
        amount: s.amount.map(|v| round(v, 2)),
    }
}

pub fn money_json(m: &Account) -> MoneyJson<'_> {
    MoneyJson {
        currency: m.currency.as_deref(),
        phases: &m.phases,
        totals: m
            .totals
            .iter()
            .map(|t| TotalJson {
                phase: &t.phase,
                budget: round(t.budget, 2),
                committed: round(t.committed, 2),
                short: round(t.short, 2),
            })
            .collect(),
        roles: m
            .roles
            .iter()
            .map(|r| RoleMoneyJson {
                role: &r.role,
                importance: r.importance,
                needs_money: r.needs_money,
                status: r.status.name(),
                holders: &r.holders,
                phases: r
                    .phases
                    .iter()
                    .zip(&m.phases)
                    .map(|(ph, name)| PhaseJson {
                        phase: name,
                        budget: round(ph.budget, 2),
                        committed: round(ph.committed, 2),
                        unstated: ph.unstated,
                        short: round(ph.short, 2),
                        from: ph.from.iter().map(source_json).collect(),
                        stranded: ph.stranded.iter().map(source_json).collect(),
                    })
                    .collect(),
            })
            .collect(),
        commitments: m
            .commitments
            .iter()
            .map(|c| CommitmentJson {
                id: &c.id,
                funder: &c.funder,
                role: &c.role,
                amount: c.amount.map(|v| round(v, 2)),
                phase: c.phase.as_deref(),
                only_if: &c.only_if,
                never_to: &c.never_to,
                through: c.through.as_deref(),
                implicit: c.implicit,
                state: c.state,
                note: &c.note,
            })
            .collect(),
    }
}
