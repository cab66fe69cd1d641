//! Solution -> what a facilitator reads: who does what and why, the runner-up for each role,
//! gaps with recruiting suggestions, flags, risks avoided, and conflicts in the domain's words.
//!
//! The [`Outcome`] is plain data: renderers format it and never look back at the model.

mod conflict;
pub mod money;
pub(crate) mod text;

use crate::kb::{FlagSpec, KnowledgeBase, Rule, Scope, Severity};
use crate::model::{Assignment, Block, Problem, Subject, matches};
use crate::robust::Robustness;
use crate::solve::{Solved, Status};
use text::subject_fields;

#[derive(Debug, Clone)]
/// A solved line-up explained: the one result every renderer (text, JSON, Markdown, HTML,
/// the brief, the workshop wall) reads, so they all say the same.
pub struct Outcome {
    /// The scenario's name.
    pub scenario: String,
    /// The variant, or `None` for the base.
    pub variant: Option<String>,
    /// How the solve ended.
    pub status: Status,
    /// The objective reached.
    pub objective: f64,
    /// The objective in its parts.
    pub breakdown: Breakdown,
    /// Share of the needed importance that is covered (0..=1).
    pub coverage: f64,
    /// Sorted by role id, then partner id.
    pub assignments: Vec<AssignmentView>,
    /// Sorted by role id.
    pub uncovered: Vec<Gap>,
    /// Roles held, but by a lead flagged `role_mismatch`: recruiting would help. By role id.
    pub weak: Vec<Gap>,
    /// Sorted by severity (high first), kind, partner, role, rule.
    pub flags: Vec<Flag>,
    /// Risks the line-up avoided: rules that kept a better-fitting partner out of a role.
    pub avoided: Vec<Avoided>,
    /// In file order.
    pub partners: Vec<PartnerView>,
    /// Roles in the order the scenario lists its needs.
    pub roles: Vec<RoleView>,
    /// `cells[p][r]` for `partners[p]` and `roles[r]`.
    pub cells: Vec<Vec<Cell>>,
    /// For an infeasible line-up: a minimal set of demands that contradict each other.
    pub conflict: Vec<ConflictItem>,
    /// For an infeasible line-up: each way out, the best (highest objective reached) first.
    pub relaxations: Vec<Relaxation>,
    /// Roles whose holder was chosen on assumed strengths, not stated ones: ask the partner.
    /// By role id, then partner id.
    pub assumptions: Vec<Assumption>,
    /// The line-up's money, phase by phase; `None` when the scenario states no money.
    pub money: Option<money::Account>,
    /// What the time limit cut short, and other facts a reader needs beside the figures.
    pub notes: Vec<String>,
    /// How robust each role is, when it was assessed (`crate::robust`).
    pub robustness: Option<Robustness>,
}

/// A role given on the strength of assumed (default) capabilities: if the partner is weaker
/// there than its sector or type usually is, the runner-up would take the role.
#[derive(Debug, Clone)]
pub struct Assumption {
    /// The partner.
    pub partner: String,
    /// The role.
    pub role: String,
    /// The capabilities the partner does not state whose assumed values decide.
    pub capabilities: Vec<String>,
    /// Who would take the role if the assumption were wrong.
    pub runner_up: String,
    /// The assumption and what to ask, in words.
    pub message: String,
}

/// Relaxing one conflicting demand, and what it would lead to.
#[derive(Debug, Clone)]
pub struct Relaxation {
    /// The constraint's name in `--emit-lp` output.
    pub constraint: String,
    /// What to do, in words ("raise msas's capacity to 3").
    pub action: String,
    /// The objective of the line-up it restores; `None` when it is not enough on its own.
    pub objective: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default)]
/// The objective in its parts: value, bonuses and penalties.
pub struct Breakdown {
    /// Importance x fit of the roles held.
    pub value: f64,
    /// Rule bonuses.
    pub bonuses: f64,
    /// Rule penalties, gaps included.
    pub penalties: f64,
}

#[derive(Debug, Clone)]
/// A partner holding a role, and why.
pub struct AssignmentView {
    /// The partner's id.
    pub partner: String,
    /// Its name.
    pub partner_name: String,
    /// Its sector.
    pub sector: String,
    /// The role's id.
    pub role: String,
    /// The role's name.
    pub role_name: String,
    /// Whether it leads the role.
    pub lead: bool,
    /// Whether a pin put it there.
    pub pinned: bool,
    /// Its fit for the role (0..=1).
    pub fit: f64,
    /// Why, in sentences: the fit's terms, the motives served, the rules that fired.
    pub reasons: Vec<String>,
    /// Rules that fired on this assignment, with their objective effect.
    pub rules: Vec<(String, f64)>,
    /// Who would take the role in the best line-up without this partner in it; only known when
    /// robustness was assessed (the margin and the tie are in [`Outcome::robustness`]).
    pub runner_up: Option<RunnerUp>,
    /// Capabilities the fit counts at an assumed (default) strength, not a stated one.
    pub assumed: Vec<String>,
}

#[derive(Debug, Clone)]
/// The partner that would take a role if its holder were gone.
pub struct RunnerUp {
    /// Its id.
    pub partner: String,
    /// Its fit for the role.
    pub fit: f64,
    /// Importance x fit plus the rules that would fire, against the holder's.
    pub score: f64,
    /// The holder's score, to compare.
    pub holder_score: f64,
    /// Why it does not hold the role, in words.
    pub why_not: String,
}

#[derive(Debug, Clone)]
/// A role the line-up leaves open (or covers too weakly), and what to do about it.
pub struct Gap {
    /// The role's id.
    pub role: String,
    /// The role's name.
    pub role_name: String,
    /// Its importance.
    pub importance: u32,
    /// Partners missing to reach the role's minimum.
    pub missing: u32,
    /// Sectors whose typical profile fits the role, best first.
    pub sectors: Vec<String>,
    /// What to do, in words.
    pub suggestion: String,
    /// Why partners of the line-up that could fit do not take it.
    pub why_not: Vec<String>,
    /// What leaving the role open costs in the objective (the uncovered rules' penalty).
    pub cost: f64,
    /// Partners of the line-up that could take the role if a facilitator pinned them, with
    /// the logic rules that keep them out: best fit first.
    pub stretch: Vec<Stretch>,
    /// The role needs money and none is committed: no partner, pinned or not, would cover it.
    pub unfinanced: bool,
}

/// A partner kept out of a role by rules of strength `avoid` (a logic breach, a fit below the
/// floor): a pin would give it the role, with these flags.
#[derive(Debug, Clone)]
pub struct Stretch {
    /// Its id.
    pub partner: String,
    /// Its name.
    pub partner_name: String,
    /// Its sector.
    pub sector: String,
    /// Its fit for the role.
    pub fit: f64,
    /// The rules it would break, most severe first.
    pub rules: Vec<StretchRule>,
    /// Whether it has capacity left, or would have to give up a role.
    pub spare_capacity: bool,
}

#[derive(Debug, Clone)]
/// A rule a stretch would break.
pub struct StretchRule {
    /// The rule's id.
    pub rule: String,
    /// The flag kind it raises.
    pub kind: String,
    /// Its severity.
    pub severity: Severity,
    /// Where the rule comes from.
    pub source: String,
}

impl Stretch {
    /// "relais could take it if pinned (fit 0.52), breaking mission_drift (high, rule
    /// civil_society_commercial_role); it would have to give up a role": one wording for every
    /// renderer.
    pub fn words(&self) -> String {
        let rules: Vec<String> = self
            .rules
            .iter()
            .map(|r| format!("{} ({}, rule {})", r.kind, r.severity, r.rule))
            .collect();
        format!(
            "{} could take it if pinned (fit {:.2}), breaking {}{}",
            self.partner,
            self.fit,
            rules.join(", "),
            if self.spare_capacity {
                ""
            } else {
                "; it would have to give up a role"
            }
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
/// Something a facilitator should look at: a rule raised it on a partner, a role or both.
pub struct Flag {
    /// What kind of problem (`mission_drift`, `overload`, ...).
    pub kind: String,
    /// How serious.
    pub severity: Severity,
    /// The partner it is about.
    pub partner: Option<String>,
    /// The role it is about.
    pub role: Option<String>,
    /// The rule that raised it.
    pub rule: String,
    /// Where the rule comes from (a paper, Table 1).
    pub source: String,
    /// The rule's message, filled in.
    pub message: String,
}

impl Flag {
    /// The flag `rule` raises on a subject: its kind and severity, the subject's partner and
    /// role, and its message with the subject's fields filled in, citing the rule and its source.
    pub(crate) fn raised(
        kb: &KnowledgeBase,
        rule: &Rule,
        spec: &FlagSpec,
        fields: &text::SubjectFields,
    ) -> Flag {
        Flag {
            kind: spec.kind.clone(),
            severity: spec.severity,
            partner: fields.partner.clone(),
            role: fields.role.clone(),
            rule: rule.id.clone(),
            source: kb.source_text(&rule.source),
            message: text::fill(&spec.message, fields),
        }
    }
}

#[derive(Debug, Clone)]
/// A better-fitting partner a rule kept out of a role: a risk the line-up avoided.
pub struct Avoided {
    /// The rule.
    pub rule: String,
    /// Where it comes from.
    pub source: String,
    /// The partner kept out.
    pub partner: String,
    /// The role.
    pub role: String,
    /// Its fit, above the holder's.
    pub fit: f64,
    /// "forbidden" or "penalty 8".
    pub effect: String,
    /// The risk avoided, in words.
    pub risk: Option<String>,
}

#[derive(Debug, Clone)]
/// A partner as the reports list it.
pub struct PartnerView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector: String,
    /// Most roles it takes.
    pub capacity: u32,
    /// The roles it holds.
    pub roles: Vec<String>,
    /// Its share of the line-up's work.
    pub effort: f64,
}

#[derive(Debug, Clone)]
/// A needed role as the reports list it.
pub struct RoleView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its importance.
    pub importance: u32,
}

#[derive(Debug, Clone, Copy, Default)]
/// One cell of the partner x role matrix.
pub struct Cell {
    /// The partner's fit for the role.
    pub fit: f64,
    /// Whether the partner holds the role.
    pub held: bool,
    /// Whether it leads it.
    pub lead: bool,
    /// Refused, or forbidden by a rule.
    pub blocked: bool,
    /// Fixed by a pin (of the scenario, a variant or a what-if).
    pub pinned: bool,
    /// The partner asked for the role (`wants`).
    pub wanted: bool,
    /// Kept out by a logic rule of strength `avoid` (not merely the fit floor): only a pin
    /// would put it there.
    pub avoided: bool,
    /// The most severe flag on this partner in this role.
    pub flag: Option<Severity>,
}

#[derive(Debug, Clone)]
/// One of the demands that contradict each other, in words.
pub struct ConflictItem {
    /// The constraint's name in `--emit-lp` output.
    pub constraint: String,
    /// The partner it is about.
    pub partner: Option<String>,
    /// The role it is about.
    pub role: Option<String>,
    /// The rule behind it (or `pin`, `capacity`, ...).
    pub rule: String,
    /// Where it comes from.
    pub source: String,
    /// The demand in words.
    pub message: String,
}

/// Explains a solved problem.
pub fn explain(p: &Problem, solved: &Solved) -> Outcome {
    with_robustness(p, solved, None)
}

/// Explains a solved problem and how robust each of its roles is ([`crate::robust::assess`]):
/// the runner-up and the tie of each assignment come from the assessment.
pub fn with_robustness(p: &Problem, solved: &Solved, robustness: Option<Robustness>) -> Outcome {
    let kb = p.kb;
    let mut out = Outcome {
        scenario: p.scenario.clone(),
        variant: p.variant.clone(),
        status: solved.status,
        objective: 0.0,
        breakdown: Breakdown::default(),
        coverage: 0.0,
        assignments: Vec::new(),
        uncovered: Vec::new(),
        weak: Vec::new(),
        flags: Vec::new(),
        avoided: Vec::new(),
        partners: Vec::new(),
        roles: p
            .need_order
            .iter()
            .map(|&j| RoleView {
                id: p.role_id(j).to_string(),
                name: kb.role(p.needs[j].role).name.clone(),
                importance: p.needs[j].importance,
            })
            .collect(),
        cells: Vec::new(),
        conflict: Vec::new(),
        relaxations: Vec::new(),
        assumptions: Vec::new(),
        money: None,
        notes: p.notes.clone(),
        robustness,
    };
    let empty = Assignment::empty(p.partners.len(), p.needs.len());
    let a = solved.assignment.as_ref().unwrap_or(&empty);
    if solved.status == Status::Infeasible {
        out.conflict = conflict::describe(p, &solved.conflict);
        out.relaxations = solved
            .relaxations
            .iter()
            .map(|&(origin, objective)| Relaxation {
                constraint: crate::model::lp::row_name(p, origin),
                action: conflict::relaxation(p, origin),
                objective,
            })
            .collect();
        out.flags = out.conflict.iter().map(conflict::flag).collect();
        if solved.conflict_minimal {
            out.notes.push(format!(
                "No line-up satisfies all hard constraints: the {} demand(s) flagged `conflict` contradict each other (without any one of them, the others agree). Other contradictions may remain: the ways out say which single change restores a line-up.",
                out.conflict.len()
            ));
        } else {
            out.notes.push(format!(
                "No line-up satisfies all hard constraints: the {} demand(s) flagged `conflict` cannot all hold. The time limit ran out while narrowing them down, so some may not be needed for the contradiction; a longer --time-limit narrows them further.",
                out.conflict.len()
            ));
        }
    } else {
        if solved.status == Status::Feasible {
            out.notes.push(
                "The time limit stopped the search (or branch and bound reached its node cap) before this line-up was proven best; a longer --time-limit may find a better one.".to_string(),
            );
        }
        explain_solution(p, a, &mut out);
    }
    out.partners = p
        .partner_order
        .iter()
        .map(|&i| PartnerView {
            id: p.partners[i].id.clone(),
            name: p.partners[i].name.clone(),
            sector: kb.sector(p.partners[i].sector).id.clone(),
            capacity: p.partners[i].capacity,
            roles: a.roles_of(i).map(|j| p.role_id(j).to_string()).collect(),
            effort: p.load(a, i, true),
        })
        .collect();
    // The worst flag on each (partner, role), looked up per cell rather than scanning every
    // flag for each of the partners x roles cells (a tenth of a 300 x 18 report's time).
    let mut cell_flag: std::collections::HashMap<(&str, &str), Severity> =
        std::collections::HashMap::new();
    for f in &out.flags {
        if let (Some(partner), Some(role)) = (f.partner.as_deref(), f.role.as_deref()) {
            let worst = cell_flag.entry((partner, role)).or_insert(f.severity);
            *worst = (*worst).max(f.severity);
        }
    }
    out.cells = p
        .partner_order
        .iter()
        .map(|&i| {
            p.need_order
                .iter()
                .map(|&j| Cell {
                    // Rounded as everywhere else a fit is shown, so matrix and reasons agree.
                    fit: round(p.fit[i][j], 2),
                    held: a.holds[i][j],
                    lead: a.lead[j] == Some(i),
                    blocked: matches!(p.blocked[i][j], Some(Block::Refused | Block::Forbidden(_))),
                    pinned: p.is_pinned(i, j),
                    wanted: p.partners[i].wants.contains(&p.needs[j].role),
                    avoided: p.is_avoided_by_logic(i, j),
                    flag: cell_flag
                        .get(&(p.partners[i].id.as_str(), p.role_id(j)))
                        .copied(),
                })
                .collect()
        })
        .collect();
    sort_flags(&mut out.flags);
    out
}

/// The contract's order: severity (high first), kind, partner, role; then rule and message.
pub fn sort_flags(flags: &mut [Flag]) {
    flags.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| {
                a.partner
                    .as_deref()
                    .unwrap_or("")
                    .cmp(b.partner.as_deref().unwrap_or(""))
            })
            .then_with(|| {
                a.role
                    .as_deref()
                    .unwrap_or("")
                    .cmp(b.role.as_deref().unwrap_or(""))
            })
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Rounds for output, so reports do not show float noise and stay byte-identical.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    let r = (v * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

fn explain_solution(p: &Problem, a: &Assignment, out: &mut Outcome) {
    let kb = p.kb;
    let (np, nn) = (p.partners.len(), p.needs.len());
    out.breakdown.value = p.value(a);
    let mut effects = PairEffects {
        rules: vec![vec![Vec::new(); nn]; np],
        wish: vec![vec![0.0; nn]; np],
    };
    for (n, inst) in p.instances.iter().enumerate() {
        let rule = kb.rule(inst.rule);
        let w = p.weight(inst);
        match inst.subject {
            Subject::Holds {
                partner,
                need,
                lead: false,
            } => effects.rules[partner][need].push((n, w)),
            Subject::Unmet { partner, need } => effects.wish[partner][need] -= w,
            _ => {}
        }
        let amount = p.amount(inst, a);
        if amount <= 1e-9 {
            continue;
        }
        if w > 0.0 {
            out.breakdown.bonuses += w * amount;
        } else {
            out.breakdown.penalties -= w * amount;
        }
        if let Some(spec) = &rule.effect.flag {
            let fields = subject_fields(p, &inst.subject, a);
            out.flags.push(Flag::raised(kb, rule, spec, &fields));
        }
    }
    out.objective = out.breakdown.value + out.breakdown.bonuses - out.breakdown.penalties;
    out.coverage = p.coverage(a);
    for j in 0..nn {
        let holders: Vec<usize> = (0..np).filter(|&i| a.holds[i][j]).collect();
        for &i in &holders {
            out.assignments.push(assignment_view(
                p,
                a,
                (i, j),
                &effects,
                &holders,
                out.robustness.as_ref(),
            ));
        }
        let missing = (p.needs[j].min as i64 - holders.len() as i64).max(0) as u32;
        if missing > 0 {
            out.uncovered.push(gap(p, a, j, missing, &effects.rules));
        }
        for i in (0..np).filter(|&i| !a.holds[i][j]) {
            let best_holder_fit = holders.iter().map(|&h| p.fit[h][j]).fold(0.0, f64::max);
            if p.fit[i][j] < best_holder_fit.max(0.5) {
                continue;
            }
            match p.blocked[i][j] {
                Some(Block::Forbidden(r)) => {
                    out.avoided
                        .push(avoided(p, i, j, kb.rule(r), "forbidden".into()));
                }
                Some(Block::Avoided(r)) => {
                    out.avoided.push(avoided(
                        p,
                        i,
                        j,
                        kb.rule(r),
                        "avoided (a pin would override)".into(),
                    ));
                }
                _ => {}
            }
            for &(n, w) in &effects.rules[i][j] {
                if w < 0.0 {
                    let rule = kb.rule(p.instances[n].rule);
                    out.avoided
                        .push(avoided(p, i, j, rule, format!("penalty {}", round(-w, 2))));
                }
            }
        }
    }
    out.assignments
        .sort_by(|x, y| x.role.cmp(&y.role).then_with(|| x.partner.cmp(&y.partner)));
    out.uncovered.sort_by(|x, y| x.role.cmp(&y.role));
    let local = |x: usize, y: usize| effects.local(p, x, y);
    for j in 0..nn {
        for i in (0..np).filter(|&i| a.holds[i][j]) {
            let held = out
                .robustness
                .as_ref()
                .and_then(|r| r.held(&p.partners[i].id, p.role_id(j)));
            if let Some(found) = assumption(p, a, (i, j), held, &local) {
                out.assumptions.push(found);
            }
        }
    }
    out.assumptions
        .sort_by(|x, y| (&x.role, &x.partner).cmp(&(&y.role, &y.partner)));
    for j in 0..nn {
        let Some(lead) = a.lead[j] else { continue };
        let mismatched = out.flags.iter().any(|f| {
            f.kind == "role_mismatch"
                && f.partner.as_deref() == Some(p.partners[lead].id.as_str())
                && f.role.as_deref() == Some(p.role_id(j))
        });
        if mismatched {
            out.weak.push(gap(p, a, j, 0, &effects.rules));
        }
    }
    out.weak.sort_by(|x, y| x.role.cmp(&y.role));
    out.avoided
        .sort_by(|x, y| (&x.role, &x.partner, &x.rule).cmp(&(&y.role, &y.partner, &y.rule)));
    if let Some((account, flags)) = money::account(p, a) {
        out.flags.extend(flags);
        out.money = Some(account);
    }
}

/// The share of partner `i`'s fit to need `j` that rests on assumed strengths, and the
/// capabilities behind it.
fn assumed_part(p: &Problem, i: usize, j: usize) -> (f64, Vec<String>) {
    let kb = p.kb;
    let partner = &p.partners[i];
    let mut part = 0.0;
    let mut caps = Vec::new();
    for &(cap, w) in &kb.role(p.needs[j].role).needs {
        let credit = partner.credit(kb, cap);
        if credit.value > 0.0 && !credit.basis.is_stated() {
            part += w * credit.value;
            caps.push(kb.capability(cap).id.clone());
        }
    }
    (part, caps)
}

/// Partner `i` holds need `j` only thanks to strengths it does not state: without them, the
/// runner-up would score higher. The facilitator should ask the partner.
fn assumption(
    p: &Problem,
    a: &Assignment,
    (i, j): (usize, usize),
    held: Option<&crate::robust::Held>,
    local: &dyn Fn(usize, usize) -> f64,
) -> Option<Assumption> {
    if p.is_pinned(i, j) {
        return None;
    }
    let (part, caps) = assumed_part(p, i, j);
    if part <= 0.0 {
        return None;
    }
    let k = match held {
        // One notion of runner-up: when robustness was assessed, the partner that takes the role
        // in the line-up re-optimised without the holder, and the assumptions decide when they
        // are worth more than the margin.
        Some(h) => {
            let (crate::robust::Margin::Points(margin), Some(r)) =
                (h.margin, h.runner_up.as_deref())
            else {
                return None;
            };
            let share = if h.lead || !h.shared {
                1.0
            } else {
                p.kb.settings.support_weight
            };
            if margin >= p.importance(j) * part * share {
                return None;
            }
            p.partners.iter().position(|q| q.id == r)?
        }
        // Only a runner-up with capacity to spare would simply take the role.
        None => {
            let k = best_other(p, a, j, local)?;
            if local(i, j) - p.importance(j) * part >= local(k, j) {
                return None;
            }
            k
        }
    };
    let (holder, runner) = (&p.partners[i], &p.partners[k]);
    Some(Assumption {
        partner: holder.id.clone(),
        role: p.role_id(j).to_string(),
        capabilities: caps.clone(),
        runner_up: runner.id.clone(),
        message: format!(
            "{} gets {} on strengths it does not state ({}: assumed from its {}); if it is weaker there, {} (fit {:.2}) would take the role. Ask {}.",
            holder.id,
            p.role_id(j),
            caps.join(", "),
            if holder.org_type.is_some() {
                "organisation type and sector"
            } else {
                "sector"
            },
            runner.id,
            p.fit[k][j],
            holder.id
        ),
    })
}

/// Partners kept out of need `j` only by rules of strength `avoid` (and with at least half the
/// fit floor: below that a partner is not a stretch but the wrong organisation), best fit
/// first, at most two.
fn stretch(p: &Problem, a: &Assignment, j: usize) -> Vec<Stretch> {
    let kb = p.kb;
    let mut out: Vec<Stretch> = Vec::new();
    for i in 0..p.partners.len() {
        if a.holds[i][j]
            || p.fit[i][j] < kb.settings.fit_floor / 2.0
            || matches!(
                p.blocked[i][j],
                Some(Block::Refused | Block::Forbidden(_) | Block::NoCapacity)
            )
        {
            continue;
        }
        let both = |first: &crate::kb::Test, second: &crate::kb::Test, k: usize| {
            (matches(p, first, Some(i), Some(k)) && matches(p, second, Some(i), Some(j)))
                || (matches(p, first, Some(i), Some(j)) && matches(p, second, Some(i), Some(k)))
        };
        let mut rules: Vec<StretchRule> = kb
            .rules
            .iter()
            .filter(|r| r.effect.is_avoid())
            .filter(|r| match &r.scope {
                Scope::Holds { who, lead: false } => matches(p, who, Some(i), Some(j)),
                Scope::Pair { first, second } => {
                    a.roles_of(i).any(|k| k != j && both(first, second, k))
                }
                _ => false,
            })
            .map(|r| StretchRule {
                rule: r.id.clone(),
                kind: r
                    .effect
                    .flag
                    .as_ref()
                    .map_or_else(String::new, |f| f.kind.clone()),
                severity: r
                    .effect
                    .flag
                    .as_ref()
                    .map_or(Severity::Info, |f| f.severity),
                source: kb.source_text(&r.source),
            })
            .collect();
        if rules.is_empty() {
            continue;
        }
        rules.sort_by(|x, y| {
            y.severity
                .cmp(&x.severity)
                .then_with(|| x.rule.cmp(&y.rule))
        });
        let partner = &p.partners[i];
        out.push(Stretch {
            partner: partner.id.clone(),
            partner_name: partner.name.clone(),
            sector: kb.sector(partner.sector).id.clone(),
            fit: round(p.fit[i][j], 2),
            rules,
            spare_capacity: (a.roles_of(i).count() as u32) < partner.capacity,
        });
    }
    out.sort_by(|x, y| {
        y.fit
            .total_cmp(&x.fit)
            .then_with(|| x.partner.cmp(&y.partner))
    });
    out.truncate(2);
    out
}

fn avoided(p: &Problem, i: usize, j: usize, rule: &crate::kb::Rule, effect: String) -> Avoided {
    Avoided {
        rule: rule.id.clone(),
        source: p.kb.source_text(&rule.source),
        partner: p.partners[i].id.clone(),
        role: p.role_id(j).to_string(),
        fit: round(p.fit[i][j], 2),
        effect,
        risk: rule.effect.flag.as_ref().map(|f| f.kind.clone()),
    }
}

/// What holding each pair is worth beyond its fit, by partner then need: the holding rules that
/// fire on it (instance, objective effect), and the partner's wish it meets (the price of the
/// `Unmet` rule it avoids). Reasons, runner-ups, gaps and assumptions all read this one table.
struct PairEffects {
    rules: Vec<Vec<Vec<(usize, f64)>>>,
    wish: Vec<Vec<f64>>,
}

impl PairEffects {
    /// Importance x fit plus the holding rules that fire and the wish met: what partner `i`
    /// brings to need `j` alone.
    fn local(&self, p: &Problem, i: usize, j: usize) -> f64 {
        p.importance(j) * p.fit[i][j]
            + self.rules[i][j].iter().map(|(_, w)| w).sum::<f64>()
            + self.wish[i][j]
    }
}

fn assignment_view(
    p: &Problem,
    a: &Assignment,
    (i, j): (usize, usize),
    effects: &PairEffects,
    holders: &[usize],
    robustness: Option<&Robustness>,
) -> AssignmentView {
    let kb = p.kb;
    let (rules, wish) = (&effects.rules[i][j], effects.wish[i][j]);
    let partner = &p.partners[i];
    let role = kb.role(p.needs[j].role);
    // One rounded fit for every place it is shown, so the heading and the reason agree.
    let fit = round(p.fit[i][j], 2);
    let mut reasons = vec![text::fit_reason(kb, partner, role, fit)];
    let lead = a.lead[j] == Some(i);
    let pinned = p.is_pinned(i, j);
    if pinned {
        reasons.push("pinned by the facilitator".to_string());
    }
    if partner.wants.contains(&p.needs[j].role) {
        reasons.push(if wish > 0.0 {
            format!(
                "asked for by the partner: its wish is met (+{:.2}, below every logic rule)",
                wish
            )
        } else {
            "asked for by the partner".to_string()
        });
    }
    if holders.len() > 1 {
        reasons.push(if lead {
            format!("leads the role among its {} partners", holders.len())
        } else {
            "supports the role's lead".to_string()
        });
    }
    let mut fired = Vec::new();
    // Each rule that fired, as a reason citing its source and as the cell's `(rule, weight)`.
    let mut fire = |rule: &Rule, w: f64, role_taken: &str| {
        reasons.push(format!(
            "rule {}{role_taken}: {} ({})",
            rule.id,
            effect_words(w),
            kb.source_text(&rule.source)
        ));
        fired.push((rule.id.clone(), round(w, 4)));
    };
    for &(n, w) in rules {
        fire(kb.rule(p.instances[n].rule), w, "");
    }
    for inst in &p.instances {
        if let Subject::Holds {
            partner,
            need,
            lead: true,
        } = inst.subject
            && partner == i
            && need == j
            && lead
        {
            fire(kb.rule(inst.rule), p.weight(inst), " (as lead)");
        }
    }
    let motives: Vec<&str> = kb
        .sector_motives(partner.sector)
        .filter(|m| role.serves.contains(m))
        .map(|m| kb.motives[m.index()].id.as_str())
        .collect();
    if !motives.is_empty() {
        reasons.push(format!("serves its motives: {}", motives.join(", ")));
    }
    let assessed = robustness.and_then(|r| Some((r, r.held(&partner.id, &role.id)?)));
    let runner_up = assessed.and_then(|(_, h)| runner_up(p, (i, j), h, effects));
    if let Some((r, h)) = assessed {
        reasons.extend(crate::robust::words::reasons(h, r));
    }
    AssignmentView {
        partner: partner.id.clone(),
        partner_name: partner.name.clone(),
        sector: kb.sector(partner.sector).id.clone(),
        role: role.id.clone(),
        role_name: role.name.clone(),
        lead,
        pinned,
        fit,
        reasons,
        rules: fired,
        runner_up,
        assumed: assumed_part(p, i, j).1,
    }
}

/// "+0.5", "-1.5", or "flagged" for a rule that only raises a flag.
fn effect_words(w: f64) -> String {
    if w > 0.0 {
        format!("+{}", round(w, 2))
    } else if w < 0.0 {
        format!("{}", round(w, 2))
    } else {
        "flagged".to_string()
    }
}

/// The partner not holding need `j` that scores best on it (ties to the earlier id), among
/// those free to take it with capacity to spare: who would simply take the role when robustness
/// was not assessed.
fn best_other(
    p: &Problem,
    a: &Assignment,
    j: usize,
    local: &dyn Fn(usize, usize) -> f64,
) -> Option<usize> {
    (0..p.partners.len())
        .filter(|&k| !a.holds[k][j] && p.blocked[k][j].is_none() && p.fit[k][j] > 0.0)
        .filter(|&k| (a.roles_of(k).count() as u32) < p.partners[k].capacity)
        .max_by(|&x, &y| local(x, j).total_cmp(&local(y, j)).then(y.cmp(&x)))
}

/// The runner-up the robustness assessment found (who takes the role in the best line-up
/// without the holder in it), with both partners' local scores; `None` when nobody does.
fn runner_up(
    p: &Problem,
    (i, j): (usize, usize),
    held: &crate::robust::Held,
    effects: &PairEffects,
) -> Option<RunnerUp> {
    let id = held.runner_up.as_deref()?;
    let k = p.partners.iter().position(|q| q.id == id)?;
    Some(RunnerUp {
        partner: id.to_string(),
        fit: round(p.fit[k][j], 4),
        score: round(effects.local(p, k, j), 4),
        holder_score: round(effects.local(p, i, j), 4),
        why_not: crate::robust::words::why_not(held),
    })
}

fn gap(
    p: &Problem,
    a: &Assignment,
    j: usize,
    missing: u32,
    pair_rules: &[Vec<Vec<(usize, f64)>>],
) -> Gap {
    let kb = p.kb;
    let role_ix = p.needs[j].role;
    let role = kb.role(role_ix);
    let mut sectors: Vec<(f64, usize)> = (0..kb.sectors.len())
        .map(|s| (kb.sector_fit(crate::kb::SectorIx(s as u32), role_ix), s))
        .collect();
    sectors.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let good: Vec<(f64, usize)> = sectors
        .iter()
        .copied()
        .filter(|(f, _)| *f >= kb.settings.recruit_fit)
        .collect();
    let chosen = if good.is_empty() {
        sectors.into_iter().take(1).collect()
    } else {
        good
    };
    let suggestion = match chosen.first() {
        Some(&(fit, s)) => {
            let sector = &kb.sectors[s];
            let strengths = text::top_strengths(kb, s, role_ix);
            let others = chosen[1..]
                .iter()
                .map(|&(_, o)| kb.sectors[o].name.to_lowercase())
                .collect::<Vec<_>>();
            let also = if others.is_empty() {
                String::new()
            } else {
                format!("; also {}", others.join(", "))
            };
            // The organisation type of the sector that fits best, when it beats the typical member.
            let best_type = (0..kb.types.len())
                .map(|t| crate::kb::TypeIx(t as u32))
                .filter(|&t| kb.types[t.index()].sector.index() == s)
                .map(|t| (kb.type_fit(t, role_ix), t))
                .filter(|(f, _)| *f > fit + 0.005)
                .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
            let kind = match best_type {
                Some((f, t)) => format!(
                    "; best a {} ({:.2})",
                    kb.types[t.index()].name.to_lowercase(),
                    f
                ),
                None => String::new(),
            };
            format!(
                "recruit a partner from {} for {} (a typical one fits {:.2}, strong in {}{kind}){also}",
                sector.name.to_lowercase(),
                role.name.to_lowercase(),
                fit,
                strengths
            )
        }
        None => format!("recruit a partner for {}", role.name.to_lowercase()),
    };
    let mut why_not = Vec::new();
    let mut incapable = 0;
    for i in 0..p.partners.len() {
        if a.holds[i][j] {
            continue;
        }
        // Partners with almost none of the role's capabilities are counted, not listed, unless
        // something else (a refusal, a rule's penalty) also keeps them out.
        let penalised = pair_rules[i][j].iter().any(|(_, w)| *w < 0.0);
        let refused = matches!(p.blocked[i][j], Some(Block::Refused));
        if p.fit[i][j] < 0.15 && !penalised && !refused {
            incapable += 1;
            continue;
        }
        let who = format!("{} (fit {:.2})", p.partners[i].id, p.fit[i][j]);
        let reason = match &p.blocked[i][j] {
            Some(Block::Refused) => "refuses the role".to_string(),
            Some(Block::NoCapacity) => "has no capacity".to_string(),
            Some(Block::Forbidden(r)) => format!("forbidden by rule {}", kb.rule(*r).id),
            Some(Block::Avoided(r)) => {
                let rule = kb.rule(*r);
                match &rule.effect.flag {
                    Some(f) => format!(
                        "kept out by rule {} ({}, {}): only a pin would put it there",
                        rule.id, f.kind, f.severity
                    ),
                    None => format!(
                        "kept out by rule {}: only a pin would put it there",
                        rule.id
                    ),
                }
            }
            None => {
                let penalties: Vec<String> = pair_rules[i][j]
                    .iter()
                    .filter(|(_, w)| *w < 0.0)
                    .map(|&(n, w)| {
                        format!(
                            "rule {} would cost {}",
                            kb.rule(p.instances[n].rule).id,
                            round(-w, 2)
                        )
                    })
                    .collect();
                let held = a.roles_of(i).count() as u32;
                if !penalties.is_empty() {
                    penalties.join(", ")
                } else if held >= p.partners[i].capacity {
                    format!("its capacity of {} is used", p.partners[i].capacity)
                } else {
                    "taking it would lower the line-up's total".to_string()
                }
            }
        };
        why_not.push(format!("{who}: {reason}"));
    }
    if incapable > 0 {
        why_not.push(format!(
            "{incapable} other partner(s): almost none of the capabilities the role needs"
        ));
    }
    let cost = p
        .instances
        .iter()
        .filter(|inst| matches!(inst.subject, Subject::Uncovered { need } if need == j))
        .map(|inst| -p.weight(inst) * p.amount(inst, a))
        .sum::<f64>();
    // Without money, who could hold the role does not matter: the gap is the money.
    let unfinanced = p.money.needs_money[j] && !p.money.financed[j];
    let (suggestion, why_not) = if unfinanced {
        (
            format!(
                "no money is committed to {}: confirm a budget line or find a funder ({suggestion})",
                role.name.to_lowercase()
            ),
            vec!["no partner: the role needs money and nobody commits any".to_string()],
        )
    } else {
        (suggestion, why_not)
    };
    Gap {
        role: role.id.clone(),
        role_name: role.name.clone(),
        importance: p.needs[j].importance,
        missing,
        sectors: chosen
            .iter()
            .map(|&(_, s)| kb.sectors[s].id.clone())
            .collect(),
        suggestion,
        why_not,
        cost: round(cost, 2),
        stretch: if missing > 0 && !unfinanced {
            stretch(p, a, j)
        } else {
            Vec::new()
        },
        unfinanced,
    }
}
