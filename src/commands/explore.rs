//! `rolefit recommend`, `recruit` and `fragility`: ranked answers around one line-up.

use super::usage::UsageError;
use super::{EXIT_OK, Timings, chosen_line_up, deliver, solve_options};
use crate::cli::{ExploreArgs, RecommendArgs, ReportFormat};
use rolefit::DidYouMean;
use rolefit::Error;
use rolefit::explore::{self, Exploration};
use rolefit::kb::KnowledgeBase;
use rolefit::report::{explore as render, to_json};
use rolefit::scenario::{LineUp, Scenario};
use rolefit::solve::Options;

/// Loads the scenario and builds the line-up the question is about.
fn prepare(args: &ExploreArgs) -> Result<(KnowledgeBase, Scenario, LineUp, Options), Error> {
    let options = solve_options(&args.solver)?;
    let (kb, scenario, line_up) = chosen_line_up(args, &mut Timings::default())?;
    Ok((kb, scenario, line_up, options))
}

fn show(args: &ExploreArgs, e: &Exploration) -> Result<u8, Error> {
    let text = match args.format {
        ReportFormat::Text => render::text(e),
        ReportFormat::Markdown => render::markdown(e),
        ReportFormat::Json => to_json(&render::json(e)),
        ReportFormat::Html => rolefit::report::explore::html::render(e),
    };
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}

pub fn recommend(args: &RecommendArgs) -> Result<u8, Error> {
    let (kb, _, line_up, options) = prepare(&args.explore)?;
    let e = match (&args.role, &args.partner) {
        (Some(role), _) => {
            let r = kb.role_by_id(role).ok_or_else(|| Error::UnknownRole {
                context: "--role".to_string(),
                role: role.clone(),
                suggestion: DidYouMean::among(role, kb.roles.iter().map(|r| r.id.as_str())),
            })?;
            if !line_up.needs.iter().any(|n| n.role == r) {
                return Err(UsageError::RoleNotNeeded(role.clone()).into());
            }
            explore::for_role(&kb, &line_up, r, &options)?
        }
        (None, Some(partner)) => explore::for_partner(&kb, &line_up, partner, &options)?,
        (None, None) => return Err(UsageError::RoleOrPartner.into()),
    };
    show(&args.explore, &e)
}

pub fn recruit(args: &ExploreArgs) -> Result<u8, Error> {
    let (kb, scenario, line_up, options) = prepare(args)?;
    let e = explore::recruit(&kb, &line_up, &scenario.candidates, &options)?;
    show(args, &e)
}

pub fn fragility(args: &ExploreArgs) -> Result<u8, Error> {
    let (kb, _, line_up, options) = prepare(args)?;
    let e = explore::fragility(&kb, &line_up, &options)?;
    show(args, &e)
}
