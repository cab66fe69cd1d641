//! A RON parser that keeps the position of every value.
//!
//! The `ron` crate deserialises straight into types and forgets where values were written, and
//! serde stops at the first type error. Users need every mistake with its line and field path,
//! so rolefit parses RON into a small spanned tree first and decodes that tree itself.
//!
//! Supported: structs and tuples (named or not), lists, maps, strings (with escapes and raw
//! strings), chars, numbers (decimal, hex, octal, binary, `_` separators, exponents, `inf`,
//! `NaN`), booleans, `Some`/`None`, unit, identifiers, `//` and nested `/* */` comments,
//! trailing commas, and `#![enable(...)]` headers (accepted and ignored: decoding is lenient
//! about `Some` already).

use crate::source::Span;

/// Deeper nesting than any rolefit document needs; guards the stack against hostile input.
pub const MAX_DEPTH: usize = 64;

/// Most items in one list, map or struct. Real files stay far below (a scenario has at most
/// 1000 partners); the cap keeps every later check over a collection cheap.
pub const MAX_ITEMS: usize = 10_000;

/// Most values in one document. Each value costs about a hundred bytes in the tree, so this
/// bounds the memory an 8 MiB file can take (one made of `[1,1,1,...]` would hold 4 million).
pub const MAX_VALUES: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
/// A parsed RON value with where it was written: readers report every problem at its span.
pub struct Node {
    /// Where the value was written.
    pub span: Span,
    /// What it is.
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
/// The shapes a RON value can take; readers check the one they expect and name the one found.
pub enum Kind {
    /// `()`.
    Unit,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or a float.
    Number(Number),
    /// A string, escapes resolved.
    Str(String),
    /// A character literal.
    Char(char),
    /// `[a, b, ...]`.
    List(Vec<Node>),
    /// `{key: value, ...}`, in the order written.
    Map(Vec<(Node, Node)>),
    /// `Name(field: value, ...)` or `(field: value, ...)`.
    Struct(Option<Name>, Vec<Field>),
    /// `Name(value, ...)` or `(value, ...)`; `Some(x)` is a tuple named `Some`.
    Tuple(Option<Name>, Vec<Node>),
    /// A bare identifier: an enum unit variant such as `high`, or `None`.
    Ident(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// A number as written: readers that want an integer refuse a fraction.
pub struct Number {
    /// Its value.
    pub value: f64,
    /// Written without a fraction or exponent.
    pub integer: bool,
}

#[derive(Debug, Clone, PartialEq)]
/// A struct or tuple name (`Partner`), with its span for "did you mean".
pub struct Name {
    /// The name.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
/// One `field: value` of a struct.
pub struct Field {
    /// The field's name.
    pub name: Name,
    /// Its value.
    pub value: Node,
}

impl Kind {
    /// How the kind is called in messages: "a string", "a list", ...
    pub fn describe(&self) -> String {
        match self {
            Kind::Unit => "`()`".into(),
            Kind::Bool(_) => "a boolean".into(),
            Kind::Number(n) if n.integer => "an integer".into(),
            Kind::Number(_) => "a number".into(),
            Kind::Str(_) => "a string".into(),
            Kind::Char(_) => "a character".into(),
            Kind::List(_) => "a list".into(),
            Kind::Map(_) => "a map".into(),
            Kind::Struct(Some(n), _) | Kind::Tuple(Some(n), _) => format!("`{}(...)`", n.text),
            Kind::Struct(None, _) => "a struct".into(),
            Kind::Tuple(None, _) => "a tuple".into(),
            Kind::Ident(i) => format!("`{i}`"),
        }
    }
}

/// A syntax error: where and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Where parsing stopped.
    pub span: Span,
    /// What was expected there.
    pub message: String,
}

type Result<T> = std::result::Result<T, SyntaxError>;

/// Parses one RON document; the whole text must be a single value.
pub fn parse(text: &str) -> Result<Node> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        values: 0,
    };
    p.skip_trivia()?;
    while p.peek() == Some(b'#') {
        p.attribute()?;
        p.skip_trivia()?;
    }
    if p.pos >= p.bytes.len() {
        return Err(p.error_here("the file is empty: expected a RON value such as `Scenario(...)`"));
    }
    let node = p.value()?;
    p.skip_trivia()?;
    if p.pos < p.bytes.len() {
        return Err(p.error_here("unexpected text after the end of the document"));
    }
    Ok(node)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
    values: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn error_at(&self, start: usize, message: impl Into<String>) -> SyntaxError {
        // The whole character at `start`, which may be several bytes (`é`, a stray BOM).
        let width = self.text.get(start..).and_then(|t| t.chars().next());
        let end = start + width.map_or(0, char::len_utf8);
        SyntaxError {
            span: Span::new(start, end),
            message: message.into(),
        }
    }

    fn error_here(&self, message: impl Into<String>) -> SyntaxError {
        self.error_at(self.pos, message)
    }

    /// What is at the cursor, for "expected X, found Y" messages.
    fn found(&self) -> String {
        match self.text[self.pos..].chars().next() {
            None => "the end of the file".into(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn skip_trivia(&mut self) -> Result<()> {
        loop {
            match self.peek() {
                Some(b) if b.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'/') => {
                    while let Some(b) = self.peek() {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let start = self.pos;
                    self.pos += 2;
                    let mut level = 1;
                    while level > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => {
                                return Err(self.error_at(start, "unterminated `/*` comment"));
                            }
                            (Some(b'/'), Some(b'*')) => {
                                level += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                level -= 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<()> {
        self.skip_trivia()?;
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error_here(format!("expected {what}, found {}", self.found())))
        }
    }

    /// `#![enable(...)]`: RON extensions. rolefit's decoding already accepts what they enable.
    fn attribute(&mut self) -> Result<()> {
        let start = self.pos;
        if !self.text[self.pos..].starts_with("#![") {
            return Err(self.error_here("expected `#![enable(...)]`"));
        }
        self.pos += 3;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b']' {
                return Ok(());
            }
        }
        Err(self.error_at(start, "unterminated `#![...]` attribute"))
    }

    fn value(&mut self) -> Result<Node> {
        self.skip_trivia()?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!(
                "values are nested more than {MAX_DEPTH} levels deep"
            )));
        }
        self.values += 1;
        if self.values > MAX_VALUES {
            return Err(
                self.error_here(format!("the document holds more than {MAX_VALUES} values"))
            );
        }
        let node = self.value_inner();
        self.depth -= 1;
        node
    }

    fn value_inner(&mut self) -> Result<Node> {
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Err(self.error_here("expected a value, found the end of the file"));
        };
        match b {
            b'(' => self.parenthesised(None, start),
            b'[' => self.list(start),
            b'{' => self.map(start),
            b'"' => {
                let s = self.string()?;
                Ok(self.node(start, Kind::Str(s)))
            }
            b'\'' => self.char_literal(start),
            b'r' if matches!(self.peek_at(1), Some(b'"' | b'#')) => {
                let s = self.raw_string()?;
                Ok(self.node(start, Kind::Str(s)))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(start),
            b if is_ident_start(b) => self.identified(start),
            _ => Err(self.error_here(format!("expected a value, found {}", self.found()))),
        }
    }

    fn node(&self, start: usize, kind: Kind) -> Node {
        Node {
            span: Span::new(start, self.pos),
            kind,
        }
    }

    fn ident(&mut self) -> Name {
        let start = self.pos;
        if self.text[self.pos..].starts_with("r#") {
            self.pos += 2;
        }
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        Name {
            text: raw.trim_start_matches("r#").to_string(),
            span: Span::new(start, self.pos),
        }
    }

    /// An identifier, then maybe `(...)`: `true`, `None`, `inf`, `high`, `Need(...)`, `Some(x)`.
    fn identified(&mut self, start: usize) -> Result<Node> {
        let name = self.ident();
        let after_name = self.pos;
        self.skip_trivia()?;
        if self.peek() == Some(b'(') {
            return self.parenthesised(Some(name), start);
        }
        self.pos = after_name;
        let kind = match name.text.as_str() {
            "true" => Kind::Bool(true),
            "false" => Kind::Bool(false),
            "inf" => Kind::Number(Number {
                value: f64::INFINITY,
                integer: false,
            }),
            "NaN" => Kind::Number(Number {
                value: f64::NAN,
                integer: false,
            }),
            _ => Kind::Ident(name.text),
        };
        Ok(self.node(start, kind))
    }

    /// After an optional name: `()` unit, `(a: 1, ...)` struct, or `(1, ...)` tuple.
    fn parenthesised(&mut self, name: Option<Name>, start: usize) -> Result<Node> {
        self.expect(b'(', "`(`")?;
        self.skip_trivia()?;
        if self.peek() == Some(b')') {
            self.pos += 1;
            let kind = match name {
                Some(name) => Kind::Struct(Some(name), Vec::new()),
                None => Kind::Unit,
            };
            return Ok(self.node(start, kind));
        }
        if self.starts_field()? {
            let mut fields = Vec::new();
            loop {
                self.skip_trivia()?;
                if self.peek() == Some(b')') {
                    break;
                }
                if !self.peek().is_some_and(is_ident_start) {
                    return Err(self.error_here(format!(
                        "expected a field name or `)`, found {}",
                        self.found()
                    )));
                }
                self.count(fields.len())?;
                let field_name = self.ident();
                self.expect(b':', "`:` after the field name")?;
                let value = self.value()?;
                fields.push(Field {
                    name: field_name,
                    value,
                });
                if !self.comma_or_close(b')')? {
                    break;
                }
            }
            self.expect(b')', "`,` or `)`")?;
            Ok(self.node(start, Kind::Struct(name, fields)))
        } else {
            let mut items = Vec::new();
            loop {
                self.skip_trivia()?;
                if self.peek() == Some(b')') {
                    break;
                }
                self.count(items.len())?;
                items.push(self.value()?);
                if !self.comma_or_close(b')')? {
                    break;
                }
            }
            self.expect(b')', "`,` or `)`")?;
            Ok(self.node(start, Kind::Tuple(name, items)))
        }
    }

    /// Refuses one more item in a collection that already holds `so_far` of them.
    fn count(&self, so_far: usize) -> Result<()> {
        if so_far >= MAX_ITEMS {
            return Err(self.error_here(format!(
                "more than {MAX_ITEMS} items in one list, map or struct"
            )));
        }
        Ok(())
    }

    /// Looks ahead: is the cursor at `ident :` (a struct field) rather than a value?
    fn starts_field(&mut self) -> Result<bool> {
        if !self.peek().is_some_and(is_ident_start) {
            return Ok(false);
        }
        let save = self.pos;
        self.ident();
        self.skip_trivia()?;
        let is_field = self.peek() == Some(b':');
        self.pos = save;
        Ok(is_field)
    }

    /// After an item: consumes a comma and reports whether more items may follow.
    fn comma_or_close(&mut self, close: u8) -> Result<bool> {
        self.skip_trivia()?;
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => Ok(false),
            _ => Err(self.error_here(format!(
                "expected `,` or `{}`, found {}",
                close as char,
                self.found()
            ))),
        }
    }

    fn list(&mut self, start: usize) -> Result<Node> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(b']') {
                break;
            }
            self.count(items.len())?;
            items.push(self.value()?);
            if !self.comma_or_close(b']')? {
                break;
            }
        }
        self.expect(b']', "`,` or `]`")?;
        Ok(self.node(start, Kind::List(items)))
    }

    fn map(&mut self, start: usize) -> Result<Node> {
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_trivia()?;
            if self.peek() == Some(b'}') {
                break;
            }
            self.count(entries.len())?;
            let key = self.value()?;
            self.expect(b':', "`:` between a map key and its value")?;
            let value = self.value()?;
            entries.push((key, value));
            if !self.comma_or_close(b'}')? {
                break;
            }
        }
        self.expect(b'}', "`,` or `}`")?;
        Ok(self.node(start, Kind::Map(entries)))
    }

    fn string(&mut self) -> Result<String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Err(self.error_at(start, "unterminated string: missing the closing `\"`"));
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => out.push(self.escape()?),
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self) -> Result<char> {
        let at = self.pos - 1;
        let Some(b) = self.peek() else {
            return Err(self.error_at(at, "unterminated escape sequence"));
        };
        self.pos += 1;
        Ok(match b {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'0' => '\0',
            b'\\' => '\\',
            b'"' => '"',
            b'\'' => '\'',
            b'x' => {
                let hex = self.text.get(self.pos..self.pos + 2).unwrap_or("");
                let code = u8::from_str_radix(hex, 16)
                    .ok()
                    .filter(|c| c.is_ascii())
                    .ok_or_else(|| self.error_at(at, "`\\x` needs two hex digits below 80"))?;
                self.pos += 2;
                code as char
            }
            b'u' => {
                if self.peek() != Some(b'{') {
                    return Err(self.error_at(at, "expected `\\u{...}`"));
                }
                let close = self.text[self.pos..]
                    .find('}')
                    .ok_or_else(|| self.error_at(at, "unterminated `\\u{...}` escape"))?;
                let hex = &self.text[self.pos + 1..self.pos + close];
                let c = u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        self.error_at(at, format!("`\\u{{{hex}}}` is not a character"))
                    })?;
                self.pos += close + 1;
                c
            }
            other => {
                return Err(self.error_at(
                    at,
                    format!("unknown escape `\\{}` in a string", other as char),
                ));
            }
        })
    }

    fn raw_string(&mut self) -> Result<String> {
        let start = self.pos;
        self.pos += 1;
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        if self.peek() != Some(b'"') {
            return Err(self.error_at(start, "expected `\"` to open a raw string"));
        }
        self.pos += 1;
        let terminator = format!("\"{}", "#".repeat(hashes));
        let Some(end) = self.text[self.pos..].find(&terminator) else {
            return Err(self.error_at(start, "unterminated raw string"));
        };
        let s = self.text[self.pos..self.pos + end].to_string();
        self.pos += end + terminator.len();
        Ok(s)
    }

    fn char_literal(&mut self, start: usize) -> Result<Node> {
        self.pos += 1;
        let Some(c) = self.text[self.pos..].chars().next() else {
            return Err(self.error_at(start, "unterminated character literal"));
        };
        self.pos += c.len_utf8();
        let c = if c == '\\' { self.escape()? } else { c };
        if self.peek() != Some(b'\'') {
            return Err(self.error_at(start, "expected `'` to close the character literal"));
        }
        self.pos += 1;
        Ok(self.node(start, Kind::Char(c)))
    }

    fn number(&mut self, start: usize) -> Result<Node> {
        let negative = match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                true
            }
            Some(b'+') => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        let sign = if negative { -1.0 } else { 1.0 };
        // `-inf`, `+inf`, `-NaN`
        if self.peek().is_some_and(is_ident_start) {
            let name = self.ident();
            let value = match name.text.as_str() {
                "inf" => f64::INFINITY,
                "NaN" => f64::NAN,
                _ => return Err(self.error_at(start, "expected a number after the sign")),
            };
            return Ok(self.node(
                start,
                Kind::Number(Number {
                    value: sign * value,
                    integer: false,
                }),
            ));
        }
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some(b'0'), Some(b'x')) => 16,
            (Some(b'0'), Some(b'o')) => 8,
            (Some(b'0'), Some(b'b')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            let digits_start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_hexdigit() || b == b'_')
            {
                self.pos += 1;
            }
            let digits: String = self.text[digits_start..self.pos]
                .chars()
                .filter(|&c| c != '_')
                .collect();
            let value = u64::from_str_radix(&digits, radix)
                .map_err(|_| self.error_at(start, format!("invalid base-{radix} number")))?;
            self.reject_suffix(start)?;
            return Ok(self.node(
                start,
                Kind::Number(Number {
                    value: sign * value as f64,
                    integer: true,
                }),
            ));
        }
        let digits_start = self.pos;
        let mut integer = true;
        let mut seen_digit = false;
        while let Some(b) = self.peek() {
            match b {
                b'0'..=b'9' => seen_digit = true,
                b'_' => {}
                b'.' if integer
                    && self
                        .peek_at(1)
                        .is_some_and(|n| n.is_ascii_digit() || !is_ident_start(n)) =>
                {
                    integer = false
                }
                b'e' | b'E' if seen_digit => {
                    integer = false;
                    if matches!(self.peek_at(1), Some(b'+' | b'-')) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
            self.pos += 1;
        }
        if !seen_digit {
            return Err(self.error_at(start, "expected a number"));
        }
        let digits: String = self.text[digits_start..self.pos]
            .chars()
            .filter(|&c| c != '_')
            .collect();
        let value: f64 = digits
            .parse()
            .map_err(|_| self.error_at(start, format!("`{digits}` is not a number")))?;
        self.reject_suffix(start)?;
        Ok(self.node(
            start,
            Kind::Number(Number {
                value: sign * value,
                integer,
            }),
        ))
    }

    /// Type suffixes such as `3u8` are RON syntax but meaningless here; say so plainly.
    fn reject_suffix(&self, start: usize) -> Result<()> {
        if self.peek().is_some_and(is_ident_char) {
            return Err(self.error_at(
                start,
                "unexpected letters after a number (type suffixes such as `u8` are not used in rolefit files)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Kind {
        parse(text).unwrap().kind
    }

    #[test]
    fn parses_a_named_struct_with_nested_values_and_spans() {
        let text = r#"Need(role: "research", importance: 3, tags: ["a", "b",], m: {"k": 0.5})"#;
        let node = parse(text).unwrap();
        let Kind::Struct(Some(name), fields) = node.kind else {
            panic!("not a struct")
        };
        assert_eq!(name.text, "Need");
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[0].name.text, "role");
        let role = &fields[0].value;
        assert_eq!(
            &text[role.span.start as usize..role.span.end as usize],
            "\"research\""
        );
        assert_eq!(
            fields[1].value.kind,
            Kind::Number(Number {
                value: 3.0,
                integer: true
            })
        );
    }

    #[test]
    fn tells_structs_tuples_unit_and_identifiers_apart() {
        assert!(matches!(kind("(a: 1)"), Kind::Struct(None, _)));
        assert!(matches!(kind("(1, 2)"), Kind::Tuple(None, ref v) if v.len() == 2));
        assert!(matches!(kind("Some(x)"), Kind::Tuple(Some(ref n), _) if n.text == "Some"));
        assert_eq!(kind("()"), Kind::Unit);
        assert_eq!(kind("None"), Kind::Ident("None".into()));
        assert_eq!(kind("true"), Kind::Bool(true));
        assert!(matches!(kind("Empty()"), Kind::Struct(Some(_), ref f) if f.is_empty()));
    }

    #[test]
    fn reads_numbers_strings_and_comments() {
        assert_eq!(
            kind("-0.25e1"),
            Kind::Number(Number {
                value: -2.5,
                integer: false
            })
        );
        assert_eq!(
            kind("0x1F"),
            Kind::Number(Number {
                value: 31.0,
                integer: true
            })
        );
        assert_eq!(
            kind("1_000"),
            Kind::Number(Number {
                value: 1000.0,
                integer: true
            })
        );
        assert!(matches!(kind("NaN"), Kind::Number(n) if n.value.is_nan()));
        assert_eq!(kind(r#""a\n\u{e9}\"""#), Kind::Str("a\n\u{e9}\"".into()));
        assert_eq!(kind(r##"r#"raw "x""#"##), Kind::Str("raw \"x\"".into()));
        assert_eq!(
            kind("/* a /* nested */ c */ // line\n 'x'"),
            Kind::Char('x')
        );
        assert!(matches!(
            kind("#![enable(implicit_some)]\n(a: 1)"),
            Kind::Struct(..)
        ));
    }

    #[test]
    fn syntax_errors_say_where_and_what_was_expected() {
        let err = parse("Scenario(name: \"x\" needs: [])").unwrap_err();
        assert_eq!(err.span.start, 19);
        assert!(
            err.message.contains("expected `,` or `)`"),
            "{}",
            err.message
        );
        assert!(
            parse("\"open")
                .unwrap_err()
                .message
                .contains("unterminated string")
        );
        assert!(parse("").unwrap_err().message.contains("empty"));
        assert!(
            parse("(a: 1) x")
                .unwrap_err()
                .message
                .contains("after the end")
        );
        assert!(parse("3u8").unwrap_err().message.contains("suffix"));
    }

    #[test]
    fn a_syntax_error_at_a_non_ascii_character_spans_the_whole_character() {
        // Found by fuzzing: the span ended inside `é` and rendering the error panicked.
        let err = parse("Scenario(\u{e9})").unwrap_err();
        assert_eq!((err.span.start, err.span.end), (9, 11));
        assert!(err.message.contains("found `\u{e9}`"), "{}", err.message);
        let err = parse("[1, \u{feff}]").unwrap_err();
        assert_eq!((err.span.start, err.span.end), (4, 7));
    }

    #[test]
    fn a_collection_over_the_item_limit_is_an_error_at_the_first_item_too_many() {
        for (open, item, close) in [
            ("[", "1,", "]"),
            ("{", "\"k\":1,", "}"),
            ("S(", "a:1,", ")"),
        ] {
            let text = format!("{open}{}{close}", item.repeat(MAX_ITEMS + 1));
            let err = parse(&text).unwrap_err();
            assert!(
                err.message.contains("more than 10000 items"),
                "{}",
                err.message
            );
            let at = open.len() + item.len() * MAX_ITEMS;
            assert_eq!(err.span.start as usize, at, "{open}");
            let ok = format!("{open}{}{close}", item.repeat(MAX_ITEMS));
            assert!(parse(&ok).is_ok(), "{open}: exactly the limit is accepted");
        }
    }

    #[test]
    fn a_document_over_the_value_limit_is_an_error() {
        let row = format!("[{}],", "1,".repeat(MAX_ITEMS - 1));
        let text = format!("[{}]", row.repeat(MAX_VALUES / MAX_ITEMS + 1));
        let err = parse(&text).unwrap_err();
        assert!(
            err.message.contains("more than 1000000 values"),
            "{}",
            err.message
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
    }
}
