//! Every command in every format on the shipped scenarios, byte for byte against a snapshot.
//!
//! The commands are data (`tests/snapshots/commands.txt`, one `name: arguments` per line); the
//! snapshots are `tests/snapshots/outputs/<name>.snap`. A refactoring must leave them
//! all unchanged; an intended change of output is reviewed with `cargo insta review`.

mod common;

use common::{repo, rolefit};
use std::path::Path;

/// One line of the case list.
struct Case {
    name: String,
    args: Vec<String>,
}

/// The case list, with `#` comments and blank lines skipped.
fn cases() -> Vec<Case> {
    let path = repo().join("tests/snapshots/commands.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, line)| {
            let (name, args) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("commands.txt:{}: no `name:`", i + 1));
            Case {
                name: name.trim().to_string(),
                args: split_args(args).unwrap_or_else(|e| panic!("commands.txt:{}: {e}", i + 1)),
            }
        })
        .collect()
}

/// Splits on spaces, keeping double-quoted words whole.
fn split_args(line: &str) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    args.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if quoted {
        return Err("an unclosed quote".into());
    }
    if started {
        args.push(word);
    }
    Ok(args)
}

/// Runs one case from the repository root; the snapshot is standard output, or the file a
/// `{out}` argument names. Scratch paths are replaced by `{dir}` so snapshots do not depend on
/// where the repository is.
fn run(case: &Case, dir: &Path) -> String {
    let dir_text = dir.display().to_string();
    let out = dir.join(format!("{}.out", case.name));
    let out_text = out.display().to_string();
    let mut written = None;
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| {
            if a.contains("{out}") {
                let path = a.replace("{out}", &out_text);
                written = Some(path.clone());
                path
            } else {
                a.replace("{dir}", &dir_text)
            }
        })
        .collect();
    let output = rolefit()
        .current_dir(repo())
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("{}: cannot run rolefit: {e}", case.name));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let shown = match &written {
        Some(path) => std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: {path}: {e}\n{stderr}", case.name)),
        None => stdout,
    };
    let status = output
        .status
        .code()
        .map_or("killed".to_string(), |c| c.to_string());
    format!("exit {status}\n{}", shown.replace(&dir_text, "{dir}"))
}

#[test]
fn every_command_in_every_format_matches_its_snapshot() {
    let cases = cases();
    let dir = tempfile::tempdir().expect("a scratch folder");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(repo().join("tests/snapshots/outputs"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut checked = 0;
    settings.bind(|| {
        for case in &cases {
            let shown = run(case, dir.path());
            insta::assert_snapshot!(case.name.as_str(), shown);
            checked += 1;
        }
    });
    assert!(checked >= 60, "only {checked} commands were checked");
    // Every snapshot on disk belongs to a case, so a renamed case leaves no stale file behind.
    let names: std::collections::BTreeSet<String> = cases.iter().map(|c| c.name.clone()).collect();
    for entry in std::fs::read_dir(repo().join("tests/snapshots/outputs")).expect("outputs") {
        let file = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if let Some(name) = file.strip_suffix(".snap") {
            assert!(
                names.contains(name) || name.starts_with("workshop-"),
                "{file} belongs to no case in commands.txt"
            );
        }
    }
}

/// The workshop's wall through a short session: the start, a partner removed, a cell pinned, an
/// undo, and the agreement page. The session's token is replaced by `{token}`.
#[test]
fn the_workshop_wall_matches_its_snapshots() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let path = dir.path().join("dakar.ron");
    std::fs::copy(common::dakar(), &path).expect("a copy of Dakar");
    let server = common::workshop::Server::start(&path, &[]);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(repo().join("tests/snapshots/outputs"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    assert!(server.token.chars().all(|c| c.is_ascii_alphanumeric()));
    settings.add_filter(&server.token, "{token}");
    let start = server.get("/api/state");
    let removed = server.step(
        start.revision(),
        serde_json::json!({"op": "remove", "partner": "foundation"}),
    );
    let pinned = server.step(
        removed.revision(),
        serde_json::json!({"op": "cell", "action": "pin", "partner": "relais", "role": "programme_coordination"}),
    );
    let undone = server.post(
        "/api/undo",
        &serde_json::json!({"revision": pinned.revision()}),
    );
    let page = server.get(&format!("/?t={}", server.token));
    let agreement = server.get(&format!("/agreement?t={}", server.token));
    settings.bind(|| {
        insta::assert_snapshot!("workshop-page", page.body);
        insta::assert_snapshot!("workshop-start", start.html());
        insta::assert_snapshot!("workshop-removed", removed.html());
        insta::assert_snapshot!("workshop-pinned", pinned.html());
        insta::assert_snapshot!("workshop-undone", undone.html());
        insta::assert_snapshot!("workshop-agreement", agreement.body);
    });
}

#[test]
fn quoted_arguments_stay_whole() {
    assert_eq!(
        split_args(r#"solve a.ron --variant "without the start-up""#).unwrap(),
        ["solve", "a.ron", "--variant", "without the start-up"]
    );
    assert!(split_args(r#"solve "open"#).is_err());
}
