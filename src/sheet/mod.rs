//! Partner spreadsheets: one row per partner (id, name, sector, capacity, a column per
//! capability, refuses, funds, attributes) -> validated partners, with every bad cell reported
//! by row and column; and the scenario file `rolefit import` writes from them.

use crate::diag::{Diagnostic, Level, closest};
use crate::kb::{AttrIx, CapIx, KnowledgeBase, RoleIx};
use crate::load::{Cell, Table};
use crate::ron::read::{is_snake_id, snake_id};
use crate::scenario::{LIMITS, Need, Partner};
use std::fmt::Write;

/// Columns that are not capabilities.
const FIXED: [&str; 11] = [
    "id",
    "name",
    "sector",
    "type",
    "capacity",
    "refuses",
    "funds",
    "funded_by",
    "supplies",
    "wants",
    "attributes",
];

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Fixed(&'static str),
    Capability(CapIx),
    /// An unknown column (already reported).
    Unknown,
}

/// Spreadsheet columns are named A, B, ..., Z, AA, ...
fn letter(col: usize) -> String {
    let mut n = col + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

struct Report<'a> {
    table: &'a Table,
    header: Vec<String>,
    diags: Vec<Diagnostic>,
}

impl Report<'_> {
    fn error(&mut self, row: usize, col: usize, message: String) -> &mut Diagnostic {
        let column = self.header.get(col).cloned().unwrap_or_default();
        let mut d = Diagnostic::whole_file(Level::Error, &self.table.name, message);
        d.line = row as u32 + 1;
        d.column = col as u32 + 1;
        d.path = format!("row {}, column {} ({column})", row + 1, letter(col));
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }
}

/// Reads the partners of a sheet; `None` when any cell is wrong (all problems are listed).
pub fn partners(kb: &KnowledgeBase, table: &Table) -> (Option<Vec<Partner>>, Vec<Diagnostic>) {
    let header: Vec<String> = table
        .rows
        .first()
        .map(|r| r.iter().map(|c| c.text().to_lowercase()).collect())
        .unwrap_or_default();
    let mut rep = Report {
        table,
        header: header.clone(),
        diags: Vec::new(),
    };
    if header.iter().all(String::is_empty) {
        rep.diags.push(Diagnostic::whole_file(
            Level::Error,
            &table.name,
            "the sheet is empty: its first row must name the columns (id, name, sector, type, capacity, capabilities, refuses, funds, funded_by, supplies, wants, attributes)",
        ));
        return (None, rep.diags);
    }
    let known: Vec<&str> = FIXED
        .iter()
        .copied()
        .chain(kb.capabilities.iter().map(|c| c.id.as_str()))
        .collect();
    let mut columns = Vec::new();
    for (col, name) in header.iter().enumerate() {
        let key = snake_id(name);
        let column = if let Some(f) = FIXED.iter().find(|f| **f == key) {
            Column::Fixed(f)
        } else if let Some(cap) = kb.capability_by_id(&key) {
            Column::Capability(cap)
        } else if name.is_empty() {
            Column::Unknown
        } else {
            let e = rep.error(0, col, format!("unknown column `{name}`: expected id, name, sector, type, capacity, refuses, funds, funded_by, supplies, wants, attributes or a capability id"));
            if let Some(c) = closest(&key, known.iter().copied()) {
                e.help(format!("did you mean `{c}`?"));
            }
            Column::Unknown
        };
        if columns.contains(&column) && column != Column::Unknown {
            rep.error(0, col, format!("column `{name}` is given twice"));
        }
        columns.push(column);
    }
    let sector_known = columns.contains(&Column::Fixed("type"));
    for required in ["id", "sector"] {
        // A partner's organisation type names its sector.
        if required == "sector" && sector_known {
            continue;
        }
        if !columns.contains(&Column::Fixed(required)) {
            rep.diags.push(Diagnostic::whole_file(
                Level::Error,
                &table.name,
                format!("the sheet has no `{required}` column"),
            ));
        }
    }
    let data: Vec<(usize, &Vec<Cell>)> = table
        .rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| !r.iter().all(Cell::is_empty))
        .collect();
    if data.len() > LIMITS.partners {
        rep.diags.push(Diagnostic::whole_file(
            Level::Error,
            &table.name,
            format!(
                "{} partner rows is more than the limit of {}",
                data.len(),
                LIMITS.partners
            ),
        ));
        return (None, rep.diags);
    }
    if data.is_empty() {
        rep.diags.push(Diagnostic::whole_file(
            Level::Error,
            &table.name,
            "the sheet has no partner rows under its header",
        ));
    }
    let mut out: Vec<Partner> = Vec::new();
    for (row, cells) in data {
        if let Some(p) = partner_row(kb, &mut rep, &columns, row, cells)
            && !out.iter().any(|o| o.id == p.id)
        {
            out.push(p);
        } else if let Some(col) = columns.iter().position(|c| *c == Column::Fixed("id")) {
            let id = cells.get(col).map(Cell::text).unwrap_or_default();
            if out.iter().any(|o| o.id == id) {
                rep.error(row, col, format!("partner id `{id}` is used twice"));
            }
        }
    }
    let ok = !rep.diags.iter().any(Diagnostic::is_error);
    (ok.then_some(out), rep.diags)
}

/// A list cell: ids separated by `;`, `,` or spaces.
fn ids(cell: &Cell) -> Vec<String> {
    cell.text()
        .split([';', ',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn partner_row(
    kb: &KnowledgeBase,
    rep: &mut Report,
    columns: &[Column],
    row: usize,
    cells: &[Cell],
) -> Option<Partner> {
    let before = rep.diags.len();
    let (mut id, mut name, mut sector, mut capacity) =
        (None, None, None, kb.settings.default_capacity);
    let mut stated: Vec<(CapIx, f64)> = Vec::new();
    let mut refuses: Vec<RoleIx> = Vec::new();
    let mut funds: Vec<RoleIx> = Vec::new();
    let mut supplies: Vec<RoleIx> = Vec::new();
    let mut wants: Vec<RoleIx> = Vec::new();
    let mut funded_by: Vec<String> = Vec::new();
    let mut org_type: Option<(usize, crate::kb::TypeIx)> = None;
    let mut attributes: Vec<AttrIx> = Vec::new();
    for (col, column) in columns.iter().enumerate() {
        let cell = cells.get(col).unwrap_or(&Cell::Empty);
        if cell.is_empty() {
            continue;
        }
        let text = cell.text();
        match column {
            Column::Fixed("id") => {
                if is_snake_id(&text) {
                    id = Some(text);
                } else {
                    let fixed = snake_id(&text);
                    let e = rep.error(
                        row,
                        col,
                        format!(
                            "`{text}` is not a valid id: ids are lower snake_case (a-z, 0-9, `_`)"
                        ),
                    );
                    if is_snake_id(&fixed) {
                        e.help(format!("write `{fixed}`"));
                    }
                }
            }
            Column::Fixed("name") => name = Some(text),
            Column::Fixed("sector") => match kb.sector_by_id(&text) {
                Some(s) => sector = Some(s),
                None => {
                    rep.error(row, col, format!("unknown sector `{text}`"))
                        .suggest(&text, kb.sectors.iter().map(|s| s.id.as_str()));
                }
            },
            Column::Fixed("capacity") => match number(cell) {
                Some(v) if v.fract() == 0.0 && (0.0..=LIMITS.capacity as f64).contains(&v) => {
                    capacity = v as u32
                }
                _ => {
                    rep.error(
                        row,
                        col,
                        format!(
                            "capacity `{text}` must be a whole number from 0 to {}",
                            LIMITS.capacity
                        ),
                    );
                }
            },
            Column::Fixed("type") => match crate::scenario::type_by_id(kb, &text) {
                Ok(t) => org_type = Some((col, t)),
                Err(message) => {
                    rep.error(row, col, message)
                        .suggest(&text, kb.types.iter().map(|t| t.id.as_str()));
                }
            },
            Column::Fixed("funded_by") => {
                for f in ids(cell) {
                    if is_snake_id(&f) {
                        funded_by.push(f);
                    } else {
                        rep.error(row, col, format!("`{f}` is not a partner id"));
                    }
                }
            }
            Column::Fixed(list @ ("refuses" | "funds" | "supplies" | "wants")) => {
                for r in ids(cell) {
                    match kb.role_by_id(&r) {
                        Some(ix) if *list == "refuses" => refuses.push(ix),
                        Some(ix) if *list == "supplies" => supplies.push(ix),
                        Some(ix) if *list == "wants" => wants.push(ix),
                        Some(ix) => funds.push(ix),
                        None => {
                            rep.error(row, col, format!("unknown role `{r}`"))
                                .suggest(&r, kb.roles.iter().map(|x| x.id.as_str()));
                        }
                    }
                }
            }
            Column::Fixed(_) => {
                for a in ids(cell) {
                    match kb.attribute_by_id(&a) {
                        Some(ix) => attributes.push(ix),
                        None => {
                            rep.error(row, col, format!("unknown attribute `{a}`"))
                                .suggest(&a, kb.attributes.iter().map(|x| x.id.as_str()));
                        }
                    }
                }
            }
            Column::Capability(cap) => match number(cell) {
                Some(v) if (0.0..=1.0).contains(&v) => stated.push((*cap, v)),
                _ => {
                    rep.error(
                        row,
                        col,
                        format!(
                            "strength `{text}` of {} must be a number from 0 to 1",
                            kb.capability(*cap).id
                        ),
                    );
                }
            },
            Column::Unknown => {}
        }
    }
    if id.is_none() && rep.diags.len() == before {
        rep.error(
            row,
            columns
                .iter()
                .position(|c| *c == Column::Fixed("id"))
                .unwrap_or(0),
            "the partner has no id".into(),
        );
    }
    if let Some((col, t)) = org_type {
        let type_sector = kb.types[t.index()].sector;
        match sector {
            None => sector = Some(type_sector),
            Some(s) if s != type_sector => {
                rep.error(
                    row,
                    col,
                    format!(
                        "type `{}` belongs to {}, but the partner's sector is {}",
                        kb.types[t.index()].id,
                        kb.sector(type_sector).id,
                        kb.sector(s).id
                    ),
                );
            }
            Some(_) => {}
        }
    }
    if sector.is_none() && rep.diags.len() == before {
        rep.error(
            row,
            columns
                .iter()
                .position(|c| *c == Column::Fixed("sector"))
                .unwrap_or(0),
            "the partner has no sector".into(),
        );
    }
    let (id, sector) = (id?, sector?);
    if rep.diags.len() > before {
        return None;
    }
    if let Some(r) = wants.iter().find(|r| refuses.contains(r)) {
        let col = columns
            .iter()
            .position(|c| *c == Column::Fixed("wants"))
            .unwrap_or(0);
        rep.error(
            row,
            col,
            format!(
                "partner `{id}` asks for `{}` and refuses it",
                kb.role(*r).id
            ),
        );
        return None;
    }
    if funded_by.contains(&id) {
        let col = columns
            .iter()
            .position(|c| *c == Column::Fixed("funded_by"))
            .unwrap_or(0);
        rep.error(row, col, format!("partner `{id}` cannot fund itself"));
        return None;
    }
    let mut p = Partner {
        name: name.unwrap_or_else(|| id.clone()),
        id,
        sector,
        org_type: org_type.map(|(_, t)| t),
        capacity,
        strengths: Vec::new(),
        stated: Vec::new(),
        refuses,
        attributes,
        funds,
        funded_by,
        supplies,
        wants,
    };
    p.set_strengths(kb, &stated);
    Some(p)
}

/// A number cell; text is accepted with a decimal comma ("0,8") as spreadsheets export it.
fn number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Number(n) => Some(*n).filter(|n| n.is_finite()),
        Cell::Text(t) => t
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite()),
        Cell::Empty => None,
    }
}

/// Writes a scenario file for the partners: RON that `rolefit check` accepts.
pub fn scenario_ron(
    kb: &KnowledgeBase,
    name: &str,
    source: &str,
    needs: &[Need],
    partners: &[Partner],
) -> String {
    let mut out = format!(
        "// Imported by `rolefit import` from {source}.\n// Edit the needs (importance 1 to 5, min, max) to match the project, then run\n// `rolefit check` on this file.\nScenario(\n    name: {name:?},\n    needs: [\n"
    );
    for n in needs {
        let _ = writeln!(
            out,
            "        Need(role: {:?}, importance: {}, min: {}, max: {}),",
            kb.role(n.role).id,
            n.importance,
            n.min,
            n.max
        );
    }
    out.push_str("    ],\n    partners: [\n");
    for p in partners {
        out.push_str(&crate::scenario::write::partner(kb, p, 8));
    }
    out.push_str("    ],\n)\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Table {
        Table {
            name: "partners.csv".into(),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| {
                            if c.is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(c.to_string())
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// The organisation type names the sector (which may then be left empty) and sets the
    /// defaults; `funded_by` and `supplies` carry the partner's relations, and `import` writes
    /// them back.
    #[test]
    fn types_and_relations_come_from_their_columns() {
        let kb = crate::default_knowledge_base().unwrap();
        let t = table(&[
            &["id", "sector", "type", "funded_by", "supplies"],
            &["city", "", "municipal_government", "", ""],
            &[
                "ngo",
                "civil_society",
                "",
                "fund; city",
                "technology_platform",
            ],
            &["fund", "impact_investor", "", "", ""],
        ]);
        let (p, diags) = partners(&kb, &t);
        assert!(diags.is_empty(), "{diags:?}");
        let p = p.unwrap();
        assert_eq!(kb.sector(p[0].sector).id, "government");
        let reg = kb.capability_by_id("regulatory_oversight").unwrap();
        assert_eq!(
            p[0].strength(reg),
            0.3,
            "a municipality's default, not a ministry's"
        );
        assert_eq!(p[1].funded_by, ["fund", "city"]);
        assert_eq!(
            p[1].supplies,
            [kb.role_by_id("technology_platform").unwrap()]
        );
        let ron = scenario_ron(&kb, "t", "sheet.csv", &[], &p);
        assert!(ron.contains("type: \"municipal_government\""), "{ron}");
        assert!(ron.contains("funded_by: [\"fund\", \"city\"]"), "{ron}");
        assert!(ron.contains("supplies: [\"technology_platform\"]"), "{ron}");
    }

    #[test]
    fn a_type_of_another_sector_is_reported_by_row_and_column() {
        let kb = crate::default_knowledge_base().unwrap();
        let t = table(&[
            &["id", "sector", "type"],
            &["uni", "academia", "insurer"],
            &["moh", "government", "national_ministy"],
        ]);
        let (p, diags) = partners(&kb, &t);
        assert!(p.is_none());
        assert!(
            diags.iter().any(|d| (d.line, d.column) == (2, 3)
                && d.message.contains("type `insurer` belongs to business")),
            "{diags:?}"
        );
        assert!(
            diags.iter().any(|d| d.message.contains("national_ministy")
                && d.help
                    .as_deref()
                    .is_some_and(|h| h.contains("national_ministry"))),
            "{diags:?}"
        );
    }

    #[test]
    fn a_good_sheet_gives_partners_with_stated_and_default_strengths() {
        let kb = crate::default_knowledge_base().unwrap();
        let t = table(&[
            &[
                "id",
                "name",
                "sector",
                "capacity",
                "Regulatory oversight",
                "refuses",
                "funds",
            ],
            &[
                "moh",
                "Ministry",
                "government",
                "3",
                "0,95",
                "commercialisation",
                "public_financing",
            ],
            &["", "", "", "", "", "", ""],
            &["uni", "", "academia", "", "", "", ""],
        ]);
        let (p, diags) = partners(&kb, &t);
        assert!(diags.is_empty(), "{diags:?}");
        let p = p.unwrap();
        assert_eq!(p.len(), 2);
        let reg = kb.capability_by_id("regulatory_oversight").unwrap();
        assert_eq!(p[0].strength(reg), 0.95);
        assert_eq!(p[0].capacity, 3);
        assert_eq!(p[1].name, "uni");
        assert_eq!(p[1].capacity, kb.settings.default_capacity);
        let research = kb.capability_by_id("research_excellence").unwrap();
        assert_eq!(p[1].strength(research), 0.9, "sector default");
    }

    #[test]
    fn every_bad_cell_is_reported_by_row_and_column() {
        let kb = crate::default_knowledge_base().unwrap();
        let t = table(&[
            &[
                "id",
                "sector",
                "capacity",
                "regulatory_oversight",
                "funds",
                "colour",
            ],
            &["Moh", "goverment", "two", "1.5", "public_finance", ""],
            &["moh", "government", "", "", "", ""],
            &["moh", "government", "", "", "", ""],
        ]);
        let (p, diags) = partners(&kb, &t);
        assert!(p.is_none());
        let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        let has = |s: &str| text.iter().any(|t| t.contains(s));
        assert!(
            has("partners.csv:1:6: error at row 1, column F (colour): unknown column `colour`"),
            "{text:#?}"
        );
        assert!(has("partners.csv:2:1") && has("write `moh`"), "{text:#?}");
        assert!(
            has("unknown sector `goverment` (did you mean `government`?)"),
            "{text:#?}"
        );
        assert!(has("capacity `two`"), "{text:#?}");
        assert!(has("strength `1.5`"), "{text:#?}");
        assert!(
            has("unknown role `public_finance` (did you mean `public_financing`?)"),
            "{text:#?}"
        );
        assert!(has("partners.csv:4:1") && has("used twice"), "{text:#?}");
    }

    #[test]
    fn columns_are_lettered_like_spreadsheets() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
    }
}
