//! `compare --format html`: value and coverage per line-up as a chart, the holders of every role
//! side by side, and what each variant changes against the base.

use crate::compare::Comparison;
use crate::report::names_or_nobody;
use crate::report::shared::html::{BarChart, Html, Panel, flags_list, num, page};
use crate::robust::words;

/// The comparison of line-ups as a printable HTML page.
pub fn render(c: &Comparison) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem("h1", &[], &c.scenario);
    h.elem(
        "p",
        &[("class", "subtitle")],
        &format!("{} line-ups compared", c.columns.len()),
    );
    h.close();
    h.open("main", &[]);
    crate::report::shared::html::notes_section(&mut h, &c.notes);
    let names: Vec<String> = c.columns.iter().map(|x| x.name.clone()).collect();
    let base = c.columns[0].outcome.objective;
    let mut value = Panel::new(
        "objective",
        c.columns.iter().map(|x| x.outcome.objective).collect(),
    );
    value.marks = vec![Some(base); c.columns.len()];
    value.mark_label = "base".into();
    let mut coverage = Panel::new(
        "coverage",
        c.columns.iter().map(|x| x.outcome.coverage).collect(),
    );
    coverage.percent = true;
    coverage.decimals = 0;
    coverage.domain = Some((0.0, 1.0));
    let chart = BarChart {
        label: "Value and coverage per line-up".into(),
        rows: names.clone(),
        panels: vec![value, coverage],
    };
    h.open("section", &[("id", "chart")]);
    h.elem("h2", &[], "Value and coverage");
    h.open("figure", &[("class", "chart")]);
    h.append(chart.svg());
    h.close();
    h.close();
    h.open("section", &[("id", "line-ups")]);
    h.elem("h2", &[], "Who holds each role (\u{2605} lead)");
    h.open("div", &[("class", "scroll")]);
    h.open("table", &[("class", "compare")]);
    h.open("thead", &[]).open("tr", &[]).elem("th", &[], "");
    for n in &names {
        h.elem("th", &[("scope", "col")], n);
    }
    h.close().close();
    h.open("tbody", &[]);
    let row = |h: &mut Html, label: &str, values: Vec<String>| {
        h.open("tr", &[]).elem("th", &[("scope", "row")], label);
        for v in values {
            h.elem("td", &[], &v);
        }
        h.close();
    };
    row(
        &mut h,
        "status",
        c.columns
            .iter()
            .map(|x| x.outcome.status.name().to_string())
            .collect(),
    );
    row(
        &mut h,
        "objective",
        c.columns
            .iter()
            .map(|x| num(x.outcome.objective, 2))
            .collect(),
    );
    row(
        &mut h,
        "coverage",
        c.columns
            .iter()
            .map(|x| format!("{}%", num(x.outcome.coverage * 100.0, 0)))
            .collect(),
    );
    row(
        &mut h,
        "flags (high/medium/low/info)",
        c.columns
            .iter()
            .map(|x| {
                x.flag_counts
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect(),
    );
    if c.columns.iter().any(|x| x.outcome.robustness.is_some()) {
        row(
            &mut h,
            "close calls",
            c.columns
                .iter()
                .map(|x| {
                    x.outcome
                        .robustness
                        .as_ref()
                        .map_or("\u{2014}".to_string(), |r| r.close_calls.len().to_string())
                })
                .collect(),
        );
    }
    for (r, role) in c.roles.iter().enumerate() {
        let cells = c
            .columns
            .iter()
            .map(|x| {
                let h = &x.holders[r];
                if h.is_empty() {
                    "\u{2014}".to_string()
                } else {
                    h.iter()
                        .map(|p| {
                            if p.lead {
                                format!("\u{2605} {}", p.partner)
                            } else {
                                p.partner.clone()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            })
            .collect();
        row(
            &mut h,
            &format!("{} ({})", role.name, role.importance),
            cells,
        );
    }
    h.close().close().close().close();
    for ch in &c.changes {
        h.open("section", &[("class", "changes")]);
        h.elem("h2", &[], &ch.variant);
        h.elem(
            "p",
            &[],
            &format!(
                "Objective {}, coverage {} points against the base.",
                crate::report::signed_num(ch.objective_delta, 2),
                crate::report::signed_num(ch.coverage_delta * 100.0, 0)
            ),
        );
        if !ch.moved.is_empty() {
            h.elem("h3", &[], "Roles that moved");
            h.open("ul", &[]);
            for m in &ch.moved {
                h.elem(
                    "li",
                    &[],
                    &format!(
                        "{}: {} \u{2192} {}",
                        m.role,
                        names_or_nobody(&m.from),
                        names_or_nobody(&m.to)
                    ),
                );
            }
            h.close();
        }
        if !ch.raised.is_empty() {
            h.elem("h3", &[], "Flags raised");
            flags_list(&mut h, &ch.raised);
        }
        if !ch.cleared.is_empty() {
            h.elem("h3", &[], "Flags cleared");
            flags_list(&mut h, &ch.cleared);
        }
        h.close();
    }
    close_calls(&mut h, c);
    h.close();
    page(&format!("{}: line-ups compared", c.scenario), h)
}

/// The close calls of each assessed line-up.
fn close_calls(h: &mut Html, c: &Comparison) {
    if c.columns.iter().all(|x| x.outcome.robustness.is_none()) {
        return;
    }
    h.open("section", &[("id", "close-calls")]);
    h.elem("h2", &[], "Close calls");
    for col in &c.columns {
        let Some(r) = &col.outcome.robustness else {
            continue;
        };
        h.elem("h3", &[], &col.name);
        if r.close_calls.is_empty() {
            h.elem("p", &[("class", "muted")], "None.");
            continue;
        }
        h.open("ul", &[("class", "close-calls")]);
        for call in &r.close_calls {
            h.elem(
                "li",
                &[("data-role", &call.role)],
                &words::close_call_words(call, r),
            );
        }
        h.close();
    }
    h.close();
}
