//! Criterion benchmarks of sweep throughput, output included: whole runs (line-up, model,
//! solve, summary, row formatting, ordered streaming to a file) per second.
//!
//! - `sweep/generated-12x18/threads-N`: a Monte Carlo sweep over random consortia of 12
//!   partners (the five sectors) needing all 18 roles, with capability noise, on N threads.
//! - `sweep/noise-12x18/threads-N`: one fixed 12-partner, 18-role scenario
//!   (`sweeps/twelve-partners.ron`) with its capabilities perturbed in every run.
//! - `sweep/run/...`: one run alone, no output, to separate the engine from the streaming.
//!
//! Criterion reports time per iteration; each iteration is `RUNS` runs, and the throughput line
//! gives runs per second. `cargo bench --bench sweep -- --test` runs each once (CI smoke run).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rolefit::sweep::{self, Format, Layout, Manifest, Plan};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// Runs per iteration: enough that thread start-up and file creation are noise.
const RUNS: u64 = 400;

fn scenario_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sweeps/twelve-partners.ron");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn generated() -> Plan {
    sweep::from_text(
        &format!(
            r#"Sweep(
                generate: Generate(roles: 18, capacity: (1, 3), noise: 0.15, sectors: {{
                    "business": 3, "government": 3, "civil_society": 2, "academia": 2, "impact_investor": 2,
                }}),
                design: MonteCarlo(n: {RUNS}, seed: 1),
            )"#
        ),
        &[],
    )
    .expect("the benchmark sweep is valid")
}

fn noisy() -> Plan {
    let text = scenario_text();
    sweep::from_text(
        &format!(
            r#"Sweep(
                scenarios: ["twelve-partners.ron"],
                noise: 0.1,
                factors: [Factor(path: "rules.civil_society_commercial_role.penalty", range: (0.0, 16.0))],
                design: MonteCarlo(n: {RUNS}, seed: 1),
            )"#
        ),
        &[("twelve-partners.ron", text.as_str())],
    )
    .expect("the benchmark sweep is valid")
}

fn execute(plan: &Plan, threads: usize, dir: &std::path::Path) {
    let layout = Layout::new(plan, Format::Csv, true);
    let manifest = Manifest::new(plan, &layout, "bench", None);
    let out = dir.join("out.csv");
    let opts = sweep::Options {
        threads,
        restart: true,
        ..sweep::Options::default()
    };
    let report = sweep::execute(plan, &layout, &manifest, &out, &opts, &mut |_, _| {})
        .expect("the sweep runs");
    black_box(report);
}

fn bench_sweeps(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, plan) in [("generated-12x18", generated()), ("noise-12x18", noisy())] {
        let mut group = c.benchmark_group(format!("sweep/{name}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(8))
            .sampling_mode(SamplingMode::Flat)
            .throughput(Throughput::Elements(RUNS));
        for threads in [1, 2] {
            group.bench_function(format!("threads-{threads}"), |b| {
                b.iter(|| execute(&plan, threads, dir.path()))
            });
        }
        group.finish();
    }
}

fn bench_single_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("sweep/run");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .sampling_mode(SamplingMode::Flat);
    for (name, plan) in [("generated-12x18", generated()), ("noise-12x18", noisy())] {
        let mut id = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                id = (id + 1) % RUNS;
                black_box(plan.run(id))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_sweeps, bench_single_run);
criterion_main!(benches);
