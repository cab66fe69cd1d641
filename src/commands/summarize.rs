//! `rolefit summarize`: what drives the outcomes of a sweep.

use super::{EXIT_OK, deliver};
use crate::cli::{SummarizeArgs, SummaryFormat};
use rolefit::Error;
use rolefit::load::LoadError;
use rolefit::report::summary as render;
use rolefit::summarize::{self, Choice, SummaryError};
use rolefit::sweep::table::TableError;

pub fn run(args: &SummarizeArgs) -> Result<u8, Error> {
    let share = |flag: &'static str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(Error::from(super::usage::UsageError::Share {
                flag,
                given: v,
            }))
        }
    };
    let choice = match (args.box_step, args.min_coverage, args.min_density) {
        (Some(k), _, _) => Choice::Step(k),
        (_, Some(c), _) => Choice::MinCoverage(share("--min-coverage", c)?),
        (_, _, Some(d)) => Choice::MinDensity(share("--min-density", d)?),
        _ => Choice::Densest,
    };
    if choice != Choice::Densest && args.outcome.is_none() {
        return Err(super::usage::UsageError::BoxWithoutOutcome.into());
    }
    let opts = summarize::Options {
        outcome: args.outcome.clone(),
        bins: args.bins,
        min_mass: args.min_mass,
        choice,
    };
    let summary = summarize::summarize(&args.file, &opts).map_err(|e| match e {
        SummaryError::Table(TableError::Io { path, source }) => {
            Error::Load(LoadError::Read { path, source })
        }
        other => Error::Arguments(Box::new(other)),
    })?;
    let text = match args.format {
        SummaryFormat::Text => render::text(&summary),
        SummaryFormat::Markdown => render::markdown(&summary),
        SummaryFormat::Json => rolefit::report::to_json(&render::json(&summary)),
        SummaryFormat::Html => render::html(&summary),
    };
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}
