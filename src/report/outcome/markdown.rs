//! The Markdown report, for pasting into a workshop document. Every text from input is escaped,
//! so a partner named `**x** | <script>` stays a name.

use crate::explain::{Cell, Outcome};
use crate::report::shared::markdown::{self as md, Align, escape};
use crate::robust::words;
use std::fmt::Write;

/// An identifier for a code span: shown verbatim, so it is not escaped; a backtick (which no
/// validated id contains) would end the span and is dropped.
fn code(s: &str) -> String {
    s.replace('`', "")
}

fn cell(c: &Cell) -> String {
    let flag = if c.flag.is_some() { " ⚠" } else { "" };
    if c.held && c.lead {
        format!("**★ {:.2}**{flag}", c.fit)
    } else if c.held {
        format!("● {:.2}{flag}", c.fit)
    } else if c.blocked {
        "✕".to_string()
    } else if c.avoided {
        "–".to_string()
    } else {
        "·".to_string()
    }
}

/// The money account: totals per phase, each role's money, what became of each commitment.
pub(crate) fn money(out: &mut String, m: &crate::explain::money::Account) {
    use super::money as words;
    let _ = writeln!(out, "\n## {}\n", escape(&words::heading(m)));
    if m.totals.iter().any(|t| t.budget > 0.0 || t.committed > 0.0) {
        md::head(
            out,
            ["Phase", "Budget", "Committed", "Short"],
            [Align::Left, Align::Right, Align::Right, Align::Right],
        );
        for t in &m.totals {
            md::row(
                out,
                [
                    escape(&t.phase),
                    escape(&words::amount(m, t.budget)),
                    escape(&words::amount(m, t.committed)),
                    escape(&words::amount(m, t.short)),
                ],
            );
        }
        out.push('\n');
    }
    for r in &m.roles {
        let _ = writeln!(out, "- **{}**", escape(&words::role_line(r)));
        for line in words::role_phase_lines(m, r) {
            let _ = writeln!(out, "  - {}", escape(&line));
        }
    }
    let _ = writeln!(out, "\nCommitments:\n");
    for c in &m.commitments {
        let _ = writeln!(out, "- {}", escape(&words::commitment_line(m, c)));
    }
}

pub fn render(o: &Outcome) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}", escape(&o.scenario));
    if let Some(v) = &o.variant {
        let _ = writeln!(out, "\n*Variant:* {}", escape(v));
    }
    let _ = writeln!(out);
    if o.status == crate::solve::Status::Infeasible {
        let _ = writeln!(
            out,
            "**Status:** infeasible: these demands cannot all hold; relax any one of them.\n"
        );
        for c in &o.conflict {
            let _ = writeln!(
                out,
                "- {} (`{}`; {})",
                escape(&c.message),
                code(&c.constraint),
                escape(&c.source)
            );
        }
        if !o.relaxations.is_empty() {
            let _ = writeln!(out, "\n**Ways out, best first:**\n");
            for r in &o.relaxations {
                let result = r
                    .objective
                    .map_or("not enough on its own".to_string(), |v| {
                        format!("objective {v:.2}")
                    });
                let _ = writeln!(out, "- {}: {result}", escape(&r.action));
            }
        }
        return out;
    }
    let _ = writeln!(
        out,
        "**Status:** {} · **Objective:** {:.2} · **Coverage:** {:.0}% of the needed importance",
        o.status.name(),
        o.objective,
        o.coverage * 100.0
    );
    if let Some(r) = &o.robustness {
        let _ = writeln!(out, "\n**Robustness:** {}", escape(&words::summary(r)));
    }
    for note in &o.notes {
        let _ = writeln!(out, "\n> {}", escape(note));
    }
    let _ = writeln!(out, "\n## Line-up\n");
    md::head(
        &mut out,
        std::iter::once("Role (importance)".to_string())
            .chain(o.partners.iter().map(|p| escape(&p.id))),
        std::iter::once(Align::Left).chain(o.partners.iter().map(|_| Align::Centre)),
    );
    for (r, role) in o.roles.iter().enumerate() {
        md::row(
            &mut out,
            std::iter::once(format!("{} ({})", escape(&role.name), role.importance))
                .chain((0..o.partners.len()).map(|p| cell(&o.cells[p][r]))),
        );
    }
    let _ = writeln!(
        out,
        "\n★ lead, ● support (with fit), · not held, – kept out by a logic rule (a pin would override), ✕ refused or forbidden, ⚠ flagged."
    );
    let _ = writeln!(out, "\n## Who does what, and why\n");
    md::head(
        &mut out,
        ["Role", "Partner", "Lead", "Fit", "Why"],
        [
            Align::Left,
            Align::Left,
            Align::Centre,
            Align::Right,
            Align::Left,
        ],
    );
    for a in &o.assignments {
        let why: Vec<String> = a.reasons.iter().map(|r| escape(r)).collect();
        md::row(
            &mut out,
            [
                escape(&a.role_name),
                format!("{} ({})", escape(&a.partner_name), escape(&a.sector)),
                (if a.lead { "yes" } else { "" }).to_string(),
                format!("{:.2}", a.fit),
                why.join("<br>"),
            ],
        );
    }
    if let Some(r) = o.robustness.as_ref().filter(|r| !r.close_calls.is_empty()) {
        let _ = writeln!(out, "\n## Close calls\n");
        for c in &r.close_calls {
            let _ = writeln!(out, "- {}", escape(&words::close_call_words(c, r)));
        }
    }
    if !o.uncovered.is_empty() {
        let _ = writeln!(out, "\n## Gaps\n");
        for g in &o.uncovered {
            let _ = writeln!(
                out,
                "- **{}** (importance {}, {} missing; leaving it open costs {:.2}): {}",
                escape(&g.role_name),
                g.importance,
                g.missing,
                g.cost,
                escape(&g.suggestion)
            );
            for s in &g.stretch {
                let _ = writeln!(out, "  - stretch: {}", escape(&s.words()));
            }
            for w in &g.why_not {
                let _ = writeln!(out, "  - not {}", escape(w));
            }
        }
    }
    if let Some(m) = &o.money {
        money(&mut out, m);
    }
    if !o.assumptions.is_empty() {
        let _ = writeln!(
            out,
            "\n## Assumptions that decide a role (ask the partner)\n"
        );
        for a in &o.assumptions {
            let _ = writeln!(out, "- {}", escape(&a.message));
        }
    }
    if !o.weak.is_empty() {
        let _ = writeln!(out, "\n## Weakly covered\n");
        for g in &o.weak {
            let _ = writeln!(
                out,
                "- **{}** (importance {}): {}",
                escape(&g.role_name),
                g.importance,
                escape(&g.suggestion)
            );
        }
    }
    let _ = writeln!(out, "\n## Flags\n");
    if o.flags.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        md::head(
            &mut out,
            [
                "Severity", "Kind", "Partner", "Role", "What", "Rule", "Source",
            ],
            [Align::Left; 7],
        );
        for f in &o.flags {
            md::row(
                &mut out,
                [
                    f.severity.name().to_string(),
                    escape(&f.kind),
                    escape(f.partner.as_deref().unwrap_or("")),
                    escape(f.role.as_deref().unwrap_or("")),
                    escape(&f.message),
                    format!("`{}`", code(&f.rule)),
                    escape(&f.source),
                ],
            );
        }
    }
    if !o.avoided.is_empty() {
        let _ = writeln!(out, "\n## Risks avoided\n");
        for a in &o.avoided {
            let risk = a
                .risk
                .as_deref()
                .map(|r| format!(", {}", escape(r)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} not in {} despite a fit of {:.2}: `{}` ({}{risk}; {})",
                escape(&a.partner),
                escape(&a.role),
                a.fit,
                code(&a.rule),
                escape(&a.effect),
                escape(&a.source)
            );
        }
    }
    out
}
