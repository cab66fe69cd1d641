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

use crate::sweep::manifest::Manifest;
use crate::sweep::table::{TableError, TableFile};
use std::path::Path;

/// Rows kept for scenario discovery; larger tables are sampled evenly (every k-th row).
pub const PRIM_SAMPLE: usize = 500_000;
/// A numeric factor with at most this many distinct values is summarised value by value.
const MAX_EXACT_LEVELS: usize = 10;
/// More distinct values than this make a text factor unusable for summaries.
const MAX_CATEGORIES: usize = 1000;

/// Why a sweep table cannot be summarised.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    /// The table cannot be read, or is not a sweep table.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The `--outcome` expression cannot be read against the table's columns (the parser's
    /// message says where and what).
    #[error("{0}")]
    Outcome(String),
    /// `--bins` out of its range.
    #[error("--bins must be from 2 to 100; got {0}")]
    Bins(usize),
    /// `--min-mass` is not a share strictly between 0 and 1.
    #[error("--min-mass must be a share between 0 and 1 (exclusive); got {0}")]
    MinMass(f64),
    /// The table has no `status` column (at its path).
    #[error("{0}: no `status` column: this is not a `rolefit sweep` output")]
    NotASweep(String),
    /// The table has no rows (at its path).
    #[error("{0}: no rows")]
    NoRows(String),
    /// A text factor with too many distinct values to summarise level by level.
    #[error("{path}: factor `{factor}` has more than {MAX_CATEGORIES} distinct texts")]
    TooManyTexts {
        /// Path of the table.
        path: String,
        /// The factor's column.
        factor: String,
    },
}

/// What the summary asks of the table: the outcome, the binning and the PRIM box.
#[derive(Debug, Clone)]
pub struct Options {
    /// The outcome expression to rank factors by and discover scenarios for; `None` ranks by the
    /// objective and skips discovery.
    pub outcome: Option<String>,
    /// Equal-width bins for a numeric factor with more distinct values than are summarised one by
    /// one (2 to 100).
    pub bins: usize,
    /// Smallest share of runs the discovered box may keep (PRIM's minimum mass, strictly between 0
    /// and 1).
    pub min_mass: f64,
    /// Which box of the PRIM trajectory to report.
    pub choice: Choice,
}

/// What drives the outcomes of one sweep table: its runs, and its factors ranked by effect.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Path of the table read.
    pub file: String,
    /// Rows (runs) in the table.
    pub runs: u64,
    /// Runs by status, in order of first appearance.
    pub statuses: Vec<(String, u64)>,
    /// The flag kinds the table has count columns for; [`LevelStats::flag_rates`] follows this
    /// order.
    pub flag_kinds: Vec<String>,
    /// The outcome expression as given, when one was.
    pub outcome: Option<String>,
    /// Share of all runs meeting the outcome.
    pub outcome_rate: Option<f64>,
    /// Ranked by effect size, largest first (ties by name).
    pub factors: Vec<FactorSummary>,
    /// Scenario discovery (PRIM) for the outcome, when one was given.
    pub discovery: Option<Discovery>,
}

/// One factor's levels with their statistics and how much the factor explains.
#[derive(Debug, Clone)]
pub struct FactorSummary {
    /// The factor's column name.
    pub name: String,
    /// Whether levels are numbers (exact values or bins) rather than texts.
    pub numeric: bool,
    /// Share of the variance of the ranking measure explained by the levels (eta squared):
    /// of the outcome when one is given, else of the objective.
    pub effect: f64,
    /// Eta squared of the objective (solved runs only) across the levels.
    pub objective_effect: f64,
    /// Eta squared of the outcome across the levels, when an outcome was given.
    pub outcome_effect: Option<f64>,
    /// Statistics per level, in the level order (sorted numbers, bins low to high, texts as first
    /// seen).
    pub levels: Vec<LevelStats>,
}

/// Statistics of the runs in one level of a factor.
#[derive(Debug, Clone)]
pub struct LevelStats {
    /// The level: a number, a bin such as `[0, 2)`, or a text.
    pub label: String,
    /// Runs in the level.
    pub runs: u64,
    /// Runs with a line-up (optimal or feasible).
    pub solved: u64,
    /// Mean objective of the level's solved runs (`None` if none has one).
    pub mean_objective: Option<f64>,
    /// Share of the level's runs that are infeasible.
    pub infeasible_rate: f64,
    /// For each flag kind: share of solved runs raising it at least once.
    pub flag_rates: Vec<f64>,
    /// Share of the level's runs meeting the outcome, when an outcome was given.
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

/// Reads a sweep output and summarises it: the options checked, the columns found, pass one
/// (each factor's levels), pass two (statistics by level and the sample for discovery), and
/// the factors ranked.
pub fn summarize(path: &Path, opts: &Options) -> Result<Summary, SummaryError> {
    check_options(opts)?;
    let (table, manifest) = TableFile::open(path)?;
    let cols = Columns::find(&table, manifest.as_ref(), opts)?;
    let (rows, levels) = scan_levels(&table, &cols, opts.bins)?;
    let tally = tally(&table, &cols, &levels, rows)?;
    let factors = rank_factors(&table, &cols, &levels, &tally);
    let outcome = cols.outcome.as_ref();
    let discovery = outcome.map(|o| {
        prim::discover(
            &tally.sample,
            o.text(),
            opts.min_mass,
            tally.stride > 1,
            opts.choice,
        )
    });
    Ok(Summary {
        file: table.path.clone(),
        runs: rows,
        statuses: tally.statuses,
        flag_kinds: cols.flags.into_iter().map(|(k, _)| k).collect(),
        outcome: outcome.map(|o| o.text().to_string()),
        outcome_rate: outcome.map(|_| tally.positives as f64 / rows as f64),
        factors,
        discovery,
    })
}

fn check_options(opts: &Options) -> Result<(), SummaryError> {
    if opts.bins < 2 || opts.bins > 100 {
        return Err(SummaryError::Bins(opts.bins));
    }
    if !(opts.min_mass > 0.0 && opts.min_mass < 1.0) {
        return Err(SummaryError::MinMass(opts.min_mass));
    }
    Ok(())
}

/// The columns a summary reads, and the outcome parsed against them.
struct Columns {
    status: usize,
    objective: Option<usize>,
    /// The factors: the manifest's, else the columns between `replicate` and `status`.
    factors: Vec<usize>,
    /// Each flag kind with its column.
    flags: Vec<(String, usize)>,
    outcome: Option<Outcome>,
}

impl Columns {
    fn find(
        table: &TableFile,
        manifest: Option<&Manifest>,
        opts: &Options,
    ) -> Result<Columns, SummaryError> {
        let status = table
            .column("status")
            .ok_or_else(|| SummaryError::NotASweep(table.path.clone()))?;
        let factors: Vec<usize> = match manifest {
            Some(m) => m
                .factors
                .iter()
                .filter_map(|f| table.column(&f.name))
                .collect(),
            None => {
                let start = table.column("replicate").map_or(0, |r| r + 1);
                (start..status).collect()
            }
        };
        let flags = table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.strip_prefix("flags.").map(|k| (k.to_string(), i)))
            .collect();
        let outcome = match &opts.outcome {
            Some(text) => {
                Some(Outcome::parse(text, &table.columns).map_err(SummaryError::Outcome)?)
            }
            None => None,
        };
        Ok(Columns {
            status,
            objective: table.column("objective"),
            factors,
            flags,
            outcome,
        })
    }
}

/// Pass one: the number of rows, and each factor's levels from its kind, range and distinct
/// values.
fn scan_levels(
    table: &TableFile,
    cols: &Columns,
    bins: usize,
) -> Result<(u64, Vec<Levels>), SummaryError> {
    let mut scans: Vec<Scan> = cols
        .factors
        .iter()
        .map(|_| Scan {
            numeric: true,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            ..Scan::default()
        })
        .collect();
    let rows = table.each(|fields| {
        for (s, &c) in scans.iter_mut().zip(&cols.factors) {
            s.add(&fields[c]);
        }
        Ok(())
    })?;
    if rows == 0 {
        return Err(SummaryError::NoRows(table.path.clone()));
    }
    let levels = scans
        .into_iter()
        .zip(&cols.factors)
        .map(|(s, &c)| {
            s.levels(bins).ok_or_else(|| SummaryError::TooManyTexts {
                path: table.path.clone(),
                factor: table.columns[c].clone(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((rows, levels))
}

impl Scan {
    /// Takes in one cell of the factor's column.
    fn add(&mut self, cell: &str) {
        match cell.parse::<f64>() {
            Ok(x) if self.numeric && x.is_finite() => {
                self.min = self.min.min(x);
                self.max = self.max.max(x);
                if self.numbers.len() <= MAX_EXACT_LEVELS && !self.numbers.contains(&x) {
                    self.numbers.push(x);
                }
            }
            _ => self.numeric = false,
        }
        if !self.too_many && !self.texts.iter().any(|t| t == cell) {
            if self.texts.len() >= MAX_CATEGORIES {
                self.too_many = true;
            } else {
                self.texts.push(cell.to_string());
            }
        }
    }

    /// The factor's levels: exact numbers when few, else `bins` bins; texts in order of first
    /// appearance; `None` for a text factor with too many values.
    fn levels(self, bins: usize) -> Option<Levels> {
        Some(if self.numeric {
            if self.numbers.len() <= MAX_EXACT_LEVELS {
                let mut v = self.numbers;
                v.sort_by(f64::total_cmp);
                Levels::Exact(v)
            } else {
                Levels::Bins {
                    lo: self.min,
                    hi: self.max,
                    bins,
                }
            }
        } else if self.too_many {
            return None;
        } else {
            Levels::Text(self.texts)
        })
    }
}

/// What pass two adds up for one level of one factor.
struct Acc {
    runs: u64,
    solved: u64,
    infeasible: u64,
    flagged: Vec<u64>,
    objective: Moments,
    outcome: Moments,
}

/// What pass two finds.
struct Tally {
    /// By factor, then level.
    acc: Vec<Vec<Acc>>,
    statuses: Vec<(String, u64)>,
    /// Runs meeting the outcome.
    positives: u64,
    /// Every `stride`-th row is in the sample.
    stride: u64,
    sample: prim::Sample,
}

/// Pass two: statistics by level, and the sample for discovery.
fn tally(
    table: &TableFile,
    cols: &Columns,
    levels: &[Levels],
    rows: u64,
) -> Result<Tally, SummaryError> {
    let mut t = Tally {
        acc: levels
            .iter()
            .map(|l| {
                (0..l.count())
                    .map(|_| Acc {
                        runs: 0,
                        solved: 0,
                        infeasible: 0,
                        flagged: vec![0; cols.flags.len()],
                        objective: Moments::default(),
                        outcome: Moments::default(),
                    })
                    .collect()
            })
            .collect(),
        statuses: Vec::new(),
        positives: 0,
        stride: (rows as usize).div_ceil(PRIM_SAMPLE).max(1) as u64,
        sample: prim::Sample::new(
            cols.factors
                .iter()
                .map(|&c| table.columns[c].clone())
                .collect(),
            levels
                .iter()
                .map(|l| match l {
                    Levels::Text(v) => Some(v.clone()),
                    _ => None,
                })
                .collect(),
        ),
    };
    let mut row_no = 0u64;
    table.each(|fields| {
        t.add_row(fields, cols, levels, &table.columns, row_no)?;
        row_no += 1;
        Ok(())
    })?;
    Ok(t)
}

impl Tally {
    fn add_row(
        &mut self,
        fields: &[String],
        cols: &Columns,
        levels: &[Levels],
        names: &[String],
        row_no: u64,
    ) -> Result<(), String> {
        let status = &fields[cols.status];
        match self.statuses.iter_mut().find(|(s, _)| s == status) {
            Some(e) => e.1 += 1,
            None => self.statuses.push((status.clone(), 1)),
        }
        let solved = status == "optimal" || status == "feasible";
        let objective: Option<f64> = cols
            .objective
            .and_then(|c| fields[c].parse().ok())
            .filter(|_| solved);
        let hit = cols.outcome.as_ref().map(|o| o.holds(fields));
        if hit == Some(true) {
            self.positives += 1;
        }
        let mut point = Vec::new();
        for (f, &c) in cols.factors.iter().enumerate() {
            let Some(k) = levels[f].index(&fields[c]) else {
                return Err(format!("`{}` has a value not seen before", names[c]));
            };
            let a = &mut self.acc[f][k];
            a.runs += 1;
            if solved {
                a.solved += 1;
                for (n, (_, fc)) in cols.flags.iter().enumerate() {
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
            && row_no.is_multiple_of(self.stride)
        {
            self.sample.push(&point, h);
        }
        Ok(())
    }
}

/// Each factor's levels with their statistics, ranked by effect size (largest first, ties by
/// name).
fn rank_factors(
    table: &TableFile,
    cols: &Columns,
    levels: &[Levels],
    tally: &Tally,
) -> Vec<FactorSummary> {
    let mut factors: Vec<FactorSummary> = cols
        .factors
        .iter()
        .enumerate()
        .map(|(f, &c)| {
            let groups = &tally.acc[f];
            let objective_effect =
                eta_squared(&groups.iter().map(|a| a.objective).collect::<Vec<_>>());
            let outcome_effect = cols
                .outcome
                .as_ref()
                .map(|_| eta_squared(&groups.iter().map(|a| a.outcome).collect::<Vec<_>>()));
            FactorSummary {
                name: table.columns[c].clone(),
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
    factors
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
