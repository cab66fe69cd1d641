//! The HTML reports in a real browser: headless Chromium loads them from disk, and we check what
//! a facilitator relies on. The page loads with no console message at all (the reports carry no
//! script, so any message is an error: a blocked load, a parse problem), the rendered matrix has
//! exactly one cell per partner and role, injected names stay text in the live DOM, the brief
//! prints one page per partner, and screenshots of a shipped scenario are kept as artefacts
//! under `<target>/test-artefacts/`.
//!
//! These tests need Chromium (Debian: `apt-get install chromium`; or set `ROLEFIT_CHROMIUM` to a
//! Chromium or Chrome binary), so they are ignored by default. `.ci/run` installs it and runs
//! `cargo test --test browser -- --ignored`.

mod common;

use common::html::cells;
use common::{array, dakar, repo, rolefit, solve_json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(120);

/// A headless Chromium that reaches nothing but the file it is given.
struct Browser {
    exe: PathBuf,
}

/// What one browser run printed.
struct Run {
    stdout: Vec<u8>,
    stderr: String,
}

impl Browser {
    fn find() -> Browser {
        if let Some(exe) = std::env::var_os("ROLEFIT_CHROMIUM") {
            return Browser { exe: exe.into() };
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for dir in std::env::split_paths(&path) {
            for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
                let exe = dir.join(name);
                if exe.is_file() {
                    return Browser { exe };
                }
            }
        }
        panic!("no Chromium found: install it (apt-get install chromium) or set ROLEFIT_CHROMIUM");
    }

    /// Loads `page` with `args` in a fresh profile, with console messages logged to stderr.
    fn run(&self, page: &Path, args: &[String]) -> Run {
        let profile = tempfile::tempdir().expect("a temporary profile directory");
        let url = format!(
            "file://{}",
            page.canonicalize().expect("the page exists").display()
        );
        let mut child = Command::new(&self.exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg(&url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.exe.display()));
        // Read both pipes on their own threads so a chatty browser never blocks on a full pipe.
        let mut out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let out = std::thread::spawn(move || {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut out, &mut v).map(|_| v)
        });
        let err = std::thread::spawn(move || {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut err, &mut v).map(|_| v)
        });
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("waiting for the browser") {
                break status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{} did not finish within {TIMEOUT:?} on {url}",
                    self.exe.display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stdout = out.join().expect("stdout reader").expect("browser stdout");
        let stderr =
            String::from_utf8_lossy(&err.join().expect("stderr reader").expect("browser stderr"))
                .into_owned();
        assert!(
            status.success(),
            "{} failed on {url} ({status}):\n{stderr}",
            self.exe.display()
        );
        Run { stdout, stderr }
    }

    /// The DOM after loading, as the browser serialises it.
    fn dom(&self, page: &Path) -> (String, Vec<String>) {
        let run = self.run(page, &["--dump-dom".to_string()]);
        let dom = String::from_utf8(run.stdout).expect("UTF-8 DOM");
        assert!(
            dom.contains("</html>"),
            "no DOM dumped for {}:\n{}",
            page.display(),
            run.stderr
        );
        (dom, console_messages(&run.stderr))
    }
}

/// The page's console messages (Chromium logs them as `...:CONSOLE:<line>] "message", source: ...`).
fn console_messages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect()
}

/// Writes rolefit's output for `args` to `dir/name` and returns the path.
fn render(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let path = dir.join(name);
    rolefit().args(args).arg("-o").arg(&path).assert().success();
    path
}

/// Where screenshots are kept: `<target>/test-artefacts/`.
fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("test-artefacts");
    std::fs::create_dir_all(&dir).expect("an artefact directory");
    dir
}

/// Width and height from a PNG's header, after checking its signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG"
    );
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// The roles a scenario needs, from its `Need(role: "...")` entries.
fn needed_roles(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .expect("a readable scenario")
        .matches("Need(role: \"")
        .count()
}

#[test]
#[ignore = "needs headless Chromium (apt-get install chromium); .ci/run runs it"]
fn the_console_check_sees_errors_and_blocked_loads() {
    // Without this, a browser that stopped logging would make the other tests pass vacuously.
    let browser = Browser::find();
    let dir = tempfile::tempdir().unwrap();
    let page = render(
        dir.path(),
        "dakar.html",
        &["solve", dakar().to_str().unwrap(), "--format", "html"],
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let broken = dir.path().join("broken.html");
    std::fs::write(
        &broken,
        html.replace(
            "</main>",
            "<img src=\"http://example.invalid/x.png\" alt=\"\"><script>console.error('boom')</script></main>",
        ),
    )
    .unwrap();
    let (_, messages) = browser.dom(&broken);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Content Security Policy")),
        "a network load from the report is blocked and reported: {messages:#?}"
    );
    assert!(
        messages.len() >= 2,
        "both the image and the script are refused: {messages:#?}"
    );
}

#[test]
#[ignore = "needs headless Chromium (apt-get install chromium); .ci/run runs it"]
fn every_shipped_report_loads_cleanly_with_one_cell_per_partner_and_role() {
    let browser = Browser::find();
    let dir = tempfile::tempdir().unwrap();
    for file in common::shipped_scenarios() {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let page = render(
            dir.path(),
            &format!("{name}.html"),
            &["solve", file.to_str().unwrap(), "--format", "html"],
        );
        let (dom, messages) = browser.dom(&page);
        assert!(
            messages.is_empty(),
            "{name}: console messages:\n{}",
            messages.join("\n")
        );
        let partners = array(&solve_json(&file, &[]), "partners").len();
        let roles = needed_roles(&file);
        let cells = cells(&dom);
        assert_eq!(
            cells.len(),
            partners * roles,
            "{name}: one rendered cell per partner and role"
        );
        let mut pairs: Vec<(&str, &str)> = cells
            .iter()
            .map(|c| (c["data-partner"].as_str(), c["data-role"].as_str()))
            .collect();
        pairs.sort();
        pairs.dedup();
        assert_eq!(pairs.len(), cells.len(), "{name}: no cell twice");
        assert!(
            !dom.contains("<script"),
            "{name}: no script in the live page"
        );
    }
}

#[test]
#[ignore = "needs headless Chromium (apt-get install chromium); .ci/run runs it"]
fn the_brief_loads_cleanly_and_prints_one_page_per_partner() {
    let browser = Browser::find();
    let dir = tempfile::tempdir().unwrap();
    let scenarios = common::shipped_scenarios();
    assert!(scenarios.len() >= 5, "the shipped scenarios are found");
    for scenario in &scenarios {
        let name = scenario.file_stem().unwrap().to_string_lossy().to_string();
        let page = render(
            dir.path(),
            &format!("{name}-brief.html"),
            &["brief", scenario.to_str().unwrap(), "--format", "html"],
        );
        let (dom, messages) = browser.dom(&page);
        assert!(
            messages.is_empty(),
            "{name}: console messages:\n{}",
            messages.join("\n")
        );
        let partners = array(&solve_json(scenario, &[]), "partners").len();
        assert_eq!(
            common::html::tags(&dom, "section", "page").len(),
            partners,
            "{name}: one section per partner"
        );

        let pdf = dir.path().join(format!("{name}-brief.pdf"));
        browser.run(
            &page,
            &[
                "--no-pdf-header-footer".to_string(),
                format!("--print-to-pdf={}", pdf.display()),
            ],
        );
        let bytes = std::fs::read(&pdf).expect("a printed PDF");
        assert!(bytes.starts_with(b"%PDF"), "{name}: not a PDF");
        // Page objects are `/Type /Page`; the page tree is `/Type /Pages`.
        let text = String::from_utf8_lossy(&bytes);
        let pages = text
            .match_indices("/Type /Page")
            .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
            .count();
        assert_eq!(
            pages,
            partners + 1,
            "{name}: the overview, then one printed page per partner"
        );
    }
}

#[test]
#[ignore = "needs headless Chromium (apt-get install chromium); .ci/run runs it"]
fn injected_names_stay_text_in_the_live_page() {
    let browser = Browser::find();
    let dir = tempfile::tempdir().unwrap();
    let fixture = repo()
        .join("tests")
        .join("fixtures")
        .join("html")
        .join("injection.ron");
    for (name, args) in [
        (
            "solve.html",
            vec!["solve", fixture.to_str().unwrap(), "--format", "html"],
        ),
        (
            "brief.html",
            vec!["brief", fixture.to_str().unwrap(), "--format", "html"],
        ),
        (
            "agreement.html",
            vec!["agreement", fixture.to_str().unwrap(), "--format", "html"],
        ),
    ] {
        let page = render(dir.path(), name, &args);
        let (dom, messages) = browser.dom(&page);
        // An injected script or image would be refused by the page's policy, and logged.
        assert!(
            messages.is_empty(),
            "{name}: console messages:\n{}",
            messages.join("\n")
        );
        for element in ["<script", "<img", "<b>", "<svg onload"] {
            assert!(
                !dom.contains(element),
                "{name}: {element} became an element"
            );
        }
        assert!(
            dom.contains("&lt;script&gt;alert('moh')&lt;/script&gt; Ministry"),
            "{name}: the name is shown as text"
        );
    }
}

#[test]
#[ignore = "needs headless Chromium (apt-get install chromium); .ci/run runs it"]
fn screenshots_of_a_shipped_scenario_are_kept() {
    let browser = Browser::find();
    let out = artefacts();
    let dir = tempfile::tempdir().unwrap();
    for (name, args, size) in [
        (
            "dakar-solve",
            vec!["solve", dakar().to_str().unwrap(), "--format", "html"],
            (1280, 2000),
        ),
        (
            "dakar-brief",
            vec!["brief", dakar().to_str().unwrap(), "--format", "html"],
            (1280, 2400),
        ),
    ] {
        let page = render(dir.path(), &format!("{name}.html"), &args);
        let shot = out.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&shot);
        browser.run(
            &page,
            &[
                format!("--screenshot={}", shot.display()),
                format!("--window-size={},{}", size.0, size.1),
            ],
        );
        let bytes = std::fs::read(&shot)
            .unwrap_or_else(|e| panic!("no screenshot {}: {e}", shot.display()));
        assert_eq!(
            png_size(&bytes),
            size,
            "{name}: the screenshot has the window's size"
        );
        assert!(
            bytes.len() > 20_000,
            "{name}: a screenshot of a rendered page, not a blank one"
        );
        std::fs::copy(&page, out.join(format!("{name}.html"))).expect("the page kept beside it");
        println!("screenshot: {}", shot.display());
    }
}

/// The held cells of the live page, `(partner, role, lead)`.
fn held_in_page(d: &common::webdriver::Driver) -> Vec<(String, String, bool)> {
    let v = d.run(
        "return [...document.querySelectorAll('#app .cell')].filter(c => c.dataset.state === 'lead' || c.dataset.state === 'support').map(c => [c.dataset.partner, c.dataset.role, c.dataset.state === 'lead']);",
        vec![],
    );
    let mut out: Vec<(String, String, bool)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x[0].as_str().unwrap().to_string(),
                x[1].as_str().unwrap().to_string(),
                x[2].as_bool().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn revision_is(d: &common::webdriver::Driver, r: u64) -> bool {
    d.exists(&format!("#app[data-revision=\"{r}\"]"))
}

fn keep_screenshot(d: &common::webdriver::Driver, name: &str) {
    let bytes = d.screenshot();
    assert_eq!(
        png_size(&bytes),
        (1280, 720),
        "{name}: the projector's size"
    );
    let path = artefacts().join(format!("{name}.png"));
    std::fs::write(&path, bytes).expect("a screenshot");
    println!("screenshot: {}", path.display());
}

#[test]
#[ignore = "needs headless Chromium and chromedriver (apt-get install chromium chromium-driver); .ci/run runs it"]
fn a_workshop_session_clicked_through_in_a_real_browser() {
    use common::webdriver::Driver;
    use common::workshop::Server;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dakar.ron");
    std::fs::copy(dakar(), &file).unwrap();
    let server = Server::start(&file, &[]);
    let d = Driver::start(1280, 720);
    let quiet = |when: &str| {
        let messages = d.console();
        assert!(
            messages.is_empty(),
            "{when}: console messages:\n{}",
            messages.join("\n")
        );
    };
    d.goto(&server.url());
    d.wait(10, "the wall", |d| d.exists("#app .matrix"));
    quiet("on load");
    let columns = |d: &Driver| {
        d.run(
            "return new Set([...document.querySelectorAll('#app .cell')].map(c => c.dataset.partner)).size;",
            vec![],
        )
        .as_u64()
        .unwrap()
    };
    assert_eq!(columns(&d), 9);
    // Readable on a 1280 x 720 projector: nothing wider than the screen, the matrix starts on
    // the first screen and its cells are no smaller than 70% of their drawn size.
    let layout = d.run(
        "const m = document.querySelector('#matrix').getBoundingClientRect(); const c = document.querySelector('#app .cell rect').getBoundingClientRect(); return [document.documentElement.scrollWidth, m.top, c.width];",
        vec![],
    );
    assert!(
        layout[0].as_f64().unwrap() <= 1280.0,
        "no sideways scrolling: {layout}"
    );
    assert!(
        layout[1].as_f64().unwrap() < 360.0,
        "the matrix starts high on the screen: {layout}"
    );
    assert!(
        layout[2].as_f64().unwrap() >= 0.7 * 58.0,
        "cells stay readable: {layout}"
    );
    keep_screenshot(&d, "workshop-1-start");

    // Take a partner out: its column goes, its roles move to others.
    d.click(&d.find("button[data-op=\"remove\"][data-partner=\"foundation\"]"));
    d.wait(20, "the step", |d| revision_is(d, 1));
    assert!(
        !d.exists("#app .cell[data-partner=\"foundation\"]"),
        "its column goes"
    );
    assert_eq!(columns(&d), 8);
    assert!(
        d.exists("#moved li[data-role=\"convening\"]"),
        "its role is listed as moved"
    );
    assert!(
        d.exists("#app .cell[data-partner=\"msas\"][data-role=\"convening\"][data-state=\"lead\"]"),
        "the ministry takes convening over"
    );
    let after_remove = held_in_page(&d);
    keep_screenshot(&d, "workshop-2-partner-out");

    // Pin by clicking a cell: the pin and its flag appear.
    let cell = "#app .cell[data-partner=\"relais\"][data-role=\"programme_coordination\"]";
    assert!(!d.exists(&format!("{cell}[data-pinned]")));
    d.click(&d.find(cell));
    d.wait(5, "the cell's menu", |d| {
        d.exists("#menu:not([hidden]) button[data-menu-action=\"pin\"]")
    });
    keep_screenshot(&d, "workshop-3-cell-menu");
    d.click(&d.find("#menu button[data-menu-action=\"pin\"]"));
    d.wait(20, "the pin", |d| revision_is(d, 2));
    assert!(d.exists(&format!(
        "{cell}[data-pinned=\"true\"][data-state=\"lead\"][data-flag=\"medium\"]"
    )));
    assert!(d.exists("#flags tr[data-kind=\"role_mismatch\"]"));
    assert!(
        d.exists("#moved ul.raised li[data-kind=\"role_mismatch\"]"),
        "the raised flag is named"
    );
    // The README's picture: the wall from the top, after the pin.
    d.run("window.scrollTo(0, 0);", vec![]);
    keep_screenshot(&d, "workshop-4-pinned");

    // The keyboard: arrows move between cells, Enter opens the menu, Escape closes it.
    d.run(
        "document.querySelector(arguments[0]).focus();",
        vec![cell.into()],
    );
    d.press("\u{E014}", false); // ArrowRight
    let focused = d.run(
        "return document.activeElement.dataset.partner || '';",
        vec![],
    );
    assert_eq!(focused, "cardio_society", "the next column has the focus");
    d.press("\u{E007}", false); // Enter
    d.wait(5, "the menu from the keyboard", |d| {
        d.exists("#menu:not([hidden])")
    });
    d.press("\u{E00C}", false); // Escape
    d.wait(5, "the menu to close", |d| d.exists("#menu[hidden]"));

    // Printed, the wall is the report of the line-up: no controls, nothing wider than the page.
    d.media("print");
    let print = d.run(
        "return [getComputedStyle(document.querySelector('aside.controls')).display, getComputedStyle(document.querySelector('.workshop .actions')).display, document.documentElement.scrollWidth <= window.innerWidth];",
        vec![],
    );
    assert_eq!(
        print,
        serde_json::json!(["none", "none", true]),
        "print layout"
    );
    let pdf = d.print_pdf();
    assert!(pdf.starts_with(b"%PDF"));
    std::fs::write(artefacts().join("workshop-print.pdf"), pdf).expect("the printout kept");
    d.media("screen");

    // Undo (Ctrl+Z): back to before the pin.
    d.press("z", true);
    d.wait(20, "the undo", |d| revision_is(d, 3));
    assert!(!d.exists(&format!("{cell}[data-pinned]")));
    assert_eq!(held_in_page(&d), after_remove, "undo is exact");
    keep_screenshot(&d, "workshop-5-undone");

    // A second tab follows the first, and a step made there shows here.
    let first = d.new_tab();
    d.goto(&server.url());
    d.wait(10, "the second tab", |d| revision_is(d, 3));
    d.click(&d.find("button[data-op=\"capacity\"][data-partner=\"ucad\"][data-value=\"3\"]"));
    d.wait(20, "the second tab's step", |d| revision_is(d, 4));
    quiet("in the second tab");
    d.switch_to(&first);
    d.wait(10, "the first tab to follow", |d| revision_is(d, 4));

    // Save: the file passes `check`, and `solve --variant` reproduces the wall.
    d.type_into(
        &d.find("form[data-api=\"save\"] input[name=\"name\"]"),
        "agreed in the room",
    );
    d.click(&d.find("form[data-api=\"save\"] button"));
    d.wait(20, "the save", |d| d.exists(".notice"));
    let notice = d.run(
        "return document.querySelector('.notice').textContent;",
        vec![],
    );
    assert!(
        notice.as_str().unwrap().contains("Saved variant"),
        "{notice}"
    );
    keep_screenshot(&d, "workshop-6-saved");
    rolefit().arg("check").arg(&file).assert().success();
    let json = solve_json(&file, &["--variant", "agreed in the room"]);
    let mut solved: Vec<(String, String, bool)> = array(&json, "assignments")
        .iter()
        .map(|a| {
            (
                a["partner"].as_str().unwrap().to_string(),
                a["role"].as_str().unwrap().to_string(),
                a["lead"].as_bool().unwrap(),
            )
        })
        .collect();
    solved.sort();
    assert_eq!(
        solved,
        held_in_page(&d),
        "solve --variant reproduces the wall"
    );
    quiet("after the session");
}

#[test]
#[ignore = "needs headless Chromium and chromedriver (apt-get install chromium chromium-driver); .ci/run runs it"]
fn the_controls_beside_the_matrix_bring_in_edit_switch_and_print() {
    use common::webdriver::Driver;
    use common::workshop::Server;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("missing-sector.ron");
    std::fs::copy(repo().join("scenarios").join("missing-sector.ron"), &file).unwrap();
    let server = Server::start(&file, &[]);
    let d = Driver::start(1280, 720);
    d.goto(&server.url());
    d.wait(10, "the wall", |d| d.exists("#app .matrix"));
    assert!(!d.exists("#app .cell[data-partner=\"kuhes\"]"));

    // A candidate comes in: a column of its own.
    d.click(&d.find("button[data-op=\"bring\"][data-candidate=\"kuhes\"]"));
    d.wait(20, "the candidate", |d| revision_is(d, 1));
    assert!(d.exists("#app .cell[data-partner=\"kuhes\"]"));
    assert!(
        !d.exists("button[data-candidate=\"kuhes\"]"),
        "no longer a candidate"
    );

    // Its editor: a strength changed from the keyboard (Enter submits), the editor redrawn.
    d.click(&d.find("button[data-editor=\"kuhes\"]"));
    d.wait(10, "the editor", |d| {
        d.exists("dialog#editor[open] .editor[data-partner=\"kuhes\"]")
    });
    let input = d.find("dialog#editor input[data-capability=\"research_excellence\"]");
    d.clear(&input);
    d.type_into(&input, "0.5\u{E007}");
    d.wait(20, "the capability step", |d| revision_is(d, 2));
    d.wait(10, "the editor redrawn", |d| {
        d.run(
            "const i = document.querySelector('dialog#editor input[data-capability=\"research_excellence\"]'); return i ? i.value : '';",
            vec![],
        ) == "0.50"
    });
    assert!(d.exists("#steps li.current"));
    let step = d.run(
        "return document.querySelector('#steps li.current').textContent;",
        vec![],
    );
    assert_eq!(step, "kuhes with research_excellence 0.5");
    // A wish marked in the editor: the button is pressed, the matrix rings the cell.
    d.click(&d.find("dialog#editor button[data-op=\"want\"][data-role=\"capacity_building\"]"));
    d.wait(20, "the wish", |d| revision_is(d, 3));
    d.wait(10, "the editor redrawn with the wish", |d| {
        d.exists("dialog#editor button[data-op=\"want\"][data-role=\"capacity_building\"][aria-pressed=\"true\"]")
    });
    assert!(d.exists(
        "#app .cell[data-partner=\"kuhes\"][data-role=\"capacity_building\"][data-wanted=\"true\"]"
    ));
    d.press("\u{E00C}", false); // Escape closes the editor
    d.wait(5, "the editor to close", |d| {
        !d.exists("dialog#editor[open]")
    });

    // Another variant: the steps still apply where they can, and the page says which cannot.
    d.click(&d.find("button[data-op=\"variant\"][data-name=\"with a university\"]"));
    d.wait(20, "the variant", |d| revision_is(d, 4));
    let notes = d.run(
        "return [...document.querySelectorAll('#app .notes p')].map(p => p.textContent).join(' | ');",
        vec![],
    );
    assert!(
        notes.as_str().unwrap().contains("no longer applies"),
        "{notes}"
    );
    keep_screenshot(&d, "workshop-7-variant");

    // The agreement of the wall, in a new tab.
    let href = d.run(
        "return document.querySelector('a[data-agreement=\"html\"]').href;",
        vec![],
    );
    d.new_tab();
    d.goto(href.as_str().unwrap());
    d.wait(10, "the agreement", |d| d.exists("table.raci"));
    assert!(d.exists("table.raci td[data-partner=\"kuhes\"][data-raci]"));
    let messages = d.console();
    assert!(messages.is_empty(), "agreement: {messages:#?}");
    let pdf = d.print_pdf();
    assert!(pdf.starts_with(b"%PDF"), "the agreement prints");
    let messages = d.console();
    assert!(
        messages.is_empty(),
        "console messages:\n{}",
        messages.join("\n")
    );
}
