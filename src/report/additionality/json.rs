//! The `--format json` output of `rolefit additionality`: the memo's data, plus the three
//! line-ups as the objects `rolefit solve --format json` prints.

use crate::additionality::{Additionality, Holder, Leveraged, Other};
use crate::explain::round;
use crate::report::outcome::json::{FlagJson, OutcomeJson, flag_json, outcome_json};
use serde::Serialize;

/// The JSON shape of an additionality memo (`rolefit additionality --format json`).
#[derive(Serialize)]
pub struct AdditionalityJson<'a> {
    scenario: &'a str,
    variant: Option<&'a str>,
    funder: FunderJson<'a>,
    /// What the numbers are in.
    units: UnitsJson<'a>,
    verdict: &'static str,
    summary: &'a str,
    added_by_funding: Option<f64>,
    added_by_funder: Option<f64>,
    money: MoneyJson,
    commitments: Vec<CommitmentJson<'a>>,
    shortfalls: Vec<ShortfallJson<'a>>,
    /// Headline numbers of the three line-ups, in the order with, unfunded, without.
    comparison: Vec<ColumnJson<'a>>,
    roles: Vec<RoleJson<'a>>,
    changes: Vec<ChangeJson<'a>>,
    handover: Vec<HandoverJson<'a>>,
    risks: Vec<RiskJson<'a>>,
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
struct UnitsJson<'a> {
    /// The scenario's currency; `null` when it states no amount.
    money: Option<&'a str>,
    phases: &'a [String],
    /// Objectives, values and losses.
    value: &'static str,
}

#[derive(Serialize)]
struct MoneyJson {
    committed: f64,
    unstated: bool,
    additional: f64,
    crowded: f64,
    crowded_public: f64,
    unused: f64,
    above_budget: f64,
    leveraged: f64,
    channelled: f64,
    co_financing: f64,
    leverage_ratio: Option<f64>,
    co_financing_ratio: Option<f64>,
}

#[derive(Serialize)]
struct CommitmentJson<'a> {
    id: &'a str,
    role: &'a str,
    importance: Option<u32>,
    phase: Option<&'a str>,
    amount: Option<f64>,
    terms: &'a [String],
    finding: &'static str,
    verdict: &'static str,
    additional: Option<f64>,
    crowded: Option<f64>,
    budget: Option<f64>,
    others: Vec<OtherJson<'a>>,
    leveraged: Vec<LeveragedJson<'a>>,
    restricted_by: Option<&'a str>,
    short_with: Option<f64>,
    short_without: Option<f64>,
    unfinanced_without: bool,
    explanation: &'a str,
}

#[derive(Serialize)]
struct OtherJson<'a> {
    commitment: &'a str,
    funder: &'a str,
    amount: Option<f64>,
    public: bool,
}

#[derive(Serialize)]
struct LeveragedJson<'a> {
    commitment: &'a str,
    funder: &'a str,
    role: &'a str,
    amount: Option<f64>,
    how: &'static str,
}

#[derive(Serialize)]
struct ShortfallJson<'a> {
    role: &'a str,
    importance: u32,
    phase: &'a str,
    budget: f64,
    short_with: f64,
    short_without: f64,
    unfinanced_without: bool,
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
struct HandoverJson<'a> {
    commitment: &'a str,
    role: &'a str,
    from: &'a str,
    to: &'a str,
    status: &'static str,
    by: Vec<OtherJson<'a>>,
    budget: f64,
    short: f64,
    words: &'a str,
}

#[derive(Serialize)]
struct RiskJson<'a> {
    id: &'a str,
    label: &'a str,
    source: &'a str,
    level: Option<&'static str>,
    assessment: &'a str,
    evidence: &'a [String],
    rules: &'a [String],
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

fn others(os: &[Other]) -> Vec<OtherJson<'_>> {
    os.iter()
        .map(|o| OtherJson {
            commitment: &o.commitment,
            funder: &o.funder,
            amount: o.amount.map(|v| round(v, 2)),
            public: o.public,
        })
        .collect()
}

fn leveraged(ls: &[Leveraged]) -> Vec<LeveragedJson<'_>> {
    ls.iter()
        .map(|l| LeveragedJson {
            commitment: &l.commitment,
            funder: &l.funder,
            role: &l.role,
            amount: l.amount.map(|v| round(v, 2)),
            how: l.how,
        })
        .collect()
}

/// The additionality memo as its JSON shape.
pub fn additionality_json(a: &Additionality) -> AdditionalityJson<'_> {
    let names = ["with", "unfunded", "without"];
    let m = &a.money;
    let money = |v: f64| round(v, 2);
    AdditionalityJson {
        scenario: &a.scenario,
        variant: a.variant.as_deref(),
        funder: FunderJson {
            id: &a.funder.id,
            name: &a.funder.name,
            sector: &a.funder.sector,
            funds: &a.funder.funds,
        },
        units: UnitsJson {
            money: a.currency.as_deref(),
            phases: &a.phases,
            value: "points of the line-up's objective (importance x fit, plus rule bonuses, minus penalties and gaps), not money",
        },
        verdict: a.verdict.name(),
        summary: &a.summary,
        added_by_funding: a.added_by_funding.map(|v| round(v, 4)),
        added_by_funder: a.added_by_funder.map(|v| round(v, 4)),
        money: MoneyJson {
            committed: money(m.committed),
            unstated: m.unstated,
            additional: money(m.additional),
            crowded: money(m.crowded),
            crowded_public: money(m.crowded_public),
            unused: money(m.unused),
            above_budget: money(m.above_budget),
            leveraged: money(m.leveraged),
            channelled: money(m.channelled),
            co_financing: money(m.co_financing),
            leverage_ratio: m.leverage_ratio.map(|r| round(r, 4)),
            co_financing_ratio: m.co_financing_ratio.map(|r| round(r, 4)),
        },
        commitments: a
            .commitments
            .iter()
            .map(|j| CommitmentJson {
                id: &j.id,
                role: &j.role,
                importance: j.importance,
                phase: j.phase.as_deref(),
                amount: j.amount.map(money),
                terms: &j.terms,
                finding: j.finding.name(),
                verdict: j.verdict.name(),
                additional: j.additional.map(money),
                crowded: j.crowded.map(money),
                budget: j.budget.map(money),
                others: others(&j.others),
                leveraged: leveraged(&j.leveraged),
                restricted_by: j.restricted_by.as_deref(),
                short_with: j.short_with.map(money),
                short_without: j.short_without.map(money),
                unfinanced_without: j.unfinanced_without,
                explanation: &j.explanation,
            })
            .collect(),
        shortfalls: a
            .shortfalls
            .iter()
            .map(|s| ShortfallJson {
                role: &s.role,
                importance: s.importance,
                phase: &s.phase,
                budget: money(s.budget),
                short_with: money(s.short_with),
                short_without: money(s.short_without),
                unfinanced_without: s.unfinanced_without,
            })
            .collect(),
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
        handover: a
            .handover
            .iter()
            .map(|h| HandoverJson {
                commitment: &h.commitment,
                role: &h.role,
                from: &h.from,
                to: &h.to,
                status: h.status.name(),
                by: others(&h.by),
                budget: money(h.budget),
                short: money(h.short),
                words: &h.words,
            })
            .collect(),
        risks: a
            .risks
            .iter()
            .map(|r| RiskJson {
                id: &r.id,
                label: &r.label,
                source: &r.source,
                level: r.level.map(|s| s.name()),
                assessment: &r.assessment,
                evidence: &r.evidence,
                rules: &r.rules,
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
