//! The `rolefit` command: parses arguments, sets up logging, runs the library, maps errors to
//! exit statuses.

// Standard output and error go through `commands::emit` and `emit_err`: `println!` and
// `eprintln!` panic on a closed pipe.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;

use clap::Parser;
use cli::Cli;
use std::process::ExitCode;

fn init_tracing(cli: &Cli) {
    let default = if cli.quiet {
        "error"
    } else {
        match cli.verbose {
            0 => "warn",
            1 => "debug",
            _ => "trace",
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("rolefit={default}")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Its own report of a failed write uses `eprintln!`, which panics when standard error
        // is a closed pipe (`2>&1 | head`); a log line that cannot be written is just dropped.
        .log_internal_errors(false)
        .with_ansi(commands::colour_on_stderr())
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli);
    match commands::run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            commands::show_error(&e);
            ExitCode::from(commands::exit_code(&e))
        }
    }
}
