//! The flags of an additionality analysis: the `Additionality` rules judging each commitment's
//! finding, and the line-up's own flags about the funder and the money of its roles.

use crate::explain::text::SubjectFields;
use crate::explain::{Flag, Outcome};
use crate::kb::{Finding, RoleIx, Scope};
use crate::model::{Problem, matches};

/// What a flag of a finding is about, and the numbers its message can show.
pub(super) struct Subject<'a> {
    /// The funder (canonical partner index).
    pub funder: usize,
    /// The need its money goes to, if the line-up needs the role.
    pub need: Option<usize>,
    pub role: RoleIx,
    pub finding: Finding,
    /// The other partners concerned (the other funders, the holder its money cannot reach).
    pub other: &'a str,
    /// The finding's number: the value the role loses without the money (points), or the
    /// number of funders for `co_funded`.
    pub value: &'a str,
    /// The money concerned: the overlapping amount, the amount restricted.
    pub amount: &'a str,
}

/// Flags of the `Additionality` rules that match a finding.
pub(super) fn finding_flags(p: &Problem, s: &Subject) -> Vec<Flag> {
    let kb = p.kb;
    kb.rules
        .iter()
        .filter_map(|rule| {
            let Scope::Additionality { finding, who } = &rule.scope else {
                return None;
            };
            if *finding != s.finding || !matches(p, who, Some(s.funder), s.need) {
                return None;
            }
            let spec = rule.effect.flag.as_ref()?;
            let fields = fields(p, s);
            Some(Flag::raised(kb, rule, spec, &fields))
        })
        .collect()
}

fn fields(p: &Problem, s: &Subject) -> SubjectFields {
    let kb = p.kb;
    let x = &p.partners[s.funder];
    let role = kb.role(s.role);
    SubjectFields {
        partner: Some(x.id.clone()),
        role: Some(role.id.clone()),
        values: vec![
            ("partner", x.id.clone()),
            ("partner_name", x.name.clone()),
            ("sector", kb.sector(x.sector).name.to_lowercase()),
            ("role", role.id.clone()),
            ("role_name", role.name.to_lowercase()),
            ("value", s.value.to_string()),
            ("other_partner", s.other.to_string()),
            ("amount", s.amount.to_string()),
        ],
    }
}

/// Kinds of the line-up's flags about money (`rules/money.ron`, and the funders' `Shared`
/// rule): carried into the analysis when they concern a role the funder puts money into.
const MONEY_KINDS: [&str; 6] = [
    "additionality",
    "unfinanced",
    "underfinanced",
    "sustainability",
    "unused_money",
    "conditional_money",
];

/// The line-up's own flags about the funder, or about the money of the roles it finances.
pub(super) fn carried(with: &Outcome, funder: &str, roles: &[String]) -> Vec<Flag> {
    with.flags
        .iter()
        .filter(|f| {
            f.partner.as_deref() == Some(funder)
                || (MONEY_KINDS.contains(&f.kind.as_str())
                    && f.role
                        .as_deref()
                        .is_some_and(|r| roles.iter().any(|x| x == r)))
        })
        .cloned()
        .collect()
}
