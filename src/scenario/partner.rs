//! One partner validator for every input. A scenario file (`scenario::load`, `--with`) and a
//! partner sheet (`sheet`) read their values in their own way (RON nodes, cells) and hand each
//! to the same [`PartnerFields`], which applies the same rules (`crate::valid`, the knowledge
//! base, the limits) and reports to the same diagnostics sink. Before, sheets skipped checks RON
//! partners get: a 300-character id that `import` wrote and `check` then refused, a
//! 1 000 000-character name, terminal escapes printed raw.
//!
//! A new partner field is one more method here, called by both readers.

use super::{LIMITS, Partner, type_by_id};
use crate::diag::{Diagnostic, Sink};
use crate::kb::{AttrIx, CapIx, KnowledgeBase, RoleIx, SectorIx, TypeIx};
use crate::source::Span;

/// Where a value was written, to report a problem with it: a span of a RON file (and its field
/// path), or a cell of a sheet (and where it is in words).
#[derive(Debug, Clone)]
pub enum At {
    /// In a RON file.
    Span {
        /// Where.
        span: Span,
        /// The field path.
        path: String,
    },
    /// In a sheet.
    Cell {
        /// 1-based row.
        row: u32,
        /// 1-based column.
        column: u32,
        /// The column's name, as the diagnostic's path.
        path: String,
    },
}

impl At {
    /// Reports a problem with the value written here.
    pub fn error<'s>(&self, sink: &'s mut Sink, message: String) -> &'s mut Diagnostic {
        match self {
            At::Span { span, path } => sink.error(*span, path, message),
            At::Cell { row, column, path } => sink.error_at(*row, *column, path, message),
        }
    }
}

/// Which list of roles a role id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleList {
    /// Roles the partner will not take.
    Refuses,
    /// Roles the partner commits money to.
    Funds,
    /// Roles whose product or service the partner supplies.
    Supplies,
    /// Roles the partner itself asks for (its wishes, weighed below institutional logic).
    Wants,
}

/// The fields of one partner as they are read, each checked as it is given.
#[derive(Debug, Default)]
pub struct PartnerFields {
    id: Option<String>,
    name: Option<String>,
    sector: Option<SectorIx>,
    /// The organisation type, and where it was written (a sector it contradicts is reported
    /// there).
    org_type: Option<(TypeIx, At)>,
    capacity: Option<u32>,
    stated: Vec<(CapIx, f64)>,
    refuses: Vec<RoleIx>,
    funds: Vec<RoleIx>,
    supplies: Vec<RoleIx>,
    /// With where each was written: a wish for a role the partner refuses is reported there.
    wants: Vec<(RoleIx, At)>,
    funded_by: Vec<String>,
    attributes: Vec<AttrIx>,
    /// A value was refused: the partner is not built (its problems are reported).
    refused: bool,
}

impl PartnerFields {
    /// Reports a problem with a value of this partner.
    fn refuse<'s>(&mut self, sink: &'s mut Sink, at: &At, message: String) -> &'s mut Diagnostic {
        self.refused = true;
        at.error(sink, message)
    }

    /// The partner's id: lower snake_case, at most 64 characters. Returns it when valid (the
    /// reader checks it is unique).
    pub fn id(&mut self, sink: &mut Sink, at: At, value: &str) -> Option<String> {
        if let Some((problem, fix)) = crate::valid::id(value) {
            let d = self.refuse(sink, &at, problem);
            if let Some(fix) = fix {
                d.help(fix);
            }
            return None;
        }
        if self.funded_by.iter().any(|f| f == value) {
            self.refuse(sink, &at, "a partner cannot fund itself".into());
            return None;
        }
        self.id = Some(value.to_string());
        self.id.clone()
    }

    /// The name shown in reports: plain text, not empty (leave it out to show the id).
    pub fn name(&mut self, sink: &mut Sink, at: At, value: &str) {
        let value = value.replace("\r\n", "\n");
        if let Some(problem) = crate::valid::text(&value) {
            self.refuse(sink, &at, problem);
        } else if value.trim().is_empty() {
            self.refuse(sink, &at, "a partner name must not be empty".into())
                .help("leave `name` out to show the partner by its id");
        } else {
            self.name = Some(value);
        }
    }

    /// Sets the sector from its id (a misspelt one gets a suggestion).
    pub fn sector(&mut self, kb: &KnowledgeBase, sink: &mut Sink, at: At, value: &str) {
        match kb.sector_by_id(value) {
            Some(s) => self.sector = Some(s),
            None => self.unknown(sink, at, "sector", value, kb.sectors.iter().map(|s| &s.id)),
        }
    }

    /// The organisation type (`national_ministry`, `university`, ...): it names the sector, which
    /// may then be left out, and sets the default strengths.
    pub fn org_type(&mut self, kb: &KnowledgeBase, sink: &mut Sink, at: At, value: &str) {
        match type_by_id(kb, value) {
            Ok(t) => self.org_type = Some((t, at)),
            Err(message) => {
                self.refuse(sink, &at, message)
                    .suggest(value, kb.types.iter().map(|t| t.id.as_str()));
            }
        }
    }

    /// An organisation that funds the partner: a partner id (checked against the scenario's
    /// organisations by the scenario's reader). Returns it when it is new.
    pub fn funded_by(&mut self, sink: &mut Sink, at: At, value: &str) -> Option<String> {
        if let Some((problem, fix)) = crate::valid::id(value) {
            let d = self.refuse(sink, &at, problem);
            if let Some(fix) = fix {
                d.help(fix);
            }
            return None;
        }
        if self.id.as_deref() == Some(value) {
            self.refuse(sink, &at, "a partner cannot fund itself".into());
            return None;
        }
        if self.funded_by.iter().any(|f| f == value) {
            return None;
        }
        self.funded_by.push(value.to_string());
        Some(value.to_string())
    }

    /// Most roles the partner takes: a whole number from 0 to 100.
    pub fn capacity(&mut self, sink: &mut Sink, at: At, value: f64) {
        match crate::valid::whole(value, 0, LIMITS.capacity) {
            None => self.capacity = Some(value as u32),
            Some(problem) => {
                self.refuse(sink, &at, problem);
            }
        }
    }

    /// The capability an id names (a RON map's key; a sheet's column is resolved with its
    /// header).
    pub fn capability(
        &mut self,
        kb: &KnowledgeBase,
        sink: &mut Sink,
        at: At,
        id: &str,
    ) -> Option<CapIx> {
        let cap = kb.capability_by_id(id);
        if cap.is_none() {
            let known = kb.capabilities.iter().map(|c| &c.id);
            self.unknown(sink, at, "capability", id, known);
        }
        cap
    }

    /// A stated strength in a capability (0 to 1), overriding the sector's default.
    pub fn strength(&mut self, sink: &mut Sink, at: At, cap: CapIx, strength: f64) {
        match crate::valid::within(strength, 0.0, 1.0) {
            None => match self.stated.iter_mut().find(|(c, _)| *c == cap) {
                Some(s) => s.1 = strength,
                None => self.stated.push((cap, strength)),
            },
            Some(problem) => {
                self.refuse(sink, &at, problem);
            }
        }
    }

    /// A role the partner refuses, funds, supplies or wants (listed once however often it is
    /// written). Returns the role when it is known, so a reader can check a wish against the
    /// scenario's needs.
    pub fn role(
        &mut self,
        kb: &KnowledgeBase,
        sink: &mut Sink,
        at: At,
        list: RoleList,
        value: &str,
    ) -> Option<RoleIx> {
        let Some(role) = kb.role_by_id(value) else {
            self.unknown(sink, at, "role", value, kb.roles.iter().map(|r| &r.id));
            return None;
        };
        let roles = match list {
            RoleList::Refuses => &mut self.refuses,
            RoleList::Funds => &mut self.funds,
            RoleList::Supplies => &mut self.supplies,
            RoleList::Wants => {
                if !self.wants.iter().any(|(r, _)| *r == role) {
                    self.wants.push((role, at));
                }
                return Some(role);
            }
        };
        if !roles.contains(&role) {
            roles.push(role);
        }
        Some(role)
    }

    /// A fact rules can test (listed once however often it is written).
    pub fn attribute(&mut self, kb: &KnowledgeBase, sink: &mut Sink, at: At, value: &str) {
        match kb.attribute_by_id(value) {
            Some(a) if !self.attributes.contains(&a) => self.attributes.push(a),
            Some(_) => {}
            None => {
                let known = kb.attributes.iter().map(|a| &a.id);
                self.unknown(sink, at, "attribute", value, known);
            }
        }
    }

    /// The partner, when every value given was valid and its id and a sector (or a type) were
    /// given, with defaults for the rest. A type of another sector than the one written is
    /// reported here, at the type.
    pub fn build(mut self, kb: &KnowledgeBase, sink: &mut Sink) -> Option<Partner> {
        if let (Some((t, at)), Some(s)) = (self.org_type.clone(), self.sector) {
            let ty = &kb.types[t.index()];
            if ty.sector != s {
                let of_sector: Vec<&str> = kb
                    .types
                    .iter()
                    .filter(|x| x.sector == s)
                    .map(|x| x.id.as_str())
                    .collect();
                let message = format!(
                    "type `{}` belongs to {}, but the partner's sector is {}",
                    ty.id,
                    kb.sector(ty.sector).id,
                    kb.sector(s).id
                );
                let types = if of_sector.is_empty() {
                    "none".to_string()
                } else {
                    of_sector.join(", ")
                };
                self.refuse(sink, &at, message)
                    .help(format!("{} types: {types}", kb.sector(s).id));
            }
        }
        // Asking for a role the partner refuses is a contradiction, reported at the wish.
        let wants = std::mem::take(&mut self.wants);
        for (role, at) in &wants {
            if self.refuses.contains(role) {
                let message = format!(
                    "the partner asks for `{}` and refuses it",
                    kb.role(*role).id
                );
                self.refuse(sink, at, message);
            }
        }
        if self.refused {
            return None;
        }
        let org_type = self.org_type.map(|(t, _)| t);
        let sector = self
            .sector
            .or_else(|| org_type.map(|t| kb.types[t.index()].sector))?;
        let id = self.id?;
        let mut p = Partner {
            name: self.name.unwrap_or_else(|| id.clone()),
            id,
            sector,
            org_type,
            capacity: self.capacity.unwrap_or(kb.settings.default_capacity),
            strengths: Vec::new(),
            stated: Vec::new(),
            refuses: self.refuses,
            attributes: self.attributes,
            funds: self.funds,
            funded_by: self.funded_by,
            supplies: self.supplies,
            wants: wants.into_iter().map(|(r, _)| r).collect(),
        };
        p.set_strengths(kb, &self.stated);
        Some(p)
    }

    /// Whether a value of this partner was refused (its problem reported).
    pub fn refused(&self) -> bool {
        self.refused
    }

    /// Whether a valid id was given.
    pub fn has_id(&self) -> bool {
        self.id.is_some()
    }

    /// Whether a valid sector, or a type that names one, was given.
    pub fn has_sector(&self) -> bool {
        self.sector.is_some() || self.org_type.is_some()
    }

    /// "unknown sector `goverment`", with the closest known id.
    fn unknown<'k>(
        &mut self,
        sink: &mut Sink,
        at: At,
        what: &str,
        value: &str,
        known: impl Iterator<Item = &'k String>,
    ) {
        self.refuse(sink, &at, format!("unknown {what} `{value}`"))
            .suggest(value, known.map(String::as_str));
    }
}
