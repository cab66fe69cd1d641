//! The knowledge base: sector profiles (Table 1), capabilities, the role catalogue, and rules.
//!
//! Everything here is validated: every name is resolved to an index, every rule's test is
//! known to make sense in its scope, every source cell exists. Later stages never see raw text.

mod build;
mod doc;
mod embedded;

pub use build::{LIMITS, Limits, load_rules};

/// The top-level document names a rule file may hold.
pub fn doc_kinds() -> &'static [&'static str] {
    &doc::DOCUMENTS
}
pub use embedded::{DEFAULT_RULE_FILES, default_documents, default_sources};

use std::fmt;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            /// The index into its list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// A sector of [`KnowledgeBase::sectors`].
    SectorIx
);
index_type!(
    /// A capability of [`KnowledgeBase::capabilities`].
    CapIx
);
index_type!(
    /// A role of [`KnowledgeBase::roles`].
    RoleIx
);
index_type!(
    /// A trait of [`KnowledgeBase::traits`].
    TraitIx
);
index_type!(
    /// An attribute of [`KnowledgeBase::attributes`].
    AttrIx
);
index_type!(
    /// A motive of [`KnowledgeBase::motives`].
    MotiveIx
);
index_type!(
    /// A rule of [`KnowledgeBase::rules`].
    RuleIx
);
index_type!(
    /// An organisation type of [`KnowledgeBase::types`].
    TypeIx
);

#[derive(Debug, Clone)]
/// The validated rules and vocabulary: every name resolved to an index, so the model and the
/// explanations never look a name up.
pub struct KnowledgeBase {
    /// The five sectors of Table 1, and any added.
    pub sectors: Vec<Sector>,
    /// The capabilities (Table 1's advantages).
    pub capabilities: Vec<Capability>,
    /// The motives sectors have for partnering.
    pub motives: Vec<Term>,
    /// The roles.
    pub roles: Vec<Role>,
    /// Traits roles may have.
    pub traits: Vec<Term>,
    /// Attributes partners may have (e.g. `small_organisation`).
    pub attributes: Vec<Term>,
    /// The rules, later files overriding earlier ones by id.
    pub rules: Vec<Rule>,
    /// Numbers that are policy (fit floor, weights), not code.
    pub settings: Settings,
    /// Organisation types under the sectors (a ministry, a start-up, a foundation...).
    pub types: Vec<OrgType>,
    /// Near-synonyms across Table 1's columns.
    pub relations: Vec<Relation>,
    /// `related[c]`: the capabilities related to capability `c`, with the credit a strength in
    /// them earns toward `c` and the relation that says so; built from `relations`.
    pub related: Vec<Vec<Related>>,
}

/// An organisation type: a kind of member of a sector whose typical strengths differ from the
/// sector's (a regional health authority runs clinics but passes no laws).
#[derive(Debug, Clone)]
pub struct OrgType {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The sector it belongs to.
    pub sector: SectorIx,
    /// What it is, in prose.
    pub description: String,
    /// Strengths that replace the sector's default (any capability, of any column).
    pub strengths: Vec<(CapIx, f64)>,
    /// The file that defined the type.
    pub origin: String,
}

impl OrgType {
    /// The type's own strength in a capability, when it sets one.
    pub fn strength(&self, cap: CapIx) -> Option<f64> {
        self.strengths
            .iter()
            .find(|(c, _)| *c == cap)
            .map(|&(_, s)| s)
    }
}

/// Labels of Table 1 that name one concept in different columns ("Interagency coordination",
/// a government advantage, and the coordination a programme needs): a partner's strength under
/// one label counts, at `credit`, toward a role that needs another.
#[derive(Debug, Clone)]
pub struct Relation {
    /// Two or more capabilities, each the label of some sector's column.
    pub capabilities: Vec<CapIx>,
    /// Only the first capability counts toward the others (a government's healthcare
    /// infrastructure is implementation capacity; an NGO's implementation capacity is not
    /// healthcare infrastructure). Otherwise each counts toward every other.
    pub directed: bool,
    /// The share of a strength that counts toward the related capability (0 < credit <= 1).
    pub credit: f64,
    /// Why the labels name the same concept.
    pub note: String,
    /// The file that defined it.
    pub origin: String,
}

/// What a need of a role is credited for one organisation, and on what basis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Credit {
    /// The credit (0..=1).
    pub value: f64,
    /// On what it rests.
    pub basis: Basis,
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// On what a credit rests.
pub enum Basis {
    /// The organisation states its strength in the capability.
    Stated,
    /// Its sector's (or organisation type's) default, discounted.
    Assumed,
    /// A related capability's strength (stated or assumed), times the relation's credit.
    Related {
        /// The related capability.
        via: CapIx,
        /// The relation's credit.
        credit: f64,
        /// Whether that strength is stated.
        stated: bool,
        /// The relation (an index into [`KnowledgeBase::relations`]).
        relation: usize,
    },
}

impl Basis {
    /// Whether the credit rests on a stated strength (directly or through a relation).
    pub fn is_stated(self) -> bool {
        matches!(self, Basis::Stated | Basis::Related { stated: true, .. })
    }
}

/// One entry of [`KnowledgeBase::related`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Related {
    /// The related capability.
    pub capability: CapIx,
    /// The share of a strength that counts toward it.
    pub credit: f64,
    /// The relation (an index into [`KnowledgeBase::relations`]).
    pub relation: usize,
}

/// A named id with a description, for traits, attributes and motives.
#[derive(Debug, Clone)]
pub struct Term {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// For an attribute: sectors to which a partner with it never puts money (its statutes
    /// bar it), whatever its commitments say.
    pub never_to: Vec<SectorIx>,
}

/// One row of Table 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Row {
    /// Motives for partnering.
    Motives,
    /// Comparative advantages.
    Advantages,
    /// Rewards of collaboration.
    Rewards,
    /// Risks of collaboration.
    Risks,
}

impl Row {
    /// Every row, in Table 1's order.
    pub const ALL: [Row; 4] = [Row::Motives, Row::Advantages, Row::Rewards, Row::Risks];

    /// The row's title as Table 1 words it.
    pub fn title(self) -> &'static str {
        match self {
            Row::Motives => "motives for collaboration",
            Row::Advantages => "comparative advantage",
            Row::Rewards => "important rewards",
            Row::Risks => "collaboration risks",
        }
    }

    /// The field name in rule files and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Row::Motives => "motives",
            Row::Advantages => "advantages",
            Row::Rewards => "rewards",
            Row::Risks => "risks",
        }
    }
}

/// One cell entry of Table 1: a motive, advantage, reward or risk of a sector.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Why no role or rule uses the cell: it informs the briefs, not the line-up.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
/// A sector's profile: one column of Table 1.
pub struct Sector {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where the profile comes from, e.g. "Table 1"; a locally added sector names its own source.
    pub table: String,
    /// Its motives (Table 1).
    pub motives: Vec<Item>,
    /// Comparative advantages, each a capability with the strength a typical member has.
    pub advantages: Vec<Advantage>,
    /// Its rewards of collaboration (Table 1).
    pub rewards: Vec<Item>,
    /// Its risks of collaboration (Table 1).
    pub risks: Vec<Item>,
    /// The file that defined the profile.
    pub origin: String,
}

#[derive(Debug, Clone)]
/// A comparative advantage of a sector: a capability and how strong a typical member is in it.
pub struct Advantage {
    /// The capability.
    pub capability: CapIx,
    /// The label Table 1 uses.
    pub label: String,
    /// A typical member's strength in it (0..=1).
    pub strength: f64,
    /// Why no role needs the capability, when none does.
    pub note: Option<String>,
}

impl Sector {
    /// The entries of one row of the sector's profile.
    pub fn items(&self, row: Row) -> Vec<&Item> {
        match row {
            Row::Motives => self.motives.iter().collect(),
            Row::Rewards => self.rewards.iter().collect(),
            Row::Risks => self.risks.iter().collect(),
            Row::Advantages => Vec::new(),
        }
    }

    /// The sector's default strength in a capability (0 when it is not one of its advantages).
    pub fn default_strength(&self, cap: CapIx) -> f64 {
        self.advantages
            .iter()
            .find(|a| a.capability == cap)
            .map_or(0.0, |a| a.strength)
    }
}

#[derive(Debug, Clone)]
/// A capability: a comparative advantage of some sector, needed by roles.
pub struct Capability {
    /// Its id.
    pub id: String,
    /// The label Table 1 uses.
    pub label: String,
}

#[derive(Debug, Clone)]
/// A role a partnership may need, and the capabilities it takes.
pub struct Role {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What the role involves, in prose.
    pub description: String,
    /// Capabilities the role needs, with weights normalised to sum to 1.
    pub needs: Vec<(CapIx, f64)>,
    /// Traits rules test (e.g. `implementation`, `funding`).
    pub traits: Vec<TraitIx>,
    /// Motives the role serves: a partner holding it has a reason to be in the partnership.
    pub serves: Vec<MotiveIx>,
    /// Relative workload (1 = a typical role); a partner's load is the sum over its roles.
    pub effort: f64,
}

impl Role {
    /// Whether the role has the trait.
    pub fn has_trait(&self, t: TraitIx) -> bool {
        self.traits.contains(&t)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
/// How serious a flag is; ordered, lowest first.
pub enum Severity {
    /// For information.
    Info,
    /// Worth a look.
    Low,
    /// Worth raising in the workshop.
    Medium,
    /// A logic breach the line-up must not hide.
    High,
}

impl Severity {
    /// The words, lowest first.
    pub const NAMES: [&'static str; 4] = ["info", "low", "medium", "high"];

    /// The word used in rule files and JSON.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The severity of its word.
    pub fn from_name(name: &str) -> Option<Severity> {
        [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone)]
/// A rule of institutional logic (or of fit, or of money): what it watches, what it does, and
/// where it comes from.
pub struct Rule {
    /// Its id.
    pub id: String,
    /// What it says, in prose.
    pub description: String,
    /// What it encodes.
    pub source: RuleSource,
    /// What it watches.
    pub scope: Scope,
    /// What it does.
    pub effect: Effect,
    /// The file that defined it (a later file may override a rule by id).
    pub origin: String,
}

impl Rule {
    /// A rule about a partner's own wishes (its condition reads `Wants`), which must weigh
    /// less than every rule about institutional logic.
    pub fn about_wishes(&self) -> bool {
        match &self.scope {
            Scope::Holds { who, .. } | Scope::Unmet { who } | Scope::Shared { who, .. } => {
                who.reads_wants()
            }
            Scope::Pair { first, second } => first.reads_wants() || second.reads_wants(),
            _ => false,
        }
    }

    /// A rule about how well a partner fits a role (the fit floor), rather than about its
    /// institutional logic.
    pub fn about_fit(&self) -> bool {
        match &self.scope {
            Scope::Holds { who, .. } => who.reads_fit(),
            Scope::Pair { first, second } => first.reads_fit() || second.reads_fit(),
            _ => false,
        }
    }
}

/// What a rule encodes: a cell of a sector profile, or a passage of the framework's text.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleSource {
    /// A cell of Table 1.
    Cell {
        /// The sector.
        sector: SectorIx,
        /// The row.
        row: Row,
        /// The entry's id.
        item: String,
    },
    /// A passage of the framework's text, quoted or cited.
    Text(String),
}

/// A condition on a partner, a role, or a partner in a role. Which facts a test may use depends
/// on the rule's scope (checked when the knowledge base is built).
#[derive(Debug, Clone)]
pub enum Test {
    /// Every test holds.
    All(Vec<Test>),
    /// Any of the tests holds.
    Either(Vec<Test>),
    /// The test fails.
    Not(Box<Test>),
    /// The partner is of this sector.
    Sector(SectorIx),
    /// The partner has this attribute.
    Attribute(AttrIx),
    /// The partner's strength in a capability lies in the range.
    Capability {
        /// The capability.
        cap: CapIx,
        /// The range.
        range: Range,
    },
    /// The role is this one.
    Role(RoleIx),
    /// The role has this trait.
    Trait(TraitIx),
    /// The role's importance lies in the range.
    Importance(Range),
    /// The partner's fit to the role lies in the range.
    Fit(Range),
    /// The partner's fit to the role is below [`Settings::fit_floor`].
    BelowFitFloor,
    /// The partner commits money to the role (`funds` in the scenario).
    Funds,
    /// The role serves at least one of the partner's sector motives.
    Serves,
    /// The partner is of this organisation type.
    Type(TypeIx),
    /// The partner commits money to some role of the programme (`funds` is not empty).
    Funder,
    /// The partner supplies a product or service to the programme (`supplies` is not empty).
    Supplier,
    /// A partner of the line-up funds this partner (`funded_by` names one at the table).
    Grantee,
    /// The role needs money: the scenario gives it a budget, or it is a money role (its trait
    /// is the settings' `money_trait`) the scenario speaks of money for (a commitment or a
    /// `funds` entry names it).
    NeedsMoney,
    /// Money committed to the role holds in this line-up (its funder, its channel and the
    /// commitments it depends on are there), whoever holds the role.
    Financed,
    /// Money committed to the role can reach this partner if it holds the role (no condition
    /// of the commitment keeps it away, e.g. `never_to` its sector).
    MoneyReaches,
    /// The partner asked for the role (`wants` in the scenario): a preference, never a logic.
    Wants,
}

/// `at_least <= value < below`; either bound may be absent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Values must be at least this.
    pub at_least: Option<f64>,
    /// Values must be below this.
    pub below: Option<f64>,
}

impl Range {
    /// Whether `v` lies in the range.
    pub fn contains(&self, v: f64) -> bool {
        self.at_least.is_none_or(|lo| v >= lo) && self.below.is_none_or(|hi| v < hi)
    }
}

/// The facts a test reads, which its scope must supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Facts of the partner alone.
    Partner,
    /// Facts of the role alone.
    Role,
    /// Facts of the partner in the role.
    Both,
}

impl Test {
    /// Whether the test looks at a partner's fit: such a rule is about capabilities, not about
    /// a sector's logic.
    pub fn reads_fit(&self) -> bool {
        match self {
            Test::All(ts) | Test::Either(ts) => ts.iter().any(Test::reads_fit),
            Test::Not(t) => t.reads_fit(),
            Test::Fit(_) | Test::BelowFitFloor => true,
            _ => false,
        }
    }

    /// Whether the test looks at what the partner asked for (`Wants`).
    pub fn reads_wants(&self) -> bool {
        match self {
            Test::All(ts) | Test::Either(ts) => ts.iter().any(Test::reads_wants),
            Test::Not(t) => t.reads_wants(),
            Test::Wants => true,
            _ => false,
        }
    }

    /// Whether the test reads partner facts, role facts, or facts of the pair.
    pub fn reads(&self) -> (bool, bool) {
        match self {
            Test::All(ts) | Test::Either(ts) => ts.iter().fold((false, false), |(p, r), t| {
                let (tp, tr) = t.reads();
                (p || tp, r || tr)
            }),
            Test::Not(t) => t.reads(),
            Test::Sector(_)
            | Test::Attribute(_)
            | Test::Capability { .. }
            | Test::Type(_)
            | Test::Funder
            | Test::Supplier
            | Test::Grantee => (true, false),
            Test::Role(_)
            | Test::Trait(_)
            | Test::Importance(_)
            | Test::NeedsMoney
            | Test::Financed => (false, true),
            Test::Fit(_)
            | Test::BelowFitFloor
            | Test::Funds
            | Test::Serves
            | Test::MoneyReaches
            | Test::Wants => (true, true),
        }
    }
}

/// What a rule watches, and so how it enters the optimisation model.
#[derive(Debug, Clone)]
pub enum Scope {
    /// A partner holds (or leads) a role: a term on that assignment.
    Holds {
        /// The partner in the role.
        who: Test,
        /// Only when it leads the role.
        lead: bool,
    },
    /// A partner holds two different roles matching `first` and `second`.
    Pair {
        /// The first role.
        first: Test,
        /// The second role.
        second: Test,
    },
    /// A partner's load goes above a limit (roles held, or summed effort).
    Load {
        /// Which partners.
        who: Test,
        /// The limit.
        limit: LoadLimit,
    },
    /// A partner holds roles, none of which serves any of its sector's motives.
    Unserved {
        /// Which partners.
        who: Test,
    },
    /// A partner of the line-up holds no role at all.
    Idle {
        /// Which partners.
        who: Test,
    },
    /// A partner does not hold a role matching `who` in the pair (a role it asked for, with
    /// `Wants`): a term on `1 - x`, so its price is what the partner's unmet wish costs.
    Unmet {
        /// The role the partner asked for, in the pair.
        who: Test,
    },
    /// At least `at_least` partners matching `who` on the same role (of one sector, when
    /// `same_sector`).
    Shared {
        /// The partners that count.
        who: Test,
        /// How many make it shared.
        at_least: u32,
        /// Only partners of one sector count.
        same_sector: bool,
    },
    /// One partner holds more than `share_above` of the needed importance, and more than the
    /// `fair_roles` most important needs together: however important, that many roles are a
    /// fair share, not a concentration.
    Concentration {
        /// The share of needed importance that is too much.
        share_above: f64,
        /// How many of the most important needs are a fair share.
        fair_roles: u32,
    },
    /// Fewer than `below` sectors take part.
    Diversity {
        /// Fewest sectors that are enough.
        below: u32,
    },
    /// A needed role is not (fully) covered; penalties count per importance point and missing partner.
    Uncovered {
        /// Which roles.
        role: Test,
    },
    /// What `rolefit additionality` finds about a funder's money for one role it funds
    /// (`who` tests the funder in that role). Evaluated on counterfactual line-ups, never in
    /// the optimisation, so such a rule only raises a flag.
    Additionality {
        /// The finding.
        finding: Finding,
        /// Tests the funder in the role it funds.
        who: Test,
    },
    /// What the line-up's money account finds about a commitment or a role (`who` tests the
    /// commitment's funder in that role). Money is the scenario's fact, not the optimiser's
    /// choice, so such a rule only raises a flag.
    Financing {
        /// The finding.
        finding: MoneyFinding,
        /// Tests the commitment's funder in the role.
        who: Test,
    },
}

/// What a line-up's money account can find, phase by phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MoneyFinding {
    /// Some money reaches the role in a phase, less than its budget.
    Underfinanced,
    /// Money reaches the role in one phase and none in the next, where it still needs money:
    /// nobody takes over the financing.
    NotHandedOver,
    /// Money that holds reaches no holder: the role is not needed, nobody holds it, or the
    /// commitment's conditions keep it from every holder.
    Unused,
    /// A commitment does not hold: a commitment it depends on (`only_if`) is missing, or the
    /// partner it flows through is not at the table.
    ConditionUnmet,
    /// The money flows only through another partner (`through`).
    ThroughAnotherFunder,
}

impl MoneyFinding {
    /// Every finding, in order.
    pub const ALL: [MoneyFinding; 5] = [
        MoneyFinding::Underfinanced,
        MoneyFinding::NotHandedOver,
        MoneyFinding::Unused,
        MoneyFinding::ConditionUnmet,
        MoneyFinding::ThroughAnotherFunder,
    ];

    /// The word used in rule files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            MoneyFinding::Underfinanced => "underfinanced",
            MoneyFinding::NotHandedOver => "not_handed_over",
            MoneyFinding::Unused => "unused",
            MoneyFinding::ConditionUnmet => "condition_unmet",
            MoneyFinding::ThroughAnotherFunder => "through_another_funder",
        }
    }

    /// The finding of its word in a rule file.
    pub fn from_name(name: &str) -> Option<MoneyFinding> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// What the additionality analysis can find about a funder's money for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// Nobody else funds or covers the role: it is lost without the money.
    Additional,
    /// Another partner would cover the role, at a loss of value.
    Substitutable,
    /// Another partner already funds the role, or would fund it as well.
    CrowdingOut,
    /// The money the funder's overlaps is a government's own budget line: it would replace
    /// public money.
    CrowdingOutPublic,
    /// A condition of the commitment (`never_to`) keeps the money from the partner that holds
    /// the role.
    Restricted,
    /// The recommended line-up does not use the money (the funder does not hold the role).
    Unused,
    /// Another partner of the line-up also commits money to the role.
    CoFunded,
}

impl Finding {
    /// Every finding, in order.
    pub const ALL: [Finding; 7] = [
        Finding::Additional,
        Finding::Substitutable,
        Finding::CrowdingOut,
        Finding::CrowdingOutPublic,
        Finding::Restricted,
        Finding::Unused,
        Finding::CoFunded,
    ];

    /// The word used in rule files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Finding::Additional => "additional",
            Finding::Substitutable => "substitutable",
            Finding::CrowdingOut => "crowding_out",
            Finding::CrowdingOutPublic => "crowding_out_public",
            Finding::Restricted => "restricted",
            Finding::Unused => "unused",
            Finding::CoFunded => "co_funded",
        }
    }

    /// The finding of its word in a rule file.
    pub fn from_name(name: &str) -> Option<Finding> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl Scope {
    /// The scope's name in rule files.
    pub fn name(&self) -> &'static str {
        match self {
            Scope::Holds { .. } => "Holds",
            Scope::Pair { .. } => "Pair",
            Scope::Load { .. } => "Load",
            Scope::Unserved { .. } => "Unserved",
            Scope::Idle { .. } => "Idle",
            Scope::Unmet { .. } => "Unmet",
            Scope::Shared { .. } => "Shared",
            Scope::Concentration { .. } => "Concentration",
            Scope::Diversity { .. } => "Diversity",
            Scope::Uncovered { .. } => "Uncovered",
            Scope::Additionality { .. } => "Additionality",
            Scope::Financing { .. } => "Financing",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// Which load a `Load` rule limits.
pub enum LoadLimit {
    /// More than this many roles.
    Roles(u32),
    /// Summed effort above this value.
    Effort(f64),
    /// Summed effort above the partner's capacity.
    /// Summed effort above the partner's capacity plus a margin (in roles).
    EffortAboveCapacity(f64),
}

#[derive(Debug, Clone)]
/// What a rule does when its situation occurs: how hard it holds, its price, its flag.
pub struct Effect {
    /// How hard the rule holds: never, never chosen, or at a price.
    pub strength: Strength,
    /// Whether the rule file chose the strength (otherwise it follows the flag's severity, see
    /// [`Strength::derived`], and a sweep that changes the severity changes it too).
    pub strength_stated: bool,
    /// Subtracted from the objective per unit of the situation.
    pub penalty: f64,
    /// Added to the objective per unit of the situation.
    pub bonus: f64,
    /// What one unit of a penalty or bonus is: a flat amount, or an amount per importance point
    /// of the role at stake, so that a price weighs the same against any role's value.
    pub per: Per,
    /// The flag raised when the situation occurs, if any.
    pub flag: Option<FlagSpec>,
}

impl Effect {
    /// The objective weight per unit: positive for a bonus, negative for a penalty.
    pub fn weight(&self) -> f64 {
        self.bonus - self.penalty
    }

    /// Whether the situation may never occur.
    pub fn is_forbid(&self) -> bool {
        self.strength == Strength::Forbid
    }

    /// Whether the optimiser never chooses the situation (a pin still can).
    pub fn is_avoid(&self) -> bool {
        self.strength == Strength::Avoid
    }
}

/// How hard a rule holds.
///
/// The optimiser trades priced effects against value and coverage; it never trades a logic
/// breach flagged high, which is why a high flag on holding a role makes the rule `Avoid` unless
/// the rule file says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// The situation never occurs, even if a facilitator pins it: a pin that asks for it is a
    /// conflict (the partner may not do this at all, e.g. a company holding public authority).
    Forbid,
    /// The optimiser never chooses the situation; a facilitator's pin still can, and then the
    /// rule's flag and price apply. A role only such partners could take is a gap, shown with
    /// the stretch option.
    Avoid,
    /// The situation costs (or earns) its penalty (bonus) in the objective.
    Price,
}

impl Strength {
    /// The words, in order.
    pub const NAMES: [&'static str; 3] = ["forbid", "avoid", "price"];

    /// The word used in rule files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Strength::Forbid => "forbid",
            Strength::Avoid => "avoid",
            Strength::Price => "price",
        }
    }

    /// The strength of its word in a rule file.
    pub fn from_name(name: &str) -> Option<Strength> {
        [Strength::Forbid, Strength::Avoid, Strength::Price]
            .into_iter()
            .find(|s| s.name() == name)
    }

    /// The strength of a rule whose file does not state one: `Avoid` for a high flag on a
    /// partner holding a role (or a pair of roles), `Price` otherwise.
    pub fn derived(scope: &Scope, flag: Option<&FlagSpec>) -> Strength {
        let holding = matches!(scope, Scope::Holds { .. } | Scope::Pair { .. });
        if holding && flag.is_some_and(|f| f.severity == Severity::High) {
            Strength::Avoid
        } else {
            Strength::Price
        }
    }
}

/// The unit of a penalty or bonus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Per {
    /// A flat amount each time the situation occurs.
    Unit,
    /// An amount per importance point of the role at stake (the role held; for a pair, the
    /// second role; for a shared role, that role).
    Importance,
}

impl Per {
    /// The word used in rule files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Per::Unit => "unit",
            Per::Importance => "importance",
        }
    }
}

#[derive(Debug, Clone)]
/// The flag a rule raises.
pub struct FlagSpec {
    /// The flag's kind (`mission_drift`, `overload`, ...).
    pub kind: String,
    /// How serious the flag is.
    pub severity: Severity,
    /// A template with `{partner}`, `{partner_name}`, `{sector}`, `{role}`, `{role_name}`,
    /// `{other_role}`, `{value}`, `{limit}`, `{capacity}` and `{other_partner}` placeholders.
    pub message: String,
}

/// Placeholders a flag message may use.
pub const PLACEHOLDERS: [&str; 13] = [
    "partner",
    "partner_name",
    "sector",
    "role",
    "role_name",
    "other_role",
    "value",
    "limit",
    "capacity",
    "other_partner",
    "partners",
    "phase",
    "amount",
];

/// Model-wide numbers that are policy, not code.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Value of a supporting (non-lead) partner on a role, relative to the lead.
    pub support_weight: f64,
    /// Default minimum number of sectors among the partners that hold roles.
    pub min_sectors: u32,
    /// A sector whose typical profile fits a role at least this well is suggested for recruiting.
    pub recruit_fit: f64,
    /// Default number of roles a partner may take when the scenario does not say.
    pub default_capacity: u32,
    /// The share of an assumed strength (a sector's or organisation type's default, not stated
    /// by the partner) that counts toward fit: stated evidence beats silence.
    pub assumed_weight: f64,
    /// Below this fit a partner does not take a role unless pinned (the `BelowFitFloor` test).
    pub fit_floor: f64,
    /// Roles with this trait are money (public financing, a start-up grant): in a scenario that
    /// states money, such a role is covered only where committed money reaches it (the
    /// `NeedsMoney` test). `None`: only roles with a budget need money.
    pub money_trait: Option<TraitIx>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            support_weight: 0.5,
            min_sectors: 2,
            recruit_fit: 0.5,
            default_capacity: 2,
            assumed_weight: 1.0,
            fit_floor: 0.0,
            money_trait: None,
        }
    }
}

impl KnowledgeBase {
    /// The index of the sector of that id.
    pub fn sector_by_id(&self, id: &str) -> Option<SectorIx> {
        self.sectors
            .iter()
            .position(|s| s.id == id)
            .map(|i| SectorIx(i as u32))
    }

    /// The index of the role of that id.
    pub fn role_by_id(&self, id: &str) -> Option<RoleIx> {
        self.roles
            .iter()
            .position(|r| r.id == id)
            .map(|i| RoleIx(i as u32))
    }

    /// The index of the capability of that id.
    pub fn capability_by_id(&self, id: &str) -> Option<CapIx> {
        self.capabilities
            .iter()
            .position(|c| c.id == id)
            .map(|i| CapIx(i as u32))
    }

    /// The index of the attribute of that id.
    pub fn attribute_by_id(&self, id: &str) -> Option<AttrIx> {
        self.attributes
            .iter()
            .position(|a| a.id == id)
            .map(|i| AttrIx(i as u32))
    }

    /// The index of the rule of that id.
    pub fn rule_by_id(&self, id: &str) -> Option<RuleIx> {
        self.rules
            .iter()
            .position(|r| r.id == id)
            .map(|i| RuleIx(i as u32))
    }

    /// The sector at an index.
    pub fn sector(&self, s: SectorIx) -> &Sector {
        &self.sectors[s.index()]
    }

    /// The role at an index.
    pub fn role(&self, r: RoleIx) -> &Role {
        &self.roles[r.index()]
    }

    /// The capability at an index.
    pub fn capability(&self, c: CapIx) -> &Capability {
        &self.capabilities[c.index()]
    }

    /// The rule at an index.
    pub fn rule(&self, r: RuleIx) -> &Rule {
        &self.rules[r.index()]
    }

    /// The motives of a sector, as indices into [`KnowledgeBase::motives`].
    pub fn sector_motives(&self, s: SectorIx) -> impl Iterator<Item = MotiveIx> + '_ {
        self.sector(s).motives.iter().filter_map(|m| {
            self.motives
                .iter()
                .position(|t| t.id == m.id)
                .map(|i| MotiveIx(i as u32))
        })
    }

    /// "Table 1, civil society, collaboration risks: mission drift".
    pub fn source_text(&self, source: &RuleSource) -> String {
        match source {
            RuleSource::Cell { sector, row, item } => {
                let s = self.sector(*sector);
                let label = match row {
                    Row::Advantages => self
                        .capability_by_id(item)
                        .map(|c| self.capability(c).label.clone()),
                    _ => s
                        .items(*row)
                        .iter()
                        .find(|i| &i.id == item)
                        .map(|i| i.label.clone()),
                }
                .unwrap_or_else(|| item.clone());
                format!(
                    "{}, {}, {}: {}",
                    s.table,
                    s.name.to_lowercase(),
                    row.title(),
                    label.to_lowercase()
                )
            }
            RuleSource::Text(text) => text.clone(),
        }
    }

    /// The Table 1 cell a capability is: "Table 1, government, comparative advantage: health
    /// education and promotion" (the first sector listing it), for relations and `rules show`.
    pub fn capability_cell(&self, cap: CapIx) -> Option<String> {
        let s = self
            .sectors
            .iter()
            .position(|s| s.advantages.iter().any(|a| a.capability == cap))?;
        Some(self.source_text(&RuleSource::Cell {
            sector: SectorIx(s as u32),
            row: Row::Advantages,
            item: self.capability(cap).id.clone(),
        }))
    }

    /// The organisation type of that id.
    pub fn type_by_id(&self, id: &str) -> Option<TypeIx> {
        self.types
            .iter()
            .position(|t| t.id == id)
            .map(|i| TypeIx(i as u32))
    }

    /// How well a sector's typical profile fits a role: what recruit suggestions rank by. A
    /// typical member states nothing, so every strength is assumed.
    pub fn sector_fit(&self, s: SectorIx, r: RoleIx) -> f64 {
        let sector = self.sector(s);
        self.fit(r, |c| (sector.default_strength(c), false))
    }

    /// How well a typical member of an organisation type fits a role (all strengths assumed).
    pub fn type_fit(&self, t: TypeIx, r: RoleIx) -> f64 {
        let ty = &self.types[t.index()];
        let sector = self.sector(ty.sector);
        self.fit(r, |c| {
            (
                ty.strength(c).unwrap_or_else(|| sector.default_strength(c)),
                false,
            )
        })
    }

    /// A role's fit for an organisation whose strength in each capability is `own(c)`:
    /// `(strength, stated)`. The weighted mean of what each need is credited ([`Self::credit`]).
    pub fn fit(&self, r: RoleIx, own: impl Fn(CapIx) -> (f64, bool)) -> f64 {
        self.role(r)
            .needs
            .iter()
            .map(|&(cap, w)| w * self.credit(cap, &own).value)
            .sum()
    }

    /// What an organisation is credited in capability `cap`: its own strength (in full when it
    /// states it, discounted by [`Settings::assumed_weight`] when it is a default), or a
    /// related label's strength times the relation's credit, whichever is larger. Stated
    /// evidence beats silence, and Table 1's near-synonyms across columns count.
    pub fn credit(&self, cap: CapIx, own: &impl Fn(CapIx) -> (f64, bool)) -> Credit {
        let counted = |c: CapIx| {
            let (v, stated) = own(c);
            let w = if stated {
                1.0
            } else {
                self.settings.assumed_weight
            };
            (v * w, stated)
        };
        let (value, stated) = counted(cap);
        let mut best = Credit {
            value,
            basis: if stated {
                Basis::Stated
            } else {
                Basis::Assumed
            },
        };
        for r in &self.related[cap.index()] {
            let (v, stated) = counted(r.capability);
            let v = v * r.credit;
            if v > best.value + 1e-12 {
                best = Credit {
                    value: v,
                    basis: Basis::Related {
                        via: r.capability,
                        credit: r.credit,
                        stated,
                        relation: r.relation,
                    },
                };
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ron::read::snake_id;

    /// Table 1 of seed 002, cell by cell: (sector, motives, advantages, rewards, risks).
    const TABLE_1: [(&str, usize, usize, usize, usize); 5] = [
        ("business", 9, 8, 3, 5),
        ("government", 6, 9, 2, 5),
        ("civil_society", 9, 7, 2, 5),
        ("academia", 8, 11, 3, 4),
        ("impact_investor", 5, 7, 2, 4),
    ];

    #[test]
    fn every_table_1_cell_is_in_the_rules_under_its_contract_id() {
        let kb = crate::default_knowledge_base().unwrap();
        for (id, motives, advantages, rewards, risks) in TABLE_1 {
            let s = kb.sector(kb.sector_by_id(id).unwrap());
            assert_eq!(
                (
                    s.motives.len(),
                    s.advantages.len(),
                    s.rewards.len(),
                    s.risks.len()
                ),
                (motives, advantages, rewards, risks),
                "{id}"
            );
            assert_eq!(s.table, "Table 1");
            for item in s.motives.iter().chain(&s.rewards).chain(&s.risks) {
                assert_eq!(item.id, snake_id(&item.label), "{id}: {}", item.label);
            }
            for a in &s.advantages {
                assert_eq!(
                    kb.capability(a.capability).id,
                    snake_id(&a.label),
                    "{id}: {}",
                    a.label
                );
            }
        }
        assert_eq!(
            kb.capability_by_id("know_how_and_expertise")
                .map(|c| kb.capability(c).label.as_str()),
            Some("Know-how & expertise")
        );
    }

    #[test]
    fn every_risk_an_assignment_can_trigger_has_a_rule() {
        let kb = crate::default_knowledge_base().unwrap();
        let cited = |sector: SectorIx, item: &str| {
            kb.rules.iter().any(|r| matches!(&r.source, RuleSource::Cell { sector: s, row: Row::Risks, item: i } if *s == sector && i == item))
        };
        for (s, sector) in kb.sectors.iter().enumerate() {
            for risk in &sector.risks {
                assert!(
                    cited(SectorIx(s as u32), &risk.id),
                    "no rule encodes {} / {}",
                    sector.id,
                    risk.id
                );
            }
        }
        assert!(kb.rules.len() >= 15);
    }

    /// The roles the paper and the partnership literature give each sector (Brinkerhoff 2002;
    /// Van Tulder & Pfisterer 2014): government enables, finances, delivers and coordinates;
    /// civil society reaches communities; academia researches and evaluates; business builds,
    /// scales, sells and co-invests (`catalytic_funding`); donors fund, convene and give technical
    /// assistance (`capacity_building`).
    const HOME_ROLES: [(&str, &[&str]); 5] = [
        (
            "government",
            &[
                "policy_framework",
                "public_financing",
                "service_delivery",
                "health_education",
                "programme_coordination",
            ],
        ),
        (
            "civil_society",
            &["community_outreach", "health_education", "advocacy"],
        ),
        (
            "academia",
            &[
                "research",
                "independent_evaluation",
                "ethical_oversight",
                "capacity_building",
                "data_and_analytics",
            ],
        ),
        (
            "business",
            &[
                "solution_development",
                "technology_platform",
                "implementation_at_scale",
                "commercialisation",
                "catalytic_funding",
            ],
        ),
        (
            "impact_investor",
            &["catalytic_funding", "convening", "capacity_building"],
        ),
    ];

    /// The typical fit of every sector for every role, for failure messages.
    fn fit_table(kb: &KnowledgeBase) -> String {
        let mut out = String::new();
        for (r, role) in kb.roles.iter().enumerate() {
            out.push_str(&format!("\n{:<24}", role.id));
            for s in 0..kb.sectors.len() {
                out.push_str(&format!(
                    " {:.2}",
                    kb.sector_fit(SectorIx(s as u32), RoleIx(r as u32))
                ));
            }
        }
        out
    }

    #[test]
    fn a_typical_member_fits_the_roles_the_literature_gives_its_sector() {
        let kb = crate::default_knowledge_base().unwrap();
        for (sector, roles) in HOME_ROLES {
            let s = kb.sector_by_id(sector).unwrap();
            for role in roles {
                let fit = kb.sector_fit(s, kb.role_by_id(role).unwrap());
                assert!(
                    fit >= 0.5,
                    "a typical {sector} member fits {role} at {fit:.2}{}",
                    fit_table(&kb)
                );
            }
        }
    }

    #[test]
    fn no_sector_fits_a_role_for_which_it_has_none_of_the_advantages() {
        let kb = crate::default_knowledge_base().unwrap();
        for (s, sector) in kb.sectors.iter().enumerate() {
            for (r, role) in kb.roles.iter().enumerate() {
                let own = role
                    .needs
                    .iter()
                    .any(|&(c, _)| sector.default_strength(c) > 0.0);
                let fit = kb.sector_fit(SectorIx(s as u32), RoleIx(r as u32));
                assert!(
                    own || fit <= 0.3,
                    "{} has none of {}'s advantages but fits it at {fit:.2}{}",
                    sector.id,
                    role.id,
                    fit_table(&kb)
                );
            }
        }
    }

    /// Table 1 is used, not only transcribed: every motive is served by a role, every advantage
    /// needed by a role, every reward and risk cited by a rule, or the cell says why it is
    /// information only.
    #[test]
    fn every_cell_of_table_1_is_used_or_says_why_not() {
        let kb = crate::default_knowledge_base().unwrap();
        let cited = |sector: usize, row: Row, item: &str| {
            kb.rules.iter().any(|r| matches!(&r.source, RuleSource::Cell { sector: s, row: w, item: i } if s.index() == sector && *w == row && i == item))
        };
        let mut unused = Vec::new();
        for (s, sector) in kb.sectors.iter().enumerate() {
            for m in &sector.motives {
                let served = kb
                    .roles
                    .iter()
                    .any(|r| r.serves.iter().any(|&x| kb.motives[x.index()].id == m.id));
                if !served && m.note.is_none() {
                    unused.push(format!("{} motive {}", sector.id, m.id));
                }
            }
            for a in &sector.advantages {
                let needed = kb
                    .roles
                    .iter()
                    .any(|r| r.needs.iter().any(|&(c, _)| c == a.capability));
                if !needed && a.note.is_none() {
                    unused.push(format!(
                        "{} advantage {}",
                        sector.id,
                        kb.capability(a.capability).id
                    ));
                }
            }
            for (row, items) in [(Row::Rewards, &sector.rewards), (Row::Risks, &sector.risks)] {
                for item in items {
                    if !cited(s, row, &item.id) && item.note.is_none() {
                        unused.push(format!("{} {} {}", sector.id, row.key(), item.id));
                    }
                }
            }
        }
        assert!(unused.is_empty(), "unused Table 1 cells: {unused:#?}");
    }

    /// The built-in rules with one more file: the knowledge base, or the error messages.
    fn with_file(text: &str) -> Result<KnowledgeBase, Vec<String>> {
        let mut docs = crate::kb::default_documents();
        docs.push(crate::load::Document::parse(crate::source::Source::new(
            "extra.ron",
            text,
        )));
        match crate::kb::load_rules(&docs) {
            (Some(kb), _) => Ok(kb),
            (None, diags) => Err(diags.iter().map(|d| d.message.clone()).collect()),
        }
    }

    fn rule_file(when: &str, effect: &str) -> String {
        format!(
            r#"Rules(rules: [Rule(id: "extra", description: "d", source: Text("t"), when: {when}, effect: {effect})])"#
        )
    }

    #[test]
    fn a_high_flag_on_holding_a_role_is_avoided_and_cannot_be_merely_priced() {
        let flag = r#"flag: (kind: "mission_drift", severity: high, message: "m")"#;
        let kb = with_file(&rule_file(
            r#"Holds(who: Sector("business"))"#,
            &format!("(penalty: 0.5, {flag})"),
        ))
        .unwrap();
        let rule = kb.rule(kb.rule_by_id("extra").unwrap());
        assert_eq!(rule.effect.strength, Strength::Avoid);
        let errors = with_file(&rule_file(
            r#"Holds(who: Sector("business"))"#,
            &format!("(strength: price, penalty: 0.5, {flag})"),
        ))
        .unwrap_err();
        assert!(
            errors.iter().any(|e| e.contains("cannot be merely priced")),
            "{errors:?}"
        );
    }

    #[test]
    fn avoid_keeps_partners_out_of_roles_only() {
        let errors = with_file(&rule_file(
            "Load(roles_above: 2)",
            r#"(strength: avoid, flag: (kind: "overload", severity: low, message: "m"))"#,
        ))
        .unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("applies to `Holds` and `Pair` rules")),
            "{errors:?}"
        );
        let errors = with_file(&rule_file(
            "Diversity(below: 3)",
            "(penalty: 1.0, per: importance)",
        ))
        .unwrap_err();
        assert!(
            errors.iter().any(|e| e.contains("has no single role")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_relation_links_comparative_advantages_only() {
        let errors = with_file(
            r#"Relations(relations: [Related(between: ["legitimacy", "credibilty"], credit: 0.5)])"#,
        )
        .unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("unknown capability `credibilty`")),
            "{errors:?}"
        );
        let errors =
            with_file(r#"Relations(relations: [Related(between: ["legitimacy"], credit: 0.5)])"#)
                .unwrap_err();
        assert!(
            errors.iter().any(|e| e.contains("at least two")),
            "{errors:?}"
        );
    }

    /// A stated strength counts in full, an assumed one at the assumed weight, and a related
    /// label's strength at its relation's credit, one way only for a one-way relation.
    #[test]
    fn credit_counts_stated_assumed_and_related_strengths() {
        let kb = crate::default_knowledge_base().unwrap();
        let cap = |id: &str| kb.capability_by_id(id).unwrap();
        let w = kb.settings.assumed_weight;
        let own = |c: CapIx| {
            if c == cap("health_education_and_behavior_change") {
                (0.8, true)
            } else if c == cap("healthcare_infrastructure") {
                (0.9, false)
            } else {
                (0.0, false)
            }
        };
        let promotion = kb.credit(cap("health_education_and_promotion"), &own);
        assert!((promotion.value - 0.8 * 0.9).abs() < 1e-12, "{promotion:?}");
        assert!(matches!(
            promotion.basis,
            Basis::Related { stated: true, .. }
        ));
        let infrastructure = kb.credit(cap("healthcare_infrastructure"), &own);
        assert!((infrastructure.value - 0.9 * w).abs() < 1e-12);
        assert_eq!(infrastructure.basis, Basis::Assumed);
        // Healthcare infrastructure is implementation capacity, not the other way round.
        let implementation = kb.credit(cap("implementation_capacity"), &own);
        assert!((implementation.value - 0.9 * w * 0.7).abs() < 1e-12);
        let reverse = |c: CapIx| {
            if c == cap("implementation_capacity") {
                (0.9, true)
            } else {
                (0.0, false)
            }
        };
        assert_eq!(
            kb.credit(cap("healthcare_infrastructure"), &reverse).value,
            0.0
        );
    }

    #[test]
    fn every_role_of_the_contract_is_in_the_catalogue() {
        let kb = crate::default_knowledge_base().unwrap();
        for id in [
            "policy_framework",
            "public_financing",
            "catalytic_funding",
            "solution_development",
            "technology_platform",
            "implementation_at_scale",
            "service_delivery",
            "community_outreach",
            "health_education",
            "advocacy",
            "research",
            "independent_evaluation",
            "data_and_analytics",
            "capacity_building",
            "convening",
            "programme_coordination",
            "ethical_oversight",
            "commercialisation",
        ] {
            let r = kb.role(
                kb.role_by_id(id)
                    .unwrap_or_else(|| panic!("missing role {id}")),
            );
            assert!(
                (r.needs.iter().map(|(_, w)| w).sum::<f64>() - 1.0).abs() < 1e-9,
                "{id} weights sum to 1"
            );
        }
    }
}
