//! Unit tests of case loading (every mistake a diagnostic with a suggestion), checking (what was
//! expected against what was found) and the pending mark.

use super::*;
use crate::source::Source;

fn suite() -> Suite {
    Suite::new(crate::kb::default_documents()).expect("built-in rules are valid")
}

const SCENARIO: &str = r#"Scenario(
        name: "Two partners",
        needs: [
            Need(role: "policy_framework", importance: 3),
            Need(role: "commercialisation", importance: 2),
            Need(role: "community_outreach", importance: 3),
        ],
        partners: [
            Partner(id: "moh", name: "Ministry of Health", sector: "government"),
            Partner(id: "ngo", name: "Community NGO", sector: "civil_society",
                capabilities: { "community_access_and_outreach": 0.9, "customer_centric_approach": 0.8 }),
        ],
    )"#;

/// A case around [`SCENARIO`] with the given expectations (and extra fields before them).
fn case_text(extra: &str, expect: &str) -> String {
    format!(
        "Case(\n    name: \"t\",\n    sources: [\"Table 1\"],\n    given: {SCENARIO},\n{extra}    expect: [\n{expect}\n    ],\n)\n"
    )
}

fn run_text(suite: &Suite, name: &str, text: &str) -> CaseResult {
    let doc = Document::parse(Source::new(name, text));
    let (loaded, diags) = load_case(suite, &doc);
    run_case(suite, name, loaded, diags, &Default::default())
}

fn errors(r: &CaseResult) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn expectations_that_hold_pass_and_one_that_fails_says_what_was_found() {
    let text = case_text(
        "",
        r#"        Holds(partner: "moh", role: "policy_framework", lead: true),
        Holds(sector: "civil_society", role: "community_outreach"),
        NotHolds(sector: "civil_society", role: "commercialisation"),
        Uncovered(role: "commercialisation", recruit: "business"),
        Status(optimal),
        Holds(partner: "ngo", role: "policy_framework"),"#,
    );
    let r = run_text(&suite(), "c.ron", &text);
    assert_eq!(r.status, CaseStatus::Failed, "{r:#?}");
    assert_eq!(r.checks.len(), 6);
    let failed: Vec<&Check> = r.failed_checks().collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    let f = failed[0];
    assert_eq!(f.expected, "ngo to hold policy_framework");
    assert!(
        f.found.contains("it is held by moh (government, fit")
            && f.found.contains("ngo (civil_society) fits it at"),
        "{}",
        f.found
    );
    let line = text
        .lines()
        .position(|l| l.contains(r#"Holds(partner: "ngo""#))
        .unwrap() as u32
        + 1;
    assert_eq!((f.line, f.column), (line, 9));
}

#[test]
fn every_misspelt_name_is_an_error_with_its_position_and_a_suggestion() {
    let text = case_text(
        "    variant: \"nope\",\n",
        r#"        Holds(partner: "mho", role: "policy_framework"),
        Holds(sector: "goverment", role: "policy_framwork"),
        Flag(kind: "mision_drift", rule: "civil_society_comercial_role", severity: hihg),
        Hold(partner: "moh", role: "policy_framework"),
        NotHolds(partner: "moh", role: "research"),"#,
    );
    let r = run_text(&suite(), "c.ron", &text);
    // The variant stops the case before its expectations are read.
    assert_eq!(r.status, CaseStatus::Invalid);
    let e = errors(&r);
    assert!(
        e.iter().any(|m| m.contains("no variant named \"nope\"")),
        "{e:#?}"
    );
    let text = text.replace("    variant: \"nope\",\n", "");
    let r = run_text(&suite(), "c.ron", &text);
    let e = errors(&r);
    let has = |what: &str, hint: &str| {
        assert!(
            e.iter().any(|m| m.contains(what) && m.contains(hint)),
            "no `{what}` with `{hint}` in {e:#?}"
        )
    };
    has("no partner `mho`", "did you mean `moh`?");
    has("unknown sector `goverment`", "did you mean `government`?");
    has(
        "unknown role `policy_framwork`",
        "did you mean `policy_framework`?",
    );
    has(
        "flag of kind `mision_drift`",
        "did you mean `mission_drift`?",
    );
    has(
        "unknown rule `civil_society_comercial_role`",
        "did you mean `civil_society_commercial_role`?",
    );
    has("unknown value `hihg`", "did you mean `high`?");
    has("unknown expectation `Hold`", "did you mean `Holds`?");
    has("does not need `research`", "Need(role: \"research\")");
    assert!(e.iter().all(|m| m.starts_with("c.ron:")), "{e:#?}");
}

#[test]
fn a_case_needs_a_name_a_source_and_something_to_expect() {
    let text = format!("Case(name: \" \", sources: [], given: {SCENARIO}, expect: [])");
    let e = errors(&run_text(&suite(), "c.ron", &text));
    assert!(
        e.iter().any(|m| m.contains("a case needs a name")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("states where its expectations come from")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|m| m.contains("add at least one expectation")),
        "{e:#?}"
    );
    let e = errors(&run_text(&suite(), "c.ron", SCENARIO));
    assert!(e[0].contains("not a case"), "{e:#?}");
}

#[test]
fn what_ifs_change_the_line_up_and_expectations_are_checked_against_it() {
    let text = case_text(
        "    what_if: [Without(\"ngo\"), Pin(partner: \"moh\", role: \"community_outreach\")],\n",
        r#"        Holds(partner: "moh", role: "community_outreach"),
        NotHolds(partner: "ngo", role: "community_outreach"),"#,
    );
    let r = run_text(&suite(), "c.ron", &text);
    let e = errors(&r);
    assert!(
        e.iter()
            .any(|m| m.contains("no partner `ngo` in the line-up the case solves")),
        "{e:#?}"
    );
    let text = case_text(
        "    what_if: [Without(\"ngo\"), Pin(partner: \"moh\", role: \"policy_framework\")],\n",
        r#"        Holds(partner: "moh", role: "policy_framework"),
        Uncovered(role: "community_outreach", recruit: "civil_society"),"#,
    );
    let r = run_text(&suite(), "c.ron", &text);
    assert_eq!(r.status, CaseStatus::Passed, "{r:#?}");
    let text = case_text(
        "    what_if: [Forbid(partner: \"ngoo\", role: \"community_outreach\"), Leave(\"ngo\")],\n",
        r#"        Status(optimal),"#,
    );
    let e = errors(&run_text(&suite(), "c.ron", &text));
    assert!(
        e.iter()
            .any(|m| m.contains("no partner `ngoo`") && m.contains("did you mean `ngo`?")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|m| m.contains("unknown what-if `Leave`")),
        "{e:#?}"
    );
}

#[test]
fn flags_are_matched_on_the_fields_given_and_severity_can_be_a_floor() {
    let text = case_text(
        "    what_if: [Pin(partner: \"ngo\", role: \"commercialisation\")],\n",
        r#"        Flag(kind: "mission_drift", partner: "ngo", role: "commercialisation", severity: high),
        Flag(rule: "civil_society_commercial_role", at_least: medium),
        NoFlag(kind: "mission_drift", partner: "moh"),
        NoFlag(kind: "mission_drift", severity: low),
        NoFlag(kind: "mission_drift", at_least: high),"#,
    );
    let r = run_text(&suite(), "c.ron", &text);
    let failed: Vec<&Check> = r.failed_checks().collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(
        failed[0].found.contains(
            "mission_drift (high) on ngo in commercialisation [civil_society_commercial_role]"
        ),
        "{}",
        failed[0].found
    );
}

#[test]
fn a_pending_case_is_reported_apart_and_fails_the_run_once_it_passes() {
    let s = suite();
    let failing = case_text(
        "    pending: \"the knowledge base does not do it yet\",\n",
        r#"        Holds(partner: "ngo", role: "policy_framework"),"#,
    );
    let r = run_text(&s, "c.ron", &failing);
    assert_eq!(r.status, CaseStatus::Pending);
    let passing = failing.replace(r#"partner: "ngo""#, r#"partner: "moh""#);
    let r = run_text(&s, "c.ron", &passing);
    assert_eq!(r.status, CaseStatus::Fixed);
    let report = Report {
        cases: vec![r],
        skipped: Vec::new(),
    };
    assert!(crate::report::cases::text(&report).contains("remove `pending`"));
    // A pending case that cannot be read yet stays pending, with its diagnostics shown.
    let unreadable = failing.replace(
        r#"sector: "civil_society","#,
        r#"sector: "civil_society", founded: 1999,"#,
    );
    let r = run_text(&s, "c.ron", &unreadable);
    assert_eq!(r.status, CaseStatus::Pending);
    assert!(
        errors(&r)
            .iter()
            .any(|m| m.contains("unknown field `founded`")),
        "{r:#?}"
    );
    assert_eq!(
        r.header.pending.as_deref(),
        Some("the knowledge base does not do it yet")
    );
}

#[test]
fn the_summary_counts_expectations_of_pending_cases_apart() {
    let s = suite();
    let pass = run_text(
        &s,
        "a.ron",
        &case_text(
            "",
            "        Status(optimal),\n        Covered(role: \"policy_framework\"),",
        ),
    );
    let fail = run_text(&s, "b.ron", &case_text("", "        Status(infeasible),"));
    let pending = run_text(
        &s,
        "c.ron",
        &case_text(
            "    pending: \"why\",\n",
            "        Status(infeasible),\n        Status(optimal),",
        ),
    );
    let report = Report {
        cases: vec![pass, fail, pending],
        skipped: Vec::new(),
    };
    let sum = report.summary();
    assert_eq!(
        (sum.cases, sum.passed, sum.failed, sum.pending),
        (3, 1, 1, 1)
    );
    assert_eq!(
        (
            sum.expectations,
            sum.failed_expectations,
            sum.pending_expectations
        ),
        (5, 1, 1)
    );
    let text = crate::report::cases::text(&report);
    assert!(
        text.contains("3 case(s): 1 passed, 1 failed, 1 pending; 5 expectation(s) checked, 1 failed; 1 expectation(s) of pending cases fail as known"),
        "{text}"
    );
    let json = serde_json::to_value(crate::report::cases::json(&report)).unwrap();
    assert_eq!(json["summary"]["failed_expectations"], 1);
    assert_eq!(json["cases"][1]["status"], "failed");
}

#[test]
fn files_named_by_a_case_are_read_beside_it_and_a_missing_one_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("cases");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(dir.path().join("two.ron"), SCENARIO).unwrap();
    let rules = dir.path().join("local");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("rules.ron"),
        r#"Rules(rules: [Rule(
            id: "no_ministry_outreach",
            description: "A local rule: ministries do not do outreach here.",
            source: Text("a researcher's own expectation"),
            when: Holds(who: All([Sector("government"), Role("community_outreach")])),
            effect: (forbid: true, flag: (kind: "local_rule", severity: low, message: "{partner} {role}")),
        )])"#,
    )
    .unwrap();
    let case = r#"Case(
        name: "beside",
        sources: ["test"],
        rules: "../local",
        given: "../two.ron",
        what_if: [Without("ngo")],
        expect: [Uncovered(role: "community_outreach"), NoFlag(kind: "local_rule")],
    )"#;
    let path = sub.join("c.ron");
    std::fs::write(&path, case).unwrap();
    let s = suite();
    let files = crate::load::case_files(&[dir.path().to_path_buf()]).unwrap();
    let report = run_files(&s, &files, &Default::default());
    // The scenario beside the case is a supporting file, not a case; the rule file too.
    assert_eq!(report.cases.len(), 1, "{report:#?}");
    assert_eq!(report.skipped.len(), 2, "{report:#?}");
    assert_eq!(report.cases[0].status, CaseStatus::Passed, "{report:#?}");
    std::fs::write(&path, case.replace("../two.ron", "../tow.ron")).unwrap();
    let report = run_files(&s, &files, &Default::default());
    let e = errors(&report.cases[0]);
    assert!(
        e.iter()
            .any(|m| m.contains("cannot read") && m.contains("two.ron`?")),
        "{e:#?}"
    );
    // Named on the command line, a scenario is not a case.
    let explicit = crate::load::case_files(&[dir.path().join("two.ron")]).unwrap();
    let report = run_files(&s, &explicit, &Default::default());
    assert_eq!(report.cases[0].status, CaseStatus::Invalid);
}

#[test]
fn an_infeasible_line_up_fails_role_expectations_with_its_conflict() {
    let text = case_text(
        "    what_if: [Pin(partner: \"ngo\", role: \"policy_framework\"), Pin(partner: \"moh\", role: \"policy_framework\")],\n",
        r#"        Holds(partner: "moh", role: "policy_framework"),
        Status(infeasible),"#,
    );
    let r = run_text(&suite(), "c.ron", &text);
    let failed: Vec<&Check> = r.failed_checks().collect();
    assert_eq!(failed.len(), 1, "{r:#?}");
    assert!(
        failed[0].found.contains("infeasible"),
        "{}",
        failed[0].found
    );
}

#[test]
fn a_case_names_files_never_standard_input_and_at_least_one_rule_file() {
    let text =
        r#"Case(name: "t", sources: ["s"], given: "-", rules: [], expect: [Status(optimal)])"#;
    let e = errors(&run_text(&suite(), "c.ron", text));
    assert!(
        e.iter().any(|m| m.contains("name at least one rule file")),
        "{e:#?}"
    );
    let text = r#"Case(name: "t", sources: ["s"], given: "-", expect: [Status(optimal)])"#;
    let e = errors(&run_text(&suite(), "c.ron", text));
    assert!(
        e.iter()
            .any(|m| m.contains("c.ron:1:40") && m.contains("name a file")),
        "{e:#?}"
    );
}

const MONEY_SCENARIO: &str = r#"Scenario(
        name: "Two grants",
        currency: "USD",
        needs: [
            Need(role: "policy_framework", importance: 3),
            Need(role: "catalytic_funding", importance: 4, budget: { "pilot": 100000 }),
            Need(role: "public_financing", importance: 4, budget: { "scale": 500000 }),
        ],
        partners: [
            Partner(id: "moh", name: "Ministry of Health", sector: "government"),
            Partner(id: "foundation", name: "Foundation", type: "philanthropic_foundation", capacity: 1),
            Partner(id: "agency", name: "Agency", type: "bilateral_development_agency", capacity: 1),
        ],
        commitments: [
            Commitment(id: "grant", funder: "foundation", role: "catalytic_funding", amount: 100000, phase: "pilot"),
            Commitment(id: "second", funder: "agency", role: "catalytic_funding", amount: 40000, phase: "pilot"),
        ],
    )"#;

fn money_case(expect: &str) -> String {
    format!(
        "Case(\n    name: \"t\",\n    sources: [\"Table 1\"],\n    given: {MONEY_SCENARIO},\n    expect: [\n{expect}\n    ],\n)\n"
    )
}

#[test]
fn money_expectations_hold_and_fail_with_the_amounts_found() {
    let text = money_case(
        r#"        Financed(role: "catalytic_funding", by: "foundation", in_full: true),
        Unfinanced(role: "public_financing"),
        Additionality(funder: "agency", verdict: not_additional, overlaps: 40000),
        Additionality(funder: "foundation", commitment: "grant", verdict: partly_additional, additional: 60000),
        Financed(role: "public_financing"),
        Unfinanced(role: "catalytic_funding"),
        Financed(role: "catalytic_funding", by: "moh"),
        Additionality(funder: "agency", verdict: additional),
        Additionality(funder: "foundation", additional: 100000),"#,
    );
    let r = run_text(&suite(), "m.ron", &text);
    assert!(errors(&r).is_empty(), "{:#?}", errors(&r));
    let passed: Vec<bool> = r.checks.iter().map(|c| c.passed).collect();
    assert_eq!(
        passed,
        [true, true, true, true, false, false, false, false, false],
        "{:#?}",
        r.checks
    );
    let found: Vec<&str> = r.checks.iter().map(|c| c.found.as_str()).collect();
    assert!(
        found[4].contains("public_financing: unfinanced; held by nobody"),
        "{}",
        found[4]
    );
    assert!(
        found[7].starts_with("verdict not_additional, additional 0, overlaps 40000"),
        "{}",
        found[7]
    );
    assert!(found[8].contains("additional 60000"), "{}", found[8]);
    assert_eq!(r.checks[7].expected, "agency's money to be additional");
}

#[test]
fn money_expectations_name_a_funder_with_money_and_its_own_commitment() {
    let text = money_case(
        r#"        Additionality(funder: "moh", verdict: additional),
        Additionality(funder: "agency", commitment: "grnt", verdict: additional),
        Additionality(funder: "agency"),
        Additionality(funder: "agency", additional: -5),
        Additionality(funder: "agency", verdict: redundant),
        Financed(role: "commercialisation"),
        Financed(role: "catalytic_funding", by: "fondation"),"#,
    );
    let r = run_text(&suite(), "m.ron", &text);
    assert_eq!(r.status, CaseStatus::Invalid);
    let e = errors(&r).join("\n");
    for want in [
        "`moh` commits no money in the line-up the case solves",
        "`grnt` is not a commitment of `agency`",
        "give `verdict`, or an amount",
        "-5 is negative",
        "redundant",
        "the scenario does not need `commercialisation`",
        "no partner `fondation`",
    ] {
        assert!(e.contains(want), "missing {want:?} in\n{e}");
    }
    assert_eq!(errors(&r).len(), 7, "{e}");
}

#[test]
fn money_expectations_on_a_scenario_without_money_say_so() {
    let text = case_text("", r#"        Financed(role: "policy_framework"),"#);
    let r = run_text(&suite(), "c.ron", &text);
    assert_eq!(r.status, CaseStatus::Failed);
    assert!(
        r.checks[0].found.contains("states no money"),
        "{}",
        r.checks[0].found
    );
}
