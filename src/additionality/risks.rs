//! What an investment committee asks beyond additionality: Table 1's four collaboration risks
//! of impact investors (additionality of funding, political and regulatory restrictions,
//! coordination with other funders, reputation), each assessed for the funder's money; and the
//! handover from pilot to scale (seed 000: initiatives fizzle once initial funding ends).

use super::lineups::Solved;
use super::{Handover, HandoverStatus, Judged, MoneySummary, Other, Risk};
use crate::explain::Flag;
use crate::kb::{Finding, Row, RuleSource, Severity};
use crate::scenario::Finance;

/// The contract's sector whose Table 1 risks a funder's committee weighs.
const INVESTOR_SECTOR: &str = "impact_investor";

/// Each collaboration risk of Table 1's impact investors, assessed from the analysis; empty
/// when the knowledge base has no such sector.
pub(super) fn risks(
    with: &Solved,
    funder: &str,
    judged: &[Judged],
    money: &MoneySummary,
    flags: &[Flag],
) -> Vec<Risk> {
    let kb = with.problem.kb;
    let Some(sector) = kb.sector_by_id(INVESTOR_SECTOR) else {
        return Vec::new();
    };
    let finance = &with.problem.money.finance;
    kb.sector(sector)
        .risks
        .iter()
        .map(|item| {
            let cell = RuleSource::Cell {
                sector,
                row: Row::Risks,
                item: item.id.clone(),
            };
            let source = kb.source_text(&cell);
            let reputation = item.id == "reputation_risks";
            // A pilot that stops when the grant does reflects on its funder (seed 000).
            let evidence: Vec<&Flag> = flags
                .iter()
                .filter(|f| {
                    f.source == source
                        || (reputation
                            && f.kind == "sustainability"
                            && f.partner.as_deref() == Some(funder))
                })
                .collect();
            let rules: Vec<String> = kb
                .rules
                .iter()
                .filter(|r| r.source == cell)
                .map(|r| r.id.clone())
                .collect();
            Risk {
                id: item.id.clone(),
                label: item.label.clone(),
                source,
                level: evidence.iter().map(|f| f.severity).max(),
                assessment: assess(&item.id, with, funder, judged, money, finance),
                evidence: evidence.iter().map(|f| f.message.clone()).collect(),
                rules,
            }
        })
        .collect()
}

/// One sentence per risk, from the numbers of the analysis.
fn assess(
    id: &str,
    with: &Solved,
    funder: &str,
    judged: &[Judged],
    money: &MoneySummary,
    finance: &Finance,
) -> String {
    let amount = |v: f64| finance.amount(v);
    match id {
        "additionality_of_funding" => {
            if money.committed > 0.0 {
                let mut s = format!(
                    "{} of the {} it commits ({:.0}%) would not be there without it",
                    amount(money.additional),
                    amount(money.committed),
                    100.0 * money.additional / money.committed
                );
                if money.crowded > 0.0 {
                    s.push_str(&format!(
                        "; {} overlaps money already committed",
                        amount(money.crowded)
                    ));
                    if money.crowded_public > 0.0 {
                        s.push_str(&format!(
                            " ({} of it a government's own budget line)",
                            amount(money.crowded_public)
                        ));
                    }
                }
                if money.unused > 0.0 {
                    s.push_str(&format!(
                        "; {} cannot be used as the line-up stands",
                        amount(money.unused)
                    ));
                }
                s
            } else {
                let additional = judged
                    .iter()
                    .filter(|j| j.finding == Finding::Additional)
                    .count();
                format!(
                    "{additional} of its {} commitment(s) finance a role nobody else would (no amounts stated)",
                    judged.len()
                )
            }
        }
        "political_and_regulatory_restrictions" => {
            let mut parts: Vec<String> = judged
                .iter()
                .filter_map(|j| {
                    j.restricted_by
                        .as_ref()
                        .map(|r| format!("its money for {} cannot reach the holder: {r}", j.role))
                })
                .collect();
            parts.extend(
                with.outcome
                    .avoided
                    .iter()
                    .filter(|a| a.partner == funder && a.effect == "forbidden")
                    .map(|a| format!("rule {} keeps it out of {}", a.rule, a.role)),
            );
            // A condition is met only where the money reaches its role; money kept back for
            // another reason (a condition on a withdrawn commitment, nobody holding the role) is
            // named as such, never as "met".
            let (met, unmet): (Vec<&Judged>, Vec<&Judged>) = judged
                .iter()
                .filter(|j| j.restricted_by.is_none() && !j.terms.is_empty())
                .partition(|j| j.used());
            let terms = |list: &[&Judged]| -> String {
                list.iter()
                    .map(|j| format!("{} ({})", j.id, j.terms.join("; ")))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !met.is_empty() {
                parts.push(format!("conditions met in this line-up: {}", terms(&met)));
            }
            if !unmet.is_empty() {
                parts.push(format!(
                    "money with conditions that does not reach its role in this line-up (see what the money buys): {}",
                    terms(&unmet)
                ));
            }
            if parts.is_empty() {
                "no condition of its money and no rule restricts where it goes here".to_string()
            } else {
                parts.join("; ")
            }
        }
        "coordination_with_other_funders" => {
            let mut others: Vec<String> = judged
                .iter()
                .flat_map(|j| {
                    j.others
                        .iter()
                        .filter(|o| o.funder != funder)
                        .map(move |o| format!("{} on {}", o.funder, j.role))
                })
                .collect();
            others.sort();
            others.dedup();
            let mut parts = Vec::new();
            if !others.is_empty() {
                parts.push(format!("other money on its roles: {}", others.join(", ")));
            }
            if money.leveraged > 0.0 || judged.iter().any(|j| !j.leveraged.is_empty()) {
                parts.push(format!(
                    "{} of others' money holds only on condition of its own",
                    amount(money.leveraged)
                ));
            }
            if !money.channelled_list.is_empty() {
                let via: Vec<String> = money
                    .channelled_list
                    .iter()
                    .map(|l| format!("{} ({})", l.funder, l.commitment))
                    .collect();
                parts.push(format!("money flows through it: {}", via.join(", ")));
            }
            let through: Vec<String> = judged
                .iter()
                .filter_map(|j| {
                    j.terms
                        .iter()
                        .find(|t| t.starts_with("through "))
                        .map(|t| format!("{} flows {t}", j.id))
                })
                .collect();
            parts.extend(through);
            if parts.is_empty() {
                "no other funder puts money into its roles".to_string()
            } else {
                parts.join("; ")
            }
        }
        "reputation_risks" => {
            let roles: Vec<&str> = with
                .outcome
                .assignments
                .iter()
                .filter(|a| a.partner == funder)
                .map(|a| a.role.as_str())
                .collect();
            format!(
                "it holds {} in the line-up; a pilot its money starts and nobody continues, or a role that breaks its logic, reflects on it",
                if roles.is_empty() {
                    "no role".to_string()
                } else {
                    roles.join(", ")
                }
            )
        }
        _ => "assessed by the flags of the rules that cite it".to_string(),
    }
}

/// For each of the funder's commitments in a phase before the last: who finances its role in
/// the next phase.
pub(super) fn handover(with: &Solved, judged: &[Judged]) -> Vec<Handover> {
    let kb = with.problem.kb;
    let finance = &with.problem.money.finance;
    let amount = |v: f64| finance.amount(v);
    let mut out = Vec::new();
    for j in judged {
        let Some(k) = j.phase.as_deref().and_then(|p| finance.phase_index(p)) else {
            continue;
        };
        let used = with
            .account
            .commitments
            .iter()
            .any(|c| c.id == j.id && c.state == "used");
        if k + 1 >= finance.phases.len() || !used {
            continue;
        }
        let Some(m) = with.account.roles.iter().find(|r| r.role == j.role) else {
            continue;
        };
        let next = &m.phases[k + 1];
        let to = finance.phases[k + 1].clone();
        let by: Vec<Other> = next
            .from
            .iter()
            .map(|s| Other {
                commitment: s.commitment.clone(),
                funder: s.funder.clone(),
                amount: s.amount,
                public: with.partner(&s.funder).is_some_and(|i| {
                    kb.sector(with.problem.partners[i].sector).id == super::judge::PUBLIC_SECTOR
                }),
            })
            .collect();
        let sector_of = |id: &str| -> String {
            with.partner(id).map_or_else(String::new, |i| {
                kb.sector(with.problem.partners[i].sector)
                    .name
                    .to_lowercase()
            })
        };
        let has_budget = m.phases.iter().any(|p| p.budget > 0.0);
        let (status, words) = if !by.is_empty() {
            let names: Vec<String> = by
                .iter()
                .map(|o| {
                    format!(
                        "{} ({}, {})",
                        o.funder,
                        sector_of(&o.funder),
                        o.amount.map_or("amount not stated".to_string(), amount)
                    )
                })
                .collect();
            let budget = if next.budget > 0.0 {
                format!(" against a budget of {}", amount(next.budget))
            } else {
                String::new()
            };
            if next.short > 0.0 {
                (
                    HandoverStatus::Partly,
                    format!(
                        "in the {to} phase {} finance it{budget}: short {}",
                        names.join(", "),
                        amount(next.short)
                    ),
                )
            } else {
                (
                    HandoverStatus::TakenOver,
                    format!("in the {to} phase {} finance it{budget}", names.join(", ")),
                )
            }
        } else if has_budget && next.budget <= 0.0 {
            (
                HandoverStatus::EndsByDesign,
                format!(
                    "it ends with the {} phase: no budget in the {to} phase",
                    finance.phases[k]
                ),
            )
        } else {
            (
                HandoverStatus::Nobody,
                format!(
                    "nobody finances it in the {to} phase{}",
                    if next.budget > 0.0 {
                        format!(" ({} needed)", amount(next.budget))
                    } else {
                        String::new()
                    }
                ),
            )
        };
        out.push(Handover {
            commitment: j.id.clone(),
            role: j.role.clone(),
            from: finance.phases[k].clone(),
            to,
            status,
            by,
            budget: next.budget,
            short: next.short,
            words,
        });
    }
    out
}

/// The most severe of some flags, as a word ("none raised" when there are none).
pub fn level_words(level: Option<Severity>) -> &'static str {
    match level {
        Some(s) => s.name(),
        None => "none raised",
    }
}
