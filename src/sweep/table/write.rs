//! Writing rows: CSV (cells quoted by the csv crate, formulas neutralised) and JSON Lines
//! (keys in column order), both one line per row.

use super::super::run::RunResult;
use super::{Format, Layout, Value, clean};
use std::fmt::Write;

impl Layout {
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

    /// Appends one row, with its newline.
    pub fn write_row(&self, r: &RunResult, out: &mut String) {
        let mut cells = Cells {
            format: self.format,
            out,
            keys: &self.keys,
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

/// Writes the cells of one row in either format.
struct Cells<'a> {
    format: Format,
    out: &'a mut String,
    /// Each column's JSON key with its colon (`"run":`), in column order.
    keys: &'a [String],
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
                self.out.push_str(&self.keys[self.at]);
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
/// [`super::unquote_formula`] gives back exactly what was written. Numbers (`-0.5`) and the `-` that
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

/// Appends a CSV field, quoted when it must be: the csv crate quotes what CSV requires (a
/// comma or a quote), and a field that starts or ends with a space is quoted as well, so a
/// reader that trims unquoted fields cannot change it. Text is [`clean`]ed and formulas
/// `neutralise`d first.
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
    if v.is_empty() {
        return;
    }
    let style = if v.starts_with(' ') || v.ends_with(' ') {
        csv_core::QuoteStyle::Always
    } else {
        csv_core::QuoteStyle::Necessary
    };
    let mut writer = csv_core::WriterBuilder::new().quote_style(style).build();
    // At most every byte doubled, and two quotes.
    let mut buf = vec![0u8; 2 * v.len() + 2];
    let (_, read, written) = writer.field(v.as_bytes(), &mut buf);
    let (_, closed) = writer.finish(&mut buf[written..]);
    debug_assert_eq!(read, v.len());
    out.push_str(std::str::from_utf8(&buf[..written + closed]).expect("quoting keeps UTF-8"));
}

/// Appends a JSON string, [`clean`]ed so it stays on its line.
pub(super) fn push_json_str(out: &mut String, v: &str) {
    out.push_str(&serde_json::Value::String(clean(v)).to_string());
}

/// Each column's JSON Lines key with its colon, in column order.
pub(super) fn json_keys(columns: &[String]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            let mut k = String::new();
            push_json_str(&mut k, c);
            k.push(':');
            k
        })
        .collect()
}
