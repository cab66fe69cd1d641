//! The brief as Markdown: an overview, then one section per partner separated by a rule, for a
//! workshop document. Every text from input or rules is escaped.

use crate::brief::{Brief, Firmness, HeldRole, PartnerBrief, QUESTIONS};
use crate::report::shared::markdown::{self as md, Align, escape as esc};
use crate::robust::{Robustness, words};
use crate::solve::Status;
use std::fmt::Write;

fn roles_line(roles: &[HeldRole]) -> Vec<String> {
    roles
        .iter()
        .map(|r| format!("{} ({})", esc(&r.role_name), r.how()))
        .collect()
}

/// An id as inline code when it is a plain identifier (as the contract asks); anything else is
/// escaped text, since no Markdown escape works inside a code span.
fn code(id: &str) -> String {
    if !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        format!("`{id}`")
    } else {
        esc(id)
    }
}

/// A rule's description inside a sentence, without its closing full stop.
fn clause(s: &str) -> String {
    esc(s.trim_end_matches('.'))
}

/// The dialogue brief as Markdown.
pub fn render(b: &Brief) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Dialogue brief: {}", esc(&b.scenario));
    if let Some(v) = &b.variant {
        let _ = writeln!(out, "\n*Variant:* {}", esc(v));
    }
    let _ = writeln!(out, "\n{}", crate::brief::INTRO);
    if b.status == Status::Infeasible {
        let _ = writeln!(
            out,
            "\n**No line-up:** these demands cannot all hold; relax any one of them. The pages below \
             answer from the sector profiles and the partners' own data only.\n"
        );
        for c in &b.conflict {
            let _ = writeln!(out, "- {} ({})", esc(&c.message), esc(&c.source));
        }
    } else {
        let _ = writeln!(
            out,
            "\n**Status:** {} · **Objective:** {:.2} · **Coverage:** {:.0}% of the needed importance",
            b.status.name(),
            b.objective,
            b.coverage * 100.0
        );
    }
    if let Some(r) = &b.robustness {
        let _ = writeln!(out, "\n**Robustness:** {}", esc(&words::summary(r)));
    }
    for note in &b.notes {
        let _ = writeln!(out, "\n> {}", esc(note));
    }
    out.push_str("\n## The line-up\n\n");
    md::head(&mut out, ["Partner", "Sector", "Roles"], [Align::Left; 3]);
    for m in &b.line_up {
        let roles = roles_line(&m.roles);
        md::row(
            &mut out,
            [
                format!("{} ({})", esc(&m.name), code(&m.id)),
                esc(&m.sector_name),
                if roles.is_empty() {
                    "none".to_string()
                } else {
                    roles.join("; ")
                },
            ],
        );
    }
    let solved = b.status != Status::Infeasible;
    for p in &b.partners {
        out.push_str("\n---\n\n");
        partner(&mut out, p, solved, b.robustness.as_ref());
    }
    out
}

/// How firmly it holds its roles, and the close calls that concern it.
fn firmness(out: &mut String, f: &Firmness, r: &Robustness) {
    if f.roles.is_empty() && f.could_win.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### How firm its roles are\n");
    for (name, h) in &f.roles {
        let _ = writeln!(
            out,
            "- {}: {}; {}",
            esc(name),
            esc(&words::runner_up_words(h)),
            esc(&words::stability_words(h, r))
        );
    }
    for c in &f.close_calls {
        let _ = writeln!(
            out,
            "- **Close call:** {}",
            esc(&words::close_call_words(c, r))
        );
    }
    for c in &f.could_win {
        let _ = writeln!(
            out,
            "- **Could go its way:** {}",
            esc(&words::close_call_words(c, r))
        );
    }
}

/// `solved`: a line-up exists (without one, nothing can be said about roles held).
fn partner(out: &mut String, p: &PartnerBrief, solved: bool, robustness: Option<&Robustness>) {
    let _ = writeln!(out, "## {}\n", esc(&p.name));
    let roles = roles_line(&p.roles);
    let _ = writeln!(
        out,
        "{} · {} · capacity {} · roles: {}",
        code(&p.id),
        esc(&p.sector_name),
        p.capacity,
        if !solved {
            "no line-up (the demands conflict)".to_string()
        } else if roles.is_empty() {
            "none in this line-up".to_string()
        } else {
            roles.join("; ")
        }
    );
    if let (Some(f), Some(r)) = (&p.firmness, robustness) {
        firmness(out, f, r);
    }
    motivation(out, p, solved);
    competencies(out, p);
    risks(out, p);
    success(out, p);
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| esc(s)).collect::<Vec<_>>().join(", ")
}

fn motivation(out: &mut String, p: &PartnerBrief, solved: bool) {
    let m = &p.motivation;
    let _ = writeln!(out, "\n### 1. {}\n", QUESTIONS[0]);
    let _ = writeln!(out, "Its sector's motives ({}):\n", esc(&m.source));
    for x in &m.motives {
        let mut about = Vec::new();
        if !x.served_by.is_empty() {
            about.push(format!("served by {}", list(&x.served_by)));
        } else if solved {
            about.push("not served by its roles".to_string());
        }
        if !x.shared_with.is_empty() {
            about.push(format!("shared with {}", list(&x.shared_with)));
        }
        let label = if x.served_by.is_empty() {
            esc(&x.label)
        } else {
            format!("**{}**", esc(&x.label))
        };
        if about.is_empty() {
            let _ = writeln!(out, "- {label}");
        } else {
            let _ = writeln!(out, "- {label}: {}", about.join("; "));
        }
    }
    if !m.wishes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            esc(&crate::brief::wishes_line(&m.wishes, solved))
        );
    }
    // Without a line-up, roles held say nothing about motives.
    if solved && p.roles.is_empty() {
        let _ = writeln!(
            out,
            "\nIt holds no role in this line-up: ask what would make taking part worth its while."
        );
    } else if solved && m.motives.iter().all(|x| x.served_by.is_empty()) {
        let _ = writeln!(
            out,
            "\nNone of its roles serves a motive of its sector: ask what it expects to gain."
        );
    }
}

fn competencies(out: &mut String, p: &PartnerBrief) {
    let c = &p.competencies;
    let _ = writeln!(out, "\n### 2. {}\n", QUESTIONS[1]);
    let _ = writeln!(
        out,
        "Its strongest capabilities (stated in the scenario, or assumed from its organisation type or sector until it says; advantages from {}):\n",
        esc(&c.source)
    );
    md::head(
        out,
        ["Capability", "Strength", "Default", "Sector advantage"],
        [Align::Left, Align::Right, Align::Right, Align::Centre],
    );
    for s in &c.strengths {
        md::row(
            out,
            [
                esc(&s.label),
                format!(
                    "{:.2} {}",
                    s.value,
                    if s.stated { "stated" } else { "assumed" }
                ),
                format!("{:.2}", s.default),
                (if s.advantage { "yes" } else { "" }).to_string(),
            ],
        );
    }
    if !c.below_profile.is_empty() {
        let below: Vec<String> = c
            .below_profile
            .iter()
            .map(|s| {
                format!(
                    "{} {:.2} (default {:.2})",
                    esc(&s.label),
                    s.value,
                    s.default
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "\nWeaker than its type or sector usually is: {}.",
            below.join(", ")
        );
    }
    if !p.roles.is_empty() {
        let _ = writeln!(out, "\nWhat its roles need that it lacks:\n");
        if c.lacks.is_empty() {
            let _ = writeln!(
                out,
                "- Nothing: it is at least {:.1} in every main need of its roles.",
                crate::brief::WEAK
            );
        }
        for l in &c.lacks {
            let who = match (&l.covered_by, &l.recruit) {
                (Some(cov), _) if cov.same_role => format!(
                    "{} ({}, {:.2}) brings it on the same role",
                    esc(&cov.partner_name),
                    code(&cov.partner),
                    cov.strength
                ),
                (Some(cov), _) => format!(
                    "{} ({}, {:.2}) has it in the line-up",
                    esc(&cov.partner_name),
                    code(&cov.partner),
                    cov.strength
                ),
                (None, Some(sector)) => format!(
                    "nobody in the line-up is strong in it: recruit from {}",
                    esc(&sector.to_lowercase())
                ),
                (None, None) => "nobody in the line-up is strong in it".to_string(),
            };
            let _ = writeln!(
                out,
                "- {} needs {} ({:.0}% of the role), where it has {:.2}: {who}",
                esc(&l.role_name),
                esc(&l.label),
                l.weight * 100.0,
                l.strength
            );
        }
    }
    if !c.others_bring.is_empty() {
        let _ = writeln!(out, "\nWhat others bring that it could not:\n");
        for x in &c.others_bring {
            let _ = writeln!(
                out,
                "- {} (importance {}): {} ({}) fits {:.2}; it would fit {:.2}",
                esc(&x.role_name),
                x.importance,
                esc(&x.holder_name),
                code(&x.holder),
                x.holder_fit,
                x.own_fit
            );
        }
    }
    if let Some(also) = super::could_also(c, &esc) {
        let _ = writeln!(out, "\n{also}");
    }
    if !c.to_confirm.is_empty() {
        let _ = writeln!(
            out,
            "\nTo ask it (the line-up rests on what it has not stated):\n"
        );
        for q in &c.to_confirm {
            let _ = writeln!(out, "- {}", esc(q));
        }
    }
}

fn risks(out: &mut String, p: &PartnerBrief) {
    let r = &p.risks;
    let _ = writeln!(out, "\n### 3. {}\n", QUESTIONS[2]);
    if r.flags.is_empty() {
        let _ = writeln!(out, "No flags on it in this line-up.");
    } else {
        let _ = writeln!(out, "Flags on it in this line-up:\n");
        for f in &r.flags {
            let _ = writeln!(
                out,
                "- **{}** {}: {} (rule {}; {})",
                f.severity.name(),
                esc(&f.kind),
                esc(&f.message),
                code(&f.rule),
                esc(&f.source)
            );
        }
    }
    if !r.avoided.is_empty() {
        let _ = writeln!(out, "\nKept out of roles by a rule:\n");
        for a in &r.avoided {
            let risk = a
                .risk
                .as_deref()
                .map(|x| format!(", against {}", esc(x)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} (fit {:.2}): rule {}, {}{risk} ({})",
                code(&a.role),
                a.fit,
                code(&a.rule),
                esc(&a.effect),
                esc(&a.source)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nIts sector's collaboration risks ({}):\n",
        esc(&r.source)
    );
    for s in &r.sector_risks {
        let status = if !s.raised.is_empty() {
            format!(
                "**raised here** by {}",
                s.raised
                    .iter()
                    .map(|x| code(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else if !s.avoided.is_empty() {
            format!("avoided: kept out of {}", list(&s.avoided))
        } else if s.rules.is_empty() {
            "no rule watches it: discuss it".to_string()
        } else {
            "not raised".to_string()
        };
        let rules = if s.rules.is_empty() {
            String::new()
        } else {
            format!(
                " (watched by {})",
                s.rules
                    .iter()
                    .map(|x| format!("{}: {}", code(&x.id), clause(&x.description)))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        let _ = writeln!(out, "- {}: {status}{rules}", esc(&s.label));
    }
}

fn success(out: &mut String, p: &PartnerBrief) {
    let s = &p.success;
    let _ = writeln!(out, "\n### 4. {}\n", QUESTIONS[3]);
    let _ = writeln!(
        out,
        "Its sector's rewards ({}): {}.",
        esc(&s.source),
        list(&s.rewards)
    );
    if !s.others.is_empty() {
        let _ = writeln!(out, "\nIts partners measure success differently:\n");
        for o in &s.others {
            let _ = writeln!(
                out,
                "- {} ({}): {}",
                esc(&o.sector_name),
                list(&o.partners),
                list(&o.rewards)
            );
        }
    }
}
