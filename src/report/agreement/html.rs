//! The annex as one printable HTML page (no script; A4 in print), from `report::html`'s blocks.

use crate::agreement::{Agreement, Raci};
use crate::report::shared::html::{Html, num, page, rule_cell, severity_badge};
use crate::solve::Status;

/// What the draft stands on, in one sentence (both formats open with it).
pub(super) fn standing(a: &Agreement) -> String {
    let from = match &a.variant {
        Some(v) => format!("the line-up of variant \u{201c}{v}\u{201d}"),
        None => "the recommended line-up".to_string(),
    };
    format!(
        "Drafted by rolefit from {from}, keeping each partner within its institutional logic (Table 1 of the DCCC discussion paper); for the parties to negotiate, amend and sign."
    )
}

/// The roles-and-responsibilities annex as a printable HTML page.
pub fn render(a: &Agreement) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem(
        "h1",
        &[],
        &format!("Roles and responsibilities: {}", a.scenario),
    );
    h.elem(
        "p",
        &[("class", "subtitle")],
        "Annex to the memorandum of understanding",
    );
    h.elem("p", &[("class", "muted small")], &standing(a));
    h.close();
    h.open("main", &[("class", "agreement")]);
    if a.status == Status::Infeasible {
        h.open("div", &[("class", "conflict")]);
        h.elem(
            "p",
            &[],
            "No line-up satisfies every demand, so no annex can be drawn. Settle these first (relaxing any one of them gives a line-up):",
        );
        h.open("ul", &[]);
        for c in &a.conflict {
            h.open("li", &[]).prose(&c.message).close();
        }
        h.close();
        h.close();
        h.close();
        return page(&format!("{}: agreement", a.scenario), h);
    }
    for n in &a.notes {
        h.open("p", &[("class", "notes")]).prose(n).close();
    }
    scope(&mut h, a);
    raci(&mut h, a);
    commitments(&mut h, a);
    success(&mut h, a);
    risks(&mut h, a);
    review(&mut h, a);
    h.open("section", &[("id", "signatures")]);
    h.elem("h2", &[], "Signatures");
    h.open("table", &[("class", "signatures")]);
    h.open("tbody", &[]);
    for p in &a.parties {
        h.open("tr", &[]);
        h.elem("td", &[], &format!("For {}", p.name));
        h.elem("td", &[("class", "line")], "");
        h.elem("td", &[("class", "line date")], "");
        h.close();
    }
    h.close().close();
    h.close();
    h.close();
    page(&format!("{}: agreement", a.scenario), h)
}

fn scope(h: &mut Html, a: &Agreement) {
    h.open("section", &[("id", "scope")]);
    h.elem("h2", &[], "1. Scope");
    if !a.description.is_empty() {
        h.elem("p", &[], &a.description);
    }
    if !a.context.is_empty() {
        let ctx: Vec<String> = a.context.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        h.elem(
            "p",
            &[("class", "muted")],
            &format!("Context: {}.", ctx.join("; ")),
        );
    }
    h.elem("h3", &[], "The parties");
    h.open("ul", &[("class", "parties")]);
    for p in &a.parties {
        h.open("li", &[("data-partner", &p.id)]);
        h.elem("strong", &[], &p.name);
        h.text(" (");
        h.elem("code", &[], &p.id);
        h.text(&format!(", {})", p.sector));
        h.close();
    }
    h.close();
    h.elem("h3", &[], "The roles the partnership takes on");
    h.open("ul", &[]);
    for r in &a.roles {
        h.open("li", &[("data-role", &r.id)]);
        h.elem("strong", &[], &r.name);
        h.text(&format!(
            " (importance {}): {}",
            r.importance, r.description
        ));
        h.close();
    }
    h.close();
    if !a.gaps.is_empty() {
        h.elem(
            "h3",
            &[],
            "Outside this annex until a partner takes them on",
        );
        h.open("ul", &[("class", "gaps")]);
        for g in &a.gaps {
            h.open("li", &[("data-role", &g.role)]);
            h.elem("strong", &[], &g.name);
            h.text(": ");
            h.prose(&g.suggestion);
            h.close();
        }
        h.close();
    }
    h.close();
}

fn raci(h: &mut Html, a: &Agreement) {
    h.open("section", &[("id", "raci")]);
    h.elem("h2", &[], "2. Roles and responsibilities (RACI)");
    h.open("div", &[("class", "wide")]);
    h.open("table", &[("class", "raci")]);
    h.open("thead", &[]).open("tr", &[]);
    h.elem("th", &[], "Role");
    for p in &a.parties {
        h.open("th", &[("class", "party"), ("title", &p.name)]);
        h.elem("code", &[], &p.id);
        h.close();
    }
    h.close().close();
    h.open("tbody", &[]);
    for r in &a.roles {
        h.open("tr", &[("data-role", &r.id)]);
        h.elem("th", &[], &r.name);
        for (x, p) in r.raci.iter().zip(&a.parties) {
            let class = match x {
                Raci::Accountable => "raci a",
                Raci::Responsible => "raci r",
                Raci::Consulted => "raci c",
                Raci::Informed => "raci i",
            };
            h.elem(
                "td",
                &[
                    ("class", class),
                    ("data-partner", &p.id),
                    ("data-raci", x.letter()),
                ],
                x.letter(),
            );
        }
        h.close();
    }
    h.close().close();
    h.close();
    h.open("ul", &[("class", "legend")]);
    for (x, meaning) in Raci::LEGEND {
        h.open("li", &[]);
        h.elem("strong", &[], x.letter());
        h.text(&format!(": {meaning}"));
        h.close();
    }
    h.close();
    h.close();
}

fn commitments(h: &mut Html, a: &Agreement) {
    h.open("section", &[("id", "commitments")]);
    h.elem("h2", &[], "3. Commitments");
    h.table_head(
        &[],
        &[],
        [
            "Partner",
            "Roles",
            "Roles taken (effort)",
            "Money committed to",
        ],
    );
    for c in &a.commitments {
        h.open("tr", &[("data-partner", &c.partner)]);
        h.open("td", &[]);
        h.elem("strong", &[], &c.name);
        h.elem(
            "span",
            &[("class", "muted small")],
            &format!(" {}", c.sector),
        );
        h.close();
        let roles: Vec<String> = c
            .roles
            .iter()
            .map(|(r, lead)| format!("{r} ({})", if *lead { "lead" } else { "support" }))
            .collect();
        h.elem(
            "td",
            &[],
            &if roles.is_empty() {
                "none yet".to_string()
            } else {
                roles.join(", ")
            },
        );
        h.elem(
            "td",
            &[("class", "num")],
            &format!("{} of {} ({})", c.roles.len(), c.capacity, num(c.effort, 1)),
        );
        h.elem(
            "td",
            &[],
            &if c.funds.is_empty() {
                "\u{2014}".to_string()
            } else {
                c.funds.join(", ")
            },
        );
        h.close();
    }
    h.close().close();
    h.close();
}

fn success(h: &mut Html, a: &Agreement) {
    h.open("section", &[("id", "success")]);
    h.elem("h2", &[], "4. Success measures");
    for r in a.roles.iter().filter(|r| !r.success.is_empty()) {
        h.open("div", &[("class", "role"), ("data-role", &r.id)]);
        h.elem("h3", &[], &r.name);
        h.open("ul", &[]);
        for s in &r.success {
            h.elem("li", &[], s);
        }
        h.close();
        h.close();
    }
    h.close();
}

fn risks(h: &mut Html, a: &Agreement) {
    h.open("section", &[("id", "risks")]);
    h.elem("h2", &[], "5. Risks to watch");
    if a.risks.is_empty() {
        h.elem(
            "p",
            &[("class", "muted")],
            "No risk is flagged for this line-up.",
        );
    } else {
        h.table_head(
            &[("class", "risks")],
            &[],
            ["Risk", "What", "Review question", "Rule and source"],
        );
        for risk in &a.risks {
            let f = &risk.flag;
            h.open("tr", &[("data-kind", &f.kind)]);
            h.open("td", &[]);
            severity_badge(h, f.severity);
            h.text(" ");
            h.text(&f.kind);
            h.close();
            h.open("td", &[]).prose(&f.message).close();
            h.open("td", &[("class", "question")])
                .prose(&risk.question)
                .close();
            rule_cell(h, &f.rule, &f.source);
            h.close();
        }
        h.close().close();
    }
    h.close();
}

fn review(h: &mut Html, a: &Agreement) {
    h.open("section", &[("id", "review")]);
    h.elem("h2", &[], "6. Review and renewal");
    h.elem(
        "p",
        &[],
        &format!(
            "The partners review this annex every {} months, and sooner when:",
            a.review.months
        ),
    );
    h.open("ul", &[]);
    for t in &a.review.triggers {
        h.elem("li", &[], t);
    }
    h.close();
    h.elem("p", &[], &a.review.renewal);
    h.close();
}
