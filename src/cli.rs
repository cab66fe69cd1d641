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
    /// Compare the base line-up with every variant (and what-ifs), side by side.
    Compare(CompareArgs),
    /// Rank the partners that could take a role, or the roles a partner could take.
    Recommend(RecommendArgs),
    /// Rank candidate partners (or typical sector members) by what adding each would gain.
    Recruit(ExploreArgs),
    /// What the partnership loses if each partner leaves: its single points of failure.
    Fragility(ExploreArgs),
    /// Turn a partner spreadsheet (.csv or .xlsx) into a scenario file.
    Import(ImportArgs),
    /// Validate scenario and rule files, printing every problem found.
    Check(CheckArgs),
    /// Run expert cases (GIVEN a scenario, EXPECT holders, gaps, flags) and report every
    /// expectation that fails.
    Test(TestArgs),
    /// Show the knowledge base in force: sectors, roles, rules.
    Rules(RulesArgs),
    /// One page per partner answering the framework's four guiding questions, for a workshop.
    Brief(BriefArgs),
    /// Run a designed set of scenarios (a sweep file) and stream one row per run to a table.
    Sweep(SweepArgs),
    /// Join the shards of a sweep (`sweep --shard K/N`) into the unsharded output.
    Merge(MergeArgs),
    /// What drives the outcomes of a sweep: effects by factor level and scenario discovery.
    Summarize(SummarizeArgs),
    /// Would the partnership do as well without a funder's money? Counterfactual line-ups,
    /// a finding per funded role, and a verdict.
    Additionality(AdditionalityArgs),
    /// What each partner adds: leave-one-out and Shapley values against each partner's effort.
    Value(ValueArgs),
    /// A live workshop page: the line-up on the wall, what-ifs by click, undo, save as a variant.
    Workshop(WorkshopArgs),
    /// The roles-and-responsibilities annex of an MoU: scope, RACI chart, commitments, success
    /// measures, risks to watch, review.
    Agreement(AgreementArgs),
    /// A shell completion script on standard output (e.g. `rolefit completions bash >
    /// ~/.local/share/bash-completion/completions/rolefit`).
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    /// One self-contained page (inline CSS and SVG charts) to open in a browser or print.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
}

/// The scenario and the knowledge base to read it with.
#[derive(Debug, Args, Clone)]
pub struct ScenarioArgs {
    /// The scenario file (RON), or `-` for standard input.
    pub scenario: String,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Partners from a spreadsheet (.csv or .xlsx, one row per partner), added to the scenario's.
    #[arg(long, value_name = "FILE")]
    pub partners: Option<PathBuf>,
    /// Commitments from a spreadsheet (.csv or .xlsx, one row per commitment: funder, role,
    /// amount, phase; optionally id, only_if, never_to, through), added to the scenario's.
    #[arg(long, value_name = "FILE")]
    pub commitments: Option<PathBuf>,
}

/// Changes to the line-up without editing files; the result is reported as a variant named
/// after them.
#[derive(Debug, Args, Clone, Default)]
pub struct WhatIfArgs {
    /// What if this partner leaves (repeatable).
    #[arg(long, value_name = "ID")]
    pub without: Vec<String>,
    /// What if the partner in FILE (a RON `Partner(...)`) joins (repeatable).
    #[arg(long, value_name = "FILE")]
    pub with: Vec<PathBuf>,
    /// What if PARTNER is fixed to ROLE (repeatable; `PARTNER=ROLE`).
    #[arg(long, value_name = "PARTNER=ROLE")]
    pub pin: Vec<String>,
    /// What if PARTNER may not take ROLE (repeatable; `PARTNER=ROLE`).
    #[arg(long, value_name = "PARTNER=ROLE")]
    pub forbid: Vec<String>,
    /// What if this partner withdraws its funding commitments (repeatable).
    #[arg(long, value_name = "ID")]
    pub unfunded: Vec<String>,
}

/// How hard to search.
#[derive(Debug, Args, Clone)]
pub struct SolverArgs {
    /// End the whole command within SECONDS: every solve stops by then and reports the best
    /// line-up found (status `feasible`, and a note in every format).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// The MILP solver: `microlp` (pure Rust, the default); others when built with their cargo feature.
    #[arg(long, value_name = "NAME", default_value = "microlp")]
    pub solver: String,
    /// Envelope rows for the partners' workload limits: `auto` adds them above 24 needed roles,
    /// where they keep branch and bound small; `always`, `never` (the line-up is the same).
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub tighten: String,
}

/// How robust each role of the recommended line-up is: margins, ties, stability under perturbed
/// capabilities, close calls.
#[derive(Debug, Args, Clone)]
pub struct RobustnessArgs {
    /// Most perturbed samples behind each role's stability (drawn in batches of 25 until every
    /// role is clearly above or below the close-call threshold); 0 turns the robustness
    /// assessment off (no margins, runner-ups or close calls; faster). Default: 100, for
    /// line-ups of at most 500 open partner-role pairs; larger ones are assessed only when N
    /// is given (the report says so).
    #[arg(long, value_name = "N")]
    pub robustness_samples: Option<usize>,
    /// Seed of the perturbations: the same seed gives the same figures on any number of threads.
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    pub robustness_seed: u64,
    /// How far assumed capabilities move (uniformly, +-X); stated ones move half as far.
    #[arg(
        long,
        value_name = "X",
        default_value_t = rolefit::robust::DEFAULT_NOISE,
        allow_negative_numbers = true
    )]
    pub robustness_noise: f64,
    /// Roles their holder keeps in fewer than this share of the samples are close calls (ties
    /// always are).
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = rolefit::robust::DEFAULT_CLOSE_CALL,
        allow_negative_numbers = true
    )]
    pub close_call: f64,
}

#[derive(Debug, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// Solve this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit with status 3 when a flag at or above this severity is raised.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Write the optimisation model in CPLEX LP format to FILE.
    #[arg(long, value_name = "FILE")]
    pub emit_lp: Option<PathBuf>,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub robustness: RobustnessArgs,
    /// Print the time of each stage to standard error.
    #[arg(long)]
    pub timings: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// Compare only these variants (repeatable; all by default).
    #[arg(long, value_name = "NAME")]
    pub variant: Vec<String>,
    /// What-ifs applied to the base form one more line-up, named after them.
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub robustness: RobustnessArgs,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A question asked around one line-up (the base, a variant, or a what-if).
#[derive(Debug, Args)]
pub struct ExploreArgs {
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// Ask about this variant instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub solver: SolverArgs,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("subject").required(true).args(["role", "partner"]))]
pub struct RecommendArgs {
    #[command(flatten)]
    pub explore: ExploreArgs,
    /// Every partner that could take ROLE, best first.
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Every role PARTNER could take, best first.
    #[arg(long, value_name = "ID")]
    pub partner: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The sheet: one row per partner with columns id, name, sector, capacity, a column per
    /// capability (0 to 1), refuses, funds, attributes (lists separated by `;`).
    pub sheet: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// The scenario's name (default: the sheet's file name).
    #[arg(long)]
    pub name: Option<String>,
    /// The needed roles with their importance, e.g. `policy_framework=4,research=3`
    /// (default: every role of the catalogue at importance 3, to edit).
    #[arg(long, value_name = "ROLE=IMPORTANCE,...")]
    pub needs: Option<String>,
    /// Write the scenario to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BriefFormat {
    Markdown,
    /// One self-contained page, one printed page per partner.
    Html,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// Brief this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    /// Only this partner's page (repeat for several); the overview still shows everyone.
    #[arg(long, value_name = "ID")]
    pub partner: Vec<String>,
    #[arg(long, value_enum, default_value_t = BriefFormat::Markdown)]
    pub format: BriefFormat,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub robustness: RobustnessArgs,
    /// Write the brief to FILE instead of standard output.
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
    /// Scenario, case and rule files, or rule directories (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Case files, or directories holding them (every `.ron` file below; scenario and rule
    /// files there are the cases' supporting files and are skipped).
    #[arg(required = true, value_name = "DIR|FILE")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub solver: SolverArgs,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The sweep file (RON), or `-` for standard input.
    pub spec: String,
    /// The output table; `.csv` or `.jsonl` chooses the format unless --format is given.
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,
    /// Worker threads (default: one per core). The output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Run only shard K of N (runs whose id is K modulo N; K from 0). `env/N` reads K from
    /// SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Finish an interrupted sweep: keep its rows, run each remaining run once.
    #[arg(long)]
    pub resume: bool,
    /// Discard an interrupted sweep of the same output and start again.
    #[arg(long, conflicts_with = "resume")]
    pub restart: bool,
    /// Leave out the `solve_ms` column, the only one that differs between identical runs.
    #[arg(long)]
    pub no_solve_time: bool,
    /// Run the rows of FILE instead of the sweep file's design: a CSV with one column per
    /// factor (its name or path; columns the sweep does not declare become factors) and one
    /// row per design point, e.g. a SALib or EMA Workbench sample. `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub design: Option<String>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The finished shard outputs (each with its `.manifest.json`), in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// The merged table: byte for byte what one unsharded run writes.
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    Text,
    Markdown,
    Json,
    Html,
}

#[derive(Debug, Args)]
pub struct SummarizeArgs {
    /// A sweep output (.csv or .jsonl).
    pub file: PathBuf,
    /// The outcome for scenario discovery and ranking, e.g. `mission_drift > 0`,
    /// `objective < 20`, `status == infeasible`. A flag kind stands for its count column.
    #[arg(long, value_name = "EXPR")]
    pub outcome: Option<String>,
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    /// Bins for numeric factors with many values.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub bins: usize,
    /// Smallest share of runs the discovered box may keep (PRIM's minimum mass).
    #[arg(long, default_value_t = 0.05, value_name = "SHARE")]
    pub min_mass: f64,
    /// Report the box at this step of the peeling trajectory (0 is the whole design) instead
    /// of the densest one.
    #[arg(long = "box", value_name = "STEP", group = "box_choice")]
    pub box_step: Option<usize>,
    /// Report the densest box that still covers at least SHARE of the runs meeting the outcome.
    #[arg(long, value_name = "SHARE", group = "box_choice")]
    pub min_coverage: Option<f64>,
    /// Report the box with the most coverage whose density is at least SHARE.
    #[arg(long, value_name = "SHARE", group = "box_choice")]
    pub min_density: Option<f64>,
    /// Write the summary to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AdditionalityArgs {
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// The partner whose money is judged (its `funds` list).
    #[arg(long, value_name = "ID")]
    pub funder: String,
    /// Judge the funder in this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Exit with status 3 when a flag of the analysis is at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    #[command(flatten)]
    pub solver: SolverArgs,
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
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// Value the partners of this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[command(flatten)]
    pub what_if: WhatIfArgs,
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
    /// End within SECONDS: the exact method fails, the sampled one reports the precision reached.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WorkshopArgs {
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// Start from this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// The scenario file Save writes the session's variant into (default: the scenario itself;
    /// its text before the first save is kept as FILE.orig).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Address and port to listen on; port 0 picks a free one. Anything but a loopback address
    /// lets other machines reach the page (with its token).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Stop each solve after SECONDS (default 20) and show the best line-up found.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// The MILP solver (see `solve --solver`).
    #[arg(long, value_name = "NAME", default_value = "microlp")]
    pub solver: String,
    // The wall's margins and close calls, assessed for every state as `solve` does.
    #[command(flatten)]
    pub robustness: RobustnessArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AgreementFormat {
    Markdown,
    /// One self-contained page to print.
    Html,
}

#[derive(Debug, Args)]
pub struct AgreementArgs {
    #[command(flatten)]
    pub input: ScenarioArgs,
    /// Draw the agreement for this variant of the scenario instead of the base line-up.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    #[arg(long, value_enum, default_value_t = AgreementFormat::Markdown)]
    pub format: AgreementFormat,
    /// Months between reviews of the annex.
    #[arg(long, value_name = "N", default_value_t = 6)]
    pub review_months: u32,
    #[command(flatten)]
    pub solver: SolverArgs,
    /// Write the agreement to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
