//! A facilitator's workshop questions, end to end: compare line-ups, what-ifs, recommendations
//! both ways, recruiting, fragility, ways out of a contradiction, and spreadsheets.

mod common;

use common::{RunOk, array, dakar, repo, rolefit, solve_json};
use serde_json::Value;
use std::path::Path;

fn json_of(args: &[&str]) -> Value {
    let out = rolefit().args(args).args(["--format", "json"]).stdout_ok();
    serde_json::from_str(&out).expect("one JSON object")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn ranking(report: &Value) -> &Vec<Value> {
    report["ranking"].as_array().expect("a ranking")
}

#[test]
fn compare_shows_every_variant_against_the_base_and_what_changed() {
    let report = json_of(&["compare", path(&dakar())]);
    let names: Vec<&str> = array(&report, "line_ups")
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "base",
            "without the foundation",
            "with a development bank",
            "without the start-up"
        ]
    );
    let changes = array(&report, "changes");
    let without = changes
        .iter()
        .find(|c| c["variant"] == "without the foundation")
        .unwrap();
    assert!(
        without["objective_delta"].as_f64().unwrap() < 0.0,
        "losing the funder loses value"
    );
    let moved = without["moved"].as_array().unwrap();
    // Nobody else has committed money to start the programme: the role becomes a gap.
    assert!(
        moved.iter().any(|m| m["role"] == "catalytic_funding"
            && m["from"][0] == "foundation"
            && m["to"].as_array().unwrap().is_empty()),
        "{moved:?}"
    );
    assert!(
        without["raised"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "unfinanced" && f["role"] == "catalytic_funding")
    );
    // Each column carries the full contract result of its line-up.
    let base = &array(&report, "line_ups")[0];
    assert_eq!(base["result"]["status"], "optimal");
    assert_eq!(base["objective"], base["result"]["objective"]);
}

#[test]
fn compare_is_byte_identical_across_runs_despite_parallel_solving() {
    let run = || {
        rolefit()
            .args(["compare", path(&dakar()), "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn what_ifs_become_a_variant_named_after_them() {
    let report = json_of(&[
        "compare",
        path(&dakar()),
        "--without",
        "ucad",
        "--variant",
        "without the start-up",
    ]);
    let names: Vec<&str> = array(&report, "line_ups")
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["base", "without the start-up", "without ucad"]);
    let solved = solve_json(
        &dakar(),
        &[
            "--without",
            "ucad",
            "--forbid",
            "rm_dakar=programme_coordination",
        ],
    );
    assert_eq!(
        solved["variant"],
        "without ucad; rm_dakar kept out of programme_coordination"
    );
    let holds = |p: &str, r: &str| {
        array(&solved, "assignments")
            .iter()
            .any(|a| a["partner"] == p && a["role"] == r)
    };
    assert!(!holds("ucad", "research") && !holds("rm_dakar", "programme_coordination"));
}

#[test]
fn a_pinned_what_if_is_honoured() {
    let solved = solve_json(&dakar(), &["--pin", "foundation=independent_evaluation"]);
    assert!(
        array(&solved, "assignments")
            .iter()
            .any(|a| a["partner"] == "foundation"
                && a["role"] == "independent_evaluation"
                && a["pinned"] == true)
    );
}

#[test]
fn a_joining_partner_from_a_file_takes_part() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("partner.ron");
    std::fs::write(
        &file,
        r#"Partner(id: "evalcorp", name: "Evaluation institute", sector: "academia", capacity: 1,
            capabilities: { "independence": 1.0, "research_and_evaluation": 1.0, "critical_thinking": 1.0, "data_and_analytics": 1.0, "research_excellence": 1.0 })"#,
    )
    .unwrap();
    let solved = solve_json(&dakar(), &["--with", path(&file)]);
    assert_eq!(solved["variant"], "with evalcorp");
    assert!(
        array(&solved, "assignments")
            .iter()
            .any(|a| a["partner"] == "evalcorp" && a["role"] == "independent_evaluation")
    );
}

#[test]
fn misspelt_what_ifs_are_usage_errors_with_suggestions() {
    for (args, expected) in [
        (vec!["--without", "foundaton"], "did you mean `foundation`?"),
        (vec!["--pin", "ucad=resarch"], "did you mean `research`?"),
        (vec!["--forbid", "ucad"], "expects PARTNER=ROLE"),
        (
            vec!["--pin", "msas=solution_development"],
            "`msas` refuses `solution_development`",
        ),
    ] {
        let out = rolefit()
            .arg("solve")
            .arg(dakar())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn recommend_by_role_ranks_every_partner_and_says_why_others_cannot() {
    let report = json_of(&[
        "recommend",
        path(&dakar()),
        "--role",
        "independent_evaluation",
    ]);
    let ranking = ranking(&report);
    assert_eq!(
        ranking.len(),
        9,
        "every partner of the line-up is considered"
    );
    assert_eq!(
        ranking[0]["subject"], "ucad",
        "the recommended holder comes first"
    );
    assert_eq!(ranking[0]["objective_delta"], 0.0);
    for t in ranking.iter().filter(|t| t["possible"] == true) {
        assert!(
            t["objective_delta"].as_f64().unwrap() <= 1e-9,
            "forcing a choice never beats the optimum: {t}"
        );
    }
    // A ministry has none of the role's capabilities: the optimiser would never choose it, but
    // a facilitator may, and then the high flag says what that means.
    let msas = ranking.iter().find(|t| t["subject"] == "msas").unwrap();
    assert!(
        msas["raised"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "no_matching_capability" && f["severity"] == "high"),
        "{msas}"
    );
    let foundation = ranking
        .iter()
        .find(|t| t["subject"] == "foundation")
        .unwrap();
    assert!(
        foundation["raised"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "funder_reviews_own_grant"),
        "the flags it would raise are listed: {foundation}"
    );
}

#[test]
fn recommend_by_partner_ranks_the_roles_it_could_take() {
    let report = json_of(&["recommend", path(&dakar()), "--partner", "ucad"]);
    let top: Vec<&str> = ranking(&report)
        .iter()
        .take(2)
        .map(|t| t["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        top,
        ["independent_evaluation", "research"],
        "the roles it holds cost nothing"
    );
    let out = rolefit()
        .args(["recommend", path(&dakar()), "--partner", "ucda"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `ucad`?"));
}

#[test]
fn recruit_ranks_candidates_by_what_they_close() {
    let file = repo().join("scenarios/missing-sector.ron");
    let report = json_of(&["recruit", path(&file)]);
    let ranking = ranking(&report);
    assert_eq!(ranking[0]["subject"], "kuhes");
    assert!(
        ranking[0]["gaps_closed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "independent_evaluation")
    );
    // An evaluation firm that supplies nothing to the programme is independent: no conflict.
    let firm = ranking
        .iter()
        .find(|t| t["subject"] == "global_eval")
        .unwrap();
    assert!(
        !firm["raised"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "conflict_of_interest"),
        "{firm}"
    );
}

#[test]
fn recruit_without_candidates_ranks_typical_sector_members() {
    let report = json_of(&[
        "recruit",
        path(&repo().join("scenarios/drift-pressure.ron")),
    ]);
    let ranking = ranking(&report);
    assert_eq!(ranking.len(), 5, "one typical member per sector");
    assert_eq!(
        ranking[0]["subject"], "new_business",
        "a business closes the commercial gap"
    );
    assert!(
        ranking[0]["gaps_closed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "commercialisation")
    );
}

#[test]
fn fragility_puts_the_biggest_loss_first() {
    let report = json_of(&["fragility", path(&dakar())]);
    let deltas: Vec<f64> = ranking(&report)
        .iter()
        .map(|t| t["objective_delta"].as_f64().unwrap())
        .collect();
    assert!(deltas.windows(2).all(|w| w[0] <= w[1]), "{deltas:?}");
    assert!(
        deltas.iter().all(|d| *d <= 1e-9),
        "losing a partner never helps here: {deltas:?}"
    );
    // The university is the single point of failure: nobody else can research or evaluate,
    // while others can take over the foundation's roles.
    assert_eq!(ranking(&report)[0]["subject"], "ucad");
    assert!(
        ranking(&report)[0]["gaps_opened"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "independent_evaluation")
    );
}

#[test]
fn an_infeasible_line_up_lists_its_ways_out_best_first() {
    let report = solve_json(&repo().join("tests/fixtures/flags/infeasible_pin.ron"), &[]);
    let ways = array(&report, "relaxations");
    assert_eq!(ways[0]["action"], "unpin corp from policy_framework");
    assert!(ways[0]["objective"].is_number());
    // Waiving the rule alone is not enough: the sector minimum then fails too.
    let waive = ways
        .iter()
        .find(|w| {
            w["action"]
                .as_str()
                .unwrap()
                .starts_with("waive rule business_regulatory_authority")
        })
        .unwrap();
    assert!(waive["objective"].is_null());
}

#[test]
fn a_partner_sheet_becomes_a_scenario_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    for sheet in ["partners.csv", "partners.xlsx"] {
        let out = dir.path().join(format!("{sheet}.ron"));
        let sheet = repo().join("examples/sheets").join(sheet);
        rolefit()
            .args([
                "import",
                path(&sheet),
                "--needs",
                "policy_framework=4,research=3",
                "-o",
                path(&out),
            ])
            .assert()
            .success();
        rolefit().args(["check", path(&out)]).assert().success();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains(r#"id: "ucad""#)
                && text.contains(r#"name: "Cheikh Anta Diop University, Faculty of Medicine""#),
            "{text}"
        );
        assert!(
            text.contains(r#"Need(role: "research", importance: 3"#),
            "{text}"
        );
    }
}

#[test]
fn solve_takes_partners_from_a_sheet_directly() {
    let sheets = repo().join("examples/sheets");
    let from_csv = solve_json(
        &sheets.join("workshop.ron"),
        &["--partners", path(&sheets.join("partners.csv"))],
    );
    let from_xlsx = solve_json(
        &sheets.join("workshop.ron"),
        &["--partners", path(&sheets.join("partners.xlsx"))],
    );
    assert_eq!(
        from_csv["objective"], from_xlsx["objective"],
        "CSV and XLSX of the same sheet agree"
    );
    assert!(
        array(&from_csv, "assignments")
            .iter()
            .any(|a| a["partner"] == "msas"
                && a["role"] == "policy_framework"
                && a["lead"] == true)
    );
}

#[test]
fn bad_sheet_rows_are_reported_by_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("bad.csv");
    std::fs::write(
        &sheet,
        "id;sector;capacity;regulatory_oversite\nmoh;goverment;2;0,9\nngo;civil_society;lots;\n",
    )
    .unwrap();
    let out = rolefit().args(["import", path(&sheet)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv:1:4") && err.contains("did you mean `regulatory_oversight`?"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:2:2") && err.contains("unknown sector `goverment`"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:3:3 (at row 3, column C (capacity))")
            && err.contains("expected a number, found `lots`"),
        "{err}"
    );
}
