//! The Markdown memo of an additionality analysis, for an investment committee's papers.

use super::{
    COMMITMENT_COLUMNS, NO_HANDOVER, columns, commitment_row, commits_line, how_to_read,
    shortfall_line, signed, verdict_words, who_else_pays,
};
use crate::additionality::{Additionality, level_words};
use crate::report::num;
use crate::report::shared::markdown::{self as md, Align, escape};
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
    let _ = writeln!(out, "\n{}", escape(&commits_line(a)));
    let _ = writeln!(
        out,
        "\n## Verdict: {}\n\n{}",
        verdict_words(a.verdict).to_lowercase(),
        escape(&a.summary)
    );
    for note in &a.notes {
        let _ = writeln!(out, "\n> {}", escape(note));
    }

    let _ = writeln!(out, "\n## What the money buys\n");
    md::head(
        &mut out,
        COMMITMENT_COLUMNS,
        [
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Left,
        ],
    );
    for j in &a.commitments {
        let mut cells = commitment_row(a, j).map(|c| escape(&c));
        cells[0] = format!("`{}`", cells[0]);
        md::row(&mut out, cells);
    }

    let _ = writeln!(out, "\n## Without its money\n");
    if a.shortfalls.is_empty() {
        let _ = writeln!(out, "No role is short of more money without it.\n");
    }
    for s in &a.shortfalls {
        let _ = writeln!(out, "- {}", escape(&shortfall_line(a, s)));
    }
    if !a.shortfalls.is_empty() {
        out.push('\n');
    }
    let cols = columns(a);
    md::head(
        &mut out,
        std::iter::once(String::new()).chain(cols.each_ref().map(|c| escape(&c.label))),
        [Align::Left, Align::Right, Align::Right, Align::Right],
    );
    let line = |out: &mut String, label: &str, cells: [String; 3]| {
        md::row(out, std::iter::once(label.to_string()).chain(cells));
    };
    line(
        &mut out,
        "Status",
        cols.each_ref().map(|c| c.outcome.status.name().to_string()),
    );
    line(
        &mut out,
        "Value (points)",
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
    let _ = writeln!(
        out,
        "\nValue added by its money: **{}** points · by the funder altogether: **{}** points",
        signed(a.added_by_funding),
        signed(a.added_by_funder)
    );
    if !a.changes.is_empty() {
        let ids = |v: &[String]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                escape(&v.join(", "))
            }
        };
        let changed: Vec<String> = a
            .changes
            .iter()
            .map(|c| {
                format!(
                    "`{}`: {} / {} / {}",
                    escape(&c.role),
                    ids(&c.with),
                    ids(&c.unfunded),
                    ids(&c.without)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "\nRoles that change hands (with / without its money / without it): {}",
            changed.join("; ")
        );
    }

    let _ = writeln!(out, "\n## Who else pays\n");
    for line in who_else_pays(a) {
        let _ = writeln!(out, "- {}", escape(&line));
    }

    if !a.risks.is_empty() {
        let _ = writeln!(out, "\n## Risks (Table 1, impact investors)\n");
        for r in &a.risks {
            let _ = writeln!(
                out,
                "- **{}** ({}): {}",
                escape(&r.label),
                level_words(r.level),
                escape(&r.assessment)
            );
            for e in &r.evidence {
                let _ = writeln!(out, "  - {}", escape(e));
            }
        }
    }

    let _ = writeln!(out, "\n## From pilot to scale\n");
    if a.handover.is_empty() {
        let _ = writeln!(out, "{NO_HANDOVER}");
    }
    for h in &a.handover {
        let _ = writeln!(
            out,
            "- `{}` ({}, {}): {}",
            escape(&h.commitment),
            escape(&h.role),
            escape(&h.from),
            escape(&h.words)
        );
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
    for line in how_to_read(a) {
        let _ = writeln!(out, "- {}", escape(&line));
    }
    out
}
