//! Carries out the command line: each command loads, validates, solves and renders through the
//! library, and returns the exit status. Nothing here decides anything about partnerships.

mod additionality;
mod agreement;
mod brief;
mod check;
mod compare;
mod explore;
mod import;
mod rules;
mod solve;
mod summarize;
mod sweep;
mod test;
mod usage;
mod value;
mod workshop;

use crate::cli::{
    Cli, Command, RecommendArgs, ReportFormat, RobustnessArgs, RuleArgs, ScenarioArgs, SeverityArg,
    SolverArgs, WhatIfArgs,
};
use rolefit::Error;
use rolefit::diag::Diagnostics;
use rolefit::inputs::{Loaded, ScenarioFiles};
use rolefit::kb::{self, KnowledgeBase, Severity};
use rolefit::load::{Document, read_source, rule_files};
use rolefit::scenario::{LineUp, Scenario, WhatIf};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use usage::UsageError;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_FLAGGED: u8 = 3;

/// `--quiet`: warnings found deep in loading are not shown. Like the log filter tracing keeps,
/// it is one setting for the whole process, so it is set once here rather than threaded
/// through every loader.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Runs a parsed command line; the `Ok` value is the exit status.
pub fn run(cli: &Cli) -> Result<u8, Error> {
    QUIET.store(cli.quiet, Ordering::Relaxed);
    // `-` (standard output) is no file an input can be, but two outputs both `-` would mix.
    let (inputs, outputs) = files_of(&cli.command);
    rolefit::output::refuse_inputs(&outputs, &inputs)?;
    match &cli.command {
        Command::Solve(args) => solve::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Recommend(args) => explore::recommend(args),
        Command::Recruit(args) => explore::recruit(args),
        Command::Fragility(args) => explore::fragility(args),
        Command::Import(args) => import::run(args),
        Command::Check(args) => check::run(args),
        Command::Test(args) => test::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Brief(args) => brief::run(args),
        Command::Sweep(args) => sweep::run(args, cli.quiet),
        Command::Merge(args) => sweep::merge(args, cli.quiet),
        Command::Summarize(args) => summarize::run(args),
        Command::Additionality(args) => additionality::run(args),
        Command::Value(args) => value::run(args),
        Command::Workshop(args) => workshop::run(args),
        Command::Agreement(args) => agreement::run(args),
        Command::Completions(args) => completions(args),
    }
}

/// `rolefit completions SHELL`: the completion script clap derives from the command definition,
/// so it never falls behind a new flag.
fn completions(args: &crate::cli::CompletionsArgs) -> Result<u8, Error> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "rolefit", &mut script);
    emit(&String::from_utf8_lossy(&script))?;
    Ok(EXIT_OK)
}

/// The files a command reads and those it writes, as its arguments name them. A sweep's own
/// scenarios and rules are named inside the sweep file and checked once it is read.
fn files_of(command: &Command) -> (Vec<PathBuf>, Vec<&Path>) {
    fn scenario(input: &ScenarioArgs, what_if: Option<&WhatIfArgs>) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = Vec::new();
        if input.scenario != "-" {
            files.push(PathBuf::from(&input.scenario));
        }
        files.extend(rules(&input.rules));
        files.extend(input.partners.clone());
        files.extend(what_if.into_iter().flat_map(|w| w.with.iter().cloned()));
        files
    }
    fn rules(args: &RuleArgs) -> Vec<PathBuf> {
        // A directory that cannot be listed is reported when it is read.
        args.rules
            .as_deref()
            .map_or_else(Vec::new, |d| rule_files(d).unwrap_or_default())
    }
    fn out(o: &Option<PathBuf>) -> Vec<&Path> {
        o.iter().map(PathBuf::as_path).collect()
    }
    match command {
        Command::Solve(a) => {
            let mut outputs = out(&a.output);
            outputs.extend(a.emit_lp.as_deref());
            (scenario(&a.input, Some(&a.what_if)), outputs)
        }
        Command::Compare(a) => (scenario(&a.input, Some(&a.what_if)), out(&a.output)),
        Command::Recommend(RecommendArgs { explore: a, .. })
        | Command::Recruit(a)
        | Command::Fragility(a) => (scenario(&a.input, Some(&a.what_if)), out(&a.output)),
        Command::Brief(a) => (scenario(&a.input, Some(&a.what_if)), out(&a.output)),
        Command::Additionality(a) => (scenario(&a.input, Some(&a.what_if)), out(&a.output)),
        Command::Value(a) => (scenario(&a.input, Some(&a.what_if)), out(&a.output)),
        Command::Agreement(a) => (scenario(&a.input, Some(&a.what_if)), out(&a.output)),
        // Save writes into the scenario it read on purpose, keeping the file as it was beside
        // it (`output::keep_copy`): that is the workshop's contract, not a clash.
        Command::Workshop(_) => (Vec::new(), Vec::new()),
        Command::Import(a) => {
            let mut inputs = vec![a.sheet.clone()];
            inputs.extend(rules(&a.rules));
            (inputs, out(&a.output))
        }
        Command::Summarize(a) => (
            vec![
                a.file.clone(),
                rolefit::sweep::manifest::manifest_path(&a.file),
            ],
            out(&a.output),
        ),
        Command::Merge(_)
        | Command::Sweep(_)
        | Command::Check(_)
        | Command::Rules(_)
        | Command::Test(_)
        | Command::Completions(_) => (Vec::new(), Vec::new()),
    }
}

/// The exit status for an error, after the message has been shown.
pub fn exit_code(e: &Error) -> u8 {
    use rolefit::value::ValueError;
    match e {
        Error::Load(_) | Error::Invalid(_) => EXIT_INVALID,
        e if e.is_usage() => EXIT_INVALID,
        Error::Value(
            ValueError::Infeasible { .. } | ValueError::TooLarge { .. } | ValueError::Settings(_),
        ) => EXIT_INVALID,
        _ => EXIT_FAILURE,
    }
}

/// Whether standard error gets colour (see `terminal::colour_on`).
pub fn colour_on_stderr() -> bool {
    rolefit::terminal::colour_on(&std::io::stderr())
}

fn colour_on_stdout() -> bool {
    rolefit::terminal::colour_on(&std::io::stdout())
}

/// The renderer a `--format` asks for, and its style: colour only for a report on a terminal
/// (never into an `-o` file).
fn report_format(
    format: ReportFormat,
    output: Option<&std::path::Path>,
) -> (rolefit::report::Format, rolefit::report::Style) {
    use rolefit::report::Format;
    let format = match format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Markdown => Format::Markdown,
        ReportFormat::Html => Format::Html,
    };
    let style = rolefit::report::Style {
        colour: output.is_none() && colour_on_stdout(),
    };
    (format, style)
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

/// Shows the warnings of inputs that are valid (what `rolefit check` lists for them), unless
/// `--quiet`: a command that runs on a scenario with a warning says so, as `check` would.
pub fn show_warnings(diags: &[rolefit::diag::Diagnostic]) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let colour = colour_on_stderr();
    for d in diags.iter().filter(|d| !d.is_error()) {
        emit_err(&format!("{}\n", d.render(colour)));
    }
}

/// Writes a whole output file; `-` is standard output.
fn write_file(path: &std::path::Path, text: &str) -> Result<(), Error> {
    if path == std::path::Path::new("-") {
        return emit(text);
    }
    Ok(rolefit::output::write_file(path, text.as_bytes())?)
}

/// The knowledge base in force, its warnings shown.
pub fn knowledge(args: &RuleArgs) -> Result<KnowledgeBase, Error> {
    validated_knowledge(rule_documents(args)?)
}

/// The rule files of `--rules` (after the built-in ones unless `--no-default-rules`), parsed.
fn rule_documents(args: &RuleArgs) -> Result<Vec<Document>, Error> {
    rolefit::inputs::rule_documents(args.rules.as_deref(), args.no_default_rules)
}

fn validated_knowledge(docs: Vec<Document>) -> Result<KnowledgeBase, Error> {
    match kb::load_rules(&docs) {
        (Some(kb), warnings) => {
            show_warnings(&warnings);
            Ok(kb)
        }
        (None, diags) => Err(Error::Invalid(Diagnostics(diags))),
    }
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
pub struct Timings(Vec<(&'static str, Duration)>);

impl Timings {
    pub fn stage<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let r = f();
        self.0.push((name, t.elapsed()));
        r
    }

    pub fn report(&self) -> String {
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

/// Most worker threads `--threads` accepts: far more than any machine rolefit runs on has
/// cores, and few enough that starting them cannot exhaust the process's thread limit.
pub const MAX_THREADS: usize = 1024;

/// `--threads N`, checked: 1 to [`MAX_THREADS`]; `None` is one per core (rayon's 0).
pub fn threads(n: Option<usize>) -> Result<usize, Error> {
    match n {
        None => Ok(0),
        Some(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        Some(n) => Err(UsageError::Threads {
            given: n,
            max: MAX_THREADS,
        }
        .into()),
    }
}

/// A pool of `--threads` workers (one per core by default).
pub fn worker_pool(n: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    let count = threads(n)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(count)
        .build()
        .map_err(|e| {
            UsageError::WorkerPool {
                count: n,
                reason: e.to_string(),
            }
            .into()
        })
}

/// Solver options from the command line, checked. `--time-limit` bounds the whole command:
/// its deadline starts now (commands call this first), and every solve the command makes ends
/// by it.
pub fn solve_options(args: &SolverArgs) -> Result<rolefit::solve::Options, Error> {
    let deadline = rolefit::time_limit(args.time_limit)?.map(|t| Instant::now() + t);
    let backend = rolefit::solve::Backend::from_name(&args.solver).ok_or_else(|| {
        Error::from(UsageError::Solver {
            name: args.solver.clone(),
            available: rolefit::solve::Backend::AVAILABLE
                .iter()
                .map(|(n, _)| *n)
                .collect(),
        })
    })?;
    let tighten = rolefit::solve::Tighten::from_name(&args.tighten)
        .ok_or_else(|| Error::from(UsageError::Tighten(args.tighten.clone())))?;
    Ok(rolefit::solve::Options {
        backend,
        tighten,
        ..rolefit::solve::Options::until(deadline)
    })
}

/// Robustness settings from the command line, checked.
pub fn robustness(args: &RobustnessArgs) -> Result<rolefit::robust::Settings, Error> {
    rolefit::robust::Settings {
        samples: args
            .robustness_samples
            .unwrap_or(rolefit::robust::DEFAULT_SAMPLES),
        // A sample count asked for is drawn at any size; the default stops at a size.
        max_pairs: match args.robustness_samples {
            Some(_) => None,
            None => Some(rolefit::robust::DEFAULT_MAX_PAIRS),
        },
        seed: args.robustness_seed,
        noise: args.robustness_noise,
        close_call: args.close_call,
    }
    .checked()
    .map_err(|e| Error::Arguments(Box::new(e)))
}

/// Reads the rule files, the scenario and a partner sheet if any ("load"), then validates them
/// ("validate").
pub fn load_scenario(
    args: &ScenarioArgs,
    t: &mut Timings,
) -> Result<(KnowledgeBase, Scenario), Error> {
    load_scenario_source(args, t).map(|l| (l.kb, l.scenario))
}

/// [`load_scenario`], keeping the scenario's text and the sheet's partners (the workshop's
/// Save writes into the text and validates with the sheet).
pub fn load_scenario_source(args: &ScenarioArgs, t: &mut Timings) -> Result<Loaded, Error> {
    let files = ScenarioFiles {
        scenario: args.scenario.clone(),
        rules: args.rules.rules.clone(),
        no_default_rules: args.rules.no_default_rules,
        partners: args.partners.clone(),
        commitments: args.commitments.clone(),
    };
    let read = t.stage("load", || files.read())?;
    t.stage("validate", || {
        read.validate(|warnings| show_warnings(&warnings))
    })
}

/// The arguments of a command that works on one line-up: the scenario, `--variant` and the
/// what-ifs.
pub trait LineUpArgs {
    /// The scenario and its rules and sheets.
    fn input(&self) -> &ScenarioArgs;
    /// The variant asked for (`None`: the base).
    fn variant(&self) -> Option<&str>;
    /// The what-ifs.
    fn what_if(&self) -> &WhatIfArgs;
}

macro_rules! line_up_args {
    ($($args:ty),*) => {$(
        impl LineUpArgs for $args {
            fn input(&self) -> &ScenarioArgs {
                &self.input
            }
            fn variant(&self) -> Option<&str> {
                self.variant.as_deref()
            }
            fn what_if(&self) -> &WhatIfArgs {
                &self.what_if
            }
        }
    )*};
}

line_up_args!(
    crate::cli::SolveArgs,
    crate::cli::ExploreArgs,
    crate::cli::BriefArgs,
    crate::cli::AdditionalityArgs,
    crate::cli::ValueArgs,
    crate::cli::AgreementArgs
);

/// The line-up a command works on: the scenario read with its rules and sheets, the variant
/// `--variant` names (or the base), and the what-ifs of the command line applied to it.
pub fn chosen_line_up(
    args: &impl LineUpArgs,
    t: &mut Timings,
) -> Result<(KnowledgeBase, Scenario, LineUp), Error> {
    let (kb, scenario) = load_scenario(args.input(), t)?;
    let mut line_up = rolefit::line_up(&scenario, args.variant())?;
    rolefit::apply_what_ifs(&kb, &mut line_up, &what_ifs(&kb, args.what_if())?)?;
    Ok((kb, scenario, line_up))
}

/// The what-if changes of the command line, in a fixed order: leave, join, forbid, pin, unfund.
pub fn what_ifs(kb: &KnowledgeBase, args: &WhatIfArgs) -> Result<Vec<WhatIf>, Error> {
    let joining = args
        .with
        .iter()
        .map(|path| Ok(Document::parse(read_source(&path.display().to_string())?)))
        .collect::<Result<Vec<_>, Error>>()?;
    // A joining partner's warnings, as `check` would show them for its file.
    for doc in &joining {
        if let (Some(_), warnings) = rolefit::scenario::load_partner(kb, doc) {
            show_warnings(&warnings);
        }
    }
    rolefit::scenario::what_ifs(
        kb,
        &args.without,
        &joining,
        &args.forbid,
        &args.pin,
        &args.unfunded,
    )
}

/// Writes a report to `-o FILE` (see `output`) or to standard output.
pub fn deliver(output: Option<&std::path::Path>, text: &str) -> Result<(), Error> {
    match output {
        Some(path) => write_file(path, text),
        None => emit(text),
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
                rolefit::terminal::line(&files.join(", "))
            ));
        }
        other => emit_err(&format!(
            "error: {}\n",
            rolefit::terminal::text(&other.to_string())
        )),
    }
}
