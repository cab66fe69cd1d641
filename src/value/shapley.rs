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
    /// Worth of nobody: every needed role a gap (negative).
    pub empty: f64,
    /// Each partner's Shapley value, in objective points; they sum to `grand - empty`.
    pub shapley: Vec<f64>,
    /// Half-width of the confidence interval of each sampled value (`None` when exact).
    pub half_width: Option<Vec<f64>>,
    /// `grand` minus the worth of everybody else.
    pub leave_one_out: Vec<f64>,
    /// Exact or sampled, and for sampling how precise the values are.
    pub method: Method,
}

/// How the Shapley values were computed: every coalition, or sampled orders of arrival.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Every coalition of the non-inert partners was valued.
    Exact {
        /// Coalitions valued.
        coalitions: usize,
    },
    /// Random orders of arrival were sampled; how, and how precise the result is.
    Sampled(SampleReport),
}

/// How a sampled estimate was obtained and how precise it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleReport {
    /// The seed of the permutation sampler.
    pub seed: u64,
    /// Orders of arrival (permutations) sampled.
    pub permutations: usize,
    /// Confidence level of the intervals, in (0, 1).
    pub confidence: f64,
    /// The precision asked for, as a share of the total value (`grand - empty`).
    pub target: f64,
    /// The largest half-width reached, as a share of the total value.
    pub achieved: f64,
    /// Why sampling stopped.
    pub stop: Stop,
}

/// Why sampling stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every interval is within the precision asked for.
    Precision,
    /// The most permutations allowed were drawn first.
    MaxPermutations,
    /// The time limit ran out first.
    TimeLimit,
}

impl Stop {
    /// The snake_case word for the reason, as written in machine-readable output.
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
    /// Seeds the sampler: the same seed and input give the same values.
    pub seed: u64,
    /// Confidence level of the reported intervals, in (0, 1).
    pub confidence: f64,
    /// Stop when every interval's half-width is at most this share of the total value.
    pub precision: f64,
    /// Never stop before this many permutations (variance estimates need a few).
    pub min_permutations: usize,
    /// Stop after this many permutations even if the precision is not reached.
    pub max_permutations: usize,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            seed: 1,
            confidence: 0.95,
            precision: 0.02,
            min_permutations: 64,
            max_permutations: 1_000_000,
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

/// The exact Shapley value: every coalition of the active partners is valued once, then each
/// partner's value is the weighted mean of its marginal worth. Fails when the game's deadline
/// passes before every coalition is valued.
pub fn exact(game: &Game) -> Result<Shares, ValueError> {
    let act = active(game);
    let n = act.len();
    if n > EXACT_MAX {
        return Err(ValueError::TooLarge {
            partners: n,
            most: EXACT_MAX,
        });
    }
    let worth = every_worth(game, &act)?;
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

/// The worth of every coalition of the active partners (bit `b` of the index is `act[b]`).
///
/// Coalitions are taken largest first, one size at a time (in parallel within a size). Each
/// solved coalition whose best line-up leaves partners idle settles the smaller coalitions
/// between the partners it uses and itself ([`Game::settles`]); those are never solved. The
/// settling is applied in coalition order after each size, so the result does not depend on
/// the number of threads.
fn every_worth(game: &Game, act: &[usize]) -> Result<Vec<f64>, ValueError> {
    let deadline = game.deadline();
    let n = act.len();
    let mut worth: Vec<Option<f64>> = vec![None; 1 << n];
    for size in (0..=n as u32).rev() {
        let open: Vec<u32> = (0u32..1 << n)
            .filter(|&m| m.count_ones() == size && worth[m as usize].is_none())
            .collect();
        let solved: Vec<(u32, f64, u32)> = open
            .into_par_iter()
            .map(|mask| {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(ValueError::OutOfTime {
                        solves: game.solves(),
                        during: super::Stage::Coalitions,
                    });
                }
                let members = members(game, act, (0..n).filter(|&b| mask >> b & 1 == 1));
                let w = game.worth_used(&members)?;
                let settled = if game.settles(&members, &w.used) {
                    (0..n)
                        .filter(|&b| !w.used[act[b]])
                        .fold(0u32, |m, b| m | 1 << b)
                        & mask
                } else {
                    0
                };
                Ok((mask, w.value, settled))
            })
            .collect::<Result<_, _>>()?;
        for (mask, value, idle) in solved {
            worth[mask as usize] = Some(value);
            // Every subset of the idle partners can leave without changing the worth.
            let mut leave = idle;
            while leave != 0 {
                worth[(mask & !leave) as usize].get_or_insert(value);
                leave = (leave - 1) & idle;
            }
        }
    }
    Ok(worth
        .into_iter()
        .map(|w| w.expect("every coalition is solved or settled"))
        .collect())
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
/// from the seed; sampling stops once every confidence interval is narrow enough, or at the
/// game's deadline with the batches finished by then (leave-one-out values come first, so
/// they are complete whenever sampling starts).
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
    let grand = game.grand().value;
    let empty = game.empty_value();
    let total = grand - empty;
    let z = normal_quantile(0.5 + s.confidence / 2.0);
    let tolerance = s.precision * total.abs();
    let sampling = |e: ValueError| e.during(super::Stage::Sampling);
    let leave_one_out = leave_one_out(game, grand).map_err(sampling)?;
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
        if game.deadline().is_some_and(|d| Instant::now() >= d) && drawn >= 2 {
            break Stop::TimeLimit;
        }
        let batch = BATCH.min(s.max_permutations - drawn).max(1);
        let marginals: Vec<Vec<f64>> = match (drawn..drawn + batch)
            .into_par_iter()
            .map(|k| marginal_worths(game, &act, &permutation(s.seed, k as u64, n), grand))
            .collect::<Result<_, _>>()
        {
            Ok(m) => m,
            // The deadline passed within the batch: it is left out whole.
            Err(ValueError::OutOfTime { .. }) if drawn >= 2 => break Stop::TimeLimit,
            Err(e) => return Err(sampling(e)),
        };
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
    shares.leave_one_out = leave_one_out;
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
///
/// The prefixes of the order are valued from the largest down: a solved prefix whose best
/// line-up leaves its last arrivals idle settles the smaller prefixes that still hold every
/// partner it uses ([`Game::settles`]), so they are not solved again.
fn marginal_worths(
    game: &Game,
    act: &[usize],
    order: &[usize],
    grand: f64,
) -> Result<Vec<f64>, ValueError> {
    let n = act.len();
    // prefix[k]: worth of the first k arrivals.
    let mut prefix = vec![0.0; n + 1];
    prefix[0] = game.empty_value();
    prefix[n] = grand;
    let mut present = vec![false; game.players()];
    for &b in order {
        present[act[b]] = true;
    }
    let mut anchor = game.grand().clone();
    let mut anchor_settles = game.settles(&present, &anchor.used);
    for k in (1..n).rev() {
        present[act[order[k]]] = false;
        let covered = (0..game.players()).all(|i| !anchor.used[i] || present[i]);
        if anchor_settles && covered {
            prefix[k] = anchor.value;
            continue;
        }
        anchor = game.worth_used(&present)?;
        anchor_settles = game.settles(&present, &anchor.used);
        prefix[k] = anchor.value;
    }
    let mut out = vec![0.0; n];
    for (pos, &b) in order.iter().enumerate() {
        out[b] = prefix[pos + 1] - prefix[pos];
    }
    Ok(out)
}

/// `grand` minus the worth of everybody but each partner (zero for inert partners).
pub fn leave_one_out(game: &Game, grand: f64) -> Result<Vec<f64>, ValueError> {
    let everyone = vec![true; game.players()];
    let settled = game.settles(&everyone, &game.grand().used);
    (0..game.players())
        .into_par_iter()
        .map(|i| {
            // A partner idle in the full line-up, whose presence changes nothing, adds nothing.
            if game.is_inert(i) || (settled && !game.grand().used[i]) {
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
    use crate::load::Document;
    use crate::model::Problem;
    use crate::source::Source;

    fn game_of<'k>(kb: &'k crate::kb::KnowledgeBase, text: &str) -> Game<'k> {
        let doc = Document::parse(Source::new("t.ron", text));
        let line_up = crate::validate_scenario(kb, &doc).expect("valid").base();
        Game::new(Problem::new(kb, &line_up), Default::default(), None).expect("feasible")
    }

    /// Settling coalitions from larger ones gives exactly the worth a solve gives, for every
    /// coalition, on consortia where many partners are idle in large coalitions. (A funder whose
    /// money finances a role is never quiet when idle, so the seeds are ones where some idle
    /// partners commit no money.)
    #[test]
    fn settled_coalitions_are_worth_what_solving_them_gives() {
        let kb = crate::default_knowledge_base().unwrap();
        for (partners, roles, seed) in [(9, 6, 1), (10, 8, 2), (8, 12, 5), (9, 5, 4)] {
            let text = crate::generate::consortium(
                &kb,
                &crate::generate::Spec::new(partners, roles, seed),
            );
            let game = game_of(&kb, &text);
            let act = active(&game);
            let worth = every_worth(&game, &act).unwrap();
            let solves = game.solves();
            for mask in 0u32..1 << act.len() {
                let members = members(&game, &act, (0..act.len()).filter(|&b| mask >> b & 1 == 1));
                let solved = game.worth(&members).unwrap();
                assert!(
                    (worth[mask as usize] - solved).abs() < 1e-9,
                    "seed {seed}, coalition {mask:b}: settled {} but solved {solved}",
                    worth[mask as usize]
                );
            }
            assert!(
                solves < (1 << act.len()),
                "seed {seed}: some coalitions were settled without a solve ({solves} solves)"
            );
        }
    }

    /// With an `Idle` penalty and pins, idle partners are no longer quiet: nothing they are in
    /// may be settled from a larger coalition, and the worths still match solving.
    #[test]
    fn idle_penalties_and_pins_stop_settling() {
        let mut docs = crate::kb::default_documents();
        docs.push(Document::parse(Source::new(
            "idle.ron",
            r#"Rules(rules: [Rule(id: "idle_partner", source: Text("test"), when: Idle(),
                effect: (penalty: 0.7, flag: (kind: "idle_partner", severity: low, message: "{partner} idle")))])"#,
        )));
        let kb = crate::knowledge_base(docs).unwrap();
        let mut text = crate::generate::consortium(&kb, &crate::generate::Spec::new(9, 5, 4));
        // Pin the first assignment of the recommended line-up, so the pin is feasible.
        let doc = Document::parse(Source::new("t.ron", text.as_str()));
        let line_up = crate::validate_scenario(&kb, &doc).unwrap().base();
        let first = crate::solve_line_up(&kb, &line_up, &Default::default())
            .unwrap()
            .assignments[0]
            .clone();
        text.truncate(text.trim_end().len() - 1);
        text.push_str(&format!(
            "pins: [Pin(partner: {:?}, role: {:?})])",
            first.partner, first.role
        ));
        let game = game_of(&kb, &text);
        let act = active(&game);
        let worth = every_worth(&game, &act).unwrap();
        assert_eq!(game.solves(), (1 << act.len()) + 2, "nothing is settled");
        for mask in 0u32..1 << act.len() {
            let members = members(&game, &act, (0..act.len()).filter(|&b| mask >> b & 1 == 1));
            assert!((worth[mask as usize] - game.worth(&members).unwrap()).abs() < 1e-9);
        }
    }

    /// The sampled chain, settled from the top, gives the marginal worths of solving each prefix.
    #[test]
    fn settled_prefixes_are_worth_what_solving_them_gives() {
        let kb = crate::default_knowledge_base().unwrap();
        let text = crate::generate::consortium(&kb, &crate::generate::Spec::new(14, 8, 9));
        let game = game_of(&kb, &text);
        let act = active(&game);
        for k in 0..6 {
            let order = permutation(5, k, act.len());
            let fast = marginal_worths(&game, &act, &order, game.grand().value).unwrap();
            let mut present = vec![false; game.players()];
            let mut before = game.empty_value();
            for &b in &order {
                present[act[b]] = true;
                let now = game.worth(&present).unwrap();
                assert!(
                    (fast[b] - (now - before)).abs() < 1e-9,
                    "order {k}, player {b}"
                );
                before = now;
            }
        }
    }

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
