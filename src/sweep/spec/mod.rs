//! Sweep file -> [`Draft`] (what the file says, with positions) -> validated [`Spec`] (factor
//! paths resolved against the base scenarios and the knowledge base).
//!
//! Parsing happens in two steps because a sweep names other files (scenarios, rules) that only
//! `load` may read: [`parse`] reads the sweep document and lists the files it refers to, the
//! caller reads them, and [`resolve`] checks every factor against what they contain. Both steps
//! collect every problem with its line, column and field path, like scenario loading does.
//!
//! This file holds the types; the steps have a file each: `parsing` (the document -> [`Draft`]),
//! `resolution` (a draft -> [`Spec`], levels encoded, a point checked), `paths` (a factor path
//! -> its [`Target`]) and `design_rows` (a design file's columns and rows).

use crate::diag::{Diagnostic, Sink, closest};
use crate::generate::Profile;
use crate::kb::{CapIx, KnowledgeBase, RoleIx, RuleIx, SectorIx, Severity};
use crate::load::Document;
use crate::ron::parse::{Kind, Node};
use crate::ron::read::{self, index_path, key_path};
use crate::scenario::{LineUp, Scenario};
use crate::source::{Source, Span, Spanned};
use std::time::Duration;

/// Sizes beyond which a sweep is certainly a mistake; each is a clear error.
pub const MAX_RUNS: u64 = 10_000_000_000;
/// Most factors a sweep may vary.
pub const MAX_FACTORS: usize = 64;
/// Most levels a factor may list, and most `steps` a range may be cut into.
pub const MAX_LEVELS: usize = 10_000;
/// Most base scenarios a sweep may name.
pub const MAX_SCENARIOS: usize = 100;
/// Most replicates of each design point.
pub const MAX_REPLICATES: i64 = 1_000_000;

/// A sweep file as written, before the files it names are read.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The sweep's `name`, `sweep` when the file gives none; recorded in manifests.
    pub name: String,
    /// Base scenario paths, as written (relative to the sweep file).
    pub scenarios: Vec<Spanned<String>>,
    /// Generated consortia (`generate: Generate(...)`), instead of base scenarios.
    pub generate: Option<GenerateDraft>,
    /// Extra rule files (relative to the sweep file), and whether the built-in rules are left out.
    pub rules: Option<Spanned<String>>,
    /// `no_default_rules: true`: the rules in `rules` replace the built-in rules instead of
    /// adding to them.
    pub no_default_rules: bool,
    /// The factors, in the order written (their column order).
    pub factors: Vec<FactorDraft>,
    /// `None` when the file gives no design: then the rows of a design file (`--design`) are
    /// the design, seeded with 0.
    pub design: Option<Design>,
    /// The whole `Sweep(...)`, for errors about what it lacks.
    pub span: Span,
    /// Runs of each design point and scenario, each with its own noise seed (default 1).
    pub replicates: u32,
    /// Where `replicates` was written, for the warning when replicates cannot differ.
    pub replicates_span: Option<Span>,
    /// Capability noise, 0 to 1: each non-zero strength moves uniformly by up to this much
    /// (default 0).
    pub noise: f64,
    /// Solver time limit per run (`time_limit`, in seconds in the file); `None` for the default.
    pub time_limit: Option<Duration>,
}

/// `generate: Generate(...)` as written: the profile random consortia are drawn from.
#[derive(Debug, Clone)]
pub struct GenerateDraft {
    /// The whole `Generate(...)`, for errors about it.
    pub span: Span,
    /// How many roles of the catalogue are needed, the first ones (default 18).
    pub roles: usize,
    /// Partners drawn per sector: sector id as written, with its count (0 to 200).
    pub sectors: Vec<(Spanned<String>, usize)>,
    /// Inclusive range each partner's capacity is drawn from (default `(1, 3)`).
    pub capacity: (u32, u32),
    /// Spread of capability strengths around the sector defaults, 0 to 1 (default 0.15).
    pub noise: f64,
}

/// One `Factor(...)` as written, before its path is resolved.
#[derive(Debug, Clone)]
pub struct FactorDraft {
    /// The whole `Factor(...)`, for errors about it.
    pub span: Span,
    /// Its field path in the sweep file (`factors[2]`), prefixed to the paths of its diagnostics.
    pub at: String,
    /// Its column name, when given; else the path names the column.
    pub name: Option<Spanned<String>>,
    /// What it changes, e.g. `partners.acme.capacity` (see [`PATHS`]).
    pub path: Spanned<String>,
    /// Its `levels` or its `range`.
    pub values: Values,
    /// Values a range takes in a full factorial design, overriding the design's `steps`.
    pub steps: Option<u32>,
}

/// What a factor takes, as written.
#[derive(Debug, Clone)]
pub enum Values {
    /// `levels: [...]`: the values listed, each at most once.
    Levels(Vec<Spanned<Level>>),
    /// `range: (low, high)`, with `low <= high`.
    Range(Spanned<(f64, f64)>),
}

/// One written level of a factor.
#[derive(Debug, Clone, PartialEq)]
pub enum Level {
    /// A finite number.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A string or bare identifier: a choice such as a severity or a variant name.
    Text(String),
}

/// How the runs are drawn. Every design is seeded; the seed also drives capability noise and
/// generated consortia, so one seed reproduces the whole sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Design {
    /// Every combination of levels; a range factor contributes `steps` evenly spaced values.
    FullFactorial {
        /// Values of each range factor (default 3); a factor's own `steps` overrides it.
        steps: u32,
        /// Seeds the capability noise and generated consortia (default 0).
        seed: u64,
    },
    /// `n` points, each factor's range cut into `n` strata, each stratum used once.
    LatinHypercube {
        /// Points, and strata per factor.
        n: u64,
        /// Seeds the strata's order and the point within each stratum, and the noise.
        seed: u64,
    },
    /// `n` independent uniform points.
    MonteCarlo {
        /// Points.
        n: u64,
        /// Seeds the points, the noise and generated consortia.
        seed: u64,
    },
    /// The rows of a design file made elsewhere (SALib, EMA Workbench, a spreadsheet), one
    /// point per row, in [`Spec::table`].
    Table {
        /// Rows of the design file (0 for `rolefit.evaluate`, whose points come per call).
        rows: u64,
        /// The sweep file's design seed, if it gives a design, else 0: seeds noise and generated
        /// consortia.
        seed: u64,
    },
}

impl Design {
    /// The design's seed, from which every run's noise and generated consortium are derived.
    pub fn seed(&self) -> u64 {
        match *self {
            Design::FullFactorial { seed, .. }
            | Design::LatinHypercube { seed, .. }
            | Design::MonteCarlo { seed, .. }
            | Design::Table { seed, .. } => seed,
        }
    }

    /// The design's name for messages, e.g. `Latin hypercube`.
    pub fn name(&self) -> &'static str {
        match self {
            Design::FullFactorial { .. } => "full factorial",
            Design::LatinHypercube { .. } => "Latin hypercube",
            Design::MonteCarlo { .. } => "Monte Carlo",
            Design::Table { .. } => "design file",
        }
    }
}

/// A validated sweep: base line-ups built once, factors resolved to indices.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The sweep's name, from its file (`sweep` when it gives none).
    pub name: String,
    /// The sweep file's name, for messages.
    pub file: String,
    /// The knowledge base every run starts from (built-in and/or the sweep's rule files).
    pub kb: KnowledgeBase,
    /// The base scenarios, in the order named; empty when consortia are generated.
    pub bases: Vec<Base>,
    /// The profile each run's consortium is drawn from, when the sweep generates them.
    pub generate: Option<Profile>,
    /// The factors, in column order: the sweep file's, then any a design file adds.
    pub factors: Vec<Factor>,
    /// How design points are drawn ([`Design::Table`] when a design file or caller gives them).
    pub design: Design,
    /// The points of a [`Design::Table`], row-major (a row holds every factor's value).
    pub table: Option<DesignRows>,
    /// Runs of each design point and scenario, each with its own seed (at least 1).
    pub replicates: u32,
    /// Capability noise, 0 to 1, unless a `noise` factor sets it per run.
    pub noise: f64,
    /// Solver time limit per run; `None` for the solver's default.
    pub time_limit: Option<Duration>,
}

/// The rows of a design file, checked and encoded like levels (booleans 0/1, choices by index).
#[derive(Debug, Clone)]
pub struct DesignRows {
    /// The file as the user named it.
    pub file: String,
    /// Rows, one design point each.
    pub rows: u64,
    /// Every row's factor values, row-major, encoded; shared by every worker without copying.
    pub values: std::sync::Arc<[f64]>,
}

/// One base scenario: its base line-up and its variants, applied once.
#[derive(Debug, Clone)]
pub struct Base {
    /// The scenario's name, written in the `scenario` column.
    pub name: String,
    /// `(variant name, line-up)`; the first is the base line-up, named `base`.
    pub line_ups: Vec<(String, LineUp)>,
}

/// A factor resolved: the column it fills, what it changes and the values it takes.
#[derive(Debug, Clone)]
pub struct Factor {
    /// The column name in the output.
    pub name: String,
    /// Its path as written, e.g. `partners.acme.capacity`, for messages and manifests.
    pub path: String,
    /// What the path changes in a run.
    pub target: Target,
    /// The values it takes (a full factorial's range already cut into its grid).
    pub domain: Domain,
}

/// The values a factor takes, resolved: numbers (booleans as 0/1, choices as their index).
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// The levels listed, encoded.
    Levels(Vec<f64>),
    /// `range: (low, high)`: any value between, or any whole number when `integer`.
    Range {
        /// Lowest value.
        lo: f64,
        /// Highest value (included).
        hi: f64,
        /// Whether only whole numbers are taken (the target takes integers).
        integer: bool,
    },
}

impl Domain {
    /// The levels a full factorial design visits.
    pub fn grid(&self, steps: u32) -> Vec<f64> {
        match *self {
            Domain::Levels(ref v) => v.clone(),
            Domain::Range { lo, hi, integer } => {
                if integer && (hi - lo + 1.0) <= steps as f64 {
                    return (lo as i64..=hi as i64).map(|v| v as f64).collect();
                }
                let steps = steps.max(1);
                let mut out: Vec<f64> = (0..steps)
                    .map(|k| {
                        let t = if steps == 1 {
                            0.5
                        } else {
                            k as f64 / (steps - 1) as f64
                        };
                        let v = lo + t * (hi - lo);
                        if integer { v.round() } else { v }
                    })
                    .collect();
                out.dedup();
                out
            }
        }
    }

    /// The value at a quantile `u` in `[0, 1)`.
    pub fn at(&self, u: f64) -> f64 {
        match *self {
            Domain::Levels(ref v) => v[((u * v.len() as f64) as usize).min(v.len() - 1)],
            Domain::Range {
                lo,
                hi,
                integer: true,
            } => {
                let k = (hi - lo + 1.0) as u64;
                lo + ((u * k as f64) as u64).min(k - 1) as f64
            }
            Domain::Range { lo, hi, .. } => lo + u * (hi - lo),
        }
    }
}

/// What a factor changes in a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `partners.<id>.capacity`: the most roles that partner (by id) takes.
    Capacity(String),
    /// `partners.<id>.capabilities.<capability>`: that partner's stated strength, 0 to 1.
    Capability(String, CapIx),
    /// `partners.<id>.present`: false takes the partner (and its pins) out of the line-up.
    Present(String),
    /// `needs.<role>.importance`: how much the partnership depends on the role, 1 to 5.
    Importance(RoleIx),
    /// `needs.<role>.min`: fewest partners the role needs.
    NeedMin(RoleIx),
    /// `needs.<role>.max`: most partners the role takes.
    NeedMax(RoleIx),
    /// `rules.<rule>.penalty`: what the rule subtracts from the objective when it applies.
    Penalty(RuleIx),
    /// `rules.<rule>.bonus`: what the rule adds to the objective when it applies.
    Bonus(RuleIx),
    /// `rules.<rule>.severity`: its flag's severity (and the strength, unless the rule states one).
    Severity(RuleIx),
    /// `rules.<rule>.forbid`: true makes the rule forbid; false restores the strength its
    /// severity implies.
    Forbid(RuleIx),
    /// `rules.<rule>.strength`: forbid, avoid or price.
    Strength(RuleIx),
    /// `settings.support_weight`: a supporting partner's value relative to the lead.
    SupportWeight,
    /// `settings.min_sectors`: the knowledge base's default fewest sectors.
    DefaultMinSectors,
    /// `settings.assumed_weight`: the share of an assumed (unstated) strength that counts
    /// toward fit.
    AssumedWeight,
    /// `settings.fit_floor`: below this fit a partner takes no role unless pinned.
    FitFloor,
    /// `min_sectors`: fewest sectors the line-up must draw on, overriding the scenario's.
    MinSectors,
    /// `sectors.<sector>.capabilities.<capability>`: the sector's default strength, for partners
    /// that do not state their own.
    SectorStrength(SectorIx, CapIx),
    /// `noise`: capability noise of the run, overriding the sweep's `noise`.
    Noise,
    /// Index into each base's `line_ups`.
    Variant,
    /// `generate.sectors.<sector>`: partners of that sector in a generated consortium.
    GenerateCount(SectorIx),
    /// `generate.noise`: spread of generated strengths around the sector defaults.
    GenerateNoise,
    /// `generate.roles`: how many roles of the catalogue a generated consortium needs.
    GenerateRoles,
}

impl Target {
    /// Whether the factor changes the knowledge base (so a run needs its own copy).
    pub fn touches_kb(&self) -> bool {
        matches!(
            self,
            Target::Penalty(_)
                | Target::Bonus(_)
                | Target::Severity(_)
                | Target::Forbid(_)
                | Target::Strength(_)
                | Target::SupportWeight
                | Target::DefaultMinSectors
                | Target::AssumedWeight
                | Target::FitFloor
                | Target::SectorStrength(..)
        )
    }
}

/// The kind of value a target takes, which decides what levels and ranges are accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// Whole numbers in `min..=max`.
    Int {
        /// Smallest value accepted.
        min: i64,
        /// Largest value accepted.
        max: i64,
    },
    /// Real numbers in `min..=max`.
    Real {
        /// Smallest value accepted.
        min: f64,
        /// Largest value accepted.
        max: f64,
    },
    /// True or false, written as 0 or 1 in the spec's numbers.
    Bool,
    /// One of these names, encoded as its index.
    Choice(Vec<String>),
}

impl Factor {
    /// How a value of this factor is written in the output.
    pub fn kind(&self, spec: &Spec) -> ValueKind {
        value_kind(&self.target, spec)
    }
}

fn value_kind(target: &Target, spec: &Spec) -> ValueKind {
    match target {
        Target::Capacity(_) => ValueKind::Int { min: 0, max: 100 },
        Target::Capability(..) | Target::SectorStrength(..) => {
            ValueKind::Real { min: 0.0, max: 1.0 }
        }
        Target::Present(_) | Target::Forbid(_) => ValueKind::Bool,
        Target::Importance(_) => ValueKind::Int { min: 1, max: 5 },
        Target::NeedMin(_) => ValueKind::Int { min: 0, max: 1000 },
        Target::NeedMax(_) => ValueKind::Int { min: 1, max: 1000 },
        Target::Penalty(_) | Target::Bonus(_) => ValueKind::Real { min: 0.0, max: 1e6 },
        Target::Severity(_) => {
            ValueKind::Choice(Severity::NAMES.iter().map(|s| s.to_string()).collect())
        }
        Target::Strength(_) => ValueKind::Choice(
            crate::kb::Strength::NAMES
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        Target::SupportWeight
        | Target::AssumedWeight
        | Target::FitFloor
        | Target::Noise
        | Target::GenerateNoise => ValueKind::Real { min: 0.0, max: 1.0 },
        Target::DefaultMinSectors | Target::MinSectors => ValueKind::Int { min: 0, max: 100 },
        Target::Variant => ValueKind::Choice(
            spec.bases
                .first()
                .map(|b| b.line_ups.iter().map(|(n, _)| n.clone()).collect())
                .unwrap_or_default(),
        ),
        Target::GenerateCount(_) => ValueKind::Int { min: 0, max: 200 },
        Target::GenerateRoles => ValueKind::Int {
            min: 1,
            max: spec.kb.roles.len() as i64,
        },
    }
}

impl Spec {
    /// Design points (combinations of factor values), before scenarios and replicates.
    pub fn points(&self) -> u64 {
        match self.design {
            Design::FullFactorial { steps, .. } => self
                .factors
                .iter()
                .map(|f| f.domain.grid(steps).len() as u64)
                .try_fold(1u64, |acc, k| acc.checked_mul(k))
                .unwrap_or(u64::MAX),
            Design::LatinHypercube { n, .. } | Design::MonteCarlo { n, .. } => n,
            Design::Table { rows, .. } => rows,
        }
    }

    /// Checks a point that did not come from the sweep's own design (a design file's row, or
    /// `rolefit.evaluate`'s arguments): a need's `min` may not exceed its `max`.
    pub fn check_point(&self, values: &[f64]) -> Result<(), String> {
        for (f, &v) in self.factors.iter().zip(values) {
            let Target::NeedMin(role) = f.target else {
                continue;
            };
            let max = self
                .factors
                .iter()
                .zip(values)
                .find(|(g, _)| g.target == Target::NeedMax(role))
                .map(|(_, &m)| m)
                .or_else(|| {
                    self.bases
                        .iter()
                        .flat_map(|b| &b.line_ups)
                        .flat_map(|(_, l)| &l.needs)
                        .filter(|n| n.role == role)
                        .map(|n| n.max as f64)
                        .reduce(f64::min)
                });
            if let Some(max) = max
                && v > max
            {
                return Err(format!(
                    "`{}` is {v}, above the need's `max` ({max})",
                    f.path
                ));
            }
        }
        for (f, &v) in self.factors.iter().zip(values) {
            let Target::NeedMax(role) = f.target else {
                continue;
            };
            if self
                .factors
                .iter()
                .any(|g| g.target == Target::NeedMin(role))
            {
                continue;
            }
            let min = self
                .bases
                .iter()
                .flat_map(|b| &b.line_ups)
                .flat_map(|(_, l)| &l.needs)
                .filter(|n| n.role == role)
                .map(|n| n.min as f64)
                .fold(0.0, f64::max);
            if v < min {
                return Err(format!(
                    "`{}` is {v}, below the need's `min` ({min})",
                    f.path
                ));
            }
        }
        Ok(())
    }

    /// Base line-ups the design is crossed with: one per scenario, or one generated per run.
    pub fn scenario_count(&self) -> u64 {
        self.bases.len().max(1) as u64
    }

    /// Every run of the sweep: scenarios x points x replicates.
    pub fn runs(&self) -> u64 {
        self.scenario_count()
            .saturating_mul(self.points())
            .saturating_mul(self.replicates as u64)
    }
}

mod design_rows;
mod parsing;
mod paths;
mod resolution;

pub use design_rows::MAX_DESIGN_ROWS;
use design_rows::read_design;
pub use parsing::parse;
use paths::target;
use resolution::full_domain;
pub use resolution::{External, PATHS, Refusal, resolve, resolve_with};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_grids_use_every_value_when_few() {
        let d = Domain::Range {
            lo: 1.0,
            hi: 3.0,
            integer: true,
        };
        assert_eq!(d.grid(5), vec![1.0, 2.0, 3.0]);
        assert_eq!(
            Domain::Range {
                lo: 0.0,
                hi: 1.0,
                integer: false
            }
            .grid(3),
            vec![0.0, 0.5, 1.0]
        );
    }

    #[test]
    fn quantiles_cover_every_level_and_stay_in_range() {
        let d = Domain::Levels(vec![10.0, 20.0, 30.0]);
        assert_eq!((d.at(0.0), d.at(0.5), d.at(0.999_999)), (10.0, 20.0, 30.0));
        let i = Domain::Range {
            lo: 1.0,
            hi: 5.0,
            integer: true,
        };
        assert_eq!((i.at(0.0), i.at(0.999_999)), (1.0, 5.0));
    }
}
