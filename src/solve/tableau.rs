//! A dense simplex tableau of a small relaxation at its optimum, for re-pricing it many times.
//!
//! A robustness sample changes only objective coefficients, so its relaxation is re-solved by
//! primal simplex from the optimal basis ([`super::warm`]). Through microlp each sample pays for
//! a copy of the solver, a re-pricing of every column from the LU factors and, per pivot, two
//! triangular solves through a growing eta file and a pass over the row-wise matrix: about nine
//! microseconds a pivot on a 30-partner model, whose samples take some sixteen pivots each.
//! For a model of a few hundred rows and columns the whole tableau `B⁻¹N` is a few hundred
//! kilobytes: copying it once per sample and pivoting in place (a rank-one update of the rows
//! the pivot column touches) costs a fraction of that. It is built once per relaxation from
//! microlp's optimal basis, and only for models below [`MAX_ENTRIES`], where it pays.
//!
//! The tableau answers only "where does primal simplex from this basis end under these
//! coefficients"; what that point proves (an integral, sharp optimum) is decided by the
//! caller exactly as for microlp's answer, and anything the tableau cannot finish (a cycle, an
//! unbounded ray, a pivot too small to trust) is handed back to microlp.

use crate::model::{Cmp, Milp};

/// Largest tableau (rows x nonbasic columns) worth building: a sample copies it once and each
/// pivot updates part of it, so past a few hundred kilobytes microlp's sparse pivots are
/// cheaper. The generated 30 x 18 model is about 30,000 entries.
const MAX_ENTRIES: usize = 60_000;

/// A reduced cost counts as improving above this: microlp's own optimality tolerance, which
/// `warm::SHARP` is three times.
const OPTIMAL: f64 = 1e-10;

/// A basic variable may stand this far outside a bound (Harris's ratio test: a slightly
/// infeasible basic variable in exchange for a larger, more stable pivot).
const FEASIBLE: f64 = 1e-9;

/// Pivot elements smaller than this are not used.
const PIVOT: f64 = 1e-9;

/// Consecutive pivots that do not move the objective before the entering column is chosen by
/// Bland's rule (smallest variable), which cannot cycle.
const STALL: usize = 50;

/// The relaxation's constraints as the tableau reads them: variables `0..n` are the model's,
/// `n + i` is row `i`'s slack `s = rhs - lhs`, bounded as the row's comparison demands.
struct Bounds {
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// Structural variables (the rest are slacks, with no objective coefficient).
    structural: usize,
}

/// A basis and the tableau at it: what a sample copies.
#[derive(Clone)]
struct State {
    /// `t[i * width + j]`: how much basic variable `i` falls when nonbasic column `j` rises by
    /// one (`x_B = β - T x_N`).
    t: Vec<f64>,
    width: usize,
    /// The variable basic in each row, and the variable of each nonbasic column.
    basic: Vec<usize>,
    nonbasic: Vec<usize>,
    /// Every variable's value.
    x: Vec<f64>,
    /// Per nonbasic column, the way its variable can move from its bound: 1 up from the
    /// lower, -1 down from the upper, 0 for a fixed variable.
    way: Vec<f64>,
    /// Where each variable is in the tableau.
    place: Vec<Place>,
}

/// A variable's row (basic) or column (nonbasic) in the tableau.
#[derive(Clone, Copy)]
enum Place {
    Row(usize),
    Column(usize),
}

/// A relaxation's optimal basis as a dense tableau; see the module docs.
pub(super) struct Tableau {
    bounds: Bounds,
    start: State,
}

impl Tableau {
    /// The tableau of `m`'s relaxation at microlp's optimal `solution`, if the model is small
    /// enough for it to pay ([`MAX_ENTRIES`]) and the solution is a plain basic solution of
    /// `m`'s rows (no cuts added, every nonbasic variable at a bound).
    pub(super) fn new(
        m: &Milp,
        solution: &microlp::Solution,
        vars: &[microlp::Variable],
    ) -> Option<Tableau> {
        let n = m.vars.len();
        // microlp stores no constraint without terms, so neither does the tableau.
        let rows: Vec<_> = m.rows.iter().filter(|r| !r.terms.is_empty()).collect();
        let height = rows.len();
        if height * n > MAX_ENTRIES {
            return None;
        }
        let is_basic = solution.is_basic()?;
        if is_basic.len() != n + height {
            return None;
        }
        let mut lower: Vec<f64> = m.vars.iter().map(|v| v.lb).collect();
        let mut upper: Vec<f64> = m.vars.iter().map(|v| v.ub).collect();
        for row in &rows {
            let (lo, hi) = match row.cmp {
                Cmp::Le => (0.0, f64::INFINITY),
                Cmp::Ge => (f64::NEG_INFINITY, 0.0),
                Cmp::Eq => (0.0, 0.0),
            };
            lower.push(lo);
            upper.push(hi);
        }
        let bounds = Bounds {
            lower,
            upper,
            structural: n,
        };
        // The slack basis, where the tableau is the constraint matrix itself...
        let mut t = vec![0.0; height * n];
        for (i, row) in rows.iter().enumerate() {
            for &(v, c) in &row.terms {
                t[i * n + v] += c;
            }
        }
        let mut state = State {
            t,
            width: n,
            basic: (n..n + height).collect(),
            nonbasic: (0..n).collect(),
            x: Vec::with_capacity(n + height),
            way: Vec::new(),
            place: (0..n)
                .map(Place::Column)
                .chain((0..height).map(Place::Row))
                .collect(),
        };
        // ...then each structural variable basic at the optimum takes the row of a slack that
        // is not (Gauss-Jordan): the largest such entry in its column, which is nonzero as
        // long as microlp's basis is not singular.
        for v in (0..n).filter(|&v| is_basic[v]) {
            let j = state.nonbasic.iter().position(|&w| w == v)?;
            let r = (0..height)
                .filter(|&i| state.basic[i] >= n && !is_basic[state.basic[i]])
                .max_by(|&a, &b| state.at(a, j).abs().total_cmp(&state.at(b, j).abs()))?;
            if state.at(r, j).abs() < PIVOT {
                return None;
            }
            state.exchange(r, j);
        }
        // The values are microlp's; the slacks follow from them.
        state.x = vars.iter().map(|&v| solution.var_value_raw(v)).collect();
        for row in &rows {
            let lhs: f64 = row.terms.iter().map(|&(v, c)| c * state.x[v]).sum();
            state.x.push(row.rhs - lhs);
        }
        for &v in &state.nonbasic {
            state.x[v] = bounds.snap(v, state.x[v])?;
        }
        state.way = state
            .nonbasic
            .iter()
            .map(|&v| bounds.way(v, state.x[v] == bounds.upper[v]))
            .collect();
        let feasible = state.basic.iter().all(|&v| {
            state.x[v] >= bounds.lower[v] - FEASIBLE && state.x[v] <= bounds.upper[v] + FEASIBLE
        });
        feasible.then_some(Tableau {
            bounds,
            start: state,
        })
    }

    /// A copy of the optimal basis to re-solve from.
    pub(super) fn start(&self) -> Pivoting<'_> {
        Pivoting {
            tableau: self,
            s: self.start.clone(),
            obj: Vec::new(),
            d: Vec::new(),
        }
    }
}

/// A copy of a [`Tableau`]'s basis, moved by the re-solves made on it.
pub(super) struct Pivoting<'a> {
    tableau: &'a Tableau,
    s: State,
    /// The objective coefficients of the last re-solve (none yet: empty), and the reduced
    /// cost of each nonbasic column under them.
    obj: Vec<f64>,
    d: Vec<f64>,
}

impl Pivoting<'_> {
    /// The structural variables' values where primal simplex from the current basis ends
    /// with objective coefficients `obj` (maximised; one per model variable); `None` if it
    /// could not finish (see the module docs).
    pub(super) fn maximise(&mut self, obj: &[f64]) -> Option<&[f64]> {
        self.reprice(obj);
        let (s, d) = (&mut self.s, &mut self.d);
        let b = &self.tableau.bounds;
        let height = s.basic.len();
        let limit = 20 * (height + s.width) + 1000;
        let mut stalled = 0;
        for _ in 0..limit {
            let bland = stalled >= STALL;
            let Some(e) = s.entering(d, bland) else {
                return Some(&s.x[..b.structural]);
            };
            // The entering variable rises (sign 1) or falls (-1) from its bound.
            let sign = d[e].signum();
            let var = s.nonbasic[e];
            let (step, leaving) = s.ratio_test(b, e, sign, bland)?;
            if step * d[e].abs() > OPTIMAL {
                stalled = 0;
            } else {
                stalled += 1;
            }
            for i in 0..height {
                let a = s.at(i, e);
                if a != 0.0 {
                    s.x[s.basic[i]] -= sign * step * a;
                }
            }
            s.x[var] += sign * step;
            let Some((r, to_upper)) = leaving else {
                // A bound flip: the basis stays.
                s.x[var] = if sign > 0.0 {
                    b.upper[var]
                } else {
                    b.lower[var]
                };
                s.way[e] = -s.way[e];
                continue;
            };
            let out = s.basic[r];
            s.x[out] = if to_upper { b.upper[out] } else { b.lower[out] };
            s.way[e] = b.way(out, to_upper);
            let p = s.at(r, e);
            let de = d[e];
            s.exchange(r, e);
            // d_j -= d_e T_rj / p for the others; the leaving column's is -d_e / p.
            axpy(d, -de, s.row(r));
            d[e] = -de / p;
        }
        None
    }
}

impl Pivoting<'_> {
    /// Brings the reduced costs to objective coefficients `obj`: from scratch the first time
    /// (`d_j = c_j - c_B · T_j`), then through the coefficients that changed, which between
    /// the pushes of one sample are a few dozen.
    fn reprice(&mut self, obj: &[f64]) {
        let (s, d) = (&self.s, &mut self.d);
        let structural = self.tableau.bounds.structural;
        if self.obj.is_empty() {
            d.clear();
            d.extend(
                s.nonbasic
                    .iter()
                    .map(|&v| if v < structural { obj[v] } else { 0.0 }),
            );
            for (i, &v) in s.basic.iter().enumerate() {
                if v < structural && obj[v] != 0.0 {
                    axpy(d, -obj[v], s.row(i));
                }
            }
        } else {
            for (v, (&new, &old)) in obj.iter().zip(&self.obj).enumerate() {
                let change = new - old;
                if change == 0.0 {
                    continue;
                }
                match s.place[v] {
                    Place::Column(j) => d[j] += change,
                    Place::Row(i) => axpy(d, -change, s.row(i)),
                }
            }
        }
        self.obj.clear();
        self.obj.extend_from_slice(obj);
    }
}

impl Bounds {
    /// The way nonbasic variable `v` can move from the bound it is at (`upper`, or the
    /// lower); see [`State::way`].
    fn way(&self, v: usize, upper: bool) -> f64 {
        if self.upper[v] - self.lower[v] <= FEASIBLE {
            0.0
        } else if upper {
            -1.0
        } else {
            1.0
        }
    }

    /// `x` as the nonbasic value it stands for: the bound it is at (within microlp's
    /// tolerance), or `None` if it is at neither.
    fn snap(&self, v: usize, x: f64) -> Option<f64> {
        [self.lower[v], self.upper[v]]
            .into_iter()
            .find(|bound| (x - bound).abs() <= FEASIBLE)
    }
}

impl State {
    fn at(&self, i: usize, j: usize) -> f64 {
        self.t[i * self.width + j]
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.t[i * self.width..(i + 1) * self.width]
    }

    /// The improving nonbasic column with the largest reduced cost (Dantzig), or with the
    /// smallest variable index under Bland's rule; `None` at an optimum.
    fn entering(&self, d: &[f64], bland: bool) -> Option<usize> {
        if bland {
            return (0..self.width)
                .filter(|&j| d[j] * self.way[j] > OPTIMAL)
                .min_by_key(|&j| self.nonbasic[j]);
        }
        let (mut best, mut most) = (None, OPTIMAL);
        for (j, (&d, &way)) in d.iter().zip(&self.way).enumerate() {
            if d * way > most {
                (best, most) = (Some(j), d * way);
            }
        }
        best
    }

    /// How far column `e` can move in direction `sign`, and the row that leaves the basis
    /// there with the bound its variable reaches (`true`: upper); no row for a bound flip.
    /// `None` if nothing stops it (unbounded: not for these models, handed back).
    fn ratio_test(
        &self,
        b: &Bounds,
        e: usize,
        sign: f64,
        bland: bool,
    ) -> Option<(f64, Option<(usize, bool)>)> {
        let var = self.nonbasic[e];
        let flip = b.upper[var] - b.lower[var];
        // Basic variable i changes by -sign * a_i per unit step; the room to its bound.
        let room = |i: usize, slack: f64| -> Option<(f64, f64, bool)> {
            let a = sign * self.at(i, e);
            if a.abs() < PIVOT {
                return None;
            }
            let v = self.basic[i];
            if a > 0.0 {
                Some(((self.x[v] - b.lower[v] + slack).max(0.0) / a, a, false))
            } else {
                Some(((b.upper[v] - self.x[v] + slack).max(0.0) / -a, -a, true))
            }
        };
        let height = self.basic.len();
        if bland {
            // Textbook ratio test, ties to the smallest variable.
            let mut best: Option<(f64, usize, bool)> = None;
            for i in 0..height {
                if let Some((step, _, up)) = room(i, 0.0) {
                    let better = match best {
                        None => true,
                        Some((s, r, _)) => step < s || (step == s && self.basic[i] < self.basic[r]),
                    };
                    if better {
                        best = Some((step, i, up));
                    }
                }
            }
            return match best {
                Some((step, r, up)) if step < flip => Some((step, Some((r, up)))),
                _ if flip.is_finite() => Some((flip, None)),
                _ => None,
            };
        }
        // Harris: the largest step the relaxed bounds allow, then among the rows that stop
        // within it the largest pivot.
        let max_step = (0..height)
            .filter_map(|i| room(i, FEASIBLE))
            .map(|(step, _, _)| step)
            .fold(f64::INFINITY, f64::min);
        if flip <= max_step {
            return flip.is_finite().then_some((flip, None));
        }
        let (r, up, _) = (0..height)
            .filter_map(|i| room(i, 0.0).map(|(step, a, up)| (i, step, a, up)))
            .filter(|&(_, step, _, _)| step <= max_step)
            .map(|(i, _, a, up)| (i, up, a))
            .max_by(|x, y| x.2.total_cmp(&y.2))?;
        let (step, _, _) = room(r, 0.0)?;
        Some((step, Some((r, up))))
    }

    /// Nonbasic column `e` enters the basis in row `r`; the variable that leaves takes the
    /// column. Rows the pivot column does not touch are left alone.
    fn exchange(&mut self, r: usize, e: usize) {
        let w = self.width;
        let p = self.t[r * w + e];
        let (before, rest) = self.t.split_at_mut(r * w);
        let (pivot_row, after) = rest.split_at_mut(w);
        for x in pivot_row.iter_mut() {
            *x /= p;
        }
        pivot_row[e] = 1.0 / p;
        for row in before.chunks_exact_mut(w).chain(after.chunks_exact_mut(w)) {
            let f = row[e];
            if f != 0.0 {
                axpy(row, -f, pivot_row);
                row[e] = -f / p;
            }
        }
        std::mem::swap(&mut self.basic[r], &mut self.nonbasic[e]);
        self.place[self.basic[r]] = Place::Row(r);
        self.place[self.nonbasic[e]] = Place::Column(e);
    }
}

/// `y += a * x`.
fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}
