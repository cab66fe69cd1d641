//! Evaluating a rule's test on a partner, a need, or a partner in a need.

use super::Problem;
use crate::kb::Test;

/// Whether `test` holds for partner `i` and/or need `j` of the problem.
///
/// The knowledge base guarantees each test only reads facts its scope supplies, so a missing
/// partner or need here means "not applicable" and the test is false.
pub fn matches(p: &Problem, test: &Test, i: Option<usize>, j: Option<usize>) -> bool {
    let partner = i.map(|i| &p.partners[i]);
    let need = j.map(|j| &p.needs[j]);
    match test {
        Test::All(ts) => ts.iter().all(|t| matches(p, t, i, j)),
        Test::Either(ts) => ts.iter().any(|t| matches(p, t, i, j)),
        Test::Not(t) => !matches(p, t, i, j),
        Test::Sector(s) => partner.is_some_and(|x| x.sector == *s),
        Test::Attribute(a) => partner.is_some_and(|x| x.attributes.contains(a)),
        Test::Capability { cap, range } => {
            partner.is_some_and(|x| range.contains(x.strength(*cap)))
        }
        Test::Role(r) => need.is_some_and(|n| n.role == *r),
        Test::Trait(t) => need.is_some_and(|n| p.kb.role(n.role).has_trait(*t)),
        Test::Importance(range) => need.is_some_and(|n| range.contains(n.importance as f64)),
        Test::Fit(range) => match (i, j) {
            (Some(i), Some(j)) => range.contains(p.fit[i][j]),
            _ => false,
        },
        Test::Funds => match (partner, need) {
            (Some(x), Some(n)) => x.funds.contains(&n.role),
            _ => false,
        },
        Test::Serves => match (i, j) {
            (Some(i), Some(j)) => p.serves[i][j],
            _ => false,
        },
    }
}
