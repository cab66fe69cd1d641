//! Each commitment of a funder, judged with its amounts against the line-up's money account:
//! what it finances that nobody else would (additional), what others' money already covers
//! (crowding out, by the overlapping amount; public money when the overlap is a government's
//! own budget line), what it cannot reach (restricted, unused), and what others commit only on
//! condition of it (leverage).
//!
//! Overlap is measured against the phase's budget: of a commitment of `a` beside others' `O`
//! on a budget `B`, `clamp(O + a - B, 0, a)` stands in for money already there. Each funder is
//! judged as the last one in, so two funders over a budget each see the same overlap.

use super::lineups::Solved;
use super::{Judged, Leveraged, Other, Verdict};
use crate::explain::money::{MoneyStatus, RoleMoney};
use crate::kb::Finding;
use crate::model::money::{Flow, FlowState, Money};
use crate::scenario::Finance;

/// The contract's sector of public budgets: money from it is a government's own budget line.
pub(super) const PUBLIC_SECTOR: &str = "government";

/// A change of money this small is no change (amounts are in currency units, rounded to cents).
const CENT: f64 = 0.005;

/// The commitment `flow` of the funder, judged against the line-up with it and the line-up
/// re-optimised without its money.
pub(super) fn judge(with: &Solved, unfunded: &Solved, flow: &Flow) -> Judged {
    let kb = with.problem.kb;
    let finance = &with.problem.money.finance;
    let c = &flow.commitment;
    let role = kb.role(c.role);
    let phases: Vec<usize> = c
        .phase
        .map_or_else(|| (0..finance.phases.len()).collect(), |k| vec![k]);
    let phase_words = c.phase.map_or("every phase".to_string(), |k| {
        format!("the {} phase", finance.phases[k])
    });
    let view = with.account.commitments.iter().find(|v| v.id == c.id);
    let state = view.map_or("reaches_nobody", |v| v.state);
    let money_with = with.account.roles.iter().find(|r| r.role == role.id);
    let money_without = unfunded.account.roles.iter().find(|r| r.role == role.id);
    let short = |m: Option<&RoleMoney>| -> Option<f64> {
        m.map(|m| phases.iter().map(|&k| m.phases[k].short).sum())
    };
    let budget = money_with
        .filter(|m| c.phase.is_some() && m.phases.iter().any(|p| p.budget > 0.0))
        .map(|m| phases.iter().map(|&k| m.phases[k].budget).sum::<f64>());
    let others: Vec<Other> = money_with.map_or_else(Vec::new, |m| others(with, m, &phases, &c.id));
    let unfinanced_without = money_without.is_some_and(|m| m.status == MoneyStatus::Unfinanced)
        && money_with.is_some_and(|m| m.status != MoneyStatus::Unfinanced);
    let mut judged = Judged {
        id: c.id.clone(),
        funder: c.funder.clone(),
        role: role.id.clone(),
        role_name: role.name.clone(),
        importance: flow.need.map(|j| with.problem.needs[j].importance),
        phase: c.phase.map(|k| finance.phases[k].clone()),
        amount: c.amount,
        terms: terms(with, flow),
        finding: Finding::Unused,
        verdict: Verdict::NotAdditional,
        additional: c.amount.map(|_| 0.0),
        crowded: None,
        budget,
        others,
        leveraged: leveraged(with, flow),
        restricted_by: None,
        restricted_from: Vec::new(),
        short_with: short(money_with),
        short_without: short(money_without),
        unfinanced_without,
        explanation: String::new(),
    };
    let amount = |v: f64| finance.amount(v);
    match state {
        "used" => used(&mut judged, money_with, finance, &phase_words),
        "reaches_nobody" => {
            // The partners its conditions bar: the role's holders, or, when nobody holds it,
            // the partners that could (a fit above the floor).
            let holders = money_with.map_or_else(Vec::new, |m| m.holders.clone());
            let p = &with.problem;
            let barred_sector = |i: usize| c.never_to.contains(&p.partners[i].sector);
            let barred: Vec<&str> = if holders.is_empty() {
                flow.need.map_or_else(Vec::new, |j| {
                    (0..p.partners.len())
                        .filter(|&i| barred_sector(i) && p.fit[i][j] >= kb.settings.fit_floor)
                        .map(|i| p.partners[i].id.as_str())
                        .collect()
                })
            } else {
                holders
                    .iter()
                    .filter(|h| with.partner(h).is_some_and(barred_sector))
                    .map(String::as_str)
                    .collect()
            };
            let verb = if holders.is_empty() {
                "could hold"
            } else {
                "holds"
            };
            if !barred.is_empty() {
                let sectors: Vec<&str> = c
                    .never_to
                    .iter()
                    .map(|&s| kb.sector(s).id.as_str())
                    .collect();
                judged.finding = Finding::Restricted;
                judged.restricted_by = Some(restriction(with, flow));
                judged.restricted_from = barred.iter().map(|b| b.to_string()).collect();
                let gap = match judged.short_with.filter(|s| *s > CENT) {
                    Some(s) => format!(
                        "; {} is short of {} in {phase_words}, so the money would be additional if a holder its conditions allow took the role",
                        role.id,
                        amount(s)
                    ),
                    None => String::new(),
                };
                judged.explanation = format!(
                    "its money never goes to {} partners, and {} {verb} {}: as the line-up stands it cannot be used{gap}",
                    sectors.join(" or "),
                    barred.join(" and "),
                    role.id
                );
            } else {
                judged.explanation = view.map_or_else(String::new, |v| v.note.clone());
            }
        }
        _ => {
            judged.explanation = match &flow.state {
                FlowState::ConditionUnmet(id) => {
                    format!("it does not hold: it depends on commitment {id}, which does not")
                }
                FlowState::ChannelAbsent(t) => {
                    format!("it does not hold: it flows through {t}, which is not at the table")
                }
                _ => "it does not hold in this line-up".to_string(),
            };
        }
    }
    judged
}

/// The judgement of money that reaches its role.
fn used(j: &mut Judged, money: Option<&RoleMoney>, finance: &Finance, phase_words: &str) {
    let amount = |v: f64| finance.amount(v);
    let Some(m) = money else { return };
    let public = j.others.iter().any(|o| o.public);
    let names = |os: &[Other]| -> String {
        let mut v: Vec<String> = os
            .iter()
            .map(|o| match o.amount {
                Some(a) => format!("{} ({})", o.funder, amount(a)),
                None => o.funder.clone(),
            })
            .collect();
        v.dedup();
        v.join(", ")
    };
    let crowding = if public {
        Finding::CrowdingOutPublic
    } else {
        Finding::CrowdingOut
    };
    if !m.needs_money {
        j.finding = Finding::Substitutable;
        j.explanation = format!(
            "the scenario gives {} no budget and it is no money role, so the line-up covers it without money (held by {}): state its budget to judge what the money adds",
            j.role,
            if m.holders.is_empty() {
                "nobody".to_string()
            } else {
                m.holders.join(", ")
            }
        );
        return;
    }
    let known: f64 = j.others.iter().filter_map(|o| o.amount).sum();
    let unstated = j.others.iter().any(|o| o.amount.is_none());
    let Some(a) = j.amount else {
        // No amount: it is additional only if nobody else puts money in.
        if j.others.is_empty() {
            j.finding = Finding::Additional;
            j.verdict = Verdict::Additional;
            j.explanation = format!(
                "nobody else puts money into {}: without it the role has none{}",
                j.role,
                if j.unfinanced_without {
                    " and is not covered"
                } else {
                    ""
                }
            );
        } else {
            j.finding = crowding;
            j.explanation = format!(
                "{} also put money into {}: with no amounts stated, its money stands in for theirs",
                names(&j.others),
                j.role
            );
        }
        return;
    };
    let budget = j.budget.unwrap_or(0.0);
    let crowded = if budget > 0.0 {
        (!unstated).then(|| (known + a - budget).clamp(0.0, a))
    } else if m.phases.iter().any(|p| p.budget > 0.0) {
        // The role has a budget, but none in this phase: the money is not needed there.
        Some(a)
    } else if j.others.is_empty() {
        Some(0.0)
    } else if unstated {
        Some(a)
    } else {
        Some(known.min(a))
    };
    if m.phases.iter().any(|p| p.budget > 0.0) && budget <= 0.0 {
        j.finding = Finding::Unused;
        j.crowded = Some(0.0);
        j.explanation = format!(
            "{} has no budget in {phase_words}: the money is not needed there",
            j.role
        );
        return;
    }
    j.crowded = crowded;
    match crowded {
        None => {
            j.finding = crowding;
            j.verdict = Verdict::PartlyAdditional;
            j.additional = None;
            j.explanation = format!(
                "{} also put money into {} in {phase_words} without stating how much: part of it may stand in for theirs",
                names(&j.others),
                j.role
            );
        }
        Some(x) if x <= CENT => {
            j.finding = Finding::Additional;
            j.verdict = Verdict::Additional;
            j.additional = Some(a);
            j.explanation = if j.others.is_empty() {
                format!(
                    "nobody else puts money into {} in {phase_words}: without it the role is short of {} more{}",
                    j.role,
                    amount(a),
                    if j.unfinanced_without {
                        " and is not covered"
                    } else {
                        ""
                    }
                )
            } else {
                format!(
                    "with {} the budget of {} in {phase_words} is still short without it: all of it is needed",
                    names(&j.others),
                    amount(budget)
                )
            };
        }
        Some(x) if j.others.is_empty() => {
            // Nobody else's money: the part above the budget is not needed.
            j.finding = Finding::Additional;
            j.crowded = Some(0.0);
            j.additional = Some(a - x);
            j.verdict = Verdict::PartlyAdditional;
            j.explanation = format!(
                "nobody else puts money into {} in {phase_words}, but {} of it is above the role's budget of {}",
                j.role,
                amount(x),
                amount(budget)
            );
        }
        Some(x) => {
            j.finding = crowding;
            j.additional = Some(a - x);
            j.verdict = if a - x <= CENT {
                Verdict::NotAdditional
            } else {
                Verdict::PartlyAdditional
            };
            let whose = if public {
                "a government's own budget line"
            } else {
                "other funders' money"
            };
            let rest = if a - x <= CENT {
                "none of it is additional".to_string()
            } else {
                format!("{} is additional", amount(a - x))
            };
            j.explanation = if budget > 0.0 {
                format!(
                    "{} of it overlaps {whose} on {}: {} already put {} into its budget of {} in {phase_words}; {rest}",
                    amount(x),
                    j.role,
                    names(&j.others),
                    amount(known),
                    amount(budget),
                )
            } else {
                format!(
                    "{} already finance {} in {phase_words}, with no budget stated: {} of it stands in for {whose}",
                    names(&j.others),
                    j.role,
                    amount(x)
                )
            };
        }
    }
}

/// Other money reaching the role's holders in the same phases, by commitment.
fn others(with: &Solved, m: &RoleMoney, phases: &[usize], own: &str) -> Vec<Other> {
    let kb = with.problem.kb;
    let mut out: Vec<Other> = Vec::new();
    for &k in phases {
        for s in &m.phases[k].from {
            if s.commitment == own || out.iter().any(|o| o.commitment == s.commitment) {
                continue;
            }
            let public = with
                .partner(&s.funder)
                .is_some_and(|i| kb.sector(with.problem.partners[i].sector).id == PUBLIC_SECTOR);
            out.push(Other {
                commitment: s.commitment.clone(),
                funder: s.funder.clone(),
                amount: s.amount,
                public,
            });
        }
    }
    out
}

/// The commitment's conditions in words.
fn terms(with: &Solved, flow: &Flow) -> Vec<String> {
    let kb = with.problem.kb;
    let c = &flow.commitment;
    let mut out = Vec::new();
    if !c.only_if.is_empty() {
        out.push(format!("only if {} holds", c.only_if.join(" and ")));
    }
    if !c.never_to.is_empty() {
        let sectors: Vec<&str> = c
            .never_to
            .iter()
            .map(|&s| kb.sector(s).id.as_str())
            .collect();
        out.push(format!("never to {}", sectors.join(" or ")));
    }
    if let Some(t) = &c.through {
        out.push(format!("through {t}"));
    }
    out
}

/// Where a commitment's `never_to` comes from: the commitment itself, or the funder's
/// attributes (its statutes).
fn restriction(with: &Solved, flow: &Flow) -> String {
    let kb = with.problem.kb;
    let c = &flow.commitment;
    let written = with
        .problem
        .money
        .written
        .iter()
        .find(|w| w.id == c.id)
        .map_or(&[][..], |w| &w.never_to[..]);
    let mut parts = Vec::new();
    if !written.is_empty() {
        parts.push(format!("commitment {}", c.id));
    }
    if let Some(i) = flow.partner {
        for a in &with.problem.partners[i].attributes {
            let attr = &kb.attributes[a.index()];
            if attr.never_to.iter().any(|s| c.never_to.contains(s)) {
                parts.push(format!("attribute {}", attr.id));
            }
        }
    }
    let sectors: Vec<&str> = c
        .never_to
        .iter()
        .map(|&s| kb.sector(s).id.as_str())
        .collect();
    format!("never to {} ({})", sectors.join(" or "), parts.join(", "))
}

/// Commitments of other partners that hold with this one and fall without it: money committed
/// on condition of it.
fn leveraged(with: &Solved, flow: &Flow) -> Vec<Leveraged> {
    if !flow.holds() {
        return Vec::new();
    }
    let p = &with.problem;
    let c = &flow.commitment;
    let written: Vec<_> = p
        .money
        .written
        .iter()
        .filter(|w| w.id != c.id)
        .cloned()
        .collect();
    let mut partners = p.partners.clone();
    if c.implicit
        && let Some(i) = flow.partner
    {
        partners[i].funds.retain(|r| *r != c.role);
    }
    let rest = Money::new(p.kb, &p.money.finance, &written, &partners, &p.needs);
    p.money
        .flows
        .iter()
        .filter(|f| f.holds() && f.commitment.funder != c.funder)
        .filter(|f| {
            rest.flows
                .iter()
                .any(|g| g.commitment.id == f.commitment.id && !g.holds())
        })
        .map(|f| Leveraged {
            commitment: f.commitment.id.clone(),
            funder: f.commitment.funder.clone(),
            role: p.kb.role(f.commitment.role).id.clone(),
            amount: f.commitment.amount,
            how: "on condition of it",
        })
        .collect()
}
