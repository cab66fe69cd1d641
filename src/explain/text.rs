//! Wording: filling rule message templates and phrasing reasons.

use crate::kb::{
    Basis, CapIx, Credit, Finding, KnowledgeBase, LoadLimit, MoneyFinding, Role, RoleIx, Scope,
};
use crate::model::{Assignment, Problem, Subject};
use crate::scenario::Partner;

/// What a flag is about, and the values its message template can use.
pub struct SubjectFields {
    /// The partner the flag is about.
    pub partner: Option<String>,
    /// The role it is about.
    pub role: Option<String>,
    /// Named values the message may use (`{fit}`, `{count}`, ...).
    pub values: Vec<(&'static str, String)>,
}

/// A share as a whole percentage ("42%").
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Formats a number without trailing zeros: 2 -> "2", 2.5 -> "2.5".
fn amount(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// The fields of an instance's subject for an assignment.
pub fn subject_fields(p: &Problem, subject: &Subject, a: &Assignment) -> SubjectFields {
    let kb = p.kb;
    let mut values: Vec<(&'static str, String)> = Vec::new();
    let mut partner = None;
    let mut role = None;
    let mut with_partner = |i: usize, values: &mut Vec<(&'static str, String)>| {
        let x = &p.partners[i];
        values.push(("partner", x.id.clone()));
        values.push(("partner_name", x.name.clone()));
        values.push(("sector", kb.sector(x.sector).name.to_lowercase()));
        partner = Some(x.id.clone());
    };
    let with_role = |j: usize, values: &mut Vec<(&'static str, String)>| {
        values.push(("role", p.role_id(j).to_string()));
        values.push(("role_name", kb.role(p.needs[j].role).name.to_lowercase()));
        Some(p.role_id(j).to_string())
    };
    match subject {
        Subject::Holds {
            partner: i,
            need: j,
            ..
        } => {
            with_partner(*i, &mut values);
            role = with_role(*j, &mut values);
            values.push(("value", format!("{:.2}", p.fit[*i][*j])));
            values.push(("limit", format!("{:.2}", kb.settings.fit_floor)));
        }
        Subject::Pair {
            partner: i,
            first,
            second,
        } => {
            with_partner(*i, &mut values);
            role = with_role(*second, &mut values);
            values.push((
                "other_role",
                kb.role(p.needs[*first].role).name.to_lowercase(),
            ));
        }
        Subject::Load {
            partner: i,
            limit,
            by_effort,
        } => {
            with_partner(*i, &mut values);
            values.push(("value", amount(p.load(a, *i, *by_effort))));
            values.push(("limit", amount(*limit)));
            values.push(("capacity", p.partners[*i].capacity.to_string()));
        }
        Subject::Unserved { partner: i } | Subject::Idle { partner: i } => {
            with_partner(*i, &mut values)
        }
        Subject::Unmet {
            partner: i,
            need: j,
        } => {
            with_partner(*i, &mut values);
            role = with_role(*j, &mut values);
        }
        Subject::Shared {
            need,
            partners,
            at_least,
        } => {
            role = with_role(*need, &mut values);
            let on: Vec<usize> = partners
                .iter()
                .copied()
                .filter(|&i| a.holds[i][*need])
                .collect();
            values.push(("value", on.len().to_string()));
            values.push(("limit", at_least.to_string()));
            let names: Vec<&str> = on.iter().map(|&i| p.partners[i].name.as_str()).collect();
            values.push(("partners", names.join(" and ")));
            if let Some(&first) = on.first() {
                let s = p.partners[first].sector;
                if on.iter().all(|&i| p.partners[i].sector == s) {
                    values.push(("sector", kb.sector(s).name.to_lowercase()));
                }
            }
        }
        Subject::Concentration { partner: i, limit } => {
            with_partner(*i, &mut values);
            let total = p.total_importance();
            values.push(("value", percent(p.held_importance(a, *i) / total)));
            values.push(("limit", percent(limit / total)));
        }
        Subject::Diversity { below } => {
            values.push(("value", p.sectors_used(a).to_string()));
            values.push(("limit", below.to_string()));
        }
        Subject::Uncovered { need } => {
            role = with_role(*need, &mut values);
            let missing = (p.needs[*need].min as i64 - a.count(*need) as i64).max(0);
            values.push(("value", missing.to_string()));
        }
    }
    SubjectFields {
        partner,
        role,
        values,
    }
}

/// Longest flag message rendered. A template may repeat a placeholder (700 `{partner_name}`
/// with 10 000-character names turned a 500 KB scenario into 350 MB of report); a message is a
/// sentence or two, so past this many characters it is cut, and the filling stops there.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// Replaces `{name}` placeholders (the knowledge base has checked they are all known), up to
/// [`MAX_MESSAGE_CHARS`].
pub fn fill(template: &str, fields: &SubjectFields) -> String {
    let mut out = String::with_capacity(template.len().min(MAX_MESSAGE_CHARS) + 32);
    let mut chars = 0;
    let mut push = |out: &mut String, s: &str| -> bool {
        for c in s.chars() {
            if chars == MAX_MESSAGE_CHARS {
                out.push_str("... (cut)");
                return false;
            }
            out.push(c);
            chars += 1;
        }
        true
    };
    let mut rest = template;
    let mut whole = true;
    while let Some(open) = rest.find('{') {
        if !push(&mut out, &rest[..open]) {
            whole = false;
            break;
        }
        let (piece, next) = match rest[open..].find('}') {
            Some(close) => {
                let name = &rest[open + 1..open + close];
                let piece = match fields.values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => v.as_str(),
                    None => &rest[open..=open + close],
                };
                (piece, &rest[open + close + 1..])
            }
            None => (&rest[open..], ""),
        };
        if !push(&mut out, piece) {
            whole = false;
            break;
        }
        rest = next;
    }
    if whole {
        push(&mut out, rest);
    }
    // A message that opens with a placeholder ("{role_name} is ...") still starts a sentence.
    match out.chars().next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(out.chars().skip(1)).collect(),
        _ => out,
    }
}

/// How one need is credited, in words: "(stated)", "(assumed: sector default 0.90)",
/// "(via health_education_and_behavior_change 0.80 stated, related x0.9)".
pub fn credit_words(kb: &KnowledgeBase, partner: &Partner, cap: CapIx, credit: Credit) -> String {
    match credit.basis {
        Basis::Stated => "stated".to_string(),
        Basis::Assumed => format!(
            "assumed: {} {:.2}",
            partner.default_origin(kb, cap),
            partner.strength(cap)
        ),
        Basis::Related {
            via,
            credit,
            stated,
            ..
        } => format!(
            "via {} {:.2} {}, related x{}",
            kb.capability(via).id,
            partner.strength(via),
            if stated { "stated" } else { "assumed" },
            credit
        ),
    }
}

/// "fit 0.84: regulatory_oversight 0.90 (stated) x 40%, legitimacy 0.77 (assumed: sector
/// default 0.90) x 30%; lacks ...". Each value is what counts toward the fit.
pub fn fit_reason(kb: &KnowledgeBase, partner: &Partner, role: &Role, fit: f64) -> String {
    let credits: Vec<(CapIx, f64, Credit)> = role
        .needs
        .iter()
        .map(|&(cap, w)| (cap, w, partner.credit(kb, cap)))
        .collect();
    let mut parts: Vec<(f64, String)> = credits
        .iter()
        .filter(|(_, _, c)| c.value > 0.0)
        .map(|&(cap, w, c)| {
            (
                w * c.value,
                format!(
                    "{} {:.2} ({}) x {}",
                    kb.capability(cap).id,
                    c.value,
                    credit_words(kb, partner, cap, c),
                    percent(w)
                ),
            )
        })
        .collect();
    parts.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let lacks: Vec<String> = credits
        .iter()
        .filter(|(_, w, c)| c.value < 0.3 && *w >= 0.15)
        .map(|&(cap, w, _)| format!("{} ({})", kb.capability(cap).id, percent(w)))
        .collect();
    let mut s = format!("fit {fit:.2}: ");
    if parts.is_empty() {
        s.push_str("none of its capabilities meets the role's needs");
    } else {
        s.push_str(
            &parts
                .iter()
                .take(4)
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !lacks.is_empty() {
        s.push_str("; lacks ");
        s.push_str(&lacks.join(", "));
    }
    s
}

/// The two capabilities a sector's typical profile contributes most to a role.
pub fn top_strengths(kb: &KnowledgeBase, sector: usize, role: RoleIx) -> String {
    let s = &kb.sectors[sector];
    let own = |c: CapIx| (s.default_strength(c), false);
    let mut parts: Vec<(f64, &str)> = kb
        .role(role)
        .needs
        .iter()
        .map(|&(cap, w)| {
            (
                w * kb.credit(cap, &own).value,
                kb.capability(cap).label.as_str(),
            )
        })
        .filter(|(v, _)| *v > 0.0)
        .collect();
    parts.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let names: Vec<String> = parts
        .iter()
        .take(2)
        .map(|(_, l)| l.to_lowercase())
        .collect();
    if names.is_empty() {
        "none of the role's needs".to_string()
    } else {
        names.join(" and ")
    }
}

/// A one-line description of a rule's condition, for `rules show` and conflict messages.
pub fn scope_summary(scope: &Scope) -> String {
    match scope {
        Scope::Holds { lead: true, .. } => "a partner leads a role".into(),
        Scope::Holds { .. } => "a partner holds a role".into(),
        Scope::Pair { .. } => "a partner holds both roles of a pair".into(),
        Scope::Load {
            limit: LoadLimit::Roles(n),
            ..
        } => format!("a partner holds more than {n} role(s)"),
        Scope::Load {
            limit: LoadLimit::Effort(x),
            ..
        } => format!("a partner's effort exceeds {x}"),
        Scope::Load {
            limit: LoadLimit::EffortAboveCapacity(plus),
            ..
        } if *plus == 0.0 => "a partner's effort exceeds its capacity".into(),
        Scope::Load {
            limit: LoadLimit::EffortAboveCapacity(plus),
            ..
        } => format!("a partner's effort exceeds its capacity by more than {plus}"),
        Scope::Unserved { .. } => "none of a partner's roles serves its motives".into(),
        Scope::Idle { .. } => "a partner of the line-up holds no role".into(),
        Scope::Unmet { .. } => "a partner does not hold a role".into(),
        Scope::Shared {
            at_least,
            same_sector: true,
            ..
        } => format!("{at_least} or more matching partners of one sector on one role"),
        Scope::Shared { at_least, .. } => {
            format!("{at_least} or more matching partners on one role")
        }
        Scope::Concentration {
            share_above,
            fair_roles,
        } if *fair_roles > 0 => format!(
            "one partner holds more than {} of the needed importance and more than its {fair_roles} most important needs",
            percent(*share_above)
        ),
        Scope::Concentration { share_above, .. } => format!(
            "one partner holds more than {} of the needed importance",
            percent(*share_above)
        ),
        Scope::Diversity { below } => format!("fewer than {below} sectors hold roles"),
        Scope::Uncovered { .. } => "a needed role is not covered".into(),
        Scope::Additionality { finding, .. } => match finding {
            Finding::Additional => "a funder's money is the only way a role it funds is covered",
            Finding::Substitutable => "another partner would cover a funded role, at a loss",
            Finding::CrowdingOut => "a funder's money for a role stands in for another partner's",
            Finding::CrowdingOutPublic => {
                "a funder's money for a role stands in for a government's own budget line"
            }
            Finding::Restricted => {
                "a condition of a funder's money keeps it from the partner holding the role"
            }
            Finding::Unused => "the line-up does not use a funder's money for a role",
            Finding::CoFunded => "several partners commit money to the same role",
        }
        .into(),
        Scope::Financing { finding, .. } => match finding {
            MoneyFinding::Underfinanced => "a role receives less money than its budget in a phase",
            MoneyFinding::NotHandedOver => {
                "money for a role stops after a phase and nobody finances it in the next"
            }
            MoneyFinding::Unused => "committed money reaches nobody holding its role",
            MoneyFinding::ConditionUnmet => "a commitment does not hold: its condition is unmet",
            MoneyFinding::ThroughAnotherFunder => {
                "a commitment's money flows only through another partner"
            }
        }
        .into(),
    }
}
