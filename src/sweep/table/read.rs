//! Reading a table back. Every reader of a sweep table goes through here: `--resume` and
//! `merge` through [`RowReader`] (lines, run ids, the digest of what was read), `summarize`
//! through [`TableFile`] (the table found at a path: its format, its columns, its rows as
//! fields, checked against its manifest). Design files use the same CSV parser
//! ([`CsvSplitter`]).
//!
//! CSV fields are split by the csv crate's parser (`csv-core`), one line at a time: rows never
//! span lines (see [`super::clean`]), and a line is read through [`Lines`], whose bound keeps a
//! file without line ends from growing a record until the process aborts. JSON Lines rows are
//! read with their keys in the order written.

use super::Format;
use crate::sweep::manifest::{Manifest, ManifestError, manifest_path};
use crate::sweep::rows::{Digest, Line, LineError, Lines};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::ops::Range;
use std::path::Path;

/// The run id a row starts with, if the line is a row.
pub fn run_id(line: &str, format: Format) -> Option<u64> {
    let rest = match format {
        Format::Csv => line,
        Format::Jsonl => line.strip_prefix("{\"run\":")?,
    };
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The rows of a table, line by line, bounded, with the digest of the complete lines read.
pub struct RowReader<R> {
    lines: Lines<R>,
    format: Format,
    splitter: CsvSplitter,
}

impl<R: BufRead> RowReader<R> {
    /// Reads the rows of a `format` table from `reader`, from its current position.
    pub fn new(reader: R, format: Format) -> Self {
        RowReader {
            lines: Lines::new(reader),
            format,
            splitter: CsvSplitter::default(),
        }
    }

    /// Reads a CSV table's header line: its text, or `None` when the file ends before a
    /// complete first line. JSON Lines tables have no header: nothing is read.
    pub fn header(&mut self) -> Result<Option<&str>, LineError> {
        if self.format == Format::Jsonl {
            return Ok(None);
        }
        Ok(match self.lines.next_line()? {
            Line::Complete => Some(self.lines.text()),
            Line::Torn | Line::End => None,
        })
    }

    /// Reads the next line; its text is [`RowReader::text`].
    pub fn next_line(&mut self) -> Result<Line, LineError> {
        self.lines.next_line()
    }

    /// The text of the line last read, without its line end.
    pub fn text(&self) -> &str {
        self.lines.text()
    }

    /// The run id of the line last read, if it is a row.
    pub fn run_id(&self) -> Option<u64> {
        run_id(self.lines.text(), self.format)
    }

    /// The cells of the line last read, in `columns` order: CSV cells as written (a formula's
    /// neutralising quote taken off), JSON Lines values by key (null and missing keys empty).
    pub fn fields(&mut self, columns: &[String]) -> Result<Vec<String>, String> {
        let line = self.lines.text().trim_end_matches('\r');
        match self.format {
            Format::Csv => Ok(self
                .splitter
                .split(line)?
                .into_iter()
                .map(|(cell, _)| unquote_formula(cell))
                .collect()),
            Format::Jsonl => split_jsonl(line, columns),
        }
    }

    /// Lines read so far (the number of the last one).
    pub fn number(&self) -> u64 {
        self.lines.number
    }

    /// Bytes of the complete lines read so far.
    pub fn bytes(&self) -> u64 {
        self.lines.bytes
    }

    /// The digest of the complete lines read so far.
    pub fn digest(&self) -> Digest {
        self.lines.digest
    }
}

/// A problem reading a table found at a path.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The table could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// Path of the table.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A row is malformed: its fields do not parse, or do not match the columns.
    #[error("{path}:{line}: {message}")]
    Row {
        /// Path of the table.
        path: String,
        /// Line number of the row, from 1 (the header, if any, is line 1).
        line: u64,
        /// What is wrong with the row.
        message: String,
    },
    /// The manifest beside the table is not one.
    #[error(transparent)]
    Manifest(ManifestError),
    /// Neither a manifest nor the file's name says whether it is CSV or JSON Lines.
    #[error("{0}: name the file .csv or .jsonl (or keep its .manifest.json beside it)")]
    UnknownFormat(String),
    /// The file has no header and no rows.
    #[error("{0}: the file is empty")]
    Empty(String),
    /// The rows are not those the manifest records (their count, or with the same count their
    /// digest).
    #[error(
        "{path}: the table is not the one its manifest describes ({rows} rows, the manifest records {want}{}): it was edited, damaged, or written by two sweeps at once; run the sweep again",
        if rows == want { ", and other bytes" } else { "" }
    )]
    NotItsManifest {
        /// Path of the table.
        path: String,
        /// Rows read.
        rows: u64,
        /// Rows the manifest records.
        want: u64,
    },
    /// A line of the table cannot be read (too long, not text).
    #[error("{path}: {error}")]
    Line {
        /// Path of the table.
        path: String,
        /// What is wrong with the line.
        error: LineError,
    },
}

/// A table found at a path, rolefit's or not: its format (from its manifest, else its name),
/// its columns (from its manifest, else its header or first JSON Lines row) and, with a
/// manifest, the rows and digest it must have (a table edited or torn after the sweep wrote
/// it is refused, not read).
#[derive(Debug, Clone)]
pub struct TableFile {
    /// The path, as given, for opening the file again and for messages.
    pub path: String,
    /// CSV or JSON Lines: from the manifest, else the file's extension.
    pub format: Format,
    /// Column names in table order: from the manifest, else the header or first row.
    pub columns: Vec<String>,
    expected: Option<(u64, String)>,
}

impl TableFile {
    /// Opens the table at `path` and reads its manifest, if it has one.
    pub fn open(path: &Path) -> Result<(TableFile, Option<Manifest>), TableError> {
        let shown = path.display().to_string();
        let manifest = Manifest::read(&manifest_path(path)).map_err(|e| match e {
            ManifestError::Read { path, source } => TableError::Io { path, source },
            other => TableError::Manifest(other),
        })?;
        let format = match (Format::from_path(path), &manifest) {
            (_, Some(m)) => m.format(),
            (Some(f), None) => f,
            (None, None) => {
                return Err(TableError::UnknownFormat(shown));
            }
        };
        let mut lines = Self::rows(&shown, format)?;
        let first = match lines.next_line().map_err(|e| line_error(&shown, e))? {
            Line::End => String::new(),
            _ => lines.text().trim_end_matches('\r').to_string(),
        };
        if first.is_empty() {
            return Err(TableError::Empty(shown));
        }
        let first_row = |message| TableError::Row {
            path: shown.clone(),
            line: 1,
            message,
        };
        let columns = match (&manifest, format) {
            (Some(m), _) => m.columns.clone(),
            (None, Format::Csv) => split_csv(&first)
                .map(|cells| cells.into_iter().map(unquote_formula).collect())
                .map_err(first_row)?,
            (None, Format::Jsonl) => jsonl_columns(&first).map_err(first_row)?,
        };
        let expected = manifest
            .as_ref()
            .filter(|m| !m.digest.is_empty())
            .map(|m| (m.rows, m.digest.clone()));
        Ok((
            TableFile {
                path: shown,
                format,
                columns,
                expected,
            },
            manifest,
        ))
    }

    fn rows(path: &str, format: Format) -> Result<RowReader<BufReader<File>>, TableError> {
        let file = File::open(path).map_err(|source| TableError::Io {
            path: path.to_string(),
            source,
        })?;
        Ok(RowReader::new(
            BufReader::with_capacity(1 << 20, file),
            format,
        ))
    }

    /// The position of the column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Calls `row` with the cells of every row, in column order (blank lines skipped), then
    /// checks the rows against the manifest; returns the number of rows.
    pub fn each(
        &self,
        mut row: impl FnMut(&[String]) -> Result<(), String>,
    ) -> Result<u64, TableError> {
        let mut reader = Self::rows(&self.path, self.format)?;
        let line_err = |e| line_error(&self.path, e);
        reader.header().map_err(line_err)?;
        let mut rows = 0u64;
        loop {
            let n = reader.number() + 1;
            let err = |message| TableError::Row {
                path: self.path.clone(),
                line: n,
                message,
            };
            match reader.next_line().map_err(line_err)? {
                Line::End => break,
                Line::Torn if self.expected.is_some() => {
                    return Err(err("the last row is cut short (no line end)".into()));
                }
                Line::Torn | Line::Complete => {}
            }
            if reader.text().trim().is_empty() {
                continue;
            }
            rows += 1;
            let fields = reader.fields(&self.columns).map_err(err)?;
            if fields.len() != self.columns.len() {
                return Err(err(format!(
                    "{} fields, but the header has {}",
                    fields.len(),
                    self.columns.len()
                )));
            }
            row(&fields).map_err(err)?;
        }
        self.check(rows, reader.digest())?;
        Ok(rows)
    }

    /// The rows read must be those the manifest records.
    fn check(&self, rows: u64, digest: Digest) -> Result<(), TableError> {
        match &self.expected {
            Some((want, hex)) if rows != *want || digest.hex() != *hex => {
                Err(TableError::NotItsManifest {
                    path: self.path.clone(),
                    rows,
                    want: *want,
                })
            }
            _ => Ok(()),
        }
    }
}

fn line_error(path: &str, e: LineError) -> TableError {
    match e {
        LineError::Io(source) => TableError::Io {
            path: path.to_string(),
            source,
        },
        error => TableError::Line {
            path: path.to_string(),
            error,
        },
    }
}

/// A CSV text cell as it was before the writer neutralised a formula (a leading `'`): what
/// `summarize` compares and shows.
pub fn unquote_formula(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) => rest.to_string(),
        None => cell,
    }
}

/// Splits CSV lines into fields with the csv crate's parser, keeping the byte range each
/// field takes in its line (for diagnostics). Reused from line to line.
pub struct CsvSplitter {
    reader: csv_core::Reader,
    out: Vec<u8>,
}

impl Default for CsvSplitter {
    fn default() -> Self {
        CsvSplitter {
            // Only a line feed ends a record: a carriage return inside a line is text, as
            // the lines handed here have their line end taken off already.
            reader: csv_core::ReaderBuilder::new()
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            out: vec![0; 1024],
        }
    }
}

impl CsvSplitter {
    /// The fields of one CSV line (without its line end), each with its byte range in the
    /// line. A quoted field must be closed, and nothing may follow its closing quote but a
    /// comma.
    pub fn split(&mut self, line: &str) -> Result<Vec<(String, Range<usize>)>, String> {
        use csv_core::ReadFieldResult;
        if line.is_empty() {
            return Ok(vec![(String::new(), 0..0)]);
        }
        self.reader.reset();
        let bytes = line.as_bytes();
        let mut fields = Vec::new();
        // Input read, where the current field starts, and its bytes written to `out`.
        let (mut at, mut start, mut len) = (0, 0, 0);
        loop {
            let (result, read, written) =
                self.reader.read_field(&bytes[at..], &mut self.out[len..]);
            at += read;
            len += written;
            match result {
                ReadFieldResult::OutputFull => {
                    let grown = self.out.len() * 2;
                    self.out.resize(grown, 0);
                }
                // The whole line is read: the next call, with no input, ends the field.
                ReadFieldResult::InputEmpty => {}
                ReadFieldResult::Field { record_end } => {
                    // A field that is not the last was ended by the comma just read.
                    let end = if record_end { at } else { at - 1 };
                    if let Some(why) = quote_error(&line[start..end]) {
                        return Err(why.into());
                    }
                    let text = String::from_utf8_lossy(&self.out[..len]).into_owned();
                    fields.push((text, start..end));
                    (start, len) = (at, 0);
                    if record_end {
                        return Ok(fields);
                    }
                }
                ReadFieldResult::End => return Ok(fields),
            }
        }
    }
}

/// What is wrong with a quoted field as written, if anything: the csv crate's parser reads
/// what it can of any text, and a table or design file that is not well-formed is refused.
fn quote_error(raw: &str) -> Option<&'static str> {
    let body = raw.strip_prefix('"')?;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                continue;
            }
            return chars.peek().map(|_| "text after a closing quote");
        }
    }
    Some("a quoted field is not closed")
}

/// Splits one CSV line into its fields (quoted fields may hold commas and doubled quotes).
pub fn split_csv(line: &str) -> Result<Vec<String>, String> {
    Ok(split_csv_spans(line)?.into_iter().map(|(f, _)| f).collect())
}

/// [`split_csv`], with the byte range each field takes in the line (for diagnostics).
pub fn split_csv_spans(line: &str) -> Result<Vec<(String, Range<usize>)>, String> {
    CsvSplitter::default().split(line)
}

/// The non-blank lines of a CSV text with the byte offset each starts at, without line ends
/// (LF or CRLF) and without a leading byte-order mark.
pub fn csv_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let skip = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut at = skip;
    text[skip..].split('\n').filter_map(move |raw| {
        let start = at;
        at += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        (!line.trim().is_empty()).then_some((start, line))
    })
}

/// A JSON Lines row: its keys and values in the order written (a `serde_json::Map` would
/// sort them).
struct JsonRow(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for JsonRow {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = JsonRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<JsonRow, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    entries.push(entry);
                }
                Ok(JsonRow(entries))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The fields of one JSON Lines row, in `columns` order; null and missing keys are empty (a
/// key given twice keeps its last value, as JSON parsers do).
pub(super) fn split_jsonl(line: &str, columns: &[String]) -> Result<Vec<String>, String> {
    let row: JsonRow = serde_json::from_str(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => "a row is not a JSON object".to_string(),
        _ => e.to_string(),
    })?;
    let mut fields = vec![String::new(); columns.len()];
    for (n, (key, value)) in row.0.into_iter().enumerate() {
        // Rows are written in column order: the key is almost always where it is expected.
        let at = match columns.get(n) {
            Some(c) if *c == key => Some(n),
            _ => columns.iter().position(|c| *c == key),
        };
        if let Some(at) = at {
            fields[at] = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
        }
    }
    Ok(fields)
}

/// The column names of a JSON Lines row, in the order written (the columns' order tells
/// factors from outcomes).
pub fn jsonl_columns(line: &str) -> Result<Vec<String>, String> {
    serde_json::from_str::<JsonRow>(line)
        .map(|row| row.0.into_iter().map(|(k, _)| k).collect())
        .map_err(|e| format!("a row is not a JSON object: {e}"))
}
