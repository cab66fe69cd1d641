//! Runs a sweep (or one shard of it) in parallel and streams its rows to disk in run-id order,
//! resumably.
//!
//! Files, for an output `out.csv`:
//! - `out.csv.lock` is held while a sweep writes any of the others (see [`super::lock`]).
//! - `out.csv.partial` holds the rows written so far, always a prefix of the final file;
//!   `out.csv.partial.json` says which sweep they belong to. A crash (Ctrl-C, `kill -9`) leaves
//!   both, and `--resume` carries on after the last complete row.
//! - When every run is written, `out.csv.partial` is moved to `out.csv` (see
//!   [`crate::output::install`]) and the manifest `out.csv.manifest.json`, with the digest of
//!   the file's bytes, is written beside it. Until then an existing `out.csv` is never
//!   touched, so a failed rerun cannot truncate a finished file.
//!
//! Runs are solved in chunks on a rayon pool, and each chunk is written in order once it is
//! complete, so memory holds one chunk of rows whatever the size of the sweep.

use super::lock::{LockError, OutputLock};
use super::manifest::{Manifest, ManifestError, Shard, manifest_path};
use super::rows::{Digest, Line, LineError};
use super::run::{Plan, RunStatus, Scratch};
use super::table::{Format, Layout, RowReader};
use crate::output::OutputError;
use rayon::prelude::*;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Why a sweep, a resume or a merge stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// Path of the file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file could not be written, created, moved or locked.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Path of the file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Another sweep writes the same output now.
    #[error(transparent)]
    Locked(LockError),
    /// The output may not be written where it is asked for (see [`crate::output`]).
    #[error(transparent)]
    Refused(OutputError),
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {reason}")]
    Threads {
        /// How many were asked for.
        threads: usize,
        /// Why the pool could not start them.
        reason: String,
    },
    /// An interrupted sweep of this output waits for `--resume` or `--restart` (its partial
    /// file).
    #[error(
        "an interrupted sweep is in {0}: pass --resume to finish it, or --restart to discard it"
    )]
    Unfinished(String),
    /// The interrupted sweep found at `path` is not this one.
    #[error("{path} belongs to a different sweep ({why}); pass --restart to discard it")]
    Different {
        /// The partial file found.
        path: String,
        /// What differs.
        why: &'static str,
    },
    /// Shards that cannot be merged.
    #[error(transparent)]
    Merge(#[from] super::merge::MergeError),
    /// The caller stopped the sweep between two chunks (the Python package on Ctrl-C).
    #[error("interrupted")]
    Interrupted,
    /// A table or manifest on disk is damaged or belongs to something else.
    #[error("{path}: {message}")]
    Corrupt {
        /// Path of the file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
}

/// A sweep's files that cannot be read or written are the library's read and write errors;
/// everything else is for the caller to fix ([`crate::Error::is_usage`]).
impl From<SweepError> for crate::Error {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Read { path, source } => {
                crate::Error::Load(crate::load::LoadError::Read { path, source })
            }
            SweepError::Write { path, source } => crate::Error::Write { path, source },
            other => crate::Error::Arguments(Box::new(other)),
        }
    }
}

impl From<LockError> for SweepError {
    fn from(e: LockError) -> Self {
        match e {
            LockError::Busy { .. } => SweepError::Locked(e),
            LockError::Io { lock, source } => SweepError::Write { path: lock, source },
        }
    }
}

impl From<ManifestError> for SweepError {
    fn from(e: ManifestError) -> Self {
        match e {
            ManifestError::Read { path, source } => SweepError::Read { path, source },
            ManifestError::Invalid { path, why } => SweepError::Corrupt {
                path,
                message: format!("not a sweep manifest: {why}"),
            },
        }
    }
}

impl From<OutputError> for SweepError {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Refused { .. } => SweepError::Refused(e),
            OutputError::Io { path, source } => SweepError::Write { path, source },
        }
    }
}

impl SweepError {
    /// A problem reading the lines of the table at `path`.
    pub fn line(path: &Path, e: LineError) -> SweepError {
        match e {
            LineError::Io(source) => read_err(path)(source),
            other => SweepError::Corrupt {
                path: path.display().to_string(),
                message: other.to_string(),
            },
        }
    }
}

pub(super) fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |source| SweepError::Read {
        path: path.display().to_string(),
        source,
    }
}

pub(super) fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |source| SweepError::Write {
        path: path.display().to_string(),
        source,
    }
}

/// `out.csv` -> `out.csv.partial`: where the rows go until every run is written.
pub fn partial_path(out: &Path) -> PathBuf {
    with_suffix(out, ".partial")
}

fn partial_manifest_path(out: &Path) -> PathBuf {
    with_suffix(out, ".partial.json")
}

/// The files of an output besides itself: its rows in progress, their manifest, the finished
/// manifest and the lock. None of them may be one of the sweep's inputs.
pub fn companions(out: &Path) -> [PathBuf; 4] {
    [
        partial_path(out),
        partial_manifest_path(out),
        manifest_path(out),
        super::lock::lock_path(out),
    ]
}

/// Refuses a table at `out` when it, or one of its [`companions`], is one of `inputs` (the
/// files the run reads: [`super::input::read_files`], or a merge's shards and their manifests):
/// writing there would destroy the input and report success. The CLI and the Python package
/// both call this before anything runs.
pub fn refuse_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let companions = companions(out);
    let mut outputs: Vec<&Path> = vec![out];
    outputs.extend(companions.iter().map(PathBuf::as_path));
    crate::output::refuse_inputs(&outputs, inputs)
}

pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A stable hash of the parts (with their lengths, so boundaries count), in hex.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut d = Digest::default();
    for p in parts {
        d.update(&(p.len() as u64).to_le_bytes());
        d.update(p);
    }
    d.hex()
}

/// How [`execute`] runs a sweep: threads, shard, and what to do with an interrupted output.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads; 0 for one per core.
    pub threads: usize,
    /// The shard to run; `None` runs every run of the sweep.
    pub shard: Option<Shard>,
    /// Continue an interrupted sweep instead of refusing to overwrite it.
    pub resume: bool,
    /// Discard an interrupted sweep and start again.
    pub restart: bool,
}

/// What a call to [`execute`] did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Rows of the output (all of the shard's runs).
    pub rows: u64,
    /// Rows found already written by an interrupted run.
    pub resumed: u64,
    /// Runs solved by this call.
    pub solved: u64,
    /// Runs solved by this call whose hard constraints had no line-up.
    pub infeasible: u64,
    /// Runs of this call the solver failed on (status `error`).
    pub errors: u64,
    /// Wall time of the call.
    pub elapsed: Duration,
    /// The output was already complete; nothing was run.
    pub already_complete: bool,
}

/// Solves the shard's runs at positions `positions` (the `k`-th run of a shard is run
/// `shard.index + k * shard.count`) on a pool of `threads` workers (0: one per core), maps each
/// result with `map` on the worker, and hands the mapped results to `chunk` in run order, a
/// chunk at a time, with the number of positions done so far. Chunks start small (early
/// progress, little lost to a crash) and at most double until they take about half a second,
/// capped so a chunk stays a few megabytes. The file writer and the Python binding share it.
pub fn solve_in_order<T: Send>(
    plan: &Plan,
    threads: usize,
    shard: Shard,
    positions: std::ops::Range<u64>,
    map: impl Fn(super::run::RunResult) -> T + Sync,
    mut chunk: impl FnMut(Vec<T>, u64) -> Result<(), SweepError>,
) -> Result<(), SweepError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| SweepError::Threads {
            threads,
            reason: e.to_string(),
        })?;
    let workers = pool.current_num_threads() as u64;
    let mut size = (16 * workers).max(1);
    let mut done = positions.start;
    let total = positions.end;
    while done < total {
        let end = (done + size).min(total);
        let t = Instant::now();
        let rows: Vec<T> = pool.install(|| {
            (done..end)
                .into_par_iter()
                .map_init(Scratch::default, |scratch, pos| {
                    map(plan.run_with(shard.index + pos * shard.count, scratch))
                })
                .collect()
        });
        let n = rows.len();
        chunk(rows, end)?;
        done = end;
        // Wall time per row of this chunk, all workers together.
        let per_row = t.elapsed().as_secs_f64() / n.max(1) as f64;
        let wanted = if per_row > 0.0 {
            (0.5 / per_row) as u64
        } else {
            u64::MAX
        };
        size = wanted
            .min(size.saturating_mul(2))
            .clamp(workers, 8192 * workers.min(4));
    }
    Ok(())
}

/// Runs the sweep's runs (those of `opts.shard`) into `out`, resuming if asked; `progress`
/// hears `(rows written, rows in total)` after every chunk. Holds `out`'s lock throughout, so
/// a second writer of the same output is refused.
pub fn execute(
    plan: &Plan,
    layout: &Layout,
    manifest: &Manifest,
    out: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report, SweepError> {
    let started = Instant::now();
    let _lock = OutputLock::acquire(out)?;
    let shard = opts.shard.unwrap_or(Shard { index: 0, count: 1 });
    let total = shard.len(plan.runs());
    let mut report = Report {
        rows: total,
        ..Report::default()
    };
    let mut rows = match start(layout, manifest, out, opts, shard, total)? {
        Start::Complete => {
            report.resumed = total;
            report.already_complete = true;
            report.elapsed = started.elapsed();
            return Ok(report);
        }
        Start::Write(rows) => rows,
    };
    report.resumed = rows.done;
    progress(rows.done, total);
    solve_in_order(
        plan,
        opts.threads,
        shard,
        rows.done..total,
        |r| {
            let mut line = String::with_capacity(512);
            layout.write_row(&r, &mut line);
            (line, r.status)
        },
        |chunk, written| {
            rows.append(&chunk, &mut report)?;
            progress(written, total);
            Ok(())
        },
    )?;
    rows.install(out, manifest)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Where [`execute`] starts.
enum Start {
    /// The output is finished already: nothing to run.
    Complete,
    /// Rows go to the `.partial` file, after those it holds.
    Write(PartialRows),
}

/// Decides where a sweep starts: a fresh `.partial` file with its header, or, with
/// `--resume`, after the complete rows of the one an interrupted sweep left (or nowhere, when
/// the output is already finished).
fn start(
    layout: &Layout,
    manifest: &Manifest,
    out: &Path,
    opts: &Options,
    shard: Shard,
    total: u64,
) -> Result<Start, SweepError> {
    let partial = partial_path(out);
    let partial_manifest = partial_manifest_path(out);
    // `--restart` discards whatever is there, even a damaged state file.
    let in_progress = if opts.restart {
        None
    } else {
        Manifest::read(&partial_manifest)?
    };
    if in_progress.is_some() && !opts.resume && !opts.restart {
        return Err(SweepError::Unfinished(partial.display().to_string()));
    }
    if opts.resume {
        match in_progress {
            Some(m) => {
                same_sweep(&m, manifest, &partial_manifest)?;
                if partial.exists() {
                    return resume_partial(&partial, layout.format, shard).map(Start::Write);
                }
                // Stopped between renaming the rows into place and writing the manifest.
                let counted = match out.exists() {
                    true => Some(count_rows(out, layout.format, shard)?),
                    false => None,
                };
                if let Some((rows, digest)) = counted
                    && rows == total
                {
                    finish_manifest(out, manifest, digest, &partial_manifest)?;
                    return Ok(Start::Complete);
                }
            }
            None => {
                if let Some(m) = Manifest::read(&manifest_path(out))?
                    && (Manifest {
                        digest: String::new(),
                        ..m
                    }) == *manifest
                    && out.exists()
                {
                    return Ok(Start::Complete);
                }
            }
        }
    }
    fresh_partial(layout, manifest, out).map(Start::Write)
}

/// The `.partial` file of a sweep being written, with the digest of its bytes so far.
struct PartialRows {
    path: PathBuf,
    writer: BufWriter<File>,
    digest: Digest,
    /// Rows it holds (of the shard's runs, in order).
    done: u64,
}

/// A new `.partial` file holding the header, and its state file.
fn fresh_partial(
    layout: &Layout,
    manifest: &Manifest,
    out: &Path,
) -> Result<PartialRows, SweepError> {
    let partial = partial_path(out);
    crate::output::write_file(&partial_manifest_path(out), manifest.to_json().as_bytes())?;
    let f = fresh(&partial)?;
    let mut writer = BufWriter::with_capacity(1 << 20, f);
    let header = layout.header();
    writer
        .write_all(header.as_bytes())
        .map_err(write_err(&partial))?;
    let mut digest = Digest::default();
    digest.update(header.as_bytes());
    Ok(PartialRows {
        path: partial,
        writer,
        digest,
        done: 0,
    })
}

/// The `.partial` file an interrupted sweep left, cut to its complete rows, to append to.
fn resume_partial(partial: &Path, format: Format, shard: Shard) -> Result<PartialRows, SweepError> {
    let (done, digest) = truncate_to_complete_rows(partial, format, shard)?;
    let f = OpenOptions::new()
        .append(true)
        .open(partial)
        .map_err(write_err(partial))?;
    Ok(PartialRows {
        path: partial.to_path_buf(),
        writer: BufWriter::with_capacity(1 << 20, f),
        digest,
        done,
    })
}

impl PartialRows {
    /// Appends a chunk of rows in run order and flushes them, counting them in `report`.
    fn append(
        &mut self,
        rows: &[(String, RunStatus)],
        report: &mut Report,
    ) -> Result<(), SweepError> {
        for (line, status) in rows {
            self.writer
                .write_all(line.as_bytes())
                .map_err(write_err(&self.path))?;
            self.digest.update(line.as_bytes());
            match status {
                RunStatus::Solved(crate::solve::Status::Infeasible) => report.infeasible += 1,
                RunStatus::Error => report.errors += 1,
                RunStatus::Solved(_) => {}
            }
        }
        self.writer.flush().map_err(write_err(&self.path))?;
        report.solved += rows.len() as u64;
        Ok(())
    }

    /// Once every run is written: the rows synced, moved to `out`, and the manifest written.
    fn install(self, out: &Path, manifest: &Manifest) -> Result<(), SweepError> {
        let partial = self.path;
        let f = self
            .writer
            .into_inner()
            .map_err(|e| write_err(&partial)(e.into_error()))?;
        f.sync_all().map_err(write_err(&partial))?;
        drop(f);
        crate::output::install(&partial, out)?;
        finish_manifest(out, manifest, self.digest, &partial_manifest_path(out))
    }
}

/// A new, empty `.partial` file. One left from an interrupted sweep that is not resumed is
/// removed first (the lock says nobody is writing it); the file is created new, so a file or
/// link planted at the name is never written through.
fn fresh(partial: &Path) -> Result<File, SweepError> {
    match std::fs::remove_file(partial) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(write_err(partial)(e));
        }
        _ => {}
    }
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(partial)
        .map_err(write_err(partial))
}

fn finish_manifest(
    out: &Path,
    manifest: &Manifest,
    digest: Digest,
    partial: &Path,
) -> Result<(), SweepError> {
    let finished = Manifest {
        digest: digest.hex(),
        ..manifest.clone()
    };
    crate::output::write_file(&manifest_path(out), finished.to_json().as_bytes())?;
    std::fs::remove_file(partial).map_err(write_err(partial))
}

fn same_sweep(found: &Manifest, wanted: &Manifest, path: &Path) -> Result<(), SweepError> {
    let what = if found.fingerprint != wanted.fingerprint {
        Some("the sweep file, its scenarios or rules, or rolefit itself changed")
    } else if found.shard != wanted.shard {
        Some("it ran another --shard")
    } else if found.columns != wanted.columns {
        Some("its columns differ (--no-solve-time?)")
    } else if found.format != wanted.format {
        Some("it wrote another format")
    } else {
        None
    };
    match what {
        None => Ok(()),
        Some(why) => Err(SweepError::Different {
            path: path.display().to_string(),
            why,
        }),
    }
}

/// Cuts a torn last row (a crash in mid-write) and checks the rows are the shard's first runs
/// in order; returns how many there are and the digest of what is kept.
fn truncate_to_complete_rows(
    path: &Path,
    format: Format,
    shard: Shard,
) -> Result<(u64, Digest), SweepError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(read_err(path))?;
    let mut lines = RowReader::new(BufReader::with_capacity(1 << 20, &file), format);
    let mut rows = 0u64;
    if format == Format::Csv
        && lines
            .header()
            .map_err(|e| SweepError::line(path, e))?
            .is_none()
    {
        return Err(SweepError::Corrupt {
            path: path.display().to_string(),
            message: "the header is missing: pass --restart to start again".into(),
        });
    }
    while lines.next_line().map_err(|e| SweepError::line(path, e))? == Line::Complete {
        let expected = shard.index + rows * shard.count;
        if lines.run_id() != Some(expected) {
            return Err(SweepError::Corrupt {
                path: path.display().to_string(),
                message: format!(
                    "row {} should be run {expected}; the file was changed by hand or by another program: pass --restart to discard it",
                    rows + 1
                ),
            });
        }
        rows += 1;
    }
    let (complete, digest) = (lines.bytes(), lines.digest());
    drop(lines);
    let mut file = file;
    file.set_len(complete).map_err(write_err(path))?;
    file.seek(SeekFrom::End(0)).map_err(write_err(path))?;
    Ok((rows, digest))
}

/// The rows of a finished file that are the shard's runs in order, and the file's digest.
fn count_rows(path: &Path, format: Format, shard: Shard) -> Result<(u64, Digest), SweepError> {
    let file = File::open(path).map_err(read_err(path))?;
    let mut lines = RowReader::new(BufReader::new(file), format);
    let mut rows = 0;
    while lines.next_line().map_err(|e| SweepError::line(path, e))? == Line::Complete {
        if lines.run_id() == Some(shard.index + rows * shard.count) {
            rows += 1;
        }
    }
    Ok((rows, lines.digest()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_see_boundaries() {
        assert_ne!(
            fingerprint([b"ab".as_slice(), b"c"]),
            fingerprint([b"a".as_slice(), b"bc"])
        );
        assert_eq!(
            fingerprint([b"x".as_slice()]),
            fingerprint([b"x".as_slice()])
        );
    }
}
