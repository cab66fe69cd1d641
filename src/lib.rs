//! rolefit recommends who should do what in a multi-stakeholder partnership.
//!
//! It encodes the institutional logics of five societal sectors (Table 1 of the DCCC
//! discussion paper) as rules, reads a consortium scenario, finds the role assignment that best
//! uses each partner's comparative advantages while keeping each within its logic, and explains
//! it: why each partner got each role, which risks were avoided, and what is flagged.
//!
//! ```
//! use rolefit::{load::Document, source::Source};
//!
//! let kb = rolefit::default_knowledge_base().expect("the built-in rules are valid");
//! let text = r#"Scenario(
//!     name: "Two partners",
//!     needs: [Need(role: "policy_framework", importance: 3), Need(role: "solution_development")],
//!     partners: [
//!         Partner(id: "moh", name: "Ministry of Health", sector: "government"),
//!         Partner(id: "acme", name: "Acme Health Tech", sector: "business"),
//!     ],
//! )"#;
//! let doc = Document::parse(Source::new("example.ron", text));
//! let scenario = rolefit::validate_scenario(&kb, &doc).expect("valid scenario");
//! let outcome = rolefit::solve_line_up(&kb, &scenario.base(), &Default::default()).unwrap();
//! assert!(outcome.assignments.iter().any(|a| a.partner == "moh" && a.role == "policy_framework"));
//! assert!(outcome.assignments.iter().any(|a| a.partner == "acme" && a.role == "solution_development"));
//! ```
#![forbid(unsafe_code)]
// The library writes nothing to standard output or error: the binary decides what is shown.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod additionality;
pub mod agreement;
pub mod brief;
pub mod cases;
pub mod compare;
pub mod diag;
pub mod explain;
pub mod explore;
pub mod generate;
pub mod inputs;
pub mod kb;
pub mod load;
pub mod model;
pub mod output;
pub mod report;
pub mod robust;
pub mod ron;
pub mod scenario;
pub mod sheet;
pub mod solve;
pub mod source;
pub mod summarize;
pub mod sweep;
pub mod terminal;
#[cfg(test)]
mod test_support;
pub mod valid;
pub mod value;
pub mod workshop;

use diag::{Diagnostic, Diagnostics, closest};
use kb::KnowledgeBase;
use load::Document;
use scenario::{LineUp, Scenario, WhatIf};
use std::time::Duration;

pub use inputs::{Loaded, ScenarioFiles};

/// What can go wrong, by what the user should do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    /// The input has errors; each diagnostic says where and what.
    #[error("{} error(s) in the input", .0.errors().count())]
    Invalid(Diagnostics),
    /// Arguments that cannot be used, such as an unknown variant name.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Solve(#[from] solve::SolveError),
    #[error(transparent)]
    Value(#[from] value::ValueError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// The built-in knowledge base.
pub fn default_knowledge_base() -> Result<KnowledgeBase, Error> {
    knowledge_base(kb::default_documents())
}

/// A knowledge base from parsed rule files (later files override earlier ones by id).
pub fn knowledge_base(docs: Vec<Document>) -> Result<KnowledgeBase, Error> {
    match kb::load_rules(&docs) {
        (Some(kb), _) => Ok(kb),
        (None, diags) => Err(Error::Invalid(Diagnostics(diags))),
    }
}

/// Validates a parsed scenario against a knowledge base.
pub fn validate_scenario(kb: &KnowledgeBase, doc: &Document) -> Result<Scenario, Error> {
    match scenario::load_scenario(kb, doc) {
        (Some(s), _) => Ok(s),
        (None, diags) => Err(Error::Invalid(Diagnostics(diags))),
    }
}

/// Solves one line-up and explains the result.
pub fn solve_line_up(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    opts: &solve::Options,
) -> Result<explain::Outcome, Error> {
    solve_and_assess(kb, line_up, opts, &robust::Settings::OFF)
}

/// Solves one line-up, assesses how robust each of its roles is (unless `robustness` turns it
/// off), and explains the result.
pub fn solve_and_assess(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    opts: &solve::Options,
    robustness: &robust::Settings,
) -> Result<explain::Outcome, Error> {
    let (problem, solved, assessed) = solve_assessed(kb, line_up, opts, robustness)?;
    Ok(explain_assessed(&problem, &solved, assessed, robustness))
}

/// Explains a solved, assessed line-up; when its size kept the assessment from running, the
/// outcome's notes say so (a report without robustness figures must say why).
pub fn explain_assessed(
    problem: &model::Problem,
    solved: &solve::Solved,
    assessed: Option<robust::Robustness>,
    robustness: &robust::Settings,
) -> explain::Outcome {
    let mut outcome = explain::with_robustness(problem, solved, assessed);
    if solved.assignment.is_some() {
        outcome.notes.extend(robust::skipped(problem, robustness));
    }
    outcome
}

/// The problem of a line-up, its solution and its robustness assessment: what explaining and
/// briefing start from.
pub fn solve_assessed<'k>(
    kb: &'k KnowledgeBase,
    line_up: &LineUp,
    opts: &solve::Options,
    robustness: &robust::Settings,
) -> Result<
    (
        model::Problem<'k>,
        solve::Solved,
        Option<robust::Robustness>,
    ),
    Error,
> {
    let mut problem = model::Problem::try_new(kb, line_up)
        .map_err(|e| Error::Usage(format!("scenario {:?}: {e}", line_up.scenario)))?;
    opts.tighten.prepare(&mut problem);
    let milp = model::build(&problem);
    let solved = solve::solve(&problem, &milp, opts)?;
    let assessed = robust::assess(&problem, &milp, &solved, robustness, opts)?;
    Ok((problem, solved, assessed))
}

/// Reads a scenario with its rules and sheets (see [`ScenarioFiles`]) and validates them: the
/// validated scenario, and the warnings of its valid inputs.
pub fn load_scenario(files: &ScenarioFiles) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    let mut warnings = Vec::new();
    let loaded = files.read()?.validate(|w| warnings.extend(w))?;
    Ok((loaded, warnings))
}

/// The base line-up, or a named variant (an unknown name is a usage error with a suggestion).
pub fn line_up(scenario: &Scenario, variant: Option<&str>) -> Result<LineUp, Error> {
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

/// Applies what-ifs to a line-up in order; a change that cannot apply is a usage error saying
/// which.
pub fn apply_what_ifs(
    kb: &KnowledgeBase,
    line_up: &mut LineUp,
    changes: &[WhatIf],
) -> Result<(), Error> {
    for change in changes {
        line_up
            .apply(kb, change)
            .map_err(|e| Error::Usage(format!("{}: {e}", change.describe(kb))))?;
    }
    Ok(())
}

/// A time limit in seconds, checked: positive, finite, at most a day (a limit past that is a
/// typo, and `Duration` refuses what is not finite).
pub fn time_limit(seconds: Option<f64>) -> Result<Option<Duration>, Error> {
    match seconds {
        Some(s) if !(s.is_finite() && s > 0.0 && s <= 86_400.0) => Err(Error::Usage(format!(
            "--time-limit must be a positive number of seconds, at most 86400; got {s}"
        ))),
        Some(s) => Ok(Some(Duration::from_secs_f64(s))),
        None => Ok(None),
    }
}
