//! The `--emit-lp` file is the whole model: read back and solved on its own, it reaches the
//! objective rolefit reports. This is what a researcher relies on when checking rolefit with
//! another solver.

mod common;

use common::{RunOk, rolefit, shipped_scenarios};
use good_lp::{Expression, ProblemVariables, SolverModel, Variable, variable};
use std::collections::BTreeMap;

/// Coefficient and variable name of each term.
type Terms = Vec<(f64, String)>;

/// A minimal reader for the LP subset rolefit writes.
struct Lp {
    objective: Terms,
    /// Terms, comparison and right-hand side of each constraint.
    rows: Vec<(Terms, String, f64)>,
    bounds: BTreeMap<String, (f64, f64)>,
    binaries: Vec<String>,
}

fn terms(tokens: &[&str]) -> Terms {
    let mut out = Vec::new();
    let mut sign = 1.0;
    let mut coef: Option<f64> = None;
    for &t in tokens {
        match t {
            "+" => sign = 1.0,
            "-" => sign = -1.0,
            _ => match t.parse::<f64>() {
                Ok(v) => coef = Some(v),
                Err(_) => {
                    out.push((sign * coef.unwrap_or(1.0), t.to_string()));
                    sign = 1.0;
                    coef = None;
                }
            },
        }
    }
    out
}

fn read(text: &str) -> Lp {
    let mut lp = Lp {
        objective: Vec::new(),
        rows: Vec::new(),
        bounds: BTreeMap::new(),
        binaries: Vec::new(),
    };
    let mut section = "";
    let mut pending: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('\\') {
            continue;
        }
        match line.trim() {
            "Maximize" | "Subject To" | "Bounds" | "Binaries" | "End" => {
                if section == "Maximize" {
                    let toks: Vec<&str> = pending.iter().map(String::as_str).skip(1).collect();
                    lp.objective = terms(&toks);
                    pending.clear();
                }
                section = line.trim();
                continue;
            }
            _ => {}
        }
        match section {
            "Maximize" => pending.extend(line.split_whitespace().map(String::from)),
            "Subject To" => {
                pending.extend(line.split_whitespace().map(String::from));
                if let Some(op) = pending
                    .iter()
                    .position(|t| t == "<=" || t == ">=" || t == "=")
                {
                    let toks: Vec<&str> = pending[1..op].iter().map(String::as_str).collect();
                    let rhs: f64 = pending[op + 1].parse().expect("numeric right-hand side");
                    lp.rows.push((terms(&toks), pending[op].clone(), rhs));
                    pending.clear();
                }
            }
            "Bounds" => {
                let t: Vec<&str> = line.split_whitespace().collect();
                lp.bounds.insert(
                    t[2].to_string(),
                    (t[0].parse().expect("lower"), t[4].parse().expect("upper")),
                );
            }
            "Binaries" => lp
                .binaries
                .extend(line.split_whitespace().map(String::from)),
            _ => {}
        }
    }
    lp
}

fn solve_lp(lp: &Lp) -> f64 {
    let mut names: Vec<String> = lp.binaries.clone();
    names.extend(lp.bounds.keys().cloned());
    let mut pv = ProblemVariables::new();
    let mut vars: BTreeMap<String, Variable> = BTreeMap::new();
    for n in &names {
        let v = match lp.bounds.get(n) {
            Some(&(lo, hi)) => pv.add(variable().min(lo).max(hi)),
            None => pv.add(variable().binary()),
        };
        vars.insert(n.clone(), v);
    }
    let expr = |ts: &[(f64, String)]| -> Expression { ts.iter().map(|(c, n)| *c * vars[n]).sum() };
    let objective = expr(&lp.objective);
    let mut model = pv.maximise(objective.clone()).using(good_lp::microlp);
    for (ts, op, rhs) in &lp.rows {
        let e = expr(ts);
        model.add_constraint(match op.as_str() {
            "<=" => e.leq(*rhs),
            ">=" => e.geq(*rhs),
            _ => e.eq(*rhs),
        });
    }
    let solution = model.solve().expect("the written model is feasible");
    objective.eval_with(&solution)
}

#[test]
fn emitted_lp_solves_to_the_reported_objective() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = shipped_scenarios();
    let (mut checked, mut not_optimal) = (0, 0);
    for path in &files {
        let lp_path = dir.path().join("model.lp");
        let out = rolefit()
            .args([
                "solve",
                path.to_str().expect("utf-8 path"),
                "--format",
                "json",
                "--emit-lp",
            ])
            .arg(&lp_path)
            .stdout_ok();
        let json: serde_json::Value = serde_json::from_str(&out).expect("json");
        if json["status"] != "optimal" {
            // An infeasible scenario has no optimum to compare (it is shipped to show a
            // conflict); it is counted, not skipped unseen.
            not_optimal += 1;
            continue;
        }
        let text = std::fs::read_to_string(&lp_path).expect("LP written");
        assert!(
            text.lines().all(|l| l.len() < 510),
            "{}: an LP line is too long for common readers",
            path.display()
        );
        let lp = read(&text);
        let reported = json["objective"].as_f64().expect("objective");
        let solved = solve_lp(&lp);
        assert!(
            (solved - reported).abs() < 1e-3,
            "{}: LP optimum {solved}, rolefit reported {reported}",
            path.display()
        );
        checked += 1;
    }
    assert_eq!(checked + not_optimal, files.len());
    assert!(
        checked >= files.len() - 1,
        "only {checked} of {} shipped scenarios were optimal and checked",
        files.len()
    );
}

/// Found by review: with `_` joining ids, roles `community_outreach` and `outreach` held by
/// partners `ngo` and `ngo_community` were both `x_ngo_community_outreach`, so the LP file
/// merged two variables and another solver read a different model.
#[test]
fn lp_names_of_ngo_community_outreach_and_ngo_community_outreach_are_distinct() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("rules dir");
    std::fs::write(
        rules.join("outreach.ron"),
        r#"Roles(roles: [Role(id: "outreach", needs: {"community_access_and_outreach": 1})])"#,
    )
    .expect("rule file");
    let scenario = dir.path().join("s.ron");
    std::fs::write(
        &scenario,
        r#"Scenario(
    name: "Names",
    needs: [Need(role: "community_outreach", max: 2), Need(role: "outreach", max: 2)],
    partners: [
        Partner(id: "ngo", sector: "civil_society"),
        Partner(id: "ngo_community", sector: "civil_society"),
    ],
)"#,
    )
    .expect("scenario");
    let lp_path = dir.path().join("model.lp");
    let out = rolefit()
        .arg("solve")
        .arg(&scenario)
        .arg("--rules")
        .arg(&rules)
        .args(["--format", "json", "--emit-lp"])
        .arg(&lp_path)
        .stdout_ok();
    let text = std::fs::read_to_string(&lp_path).expect("LP written");
    let lp = read(&text);
    let mut binaries = lp.binaries.clone();
    binaries.sort();
    let before = binaries.len();
    binaries.dedup();
    assert_eq!(
        binaries.len(),
        before,
        "a variable name is used twice:\n{text}"
    );
    for name in ["x.ngo.community_outreach", "x.ngo_community.outreach"] {
        assert!(
            binaries.iter().any(|b| b == name),
            "{name} missing:\n{text}"
        );
    }
    let mut rows: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.trim()))
        .filter(|n| !n.is_empty() && !n.contains(' '))
        .collect();
    let before = rows.len();
    rows.sort_unstable();
    rows.dedup();
    assert_eq!(rows.len(), before, "a row name is used twice:\n{text}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let reported = json["objective"].as_f64().expect("objective");
    assert!((solve_lp(&lp) - reported).abs() < 1e-3, "{text}");
}
