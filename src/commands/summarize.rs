//! `rolefit summarize`: what drives the outcomes of a sweep.

use super::{EXIT_OK, emit, write_file};
use crate::Error;
use crate::cli::{SummarizeArgs, SummaryFormat};
use crate::summarize::{self, SummaryError, render};

pub fn run(args: &SummarizeArgs) -> Result<u8, Error> {
    let opts = summarize::Options {
        outcome: args.outcome.clone(),
        bins: args.bins,
        min_mass: args.min_mass,
    };
    let summary = summarize::summarize(&args.file, &opts).map_err(|e| match e {
        SummaryError::Io { path, source } if source.kind() != std::io::ErrorKind::NotFound => {
            Error::Write { path, source }
        }
        other => Error::Usage(other.to_string()),
    })?;
    let text = match args.format {
        SummaryFormat::Text => render::text(&summary),
        SummaryFormat::Markdown => render::markdown(&summary),
        SummaryFormat::Json => render::json(&summary),
        SummaryFormat::Html => render::html(&summary),
    };
    match &args.output {
        Some(path) => write_file(path, &text)?,
        None => emit(&text)?,
    }
    Ok(EXIT_OK)
}
