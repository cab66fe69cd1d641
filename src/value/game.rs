//! The coalition game of a line-up: the worth of any group of its partners is the optimum of
//! the line-up restricted to them (the objective `rolefit solve` reports).
//!
//! The rules are matched once, for everybody ([`Problem::new`]); each coalition's problem is
//! then cut out of it ([`Problem::restrict`]), which gives exactly the problem a from-scratch
//! solve of the smaller line-up would build, so the worth is the value `rolefit solve` would
//! report for it.

use super::ValueError;
use crate::model::{self, Problem};
use crate::solve::{self, Backend};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A line-up seen as a cooperative game among its partners (canonical, id order).
pub struct Game<'k> {
    problem: Problem<'k>,
    backend: Backend,
    /// Partners that change nothing wherever they are: no role open to them and no rule that
    /// prices their mere presence. Their worth added to any coalition is exactly zero.
    inert: Vec<bool>,
    empty: f64,
    solves: AtomicUsize,
    infeasible: AtomicUsize,
}

impl<'k> Game<'k> {
    /// The game of a problem. Fails when the full line-up has no solution satisfying the hard
    /// constraints (then no coalition value means anything); values the empty coalition.
    pub fn new(problem: Problem<'k>, backend: Backend) -> Result<Game<'k>, ValueError> {
        let milp = model::build(&problem);
        let inert = (0..problem.partners.len())
            .map(|i| is_inert(&problem, &milp, i))
            .collect();
        let mut game = Game {
            problem,
            backend,
            inert,
            empty: 0.0,
            solves: AtomicUsize::new(0),
            infeasible: AtomicUsize::new(0),
        };
        let everyone = vec![true; game.players()];
        if game.solve(&everyone)?.is_none() {
            return Err(ValueError::Infeasible {
                scenario: game.problem.scenario.clone(),
            });
        }
        game.empty =
            game.solve(&vec![false; game.players()])?
                .ok_or_else(|| ValueError::Infeasible {
                    scenario: game.problem.scenario.clone(),
                })?;
        Ok(game)
    }

    pub fn problem(&self) -> &Problem<'k> {
        &self.problem
    }

    /// Number of partners (players), in the problem's canonical order.
    pub fn players(&self) -> usize {
        self.problem.partners.len()
    }

    pub fn is_inert(&self, i: usize) -> bool {
        self.inert[i]
    }

    /// The worth of nobody: every needed role a gap.
    pub fn empty_value(&self) -> f64 {
        self.empty
    }

    /// Line-ups solved so far.
    pub fn solves(&self) -> usize {
        self.solves.load(Ordering::Relaxed)
    }

    /// Coalitions solved so far that had no line-up satisfying the hard constraints.
    pub fn infeasible(&self) -> usize {
        self.infeasible.load(Ordering::Relaxed)
    }

    /// The worth of the partners with `members[i]`. A coalition whose hard constraints
    /// contradict each other (only possible with forbidding rules about partners' presence,
    /// such as `Idle` or `Diversity`) cannot act together: it is worth what nobody is.
    pub fn worth(&self, members: &[bool]) -> Result<f64, ValueError> {
        match self.solve(members)? {
            Some(v) => Ok(v),
            None => {
                self.infeasible.fetch_add(1, Ordering::Relaxed);
                Ok(self.empty)
            }
        }
    }

    fn solve(&self, members: &[bool]) -> Result<Option<f64>, ValueError> {
        // Inert partners leave the problem unchanged; leaving them out makes it smaller.
        let keep: Vec<bool> = members
            .iter()
            .zip(&self.inert)
            .map(|(&m, &inert)| m && !inert)
            .collect();
        let p = self.problem.restrict(&keep);
        let m = model::build(&p);
        self.solves.fetch_add(1, Ordering::Relaxed);
        Ok(solve::optimum(&p, &m, self.backend)?.map(|o| o.value))
    }
}

/// Whether partner `i` can never change a coalition's worth: no holding variable in the model
/// (every role blocked and none pinned), and no `Idle` rule pricing or forbidding its mere
/// presence. Every other kind of rule instance measures roles held, so it stays at zero.
fn is_inert(p: &Problem, m: &model::Milp, i: usize) -> bool {
    if m.x[i].iter().any(Option::is_some) {
        return false;
    }
    !p.instances.iter().any(|inst| {
        let effect = &p.kb.rule(inst.rule).effect;
        inst.subject == model::Subject::Idle { partner: i }
            && (effect.forbid || effect.weight() != 0.0)
    })
}
