//! The only file-system input: paths (or standard input) -> sources -> parsed documents, and
//! partner sheets -> tables (`table`, with `xlsx` checking a workbook before it is read).

mod table;
mod xlsx;

pub use table::{
    Cell, MAX_COLUMNS, MAX_DATA_ROWS, MAX_ROWS, SheetKind, Table, parse_table, read_table,
};

use crate::ron::parse::{Node, SyntaxError, parse};
use crate::source::Source;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Larger inputs are refused before reading: no real scenario or rule file comes near it.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Design files (`sweep --design`) hold one row per run: a Saltelli sample of a few hundred
/// thousand rows is tens of megabytes, so they get a larger limit.
pub const MAX_DESIGN_BYTES: u64 = 64 * 1024 * 1024;

/// Why an input could not be read at all (problems inside a file it could read are
/// diagnostics instead).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file system refused (missing file, no permission).
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// Larger than any input rolefit reads: refused before it can fill memory.
    #[error("{path}: {} more than the limit of {limit} bytes", size.map_or("the input is".to_string(), |s| format!("the file is {s} bytes,")))]
    TooLarge {
        /// The path as given.
        path: String,
        /// The file's size, when known (a stream's is not).
        size: Option<u64>,
        /// The most bytes read.
        limit: u64,
    },
    /// Not UTF-8: no RON file rolefit reads can be.
    #[error("{path}: the file is not UTF-8 text")]
    NotText {
        /// The path as given.
        path: String,
    },
    /// A rule directory without rule files, most likely the wrong directory.
    #[error("{path}: no .ron files in this rule directory")]
    NoRuleFiles {
        /// The directory as given.
        path: String,
    },
    /// A spreadsheet that cannot be read as one (a broken workbook, a CSV quoting error).
    #[error("{path}: {message}")]
    Sheet {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        message: String,
    },
}

/// A parsed input file: its text (for positions) and its tree, or the syntax error.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text, for positions and excerpts.
    pub source: Source,
    /// The tree, or where parsing stopped.
    pub root: Result<Node, SyntaxError>,
}

impl Document {
    /// Parses a source; a syntax error is kept in `root`, not returned, so a caller reports it
    /// beside the other files' problems.
    pub fn parse(source: Source) -> Document {
        let root = parse(&source.text);
        Document { source, root }
    }
}

/// Refuses bytes past `limit` (reading stops just past the limit, so the true size of a
/// stream is unknown).
fn within_limit(path: &str, bytes: &[u8], limit: u64) -> Result<(), LoadError> {
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
            size: None,
            limit,
        });
    }
    Ok(())
}

pub(super) fn checked_text(path: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    checked_text_within(path, bytes, MAX_FILE_BYTES)
}

fn checked_text_within(path: &str, bytes: Vec<u8>, limit: u64) -> Result<String, LoadError> {
    within_limit(path, &bytes, limit)?;
    String::from_utf8(bytes).map_err(|_| LoadError::NotText {
        path: path.to_string(),
    })
}

/// The bytes of a file, refusing one over [`MAX_FILE_BYTES`] without reading it all.
pub(super) fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_bytes_within(path, MAX_FILE_BYTES)
}

fn read_bytes_within(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    let shown = path.display().to_string();
    let read_err = |source| LoadError::Read {
        path: shown.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    if let Ok(meta) = file.metadata()
        && meta.len() > limit
    {
        return Err(LoadError::TooLarge {
            path: shown,
            size: Some(meta.len()),
            limit,
        });
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    within_limit(&shown, &bytes, limit)?;
    Ok(bytes)
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
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| LoadError::Read {
                path: path.to_string(),
                source,
            })?;
        return Ok(Source::new(
            "<stdin>",
            checked_text_within("<stdin>", bytes, limit)?,
        ));
    }
    let bytes = read_bytes_within(Path::new(path), limit)?;
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

/// The files of a rule directory: every `.ron` file under it, sorted by path so later files
/// override earlier ones the same way on every machine; a single file is itself.
pub fn rule_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let shown = path.display().to_string();
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
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
    Ok(files)
}

/// Why a file another file names (a sweep's or a case's scenario or rules) is not read, if it
/// is not: such files may come from someone else, and only rolefit's own kinds of files are
/// opened for them (not `/etc/shadow`, whose first line a syntax error would quote).
pub fn only_ron(path: &Path, directory_allowed: bool) -> Option<&'static str> {
    if directory_allowed && path.is_dir() {
        return None;
    }
    match path.extension() {
        Some(e) if e == "ron" => None,
        _ if directory_allowed => Some("rules are a directory of `.ron` files or one `.ron` file"),
        _ => Some("a scenario is a `.ron` file"),
    }
}

/// Reads the files of a rule directory (see [`rule_files`]).
pub fn read_rules(path: &Path) -> Result<Vec<Source>, LoadError> {
    rule_files(path)?
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
