//! Sweep file -> [`Draft`] (what the file says, with positions) -> validated [`Spec`] (factor
//! paths resolved against the base scenarios and the knowledge base).
//!
//! Parsing happens in two steps because a sweep names other files (scenarios, rules) that only
//! `load` may read: [`parse`] reads the sweep document and lists the files it refers to, the
//! caller reads them, and [`resolve`] checks every factor against what they contain. Both steps
//! collect every problem with its line, column and field path, like scenario loading does.

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
pub const MAX_FACTORS: usize = 64;
pub const MAX_LEVELS: usize = 10_000;
pub const MAX_SCENARIOS: usize = 100;
pub const MAX_REPLICATES: i64 = 1_000_000;

/// A sweep file as written, before the files it names are read.
#[derive(Debug, Clone)]
pub struct Draft {
    pub name: String,
    /// Base scenario paths, as written (relative to the sweep file).
    pub scenarios: Vec<Spanned<String>>,
    pub generate: Option<GenerateDraft>,
    /// Extra rule files (relative to the sweep file), and whether the built-in rules are left out.
    pub rules: Option<Spanned<String>>,
    pub no_default_rules: bool,
    pub factors: Vec<FactorDraft>,
    /// `None` when the file gives no design: then the rows of a design file (`--design`) are
    /// the design, seeded with 0.
    pub design: Option<Design>,
    /// The whole `Sweep(...)`, for errors about what it lacks.
    pub span: Span,
    pub replicates: u32,
    /// Where `replicates` was written, for the warning when replicates cannot differ.
    pub replicates_span: Option<Span>,
    pub noise: f64,
    pub time_limit: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct GenerateDraft {
    pub span: Span,
    pub roles: usize,
    pub sectors: Vec<(Spanned<String>, usize)>,
    pub capacity: (u32, u32),
    pub noise: f64,
}

#[derive(Debug, Clone)]
pub struct FactorDraft {
    pub span: Span,
    pub at: String,
    pub name: Option<Spanned<String>>,
    pub path: Spanned<String>,
    pub values: Values,
    pub steps: Option<u32>,
}

/// What a factor takes, as written.
#[derive(Debug, Clone)]
pub enum Values {
    Levels(Vec<Spanned<Level>>),
    Range(Spanned<(f64, f64)>),
}

/// One written level of a factor.
#[derive(Debug, Clone, PartialEq)]
pub enum Level {
    Num(f64),
    Bool(bool),
    Text(String),
}

/// How the runs are drawn. Every design is seeded; the seed also drives capability noise and
/// generated consortia, so one seed reproduces the whole sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Design {
    /// Every combination of levels; a range factor contributes `steps` evenly spaced values.
    FullFactorial { steps: u32, seed: u64 },
    /// `n` points, each factor's range cut into `n` strata, each stratum used once.
    LatinHypercube { n: u64, seed: u64 },
    /// `n` independent uniform points.
    MonteCarlo { n: u64, seed: u64 },
    /// The rows of a design file made elsewhere (SALib, EMA Workbench, a spreadsheet), one
    /// point per row, in [`Spec::table`].
    Table { rows: u64, seed: u64 },
}

impl Design {
    pub fn seed(&self) -> u64 {
        match *self {
            Design::FullFactorial { seed, .. }
            | Design::LatinHypercube { seed, .. }
            | Design::MonteCarlo { seed, .. }
            | Design::Table { seed, .. } => seed,
        }
    }

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
    pub name: String,
    pub file: String,
    pub kb: KnowledgeBase,
    pub bases: Vec<Base>,
    pub generate: Option<Profile>,
    pub factors: Vec<Factor>,
    pub design: Design,
    /// The points of a [`Design::Table`], row-major (a row holds every factor's value).
    pub table: Option<DesignRows>,
    pub replicates: u32,
    pub noise: f64,
    pub time_limit: Option<Duration>,
}

/// The rows of a design file, checked and encoded like levels (booleans 0/1, choices by index).
#[derive(Debug, Clone)]
pub struct DesignRows {
    /// The file as the user named it.
    pub file: String,
    pub rows: u64,
    pub values: std::sync::Arc<[f64]>,
}

/// One base scenario: its base line-up and its variants, applied once.
#[derive(Debug, Clone)]
pub struct Base {
    pub name: String,
    /// `(variant name, line-up)`; the first is the base line-up, named `base`.
    pub line_ups: Vec<(String, LineUp)>,
}

#[derive(Debug, Clone)]
pub struct Factor {
    /// The column name in the output.
    pub name: String,
    pub path: String,
    pub target: Target,
    pub domain: Domain,
}

/// The values a factor takes, resolved: numbers (booleans as 0/1, choices as their index).
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    Levels(Vec<f64>),
    Range { lo: f64, hi: f64, integer: bool },
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
    Capacity(String),
    Capability(String, CapIx),
    Present(String),
    Importance(RoleIx),
    NeedMin(RoleIx),
    NeedMax(RoleIx),
    Penalty(RuleIx),
    Bonus(RuleIx),
    Severity(RuleIx),
    Forbid(RuleIx),
    Strength(RuleIx),
    SupportWeight,
    DefaultMinSectors,
    AssumedWeight,
    FitFloor,
    MinSectors,
    SectorStrength(SectorIx, CapIx),
    Noise,
    /// Index into each base's `line_ups`.
    Variant,
    GenerateCount(SectorIx),
    GenerateNoise,
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
    Int { min: i64, max: i64 },
    Real { min: f64, max: f64 },
    Bool,
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

/// Reads the sweep document; `None` when it has errors (all of them are in the list).
pub fn parse(doc: &Document) -> (Option<Draft>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut sink = Sink::new(&doc.source, &mut diags);
    let draft = match &doc.root {
        Ok(node) => draft(&mut sink, node),
        Err(e) => {
            sink.error(e.span, "", e.message.clone());
            None
        }
    };
    drop(sink);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (draft.filter(|_| ok), diags)
}

fn draft(sink: &mut Sink, node: &Node) -> Option<Draft> {
    if let Kind::Struct(Some(n), _) = &node.kind
        && n.text == "Scenario"
    {
        sink.error(n.span, "", "this is a scenario, not a sweep file")
            .help("a sweep file is `Sweep(scenarios: [\"my-scenario.ron\"], factors: [...], design: ...)`; `rolefit solve` takes scenarios");
        return None;
    }
    let mut f = read::fields(sink, node, "", "Sweep")?;
    let name = f
        .take("name")
        .and_then(|n| read::string(sink, n, "name"))
        .map_or_else(|| "sweep".to_string(), |s| s.value);
    let scenarios = match f.take("scenarios") {
        Some(n) => {
            let items = read::list_of(sink, n, "scenarios", read::string);
            if items.len() > MAX_SCENARIOS {
                sink.error(
                    n.span,
                    "scenarios",
                    format!("more than {MAX_SCENARIOS} base scenarios"),
                );
            }
            items
        }
        None => Vec::new(),
    };
    let generate = f.take("generate").and_then(|n| generate(sink, n));
    if scenarios.is_empty() == generate.is_none() {
        sink.error(
            f.span,
            "",
            if scenarios.is_empty() {
                "a sweep needs base scenarios (`scenarios: [\"file.ron\"]`) or generated consortia (`generate: Generate(...)`)"
            } else {
                "give either `scenarios` or `generate`, not both"
            },
        );
    }
    let rules = f.take("rules").and_then(|n| read::string(sink, n, "rules"));
    let no_default_rules = f
        .take("no_default_rules")
        .and_then(|n| read::boolean(sink, n, "no_default_rules"))
        .unwrap_or(false);
    if no_default_rules && rules.is_none() {
        sink.error(
            f.span,
            "no_default_rules",
            "`no_default_rules: true` needs `rules: \"DIR\"`: a sweep cannot run without rules",
        );
    }
    let factors = match f.take("factors") {
        Some(n) => {
            let items = read::list(sink, n, "factors").unwrap_or(&[]);
            if items.len() > MAX_FACTORS {
                sink.error(
                    n.span,
                    "factors",
                    format!(
                        "{} factors is more than the limit of {MAX_FACTORS}",
                        items.len()
                    ),
                );
            }
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| factor(sink, item, &index_path("factors", i)))
                .collect()
        }
        None => Vec::new(),
    };
    let design_node = f.take("design");
    let design = design_node.and_then(|n| design(sink, n));
    let replicates_node = f.take("replicates");
    let replicates = replicates_node
        .and_then(|n| read::integer(sink, n, "replicates", 1, MAX_REPLICATES))
        .map_or(1, |v| v.value as u32);
    let noise = f
        .take("noise")
        .and_then(|n| read::number_in(sink, n, "noise", 0.0, 1.0))
        .map_or(0.0, |v| v.value);
    let time_limit = f
        .take("time_limit")
        .and_then(|n| read::number_in(sink, n, "time_limit", 0.001, 86_400.0))
        .map(|v| Duration::from_secs_f64(v.value));
    f.finish(sink);
    Some(Draft {
        name,
        scenarios,
        generate,
        rules,
        no_default_rules,
        factors,
        design: match design_node {
            Some(_) => Some(design?),
            None => None,
        },
        span: node.span,
        replicates,
        replicates_span: replicates_node.map(|n| n.span),
        noise,
        time_limit,
    })
}

fn generate(sink: &mut Sink, node: &Node) -> Option<GenerateDraft> {
    let mut f = read::fields(sink, node, "generate", "Generate")?;
    let roles = f
        .take("roles")
        .and_then(|n| read::integer(sink, n, "generate.roles", 1, 1000))
        .map_or(18, |v| v.value as usize);
    let mut sectors = Vec::new();
    if let Some(map) = f.require(sink, "sectors") {
        for (k, v) in read::string_map(sink, map, "generate.sectors") {
            let p = key_path("generate.sectors", &k.value);
            if let Some(n) = read::integer(sink, v, &p, 0, 200) {
                sectors.push((k, n.value as usize));
            }
        }
        if sectors.iter().map(|(_, n)| n).sum::<usize>() == 0 && matches!(map.kind, Kind::Map(_)) {
            sink.error(
                map.span,
                "generate.sectors",
                "the generated consortia need at least one partner",
            );
        }
    }
    let capacity = match f.take("capacity") {
        Some(n) => int_pair(sink, n, "generate.capacity", 0, 100)?,
        None => (1, 3),
    };
    let noise = f
        .take("noise")
        .and_then(|n| read::number_in(sink, n, "generate.noise", 0.0, 1.0))
        .map_or(0.15, |v| v.value);
    f.finish(sink);
    Some(GenerateDraft {
        span: node.span,
        roles,
        sectors,
        capacity: (capacity.0 as u32, capacity.1 as u32),
        noise,
    })
}

fn int_pair(sink: &mut Sink, node: &Node, path: &str, min: i64, max: i64) -> Option<(i64, i64)> {
    let (lo, hi) = pair(sink, node, path)?;
    let mut check = |v: f64| {
        if v.fract() != 0.0 || v < min as f64 || v > max as f64 {
            sink.error(
                node.span,
                path,
                format!("{v} is not a whole number from {min} to {max}"),
            );
            None
        } else {
            Some(v as i64)
        }
    };
    Some((check(lo)?, check(hi)?))
}

/// `(lo, hi)` with `lo <= hi`, both finite.
fn pair(sink: &mut Sink, node: &Node, path: &str) -> Option<(f64, f64)> {
    let Kind::Tuple(None, items) = &node.kind else {
        sink.error(
            node.span,
            path,
            format!(
                "expected a range `(low, high)`, found {}",
                node.kind.describe()
            ),
        );
        return None;
    };
    if items.len() != 2 {
        sink.error(
            node.span,
            path,
            format!(
                "a range has two numbers `(low, high)`, found {}",
                items.len()
            ),
        );
        return None;
    }
    let lo = read::number(sink, &items[0], &index_path(path, 0))?.value;
    let hi = read::number(sink, &items[1], &index_path(path, 1))?.value;
    if lo > hi {
        sink.error(
            node.span,
            path,
            format!("the range is empty: low {lo} is above high {hi}"),
        );
        return None;
    }
    Some((lo, hi))
}

fn factor(sink: &mut Sink, node: &Node, at: &str) -> Option<FactorDraft> {
    let mut f = read::fields(sink, node, at, "Factor")?;
    let name = f
        .take("name")
        .and_then(|n| read::string(sink, n, &f.at("name")));
    let path = f
        .require(sink, "path")
        .and_then(|n| read::string(sink, n, &f.at("path")));
    let levels = f.take("levels");
    let range = f.take("range");
    let values = match (levels, range) {
        (Some(l), None) => {
            let items = read::list(sink, l, &f.at("levels")).unwrap_or(&[]);
            if items.is_empty() && matches!(l.kind, Kind::List(_)) {
                sink.error(l.span, &f.at("levels"), "a factor needs at least one level");
            }
            if items.len() > MAX_LEVELS {
                sink.error(
                    l.span,
                    &f.at("levels"),
                    format!("more than {MAX_LEVELS} levels"),
                );
            }
            let mut out: Vec<Spanned<Level>> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = index_path(&f.at("levels"), i);
                let level = match &item.kind {
                    Kind::Number(n) if n.value.is_finite() => Level::Num(n.value),
                    Kind::Bool(b) => Level::Bool(*b),
                    Kind::Str(s) | Kind::Ident(s) => {
                        if s.chars().any(char::is_control) {
                            sink.error(
                                item.span,
                                &p,
                                "a level may not contain control characters (line breaks, tabs)",
                            );
                            continue;
                        }
                        Level::Text(s.clone())
                    }
                    _ => {
                        sink.error(
                            item.span,
                            &p,
                            format!(
                                "expected a number, `true`/`false` or a string, found {}",
                                item.kind.describe()
                            ),
                        );
                        continue;
                    }
                };
                if out.iter().any(|l| l.value == level) {
                    sink.error(item.span, &p, "this level is listed twice");
                    continue;
                }
                out.push(Spanned::new(level, item.span));
            }
            Some(Values::Levels(out))
        }
        (None, Some(r)) => {
            pair(sink, r, &f.at("range")).map(|v| Values::Range(Spanned::new(v, r.span)))
        }
        (Some(_), Some(r)) => {
            sink.error(
                r.span,
                &f.at("range"),
                "give either `levels` or `range`, not both",
            );
            None
        }
        (None, None) => {
            sink.error(
                f.span,
                at,
                "a factor needs `levels: [...]` or `range: (low, high)`",
            );
            None
        }
    };
    let steps = f
        .take("steps")
        .and_then(|n| read::integer(sink, n, &f.at("steps"), 1, MAX_LEVELS as i64))
        .map(|v| v.value as u32);
    f.finish(sink);
    Some(FactorDraft {
        span: node.span,
        at: at.to_string(),
        name,
        path: path?,
        values: values?,
        steps,
    })
}

fn design(sink: &mut Sink, node: &Node) -> Option<Design> {
    let (name, variant) = read::variant(sink, node, "design")?;
    const DESIGNS: [&str; 3] = ["FullFactorial", "LatinHypercube", "MonteCarlo"];
    if !DESIGNS.contains(&name.value.as_str()) {
        sink.error(
            name.span,
            "design",
            format!(
                "unknown design `{}`: expected {}",
                name.value,
                DESIGNS.join(", ")
            ),
        )
        .suggest(&name.value, DESIGNS);
        return None;
    }
    let mut f = match variant {
        read::Variant::Struct(f) => f,
        read::Variant::Unit if name.value == "FullFactorial" => {
            return Some(Design::FullFactorial { steps: 3, seed: 0 });
        }
        _ => {
            sink.error(
                node.span,
                "design",
                format!(
                    "write the design with its fields, e.g. `{}(n: 1000, seed: 1)`",
                    name.value
                ),
            );
            return None;
        }
    };
    let seed_node = f.take("seed");
    let seed = match seed_node {
        Some(n) => read::integer(sink, n, "design.seed", 0, i64::MAX).map(|v| v.value as u64),
        None if name.value == "FullFactorial" => Some(0),
        None => {
            sink.error(
                f.span,
                "design.seed",
                "missing field `seed`: every random design is seeded, so the sweep can be reproduced",
            );
            None
        }
    };
    let design = if name.value == "FullFactorial" {
        let steps = f
            .take("steps")
            .and_then(|n| read::integer(sink, n, "design.steps", 1, MAX_LEVELS as i64))
            .map_or(3, |v| v.value as u32);
        Some(Design::FullFactorial { steps, seed: seed? })
    } else {
        let n = f
            .require(sink, "n")
            .and_then(|n| read::integer(sink, n, "design.n", 1, MAX_RUNS as i64))
            .map(|v| v.value as u64);
        match name.value.as_str() {
            "LatinHypercube" => Some(Design::LatinHypercube { n: n?, seed: seed? }),
            _ => Some(Design::MonteCarlo { n: n?, seed: seed? }),
        }
    };
    f.finish(sink);
    design
}

/// Validates the factors of a draft against the knowledge base and the base scenarios.
pub fn resolve(
    draft: &Draft,
    doc: &Document,
    kb: KnowledgeBase,
    scenarios: Vec<Scenario>,
) -> (Option<Spec>, Vec<Diagnostic>) {
    resolve_with(draft, doc, kb, scenarios, None)
}

/// Where the points of a sweep come from when not from its own `design`.
#[derive(Debug, Clone, Copy)]
pub enum External<'a> {
    /// A design file's text: its rows are the design (`--design FILE`).
    Rows(&'a Source),
    /// A header alone, naming the factors of `rolefit.evaluate`, whose values come per call.
    Columns(&'a Source),
}

/// [`resolve`], with the design taken from a design file (or only its columns) when given.
pub fn resolve_with(
    draft: &Draft,
    doc: &Document,
    kb: KnowledgeBase,
    scenarios: Vec<Scenario>,
    external: Option<External>,
) -> (Option<Spec>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut design_diags = Vec::new();
    let mut sink = Sink::new(&doc.source, &mut diags);
    let bases: Vec<Base> = scenarios
        .iter()
        .map(|s| {
            let mut line_ups = vec![("base".to_string(), s.base())];
            line_ups.extend(s.variants.iter().map(|v| (v.name.clone(), s.line_up(v))));
            Base {
                name: s.name.clone(),
                line_ups,
            }
        })
        .collect();
    let generate = draft.generate.as_ref().map(|g| {
        let mut counts = Vec::new();
        for (sector, n) in &g.sectors {
            match kb.sector_by_id(&sector.value) {
                Some(s) => counts.push((s, *n)),
                None => {
                    sink.error(
                        sector.span,
                        &key_path("generate.sectors", &sector.value),
                        format!("unknown sector `{}`", sector.value),
                    )
                    .suggest(&sector.value, kb.sectors.iter().map(|s| s.id.as_str()));
                }
            }
        }
        if g.roles > kb.roles.len() {
            sink.error(
                g.span,
                "generate.roles",
                format!(
                    "{} roles asked for, but the knowledge base has {}",
                    g.roles,
                    kb.roles.len()
                ),
            );
        }
        if g.capacity.0 > g.capacity.1 {
            sink.error(g.span, "generate.capacity", "the capacity range is empty");
        }
        Profile {
            roles: g.roles.min(kb.roles.len()),
            sectors: counts,
            capacity: g.capacity,
            noise: g.noise,
        }
    });
    let mut spec = Spec {
        name: draft.name.clone(),
        file: doc.source.name.clone(),
        kb,
        bases,
        generate,
        factors: Vec::new(),
        design: match (draft.design, external) {
            (Some(d), None) => d,
            (d, _) => Design::Table {
                rows: 0,
                seed: d.map_or(0, |d| d.seed()),
            },
        },
        table: None,
        replicates: draft.replicates,
        noise: draft.noise,
        time_limit: draft.time_limit,
    };
    let mut factors = Vec::new();
    for fd in &draft.factors {
        if let Some(f) = resolve_factor(&mut sink, &spec, fd) {
            if factors.iter().any(|g: &Factor| g.name == f.name) {
                sink.error(
                    fd.name.as_ref().map_or(fd.path.span, |n| n.span),
                    &format!("{}.name", fd.at),
                    format!("two factors are named `{}`", f.name),
                )
                .help("give one of them a different `name`");
                continue;
            }
            if factors.iter().any(|g: &Factor| g.target == f.target) {
                sink.error(
                    fd.path.span,
                    &format!("{}.path", fd.at),
                    format!("`{}` is varied by two factors", f.path),
                );
                continue;
            }
            factors.push(f);
        }
    }
    check_min_max(&mut sink, &spec, &factors, &draft.factors);
    let random = spec.noise > 0.0
        || spec.generate.is_some()
        || factors.iter().any(|f| f.target == Target::Noise);
    if let (true, false, Some(span)) = (spec.replicates > 1, random, draft.replicates_span) {
        sink.warning(
            span,
            "replicates",
            "every replicate repeats the same runs: nothing in this sweep is random",
        )
        .help("add capability `noise`, or draw consortia with `generate`");
    }
    spec.factors = factors;
    match external {
        Some(External::Rows(src) | External::Columns(src)) => {
            let rows_required = matches!(external, Some(External::Rows(_)));
            if !sink.has_errors() {
                spec.table = read_design(
                    &mut sink,
                    src,
                    rows_required,
                    &mut spec,
                    &draft.factors,
                    &mut design_diags,
                );
                if let Some(t) = &spec.table {
                    spec.design = Design::Table {
                        rows: t.rows,
                        seed: spec.design.seed(),
                    };
                }
            }
        }
        None if draft.design.is_none() => {
            sink.error(draft.span, "design", "missing field `design`")
                .help("e.g. `design: LatinHypercube(n: 1000, seed: 1)`, or give the rows of a design file with `rolefit sweep SPEC --design FILE`");
        }
        None => {}
    }
    if let Design::FullFactorial { steps, .. } = spec.design {
        for (f, fd) in spec.factors.iter_mut().zip(&draft.factors) {
            if let Domain::Range { .. } = f.domain {
                f.domain = Domain::Levels(f.domain.grid(fd.steps.unwrap_or(steps)));
            }
        }
    }
    let runs = spec.runs();
    if runs > MAX_RUNS {
        sink.error(
            Span::default(),
            "design",
            format!(
                "the sweep has {} runs, more than the limit of {MAX_RUNS}",
                if runs == u64::MAX {
                    "too many".to_string()
                } else {
                    runs.to_string()
                }
            ),
        );
    }
    drop(sink);
    diags.extend(design_diags);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (ok.then_some(spec), diags)
}

/// The `min` and `max` factors of one need must not be able to cross.
fn check_min_max(sink: &mut Sink, spec: &Spec, factors: &[Factor], drafts: &[FactorDraft]) {
    let lowest = |d: &Domain| match d {
        Domain::Levels(v) => v.iter().copied().fold(f64::INFINITY, f64::min),
        Domain::Range { lo, .. } => *lo,
    };
    let highest = |d: &Domain| match d {
        Domain::Levels(v) => v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Domain::Range { hi, .. } => *hi,
    };
    for f in factors {
        let (role, is_min) = match f.target {
            Target::NeedMin(r) => (r, true),
            Target::NeedMax(r) => (r, false),
            _ => continue,
        };
        let other = factors.iter().find(|g| {
            g.target
                == if is_min {
                    Target::NeedMax(role)
                } else {
                    Target::NeedMin(role)
                }
        });
        let base_need = spec
            .bases
            .iter()
            .flat_map(|b| &b.line_ups)
            .flat_map(|(_, l)| &l.needs)
            .filter(|n| n.role == role);
        let (most_min, least_max) = if is_min {
            let least_max = match other {
                Some(g) => lowest(&g.domain),
                None => base_need
                    .map(|n| n.max as f64)
                    .fold(f64::INFINITY, f64::min),
            };
            (highest(&f.domain), least_max)
        } else {
            let most_min = match other {
                Some(g) => highest(&g.domain),
                None => base_need.map(|n| n.min as f64).fold(0.0, f64::max),
            };
            (most_min, lowest(&f.domain))
        };
        if most_min > least_max {
            let d = drafts.iter().find(|d| d.path.value == f.path);
            if let Some(d) = d {
                sink.error(
                    d.span,
                    &d.at,
                    format!(
                        "`{}` can make `min` ({most_min}) of `{}` exceed its `max` ({least_max})",
                        f.path,
                        spec.kb.role(role).id
                    ),
                );
            }
        }
    }
}

/// Every path a factor can name, for messages.
pub const PATHS: [&str; 22] = [
    "partners.<id>.capacity",
    "partners.<id>.capabilities.<capability>",
    "partners.<id>.present",
    "needs.<role>.importance",
    "needs.<role>.min",
    "needs.<role>.max",
    "rules.<rule>.penalty",
    "rules.<rule>.bonus",
    "rules.<rule>.severity",
    "rules.<rule>.forbid",
    "rules.<rule>.strength",
    "sectors.<sector>.capabilities.<capability>",
    "settings.support_weight",
    "settings.min_sectors",
    "settings.assumed_weight",
    "settings.fit_floor",
    "min_sectors",
    "noise",
    "variant",
    "generate.sectors.<sector>",
    "generate.noise",
    "generate.roles",
];

fn resolve_factor(sink: &mut Sink, spec: &Spec, fd: &FactorDraft) -> Option<Factor> {
    let path_at = format!("{}.path", fd.at);
    let target = target(sink, spec, &fd.path, &path_at)?;
    let name = match &fd.name {
        Some(n) => {
            if n.value.is_empty()
                || n.value
                    .chars()
                    .any(|c| c.is_control() || c == ',' || c == '"')
            {
                sink.error(
                    n.span,
                    &format!("{}.name", fd.at),
                    "a factor name may not be empty or contain commas, quotes or control characters",
                );
                return None;
            }
            n.value.clone()
        }
        None => fd.path.value.clone(),
    };
    if crate::sweep::table::is_fixed_column(&name) {
        sink.error(
            fd.name.as_ref().map_or(fd.path.span, |n| n.span),
            &format!("{}.name", fd.at),
            format!("`{name}` is already an output column"),
        )
        .help("give the factor another `name`");
        return None;
    }
    let kind = value_kind(&target, spec);
    let levels_at = format!("{}.levels", fd.at);
    let domain = match (&fd.values, &kind) {
        (Values::Range(r), ValueKind::Int { min, max }) => {
            let (lo, hi) = r.value;
            if lo.fract() != 0.0 || hi.fract() != 0.0 || lo < *min as f64 || hi > *max as f64 {
                sink.error(
                    r.span,
                    &format!("{}.range", fd.at),
                    format!(
                        "`{}` takes whole numbers from {min} to {max}; the range is ({lo}, {hi})",
                        fd.path.value
                    ),
                );
                return None;
            }
            Domain::Range {
                lo,
                hi,
                integer: true,
            }
        }
        (Values::Range(r), ValueKind::Real { min, max }) => {
            let (lo, hi) = r.value;
            if lo < *min || hi > *max {
                sink.error(
                    r.span,
                    &format!("{}.range", fd.at),
                    format!(
                        "`{}` takes values from {min} to {max}; the range is ({lo}, {hi})",
                        fd.path.value
                    ),
                );
                return None;
            }
            Domain::Range {
                lo,
                hi,
                integer: false,
            }
        }
        (Values::Range(r), _) => {
            sink.error(
                r.span,
                &format!("{}.range", fd.at),
                format!(
                    "`{}` is categorical: list its values with `levels: [...]`",
                    fd.path.value
                ),
            );
            return None;
        }
        (Values::Levels(levels), kind) => {
            let mut out = Vec::new();
            for (i, l) in levels.iter().enumerate() {
                let at = index_path(&levels_at, i);
                if let Some(v) = level_value(sink, &l.value, l.span, &at, kind, &fd.path.value) {
                    out.push(v);
                }
            }
            if out.len() != levels.len() {
                return None;
            }
            Domain::Levels(out)
        }
    };
    Some(Factor {
        name,
        path: fd.path.value.clone(),
        target,
        domain,
    })
}

fn level_value(
    sink: &mut Sink,
    level: &Level,
    span: Span,
    at: &str,
    kind: &ValueKind,
    path: &str,
) -> Option<f64> {
    match encode_level(level, kind, path) {
        Ok(v) => Some(v),
        Err(r) => {
            let d = sink.error(span, at, r.message);
            if let Some(c) = r.did_you_mean {
                d.help(format!("did you mean `{c}`?"));
            }
            None
        }
    }
}

/// Why a value does not fit a factor, with a "did you mean" when a level is close.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub message: String,
    pub did_you_mean: Option<String>,
}

impl Refusal {
    fn new(message: String) -> Refusal {
        Refusal {
            message,
            did_you_mean: None,
        }
    }
}

/// A written value as the number the sweep computes with (booleans 0/1, choices by index).
fn encode_level(level: &Level, kind: &ValueKind, path: &str) -> Result<f64, Refusal> {
    match (level, kind) {
        (Level::Num(v), ValueKind::Int { min, max }) => {
            if !v.is_finite() || v.fract() != 0.0 || *v < *min as f64 || *v > *max as f64 {
                return Err(Refusal::new(format!(
                    "`{path}` takes whole numbers from {min} to {max}, not {v}"
                )));
            }
            Ok(*v)
        }
        (Level::Num(v), ValueKind::Real { min, max }) => {
            if !v.is_finite() || v < min || v > max {
                return Err(Refusal::new(format!(
                    "`{path}` takes values from {min} to {max}, not {v}"
                )));
            }
            Ok(*v)
        }
        (Level::Bool(b), ValueKind::Bool) => Ok(f64::from(u8::from(*b))),
        (Level::Text(t), ValueKind::Choice(choices)) => match choices.iter().position(|c| c == t) {
            Some(i) => Ok(i as f64),
            None => Err(Refusal {
                message: format!(
                    "`{path}` has no value `{t}`: expected one of {}",
                    choices
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                did_you_mean: closest(t, choices.iter().map(String::as_str)).map(str::to_string),
            }),
        },
        (_, kind) => {
            let expected = match kind {
                ValueKind::Int { .. } => "whole numbers",
                ValueKind::Real { .. } => "numbers",
                ValueKind::Bool => "`true` or `false`",
                ValueKind::Choice(_) => "strings",
            };
            Err(Refusal::new(format!("`{path}` takes {expected}")))
        }
    }
}

impl Factor {
    /// A value given from outside the sweep file (a design file's cell, a Python argument) as
    /// the number a run computes with: it must suit the path, and lie in the factor's declared
    /// range or levels.
    pub fn encode(&self, spec: &Spec, level: &Level) -> Result<f64, Refusal> {
        let kind = self.kind(spec);
        let v = encode_level(level, &kind, &self.path)?;
        let inside = match &self.domain {
            Domain::Levels(levels) => levels.contains(&v),
            Domain::Range { lo, hi, .. } => *lo <= v && v <= *hi,
        };
        if inside {
            return Ok(v);
        }
        let shown = |x: f64| match &kind {
            ValueKind::Choice(names) => format!("`{}`", names[x as usize]),
            ValueKind::Bool => (x != 0.0).to_string(),
            _ => x.to_string(),
        };
        let declared = match &self.domain {
            Domain::Levels(levels) => format!(
                "levels [{}]",
                levels
                    .iter()
                    .map(|&x| shown(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Domain::Range { lo, hi, .. } => format!("range ({lo}, {hi})"),
        };
        Err(Refusal::new(format!(
            "factor `{}` is declared with {declared}; {} is outside it",
            self.name,
            shown(v)
        )))
    }

    /// A design file's cell, read as the factor's kind of value, then [`Factor::encode`]d.
    pub fn parse_cell(&self, spec: &Spec, cell: &str) -> Result<f64, Refusal> {
        let cell = cell.trim();
        let level = match self.kind(spec) {
            ValueKind::Int { .. } | ValueKind::Real { .. } => match cell.parse::<f64>() {
                Ok(v) => Level::Num(v),
                Err(_) => {
                    return Err(Refusal::new(format!(
                        "`{}` takes numbers, not {cell:?}",
                        self.path
                    )));
                }
            },
            ValueKind::Bool => match cell.to_ascii_lowercase().as_str() {
                "true" | "1" | "1.0" => Level::Bool(true),
                "false" | "0" | "0.0" => Level::Bool(false),
                _ => {
                    return Err(Refusal::new(format!(
                        "`{}` takes `true` or `false` (or 1 and 0), not {cell:?}",
                        self.path
                    )));
                }
            },
            ValueKind::Choice(_) => Level::Text(cell.to_string()),
        };
        self.encode(spec, &level)
    }
}

/// The whole range of values a path takes: the domain of a factor a design file brings in
/// without declaring it in the sweep file.
fn full_domain(kind: &ValueKind) -> Domain {
    match kind {
        ValueKind::Int { min, max } => Domain::Range {
            lo: *min as f64,
            hi: *max as f64,
            integer: true,
        },
        ValueKind::Real { min, max } => Domain::Range {
            lo: *min,
            hi: *max,
            integer: false,
        },
        ValueKind::Bool => Domain::Levels(vec![0.0, 1.0]),
        ValueKind::Choice(names) => Domain::Levels((0..names.len()).map(|i| i as f64).collect()),
    }
}

/// Most rows a design file may have.
pub const MAX_DESIGN_ROWS: usize = 10_000_000;

/// Reads a design file (CSV: a header of factor names or paths, one row per design point)
/// against a spec whose declared factors are resolved: each column is a declared factor (by
/// name or path) or a new factor named by its path; every declared factor must have a column.
/// With `rows_required` false a header alone is accepted (the arguments of
/// `rolefit.evaluate`). Problems in the design file go to `diags`, missing columns to `sink`.
fn read_design(
    sink: &mut Sink,
    design: &Source,
    rows_required: bool,
    spec: &mut Spec,
    drafts: &[FactorDraft],
    diags: &mut Vec<Diagnostic>,
) -> Option<DesignRows> {
    let mut d = Sink::new(design, diags);
    let text = design.text.as_str();
    let mut lines = crate::sweep::table::csv_lines(text);
    let Some((header_at, header)) = lines.next() else {
        if !rows_required {
            // `evaluate()` without factors: the base as it is.
            spec.factors.clear();
            return Some(DesignRows {
                file: design.name.clone(),
                rows: 0,
                values: Vec::new().into(),
            });
        }
        d.error(Span::default(), "", "the design file is empty")
            .help("the first line names the factors (their names or paths), each further line is one run");
        return None;
    };
    let header = match crate::sweep::table::split_csv_spans(header) {
        Ok(h) => h,
        Err(e) => {
            d.error(Span::new(header_at, header_at + header.len()), "header", e);
            return None;
        }
    };
    // For each column: the index of its factor in `spec.factors`.
    let mut columns: Vec<usize> = Vec::new();
    let mut ok = true;
    for (name, range) in &header {
        let span = Span::new(header_at + range.start, header_at + range.end);
        let name = name.trim();
        let at = format!("header.{name}");
        let found = spec
            .factors
            .iter()
            .position(|f| f.name == name)
            .or_else(|| spec.factors.iter().position(|f| f.path == name));
        let index = match found {
            Some(i) => i,
            None => {
                if name.is_empty() || name.starts_with("Unnamed") {
                    d.error(
                        span,
                        &at,
                        "a column without a factor path (an index column?)",
                    )
                    .help(
                        "write the sample without its index, e.g. `df.to_csv(path, index=False)`",
                    );
                    ok = false;
                    continue;
                }
                if crate::sweep::table::is_fixed_column(name) {
                    d.error(
                        span,
                        &at,
                        format!("`{name}` is an output column, not a factor"),
                    );
                    ok = false;
                    continue;
                }
                let declared: Vec<&str> = spec.factors.iter().map(|f| f.name.as_str()).collect();
                if let Some(close) = closest(name, declared.iter().copied()) {
                    d.error(span, &at, format!("no factor `{name}` in the sweep file"))
                        .help(format!("did you mean `{close}`?"));
                    ok = false;
                    continue;
                }
                let path = Spanned::new(name.to_string(), span);
                let Some(target) = target(&mut d, spec, &path, &at) else {
                    ok = false;
                    continue;
                };
                if let Some(f) = spec.factors.iter().find(|f| f.target == target) {
                    d.error(
                        span,
                        &at,
                        format!("factor `{}` varies `{}` already", f.name, f.path),
                    );
                    ok = false;
                    continue;
                }
                let kind = value_kind(&target, spec);
                spec.factors.push(Factor {
                    name: name.to_string(),
                    path: name.to_string(),
                    target,
                    domain: full_domain(&kind),
                });
                spec.factors.len() - 1
            }
        };
        if columns.contains(&index) {
            d.error(
                span,
                &at,
                format!("a second column for factor `{}`", spec.factors[index].name),
            );
            ok = false;
            continue;
        }
        columns.push(index);
    }
    if ok && !rows_required {
        // `evaluate` varies only what its arguments name; the other declared factors keep
        // their base values.
        let mut kept: Vec<Factor> = columns.iter().map(|&i| spec.factors[i].clone()).collect();
        std::mem::swap(&mut spec.factors, &mut kept);
        columns = (0..spec.factors.len()).collect();
    }
    for (i, f) in spec.factors.iter().enumerate() {
        if ok && !columns.contains(&i) {
            let fd = drafts.iter().find(|fd| fd.path.value == f.path);
            let (span, at) = fd.map_or((Span::default(), String::new()), |fd| {
                (fd.span, fd.at.clone())
            });
            let names: Vec<&str> = header.iter().map(|(n, _)| n.trim()).collect();
            let e = sink.error(
                span,
                &at,
                format!(
                    "the design file {} has no column for factor `{}` (path `{}`)",
                    design.name, f.name, f.path
                ),
            );
            e.suggest(&f.name, names.iter().copied());
            if e.help.is_none() {
                e.help("name a column after the factor's name or path");
            }
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let width = spec.factors.len();
    let mut values: Vec<f64> = Vec::new();
    let mut point = vec![0.0; width];
    let mut rows = 0usize;
    for (line_at, line) in lines {
        let line_span = Span::new(line_at, line_at + line.len());
        rows += 1;
        if rows > MAX_DESIGN_ROWS {
            d.error(line_span, "", format!("more than {MAX_DESIGN_ROWS} rows"));
            return None;
        }
        let at = format!("row {rows}");
        let cells = match crate::sweep::table::split_csv_spans(line) {
            Ok(c) => c,
            Err(e) => {
                d.error(line_span, &at, e);
                continue;
            }
        };
        if cells.len() != columns.len() {
            d.error(
                line_span,
                &at,
                format!(
                    "{} cells, but the header names {} factors",
                    cells.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let mut good = true;
        for ((cell, range), &f) in cells.iter().zip(&columns) {
            let factor = &spec.factors[f];
            match factor.parse_cell(spec, cell) {
                Ok(v) => point[f] = v,
                Err(r) => {
                    let e = d.error(
                        Span::new(line_at + range.start, line_at + range.end),
                        &format!("{at}.{}", factor.name),
                        r.message,
                    );
                    if let Some(c) = r.did_you_mean {
                        e.help(format!("did you mean `{c}`?"));
                    }
                    good = false;
                }
            }
        }
        if good && let Err(m) = spec.check_point(&point) {
            d.error(line_span, &at, m);
        }
        values.extend_from_slice(&point);
    }
    if rows == 0 && rows_required {
        d.error(
            Span::default(),
            "",
            "the design file has a header but no rows",
        )
        .help("each line after the header is one run");
    }
    let failed = d.has_errors();
    drop(d);
    (!failed).then(|| DesignRows {
        file: design.name.clone(),
        rows: rows as u64,
        values: values.into(),
    })
}

/// Resolves a dotted path (`partners.msas.capacity`) to what it changes.
fn target(sink: &mut Sink, spec: &Spec, path: &Spanned<String>, at: &str) -> Option<Target> {
    let kb = &spec.kb;
    let parts: Vec<&str> = path.value.split('.').collect();
    let mut fail = |message: String, known: Vec<&str>, written: &str| {
        let d = sink.error(path.span, at, message);
        if !written.is_empty() {
            d.suggest(written, known.iter().copied());
        }
        if d.help.is_none() && !known.is_empty() && known.len() <= 12 {
            d.help(format!("expected one of: {}", known.join(", ")));
        }
        None
    };
    let generated = spec.generate.is_some();
    // Partner ids of every line-up of every base (variants may add partners).
    let mut partner_ids: Vec<&str> = spec
        .bases
        .iter()
        .flat_map(|b| &b.line_ups)
        .flat_map(|(_, l)| l.partners.iter().map(|p| p.id.as_str()))
        .collect();
    partner_ids.sort_unstable();
    partner_ids.dedup();
    let roles: Vec<&str> = kb.roles.iter().map(|r| r.id.as_str()).collect();
    let rules: Vec<&str> = kb.rules.iter().map(|r| r.id.as_str()).collect();
    let caps: Vec<&str> = kb.capabilities.iter().map(|c| c.id.as_str()).collect();
    let sectors: Vec<&str> = kb.sectors.iter().map(|s| s.id.as_str()).collect();
    let tops = [
        "partners",
        "needs",
        "rules",
        "sectors",
        "settings",
        "min_sectors",
        "noise",
        "variant",
        "generate",
    ];
    match parts.as_slice() {
        ["partners", id, rest @ ..] => {
            if generated {
                return fail(
                    "generated consortia have no fixed partners: vary `generate.sectors.<sector>` or `sectors.<sector>.capabilities.<capability>` instead".into(),
                    Vec::new(),
                    "",
                );
            }
            if !partner_ids.contains(id) {
                return fail(
                    format!("no partner `{id}` in the base scenario(s)"),
                    partner_ids,
                    id,
                );
            }
            match rest {
                ["capacity"] => Some(Target::Capacity(id.to_string())),
                ["present"] => Some(Target::Present(id.to_string())),
                ["capabilities", cap] => match kb.capability_by_id(cap) {
                    Some(c) => Some(Target::Capability(id.to_string(), c)),
                    None => fail(format!("unknown capability `{cap}`"), caps, cap),
                },
                [field, ..] => fail(
                    format!("a partner has no sweepable field `{field}`"),
                    vec!["capacity", "capabilities", "present"],
                    field,
                ),
                [] => fail(
                    "name the partner's field: `capacity`, `capabilities.<id>` or `present`".into(),
                    Vec::new(),
                    "",
                ),
            }
        }
        ["needs", role, rest @ ..] => {
            let Some(r) = kb.role_by_id(role) else {
                return fail(format!("unknown role `{role}`"), roles, role);
            };
            let needed = generated
                || spec
                    .bases
                    .iter()
                    .all(|b| b.line_ups[0].1.needs.iter().any(|n| n.role == r));
            if !needed {
                return fail(
                    format!("the base scenario(s) do not need `{role}`"),
                    Vec::new(),
                    "",
                );
            }
            match rest {
                ["importance"] => Some(Target::Importance(r)),
                ["min"] => Some(Target::NeedMin(r)),
                ["max"] => Some(Target::NeedMax(r)),
                [field, ..] => fail(
                    format!("a need has no sweepable field `{field}`"),
                    vec!["importance", "min", "max"],
                    field,
                ),
                [] => fail(
                    "name the need's field: `importance`, `min` or `max`".into(),
                    Vec::new(),
                    "",
                ),
            }
        }
        ["rules", id, rest @ ..] => {
            let Some(r) = kb.rule_by_id(id) else {
                return fail(format!("unknown rule `{id}`"), rules, id);
            };
            let rule = kb.rule(r);
            match rest {
                ["penalty"] => Some(Target::Penalty(r)),
                ["bonus"] => Some(Target::Bonus(r)),
                ["forbid"] => Some(Target::Forbid(r)),
                ["strength"] => Some(Target::Strength(r)),
                ["severity"] if rule.effect.flag.is_some() => Some(Target::Severity(r)),
                ["severity"] => fail(
                    format!("rule `{id}` raises no flag, so it has no severity"),
                    Vec::new(),
                    "",
                ),
                [field, ..] => fail(
                    format!("a rule has no sweepable field `{field}`"),
                    vec!["penalty", "bonus", "severity", "forbid", "strength"],
                    field,
                ),
                [] => fail(
                    "name the rule's field: `penalty`, `bonus`, `severity`, `forbid` or `strength`"
                        .into(),
                    Vec::new(),
                    "",
                ),
            }
        }
        ["sectors", id, "capabilities", cap] => {
            let Some(s) = kb.sector_by_id(id) else {
                return fail(format!("unknown sector `{id}`"), sectors, id);
            };
            match kb.capability_by_id(cap) {
                Some(c) => Some(Target::SectorStrength(s, c)),
                None => fail(format!("unknown capability `{cap}`"), caps, cap),
            }
        }
        ["settings", "support_weight"] => Some(Target::SupportWeight),
        ["settings", "min_sectors"] => Some(Target::DefaultMinSectors),
        ["settings", "assumed_weight"] => Some(Target::AssumedWeight),
        ["settings", "fit_floor"] => Some(Target::FitFloor),
        ["settings", field] => fail(
            format!("no sweepable setting `{field}`"),
            vec![
                "support_weight",
                "min_sectors",
                "assumed_weight",
                "fit_floor",
            ],
            field,
        ),
        ["min_sectors"] => Some(Target::MinSectors),
        ["noise"] => Some(Target::Noise),
        ["variant"] if generated => fail(
            "generated consortia have no variants".into(),
            Vec::new(),
            "",
        ),
        ["variant"] => {
            let names = |b: &Base| {
                b.line_ups
                    .iter()
                    .map(|(n, _)| n.clone())
                    .collect::<Vec<_>>()
            };
            let first = spec.bases.first().map(names).unwrap_or_default();
            if spec.bases.iter().any(|b| names(b) != first) {
                return fail(
                    "a `variant` factor needs base scenarios with the same variants, in the same order".into(),
                    Vec::new(),
                    "",
                );
            }
            Some(Target::Variant)
        }
        ["generate", ..] if !generated => fail(
            "`generate.*` factors need `generate: Generate(...)` in the sweep".into(),
            Vec::new(),
            "",
        ),
        ["generate", "sectors", id] => match kb.sector_by_id(id) {
            Some(s) => Some(Target::GenerateCount(s)),
            None => fail(format!("unknown sector `{id}`"), sectors, id),
        },
        ["generate", "noise"] => Some(Target::GenerateNoise),
        ["generate", "roles"] => Some(Target::GenerateRoles),
        ["generate", field, ..] => fail(
            format!("no sweepable generator field `{field}`"),
            vec!["sectors", "noise", "roles"],
            field,
        ),
        [first, ..] => {
            let hint = closest(first, tops).map(|c| format!("; did you mean `{c}`?"));
            sink.error(
                path.span,
                at,
                format!(
                    "`{}` is not a sweepable path{}",
                    path.value,
                    hint.unwrap_or_default()
                ),
            )
            .help(format!("paths: {}", PATHS.join(", ")));
            None
        }
        [] => None,
    }
}

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
