//! `rolefit solve`: one line-up, explained.

use super::{
    EXIT_FLAGGED, EXIT_OK, colour_on_stdout, emit, emit_err, rule_documents, severity, write_file,
};
use crate::cli::{ReportFormat, SolveArgs};
use crate::diag::closest;
use crate::load::{Document, read_source};
use crate::report::{self, Format, Style};
use crate::{Error, explain, model};
use std::time::{Duration, Instant};

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

pub fn run(args: &SolveArgs) -> Result<u8, Error> {
    let time_limit = match args.time_limit {
        Some(s) if !(s.is_finite() && s > 0.0 && s <= 86_400.0) => {
            return Err(Error::Usage(format!(
                "--time-limit must be a positive number of seconds, at most 86400; got {s}"
            )));
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let backend = crate::solve::Backend::from_name(&args.solver).ok_or_else(|| {
        let names: Vec<&str> = crate::solve::Backend::AVAILABLE.iter().map(|(n, _)| *n).collect();
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
    let (problem, milp) = t.stage("build", || -> Result<_, Error> {
        let problem = model::Problem::try_new(&kb, &line_up)
            .map_err(|e| Error::Usage(format!("{}: {e}", scenario.file)))?;
        let milp = model::build(&problem);
        Ok((problem, milp))
    })?;
    tracing::debug!(
        vars = milp.vars.len(),
        rows = milp.rows.len(),
        instances = problem.instances.len(),
        "model built"
    );
    if let Some(path) = &args.emit_lp {
        write_file(path, &model::lp::write(&problem, &milp))?;
    }
    let options = crate::solve::Options {
        time_limit,
        backend,
    };
    let solved = t.stage("solve", || crate::solve::solve(&problem, &milp, &options))?;
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
        emit_err(&t.report());
    }
    let flagged = args
        .fail_on
        .map(severity)
        .is_some_and(|limit| outcome.flags.iter().any(|f| f.severity >= limit));
    Ok(if flagged { EXIT_FLAGGED } else { EXIT_OK })
}
