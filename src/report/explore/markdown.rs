//! The ranked trials as a Markdown table.

use super::{effect, why_not};
use crate::explore::Exploration;
use crate::report::shared::markdown::{self as md, Align, escape};
use std::fmt::Write;

/// The exploration's ranked trials as Markdown.
pub fn render(e: &Exploration) -> String {
    let mut out = format!(
        "# {}: {}\n\nBase line-up: objective {:.2}, {:.0}% covered.\n\n",
        escape(&e.scenario),
        escape(&e.question),
        e.base.objective,
        e.base.coverage * 100.0
    );
    for note in &e.notes {
        let _ = writeln!(out, "> {}\n", escape(note));
    }
    md::head(
        &mut out,
        ["#", "Subject", "Change", "Effect"],
        [Align::Right, Align::Left, Align::Left, Align::Left],
    );
    for (rank, t) in e.trials.iter().enumerate() {
        let (n, effect) = match why_not(t) {
            Some(why) => ("–".to_string(), format!("cannot: {why}")),
            None => ((rank + 1).to_string(), effect(t)),
        };
        md::row(
            &mut out,
            [
                n,
                format!(
                    "{}{}",
                    escape(&t.subject),
                    if t.asked_for { " (asked for)" } else { "" }
                ),
                escape(&t.change),
                escape(&effect),
            ],
        );
    }
    out
}
