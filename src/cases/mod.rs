//! Expert cases as data: GIVEN a scenario (optionally a variant, what-ifs and extra rules),
//! EXPECT who holds or leads roles, which roles stay gaps and whom to recruit, which flags are
//! raised or not, and the status.
//!
//! A case states the principle an expert would sign and where it comes from (a Table 1 cell, a
//! paper, programme documentation), so rule authors and researchers can pin their own
//! expectations in a folder of files and run them against any rule set (`rolefit test`, and
//! `cargo test` over the shipped `cases/`). Cases are solved through the same library path as
//! `rolefit solve`, and every failed expectation is reported, not the first.
//!
//! A case may be marked `pending: "why"`: a known failure the knowledge base does not meet yet.
//! It is run and reported separately; once all its expectations hold, the run fails until the
//! mark is removed, so a pending case cannot stay pending silently after it is fixed.

mod check;
mod load;

pub use load::{Header, Loaded, load_case};

use crate::Error;
use crate::diag::{Diagnostic, Level};
use crate::kb::{KnowledgeBase, Severity};
use crate::load::Document;
use crate::scenario::LineUp;
use crate::solve::Status;
use rayon::prelude::*;
use std::path::PathBuf;

/// The rules cases run against (the built-in ones, or those of `--rules`); a case naming its
/// own rule files extends these.
pub struct Suite {
    /// The rule files, kept to extend them with a case's own.
    pub docs: Vec<Document>,
    /// The knowledge base they make.
    pub kb: KnowledgeBase,
}

impl Suite {
    /// The suite of these rule files; fails when they do not make a valid knowledge base.
    pub fn new(docs: Vec<Document>) -> Result<Suite, Error> {
        let kb = crate::knowledge_base(docs.clone())?;
        Ok(Suite { docs, kb })
    }
}

/// A validated case: the line-up to solve and what to expect of its outcome.
#[derive(Debug, Clone)]
pub struct Case {
    /// The line-up to solve: the scenario's base or variant, with the case's what-ifs.
    pub line_up: LineUp,
    /// What the outcome must show, in the order written.
    pub expectations: Vec<Expectation>,
    /// The knowledge base extended by the case's own `rules`, when it names any.
    pub rules: Option<KnowledgeBase>,
}

/// One expectation and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// What is expected.
    pub expect: Expect,
    /// The line it is written on.
    pub line: u32,
    /// Its column.
    pub column: u32,
}

/// Who an expectation is about: one partner (by id), or any partner of a sector.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// That partner.
    Partner(String),
    /// Any partner of that sector.
    Sector(String),
}

/// What a case expects of the outcome. Ids are validated against the knowledge base and the
/// line-up when the case is loaded, so a typo is a diagnostic, never a silently vacuous check.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// The partner (or some partner of the sector) holds the role; leads it when `lead`.
    Holds {
        /// Who must hold it.
        who: Who,
        /// The role.
        role: String,
        /// Must also lead it.
        lead: bool,
    },
    /// The partner (or no partner of the sector) holds the role; with `lead`, does not lead it.
    NotHolds {
        /// Who must not hold it.
        who: Who,
        /// The role.
        role: String,
        /// Only leading it is excluded.
        lead: bool,
    },
    /// The role is a gap (a partner missing); with `recruit`, the gap's suggestion names that sector.
    Uncovered {
        /// The role.
        role: String,
        /// The sector the recruit suggestion must name.
        recruit: Option<String>,
    },
    /// The role has all the partners it needs.
    Covered {
        /// The role.
        role: String,
    },
    /// At least one flag matches.
    Flag(FlagPattern),
    /// No flag matches.
    NoFlag(FlagPattern),
    /// The solve ended with this status.
    Status(Status),
    /// The partner's fit for the role lies in `at_least..below`.
    Fit {
        /// The partner.
        partner: String,
        /// The role.
        role: String,
        /// Lowest fit accepted.
        at_least: Option<f64>,
        /// Fit it must stay below.
        below: Option<f64>,
    },
    /// Money reaches the role's holders (with `by`, some of it that partner's); with
    /// `in_full`, no phase is short of the role's budget.
    Financed {
        /// The role.
        role: String,
        /// A partner whose money must reach it.
        by: Option<String>,
        /// No phase may be short of the role's budget.
        in_full: bool,
    },
    /// The role needs money and none reaches a holder: it is not covered, whoever could hold it.
    Unfinanced {
        /// The role.
        role: String,
    },
    /// The funder's money (one commitment of it, or all of it) has this verdict in
    /// `rolefit additionality`; optionally with the amounts behind it.
    Additionality(AdditionalityPattern),
}

/// What a case expects of a funder's additionality; an absent amount matches anything.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalityPattern {
    /// The funder's partner id.
    pub funder: String,
    /// A commitment id of the funder; `None`: the overall verdict and totals.
    pub commitment: Option<String>,
    /// The verdict expected.
    pub verdict: Option<crate::additionality::Verdict>,
    /// The additional amount (within half a currency unit).
    pub additional: Option<f64>,
    /// The amount that overlaps others' money (crowding out).
    pub overlaps: Option<f64>,
    /// Others' money committed only on condition of the funder's (leverage).
    pub leverages: Option<f64>,
}

/// The fields a flag must have; an absent field matches anything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlagPattern {
    /// The flag's kind.
    pub kind: Option<String>,
    /// The partner it is about.
    pub partner: Option<String>,
    /// The role it is about.
    pub role: Option<String>,
    /// The rule that raised it.
    pub rule: Option<String>,
    /// Exactly this severity.
    pub severity: Option<Severity>,
    /// Severity at or above this.
    pub at_least: Option<Severity>,
}

/// How a case came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseStatus {
    /// Every expectation holds.
    Passed,
    /// An expectation fails, or the line-up could not be solved.
    Failed,
    /// Marked `pending` and still failing (or not yet readable): a known failure.
    Pending,
    /// Marked `pending` but every expectation holds: remove the mark (counts as a failure).
    Fixed,
    /// The case file has errors.
    Invalid,
}

impl CaseStatus {
    /// The name reports use.
    pub fn name(self) -> &'static str {
        match self {
            CaseStatus::Passed => "passed",
            CaseStatus::Failed => "failed",
            CaseStatus::Pending => "pending",
            CaseStatus::Fixed => "fixed",
            CaseStatus::Invalid => "invalid",
        }
    }
}

/// One expectation checked against the outcome, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The expectation's line.
    pub line: u32,
    /// Its column.
    pub column: u32,
    /// Whether it holds.
    pub passed: bool,
    /// "a government partner to lead policy_framework"
    pub expected: String,
    /// "it is held by acme (business, fit 0.41, lead)"
    pub found: String,
}

#[derive(Debug, Clone)]
/// One case file run: how it came out, and why.
pub struct CaseResult {
    /// The case file.
    pub file: String,
    /// What it says about itself.
    pub header: Header,
    /// How it came out.
    pub status: CaseStatus,
    /// Each expectation checked, in the order written.
    pub checks: Vec<Check>,
    /// Problems in the case file or the files it names (errors make it invalid).
    pub diagnostics: Vec<Diagnostic>,
    /// Why the line-up could not be solved.
    pub error: Option<String>,
}

impl CaseResult {
    /// The expectations that do not hold.
    pub fn failed_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

/// Every case run, in path order, and the supporting files skipped.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The cases run.
    pub cases: Vec<CaseResult>,
    /// Scenario and rule files found beside the cases (what cases refer to), not run.
    pub skipped: Vec<String>,
}

/// The counts a run ends with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Case files run.
    pub cases: usize,
    /// Expectations checked, pending cases' included.
    pub expectations: usize,
    /// Expectations that fail in cases that are not pending.
    pub failed_expectations: usize,
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases pending (known failures).
    pub pending: usize,
    /// Expectations of pending cases that fail, as known.
    pub pending_expectations: usize,
    /// Pending cases that now pass.
    pub fixed: usize,
    /// Case files with errors.
    pub invalid: usize,
}

impl Report {
    /// The counts of this run.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            cases: self.cases.len(),
            ..Summary::default()
        };
        for c in &self.cases {
            let failing = c.failed_checks().count();
            match c.status {
                CaseStatus::Passed => s.passed += 1,
                CaseStatus::Failed => s.failed += 1,
                CaseStatus::Pending => s.pending += 1,
                CaseStatus::Fixed => s.fixed += 1,
                CaseStatus::Invalid => s.invalid += 1,
            }
            s.expectations += c.checks.len();
            if c.status == CaseStatus::Pending {
                s.pending_expectations += failing;
            } else {
                s.failed_expectations += failing;
            }
        }
        s
    }
}

/// Runs one loaded case: solves its line-up as `rolefit solve` would and checks every
/// expectation.
pub fn run_case(
    suite: &Suite,
    file: &str,
    loaded: Loaded,
    diagnostics: Vec<Diagnostic>,
    opts: &crate::solve::Options,
) -> CaseResult {
    let pending = loaded.header.pending.is_some();
    let mut result = CaseResult {
        file: file.to_string(),
        header: loaded.header,
        status: CaseStatus::Invalid,
        checks: Vec::new(),
        diagnostics,
        error: None,
    };
    let Some(case) = loaded.case else {
        if pending {
            result.status = CaseStatus::Pending;
        }
        return result;
    };
    let kb = case.rules.as_ref().unwrap_or(&suite.kb);
    // `--time-limit` ends the whole run: a case it leaves unsolved, or solved but not proven
    // best, is not verified, and says so.
    if opts.expired() {
        result.error = Some("not run: the time limit ran out first".into());
    } else {
        check_outcome(kb, &case, &mut result, opts);
    }
    let all_hold = result.error.is_none() && result.checks.iter().all(|c| c.passed);
    result.status = match (pending, all_hold) {
        (false, true) => CaseStatus::Passed,
        (false, false) => CaseStatus::Failed,
        (true, true) => CaseStatus::Fixed,
        (true, false) => CaseStatus::Pending,
    };
    result
}

/// Solves a case's line-up and checks each expectation against the outcome.
fn check_outcome(
    kb: &crate::kb::KnowledgeBase,
    case: &Case,
    result: &mut CaseResult,
    opts: &crate::solve::Options,
) {
    match crate::solve_line_up(kb, &case.line_up, opts) {
        Ok(outcome) if outcome.status == crate::solve::Status::Feasible => {
            result.error = Some(
                "the time limit stopped the search before the line-up was proven best: its expectations were not checked".into(),
            );
        }
        Ok(outcome) => {
            // Each funder a case asks about is analysed once, as `rolefit additionality` would.
            let mut analyses = std::collections::BTreeMap::new();
            for e in &case.expectations {
                if let Expect::Additionality(a) = &e.expect {
                    analyses.entry(a.funder.clone()).or_insert_with(|| {
                        crate::additionality::analyse(kb, &case.line_up, &a.funder, opts)
                            .map_err(|e| e.to_string())
                    });
                }
            }
            result.checks = case
                .expectations
                .iter()
                .map(|e| {
                    let (passed, expected, found) = match &e.expect {
                        Expect::Additionality(a) => {
                            check::check_additionality(a, &analyses[&a.funder])
                        }
                        other => check::check(other, &outcome),
                    };
                    Check {
                        line: e.line,
                        column: e.column,
                        passed,
                        expected,
                        found,
                    }
                })
                .collect();
        }
        Err(e) => result.error = Some(e.to_string()),
    }
}

/// Reads, loads and runs every case file (in parallel; the report is in path order, so the
/// output is the same on any number of threads). Files found by walking a directory whose
/// document is a scenario, a rule file or a sweep are supporting files and are skipped.
pub fn run_files(suite: &Suite, files: &[(PathBuf, bool)], opts: &crate::solve::Options) -> Report {
    let results: Vec<Option<CaseResult>> = files
        .par_iter()
        .map(|(path, walked)| {
            let shown = path.display().to_string();
            let source = match crate::load::read_source(&shown) {
                Ok(s) => s,
                Err(e) => {
                    return Some(CaseResult {
                        file: shown.clone(),
                        header: Header::default(),
                        status: CaseStatus::Invalid,
                        checks: Vec::new(),
                        diagnostics: vec![Diagnostic::whole_file(
                            Level::Error,
                            &shown,
                            e.to_string(),
                        )],
                        error: None,
                    });
                }
            };
            let doc = Document::parse(source);
            if *walked && load::is_supporting(&doc) {
                return None;
            }
            let (loaded, diagnostics) = load_case(suite, &doc);
            Some(run_case(suite, &shown, loaded, diagnostics, opts))
        })
        .collect();
    let mut report = Report::default();
    for ((path, _), r) in files.iter().zip(results) {
        match r {
            Some(r) => report.cases.push(r),
            None => report.skipped.push(path.display().to_string()),
        }
    }
    report
}

#[cfg(test)]
mod tests;
