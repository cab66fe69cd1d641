//! `recommend`, `recruit` and `fragility` as text, Markdown and JSON: a ranked table of trials.

use super::json::{flag_json, outcome_json};
use super::markdown::escape;
use crate::explain::{Outcome, round};
use crate::explore::{Exploration, Trial};
use serde_json::{Value, json};
use std::fmt::Write;

/// The fit of a partner to a role in an outcome's matrix, if both are in it.
pub fn fit_of(o: &Outcome, partner: &str, role: &str) -> Option<f64> {
    let p = o.partners.iter().position(|x| x.id == partner)?;
    let r = o.roles.iter().position(|x| x.id == role)?;
    Some(o.cells[p][r].fit)
}

/// What a trial the time limit left out shows instead of its effect.
pub const UNTRIED: &str = "Not tried: the time limit ran out first.";

/// Why a trial has no line-up: the refusal, the time limit, or the first demand of the
/// conflict it creates.
fn why_not(t: &Trial) -> Option<String> {
    if let Some(r) = &t.refused {
        return Some(r.clone());
    }
    if t.untried {
        return Some("not tried: the time limit ran out first".into());
    }
    let o = t.outcome.as_ref()?;
    if o.status != crate::solve::Status::Infeasible {
        return None;
    }
    // The trial's own pin is the change being tried; the other demands are the reason.
    let own_pin = |c: &&crate::explain::ConflictItem| {
        c.rule == "pin"
            && (c.partner.as_deref() == Some(&t.subject) || c.role.as_deref() == Some(&t.subject))
    };
    let parts: Vec<&str> = o
        .conflict
        .iter()
        .filter(|c| !own_pin(c))
        .map(|c| c.message.as_str())
        .collect();
    Some(format!("impossible: {}", parts.join("; ")))
}

/// One trial's effect in words: value change, gaps, the flags it raises on its subject.
fn effect(t: &Trial) -> String {
    let Some(d) = &t.delta else {
        return String::new();
    };
    let mut parts = vec![
        format!("objective {}", super::signed_num(d.objective_delta, 2)),
        format!(
            "coverage {} pts",
            super::signed_num(d.coverage_delta * 100.0, 0)
        ),
    ];
    if !t.gaps_closed.is_empty() {
        parts.push(format!("closes {}", t.gaps_closed.join(", ")));
    }
    if !t.gaps_opened.is_empty() {
        parts.push(format!("opens {}", t.gaps_opened.join(", ")));
    }
    if !t.roles.is_empty() {
        parts.push(format!("would hold {}", t.roles.join(", ")));
    }
    let raised: Vec<String> = d
        .raised
        .iter()
        .map(|f| format!("{} {} ({})", f.severity.name(), f.kind, f.rule))
        .collect();
    if !raised.is_empty() {
        parts.push(format!("raises {}", raised.join(", ")));
    }
    if !d.cleared.is_empty() {
        parts.push(format!("clears {}", d.cleared.len()));
    }
    parts.join("; ")
}

/// The mark of a role the partner asked for.
fn asked(t: &Trial) -> &'static str {
    if t.asked_for {
        " [asked for by the partner]"
    } else {
        ""
    }
}

pub fn text(e: &Exploration) -> String {
    let mut out = format!(
        "{}: {}\nbase line-up: objective {:.2}, {:.0}% covered\n\n",
        e.scenario,
        e.question,
        e.base.objective,
        e.base.coverage * 100.0
    );
    for note in &e.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if !e.notes.is_empty() {
        out.push('\n');
    }
    for (rank, t) in e.trials.iter().enumerate() {
        match why_not(t) {
            Some(why) => {
                let _ = writeln!(out, " -  {}{}: cannot ({why})", t.subject, asked(t));
            }
            None => {
                let _ = writeln!(
                    out,
                    "{:>2}. {} ({}){}",
                    rank + 1,
                    t.subject,
                    t.change,
                    asked(t)
                );
                let _ = writeln!(out, "    {}", effect(t));
            }
        }
    }
    out
}

pub fn markdown(e: &Exploration) -> String {
    let mut out = format!(
        "# {}: {}\n\nBase line-up: objective {:.2}, {:.0}% covered.\n\n",
        escape(&e.scenario),
        escape(&e.question),
        e.base.objective,
        e.base.coverage * 100.0
    );
    for note in &e.notes {
        let _ = writeln!(out, "> {}\n", escape(note));
    }
    out.push_str("| # | Subject | Change | Effect |\n|---:|---|---|---|\n");
    for (rank, t) in e.trials.iter().enumerate() {
        let (n, effect) = match why_not(t) {
            Some(why) => ("–".to_string(), format!("cannot: {why}")),
            None => ((rank + 1).to_string(), effect(t)),
        };
        let _ = writeln!(
            out,
            "| {n} | {}{} | {} | {} |",
            escape(&t.subject),
            if t.asked_for { " (asked for)" } else { "" },
            escape(&t.change),
            escape(&effect)
        );
    }
    out
}

pub fn json(e: &Exploration) -> Value {
    json!({
        "scenario": e.scenario,
        "question": e.question,
        "base": {"objective": round(e.base.objective, 4), "coverage": round(e.base.coverage, 4)},
        "ranking": e.trials.iter().enumerate().map(|(i, t)| json!({
            "rank": if why_not(t).is_none() { json!(i + 1) } else { Value::Null },
            "subject": t.subject,
            "change": t.change,
            "possible": why_not(t).is_none(),
            "asked_for": t.asked_for,
            "why_not": why_not(t),
            "objective_delta": t.objective_delta().map(|v| round(v, 4)),
            "coverage_delta": t.delta.as_ref().filter(|_| t.feasible()).map(|d| round(d.coverage_delta, 4)),
            "gaps_closed": t.gaps_closed,
            "gaps_opened": t.gaps_opened,
            "roles": t.roles,
            "raised": t.delta.iter().flat_map(|d| &d.raised).map(flag_json).collect::<Vec<_>>(),
            "cleared": t.delta.iter().flat_map(|d| &d.cleared).map(flag_json).collect::<Vec<_>>(),
            "tried": !t.untried,
            "proven": t.outcome.as_ref().is_some_and(|o| o.status != crate::solve::Status::Feasible),
            "result": t.outcome.as_ref().map(outcome_json),
        })).collect::<Vec<_>>(),
        "notes": e.notes,
    })
}
