//! Helpers the library's unit tests share: the built-in knowledge base and line-ups from
//! scenario text, so each test module states its scenarios, not how to load them.

use crate::kb::KnowledgeBase;
use crate::load::Document;
use crate::scenario::LineUp;
use crate::source::Source;

/// The built-in rules.
pub fn kb() -> KnowledgeBase {
    crate::default_knowledge_base().expect("built-in rules are valid")
}

/// The base line-up of a scenario given as text (a test's own scenario must be valid).
pub fn line_up(kb: &KnowledgeBase, text: &str) -> LineUp {
    let doc = Document::parse(Source::new("t.ron", text));
    crate::validate_scenario(kb, &doc)
        .expect("valid test scenario")
        .base()
}

/// The text of the shipped Dakar scenario.
pub fn dakar_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/cardio4cities-dakar.ron"
    ))
    .expect("the shipped Dakar scenario")
}
