//! Synthetic consortia drawn from the sector profiles, for benchmarks, sweeps and fuzz seeds.
//!
//! The generator writes scenario *text*, so whatever uses it goes through the same loading and
//! validation as a user's file. A seeded SplitMix64 keeps it reproducible on every platform.

use crate::kb::{CapIx, KnowledgeBase, RoleIx, SectorIx};
use crate::scenario::{LineUp, Need, Partner};
use std::fmt::Write;

/// SplitMix64: tiny, fast, and the same sequence everywhere for a given seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// How many partners.
    pub partners: usize,
    /// How many roles of the catalogue are needed (the first `roles`, capped at the catalogue).
    pub roles: usize,
    /// The seed: the same spec always gives the same consortium.
    pub seed: u64,
    /// Spread of capability strengths around the sector defaults.
    pub noise: f64,
}

impl Spec {
    /// `partners` partners needing the first `roles` roles, drawn from `seed`, at the default noise.
    pub fn new(partners: usize, roles: usize, seed: u64) -> Self {
        Spec {
            partners,
            roles,
            seed,
            noise: 0.15,
        }
    }
}

/// A random consortium as RON scenario text.
pub fn consortium(kb: &KnowledgeBase, spec: &Spec) -> String {
    let mut rng = Rng::new(spec.seed);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scenario(\n    name: \"generated: {} partners, {} roles, seed {}\",\n    needs: [",
        spec.partners, spec.roles, spec.seed
    );
    for role in kb.roles.iter().take(spec.roles) {
        let importance = 1 + rng.below(5);
        let max = if rng.unit() < 0.2 { 2 } else { 1 };
        let _ = writeln!(
            out,
            "        Need(role: {:?}, importance: {importance}, min: 1, max: {max}),",
            role.id
        );
    }
    out.push_str("    ],\n    partners: [\n");
    let public_financing = kb.role_by_id("public_financing");
    let catalytic = kb.role_by_id("catalytic_funding");
    for i in 0..spec.partners {
        let s = rng.below(kb.sectors.len());
        let sector = &kb.sectors[s];
        let capacity = 1 + rng.below(3);
        let _ = write!(
            out,
            "        Partner(id: \"p{i:03}\", name: \"Partner {i}\", sector: {:?}, capacity: {capacity}, capabilities: {{",
            sector.id
        );
        for a in &sector.advantages {
            let v = (a.strength + (rng.unit() * 2.0 - 1.0) * spec.noise).clamp(0.0, 1.0);
            let _ = write!(out, "{:?}: {:.2}, ", kb.capability(a.capability).id, v);
        }
        if rng.unit() < 0.5 {
            let extra = CapIx(rng.below(kb.capabilities.len()) as u32);
            if !sector.advantages.iter().any(|a| a.capability == extra) {
                let _ = write!(
                    out,
                    "{:?}: {:.2}, ",
                    kb.capability(extra).id,
                    0.3 + rng.unit() * 0.4
                );
            }
        }
        out.push('}');
        let funds = match sector.id.as_str() {
            "impact_investor" => catalytic,
            "government" if rng.unit() < 0.5 => public_financing,
            _ => None,
        };
        if let Some(r) = funds {
            let _ = write!(out, ", funds: [{:?}]", kb.role(r).id);
        }
        out.push_str("),\n");
    }
    out.push_str("    ],\n)\n");
    out
}

/// Mixes a seed with a stream number into an independent seed: run `r` of a sweep seeded `s`
/// gets `mix(s, r)`, the same whichever thread or shard computes it.
pub fn mix(seed: u64, stream: u64) -> u64 {
    let mut r = Rng::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64();
    r.next_u64()
}

/// Consortia drawn from the sector profiles: how many partners of each sector, their capacity
/// range, and how far capabilities stray from the sector defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The first `roles` roles of the catalogue are needed.
    pub roles: usize,
    /// Partners of each sector, in this order.
    pub sectors: Vec<(SectorIx, usize)>,
    /// Capacity drawn uniformly from this inclusive range.
    pub capacity: (u32, u32),
    /// Each capability strength is its sector default plus uniform noise in `[-noise, noise]`.
    pub noise: f64,
}

/// A random line-up from a profile, built directly (no text round trip: sweeps draw one per
/// run). Partner ids are `<sector>_<k>`, so outputs say which sector holds what. The values
/// respect every bound scenario validation checks: strengths in 0..=1, capacity, funded roles.
pub fn line_up(kb: &KnowledgeBase, profile: &Profile, seed: u64) -> LineUp {
    let mut rng = Rng::new(seed);
    let needs: Vec<Need> = (0..profile.roles.min(kb.roles.len()))
        .map(|r| {
            let importance = 1 + rng.below(5) as u32;
            let max = if rng.unit() < 0.2 { 2 } else { 1 };
            Need {
                role: RoleIx(r as u32),
                importance,
                min: 1,
                max,
                budget: Vec::new(),
            }
        })
        .collect();
    let public_financing = kb.role_by_id("public_financing");
    let catalytic = kb.role_by_id("catalytic_funding");
    let (lo, hi) = profile.capacity;
    let mut partners = Vec::new();
    for &(s, count) in &profile.sectors {
        let sector = kb.sector(s);
        for k in 1..=count {
            let capacity = lo + rng.below((hi.saturating_sub(lo) + 1) as usize) as u32;
            let mut strengths: Vec<f64> = (0..kb.capabilities.len())
                .map(|c| sector.default_strength(CapIx(c as u32)))
                .collect();
            let mut stated = Vec::new();
            for a in &sector.advantages {
                let v = (a.strength + (rng.unit() * 2.0 - 1.0) * profile.noise).clamp(0.0, 1.0);
                strengths[a.capability.index()] = (v * 100.0).round() / 100.0;
                stated.push(a.capability);
            }
            if rng.unit() < 0.5 {
                let extra = CapIx(rng.below(kb.capabilities.len()) as u32);
                if !stated.contains(&extra) {
                    strengths[extra.index()] = ((0.3 + rng.unit() * 0.4) * 100.0).round() / 100.0;
                    stated.push(extra);
                }
            }
            let funds = match sector.id.as_str() {
                "impact_investor" => catalytic,
                "government" if rng.unit() < 0.5 => public_financing,
                _ => None,
            };
            partners.push(Partner {
                id: format!("{}_{k}", sector.id),
                name: format!("{} {k}", sector.name),
                sector: s,
                org_type: None,
                capacity,
                strengths,
                stated,
                refuses: Vec::new(),
                attributes: Vec::new(),
                funds: funds.into_iter().collect(),
                funded_by: Vec::new(),
                supplies: Vec::new(),
                wants: Vec::new(),
            });
        }
    }
    let mut finance = crate::scenario::Finance::default();
    finance.state(
        partners
            .iter()
            .flat_map(|p: &Partner| p.funds.iter().copied()),
    );
    LineUp {
        scenario: "generated".to_string(),
        variant: None,
        needs,
        partners,
        pins: Vec::new(),
        min_sectors: None,
        finance,
        commitments: Vec::new(),
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Document;
    use crate::source::Source;

    #[test]
    fn generated_consortia_are_valid_and_reproducible() {
        let kb = crate::default_knowledge_base().unwrap();
        let spec = Spec::new(30, 18, 7);
        let text = consortium(&kb, &spec);
        assert_eq!(text, consortium(&kb, &spec));
        assert_ne!(text, consortium(&kb, &Spec::new(30, 18, 8)));
        let doc = Document::parse(Source::new("generated.ron", text));
        let s = crate::validate_scenario(&kb, &doc).unwrap();
        assert_eq!((s.partners.len(), s.needs.len()), (30, 18));
    }

    #[test]
    fn profiles_give_the_asked_sector_counts_reproducibly() {
        let kb = crate::default_knowledge_base().unwrap();
        let gov = kb.sector_by_id("government").unwrap();
        let ngo = kb.sector_by_id("civil_society").unwrap();
        let profile = Profile {
            roles: 18,
            sectors: vec![(gov, 2), (ngo, 3)],
            capacity: (1, 3),
            noise: 0.2,
        };
        let a = line_up(&kb, &profile, 5);
        assert_eq!(a.partners.len(), 5);
        assert_eq!(a.needs.len(), 18);
        assert_eq!(a.partners.iter().filter(|p| p.sector == ngo).count(), 3);
        assert_eq!(a.partners[2].id, "civil_society_1");
        assert!(a.partners.iter().all(|p| (1..=3).contains(&p.capacity)));
        assert!(
            a.partners
                .iter()
                .flat_map(|p| &p.strengths)
                .all(|s| (0.0..=1.0).contains(s))
        );
        let b = line_up(&kb, &profile, 5);
        assert_eq!(a.partners, b.partners);
        assert_ne!(line_up(&kb, &profile, 6).partners, a.partners);
    }

    #[test]
    fn mixed_streams_differ_and_repeat() {
        assert_eq!(mix(1, 2), mix(1, 2));
        assert_ne!(mix(1, 2), mix(1, 3));
        assert_ne!(mix(1, 2), mix(2, 2));
    }
}
