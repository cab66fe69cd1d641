//! `recommend`, `recruit` and `fragility`: a ranked table of trials, as text, Markdown, JSON or
//! HTML. Why a trial has no line-up and what it changes are put in words here, once.

pub mod html;
pub mod json;
mod markdown;
mod text;

pub use json::render as json;
pub use markdown::render as markdown;
pub use text::render as text;

use crate::explain::Outcome;
use crate::explore::Trial;

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
pub(super) fn why_not(t: &Trial) -> Option<String> {
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
pub(super) fn effect(t: &Trial) -> String {
    let Some(d) = &t.delta else {
        return String::new();
    };
    let mut parts = vec![
        format!(
            "objective {}",
            crate::report::signed_num(d.objective_delta, 2)
        ),
        format!(
            "coverage {} pts",
            crate::report::signed_num(d.coverage_delta * 100.0, 0)
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
pub(super) fn asked(t: &Trial) -> &'static str {
    if t.asked_for {
        " [asked for by the partner]"
    } else {
        ""
    }
}
