//! The annex as Markdown, for the MoU document. Every text from input or rules is escaped.

use crate::agreement::{Agreement, Raci};
use crate::report::shared::markdown::{self as md, Align, escape as esc};
use crate::solve::Status;
use std::fmt::Write;

/// The roles-and-responsibilities annex as Markdown, ready to paste into the MoU.
pub fn render(a: &Agreement) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Roles and responsibilities: {}\n\n*Annex to the memorandum of understanding.* {}",
        esc(&a.scenario),
        esc(&super::html::standing(a))
    );
    if a.status == Status::Infeasible {
        let _ = writeln!(
            out,
            "\n**No line-up satisfies every demand, so no annex can be drawn.** Settle these first (relaxing any one of them gives a line-up):\n"
        );
        for c in &a.conflict {
            let _ = writeln!(out, "- {} ({})", esc(&c.message), esc(&c.source));
        }
        return out;
    }
    for n in &a.notes {
        let _ = writeln!(out, "\n> {}", esc(n));
    }

    let _ = writeln!(out, "\n## 1. Scope\n");
    if !a.description.is_empty() {
        let _ = writeln!(out, "{}\n", esc(&a.description));
    }
    if !a.context.is_empty() {
        let ctx: Vec<String> = a
            .context
            .iter()
            .map(|(k, v)| format!("{}: {}", esc(k), esc(v)))
            .collect();
        let _ = writeln!(out, "Context: {}.\n", ctx.join("; "));
    }
    let _ = writeln!(out, "The parties:\n");
    for p in &a.parties {
        let _ = writeln!(out, "- {} (`{}`, {})", esc(&p.name), p.id, esc(&p.sector));
    }
    let _ = writeln!(
        out,
        "\nThe partnership takes on these roles (importance 1 to 5):\n"
    );
    for r in &a.roles {
        let _ = writeln!(
            out,
            "- **{}** ({}): {}",
            esc(&r.name),
            r.importance,
            esc(&r.description)
        );
    }
    if !a.gaps.is_empty() {
        let _ = writeln!(out, "\nOutside this annex until a partner takes them on:\n");
        for g in &a.gaps {
            let _ = writeln!(out, "- **{}**: {}", esc(&g.name), esc(&g.suggestion));
        }
    }

    let _ = writeln!(out, "\n## 2. Roles and responsibilities (RACI)\n");
    md::head(
        &mut out,
        std::iter::once("Role".to_string()).chain(a.parties.iter().map(|p| format!("`{}`", p.id))),
        std::iter::once(Align::Left).chain(a.parties.iter().map(|_| Align::Mark)),
    );
    for r in &a.roles {
        md::row(
            &mut out,
            std::iter::once(esc(&r.name)).chain(r.raci.iter().map(|x| match x {
                Raci::Accountable => "**A**".to_string(),
                other => other.letter().to_string(),
            })),
        );
    }
    out.push('\n');
    for (x, meaning) in Raci::LEGEND {
        let _ = writeln!(out, "- **{}**: {meaning}", x.letter());
    }

    let _ = writeln!(out, "\n## 3. Commitments\n");
    md::head(
        &mut out,
        [
            "Partner",
            "Roles",
            "Roles taken (effort)",
            "Money committed to",
        ],
        [Align::Left; 4],
    );
    for c in &a.commitments {
        let roles: Vec<String> = c
            .roles
            .iter()
            .map(|(r, lead)| format!("{} ({})", esc(r), if *lead { "lead" } else { "support" }))
            .collect();
        md::row(
            &mut out,
            [
                esc(&c.name),
                if roles.is_empty() {
                    "none yet".to_string()
                } else {
                    roles.join(", ")
                },
                format!("{} of {} ({:.1})", c.roles.len(), c.capacity, c.effort),
                if c.funds.is_empty() {
                    "\u{2014}".to_string()
                } else {
                    c.funds
                        .iter()
                        .map(|f| esc(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ],
        );
    }

    let _ = writeln!(out, "\n## 4. Success measures\n");
    for r in a.roles.iter().filter(|r| !r.success.is_empty()) {
        let _ = writeln!(out, "**{}**\n", esc(&r.name));
        for s in &r.success {
            let _ = writeln!(out, "- {}", esc(s));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## 5. Risks to watch\n");
    if a.risks.is_empty() {
        let _ = writeln!(out, "No risk is flagged for this line-up.");
    }
    for risk in &a.risks {
        let f = &risk.flag;
        let _ = writeln!(
            out,
            "- **{}** ({}): {}  \n  *Review question:* {}  \n  *Rule* `{}`; {}",
            esc(&f.kind),
            f.severity.name(),
            esc(&f.message),
            esc(&risk.question),
            f.rule,
            esc(&f.source)
        );
    }

    let _ = writeln!(out, "\n## 6. Review and renewal\n");
    let _ = writeln!(
        out,
        "The partners review this annex every {} months, and sooner when:\n",
        a.review.months
    );
    for t in &a.review.triggers {
        let _ = writeln!(out, "- {}", esc(t));
    }
    let _ = writeln!(out, "\n{}", esc(&a.review.renewal));

    let _ = writeln!(out, "\n## Signatures\n");
    for p in &a.parties {
        let _ = writeln!(
            out,
            "For {}: \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_ Date: \\_\\_\\_\\_\\_\\_\\_\\_\n",
            esc(&p.name)
        );
    }
    out
}
