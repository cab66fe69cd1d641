//! `rolefit summarize`: what drives the outcomes of a sweep.

use super::{EXIT_OK, deliver};
use crate::cli::{SummarizeArgs, SummaryFormat};
use rolefit::Error;
use rolefit::load::LoadError;
use rolefit::summarize::{self, Choice, SummaryError, render};

pub fn run(args: &SummarizeArgs) -> Result<u8, Error> {
    let share = |flag: &str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(Error::Usage(format!(
                "{flag} must be a share from 0 to 1; got {v}"
            )))
        }
    };
    let choice = match (args.box_step, args.min_coverage, args.min_density) {
        (Some(k), _, _) => Choice::Step(k),
        (_, Some(c), _) => Choice::MinCoverage(share("--min-coverage", c)?),
        (_, _, Some(d)) => Choice::MinDensity(share("--min-density", d)?),
        _ => Choice::Densest,
    };
    if choice != Choice::Densest && args.outcome.is_none() {
        return Err(Error::Usage(
            "--box, --min-coverage and --min-density choose a PRIM box: give --outcome too".into(),
        ));
    }
    let opts = summarize::Options {
        outcome: args.outcome.clone(),
        bins: args.bins,
        min_mass: args.min_mass,
        choice,
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
