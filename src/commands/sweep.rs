//! `rolefit sweep` and `rolefit merge`: a designed set of runs streamed to a table, and shards
//! joined back into one.

use super::{EXIT_OK, emit_err, show_warnings, threads};
use crate::Error;
use crate::cli::{MergeArgs, SweepArgs, TableFormat};
use crate::diag::{Diagnostic, Diagnostics, Level};
use crate::kb;
use crate::load::{Document, LoadError, read_rules, read_source, rule_files};
use crate::sweep::manifest::MAX_SHARDS;
use crate::sweep::{self, Format, Layout, Manifest, Plan, Shard, SweepError, spec};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn run(args: &SweepArgs, quiet: bool) -> Result<u8, Error> {
    let format = match args.format {
        Some(TableFormat::Csv) => Format::Csv,
        Some(TableFormat::Jsonl) => Format::Jsonl,
        None => Format::from_path(&args.out).ok_or_else(|| {
            Error::Usage(format!(
                "--out {}: name the file .csv or .jsonl, or give --format",
                args.out.display()
            ))
        })?,
    };
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let threads = threads(args.threads)?;
    let Compiled {
        plan,
        fingerprint,
        inputs,
    } = compile(&args.spec, format, !args.no_solve_time)?;
    refuse_inputs(&args.out, &inputs)?;
    let layout = Layout::new(&plan, format, !args.no_solve_time);
    let manifest = Manifest::new(&plan, &layout, &fingerprint, shard);
    let opts = sweep::Options {
        threads,
        shard,
        resume: args.resume,
        restart: args.restart,
    };
    let show = !quiet && std::io::stderr().is_terminal();
    let mut bar = Progress::new(show);
    let report = sweep::execute(&plan, &layout, &manifest, &args.out, &opts, &mut |d, t| {
        bar.update(d, t)
    })
    .map_err(sweep_error)?;
    bar.finish();
    if show {
        let rate = report.solved as f64 / report.elapsed.as_secs_f64().max(1e-9);
        let msg = if report.already_complete {
            format!(
                "{} is already complete ({} rows)",
                args.out.display(),
                report.rows
            )
        } else {
            format!(
                "{} rows in {} ({} resumed, {} solved in {:.1} s, {:.0} runs/s; {} infeasible, {} errors)",
                report.rows,
                args.out.display(),
                report.resumed,
                report.solved,
                report.elapsed.as_secs_f64(),
                rate,
                report.infeasible,
                report.errors
            )
        };
        emit_err(&format!("{msg}\n"));
    }
    Ok(EXIT_OK)
}

pub fn merge(args: &MergeArgs, quiet: bool) -> Result<u8, Error> {
    let mut inputs = args.shards.clone();
    inputs.extend(
        args.shards
            .iter()
            .map(|s| sweep::manifest::manifest_path(s)),
    );
    refuse_inputs(&args.out, &inputs)?;
    let rows = sweep::merge::merge(&args.shards, &args.out).map_err(sweep_error)?;
    if !quiet && std::io::stderr().is_terminal() {
        emit_err(&format!(
            "merged {} shard(s): {rows} rows in {}\n",
            args.shards.len(),
            args.out.display()
        ));
    }
    Ok(EXIT_OK)
}

fn sweep_error(e: SweepError) -> Error {
    match e {
        SweepError::Read { path, source } => Error::Load(LoadError::Read { path, source }),
        SweepError::Write { path, source } => Error::Write { path, source },
        other => Error::Usage(other.to_string()),
    }
}

/// A table and its companion files are written, so none may be an input of the sweep (its
/// file, scenarios, rules, or for `merge` the shards and their manifests). `-` is refused: a
/// table is resumed and merged from its file.
fn refuse_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    if out == Path::new("-") {
        return Err(Error::Usage(
            "--out -: a sweep table is written to a file (it is resumed and merged from there); name one".into(),
        ));
    }
    let companions = sweep::stream::companions(out);
    let mut outputs: Vec<&Path> = vec![out];
    outputs.extend(companions.iter().map(PathBuf::as_path));
    Ok(crate::output::refuse_inputs(&outputs, inputs)?)
}

/// `K/N`, or `env/N` for the index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
fn parse_shard(text: &str) -> Result<Shard, Error> {
    let bad = |why: &str| {
        Error::Usage(format!(
            "--shard {text:?}: {why}; write K/N with 0 <= K < N (e.g. 0/4), or env/N to read SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(|| bad("no `/`"))?;
    let count: u64 = n
        .trim()
        .parse()
        .map_err(|_| bad("N is not a whole number"))?;
    if count == 0 || count > MAX_SHARDS {
        return Err(bad(&format!("N must be from 1 to {MAX_SHARDS}")));
    }
    let index: u64 = if k.trim() == "env" {
        let vars = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];
        let found: Vec<(&str, String)> = vars
            .iter()
            .filter_map(|v| std::env::var(v).ok().map(|x| (*v, x)))
            .collect();
        let (var, value) = match found.as_slice() {
            [] => {
                return Err(bad(
                    "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set",
                ));
            }
            [one] => one.clone(),
            [a, b] if a.1 == b.1 => a.clone(),
            _ => {
                return Err(bad(
                    "SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are both set and differ",
                ));
            }
        };
        value
            .trim()
            .parse()
            .map_err(|_| bad(&format!("{var}={value:?} is not a whole number")))?
    } else {
        k.trim()
            .parse()
            .map_err(|_| bad("K is not a whole number"))?
    };
    if index >= count {
        return Err(bad(&format!(
            "shard index {index} is not below {count} (indices start at 0: a Slurm array is --array=0-{})",
            count - 1
        )));
    }
    Ok(Shard { index, count })
}

/// A file the sweep names, relative to the sweep file's directory.
fn relative(spec_path: &str, written: &str) -> PathBuf {
    let p = Path::new(written);
    if p.is_absolute() || spec_path == "-" {
        return p.to_path_buf();
    }
    Path::new(spec_path)
        .parent()
        .map_or_else(|| p.to_path_buf(), |d| d.join(p))
}

/// A valid sweep, ready to run.
pub struct Compiled {
    pub plan: Plan,
    /// Of all inputs: what `--resume` and `merge` check.
    pub fingerprint: String,
    /// The files read: the sweep file, its scenarios and rule files.
    pub inputs: Vec<PathBuf>,
}

/// Reads and validates a sweep and everything it names, printing its warnings.
pub fn compile(path: &str, format: Format, solve_time: bool) -> Result<Compiled, Error> {
    let (compiled, diags) = load(path, format, solve_time)?;
    let Some(compiled) = compiled else {
        return Err(Error::Invalid(Diagnostics(diags)));
    };
    show_warnings(&diags);
    Ok(compiled)
}

/// A valid sweep (if it is valid), and its diagnostics.
pub type Loaded = (Option<Compiled>, Vec<Diagnostic>);

/// Reads a sweep and everything it names: the plan and fingerprint when it is valid, and every
/// diagnostic found (errors only fail the call when the sweep file itself cannot be read).
pub fn load(path: &str, format: Format, solve_time: bool) -> Result<Loaded, Error> {
    let doc = Document::parse(read_source(path)?);
    let (draft, diags) = spec::parse(&doc);
    let Some(draft) = draft else {
        return Ok((None, diags));
    };
    let mut warnings = diags;
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut texts: Vec<Vec<u8>> = vec![
        env!("CARGO_PKG_VERSION").as_bytes().to_vec(),
        doc.source.text.as_bytes().to_vec(),
        format.name().as_bytes().to_vec(),
        vec![u8::from(solve_time)],
    ];
    let cannot_read = |span, at: &str, what: &str, e: &dyn std::fmt::Display| {
        let mut d = Diagnostic::at(
            &doc.source,
            Level::Error,
            span,
            at,
            format!("cannot read the {what}: {e}"),
        );
        d.help("paths in a sweep file are relative to the sweep file's directory");
        d
    };
    let mut inputs: Vec<PathBuf> = Vec::new();
    if path != "-" {
        inputs.push(PathBuf::from(path));
    }
    let mut rule_docs = if draft.no_default_rules {
        Vec::new()
    } else {
        kb::default_documents()
    };
    if let Some(dir) = &draft.rules {
        let rules = relative(path, &dir.value);
        match crate::load::only_ron(&rules, true) {
            Some(why) => errors.push(cannot_read(dir.span, "rules", "rules", &why)),
            None => match read_rules(&rules) {
                Ok(sources) => {
                    inputs.extend(rule_files(&rules).unwrap_or_default());
                    rule_docs.extend(sources.into_iter().map(Document::parse));
                }
                Err(e) => errors.push(cannot_read(dir.span, "rules", "rules", &e)),
            },
        }
    }
    for d in &rule_docs {
        texts.push(d.source.name.as_bytes().to_vec());
        texts.push(d.source.text.as_bytes().to_vec());
    }
    let mut scenario_docs = Vec::new();
    for (i, s) in draft.scenarios.iter().enumerate() {
        let file = relative(path, &s.value);
        if let Some(why) = crate::load::only_ron(&file, false) {
            errors.push(cannot_read(
                s.span,
                &format!("scenarios[{i}]"),
                "scenario",
                &why,
            ));
            continue;
        }
        match read_source(&file.display().to_string()) {
            Ok(src) => {
                texts.push(src.text.as_bytes().to_vec());
                scenario_docs.push(Document::parse(src));
                inputs.push(file);
            }
            Err(e) => errors.push(cannot_read(
                s.span,
                &format!("scenarios[{i}]"),
                "scenario",
                &e,
            )),
        }
    }
    if !errors.is_empty() {
        warnings.extend(errors);
        return Ok((None, warnings));
    }
    let kb = match kb::load(&rule_docs) {
        (Some(kb), w) => {
            warnings.extend(w);
            kb
        }
        (None, d) => return Ok((None, d)),
    };
    let mut scenarios = Vec::new();
    let mut scenario_diags = Vec::new();
    for d in &scenario_docs {
        match crate::scenario::load(&kb, d) {
            (Some(s), w) => {
                scenario_diags.extend(w);
                scenarios.push(s);
            }
            (None, d) => scenario_diags.extend(d),
        }
    }
    if scenario_diags.iter().any(Diagnostic::is_error) {
        return Ok((None, scenario_diags));
    }
    let (spec, diags) = spec::resolve(&draft, &doc, kb, scenarios);
    warnings.extend(scenario_diags);
    warnings.extend(diags);
    let Some(spec) = spec else {
        return Ok((None, warnings));
    };
    let fingerprint = sweep::stream::fingerprint(texts.iter().map(Vec::as_slice));
    let compiled = Compiled {
        plan: Plan::new(spec),
        fingerprint,
        inputs,
    };
    Ok((Some(compiled), warnings))
}

/// A one-line progress bar with rate and time left, on a terminal only.
struct Progress {
    on: bool,
    started: Instant,
    first: Option<u64>,
    drawn: bool,
}

impl Progress {
    fn new(on: bool) -> Self {
        Progress {
            on,
            started: Instant::now(),
            first: None,
            drawn: false,
        }
    }

    fn update(&mut self, done: u64, total: u64) {
        if !self.on {
            return;
        }
        let first = *self.first.get_or_insert(done);
        let secs = self.started.elapsed().as_secs_f64();
        let rate = (done - first) as f64 / secs.max(1e-9);
        let eta = if rate > 0.0 {
            hms((total - done) as f64 / rate)
        } else {
            "--:--".into()
        };
        let frac = if total == 0 {
            1.0
        } else {
            done as f64 / total as f64
        };
        let width = 30;
        let filled = (frac * width as f64) as usize;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K[{}{}] {:>3.0}% {done}/{total} runs  {rate:.0} runs/s  ETA {eta}",
            "#".repeat(filled),
            ".".repeat(width - filled),
            frac * 100.0
        );
        let _ = err.flush();
        self.drawn = true;
    }

    fn finish(&mut self) {
        if self.drawn {
            emit_err("\n");
        }
    }
}

fn hms(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}
