//! Joins the shards of a sweep into the file one unsharded run writes, byte for byte.
//!
//! Shard `k` of `n` holds runs `k, k + n, k + 2n, ...` in order, so the merged file takes one
//! row from each shard in turn. Every shard must be finished (it has a manifest), belong to
//! the same sweep (same fingerprint and columns), be there exactly once, and still be the file
//! its manifest describes (same digest): an edited or torn shard is refused, not merged.

use super::lock::OutputLock;
use super::manifest::{Manifest, Shard, manifest_path};
use super::rows::{Digest, Line};
use super::stream::{SweepError, read_err, write_err};
use super::table::{Format, RowReader};
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Missing shards named in the error; the rest are counted.
const MISSING_SHOWN: usize = 10;

/// Why shards cannot be merged: each is something the user must fix (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// `merge` was given no files.
    #[error("no shard files to merge")]
    NoShards,
    /// A shard still being run, or cut short: its rows are in `partial`.
    #[error(
        "{path}: this shard has not finished (its rows are still in {partial}); resume it with `rolefit sweep ... --resume`"
    )]
    Unfinished {
        /// The shard's output.
        path: String,
        /// Its partial file.
        partial: String,
    },
    /// A file without a manifest beside it: no finished sweep output.
    #[error(
        "{path}: no manifest ({manifest}): only finished `rolefit sweep` outputs can be merged"
    )]
    NoManifest {
        /// The file given.
        path: String,
        /// Where its manifest would be.
        manifest: String,
    },
    /// The first file given was run without `--shard`.
    #[error("{0}: this output is not a shard (it was run without --shard)")]
    RunWithoutShard(String),
    /// A later file given is not a shard.
    #[error("{0}: this output is not a shard")]
    NotAShard(String),
    /// Two files are the same shard.
    #[error("shard {index}/{count} is given twice: {first} and {second}")]
    Twice {
        /// The shard's index.
        index: u64,
        /// How many shards the sweep was split into.
        count: u64,
        /// The first file that is this shard.
        first: String,
        /// The second.
        second: String,
    },
    /// Shards with runs were not given (as `k/n`, the first few and how many more).
    #[error("missing shard(s) {0}: every shard of the sweep is needed")]
    Missing(String),
    /// Two shards of different sweeps or tables.
    #[error("{first} and {second} are shards of {why}")]
    Differ {
        /// The first file given.
        first: String,
        /// The file that differs from it.
        second: String,
        /// What differs.
        why: Differs,
    },
    /// Two shards of splits into different numbers of shards.
    #[error("{path} is shard {index} of {count}, but {first} is one of {first_count}")]
    OtherCount {
        /// The shard that differs.
        path: String,
        /// Its index.
        index: u64,
        /// Its number of shards.
        count: u64,
        /// The first file given.
        first: String,
        /// The first file's number of shards.
        first_count: u64,
    },
}

/// What makes two shards belong to different sweeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Differs {
    /// The fingerprints differ.
    #[error("another sweep (its spec, scenarios, rules or rolefit version differ)")]
    Sweep,
    /// The table's columns or format differ.
    #[error("other columns or another format")]
    Columns,
}

/// Merges finished shard outputs into `out` (see [`crate::output`]) with its manifest;
/// returns the number of rows.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<u64, SweepError> {
    let shards = read_manifests(inputs)?;
    let Some((_, first)) = shards.first().cloned() else {
        return Err(MergeError::NoShards.into());
    };
    let by_index = by_index(&shards)?;
    let _lock = OutputLock::acquire(out)?;
    let (mut readers, header) = open_shards(&shards, &by_index, first.format())?;
    let mut output = crate::output::Output::create(out)?;
    let digest = interleave(&mut readers, header.as_deref(), &first, &mut output, out)?;
    for s in readers.iter_mut().flatten() {
        s.check_end()?;
    }
    output.commit()?;
    let merged = Manifest {
        shard: None,
        rows: first.runs,
        digest: digest.hex(),
        ..first
    };
    crate::output::write_file(&manifest_path(out), merged.to_json().as_bytes())?;
    Ok(merged.rows)
}

/// Each shard with its manifest; a shard without one has not finished, or is no sweep output.
fn read_manifests(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, Manifest)>, SweepError> {
    let mut shards = Vec::new();
    for path in inputs {
        let m = Manifest::read(&manifest_path(path))?.ok_or_else(|| {
            let partial = super::stream::partial_path(path);
            let path = path.display().to_string();
            SweepError::from(if partial.exists() {
                MergeError::Unfinished {
                    path,
                    partial: partial.display().to_string(),
                }
            } else {
                MergeError::NoManifest {
                    manifest: manifest_path(Path::new(&path)).display().to_string(),
                    path,
                }
            })
        })?;
        shards.push((path.clone(), m));
    }
    Ok(shards)
}

/// The position in `shards` of shard `k`, for every `k` of the sweep's shards: every shard is
/// of the same sweep and split, given once, and none with runs is missing.
fn by_index(shards: &[(PathBuf, Manifest)]) -> Result<Vec<Option<usize>>, SweepError> {
    let (first_path, first) = &shards[0];
    let Some(Shard { count, .. }) = first.shard else {
        return Err(MergeError::RunWithoutShard(first_path.display().to_string()).into());
    };
    // A checked manifest has at most `MAX_SHARDS` shards: one slot each.
    let mut by_index: Vec<Option<usize>> = vec![None; count as usize];
    for (n, (path, m)) in shards.iter().enumerate() {
        let index = same_split(first_path, first, path, m, count)?;
        if let Some(prev) = by_index[index as usize] {
            return Err(MergeError::Twice {
                index,
                count,
                first: shards[prev].0.display().to_string(),
                second: path.display().to_string(),
            }
            .into());
        }
        by_index[index as usize] = Some(n);
    }
    let missing: Vec<u64> = (0..count)
        .filter(|&k| {
            by_index[k as usize].is_none() && Shard { index: k, count }.len(first.runs) > 0
        })
        .collect();
    if !missing.is_empty() {
        let mut named: Vec<String> = missing
            .iter()
            .take(MISSING_SHOWN)
            .map(|k| format!("{k}/{count}"))
            .collect();
        if missing.len() > MISSING_SHOWN {
            named.push(format!("and {} more", missing.len() - MISSING_SHOWN));
        }
        return Err(MergeError::Missing(named.join(", ")).into());
    }
    Ok(by_index)
}

/// The index of the shard at `path`, when it is one of `count` shards of the first one's sweep.
fn same_split(
    first_path: &Path,
    first: &Manifest,
    path: &Path,
    m: &Manifest,
    count: u64,
) -> Result<u64, SweepError> {
    let differs = if m.fingerprint != first.fingerprint {
        Some(Differs::Sweep)
    } else if m.columns != first.columns || m.format != first.format {
        Some(Differs::Columns)
    } else {
        None
    };
    if let Some(why) = differs {
        return Err(MergeError::Differ {
            first: first_path.display().to_string(),
            second: path.display().to_string(),
            why,
        }
        .into());
    }
    let Some(Shard { index, count: c }) = m.shard else {
        return Err(MergeError::NotAShard(path.display().to_string()).into());
    };
    if c != count {
        return Err(MergeError::OtherCount {
            path: path.display().to_string(),
            index,
            count: c,
            first: first_path.display().to_string(),
            first_count: count,
        }
        .into());
    }
    Ok(index)
}

/// A reader for every shard slot (`None` where a shard has no runs), and the CSV header, the
/// same in every shard.
fn open_shards(
    shards: &[(PathBuf, Manifest)],
    by_index: &[Option<usize>],
    format: Format,
) -> Result<(Vec<Option<Shardfile>>, Option<String>), SweepError> {
    let mut readers: Vec<Option<Shardfile>> = Vec::new();
    let mut header: Option<String> = None;
    for slot in by_index {
        let Some(n) = slot else {
            readers.push(None);
            continue;
        };
        let (path, m) = &shards[*n];
        let f = File::open(path).map_err(read_err(path))?;
        let mut rows = RowReader::new(BufReader::with_capacity(1 << 20, f), format);
        if format == Format::Csv {
            let h = rows
                .header()
                .map_err(|e| SweepError::line(path, e))?
                .unwrap_or_default()
                .to_string();
            match &header {
                None => header = Some(h),
                Some(first) if *first != h => {
                    return Err(SweepError::Corrupt {
                        path: path.display().to_string(),
                        message: "its header differs from the other shards'".into(),
                    });
                }
                Some(_) => {}
            }
        }
        readers.push(Some(Shardfile {
            path: path.clone(),
            digest: m.digest.clone(),
            rows,
        }));
    }
    Ok((readers, header))
}

/// Writes the header and every run's row, taken from its shard in turn, to `output`; returns
/// the digest of what was written.
fn interleave(
    readers: &mut [Option<Shardfile>],
    header: Option<&str>,
    first: &Manifest,
    output: &mut crate::output::Output,
    out: &Path,
) -> Result<Digest, SweepError> {
    let count = readers.len() as u64;
    let mut digest = Digest::default();
    let mut w = BufWriter::with_capacity(1 << 20, output);
    let mut put = |bytes: &[u8]| -> Result<(), SweepError> {
        digest.update(bytes);
        w.write_all(bytes).map_err(write_err(out))
    };
    if let Some(h) = header {
        put(h.as_bytes())?;
        put(b"\n")?;
    }
    for id in 0..first.runs {
        let s = readers[(id % count) as usize]
            .as_mut()
            .expect("every shard with runs is present");
        put(s.row(id)?.as_bytes())?;
        put(b"\n")?;
    }
    w.flush().map_err(write_err(out))?;
    Ok(digest)
}

/// A shard being read, with the digest its manifest records.
struct Shardfile {
    path: PathBuf,
    digest: String,
    rows: RowReader<BufReader<File>>,
}

impl Shardfile {
    /// The shard's next row, which must be run `id`'s.
    fn row(&mut self, id: u64) -> Result<&str, SweepError> {
        let line = self
            .rows
            .next_line()
            .map_err(|e| SweepError::line(&self.path, e))?;
        if line == Line::Complete && self.rows.run_id() == Some(id) {
            return Ok(self.rows.text());
        }
        Err(SweepError::Corrupt {
            path: self.path.display().to_string(),
            message: match line {
                Line::End => format!("ends before run {id}"),
                Line::Torn => format!("its row for run {id} is cut short"),
                Line::Complete => format!("the row for run {id} is not where it should be"),
            },
        })
    }

    /// Once every row is read: nothing may follow, and the bytes must be those the manifest
    /// describes. A manifest without a digest (written before rolefit recorded one) is taken
    /// as it is.
    fn check_end(&mut self) -> Result<(), SweepError> {
        if self
            .rows
            .next_line()
            .map_err(|e| SweepError::line(&self.path, e))?
            != Line::End
        {
            return Err(SweepError::Corrupt {
                path: self.path.display().to_string(),
                message: "has more rows than its shard of the sweep".into(),
            });
        }
        if self.digest.is_empty() || self.rows.digest().hex() == self.digest {
            return Ok(());
        }
        Err(SweepError::Corrupt {
            path: self.path.display().to_string(),
            message: "its rows are not those its manifest records (the file was edited, or damaged, after the sweep wrote it): run the shard again".into(),
        })
    }
}
