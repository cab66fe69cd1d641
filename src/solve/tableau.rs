//! A dense simplex tableau of a small relaxation at its optimum, for re-pricing it many times.
//!
//! A robustness sample changes only objective coefficients, so its relaxation is re-solved by
//! primal simplex from the optimal basis ([`super::warm`]). Through microlp each sample pays for
//! a copy of the solver, a re-pricing of every column from the LU factors and, per pivot, two
//! triangular solves through a growing eta file and a pass over the row-wise matrix: about nine
//! microseconds a pivot on a 30-partner model, whose samples take some sixteen pivots each.
//! For a model of a few hundred rows and columns the whole tableau `B⁻¹N` is a few hundred
//! kilobytes, and sparse: a pivot changes the few rows its column touches (four or five of 134
//! on that model). A sample reads the rows it has not changed from the start tableau, copies
//! a row into a buffer its thread keeps between samples the first time a pivot changes it,
//! and pivots there: a fraction of microlp's cost. The tableau is built once per relaxation
//! from microlp's optimal basis, and only for models up to [`MAX_ENTRIES`].
//!
//! The tableau answers only "where does primal simplex from this basis end under these
//! coefficients"; what that point proves (an integral, sharp optimum) is decided by the
//! caller exactly as for microlp's answer, and anything the tableau cannot finish (a cycle, an
//! unbounded ray, a pivot too small to trust) is handed back to microlp.

use crate::model::{Cmp, Milp};
use std::cell::Cell;

/// Largest tableau (rows x structural columns) built: the start and each thread's row buffer
/// hold that many entries (480 kB), and building it costs a pass over them per basic
/// variable. The generated 30 x 18 model has 29,748 and gains (benches/README.md, sixth
/// pass); larger models keep microlp's sparse path, which has not been measured against it.
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

/// A basis: which variable is where, every variable's value, and which way each nonbasic
/// one can move. What a sample copies whole (the entries it shares, [`Entries`]).
#[derive(Clone)]
struct Basis {
    /// The variable basic in each row, and the variable of each nonbasic column.
    basic: Vec<usize>,
    nonbasic: Vec<usize>,
    /// Where each variable is in the tableau.
    place: Vec<Place>,
    /// Every variable's value.
    x: Vec<f64>,
    /// Per nonbasic column, the way its variable can move from its bound: 1 up from the
    /// lower, -1 down from the upper, 0 for a fixed variable.
    way: Vec<f64>,
}

/// A variable's row (basic) or column (nonbasic) in the tableau.
#[derive(Clone, Copy)]
enum Place {
    Row(usize),
    Column(usize),
}

/// The tableau's entries, `T = B⁻¹N` row-major: `T[i][j]` is how much basic variable `i`
/// falls when nonbasic column `j` rises by one (`x_B = β - T x_N`). Rows are read from
/// `shared` (the start's) until a pivot first changes them, then from `own`.
struct Entries<'a> {
    width: usize,
    shared: &'a [f64],
    own: Vec<f64>,
    owned: Vec<bool>,
}

thread_local! {
    /// The row buffer of a thread's last [`Pivoting`], for its next: a sample copies into it
    /// only the rows it changes, with no allocation.
    static SPARE: Cell<Vec<f64>> = const { Cell::new(Vec::new()) };
}

/// A relaxation's optimal basis as a dense tableau; see the module docs.
pub(super) struct Tableau {
    bounds: Bounds,
    entries: Vec<f64>,
    /// The start's rows without their zeros, for the first re-pricing of each sample.
    sparse: Vec<Vec<(usize, f64)>>,
    start: Basis,
}

impl Tableau {
    /// The tableau of `m`'s relaxation at microlp's optimal `solution`, if the model is no
    /// larger than [`MAX_ENTRIES`] and the solution is a plain basic solution of `m`'s rows
    /// (no cuts added, every nonbasic variable at a bound).
    pub(super) fn new(
        m: &Milp,
        solution: &microlp::Solution,
        vars: &[microlp::Variable],
    ) -> Option<Tableau> {
        let n = m.vars.len();
        // microlp stores no constraint without terms, so neither does the tableau.
        let rows: Vec<_> = m.rows.iter().filter(|r| !r.terms.is_empty()).collect();
        let height = rows.len();
        if n == 0 || height == 0 || height * n > MAX_ENTRIES {
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
        let mut a = vec![0.0; height * n];
        for (i, row) in rows.iter().enumerate() {
            for &(v, c) in &row.terms {
                a[i * n + v] += c;
            }
        }
        let mut s = State {
            t: Entries::over(&a, n, Vec::new()),
            column: Vec::with_capacity(height),
            nonzero: Vec::new(),
            b: Basis {
                basic: (n..n + height).collect(),
                nonbasic: (0..n).collect(),
                place: (0..n)
                    .map(Place::Column)
                    .chain((0..height).map(Place::Row))
                    .collect(),
                x: Vec::new(),
                way: Vec::new(),
            },
        };
        // ...then each structural variable basic at the optimum takes the row of a slack that
        // is not (Gauss-Jordan): the largest such entry in its column, which is nonzero as
        // long as microlp's basis is not singular.
        for v in (0..n).filter(|&v| is_basic[v]) {
            let Place::Column(j) = s.b.place[v] else {
                return None;
            };
            s.gather(j);
            let r = (0..height)
                .filter(|&i| s.b.basic[i] >= n && !is_basic[s.b.basic[i]])
                .max_by(|&x, &y| s.column[x].abs().total_cmp(&s.column[y].abs()))?;
            if s.column[r].abs() < PIVOT {
                return None;
            }
            s.exchange(r, j);
        }
        let entries: Vec<f64> = (0..height).flat_map(|i| s.t.row(i)).copied().collect();
        let mut start = s.b;
        // The values are microlp's; the slacks follow from them.
        start.x = vars.iter().map(|&v| solution.var_value_raw(v)).collect();
        for row in &rows {
            let lhs: f64 = row.terms.iter().map(|&(v, c)| c * start.x[v]).sum();
            start.x.push(row.rhs - lhs);
        }
        for &v in &start.nonbasic {
            start.x[v] = bounds.snap(v, start.x[v])?;
        }
        start.way = start
            .nonbasic
            .iter()
            .map(|&v| bounds.way(v, start.x[v] == bounds.upper[v]))
            .collect();
        let feasible = start.basic.iter().all(|&v| {
            start.x[v] >= bounds.lower[v] - FEASIBLE && start.x[v] <= bounds.upper[v] + FEASIBLE
        });
        let sparse = entries
            .chunks_exact(n)
            .map(|row| {
                let terms = row.iter().enumerate().filter(|(_, c)| **c != 0.0);
                terms.map(|(j, &c)| (j, c)).collect()
            })
            .collect();
        feasible.then_some(Tableau {
            bounds,
            entries,
            sparse,
            start,
        })
    }

    /// A copy of the optimal basis to re-solve from.
    pub(super) fn start(&self) -> Pivoting<'_> {
        Pivoting {
            tableau: self,
            s: State {
                t: Entries::over(&self.entries, self.bounds.structural, SPARE.take()),
                b: self.start.clone(),
                column: Vec::with_capacity(self.start.basic.len()),
                nonzero: Vec::new(),
            },
            obj: Vec::new(),
            d: Vec::new(),
        }
    }
}

/// A copy of a [`Tableau`]'s basis, moved by the re-solves made on it.
pub(super) struct Pivoting<'a> {
    tableau: &'a Tableau,
    s: State<'a>,
    /// The objective coefficients of the last re-solve (none yet: empty), and the reduced
    /// cost of each nonbasic column under them.
    obj: Vec<f64>,
    d: Vec<f64>,
}

impl Drop for Pivoting<'_> {
    fn drop(&mut self) {
        SPARE.set(std::mem::take(&mut self.s.t.own));
    }
}

impl Pivoting<'_> {
    /// The structural variables' values where primal simplex from the current basis ends
    /// with objective coefficients `obj` (maximised; one per model variable); `None` if it
    /// could not finish (see the module docs).
    pub(super) fn maximise(&mut self, obj: &[f64]) -> Option<&[f64]> {
        self.reprice(obj);
        let (s, d) = (&mut self.s, &mut self.d);
        let b = &self.tableau.bounds;
        let height = s.b.basic.len();
        let limit = 20 * (height + s.t.width) + 1000;
        let mut stalled = 0;
        for _ in 0..limit {
            let bland = stalled >= STALL;
            let Some(e) = s.entering(d, bland) else {
                return Some(&s.b.x[..b.structural]);
            };
            // The entering variable rises (sign 1) or falls (-1) from its bound.
            let sign = d[e].signum();
            let var = s.b.nonbasic[e];
            s.gather(e);
            let (step, leaving) = s.ratio_test(b, e, sign, bland)?;
            if step * d[e].abs() > OPTIMAL {
                stalled = 0;
            } else {
                stalled += 1;
            }
            for (&a, &v) in s.column.iter().zip(&s.b.basic) {
                if a != 0.0 {
                    s.b.x[v] -= sign * step * a;
                }
            }
            s.b.x[var] += sign * step;
            let Some((r, to_upper)) = leaving else {
                // A bound flip: the basis stays.
                s.b.x[var] = if sign > 0.0 {
                    b.upper[var]
                } else {
                    b.lower[var]
                };
                s.b.way[e] = -s.b.way[e];
                continue;
            };
            let out = s.b.basic[r];
            s.b.x[out] = if to_upper { b.upper[out] } else { b.lower[out] };
            s.b.way[e] = b.way(out, to_upper);
            let p = s.column[r];
            let de = d[e];
            s.exchange(r, e);
            // d_j -= d_e T_rj / p for the others; the leaving column's is -d_e / p.
            let pivot = s.t.row(r);
            for &j in &s.nonzero {
                d[j] -= de * pivot[j];
            }
            d[e] = -de / p;
        }
        None
    }

    /// Brings the reduced costs to objective coefficients `obj`: from scratch the first time
    /// (`d_j = c_j - c_B · T_j`), then through the coefficients that changed, which between
    /// the pushes of one sample are a few dozen.
    fn reprice(&mut self, obj: &[f64]) {
        let (s, d) = (&self.s, &mut self.d);
        let structural = self.tableau.bounds.structural;
        // d -= c * T_i, from the row without its zeros while it is the start's.
        let subtract = |d: &mut [f64], c: f64, i: usize| {
            if s.t.owned[i] {
                axpy(d, -c, s.t.row(i));
            } else {
                for &(j, t) in &self.tableau.sparse[i] {
                    d[j] -= c * t;
                }
            }
        };
        if self.obj.is_empty() {
            d.clear();
            d.extend(
                s.b.nonbasic
                    .iter()
                    .map(|&v| if v < structural { obj[v] } else { 0.0 }),
            );
            for (i, &v) in s.b.basic.iter().enumerate() {
                if v < structural && obj[v] != 0.0 {
                    subtract(d, obj[v], i);
                }
            }
        } else {
            for (v, (&new, &old)) in obj.iter().zip(&self.obj).enumerate() {
                let change = new - old;
                if change == 0.0 {
                    continue;
                }
                match s.b.place[v] {
                    Place::Column(j) => d[j] += change,
                    Place::Row(i) => subtract(d, change, i),
                }
            }
        }
        self.obj.clear();
        self.obj.extend_from_slice(obj);
    }
}

impl Bounds {
    /// The way nonbasic variable `v` can move from the bound it is at (`upper`, or the
    /// lower); see [`Basis::way`].
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

impl<'a> Entries<'a> {
    /// Entries read from `shared` (`width` to a row), changed rows kept in `own`: any
    /// buffer, grown as needed.
    fn over(shared: &'a [f64], width: usize, mut own: Vec<f64>) -> Self {
        if own.len() < shared.len() {
            own.resize(shared.len(), 0.0);
        }
        Entries {
            width,
            shared,
            own,
            owned: vec![false; shared.len() / width],
        }
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        let rows = if self.owned[i] {
            &self.own
        } else {
            self.shared
        };
        rows[i * self.width + j]
    }

    fn row(&self, i: usize) -> &[f64] {
        let rows = if self.owned[i] {
            &self.own
        } else {
            self.shared
        };
        &rows[i * self.width..(i + 1) * self.width]
    }

    /// Row `i`, to be changed: copied from the shared rows the first time.
    fn row_mut(&mut self, i: usize) -> &mut [f64] {
        let range = i * self.width..(i + 1) * self.width;
        if !self.owned[i] {
            self.own[range.clone()].copy_from_slice(&self.shared[range.clone()]);
            self.owned[i] = true;
        }
        &mut self.own[range]
    }
}

/// A tableau being pivoted: its entries and basis.
struct State<'a> {
    t: Entries<'a>,
    b: Basis,
    /// The entering column's entries ([`State::gather`]): the ratio test, the values and the
    /// pivot each read all of them.
    column: Vec<f64>,
    /// The columns where the last pivot row is not zero (a few percent of them): only those
    /// entries of the rows it updates, and of the reduced costs, change.
    nonzero: Vec<usize>,
}

impl State<'_> {
    /// Copies column `e`'s entries into [`State::column`].
    fn gather(&mut self, e: usize) {
        self.column.clear();
        let t = &self.t;
        self.column.extend((0..t.owned.len()).map(|i| t.at(i, e)));
    }

    /// The improving nonbasic column with the largest reduced cost (Dantzig), or with the
    /// smallest variable index under Bland's rule; `None` at an optimum.
    fn entering(&self, d: &[f64], bland: bool) -> Option<usize> {
        let way = &self.b.way;
        if bland {
            return (0..self.t.width)
                .filter(|&j| d[j] * way[j] > OPTIMAL)
                .min_by_key(|&j| self.b.nonbasic[j]);
        }
        let (mut best, mut most) = (None, OPTIMAL);
        for (j, (&d, &way)) in d.iter().zip(way).enumerate() {
            if d * way > most {
                (best, most) = (Some(j), d * way);
            }
        }
        best
    }

    /// How far column `e` (gathered) can move in direction `sign`, and the row that leaves
    /// the basis there with the bound its variable reaches (`true`: upper); no row for a bound
    /// flip. `None` if nothing stops it (unbounded: not for these models, handed back).
    fn ratio_test(
        &self,
        b: &Bounds,
        e: usize,
        sign: f64,
        bland: bool,
    ) -> Option<(f64, Option<(usize, bool)>)> {
        let var = self.b.nonbasic[e];
        let flip = b.upper[var] - b.lower[var];
        // Basic variable i changes by -sign * a_i per unit step; the room to its bound.
        let room = |i: usize, slack: f64| -> Option<(f64, f64, bool)> {
            let a = sign * self.column[i];
            if a.abs() < PIVOT {
                return None;
            }
            let v = self.b.basic[i];
            if a > 0.0 {
                Some(((self.b.x[v] - b.lower[v] + slack).max(0.0) / a, a, false))
            } else {
                Some(((b.upper[v] - self.b.x[v] + slack).max(0.0) / -a, -a, true))
            }
        };
        let height = self.b.basic.len();
        if bland {
            // Textbook ratio test, ties to the smallest variable.
            let mut best: Option<(f64, usize, bool)> = None;
            for i in 0..height {
                if let Some((step, _, up)) = room(i, 0.0) {
                    let better = match best {
                        None => true,
                        Some((s, r, _)) => {
                            step < s || (step == s && self.b.basic[i] < self.b.basic[r])
                        }
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
        let (r, step, _, up) = (0..height)
            .filter_map(|i| room(i, 0.0).map(|(step, a, up)| (i, step, a, up)))
            .filter(|&(_, step, _, _)| step <= max_step)
            .max_by(|x, y| x.2.total_cmp(&y.2))?;
        Some((step, Some((r, up))))
    }

    /// Nonbasic column `e` (gathered) enters the basis in row `r`; the variable that leaves
    /// takes the column. Only the rows the pivot column touches change, and in them only the
    /// pivot row's nonzero columns.
    fn exchange(&mut self, r: usize, e: usize) {
        let t = &mut self.t;
        let p = self.column[r];
        let pivot = t.row_mut(r);
        self.nonzero.clear();
        for (j, x) in pivot.iter_mut().enumerate() {
            if *x != 0.0 {
                *x /= p;
                self.nonzero.push(j);
            }
        }
        pivot[e] = 1.0 / p;
        for (i, &f) in self.column.iter().enumerate() {
            if f == 0.0 || i == r {
                continue;
            }
            t.row_mut(i);
            let w = t.width;
            let (row, pivot) = if i < r {
                let (low, high) = t.own.split_at_mut(r * w);
                (&mut low[i * w..(i + 1) * w], &high[..w])
            } else {
                let (low, high) = t.own.split_at_mut(i * w);
                (&mut high[..w], &low[r * w..(r + 1) * w])
            };
            for &j in &self.nonzero {
                row[j] -= f * pivot[j];
            }
            row[e] = -f / p;
        }
        let b = &mut self.b;
        std::mem::swap(&mut b.basic[r], &mut b.nonbasic[e]);
        b.place[b.basic[r]] = Place::Row(r);
        b.place[b.nonbasic[e]] = Place::Column(e);
    }
}

/// `y += a * x`.
fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{self, Rng};
    use crate::model::{self, Problem};
    use crate::test_support::{dakar_text, kb, line_up};

    /// A model's relaxation solved by microlp, with its variables.
    fn relaxation(m: &Milp) -> (microlp::Solution, Vec<microlp::Variable>) {
        let mut problem = super::super::optimum::microlp_problem(false);
        let vars: Vec<_> = m
            .vars
            .iter()
            .map(|v| problem.add_var(v.obj + v.tie, (v.lb, v.ub)))
            .collect();
        super::super::optimum::add_rows(&mut problem, &vars, m, None);
        let solved = problem.solve().expect("it solves").into_solution();
        (solved.expect("an optimum"), vars)
    }

    /// The model's coefficients with the tie-break, each moved by up to `spread` of the
    /// largest.
    fn perturbed(m: &Milp, rng: &mut Rng, spread: f64) -> Vec<f64> {
        let top = m.vars.iter().map(|v| v.obj.abs()).fold(0.0, f64::max);
        m.vars
            .iter()
            .map(|v| v.obj + v.tie + (rng.unit() * 2.0 - 1.0) * spread * top)
            .collect()
    }

    /// Re-solved on the tableau, every perturbed relaxation ends on a feasible point worth
    /// what microlp's own re-solve from the same basis finds, one re-solve after another on
    /// the same copy (the second brings its reduced costs up to date instead of recomputing
    /// them), on a shipped scenario and generated consortia on both sides of a dozen partners.
    #[test]
    fn the_tableau_reaches_microlps_optimum_under_perturbed_objectives() {
        let kb = kb();
        let mut texts = vec![dakar_text()];
        for (partners, seed) in [(8, 3), (12, 7), (30, 20240601)] {
            texts.push(generate::consortium(
                &kb,
                &generate::Spec::new(partners, 18, seed),
            ));
        }
        let mut rng = Rng::new(11);
        for text in &texts {
            let p = Problem::new(&kb, &line_up(&kb, text));
            let m = model::build(&p);
            let (solution, vars) = relaxation(&m);
            let tableau = Tableau::new(&m, &solution, &vars).expect("small enough");
            for spread in [0.01, 0.1, 0.5] {
                let mut run = tableau.start();
                let mut copy = solution.clone();
                for _ in 0..3 {
                    let obj = perturbed(&m, &mut rng, spread);
                    let x = run.maximise(&obj).expect("it finishes").to_vec();
                    copy = copy
                        .set_objective(&obj)
                        .expect("it re-solves")
                        .into_solution()
                        .expect("an optimum");
                    assert!(m.is_satisfied_by(&x), "{:?}", m.violation(&x));
                    let worth: f64 = x.iter().zip(&obj).map(|(x, c)| x * c).sum();
                    assert!(
                        (worth - copy.objective()).abs() < 1e-9,
                        "{worth} against microlp's {}",
                        copy.objective()
                    );
                }
            }
        }
    }

    /// Past [`MAX_ENTRIES`] a sample's copy costs more than microlp's pivots: no tableau.
    #[test]
    fn no_tableau_for_a_large_model() {
        let kb = kb();
        let text = generate::consortium(&kb, &generate::Spec::new(100, 18, 5));
        let m = model::build(&Problem::new(&kb, &line_up(&kb, &text)));
        let (solution, vars) = relaxation(&m);
        assert!(Tableau::new(&m, &solution, &vars).is_none());
    }
}
