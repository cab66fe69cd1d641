//! Carries out the command line: each command loads, validates, solves and renders through the
//! library, and returns the exit status. Nothing here decides anything about partnerships.

mod check;
mod rules;
mod solve;

use crate::Error;
use crate::cli::{Cli, Command, RuleArgs, SeverityArg};
use crate::diag::Diagnostics;
use crate::kb::{self, KnowledgeBase, Severity};
use crate::load::{Document, read_rules};
use std::io::{IsTerminal, Write};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_FLAGGED: u8 = 3;

/// Runs a parsed command line; the `Ok` value is the exit status.
pub fn run(cli: &Cli) -> Result<u8, Error> {
    match &cli.command {
        Command::Solve(args) => solve::run(args),
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::run(args),
    }
}

/// The exit status for an error, after the message has been shown.
pub fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Load(_) | Error::Invalid(_) | Error::Usage(_) => EXIT_INVALID,
        Error::Solve(_) | Error::Write { .. } => EXIT_FAILURE,
    }
}

/// Whether standard error gets colour: a terminal, and no `NO_COLOR`.
pub fn colour_on_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn colour_on_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "<stdout>".into(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Writes to standard error, ignoring failure: with stderr closed or a pipe gone
/// (`2>&1 | head`), there is nowhere left to report to, and `eprintln!` would panic.
pub fn emit_err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn write_file(path: &std::path::Path, text: &str) -> Result<(), Error> {
    crate::output::write_atomic(path, text.as_bytes()).map_err(|source| Error::Write {
        path: path.display().to_string(),
        source,
    })
}

/// The rule files in force, parsed: the built-in ones, then those of `--rules`.
fn rule_documents(args: &RuleArgs) -> Result<Vec<Document>, Error> {
    let mut docs = if args.no_default_rules {
        Vec::new()
    } else {
        kb::default_documents()
    };
    if let Some(dir) = &args.rules {
        docs.extend(read_rules(dir)?.into_iter().map(Document::parse));
    }
    Ok(docs)
}

pub fn knowledge(args: &RuleArgs) -> Result<KnowledgeBase, Error> {
    crate::knowledge_base(rule_documents(args)?)
}

fn severity(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Info => Severity::Info,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
    }
}

/// Prints an error for the user: diagnostics in full, others on one line.
pub fn show_error(e: &Error) {
    match e {
        Error::Invalid(Diagnostics(diags)) => {
            let colour = colour_on_stderr();
            for d in diags {
                emit_err(&format!("{}\n", d.render(colour)));
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let files: Vec<&str> = {
                let mut f: Vec<&str> = diags
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.file.as_str())
                    .collect();
                f.dedup();
                f
            };
            emit_err(&format!(
                "error: {errors} error(s) in {}; nothing was solved\n",
                files.join(", ")
            ));
        }
        other => emit_err(&format!("error: {other}\n")),
    }
}
