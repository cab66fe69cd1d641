//! `compare --format json`: every line-up with its holders and full result, and each variant's
//! changes against the base.

use crate::compare::{Column, Comparison};
use crate::explain::round;
use crate::report::outcome::json::{FlagJson, OutcomeJson, flag_json, outcome_json};
use crate::report::shared::json::Sorted;
use serde::Serialize;
use std::collections::BTreeMap;

// Fields in the order the output has always had (alphabetical); a line-up's result and its
// flags are `Sorted` for the same reason.

/// The JSON shape of a comparison of line-ups.
#[derive(Serialize)]
pub struct ComparisonJson<'a> {
    changes: Vec<ChangesJson<'a>>,
    line_ups: Vec<LineUpJson<'a>>,
    notes: &'a [String],
    roles: Vec<&'a str>,
    scenario: &'a str,
}

#[derive(Serialize)]
struct LineUpJson<'a> {
    coverage: f64,
    flags: FlagCountsJson,
    /// Role id -> its holders, in role id order.
    holders: BTreeMap<&'a str, Vec<HolderJson<'a>>>,
    name: &'a str,
    objective: f64,
    result: Sorted<OutcomeJson<'a>>,
    status: &'static str,
}

#[derive(Serialize)]
struct FlagCountsJson {
    high: usize,
    info: usize,
    low: usize,
    medium: usize,
}

#[derive(Serialize)]
struct HolderJson<'a> {
    lead: bool,
    partner: &'a str,
}

#[derive(Serialize)]
struct ChangesJson<'a> {
    cleared: Vec<Sorted<FlagJson<'a>>>,
    coverage_delta: f64,
    moved: Vec<MoveJson<'a>>,
    objective_delta: f64,
    raised: Vec<Sorted<FlagJson<'a>>>,
    variant: &'a str,
}

#[derive(Serialize)]
struct MoveJson<'a> {
    from: &'a [String],
    role: &'a str,
    to: &'a [String],
}

fn line_up<'a>(c: &'a Comparison, col: &'a Column) -> LineUpJson<'a> {
    let [high, medium, low, info] = col.flag_counts;
    LineUpJson {
        coverage: round(col.outcome.coverage, 4),
        flags: FlagCountsJson {
            high,
            info,
            low,
            medium,
        },
        holders: c
            .roles
            .iter()
            .zip(&col.holders)
            .map(|(r, h)| {
                let list = h
                    .iter()
                    .map(|x| HolderJson {
                        lead: x.lead,
                        partner: &x.partner,
                    })
                    .collect();
                (r.id.as_str(), list)
            })
            .collect(),
        name: &col.name,
        objective: round(col.outcome.objective, 4),
        result: Sorted(outcome_json(&col.outcome)),
        status: col.outcome.status.name(),
    }
}

/// The comparison of line-ups as its JSON shape.
pub fn render(c: &Comparison) -> ComparisonJson<'_> {
    ComparisonJson {
        changes: c
            .changes
            .iter()
            .map(|ch| ChangesJson {
                cleared: ch.cleared.iter().map(|f| Sorted(flag_json(f))).collect(),
                coverage_delta: round(ch.coverage_delta, 4),
                moved: ch
                    .moved
                    .iter()
                    .map(|m| MoveJson {
                        from: &m.from,
                        role: &m.role,
                        to: &m.to,
                    })
                    .collect(),
                objective_delta: round(ch.objective_delta, 4),
                raised: ch.raised.iter().map(|f| Sorted(flag_json(f))).collect(),
                variant: &ch.variant,
            })
            .collect(),
        line_ups: c.columns.iter().map(|col| line_up(c, col)).collect(),
        notes: &c.notes,
        roles: c.roles.iter().map(|r| r.id.as_str()).collect(),
        scenario: &c.scenario,
    }
}
