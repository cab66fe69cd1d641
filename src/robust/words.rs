//! The assessment in words, one sentence per finding, shared by every renderer (the reasons of an
//! assignment, the close calls, a brief's page, a comparison).

use super::{CloseCall, Evidence, Flip, Held, Instead, Margin, Robustness, TieBreak};
use crate::explain::round;

/// "1.23" (two places; what every report shows of a margin or a strength).
fn num(v: f64) -> String {
    format!("{:.2}", round(v, 2))
}

/// A margin or a change, which can be real and below a hundredth: "1.23", "0.004".
fn small(v: f64) -> String {
    if v.abs() >= 0.005 || v == 0.0 {
        num(v)
    } else {
        format!("{:.3}", round(v, 3))
            .trim_end_matches('0')
            .to_string()
    }
}

/// "94%".
pub fn percent(share: f64) -> String {
    format!("{:.0}%", round(share * 100.0, 0))
}

/// What was done, for a report's headline: "25 perturbed samples (seed 1; up to 100, stopped
/// once every role was clearly above or below 80%): assumed capabilities +-0.10, stated +-0.05;
/// 1 close call (stability below 80% or a tie)".
pub fn summary(r: &Robustness) -> String {
    let mut drawn = format!("{} perturbed samples (seed {}", r.drawn, r.seed);
    if r.drawn < r.samples {
        drawn.push_str(&format!(
            "; up to {}, stopped once every role was clearly above or below {}",
            r.samples,
            percent(r.close_call)
        ));
    }
    drawn.push(')');
    if r.solved < r.drawn {
        drawn.push_str(&format!(", {} solved in time", r.solved));
    }
    let calls = match r.close_calls.len() {
        0 => "no close calls".to_string(),
        1 => "1 close call".to_string(),
        n => format!("{n} close calls"),
    };
    let approximate = if r.approximate {
        "; approximate: the time limit cut the search short"
    } else {
        ""
    };
    format!(
        "{drawn}: assumed capabilities \u{b1}{}, stated \u{b1}{}; {calls} (stability below {} or a tie){approximate}",
        num(r.noise),
        num(r.noise * super::STATED_NOISE_SHARE),
        percent(r.close_call)
    )
}

/// "ucad states 3 of the 4 capabilities the role needs, rm_dakar none".
fn evidence(holder: &str, h: Evidence, runner: &str, r: Evidence) -> String {
    let held = if h.stated == h.needed {
        format!("all {}", h.needed)
    } else {
        format!("{} of the {}", h.stated, h.needed)
    };
    let other = match r.stated {
        0 => "none".to_string(),
        n => n.to_string(),
    };
    format!("{holder} states {held} capabilities the role needs, {runner} {other}")
}

/// Why the holder won an exact tie.
pub fn tie_words(h: &Held) -> Option<String> {
    let tie = h.tie?;
    let runner = h.runner_up.as_deref().unwrap_or("nobody");
    let at = format!("tie with {runner} at {}", num(h.value));
    Some(match tie {
        TieBreak::StatedEvidence { holder, runner_up } => format!(
            "{at}: broken by stated evidence ({})",
            evidence(&h.partner, holder, runner, runner_up)
        ),
        TieBreak::IdOrder { holder, .. } => {
            let both = match holder.stated {
                0 => "neither states any of the capabilities the role needs".to_string(),
                n if n == holder.needed => {
                    format!("both state all {n} capabilities the role needs")
                }
                n => format!(
                    "both state {n} of the {} capabilities the role needs",
                    holder.needed
                ),
            };
            format!(
                "{at}: broken by id order ({} comes before {runner}; {both})",
                h.partner
            )
        }
        TieBreak::LineUp => format!(
            "tie with {runner}: the best line-up {} is worth as much, with other roles moving too; broken by the stated evidence and id order of the whole line-up",
            without(h)
        ),
        TieBreak::Open => format!(
            "tie with leaving the role open: the best line-up {} is worth as much",
            without(h)
        ),
    })
}

/// The line-up the margin compares with: "without msas in the role", or "with relais not
/// leading it" for the lead of a role of several partners.
fn without(h: &Held) -> String {
    if h.lead && h.shared {
        format!("with {} not leading the role", h.partner)
    } else {
        format!("without {} in the role", h.partner)
    }
}

/// Why the holder keeps the role rather than its runner-up: the value the line-up would lose,
/// or what broke an exact tie.
pub fn why_not(h: &Held) -> String {
    match h.margin {
        Margin::Pinned => "the facilitator pinned the role, so no runner-up was sought".to_string(),
        Margin::Required => format!("no line-up satisfies the hard constraints {}", without(h)),
        Margin::Unknown => {
            "the time limit ran out before the line-up without it was found".to_string()
        }
        Margin::Points(points) => tie_words(h).unwrap_or_else(|| {
            format!(
                "the best line-up {} is worth {} less",
                without(h),
                small(points)
            )
        }),
    }
}

/// The runner-up line of an assignment's reasons: "runner-up: rm_dakar (fit 0.80); the best
/// line-up without msas in the role is worth 1.23 less".
pub fn runner_up_words(h: &Held) -> String {
    let who = match (&h.runner_up, h.runner_up_fit, h.margin) {
        (Some(r), Some(fit), _) => format!("{r} (fit {})", num(fit)),
        (_, _, Margin::Points(_)) if h.lead => "nobody, the role is left open".to_string(),
        (_, _, Margin::Points(_)) => "nobody takes its place".to_string(),
        _ => "none".to_string(),
    };
    format!("runner-up: {who}; {}", why_not(h))
}

/// "most often rm_dakar (12 samples)" / "nobody (3)".
fn instead_words(i: &Instead) -> String {
    let who = i.partner.as_deref().unwrap_or("nobody");
    let s = if i.samples == 1 { "" } else { "s" };
    format!("{who} ({} sample{s})", i.samples)
}

/// The stability line of an assignment's reasons.
pub fn stability_words(h: &Held, r: &Robustness) -> String {
    let verb = if h.lead { "leads" } else { "holds" };
    let mut s = format!(
        "stability {}: {} still {verb} it in {} of {} perturbed samples",
        percent(h.stability),
        h.partner,
        h.kept,
        r.solved
    );
    if !h.instead.is_empty() {
        let others: Vec<String> = h.instead.iter().take(3).map(instead_words).collect();
        s.push_str(&format!("; otherwise {}", others.join(", ")));
    }
    s
}

/// The robustness lines of an assignment's reasons: its runner-up (or tie) and its stability.
pub fn reasons(h: &Held, r: &Robustness) -> Vec<String> {
    vec![runner_up_words(h), stability_words(h, r)]
}

/// "a drop of about 0.06 in msas's assumed interagency_coordination (0.60) would hand it to
/// rm_dakar".
pub fn flip_words(f: &Flip) -> String {
    let how = if f.drop { "drop" } else { "rise" };
    let size = if f.change == 0.0 {
        format!("the slightest {how}")
    } else {
        format!("a {how} of about {}", small(f.change))
    };
    let origin = if f.stated { "stated" } else { "assumed" };
    let to = match &f.to {
        Some(t) => format!("hand it to {t}"),
        None => "leave it open".to_string(),
    };
    format!(
        "{size} in {}'s {origin} {} ({}) would {to}",
        f.partner,
        f.capability,
        num(f.strength)
    )
}

/// One close call in a sentence: who holds it and how firmly, what flips it.
pub fn close_call_words(c: &CloseCall, r: &Robustness) -> String {
    let verb = if c.lead { "leads" } else { "holds" };
    let mut parts = vec![format!(
        "{} {verb} {} in {} of the samples",
        c.partner,
        c.role,
        percent(c.stability)
    )];
    match (c.margin, &c.runner_up) {
        (Margin::Points(_), Some(r)) if c.tie => parts.push(format!("an exact tie with {r}")),
        (Margin::Points(_), None) if c.tie => {
            parts.push("an exact tie with leaving it open".to_string())
        }
        (Margin::Points(m), Some(r)) => parts.push(format!("margin {} over {r}", small(m))),
        (Margin::Points(m), None) if c.lead => {
            parts.push(format!("margin {} over leaving it open", small(m)))
        }
        (Margin::Points(m), None) => {
            parts.push(format!("margin {} over nobody taking its place", small(m)))
        }
        _ => {}
    }
    if let Some(i) = &c.instead {
        parts.push(format!("most often instead: {}", instead_words(i)));
    }
    if let Some(f) = &c.flip {
        parts.push(flip_words(f));
    }
    let mut s = parts.join("; ");
    if r.approximate {
        s.push_str(" (approximate)");
    }
    s
}
