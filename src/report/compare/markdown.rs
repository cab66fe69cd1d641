//! `compare` as Markdown: the line-ups side by side, then a section per variant.

use super::{close_calls, flag_line, rows, signed};
use crate::compare::Comparison;
use crate::report::shared::markdown::{self as md, Align, escape};
use std::fmt::Write;

/// The comparison of line-ups as Markdown tables.
pub fn render(c: &Comparison) -> String {
    let mut out = format!("# {}: line-ups compared\n\n", escape(&c.scenario));
    for note in &c.notes {
        let _ = writeln!(out, "> {}\n", escape(note));
    }
    md::head(
        &mut out,
        std::iter::once(String::new()).chain(c.columns.iter().map(|col| escape(&col.name))),
        std::iter::once(Align::Left).chain(c.columns.iter().map(|_| Align::Left)),
    );
    for (l, values) in rows(c) {
        md::row(
            &mut out,
            std::iter::once(escape(&l)).chain(values.iter().map(|v| escape(v))),
        );
    }
    out.push_str("\n\\* marks the lead.\n");
    for ch in &c.changes {
        let _ = writeln!(
            out,
            "\n## {}\n\nObjective {}, coverage {} points.\n",
            escape(&ch.variant),
            signed(ch.objective_delta),
            crate::report::signed_num(ch.coverage_delta * 100.0, 0)
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
