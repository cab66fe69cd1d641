//! Line-ups side by side: the base and every variant (and what-ifs), each solved, with what
//! changed against the base: roles that moved, flags raised or cleared, value gained or lost.

use crate::explain::{Flag, Outcome, RoleView};
use crate::kb::{KnowledgeBase, Severity};
use crate::scenario::LineUp;
use crate::solve::Options;
use rayon::prelude::*;

#[derive(Debug, Clone)]
/// Line-ups side by side, one column each, and what changed against the base: what every
/// `compare` renderer reads.
pub struct Comparison {
    /// The scenario compared.
    pub scenario: String,
    /// Needed roles, in the scenario's order.
    pub roles: Vec<RoleView>,
    /// The base first, then the variants in the order given.
    pub columns: Vec<Column>,
    /// One per column after the first: what changed against the base.
    pub changes: Vec<Changes>,
    /// What the time limit cut short, in words (empty when nothing was).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
/// One line-up of a comparison.
pub struct Column {
    /// "base", or the variant's name.
    pub name: String,
    /// Its solved, explained line-up.
    pub outcome: Outcome,
    /// Flags by severity: high, medium, low, info.
    pub flag_counts: [usize; 4],
    /// For each role of `Comparison::roles`: its holders, lead first.
    pub holders: Vec<Vec<Holder>>,
}

#[derive(Debug, Clone, PartialEq)]
/// A partner holding a role in a column.
pub struct Holder {
    /// The partner's id.
    pub partner: String,
    /// Whether it leads the role (the first holder).
    pub lead: bool,
}

#[derive(Debug, Clone)]
/// What changed from the base to one variant.
pub struct Changes {
    /// The variant's name.
    pub variant: String,
    /// Objective of the variant minus the base's.
    pub objective_delta: f64,
    /// Share of the needed importance covered, variant minus base.
    pub coverage_delta: f64,
    /// Roles whose holders differ.
    pub moved: Vec<Move>,
    /// Flags the variant has and the base has not.
    pub raised: Vec<Flag>,
    /// Flags the base has and the variant has not.
    pub cleared: Vec<Flag>,
}

/// A role whose holders differ from the base's.
#[derive(Debug, Clone)]
pub struct Move {
    /// The role's id.
    pub role: String,
    /// Its holders in the base, lead first.
    pub from: Vec<String>,
    /// Its holders in the variant, lead first.
    pub to: Vec<String>,
}

fn counts(flags: &[Flag]) -> [usize; 4] {
    let mut c = [0; 4];
    for f in flags {
        let i = match f.severity {
            Severity::High => 0,
            Severity::Medium => 1,
            Severity::Low => 2,
            Severity::Info => 3,
        };
        c[i] += 1;
    }
    c
}

/// A solved line-up as a column: its holders per role and its flag counts.
pub fn column(name: String, outcome: Outcome) -> Column {
    let holders = outcome
        .roles
        .iter()
        .map(|r| {
            let mut h: Vec<Holder> = outcome
                .assignments
                .iter()
                .filter(|a| a.role == r.id)
                .map(|a| Holder {
                    partner: a.partner.clone(),
                    lead: a.lead,
                })
                .collect();
            h.sort_by(|a, b| b.lead.cmp(&a.lead).then_with(|| a.partner.cmp(&b.partner)));
            h
        })
        .collect();
    Column {
        name,
        flag_counts: counts(&outcome.flags),
        holders,
        outcome,
    }
}

/// Flags are the same flag when the same rule fires on the same partner and role.
fn same(a: &Flag, b: &Flag) -> bool {
    a.rule == b.rule && a.partner == b.partner && a.role == b.role && a.kind == b.kind
}

/// What changed from `base` to `other`.
pub fn changes(base: &Column, other: &Column) -> Changes {
    let names = |h: &[Holder]| h.iter().map(|x| x.partner.clone()).collect::<Vec<_>>();
    let moved = base
        .holders
        .iter()
        .zip(&other.holders)
        .zip(&base.outcome.roles)
        .filter(|((a, b), _)| a != b)
        .map(|((a, b), role)| Move {
            role: role.id.clone(),
            from: names(a),
            to: names(b),
        })
        .collect();
    let (bf, of) = (&base.outcome.flags, &other.outcome.flags);
    Changes {
        variant: other.name.clone(),
        objective_delta: other.outcome.objective - base.outcome.objective,
        coverage_delta: other.outcome.coverage - base.outcome.coverage,
        moved,
        raised: of
            .iter()
            .filter(|f| !bf.iter().any(|g| same(f, g)))
            .cloned()
            .collect(),
        cleared: bf
            .iter()
            .filter(|f| !of.iter().any(|g| same(f, g)))
            .cloned()
            .collect(),
    }
}

/// Solves the base and every other line-up (in parallel; the result keeps the given order),
/// assesses how robust each one's roles are (unless `robustness` turns it off) and compares
/// each with the base.
pub fn compare(
    kb: &KnowledgeBase,
    base: &LineUp,
    others: &[LineUp],
    opts: &Options,
    robustness: &crate::robust::Settings,
) -> Result<Comparison, crate::Error> {
    let all: Vec<&LineUp> = std::iter::once(base).chain(others).collect();
    let outcomes: Vec<Result<Outcome, crate::Error>> = all
        .par_iter()
        .map(|l| crate::solve_and_assess(kb, l, opts, robustness))
        .collect();
    let mut columns = Vec::with_capacity(all.len());
    for (l, o) in all.iter().zip(outcomes) {
        columns.push(column(
            l.variant.clone().unwrap_or_else(|| "base".to_string()),
            o?,
        ));
    }
    let changes = columns[1..]
        .iter()
        .map(|c| changes(&columns[0], c))
        .collect();
    let unproven: Vec<&str> = columns
        .iter()
        .filter(|c| c.outcome.status == crate::solve::Status::Feasible)
        .map(|c| c.name.as_str())
        .collect();
    let notes = if unproven.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "The time limit stopped the search before {} of the {} line-ups were proven best ({}): they may be worth more than shown.",
            unproven.len(),
            columns.len(),
            unproven.join(", ")
        )]
    };
    Ok(Comparison {
        scenario: base.scenario.clone(),
        roles: columns[0].outcome.roles.clone(),
        columns,
        changes,
        notes,
    })
}
