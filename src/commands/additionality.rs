//! `rolefit additionality`: would the partnership do as well without a funder's money?

use super::{
    EXIT_FLAGGED, EXIT_OK, Timings, apply_all, deliver, load_scenario, pick_line_up, report_format,
    severity, solve_options, what_ifs,
};
use crate::cli::AdditionalityArgs;
use rolefit::Error;
use rolefit::report;

pub fn run(args: &AdditionalityArgs) -> Result<u8, Error> {
    let options = solve_options(&args.solver)?;
    let (kb, scenario) = load_scenario(&args.input, &mut Timings::default())?;
    let mut line_up = pick_line_up(&scenario, args.variant.as_deref())?;
    apply_all(&kb, &mut line_up, &what_ifs(&kb, &args.what_if)?)?;
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
