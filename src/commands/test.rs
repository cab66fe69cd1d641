//! `rolefit test`: run expert cases and report every failed expectation.

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK, emit, rule_documents, solve_options};
use crate::cli::{CheckFormat, TestArgs};
use rolefit::Error;
use rolefit::cases::{self, Suite};
use rolefit::report;

/// 0 when every expectation holds, 1 when one fails (or a pending case now passes), 2 when a
/// case file is invalid.
pub fn run(args: &TestArgs) -> Result<u8, Error> {
    let options = solve_options(&args.solver)?;
    let suite = Suite::new(rule_documents(&args.rules)?)?;
    let files = rolefit::load::case_files(&args.paths)?;
    let report = cases::run_files(&suite, &files, &options);
    if report.cases.is_empty() {
        return Err(super::usage::UsageError::NoCaseFiles(args.paths.clone()).into());
    }
    emit(&match args.format {
        CheckFormat::Text => report::cases::text(&report),
        CheckFormat::Json => report::to_json(&report::cases::json(&report)),
    })?;
    let s = report.summary();
    Ok(if s.invalid > 0 {
        EXIT_INVALID
    } else if s.failed > 0 || s.fixed > 0 {
        EXIT_FAILURE
    } else {
        EXIT_OK
    })
}
