//! The terminal report of a value account.

use super::{
    HOW_TO_READ, balance_headings, balance_words, method_sentence, money_text, percent, ranked,
    shapley_text, units, with_balance,
};
use crate::report::shared::text::{Paint, fit_width, title};
use crate::report::{Style, num};
use crate::value::ValueReport;
use std::fmt::Write;

pub fn render(r: &ValueReport, style: Style) -> String {
    let paint = Paint { on: style.colour };
    let mut out = String::new();
    let title = title(&r.scenario, r.variant.as_deref());
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!("Who adds what value: {title}"))
    );
    let _ = writeln!(out, "{}", method_sentence(r));
    let _ = writeln!(out, "{}", units(r));
    let _ = writeln!(out, "{}", super::worth_sentence(r, &|v| v));
    for note in &r.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.push('\n');
    let id_width = r
        .partners
        .iter()
        .map(|p| p.id.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 24);
    let sampled = r.partners.iter().any(|p| p.half_width.is_some());
    let shapley_width = if sampled { 16 } else { 8 };
    let _ = writeln!(
        out,
        "  {}",
        paint.bold(&format!(
            "{:id_width$} {:15} {:>5} {:>6} {:>13} {:>shapley_width$} {:>11} {:>12}  {}",
            "partner",
            "sector",
            "roles",
            "effort",
            "leave-one-out",
            "shapley",
            "value share",
            "effort share",
            "balance"
        ))
    );
    for p in ranked(r) {
        let _ = writeln!(
            out,
            "  {:id_width$} {:15} {:>5} {:>6} {:>13} {:>shapley_width$} {:>11} {:>12}  {}",
            fit_width(&p.id, id_width),
            fit_width(&p.sector, 15),
            p.roles.len(),
            num(p.effort, 1),
            num(p.leave_one_out, 2),
            shapley_text(p),
            percent(p.value_share),
            percent(p.effort_share),
            balance_words(p.balance)
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}",
        paint.bold("Roles held in the recommended line-up, and money committed")
    );
    for p in &r.partners {
        let roles = if p.roles.is_empty() {
            "none".to_string()
        } else {
            p.roles.join(", ")
        };
        let money = if p.money.is_some() {
            format!(
                "; commits {} ({} of the money)",
                money_text(r, p),
                percent(p.money_share)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:id_width$} {roles}{money}",
            fit_width(&p.id, id_width)
        );
    }
    for (balance, heading) in balance_headings(r) {
        out.push('\n');
        let _ = writeln!(out, "{}", paint.bold(&heading));
        let list = with_balance(r, balance);
        if list.is_empty() {
            let _ = writeln!(out, "  nobody");
        }
        for p in list {
            let _ = writeln!(
                out,
                "  {} ({}): {} of the effort, {} of the value",
                p.id,
                p.name,
                percent(p.effort_share),
                percent(p.value_share)
            );
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", paint.bold("How to read this"));
    for line in HOW_TO_READ {
        let _ = writeln!(out, "  - {line}");
    }
    out
}
