//! `rolefit additionality`: would the partnership do as well without a funder's money?

use super::{
    EXIT_FLAGGED, EXIT_OK, Timings, chosen_line_up, deliver, report_format, severity, solve_options,
};
use crate::cli::AdditionalityArgs;
use rolefit::Error;
use rolefit::report;

pub fn run(args: &AdditionalityArgs) -> Result<u8, Error> {
    let options = solve_options(&args.solver)?;
    let (kb, _, line_up) = chosen_line_up(args, &mut Timings::default())?;
    let analysis = rolefit::additionality::analyse(&kb, &line_up, &args.funder, &options)?;
    let (format, style) = report_format(args.format, args.output.as_deref());
    let text = report::additionality::render(&analysis, format, style);
    deliver(args.output.as_deref(), &text)?;
    let flagged = args
        .fail_on
        .map(severity)
        .is_some_and(|limit| analysis.flags.iter().any(|f| f.severity >= limit));
    Ok(if flagged { EXIT_FLAGGED } else { EXIT_OK })
}
