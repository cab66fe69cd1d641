//! A consortium scenario, validated against the knowledge base: partners, needs, pins, variants.
//!
//! The validated types hold indices into the knowledge base, never raw names, and a partner's
//! strength in every capability is resolved up front (stated value, or its sector's default).

mod load;
mod money;
pub(crate) mod partner;
pub mod write;

pub use load::{
    LIMITS, Limits, load_node, load_partner, load_partner_node, load_scenario, load_scenario_with,
    rule_checks,
};
pub use money::{
    Commitment, DEFAULT_PHASES, Finance, MAX_AMOUNT, MAX_COMMITMENTS, MAX_PHASES, all_commitments,
    thousands,
};

use crate::kb::{AttrIx, CapIx, Credit, KnowledgeBase, RoleIx, SectorIx, TypeIx};
use crate::source::Span;

/// A consortium scenario, validated against the knowledge base.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Its name, for reports.
    pub name: String,
    /// What it is about, in prose.
    pub description: String,
    /// Background facts as (label, text), shown in briefs.
    pub context: Vec<(String, String)>,
    /// In the order the file lists them (the order reports present them in).
    pub needs: Vec<Need>,
    /// The partners of the base line-up.
    pub partners: Vec<Partner>,
    /// Decisions already taken.
    pub pins: Vec<Pin>,
    /// Other line-ups to compare, in the file's order.
    pub variants: Vec<Variant>,
    /// Organisations not yet in the line-up, for recruiting questions.
    pub candidates: Vec<Partner>,
    /// Fewest sectors the line-up must draw on.
    pub min_sectors: Option<u32>,
    /// Currency and phases of the scenario's money.
    pub finance: Finance,
    /// The commitments written as `Commitment(...)` (partners' `funds` entries are commitments
    /// too: see [`all_commitments`]).
    pub commitments: Vec<Commitment>,
    /// The file the scenario came from.
    pub file: String,
}

/// A role the partnership needs, how much it matters and how many partners take it.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// The role.
    pub role: RoleIx,
    /// 1..=5: how much the partnership depends on the role.
    pub importance: u32,
    /// Partners on the role: at least `min`, at most `max`.
    pub min: u32,
    /// Most partners on the role.
    pub max: u32,
    /// Money the role needs in each phase (indexed like the scenario's phases); empty when the
    /// scenario gives it no budget.
    pub budget: Vec<f64>,
}

impl Need {
    /// Whether the scenario gives the role a budget (some phase needs money).
    pub fn has_budget(&self) -> bool {
        self.budget.iter().any(|&b| b > 0.0)
    }

    /// Money the role needs in phase `p` (0 without a budget).
    pub fn budget_in(&self, p: usize) -> f64 {
        self.budget.get(p).copied().unwrap_or(0.0)
    }
}

/// An organisation of the consortium, validated: every strength resolved up front.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// Its id, unique in the scenario.
    pub id: String,
    /// Its name, for reports.
    pub name: String,
    /// Its sector, whose logic the rules apply.
    pub sector: SectorIx,
    /// The kind of organisation within its sector, whose defaults replace the sector's.
    pub org_type: Option<TypeIx>,
    /// Most roles this partner takes.
    pub capacity: u32,
    /// Strength in every capability of the knowledge base, indexed by [`CapIx`]: the stated
    /// value, else the organisation type's default, else the sector's.
    pub strengths: Vec<f64>,
    /// Capabilities the scenario states explicitly (the others are assumed defaults).
    pub stated: Vec<CapIx>,
    /// Roles it will not take.
    pub refuses: Vec<RoleIx>,
    /// Attributes the rules test (e.g. `small_organisation`).
    pub attributes: Vec<AttrIx>,
    /// Roles the partner commits money to (held by anyone), with no amount and for every
    /// phase: each is a [`Commitment`] (see [`all_commitments`]).
    pub funds: Vec<RoleIx>,
    /// Ids of the partners that fund this organisation: it is their grantee.
    pub funded_by: Vec<String>,
    /// Roles whose product or service the partner supplies to the programme.
    pub supplies: Vec<RoleIx>,
    /// Roles the partner asked for: its own preference, weighed below institutional logic
    /// (the `unmet_preference` rule prices a wish the line-up does not meet).
    pub wants: Vec<RoleIx>,
}

impl Partner {
    /// Its strength in a capability, stated or assumed.
    pub fn strength(&self, cap: CapIx) -> f64 {
        self.strengths[cap.index()]
    }

    /// Sets the strengths: the stated ones, and the defaults (organisation type, else sector)
    /// for the rest.
    pub fn set_strengths(&mut self, kb: &KnowledgeBase, stated: &[(CapIx, f64)]) {
        self.strengths = (0..kb.capabilities.len())
            .map(|i| self.default_strength(kb, CapIx(i as u32)))
            .collect();
        for &(cap, v) in stated {
            self.strengths[cap.index()] = v;
        }
        self.stated = stated.iter().map(|(c, _)| *c).collect();
    }

    /// The strength assumed when the partner states none: its type's default, else its sector's.
    pub fn default_strength(&self, kb: &KnowledgeBase, cap: CapIx) -> f64 {
        self.org_type
            .and_then(|t| kb.types[t.index()].strength(cap))
            .unwrap_or_else(|| kb.sector(self.sector).default_strength(cap))
    }

    /// Where an assumed strength comes from: "type default" or "sector default".
    pub fn default_origin(&self, kb: &KnowledgeBase, cap: CapIx) -> &'static str {
        match self.org_type {
            Some(t) if kb.types[t.index()].strength(cap).is_some() => "type default",
            _ => "sector default",
        }
    }

    /// Whether the scenario states the strength (rather than a default assumed for it).
    pub fn is_stated(&self, cap: CapIx) -> bool {
        self.stated.contains(&cap)
    }

    /// States one capability (a what-if, or a variant's change): it is no longer a sector default.
    pub fn state_strength(&mut self, cap: CapIx, strength: f64) {
        self.strengths[cap.index()] = strength;
        if !self.stated.contains(&cap) {
            self.stated.push(cap);
        }
    }

    /// How well the partner's capabilities meet a role's needs: the weighted mean of what each
    /// need is credited (stated strengths in full, assumed ones discounted, related labels at
    /// their relation's credit; see [`KnowledgeBase::credit`]).
    pub fn fit(&self, kb: &KnowledgeBase, role: RoleIx) -> f64 {
        kb.fit(role, |c| (self.strength(c), self.is_stated(c)))
    }

    /// What the partner is credited in one capability, and on what basis.
    pub fn credit(&self, kb: &KnowledgeBase, cap: CapIx) -> Credit {
        kb.credit(cap, &|c| (self.strength(c), self.is_stated(c)))
    }

    /// A generic member of a sector (or of one of its organisation types), with its default
    /// strengths, all assumed: what recruiting suggests.
    pub fn typical(kb: &KnowledgeBase, sector: SectorIx, capacity: u32) -> Partner {
        let s = kb.sector(sector);
        let mut p = Partner {
            id: format!("new_{}", s.id),
            name: format!("a typical {} partner", s.name.to_lowercase()),
            sector,
            org_type: None,
            capacity,
            strengths: Vec::new(),
            stated: Vec::new(),
            refuses: Vec::new(),
            attributes: Vec::new(),
            funds: Vec::new(),
            funded_by: Vec::new(),
            supplies: Vec::new(),
            wants: Vec::new(),
        };
        p.set_strengths(kb, &[]);
        p
    }
}

/// The organisation type with this id, or a message saying it is unknown.
pub fn type_by_id(kb: &KnowledgeBase, id: &str) -> Result<TypeIx, String> {
    kb.type_by_id(id)
        .ok_or_else(|| format!("unknown organisation type `{id}`"))
}

/// A partner fixed to a role: a decision already taken, which the solver keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    /// The partner's id.
    pub partner: String,
    /// The role.
    pub role: RoleIx,
    /// Also pin the partner as the role's lead.
    pub lead: bool,
    /// Where the pin was written (for conflict explanations), or `None` for a what-if.
    pub span: Option<Span>,
}

/// Another line-up of the same scenario, as changes to the base: what a workshop wants to
/// compare.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Its name, unique in the scenario.
    pub name: String,
    /// Partners that leave, by id.
    pub remove: Vec<String>,
    /// Partners that join.
    pub add: Vec<Partner>,
    /// Changes to partners of the line-up once `remove` and `add` are applied.
    pub change: Vec<PartnerChange>,
    /// Roles partners are kept out of in this line-up (as `--forbid` does).
    pub forbid: Vec<(String, RoleIx)>,
    /// Extra pins for this line-up; one on a cell the base pins replaces the base's.
    pub pins: Vec<Pin>,
    /// Commitments withdrawn in this line-up: a budget line that slips, a grant refused.
    pub withdraw: Vec<Withdrawal>,
    /// Commitments added in this line-up.
    pub commit: Vec<Commitment>,
}

/// A commitment a variant withdraws, resolved when the scenario is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Withdrawal {
    /// A `Commitment(...)` of the scenario, by id.
    Written(String),
    /// A partner's `funds` entry (id `{partner}_{role}`).
    Funds {
        /// The funding partner's id.
        partner: String,
        /// The role it funds.
        role: RoleIx,
    },
}

/// A variant's change to one partner: what a workshop decided about its capacity or strengths.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerChange {
    /// The partner's id.
    pub partner: String,
    /// Its new capacity, when changed.
    pub capacity: Option<u32>,
    /// Strengths now stated.
    pub capabilities: Vec<(CapIx, f64)>,
    /// The roles it asks for, replacing the file's list.
    pub wants: Option<Vec<RoleIx>>,
}

impl PartnerChange {
    fn apply(&self, p: &mut Partner) {
        if let Some(c) = self.capacity {
            p.capacity = c;
        }
        for &(cap, v) in &self.capabilities {
            p.state_strength(cap, v);
        }
        if let Some(w) = &self.wants {
            p.wants = w.clone();
        }
    }
}

/// One concrete line-up to solve: the base, or a variant applied to it.
#[derive(Debug, Clone)]
pub struct LineUp {
    /// The scenario's name.
    pub scenario: String,
    /// The variant applied, or `None` for the base.
    pub variant: Option<String>,
    /// The roles needed, in the scenario's order.
    pub needs: Vec<Need>,
    /// The partners, after the variant's changes.
    pub partners: Vec<Partner>,
    /// Pins: the scenario's, the variant's and the what-ifs'.
    pub pins: Vec<Pin>,
    /// Fewest sectors the line-up must draw on, when the scenario asks.
    pub min_sectors: Option<u32>,
    /// Currency and phases of its money.
    pub finance: Finance,
    /// The commitments written as `Commitment(...)`; partners' `funds` entries complete them
    /// ([`LineUp::all_commitments`]).
    pub commitments: Vec<Commitment>,
    /// Things applying the variant changed silently otherwise, e.g. a pin dropped with its partner.
    pub notes: Vec<String>,
}

impl Scenario {
    /// Adds commitments validated against this scenario (a commitment sheet's rows): the
    /// scenario then states money.
    pub fn add_commitments(&mut self, commitments: Vec<Commitment>) {
        self.finance.state(commitments.iter().map(|c| c.role));
        self.commitments.extend(commitments);
    }

    /// The line-up the file describes, before any variant.
    pub fn base(&self) -> LineUp {
        LineUp {
            scenario: self.name.clone(),
            variant: None,
            needs: self.needs.clone(),
            partners: self.partners.clone(),
            pins: self.pins.clone(),
            min_sectors: self.min_sectors,
            finance: self.finance.clone(),
            commitments: self.commitments.clone(),
            notes: Vec::new(),
        }
    }

    /// The variant of that name.
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// The base line-up with a variant applied: partners removed, then added, then changed;
    /// roles forbidden (a pin on such a cell goes); the variant's pins; commitments withdrawn,
    /// then added.
    pub fn line_up(&self, variant: &Variant) -> LineUp {
        let mut l = self.base();
        l.variant = Some(variant.name.clone());
        l.partners.retain(|p| !variant.remove.contains(&p.id));
        l.partners.extend(variant.add.iter().cloned());
        for c in &variant.change {
            if let Some(p) = l.partners.iter_mut().find(|p| p.id == c.partner) {
                c.apply(p);
            }
        }
        for (partner, role) in &variant.forbid {
            if let Some(p) = l.partners.iter_mut().find(|p| &p.id == partner)
                && !p.refuses.contains(role)
            {
                p.refuses.push(*role);
            }
            l.pins
                .retain(|x| !(&x.partner == partner && x.role == *role));
        }
        for pin in &variant.pins {
            l.pins
                .retain(|x| !(x.partner == pin.partner && x.role == pin.role));
            l.pins.push(pin.clone());
        }
        let before = l.pins.len();
        l.pins
            .retain(|pin| l.partners.iter().any(|p| p.id == pin.partner));
        if l.pins.len() < before {
            l.notes.push(format!(
                "{} pin(s) on removed partners were dropped",
                before - l.pins.len()
            ));
        }
        for w in &variant.withdraw {
            l.withdraw(w);
        }
        l.commitments.extend(variant.commit.iter().cloned());
        l
    }
}

impl LineUp {
    /// Where the partner with this id is in `partners`.
    pub fn partner_index(&self, id: &str) -> Option<usize> {
        self.partners.iter().position(|p| p.id == id)
    }

    /// Every commitment of the line-up: the written ones, then the partners' `funds` entries.
    pub fn all_commitments(&self, kb: &KnowledgeBase) -> Vec<Commitment> {
        all_commitments(kb, &self.commitments, &self.partners)
    }

    /// Withdraws a commitment: a written one, or a partner's `funds` entry.
    pub fn withdraw(&mut self, w: &Withdrawal) {
        match w {
            Withdrawal::Written(id) => self.commitments.retain(|c| &c.id != id),
            Withdrawal::Funds { partner, role } => {
                if let Some(i) = self.partner_index(partner) {
                    self.partners[i].funds.retain(|r| r != role);
                }
            }
        }
    }
}

/// A change to a line-up: what a facilitator tries in a workshop, what a funder asks
/// ("without my money?"), or a factor of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum WhatIf {
    /// The partner leaves (its pins go with it).
    Without(String),
    /// A new partner joins.
    With(Box<Partner>),
    /// The partner is fixed to a role (and as its lead when `lead`).
    Pin {
        /// The partner's id.
        partner: String,
        /// The role.
        role: RoleIx,
        /// As its lead.
        lead: bool,
    },
    /// The partner may not take the role.
    Forbid {
        /// The partner's id.
        partner: String,
        /// The role.
        role: RoleIx,
    },
    /// The partner stays but withdraws its funding commitments (its `Commitment(...)`s and
    /// `funds`).
    Unfunded(String),
    /// The partner can take this many roles.
    Capacity {
        /// The partner's id.
        partner: String,
        /// Most roles it takes.
        capacity: u32,
    },
    /// The partner's strength in a capability is this (0..=1), stated rather than its sector's.
    Capability {
        /// The partner's id.
        partner: String,
        /// The capability.
        capability: CapIx,
        /// Its strength in it.
        strength: f64,
    },
    /// The partner is no longer fixed to the role.
    Unpin {
        /// The partner's id.
        partner: String,
        /// The role.
        role: RoleIx,
    },
    /// The partner may take the role again (lifts a forbid; a refusal of its own stays with it).
    Allow {
        /// The partner's id.
        partner: String,
        /// The role.
        role: RoleIx,
    },
    /// The partner asks for the role (`wanted`), or no longer does.
    Want {
        /// The partner's id.
        partner: String,
        /// The role.
        role: RoleIx,
        /// Asks for it (`true`) or no longer does.
        wanted: bool,
    },
}

impl WhatIf {
    /// How the change reads in a report: "without msas", "msas pinned to policy_framework".
    pub fn describe(&self, kb: &KnowledgeBase) -> String {
        match self {
            WhatIf::Without(p) => format!("without {p}"),
            WhatIf::With(p) => format!("with {}", p.id),
            WhatIf::Pin {
                partner,
                role,
                lead: false,
            } => format!("{partner} pinned to {}", kb.role(*role).id),
            WhatIf::Pin {
                partner,
                role,
                lead: true,
            } => format!("{partner} pinned to lead {}", kb.role(*role).id),
            WhatIf::Forbid { partner, role } => {
                format!("{partner} kept out of {}", kb.role(*role).id)
            }
            WhatIf::Unfunded(p) => format!("{p} without its funding"),
            WhatIf::Capacity { partner, capacity } => {
                format!("{partner} with capacity {capacity}")
            }
            WhatIf::Capability {
                partner,
                capability,
                strength,
            } => format!(
                "{partner} with {} {strength}",
                kb.capability(*capability).id
            ),
            WhatIf::Unpin { partner, role } => {
                format!("{partner} unpinned from {}", kb.role(*role).id)
            }
            WhatIf::Allow { partner, role } => {
                format!("{partner} allowed in {} again", kb.role(*role).id)
            }
            WhatIf::Want {
                partner,
                role,
                wanted: true,
            } => format!("{partner} asks for {}", kb.role(*role).id),
            WhatIf::Want {
                partner,
                role,
                wanted: false,
            } => format!("{partner} no longer asks for {}", kb.role(*role).id),
        }
    }
}

impl LineUp {
    /// Applies a change, or says why it cannot apply (with the closest partner id when one is
    /// misspelt). The line-up is named after the changes applied to it.
    pub fn apply(&mut self, kb: &KnowledgeBase, change: &WhatIf) -> Result<(), String> {
        let known = |l: &LineUp, id: &str| -> Result<usize, String> {
            l.partner_index(id).ok_or_else(|| {
                let hint = crate::diag::closest(id, l.partners.iter().map(|p| p.id.as_str()))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                format!("no partner `{id}` in the line-up{hint}")
            })
        };
        let needed = |l: &LineUp, role: RoleIx| -> Result<(), String> {
            if l.needs.iter().any(|n| n.role == role) {
                Ok(())
            } else {
                Err(format!("the scenario does not need `{}`", kb.role(role).id))
            }
        };
        match change {
            WhatIf::Without(id) => {
                let i = known(self, id)?;
                self.partners.remove(i);
                self.pins.retain(|p| &p.partner != id);
            }
            WhatIf::With(p) => {
                if self.partner_index(&p.id).is_some() {
                    return Err(format!("partner `{}` is already in the line-up", p.id));
                }
                self.partners.push((**p).clone());
            }
            WhatIf::Pin {
                partner,
                role,
                lead,
            } => {
                let i = known(self, partner)?;
                needed(self, *role)?;
                let p = &self.partners[i];
                if p.refuses.contains(role) {
                    return Err(format!("`{partner}` refuses `{}`", kb.role(*role).id));
                }
                if *lead
                    && let Some(other) = self
                        .pins
                        .iter()
                        .find(|x| x.role == *role && x.lead && &x.partner != partner)
                {
                    return Err(format!(
                        "`{}` is already pinned to lead `{}`",
                        other.partner,
                        kb.role(*role).id
                    ));
                }
                let pinned = self
                    .pins
                    .iter()
                    .filter(|x| &x.partner == partner && x.role != *role)
                    .count() as u32;
                if pinned >= p.capacity {
                    return Err(format!(
                        "`{partner}` is already pinned to {pinned} role(s), its capacity"
                    ));
                }
                self.pins
                    .retain(|x| !(&x.partner == partner && x.role == *role));
                self.pins.push(Pin {
                    partner: partner.clone(),
                    role: *role,
                    lead: *lead,
                    span: None,
                });
            }
            WhatIf::Forbid { partner, role } => {
                let i = known(self, partner)?;
                needed(self, *role)?;
                if !self.partners[i].refuses.contains(role) {
                    self.partners[i].refuses.push(*role);
                }
                self.pins
                    .retain(|x| !(&x.partner == partner && x.role == *role));
            }
            WhatIf::Unfunded(id) => {
                let i = known(self, id)?;
                self.partners[i].funds.clear();
                self.commitments.retain(|c| &c.funder != id);
            }
            WhatIf::Capacity { partner, capacity } => {
                let i = known(self, partner)?;
                if *capacity as i64 > LIMITS.capacity {
                    return Err(format!(
                        "a capacity of {capacity} is more than the limit of {}",
                        LIMITS.capacity
                    ));
                }
                let pinned = self.pins.iter().filter(|x| &x.partner == partner).count() as u32;
                if pinned > *capacity {
                    return Err(format!(
                        "`{partner}` is pinned to {pinned} role(s): unpin one before lowering its capacity to {capacity}"
                    ));
                }
                self.partners[i].capacity = *capacity;
            }
            WhatIf::Capability {
                partner,
                capability,
                strength,
            } => {
                let i = known(self, partner)?;
                if !(strength.is_finite() && (0.0..=1.0).contains(strength)) {
                    return Err(format!("a strength is between 0 and 1, not {strength}"));
                }
                self.partners[i].state_strength(*capability, *strength);
            }
            WhatIf::Unpin { partner, role } => {
                known(self, partner)?;
                let before = self.pins.len();
                self.pins
                    .retain(|x| !(&x.partner == partner && x.role == *role));
                if self.pins.len() == before {
                    return Err(format!(
                        "`{partner}` is not pinned to `{}`",
                        kb.role(*role).id
                    ));
                }
            }
            WhatIf::Want {
                partner,
                role,
                wanted,
            } => {
                let i = known(self, partner)?;
                let p = &mut self.partners[i];
                match (*wanted, p.wants.contains(role)) {
                    (true, true) => {
                        return Err(format!(
                            "`{partner}` already asks for `{}`",
                            kb.role(*role).id
                        ));
                    }
                    (false, false) => {
                        return Err(format!(
                            "`{partner}` does not ask for `{}`",
                            kb.role(*role).id
                        ));
                    }
                    (true, false) => {
                        needed(self, *role)?;
                        if self.partners[i].refuses.contains(role) {
                            return Err(format!(
                                "`{partner}` refuses `{}` (or is kept out of it)",
                                kb.role(*role).id
                            ));
                        }
                        self.partners[i].wants.push(*role);
                    }
                    (false, true) => p.wants.retain(|r| r != role),
                }
            }
            WhatIf::Allow { partner, role } => {
                let i = known(self, partner)?;
                let refuses = &mut self.partners[i].refuses;
                let before = refuses.len();
                refuses.retain(|r| r != role);
                if refuses.len() == before {
                    return Err(format!(
                        "`{partner}` is not kept out of `{}`",
                        kb.role(*role).id
                    ));
                }
            }
        }
        let name = change.describe(kb);
        self.variant = Some(match self.variant.take() {
            Some(v) => format!("{v}; {name}"),
            None => name,
        });
        Ok(())
    }
}

/// `PARTNER=ROLE`, with the role resolved (a misspelt role gets a suggestion).
fn partner_role(
    kb: &KnowledgeBase,
    flag: &str,
    value: &str,
) -> Result<(String, crate::kb::RoleIx), crate::Error> {
    let Some((partner, role)) = value.split_once('=') else {
        return Err(crate::Error::NotAPair {
            flag: flag.to_string(),
            value: value.to_string(),
        });
    };
    let role_ix = kb
        .role_by_id(role.trim())
        .ok_or_else(|| crate::Error::UnknownRole {
            context: format!("{flag} {value}"),
            role: role.trim().to_string(),
            suggestion: crate::DidYouMean::among(
                role.trim(),
                kb.roles.iter().map(|r| r.id.as_str()),
            ),
        })?;
    Ok((partner.trim().to_string(), role_ix))
}

/// What-if changes from plain values, in a fixed order: leave, join, forbid, pin, unfund.
/// `joining` are parsed `Partner(...)` documents; `forbid` and `pin` are `PARTNER=ROLE`. The
/// command line and the Python package both build their what-ifs here.
pub fn what_ifs(
    kb: &KnowledgeBase,
    without: &[String],
    joining: &[crate::load::Document],
    forbid: &[String],
    pin: &[String],
    unfunded: &[String],
) -> Result<Vec<WhatIf>, crate::Error> {
    let mut out: Vec<WhatIf> = without
        .iter()
        .map(|id| WhatIf::Without(id.clone()))
        .collect();
    for doc in joining {
        match load_partner(kb, doc) {
            (Some(p), _) => out.push(WhatIf::With(Box::new(p))),
            (None, diags) => return Err(crate::Error::Invalid(crate::diag::Diagnostics(diags))),
        }
    }
    for value in forbid {
        let (partner, role) = partner_role(kb, "--forbid", value)?;
        out.push(WhatIf::Forbid { partner, role });
    }
    for value in pin {
        let (partner, role) = partner_role(kb, "--pin", value)?;
        out.push(WhatIf::Pin {
            partner,
            role,
            lead: false,
        });
    }
    out.extend(unfunded.iter().map(|id| WhatIf::Unfunded(id.clone())));
    Ok(out)
}
