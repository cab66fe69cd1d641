//! `rolefit rules list|show`: the knowledge base in force.

use super::{EXIT_OK, emit, knowledge};
use crate::cli::{CheckFormat, RulesAction, RulesArgs};
use rolefit::Error;
use rolefit::report;

pub fn run(args: &RulesArgs) -> Result<u8, Error> {
    let kb = knowledge(&args.rules)?;
    let json = args.format == CheckFormat::Json;
    let text = match &args.action {
        None | Some(RulesAction::List) => {
            if json {
                report::to_json(&rolefit::report::rules::json::list(&kb))
            } else {
                rolefit::report::rules::text::list(&kb)
            }
        }
        Some(RulesAction::Show { id }) => {
            let shown = if json {
                rolefit::report::rules::json::show(&kb, id).map(|v| report::to_json(&v))
            } else {
                rolefit::report::rules::text::show(&kb, id)
            };
            match shown {
                Some(t) => t,
                None => {
                    let mut known: Vec<&str> = Vec::new();
                    known.extend(kb.sectors.iter().map(|s| s.id.as_str()));
                    known.extend(kb.roles.iter().map(|r| r.id.as_str()));
                    known.extend(kb.rules.iter().map(|r| r.id.as_str()));
                    known.extend(kb.capabilities.iter().map(|c| c.id.as_str()));
                    known.extend(kb.traits.iter().map(|t| t.id.as_str()));
                    known.extend(kb.attributes.iter().map(|t| t.id.as_str()));
                    known.extend(kb.types.iter().map(|t| t.id.as_str()));
                    return Err(super::usage::UsageError::NotInKnowledgeBase {
                        id: id.clone(),
                        suggestion: rolefit::DidYouMean::among(id, known),
                    }
                    .into());
                }
            }
        }
    };
    emit(&text)?;
    Ok(EXIT_OK)
}
