//! Problem -> a solver-agnostic mixed-integer model whose every row says where it comes from.
//!
//! Keeping the model as plain data (instead of building good_lp expressions directly) lets the
//! same model be written as a CPLEX LP file, checked against an assignment, and relaxed row by
//! row when explaining infeasibility.

use super::{Problem, Subject};

/// Weight of the tie-break term: small enough never to trade against a real difference in
/// value (every real coefficient is a multiple of at least 1e-4 in practice), large enough for
/// the solver to see. Ties go to the partner whose fit rests more on stated evidence, then to
/// partners earlier in id order ([`tie_break`]).
pub const TIE_BREAK: f64 = 1e-6;

/// The tie-break coefficient of partner `i` holding need `j`, in `(-TIE_BREAK, 0)`.
///
/// Equally good line-ups are told apart first by stated evidence: the share of the role's
/// capability weight the partner states ([`Problem::stated_share`], in whole percent, so the
/// order is lexicographic), then by id order, so the order of a file never matters and a
/// partner known only by its sector's defaults does not win a tie against one that says what
/// it can do. Negative, so holding a role worth nothing is never preferred to leaving it.
pub fn tie_break(p: &Problem, i: usize, j: usize) -> f64 {
    let np = p.partners.len() as f64;
    let unstated = 100.0 - (p.stated_share(i, j) * 100.0).round();
    let rank = unstated * (np + 1.0) + (i + 1) as f64;
    -TIE_BREAK * rank / (101.0 * (np + 1.0))
}

/// Whether a variable takes only 0 or 1, or any value between its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    /// 0 or 1: the holding and leading variables.
    Binary,
    /// Any real value between its bounds: shortfalls, sector indicators, rule variables.
    Continuous,
}

/// What a variable stands for; names are rendered only when writing an LP file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VarName {
    /// Partner `i` holds need `j`.
    X(usize, usize),
    /// Partner `i` leads need `j` (only for needs that take several partners).
    Y(usize, usize),
    /// Partners missing on need `j`.
    U(usize),
    /// Sector `k` (index into `sectors_present`) takes part.
    S(usize),
    /// An auxiliary variable of rule instance `inst`.
    Aux(usize),
}

/// One variable of the model, with its bounds and objective coefficients.
#[derive(Debug, Clone)]
pub struct Var {
    /// What it stands for.
    pub name: VarName,
    /// Binary or continuous.
    pub kind: VarKind,
    /// Lower bound.
    pub lb: f64,
    /// Upper bound.
    pub ub: f64,
    /// Coefficient in the true objective (maximised).
    pub obj: f64,
    /// Coefficient of the tie-break term, added for solving only.
    pub tie: f64,
}

/// How a row's left-hand side compares with its right-hand side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// At most (`<=`).
    Le,
    /// At least (`>=`).
    Ge,
    /// Exactly (`=`).
    Eq,
}

/// Where a row comes from. Only some origins are choices a facilitator could relax; the rest
/// define the variables and never cause a contradiction on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Partner `i` holds at most its capacity in roles.
    Capacity(usize),
    /// Need `j` holds at least its minimum of partners (the shortfall goes into its `U` variable).
    CoverMin(usize),
    /// Need `j` takes at most its maximum of partners.
    CoverMax(usize),
    /// At most one lead on need `j`.
    LeadOne(usize),
    /// Someone leads need `j` if anyone holds it.
    LeadAny(usize),
    /// Partner `i` leads need `j` only if it holds it.
    LeadHeld(usize, usize),
    /// Pin number `k` of the problem.
    Pin(usize),
    /// Pin number `k` makes its partner the need's lead.
    PinLead(usize),
    /// A pinned pair that is otherwise blocked (refused, no capacity).
    Blocked(usize, usize),
    /// A forbidding rule instance.
    Forbid(usize),
    /// Row `k` linking a soft rule instance's variable.
    Soft(usize, usize),
    /// Envelope row `k` of a rule instance's excess variable ([`super::envelope`]): implied by
    /// the integer model, it only tightens the relaxation.
    Envelope(usize, usize),
    /// Sector indicator `k` only when one of its partners holds a role.
    SectorLink(usize),
    /// At least the problem's minimum of sectors take part.
    MinSectors,
}

impl Origin {
    /// Rows that encode a facilitator's or a rule's demand: what a conflict can consist of.
    pub fn is_demand(&self) -> bool {
        matches!(
            self,
            Origin::Capacity(_)
                | Origin::CoverMax(_)
                | Origin::Pin(_)
                | Origin::PinLead(_)
                | Origin::Blocked(..)
                | Origin::Forbid(_)
                | Origin::MinSectors
        )
    }
}

/// One linear constraint of the model, and where it comes from.
#[derive(Debug, Clone)]
pub struct Row {
    /// The demand or definition the row encodes.
    pub origin: Origin,
    /// The left-hand side: `(variable index, coefficient)` pairs.
    pub terms: Vec<(usize, f64)>,
    /// How the left-hand side compares with `rhs`.
    pub cmp: Cmp,
    /// The right-hand side.
    pub rhs: f64,
}

/// The model: variables, rows, and the variable of each (partner, need) pair.
#[derive(Debug, Clone)]
pub struct Milp {
    /// The variables; rows and `x`/`lead` refer to them by index.
    pub vars: Vec<Var>,
    /// The constraints.
    pub rows: Vec<Row>,
    /// `x[i][j]`: the holding variable, absent when the pair is blocked.
    pub x: Vec<Vec<Option<usize>>>,
    /// `lead[i][j]`: the lead variable (`x` itself for single-partner needs).
    pub lead: Vec<Vec<Option<usize>>>,
}

impl Milp {
    fn var(&mut self, name: VarName, kind: VarKind, ub: f64, obj: f64) -> usize {
        self.vars.push(Var {
            name,
            kind,
            lb: 0.0,
            ub,
            obj,
            tie: 0.0,
        });
        self.vars.len() - 1
    }

    fn row(&mut self, origin: Origin, terms: Vec<(usize, f64)>, cmp: Cmp, rhs: f64) {
        self.rows.push(Row {
            origin,
            terms,
            cmp,
            rhs,
        });
    }

    /// Whether values satisfy every row and bound (within a small tolerance).
    pub fn is_satisfied_by(&self, values: &[f64]) -> bool {
        self.violation(values).is_none()
    }

    /// The first bound (`Err(var)`) or row (`Ok(row)`) the values break, if any.
    pub fn violation(&self, values: &[f64]) -> Option<Result<usize, usize>> {
        const TOL: f64 = 1e-6;
        if let Some(v) = self
            .vars
            .iter()
            .zip(values)
            .position(|(v, &x)| x < v.lb - TOL || x > v.ub + TOL)
        {
            return Some(Err(v));
        }
        self.rows
            .iter()
            .position(|r| {
                let lhs: f64 = r.terms.iter().map(|&(v, c)| c * values[v]).sum();
                match r.cmp {
                    Cmp::Le => lhs > r.rhs + TOL,
                    Cmp::Ge => lhs < r.rhs - TOL,
                    Cmp::Eq => (lhs - r.rhs).abs() > TOL,
                }
            })
            .map(Ok)
    }
}

/// The value of every variable for an assignment, auxiliary variables at the level the
/// assignment implies. With it, the model's objective can be checked against the problem's own
/// evaluation, and a heuristic line-up can seed the solver.
pub fn values_for(p: &Problem, m: &Milp, a: &super::Assignment) -> Vec<f64> {
    let used: Vec<bool> = p
        .sectors_present
        .iter()
        .map(|&s| {
            (0..p.partners.len())
                .any(|i| p.partners[i].sector == s && a.holds[i].iter().any(|&h| h))
        })
        .collect();
    m.vars
        .iter()
        .map(|v| match v.name {
            VarName::X(i, j) => f64::from(u8::from(a.holds[i][j])),
            VarName::Y(i, j) => f64::from(u8::from(a.lead[j] == Some(i))),
            VarName::U(j) => (p.needs[j].min as f64 - a.count(j) as f64).max(0.0),
            VarName::S(k) => f64::from(u8::from(used[k])),
            VarName::Aux(n) => p.amount(&p.instances[n], a).min(v.ub),
        })
        .collect()
}

/// The share of importance x fit that holding need `j` earns, and the share leading it earns on
/// top (zero for needs of one partner, whose holder leads).
fn value_shares(p: &Problem, j: usize) -> (f64, f64) {
    let support = p.kb.settings.support_weight;
    if p.needs[j].max > 1 {
        (support, 1.0 - support)
    } else {
        (1.0, 0.0)
    }
}

/// The model's objective coefficients when the fits are `fit` instead of the problem's own:
/// the value part of each holding and lead variable moves with its fit, rule effects stay.
/// What perturbing the fits needs, without building the model again.
pub fn objective_with_fits(p: &Problem, m: &Milp, fit: &[Vec<f64>]) -> Vec<f64> {
    let mut obj: Vec<f64> = m.vars.iter().map(|v| v.obj).collect();
    for (i, row) in m.x.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            let Some(x) = *x else { continue };
            let (hold, lead) = value_shares(p, j);
            let delta = p.importance(j) * (fit[i][j] - p.fit[i][j]);
            obj[x] += delta * hold;
            if let Some(y) = m.lead[i][j].filter(|&y| y != x) {
                obj[y] += delta * lead;
            }
        }
    }
    obj
}

/// Builds the model of a problem.
pub fn build(p: &Problem) -> Milp {
    let (np, nn) = (p.partners.len(), p.needs.len());
    let mut m = Milp {
        vars: Vec::with_capacity(np * nn + nn),
        rows: Vec::new(),
        x: vec![vec![None; nn]; np],
        lead: vec![vec![None; nn]; np],
    };
    for i in 0..np {
        for j in 0..nn {
            if p.blocked[i][j].is_some() && !p.is_pinned(i, j) {
                continue;
            }
            let multi = p.needs[j].max > 1;
            let (hold, lead) = value_shares(p, j);
            let tie = tie_break(p, i, j);
            let x = m.var(
                VarName::X(i, j),
                VarKind::Binary,
                1.0,
                p.importance(j) * p.fit[i][j] * hold,
            );
            m.vars[x].tie = tie;
            m.x[i][j] = Some(x);
            m.lead[i][j] = Some(x);
            if multi {
                let y = m.var(
                    VarName::Y(i, j),
                    VarKind::Binary,
                    1.0,
                    p.importance(j) * p.fit[i][j] * lead,
                );
                m.vars[y].tie = tie;
                m.lead[i][j] = Some(y);
                m.row(
                    Origin::LeadHeld(i, j),
                    vec![(y, 1.0), (x, -1.0)],
                    Cmp::Le,
                    0.0,
                );
            }
            if p.blocked[i][j].is_some() {
                m.row(Origin::Blocked(i, j), vec![(x, 1.0)], Cmp::Eq, 0.0);
            }
        }
    }
    for j in 0..nn {
        let need = &p.needs[j];
        let holders: Vec<usize> = (0..np).filter_map(|i| m.x[i][j]).collect();
        if need.min > 0 {
            let u = m.var(VarName::U(j), VarKind::Continuous, need.min as f64, 0.0);
            let mut terms: Vec<(usize, f64)> = holders.iter().map(|&x| (x, 1.0)).collect();
            terms.push((u, 1.0));
            m.row(Origin::CoverMin(j), terms, Cmp::Ge, need.min as f64);
        }
        if holders.len() > need.max as usize {
            m.row(
                Origin::CoverMax(j),
                holders.iter().map(|&x| (x, 1.0)).collect(),
                Cmp::Le,
                need.max as f64,
            );
        }
        if need.max > 1 && !holders.is_empty() {
            let leads: Vec<usize> = (0..np)
                .filter_map(|i| m.x[i][j].and(m.lead[i][j]))
                .collect();
            m.row(
                Origin::LeadOne(j),
                leads.iter().map(|&y| (y, 1.0)).collect(),
                Cmp::Le,
                1.0,
            );
            let mut terms: Vec<(usize, f64)> =
                leads.iter().map(|&y| (y, need.max as f64)).collect();
            terms.extend(holders.iter().map(|&x| (x, -1.0)));
            m.row(Origin::LeadAny(j), terms, Cmp::Ge, 0.0);
        }
    }
    for i in 0..np {
        let held: Vec<usize> = (0..nn).filter_map(|j| m.x[i][j]).collect();
        if held.len() > p.partners[i].capacity as usize {
            m.row(
                Origin::Capacity(i),
                held.iter().map(|&x| (x, 1.0)).collect(),
                Cmp::Le,
                p.partners[i].capacity as f64,
            );
        }
    }
    for (k, &(i, j, lead)) in p.pins.iter().enumerate() {
        if let Some(x) = m.x[i][j] {
            m.row(Origin::Pin(k), vec![(x, 1.0)], Cmp::Eq, 1.0);
        }
        if lead && let Some(y) = m.lead[i][j] {
            m.row(Origin::PinLead(k), vec![(y, 1.0)], Cmp::Eq, 1.0);
        }
    }
    let sector_vars = sectors(p, &mut m);
    for (n, inst) in p.instances.iter().enumerate() {
        add_instance(p, &mut m, n, &inst.subject, &sector_vars);
    }
    m
}

/// Sector indicators, only when some rule or the minimum number of sectors needs them.
fn sectors(p: &Problem, m: &mut Milp) -> Vec<usize> {
    let diversity = p
        .instances
        .iter()
        .any(|i| matches!(i.subject, Subject::Diversity { .. }));
    if !diversity && p.min_sectors < 2 {
        return Vec::new();
    }
    let vars: Vec<usize> = (0..p.sectors_present.len())
        .map(|k| m.var(VarName::S(k), VarKind::Continuous, 1.0, 0.0))
        .collect();
    for (k, &sector) in p.sectors_present.iter().enumerate() {
        let mut terms = vec![(vars[k], 1.0)];
        for i in (0..p.partners.len()).filter(|&i| p.partners[i].sector == sector) {
            terms.extend(
                (0..p.needs.len())
                    .filter_map(|j| m.x[i][j])
                    .map(|x| (x, -1.0)),
            );
        }
        m.row(Origin::SectorLink(k), terms, Cmp::Le, 0.0);
    }
    if p.min_sectors >= 2 {
        m.row(
            Origin::MinSectors,
            vars.iter().map(|&s| (s, 1.0)).collect(),
            Cmp::Ge,
            p.min_sectors as f64,
        );
    }
    vars
}

/// Adds one rule instance: an objective term, a hard row, or an auxiliary variable with the
/// rows that tie it to the situation it measures.
fn add_instance(p: &Problem, m: &mut Milp, n: usize, subject: &Subject, sector_vars: &[usize]) {
    let effect = &p.kb.rule(p.instances[n].rule).effect;
    let weight = p.weight(&p.instances[n]);
    let forbid = effect.is_forbid();
    let avoid = effect.is_avoid();
    if !forbid && !avoid && weight == 0.0 {
        // A flag-only rule shapes nothing: it is evaluated on the final line-up.
        return;
    }
    let holding = matches!(subject, Subject::Holds { .. } | Subject::Pair { .. });
    if !holding && !forbid && weight == 0.0 {
        // `avoid` only keeps a partner out of roles; elsewhere (a sweep may set it) it is a price.
        return;
    }
    match subject {
        Subject::Holds {
            partner,
            need,
            lead,
        } => {
            let var = if *lead {
                m.lead[*partner][*need]
            } else {
                m.x[*partner][*need]
            };
            let Some(v) = var else { return };
            // An avoided pair is only in the model when pinned (see `Problem::new`); an avoided
            // lead is kept out here unless the pin makes the partner the lead.
            if forbid || (avoid && *lead && !p.is_pinned_lead(*partner, *need)) {
                m.row(Origin::Forbid(n), vec![(v, 1.0)], Cmp::Eq, 0.0);
            } else {
                m.vars[v].obj += weight;
            }
        }
        Subject::Pair {
            partner,
            first,
            second,
        } => {
            let (Some(a), Some(b)) = (m.x[*partner][*first], m.x[*partner][*second]) else {
                return;
            };
            let pinned_both = p.is_pinned(*partner, *first) && p.is_pinned(*partner, *second);
            if forbid || (avoid && !pinned_both) {
                m.row(Origin::Forbid(n), vec![(a, 1.0), (b, 1.0)], Cmp::Le, 1.0);
            } else if weight != 0.0 {
                let z = m.var(VarName::Aux(n), VarKind::Continuous, 1.0, weight);
                if weight < 0.0 {
                    m.row(
                        Origin::Soft(n, 0),
                        vec![(z, 1.0), (a, -1.0), (b, -1.0)],
                        Cmp::Ge,
                        -1.0,
                    );
                } else {
                    m.row(Origin::Soft(n, 0), vec![(z, 1.0), (a, -1.0)], Cmp::Le, 0.0);
                    m.row(Origin::Soft(n, 1), vec![(z, 1.0), (b, -1.0)], Cmp::Le, 0.0);
                }
            }
        }
        Subject::Load {
            partner,
            limit,
            by_effort,
        } => {
            let terms: Vec<(usize, f64)> = (0..p.needs.len())
                .filter_map(|j| {
                    let m_j = if *by_effort {
                        p.kb.role(p.needs[j].role).effort
                    } else {
                        1.0
                    };
                    m.x[*partner][j].map(|x| (x, m_j))
                })
                .collect();
            partner_limit(p, m, n, *partner, terms, *limit, forbid, weight);
        }
        Subject::Unserved { partner } => {
            let i = *partner;
            let serving: Vec<usize> = (0..p.needs.len())
                .filter(|&j| p.serves[i][j])
                .filter_map(|j| m.x[i][j])
                .collect();
            let others: Vec<usize> = (0..p.needs.len())
                .filter(|&j| !p.serves[i][j])
                .filter_map(|j| m.x[i][j])
                .collect();
            if others.is_empty() {
                return;
            }
            let w = (!forbid).then(|| m.var(VarName::Aux(n), VarKind::Continuous, 1.0, weight));
            for (k, &x) in others.iter().enumerate() {
                let mut terms = vec![(x, 1.0)];
                terms.extend(serving.iter().map(|&s| (s, -1.0)));
                match w {
                    Some(w) => {
                        terms.push((w, -1.0));
                        m.row(Origin::Soft(n, k), terms, Cmp::Le, 0.0);
                    }
                    None => m.row(Origin::Forbid(n), terms, Cmp::Le, 0.0),
                }
            }
        }
        Subject::Idle { partner } => {
            // idle = 1 - (roles held), floored at 0: `w + Σ x >= 1`.
            let mut terms: Vec<(usize, f64)> = (0..p.needs.len())
                .filter_map(|j| m.x[*partner][j])
                .map(|x| (x, 1.0))
                .collect();
            if forbid {
                m.row(Origin::Forbid(n), terms, Cmp::Ge, 1.0);
            } else if weight != 0.0 {
                let w = m.var(VarName::Aux(n), VarKind::Continuous, 1.0, weight);
                terms.push((w, 1.0));
                m.row(Origin::Soft(n, 0), terms, Cmp::Ge, 1.0);
            }
        }
        Subject::Unmet { partner, need } => {
            // unmet = 1 - x, floored at 0: `w + x >= 1`; a pair kept out of the model is
            // never held, so its wish is unmet whatever the line-up (`w >= 1`).
            let mut terms: Vec<(usize, f64)> = m.x[*partner][*need]
                .map(|x| vec![(x, 1.0)])
                .unwrap_or_default();
            if forbid {
                m.row(Origin::Forbid(n), terms, Cmp::Ge, 1.0);
            } else if weight != 0.0 {
                let w = m.var(VarName::Aux(n), VarKind::Continuous, 1.0, weight);
                terms.push((w, 1.0));
                m.row(Origin::Soft(n, 0), terms, Cmp::Ge, 1.0);
            }
        }
        Subject::Shared {
            need,
            partners,
            at_least,
        } => {
            let terms: Vec<(usize, f64)> = partners
                .iter()
                .filter_map(|&i| m.x[i][*need])
                .map(|x| (x, 1.0))
                .collect();
            let most = (terms.len() as f64).min(p.needs[*need].max as f64);
            let limit = *at_least as f64 - 1.0;
            if most <= limit {
                return;
            }
            limit_row(m, n, terms, limit, forbid, weight, most - limit);
        }
        Subject::Concentration { partner, limit } => {
            let terms: Vec<(usize, f64)> = (0..p.needs.len())
                .filter_map(|j| m.x[*partner][j].map(|x| (x, p.importance(j))))
                .collect();
            partner_limit(p, m, n, *partner, terms, *limit, forbid, weight);
        }
        Subject::Diversity { below } => {
            if sector_vars.is_empty() || *below == 0 {
                return;
            }
            let mut terms: Vec<(usize, f64)> = sector_vars.iter().map(|&s| (s, 1.0)).collect();
            if forbid {
                m.row(Origin::Forbid(n), terms, Cmp::Ge, *below as f64);
            } else {
                let d = m.var(VarName::Aux(n), VarKind::Continuous, *below as f64, weight);
                terms.push((d, 1.0));
                m.row(Origin::Soft(n, 0), terms, Cmp::Ge, *below as f64);
            }
        }
        Subject::Uncovered { need } => {
            // The slack variable already measures missing partners; the rule prices them.
            if let Some(u) = m.vars.iter().position(|v| v.name == VarName::U(*need)) {
                m.vars[u].obj += weight * p.importance(*need);
            }
        }
    }
}

/// A limit on partner `i`'s roles with its envelope rows; no row when the partner's capacity
/// keeps it within the limit anyway.
#[allow(clippy::too_many_arguments)]
fn partner_limit(
    p: &Problem,
    m: &mut Milp,
    n: usize,
    i: usize,
    terms: Vec<(usize, f64)>,
    limit: f64,
    forbid: bool,
    weight: f64,
) {
    let most = most_within_capacity(terms.iter().map(|t| t.1), p.partners[i].capacity);
    if most <= limit + 1e-9 {
        return;
    }
    let e = limit_row(m, n, terms, limit, forbid, weight, most - limit);
    envelope_rows(p, m, n, i, e);
}

/// `Σ terms <= limit` when forbidding, else an excess variable `e >= Σ terms - limit` priced by
/// `weight` (which is a penalty, so negative); returns that variable.
fn limit_row(
    m: &mut Milp,
    n: usize,
    mut terms: Vec<(usize, f64)>,
    limit: f64,
    forbid: bool,
    weight: f64,
    most_excess: f64,
) -> Option<usize> {
    if forbid {
        m.row(Origin::Forbid(n), terms, Cmp::Le, limit);
        None
    } else {
        let e = m.var(VarName::Aux(n), VarKind::Continuous, most_excess, weight);
        terms.push((e, -1.0));
        m.row(Origin::Soft(n, 0), terms, Cmp::Le, limit);
        Some(e)
    }
}

/// The envelope rows of instance `n` (a limit on partner `i`'s roles), if the problem was
/// tightened: `Σ coef x - e <= rhs`.
fn envelope_rows(p: &Problem, m: &mut Milp, n: usize, i: usize, e: Option<usize>) {
    let (Some(e), Some(facets)) = (e, p.envelopes.get(n)) else {
        return;
    };
    for (k, f) in facets.iter().enumerate() {
        let mut terms: Vec<(usize, f64)> = f
            .coef
            .iter()
            .filter_map(|&(j, c)| m.x[i][j].map(|x| (x, c)))
            .collect();
        terms.push((e, -1.0));
        m.row(Origin::Envelope(n, k), terms, Cmp::Le, f.rhs);
    }
}

/// The largest sum of at most `capacity` of the given amounts.
fn most_within_capacity(amounts: impl Iterator<Item = f64>, capacity: u32) -> f64 {
    let mut v: Vec<f64> = amounts.collect();
    v.sort_by(|a, b| b.total_cmp(a));
    v.iter().take(capacity as usize).sum()
}
