//! End-to-end tests of the `rolefit` command line: `solve` in every format and with every
//! option, `check`, `rules`, and the guarantees scripts rely on (exit codes, sorted JSON, no
//! colour in pipes, determinism).

mod common;

use common::{
    RunOk, array, dakar, flag_fixture, flag_fixtures, ids_in, locate, opt_str, repo, rolefit,
    run_ok, severity_rank, shipped_scenarios, solve_json,
};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

const SEVERITIES: [&str; 4] = ["info", "low", "medium", "high"];

fn stdout_of(args: &[&str], path: &Path) -> Vec<u8> {
    rolefit()
        .arg("solve")
        .arg(path)
        .args(args)
        .stdout_ok()
        .into_bytes()
}

/// The names of the `Variant(name: "...")` entries of a scenario file.
fn variant_names(text: &str) -> Vec<String> {
    text.match_indices("Variant(")
        .map(|(i, _)| {
            let rest = &text[i..];
            let start = rest.find("name: \"").expect("a variant has a name") + "name: \"".len();
            let rest = &rest[start..];
            rest[..rest.find('"').expect("a closing quote")].to_string()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// solve: the three formats

#[test]
fn solve_text_report_shows_status_line_up_and_every_flag() {
    let report = solve_json(&dakar(), &[]);
    let text = String::from_utf8(stdout_of(&[], &dakar())).expect("UTF-8 text");
    assert!(text.starts_with("CARDIO4Cities Dakar"), "{text}");
    assert!(text.contains("[optimal]"), "{text}");
    for a in array(&report, "assignments") {
        let (partner, role) = (a["partner"].as_str().unwrap(), a["role"].as_str().unwrap());
        assert!(
            text.contains(role),
            "text report does not mention role {role}"
        );
        assert!(
            text.contains(partner),
            "text report does not mention {partner}"
        );
    }
    let flags = array(&report, "flags");
    assert!(!flags.is_empty(), "Dakar raises flags");
    for f in flags {
        let rule = f["rule"].as_str().unwrap();
        let message = f["message"].as_str().unwrap();
        assert!(
            text.contains(&format!("rule {rule}")),
            "text report misses flag rule {rule}"
        );
        assert!(
            text.contains(message),
            "text report misses flag message {message:?}"
        );
    }
}

#[test]
fn solve_json_has_the_contract_fields_and_types() {
    let report = solve_json(&dakar(), &[]);
    assert_eq!(report["scenario"], "CARDIO4Cities Dakar");
    assert!(report["variant"].is_null(), "base line-up has variant null");
    assert_eq!(report["status"], "optimal");
    assert!(report["objective"].is_number());
    let assignments = array(&report, "assignments");
    assert!(!assignments.is_empty());
    for a in assignments {
        assert!(a["partner"].is_string(), "{a}");
        assert!(a["role"].is_string(), "{a}");
        assert!(a["lead"].is_boolean(), "{a}");
        assert!(a["fit"].is_number(), "{a}");
        let reasons = a["reasons"].as_array().expect("reasons is an array");
        assert!(!reasons.is_empty(), "every assignment explains itself: {a}");
        assert!(reasons.iter().all(Value::is_string), "{a}");
    }
    for u in array(&report, "uncovered") {
        assert!(u["role"].is_string(), "{u}");
        assert!(u["sectors"].as_array().is_some(), "{u}");
        assert!(u["suggestion"].is_string(), "{u}");
    }
    for f in array(&report, "flags") {
        for key in ["kind", "severity", "rule", "source", "message"] {
            assert!(f[key].is_string(), "flag field {key}: {f}");
        }
        for key in ["partner", "role"] {
            assert!(f[key].is_string() || f[key].is_null(), "flag {key}: {f}");
        }
    }
    // The pinned lead is honoured.
    assert!(
        assignments.iter().any(|a| a["partner"] == "msas"
            && a["role"] == "policy_framework"
            && a["lead"] == true)
    );
}

#[test]
fn json_arrays_are_sorted_as_the_contract_says() {
    let mut files = shipped_scenarios();
    files.extend(flag_fixtures());
    for file in files {
        let report = solve_json(&file, &[]);
        let name = file.display();
        let keys: Vec<(String, String)> = array(&report, "assignments")
            .iter()
            .map(|a| {
                (
                    a["role"].as_str().unwrap().into(),
                    a["partner"].as_str().unwrap().into(),
                )
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(
            keys, sorted,
            "{name}: assignments sorted by (role, partner)"
        );

        let roles: Vec<&str> = array(&report, "uncovered")
            .iter()
            .map(|u| u["role"].as_str().unwrap())
            .collect();
        let mut sorted = roles.clone();
        sorted.sort();
        assert_eq!(roles, sorted, "{name}: uncovered sorted by role");

        let flags: Vec<(usize, &str, &str, &str)> = array(&report, "flags")
            .iter()
            .map(|f| {
                (
                    severity_rank(f["severity"].as_str().unwrap()),
                    f["kind"].as_str().unwrap(),
                    opt_str(f, "partner").unwrap_or(""),
                    opt_str(f, "role").unwrap_or(""),
                )
            })
            .collect();
        let mut sorted = flags.clone();
        sorted.sort();
        assert_eq!(
            flags, sorted,
            "{name}: flags sorted by severity (high first), kind, partner, role"
        );
    }
}

#[test]
fn json_fit_is_between_0_and_1_for_every_assignment() {
    for file in shipped_scenarios() {
        let report = solve_json(&file, &[]);
        for a in array(&report, "assignments") {
            let fit = a["fit"].as_f64().expect("fit is a number");
            assert!(
                (0.0..=1.0).contains(&fit),
                "{}: fit {fit} out of 0..=1 in {a}",
                file.display()
            );
        }
    }
}

#[test]
fn every_flag_has_kind_severity_rule_source_and_message() {
    let mut files = shipped_scenarios();
    files.extend(flag_fixtures());
    for file in files {
        let report = solve_json(&file, &[]);
        for f in array(&report, "flags") {
            for key in ["kind", "severity", "rule", "source", "message"] {
                let value = f[key].as_str().unwrap_or("");
                assert!(
                    !value.trim().is_empty(),
                    "{}: flag with empty {key}: {f}",
                    file.display()
                );
            }
            assert!(SEVERITIES.contains(&f["severity"].as_str().unwrap()), "{f}");
            assert!(
                !f["message"].as_str().unwrap().contains('{'),
                "{}: unfilled placeholder in {f}",
                file.display()
            );
        }
    }
}

#[test]
fn each_reason_quotes_the_same_fit_as_its_assignment() {
    // A reader sees `fit` in the line-up and again in the first reason: both must agree.
    let mut files = shipped_scenarios();
    files.extend(flag_fixtures());
    for file in files {
        let report = solve_json(&file, &[]);
        for a in array(&report, "assignments") {
            let shown = format!("fit {:.2}", a["fit"].as_f64().unwrap());
            let fit_reason = a["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .find(|r| r.starts_with("fit "));
            if let Some(reason) = fit_reason {
                assert!(
                    reason.starts_with(&format!("{shown}:")),
                    "{}: {}/{} has `fit` {} (shown as {shown}) but its reason says {reason:?}",
                    file.display(),
                    a["partner"],
                    a["role"],
                    a["fit"]
                );
            }
        }
    }
}

#[test]
fn objective_is_value_plus_bonuses_minus_penalties() {
    let mut files = shipped_scenarios();
    files.extend(flag_fixtures());
    for file in files {
        let report = solve_json(&file, &[]);
        if report["status"] == "infeasible" {
            continue;
        }
        let parts = &report["objective_breakdown"];
        let (value, bonuses, penalties) = (
            parts["value"].as_f64().expect("value"),
            parts["bonuses"].as_f64().expect("bonuses"),
            parts["penalties"].as_f64().expect("penalties"),
        );
        let objective = report["objective"].as_f64().unwrap();
        assert!(
            (objective - (value + bonuses - penalties)).abs() <= 0.011,
            "{}: objective {objective} != {value} + {bonuses} - {penalties}",
            file.display()
        );
    }
}

#[test]
fn solve_markdown_report_has_headings_tables_and_flags() {
    let report = solve_json(&dakar(), &[]);
    let md = String::from_utf8(stdout_of(&["--format", "markdown"], &dakar())).unwrap();
    assert!(md.starts_with("# CARDIO4Cities Dakar\n"), "{md}");
    assert!(md.contains("optimal"));
    assert!(md.contains("\n## Line-up\n"), "{md}");
    assert!(md.contains("\n## Flags\n"), "{md}");
    assert!(md.contains("|---"), "markdown tables");
    for name in [
        "Policy framework",
        "Service delivery",
        "Independent evaluation",
    ] {
        assert!(md.contains(name), "markdown names role {name}");
    }
    for f in array(&report, "flags") {
        let rule = f["rule"].as_str().unwrap();
        assert!(
            md.contains(&format!("`{rule}`")),
            "markdown flag table misses {rule}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// solve: variants

#[test]
fn variant_by_name_solves_that_line_up() {
    let report = solve_json(&dakar(), &["--variant", "without the foundation"]);
    assert_eq!(report["variant"], "without the foundation");
    assert_eq!(report["scenario"], "CARDIO4Cities Dakar");
    assert!(
        array(&report, "assignments")
            .iter()
            .all(|a| a["partner"] != "foundation"),
        "a removed partner holds no role"
    );
    assert!(
        array(&report, "flags")
            .iter()
            .all(|f| f["partner"] != "foundation"),
        "a removed partner is not flagged"
    );
}

#[test]
fn variant_adding_a_partner_respects_its_forbidding_rule() {
    // The development bank may not fund a government (investor_restricted_government_funding).
    let report = solve_json(&dakar(), &["--variant", "with a development bank"]);
    assert_eq!(report["variant"], "with a development bank");
    assert!(
        !array(&report, "assignments")
            .iter()
            .any(|a| a["partner"] == "dev_bank" && a["role"] == "public_financing")
    );
}

#[test]
fn every_variant_of_every_shipped_scenario_solves() {
    for file in shipped_scenarios() {
        let text = std::fs::read_to_string(&file).unwrap();
        for name in variant_names(&text) {
            let report = solve_json(&file, &["--variant", &name]);
            assert_eq!(report["variant"], name.as_str(), "{}", file.display());
            let status = report["status"].as_str().unwrap();
            assert!(
                ["optimal", "feasible", "infeasible"].contains(&status),
                "{}: status {status}",
                file.display()
            );
        }
    }
}

#[test]
fn unknown_variant_is_an_error_naming_the_file_and_the_close_name() {
    let path = dakar();
    rolefit()
        .arg("solve")
        .arg(&path)
        .args(["--variant", "without the fundation"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(path.display().to_string()))
        .stderr(predicate::str::contains("without the fundation"))
        .stderr(predicate::str::contains(
            "did you mean \"without the foundation\"",
        ));
}

#[test]
fn unknown_variant_far_from_any_name_lists_the_variants() {
    rolefit()
        .arg("solve")
        .arg(dakar())
        .args(["--variant", "zzz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("without the start-up"))
        .stderr(predicate::str::contains("with a development bank"));
}

// ---------------------------------------------------------------------------------------------
// solve: --fail-on

#[test]
fn fail_on_exits_3_exactly_when_a_flag_at_or_above_the_severity_exists() {
    let report = solve_json(&dakar(), &[]);
    let worst = array(&report, "flags")
        .iter()
        .map(|f| severity_rank(f["severity"].as_str().unwrap()))
        .min()
        .expect("Dakar raises at least one flag");
    let mut codes = Vec::new();
    for severity in SEVERITIES {
        let expected = if worst <= severity_rank(severity) {
            3
        } else {
            0
        };
        let out = rolefit()
            .arg("solve")
            .arg(dakar())
            .args(["--fail-on", severity])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(expected),
            "--fail-on {severity} with a worst flag of rank {worst}"
        );
        assert!(!out.stdout.is_empty(), "the report is printed either way");
        codes.push(expected);
    }
    assert!(
        codes.contains(&3),
        "some severity is reached by Dakar's flags"
    );
}

#[test]
fn fail_on_exits_0_when_no_flag_reaches_the_severity() {
    rolefit()
        .arg("solve")
        .arg(dakar())
        .args(["--fail-on", "high"])
        .assert()
        .code(0);
    rolefit()
        .arg("solve")
        .arg(flag_fixture("healthy.ron"))
        .args(["--fail-on", "medium"])
        .assert()
        .code(0);
}

#[test]
fn fail_on_rejects_an_unknown_severity() {
    rolefit()
        .arg("solve")
        .arg(dakar())
        .args(["--fail-on", "critical"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("critical"));
}

// ---------------------------------------------------------------------------------------------
// solve: other options

#[test]
fn emit_lp_writes_a_cplex_lp_file() {
    let dir = tempfile::tempdir().unwrap();
    let lp = dir.path().join("model.lp");
    rolefit()
        .arg("solve")
        .arg(dakar())
        .arg("--emit-lp")
        .arg(&lp)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("CARDIO4Cities Dakar"));
    let text = std::fs::read_to_string(&lp).expect("the LP file is written");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = |section: &str| {
        lines
            .iter()
            .position(|l| *l == section)
            .unwrap_or_else(|| panic!("no `{section}` section in:\n{text}"))
    };
    assert!(
        at("Maximize") < at("Subject To"),
        "objective before constraints"
    );
    assert_eq!(lines.iter().rev().find(|l| !l.is_empty()), Some(&"End"));
    assert!(
        text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .any(|w| w == "x.msas.policy_framework"),
        "variable x.msas.policy_framework"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("capacity.") && l.contains(':')),
        "a constraint named capacity...."
    );
}

#[test]
fn timings_reports_every_stage_on_stderr_and_leaves_the_report_alone() {
    let plain = stdout_of(&[], &dakar());
    let out = rolefit()
        .arg("solve")
        .arg(dakar())
        .arg("--timings")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, plain, "--timings does not change the report");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let mut from = 0;
    for stage in ["load", "validate", "build", "solve", "explain", "render"] {
        let at = stderr[from..]
            .find(stage)
            .unwrap_or_else(|| panic!("stage {stage} missing (or out of order) in {stderr:?}"));
        from += at + stage.len();
    }
}

#[test]
fn scenario_from_stdin_gives_the_same_json_as_from_the_file() {
    let from_file = stdout_of(&["--format", "json"], &dakar());
    let text = std::fs::read(dakar()).unwrap();
    let out = rolefit()
        .args(["solve", "-", "--format", "json"])
        .write_stdin(text)
        .stdout_ok();
    assert_eq!(out, String::from_utf8(from_file).unwrap());
}

#[test]
fn output_option_writes_the_report_to_the_file_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [("text", "report.txt"), ("json", "report.json")] {
        let expected = stdout_of(&["--format", format], &dakar());
        let file = dir.path().join(name);
        rolefit()
            .arg("solve")
            .arg(dakar())
            .args(["--format", format, "--output"])
            .arg(&file)
            .assert()
            .code(0)
            .stdout("");
        assert_eq!(std::fs::read(&file).unwrap(), expected, "{format}");
    }
}

fn assert_no_ansi(cmd: &mut assert_cmd::Command, what: &str) {
    let out = cmd.output().unwrap();
    assert!(
        !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
        "{what}: ANSI escape in piped output"
    );
}

fn colour_prone_runs(cmd: impl Fn() -> assert_cmd::Command) {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "Scenario(name: \"x\", needs: [], partners: [], zzz: 1)",
    )
    .unwrap();
    for format in ["text", "markdown", "json"] {
        assert_no_ansi(
            cmd().arg("solve").arg(dakar()).args(["--format", format]),
            format,
        );
    }
    assert_no_ansi(cmd().arg("-v").arg("solve").arg(dakar()), "solve -v");
    assert_no_ansi(cmd().arg("solve").arg(&bad), "solve error");
    assert_no_ansi(cmd().arg("check").arg(&bad), "check error");
    assert_no_ansi(cmd().args(["rules", "list"]), "rules list");
}

#[test]
fn piped_output_has_no_ansi_escapes() {
    colour_prone_runs(rolefit);
}

#[test]
fn no_color_output_has_no_ansi_escapes() {
    colour_prone_runs(|| {
        let mut cmd = rolefit();
        cmd.env("NO_COLOR", "1");
        cmd
    });
}

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn check_accepts_every_shipped_scenario() {
    let files = shipped_scenarios();
    for file in &files {
        rolefit()
            .arg("check")
            .arg(file)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("ok"));
    }
    rolefit().arg("check").args(&files).assert().code(0);
}

#[test]
fn check_accepts_every_flag_fixture_and_the_shipped_rules() {
    rolefit()
        .arg("check")
        .args(flag_fixtures())
        .arg(repo().join("rules").join("rules"))
        .assert()
        .code(0);
}

#[test]
fn check_reports_every_broken_file_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(dakar()).unwrap();
    // (file, its text, where the mistake is, offset of the pointed token in it, message)
    let broken = [
        (
            "importance.ron",
            good.replacen(
                "Need(role: \"research\", importance: 2)",
                "Need(role: \"research\", importance: 9)",
                1,
            ),
            "importance: 9",
            "importance: ".len(),
            "9 is out of range",
        ),
        (
            "sector.ron",
            good.replacen("sector: \"academia\"", "sector: \"academy\"", 1),
            "\"academy\"",
            0,
            "unknown sector `academy`",
        ),
        (
            "syntax.ron",
            good.replacen(
                "Need(role: \"research\", importance: 2),",
                "Need(role: \"research\", importance: 2)",
                1,
            ),
            "Need(role: \"independent_evaluation\"",
            0,
            "expected `,`",
        ),
    ];
    let mut paths = Vec::new();
    for (name, text, ..) in &broken {
        assert_ne!(text, &good, "{name} differs from the Dakar scenario");
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let assert = rolefit()
        .arg("check")
        .args(&paths)
        .arg(dakar())
        .assert()
        .code(2);
    let out = assert.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for ((_, text, needle, offset, message), path) in broken.iter().zip(&paths) {
        let (line, column) = locate(text, needle, 0);
        let at = format!("{}:{line}:{}", path.display(), column + offset);
        assert!(stderr.contains(&at), "{at} missing from:\n{stderr}");
        assert!(
            stderr.contains(message),
            "{message} missing from:\n{stderr}"
        );
        let summary = format!("{}: 1 error(s)", path.display());
        assert!(
            stdout.contains(&summary),
            "{summary} missing from:\n{stdout}"
        );
    }
    let dakar_ok = format!("{}: ok", dakar().display());
    assert!(
        stdout.contains(&dakar_ok),
        "{dakar_ok} missing from:\n{stdout}"
    );
    assert!(stdout.contains("3 error(s)"), "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// rules

#[test]
fn rules_list_shows_the_five_sectors_and_every_rule() {
    let text = rolefit().args(["rules", "list"]).stdout_ok();
    for sector in [
        "business",
        "government",
        "civil_society",
        "academia",
        "impact_investor",
    ] {
        assert!(text.contains(sector), "sector {sector} listed");
    }
    let mut rule_ids = Vec::new();
    for file in common::ron_files(&repo().join("rules").join("rules")) {
        rule_ids.extend(ids_in(&std::fs::read_to_string(file).unwrap()));
    }
    assert!(rule_ids.len() >= 15, "at least 15 rules ship: {rule_ids:?}");
    for id in &rule_ids {
        assert!(
            text.lines().any(|l| l.trim() == id),
            "rule {id} listed on its own line"
        );
    }
    // The JSON listing agrees.
    let out = rolefit()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    let kb: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(array(&kb, "sectors").len(), 5);
    assert_eq!(array(&kb, "rules").len(), rule_ids.len());
}

/// A capability shows the other columns' labels that count toward it, each with its Table 1
/// cell; an organisation type shows its defaults and the roles a typical member fits.
#[test]
fn rules_show_capability_relations_and_organisation_types() {
    let text = rolefit()
        .args(["rules", "show", "health_education_and_promotion"])
        .stdout_ok();
    assert!(text.contains("other labels that count toward it"), "{text}");
    assert!(
        text.contains(
            "Table 1, civil society, comparative advantage: health education & behavior change"
        ),
        "{text}"
    );
    let out = rolefit()
        .args([
            "rules",
            "show",
            "regional_health_authority",
            "--format",
            "json",
        ])
        .stdout_ok();
    let v: serde_json::Value = serde_json::from_slice(out.as_bytes()).unwrap();
    assert_eq!(v["type"], "organisation_type");
    assert_eq!(v["sector"], "government");
    assert!(
        v["defaults"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["capability"] == "healthcare_infrastructure"),
        "{v}"
    );
}

#[test]
fn rules_show_sector_lists_every_item_with_its_source() {
    let file = repo()
        .join("rules")
        .join("sectors")
        .join("civil_society.ron");
    let ids = ids_in(&std::fs::read_to_string(file).unwrap());
    assert!(
        ids.len() > 20,
        "civil society has many Table 1 cells: {ids:?}"
    );
    let text = rolefit()
        .args(["rules", "show", "civil_society"])
        .stdout_ok();
    for id in &ids {
        assert!(text.contains(id.as_str()), "item {id} missing");
    }
    assert!(text.contains("Table 1, civil society, collaboration risks: mission drift"));
}

#[test]
fn rules_show_rule_as_json() {
    let out = rolefit()
        .args([
            "rules",
            "show",
            "civil_society_commercial_role",
            "--format",
            "json",
        ])
        .stdout_ok();
    let rule: Value = serde_json::from_slice(out.as_bytes()).expect("JSON");
    assert_eq!(rule["type"], "rule");
    assert_eq!(rule["id"], "civil_society_commercial_role");
    assert_eq!(
        rule["source"],
        "Table 1, civil society, collaboration risks: mission drift"
    );
}

#[test]
fn rules_show_unknown_id_exits_2() {
    rolefit()
        .args(["rules", "show", "nonsense_id"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("nonsense_id"));
}

#[test]
fn rules_show_misspelt_id_suggests_the_close_one() {
    rolefit()
        .args(["rules", "show", "civil_society_comercial_role"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `civil_society_commercial_role`",
        ));
}

// ---------------------------------------------------------------------------------------------
// the command definition and determinism

#[test]
fn solving_twice_gives_byte_identical_reports() {
    for file in shipped_scenarios() {
        for format in ["json", "text", "markdown"] {
            let first = stdout_of(&["--format", format], &file);
            let second = stdout_of(&["--format", format], &file);
            assert!(
                first == second,
                "{} --format {format} differs between two runs",
                file.display()
            );
        }
    }
}

/// The envelope rows change how fast a line-up is found, never which: the 90-role fixture
/// (benches/fixtures/roles90) gives the same report with and without them, and `auto` adds them
/// there (above 24 needs).
#[test]
fn tightening_never_changes_the_line_up_of_the_90_role_fixture() {
    let dir = repo().join("benches/fixtures/roles90");
    let rules = dir.join("roles.ron");
    let rules = rules.to_str().expect("a UTF-8 path");
    let path = dir.join("100x90.ron");
    let base = [
        "--rules",
        rules,
        "--robustness-samples",
        "0",
        "--format",
        "json",
    ];
    let auto = stdout_of(&base, &path);
    let json: Value = serde_json::from_slice(&auto).expect("JSON");
    assert_eq!(json["status"], "optimal");
    for when in ["always", "never"] {
        let mut args = base.to_vec();
        args.extend(["--tighten", when]);
        assert_eq!(stdout_of(&args, &path), auto, "--tighten {when}");
    }
    rolefit()
        .args(["solve", "--tighten", "sometimes"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--tighten must be auto, always or never",
        ));
}

/// The default assessment stops at a size (500 open partner-role pairs), so a large line-up's
/// `solve` costs what its solve costs; the report says why it has no robustness figures, and an
/// explicit sample count still assesses it.
#[test]
fn a_large_line_up_is_not_assessed_by_default_and_the_report_says_so() {
    let dir = repo().join("benches/fixtures/roles90");
    let rules = dir.join("roles.ron");
    let rules = rules.to_str().expect("a UTF-8 path");
    let path = dir.join("100x90.ron");
    let json: Value =
        serde_json::from_slice(&stdout_of(&["--rules", rules, "--format", "json"], &path))
            .expect("JSON");
    assert_eq!(json["status"], "optimal");
    assert!(json["robustness"].is_null(), "no assessment by default");
    let notes = json["notes"].to_string();
    assert!(
        notes.contains("Robustness not assessed") && notes.contains("--robustness-samples"),
        "the notes say why and how: {notes}"
    );

    let small = stdout_of(&["--format", "json"], &dakar());
    let small: Value = serde_json::from_slice(&small).expect("JSON");
    assert!(
        small["robustness"].is_object(),
        "a shipped scenario is assessed"
    );
    assert!(
        !small["notes"]
            .to_string()
            .contains("Robustness not assessed")
    );
}

#[test]
fn completions_are_written_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _rolefit"),
        ("zsh", "#compdef rolefit"),
        ("fish", "complete -c rolefit"),
    ] {
        let script = run_ok(&["completions", shell]);
        assert!(
            script.contains(marker),
            "{shell}: no `{marker}` in\n{script}"
        );
        // Every command is offered.
        for command in ["solve", "additionality", "workshop", "completions"] {
            assert!(
                script.contains(command),
                "{shell}: `{command}` is not completed"
            );
        }
    }
}
