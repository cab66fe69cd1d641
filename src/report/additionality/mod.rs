//! Renderers of an additionality analysis ([`Additionality`]): terminal text, Markdown for an
//! investment committee's memo, and JSON for scripts. All three show the same data: the
//! verdict with its numbers, the three line-ups side by side, each funded role's finding, what
//! changes, and the flags.

mod html;
mod json;
mod markdown;
mod text;

pub use json::{AdditionalityJson, additionality_json};

use super::{Format, Style, signed_num};
use crate::explain::Outcome;
use crate::funding::{Additionality, Holder};
use crate::kb::{Finding, Severity};

pub fn render(a: &Additionality, format: Format, style: Style) -> String {
    match format {
        Format::Text => text::render(a, style),
        Format::Json => super::to_json(&additionality_json(a)),
        Format::Markdown => markdown::render(a),
        Format::Html => html::render(a),
    }
}

/// One line-up's headline numbers, as every format shows them side by side.
pub struct Column<'a> {
    pub label: String,
    pub outcome: &'a Outcome,
    pub gaps: Vec<&'a str>,
    /// Flags by severity: high, medium, low, info.
    pub flags: [usize; 4],
}

/// The three line-ups in the order they are compared.
pub fn columns(a: &Additionality) -> [Column<'_>; 3] {
    let id = &a.funder.id;
    [
        column(format!("with {id}"), &a.with),
        column(format!("{id} without its funding"), &a.unfunded),
        column(format!("without {id}"), &a.without),
    ]
}

fn column(label: String, outcome: &Outcome) -> Column<'_> {
    let count = |s: Severity| outcome.flags.iter().filter(|f| f.severity == s).count();
    Column {
        label,
        outcome,
        gaps: outcome.uncovered.iter().map(|g| g.role.as_str()).collect(),
        flags: [
            count(Severity::High),
            count(Severity::Medium),
            count(Severity::Low),
            count(Severity::Info),
        ],
    }
}

/// "+1.25", or "n/a" when a line-up could not be compared.
pub fn signed(v: Option<f64>) -> String {
    v.map_or("n/a".to_string(), |v| signed_num(v, 2))
}

/// "additional", "substitutable", "crowding out", "unused", "co-funded".
pub fn finding_words(f: Finding) -> &'static str {
    match f {
        Finding::Additional => "additional",
        Finding::Substitutable => "substitutable",
        Finding::CrowdingOut => "crowding out",
        Finding::Unused => "unused",
        Finding::CoFunded => "co-funded",
    }
}

/// "foundation (lead, fit 0.86, funds it)", or "nobody".
pub fn holders(hs: &[Holder]) -> String {
    if hs.is_empty() {
        return "nobody".to_string();
    }
    hs.iter()
        .map(|h| {
            let mut parts = vec![if h.lead { "lead" } else { "support" }.to_string()];
            parts.push(format!("fit {:.2}", h.fit));
            if h.funds {
                parts.push("funds it".into());
            }
            format!("{} ({})", h.partner, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How to read the report, in every format.
pub const HOW_TO_READ: [&str; 4] = [
    "Value is the objective `rolefit solve` reports: importance x fit of each role's holders, plus rule bonuses, minus rule penalties and the price of every gap. Its difference between line-ups is what the change costs the partnership.",
    "'Without its funding' keeps the funder at the table for its other roles but withdraws its money: it does not hold the roles it funds. 'Without' removes it altogether (money, skills and convening).",
    "A funded role is additional when nobody would cover it without the money, substitutable when another partner would cover it at the stated loss, crowding out when another partner's own money is already on it, unused when the line-up does not give it to the funder.",
    "Verdict: additional when every funded role is additional; not additional when the line-up is worth no more with the money or no role depends on it; partly additional otherwise.",
];
