//! Dialogue briefs: for each partner, the framework's four guiding questions (seed 002:
//! motivation, competencies, risks, success) answered from its sector's Table 1 profile, its own
//! data in the scenario, and the recommended line-up.
//!
//! A facilitator hands each organisation its page before the workshop, so that partners come
//! knowing what drives the others, what each brings, and where the line-up puts strain on them.
//! [`build()`] gathers the answers as plain data from the [`Problem`](crate::model::Problem) and its explained
//! [`Outcome`]; `report::brief` formats them (Markdown, HTML).

mod build;

pub use build::build;

use crate::explain::{Avoided, ConflictItem, Flag, Outcome};
use crate::kb::KnowledgeBase;
use crate::robust::{CloseCall, Held, Robustness};
use crate::scenario::LineUp;
use crate::solve::Status;

/// What a brief is, at its top.
pub const INTRO: &str = "One page per partner, answering the four guiding questions of the framework (seed 002) \
    from its sector's profile (Table 1, for the framework's five sectors), its own data in the scenario \
    and the recommended line-up.";

/// The four guiding questions of the framework (seed 002), in the brief's words.
pub const QUESTIONS: [&str; 4] = [
    "Motivation: why would it join?",
    "Competencies: what does it bring, and what do others bring that it lacks?",
    "Risks: what could go wrong for it in this line-up?",
    "Success: how will it judge the partnership, and how do its partners?",
];

/// Capabilities below this strength are what a partner lacks for a role.
pub const WEAK: f64 = 0.5;
/// Needs lighter than this share of a role are not worth a conversation.
pub const MATTERS: f64 = 0.15;
/// How many strongest capabilities a page lists.
pub const STRENGTHS: usize = 6;
/// How many of the roles others hold a page lists as what they bring.
pub const COMPLEMENTS: usize = 4;
/// How many other roles a partner could take a page lists.
pub const ALTERNATIVES: usize = 3;

/// The briefs of one line-up, partners in the scenario's order.
#[derive(Debug, Clone)]
pub struct Brief {
    /// Name of the scenario the line-up comes from.
    pub scenario: String,
    /// The variant solved, or `None` for the base line-up.
    pub variant: Option<String>,
    /// Solver status of the line-up.
    pub status: Status,
    /// The objective the line-up reaches.
    pub objective: f64,
    /// Importance-weighted share of the needed roles covered, from 0 to 1.
    pub coverage: f64,
    /// The outcome's notes, carried over unchanged.
    pub notes: Vec<String>,
    /// When no line-up exists: the demands that cannot all hold.
    pub conflict: Vec<ConflictItem>,
    /// How robust the line-up's roles are, when it was assessed.
    pub robustness: Option<Robustness>,
    /// Everyone at the table and their roles, for the overview.
    pub line_up: Vec<Member>,
    /// One page per partner (all of them, unless [`Brief::retain`] picked some).
    pub partners: Vec<PartnerBrief>,
}

/// One partner in the overview of the line-up.
#[derive(Debug, Clone)]
pub struct Member {
    /// The partner's id in the scenario.
    pub id: String,
    /// The partner's display name.
    pub name: String,
    /// The display name of the partner's sector.
    pub sector_name: String,
    /// The roles it holds in the line-up, in the scenario's order of needs.
    pub roles: Vec<HeldRole>,
}

/// One partner's page: its roles and the four guiding questions answered for it.
#[derive(Debug, Clone)]
pub struct PartnerBrief {
    /// The partner's id in the scenario.
    pub id: String,
    /// The partner's display name.
    pub name: String,
    /// The id of the partner's sector in the knowledge base.
    pub sector: String,
    /// The display name of the partner's sector.
    pub sector_name: String,
    /// Most roles the partner takes.
    pub capacity: u32,
    /// Its roles in the recommended line-up, in the scenario's order of needs.
    pub roles: Vec<HeldRole>,
    /// How firmly it holds them, when robustness was assessed.
    pub firmness: Option<Firmness>,
    /// Question 1: why it would join.
    pub motivation: Motivation,
    /// Question 2: what it brings and what it lacks.
    pub competencies: Competencies,
    /// Question 3: what could go wrong for it in this line-up.
    pub risks: Risks,
    /// Question 4: how it and its partners judge success.
    pub success: Success,
}

/// A role a partner holds in the line-up, and how.
#[derive(Debug, Clone)]
pub struct HeldRole {
    /// The role's id.
    pub role: String,
    /// The role's display name.
    pub role_name: String,
    /// Whether the partner leads the role (else it supports the lead).
    pub lead: bool,
    /// Whether a pin in the scenario put the partner in the role.
    pub pinned: bool,
    /// How well the partner fits the role, from 0 to 1.
    pub fit: f64,
}

impl HeldRole {
    /// How it holds the role: "lead, pinned, fit 0.85".
    pub fn how(&self) -> String {
        let mut how = vec![if self.lead { "lead" } else { "support" }.to_string()];
        if self.pinned {
            how.push("pinned".into());
        }
        how.push(format!("fit {:.2}", self.fit));
        how.join(", ")
    }
}

/// How firmly a partner holds its roles, and the close calls that concern it: what a partner
/// should know before the workshop settles who does what.
#[derive(Debug, Clone)]
pub struct Firmness {
    /// The assessment of each of its roles, with the role's name, in the scenario's order.
    pub roles: Vec<(String, Held)>,
    /// Close calls on its own roles.
    pub close_calls: Vec<CloseCall>,
    /// Close calls on others' roles that could go its way: it is the runner-up, or holds the
    /// role most often in the samples where the holder does not.
    pub could_win: Vec<CloseCall>,
}

/// Question 1: why it would join. Its sector's motives, and which of its roles serve each.
#[derive(Debug, Clone)]
pub struct Motivation {
    /// The Table 1 cell the motives come from, e.g. "Table 1, government, motives for collaboration".
    pub source: String,
    /// Its sector's motives, each with the roles that serve it and who shares it.
    pub motives: Vec<Motive>,
    /// The roles the partner itself asked for (`wants`), and whether the line-up gives them.
    pub wishes: Vec<Wish>,
}

/// A role the partner asked for.
#[derive(Debug, Clone)]
pub struct Wish {
    /// The role's id.
    pub role: String,
    /// The role's display name.
    pub role_name: String,
    /// Whether the partner holds the role in the line-up.
    pub held: bool,
    /// Who holds it instead (names), when the partner does not.
    pub others: Vec<String>,
}

/// One of the sector's motives for collaboration, and where it meets the line-up.
#[derive(Debug, Clone)]
pub struct Motive {
    /// The motive's id in the knowledge base.
    pub id: String,
    /// The motive's label, as Table 1 words it.
    pub label: String,
    /// Names of its roles in the line-up that serve the motive.
    pub served_by: Vec<String>,
    /// Partners of other sectors sharing the motive: common ground for the dialogue.
    pub shared_with: Vec<String>,
}

/// Question 2: what it brings, and what it lacks that others supply.
#[derive(Debug, Clone)]
pub struct Competencies {
    /// The Table 1 cell of its sector's comparative advantages.
    pub source: String,
    /// Its strongest capabilities, best first.
    pub strengths: Vec<Strength>,
    /// Capabilities the scenario states well below its sector's typical strength.
    pub below_profile: Vec<Strength>,
    /// Needs of its roles it is weak in, and who covers them.
    pub lacks: Vec<Lack>,
    /// Roles others hold that it could not fill well: what they bring to the table.
    pub others_bring: Vec<Complement>,
    /// Roles it does not hold but fits well.
    pub could_also: Vec<Alternative>,
    /// Roles it was given on strengths it does not state: the questions to ask it.
    pub to_confirm: Vec<String>,
}

/// A capability of the partner, with its strength and where the value comes from.
#[derive(Debug, Clone)]
pub struct Strength {
    /// The capability's id.
    pub capability: String,
    /// The capability's label.
    pub label: String,
    /// The strength the solver uses, from 0 to 1 (stated, else the assumed default).
    pub value: f64,
    /// Stated in the scenario (otherwise an assumed default of its organisation type or sector,
    /// which counts at the knowledge base's assumed weight).
    pub stated: bool,
    /// What its organisation type, else its sector, would assume.
    pub default: f64,
    /// One of its sector's comparative advantages in Table 1.
    pub advantage: bool,
}

/// A capability one of the partner's roles needs and the partner is weak in.
#[derive(Debug, Clone)]
pub struct Lack {
    /// The display name of the role needing it.
    pub role_name: String,
    /// The capability's id.
    pub capability: String,
    /// The capability's label.
    pub label: String,
    /// Share of the role's needs.
    pub weight: f64,
    /// The partner's own strength in it, related capabilities counted, from 0 to 1.
    pub strength: f64,
    /// The strongest other partner who covers it, one in the same role first.
    pub covered_by: Option<Cover>,
    /// When nobody in the line-up is strong in it: the sector to recruit from.
    pub recruit: Option<String>,
}

/// Another partner strong in a capability this partner lacks.
#[derive(Debug, Clone)]
pub struct Cover {
    /// That partner's id.
    pub partner: String,
    /// That partner's display name.
    pub partner_name: String,
    /// Its strength in the capability, from 0 to 1.
    pub strength: f64,
    /// It holds the same role, so the two work side by side.
    pub same_role: bool,
}

/// A role another partner holds that this one would fill much less well.
#[derive(Debug, Clone)]
pub struct Complement {
    /// The role's display name.
    pub role_name: String,
    /// How much the scenario weighs the role.
    pub importance: u32,
    /// The holder's id (the lead, when several hold it).
    pub holder: String,
    /// The holder's display name.
    pub holder_name: String,
    /// How well the holder fits the role, from 0 to 1.
    pub holder_fit: f64,
    /// How well this partner would fit it, from 0 to 1.
    pub own_fit: f64,
}

/// A role the partner does not hold but is open to it and fits it well.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// The role's display name.
    pub role_name: String,
    /// How well the partner fits the role, from 0 to 1.
    pub fit: f64,
    /// Who holds it now.
    pub holders: Vec<String>,
}

/// Question 3: its risks in this line-up.
#[derive(Debug, Clone)]
pub struct Risks {
    /// Flags raised on it, with their rule and source.
    pub flags: Vec<Flag>,
    /// Roles a rule kept it out of.
    pub avoided: Vec<Avoided>,
    /// The Table 1 cell of its sector's collaboration risks.
    pub source: String,
    /// Its sector's collaboration risks in Table 1, with the rules that encode them.
    pub sector_risks: Vec<SectorRisk>,
}

/// One of the sector's collaboration risks in Table 1, and what it means in this line-up.
#[derive(Debug, Clone)]
pub struct SectorRisk {
    /// The risk's id in the knowledge base.
    pub id: String,
    /// The risk's label, as Table 1 words it.
    pub label: String,
    /// The rules that encode the risk.
    pub rules: Vec<RuleRef>,
    /// Rules of the risk raised on it in this line-up.
    pub raised: Vec<String>,
    /// Roles a rule of the risk kept it out of.
    pub avoided: Vec<String>,
}

/// A rule of the knowledge base, cited by id.
#[derive(Debug, Clone)]
pub struct RuleRef {
    /// The rule's id.
    pub id: String,
    /// What the rule says, in words.
    pub description: String,
}

/// Question 4: how it measures success, and how its partners do.
#[derive(Debug, Clone)]
pub struct Success {
    /// The Table 1 cell of its sector's important rewards.
    pub source: String,
    /// Its sector's important rewards in Table 1 (labels).
    pub rewards: Vec<String>,
    /// The other sectors at the table, in the order their partners appear.
    pub others: Vec<OtherSector>,
}

/// Another sector at the table and what its partners count as reward.
#[derive(Debug, Clone)]
pub struct OtherSector {
    /// The sector's display name.
    pub sector_name: String,
    /// Ids of the partners from that sector, in the scenario's order.
    pub partners: Vec<String>,
    /// That sector's important rewards in Table 1 (labels).
    pub rewards: Vec<String>,
}

/// The briefs of a line-up: solved, assessed for robustness (unless `robustness` turns it
/// off), explained, then gathered.
pub fn brief_line_up(
    kb: &KnowledgeBase,
    line_up: &LineUp,
    opts: &crate::solve::Options,
    robustness: &crate::robust::Settings,
) -> Result<Brief, crate::Error> {
    let (problem, solved, assessed) = crate::solve_assessed(kb, line_up, opts, robustness)?;
    let outcome: Outcome = crate::explain_assessed(&problem, &solved, assessed, robustness);
    Ok(build(&problem, &outcome))
}

impl Brief {
    /// Keeps only the given partners' pages (for handing each organisation its own); the
    /// overview still shows the whole line-up.
    pub fn retain(&mut self, ids: &[String]) {
        self.partners.retain(|p| ids.contains(&p.id));
    }
}

/// The brief's line on the roles a partner asked for: which it holds, which go to others, and
/// what to do about the rest (seed 003: listen to understand).
pub fn wishes_line(wishes: &[Wish], solved: bool) -> String {
    let parts: Vec<String> = wishes
        .iter()
        .map(|w| match (solved, w.held, w.others.is_empty()) {
            (false, ..) => w.role_name.to_lowercase(),
            (true, true, _) => format!("{} (it holds it)", w.role_name.to_lowercase()),
            (true, false, true) => format!("{} (nobody holds it)", w.role_name.to_lowercase()),
            (true, false, false) => format!(
                "{} (held by {})",
                w.role_name.to_lowercase(),
                w.others.join(" and ")
            ),
        })
        .collect();
    let unmet = solved && wishes.iter().any(|w| !w.held);
    format!(
        "It asked for: {}.{}",
        parts.join("; "),
        if unmet {
            " Listen to why it wants them, explain what the line-up gives it instead, and whether a change would keep every partner within its logic."
        } else {
            ""
        }
    )
}
