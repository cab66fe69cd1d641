//! The optimal objective of a model, as fast as the backend allows: what valuing thousands of
//! coalitions needs, where only the value counts and no line-up is shown.
//!
//! Unlike [`super::solve`] this leaves out the tie-break term (it only chooses among line-ups of
//! equal value), the greedy seed (the branch and bound finds an incumbent as fast; measured on
//! generated 12 x 18 consortia, seeding with the best sub-coalition's line-up saved under 3% of
//! the nodes) and the conflict search. With microlp it also skips good_lp: building good_lp's
//! expressions took about a seventh of each small solve.

use super::{Backend, Run, SolveError, is_time_limit, read_assignment, run};
use crate::model::{Assignment, Cmp, Milp, Problem, VarKind};
use good_lp::ResolutionError;
use std::time::{Duration, Instant};

/// The best line-up of a model and its objective (`Problem::objective`, without tie-break).
#[derive(Debug, Clone)]
pub struct Optimum {
    /// The optimal objective (`Problem::objective`, without the tie-break term).
    pub value: f64,
    /// A line-up reaching that objective.
    pub assignment: Assignment,
}

/// Solves a model to optimality; `Ok(None)` when its hard constraints contradict each other,
/// [`SolveError::OutOfTime`] when `deadline` passes before the optimum is proven.
pub fn optimum(
    p: &Problem,
    m: &Milp,
    backend: Backend,
    deadline: Option<Instant>,
) -> Result<Option<Optimum>, SolveError> {
    let time_limit = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    if time_limit.is_some_and(|t| t.is_zero()) {
        return Err(SolveError::OutOfTime);
    }
    let once = Run {
        keep: None,
        optimise: true,
        warm: None,
        time_limit,
        tie_break: false,
        direct: true,
        // Coalition values must be proven: no node cap.
        capped: false,
    };
    match lean(p, m, backend, once) {
        Ok(Some((optimum, true))) => Ok(Some(optimum)),
        Ok(Some((_, false))) | Err(SolveError::NoSolutionInTime) => Err(SolveError::OutOfTime),
        other => other.map(|found| found.map(|(optimum, _)| optimum)),
    }
}

/// The line-up [`super::solve`] would recommend for a variation of a model (another objective,
/// a pair forbidden), with the tie-break term, on the lean path: what re-optimising a line-up
/// many times (`crate::robust`) needs. A warm start (the model's values for a line-up; ignored
/// if it breaks a row) gives the search an incumbent. `Ok(None)` when the hard constraints
/// contradict each other, [`SolveError::NoSolutionInTime`] when the time limit ran out before
/// any line-up was found; the flag says whether the line-up was proven best.
pub fn best(
    p: &Problem,
    m: &Milp,
    backend: Backend,
    warm: Option<&[f64]>,
    time_limit: Option<Duration>,
) -> Result<Option<(Optimum, bool)>, SolveError> {
    let once = Run {
        keep: None,
        optimise: true,
        warm,
        time_limit,
        tie_break: true,
        direct: true,
        capped: true,
    };
    lean(p, m, backend, once)
}

/// One solve on the direct path, read as a line-up and valued by `Problem::objective`.
fn lean(
    p: &Problem,
    m: &Milp,
    backend: Backend,
    r: Run,
) -> Result<Option<(Optimum, bool)>, SolveError> {
    match run(m, backend, r) {
        Ok((values, proven)) => {
            let assignment = read_assignment(p, m, &values);
            let optimum = Optimum {
                value: p.objective(&assignment),
                assignment,
            };
            Ok(Some((optimum, proven)))
        }
        Err(ResolutionError::Infeasible) => Ok(None),
        Err(e) if is_time_limit(&e) => Err(SolveError::NoSolutionInTime),
        Err(e) => Err(SolveError::Solver(e.to_string())),
    }
}

/// microlp without good_lp's expression layer: the same model, row for row, with the rows,
/// objective, warm start and time limit a [`Run`] asks for. Returns the values and whether
/// optimality was proven.
pub(super) fn microlp_direct(m: &Milp, r: &Run) -> Result<(Vec<f64>, bool), ResolutionError> {
    microlp_starting(m, r, starts_low(m))
}

/// [`microlp_direct`], started at the lower bounds or not as `lower` says.
fn microlp_starting(m: &Milp, r: &Run, lower: bool) -> Result<(Vec<f64>, bool), ResolutionError> {
    let mut problem = microlp_problem(lower);
    let vars: Vec<microlp::Variable> = m
        .vars
        .iter()
        .map(|v| {
            let obj = if !r.optimise {
                0.0
            } else if r.tie_break {
                v.obj + v.tie
            } else {
                v.obj
            };
            match v.kind {
                // Binary bounds are 0 or 1 by construction.
                VarKind::Binary => problem.add_integer_var(obj, (v.lb as i32, v.ub as i32)),
                VarKind::Continuous => problem.add_var(obj, (v.lb, v.ub)),
            }
        })
        .collect();
    add_rows(&mut problem, &vars, m, r.keep);
    let mut options = microlp::SolveOptions::default();
    options.time_limit = r.time_limit;
    if r.capped {
        options.node_limit = Some(super::node_limit(m));
    }
    options.warm_start = r
        .warm
        .map(|w| vars.iter().copied().zip(w.iter().copied()).collect());
    let solution = problem
        .solve_with(options)
        .map_err(|e| match e {
            microlp::Error::Infeasible => ResolutionError::Infeasible,
            microlp::Error::Unbounded => ResolutionError::Unbounded,
            other => ResolutionError::Str(other.to_string()),
        })?
        .into_solution()
        // The same words good_lp uses, so a time limit is recognised either way.
        .map_err(|_| {
            ResolutionError::Other("Time limit reached before finding a feasible solution")
        })?;
    let proven = solution.status() == microlp::SolutionStatus::Optimal;
    let stats = solution.stats();
    tracing::debug!(
        nodes = stats.nodes_solved,
        pivots = stats.lp_iterations,
        ms = stats.elapsed.as_secs_f64() * 1e3,
        proven,
        "microlp finished"
    );
    Ok((
        vars.iter().map(|&v| solution.var_value(v)).collect(),
        proven,
    ))
}

/// Models with more variables than this start the simplex from every variable at its lower
/// bound (nobody holds anything) rather than where the objective pulls it (everybody holds
/// everything, far from feasible): from about 50 partners x 18 roles on, the root needs a
/// roughly constant 150 pivots instead of 6 per partner (300 x 18: 1,814 pivots, 18 ms, down
/// to 156 pivots, 4 ms; 300 x 90: 9,224 to 1,157). Below it the default start is faster
/// (12 x 18: 61 pivots against 129). benches/README.md has the measurements.
pub const LOWER_START_ABOVE_VARS: usize = 500;

/// Whether the simplex starts `m` at the lower bounds ([`LOWER_START_ABOVE_VARS`]).
pub(super) fn starts_low(m: &Milp) -> bool {
    m.vars.len() > LOWER_START_ABOVE_VARS
}

/// An empty maximisation, started at the lower bounds when `lower`.
pub(super) fn microlp_problem(lower: bool) -> microlp::Problem {
    let mut problem = microlp::Problem::new(microlp::OptimizationDirection::Maximize);
    problem.set_start_at_lower_bounds(lower);
    problem
}

/// The rows of `m` (those `keep` marks, or all) as microlp constraints on `vars`.
pub(super) fn add_rows(
    problem: &mut microlp::Problem,
    vars: &[microlp::Variable],
    m: &Milp,
    keep: Option<&[bool]>,
) {
    for (i, row) in m.rows.iter().enumerate() {
        if keep.is_some_and(|k| !k[i]) {
            continue;
        }
        let mut expr = microlp::LinearExpr::empty();
        for &(v, c) in &row.terms {
            expr.add(vars[v], c);
        }
        let op = match row.cmp {
            Cmp::Le => microlp::ComparisonOp::Le,
            Cmp::Ge => microlp::ComparisonOp::Ge,
            Cmp::Eq => microlp::ComparisonOp::Eq,
        };
        problem.add_constraint(expr, op, row.rhs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{kb, line_up};

    /// The same optimum from either start, on consortia on both sides of the threshold.
    #[test]
    fn the_lower_bound_start_reaches_the_same_optimum() {
        let kb = kb();
        for (partners, seed) in [(12, 1), (40, 2), (80, 3), (120, 4)] {
            let text =
                crate::generate::consortium(&kb, &crate::generate::Spec::new(partners, 18, seed));
            let p = Problem::new(&kb, &line_up(&kb, &text));
            let m = crate::model::build(&p);
            let run = Run {
                keep: None,
                optimise: true,
                warm: None,
                time_limit: None,
                tie_break: true,
                direct: true,
                capped: false,
            };
            let with_tie = |values: &[f64]| -> f64 {
                m.vars
                    .iter()
                    .zip(values)
                    .map(|(v, x)| (v.obj + v.tie) * x)
                    .sum()
            };
            let (usual, proven) = microlp_starting(&m, &run, false).expect("it solves");
            let (lower, lower_proven) = microlp_starting(&m, &run, true).expect("it solves");
            assert!(proven && lower_proven, "{partners} partners");
            assert!(
                (with_tie(&usual) - with_tie(&lower)).abs() < 1e-9,
                "{partners} partners: {} against {}",
                with_tie(&usual),
                with_tie(&lower)
            );
            assert_eq!(
                read_assignment(&p, &m, &usual),
                read_assignment(&p, &m, &lower),
                "{partners} partners"
            );
        }
    }
}
