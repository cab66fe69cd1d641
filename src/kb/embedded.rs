//! The default knowledge base: every `.ron` file under `rules/`, compiled into the binary.

use crate::load::Document;
use crate::source::Source;

/// `(path, text)` of each built-in rule file, sorted by path.
pub const DEFAULT_RULE_FILES: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The built-in rule files as sources, named so messages say they are built in.
pub fn default_sources() -> Vec<Source> {
    DEFAULT_RULE_FILES
        .iter()
        .map(|(path, text)| Source::new(format!("{path} (built-in)"), *text))
        .collect()
}

/// The built-in rule files, parsed.
pub fn default_documents() -> Vec<Document> {
    default_sources().into_iter().map(Document::parse).collect()
}
