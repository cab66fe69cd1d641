//! Partner spreadsheets: one row per partner (id, name, sector, capacity, a column per
//! capability, refuses, funds, attributes) -> validated partners, with every bad cell reported
//! by row and column; commitment sheets ([`commitments()`]); and the scenario file `rolefit
//! import` writes from them.

mod commitments;

pub use commitments::commitments;

use crate::diag::{Diagnostic, Sink, closest};
use crate::kb::{CapIx, KnowledgeBase};
use crate::load::{Cell, Table};
use crate::ron::read::snake_id;
use crate::scenario::partner::{At, PartnerFields, RoleList};
use crate::scenario::{LIMITS, Need, Partner};
use crate::source::Source;
use std::collections::HashSet;
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
pub(crate) fn letter(col: usize) -> String {
    let mut n = col + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// The diagnostics of one sheet: the same sink (budget of 200, messages cut and sanitised) a
/// RON file's go to, placed by row and column.
struct Report<'a, 's> {
    sink: Sink<'s>,
    header: &'a [String],
}

impl Report<'_, '_> {
    /// `row N, column X (name)`: where a cell is, for messages.
    fn place(&self, row: usize, col: usize) -> String {
        let column = self.header.get(col).map(String::as_str).unwrap_or_default();
        format!("row {}, column {} ({column})", row + 1, letter(col))
    }

    fn error(&mut self, row: usize, col: usize, message: String) -> &mut Diagnostic {
        let path = self.place(row, col);
        self.sink
            .error_at(row as u32 + 1, col as u32 + 1, &path, message)
    }

    /// A problem with the sheet as a whole.
    fn whole(&mut self, message: impl Into<String>) {
        self.sink.error_at(0, 0, "", message);
    }
}

/// What the partners of a sheet may be funded by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Funders {
    /// Any organisation of the scenario the sheet joins (`--partners`; the scenario checks).
    OfTheScenario,
    /// Partners of the sheet itself (`import`, whose scenario is the sheet): what `import`
    /// writes must validate.
    InTheSheet,
}

/// Reads the partners of a sheet; `None` when any cell is wrong (all problems are listed).
/// Each cell is validated by the same `PartnerFields` reader a RON `Partner(...)` is.
pub fn partners(
    kb: &KnowledgeBase,
    table: &Table,
    funders: Funders,
) -> (Option<Vec<Partner>>, Vec<Diagnostic>) {
    read_sheet(
        table,
        |c| c.text().to_lowercase(),
        |rep| read_partners(kb, table, rep, funders),
    )
}

/// Reads a sheet through `read`, its problems placed by row and column under the header's
/// names (each first-row cell as `column_name` gives it); `None` when any cell is wrong (all
/// problems are listed).
fn read_sheet<T>(
    table: &Table,
    column_name: impl Fn(&Cell) -> String,
    read: impl FnOnce(&mut Report) -> Option<T>,
) -> (Option<T>, Vec<Diagnostic>) {
    let header: Vec<String> = table
        .rows
        .first()
        .map(|r| r.iter().map(&column_name).collect())
        .unwrap_or_default();
    let src = Source::new(&table.name, "");
    let mut diags = Vec::new();
    let out = {
        let mut rep = Report {
            sink: Sink::new(&src, &mut diags),
            header: &header,
        };
        read(&mut rep)
    };
    let ok = !diags.iter().any(Diagnostic::is_error);
    (out.filter(|_| ok), diags)
}

fn read_partners(
    kb: &KnowledgeBase,
    table: &Table,
    rep: &mut Report,
    funders: Funders,
) -> Option<Vec<Partner>> {
    if rep.header.iter().all(String::is_empty) {
        rep.whole(
            "the sheet is empty: its first row must name the columns (id, name, sector, type, capacity, capabilities, refuses, funds, funded_by, supplies, wants, attributes)",
        );
        return None;
    }
    let known: Vec<&str> = FIXED
        .iter()
        .copied()
        .chain(kb.capabilities.iter().map(|c| c.id.as_str()))
        .collect();
    let mut columns = Vec::new();
    for (col, name) in rep.header.iter().enumerate() {
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
            rep.whole(format!("the sheet has no `{required}` column"));
        }
    }
    let data = data_rows(table);
    if data.len() > LIMITS.partners {
        rep.whole(format!(
            "{} partner rows is more than the limit of {}",
            data.len(),
            LIMITS.partners
        ));
        return None;
    }
    if data.is_empty() {
        rep.whole("the sheet has no partner rows under its header");
    }
    let id_col = columns.iter().position(|c| *c == Column::Fixed("id"));
    let mut out: Vec<Partner> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (row, cells) in data {
        let p = partner_row(kb, rep, &columns, row, cells);
        let Some((id, p)) = p else {
            continue;
        };
        if !seen.insert(id.clone()) {
            let col = id_col.unwrap_or(0);
            rep.error(row, col, format!("partner id `{id}` is used twice"));
            continue;
        }
        out.extend(p);
    }
    if funders == Funders::InTheSheet {
        funders_in_the_sheet(table, &columns, &seen, rep);
    }
    Some(out)
}

/// Each `funded_by` of a sheet imported on its own names a partner of the sheet (as a
/// scenario's `funded_by` names one of the scenario's).
fn funders_in_the_sheet(
    table: &Table,
    columns: &[Column],
    ids_in_sheet: &HashSet<String>,
    rep: &mut Report,
) {
    let Some(col) = columns
        .iter()
        .position(|c| *c == Column::Fixed("funded_by"))
    else {
        return;
    };
    let known: Vec<&str> = ids_in_sheet.iter().map(String::as_str).collect();
    for (row, cells) in table.rows.iter().enumerate().skip(1) {
        let Some(cell) = cells.get(col) else {
            continue;
        };
        for funder in ids(cell) {
            if crate::valid::id(&funder).is_none() && !ids_in_sheet.contains(&funder) {
                rep.error(row, col, format!("no partner `{funder}` in the sheet"))
                    .suggest(&funder, known.iter().copied());
            }
        }
    }
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

/// One partner row: its id (when valid, to find duplicates) and the partner (when every cell
/// is valid).
fn partner_row(
    kb: &KnowledgeBase,
    rep: &mut Report,
    columns: &[Column],
    row: usize,
    cells: &[Cell],
) -> Option<(String, Option<Partner>)> {
    let mut p = PartnerFields::default();
    let mut id = None;
    for (col, column) in columns.iter().enumerate() {
        let cell = cells.get(col).unwrap_or(&Cell::Empty);
        if cell.is_empty() {
            continue;
        }
        let text = cell.text();
        let place = rep.place(row, col);
        let at = || At::Cell {
            row: row as u32 + 1,
            column: col as u32 + 1,
            path: place.clone(),
        };
        let sink = &mut rep.sink;
        match column {
            Column::Fixed("id") => id = p.id(sink, at(), &text),
            Column::Fixed("name") => p.name(sink, at(), &text),
            Column::Fixed("sector") => p.sector(kb, sink, at(), &text),
            Column::Fixed("capacity") => match number(cell) {
                Some(v) => p.capacity(sink, at(), v),
                None => not_a_number(sink, at(), &text),
            },
            Column::Fixed("type") => p.org_type(kb, sink, at(), &text),
            Column::Fixed("funded_by") => {
                for f in ids(cell) {
                    p.funded_by(sink, at(), &f);
                }
            }
            Column::Fixed(list @ ("refuses" | "funds" | "supplies" | "wants")) => {
                let list = match *list {
                    "refuses" => RoleList::Refuses,
                    "funds" => RoleList::Funds,
                    "wants" => RoleList::Wants,
                    _ => RoleList::Supplies,
                };
                for r in ids(cell) {
                    p.role(kb, sink, at(), list, &r);
                }
            }
            Column::Fixed(_) => {
                for a in ids(cell) {
                    p.attribute(kb, sink, at(), &a);
                }
            }
            Column::Capability(cap) => match number(cell) {
                Some(v) => p.strength(sink, at(), *cap, v),
                None => not_a_number(sink, at(), &text),
            },
            Column::Unknown => {}
        }
    }
    let first = |c: &'static str| {
        columns
            .iter()
            .position(|x| *x == Column::Fixed(c))
            .unwrap_or(0)
    };
    if !p.refused() && !p.has_id() {
        rep.error(row, first("id"), "the partner has no id".into());
    }
    if !p.refused() && !p.has_sector() {
        rep.error(row, first("sector"), "the partner has no sector".into());
    }
    let partner = p.build(kb, &mut rep.sink);
    id.map(|id| (id, partner))
}

/// A cell that should hold a number and does not.
fn not_a_number(sink: &mut Sink, at: At, text: &str) {
    at.error(sink, format!("expected a number, found `{text}`"));
}

/// A number cell; text is accepted with a decimal comma ("0,8") as spreadsheets export it.
/// Whether it is finite and in range is the partner builder's to say.
fn number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Number(n) => Some(*n),
        Cell::Text(t) => t.trim().replace(',', ".").parse::<f64>().ok(),
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
    // The file name is quoted as a string literal: a line break in it cannot end the comment.
    let mut out = format!(
        "// Imported by `rolefit import` from {source:?}.\n// Edit the needs (importance 1 to 5, min, max) to match the project, then run\n// `rolefit check` on this file.\nScenario(\n    name: {name:?},\n    needs: [\n"
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

/// The rows under the header that hold anything, with their index in the table (for row
/// numbers in diagnostics): a blank line between partners or commitments is not a row.
fn data_rows(table: &Table) -> Vec<(usize, &Vec<Cell>)> {
    table
        .rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| !r.iter().all(Cell::is_empty))
        .collect()
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
        let (p, diags) = partners(&kb, &t, Funders::InTheSheet);
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

    /// Found by the sheet fuzz target's invariant, once `funded_by` arrived: a sheet imported on
    /// its own whose partner is funded by someone not in it made `import` write a scenario
    /// `check` refuses. Added to a scenario (`--partners`), the scenario's partners count.
    #[test]
    fn an_imported_sheet_is_funded_only_by_its_own_partners() {
        let kb = crate::default_knowledge_base().unwrap();
        let t = table(&[
            &["id", "sector", "funded_by"],
            &["ngo", "civil_society", "fund; gavi"],
            &["fund", "impact_investor", ""],
        ]);
        let (p, diags) = partners(&kb, &t, Funders::InTheSheet);
        assert!(p.is_none());
        assert!(
            diags
                .iter()
                .any(|d| (d.line, d.column) == (2, 3)
                    && d.message == "no partner `gavi` in the sheet"),
            "{diags:?}"
        );
        let (p, diags) = partners(&kb, &t, Funders::OfTheScenario);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(p.unwrap()[0].funded_by, ["fund", "gavi"]);
    }

    #[test]
    fn a_type_of_another_sector_is_reported_by_row_and_column() {
        let kb = crate::default_knowledge_base().unwrap();
        let t = table(&[
            &["id", "sector", "type"],
            &["uni", "academia", "insurer"],
            &["moh", "government", "national_ministy"],
        ]);
        let (p, diags) = partners(&kb, &t, Funders::InTheSheet);
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
        let (p, diags) = partners(&kb, &t, Funders::InTheSheet);
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
        let (p, diags) = partners(&kb, &t, Funders::InTheSheet);
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
        assert!(
            has("column C (capacity): expected a number, found `two`"),
            "{text:#?}"
        );
        assert!(
            has("column D (regulatory_oversight): 1.5 is out of range: expected 0 to 1"),
            "{text:#?}"
        );
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
