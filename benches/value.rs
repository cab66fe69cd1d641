//! Criterion benchmarks of the funder commands (targets from issue 4 in benches/README.md).
//!
//! - `additionality/<scenario>[@<variant>]/<funder>`: every partner that commits money, in
//!   the base line-up and every variant of every `scenarios/*.ron`, from rule and scenario
//!   text to the JSON report (what `rolefit additionality` does once the files are read;
//!   target under 100 ms, issues 4 and 12).
//! - `value/exact/<n>x18`: `rolefit value` on generated consortia (seed 20240601) once the file
//!   is read: the game, every coalition, the account, the JSON report (targets: 12 x 18 under
//!   1.5 s, 16 x 18 under 20 s on 2 cores).
//! - `value/sampled/40x18`: the sampled Shapley value of 40 partners to a 95% interval of +-2%
//!   of the total value (target under 60 s).
//! - `value/shipped/<scenario>`: `rolefit value` on every shipped scenario.
//! - `coalition/<how>/12x18`: one coalition's problem cut out of the full one
//!   (`Problem::restrict`) against built from scratch (`Problem::new`), and one coalition's worth.
//!
//! `cargo bench --bench value -- --test` runs each once (the CI smoke run), leaving out the
//! 16 x 18 exact run, which takes tens of seconds.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use rolefit::kb::KnowledgeBase;
use rolefit::load::Document;
use rolefit::model::Problem;
use rolefit::report::{self, Format, Style};
use rolefit::scenario::{LineUp, WhatIf};
use rolefit::source::Source;
use rolefit::value::{self, Game, Sampling};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

const SEED: u64 = 20_240_601;
const ROLES: usize = 18;

fn kb() -> KnowledgeBase {
    rolefit::default_knowledge_base().expect("the built-in rules are valid")
}

/// The CI smoke run (`-- --test`) runs each benchmark once; the slowest ones are left out.
fn smoke() -> bool {
    std::env::args().any(|a| a == "--test")
}

fn line_up(kb: &KnowledgeBase, name: &str, text: &str) -> LineUp {
    let doc = Document::parse(Source::new(name, text));
    rolefit::validate_scenario(kb, &doc)
        .expect("the scenario is valid")
        .base()
}

fn generated(kb: &KnowledgeBase, partners: usize) -> LineUp {
    let text =
        rolefit::generate::consortium(kb, &rolefit::generate::Spec::new(partners, ROLES, SEED));
    line_up(kb, "generated.ron", &text)
}

/// Every shipped scenario that validates, as (file stem, text), by file name.
fn shipped() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .expect("a stem")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&p).expect("a readable scenario");
            (stem, text)
        })
        .collect()
}

/// `rolefit value --format json` once the scenario is read and validated.
fn value_report(kb: &KnowledgeBase, line_up: &LineUp, sampling: Option<&Sampling>) -> String {
    let game = Game::new(Problem::new(kb, line_up), Default::default(), None).expect("feasible");
    let shares = match sampling {
        None => value::exact(&game),
        Some(s) => value::sampled(&game, s),
    }
    .expect("values");
    let outcome =
        rolefit::solve_line_up(kb, line_up, &Default::default()).expect("the line-up solves");
    let account = value::account(&game, &shares, outcome, 0.05);
    report::value::render(&account, Format::Json, Style::default())
}

fn bench_additionality(c: &mut Criterion) {
    let mut group = c.benchmark_group("additionality");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let kb = kb();
    for (stem, text) in shipped() {
        let doc = Document::parse(Source::new("s.ron", text.as_str()));
        let Ok(scenario) = rolefit::validate_scenario(&kb, &doc) else {
            eprintln!("additionality/{stem}: skipped, it does not validate");
            continue;
        };
        // The base line-up and every variant, each with every partner that commits money.
        let mut cases: Vec<(Option<String>, String)> = Vec::new();
        let variants = std::iter::once(None).chain(scenario.variants.iter().map(Some));
        for variant in variants {
            let l = variant.map_or_else(|| scenario.base(), |v| scenario.line_up(v));
            let mut funders: Vec<String> = l
                .all_commitments(&kb)
                .into_iter()
                .map(|c| c.funder)
                .filter(|f| l.partner_index(f).is_some())
                .collect();
            funders.sort();
            funders.dedup();
            cases.extend(
                funders
                    .into_iter()
                    .map(|f| (variant.map(|v| v.name.clone()), f)),
            );
        }
        for (variant, funder) in cases {
            let name = match &variant {
                Some(v) => format!("{stem}@{}/{funder}", v.replace(' ', "-")),
                None => format!("{stem}/{funder}"),
            };
            group.bench_function(name, |b| {
                b.iter(|| {
                    // Everything but reading the files: rules, scenario, three solves, report.
                    let kb = rolefit::default_knowledge_base().expect("valid rules");
                    let doc = Document::parse(Source::new("s.ron", black_box(text.as_str())));
                    let scenario = rolefit::validate_scenario(&kb, &doc).expect("valid");
                    let line_up = match &variant {
                        Some(v) => scenario.line_up(scenario.variant(v).expect("a variant")),
                        None => scenario.base(),
                    };
                    let a = rolefit::additionality::analyse(
                        &kb,
                        &line_up,
                        &funder,
                        &Default::default(),
                    )
                    .expect("a funder of the scenario");
                    black_box(report::additionality::render(
                        &a,
                        Format::Json,
                        Style::default(),
                    ))
                })
            });
        }
    }
    group.finish();
}

fn bench_value(c: &mut Criterion) {
    let kb = kb();
    let mut group = c.benchmark_group("value");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    let sizes: &[usize] = if smoke() { &[12] } else { &[12, 16] };
    for &n in sizes {
        let l = generated(&kb, n);
        group.bench_function(format!("exact/{n}x{ROLES}"), |b| {
            b.iter(|| black_box(value_report(&kb, black_box(&l), None)))
        });
    }
    let l = generated(&kb, 40);
    let sampling = Sampling {
        seed: 1,
        precision: 0.02,
        confidence: 0.95,
        ..Default::default()
    };
    group.bench_function(format!("sampled/40x{ROLES}"), |b| {
        b.iter(|| black_box(value_report(&kb, black_box(&l), Some(&sampling))))
    });
    for (stem, text) in shipped() {
        let doc = Document::parse(Source::new("s.ron", text.as_str()));
        let Ok(scenario) = rolefit::validate_scenario(&kb, &doc) else {
            continue;
        };
        let l = scenario.base();
        group.bench_function(format!("shipped/{stem}"), |b| {
            b.iter(|| black_box(value_report(&kb, black_box(&l), None)))
        });
    }
    group.finish();
}

fn bench_coalition(c: &mut Criterion) {
    let kb = kb();
    let l = generated(&kb, 12);
    let grand = Problem::new(&kb, &l);
    // Every other partner: a mid-sized coalition.
    let keep: Vec<bool> = (0..grand.partners.len()).map(|i| i % 2 == 0).collect();
    let mut smaller = l.clone();
    for (i, p) in grand.partners.iter().enumerate() {
        if !keep[i] {
            smaller
                .apply(&kb, &WhatIf::Without(p.id.clone()))
                .expect("a partner of the line-up");
        }
    }
    let game = Game::new(Problem::new(&kb, &l), Default::default(), None).expect("feasible");
    let mut group = c.benchmark_group("coalition");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    group.bench_function(format!("restrict/12x{ROLES}"), |b| {
        b.iter(|| black_box(grand.restrict(black_box(&keep))))
    });
    group.bench_function(format!("from_scratch/12x{ROLES}"), |b| {
        b.iter(|| black_box(Problem::new(&kb, black_box(&smaller))))
    });
    group.bench_function(format!("worth/12x{ROLES}"), |b| {
        b.iter(|| black_box(game.worth(black_box(&keep)).expect("solves")))
    });
    group.finish();
}

criterion_group!(benches, bench_additionality, bench_value, bench_coalition);
criterion_main!(benches);
