//! Load test of the workshop page (the issue 13 target): one click to an updated page on a
//! generated consortium of 20 partners needing all 18 roles (`generate::consortium`, seed
//! 20240601), over 1,000 sequential requests. Each request is what the page sends when a
//! facilitator clicks: a step that changes the line-up (a capacity, a capability, a role kept out
//! and allowed again, a pin and its release), so every one is re-solved, assessed for robustness
//! (at `rolefit workshop`'s defaults), explained, rendered as the wall's HTML and delivered over
//! HTTP on loopback. Target: p95 under 300 ms on 2 cores.
//!
//! The server is the library's (`workshop::server`) on its own tokio runtime, as `rolefit
//! workshop` runs it, with one difference: the rate limit is lifted, since 1,000 requests as
//! fast as they come are a load test, not a facilitator (the limit costs one lock per request).
//!
//! `cargo bench --bench workshop` runs the 1,000 requests and prints p50, p95, p99 and the
//! slowest; `cargo bench --bench workshop -- --test` (the CI smoke run) sends 30.

use rolefit::generate::{Spec, consortium};
use rolefit::load::Document;
use rolefit::source::Source;
use rolefit::workshop::Session;
use rolefit::workshop::server::{self, Config, LIMITS, Limits, Workshop};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SEED: u64 = 20_240_601;
const PARTNERS: usize = 20;
const ROLES: usize = 18;
const TARGET_P95_MS: f64 = 300.0;

/// Starts the server on a free loopback port in a background thread; returns its address and
/// token.
fn start(session: Session) -> (String, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(4)
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a port");
            let addr = listener.local_addr().expect("an address");
            let token = server::new_token().expect("a token");
            let app = Workshop::new(
                session,
                Config {
                    saver: Err("the load test does not save".into()),
                    save_is_input: false,
                    hosts: server::loopback_hosts(addr),
                    token: token.clone(),
                    limits: Limits {
                        per_second: 1e9,
                        burst: 1e9,
                        ..LIMITS
                    },
                },
            );
            tx.send((format!("http://{addr}"), token))
                .expect("the bench waits");
            server::serve(listener, &app, std::future::pending())
                .await
                .expect("the server runs");
        });
    });
    rx.recv().expect("the server starts")
}

/// The value of attribute `name` in a start tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The cells of the wall that can be kept out (and then allowed again): `(partner, role)`.
fn open_cells(html: &str) -> Vec<(String, String)> {
    html.split("<g class=\"cell\"")
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        .filter(|t| attr(t, "data-actions").is_some_and(|a| a.split(' ').any(|x| x == "forbid")))
        .filter_map(|t| {
            Some((
                attr(t, "data-partner")?.to_string(),
                attr(t, "data-role")?.to_string(),
            ))
        })
        .collect()
}

/// The change of request `i`: each changes the line-up on the wall, so each is a new solve.
fn change(i: usize, open: &[(String, String)]) -> Value {
    let p = format!("p{:03}", (i / 4) % PARTNERS);
    let (cp, cr) = &open[(i / 4) % open.len()];
    match i % 4 {
        0 => json!({"op": "capacity", "partner": p, "value": 1 + (i / 4) % 3}),
        1 => json!({"op": "capability", "partner": p, "capability": "know_how_and_expertise",
                    "value": 0.3 + ((i / 4) % 7) as f64 * 0.1}),
        2 => json!({"op": "cell", "action": "forbid", "partner": cp, "role": cr}),
        _ => json!({"op": "cell", "action": "allow", "partner": cp, "role": cr}),
    }
}

/// CPU time of the whole process so far (user + system, every thread), in milliseconds, from
/// `/proc/self/stat` (Linux; `None` elsewhere): on a shared machine the wall-clock figures say as
/// much about the other processes as about the server, so the load test also reports what a
/// click costs in CPU. The fields count USER_HZ ticks, 100 a second on Linux's architectures
/// (ten-millisecond resolution, plenty over hundreds of requests).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are
    // state (3), ..., utime (14) and stime (15).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| fields.get(i - 3)?.parse::<f64>().ok();
    Some((ticks(14)? + ticks(15)?) * 10.0)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i]
}

fn main() {
    // `cargo bench -- --test` (and `cargo test --benches`) runs a smoke test.
    let smoke = std::env::args().any(|a| a == "--test");
    let requests = if smoke { 30 } else { 1000 };
    let kb = rolefit::default_knowledge_base().expect("the built-in rules are valid");
    let text = consortium(&kb, &Spec::new(PARTNERS, ROLES, SEED));
    let doc = Document::parse(Source::new("generated-20x18.ron", text));
    let scenario = rolefit::validate_scenario(&kb, &doc).expect("a valid consortium");
    let session = Session::new(
        Arc::new(kb),
        scenario,
        None,
        rolefit::solve::Options::default(),
        // What `rolefit workshop` assesses by default: margins, runner-ups and close calls.
        rolefit::robust::Settings::default(),
    )
    .expect("a session");
    let (base, token) = start(session);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let state: Value = agent
        .get(format!("{base}/api/state"))
        .header("x-rolefit-token", &token)
        .call()
        .expect("the state")
        .body_mut()
        .read_json()
        .expect("JSON");
    let open = open_cells(state["html"].as_str().expect("the wall"));
    assert!(!open.is_empty(), "cells to keep partners out of");
    let post = |revision: u64, i: usize| -> (u64, usize) {
        let mut r = agent
            .post(format!("{base}/api/step"))
            .header("x-rolefit-token", &token)
            .send_json(json!({"revision": revision, "change": change(i, &open)}))
            .expect("an answer");
        let status = r.status().as_u16();
        let body = r.body_mut().read_to_string().expect("a body");
        assert_eq!(status, 200, "request {i}: {body}");
        let v: Value = serde_json::from_str(&body).expect("JSON");
        (v["revision"].as_u64().expect("a revision"), body.len())
    };
    // One request first, so the connection and the first solve are not in the figures.
    let (mut revision, _) = post(0, 0);
    let mut times = Vec::with_capacity(requests);
    let mut bytes = 0;
    let all = Instant::now();
    let cpu_start = cpu_ms();
    for i in 1..=requests {
        let t = Instant::now();
        let (r, n) = post(revision, i);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        revision = r;
        bytes += n;
    }
    let total = all.elapsed().as_secs_f64();
    let cpu = cpu_ms()
        .zip(cpu_start)
        .map(|(end, start)| (end - start) / requests as f64);
    times.sort_by(f64::total_cmp);
    let p95 = percentile(&times, 0.95);
    println!(
        "workshop/step/{PARTNERS}x{ROLES}: {requests} sequential requests in {total:.1} s; p50 {:.1} ms, p95 {p95:.1} ms, p99 {:.1} ms, slowest {:.1} ms; {} kB of wall per answer",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times[times.len() - 1],
        bytes / requests / 1024
    );
    if let Some(cpu) = cpu {
        // The client is in this process too, but sending and reading a request costs little
        // next to solving it.
        println!(
            "CPU per request (server and client, user + system, every thread): {cpu:.1} ms; load average at the end: {}",
            std::fs::read_to_string("/proc/loadavg").map_or_else(
                |_| "unknown".to_string(),
                |l| l.split(' ').take(3).collect::<Vec<_>>().join(" ")
            )
        );
    }
    if !smoke {
        println!(
            "target p95 < {TARGET_P95_MS} ms: {}",
            if p95 < TARGET_P95_MS {
                "met"
            } else {
                "NOT met"
            }
        );
    }
}
