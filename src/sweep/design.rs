//! Design points: the factor values of point `k`, computed from `k` and the seed alone.
//!
//! Nothing is drawn in sequence, so a point is the same whichever thread or shard computes it
//! and however many points came before, and no table of points is kept: a Latin hypercube of
//! ten million points takes no more memory than one of ten.

use super::spec::{Design, Spec};
use crate::generate::mix;

/// Computes the factor values of any design point.
#[derive(Debug, Clone)]
pub struct Points {
    design: Design,
    /// Full factorial: the grid of each factor (the last factor varies fastest).
    grids: Vec<Vec<f64>>,
    domains: Vec<super::spec::Domain>,
    /// A design file's rows, row-major.
    table: Option<std::sync::Arc<[f64]>>,
}

impl Points {
    /// Prepares the points of `spec`'s design: the factorial grids, the factor domains and any
    /// design-file rows.
    pub fn new(spec: &Spec) -> Points {
        let steps = match spec.design {
            Design::FullFactorial { steps, .. } => steps,
            _ => 1,
        };
        Points {
            design: spec.design,
            grids: spec.factors.iter().map(|f| f.domain.grid(steps)).collect(),
            domains: spec.factors.iter().map(|f| f.domain.clone()).collect(),
            table: spec.table.as_ref().map(|t| t.values.clone()),
        }
    }

    /// Writes the value of every factor at point `k` into `out`.
    pub fn values(&self, k: u64, out: &mut Vec<f64>) {
        out.clear();
        match self.design {
            Design::FullFactorial { .. } => {
                let mut rest = k;
                out.resize(self.grids.len(), 0.0);
                for (f, grid) in self.grids.iter().enumerate().rev() {
                    let n = grid.len() as u64;
                    out[f] = grid[(rest % n) as usize];
                    rest /= n;
                }
            }
            Design::MonteCarlo { seed, .. } => {
                for (f, d) in self.domains.iter().enumerate() {
                    out.push(d.at(unit(mix(mix(seed, f as u64), k))));
                }
            }
            Design::Table { .. } => {
                let width = self.domains.len();
                let start = k as usize * width;
                if let Some(row) = self
                    .table
                    .as_ref()
                    .and_then(|t| t.get(start..start + width))
                {
                    out.extend_from_slice(row);
                }
            }
            Design::LatinHypercube { n, seed } => {
                for (f, d) in self.domains.iter().enumerate() {
                    let key = mix(seed, f as u64);
                    let stratum = permute(k, n, key);
                    let jitter = unit(mix(key ^ 0x5EED, k));
                    out.push(d.at((stratum as f64 + jitter) / n as f64));
                }
            }
        }
    }
}

/// Uniform in `[0, 1)` from 64 random bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A keyed pseudo-random permutation of `0..n`, evaluated at `x`: a balanced Feistel network on
/// the smallest even number of bits covering `n`, cycle-walking until the value falls below `n`.
/// Each factor of a Latin hypercube gets its own key, so its strata are shuffled independently.
pub fn permute(x: u64, n: u64, key: u64) -> u64 {
    debug_assert!(x < n);
    let bits = (64 - (n.max(2) - 1).leading_zeros()).div_ceil(2) * 2;
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let mut v = x;
    loop {
        let (mut l, mut r) = (v >> half, v & mask);
        for round in 0..4u64 {
            let f = mix(key ^ round, r) & mask;
            (l, r) = (r, l ^ f);
        }
        v = (l << half) | r;
        if v < n {
            return v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn permutations_are_bijections(n in 1u64..600, key in any::<u64>()) {
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = permute(x, n, key);
                prop_assert!(y < n);
                prop_assert!(!seen[y as usize], "{y} hit twice");
                seen[y as usize] = true;
            }
        }
    }

    proptest! {
        #[test]
        fn every_design_stays_inside_its_domains(seed in any::<u64>(), k in 0u64..1000) {
            use crate::sweep::spec::Domain;
            let domains = [
                Domain::Range { lo: -2.0, hi: 3.0, integer: false },
                Domain::Range { lo: 1.0, hi: 5.0, integer: true },
                Domain::Levels(vec![7.0, 9.0]),
            ];
            for design in [
                Design::MonteCarlo { n: 1000, seed },
                Design::LatinHypercube { n: 1000, seed },
            ] {
                let points = Points { design, grids: Vec::new(), domains: domains.to_vec(), table: None };
                let mut v = Vec::new();
                points.values(k, &mut v);
                prop_assert!((-2.0..=3.0).contains(&v[0]));
                prop_assert!((1.0..=5.0).contains(&v[1]) && v[1].fract() == 0.0);
                prop_assert!(v[2] == 7.0 || v[2] == 9.0);
            }
        }
    }

    #[test]
    fn latin_hypercube_uses_each_stratum_once_per_factor() {
        let n = 97u64;
        for key in [1, 2, 3] {
            let mut strata: Vec<u64> = (0..n).map(|k| permute(k, n, key)).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
        assert_ne!(
            (0..n).map(|k| permute(k, n, 1)).collect::<Vec<_>>(),
            (0..n).map(|k| permute(k, n, 2)).collect::<Vec<_>>()
        );
    }
}
