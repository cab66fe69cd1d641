//! A `rolefit workshop` server started as the real binary, and a small HTTP client for it.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    /// Kept open so the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub token: String,
    agent: ureq::Agent,
}

/// An HTTP answer: status, headers we look at, and the body as JSON when it is JSON.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub csp: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The wall's HTML in a state answer (or in a 409's `state`).
    pub fn html(&self) -> String {
        let v = self.json();
        v["html"]
            .as_str()
            .or_else(|| v["state"]["html"].as_str())
            .unwrap_or_else(|| panic!("no html in {v}"))
            .to_string()
    }

    pub fn revision(&self) -> u64 {
        self.json()["revision"].as_u64().expect("a revision")
    }
}

impl Server {
    /// Starts `rolefit workshop SCENARIO --listen 127.0.0.1:0 ARGS...` in the scenario's
    /// directory (so the page names the file as a user would type it) and reads the address it
    /// prints.
    pub fn start(scenario: &Path, args: &[&str]) -> Server {
        let dir = scenario.parent().expect("a scenario in a directory");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("rolefit"))
            .current_dir(dir)
            .arg("workshop")
            .arg(scenario.file_name().expect("a file name"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rolefit starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut printed = String::new();
        let url = loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).expect("stdout") == 0 {
                let mut err = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("the server printed no address:\n{printed}\n{err}");
            }
            printed.push_str(&line);
            if let Some(i) = line.find("http://") {
                break line[i..].trim().to_string();
            }
        };
        let (base, token) = url.split_once("/?t=").expect("an address with a token");
        Server {
            child,
            _stdout: stdout,
            base: base.to_string(),
            token: token.to_string(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(60)))
                .build()
                .into(),
        }
    }

    /// The page's address, with its token.
    pub fn url(&self) -> String {
        format!("{}/?t={}", self.base, self.token)
    }

    fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        let mut r = r.expect("an HTTP answer");
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let csp = header("content-security-policy");
        Answer {
            status: r.status().as_u16(),
            content_type,
            retry_after,
            csp,
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    /// GET with the token in the header (`/api/...`) or the query (pages).
    pub fn get(&self, path: &str) -> Answer {
        let url = format!("{}{path}", self.base);
        let req = if path.starts_with("/api/") {
            self.agent.get(&url).header("x-rolefit-token", &self.token)
        } else {
            let sep = if path.contains('?') { '&' } else { '?' };
            self.agent.get(format!("{url}{sep}t={}", self.token))
        };
        Self::answer(req.call())
    }

    /// A GET exactly as given, with extra headers.
    pub fn get_raw(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::answer(req.call())
    }

    /// POST a JSON body to the API with the token.
    pub fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_text(path, &body.to_string())
    }

    pub fn post_text(&self, path: &str, body: &str) -> Answer {
        Self::answer(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("x-rolefit-token", &self.token)
                .header("content-type", "application/json")
                .send(body),
        )
    }

    /// A step on the state of `revision`.
    pub fn step(&self, revision: u64, change: Value) -> Answer {
        self.post(
            "/api/step",
            &serde_json::json!({ "revision": revision, "change": change }),
        )
    }

    pub fn revision(&self) -> u64 {
        self.get("/api/state").revision()
    }

    /// Sends SIGINT (what Ctrl-C sends) and waits for the process to end.
    pub fn interrupt(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT {pid}");
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("waiting") {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the server did not stop within 20 s of Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        (status, err)
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("waiting").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
