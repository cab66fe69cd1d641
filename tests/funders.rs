//! End-to-end tests of the funder commands: `rolefit additionality` on purpose-built scenarios
//! (tests/fixtures/funders/) and the shipped ones, and `rolefit value`.

mod common;

use common::{RunOk, array, dakar, repo, rolefit};
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
        .stdout_ok();
    serde_json::from_str(&out).expect("valid JSON")
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

fn commitment<'a>(report: &'a Value, id: &str) -> &'a Value {
    array(report, "commitments")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no commitment {id} in {report:#}"))
}

#[test]
fn a_funder_whose_role_the_government_already_funds_is_not_additional() {
    let r = additionality(&fixture("government-already-funds.ron"), "health_fund");
    assert_eq!(r["verdict"], "not_additional", "{r:#}");
    let pf = role(&r, "public_financing");
    // The money it would put in stands in for the ministry's own budget line.
    assert_eq!(pf["finding"], "crowding_out_public");
    assert_eq!(pf["co_funders"], serde_json::json!(["moh"]));
    // The ministry holds the role with its own money, with or without the fund.
    for line_up in ["with", "unfunded", "without"] {
        assert_eq!(pf[line_up][0]["partner"], "moh", "{line_up}");
        assert_eq!(pf[line_up][0]["funds"], true);
    }
    assert_eq!(r["added_by_funding"], 0.0);
    let crowding = flags_of(&r, "funding_replaces_public_budget");
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
    // Its statutes (the attribute) keep its money from the government partners that could
    // hold the role.
    assert!(
        pf["restricted_by"]
            .as_str()
            .unwrap()
            .contains("attribute no_direct_government_funding"),
        "{pf:#}"
    );
    assert_eq!(pf["finding"], "restricted");
    let restriction = flags_of(&r, "funding_restricted");
    assert_eq!(restriction.len(), 1, "{r:#}");
    assert_eq!(restriction[0]["kind"], "additionality");
    assert_eq!(restriction[0]["role"], "public_financing");
    assert!(
        restriction[0]["source"]
            .as_str()
            .unwrap()
            .contains("political & regulatory restrictions")
    );
    // Its start-up grant is still the only one: partly additional.
    assert_eq!(role(&r, "catalytic_funding")["finding"], "additional");
    assert_eq!(r["verdict"], "partly_additional");
}

#[test]
fn a_government_budget_nobody_else_would_pay_is_additional() {
    // In Dakar the regional health authority could hold public financing, but nobody else
    // commits money to it: without the ministry's budget the role is not covered at all.
    let r = additionality(&dakar(), "msas");
    let pf = role(&r, "public_financing");
    assert_eq!(pf["finding"], "additional", "{r:#}");
    assert_eq!(pf["unfunded"], serde_json::json!([]));
    assert!(pf["loss"].as_f64().unwrap() > 0.0);
    assert_eq!(r["verdict"], "additional");
    assert!(flags_of(&r, "funding_substitutable").is_empty());
    let gaps = array(&r["line_ups"]["unfunded"], "uncovered");
    assert!(
        gaps.iter()
            .any(|g| g["role"] == "public_financing" && g["unfinanced"] == true),
        "{gaps:#?}"
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
        let mut funders: Vec<String> = s
            .base()
            .all_commitments(&kb)
            .into_iter()
            .map(|c| c.funder)
            .collect();
        funders.sort();
        funders.dedup();
        assert!(
            !funders.is_empty() || !path.ends_with("funders-round-hypertension.ron"),
            "the funders' round has funders"
        );
        for funder in &funders {
            for format in ["text", "markdown", "json", "html"] {
                let run = || {
                    rolefit()
                        .arg("additionality")
                        .arg(&path)
                        .args(["--funder", funder, "--format", format])
                        .output()
                        .expect("rolefit runs")
                };
                let (first, second) = (run(), run());
                assert_eq!(first.status.code(), Some(0), "{} {funder}", path.display());
                assert_eq!(first.stdout, second.stdout, "byte-identical output");
                let out = String::from_utf8(first.stdout).unwrap();
                let verdict = match format {
                    "json" => serde_json::from_str::<Value>(&out).unwrap()["verdict"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    "html" => {
                        assert!(out.contains("data-verdict"), "{out}");
                        continue;
                    }
                    "markdown" => {
                        assert!(out.contains("## Verdict:"), "{out}");
                        assert!(out.contains("| Value (points) |"), "{out}");
                        continue;
                    }
                    _ => {
                        assert!(out.contains("Verdict:"), "{out}");
                        assert!(out.contains("What the money buys"), "{out}");
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
    assert!(memo.contains("## What the money buys"));
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
        .stdout_ok();
    let r: Value = serde_json::from_slice(out.as_bytes()).unwrap();
    let f = flags_of(&r, "only_source");
    assert_eq!(f.len(), 1, "{r:#}");
    let loss = role(&r, "catalytic_funding")["loss"].as_f64().unwrap();
    assert_eq!(
        f[0]["message"],
        format!("Only Global health foundation funds catalytic funding (worth {loss:.2}).")
    );
}

/// A scenario's `solve --format json`.
fn solved(path: &Path, args: &[&str]) -> Value {
    let mut all = vec!["solve"];
    all.extend_from_slice(args);
    json(&all, path)
}

#[test]
fn the_only_grant_makers_money_is_additional_with_its_amount() {
    let r = additionality(&fixture("only-grant-maker.ron"), "foundation");
    assert_eq!(r["verdict"], "additional", "{r:#}");
    assert_eq!(r["units"]["money"], "USD");
    let grant = commitment(&r, "grant");
    assert_eq!(grant["finding"], "additional");
    assert_eq!(grant["verdict"], "additional");
    assert_eq!(grant["amount"], 500000.0);
    assert_eq!(grant["additional"], 500000.0);
    assert_eq!(grant["crowded"], 0.0);
    assert_eq!(r["money"]["additional"], 500000.0);
    assert_eq!(r["money"]["committed"], 500000.0);
    // Without it the start-up grant has no money at all: it is not covered.
    assert_eq!(grant["unfinanced_without"], true);
    let short = array(&r, "shortfalls");
    assert!(
        short
            .iter()
            .any(|s| s["role"] == "catalytic_funding" && s["unfinanced_without"] == true),
        "{short:#?}"
    );
    let summary = r["summary"].as_str().unwrap();
    assert!(summary.contains("USD 500,000"), "{summary}");
    assert!(flags_of(&r, "funding_crowds_out").is_empty());
}

#[test]
fn a_fund_financing_a_start_ups_development_is_additional_and_holds_nothing() {
    let path = fixture("fund-finances-startup.ron");
    let r = additionality(&path, "impact_fund");
    assert_eq!(r["verdict"], "additional", "{r:#}");
    let c = commitment(&r, "fund_investment");
    assert_eq!(c["additional"], 300000.0);
    // The start-up holds the role; the fund's money goes to it.
    let sd = role(&r, "solution_development");
    assert_eq!(sd["with"][0]["partner"], "startup");
    let solve = solved(&path, &[]);
    for f in array(&solve, "flags") {
        assert!(
            f["partner"] != "impact_fund"
                || !["role_mismatch", "unfinanced", "idle_partner"]
                    .contains(&f["kind"].as_str().unwrap()),
            "a flag on the fund: {f:#}"
        );
    }
    let money = &solve["money"]["roles"];
    let dev = array(&solve["money"], "roles")
        .iter()
        .find(|m| m["role"] == "solution_development")
        .unwrap_or_else(|| panic!("{money:#}"));
    assert_eq!(dev["status"], "financed");
    assert_eq!(dev["holders"], serde_json::json!(["startup"]));
    assert_eq!(dev["phases"][0]["from"][0]["funder"], "impact_fund");
}

#[test]
fn budget_delayed_leaves_public_financing_unfinanced_with_a_high_flag() {
    let path = scenario("funders-round-hypertension.ron");
    let r = solved(&path, &["--variant", "budget delayed"]);
    let gap = array(&r, "uncovered")
        .iter()
        .find(|g| g["role"] == "public_financing")
        .unwrap_or_else(|| panic!("public financing is not a gap: {r:#}"));
    assert_eq!(gap["unfinanced"], true);
    let money = array(&r["money"], "roles")
        .iter()
        .find(|m| m["role"] == "public_financing")
        .unwrap();
    assert_eq!(money["status"], "unfinanced");
    let flag = array(&r, "flags")
        .iter()
        .find(|f| f["rule"] == "unfinanced_important_need")
        .unwrap_or_else(|| panic!("no unfinanced flag: {r:#}"));
    assert_eq!(flag["severity"], "high");
    assert_eq!(flag["kind"], "unfinanced");
    assert_eq!(flag["role"], "public_financing");
    assert!(r["coverage"].as_f64().unwrap() < 1.0);
    // The bank's co-financing falls with the ministry's budget, so the bank is told so.
    let bank = additionality_variant(&path, "dev_bank", "budget delayed");
    let c = commitment(&bank, "bank_cofinance");
    assert_eq!(c["verdict"], "not_additional");
    assert!(
        c["explanation"].as_str().unwrap().contains("moh_budget"),
        "{c:#}"
    );
}

fn additionality_variant(path: &Path, funder: &str, variant: &str) -> Value {
    json(
        &["additionality", "--funder", funder, "--variant", variant],
        path,
    )
}

#[test]
fn a_second_grant_on_a_financed_role_crowds_out_by_the_overlapping_amount() {
    let path = fixture("second-grant.ron");
    let r = additionality(&path, "agency");
    let c = commitment(&r, "agency_grant");
    assert_eq!(c["finding"], "crowding_out", "{r:#}");
    assert_eq!(c["crowded"], 250000.0);
    assert_eq!(c["additional"], 0.0);
    assert_eq!(c["verdict"], "not_additional");
    assert_eq!(r["verdict"], "not_additional");
    let flag = flags_of(&r, "funding_crowds_out");
    assert_eq!(flag.len(), 1, "{r:#}");
    assert!(flag[0]["message"].as_str().unwrap().contains("USD 250,000"));
    // A smaller first grant leaves 100,000 of the budget for the second: partly additional.
    let r = additionality_variant(&path, "agency", "smaller first grant");
    let c = commitment(&r, "agency_grant");
    assert_eq!(c["crowded"], 150000.0, "{r:#}");
    assert_eq!(c["additional"], 100000.0);
    assert_eq!(c["verdict"], "partly_additional");
    assert_eq!(r["money"]["crowded"], 150000.0);
}

#[test]
fn money_committed_on_condition_of_a_grant_is_its_leverage() {
    let r = additionality(&scenario("funders-round-hypertension.ron"), "foundation");
    let grant = commitment(&r, "foundation_grant");
    let leveraged = array(grant, "leveraged");
    assert_eq!(leveraged.len(), 1, "{grant:#}");
    assert_eq!(leveraged[0]["commitment"], "startup_match");
    assert_eq!(leveraged[0]["amount"], 200000.0);
    assert_eq!(r["money"]["leveraged"], 200000.0);
    let ratio = r["money"]["leverage_ratio"].as_f64().unwrap();
    assert!((ratio - 200000.0 / 680000.0).abs() < 1e-3, "{ratio}");
    // Without the grant the start-up's match falls, and development goes unfinanced.
    assert!(
        array(&r, "shortfalls")
            .iter()
            .any(|s| s["role"] == "solution_development" && s["unfinanced_without"] == true)
    );
}

#[test]
fn a_pilot_role_nobody_finances_at_scale_raises_sustainability() {
    let path = fixture("pilot-not-handed-over.ron");
    let r = solved(&path, &[]);
    let flag = array(&r, "flags")
        .iter()
        .find(|f| f["kind"] == "sustainability")
        .unwrap_or_else(|| panic!("no sustainability flag: {r:#}"));
    assert_eq!(flag["rule"], "pilot_money_not_handed_over");
    assert_eq!(flag["partner"], "foundation");
    assert_eq!(flag["role"], "community_outreach");
    assert!(
        flag["source"]
            .as_str()
            .unwrap()
            .contains("initiatives that fizzle once initial funding ends")
    );
    let memo = additionality(&path, "foundation");
    let handover = array(&memo, "handover");
    assert_eq!(handover[0]["status"], "nobody", "{memo:#}");
    assert_eq!(handover[0]["to"], "scale");
    // The committee sees it among its reputation risks.
    let reputation = array(&memo, "risks")
        .iter()
        .find(|x| x["id"] == "reputation_risks")
        .unwrap();
    assert_eq!(reputation["level"], "high");
}

#[test]
fn the_memo_assesses_the_four_investor_risks_in_every_format() {
    let path = scenario("funders-round-hypertension.ron");
    let r = additionality(&path, "dev_bank");
    let ids: Vec<&str> = array(&r, "risks")
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "additionality_of_funding",
            "political_and_regulatory_restrictions",
            "coordination_with_other_funders",
            "reputation_risks"
        ]
    );
    let political = &array(&r, "risks")[1];
    assert_eq!(political["level"], "high", "{political:#}");
    assert!(
        political["assessment"]
            .as_str()
            .unwrap()
            .contains("never to government")
    );
    let c = commitment(&r, "bank_cofinance");
    assert_eq!(c["finding"], "restricted");
    for format in ["text", "markdown", "html"] {
        let out = rolefit()
            .arg("additionality")
            .arg(&path)
            .args(["--funder", "dev_bank", "--format", format])
            .output()
            .unwrap();
        let out = String::from_utf8(out.stdout).unwrap();
        for section in [
            "What the money buys",
            "Without its money",
            "Who else pays",
            "Risks (Table 1, impact investors)",
            "From pilot to scale",
            "Political &",
            "points of the line-up's objective",
        ] {
            let section = match format {
                "html" => section.replace('&', "&amp;").replace('\'', "&#39;"),
                "markdown" => section.replace('&', "&amp;"),
                _ => section.to_string(),
            };
            assert!(out.contains(&section), "{format} lacks {section}: {out}");
        }
    }
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
            "effort_above_value"
        } else if diff > 0.05 {
            "value_above_effort"
        } else {
            "in_line"
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
            .stdout_ok()
    };
    let one = run("1", "7");
    assert_eq!(one, run("2", "7"));
    assert_eq!(one, run("4", "7"));
    assert_ne!(one, run("2", "8"));
    let r: Value = serde_json::from_str(&one).unwrap();
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
    assert!(text.contains("Share of the work above share of the value"));
    assert!(text.contains("How to read this"));
    // The units are stated, and no partner is said to take more than it gives.
    assert!(text.contains("Values are points of the line-up's objective"));
    assert!(!text.to_lowercase().contains("gets more than it gives"));
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
    assert!(md.contains("## Share of the value above share of the work"));
}

#[test]
fn a_commitment_sheet_adds_money_and_reports_bad_cells_by_row_and_column() {
    let path = fixture("only-grant-maker.ron");
    let sheets = repo()
        .join("tests")
        .join("fixtures")
        .join("funders")
        .join("sheets");
    let out = rolefit()
        .arg("solve")
        .arg(&path)
        .arg("--commitments")
        .arg(sheets.join("commitments.csv"))
        .args(["--format", "json"])
        .stdout_ok();
    let r: Value = serde_json::from_slice(out.as_bytes()).unwrap();
    let ids: Vec<&str> = array(&r["money"], "commitments")
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "chw_community_outreach_pilot",
            "foundation_community_outreach_pilot",
            "grant"
        ]
    );
    rolefit()
        .arg("solve")
        .arg(&path)
        .arg("--commitments")
        .arg(sheets.join("bad-commitments.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("row 3, column B (funder)"))
        .stderr(predicate::str::contains("did you mean `foundation`?"))
        .stderr(predicate::str::contains("row 3, column C (role)"))
        .stderr(predicate::str::contains("row 3, column D (amount)"))
        .stderr(predicate::str::contains("row 3, column E (phase)"))
        .stderr(predicate::str::contains("row 3, column F (never_to)"));
}

/// `rolefit check` on a scenario written to a temporary file: exit status and standard error.
fn check_text(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("money.ron");
    std::fs::write(&path, text).unwrap();
    let out = rolefit().arg("check").arg(&path).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn money_input_errors_point_at_their_place() {
    let (code, err) = check_text(
        r#"Scenario(
    name: "Bad money",
    needs: [
        Need(role: "catalytic_funding", importance: 4, budget: { "pilott": 1000, "scale": 2e16 }),
    ],
    partners: [Partner(id: "foundation", sector: "impact_investor")],
    commitments: [
        Commitment(funder: "foundaton", role: "catalytic_funding", amount: 100),
        Commitment(id: "g", funder: "foundation", role: "catalytic_funding", only_if: ["grnt"]),
    ],
    variants: [Variant(name: "v", withdraw: ["gg"])],
)"#,
    );
    assert_eq!(code, Some(2), "{err}");
    for (place, message) in [
        ("money.ron:4:66", "unknown phase `pilott`"),
        ("money.ron:4:76", "an amount needs the scenario's currency"),
        (
            "money.ron:4:91",
            "is out of range: expected 0 to 1000000000000000",
        ),
        (
            "money.ron:8:9",
            "a commitment with an amount names its phase",
        ),
        ("money.ron:8:28", "no partner `foundaton` in the scenario"),
        ("money.ron:9:88", "no commitment `grnt` in the scenario"),
        (
            "money.ron:11:46",
            "no commitment `gg` in the scenario to withdraw",
        ),
    ] {
        assert!(
            err.lines().any(|l| l.contains(place)) && err.contains(message),
            "{place} {message}: {err}"
        );
    }
    assert!(err.contains("did you mean `pilot`?"), "{err}");
    assert!(err.contains("did you mean `foundation`?"), "{err}");
    let phases: Vec<String> = (0..13).map(|k| format!("\"p{k}\"")).collect();
    let (code, err) = check_text(&format!(
        r#"Scenario(name: "Phases", phases: [{}], needs: [Need(role: "research")], partners: [Partner(id: "u", sector: "academia")])"#,
        phases.join(", ")
    ));
    assert_eq!(code, Some(2));
    assert!(err.contains("1 to 12 phases"), "{err}");
}

#[test]
fn value_states_money_beside_points_where_amounts_exist() {
    let r = value(&scenario("funders-round-hypertension.ron"), &[]);
    assert_eq!(r["units"]["money"], "USD");
    assert!(r["units"]["value"].as_str().unwrap().contains("points"));
    assert_eq!(partner(&r, "moh")["money"], 2700000.0);
    assert_eq!(partner(&r, "telco")["money"], Value::Null);
    let dakar = value(&dakar(), &[]);
    assert_eq!(dakar["units"]["money"], Value::Null);
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
        .stdout_ok();
    let r: Value = serde_json::from_str(&out).unwrap();
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
            .stdout_ok()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
}

#[test]
fn money_that_reaches_no_holder_is_named_in_its_roles_account() {
    let path = fixture("money-nobody-can-use.ron");
    let report = solved(&path, &[]);
    let role = report["money"]["roles"]
        .as_array()
        .expect("money roles")
        .iter()
        .find(|r| r["role"] == "commercialisation")
        .expect("commercialisation has an account");
    assert_eq!(role["status"], "unfinanced");
    let pilot = &role["phases"][0];
    assert_eq!(pilot["phase"], "pilot");
    assert_eq!(pilot["from"].as_array().map(Vec::len), Some(0));
    assert_eq!(pilot["stranded"][0]["funder"], "fund");
    assert_eq!(pilot["stranded"][0]["amount"], 100000.0);
    let unused: Vec<&Value> = flags_of(&report, "money_reaches_no_holder");
    assert_eq!(unused.len(), 2, "{unused:#?}");
    let messages: Vec<&str> = unused
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("nobody holds the role")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("the scenario does not need the role")),
        "{messages:?}"
    );
    rolefit()
        .arg("solve")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "no money reaches a holder; committed but reaching no holder: fund USD 100,000 (fund_commercialisation_pilot)",
        ));
}

#[test]
fn a_condition_that_does_not_hold_is_never_called_met() {
    let memo = additionality_variant(
        &scenario("funders-round-hypertension.ron"),
        "dev_bank",
        "budget delayed",
    );
    let risk = memo["risks"]
        .as_array()
        .expect("risks")
        .iter()
        .find(|r| r["id"] == "political_and_regulatory_restrictions")
        .expect("the restrictions risk is assessed");
    let words = risk["assessment"].as_str().expect("assessment");
    assert!(!words.contains("conditions met"), "{words}");
    assert!(words.contains("does not reach its role"), "{words}");
}
