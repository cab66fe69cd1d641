//! What drives the outcomes of a sweep: for each factor, outcomes by level (numeric factors
//! binned) ranked by effect size, and scenario discovery for a chosen outcome (PRIM).
//!
//! The table is read twice, streaming: the first pass finds each factor's kind, range and
//! levels, the second accumulates the statistics (memory grows with levels, not rows) and keeps
//! an evenly spaced sample of at most [`PRIM_SAMPLE`] rows for the peeling, which needs rows.

mod outcome;
mod prim;

pub use outcome::Outcome;
pub use prim::{Choice, Discovery, Restriction, Step};

use crate::sweep::manifest::{Manifest, ManifestError, manifest_path};
use crate::sweep::rows::{Line, LineError, Lines};
use crate::sweep::table::{self, Format};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Rows kept for scenario discovery; larger tables are sampled evenly (every k-th row).
pub const PRIM_SAMPLE: usize = 500_000;
/// A numeric factor with at most this many distinct values is summarised value by value.
const MAX_EXACT_LEVELS: usize = 10;
/// More distinct values than this make a text factor unusable for summaries.
const MAX_CATEGORIES: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Row {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{0}")]
    Usage(String),
}

#[derive(Debug, Clone)]
pub struct Options {
    pub outcome: Option<String>,
    pub bins: usize,
    pub min_mass: f64,
    /// Which box of the PRIM trajectory to report.
    pub choice: Choice,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub file: String,
    pub runs: u64,
    /// Runs by status, in order of first appearance.
    pub statuses: Vec<(String, u64)>,
    pub flag_kinds: Vec<String>,
    pub outcome: Option<String>,
    /// Share of all runs meeting the outcome.
    pub outcome_rate: Option<f64>,
    /// Ranked by effect size, largest first (ties by name).
    pub factors: Vec<FactorSummary>,
    pub discovery: Option<Discovery>,
}

#[derive(Debug, Clone)]
pub struct FactorSummary {
    pub name: String,
    pub numeric: bool,
    /// Share of the variance of the ranking measure explained by the levels (eta squared):
    /// of the outcome when one is given, else of the objective.
    pub effect: f64,
    pub objective_effect: f64,
    pub outcome_effect: Option<f64>,
    pub levels: Vec<LevelStats>,
}

#[derive(Debug, Clone)]
pub struct LevelStats {
    pub label: String,
    pub runs: u64,
    /// Runs with a line-up (optimal or feasible).
    pub solved: u64,
    pub mean_objective: Option<f64>,
    pub infeasible_rate: f64,
    /// For each flag kind: share of solved runs raising it at least once.
    pub flag_rates: Vec<f64>,
    pub outcome_rate: Option<f64>,
}

/// How a factor's values map to levels.
#[derive(Debug, Clone)]
enum Levels {
    /// Distinct numbers, sorted.
    Exact(Vec<f64>),
    /// `bins` equal-width bins over `[lo, hi]`.
    Bins { lo: f64, hi: f64, bins: usize },
    /// Distinct texts, in order of first appearance.
    Text(Vec<String>),
}

impl Levels {
    fn count(&self) -> usize {
        match self {
            Levels::Exact(v) => v.len(),
            Levels::Bins { bins, .. } => *bins,
            Levels::Text(v) => v.len(),
        }
    }

    fn index(&self, cell: &str) -> Option<usize> {
        match self {
            Levels::Exact(v) => {
                let x: f64 = cell.parse().ok()?;
                v.iter().position(|&y| y == x)
            }
            Levels::Bins { lo, hi, bins } => {
                let x: f64 = cell.parse().ok()?;
                let w = (hi - lo) / *bins as f64;
                Some((((x - lo) / w) as usize).min(bins - 1))
            }
            Levels::Text(v) => v.iter().position(|y| y == cell),
        }
    }

    fn label(&self, k: usize) -> String {
        match self {
            Levels::Exact(v) => fmt_num(v[k]),
            Levels::Bins { lo, hi, bins } => {
                let w = (hi - lo) / *bins as f64;
                let a = lo + w * k as f64;
                let b = if k + 1 == *bins { *hi } else { a + w };
                let close = if k + 1 == *bins { "]" } else { ")" };
                format!("[{}, {}{close}", fmt_num(a), fmt_num(b))
            }
            Levels::Text(v) => v[k].clone(),
        }
    }
}

/// A number for labels: at most 4 decimals, no trailing zeros.
pub fn fmt_num(v: f64) -> String {
    format!("{}", crate::explain::round(v, 4))
}

/// What pass one learns about a factor column.
#[derive(Debug, Clone, Default)]
struct Scan {
    numeric: bool,
    min: f64,
    max: f64,
    numbers: Vec<f64>,
    texts: Vec<String>,
    too_many: bool,
}

/// The rows of a sweep table, streamed.
struct Reader {
    path: String,
    format: Format,
    columns: Vec<String>,
    /// From the manifest: the rows and digest the file must have (a table edited or torn
    /// after the sweep wrote it is refused, not summarised).
    expected: Option<(u64, String)>,
}

impl Reader {
    fn open(path: &Path) -> Result<(Reader, Option<Manifest>), SummaryError> {
        let shown = path.display().to_string();
        let manifest = Manifest::read(&manifest_path(path)).map_err(|e| match e {
            ManifestError::Read { path, source } => SummaryError::Io { path, source },
            other => SummaryError::Usage(other.to_string()),
        })?;
        let format = match (Format::from_path(path), &manifest) {
            (_, Some(m)) => m.format(),
            (Some(f), None) => f,
            (None, None) => {
                return Err(SummaryError::Usage(format!(
                    "{shown}: name the file .csv or .jsonl (or keep its .manifest.json beside it)"
                )));
            }
        };
        let mut lines = Self::lines(&shown)?;
        let line_err = |e| line_error(&shown, e);
        let first = match lines.next_line().map_err(line_err)? {
            Line::End => String::new(),
            _ => lines.text().trim_end_matches('\r').to_string(),
        };
        if first.is_empty() {
            return Err(SummaryError::Usage(format!("{shown}: the file is empty")));
        }
        let columns = match (&manifest, format) {
            (Some(m), _) => m.columns.clone(),
            (None, Format::Csv) => table::split_csv(&first)
                .map(|cells| cells.into_iter().map(table::unquote_formula).collect())
                .map_err(|message| SummaryError::Row {
                    path: shown.clone(),
                    line: 1,
                    message,
                })?,
            (None, Format::Jsonl) => {
                table::jsonl_columns(&first).map_err(|message| SummaryError::Row {
                    path: shown.clone(),
                    line: 1,
                    message,
                })?
            }
        };
        let expected = manifest
            .as_ref()
            .filter(|m| !m.digest.is_empty())
            .map(|m| (m.rows, m.digest.clone()));
        Ok((
            Reader {
                path: shown,
                format,
                columns,
                expected,
            },
            manifest,
        ))
    }

    fn lines(path: &str) -> Result<Lines<BufReader<File>>, SummaryError> {
        let file = File::open(path).map_err(|source| SummaryError::Io {
            path: path.to_string(),
            source,
        })?;
        Ok(Lines::new(BufReader::with_capacity(1 << 20, file)))
    }

    /// Calls `row` with the fields of every row, in column order.
    fn each(
        &self,
        mut row: impl FnMut(&[String]) -> Result<(), String>,
    ) -> Result<(), SummaryError> {
        let mut lines = Self::lines(&self.path)?;
        let mut rows = 0u64;
        if self.format == Format::Csv {
            lines.next_line().map_err(|e| line_error(&self.path, e))?;
        }
        loop {
            let n = lines.number + 1;
            let err = |message| SummaryError::Row {
                path: self.path.clone(),
                line: n,
                message,
            };
            match lines.next_line().map_err(|e| line_error(&self.path, e))? {
                Line::End => break,
                Line::Torn if self.expected.is_some() => {
                    return Err(err("the last row is cut short (no line end)".into()));
                }
                Line::Torn | Line::Complete => {}
            }
            let line = lines.text().trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            rows += 1;
            let fields = match self.format {
                Format::Csv => table::split_csv(line)
                    .map(|cells| cells.into_iter().map(table::unquote_formula).collect())
                    .map_err(err)?,
                Format::Jsonl => table::split_jsonl(line, &self.columns).map_err(err)?,
            };
            if fields.len() != self.columns.len() {
                return Err(err(format!(
                    "{} fields, but the header has {}",
                    fields.len(),
                    self.columns.len()
                )));
            }
            row(&fields).map_err(err)?;
        }
        match &self.expected {
            Some((want, digest)) if rows != *want || lines.digest.hex() != *digest => {
                Err(SummaryError::Usage(format!(
                    "{}: the table is not the one its manifest describes ({rows} rows, the manifest records {want}{}): it was edited, damaged, or written by two sweeps at once; run the sweep again",
                    self.path,
                    if rows == *want {
                        ", and other bytes"
                    } else {
                        ""
                    }
                )))
            }
            _ => Ok(()),
        }
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

fn line_error(path: &str, e: LineError) -> SummaryError {
    match e {
        LineError::Io(source) => SummaryError::Io {
            path: path.to_string(),
            source,
        },
        other => SummaryError::Usage(format!("{path}: {other}")),
    }
}

/// Group sums for eta squared.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: f64,
    sum: f64,
    sumsq: f64,
}

impl Moments {
    fn add(&mut self, y: f64) {
        self.n += 1.0;
        self.sum += y;
        self.sumsq += y * y;
    }
}

/// Between-level share of the total sum of squares (0 when there is no variance).
fn eta_squared(groups: &[Moments]) -> f64 {
    let n: f64 = groups.iter().map(|g| g.n).sum();
    if n < 2.0 {
        return 0.0;
    }
    let sum: f64 = groups.iter().map(|g| g.sum).sum();
    let sumsq: f64 = groups.iter().map(|g| g.sumsq).sum();
    let total = sumsq - sum * sum / n;
    if total <= 1e-12 * sumsq.abs().max(1.0) {
        return 0.0;
    }
    let between: f64 = groups
        .iter()
        .filter(|g| g.n > 0.0)
        .map(|g| g.sum * g.sum / g.n)
        .sum::<f64>()
        - sum * sum / n;
    (between / total).clamp(0.0, 1.0)
}

/// Reads a sweep output and summarises it.
pub fn summarize(path: &Path, opts: &Options) -> Result<Summary, SummaryError> {
    if opts.bins < 2 || opts.bins > 100 {
        return Err(SummaryError::Usage(format!(
            "--bins must be from 2 to 100; got {}",
            opts.bins
        )));
    }
    if !(opts.min_mass > 0.0 && opts.min_mass < 1.0) {
        return Err(SummaryError::Usage(format!(
            "--min-mass must be a share between 0 and 1 (exclusive); got {}",
            opts.min_mass
        )));
    }
    let (reader, manifest) = Reader::open(path)?;
    let cols = &reader.columns;
    let status_col = reader.column("status").ok_or_else(|| {
        SummaryError::Usage(format!(
            "{}: no `status` column: this is not a `rolefit sweep` output",
            reader.path
        ))
    })?;
    let objective_col = reader.column("objective");
    let factor_cols: Vec<usize> = match &manifest {
        Some(m) => m
            .factors
            .iter()
            .filter_map(|f| reader.column(&f.name))
            .collect(),
        None => {
            let start = reader.column("replicate").map_or(0, |r| r + 1);
            (start..status_col).collect()
        }
    };
    let flag_cols: Vec<(String, usize)> = cols
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.strip_prefix("flags.").map(|k| (k.to_string(), i)))
        .collect();
    let outcome = match &opts.outcome {
        Some(text) => Some(Outcome::parse(text, cols).map_err(SummaryError::Usage)?),
        None => None,
    };

    // Pass one: kinds, ranges and distinct values of the factors.
    let mut scans: Vec<Scan> = factor_cols
        .iter()
        .map(|_| Scan {
            numeric: true,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            ..Scan::default()
        })
        .collect();
    let mut rows = 0u64;
    reader.each(|fields| {
        rows += 1;
        for (s, &c) in scans.iter_mut().zip(&factor_cols) {
            let cell = &fields[c];
            match cell.parse::<f64>() {
                Ok(x) if s.numeric && x.is_finite() => {
                    s.min = s.min.min(x);
                    s.max = s.max.max(x);
                    if s.numbers.len() <= MAX_EXACT_LEVELS && !s.numbers.contains(&x) {
                        s.numbers.push(x);
                    }
                }
                _ => s.numeric = false,
            }
            if !s.too_many && !s.texts.iter().any(|t| t == cell) {
                if s.texts.len() >= MAX_CATEGORIES {
                    s.too_many = true;
                } else {
                    s.texts.push(cell.clone());
                }
            }
        }
        Ok(())
    })?;
    if rows == 0 {
        return Err(SummaryError::Usage(format!("{}: no rows", reader.path)));
    }
    let mut levels: Vec<Levels> = Vec::new();
    for (s, &c) in scans.iter().zip(&factor_cols) {
        levels.push(if s.numeric {
            if s.numbers.len() <= MAX_EXACT_LEVELS {
                let mut v = s.numbers.clone();
                v.sort_by(f64::total_cmp);
                Levels::Exact(v)
            } else {
                Levels::Bins {
                    lo: s.min,
                    hi: s.max,
                    bins: opts.bins,
                }
            }
        } else if s.too_many {
            return Err(SummaryError::Usage(format!(
                "{}: factor `{}` has more than {MAX_CATEGORIES} distinct texts",
                reader.path, cols[c]
            )));
        } else {
            Levels::Text(s.texts.clone())
        });
    }

    // Pass two: statistics by level, and the sample for discovery.
    struct Acc {
        runs: u64,
        solved: u64,
        infeasible: u64,
        flagged: Vec<u64>,
        objective: Moments,
        outcome: Moments,
    }
    let mut acc: Vec<Vec<Acc>> = levels
        .iter()
        .map(|l| {
            (0..l.count())
                .map(|_| Acc {
                    runs: 0,
                    solved: 0,
                    infeasible: 0,
                    flagged: vec![0; flag_cols.len()],
                    objective: Moments::default(),
                    outcome: Moments::default(),
                })
                .collect()
        })
        .collect();
    let mut statuses: Vec<(String, u64)> = Vec::new();
    let mut positives = 0u64;
    let stride = (rows as usize).div_ceil(PRIM_SAMPLE).max(1) as u64;
    let mut sample = prim::Sample::new(
        factor_cols.iter().map(|&c| cols[c].clone()).collect(),
        levels
            .iter()
            .map(|l| match l {
                Levels::Text(v) => Some(v.clone()),
                _ => None,
            })
            .collect(),
    );
    let mut row_no = 0u64;
    reader.each(|fields| {
        let status = &fields[status_col];
        match statuses.iter_mut().find(|(s, _)| s == status) {
            Some(e) => e.1 += 1,
            None => statuses.push((status.clone(), 1)),
        }
        let solved = status == "optimal" || status == "feasible";
        let objective: Option<f64> = objective_col
            .and_then(|c| fields[c].parse().ok())
            .filter(|_| solved);
        let hit = outcome.as_ref().map(|o| o.holds(fields));
        if hit == Some(true) {
            positives += 1;
        }
        let mut point = Vec::new();
        for (f, &c) in factor_cols.iter().enumerate() {
            let Some(k) = levels[f].index(&fields[c]) else {
                return Err(format!("`{}` has a value not seen before", cols[c]));
            };
            let a = &mut acc[f][k];
            a.runs += 1;
            if solved {
                a.solved += 1;
                for (n, (_, fc)) in flag_cols.iter().enumerate() {
                    if fields[*fc].parse::<f64>().is_ok_and(|v| v > 0.0) {
                        a.flagged[n] += 1;
                    }
                }
            }
            if status == "infeasible" {
                a.infeasible += 1;
            }
            if let Some(y) = objective {
                a.objective.add(y);
            }
            if let Some(h) = hit {
                a.outcome.add(f64::from(u8::from(h)));
            }
            point.push(match &levels[f] {
                Levels::Text(_) => k as f64,
                _ => fields[c].parse().unwrap_or(0.0),
            });
        }
        if let Some(h) = hit
            && row_no.is_multiple_of(stride)
        {
            sample.push(&point, h);
        }
        row_no += 1;
        Ok(())
    })?;

    let mut factors: Vec<FactorSummary> = factor_cols
        .iter()
        .enumerate()
        .map(|(f, &c)| {
            let groups = &acc[f];
            let objective_effect =
                eta_squared(&groups.iter().map(|a| a.objective).collect::<Vec<_>>());
            let outcome_effect = outcome
                .as_ref()
                .map(|_| eta_squared(&groups.iter().map(|a| a.outcome).collect::<Vec<_>>()));
            FactorSummary {
                name: cols[c].clone(),
                numeric: !matches!(levels[f], Levels::Text(_)),
                effect: outcome_effect.unwrap_or(objective_effect),
                objective_effect,
                outcome_effect,
                levels: groups
                    .iter()
                    .enumerate()
                    .map(|(k, a)| LevelStats {
                        label: levels[f].label(k),
                        runs: a.runs,
                        solved: a.solved,
                        mean_objective: (a.objective.n > 0.0)
                            .then(|| a.objective.sum / a.objective.n),
                        infeasible_rate: ratio(a.infeasible, a.runs),
                        flag_rates: a.flagged.iter().map(|&n| ratio(n, a.solved)).collect(),
                        outcome_rate: (a.outcome.n > 0.0).then(|| a.outcome.sum / a.outcome.n),
                    })
                    .collect(),
            }
        })
        .collect();
    factors.sort_by(|a, b| {
        b.effect
            .total_cmp(&a.effect)
            .then_with(|| a.name.cmp(&b.name))
    });
    let discovery = outcome
        .as_ref()
        .map(|o| prim::discover(&sample, o.text(), opts.min_mass, stride > 1, opts.choice));
    Ok(Summary {
        file: reader.path.clone(),
        runs: rows,
        statuses,
        flag_kinds: flag_cols.into_iter().map(|(k, _)| k).collect(),
        outcome: outcome.as_ref().map(|o| o.text().to_string()),
        outcome_rate: outcome.as_ref().map(|_| positives as f64 / rows as f64),
        factors,
        discovery,
    })
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_squared_is_one_when_levels_explain_everything_and_zero_when_nothing() {
        let mut a = Moments::default();
        let mut b = Moments::default();
        for _ in 0..10 {
            a.add(1.0);
            b.add(5.0);
        }
        assert!((eta_squared(&[a, b]) - 1.0).abs() < 1e-12);
        let mut c = Moments::default();
        let mut d = Moments::default();
        for y in [1.0, 5.0, 1.0, 5.0] {
            c.add(y);
            d.add(y);
        }
        assert!(eta_squared(&[c, d]).abs() < 1e-12);
    }

    #[test]
    fn bins_cover_the_range_with_a_closed_last_bin() {
        let l = Levels::Bins {
            lo: 0.0,
            hi: 1.0,
            bins: 4,
        };
        assert_eq!(l.index("0"), Some(0));
        assert_eq!(l.index("0.26"), Some(1));
        assert_eq!(l.index("1"), Some(3));
        assert_eq!(l.label(3), "[0.75, 1]");
        assert_eq!(l.label(0), "[0, 0.25)");
    }

    /// A synthetic table without a manifest: the outcome is planted on `x > 0.6` with colour
    /// `red`; `noise` has no effect. Summarize must rank `x` and `colour` above `noise` and box them.
    #[test]
    fn a_planted_effect_is_ranked_first_and_boxed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synthetic.csv");
        let mut rng = crate::generate::Rng::new(9);
        let mut text = String::from(
            "run,scenario,replicate,x,colour,noise,status,objective,flags.mission_drift\n",
        );
        for run in 0..3000 {
            let (x, c, n) = (
                rng.unit(),
                ["red", "blue", "green"][rng.below(3)],
                rng.unit(),
            );
            let drift = u8::from(x > 0.6 && c == "red");
            text.push_str(&format!(
                "{run},s,0,{x:.4},{c},{n:.4},optimal,{:.3},{drift}\n",
                10.0 + 5.0 * x
            ));
        }
        std::fs::write(&path, text).unwrap();
        let opts = Options {
            outcome: Some("mission_drift > 0".into()),
            bins: 5,
            min_mass: 0.05,
            choice: Choice::Densest,
        };
        let s = summarize(&path, &opts).unwrap();
        assert_eq!(s.runs, 3000);
        let names: Vec<&str> = s.factors.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names[2], "noise", "{names:?}");
        assert!(s.factors[2].effect < 0.01);
        let x = s.factors.iter().find(|f| f.name == "x").unwrap();
        assert!(x.numeric && x.levels.len() == 5);
        assert!(
            x.levels[0].outcome_rate.unwrap() < 0.01 && x.levels[4].outcome_rate.unwrap() > 0.25
        );
        assert!(x.objective_effect > 0.9, "x drives the objective");
        let d = s.discovery.unwrap();
        assert!(
            d.best.density > 0.95 && d.best.coverage > 0.9,
            "{:?}",
            d.best
        );
        assert_eq!(d.restrictions.len(), 2, "{:?}", d.restrictions);
    }
}
