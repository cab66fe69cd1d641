//! [`Draft`] + knowledge base + scenarios -> [`Spec`]: factors checked, levels encoded.

use super::*;

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
    let generate = draft.generate.as_ref().map(|g| profile(&mut sink, g, &kb));
    let mut spec = Spec {
        name: draft.name.clone(),
        file: doc.source.name.clone(),
        kb,
        bases: bases(&scenarios),
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
    spec.factors = resolve_factors(&mut sink, &spec, draft);
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
    check_runs(&mut sink, &spec);
    drop(sink);
    diags.extend(design_diags);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (ok.then_some(spec), diags)
}

/// Each base scenario with its line-ups: the base, then one per variant.
fn bases(scenarios: &[Scenario]) -> Vec<Base> {
    scenarios
        .iter()
        .map(|s| {
            let mut line_ups = vec![("base".to_string(), s.base())];
            line_ups.extend(s.variants.iter().map(|v| (v.name.clone(), s.line_up(v))));
            Base {
                name: s.name.clone(),
                line_ups,
            }
        })
        .collect()
}

/// The profile generated consortia are drawn from, its sectors and sizes checked.
fn profile(sink: &mut Sink, g: &GenerateDraft, kb: &KnowledgeBase) -> Profile {
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
}

/// The sweep file's factors resolved: each name and target used once, the `min` and `max` of
/// a need unable to cross; a warning when replicates repeat runs nothing makes random.
fn resolve_factors(sink: &mut Sink, spec: &Spec, draft: &Draft) -> Vec<Factor> {
    let mut factors = Vec::new();
    for fd in &draft.factors {
        if let Some(f) = resolve_factor(sink, spec, fd) {
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
    check_min_max(sink, spec, &factors, &draft.factors);
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
    factors
}

/// The sweep's runs must stay under [`MAX_RUNS`].
fn check_runs(sink: &mut Sink, spec: &Spec) {
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
    /// What is wrong, naming the path and what it takes.
    pub message: String,
    /// The closest accepted choice to a mistyped one, if any is close.
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
pub(super) fn full_domain(kind: &ValueKind) -> Domain {
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
