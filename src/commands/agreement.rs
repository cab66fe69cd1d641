//! `rolefit agreement`: the roles-and-responsibilities annex of a memorandum of understanding.

use super::{
    EXIT_OK, Timings, apply_all, deliver, load_scenario, pick_line_up, solve_options, what_ifs,
};
use crate::cli::{AgreementArgs, AgreementFormat};
use rolefit::Error;
use rolefit::agreement;

pub fn run(args: &AgreementArgs) -> Result<u8, Error> {
    let (kb, scenario) = load_scenario(&args.input, &mut Timings::default())?;
    let opts = solve_options(&args.solver)?;
    let mut line_up = pick_line_up(&scenario, args.variant.as_deref())?;
    apply_all(&kb, &mut line_up, &what_ifs(&kb, &args.what_if)?)?;
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
        AgreementFormat::Markdown => agreement::markdown(&a),
        AgreementFormat::Html => agreement::html(&a),
    };
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}
