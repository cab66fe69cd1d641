//! rolefit recommends who should do what in a multi-stakeholder partnership.
//!
//! It encodes the institutional logics of five societal sectors (Table 1 of the DCCC
//! discussion paper) as rules, reads a consortium scenario, finds the role assignment that best
//! uses each partner's comparative advantages while keeping each within its logic, and explains
//! it: why each partner got each role, which risks were avoided, and what is flagged.
//!
//! The `rolefit` command is one user of this library; the Python package is another. What they
//! share sits at the crate root:
//!
//! - **load** a scenario with its rules and sheets: [`load_scenario`] with [`ScenarioFiles`]
//!   (or [`default_knowledge_base`], [`knowledge_base`] and [`validate_scenario`] from text);
//!   pick a line-up with [`line_up`] and change it with [`apply_what_ifs`];
//! - **solve and explain**: [`solve_line_up`], or [`solve_and_assess`] with robustness;
//! - **render** the outcome: [`render`] (text, JSON, Markdown, HTML);
//! - **additionality** of a funder's money: [`additionality()`];
//! - **value** each partner adds: [`value()`];
//! - **a sweep** (many runs of a scenario over factors) is loaded into a plan with its
//!   fingerprint by [`sweep::load_plan`];
//! - every failure is an [`Error`], whose variants carry what went wrong.
//!
//! The modules below hold the stages themselves.
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
#![warn(missing_docs)]
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

/// What can go wrong, by what the user should do about it. Each variant carries what went wrong
/// as data; its `Display` is the message the command line shows, and the command line picks its
/// exit status by variant.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file that cannot be read, or is no file of its kind.
    #[error(transparent)]
    Load(#[from] load::LoadError),
    /// The input has errors; each diagnostic says where and what.
    #[error("{} error(s) in the input", .0.errors().count())]
    Invalid(Diagnostics),
    /// A variant name the scenario does not define.
    #[error("{file}: no variant named {name:?}{}", variant_hint(.name, .variants))]
    UnknownVariant {
        /// The scenario's file.
        file: String,
        /// The name asked for.
        name: String,
        /// The variants the scenario does define.
        variants: Vec<String>,
    },
    /// A partner id that is not in the line-up.
    #[error("no partner `{partner}` in the line-up{suggestion}")]
    UnknownPartner {
        /// The id asked for.
        partner: String,
        /// The closest id in the line-up, if one is close.
        suggestion: DidYouMean,
    },
    /// A role id the knowledge base does not define.
    #[error("{context}: unknown role `{role}`{suggestion}")]
    UnknownRole {
        /// Where the role was named (a flag, and its value).
        context: String,
        /// The id asked for.
        role: String,
        /// The closest role id, if one is close.
        suggestion: DidYouMean,
    },
    /// A `PARTNER=ROLE` value without its `=`.
    #[error("{flag} expects PARTNER=ROLE, got {value:?}")]
    NotAPair {
        /// The flag (or Python argument) it was given to.
        flag: String,
        /// The value given.
        value: String,
    },
    /// A what-if that cannot apply to the line-up (a partner that is not in it, a pin it
    /// contradicts).
    #[error("{change}: {reason}")]
    WhatIf {
        /// The change, described.
        change: String,
        /// Why it cannot apply.
        reason: String,
    },
    /// A line-up whose rules match more instances than a model may hold.
    #[error("{within}: {source}")]
    TooLarge {
        /// The scenario it is.
        within: String,
        /// How far over.
        source: model::TooLarge,
    },
    /// A time limit that is not a positive number of seconds up to a day.
    #[error("--time-limit must be a positive number of seconds, at most 86400; got {0}")]
    TimeLimit(f64),
    /// An additionality analysis that cannot run (unknown funder, one without money, a line-up
    /// without a solution).
    #[error(transparent)]
    Additionality(additionality::AdditionalityError),
    /// Arguments of the caller's own that cannot be used (the command line's flags); the
    /// caller's own error type says which.
    #[error(transparent)]
    Arguments(Box<dyn std::error::Error + Send + Sync>),
    /// The solver failed, ran out of time or found no solution where one was needed.
    #[error(transparent)]
    Solve(#[from] solve::SolveError),
    /// A coalition game that cannot be valued.
    #[error(transparent)]
    Value(#[from] value::ValueError),
    /// An output file that cannot be written, or may not be (it is an input).
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// Standard output or another stream that cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// What was written to.
        path: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the caller asked for something that cannot be done as asked (an unknown name, a
    /// what-if that does not apply, a value out of range, an output that is an input): what a
    /// command line calls a usage error, and the Python package a `UsageError`. Invalid input
    /// files ([`Error::Load`], [`Error::Invalid`]) are told apart, with their diagnostics.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::UnknownVariant { .. }
                | Error::UnknownPartner { .. }
                | Error::UnknownRole { .. }
                | Error::NotAPair { .. }
                | Error::WhatIf { .. }
                | Error::TooLarge { .. }
                | Error::TimeLimit(_)
                | Error::Additionality(_)
                | Error::Arguments(_)
                | Error::Output(output::OutputError::Refused { .. })
        )
    }
}

/// A suggestion for a misspelt id: `; did you mean `id`?`, or nothing when no id is close.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DidYouMean(pub Option<String>);

impl DidYouMean {
    /// The known id closest to `written`, if one is close enough to be a likely typo.
    pub fn among<'n>(written: &str, known: impl IntoIterator<Item = &'n str>) -> DidYouMean {
        DidYouMean(closest(written, known).map(str::to_string))
    }
}

impl std::fmt::Display for DidYouMean {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(c) => write!(f, "; did you mean `{c}`?"),
            None => Ok(()),
        }
    }
}

/// What follows an unknown variant's name: the closest name, or the names there are.
fn variant_hint(name: &str, variants: &[String]) -> String {
    match closest(name, variants.iter().map(String::as_str)) {
        Some(c) => format!("; did you mean {c:?}?"),
        None if variants.is_empty() => "; the scenario has no variants".to_string(),
        None => format!(
            "; its variants are: {}",
            variants
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
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
    let mut problem = model::Problem::try_new(kb, line_up).map_err(|source| Error::TooLarge {
        within: format!("scenario {:?}", line_up.scenario),
        source,
    })?;
    opts.tighten.prepare(&mut problem);
    let milp = model::build(&problem);
    let (solved, relaxation) = robust::solve_for(&problem, &milp, robustness, opts)?;
    let assessed = robust::assess_relaxed(
        &problem,
        &milp,
        &solved,
        relaxation.as_ref(),
        robustness,
        opts,
    )?;
    Ok((problem, solved, assessed))
}

/// Reads a scenario with its rules and sheets (see [`ScenarioFiles`]) and validates them: the
/// validated scenario, and the warnings of its valid inputs.
///
/// ```
/// let mut files = rolefit::ScenarioFiles::new(concat!(
///     env!("CARGO_MANIFEST_DIR"),
///     "/scenarios/cardio4cities-dakar.ron"
/// ));
/// files.partners = None; // or a .csv/.xlsx partner sheet, as `--partners`
/// let (loaded, warnings) = rolefit::load_scenario(&files).unwrap();
/// assert!(warnings.iter().all(|w| !w.is_error()));
/// assert_eq!(loaded.scenario.name, "CARDIO4Cities Dakar");
/// // An unknown variant is refused with the names there are.
/// let err = rolefit::line_up(&loaded.scenario, Some("no such variant")).unwrap_err();
/// assert!(matches!(err, rolefit::Error::UnknownVariant { .. }));
/// ```
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
    Err(Error::UnknownVariant {
        file: scenario.file.clone(),
        name: name.to_string(),
        variants: scenario.variants.iter().map(|v| v.name.clone()).collect(),
    })
}

/// Applies what-ifs to a line-up in order; a change that cannot apply is a usage error saying
/// which.
///
/// ```
/// use rolefit::scenario::WhatIf;
/// let kb = rolefit::default_knowledge_base().unwrap();
/// let (loaded, _) = rolefit::load_scenario(&rolefit::ScenarioFiles::new(concat!(
///     env!("CARGO_MANIFEST_DIR"),
///     "/scenarios/cardio4cities-dakar.ron"
/// )))
/// .unwrap();
/// let mut line_up = rolefit::line_up(&loaded.scenario, None).unwrap();
/// rolefit::apply_what_ifs(&kb, &mut line_up, &[WhatIf::Without("ucad".into())]).unwrap();
/// assert!(line_up.partner_index("ucad").is_none());
/// let gone = rolefit::apply_what_ifs(&kb, &mut line_up, &[WhatIf::Without("ucad".into())]);
/// assert!(matches!(gone, Err(rolefit::Error::WhatIf { .. })));
/// ```
pub fn apply_what_ifs(
    kb: &KnowledgeBase,
    line_up: &mut LineUp,
    changes: &[WhatIf],
) -> Result<(), Error> {
    for change in changes {
        line_up.apply(kb, change).map_err(|reason| Error::WhatIf {
            change: change.describe(kb),
            reason,
        })?;
    }
    Ok(())
}

/// A time limit in seconds, checked: positive, finite, at most a day (a limit past that is a
/// typo, and `Duration` refuses what is not finite).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(rolefit::time_limit(Some(2.0)).unwrap(), Some(Duration::from_secs(2)));
/// assert!(matches!(rolefit::time_limit(Some(0.0)), Err(rolefit::Error::TimeLimit(_))));
/// ```
pub fn time_limit(seconds: Option<f64>) -> Result<Option<Duration>, Error> {
    match seconds {
        Some(s) if !(s.is_finite() && s > 0.0 && s <= 86_400.0) => Err(Error::TimeLimit(s)),
        Some(s) => Ok(Some(Duration::from_secs_f64(s))),
        None => Ok(None),
    }
}

/// Renders an outcome in a format, without colour (what a file or a pipe gets).
///
/// ```
/// let kb = rolefit::default_knowledge_base().unwrap();
/// let (loaded, _warnings) = rolefit::load_scenario(&rolefit::ScenarioFiles::new(concat!(
///     env!("CARGO_MANIFEST_DIR"),
///     "/scenarios/cardio4cities-dakar.ron"
/// )))
/// .unwrap();
/// let outcome = rolefit::solve_line_up(&kb, &loaded.scenario.base(), &Default::default()).unwrap();
/// let json = rolefit::render(&outcome, rolefit::report::Format::Json);
/// assert!(json.starts_with('{') && json.contains("\"assignments\""));
/// ```
pub fn render(outcome: &explain::Outcome, format: report::Format) -> String {
    report::render(outcome, format, report::Style::default())
}

/// Whether a funder's money makes a difference: the line-up solved with it, without its money
/// and without the funder, each commitment judged against the money account, and the verdict.
///
/// ```
/// let files = rolefit::ScenarioFiles::new(concat!(
///     env!("CARGO_MANIFEST_DIR"),
///     "/scenarios/funders-round-hypertension.ron"
/// ));
/// let (loaded, _) = rolefit::load_scenario(&files).unwrap();
/// let line_up = loaded.scenario.base();
/// let memo = rolefit::additionality(&loaded.kb, &line_up, "dev_agency", &Default::default()).unwrap();
/// println!("{}", memo.verdict.name());
/// // A partner that commits no money has no additionality to judge.
/// let err = rolefit::additionality(&loaded.kb, &line_up, "nobody", &Default::default());
/// assert!(matches!(err, Err(rolefit::Error::Additionality(_))));
/// ```
pub fn additionality(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    funder: &str,
    opts: &solve::Options,
) -> Result<additionality::Additionality, Error> {
    Ok(additionality::analyse(kb, line_up, funder, opts)?)
}

/// How [`value()`] shares out a line-up's worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueMethod {
    /// Exact Shapley values up to [`value::EXACT_MAX`] partners who can take a role, sampled
    /// beyond.
    #[default]
    Auto,
    /// Every coalition valued (2^n line-ups).
    Exact,
    /// Random orders of arrival until the precision asked for (or the deadline).
    Sampled,
}

/// What [`value()`] needs besides the line-up.
#[derive(Debug, Clone)]
pub struct ValueOptions {
    /// Exact or sampled.
    pub method: ValueMethod,
    /// The sampler's seed, confidence, precision and bounds.
    pub sampling: value::Sampling,
    /// How far a partner's share of the value may fall below its share of the effort before
    /// its balance is flagged (a share, e.g. 0.05 for 5 points).
    pub margin: f64,
    /// When every solve must end.
    pub deadline: Option<std::time::Instant>,
}

impl Default for ValueOptions {
    fn default() -> Self {
        ValueOptions {
            method: ValueMethod::Auto,
            sampling: value::Sampling::default(),
            margin: 0.05,
            deadline: None,
        }
    }
}

/// What each partner adds to a line-up (leave-one-out and Shapley values), against the effort
/// it carries in the recommended line-up.
///
/// ```
/// let kb = rolefit::default_knowledge_base().unwrap();
/// let (loaded, _) = rolefit::load_scenario(&rolefit::ScenarioFiles::new(concat!(
///     env!("CARGO_MANIFEST_DIR"),
///     "/scenarios/cardio4cities-dakar.ron"
/// )))
/// .unwrap();
/// let report = rolefit::value(&kb, &loaded.scenario.base(), &Default::default()).unwrap();
/// assert_eq!(report.partners.len(), loaded.scenario.partners.len());
/// ```
pub fn value(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    opts: &ValueOptions,
) -> Result<value::ValueReport, Error> {
    let problem = model::Problem::try_new(kb, line_up).map_err(|source| Error::TooLarge {
        within: format!("scenario {:?}", line_up.scenario),
        source,
    })?;
    let game = value::Game::new(problem, Default::default(), opts.deadline)?;
    let active = (0..game.players()).filter(|&i| !game.is_inert(i)).count();
    let exact = match opts.method {
        ValueMethod::Exact => true,
        ValueMethod::Sampled => false,
        ValueMethod::Auto => active <= value::EXACT_MAX,
    };
    let shares = if exact {
        if active > 16 {
            tracing::warn!(
                coalitions = 1u64 << active,
                "valuing every coalition of {active} partners takes a while; `--method sampled` estimates it faster"
            );
        }
        value::exact(&game)?
    } else {
        value::sampled(&game, &opts.sampling)?
    };
    let outcome = solve_line_up(kb, line_up, &solve::Options::until(opts.deadline))?;
    Ok(value::account(&game, &shares, outcome, opts.margin))
}
