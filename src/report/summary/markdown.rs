//! The summary as Markdown: factors by effect, each level table, the box and its trajectory.

use super::{
    box_headline, header, level_table, pct, raised_kinds, ranking_measure, restricted_names,
    restriction_text,
};
use crate::report::shared::markdown::{self as md, Align};
use crate::summarize::Summary;
use std::fmt::Write;

/// The sweep summary as Markdown.
pub fn render(s: &Summary) -> String {
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
    md::head(
        &mut out,
        ["rank", "factor", "kind", "effect"],
        [Align::Right, Align::Left, Align::Left, Align::Right],
    );
    for (rank, f) in s.factors.iter().enumerate() {
        md::row(
            &mut out,
            [
                (rank + 1).to_string(),
                esc(&f.name),
                (if f.numeric { "numeric" } else { "categorical" }).to_string(),
                format!("{:.3}", f.effect),
            ],
        );
    }
    for f in &s.factors {
        let _ = writeln!(out, "\n### {}\n", esc(&f.name));
        let (head, rows) = level_table(s, f, &kinds);
        md::head(
            &mut out,
            head.iter().map(|c| esc(c)),
            std::iter::once(Align::Left).chain(head[1..].iter().map(|_| Align::Right)),
        );
        for r in &rows {
            md::row(&mut out, r.iter().map(|c| esc(c)));
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
            out.push('\n');
            md::head(
                &mut out,
                ["step", "mass", "density", "coverage", "restricts"],
                [
                    Align::Right,
                    Align::Right,
                    Align::Right,
                    Align::Right,
                    Align::Left,
                ],
            );
            for (k, st) in d.trajectory.iter().enumerate() {
                let mark = if d.chosen == Some(k) { " (chosen)" } else { "" };
                md::row(
                    &mut out,
                    [
                        format!("{k}{mark}"),
                        pct(st.mass),
                        pct(st.density),
                        pct(st.coverage),
                        esc(&restricted_names(st)),
                    ],
                );
            }
        }
    }
    // Factor names, levels and statuses come from a table rolefit may not have written.
    crate::terminal::text(&out).into_owned()
}
