//! Rule files as written: decoded from RON, names not yet resolved.
//!
//! A rule directory holds any number of `.ron` files, each one document: `Sector(...)`,
//! `Roles(...)`, `Rules(...)`, `Vocabulary(...)`, `Settings(...)`, `Types(...)` (organisation
//! types) or `Relations(...)` (near-synonyms across Table 1's columns).

use super::Range;
use crate::diag::Sink;
use crate::ron::parse::{Kind, Node};
use crate::ron::read::{self, Variant, index_path};
use crate::source::Span;

/// A name written in a file, to be resolved once every file is read.
#[derive(Debug, Clone)]
pub struct Ref {
    pub file: usize,
    pub name: String,
    pub span: Span,
    pub path: String,
}

#[derive(Debug, Default)]
pub struct RawKb {
    pub sectors: Vec<RawSector>,
    pub roles: Vec<RawRole>,
    pub rules: Vec<RawRule>,
    pub disabled: Vec<Ref>,
    pub traits: Vec<RawTerm>,
    pub attributes: Vec<RawTerm>,
    pub settings: Vec<RawSettings>,
    pub types: Vec<RawType>,
    pub relations: Vec<RawRelation>,
}

#[derive(Debug)]
pub struct RawType {
    pub id: Ref,
    pub sector: Ref,
    pub name: String,
    pub description: String,
    pub strengths: Vec<(Ref, f64)>,
}

#[derive(Debug)]
pub struct RawRelation {
    pub file: usize,
    /// `between: [...]` (each counts toward the others), or `from` first and then `to`: only
    /// the first counts toward the others.
    pub directed: bool,
    pub between: Vec<Ref>,
    pub credit: f64,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct RawTerm {
    pub id: Ref,
    pub label: String,
    pub note: Option<String>,
    /// For an attribute: sectors its partner's money never goes to (`never_to`).
    pub never_to: Vec<Ref>,
}

#[derive(Debug)]
pub struct RawSector {
    pub id: Ref,
    pub name: String,
    pub table: String,
    pub motives: Vec<RawTerm>,
    pub advantages: Vec<(RawTerm, f64)>,
    pub rewards: Vec<RawTerm>,
    pub risks: Vec<RawTerm>,
}

#[derive(Debug)]
pub struct RawRole {
    pub id: Ref,
    pub name: String,
    pub description: String,
    pub needs: Vec<(Ref, f64)>,
    pub traits: Vec<Ref>,
    pub serves: Vec<Ref>,
    pub effort: f64,
}

#[derive(Debug)]
pub struct RawRule {
    pub id: Ref,
    pub description: String,
    pub source: RawSource,
    pub scope: RawScope,
    pub effect: RawEffect,
}

#[derive(Debug)]
pub enum RawSource {
    Cell {
        sector: Ref,
        row: &'static str,
        item: Ref,
    },
    Text(String),
}

/// A test with where it was written, so a test that does not fit its scope can be pointed at.
#[derive(Debug, Clone)]
pub struct RawTest {
    pub file: usize,
    pub span: Span,
    pub path: String,
    pub kind: RawTestKind,
}

#[derive(Debug, Clone)]
pub enum RawTestKind {
    All(Vec<RawTest>),
    Either(Vec<RawTest>),
    Not(Box<RawTest>),
    Sector(Ref),
    Attribute(Ref),
    Capability(Ref, Range),
    Role(Ref),
    Trait(Ref),
    Importance(Range),
    Fit(Range),
    BelowFitFloor,
    Funds,
    Serves,
    Type(Ref),
    Funder,
    Supplier,
    Grantee,
    NeedsMoney,
    Financed,
    MoneyReaches,
    Wants,
}

#[derive(Debug)]
pub enum RawScope {
    Holds {
        who: Option<RawTest>,
        lead: bool,
    },
    Pair {
        first: RawTest,
        second: RawTest,
    },
    Load {
        who: Option<RawTest>,
        limit: RawLimit,
    },
    Unserved {
        who: Option<RawTest>,
    },
    Idle {
        who: Option<RawTest>,
    },
    Unmet {
        who: Option<RawTest>,
    },
    Shared {
        who: Option<RawTest>,
        at_least: u32,
        same_sector: bool,
    },
    Concentration {
        share_above: f64,
        fair_roles: u32,
    },
    Diversity {
        below: u32,
    },
    Uncovered {
        role: Option<RawTest>,
    },
    Additionality {
        finding: &'static str,
        who: Option<RawTest>,
    },
    Financing {
        finding: &'static str,
        who: Option<RawTest>,
    },
}

#[derive(Debug, Clone, Copy)]
pub enum RawLimit {
    Roles(u32),
    Effort(f64),
    /// The partner's capacity plus a margin.
    Capacity(f64),
}

#[derive(Debug)]
pub struct RawEffect {
    pub span: Span,
    pub path: String,
    /// `strength: ...`, or `forbid: true` (the older spelling of `strength: forbid`).
    pub strength: Option<&'static str>,
    pub penalty: f64,
    pub bonus: f64,
    pub per_importance: bool,
    pub flag: Option<RawFlag>,
}

#[derive(Debug)]
pub struct RawFlag {
    pub kind: Ref,
    pub severity: &'static str,
    pub message: String,
    pub message_span: Span,
}

#[derive(Debug, Default)]
pub struct RawSettings {
    pub support_weight: Option<f64>,
    pub min_sectors: Option<u32>,
    pub recruit_fit: Option<f64>,
    pub default_capacity: Option<u32>,
    pub assumed_weight: Option<f64>,
    pub fit_floor: Option<f64>,
    pub money_trait: Option<Ref>,
}

/// The document kinds a rule directory may hold.
pub const DOCUMENTS: [&str; 7] = [
    "Sector",
    "Roles",
    "Rules",
    "Vocabulary",
    "Settings",
    "Types",
    "Relations",
];

/// Decodes one parsed rule file into `kb`, reporting problems into `sink`.
pub fn decode_file(sink: &mut Sink, file: usize, node: &Node, kb: &mut RawKb) {
    let mut d = Decoder { sink, file };
    let name = match &node.kind {
        Kind::Struct(Some(n), _) | Kind::Tuple(Some(n), _) => n.text.as_str(),
        _ => "",
    };
    match name {
        "Sector" => {
            if let Some(s) = d.sector(node) {
                kb.sectors.push(s);
            }
        }
        "Roles" => d.roles(node, kb),
        "Rules" => d.rules(node, kb),
        "Vocabulary" => d.vocabulary(node, kb),
        "Settings" => d.settings(node, kb),
        "Types" => d.types(node, kb),
        "Relations" => d.relations(node, kb),
        other => {
            let what = if other.is_empty() {
                "an unnamed value".to_string()
            } else {
                format!("`{other}(...)`")
            };
            let e = d.sink.error(
                node.span,
                "",
                format!(
                    "a rule file must hold one of {}, found {what}",
                    DOCUMENTS.map(|n| format!("`{n}(...)`")).join(", ")
                ),
            );
            if other == "Scenario" {
                e.help("this is a scenario: pass it to `rolefit solve` or `rolefit check`, not `--rules`");
            } else {
                e.suggest(other, DOCUMENTS);
            }
        }
    }
}

struct Decoder<'s, 'a> {
    sink: &'s mut Sink<'a>,
    file: usize,
}

impl Decoder<'_, '_> {
    fn reference(&mut self, node: &Node, path: &str) -> Option<Ref> {
        let id = read::id(self.sink, node, path)?;
        Some(Ref {
            file: self.file,
            name: id.value,
            span: id.span,
            path: path.to_string(),
        })
    }

    fn text(&mut self, f: &mut read::Fields, name: &'static str) -> String {
        f.take(name)
            .and_then(|n| read::text(self.sink, n, &f.at(name)))
            .map(|s| s.value)
            .unwrap_or_default()
    }

    fn required_ref(&mut self, f: &mut read::Fields, name: &'static str) -> Option<Ref> {
        let node = f.require(self.sink, name)?;
        self.reference(node, &f.at(name))
    }

    fn ref_list(&mut self, f: &mut read::Fields, name: &'static str) -> Vec<Ref> {
        let Some(node) = f.take(name) else {
            return Vec::new();
        };
        let path = f.at(name);
        read::list_of(self.sink, node, &path, |sink, item, p| {
            Decoder {
                sink,
                file: self.file,
            }
            .reference(item, p)
        })
    }

    fn term(&mut self, node: &Node, path: &str, name: &str) -> Option<(RawTerm, Option<f64>)> {
        let mut f = read::fields(self.sink, node, path, name)?;
        let id = self.required_ref(&mut f, "id");
        let label = self.text(&mut f, "label");
        // Why a Table 1 cell that no role or rule uses is there for information only.
        let note = f
            .take("note")
            .and_then(|n| read::text(self.sink, n, &f.at("note")))
            .map(|t| t.value);
        let strength = if name == "Advantage" {
            f.require(self.sink, "strength")
                .and_then(|n| read::number_in(self.sink, n, &f.at("strength"), 0.0, 1.0))
                .map(|s| s.value)
        } else {
            None
        };
        // Only attributes (the vocabulary's `attributes`) may restrict where money goes.
        let never_to = if path.starts_with("attributes") {
            self.ref_list(&mut f, "never_to")
        } else {
            Vec::new()
        };
        f.finish(self.sink);
        let id = id?;
        let label = if label.is_empty() {
            id.name.replace('_', " ")
        } else {
            label
        };
        Some((
            RawTerm {
                id,
                label,
                note,
                never_to,
            },
            strength,
        ))
    }

    fn terms(&mut self, f: &mut read::Fields, field: &'static str, item: &str) -> Vec<RawTerm> {
        let Some(node) = f.take(field) else {
            return Vec::new();
        };
        let path = f.at(field);
        let items = read::list(self.sink, node, &path).unwrap_or(&[]);
        items
            .iter()
            .enumerate()
            .filter_map(|(i, n)| self.term(n, &index_path(&path, i), item).map(|(t, _)| t))
            .collect()
    }

    fn sector(&mut self, node: &Node) -> Option<RawSector> {
        let mut f = read::fields(self.sink, node, "", "Sector")?;
        let id = self.required_ref(&mut f, "id");
        let name = self.text(&mut f, "name");
        let table = self.text(&mut f, "table");
        let motives = self.terms(&mut f, "motives", "Item");
        let mut advantages = Vec::new();
        if let Some(node) = f.take("advantages") {
            let path = f.at("advantages");
            for (i, n) in read::list(self.sink, node, &path)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if let Some((t, Some(s))) = self.term(n, &index_path(&path, i), "Advantage") {
                    advantages.push((t, s));
                }
            }
        }
        let rewards = self.terms(&mut f, "rewards", "Item");
        let risks = self.terms(&mut f, "risks", "Item");
        f.finish(self.sink);
        let id = id?;
        Some(RawSector {
            name: if name.is_empty() {
                id.name.replace('_', " ")
            } else {
                name
            },
            table: if table.is_empty() {
                "Sector profile".into()
            } else {
                table
            },
            id,
            motives,
            advantages,
            rewards,
            risks,
        })
    }

    fn roles(&mut self, node: &Node, kb: &mut RawKb) {
        let Some(mut f) = read::fields(self.sink, node, "", "Roles") else {
            return;
        };
        if let Some(list) = f.require(self.sink, "roles") {
            let path = f.at("roles");
            for (i, n) in read::list(self.sink, list, &path)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if let Some(r) = self.role(n, &index_path(&path, i)) {
                    kb.roles.push(r);
                }
            }
        }
        f.finish(self.sink);
    }

    fn role(&mut self, node: &Node, path: &str) -> Option<RawRole> {
        let mut f = read::fields(self.sink, node, path, "Role")?;
        let id = self.required_ref(&mut f, "id");
        let name = self.text(&mut f, "name");
        let description = self.text(&mut f, "description");
        let mut needs = Vec::new();
        if let Some(map) = f.require(self.sink, "needs") {
            let mpath = f.at("needs");
            needs = self.strength_map(map, &mpath, 1000.0);
            if needs.is_empty() || needs.iter().all(|(_, w)| *w == 0.0) {
                self.sink.error(
                    map.span,
                    &mpath,
                    "a role must need at least one capability with a positive weight",
                );
            }
        }
        let traits = self.ref_list(&mut f, "traits");
        let serves = self.ref_list(&mut f, "serves");
        let effort = match f.take("effort") {
            Some(n) => {
                read::number_in(self.sink, n, &f.at("effort"), 0.1, 10.0).map_or(1.0, |e| e.value)
            }
            None => 1.0,
        };
        f.finish(self.sink);
        let id = id?;
        Some(RawRole {
            name: if name.is_empty() {
                id.name.replace('_', " ")
            } else {
                name
            },
            id,
            description,
            needs,
            traits,
            serves,
            effort,
        })
    }

    fn vocabulary(&mut self, node: &Node, kb: &mut RawKb) {
        let Some(mut f) = read::fields(self.sink, node, "", "Vocabulary") else {
            return;
        };
        kb.traits.extend(self.terms(&mut f, "traits", "Term"));
        kb.attributes
            .extend(self.terms(&mut f, "attributes", "Term"));
        f.finish(self.sink);
    }

    fn settings(&mut self, node: &Node, kb: &mut RawKb) {
        let Some(mut f) = read::fields(self.sink, node, "", "Settings") else {
            return;
        };
        let mut s = RawSettings::default();
        if let Some(n) = f.take("support_weight") {
            s.support_weight =
                read::number_in(self.sink, n, &f.at("support_weight"), 0.0, 1.0).map(|v| v.value);
        }
        if let Some(n) = f.take("min_sectors") {
            s.min_sectors =
                read::integer(self.sink, n, &f.at("min_sectors"), 0, 100).map(|v| v.value as u32);
        }
        if let Some(n) = f.take("recruit_fit") {
            s.recruit_fit =
                read::number_in(self.sink, n, &f.at("recruit_fit"), 0.0, 1.0).map(|v| v.value);
        }
        if let Some(n) = f.take("default_capacity") {
            s.default_capacity = read::integer(self.sink, n, &f.at("default_capacity"), 0, 100)
                .map(|v| v.value as u32);
        }
        if let Some(n) = f.take("assumed_weight") {
            s.assumed_weight =
                read::number_in(self.sink, n, &f.at("assumed_weight"), 0.0, 1.0).map(|v| v.value);
        }
        if let Some(n) = f.take("fit_floor") {
            s.fit_floor =
                read::number_in(self.sink, n, &f.at("fit_floor"), 0.0, 1.0).map(|v| v.value);
        }
        if let Some(n) = f.take("money_trait") {
            s.money_trait = self.reference(n, &f.at("money_trait"));
        }
        f.finish(self.sink);
        kb.settings.push(s);
    }

    /// A map of capability ids to strengths (0..=1), as a role's needs or a type's strengths.
    fn strength_map(&mut self, map: &Node, mpath: &str, max: f64) -> Vec<(Ref, f64)> {
        let mut out = Vec::new();
        for (key, value) in read::string_map(self.sink, map, mpath) {
            let kpath = read::key_path(mpath, &key.value);
            let weight = read::number_in(self.sink, value, &kpath, 0.0, max);
            let cap = Ref {
                file: self.file,
                name: key.value,
                span: key.span,
                path: kpath,
            };
            if let Some(w) = weight {
                out.push((cap, w.value));
            }
        }
        out
    }

    fn types(&mut self, node: &Node, kb: &mut RawKb) {
        let Some(mut f) = read::fields(self.sink, node, "", "Types") else {
            return;
        };
        if let Some(list) = f.require(self.sink, "types") {
            let path = f.at("types");
            for (i, n) in read::list(self.sink, list, &path)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if let Some(t) = self.org_type(n, &index_path(&path, i)) {
                    kb.types.push(t);
                }
            }
        }
        f.finish(self.sink);
    }

    fn org_type(&mut self, node: &Node, path: &str) -> Option<RawType> {
        let mut f = read::fields(self.sink, node, path, "Type")?;
        let id = self.required_ref(&mut f, "id");
        let sector = self.required_ref(&mut f, "sector");
        let name = self.text(&mut f, "name");
        let description = self.text(&mut f, "description");
        let strengths = match f.take("capabilities") {
            Some(map) => {
                let mpath = f.at("capabilities");
                self.strength_map(map, &mpath, 1.0)
            }
            None => Vec::new(),
        };
        f.finish(self.sink);
        let id = id?;
        Some(RawType {
            name: if name.is_empty() {
                id.name.replace('_', " ")
            } else {
                name
            },
            id,
            sector: sector?,
            description,
            strengths,
        })
    }

    fn relations(&mut self, node: &Node, kb: &mut RawKb) {
        let Some(mut f) = read::fields(self.sink, node, "", "Relations") else {
            return;
        };
        if let Some(list) = f.require(self.sink, "relations") {
            let path = f.at("relations");
            for (i, n) in read::list(self.sink, list, &path)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if let Some(r) = self.relation(n, &index_path(&path, i)) {
                    kb.relations.push(r);
                }
            }
        }
        f.finish(self.sink);
    }

    fn relation(&mut self, node: &Node, path: &str) -> Option<RawRelation> {
        let mut f = read::fields(self.sink, node, path, "Related")?;
        let mut between = self.ref_list(&mut f, "between");
        let from = f
            .take("from")
            .and_then(|n| self.reference(n, &f.at("from")));
        let to = self.ref_list(&mut f, "to");
        let directed = from.is_some() || !to.is_empty();
        if directed && !between.is_empty() {
            self.sink.error(
                node.span,
                path,
                "give `between: [...]` (both ways) or `from` and `to` (one way), not both",
            );
            return None;
        }
        if directed {
            let Some(from) = from else {
                self.sink
                    .error(node.span, path, "a one-way relation needs `from: \"...\"`");
                return None;
            };
            between = std::iter::once(from).chain(to).collect();
        }
        let credit = f
            .require(self.sink, "credit")
            .and_then(|n| read::number_in(self.sink, n, &f.at("credit"), 0.0, 1.0));
        let note = self.text(&mut f, "note");
        f.finish(self.sink);
        if between.len() < 2 {
            self.sink.error(
                node.span,
                path,
                "a relation names at least two capabilities: `between: [\"a\", \"b\"]`, or `from: \"a\", to: [\"b\"]`",
            );
            return None;
        }
        let credit = credit?;
        if credit.value == 0.0 {
            self.sink.error(
                credit.span,
                &format!("{path}.credit"),
                "a relation's credit must be above 0 (leave the relation out instead)",
            );
            return None;
        }
        Some(RawRelation {
            file: self.file,
            directed,
            between,
            credit: credit.value,
            note,
        })
    }

    fn rules(&mut self, node: &Node, kb: &mut RawKb) {
        let Some(mut f) = read::fields(self.sink, node, "", "Rules") else {
            return;
        };
        if let Some(list) = f.take("rules") {
            let path = f.at("rules");
            for (i, n) in read::list(self.sink, list, &path)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if let Some(r) = self.rule(n, &index_path(&path, i)) {
                    kb.rules.push(r);
                }
            }
        }
        kb.disabled.extend(self.ref_list(&mut f, "disable"));
        f.finish(self.sink);
    }

    fn rule(&mut self, node: &Node, path: &str) -> Option<RawRule> {
        let mut f = read::fields(self.sink, node, path, "Rule")?;
        let id = self.required_ref(&mut f, "id");
        let description = self.text(&mut f, "description");
        let source = f
            .require(self.sink, "source")
            .and_then(|n| self.source(n, &f.at("source")));
        let scope = f
            .require(self.sink, "when")
            .and_then(|n| self.scope(n, &f.at("when")));
        let effect = f
            .require(self.sink, "effect")
            .and_then(|n| self.effect(n, &f.at("effect")));
        f.finish(self.sink);
        Some(RawRule {
            id: id?,
            description,
            source: source?,
            scope: scope?,
            effect: effect?,
        })
    }

    fn source(&mut self, node: &Node, path: &str) -> Option<RawSource> {
        let (name, payload) = read::variant(self.sink, node, path)?;
        match (name.value.as_str(), payload) {
            ("Cell", Variant::Struct(mut f)) => {
                let sector = self.required_ref(&mut f, "sector");
                let row = f.require(self.sink, "row").and_then(|n| {
                    read::symbol(
                        self.sink,
                        n,
                        &f.at("row"),
                        &["motives", "advantages", "rewards", "risks"],
                    )
                });
                let item = self.required_ref(&mut f, "item");
                f.finish(self.sink);
                Some(RawSource::Cell {
                    sector: sector?,
                    row: row?.value,
                    item: item?,
                })
            }
            ("Text", Variant::Tuple([text])) => {
                let t = read::text(self.sink, text, path)?;
                if t.value.trim().is_empty() {
                    self.sink
                        .error(t.span, path, "a rule's source text must not be empty");
                    return None;
                }
                Some(RawSource::Text(t.value))
            }
            _ => {
                self.sink.error(
                    node.span,
                    path,
                    "expected `Cell(sector: ..., row: ..., item: ...)` or `Text(\"...\")`",
                );
                None
            }
        }
    }

    fn optional_test(&mut self, f: &mut read::Fields, name: &'static str) -> Option<RawTest> {
        let node = f.take(name)?;
        self.test(node, &f.at(name))
    }

    fn scope(&mut self, node: &Node, path: &str) -> Option<RawScope> {
        const SCOPES: [&str; 12] = [
            "Holds",
            "Pair",
            "Load",
            "Unserved",
            "Idle",
            "Unmet",
            "Shared",
            "Concentration",
            "Diversity",
            "Uncovered",
            "Additionality",
            "Financing",
        ];
        let (name, payload) = read::variant(self.sink, node, path)?;
        if !SCOPES.contains(&name.value.as_str()) {
            self.sink
                .error(
                    name.span,
                    path,
                    format!("unknown condition `{}`", name.value),
                )
                .suggest(&name.value, SCOPES);
            return None;
        }
        let unit = Node {
            span: node.span,
            kind: Kind::Unit,
        };
        let mut f = match payload {
            Variant::Struct(f) => f,
            Variant::Unit => read::fields(self.sink, &unit, path, "")?,
            Variant::Tuple(_) => {
                self.sink.error(
                    node.span,
                    path,
                    format!(
                        "`{}` takes named fields, e.g. `{}(who: Sector(\"business\"))`",
                        name.value, name.value
                    ),
                );
                return None;
            }
        };
        let scope = match name.value.as_str() {
            "Holds" => {
                let who = self.optional_test(&mut f, "who");
                let lead = f
                    .take("lead")
                    .and_then(|n| read::boolean(self.sink, n, &f.at("lead")))
                    .unwrap_or(false);
                RawScope::Holds { who, lead }
            }
            "Pair" => {
                let first = f
                    .require(self.sink, "first")
                    .and_then(|n| self.test(n, &f.at("first")));
                let second = f
                    .require(self.sink, "second")
                    .and_then(|n| self.test(n, &f.at("second")));
                f.finish(self.sink);
                return Some(RawScope::Pair {
                    first: first?,
                    second: second?,
                });
            }
            "Load" => {
                let who = self.optional_test(&mut f, "who");
                let roles = f.take("roles_above");
                let effort = f.take("effort_above");
                let limit = match (roles, effort) {
                    (Some(n), None) => read::integer(self.sink, n, &f.at("roles_above"), 0, 1000)
                        .map(|v| RawLimit::Roles(v.value as u32)),
                    (None, Some(n)) if matches!(&n.kind, Kind::Ident(i) if i == "capacity") => {
                        Some(RawLimit::Capacity(0.0))
                    }
                    (None, Some(n)) if matches!(&n.kind, Kind::Struct(Some(name), _) if name.text == "Capacity") =>
                    {
                        let path = f.at("effort_above");
                        let mut c = read::fields(self.sink, n, &path, "Capacity");
                        let plus = c.as_mut().and_then(|c| {
                            let node = c.require(self.sink, "plus")?;
                            read::number_in(self.sink, node, &c.at("plus"), 0.0, 100.0)
                        });
                        if let Some(c) = c {
                            c.finish(self.sink);
                        }
                        plus.map(|p| RawLimit::Capacity(p.value))
                    }
                    (None, Some(n)) => {
                        read::number_in(self.sink, n, &f.at("effort_above"), 0.0, 1000.0)
                            .map(|v| RawLimit::Effort(v.value))
                    }
                    _ => {
                        self.sink.error(f.span, path, "`Load` needs exactly one of `roles_above: N` or `effort_above: X` (a number, `capacity`, or `Capacity(plus: 0.5)`)");
                        None
                    }
                };
                f.finish(self.sink);
                return Some(RawScope::Load { who, limit: limit? });
            }
            "Unserved" => RawScope::Unserved {
                who: self.optional_test(&mut f, "who"),
            },
            "Idle" => RawScope::Idle {
                who: self.optional_test(&mut f, "who"),
            },
            "Unmet" => RawScope::Unmet {
                who: self.optional_test(&mut f, "who"),
            },
            "Shared" => {
                let who = self.optional_test(&mut f, "who");
                let at_least = f
                    .require(self.sink, "at_least")
                    .and_then(|n| read::integer(self.sink, n, &f.at("at_least"), 2, 1000));
                let same_sector = f
                    .take("same_sector")
                    .and_then(|n| read::boolean(self.sink, n, &f.at("same_sector")))
                    .unwrap_or(false);
                f.finish(self.sink);
                return Some(RawScope::Shared {
                    who,
                    at_least: at_least?.value as u32,
                    same_sector,
                });
            }
            "Concentration" => {
                let share = f
                    .require(self.sink, "share_above")
                    .and_then(|n| read::number_in(self.sink, n, &f.at("share_above"), 0.0, 1.0));
                let typical = match f.take("fair_roles") {
                    Some(n) => read::integer(self.sink, n, &f.at("fair_roles"), 0, 1000)
                        .map(|v| v.value as u32),
                    None => Some(0),
                };
                f.finish(self.sink);
                return Some(RawScope::Concentration {
                    share_above: share?.value,
                    fair_roles: typical?,
                });
            }
            "Diversity" => {
                let below = f
                    .require(self.sink, "below")
                    .and_then(|n| read::integer(self.sink, n, &f.at("below"), 1, 100));
                f.finish(self.sink);
                return Some(RawScope::Diversity {
                    below: below?.value as u32,
                });
            }
            "Additionality" => {
                let finding = f.require(self.sink, "finding").and_then(|n| {
                    read::symbol(
                        self.sink,
                        n,
                        &f.at("finding"),
                        &crate::kb::Finding::ALL.map(crate::kb::Finding::name),
                    )
                });
                let who = self.optional_test(&mut f, "who");
                f.finish(self.sink);
                return Some(RawScope::Additionality {
                    finding: finding?.value,
                    who,
                });
            }
            "Financing" => {
                let finding = f.require(self.sink, "finding").and_then(|n| {
                    read::symbol(
                        self.sink,
                        n,
                        &f.at("finding"),
                        &crate::kb::MoneyFinding::ALL.map(crate::kb::MoneyFinding::name),
                    )
                });
                let who = self.optional_test(&mut f, "who");
                f.finish(self.sink);
                return Some(RawScope::Financing {
                    finding: finding?.value,
                    who,
                });
            }
            _ => RawScope::Uncovered {
                role: self.optional_test(&mut f, "role"),
            },
        };
        f.finish(self.sink);
        Some(scope)
    }

    fn bounds(&mut self, f: &mut read::Fields, path: &str, max: f64) -> Option<Range> {
        let at_least = f
            .take("at_least")
            .and_then(|n| read::number_in(self.sink, n, &f.at("at_least"), 0.0, max));
        let below = f
            .take("below")
            .and_then(|n| read::number_in(self.sink, n, &f.at("below"), 0.0, max));
        if at_least.is_none() && below.is_none() {
            self.sink
                .error(f.span, path, "give `at_least`, `below`, or both");
            return None;
        }
        Some(Range {
            at_least: at_least.map(|v| v.value),
            below: below.map(|v| v.value),
        })
    }

    fn test(&mut self, node: &Node, path: &str) -> Option<RawTest> {
        const TESTS: [&str; 21] = [
            "All",
            "Either",
            "Not",
            "Sector",
            "Attribute",
            "Capability",
            "Role",
            "Trait",
            "Importance",
            "Fit",
            "BelowFitFloor",
            "Funds",
            "Serves",
            "Type",
            "Funder",
            "Supplier",
            "Grantee",
            "NeedsMoney",
            "Financed",
            "MoneyReaches",
            "Wants",
        ];
        let (name, payload) = read::variant(self.sink, node, path)?;
        let file = self.file;
        let kind = match (name.value.as_str(), payload) {
            ("All" | "Either", Variant::Tuple([list])) => {
                let items: Vec<RawTest> = read::list_of(self.sink, list, path, |sink, n, p| {
                    Decoder { sink, file }.test(n, p)
                });
                if name.value == "All" {
                    RawTestKind::All(items)
                } else {
                    RawTestKind::Either(items)
                }
            }
            ("Not", Variant::Tuple([inner])) => {
                RawTestKind::Not(Box::new(self.test(inner, &index_path(path, 0))?))
            }
            ("Sector", Variant::Tuple([id])) => RawTestKind::Sector(self.reference(id, path)?),
            ("Attribute", Variant::Tuple([id])) => {
                RawTestKind::Attribute(self.reference(id, path)?)
            }
            ("Role", Variant::Tuple([id])) => RawTestKind::Role(self.reference(id, path)?),
            ("Trait", Variant::Tuple([id])) => RawTestKind::Trait(self.reference(id, path)?),
            ("Type", Variant::Tuple([id])) => RawTestKind::Type(self.reference(id, path)?),
            ("Capability", Variant::Struct(mut f)) => {
                let id = self.required_ref(&mut f, "id");
                let b = self.bounds(&mut f, path, 1.0);
                f.finish(self.sink);
                RawTestKind::Capability(id?, b?)
            }
            ("Importance", Variant::Struct(mut f)) => {
                let b = self.bounds(&mut f, path, 6.0);
                f.finish(self.sink);
                RawTestKind::Importance(b?)
            }
            ("Fit", Variant::Struct(mut f)) => {
                let b = self.bounds(&mut f, path, 1.0);
                f.finish(self.sink);
                RawTestKind::Fit(b?)
            }
            ("Funds", Variant::Unit) => RawTestKind::Funds,
            ("Serves", Variant::Unit) => RawTestKind::Serves,
            ("BelowFitFloor", Variant::Unit) => RawTestKind::BelowFitFloor,
            ("Funder", Variant::Unit) => RawTestKind::Funder,
            ("Supplier", Variant::Unit) => RawTestKind::Supplier,
            ("Grantee", Variant::Unit) => RawTestKind::Grantee,
            ("NeedsMoney", Variant::Unit) => RawTestKind::NeedsMoney,
            ("Financed", Variant::Unit) => RawTestKind::Financed,
            ("MoneyReaches", Variant::Unit) => RawTestKind::MoneyReaches,
            ("Wants", Variant::Unit) => RawTestKind::Wants,
            (other, _) => {
                let shape = match other {
                    "All" | "Either" => {
                        Some("a list: `All([Sector(\"business\"), Trait(\"commercial\")])`")
                    }
                    "Not" => Some("one test: `Not(Funds)`"),
                    "Sector" | "Attribute" | "Role" | "Trait" | "Type" => {
                        Some("one id: `Sector(\"government\")`")
                    }
                    "Capability" => Some("`Capability(id: \"...\", at_least: 0.5)`"),
                    "Importance" | "Fit" => Some("bounds: `Fit(below: 0.35)`"),
                    "Funds" | "Serves" | "BelowFitFloor" | "Funder" | "Supplier" | "Grantee"
                    | "NeedsMoney" | "Financed" | "MoneyReaches" | "Wants" => {
                        Some("no arguments: `Funds`")
                    }
                    _ => None,
                };
                let e = self.sink.error(
                    node.span,
                    path,
                    match shape {
                        Some(shape) => format!("`{other}` is written with {shape}"),
                        None => format!("unknown test `{other}`"),
                    },
                );
                if shape.is_none() {
                    e.suggest(other, TESTS);
                }
                return None;
            }
        };
        Some(RawTest {
            file,
            span: node.span,
            path: path.to_string(),
            kind,
        })
    }

    fn effect(&mut self, node: &Node, path: &str) -> Option<RawEffect> {
        let mut f = read::fields(self.sink, node, path, "Effect")?;
        let forbid = f
            .take("forbid")
            .and_then(|n| read::boolean(self.sink, n, &f.at("forbid")))
            .unwrap_or(false);
        let stated = f.take("strength").and_then(|n| {
            read::symbol(self.sink, n, &f.at("strength"), &crate::kb::Strength::NAMES)
        });
        let strength = match (forbid, stated) {
            (true, Some(s)) if s.value != "forbid" => {
                self.sink.error(
                    s.span,
                    &f.at("strength"),
                    format!(
                        "`forbid: true` and `strength: {}` disagree: keep one",
                        s.value
                    ),
                );
                None
            }
            (true, _) => Some("forbid"),
            (false, s) => s.map(|s| s.value),
        };
        let per_importance = f
            .take("per")
            .and_then(|n| read::symbol(self.sink, n, &f.at("per"), &["unit", "importance"]))
            .is_some_and(|p| p.value == "importance");
        let penalty = f
            .take("penalty")
            .and_then(|n| read::number_in(self.sink, n, &f.at("penalty"), 0.0, 1000.0))
            .map_or(0.0, |v| v.value);
        let bonus = f
            .take("bonus")
            .and_then(|n| read::number_in(self.sink, n, &f.at("bonus"), 0.0, 1000.0))
            .map_or(0.0, |v| v.value);
        let flag = f.take("flag").and_then(|n| self.flag(n, &f.at("flag")));
        f.finish(self.sink);
        Some(RawEffect {
            span: node.span,
            path: path.to_string(),
            strength,
            penalty,
            bonus,
            per_importance,
            flag,
        })
    }

    fn flag(&mut self, node: &Node, path: &str) -> Option<RawFlag> {
        let mut f = read::fields(self.sink, node, path, "Flag")?;
        let kind = self.required_ref(&mut f, "kind");
        let severity = f.require(self.sink, "severity").and_then(|n| {
            read::symbol(self.sink, n, &f.at("severity"), &crate::kb::Severity::NAMES)
        });
        let message = f
            .require(self.sink, "message")
            .and_then(|n| read::text(self.sink, n, &f.at("message")));
        f.finish(self.sink);
        let message = message?;
        Some(RawFlag {
            kind: kind?,
            severity: severity?.value,
            message_span: message.span,
            message: message.value,
        })
    }
}
