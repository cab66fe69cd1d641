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
    #[error(transparent)]
    Solve(#[from] crate::solve::SolveError),
    #[error(
        "{scenario}: the full line-up has no solution satisfying the hard constraints, so no coalition can be valued; `rolefit solve` names the demands that contradict each other"
    )]
    Infeasible { scenario: String },
    #[error(
        "exact Shapley values need every coalition of the {partners} partners who can take a role (2^{partners} line-ups); at most {most} are valued exactly: use `--method sampled`"
    )]
    TooLarge { partners: usize, most: usize },
    #[error(
        "the time limit ran out after {solves} line-ups, before every coalition was valued; raise --time-limit or use `--method sampled`, which stops with the precision reached"
    )]
    OutOfTime { solves: usize },
    #[error("{0}")]
    Settings(String),
}
