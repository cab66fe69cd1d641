//! The shipped expert cases (`cases/`) run as `rolefit test cases` runs them, and `rolefit test`
//! itself: exit statuses, the account of a failed expectation, JSON.
//!
//! A case marked `pending` is a known failure of the knowledge base (the lead's to-do list): it
//! is reported, not failed, until all its expectations hold; then this test fails until the mark
//! is removed, so a fixed case cannot stay pending unnoticed.

mod common;

use common::{RunOk, repo, rolefit};
use rolefit::cases::{CaseStatus, Report, Suite, run_files};
use rolefit::ron::{Kind, Node, parse};
use std::path::{Path, PathBuf};

fn shipped() -> (Vec<(PathBuf, bool)>, Report) {
    let suite = Suite::new(rolefit::kb::default_documents()).expect("built-in rules are valid");
    let files = rolefit::load::case_files(&[repo().join("cases")]).expect("cases/ is readable");
    let report = run_files(&suite, &files, &Default::default());
    (files, report)
}

/// The number of entries of a case file's `expect` list, read with the bare RON parser (not the
/// case loader), or `None` when the file is not a `Case(...)`.
fn expectations_written(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).expect("a case file is readable");
    let root: Node = parse(&text).expect("a shipped case file parses");
    let Kind::Struct(Some(name), fields) = &root.kind else {
        return None;
    };
    if name.text != "Case" {
        return None;
    }
    let expect = fields
        .iter()
        .find(|f| f.name.text == "expect")
        .expect("a case has `expect`");
    match &expect.value.kind {
        Kind::List(items) => Some(items.len()),
        other => panic!("{}: `expect` is {other:?}", path.display()),
    }
}

#[test]
fn the_shipped_cases_hold_or_are_known_pending() {
    let (files, report) = shipped();
    let s = report.summary();
    // Counted from the files themselves, so a case the runner skipped or half-read shows.
    let written: Vec<(String, usize)> = files
        .iter()
        .filter_map(|(p, _)| expectations_written(p).map(|n| (p.display().to_string(), n)))
        .collect();
    assert!(written.len() >= 30, "only {} case files", written.len());
    assert_eq!(
        report.cases.len(),
        written.len(),
        "cases run: {:?}",
        report.cases.iter().map(|c| &c.file).collect::<Vec<_>>()
    );
    let mut checked = 0;
    for (c, (file, n)) in report.cases.iter().zip(&written) {
        assert_eq!(&c.file, file);
        let unread = matches!(c.status, CaseStatus::Invalid | CaseStatus::Pending)
            && c.checks.is_empty()
            && c.error.is_none();
        if unread {
            continue;
        }
        assert_eq!(c.checks.len(), *n, "{file}: expectations checked");
        checked += n;
    }
    assert!(s.expectations > 0, "{s:?}");
    assert_eq!(s.expectations, checked);
    // A shipped pending case must still be readable: only its expectations may fail.
    for c in report
        .cases
        .iter()
        .filter(|c| c.status == CaseStatus::Pending)
    {
        if let Some(d) = c.diagnostics.iter().find(|d| d.is_error()) {
            panic!(
                "{}: a pending case is invalid:\n{}",
                c.file,
                d.render(false)
            );
        }
    }
    let broken: Vec<_> = report
        .cases
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                CaseStatus::Failed | CaseStatus::Fixed | CaseStatus::Invalid
            )
        })
        .cloned()
        .collect();
    let account = rolefit::report::cases::text(&Report {
        cases: broken.clone(),
        skipped: Vec::new(),
    });
    assert!(broken.is_empty(), "{account}");
    eprintln!(
        "{} cases, {} expectations checked; {} pending cases with {} known failing expectations",
        s.cases, s.expectations, s.pending, s.pending_expectations
    );
}

#[test]
fn rolefit_test_passes_on_the_shipped_cases_and_says_how_many_ran() {
    let text = rolefit().arg("test").arg(repo().join("cases")).stdout_ok();
    let (_, report) = shipped();
    let s = report.summary();
    assert!(
        text.contains(&format!(
            "{} case(s): {} passed, 0 failed",
            s.cases, s.passed
        )),
        "{text}"
    );
}

fn write_case(dir: &Path, name: &str, expect: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            r#"Case(
    name: "{name}",
    sources: ["a test"],
    given: Scenario(
        name: "Two partners",
        needs: [Need(role: "policy_framework", importance: 4), Need(role: "research", importance: 2)],
        partners: [
            Partner(id: "moh", name: "Ministry", sector: "government"),
            Partner(id: "acme", name: "Acme", sector: "business"),
        ],
    ),
    expect: [
        {expect}
    ],
)
"#
        ),
    )
    .expect("write a case");
    path
}

#[test]
fn a_failed_expectation_exits_1_with_what_was_expected_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_case(
        dir.path(),
        "fails.ron",
        r#"Holds(sector: "business", role: "policy_framework", lead: true),"#,
    );
    let out = rolefit().arg("test").arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "{}:13:9: expected a business partner to lead policy_framework; it is held by moh (government, fit",
            path.display()
        )),
        "{text}"
    );
    assert!(text.contains("acme (business) fits it at 0.00"), "{text}");
    assert!(
        text.contains("1 case(s): 0 passed, 1 failed; 1 expectation(s) checked, 1 failed"),
        "{text}"
    );
}

/// Found when the expert cases met issue 15's sanitiser: `rolefit test` printed a case file's
/// name as it was, so a name holding `ESC[2J` cleared the screen and U+202E reordered the line.
#[test]
fn a_case_file_name_with_terminal_escapes_is_shown_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_case(
        dir.path(),
        "fails.ron",
        r#"Holds(sector: "business", role: "policy_framework", lead: true),"#,
    );
    let evil = dir.path().join("f\u{1b}[2J\u{7}\u{202e}\nok.ron");
    std::fs::rename(&written, &evil).unwrap();
    for format in ["text", "json"] {
        let out = rolefit()
            .args(["test", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text:?}"
        );
        // JSON keeps the name exact (serde escapes control characters); text shows escapes.
        if format == "text" {
            assert!(!text.contains('\u{202e}'), "{text:?}");
            assert!(
                text.contains("f\\u{1b}[2J\\u{7}\\u{202e}\\nok.ron"),
                "{text}"
            );
            assert!(!text.lines().any(|l| l.starts_with("ok.ron")), "{text}");
        }
    }
}

#[test]
fn an_invalid_case_exits_2_with_its_position_and_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    write_case(
        dir.path(),
        "typo.ron",
        r#"Holds(partner: "moh", role: "policy_framewrk"),"#,
    );
    let out = rolefit().arg("test").arg(dir.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("typo.ron:13:37"), "{text}");
    assert!(text.contains("did you mean `policy_framework`?"), "{text}");
}

#[test]
fn json_carries_every_expectation_and_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    write_case(
        dir.path(),
        "mixed.ron",
        r#"Holds(partner: "moh", role: "policy_framework", lead: true), Covered(role: "research"),"#,
    );
    let out = rolefit()
        .args(["test", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json["summary"]["expectations"], 2);
    assert_eq!(json["summary"]["failed_expectations"], 1);
    let checks = json["cases"][0]["expectations"].as_array().unwrap();
    assert_eq!(checks[0]["passed"], true);
    assert_eq!(checks[1]["passed"], false);
    assert_eq!(checks[1]["expected"], "research to be covered");
}

#[test]
fn a_folder_without_cases_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("only-a-scenario.ron"), common::BASE).unwrap();
    let out = rolefit().arg("test").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no case files"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rolefit_check_reads_a_case_as_rolefit_test_does() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_case(dir.path(), "good.ron", r#"Covered(role: "research"),"#);
    let text = rolefit().arg("check").arg(&good).stdout_ok();
    assert!(text.contains("ok (case with 1 expectation(s))"), "{text}");
    let bad = write_case(dir.path(), "bad.ron", r#"Covered(role: "reserch"),"#);
    let out = rolefit().arg("check").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did you mean `research`?"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Found while merging issue 15 with the expert cases: like a sweep file, a case file could
/// name any path as its scenario (`/etc/shadow`), and the syntax error quoted its first line.
/// Only `.ron` files (and rule directories) are read for a case.
#[test]
fn a_case_naming_a_file_that_is_not_ron_never_reads_or_quotes_it() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "root:SECRET-HASH:19000:0:99999:7:::\n").unwrap();
    for (field, why) in [
        (r#"given: "secret.txt""#, "a scenario is a `.ron` file"),
        (
            r#"given: "secret.ron", rules: "secret.txt""#,
            "rules are a directory of `.ron` files or one `.ron` file",
        ),
    ] {
        let case = dir.path().join("peek.ron");
        std::fs::write(
            &case,
            format!(
                r#"Case(name: "peek", sources: ["a test"], {field}, expect: [Status(optimal)])"#
            ),
        )
        .unwrap();
        let out = rolefit().arg("test").arg(&case).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains(why), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
}
