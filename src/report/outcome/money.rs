//! The words every renderer uses for a line-up's money account ([`Account`]), so the text,
//! Markdown and HTML reports say the same thing about the same money.

use crate::explain::money::{Account, CommitmentView, MoneyStatus, RoleMoney, Source};
use crate::scenario::thousands;

/// "USD 1,250,000", or "1,250,000" without a currency.
pub fn amount(account: &Account, v: f64) -> String {
    match &account.currency {
        Some(c) => format!("{c} {}", thousands(v)),
        None => thousands(v),
    }
}

/// "USD 150,000", or "no amount stated".
pub fn maybe_amount(account: &Account, v: Option<f64>) -> String {
    v.map_or("no amount stated".to_string(), |v| amount(account, v))
}

/// How a role's money status reads in a report.
pub fn status_words(s: MoneyStatus) -> &'static str {
    match s {
        MoneyStatus::Financed => "financed",
        MoneyStatus::Underfinanced => "underfinanced",
        MoneyStatus::Unfinanced => "UNFINANCED: not covered",
        MoneyStatus::NotNeeded => "needs no money in this scenario",
    }
}

/// "moh USD 2,400,000 (moh_budget), dev_bank amount not stated (bank_cofinance)".
fn sources(account: &Account, list: &[Source]) -> String {
    list.iter()
        .map(|s| {
            format!(
                "{} {} ({})",
                s.funder,
                s.amount
                    .map_or("amount not stated".to_string(), |v| amount(account, v)),
                s.commitment
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One phase of a role: "scale: budget USD 3,000,000; USD 2,400,000 from moh (moh_budget);
/// short USD 600,000", or `None` for a phase with neither budget nor money.
pub fn phase_line(account: &Account, r: &RoleMoney, k: usize) -> Option<String> {
    let ph = &r.phases[k];
    if ph.budget <= 0.0 && ph.from.is_empty() && ph.stranded.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if ph.budget > 0.0 {
        parts.push(format!("budget {}", amount(account, ph.budget)));
    }
    if ph.from.is_empty() && !ph.stranded.is_empty() {
        parts.push("no money reaches a holder".to_string());
    } else if ph.from.is_empty() {
        parts.push("no money".to_string());
    } else {
        parts.push(format!("from {}", sources(account, &ph.from)));
    }
    if !ph.stranded.is_empty() {
        parts.push(format!(
            "committed but reaching no holder: {}",
            sources(account, &ph.stranded)
        ));
    }
    if ph.short > 0.0 {
        parts.push(format!("short {}", amount(account, ph.short)));
    } else if ph.budget > 0.0 && ph.committed > ph.budget {
        parts.push(format!(
            "{} above the budget",
            amount(account, ph.committed - ph.budget)
        ));
    }
    Some(format!("{}: {}", account.phases[k], parts.join("; ")))
}

/// The lines of a role's money: one per phase with a budget or money, or one for every phase
/// when they all read the same (money without a phase, no budget).
pub fn role_phase_lines(account: &Account, r: &RoleMoney) -> Vec<String> {
    let lines: Vec<Option<String>> = (0..account.phases.len())
        .map(|k| phase_line(account, r, k))
        .collect();
    let bodies: Vec<Option<&str>> = lines
        .iter()
        .zip(&account.phases)
        .map(|(l, ph)| l.as_deref().map(|l| &l[ph.len() + 2..]))
        .collect();
    if account.phases.len() > 1 && bodies.iter().all(|b| b.is_some() && *b == bodies[0]) {
        return vec![format!("every phase: {}", bodies[0].unwrap_or_default())];
    }
    lines.into_iter().flatten().collect()
}

/// "bank_cofinance: dev_bank puts USD 1,000,000 into public_financing (scale; only if
/// moh_budget holds; never to government): reaches nobody: ...".
pub fn commitment_line(account: &Account, c: &CommitmentView) -> String {
    let mut terms = vec![c.phase.clone().unwrap_or_else(|| "every phase".to_string())];
    if !c.only_if.is_empty() {
        terms.push(format!("only if {} holds", c.only_if.join(" and ")));
    }
    if !c.never_to.is_empty() {
        terms.push(format!("never to {}", c.never_to.join(" or ")));
    }
    if let Some(t) = &c.through {
        terms.push(format!("through {t}"));
    }
    if c.implicit {
        terms.push("a `funds` entry".to_string());
    }
    format!(
        "{}: {} puts {} into {} ({}): {}",
        c.id,
        c.funder,
        maybe_amount(account, c.amount),
        c.role,
        terms.join("; "),
        c.note
    )
}

/// The headline of the money section: "Money (USD; phases pilot, scale)".
pub fn heading(account: &Account) -> String {
    let currency = account
        .currency
        .as_deref()
        .map_or("no amounts stated".to_string(), str::to_string);
    format!("Money ({currency}; phases {})", account.phases.join(", "))
}

/// A role's line: "Public financing (public_financing), importance 5: underfinanced; held by
/// moh".
pub fn role_line(r: &RoleMoney) -> String {
    let held = if r.holders.is_empty() {
        "held by nobody".to_string()
    } else {
        format!("held by {}", r.holders.join(", "))
    };
    format!(
        "{} ({}), importance {}: {}; {held}",
        r.role_name,
        r.role,
        r.importance,
        status_words(r.status)
    )
}
