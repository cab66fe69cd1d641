//! The ranked trials in the terminal.

use super::{asked, effect, why_not};
use crate::explore::Exploration;
use std::fmt::Write;

/// The exploration's ranked trials as terminal text, against the base line-up.
pub fn render(e: &Exploration) -> String {
    let mut out = format!(
        "{}: {}\nbase line-up: objective {:.2}, {:.0}% covered\n\n",
        e.scenario,
        e.question,
        e.base.objective,
        e.base.coverage * 100.0
    );
    for note in &e.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if !e.notes.is_empty() {
        out.push('\n');
    }
    for (rank, t) in e.trials.iter().enumerate() {
        match why_not(t) {
            Some(why) => {
                let _ = writeln!(out, " -  {}{}: cannot ({why})", t.subject, asked(t));
            }
            None => {
                let _ = writeln!(
                    out,
                    "{:>2}. {} ({}){}",
                    rank + 1,
                    t.subject,
                    t.change,
                    asked(t)
                );
                let _ = writeln!(out, "    {}", effect(t));
            }
        }
    }
    out
}
