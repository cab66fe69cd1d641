//! Scenario discovery with PRIM (Friedman and Fisher's patient rule induction), as EMA
//! Workbench does it: start from the box holding every run and repeatedly peel off a small
//! slice (a share `ALPHA` of the box at one end of a numeric factor, or one level of a
//! categorical one), always the peel that leaves the highest density of the outcome, until the
//! box would hold less than the minimum mass or no peel raises the density.
//!
//! Peeling follows noise too: a factor with no effect gets cut a little when that happens to
//! raise the density by a hair. So the last box is then simplified, as EMA Workbench offers: a
//! restriction is dropped while dropping it costs less than [`DROP_TOLERANCE`] of density.
//!
//! Ties between peels go to the earlier factor, then the lower end, so the box is deterministic.

/// Share of the box peeled off per step.
const ALPHA: f64 = 0.05;
/// Density a restriction may cost and still be dropped from the final box.
const DROP_TOLERANCE: f64 = 0.01;

/// The rows PRIM works on: each factor's value (a category's index for categorical factors)
/// and whether the row meets the outcome.
#[derive(Debug, Clone)]
pub struct Sample {
    names: Vec<String>,
    /// Level names of categorical factors (`None` for numeric ones).
    categories: Vec<Option<Vec<String>>>,
    /// Column-major: `values[f][row]`.
    values: Vec<Vec<f64>>,
    hits: Vec<bool>,
}

impl Sample {
    pub fn new(names: Vec<String>, categories: Vec<Option<Vec<String>>>) -> Sample {
        Sample {
            values: vec![Vec::new(); names.len()],
            names,
            categories,
            hits: Vec::new(),
        }
    }

    pub fn push(&mut self, point: &[f64], hit: bool) {
        for (col, &v) in self.values.iter_mut().zip(point) {
            col.push(v);
        }
        self.hits.push(hit);
    }
}

/// A limit of the box on one factor.
#[derive(Debug, Clone, PartialEq)]
pub enum Restriction {
    /// The box keeps runs with the factor in `[lo, hi]` (of a full range `[min, max]`).
    Range {
        /// The factor's column name.
        factor: String,
        /// Lower limit the box keeps.
        lo: f64,
        /// Upper limit the box keeps.
        hi: f64,
        /// Smallest value of the factor in the rows.
        min: f64,
        /// Largest value of the factor in the rows.
        max: f64,
    },
    /// The box keeps runs with one of these levels (of all `of`).
    Levels {
        /// The factor's column name.
        factor: String,
        /// The levels the box keeps.
        levels: Vec<String>,
        /// How many levels the factor has.
        of: usize,
    },
}

/// One box of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Share of all runs in the box.
    pub mass: f64,
    /// Share of the box's runs meeting the outcome.
    pub density: f64,
    /// Share of all runs meeting the outcome that are in the box.
    pub coverage: f64,
    /// Factors the box restricts.
    pub restricted: usize,
    /// The box's limits.
    pub restrictions: Vec<Restriction>,
}

/// Which box of the peeling trajectory to report.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Choice {
    /// The end of the peeling (the densest box), with restrictions that cost almost no
    /// density dropped.
    #[default]
    Densest,
    /// The box after this many peels.
    Step(usize),
    /// The densest box still covering at least this share of the outcome's runs.
    MinCoverage(f64),
    /// The box with the most coverage whose density is at least this.
    MinDensity(f64),
}

/// The result of scenario discovery: the chosen box, its figures and the whole peeling trajectory.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The outcome expression the box is discovered for.
    pub outcome: String,
    /// Smallest share of rows a box may keep.
    pub min_mass: f64,
    /// Rows the peeling worked on, and whether they are an evenly spaced sample of the table.
    pub rows: usize,
    /// Whether `rows` is an evenly spaced sample of the table rather than all of it.
    pub sampled: bool,
    /// Rows meeting the outcome.
    pub positives: usize,
    /// How the box was chosen, and the step of the trajectory it is (`None`: the densest box,
    /// simplified, which may no longer be one of the steps).
    pub choice: Choice,
    /// Index in `trajectory` of the chosen box (`None` for the simplified densest box).
    pub chosen: Option<usize>,
    /// The chosen box and its figures.
    pub restrictions: Vec<Restriction>,
    /// Figures (mass, density, coverage) of the chosen box.
    pub best: Step,
    /// Every box of the peeling, from the whole design (step 0) to the last peel.
    pub trajectory: Vec<Step>,
}

pub fn discover(
    s: &Sample,
    outcome: &str,
    min_mass: f64,
    sampled: bool,
    choice: Choice,
) -> Discovery {
    let counts = Counts {
        rows: s.hits.len(),
        positives: s.hits.iter().filter(|&&h| h).count(),
    };
    let trajectory = peel(s, counts, min_mass);
    let chosen = choose(&trajectory, choice);
    let (restrictions, best) = match chosen {
        Some(k) => (trajectory[k].restrictions.clone(), trajectory[k].clone()),
        None => paste(s, counts, trajectory[trajectory.len() - 1].clone()),
    };
    Discovery {
        outcome: outcome.to_string(),
        min_mass,
        rows: counts.rows,
        sampled,
        positives: counts.positives,
        choice,
        chosen,
        restrictions,
        best,
        trajectory,
    }
}

/// The rows of the sample and how many meet the outcome.
#[derive(Debug, Clone, Copy)]
struct Counts {
    rows: usize,
    positives: usize,
}

impl Counts {
    /// The figures of a box holding `count` rows, `hits` of them meeting the outcome.
    fn step(self, count: usize, hits: usize, restrictions: Vec<Restriction>) -> Step {
        Step {
            mass: ratio(count, self.rows),
            density: ratio(hits, count),
            coverage: ratio(hits, self.positives),
            restricted: restrictions.len(),
            restrictions,
        }
    }
}

/// The peeling trajectory: from the whole sample, each step takes off the slice (the end of
/// a numeric factor's range, or a level) that raises the density most, while the box keeps at
/// least `min_mass` of the rows.
fn peel(s: &Sample, counts: Counts, min_mass: f64) -> Vec<Step> {
    let Counts { rows: n, positives } = counts;
    let mut inside = vec![true; n];
    let mut count = n;
    let mut hits = positives;
    // Per factor: row order by value (numeric), or the levels still in the box (categorical).
    let orders: Vec<Vec<usize>> = s
        .values
        .iter()
        .map(|col| {
            let mut o: Vec<usize> = (0..n).collect();
            o.sort_by(|&a, &b| col[a].total_cmp(&col[b]).then(a.cmp(&b)));
            o
        })
        .collect();
    let mut kept: Vec<Vec<bool>> = s
        .categories
        .iter()
        .map(|c| vec![true; c.as_ref().map_or(0, Vec::len)])
        .collect();
    let mut trajectory = vec![counts.step(count, hits, Vec::new())];
    let floor = (min_mass * n as f64).ceil() as usize;
    if n == 0 || positives == 0 {
        return trajectory;
    }
    loop {
        // (density after, factor, peel) of the best peel.
        let mut best: Option<(f64, usize, Peel)> = None;
        for f in 0..s.values.len() {
            for peel in candidates(s, f, &orders[f], &inside, count, &kept[f]) {
                let (removed, removed_hits) = peel.removed(s, f, &orders[f], &inside);
                let left = count - removed;
                if removed == 0 || left < floor.max(1) {
                    continue;
                }
                let density = ratio(hits - removed_hits, left);
                if best.as_ref().is_none_or(|(d, _, _)| density > *d + 1e-12) {
                    best = Some((density, f, peel));
                }
            }
        }
        let Some((density, f, peel)) = best else {
            break;
        };
        if density <= ratio(hits, count) + 1e-12 {
            break;
        }
        for row in 0..n {
            if inside[row] && peel.drops(s.values[f][row]) {
                inside[row] = false;
                count -= 1;
                if s.hits[row] {
                    hits -= 1;
                }
            }
        }
        if let Peel::Level(k) = peel {
            kept[f][k] = false;
        }
        trajectory.push(counts.step(count, hits, restrictions(s, &inside, &kept)));
    }
    trajectory
}

/// The step of the trajectory `choice` names; `None` for the densest box, which
/// [`paste`] simplifies.
fn choose(trajectory: &[Step], choice: Choice) -> Option<usize> {
    let last = trajectory.len() - 1;
    match choice {
        Choice::Densest => None,
        Choice::Step(k) => Some(k.min(last)),
        Choice::MinCoverage(c) => Some(
            (0..=last)
                .rev()
                .find(|&k| trajectory[k].coverage >= c - 1e-12)
                .unwrap_or(0),
        ),
        Choice::MinDensity(d) => Some(
            (0..=last)
                .find(|&k| trajectory[k].density >= d - 1e-12)
                .unwrap_or(last),
        ),
    }
}

/// The densest box with every restriction dropped that costs (almost) no density, the
/// cheapest first: its restrictions and figures.
fn paste(s: &Sample, counts: Counts, densest: Step) -> (Vec<Restriction>, Step) {
    let mut limits = densest.restrictions.clone();
    let mut best = densest;
    loop {
        let cheapest = (0..limits.len())
            .map(|k| {
                let mut fewer = limits.clone();
                fewer.remove(k);
                let (c, h) = members(s, &fewer);
                (k, counts.step(c, h, fewer))
            })
            .filter(|(_, st)| st.density >= best.density - DROP_TOLERANCE)
            .max_by(|a, b| a.1.density.total_cmp(&b.1.density).then(b.0.cmp(&a.0)));
        let Some((k, st)) = cheapest else { break };
        limits.remove(k);
        best = st;
    }
    (limits, best)
}

/// Rows inside a box given by its restrictions, and how many meet the outcome.
fn members(s: &Sample, limits: &[Restriction]) -> (usize, usize) {
    let mut keep = vec![true; s.hits.len()];
    for r in limits {
        let (name, test): (&str, Box<dyn Fn(f64) -> bool>) = match r {
            Restriction::Range { factor, lo, hi, .. } => {
                let (lo, hi) = (*lo, *hi);
                (factor, Box::new(move |v| v >= lo && v <= hi))
            }
            Restriction::Levels { factor, levels, .. } => {
                let f = s.names.iter().position(|n| n == factor).unwrap_or(0);
                let names = s.categories[f].clone().unwrap_or_default();
                let allowed: Vec<bool> = names.iter().map(|n| levels.contains(n)).collect();
                (
                    factor,
                    Box::new(move |v| allowed.get(v as usize).copied().unwrap_or(false)),
                )
            }
        };
        let Some(f) = s.names.iter().position(|n| n == name) else {
            continue;
        };
        for (k, v) in keep.iter_mut().zip(&s.values[f]) {
            *k = *k && test(*v);
        }
    }
    let count = keep.iter().filter(|&&k| k).count();
    let hits = keep.iter().zip(&s.hits).filter(|(k, h)| **k && **h).count();
    (count, hits)
}

#[derive(Debug, Clone, Copy)]
enum Peel {
    /// Drop rows with the value at most this.
    Below(f64),
    /// Drop rows with the value at least this.
    Above(f64),
    Level(usize),
}

impl Peel {
    fn drops(&self, v: f64) -> bool {
        match *self {
            Peel::Below(t) => v <= t,
            Peel::Above(t) => v >= t,
            Peel::Level(k) => v as usize == k,
        }
    }

    fn removed(&self, s: &Sample, f: usize, order: &[usize], inside: &[bool]) -> (usize, usize) {
        let mut removed = 0;
        let mut hits = 0;
        let mut count = |row: usize| {
            removed += 1;
            if s.hits[row] {
                hits += 1;
            }
        };
        match *self {
            Peel::Below(t) => {
                for &row in order.iter().filter(|&&r| inside[r]) {
                    if s.values[f][row] > t {
                        break;
                    }
                    count(row);
                }
            }
            Peel::Above(t) => {
                for &row in order.iter().rev().filter(|&&r| inside[r]) {
                    if s.values[f][row] < t {
                        break;
                    }
                    count(row);
                }
            }
            Peel::Level(_) => {
                for row in (0..inside.len()).filter(|&r| inside[r] && self.drops(s.values[f][r])) {
                    count(row);
                }
            }
        }
        (removed, hits)
    }
}

/// The peels of factor `f` from the current box: its `ALPHA` tails, or each level left.
fn candidates(
    s: &Sample,
    f: usize,
    order: &[usize],
    inside: &[bool],
    count: usize,
    kept: &[bool],
) -> Vec<Peel> {
    if s.categories[f].is_some() {
        let left = kept.iter().filter(|&&k| k).count();
        if left <= 1 {
            return Vec::new();
        }
        return (0..kept.len())
            .filter(|&k| kept[k])
            .map(Peel::Level)
            .collect();
    }
    let k = ((ALPHA * count as f64) as usize).max(1);
    let col = &s.values[f];
    let mut ins = order.iter().filter(|&&r| inside[r]);
    let low = ins.clone().nth(k - 1).map(|&r| col[r]);
    let high = order
        .iter()
        .rev()
        .filter(|&&r| inside[r])
        .nth(k - 1)
        .map(|&r| col[r]);
    let (min, max) = (
        ins.next().map(|&r| col[r]),
        order.iter().rev().find(|&&r| inside[r]).map(|&r| col[r]),
    );
    let mut out = Vec::new();
    if let (Some(t), Some(max)) = (low, max)
        && t < max
    {
        out.push(Peel::Below(t));
    }
    if let (Some(t), Some(min)) = (high, min)
        && t > min
    {
        out.push(Peel::Above(t));
    }
    out
}

/// The box's limits on every factor it restricts.
fn restrictions(s: &Sample, inside: &[bool], kept: &[Vec<bool>]) -> Vec<Restriction> {
    let mut out = Vec::new();
    for (f, col) in s.values.iter().enumerate() {
        match &s.categories[f] {
            Some(names) => {
                let levels: Vec<String> = names
                    .iter()
                    .zip(&kept[f])
                    .filter(|(_, k)| **k)
                    .map(|(n, _)| n.clone())
                    .collect();
                if levels.len() < names.len() {
                    out.push(Restriction::Levels {
                        factor: s.names[f].clone(),
                        levels,
                        of: names.len(),
                    });
                }
            }
            None => {
                let range = |keep: &dyn Fn(usize) -> bool| {
                    col.iter()
                        .enumerate()
                        .filter(|(r, _)| keep(*r))
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (_, &v)| {
                            (a.min(v), b.max(v))
                        })
                };
                let (min, max) = range(&|_| true);
                let (lo, hi) = range(&|r| inside[r]);
                if lo > min || hi < max {
                    out.push(Restriction::Range {
                        factor: s.names[f].clone(),
                        lo,
                        hi,
                        min,
                        max,
                    });
                }
            }
        }
    }
    out
}

fn ratio(a: usize, b: usize) -> f64 {
    super::ratio(a as u64, b as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::Rng;

    #[test]
    fn peeling_finds_a_planted_corner() {
        // The outcome happens when x > 0.7 and the colour is red, plus 2% noise.
        let mut s = Sample::new(
            vec!["x".into(), "y".into(), "colour".into()],
            vec![
                None,
                None,
                Some(vec!["red".into(), "blue".into(), "green".into()]),
            ],
        );
        let mut rng = Rng::new(3);
        for _ in 0..4000 {
            let (x, y, c) = (rng.unit(), rng.unit(), rng.below(3));
            let hit = (x > 0.7 && c == 0) || rng.unit() < 0.02;
            s.push(&[x, y, c as f64], hit);
        }
        let d = discover(&s, "hit", 0.05, false, Choice::Densest);
        assert!(d.best.density > 0.9, "{:?}", d.best);
        assert!(d.best.coverage > 0.7, "{:?}", d.best);
        let x = d.restrictions.iter().find_map(|r| match r {
            Restriction::Range { factor, lo, .. } if factor == "x" => Some(*lo),
            _ => None,
        });
        assert!(
            x.is_some_and(|lo| (0.65..0.8).contains(&lo)),
            "{:?}",
            d.restrictions
        );
        assert!(d.restrictions.iter().any(|r| matches!(r, Restriction::Levels { factor, levels, .. } if factor == "colour" && levels == &["red".to_string()])));
        assert!(
            !d.restrictions
                .iter()
                .any(|r| matches!(r, Restriction::Range { factor, .. } if factor == "y"))
        );
        for w in d.trajectory.windows(2) {
            assert!(w[1].density > w[0].density && w[1].mass < w[0].mass);
        }
    }

    #[test]
    fn a_box_is_chosen_by_step_coverage_or_density() {
        let mut s = Sample::new(vec!["x".into()], vec![None]);
        let mut rng = Rng::new(5);
        for _ in 0..2000 {
            let x = rng.unit();
            s.push(&[x], rng.unit() < x * x);
        }
        let all = discover(&s, "hit", 0.05, false, Choice::Step(0));
        assert_eq!(all.chosen, Some(0));
        assert!(all.restrictions.is_empty() && all.best.coverage == 1.0);
        let t = &all.trajectory;
        assert!(t.len() > 5, "{}", t.len());
        let wide = discover(&s, "hit", 0.05, false, Choice::MinCoverage(0.8));
        let k = wide.chosen.unwrap();
        assert!(t[k].coverage >= 0.8 && t[k + 1].coverage < 0.8);
        assert_eq!(wide.best, t[k]);
        let dense = discover(&s, "hit", 0.05, false, Choice::MinDensity(0.6));
        let k = dense.chosen.unwrap();
        assert!(t[k].density >= 0.6 && t[k - 1].density < 0.6);
        assert!(
            matches!(&t[k].restrictions[..], [Restriction::Range { factor, .. }] if factor == "x")
        );
    }

    #[test]
    fn no_positives_leave_the_whole_box() {
        let mut s = Sample::new(vec!["x".into()], vec![None]);
        for i in 0..100 {
            s.push(&[i as f64], false);
        }
        let d = discover(&s, "never", 0.05, false, Choice::Densest);
        assert!(d.restrictions.is_empty());
        assert_eq!(d.best.mass, 1.0);
    }
}
