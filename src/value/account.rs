//! The value account of a partnership: each partner's contribution (leave-one-out, Shapley)
//! beside the roles it holds in the recommended line-up and the money it commits, and how its
//! share of the value compares with its share of the work. Plain data; renderers format it.
//!
//! Values are points of the line-up's objective, not money: a partner's money counts in them
//! through the roles it finances (a role without money is not covered). Where the scenario
//! states amounts, the money each partner commits is shown beside its value, in the currency.

use super::{Game, Method, Shares};
use crate::explain::Outcome;

/// Everything `rolefit value` reports.
#[derive(Debug, Clone)]
pub struct ValueReport {
    /// The scenario's name.
    pub scenario: String,
    /// The what-if variant valued; `None` for the scenario as written.
    pub variant: Option<String>,
    /// How the Shapley values were computed (exact or sampled, with its precision).
    pub method: Method,
    /// Worth of the full line-up (the objective `rolefit solve` reports).
    pub grand: f64,
    /// Worth of nobody: every needed role a gap (negative).
    pub empty: f64,
    /// What the partners create together: `grand - empty`, the sum of the Shapley values.
    pub total: f64,
    /// Line-ups solved to value the coalitions.
    pub solves: usize,
    /// Coalitions with no line-up satisfying the hard constraints (valued as nobody).
    pub infeasible: usize,
    /// Difference in share points beyond which value and effort are said to differ.
    pub margin: f64,
    /// The scenario's currency, when it states amounts.
    pub currency: Option<String>,
    /// In the scenario file's order.
    pub partners: Vec<PartnerValue>,
    /// The recommended line-up of the full consortium (what `rolefit solve` shows).
    pub line_up: Outcome,
    /// Caveats for the reader: inert partners, infeasible coalitions, sampling cut short, a line-up
    /// not proven best.
    pub notes: Vec<String>,
}

/// One partner's line in the value account.
#[derive(Debug, Clone)]
pub struct PartnerValue {
    /// The partner's id in the scenario.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its sector (what the sector minimum counts).
    pub sector: String,
    /// Roles it holds in the recommended line-up, and their summed effort.
    pub roles: Vec<String>,
    /// The summed effort of those roles.
    pub effort: f64,
    /// How much the full line-up loses without it.
    pub leave_one_out: f64,
    /// Its Shapley value, in objective points.
    pub shapley: f64,
    /// Half-width of the confidence interval when sampled.
    pub half_width: Option<f64>,
    /// Its Shapley value as a share of the total (`None` when the total is not positive).
    pub value_share: Option<f64>,
    /// Its effort as a share of all partners' effort (`None` when nobody holds a role).
    pub effort_share: Option<f64>,
    /// How its share of the value compares with its share of the effort.
    pub balance: Balance,
    /// Money it commits that holds in the line-up (stated amounts; `None` when it commits none
    /// with an amount).
    pub money: Option<f64>,
    /// Its share of all the money committed with amounts.
    pub money_share: Option<f64>,
    /// It can take no role, so it adds nothing to any coalition.
    pub inert: bool,
}

/// A partner's share of the value against its share of the work, described without judging:
/// a funder adds value with little work, an implementer works more than its value share, and
/// both are legitimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// Its share of the effort exceeds its share of the value by more than the margin.
    EffortAboveValue,
    /// Its share of the value exceeds its share of the effort by more than the margin.
    ValueAboveEffort,
    /// The two shares are within the margin.
    InLine,
    /// No shares to compare (the partners create no value together, or nobody holds a role).
    Undetermined,
}

impl Balance {
    /// The snake_case word for the balance, as written in machine-readable output.
    pub fn name(self) -> &'static str {
        match self {
            Balance::EffortAboveValue => "effort_above_value",
            Balance::ValueAboveEffort => "value_above_effort",
            Balance::InLine => "in_line",
            Balance::Undetermined => "undetermined",
        }
    }
}

/// Puts the shares beside the recommended line-up (`line_up`, explained from the same line-up
/// as the game) and classifies each partner with `margin` (share points, e.g. 0.05).
pub fn account(game: &Game, shares: &Shares, line_up: Outcome, margin: f64) -> ValueReport {
    let p = game.problem();
    let total = shares.grand - shares.empty;
    // `+ 0.0` turns the -0.0 of an empty sum into 0.0, so nothing prints as "-0.0".
    let all_effort: f64 = line_up.partners.iter().map(|x| x.effort).sum::<f64>() + 0.0;
    // Money each partner commits that holds, in stated amounts.
    let money: Vec<Option<f64>> = (0..p.partners.len())
        .map(|i| {
            let mine: Vec<f64> = p
                .money
                .flows
                .iter()
                .filter(|f| f.holds() && f.partner == Some(i))
                .filter_map(|f| f.commitment.amount)
                .collect();
            (!mine.is_empty()).then(|| mine.iter().sum::<f64>())
        })
        .collect();
    let all_money: f64 = money.iter().flatten().sum();
    let partners: Vec<PartnerValue> = p
        .partner_order
        .iter()
        .zip(&line_up.partners)
        .map(|(&i, view)| {
            let value_share = (total > 1e-9).then(|| shares.shapley[i] / total);
            let effort = view.effort + 0.0;
            let effort_share = (all_effort > 0.0).then(|| effort / all_effort);
            let balance = match (value_share, effort_share) {
                (Some(v), Some(e)) if e - v > margin => Balance::EffortAboveValue,
                (Some(v), Some(e)) if v - e > margin => Balance::ValueAboveEffort,
                (Some(_), Some(_)) => Balance::InLine,
                _ => Balance::Undetermined,
            };
            PartnerValue {
                id: view.id.clone(),
                name: view.name.clone(),
                sector: view.sector.clone(),
                roles: view.roles.clone(),
                effort,
                leave_one_out: shares.leave_one_out[i],
                shapley: shares.shapley[i],
                half_width: shares.half_width.as_ref().map(|h| h[i]),
                value_share,
                effort_share,
                balance,
                money: money[i],
                money_share: (all_money > 0.0).then(|| money[i].unwrap_or(0.0) / all_money),
                inert: game.is_inert(i),
            }
        })
        .collect();
    let mut notes = Vec::new();
    let inert: Vec<&str> = partners
        .iter()
        .filter(|x| x.inert)
        .map(|x| x.id.as_str())
        .collect();
    if !inert.is_empty() {
        notes.push(format!(
            "{} can take no role (every role refused, forbidden by a rule, or no capacity): it adds nothing to any coalition and gets 0",
            inert.join(", ")
        ));
    }
    if game.infeasible() > 0 {
        notes.push(format!(
            "{} coalition(s) have no line-up satisfying the hard rules; a coalition that cannot act together is valued as nobody ({:.2})",
            game.infeasible(),
            shares.empty
        ));
    }
    if total <= 1e-9 {
        notes.push(
            "the partners create no value together (the full line-up is worth no more than nobody): shares of value are not meaningful"
                .to_string(),
        );
    }
    if let Method::Sampled(s) = &shares.method
        && s.stop != super::Stop::Precision
    {
        notes.push(format!(
            "sampling stopped ({}) after {} permutations with intervals up to {:.1}% of the total value, short of the {:.1}% asked for",
            match s.stop {
                super::Stop::TimeLimit => "time limit",
                _ => "permutation limit",
            },
            s.permutations,
            s.achieved * 100.0,
            s.target * 100.0
        ));
    }
    if line_up.status == crate::solve::Status::Feasible {
        notes.push(
            "the time limit stopped the search for the recommended line-up before it was proven best: the roles held and the effort shares are those of the best line-up found (the values above are proven)"
                .to_string(),
        );
    }
    ValueReport {
        scenario: p.scenario.clone(),
        variant: p.variant.clone(),
        method: shares.method.clone(),
        grand: shares.grand,
        empty: shares.empty,
        total,
        solves: game.solves(),
        infeasible: game.infeasible(),
        margin,
        currency: p.money.finance.currency.clone(),
        partners,
        line_up,
        notes,
    }
}
