//! HTTP for the workshop page: axum on a small tokio runtime, on loopback unless told otherwise.
//!
//! Safe by design, in this order for every request:
//! - **Host**: on loopback, only `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT` (a page on
//!   another site that rebinds its name to 127.0.0.1 is refused);
//! - **token**: a 128-bit random token in the page's address; every request carries it (the
//!   `t` query parameter on pages, the `x-rolefit-token` header on the API, which a form or a
//!   plain link on another page cannot set), so no other page in the browser can drive the
//!   session;
//! - **rate**: a token bucket (`Limits::per_second`, `Limits::burst`) answers 429 beyond it;
//! - **size**: request bodies over `Limits::body_bytes` are refused (413) before they are read.
//!
//! Nothing from the page names a file: Save writes the file given on the command line. A
//! malformed request gets a JSON error saying what was wrong; the work of a request (solve,
//! explain, render) runs on a blocking thread, so a panic there is a 500 and the server lives
//! on. Two tabs are safe: the session sits behind one lock, and a change made on a state the tab
//! has not seen (another tab moved on) is refused with 409 and the latest state.

use super::save::{SaveError, Saver};
use super::session::{Change, Session, SessionError, View};
use crate::diag::closest;
use crate::kb::{KnowledgeBase, RoleIx};
use crate::report::wall::{self, Wall};
use crate::scenario::WhatIf;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Bounds on what one client can ask of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body (a step or a save is under a kilobyte).
    pub body_bytes: usize,
    /// Requests per second, sustained; a facilitator clicks far less.
    pub per_second: f64,
    /// Requests allowed in a burst above the sustained rate.
    pub burst: f64,
}

/// The bounds a workshop runs with.
pub const LIMITS: Limits = Limits {
    body_bytes: 16 * 1024,
    per_second: 30.0,
    burst: 60.0,
};

/// The page's Content-Security-Policy: its own script and API, nothing else.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The agreement page has no script at all.
const PRINT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

/// How the server runs: where Save writes, which hosts and token it accepts, its bounds.
pub struct Config {
    /// Where Save writes; `Err` says why the page cannot save (shown on the page).
    pub saver: Result<Saver, String>,
    /// The save target is the scenario file the session started from: after a save the
    /// session knows the new variant.
    pub save_is_input: bool,
    /// Accepted `Host` headers; empty accepts any (when listening beyond loopback).
    pub hosts: Vec<String>,
    /// The secret every API request carries (in the page's links and requests).
    pub token: String,
    /// Bounds per client.
    pub limits: Limits,
}

/// The server's state: one session, shared by every tab.
pub struct Workshop {
    session: Mutex<Session>,
    saver: Result<Mutex<Saver>, String>,
    save_is_input: bool,
    /// What the page shows as the save target.
    target: String,
    hosts: Vec<String>,
    token: String,
    limits: Limits,
    bucket: Mutex<Bucket>,
    /// The session's revision right after its last save, if any.
    saved_at: Mutex<Option<u64>>,
}

/// A 128-bit random token, as 32 hexadecimal digits.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The `Host` headers a browser sends for a loopback address.
pub fn loopback_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

/// The token bucket behind the rate limit.
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn take(&mut self, limits: &Limits) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * limits.per_second;
        self.tokens = (self.tokens + refill).min(limits.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A poisoned lock means a request panicked; the session commits only after a state is
/// solved, so what the lock holds is still consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Workshop {
    /// A server state around `session`.
    pub fn new(session: Session, config: Config) -> Arc<Workshop> {
        let target = match &config.saver {
            Ok(s) => s.target.display().to_string(),
            Err(_) => String::new(),
        };
        Arc::new(Workshop {
            session: Mutex::new(session),
            saver: config.saver.map(Mutex::new),
            save_is_input: config.save_is_input,
            target,
            hosts: config.hosts,
            token: config.token,
            bucket: Mutex::new(Bucket {
                tokens: config.limits.burst,
                last: Instant::now(),
            }),
            limits: config.limits,
            saved_at: Mutex::new(None),
        })
    }

    /// What stopping would lose: a line that says so when the wall has steps that were not
    /// saved since the last change, `None` otherwise.
    pub fn unsaved(&self) -> Option<String> {
        let s = lock(&self.session);
        let steps = s.done().len();
        let saved = *lock(&self.saved_at) == Some(s.revision());
        (steps > 0 && !saved).then(|| {
            format!(
                "the line-up on the wall ({steps} step(s)) was not saved; rerun and replay them, or save before stopping next time"
            )
        })
    }

    /// The token the page must present.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The routes, behind the guard (host, token, rate) and the body limit.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/", get(page))
            .route("/app.js", get(script))
            .route("/api/state", get(state))
            .route("/api/partner", get(partner))
            .route("/api/step", post(step))
            .route("/api/undo", post(undo))
            .route("/api/redo", post(redo))
            .route("/api/save", post(save))
            .route("/agreement", get(agreement))
            .fallback(not_found)
            .layer(DefaultBodyLimit::max(self.limits.body_bytes))
            .layer(middleware::from_fn_with_state(self.clone(), guard))
            .with_state(self.clone())
    }

    fn save_target(&self) -> wall::SaveTarget<'_> {
        match &self.saver {
            Ok(_) => Ok(&self.target),
            Err(why) => Err(why),
        }
    }

    /// The state as the page receives it.
    fn state(&self, s: &Session, v: &View, notice: Option<&str>) -> StateJson {
        let w = Wall {
            session: s,
            view: v,
            save: self.save_target(),
            token: &self.token,
            notice,
        };
        StateJson {
            revision: v.revision,
            cursor: v.cursor,
            steps: v.steps.len(),
            html: wall::fragment(&w),
        }
    }
}

/// Constant-time comparison, so the time of a refusal says nothing about the token.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn query_token(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|kv| kv.strip_prefix("t="))
}

/// Host, token and rate, before any handler runs; security headers on every answer.
async fn guard(State(app): State<Arc<Workshop>>, req: Request, next: Next) -> Response {
    let refused = |status: StatusCode, message: &str| error(status, message.to_string(), None);
    if !app.hosts.is_empty() {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return secure(refused(
                StatusCode::FORBIDDEN,
                "this server answers only on the address `rolefit workshop` printed",
            ));
        }
    }
    // Pages and the script are fetched by the browser (the token is in their address); the API
    // is called by the page's script, which sends the header no other page can set.
    let is_api = req.uri().path().starts_with("/api/");
    let given = if is_api || req.method() != Method::GET {
        req.headers()
            .get("x-rolefit-token")
            .and_then(|h| h.to_str().ok())
    } else {
        query_token(req.uri().query())
    };
    if !given.is_some_and(|t| same_secret(t.as_bytes(), app.token.as_bytes())) {
        return secure(refused(
            StatusCode::FORBIDDEN,
            "missing or wrong token: open the address `rolefit workshop` printed",
        ));
    }
    if !lock(&app.bucket).take(&app.limits) {
        let mut r = refused(
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests: wait a moment",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return secure(r);
    }
    secure(next.run(req).await)
}

fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    r
}

/// What the page receives after every request that changes or reads the state.
#[derive(Serialize)]
struct StateJson {
    revision: u64,
    cursor: usize,
    steps: usize,
    /// The wall, to swap in.
    html: String,
}

#[derive(Serialize)]
struct ErrorJson {
    error: String,
    /// The latest state, when the page should redraw (a stale request).
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<StateJson>,
}

fn error(status: StatusCode, message: String, state: Option<StateJson>) -> Response {
    (
        status,
        Json(ErrorJson {
            error: message,
            state,
        }),
    )
        .into_response()
}

fn not_found() -> std::future::Ready<Response> {
    std::future::ready(error(
        StatusCode::NOT_FOUND,
        "no such page or API".into(),
        None,
    ))
}

/// A malformed body: what serde or the size check found, in a JSON error.
fn bad_request(e: JsonRejection) -> Response {
    error(e.status(), e.body_text(), None)
}

/// Runs the work of a request on a blocking thread (solving is CPU work); a panic there is a
/// 500, never a dead server.
async fn blocking(f: impl FnOnce() -> Response + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "rolefit failed on this request (a bug: please report it); the session is unchanged"
                .into(),
            None,
        ),
    }
}

fn html(body: String, csp: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, csp),
        ],
        body,
    )
        .into_response()
}

/// A session error as an answer; a stale request gets the latest state to redraw.
fn session_error(app: &Workshop, s: &mut Session, e: SessionError) -> Response {
    match e {
        SessionError::Stale => {
            let state = s.view().ok().map(|v| app.state(s, &v, None));
            error(StatusCode::CONFLICT, e.to_string(), state)
        }
        SessionError::Solve(_) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string(), None),
        _ => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string(), None),
    }
}

fn respond(
    app: &Workshop,
    s: &mut Session,
    r: Result<View, SessionError>,
    notice: Option<&str>,
) -> Response {
    match r {
        Ok(v) => Json(app.state(s, &v, notice)).into_response(),
        Err(e) => session_error(app, s, e),
    }
}

async fn page(State(app): State<Arc<Workshop>>) -> Response {
    blocking(move || {
        let mut s = lock(&app.session);
        match s.view() {
            Ok(v) => html(
                wall::page(&Wall {
                    session: &s,
                    view: &v,
                    save: app.save_target(),
                    token: &app.token,
                    notice: None,
                }),
                PAGE_CSP,
            ),
            Err(e) => session_error(&app, &mut s, e),
        }
    })
    .await
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        wall::APP_JS,
    )
        .into_response()
}

/// `?since=REVISION`: a page that polls gets 204 when nothing changed since what it shows.
#[derive(Deserialize)]
struct SinceQuery {
    since: Option<u64>,
}

async fn state(
    State(app): State<Arc<Workshop>>,
    query: Result<Query<SinceQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let since = query.ok().and_then(|Query(q)| q.since);
    blocking(move || {
        let mut s = lock(&app.session);
        if since == Some(s.revision()) {
            return StatusCode::NO_CONTENT.into_response();
        }
        let r = s.view();
        respond(&app, &mut s, r, None)
    })
    .await
}

#[derive(Deserialize)]
struct PartnerQuery {
    id: String,
}

#[derive(Serialize)]
struct Fragment {
    html: String,
}

/// The editor of one partner, drawn for the current state.
async fn partner(
    State(app): State<Arc<Workshop>>,
    query: Result<Query<PartnerQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return error(StatusCode::BAD_REQUEST, "expected ?id=PARTNER".into(), None);
    };
    blocking(move || {
        let mut s = lock(&app.session);
        let v = match s.view() {
            Ok(v) => v,
            Err(e) => return session_error(&app, &mut s, e),
        };
        match wall::editor(&s, &v, &q.id) {
            Some(html) => Json(Fragment { html }).into_response(),
            None => error(
                StatusCode::NOT_FOUND,
                format!("no partner `{}` in the line-up", q.id),
                None,
            ),
        }
    })
    .await
}

/// A number the page sends as a JSON number or as text (a button's `data-value`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Number(f64),
    Text(String),
}

/// A yes or no the page sends as a JSON boolean or as text (a button's `data-wanted`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Truth {
    Bool(bool),
    Text(String),
}

impl Truth {
    fn value(&self) -> Option<bool> {
        match self {
            Truth::Bool(b) => Some(*b),
            Truth::Text(t) => match t.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        }
    }
}

impl Number {
    fn value(&self) -> Option<f64> {
        match self {
            Number::Number(n) => Some(*n),
            Number::Text(t) => t.trim().parse().ok(),
        }
        .filter(|v: &f64| v.is_finite())
    }
}

/// One change, as the page sends it.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum ChangeRequest {
    /// Take a partner out.
    Remove {
        partner: String,
    },
    /// Bring a candidate of the scenario in.
    Bring {
        candidate: String,
    },
    /// Start from a variant (no name: the base line-up).
    Variant {
        name: Option<String>,
    },
    /// An action a matrix cell offers (`pin`, `lead`, `forbid`, `unpin`, `allow`).
    Cell {
        action: String,
        partner: String,
        role: String,
    },
    Capacity {
        partner: String,
        value: Number,
    },
    /// The partner asks for the role, or no longer does.
    Want {
        partner: String,
        role: String,
        wanted: Truth,
    },
    Capability {
        partner: String,
        capability: String,
        value: Number,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepRequest {
    /// The revision the page showed when the change was made.
    revision: u64,
    change: ChangeRequest,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevisionRequest {
    revision: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveRequest {
    revision: u64,
    name: String,
}

fn role(kb: &KnowledgeBase, id: &str) -> Result<RoleIx, SessionError> {
    kb.role_by_id(id).ok_or_else(|| {
        let hint = closest(id, kb.roles.iter().map(|r| r.id.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        SessionError::Refused(format!("unknown role `{id}`{hint}"))
    })
}

/// The page's request as a change, checked against what the wall offers.
fn change(s: &mut Session, req: ChangeRequest) -> Result<Change, SessionError> {
    let kb = s.kb();
    Ok(match req {
        ChangeRequest::Remove { partner } => Change::What(WhatIf::Without(partner)),
        ChangeRequest::Bring { candidate } => s.bring(&candidate)?,
        ChangeRequest::Variant { name } => Change::Variant(name.filter(|n| !n.is_empty())),
        ChangeRequest::Cell {
            action,
            partner,
            role: role_id,
        } => {
            let r = role(kb, &role_id)?;
            let view = s.view()?;
            let (pi, ri) = (
                view.outcome.partners.iter().position(|p| p.id == partner),
                view.outcome.roles.iter().position(|x| x.id == role_id),
            );
            let (Some(pi), Some(ri)) = (pi, ri) else {
                return Err(SessionError::Refused(format!(
                    "no cell for `{partner}` in `{role_id}` on the wall"
                )));
            };
            let offered = s.cell_actions(&view, &partner, r, view.outcome.cells[pi][ri].blocked);
            let Some(a) = offered.into_iter().find(|a| a.name() == action) else {
                return Err(SessionError::Refused(format!(
                    "`{action}` is not something the cell of `{partner}` in `{role_id}` offers"
                )));
            };
            s.cell_change(a, partner, r)
        }
        ChangeRequest::Want {
            partner,
            role: role_id,
            wanted,
        } => {
            let wanted = wanted
                .value()
                .ok_or_else(|| SessionError::Refused("`wanted` is true or false".into()))?;
            Change::What(WhatIf::Want {
                partner,
                role: role(kb, &role_id)?,
                wanted,
            })
        }
        ChangeRequest::Capacity { partner, value } => {
            let v = value
                .value()
                .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= u32::MAX as f64)
                .ok_or_else(|| {
                    SessionError::Refused("a capacity is a whole number of roles".into())
                })?;
            Change::What(WhatIf::Capacity {
                partner,
                capacity: v as u32,
            })
        }
        ChangeRequest::Capability {
            partner,
            capability,
            value,
        } => {
            let cap = kb.capability_by_id(&capability).ok_or_else(|| {
                let hint = closest(&capability, kb.capabilities.iter().map(|c| c.id.as_str()))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                SessionError::Refused(format!("unknown capability `{capability}`{hint}"))
            })?;
            let strength = value.value().ok_or_else(|| {
                SessionError::Refused("a strength is a number from 0 to 1".into())
            })?;
            Change::What(WhatIf::Capability {
                partner,
                capability: cap,
                strength,
            })
        }
    })
}

/// What `step`, `undo`, `redo` and `save` share: the JSON body (or a 400 saying what is wrong
/// with it), then `f` with the session locked, on a blocking thread (a solve can take a while).
async fn with_session<B: Send + 'static>(
    app: Arc<Workshop>,
    body: Result<Json<B>, JsonRejection>,
    f: impl FnOnce(&Workshop, &mut Session, B) -> Response + Send + 'static,
) -> Response {
    let Json(req) = match body {
        Ok(b) => b,
        Err(e) => return bad_request(e),
    };
    blocking(move || {
        let mut s = lock(&app.session);
        f(&app, &mut s, req)
    })
    .await
}

async fn step(
    State(app): State<Arc<Workshop>>,
    body: Result<Json<StepRequest>, JsonRejection>,
) -> Response {
    with_session(app, body, |app, s, req: StepRequest| {
        let r = change(s, req.change).and_then(|c| s.step(req.revision, c));
        respond(app, s, r, None)
    })
    .await
}

async fn undo(
    State(app): State<Arc<Workshop>>,
    body: Result<Json<RevisionRequest>, JsonRejection>,
) -> Response {
    with_session(app, body, |app, s, req: RevisionRequest| {
        let r = s.undo(req.revision);
        respond(app, s, r, None)
    })
    .await
}

async fn redo(
    State(app): State<Arc<Workshop>>,
    body: Result<Json<RevisionRequest>, JsonRejection>,
) -> Response {
    with_session(app, body, |app, s, req: RevisionRequest| {
        let r = s.redo(req.revision);
        respond(app, s, r, None)
    })
    .await
}

async fn save(
    State(app): State<Arc<Workshop>>,
    body: Result<Json<SaveRequest>, JsonRejection>,
) -> Response {
    with_session(app, body, |app, s, req: SaveRequest| {
        if req.revision != s.revision() {
            return session_error(app, s, SessionError::Stale);
        }
        let saver = match &app.saver {
            Ok(saver) => saver,
            Err(why) => return error(StatusCode::UNPROCESSABLE_ENTITY, why.clone(), None),
        };
        let line_up = s.line_up();
        let labels: Vec<String> = s.done().iter().map(|x| x.label.clone()).collect();
        let result = lock(saver).save(s.kb(), s.scenario(), &line_up, &req.name, &labels);
        let saved = match result {
            Ok(saved) => saved,
            Err(e) => {
                let status = match e {
                    SaveError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                return error(status, e.to_string(), None);
            }
        };
        let path = saved.path.display().to_string();
        let mut notice = format!(
            "Saved variant \u{201c}{}\u{201d} {} {path}",
            saved.name,
            if saved.replaced { "again in" } else { "in" }
        );
        if let Some(kept) = &saved.kept {
            notice.push_str(&format!(
                " (the file as it was is kept as {})",
                kept.display()
            ));
        }
        notice.push_str(&format!(
            ". `rolefit solve {path} --variant {:?}` shows this line-up.",
            saved.name
        ));
        if app.save_is_input {
            s.update_scenario(saved.scenario);
        }
        *lock(&app.saved_at) = Some(s.revision());
        let r = s.view();
        respond(app, s, r, Some(&notice))
    })
    .await
}

/// `?format=html|markdown` (the token `t` is there too).
#[derive(Deserialize)]
struct AgreementQuery {
    format: Option<String>,
}

/// The agreement (roles-and-responsibilities annex) of the line-up on the wall.
async fn agreement(
    State(app): State<Arc<Workshop>>,
    query: Result<Query<AgreementQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "expected ?format=html or markdown".into(),
            None,
        );
    };
    blocking(move || {
        let mut s = lock(&app.session);
        let v = match s.view() {
            Ok(v) => v,
            Err(e) => return session_error(&app, &mut s, e),
        };
        let a = crate::agreement::build(
            s.kb(),
            s.scenario(),
            &v.line_up,
            &v.outcome,
            &Default::default(),
        );
        match q.format.as_deref() {
            None | Some("html") => html(crate::report::agreement::html(&a), PRINT_CSP),
            Some("markdown") => (
                [
                    (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"agreement.md\"",
                    ),
                ],
                crate::report::agreement::markdown(&a),
            )
                .into_response(),
            Some(other) => error(
                StatusCode::BAD_REQUEST,
                format!("unknown format {other:?}: html or markdown"),
                None,
            ),
        }
    })
    .await
}

/// Serves until `shutdown` completes; requests in flight finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: &Arc<Workshop>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.router())
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_random_bits_in_hex() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_token_is_read_from_the_query_and_compared_whole() {
        assert_eq!(query_token(Some("format=html&t=abc")), Some("abc"));
        assert_eq!(query_token(Some("tt=abc")), None);
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"ab"));
    }

    #[test]
    fn the_bucket_refuses_beyond_the_burst() {
        let limits = Limits {
            body_bytes: 1,
            per_second: 0.001,
            burst: 3.0,
        };
        let mut b = Bucket {
            tokens: 3.0,
            last: Instant::now(),
        };
        assert!((0..3).all(|_| b.take(&limits)));
        assert!(!b.take(&limits));
    }
}
