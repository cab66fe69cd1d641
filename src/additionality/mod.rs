//! Additionality of a funder's money: would the partnership do as well without it?
//!
//! Money is committed to a role, held by anyone (`Commitment(...)`, or a partner's `funds`), in
//! a phase, on conditions. Three line-ups are solved and explained side by side: *with* the
//! funder, the funder staying *without its money* (it withdraws every commitment, and may still
//! hold roles), and *without* the funder (its money, its roles, and the money that depends on it
//! or flows through it go too). Each commitment is then judged with its amounts against the
//! line-up's money account (`judge`): what it finances that nobody else would, what others'
//! money already covers (crowding out, by amount; public money when that is a government's own
//! budget line), what its conditions keep from the role's holder, and what others commit only
//! on condition of it (leverage). The verdict, per commitment and overall, follows from the
//! amounts; without amounts, from whether anyone else puts money into the role.
//!
//! Beside the verdict the analysis answers the rest of an investment committee's questions:
//! what goes unfinanced without the money, who else pays (co-financing and leverage ratios),
//! Table 1's four investor risks, and who finances each pilot role at scale (`risks`). Flags
//! come from rules: `Additionality(finding: ...)` rules judge the findings, and the line-up's own
//! flags about the funder and the money of its roles are carried over.

mod flags;
mod judge;
mod lineups;
mod risks;

pub use risks::level_words;

use crate::explain::{Flag, Outcome, sort_flags};
use crate::kb::{Finding, KnowledgeBase, Severity};
use crate::scenario::LineUp;
use crate::solve::{self, Options, Status};
use lineups::Solved;

/// Everything `rolefit additionality` reports. Plain data; renderers format it.
#[derive(Debug, Clone)]
pub struct Additionality {
    /// The scenario analysed.
    pub scenario: String,
    /// The variant, when one was picked.
    pub variant: Option<String>,
    /// Who the funder is.
    pub funder: FunderView,
    /// The scenario's currency (`None` when it states no amount) and phases.
    pub currency: Option<String>,
    /// The phases money is planned in, in order.
    pub phases: Vec<String>,
    /// The three line-ups, side by side.
    pub with: Outcome,
    /// The line-up without the funder's money, the funder staying.
    pub unfunded: Outcome,
    /// The line-up without the funder altogether.
    pub without: Outcome,
    /// Each commitment of the funder, judged; by id.
    pub commitments: Vec<Judged>,
    /// Each role it puts money into, with its holders in the three line-ups; by role id.
    pub roles: Vec<FundedRole>,
    /// Its money in totals, and the ratios.
    pub money: MoneySummary,
    /// Roles and phases whose money falls short, or falls short by more, without its money.
    pub shortfalls: Vec<Shortfall>,
    /// Whether the funder's money, taken together, is additional.
    pub verdict: Verdict,
    /// One sentence giving the numbers behind the verdict.
    pub summary: String,
    /// Value of the line-up with the funding minus without it (the funder staying), in points
    /// of the objective; `None` when no line-up without the funding satisfies the hard
    /// constraints.
    pub added_by_funding: Option<f64>,
    /// Value of the line-up with the funder minus without it altogether (`None` likewise).
    pub added_by_funder: Option<f64>,
    /// Roles whose holders differ between the three line-ups, by role id.
    pub changes: Vec<Change>,
    /// For each commitment in a phase before the last: who finances its role next.
    pub handover: Vec<Handover>,
    /// Table 1's collaboration risks of impact investors, each assessed.
    pub risks: Vec<Risk>,
    /// Sorted as every flag list (severity, kind, partner, role, rule, message).
    pub flags: Vec<Flag>,
    /// What the time limit cut short, and facts a reader needs beside the figures.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
/// The funder as the memo introduces it.
pub struct FunderView {
    /// Its partner id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector: String,
    /// Roles it puts money into, by role id.
    pub funds: Vec<String>,
}

/// One commitment of the funder, judged.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The commitment's id.
    pub id: String,
    /// Who commits the money.
    pub funder: String,
    /// The role it goes to.
    pub role: String,
    /// The role's name, for prose.
    pub role_name: String,
    /// `None` when the scenario does not need the role.
    pub importance: Option<u32>,
    /// `None`: every phase.
    pub phase: Option<String>,
    /// `None`: the scenario states no amount.
    pub amount: Option<f64>,
    /// Its conditions in words ("only if moh_budget holds", "never to government").
    pub terms: Vec<String>,
    /// What became of the money in the line-up.
    pub finding: Finding,
    /// Whether this commitment is additional.
    pub verdict: Verdict,
    /// The part no other money would replace (`None` without amounts).
    pub additional: Option<f64>,
    /// The part that overlaps money already committed (`None` when it cannot be measured).
    pub crowded: Option<f64>,
    /// The role's budget in its phase, when stated.
    pub budget: Option<f64>,
    /// Other money reaching the role in the same phase.
    pub others: Vec<Other>,
    /// Others' money that holds only on condition of this commitment.
    pub leveraged: Vec<Leveraged>,
    /// The condition that keeps its money from the holder, and where it comes from.
    pub restricted_by: Option<String>,
    /// The partners holding (or able to hold) the role that the condition keeps it from.
    pub restricted_from: Vec<String>,
    /// What the role is short of in its phase(s), with and without the funder's money.
    pub short_with: Option<f64>,
    /// What the role is short of without the funder's money.
    pub short_without: Option<f64>,
    /// Without the funder's money the role has none and is not covered.
    pub unfinanced_without: bool,
    /// The finding in words, with its numbers.
    pub explanation: String,
}

impl Judged {
    /// Whether the money reaches its role in the line-up.
    pub fn used(&self) -> bool {
        !matches!(self.finding, Finding::Restricted | Finding::Unused)
            || (self.finding == Finding::Unused && self.crowded.is_some())
    }
}

/// Another commitment's money in the same role and phase.
#[derive(Debug, Clone, PartialEq)]
pub struct Other {
    /// That commitment's id.
    pub commitment: String,
    /// Who commits it.
    pub funder: String,
    /// Its amount, when stated.
    pub amount: Option<f64>,
    /// A government's own budget line.
    pub public: bool,
}

/// Money another partner commits only because of the funder's.
#[derive(Debug, Clone, PartialEq)]
pub struct Leveraged {
    /// The commitment's id.
    pub commitment: String,
    /// Who commits it.
    pub funder: String,
    /// The role it goes to.
    pub role: String,
    /// Its amount, when stated.
    pub amount: Option<f64>,
    /// "on condition of it" (`only_if`), or "through it" (`through`).
    pub how: &'static str,
}

/// The funder's money in totals (stated amounts only).
#[derive(Debug, Clone, Default)]
pub struct MoneySummary {
    /// All its commitments' stated amounts.
    pub committed: f64,
    /// Some commitment states no amount.
    pub unstated: bool,
    /// The part no other money would replace.
    pub additional: f64,
    /// Overlapping money already committed by others.
    pub crowded: f64,
    /// The part of `crowded` that is a government's own budget line.
    pub crowded_public: f64,
    /// Money that cannot be used as the line-up stands (restricted, unused, a condition unmet).
    pub unused: f64,
    /// Money above the budget of a role nobody else finances.
    pub above_budget: f64,
    /// Others' money that holds only on condition of its commitments.
    pub leveraged: f64,
    /// Others' money that reaches the programme only through it.
    pub channelled: f64,
    /// The commitments behind `channelled`.
    pub channelled_list: Vec<Leveraged>,
    /// Others' money in the same roles and phases as its money that is used.
    pub co_financing: f64,
    /// `leveraged / committed` (used money), when it has amounts.
    pub leverage_ratio: Option<f64>,
    /// `co_financing / committed` (used money), when it has amounts.
    pub co_financing_ratio: Option<f64>,
}

/// A role and phase that is short of money, or short by more, without the funder's money.
#[derive(Debug, Clone)]
pub struct Shortfall {
    /// The role.
    pub role: String,
    /// Its importance in the scenario.
    pub importance: u32,
    /// The phase.
    pub phase: String,
    /// Its budget there.
    pub budget: f64,
    /// What it is short of with the funder's money.
    pub short_with: f64,
    /// What it is short of without it.
    pub short_without: f64,
    /// Without its money the role has none at all, so it is not covered.
    pub unfinanced_without: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// What happens to a funded role when the funder's phase ends: the pilot-to-scale handover.
pub enum HandoverStatus {
    /// Others (or the funder itself) finance the role in the next phase, in full.
    TakenOver,
    /// Money reaches the role in the next phase, short of its budget.
    Partly,
    /// The role's budget ends with the phase.
    EndsByDesign,
    /// Nobody finances the role in the next phase.
    Nobody,
}

impl HandoverStatus {
    /// The name JSON uses.
    pub fn name(self) -> &'static str {
        match self {
            HandoverStatus::TakenOver => "taken_over",
            HandoverStatus::Partly => "partly",
            HandoverStatus::EndsByDesign => "ends_by_design",
            HandoverStatus::Nobody => "nobody",
        }
    }
}

#[derive(Debug, Clone)]
/// Who finances a role after the phase a commitment pays for.
pub struct Handover {
    /// The commitment whose phase ends.
    pub commitment: String,
    /// The role it finances.
    pub role: String,
    /// The phase it pays for.
    pub from: String,
    /// The next phase.
    pub to: String,
    /// Whether someone takes over.
    pub status: HandoverStatus,
    /// Who finances the role in the next phase.
    pub by: Vec<Other>,
    /// The role's budget in the next phase.
    pub budget: f64,
    /// What the role is short of in the next phase.
    pub short: f64,
    /// The handover in words.
    pub words: String,
}

/// One of Table 1's collaboration risks of impact investors, assessed for the funder.
#[derive(Debug, Clone)]
pub struct Risk {
    /// The risk's id.
    pub id: String,
    /// Its name in Table 1.
    pub label: String,
    /// The Table 1 cell.
    pub source: String,
    /// The most severe flag of the analysis citing the cell (or, for reputation, a pilot left
    /// without financing); `None` when none is raised.
    pub level: Option<Severity>,
    /// The assessment in words.
    pub assessment: String,
    /// The messages of those flags.
    pub evidence: Vec<String>,
    /// The rules that encode the cell.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone)]
/// A role the funder puts money into, across the three line-ups.
pub struct FundedRole {
    /// The role's id.
    pub role: String,
    /// Its name.
    pub role_name: String,
    /// `None` when the scenario does not need the role.
    pub importance: Option<u32>,
    /// The funder's commitments to the role, judged together.
    pub finding: Finding,
    /// Who holds the role in each line-up.
    pub with: Vec<Holder>,
    /// Holders without the funder's money.
    pub unfunded: Vec<Holder>,
    /// Holders without the funder.
    pub without: Vec<Holder>,
    /// Other partners whose money reaches the role in the same phases as the funder's.
    pub co_funders: Vec<String>,
    /// What the role contributes to each line-up's value (points): importance x fit of its
    /// holders plus the rules on them (funding commitments, gaps).
    pub value_with: f64,
    /// What it contributes without the funder's money.
    pub value_unfunded: f64,
    /// The condition that keeps the funder's money from the role's holder, if one does.
    pub restricted_by: Option<String>,
    /// The findings of its commitments in words.
    pub explanation: String,
}

impl FundedRole {
    /// What the role loses without the money, in points.
    pub fn loss(&self) -> f64 {
        self.value_with - self.value_unfunded
    }
}

#[derive(Debug, Clone, PartialEq)]
/// A partner holding a role in one of the three line-ups.
pub struct Holder {
    /// Its id.
    pub partner: String,
    /// Whether it leads the role.
    pub lead: bool,
    /// Its fit for the role.
    pub fit: f64,
    /// Its own money holds on the role.
    pub funds: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Whether money is additional: would the partnership get it, or its effect, without it?
pub enum Verdict {
    /// None of the money would be there, or be replaced, without it.
    Additional,
    /// Part of the money is additional; the rest overlaps others' or cannot be used.
    PartlyAdditional,
    /// Others' money would do the same, or the money cannot be used.
    NotAdditional,
}

impl Verdict {
    /// The name JSON uses.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Additional => "additional",
            Verdict::PartlyAdditional => "partly_additional",
            Verdict::NotAdditional => "not_additional",
        }
    }
}

#[derive(Debug, Clone)]
/// A role whose holders differ between the three line-ups.
pub struct Change {
    /// The role's id.
    pub role: String,
    /// Holders (partner ids, the lead first) in each line-up; empty when uncovered.
    pub with: Vec<String>,
    /// Holders without the funder's money.
    pub unfunded: Vec<String>,
    /// Holders without the funder.
    pub without: Vec<String>,
}

/// Why the analysis cannot run.
#[derive(Debug, thiserror::Error)]
pub enum AdditionalityError {
    /// The funder named is not in the line-up.
    #[error("no partner `{funder}` in {scenario}{suggestion}")]
    UnknownFunder {
        /// The id asked for.
        funder: String,
        /// The line-up's scenario.
        scenario: String,
        /// The closest partner id, if one is close.
        suggestion: crate::DidYouMean,
    },
    /// The funder commits no money, so there is nothing to judge.
    #[error(
        "`{0}` commits money to no role (no `Commitment(...)` names it and its `funds` list is empty): additionality is about a funder's money; `rolefit value` shows what any partner adds"
    )]
    NoMoney(String),
    /// The line-up with the money has no solution: there is no baseline to compare with.
    #[error(
        "{0}: the line-up has no solution satisfying the hard constraints, so there is nothing to compare; `rolefit solve` names the demands that contradict each other"
    )]
    Infeasible(String),
    /// A counterfactual line-up that cannot be made (the funder's money withdrawn, or the
    /// funder gone).
    #[error("{0}")]
    Counterfactual(String),
    /// A line-up too large to model.
    #[error("scenario {scenario:?}: {source}")]
    TooLarge {
        /// The line-up's scenario.
        scenario: String,
        /// How far over.
        source: crate::model::TooLarge,
    },
    /// The solver failed.
    #[error(transparent)]
    Solve(#[from] solve::SolveError),
}

impl From<AdditionalityError> for crate::Error {
    fn from(e: AdditionalityError) -> Self {
        match e {
            AdditionalityError::Solve(e) => crate::Error::Solve(e),
            other => crate::Error::Additionality(other),
        }
    }
}

/// Judges a funder's money in a line-up (`opts` as for `solve`: time limit, backend).
pub fn analyse(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    funder: &str,
    opts: &Options,
) -> Result<Additionality, AdditionalityError> {
    let Some(fi) = line_up.partner_index(funder) else {
        return Err(AdditionalityError::UnknownFunder {
            funder: funder.to_string(),
            scenario: line_up.scenario.clone(),
            suggestion: crate::DidYouMean::among(
                funder,
                line_up.partners.iter().map(|p| p.id.as_str()),
            ),
        });
    };
    let partner = &line_up.partners[fi];
    if !line_up
        .all_commitments(kb)
        .iter()
        .any(|c| c.funder == funder)
    {
        return Err(AdditionalityError::NoMoney(funder.to_string()));
    }
    let with = lineups::solve(kb, line_up, opts)?;
    if with.outcome.status == Status::Infeasible {
        return Err(AdditionalityError::Infeasible(line_up.scenario.clone()));
    }
    let (unfunded_line_up, without_line_up) = lineups::counterfactuals(kb, line_up, funder)?;
    let unfunded = lineups::solve(kb, &unfunded_line_up, opts)?;
    let without = lineups::solve(kb, &without_line_up, opts)?;
    let mut notes = Vec::new();
    for (label, c) in [
        ("with the funder", &with),
        ("without its money", &unfunded),
        ("without it", &without),
    ] {
        match c.outcome.status {
            Status::Infeasible => notes.push(format!(
                "no line-up {label} satisfies the hard constraints (`rolefit solve` with the same change names the demands that contradict each other): the partnership cannot go ahead that way"
            )),
            Status::Feasible => notes.push(format!(
                "the line-up {label} was stopped by the time limit: its value may not be the best possible"
            )),
            Status::Optimal => {}
        }
    }
    let finance = &with.problem.money.finance;
    if finance.currency.is_none() {
        notes.push(
            "the scenario states no amounts: the money is judged by whether anyone else puts money into the same roles; give commitments an `amount` and roles a `budget` to measure it".to_string(),
        );
    }
    let flows: Vec<_> = with
        .problem
        .money
        .flows
        .iter()
        .filter(|f| f.commitment.funder == funder)
        .collect();
    let commitments: Vec<Judged> = flows
        .iter()
        .map(|f| judge::judge(&with, &unfunded, f))
        .collect();
    let money = summary(&with, &without, funder, &commitments);
    let shortfalls = shortfalls(&with, &unfunded);
    let roles = funded_roles(&with, &unfunded, &without, funder, &commitments);
    let added = |other: &Solved| {
        (other.outcome.status != Status::Infeasible)
            .then_some(with.outcome.objective - other.outcome.objective)
    };
    let added_by_funding = added(&unfunded);
    let added_by_funder = added(&without);
    let (verdict, summary_words) = verdict(
        funder,
        &commitments,
        &money,
        added_by_funding,
        &with,
        finance,
    );

    let mut all_flags = finding_flags(&with, funder, &commitments, &roles);
    let role_ids: Vec<String> = roles.iter().map(|r| r.role.clone()).collect();
    all_flags.extend(flags::carried(&with.outcome, funder, &role_ids));
    sort_flags(&mut all_flags);
    all_flags.dedup();
    let handover = risks::handover(&with, &commitments);
    let risks = risks::risks(&with, funder, &commitments, &money, &all_flags);
    let changes = changes(&with, &unfunded, &without);
    let mut funds: Vec<String> = commitments.iter().map(|j| j.role.clone()).collect();
    funds.sort();
    funds.dedup();
    Ok(Additionality {
        scenario: line_up.scenario.clone(),
        variant: line_up.variant.clone(),
        funder: FunderView {
            id: partner.id.clone(),
            name: partner.name.clone(),
            sector: kb.sector(partner.sector).id.clone(),
            funds,
        },
        currency: finance.currency.clone(),
        phases: finance.phases.clone(),
        commitments,
        roles,
        money,
        shortfalls,
        verdict,
        summary: summary_words,
        added_by_funding,
        added_by_funder,
        changes,
        handover,
        risks,
        flags: all_flags,
        notes,
        with: with.outcome,
        unfunded: unfunded.outcome,
        without: without.outcome,
    })
}

/// The funder's money in totals, and what it brings along.
fn summary(with: &Solved, without: &Solved, funder: &str, judged: &[Judged]) -> MoneySummary {
    let mut m = MoneySummary::default();
    let mut used = 0.0;
    for j in judged {
        let Some(a) = j.amount else {
            m.unstated = true;
            continue;
        };
        m.committed += a;
        match (j.finding, j.crowded) {
            (Finding::Restricted | Finding::Unused, _) if !j.used() => m.unused += a,
            _ => {
                used += a;
                let crowded = j.crowded.unwrap_or(0.0);
                let additional = j.additional.unwrap_or(0.0);
                m.additional += additional;
                m.crowded += crowded;
                if j.finding == Finding::CrowdingOutPublic {
                    let public: f64 = j
                        .others
                        .iter()
                        .filter(|o| o.public)
                        .filter_map(|o| o.amount)
                        .sum();
                    m.crowded_public += crowded.min(public);
                }
                if j.finding == Finding::Unused {
                    m.unused += a - additional - crowded;
                } else {
                    m.above_budget += (a - additional - crowded).max(0.0);
                }
                m.co_financing += j
                    .others
                    .iter()
                    .filter(|o| o.funder != funder)
                    .filter_map(|o| o.amount)
                    .sum::<f64>();
            }
        }
    }
    let mut leveraged: Vec<&Leveraged> = judged.iter().flat_map(|j| &j.leveraged).collect();
    leveraged.sort_by(|a, b| a.commitment.cmp(&b.commitment));
    leveraged.dedup_by(|a, b| a.commitment == b.commitment);
    m.leveraged = leveraged.iter().filter_map(|l| l.amount).sum();
    // Money that holds with the funder at the table and only flows through it.
    m.channelled_list = with
        .problem
        .money
        .flows
        .iter()
        .filter(|f| f.holds() && f.commitment.through.as_deref() == Some(funder))
        .filter(|f| {
            !without
                .problem
                .money
                .flows
                .iter()
                .any(|g| g.commitment.id == f.commitment.id && g.holds())
        })
        .map(|f| Leveraged {
            commitment: f.commitment.id.clone(),
            funder: f.commitment.funder.clone(),
            role: with.problem.kb.role(f.commitment.role).id.clone(),
            amount: f.commitment.amount,
            how: "through it",
        })
        .collect();
    m.channelled = m.channelled_list.iter().filter_map(|l| l.amount).sum();
    if used > 0.0 {
        m.leverage_ratio = Some(m.leveraged / used);
        m.co_financing_ratio = Some(m.co_financing / used);
    }
    m
}

/// Roles and phases short of money without the funder's money, or short by more.
fn shortfalls(with: &Solved, unfunded: &Solved) -> Vec<Shortfall> {
    let phases = &with.problem.money.finance.phases;
    let mut out = Vec::new();
    for r in &with.account.roles {
        let Some(u) = unfunded.account.roles.iter().find(|x| x.role == r.role) else {
            continue;
        };
        let gone = u.status == crate::explain::money::MoneyStatus::Unfinanced
            && r.status != crate::explain::money::MoneyStatus::Unfinanced;
        for (k, phase) in phases.iter().enumerate() {
            let (a, b) = (&r.phases[k], &u.phases[k]);
            let lost_money = !a.from.is_empty() && b.from.is_empty();
            if b.short > a.short + 0.005 || (gone && lost_money) {
                out.push(Shortfall {
                    role: r.role.clone(),
                    importance: r.importance,
                    phase: phase.clone(),
                    budget: a.budget,
                    short_with: a.short,
                    short_without: b.short,
                    unfinanced_without: gone,
                });
            }
        }
    }
    out
}

/// Each role the funder puts money into, with its holders in the three line-ups.
fn funded_roles(
    with: &Solved,
    unfunded: &Solved,
    without: &Solved,
    funder: &str,
    judged: &[Judged],
) -> Vec<FundedRole> {
    let kb = with.problem.kb;
    let mut ids: Vec<&str> = judged.iter().map(|j| j.role.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let mine: Vec<&Judged> = judged.iter().filter(|j| j.role == id).collect();
            let finding = role_finding(&mine);
            let explanation = mine
                .iter()
                .map(|j| format!("{}: {}", j.id, j.explanation))
                .collect::<Vec<_>>()
                .join("; ");
            let role = kb.role_by_id(id);
            // Other partners whose money reaches the role in the same phases as the funder's.
            let mut co_funders: Vec<String> = mine
                .iter()
                .flat_map(|j| &j.others)
                .map(|o| o.funder.clone())
                .filter(|f| f != funder)
                .collect();
            co_funders.sort();
            co_funders.dedup();
            let holders_in = |s: &Solved| -> Vec<Holder> {
                role.and_then(|r| s.need(r))
                    .map_or_else(Vec::new, |j| s.holders(j))
            };
            let value_in = |s: &Solved| -> f64 {
                role.and_then(|r| s.need(r))
                    .map_or(0.0, |j| s.role_value(j))
            };
            FundedRole {
                role: id.to_string(),
                role_name: mine[0].role_name.clone(),
                importance: mine[0].importance,
                finding,
                with: holders_in(with),
                unfunded: holders_in(unfunded),
                without: holders_in(without),
                co_funders,
                value_with: value_in(with),
                value_unfunded: value_in(unfunded),
                restricted_by: mine.iter().find_map(|j| j.restricted_by.clone()),
                explanation,
            }
        })
        .collect()
}

/// The finding of several commitments to one role: the same finding if they agree, else the
/// one a committee must hear first.
fn role_finding(judged: &[&Judged]) -> Finding {
    const FIRST: [Finding; 6] = [
        Finding::CrowdingOutPublic,
        Finding::CrowdingOut,
        Finding::Restricted,
        Finding::Unused,
        Finding::Substitutable,
        Finding::Additional,
    ];
    FIRST
        .into_iter()
        .find(|f| judged.iter().any(|j| j.finding == *f))
        .unwrap_or(Finding::Additional)
}

/// The verdict over every commitment, and the sentence with the numbers behind it.
fn verdict(
    funder: &str,
    judged: &[Judged],
    money: &MoneySummary,
    added: Option<f64>,
    with: &Solved,
    finance: &crate::scenario::Finance,
) -> (Verdict, String) {
    let amount = |v: f64| finance.amount(v);
    let all = |v: Verdict| judged.iter().all(|j| j.verdict == v);
    let verdict = if all(Verdict::Additional) {
        Verdict::Additional
    } else if all(Verdict::NotAdditional) {
        Verdict::NotAdditional
    } else {
        Verdict::PartlyAdditional
    };
    let title = match verdict {
        Verdict::Additional => "Additional",
        Verdict::PartlyAdditional => "Partly additional",
        Verdict::NotAdditional => "Not additional",
    };
    let points = match added {
        Some(d) => format!(
            "the line-up is worth {:.2} points with its money and {:.2} without it ({d:+.2})",
            with.outcome.objective,
            with.outcome.objective - d
        ),
        None => format!(
            "the line-up is worth {:.2} points with its money, and no line-up without it satisfies the hard constraints",
            with.outcome.objective
        ),
    };
    let list = |pred: &dyn Fn(&Judged) -> bool| -> String {
        judged
            .iter()
            .filter(|j| pred(j))
            .map(|j| format!("{} ({})", j.id, j.role))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if money.committed > 0.0 {
        parts.push(format!(
            "of the {} {funder} commits, {} ({:.0}%) would not be there without it",
            amount(money.committed),
            amount(money.additional),
            100.0 * money.additional / money.committed
        ));
        if money.crowded > 0.0 {
            let public = if money.crowded_public > 0.0 {
                format!(
                    ", {} of it a government's own budget line",
                    amount(money.crowded_public)
                )
            } else {
                String::new()
            };
            parts.push(format!(
                "{} overlaps money already committed ({}{public})",
                amount(money.crowded),
                list(&|j| j.crowded.is_some_and(|c| c > 0.0))
            ));
        }
        if money.unused > 0.0 {
            parts.push(format!(
                "{} cannot be used as the line-up stands ({})",
                amount(money.unused),
                list(&|j| !j.used() || j.finding == Finding::Unused)
            ));
        }
        if money.leveraged > 0.0 {
            parts.push(format!(
                "it leverages {} of others' money",
                amount(money.leveraged)
            ));
        }
    } else {
        let additional = list(&|j| j.verdict == Verdict::Additional);
        if !additional.is_empty() {
            parts.push(format!("only its money finances {additional}"));
        }
        let crowded =
            list(&|j| matches!(j.finding, Finding::CrowdingOut | Finding::CrowdingOutPublic));
        if !crowded.is_empty() {
            parts.push(format!("others already put money into {crowded}"));
        }
        let unused = list(&|j| {
            matches!(
                j.finding,
                Finding::Unused | Finding::Restricted | Finding::Substitutable
            )
        });
        if !unused.is_empty() {
            parts.push(format!("the line-up does not need or cannot use {unused}"));
        }
    }
    parts.push(points);
    (verdict, format!("{title}: {}.", parts.join("; ")))
}

/// The flags of the `Additionality` rules on each commitment's finding, and one coordination
/// finding per role other funders also put money into.
fn finding_flags(
    with: &Solved,
    funder: &str,
    judged: &[Judged],
    roles: &[FundedRole],
) -> Vec<Flag> {
    let p = &with.problem;
    let kb = p.kb;
    let finance = &p.money.finance;
    let Some(fi) = with.partner(funder) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for j in judged {
        let Some(role) = kb.role_by_id(&j.role) else {
            continue;
        };
        let need = with.need(role);
        let loss = roles
            .iter()
            .find(|r| r.role == j.role)
            .map_or(0.0, FundedRole::loss);
        let (other, amount) = match j.finding {
            Finding::CrowdingOut | Finding::CrowdingOutPublic => {
                let who: Vec<&str> = j
                    .others
                    .iter()
                    .filter(|o| j.finding != Finding::CrowdingOutPublic || o.public)
                    .map(|o| o.funder.as_str())
                    .collect();
                (
                    who.join(" and "),
                    j.crowded
                        .map_or("an amount not stated".to_string(), |c| finance.amount(c)),
                )
            }
            Finding::Restricted => (
                j.restricted_from.join(" and "),
                j.amount
                    .map_or("its money".to_string(), |a| finance.amount(a)),
            ),
            _ => (
                roles
                    .iter()
                    .find(|r| r.role == j.role)
                    .map(|r| {
                        r.unfunded
                            .iter()
                            .chain(&r.with)
                            .map(|h| h.partner.as_str())
                            .filter(|h| *h != funder)
                            .take(1)
                            .collect::<String>()
                    })
                    .unwrap_or_default(),
                j.amount
                    .map_or("its money".to_string(), |a| finance.amount(a)),
            ),
        };
        out.extend(flags::finding_flags(
            p,
            &flags::Subject {
                funder: fi,
                need,
                role,
                finding: j.finding,
                other: &other,
                value: &format!("{loss:.2}"),
                amount: &amount,
            },
        ));
    }
    for r in roles.iter().filter(|r| !r.co_funders.is_empty()) {
        let Some(role) = kb.role_by_id(&r.role) else {
            continue;
        };
        let count = (r.co_funders.len() + 1).to_string();
        out.extend(flags::finding_flags(
            p,
            &flags::Subject {
                funder: fi,
                need: with.need(role),
                role,
                finding: Finding::CoFunded,
                other: &r.co_funders.join(" and "),
                value: &count,
                amount: "",
            },
        ));
    }
    out
}

/// Roles whose holders differ between the line-ups.
fn changes(with: &Solved, unfunded: &Solved, without: &Solved) -> Vec<Change> {
    let ids = |c: &Solved, j: Option<usize>| -> Vec<String> {
        j.map_or_else(Vec::new, |j| {
            c.holders(j).into_iter().map(|h| h.partner).collect()
        })
    };
    let mut out: Vec<Change> = (0..with.problem.needs.len())
        .filter_map(|j| {
            let role = with.problem.needs[j].role;
            let change = Change {
                role: with.problem.role_id(j).to_string(),
                with: ids(with, Some(j)),
                unfunded: ids(unfunded, unfunded.need(role)),
                without: ids(without, without.need(role)),
            };
            (change.with != change.unfunded || change.with != change.without).then_some(change)
        })
        .collect();
    out.sort_by(|a, b| a.role.cmp(&b.role));
    out
}
