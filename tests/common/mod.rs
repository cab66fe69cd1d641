//! Helpers shared by the end-to-end tests: running the binary, finding the shipped scenarios and
//! the fixtures, reading JSON reports, and locating text in a file as `line:column`.
#![allow(dead_code)]

pub mod html;
pub mod random;
pub mod webdriver;
pub mod workshop;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A fresh `rolefit` command with colour-related variables cleared, so tests see what a script
/// piping the output sees.
pub fn rolefit() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("rolefit"));
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_LOG");
    cmd
}

/// A small valid scenario that tests change or break one thing at a time ([`base_with`]).
pub const BASE: &str = r#"Scenario(
    name: "Base",
    needs: [
        Need(role: "policy_framework", importance: 3),
        Need(role: "research", importance: 2),
    ],
    partners: [
        Partner(id: "moh", name: "Ministry", sector: "government"),
        Partner(id: "uni", name: "University", sector: "academia"),
    ],
)
"#;

/// [`BASE`] with the first `from` replaced by `to` (which must occur).
pub fn base_with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "`{from}` is not in the base scenario");
    BASE.replacen(from, to, 1)
}

/// The crate root (where `scenarios/`, `rules/` and `tests/` live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn dakar() -> PathBuf {
    repo().join("scenarios").join("cardio4cities-dakar.ron")
}

/// Every `.ron` file in `dir`, sorted by name.
pub fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

/// Every scenario shipped in `scenarios/`, discovered at run time (others add scenarios there).
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let files = ron_files(&repo().join("scenarios"));
    assert!(
        files.iter().any(|f| f.ends_with("cardio4cities-dakar.ron")),
        "the Dakar scenario must be shipped"
    );
    files
}

/// The purpose-built scenarios of `tests/fixtures/flags/`.
pub fn flag_fixture(name: &str) -> PathBuf {
    repo()
        .join("tests")
        .join("fixtures")
        .join("flags")
        .join(name)
}

pub fn flag_fixtures() -> Vec<PathBuf> {
    ron_files(&repo().join("tests").join("fixtures").join("flags"))
}

/// Runs `rolefit solve FILE --format json ARGS...`, asserts exit 0, and parses standard output.
pub fn solve_json(path: &Path, args: &[&str]) -> Value {
    let out = rolefit()
        .arg("solve")
        .arg(path)
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("rolefit runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "solve {} {args:?} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "solve {} --format json printed invalid JSON ({e}):\n{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

pub fn array<'a>(report: &'a Value, key: &str) -> &'a Vec<Value> {
    report[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is not an array in {report:#}"))
}

/// A string field, or `None` when it is null or missing.
pub fn opt_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Rank of a severity, `high` first.
pub fn severity_rank(severity: &str) -> usize {
    match severity {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        "info" => 3,
        other => panic!("unknown severity `{other}`"),
    }
}

/// 1-based line and column (in characters) of the `nth` (0-based) occurrence of `needle`.
pub fn locate(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Every `id: "..."` value of a RON file (rules, sectors, their items), in order.
pub fn ids_in(text: &str) -> Vec<String> {
    const OPENING: &str = "id: \"";
    text.match_indices(OPENING)
        .filter(|(i, _)| {
            // `id:` itself, not the end of another field such as `role_id:`.
            !text[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        })
        .map(|(i, _)| {
            let rest = &text[i + OPENING.len()..];
            rest[..rest.find('"').expect("a closing quote")].to_string()
        })
        .collect()
}

/// Running the binary and expecting success: the one place a test says "rolefit exits 0".
pub trait RunOk {
    /// Runs the command, asserts exit status 0 (showing standard error if not) and returns
    /// standard output.
    fn stdout_ok(&mut self) -> String;
}

impl RunOk for Command {
    fn stdout_ok(&mut self) -> String {
        let out = self.output().expect("rolefit runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "rolefit failed; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("rolefit writes UTF-8")
    }
}

/// `rolefit ARGS`, which must exit 0: its standard output.
pub fn run_ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    rolefit().args(args).stdout_ok()
}
