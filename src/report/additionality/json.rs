//! The `--format json` output of `rolefit additionality`. The three line-ups are the same
//! objects `rolefit solve --format json` prints.

use crate::explain::round;
use crate::funding::{Additionality, Holder};
use crate::report::json::{FlagJson, OutcomeJson, flag_json, outcome_json};
use serde::Serialize;

#[derive(Serialize)]
pub struct AdditionalityJson<'a> {
    scenario: &'a str,
    variant: Option<&'a str>,
    funder: FunderJson<'a>,
    verdict: &'static str,
    summary: &'a str,
    added_by_funding: Option<f64>,
    added_by_funder: Option<f64>,
    /// Headline numbers of the three line-ups, in the order with, unfunded, without.
    comparison: Vec<ColumnJson<'a>>,
    roles: Vec<RoleJson<'a>>,
    changes: Vec<ChangeJson<'a>>,
    flags: Vec<FlagJson<'a>>,
    notes: &'a [String],
    line_ups: LineUpsJson<'a>,
}

#[derive(Serialize)]
struct FunderJson<'a> {
    id: &'a str,
    name: &'a str,
    sector: &'a str,
    funds: &'a [String],
}

#[derive(Serialize)]
struct ColumnJson<'a> {
    line_up: &'static str,
    label: String,
    status: &'static str,
    objective: f64,
    coverage: f64,
    gaps: Vec<&'a str>,
    flags: SeverityCounts,
}

#[derive(Serialize)]
struct SeverityCounts {
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct RoleJson<'a> {
    role: &'a str,
    importance: Option<u32>,
    finding: &'static str,
    explanation: &'a str,
    with: Vec<HolderJson<'a>>,
    unfunded: Vec<HolderJson<'a>>,
    without: Vec<HolderJson<'a>>,
    co_funders: &'a [String],
    value_with: f64,
    value_unfunded: f64,
    loss: f64,
    restricted_by: Option<&'a str>,
}

#[derive(Serialize)]
struct HolderJson<'a> {
    partner: &'a str,
    lead: bool,
    fit: f64,
    funds: bool,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    role: &'a str,
    with: &'a [String],
    unfunded: &'a [String],
    without: &'a [String],
}

#[derive(Serialize)]
struct LineUpsJson<'a> {
    with: OutcomeJson<'a>,
    unfunded: OutcomeJson<'a>,
    without: OutcomeJson<'a>,
}

fn holders(hs: &[Holder]) -> Vec<HolderJson<'_>> {
    hs.iter()
        .map(|h| HolderJson {
            partner: &h.partner,
            lead: h.lead,
            fit: h.fit,
            funds: h.funds,
        })
        .collect()
}

pub fn additionality_json(a: &Additionality) -> AdditionalityJson<'_> {
    let names = ["with", "unfunded", "without"];
    AdditionalityJson {
        scenario: &a.scenario,
        variant: a.variant.as_deref(),
        funder: FunderJson {
            id: &a.funder.id,
            name: &a.funder.name,
            sector: &a.funder.sector,
            funds: &a.funder.funds,
        },
        verdict: a.verdict.name(),
        summary: &a.summary,
        added_by_funding: a.added_by_funding.map(|v| round(v, 4)),
        added_by_funder: a.added_by_funder.map(|v| round(v, 4)),
        comparison: super::columns(a)
            .into_iter()
            .zip(names)
            .map(|(c, name)| ColumnJson {
                line_up: name,
                label: c.label,
                status: c.outcome.status.name(),
                objective: round(c.outcome.objective, 4),
                coverage: round(c.outcome.coverage, 4),
                gaps: c.gaps,
                flags: SeverityCounts {
                    high: c.flags[0],
                    medium: c.flags[1],
                    low: c.flags[2],
                    info: c.flags[3],
                },
            })
            .collect(),
        roles: a
            .roles
            .iter()
            .map(|r| RoleJson {
                role: &r.role,
                importance: r.importance,
                finding: r.finding.name(),
                explanation: &r.explanation,
                with: holders(&r.with),
                unfunded: holders(&r.unfunded),
                without: holders(&r.without),
                co_funders: &r.co_funders,
                value_with: round(r.value_with, 4),
                value_unfunded: round(r.value_unfunded, 4),
                loss: round(r.loss(), 4),
                restricted_by: r.restricted_by.as_deref(),
            })
            .collect(),
        changes: a
            .changes
            .iter()
            .map(|c| ChangeJson {
                role: &c.role,
                with: &c.with,
                unfunded: &c.unfunded,
                without: &c.without,
            })
            .collect(),
        flags: a.flags.iter().map(flag_json).collect(),
        notes: &a.notes,
        line_ups: LineUpsJson {
            with: outcome_json(&a.with),
            unfunded: outcome_json(&a.unfunded),
            without: outcome_json(&a.without),
        },
    }
}
