//! `rolefit brief`: one page per partner answering the framework's four guiding questions.

use super::{EXIT_OK, emit, rule_documents, select_line_up, write_file};
use crate::Error;
use crate::brief;
use crate::cli::{BriefArgs, BriefFormat};
use crate::diag::closest;
use crate::load::{Document, read_source};

pub fn run(args: &BriefArgs) -> Result<u8, Error> {
    let kb = crate::knowledge_base(rule_documents(&args.rules)?)?;
    let doc = Document::parse(read_source(&args.scenario)?);
    let scenario = crate::validate_scenario(&kb, &doc)?;
    let line_up = select_line_up(&scenario, args.variant.as_deref())?;
    for id in &args.partner {
        if line_up.partner_index(id).is_none() {
            let hint = closest(id, line_up.partners.iter().map(|p| p.id.as_str()))
                .map(|c| format!("; did you mean {c:?}?"))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "--partner {id:?}: no such partner in the line-up of {}{hint}",
                scenario.file
            )));
        }
    }
    let mut b = brief::brief_line_up(&kb, &line_up, &Default::default())?;
    if !args.partner.is_empty() {
        b.retain(&args.partner);
    }
    let text = match args.format {
        BriefFormat::Markdown => brief::markdown::render(&b),
        BriefFormat::Html => brief::html::render(&b),
    };
    match &args.output {
        Some(path) => write_file(path, &text)?,
        None => emit(&text)?,
    }
    Ok(EXIT_OK)
}
