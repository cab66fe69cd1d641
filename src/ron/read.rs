//! Typed reading of a parsed RON tree, collecting every problem instead of stopping.
//!
//! Each reader returns `None` after recording what was wrong, so decoding carries on and the
//! user sees all type errors, unknown fields and missing fields of a file at once.

use super::parse::{Field, Kind, Node};
use crate::diag::Sink;
use crate::source::{Span, Spanned};
use std::collections::HashSet;

/// `path.name`, or `name` at the top.
pub fn field_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// The field path of a list item (`partners[2]`).
pub fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// The field path of a map entry (`fits["research"]`).
pub fn key_path(path: &str, key: &str) -> String {
    format!("{path}[{key:?}]")
}

/// Longest id accepted: ids name things (`implementation_at_scale`), they are never prose.
pub const MAX_ID_CHARS: usize = 64;

/// Longest text accepted (a name, a description, a flag message): more is a paste gone wrong.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// The fields of one struct, handed out by name; what is never asked for is an unknown field.
pub struct Fields<'v> {
    /// The struct's span, for problems about the struct as a whole (a missing field).
    pub span: Span,
    /// The struct's field path.
    pub path: String,
    entries: &'v [Field],
    used: Vec<bool>,
    asked: Vec<&'static str>,
}

impl<'v> Fields<'v> {
    /// The value of an optional field; `None` written out counts as absent, `Some(x)` as `x`.
    pub fn take(&mut self, name: &'static str) -> Option<&'v Node> {
        self.asked.push(name);
        let i = self.entries.iter().position(|f| f.name.text == name)?;
        self.used[i] = true;
        let value = &self.entries[i].value;
        match &value.kind {
            Kind::Ident(i) if i == "None" => None,
            Kind::Tuple(Some(n), items) if n.text == "Some" && items.len() == 1 => Some(&items[0]),
            _ => Some(value),
        }
    }

    /// Like [`Fields::take`], but a missing field is an error.
    pub fn require(&mut self, sink: &mut Sink, name: &'static str) -> Option<&'v Node> {
        let node = self.take(name);
        if node.is_none() {
            sink.error(self.span, &self.path, format!("missing field `{name}`"));
        }
        node
    }

    /// The path of a field of this struct, for messages about its value.
    pub fn at(&self, name: &str) -> String {
        field_path(&self.path, name)
    }

    /// Reports every field that was written but never asked for, with the closest known name.
    pub fn finish(self, sink: &mut Sink) {
        // A set, not a scan of earlier fields: a hostile struct may have a million fields.
        let mut seen: HashSet<&str> = HashSet::new();
        for (entry, used) in self.entries.iter().zip(&self.used) {
            // A repeated field was reported when the struct was read.
            let repeated = !seen.insert(entry.name.text.as_str());
            if !used && !repeated {
                let mut expected: Vec<&str> = self.asked.clone();
                expected.sort_unstable();
                expected.dedup();
                let d = sink.error(
                    entry.name.span,
                    &field_path(&self.path, &entry.name.text),
                    format!("unknown field `{}`", entry.name.text),
                );
                d.suggest(&entry.name.text, expected.iter().copied());
                if d.help.is_none() {
                    d.help(format!("expected one of: {}", expected.join(", ")));
                }
            }
        }
    }
}

/// The name and contents of an enum-like value: `high`, `Sector("x")`, `Capability(id: ...)`.
pub enum Variant<'v> {
    /// A bare name: `high`.
    Unit,
    /// A named tuple: `Sector("x")`.
    Tuple(&'v [Node]),
    /// A named struct: `Capability(id: ...)`.
    Struct(Fields<'v>),
}

fn type_error(sink: &mut Sink, node: &Node, path: &str, expected: &str) {
    sink.error(
        node.span,
        path,
        format!("expected {expected}, found {}", node.kind.describe()),
    );
}

/// Structs may be written with their name (`Partner(...)`) or without (`(...)`); a different
/// name is a mistake worth reporting, since it usually means a value is in the wrong place.
pub fn fields<'v>(sink: &mut Sink, node: &'v Node, path: &str, name: &str) -> Option<Fields<'v>> {
    let entries: &[Field] = match &node.kind {
        Kind::Struct(written, entries) => {
            if let Some(written) = written
                && written.text != name
            {
                sink.error(
                    written.span,
                    path,
                    format!("expected `{name}(...)`, found `{}(...)`", written.text),
                );
                return None;
            }
            entries
        }
        Kind::Unit => &[],
        _ => {
            type_error(sink, node, path, &format!("`{name}(...)`"));
            return None;
        }
    };
    let mut seen: HashSet<&str> = HashSet::new();
    for entry in entries {
        if !seen.insert(entry.name.text.as_str()) {
            sink.error(
                entry.name.span,
                &field_path(path, &entry.name.text),
                format!("field `{}` is given more than once", entry.name.text),
            );
        }
    }
    Some(Fields {
        span: node.span,
        path: path.to_string(),
        entries,
        used: vec![false; entries.len()],
        asked: Vec::new(),
    })
}

/// Splits an enum-like value into its name and payload.
pub fn variant<'v>(
    sink: &mut Sink,
    node: &'v Node,
    path: &str,
) -> Option<(Spanned<String>, Variant<'v>)> {
    match &node.kind {
        Kind::Ident(name) => Some((Spanned::new(name.clone(), node.span), Variant::Unit)),
        Kind::Str(name) => Some((Spanned::new(name.clone(), node.span), Variant::Unit)),
        Kind::Tuple(Some(name), items) => Some((
            Spanned::new(name.text.clone(), name.span),
            Variant::Tuple(items),
        )),
        Kind::Struct(Some(name), _) => {
            let f = fields(sink, node, path, &name.text)?;
            Some((
                Spanned::new(name.text.clone(), name.span),
                Variant::Struct(f),
            ))
        }
        _ => {
            type_error(
                sink,
                node,
                path,
                "a named value such as `Sector(\"government\")`",
            );
            None
        }
    }
}

/// A string of any length the document may hold, with its span; any other value is a type error.
pub fn string(sink: &mut Sink, node: &Node, path: &str) -> Option<Spanned<String>> {
    match &node.kind {
        Kind::Str(s) => Some(Spanned::new(s.clone(), node.span)),
        _ => {
            type_error(sink, node, path, "a string");
            None
        }
    }
}

/// Whether `s` is a lower snake_case identifier as the contract requires.
pub fn is_snake_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Turns a label into the id the contract derives from it: "Know-how & expertise" ->
/// `know_how_and_expertise`.
pub fn snake_id(label: &str) -> String {
    let mut out = String::new();
    let words = label.replace('&', " and ");
    for c in words.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '/' || c == '_')
            && !out.ends_with('_')
            && !out.is_empty()
        {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// A plain text of at most [`MAX_TEXT_CHARS`] characters, plain as [`crate::valid::text`]
/// requires. A line break written inside the string of a Windows (CRLF) file becomes `\n`
/// first, so the file's line ends never change the output.
pub fn text(sink: &mut Sink, node: &Node, path: &str) -> Option<Spanned<String>> {
    let mut s = string(sink, node, path)?;
    if s.value.contains('\r') {
        s.value = s.value.replace("\r\n", "\n");
    }
    if let Some(problem) = crate::valid::text(&s.value) {
        sink.error(s.span, path, problem);
        return None;
    }
    Some(s)
}

/// A string that must be a lower snake_case id ([`crate::valid::id`]).
pub fn id(sink: &mut Sink, node: &Node, path: &str) -> Option<Spanned<String>> {
    let s = string(sink, node, path)?;
    let Some((problem, fix)) = crate::valid::id(&s.value) else {
        return Some(s);
    };
    let d = sink.error(s.span, path, problem);
    if let Some(fix) = fix {
        d.help(fix);
    }
    None
}

/// A finite number.
pub fn number(sink: &mut Sink, node: &Node, path: &str) -> Option<Spanned<f64>> {
    match &node.kind {
        Kind::Number(n) => match crate::valid::finite(n.value) {
            None => Some(Spanned::new(n.value, node.span)),
            Some(problem) => {
                sink.error(node.span, path, problem);
                None
            }
        },
        _ => {
            type_error(sink, node, path, "a number");
            None
        }
    }
}

/// A whole number in `min..=max` ([`crate::valid::whole`]).
pub fn integer(
    sink: &mut Sink,
    node: &Node,
    path: &str,
    min: i64,
    max: i64,
) -> Option<Spanned<i64>> {
    let n = number(sink, node, path)?;
    if let Some(problem) = crate::valid::whole(n.value, min, max) {
        sink.error(node.span, path, problem);
        return None;
    }
    Some(Spanned::new(n.value as i64, n.span))
}

/// A number in `min..=max` ([`crate::valid::within`]).
pub fn number_in(
    sink: &mut Sink,
    node: &Node,
    path: &str,
    min: f64,
    max: f64,
) -> Option<Spanned<f64>> {
    let n = number(sink, node, path)?;
    if let Some(problem) = crate::valid::within(n.value, min, max) {
        sink.error(node.span, path, problem);
        return None;
    }
    Some(n)
}

/// `true` or `false`; any other value is a type error.
pub fn boolean(sink: &mut Sink, node: &Node, path: &str) -> Option<bool> {
    match node.kind {
        Kind::Bool(b) => Some(b),
        _ => {
            type_error(sink, node, path, "`true` or `false`");
            None
        }
    }
}

/// A list's items; any other value is a type error.
pub fn list<'v>(sink: &mut Sink, node: &'v Node, path: &str) -> Option<&'v [Node]> {
    match &node.kind {
        Kind::List(items) => Some(items),
        _ => {
            type_error(sink, node, path, "a list `[...]`");
            None
        }
    }
}

/// Reads every item of a list with `item`, keeping those that read cleanly.
pub fn list_of<'v, T>(
    sink: &mut Sink,
    node: &'v Node,
    path: &str,
    mut item: impl FnMut(&mut Sink, &'v Node, &str) -> Option<T>,
) -> Vec<T> {
    let Some(items) = list(sink, node, path) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, node)| item(sink, node, &index_path(path, i)))
        .collect()
}

/// A map with string keys, in written order; a repeated key is an error.
pub fn string_map<'v>(
    sink: &mut Sink,
    node: &'v Node,
    path: &str,
) -> Vec<(Spanned<String>, &'v Node)> {
    let Kind::Map(entries) = &node.kind else {
        type_error(sink, node, path, "a map `{ \"key\": value }`");
        return Vec::new();
    };
    let mut out: Vec<(Spanned<String>, &Node)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (key, value) in entries {
        let Some(k) = string(sink, key, path) else {
            continue;
        };
        let Kind::Str(text) = &key.kind else {
            continue;
        };
        if !seen.insert(text.as_str()) {
            sink.error(
                k.span,
                &key_path(path, &k.value),
                format!("key {:?} is given more than once", k.value),
            );
            continue;
        }
        out.push((k, value));
    }
    out
}

/// One of a fixed set of words, written bare (`high`) or quoted (`"high"`), any case.
pub fn symbol(
    sink: &mut Sink,
    node: &Node,
    path: &str,
    choices: &[&'static str],
) -> Option<Spanned<&'static str>> {
    let written = match &node.kind {
        Kind::Ident(s) | Kind::Str(s) => s,
        _ => {
            type_error(sink, node, path, &format!("one of {}", choices.join(", ")));
            return None;
        }
    };
    if let Some(choice) = choices.iter().find(|c| c.eq_ignore_ascii_case(written)) {
        return Some(Spanned::new(*choice, node.span));
    }
    sink.error(
        node.span,
        path,
        format!(
            "unknown value `{written}`: expected one of {}",
            choices.join(", ")
        ),
    )
    .suggest(written, choices.iter().copied());
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ron::parse::parse;
    use crate::source::Source;

    fn with<R>(text: &str, f: impl FnOnce(&mut Sink, &Node) -> R) -> (R, Vec<String>) {
        let src = Source::new("t.ron", text);
        let node = parse(&src.text).unwrap();
        let mut out = Vec::new();
        let r = f(&mut Sink::new(&src, &mut out), &node);
        (r, out.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn unknown_and_repeated_fields_are_reported_with_suggestions() {
        let (_, errors) = with("Partner(id: \"a\", capacty: 2, id: \"b\")", |s, n| {
            let mut f = fields(s, n, "partners[0]", "Partner").unwrap();
            f.take("id");
            f.take("capacity");
            f.finish(s);
        });
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("given more than once"), "{errors:?}");
        assert!(errors[1].contains("unknown field `capacty`"), "{errors:?}");
        assert!(errors[1].contains("did you mean `capacity`"), "{errors:?}");
    }

    #[test]
    fn a_struct_with_the_wrong_name_is_an_error() {
        let (r, errors) = with("Need(role: \"x\")", |s, n| {
            fields(s, n, "p", "Partner").is_some()
        });
        assert!(!r);
        assert!(errors[0].contains("expected `Partner(...)`, found `Need(...)`"));
    }

    #[test]
    fn numbers_are_checked_for_range_kind_and_finiteness() {
        let (r, e) = with("7", |s, n| integer(s, n, "importance", 1, 5));
        assert!(
            r.is_none() && e[0].contains("out of range: expected 1 to 5"),
            "{e:?}"
        );
        let (r, e) = with("2.5", |s, n| integer(s, n, "capacity", 0, 50));
        assert!(r.is_none() && e[0].contains("whole number"), "{e:?}");
        let (r, e) = with("NaN", |s, n| number(s, n, "x"));
        assert!(r.is_none() && e[0].contains("finite"), "{e:?}");
        let (r, e) = with("\"3\"", |s, n| number(s, n, "x"));
        assert!(
            r.is_none() && e[0].contains("expected a number, found a string"),
            "{e:?}"
        );
    }

    #[test]
    fn ids_must_be_snake_case_and_labels_map_to_contract_ids() {
        let (r, e) = with("\"Ministry Of Health\"", |s, n| id(s, n, "id"));
        assert!(
            r.is_none() && e[0].contains("write `ministry_of_health`"),
            "{e:?}"
        );
        assert_eq!(snake_id("Know-how & expertise"), "know_how_and_expertise");
        assert_eq!(
            snake_id("Alignment with development goals/policy"),
            "alignment_with_development_goals_policy"
        );
        assert_eq!(
            snake_id("Improved access & provision of healthcare"),
            "improved_access_and_provision_of_healthcare"
        );
        assert_eq!(
            snake_id("Public opinion & satisfaction"),
            "public_opinion_and_satisfaction"
        );
        assert_eq!(snake_id("Legitimacy"), "legitimacy");
    }

    #[test]
    fn symbols_accept_bare_or_quoted_words_in_any_case() {
        let (r, _) = with("High", |s, n| {
            symbol(s, n, "severity", &["info", "low", "high"])
        });
        assert_eq!(r.unwrap().value, "high");
        let (r, e) = with("hgih", |s, n| {
            symbol(s, n, "severity", &["info", "low", "high"])
        });
        assert!(r.is_none() && e[0].contains("did you mean `high`"), "{e:?}");
    }

    #[test]
    fn texts_refuse_control_characters_but_keep_line_breaks_and_tabs() {
        let (r, e) = with("\"Acme\\u{1b}[2J\"", |s, n| text(s, n, "name"));
        assert!(r.is_none() && e[0].contains("U+001B"), "{e:?}");
        let (r, e) = with("\"a\\rb\"", |s, n| text(s, n, "name"));
        assert!(r.is_none() && e[0].contains("U+000D"), "{e:?}");
        let (r, _) = with("\"line one\r\nline two\tend\"", |s, n| text(s, n, "d"));
        assert_eq!(r.unwrap().value, "line one\nline two\tend");
    }

    #[test]
    fn overlong_ids_and_texts_are_refused() {
        let long_id = format!("\"{}\"", "a".repeat(MAX_ID_CHARS + 1));
        let (r, e) = with(&long_id, |s, n| id(s, n, "id"));
        assert!(
            r.is_none() && e[0].contains("longer than the limit of 64"),
            "{e:?}"
        );
        let ok_id = format!("\"{}\"", "a".repeat(MAX_ID_CHARS));
        assert!(with(&ok_id, |s, n| id(s, n, "id")).0.is_some());
        let long_text = format!("\"{}\"", "\u{e9}".repeat(MAX_TEXT_CHARS + 1));
        let (r, e) = with(&long_text, |s, n| text(s, n, "name"));
        assert!(r.is_none() && e[0].contains("limit of 10000"), "{e:?}");
        let ok_text = format!("\"{}\"", "\u{e9}".repeat(MAX_TEXT_CHARS));
        assert!(with(&ok_text, |s, n| text(s, n, "name")).0.is_some());
    }

    #[test]
    fn maps_reject_repeated_keys() {
        let (r, e) = with("{\"a\": 1, \"a\": 2}", |s, n| {
            string_map(s, n, "caps").len()
        });
        assert_eq!(r, 1);
        assert!(e[0].contains("given more than once"), "{e:?}");
    }
}
