//! The additionality memo as one self-contained page to print for an investment committee: the
//! verdict, what the money buys, what happens without it (charted), who else pays, the four
//! investor risks, the handover from pilot to scale, and the flags.

use super::{
    COMMITMENT_COLUMNS, NO_HANDOVER, columns, commitment_row, commits_line, how_to_read,
    shortfall_line, signed, verdict_words, who_else_pays,
};
use crate::additionality::{Additionality, Verdict, level_words};
use crate::report::names_or_nobody;
use crate::report::shared::html::{
    BarChart, Html, Panel, flags_list, notes_section, num, page, severity_badge,
};

pub fn render(a: &Additionality) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem(
        "h1",
        &[],
        &format!("Additionality of {} in {}", a.funder.name, a.scenario),
    );
    let mut sub = commits_line(a);
    if let Some(v) = &a.variant {
        sub.push_str(&format!("; variant \u{201c}{v}\u{201d}"));
    }
    h.elem("p", &[("class", "subtitle")], &sub);
    h.close();
    h.open("main", &[]);
    h.open("section", &[("id", "verdict")]);
    h.open("h2", &[]).text("Verdict: ");
    let class = match a.verdict {
        Verdict::Additional => "badge sev-low",
        Verdict::PartlyAdditional => "badge sev-medium",
        Verdict::NotAdditional => "badge sev-high",
    };
    h.elem(
        "span",
        &[("class", class), ("data-verdict", a.verdict.name())],
        &verdict_words(a.verdict).to_lowercase(),
    );
    h.close();
    h.elem("p", &[], &a.summary);
    h.close();
    notes_section(&mut h, &a.notes);

    h.open("section", &[("id", "buys")]);
    h.elem("h2", &[], "What the money buys");
    h.open("table", &[]).open("thead", &[]).open("tr", &[]);
    for (k, title) in COMMITMENT_COLUMNS.iter().enumerate() {
        let class = if matches!(k, 3 | 5 | 6) { "num" } else { "" };
        h.elem("th", &[("scope", "col"), ("class", class)], title);
    }
    h.close().close().open("tbody", &[]);
    for j in &a.commitments {
        let cells = commitment_row(a, j);
        h.open(
            "tr",
            &[
                ("data-commitment", &j.id),
                ("data-verdict", j.verdict.name()),
                ("data-finding", j.finding.name()),
            ],
        );
        h.elem("th", &[("scope", "row")], &cells[0]);
        for (k, c) in cells.iter().enumerate().skip(1) {
            let class = if matches!(k, 3 | 5 | 6) {
                "num"
            } else if k == 7 {
                "small"
            } else {
                ""
            };
            h.elem("td", &[("class", class)], c);
        }
        h.close();
    }
    h.close().close().close();

    h.open("section", &[("id", "without")]);
    h.elem("h2", &[], "Without its money");
    h.open("ul", &[]);
    if a.shortfalls.is_empty() {
        h.elem("li", &[], "No role is short of more money without it.");
    }
    for s in &a.shortfalls {
        h.elem("li", &[("data-role", &s.role)], &shortfall_line(a, s));
    }
    h.close();
    let cols = columns(a);
    let mut value = Panel::new(
        "value (points)",
        cols.iter().map(|c| c.outcome.objective).collect(),
    );
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
        "value (points)",
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
    h.close().close();
    h.elem(
        "p",
        &[("class", "small")],
        &format!(
            "Value added by its money: {} points; by the funder altogether: {} points.",
            signed(a.added_by_funding),
            signed(a.added_by_funder)
        ),
    );
    if !a.changes.is_empty() {
        let changed: Vec<String> = a
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} / {} / {}",
                    c.role,
                    names_or_nobody(&c.with),
                    names_or_nobody(&c.unfunded),
                    names_or_nobody(&c.without)
                )
            })
            .collect();
        h.elem(
            "p",
            &[("class", "small")],
            &format!(
                "Roles that change hands (with / without its money / without it): {}.",
                changed.join("; ")
            ),
        );
    }
    h.close();

    h.open("section", &[("id", "who-else-pays")]);
    h.elem("h2", &[], "Who else pays");
    h.open("ul", &[]);
    for line in who_else_pays(a) {
        h.elem("li", &[], &line);
    }
    h.close().close();

    if !a.risks.is_empty() {
        h.open("section", &[("id", "risks")]);
        h.elem("h2", &[], "Risks (Table 1, impact investors)");
        h.open("ul", &[("class", "risks")]);
        for r in &a.risks {
            h.open("li", &[("data-risk", &r.id)]);
            h.elem("strong", &[], &r.label);
            h.text(" ");
            match r.level {
                Some(s) => severity_badge(&mut h, s),
                None => {
                    h.elem("span", &[("class", "badge sev-info")], level_words(None));
                }
            }
            h.text(": ");
            h.text(&r.assessment);
            if !r.evidence.is_empty() {
                h.open("ul", &[("class", "small")]);
                for e in &r.evidence {
                    h.elem("li", &[], e);
                }
                h.close();
            }
            h.close();
        }
        h.close().close();
    }

    h.open("section", &[("id", "handover")]);
    h.elem("h2", &[], "From pilot to scale");
    h.open("ul", &[]);
    if a.handover.is_empty() {
        h.elem("li", &[], NO_HANDOVER);
    }
    for x in &a.handover {
        h.elem(
            "li",
            &[("data-handover", x.status.name()), ("data-role", &x.role)],
            &format!("{} ({}, {}): {}", x.commitment, x.role, x.from, x.words),
        );
    }
    h.close().close();

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
    for p in how_to_read(a) {
        h.elem("p", &[("class", "small")], &p);
    }
    h.close().close();
    page(
        &format!("Additionality of {} in {}", a.funder.id, a.scenario),
        h,
    )
}
