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
