//! `rolefit sweep` and `rolefit merge`: a designed set of runs streamed to a table, and shards
//! joined back into one.

use super::{EXIT_OK, emit_err, show_warnings, threads};
use crate::cli::{MergeArgs, SweepArgs, TableFormat};
use rolefit::Error;
use rolefit::diag::Diagnostics;
use rolefit::load::LoadError;
use rolefit::sweep::input::{self, DesignFile, SweepSource};
use rolefit::sweep::manifest::{MAX_SHARDS, ManifestDesign};
use rolefit::sweep::{self, Format, Layout, Manifest, Plan, Shard, SweepError};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn run(args: &SweepArgs, quiet: bool) -> Result<u8, Error> {
    let format = match args.format {
        Some(TableFormat::Csv) => Format::Csv,
        Some(TableFormat::Jsonl) => Format::Jsonl,
        None => Format::from_path(&args.out)
            .ok_or_else(|| Error::from(super::usage::UsageError::TableFormat(args.out.clone())))?,
    };
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let threads = threads(args.threads)?;
    let design = args.design.as_deref().map(DesignFile::read).transpose()?;
    let source = SweepSource::read(&args.spec)?;
    let inputs = input::read_files(
        &source,
        Some(Path::new(&args.spec)),
        args.design.as_deref().map(Path::new),
    );
    refuse_inputs(&args.out, &inputs)?;
    let (plan, fingerprint) = compile(&source, design.as_ref(), format, !args.no_solve_time)?;
    let layout = Layout::new(&plan, format, !args.no_solve_time);
    let mut manifest = Manifest::new(&plan, &layout, &fingerprint, shard);
    manifest.design = design.as_ref().map(|d| ManifestDesign {
        file: d.source.name.clone(),
        sha256: d.sha256.clone(),
        rows: plan.spec.table.as_ref().map_or(0, |t| t.rows),
    });
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
        other => Error::Arguments(Box::new(other)),
    }
}

/// A table and its companion files are written, so none may be an input of the sweep (its
/// file, scenarios, rules and design file, or for `merge` the shards and their manifests).
/// `-` is refused: a table is resumed and merged from its file.
fn refuse_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    if out == Path::new("-") {
        return Err(super::usage::UsageError::TableToStdout.into());
    }
    Ok(sweep::stream::refuse_inputs(out, inputs)?)
}

/// `K/N`, or `env/N` for the index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
fn parse_shard(text: &str) -> Result<Shard, Error> {
    let bad = |why: &str| {
        Error::from(super::usage::UsageError::Shard {
            given: text.to_string(),
            why: why.to_string(),
        })
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

/// Reads and validates a sweep, everything it names and its design file, printing its
/// warnings; returns the plan and the fingerprint of all inputs (what `--resume` and `merge`
/// check).
pub fn compile(
    source: &SweepSource,
    design: Option<&DesignFile>,
    format: Format,
    solve_time: bool,
) -> Result<(Plan, String), Error> {
    let (compiled, diags) = input::compile(source, design, format, solve_time)?;
    let Some(compiled) = compiled else {
        return Err(Error::Invalid(Diagnostics(diags)));
    };
    show_warnings(&diags);
    Ok(compiled)
}

/// Reads a sweep and everything it names: the plan and fingerprint when it is valid, and every
/// diagnostic found (errors only fail the call when the sweep file itself cannot be read).
pub fn load(
    path: &str,
    design: Option<&DesignFile>,
    format: Format,
    solve_time: bool,
) -> Result<input::Compiled, Error> {
    input::compile(&SweepSource::read(path)?, design, format, solve_time)
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
