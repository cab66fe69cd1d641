//! `rolefit brief`: one page per partner answering the framework's four guiding questions.

use super::{EXIT_OK, Timings, chosen_line_up, deliver, robustness, solve_options};
use crate::cli::{BriefArgs, BriefFormat};
use rolefit::Error;
use rolefit::brief;
use rolefit::diag::closest;

pub fn run(args: &BriefArgs) -> Result<u8, Error> {
    let options = solve_options(&args.solver)?;
    let settings = robustness(&args.robustness)?;
    let (kb, scenario, line_up) = chosen_line_up(args, &mut Timings::default())?;
    for id in &args.partner {
        if line_up.partner_index(id).is_none() {
            return Err(super::usage::UsageError::NoSuchPartner {
                id: id.clone(),
                file: scenario.file.clone(),
                suggestion: closest(id, line_up.partners.iter().map(|p| p.id.as_str()))
                    .map(str::to_string),
            }
            .into());
        }
    }
    let mut b = brief::brief_line_up(&kb, &line_up, &options, &settings)?;
    if !args.partner.is_empty() {
        b.retain(&args.partner);
    }
    let text = match args.format {
        BriefFormat::Markdown => rolefit::report::brief::markdown::render(&b),
        BriefFormat::Html => rolefit::report::brief::html::render(&b),
    };
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}
