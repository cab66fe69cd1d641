//! `rolefit value`: what each partner adds (leave-one-out and Shapley values) against its effort.

use super::usage::UsageError;
use super::{EXIT_OK, Timings, chosen_line_up, deliver, report_format, threads, worker_pool};
use crate::cli::{ValueArgs, ValueMethod};
use rolefit::Error;
use rolefit::report;
use rolefit::value::Sampling;
use std::time::Instant;

pub fn run(args: &ValueArgs) -> Result<u8, Error> {
    let started = Instant::now();
    let deadline = rolefit::time_limit(args.time_limit)?.map(|t| started + t);
    check(args)?;
    let (kb, scenario, line_up) = chosen_line_up(args, &mut Timings::default())?;
    let pool = worker_pool(args.threads)?;
    let opts = rolefit::ValueOptions {
        method: match args.method {
            ValueMethod::Exact => rolefit::ValueMethod::Exact,
            ValueMethod::Sampled => rolefit::ValueMethod::Sampled,
            ValueMethod::Auto => rolefit::ValueMethod::Auto,
        },
        sampling: Sampling {
            seed: args.seed,
            confidence: args.confidence,
            precision: args.precision,
            max_permutations: args.max_permutations,
            ..Default::default()
        },
        margin: args.margin,
        deadline,
    };
    let report = pool
        .install(|| rolefit::value(&kb, &line_up, &opts))
        .map_err(|e| match e {
            // The command names the file it read, as `solve` does.
            Error::TooLarge { source, .. } => Error::TooLarge {
                within: scenario.file.clone(),
                source,
            },
            other => other,
        })?;
    let (format, style) = report_format(args.format, args.output.as_deref());
    let text = report::value::render(&report, format, style);
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}

/// Arguments that make no sense, refused before any work.
fn check(args: &ValueArgs) -> Result<(), Error> {
    let share = |name: &'static str, v: f64, lo: f64, hi: f64| {
        if v.is_finite() && v > lo && v < hi {
            Ok(())
        } else {
            Err(Error::from(UsageError::Between {
                flag: name,
                lo,
                hi,
                given: v,
            }))
        }
    };
    share("precision", args.precision, 0.0, 1.0)?;
    share("confidence", args.confidence, 0.0, 1.0)?;
    if !(args.margin.is_finite() && (0.0..1.0).contains(&args.margin)) {
        return Err(UsageError::Margin(args.margin).into());
    }
    if args.max_permutations < 2 {
        return Err(UsageError::MaxPermutations(args.max_permutations).into());
    }
    threads(args.threads)?;
    Ok(())
}
