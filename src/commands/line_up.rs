//! What the funder commands share with `solve`: loading the rules and the scenario, choosing
//! the line-up (base or a variant), and checking a time limit.

use super::rule_documents;
use crate::Error;
use crate::cli::RuleArgs;
use crate::diag::closest;
use crate::kb::KnowledgeBase;
use crate::load::{Document, read_source};
use crate::scenario::{LineUp, Scenario};
use std::time::Duration;

/// The knowledge base in force and the validated scenario.
pub fn load(rules: &RuleArgs, path: &str) -> Result<(KnowledgeBase, Scenario), Error> {
    let docs = rule_documents(rules)?;
    let scenario_doc = Document::parse(read_source(path)?);
    let kb = crate::knowledge_base(docs)?;
    let scenario = crate::validate_scenario(&kb, &scenario_doc)?;
    Ok((kb, scenario))
}

/// The base line-up, or the named variant (an unknown name is an error with a suggestion).
pub fn choose(scenario: &Scenario, variant: Option<&str>) -> Result<LineUp, Error> {
    let Some(name) = variant else {
        return Ok(scenario.base());
    };
    if let Some(v) = scenario.variant(name) {
        return Ok(scenario.line_up(v));
    }
    let names: Vec<&str> = scenario.variants.iter().map(|v| v.name.as_str()).collect();
    let hint = match closest(name, names.iter().copied()) {
        Some(c) => format!("; did you mean {c:?}?"),
        None if names.is_empty() => "; the scenario has no variants".to_string(),
        None => format!(
            "; its variants are: {}",
            names
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Error::Usage(format!(
        "{}: no variant named {name:?}{hint}",
        scenario.file
    )))
}

/// `--time-limit SECONDS`, checked: positive, finite, at most a day.
pub fn time_limit(seconds: Option<f64>) -> Result<Option<Duration>, Error> {
    match seconds {
        Some(s) if !(s.is_finite() && s > 0.0 && s <= 86_400.0) => Err(Error::Usage(format!(
            "--time-limit must be a positive number of seconds, at most 86400; got {s}"
        ))),
        Some(s) => Ok(Some(Duration::from_secs_f64(s))),
        None => Ok(None),
    }
}
