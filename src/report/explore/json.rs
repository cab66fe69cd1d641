//! The ranked trials as JSON, each with its full result.

use super::why_not;
use crate::explain::round;
use crate::explore::{Exploration, Trial};
use crate::report::outcome::json::{FlagJson, OutcomeJson, flag_json, outcome_json};
use crate::report::shared::json::Sorted;
use serde::Serialize;

// Fields in the order the output has always had (alphabetical); a line-up's result and its
// flags are `Sorted` for the same reason.

/// The JSON shape of an exploration: the base line-up and the trials ranked.
#[derive(Serialize)]
pub struct ExplorationJson<'a> {
    base: BaseJson,
    notes: &'a [String],
    question: &'a str,
    ranking: Vec<TrialJson<'a>>,
    scenario: &'a str,
}

#[derive(Serialize)]
struct BaseJson {
    coverage: f64,
    objective: f64,
}

#[derive(Serialize)]
struct TrialJson<'a> {
    asked_for: bool,
    change: &'a str,
    cleared: Vec<Sorted<FlagJson<'a>>>,
    coverage_delta: Option<f64>,
    gaps_closed: &'a [String],
    gaps_opened: &'a [String],
    objective_delta: Option<f64>,
    possible: bool,
    proven: bool,
    raised: Vec<Sorted<FlagJson<'a>>>,
    /// Null for a trial without a line-up.
    rank: Option<usize>,
    result: Option<Sorted<OutcomeJson<'a>>>,
    roles: &'a [String],
    subject: &'a str,
    tried: bool,
    why_not: Option<String>,
}

fn trial(rank: usize, t: &Trial) -> TrialJson<'_> {
    let why = why_not(t);
    TrialJson {
        asked_for: t.asked_for,
        change: &t.change,
        cleared: t
            .delta
            .iter()
            .flat_map(|d| &d.cleared)
            .map(|f| Sorted(flag_json(f)))
            .collect(),
        coverage_delta: t
            .delta
            .as_ref()
            .filter(|_| t.feasible())
            .map(|d| round(d.coverage_delta, 4)),
        gaps_closed: &t.gaps_closed,
        gaps_opened: &t.gaps_opened,
        objective_delta: t.objective_delta().map(|v| round(v, 4)),
        possible: why.is_none(),
        proven: t
            .outcome
            .as_ref()
            .is_some_and(|o| o.status != crate::solve::Status::Feasible),
        raised: t
            .delta
            .iter()
            .flat_map(|d| &d.raised)
            .map(|f| Sorted(flag_json(f)))
            .collect(),
        rank: why.is_none().then_some(rank),
        result: t.outcome.as_ref().map(|o| Sorted(outcome_json(o))),
        roles: &t.roles,
        subject: &t.subject,
        tried: !t.untried,
        why_not: why,
    }
}

/// The exploration as its JSON shape.
pub fn render(e: &Exploration) -> ExplorationJson<'_> {
    ExplorationJson {
        base: BaseJson {
            coverage: round(e.base.coverage, 4),
            objective: round(e.base.objective, 4),
        },
        notes: &e.notes,
        question: &e.question,
        ranking: e
            .trials
            .iter()
            .enumerate()
            .map(|(i, t)| trial(i + 1, t))
            .collect(),
        scenario: &e.scenario,
    }
}
