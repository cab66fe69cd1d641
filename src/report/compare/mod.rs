//! `rolefit compare`: one column per line-up, then the changes against the base, as text,
//! Markdown, JSON or HTML. The rows of the side-by-side table are built here, once, for text and
//! Markdown.

pub mod html;
pub mod json;
mod markdown;
mod text;

pub use json::render as json;
pub use markdown::render as markdown;
pub use text::render as text;

use crate::compare::{Column, Comparison};
use crate::explain::Flag;
use crate::robust::words;

fn holders(c: &Column, r: usize) -> String {
    if c.holders[r].is_empty() {
        return "-".to_string();
    }
    c.holders[r]
        .iter()
        .map(|h| {
            if h.lead {
                format!("*{}", h.partner)
            } else {
                h.partner.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn counts(c: &Column) -> String {
    let [h, m, l, i] = c.flag_counts;
    format!("{h}/{m}/{l}/{i}")
}

pub(super) fn signed(v: f64) -> String {
    crate::report::signed_num(v, 2)
}

pub(super) fn flag_line(f: &Flag) -> String {
    let about: Vec<&str> = [f.partner.as_deref(), f.role.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    format!(
        "{} {} {} ({})",
        f.severity.name(),
        f.kind,
        about.join("/"),
        f.rule
    )
}

pub(super) fn rows(c: &Comparison) -> Vec<(String, Vec<String>)> {
    let base = &c.columns[0].outcome;
    let mut rows = vec![
        (
            "status".to_string(),
            c.columns
                .iter()
                .map(|x| x.outcome.status.name().to_string())
                .collect(),
        ),
        (
            "objective".to_string(),
            c.columns
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let v = x.outcome.objective;
                    if i == 0 {
                        format!("{v:.2}")
                    } else {
                        format!("{v:.2} ({})", signed(v - base.objective))
                    }
                })
                .collect(),
        ),
        (
            "coverage".to_string(),
            c.columns
                .iter()
                .map(|x| format!("{:.0}%", x.outcome.coverage * 100.0))
                .collect(),
        ),
        (
            "flags high/med/low/info".to_string(),
            c.columns.iter().map(counts).collect(),
        ),
    ];
    if c.columns.iter().any(|x| x.outcome.robustness.is_some()) {
        rows.push((
            "close calls".to_string(),
            c.columns.iter().map(close_call_count).collect(),
        ));
    }
    for (r, role) in c.roles.iter().enumerate() {
        rows.push((
            format!("{} ({})", role.id, role.importance),
            c.columns.iter().map(|x| holders(x, r)).collect(),
        ));
    }
    rows
}

/// How many close calls a line-up has, or "-" when robustness was not assessed.
fn close_call_count(c: &Column) -> String {
    c.outcome
        .robustness
        .as_ref()
        .map_or("-".to_string(), |r| r.close_calls.len().to_string())
}

/// Each assessed line-up with its close calls, in words.
pub(super) fn close_calls(c: &Comparison) -> Vec<(String, Vec<String>)> {
    c.columns
        .iter()
        .filter_map(|col| {
            let r = col.outcome.robustness.as_ref()?;
            let calls = r
                .close_calls
                .iter()
                .map(|call| words::close_call_words(call, r))
                .collect();
            Some((col.name.clone(), calls))
        })
        .collect()
}
