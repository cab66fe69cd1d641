//! A sweep's [`Summary`] (`rolefit summarize`) as text, Markdown, JSON or a self-contained HTML
//! page. The headline, the ranking measure, the box in words and each factor's level table are
//! built here, once, for every format.

pub mod html;
pub mod json;
mod markdown;
mod text;

pub use html::render as html;
pub use json::render as json;
pub use markdown::render as markdown;
pub use text::render as text;

use crate::summarize::{Discovery, FactorSummary, Restriction, Step, Summary, fmt_num};
use std::fmt::Write;

pub(super) fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

pub(super) fn opt_num(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{:.3}", x))
}

/// `x in [0.7, 1]` or `colour in {red, blue}`.
pub fn restriction_text(r: &Restriction) -> String {
    match r {
        Restriction::Range {
            factor,
            lo,
            hi,
            min,
            max,
        } => format!(
            "{factor} in [{}, {}] (of [{}, {}])",
            fmt_num(*lo),
            fmt_num(*hi),
            fmt_num(*min),
            fmt_num(*max)
        ),
        Restriction::Levels { factor, levels, of } => {
            format!(
                "{factor} in {{{}}} ({} of {of} levels)",
                levels.join(", "),
                levels.len()
            )
        }
    }
}

/// The flag kinds worth a column: those raised in some level of some factor.
pub(super) fn raised_kinds(s: &Summary) -> Vec<usize> {
    (0..s.flag_kinds.len())
        .filter(|&k| {
            s.factors
                .iter()
                .flat_map(|f| &f.levels)
                .any(|l| l.flag_rates.get(k).is_some_and(|&r| r > 0.0))
        })
        .collect()
}

pub(super) fn header(s: &Summary) -> String {
    let statuses: Vec<String> = s
        .statuses
        .iter()
        .map(|(st, n)| format!("{n} {st}"))
        .collect();
    let mut out = format!("{} runs ({})", s.runs, statuses.join(", "));
    if let (Some(o), Some(r)) = (&s.outcome, s.outcome_rate) {
        let _ = write!(out, "; outcome `{o}` in {} of runs", pct(r));
    }
    out
}

pub(super) fn ranking_measure(s: &Summary) -> String {
    match &s.outcome {
        Some(o) => {
            format!("share of variance of `{o}` explained by the factor's levels (eta squared)")
        }
        None => "share of variance of the objective explained by the factor's levels (eta squared)"
            .into(),
    }
}

/// Which box is shown and why: the densest, or the one a `--box`, `--min-coverage` or
/// `--min-density` chose.
pub(super) fn box_headline(d: &Discovery) -> String {
    use crate::summarize::Choice;
    let step = d.chosen.map_or(String::new(), |k| format!(" (step {k})"));
    match d.choice {
        Choice::Densest => format!(
            "box with the highest density (minimum mass {})",
            pct(d.min_mass)
        ),
        Choice::Step(_) => format!("box chosen from the peeling trajectory{step}"),
        Choice::MinCoverage(c) => format!("densest box covering at least {}{step}", pct(c)),
        Choice::MinDensity(x) => {
            format!(
                "box with the most coverage at a density of at least {}{step}",
                pct(x)
            )
        }
    }
}

/// The factors a step's box restricts, by name.
pub(super) fn restricted_names(st: &Step) -> String {
    let names: Vec<&str> = st
        .restrictions
        .iter()
        .map(|r| match r {
            Restriction::Range { factor, .. } | Restriction::Levels { factor, .. } => {
                factor.as_str()
            }
        })
        .collect();
    names.join(", ")
}

/// The table of a factor's levels, as raw cells (each renderer escapes them): the header, then
/// one row per level. The outcome column only when the sweep names one; a column per raised
/// flag kind.
pub(super) fn level_table(
    s: &Summary,
    f: &FactorSummary,
    kinds: &[usize],
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = vec![
        "level".to_string(),
        "runs".into(),
        "mean objective".into(),
        "infeasible".into(),
    ];
    if s.outcome.is_some() {
        head.push("outcome".into());
    }
    head.extend(kinds.iter().map(|&k| s.flag_kinds[k].clone()));
    let rows = f
        .levels
        .iter()
        .map(|l| {
            let mut r = vec![
                l.label.clone(),
                l.runs.to_string(),
                opt_num(l.mean_objective),
                pct(l.infeasible_rate),
            ];
            if s.outcome.is_some() {
                r.push(l.outcome_rate.map_or("-".into(), pct));
            }
            r.extend(kinds.iter().map(|&k| pct(l.flag_rates[k])));
            r
        })
        .collect();
    (head, rows)
}
