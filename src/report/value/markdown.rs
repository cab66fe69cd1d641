//! The Markdown report of a value account.

use super::{
    HOW_TO_READ, balance_headings, balance_words, method_sentence, money_text, percent, ranked,
    shapley_text, units, with_balance,
};
use crate::report::num;
use crate::report::shared::markdown::{self as md, Align, escape};
use crate::value::ValueReport;
use std::fmt::Write;

pub fn render(r: &ValueReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Who adds what value: {}", escape(&r.scenario));
    if let Some(v) = &r.variant {
        let _ = writeln!(out, "\n*Variant:* {}", escape(v));
    }
    let _ = writeln!(out, "\n{}", escape(&method_sentence(r)));
    let _ = writeln!(out, "\n{}", escape(&units(r)));
    let _ = writeln!(
        out,
        "\n{}",
        super::worth_sentence(r, &|v| format!("**{v}**"))
    );
    for note in &r.notes {
        let _ = writeln!(out, "\n> {}", escape(note));
    }
    out.push('\n');
    md::head(
        &mut out,
        ["Partner", "Sector", "Roles held"]
            .into_iter()
            .chain(super::FIGURE_COLUMNS),
        [
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Right,
        ],
    );
    for p in ranked(r) {
        let roles = if p.roles.is_empty() {
            "none".to_string()
        } else {
            p.roles
                .iter()
                .map(|x| format!("`{}`", escape(x)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        md::row(
            &mut out,
            [
                format!("**{}** {}", escape(&p.id), escape(&p.name)),
                escape(&p.sector),
                roles,
                num(p.effort, 1),
                num(p.leave_one_out, 2),
                escape(&shapley_text(p)),
                percent(p.value_share),
                percent(p.effort_share),
                balance_words(p.balance).to_string(),
                escape(&money_text(r, p)),
            ],
        );
    }
    for (balance, heading) in balance_headings(r) {
        let _ = writeln!(out, "\n## {heading}\n");
        let list = with_balance(r, balance);
        if list.is_empty() {
            let _ = writeln!(out, "Nobody.");
        }
        for p in list {
            let _ = writeln!(
                out,
                "- **{}** ({}): {} of the effort, {} of the value",
                escape(&p.id),
                escape(&p.name),
                percent(p.effort_share),
                percent(p.value_share)
            );
        }
    }
    let _ = writeln!(out, "\n## How to read this\n");
    for line in HOW_TO_READ {
        let _ = writeln!(out, "- {}", escape(line));
    }
    out
}
