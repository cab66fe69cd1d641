//! Random partners for the property tests. Each test file picks the roles, capabilities and
//! attributes its rules need (a [`Vocabulary`]) and the odds of each optional field; the
//! partner's shape and its scenario text are shared.

use proptest::prelude::*;
use rolefit::kb::KnowledgeBase;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

/// The built-in knowledge base, built once per test binary.
pub fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| rolefit::default_knowledge_base().expect("built-in rules are valid"))
}

pub const SECTORS: [&str; 5] = [
    "business",
    "government",
    "civil_society",
    "academia",
    "impact_investor",
];

/// The names a test draws partners from (indices into these lists are what a [`P`] holds).
pub struct Vocabulary {
    pub roles: &'static [&'static str],
    pub caps: &'static [&'static str],
    pub attributes: &'static [&'static str],
}

#[derive(Debug, Clone)]
pub struct P {
    pub sector: usize,
    pub capacity: u32,
    pub caps: Vec<(usize, u8)>,
    pub attribute: Option<usize>,
    pub refuses: Option<usize>,
    pub funds: Option<usize>,
}

/// Chances that a random partner has an attribute, refuses a role, funds a role.
pub struct Odds {
    pub attribute: f64,
    pub refuses: f64,
    pub funds: f64,
}

/// A random partner of any sector with up to two capability overrides (strength in tenths).
pub fn partner(
    v: &'static Vocabulary,
    capacity: RangeInclusive<u32>,
    odds: Odds,
) -> impl Strategy<Value = P> {
    (
        0..SECTORS.len(),
        capacity,
        prop::collection::vec((0..v.caps.len(), 0u8..=10), 0..3),
        prop::option::weighted(odds.attribute, 0..v.attributes.len()),
        prop::option::weighted(odds.refuses, 0..v.roles.len()),
        prop::option::weighted(odds.funds, 0..v.roles.len()),
    )
        .prop_map(|(sector, capacity, caps, attribute, refuses, funds)| P {
            sector,
            capacity,
            caps,
            attribute,
            refuses,
            funds,
        })
}

/// The partner as a `Partner(...)` entry of a scenario (a repeated capability keeps its first
/// strength, as a file may not repeat a key).
pub fn partner_ron(v: &Vocabulary, id: &str, p: &P) -> String {
    let mut s = format!(
        "Partner(id: {id:?}, sector: {:?}, capacity: {}, capabilities: {{",
        SECTORS[p.sector], p.capacity
    );
    let mut seen = Vec::new();
    for &(cap, strength) in &p.caps {
        if !seen.contains(&cap) {
            seen.push(cap);
            s += &format!("{:?}: {},", v.caps[cap], strength as f64 / 10.0);
        }
    }
    s += "}";
    if let Some(a) = p.attribute {
        s += &format!(", attributes: [{:?}]", v.attributes[a]);
    }
    if let Some(r) = p.refuses {
        s += &format!(", refuses: [{:?}]", v.roles[r]);
    }
    if let Some(f) = p.funds {
        s += &format!(", funds: [{:?}]", v.roles[f]);
    }
    s + "),"
}
