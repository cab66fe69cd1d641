//! Carries out the command line: each command loads, validates, solves and renders through the
//! library, and returns the exit status. Nothing here decides anything about partnerships.

use crate::cli::{
    CheckArgs, CheckFormat, Cli, Command, ReportFormat, RuleArgs, RulesAction, RulesArgs,
    SeverityArg, SolveArgs,
};
use crate::diag::{Diagnostic, Diagnostics, closest};
use crate::kb::{self, KnowledgeBase, Severity};
use crate::load::{Document, read_rules, read_source};
use crate::report::{self, Format, Style};
use crate::{Error, explain, model, solve};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_FLAGGED: u8 = 3;

/// Runs a parsed command line; the `Ok` value is the exit status.
pub fn run(cli: &Cli) -> Result<u8, Error> {
    match &cli.command {
        Command::Solve(args) => solve_command(args),
        Command::Check(args) => check_command(args),
        Command::Rules(args) => rules_command(args),
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

/// Stage times for `--timings`.
#[derive(Default)]
struct Timings(Vec<(&'static str, Duration)>);

impl Timings {
    fn stage<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let r = f();
        self.0.push((name, t.elapsed()));
        r
    }

    fn report(&self) -> String {
        let total: Duration = self.0.iter().map(|(_, d)| *d).sum();
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(n, d)| format!("{n} {:.3} ms", d.as_secs_f64() * 1e3))
            .collect();
        format!(
            "timings: {}; total {:.3} ms\n",
            parts.join(", "),
            total.as_secs_f64() * 1e3
        )
    }
}

fn solve_command(args: &SolveArgs) -> Result<u8, Error> {
    let time_limit = match args.time_limit {
        Some(s) if !(s.is_finite() && s > 0.0 && s <= 86_400.0) => {
            return Err(Error::Usage(format!(
                "--time-limit must be a positive number of seconds, at most 86400; got {s}"
            )));
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let backend = solve::Backend::from_name(&args.solver).ok_or_else(|| {
        let names: Vec<&str> = solve::Backend::AVAILABLE.iter().map(|(n, _)| *n).collect();
        Error::Usage(format!(
            "--solver {:?} is not in this build; available: {} (others need their cargo feature, e.g. `--features highs`)",
            args.solver,
            names.join(", ")
        ))
    })?;
    let mut t = Timings::default();
    let (rule_docs, scenario_doc) = t.stage("load", || -> Result<_, Error> {
        Ok((
            rule_documents(&args.rules)?,
            Document::parse(read_source(&args.scenario)?),
        ))
    })?;
    let (kb, scenario) = t.stage("validate", || -> Result<_, Error> {
        let kb = crate::knowledge_base(rule_docs)?;
        let scenario = crate::validate_scenario(&kb, &scenario_doc)?;
        Ok((kb, scenario))
    })?;
    let line_up = match &args.variant {
        None => scenario.base(),
        Some(name) => match scenario.variant(name) {
            Some(v) => scenario.line_up(v),
            None => {
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
                return Err(Error::Usage(format!(
                    "{}: no variant named {name:?}{hint}",
                    scenario.file
                )));
            }
        },
    };
    let (problem, milp) = t.stage("build", || {
        let problem = model::Problem::new(&kb, &line_up);
        let milp = model::build(&problem);
        (problem, milp)
    });
    tracing::debug!(
        vars = milp.vars.len(),
        rows = milp.rows.len(),
        instances = problem.instances.len(),
        "model built"
    );
    if let Some(path) = &args.emit_lp {
        write_file(path, &model::lp::write(&problem, &milp))?;
    }
    let options = solve::Options {
        time_limit,
        backend,
    };
    let solved = t.stage("solve", || solve::solve(&problem, &milp, &options))?;
    let outcome = t.stage("explain", || explain::explain(&problem, &solved));
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Markdown => Format::Markdown,
    };
    let style = Style {
        colour: args.output.is_none() && colour_on_stdout(),
    };
    let text = t.stage("render", || report::render(&outcome, format, style));
    match &args.output {
        Some(path) => write_file(path, &text)?,
        None => emit(&text)?,
    }
    if args.timings {
        eprint!("{}", t.report());
    }
    let flagged = args
        .fail_on
        .map(severity)
        .is_some_and(|limit| outcome.flags.iter().any(|f| f.severity >= limit));
    Ok(if flagged { EXIT_FLAGGED } else { EXIT_OK })
}

/// What a file given to `check` turned out to be.
enum Checked {
    Scenario {
        partners: usize,
        needs: usize,
        variants: usize,
    },
    Rules {
        files: usize,
    },
}

fn check_command(args: &CheckArgs) -> Result<u8, Error> {
    let base_docs = rule_documents(&args.rules)?;
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut results: Vec<(String, Option<Checked>, usize)> = Vec::new();
    let (base_kb, base_diags) = kb::load(&base_docs);
    all.extend(base_diags);
    for file in &args.files {
        let before = all.len();
        let checked = check_one(file, &base_docs, base_kb.as_ref(), &mut all)?;
        let errors = all[before..].iter().filter(|d| d.is_error()).count();
        let shown = if file == "-" {
            "<stdin>".to_string()
        } else {
            file.clone()
        };
        results.push((shown, checked, errors));
    }
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    match args.format {
        CheckFormat::Json => emit(&report::to_json(&serde_json::json!({
            "ok": errors == 0,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": all.iter().map(diagnostic_json).collect::<Vec<_>>(),
        })))?,
        CheckFormat::Text => {
            let colour = colour_on_stderr();
            for d in &all {
                eprintln!("{}", d.render(colour));
            }
            let mut out = String::new();
            for (file, checked, errors) in &results {
                let what = match checked {
                    Some(Checked::Scenario {
                        partners,
                        needs,
                        variants,
                    }) => {
                        format!(
                            "scenario with {partners} partners, {needs} needs, {variants} variants"
                        )
                    }
                    Some(Checked::Rules { files }) => format!("rule set of {files} file(s)"),
                    None => "invalid".to_string(),
                };
                let verdict = if *errors == 0 {
                    "ok".to_string()
                } else {
                    format!("{errors} error(s)")
                };
                out.push_str(&format!("{file}: {verdict} ({what})\n"));
            }
            out.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
            emit(&out)?;
        }
    }
    Ok(if errors > 0 { EXIT_INVALID } else { EXIT_OK })
}

fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "level": if d.is_error() { "error" } else { "warning" },
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "path": d.path,
        "message": d.message,
        "help": d.help,
    })
}

/// Checks one file: a rule directory, a rule file, or a scenario.
fn check_one(
    file: &str,
    base_docs: &[Document],
    base_kb: Option<&KnowledgeBase>,
    all: &mut Vec<Diagnostic>,
) -> Result<Option<Checked>, Error> {
    let path = std::path::Path::new(file);
    if file != "-" && path.is_dir() {
        let extra: Vec<Document> = read_rules(path)?.into_iter().map(Document::parse).collect();
        let files = extra.len();
        let mut docs = base_docs.to_vec();
        docs.extend(extra);
        let (_, diags) = kb::load(&docs);
        all.extend(diags);
        return Ok(Some(Checked::Rules { files }));
    }
    let doc = Document::parse(read_source(file).map_err(Error::from)?);
    let is_rule_file = matches!(&doc.root, Ok(node) if matches!(&node.kind,
        crate::ron::Kind::Struct(Some(n), _) | crate::ron::Kind::Tuple(Some(n), _)
            if kb::doc_kinds().contains(&n.text.as_str())));
    if is_rule_file {
        let mut docs = base_docs.to_vec();
        docs.push(doc);
        let (_, diags) = kb::load(&docs);
        all.extend(diags);
        return Ok(Some(Checked::Rules { files: 1 }));
    }
    let Some(kb) = base_kb else {
        all.push(Diagnostic::whole_file(
            crate::diag::Level::Error,
            file,
            "not checked: the rule set in force has errors (see above)",
        ));
        return Ok(None);
    };
    let (scenario, diags) = crate::scenario::load(kb, &doc);
    all.extend(diags);
    Ok(scenario.map(|s| Checked::Scenario {
        partners: s.partners.len(),
        needs: s.needs.len(),
        variants: s.variants.len(),
    }))
}

fn rules_command(args: &RulesArgs) -> Result<u8, Error> {
    let kb = knowledge(&args.rules)?;
    let json = args.format == CheckFormat::Json;
    let text = match &args.action {
        None | Some(RulesAction::List) => {
            if json {
                report::to_json(&crate::report::kb_json::list(&kb))
            } else {
                crate::report::kb_text::list(&kb)
            }
        }
        Some(RulesAction::Show { id }) => {
            let shown = if json {
                crate::report::kb_json::show(&kb, id).map(|v| report::to_json(&v))
            } else {
                crate::report::kb_text::show(&kb, id)
            };
            match shown {
                Some(t) => t,
                None => {
                    let mut known: Vec<&str> = Vec::new();
                    known.extend(kb.sectors.iter().map(|s| s.id.as_str()));
                    known.extend(kb.roles.iter().map(|r| r.id.as_str()));
                    known.extend(kb.rules.iter().map(|r| r.id.as_str()));
                    known.extend(kb.capabilities.iter().map(|c| c.id.as_str()));
                    known.extend(kb.traits.iter().map(|t| t.id.as_str()));
                    known.extend(kb.attributes.iter().map(|t| t.id.as_str()));
                    let hint = closest(id, known)
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    return Err(Error::Usage(format!(
                        "`{id}` is not a sector, role, rule, capability, trait or attribute of the knowledge base{hint}"
                    )));
                }
            }
        }
    };
    emit(&text)?;
    Ok(EXIT_OK)
}

/// Prints an error for the user: diagnostics in full, others on one line.
pub fn show_error(e: &Error) {
    match e {
        Error::Invalid(Diagnostics(diags)) => {
            let colour = colour_on_stderr();
            for d in diags {
                eprintln!("{}", d.render(colour));
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
            eprintln!(
                "error: {errors} error(s) in {}; nothing was solved",
                files.join(", ")
            );
        }
        other => eprintln!("error: {other}"),
    }
}
