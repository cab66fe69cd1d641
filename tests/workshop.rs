//! `rolefit workshop` end to end, over HTTP against the real binary: the token and the host
//! check, steps with undo and redo and what they moved, malformed requests, the size and rate
//! bounds, two clients at once, Save (atomic, the input kept, `check` passes, `solve --variant`
//! reproduces the wall), the agreement, and Ctrl-C.

mod common;

use common::html::cells;
use common::workshop::Server;
use common::{RunOk, dakar, rolefit};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A copy of the Dakar scenario in a fresh directory (Save writes beside it).
fn dakar_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dakar.ron");
    std::fs::copy(dakar(), &path).unwrap();
    (dir, path)
}

/// `(partner, role, lead)` of every held cell of the wall's matrix.
fn held(html: &str) -> BTreeSet<(String, String, bool)> {
    cells(html)
        .into_iter()
        .filter(|c| c["data-state"] == "lead" || c["data-state"] == "support")
        .map(|c| {
            (
                c["data-partner"].clone(),
                c["data-role"].clone(),
                c["data-state"] == "lead",
            )
        })
        .collect()
}

fn partners_on_the_wall(html: &str) -> BTreeSet<String> {
    cells(html)
        .into_iter()
        .map(|c| c["data-partner"].clone())
        .collect()
}

#[test]
fn every_request_needs_the_token_and_the_printed_host() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let csp = page.csp.clone().expect("a Content-Security-Policy");
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(cells(&page.body).len(), 9 * 15, "the matrix is on the page");
    for (path, headers) in [
        ("/", vec![]),
        ("/?t=0123", vec![]),
        ("/app.js", vec![]),
        ("/api/state", vec![]),
        ("/api/state", vec![("x-rolefit-token", "wrong")]),
        // The page's token in the query does not open the API: only the page's script sends
        // the header, which no other page can set.
        (&format!("/api/state?t={}", s.token) as &str, vec![]),
    ] {
        let a = s.get_raw(path, &headers);
        assert_eq!(a.status, 403, "{path} {headers:?}: {}", a.body);
        assert!(a.json()["error"].as_str().unwrap().contains("token"));
    }
    let rebound = s.get_raw(
        &format!("/?t={}", s.token),
        &[("host", "attacker.example:80")],
    );
    assert_eq!(rebound.status, 403, "a page on another name is refused");
    let no_header = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .post(format!("{}/api/step?t={}", s.base, s.token))
        .send("{}")
        .unwrap();
    assert_eq!(
        no_header.status().as_u16(),
        403,
        "a form post cannot drive the session"
    );
}

#[test]
fn steps_undo_and_redo_move_the_wall_and_say_what_moved() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    let start = s.get("/api/state");
    assert_eq!(start.revision(), 0);
    let before = held(&start.html());

    let out = s.step(0, json!({"op": "remove", "partner": "foundation"}));
    assert_eq!(out.status, 200, "{}", out.body);
    assert_eq!(out.json()["cursor"], 1);
    let html = out.html();
    assert!(
        !partners_on_the_wall(&html).contains("foundation"),
        "its column goes"
    );
    for role in ["catalytic_funding", "capacity_building", "convening"] {
        assert!(
            html.contains(&format!("<li data-role=\"{role}\">")),
            "{role} is listed as moved"
        );
    }
    assert!(html.contains("without foundation"), "the step is listed");

    let pin = s.step(
        out.revision(),
        json!({"op": "cell", "action": "pin", "partner": "relais", "role": "programme_coordination"}),
    );
    assert_eq!(pin.status, 200, "{}", pin.body);
    let cell = cells(&pin.html())
        .into_iter()
        .find(|c| c["data-partner"] == "relais" && c["data-role"] == "programme_coordination")
        .unwrap();
    assert_eq!(cell["data-pinned"], "true");
    assert_eq!(
        cell["data-flag"], "medium",
        "the pin raises a role_mismatch flag"
    );

    let undo = s.post("/api/undo", &json!({"revision": pin.revision()}));
    assert_eq!(undo.status, 200);
    assert_eq!(held(&undo.html()), held(&out.html()), "undo is exact");
    assert!(undo.html().contains("undid"), "{}", undo.html());
    let redo = s.post("/api/redo", &json!({"revision": undo.revision()}));
    assert_eq!(held(&redo.html()), held(&pin.html()));
    let nothing = s.post("/api/redo", &json!({"revision": redo.revision()}));
    assert_eq!(nothing.status, 422);
    assert!(
        nothing.json()["error"]
            .as_str()
            .unwrap()
            .contains("nothing to redo")
    );

    // Back to the start: the line-up is the original one.
    let mut r = redo.revision();
    for _ in 0..2 {
        let a = s.post("/api/undo", &json!({"revision": r}));
        assert_eq!(a.status, 200);
        r = a.revision();
    }
    assert_eq!(held(&s.get("/api/state").html()), before);
    // A new step after undo drops the steps that could have been redone.
    let branch = s.step(
        r,
        json!({"op": "capacity", "partner": "ucad", "value": "3"}),
    );
    assert_eq!(branch.json()["steps"], 1);
}

#[test]
fn a_stale_tab_is_refused_with_the_latest_state() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    let first = s.step(0, json!({"op": "remove", "partner": "relais"}));
    assert_eq!(first.status, 200);
    let stale = s.step(0, json!({"op": "remove", "partner": "ucad"}));
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(
        stale.json()["error"]
            .as_str()
            .unwrap()
            .contains("another tab")
    );
    assert_eq!(stale.json()["state"]["revision"], first.revision());
    assert!(
        partners_on_the_wall(&stale.html()).contains("ucad"),
        "the stale change was not applied"
    );
    let unchanged = s.get(&format!("/api/state?since={}", first.revision()));
    assert_eq!(
        unchanged.status, 204,
        "a poll on the latest revision costs nothing"
    );
}

#[test]
fn malformed_requests_get_a_clear_error_and_the_server_lives_on() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("/api/step", "not json".into(), 400, "parse"),
        ("/api/step", "{}".into(), 422, "missing field"),
        ("/api/step", json!({"revision": 0, "change": {"op": "teleport"}}).to_string(), 422, "unknown variant"),
        ("/api/step", json!({"revision": "x", "change": {"op": "remove", "partner": "ucad"}}).to_string(), 422, "invalid type"),
        ("/api/step", json!({"revision": 0, "change": {"op": "remove", "partner": "ucda"}}).to_string(), 422, "did you mean `ucad`"),
        ("/api/step", json!({"revision": 0, "change": {"op": "cell", "action": "pin", "partner": "ucad", "role": "reserch"}}).to_string(), 422, "did you mean `research`"),
        // The operator refuses outreach: the cell offers nothing, and the API agrees.
        ("/api/step", json!({"revision": 0, "change": {"op": "cell", "action": "pin", "partner": "mobile_operator", "role": "community_outreach"}}).to_string(), 422, "not something the cell"),
        ("/api/step", json!({"revision": 0, "change": {"op": "capacity", "partner": "ucad", "value": 2.5}}).to_string(), 422, "whole number"),
        ("/api/step", json!({"revision": 0, "change": {"op": "capacity", "partner": "ucad", "value": 1000}}).to_string(), 422, "limit"),
        ("/api/step", json!({"revision": 0, "change": {"op": "capability", "partner": "ucad", "capability": "research_excellence", "value": 7}}).to_string(), 422, "between 0 and 1"),
        ("/api/step", json!({"revision": 0, "change": {"op": "variant", "name": "nope"}}).to_string(), 422, "no variant"),
        ("/api/step", json!({"revision": 0, "change": {"op": "bring", "candidate": "nobody"}}).to_string(), 422, "no candidate"),
        ("/api/undo", json!({"revision": 0}).to_string(), 422, "nothing to undo"),
        ("/api/save", json!({"revision": 0, "name": "  "}).to_string(), 422, "name"),
        ("/api/step", format!("{{\"revision\": 0, \"change\": {{\"op\": \"remove\", \"partner\": \"{}\"}}}}", "x".repeat(20_000)), 413, ""),
    ];
    for (path, body, status, says) in cases {
        let a = s.post_text(path, &body);
        assert_eq!(
            a.status,
            status,
            "{path} {}: {}",
            &body[..body.len().min(120)],
            a.body
        );
        if !says.is_empty() {
            let e = a.json()["error"].as_str().unwrap().to_string();
            assert!(e.contains(says), "{body:.120}: {e}");
        }
    }
    assert_eq!(s.get("/nowhere").status, 404);
    assert_eq!(s.get("/api/partner?id=nobody").status, 404);
    assert_eq!(s.get("/api/partner").status, 400);
    assert_eq!(s.get("/agreement?format=pdf").status, 400);
    assert_eq!(s.post("/api/state", &json!({})).status, 405);
    let state = s.get("/api/state");
    assert_eq!(state.status, 200);
    assert_eq!(
        state.revision(),
        0,
        "no refused request changed the session"
    );
}

#[test]
fn requests_beyond_the_rate_limit_get_429_then_pass_again() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    let r = s.revision();
    let statuses: Vec<u16> = (0..150)
        .map(|_| s.get(&format!("/api/state?since={r}")).status)
        .collect();
    assert!(statuses.contains(&204));
    let limited = statuses.iter().filter(|&&c| c == 429).count();
    assert!(limited > 0, "150 requests at once go over the burst of 60");
    let a = s.get(&format!("/api/state?since={r}"));
    if a.status == 429 {
        assert_eq!(a.retry_after.as_deref(), Some("1"));
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(s.get("/api/state").status, 200, "the bucket refills");
}

#[test]
fn two_clients_at_once_never_corrupt_the_session() {
    let (_dir, path) = dakar_copy();
    let s = std::sync::Arc::new(Server::start(&path, &[]));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                let mut applied = 0;
                for k in 0..12 {
                    let r = s.revision();
                    let value = 2 + (k + t) % 2;
                    let a = s.step(
                        r,
                        json!({"op": "capacity", "partner": "ucad", "value": value}),
                    );
                    match a.status {
                        200 => applied += 1,
                        409 => {}
                        other => panic!("unexpected {other}: {}", a.body),
                    }
                    // Each client waits a little, as a person would; the bucket allows the rest.
                    std::thread::sleep(std::time::Duration::from_millis(40));
                }
                applied
            })
        })
        .collect();
    let applied: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let state = s.get("/api/state").json();
    assert_eq!(
        state["revision"].as_u64().unwrap(),
        applied,
        "one revision per applied step"
    );
    assert_eq!(state["cursor"].as_u64().unwrap(), applied);
}

/// Steps whose line-up Save must write as a variant: a partner out, a candidate-free pin,
/// capacity and capability changes, a role kept out.
fn decide(s: &Server) -> u64 {
    let mut r = 0;
    for change in [
        json!({"op": "remove", "partner": "foundation"}),
        json!({"op": "cell", "action": "pin", "partner": "ville_dakar", "role": "programme_coordination"}),
        json!({"op": "capacity", "partner": "ucad", "value": 3}),
        json!({"op": "capability", "partner": "ucad", "capability": "research_excellence", "value": 0.95}),
        json!({"op": "cell", "action": "forbid", "partner": "relais", "role": "health_education"}),
        json!({"op": "want", "partner": "cardio_society", "role": "capacity_building", "wanted": "true"}),
    ] {
        let a = s.step(r, change.clone());
        assert_eq!(a.status, 200, "{change}: {}", a.body);
        r = a.revision();
    }
    r
}

fn solve_variant(path: &Path, name: &str) -> BTreeSet<(String, String, bool)> {
    let out = rolefit()
        .args([
            "solve",
            path.to_str().unwrap(),
            "--variant",
            name,
            "--format",
            "json",
        ])
        .stdout_ok();
    let v: Value = serde_json::from_slice(out.as_bytes()).unwrap();
    v["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["partner"].as_str().unwrap().to_string(),
                a["role"].as_str().unwrap().to_string(),
                a["lead"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn save_writes_a_variant_that_check_accepts_and_solve_reproduces() {
    let (dir, path) = dakar_copy();
    let original = std::fs::read_to_string(&path).unwrap();
    let s = Server::start(&path, &[]);
    let r = decide(&s);
    let wall = held(&s.get("/api/state").html());

    let saved = s.post(
        "/api/save",
        &json!({"revision": r, "name": "agreed in the room"}),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.html().contains("Saved variant"), "the page says so");
    let kept = dir.path().join("dakar.ron.orig");
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        original,
        "the input is kept"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(&original[..original.find("    variants: [").unwrap()]),
        "the rest of the file is untouched"
    );
    rolefit().arg("check").arg(&path).assert().success();
    assert_eq!(
        solve_variant(&path, "agreed in the room"),
        wall,
        "solve --variant reproduces the wall"
    );

    // Saving again under the same name replaces the variant; the first copy stays the original.
    let r2 = s
        .step(
            saved.revision(),
            json!({"op": "capacity", "partner": "ucad", "value": 2}),
        )
        .revision();
    let again = s.post(
        "/api/save",
        &json!({"revision": r2, "name": "agreed in the room"}),
    );
    assert_eq!(again.status, 200, "{}", again.body);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("agreed in the room").count(), 1, "{text}");
    assert!(!dir.path().join("dakar.ron.orig.1").exists());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), original);
    assert_eq!(
        solve_variant(&path, "agreed in the room"),
        held(&s.get("/api/state").html())
    );
    // A variant someone wrote by hand is never replaced.
    let taken = s.post(
        "/api/save",
        &json!({"revision": again.revision(), "name": "without the foundation"}),
    );
    assert_eq!(taken.status, 422);
    assert!(
        taken.json()["error"]
            .as_str()
            .unwrap()
            .contains("choose another name")
    );
    // The saved variant is one the page can start from.
    assert!(again.html().contains("data-name=\"agreed in the room\""));
    // No temporary file is left.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn save_to_another_file_leaves_the_input_alone() {
    let (dir, path) = dakar_copy();
    let original = std::fs::read_to_string(&path).unwrap();
    let target = dir.path().join("after-workshop.ron");
    let s = Server::start(&path, &["--save", target.to_str().unwrap()]);
    let r = decide(&s);
    let wall = held(&s.get("/api/state").html());
    let saved = s.post("/api/save", &json!({"revision": r, "name": "room"}));
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    assert!(!dir.path().join("dakar.ron.orig").exists());
    rolefit().arg("check").arg(&target).assert().success();
    assert_eq!(solve_variant(&target, "room"), wall);
}

#[test]
fn the_agreement_of_the_wall_is_served_as_a_page_and_as_markdown() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    s.step(0, json!({"op": "remove", "partner": "foundation"}));
    let page = s.get("/agreement?format=html");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Roles and responsibilities"));
    assert!(
        !page.body.contains("<script"),
        "the printable page has no script"
    );
    assert!(
        !page.body.contains("data-partner=\"foundation\""),
        "it is the wall's line-up"
    );
    let md = s.get("/agreement?format=markdown");
    assert_eq!(md.status, 200);
    assert!(md.content_type.starts_with("text/markdown"));
    assert!(md.body.contains("## 2. Roles and responsibilities (RACI)"));
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    assert_eq!(
        s.step(0, json!({"op": "remove", "partner": "ucad"})).status,
        200
    );
    let (status, stderr) = s.interrupt();
    assert!(status.success(), "exit {status}: {stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    assert!(stderr.contains("1 step(s)) was not saved"), "{stderr}");
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    let r = s
        .step(0, json!({"op": "remove", "partner": "ucad"}))
        .revision();
    assert_eq!(
        s.post("/api/save", &json!({"revision": r, "name": "kept"}))
            .status,
        200
    );
    let (status, stderr) = s.interrupt();
    assert!(status.success());
    assert!(!stderr.contains("not saved"), "{stderr}");
}

#[test]
fn bad_arguments_are_refused_before_listening() {
    rolefit()
        .args(["workshop", dakar().to_str().unwrap(), "--variant", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no variant named"));
    rolefit()
        .args(["workshop", dakar().to_str().unwrap(), "--listen", "here"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("ADDRESS:PORT"));
}

/// The text of the `<section id="ID">` of an HTML page, tags and all.
fn section(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("<section id=\"{id}\""))?;
    let len = html[start..].find("</section>")? + "</section>".len();
    Some(html[start..start + len].to_string())
}

#[test]
fn the_wall_shows_the_close_calls_and_margins_that_solve_reports() {
    let (_dir, path) = dakar_copy();
    let s = Server::start(&path, &[]);
    let wall = s.get("/api/state").html();
    let report = rolefit()
        .args(["solve", path.to_str().unwrap(), "--format", "html"])
        .output()
        .unwrap();
    assert!(report.status.success());
    let report = String::from_utf8(report.stdout).unwrap();
    let calls = section(&wall, "close-calls").expect("a close-calls section on the wall");
    assert_eq!(
        Some(calls.clone()),
        section(&report, "close-calls"),
        "the same assessment as solve's"
    );
    assert!(
        calls.contains("data-role=\"data_and_analytics\""),
        "Dakar's close call is listed: {calls}"
    );
    assert!(wall.contains("margin"), "assignments give their margins");

    // A step that makes the role firm says so under What moved.
    let firm = s.step(
        0,
        json!({"op": "capability", "partner": "teranga_health", "capability": "data_and_analytics", "value": 0.95}),
    );
    assert_eq!(firm.status, 200, "{}", firm.body);
    let moved = section(&firm.html(), "moved").expect("what moved");
    assert!(
        moved.contains("<li data-role=\"data_and_analytics\" data-partner=\"teranga_health\">")
            && moved.contains("Close calls settled"),
        "{moved}"
    );
    let undo = s.post("/api/undo", &json!({"revision": firm.revision()}));
    assert!(
        section(&undo.html(), "moved")
            .unwrap()
            .contains("New close calls"),
        "undo brings it back"
    );

    // After a step the assessment follows the new line-up.
    let out = s.step(
        undo.revision(),
        json!({"op": "remove", "partner": "mobile_operator"}),
    );
    assert_eq!(out.status, 200, "{}", out.body);
    let after = section(&out.html(), "close-calls").expect("close calls after the step");
    assert!(
        !after.contains("over mobile_operator"),
        "the removed partner is nobody's runner-up: {after}"
    );

    let off = Server::start(&path, &["--robustness-samples", "0"]);
    assert!(
        section(&off.get("/api/state").html(), "close-calls").is_none(),
        "--robustness-samples 0 turns the assessment off"
    );
    let bad = rolefit()
        .args(["workshop", path.to_str().unwrap(), "--close-call", "2"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("close-call threshold"));
}
