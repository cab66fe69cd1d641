//! `rolefit sweep` and `rolefit merge`: a designed set of runs streamed to a table, and shards
//! joined back into one.

use super::{EXIT_OK, emit_err, show_warnings, threads};
use crate::cli::{MergeArgs, SweepArgs, TableFormat};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use rolefit::Error;
use rolefit::sweep::input::{self, DesignFile, SweepSource};
use rolefit::sweep::manifest::MAX_SHARDS;
use rolefit::sweep::{self, Format, Layout, Shard};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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
    let loaded = sweep::load_plan(&source, design.as_ref(), format, !args.no_solve_time)?;
    show_warnings(&loaded.warnings);
    let layout = Layout::new(&loaded.plan, format, !args.no_solve_time);
    let manifest = loaded.manifest(&layout, shard);
    let opts = sweep::Options {
        threads,
        shard,
        resume: args.resume,
        restart: args.restart,
    };
    let show = !quiet && std::io::stderr().is_terminal();
    let bar = progress_bar(show);
    let report = sweep::execute(
        &loaded.plan,
        &layout,
        &manifest,
        &args.out,
        &opts,
        &mut |d, t| {
            if bar.length().is_none() {
                // The first call: rows resumed from an interrupted run do not count in the rate.
                bar.set_length(t);
                bar.set_position(d);
                bar.reset_eta();
            } else {
                bar.set_position(d);
            }
        },
    )
    .map_err(Error::from)?;
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
    let rows = sweep::merge::merge(&args.shards, &args.out).map_err(Error::from)?;
    if !quiet && std::io::stderr().is_terminal() {
        emit_err(&format!(
            "merged {} shard(s): {rows} rows in {}\n",
            args.shards.len(),
            args.out.display()
        ));
    }
    Ok(EXIT_OK)
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

/// A one-line progress bar with rate and time left, on standard error; hidden when `show` is
/// false (and by indicatif itself when standard error is not a terminal).
fn progress_bar(show: bool) -> ProgressBar {
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let style = ProgressStyle::with_template(
        "[{bar:30}] {percent:>3}% {pos}/{len} runs  {rate} runs/s  ETA {eta}",
    )
    .expect("the progress template is valid")
    .with_key(
        "rate",
        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}", state.per_sec());
        },
    )
    .progress_chars("#..");
    ProgressBar::with_draw_target(None, target).with_style(style)
}
