//! How robust each recommendation is, end to end: margins and runner-ups in every report, close
//! calls in `solve`, `brief` and `compare`, the same figures on any number of threads, and the
//! options that tune or turn it off.
//!
//! `tests/fixtures/robustness/two-networks.ron` holds two community networks that state almost
//! the same strengths (a close call) and, in its variant `twins`, the very same (an exact tie),
//! so what these tests expect does not move with the knowledge base.

mod common;

use common::{RunOk, array, dakar, repo, rolefit, shipped_scenarios, solve_json};
use predicates::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

fn run(args: &[&str], threads: &str) -> String {
    rolefit()
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .stdout_ok()
}

fn networks() -> PathBuf {
    repo()
        .join("tests")
        .join("fixtures")
        .join("robustness")
        .join("two-networks.ron")
}

fn path(p: &std::path::Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

#[test]
fn every_role_held_in_every_shipped_scenario_has_a_margin_a_runner_up_and_a_stability() {
    for scenario in shipped_scenarios() {
        let report = solve_json(&scenario, &[]);
        let r = &report["robustness"];
        assert_eq!(r["samples"], 100);
        let (drawn, solved) = (r["drawn"].as_u64().unwrap(), r["solved"].as_u64().unwrap());
        assert!((25..=100).contains(&drawn) && solved == drawn, "{r:#}");
        for a in array(&report, "assignments") {
            let h = &a["robustness"];
            let stability = h["stability"].as_f64().expect("a stability");
            assert!((0.0..=1.0).contains(&stability), "{a:#}");
            let share = h["kept"].as_u64().unwrap() as f64 / drawn as f64;
            assert!((share - stability).abs() < 1e-4, "{a:#}");
            match h["margin_status"].as_str().unwrap() {
                "computed" => assert!(h["margin"].as_f64().unwrap() >= 0.0, "{a:#}"),
                "pinned" => assert!(a["pinned"].as_bool().unwrap() && h["margin"].is_null()),
                "required" => assert!(h["margin"].is_null() && h["runner_up"].is_null()),
                other => panic!("an optimal line-up has no `{other}` margin: {a:#}"),
            }
            // One notion of runner-up: the reasons, the runner-up and the robustness agree.
            assert_eq!(
                a["runner_up"]["partner"].as_str(),
                h["runner_up"].as_str(),
                "{a:#}"
            );
            let reasons: Vec<&str> = array(a, "reasons")
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            assert!(
                reasons.iter().any(|r| r.starts_with("runner-up: ")),
                "{reasons:?}"
            );
            assert!(
                reasons.iter().any(|r| r.starts_with("stability ")),
                "{reasons:?}"
            );
        }
        // Closest first.
        let stabilities: Vec<f64> = array(r, "close_calls")
            .iter()
            .map(|c| c["stability"].as_f64().unwrap())
            .collect();
        assert!(
            stabilities.windows(2).all(|w| w[0] <= w[1]),
            "{stabilities:?}"
        );
    }
}

#[test]
fn a_close_call_names_the_runner_up_the_margin_and_what_flips_it() {
    let report = solve_json(&networks(), &[]);
    let calls = array(&report["robustness"], "close_calls");
    assert_eq!(calls.len(), 1, "{calls:#?}");
    let outreach = &calls[0];
    assert_eq!(outreach["role"], "community_outreach");
    assert_eq!(outreach["partner"], "network_a");
    assert_eq!(outreach["runner_up"], "network_b");
    assert_eq!(outreach["tie"], false);
    assert!(outreach["stability"].as_f64().unwrap() < 0.8);
    assert!(outreach["margin"].as_f64().unwrap() > 0.0);
    assert_eq!(outreach["instead"]["partner"], "network_b");
    let flip = &outreach["flip"];
    assert_eq!(flip["to"], "network_b");
    assert!(flip["change"].as_f64().unwrap() > 0.0);
    let message = outreach["message"].as_str().unwrap();
    assert!(message.contains("would hand it to network_b"), "{message}");
}

#[test]
fn a_tie_names_both_partners_and_what_broke_it() {
    let report = solve_json(&networks(), &["--variant", "twins"]);
    let outreach = array(&report, "assignments")
        .iter()
        .find(|a| a["role"] == "community_outreach")
        .expect("someone reaches the communities");
    assert_eq!(outreach["partner"], "network_a", "the tie goes by id order");
    assert_eq!(outreach["robustness"]["tie"], true);
    assert_eq!(outreach["robustness"]["tie_break"], "id_order");
    assert_eq!(outreach["robustness"]["margin"], 0.0);
    let reasons = array(outreach, "reasons");
    assert!(
        reasons.iter().any(|r| {
            let r = r.as_str().unwrap();
            r.contains("tie with network_b at ")
                && r.contains(
                    "broken by id order (network_a comes before network_b; both state all 3",
                )
        }),
        "{reasons:?}"
    );
    let calls = array(&report["robustness"], "close_calls");
    assert!(
        calls.iter().any(|c| c["tie"] == true),
        "a tie is a close call"
    );
}

#[test]
fn the_same_seed_gives_byte_identical_reports_on_one_thread_and_on_several() {
    for scenario in [path(&dakar()), path(&networks())] {
        for format in ["json", "text", "markdown", "html"] {
            let args = ["solve", scenario.as_str(), "--format", format];
            let one = run(&args, "1");
            assert_eq!(one, run(&args, "2"), "{format}");
            assert_eq!(one, run(&args, "3"), "{format}");
        }
    }
    let network = path(&networks());
    let seeded = ["solve", network.as_str(), "--format", "json"];
    let other = run(&[&seeded[..], &["--robustness-seed", "9"]].concat(), "2");
    assert_ne!(run(&seeded, "2"), other, "another seed, other samples");
}

#[test]
fn zero_samples_turn_the_assessment_off() {
    let report = solve_json(&networks(), &["--robustness-samples", "0"]);
    assert!(report["robustness"].is_null());
    for a in array(&report, "assignments") {
        assert!(
            a["robustness"].is_null() && a["runner_up"].is_null(),
            "{a:#}"
        );
    }
    let text = run(
        &["solve", &path(&networks()), "--robustness-samples", "0"],
        "2",
    );
    assert!(!text.contains("robustness:") && !text.contains("Close calls"));
}

#[test]
fn the_threshold_and_the_noise_are_options() {
    let count = |r: &Value| array(&r["robustness"], "close_calls").len();
    let lax = solve_json(&networks(), &["--close-call", "0.2"]);
    assert_eq!(count(&lax), 0, "kept in more than 20% of the samples");
    let strict = solve_json(&networks(), &["--close-call", "1"]);
    assert_eq!(count(&strict), 1);
    assert_eq!(
        strict["robustness"]["drawn"], 100,
        "never settled: every sample drawn"
    );
    let calm = solve_json(&networks(), &["--robustness-noise", "0"]);
    for a in array(&calm, "assignments") {
        assert_eq!(a["robustness"]["stability"], 1.0, "{a:#}");
    }
}

#[test]
fn unusable_robustness_options_are_refused_with_what_is_wrong() {
    let network = path(&networks());
    for (flag, value, says) in [
        ("--robustness-noise", "2", "noise must be between 0 and 1"),
        (
            "--robustness-noise",
            "-0.1",
            "noise must be between 0 and 1",
        ),
        ("--close-call", "1.5", "close-call threshold"),
        ("--robustness-samples", "1000000", "at most 100000"),
    ] {
        rolefit()
            .args(["solve", network.as_str(), flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn every_format_shows_the_close_calls() {
    let network = path(&networks());
    let text = run(&["solve", &network], "2");
    assert!(
        text.contains("robustness: 25 perturbed samples (seed 1; up to 100, stopped once"),
        "{text}"
    );
    assert!(text.contains("Close calls (ties, or stability below the threshold)"));
    assert!(text.contains("  - network_a leads community_outreach in "));
    let md = run(&["solve", &network, "--format", "markdown"], "2");
    assert!(md.contains("\n## Close calls\n\n- network\\_a leads community\\_outreach"));
    let html = run(&["solve", &network, "--format", "html"], "2");
    assert!(html.contains("<section id=\"close-calls\">"));
    assert!(html.contains("data-role=\"community_outreach\" data-partner=\"network_a\""));
}

#[test]
fn the_brief_says_how_firm_each_role_is_and_which_close_calls_concern_the_partner() {
    let network = path(&networks());
    let md = run(&["brief", &network], "2");
    let page = |id: &str| {
        let start = md
            .find(&format!("`{id}` · "))
            .unwrap_or_else(|| panic!("a page for {id}"));
        let end = md[start..].find("\n---\n").map_or(md.len(), |e| start + e);
        md[start..end].to_string()
    };
    let a = page("network_a");
    assert!(a.contains("### How firm its roles are"), "{a}");
    assert!(a.contains("- **Close call:** network\\_a leads community\\_outreach"));
    let b = page("network_b");
    assert!(
        b.contains("- **Could go its way:** network\\_a leads community\\_outreach"),
        "{b}"
    );
    let html = run(&["brief", &network, "--format", "html"], "2");
    assert!(html.contains("How firm its roles are"));
    let off = run(&["brief", &network, "--robustness-samples", "0"], "2");
    assert!(!off.contains("How firm its roles are"));
}

#[test]
fn compare_lists_the_close_calls_of_each_line_up() {
    let network = path(&networks());
    let text = run(&["compare", &network], "2");
    assert!(text.contains("\nClose calls (ties, or roles kept in few perturbed samples)\n"));
    assert!(
        text.contains("  base: network_a leads community_outreach"),
        "{text}"
    );
    assert!(
        text.contains("  twins: network_a leads community_outreach"),
        "{text}"
    );
    assert!(text.contains("an exact tie with network_b"), "{text}");
    let md = run(&["compare", &network, "--format", "markdown"], "2");
    assert!(md.contains("\n## Close calls\n"));
    let html = run(&["compare", &network, "--format", "html"], "2");
    assert!(html.contains("<section id=\"close-calls\">"));
    let out = rolefit()
        .args(["compare", &network, "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for line_up in array(&report, "line_ups") {
        assert_eq!(
            array(&line_up["result"]["robustness"], "close_calls").len(),
            1,
            "{line_up:#}"
        );
    }
}
