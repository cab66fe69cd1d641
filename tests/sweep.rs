//! End-to-end tests of `rolefit sweep`, `merge` and `summarize`: reproducibility across thread
//! counts and shards, resuming after a real `kill -9`, and finding a planted effect.

mod common;

use common::{repo, rolefit};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A sweep over the drift-pressure scenario: the mission drift rule's penalty decides whether
/// the NGO takes the commercial role (the planted effect), the other factors barely matter.
fn drift_sweep(dir: &Path, n: u64) -> PathBuf {
    let scenario = repo().join("scenarios").join("drift-pressure.ron");
    let text = format!(
        r#"Sweep(
    name: "planted drift",
    scenarios: [{scenario:?}],
    noise: 0.05,
    factors: [
        Factor(name: "drift_penalty", path: "rules.civil_society_commercial_role.penalty", range: (0.0, 2.0)),
        Factor(name: "outreach_importance", path: "needs.community_outreach.importance", levels: [2, 3, 4]),
        // Priced instead of avoided, and a fit floor below the NGO's commercial fit, so that the
        // penalty alone decides whether the NGO drifts.
        Factor(name: "strength", path: "rules.civil_society_commercial_role.strength", levels: ["price"]),
        Factor(name: "fit_floor", path: "settings.fit_floor", levels: [0.2]),
    ],
    design: LatinHypercube(n: {n}, seed: 11),
)"#
    );
    let path = dir.join("drift.ron");
    std::fs::write(&path, text).unwrap();
    path
}

fn sweep(spec: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    rolefit()
        .arg("sweep")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .arg("--no-solve-time")
        .args(extra)
        .output()
        .expect("rolefit runs")
}

fn ok(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn output_is_byte_identical_with_one_or_two_threads_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 60);
    for ext in ["csv", "jsonl"] {
        let one = dir.path().join(format!("one.{ext}"));
        let two = dir.path().join(format!("two.{ext}"));
        ok(&sweep(&spec, &one, &["--threads", "1"]));
        ok(&sweep(&spec, &two, &["--threads", "2"]));
        assert_eq!(read(&one), read(&two), "{ext}");
        let lines = read(&one).lines().count();
        assert_eq!(lines, if ext == "csv" { 61 } else { 60 });
        assert_eq!(
            read(&PathBuf::from(format!("{}.manifest.json", one.display()))),
            read(&PathBuf::from(format!("{}.manifest.json", two.display())))
        );
    }
    let jsonl = read(&dir.path().join("one.jsonl"));
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["run"], 0);
    assert!(first["drift_penalty"].is_number());
    assert!(first["strength"].is_string());
    assert!(first["status"].is_string());
}

/// JSON Lines rows carry their keys in the CSV header's order (the table module writes and
/// reads them in written order), and `summarize` reads both formats to the same summary.
#[test]
fn json_lines_keys_come_in_the_csv_column_order_and_both_formats_summarize_alike() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 20);
    let csv = dir.path().join("t.csv");
    let jsonl = dir.path().join("t.jsonl");
    ok(&sweep(&spec, &csv, &[]));
    ok(&sweep(&spec, &jsonl, &[]));
    let csv_text = read(&csv);
    let header: Vec<&str> = csv_text.lines().next().unwrap().split(',').collect();
    let mut checked = 0;
    for line in read(&jsonl).lines() {
        let at: Vec<usize> = header
            .iter()
            .map(|c| {
                line.find(&format!("\"{c}\":"))
                    .unwrap_or_else(|| panic!("no key {c}: {line}"))
            })
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "keys out of order: {line}"
        );
        checked += 1;
    }
    assert_eq!(checked, 20, "every row checked");
    let summary = |table: &Path| -> serde_json::Value {
        let out = rolefit()
            .arg("summarize")
            .arg(table)
            .args(["--outcome", "mission_drift > 0", "--format", "json"])
            .output()
            .unwrap();
        ok(&out);
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_object_mut().unwrap().remove("file");
        v
    };
    assert_eq!(summary(&csv), summary(&jsonl));
}

#[test]
fn rows_are_in_run_order_with_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 25);
    let out = dir.path().join("o.csv");
    ok(&rolefit()
        .arg("sweep")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap());
    let text = read(&out);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    for col in [
        "run",
        "drift_penalty",
        "status",
        "objective",
        "coverage",
        "flags.mission_drift",
        "severity.high",
        "holder.commercialisation",
        "sector.commercialisation",
        "solve_ms",
    ] {
        assert!(header.contains(&col), "missing column {col}: {header:?}");
    }
    let ids: Vec<u64> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, (0..25).collect::<Vec<_>>());
}

#[test]
fn four_shards_merge_into_exactly_the_unsharded_output() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 37);
    let whole = dir.path().join("whole.csv");
    ok(&sweep(&spec, &whole, &[]));
    let mut shards = Vec::new();
    for k in 0..4 {
        let out = dir.path().join(format!("shard{k}.csv"));
        ok(&sweep(&spec, &out, &["--shard", &format!("{k}/4")]));
        shards.push(out);
    }
    // The index can also come from the cluster's environment.
    let env_shard = dir.path().join("env3.csv");
    ok(&rolefit()
        .env("JOB_COMPLETION_INDEX", "3")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .arg("sweep")
        .arg(&spec)
        .args(["--no-solve-time", "--shard", "env/4", "--out"])
        .arg(&env_shard)
        .output()
        .unwrap());
    assert_eq!(read(&env_shard), read(&shards[3]));

    let merged = dir.path().join("merged.csv");
    shards.reverse();
    ok(&rolefit()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap());
    assert_eq!(read(&merged), read(&whole));
    assert_eq!(
        read(&dir.path().join("merged.csv.manifest.json")),
        read(&dir.path().join("whole.csv.manifest.json"))
    );

    // A missing shard is named.
    let out = rolefit()
        .arg("merge")
        .args(&shards[..3])
        .arg("--out")
        .arg(dir.path().join("bad.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing shard(s) 0/4"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("bad.csv").exists());
}

/// Rows (lines after the header) in a file, or 0 if it does not exist yet.
fn rows_in(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().count().saturating_sub(1))
        .unwrap_or(0)
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 3000);
    let reference = dir.path().join("reference.csv");
    ok(&sweep(&spec, &reference, &["--threads", "2"]));

    let out = dir.path().join("killed.csv");
    let partial = dir.path().join("killed.csv.partial");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rolefit"))
        .arg("sweep")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .args(["--no-solve-time", "--threads", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while rows_in(&partial) < 100 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep finished before it could be killed; make it longer"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no rows appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix: no chance to clean up.
    child.wait().unwrap();
    let kept = rows_in(&partial);
    assert!((100..3000).contains(&kept), "{kept} rows kept");
    assert!(
        !out.exists(),
        "an unfinished sweep must not appear as the output"
    );

    // Without --resume, the interrupted work is not silently thrown away.
    let refused = sweep(&spec, &out, &["--threads", "2"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--resume"));

    ok(&sweep(&spec, &out, &["--threads", "1", "--resume"]));
    assert_eq!(read(&out), read(&reference));
    assert!(!partial.exists());

    // Resuming a finished sweep runs nothing and leaves the file as it is.
    ok(&sweep(&spec, &out, &["--resume"]));
    assert_eq!(read(&out), read(&reference));
}

#[test]
fn a_failed_rerun_never_truncates_a_finished_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 800);
    let out = dir.path().join("done.csv");
    ok(&sweep(&spec, &out, &[]));
    let before = read(&out);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rolefit"))
        .arg("sweep")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .arg("--no-solve-time")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = dir.path().join("done.csv.partial");
    let started = Instant::now();
    while rows_in(&partial) < 20 && child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(read(&out), before);
}

#[test]
fn summarize_finds_the_planted_effect() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 300);
    let out = dir.path().join("drift.csv");
    ok(&sweep(&spec, &out, &[]));
    let summary = rolefit()
        .arg("summarize")
        .arg(&out)
        .args(["--outcome", "mission_drift > 0", "--format", "json"])
        .output()
        .unwrap();
    ok(&summary);
    let v: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let rate = v["outcome_rate"].as_f64().unwrap();
    assert!(rate > 0.05 && rate < 0.95, "drift in {rate} of runs");
    assert_eq!(v["factors"][0]["name"], "drift_penalty", "{}", v["factors"]);
    assert!(v["factors"][0]["effect"].as_f64().unwrap() > 0.3);
    let levels = v["factors"][0]["levels"].as_array().unwrap();
    let first = levels[0]["outcome_rate"].as_f64().unwrap();
    let last = levels[levels.len() - 1]["outcome_rate"].as_f64().unwrap();
    assert!(
        first > 0.9 && last < 0.1,
        "{first} at low penalty, {last} at high"
    );
    // Scenario discovery: the box restricts the penalty to its low end, and nothing else much.
    let b = &v["discovery"]["box"];
    let penalty = b
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["factor"] == "drift_penalty")
        .unwrap_or_else(|| panic!("box {b}"));
    assert!(penalty["lo"].as_f64().unwrap() < 0.1);
    assert!(penalty["hi"].as_f64().unwrap() < 1.0, "{penalty}");
    assert!(v["discovery"]["density"].as_f64().unwrap() > 0.9);
    assert!(v["discovery"]["coverage"].as_f64().unwrap() > 0.8);

    for (format, marker) in [
        ("text", "Scenario discovery"),
        ("markdown", "# Sweep summary"),
        ("html", "<svg"),
    ] {
        let o = rolefit()
            .arg("summarize")
            .arg(&out)
            .args(["--outcome", "mission_drift > 0", "--format", format])
            .output()
            .unwrap();
        ok(&o);
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains(marker), "{format}");
        if format == "html" {
            for external in ["<script", "src=", "href=", "@import", "url("] {
                assert!(!text.contains(external), "the page uses {external}");
            }
        }
    }
}

#[test]
fn mistakes_in_a_sweep_file_are_reported_with_position_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios").join("cardio4cities-dakar.ron");
    let spec = dir.path().join("bad.ron");
    std::fs::write(
        &spec,
        format!(
            r#"Sweep(
    scenarios: [{scenario:?}, "missing.ron"],
    factors: [
        Factor(path: "partners.rellais.capacity", levels: [1, 2]),
        Factor(path: "rules.civil_society_commercial_role.penalty", range: (5.0, 1.0)),
        Factor(path: "needs.community_outreach.importance", levels: [0, 3]),
    ],
    design: LatinHypercub(n: 10, seed: 1),
)"#
        ),
    )
    .unwrap();
    // Runs the sweep, which must be refused (exit 2), and returns what it said.
    let refused = || {
        let out = rolefit()
            .arg("sweep")
            .arg(&spec)
            .arg("--out")
            .arg(dir.path().join("o.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refused();
    assert!(err.contains("bad.ron:8:13"), "{err}");
    assert!(err.contains("did you mean `LatinHypercube`"), "{err}");
    assert!(err.contains("the range is empty"), "{err}");

    // With the syntax fixed, paths are checked against the scenario and the rules.
    let text = read(&spec)
        .replace("LatinHypercub(", "LatinHypercube(")
        .replace("(5.0, 1.0)", "(1.0, 5.0)");
    std::fs::write(&spec, text).unwrap();
    let err = refused();
    assert!(err.contains("cannot read the scenario"), "{err}");
    let text = read(&spec).replace(", \"missing.ron\"", "");
    std::fs::write(&spec, text).unwrap();
    let err = refused();
    assert!(err.contains("did you mean `relais`"), "{err}");
    assert!(err.contains("factors[0].path"), "{err}");
    assert!(
        err.contains("takes whole numbers from 1 to 5, not 0"),
        "{err}"
    );
    assert!(!dir.path().join("o.csv").exists());
}

#[test]
fn bad_arguments_exit_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 5);
    for (args, expected) in [
        (vec!["--shard", "4/4"], "not below 4"),
        (vec!["--shard", "x"], "no `/`"),
        (vec!["--threads", "0"], "from 1 to 1024"),
    ] {
        let out = sweep(&spec, &dir.path().join("o.csv"), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(expected),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = sweep(&spec, &dir.path().join("o.parquet"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = rolefit()
        .arg("sweep")
        .arg(&spec)
        .args(["--shard", "env/4", "--out"])
        .arg(dir.path().join("o.csv"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rolefit()
        .arg("summarize")
        .arg(dir.path().join("nothing.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn generated_consortia_sweep_reports_holder_sectors() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("gen.ron");
    std::fs::write(
        &spec,
        r#"Sweep(
    generate: Generate(roles: 10, sectors: { "business": 1, "civil_society": 2, "government": 1 }),
    factors: [Factor(name: "ngos", path: "generate.sectors.civil_society", levels: [1, 3])],
    design: FullFactorial(seed: 3),
    replicates: 4,
)"#,
    )
    .unwrap();
    let out = dir.path().join("gen.jsonl");
    ok(&sweep(&spec, &out, &[]));
    let rows: Vec<serde_json::Value> = read(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0]["ngos"], 1);
    assert_eq!(rows[4]["ngos"], 3);
    assert_eq!(rows[5]["replicate"], 1);
    let sectors: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["sector.policy_framework"].as_str())
        .collect();
    assert!(!sectors.is_empty());
    assert!(sectors.iter().all(|s| {
        s.split('+')
            .all(|x| ["business", "civil_society", "government", "-"].contains(&x))
    }));
}

#[test]
fn check_validates_sweep_files_with_their_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let good = drift_sweep(dir.path(), 10);
    let out = rolefit().arg("check").arg(&good).output().unwrap();
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("sweep of 10 runs over 4 factor(s)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        read(&good).replace("needs.community_outreach", "needs.comunity_outreach"),
    )
    .unwrap();
    let out = rolefit().arg("check").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `community_outreach`"));

    // Replicates of a sweep with nothing random are flagged, not silently repeated.
    let repeated = dir.path().join("repeated.ron");
    std::fs::write(
        &repeated,
        read(&good)
            .replace("noise: 0.05,", "")
            .replace("design:", "replicates: 3,\n    design:"),
    )
    .unwrap();
    let out = rolefit().arg("check").arg(&repeated).output().unwrap();
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("every replicate repeats the same runs"));
}

#[test]
fn sweep_sizes_beyond_their_limits_are_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios").join("cardio4cities-dakar.ron");
    let levels: Vec<String> = (0..10_001).map(|i| format!("{}", i % 3 + 1)).collect();
    let factors: Vec<String> = (0..65)
        .map(|_| r#"Factor(path: "partners.relais.capacity", levels: [1, 2])"#.to_string())
        .collect();
    let cases = [
        (
            format!(
                r#"Factor(path: "partners.relais.capacity", levels: [{}])"#,
                levels.join(", ")
            ),
            "MonteCarlo(n: 10, seed: 1)",
            "more than 10000",
        ),
        (
            r#"Factor(path: "partners.relais.capabilities.credibility", range: (0.0, 1.0), steps: 10001)"#.to_string(),
            "FullFactorial(steps: 3, seed: 1)",
            "out of range: expected 1 to 10000",
        ),
        (
            factors.join(", "),
            "MonteCarlo(n: 10, seed: 1)",
            "more than the limit of 64",
        ),
        (
            r#"Factor(path: "partners.relais.capabilities.credibility", range: (0.0, 1.0)),
               Factor(path: "partners.ucad.capabilities.independence", range: (0.0, 1.0)),
               Factor(path: "partners.msas.capabilities.legitimacy", range: (0.0, 1.0))"#
                .to_string(),
            "FullFactorial(steps: 10000, seed: 1)",
            "more than the limit of 10000000000",
        ),
    ];
    for (i, (factors, design, expected)) in cases.iter().enumerate() {
        let spec = dir.path().join(format!("big{i}.ron"));
        std::fs::write(
            &spec,
            format!("Sweep(scenarios: [{scenario:?}], factors: [{factors}], design: {design})"),
        )
        .unwrap();
        let out = sweep(&spec, &dir.path().join("o.csv"), &[]);
        assert_eq!(out.status.code(), Some(2), "case {i}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "case {i}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 15: concurrent writers, edited tables, tampered manifests, endless lines, formulas.

fn run_rolefit(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let out = rolefit().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Found by a stress run: two `sweep --resume` on one `--out` wrote 17 332 lines for 10 000
/// runs (duplicated and torn rows), a manifest saying 10 000 rows, exit 0. The second writer
/// is now refused while the first holds the output's lock.
#[test]
fn a_second_sweep_on_the_same_output_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 4000);
    let out = dir.path().join("shared.csv");
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rolefit"))
        .arg("sweep")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .args(["--no-solve-time", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = dir.path().join("shared.csv.partial");
    let started = Instant::now();
    while rows_in(&partial) < 5 && first.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first sweep ended too soon"
    );
    for extra in [&["--resume"][..], &["--restart"][..]] {
        let second = sweep(&spec, &out, extra);
        assert_eq!(second.status.code(), Some(2), "{extra:?}");
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert!(stderr.contains("another rolefit is writing"), "{stderr}");
    }
    first.kill().unwrap();
    first.wait().unwrap();
    // The lock went with the killed process: the sweep resumes to the full table.
    ok(&sweep(&spec, &out, &["--resume"]));
    assert_eq!(rows_in(&out), 4000);
    assert!(!dir.path().join("shared.csv.lock").exists());
}

/// Found by review: an edited row merged silently, and `summarize` accepted a table whose
/// manifest no longer described it. The manifest's digest now catches both, and a torn row.
#[test]
fn an_edited_or_torn_table_is_refused_by_merge_and_summarize() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 12);
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| {
            let out = dir.path().join(format!("part-{k}.csv"));
            ok(&sweep(&spec, &out, &["--shard", &format!("{k}/2")]));
            out
        })
        .collect();
    let pristine = read(&shards[0]);
    let edited = pristine.replacen(",optimal,", ",infeasible,", 1);
    assert_ne!(edited, pristine);
    let torn = &pristine[..pristine.len() - 5];
    for (what, text) in [("edited", edited.as_str()), ("torn", torn)] {
        std::fs::write(&shards[0], text).unwrap();
        let merged = dir.path().join("merged.csv");
        let (code, stderr) = run_rolefit(&[
            "merge".as_ref(),
            shards[0].as_os_str(),
            shards[1].as_os_str(),
            "--out".as_ref(),
            merged.as_os_str(),
        ]);
        assert_eq!(code, Some(2), "{what}: {stderr}");
        assert!(
            stderr.contains("not those its manifest records") || stderr.contains("cut short"),
            "{what}: {stderr}"
        );
        assert!(!merged.exists(), "{what}");
        let (code, stderr) = run_rolefit(&["summarize".as_ref(), shards[0].as_os_str()]);
        assert_eq!(code, Some(2), "{what}: {stderr}");
        assert!(
            stderr.contains("not the one its manifest describes") || stderr.contains("cut short"),
            "{what}: {stderr}"
        );
    }
}

/// Found by review: a tampered manifest (shard index at or above the count, a count of 0 or
/// 10^15) or `--shard 0/18446744073709551615` made `merge` or `sweep` panic or abort.
#[test]
fn tampered_manifests_and_huge_shard_counts_are_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 6);
    let part = dir.path().join("part-0.csv");
    ok(&sweep(&spec, &part, &["--shard", "0/2"]));
    let manifest = dir.path().join("part-0.csv.manifest.json");
    let pristine = read(&manifest);
    let merged = dir.path().join("merged.csv");
    for (from, to) in [
        ("\"index\": 0", "\"index\": 2"),
        ("\"count\": 2", "\"count\": 0"),
        ("\"count\": 2", "\"count\": 1000000000000000"),
        ("\"runs\": 6", "\"runs\": 18446744073709551615"),
    ] {
        assert!(pristine.contains(from), "{from} not in {pristine}");
        std::fs::write(&manifest, pristine.replace(from, to)).unwrap();
        let (code, stderr) = run_rolefit(&[
            "merge".as_ref(),
            part.as_os_str(),
            "--out".as_ref(),
            merged.as_os_str(),
        ]);
        assert_eq!(code, Some(2), "{to}: {stderr}");
        assert!(stderr.contains("not a sweep manifest"), "{to}: {stderr}");
        let (code, stderr) = run_rolefit(&["summarize".as_ref(), part.as_os_str()]);
        assert_eq!(code, Some(2), "{to}: {stderr}");
    }
    let out = sweep(&spec, &merged, &["--shard", "0/18446744073709551615"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("N must be from 1 to 1000000"));
}

/// Found by review: `summarize` and `merge` read a line without bound; `/dev/zero` made them
/// allocate until the process aborted.
#[test]
fn an_endless_line_is_an_error_for_summarize_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = dir.path().join("zeros.csv");
    std::os::unix::fs::symlink("/dev/zero", &zeros).unwrap();
    let started = Instant::now();
    let (code, stderr) = run_rolefit(&["summarize".as_ref(), zeros.as_os_str()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("longer than 16777216 bytes"), "{stderr}");
    // A shard whose table is endless: a copy of a real shard's manifest beside it.
    let spec = drift_sweep(dir.path(), 4);
    let part = dir.path().join("part-0.csv");
    ok(&sweep(&spec, &part, &["--shard", "0/1"]));
    std::fs::copy(
        dir.path().join("part-0.csv.manifest.json"),
        dir.path().join("zeros.csv.manifest.json"),
    )
    .unwrap();
    let (code, stderr) = run_rolefit(&[
        "merge".as_ref(),
        zeros.as_os_str(),
        "--out".as_ref(),
        dir.path().join("m.csv").as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("longer than"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// Found by review: scenario names, variant names and factor names reached sweep CSV cells
/// and headers as they were, and opened as formulas in a spreadsheet.
#[test]
fn formula_cells_are_neutralised_in_csv_and_left_exact_in_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.ron");
    std::fs::write(
        &scenario,
        common::BASE
            .replace("name: \"Base\"", "name: \"=HYPERLINK(\\\"http://evil.example\\\")\"")
            .replace(
                "    ],\n)",
                "    ],\n    variants: [Variant(name: \"=cmd|' /C calc'!A0\", remove: [\"uni\"])],\n)",
            ),
    )
    .unwrap();
    let spec = dir.path().join("f.ron");
    std::fs::write(
        &spec,
        r#"Sweep(
    name: "formulas",
    scenarios: ["s.ron"],
    factors: [Factor(name: "@SUM(1)", path: "variant", levels: ["base", "=cmd|' /C calc'!A0"])],
    design: FullFactorial(seed: 1),
)"#,
    )
    .unwrap();
    let csv = dir.path().join("t.csv");
    ok(&sweep(&spec, &csv, &[]));
    let text = read(&csv);
    for cell in text.lines().flat_map(|l| l.split(',')) {
        let cell = cell.trim_start_matches('"');
        assert!(
            !cell.starts_with(['=', '+', '@', '\t', '\r']),
            "a formula cell: {cell:?} in\n{text}"
        );
    }
    assert!(
        text.contains("'@SUM(1)") && text.contains("'=HYPERLINK"),
        "{text}"
    );
    let jsonl = dir.path().join("t.jsonl");
    ok(&sweep(&spec, &jsonl, &[]));
    let rows = read(&jsonl);
    assert!(
        rows.contains("\"@SUM(1)\":\"=cmd|' /C calc'!A0\""),
        "{rows}"
    );
    // `summarize` reads the neutralised cells back as they were written.
    let out = rolefit()
        .arg("summarize")
        .arg(&csv)
        .args(["--format", "json", "--outcome", "status == optimal"])
        .output()
        .unwrap();
    ok(&out);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("\"=cmd|' /C calc'!A0\""), "{summary}");
    assert!(summary.contains("\"@SUM(1)\""), "{summary}");
}

/// Found by review: `sweep` with a warning and standard error closed panicked (`eprintln!`).
#[test]
fn a_sweep_with_a_warning_and_standard_error_closed_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.ron");
    std::fs::write(
        &scenario,
        common::BASE.replace(
            "    ],\n)",
            "    ],\n    variants: [Variant(name: \"same\")],\n)",
        ),
    )
    .unwrap();
    let spec = dir.path().join("w.ron");
    std::fs::write(
        &spec,
        r#"Sweep(name: "w", scenarios: ["s.ron"], factors: [Factor(path: "needs.research.importance", levels: [1, 2])], design: FullFactorial(seed: 1))"#,
    )
    .unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rolefit"))
        .arg("sweep")
        .arg(&spec)
        .arg("--out")
        .arg(dir.path().join("t.csv"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(rows_in(&dir.path().join("t.csv")), 2);
}

/// Found by review: a sweep file could name any path as a scenario (`/etc/shadow`), and the
/// syntax error quoted its first line. Only `.ron` files are read for a sweep.
#[test]
fn a_sweep_naming_a_file_that_is_not_ron_never_reads_or_quotes_it() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "root:SECRET-HASH:19000:0:99999:7:::\n").unwrap();
    let spec = dir.path().join("s.ron");
    std::fs::write(
        &spec,
        format!(
            r#"Sweep(name: "x", scenarios: [{secret:?}], rules: {secret:?}, factors: [Factor(path: "noise", levels: [0.1])], design: FullFactorial(seed: 1))"#
        ),
    )
    .unwrap();
    let (code, stderr) = run_rolefit(&["check".as_ref(), spec.as_os_str()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("a scenario is a `.ron` file"), "{stderr}");
    assert!(
        stderr.contains("rules are a directory of `.ron` files"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET"), "{stderr}");
}

/// Found by review: `merge --out part-0.csv` and `sweep x --out x` destroyed an input.
#[test]
fn a_sweep_or_merge_output_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 4);
    let spec_text = read(&spec);
    let out = sweep(&spec, &spec, &["--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("an input of this command"));
    assert_eq!(read(&spec), spec_text);
    let parts: Vec<PathBuf> = (0..2)
        .map(|k| {
            let p = dir.path().join(format!("part-{k}.csv"));
            ok(&sweep(&spec, &p, &["--shard", &format!("{k}/2")]));
            p
        })
        .collect();
    let before = read(&parts[0]);
    let (code, stderr) = run_rolefit(&[
        "merge".as_ref(),
        parts[0].as_os_str(),
        parts[1].as_os_str(),
        "--out".as_ref(),
        parts[0].as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("an input of this command"), "{stderr}");
    assert_eq!(read(&parts[0]), before);
}

/// A design file's rows run exactly as the same points of the sweep's own design: the rows of
/// a Latin hypercube written out as a design file give the same table, and the manifest
/// records the design file's SHA-256.
#[test]
fn a_design_file_runs_its_rows_as_the_sweeps_own_design_would() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 12);
    // Penalties 0, 1 and 2: values the table writes exactly, so the file gives the same runs.
    let text = read(&spec).replace(
        "LatinHypercube(n: 12, seed: 11)",
        "FullFactorial(steps: 3, seed: 11)",
    );
    std::fs::write(&spec, text).unwrap();
    let own = dir.path().join("own.csv");
    ok(&sweep(&spec, &own, &[]));
    // The factor columns of the sweep's own table are a design file of the same points.
    let text = read(&own);
    let mut design = String::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split(',').collect();
        design.push_str(&cells[3..7].join(","));
        design.push('\n');
    }
    let design_path = dir.path().join("points.csv");
    std::fs::write(&design_path, &design).unwrap();
    let from_file = dir.path().join("from-file.csv");
    ok(&sweep(
        &spec,
        &from_file,
        &["--design", design_path.to_str().unwrap()],
    ));
    assert_eq!(read(&from_file), text);
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("from-file.csv.manifest.json"))).unwrap();
    assert_eq!(manifest["design"]["rows"], 9);
    let sha = manifest["design"]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    // A resumed run refuses another design file: it belongs to another sweep.
    let fewer: Vec<&str> = design.lines().take(5).collect();
    std::fs::write(&design_path, fewer.join("\n")).unwrap();
    let again = dir.path().join("again.csv");
    ok(&sweep(
        &spec,
        &again,
        &["--design", design_path.to_str().unwrap()],
    ));
    let other: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("again.csv.manifest.json"))).unwrap();
    assert_ne!(other["fingerprint"], manifest["fingerprint"]);
    assert_ne!(other["design"]["sha256"].as_str().unwrap(), sha);
}

#[test]
fn design_file_mistakes_are_reported_at_their_cell_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 12);
    let design = dir.path().join("bad.csv");
    // The sweep's stderr for a design file with this text; the sweep is refused.
    let refused = |text: &str| {
        std::fs::write(&design, text).unwrap();
        let out = sweep(
            &spec,
            &dir.path().join("o.csv"),
            &["--design", design.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refused(
        "drift_penalty,outreach_importance,strength,fit_floor,partners.shishu_alo.capacty\n1.5,3,price,0.2,2\n",
    );
    assert!(err.contains("bad.csv:1:54"), "{err}");
    assert!(err.contains("did you mean `capacity`?"), "{err}");
    let err = refused(
        "drift_penalty,outreach_importance,strength,fit_floor\n1.5,3,price,0.2\n13,3,pric,0.2\n",
    );
    assert!(err.contains("bad.csv:3:1"), "{err}");
    assert!(err.contains("declared with range (0, 2)"), "{err}");
    assert!(err.contains("bad.csv:3:6"), "{err}");
    assert!(err.contains("did you mean `price`?"), "{err}");
    // A declared factor without a column is named in the sweep file.
    let err = refused("drift_penalty,strength,fit_floor\n1.5,price,0.2\n");
    assert!(
        err.contains("has no column for factor `outreach_importance`"),
        "{err}"
    );
}

/// Holders are one text per set of partners whatever the lead, and the lead has its column.
#[test]
fn holder_columns_are_sorted_sets_and_the_lead_has_its_own_column() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("dakar.ron");
    let scenario = repo().join("scenarios").join("cardio4cities-dakar.ron");
    std::fs::write(
        &spec,
        format!(
            r#"Sweep(scenarios: [{scenario:?}], factors: [Factor(path: "needs.community_outreach.importance", levels: [1, 5])], design: FullFactorial(seed: 1))"#
        ),
    )
    .unwrap();
    let out = dir.path().join("o.jsonl");
    ok(&sweep(&spec, &out, &[]));
    for line in read(&out).lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let holders = row["holder.community_outreach"].as_str().unwrap();
        let lead = row["lead.community_outreach"].as_str().unwrap();
        let parts: Vec<&str> = holders.split('+').collect();
        let mut sorted = parts.clone();
        sorted.sort();
        assert_eq!(parts, sorted, "{holders}");
        assert!(
            parts.contains(&lead),
            "{lead} leads but does not hold: {holders}"
        );
    }
}

/// Without its manifest, a JSON Lines table keeps its column order, so factors are told from
/// outcomes as in a CSV table.
#[test]
fn summarize_reads_a_json_lines_table_without_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 60);
    let csv = dir.path().join("t.csv");
    let jsonl = dir.path().join("t.jsonl");
    ok(&sweep(&spec, &csv, &[]));
    ok(&sweep(&spec, &jsonl, &[]));
    std::fs::remove_file(dir.path().join("t.jsonl.manifest.json")).unwrap();
    std::fs::remove_file(dir.path().join("t.csv.manifest.json")).unwrap();
    let summary = |path: &Path| {
        let out = rolefit()
            .args([
                "summarize",
                "--format",
                "json",
                "--outcome",
                "mission_drift > 0",
            ])
            .arg(path)
            .output()
            .unwrap();
        ok(&out);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut names: Vec<String> = v["factors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        (names, v["discovery"]["box"].clone())
    };
    let (csv_factors, csv_box) = summary(&csv);
    let (jsonl_factors, jsonl_box) = summary(&jsonl);
    assert_eq!(
        csv_factors,
        [
            "drift_penalty",
            "fit_floor",
            "outreach_importance",
            "strength"
        ]
    );
    assert_eq!(jsonl_factors, csv_factors);
    assert_eq!(jsonl_box, csv_box);
}

#[test]
fn summarize_chooses_a_prim_box_by_coverage_and_combines_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let spec = drift_sweep(dir.path(), 200);
    let out = dir.path().join("t.csv");
    ok(&sweep(&spec, &out, &[]));
    let json = |extra: &[&str]| {
        let o = rolefit()
            .args(["summarize", "--format", "json"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        ok(&o);
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let wide = json(&["--outcome", "mission_drift > 0", "--min-coverage", "0.95"]);
    let d = &wide["discovery"];
    assert!(d["coverage"].as_f64().unwrap() >= 0.95, "{d}");
    let step = d["step"].as_u64().unwrap() as usize;
    assert_eq!(d["trajectory"][step]["coverage"], d["coverage"]);
    let combined = json(&[
        "--outcome",
        "mission_drift > 0 and (outreach_importance == 2 or outreach_importance >= 4)",
    ]);
    let rate = combined["outcome_rate"].as_f64().unwrap();
    let alone = json(&["--outcome", "mission_drift > 0"])["outcome_rate"]
        .as_f64()
        .unwrap();
    assert!(rate > 0.0 && rate < alone, "{rate} vs {alone}");
    let o = rolefit()
        .args(["summarize", "--box", "2"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "--box needs --outcome");
}
