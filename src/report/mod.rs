//! Renderers: the same [`Outcome`] as JSON, terminal text, Markdown or HTML.

pub mod additionality;
pub mod cases;
pub mod compare;
pub mod explore;
pub mod html;
mod json;
pub mod kb_json;
pub mod kb_text;
pub(crate) mod markdown;
mod text;
pub mod value;

pub use json::{diagnostic_json, flag_json, outcome_json, to_json};
pub use markdown::{escape as markdown_escape, render as markdown};
pub use text::render as text;

use crate::explain::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

/// Options of the text renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (only on a terminal, and never with `NO_COLOR`).
    pub colour: bool,
}

/// Partners named in a sentence: "a, b", or "nobody".
pub fn names_or_nobody(names: &[String]) -> String {
    if names.is_empty() {
        "nobody".to_string()
    } else {
        names.join(", ")
    }
}

pub fn render(outcome: &Outcome, format: Format, style: Style) -> String {
    match format {
        Format::Text => text(outcome, style),
        Format::Json => to_json(&outcome_json(outcome)),
        Format::Markdown => markdown(outcome),
        Format::Html => html::render(outcome),
    }
}
