//! The sweep table: its columns, and rows written as CSV or JSON Lines and read back.
//!
//! Every row is exactly one line (text is stripped of control characters), so resuming,
//! sharding and merging can work line by line, and a row cut short by a crash is the only
//! line without its newline.

use super::run::{Plan, RunResult, RunStatus};
use super::spec::ValueKind;
use crate::kb::Severity;
use std::fmt::Write;

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The format a file name implies: `.csv`, or `.jsonl`/`.ndjson`.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        Format::from_name(&path.extension()?.to_string_lossy().to_lowercase())
    }
}

/// Columns that are always present (factors may not take these names).
const FIXED: [&str; 9] = [
    "run",
    "scenario",
    "replicate",
    "status",
    "objective",
    "coverage",
    "uncovered",
    "flags",
    "solve_ms",
];
const PREFIXES: [&str; 5] = ["flags.", "severity.", "holder.", "lead.", "sector."];

pub fn is_fixed_column(name: &str) -> bool {
    FIXED.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// The columns of a sweep's output and how each value is written.
#[derive(Debug, Clone)]
pub struct Layout {
    pub format: Format,
    pub columns: Vec<String>,
    /// Columns before the first factor, and the number of factors.
    pub factor_columns: std::ops::Range<usize>,
    kinds: Vec<ValueKind>,
    scenarios: Vec<String>,
    /// Count columns after `flags`: one per flag kind and one per severity.
    count_columns: usize,
    pub solve_time: bool,
}

impl Layout {
    pub fn new(plan: &Plan, format: Format, solve_time: bool) -> Layout {
        let spec = &plan.spec;
        let mut columns: Vec<String> = vec!["run".into(), "scenario".into(), "replicate".into()];
        let first = columns.len();
        columns.extend(spec.factors.iter().map(|f| f.name.clone()));
        let factor_columns = first..columns.len();
        columns.extend(
            ["status", "objective", "coverage", "uncovered", "flags"]
                .iter()
                .map(|s| s.to_string()),
        );
        columns.extend(plan.kinds.iter().map(|k| format!("flags.{k}")));
        columns.extend(
            Severity::NAMES
                .iter()
                .rev()
                .map(|s| format!("severity.{s}")),
        );
        let roles: Vec<&str> = plan
            .roles
            .iter()
            .map(|r| spec.kb.role(*r).id.as_str())
            .collect();
        columns.extend(roles.iter().map(|r| format!("holder.{r}")));
        columns.extend(roles.iter().map(|r| format!("lead.{r}")));
        columns.extend(roles.iter().map(|r| format!("sector.{r}")));
        if solve_time {
            columns.push("solve_ms".into());
        }
        let scenarios = if spec.bases.is_empty() {
            vec!["generated".to_string()]
        } else {
            spec.bases.iter().map(|b| clean(&b.name)).collect()
        };
        Layout {
            format,
            columns,
            factor_columns,
            kinds: spec.factors.iter().map(|f| f.kind(spec)).collect(),
            scenarios,
            count_columns: plan.kinds.len() + Severity::NAMES.len(),
            solve_time,
        }
    }

    /// The first line of a CSV file; JSON Lines files have none.
    pub fn header(&self) -> String {
        match self.format {
            Format::Csv => {
                let mut s = String::new();
                for (i, c) in self.columns.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    push_csv(&mut s, c);
                }
                s.push('\n');
                s
            }
            Format::Jsonl => String::new(),
        }
    }

    /// The kind of value each column holds, in column order.
    pub fn column_kinds(&self) -> Vec<ColumnKind> {
        let mut out = vec![ColumnKind::Int, ColumnKind::Text, ColumnKind::Int];
        out.extend(self.kinds.iter().map(|k| match k {
            ValueKind::Int { .. } => ColumnKind::Int,
            ValueKind::Real { .. } => ColumnKind::Num,
            ValueKind::Bool => ColumnKind::Bool,
            ValueKind::Choice(_) => ColumnKind::Text,
        }));
        out.extend([
            ColumnKind::Text,
            ColumnKind::Num,
            ColumnKind::Num,
            ColumnKind::Int,
            ColumnKind::Int,
        ]);
        let counts = self.columns.len() - out.len() - usize::from(self.solve_time);
        let texts = counts - self.count_columns;
        out.extend(std::iter::repeat_n(ColumnKind::Int, self.count_columns));
        out.extend(std::iter::repeat_n(ColumnKind::Text, texts));
        if self.solve_time {
            out.push(ColumnKind::Num);
        }
        out
    }

    /// Hands every cell of a row to `cell`, in column order, as the table holds it (numbers
    /// already rounded): the CSV and JSON Lines writers and the Python binding read rows
    /// through this one function, so they cannot disagree on a value.
    pub fn values<'a>(&'a self, r: &'a RunResult, mut cell: impl FnMut(Value<'a>)) {
        cell(Value::Int(r.id));
        cell(Value::Text(
            &self.scenarios[r.scenario.min(self.scenarios.len() - 1)],
        ));
        cell(Value::Int(r.replicate as u64));
        for (v, kind) in r.values.iter().zip(&self.kinds) {
            cell(match kind {
                ValueKind::Int { .. } => Value::Int(*v as u64),
                ValueKind::Real { .. } => Value::Num(crate::explain::round(*v, 6)),
                ValueKind::Bool => Value::Bool(*v != 0.0),
                ValueKind::Choice(names) => Value::Text(&names[*v as usize]),
            });
        }
        cell(Value::Text(r.status.name()));
        let solved = matches!(
            r.status,
            RunStatus::Solved(crate::solve::Status::Optimal | crate::solve::Status::Feasible)
        );
        if solved {
            cell(Value::Num(crate::explain::round(r.objective, 6)));
            cell(Value::Num(crate::explain::round(r.coverage, 4)));
            cell(Value::Int(r.uncovered as u64));
            cell(Value::Int(r.severities.iter().map(|&n| n as u64).sum()));
            for &k in &r.kinds {
                cell(Value::Int(k as u64));
            }
            for &s in r.severities.iter().rev() {
                cell(Value::Int(s as u64));
            }
            for h in r.holders.iter().chain(&r.leads).chain(&r.sectors) {
                cell(Value::Text(h));
            }
        } else {
            let empty = 4 + r.kinds.len() + 4 + r.holders.len() + r.leads.len() + r.sectors.len();
            for _ in 0..empty {
                cell(Value::Null);
            }
        }
        if self.solve_time {
            cell(Value::Num(crate::explain::round(
                r.elapsed.as_secs_f64() * 1e3,
                3,
            )));
        }
    }

    /// Appends one row, with its newline.
    pub fn write_row(&self, r: &RunResult, out: &mut String) {
        let mut cells = Cells {
            format: self.format,
            out,
            columns: &self.columns,
            at: 0,
        };
        cells.start();
        self.values(r, |v| match v {
            Value::Int(v) => cells.int(v),
            Value::Num(v) => cells.num(v),
            Value::Bool(v) => cells.boolean(v),
            Value::Text(v) => cells.text(v),
            Value::Null => cells.null(),
        });
        cells.end();
    }
}

/// One cell of a row, typed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Int(u64),
    Num(f64),
    Bool(bool),
    Text(&'a str),
    /// No value: the results of a run without a line-up (infeasible, error).
    Null,
}

/// What a column holds; any column but the first three and the factors may also be null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Int,
    Num,
    Bool,
    Text,
}

/// Writes the cells of one row in either format.
struct Cells<'a> {
    format: Format,
    out: &'a mut String,
    columns: &'a [String],
    at: usize,
}

impl Cells<'_> {
    fn start(&mut self) {
        if self.format == Format::Jsonl {
            self.out.push('{');
        }
    }

    fn sep(&mut self) {
        match self.format {
            Format::Csv => {
                if self.at > 0 {
                    self.out.push(',');
                }
            }
            Format::Jsonl => {
                if self.at > 0 {
                    self.out.push(',');
                }
                push_json_str(self.out, &self.columns[self.at]);
                self.out.push(':');
            }
        }
        self.at += 1;
    }

    fn int(&mut self, v: u64) {
        self.sep();
        let _ = write!(self.out, "{v}");
    }

    fn num(&mut self, v: f64) {
        self.sep();
        let _ = write!(self.out, "{v}");
    }

    fn boolean(&mut self, v: bool) {
        self.sep();
        self.out.push_str(if v { "true" } else { "false" });
    }

    fn text(&mut self, v: &str) {
        self.sep();
        match self.format {
            Format::Csv => push_csv(self.out, v),
            Format::Jsonl => push_json_str(self.out, v),
        }
    }

    fn null(&mut self) {
        self.sep();
        if self.format == Format::Jsonl {
            self.out.push_str("null");
        }
    }

    fn end(&mut self) {
        if self.format == Format::Jsonl {
            self.out.push('}');
        }
        self.out.push('\n');
    }
}

/// What makes a spreadsheet run a cell as a formula (OWASP's list for CSV injection). Tab and
/// carriage return are on it too; [`clean`] has already turned them into spaces.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as CSV writes it: one a spreadsheet would run as a formula (a scenario named
/// `=HYPERLINK(...)`, a factor named `=cmd|' /C calc'!A0`) gets a leading `'`, which
/// spreadsheets show as text. A cell that already starts with `'` gets one more, so
/// [`unquote_formula`] gives back exactly what was written. Numbers (`-0.5`) and the `-` that
/// stands for nobody are left alone: neither is a formula.
fn neutralise(v: &str) -> std::borrow::Cow<'_, str> {
    // Some spreadsheets skip leading spaces before deciding.
    let risky = v.trim_start().starts_with(FORMULA_START) && v != "-" && v.parse::<f64>().is_err();
    if risky || v.starts_with('\'') {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

/// A CSV text cell as it was before [`neutralise`]: what `summarize` compares and shows.
pub fn unquote_formula(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) => rest.to_string(),
        None => cell,
    }
}

/// Text with control characters replaced by spaces, so every row stays on one line.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Appends a CSV field, quoted when it must be.
pub fn push_csv(out: &mut String, v: &str) {
    let plain = !v.chars().any(|c| c.is_control() || c == ',' || c == '"')
        && !v.starts_with(' ')
        && !v.ends_with(' ')
        && !v.starts_with(FORMULA_START)
        && !v.starts_with('\'')
        || v == "-";
    if plain {
        // The common case (ids, numbers): no copy.
        out.push_str(v);
        return;
    }
    let cleaned = clean(v);
    let v = neutralise(&cleaned);
    if v.contains([',', '"']) || v.starts_with(' ') || v.ends_with(' ') {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&v);
    }
}

fn push_json_str(out: &mut String, v: &str) {
    out.push_str(&serde_json::Value::String(clean(v)).to_string());
}

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

/// Splits one CSV line into its fields (quoted fields may hold commas and doubled quotes).
pub fn split_csv(line: &str) -> Result<Vec<String>, String> {
    Ok(split_csv_spans(line)?.into_iter().map(|(f, _)| f).collect())
}

/// [`split_csv`], with the byte range each field takes in the line (for diagnostics).
pub fn split_csv_spans(line: &str) -> Result<Vec<(String, std::ops::Range<usize>)>, String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.char_indices().peekable();
    let mut quoted = false;
    let mut at_start = true;
    let mut start = 0;
    while let Some((i, c)) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek().map(|p| p.1) == Some('"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => {
                    quoted = false;
                    if !matches!(chars.peek().map(|p| p.1), None | Some(',')) {
                        return Err("text after a closing quote".into());
                    }
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            ',' => {
                out.push((std::mem::take(&mut field), start..i));
                start = i + 1;
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    out.push((field, start..line.len()));
    Ok(out)
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

/// The fields of one JSON Lines row, in `columns` order; null and missing keys are empty.
pub fn split_jsonl(line: &str, columns: &[String]) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let obj = v.as_object().ok_or("a row is not a JSON object")?;
    Ok(columns
        .iter()
        .map(|c| match obj.get(c) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        })
        .collect())
}

/// The column names of a JSON Lines row, in the order written (a JSON object's keys have no
/// order once parsed into a map, and the columns' order tells factors from outcomes).
pub fn jsonl_columns(line: &str) -> Result<Vec<String>, String> {
    struct Keys(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                        keys.push(k);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(Visit)
        }
    }
    serde_json::from_str::<Keys>(line)
        .map(|k| k.0)
        .map_err(|e| format!("a row is not a JSON object: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_round_trip_through_quotes() {
        let mut s = String::new();
        for (i, v) in ["plain", "a, b", "say \"hi\"", " pad", ""]
            .iter()
            .enumerate()
        {
            if i > 0 {
                s.push(',');
            }
            push_csv(&mut s, v);
        }
        assert_eq!(s, "plain,\"a, b\",\"say \"\"hi\"\"\",\" pad\",");
        assert_eq!(
            split_csv(&s).unwrap(),
            vec!["plain", "a, b", "say \"hi\"", " pad", ""]
        );
        assert!(split_csv("\"open").is_err());
    }

    #[test]
    fn design_lines_and_cells_keep_their_byte_positions() {
        let text = "\u{feff}a,\"b, c\"\r\n\n1,2\n";
        let lines: Vec<(usize, &str)> = csv_lines(text).collect();
        assert_eq!(lines, [(3, "a,\"b, c\""), (14, "1,2")]);
        let cells = split_csv_spans(lines[0].1).unwrap();
        assert_eq!(cells[0], ("a".to_string(), 0..1));
        assert_eq!(cells[1], ("b, c".to_string(), 2..8));
        assert_eq!(&text[lines[0].0 + 2..lines[0].0 + 8], "\"b, c\"");
    }

    #[test]
    fn run_ids_are_read_from_both_formats() {
        assert_eq!(run_id("17,Dakar,0", Format::Csv), Some(17));
        assert_eq!(run_id("{\"run\":42,\"x\":1}", Format::Jsonl), Some(42));
        assert_eq!(run_id("run,scenario", Format::Csv), None);
    }

    #[test]
    fn json_lines_columns_keep_the_order_they_were_written_in() {
        let cols = jsonl_columns(r#"{"run":0,"zeta":1,"alpha":"x","status":"optimal"}"#).unwrap();
        assert_eq!(cols, ["run", "zeta", "alpha", "status"]);
        assert!(jsonl_columns("[1, 2]").is_err());
    }

    #[test]
    fn control_characters_never_break_a_row() {
        let mut s = String::new();
        push_csv(&mut s, "two\nlines");
        assert_eq!(s, "two lines");
        let mut j = String::new();
        push_json_str(&mut j, "tab\there");
        assert_eq!(j, "\"tab here\"");
    }
}
