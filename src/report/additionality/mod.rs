//! Renderers of an additionality analysis ([`Additionality`]) as a one-page memo for an
//! investment committee: terminal text, Markdown, printable HTML, and JSON for scripts. Every
//! format shows the same sections in the same words (this module holds them): the verdict with
//! its numbers, what the money buys, what happens without it, who else pays, the four investor
//! risks of Table 1, the handover from pilot to scale, and the flags.

mod html;
mod json;
mod markdown;
mod text;

pub use json::{AdditionalityJson, additionality_json};

use super::{Format, Style, signed_num};
use crate::additionality::{Additionality, Holder, Judged, Shortfall, Verdict};
use crate::explain::Outcome;
use crate::kb::{Finding, Severity};
use crate::scenario::thousands;

/// The additionality memo in the chosen format.
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
    /// Which line-up the column is, for funder X: "with X", "X without its money" or "without X".
    pub label: String,
    /// The solved line-up the column's numbers come from.
    pub outcome: &'a Outcome,
    /// Ids of the roles the line-up leaves uncovered.
    pub gaps: Vec<&'a str>,
    /// Flags by severity: high, medium, low, info.
    pub flags: [usize; 4],
}

/// The three line-ups in the order they are compared.
pub fn columns(a: &Additionality) -> [Column<'_>; 3] {
    let id = &a.funder.id;
    [
        column(format!("with {id}"), &a.with),
        column(format!("{id} without its money"), &a.unfunded),
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

/// "additional", "crowding out", ...
pub fn finding_words(f: Finding) -> &'static str {
    match f {
        Finding::Additional => "additional",
        Finding::Substitutable => "needs no money",
        Finding::CrowdingOut => "crowding out",
        Finding::CrowdingOutPublic => "crowding out public money",
        Finding::Restricted => "restricted",
        Finding::Unused => "unused",
        Finding::CoFunded => "co-funded",
    }
}

/// "ADDITIONAL", "PARTLY ADDITIONAL", "NOT ADDITIONAL".
pub fn verdict_words(v: Verdict) -> String {
    v.name().to_uppercase().replace('_', " ")
}

/// "USD 150,000", or the plain number without a currency.
pub fn amount(a: &Additionality, v: f64) -> String {
    match &a.currency {
        Some(c) => format!("{c} {}", thousands(v)),
        None => thousands(v),
    }
}

/// Another funder's money tied to this funder's: "funder amount for role (commitment)".
fn money_of(a: &Additionality, l: &crate::additionality::Leveraged) -> String {
    format!(
        "{} {} for {} ({})",
        l.funder,
        maybe(a, l.amount),
        l.role,
        l.commitment
    )
}

fn maybe(a: &Additionality, v: Option<f64>) -> String {
    v.map_or("not stated".to_string(), |v| amount(a, v))
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

/// The memo's subtitle: what the funder commits, in total.
pub fn commits_line(a: &Additionality) -> String {
    let n = a.commitments.len();
    let total = if a.money.committed > 0.0 {
        format!("{} in ", amount(a, a.money.committed))
    } else {
        String::new()
    };
    let unstated = if a.money.unstated && a.money.committed > 0.0 {
        " (some with no amount stated)"
    } else {
        ""
    };
    format!(
        "{} ({}) commits {total}{n} commitment(s){unstated} to {}",
        a.funder.id,
        a.funder.sector,
        a.funder.funds.join(", ")
    )
}

/// What the handover section says when none of the funder's money is for an early phase.
pub const NO_HANDOVER: &str =
    "None of its money is for a phase before the last (or the scenario states no phases for it).";

/// The columns of the table of commitments.
pub const COMMITMENT_COLUMNS: [&str; 8] = [
    "Commitment",
    "Role (importance)",
    "Phase",
    "Amount",
    "Verdict",
    "Additional",
    "Overlaps",
    "Why",
];

/// One row of the table of commitments, cell by cell.
pub fn commitment_row(a: &Additionality, j: &Judged) -> [String; 8] {
    let importance = j
        .importance
        .map_or("not needed".to_string(), |i| i.to_string());
    let mut why = format!("{}: {}", finding_words(j.finding), j.explanation);
    if !j.terms.is_empty() {
        why.push_str(&format!(" (terms: {})", j.terms.join("; ")));
    }
    if !j.leveraged.is_empty() {
        let l: Vec<String> = j
            .leveraged
            .iter()
            .map(|l| format!("{} {} ({})", l.funder, maybe(a, l.amount), l.commitment))
            .collect();
        why.push_str(&format!("; leverages {}", l.join(", ")));
    }
    [
        j.id.clone(),
        format!("{} ({importance})", j.role),
        j.phase.clone().unwrap_or_else(|| "every".to_string()),
        maybe(a, j.amount),
        j.verdict.name().replace('_', " "),
        maybe(a, j.additional),
        match j.crowded {
            Some(c) if c > 0.0 => amount(a, c),
            Some(_) => "none".to_string(),
            None if matches!(j.finding, Finding::CrowdingOut | Finding::CrowdingOutPublic) => {
                "not measurable".to_string()
            }
            None => "-".to_string(),
        },
        why,
    ]
}

/// "catalytic_funding (importance 4), pilot: short USD 200,000 instead of USD 0".
pub fn shortfall_line(a: &Additionality, s: &Shortfall) -> String {
    let what = if s.unfinanced_without {
        "no money at all, so the role is not covered".to_string()
    } else {
        format!(
            "short {} instead of {}",
            amount(a, s.short_without),
            amount(a, s.short_with)
        )
    };
    let budget = if s.budget > 0.0 {
        format!(" (budget {})", amount(a, s.budget))
    } else {
        String::new()
    };
    format!(
        "{} (importance {}), {}{budget}: {what}",
        s.role, s.importance, s.phase
    )
}

/// Who else pays: co-financing, leverage, money channelled through the funder.
pub fn who_else_pays(a: &Additionality) -> Vec<String> {
    let m = &a.money;
    let mut out = Vec::new();
    if a.currency.is_none() {
        let mut co: Vec<String> = a
            .roles
            .iter()
            .filter(|r| !r.co_funders.is_empty())
            .map(|r| format!("{} on {}", r.co_funders.join(" and "), r.role))
            .collect();
        co.dedup();
        out.push(if co.is_empty() {
            "nobody else puts money into its roles".to_string()
        } else {
            format!("other money on its roles: {}", co.join("; "))
        });
        return out;
    }
    let ratio = |r: Option<f64>| r.map_or("n/a".to_string(), |r| format!("{r:.2}"));
    out.push(format!(
        "co-financing: {} of others' money in the same roles and phases as its money that is used (ratio {} per unit of its own)",
        amount(a, m.co_financing),
        ratio(m.co_financing_ratio)
    ));
    let levered: Vec<String> = a
        .commitments
        .iter()
        .flat_map(|j| &j.leveraged)
        .map(|l| money_of(a, l))
        .collect();
    out.push(if levered.is_empty() {
        "leverage: no other money depends on its commitments".to_string()
    } else {
        format!(
            "leverage: {} of others' money holds only on condition of its own (ratio {}): {}",
            amount(a, m.leveraged),
            ratio(m.leverage_ratio),
            levered.join(", ")
        )
    });
    if !m.channelled_list.is_empty() {
        let via: Vec<String> = m.channelled_list.iter().map(|l| money_of(a, l)).collect();
        out.push(format!(
            "money that flows through it: {} ({})",
            amount(a, m.channelled),
            via.join(", ")
        ));
    }
    out
}

/// How to read the memo, in every format: the units first.
pub fn how_to_read(a: &Additionality) -> Vec<String> {
    let currency = a
        .currency
        .as_deref()
        .map_or("The scenario states no amounts, so money is judged by who else puts money into the same roles.".to_string(), |c| {
            format!("Amounts are in {c}, the scenario's one currency, per phase ({}).", a.phases.join(", "))
        });
    vec![
        currency,
        "Value is in points of the line-up's objective, not money: what `rolefit solve` reports (importance x fit of each role's holders, plus rule bonuses, minus penalties and the price of each gap). It changes only when money changes who can hold a role, or leaves a role unfinanced.".to_string(),
        "A commitment is additional for the part no other money would replace. Against the role's budget in its phase, the part of it that overlaps money others already commit is crowding out (of public money, when the overlap is a government's own budget line); each funder is judged as the last one in. Money its conditions keep from the partner holding the role is restricted; money for a role the line-up does not need, leaves open or has no budget for in that phase is unused.".to_string(),
        "'Without its money' keeps the funder at the table (it may still hold roles) and withdraws every commitment; 'without' removes the funder, its money, and the money that depends on it or flows through it. Both line-ups are re-optimised.".to_string(),
        "Co-financing is others' money in the same roles and phases; leverage is others' money committed only on condition of this funder's. Both ratios are per unit of its own money that is used.".to_string(),
        "Verdict: additional when every commitment is; not additional when none adds money the partnership would not otherwise have; partly additional otherwise.".to_string(),
    ]
}
