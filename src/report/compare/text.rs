//! `compare` in the terminal: the line-ups side by side, then each variant's changes.

use super::{close_calls, flag_line, rows, signed};
use crate::compare::Comparison;
use crate::report::names_or_nobody;
use crate::report::shared::text::{Align, Column, Table};
use std::fmt::Write;

/// The comparison of line-ups as aligned terminal text (`*` marks the lead).
pub fn render(c: &Comparison) -> String {
    let mut out = format!(
        "{}: {} line-ups compared (* marks the lead)\n\n",
        c.scenario,
        c.columns.len()
    );
    for note in &c.notes {
        let _ = writeln!(out, "note: {note}\n");
    }
    let rows = rows(c);
    // The row labels, then one column per line-up (padded to at most 40 columns).
    let mut lines = vec![
        std::iter::once(String::new())
            .chain(c.columns.iter().map(|col| col.name.clone()))
            .collect::<Vec<_>>(),
    ];
    lines.extend(
        rows.into_iter()
            .map(|(l, values)| std::iter::once(l).chain(values).collect()),
    );
    Table {
        indent: "",
        columns: &[
            Column::LEFT,
            Column {
                align: Align::Left,
                max: 40,
            },
        ],
        trim: false,
    }
    .write(&mut out, &lines);
    for ch in &c.changes {
        let _ = writeln!(
            out,
            "\n{}: objective {}, coverage {} points",
            ch.variant,
            signed(ch.objective_delta),
            crate::report::signed_num(ch.coverage_delta * 100.0, 0)
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
