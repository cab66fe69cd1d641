//! `rolefit brief`: one page per partner answering the framework's four guiding questions from
//! its sector's profile, its own data and the recommended line-up, in Markdown and HTML.

mod common;

use common::html::{escaped, tags};
use common::{RunOk, array, dakar, flag_fixture, repo, rolefit, shipped_scenarios, solve_json};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const QUESTIONS: [&str; 4] = [
    "### 1. Motivation: why would it join?",
    "### 2. Competencies: what does it bring, and what do others bring that it lacks?",
    "### 3. Risks: what could go wrong for it in this line-up?",
    "### 4. Success: how will it judge the partnership, and how do its partners?",
];

fn brief(path: &Path, args: &[&str]) -> String {
    rolefit().arg("brief").arg(path).args(args).stdout_ok()
}

/// The Markdown pages, each from its `## ` heading to the next rule.
fn pages(md: &str) -> Vec<&str> {
    md.split("\n---\n\n").skip(1).collect()
}

/// The page of the partner whose id line is `` `id` ``.
fn page<'a>(md: &'a str, id: &str) -> &'a str {
    pages(md)
        .into_iter()
        .find(|p| p.contains(&format!("\n\n`{id}` · ")))
        .unwrap_or_else(|| panic!("no page for {id}"))
}

fn injection() -> PathBuf {
    repo()
        .join("tests")
        .join("fixtures")
        .join("html")
        .join("injection.ron")
}

#[test]
fn every_partner_gets_a_page_answering_the_four_questions_in_order() {
    for file in shipped_scenarios() {
        let name = file.display();
        let report = solve_json(&file, &[]);
        let md = brief(&file, &[]);
        let partners = array(&report, "partners");
        let pages = pages(&md);
        assert_eq!(pages.len(), partners.len(), "{name}: one page per partner");
        for (p, text) in partners.iter().zip(&pages) {
            let id = p["id"].as_str().unwrap();
            assert!(text.starts_with("## "), "{name}: page of {id}");
            assert!(
                text.contains(&format!("`{id}`")),
                "{name}: pages in the scenario's order, {id}"
            );
            let at: Vec<usize> = QUESTIONS
                .iter()
                .map(|q| {
                    text.find(q)
                        .unwrap_or_else(|| panic!("{name}, {id}: {q} missing"))
                })
                .collect();
            assert!(
                at.windows(2).all(|w| w[0] < w[1]),
                "{name}, {id}: questions in order"
            );
        }
    }
}

#[test]
fn dakar_brief_answers_from_the_sector_profile_the_partner_and_the_line_up() {
    let md = brief(&dakar(), &[]);
    assert!(md.starts_with("# Dialogue brief: CARDIO4Cities Dakar\n"));

    let msas = page(&md, "msas");
    assert!(msas.contains(
        "roles: Policy framework (lead, pinned, fit 0.85); Public financing (lead, fit 0.65)"
    ));
    assert!(msas.contains("Its sector's motives (Table 1, government, motives for collaboration)"));
    assert!(msas.contains("- **Cost containment**: served by Policy framework, Public financing"));
    assert!(msas.contains(
        "Its sector's rewards (Table 1, government, important rewards): Public perception, Votes."
    ));
    assert!(msas.contains(
        "- Business (teranga\\_health, mobile\\_operator): Turnover, Market share, Sales"
    ));
    // A stated strength below its type's (or sector's) default is pointed out.
    assert!(msas.contains(
        "Weaker than its type or sector usually is: Healthcare funding resources 0.60 (default 0.80)"
    ));

    // The idle city: no role, the flag that says so with its rule and source, and what it could take.
    let city = page(&md, "ville_dakar");
    assert!(city.contains("roles: none in this line-up"));
    assert!(city.contains("It holds no role in this line-up"));
    assert!(city.contains("rule `idle_partner`; Seed 002, guiding questions"));
    assert!(city.contains("It could also take: Programme coordination (fit 0.60; now rm\\_dakar)"));
    // What it does not state is shown as assumed, from its organisation type.
    assert!(city.contains("| Local focus &amp; expertise | 0.70 assumed | 0.70 |  |"));

    // What a partner lacks (counted as it counts toward fit), and who supplies it.
    let society = page(&md, "cardio_society");
    assert!(society.contains(
        "- Community outreach needs Community access and outreach (50% of the role), where it has 0.34: Network of community health workers \\(relais communautaires\\) (`relais`, 0.95) brings it on the same role"
    ));

    // A Table 1 risk that a rule raises in this line-up.
    let operator = page(&md, "mobile_operator");
    assert!(
        operator
            .contains("- Market uncertainty: **raised here** by `business_platform_continuity`")
    );
    assert!(
        operator.contains("- Reputation: not raised (watched by `business_regulatory_authority`")
    );
    assert!(operator.contains("rule `business_platform_continuity`; Table 1, business, collaboration risks: market uncertainty"));
}

#[test]
fn a_partner_needing_what_nobody_has_is_told_whom_to_recruit() {
    let md = brief(&repo().join("scenarios").join("drift-pressure.ron"), &[]);
    assert!(
        md.contains("nobody in the line-up is strong in it: recruit from business"),
        "{md}"
    );
    assert!(
        md.contains("**raised here** by `civil_society_"),
        "a civil society risk is raised"
    );
}

#[test]
fn the_html_brief_has_one_page_per_partner_with_four_questions_and_a_chart() {
    let report = solve_json(&dakar(), &[]);
    let html = brief(&dakar(), &["--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    for banned in ["<script", "<link", "<img", "src=", "url(", "href=\"http"] {
        assert!(!html.contains(banned), "{banned} in a self-contained page");
    }
    let pages = tags(&html, "section", "page");
    let ids: Vec<&str> = pages.iter().map(|p| p["data-partner"].as_str()).collect();
    let partners: Vec<&str> = array(&report, "partners")
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, partners);
    let questions = tags(&html, "div", "question");
    assert_eq!(questions.len(), 4 * partners.len());
    for (k, q) in questions.iter().enumerate() {
        assert_eq!(q["data-question"], (k % 4 + 1).to_string());
    }
    assert_eq!(
        html.matches("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\"")
            .count(),
        partners.len()
    );
    assert!(
        html.contains(".page { break-before: page;"),
        "each partner prints on a new page"
    );
    assert!(html.contains("<a href=\"#partner-msas\">Ministry of Health and Social Action</a>"));
    assert!(html.contains("<li data-risk=\"market_uncertainty\" data-state=\"raised\">"));
}

#[test]
fn partner_picks_pages_and_keeps_the_overview() {
    let md = brief(&dakar(), &["--partner", "ucad", "--partner", "relais"]);
    let pages = pages(&md);
    assert_eq!(pages.len(), 2);
    assert!(
        pages[0].contains("`relais`") && pages[1].contains("`ucad`"),
        "scenario order"
    );
    assert!(
        md.contains("| City of Dakar (`ville_dakar`) | Government | none |"),
        "the overview lists everyone"
    );
}

#[test]
fn an_unknown_partner_is_a_usage_error_with_a_suggestion() {
    rolefit()
        .args(["brief"])
        .arg(dakar())
        .args(["--partner", "ucda"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--partner \"ucda\"")
                .and(predicate::str::contains("did you mean \"ucad\"?")),
        );
}

#[test]
fn an_unknown_variant_is_a_usage_error_listing_the_close_one() {
    rolefit()
        .args(["brief"])
        .arg(dakar())
        .args(["--variant", "without the fundation"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean \"without the foundation\"?",
        ));
}

#[test]
fn a_variant_brief_names_it_and_drops_the_partner_who_left() {
    let md = brief(&dakar(), &["--variant", "without the foundation"]);
    assert!(md.contains("*Variant:* without the foundation"));
    assert!(!md.contains("`foundation`"));
}

#[test]
fn invalid_input_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    std::fs::write(&path, "Scenario(\n    name: \"x\",\n    needs: [Need(role: \"policy_framewrk\")],\n    partners: [],\n)\n").unwrap();
    rolefit()
        .arg("brief")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("bad.ron:3:")
                .and(predicate::str::contains("policy_framework")),
        );
    rolefit()
        .arg("brief")
        .arg(dakar())
        .args(["--format", "json"])
        .assert()
        .code(2);
}

#[test]
fn an_infeasible_scenario_briefs_from_the_profiles_and_shows_the_conflict() {
    let file = flag_fixture("infeasible_pin.ron");
    let report = solve_json(&file, &[]);
    let md = brief(&file, &[]);
    assert!(md.contains("**No line-up:**"));
    let overview = md.split("\n## The line-up").next().unwrap();
    let items = overview.lines().filter(|l| l.starts_with("- ")).count();
    assert_eq!(
        items,
        array(&report, "conflict").len(),
        "every conflicting demand is listed"
    );
    assert!(overview.contains("- Regulatory consultancy is pinned to policy framework (scenario"));
    let pages = pages(&md);
    assert_eq!(pages.len(), array(&report, "partners").len());
    for p in pages {
        assert!(p.contains("roles: no line-up (the demands conflict)"));
        assert!(
            !p.contains("not served by its roles"),
            "nothing to say about roles held"
        );
        assert!(p.contains(QUESTIONS[3]));
    }
    let html = brief(&file, &["--format", "html"]);
    assert!(html.contains("<div class=\"conflict\">"));
}

#[test]
fn names_from_the_input_stay_text_in_both_formats() {
    let md = brief(&injection(), &[]);
    for raw in ["<script", "<img", "<b>", "[click](http"] {
        assert!(!md.contains(raw), "{raw} reached the Markdown brief");
    }
    assert!(md.contains("&lt;script\\>alert\\('moh'\\)&lt;/script\\> Ministry"));
    let html = brief(&injection(), &["--format", "html"]);
    for raw in ["<script", "<img", "<b>", "<svg onload"] {
        assert!(!html.contains(raw), "{raw} reached the HTML brief");
    }
    assert!(html.contains(&escaped(
        "NGO \"Hope\" & 'Care' <img src=x onerror=alert(1)>"
    )));
}

#[test]
fn the_same_input_gives_the_same_bytes_and_o_writes_them() {
    for format in ["markdown", "html"] {
        let first = brief(&dakar(), &["--format", format]);
        assert!(
            first == brief(&dakar(), &["--format", format]),
            "{format} changed between runs"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brief.out");
        rolefit()
            .arg("brief")
            .arg(dakar())
            .args(["--format", format, "-o"])
            .arg(&path)
            .assert()
            .success()
            .stdout("");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
    }
}

#[test]
fn the_scenario_can_come_from_standard_input() {
    let text = std::fs::read_to_string(dakar()).unwrap();
    let out = rolefit().args(["brief", "-"]).write_stdin(text).stdout_ok();
    assert_eq!(out, brief(&dakar(), &[]));
}

#[test]
fn a_sector_added_as_data_is_briefed_from_its_own_profile() {
    let dir = repo().join("tests").join("fixtures").join("brief");
    let scenario = dir.join("patients.ron");
    let rules = dir.join("rules");
    rolefit()
        .arg("brief")
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("patient_organisation"));
    let md = brief(&scenario, &["--rules", rules.to_str().unwrap()]);
    let patients = page(&md, "patients");
    assert!(patients.contains(
        "Its sector's motives (Workshop profile, patient organisation, motives for collaboration)"
    ));
    assert!(
        patients.contains("- **Health equity**: served by Community outreach; shared with moh")
    );
    assert!(patients.contains("- Patient voice: not served by its roles"));
    assert!(patients.contains("- Co-optation: no rule watches it: discuss it"));
    assert!(
        patients.contains(
            "(Workshop profile, patient organisation, important rewards): Members heard."
        )
    );
    assert!(patients.contains("- Government (moh): Public perception, Votes"));
}
