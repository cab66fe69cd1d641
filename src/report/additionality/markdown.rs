//! The Markdown report of an additionality analysis: a memo for an investment committee.

use super::{HOW_TO_READ, columns, finding_words, holders, signed};
use crate::funding::Additionality;
use crate::report::markdown_escape as escape;
use crate::report::{names_or_nobody, num};
use std::fmt::Write;

pub fn render(a: &Additionality) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Additionality of {} in {}",
        escape(&a.funder.name),
        escape(&a.scenario)
    );
    if let Some(v) = &a.variant {
        let _ = writeln!(out, "\n*Variant:* {}", escape(v));
    }
    let _ = writeln!(
        out,
        "\n*Funder:* `{}` ({}) · *funds:* {}",
        escape(&a.funder.id),
        escape(&a.funder.sector),
        a.funder
            .funds
            .iter()
            .map(|r| format!("`{}`", escape(r)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "\n## Verdict: {}\n\n{}\n",
        a.verdict.name().replace('_', " "),
        escape(&a.summary)
    );
    let _ = writeln!(
        out,
        "Value added by its money: **{}** · by the funder altogether: **{}**",
        signed(a.added_by_funding),
        signed(a.added_by_funder)
    );
    for note in &a.notes {
        let _ = writeln!(out, "\n> {}", escape(note));
    }

    let cols = columns(a);
    let _ = writeln!(out, "\n## Three line-ups\n");
    let _ = writeln!(
        out,
        "| | {} |\n|---|---:|---:|---:|",
        cols.each_ref().map(|c| escape(&c.label)).join(" | ")
    );
    let line = |out: &mut String, label: &str, cells: [String; 3]| {
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    };
    line(
        &mut out,
        "Status",
        cols.each_ref().map(|c| c.outcome.status.name().to_string()),
    );
    line(
        &mut out,
        "Value",
        cols.each_ref().map(|c| num(c.outcome.objective, 2)),
    );
    line(
        &mut out,
        "Coverage",
        cols.each_ref()
            .map(|c| format!("{:.0}%", c.outcome.coverage * 100.0)),
    );
    line(
        &mut out,
        "Gaps",
        cols.each_ref().map(|c| {
            if c.gaps.is_empty() {
                "none".to_string()
            } else {
                c.gaps
                    .iter()
                    .map(|g| escape(g))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }),
    );
    line(
        &mut out,
        "Flags (high / medium / low / info)",
        cols.each_ref().map(|c| {
            format!(
                "{} / {} / {} / {}",
                c.flags[0], c.flags[1], c.flags[2], c.flags[3]
            )
        }),
    );

    let _ = writeln!(out, "\n## Roles it funds\n");
    let _ = writeln!(
        out,
        "| Role | Finding | With | Without its funding | Without it | Role value with / without money | Also funded by |\n|---|---|---|---|---|---:|---|"
    );
    for r in &a.roles {
        let values = if r.importance.is_some() {
            format!("{} / {}", num(r.value_with, 2), num(r.value_unfunded, 2))
        } else {
            "not needed".to_string()
        };
        let _ = writeln!(
            out,
            "| `{}` | **{}** | {} | {} | {} | {values} | {} |",
            escape(&r.role),
            finding_words(r.finding),
            escape(&holders(&r.with)),
            escape(&holders(&r.unfunded)),
            escape(&holders(&r.without)),
            escape(&names_or_nobody(&r.co_funders))
        );
    }
    let _ = writeln!(out);
    for r in &a.roles {
        let _ = writeln!(out, "- `{}`: {}", escape(&r.role), escape(&r.explanation));
    }

    if !a.changes.is_empty() {
        let _ = writeln!(out, "\n## What changes\n");
        let _ = writeln!(
            out,
            "| Role | {} |\n|---|---|---|---|",
            cols.each_ref().map(|c| escape(&c.label)).join(" | ")
        );
        let ids = |v: &[String]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                escape(&v.join(", "))
            }
        };
        for c in &a.changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                escape(&c.role),
                ids(&c.with),
                ids(&c.unfunded),
                ids(&c.without)
            );
        }
    }

    let _ = writeln!(out, "\n## Flags\n");
    if a.flags.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for f in &a.flags {
        let _ = writeln!(
            out,
            "- **{}** `{}`: {} *(rule `{}`; {})*",
            f.severity.name(),
            escape(&f.kind),
            escape(&f.message),
            escape(&f.rule),
            escape(&f.source)
        );
    }
    let _ = writeln!(out, "\n## How to read this\n");
    for line in HOW_TO_READ {
        let _ = writeln!(out, "- {}", escape(line));
    }
    out
}
