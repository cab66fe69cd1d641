//! Criterion benchmarks of the whole pipeline and of its two heavy stages.
//!
//! - `kb/default_rules`: building the embedded knowledge base.
//! - `scenario/<stem>`: every `scenarios/*.ron`, from text to JSON report (parse, validate,
//!   build, solve, explain, render), with the knowledge base prebuilt.
//! - `generated/<n>x18`: the same pipeline on generated consortia of `n` partners and all 18
//!   roles of the catalogue.
//! - `stage/build/<n>x18` and `stage/solve/<n>x18`: building the model alone versus solving a
//!   prebuilt model alone, to show which one dominates.
//! - `robust/scenario/<stem>` and `robust/generated/<n>x18`: the same pipelines with the
//!   robustness assessment at its default settings (what `rolefit solve` does by default), side
//!   by side with `scenario/` and `generated/`, which leave it out.
//!
//! - `assess/{solve,solve_for,warm,scratch}/<name>`: on every shipped scenario and generated
//!   30 x 18, one solve of the prebuilt model (`solve::solve`); the solve as `rolefit solve`
//!   runs it when it assesses the line-up (`robust::solve_for`, keeping the relaxation); the
//!   robustness assessment at its defaults started from that relaxation (`assess_relaxed`), as
//!   `rolefit solve` makes it; and the assessment with every re-optimisation from scratch. Both
//!   solves take the line-up from the relaxation when it settles it, so what the assessment
//!   adds to `solve` is `warm` (`solve_for + warm - solve`); the issue 16 target is under 5
//!   single solves.
//!
//! - `many/<n>x90/{auto,never}`: the pipeline (no robustness) on the 90-role fixtures
//!   (`benches/fixtures/roles90`: the catalogue copied under new ids, 100 and 300 partners),
//!   with the envelope rows as `rolefit solve` adds them (`auto`) and without (`never`).
//!
//! `cargo bench --bench solve -- --test` runs each benchmark once (the CI smoke run).

use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, criterion_group, criterion_main, measurement::WallTime,
};
use rolefit::kb::KnowledgeBase;
use rolefit::load::Document;
use rolefit::model::{self, Problem};
use rolefit::report::{self, Format, Style};
use rolefit::source::Source;
use rolefit::{explain, generate, robust, solve};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// Partner counts of the generated consortia; every one needs all 18 roles.
const SIZES: [usize; 4] = [10, 30, 100, 300];
const ROLES: usize = 18;
/// One fixed seed for every size, so runs compare like with like. Solve time depends strongly on
/// the instance (branch and bound), so compare runs only at the same seed; see benches/README.md.
const SEED: u64 = 20_240_601;

fn kb() -> KnowledgeBase {
    rolefit::default_knowledge_base().expect("the built-in rules are valid")
}

/// Text to JSON report: what `rolefit solve --format json` does once the files are read, with
/// the robustness assessment `robustness` asks for.
fn pipeline(kb: &KnowledgeBase, name: &str, text: &str, robustness: &robust::Settings) -> String {
    pipeline_with(kb, name, text, robustness, &solve::Options::default())
}

fn pipeline_with(
    kb: &KnowledgeBase,
    name: &str,
    text: &str,
    robustness: &robust::Settings,
    opts: &solve::Options,
) -> String {
    let doc = Document::parse(Source::new(name, text));
    let scenario = rolefit::validate_scenario(kb, &doc).expect("the scenario is valid");
    let (problem, solved, assessed) =
        rolefit::solve_assessed(kb, &scenario.base(), opts, robustness).expect("it solves");
    let outcome = explain::with_robustness(&problem, &solved, assessed);
    report::render(&outcome, Format::Json, Style::default())
}

/// Every shipped scenario, sorted by file name, as (file stem, file name, text).
fn shipped_scenarios() -> Vec<(String, String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            let stem = p
                .file_stem()
                .expect("a .ron file has a stem")
                .to_string_lossy()
                .into_owned();
            let name = p
                .file_name()
                .expect("a .ron file has a name")
                .to_string_lossy()
                .into_owned();
            (stem, name, text)
        })
        .collect()
}

fn generated(kb: &KnowledgeBase, partners: usize) -> String {
    generate::consortium(kb, &generate::Spec::new(partners, ROLES, SEED))
}

/// Modest settings so a full `cargo bench` takes about two minutes. `slow` groups (solving
/// generated consortia: milliseconds to tens of milliseconds per run) use flat sampling, which
/// criterion recommends for long runs and which avoids its "unable to complete" warning.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>, slow: bool) {
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    if slow {
        group.sampling_mode(SamplingMode::Flat);
    }
}

fn bench_kb(c: &mut Criterion) {
    let mut group = c.benchmark_group("kb");
    configure(&mut group, false);
    group.bench_function("default_rules", |b| {
        b.iter(|| black_box(rolefit::default_knowledge_base().expect("valid rules")))
    });
    group.finish();
}

fn bench_scenarios(c: &mut Criterion) {
    scenarios(c, "scenario", &robust::Settings::OFF);
    scenarios(c, "robust/scenario", &robust::Settings::default());
}

fn scenarios(c: &mut Criterion, group_name: &str, robustness: &robust::Settings) {
    let kb = kb();
    let mut group = c.benchmark_group(group_name);
    configure(&mut group, robustness.samples > 0);
    for (stem, name, text) in shipped_scenarios() {
        // A file that does not validate (e.g. one added as a bad example) is reported and
        // skipped rather than aborting every other benchmark.
        let doc = Document::parse(Source::new(name.as_str(), text.as_str()));
        if let Err(e) = rolefit::validate_scenario(&kb, &doc) {
            eprintln!("scenario/{stem}: skipped, {name} does not validate: {e}");
            continue;
        }
        group.bench_function(stem.as_str(), |b| {
            b.iter(|| {
                black_box(pipeline(
                    &kb,
                    black_box(&name),
                    black_box(&text),
                    robustness,
                ))
            })
        });
    }
    group.finish();
}

fn bench_generated(c: &mut Criterion) {
    let kb = kb();
    let mut group = c.benchmark_group("generated");
    configure(&mut group, true);
    for n in SIZES {
        let text = generated(&kb, n);
        group.bench_function(format!("{n}x{ROLES}"), |b| {
            b.iter(|| {
                black_box(pipeline(
                    &kb,
                    "generated.ron",
                    black_box(&text),
                    &robust::Settings::OFF,
                ))
            })
        });
    }
    group.finish();
    // The robustness target is set for 30 partners; 100 would take seconds per run.
    let mut group = c.benchmark_group("robust/generated");
    configure(&mut group, true);
    for n in [10, 30] {
        let text = generated(&kb, n);
        group.bench_function(format!("{n}x{ROLES}"), |b| {
            b.iter(|| {
                black_box(pipeline(
                    &kb,
                    "generated.ron",
                    black_box(&text),
                    &robust::Settings::default(),
                ))
            })
        });
    }
    group.finish();
}

fn bench_stages(c: &mut Criterion) {
    let kb = kb();
    let line_ups: Vec<_> = SIZES
        .iter()
        .map(|&n| {
            let doc = Document::parse(Source::new("generated.ron", generated(&kb, n)));
            let scenario = rolefit::validate_scenario(&kb, &doc).expect("generated is valid");
            (n, scenario.base())
        })
        .collect();

    let mut group = c.benchmark_group("stage/build");
    configure(&mut group, false);
    for (n, line_up) in &line_ups {
        group.bench_function(format!("{n}x{ROLES}"), |b| {
            b.iter(|| {
                let problem = Problem::new(&kb, black_box(line_up));
                black_box(model::build(&problem))
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("stage/solve");
    configure(&mut group, true);
    for (n, line_up) in &line_ups {
        let problem = Problem::new(&kb, line_up);
        let milp = model::build(&problem);
        let opts = solve::Options::default();
        group.bench_function(format!("{n}x{ROLES}"), |b| {
            b.iter(|| {
                black_box(
                    solve::solve(black_box(&problem), black_box(&milp), &opts).expect("it solves"),
                )
            })
        });
    }
    group.finish();
}

/// One solve, the solve that keeps its relaxation, and the assessment of its solution from
/// that relaxation and from scratch, per line-up.
fn bench_assess(c: &mut Criterion) {
    let kb = kb();
    let mut cases = shipped_scenarios();
    cases.push(("30x18".into(), "generated.ron".into(), generated(&kb, 30)));
    let mut group = c.benchmark_group("assess");
    configure(&mut group, true);
    for (stem, name, text) in &cases {
        let doc = Document::parse(Source::new(name.as_str(), text.as_str()));
        let Ok(scenario) = rolefit::validate_scenario(&kb, &doc) else {
            continue;
        };
        let line_up = scenario.base();
        let opts = solve::Options::default();
        let mut problem = Problem::new(&kb, &line_up);
        opts.tighten.prepare(&mut problem);
        let milp = model::build(&problem);
        let settings = robust::Settings::default();
        let (solved, relaxation) =
            robust::solve_for(&problem, &milp, &settings, &opts).expect("it solves");
        group.bench_function(format!("solve/{stem}"), |b| {
            b.iter(|| black_box(solve::solve(&problem, &milp, &opts).expect("it solves")))
        });
        group.bench_function(format!("solve_for/{stem}"), |b| {
            b.iter(|| {
                black_box(robust::solve_for(&problem, &milp, &settings, &opts).expect("solves"))
            })
        });
        group.bench_function(format!("warm/{stem}"), |b| {
            b.iter(|| {
                black_box(
                    robust::assess_relaxed(
                        &problem,
                        &milp,
                        &solved,
                        relaxation.as_ref(),
                        &settings,
                        &opts,
                    )
                    .expect("ok"),
                )
            })
        });
        group.bench_function(format!("scratch/{stem}"), |b| {
            b.iter(|| {
                black_box(
                    robust::assess_from_scratch(&problem, &milp, &solved, &settings, &opts)
                        .expect("ok"),
                )
            })
        });
    }
    group.finish();
}

/// The 90-role fixtures (issue 16: no blow-up with many roles), with and without the envelope
/// rows, without robustness: `rolefit solve FILE --rules roles.ron --robustness-samples 0`.
fn bench_many_roles(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/roles90");
    let mut docs = rolefit::kb::default_documents();
    let roles = std::fs::read_to_string(dir.join("roles.ron")).expect("the 90-role fixture");
    docs.push(Document::parse(Source::new("roles.ron", roles)));
    let kb = rolefit::knowledge_base(docs).expect("the 90-role rules are valid");
    let mut group = c.benchmark_group("many");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(5))
        .sampling_mode(SamplingMode::Flat);
    for n in [100, 300] {
        let name = format!("{n}x90.ron");
        let text = std::fs::read_to_string(dir.join(&name)).expect("the 90-role fixture");
        for (when, tighten) in [
            ("auto", solve::Tighten::Auto),
            ("never", solve::Tighten::Never),
        ] {
            let opts = solve::Options {
                tighten,
                ..solve::Options::default()
            };
            group.bench_function(format!("{n}x90/{when}"), |b| {
                b.iter(|| {
                    black_box(pipeline_with(
                        &kb,
                        &name,
                        black_box(&text),
                        &robust::Settings::OFF,
                        &opts,
                    ))
                })
            });
        }
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_kb,
    bench_scenarios,
    bench_generated,
    bench_stages,
    bench_assess,
    bench_many_roles
);
criterion_main!(benches);
