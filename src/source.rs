//! Input text with its display name, and byte spans that map back to line and column.
//!
//! Every diagnostic points into a [`Source`], so the loader keeps the text it read instead of
//! throwing it away after parsing.

use std::fmt;

/// A byte range in a [`Source`]; `start..end`, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset just past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `usize` offsets, as the parser counts them.
    pub fn new(start: usize, end: usize) -> Self {
        // Sources are capped far below 4 GiB by the loader, so offsets fit in u32.
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// What was written.
    pub value: T,
    /// Where.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// A value and its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// One input document: a scenario, a rule file, or standard input.
#[derive(Debug, Clone)]
pub struct Source {
    /// What the user calls it: the path as given, `<stdin>`, or `rules/roles.ron (built-in)`.
    pub name: String,
    /// The whole text, as read.
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    /// Wraps text; a leading byte-order mark is dropped so spreadsheet exports parse.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut text = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset. An offset inside a character
    /// counts as that character, so a span from any stage can never make rendering panic.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        (line as u32 + 1, column as u32)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else {
            return "";
        };
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |&e| e - 1);
        self.text[start..end.max(start)].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let src = Source::new("t", "ab\n\u{e9}t\u{e9}: 1\r\nz");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(3), (2, 1));
        // 'é' is two bytes; the colon is the 4th character of line 2.
        let colon = src.text.find(':').unwrap() as u32;
        assert_eq!(src.line_col(colon), (2, 4));
        assert_eq!(src.line_text(2), "\u{e9}t\u{e9}: 1");
        assert_eq!(src.line_text(3), "z");
    }

    #[test]
    fn an_offset_inside_a_character_is_that_characters_column() {
        // Found by fuzzing: a syntax error at `é` spanned half of it and slicing panicked.
        let src = Source::new("t", "Scenario(\u{e9})");
        assert_eq!(src.line_col(10), (1, 10));
        assert_eq!(src.line_col(11), (1, 11));
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let src = Source::new("t", "\u{feff}Scenario()");
        assert!(src.text.starts_with("Scenario"));
        assert_eq!(src.line_col(0), (1, 1));
    }
}
