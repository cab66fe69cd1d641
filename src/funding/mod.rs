//! Additionality of a funder's money: would the partnership do as well without it?
//!
//! Three line-ups are solved and explained side by side: the line-up *with* the funder, the
//! funder staying *without its funding* (it withdraws its commitments and does not hold the
//! roles it funded: holding a funding role without money means nothing), and the line-up
//! *without* the funder. Each role the funder commits money to is then judged:
//!
//! - *additional*: without the money nobody covers it;
//! - *substitutable*: another partner would cover it, at a stated loss of value;
//! - *crowding out*: another partner commits money to it too and holds it (or would);
//! - *unused*: the recommended line-up does not give the role to the funder at all.
//!
//! The verdict follows from the findings and from the value the money adds. Flags come from
//! rules: `Additionality(finding: ...)` rules judge the findings, forbidding rules that keep the
//! funder out of a role it funds are restrictions, and the line-up's own `additionality` flags
//! about the funder or its roles are carried over.

use crate::explain::{self, Flag, Outcome, round, sort_flags};
use crate::kb::{Finding, KnowledgeBase, RoleIx, Scope, Severity};
use crate::model::{self, Assignment, Block, Problem, Subject};
use crate::scenario::{LineUp, WhatIf};
use crate::solve::{self, Options, Status};

/// A change of value this small is no change (objectives are sums of products of weights
/// with two decimals, and ties are broken by terms of 1e-6).
const EPSILON: f64 = 1e-4;

/// Everything `rolefit additionality` reports. Plain data; renderers format it.
#[derive(Debug, Clone)]
pub struct Additionality {
    pub scenario: String,
    pub variant: Option<String>,
    pub funder: FunderView,
    /// The three line-ups, side by side.
    pub with: Outcome,
    pub unfunded: Outcome,
    pub without: Outcome,
    /// Sorted by role id.
    pub roles: Vec<FundedRole>,
    pub verdict: Verdict,
    /// One sentence giving the numbers behind the verdict.
    pub summary: String,
    /// Value of the line-up with the funding minus without it (the funder staying); `None` when
    /// no line-up without the funding satisfies the hard constraints.
    pub added_by_funding: Option<f64>,
    /// Value of the line-up with the funder minus without it altogether (`None` likewise).
    pub added_by_funder: Option<f64>,
    /// Roles whose holders differ between the three line-ups, by role id.
    pub changes: Vec<Change>,
    /// Sorted as every flag list (severity, kind, partner, role, rule, message).
    pub flags: Vec<Flag>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FunderView {
    pub id: String,
    pub name: String,
    pub sector: String,
    /// Roles it commits money to, by role id.
    pub funds: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FundedRole {
    pub role: String,
    pub role_name: String,
    /// `None` when the scenario does not need the role.
    pub importance: Option<u32>,
    pub finding: Finding,
    /// Who holds the role in each line-up.
    pub with: Vec<Holder>,
    pub unfunded: Vec<Holder>,
    pub without: Vec<Holder>,
    /// Other partners of the line-up committing money to the role.
    pub co_funders: Vec<String>,
    /// What the role contributes to each line-up's value: importance x fit of its holders plus
    /// the rules on them (funding commitments, gaps).
    pub value_with: f64,
    pub value_unfunded: f64,
    /// A rule that forbids the funder from holding the role (a restriction).
    pub restricted_by: Option<String>,
    /// The finding in words, with its numbers.
    pub explanation: String,
}

impl FundedRole {
    /// What the role loses without the money.
    pub fn loss(&self) -> f64 {
        self.value_with - self.value_unfunded
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    pub partner: String,
    pub lead: bool,
    pub fit: f64,
    /// It commits money to the role.
    pub funds: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every role the money goes to would be lost without it.
    Additional,
    /// The money adds value, but some of it would be covered or funded anyway.
    PartlyAdditional,
    /// The partnership does as well without the money, or the money stands in for another's.
    NotAdditional,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Additional => "additional",
            Verdict::PartlyAdditional => "partly_additional",
            Verdict::NotAdditional => "not_additional",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Change {
    pub role: String,
    /// Holders (partner ids, the lead first) in each line-up; empty when uncovered.
    pub with: Vec<String>,
    pub unfunded: Vec<String>,
    pub without: Vec<String>,
}

/// Why the analysis cannot run.
#[derive(Debug, thiserror::Error)]
pub enum FundingError {
    /// An unknown partner, or one that funds nothing.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Solve(#[from] solve::SolveError),
}

impl From<FundingError> for crate::Error {
    fn from(e: FundingError) -> Self {
        match e {
            FundingError::Usage(msg) => crate::Error::Usage(msg),
            FundingError::Solve(e) => crate::Error::Solve(e),
        }
    }
}

/// One line-up, solved and explained, with what the findings need from the model.
struct Case<'k> {
    problem: Problem<'k>,
    assignment: Assignment,
    outcome: Outcome,
}

fn case<'k>(
    kb: &'k KnowledgeBase,
    line_up: &LineUp,
    opts: &Options,
) -> Result<Case<'k>, FundingError> {
    let mut problem = Problem::try_new(kb, line_up)
        .map_err(|e| FundingError::Usage(format!("scenario {:?}: {e}", line_up.scenario)))?;
    opts.tighten.prepare(&mut problem);
    let milp = model::build(&problem);
    let solved = solve::solve(&problem, &milp, opts)?;
    let outcome = explain::explain(&problem, &solved);
    let assignment = solved
        .assignment
        .unwrap_or_else(|| Assignment::empty(problem.partners.len(), problem.needs.len()));
    Ok(Case {
        problem,
        assignment,
        outcome,
    })
}

impl Case<'_> {
    fn need(&self, role: RoleIx) -> Option<usize> {
        self.problem.needs.iter().position(|n| n.role == role)
    }

    fn partner(&self, id: &str) -> Option<usize> {
        self.problem.partners.iter().position(|p| p.id == id)
    }

    /// Holders of need `j`, the lead first, then by id.
    fn holders(&self, j: usize) -> Vec<Holder> {
        let p = &self.problem;
        let a = &self.assignment;
        let mut out: Vec<Holder> = (0..p.partners.len())
            .filter(|&i| a.holds[i][j])
            .map(|i| Holder {
                partner: p.partners[i].id.clone(),
                lead: a.lead[j] == Some(i),
                fit: round(p.fit[i][j], 2),
                funds: p.partners[i].funds.contains(&p.needs[j].role),
            })
            .collect();
        out.sort_by(|x, y| y.lead.cmp(&x.lead).then_with(|| x.partner.cmp(&y.partner)));
        out
    }

    /// What need `j` adds to the objective: its holders' importance x fit (the lead in full,
    /// supporters in part), the rules on holding it, and the price of its gap.
    fn role_value(&self, j: usize) -> f64 {
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

/// Judges a funder's money in a line-up (`opts` as for `solve`: time limit, backend).
pub fn analyse(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    funder: &str,
    opts: &Options,
) -> Result<Additionality, FundingError> {
    let Some(fi) = line_up.partner_index(funder) else {
        let hint = crate::diag::closest(funder, line_up.partners.iter().map(|p| p.id.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        return Err(FundingError::Usage(format!(
            "no partner `{funder}` in {}{hint}",
            line_up.scenario
        )));
    };
    let partner = &line_up.partners[fi];
    if partner.funds.is_empty() {
        return Err(FundingError::Usage(format!(
            "`{funder}` commits money to no role (its `funds` list is empty): additionality is about a funder's money; `rolefit value` shows what any partner adds"
        )));
    }
    let (unfunded_line_up, without_line_up) = counterfactuals(kb, line_up, funder)?;
    let with = case(kb, line_up, opts)?;
    if with.outcome.status == Status::Infeasible {
        return Err(FundingError::Usage(format!(
            "{}: the line-up has no solution satisfying the hard constraints, so there is nothing to compare; `rolefit solve` names the demands that contradict each other",
            line_up.scenario
        )));
    }
    let unfunded = case(kb, &unfunded_line_up, opts)?;
    let without = case(kb, &without_line_up, opts)?;
    let mut notes = Vec::new();
    for (label, c) in [
        ("with the funder", &with),
        ("without its funding", &unfunded),
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

    let mut funds: Vec<RoleIx> = partner.funds.clone();
    funds.sort_by(|a, b| kb.role(*a).id.cmp(&kb.role(*b).id));
    let cases = Cases {
        funder,
        with: &with,
        unfunded: &unfunded,
        without: &without,
    };
    let mut roles = Vec::new();
    let mut flags: Vec<Flag> = Vec::new();
    for &role in &funds {
        match with.need(role) {
            Some(j) => {
                let (judged, raised) = cases.judge(j);
                roles.push(judged);
                flags.extend(raised);
            }
            None => {
                let r = kb.role(role);
                notes.push(format!(
                    "{funder} commits money to {}, which the scenario does not need: that money has no role here",
                    r.id
                ));
                roles.push(FundedRole {
                    role: r.id.clone(),
                    role_name: r.name.clone(),
                    importance: None,
                    finding: Finding::Unused,
                    with: Vec::new(),
                    unfunded: Vec::new(),
                    without: Vec::new(),
                    co_funders: Vec::new(),
                    value_with: 0.0,
                    value_unfunded: 0.0,
                    restricted_by: None,
                    explanation: format!("the scenario does not need {}", r.id),
                });
            }
        }
    }
    // The line-up's own additionality flags about the funder or the roles it funds.
    let funded_ids: Vec<&str> = roles.iter().map(|r| r.role.as_str()).collect();
    flags.extend(
        with.outcome
            .flags
            .iter()
            .filter(|f| {
                f.kind == "additionality"
                    && (f.partner.as_deref() == Some(funder)
                        || f.role.as_deref().is_some_and(|r| funded_ids.contains(&r)))
            })
            .cloned(),
    );
    sort_flags(&mut flags);
    flags.dedup();

    let added = |other: &Case| {
        (other.outcome.status != Status::Infeasible)
            .then_some(with.outcome.objective - other.outcome.objective)
    };
    let added_by_funding = added(&unfunded);
    let added_by_funder = added(&without);
    let (verdict, summary) = verdict(
        funder,
        &roles,
        added_by_funding,
        &with.outcome,
        &unfunded.outcome,
    );
    let changes = changes(&with, &unfunded, &without);
    Ok(Additionality {
        scenario: line_up.scenario.clone(),
        variant: line_up.variant.clone(),
        funder: FunderView {
            id: partner.id.clone(),
            name: partner.name.clone(),
            sector: kb.sector(partner.sector).id.clone(),
            funds: funds.iter().map(|&r| kb.role(r).id.clone()).collect(),
        },
        with: with.outcome,
        unfunded: unfunded.outcome,
        without: without.outcome,
        roles,
        verdict,
        summary,
        added_by_funding,
        added_by_funder,
        changes,
        flags,
        notes,
    })
}

/// The line-ups without the funder's money (it stays, withdraws its commitments and is kept
/// out of the needed roles it funded) and without the funder.
fn counterfactuals(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    funder: &str,
) -> Result<(LineUp, LineUp), FundingError> {
    let funds = line_up
        .partner_index(funder)
        .map(|i| line_up.partners[i].funds.clone())
        .unwrap_or_default();
    let mut unfunded = line_up.clone();
    unfunded
        .apply(kb, &WhatIf::Unfunded(funder.to_string()))
        .map_err(FundingError::Usage)?;
    for role in funds {
        if line_up.needs.iter().any(|n| n.role == role) {
            let forbid = WhatIf::Forbid {
                partner: funder.to_string(),
                role,
            };
            unfunded.apply(kb, &forbid).map_err(FundingError::Usage)?;
        }
    }
    let base = line_up
        .variant
        .as_deref()
        .map(|v| format!("{v}; "))
        .unwrap_or_default();
    unfunded.variant = Some(format!("{base}{funder} without its funding"));
    let mut without = line_up.clone();
    without
        .apply(kb, &WhatIf::Without(funder.to_string()))
        .map_err(FundingError::Usage)?;
    Ok((unfunded, without))
}

/// The three solved line-ups of one funder.
struct Cases<'a, 'k> {
    funder: &'a str,
    with: &'a Case<'k>,
    unfunded: &'a Case<'k>,
    without: &'a Case<'k>,
}

/// "a and b".
fn names(hs: &[Holder]) -> String {
    hs.iter()
        .map(|h| h.partner.as_str())
        .collect::<Vec<_>>()
        .join(" and ")
}

impl Cases<'_, '_> {
    /// The finding for need `j` (which the funder funds), and the flags it raises.
    fn judge(&self, j: usize) -> (FundedRole, Vec<Flag>) {
        let (funder, with) = (self.funder, self.with);
        let p = &with.problem;
        let kb = p.kb;
        let role = p.needs[j].role;
        let id = p.role_id(j);
        let fw = with
            .partner(funder)
            .expect("the funder is in its own line-up");
        let co_funders: Vec<String> = p
            .partners
            .iter()
            .filter(|x| x.id != funder && x.funds.contains(&role))
            .map(|x| x.id.clone())
            .collect();
        let holders_with = with.holders(j);
        let holders_unfunded = self.unfunded.holders(j);
        let value_with = with.role_value(j);
        let value_unfunded = self.unfunded.role_value(j);
        let loss = value_with - value_unfunded;
        let blocked = &p.blocked[fw][j];
        let restricted_by = match blocked {
            Some(Block::Forbidden(rule)) => Some(kb.rule(*rule).id.clone()),
            _ => None,
        };
        let holds = holders_with.iter().any(|h| h.partner == funder);
        // Partners with money of their own on the role, holding it where the funder's money
        // would otherwise go: in the line-up itself, or once the funder's money is gone.
        let funded_by_others: Vec<Holder> = if holds {
            &holders_unfunded
        } else {
            &holders_with
        }
        .iter()
        .filter(|h| h.funds && h.partner != funder)
        .cloned()
        .collect();
        let (finding, explanation) = if !holds && !funded_by_others.is_empty() {
            (
                Finding::CrowdingOut,
                format!(
                    "{} already funds {id} and holds it in the recommended line-up: {funder}'s money is not needed there",
                    names(&funded_by_others)
                ),
            )
        } else if !holds {
            let why = match blocked {
                Some(Block::Forbidden(rule) | Block::Avoided(rule)) => {
                    format!("rule {} keeps {funder} out of it", kb.rule(*rule).id)
                }
                Some(Block::Refused) => format!("{funder} refuses the role"),
                Some(Block::NoCapacity) => format!("{funder} has no capacity"),
                None => "the line-up scores higher with its capacity used elsewhere".to_string(),
            };
            let held = if holders_with.is_empty() {
                "nobody holds it".to_string()
            } else {
                format!("{} holds it", names(&holders_with))
            };
            (
                Finding::Unused,
                format!("the recommended line-up does not give {id} to {funder} ({why}); {held}"),
            )
        } else if holders_unfunded.is_empty() {
            (
                Finding::Additional,
                format!(
                    "without {funder}'s money nobody covers {id}: the role loses {loss:.2} of value"
                ),
            )
        } else if !funded_by_others.is_empty() {
            (
                Finding::CrowdingOut,
                format!(
                    "{} also commits money to {id} and would hold it without {funder}'s money (the role loses {loss:.2})",
                    names(&funded_by_others)
                ),
            )
        } else {
            (
                Finding::Substitutable,
                format!(
                    "without {funder}'s money {} would cover {id} with no money committed to it, at a loss of {loss:.2} of value",
                    names(&holders_unfunded)
                ),
            )
        };
        let other = match finding {
            Finding::CrowdingOut => names(&funded_by_others),
            Finding::Substitutable => names(&holders_unfunded),
            Finding::Unused => names(&holders_with),
            _ => String::new(),
        };
        let mut flags = finding_flags(p, fw, j, finding, &other, &format!("{loss:.2}"));
        if !co_funders.is_empty() {
            let count = (co_funders.len() + 1).to_string();
            let others = co_funders.join(" and ");
            flags.extend(finding_flags(p, fw, j, Finding::CoFunded, &others, &count));
        }
        if let Some(Block::Forbidden(rule)) = blocked {
            flags.push(restriction_flag(p, fw, j, *rule));
        }
        let judged = FundedRole {
            role: id.to_string(),
            role_name: kb.role(role).name.clone(),
            importance: Some(p.needs[j].importance),
            finding,
            with: holders_with,
            unfunded: holders_unfunded,
            without: self.without.holders(j),
            co_funders,
            value_with,
            value_unfunded,
            restricted_by,
            explanation,
        };
        (judged, flags)
    }
}

/// The verdict and the sentence behind it.
fn verdict(
    funder: &str,
    roles: &[FundedRole],
    added: Option<f64>,
    with: &Outcome,
    unfunded: &Outcome,
) -> (Verdict, String) {
    let Some(added) = added else {
        return (
            Verdict::Additional,
            format!(
                "Additional: the line-up is worth {:.2} with {funder}'s money, and no line-up without it satisfies the hard constraints.",
                with.objective
            ),
        );
    };
    let numbers = format!(
        "the line-up is worth {:.2} with {funder}'s money and {:.2} without it ({}{:.2})",
        with.objective,
        unfunded.objective,
        if added >= 0.0 { "+" } else { "" },
        added
    );
    let list = |f: Finding| -> Vec<&str> {
        roles
            .iter()
            .filter(|r| r.finding == f)
            .map(|r| r.role.as_str())
            .collect()
    };
    let needed = roles.iter().filter(|r| r.importance.is_some()).count();
    let additional = list(Finding::Additional);
    let substitutable: Vec<&str> = roles
        .iter()
        .filter(|r| r.finding == Finding::Substitutable && r.loss() > EPSILON)
        .map(|r| r.role.as_str())
        .collect();
    if added <= EPSILON {
        let why = match list(Finding::CrowdingOut).as_slice() {
            [] => "the partnership does as well without it".to_string(),
            crowded => format!(
                "it stands in for other funders' money on {}",
                crowded.join(", ")
            ),
        };
        return (
            Verdict::NotAdditional,
            format!("Not additional: {numbers}; {why}."),
        );
    }
    if needed > 0 && additional.len() == needed {
        return (
            Verdict::Additional,
            format!(
                "Additional: {numbers}; nobody else would fund or cover {}.",
                additional.join(", ")
            ),
        );
    }
    if additional.is_empty() && substitutable.is_empty() {
        return (
            Verdict::NotAdditional,
            format!(
                "Not additional: {numbers}, but no role it funds depends on its money (crowded out: {}; unused: {}).",
                none_if_empty(&list(Finding::CrowdingOut)),
                none_if_empty(&list(Finding::Unused))
            ),
        );
    }
    let mut parts = Vec::new();
    if !additional.is_empty() {
        parts.push(format!("only it would fund {}", additional.join(", ")));
    }
    if !substitutable.is_empty() {
        parts.push(format!(
            "others would cover {} at a loss",
            substitutable.join(", ")
        ));
    }
    let crowded = list(Finding::CrowdingOut);
    if !crowded.is_empty() {
        parts.push(format!(
            "it crowds out other funders on {}",
            crowded.join(", ")
        ));
    }
    let unused = list(Finding::Unused);
    if !unused.is_empty() {
        parts.push(format!(
            "the line-up does not use its money for {}",
            unused.join(", ")
        ));
    }
    (
        Verdict::PartlyAdditional,
        format!("Partly additional: {numbers}; {}.", parts.join("; ")),
    )
}

fn none_if_empty(v: &[&str]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Flags of the `Additionality` rules that match a finding for the funder in need `j`.
fn finding_flags(
    p: &Problem,
    funder: usize,
    j: usize,
    finding: Finding,
    other: &str,
    value: &str,
) -> Vec<Flag> {
    let kb = p.kb;
    kb.rules
        .iter()
        .filter_map(|rule| {
            let Scope::Additionality { finding: f, who } = &rule.scope else {
                return None;
            };
            if *f != finding || !model::matches(p, who, Some(funder), Some(j)) {
                return None;
            }
            let spec = rule.effect.flag.as_ref()?;
            // The funding rule's `value` is the finding's number, not the funder's fit.
            let mut fields = pair_fields(p, funder, j);
            for (key, v) in &mut fields.values {
                if *key == "value" {
                    *v = value.to_string();
                }
            }
            fields.values.push(("other_partner", other.to_string()));
            Some(Flag {
                kind: spec.kind.clone(),
                severity: spec.severity,
                partner: fields.partner.clone(),
                role: fields.role.clone(),
                rule: rule.id.clone(),
                source: kb.source_text(&rule.source),
                message: explain::text::fill(&spec.message, &fields),
            })
        })
        .collect()
}

/// The message fields of the funder in need `j`, as for any rule on a partner holding a role
/// (`value` is the funder's fit).
fn pair_fields(p: &Problem, funder: usize, j: usize) -> explain::text::SubjectFields {
    let holds = Subject::Holds {
        partner: funder,
        need: j,
        lead: false,
    };
    let nobody = Assignment::empty(p.partners.len(), p.needs.len());
    explain::text::subject_fields(p, &holds, &nobody)
}

/// A forbidding rule keeps the funder out of a role it commits money to: the rule's own flag
/// for the pair (an `additionality` flag when the rule has none: it restricts where the money
/// can go).
fn restriction_flag(p: &Problem, funder: usize, j: usize, rule: crate::kb::RuleIx) -> Flag {
    let kb = p.kb;
    let r = kb.rule(rule);
    let partner = &p.partners[funder];
    let role_name = kb.role(p.needs[j].role).name.to_lowercase();
    let message = match &r.effect.flag {
        Some(spec) => explain::text::fill(&spec.message, &pair_fields(p, funder, j)),
        None => format!(
            "{} commits money to {role_name}, but rule {} keeps it out of the role.",
            partner.name, r.id
        ),
    };
    Flag {
        kind: "additionality".to_string(),
        severity: r
            .effect
            .flag
            .as_ref()
            .map_or(Severity::Medium, |f| f.severity),
        partner: Some(partner.id.clone()),
        role: Some(p.role_id(j).to_string()),
        rule: r.id.clone(),
        source: kb.source_text(&r.source),
        message,
    }
}

/// Roles whose holders differ between the line-ups.
fn changes(with: &Case, unfunded: &Case, without: &Case) -> Vec<Change> {
    let ids = |c: &Case, j: usize| -> Vec<String> {
        c.holders(j).into_iter().map(|h| h.partner).collect()
    };
    let mut out: Vec<Change> = (0..with.problem.needs.len())
        .filter_map(|j| {
            let change = Change {
                role: with.problem.role_id(j).to_string(),
                with: ids(with, j),
                unfunded: ids(unfunded, j),
                without: ids(without, j),
            };
            (change.with != change.unfunded || change.with != change.without).then_some(change)
        })
        .collect();
    out.sort_by(|a, b| a.role.cmp(&b.role));
    out
}
