//! The three line-ups of an additionality analysis, each solved and explained as `rolefit
//! solve` would: with the funder, the funder staying without its money, and without the funder.

use super::{AdditionalityError, Holder};
use crate::explain::money::{Account, account_of};
use crate::explain::{self, Outcome, round};
use crate::kb::{KnowledgeBase, RoleIx};
use crate::model::{self, Assignment, Problem, Subject};
use crate::scenario::{LineUp, WhatIf};
use crate::solve::{self, Options};

/// One line-up, solved and explained, with what the findings need from the model.
pub(super) struct Solved<'k> {
    pub problem: Problem<'k>,
    pub assignment: Assignment,
    pub outcome: Outcome,
    /// The money account (the outcome's own when the scenario states money).
    pub account: Account,
}

pub(super) fn solve<'k>(
    kb: &'k KnowledgeBase,
    line_up: &LineUp,
    opts: &Options,
) -> Result<Solved<'k>, AdditionalityError> {
    let mut problem =
        Problem::try_new(kb, line_up).map_err(|source| AdditionalityError::TooLarge {
            scenario: line_up.scenario.clone(),
            source,
        })?;
    opts.tighten.prepare(&mut problem);
    let milp = model::build(&problem);
    let solved = solve::solve(&problem, &milp, opts)?;
    let outcome = explain::explain(&problem, &solved);
    let assignment = solved
        .assignment
        .unwrap_or_else(|| Assignment::empty(problem.partners.len(), problem.needs.len()));
    let account = match &outcome.money {
        Some(m) => m.clone(),
        None => account_of(&problem, &assignment).0,
    };
    Ok(Solved {
        problem,
        assignment,
        outcome,
        account,
    })
}

/// The line-ups without the funder's money (it stays at the table, and may still hold roles,
/// but withdraws every commitment) and without the funder (its money, its roles, and the
/// money that flows through it or depends on it go too).
pub(super) fn counterfactuals(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    funder: &str,
) -> Result<(LineUp, LineUp), AdditionalityError> {
    let mut unfunded = line_up.clone();
    unfunded
        .apply(kb, &WhatIf::Unfunded(funder.to_string()))
        .map_err(AdditionalityError::Counterfactual)?;
    let mut without = line_up.clone();
    without
        .apply(kb, &WhatIf::Without(funder.to_string()))
        .map_err(AdditionalityError::Counterfactual)?;
    Ok((unfunded, without))
}

impl Solved<'_> {
    pub fn need(&self, role: RoleIx) -> Option<usize> {
        self.problem.needs.iter().position(|n| n.role == role)
    }

    pub fn partner(&self, id: &str) -> Option<usize> {
        self.problem.partners.iter().position(|p| p.id == id)
    }

    /// Holders of need `j`, the lead first, then by id.
    pub fn holders(&self, j: usize) -> Vec<Holder> {
        let p = &self.problem;
        let a = &self.assignment;
        let mut out: Vec<Holder> = (0..p.partners.len())
            .filter(|&i| a.holds[i][j])
            .map(|i| Holder {
                partner: p.partners[i].id.clone(),
                lead: a.lead[j] == Some(i),
                fit: round(p.fit[i][j], 2),
                funds: p.money.funds[i][j],
            })
            .collect();
        out.sort_by(|x, y| y.lead.cmp(&x.lead).then_with(|| x.partner.cmp(&y.partner)));
        out
    }

    /// What need `j` adds to the objective: its holders' importance x fit (the lead in full,
    /// supporters in part), the rules on holding it, and the price of its gap.
    pub fn role_value(&self, j: usize) -> f64 {
        let p = &self.problem;
        let a = &self.assignment;
        let support = p.kb.settings.support_weight;
        let held: f64 = (0..p.partners.len())
            .filter(|&i| a.holds[i][j])
            .map(|i| {
                let w = if a.lead[j] == Some(i) { 1.0 } else { support };
                p.importance(j) * p.fit[i][j] * w
            })
            .sum();
        let rules: f64 = p
            .instances
            .iter()
            .filter(|inst| match inst.subject {
                Subject::Holds { need, .. } | Subject::Uncovered { need } => need == j,
                _ => false,
            })
            .map(|inst| p.weight(inst) * p.amount(inst, a))
            .sum();
        held + rules
    }
}
