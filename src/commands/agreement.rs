//! `rolefit agreement`: the roles-and-responsibilities annex of a memorandum of understanding.

use super::{EXIT_OK, Timings, chosen_line_up, deliver, solve_options};
use crate::cli::{AgreementArgs, AgreementFormat};
use rolefit::Error;
use rolefit::agreement;

pub fn run(args: &AgreementArgs) -> Result<u8, Error> {
    let opts = solve_options(&args.solver)?;
    let (kb, scenario, line_up) = chosen_line_up(args, &mut Timings::default())?;
    if args.review_months == 0 || args.review_months > 120 {
        return Err(super::usage::UsageError::ReviewMonths(args.review_months).into());
    }
    let outcome = rolefit::solve_line_up(&kb, &line_up, &opts)?;
    let a = agreement::build(
        &kb,
        &scenario,
        &line_up,
        &outcome,
        &agreement::Options {
            review_months: args.review_months,
        },
    );
    let text = match args.format {
        AgreementFormat::Markdown => rolefit::report::agreement::markdown(&a),
        AgreementFormat::Html => rolefit::report::agreement::html(&a),
    };
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}
