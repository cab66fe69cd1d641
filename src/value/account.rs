//! The value account of a partnership: each partner's contribution (leave-one-out, Shapley)
//! beside the roles it holds in the recommended line-up, and whether its share of the value
//! is in line with its share of the work. Plain data; renderers format it.

use super::{Game, Method, Shares};
use crate::explain::Outcome;

/// Everything `rolefit value` reports.
#[derive(Debug, Clone)]
pub struct ValueReport {
    pub scenario: String,
    pub variant: Option<String>,
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
    /// Difference in share points beyond which value and effort are called unbalanced.
    pub margin: f64,
    /// In the scenario file's order.
    pub partners: Vec<PartnerValue>,
    /// The recommended line-up of the full consortium (what `rolefit solve` shows).
    pub line_up: Outcome,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PartnerValue {
    pub id: String,
    pub name: String,
    pub sector: String,
    /// Roles it holds in the recommended line-up, and their summed effort.
    pub roles: Vec<String>,
    pub effort: f64,
    /// How much the full line-up loses without it.
    pub leave_one_out: f64,
    pub shapley: f64,
    /// Half-width of the confidence interval when sampled.
    pub half_width: Option<f64>,
    /// Its Shapley value as a share of the total (`None` when the total is not positive).
    pub value_share: Option<f64>,
    /// Its effort as a share of all partners' effort (`None` when nobody holds a role).
    pub effort_share: Option<f64>,
    pub balance: Balance,
    /// It can take no role, so it adds nothing to any coalition.
    pub inert: bool,
}

/// A partner's share of the value against its share of the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// Its share of the effort exceeds its share of the value by more than the margin.
    GivesMore,
    /// Its share of the value exceeds its share of the effort by more than the margin.
    GetsMore,
    Balanced,
    /// No shares to compare (the partners create no value together, or nobody holds a role).
    Undetermined,
}

impl Balance {
    pub fn name(self) -> &'static str {
        match self {
            Balance::GivesMore => "gives_more_than_it_gets",
            Balance::GetsMore => "gets_more_than_it_gives",
            Balance::Balanced => "balanced",
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
    let partners: Vec<PartnerValue> = p
        .partner_order
        .iter()
        .zip(&line_up.partners)
        .map(|(&i, view)| {
            let value_share = (total > 1e-9).then(|| shares.shapley[i] / total);
            let effort = view.effort + 0.0;
            let effort_share = (all_effort > 0.0).then(|| effort / all_effort);
            let balance = match (value_share, effort_share) {
                (Some(v), Some(e)) if e - v > margin => Balance::GivesMore,
                (Some(v), Some(e)) if v - e > margin => Balance::GetsMore,
                (Some(_), Some(_)) => Balance::Balanced,
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
        partners,
        line_up,
        notes,
    }
}
