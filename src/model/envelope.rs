//! Valid inequalities that tighten the excess variable of a per-partner limit (a `Load` or a
//! `Concentration` rule instance) without changing which line-ups are feasible or what they are
//! worth.
//!
//! A limit row says `e >= Σ a_j x_j - limit` for one partner's roles `j`. Its linear relaxation
//! lets the partner hold a fraction of a role to fill its allowance exactly: one role of effort
//! 1.5 and a third of another reach an effort limit of 2 with no excess, where any real line-up
//! has an excess of 0 or 1. Branch and bound then has to undo that fraction role by role; when
//! valuing every coalition of a generated 16 x 18 consortium this caused about four nodes in
//! five. The rows here are the facets of the lower convex envelope of
//! `max(0, Σ a_j x_j - limit)` over the role sets the partner's capacity allows. Roles with
//! equal amounts are interchangeable, so the envelope is computed over the number of roles held
//! per distinct amount, a space of a few dimensions. Every integer line-up satisfies every row,
//! so the optimum is unchanged; only fractional points are cut off.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// `e >= Σ coef_j x_j - rhs`, over the needs `j` of one partner.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The `(need j, coef_j)` terms.
    pub coef: Vec<(usize, f64)>,
    /// The constant in the row: the excess `e` must be at least the weighted sum minus this.
    pub rhs: f64,
}

/// Distinct amounts above which no envelope is computed (the search grows as points^(d+1)).
const MAX_GROUPS: usize = 4;
/// Count vectors above which no envelope is computed.
const MAX_POINTS: usize = 512;
/// Candidate hyperplanes above which no envelope is computed.
const MAX_SUBSETS: u64 = 50_000;
const TOL: f64 = 1e-9;

/// The facets of the envelope of `max(0, Σ amount_j x_j - limit)` over 0/1 vectors `x` with at
/// most `capacity` ones, other than `e >= 0` and the limit row itself. `items` are
/// `(need, amount)` with amounts finite and non-negative. Returns no facets (a weaker but still
/// exact model) when the amounts take more than four distinct values or the search would be
/// too large.
pub fn facets(items: &[(usize, f64)], capacity: u32, limit: f64) -> Vec<Facet> {
    if !limit.is_finite() || items.iter().any(|&(_, a)| !a.is_finite() || a < 0.0) {
        return Vec::new();
    }
    let mut amounts: Vec<f64> = items.iter().map(|&(_, a)| a).collect();
    amounts.sort_by(f64::total_cmp);
    let heaviest: f64 = amounts.iter().rev().take(capacity as usize).sum();
    if heaviest <= limit + TOL {
        // No role set the capacity allows goes over the limit: the excess is always zero.
        return Vec::new();
    }
    amounts.dedup_by(|a, b| (*a - *b).abs() <= TOL);
    let d = amounts.len();
    if d == 0 || d > MAX_GROUPS {
        return Vec::new();
    }
    let group = |a: f64| amounts.iter().position(|&g| (g - a).abs() <= TOL);
    let mut available = vec![0u32; d];
    for &(_, a) in items {
        if let Some(k) = group(a) {
            available[k] += 1;
        }
    }
    let most = capacity.min(items.len() as u32);
    let Some(planes) = memo_planes(&amounts, &available, most, limit) else {
        return Vec::new();
    };
    planes
        .iter()
        .map(|(c, rhs)| Facet {
            coef: items
                .iter()
                .filter_map(|&(j, a)| group(a).map(|k| (j, c[k])))
                .filter(|&(_, c)| c != 0.0)
                .collect(),
            rhs: *rhs,
        })
        .collect()
}

/// Planes per group: `(coefficient per distinct amount, rhs)`.
type Planes = Arc<[(Vec<f64>, f64)]>;
type Key = (Vec<u64>, Vec<u32>, u32, u64);

/// [`planes`], remembered: a sweep solves thousands of line-ups whose partners share the same
/// few amounts, capacities and limits, and the search costs more than a small solve. The memo
/// is a pure function's cache, so it changes no result; it is emptied when it grows large.
fn memo_planes(amounts: &[f64], available: &[u32], most: u32, limit: f64) -> Option<Planes> {
    static MEMO: OnceLock<Mutex<HashMap<Key, Option<Planes>>>> = OnceLock::new();
    const MEMO_MAX: usize = 4096;
    let key: Key = (
        amounts.iter().map(|a| a.to_bits()).collect(),
        available.to_vec(),
        most,
        limit.to_bits(),
    );
    let memo = MEMO.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked mid-insert; the map is still whole.
    if let Some(found) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let found = planes(amounts, available, most, limit).map(Planes::from);
    let mut map = memo.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= MEMO_MAX {
        map.clear();
    }
    map.insert(key, found.clone());
    found
}

/// The envelope's non-trivial facets in the space of counts per distinct amount; `None` when
/// the search would be too large.
fn planes(
    amounts: &[f64],
    available: &[u32],
    most: u32,
    limit: f64,
) -> Option<Vec<(Vec<f64>, f64)>> {
    let points = count_vectors(available, most)?;
    let excess = |n: &[u32]| -> f64 {
        let load: f64 = n.iter().zip(amounts).map(|(&c, a)| c as f64 * a).sum();
        (load - limit).max(0.0)
    };
    let vertices = candidate_vertices(&points, amounts, limit);
    let lifted: Vec<(Vec<f64>, f64)> = vertices
        .iter()
        .map(|n| (n.iter().map(|&c| c as f64).collect(), excess(n)))
        .collect();
    supporting_planes(&lifted, amounts, limit)
}

/// Every vector of counts per group within the availabilities and at most `most` in total, in
/// lexicographic order; `None` when there are more than [`MAX_POINTS`].
fn count_vectors(available: &[u32], most: u32) -> Option<Vec<Vec<u32>>> {
    let mut points = Vec::new();
    let mut n = vec![0u32; available.len()];
    let mut total = 0;
    loop {
        if points.len() == MAX_POINTS {
            return None;
        }
        points.push(n.clone());
        // Odometer step, first group fastest, never past the total: only vectors that count
        // are visited, however many roles there are.
        let mut k = 0;
        while k < n.len() {
            if n[k] < available[k] && total < most {
                n[k] += 1;
                total += 1;
                break;
            }
            total -= n[k];
            n[k] = 0;
            k += 1;
        }
        if k == n.len() {
            return Some(points);
        }
    }
}

/// The points that can be vertices of the lifted set `(n, excess(n))`. The excess is affine on
/// each side of the limit (zero below, `load - limit` above), so a point that is the midpoint
/// of two others on the same side is the midpoint of their lifted points too, and never a
/// vertex. Dropping those keeps every vertex and leaves far fewer candidates.
fn candidate_vertices(points: &[Vec<u32>], amounts: &[f64], limit: f64) -> Vec<Vec<u32>> {
    let load = |n: &[u32]| -> f64 { n.iter().zip(amounts).map(|(&c, a)| c as f64 * a).sum() };
    let below = |n: &[u32]| load(n) <= limit + TOL;
    let above = |n: &[u32]| load(n) >= limit - TOL;
    let set: std::collections::HashSet<&[u32]> = points.iter().map(Vec::as_slice).collect();
    let is_midpoint = |p: &[u32], side: &dyn Fn(&[u32]) -> bool| {
        points.iter().any(|q| {
            if q.as_slice() == p || !side(q) {
                return false;
            }
            // r = 2p - q, when it is a count vector of the same side.
            let r: Option<Vec<u32>> = p
                .iter()
                .zip(q)
                .map(|(&a, &b)| (2 * a).checked_sub(b))
                .collect();
            r.is_some_and(|r| set.contains(r.as_slice()) && side(&r))
        })
    };
    points
        .iter()
        .filter(|p| (below(p) && !is_midpoint(p, &below)) || (above(p) && !is_midpoint(p, &above)))
        .cloned()
        .collect()
}

/// Hyperplanes `e = c.n - rhs` through `d + 1` affinely independent lifted points that no lifted
/// point lies below, other than `e = 0` and the limit row `e = amounts.n - limit`; in the order
/// first found (lexicographic in the points), without repeats. `None` when there are more than
/// [`MAX_SUBSETS`] candidates.
fn supporting_planes(
    lifted: &[(Vec<f64>, f64)],
    amounts: &[f64],
    limit: f64,
) -> Option<Vec<(Vec<f64>, f64)>> {
    let d = amounts.len();
    let k = d + 1;
    if lifted.len() < k {
        return Some(Vec::new());
    }
    if binomial(lifted.len() as u64, k as u64) > MAX_SUBSETS {
        return None;
    }
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-7 * (1.0 + a.abs().max(b.abs()));
    let mut planes: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut pick: Vec<usize> = (0..k).collect();
    loop {
        if let Some((c, rhs)) = plane_through(lifted, &pick) {
            let valid = lifted.iter().all(|(n, e)| {
                let h: f64 = n.iter().zip(&c).map(|(x, c)| x * c).sum::<f64>() - rhs;
                h <= e + 1e-7
            });
            let zero = c.iter().all(|&c| same(c, 0.0)) && same(rhs, 0.0);
            let row = c.iter().zip(amounts).all(|(&c, &a)| same(c, a)) && same(rhs, limit);
            let seen = planes
                .iter()
                .any(|(pc, pr)| same(*pr, rhs) && pc.iter().zip(&c).all(|(&a, &b)| same(a, b)));
            if valid && !zero && !row && !seen {
                planes.push((c, rhs));
            }
        }
        if !next_subset(&mut pick, lifted.len()) {
            return Some(planes);
        }
    }
}

/// Solves `c.n_i - rhs = e_i` for the picked points by Gaussian elimination; `None` when they
/// are not affinely independent. Coefficients within 1e-12 of a whole multiple of 1e-9 are
/// snapped to it, so facets of amounts like 0.5 and 1.5 come out as the exact numbers.
fn plane_through(lifted: &[(Vec<f64>, f64)], pick: &[usize]) -> Option<(Vec<f64>, f64)> {
    let w = pick.len();
    let mut a: Vec<Vec<f64>> = pick
        .iter()
        .map(|&i| {
            let (n, e) = &lifted[i];
            let mut row = n.clone();
            row.push(-1.0);
            row.push(*e);
            row
        })
        .collect();
    for col in 0..w {
        let pivot = (col..w).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-9 {
            return None;
        }
        a.swap(col, pivot);
        for r in 0..w {
            if r != col {
                let f = a[r][col] / a[col][col];
                for c in col..=w {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
    }
    let snap = |v: f64| {
        let s = (v * 1e9).round() / 1e9;
        if (s - v).abs() < 1e-12 { s } else { v }
    };
    let mut x: Vec<f64> = (0..w).map(|r| snap(a[r][w] / a[r][r])).collect();
    let rhs = x.pop()?;
    Some((x, rhs))
}

/// Advances `pick` (strictly increasing indices below `n`) to the next combination in
/// lexicographic order; false after the last.
fn next_subset(pick: &mut [usize], n: usize) -> bool {
    let k = pick.len();
    for i in (0..k).rev() {
        if pick[i] < n - (k - i) {
            pick[i] += 1;
            for t in i + 1..k {
                pick[t] = pick[t - 1] + 1;
            }
            return true;
        }
    }
    false
}

fn binomial(n: u64, k: u64) -> u64 {
    (0..k).fold(1u64, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The excess of a role set and the largest right-hand side of any facet on it.
    fn check_all_sets(items: &[(usize, f64)], capacity: u32, limit: f64, facets: &[Facet]) {
        let m = items.len();
        for mask in 0u32..1 << m {
            if mask.count_ones() > capacity {
                continue;
            }
            let held = |j: usize| {
                items
                    .iter()
                    .position(|&(n, _)| n == j)
                    .is_some_and(|k| mask >> k & 1 == 1)
            };
            let load: f64 = (0..m)
                .filter(|&k| mask >> k & 1 == 1)
                .map(|k| items[k].1)
                .sum();
            let excess = (load - limit).max(0.0);
            for f in facets {
                let h: f64 = f
                    .coef
                    .iter()
                    .filter(|&&(j, _)| held(j))
                    .map(|&(_, c)| c)
                    .sum::<f64>()
                    - f.rhs;
                assert!(
                    h <= excess + 1e-9,
                    "{f:?} cuts off the role set {mask:b} (excess {excess})"
                );
            }
        }
    }

    #[test]
    fn two_heavy_roles_over_an_allowance_of_two_give_the_rounded_row() {
        // Effort 1.5 twice, limit 2: real excesses are 0, 0 and 1, so e >= x1 + x2 - 1.
        let f = facets(&[(3, 1.5), (7, 1.5)], 3, 2.0);
        assert_eq!(
            f,
            vec![Facet {
                coef: vec![(3, 1.0), (7, 1.0)],
                rhs: 1.0
            }]
        );
        // The fractional point the limit row allows (x = 1, 1/3, no excess) is cut off.
        let h = 1.0 + 1.0 / 3.0 - f[0].rhs;
        assert!(h > 1e-6);
    }

    #[test]
    fn no_facets_when_the_limit_row_is_already_the_envelope() {
        // Counting roles against a whole limit: every kink is at a whole number of roles.
        let items: Vec<(usize, f64)> = (0..6).map(|j| (j, 1.0)).collect();
        assert!(facets(&items, 4, 1.0).is_empty());
    }

    #[test]
    fn every_facet_holds_for_every_role_set_the_capacity_allows() {
        let efforts = [0.5, 1.0, 1.5];
        let mut seed = 17u64;
        let mut found = 0;
        for case in 0..200 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let m = 2 + (seed >> 33) as usize % 7;
            let items: Vec<(usize, f64)> = (0..m)
                .map(|j| (j * 2 + 1, efforts[(seed >> (7 + j * 3)) as usize % 3]))
                .collect();
            let capacity = 1 + (seed >> 50) as u32 % 4;
            let limit = [1.0, 1.5, 2.0, 2.5, 3.0][case % 5];
            let f = facets(&items, capacity, limit);
            check_all_sets(&items, capacity, limit, &f);
            found += f.len();
        }
        assert!(
            found > 100,
            "only {found} facets over 200 cases: the check checks little"
        );
    }

    #[test]
    fn facets_of_mixed_efforts_cut_off_fractional_fills() {
        // An academic with capacity 3, roles of effort 0.5, 1 and 1.5, allowance 2.
        let items = [
            (0, 0.5),
            (1, 0.5),
            (2, 1.0),
            (3, 1.0),
            (4, 1.5),
            (5, 1.5),
            (6, 1.5),
        ];
        let f = facets(&items, 3, 2.0);
        check_all_sets(&items, 3, 2.0, &f);
        // Role 4 whole and role 5 at a third: load 2, so the limit row allows no excess.
        let x = |j: usize| match j {
            4 => 1.0,
            5 => 1.0 / 3.0,
            _ => 0.0,
        };
        let best = f
            .iter()
            .map(|f| f.coef.iter().map(|&(j, c)| c * x(j)).sum::<f64>() - f.rhs)
            .fold(0.0, f64::max);
        assert!(best > 0.1, "no facet cuts off the fractional fill: {f:?}");
    }

    #[test]
    fn count_vectors_are_exactly_those_within_availability_and_capacity() {
        let got = count_vectors(&[2, 1, 3], 2).expect("few points");
        let mut want = Vec::new();
        for c in 0..=3u32 {
            for b in 0..=1u32 {
                for a in 0..=2u32 {
                    if a + b + c <= 2 {
                        want.push(vec![a, b, c]);
                    }
                }
            }
        }
        assert_eq!(got, want);
        // Hundreds of roles of four kinds with a small capacity: few vectors, found at once.
        assert_eq!(
            count_vectors(&[500, 500, 500, 500], 3).map(|p| p.len()),
            Some(35)
        );
    }

    #[test]
    fn refuses_what_it_cannot_compute_in_reasonable_time() {
        // Five distinct amounts: no facets, and so no cost.
        let items: Vec<(usize, f64)> = (0..10).map(|j| (j, 1.0 + (j % 5) as f64)).collect();
        assert!(facets(&items, 3, 4.0).is_empty());
        // Four amounts and room for every role: thousands of count vectors, so none computed.
        let many: Vec<(usize, f64)> = (0..40).map(|j| (j, 0.5 * (1 + j % 4) as f64)).collect();
        assert!(facets(&many, 40, 5.0).is_empty());
        assert!(facets(&[(0, -1.0), (1, 2.0)], 2, 1.0).is_empty());
        assert!(facets(&[(0, f64::NAN)], 2, 1.0).is_empty());
    }
}
