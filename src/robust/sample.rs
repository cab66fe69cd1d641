//! Stability: the line-up re-optimised under seeded perturbations of the capability strengths,
//! counting in how many samples each holder keeps its role.
//!
//! Only fits change, so only the objective's coefficients change: each sample swaps them into a
//! copy of the built model ([`objective_with_fits`]) and re-solves it, warm-started from the
//! recommended line-up (still feasible: no row changed). Rules are matched once, on the inputs
//! as given; a perturbation that would cross a rule's threshold (a `Fit` or `Capability` test)
//! moves the fit, not the rule.

use super::{Budget, STATED_NOISE_SHARE, Settings, replacement};
use crate::generate::{Rng, mix};
use crate::kb::CapIx;
use crate::model::{Assignment, Milp, Problem, objective_with_fits, values_for};
use crate::solve::{self, Backend, SolveError};
use rayon::prelude::*;

/// What the samples say about each held pair (parallel to the held pairs).
pub(super) struct Tally {
    /// Samples solved.
    pub solved: usize,
    /// Samples in which the pair's partner still holds (leads) it.
    pub kept: Vec<usize>,
    /// Who holds it instead in the others, with how often, most often first (`None`: nobody).
    pub instead: Vec<Vec<(Option<usize>, usize)>>,
}

/// Solves every sample (in parallel, gathered in sample order) and counts.
pub(super) fn stability(
    p: &Problem,
    m: &Milp,
    a: &Assignment,
    held: &[(usize, usize, bool)],
    settings: &Settings,
    backend: Backend,
    budget: &Budget,
) -> Result<Tally, SolveError> {
    let warm = values_for(p, m, a);
    // Per solved sample, per held pair: `None` if kept, else who holds it instead.
    let outcomes: Vec<Option<Vec<Option<Option<usize>>>>> = (0..settings.samples)
        .into_par_iter()
        .map_init(
            || m.clone(),
            |model, k| -> Result<_, SolveError> {
                let Some(b) = solve_sample(p, m, model, &warm, settings, k, backend, budget)?
                else {
                    return Ok(None);
                };
                Ok(Some(
                    held.iter()
                        .map(|&(i, j, lead)| {
                            let kept = if lead {
                                b.lead[j] == Some(i)
                            } else {
                                b.holds[i][j]
                            };
                            (!kept).then(|| replacement(a, &b, j, lead))
                        })
                        .collect(),
                ))
            },
        )
        .collect::<Result<_, _>>()?;
    let mut tally = Tally {
        solved: 0,
        kept: vec![0; held.len()],
        instead: vec![Vec::new(); held.len()],
    };
    for outcome in outcomes.iter().flatten() {
        tally.solved += 1;
        for (h, &instead) in outcome.iter().enumerate() {
            let Some(who) = instead else {
                tally.kept[h] += 1;
                continue;
            };
            match tally.instead[h].iter_mut().find(|(w, _)| *w == who) {
                Some((_, n)) => *n += 1,
                None => tally.instead[h].push((who, 1)),
            }
        }
    }
    for list in &mut tally.instead {
        // Most often first; then by partner (id order), nobody last.
        list.sort_by(|x, y| {
            y.1.cmp(&x.1)
                .then_with(|| x.0.is_none().cmp(&y.0.is_none()))
                .then(x.0.cmp(&y.0))
        });
    }
    Ok(tally)
}

/// Sample `k`: its line-up, or `None` when the time limit left no time for it.
#[allow(clippy::too_many_arguments)]
fn solve_sample(
    p: &Problem,
    m: &Milp,
    model: &mut Milp,
    warm: &[f64],
    settings: &Settings,
    k: usize,
    backend: Backend,
    budget: &Budget,
) -> Result<Option<Assignment>, SolveError> {
    let time_limit = match budget.left() {
        Some(None) => return Ok(None),
        limit => limit.flatten(),
    };
    let mut rng = Rng::new(mix(settings.seed, k as u64));
    let fit = perturbed_fits(p, &mut rng, settings.noise);
    for (var, obj) in model.vars.iter_mut().zip(objective_with_fits(p, m, &fit)) {
        var.obj = obj;
    }
    match solve::best(p, model, backend, Some(warm), time_limit) {
        Ok(Some((b, _))) => Ok(Some(b.assignment)),
        // Rows are unchanged, so the recommended line-up stays feasible: only running out of
        // time leaves a sample without one.
        Ok(None) | Err(SolveError::NoSolutionInTime) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every partner's fit to every need after moving each of its capability strengths: assumed
/// ones uniformly within +-`noise`, stated ones within +-`noise x STATED_NOISE_SHARE`, clamped to
/// 0..=1. Partners in id order, capabilities in knowledge-base order: one draw each, always, so
/// a sample's draws depend only on its seed and the line-up.
pub(super) fn perturbed_fits(p: &Problem, rng: &mut Rng, noise: f64) -> Vec<Vec<f64>> {
    p.partners
        .iter()
        .map(|partner| {
            let mut moved = partner.clone();
            for (c, s) in moved.strengths.iter_mut().enumerate() {
                let width = if partner.is_stated(CapIx(c as u32)) {
                    noise * STATED_NOISE_SHARE
                } else {
                    noise
                };
                *s = (*s + (rng.unit() * 2.0 - 1.0) * width).clamp(0.0, 1.0);
            }
            p.needs.iter().map(|n| moved.fit(p.kb, n.role)).collect()
        })
        .collect()
}
