//! `rolefit compare` as text, Markdown and JSON: one column per line-up, then the changes
//! against the base.

use super::json::{flag_json, outcome_json};
use super::markdown::escape;
use super::names_or_nobody;
use crate::compare::{Column, Comparison};
use crate::explain::{Flag, round};
use crate::robust::words;
use serde_json::{Value, json};
use std::fmt::Write;

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

fn signed(v: f64) -> String {
    super::signed_num(v, 2)
}

fn flag_line(f: &Flag) -> String {
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

fn rows(c: &Comparison) -> Vec<(String, Vec<String>)> {
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
fn close_calls(c: &Comparison) -> Vec<(String, Vec<String>)> {
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

pub fn text(c: &Comparison) -> String {
    let mut out = format!(
        "{}: {} line-ups compared (* marks the lead)\n\n",
        c.scenario,
        c.columns.len()
    );
    for note in &c.notes {
        let _ = writeln!(out, "note: {note}\n");
    }
    let rows = rows(c);
    let label = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..c.columns.len())
        .map(|k| {
            let header = c.columns[k].name.chars().count();
            rows.iter()
                .map(|(_, v)| v[k].chars().count())
                .max()
                .unwrap_or(0)
                .max(header)
                .min(40)
        })
        .collect();
    let _ = write!(out, "{:label$}", "");
    for (col, w) in c.columns.iter().zip(&widths) {
        let _ = write!(out, "  {:w$}", col.name);
    }
    out.push('\n');
    for (l, values) in &rows {
        let _ = write!(out, "{l:label$}");
        for (v, w) in values.iter().zip(&widths) {
            let _ = write!(out, "  {v:w$}");
        }
        out.push('\n');
    }
    for ch in &c.changes {
        let _ = writeln!(
            out,
            "\n{}: objective {}, coverage {} points",
            ch.variant,
            signed(ch.objective_delta),
            super::signed_num(ch.coverage_delta * 100.0, 0)
        );
        if ch.moved.is_empty() && ch.raised.is_empty() && ch.cleared.is_empty() {
            let _ = writeln!(out, "  same line-up and flags as the base");
        }
        for m in &ch.moved {
            let _ = writeln!(
                out,
                "  moved   {}: {} -> {}",
                m.role,
                names_or_nobody(&m.from),
                names_or_nobody(&m.to)
            );
        }
        for f in &ch.raised {
            let _ = writeln!(out, "  raised  {}", flag_line(f));
        }
        for f in &ch.cleared {
            let _ = writeln!(out, "  cleared {}", flag_line(f));
        }
    }
    let calls = close_calls(c);
    if !calls.is_empty() {
        let _ = writeln!(
            out,
            "\nClose calls (ties, or roles kept in few perturbed samples)"
        );
    }
    for (name, list) in calls {
        if list.is_empty() {
            let _ = writeln!(out, "  {name}: none");
        }
        for call in list {
            let _ = writeln!(out, "  {name}: {call}");
        }
    }
    out
}

pub fn markdown(c: &Comparison) -> String {
    let mut out = format!("# {}: line-ups compared\n\n", escape(&c.scenario));
    for note in &c.notes {
        let _ = writeln!(out, "> {}\n", escape(note));
    }
    let _ = write!(out, "| |");
    for col in &c.columns {
        let _ = write!(out, " {} |", escape(&col.name));
    }
    out.push_str("\n|---|");
    for _ in &c.columns {
        out.push_str("---|");
    }
    out.push('\n');
    for (l, values) in rows(c) {
        let _ = write!(out, "| {} |", escape(&l));
        for v in values {
            let _ = write!(out, " {} |", escape(&v));
        }
        out.push('\n');
    }
    out.push_str("\n\\* marks the lead.\n");
    for ch in &c.changes {
        let _ = writeln!(
            out,
            "\n## {}\n\nObjective {}, coverage {} points.\n",
            escape(&ch.variant),
            signed(ch.objective_delta),
            super::signed_num(ch.coverage_delta * 100.0, 0)
        );
        for m in &ch.moved {
            let _ = writeln!(
                out,
                "- moved: {}: {} → {}",
                escape(&m.role),
                escape(&m.from.join(", ")),
                escape(&m.to.join(", "))
            );
        }
        for f in &ch.raised {
            let _ = writeln!(out, "- raised: {}", escape(&flag_line(f)));
        }
        for f in &ch.cleared {
            let _ = writeln!(out, "- cleared: {}", escape(&flag_line(f)));
        }
    }
    let calls = close_calls(c);
    if !calls.is_empty() {
        let _ = writeln!(out, "\n## Close calls\n");
    }
    for (name, list) in calls {
        if list.is_empty() {
            let _ = writeln!(out, "- {}: none", escape(&name));
        }
        for call in list {
            let _ = writeln!(out, "- {}: {}", escape(&name), escape(&call));
        }
    }
    out
}

pub fn json(c: &Comparison) -> Value {
    json!({
        "scenario": c.scenario,
        "roles": c.roles.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "line_ups": c.columns.iter().map(|col| json!({
            "name": col.name,
            "status": col.outcome.status.name(),
            "objective": round(col.outcome.objective, 4),
            "coverage": round(col.outcome.coverage, 4),
            "flags": {"high": col.flag_counts[0], "medium": col.flag_counts[1], "low": col.flag_counts[2], "info": col.flag_counts[3]},
            "holders": c.roles.iter().zip(&col.holders).map(|(r, h)| (r.id.clone(), json!(h.iter().map(|x| json!({"partner": x.partner, "lead": x.lead})).collect::<Vec<_>>()))).collect::<serde_json::Map<_, _>>(),
            "result": outcome_json(&col.outcome),
        })).collect::<Vec<_>>(),
        "changes": c.changes.iter().map(|ch| json!({
            "variant": ch.variant,
            "objective_delta": round(ch.objective_delta, 4),
            "coverage_delta": round(ch.coverage_delta, 4),
            "moved": ch.moved.iter().map(|m| json!({"role": m.role, "from": m.from, "to": m.to})).collect::<Vec<_>>(),
            "raised": ch.raised.iter().map(flag_json).collect::<Vec<_>>(),
            "cleared": ch.cleared.iter().map(flag_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "notes": c.notes,
    })
}
