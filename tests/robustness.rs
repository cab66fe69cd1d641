//! How robust each recommendation is, end to end: margins and runner-ups in every report, close
//! calls in `solve`, `brief` and `compare`, the same figures on any number of threads, and the
//! options that tune or turn it off.

mod common;

use common::{array, dakar, rolefit, solve_json};
use predicates::prelude::*;
use serde_json::Value;

fn run(args: &[&str], threads: &str) -> String {
    let out = rolefit()
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("rolefit runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn dakar_arg() -> String {
    dakar().to_str().expect("utf-8 path").to_string()
}

#[test]
fn every_role_held_has_a_margin_a_runner_up_and_a_stability() {
    let report = solve_json(&dakar(), &[]);
    let r = &report["robustness"];
    assert_eq!(r["samples"], 100);
    // Every Dakar role is clearly above or below 80% after one batch.
    assert_eq!(r["drawn"], 25);
    assert_eq!(r["solved"], 25);
    assert_eq!(r["seed"], 1);
    assert_eq!(r["noise"], 0.1);
    assert_eq!(r["stated_noise"], 0.05);
    for a in array(&report, "assignments") {
        let h = &a["robustness"];
        let stability = h["stability"].as_f64().expect("a stability");
        assert!((0.0..=1.0).contains(&stability), "{a:#}");
        match h["margin_status"].as_str().unwrap() {
            "computed" => assert!(h["margin"].as_f64().unwrap() >= 0.0, "{a:#}"),
            "pinned" => assert!(a["pinned"].as_bool().unwrap() && h["margin"].is_null()),
            other => panic!("an optimal Dakar line-up has no `{other}` margin: {a:#}"),
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
}

#[test]
fn close_calls_name_the_runner_up_the_margin_and_what_flips_them() {
    let report = solve_json(&dakar(), &[]);
    let calls = array(&report["robustness"], "close_calls");
    let outreach = calls
        .iter()
        .find(|c| c["role"] == "community_outreach")
        .expect("the two civil society partners are a close call for leading outreach");
    assert_eq!(outreach["partner"], "relais");
    assert_eq!(outreach["runner_up"], "cardio_society");
    assert!(outreach["stability"].as_f64().unwrap() < 0.8);
    assert_eq!(outreach["instead"]["partner"], "cardio_society");
    let flip = &outreach["flip"];
    assert_eq!(flip["to"], "cardio_society");
    assert!(flip["change"].as_f64().unwrap() > 0.0);
    let message = outreach["message"].as_str().unwrap();
    assert!(
        message.contains("would hand it to cardio_society"),
        "{message}"
    );
    // Closest first.
    let stabilities: Vec<f64> = calls
        .iter()
        .map(|c| c["stability"].as_f64().unwrap())
        .collect();
    assert!(
        stabilities.windows(2).all(|w| w[0] <= w[1]),
        "{stabilities:?}"
    );
}

#[test]
fn a_tie_names_both_partners_and_what_broke_it() {
    let report = solve_json(&dakar(), &["--variant", "without the foundation"]);
    let convening = array(&report, "assignments")
        .iter()
        .find(|a| a["role"] == "convening")
        .expect("someone convenes");
    assert_eq!(convening["robustness"]["tie"], true);
    assert_eq!(convening["robustness"]["tie_break"], "stated_evidence");
    let reasons = array(convening, "reasons");
    assert!(
        reasons.iter().any(|r| {
            let r = r.as_str().unwrap();
            r.contains("tie with rm_dakar")
                && r.contains("broken by stated evidence (msas states 1 of the 4")
        }),
        "{reasons:?}"
    );
}

#[test]
fn the_same_seed_gives_byte_identical_reports_on_one_thread_and_on_several() {
    let dakar = dakar_arg();
    for format in ["json", "text", "markdown", "html"] {
        let args = ["solve", dakar.as_str(), "--format", format];
        let one = run(&args, "1");
        assert_eq!(one, run(&args, "2"), "{format}");
        assert_eq!(one, run(&args, "3"), "{format}");
    }
    let seeded = ["solve", dakar.as_str(), "--format", "json"];
    let other = run(&[&seeded[..], &["--robustness-seed", "9"]].concat(), "2");
    assert_ne!(run(&seeded, "2"), other, "another seed, other samples");
}

#[test]
fn zero_samples_turn_the_assessment_off() {
    let report = solve_json(&dakar(), &["--robustness-samples", "0"]);
    assert!(report["robustness"].is_null());
    for a in array(&report, "assignments") {
        assert!(
            a["robustness"].is_null() && a["runner_up"].is_null(),
            "{a:#}"
        );
    }
    let text = run(&["solve", &dakar_arg(), "--robustness-samples", "0"], "2");
    assert!(!text.contains("robustness:") && !text.contains("Close calls"));
}

#[test]
fn the_threshold_and_the_noise_are_options() {
    let strict = solve_json(&dakar(), &["--close-call", "1"]);
    let lax = solve_json(&dakar(), &["--close-call", "0.5"]);
    let count = |r: &Value| array(&r["robustness"], "close_calls").len();
    assert!(
        count(&strict) > count(&lax),
        "{} vs {}",
        count(&strict),
        count(&lax)
    );
    let calm = solve_json(&dakar(), &["--robustness-noise", "0"]);
    for a in array(&calm, "assignments") {
        assert_eq!(a["robustness"]["stability"], 1.0, "{a:#}");
    }
}

#[test]
fn unusable_robustness_options_are_refused_with_what_is_wrong() {
    let dakar = dakar_arg();
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
            .args(["solve", dakar.as_str(), flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn every_format_shows_the_close_calls() {
    let dakar = dakar_arg();
    let text = run(&["solve", &dakar], "2");
    assert!(
        text.contains("robustness: 25 perturbed samples (seed 1; up to 100, stopped once"),
        "{text}"
    );
    assert!(text.contains("Close calls (ties, or stability below the threshold)"));
    assert!(text.contains("  - relais leads community_outreach in "));
    let md = run(&["solve", &dakar, "--format", "markdown"], "2");
    assert!(md.contains("\n## Close calls\n\n- relais leads community\\_outreach"));
    let html = run(&["solve", &dakar, "--format", "html"], "2");
    assert!(html.contains("<section id=\"close-calls\">"));
    assert!(html.contains("data-role=\"community_outreach\" data-partner=\"relais\""));
}

#[test]
fn the_brief_says_how_firm_each_role_is_and_which_close_calls_concern_the_partner() {
    let dakar = dakar_arg();
    let md = run(&["brief", &dakar], "2");
    let page = |id: &str| {
        let start = md
            .find(&format!("`{id}` · "))
            .unwrap_or_else(|| panic!("a page for {id}"));
        let end = md[start..].find("\n---\n").map_or(md.len(), |e| start + e);
        md[start..end].to_string()
    };
    let relais = page("relais");
    assert!(relais.contains("### How firm its roles are"), "{relais}");
    assert!(relais.contains("- **Close call:** relais leads community\\_outreach"));
    let society = page("cardio_society");
    assert!(
        society.contains("- **Could go its way:** relais leads community\\_outreach"),
        "{society}"
    );
    let html = run(&["brief", &dakar, "--format", "html"], "2");
    assert!(html.contains("How firm its roles are"));
    let off = run(&["brief", &dakar, "--robustness-samples", "0"], "2");
    assert!(!off.contains("How firm its roles are"));
}

#[test]
fn compare_lists_the_close_calls_of_each_line_up() {
    let dakar = dakar_arg();
    let text = run(&["compare", &dakar], "2");
    assert!(text.contains("\nClose calls (ties, or roles kept in few perturbed samples)\n"));
    assert!(
        text.contains("  without the foundation: msas leads convening"),
        "{text}"
    );
    let md = run(&["compare", &dakar, "--format", "markdown"], "2");
    assert!(md.contains("\n## Close calls\n"));
    let html = run(&["compare", &dakar, "--format", "html"], "2");
    assert!(html.contains("<section id=\"close-calls\">"));
    let out = rolefit()
        .args(["compare", &dakar, "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for line_up in array(&report, "line_ups") {
        assert!(
            line_up["result"]["robustness"]["close_calls"].is_array(),
            "{line_up:#}"
        );
    }
}
