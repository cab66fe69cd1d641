//! One expectation against an [`Outcome`], in words: what was expected, and what was found.
//!
//! A failed expectation is read by whoever fixes the knowledge base, so "found" says what the
//! line-up did instead and what would explain it: who holds the role at which fit, the fits of
//! the partners expected to take it, the rules that kept them out, the flags raised nearby.

use super::{AdditionalityPattern, Expect, FlagPattern, Who};
use crate::additionality::Additionality;
use crate::explain::money::{MoneyStatus, RoleMoney};
use crate::explain::{AssignmentView, Flag, Outcome};
use crate::solve::Status;

/// Whether the expectation holds, what it expected, and what the outcome shows.
pub fn check(e: &Expect, o: &Outcome) -> (bool, String, String) {
    let expected = expected(e);
    let about_roles = matches!(
        e,
        Expect::Holds { .. }
            | Expect::NotHolds { .. }
            | Expect::Uncovered { .. }
            | Expect::Covered { .. }
            | Expect::Financed { .. }
            | Expect::Unfinanced { .. }
    );
    if o.status == Status::Infeasible && about_roles {
        let why: Vec<&str> = o.conflict.iter().map(|c| c.message.as_str()).collect();
        let found = format!(
            "no line-up: the scenario is infeasible ({})",
            if why.is_empty() {
                "no conflict named".to_string()
            } else {
                why.join("; ")
            }
        );
        return (false, expected, found);
    }
    let (passed, found) = match e {
        Expect::Holds { who, role, lead } => {
            let held = holders(o, role)
                .iter()
                .any(|a| matches_who(o, a, who) && (!lead || a.lead));
            let found = if held {
                describe_role(o, role)
            } else {
                format!("{}; {}", describe_role(o, role), candidates(o, who, role))
            };
            (held, found)
        }
        Expect::NotHolds { who, role, lead } => {
            let offending: Vec<&AssignmentView> = holders(o, role)
                .into_iter()
                .filter(|a| matches_who(o, a, who) && (!lead || a.lead))
                .collect();
            let found = if offending.is_empty() {
                describe_role(o, role)
            } else {
                let parts: Vec<String> = offending
                    .iter()
                    .map(|a| {
                        let flags = flags_on(o, &a.partner, role);
                        if flags.is_empty() {
                            format!("{} holds it", holder(a))
                        } else {
                            format!("{} holds it, flagged {}", holder(a), flags.join(", "))
                        }
                    })
                    .collect();
                parts.join("; ")
            };
            (offending.is_empty(), found)
        }
        Expect::Uncovered { role, recruit } => match gap(o, role) {
            Some(g) => {
                let named = recruit.as_ref().is_none_or(|s| g.sectors.contains(s));
                let found = if named {
                    describe_role(o, role)
                } else if g.sectors.is_empty() {
                    format!(
                        "it is uncovered, but no sector is suggested ({})",
                        g.suggestion
                    )
                } else {
                    format!(
                        "it is uncovered, but the suggestion names {} ({})",
                        g.sectors.join(", "),
                        g.suggestion
                    )
                };
                (named, found)
            }
            None => {
                let flags: Vec<String> = holders(o, role)
                    .iter()
                    .flat_map(|a| flags_on(o, &a.partner, role))
                    .collect();
                let found = if flags.is_empty() {
                    describe_role(o, role)
                } else {
                    format!("{}, flagged {}", describe_role(o, role), flags.join(", "))
                };
                (false, found)
            }
        },
        Expect::Covered { role } => {
            let found = match gap(o, role) {
                Some(g) if !g.why_not.is_empty() => {
                    format!("{}; {}", describe_role(o, role), g.why_not.join("; "))
                }
                _ => describe_role(o, role),
            };
            (gap(o, role).is_none(), found)
        }
        Expect::Flag(p) => check_flags(p, true, o),
        Expect::NoFlag(p) => check_flags(p, false, o),
        Expect::Status(s) => (o.status == *s, format!("the status is {}", o.status.name())),
        Expect::Fit {
            partner,
            role,
            at_least,
            below,
        } => match fit(o, partner, role) {
            Some(f) => (
                at_least.is_none_or(|lo| f >= lo) && below.is_none_or(|hi| f < hi),
                format!("{partner} fits it at {f:.2}"),
            ),
            None => (false, format!("{partner} is not in the line-up")),
        },
        Expect::Financed { role, by, in_full } => match money_of(o, role) {
            Some(m) => {
                let reaches = m.status != MoneyStatus::Unfinanced
                    && m.phases.iter().any(|ph| !ph.from.is_empty());
                let from_by = by.as_ref().is_none_or(|b| {
                    m.phases
                        .iter()
                        .any(|ph| ph.from.iter().any(|s| &s.funder == b))
                });
                let full = !in_full || m.phases.iter().all(|ph| ph.short <= 0.0);
                (reaches && from_by && full, describe_money(o, m))
            }
            None => (false, no_money(o, role)),
        },
        Expect::Unfinanced { role } => match money_of(o, role) {
            Some(m) => (m.status == MoneyStatus::Unfinanced, describe_money(o, m)),
            None => (false, no_money(o, role)),
        },
        // Judged on the funder's analysis, in `check_additionality`.
        Expect::Additionality(p) => (
            false,
            format!("no additionality analysis of {} was run", p.funder),
        ),
    };
    (passed, expected, found)
}

/// Whether a funder's money has the verdict and amounts the case expects.
pub fn check_additionality(
    p: &AdditionalityPattern,
    analysis: &Result<Additionality, String>,
) -> (bool, String, String) {
    let expected = additionality_text(p);
    let a = match analysis {
        Ok(a) => a,
        Err(e) => return (false, expected, format!("the analysis failed: {e}")),
    };
    // Amounts are money: equal to the currency unit, whatever the rounding of the report.
    let same = |want: Option<f64>, got: Option<f64>| {
        want.is_none_or(|w| got.is_some_and(|g| (w - g).abs() < 0.5))
    };
    let (verdict, additional, overlaps, leverages, what) = match &p.commitment {
        Some(id) => match a.commitments.iter().find(|j| &j.id == id) {
            Some(j) => (
                j.verdict,
                j.additional,
                j.crowded,
                // `+ 0.0`: an empty sum is -0.0, which would print as "-0".
                Some(j.leveraged.iter().filter_map(|l| l.amount).sum::<f64>() + 0.0),
                format!("{id} ({}): {}", j.role, j.explanation),
            ),
            None => {
                return (
                    false,
                    expected,
                    format!("{} has no commitment {id} in this line-up", p.funder),
                );
            }
        },
        None => (
            a.verdict,
            Some(a.money.additional),
            Some(a.money.crowded),
            Some(a.money.leveraged),
            a.summary.clone(),
        ),
    };
    let passed = p.verdict.is_none_or(|v| v == verdict)
        && same(p.additional, additional)
        && same(p.overlaps, overlaps)
        && same(p.leverages, leverages);
    let amount = |v: Option<f64>| v.map_or("not measurable".to_string(), |v| format!("{v:.0}"));
    let found = format!(
        "verdict {}, additional {}, overlaps {}, leverages {}; {what}",
        verdict.name(),
        amount(additional),
        amount(overlaps),
        amount(leverages),
    );
    (passed, expected, found)
}

fn additionality_text(p: &AdditionalityPattern) -> String {
    let whose = match &p.commitment {
        Some(c) => format!("{}'s commitment {c}", p.funder),
        None => format!("{}'s money", p.funder),
    };
    let mut parts = Vec::new();
    if let Some(v) = p.verdict {
        parts.push(format!("to be {}", v.name()));
    }
    for (name, v) in [
        ("additional", p.additional),
        ("overlapping others' money", p.overlaps),
        ("leveraged", p.leverages),
    ] {
        if let Some(v) = v {
            parts.push(format!("{v:.0} {name}"));
        }
    }
    format!("{whose} {}", parts.join(", "))
}

/// The money account of a role, when the scenario states money and the role has any.
fn money_of<'o>(o: &'o Outcome, role: &str) -> Option<&'o RoleMoney> {
    o.money.as_ref()?.roles.iter().find(|r| r.role == role)
}

/// Why a role has no money account.
fn no_money(o: &Outcome, role: &str) -> String {
    if o.money.is_none() {
        "the scenario states no money (no budget, commitment or `funds`)".to_string()
    } else {
        format!("{role} needs no money and none is committed to it")
    }
}

/// "public_financing: unfinanced; held by nobody; scale: budget USD 3,000,000; no money".
fn describe_money(o: &Outcome, m: &RoleMoney) -> String {
    let Some(account) = &o.money else {
        return String::new();
    };
    let holders = if m.holders.is_empty() {
        "nobody".to_string()
    } else {
        m.holders.join(", ")
    };
    let mut parts = vec![format!(
        "{}: {}; held by {holders}",
        m.role,
        m.status.name()
    )];
    parts.extend(crate::report::outcome::money::role_phase_lines(account, m));
    parts.join("; ")
}

/// A flag expectation: `present` for `Flag`, not for `NoFlag`.
fn check_flags(pattern: &FlagPattern, present: bool, o: &Outcome) -> (bool, String) {
    let matching: Vec<&Flag> = o
        .flags
        .iter()
        .filter(|f| matches_flag(pattern, f))
        .collect();
    if present {
        if let Some(f) = matching.first() {
            return (true, format!("raised: {}", flag_text(f)));
        }
        // What came close: the same kind or rule, or flags on the same partner and role.
        let near: Vec<String> = o
            .flags
            .iter()
            .filter(|f| {
                pattern.kind.as_ref().is_some_and(|k| &f.kind == k)
                    || pattern.rule.as_ref().is_some_and(|r| &f.rule == r)
                    || (pattern.partner.is_some()
                        && f.partner == pattern.partner
                        && (pattern.role.is_none() || f.role == pattern.role))
            })
            .take(5)
            .map(flag_text)
            .collect();
        let found = if near.is_empty() {
            "no such flag, nor any of that kind or on that partner".to_string()
        } else {
            format!("no such flag; raised nearby: {}", near.join("; "))
        };
        (false, found)
    } else {
        if matching.is_empty() {
            return (true, "no such flag".to_string());
        }
        let shown: Vec<String> = matching
            .iter()
            .take(3)
            .map(|f| format!("{}: {}", flag_text(f), f.message))
            .collect();
        (false, format!("raised: {}", shown.join("; ")))
    }
}

fn matches_flag(p: &FlagPattern, f: &Flag) -> bool {
    p.kind.as_ref().is_none_or(|k| &f.kind == k)
        && p.partner
            .as_ref()
            .is_none_or(|x| f.partner.as_ref() == Some(x))
        && p.role.as_ref().is_none_or(|x| f.role.as_ref() == Some(x))
        && p.rule.as_ref().is_none_or(|x| &f.rule == x)
        && p.severity.is_none_or(|s| f.severity == s)
        && p.at_least.is_none_or(|s| f.severity >= s)
}

/// `mission_drift (high) on ngo in commercialisation [civil_society_commercial_role]`
fn flag_text(f: &Flag) -> String {
    let mut out = format!("{} ({})", f.kind, f.severity);
    if let Some(p) = &f.partner {
        out.push_str(&format!(" on {p}"));
    }
    if let Some(r) = &f.role {
        out.push_str(&format!(" in {r}"));
    }
    out.push_str(&format!(" [{}]", f.rule));
    out
}

/// "a government partner", "an academia partner"
fn a_sector(sector: &str) -> String {
    let article = if sector.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {sector} partner")
}

fn expected(e: &Expect) -> String {
    let verb = |lead: bool| if lead { "lead" } else { "hold" };
    match e {
        Expect::Holds {
            who: Who::Partner(p),
            role,
            lead,
        } => format!("{p} to {} {role}", verb(*lead)),
        Expect::Holds {
            who: Who::Sector(s),
            role,
            lead,
        } => format!("{} to {} {role}", a_sector(s), verb(*lead)),
        Expect::NotHolds {
            who: Who::Partner(p),
            role,
            lead,
        } => format!("{p} not to {} {role}", verb(*lead)),
        Expect::NotHolds {
            who: Who::Sector(s),
            role,
            lead,
        } => format!("no {s} partner to {} {role}", verb(*lead)),
        Expect::Uncovered {
            role,
            recruit: None,
        } => format!("{role} to be uncovered"),
        Expect::Uncovered {
            role,
            recruit: Some(s),
        } => format!("{role} to be uncovered, with {s} among the sectors to recruit"),
        Expect::Covered { role } => format!("{role} to be covered"),
        Expect::Flag(p) => format!("a flag {}", pattern_text(p)),
        Expect::NoFlag(p) => format!("no flag {}", pattern_text(p)),
        Expect::Status(s) => format!("the status to be {}", s.name()),
        Expect::Financed { role, by, in_full } => {
            let mut s = format!("money to reach the holders of {role}");
            if let Some(b) = by {
                s.push_str(&format!(", some of it from {b}"));
            }
            if *in_full {
                s.push_str(", covering its budget in every phase");
            }
            s
        }
        Expect::Unfinanced { role } => {
            format!("{role} to be unfinanced (it needs money and none reaches a holder)")
        }
        Expect::Additionality(p) => additionality_text(p),
        Expect::Fit {
            partner,
            role,
            at_least,
            below,
        } => match (at_least, below) {
            (Some(lo), Some(hi)) => format!("{partner} to fit {role} at {lo} or more, below {hi}"),
            (Some(lo), None) => format!("{partner} to fit {role} at {lo} or more"),
            (None, Some(hi)) => format!("{partner} to fit {role} below {hi}"),
            (None, None) => format!("{partner} to fit {role}"),
        },
    }
}

/// "of kind conflict_of_interest (high) on ngo in independent_evaluation from rule x"
fn pattern_text(p: &FlagPattern) -> String {
    let mut out = Vec::new();
    if let Some(k) = &p.kind {
        out.push(format!("of kind {k}"));
    }
    if let Some(s) = p.severity {
        out.push(format!("of severity {s}"));
    }
    if let Some(s) = p.at_least {
        out.push(format!("of severity {s} or more"));
    }
    if let Some(x) = &p.partner {
        out.push(format!("on {x}"));
    }
    if let Some(x) = &p.role {
        out.push(format!("in {x}"));
    }
    if let Some(x) = &p.rule {
        out.push(format!("from rule {x}"));
    }
    out.join(" ")
}

fn holders<'o>(o: &'o Outcome, role: &str) -> Vec<&'o AssignmentView> {
    o.assignments.iter().filter(|a| a.role == role).collect()
}

fn matches_who(o: &Outcome, a: &AssignmentView, who: &Who) -> bool {
    match who {
        Who::Partner(p) => &a.partner == p,
        Who::Sector(s) => o
            .partners
            .iter()
            .any(|v| v.id == a.partner && &v.sector == s),
    }
}

fn gap<'o>(o: &'o Outcome, role: &str) -> Option<&'o crate::explain::Gap> {
    o.uncovered.iter().find(|g| g.role == role)
}

fn fit(o: &Outcome, partner: &str, role: &str) -> Option<f64> {
    let p = o.partners.iter().position(|v| v.id == partner)?;
    let r = o.roles.iter().position(|v| v.id == role)?;
    Some(o.cells[p][r].fit)
}

/// "acme (business, fit 0.41, lead)"
fn holder(a: &AssignmentView) -> String {
    let lead = if a.lead { ", lead" } else { "" };
    let pinned = if a.pinned { ", pinned" } else { "" };
    format!(
        "{} ({}, fit {:.2}{lead}{pinned})",
        a.partner, a.sector, a.fit
    )
}

/// Who holds the role, and the gap if partners are missing.
fn describe_role(o: &Outcome, role: &str) -> String {
    let held: Vec<String> = holders(o, role).into_iter().map(holder).collect();
    let mut out = if held.is_empty() {
        "it is uncovered".to_string()
    } else {
        format!("it is held by {}", held.join(" and "))
    };
    if let Some(g) = gap(o, role) {
        if !held.is_empty() {
            out.push_str(&format!(", {} partner(s) missing", g.missing));
        }
        if g.sectors.is_empty() {
            out.push_str(" (no sector suggested to recruit)");
        } else {
            out.push_str(&format!(" (recruit: {})", g.sectors.join(", ")));
        }
    }
    out
}

fn flags_on(o: &Outcome, partner: &str, role: &str) -> Vec<String> {
    o.flags
        .iter()
        .filter(|f| f.partner.as_deref() == Some(partner) && f.role.as_deref() == Some(role))
        .map(flag_text)
        .collect()
}

/// The partners the expectation names, with their fit for the role, what they hold instead
/// and what kept them out.
fn candidates(o: &Outcome, who: &Who, role: &str) -> String {
    let Some(r) = o.roles.iter().position(|v| v.id == role) else {
        return String::new();
    };
    let named: Vec<String> = o
        .partners
        .iter()
        .enumerate()
        .filter(|(_, v)| match who {
            Who::Partner(p) => &v.id == p,
            Who::Sector(s) => &v.sector == s,
        })
        .map(|(i, v)| {
            let cell = o.cells[i][r];
            let mut s = format!("{} ({}) fits it at {:.2}", v.id, v.sector, cell.fit);
            if cell.held && !cell.lead {
                s.push_str(", supports it");
            }
            if cell.blocked {
                let why: Vec<String> = o
                    .avoided
                    .iter()
                    .filter(|a| a.partner == v.id && a.role == role)
                    .map(|a| format!("{} ({})", a.rule, a.effect))
                    .collect();
                if why.is_empty() {
                    s.push_str(", kept out (refused or forbidden)");
                } else {
                    s.push_str(&format!(", kept out by {}", why.join(", ")));
                }
            } else if let Some(a) = o
                .avoided
                .iter()
                .find(|a| a.partner == v.id && a.role == role)
            {
                s.push_str(&format!(", kept out by {} ({})", a.rule, a.effect));
            }
            let other: Vec<&str> = v
                .roles
                .iter()
                .filter(|x| x.as_str() != role)
                .map(String::as_str)
                .collect();
            if other.is_empty() {
                s.push_str(", holds no other role");
            } else {
                s.push_str(&format!(
                    ", holds {} (capacity {})",
                    other.join(", "),
                    v.capacity
                ));
            }
            s
        })
        .collect();
    match who {
        Who::Sector(s) if named.is_empty() => format!("no {s} partner is in the line-up"),
        _ => named.join("; "),
    }
}
