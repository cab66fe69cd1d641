//! Solves a shipped scenario and prints why each partner got each role:
//! `cargo run --example solve -- [SCENARIO] [VARIANT]` (default: the Dakar scenario's base).
//!
//! The library in a few calls: load the scenario with its rules, pick a line-up, solve and
//! explain, render.

use rolefit::{ScenarioFiles, report::Format};

fn main() -> Result<(), rolefit::Error> {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/cardio4cities-dakar.ron"
        )
        .to_string()
    });
    let variant = args.next();
    let (loaded, warnings) = rolefit::load_scenario(&ScenarioFiles::new(scenario))?;
    for w in &warnings {
        eprintln!("{}", w.render(false));
    }
    let line_up = rolefit::line_up(&loaded.scenario, variant.as_deref())?;
    let outcome = rolefit::solve_line_up(&loaded.kb, &line_up, &Default::default())?;
    for a in &outcome.assignments {
        println!("{} takes {}:", a.partner, a.role);
        for reason in &a.reasons {
            println!("  - {reason}");
        }
    }
    // The whole report, as `rolefit solve --format markdown` writes it.
    println!("\n{}", rolefit::render(&outcome, Format::Markdown));
    Ok(())
}
