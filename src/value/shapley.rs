//! Shares of a game's value: leave-one-out, the exact Shapley value over every coalition, and
//! a sampled Shapley value with a confidence interval for larger consortia.
//!
//! Partners the game finds inert are left out of the enumeration: their marginal worth is
//! zero in every coalition, so they get exactly zero and the others' values do not change.

use super::{Game, ValueError};
use crate::generate::Rng;
use rayon::prelude::*;
use std::time::Instant;

/// Above this many (non-inert) partners the exact value is not attempted: 2^20 coalitions.
pub const EXACT_MAX: usize = 20;

/// Per-partner results in the game's canonical order.
#[derive(Debug, Clone, PartialEq)]
pub struct Shares {
    /// Worth of everybody, and of nobody.
    pub grand: f64,
    pub empty: f64,
    pub shapley: Vec<f64>,
    /// Half-width of the confidence interval of each sampled value (`None` when exact).
    pub half_width: Option<Vec<f64>>,
    /// `grand` minus the worth of everybody else.
    pub leave_one_out: Vec<f64>,
    pub method: Method,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Every coalition of the non-inert partners was valued.
    Exact {
        coalitions: usize,
    },
    Sampled(SampleReport),
}

/// How a sampled estimate was obtained and how precise it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleReport {
    pub seed: u64,
    pub permutations: usize,
    pub confidence: f64,
    /// The precision asked for, as a share of the total value (`grand - empty`).
    pub target: f64,
    /// The largest half-width reached, as a share of the total value.
    pub achieved: f64,
    pub stop: Stop,
}

/// Why sampling stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every interval is within the precision asked for.
    Precision,
    MaxPermutations,
    TimeLimit,
}

impl Stop {
    pub fn name(self) -> &'static str {
        match self {
            Stop::Precision => "precision",
            Stop::MaxPermutations => "max_permutations",
            Stop::TimeLimit => "time_limit",
        }
    }
}

/// Settings of the permutation sampler.
#[derive(Debug, Clone)]
pub struct Sampling {
    pub seed: u64,
    /// Confidence level of the reported intervals, in (0, 1).
    pub confidence: f64,
    /// Stop when every interval's half-width is at most this share of the total value.
    pub precision: f64,
    /// Never stop before this many permutations (variance estimates need a few).
    pub min_permutations: usize,
    pub max_permutations: usize,
    /// Stop sampling (with the precision reached so far) at this instant.
    pub deadline: Option<Instant>,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            seed: 1,
            confidence: 0.95,
            precision: 0.02,
            min_permutations: 64,
            max_permutations: 1_000_000,
            deadline: None,
        }
    }
}

/// Permutations drawn and valued together. Fixed, so the stopping decision (taken between
/// batches) and so the result never depend on the number of threads.
const BATCH: usize = 16;

/// The partners that can change a coalition's worth, in canonical order.
fn active(game: &Game) -> Vec<usize> {
    (0..game.players()).filter(|&i| !game.is_inert(i)).collect()
}

/// Members as flags over all players, from a subset of the active players.
fn members(game: &Game, active: &[usize], chosen: impl Iterator<Item = usize>) -> Vec<bool> {
    let mut m = vec![false; game.players()];
    for k in chosen {
        m[active[k]] = true;
    }
    m
}

/// The exact Shapley value: every coalition of the active partners is solved once (in
/// parallel), then each partner's value is the weighted mean of its marginal worth. Fails when
/// `deadline` passes before every coalition is valued.
pub fn exact(game: &Game, deadline: Option<Instant>) -> Result<Shares, ValueError> {
    let act = active(game);
    let n = act.len();
    if n > EXACT_MAX {
        return Err(ValueError::TooLarge {
            partners: n,
            most: EXACT_MAX,
        });
    }
    let worth: Vec<f64> = (0u32..1 << n)
        .into_par_iter()
        .map(|mask| {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(ValueError::OutOfTime {
                    solves: game.solves(),
                });
            }
            game.worth(&members(game, &act, (0..n).filter(|&b| mask >> b & 1 == 1)))
        })
        .collect::<Result<_, _>>()?;
    // weight[s] = s! (n - s - 1)! / n!, built by a recurrence to stay exact in floating point
    // far beyond what factorials allow.
    let mut weight = vec![0.0; n.max(1)];
    if n > 0 {
        weight[0] = 1.0 / n as f64;
        for s in 1..n {
            weight[s] = weight[s - 1] * s as f64 / (n - s) as f64;
        }
    }
    let mut phi = vec![0.0; n];
    for mask in 0u32..1 << n {
        let size = mask.count_ones() as usize;
        for (b, value) in phi.iter_mut().enumerate() {
            if mask >> b & 1 == 0 {
                *value += weight[size] * (worth[(mask | 1 << b) as usize] - worth[mask as usize]);
            }
        }
    }
    let full = (1usize << n) - 1;
    let mut shares = blank(game, worth[full]);
    for (b, &i) in act.iter().enumerate() {
        shares.shapley[i] = phi[b];
        shares.leave_one_out[i] = worth[full] - worth[full & !(1 << b)];
    }
    shares.method = Method::Exact { coalitions: 1 << n };
    Ok(shares)
}

/// Shares with every value zero, for filling in.
fn blank(game: &Game, grand: f64) -> Shares {
    let n = game.players();
    Shares {
        grand,
        empty: game.empty_value(),
        shapley: vec![0.0; n],
        half_width: None,
        leave_one_out: vec![0.0; n],
        method: Method::Exact { coalitions: 0 },
    }
}

/// Permutation `k` of `0..n` for a seed: its own generator, so any permutation can be drawn
/// without the others (and so by any thread).
fn permutation(seed: u64, k: u64, n: usize) -> Vec<usize> {
    let stream = Rng::new(k).next_u64();
    let mut rng = Rng::new(seed ^ stream);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}

/// Running mean and variance (Welford), per partner.
#[derive(Clone, Default)]
struct Moments {
    count: usize,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.count += 1;
        let d = x - self.mean;
        self.mean += d / self.count as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Standard error of the mean.
    fn std_error(&self) -> f64 {
        if self.count < 2 {
            return f64::INFINITY;
        }
        (self.m2 / (self.count - 1) as f64 / self.count as f64).sqrt()
    }
}

/// The Shapley value estimated from random orders of arrival: in each order, each partner is
/// credited with what it adds to those before it. Permutations are drawn in fixed batches
/// from the seed; sampling stops once every confidence interval is narrow enough.
pub fn sampled(game: &Game, s: &Sampling) -> Result<Shares, ValueError> {
    if !(s.confidence > 0.0 && s.confidence < 1.0) {
        return Err(ValueError::Settings(format!(
            "the confidence level must be between 0 and 1 (exclusive), got {}",
            s.confidence
        )));
    }
    if !(s.precision > 0.0 && s.precision.is_finite()) {
        return Err(ValueError::Settings(format!(
            "the precision must be a positive share of the total value, got {}",
            s.precision
        )));
    }
    let act = active(game);
    let n = act.len();
    let everyone = vec![true; game.players()];
    let grand = game.worth(&everyone)?;
    let empty = game.empty_value();
    let total = grand - empty;
    let z = normal_quantile(0.5 + s.confidence / 2.0);
    let tolerance = s.precision * total.abs();
    let mut moments = vec![Moments::default(); n];
    let mut drawn = 0usize;
    let stop = loop {
        let enough = drawn >= s.min_permutations.max(2)
            && moments.iter().all(|m| z * m.std_error() <= tolerance);
        if enough || n <= 1 {
            break Stop::Precision;
        }
        if drawn >= s.max_permutations {
            break Stop::MaxPermutations;
        }
        if s.deadline.is_some_and(|d| Instant::now() >= d) && drawn >= 2 {
            break Stop::TimeLimit;
        }
        let batch = BATCH.min(s.max_permutations - drawn).max(1);
        let marginals: Vec<Vec<f64>> = (drawn..drawn + batch)
            .into_par_iter()
            .map(|k| marginal_worths(game, &act, &permutation(s.seed, k as u64, n), grand))
            .collect::<Result<_, _>>()?;
        for row in &marginals {
            for (m, &x) in moments.iter_mut().zip(row) {
                m.add(x);
            }
        }
        drawn += batch;
    };
    let mut shares = blank(game, grand);
    let mut half = vec![0.0; game.players()];
    for (b, &i) in act.iter().enumerate() {
        shares.shapley[i] = moments[b].mean;
        half[i] = if n <= 1 {
            0.0
        } else {
            z * moments[b].std_error()
        };
    }
    // A single active partner adds everything in every order: no sampling needed.
    if n == 1 {
        shares.shapley[act[0]] = total;
    }
    let achieved = if total.abs() > 0.0 {
        half.iter().fold(0.0f64, |a, &h| a.max(h)) / total.abs()
    } else {
        0.0
    };
    shares.half_width = Some(half);
    shares.leave_one_out = leave_one_out(game, grand)?;
    shares.method = Method::Sampled(SampleReport {
        seed: s.seed,
        permutations: drawn,
        confidence: s.confidence,
        target: s.precision,
        achieved,
        stop,
    });
    Ok(shares)
}

/// What each partner adds to those before it in one order of arrival (indexed like `act`).
fn marginal_worths(
    game: &Game,
    act: &[usize],
    order: &[usize],
    grand: f64,
) -> Result<Vec<f64>, ValueError> {
    let n = act.len();
    let mut out = vec![0.0; n];
    let mut present = vec![false; game.players()];
    let mut before = game.empty_value();
    for (pos, &b) in order.iter().enumerate() {
        present[act[b]] = true;
        let now = if pos + 1 == n {
            grand
        } else {
            game.worth(&present)?
        };
        out[b] = now - before;
        before = now;
    }
    Ok(out)
}

/// `grand` minus the worth of everybody but each partner (zero for inert partners).
pub fn leave_one_out(game: &Game, grand: f64) -> Result<Vec<f64>, ValueError> {
    (0..game.players())
        .into_par_iter()
        .map(|i| {
            if game.is_inert(i) {
                return Ok(0.0);
            }
            let mut others = vec![true; game.players()];
            others[i] = false;
            Ok(grand - game.worth(&others)?)
        })
        .collect()
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    const LOW: f64 = 0.02425;
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_match_the_tables() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.995) - 2.575_829_304).abs() < 1e-8);
        assert!(normal_quantile(0.5).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-8);
    }

    #[test]
    fn permutations_are_reproducible_and_differ_between_draws() {
        let a = permutation(7, 3, 12);
        assert_eq!(a, permutation(7, 3, 12));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..12).collect::<Vec<_>>());
        assert_ne!(a, permutation(7, 4, 12));
        assert_ne!(a, permutation(8, 3, 12));
    }
}
