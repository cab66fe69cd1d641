//! Valid inequalities for a partner that may take a role clashing with several of its others:
//! cuts the relaxation adds when its optimum is fractional, so that it settles the line-up
//! ([`super::Relaxation`]) where it would otherwise be left to branch and bound.
//!
//! A clash between two roles of one partner is priced by `z >= a + b - 1` (a soft pair rule,
//! `z >= 0`) or forbidden by `a + b <= 1`. Alone, each is as tight as it can be. Together with
//! the partner's capacity (`Σ x <= C` over its roles) they leave half-integral vertices: in
//! drift-pressure the NGO holds half of advocacy and half of each of three roles that clash
//! with it, filling its capacity of three with health education and paying no clash at all,
//! where every real line-up either leaves advocacy or pays a clash. Every variation of that
//! line-up (a robustness sample, a margin) was then a branch and bound from scratch.
//!
//! For a hub role `a`, the roles `L` of the same capacity row that clash with it, and any set
//! `O` of at most `C - 2` other roles of that row, every line-up satisfies
//!
//! ```text
//! t·a + Σ_{b∈L} b + Σ_{o∈O} o - Σ_{b∈L} z_ab <= C,   t = C - |O|
//! ```
//!
//! (without `a`, the capacity row bounds the rest by `C`; with `a`, each `z_ab >= b` and the
//! `O` roles add at most `|O|`). A cut is looked for only at a fractional hub, with `O` the
//! roles of the row above the hub's value (the largest first): each adds its value minus the
//! hub's. The cuts are found from the model's rows alone, whatever rule or demand made them.

use crate::model::{Cmp, Milp, VarKind};
use std::collections::BTreeMap;

/// How far a point must break a cut for the cut to be added.
const VIOLATION: f64 = 1e-6;

/// A cut: `Σ coef x <= rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    /// The `(variable, coefficient)` terms.
    pub terms: Vec<(usize, f64)>,
    /// The right-hand side.
    pub rhs: f64,
}

/// One hub of a capacity row: the roles clashing with it, each with the variable that prices
/// the clash (`None`: forbidden outright).
#[derive(Debug)]
struct Hub {
    hub: usize,
    clashes: Vec<(usize, Option<usize>)>,
}

/// A capacity row with at least one hub clashing with two of its roles.
#[derive(Debug)]
struct Group {
    vars: Vec<usize>,
    cap: f64,
    hubs: Vec<Hub>,
}

/// The clash structure of a model, found once and separated at every fractional point.
#[derive(Debug, Default)]
pub struct ClashCuts {
    groups: Vec<Group>,
}

impl ClashCuts {
    /// The capacity rows and clashes of `m`: rows `Σ x <= C` over binaries with unit
    /// coefficients and `C >= 2`, rows `z - a - b >= -1` (`z` at least 0), rows `a + b <= 1`.
    pub fn new(m: &Milp) -> ClashCuts {
        let binary = |v: usize| m.vars[v].kind == VarKind::Binary;
        let mut links: BTreeMap<(usize, usize), Option<usize>> = BTreeMap::new();
        let mut capacities = Vec::new();
        for row in &m.rows {
            let units = row.terms.iter().all(|&(v, c)| c == 1.0 && binary(v));
            match row.cmp {
                Cmp::Le if units && row.terms.len() == 2 && row.rhs == 1.0 => {
                    let (a, b) = (row.terms[0].0, row.terms[1].0);
                    links.insert((a.min(b), a.max(b)), None);
                }
                Cmp::Le if units && row.rhs >= 2.0 => capacities.push(row),
                Cmp::Ge if row.rhs == -1.0 && row.terms.len() == 3 => {
                    let z = row
                        .terms
                        .iter()
                        .find(|&&(v, c)| c == 1.0 && !binary(v) && m.vars[v].lb >= 0.0);
                    let pair: Vec<usize> = row
                        .terms
                        .iter()
                        .filter(|&&(v, c)| c == -1.0 && binary(v))
                        .map(|&(v, _)| v)
                        .collect();
                    if let (Some(&(z, _)), [a, b]) = (z, pair.as_slice()) {
                        // A forbidden pair needs no price: keep the stronger link.
                        links.entry((*a.min(b), *a.max(b))).or_insert(Some(z));
                    }
                }
                _ => {}
            }
        }
        if links.is_empty() {
            return ClashCuts::default();
        }
        let groups = capacities
            .into_iter()
            .filter_map(|row| {
                let vars: Vec<usize> = row.terms.iter().map(|&(v, _)| v).collect();
                let hubs: Vec<Hub> = vars
                    .iter()
                    .map(|&a| Hub {
                        hub: a,
                        clashes: vars
                            .iter()
                            .filter_map(|&b| links.get(&(a.min(b), a.max(b))).map(|&z| (b, z)))
                            .collect(),
                    })
                    .filter(|h| h.clashes.len() >= 2)
                    .collect();
                (!hubs.is_empty()).then_some(Group {
                    vars,
                    cap: row.rhs,
                    hubs,
                })
            })
            .collect();
        ClashCuts { groups }
    }

    /// Whether the model has any hub to cut at.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The cuts `values` (a point of the relaxation) breaks.
    pub fn separate(&self, values: &[f64]) -> Vec<Cut> {
        let mut cuts = Vec::new();
        for g in &self.groups {
            // At most `C - 2` other roles, so that the hub's coefficient is at least 2: with 1
            // the cut is the capacity row itself, weakened.
            let room = (g.cap - 2.0).floor().max(0.0) as usize;
            for h in &g.hubs {
                let a = values[h.hub];
                if a <= VIOLATION || a >= 1.0 - VIOLATION {
                    continue;
                }
                let mut others: Vec<usize> = g
                    .vars
                    .iter()
                    .copied()
                    .filter(|&o| {
                        o != h.hub
                            && !h.clashes.iter().any(|&(b, _)| b == o)
                            && values[o] > a + VIOLATION
                    })
                    .collect();
                others.sort_by(|&x, &y| values[y].total_cmp(&values[x]).then(x.cmp(&y)));
                others.truncate(room);
                let t = g.cap - others.len() as f64;
                let mut terms = vec![(h.hub, t)];
                for &(b, z) in &h.clashes {
                    terms.push((b, 1.0));
                    if let Some(z) = z {
                        terms.push((z, -1.0));
                    }
                }
                terms.extend(others.iter().map(|&o| (o, 1.0)));
                let lhs: f64 = terms.iter().map(|&(v, c)| c * values[v]).sum();
                if lhs > g.cap + VIOLATION {
                    cuts.push(Cut { terms, rhs: g.cap });
                }
            }
        }
        cuts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, Problem, Row, Var, VarName, build};
    use crate::solve::{Options, Relaxation, Status, solve_by};
    use crate::test_support::{kb, line_up};

    /// One partner of capacity `cap` over six roles: role 0 clashes with roles 1, 2 and 3 (each
    /// priced by its own `z`, variables 6 to 8) and is forbidden with role 4; role 5 is free.
    fn one_partner(cap: f64) -> Milp {
        let var = |kind, ub| Var {
            name: VarName::Aux(0),
            kind,
            lb: 0.0,
            ub,
            obj: 0.0,
            tie: 0.0,
        };
        let mut vars: Vec<Var> = (0..6).map(|_| var(VarKind::Binary, 1.0)).collect();
        vars.extend((0..3).map(|_| var(VarKind::Continuous, 1.0)));
        let row = |terms: Vec<(usize, f64)>, cmp, rhs| Row {
            origin: Origin::Capacity(0),
            terms,
            cmp,
            rhs,
        };
        let mut rows = vec![row((0..6).map(|v| (v, 1.0)).collect(), Cmp::Le, cap)];
        for (b, z) in [(1, 6), (2, 7), (3, 8)] {
            rows.push(row(vec![(z, 1.0), (0, -1.0), (b, -1.0)], Cmp::Ge, -1.0));
        }
        rows.push(row(vec![(0, 1.0), (4, 1.0)], Cmp::Le, 1.0));
        Milp {
            vars,
            rows,
            x: Vec::new(),
            lead: Vec::new(),
        }
    }

    /// Every line-up of the partner (each role set within its capacity and the forbidden pair,
    /// each clash paid in full): the points no cut may remove.
    fn line_ups(cap: f64) -> Vec<Vec<f64>> {
        (0u32..1 << 6)
            .filter(|mask| f64::from(mask.count_ones()) <= cap && mask & 0b10001 != 0b10001)
            .map(|mask| {
                let mut x: Vec<f64> = (0..6).map(|j| f64::from(mask >> j & 1)).collect();
                x.extend([1, 2, 3].map(|b| (x[0] + x[b] - 1.0).max(0.0)));
                x
            })
            .collect()
    }

    #[test]
    fn no_cut_removes_a_line_up_and_the_half_integral_point_is_cut() {
        let mut found = 0;
        for cap in [2.0, 3.0, 4.0] {
            let cuts = ClashCuts::new(&one_partner(cap));
            assert!(!cuts.is_empty());
            // Points between the line-ups: every value in steps of a quarter, clashes unpaid.
            let mut state = 7u64;
            for _ in 0..2_000 {
                let mut point: Vec<f64> = (0..6)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((state >> 33) % 5) as f64 / 4.0
                    })
                    .collect();
                point.extend([0.0; 3]);
                for cut in cuts.separate(&point) {
                    found += 1;
                    for x in line_ups(cap) {
                        let lhs: f64 = cut.terms.iter().map(|&(v, c)| c * x[v]).sum();
                        assert!(lhs <= cut.rhs + 1e-9, "{cut:?} removes the line-up {x:?}");
                    }
                }
            }
        }
        assert!(found > 100, "only {found} cuts found");
        // drift-pressure's vertex: half the hub and half of each clashing role, the capacity
        // of three filled by a free role, no clash paid.
        let point = [0.5, 0.5, 0.5, 0.5, 0.0, 1.0, 0.0, 0.0, 0.0];
        let cuts = ClashCuts::new(&one_partner(3.0)).separate(&point);
        assert_eq!(cuts.len(), 1);
        assert_eq!(cuts[0].rhs, 3.0);
        let mut terms = cuts[0].terms.clone();
        terms.sort_by_key(|&(v, _)| v);
        assert_eq!(
            terms,
            [
                (0, 2.0),
                (1, 1.0),
                (2, 1.0),
                (3, 1.0),
                (4, 1.0),
                (5, 1.0),
                (6, -1.0),
                (7, -1.0),
                (8, -1.0)
            ]
        );
    }

    #[test]
    fn drift_pressures_relaxation_is_cut_to_the_line_up_branch_and_bound_finds() {
        let kb = kb();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/drift-pressure.ron"
        ))
        .expect("the shipped scenario");
        let p = Problem::new(&kb, &line_up(&kb, &text));
        let m = build(&p);
        assert!(!ClashCuts::new(&m).is_empty());
        let relaxation = Relaxation::new(&m, None).expect("integral once cut");
        let settled = relaxation.optimum(&p, &m).expect("a sharp optimum");
        let opts = Options::default();
        let full = solve_by(&p, &m, &opts, None).expect("it solves");
        assert_eq!(full.status, Status::Optimal);
        assert_eq!(Some(settled.assignment), full.assignment);
    }
}
