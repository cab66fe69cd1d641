//! Sections every report of a line-up shows: flags with their rule and source, gaps and weakly
//! covered roles with recruit suggestions, risks avoided, a conflict, notes.

use super::Html;
use crate::explain::{Avoided, ConflictItem, Flag, Gap, PartnerView};
use crate::kb::Severity;

/// A coloured badge with the severity's name.
pub fn severity_badge(h: &mut Html, s: Severity) {
    let class = match s {
        Severity::High => "badge sev-high",
        Severity::Medium => "badge sev-medium",
        Severity::Low => "badge sev-low",
        Severity::Info => "badge sev-info",
    };
    h.elem("span", &[("class", class)], s.name());
}

/// "Name (id)" for a partner id of the line-up, the id alone otherwise.
pub fn partner_label(partners: &[PartnerView], id: &str) -> String {
    match partners.iter().find(|p| p.id == id) {
        Some(p) => format!("{} ({})", p.name, p.id),
        None => id.to_string(),
    }
}

/// Flags by severity, each with what it is about, its message, its rule and the Table 1 cell
/// (or passage) the rule encodes.
///
/// `name` turns a partner id into what the reader sees (see [`partner_label`]).
pub fn flags_table(h: &mut Html, flags: &[Flag], name: &dyn Fn(&str) -> String) {
    if flags.is_empty() {
        h.elem("p", &[("class", "muted")], "No flags.");
        return;
    }
    h.table_head(
        &[("class", "flags")],
        &[],
        ["Severity", "Kind", "About", "What", "Rule and source"],
    );
    for f in flags {
        h.open(
            "tr",
            &[("data-kind", &f.kind), ("data-severity", f.severity.name())],
        );
        h.open("td", &[]);
        severity_badge(h, f.severity);
        h.close();
        h.elem("td", &[], &f.kind);
        h.open("td", &[]);
        if let Some(p) = &f.partner {
            h.text(&name(p));
        }
        if let Some(r) = &f.role {
            if f.partner.is_some() {
                h.text(" in ");
            }
            h.elem("code", &[], r);
        }
        h.close();
        h.open("td", &[]).prose(&f.message).close();
        rule_cell(h, &f.rule, &f.source);
        h.close();
    }
    h.close().close();
}

/// A table cell naming a rule and, below it, its source.
pub fn rule_cell(h: &mut Html, rule: &str, source: &str) {
    h.open("td", &[]);
    h.elem("code", &[], rule);
    h.void("br", &[]);
    h.elem("span", &[("class", "muted small")], source);
    h.close();
}

/// Opens a flag's list item (its kind and severity as `data-` attributes) with its severity
/// badge and kind; the caller adds what it is about and closes the item.
pub fn flag_item(h: &mut Html, f: &Flag) {
    h.open(
        "li",
        &[("data-kind", &f.kind), ("data-severity", f.severity.name())],
    );
    severity_badge(h, f.severity);
    h.text(" ");
    h.elem("strong", &[], &f.kind);
}

/// Flags as a compact list, for pages about one partner (what it is about goes without saying).
pub fn flags_list(h: &mut Html, flags: &[Flag]) {
    h.open("ul", &[("class", "flags")]);
    for f in flags {
        flag_item(h, f);
        if let Some(r) = &f.role {
            h.text(" in ");
            h.elem("code", &[], r);
        }
        h.text(": ");
        h.prose(&f.message);
        h.text(" ");
        h.open("span", &[("class", "muted small")]);
        h.text("(rule ");
        h.elem("code", &[], &f.rule);
        h.text(&format!("; {})", f.source));
        h.close();
        h.close();
    }
    h.close();
}

/// Uncovered (or weakly covered) roles: the recruiting suggestion and why the partners at the
/// table were passed over.
pub fn gaps_section(h: &mut Html, gaps: &[Gap], weak: bool) {
    h.open("ul", &[("class", if weak { "weak" } else { "gaps" })]);
    for g in gaps {
        h.open("li", &[("data-role", &g.role)]);
        h.elem("strong", &[], &g.role_name);
        let head = if weak {
            format!(" (importance {}): ", g.importance)
        } else {
            format!(
                " (importance {}, {} partner(s) missing; leaving it open costs {:.2}): ",
                g.importance, g.missing, g.cost
            )
        };
        h.text(&head);
        h.prose(&g.suggestion);
        if !g.sectors.is_empty() {
            h.text(" ");
            for s in &g.sectors {
                h.elem("span", &[("class", "badge tag")], s);
                h.text(" ");
            }
        }
        if !g.why_not.is_empty() || !g.stretch.is_empty() {
            h.open("ul", &[("class", "small")]);
            for s in &g.stretch {
                h.elem(
                    "li",
                    &[("class", "stretch")],
                    &format!("stretch: {}", s.words()),
                );
            }
            for w in &g.why_not {
                h.open("li", &[]).text("passed over: ").prose(w).close();
            }
            h.close();
        }
        h.close();
    }
    h.close();
}

/// Better-fitting partners a rule kept out of a role, with the risk the rule guards against.
pub fn avoided_section(h: &mut Html, avoided: &[Avoided], name: &dyn Fn(&str) -> String) {
    h.table_head(
        &[("class", "avoided")],
        &[],
        [
            "Partner",
            "Kept out of",
            "Fit",
            "Rule",
            "Effect",
            "Risk",
            "Source",
        ],
    );
    for a in avoided {
        h.open("tr", &[]);
        h.elem("td", &[], &name(&a.partner));
        h.open("td", &[]).elem("code", &[], &a.role).close();
        h.elem("td", &[("class", "num")], &super::num(a.fit, 2));
        h.open("td", &[]).elem("code", &[], &a.rule).close();
        h.elem("td", &[], &a.effect);
        h.elem("td", &[], a.risk.as_deref().unwrap_or(""));
        h.elem("td", &[("class", "small")], &a.source);
        h.close();
    }
    h.close().close();
}

/// A minimal set of demands that cannot hold together; relaxing any one restores a line-up.
pub fn conflict_section(h: &mut Html, conflict: &[ConflictItem]) {
    h.open("div", &[("class", "conflict")]);
    h.elem(
        "p",
        &[],
        "No line-up satisfies every demand. These demands contradict each other (without any one of them, the others agree):",
    );
    h.open("ul", &[]);
    for c in conflict {
        h.open("li", &[]);
        h.prose(&c.message);
        h.text(" ");
        h.open("span", &[("class", "muted small")]);
        h.text("(");
        h.elem("code", &[], &c.constraint);
        h.text(&format!("; {}; {})", c.rule, c.source));
        h.close();
        h.close();
    }
    h.close();
    h.close();
}

/// Notes on the run (a pin dropped with its partner, a time limit reached).
/// Each way out of a contradiction, best first, with the objective it leads to.
pub fn relaxations_section(h: &mut Html, relaxations: &[crate::explain::Relaxation]) {
    if relaxations.is_empty() {
        return;
    }
    h.elem("h3", &[], "Ways out, best first");
    h.open("ol", &[("class", "relaxations")]);
    for r in relaxations {
        h.open("li", &[]);
        h.prose(&r.action);
        h.text(": ");
        match r.objective {
            Some(v) => h.text(&format!("a line-up with objective {}", super::num(v, 2))),
            None => h.elem("span", &[("class", "muted")], "not enough on its own"),
        };
        h.text(" ");
        h.elem("code", &[("class", "muted small")], &r.constraint);
        h.close();
    }
    h.close();
}

/// The notes as a section of their own; writes nothing if there are none.
pub fn notes_section(h: &mut Html, notes: &[String]) {
    if notes.is_empty() {
        return;
    }
    h.open("div", &[("class", "notes")]);
    for n in notes {
        h.open("p", &[]).prose(n).close();
    }
    h.close();
}

/// The money account: totals per phase as a table, each role's money, each commitment.
pub fn money_section(h: &mut Html, m: &crate::explain::money::Account) {
    use crate::report::outcome::money as words;
    h.open("section", &[("id", "money")]);
    h.elem("h2", &[], &words::heading(m));
    if m.totals.iter().any(|t| t.budget > 0.0 || t.committed > 0.0) {
        h.table_head(
            &[],
            &[("scope", "col")],
            ["Phase", "Budget", "Committed", "Short"],
        );
        for t in &m.totals {
            h.open("tr", &[]);
            h.elem("th", &[("scope", "row")], &t.phase);
            for v in [t.budget, t.committed, t.short] {
                h.elem("td", &[("class", "num")], &words::amount(m, v));
            }
            h.close();
        }
        h.close().close();
    }
    h.open("ul", &[]);
    for r in &m.roles {
        h.open(
            "li",
            &[("data-role", &r.role), ("data-money", r.status.name())],
        );
        h.elem("strong", &[], &words::role_line(r));
        h.open("ul", &[]);
        for line in words::role_phase_lines(m, r) {
            h.elem("li", &[], &line);
        }
        h.close().close();
    }
    h.close();
    h.elem("h3", &[], "Commitments");
    h.open("ul", &[("class", "small")]);
    for c in &m.commitments {
        h.elem(
            "li",
            &[("data-commitment", &c.id), ("data-state", c.state)],
            &words::commitment_line(m, c),
        );
    }
    h.close().close();
}
