//! `rolefit workshop`: serves the live workshop page until Ctrl-C.

use super::{EXIT_OK, Timings, emit, emit_err, load_scenario_source, robustness, solve_options};
use crate::cli::{SolverArgs, WorkshopArgs};
use rolefit::Error;
use rolefit::workshop::save::Saver;
use rolefit::workshop::server::{self, Config, LIMITS, Workshop};
use rolefit::workshop::{Session, SessionError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// A solve on the wall never blocks the room longer than this unless asked.
const DEFAULT_TIME_LIMIT: f64 = 20.0;

pub fn run(args: &WorkshopArgs) -> Result<u8, Error> {
    let settings = robustness(&args.robustness)?;
    let loaded = load_scenario_source(&args.input, &mut Timings::default())?;
    let opts = solve_options(&SolverArgs {
        time_limit: Some(args.time_limit.unwrap_or(DEFAULT_TIME_LIMIT)),
        solver: args.solver.clone(),
        // As `solve` by default: the envelope rows only where they keep the search small.
        tighten: "auto".to_string(),
    })?;
    let addr: SocketAddr = args
        .listen
        .parse()
        .map_err(|_| Error::from(super::usage::UsageError::Listen(args.listen.clone())))?;
    let from_stdin = args.input.scenario == "-";
    let (saver, save_is_input) = match &args.save {
        Some(path) => {
            let is_input =
                !from_stdin && rolefit::load::same_file(path, &PathBuf::from(&args.input.scenario));
            (Ok(path.clone()), is_input)
        }
        None if from_stdin => (
            Err(
                "The scenario came from standard input: start with --save FILE to save."
                    .to_string(),
            ),
            false,
        ),
        None => (Ok(PathBuf::from(&args.input.scenario)), true),
    };
    let saver = saver.map(|target| Saver::new(target, loaded.text.clone(), loaded.sheet.clone()));
    let name = loaded.scenario.name.clone();
    let session = Session::new(
        Arc::new(loaded.kb),
        loaded.scenario,
        args.variant.clone(),
        opts,
        settings,
    )
    .map_err(|e| match e {
        SessionError::Refused(m) => super::usage::UsageError::Variant(m).into(),
        other => Error::Arguments(Box::new(other)),
    })?;
    let token = server::new_token()
        .map_err(|e| Error::from(super::usage::UsageError::NoRandomness(e.to_string())))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()
        .map_err(|e| io_error("cannot start the server", e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| io_error(&format!("cannot listen on {addr}"), e))?;
        let local = listener
            .local_addr()
            .map_err(|e| io_error("cannot read the address", e))?;
        let hosts = if local.ip().is_loopback() {
            server::loopback_hosts(local)
        } else {
            emit_err(&format!(
                "warning: listening on {local}, beyond this machine: anyone who can reach it and has the address below (with its token) can change the session and save into {}\n",
                args.save.as_ref().map_or(args.input.scenario.clone(), |p| p.display().to_string())
            ));
            Vec::new()
        };
        let app = Workshop::new(
            session,
            Config {
                saver,
                save_is_input,
                hosts,
                token,
                limits: LIMITS,
            },
        );
        let url = format!("http://{local}/?t={}", app.token());
        emit(&format!(
            "rolefit workshop: {name}\n  {url}\nOpen the address in a browser (it holds the page's token); Ctrl-C stops.\n"
        ))?;
        if args.open {
            open_browser(&url);
        }
        server::serve(listener, &app, shutdown())
            .await
            .map_err(|e| io_error("the server stopped", e))?;
        match app.unsaved() {
            Some(warning) => emit_err(&format!("rolefit workshop stopped: {warning}.\n")),
            None => emit_err("rolefit workshop stopped.\n"),
        }
        Ok::<(), Error>(())
    })?;
    Ok(EXIT_OK)
}

fn io_error(what: &str, e: std::io::Error) -> Error {
    Error::Write {
        path: what.to_string(),
        source: e,
    }
}

/// Ctrl-C, or SIGTERM on Unix: the server finishes the requests in flight, then stops.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Asks the desktop to open the page; a failure only means the user opens it by hand.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let started = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        emit_err(&format!(
            "could not start {program} to open the page; open the address above by hand\n"
        ));
    }
}
