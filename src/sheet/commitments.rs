//! Commitment sheets: one row per commitment (funder, role, amount, phase, and optionally id,
//! only_if, never_to, through) -> commitments of a scenario, with every bad cell reported by
//! row and column, as for partner sheets. A row is checked against the scenario it joins: its
//! funder and channel are partners of it, its phase one of its phases, an amount needs its
//! currency, and `only_if` names commitments of the scenario or of the sheet.

use super::{Report, ids, number};
use crate::diag::{Diagnostic, closest};
use crate::kb::{KnowledgeBase, SectorIx};
use crate::load::{Cell, Table};
use crate::ron::read::{is_snake_id, snake_id};
use crate::scenario::{Commitment, MAX_AMOUNT, MAX_COMMITMENTS, Scenario};

const COLUMNS: [&str; 8] = [
    "id", "funder", "role", "amount", "phase", "only_if", "never_to", "through",
];

/// Reads the commitments of a sheet for a scenario; `None` when any cell is wrong (all
/// problems are listed).
pub fn commitments(
    kb: &KnowledgeBase,
    table: &Table,
    scenario: &Scenario,
) -> (Option<Vec<Commitment>>, Vec<Diagnostic>) {
    super::read_sheet(
        table,
        |c| snake_id(&c.text()),
        |rep| read_commitments(kb, table, scenario, rep),
    )
}

/// The rows of a commitment sheet, every problem reported to `rep`; `None` when the sheet
/// cannot be read at all (no header, too many rows): the header's columns, each row read
/// against the scenario, then the ids checked across rows.
fn read_commitments(
    kb: &KnowledgeBase,
    table: &Table,
    scenario: &Scenario,
    rep: &mut Report,
) -> Option<Vec<Commitment>> {
    let columns = Columns::read(rep)?;
    let data = super::data_rows(table);
    if data.len() > MAX_COMMITMENTS {
        rep.whole(format!(
            "{} commitment rows is more than the limit of {MAX_COMMITMENTS}",
            data.len()
        ));
        return None;
    }
    let partners: Vec<&str> = scenario
        .partners
        .iter()
        .chain(&scenario.candidates)
        .chain(scenario.variants.iter().flat_map(|v| &v.add))
        .map(|p| p.id.as_str())
        .collect();
    let sheet = Sheet {
        kb,
        scenario,
        partners,
        columns,
    };
    let out: Vec<(usize, Commitment)> = data
        .into_iter()
        .filter_map(|(row, cells)| Some((row, sheet.row(row, cells, rep)?)))
        .collect();
    sheet.check_ids(&out, rep);
    Some(out.into_iter().map(|(_, c)| c).collect())
}

/// Which known column each column of the sheet is.
struct Columns(Vec<Option<&'static str>>);

impl Columns {
    /// The header's columns, each unknown or repeated one reported; `None` for an empty header.
    fn read(rep: &mut Report) -> Option<Columns> {
        let header = rep.header;
        if header.iter().all(String::is_empty) {
            rep.whole(format!(
                "the sheet is empty: its first row must name the columns ({})",
                COLUMNS.join(", ")
            ));
            return None;
        }
        let mut columns: Vec<Option<&'static str>> = Vec::new();
        for (col, name) in header.iter().enumerate() {
            let column = COLUMNS.iter().copied().find(|c| c == name);
            if column.is_none() && !name.is_empty() {
                let e = rep.error(
                    0,
                    col,
                    format!("unknown column `{name}`: expected {}", COLUMNS.join(", ")),
                );
                if let Some(c) = closest(name, COLUMNS) {
                    e.help(format!("did you mean `{c}`?"));
                }
            }
            if column.is_some() && columns.contains(&column) {
                rep.error(0, col, format!("column `{name}` is given twice"));
            }
            columns.push(column);
        }
        for required in ["funder", "role"] {
            if !columns.contains(&Some(required)) {
                rep.whole(format!("the sheet has no `{required}` column"));
            }
        }
        Some(Columns(columns))
    }

    /// The position of the column `name` (0 when the sheet has none, for messages).
    fn position(&self, name: &str) -> usize {
        self.0.iter().position(|c| *c == Some(name)).unwrap_or(0)
    }

    /// The cell of column `name` in a row, with its column (empty when the sheet has none).
    fn cell<'c>(&self, cells: &'c [Cell], name: &str) -> (usize, &'c Cell) {
        let col = self.position(name);
        let cell = if self.0.contains(&Some(name)) {
            cells.get(col).unwrap_or(&Cell::Empty)
        } else {
            &Cell::Empty
        };
        (col, cell)
    }
}

/// What every row of a commitment sheet is read against.
struct Sheet<'a> {
    kb: &'a KnowledgeBase,
    scenario: &'a Scenario,
    /// The partners a funder or channel may be: the scenario's, its candidates and those its
    /// variants add.
    partners: Vec<&'a str>,
    columns: Columns,
}

impl Sheet<'_> {
    /// One row's commitment; `None` when any of its cells is wrong (each reported).
    fn row(&self, row: usize, cells: &[Cell], rep: &mut Report) -> Option<Commitment> {
        let (kb, scenario, partners) = (self.kb, self.scenario, &self.partners);
        let cell = |name: &str| self.columns.cell(cells, name);
        let before = rep.sink.out.len();
        let (fc, funder) = cell("funder");
        let funder = funder.text();
        if funder.is_empty() {
            rep.error(row, fc, "the commitment has no funder".into());
        } else if !partners.contains(&funder.as_str()) {
            rep.error(row, fc, format!("no partner `{funder}` in the scenario"))
                .suggest(&funder, partners.iter().copied());
        }
        let (rc, role) = cell("role");
        let role_text = role.text();
        let role = kb.role_by_id(&role_text);
        if role.is_none() {
            rep.error(row, rc, format!("unknown role `{role_text}`"))
                .suggest(&role_text, kb.roles.iter().map(|r| r.id.as_str()));
        }
        let (ac, amount) = cell("amount");
        let amount = self.amount(row, ac, amount, rep);
        let (pc, phase) = cell("phase");
        let phase = self.phase(row, pc, phase, amount.is_some(), rep);
        let (ic, id) = cell("id");
        let id = id.text();
        if !id.is_empty() && !is_snake_id(&id) {
            rep.error(
                row,
                ic,
                format!("`{id}` is not a valid id: ids are lower snake_case (a-z, 0-9, `_`)"),
            );
        }
        let (nc, never) = cell("never_to");
        let mut never_to: Vec<SectorIx> = Vec::new();
        for s in ids(never) {
            match kb.sector_by_id(&s) {
                Some(ix) => never_to.push(ix),
                None => {
                    rep.error(row, nc, format!("unknown sector `{s}`"))
                        .suggest(&s, kb.sectors.iter().map(|x| x.id.as_str()));
                }
            }
        }
        let (tc, through) = cell("through");
        let through = through.text();
        if !through.is_empty() && !partners.contains(&through.as_str()) {
            rep.error(row, tc, format!("no partner `{through}` in the scenario"))
                .suggest(&through, partners.iter().copied());
        }
        let (_, only_if) = cell("only_if");
        let only_if = ids(only_if);
        let (Some(role), true) = (role, rep.sink.out.len() == before) else {
            return None;
        };
        let phases = &scenario.finance.phases;
        let generated = match phase {
            Some(p) => format!("{funder}_{}_{}", kb.role(role).id, phases[p]),
            None => format!("{funder}_{}", kb.role(role).id),
        };
        Some(Commitment {
            id: if id.is_empty() { generated } else { id },
            funder,
            role,
            amount,
            phase,
            only_if,
            never_to,
            through: (!through.is_empty()).then_some(through),
            implicit: false,
        })
    }

    /// A row's amount, if it has one that is valid.
    fn amount(&self, row: usize, ac: usize, amount: &Cell, rep: &mut Report) -> Option<f64> {
        if amount.is_empty() {
            return None;
        }
        match number(amount) {
            Some(v) if (0.0..=MAX_AMOUNT).contains(&v) => {
                if self.scenario.finance.currency.is_none() {
                    rep.error(row, ac, "an amount needs the scenario's currency".into())
                        .help("add `currency: \"USD\"` (or the code you use) to the scenario");
                }
                Some(v)
            }
            _ => {
                rep.error(
                    row,
                    ac,
                    format!(
                        "amount `{}` must be a number from 0 to {MAX_AMOUNT}",
                        amount.text()
                    ),
                );
                None
            }
        }
    }

    /// A row's phase: the one named, or the only phase for an amount.
    fn phase(
        &self,
        row: usize,
        pc: usize,
        phase: &Cell,
        has_amount: bool,
        rep: &mut Report,
    ) -> Option<usize> {
        let phases = &self.scenario.finance.phases;
        if phase.is_empty() {
            if has_amount && phases.len() > 1 {
                rep.error(
                    row,
                    pc,
                    format!(
                        "a commitment with an amount names its phase: one of {}",
                        phases.join(", ")
                    ),
                );
            }
            return (has_amount && phases.len() == 1).then_some(0);
        }
        let p = phase.text();
        let ix = self.scenario.finance.phase_index(&p);
        if ix.is_none() {
            rep.error(row, pc, format!("unknown phase `{p}`"))
                .suggest(&p, phases.iter().map(String::as_str));
        }
        ix
    }

    /// Ids are unique, and `only_if` names a commitment of the scenario or of the sheet.
    fn check_ids(&self, out: &[(usize, Commitment)], rep: &mut Report) {
        let mut known: Vec<String> = self
            .scenario
            .commitments
            .iter()
            .map(|c| c.id.clone())
            .chain(
                crate::scenario::all_commitments(self.kb, &[], &self.scenario.partners)
                    .into_iter()
                    .map(|c| c.id),
            )
            .collect();
        let ic = self.columns.position("id");
        let oc = self.columns.position("only_if");
        for (row, c) in out {
            if known.contains(&c.id) {
                rep.error(*row, ic, format!("commitment id `{}` is used twice", c.id))
                    .help("give each commitment its own `id`");
            }
            known.push(c.id.clone());
        }
        for (row, c) in out {
            for o in &c.only_if {
                if !known.contains(o) || o == &c.id {
                    rep.error(
                        *row,
                        oc,
                        format!("no other commitment `{o}` in the scenario"),
                    )
                    .suggest(o, known.iter().map(String::as_str));
                }
            }
        }
    }
}
