//! `rolefit rules list|show --format json`. Fields are declared in the order the output has
//! always had (alphabetical).

use super::{describe_effect, describe_scope};
use crate::kb::{KnowledgeBase, RoleIx, Row, RuleIx, RuleSource, SectorIx, TypeIx};
use serde::Serialize;

/// Everything in force (`rules list`).
#[derive(Serialize)]
pub struct ListJson<'a> {
    attributes: Vec<TermJson<'a>>,
    capabilities: Vec<TermJson<'a>>,
    relations: Vec<RelationJson<'a>>,
    roles: Vec<RoleJson<'a>>,
    rules: Vec<RuleJson<'a>>,
    sectors: Vec<SectorJson<'a>>,
    settings: SettingsJson,
    traits: Vec<TermJson<'a>>,
    types: Vec<TypeJson<'a>>,
}

/// One entry (`rules show ID`), whatever it is; its `type` says which.
#[derive(Serialize)]
#[serde(untagged)]
pub enum ShowJson<'a> {
    /// A sector.
    Sector(SectorJson<'a>),
    /// A role.
    Role(RoleJson<'a>),
    /// A rule.
    Rule(RuleJson<'a>),
    /// A capability, with the capabilities it is counted from.
    Capability(CapabilityJson<'a>),
    /// An organisation type.
    Type(TypeJson<'a>),
    /// A trait or an attribute.
    Term(TypedTermJson<'a>),
}

/// The JSON shape of a sector of the knowledge base.
#[derive(Serialize)]
pub struct SectorJson<'a> {
    advantages: Vec<AdvantageJson<'a>>,
    id: &'a str,
    motives: Vec<ItemJson<'a>>,
    name: &'a str,
    origin: &'a str,
    rewards: Vec<ItemJson<'a>>,
    risks: Vec<ItemJson<'a>>,
    table: &'a str,
    r#type: &'static str,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    id: &'a str,
    label: &'a str,
    source: String,
}

#[derive(Serialize)]
struct AdvantageJson<'a> {
    id: &'a str,
    label: &'a str,
    source: String,
    strength: f64,
}

/// The JSON shape of a role of the knowledge base.
#[derive(Serialize)]
pub struct RoleJson<'a> {
    description: &'a str,
    effort: f64,
    id: &'a str,
    name: &'a str,
    needs: Vec<NeedJson<'a>>,
    serves: Vec<&'a str>,
    traits: Vec<&'a str>,
    r#type: &'static str,
}

#[derive(Serialize)]
struct NeedJson<'a> {
    capability: &'a str,
    weight: f64,
}

/// The JSON shape of a rule: its test, scope and effect.
#[derive(Serialize)]
pub struct RuleJson<'a> {
    description: &'a str,
    effect: EffectJson<'a>,
    id: &'a str,
    origin: &'a str,
    source: String,
    r#type: &'static str,
    when: String,
}

#[derive(Serialize)]
struct EffectJson<'a> {
    bonus: f64,
    flag: Option<FlagSpecJson<'a>>,
    forbid: bool,
    penalty: f64,
    per: &'static str,
    strength: &'static str,
    summary: String,
}

#[derive(Serialize)]
struct FlagSpecJson<'a> {
    kind: &'a str,
    message: &'a str,
    severity: &'static str,
}

/// The JSON shape of an organisation type and its defaults.
#[derive(Serialize)]
pub struct TypeJson<'a> {
    defaults: Vec<DefaultJson<'a>>,
    description: &'a str,
    id: &'a str,
    name: &'a str,
    origin: &'a str,
    sector: &'a str,
    r#type: &'static str,
}

#[derive(Serialize)]
struct DefaultJson<'a> {
    capability: &'a str,
    strength: f64,
}

#[derive(Serialize)]
struct RelationJson<'a> {
    capabilities: Vec<&'a str>,
    credit: f64,
    note: &'a str,
    one_way: bool,
}

#[derive(Serialize)]
struct TermJson<'a> {
    id: &'a str,
    label: &'a str,
}

/// A trait or an attribute shown on its own.
#[derive(Serialize)]
pub struct TypedTermJson<'a> {
    id: &'a str,
    label: &'a str,
    r#type: &'static str,
}

/// The JSON shape of a capability and where its credit comes from.
#[derive(Serialize)]
pub struct CapabilityJson<'a> {
    cell: Option<String>,
    counted_from: Vec<RelatedJson<'a>>,
    id: &'a str,
    label: &'a str,
    r#type: &'static str,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    capability: &'a str,
    cell: Option<String>,
    credit: f64,
    note: &'a str,
}

#[derive(Serialize)]
struct SettingsJson {
    assumed_weight: f64,
    default_capacity: u32,
    fit_floor: f64,
    min_sectors: u32,
    recruit_fit: f64,
    support_weight: f64,
}

fn sector(kb: &KnowledgeBase, s: SectorIx) -> SectorJson<'_> {
    let sec = kb.sector(s);
    let cell = |row: Row, id: &str| {
        kb.source_text(&RuleSource::Cell {
            sector: s,
            row,
            item: id.to_string(),
        })
    };
    let items = |row: Row| -> Vec<ItemJson<'_>> {
        sec.items(row)
            .into_iter()
            .map(|i| ItemJson {
                id: &i.id,
                label: &i.label,
                source: cell(row, &i.id),
            })
            .collect()
    };
    SectorJson {
        advantages: sec
            .advantages
            .iter()
            .map(|a| {
                let id = &kb.capability(a.capability).id;
                AdvantageJson {
                    id,
                    label: &a.label,
                    source: cell(Row::Advantages, id),
                    strength: a.strength,
                }
            })
            .collect(),
        id: &sec.id,
        motives: items(Row::Motives),
        name: &sec.name,
        origin: &sec.origin,
        rewards: items(Row::Rewards),
        risks: items(Row::Risks),
        table: &sec.table,
        r#type: "sector",
    }
}

fn role(kb: &KnowledgeBase, r: RoleIx) -> RoleJson<'_> {
    let role = kb.role(r);
    RoleJson {
        description: &role.description,
        effort: role.effort,
        id: &role.id,
        name: &role.name,
        needs: role
            .needs
            .iter()
            .map(|&(c, w)| NeedJson {
                capability: &kb.capability(c).id,
                weight: w,
            })
            .collect(),
        serves: role
            .serves
            .iter()
            .map(|m| kb.motives[m.index()].id.as_str())
            .collect(),
        traits: role
            .traits
            .iter()
            .map(|t| kb.traits[t.index()].id.as_str())
            .collect(),
        r#type: "role",
    }
}

fn rule(kb: &KnowledgeBase, r: RuleIx) -> RuleJson<'_> {
    let rule = kb.rule(r);
    let e = &rule.effect;
    RuleJson {
        description: &rule.description,
        effect: EffectJson {
            bonus: e.bonus,
            flag: e.flag.as_ref().map(|f| FlagSpecJson {
                kind: &f.kind,
                message: &f.message,
                severity: f.severity.name(),
            }),
            forbid: e.is_forbid(),
            penalty: e.penalty,
            per: e.per.name(),
            strength: e.strength.name(),
            summary: describe_effect(e),
        },
        id: &rule.id,
        origin: &rule.origin,
        source: kb.source_text(&rule.source),
        r#type: "rule",
        when: describe_scope(kb, &rule.scope),
    }
}

fn org_type(kb: &KnowledgeBase, t: TypeIx) -> TypeJson<'_> {
    let ty = &kb.types[t.index()];
    TypeJson {
        defaults: ty
            .strengths
            .iter()
            .map(|&(c, v)| DefaultJson {
                capability: &kb.capability(c).id,
                strength: v,
            })
            .collect(),
        description: &ty.description,
        id: &ty.id,
        name: &ty.name,
        origin: &ty.origin,
        sector: &kb.sector(ty.sector).id,
        r#type: "organisation_type",
    }
}

fn term<'a>(id: &'a str, label: &'a str) -> TermJson<'a> {
    TermJson { id, label }
}

/// The knowledge base in force as JSON (`rolefit rules list`).
pub fn list(kb: &KnowledgeBase) -> ListJson<'_> {
    let s = &kb.settings;
    ListJson {
        attributes: kb
            .attributes
            .iter()
            .map(|t| term(&t.id, &t.label))
            .collect(),
        capabilities: kb
            .capabilities
            .iter()
            .map(|c| term(&c.id, &c.label))
            .collect(),
        relations: kb
            .relations
            .iter()
            .map(|r| RelationJson {
                capabilities: r
                    .capabilities
                    .iter()
                    .map(|&c| kb.capability(c).id.as_str())
                    .collect(),
                credit: r.credit,
                note: &r.note,
                one_way: r.directed,
            })
            .collect(),
        roles: (0..kb.roles.len())
            .map(|r| role(kb, RoleIx(r as u32)))
            .collect(),
        rules: (0..kb.rules.len())
            .map(|r| rule(kb, RuleIx(r as u32)))
            .collect(),
        sectors: (0..kb.sectors.len())
            .map(|s| sector(kb, SectorIx(s as u32)))
            .collect(),
        settings: SettingsJson {
            assumed_weight: s.assumed_weight,
            default_capacity: s.default_capacity,
            fit_floor: s.fit_floor,
            min_sectors: s.min_sectors,
            recruit_fit: s.recruit_fit,
            support_weight: s.support_weight,
        },
        traits: kb.traits.iter().map(|t| term(&t.id, &t.label)).collect(),
        types: (0..kb.types.len())
            .map(|t| org_type(kb, TypeIx(t as u32)))
            .collect(),
    }
}

/// The entry `id` names, as JSON; `None` if no entry has that id.
pub fn show<'a>(kb: &'a KnowledgeBase, id: &'a str) -> Option<ShowJson<'a>> {
    if let Some(s) = kb.sector_by_id(id) {
        return Some(ShowJson::Sector(sector(kb, s)));
    }
    if let Some(r) = kb.role_by_id(id) {
        return Some(ShowJson::Role(role(kb, r)));
    }
    if let Some(r) = kb.rule_by_id(id) {
        return Some(ShowJson::Rule(rule(kb, r)));
    }
    if let Some(c) = kb.capability_by_id(id) {
        let counted_from = kb.related[c.index()]
            .iter()
            .map(|r| RelatedJson {
                capability: &kb.capability(r.capability).id,
                cell: kb.capability_cell(r.capability),
                credit: r.credit,
                note: &kb.relations[r.relation].note,
            })
            .collect();
        return Some(ShowJson::Capability(CapabilityJson {
            cell: kb.capability_cell(c),
            counted_from,
            id,
            label: &kb.capability(c).label,
            r#type: "capability",
        }));
    }
    if let Some(t) = kb.type_by_id(id) {
        return Some(ShowJson::Type(org_type(kb, t)));
    }
    let typed = |kind: &'static str, t: &'a crate::kb::Term| TypedTermJson {
        id: &t.id,
        label: &t.label,
        r#type: kind,
    };
    if let Some(t) = kb.traits.iter().find(|t| t.id == id) {
        return Some(ShowJson::Term(typed("trait", t)));
    }
    kb.attributes
        .iter()
        .find(|a| a.id == id)
        .map(|a| ShowJson::Term(typed("attribute", a)))
}
