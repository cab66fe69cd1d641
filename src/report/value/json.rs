//! The `--format json` output of `rolefit value`.

use crate::explain::round;
use crate::value::{Balance, Method, ValueReport};
use serde::Serialize;

/// The JSON shape of a value account.
#[derive(Serialize)]
pub struct ValueJson<'a> {
    scenario: &'a str,
    variant: Option<&'a str>,
    /// `exact` or `sampled`.
    method: &'static str,
    /// Coalitions valued (exact only).
    coalitions: Option<usize>,
    sampling: Option<SamplingJson>,
    grand_value: f64,
    empty_value: f64,
    total_value: f64,
    solves: usize,
    infeasible_coalitions: usize,
    margin: f64,
    /// What the numbers are in.
    units: UnitsJson<'a>,
    /// By partner id.
    partners: Vec<PartnerJson<'a>>,
    effort_above_value: Vec<&'a str>,
    value_above_effort: Vec<&'a str>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct UnitsJson<'a> {
    value: &'static str,
    /// The currency of `money`; `null` when the scenario states no amount.
    money: Option<&'a str>,
}

#[derive(Serialize)]
struct SamplingJson {
    seed: u64,
    permutations: usize,
    confidence: f64,
    precision_target: f64,
    precision_achieved: f64,
    stopped_by: &'static str,
}

#[derive(Serialize)]
struct PartnerJson<'a> {
    id: &'a str,
    name: &'a str,
    sector: &'a str,
    roles: &'a [String],
    effort: f64,
    leave_one_out: f64,
    shapley: f64,
    /// The confidence interval of a sampled value.
    interval: Option<[f64; 2]>,
    value_share: Option<f64>,
    effort_share: Option<f64>,
    balance: &'static str,
    /// Money it commits that holds (stated amounts), in `units.money`.
    money: Option<f64>,
    money_share: Option<f64>,
    can_take_a_role: bool,
}

/// The value account as its JSON shape.
pub fn value_json(r: &ValueReport) -> ValueJson<'_> {
    let mut partners: Vec<PartnerJson> = r
        .partners
        .iter()
        .map(|p| PartnerJson {
            id: &p.id,
            name: &p.name,
            sector: &p.sector,
            roles: &p.roles,
            effort: round(p.effort, 4),
            leave_one_out: round(p.leave_one_out, 4),
            shapley: round(p.shapley, 4),
            interval: p
                .half_width
                .map(|h| [round(p.shapley - h, 4), round(p.shapley + h, 4)]),
            value_share: p.value_share.map(|s| round(s, 4)),
            effort_share: p.effort_share.map(|s| round(s, 4)),
            balance: p.balance.name(),
            money: p.money.map(|v| round(v, 2)),
            money_share: p.money_share.map(|s| round(s, 4)),
            can_take_a_role: !p.inert,
        })
        .collect();
    partners.sort_by(|a, b| a.id.cmp(b.id));
    let ids = |b: Balance| -> Vec<&str> {
        let mut v: Vec<&str> = r
            .partners
            .iter()
            .filter(|p| p.balance == b)
            .map(|p| p.id.as_str())
            .collect();
        v.sort();
        v
    };
    let (method, coalitions, sampling) = match &r.method {
        Method::Exact { coalitions } => ("exact", Some(*coalitions), None),
        Method::Sampled(s) => (
            "sampled",
            None,
            Some(SamplingJson {
                seed: s.seed,
                permutations: s.permutations,
                confidence: s.confidence,
                precision_target: s.target,
                precision_achieved: round(s.achieved, 4),
                stopped_by: s.stop.name(),
            }),
        ),
    };
    ValueJson {
        scenario: &r.scenario,
        variant: r.variant.as_deref(),
        method,
        coalitions,
        sampling,
        grand_value: round(r.grand, 4),
        empty_value: round(r.empty, 4),
        total_value: round(r.total, 4),
        solves: r.solves,
        infeasible_coalitions: r.infeasible,
        margin: r.margin,
        units: UnitsJson {
            value: "points of the line-up's objective, not money",
            money: r.currency.as_deref(),
        },
        partners,
        effort_above_value: ids(Balance::EffortAboveValue),
        value_above_effort: ids(Balance::ValueAboveEffort),
        notes: &r.notes,
    }
}
