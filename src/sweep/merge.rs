//! Joins the shards of a sweep into the file one unsharded run writes, byte for byte.
//!
//! Shard `k` of `n` holds runs `k, k + n, k + 2n, ...` in order, so the merged file takes one
//! row from each shard in turn. Every shard must be finished (it has a manifest) and belong to
//! the same sweep (same fingerprint and columns), and every shard must be there exactly once.

use super::stream::{Manifest, Shard, SweepError, manifest_path};
use super::table::{self, Format};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |source| SweepError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Merges finished shard outputs into `out` (written through a temporary file and renamed),
/// with its manifest; returns the number of rows.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<u64, SweepError> {
    let mut shards: Vec<(PathBuf, Manifest)> = Vec::new();
    for path in inputs {
        let m = Manifest::read(&manifest_path(path))?.ok_or_else(|| {
            let partial = super::stream::partial_path(path);
            SweepError::Usage(if partial.exists() {
                format!(
                    "{}: this shard has not finished (its rows are still in {}); resume it with `rolefit sweep ... --resume`",
                    path.display(),
                    partial.display()
                )
            } else {
                format!(
                    "{}: no manifest ({}): only finished `rolefit sweep` outputs can be merged",
                    path.display(),
                    manifest_path(path).display()
                )
            })
        })?;
        shards.push((path.clone(), m));
    }
    let Some((first_path, first)) = shards.first().cloned() else {
        return Err(SweepError::Usage("no shard files to merge".into()));
    };
    let count = match first.shard {
        Some(s) => s.count,
        None => {
            return Err(SweepError::Usage(format!(
                "{}: this output is not a shard (it was run without --shard)",
                first_path.display()
            )));
        }
    };
    let mut by_index: Vec<Option<usize>> = vec![None; count as usize];
    for (n, (path, m)) in shards.iter().enumerate() {
        let differs = if m.fingerprint != first.fingerprint {
            Some("another sweep (its spec, scenarios, rules or rolefit version differ)")
        } else if m.columns != first.columns || m.format != first.format {
            Some("other columns or another format")
        } else {
            None
        };
        if let Some(why) = differs {
            return Err(SweepError::Usage(format!(
                "{} and {} are shards of {why}",
                first_path.display(),
                path.display()
            )));
        }
        let Some(Shard { index, count: c }) = m.shard else {
            return Err(SweepError::Usage(format!(
                "{}: this output is not a shard",
                path.display()
            )));
        };
        if c != count {
            return Err(SweepError::Usage(format!(
                "{} is shard {index} of {c}, but {} is one of {count}",
                path.display(),
                first_path.display()
            )));
        }
        if let Some(prev) = by_index[index as usize] {
            return Err(SweepError::Usage(format!(
                "shard {index}/{count} is given twice: {} and {}",
                shards[prev].0.display(),
                path.display()
            )));
        }
        by_index[index as usize] = Some(n);
    }
    let missing: Vec<String> = (0..count)
        .filter(|&k| {
            by_index[k as usize].is_none() && Shard { index: k, count }.len(first.runs) > 0
        })
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Usage(format!(
            "missing shard(s) {}: every shard of the sweep is needed",
            missing.join(", ")
        )));
    }
    let format = first.format();
    let mut readers: Vec<Option<(PathBuf, std::io::Lines<BufReader<File>>)>> = Vec::new();
    let mut header: Option<String> = None;
    for slot in &by_index {
        match slot {
            None => readers.push(None),
            Some(n) => {
                let path = shards[*n].0.clone();
                let f = File::open(&path).map_err(io(&path))?;
                let mut lines = BufReader::with_capacity(1 << 20, f).lines();
                if format == Format::Csv {
                    let h = lines
                        .next()
                        .transpose()
                        .map_err(io(&path))?
                        .unwrap_or_default();
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
                readers.push(Some((path, lines)));
            }
        }
    }
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map_or_else(|| "merged".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.merging", std::process::id()));
    let result = (|| -> Result<(), SweepError> {
        let f = File::create(&tmp).map_err(io(&tmp))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        if let Some(h) = &header {
            writeln!(w, "{h}").map_err(io(&tmp))?;
        }
        for id in 0..first.runs {
            let (path, lines) = readers[(id % count) as usize]
                .as_mut()
                .expect("every shard with runs is present");
            let line = lines.next().transpose().map_err(io(path))?;
            match line {
                Some(l) if table::run_id(&l, format) == Some(id) => {
                    w.write_all(l.as_bytes()).map_err(io(&tmp))?;
                    w.write_all(b"\n").map_err(io(&tmp))?;
                }
                other => {
                    return Err(SweepError::Corrupt {
                        path: path.display().to_string(),
                        message: match other {
                            None => format!("ends before run {id}"),
                            Some(_) => format!("the row for run {id} is not where it should be"),
                        },
                    });
                }
            }
        }
        for (path, lines) in readers.iter_mut().flatten() {
            if lines.next().is_some() {
                return Err(SweepError::Corrupt {
                    path: path.display().to_string(),
                    message: "has more rows than its shard of the sweep".into(),
                });
            }
        }
        let f = w.into_inner().map_err(|e| io(&tmp)(e.into_error()))?;
        f.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, out).map_err(io(out))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    let merged = Manifest {
        shard: None,
        rows: first.runs,
        ..first
    };
    let mpath = manifest_path(out);
    crate::output::write_atomic(&mpath, merged.to_json().as_bytes()).map_err(io(&mpath))?;
    Ok(merged.rows)
}
