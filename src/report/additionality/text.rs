//! The terminal report of an additionality analysis.

use super::{HOW_TO_READ, columns, finding_words, holders, signed};
use crate::funding::{Additionality, Verdict};
use crate::kb::Severity;
use crate::report::text::{Paint, fit_width, title};
use crate::report::{Style, num};
use std::fmt::Write;

const LABEL: usize = 24;
/// Widest a column of the side-by-side tables gets (a longer funder id is cut).
const MAX_COLUMN: usize = 40;

/// A table of a label and three line-up columns; styling is applied after padding so that
/// escape codes never upset the alignment.
struct Table<'p> {
    width: usize,
    paint: &'p Paint,
}

impl Table<'_> {
    fn row(&self, out: &mut String, label: &str, cells: [String; 3], bold: bool) {
        let mut line = format!("  {:LABEL$}", fit_width(label, LABEL));
        for c in cells {
            let padded = format!("{:w$}", fit_width(&c, self.width), w = self.width);
            line.push(' ');
            line.push_str(&if bold {
                self.paint.bold(&padded)
            } else {
                padded
            });
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

pub fn render(a: &Additionality, style: Style) -> String {
    let paint = Paint { on: style.colour };
    let mut out = String::new();
    let title = title(&a.scenario, a.variant.as_deref());
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!("Additionality of {}: {title}", a.funder.id))
    );
    let _ = writeln!(out, "funder: {} ({})", a.funder.name, a.funder.sector);
    let _ = writeln!(out, "funds:  {}", a.funder.funds.join(", "));
    out.push('\n');
    let verdict = a.verdict.name().to_uppercase().replace('_', " ");
    let painted = match a.verdict {
        Verdict::Additional => paint.bold(&verdict),
        Verdict::PartlyAdditional => paint.severity(Severity::Medium, &verdict),
        Verdict::NotAdditional => paint.severity(Severity::High, &verdict),
    };
    let _ = writeln!(out, "{} {painted}", paint.bold("Verdict:"));
    let _ = writeln!(out, "  {}", a.summary);
    let _ = writeln!(
        out,
        "  value added by its money {}; by the funder altogether (money, roles, presence) {}",
        signed(a.added_by_funding),
        signed(a.added_by_funder)
    );
    for note in &a.notes {
        let _ = writeln!(out, "note: {note}");
    }

    out.push('\n');
    let _ = writeln!(out, "{}", paint.bold("Three line-ups"));
    let cols = columns(a);
    let table = Table {
        width: cols
            .iter()
            .map(|c| c.label.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(12, MAX_COLUMN),
        paint: &paint,
    };
    table.row(&mut out, "", cols.each_ref().map(|c| c.label.clone()), true);
    table.row(
        &mut out,
        "status",
        cols.each_ref().map(|c| c.outcome.status.name().to_string()),
        false,
    );
    table.row(
        &mut out,
        "value",
        cols.each_ref().map(|c| num(c.outcome.objective, 2)),
        false,
    );
    table.row(
        &mut out,
        "coverage",
        cols.each_ref()
            .map(|c| format!("{:.0}%", c.outcome.coverage * 100.0)),
        false,
    );
    table.row(
        &mut out,
        "gaps",
        cols.each_ref().map(|c| {
            if c.gaps.is_empty() {
                "none".to_string()
            } else {
                c.gaps.join(", ")
            }
        }),
        false,
    );
    table.row(
        &mut out,
        "flags high/med/low/info",
        cols.each_ref().map(|c| {
            format!(
                "{}/{}/{}/{}",
                c.flags[0], c.flags[1], c.flags[2], c.flags[3]
            )
        }),
        false,
    );

    out.push('\n');
    let _ = writeln!(out, "{}", paint.bold("Roles it funds"));
    for r in &a.roles {
        let importance = r
            .importance
            .map_or("not needed".to_string(), |i| format!("importance {i}"));
        let _ = writeln!(
            out,
            "  {} ({}, {importance}): {}",
            paint.bold(&r.role_name),
            r.role,
            paint.bold(&finding_words(r.finding).to_uppercase())
        );
        let _ = writeln!(out, "    {}", r.explanation);
        if r.importance.is_some() {
            let _ = writeln!(out, "    with:                {}", holders(&r.with));
            let _ = writeln!(out, "    without its funding: {}", holders(&r.unfunded));
            let _ = writeln!(out, "    without it:          {}", holders(&r.without));
            let _ = writeln!(
                out,
                "    the role adds {} with the money, {} without it (loss {})",
                num(r.value_with, 2),
                num(r.value_unfunded, 2),
                num(r.loss(), 2)
            );
        }
        if !r.co_funders.is_empty() {
            let _ = writeln!(out, "    also funded by: {}", r.co_funders.join(", "));
        }
        if let Some(rule) = &r.restricted_by {
            let _ = writeln!(out, "    restricted by rule {rule}");
        }
    }

    if !a.changes.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", paint.bold("What changes (holders of each role)"));
        let ids = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join(", ")
            }
        };
        table.row(&mut out, "", cols.each_ref().map(|c| c.label.clone()), true);
        for c in &a.changes {
            table.row(
                &mut out,
                &c.role,
                [ids(&c.with), ids(&c.unfunded), ids(&c.without)],
                false,
            );
        }
    }

    out.push('\n');
    let _ = writeln!(out, "{} ({})", paint.bold("Flags"), a.flags.len());
    crate::report::text::flags(&mut out, &a.flags, &paint);
    out.push('\n');
    let _ = writeln!(out, "{}", paint.bold("How to read this"));
    for line in HOW_TO_READ {
        let _ = writeln!(out, "  - {line}");
    }
    out
}
