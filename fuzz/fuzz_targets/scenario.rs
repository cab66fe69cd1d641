//! Scenario loading and validation: any bytes give a scenario or diagnostics, never a panic, and
//! every diagnostic points inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolefit::kb::KnowledgeBase;
use rolefit::load::Document;
use rolefit::source::Source;
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| rolefit::default_knowledge_base().expect("the built-in rules are valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = Document::parse(Source::new("fuzz.ron", text));
    let (scenario, diags) = rolefit::scenario::load_scenario(kb(), &doc);
    let lines = doc.source.text.lines().count().max(1) as u32 + 1;
    for d in &diags {
        assert!(d.line <= lines, "diagnostic past the end: {d}");
        let _ = d.render(true);
    }
    if let Some(s) = scenario {
        assert!(!diags.iter().any(|d| d.is_error()));
        for v in &s.variants {
            let _ = s.line_up(v);
        }
    } else {
        assert!(
            diags.iter().any(|d| d.is_error()),
            "a scenario refused without an error"
        );
    }
});
