//! Scenario sweeps: many runs of the engine over a designed set of factor values, streamed to
//! a table that researchers load in pandas, polars or R.
//!
//! - [`spec`]: the sweep file (RON) -> a validated [`spec::Spec`] (factor paths resolved).
//! - [`design`]: full factorial, Latin hypercube and Monte Carlo points, by index.
//! - [`run`]: one run (point applied, solved, summarised); [`run::Plan`] is the compiled sweep.
//! - [`input`]: a sweep file and what it names read and compiled ([`load_plan`]).
//! - [`table`]: columns and rows, CSV or JSON Lines, written and read back.
//! - [`stream`]: parallel, ordered, resumable writing of a sweep or a shard.
//! - [`manifest`]: what a finished (or unfinished) output holds, checked when read.
//! - [`lock`]: one writer per output.
//! - [`rows`]: reading a table back line by line, bounded, with its digest.
//! - [`merge`]: shards -> the unsharded file.

pub mod design;
pub mod input;
pub mod lock;
pub mod manifest;
pub mod merge;
pub mod rows;
pub mod run;
pub mod spec;
pub mod stream;
pub mod table;

pub use input::{Loaded, load_plan};
pub use manifest::{Manifest, Shard};
pub use run::{Plan, RunResult, RunStatus};
pub use stream::{Options, Report, SweepError, execute};
pub use table::{Format, Layout};

use crate::diag::Diagnostics;
use crate::load::Document;
use crate::source::Source;

/// Reads a sweep from text (no file system): for tests, benchmarks and embedding. Scenario
/// paths are looked up in `scenarios` by the name written in the sweep.
pub fn from_text(text: &str, scenarios: &[(&str, &str)]) -> Result<Plan, crate::Error> {
    let doc = Document::parse(Source::new("sweep.ron", text));
    let (draft, diags) = spec::parse(&doc);
    let draft = draft.ok_or(crate::Error::Invalid(Diagnostics(diags)))?;
    let kb = crate::default_knowledge_base()?;
    let mut loaded = Vec::new();
    for s in &draft.scenarios {
        let Some((name, body)) = scenarios.iter().find(|(n, _)| *n == s.value) else {
            return Err(crate::Error::Arguments(
                format!("no scenario text for {:?}", s.value).into(),
            ));
        };
        loaded.push(crate::validate_scenario(
            &kb,
            &Document::parse(Source::new(*name, *body)),
        )?);
    }
    match spec::resolve(&draft, &doc, kb, loaded) {
        (Some(spec), _) => Ok(Plan::new(spec)),
        (None, d) => Err(crate::Error::Invalid(Diagnostics(d))),
    }
}
