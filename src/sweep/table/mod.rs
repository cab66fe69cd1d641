//! The sweep table: its columns (here), rows written as CSV or JSON Lines (`write`), and read
//! back by `--resume`, `merge` and `summarize` (`read`), all on the csv crate's parser and
//! quoting.
//!
//! Every row is exactly one line (text is stripped of control characters), so resuming,
//! sharding and merging can work line by line, and a row cut short by a crash is the only
//! line without its newline.

use super::run::{Plan, RunResult, RunStatus};
use super::spec::ValueKind;
use crate::kb::Severity;

mod read;
mod write;

pub use read::{CsvSplitter, RowReader, TableError, TableFile, csv_lines, run_id, unquote_formula};
pub use write::push_csv;

/// How rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line (`.csv`).
    Csv,
    /// JSON Lines: one JSON object per row, keys in column order (`.jsonl`, `.ndjson`).
    Jsonl,
}

impl Format {
    /// The format's name, as given on the command line and recorded in manifests.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    /// The format of a name: `csv`, or `jsonl` (also `ndjson`); `None` for any other.
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

/// Whether `name` is, or starts like, a column every table has, so a factor cannot be named so.
pub fn is_fixed_column(name: &str) -> bool {
    FIXED.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// The columns of a sweep's output and how each value is written.
#[derive(Debug, Clone)]
pub struct Layout {
    /// How rows are written.
    pub format: Format,
    /// Column names in table order: run, scenario, replicate, factors, results, then `solve_ms`.
    pub columns: Vec<String>,
    /// Columns before the first factor, and the number of factors.
    pub factor_columns: std::ops::Range<usize>,
    kinds: Vec<ValueKind>,
    scenarios: Vec<String>,
    /// Count columns after `flags`: one per flag kind and one per severity.
    count_columns: usize,
    /// Whether rows end with `solve_ms`, the one column that differs between reruns.
    pub solve_time: bool,
    /// Each column's JSON Lines key (`"run":`), made once for every row.
    keys: Vec<String>,
}

impl Layout {
    /// The columns of `plan`'s rows in `format`, with or without the `solve_ms` column.
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
            keys: write::json_keys(&columns),
            columns,
            factor_columns,
            kinds: spec.factors.iter().map(|f| f.kind(spec)).collect(),
            scenarios,
            count_columns: plan.kinds.len() + Severity::NAMES.len(),
            solve_time,
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
}

/// One cell of a row, typed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A whole number: ids, counts, integer factors.
    Int(u64),
    /// A real number, already rounded as the table holds it.
    Num(f64),
    /// A boolean factor.
    Bool(bool),
    /// Text: scenario names, choices, status, partner and sector ids.
    Text(&'a str),
    /// No value: the results of a run without a line-up (infeasible, error).
    Null,
}

/// What a column holds; any column but the first three and the factors may also be null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Whole numbers: run ids, replicates, counts, integer factors.
    Int,
    /// Real numbers: objective, coverage, real factors, `solve_ms`.
    Num,
    /// `true` or `false`: boolean factors.
    Bool,
    /// Text: scenario names, choices, status, holders, leads and sectors.
    Text,
}

/// Text with control characters replaced by spaces, so every row stays on one line.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::read::{jsonl_columns, split_csv, split_csv_spans, split_jsonl};
    use super::write::push_json_str;
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

    /// The bytes the hand-written writer produced before the table moved to the csv crate:
    /// formulas neutralised, what CSV requires quoted, and leading or trailing spaces quoted.
    #[test]
    fn csv_cells_are_the_bytes_they_always_were() {
        let cases = [
            ("=SUM(A1)", "'=SUM(A1)"),
            (" =1+2", "' =1+2"),
            ("'quoted", "''quoted"),
            ("-0.5", "-0.5"),
            ("-", "-"),
            ("x ", "\"x \""),
            (" lead", "\" lead\""),
            ("=a,\"b\"", "\"'=a,\"\"b\"\"\""),
            ("tab\there", "tab here"),
            ("CARDIO4Cities Dakar", "CARDIO4Cities Dakar"),
            ("", ""),
        ];
        for (cell, written) in cases {
            let mut s = String::new();
            push_csv(&mut s, cell);
            assert_eq!(s, written, "{cell:?}");
            let back = unquote_formula(split_csv(&s).unwrap().remove(0));
            assert_eq!(back, clean(cell), "{cell:?} read back");
        }
    }

    #[test]
    fn malformed_csv_is_refused_with_what_is_wrong() {
        assert_eq!(
            split_csv("0,\"a\"b,c"),
            Err("text after a closing quote".into())
        );
        assert_eq!(
            split_csv("0,\"open,c"),
            Err("a quoted field is not closed".into())
        );
        assert_eq!(split_csv("a,").unwrap(), ["a", ""]);
        assert_eq!(split_csv("a\"b,c").unwrap(), ["a\"b", "c"]);
        assert_eq!(split_csv("a\rb,c").unwrap(), ["a\rb", "c"]);
        assert_eq!(split_csv("\"\"\"\",x").unwrap(), ["\"", "x"]);
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
    fn json_lines_fields_come_in_column_order_whatever_the_key_order() {
        let columns: Vec<String> = ["run", "zeta", "alpha", "gone"].map(String::from).into();
        let fields = split_jsonl(
            r#"{"alpha":"x","run":0,"zeta":1.5,"zeta":2,"other":null}"#,
            &columns,
        );
        assert_eq!(fields.unwrap(), ["0", "2", "x", ""]);
        assert_eq!(
            split_jsonl("[1, 2]", &columns),
            Err("a row is not a JSON object".into())
        );
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
