//! The report of one solved line-up (`rolefit solve`): the same [`Outcome`] as terminal text,
//! Markdown, JSON or an HTML page; `money` holds the words every format uses for a money account.

pub mod html;
pub mod json;
pub(crate) mod markdown;
pub mod money;
pub(crate) mod text;

use super::{Format, Style};
use crate::explain::Outcome;

/// A solved line-up in the chosen format.
pub fn render(outcome: &Outcome, format: Format, style: Style) -> String {
    match format {
        Format::Text => text::render(outcome, style),
        Format::Json => super::to_json(&json::outcome_json(outcome)),
        Format::Markdown => markdown::render(outcome),
        Format::Html => html::render(outcome),
    }
}
