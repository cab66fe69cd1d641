//! `rolefit solve`: one line-up, explained.

use super::{
    EXIT_FLAGGED, EXIT_OK, Timings, chosen_line_up, deliver, emit_err, report_format, robustness,
    severity, solve_options, write_file,
};
use crate::cli::SolveArgs;
use rolefit::report;
use rolefit::{Error, model};

pub fn run(args: &SolveArgs) -> Result<u8, Error> {
    let options = solve_options(&args.solver)?;
    let settings = robustness(&args.robustness)?;
    let mut t = Timings::default();
    let (kb, scenario, line_up) = chosen_line_up(args, &mut t)?;
    let (problem, milp) = t.stage("build", || -> Result<_, Error> {
        let mut problem =
            model::Problem::try_new(&kb, &line_up).map_err(|source| Error::TooLarge {
                within: scenario.file.clone(),
                source,
            })?;
        options.tighten.prepare(&mut problem);
        let milp = model::build(&problem);
        Ok((problem, milp))
    })?;
    tracing::debug!(
        vars = milp.vars.len(),
        rows = milp.rows.len(),
        instances = problem.instances.len(),
        "model built"
    );
    if let Some(path) = &args.emit_lp {
        write_file(path, &model::lp::write(&problem, &milp))?;
    }
    let (solved, relaxation) = t.stage("solve", || {
        rolefit::robust::solve_for(&problem, &milp, &settings, &options)
    })?;
    let assessed = t.stage("robustness", || {
        rolefit::robust::assess_relaxed(
            &problem,
            &milp,
            &solved,
            relaxation.as_ref(),
            &settings,
            &options,
        )
    })?;
    let outcome = t.stage("explain", || {
        rolefit::explain_assessed(&problem, &solved, assessed, &settings)
    });
    let (format, style) = report_format(args.format, args.output.as_deref());
    let text = t.stage("render", || report::render(&outcome, format, style));
    deliver(args.output.as_deref(), &text)?;
    if args.timings {
        emit_err(&t.report());
    }
    let flagged = args
        .fail_on
        .map(severity)
        .is_some_and(|limit| outcome.flags.iter().any(|f| f.severity >= limit));
    Ok(if flagged { EXIT_FLAGGED } else { EXIT_OK })
}
