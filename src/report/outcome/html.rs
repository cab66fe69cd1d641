//! The HTML report of one line-up (`solve --format html`): headline figures, the matrix chart,
//! each partner's load, who does what and why, gaps, weakly covered roles, flags, risks avoided;
//! for an infeasible scenario the conflicting demands first.

use crate::explain::Outcome;
use crate::kb::Severity;
use crate::report::shared::html::{
    BarChart, Html, Panel, avoided_section, conflict_section, flags_table, gaps_section,
    matrix_key, matrix_legend, matrix_svg, money_section, notes_section, num, page, partner_label,
    relaxations_section,
};
use crate::robust::words;
use crate::solve::Status;

/// The report as one self-contained HTML page.
pub fn render(o: &Outcome) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem("h1", &[], &o.scenario);
    let what = if o.status == Status::Infeasible {
        "No line-up: the demands conflict"
    } else {
        "Recommended line-up"
    };
    let subtitle = match &o.variant {
        Some(v) => format!("{what}, variant \u{201c}{v}\u{201d}"),
        None => what.to_string(),
    };
    h.elem("p", &[("class", "subtitle")], &subtitle);
    summary(&mut h, o);
    h.close();
    h.open("main", &[]);
    notes_section(&mut h, &o.notes);
    conflict(&mut h, o);
    h.open("section", &[("id", "matrix")]);
    h.elem(
        "h2",
        &[],
        if o.status == Status::Infeasible {
            "Partners and roles (no line-up: fits and blocks only)"
        } else {
            "Partners and roles"
        },
    );
    h.open("figure", &[("class", "chart wide")]);
    h.append(matrix_svg(o));
    h.open("figcaption", &[]);
    matrix_legend(&mut h);
    matrix_key(&mut h, o);
    h.close();
    h.close();
    h.close();
    if o.status != Status::Infeasible {
        load_section(&mut h, o);
    }
    findings(&mut h, o, Shown::Report);
    h.close();
    let title = match &o.variant {
        Some(v) => format!("{} ({v}): line-up", o.scenario),
        None => format!("{}: line-up", o.scenario),
    };
    page(&title, h)
}

/// The conflicting demands of an infeasible line-up and the ways out (nothing otherwise).
pub(crate) fn conflict(h: &mut Html, o: &Outcome) {
    if o.status == Status::Infeasible {
        h.open("section", &[("id", "conflict")]);
        h.elem("h2", &[], "Conflicting demands");
        conflict_section(h, &o.conflict);
        relaxations_section(h, &o.relaxations);
        h.close();
    }
}

/// Where the sections below the matrix are shown: the report, or the workshop wall (which
/// leaves out the money account and the note on risks avoided).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    Report,
    Wall,
}

/// The sections below the matrix, the same on the report and the workshop wall: who does what
/// and why, close calls, gaps, the money account, assumptions, weakly covered roles (for a
/// line-up), then flags and risks avoided.
pub(crate) fn findings(h: &mut Html, o: &Outcome, shown: Shown) {
    if o.status != Status::Infeasible {
        assignments_section(h, o);
        close_calls_section(h, o);
        if !o.uncovered.is_empty() {
            h.open("section", &[("id", "gaps")]);
            h.elem("h2", &[], "Gaps: roles nobody covers");
            gaps_section(h, &o.uncovered, false);
            h.close();
        }
        if let (Some(m), Shown::Report) = (&o.money, shown) {
            money_section(h, m);
        }
        assumptions_section(h, o);
        if !o.weak.is_empty() {
            h.open("section", &[("id", "weak")]);
            h.elem(
                "h2",
                &[],
                "Weakly covered: the lead does not match the role",
            );
            gaps_section(h, &o.weak, true);
            h.close();
        }
    }
    h.open("section", &[("id", "flags")]);
    h.elem("h2", &[], "Flags");
    flags_table(h, &o.flags, &|id| partner_label(&o.partners, id));
    h.close();
    if !o.avoided.is_empty() {
        h.open("section", &[("id", "avoided")]);
        h.elem("h2", &[], "Risks avoided");
        if shown == Shown::Report {
            h.elem(
                "p",
                &[("class", "muted small")],
                "Partners that fit a role at least as well as its holder, kept out by a rule that guards against a risk of their sector.",
            );
        }
        avoided_section(h, &o.avoided, &|id| partner_label(&o.partners, id));
        h.close();
    }
}

pub(crate) fn summary(h: &mut Html, o: &Outcome) {
    h.open("dl", &[("class", "summary")]);
    h.open("div", &[]);
    h.elem("dt", &[], "Status");
    h.open("dd", &[]);
    let class = match o.status {
        Status::Optimal => "badge status-optimal",
        Status::Feasible => "badge status-feasible",
        Status::Infeasible => "badge status-infeasible",
    };
    h.elem("span", &[("class", class)], o.status.name());
    h.close();
    h.close();
    if o.status != Status::Infeasible {
        let b = &o.breakdown;
        item(
            h,
            "Objective",
            &num(o.objective, 2),
            &format!(
                "value {} + bonuses {} - penalties {}",
                num(b.value, 2),
                num(b.bonuses, 2),
                num(b.penalties, 2)
            ),
        );
        item(
            h,
            "Coverage",
            &format!("{}%", num(o.coverage * 100.0, 0)),
            "of the needed importance",
        );
        item(
            h,
            "Gaps",
            &o.uncovered.len().to_string(),
            "roles nobody covers",
        );
    }
    let count = |s: Severity| o.flags.iter().filter(|f| f.severity == s).count();
    item(
        h,
        "Flags",
        &o.flags.len().to_string(),
        &format!(
            "{} high, {} medium, {} low, {} info",
            count(Severity::High),
            count(Severity::Medium),
            count(Severity::Low),
            count(Severity::Info)
        ),
    );
    item(
        h,
        "Line-up",
        &format!("{} \u{00d7} {}", o.partners.len(), o.roles.len()),
        "partners \u{00d7} roles",
    );
    if let Some(r) = &o.robustness {
        item(
            h,
            "Close calls",
            &r.close_calls.len().to_string(),
            &words::summary(r),
        );
    }
    h.close();
}

/// The roles given on assumed strengths that decide them, if any: what to ask each partner.
pub(crate) fn assumptions_section(h: &mut Html, o: &Outcome) {
    if o.assumptions.is_empty() {
        return;
    }
    h.open("section", &[("id", "assumptions")]);
    h.elem("h2", &[], "Assumptions that decide a role: ask the partner");
    h.open("ul", &[]);
    for a in &o.assumptions {
        h.elem("li", &[("data-role", &a.role)], &a.message);
    }
    h.close();
    h.close();
}

/// The close calls, closest first, with what flips each; or why there are none.
pub(crate) fn close_calls_section(h: &mut Html, o: &Outcome) {
    let Some(r) = &o.robustness else { return };
    h.open("section", &[("id", "close-calls")]);
    h.elem("h2", &[], "Close calls");
    h.elem("p", &[("class", "muted small")], &words::summary(r));
    if r.close_calls.is_empty() {
        h.elem(
            "p",
            &[("class", "muted")],
            "No close calls: every role is kept in most perturbed samples, and none is a tie.",
        );
    } else {
        h.open("ul", &[("class", "close-calls")]);
        for c in &r.close_calls {
            h.open(
                "li",
                &[("data-role", &c.role), ("data-partner", &c.partner)],
            );
            h.text(&words::close_call_words(c, r));
            h.close();
        }
        h.close();
    }
    h.close();
}

fn item(h: &mut Html, term: &str, value: &str, tip: &str) {
    h.open("div", &[("title", tip)]);
    h.elem("dt", &[], term);
    h.elem("dd", &[], value);
    h.close();
}

/// Each partner's load against its capacity, and its share of the needed importance.
fn load_section(h: &mut Html, o: &Outcome) {
    let total: f64 = o.roles.iter().map(|r| r.importance as f64).sum();
    let share = |roles: &[String]| -> f64 {
        if total == 0.0 {
            return 0.0;
        }
        let held: f64 = o
            .roles
            .iter()
            .filter(|r| roles.contains(&r.id))
            .map(|r| r.importance as f64)
            .sum();
        held / total
    };
    let mut effort = Panel::new(
        "effort (1 = a typical role)",
        o.partners.iter().map(|p| p.effort).collect(),
    );
    effort.marks = o.partners.iter().map(|p| Some(p.capacity as f64)).collect();
    effort.mark_label = "capacity".into();
    effort.decimals = 1;
    let mut importance = Panel::new(
        "share of the needed importance",
        o.partners.iter().map(|p| share(&p.roles)).collect(),
    );
    importance.percent = true;
    importance.decimals = 0;
    importance.domain = Some((0.0, 1.0));
    importance.colour = "#5a8f6e";
    let chart = BarChart {
        label: format!("Load of each partner of {}", o.scenario),
        rows: o.partners.iter().map(|p| p.name.clone()).collect(),
        panels: vec![effort, importance],
    };
    h.open("section", &[("id", "load")]);
    h.elem("h2", &[], "Load of each partner");
    h.open("figure", &[("class", "chart")]);
    h.append(chart.svg());
    h.elem(
        "figcaption",
        &[],
        "Bars: summed effort of the roles held, and the share of the needed importance they carry; the dark tick is the partner's capacity in roles.",
    );
    h.close();
    h.close();
}

pub(crate) fn assignments_section(h: &mut Html, o: &Outcome) {
    h.open("section", &[("id", "assignments")]);
    h.elem("h2", &[], "Who does what, and why");
    for role in &o.roles {
        let held: Vec<_> = o.assignments.iter().filter(|a| a.role == role.id).collect();
        if held.is_empty() {
            continue;
        }
        h.open("div", &[("class", "role"), ("data-role", &role.id)]);
        h.open("h3", &[]);
        h.text(&role.name);
        h.text(" ");
        h.elem(
            "span",
            &[("class", "muted small")],
            &format!("{}, importance {}", role.id, role.importance),
        );
        h.close();
        for a in held {
            h.open("p", &[("class", "who")]);
            h.text(&partner_label(&o.partners, &a.partner));
            h.text(&format!(", {} ", a.sector));
            let lead = if a.lead { "lead" } else { "support" };
            h.elem("span", &[("class", "badge tag")], lead);
            if a.pinned {
                h.text(" ");
                h.elem("span", &[("class", "badge sev-info")], "pinned");
            }
            h.text(&format!(" fit {}", num(a.fit, 2)));
            h.close();
            h.open("ul", &[("class", "reasons")]);
            for r in &a.reasons {
                h.elem("li", &[], r);
            }
            h.close();
        }
        h.close();
    }
    h.close();
}
