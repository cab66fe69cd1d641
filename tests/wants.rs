//! The partners' own wishes (`wants`): weighed in the objective below institutional logic, an
//! `unmet_preference` flag when the line-up does not meet one, a line in the brief, and
//! `recommend --partner` showing them (seed 003: think outside-in, listen to understand).

mod common;

use common::{RunOk, array, rolefit, solve_json};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Two universities alike in every stated strength, needed for research only.
fn twins(wants_a: &str, wants_b: &str) -> String {
    format!(
        r#"Scenario(
    name: "Twins",
    needs: [Need(role: "research", importance: 3)],
    partners: [
        Partner(id: "uni_a", name: "University A", sector: "academia",
            capabilities: {{ "research_excellence": 0.8, "innovations_and_idea_generation": 0.8, "data_and_analytics": 0.7, "access_to_talent": 0.7 }}{wants_a}),
        Partner(id: "uni_b", name: "University B", sector: "academia",
            capabilities: {{ "research_excellence": 0.8, "innovations_and_idea_generation": 0.8, "data_and_analytics": 0.7, "access_to_talent": 0.7 }}{wants_b}),
    ],
    min_sectors: 1,
)"#
    )
}

fn holders(report: &Value, role: &str) -> Vec<String> {
    array(report, "assignments")
        .iter()
        .filter(|a| a["role"] == role)
        .map(|a| a["partner"].as_str().unwrap().to_string())
        .collect()
}

fn unmet(report: &Value) -> Vec<(String, String)> {
    array(report, "flags")
        .iter()
        .filter(|f| f["kind"] == "unmet_preference")
        .map(|f| {
            (
                f["partner"].as_str().unwrap().to_string(),
                f["role"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_wish_decides_between_partners_who_fit_alike() {
    let dir = tempfile::tempdir().unwrap();
    let none = solve_json(&write(dir.path(), "none.ron", &twins("", "")), &[]);
    assert_eq!(
        holders(&none, "research"),
        ["uni_a"],
        "without wishes, id order decides"
    );
    let b = solve_json(
        &write(dir.path(), "b.ron", &twins("", r#", wants: ["research"]"#)),
        &[],
    );
    assert_eq!(holders(&b, "research"), ["uni_b"], "the wish decides");
    assert!(unmet(&b).is_empty());
    let reasons = array(&b, "assignments")[0]["reasons"].to_string();
    assert!(reasons.contains("asked for by the partner"), "{reasons}");
    let both = solve_json(
        &write(
            dir.path(),
            "both.ron",
            &twins(r#", wants: ["research"]"#, r#", wants: ["research"]"#),
        ),
        &[],
    );
    assert_eq!(holders(&both, "research"), ["uni_a"]);
    assert_eq!(
        unmet(&both),
        [("uni_b".to_string(), "research".to_string())],
        "the wish the line-up does not meet is flagged"
    );
}

#[test]
fn a_wish_never_buys_a_breach_of_institutional_logic() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"Scenario(
    name: "An NGO that wants to sell",
    needs: [
        Need(role: "commercialisation", importance: 5),
        Need(role: "community_outreach", importance: 3),
    ],
    partners: [
        Partner(id: "ngo", name: "NGO", sector: "civil_society",
            capabilities: { "standards_and_business_practices": 0.9, "efficient_scaling_practice": 0.9, "customer_centric_approach": 0.9 },
            wants: ["commercialisation"]),
        Partner(id: "firm", name: "Firm", sector: "business"),
    ],
)"#;
    let report = solve_json(&write(dir.path(), "ngo.ron", text), &[]);
    assert!(
        !holders(&report, "commercialisation").contains(&"ngo".to_string()),
        "a commercial role stays out of a civil society partner's reach, wish or not"
    );
    assert_eq!(
        unmet(&report),
        [("ngo".to_string(), "commercialisation".to_string())]
    );
}

#[test]
fn the_knowledge_base_refuses_a_wish_that_weighs_as_much_as_logic() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wishes.ron",
        r#"Rules(rules: [
    Rule(id: "unmet_preference", source: Text("test"), when: Unmet(who: Wants),
        effect: (penalty: 0.2, per: importance,
            flag: (kind: "unmet_preference", severity: low, message: "{partner_name} wants {role_name}"))),
])"#,
    );
    let scenario = common::dakar();
    rolefit()
        .args(["solve", scenario.to_str().unwrap(), "--rules"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a wish must weigh less than every logic rule",
        ))
        .stderr(predicates::str::contains("rule `unmet_preference`"));
}

#[test]
fn wishes_are_checked_like_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let refused = twins(
        r#", refuses: ["research"], wants: ["research"]"#,
        r#", wants: ["advocacy"]"#,
    );
    let path = write(dir.path(), "bad.ron", &refused);
    rolefit()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "asks for `research` and refuses it",
        ))
        .stderr(predicates::str::contains(
            "the scenario does not need `advocacy`, so this wish cannot be met",
        ));
    let sheet = write(
        dir.path(),
        "partners.csv",
        "id,name,sector,wants,refuses\nuni,University,academia,research;advocacy,\nngo,NGO,civil_society,research,research\n",
    );
    let scenario = write(
        dir.path(),
        "s.ron",
        r#"Scenario(name: "Sheet", needs: [Need(role: "research")], partners: [], min_sectors: 1)"#,
    );
    rolefit()
        .args(["solve", scenario.to_str().unwrap(), "--partners"])
        .arg(&sheet)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "asks for `research` and refuses it",
        ));
    let sheet = write(
        dir.path(),
        "good.csv",
        "id,name,sector,wants\nuni_a,University A,academia,\nuni_b,University B,academia,research\n",
    );
    let out = rolefit()
        .args([
            "solve",
            scenario.to_str().unwrap(),
            "--format",
            "json",
            "--partners",
        ])
        .arg(&sheet)
        .stdout_ok();
    let report: Value = serde_json::from_slice(out.as_bytes()).unwrap();
    assert_eq!(
        holders(&report, "research"),
        ["uni_b"],
        "the sheet's wish counts"
    );
}

#[test]
fn recommend_partner_the_brief_and_a_variant_show_the_wishes() {
    let dir = tempfile::tempdir().unwrap();
    let text = twins(r#", wants: ["research"]"#, r#", wants: ["research"]"#).replace(
        "    min_sectors: 1,",
        r#"    min_sectors: 1,
    variants: [Variant(name: "a steps back", change: [Change(partner: "uni_a", wants: [])])],"#,
    );
    let path = write(dir.path(), "twins.ron", &text);
    let out = rolefit()
        .args([
            "recommend",
            path.to_str().unwrap(),
            "--partner",
            "uni_b",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["question"]
            .as_str()
            .unwrap()
            .contains("it asked for research")
    );
    assert_eq!(v["ranking"][0]["asked_for"], true);
    let text_report = rolefit()
        .args(["recommend", path.to_str().unwrap(), "--partner", "uni_b"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text_report.stdout).contains("[asked for by the partner]"));

    let brief = rolefit()
        .args(["brief", path.to_str().unwrap(), "--partner", "uni_b"])
        .output()
        .unwrap();
    let brief = String::from_utf8(brief.stdout).unwrap();
    assert!(
        brief.contains("It asked for: research \\(held by University A\\)"),
        "{brief}"
    );

    let variant = solve_json(&path, &["--variant", "a steps back"]);
    assert_eq!(
        holders(&variant, "research"),
        ["uni_b"],
        "a variant changes a wish"
    );
}
