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
        Test::Funds => match (i, j) {
            (Some(i), Some(j)) => p.money.funds[i][j],
            _ => false,
        },
        Test::Wants => match (partner, need) {
            (Some(x), Some(n)) => x.wants.contains(&n.role),
            _ => false,
        },
        Test::Serves => match (i, j) {
            (Some(i), Some(j)) => p.serves[i][j],
            _ => false,
        },
        Test::BelowFitFloor => match (i, j) {
            (Some(i), Some(j)) => p.fit[i][j] < p.kb.settings.fit_floor,
            _ => false,
        },
        Test::Type(t) => partner.is_some_and(|x| x.org_type == Some(*t)),
        Test::Funder => i.is_some_and(|i| p.money.funder[i]),
        Test::Supplier => partner.is_some_and(|x| !x.supplies.is_empty()),
        Test::Grantee => partner.is_some_and(|x| {
            x.funded_by
                .iter()
                .any(|f| p.partners.iter().any(|q| &q.id == f))
        }),
        Test::NeedsMoney => j.is_some_and(|j| p.money.needs_money[j]),
        Test::Financed => j.is_some_and(|j| p.money.financed[j]),
        Test::MoneyReaches => match (i, j) {
            (Some(i), Some(j)) => p.money.reaches[i][j],
            _ => false,
        },
    }
}

/// Whether `test` can hold for partner `i` in some need: false only when the partner's own
/// facts (sector, attributes, capabilities) already make it false whatever the need, so
/// callers can skip the partner's needs without changing any result.
pub fn may_match_partner(p: &Problem, test: &Test, i: usize) -> bool {
    match test {
        Test::All(ts) => ts.iter().all(|t| may_match_partner(p, t, i)),
        Test::Either(ts) => ts.iter().any(|t| may_match_partner(p, t, i)),
        Test::Not(t) => match t.reads() {
            (true, false) => !matches(p, t, Some(i), None),
            _ => true,
        },
        // A test of the partner's own facts decides it alone.
        leaf if leaf.reads() == (true, false) => matches(p, leaf, Some(i), None),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Scope;

    /// The pruning never skips a partner that some need would match, on every shipped
    /// scenario and every test of every rule.
    #[test]
    fn pruning_by_partner_facts_never_hides_a_match() {
        let kb = crate::default_knowledge_base().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path().display().to_string();
            let doc = crate::load::Document::parse(crate::load::read_source(&path).unwrap());
            let scenario = crate::validate_scenario(&kb, &doc).unwrap();
            let p = Problem::new(&kb, &scenario.base());
            let mut pruned = 0;
            for rule in &kb.rules {
                let tests: Vec<&Test> = match &rule.scope {
                    Scope::Holds { who, .. } | Scope::Shared { who, .. } => vec![who],
                    Scope::Pair { first, second } => vec![first, second],
                    _ => continue,
                };
                for test in tests {
                    for i in 0..p.partners.len() {
                        if may_match_partner(&p, test, i) {
                            continue;
                        }
                        pruned += 1;
                        for j in 0..p.needs.len() {
                            assert!(!matches(&p, test, Some(i), Some(j)), "{path}: {}", rule.id);
                        }
                    }
                }
            }
            assert!(pruned > 0, "{path}: the pruning never applied");
        }
    }
}
