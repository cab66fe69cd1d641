//! Load and solve with a small time limit: every valid scenario (base and variants) gets a line-up
//! or a named conflict, rendered in every format, in bounded time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolefit::kb::KnowledgeBase;
use rolefit::load::Document;
use rolefit::report::{Format, Style};
use rolefit::solve::{Options, Status};
use rolefit::source::Source;
use std::sync::OnceLock;
use std::time::Duration;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| rolefit::default_knowledge_base().expect("the built-in rules are valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = Document::parse(Source::new("fuzz.ron", text));
    let Ok(scenario) = rolefit::validate_scenario(kb(), &doc) else {
        return;
    };
    let opts = Options {
        time_limit: Some(Duration::from_millis(200)),
        ..Options::default()
    };
    let mut line_ups = vec![scenario.base()];
    line_ups.extend(
        scenario
            .variants
            .iter()
            .take(3)
            .map(|v| scenario.line_up(v)),
    );
    for line_up in &line_ups {
        let Ok(problem) = rolefit::model::Problem::try_new(kb(), line_up) else {
            continue;
        };
        let milp = rolefit::model::build(&problem);
        let _ = rolefit::model::lp::write(&problem, &milp);
        let Ok(solved) = rolefit::solve::solve(&problem, &milp, &opts) else {
            continue;
        };
        if solved.status == Status::Infeasible {
            assert!(solved.assignment.is_none());
        }
        // A few robustness samples: the assessment re-solves the model with pairs forbidden
        // and fits perturbed, under the same time limit.
        let settings = rolefit::robust::Settings {
            samples: 3,
            ..Default::default()
        };
        let Ok(assessed) = rolefit::robust::assess(&problem, &milp, &solved, &settings, &opts)
        else {
            continue;
        };
        if let Some(r) = &assessed {
            for h in &r.roles {
                assert!(
                    (0.0..=1.0).contains(&h.stability),
                    "stability {}",
                    h.stability
                );
            }
        }
        let outcome = rolefit::explain::with_robustness(&problem, &solved, assessed);
        for f in &outcome.assignments {
            assert!((0.0..=1.0).contains(&f.fit), "fit out of range: {}", f.fit);
        }
        let json = rolefit::report::render(&outcome, Format::Json, Style::default());
        let parsed: serde_json::Value =
            serde_json::from_str(&json).expect("the JSON report parses");
        assert!(parsed.is_object(), "the JSON report is one object");
        let _ = rolefit::report::render(&outcome, Format::Text, Style::default());
        let _ = rolefit::report::render(&outcome, Format::Markdown, Style::default());
    }
});
