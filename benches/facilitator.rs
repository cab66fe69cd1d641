//! Criterion benchmarks of the facilitator's commands (targets from issue 3 in
//! benches/README.md), each from the scenario's text to the JSON report, as the command does
//! once the file is read:
//!
//! - `compare/12x18-8-variants`: a generated 12-partner consortium needing all 18 roles with 8
//!   variants (partners removed, added, both), every line-up solved in parallel (target under
//!   200 ms end to end).
//! - `recommend/role/30x18`: who could take `research` among 30 partners, each re-optimising
//!   the rest (target under 1 s).
//! - `recommend/partner/30x18`: the inverse question for one partner (no target).
//! - `recruit/300-candidates/12x18`: the 12-partner consortium with a pool of 300 candidate
//!   organisations, each added and re-optimised (target under 2 s).
//!
//! `cargo bench --bench facilitator -- --test` runs each once (the CI smoke run).

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use rolefit::generate::{Spec, consortium};
use rolefit::kb::KnowledgeBase;
use rolefit::load::Document;
use rolefit::report::{compare, explore as render, to_json};
use rolefit::scenario::Scenario;
use rolefit::source::Source;
use std::hint::black_box;
use std::time::Duration;

const SEED: u64 = 20_240_601;
const ROLES: usize = 18;

fn kb() -> KnowledgeBase {
    rolefit::default_knowledge_base().expect("the built-in rules are valid")
}

fn scenario(kb: &KnowledgeBase, text: &str) -> Scenario {
    let doc = Document::parse(Source::new("generated.ron", text));
    rolefit::validate_scenario(kb, &doc).expect("the generated scenario is valid")
}

/// A generated consortium with `extra` (a field of `Scenario(...)`) added before its end.
fn with_field(base: &str, extra: &str) -> String {
    let end = base.rfind(')').expect("a scenario ends with `)`");
    format!("{}{extra}{}", &base[..end], &base[end..])
}

/// Eight variants of the generated 12-partner consortium: partners leave, join, or both.
const VARIANTS: &str = r#"    variants: [
        Variant(name: "without p000", remove: ["p000"]),
        Variant(name: "without p003", remove: ["p003"]),
        Variant(name: "without p006", remove: ["p006"]),
        Variant(name: "without both investors", remove: ["p001", "p002"]),
        Variant(name: "without p004 and p008", remove: ["p004", "p008"]),
        Variant(name: "with a university", add: [Partner(id: "uni", name: "University", sector: "academia")]),
        Variant(name: "with a foundation", add: [Partner(id: "fdn", name: "Foundation", sector: "impact_investor")]),
        Variant(name: "an NGO for p010", add: [Partner(id: "ngo", name: "NGO", sector: "civil_society")], remove: ["p010"]),
    ],
"#;

/// `candidates: [...]` with the partners of another generated consortium, renamed `c000`...
fn candidates(kb: &KnowledgeBase, n: usize) -> String {
    let pool = consortium(kb, &Spec::new(n, ROLES, 7));
    let mut out = String::from("    candidates: [\n");
    for line in pool
        .lines()
        .filter(|l| l.trim_start().starts_with("Partner("))
    {
        out.push_str(
            &line
                .replace("id: \"p", "id: \"c")
                .replace("name: \"Partner ", "name: \"Candidate "),
        );
        out.push('\n');
    }
    out.push_str("    ],\n");
    out
}

fn bench_facilitator(c: &mut Criterion) {
    let kb = kb();
    let options = rolefit::solve::Options::default();
    let twelve = consortium(&kb, &Spec::new(12, ROLES, SEED));
    let thirty = consortium(&kb, &Spec::new(30, ROLES, SEED));
    let variants = with_field(&twelve, VARIANTS);
    let pool = with_field(&twelve, &candidates(&kb, 300));
    assert_eq!(scenario(&kb, &variants).variants.len(), 8);
    assert_eq!(scenario(&kb, &pool).candidates.len(), 300);

    let mut group = c.benchmark_group("compare");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("12x18-8-variants", |b| {
        b.iter(|| {
            let s = scenario(&kb, black_box(&variants));
            let others: Vec<_> = s.variants.iter().map(|v| s.line_up(v)).collect();
            let cmp =
                rolefit::compare::compare(&kb, &s.base(), &others, &options, &Default::default())
                    .expect("every line-up solves");
            black_box(to_json(&compare::json(&cmp)))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("recommend");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(2));
    let research = kb.role_by_id("research").expect("a catalogue role");
    group.bench_function("role/30x18", |b| {
        b.iter(|| {
            let s = scenario(&kb, black_box(&thirty));
            let e = rolefit::explore::for_role(&kb, &s.base(), research, &options)
                .expect("the line-up solves");
            black_box(to_json(&render::json(&e)))
        })
    });
    group.bench_function("partner/30x18", |b| {
        b.iter(|| {
            let s = scenario(&kb, black_box(&thirty));
            let e = rolefit::explore::for_partner(&kb, &s.base(), "p003", &options)
                .expect("a partner of the line-up");
            black_box(to_json(&render::json(&e)))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("recruit");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("300-candidates/12x18", |b| {
        b.iter(|| {
            let s = scenario(&kb, black_box(&pool));
            let e = rolefit::explore::recruit(&kb, &s.base(), &s.candidates, &options)
                .expect("the line-up solves");
            black_box(to_json(&render::json(&e)))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_facilitator);
criterion_main!(benches);
