//! The text of a `rolefit test` run: one line per case, every failed expectation with where it
//! is written, what was expected and what was found, and the counts.

use crate::cases::{CaseResult, CaseStatus, Report, Summary};

/// The word that opens a case's line, padded so the files line up.
fn label(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Passed => "ok      ",
        CaseStatus::Failed => "FAILED  ",
        CaseStatus::Pending => "pending ",
        CaseStatus::Fixed => "FIXED   ",
        CaseStatus::Invalid => "INVALID ",
    }
}

const INDENT: &str = "        ";

/// The text report. File names come from the file system, not from validated text, so they
/// pass the terminal sanitiser (one line each: an escape sequence or a line break in a name
/// cannot act on the terminal or fake another case's line).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.cases {
        out.push_str(label(c.status));
        out.push_str(&crate::terminal::line(&c.file));
        if let Some(name) = &c.header.name {
            out.push_str(&format!(": {name}"));
        }
        out.push('\n');
        case_details(c, &mut out);
    }
    out.push_str(&summary_line(&report.summary()));
    out
}

fn case_details(c: &CaseResult, out: &mut String) {
    let show_sources = matches!(c.status, CaseStatus::Failed | CaseStatus::Pending);
    if let Some(why) = &c.header.pending {
        out.push_str(&format!("{INDENT}pending: {why}\n"));
    }
    if c.status == CaseStatus::Fixed {
        out.push_str(&format!(
            "{INDENT}all {} expectation(s) now hold: remove `pending` from the case\n",
            c.checks.len()
        ));
    }
    if show_sources {
        for s in &c.header.sources {
            out.push_str(&format!("{INDENT}source: {s}\n"));
        }
    }
    if let Some(e) = &c.error {
        out.push_str(&format!("{INDENT}the line-up could not be solved: {e}\n"));
    }
    for check in c.failed_checks() {
        out.push_str(&format!(
            "{INDENT}{}:{}:{}: expected {}; {}\n",
            crate::terminal::line(&c.file),
            check.line,
            check.column,
            check.expected,
            check.found
        ));
    }
    for d in &c.diagnostics {
        for line in d.render(false).lines() {
            out.push_str(&format!("{INDENT}{line}\n"));
        }
    }
}

fn summary_line(s: &Summary) -> String {
    let mut parts = vec![
        format!("{} passed", s.passed),
        format!("{} failed", s.failed),
    ];
    if s.pending > 0 {
        parts.push(format!("{} pending", s.pending));
    }
    if s.fixed > 0 {
        parts.push(format!("{} fixed (remove `pending`)", s.fixed));
    }
    if s.invalid > 0 {
        parts.push(format!("{} invalid", s.invalid));
    }
    let mut line = format!(
        "\n{} case(s): {}; {} expectation(s) checked, {} failed",
        s.cases,
        parts.join(", "),
        s.expectations,
        s.failed_expectations
    );
    if s.pending > 0 {
        line.push_str(&format!(
            "; {} expectation(s) of pending cases fail as known",
            s.pending_expectations
        ));
    }
    line.push('\n');
    line
}
