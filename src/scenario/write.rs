//! Scenario parts back to RON text that `scenario::load` reads to the same values: what `import`
//! writes for a sheet's partners and what the workshop's Save writes as a variant.
//!
//! Strings are written with Rust's `{:?}`, whose escapes the RON parser reads back; numbers with
//! `{}`, the shortest text that reads back to the same `f64`.

use super::{Partner, PartnerChange, Pin, Variant};
use crate::kb::{KnowledgeBase, RoleIx};
use std::fmt::Write;

fn quoted_list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ")
}

fn roles<'a>(kb: &'a KnowledgeBase, roles: &'a [RoleIx]) -> impl Iterator<Item = &'a str> {
    roles.iter().map(|r| kb.role(*r).id.as_str())
}

/// `Partner(...)` with its stated capabilities (the others stay sector defaults), indented by
/// `indent` spaces, ending in `),\n`.
pub fn partner(kb: &KnowledgeBase, p: &Partner, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = format!(
        "{pad}Partner(\n{pad}    id: {:?},\n{pad}    name: {:?},\n{pad}    sector: {:?},\n{pad}    capacity: {},\n",
        p.id,
        p.name,
        kb.sector(p.sector).id,
        p.capacity
    );
    if let Some(t) = p.org_type {
        let _ = writeln!(out, "{pad}    type: {:?},", kb.types[t.index()].id);
    }
    if !p.stated.is_empty() {
        let caps: Vec<String> = p
            .stated
            .iter()
            .map(|&c| format!("{:?}: {}", kb.capability(c).id, p.strength(c)))
            .collect();
        let _ = writeln!(out, "{pad}    capabilities: {{ {} }},", caps.join(", "));
    }
    for (field, list) in [
        ("refuses", &p.refuses),
        ("funds", &p.funds),
        ("supplies", &p.supplies),
        ("wants", &p.wants),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "{pad}    {field}: [{}],", quoted_list(roles(kb, list)));
        }
    }
    if !p.funded_by.is_empty() {
        let _ = writeln!(
            out,
            "{pad}    funded_by: [{}],",
            quoted_list(p.funded_by.iter().map(String::as_str))
        );
    }
    if !p.attributes.is_empty() {
        let _ = writeln!(
            out,
            "{pad}    attributes: [{}],",
            quoted_list(
                p.attributes
                    .iter()
                    .map(|a| kb.attributes[a.index()].id.as_str())
            )
        );
    }
    let _ = writeln!(out, "{pad}),");
    out
}

fn change(kb: &KnowledgeBase, c: &PartnerChange) -> String {
    let mut fields = vec![format!("partner: {:?}", c.partner)];
    if let Some(cap) = c.capacity {
        fields.push(format!("capacity: {cap}"));
    }
    if !c.capabilities.is_empty() {
        let caps: Vec<String> = c
            .capabilities
            .iter()
            .map(|&(cap, v)| format!("{:?}: {v}", kb.capability(cap).id))
            .collect();
        fields.push(format!("capabilities: {{ {} }}", caps.join(", ")));
    }
    if let Some(w) = &c.wants {
        fields.push(format!("wants: [{}]", quoted_list(roles(kb, w))));
    }
    format!("Change({})", fields.join(", "))
}

fn pin(kb: &KnowledgeBase, p: &Pin) -> String {
    let lead = if p.lead { ", lead: true" } else { "" };
    format!(
        "Pin(partner: {:?}, role: {:?}{lead})",
        p.partner,
        kb.role(p.role).id
    )
}

/// `Variant(...)` with only the fields it uses, indented by `indent` spaces, ending in `),\n`;
/// each line of `comment` becomes a `//` line inside it (so replacing the variant replaces it).
pub fn variant(kb: &KnowledgeBase, v: &Variant, indent: usize, comment: &[String]) -> String {
    let pad = " ".repeat(indent);
    let mut out = format!("{pad}Variant(\n");
    for line in comment {
        let _ = writeln!(out, "{pad}    // {line}");
    }
    let _ = writeln!(out, "{pad}    name: {:?},", v.name);
    if !v.remove.is_empty() {
        let _ = writeln!(
            out,
            "{pad}    remove: [{}],",
            quoted_list(v.remove.iter().map(String::as_str))
        );
    }
    if !v.add.is_empty() {
        let _ = writeln!(out, "{pad}    add: [");
        for p in &v.add {
            out.push_str(&partner(kb, p, indent + 8));
        }
        let _ = writeln!(out, "{pad}    ],");
    }
    let lists: [(&str, Vec<String>); 3] = [
        ("change", v.change.iter().map(|c| change(kb, c)).collect()),
        (
            "forbid",
            v.forbid
                .iter()
                .map(|(p, r)| format!("Forbid(partner: {p:?}, role: {:?})", kb.role(*r).id))
                .collect(),
        ),
        ("pins", v.pins.iter().map(|p| pin(kb, p)).collect()),
    ];
    for (field, items) in lists {
        if !items.is_empty() {
            let _ = writeln!(out, "{pad}    {field}: [");
            for item in items {
                let _ = writeln!(out, "{pad}        {item},");
            }
            let _ = writeln!(out, "{pad}    ],");
        }
    }
    let _ = writeln!(out, "{pad}),");
    out
}
