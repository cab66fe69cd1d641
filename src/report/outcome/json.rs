//! The `--format json` output of CONTRACT.md, plus extensions (coverage, breakdown, runner-ups,
//! risks avoided, partner loads, conflicts, notes, robustness). Only this layer is `Serialize`.

use crate::explain::money::{Account, Source};
use crate::explain::{Outcome, round};
use crate::robust::{Held, Instead, Margin, Robustness, TieBreak, words};
use serde::Serialize;

/// The JSON shape of a solved line-up (`rolefit solve --format json`).
#[derive(Serialize)]
pub struct OutcomeJson<'a> {
    scenario: &'a str,
    variant: Option<&'a str>,
    status: &'static str,
    objective: f64,
    coverage: f64,
    objective_breakdown: Breakdown,
    assignments: Vec<AssignmentJson<'a>>,
    uncovered: Vec<GapJson<'a>>,
    weak: Vec<GapJson<'a>>,
    flags: Vec<FlagJson<'a>>,
    avoided: Vec<AvoidedJson<'a>>,
    partners: Vec<PartnerJson<'a>>,
    conflict: Vec<ConflictJson<'a>>,
    relaxations: Vec<RelaxationJson<'a>>,
    assumptions: Vec<AssumptionJson<'a>>,
    /// The money account; absent when the scenario states no money.
    #[serde(skip_serializing_if = "Option::is_none")]
    money: Option<MoneyJson<'a>>,
    notes: &'a [String],
    /// `null` when robustness was not assessed (turned off, or no line-up).
    robustness: Option<RobustnessJson<'a>>,
}

#[derive(Serialize)]
struct AssumptionJson<'a> {
    partner: &'a str,
    role: &'a str,
    capabilities: &'a [String],
    runner_up: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct StretchJson<'a> {
    partner: &'a str,
    sector: &'a str,
    fit: f64,
    spare_capacity: bool,
    rules: Vec<StretchRuleJson<'a>>,
}

#[derive(Serialize)]
struct StretchRuleJson<'a> {
    rule: &'a str,
    kind: &'a str,
    severity: &'static str,
    source: &'a str,
}

#[derive(Serialize)]
struct Breakdown {
    value: f64,
    bonuses: f64,
    penalties: f64,
}

#[derive(Serialize)]
struct AssignmentJson<'a> {
    partner: &'a str,
    role: &'a str,
    lead: bool,
    fit: f64,
    reasons: &'a [String],
    pinned: bool,
    rules: Vec<RuleEffect<'a>>,
    runner_up: Option<RunnerUpJson<'a>>,
    /// Capabilities counted at an assumed (default) strength.
    assumed: &'a [String],
    robustness: Option<HeldJson<'a>>,
}

/// How robust one assignment is (`crate::robust::Held`).
#[derive(Serialize)]
struct HeldJson<'a> {
    /// Objective points lost without the partner in the role; `null` unless `margin_status` is
    /// `computed`.
    margin: Option<f64>,
    /// `computed`, `pinned` (not re-optimised), `required` (no line-up without it) or
    /// `unknown` (the time limit ran out).
    margin_status: &'static str,
    tie: bool,
    /// `stated_evidence`, `id_order`, `line_up` or `open` for a tie; `null` otherwise.
    tie_break: Option<&'static str>,
    /// Who holds (leads) the role in the best line-up without this partner in it.
    runner_up: Option<&'a str>,
    stability: f64,
    kept: usize,
    instead: Vec<InsteadJson<'a>>,
}

#[derive(Serialize)]
struct InsteadJson<'a> {
    partner: Option<&'a str>,
    samples: usize,
}

#[derive(Serialize)]
struct RobustnessJson<'a> {
    samples: usize,
    drawn: usize,
    solved: usize,
    seed: u64,
    noise: f64,
    stated_noise: f64,
    close_call: f64,
    approximate: bool,
    summary: String,
    close_calls: Vec<CloseCallJson<'a>>,
}

#[derive(Serialize)]
struct CloseCallJson<'a> {
    partner: &'a str,
    role: &'a str,
    lead: bool,
    tie: bool,
    stability: f64,
    margin: Option<f64>,
    runner_up: Option<&'a str>,
    instead: Option<InsteadJson<'a>>,
    flip: Option<FlipJson<'a>>,
    message: String,
}

#[derive(Serialize)]
struct FlipJson<'a> {
    partner: &'a str,
    capability: &'a str,
    stated: bool,
    strength: f64,
    /// `drop` (the holder's capability) or `rise` (the runner-up's).
    direction: &'static str,
    /// How far it moves; 0 for a tie.
    change: f64,
    to: Option<&'a str>,
}

#[derive(Serialize)]
struct RuleEffect<'a> {
    rule: &'a str,
    effect: f64,
}

#[derive(Serialize)]
struct RunnerUpJson<'a> {
    partner: &'a str,
    fit: f64,
    score: f64,
    holder_score: f64,
    why_not: &'a str,
}

#[derive(Serialize)]
struct GapJson<'a> {
    role: &'a str,
    importance: u32,
    missing: u32,
    sectors: &'a [String],
    suggestion: &'a str,
    why_not: &'a [String],
    cost: f64,
    stretch: Vec<StretchJson<'a>>,
    unfinanced: bool,
}

/// The JSON shape of one flag: its kind, severity, partner, role and the rule that raised it.
#[derive(Serialize)]
pub struct FlagJson<'a> {
    kind: &'a str,
    severity: &'static str,
    partner: Option<&'a str>,
    role: Option<&'a str>,
    rule: &'a str,
    source: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct AvoidedJson<'a> {
    partner: &'a str,
    role: &'a str,
    fit: f64,
    rule: &'a str,
    effect: &'a str,
    risk: Option<&'a str>,
    source: &'a str,
}

#[derive(Serialize)]
struct PartnerJson<'a> {
    id: &'a str,
    name: &'a str,
    sector: &'a str,
    capacity: u32,
    roles: &'a [String],
    effort: f64,
}

#[derive(Serialize)]
struct RelaxationJson<'a> {
    constraint: &'a str,
    action: &'a str,
    objective: Option<f64>,
}

#[derive(Serialize)]
struct ConflictJson<'a> {
    constraint: &'a str,
    partner: Option<&'a str>,
    role: Option<&'a str>,
    rule: &'a str,
    source: &'a str,
    message: &'a str,
}

fn margin_json(m: Margin) -> (Option<f64>, &'static str) {
    match m {
        Margin::Points(v) => (Some(round(v, 4)), "computed"),
        Margin::Pinned => (None, "pinned"),
        Margin::Required => (None, "required"),
        Margin::Unknown => (None, "unknown"),
    }
}

fn instead_json(i: &Instead) -> InsteadJson<'_> {
    InsteadJson {
        partner: i.partner.as_deref(),
        samples: i.samples,
    }
}

fn held_json(h: &Held) -> HeldJson<'_> {
    let (margin, margin_status) = margin_json(h.margin);
    HeldJson {
        margin,
        margin_status,
        tie: h.tie.is_some(),
        tie_break: h.tie.map(|t| match t {
            TieBreak::StatedEvidence { .. } => "stated_evidence",
            TieBreak::IdOrder { .. } => "id_order",
            TieBreak::LineUp => "line_up",
            TieBreak::Open => "open",
        }),
        runner_up: h.runner_up.as_deref(),
        stability: round(h.stability, 4),
        kept: h.kept,
        instead: h.instead.iter().map(instead_json).collect(),
    }
}

fn robustness_json(r: &Robustness) -> RobustnessJson<'_> {
    RobustnessJson {
        samples: r.samples,
        drawn: r.drawn,
        solved: r.solved,
        seed: r.seed,
        noise: round(r.noise, 4),
        stated_noise: round(r.noise * crate::robust::STATED_NOISE_SHARE, 4),
        close_call: round(r.close_call, 4),
        approximate: r.approximate,
        summary: words::summary(r),
        close_calls: r
            .close_calls
            .iter()
            .map(|c| CloseCallJson {
                partner: &c.partner,
                role: &c.role,
                lead: c.lead,
                tie: c.tie,
                stability: round(c.stability, 4),
                margin: margin_json(c.margin).0,
                runner_up: c.runner_up.as_deref(),
                instead: c.instead.as_ref().map(instead_json),
                flip: c.flip.as_ref().map(|f| FlipJson {
                    partner: &f.partner,
                    capability: &f.capability,
                    stated: f.stated,
                    strength: round(f.strength, 4),
                    direction: if f.drop { "drop" } else { "rise" },
                    change: round(f.change, 4),
                    to: f.to.as_deref(),
                }),
                message: words::close_call_words(c, r),
            })
            .collect(),
    }
}

fn gap_json(g: &crate::explain::Gap) -> GapJson<'_> {
    GapJson {
        role: &g.role,
        importance: g.importance,
        missing: g.missing,
        sectors: &g.sectors,
        suggestion: &g.suggestion,
        why_not: &g.why_not,
        cost: g.cost,
        stretch: g
            .stretch
            .iter()
            .map(|s| StretchJson {
                partner: &s.partner,
                sector: &s.sector,
                fit: s.fit,
                spare_capacity: s.spare_capacity,
                rules: s
                    .rules
                    .iter()
                    .map(|r| StretchRuleJson {
                        rule: &r.rule,
                        kind: &r.kind,
                        severity: r.severity.name(),
                        source: &r.source,
                    })
                    .collect(),
            })
            .collect(),
        unfinanced: g.unfinanced,
    }
}

/// A flag as its JSON shape; shared by every report that lists flags.
pub fn flag_json(f: &crate::explain::Flag) -> FlagJson<'_> {
    FlagJson {
        kind: &f.kind,
        severity: f.severity.name(),
        partner: f.partner.as_deref(),
        role: f.role.as_deref(),
        rule: &f.rule,
        source: &f.source,
        message: &f.message,
    }
}

/// The serialisable view of an outcome.
pub fn outcome_json(o: &Outcome) -> OutcomeJson<'_> {
    OutcomeJson {
        scenario: &o.scenario,
        variant: o.variant.as_deref(),
        status: o.status.name(),
        objective: round(o.objective, 4),
        coverage: round(o.coverage, 4),
        objective_breakdown: Breakdown {
            value: round(o.breakdown.value, 4),
            bonuses: round(o.breakdown.bonuses, 4),
            penalties: round(o.breakdown.penalties, 4),
        },
        assignments: o
            .assignments
            .iter()
            .map(|a| AssignmentJson {
                partner: &a.partner,
                role: &a.role,
                lead: a.lead,
                fit: a.fit,
                reasons: &a.reasons,
                pinned: a.pinned,
                rules: a
                    .rules
                    .iter()
                    .map(|(r, e)| RuleEffect {
                        rule: r,
                        effect: *e,
                    })
                    .collect(),
                runner_up: a.runner_up.as_ref().map(|r| RunnerUpJson {
                    partner: &r.partner,
                    fit: r.fit,
                    score: r.score,
                    holder_score: r.holder_score,
                    why_not: &r.why_not,
                }),
                assumed: &a.assumed,
                robustness: o
                    .robustness
                    .as_ref()
                    .and_then(|r| r.held(&a.partner, &a.role))
                    .map(held_json),
            })
            .collect(),
        uncovered: o.uncovered.iter().map(gap_json).collect(),
        weak: o.weak.iter().map(gap_json).collect(),
        flags: o.flags.iter().map(flag_json).collect(),
        avoided: o
            .avoided
            .iter()
            .map(|a| AvoidedJson {
                partner: &a.partner,
                role: &a.role,
                fit: a.fit,
                rule: &a.rule,
                effect: &a.effect,
                risk: a.risk.as_deref(),
                source: &a.source,
            })
            .collect(),
        partners: o
            .partners
            .iter()
            .map(|p| PartnerJson {
                id: &p.id,
                name: &p.name,
                sector: &p.sector,
                capacity: p.capacity,
                roles: &p.roles,
                effort: round(p.effort, 4),
            })
            .collect(),
        conflict: o
            .conflict
            .iter()
            .map(|c| ConflictJson {
                constraint: &c.constraint,
                partner: c.partner.as_deref(),
                role: c.role.as_deref(),
                rule: &c.rule,
                source: &c.source,
                message: &c.message,
            })
            .collect(),
        relaxations: o
            .relaxations
            .iter()
            .map(|r| RelaxationJson {
                constraint: &r.constraint,
                action: &r.action,
                objective: r.objective.map(|v| round(v, 4)),
            })
            .collect(),
        assumptions: o
            .assumptions
            .iter()
            .map(|a| AssumptionJson {
                partner: &a.partner,
                role: &a.role,
                capabilities: &a.capabilities,
                runner_up: &a.runner_up,
                message: &a.message,
            })
            .collect(),
        money: o.money.as_ref().map(money_json),
        notes: &o.notes,
        robustness: o.robustness.as_ref().map(robustness_json),
    }
}

// The money account (the `money` object, also in each line-up of `rolefit additionality`).

/// The JSON shape of the money account: currency, phases, totals, money per role and commitments.
#[derive(Serialize)]
pub struct MoneyJson<'a> {
    currency: Option<&'a str>,
    phases: &'a [String],
    totals: Vec<TotalJson<'a>>,
    roles: Vec<RoleMoneyJson<'a>>,
    commitments: Vec<CommitmentJson<'a>>,
}

#[derive(Serialize)]
struct TotalJson<'a> {
    phase: &'a str,
    budget: f64,
    committed: f64,
    short: f64,
}

#[derive(Serialize)]
struct RoleMoneyJson<'a> {
    role: &'a str,
    importance: u32,
    needs_money: bool,
    status: &'static str,
    holders: &'a [String],
    phases: Vec<PhaseJson<'a>>,
}

#[derive(Serialize)]
struct PhaseJson<'a> {
    phase: &'a str,
    budget: f64,
    committed: f64,
    /// Some money reaching the role states no amount.
    unstated: bool,
    short: f64,
    from: Vec<SourceJson<'a>>,
    /// Money committed to the role in the phase that reaches no holder.
    stranded: Vec<SourceJson<'a>>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    commitment: &'a str,
    funder: &'a str,
    amount: Option<f64>,
}

#[derive(Serialize)]
struct CommitmentJson<'a> {
    id: &'a str,
    funder: &'a str,
    role: &'a str,
    amount: Option<f64>,
    phase: Option<&'a str>,
    only_if: &'a [String],
    never_to: &'a [String],
    through: Option<&'a str>,
    implicit: bool,
    state: &'static str,
    note: &'a str,
}

fn source_json(s: &Source) -> SourceJson<'_> {
    SourceJson {
        commitment: &s.commitment,
        funder: &s.funder,
        amount: s.amount.map(|v| round(v, 2)),
    }
}

/// The money account as its JSON shape.
pub fn money_json(m: &Account) -> MoneyJson<'_> {
    MoneyJson {
        currency: m.currency.as_deref(),
        phases: &m.phases,
        totals: m
            .totals
            .iter()
            .map(|t| TotalJson {
                phase: &t.phase,
                budget: round(t.budget, 2),
                committed: round(t.committed, 2),
                short: round(t.short, 2),
            })
            .collect(),
        roles: m
            .roles
            .iter()
            .map(|r| RoleMoneyJson {
                role: &r.role,
                importance: r.importance,
                needs_money: r.needs_money,
                status: r.status.name(),
                holders: &r.holders,
                phases: r
                    .phases
                    .iter()
                    .zip(&m.phases)
                    .map(|(ph, name)| PhaseJson {
                        phase: name,
                        budget: round(ph.budget, 2),
                        committed: round(ph.committed, 2),
                        unstated: ph.unstated,
                        short: round(ph.short, 2),
                        from: ph.from.iter().map(source_json).collect(),
                        stranded: ph.stranded.iter().map(source_json).collect(),
                    })
                    .collect(),
            })
            .collect(),
        commitments: m
            .commitments
            .iter()
            .map(|c| CommitmentJson {
                id: &c.id,
                funder: &c.funder,
                role: &c.role,
                amount: c.amount.map(|v| round(v, 2)),
                phase: c.phase.as_deref(),
                only_if: &c.only_if,
                never_to: &c.never_to,
                through: c.through.as_deref(),
                implicit: c.implicit,
                state: c.state,
                note: &c.note,
            })
            .collect(),
    }
}
