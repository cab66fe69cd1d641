//! `rolefit rules list|show` as text: the knowledge base with the Table 1 cell behind each entry.

use super::{describe_effect, describe_scope};
use crate::kb::{KnowledgeBase, Row, RuleSource, SectorIx};
use std::fmt::Write;

/// Rules whose source is a cell of this sector and row, with that item.
fn rules_citing(kb: &KnowledgeBase, sector: SectorIx, row: Row, item: &str) -> Vec<String> {
    kb.rules
        .iter()
        .filter(|r| matches!(&r.source, RuleSource::Cell { sector: s, row: w, item: i } if *s == sector && *w == row && i == item))
        .map(|r| r.id.clone())
        .collect()
}

/// The knowledge base in force as text (`rolefit rules list`): counts, then each kind of entry.
pub fn list(kb: &KnowledgeBase) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Knowledge base: {} sectors, {} capabilities, {} roles, {} rules\n",
        kb.sectors.len(),
        kb.capabilities.len(),
        kb.roles.len(),
        kb.rules.len()
    );
    let _ = writeln!(out, "Sectors (rolefit rules show SECTOR for every cell)");
    for s in &kb.sectors {
        let _ = writeln!(
            out,
            "  {:<18} {} ({}): {} motives, {} advantages, {} rewards, {} risks",
            s.id,
            s.name,
            s.table,
            s.motives.len(),
            s.advantages.len(),
            s.rewards.len(),
            s.risks.len()
        );
    }
    let _ = writeln!(out, "\nRoles");
    for r in &kb.roles {
        let traits: Vec<&str> = r
            .traits
            .iter()
            .map(|t| kb.traits[t.index()].id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "  {:<24} {} [{}] effort {}",
            r.id,
            r.description,
            traits.join(", "),
            r.effort
        );
    }
    let _ = writeln!(out, "\nRules");
    for r in &kb.rules {
        let _ = writeln!(out, "  {}", r.id);
        let _ = writeln!(out, "      when   {}", describe_scope(kb, &r.scope));
        let _ = writeln!(out, "      effect {}", describe_effect(&r.effect));
        let _ = writeln!(out, "      source {}", kb.source_text(&r.source));
    }
    let _ = writeln!(
        out,
        "\nOrganisation types (rolefit rules show TYPE for its defaults and fits)"
    );
    for t in &kb.types {
        let _ = writeln!(
            out,
            "  {:<32} {:<16} {}",
            t.id,
            kb.sector(t.sector).id,
            t.name
        );
    }
    let _ = writeln!(
        out,
        "\nRelated labels across Table 1's columns (a strength in one counts toward the other)"
    );
    for r in &kb.relations {
        let ids: Vec<&str> = r
            .capabilities
            .iter()
            .map(|&c| kb.capability(c).id.as_str())
            .collect();
        let link = if r.directed {
            format!("{} -> {}", ids[0], ids[1..].join(", "))
        } else {
            ids.join(" ~ ")
        };
        let _ = writeln!(out, "  {link} (credit {})", r.credit);
    }
    let _ = writeln!(out, "\nTraits (of roles)");
    for t in &kb.traits {
        let _ = writeln!(out, "  {:<22} {}", t.id, t.label);
    }
    let _ = writeln!(out, "\nAttributes (of partners)");
    for t in &kb.attributes {
        let _ = writeln!(out, "  {:<28} {}", t.id, t.label);
    }
    out
}

fn show_sector(kb: &KnowledgeBase, s: SectorIx) -> String {
    let sector = kb.sector(s);
    let mut out = format!(
        "{}: {} ({}), defined in {}\n",
        sector.id, sector.name, sector.table, sector.origin
    );
    for row in Row::ALL {
        let _ = writeln!(out, "\n{}", row.title());
        let entries: Vec<(String, String, Option<f64>)> = match row {
            Row::Advantages => sector
                .advantages
                .iter()
                .map(|a| {
                    (
                        kb.capability(a.capability).id.clone(),
                        a.label.clone(),
                        Some(a.strength),
                    )
                })
                .collect(),
            _ => sector
                .items(row)
                .iter()
                .map(|i| (i.id.clone(), i.label.clone(), None))
                .collect(),
        };
        for (id, _label, strength) in entries {
            let strength = strength
                .map(|v| format!(" (default strength {v})"))
                .unwrap_or_default();
            let source = kb.source_text(&RuleSource::Cell {
                sector: s,
                row,
                item: id.clone(),
            });
            let rules = rules_citing(kb, s, row, &id);
            let rules = if rules.is_empty() {
                String::new()
            } else {
                format!("\n      rules: {}", rules.join(", "))
            };
            let _ = writeln!(out, "  {id}{strength}\n      source: {source}{rules}");
        }
    }
    let mut fits: Vec<(f64, &str)> = (0..kb.roles.len())
        .map(|r| {
            (
                kb.sector_fit(s, crate::kb::RoleIx(r as u32)),
                kb.roles[r].id.as_str(),
            )
        })
        .collect();
    fits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let _ = writeln!(out, "\ntypical fit to each role");
    for (f, r) in fits {
        let _ = writeln!(out, "  {f:.2} {r}");
    }
    out
}

/// An organisation type: its sector, its defaults, and the roles a typical member fits best.
fn show_type(kb: &KnowledgeBase, t: crate::kb::TypeIx) -> String {
    let ty = &kb.types[t.index()];
    let mut out = format!(
        "{}: {} ({} type), defined in {}\n  {}\n\ndefaults (replacing the sector's; assumed until a partner states its own)\n",
        ty.id,
        ty.name,
        kb.sector(ty.sector).id,
        ty.origin,
        ty.description
    );
    for &(cap, v) in &ty.strengths {
        let _ = writeln!(out, "  {:<40} {v}", kb.capability(cap).id);
    }
    let mut fits: Vec<(f64, &str)> = (0..kb.roles.len())
        .map(|r| {
            let r = crate::kb::RoleIx(r as u32);
            (kb.type_fit(t, r), kb.role(r).id.as_str())
        })
        .collect();
    fits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let _ = writeln!(out, "\ntypical fit, best roles first");
    for (f, role) in fits.iter().take(6) {
        let _ = writeln!(out, "  {role:<24} {f:.2}");
    }
    out
}

/// The entry `id` names (sector, role, rule, capability, type, trait or attribute) as text; `None`
/// if none has it.
pub fn show(kb: &KnowledgeBase, id: &str) -> Option<String> {
    if let Some(s) = kb.sector_by_id(id) {
        return Some(show_sector(kb, s));
    }
    if let Some(r) = kb.role_by_id(id) {
        let role = kb.role(r);
        let mut out = format!(
            "{}: {}\n  {}\n  effort {}\n\nneeds\n",
            role.id, role.name, role.description, role.effort
        );
        for &(cap, w) in &role.needs {
            let _ = writeln!(out, "  {:<40} {:.0}%", kb.capability(cap).id, w * 100.0);
        }
        let traits: Vec<&str> = role
            .traits
            .iter()
            .map(|t| kb.traits[t.index()].id.as_str())
            .collect();
        let serves: Vec<&str> = role
            .serves
            .iter()
            .map(|m| kb.motives[m.index()].id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "\ntraits: {}\nserves motives: {}\n\ntypical fit by sector",
            traits.join(", "),
            serves.join(", ")
        );
        for (i, s) in kb.sectors.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:<18} {:.2}",
                s.id,
                kb.sector_fit(SectorIx(i as u32), r)
            );
        }
        return Some(out);
    }
    if let Some(r) = kb.rule_by_id(id) {
        let rule = kb.rule(r);
        let mut out = format!("{}: {}\n", rule.id, rule.description);
        let _ = writeln!(out, "  when    {}", describe_scope(kb, &rule.scope));
        let _ = writeln!(out, "  effect  {}", describe_effect(&rule.effect));
        if let Some(f) = &rule.effect.flag {
            let _ = writeln!(out, "  message {}", f.message);
        }
        let _ = writeln!(out, "  source  {}", kb.source_text(&rule.source));
        let _ = writeln!(out, "  defined in {}", rule.origin);
        return Some(out);
    }
    if let Some(c) = kb.capability_by_id(id) {
        let mut out = format!(
            "{}: capability \"{}\"\n\nsectors with it as a comparative advantage\n",
            id,
            kb.capability(c).label
        );
        for s in &kb.sectors {
            if let Some(a) = s.advantages.iter().find(|a| a.capability == c) {
                let _ = writeln!(out, "  {:<18} default strength {}", s.id, a.strength);
            }
        }
        let _ = writeln!(out, "\nroles that need it");
        for r in &kb.roles {
            if let Some((_, w)) = r.needs.iter().find(|(cap, _)| *cap == c) {
                let _ = writeln!(out, "  {:<24} {:.0}%", r.id, w * 100.0);
            }
        }
        if !kb.related[c.index()].is_empty() {
            let _ = writeln!(out, "\nother labels that count toward it");
            for rel in &kb.related[c.index()] {
                let cell = kb.capability_cell(rel.capability).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {:<40} x{}  ({cell})\n      {}",
                    kb.capability(rel.capability).id,
                    rel.credit,
                    kb.relations[rel.relation].note
                );
            }
        }
        return Some(out);
    }
    if let Some(t) = kb.type_by_id(id) {
        return Some(show_type(kb, t));
    }
    if let Some(t) = kb.traits.iter().find(|t| t.id == id) {
        let roles: Vec<&str> = kb
            .roles
            .iter()
            .filter(|r| r.traits.iter().any(|x| kb.traits[x.index()].id == id))
            .map(|r| r.id.as_str())
            .collect();
        return Some(format!(
            "{}: trait \"{}\"\n  roles: {}\n",
            t.id,
            t.label,
            roles.join(", ")
        ));
    }
    if let Some(a) = kb.attributes.iter().find(|a| a.id == id) {
        return Some(format!("{}: partner attribute \"{}\"\n", a.id, a.label));
    }
    None
}
