//! Command-line definitions only (clap); `commands` carries them out.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "rolefit",
    version,
    about = "Recommends who should do what in a multi-stakeholder partnership",
    long_about = "Recommends who should do what in a multi-stakeholder partnership.\n\n\
        rolefit reads a consortium scenario (partners, the roles the project needs, constraints), \
        finds the line-up that best uses each partner's comparative advantages while keeping each \
        within its institutional logic (Table 1 of the DCCC discussion paper), and explains it.",
    after_help = "Exit status: 0 success, 2 invalid input or arguments, 3 a flag at or above --fail-on, 1 other failures."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More log output on standard error (-v debug, -vv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on standard error.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Recommend a line-up for a scenario and explain it.
    Solve(SolveArgs),
    /// Validate scenario and rule files, printing every problem found.
    Check(CheckArgs),
    /// Show the knowledge base in force: sectors, roles, rules.
    Rules(RulesArgs),
    /// Would the partnership do as well without a funder's money? Counterfactual line-ups,
    /// a finding per funded role, and a verdict.
    Additionality(AdditionalityArgs),
    /// What each partner adds: leave-one-out and Shapley values against each partner's effort.
    Value(ValueArgs),
}

/// Which knowledge base to use.
#[derive(Debug, Args, Clone, Default)]
pub struct RuleArgs {
    /// Extra rule files (a directory of .ron files, or one file) that extend or override the
    /// built-in rules by id.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Use only the files of --rules, without the built-in knowledge base.
    #[arg(long, requires = "rules")]
    pub no_default_rules: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
}

#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The scenario file (RON), or `-` for standard input.
    pub scenario: String,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Solve this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit with status 3 when a flag at or above this severity is raised.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Write the optimisation model in CPLEX LP format to FILE.
    #[arg(long, value_name = "FILE")]
    pub emit_lp: Option<PathBuf>,
    /// Stop searching after SECONDS and report the best line-up found (status `feasible`).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// Print the time of each stage to standard error.
    #[arg(long)]
    pub timings: bool,
    /// The MILP solver: `microlp` (pure Rust, the default); others when built with their cargo feature.
    #[arg(long, value_name = "NAME", default_value = "microlp")]
    pub solver: String,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files, rule files or rule directories (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text, global = true)]
    pub format: CheckFormat,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// List sectors, roles, rules and the vocabulary (the default).
    List,
    /// Show one sector, role, rule, capability, trait or attribute with its sources.
    Show {
        /// The id to show, e.g. `civil_society` or `civil_society_commercial_role`.
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct AdditionalityArgs {
    /// The scenario file (RON), or `-` for standard input.
    pub scenario: String,
    /// The partner whose money is judged (its `funds` list).
    #[arg(long, value_name = "ID")]
    pub funder: String,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Judge the funder in this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit with status 3 when a flag of the analysis is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Stop each of the three solves after SECONDS (status `feasible`).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValueMethod {
    /// Exact up to 20 partners who can take a role, sampled above.
    Auto,
    Exact,
    Sampled,
}

#[derive(Debug, Args)]
pub struct ValueArgs {
    /// The scenario file (RON), or `-` for standard input.
    pub scenario: String,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Value the partners of this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// How Shapley values are computed.
    #[arg(long, value_enum, default_value_t = ValueMethod::Auto)]
    pub method: ValueMethod,
    /// Seed of the sampled method (the same seed gives the same values on any number of threads).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Sampling stops when every interval's half-width is within this share of the total value.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.02,
        allow_negative_numbers = true
    )]
    pub precision: f64,
    /// Confidence level of the sampled intervals.
    #[arg(
        long,
        value_name = "LEVEL",
        default_value_t = 0.95,
        allow_negative_numbers = true
    )]
    pub confidence: f64,
    /// Most random orders the sampled method draws.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_permutations: usize,
    /// Share points between value and effort beyond which a partner is called unbalanced.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.05,
        allow_negative_numbers = true
    )]
    pub margin: f64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Give up after SECONDS: the exact method fails, the sampled one reports the precision reached.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
