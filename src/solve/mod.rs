//! The only caller of good_lp: solves a [`Milp`] (its relaxation first where that may settle
//! the line-up, [`Relaxation`], cut by `cuts` where clashes leave it fractional; branch and
//! bound otherwise), and when it is infeasible finds a minimal set of demands (pins,
//! capacities, forbidding rules, ...) that contradict each other. [`optimum()`] is the lean
//! entry point for valuing many coalitions (`crate::value`).

mod cuts;
mod greedy;
mod optimum;
mod tableau;
mod warm;

pub use optimum::{Optimum, best, optimum};
pub use warm::Relaxation;

use crate::model::{Assignment, Cmp, Milp, Origin, Problem, VarKind};
use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution as _, SolverModel, Variable,
    WithInitialSolution, WithTimeLimit, variable,
};
use std::time::{Duration, Instant};

/// How a solve ended: proven best, stopped early with a line-up, or no line-up possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Proven best.
    Optimal,
    /// The time limit or the node cap ([`node_limit`]) stopped the search; the best line-up
    /// found so far.
    Feasible,
    /// Hard constraints contradict each other.
    Infeasible,
}

impl Status {
    /// The lowercase word shown for this status in reports and output files.
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::Infeasible => "infeasible",
        }
    }
}

/// How to run the solver: time limits, backend, batch mode and envelope rows.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Stop each solve's search after this long and return the best line-up found (a sweep
    /// run's own limit).
    pub time_limit: Option<Duration>,
    /// Stop every search by this instant: a command's `--time-limit`, shared by all the solves
    /// it makes (the base and each variant or trial, the conflict search, the ways out).
    pub deadline: Option<Instant>,
    /// The MILP solver to use (microlp unless a feature adds another).
    pub backend: Backend,
    /// Many small solves where only the line-up and the status count (sweeps): no search for
    /// an infeasible model's minimal conflict or ways out, no greedy seed (it saves under 3% of
    /// the nodes), and microlp called directly rather than through good_lp's expression layer
    /// (a seventh of a small solve). The line-up found is the same.
    pub batch: bool,
    /// Whether to add the envelope rows (`Problem::tighten`) before building the model of a
    /// line-up solved on its own (`crate::solve_assessed`).
    pub tighten: Tighten,
}

/// When a line-up's model gets the envelope rows of its partners' workload and concentration
/// limits (`model::envelope`). They change no optimum, only the relaxation branch and bound
/// starts from: on models with many roles they close the search at or near the root (without
/// them, 300 partners x 90 roles can run for minutes); on an 18-role line-up they cost more
/// (searching for them) than they save.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tighten {
    /// By size: when the line-up needs more than [`TIGHTEN_ABOVE_NEEDS`] roles.
    #[default]
    Auto,
    /// Always add the envelope rows, whatever the size.
    Always,
    /// Never add them.
    Never,
}

/// Needs above which [`Tighten::Auto`] adds the envelope rows. The shipped catalogue has 18
/// roles, so only custom rules reach it. Measured (benches/README.md, "Many roles"): at 36
/// roles and more the rows pay for themselves.
pub const TIGHTEN_ABOVE_NEEDS: usize = 24;

impl Tighten {
    /// Whether a line-up with `needs` needs gets the envelope rows.
    pub fn applies(self, needs: usize) -> bool {
        match self {
            Tighten::Auto => needs > TIGHTEN_ABOVE_NEEDS,
            Tighten::Always => true,
            Tighten::Never => false,
        }
    }

    /// Adds the envelope rows to a problem (before `model::build`) if they apply to it.
    pub fn prepare(self, p: &mut Problem) {
        if self.applies(p.needs.len()) {
            p.tighten();
        }
    }

    /// The names accepted on the command line, each with its setting.
    pub const NAMES: &[(&'static str, Tighten)] = &[
        ("auto", Tighten::Auto),
        ("always", Tighten::Always),
        ("never", Tighten::Never),
    ];

    /// The setting named `name` (one of [`Tighten::NAMES`]); `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Tighten> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }
}

/// The MILP solver behind good_lp. microlp is pure Rust and always there; others are cargo
/// features because they need system libraries or a C++ toolchain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Backend {
    /// microlp: pure Rust, always built in, the default.
    #[default]
    Microlp,
    /// HiGHS (cargo feature `highs`; builds the HiGHS C++ library).
    #[cfg(feature = "highs")]
    Highs,
}

impl Backend {
    /// The backends compiled into this build.
    pub const AVAILABLE: &[(&'static str, Backend)] = &[
        ("microlp", Backend::Microlp),
        #[cfg(feature = "highs")]
        ("highs", Backend::Highs),
    ];

    /// The backend named `name` if it is compiled in (see [`Backend::AVAILABLE`]); `None`
    /// otherwise.
    pub fn from_name(name: &str) -> Option<Backend> {
        Self::AVAILABLE
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }
}

/// The result of [`solve`]: the line-up found, or why there is none.
#[derive(Debug, Clone)]
pub struct Solved {
    /// Whether the line-up is proven best, the best found in time, or impossible.
    pub status: Status,
    /// The line-up; `None` when infeasible.
    pub assignment: Option<Assignment>,
    /// For an infeasible model: demands that cannot all hold, minimal (dropping any one of them
    /// makes the rest consistent) unless `conflict_minimal` says the time limit cut it short.
    pub conflict: Vec<Origin>,
    /// For each conflicting demand, the objective reached when it alone is relaxed (`None`: still
    /// infeasible). Best first.
    pub relaxations: Vec<(Origin, Option<f64>)>,
    /// Whether the conflict search finished; when the time limit ran out first, `conflict` still
    /// cannot all hold, but some of its demands may not be needed for the contradiction.
    pub conflict_minimal: bool,
}

impl Solved {
    /// A line-up found, proven best or not as `status` says.
    fn found(status: Status, assignment: Assignment) -> Solved {
        Solved {
            status,
            assignment: Some(assignment),
            conflict: Vec::new(),
            relaxations: Vec::new(),
            conflict_minimal: true,
        }
    }
}

/// Why a solve gave neither a line-up nor a proof that there is none.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// The backend reported an error (its message).
    #[error("the solver failed: {0}")]
    Solver(String),
    /// The time limit ran out with no line-up satisfying the hard constraints found yet.
    #[error("the time limit ran out before any line-up satisfying the hard constraints was found")]
    NoSolutionInTime,
    /// A solve that must be proven best (a coalition's worth) was stopped by the time limit.
    #[error("the time limit ran out before the line-up was proven best")]
    OutOfTime,
}

impl Options {
    /// Solver options whose searches all end by `deadline`.
    pub fn until(deadline: Option<Instant>) -> Options {
        Options {
            deadline,
            ..Options::default()
        }
    }

    /// The instant a solve starting at `started` must end by: the earlier of its own time
    /// limit and the shared deadline.
    pub(crate) fn end(&self, started: Instant) -> Option<Instant> {
        let own = self.time_limit.map(|t| started + t);
        match (own, self.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the shared deadline has passed (nothing more should be started).
    pub fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Time left until `end`, if there is an end (zero once it has passed).
fn left(end: Option<Instant>) -> Option<Duration> {
    end.map(|d| d.saturating_duration_since(Instant::now()))
}

/// Solves the model of a problem. With microlp, on models of up to [`RELAX_FIRST_VARS`]
/// variables, its relaxation is solved first ([`Relaxation`], cut where the partners' clashes
/// leave it fractional): when that settles the line-up (an integral, sharp optimum, see
/// [`Relaxation::optimum`]) it is the answer, proven best, without branch and bound; otherwise
/// branch and bound solves the model within the same time limit. Larger models, batch solves
/// and other backends go straight to branch and bound. Every command that shows a line-up
/// comes here, so they agree on it even between line-ups that only the tie-break tells apart,
/// which branch and bound orders only to within its tolerance.
pub fn solve(p: &Problem, m: &Milp, opts: &Options) -> Result<Solved, SolveError> {
    if relaxation_first(m, opts) {
        solve_relaxed(p, m, opts).map(|(solved, _)| solved)
    } else {
        solve_by(p, m, opts, opts.end(Instant::now()))
    }
}

/// Variables above which [`solve`] leaves the line-up to branch and bound without trying the
/// relaxation first. Large line-ups, like the 90-role fixtures whose copies of each role tie
/// exactly, are seldom settled by it, and its root then costs as much again (100 x 90: 0.2 s
/// became 0.4 s). 300 partners x 18 roles have about 2,000 variables.
pub const RELAX_FIRST_VARS: usize = 2_500;

/// Whether [`solve`] tries the relaxation first.
fn relaxation_first(m: &Milp, opts: &Options) -> bool {
    opts.backend == Backend::Microlp && !opts.batch && m.vars.len() <= RELAX_FIRST_VARS
}

/// [`solve`], with the model's relaxation at its optimum ([`Relaxation`], what re-optimising
/// the line-up starts from: `crate::robust::assess_relaxed`) when it has one that is integral,
/// so that a solve followed by an assessment solves the relaxation once instead of twice. The
/// line-up is the one [`solve`] finds.
pub fn solve_relaxed(
    p: &Problem,
    m: &Milp,
    opts: &Options,
) -> Result<(Solved, Option<Relaxation>), SolveError> {
    let end = opts.end(Instant::now());
    if opts.backend != Backend::Microlp || opts.batch {
        return Ok((solve_by(p, m, opts, end)?, None));
    }
    let relaxed = || match left(end) {
        Some(t) if t.is_zero() => None,
        limit => Relaxation::new(m, limit),
    };
    if !relaxation_first(m, opts) {
        let solved = solve_by(p, m, opts, end)?;
        return Ok((solved, relaxed()));
    }
    let relaxation = relaxed();
    if let Some(optimum) = relaxation.as_ref().and_then(|r| r.optimum(p, m)) {
        return Ok((
            Solved::found(Status::Optimal, optimum.assignment),
            relaxation,
        ));
    }
    Ok((solve_by(p, m, opts, end)?, relaxation))
}

/// Branch and bound on the model (the greedy line-up its first incumbent), ending by `end`.
fn solve_by(
    p: &Problem,
    m: &Milp,
    opts: &Options,
    end: Option<Instant>,
) -> Result<Solved, SolveError> {
    let greedy = if opts.batch {
        None
    } else {
        greedy::warm_start(p, m)
    };
    let first = Run {
        keep: None,
        optimise: true,
        warm: greedy.as_ref().map(|(_, v)| v.as_slice()),
        time_limit: left(end),
        tie_break: true,
        // microlp is called directly (the same rows as through good_lp): only there can the
        // search be capped (`node_limit`).
        direct: opts.batch || opts.backend == Backend::Microlp,
        capped: true,
    };
    match run(m, opts.backend, first) {
        Ok((values, proven)) => Ok(Solved::found(
            if proven {
                Status::Optimal
            } else {
                Status::Feasible
            },
            read_assignment(p, m, &values),
        )),
        Err(ResolutionError::Infeasible) => {
            // Sweeps only count infeasible runs: the conflict search would multiply their cost.
            // Otherwise the conflict search and the ways out share the time limit: the whole
            // solve ends by it.
            let (conflict, conflict_minimal, relaxations) = if opts.batch {
                (Vec::new(), true, Vec::new())
            } else {
                let (conflict, minimal) = minimal_conflict(m, opts.backend, end);
                let budget = left(end);
                let relaxations = if budget.is_some_and(|t| t.is_zero()) {
                    Vec::new()
                } else {
                    relaxations(p, m, &conflict, opts.backend, budget)
                };
                (conflict, minimal, relaxations)
            };
            Ok(Solved {
                status: Status::Infeasible,
                assignment: None,
                conflict,
                relaxations,
                conflict_minimal,
            })
        }
        // Out of time before the solver had an incumbent: the greedy line-up is the best found.
        Err(e) if is_time_limit(&e) => match greedy.or_else(|| greedy::warm_start(p, m)) {
            Some((assignment, _)) => Ok(Solved::found(Status::Feasible, assignment)),
            None => Err(SolveError::NoSolutionInTime),
        },
        Err(e) => {
            tracing::debug!(error = ?e, "solver error");
            Err(SolveError::Solver(e.to_string()))
        }
    }
}

/// One solve of the model: which rows (all when `keep` is `None`), whether to optimise or only
/// test feasibility, a warm start, a time limit.
struct Run<'a> {
    keep: Option<&'a [bool]>,
    optimise: bool,
    warm: Option<&'a [f64]>,
    time_limit: Option<Duration>,
    /// Add the tie-break term (to choose among equally good line-ups).
    tie_break: bool,
    /// Call microlp directly (batch solves), not through good_lp.
    direct: bool,
    /// Stop branch and bound at [`node_limit`] nodes (microlp called directly): the answer is
    /// then `feasible`, not `optimal`.
    capped: bool,
}

/// Most bytes of simplex bases branch and bound may keep: microlp stores the parent's basis
/// (one byte per variable and row) with every open node, and open nodes are at most one more
/// than the nodes solved, so capping the nodes at `NODE_BYTES / (variables + rows)` bounds the
/// tree to about 64 MB, whatever the model (without a cap, 100 partners x 90 roles once grew
/// to 17 GB). Within the bounds below: 18-role line-ups get tens of thousands of nodes, far
/// more than any needs (benches/README.md).
pub const NODE_BYTES: usize = 64 << 20;
/// Fewest and most nodes the cap allows, whatever the model's size.
pub const NODES: (u64, u64) = (1_000, 1_000_000);

/// The node cap of a model: about [`NODE_BYTES`] of stored bases, within [`NODES`].
pub fn node_limit(m: &Milp) -> u64 {
    node_cap(m.vars.len() + m.rows.len())
}

/// The node cap of a model of `width` variables and rows.
fn node_cap(width: usize) -> u64 {
    ((NODE_BYTES / width.max(1)) as u64).clamp(NODES.0, NODES.1)
}

/// Solves with the chosen backend. Returns the variable values and whether optimality was proven.
fn run(m: &Milp, backend: Backend, r: Run) -> Result<(Vec<f64>, bool), ResolutionError> {
    match backend {
        Backend::Microlp if r.direct => optimum::microlp_direct(m, &r),
        Backend::Microlp => run_with(good_lp::microlp, m, r),
        #[cfg(feature = "highs")]
        Backend::Highs => run_with(good_lp::highs, m, r),
    }
}

fn run_with<S>(solver: S, m: &Milp, r: Run) -> Result<(Vec<f64>, bool), ResolutionError>
where
    S: good_lp::Solver,
    S::Model: SolverModel<Error = ResolutionError> + WithTimeLimit + WithInitialSolution,
{
    let started = Instant::now();
    let mut pv = ProblemVariables::new();
    let vars: Vec<Variable> = m
        .vars
        .iter()
        .map(|v| {
            let def = variable().min(v.lb).max(v.ub);
            pv.add(if v.kind == VarKind::Binary {
                def.integer()
            } else {
                def
            })
        })
        .collect();
    let objective: Expression = if r.optimise {
        m.vars
            .iter()
            .zip(&vars)
            .map(|(v, &gv)| (v.obj + if r.tie_break { v.tie } else { 0.0 }) * gv)
            .sum()
    } else {
        Expression::from(0.0)
    };
    let mut model = pv.maximise(objective).using(solver);
    for (i, row) in m.rows.iter().enumerate() {
        if r.keep.is_some_and(|k| !k[i]) {
            continue;
        }
        let expr: Expression = row.terms.iter().map(|&(v, c)| c * vars[v]).sum();
        model.add_constraint(match row.cmp {
            Cmp::Le => expr.leq(row.rhs),
            Cmp::Ge => expr.geq(row.rhs),
            Cmp::Eq => expr.eq(row.rhs),
        });
    }
    if let Some(w) = r.warm {
        model = model.with_initial_solution(vars.iter().copied().zip(w.iter().copied()));
    }
    if let Some(t) = r.time_limit {
        model = model.with_time_limit(t.as_secs_f64());
    }
    let solution = model.solve()?;
    let proven = matches!(solution.status(), good_lp::SolutionStatus::Optimal);
    tracing::debug!(
        ms = started.elapsed().as_secs_f64() * 1e3,
        optimise = r.optimise,
        proven,
        "solver finished"
    );
    Ok((vars.iter().map(|&v| solution.value(v)).collect(), proven))
}

/// Reads who holds and leads what from the solver's values.
fn read_assignment(p: &Problem, m: &Milp, values: &[f64]) -> Assignment {
    let (np, nn) = (p.partners.len(), p.needs.len());
    let mut a = Assignment::empty(np, nn);
    for i in 0..np {
        for j in 0..nn {
            a.holds[i][j] = m.x[i][j].is_some_and(|x| values[x] > 0.5);
        }
    }
    for j in 0..nn {
        let holders = (0..np).filter(|&i| a.holds[i][j]);
        a.lead[j] = holders
            .clone()
            .find(|&i| m.lead[i][j].is_some_and(|y| values[y] > 0.5))
            // A model always names a lead; this keeps the reading total if a solver rounds oddly.
            .or_else(|| {
                holders.max_by(|&x, &y| p.fit[x][j].total_cmp(&p.fit[y][j]).then(y.cmp(&x)))
            });
    }
    a
}

/// Whether the rows `keep` selects (structural rows are always kept) can all hold.
pub fn is_feasible(m: &Milp, keep: &dyn Fn(&crate::model::Row) -> bool, backend: Backend) -> bool {
    let selected: Vec<bool> = m
        .rows
        .iter()
        .map(|r| !r.origin.is_demand() || keep(r))
        .collect();
    let check = Run {
        keep: Some(&selected),
        optimise: false,
        warm: None,
        time_limit: None,
        tie_break: false,
        direct: false,
        capped: false,
    };
    run(m, backend, check).is_ok()
}

/// The model with one demand relaxed: a capacity, a need's maximum or the sector minimum moved
/// by one; a pin, a refusal or a forbidding rule's instance dropped.
pub fn relaxed(m: &Milp, demand: Origin) -> Milp {
    let mut r = m.clone();
    match demand {
        Origin::Capacity(_) | Origin::CoverMax(_) => {
            for row in r.rows.iter_mut().filter(|row| row.origin == demand) {
                row.rhs += 1.0;
            }
        }
        Origin::MinSectors => {
            for row in r.rows.iter_mut().filter(|row| row.origin == demand) {
                row.rhs -= 1.0;
            }
        }
        _ => r.rows.retain(|row| row.origin != demand),
    }
    r
}

/// The objective reached when each conflicting demand alone is relaxed, best first (a relaxation
/// that is not enough on its own comes last).
fn relaxations(
    p: &Problem,
    m: &Milp,
    conflict: &[Origin],
    backend: Backend,
    budget: Option<Duration>,
) -> Vec<(Origin, Option<f64>)> {
    use rayon::prelude::*;
    let mut out: Vec<(Origin, Option<f64>)> = conflict
        .par_iter()
        .map(|&demand| {
            let r = relaxed(m, demand);
            let attempt = Run {
                keep: None,
                optimise: true,
                warm: None,
                time_limit: budget,
                tie_break: true,
                direct: false,
                capped: false,
            };
            let value = run(&r, backend, attempt)
                .ok()
                .map(|(values, _)| p.objective(&read_assignment(p, &r, &values)));
            (demand, value)
        })
        .collect();
    out.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out
}

/// Whether the solver stopped because its time limit ran out.
fn is_time_limit(e: &ResolutionError) -> bool {
    matches!(e, ResolutionError::Other(msg) if msg.contains("Time limit"))
}

/// A deletion filter over the demand groups, by halves: drop a chunk of groups at once and keep
/// them out when the rest is still infeasible; otherwise put them back and try each half. What
/// is left is irreducible: every member was put back because the rest became feasible without
/// it. Irrelevant groups (most of them, in a large line-up) go a whole chunk per solve, so the
/// search needs about `members x log(groups)` solves rather than one per group.
///
/// Every solve gets the time left before `deadline`; when it runs out, the groups not yet tested
/// stay in and the second value is `false` (the set still cannot hold, but may not be minimal).
fn minimal_conflict(m: &Milp, backend: Backend, deadline: Option<Instant>) -> (Vec<Origin>, bool) {
    let mut groups: Vec<Origin> = Vec::new();
    for row in &m.rows {
        if row.origin.is_demand() && !groups.contains(&row.origin) {
            groups.push(row.origin);
        }
    }
    let rows_of: Vec<Vec<usize>> = groups
        .iter()
        .map(|&g| {
            (0..m.rows.len())
                .filter(|&r| m.rows[r].origin == g)
                .collect()
        })
        .collect();
    let mut keep: Vec<bool> = vec![true; m.rows.len()];
    let set = |keep: &mut Vec<bool>, run: &std::ops::Range<usize>, on: bool| {
        for g in run.clone() {
            for &r in &rows_of[g] {
                keep[r] = on;
            }
        }
    };
    let mut members: Vec<usize> = Vec::new();
    // Chunks still to test, the next one last, so groups are tested in order.
    let mut pending: Vec<std::ops::Range<usize>> = Vec::new();
    pending.push(0..groups.len());
    while let Some(chunk) = pending.pop() {
        if chunk.is_empty() {
            continue;
        }
        let time_limit = left(deadline);
        let outcome = if time_limit.is_some_and(|t| t.is_zero()) {
            None
        } else {
            set(&mut keep, &chunk, false);
            let check = Run {
                keep: Some(&keep),
                optimise: false,
                warm: None,
                time_limit,
                tie_break: false,
                direct: false,
                capped: false,
            };
            Some(run(m, backend, check))
        };
        match outcome {
            Some(Err(ResolutionError::Infeasible)) => {}
            Some(Err(e)) if !is_time_limit(&e) => {
                tracing::debug!(error = ?e, "solver error while narrowing a conflict");
                set(&mut keep, &chunk, true);
                split(chunk, &mut pending, &mut members);
            }
            Some(Ok(_)) => {
                set(&mut keep, &chunk, true);
                split(chunk, &mut pending, &mut members);
            }
            // Out of time: what is not yet tested stays in.
            _ => {
                set(&mut keep, &chunk, true);
                members.extend(chunk);
                members.extend(pending.drain(..).flatten());
                members.sort_unstable();
                return (members.iter().map(|&g| groups[g]).collect(), false);
            }
        }
    }
    members.sort_unstable();
    (members.iter().map(|&g| groups[g]).collect(), true)
}

/// A chunk whose removal made the model feasible: a single group is a member; a longer one is
/// tested again by halves (first half first).
fn split(
    chunk: std::ops::Range<usize>,
    pending: &mut Vec<std::ops::Range<usize>>,
    members: &mut Vec<usize>,
) {
    if chunk.len() == 1 {
        members.push(chunk.start);
        return;
    }
    let mid = chunk.start + chunk.len() / 2;
    pending.push(mid..chunk.end);
    pending.push(chunk.start..mid);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_cap_keeps_stored_bases_near_64_mb_within_its_bounds() {
        assert_eq!(node_cap(0), NODES.1);
        assert_eq!(node_cap(20), NODES.1);
        // 100 partners x 90 roles: tens of thousands of variables and rows.
        assert_eq!(node_cap(40_000), (NODE_BYTES / 40_000) as u64);
        assert!(node_cap(40_000) * 40_000 <= NODE_BYTES as u64);
        assert_eq!(node_cap(1_000_000), NODES.0);
    }

    #[test]
    fn envelope_rows_by_size_only_past_the_shipped_catalogue() {
        assert!(!Tighten::Auto.applies(18));
        assert!(!Tighten::Auto.applies(TIGHTEN_ABOVE_NEEDS));
        assert!(Tighten::Auto.applies(TIGHTEN_ABOVE_NEEDS + 1));
        assert!(Tighten::Always.applies(1));
        assert!(!Tighten::Never.applies(90));
        for &(name, t) in Tighten::NAMES {
            assert_eq!(Tighten::from_name(name), Some(t));
        }
        assert_eq!(Tighten::from_name("sometimes"), None);
    }
}
