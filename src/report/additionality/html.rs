//! The additionality analysis as one self-contained page for an investment committee: the
//! verdict, the three line-ups charted and side by side, each funded role's finding, what moves,
//! and the flags.

use super::{HOW_TO_READ, columns, finding_words, holders, signed};
use crate::funding::Additionality;
use crate::report::html::{BarChart, Html, Panel, flags_list, notes_section, num, page};
use crate::report::names_or_nobody;

pub fn render(a: &Additionality) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem(
        "h1",
        &[],
        &format!("Additionality of {} in {}", a.funder.name, a.scenario),
    );
    let mut sub = format!(
        "{} ({}) funds {}",
        a.funder.id,
        a.funder.sector,
        a.funder.funds.join(", ")
    );
    if let Some(v) = &a.variant {
        sub.push_str(&format!("; variant \u{201c}{v}\u{201d}"));
    }
    h.elem("p", &[("class", "subtitle")], &sub);
    h.close();
    h.open("main", &[]);
    h.open("section", &[("id", "verdict")]);
    h.open("h2", &[]).text("Verdict: ");
    h.elem(
        "span",
        &[("class", "badge")],
        &a.verdict.name().replace('_', " "),
    );
    h.close();
    h.elem("p", &[], &a.summary);
    h.elem(
        "p",
        &[],
        &format!(
            "Value added by its money: {}; by the funder altogether: {}.",
            signed(a.added_by_funding),
            signed(a.added_by_funder)
        ),
    );
    h.close();
    notes_section(&mut h, &a.notes);
    let cols = columns(a);
    let mut value = Panel::new("value", cols.iter().map(|c| c.outcome.objective).collect());
    value.marks = vec![Some(a.with.objective); 3];
    value.mark_label = "with".into();
    let mut coverage = Panel::new(
        "coverage",
        cols.iter().map(|c| c.outcome.coverage).collect(),
    );
    coverage.percent = true;
    coverage.decimals = 0;
    coverage.domain = Some((0.0, 1.0));
    let chart = BarChart {
        label: "Value and coverage of the three line-ups".into(),
        rows: cols.iter().map(|c| c.label.clone()).collect(),
        panels: vec![value, coverage],
    };
    h.open("section", &[("id", "line-ups")]);
    h.elem("h2", &[], "Three line-ups");
    h.open("figure", &[("class", "chart")])
        .append(chart.svg())
        .close();
    h.open("table", &[])
        .open("thead", &[])
        .open("tr", &[])
        .elem("th", &[], "");
    for c in &cols {
        h.elem("th", &[("scope", "col")], &c.label);
    }
    h.close().close().open("tbody", &[]);
    let row = |h: &mut Html, label: &str, cells: Vec<String>| {
        h.open("tr", &[]).elem("th", &[("scope", "row")], label);
        for c in cells {
            h.elem("td", &[], &c);
        }
        h.close();
    };
    row(
        &mut h,
        "status",
        cols.iter()
            .map(|c| c.outcome.status.name().to_string())
            .collect(),
    );
    row(
        &mut h,
        "value",
        cols.iter().map(|c| num(c.outcome.objective, 2)).collect(),
    );
    row(
        &mut h,
        "coverage",
        cols.iter()
            .map(|c| format!("{}%", num(c.outcome.coverage * 100.0, 0)))
            .collect(),
    );
    row(
        &mut h,
        "gaps",
        cols.iter()
            .map(|c| {
                if c.gaps.is_empty() {
                    "none".into()
                } else {
                    c.gaps.join(", ")
                }
            })
            .collect(),
    );
    row(
        &mut h,
        "flags (high/medium/low/info)",
        cols.iter()
            .map(|c| {
                c.flags
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect(),
    );
    h.close().close().close();
    h.open("section", &[("id", "roles")]);
    h.elem("h2", &[], "Each funded role");
    h.open("table", &[]).open("thead", &[]).open("tr", &[]);
    for title in [
        "Role",
        "Finding",
        "With",
        "Without its funding",
        "Without",
        "Why",
    ] {
        h.elem("th", &[("scope", "col")], title);
    }
    h.close().close().open("tbody", &[]);
    for r in &a.roles {
        h.open(
            "tr",
            &[
                ("data-role", &r.role),
                ("data-finding", finding_words(r.finding)),
            ],
        );
        let importance = r
            .importance
            .map_or("not needed".to_string(), |i| format!("importance {i}"));
        h.elem(
            "th",
            &[("scope", "row")],
            &format!("{} ({importance})", r.role_name),
        );
        h.elem("td", &[], finding_words(r.finding));
        h.elem("td", &[], &holders(&r.with));
        h.elem("td", &[], &holders(&r.unfunded));
        h.elem("td", &[], &holders(&r.without));
        h.elem("td", &[], &r.explanation);
        h.close();
    }
    h.close().close().close();
    if !a.changes.is_empty() {
        h.open("section", &[("id", "changes")]);
        h.elem("h2", &[], "Roles that change hands");
        h.open("ul", &[]);
        for c in &a.changes {
            h.elem(
                "li",
                &[],
                &format!(
                    "{}: {} / without its funding {} / without {}",
                    c.role,
                    names_or_nobody(&c.with),
                    names_or_nobody(&c.unfunded),
                    names_or_nobody(&c.without)
                ),
            );
        }
        h.close().close();
    }
    h.open("section", &[("id", "flags")]);
    h.elem("h2", &[], "Flags");
    if a.flags.is_empty() {
        h.elem("p", &[], "None.");
    } else {
        flags_list(&mut h, &a.flags);
    }
    h.close();
    h.open("section", &[("id", "how-to-read")])
        .elem("h2", &[], "How to read this");
    for p in HOW_TO_READ {
        h.elem("p", &[("class", "small")], p);
    }
    h.close().close();
    page(
        &format!("Additionality of {} in {}", a.funder.id, a.scenario),
        h,
    )
}
