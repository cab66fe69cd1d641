//! The only file-system input: paths (or standard input) -> sources -> parsed documents.

use crate::ron::parse::{Node, SyntaxError, parse};
use crate::source::Source;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Larger inputs are refused before reading: no real scenario or rule file comes near it.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Design files (`sweep --design`) hold one row per run: a Saltelli sample of a few hundred
/// thousand rows is tens of megabytes, so they get a larger limit.
pub const MAX_DESIGN_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {} more than the limit of {limit} bytes", size.map_or("the input is".to_string(), |s| format!("the file is {s} bytes,")))]
    TooLarge {
        path: String,
        size: Option<u64>,
        limit: u64,
    },
    #[error("{path}: the file is not UTF-8 text")]
    NotText { path: String },
    #[error("{path}: no .ron files in this rule directory")]
    NoRuleFiles { path: String },
    #[error("{path}: {message}")]
    Sheet { path: String, message: String },
}

/// A parsed input file: its text (for positions) and its tree, or the syntax error.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: Source,
    pub root: Result<Node, SyntaxError>,
}

impl Document {
    pub fn parse(source: Source) -> Document {
        let root = parse(&source.text);
        Document { source, root }
    }
}

fn checked_text(path: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    checked_text_within(path, bytes, MAX_FILE_BYTES)
}

fn checked_text_within(path: &str, bytes: Vec<u8>, limit: u64) -> Result<String, LoadError> {
    if bytes.len() as u64 > limit {
        // Reading stops just past the limit, so the true size of a stream is unknown.
        return Err(LoadError::TooLarge {
            path: path.to_string(),
            size: None,
            limit,
        });
    }
    String::from_utf8(bytes).map_err(|_| LoadError::NotText {
        path: path.to_string(),
    })
}

/// Reads a file, or standard input for `-`, refusing oversized input without reading it all.
pub fn read_source(path: &str) -> Result<Source, LoadError> {
    read_within(path, MAX_FILE_BYTES)
}

/// Reads a design file (`sweep --design`; `-` for standard input), up to [`MAX_DESIGN_BYTES`].
pub fn read_design(path: &str) -> Result<Source, LoadError> {
    read_within(path, MAX_DESIGN_BYTES)
}

fn read_within(path: &str, limit: u64) -> Result<Source, LoadError> {
    let read_err = |source| LoadError::Read {
        path: path.to_string(),
        source,
    };
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        return Ok(Source::new(
            "<stdin>",
            checked_text_within("<stdin>", bytes, limit)?,
        ));
    }
    let file = std::fs::File::open(path).map_err(read_err)?;
    if let Ok(meta) = file.metadata()
        && meta.len() > limit
    {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
            size: Some(meta.len()),
            limit,
        });
    }
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    Ok(Source::new(path, checked_text_within(path, bytes, limit)?))
}

/// Whether two paths name the same existing file (after links and `..`); a path that does not
/// exist is no file's.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Walks real directories only: a symbolic link to a directory is not followed, so a link loop
/// cannot read the same files forty times over, and a link to `/` cannot pull in the whole disk.
fn collect_ron(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_ron(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
    }
    Ok(())
}

/// Every `.ron` file under a rule directory, sorted by path so later files override earlier
/// ones the same way on every machine. A single file is accepted too.
pub fn read_rules(path: &Path) -> Result<Vec<Source>, LoadError> {
    let shown = path.display().to_string();
    if path.is_file() {
        return Ok(vec![read_source(&shown)?]);
    }
    let mut files = Vec::new();
    collect_ron(path, &mut files).map_err(|source| LoadError::Read {
        path: shown.clone(),
        source,
    })?;
    if files.is_empty() {
        return Err(LoadError::NoRuleFiles { path: shown });
    }
    files.sort();
    files
        .iter()
        .map(|f| read_source(&f.display().to_string()))
        .collect()
}

/// The files `rolefit test` reads: each file given, and every `.ron` file under each directory
/// given, sorted by path within it. The flag is `true` for a file found by walking a directory:
/// such a file may be a supporting file (a scenario or rule file the cases refer to), where a
/// file named on the command line must be a case.
pub fn case_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            collect_ron(path, &mut files).map_err(|source| LoadError::Read {
                path: path.display().to_string(),
                source,
            })?;
            files.sort();
            out.extend(files.into_iter().map(|f| (f, true)));
        } else if path.is_file() {
            out.push((path.clone(), false));
        } else {
            return Err(LoadError::Read {
                path: path.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                ),
            });
        }
    }
    Ok(out)
}

/// The names of the `.ron` files in one directory (not below it), sorted; empty when it cannot
/// be read. For "did you mean" when a file a case names is missing.
pub fn ron_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    names.sort();
    names
}

/// A spreadsheet as rows of cells; the first row holds the column names.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file as the user named it.
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
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

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }
}

/// Reads a `.csv` or `.xlsx` partner sheet. CSV may use `,` or `;` (as European spreadsheet
/// exports do); the one the header uses more is taken. An XLSX file's sheet named "partners" is
/// read, or else its first sheet.
pub fn read_table(path: &Path) -> Result<Table, LoadError> {
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut bytes = Vec::new();
    let read_err = |source| LoadError::Read {
        path: shown.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    if let Ok(meta) = file.metadata()
        && meta.len() > MAX_FILE_BYTES
    {
        return Err(LoadError::TooLarge {
            path: shown,
            size: Some(meta.len()),
            limit: MAX_FILE_BYTES,
        });
    }
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    let rows = match ext.as_str() {
        "csv" | "txt" => csv_rows(&shown, &checked_text(&shown, bytes)?)?,
        "xlsx" | "xlsm" => xlsx_rows(&shown, bytes)?,
        _ => {
            return Err(LoadError::Sheet {
                path: shown,
                message: "expected a .csv or .xlsx file".into(),
            });
        }
    };
    Ok(Table { name: shown, rows })
}

fn csv_rows(path: &str, text: &str) -> Result<Vec<Vec<Cell>>, LoadError> {
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
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| LoadError::Sheet {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        rows.push(
            record
                .iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(rows)
}

fn xlsx_rows(path: &str, bytes: Vec<u8>) -> Result<Vec<Vec<Cell>>, LoadError> {
    use calamine::{Data, Reader, Xlsx};
    let sheet_err = |message: String| LoadError::Sheet {
        path: path.to_string(),
        message,
    };
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| sheet_err(format!("not a readable .xlsx file: {e}")))?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("partners"))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| sheet_err("the workbook has no sheets".into()))?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| sheet_err(format!("sheet {name:?}: {e}")))?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => Cell::Empty,
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    other => Cell::Text(other.to_string()),
                })
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_loop_in_a_rule_directory_reads_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("vocabulary.ron"), "Vocabulary()").unwrap();
        std::os::unix::fs::symlink(".", dir.path().join("loop")).unwrap();
        let sources = read_rules(dir.path()).unwrap();
        assert_eq!(
            sources.len(),
            1,
            "{:?}",
            sources.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
    }
}
