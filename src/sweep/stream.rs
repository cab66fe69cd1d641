//! Runs a sweep (or one shard of it) in parallel and streams its rows to disk in run-id order,
//! resumably; and the manifest that describes a finished output file.
//!
//! Files, for an output `out.csv`:
//! - `out.csv.partial` holds the rows written so far, always a prefix of the final file;
//!   `out.csv.partial.json` says which sweep they belong to. A crash (Ctrl-C, `kill -9`) leaves
//!   both, and `--resume` carries on after the last complete row.
//! - When every run is written, `out.csv.partial` is renamed to `out.csv` and the manifest
//!   `out.csv.manifest.json` is written beside it. Until then an existing `out.csv` is never
//!   touched, so a failed rerun cannot truncate a finished file.
//!
//! Runs are solved in chunks on a rayon pool, and each chunk is written in order once it is
//! complete, so memory holds one chunk of rows whatever the size of the sweep.

use super::run::{Plan, RunStatus, Scratch};
use super::table::{self, Format, Layout};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Something the user must decide or fix (exit status 2).
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {message}")]
    Corrupt { path: String, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |source| SweepError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Run `index` of `count` equal slices: the runs whose id is `index` modulo `count`. Interleaving
/// spreads hard corners of a design over every shard instead of giving them all to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Runs of this shard out of `runs`.
    pub fn len(&self, runs: u64) -> u64 {
        if self.index >= runs {
            0
        } else {
            (runs - self.index).div_ceil(self.count)
        }
    }

    pub fn is_empty(&self, runs: u64) -> bool {
        self.len(runs) == 0
    }
}

/// What a finished (or, as `.partial.json`, an unfinished) output holds: enough to check that a
/// resume continues the same sweep and that shards belong together, and to read the columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub rolefit: String,
    pub sweep: String,
    /// Hash of the spec, its scenario and rule files, the format and the columns.
    pub fingerprint: String,
    pub format: String,
    /// Runs of the whole sweep.
    pub runs: u64,
    pub shard: Option<Shard>,
    /// Rows in the file (the shard's runs, or all runs).
    pub rows: u64,
    pub columns: Vec<String>,
    pub factors: Vec<ManifestFactor>,
    /// The design file whose rows were run (`--design`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<ManifestDesign>,
}

/// What a manifest records of a design file: enough to tell whether a file at hand is the one
/// that was run (`sha256sum FILE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestDesign {
    pub file: String,
    pub sha256: String,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFactor {
    pub name: String,
    pub path: String,
    /// `numeric` (binned when summarised) or `categorical`.
    pub kind: String,
}

impl Manifest {
    pub fn new(plan: &Plan, layout: &Layout, fingerprint: &str, shard: Option<Shard>) -> Self {
        let runs = plan.runs();
        Manifest {
            rolefit: env!("CARGO_PKG_VERSION").to_string(),
            sweep: plan.spec.name.clone(),
            fingerprint: fingerprint.to_string(),
            format: layout.format.name().to_string(),
            runs,
            shard,
            rows: shard.map_or(runs, |s| s.len(runs)),
            columns: layout.columns.clone(),
            factors: plan
                .spec
                .factors
                .iter()
                .map(|f| ManifestFactor {
                    name: f.name.clone(),
                    path: f.path.clone(),
                    kind: match f.kind(&plan.spec) {
                        super::spec::ValueKind::Int { .. }
                        | super::spec::ValueKind::Real { .. } => "numeric",
                        _ => "categorical",
                    }
                    .to_string(),
                })
                .collect(),
            design: None,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest serialises");
        s.push('\n');
        s
    }

    /// Reads the manifest of an output file, if it has one.
    pub fn read(path: &Path) -> Result<Option<Manifest>, SweepError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(path)(e)),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| SweepError::Corrupt {
                path: path.display().to_string(),
                message: format!("not a sweep manifest: {e}"),
            })
    }

    pub fn format(&self) -> Format {
        Format::from_name(&self.format).unwrap_or(Format::Csv)
    }
}

/// `out.csv` -> `out.csv.manifest.json`.
pub fn manifest_path(out: &Path) -> PathBuf {
    with_suffix(out, ".manifest.json")
}

pub fn partial_path(out: &Path) -> PathBuf {
    with_suffix(out, ".partial")
}

fn partial_manifest_path(out: &Path) -> PathBuf {
    with_suffix(out, ".partial.json")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A stable 64-bit FNV-1a hash of the parts (with their lengths, so boundaries count), in hex.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for p in parts {
        eat(&(p.len() as u64).to_le_bytes());
        eat(p);
    }
    format!("{h:016x}")
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads; 0 for one per core.
    pub threads: usize,
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
    pub infeasible: u64,
    pub errors: u64,
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
        .map_err(|e| SweepError::Usage(format!("cannot start the worker threads: {e}")))?;
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
/// hears `(rows written, rows in total)` after every chunk.
pub fn execute(
    plan: &Plan,
    layout: &Layout,
    manifest: &Manifest,
    out: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report, SweepError> {
    let started = Instant::now();
    let runs = plan.runs();
    let shard = opts.shard.unwrap_or(Shard { index: 0, count: 1 });
    let total = shard.len(runs);
    let partial = partial_path(out);
    let partial_manifest = partial_manifest_path(out);
    let mut report = Report {
        rows: total,
        ..Report::default()
    };

    // `--restart` discards whatever is there, even a damaged state file.
    let in_progress = if opts.restart {
        None
    } else {
        Manifest::read(&partial_manifest)?
    };
    if in_progress.is_some() && !opts.resume && !opts.restart {
        return Err(SweepError::Usage(format!(
            "an interrupted sweep is in {}: pass --resume to finish it, or --restart to discard it",
            partial.display()
        )));
    }
    let mut done = 0u64;
    let mut writer = None;
    if opts.resume {
        match in_progress {
            Some(m) => {
                same_sweep(&m, manifest, &partial_manifest)?;
                if !partial.exists() {
                    // Stopped between renaming the rows into place and writing the manifest.
                    if out.exists() && count_rows(out, layout.format, shard)? == total {
                        finish_manifest(out, manifest, &partial_manifest)?;
                        report.resumed = total;
                        report.already_complete = true;
                        report.elapsed = started.elapsed();
                        return Ok(report);
                    }
                } else {
                    done = truncate_to_complete_rows(&partial, layout.format, shard)?;
                    let f = OpenOptions::new()
                        .append(true)
                        .open(&partial)
                        .map_err(io(&partial))?;
                    writer = Some(BufWriter::with_capacity(1 << 20, f));
                    report.resumed = done;
                }
            }
            None => {
                if let Some(m) = Manifest::read(&manifest_path(out))?
                    && m == *manifest
                    && out.exists()
                {
                    report.resumed = total;
                    report.already_complete = true;
                    report.elapsed = started.elapsed();
                    return Ok(report);
                }
            }
        }
    }
    let mut w = match writer {
        Some(w) => w,
        None => {
            crate::output::write_atomic(&partial_manifest, manifest.to_json().as_bytes())
                .map_err(io(&partial_manifest))?;
            let f = File::create(&partial).map_err(io(&partial))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            w.write_all(layout.header().as_bytes())
                .map_err(io(&partial))?;
            w
        }
    };
    progress(done, total);

    solve_in_order(
        plan,
        opts.threads,
        shard,
        done..total,
        |r| {
            let mut line = String::with_capacity(512);
            layout.write_row(&r, &mut line);
            (line, r.status)
        },
        |rows, written| {
            for (line, status) in &rows {
                w.write_all(line.as_bytes()).map_err(io(&partial))?;
                match status {
                    RunStatus::Solved(crate::solve::Status::Infeasible) => report.infeasible += 1,
                    RunStatus::Error => report.errors += 1,
                    RunStatus::Solved(_) => {}
                }
            }
            w.flush().map_err(io(&partial))?;
            report.solved += rows.len() as u64;
            progress(written, total);
            Ok(())
        },
    )?;
    let f = w.into_inner().map_err(|e| io(&partial)(e.into_error()))?;
    f.sync_all().map_err(io(&partial))?;
    drop(f);
    std::fs::rename(&partial, out).map_err(io(out))?;
    finish_manifest(out, manifest, &partial_manifest)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

fn finish_manifest(out: &Path, manifest: &Manifest, partial: &Path) -> Result<(), SweepError> {
    let path = manifest_path(out);
    crate::output::write_atomic(&path, manifest.to_json().as_bytes()).map_err(io(&path))?;
    std::fs::remove_file(partial).map_err(io(partial))
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
        Some(why) => Err(SweepError::Usage(format!(
            "{} belongs to a different sweep ({why}); pass --restart to discard it",
            path.display()
        ))),
    }
}

/// Cuts a torn last row (a crash in mid-write) and checks the rows are the shard's first runs
/// in order; returns how many there are.
fn truncate_to_complete_rows(path: &Path, format: Format, shard: Shard) -> Result<u64, SweepError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, &file);
    let mut line = String::new();
    let mut complete_bytes = 0u64;
    let mut rows = 0u64;
    let mut first = true;
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(io(path))?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        if first && format == Format::Csv {
            first = false;
            complete_bytes += n as u64;
            continue;
        }
        first = false;
        let expected = shard.index + rows * shard.count;
        if table::run_id(&line, format) != Some(expected) {
            return Err(SweepError::Corrupt {
                path: path.display().to_string(),
                message: format!(
                    "row {} should be run {expected}; the file was changed by hand or by another program: pass --restart to discard it",
                    rows + 1
                ),
            });
        }
        rows += 1;
        complete_bytes += n as u64;
    }
    drop(reader);
    let mut file = file;
    file.set_len(complete_bytes).map_err(io(path))?;
    file.seek(SeekFrom::End(0)).map_err(io(path))?;
    if complete_bytes == 0 && format == Format::Csv {
        return Err(SweepError::Corrupt {
            path: path.display().to_string(),
            message: "the header is missing: pass --restart to start again".into(),
        });
    }
    Ok(rows)
}

fn count_rows(path: &Path, format: Format, shard: Shard) -> Result<u64, SweepError> {
    let file = File::open(path).map_err(io(path))?;
    let mut rows = 0;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(io(path))?;
        if table::run_id(&line, format) == Some(shard.index + rows * shard.count) {
            rows += 1;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_runs_exactly() {
        for runs in [0u64, 1, 5, 17, 100] {
            for count in 1..6 {
                let total: u64 = (0..count)
                    .map(|index| Shard { index, count }.len(runs))
                    .sum();
                assert_eq!(total, runs, "{runs} runs in {count} shards");
            }
        }
    }

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
