//! Margins: the whole line-up re-optimised with one held (partner, role) pair forbidden. The
//! objective it loses is the margin, and whoever takes the role in it is the runner-up.

use super::{Budget, Evidence, Margin, TIE, TieBreak, replacement};
use crate::model::{Assignment, Milp, Problem, tie_break, values_for};
use crate::solve::{self, Backend, Relaxation, SolveError};
use rayon::prelude::*;

/// The re-optimisation of one held pair.
#[derive(Debug, Clone)]
pub(super) struct MarginOut {
    pub margin: Margin,
    pub runner_up: Option<usize>,
    pub tie: Option<TieBreak>,
    /// The re-optimisation was proven best (or not needed).
    pub proven: bool,
    /// Objective the line-up gains per unit of the holder's fit to the role over the
    /// re-optimised one (what it earns on the role there, less what it earns in the other), and
    /// what the re-optimised one gains per unit of the runner-up's: the first-order
    /// sensitivities of the margin.
    pub holder_per_fit: f64,
    pub runner_up_per_fit: f64,
}

/// The margin of every held pair, in the order given (solved in parallel).
pub(super) fn margins(
    p: &Problem,
    m: &Milp,
    a: &Assignment,
    held: &[(usize, usize, bool)],
    backend: Backend,
    relaxation: Option<&Relaxation>,
    budget: &Budget,
) -> Result<Vec<MarginOut>, SolveError> {
    let best = p.objective(a);
    held.par_iter()
        .map(|&held| margin(p, m, (a, best), held, (backend, relaxation), budget))
        .collect()
}

fn margin(
    p: &Problem,
    m: &Milp,
    (a, best): (&Assignment, f64),
    (i, j, lead): (usize, usize, bool),
    (backend, relaxation): (Backend, Option<&Relaxation>),
    budget: &Budget,
) -> Result<MarginOut, SolveError> {
    let settled = |margin| MarginOut {
        margin,
        runner_up: None,
        tie: None,
        proven: true,
        holder_per_fit: 0.0,
        runner_up_per_fit: 0.0,
    };
    let (Some(x), false) = (m.x[i][j], p.is_pinned(i, j)) else {
        return Ok(settled(Margin::Pinned));
    };
    // The lead of a need of several partners may stay on as a supporter: what it would lose is
    // the lead, as the stability counts it. Any other holder leaves the role.
    let lead_only = m.lead[i][j].filter(|&y| lead && y != x);
    let columns: Vec<usize> = match lead_only {
        Some(y) => vec![y],
        None => std::iter::once(x).chain(m.lead[i][j]).collect(),
    };
    let time_limit = match budget.left() {
        Some(None) => {
            return Ok(MarginOut {
                proven: false,
                ..settled(Margin::Unknown)
            });
        }
        limit => limit.flatten(),
    };
    // From the relaxation's optimum when it settles the line-up, else in full.
    let quick = relaxation.and_then(|r| r.forbid(p, m, &columns));
    let found = match quick {
        Some(b) => Ok(Some((b, true))),
        None => {
            let mut forbidden = m.clone();
            for &v in &columns {
                forbidden.vars[v].ub = 0.0;
            }
            let warm = values_for(p, &forbidden, &without(p, a, i, j, lead_only.is_some()));
            solve::best(p, &forbidden, backend, Some(&warm), time_limit)
        }
    };
    let (b, proven) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(settled(Margin::Required)),
        Err(SolveError::NoSolutionInTime) => {
            return Ok(MarginOut {
                proven: false,
                ..settled(Margin::Unknown)
            });
        }
        Err(e) => return Err(e),
    };
    let points = best - b.value;
    let runner_up = replacement(a, &b.assignment, j, lead);
    let tie =
        (points.abs() <= TIE).then(|| what_broke_the_tie(p, a, &b.assignment, i, j, runner_up));
    let per_fit = |k: usize, from: &Assignment, to: &Assignment| {
        p.importance(j) * (value_share(p, from, k, j) - value_share(p, to, k, j))
    };
    Ok(MarginOut {
        margin: Margin::Points(points),
        runner_up,
        tie,
        proven,
        holder_per_fit: per_fit(i, a, &b.assignment),
        runner_up_per_fit: runner_up.map_or(0.0, |r| per_fit(r, &b.assignment, a)),
    })
}

/// The share of importance x fit partner `k` earns on need `j` in a line-up: all of it as the
/// lead, the support weight as a supporter, nothing otherwise.
fn value_share(p: &Problem, a: &Assignment, k: usize, j: usize) -> f64 {
    if a.lead[j] == Some(k) {
        1.0
    } else if a.holds[k][j] {
        p.kb.settings.support_weight
    } else {
        0.0
    }
}

/// The line-up without partner `i` in need `j` (or only without it leading, when `lead_only`);
/// if it led, the best-fitting other holder leads.
fn without(p: &Problem, a: &Assignment, i: usize, j: usize, lead_only: bool) -> Assignment {
    let mut w = a.clone();
    w.holds[i][j] = lead_only;
    if w.lead[j] == Some(i) {
        w.lead[j] = (0..p.partners.len())
            .filter(|&k| k != i && w.holds[k][j])
            .max_by(|&x, &y| p.fit[x][j].total_cmp(&p.fit[y][j]).then(y.cmp(&x)));
    }
    w
}

/// Of two line-ups worth the same, the solver kept `a` because its tie-break term is larger.
/// When only the role changes hands, that is the pair's own term: stated evidence, then id
/// order ([`tie_break`]); when other roles move too, the line-up's as a whole.
fn what_broke_the_tie(
    p: &Problem,
    a: &Assignment,
    b: &Assignment,
    i: usize,
    j: usize,
    runner_up: Option<usize>,
) -> TieBreak {
    let Some(r) = runner_up else {
        return TieBreak::Open;
    };
    let only_this_role = (0..p.needs.len())
        .filter(|&n| n != j)
        .all(|n| (0..p.partners.len()).all(|k| a.holds[k][n] == b.holds[k][n]));
    if !only_this_role || tie_break(p, i, j) <= tie_break(p, r, j) {
        return TieBreak::LineUp;
    }
    let (holder, runner_up) = (evidence(p, i, j), evidence(p, r, j));
    let percent = |k: usize| (p.stated_share(k, j) * 100.0).round();
    if percent(i) > percent(r) {
        TieBreak::StatedEvidence { holder, runner_up }
    } else {
        TieBreak::IdOrder { holder, runner_up }
    }
}

fn evidence(p: &Problem, i: usize, j: usize) -> Evidence {
    let needs = &p.kb.role(p.needs[j].role).needs;
    Evidence {
        stated: needs
            .iter()
            .filter(|&&(cap, _)| p.stated_need(i, cap))
            .count(),
        needed: needs.len(),
    }
}
