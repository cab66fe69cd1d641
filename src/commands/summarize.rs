//! `rolefit summarize`: what drives the outcomes of a sweep.

use super::{EXIT_OK, deliver};
use crate::Error;
use crate::cli::{SummarizeArgs, SummaryFormat};
use crate::load::LoadError;
use crate::summarize::{self, SummaryError, render};

pub fn run(args: &SummarizeArgs) -> Result<u8, Error> {
    let opts = summarize::Options {
        outcome: args.outcome.clone(),
        bins: args.bins,
        min_mass: args.min_mass,
    };
    let summary = summarize::summarize(&args.file, &opts).map_err(|e| match e {
        SummaryError::Io { path, source } => Error::Load(LoadError::Read { path, source }),
        other => Error::Usage(other.to_string()),
    })?;
    let text = match args.format {
        SummaryFormat::Text => render::text(&summary),
        SummaryFormat::Markdown => render::markdown(&summary),
        SummaryFormat::Json => render::json(&summary),
        SummaryFormat::Html => render::html(&summary),
    };
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}
