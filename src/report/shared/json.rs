//! JSON building blocks shared by the JSON reports: the one pretty printer, and a diagnostic.

use serde::Serialize;

/// Pretty JSON with a final newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}

/// A diagnostic as `rolefit check --format json` and `rolefit test --format json` write it
/// (fields in the order the output has always had: alphabetical).
#[derive(Serialize)]
pub struct DiagnosticJson<'a> {
    column: u32,
    file: &'a str,
    help: Option<&'a str>,
    level: &'static str,
    line: u32,
    message: &'a str,
    path: &'a str,
}

/// A diagnostic (error or warning in an input file) as its JSON shape.
pub fn diagnostic_json(d: &crate::diag::Diagnostic) -> DiagnosticJson<'_> {
    DiagnosticJson {
        column: d.column,
        file: &d.file,
        help: d.help.as_deref(),
        level: if d.is_error() { "error" } else { "warning" },
        line: d.line,
        message: &d.message,
        path: &d.path,
    }
}

/// `rolefit check --format json`: every diagnostic and the counts.
#[derive(Serialize)]
pub struct CheckJson<'a> {
    diagnostics: Vec<DiagnosticJson<'a>>,
    errors: usize,
    ok: bool,
    warnings: usize,
}

/// Every diagnostic of `rolefit check` as JSON, with the counts and whether the input is usable.
pub fn check_json(all: &[crate::diag::Diagnostic]) -> CheckJson<'_> {
    let errors = all.iter().filter(|d| d.is_error()).count();
    CheckJson {
        diagnostics: all.iter().map(diagnostic_json).collect(),
        errors,
        ok: errors == 0,
        warnings: all.len() - errors,
    }
}

/// A typed value written with the keys of every object in alphabetical order, at every depth:
/// the order `compare` and `explore` have always written a line-up's result and its flags in
/// (while `solve` writes the same structs in declaration order). Sorted here, not by
/// `serde_json`'s map, so the output stays the same whatever features `serde_json` has.
pub struct Sorted<T>(pub T);

impl<T: Serialize> Serialize for Sorted<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        SortedValue(&value).serialize(s)
    }
}

struct SortedValue<'a>(&'a serde_json::Value);

impl Serialize for SortedValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        use serde_json::Value;
        match self.0 {
            Value::Object(m) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, &SortedValue(v))?;
                }
                map.end()
            }
            Value::Array(items) => s.collect_seq(items.iter().map(SortedValue)),
            other => other.serialize(s),
        }
    }
}
