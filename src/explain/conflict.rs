//! Infeasibility in the domain's words: each demand of a minimal conflicting set, named.

use super::text::{fill, subject_fields};
use super::{ConflictItem, Flag};
use crate::kb::Severity;
use crate::model::lp::row_name;
use crate::model::{Assignment, Block, Origin, Problem};

/// Describes each demand of a conflict.
pub fn describe(p: &Problem, origins: &[Origin]) -> Vec<ConflictItem> {
    let kb = p.kb;
    let role_name = |j: usize| kb.role(p.needs[j].role).name.to_lowercase();
    let scenario_source = |what: String| format!("scenario {}: {what}", p.scenario);
    let empty = Assignment::empty(p.partners.len(), p.needs.len());
    origins
        .iter()
        .map(|&origin| {
            let constraint = row_name(p, origin);
            let (partner, role, rule, source, message) = match origin {
                Origin::Capacity(i) => {
                    let x = &p.partners[i];
                    (
                        Some(x.id.clone()),
                        None,
                        "capacity".to_string(),
                        scenario_source(format!("capacity of partner {}", x.id)),
                        format!(
                            "{} takes at most {} role(s) (its capacity)",
                            x.name, x.capacity
                        ),
                    )
                }
                Origin::CoverMax(j) => (
                    None,
                    Some(p.role_id(j).to_string()),
                    "need_max".to_string(),
                    scenario_source(format!("max of the need for {}", p.role_id(j))),
                    format!(
                        "{} takes at most {} partner(s)",
                        role_name(j),
                        p.needs[j].max
                    ),
                ),
                Origin::Pin(k) | Origin::PinLead(k) => {
                    let (i, j, _) = p.pins[k];
                    let how = if matches!(origin, Origin::PinLead(_)) {
                        "to lead"
                    } else {
                        "to"
                    };
                    (
                        Some(p.partners[i].id.clone()),
                        Some(p.role_id(j).to_string()),
                        "pin".to_string(),
                        scenario_source(format!("pin of {} to {}", p.partners[i].id, p.role_id(j))),
                        format!("{} is pinned {how} {}", p.partners[i].name, role_name(j)),
                    )
                }
                Origin::Blocked(i, j) => {
                    let why = match p.blocked[i][j] {
                        Some(Block::Refused) => "refuses",
                        _ => "has no capacity for",
                    };
                    (
                        Some(p.partners[i].id.clone()),
                        Some(p.role_id(j).to_string()),
                        "refusal".to_string(),
                        scenario_source(format!("partner {}", p.partners[i].id)),
                        format!("{} {why} {}", p.partners[i].name, role_name(j)),
                    )
                }
                Origin::Forbid(n) => {
                    let inst = &p.instances[n];
                    let r = kb.rule(inst.rule);
                    let fields = subject_fields(p, &inst.subject, &empty);
                    let message = match &r.effect.flag {
                        Some(f) => fill(&f.message, &fields),
                        None => format!("rule {} forbids this: {}", r.id, r.description),
                    };
                    (
                        fields.partner,
                        fields.role,
                        r.id.clone(),
                        kb.source_text(&r.source),
                        message,
                    )
                }
                Origin::MinSectors => (
                    None,
                    None,
                    "min_sectors".to_string(),
                    scenario_source("min_sectors (or the rules' default)".to_string()),
                    format!("at least {} sectors must hold roles", p.min_sectors),
                ),
                // Structural rows never enter a conflict; named for completeness.
                other => (
                    None,
                    None,
                    row_name(p, other),
                    scenario_source("model".into()),
                    row_name(p, other),
                ),
            };
            ConflictItem {
                constraint,
                partner,
                role,
                rule,
                source,
                message,
            }
        })
        .collect()
}

/// The relaxation of one demand, as a facilitator would do it.
pub fn relaxation(p: &Problem, origin: Origin) -> String {
    let kb = p.kb;
    let role = |j: usize| kb.role(p.needs[j].role).id.clone();
    match origin {
        Origin::Capacity(i) => format!(
            "raise {}'s capacity to {}",
            p.partners[i].id,
            p.partners[i].capacity + 1
        ),
        Origin::CoverMax(j) => format!("allow {} partners on {}", p.needs[j].max + 1, role(j)),
        Origin::MinSectors => format!(
            "lower the minimum of sectors to {}",
            p.min_sectors.saturating_sub(1)
        ),
        Origin::Pin(k) => {
            let (i, j, _) = p.pins[k];
            format!("unpin {} from {}", p.partners[i].id, role(j))
        }
        Origin::PinLead(k) => {
            let (i, j, _) = p.pins[k];
            format!(
                "let someone else than {} lead {}",
                p.partners[i].id,
                role(j)
            )
        }
        Origin::Blocked(i, j) => format!("lift {}'s refusal of {}", p.partners[i].id, role(j)),
        Origin::Forbid(n) => {
            let inst = &p.instances[n];
            let fields = subject_fields(
                p,
                &inst.subject,
                &Assignment::empty(p.partners.len(), p.needs.len()),
            );
            let on: Vec<String> = [fields.partner, fields.role]
                .into_iter()
                .flatten()
                .collect();
            let on = if on.is_empty() {
                String::new()
            } else {
                format!(" for {}", on.join(" in "))
            };
            format!("waive rule {}{on}", kb.rule(inst.rule).id)
        }
        other => format!("relax {}", row_name(p, other)),
    }
}

pub fn flag(item: &ConflictItem) -> Flag {
    Flag {
        kind: "conflict".to_string(),
        severity: Severity::High,
        partner: item.partner.clone(),
        role: item.role.clone(),
        rule: item.rule.clone(),
        source: item.source.clone(),
        message: format!(
            "{} (constraint {}); it contradicts the other `conflict` flags",
            item.message, item.constraint
        ),
    }
}
