//! The terminal report: headline, partner x role matrix, assignments with reasons, gaps, flags
//! by severity, risks avoided. Plain when piped; colour only when asked for.

use crate::explain::{Cell, Outcome};
use crate::kb::Severity;
use crate::report::Style;
use crate::report::shared::text::{Paint, fit_width, flags, title};
use crate::robust::words;
use std::fmt::Write;

/// Beyond this many partners the matrix is too wide for a terminal.
const MATRIX_MAX_PARTNERS: usize = 14;
const MAX_COLUMN: usize = 10;

fn cell_text(c: &Cell) -> String {
    let fit = format!("{:.2}", c.fit);
    let fit = fit.strip_prefix('0').unwrap_or(&fit).to_string();
    let mut s = if c.held {
        format!("{}{fit}", if c.lead { '*' } else { '+' })
    } else if c.blocked {
        "x".to_string()
    } else if c.avoided {
        "-".to_string()
    } else {
        ".".to_string()
    };
    if c.flag.is_some() {
        s.push('!');
    }
    s
}

fn matrix(o: &Outcome, paint: &Paint, out: &mut String) {
    if o.partners.len() > MATRIX_MAX_PARTNERS {
        let _ =
            writeln!(out, "{}", paint.dim(&format!(
            "(matrix omitted: {} partners is too wide for a terminal; use --format markdown)",
            o.partners.len()
        )));
        return;
    }
    let label_width = o
        .roles
        .iter()
        .map(|r| r.id.len() + 4)
        .max()
        .unwrap_or(10)
        .min(30);
    let widths: Vec<usize> = o
        .partners
        .iter()
        .map(|p| p.id.chars().count().clamp(6, MAX_COLUMN))
        .collect();
    let _ = write!(out, "{:label_width$}", "");
    for (p, w) in o.partners.iter().zip(&widths) {
        let _ = write!(
            out,
            " {}",
            paint.bold(&format!("{:>w$}", fit_width(&p.id, *w)))
        );
    }
    out.push('\n');
    for (r, role) in o.roles.iter().enumerate() {
        let label = fit_width(&format!("{} ({})", role.id, role.importance), label_width);
        let _ = write!(out, "{label:label_width$}");
        for p in 0..o.partners.len() {
            let c = &o.cells[p][r];
            let t = format!("{:>w$}", cell_text(c), w = widths[p]);
            let t = match (c.held, c.flag) {
                (true, Some(sev)) => paint.severity(sev, &t),
                (true, None) => paint.bold(&t),
                _ => paint.dim(&t),
            };
            let _ = write!(out, " {t}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}",
        paint.dim("* lead  + support  (fit)  . not held  - kept out by a logic rule (a pin would override)  x refused or forbidden  ! flagged  (n) importance")
    );
}

/// A section's heading, in bold after a blank line.
fn heading(out: &mut String, paint: &Paint, title: &str) {
    out.push('\n');
    let _ = writeln!(out, "{}", paint.bold(title));
}

/// The money account: totals per phase, each role's money, and what became of each commitment.
fn money(out: &mut String, m: &crate::explain::money::Account, paint: &Paint) {
    use super::money as words;
    out.push('\n');
    let _ = writeln!(out, "{}", paint.bold(&words::heading(m)));
    if m.totals.iter().any(|t| t.budget > 0.0 || t.committed > 0.0) {
        for t in &m.totals {
            let _ = writeln!(
                out,
                "  {}: budget {}, committed {}, short {}",
                t.phase,
                words::amount(m, t.budget),
                words::amount(m, t.committed),
                words::amount(m, t.short)
            );
        }
    }
    for r in &m.roles {
        let _ = writeln!(out, "  {}", words::role_line(r));
        for line in words::role_phase_lines(m, r) {
            let _ = writeln!(out, "      - {line}");
        }
    }
    let _ = writeln!(out, "  {}", paint.bold("Commitments"));
    for c in &m.commitments {
        let _ = writeln!(out, "    - {}", words::commitment_line(m, c));
    }
}

pub fn render(o: &Outcome, style: Style) -> String {
    let paint = Paint { on: style.colour };
    let mut out = String::new();
    let title = title(&o.scenario, o.variant.as_deref());
    let _ = writeln!(out, "{}  [{}]", paint.bold(&title), o.status.name());
    if o.status != crate::solve::Status::Infeasible {
        let b = &o.breakdown;
        let _ = writeln!(
            out,
            "objective {:.2} (value {:.2} + bonuses {:.2} - penalties {:.2}); {:.0}% of the needed importance covered",
            o.objective,
            b.value,
            b.bonuses,
            b.penalties,
            o.coverage * 100.0
        );
    }
    if let Some(r) = &o.robustness {
        let _ = writeln!(out, "robustness: {}", words::summary(r));
    }
    for note in &o.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.push('\n');
    if !o.conflict.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint.bold("Conflicting demands (drop or relax any one to get a line-up)")
        );
        for c in &o.conflict {
            let _ = writeln!(out, "  - {}", c.message);
            let _ = writeln!(
                out,
                "    {}",
                paint.dim(&format!("{} | {} | {}", c.constraint, c.rule, c.source))
            );
        }
        if !o.relaxations.is_empty() {
            let _ = writeln!(out, "\n{}", paint.bold("Ways out, best first"));
            for r in &o.relaxations {
                let result = match r.objective {
                    Some(v) => format!("a line-up with objective {v:.2}"),
                    None => "not enough on its own".to_string(),
                };
                let _ = writeln!(out, "  - {}: {result}", r.action);
            }
        }
        return out;
    }
    matrix(o, &paint, &mut out);
    heading(&mut out, &paint, "Who does what, and why");
    let mut last_role = "";
    for a in &o.assignments {
        if a.role != last_role {
            let _ = writeln!(out, "  {} ({})", paint.bold(&a.role_name), a.role);
            last_role = &a.role;
        }
        let mark = if a.lead { "lead" } else { "support" };
        let _ = writeln!(
            out,
            "    {} {} ({}, {}): {mark}{}",
            paint.bold(&a.partner),
            a.partner_name,
            a.sector,
            format_args!("fit {:.2}", a.fit),
            if a.pinned { ", pinned" } else { "" }
        );
        for r in &a.reasons {
            let _ = writeln!(out, "      - {r}");
        }
    }
    if let Some(r) = o.robustness.as_ref().filter(|r| !r.close_calls.is_empty()) {
        heading(
            &mut out,
            &paint,
            "Close calls (ties, or stability below the threshold), closest first",
        );
        for c in &r.close_calls {
            let _ = writeln!(out, "  - {}", words::close_call_words(c, r));
        }
    }
    if !o.uncovered.is_empty() {
        heading(&mut out, &paint, "Gaps");
        for g in &o.uncovered {
            let _ = writeln!(
                out,
                "  {} ({}), importance {}: {} partner(s) missing; leaving it open costs {:.2}",
                paint.bold(&g.role_name),
                g.role,
                g.importance,
                g.missing,
                g.cost
            );
            let _ = writeln!(out, "      - {}", g.suggestion);
            for s in &g.stretch {
                let _ = writeln!(out, "      - stretch: {}", s.words());
            }
            for w in &g.why_not {
                let _ = writeln!(out, "      - passed over: {w}");
            }
        }
    }
    if let Some(m) = &o.money {
        money(&mut out, m, &paint);
    }
    if !o.assumptions.is_empty() {
        heading(
            &mut out,
            &paint,
            "Assumptions that decide a role (ask the partner)",
        );
        for a in &o.assumptions {
            let _ = writeln!(out, "  - {}", a.message);
        }
    }
    if !o.weak.is_empty() {
        heading(
            &mut out,
            &paint,
            "Weakly covered (the lead does not match the role)",
        );
        for g in &o.weak {
            let _ = writeln!(
                out,
                "  {} ({}), importance {}",
                paint.bold(&g.role_name),
                g.role,
                g.importance
            );
            let _ = writeln!(out, "      - {}", g.suggestion);
        }
    }
    out.push('\n');
    let count = |s: Severity| o.flags.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "{} ({} high, {} medium, {} low, {} info)",
        paint.bold("Flags"),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info)
    );
    flags(&mut out, &o.flags, &paint);
    if !o.avoided.is_empty() {
        heading(&mut out, &paint, "Risks avoided");
        for a in &o.avoided {
            let risk = a
                .risk
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  - {} not in {} despite fit {:.2}: {} {}{risk}",
                a.partner, a.role, a.fit, a.rule, a.effect
            );
        }
    }
    out
}
