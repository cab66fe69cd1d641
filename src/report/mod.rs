//! Renderers: each subject's data (a solved line-up, a comparison, a memo, a summary ...) as
//! terminal text, Markdown, JSON or HTML.
//!
//! One layout for every renderer: `report/<subject>/` holds `mod.rs` (the subject's entry points
//! and the words its formats share; long words in a module named for them, `outcome::money`) and
//! one file per format it has (`text.rs`, `markdown.rs`, `json.rs`, `html.rs`). Building blocks
//! used by more than one subject are in `shared/`, one file per format, with the one writer of
//! each table shape (`shared::text::Table`, `shared::markdown::{head, row}`,
//! `shared::html::Html::table_head`). JSON is always typed `Serialize` structs, fields declared
//! in output order, never `serde_json::json!`.

pub mod additionality;
pub mod agreement;
pub mod brief;
pub mod cases;
pub mod compare;
pub mod explore;
pub mod outcome;
pub mod rules;
pub mod shared;
pub mod summary;
pub mod value;
pub mod wall;

pub use shared::json::to_json;

/// The output format a renderer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for the terminal.
    Text,
    /// JSON for scripts, from typed `Serialize` structs.
    Json,
    /// Markdown for documents and issue trackers.
    Markdown,
    /// A self-contained printable HTML page.
    Html,
}

/// Options of the text renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (only on a terminal, and never with `NO_COLOR`).
    pub colour: bool,
}

/// A number with a fixed number of decimals, never `-0.00`: a value a hair below zero (an idle
/// partner's penalty, float noise in a sum) reads as zero at the precision shown.
pub fn num(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// [`num`] with its sign always written (`+0.00`, `-1.25`): a change against a base.
pub fn signed_num(v: f64, decimals: usize) -> String {
    let s = num(v, decimals);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

/// Partners named in a sentence: "a, b", or "nobody".
pub fn names_or_nobody(names: &[String]) -> String {
    if names.is_empty() {
        "nobody".to_string()
    } else {
        names.join(", ")
    }
}

/// The report of one solved line-up in a format (`rolefit solve`).
pub fn render(outcome: &crate::explain::Outcome, format: Format, style: Style) -> String {
    outcome::render(outcome, format, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by review: a value account showed "value -0.00" for a value a hair below zero.
    #[test]
    fn a_value_a_hair_below_zero_is_shown_as_0_00_not_minus() {
        assert_eq!(num(-0.001, 2), "0.00");
        assert_eq!(num(-0.0, 1), "0.0");
        assert_eq!(num(-0.006, 2), "-0.01");
        assert_eq!(signed_num(-0.004, 2), "+0.00");
        assert_eq!(signed_num(1.5, 2), "+1.50");
        assert_eq!(signed_num(-1.5, 0), "-2");
    }
}
