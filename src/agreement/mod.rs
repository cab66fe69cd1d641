//! The roles-and-responsibilities annex of a memorandum of understanding, drawn from a solved
//! line-up, with the elements seed 001 lists for an MoU: the scope and its boundaries; each
//! role with who leads, supports, is consulted and is informed (a RACI chart); each partner's
//! commitments (roles, capacity, money); success measures per role from the partners' rewards
//! and the partnership's shared motives; the risks to watch, each with its review question;
//! and the review and renewal point.
//!
//! `build` gathers it as plain data; `report::agreement` formats it (Markdown, HTML). The annex states the
//! recommended line-up; it is a draft for the partners to negotiate, not a decision.

use crate::explain::{ConflictItem, Flag, Outcome};
use crate::kb::KnowledgeBase;
use crate::scenario::{LineUp, Scenario};
use crate::solve::Status;

/// A partner not in a role is consulted on it from this fit up: it knows the field.
pub const CONSULT_FIT: f64 = 0.6;

/// How the annex is drawn up: choices the solved line-up does not fix.
#[derive(Debug, Clone)]
pub struct Options {
    /// Months between reviews.
    pub review_months: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { review_months: 6 }
    }
}

/// The roles-and-responsibilities annex for one solved line-up, as plain data for the formatters.
#[derive(Debug, Clone)]
pub struct Agreement {
    /// Name of the scenario the line-up comes from.
    pub scenario: String,
    /// The variant solved, or `None` for the base line-up.
    pub variant: Option<String>,
    /// The scenario's own description: what the partnership sets out to do (the annex's scope).
    pub description: String,
    /// The scenario's context as key/value pairs (e.g. `phase`), shown with the scope.
    pub context: Vec<(String, String)>,
    /// Solver status of the line-up; an infeasible one has no accountable or responsible parties.
    pub status: Status,
    /// Every partner at the table, in the outcome's order; RACI letters follow this order.
    pub parties: Vec<Party>,
    /// The needed roles, in the scenario's order.
    pub roles: Vec<RoleTerms>,
    /// Roles no party takes: outside the agreement until a partner is found.
    pub gaps: Vec<GapTerms>,
    /// What each partner commits: its roles, capacity, effort and money.
    pub commitments: Vec<Commitment>,
    /// The outcome's flags as risks to watch, each with its review question.
    pub risks: Vec<Risk>,
    /// When the annex is reviewed, what brings a review forward, and how it is renewed.
    pub review: Review,
    /// For a line-up the demands cannot give: the demands that contradict each other.
    pub conflict: Vec<ConflictItem>,
    /// The outcome's notes, carried over unchanged.
    pub notes: Vec<String>,
}

/// A partner at the table, as the annex names it.
#[derive(Debug, Clone)]
pub struct Party {
    /// The partner's id in the scenario.
    pub id: String,
    /// The partner's display name.
    pub name: String,
    /// The partner's sector, as the outcome names it.
    pub sector: String,
}

/// RACI: who answers for a role, who works on it, who is asked, who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raci {
    /// Leads the role and answers for it (and does its work).
    Accountable,
    /// Supports the lead: does work on the role.
    Responsible,
    /// Asked before decisions on the role: it funds the role, or fits it from [`CONSULT_FIT`]
    /// up (it knows the field), and neither it nor a rule (forbidding or avoiding) keeps it out.
    Consulted,
    /// Kept informed: every other party.
    Informed,
}

impl Raci {
    /// The single letter shown for this relation in a RACI chart.
    pub fn letter(self) -> &'static str {
        match self {
            Raci::Accountable => "A",
            Raci::Responsible => "R",
            Raci::Consulted => "C",
            Raci::Informed => "I",
        }
    }

    /// Each relation with the sentence the legend under a RACI chart gives it.
    pub const LEGEND: [(Raci, &'static str); 4] = [
        (
            Raci::Accountable,
            "accountable: leads the role, answers for it and does its work",
        ),
        (
            Raci::Responsible,
            "responsible: supports the lead in the work",
        ),
        (
            Raci::Consulted,
            "consulted before decisions: funds the role, or fits it well, and neither it nor a rule keeps it out",
        ),
        (Raci::Informed, "informed of progress and decisions"),
    ];
}

/// A needed role with its RACI chart row and success measures.
#[derive(Debug, Clone)]
pub struct RoleTerms {
    /// The role's id in the knowledge base.
    pub id: String,
    /// The role's display name.
    pub name: String,
    /// The knowledge base's description of the role (empty if the role is unknown to it).
    pub description: String,
    /// How much the scenario weighs the role, from the outcome.
    pub importance: u32,
    /// One letter per party, in the order of `Agreement::parties`.
    pub raci: Vec<Raci>,
    /// How the partners will know the role succeeds.
    pub success: Vec<String>,
}

/// A needed role no party takes, with the solver's suggestion for filling it.
#[derive(Debug, Clone)]
pub struct GapTerms {
    /// The role's id.
    pub role: String,
    /// The role's display name.
    pub name: String,
    /// The outcome's recruiting suggestion for the role.
    pub suggestion: String,
}

/// One partner's commitments under the annex.
#[derive(Debug, Clone)]
pub struct Commitment {
    /// The partner's id in the scenario.
    pub partner: String,
    /// The partner's display name.
    pub name: String,
    /// The partner's sector.
    pub sector: String,
    /// Role names with "lead" or "support".
    pub roles: Vec<(String, bool)>,
    /// Most roles it takes.
    pub capacity: u32,
    /// Summed effort of its roles (1 = a typical role).
    pub effort: f64,
    /// Roles the partner commits money to (names).
    pub funds: Vec<String>,
}

/// A flag on the line-up, kept as a risk the partners watch.
#[derive(Debug, Clone)]
pub struct Risk {
    /// The flag as the outcome raised it (kind, severity, partner, role, rule and source).
    pub flag: Flag,
    /// The question the review asks about it.
    pub question: String,
}

/// When and how the partners review and renew the annex.
#[derive(Debug, Clone)]
pub struct Review {
    /// Months between scheduled reviews (from [`Options::review_months`]).
    pub months: u32,
    /// What brings a review forward.
    pub triggers: Vec<String>,
    /// The sentence on renewal at the end of the scenario's phase (or the current phase if none is
    /// given).
    pub renewal: String,
}

/// The annex for a solved line-up of `scenario`.
pub fn build(
    kb: &KnowledgeBase,
    scenario: &Scenario,
    l: &LineUp,
    o: &Outcome,
    opts: &Options,
) -> Agreement {
    let parties: Vec<Party> = o
        .partners
        .iter()
        .map(|p| Party {
            id: p.id.clone(),
            name: p.name.clone(),
            sector: p.sector.clone(),
        })
        .collect();
    let partner = |id: &str| l.partners.iter().find(|p| p.id == id);
    let name_of = |id: &str| {
        o.partners
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    // The motives at least two parties' sectors share: what the partnership is for.
    let sectors: Vec<_> = {
        let mut s: Vec<_> = l.partners.iter().map(|p| p.sector).collect();
        s.sort();
        s.dedup();
        s
    };
    let shared = |motive: &str| {
        sectors
            .iter()
            .filter(|&&s| kb.sector(s).motives.iter().any(|m| m.id == motive))
            .count()
            >= 2
    };
    let feasible = o.status != Status::Infeasible;
    let roles = o
        .roles
        .iter()
        .enumerate()
        .map(|(r, view)| {
            let role_ix = kb.role_by_id(&view.id);
            let role = role_ix.map(|ix| kb.role(ix));
            let raci = o
                .partners
                .iter()
                .enumerate()
                .map(|(p, party)| {
                    let c = &o.cells[p][r];
                    let funds = role_ix.is_some_and(|ix| {
                        partner(&party.id).is_some_and(|x| x.funds.contains(&ix))
                    });
                    if feasible && c.held && c.lead {
                        Raci::Accountable
                    } else if feasible && c.held {
                        Raci::Responsible
                    } else if !c.blocked && !c.avoided && (funds || c.fit >= CONSULT_FIT) {
                        Raci::Consulted
                    } else {
                        Raci::Informed
                    }
                })
                .collect();
            let mut success = Vec::new();
            let holders: Vec<&str> = o
                .assignments
                .iter()
                .filter(|a| a.role == view.id)
                .map(|a| a.partner.as_str())
                .collect();
            let mut seen_sectors = Vec::new();
            for h in &holders {
                let Some(p) = partner(h) else { continue };
                if seen_sectors.contains(&p.sector) {
                    continue;
                }
                seen_sectors.push(p.sector);
                let s = kb.sector(p.sector);
                let rewards: Vec<String> =
                    s.rewards.iter().map(|x| x.label.to_lowercase()).collect();
                if !rewards.is_empty() {
                    let who: Vec<String> = holders
                        .iter()
                        .filter(|h| partner(h).is_some_and(|q| q.sector == p.sector))
                        .map(|h| name_of(h))
                        .collect();
                    success.push(format!(
                        "for {} ({}), the role pays off in {} (Table 1, {} rewards)",
                        who.join(" and "),
                        s.name.to_lowercase(),
                        rewards.join(", "),
                        s.name.to_lowercase()
                    ));
                }
            }
            if let Some(role) = role {
                let motives: Vec<String> = role
                    .serves
                    .iter()
                    .map(|m| &kb.motives[m.index()])
                    .filter(|m| shared(&m.id))
                    .map(|m| m.label.to_lowercase())
                    .collect();
                if !motives.is_empty() {
                    success.push(format!(
                        "for the partnership, it advances the motives its partners share: {}",
                        motives.join(", ")
                    ));
                }
            }
            RoleTerms {
                id: view.id.clone(),
                name: view.name.clone(),
                description: role.map_or_else(String::new, |r| r.description.clone()),
                importance: view.importance,
                raci,
                success,
            }
        })
        .collect();
    let commitments = o
        .partners
        .iter()
        .map(|p| {
            let roles = o
                .assignments
                .iter()
                .filter(|a| a.partner == p.id)
                .map(|a| (a.role_name.clone(), a.lead))
                .collect();
            let funds = partner(&p.id)
                .map(|x| x.funds.iter().map(|r| kb.role(*r).name.clone()).collect())
                .unwrap_or_default();
            Commitment {
                partner: p.id.clone(),
                name: p.name.clone(),
                sector: p.sector.clone(),
                roles,
                capacity: p.capacity,
                // Rounded as every report's figures are: a partner with no role shows 0.0, not
                // the -0.0 a sum of offsetting terms can leave.
                effort: crate::explain::round(p.effort, 4),
                funds,
            }
        })
        .collect();
    let role_name = |id: &str| {
        o.roles
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_string(), |r| r.name.to_lowercase())
    };
    let risks = o
        .flags
        .iter()
        .map(|f| Risk {
            question: question(
                &f.kind,
                f.partner.as_deref().map(name_of).as_deref(),
                f.role.as_deref().map(role_name).as_deref(),
            ),
            flag: f.clone(),
        })
        .collect();
    let phase = scenario
        .context
        .iter()
        .find(|(k, _)| k == "phase")
        .map(|(_, v)| v.clone());
    let review = Review {
        months: opts.review_months,
        triggers: vec![
            "a partner joins or leaves, or cannot carry a role any more".into(),
            "a role changes hands, or one nobody covers is taken up".into(),
            "a high-severity risk to watch (above) is raised, or a new one appears".into(),
        ],
        renewal: match phase {
            Some(p) => format!(
                "At the end of the {p} phase the partners review every success measure and risk question, then renew, amend or end this annex."
            ),
            None => "At the end of the current phase the partners review every success measure and risk question, then renew, amend or end this annex.".into(),
        },
    };
    Agreement {
        scenario: scenario.name.clone(),
        variant: o.variant.clone(),
        description: scenario.description.clone(),
        context: scenario.context.clone(),
        status: o.status,
        parties,
        roles,
        gaps: o
            .uncovered
            .iter()
            .map(|g| GapTerms {
                role: g.role.clone(),
                name: g.role_name.clone(),
                suggestion: g.suggestion.clone(),
            })
            .collect(),
        commitments,
        risks,
        review,
        conflict: o.conflict.clone(),
        notes: o.notes.clone(),
    }
}

/// The question a review asks about a flag of this kind.
pub fn question(kind: &str, partner: Option<&str>, role: Option<&str>) -> String {
    let who = partner.unwrap_or("the partner concerned");
    let what = role.map_or_else(|| "its roles".to_string(), |r| r.to_string());
    match kind {
        "mission_drift" => format!(
            "Is {who} still working within its own mission in {what}, and would its members and funders recognise the role as theirs?"
        ),
        "role_mismatch" => format!(
            "Has {who} got the capabilities {what} needs (or the support to build them), or should another partner take it?"
        ),
        "conflict_of_interest" => format!(
            "How is the conflict of interest of {who} in {what} handled: disclosed, reviewed independently, or the role moved?"
        ),
        "overload" => format!(
            "Can {who} carry its roles with the staff and budget it has, or should one of them move?"
        ),
        "unmet_motive" | "unmet_preference" => format!(
            "What does {who} get out of the partnership now, and what would keep it committed?"
        ),
        "idle_partner" => {
            format!("What does {who} contribute, and does it want a role at the next review?")
        }
        "concentration" | "dependency" | "continuity_risk" => {
            format!("What happens if {who} steps back: who else could take over {what}?")
        }
        "uncovered_role" => format!("Who will take {what}: has a partner been found?"),
        "additionality" => format!(
            "Is the money of {who} still additional, or does it crowd out other funding of {what}?"
        ),
        "financial_risk" | "sustainability_risk" | "sustainability" => {
            format!("Is the funding of {what} secured beyond the current phase?")
        }
        "unfinanced" | "underfinanced" => format!(
            "Who puts the missing money into {what}, by when, and what is cut if nobody does?"
        ),
        "unused_money" => format!(
            "Where does the money committed to {what} go if nobody at the table can use it there?"
        ),
        "conditional_money" => format!(
            "Do the conditions on the money for {what} still hold, and who checks them before each payment?"
        ),
        "data_privacy" => {
            format!("How are the data {who} handles in {what} protected, and who may use them?")
        }
        "reputational_risk" => format!(
            "Could {who}'s part in {what} harm any partner's reputation, and how is that watched?"
        ),
        "logic_clash" => format!(
            "Do the partners in {what} agree on how decisions are made and how success is measured?"
        ),
        "low_diversity" => {
            "Does the partnership still bring together enough sectors for what it needs?"
                .to_string()
        }
        "coordination" => format!(
            "Have the partners sharing {what} agreed who does what, where, and how they report?"
        ),
        "publication_rights" => format!(
            "Has {who} agreed with the others how and when it publishes the results of {what}, favourable or not?"
        ),
        "unmet_reward" => format!(
            "Who pays for the work of {who} in {what}, and is that agreed beyond its own budget?"
        ),
        "visibility_risk" => format!(
            "How are the results of {what} communicated, good or bad, so that {who} can stand behind them?"
        ),
        "conflict" => "Which of the contradicting demands do the partners relax?".to_string(),
        other => format!(
            "Is the risk flagged as {other} for {who} in {what} under control, and what has changed since the last review?"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Document;
    use crate::source::Source;

    fn dakar(variant: Option<&str>) -> Agreement {
        let kb = crate::default_knowledge_base().unwrap();
        let text = include_str!("../../scenarios/cardio4cities-dakar.ron");
        let doc = Document::parse(Source::new("dakar.ron", text));
        let scenario = crate::validate_scenario(&kb, &doc).unwrap();
        let l = match variant {
            Some(v) => scenario.line_up(scenario.variant(v).unwrap()),
            None => scenario.base(),
        };
        let o = crate::solve_line_up(&kb, &l, &Default::default()).unwrap();
        build(&kb, &scenario, &l, &o, &Options::default())
    }

    #[test]
    fn every_covered_role_has_one_accountable_party_and_gaps_have_none() {
        let a = dakar(Some("without the foundation"));
        assert!(!a.gaps.is_empty(), "catalytic funding is left uncovered");
        for r in &a.roles {
            let accountable = r.raci.iter().filter(|x| **x == Raci::Accountable).count();
            let gap = a.gaps.iter().any(|g| g.role == r.id);
            assert_eq!(accountable, usize::from(!gap), "{}", r.id);
            assert_eq!(r.raci.len(), a.parties.len());
        }
    }

    #[test]
    fn partners_who_know_the_field_or_fund_the_role_are_consulted_unless_kept_out() {
        let kb = crate::default_knowledge_base().unwrap();
        let text = include_str!("../../scenarios/cardio4cities-dakar.ron");
        let doc = Document::parse(Source::new("dakar.ron", text));
        let scenario = crate::validate_scenario(&kb, &doc).unwrap();
        let l = scenario.base();
        let o = crate::solve_line_up(&kb, &l, &Default::default()).unwrap();
        let a = build(&kb, &scenario, &l, &o, &Options::default());
        let mut consulted = 0;
        for (r, role) in a.roles.iter().enumerate() {
            for (p, x) in role.raci.iter().enumerate() {
                let c = &o.cells[p][r];
                let funds = l.partners[p]
                    .funds
                    .contains(&kb.role_by_id(&role.id).unwrap());
                let expected = if c.held && c.lead {
                    Raci::Accountable
                } else if c.held {
                    Raci::Responsible
                } else if !c.blocked && !c.avoided && (funds || c.fit >= CONSULT_FIT) {
                    Raci::Consulted
                } else {
                    Raci::Informed
                };
                assert_eq!(*x, expected, "{} in {}", a.parties[p].id, role.id);
                consulted += usize::from(*x == Raci::Consulted);
            }
        }
        assert!(consulted > 0, "someone is consulted in Dakar");
        let foundation = a.parties.iter().position(|p| p.id == "foundation").unwrap();
        let evaluation = a
            .roles
            .iter()
            .find(|r| r.id == "independent_evaluation")
            .unwrap();
        assert_eq!(
            evaluation.raci[foundation],
            Raci::Informed,
            "a funder does not review its own grant"
        );
    }

    #[test]
    fn commitments_success_measures_risks_and_review_are_drawn_from_the_line_up() {
        let a = dakar(None);
        let msas = a.commitments.iter().find(|c| c.partner == "msas").unwrap();
        assert_eq!(msas.funds, ["Public financing"]);
        assert!(msas.roles.contains(&("Policy framework".to_string(), true)));
        let service = a.roles.iter().find(|r| r.id == "service_delivery").unwrap();
        assert!(
            service
                .success
                .iter()
                .any(|s| s.contains("public perception")),
            "government rewards: {:?}",
            service.success
        );
        assert!(
            service
                .success
                .iter()
                .any(|s| s.contains("motives its partners share"))
        );
        assert!(!a.risks.is_empty());
        assert!(a.risks.iter().all(|r| r.question.ends_with('?')));
        assert!(
            a.review.renewal.contains("pilot phase"),
            "{}",
            a.review.renewal
        );
    }

    #[test]
    fn every_flag_kind_of_the_rules_gets_its_own_question() {
        let kb = crate::default_knowledge_base().unwrap();
        let generic = question("no_such_kind", Some("X"), Some("y"));
        let mut kinds: Vec<&str> = kb
            .rules
            .iter()
            .filter_map(|r| r.effect.flag.as_ref().map(|f| f.kind.as_str()))
            .collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let q = question(kind, Some("X"), Some("y"));
            assert_ne!(
                q.replace(kind, "no_such_kind"),
                generic,
                "{kind} has no question of its own"
            );
        }
    }
}
