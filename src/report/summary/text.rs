//! The summary in the terminal: factors by effect with their level tables, then the box.

use super::{
    box_headline, header, level_table, pct, raised_kinds, ranking_measure, restricted_names,
    restriction_text,
};
use crate::report::shared::text::{Column, Table};
use crate::summarize::{Discovery, Summary};
use std::fmt::Write;

/// The sweep summary as terminal text: factors by effect, then the discovered box.
pub fn render(s: &Summary) -> String {
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

fn discovery_text(out: &mut String, d: &Discovery) {
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

/// A factor's level table or the trajectory: the first column left-aligned, the figures right.
fn table(head: &[String], rows: &[Vec<String>], indent: &str) -> String {
    let mut lines = vec![head.to_vec()];
    lines.extend(rows.iter().cloned());
    let mut out = String::new();
    Table {
        indent,
        columns: &[Column::LEFT, Column::RIGHT],
        trim: true,
    }
    .write(&mut out, &lines);
    out
}
