//! `rolefit rules list|show --format json`.

use super::{describe_effect, describe_scope};
use crate::kb::{KnowledgeBase, Row, RuleSource, SectorIx};
use serde_json::{Value, json};

fn sector(kb: &KnowledgeBase, s: SectorIx) -> Value {
    let sec = kb.sector(s);
    let cell = |row: Row, id: &str| {
        kb.source_text(&RuleSource::Cell {
            sector: s,
            row,
            item: id.to_string(),
        })
    };
    let items = |row: Row| -> Vec<Value> {
        sec.items(row)
            .iter()
            .map(|i| json!({"id": i.id, "label": i.label, "source": cell(row, &i.id)}))
            .collect()
    };
    json!({
        "type": "sector",
        "id": sec.id,
        "name": sec.name,
        "table": sec.table,
        "origin": sec.origin,
        "motives": items(Row::Motives),
        "advantages": sec.advantages.iter().map(|a| {
            let id = &kb.capability(a.capability).id;
            json!({"id": id, "label": a.label, "strength": a.strength, "source": cell(Row::Advantages, id)})
        }).collect::<Vec<_>>(),
        "rewards": items(Row::Rewards),
        "risks": items(Row::Risks),
    })
}

fn role(kb: &KnowledgeBase, r: crate::kb::RoleIx) -> Value {
    let role = kb.role(r);
    json!({
        "type": "role",
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "needs": role.needs.iter().map(|&(c, w)| json!({"capability": kb.capability(c).id, "weight": w})).collect::<Vec<_>>(),
        "traits": role.traits.iter().map(|t| kb.traits[t.index()].id.clone()).collect::<Vec<_>>(),
        "serves": role.serves.iter().map(|m| kb.motives[m.index()].id.clone()).collect::<Vec<_>>(),
        "effort": role.effort,
    })
}

fn rule(kb: &KnowledgeBase, r: crate::kb::RuleIx) -> Value {
    let rule = kb.rule(r);
    json!({
        "type": "rule",
        "id": rule.id,
        "description": rule.description,
        "when": describe_scope(kb, &rule.scope),
        "effect": {
            "forbid": rule.effect.is_forbid(),
            "strength": rule.effect.strength.name(),
            "penalty": rule.effect.penalty,
            "bonus": rule.effect.bonus,
            "per": rule.effect.per.name(),
            "summary": describe_effect(&rule.effect),
            "flag": rule.effect.flag.as_ref().map(|f| json!({"kind": f.kind, "severity": f.severity.name(), "message": f.message})),
        },
        "source": kb.source_text(&rule.source),
        "origin": rule.origin,
    })
}

pub fn list(kb: &KnowledgeBase) -> Value {
    json!({
        "sectors": (0..kb.sectors.len()).map(|s| sector(kb, SectorIx(s as u32))).collect::<Vec<_>>(),
        "roles": (0..kb.roles.len()).map(|r| role(kb, crate::kb::RoleIx(r as u32))).collect::<Vec<_>>(),
        "rules": (0..kb.rules.len()).map(|r| rule(kb, crate::kb::RuleIx(r as u32))).collect::<Vec<_>>(),
        "types": (0..kb.types.len()).map(|t| org_type(kb, crate::kb::TypeIx(t as u32))).collect::<Vec<_>>(),
        "relations": kb.relations.iter().map(|r| json!({
            "capabilities": r.capabilities.iter().map(|&c| kb.capability(c).id.clone()).collect::<Vec<_>>(),
            "one_way": r.directed,
            "credit": r.credit,
            "note": r.note,
        })).collect::<Vec<_>>(),
        "capabilities": kb.capabilities.iter().map(|c| json!({"id": c.id, "label": c.label})).collect::<Vec<_>>(),
        "traits": kb.traits.iter().map(|t| json!({"id": t.id, "label": t.label})).collect::<Vec<_>>(),
        "attributes": kb.attributes.iter().map(|t| json!({"id": t.id, "label": t.label})).collect::<Vec<_>>(),
        "settings": {
            "support_weight": kb.settings.support_weight,
            "min_sectors": kb.settings.min_sectors,
            "recruit_fit": kb.settings.recruit_fit,
            "default_capacity": kb.settings.default_capacity,
            "assumed_weight": kb.settings.assumed_weight,
            "fit_floor": kb.settings.fit_floor,
        },
    })
}

fn org_type(kb: &KnowledgeBase, t: crate::kb::TypeIx) -> Value {
    let ty = &kb.types[t.index()];
    json!({
        "type": "organisation_type",
        "id": ty.id,
        "name": ty.name,
        "sector": kb.sector(ty.sector).id,
        "description": ty.description,
        "defaults": ty.strengths.iter().map(|&(c, v)| json!({"capability": kb.capability(c).id, "strength": v})).collect::<Vec<_>>(),
        "origin": ty.origin,
    })
}

pub fn show(kb: &KnowledgeBase, id: &str) -> Option<Value> {
    if let Some(s) = kb.sector_by_id(id) {
        return Some(sector(kb, s));
    }
    if let Some(r) = kb.role_by_id(id) {
        return Some(role(kb, r));
    }
    if let Some(r) = kb.rule_by_id(id) {
        return Some(rule(kb, r));
    }
    if let Some(c) = kb.capability_by_id(id) {
        let related: Vec<Value> = kb.related[c.index()]
            .iter()
            .map(|r| {
                json!({
                    "capability": kb.capability(r.capability).id,
                    "credit": r.credit,
                    "cell": kb.capability_cell(r.capability),
                    "note": kb.relations[r.relation].note,
                })
            })
            .collect();
        return Some(json!({
            "type": "capability",
            "id": id,
            "label": kb.capability(c).label,
            "cell": kb.capability_cell(c),
            "counted_from": related,
        }));
    }
    if let Some(t) = kb.type_by_id(id) {
        return Some(org_type(kb, t));
    }
    if let Some(t) = kb.traits.iter().find(|t| t.id == id) {
        return Some(json!({"type": "trait", "id": t.id, "label": t.label}));
    }
    kb.attributes
        .iter()
        .find(|a| a.id == id)
        .map(|a| json!({"type": "attribute", "id": a.id, "label": a.label}))
}
