//! Flags that cannot be used as given: the command line's own usage errors, each with what was
//! given, the message what to write instead. They reach `main` as `Error::Arguments` and exit
//! with status 2, like every other input the user must fix.

use rolefit::{DidYouMean, Error};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("--threads must be from 1 to {max}; got {given}")]
    Threads { given: usize, max: usize },
    #[error("cannot start {}: {reason}", match .count {
        Some(n) => format!("{n} worker threads"),
        None => "one worker thread per core".to_string(),
    })]
    WorkerPool {
        count: Option<usize>,
        reason: String,
    },
    #[error(
        "--solver {name:?} is not in this build; available: {} (others need their cargo feature, e.g. `--features highs`)",
        .available.join(", ")
    )]
    Solver {
        name: String,
        available: Vec<&'static str>,
    },
    #[error("--tighten must be auto, always or never; got {0:?}")]
    Tighten(String),
    #[error("--{flag} must be between {lo} and {hi} (exclusive); got {given}")]
    Between {
        flag: &'static str,
        lo: f64,
        hi: f64,
        given: f64,
    },
    #[error("--margin must be a share between 0 and 1 (e.g. 0.05 for 5 points); got {0}")]
    Margin(f64),
    #[error("--max-permutations must be at least 2 (an interval needs two draws); got {0}")]
    MaxPermutations(usize),
    #[error("{flag} must be a share from 0 to 1; got {given}")]
    Share { flag: &'static str, given: f64 },
    #[error("--box, --min-coverage and --min-density choose a PRIM box: give --outcome too")]
    BoxWithoutOutcome,
    #[error("--role: the scenario does not need `{0}`")]
    RoleNotNeeded(String),
    #[error("give --role ROLE or --partner ID")]
    RoleOrPartner,
    #[error("--partner {id:?}: no such partner in the line-up of {file}{}", match .suggestion {
        Some(c) => format!("; did you mean {c:?}?"),
        None => String::new(),
    })]
    NoSuchPartner {
        id: String,
        file: String,
        suggestion: Option<String>,
    },
    #[error(
        "`{id}` is not a sector, role, rule, capability, organisation type, trait or attribute of the knowledge base{suggestion}"
    )]
    NotInKnowledgeBase { id: String, suggestion: DidYouMean },
    #[error("no case files in {}: a case is a `.ron` file holding `Case(...)`",
        .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoCaseFiles(Vec<PathBuf>),
    #[error(
        "{0}: nothing to compare: the scenario has no variants; add `variants` or what-ifs (--without, --with, --pin, --forbid, --unfunded)"
    )]
    NothingToCompare(String),
    #[error("--needs: importance of `{role}` must be 1 to 5, got {given:?}")]
    Importance { role: String, given: String },
    #[error("--needs: `{0}` is listed twice")]
    ListedTwice(String),
    #[error("--needs lists no role")]
    NoNeeds,
    #[error("--name: {0}")]
    Name(String),
    #[error("--review-months is from 1 to 120, not {0}")]
    ReviewMonths(u32),
    #[error("--listen {0:?}: expected ADDRESS:PORT, e.g. 127.0.0.1:8080")]
    Listen(String),
    #[error("--variant: {0}")]
    Variant(String),
    #[error("no random numbers for the page's token: {0}")]
    NoRandomness(String),
    #[error("--out {}: name the file .csv or .jsonl, or give --format", .0.display())]
    TableFormat(PathBuf),
    #[error(
        "--out -: a sweep table is written to a file (it is resumed and merged from there); name one"
    )]
    TableToStdout,
    #[error(
        "--shard {given:?}: {why}; write K/N with 0 <= K < N (e.g. 0/4), or env/N to read SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX"
    )]
    Shard { given: String, why: String },
}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Error::Arguments(Box::new(e))
    }
}
