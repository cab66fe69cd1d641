//! What each partner adds to the partnership: the worth of any coalition of partners (the
//! optimum of the line-up restricted to it), leave-one-out values, Shapley values (exact, or
//! sampled with confidence intervals), and each partner's share of the value against its
//! share of the work.
//!
//! One engine ([`Game`]) values coalitions; [`shapley`] turns worths into shares; [`account()`]
//! puts them beside the recommended line-up as plain data ([`ValueReport`]) for the renderers.

pub mod account;
mod game;
pub mod shapley;

pub use account::{Balance, PartnerValue, ValueReport, account};
pub use game::Game;
pub use shapley::{EXACT_MAX, Method, SampleReport, Sampling, Shares, Stop, exact, sampled};

/// Why a valuation could not be completed.
#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    /// A coalition's solve failed or ran out of time.
    #[error(transparent)]
    Solve(#[from] crate::solve::SolveError),
    /// The full line-up has no solution satisfying the hard constraints.
    #[error(
        "{scenario}: the full line-up has no solution satisfying the hard constraints, so no coalition can be valued; `rolefit solve` names the demands that contradict each other"
    )]
    Infeasible {
        /// The scenario's name.
        scenario: String,
    },
    /// Exact Shapley values were asked for more partners than can be valued exactly.
    #[error(
        "exact Shapley values need every coalition of the {partners} partners who can take a role (2^{partners} line-ups); at most {most} are valued exactly: use `--method sampled`"
    )]
    TooLarge {
        /// Partners who can take a role (non-inert), whose every coalition would be valued.
        partners: usize,
        /// The most partners valued exactly ([`EXACT_MAX`]).
        most: usize,
    },
    /// The time limit ran out before the valuation was complete.
    #[error("the time limit ran out after {solves} line-ups, {}", during.words())]
    OutOfTime {
        /// Line-ups solved before the limit.
        solves: usize,
        /// What the limit interrupted.
        during: Stage,
    },
    /// The sampling settings cannot be used (what is wrong with them).
    #[error("{0}")]
    Settings(String),
}

/// What the time limit interrupted, for a message that says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Valuing the full line-up and nobody, before any share.
    Setup,
    /// The exact method's coalitions.
    Coalitions,
    /// The sampled method's leave-one-out values and first two orders of arrival.
    Sampling,
}

impl Stage {
    fn words(self) -> &'static str {
        match self {
            Stage::Setup => "before the full line-up was proven best; raise --time-limit",
            Stage::Coalitions => {
                "before every coalition was valued; raise --time-limit or use `--method sampled`, which stops with the precision reached"
            }
            Stage::Sampling => {
                "before the leave-one-out values and two random orders of arrival (the fewest an interval needs) were valued; raise --time-limit"
            }
        }
    }
}

impl ValueError {
    /// The same error, saying which stage the time limit interrupted.
    pub fn during(self, stage: Stage) -> ValueError {
        match self {
            ValueError::OutOfTime { solves, .. } => ValueError::OutOfTime {
                solves,
                during: stage,
            },
            other => other,
        }
    }
}
