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
use crate::solve::{self, Backend, Relaxation, SolveError};
use rayon::prelude::*;

/// What the samples say about each held pair (parallel to the held pairs).
pub(super) struct Tally {
    /// Samples drawn.
    pub drawn: usize,
    /// Of those, samples solved (the others ran out of time).
    pub solved: usize,
    /// Some sample's line-up was not proven best before the time limit.
    pub unproven: bool,
    /// Samples in which the pair's partner still holds (leads) it.
    pub kept: Vec<usize>,
    /// Who holds it instead in the others, with how often, most often first (`None`: nobody).
    pub instead: Vec<Vec<(Option<usize>, usize)>>,
}

impl Tally {
    fn count(&mut self, outcomes: Vec<Option<Outcome>>) {
        for outcome in outcomes {
            self.drawn += 1;
            let Some((pairs, proven)) = outcome else {
                continue;
            };
            self.solved += 1;
            self.unproven |= !proven;
            for (h, instead) in pairs.into_iter().enumerate() {
                let Some(who) = instead else {
                    self.kept[h] += 1;
                    continue;
                };
                match self.instead[h].iter_mut().find(|(w, _)| *w == who) {
                    Some((_, n)) => *n += 1,
                    None => self.instead[h].push((who, 1)),
                }
            }
        }
    }

    /// Whether every pair in `open` is clearly kept in at least `threshold` of the samples or
    /// clearly in fewer: the 95% Wilson interval of its share lies on one side.
    fn settled(&self, open: &[bool], threshold: f64) -> bool {
        let n = self.solved as f64;
        if n == 0.0 {
            return false;
        }
        const Z2: f64 = 1.96 * 1.96;
        open.iter()
            .zip(&self.kept)
            .filter(|(o, _)| **o)
            .all(|(_, &kept)| {
                let share = kept as f64 / n;
                let centre = (share + Z2 / (2.0 * n)) / (1.0 + Z2 / n);
                let half = (Z2 / n).sqrt() / (1.0 + Z2 / n)
                    * (share * (1.0 - share) + Z2 / (4.0 * n)).sqrt();
                centre - half >= threshold || centre + half < threshold
            })
    }
}

/// Samples solved between two looks at the tally: enough for the Wilson interval of a role
/// kept in every one of them (at least 0.87) to clear the default threshold of 0.8.
pub const BATCH: usize = 25;

/// Most line-ups besides the recommended one that samples try first (see
/// [`Relaxation::reprice`]): a close call moves between a few.
const KNOWN: usize = 8;

/// What every sample shares: the problem, its model, and the recommended line-up.
pub(super) struct Sampler<'a, 'k> {
    pub p: &'a Problem<'k>,
    pub m: &'a Milp,
    pub a: &'a Assignment,
    pub held: &'a [(usize, usize, bool)],
    pub settings: &'a Settings,
    pub backend: Backend,
    /// The model's relaxation at its optimum: a sample re-prices it and needs a full solve
    /// only when the re-priced relaxation does not settle it (`solve::Relaxation`).
    pub relaxation: Option<&'a Relaxation>,
    pub budget: &'a Budget,
}

/// One solved sample: per held pair, `None` if its partner kept it, else who holds it
/// instead; and whether the sample's line-up was proven best.
type Outcome = (Vec<Option<Option<usize>>>, bool);

/// A batch of samples as drawn, in sample order: each outcome, with the relaxation's values
/// at its line-up when the relaxation settled it.
pub(super) type Drawn = Vec<(Option<Outcome>, Option<Vec<f64>>)>;

/// Where the sampling stands between batches.
pub(super) struct Sampling<'a, 'k> {
    tally: Tally,
    /// The recommended line-up's values: the warm start of a full solve.
    warm: Vec<f64>,
    noise: Noise<'a, 'k>,
    /// The relaxation, while it settles more samples than it leaves to full solves.
    relaxation: Option<&'a Relaxation>,
    /// Line-ups earlier batches ended on (the relaxation's values there): later samples try
    /// them first. They change only between batches, so every sample sees the same ones
    /// whatever the thread count.
    known: Vec<Vec<f64>>,
}

impl<'a, 'k> Sampler<'a, 'k> {
    /// Nothing drawn yet.
    pub(super) fn start(&self) -> Sampling<'a, 'k> {
        let held = self.held.len();
        Sampling {
            tally: Tally {
                drawn: 0,
                solved: 0,
                unproven: false,
                kept: vec![0; held],
                instead: vec![Vec::new(); held],
            },
            warm: values_for(self.p, self.m, self.a),
            noise: Noise::new(self.p, self.m, self.settings.noise),
            relaxation: self.relaxation,
            known: Vec::new(),
        }
    }

    /// The next batch of [`BATCH`] samples (fewer if the settings' number is reached), solved
    /// in parallel.
    pub(super) fn draw(&self, s: &Sampling) -> Result<Drawn, SolveError> {
        let from = s.tally.drawn;
        (from..(from + BATCH).min(self.settings.samples))
            .into_par_iter()
            .map_init(Scratch::default, |scratch, k| {
                self.sample(
                    scratch,
                    &s.noise,
                    s.relaxation.map(|r| (r, &s.known[..])),
                    &s.warm,
                    k,
                )
            })
            .collect()
    }

    /// Counts a batch (in sample order) and remembers the line-ups it ended on.
    pub(super) fn record(&self, s: &mut Sampling, drawn: Drawn) {
        let mut outcomes = Vec::with_capacity(drawn.len());
        for (outcome, values) in drawn {
            outcomes.push(outcome);
            if let (Some(r), Some(v)) = (s.relaxation, values)
                && s.known.len() < KNOWN
                && r.is_new(&s.known, &v)
            {
                s.known.push(v);
            }
        }
        // A relaxation that settles fewer re-optimisations than it leaves (a line-up whose
        // relaxation is mostly fractional) costs more than it saves: later batches solve in
        // full. The counts are complete after each batch, so the thread count never changes
        // this choice.
        if s.relaxation.is_some_and(|r| {
            let (settled, missed) = r.counts();
            settled < missed
        }) {
            s.relaxation = None;
        }
        s.tally.count(outcomes);
    }

    /// Draws batches until every pair in `open` (the held pairs whose close-call status
    /// depends on their stability: not pinned, not ties) has its status settled, or the
    /// settings' number of samples is drawn; the tally, other holders most often first.
    pub(super) fn finish(&self, mut s: Sampling, open: &[bool]) -> Result<Tally, SolveError> {
        while s.tally.drawn < self.settings.samples
            && !s.tally.settled(open, self.settings.close_call)
        {
            let drawn = self.draw(&s)?;
            self.record(&mut s, drawn);
        }
        let mut tally = s.tally;
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

    /// Sample `k`, solved from the relaxation or else in the scratch's copy of the model;
    /// `None` when the time limit left no time for it.
    fn sample(
        &self,
        scratch: &mut Scratch,
        noise: &Noise,
        relaxation: Option<(&Relaxation, &[Vec<f64>])>,
        warm: &[f64],
        k: usize,
    ) -> Result<(Option<Outcome>, Option<Vec<f64>>), SolveError> {
        let time_limit = match self.budget.left() {
            Some(None) => return Ok((None, None)),
            limit => limit.flatten(),
        };
        let mut rng = Rng::new(mix(self.settings.seed, k as u64));
        noise.fits(&mut rng, &mut scratch.fit, &mut scratch.moved);
        let obj = objective_with_fits(self.p, self.m, &scratch.fit);
        // From the relaxation's optimum when it settles the line-up, else in full.
        let (quick, values) = relaxation
            .and_then(|(r, known)| r.reprice(self.p, self.m, &obj, known))
            .unzip();
        let found = match quick {
            Some(b) => Ok(Some((b, true))),
            None => {
                let model = scratch.model.get_or_insert_with(|| self.m.clone());
                for (var, obj) in model.vars.iter_mut().zip(obj) {
                    var.obj = obj;
                }
                solve::best(self.p, model, self.backend, Some(warm), time_limit)
                    .map(|found| found.map(|(b, proven)| (b.assignment, proven)))
            }
        };
        let (b, proven) = match found {
            Ok(Some(found)) => found,
            // Rows are unchanged, so the recommended line-up stays feasible: only running out
            // of time leaves a sample without one.
            Ok(None) | Err(SolveError::NoSolutionInTime) => return Ok((None, None)),
            Err(e) => return Err(e),
        };
        let pairs = self
            .held
            .iter()
            .map(|&(i, j, lead)| {
                let kept = if lead {
                    b.lead[j] == Some(i)
                } else {
                    b.holds[i][j]
                };
                (!kept).then(|| replacement(self.a, &b, j, lead))
            })
            .collect();
        Ok((Some((pairs, proven)), values))
    }
}

/// What one thread's samples reuse: a copy of the model whose objective a sample overwrites
/// (made when a sample first needs a full solve), and the buffers of the perturbed fits.
#[derive(Default)]
struct Scratch {
    model: Option<Milp>,
    fit: Vec<Vec<f64>>,
    moved: Vec<f64>,
}

/// What every sample's perturbation shares, worked out once per assessment: whether each
/// partner states each capability (how far it may move), and the needs whose fit the model
/// uses. Recomputing these per sample had been a fifth of a small line-up's assessment.
pub(super) struct Noise<'a, 'k> {
    p: &'a Problem<'k>,
    /// Half-width of an assumed capability's move (a stated one moves by
    /// [`STATED_NOISE_SHARE`] of it).
    noise: f64,
    /// Whether each partner states each capability (knowledge-base order).
    stated: Vec<Vec<bool>>,
    /// Per partner, the needs `m` can give it: the only fits a sample's objective uses.
    open: Vec<Vec<usize>>,
}

impl<'a, 'k> Noise<'a, 'k> {
    /// The perturbation of `p`'s capabilities by `noise` for the model `m`.
    pub(super) fn new(p: &'a Problem<'k>, m: &Milp, noise: f64) -> Self {
        let stated: Vec<Vec<bool>> = p
            .partners
            .iter()
            .map(|partner| {
                (0..partner.strengths.len())
                    .map(|c| partner.is_stated(CapIx(c as u32)))
                    .collect()
            })
            .collect();
        let open =
            m.x.iter()
                .map(|row| (0..row.len()).filter(|&j| row[j].is_some()).collect())
                .collect();
        Noise {
            p,
            noise,
            stated,
            open,
        }
    }

    /// Every partner's fit to every need after moving each of its capability strengths:
    /// assumed ones uniformly within +-noise, stated ones within +-noise x
    /// [`STATED_NOISE_SHARE`], clamped to 0..=1. Partners in id order, capabilities in
    /// knowledge-base order: one draw each, always, so a sample's draws depend only on its seed
    /// and the line-up. Written into `fit` (the problem's own fits when it is empty); only the
    /// pairs the model can choose are recomputed: no coefficient uses the others.
    pub(super) fn fits(&self, rng: &mut Rng, fit: &mut Vec<Vec<f64>>, moved: &mut Vec<f64>) {
        if fit.is_empty() {
            fit.clone_from(&self.p.fit);
        }
        for (i, partner) in self.p.partners.iter().enumerate() {
            let stated = &self.stated[i];
            moved.clear();
            moved.extend(partner.strengths.iter().zip(stated).map(|(&s, &stated)| {
                let width = if stated {
                    self.noise * STATED_NOISE_SHARE
                } else {
                    self.noise
                };
                (s + (rng.unit() * 2.0 - 1.0) * width).clamp(0.0, 1.0)
            }));
            for &j in &self.open[i] {
                fit[i][j] = self.p.kb.fit(self.p.needs[j].role, |c| {
                    (moved[c.index()], stated[c.index()])
                });
            }
        }
    }
}
