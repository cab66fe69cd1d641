//! Unusable input: every case exits 2, solves nothing, and says on standard error what is wrong,
//! in which file, and (where the mistake has a place) at which `line:column`.

mod common;

use common::{BASE, base_with, locate, repo, rolefit};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// Writes `text` to `scenario.ron` in a fresh temporary directory.
fn write_temp(text: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.ron");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Solves `path` and checks exit 2, nothing on stdout, and every fragment on stderr; returns
/// stderr.
fn solve_fails(path: &Path, extra: &[&str], fragments: &[&str]) -> String {
    let out = rolefit()
        .arg("solve")
        .arg(path)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit 2 expected; stderr:\n{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing is solved on invalid input");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "`{fragment}` missing from stderr:\n{stderr}"
        );
    }
    stderr
}

/// The mistake is in `text` at the `nth` occurrence of `needle`, `offset` characters into it:
/// stderr must point there as `FILE:LINE:COLUMN`.
fn assert_points_at(stderr: &str, path: &Path, text: &str, needle: &str, offset: usize) {
    let (line, column) = locate(text, needle, 0);
    let at = format!("{}:{line}:{}", path.display(), column + offset);
    assert!(
        stderr.contains(&at),
        "`{at}` missing from stderr:\n{stderr}"
    );
}

/// One mistake in a scenario: exit 2, the message, and the place of `needle` (+ offset).
fn case(text: &str, fragments: &[&str], needle: &str, offset: usize) {
    let (_dir, path) = write_temp(text);
    let stderr = solve_fails(&path, &[], fragments);
    assert_points_at(&stderr, &path, text, needle, offset);
}

// ---------------------------------------------------------------------------------------------
// syntax

#[test]
fn malformed_ron_missing_comma_points_at_the_next_item() {
    let text = base_with(
        "Need(role: \"policy_framework\", importance: 3),",
        "Need(role: \"policy_framework\", importance: 3)",
    );
    case(&text, &["expected `,`"], "Need(role: \"research\"", 0);
}

#[test]
fn unterminated_string_points_at_its_opening_quote() {
    let text = "Scenario(\n    name: \"Base,\n    needs: [],\n";
    case(text, &["unterminated string"], "\"Base", 0);
}

#[test]
fn empty_file_is_an_error_at_line_1() {
    let (_dir, path) = write_temp("");
    let stderr = solve_fails(&path, &[], &["empty"]);
    assert!(
        stderr.contains(&format!("{}:1:1", path.display())),
        "{stderr}"
    );
}

#[test]
fn unknown_field_suggests_the_close_one() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", capacty: 2)",
    );
    case(
        &text,
        &["unknown field `capacty`", "did you mean `capacity`?"],
        "capacty",
        0,
    );
}

#[test]
fn rule_file_passed_as_a_scenario_is_refused_with_a_hint() {
    let path = repo().join("rules").join("rules").join("business.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let stderr = solve_fails(&path, &[], &["rule file", "not a scenario", "--rules"]);
    assert_points_at(&stderr, &path, &text, "Rules(", 0);
}

// ---------------------------------------------------------------------------------------------
// unknown names

#[test]
fn unknown_sector_suggests_the_close_one() {
    let text = base_with("sector: \"academia\"", "sector: \"academy\"");
    case(
        &text,
        &["unknown sector `academy`", "did you mean `academia`?"],
        "\"academy\"",
        0,
    );
}

#[test]
fn unknown_role_suggests_the_close_one() {
    let text = base_with("role: \"research\"", "role: \"reserch\"");
    case(
        &text,
        &["unknown role `reserch`", "did you mean `research`?"],
        "\"reserch\"",
        0,
    );
}

#[test]
fn unknown_capability_suggests_the_close_one() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", capabilities: { \"regulatory_oversigt\": 0.9 })",
    );
    case(
        &text,
        &[
            "unknown capability `regulatory_oversigt`",
            "did you mean `regulatory_oversight`?",
        ],
        "\"regulatory_oversigt\"",
        0,
    );
}

#[test]
fn unknown_attribute_is_an_error() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", attributes: [\"small_organization\"])",
    );
    case(
        &text,
        &[
            "unknown attribute `small_organization`",
            "did you mean `small_organisation`?",
        ],
        "\"small_organization\"",
        0,
    );
}

// ---------------------------------------------------------------------------------------------
// numbers out of range

#[test]
fn importance_7_is_out_of_range() {
    let text = base_with("importance: 3", "importance: 7");
    case(
        &text,
        &["7 is out of range", "1 to 5"],
        "importance: 7",
        "importance: ".len(),
    );
}

#[test]
fn capability_strength_1_5_is_out_of_range() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", capabilities: { \"regulatory_oversight\": 1.5 })",
    );
    case(&text, &["1.5 is out of range", "0 to 1"], "1.5", 0);
}

#[test]
fn nan_strength_is_not_a_finite_number() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", capabilities: { \"regulatory_oversight\": NaN })",
    );
    case(&text, &["finite number"], "NaN", 0);
}

#[test]
fn negative_capacity_is_out_of_range() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", capacity: -1)",
    );
    case(&text, &["-1 is out of range"], "-1", 0);
}

#[test]
fn min_greater_than_max_is_an_error() {
    let text = base_with(
        "Need(role: \"research\", importance: 2)",
        "Need(role: \"research\", importance: 2, min: 2, max: 1)",
    );
    case(
        &text,
        &["max (1) is below min (2)"],
        "max: 1",
        "max: ".len(),
    );
}

// ---------------------------------------------------------------------------------------------
// structure of the scenario

#[test]
fn duplicate_partner_id_points_at_the_second_one() {
    let text = base_with("Partner(id: \"uni\"", "Partner(id: \"moh\"");
    let (_dir, path) = write_temp(&text);
    let stderr = solve_fails(&path, &[], &["partner id `moh` is used twice"]);
    let (line, column) = locate(&text, "\"moh\"", 1);
    let at = format!("{}:{line}:{column}", path.display());
    assert!(stderr.contains(&at), "{at} missing from:\n{stderr}");
}

#[test]
fn the_same_role_needed_twice_points_at_the_second_need() {
    let text = base_with("role: \"research\"", "role: \"policy_framework\"");
    let (_dir, path) = write_temp(&text);
    let stderr = solve_fails(&path, &[], &["`policy_framework` is needed twice"]);
    let (line, column) = locate(&text, "\"policy_framework\"", 1);
    let at = format!("{}:{line}:{column}", path.display());
    assert!(stderr.contains(&at), "{at} missing from:\n{stderr}");
}

#[test]
fn empty_partner_list_is_an_error() {
    let text = r#"Scenario(
    name: "Nobody",
    needs: [ Need(role: "research", importance: 2) ],
    partners: [],
)
"#;
    case(text, &["no partners"], "[]", 0);
}

#[test]
fn unknown_organisation_type_suggests_the_close_one() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", type: \"national_ministy\")",
    );
    case(
        &text,
        &[
            "unknown organisation type `national_ministy`",
            "did you mean `national_ministry`?",
        ],
        "\"national_ministy\"",
        0,
    );
}

#[test]
fn an_organisation_type_of_another_sector_is_an_error_naming_the_right_types() {
    let text = base_with(
        "sector: \"government\")",
        "sector: \"government\", type: \"university\")",
    );
    case(
        &text,
        &[
            "type `university` belongs to academia, but the partner's sector is government",
            "government types: national_ministry",
        ],
        "\"university\"",
        0,
    );
}

#[test]
fn funded_by_an_unknown_partner_suggests_the_close_one() {
    let text = base_with(
        "sector: \"academia\")",
        "sector: \"academia\", funded_by: [\"mho\"])",
    );
    case(
        &text,
        &["no partner `mho` in the scenario", "did you mean `moh`?"],
        "\"mho\"",
        0,
    );
}

#[test]
fn a_partner_funded_by_itself_is_an_error() {
    let text = base_with(
        "sector: \"academia\")",
        "sector: \"academia\", funded_by: [\"uni\"])",
    );
    case(&text, &["a partner cannot fund itself"], "[\"uni\"]", 1);
}

// ---------------------------------------------------------------------------------------------
// pins and variants

const PIN_BASE_END: &str = "    ],\n)\n";

/// BASE with extra fields after `partners`.
fn base_plus(fields: &str) -> String {
    assert!(BASE.ends_with(PIN_BASE_END));
    format!(
        "{}    ],\n{fields}\n)\n",
        &BASE[..BASE.len() - PIN_BASE_END.len()]
    )
}

#[test]
fn pin_to_an_unknown_partner_suggests_the_close_one() {
    let text = base_plus("    pins: [ Pin(partner: \"mho\", role: \"policy_framework\") ],");
    case(
        &text,
        &["unknown partner `mho`", "did you mean `moh`?"],
        "\"mho\"",
        0,
    );
}

#[test]
fn pin_on_a_refused_role_is_an_error() {
    let text = base_plus("    pins: [ Pin(partner: \"moh\", role: \"policy_framework\") ],")
        .replacen(
            "sector: \"government\")",
            "sector: \"government\", refuses: [\"policy_framework\"])",
            1,
        );
    case(&text, &["refuses"], "Pin(partner", 0);
}

#[test]
fn pins_beyond_a_partners_capacity_are_an_error() {
    let text = base_plus(
        "    pins: [ Pin(partner: \"moh\", role: \"policy_framework\"), Pin(partner: \"moh\", role: \"research\") ],",
    )
    .replacen("sector: \"government\")", "sector: \"government\", capacity: 1)", 1);
    let (_dir, path) = write_temp(&text);
    let stderr = solve_fails(&path, &[], &["pinned to 2 roles", "capacity is 1"]);
    let (line, _) = locate(&text, "pins:", 0);
    assert!(
        stderr.contains(&format!("{}:{line}:", path.display())),
        "{stderr}"
    );
}

#[test]
fn pins_beyond_a_needs_max_are_an_error() {
    let text = base_plus(
        "    pins: [ Pin(partner: \"moh\", role: \"research\"), Pin(partner: \"uni\", role: \"research\") ],",
    );
    let (_dir, path) = write_temp(&text);
    let stderr = solve_fails(&path, &[], &["2 partners are pinned to `research`", "max"]);
    assert!(
        stderr.contains(&format!("{}:", path.display())),
        "names the file: {stderr}"
    );
    // It points at the need or at the pins, with a line and a column.
    let (need_line, _) = locate(&text, "\"research\"", 0);
    let (pin_line, _) = locate(&text, "pins:", 0);
    assert!(
        stderr.contains(&format!("{}:{need_line}:", path.display()))
            || stderr.contains(&format!("{}:{pin_line}:", path.display())),
        "{stderr}"
    );
}

#[test]
fn variant_removing_an_unknown_partner_suggests_the_close_one() {
    let text = base_plus("    variants: [ Variant(name: \"no university\", remove: [\"unii\"]) ],");
    case(
        &text,
        &["unknown partner `unii`", "did you mean `uni`?"],
        "\"unii\"",
        0,
    );
}

// ---------------------------------------------------------------------------------------------
// files

#[test]
fn nonexistent_path_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-scenario.ron");
    solve_fails(&path, &[], &[&path.display().to_string(), "cannot read"]);
}

fn oversized_file() -> (tempfile::TempDir, PathBuf, u64) {
    let mut text = BASE.to_string();
    let comment = format!("// {}\n", "x".repeat(1021));
    while text.len() <= 9 * 1024 * 1024 {
        text.push_str(&comment);
    }
    let (dir, path) = write_temp(&text);
    (dir, path, text.len() as u64)
}

#[test]
fn file_over_8_mib_is_refused() {
    let (_dir, path, _) = oversized_file();
    solve_fails(
        &path,
        &[],
        &[
            &path.display().to_string(),
            "more than the limit of 8388608 bytes",
        ],
    );
}

#[test]
fn file_over_8_mib_error_states_its_true_size() {
    let (_dir, path, size) = oversized_file();
    let stderr = solve_fails(&path, &[], &["limit"]);
    // If the message gives the file's size, it must be the real one, not the limit plus one.
    if let Some(at) = stderr.find("the file is ") {
        let stated: String = stderr[at + "the file is ".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert_eq!(
            stated,
            size.to_string(),
            "the error misstates the file's size: {stderr}"
        );
    }
}

#[test]
fn non_utf8_bytes_are_refused() {
    let mut bytes = b"Scenario(\n    name: \"B".to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(&BASE.as_bytes()["Scenario(\n    name: \"B".len()..]);
    let (_dir, path) = write_temp(&bytes);
    solve_fails(&path, &[], &[&path.display().to_string(), "not UTF-8"]);
}

#[test]
fn bad_input_on_stdin_is_named_stdin() {
    let text = base_with("importance: 3", "importance: 7");
    rolefit()
        .args(["solve", "-"])
        .write_stdin(text)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("<stdin>:4:"))
        .stderr(predicate::str::contains("7 is out of range"));
}

// ---------------------------------------------------------------------------------------------
// rule sets and arguments

#[test]
fn rules_dir_with_a_rule_testing_an_unknown_trait_names_the_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let rule_text = r#"Rules(
    rules: [
        Rule(
            id: "custom_commercial_rule",
            description: "Tests a misspelt trait.",
            source: Text("test"),
            when: Holds(who: All([Sector("business"), Trait("comercial")])),
            effect: (penalty: 1.0),
        ),
    ],
)
"#;
    let rule_file = rules.join("extra.ron");
    std::fs::write(&rule_file, rule_text).unwrap();
    let (_sdir, scenario) = write_temp(BASE);
    let out = rolefit()
        .arg("solve")
        .arg(&scenario)
        .arg("--rules")
        .arg(&rules)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("unknown trait `comercial`"), "{stderr}");
    assert!(stderr.contains("did you mean `commercial`?"), "{stderr}");
    let (line, column) = locate(rule_text, "\"comercial\"", 0);
    let at = format!("{}:{line}:{column}", rule_file.display());
    assert!(stderr.contains(&at), "{at} missing from:\n{stderr}");
}

#[test]
fn negative_time_limit_is_a_usage_error() {
    let (_dir, path) = write_temp(BASE);
    rolefit()
        .arg("solve")
        .arg(&path)
        .args(["--time-limit", "-1"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("-1"));
    rolefit()
        .arg("solve")
        .arg(&path)
        .arg("--time-limit=-1")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--time-limit"));
}

#[test]
fn zero_time_limit_error_does_not_contradict_itself() {
    let (_dir, path) = write_temp(BASE);
    let out = rolefit()
        .arg("solve")
        .arg(&path)
        .args(["--time-limit", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(0) {
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--time-limit"), "{stderr}");
        // Refusing 0 while saying 0 is allowed leaves the user guessing.
        assert!(
            !stderr.contains("between 0 and 86400 seconds, got 0"),
            "the message contradicts itself: {stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// several mistakes at once

#[test]
fn several_mistakes_in_one_file_are_all_reported_in_one_run() {
    let text = r#"Scenario(
    name: "Many mistakes",
    needs: [
        Need(role: "reserch", importance: 9),
        Need(role: "policy_framework", importance: 3),
    ],
    partners: [
        Partner(id: "moh", name: "Ministry", sector: "goverment", capacity: -2),
        Partner(id: "moh", name: "University", sector: "academia", capabilities: { "research_excellence": 1.7 }),
    ],
)
"#;
    let (_dir, path) = write_temp(text);
    let stderr = solve_fails(
        &path,
        &[],
        &[
            "unknown role `reserch`",
            "9 is out of range",
            "unknown sector `goverment`",
            "-2 is out of range",
            "1.7 is out of range",
            "partner id `moh` is used twice",
        ],
    );
    for (needle, nth, offset) in [
        ("\"reserch\"", 0, 0),
        ("importance: 9", 0, "importance: ".len()),
        ("\"goverment\"", 0, 0),
        ("-2", 0, 0),
        ("1.7", 0, 0),
    ] {
        let (line, column) = locate(text, needle, nth);
        let at = format!("{}:{line}:{}", path.display(), column + offset);
        assert!(stderr.contains(&at), "{at} missing from:\n{stderr}");
    }
    assert!(stderr.contains("6 error(s)"), "{stderr}");
}

#[test]
fn check_reports_the_same_mistakes_as_solve() {
    let text = base_with("importance: 3", "importance: 7");
    let (_dir, path) = write_temp(&text);
    let (line, column) = locate(&text, "importance: 7", 0);
    rolefit()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("7 is out of range"))
        .stderr(predicate::str::contains(format!(
            "{}:{line}:{}",
            path.display(),
            column + "importance: ".len()
        )));
}
