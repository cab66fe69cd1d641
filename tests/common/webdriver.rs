//! A WebDriver session on headless Chromium through Debian's chromedriver: enough of the W3C
//! protocol to load a page, find elements, click, type, press keys, run a script, read the
//! console and take screenshots. Chromium and chromedriver come from `apt-get install chromium
//! chromium-driver` (or `ROLEFIT_CHROMIUM` and `ROLEFIT_CHROMEDRIVER`).

use base64::Engine;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

/// An element of the page.
#[derive(Debug, Clone)]
pub struct Element(String);

fn find_program(var: &str, names: &[&str]) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return p.into();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let exe = dir.join(name);
            if exe.is_file() {
                return exe;
            }
        }
    }
    panic!(
        "{} not found: install it (apt-get install chromium chromium-driver) or set {var}",
        names[0]
    );
}

impl Driver {
    /// Starts chromedriver on a free port and a headless Chromium window of `width` x `height`.
    pub fn start(width: u32, height: u32) -> Driver {
        let chromium = find_program(
            "ROLEFIT_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let chromedriver = find_program("ROLEFIT_CHROMEDRIVER", &["chromedriver"]);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("a profile directory");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ],
            },
        }}});
        let mut d = Driver {
            child,
            base,
            session: String::new(),
            agent,
            _profile: profile,
        };
        let v = d.request("POST", "/session", Some(caps));
        d.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        // The window holds the browser's own bars even when headless: the page gets exactly
        // the size asked for.
        d.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(
                json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                    "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false,
                }}),
            ),
        );
        d
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let r = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or_else(|| json!({}))),
        };
        let mut r = r.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let v: Value = r.body_mut().read_json().expect("a WebDriver answer");
        if !r.status().is_success() {
            panic!("WebDriver {method} {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.request(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    pub fn find(&self, css: &str) -> Element {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        Element(v[ELEMENT].as_str().expect("an element").to_string())
    }

    pub fn exists(&self, css: &str) -> bool {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array().is_some_and(|a| !a.is_empty())
    }

    pub fn click(&self, e: &Element) {
        self.cmd("POST", &format!("/element/{}/click", e.0), None);
    }

    pub fn clear(&self, e: &Element) {
        self.cmd("POST", &format!("/element/{}/clear", e.0), None);
    }

    /// The page printed to PDF (A4), as bytes.
    pub fn print_pdf(&self) -> Vec<u8> {
        let v = self.cmd(
            "POST",
            "/print",
            Some(json!({"page": {"width": 21.0, "height": 29.7}, "background": true})),
        );
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("a base64 PDF"))
            .expect("valid base64")
    }

    /// Lays the page out for print (`print`) or the screen (`screen`), as Chromium's print does.
    pub fn media(&self, media: &str) {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": media}})),
        );
    }

    pub fn type_into(&self, e: &Element, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{}/value", e.0),
            Some(json!({"text": text})),
        );
    }

    /// Presses `key` (a WebDriver key code such as "\u{E007}" for Enter) with Control held
    /// when `ctrl`, on whatever has the focus.
    pub fn press(&self, key: &str, ctrl: bool) {
        let mut actions = Vec::new();
        if ctrl {
            actions.push(json!({"type": "keyDown", "value": "\u{E009}"}));
        }
        actions.push(json!({"type": "keyDown", "value": key}));
        actions.push(json!({"type": "keyUp", "value": key}));
        if ctrl {
            actions.push(json!({"type": "keyUp", "value": "\u{E009}"}));
        }
        self.cmd(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        self.cmd("DELETE", "/actions", None);
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn run(&self, script: &str, args: Vec<Value>) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The page's console messages since the last call.
    pub fn console(&self) -> Vec<String> {
        let v = self.cmd("POST", "/se/log", Some(json!({"type": "browser"})));
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|m| format!("{} {}", m["level"], m["message"]))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn screenshot(&self) -> Vec<u8> {
        let v = self.cmd("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("a base64 PNG"))
            .expect("valid base64")
    }

    /// Opens a new tab and switches to it; returns the handle of the tab it left.
    pub fn new_tab(&self) -> String {
        let old = self
            .cmd("GET", "/window", None)
            .as_str()
            .unwrap()
            .to_string();
        let v = self.cmd("POST", "/window/new", Some(json!({"type": "tab"})));
        let handle = v["handle"].as_str().unwrap().to_string();
        self.cmd("POST", "/window", Some(json!({"handle": handle})));
        old
    }

    pub fn switch_to(&self, handle: &str) -> String {
        let old = self
            .cmd("GET", "/window", None)
            .as_str()
            .unwrap()
            .to_string();
        self.cmd("POST", "/window", Some(json!({"handle": handle})));
        old
    }

    /// Waits until `check` holds (it is tried every 50 ms), for at most `secs` seconds.
    pub fn wait(&self, secs: u64, what: &str, check: impl Fn(&Driver) -> bool) {
        let start = Instant::now();
        while !check(self) {
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "waited {secs} s for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
