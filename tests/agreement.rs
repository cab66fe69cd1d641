//! `rolefit agreement`: the roles-and-responsibilities annex of an MoU, as seed 001 lists it.

mod common;

use common::{RunOk, dakar, repo, rolefit};

fn agreement(args: &[&str]) -> String {
    rolefit().arg("agreement").args(args).stdout_ok()
}

/// The RACI table's rows: role name, then one letter per party.
fn raci_rows(md: &str) -> Vec<Vec<String>> {
    let start = md.find("## 2. Roles and responsibilities (RACI)").unwrap();
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| Role"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_annex_has_every_part_an_mou_needs() {
    let md = agreement(&[dakar().to_str().unwrap()]);
    for heading in [
        "# Roles and responsibilities: CARDIO4Cities Dakar",
        "## 1. Scope",
        "## 2. Roles and responsibilities (RACI)",
        "## 3. Commitments",
        "## 4. Success measures",
        "## 5. Risks to watch",
        "## 6. Review and renewal",
        "## Signatures",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    let rows = raci_rows(&md);
    assert_eq!(rows.len(), 15, "one row per needed role");
    for row in &rows {
        assert_eq!(row.len(), 10, "the role and nine parties: {row:?}");
        assert_eq!(
            row.iter().filter(|c| *c == "**A**").count(),
            1,
            "exactly one accountable party: {row:?}"
        );
    }
    assert!(
        md.contains("*Review question:*"),
        "each risk has its question"
    );
    assert!(md.contains("every 6 months"));
    assert!(md.contains("| Ministry of Health and Social Action | Policy framework (lead), Public financing (lead) | 2 of 3 (2.0) | Public financing |"), "{md}");
    assert!(
        md.contains("| City of Dakar | none yet | 0 of 2 (0.0) |"),
        "a partner with no role commits no effort (never -0.0):\n{md}"
    );
}

#[test]
fn a_variant_what_ifs_and_the_review_interval_shape_the_annex() {
    let path = dakar();
    let md = agreement(&[
        path.to_str().unwrap(),
        "--variant",
        "without the foundation",
        "--review-months",
        "3",
    ]);
    assert!(md.contains("without the foundation"));
    assert!(md.contains("every 3 months"));
    assert!(
        md.contains("Outside this annex until a partner takes them on"),
        "the gap is named"
    );
    assert!(!md.contains("`foundation`"));
    let pinned = agreement(&[path.to_str().unwrap(), "--without", "ucad"]);
    assert!(!pinned.contains("`ucad`"));
    rolefit()
        .args(["agreement", path.to_str().unwrap(), "--review-months", "0"])
        .assert()
        .code(2);
}

#[test]
fn the_printable_page_escapes_names_and_loads_nothing() {
    let fixture = repo().join("tests/fixtures/html/injection.ron");
    let html = agreement(&[fixture.to_str().unwrap(), "--format", "html"]);
    assert!(!html.contains("<script>alert"), "a name became markup");
    assert!(html.contains("&lt;script&gt;alert(&#39;moh&#39;)&lt;/script&gt; Ministry"));
    assert!(html.contains("default-src &#39;none&#39;"));
    assert!(html.contains("class=\"raci\""));
    let md = agreement(&[fixture.to_str().unwrap()]);
    assert!(!md.contains("<script>"), "Markdown escapes too");
}

#[test]
fn an_infeasible_line_up_gets_no_annex_but_the_conflict() {
    let fixture = repo().join("tests/fixtures/flags/infeasible_pin.ron");
    let md = agreement(&[fixture.to_str().unwrap()]);
    assert!(md.contains("no annex can be drawn"), "{md}");
    assert!(!md.contains("## 2."));
}
