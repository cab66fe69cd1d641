//! `rolefit additionality`: would the partnership do as well without a funder's money?

use super::line_up::{choose, load, time_limit};
use super::{EXIT_FLAGGED, EXIT_OK, colour_on_stdout, emit, severity, write_file};
use crate::Error;
use crate::cli::{AdditionalityArgs, ReportFormat};
use crate::report::{self, Format, Style};

pub fn run(args: &AdditionalityArgs) -> Result<u8, Error> {
    let time_limit = time_limit(args.time_limit)?;
    let (kb, scenario) = load(&args.rules, &args.scenario)?;
    let line_up = choose(&scenario, args.variant.as_deref())?;
    let options = crate::solve::Options {
        time_limit,
        ..Default::default()
    };
    let analysis = crate::funding::analyse(&kb, &line_up, &args.funder, &options)?;
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Markdown => Format::Markdown,
    };
    let style = Style {
        colour: args.output.is_none() && colour_on_stdout(),
    };
    let text = report::additionality::render(&analysis, format, style);
    match &args.output {
        Some(path) => write_file(path, &text)?,
        None => emit(&text)?,
    }
    let flagged = args
        .fail_on
        .map(severity)
        .is_some_and(|limit| analysis.flags.iter().any(|f| f.severity >= limit));
    Ok(if flagged { EXIT_FLAGGED } else { EXIT_OK })
}
