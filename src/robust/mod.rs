//! How robust each recommendation is: for every role held in a recommended line-up, what the
//! line-up loses without its holder there (the margin, and the runner-up who would take it),
//! whether it is an exact tie and what broke it, and how often the same partner keeps it when
//! the uncertain inputs are perturbed (the stability). Roles that are ties or unstable are close
//! calls, each with what would flip it.
//!
//! Everything here re-optimises the whole line-up, so the runner-up and the margin are what the
//! partnership as a whole would do and lose, not a local score. [`assess`] takes the problem, its
//! model and its solution, and returns plain data ([`Robustness`]); `explain` puts it into the
//! assignments' reasons and the renderers show it.
//!
//! The figures depend only on the input and the seed: sample `k` draws from its own generator
//! seeded with `generate::mix(seed, k)`, and results are gathered in sample order, so the thread
//! count never changes them.

mod flip;
mod margin;
pub mod sample;
pub mod words;

use crate::model::{Assignment, Milp, Problem};
use crate::solve::{self, SolveError, Solved, Status};
use std::time::{Duration, Instant};

/// Most perturbed samples drawn by default. Samples come in batches of 25
/// ([`sample::BATCH`]) until every role is clearly above or below the close-call threshold, so
/// a settled line-up stops at 25 and only roles near the threshold draw up to 100, where a
/// stability of 0.8 is known to about +-0.04 (one standard error). Each sample is a solve (0.3
/// to 1.2 ms of CPU): at 100 the costliest shipped scenario's whole `solve` process takes about
/// 40 ms of CPU and a 30 x 18 consortium that draws all 100 about 120 ms, within the targets
/// (60 and 150 ms) on two cores; 200 would take the 30 x 18 case to the edge of its target.
/// Figures and the commands that reproduce them: benches/README.md.
pub const DEFAULT_SAMPLES: usize = 100;

/// Line-ups with more open partner-role pairs than this are not assessed unless the caller asks
/// for samples explicitly. The assessment re-optimises the whole line-up once per role held and
/// once per sample, so its cost grows with the model. Measured when each was a solve from
/// scratch: about 0.1 s of CPU for a generated 30 x 18 (about 150 open pairs, the issue 11
/// target), 0.5 s at 100 x 18 (about 490), 0.9 s at 150 x 18 (about 740), 80 s at 100 x 90
/// (2,430); re-optimised from the relaxation's optimum ([`solve::Relaxation`]) most cost a few
/// pivots (30 x 18: about 0.02 s in all). The cut is on the model's size, not on a clock, so
/// whether a report carries the figures never depends on the machine.
pub const DEFAULT_MAX_PAIRS: usize = 500;

/// Half-width of the default perturbation of assumed capabilities (strengths run 0 to 1).
pub const DEFAULT_NOISE: f64 = 0.1;

/// Roles kept in fewer than this share of the samples are close calls by default.
pub const DEFAULT_CLOSE_CALL: f64 = 0.8;

/// Stated capabilities move by this share of the noise: the scenario says what the partner can
/// do, so they are less uncertain than a sector's or a type's default.
pub const STATED_NOISE_SHARE: f64 = 0.5;

/// Most samples a run may ask for: each is a solve, so this bounds the time input can cost.
pub const MAX_SAMPLES: usize = 100_000;

/// Margins at most this far from zero are exact ties: far below any real difference in value
/// (coefficients are multiples of about 1e-4), far above floating-point noise.
pub const TIE: f64 = 1e-6;

/// What the assessment does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Perturbed samples for the stability; 0 turns the whole assessment off (no margins either).
    pub samples: usize,
    /// Seeds the samples' generators: the same seed and input give the same figures.
    pub seed: u64,
    /// Assumed capabilities move uniformly within +-`noise`, stated ones within
    /// +-`noise x STATED_NOISE_SHARE`, clamped to 0..=1.
    pub noise: f64,
    /// Roles kept in fewer than this share of the samples are close calls (ties always are).
    pub close_call: f64,
    /// Line-ups with more open partner-role pairs are not assessed (see [`skipped`]); `None`
    /// assesses any size: what an explicit sample count asks for.
    pub max_pairs: Option<usize>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            samples: DEFAULT_SAMPLES,
            seed: 1,
            noise: DEFAULT_NOISE,
            close_call: DEFAULT_CLOSE_CALL,
            max_pairs: Some(DEFAULT_MAX_PAIRS),
        }
    }
}

impl Settings {
    /// No assessment: what library callers that only need the line-up use.
    pub const OFF: Settings = Settings {
        samples: 0,
        seed: 1,
        noise: DEFAULT_NOISE,
        close_call: DEFAULT_CLOSE_CALL,
        max_pairs: None,
    };

    /// The settings if they make sense, else what is wrong with them.
    pub fn checked(self) -> Result<Settings, SettingsError> {
        if self.samples > MAX_SAMPLES {
            return Err(SettingsError::Samples(self.samples));
        }
        if !(self.noise.is_finite() && (0.0..=1.0).contains(&self.noise)) {
            return Err(SettingsError::Noise(self.noise));
        }
        if !(self.close_call.is_finite() && (0.0..=1.0).contains(&self.close_call)) {
            return Err(SettingsError::CloseCall(self.close_call));
        }
        Ok(self)
    }
}

/// Settings that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// More samples than [`MAX_SAMPLES`] were asked for (the count asked).
    #[error("at most {MAX_SAMPLES} robustness samples can be drawn; got {0}")]
    Samples(usize),
    #[error(
        "the robustness noise must be between 0 and 1 (capability strengths run 0 to 1); got {0}"
    )]
    /// The noise is not a finite number in 0..=1 (the value given).
    Noise(f64),
    /// The close-call threshold is not a finite share in 0..=1 (the value given).
    #[error("the close-call threshold must be a share between 0 and 1; got {0}")]
    CloseCall(f64),
}

/// The assessment of one line-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    /// Most samples asked for.
    pub samples: usize,
    /// Samples drawn: in batches, until every role's close-call status is settled (its 95%
    /// interval clear of the threshold), at most `samples`.
    pub drawn: usize,
    /// Of those, samples solved: fewer only when a time limit ran out.
    pub solved: usize,
    /// The seed the samples were drawn with.
    pub seed: u64,
    /// Half-width of the perturbation of assumed capabilities (see [`Settings::noise`]).
    pub noise: f64,
    /// The close-call threshold.
    pub close_call: f64,
    /// The line-up or some re-optimisation was stopped by the time limit: the figures are
    /// approximate.
    pub approximate: bool,
    /// Every role held, sorted by role id, then partner id (as the assignments).
    pub roles: Vec<Held>,
    /// Ties and roles kept in fewer than `close_call` of the samples, closest first.
    pub close_calls: Vec<CloseCall>,
}

impl Robustness {
    /// The assessment of `partner` holding `role`.
    pub fn held(&self, partner: &str, role: &str) -> Option<&Held> {
        self.roles
            .iter()
            .find(|h| h.partner == partner && h.role == role)
    }
}

/// How robust one partner's hold on one role is.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// The holder's partner id.
    pub partner: String,
    /// The role's id.
    pub role: String,
    /// It leads the role (what the stability and the runner-up are about).
    pub lead: bool,
    /// The role takes several partners: for its lead, the margin is what the line-up loses
    /// with another partner leading (it may stay on as a supporter).
    pub shared: bool,
    /// The facilitator pinned the partner to the role: it is not re-optimised and never a close
    /// call.
    pub pinned: bool,
    /// What the role is worth to the line-up in the holder's hands: importance x fit (x the
    /// supporter's share for a supporting partner).
    pub value: f64,
    /// What the line-up loses without this partner in the role.
    pub margin: Margin,
    /// Who holds the role (leads it, for a lead) in the best line-up without this partner in
    /// it; `None`: nobody takes its place.
    pub runner_up: Option<String>,
    /// The runner-up's fit for the role (0 to 1); `None` when there is no runner-up.
    pub runner_up_fit: Option<f64>,
    /// When the margin is an exact tie: what made the holder win.
    pub tie: Option<TieBreak>,
    /// Share of the solved samples in which the partner still holds (leads) the role; 1 when no
    /// sample was solved.
    pub stability: f64,
    /// Samples in which it does.
    pub kept: usize,
    /// Who holds it instead in the other samples (`None`: nobody), most often first.
    pub instead: Vec<Instead>,
}

impl Held {
    /// A tie, or kept in fewer samples than the threshold: a close call (never a pinned role,
    /// which the facilitator decided).
    pub fn is_close(&self, threshold: f64) -> bool {
        !self.pinned && (self.tie.is_some() || self.stability < threshold)
    }
}

/// The objective lost without the holder in the role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Margin {
    /// Objective points lost (0 within [`TIE`]: an exact tie).
    Points(f64),
    /// Pinned by the facilitator: not re-optimised.
    Pinned,
    /// No line-up satisfies the hard constraints without it.
    Required,
    /// The time limit ran out before the re-optimisation found a line-up.
    Unknown,
}

impl Margin {
    /// The objective points lost, if the margin is a number (not pinned, required or unknown).
    pub fn points(self) -> Option<f64> {
        match self {
            Margin::Points(v) => Some(v),
            _ => None,
        }
    }
}

/// What decided an exact tie for the holder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TieBreak {
    /// The holder states more of the role's capabilities than the runner-up.
    StatedEvidence {
        /// How much of the role's needs the holder states.
        holder: Evidence,
        /// How much of them the runner-up states.
        runner_up: Evidence,
    },
    /// Both state as much; the holder comes first in id order.
    IdOrder {
        /// How much of the role's needs the holder states (as much as the runner-up).
        holder: Evidence,
        /// How much of them the runner-up states.
        runner_up: Evidence,
    },
    /// Other roles move too: the tie-break over the whole line-up decided.
    LineUp,
    /// Leaving the role open is worth as much.
    Open,
}

/// How many of the capabilities a role needs a partner states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evidence {
    /// Capabilities the role needs that the partner states in the scenario.
    pub stated: usize,
    /// Capabilities the role needs in all.
    pub needed: usize,
}

/// Another holder in the perturbed samples, and in how many.
#[derive(Debug, Clone, PartialEq)]
pub struct Instead {
    /// `None`: nobody holds the role.
    pub partner: Option<String>,
    /// Samples in which that partner (or nobody) holds the role.
    pub samples: usize,
}

/// A close call and what flips it.
#[derive(Debug, Clone, PartialEq)]
pub struct CloseCall {
    /// The holder's partner id.
    pub partner: String,
    /// The role's id.
    pub role: String,
    /// The holder leads the role (rather than supporting it).
    pub lead: bool,
    /// The margin is an exact tie (within [`TIE`]).
    pub tie: bool,
    /// Share of the solved samples in which the holder keeps the role (0 to 1).
    pub stability: f64,
    /// What the line-up loses without the holder in the role.
    pub margin: Margin,
    /// Who holds the role in the best line-up without the holder; `None`: nobody.
    pub runner_up: Option<String>,
    /// The most frequent other holder in the samples.
    pub instead: Option<Instead>,
    /// A first-order estimate of the smallest change of one capability that hands the role to
    /// the runner-up.
    pub flip: Option<Flip>,
}

/// "A drop of about 0.06 in msas's assumed interagency_coordination would hand it to rm_dakar".
#[derive(Debug, Clone, PartialEq)]
pub struct Flip {
    /// Whose capability: the holder's (a drop) or the runner-up's (a rise).
    pub partner: String,
    /// The capability's id.
    pub capability: String,
    /// Stated in the scenario (else assumed: a sector or type default).
    pub stated: bool,
    /// The capability's strength now (0 to 1), before the change.
    pub strength: f64,
    /// A drop of the holder's capability (else a rise of the runner-up's).
    pub drop: bool,
    /// How far it moves (0 for a tie: the slightest move flips it).
    pub change: f64,
    /// Who would get the role; `None`: nobody.
    pub to: Option<String>,
}

/// Partner-role pairs the optimiser may choose from: those no rule or refusal blocks.
pub fn open_pairs(p: &Problem) -> usize {
    p.blocked.iter().flatten().filter(|b| b.is_none()).count()
}

/// Why a line-up is not assessed although the settings ask for samples, in the report's words:
/// it is larger than `max_pairs`.
pub fn skipped(p: &Problem, settings: &Settings) -> Option<String> {
    let limit = settings.max_pairs?;
    let pairs = open_pairs(p);
    (settings.samples > 0 && pairs > limit).then(|| {
        format!(
            "Robustness not assessed: {pairs} open partner-role pairs, above the {limit} assessed by \
             default (each sample re-solves the whole line-up); pass --robustness-samples N to assess it."
        )
    })
}

/// Assesses every role held in a solved line-up; `None` when the settings turn it off, the
/// line-up is too large for them ([`skipped`]), or there is no line-up. Re-optimisations share
/// one budget: the time limit of `opts`, if any, counted from now, and never past its deadline
/// (a command's `--time-limit` bounds the whole command, the assessment included); what it cuts
/// short makes the figures approximate.
pub fn assess(
    p: &Problem,
    m: &Milp,
    solved: &Solved,
    settings: &Settings,
    opts: &solve::Options,
) -> Result<Option<Robustness>, SolveError> {
    assess_with(p, m, solved, settings, opts, Start::Relax)
}

/// [`assess`] starting from a relaxation already solved (`relaxation`, as
/// [`solve::solve_relaxed`] returns it with `solved`), instead of solving it again; `None`:
/// there is none (its optimum is fractional, or the backend is not microlp), so every
/// re-optimisation is a full solve. What `rolefit solve` runs.
pub fn assess_relaxed(
    p: &Problem,
    m: &Milp,
    solved: &Solved,
    relaxation: Option<&solve::Relaxation>,
    settings: &Settings,
    opts: &solve::Options,
) -> Result<Option<Robustness>, SolveError> {
    assess_with(p, m, solved, settings, opts, Start::Given(relaxation))
}

/// Solves the model as [`solve::solve`] does, keeping its relaxation for [`assess_relaxed`]
/// when the settings assess the line-up ([`solve::solve_relaxed`]): a solve followed by its
/// assessment then solves the relaxation once.
pub fn solve_for(
    p: &Problem,
    m: &Milp,
    settings: &Settings,
    opts: &solve::Options,
) -> Result<(Solved, Option<solve::Relaxation>), SolveError> {
    if applies(p, settings) {
        solve::solve_relaxed(p, m, opts)
    } else {
        solve::solve(p, m, opts).map(|solved| (solved, None))
    }
}

/// Whether the settings assess `p`'s line-up: samples asked for and the line-up not too large
/// for them ([`skipped`]).
pub fn applies(p: &Problem, settings: &Settings) -> bool {
    settings.samples > 0 && skipped(p, settings).is_none()
}

/// [`assess`] with every re-optimisation a full solve from scratch (no [`solve::Relaxation`]):
/// what the warm path is checked against (`tests/robust_warm.rs`) and measured beside.
#[doc(hidden)]
pub fn assess_from_scratch(
    p: &Problem,
    m: &Milp,
    solved: &Solved,
    settings: &Settings,
    opts: &solve::Options,
) -> Result<Option<Robustness>, SolveError> {
    assess_with(p, m, solved, settings, opts, Start::Given(None))
}

/// Where an assessment's re-optimisations start.
enum Start<'a> {
    /// From the model's relaxation, solved here.
    Relax,
    /// From this relaxation (`None`: every one a full solve).
    Given(Option<&'a solve::Relaxation>),
}

fn assess_with(
    p: &Problem,
    m: &Milp,
    solved: &Solved,
    settings: &Settings,
    opts: &solve::Options,
    start: Start,
) -> Result<Option<Robustness>, SolveError> {
    let Some(a) = solved.assignment.as_ref() else {
        return Ok(None);
    };
    if !applies(p, settings) {
        return Ok(None);
    }
    // Every re-optimisation runs on rayon's pool (the margins, then batches of samples, each
    // in parallel), entered once here rather than at each parallel step: from a thread outside
    // the pool every entry hands the work over and sleeps until it is done, and those
    // hand-offs had been a sixth of a small line-up's assessment.
    rayon::scope(|_| assess_in_pool(p, m, (solved, a), settings, opts, start))
}

/// [`assess_with`] for the line-up `a` of `solved`, on a thread of rayon's pool.
fn assess_in_pool(
    p: &Problem,
    m: &Milp,
    (solved, a): (&Solved, &Assignment),
    settings: &Settings,
    opts: &solve::Options,
    start: Start,
) -> Result<Option<Robustness>, SolveError> {
    let budget = Budget {
        deadline: opts.end(Instant::now()),
    };
    let held = held_pairs(p, a);
    // The model's relaxation at its optimum, solved once: every re-optimisation below starts
    // from it and needs a full solve only when its relaxation is not integral.
    let solved_here;
    let relaxation = match start {
        Start::Given(given) => given,
        Start::Relax => {
            solved_here = match budget.left() {
                Some(None) => None,
                limit if opts.backend == solve::Backend::Microlp => {
                    solve::Relaxation::new(m, limit.flatten())
                }
                _ => None,
            };
            solved_here.as_ref()
        }
    };
    let sampler = sample::Sampler {
        p,
        m,
        a,
        held: &held,
        settings,
        backend: opts.backend,
        relaxation,
        budget: &budget,
    };
    let mut sampling = sampler.start();
    // The first batch of samples does not depend on the margins (only whether more are drawn
    // does), so both run in one parallel step.
    let (margins, first) = rayon::join(
        || margin::margins(p, m, a, &held, opts.backend, relaxation, &budget),
        || sampler.draw(&sampling),
    );
    let margins = margins?;
    sampler.record(&mut sampling, first?);
    let open: Vec<bool> = (0..held.len())
        .map(|k| {
            let (i, j, _) = held[k];
            !p.is_pinned(i, j) && margins[k].tie.is_none()
        })
        .collect();
    let tally = sampler.finish(sampling, &open)?;
    if let Some(r) = relaxation {
        let (settled, missed) = r.counts();
        tracing::debug!(
            settled,
            missed,
            on_tableau = r.on_tableau(),
            cuts = r.cuts(),
            "re-optimisations from the relaxation's optimum"
        );
    }
    let mut approximate =
        solved.status != Status::Optimal || tally.solved < tally.drawn || tally.unproven;
    let mut roles = Vec::with_capacity(held.len());
    for (k, &(i, j, lead)) in held.iter().enumerate() {
        let out = &margins[k];
        approximate |= !out.proven;
        let kept = tally.kept[k];
        let stability = if tally.solved == 0 {
            1.0
        } else {
            kept as f64 / tally.solved as f64
        };
        roles.push(Held {
            partner: p.partners[i].id.clone(),
            role: p.role_id(j).to_string(),
            lead,
            shared: p.needs[j].max > 1,
            pinned: p.is_pinned(i, j),
            value: role_value(p, i, j, lead),
            margin: out.margin,
            runner_up: out.runner_up.map(|r| p.partners[r].id.clone()),
            runner_up_fit: out.runner_up.map(|r| p.fit[r][j]),
            tie: out.tie,
            stability,
            kept,
            instead: tally.instead[k]
                .iter()
                .map(|&(who, n)| Instead {
                    partner: who.map(|r| p.partners[r].id.clone()),
                    samples: n,
                })
                .collect(),
        });
    }
    let close_calls = flip::close_calls(p, &held, &roles, &margins, settings.close_call);
    Ok(Some(Robustness {
        samples: settings.samples,
        drawn: tally.drawn,
        solved: tally.solved,
        seed: settings.seed,
        noise: settings.noise,
        close_call: settings.close_call,
        approximate,
        roles,
        close_calls,
    }))
}

/// Every (partner, need, leads) of the line-up, by need (role id order), then partner (id order):
/// the order of the assignments.
fn held_pairs(p: &Problem, a: &Assignment) -> Vec<(usize, usize, bool)> {
    (0..p.needs.len())
        .flat_map(|j| {
            (0..p.partners.len())
                .filter(move |&i| a.holds[i][j])
                .map(move |i| (i, j, a.lead[j] == Some(i)))
        })
        .collect()
}

/// The share of importance x fit a holder earns: all of it for a lead (or a need of one
/// partner), the support weight for a supporter.
fn share(p: &Problem, j: usize, lead: bool) -> f64 {
    if lead || p.needs[j].max <= 1 {
        1.0
    } else {
        p.kb.settings.support_weight
    }
}

fn role_value(p: &Problem, i: usize, j: usize, lead: bool) -> f64 {
    p.importance(j) * p.fit[i][j] * share(p, j, lead)
}

/// Who takes a holder's place in another line-up `b`: the lead of the need for a lead; for a
/// supporter, the first partner (id order) holding it in `b` but not in `a`.
fn replacement(a: &Assignment, b: &Assignment, j: usize, lead: bool) -> Option<usize> {
    if lead {
        b.lead[j]
    } else {
        (0..b.holds.len()).find(|&k| b.holds[k][j] && !a.holds[k][j])
    }
}

/// The time the re-optimisations may still take, when a time limit was given.
struct Budget {
    deadline: Option<Instant>,
}

impl Budget {
    /// `None` without a limit; `Some(None)` once it ran out.
    fn left(&self) -> Option<Option<Duration>> {
        self.deadline.map(|d| {
            let left = d.saturating_duration_since(Instant::now());
            (!left.is_zero()).then_some(left)
        })
    }
}

#[cfg(test)]
mod tests;
