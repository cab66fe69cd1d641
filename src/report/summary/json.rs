//! The summary as JSON. Fields are declared in the order the output has always had
//! (alphabetical); the statuses and each level's flag rates are objects keyed by name.

use crate::summarize::{Choice, Discovery, FactorSummary, Restriction, Step, Summary};
use serde::Serialize;
use std::collections::BTreeMap;

/// The JSON shape of a sweep summary.
#[derive(Serialize)]
pub struct SummaryJson<'a> {
    discovery: Option<DiscoveryJson<'a>>,
    factors: Vec<FactorJson<'a>>,
    file: &'a str,
    flag_kinds: &'a [String],
    outcome: Option<&'a str>,
    outcome_rate: Option<f64>,
    runs: u64,
    statuses: BTreeMap<&'a str, u64>,
}

#[derive(Serialize)]
struct FactorJson<'a> {
    effect: f64,
    kind: &'static str,
    levels: Vec<LevelJson<'a>>,
    name: &'a str,
    objective_effect: f64,
    outcome_effect: Option<f64>,
}

#[derive(Serialize)]
struct LevelJson<'a> {
    flag_rates: BTreeMap<&'a str, f64>,
    infeasible_rate: f64,
    level: &'a str,
    mean_objective: Option<f64>,
    outcome_rate: Option<f64>,
    runs: u64,
    solved: u64,
}

#[derive(Serialize)]
struct DiscoveryJson<'a> {
    r#box: Vec<RestrictionJson<'a>>,
    choice: ChoiceJson,
    coverage: f64,
    density: f64,
    mass: f64,
    min_mass: f64,
    outcome: &'a str,
    positives: usize,
    rows: usize,
    sampled: bool,
    step: Option<usize>,
    trajectory: Vec<StepJson<'a>>,
}

/// How the box was chosen: `by`, with the step or the share it was chosen at.
#[derive(Serialize)]
struct ChoiceJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    at_least: Option<f64>,
    by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
}

#[derive(Serialize)]
struct StepJson<'a> {
    r#box: Vec<RestrictionJson<'a>>,
    coverage: f64,
    density: f64,
    mass: f64,
    restricted: usize,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RestrictionJson<'a> {
    Range {
        factor: &'a str,
        hi: f64,
        lo: f64,
        max: f64,
        min: f64,
    },
    Levels {
        factor: &'a str,
        levels: &'a [String],
        of: usize,
    },
}

fn round(v: f64) -> f64 {
    crate::explain::round(v, 6)
}

fn restriction(r: &Restriction) -> RestrictionJson<'_> {
    match r {
        Restriction::Range {
            factor,
            lo,
            hi,
            min,
            max,
        } => RestrictionJson::Range {
            factor,
            hi: *hi,
            lo: *lo,
            max: *max,
            min: *min,
        },
        Restriction::Levels { factor, levels, of } => RestrictionJson::Levels {
            factor,
            levels,
            of: *of,
        },
    }
}

fn factor<'a>(f: &'a FactorSummary, kinds: &'a [String]) -> FactorJson<'a> {
    FactorJson {
        effect: round(f.effect),
        kind: if f.numeric { "numeric" } else { "categorical" },
        levels: f
            .levels
            .iter()
            .map(|l| LevelJson {
                flag_rates: kinds
                    .iter()
                    .zip(&l.flag_rates)
                    .map(|(k, r)| (k.as_str(), round(*r)))
                    .collect(),
                infeasible_rate: round(l.infeasible_rate),
                level: &l.label,
                mean_objective: l.mean_objective.map(round),
                outcome_rate: l.outcome_rate.map(round),
                runs: l.runs,
                solved: l.solved,
            })
            .collect(),
        name: &f.name,
        objective_effect: round(f.objective_effect),
        outcome_effect: f.outcome_effect.map(round),
    }
}

fn step(st: &Step) -> StepJson<'_> {
    StepJson {
        r#box: st.restrictions.iter().map(restriction).collect(),
        coverage: round(st.coverage),
        density: round(st.density),
        mass: round(st.mass),
        restricted: st.restricted,
    }
}

fn discovery(d: &Discovery) -> DiscoveryJson<'_> {
    let (by, at_least, step_at) = match d.choice {
        Choice::Densest => ("densest", None, None),
        Choice::Step(k) => ("step", None, Some(k)),
        Choice::MinCoverage(c) => ("min_coverage", Some(c), None),
        Choice::MinDensity(x) => ("min_density", Some(x), None),
    };
    DiscoveryJson {
        r#box: d.restrictions.iter().map(restriction).collect(),
        choice: ChoiceJson {
            at_least,
            by,
            step: step_at,
        },
        coverage: round(d.best.coverage),
        density: round(d.best.density),
        mass: round(d.best.mass),
        min_mass: d.min_mass,
        outcome: &d.outcome,
        positives: d.positives,
        rows: d.rows,
        sampled: d.sampled,
        step: d.chosen,
        trajectory: d.trajectory.iter().map(step).collect(),
    }
}

/// The sweep summary as its JSON shape.
pub fn render(s: &Summary) -> SummaryJson<'_> {
    SummaryJson {
        discovery: s.discovery.as_ref().map(discovery),
        factors: s.factors.iter().map(|f| factor(f, &s.flag_kinds)).collect(),
        file: &s.file,
        flag_kinds: &s.flag_kinds,
        outcome: s.outcome.as_deref(),
        outcome_rate: s.outcome_rate.map(round),
        runs: s.runs,
        statuses: s.statuses.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
    }
}
