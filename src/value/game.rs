//! The coalition game of a line-up: the worth of any group of its partners is the optimum of
//! the line-up restricted to them (the objective `rolefit solve` reports).
//!
//! The rules are matched once, for everybody ([`Problem::new`]); each coalition's problem is
//! then cut out of it ([`Problem::restrict`]), which gives exactly the problem a from-scratch
//! solve of the smaller line-up would build, so the worth is the value `rolefit solve` would
//! report for it.
//!
//! One solve can also settle many coalitions. When the best line-up of a coalition `S` leaves
//! some partners idle, every coalition between the partners it uses (`U`) and `S` is worth
//! exactly as much, provided the idle partners change nothing by being there: no pins, no rule
//! pricing their idleness, and no change in the minimum number of sectors. Then the line-up of
//! `S` is feasible, with the same objective, for any such coalition `S'` (so `v(S') >= v(S)`),
//! and the best line-up of `S'` is feasible, with the same objective, for `S` (so
//! `v(S') <= v(S)`). See [`Game::settles`].

use super::ValueError;
use crate::kb::SectorIx;
use crate::model::{self, Problem, Subject};
use crate::solve::{self, Backend};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The worth of a coalition and who holds a role in the best line-up found for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Worth {
    pub value: f64,
    /// Per player; all members when the coalition has no feasible line-up.
    pub used: Vec<bool>,
}

/// A line-up seen as a cooperative game among its partners (canonical, id order).
pub struct Game<'k> {
    /// Every coalition solve ends by this instant (`--time-limit`); a worth not proven by then
    /// is [`ValueError::OutOfTime`].
    deadline: Option<Instant>,
    problem: Problem<'k>,
    backend: Backend,
    /// Partners that change nothing wherever they are: no role open to them, no rule that
    /// prices their mere presence, and no money of theirs or through them. Their worth added
    /// to any coalition is exactly zero.
    inert: Vec<bool>,
    /// Partners whose presence without a role changes nothing: no pins, no `Idle` or `Unmet`
    /// rule, no money.
    quiet_when_idle: Vec<bool>,
    /// The sector of each partner that can take some role (what the sector minimum counts).
    able_sector: Vec<Option<SectorIx>>,
    grand: Worth,
    empty: f64,
    solves: AtomicUsize,
    infeasible: AtomicUsize,
}

impl<'k> Game<'k> {
    /// The game of a problem. Fails when the full line-up has no solution satisfying the hard
    /// constraints (then no coalition value means anything); values the full and the empty
    /// coalitions. Every solve ends by `deadline`.
    pub fn new(
        mut problem: Problem<'k>,
        backend: Backend,
        deadline: Option<Instant>,
    ) -> Result<Game<'k>, ValueError> {
        // Every coalition's model inherits the envelope rows: computed once, they save branch
        // and bound nodes thousands of times.
        problem.tighten();
        let milp = model::build(&problem);
        let n = problem.partners.len();
        // A rule that prices a partner's presence without roles: `Idle`, or an `Unmet` wish
        // (a partner that asked for a role counts its wish whether or not it holds anything).
        let idle_rule = |i: usize| {
            problem.instances.iter().any(|inst| {
                let effect = &problem.kb.rule(inst.rule).effect;
                let presence = match inst.subject {
                    Subject::Idle { partner } | Subject::Unmet { partner, .. } => partner == i,
                    _ => false,
                };
                presence && (effect.is_forbid() || effect.weight() != 0.0)
            })
        };
        // A partner whose money finances a role matters whether or not it holds one.
        let moves_money = |i: usize| problem.money.moves_money(&problem.partners, i);
        let inert = (0..n)
            .map(|i| milp.x[i].iter().all(Option::is_none) && !idle_rule(i) && !moves_money(i))
            .collect();
        let quiet_when_idle = (0..n)
            .map(|i| {
                !idle_rule(i) && !problem.pins.iter().any(|&(p, _, _)| p == i) && !moves_money(i)
            })
            .collect();
        // The same test as `Problem::require_sectors`.
        let able_sector = (0..n)
            .map(|i| {
                let p = &problem.partners[i];
                (p.capacity > 0 && problem.blocked[i].iter().any(Option::is_none))
                    .then_some(p.sector)
            })
            .collect();
        let mut game = Game {
            problem,
            backend,
            deadline,
            inert,
            quiet_when_idle,
            able_sector,
            grand: Worth {
                value: 0.0,
                used: Vec::new(),
            },
            empty: 0.0,
            solves: AtomicUsize::new(0),
            infeasible: AtomicUsize::new(0),
        };
        let infeasible = || ValueError::Infeasible {
            scenario: game.problem.scenario.clone(),
        };
        let setup = |e: ValueError| e.during(super::Stage::Setup);
        let grand = game
            .solve(&vec![true; n])
            .map_err(setup)?
            .ok_or_else(infeasible)?;
        let empty = game
            .solve(&vec![false; n])
            .map_err(setup)?
            .ok_or_else(infeasible)?;
        game.grand = grand;
        game.empty = empty.value;
        Ok(game)
    }

    /// The problem the game values: the full line-up's, with its envelope rows, partners in id
    /// order.
    pub fn problem(&self) -> &Problem<'k> {
        &self.problem
    }

    /// The instant every coalition solve must end by (`--time-limit`); `None`: no limit.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Number of partners (players), in the problem's canonical order.
    pub fn players(&self) -> usize {
        self.problem.partners.len()
    }

    /// Whether player `i` is inert: it changes no coalition's worth, so its values are exactly
    /// zero.
    pub fn is_inert(&self, i: usize) -> bool {
        self.inert[i]
    }

    /// The worth of everybody, and who holds a role in its best line-up.
    pub fn grand(&self) -> &Worth {
        &self.grand
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

    /// The worth of the partners with `members[i]`.
    pub fn worth(&self, members: &[bool]) -> Result<f64, ValueError> {
        Ok(self.worth_used(members)?.value)
    }

    /// The worth of a coalition and who holds a role in its best line-up. A coalition whose
    /// hard constraints contradict each other (only possible with forbidding rules about
    /// partners' presence, such as `Idle` or `Diversity`) cannot act together: it is worth what
    /// nobody is, and settles nothing else.
    pub fn worth_used(&self, members: &[bool]) -> Result<Worth, ValueError> {
        match self.solve(members)? {
            Some(w) => Ok(w),
            None => {
                self.infeasible.fetch_add(1, Ordering::Relaxed);
                Ok(Worth {
                    value: self.empty,
                    used: members.to_vec(),
                })
            }
        }
    }

    /// Whether the worth of coalition `members`, whose best line-up uses only `used`, is also
    /// the worth of every coalition between `used` and `members` (see the module docs).
    pub fn settles(&self, members: &[bool], used: &[bool]) -> bool {
        let idle_are_quiet = (0..self.players())
            .filter(|&i| members[i] && !used[i])
            .all(|i| self.quiet_when_idle[i]);
        idle_are_quiet && self.min_sectors(used) == self.min_sectors(members)
    }

    /// The minimum of sectors a coalition's line-up must draw on (`Problem::require_sectors`).
    fn min_sectors(&self, members: &[bool]) -> u32 {
        let mut sectors: Vec<SectorIx> = (0..self.players())
            .filter(|&i| members[i])
            .filter_map(|i| self.able_sector[i])
            .collect();
        sectors.sort();
        sectors.dedup();
        self.problem.sectors_requested.min(sectors.len() as u32)
    }

    fn solve(&self, members: &[bool]) -> Result<Option<Worth>, ValueError> {
        // Inert partners leave the problem unchanged; leaving them out makes it smaller.
        let keep: Vec<bool> = members
            .iter()
            .zip(&self.inert)
            .map(|(&m, &inert)| m && !inert)
            .collect();
        let p = self.problem.restrict(&keep);
        let m = model::build(&p);
        self.solves.fetch_add(1, Ordering::Relaxed);
        let best = match solve::optimum(&p, &m, self.backend, self.deadline) {
            Ok(Some(best)) => best,
            Ok(None) => return Ok(None),
            Err(solve::SolveError::OutOfTime) => {
                return Err(ValueError::OutOfTime {
                    solves: self.solves(),
                    during: super::Stage::Coalitions,
                });
            }
            Err(e) => return Err(e.into()),
        };
        let mut used = vec![false; self.players()];
        let kept = (0..self.players()).filter(|&i| keep[i]);
        for (k, i) in kept.enumerate() {
            used[i] = best.assignment.roles_of(k).next().is_some();
        }
        Ok(Some(Worth {
            value: best.value,
            used,
        }))
    }
}
