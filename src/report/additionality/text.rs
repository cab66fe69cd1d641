//! The terminal memo of an additionality analysis.

use super::{
    NO_HANDOVER, columns, commitment_row, commits_line, how_to_read, shortfall_line, signed,
    verdict_words, who_else_pays,
};
use crate::additionality::{Additionality, Verdict, level_words};
use crate::kb::Severity;
use crate::report::shared::text::{Paint, fit_width, title};
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
    let head = |out: &mut String, s: &str| {
        out.push('\n');
        let _ = writeln!(out, "{}", paint.bold(s));
    };
    let title = title(&a.scenario, a.variant.as_deref());
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!("Additionality of {}: {title}", a.funder.id))
    );
    let _ = writeln!(out, "funder: {} ({})", a.funder.name, a.funder.sector);
    let _ = writeln!(out, "{}", commits_line(a));
    out.push('\n');
    let verdict = verdict_words(a.verdict);
    let painted = match a.verdict {
        Verdict::Additional => paint.bold(&verdict),
        Verdict::PartlyAdditional => paint.severity(Severity::Medium, &verdict),
        Verdict::NotAdditional => paint.severity(Severity::High, &verdict),
    };
    let _ = writeln!(out, "{} {painted}", paint.bold("Verdict:"));
    let _ = writeln!(out, "  {}", a.summary);
    for note in &a.notes {
        let _ = writeln!(out, "note: {note}");
    }

    head(&mut out, "What the money buys");
    for j in &a.commitments {
        let cells = commitment_row(a, j);
        // "-" marks an overlap that does not apply (money that is not used overlaps nothing).
        let overlaps = if cells[6] == "-" {
            String::new()
        } else {
            format!(", overlaps {}", cells[6])
        };
        let _ = writeln!(
            out,
            "  {} -> {}, {} phase, {}: {} ({} additional{overlaps})",
            paint.bold(&cells[0]),
            cells[1],
            cells[2],
            cells[3],
            paint.bold(&cells[4].to_uppercase()),
            cells[5],
        );
        let _ = writeln!(out, "      {}", cells[7]);
    }

    head(&mut out, "Without its money");
    if a.shortfalls.is_empty() {
        let _ = writeln!(out, "  no role is short of more money without it");
    }
    for s in &a.shortfalls {
        let _ = writeln!(out, "  - {}", shortfall_line(a, s));
    }
    let _ = writeln!(
        out,
        "  value (points) added by its money {}; by the funder altogether (money, roles, presence) {}",
        signed(a.added_by_funding),
        signed(a.added_by_funder)
    );
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
        "value (points)",
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
    if !a.changes.is_empty() {
        let ids = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join(", ")
            }
        };
        let _ = writeln!(out, "  roles that change hands:");
        for c in &a.changes {
            table.row(
                &mut out,
                &c.role,
                [ids(&c.with), ids(&c.unfunded), ids(&c.without)],
                false,
            );
        }
    }

    head(&mut out, "Who else pays");
    for line in who_else_pays(a) {
        let _ = writeln!(out, "  - {line}");
    }

    if !a.risks.is_empty() {
        head(&mut out, "Risks (Table 1, impact investors)");
        for r in &a.risks {
            let level = level_words(r.level);
            let painted = match r.level {
                Some(s) => paint.severity(s, level),
                None => level.to_string(),
            };
            let _ = writeln!(
                out,
                "  {} [{painted}]: {}",
                paint.bold(&r.label),
                r.assessment
            );
            for e in &r.evidence {
                let _ = writeln!(out, "      - {e}");
            }
        }
    }

    head(&mut out, "From pilot to scale");
    if a.handover.is_empty() {
        // The text report's lines start lower case and end without a full stop.
        let mut words = NO_HANDOVER.trim_end_matches('.').to_string();
        words[..1].make_ascii_lowercase();
        let _ = writeln!(out, "  {words}");
    }
    for h in &a.handover {
        let _ = writeln!(
            out,
            "  - {} ({}, {}): {}",
            h.commitment, h.role, h.from, h.words
        );
    }

    head(&mut out, &format!("Flags ({})", a.flags.len()));
    crate::report::shared::text::flags(&mut out, &a.flags, &paint);
    head(&mut out, "How to read this");
    for line in how_to_read(a) {
        let _ = writeln!(out, "  - {line}");
    }
    out
}
