//! The manifest beside a finished sweep output (`out.csv.manifest.json`), and beside an
//! unfinished one (`out.csv.partial.json`): which sweep the rows belong to, which shard, how
//! many rows, the columns, and the digest of the file's bytes.
//!
//! A manifest is read from disk, so it is validated like any input ([`Manifest::try_from`]
//! a [`RawManifest`]): a tampered one (shard index at or above the count, a count of 0 or
//! 10^15) is an error with its reason, never a panic or a huge allocation in `merge`.

use super::run::Plan;
use super::spec::{MAX_FACTORS, MAX_RUNS, ValueKind};
use super::table::{Format, Layout};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Most shards a sweep may be cut into: more than any job array (Slurm's largest is about
/// four million; Kubernetes Indexed Jobs allow 100 000), few enough that `merge` can keep one
/// slot per shard.
pub const MAX_SHARDS: u64 = 1_000_000;

/// Longest manifest read: one holds a few hundred column names.
const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;

/// Run `index` of `count` equal slices: the runs whose id is `index` modulo `count`. Interleaving
/// spreads hard corners of a design over every shard instead of giving them all to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard's number, from 0 to `count - 1`.
    pub index: u64,
    /// How many shards the sweep is cut into (1 to [`MAX_SHARDS`]).
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

    /// Whether this shard gets none of `runs` (its index is at or above `runs`).
    pub fn is_empty(&self, runs: u64) -> bool {
        self.len(runs) == 0
    }

    /// Why `index/count` is not a shard, if it is not one.
    pub fn check(&self) -> Result<(), String> {
        if self.count == 0 {
            Err("a sweep cannot be cut into 0 shards".into())
        } else if self.count > MAX_SHARDS {
            Err(format!(
                "{} shards is more than the limit of {MAX_SHARDS}",
                self.count
            ))
        } else if self.index >= self.count {
            Err(format!(
                "shard index {} is not below the shard count {}",
                self.index, self.count
            ))
        } else {
            Ok(())
        }
    }
}

/// What a finished (or, as `.partial.json`, an unfinished) output holds: enough to check that a
/// resume continues the same sweep, that shards belong together and are intact, and to read
/// the columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// Version of rolefit that wrote the output.
    pub rolefit: String,
    /// Name of the sweep, from its spec.
    pub sweep: String,
    /// Hash of the spec, its scenario and rule files, the format and the columns.
    pub fingerprint: String,
    /// Table format name: `csv` or `jsonl`.
    pub format: String,
    /// Runs of the whole sweep.
    pub runs: u64,
    /// The shard this file holds; `None` for a whole (unsharded or merged) sweep.
    pub shard: Option<Shard>,
    /// Rows in the file (the shard's runs, or all runs).
    pub rows: u64,
    /// Column names in table order; the first is `run`.
    pub columns: Vec<String>,
    /// The sweep's factors, in spec order, for readers that bin or group by them.
    pub factors: Vec<ManifestFactor>,
    /// FNV-1a digest of every byte of the finished file (header and rows), so `merge` and
    /// `summarize` refuse a table edited or torn after it was written. Empty while unfinished.
    pub digest: String,
    /// The design file whose rows were run (`--design`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub design: Option<ManifestDesign>,
}

/// What a manifest records of a design file: enough to tell whether a file at hand is the one
/// that was run (`sha256sum FILE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestDesign {
    /// Name of the design file as it was given.
    pub file: String,
    /// SHA-256 of the design file's bytes, 64 hex digits.
    pub sha256: String,
    /// Rows of the design file, one run each.
    pub rows: u64,
}

/// A factor as a manifest records it: its column, its spec path and how to summarise it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFactor {
    /// Column name of the factor.
    pub name: String,
    /// Path in the scenario that the factor sets, as written in the sweep file.
    pub path: String,
    /// `numeric` (binned when summarised) or `categorical`.
    pub kind: String,
}

/// A manifest as read from disk, before it is checked.
#[derive(Debug, Deserialize)]
pub struct RawManifest {
    rolefit: String,
    sweep: String,
    fingerprint: String,
    format: String,
    runs: u64,
    shard: Option<Shard>,
    rows: u64,
    columns: Vec<String>,
    factors: Vec<ManifestFactor>,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    design: Option<ManifestDesign>,
}

impl TryFrom<RawManifest> for Manifest {
    type Error = String;

    fn try_from(r: RawManifest) -> Result<Self, String> {
        if Format::from_name(&r.format).is_none() {
            return Err(format!("unknown format {:?}", r.format));
        }
        if r.runs > MAX_RUNS {
            return Err(format!(
                "{} runs is more than a sweep can have ({MAX_RUNS})",
                r.runs
            ));
        }
        if let Some(s) = r.shard {
            s.check()?;
        }
        let expected = r.shard.map_or(r.runs, |s| s.len(r.runs));
        if r.rows != expected {
            return Err(format!(
                "it records {} rows, but its {} has {expected}",
                r.rows,
                if r.shard.is_some() {
                    "shard of the sweep"
                } else {
                    "sweep"
                }
            ));
        }
        if r.columns.first().map(String::as_str) != Some("run") {
            return Err("its first column is not `run`".into());
        }
        if r.factors.len() > MAX_FACTORS || r.factors.len() >= r.columns.len() {
            return Err(format!("it lists {} factors", r.factors.len()));
        }
        if !(r.digest.is_empty()
            || r.digest.len() == 16 && r.digest.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(format!("its digest {:?} is not 16 hex digits", r.digest));
        }
        if let Some(d) = &r.design
            && !(d.sha256.len() == 64 && d.sha256.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(format!(
                "its design file's SHA-256 {:?} is not 64 hex digits",
                d.sha256
            ));
        }
        Ok(Manifest {
            rolefit: r.rolefit,
            sweep: r.sweep,
            fingerprint: r.fingerprint,
            format: r.format,
            runs: r.runs,
            shard: r.shard,
            rows: r.rows,
            columns: r.columns,
            factors: r.factors,
            digest: r.digest,
            design: r.design,
        })
    }
}

/// Why a manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The manifest exists but could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// Path of the manifest.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The manifest is not valid JSON or fails a check.
    #[error("{path}: not a sweep manifest: {why}")]
    Invalid {
        /// Path of the manifest.
        path: String,
        /// What is wrong with it.
        why: String,
    },
}

impl Manifest {
    /// The manifest of a sweep's output, before its rows are written (no digest yet).
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
                        ValueKind::Int { .. } | ValueKind::Real { .. } => "numeric",
                        _ => "categorical",
                    }
                    .to_string(),
                })
                .collect(),
            digest: String::new(),
            design: None,
        }
    }

    /// The manifest as pretty-printed JSON with a final newline, as written to disk.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest serialises");
        s.push('\n');
        s
    }

    /// Reads and checks the manifest at `path`, if there is one.
    pub fn read(path: &Path) -> Result<Option<Manifest>, ManifestError> {
        let read_err = |source| ManifestError::Read {
            path: path.display().to_string(),
            source,
        };
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(read_err(e)),
        };
        let mut text = String::new();
        file.take(MAX_MANIFEST_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read_err)?;
        let invalid = |why: String| ManifestError::Invalid {
            path: path.display().to_string(),
            why,
        };
        if text.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(invalid(format!(
                "it is larger than {MAX_MANIFEST_BYTES} bytes"
            )));
        }
        let raw: RawManifest = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        Manifest::try_from(raw).map(Some).map_err(invalid)
    }

    /// The table's format. A manifest holds a known format name by construction (`new` writes
    /// one, `try_from` refuses any other), so the fallback is never taken.
    pub fn format(&self) -> Format {
        Format::from_name(&self.format).unwrap_or(Format::Csv)
    }
}

/// `out.csv` -> `out.csv.manifest.json`.
pub fn manifest_path(out: &Path) -> PathBuf {
    super::stream::with_suffix(out, ".manifest.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(shard: Option<(u64, u64)>, runs: u64, rows: u64) -> RawManifest {
        RawManifest {
            rolefit: "0".into(),
            sweep: "s".into(),
            fingerprint: "f".into(),
            format: "csv".into(),
            runs,
            shard: shard.map(|(index, count)| Shard { index, count }),
            rows,
            columns: vec!["run".into(), "status".into()],
            factors: Vec::new(),
            digest: String::new(),
            design: None,
        }
    }

    #[test]
    fn a_tampered_manifest_is_refused_with_its_reason() {
        for (r, why) in [
            (raw(Some((3, 3)), 9, 3), "not below the shard count"),
            (raw(Some((0, 0)), 9, 3), "0 shards"),
            (
                raw(Some((0, 1_000_000_000_000_000)), 9, 1),
                "more than the limit",
            ),
            (raw(None, 9, 8), "records 8 rows"),
            (raw(None, u64::MAX, u64::MAX), "more than a sweep can have"),
        ] {
            let e = Manifest::try_from(r).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
        assert!(Manifest::try_from(raw(Some((1, 2)), 9, 4)).is_ok());
    }

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
}
