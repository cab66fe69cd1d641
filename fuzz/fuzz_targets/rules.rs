//! Rule-set loading: any bytes as a rule file, on top of the built-in rules and alone, give a
//! knowledge base or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolefit::load::Document;
use rolefit::source::Source;
use std::sync::OnceLock;

fn defaults() -> &'static [Document] {
    static DOCS: OnceLock<Vec<Document>> = OnceLock::new();
    DOCS.get_or_init(rolefit::kb::default_documents)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = Document::parse(Source::new("fuzz.ron", text));
    let mut docs = defaults().to_vec();
    docs.push(doc.clone());
    for docs in [docs, vec![doc]] {
        let (kb, diags) = rolefit::kb::load_rules(&docs);
        for d in &diags {
            let _ = d.render(false);
        }
        match kb {
            Some(kb) => {
                assert!(!diags.iter().any(|d| d.is_error()));
                let _ = rolefit::report::rules::text::list(&kb);
                let _ = rolefit::report::rules::json::list(&kb);
            }
            None => assert!(
                diags.iter().any(|d| d.is_error()),
                "a rule set refused without an error"
            ),
        }
    }
});
