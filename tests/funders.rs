//! End-to-end tests of the funder commands: `rolefit additionality` on purpose-built scenarios
//! (tests/fixtures/funders/) and the shipped ones, and `rolefit value`.

mod common;

use common::{array, dakar, repo, rolefit};
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    repo()
        .join("tests")
        .join("fixtures")
        .join("funders")
        .join(name)
}

fn scenario(name: &str) -> PathBuf {
    repo().join("scenarios").join(name)
}

/// Runs a command that must succeed and print JSON, and parses it.
fn json(args: &[&str], path: &Path) -> Value {
    let out = rolefit()
        .args(&args[..1])
        .arg(path)
        .args(&args[1..])
        .args(["--format", "json"])
        .output()
        .expect("rolefit runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?} {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn additionality(path: &Path, funder: &str) -> Value {
    json(&["additionality", "--funder", funder], path)
}

fn role<'a>(report: &'a Value, id: &str) -> &'a Value {
    array(report, "roles")
        .iter()
        .find(|r| r["role"] == id)
        .unwrap_or_else(|| panic!("no funded role {id} in {report:#}"))
}

/// Flags of a rule, as (partner, role, message).
fn flags_of<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    array(report, "flags")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn a_funder_whose_role_the_government_already_funds_is_not_additional() {
    let r = additionality(&fixture("government-already-funds.ron"), "health_fund");
    assert_eq!(r["verdict"], "not_additional", "{r:#}");
    let pf = role(&r, "public_financing");
    assert_eq!(pf["finding"], "crowding_out");
    assert_eq!(pf["co_funders"], serde_json::json!(["moh"]));
    // The ministry holds the role with its own money, with or without the fund.
    for line_up in ["with", "unfunded", "without"] {
        assert_eq!(pf[line_up][0]["partner"], "moh", "{line_up}");
        assert_eq!(pf[line_up][0]["funds"], true);
    }
    assert_eq!(r["added_by_funding"], 0.0);
    let crowding = flags_of(&r, "funding_crowds_out");
    assert_eq!(crowding.len(), 1, "{r:#}");
    assert_eq!(crowding[0]["kind"], "additionality");
    assert_eq!(crowding[0]["severity"], "high");
    assert_eq!(crowding[0]["partner"], "health_fund");
    assert!(
        crowding[0]["source"]
            .as_str()
            .unwrap()
            .contains("additionality of funding"),
        "{}",
        crowding[0]["source"]
    );
}

#[test]
fn the_only_source_of_catalytic_funding_is_additional() {
    let r = additionality(&fixture("only-catalytic-source.ron"), "foundation");
    assert_eq!(r["verdict"], "additional", "{r:#}");
    let cf = role(&r, "catalytic_funding");
    assert_eq!(cf["finding"], "additional");
    assert_eq!(cf["with"][0]["partner"], "foundation");
    assert_eq!(cf["unfunded"], serde_json::json!([]));
    assert_eq!(cf["without"], serde_json::json!([]));
    assert!(cf["loss"].as_f64().unwrap() > 0.0);
    assert!(r["added_by_funding"].as_f64().unwrap() > 0.0);
    // Side by side: the gap appears only once the money is gone.
    let gaps = |i: usize| r["comparison"][i]["gaps"].clone();
    assert_eq!(gaps(0), serde_json::json!([]));
    assert_eq!(gaps(1), serde_json::json!(["catalytic_funding"]));
    assert_eq!(gaps(2), serde_json::json!(["catalytic_funding"]));
    let uncovered = array(&r["line_ups"]["unfunded"], "uncovered");
    assert_eq!(uncovered[0]["role"], "catalytic_funding");
    assert!(flags_of(&r, "funding_crowds_out").is_empty());
}

#[test]
fn two_funders_on_one_role_raise_a_coordination_flag() {
    for (funder, other) in [("foundation", "impact_fund"), ("impact_fund", "foundation")] {
        let r = additionality(&fixture("two-funders-one-role.ron"), funder);
        let coordinate = flags_of(&r, "funders_coordinate");
        assert_eq!(coordinate.len(), 1, "{funder}: {r:#}");
        let f = coordinate[0];
        assert_eq!(f["kind"], "additionality");
        assert_eq!(f["partner"], funder);
        assert_eq!(f["role"], "catalytic_funding");
        assert!(
            f["message"].as_str().unwrap().contains(other),
            "{}",
            f["message"]
        );
        assert!(
            f["source"]
                .as_str()
                .unwrap()
                .contains("coordination with other funders")
        );
        assert_eq!(role(&r, "catalytic_funding")["finding"], "crowding_out");
        assert_eq!(r["verdict"], "not_additional");
    }
}

#[test]
fn a_funder_barred_from_funding_a_government_gets_a_restriction_flag() {
    let r = additionality(&fixture("restricted-funder.ron"), "dev_bank");
    let pf = role(&r, "public_financing");
    assert_eq!(
        pf["restricted_by"],
        "investor_restricted_government_funding"
    );
    assert_eq!(pf["finding"], "unused");
    let restriction = flags_of(&r, "investor_restricted_government_funding");
    assert_eq!(restriction.len(), 1, "{r:#}");
    assert_eq!(restriction[0]["kind"], "additionality");
    assert_eq!(restriction[0]["role"], "public_financing");
    // Its start-up grant is still the only one: partly additional.
    assert_eq!(role(&r, "catalytic_funding")["finding"], "additional");
    assert_eq!(r["verdict"], "partly_additional");
}

#[test]
fn a_government_whose_budget_another_partner_would_cover_is_substitutable() {
    // In Dakar the regional health authority could hold public financing, but with no money
    // committed to it.
    let r = additionality(&dakar(), "msas");
    let pf = role(&r, "public_financing");
    assert_eq!(pf["finding"], "substitutable", "{r:#}");
    assert_eq!(pf["unfunded"][0]["partner"], "rm_dakar");
    assert_eq!(pf["unfunded"][0]["funds"], false);
    let loss = pf["loss"].as_f64().unwrap();
    assert!(loss > 0.0);
    assert_eq!(r["verdict"], "partly_additional");
    let flag = flags_of(&r, "funding_substitutable");
    assert_eq!(flag.len(), 1);
    assert!(
        flag[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{loss:.2}"))
    );
}

#[test]
fn the_shipped_consortium_with_two_funders_on_catalytic_funding_flags_them() {
    let r = additionality(&scenario("digital-health-five-sectors.ron"), "impact_fund");
    assert_eq!(role(&r, "catalytic_funding")["finding"], "crowding_out");
    assert_eq!(flags_of(&r, "funders_coordinate").len(), 1);
    // The line-up's own flag about two funders holding the role is carried over.
    assert_eq!(flags_of(&r, "funders_on_same_role").len(), 1);
    let value = |i: usize| r["comparison"][i]["objective"].as_f64().unwrap();
    let added = r["added_by_funding"].as_f64().unwrap();
    assert!((value(0) - value(1) - added).abs() < 1e-3);
}

#[test]
fn the_line_up_with_the_funder_is_what_solve_reports() {
    let r = additionality(&dakar(), "foundation");
    // The counterfactual line-ups are not assessed for robustness.
    let solved = common::solve_json(&dakar(), &["--robustness-samples", "0"]);
    assert_eq!(r["line_ups"]["with"], solved);
    assert_eq!(r["comparison"][0]["objective"], solved["objective"]);
}

#[test]
fn every_shipped_funder_can_be_judged_in_every_format() {
    for path in common::shipped_scenarios() {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = rolefit::load::Document::parse(rolefit::source::Source::new("s.ron", text));
        let kb = rolefit::default_knowledge_base().unwrap();
        let Ok(s) = rolefit::validate_scenario(&kb, &doc) else {
            continue;
        };
        for p in s.partners.iter().filter(|p| !p.funds.is_empty()) {
            for format in ["text", "markdown", "json"] {
                let run = || {
                    rolefit()
                        .arg("additionality")
                        .arg(&path)
                        .args(["--funder", &p.id, "--format", format])
                        .output()
                        .expect("rolefit runs")
                };
                let (first, second) = (run(), run());
                assert_eq!(first.status.code(), Some(0), "{} {}", path.display(), p.id);
                assert_eq!(first.stdout, second.stdout, "byte-identical output");
                let out = String::from_utf8(first.stdout).unwrap();
                let verdict = match format {
                    "json" => serde_json::from_str::<Value>(&out).unwrap()["verdict"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    "markdown" => {
                        assert!(out.contains("## Verdict:"), "{out}");
                        assert!(out.contains("| Value |"), "{out}");
                        continue;
                    }
                    _ => {
                        assert!(out.contains("Verdict:"), "{out}");
                        assert!(out.contains("Three line-ups"), "{out}");
                        continue;
                    }
                };
                assert!(
                    ["additional", "partly_additional", "not_additional"]
                        .contains(&verdict.as_str())
                );
            }
        }
    }
}

#[test]
fn fail_on_exits_3_when_the_money_crowds_out_another_funder() {
    rolefit()
        .arg("additionality")
        .arg(fixture("government-already-funds.ron"))
        .args(["--funder", "health_fund", "--fail-on", "high"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("NOT ADDITIONAL"));
    rolefit()
        .arg("additionality")
        .arg(fixture("only-catalytic-source.ron"))
        .args(["--funder", "foundation", "--fail-on", "high"])
        .assert()
        .code(0);
}

#[test]
fn additionality_rejects_unknown_and_moneyless_funders() {
    rolefit()
        .arg("additionality")
        .arg(dakar())
        .args(["--funder", "foundaton"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no partner `foundaton`"))
        .stderr(predicate::str::contains("did you mean `foundation`?"));
    rolefit()
        .arg("additionality")
        .arg(dakar())
        .args(["--funder", "ucad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`ucad` commits money to no role"));
    rolefit()
        .arg("additionality")
        .arg(dakar())
        .args(["--funder", "foundation", "--variant", "without foundation"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean \"without the foundation\"?",
        ));
    rolefit()
        .arg("additionality")
        .arg(dakar())
        .args(["--funder", "foundation", "--time-limit", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--time-limit"));
    // The funder is gone in this variant.
    rolefit()
        .arg("additionality")
        .arg(dakar())
        .args([
            "--funder",
            "foundation",
            "--variant",
            "without the foundation",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no partner `foundation`"));
}

#[test]
fn additionality_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memo.md");
    rolefit()
        .arg("additionality")
        .arg(dakar())
        .args(["--funder", "foundation", "--format", "markdown", "-o"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    let memo = std::fs::read_to_string(&path).unwrap();
    assert!(memo.starts_with("# Additionality of"), "{memo}");
    assert!(memo.contains("## Roles it funds"));
}

#[test]
fn an_additionality_rule_cannot_carry_a_penalty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.ron"),
        r#"Rules(rules: [Rule(
            id: "priced_crowding",
            source: Text("a test"),
            when: Additionality(finding: crowding_out),
            effect: (penalty: 2.0, flag: (kind: "additionality", severity: low, message: "{partner} crowds out {other_partner}")),
        )])"#,
    )
    .unwrap();
    let refused_saying = |what: &str| {
        rolefit()
            .args(["rules", "--rules"])
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(what));
    };
    refused_saying("only raises a flag");
    std::fs::write(
        dir.path().join("mine.ron"),
        r#"Rules(rules: [Rule(
            id: "loud_crowding",
            source: Text("a test"),
            when: Additionality(finding: crowding_ot),
            effect: (flag: (kind: "additionality", severity: low, message: "{partner}")),
        )])"#,
    )
    .unwrap();
    refused_saying("crowding_out");
}

#[test]
fn a_user_additionality_rule_flags_its_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.ron"),
        r#"Rules(rules: [Rule(
            id: "only_source",
            source: Cell(sector: "impact_investor", row: risks, item: "additionality_of_funding"),
            when: Additionality(finding: additional, who: Sector("impact_investor")),
            effect: (flag: (kind: "additionality", severity: info, message: "Only {partner_name} funds {role_name} (worth {value}).")),
        )])"#,
    )
    .unwrap();
    let out = rolefit()
        .arg("additionality")
        .arg(fixture("only-catalytic-source.ron"))
        .args(["--funder", "foundation", "--format", "json", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = flags_of(&r, "only_source");
    assert_eq!(f.len(), 1, "{r:#}");
    let loss = role(&r, "catalytic_funding")["loss"].as_f64().unwrap();
    assert_eq!(
        f[0]["message"],
        format!("Only Global health foundation funds catalytic funding (worth {loss:.2}).")
    );
}

fn value(path: &Path, args: &[&str]) -> Value {
    let mut all = vec!["value"];
    all.extend_from_slice(args);
    json(&all, path)
}

fn partner<'a>(report: &'a Value, id: &str) -> &'a Value {
    array(report, "partners")
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no partner {id}"))
}

#[test]
fn shapley_values_of_dakar_add_up_to_what_the_partners_create() {
    let r = value(&dakar(), &[]);
    assert_eq!(r["method"], "exact");
    assert_eq!(r["coalitions"], 512);
    let partners = array(&r, "partners");
    let ids: Vec<&str> = partners.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "partners by id");
    let sum: f64 = partners
        .iter()
        .map(|p| p["shapley"].as_f64().unwrap())
        .sum();
    let total = r["total_value"].as_f64().unwrap();
    assert!((sum - total).abs() < 1e-3, "{sum} != {total}");
    let grand = r["grand_value"].as_f64().unwrap();
    let empty = r["empty_value"].as_f64().unwrap();
    assert!((grand - empty - total).abs() < 1e-3);
    assert!(empty < 0.0, "nobody leaves every role a gap");
    // The grand coalition is the line-up `solve` recommends; roles and effort come from it.
    let solved = common::solve_json(&dakar(), &[]);
    assert_eq!(r["grand_value"], solved["objective"]);
    for p in partners {
        let held: Vec<&Value> = array(&solved, "assignments")
            .iter()
            .filter(|a| a["partner"] == p["id"])
            .collect();
        assert_eq!(array(p, "roles").len(), held.len(), "{}", p["id"]);
    }
    // Shares split the value; every partner is classified against the margin.
    let share_sum: f64 = partners
        .iter()
        .map(|p| p["value_share"].as_f64().unwrap())
        .sum();
    assert!((share_sum - 1.0).abs() < 1e-3);
    for p in partners {
        let diff = p["value_share"].as_f64().unwrap() - p["effort_share"].as_f64().unwrap();
        let expected = if diff < -0.05 {
            "gives_more_than_it_gets"
        } else if diff > 0.05 {
            "gets_more_than_it_gives"
        } else {
            "balanced"
        };
        assert_eq!(p["balance"], expected, "{}", p["id"]);
    }
    // The university is the only partner that can research and evaluate: losing it costs the
    // most, while others can take over any other partner's roles.
    let loo = |id: &str| partner(&r, id)["leave_one_out"].as_f64().unwrap();
    for p in partners {
        let id = p["id"].as_str().unwrap();
        assert!(loo("ucad") >= loo(id), "{id} {}", loo(id));
    }
}

#[test]
fn a_partner_that_can_take_no_role_gets_zero() {
    let path = fixture("null-partner.ron");
    for method in ["exact", "sampled"] {
        let r = value(&path, &["--method", method]);
        let observer = partner(&r, "observer");
        assert_eq!(observer["shapley"], 0.0, "{method}");
        assert_eq!(observer["leave_one_out"], 0.0);
        assert_eq!(observer["can_take_a_role"], false);
        assert!(
            array(&r, "notes")
                .iter()
                .any(|n| n.as_str().unwrap().contains("observer can take no role"))
        );
    }
    // Its presence does not change the coalitions that are valued.
    assert_eq!(value(&path, &[])["coalitions"], 16);
}

#[test]
fn sampled_values_are_reproducible_whatever_the_number_of_threads() {
    let run = |threads: &str, seed: &str| {
        rolefit()
            .arg("value")
            .arg(scenario("digital-health-five-sectors.ron"))
            .args([
                "--method",
                "sampled",
                "--seed",
                seed,
                "--max-permutations",
                "32",
                "--format",
                "json",
                "--threads",
                threads,
            ])
            .output()
            .expect("rolefit runs")
    };
    let one = run("1", "7");
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(one.stdout, run("2", "7").stdout);
    assert_eq!(one.stdout, run("4", "7").stdout);
    assert_ne!(one.stdout, run("2", "8").stdout);
    let r: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(r["sampling"]["permutations"], 32);
    assert_eq!(r["sampling"]["stopped_by"], "max_permutations");
    for p in array(&r, "partners") {
        let [lo, hi] = [
            p["interval"][0].as_f64().unwrap(),
            p["interval"][1].as_f64().unwrap(),
        ];
        let v = p["shapley"].as_f64().unwrap();
        assert!(lo <= v && v <= hi, "{p}");
    }
}

#[test]
fn value_reports_in_text_and_markdown() {
    let text = rolefit().arg("value").arg(dakar()).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Exact Shapley values over all 512 coalitions"),
        "{text}"
    );
    assert!(text.contains("Gives more than it gets"));
    assert!(text.contains("How to read this"));
    let md = rolefit()
        .arg("value")
        .arg(dakar())
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.starts_with("# Who adds what value: CARDIO4Cities Dakar"),
        "{md}"
    );
    assert!(md.contains("| Partner | Sector | Roles held |"));
    assert!(md.contains("## Gets more than it gives"));
}

#[test]
fn value_refuses_arguments_that_make_no_sense() {
    for (args, message) in [
        (vec!["--precision", "0"], "--precision"),
        (vec!["--confidence", "1.5"], "--confidence"),
        (vec!["--margin", "-1"], "--margin"),
        (vec!["--threads", "0"], "--threads"),
        (vec!["--max-permutations", "1"], "--max-permutations"),
        (vec!["--time-limit", "-3"], "--time-limit"),
        (vec!["--variant", "nope"], "no variant named"),
    ] {
        rolefit()
            .arg("value")
            .arg(dakar())
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

/// A generated consortium of `n` partners, written to a temporary file.
fn generated(n: usize, dir: &Path) -> PathBuf {
    let kb = rolefit::default_knowledge_base().unwrap();
    let text = rolefit::generate::consortium(&kb, &rolefit::generate::Spec::new(n, 18, 5));
    let path = dir.join(format!("generated-{n}.ron"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn exact_values_are_refused_beyond_twenty_partners_and_time_limits_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let big = generated(24, dir.path());
    rolefit()
        .arg("value")
        .arg(&big)
        .args(["--method", "exact"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--method sampled"));
    // The sampled method stops at the time limit with what it has (a precision it cannot
    // reach keeps it sampling until then).
    let out = rolefit()
        .arg("value")
        .arg(&big)
        .args([
            "--time-limit",
            "3",
            "--precision",
            "0.000001",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["method"], "sampled");
    assert_eq!(r["sampling"]["stopped_by"], "time_limit");
    assert!(array(&r, "notes").iter().any(|n| {
        n.as_str()
            .unwrap()
            .contains("sampling stopped (time limit)")
    }));
    // The exact method fails when it runs out of time.
    let medium = generated(14, dir.path());
    rolefit()
        .arg("value")
        .arg(&medium)
        .args(["--time-limit", "0.01"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("time limit ran out"));
}

#[test]
fn a_line_up_without_any_solution_is_an_error_for_both_commands() {
    let path = fixture("contradictory-pin.ron");
    rolefit()
        .arg("additionality")
        .arg(&path)
        .args(["--funder", "dev_bank"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no solution satisfying the hard constraints",
        ))
        .stderr(predicate::str::contains("rolefit solve"));
    rolefit()
        .arg("value")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no coalition can be valued"));
}

#[test]
fn exact_values_are_byte_identical_whatever_the_number_of_threads() {
    let run = |threads: &str| {
        rolefit()
            .arg("value")
            .arg(scenario("funders-round-hypertension.ron"))
            .args(["--format", "json", "--threads", threads])
            .output()
            .expect("rolefit runs")
    };
    let one = run("1");
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(one.stdout, run("2").stdout);
    assert_eq!(one.stdout, run("3").stdout);
}
