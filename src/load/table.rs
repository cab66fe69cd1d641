//! Partner sheets (`.csv`, `.xlsx`) read into rows of cells, in bounded memory: at most
//! [`MAX_ROWS`] rows, [`MAX_DATA_ROWS`] of them with data, and [`MAX_COLUMNS`] columns. A
//! cell past those is an error naming where it is, never a table that grows until the
//! process aborts (one cell at XFD1048576 made a 2 KB workbook ask for 17 billion cells).

use super::{LoadError, checked_text, read_bytes, xlsx};
use std::path::Path;

/// Rows a sheet may reach, empty ones included: a spreadsheet's own limit (Excel's last row).
pub const MAX_ROWS: usize = 1_048_576;

/// Rows with data: the header and the most partners a line-up may have. The sheet's validator
/// reports the partner limit itself; past this the table is not even built.
pub const MAX_DATA_ROWS: usize = crate::scenario::LIMITS.partners + 1;

/// Columns a sheet may use: the fixed ones and one per capability of the largest rule set
/// (1000, see `kb::LIMITS`), with room to spare.
pub const MAX_COLUMNS: usize = 1024;

/// A spreadsheet as rows of cells; the first row holds the column names.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file as the user named it.
    pub name: String,
    /// Each row's cells, the header first; rows may differ in length.
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
/// One cell's value as the reader found it; a sheet's own types are kept so that a number is
/// not misread as text.
pub enum Cell {
    /// Nothing written.
    Empty,
    /// Text, as written.
    Text(String),
    /// A number (a CSV cell that parses as one, or a numeric XLSX cell).
    Number(f64),
}

impl Cell {
    /// The cell as text, trimmed (numbers as written by Rust's shortest form).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) => n.to_string(),
        }
    }

    /// Whether the cell holds nothing but blanks.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }
}

/// Collects cells by position, refusing any past the limits before storing it. Rows keep only
/// up to their last non-empty cell, so empty cells (styled but blank) cost nothing.
pub(super) struct Builder {
    name: String,
    rows: Vec<Vec<Cell>>,
    data_rows: usize,
}

impl Builder {
    pub(super) fn new(name: &str) -> Self {
        Builder {
            name: name.to_string(),
            rows: Vec::new(),
            data_rows: 0,
        }
    }

    fn refuse(&self, message: String) -> LoadError {
        LoadError::Sheet {
            path: self.name.clone(),
            message,
        }
    }

    /// Puts a cell at `row`, `col` (from 0).
    pub(super) fn put(&mut self, row: usize, col: usize, cell: Cell) -> Result<(), LoadError> {
        if cell.is_empty() {
            return Ok(());
        }
        if row >= MAX_ROWS {
            return Err(self.refuse(format!(
                "a cell at row {} is past the last row a sheet may have ({MAX_ROWS})",
                row as u64 + 1
            )));
        }
        if col >= MAX_COLUMNS {
            return Err(self.refuse(format!(
                "a cell at row {}, column {} is past the limit of {MAX_COLUMNS} columns",
                row + 1,
                crate::sheet::letter(col)
            )));
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.is_empty() {
            self.data_rows += 1;
            if self.data_rows > MAX_DATA_ROWS {
                return Err(self.refuse(format!(
                    "more than {} partner rows (row {} is one too many): the limit is {}",
                    MAX_DATA_ROWS - 1,
                    row + 1,
                    MAX_DATA_ROWS - 1
                )));
            }
        }
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = cell;
        Ok(())
    }

    pub(super) fn finish(self) -> Table {
        Table {
            name: self.name,
            rows: self.rows,
        }
    }
}

/// How a sheet's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// Comma-separated text.
    Csv,
    /// An Excel workbook (Office Open XML).
    Xlsx,
}

/// Reads a `.csv` or `.xlsx` partner sheet (see [`parse_table`]).
pub fn read_table(path: &Path) -> Result<Table, LoadError> {
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let kind = match ext.as_str() {
        "csv" | "txt" => SheetKind::Csv,
        "xlsx" | "xlsm" => SheetKind::Xlsx,
        _ => {
            return Err(LoadError::Sheet {
                path: shown,
                message: "expected a .csv or .xlsx file".into(),
            });
        }
    };
    parse_table(&shown, kind, read_bytes(path)?)
}

/// A sheet's bytes as a table (no file system: what `read_table` and the fuzz target share).
/// CSV may use `,` or `;` (as European spreadsheet exports do); the one the header uses more
/// is taken. A workbook's sheet named "partners" is read, or else its first sheet.
pub fn parse_table(name: &str, kind: SheetKind, bytes: Vec<u8>) -> Result<Table, LoadError> {
    let mut table = Builder::new(name);
    match kind {
        SheetKind::Xlsx => xlsx::read(name, bytes, &mut table)?,
        SheetKind::Csv => csv_rows(&checked_text(name, bytes)?, &mut table)?,
    }
    Ok(table.finish())
}

fn csv_rows(text: &str, table: &mut Builder) -> Result<(), LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| table.refuse(e.to_string()))?;
        if row >= MAX_ROWS {
            return Err(table.refuse(format!(
                "more than {MAX_ROWS} rows, the most a sheet may have"
            )));
        }
        for (col, c) in record.iter().enumerate() {
            table.put(row, col, Cell::Text(c.to_string()))?;
        }
        // A row of empty cells still takes its place, so row numbers stay the file's.
        if table.rows.len() <= row {
            table.rows.resize_with(row + 1, Vec::new);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_past_the_limits_is_refused_before_it_is_stored() {
        let mut b = Builder::new("p.xlsx");
        b.put(0, 0, Cell::Text("id".into())).unwrap();
        let e = b
            .put(1_048_575, 16_383, Cell::Text("x".into()))
            .unwrap_err();
        assert!(e.to_string().contains("column XFD"), "{e}");
        let e = b.put(5_000_000, 0, Cell::Number(1.0)).unwrap_err();
        assert!(e.to_string().contains("past the last row"), "{e}");
        // Blank cells anywhere cost nothing.
        b.put(1_000_000, 1000, Cell::Empty).unwrap();
        assert_eq!(b.finish().rows.len(), 1);
    }

    #[test]
    fn more_data_rows_than_a_line_up_may_have_are_refused() {
        let mut b = Builder::new("p.csv");
        for row in 0..MAX_DATA_ROWS {
            b.put(row * 2, 0, Cell::Text("x".into())).unwrap();
        }
        let e = b
            .put(MAX_DATA_ROWS * 2, 0, Cell::Text("x".into()))
            .unwrap_err();
        assert!(e.to_string().contains("more than 1000 partner rows"), "{e}");
    }
}
