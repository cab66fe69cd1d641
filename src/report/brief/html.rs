//! The brief as one self-contained HTML page: an overview of the line-up, then one printed page
//! per partner with its four answers and a chart of its strongest capabilities against its
//! sector's profile.

use crate::brief::{Brief, Firmness, HeldRole, PartnerBrief, QUESTIONS};
use crate::report::shared::html::{
    BarChart, Html, Panel, conflict_section, flags_list, notes_section, num, page,
};
use crate::robust::{Robustness, words};
use crate::solve::Status;

/// The dialogue brief as a printable HTML page.
pub fn render(b: &Brief) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem("h1", &[], &format!("Dialogue brief: {}", b.scenario));
    let subtitle = match &b.variant {
        Some(v) => format!("Variant \u{201c}{v}\u{201d}"),
        None => "Recommended line-up".to_string(),
    };
    h.elem("p", &[("class", "subtitle")], &subtitle);
    h.elem("p", &[], crate::brief::INTRO);
    h.close();
    h.open("main", &[]);
    notes_section(&mut h, &b.notes);
    h.open("section", &[("id", "line-up")]);
    h.elem("h2", &[], "The line-up");
    if b.status == Status::Infeasible {
        conflict_section(&mut h, &b.conflict);
        h.elem(
            "p",
            &[("class", "muted")],
            "The pages answer from the sector profiles and the partners' own data only.",
        );
    } else {
        h.elem(
            "p",
            &[],
            &format!(
                "Status {}, objective {}, {}% of the needed importance covered.",
                b.status.name(),
                num(b.objective, 2),
                num(b.coverage * 100.0, 0)
            ),
        );
        if let Some(r) = &b.robustness {
            h.elem(
                "p",
                &[("class", "muted small")],
                &format!("Robustness: {}", words::summary(r)),
            );
        }
    }
    h.table_head(&[], &[], ["Partner", "Sector", "Roles"]);
    for m in &b.line_up {
        h.open("tr", &[]);
        h.open("td", &[]);
        if b.partners.iter().any(|p| p.id == m.id) {
            h.elem("a", &[("href", &format!("#partner-{}", m.id))], &m.name);
        } else {
            h.text(&m.name);
        }
        h.text(" ");
        h.elem("code", &[], &m.id);
        h.close();
        h.elem("td", &[], &m.sector_name);
        h.open("td", &[]);
        roles(&mut h, &m.roles);
        h.close();
        h.close();
    }
    h.close().close();
    h.close();
    let solved = b.status != Status::Infeasible;
    for p in &b.partners {
        partner(&mut h, p, solved, b.robustness.as_ref());
    }
    h.close();
    let title = match &b.variant {
        Some(v) => format!("{} ({v}): dialogue brief", b.scenario),
        None => format!("{}: dialogue brief", b.scenario),
    };
    page(&title, h)
}

fn roles(h: &mut Html, roles: &[HeldRole]) {
    if roles.is_empty() {
        h.elem("span", &[("class", "muted")], "none");
        return;
    }
    for (i, r) in roles.iter().enumerate() {
        let line = format!("{} ({})", r.role_name, r.how());
        if i > 0 {
            h.text(" ");
        }
        h.elem(
            "span",
            &[
                (
                    "class",
                    if r.lead {
                        "badge tag"
                    } else {
                        "badge sev-info"
                    },
                ),
                ("data-role", &r.role),
            ],
            &line,
        );
    }
}

/// How firmly it holds its roles, and the close calls that concern it.
fn firmness(h: &mut Html, f: &Firmness, r: &Robustness) {
    if f.roles.is_empty() && f.could_win.is_empty() {
        return;
    }
    h.open("div", &[("class", "firmness")]);
    h.elem("h3", &[], "How firm its roles are");
    h.open("ul", &[]);
    for (name, held) in &f.roles {
        h.open("li", &[("data-role", &held.role)]);
        h.elem("strong", &[], name);
        h.text(&format!(
            ": {}; {}",
            words::runner_up_words(held),
            words::stability_words(held, r)
        ));
        h.close();
    }
    for (label, calls) in [
        ("Close call: ", &f.close_calls),
        ("Could go its way: ", &f.could_win),
    ] {
        for c in calls {
            h.open("li", &[("class", "close-call"), ("data-role", &c.role)]);
            h.elem("strong", &[], label);
            h.text(&words::close_call_words(c, r));
            h.close();
        }
    }
    h.close();
    h.close();
}

/// `solved`: a line-up exists (without one, nothing can be said about roles held).
fn partner(h: &mut Html, p: &PartnerBrief, solved: bool, robustness: Option<&Robustness>) {
    h.open(
        "section",
        &[
            ("class", "page"),
            ("id", &format!("partner-{}", p.id)),
            ("data-partner", &p.id),
        ],
    );
    h.elem("h2", &[], &p.name);
    h.open("p", &[("class", "subtitle")]);
    h.elem("code", &[], &p.id);
    h.text(&format!(
        " \u{00b7} {} \u{00b7} capacity {} \u{00b7} ",
        p.sector_name, p.capacity
    ));
    if !solved {
        h.text("no line-up (the demands conflict)");
    } else if p.roles.is_empty() {
        h.text("no role in this line-up");
    } else {
        roles(h, &p.roles);
    }
    h.close();
    if let (Some(f), Some(r)) = (&p.firmness, robustness) {
        firmness(h, f, r);
    }
    h.open("div", &[("class", "grid2")]);
    motivation(h, p, solved);
    competencies(h, p);
    risks(h, p);
    success(h, p);
    h.close();
    h.close();
}

fn question(h: &mut Html, n: usize) {
    h.open(
        "div",
        &[
            ("class", "question"),
            ("data-question", &(n + 1).to_string()),
        ],
    );
    h.elem("h3", &[], &format!("{}. {}", n + 1, QUESTIONS[n]));
}

fn source(h: &mut Html, what: &str, source: &str) {
    h.open("p", &[("class", "small muted")]);
    h.text(what);
    h.text(" (");
    h.text(source);
    h.text(")");
    h.close();
}

fn motivation(h: &mut Html, p: &PartnerBrief, solved: bool) {
    let m = &p.motivation;
    question(h, 0);
    source(
        h,
        "Its sector's motives; bold: served by its roles",
        &m.source,
    );
    h.open("ul", &[]);
    for x in &m.motives {
        h.open("li", &[("data-motive", &x.id)]);
        if x.served_by.is_empty() {
            h.text(&x.label);
            if solved {
                h.elem("span", &[("class", "muted")], ": not served by its roles");
            }
        } else {
            h.elem("strong", &[], &x.label);
            h.text(&format!(": served by {}", x.served_by.join(", ")));
        }
        if !x.shared_with.is_empty() {
            h.elem(
                "span",
                &[("class", "muted small")],
                &format!("; shared with {}", x.shared_with.join(", ")),
            );
        }
        h.close();
    }
    h.close();
    if !m.wishes.is_empty() {
        h.elem(
            "p",
            &[("class", "wishes")],
            &crate::brief::wishes_line(&m.wishes, solved),
        );
    }
    // Without a line-up, roles held say nothing about motives.
    if solved && p.roles.is_empty() {
        h.elem(
            "p",
            &[],
            "It holds no role in this line-up: ask what would make taking part worth its while.",
        );
    } else if solved && m.motives.iter().all(|x| x.served_by.is_empty()) {
        h.elem(
            "p",
            &[],
            "None of its roles serves a motive of its sector: ask what it expects to gain.",
        );
    }
    h.close();
}

fn competencies(h: &mut Html, p: &PartnerBrief) {
    let c = &p.competencies;
    question(h, 1);
    source(
        h,
        "Its strongest capabilities (assumed until the partner states them); the tick is its type's or sector's default, advantages from",
        &c.source,
    );
    let mut strength = Panel::new("strength", c.strengths.iter().map(|s| s.value).collect());
    strength.marks = c.strengths.iter().map(|s| Some(s.default)).collect();
    strength.mark_label = "default".into();
    strength.domain = Some((0.0, 1.0));
    let chart = BarChart {
        label: format!("Strongest capabilities of {}", p.name),
        rows: c
            .strengths
            .iter()
            .map(|s| {
                format!(
                    "{} ({})",
                    s.label,
                    if s.stated { "stated" } else { "assumed" }
                )
            })
            .collect(),
        panels: vec![strength],
    };
    h.open("figure", &[("class", "chart")]);
    h.append(chart.svg());
    h.close();
    if !c.below_profile.is_empty() {
        h.open("p", &[]);
        h.text("Weaker than its type or sector usually is: ");
        let below: Vec<String> = c
            .below_profile
            .iter()
            .map(|s| {
                format!(
                    "{} {} (default {})",
                    s.label,
                    num(s.value, 2),
                    num(s.default, 2)
                )
            })
            .collect();
        h.text(&below.join(", "));
        h.text(".");
        h.close();
    }
    if !p.roles.is_empty() {
        h.elem("p", &[], "What its roles need that it lacks:");
        h.open("ul", &[("class", "lacks")]);
        if c.lacks.is_empty() {
            h.elem(
                "li",
                &[],
                &format!(
                    "Nothing: it is at least {} in every main need of its roles.",
                    num(crate::brief::WEAK, 1)
                ),
            );
        }
        for l in &c.lacks {
            let who = match (&l.covered_by, &l.recruit) {
                (Some(cov), _) if cov.same_role => format!(
                    "{} ({}, {}) brings it on the same role",
                    cov.partner_name,
                    cov.partner,
                    num(cov.strength, 2)
                ),
                (Some(cov), _) => format!(
                    "{} ({}, {}) has it in the line-up",
                    cov.partner_name,
                    cov.partner,
                    num(cov.strength, 2)
                ),
                (None, Some(sector)) => format!(
                    "nobody in the line-up is strong in it: recruit from {}",
                    sector.to_lowercase()
                ),
                (None, None) => "nobody in the line-up is strong in it".to_string(),
            };
            h.open("li", &[("data-capability", &l.capability)]);
            h.text(&format!("{} needs ", l.role_name));
            h.elem("strong", &[], &l.label);
            h.text(&format!(
                " ({}% of the role), where it has {}: {who}",
                num(l.weight * 100.0, 0),
                num(l.strength, 2)
            ));
            h.close();
        }
        h.close();
    }
    if !c.others_bring.is_empty() {
        h.elem("p", &[], "What others bring that it could not:");
        h.open("ul", &[]);
        for x in &c.others_bring {
            h.elem(
                "li",
                &[],
                &format!(
                    "{} (importance {}): {} ({}) fits {}; it would fit {}",
                    x.role_name,
                    x.importance,
                    x.holder_name,
                    x.holder,
                    num(x.holder_fit, 2),
                    num(x.own_fit, 2)
                ),
            );
        }
        h.close();
    }
    if let Some(also) = super::could_also(c, &|s| s.to_string()) {
        h.elem("p", &[], &also);
    }
    if !c.to_confirm.is_empty() {
        h.elem(
            "p",
            &[],
            "To ask it (the line-up rests on what it has not stated):",
        );
        h.open("ul", &[("class", "to-confirm")]);
        for q in &c.to_confirm {
            h.elem("li", &[], q);
        }
        h.close();
    }
    h.close();
}

fn risks(h: &mut Html, p: &PartnerBrief) {
    let r = &p.risks;
    question(h, 2);
    if r.flags.is_empty() {
        h.elem("p", &[], "No flags on it in this line-up.");
    } else {
        h.elem("p", &[], "Flags on it in this line-up:");
        flags_list(h, &r.flags);
    }
    if !r.avoided.is_empty() {
        h.elem("p", &[], "Kept out of roles by a rule:");
        h.open("ul", &[("class", "avoided")]);
        for a in &r.avoided {
            h.open("li", &[("data-role", &a.role)]);
            h.elem("code", &[], &a.role);
            h.text(&format!(" (fit {}): rule ", num(a.fit, 2)));
            h.elem("code", &[], &a.rule);
            h.text(&format!(", {}", a.effect));
            if let Some(risk) = &a.risk {
                h.text(&format!(", against {risk}"));
            }
            h.text(" ");
            h.elem(
                "span",
                &[("class", "muted small")],
                &format!("({})", a.source),
            );
            h.close();
        }
        h.close();
    }
    source(h, "Its sector's collaboration risks", &r.source);
    h.open("ul", &[("class", "risks")]);
    for s in &r.sector_risks {
        let (state, status) = if !s.raised.is_empty() {
            ("raised", format!("raised by {}", s.raised.join(", ")))
        } else if !s.avoided.is_empty() {
            (
                "avoided",
                format!("avoided: kept out of {}", s.avoided.join(", ")),
            )
        } else if s.rules.is_empty() {
            ("unwatched", "no rule watches it: discuss it".to_string())
        } else {
            ("quiet", "not raised".to_string())
        };
        h.open("li", &[("data-risk", &s.id), ("data-state", state)]);
        h.elem("strong", &[], &s.label);
        h.text(" ");
        let class = match state {
            "raised" => "badge sev-high",
            "avoided" => "badge sev-low",
            _ => "badge sev-info",
        };
        h.elem("span", &[("class", class)], &status);
        if !s.rules.is_empty() {
            h.open("span", &[("class", "small muted watchers")]);
            h.text(" watched by ");
            for (i, rule) in s.rules.iter().enumerate() {
                if i > 0 {
                    h.text("; ");
                }
                h.elem("code", &[], &rule.id);
                h.text(": ");
                h.text(rule.description.trim_end_matches('.'));
            }
            h.close();
        }
        h.close();
    }
    h.close();
    h.close();
}

fn success(h: &mut Html, p: &PartnerBrief) {
    let s = &p.success;
    question(h, 3);
    source(h, "Its sector's rewards", &s.source);
    h.open("p", &[]);
    for (i, r) in s.rewards.iter().enumerate() {
        if i > 0 {
            h.text(" ");
        }
        h.elem("span", &[("class", "badge tag")], r);
    }
    h.close();
    if !s.others.is_empty() {
        h.elem("p", &[], "Its partners measure success differently:");
        h.open("ul", &[("class", "others")]);
        for o in &s.others {
            h.open("li", &[]);
            h.elem("strong", &[], &o.sector_name);
            h.text(&format!(
                " ({}): {}",
                o.partners.join(", "),
                o.rewards.join(", ")
            ));
            h.close();
        }
        h.close();
    }
    h.close();
}
