//! Wording: filling rule message templates and phrasing reasons.

use crate::kb::{Finding, KnowledgeBase, LoadLimit, Role, RoleIx, Scope};
use crate::model::{Assignment, Problem, Subject};
use crate::scenario::Partner;

/// What a flag is about, and the values its message template can use.
pub struct SubjectFields {
    pub partner: Option<String>,
    pub role: Option<String>,
    pub values: Vec<(&'static str, String)>,
}

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
        Subject::Shared { need, partners, .. } => {
            role = with_role(*need, &mut values);
            let n = partners.iter().filter(|&&i| a.holds[i][*need]).count();
            values.push(("value", n.to_string()));
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

/// "fit 0.84: regulatory_oversight 0.90 (stated) x 40%, legitimacy 0.90 (sector default) x 30%; lacks ..."
pub fn fit_reason(kb: &KnowledgeBase, partner: &Partner, role: &Role, fit: f64) -> String {
    let mut parts: Vec<(f64, String)> = role
        .needs
        .iter()
        .filter(|&&(cap, _)| partner.strength(cap) > 0.0)
        .map(|&(cap, w)| {
            let s = partner.strength(cap);
            let origin = if partner.is_stated(cap) {
                "stated"
            } else {
                "sector default"
            };
            (
                w * s,
                format!(
                    "{} {:.2} ({origin}) x {}",
                    kb.capability(cap).id,
                    s,
                    percent(w)
                ),
            )
        })
        .collect();
    parts.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let lacks: Vec<String> = role
        .needs
        .iter()
        .filter(|&&(cap, w)| partner.strength(cap) < 0.3 && w >= 0.15)
        .map(|&(cap, w)| format!("{} ({})", kb.capability(cap).id, percent(w)))
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
    let mut parts: Vec<(f64, &str)> = kb
        .role(role)
        .needs
        .iter()
        .map(|&(cap, w)| {
            (
                w * s.default_strength(cap),
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
        Scope::Shared { at_least, .. } => {
            format!("{at_least} or more matching partners on one role")
        }
        Scope::Concentration { share_above } => format!(
            "one partner holds more than {} of the needed importance",
            percent(*share_above)
        ),
        Scope::Diversity { below } => format!("fewer than {below} sectors hold roles"),
        Scope::Uncovered { .. } => "a needed role is not covered".into(),
        Scope::Additionality { finding, .. } => match finding {
            Finding::Additional => "a funder's money is the only way a role it funds is covered",
            Finding::Substitutable => "another partner would cover a funded role, at a loss",
            Finding::CrowdingOut => "a funder's money for a role stands in for another partner's",
            Finding::Unused => "the line-up does not use a funder's money for a role",
            Finding::CoFunded => "several partners commit money to the same role",
        }
        .into(),
    }
}
