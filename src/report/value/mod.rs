//! Renderers of a value account ([`ValueReport`]): terminal text, Markdown, HTML and JSON. Each
//! states its units, shows how the value was computed, what the partners create together, each
//! partner's leave-one-out and Shapley value against its share of the work (and the money it
//! commits, where amounts exist), and where the two shares differ, in neutral words.

mod html;
mod json;
mod markdown;
mod text;

pub use json::{ValueJson, value_json};

use super::{Format, Style, num};
use crate::value::{Balance, Method, PartnerValue, ValueReport};

/// The value account in the chosen format.
pub fn render(r: &ValueReport, format: Format, style: Style) -> String {
    match format {
        Format::Text => text::render(r, style),
        Format::Json => super::to_json(&value_json(r)),
        Format::Markdown => markdown::render(r),
        Format::Html => html::render(r),
    }
}

/// The figures of the partners' table, the same in every format after its partner columns.
pub(super) const FIGURE_COLUMNS: [&str; 7] = [
    "Effort",
    "Leave-one-out",
    "Shapley",
    "Value share",
    "Effort share",
    "Shares",
    "Money committed",
];

/// What the full line-up, nobody and the partners together are worth; `strong` marks the
/// figures in formats that can.
pub(super) fn worth_sentence(r: &ValueReport, strong: &dyn Fn(String) -> String) -> String {
    format!(
        "The full line-up is worth {} points; nobody (every role a gap) {}; together the partners create {}.",
        strong(num(r.grand, 2)),
        strong(num(r.empty, 2)),
        strong(num(r.total, 2))
    )
}

/// One sentence on how the values were computed.
pub fn method_sentence(r: &ValueReport) -> String {
    let active = r.partners.iter().filter(|p| !p.inert).count();
    match &r.method {
        Method::Exact { coalitions } if r.solves < *coalitions => format!(
            "Exact Shapley values over all {coalitions} coalitions of the {active} partners who can take a role ({} line-ups solved; each other coalition is worth as much as a larger one whose best line-up leaves the missing partners idle).",
            r.solves
        ),
        Method::Exact { coalitions } => format!(
            "Exact Shapley values over all {coalitions} coalitions of the {active} partners who can take a role ({} line-ups solved).",
            r.solves
        ),
        Method::Sampled(s) => format!(
            "Shapley values estimated from {} random orders of arrival (seed {}), with {:.0}% confidence intervals up to {:.1}% of the total value (asked for {:.1}%; stopped by {}); {} line-ups solved.",
            s.permutations,
            s.seed,
            s.confidence * 100.0,
            s.achieved * 100.0,
            s.target * 100.0,
            s.stop.name().replace('_', " "),
            r.solves
        ),
    }
}

/// Partners by Shapley value, highest first (ties by id): the order the tables use.
pub fn ranked(r: &ValueReport) -> Vec<&PartnerValue> {
    let mut v: Vec<&PartnerValue> = r.partners.iter().collect();
    v.sort_by(|a, b| {
        b.shapley
            .total_cmp(&a.shapley)
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// Partners with a given balance, in ranked order.
pub fn with_balance(r: &ValueReport, b: Balance) -> Vec<&PartnerValue> {
    ranked(r).into_iter().filter(|p| p.balance == b).collect()
}

/// A share as a percentage with one decimal; "-" when there is none.
pub fn percent(share: Option<f64>) -> String {
    share.map_or("-".to_string(), |s| format!("{}%", num(s * 100.0, 1)))
}

/// "12.31" or "12.31 ± 0.40".
pub fn shapley_text(p: &PartnerValue) -> String {
    match p.half_width {
        Some(h) if h > 0.0 => format!("{} ± {}", num(p.shapley, 2), num(h, 2)),
        _ => num(p.shapley, 2),
    }
}

/// How a partner's balance of value and effort reads in a report.
pub fn balance_words(b: Balance) -> &'static str {
    match b {
        Balance::EffortAboveValue => "effort share above value share",
        Balance::ValueAboveEffort => "value share above effort share",
        Balance::InLine => "in line",
        Balance::Undetermined => "-",
    }
}

/// The headings of the two lists of partners whose shares differ, with the margin.
pub fn balance_headings(r: &ValueReport) -> [(Balance, String); 2] {
    let margin = r.margin * 100.0;
    [
        (
            Balance::EffortAboveValue,
            format!("Share of the work above share of the value (by more than {margin:.0} points)"),
        ),
        (
            Balance::ValueAboveEffort,
            format!("Share of the value above share of the work (by more than {margin:.0} points)"),
        ),
    ]
}

/// The units of the report, in one sentence.
pub fn units(r: &ValueReport) -> String {
    let money = match &r.currency {
        Some(c) => format!(
            "; money committed is in {c}, shown beside the value it makes possible, not added to it"
        ),
        None => String::new(),
    };
    format!(
        "Values are points of the line-up's objective (importance x fit, plus rule bonuses, minus penalties and the price of gaps), not money{money}."
    )
}

/// "USD 250,000", or "-" for a partner that commits no stated amount.
pub fn money_text(r: &ValueReport, p: &PartnerValue) -> String {
    match (p.money, &r.currency) {
        (Some(v), Some(c)) => format!("{c} {}", crate::scenario::thousands(v)),
        (Some(v), None) => crate::scenario::thousands(v),
        (None, _) => "-".to_string(),
    }
}

/// How to read the report, in every format.
pub const HOW_TO_READ: [&str; 5] = [
    "The worth of a group of partners is the value of the best line-up they can form alone (the objective `rolefit solve` reports); nobody at all is worth the price of every role left a gap. What the partners create together is the full line-up's worth minus nobody's.",
    "Leave-one-out: what the full line-up loses when the partner leaves. It misses what a partner adds in smaller groups (a second funder is worth little while the first stays, a lot once it goes).",
    "Shapley value: what the partner adds on average over every order in which the partners could have joined. The values add up exactly to what the partners create together; identical partners get equal values; a partner that can take no role gets zero.",
    "Value share against effort share: the two shares measure different things and a difference is not a verdict. A funder or a convener can add much value with little work; an implementer can carry much work whose value others could also provide. Where they differ by more than the margin, the partners should see it and agree whether the value is fairly shared (seed 000).",
    "Values are points of the objective. Money a partner commits counts in its value through the roles it finances, which are not covered without money; the amounts are shown beside the values, in the scenario's currency, and are not converted into points.",
];
