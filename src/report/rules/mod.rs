//! The knowledge base in force (`rolefit rules list|show`) as text or JSON; a rule's test, scope
//! and effect in words, which both formats show.

pub mod json;
pub mod text;

use crate::explain::text::scope_summary;
use crate::kb::{KnowledgeBase, Test};

/// A test in words: "sector civil_society and trait commercial and not attribute social_enterprise".
pub fn describe_test(kb: &KnowledgeBase, t: &Test) -> String {
    let range = |r: &crate::kb::Range| match (r.at_least, r.below) {
        (Some(a), Some(b)) => format!("in [{a}, {b})"),
        (Some(a), None) => format!(">= {a}"),
        (None, Some(b)) => format!("< {b}"),
        (None, None) => "any".into(),
    };
    match t {
        Test::All(ts) if ts.is_empty() => "anyone".into(),
        Test::All(ts) => ts
            .iter()
            .map(|t| describe_test(kb, t))
            .collect::<Vec<_>>()
            .join(" and "),
        Test::Either(ts) => format!(
            "({})",
            ts.iter()
                .map(|t| describe_test(kb, t))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Test::Not(t) => format!("not {}", describe_test(kb, t)),
        Test::Sector(s) => format!("sector {}", kb.sector(*s).id),
        Test::Attribute(a) => format!("attribute {}", kb.attributes[a.index()].id),
        Test::Capability { cap, range: r } => format!("{} {}", kb.capability(*cap).id, range(r)),
        Test::Role(r) => format!("role {}", kb.role(*r).id),
        Test::Trait(t) => format!("trait {}", kb.traits[t.index()].id),
        Test::Importance(r) => format!("importance {}", range(r)),
        Test::Fit(r) => format!("fit {}", range(r)),
        Test::Funds => "the partner funds the role".into(),
        Test::Serves => "the role serves the partner's motives".into(),
        Test::BelowFitFloor => "fit below the fit floor".into(),
        Test::Type(t) => format!("type {}", kb.types[t.index()].id),
        Test::Funder => "the partner funds part of the programme".into(),
        Test::Supplier => "the partner supplies the programme".into(),
        Test::Grantee => "a partner at the table funds the partner".into(),
        Test::NeedsMoney => "the role needs money".into(),
        Test::Financed => "money committed to the role holds".into(),
        Test::MoneyReaches => "committed money can reach the partner in the role".into(),
        Test::Wants => "the partner asked for the role".into(),
    }
}

/// The condition of a rule in words.
pub fn describe_scope(kb: &KnowledgeBase, scope: &crate::kb::Scope) -> String {
    use crate::kb::Scope;
    let who = match scope {
        Scope::Holds { who, .. }
        | Scope::Load { who, .. }
        | Scope::Unserved { who }
        | Scope::Idle { who }
        | Scope::Unmet { who }
        | Scope::Shared { who, .. }
        | Scope::Additionality { who, .. }
        | Scope::Financing { who, .. } => Some(describe_test(kb, who)),
        Scope::Pair { first, second } => Some(format!(
            "{} / {}",
            describe_test(kb, first),
            describe_test(kb, second)
        )),
        Scope::Uncovered { role } => Some(describe_test(kb, role)),
        Scope::Concentration { .. } | Scope::Diversity { .. } => None,
    };
    match who {
        Some(w) => format!("{}: {w}", scope_summary(scope)),
        None => scope_summary(scope),
    }
}

/// An effect in words: its strength (forbidden, avoided, ...) and what else it does.
pub fn describe_effect(e: &crate::kb::Effect) -> String {
    use crate::kb::{Per, Strength};
    let mut parts = Vec::new();
    match e.strength {
        Strength::Forbid => parts.push("forbidden (even when pinned)".to_string()),
        Strength::Avoid => parts.push("avoided (never chosen; a pin overrides)".to_string()),
        Strength::Price => {}
    }
    let per = if e.per == Per::Importance {
        " per importance point"
    } else {
        ""
    };
    if e.penalty > 0.0 {
        parts.push(format!("penalty {}{per}", e.penalty));
    }
    if e.bonus > 0.0 {
        parts.push(format!("bonus {}{per}", e.bonus));
    }
    if let Some(f) = &e.flag {
        parts.push(format!("flag {} ({})", f.kind, f.severity));
    }
    parts.join(", ")
}
