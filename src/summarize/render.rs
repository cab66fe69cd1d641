//! Renderers of a [`Summary`]: text, Markdown, JSON and a self-contained HTML page.

use super::{FactorSummary, Restriction, Summary, fmt_num};
use crate::report::shared::html::{BarChart, Html, Panel, page};
use serde_json::{Value, json};
use std::fmt::Write;

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn opt_num(v: Option<f64>) -> String {
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
fn raised_kinds(s: &Summary) -> Vec<usize> {
    (0..s.flag_kinds.len())
        .filter(|&k| {
            s.factors
                .iter()
                .flat_map(|f| &f.levels)
                .any(|l| l.flag_rates.get(k).is_some_and(|&r| r > 0.0))
        })
        .collect()
}

fn header(s: &Summary) -> String {
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

fn ranking_measure(s: &Summary) -> String {
    match &s.outcome {
        Some(o) => {
            format!("share of variance of `{o}` explained by the factor's levels (eta squared)")
        }
        None => "share of variance of the objective explained by the factor's levels (eta squared)"
            .into(),
    }
}

pub fn text(s: &Summary) -> String {
    let mut out = format!("Sweep summary of {}\n{}\n\n", s.file, header(s));
    let kinds = raised_kinds(s);
    let _ = writeln!(out, "Factors by effect ({}):", ranking_measure(s));
    for (rank, f) in s.factors.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}. {} ({}), effect {:.3}{}",
            rank + 1,
            f.name,
            if f.numeric { "numeric" } else { "categorical" },
            f.effect,
            match f.outcome_effect {
                Some(_) => format!(", on the objective {:.3}", f.objective_effect),
                None => String::new(),
            }
        );
        let (head, rows) = level_table(s, f, &kinds);
        out.push_str(&table(&head, &rows, "   "));
    }
    if s.factors.is_empty() {
        out.push_str("  (the sweep has no factors)\n");
    }
    if let Some(d) = &s.discovery {
        let _ = writeln!(out, "\nScenario discovery for `{}` (PRIM):", d.outcome);
        discovery_text(&mut out, d);
    }
    // Factor names, levels and statuses come from a table rolefit may not have written.
    crate::terminal::text(&out).into_owned()
}

/// Which box is shown and why: the densest, or the one a `--box`, `--min-coverage` or
/// `--min-density` chose.
fn box_headline(d: &super::Discovery) -> String {
    use super::Choice;
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
fn restricted_names(st: &super::Step) -> String {
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

fn discovery_text(out: &mut String, d: &super::Discovery) {
    if d.positives == 0 {
        out.push_str("  no run meets the outcome.\n");
        return;
    }
    let _ = writeln!(
        out,
        "  {}: density {}, coverage {}, mass {}",
        box_headline(d),
        pct(d.best.density),
        pct(d.best.coverage),
        pct(d.best.mass)
    );
    if d.restrictions.is_empty() {
        out.push_str("  no factor restricts it: the outcome is spread over the whole design.\n");
    }
    for r in &d.restrictions {
        let _ = writeln!(out, "  - {}", restriction_text(r));
    }
    let _ = writeln!(
        out,
        "  peeling trajectory{} (a larger box covers more: choose one with --box STEP, --min-coverage or --min-density):",
        if d.sampled {
            format!(", on an evenly spaced sample of {} rows", d.rows)
        } else {
            String::new()
        }
    );
    let head: Vec<String> = ["step", "mass", "density", "coverage", "restricts"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows: Vec<Vec<String>> = d
        .trajectory
        .iter()
        .enumerate()
        .map(|(k, st)| {
            let mark = if d.chosen == Some(k) { "*" } else { "" };
            vec![
                format!("{k}{mark}"),
                pct(st.mass),
                pct(st.density),
                pct(st.coverage),
                restricted_names(st),
            ]
        })
        .collect();
    out.push_str(&table(&head, &rows, "    "));
}

/// A plain table with columns padded to their widest cell.
fn table(head: &[String], rows: &[Vec<String>], indent: &str) -> String {
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = indent.to_string();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = w - c.chars().count();
            if i == 0 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(head);
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

/// The table of a factor's levels, as raw cells (each renderer escapes them): the header, then
/// one row per level. The outcome column only when the sweep names one; a column per raised
/// flag kind.
fn level_table(s: &Summary, f: &FactorSummary, kinds: &[usize]) -> (Vec<String>, Vec<Vec<String>>) {
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

pub fn markdown(s: &Summary) -> String {
    let esc = crate::report::shared::markdown::escape;
    let mut out = format!(
        "# Sweep summary\n\n`{}`: {}\n\n",
        esc(&s.file),
        esc(&header(s))
    );
    let kinds = raised_kinds(s);
    let _ = writeln!(
        out,
        "## Factors by effect\n\nRanked by the {}.\n",
        ranking_measure(s)
    );
    let _ = writeln!(
        out,
        "| rank | factor | kind | effect |\n|---:|---|---|---:|"
    );
    for (rank, f) in s.factors.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3} |",
            rank + 1,
            esc(&f.name),
            if f.numeric { "numeric" } else { "categorical" },
            f.effect
        );
    }
    for f in &s.factors {
        let _ = writeln!(out, "\n### {}\n", esc(&f.name));
        let (head, rows) = level_table(s, f, &kinds);
        let line = |cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|c| esc(c)).collect();
            format!("| {} |", cells.join(" | "))
        };
        let _ = writeln!(
            out,
            "{}\n|---|{}",
            line(&head),
            "---:|".repeat(head.len() - 1)
        );
        for r in &rows {
            let _ = writeln!(out, "{}", line(r));
        }
    }
    if let Some(d) = &s.discovery {
        let _ = writeln!(out, "\n## Scenario discovery for `{}`\n", esc(&d.outcome));
        if d.positives == 0 {
            out.push_str("No run meets the outcome.\n");
        } else {
            let _ = writeln!(
                out,
                "PRIM {}: density {}, coverage {}, mass {}.\n",
                esc(&box_headline(d)),
                pct(d.best.density),
                pct(d.best.coverage),
                pct(d.best.mass)
            );
            for r in &d.restrictions {
                let _ = writeln!(out, "- {}", esc(&restriction_text(r)));
            }
            if d.restrictions.is_empty() {
                out.push_str("- no factor restricts it\n");
            }
            out.push_str(
                "\n| step | mass | density | coverage | restricts |\n|---:|---:|---:|---:|---|\n",
            );
            for (k, st) in d.trajectory.iter().enumerate() {
                let mark = if d.chosen == Some(k) { " (chosen)" } else { "" };
                let _ = writeln!(
                    out,
                    "| {k}{mark} | {} | {} | {} | {} |",
                    pct(st.mass),
                    pct(st.density),
                    pct(st.coverage),
                    esc(&restricted_names(st))
                );
            }
        }
    }
    // Factor names, levels and statuses come from a table rolefit may not have written.
    crate::terminal::text(&out).into_owned()
}

fn factor_json(f: &FactorSummary, kinds: &[String]) -> Value {
    json!({
        "name": f.name,
        "kind": if f.numeric { "numeric" } else { "categorical" },
        "effect": round(f.effect),
        "objective_effect": round(f.objective_effect),
        "outcome_effect": f.outcome_effect.map(round),
        "levels": f.levels.iter().map(|l| json!({
            "level": l.label,
            "runs": l.runs,
            "solved": l.solved,
            "mean_objective": l.mean_objective.map(round),
            "infeasible_rate": round(l.infeasible_rate),
            "outcome_rate": l.outcome_rate.map(round),
            "flag_rates": kinds.iter().zip(&l.flag_rates).map(|(k, r)| (k.clone(), json!(round(*r)))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
    })
}

fn round(v: f64) -> f64 {
    crate::explain::round(v, 6)
}

pub fn json(s: &Summary) -> String {
    let restriction = |r: &Restriction| match r {
        Restriction::Range {
            factor,
            lo,
            hi,
            min,
            max,
        } => json!({"factor": factor, "lo": lo, "hi": hi, "min": min, "max": max}),
        Restriction::Levels { factor, levels, of } => {
            json!({"factor": factor, "levels": levels, "of": of})
        }
    };
    let discovery = s.discovery.as_ref().map(|d| {
        let step = |st: &super::Step| {
            json!({"mass": round(st.mass), "density": round(st.density), "coverage": round(st.coverage), "restricted": st.restricted, "box": st.restrictions.iter().map(restriction).collect::<Vec<_>>()})
        };
        let choice = match d.choice {
            super::Choice::Densest => json!({"by": "densest"}),
            super::Choice::Step(k) => json!({"by": "step", "step": k}),
            super::Choice::MinCoverage(c) => json!({"by": "min_coverage", "at_least": c}),
            super::Choice::MinDensity(x) => json!({"by": "min_density", "at_least": x}),
        };
        json!({
            "outcome": d.outcome,
            "min_mass": d.min_mass,
            "rows": d.rows,
            "sampled": d.sampled,
            "positives": d.positives,
            "choice": choice,
            "step": d.chosen,
            "box": d.restrictions.iter().map(restriction).collect::<Vec<_>>(),
            "density": round(d.best.density),
            "coverage": round(d.best.coverage),
            "mass": round(d.best.mass),
            "trajectory": d.trajectory.iter().map(step).collect::<Vec<_>>(),
        })
    });
    crate::report::to_json(&json!({
        "file": s.file,
        "runs": s.runs,
        "statuses": s.statuses.iter().map(|(k, n)| (k.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "outcome": s.outcome,
        "outcome_rate": s.outcome_rate.map(round),
        "flag_kinds": s.flag_kinds,
        "factors": s.factors.iter().map(|f| factor_json(f, &s.flag_kinds)).collect::<Vec<_>>(),
        "discovery": discovery,
    }))
}

/// A self-contained page in the style of every rolefit report (`report::html::page`: no
/// scripts, no external resources): one bar chart per factor of the outcome rate (or the mean
/// objective when no outcome was asked for) by level, and the level table, which scrolls on a
/// narrow screen and shrinks to the page in print.
pub fn html(s: &Summary) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem("h1", &[], "Sweep summary");
    h.open("p", &[("class", "subtitle")]);
    h.elem("code", &[], &s.file);
    h.text(": ");
    h.prose(&header(s));
    h.close();
    h.close();
    h.open("main", &[("class", "summary-page")]);
    if let Some(d) = &s.discovery {
        h.open("section", &[("id", "discovery")]);
        h.open("h2", &[]);
        h.text("Scenario discovery for ");
        h.elem("code", &[], &d.outcome);
        h.close();
        if d.positives == 0 {
            h.elem("p", &[], "No run meets the outcome.");
        } else {
            h.open("p", &[]);
            h.text(&format!("PRIM {}: density ", box_headline(d)));
            h.elem("strong", &[], &pct(d.best.density));
            h.text(", coverage ");
            h.elem("strong", &[], &pct(d.best.coverage));
            h.text(&format!(", mass {}.", pct(d.best.mass)));
            h.close();
            h.open("ul", &[("class", "box")]);
            for r in &d.restrictions {
                h.elem("li", &[], &restriction_text(r));
            }
            if d.restrictions.is_empty() {
                h.elem("li", &[], "no factor restricts it");
            }
            h.close();
        }
        h.close();
    }
    h.open("section", &[("id", "factors")]);
    h.elem("h2", &[], "Factors by effect");
    h.open("p", &[]);
    h.text("Ranked by the ");
    h.prose(&ranking_measure(s));
    h.text(".");
    h.close();
    let kinds = raised_kinds(s);
    for (rank, f) in s.factors.iter().enumerate() {
        h.open("div", &[("class", "factor"), ("data-factor", &f.name)]);
        h.open("h3", &[]);
        h.text(&format!("{}. {} ", rank + 1, f.name));
        h.elem(
            "span",
            &[("class", "muted small")],
            &format!(
                "({}, effect {:.3})",
                if f.numeric { "numeric" } else { "categorical" },
                f.effect
            ),
        );
        h.close();
        h.open("figure", &[("class", "chart")]);
        h.append(chart(s, f).svg());
        h.close();
        let (head, rows) = level_table(s, f, &kinds);
        h.open("div", &[("class", "wide")]);
        h.open("table", &[("class", "levels")]);
        h.open("thead", &[]).open("tr", &[]);
        let num: &[(&'static str, &str)] = &[("class", "num")];
        for (i, c) in head.iter().enumerate() {
            h.elem("th", if i == 0 { &[] } else { num }, c);
        }
        h.close().close();
        h.open("tbody", &[]);
        for r in &rows {
            h.open("tr", &[]);
            for (i, c) in r.iter().enumerate() {
                h.elem("td", if i == 0 { &[] } else { num }, c);
            }
            h.close();
        }
        h.close().close();
        h.close();
        h.close();
    }
    h.close();
    h.close();
    page("Sweep summary", h)
}

/// One bar per level: the outcome rate, or the mean objective without an outcome.
fn chart(s: &Summary, f: &FactorSummary) -> BarChart {
    let (what, values): (&str, Vec<f64>) = match &s.outcome {
        Some(_) => (
            "outcome rate",
            f.levels
                .iter()
                .map(|l| l.outcome_rate.unwrap_or(0.0))
                .collect(),
        ),
        None => (
            "mean objective",
            f.levels
                .iter()
                .map(|l| l.mean_objective.unwrap_or(0.0))
                .collect(),
        ),
    };
    let mut panel = Panel::new(what, values);
    if s.outcome.is_some() {
        panel.percent = true;
        panel.decimals = 1;
        panel.domain = Some((0.0, 1.0));
    } else {
        panel.decimals = 3;
    }
    BarChart {
        label: format!("{what} of {} by level", f.name),
        rows: f.levels.iter().map(|l| l.label.clone()).collect(),
        panels: vec![panel],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_names_and_levels_and_needs_nothing_external() {
        let hostile = "<script>alert('x')</script>";
        let s = Summary {
            file: format!("{hostile}.csv"),
            runs: 2,
            statuses: vec![("optimal".into(), 2)],
            flag_kinds: vec!["mission_drift".into()],
            outcome: Some("flags.mission_drift > 0".into()),
            outcome_rate: Some(0.5),
            factors: vec![FactorSummary {
                name: hostile.into(),
                numeric: false,
                effect: 1.0,
                objective_effect: 0.5,
                outcome_effect: Some(1.0),
                levels: vec![super::super::LevelStats {
                    label: hostile.into(),
                    runs: 2,
                    solved: 2,
                    mean_objective: Some(-3.0),
                    infeasible_rate: 0.0,
                    flag_rates: vec![0.5],
                    outcome_rate: Some(0.5),
                }],
            }],
            discovery: None,
        };
        let page = html(&s);
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;script&gt;"));
        for external in ["src=", "href=", "@import", "url("] {
            assert!(!page.contains(external));
        }
        assert_eq!(page.matches("<svg").count(), 1);
        // Every closed element was opened (the level table's scrolling wrapper once was not).
        for tag in ["div", "table", "tr", "svg"] {
            let opened = page.matches(&format!("<{tag}")).count();
            assert_eq!(
                opened,
                page.matches(&format!("</{tag}>")).count(),
                "<{tag}> in {page}"
            );
        }
    }
}
