//! A `rolefit test` run as JSON: the counts, every case with its expectations and diagnostics.

use crate::cases::{CaseResult, Report};
use crate::report::shared::json::{DiagnosticJson, diagnostic_json};
use serde::Serialize;

// Fields in the order the output has always had (alphabetical).

/// The JSON shape of a run of the validation cases: each case, the skipped ones and the totals.
#[derive(Serialize)]
pub struct ReportJson<'a> {
    cases: Vec<CaseJson<'a>>,
    skipped: &'a [String],
    summary: SummaryJson,
}

#[derive(Serialize)]
struct SummaryJson {
    cases: usize,
    expectations: usize,
    failed: usize,
    failed_expectations: usize,
    fixed: usize,
    invalid: usize,
    passed: usize,
    pending: usize,
    pending_expectations: usize,
}

#[derive(Serialize)]
struct CaseJson<'a> {
    diagnostics: Vec<DiagnosticJson<'a>>,
    error: Option<&'a str>,
    expectations: Vec<CheckJson<'a>>,
    file: &'a str,
    name: Option<&'a str>,
    pending: Option<&'a str>,
    sources: &'a [String],
    status: &'static str,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    column: u32,
    expected: &'a str,
    found: &'a str,
    line: u32,
    passed: bool,
}

/// The validation cases' report as its JSON shape.
pub fn render(report: &Report) -> ReportJson<'_> {
    let s = report.summary();
    ReportJson {
        cases: report.cases.iter().map(case_json).collect(),
        skipped: &report.skipped,
        summary: SummaryJson {
            cases: s.cases,
            expectations: s.expectations,
            failed: s.failed,
            failed_expectations: s.failed_expectations,
            fixed: s.fixed,
            invalid: s.invalid,
            passed: s.passed,
            pending: s.pending,
            pending_expectations: s.pending_expectations,
        },
    }
}

fn case_json(c: &CaseResult) -> CaseJson<'_> {
    CaseJson {
        diagnostics: c.diagnostics.iter().map(diagnostic_json).collect(),
        error: c.error.as_deref(),
        expectations: c
            .checks
            .iter()
            .map(|k| CheckJson {
                column: k.column,
                expected: &k.expected,
                found: &k.found,
                line: k.line,
                passed: k.passed,
            })
            .collect(),
        file: &c.file,
        name: c.header.name.as_deref(),
        pending: c.header.pending.as_deref(),
        sources: &c.header.sources,
        status: c.status.name(),
    }
}
