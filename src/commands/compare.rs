//! `rolefit compare`: the base line-up and its variants side by side.

use super::{EXIT_OK, Timings, deliver, load_scenario, robustness, solve_options, what_ifs};
use crate::cli::{CompareArgs, ReportFormat};
use rolefit::Error;
use rolefit::report::{compare as render, to_json};

pub fn run(args: &CompareArgs) -> Result<u8, Error> {
    let options = solve_options(&args.solver)?;
    let settings = robustness(&args.robustness)?;
    let mut t = Timings::default();
    let (kb, scenario) = load_scenario(&args.input, &mut t)?;
    let base = scenario.base();
    let mut others = Vec::new();
    if args.variant.is_empty() {
        others.extend(scenario.variants.iter().map(|v| scenario.line_up(v)));
    } else {
        for name in &args.variant {
            others.push(rolefit::line_up(&scenario, Some(name))?);
        }
    }
    let changes = what_ifs(&kb, &args.what_if)?;
    if !changes.is_empty() {
        let mut l = scenario.base();
        rolefit::apply_what_ifs(&kb, &mut l, &changes)?;
        others.push(l);
    }
    if others.is_empty() {
        return Err(super::usage::UsageError::NothingToCompare(scenario.file.clone()).into());
    }
    let comparison = rolefit::compare::compare(&kb, &base, &others, &options, &settings)?;
    let text = match args.format {
        ReportFormat::Text => render::text(&comparison),
        ReportFormat::Markdown => render::markdown(&comparison),
        ReportFormat::Json => to_json(&render::json(&comparison)),
        ReportFormat::Html => rolefit::report::compare::html::render(&comparison),
    };
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}
