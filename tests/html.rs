//! `solve --format html`: one self-contained page whose matrix chart agrees with the JSON
//! report cell by cell, that shows every flag with its rule and source, every gap with its
//! recruit suggestion, and that never lets a name from the input become markup.

mod common;

use common::html::{cells, escaped, escaped_prose};
use common::{
    RunOk, array, dakar, flag_fixture, flag_fixtures, opt_str, repo, rolefit, shipped_scenarios,
    solve_json,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn html_of(path: &Path, args: &[&str]) -> String {
    rolefit()
        .arg("solve")
        .arg(path)
        .args(["--format", "html"])
        .args(args)
        .stdout_ok()
}

fn injection() -> PathBuf {
    repo()
        .join("tests")
        .join("fixtures")
        .join("html")
        .join("injection.ron")
}

/// The roles a scenario needs, from its `Need(role: "...")` entries.
fn needed_roles(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).expect("a readable scenario");
    text.match_indices("Need(role: \"")
        .map(|(i, m)| {
            let rest = &text[i + m.len()..];
            rest[..rest.find('"').expect("a closing quote")].to_string()
        })
        .collect()
}

fn severity_rank(s: &str) -> usize {
    ["info", "low", "medium", "high"]
        .iter()
        .position(|x| *x == s)
        .unwrap_or_else(|| panic!("unknown severity {s}"))
}

#[test]
fn the_matrix_has_one_cell_per_partner_and_role_and_agrees_with_the_json_report() {
    let mut files = shipped_scenarios();
    files.extend(flag_fixtures());
    for file in files {
        let name = file.display();
        let report = solve_json(&file, &[]);
        let html = html_of(&file, &[]);
        let partners: Vec<&str> = array(&report, "partners")
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        let roles = needed_roles(&file);
        let cells = cells(&html);
        assert_eq!(
            cells.len(),
            partners.len() * roles.len(),
            "{name}: one cell per partner and role"
        );
        let by_pair: BTreeMap<(&str, &str), &common::html::Attrs> = cells
            .iter()
            .map(|c| ((c["data-partner"].as_str(), c["data-role"].as_str()), c))
            .collect();
        assert_eq!(by_pair.len(), cells.len(), "{name}: no cell twice");
        for p in &partners {
            for r in &roles {
                assert!(
                    by_pair.contains_key(&(*p, r.as_str())),
                    "{name}: no cell for {p} / {r}"
                );
            }
        }
        let mut held = BTreeSet::new();
        for a in array(&report, "assignments") {
            let key = (a["partner"].as_str().unwrap(), a["role"].as_str().unwrap());
            let want = if a["lead"] == true { "lead" } else { "support" };
            assert_eq!(by_pair[&key]["data-state"], want, "{name}: {key:?}");
            assert_eq!(
                by_pair[&key]["data-fit"],
                format!("{:.2}", a["fit"].as_f64().unwrap()),
                "{name}: the cell's fit is the assignment's"
            );
            held.insert(key);
        }
        for (key, c) in &by_pair {
            if !held.contains(key) {
                assert!(
                    ["open", "blocked", "avoided"].contains(&c["data-state"].as_str()),
                    "{name}: {key:?} is not held but the chart says {}",
                    c["data-state"]
                );
            }
        }
        let mut worst: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for f in array(&report, "flags") {
            if let (Some(p), Some(r)) = (opt_str(f, "partner"), opt_str(f, "role")) {
                let s = f["severity"].as_str().unwrap();
                let e = worst.entry((p, r)).or_insert(s);
                if severity_rank(s) > severity_rank(e) {
                    *e = s;
                }
            }
        }
        for (key, c) in &by_pair {
            assert_eq!(
                c.get("data-flag").map(String::as_str),
                worst.get(key).copied(),
                "{name}: flag mark of {key:?}"
            );
        }
    }
}

#[test]
fn the_page_is_self_contained_and_prints() {
    for file in shipped_scenarios() {
        let html = html_of(&file, &[]);
        let name = file.display();
        assert!(html.starts_with("<!DOCTYPE html>\n"), "{name}");
        assert!(html.trim_end().ends_with("</html>"), "{name}");
        for banned in [
            "<script",
            "<link",
            "<img",
            "<iframe",
            "<object",
            "src=",
            "url(",
            "@import",
            "href=\"http",
        ] {
            assert!(
                !html.contains(banned),
                "{name}: {banned} in a self-contained page"
            );
        }
        assert!(
            html.contains(
                "http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;"
            ),
            "{name}"
        );
        assert!(html.contains("@media print"), "{name}: print styles");
        assert!(
            html.contains("<ul class=\"legend\">"),
            "{name}: the matrix has a legend"
        );
    }
}

#[test]
fn the_page_shows_every_reason_flag_gap_and_risk_avoided() {
    let mut files = shipped_scenarios();
    files.extend(flag_fixtures());
    for file in files {
        let name = file.display();
        let report = solve_json(&file, &[]);
        let html = html_of(&file, &[]);
        for a in array(&report, "assignments") {
            for r in a["reasons"].as_array().unwrap() {
                let r = escaped(r.as_str().unwrap());
                assert!(html.contains(&r), "{name}: reason {r:?} missing");
            }
        }
        for f in array(&report, "flags") {
            let rule = f["rule"].as_str().unwrap();
            assert!(
                html.contains(&format!("<code>{}</code>", escaped(rule))),
                "{name}: flag rule {rule} missing"
            );
            let message = escaped_prose(f["message"].as_str().unwrap());
            assert!(
                html.contains(&message),
                "{name}: flag message {message:?} missing"
            );
            let source = escaped(f["source"].as_str().unwrap());
            assert!(
                html.contains(&source),
                "{name}: flag source {source:?} missing"
            );
        }
        for key in ["uncovered", "weak"] {
            for g in array(&report, key) {
                let s = escaped_prose(g["suggestion"].as_str().unwrap());
                assert!(html.contains(&s), "{name}: {key} suggestion {s:?} missing");
            }
        }
        for a in array(&report, "avoided") {
            let rule = escaped(a["rule"].as_str().unwrap());
            assert!(
                html.contains(&format!("<code>{rule}</code>")),
                "{name}: avoided {rule} missing"
            );
        }
    }
}

#[test]
fn a_report_with_gaps_lists_them_with_the_sectors_to_recruit_from() {
    let file = repo().join("scenarios").join("missing-sector.ron");
    let report = solve_json(&file, &[]);
    let html = html_of(&file, &[]);
    let gaps = array(&report, "uncovered");
    assert!(!gaps.is_empty(), "the missing-sector scenario has gaps");
    assert!(html.contains("<section id=\"gaps\">"));
    assert_eq!(
        html.matches(": nobody covers it</title>").count(),
        gaps.len(),
        "the matrix marks each uncovered role"
    );
    for g in gaps {
        let role = g["role"].as_str().unwrap();
        assert!(
            html.contains(&format!("<li data-role=\"{role}\">")),
            "gap {role}"
        );
        for s in g["sectors"].as_array().unwrap() {
            let s = s.as_str().unwrap();
            assert!(
                html.contains(&format!("<span class=\"badge tag\">{s}</span>")),
                "{role}: {s}"
            );
        }
    }
}

#[test]
fn names_from_the_input_never_become_markup() {
    let file = injection();
    for args in [&[][..], &["--variant", "<svg onload=alert('variant')>"][..]] {
        let html = html_of(&file, args);
        for raw in [
            "<script",
            "<img",
            "<svg onload",
            "<b>",
            "</title><",
            "\"Hope\"",
        ] {
            assert!(!html.contains(raw), "{args:?}: {raw} reached the page");
        }
        // The variant removes acme.
        let names = [
            "<script>alert('moh')</script> Ministry",
            "NGO \"Hope\" & 'Care' <img src=x onerror=alert(1)>",
            "**Acme** | [click](http://example.com) <b>bold</b> &amp;",
        ];
        for name in &names[..if args.is_empty() { 3 } else { 2 }] {
            assert!(
                html.contains(&escaped(name)),
                "{args:?}: {name} not shown as text"
            );
        }
        let title = escaped("Injection </title><script>alert('name')</script> & \"quotes\"");
        assert!(html.contains(&format!("<title>{title}")), "{args:?}: title");
        assert!(html.contains(&format!("<h1>{title}")), "{args:?}: heading");
        // Every SVG element is one of the report's own charts.
        let svgs = html.matches("<svg ").count();
        assert_eq!(
            svgs,
            html.matches("<svg xmlns=\"http://www.w3.org/2000/svg\"")
                .count()
        );
    }
    let html = html_of(&file, &["--variant", "<svg onload=alert('variant')>"]);
    assert!(html.contains(&escaped(
        "variant \u{201c}<svg onload=alert('variant')>\u{201d}"
    )));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let first = html_of(&dakar(), &[]);
    for _ in 0..2 {
        assert!(
            first == html_of(&dakar(), &[]),
            "the HTML report changed between runs"
        );
    }
}

#[test]
fn an_infeasible_scenario_shows_its_conflict_before_anything_else() {
    let file = flag_fixture("infeasible_pin.ron");
    let report = solve_json(&file, &[]);
    assert_eq!(report["status"], "infeasible");
    let html = html_of(&file, &[]);
    assert!(html.contains("<span class=\"badge status-infeasible\">infeasible</span>"));
    let conflict = html
        .find("<section id=\"conflict\">")
        .expect("a conflict section");
    let matrix = html
        .find("<section id=\"matrix\">")
        .expect("the matrix of fits and blocks");
    assert!(conflict < matrix, "the conflict comes first");
    for c in array(&report, "conflict") {
        let m = escaped(c["message"].as_str().unwrap());
        assert!(html[conflict..matrix].contains(&m), "conflict item {m:?}");
    }
    assert!(
        !html.contains("<section id=\"assignments\">"),
        "no line-up to explain"
    );
}

#[test]
fn a_variant_is_named_and_its_partner_is_gone() {
    let html = html_of(&dakar(), &["--variant", "without the foundation"]);
    assert!(html.contains("variant \u{201c}without the foundation\u{201d}"));
    assert!(
        cells(&html)
            .iter()
            .all(|c| c["data-partner"] != "foundation")
    );
    assert!(!cells(&html).is_empty());
}

#[test]
fn output_to_a_file_is_the_page_printed_on_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lineup.html");
    rolefit()
        .arg("solve")
        .arg(dakar())
        .args(["--format", "html", "-o"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        html_of(&dakar(), &[])
    );
}

/// A page of another command, as `--format html`.
fn command_html(args: &[&str]) -> String {
    rolefit().args(args).args(["--format", "html"]).stdout_ok()
}

#[test]
fn compare_page_charts_each_line_up_and_lists_every_role() {
    let page = command_html(&["compare", dakar().to_str().unwrap()]);
    for name in [
        "base",
        "without the foundation",
        "with a development bank",
        "without the start-up",
    ] {
        let bars = page.matches(&format!("data-row=\"{name}\"")).count();
        assert_eq!(bars, 2, "{name}: one bar for value, one for coverage");
    }
    let kb = rolefit::default_knowledge_base().expect("built-in rules");
    for role in needed_roles(&dakar()) {
        let name = &kb
            .role(kb.role_by_id(&role).expect("a catalogue role"))
            .name;
        assert!(
            page.contains(&format!("<th scope=\"row\">{name} (")),
            "no row for {role}"
        );
    }
    assert!(
        !page.contains("<script") && !page.contains("src=\"http"),
        "self-contained"
    );
}

#[test]
fn ranking_pages_escape_names_and_show_each_option() {
    let page = command_html(&["fragility", injection().to_str().unwrap()]);
    assert!(
        !page.contains("<script>"),
        "a partner named with a script tag stays text"
    );
    let page = command_html(&["recommend", dakar().to_str().unwrap(), "--role", "research"]);
    assert_eq!(
        page.matches("<li data-subject=").count(),
        9,
        "one entry per partner of the line-up"
    );
}

#[test]
fn funder_pages_show_each_funded_role_and_each_partner() {
    let page = command_html(&[
        "additionality",
        dakar().to_str().unwrap(),
        "--funder",
        "foundation",
    ]);
    assert!(
        page.contains("data-role=\"catalytic_funding\""),
        "the funded role has its row"
    );
    assert!(page.contains("Verdict: "));
    assert!(
        !page.contains("<script") && !page.contains("src=\"http"),
        "self-contained"
    );
    let page = command_html(&["value", dakar().to_str().unwrap()]);
    let partners = page.matches("<tr data-partner=").count();
    assert_eq!(partners, 9, "one row per partner of the line-up");
    let page = command_html(&["value", injection().to_str().unwrap()]);
    assert!(!page.contains("<script>"), "names stay text");
}
