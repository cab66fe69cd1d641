//! Re-optimising a line-up from the previous optimum instead of from scratch: what the
//! robustness assessment needs, one variation of the same model per held role (a pair
//! forbidden) and per sample (other objective coefficients).
//!
//! A [`Relaxation`] is the model's linear relaxation (binaries between 0 and 1, with the
//! tie-break term), solved once with microlp. A variation starts from a copy of that optimal
//! basis: forbidding a pair fixes its columns to 0 (dual simplex, microlp's `fix_var`), new
//! objective coefficients keep the basis primal feasible (primal simplex, the vendored
//! `set_objective`, vendor/microlp/PATCH.md). Either takes a few pivots where a solve from the
//! slack basis takes hundreds. A sample of a small model re-solves first on a dense tableau of
//! the optimal basis ([`super::tableau`]): the same primal simplex, cheaper per pivot.
//!
//! A variation's line-up is taken from its relaxation only when the relaxation proves it the
//! line-up any exact solve finds (a relaxation left fractional by clashing roles is first cut,
//! [`super::cuts`]: the cuts hold for every line-up, so it is still a relaxation):
//!
//! - the relaxation's optimum (with the tie-break term) is integral, so it is the best line-up
//!   with the tie-break: no line-up is worth more than the relaxation's optimum;
//! - it is a sharp optimum: re-priced with every binary pushed away from its value there by
//!   [`SHARP`], the relaxation's optimum is the same point, so every other point of the
//!   relaxation, integral or fractional, is worth at least `SHARP` less per binary that
//!   differs.
//!
//! A sharp optimum is the relaxation's only optimum by more than microlp's tolerance, so a full
//! solve's root finds the same integral point and stops there. Line-ups that tie in value and in
//! tie-break (two partners of the same evidence swapping roles), or that only the smallest steps
//! of the tie-break tell apart in a large consortium, are not sharp: branch and bound decides
//! those ([`best`](super::best) in full), as it always has. Ties in real value that the
//! tie-break orders clearly (stated evidence, or id order among a few dozen partners) are
//! settled here. `tests/robust_warm.rs` compares both ways on every shipped scenario and on
//! generated consortia.

use super::cuts::ClashCuts;
use super::tableau::Tableau;
use super::{Optimum, read_assignment};
use crate::model::{Assignment, Milp, Problem, VarKind};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Distance from 0 or 1 within which a binary's value in the relaxation counts as integral.
/// Vertices of these models are 0, 1 or fractions like 1/2, far from it either way.
const INTEGRAL: f64 = 1e-7;

/// How far a variation's optimum must stand above every other point of its relaxation, per
/// binary that differs, for the relaxation to settle it (see the module docs): three times
/// microlp's optimality tolerance (1e-10), so no solve stops short of it. Handing a role from
/// one partner to another changes two binaries (four with its lead), so the tie-break alone
/// settles it when its step between the two is above 6e-10 (1.2e-9): stated evidence (about
/// 1e-8 a percent), id order between neighbours among up to a dozen partners (7.6e-10). Ties
/// finer than that go to a full solve, which orders them as it always has.
const SHARP: f64 = 3e-10;

/// Most line-ups a sample's relaxation is pushed away from in turn before it is re-solved
/// plainly (see [`Relaxation::reprice`]): two line-ups of nearly the same worth could take
/// turns forever.
const PUSHES: usize = 3;

/// Most rounds of cuts ([`super::cuts`]) added to a fractional optimum before it is left to a
/// full solve. drift-pressure needs one.
const CUT_ROUNDS: usize = 4;

/// A model's linear relaxation at its optimum, ready to be varied.
pub struct Relaxation {
    solution: microlp::Solution,
    /// The variables' values at the optimum (binaries exactly 0 or 1).
    values: Vec<f64>,
    columns: Columns,
    /// The optimum as a dense tableau, for a small model: samples re-solve on it first
    /// ([`super::tableau`]). Built when the first sample asks: a solve that is not assessed
    /// never needs it.
    tableau: OnceLock<Option<Tableau>>,
    /// Each variable's real objective coefficient and tie-break coefficient.
    obj: Vec<f64>,
    tie: Vec<f64>,
    /// Variations settled by the relaxation, and those left to a full solve.
    settled: AtomicUsize,
    missed: AtomicUsize,
    /// Of the settled ones, those the tableau settled.
    on_tableau: AtomicUsize,
}

/// The relaxation's variables: the microlp variable of each of the model's, which are binary,
/// and the cuts that may tighten them.
struct Columns {
    vars: Vec<microlp::Variable>,
    binary: Vec<bool>,
    /// Where the model's clashes and capacities leave fractional optima to cut off, found at
    /// the first fractional optimum (most relaxations never meet one).
    cuts: OnceLock<ClashCuts>,
    /// Cuts added, to the relaxation itself and to its variations.
    added: AtomicUsize,
}

impl Relaxation {
    /// The relaxation of `m` with the tie-break term, solved; `None` when it has no optimum
    /// (infeasible), the time limit stopped it, or its optimum is fractional even with the
    /// cuts of `solve::cuts`: then its variations would seldom be settled either, and trying
    /// would only add to their full solves.
    pub fn new(m: &Milp, time_limit: Option<Duration>) -> Option<Relaxation> {
        let mut problem = super::optimum::microlp_problem(super::optimum::starts_low(m));
        let columns = Columns {
            vars: m
                .vars
                .iter()
                .map(|v| problem.add_var(v.obj + v.tie, (v.lb, v.ub)))
                .collect(),
            binary: m.vars.iter().map(|v| v.kind == VarKind::Binary).collect(),
            cuts: OnceLock::new(),
            added: AtomicUsize::new(0),
        };
        super::optimum::add_rows(&mut problem, &columns.vars, m, None);
        let mut options = microlp::SolveOptions::default();
        options.time_limit = time_limit;
        let solution = problem.solve_with(options).ok()?.into_solution().ok()?;
        let (mut solution, values) = columns.cut(m, solution)?;
        // Every variation copies this solution and pivots a few times: with the basis freshly
        // factorised, those pivots extend the factorisation instead of redoing it.
        solution.refactor().ok()?;
        Some(Relaxation {
            tableau: OnceLock::new(),
            solution,
            values: values?,
            columns,
            obj: m.vars.iter().map(|v| v.obj).collect(),
            tie: m.vars.iter().map(|v| v.tie).collect(),
            settled: AtomicUsize::new(0),
            missed: AtomicUsize::new(0),
            on_tableau: AtomicUsize::new(0),
        })
    }

    /// The best line-up of the model itself, if the relaxation settles it (see the module
    /// docs): then it is the line-up any exact solve finds, proven best without branch and
    /// bound. `None`: solve it in full.
    pub fn optimum(&self, p: &Problem, m: &Milp) -> Option<Optimum> {
        self.settle(p, m, self.solution.clone())
    }

    /// The best line-up of the model with the variables `forbidden` held at 0, if the
    /// relaxation settles it (see the module docs); `None`: solve it in full.
    pub fn forbid(&self, p: &Problem, m: &Milp, forbidden: &[usize]) -> Option<Optimum> {
        let fixed = forbidden
            .iter()
            .try_fold(self.solution.clone(), |solution, &v| {
                solution
                    .fix_var(self.columns.vars[v], 0.0)
                    .ok()?
                    .into_solution()
                    .ok()
            });
        self.counted(fixed.and_then(|solution| self.settle(p, m, solution)))
    }

    /// The line-up of a re-solved copy of the relaxation (the real objective, with the
    /// tie-break), if it settles it.
    fn settle(&self, p: &Problem, m: &Milp, solution: microlp::Solution) -> Option<Optimum> {
        let with_tie = self.with_tie(&self.obj);
        let (assignment, _) = self.unique(p, m, solution, &with_tie)?;
        Some(Optimum {
            value: p.objective(&assignment),
            assignment,
        })
    }

    /// The best line-up of the model with real objective coefficients `obj` (the tie-break
    /// term is added), if the relaxation settles it; `None`: solve it in full. Only the line-up
    /// (a sample asks who holds what, not what it is worth), with the relaxation's values
    /// there, which the caller may pass back in `known` for later samples.
    ///
    /// Most samples end on the recommended line-up or on one an earlier sample ended on
    /// (`known`): re-priced already pushed away from the likeliest of those (the best of them
    /// under `obj`), a relaxation that still ends there proves it the sharp optimum in one
    /// re-solve instead of two; one that ends on another line-up is pushed away from that one
    /// next, one re-solve more.
    pub fn reprice(
        &self,
        p: &Problem,
        m: &Milp,
        obj: &[f64],
        known: &[Vec<f64>],
    ) -> Option<(Assignment, Vec<f64>)> {
        let with_tie = self.with_tie(obj);
        let worth = |v: &[f64]| -> f64 { v.iter().zip(&with_tie).map(|(x, c)| x * c).sum() };
        let (likely, _) = known.iter().map(Vec::as_slice).fold(
            (self.values.as_slice(), worth(&self.values)),
            |(best, most), v| {
                let w = worth(v);
                if w > most { (v, w) } else { (best, most) }
            },
        );
        if let Some(values) = self.reprice_dense(m, &with_tie, likely) {
            self.on_tableau.fetch_add(1, Ordering::Relaxed);
            return self.counted(Some((read_assignment(p, m, &values), values)));
        }
        // A relaxation that ends on the line-up it was pushed away from proves it the sharp
        // optimum; one that ends on another line-up is pushed away from that one in turn.
        let mut guess = likely.to_vec();
        let mut solution = self.solution.clone();
        for _ in 0..PUSHES {
            solution = solution
                .set_objective(&self.pushed(&with_tie, &guess))
                .ok()?
                .into_solution()
                .ok()?;
            let (cut, values) = self.columns.cut(m, solution)?;
            solution = cut;
            let Some(values) = values else {
                break;
            };
            if self.same_binaries(&values, &guess) {
                return self.counted(Some((read_assignment(p, m, &values), values)));
            }
            guess = values;
        }
        let solution = solution
            .set_objective(&with_tie)
            .ok()?
            .into_solution()
            .ok()?;
        self.counted(self.unique(p, m, solution, &with_tie))
    }

    /// [`Relaxation::reprice`]'s pushes on the dense tableau, when there is one: the values of
    /// the line-up they prove the sharp optimum; `None` leaves the sample to microlp (no
    /// tableau, a fractional optimum, which microlp's path cuts, or no answer in
    /// [`PUSHES`]).
    fn reprice_dense(&self, m: &Milp, with_tie: &[f64], likely: &[f64]) -> Option<Vec<f64>> {
        let tableau = self
            .tableau
            .get_or_init(|| Tableau::new(m, &self.solution, &self.columns.vars));
        let mut run = tableau.as_ref()?.start();
        let mut guess = likely.to_vec();
        for _ in 0..PUSHES {
            let values = self.columns.rounded(
                run.maximise(&self.pushed(with_tie, &guess))?
                    .iter()
                    .copied(),
            )?;
            if self.same_binaries(&values, &guess) {
                return Some(values);
            }
            guess = values;
        }
        None
    }

    /// Whether the line-up at `values` (as [`Relaxation::reprice`] returns them) is neither
    /// the relaxation's own nor one in `known`: worth remembering for later samples.
    pub fn is_new(&self, known: &[Vec<f64>], values: &[f64]) -> bool {
        std::iter::once(&self.values)
            .chain(known)
            .all(|k| !self.same_binaries(k, values))
    }

    /// Real coefficients plus the tie-break term.
    fn with_tie(&self, obj: &[f64]) -> Vec<f64> {
        obj.iter().zip(&self.tie).map(|(c, t)| c + t).collect()
    }

    /// Coefficients `with_tie` with every binary pushed away from its value in `values` by
    /// [`SHARP`].
    fn pushed(&self, with_tie: &[f64], values: &[f64]) -> Vec<f64> {
        with_tie
            .iter()
            .zip(values)
            .zip(&self.columns.binary)
            .map(|((&c, &x), &binary)| {
                if binary {
                    c - SHARP * (2.0 * x - 1.0)
                } else {
                    c
                }
            })
            .collect()
    }

    /// Whether two points of the relaxation agree on every binary.
    fn same_binaries(&self, x: &[f64], y: &[f64]) -> bool {
        x.iter()
            .zip(y)
            .zip(&self.columns.binary)
            .all(|((x, y), &binary)| !binary || x == y)
    }

    /// The line-up of a solved variation (objective coefficients `with_tie`) and its values
    /// if it is integral and a sharp optimum: still the optimum with every binary pushed away
    /// from its value there by [`SHARP`].
    fn unique(
        &self,
        p: &Problem,
        m: &Milp,
        solution: microlp::Solution,
        with_tie: &[f64],
    ) -> Option<(Assignment, Vec<f64>)> {
        let (solution, values) = self.columns.cut(m, solution)?;
        let values = values?;
        let pushed = self.pushed(with_tie, &values);
        let (_, again) = self.columns.cut(
            m,
            solution.set_objective(&pushed).ok()?.into_solution().ok()?,
        )?;
        self.same_binaries(&values, &again?)
            .then(|| (read_assignment(p, m, &values), values))
    }

    fn counted<T>(&self, found: Option<T>) -> Option<T> {
        let counter = if found.is_some() {
            &self.settled
        } else {
            &self.missed
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Variations settled by the relaxation so far, and those it left to a full solve.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.settled.load(Ordering::Relaxed),
            self.missed.load(Ordering::Relaxed),
        )
    }

    /// Variations settled on the dense tableau so far ([`super::tableau`]): how many of
    /// [`Relaxation::counts`]'s settled ones never reached microlp.
    pub fn on_tableau(&self) -> usize {
        self.on_tableau.load(Ordering::Relaxed)
    }

    /// Cuts added so far (`solve::cuts`), to the relaxation itself and to its variations.
    pub fn cuts(&self) -> usize {
        self.columns.added.load(Ordering::Relaxed)
    }
}

impl Columns {
    /// `solution` with the cuts it breaks added ([`super::cuts`], at most [`CUT_ROUNDS`]
    /// rounds), and its values if that makes its optimum integral ([`Columns::integral`]);
    /// `None` if microlp fails on a cut.
    fn cut(
        &self,
        m: &Milp,
        mut solution: microlp::Solution,
    ) -> Option<(microlp::Solution, Option<Vec<f64>>)> {
        for round in 0..=CUT_ROUNDS {
            if let Some(values) = self.integral(&solution) {
                return Some((solution, Some(values)));
            }
            let cuts = self.cuts.get_or_init(|| ClashCuts::new(m));
            if round == CUT_ROUNDS
                || cuts.is_empty()
                || solution.status() != microlp::SolutionStatus::Optimal
            {
                break;
            }
            let at: Vec<f64> = self
                .vars
                .iter()
                .map(|&v| solution.var_value_raw(v))
                .collect();
            let cuts = cuts.separate(&at);
            if cuts.is_empty() {
                break;
            }
            self.added.fetch_add(cuts.len(), Ordering::Relaxed);
            for cut in cuts {
                let terms = cut.terms.iter().map(|&(v, c)| (self.vars[v], c));
                solution = solution
                    .add_constraint(terms, microlp::ComparisonOp::Le, cut.rhs)
                    .ok()?
                    .into_solution()
                    .ok()?;
            }
        }
        Some((solution, None))
    }

    /// The values of an optimal relaxation whose binaries are all 0 or 1 (rounded to it).
    fn integral(&self, s: &microlp::Solution) -> Option<Vec<f64>> {
        if s.status() != microlp::SolutionStatus::Optimal {
            return None;
        }
        self.rounded(self.vars.iter().map(|&v| s.var_value_raw(v)))
    }

    /// `values`, one per variable, with every binary rounded to 0 or 1; `None` if one is
    /// further than [`INTEGRAL`] from both.
    fn rounded(&self, values: impl Iterator<Item = f64>) -> Option<Vec<f64>> {
        values
            .zip(&self.binary)
            .map(|(x, &binary)| {
                if !binary {
                    return Some(x);
                }
                let r = x.round();
                ((x - r).abs() <= INTEGRAL).then_some(r)
            })
            .collect()
    }
}
