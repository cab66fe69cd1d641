//! Diagnostics: every problem found in an input file, with where it is and what was expected.
//!
//! Loading never stops at the first problem: each stage pushes into a [`Diagnostics`] list and
//! carries on, so `rolefit check` can show a facilitator every mistake in one pass.

use crate::source::{Source, Span};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
/// How bad a problem is: an error makes the input unusable; a warning lets the command run
/// and is shown beside its result.
pub enum Level {
    /// The input cannot be used as it is.
    Error,
    /// The input can be used, but probably does not say what was meant.
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// The file as the user named it.
    pub file: String,
    /// 1-based; 0 when the problem is about the file as a whole.
    pub line: u32,
    /// 1-based column, in characters; 0 with `line` 0.
    pub column: u32,
    /// Field path inside the document, e.g. `partners[2].sector`; empty for the whole document.
    pub path: String,
    /// What is wrong, and what was expected.
    pub message: String,
    /// A suggestion, e.g. "did you mean `government`?".
    pub help: Option<String>,
    /// The source line and the highlighted columns (1-based, inclusive start, exclusive end).
    pub excerpt: Option<Excerpt>,
}

#[derive(Debug, Clone, PartialEq)]
/// The line a diagnostic is about, with the part to underline.
pub struct Excerpt {
    /// The source line, sanitised for the terminal.
    pub text: String,
    /// First underlined column (1-based).
    pub from: u32,
    /// Column just past the underline.
    pub to: u32,
}

impl Diagnostic {
    /// A problem not tied to a position (a missing file, a whole-document rule).
    pub fn whole_file(level: Level, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            file: file.to_string(),
            line: 0,
            column: 0,
            path: String::new(),
            message: shorten(message.into()),
            help: None,
            excerpt: None,
        }
    }

    /// Whether it makes the input unusable.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// `file:line:column`, or just the file when there is no position. The file's name can
    /// come from the input too (a file inside a `--rules` directory): it passes the terminal
    /// sanitiser like the message.
    pub fn location(&self) -> String {
        let file = crate::terminal::line(&self.file);
        if self.line == 0 {
            file.into_owned()
        } else {
            format!("{file}:{}:{}", self.line, self.column)
        }
    }

    /// Stands in for a diagnostic beyond [`MAX_PER_FILE`]: callers may still add help to it,
    /// which is dropped unseen, so the costly "did you mean" search is skipped for it.
    pub(crate) fn discarded() -> Self {
        Diagnostic::whole_file(Level::Error, "", "")
    }

    fn is_discarded(&self) -> bool {
        self.file.is_empty() && self.message.is_empty()
    }

    /// Writes the diagnostic the way compilers do: headline, location, excerpt, help.
    pub fn render(&self, colour: bool) -> String {
        use crate::terminal::{ERROR, GUTTER, STRONG, WARNING, paint};
        let (word, tint) = match self.level {
            Level::Error => ("error", ERROR),
            Level::Warning => ("warning", WARNING),
        };
        let gutter = |s: &str| paint(GUTTER, colour, s);
        // Fields can be set directly (sheet diagnostics set `path`): each passes the terminal
        // sanitiser here, whatever built the diagnostic.
        let line = crate::terminal::line;
        let mut out = format!(
            "{}{}\n",
            paint(tint, colour, word),
            paint(STRONG, colour, &format!(": {}", line(&self.message)))
        );
        let path = if self.path.is_empty() {
            String::new()
        } else {
            format!(" (at {})", line(&self.path))
        };
        out.push_str(&format!("  {} {}{path}\n", gutter("-->"), self.location()));
        if let Some(ex) = &self.excerpt {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            let lead: String = ex
                .text
                .chars()
                .take(ex.from.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let marks = "^".repeat(ex.to.saturating_sub(ex.from).max(1) as usize);
            out.push_str(&format!("  {pad} {}\n", gutter("|")));
            out.push_str(&format!("  {} {}\n", gutter(&format!("{num} |")), ex.text));
            out.push_str(&format!(
                "  {pad} {} {lead}{}\n",
                gutter("|"),
                paint(tint, colour, &marks)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!(
                "  = {}: {}\n",
                paint(STRONG, colour, "help"),
                line(help)
            ));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let line = crate::terminal::line;
        write!(f, "{}: {word}", self.location())?;
        if !self.path.is_empty() {
            write!(f, " at {}", line(&self.path))?;
        }
        write!(f, ": {}", line(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, " ({})", line(help))?;
        }
        Ok(())
    }
}

/// Diagnostics kept per file. A hostile or garbled file can hold hundreds of thousands of
/// mistakes; past this many, they are counted and summed up in one line instead, which keeps
/// time, memory and the output bounded (nobody reads the 201st error before fixing the first).
pub const MAX_PER_FILE: usize = 200;

/// Longest message or help kept: longer ones come from quoting huge input and are cut.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Longest source excerpt shown: a window of the line around the column.
pub const MAX_EXCERPT_CHARS: usize = 120;

/// Counts the diagnostics of one file against [`MAX_PER_FILE`].
#[derive(Debug, Default)]
pub struct Budget {
    kept: usize,
    dropped: usize,
    dropped_errors: bool,
}

impl Budget {
    /// Whether one more diagnostic of `level` may be kept; if not, it is counted as dropped.
    pub fn admit(&mut self, level: Level) -> bool {
        if self.kept < MAX_PER_FILE {
            self.kept += 1;
            return true;
        }
        self.dropped += 1;
        self.dropped_errors |= level == Level::Error;
        false
    }

    /// The line that stands for the dropped diagnostics, if any were dropped.
    pub fn summary(&self, file: &str) -> Option<Diagnostic> {
        (self.dropped > 0).then(|| {
            let level = if self.dropped_errors {
                Level::Error
            } else {
                Level::Warning
            };
            let mut d = Diagnostic::whole_file(
                level,
                file,
                format!(
                    "{} more problem(s) in this file are not shown (at most {MAX_PER_FILE} are)",
                    self.dropped
                ),
            );
            d.help = Some("fix the problems shown first, then run again".into());
            d
        })
    }
}

/// A growing list of diagnostics for one file, with the source to place them in. At most
/// [`MAX_PER_FILE`] are kept; when the sink is dropped, one line sums up the rest.
pub struct Sink<'a> {
    /// The file the spans point into.
    pub src: &'a Source,
    /// Where the kept diagnostics go.
    pub out: &'a mut Vec<Diagnostic>,
    budget: Budget,
    scratch: Diagnostic,
}

impl Drop for Sink<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.budget.summary(&self.src.name) {
            self.out.push(d);
        }
    }
}

impl<'a> Sink<'a> {
    /// A sink for the problems of `src`, pushing into `out`.
    pub fn new(src: &'a Source, out: &'a mut Vec<Diagnostic>) -> Self {
        Sink {
            src,
            out,
            budget: Budget::default(),
            scratch: Diagnostic::discarded(),
        }
    }

    /// Records an error at `span` (`path` is the field path, e.g. `partners[2].sector`); the
    /// returned diagnostic takes a `help`.
    pub fn error(&mut self, span: Span, path: &str, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Level::Error, span, path, message.into())
    }

    /// Records a warning, as [`Sink::error`] records an error.
    pub fn warning(
        &mut self,
        span: Span,
        path: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Level::Warning, span, path, message.into())
    }

    fn push(&mut self, level: Level, span: Span, path: &str, message: String) -> &mut Diagnostic {
        let src = self.src;
        self.keep(level, || Diagnostic::at(src, level, span, path, message))
    }

    /// An error at a place that is not a span of text, such as a spreadsheet's cell: `line`
    /// and `column` as the place counts them (row and column, from 1), `path` in words.
    pub fn error_at(
        &mut self,
        line: u32,
        column: u32,
        path: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let file = &self.src.name;
        self.keep(Level::Error, || {
            let mut d = Diagnostic::whole_file(Level::Error, file, message);
            d.line = line;
            d.column = column;
            d.path = shorten(path.to_string());
            d
        })
    }

    /// Keeps a diagnostic within the budget, building it only then (past the budget it is
    /// counted, and a scratch one takes any help given to it).
    fn keep(&mut self, level: Level, make: impl FnOnce() -> Diagnostic) -> &mut Diagnostic {
        if !self.budget.admit(level) {
            self.scratch = Diagnostic::discarded();
            return &mut self.scratch;
        }
        self.out.push(make());
        self.out.last_mut().expect("just pushed")
    }

    /// Whether an error was found (kept, or counted past the cap).
    pub fn has_errors(&self) -> bool {
        self.budget.dropped_errors || self.out.iter().any(Diagnostic::is_error)
    }
}

impl Diagnostic {
    /// A diagnostic pointing at `span` in `src`, with the line excerpt to show.
    pub fn at(
        src: &Source,
        level: Level,
        span: Span,
        path: &str,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = src.line_col(span.start);
        let (end_line, end_col) = src.line_col(span.end);
        let text = src.line_text(line);
        let to = if end_line == line {
            end_col.max(column + 1)
        } else {
            text.chars().count() as u32 + 1
        };
        Diagnostic {
            level,
            file: src.name.clone(),
            line,
            column,
            path: shorten(path.to_string()),
            message: shorten(message.into()),
            help: None,
            excerpt: Some(Excerpt::window(text, column, to)),
        }
    }

    /// Adds a suggestion (shortened to fit a line).
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(shorten(help.into()));
        self
    }

    /// Adds "did you mean ..." when a known name is close to the one written.
    pub fn suggest<'n>(&mut self, written: &str, known: impl IntoIterator<Item = &'n str>) {
        if self.is_discarded() {
            return;
        }
        if let Some(best) = closest(written, known) {
            self.help = Some(format!("did you mean `{best}`?"));
        }
    }
}

/// Cuts text quoted from a huge input down to [`MAX_MESSAGE_CHARS`], saying so, and passes it
/// through the terminal sanitiser (control and bidirectional characters quoted from the input
/// become escapes such as `\u{1b}`), so a diagnostic cannot act on the terminal showing it.
fn shorten(text: String) -> String {
    let text = match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}... (cut)", &text[..at]),
        None => text,
    };
    crate::terminal::line(&text).into_owned()
}

impl Excerpt {
    /// The part of a line to show: all of it when short, else a window of
    /// [`MAX_EXCERPT_CHARS`] around the marked columns, so a one-line 8 MiB file does not
    /// print 8 MiB per diagnostic.
    fn window(line: &str, from: u32, to: u32) -> Excerpt {
        // A control (or bidirectional) character of the file is shown as one replacement
        // character, which keeps the columns of the marks and keeps escape sequences off the
        // terminal.
        let clean: String;
        let line = if line.chars().any(|c| crate::terminal::placeholder(c) != c) {
            clean = line.chars().map(crate::terminal::placeholder).collect();
            clean.as_str()
        } else {
            line
        };
        let len = line.chars().count() as u32;
        if len as usize <= MAX_EXCERPT_CHARS {
            return Excerpt {
                text: line.to_string(),
                from,
                to,
            };
        }
        let width = MAX_EXCERPT_CHARS as u32;
        let start = from
            .saturating_sub(width / 4 + 1)
            .min(len.saturating_sub(width));
        let mut text: String = line
            .chars()
            .skip(start as usize)
            .take(width as usize)
            .collect();
        // `start` is below `from` (the window opens before the column), so nothing underflows.
        let prefix = if start > 0 { 3 } else { 0 };
        if start > 0 {
            text.insert_str(0, "...");
        }
        if start + width < len {
            text.push_str("...");
        }
        let from = from - start + prefix;
        let to = (to - start + prefix)
            .min(text.chars().count() as u32 + 1)
            .max(from + 1);
        Excerpt { text, from, to }
    }
}

/// Names longer than this are never "close" to a known id (ids are far shorter), and
/// comparing them would cost time quadratic in their length.
const MAX_SUGGEST_CHARS: usize = 200;

/// The known name closest to `written`, if it is close enough to be a likely typo.
pub fn closest<'n>(written: &str, known: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    if written.len() > MAX_SUGGEST_CHARS {
        return None;
    }
    let written_lower = written.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for name in known {
        let score = strsim::jaro_winkler(&written_lower, &name.to_lowercase());
        let edits = strsim::damerau_levenshtein(&written_lower, &name.to_lowercase());
        let close_by_edits = edits <= (name.len().max(written.len()) / 3).max(2);
        if (score >= 0.85 || close_by_edits)
            && best.is_none_or(|(b, n)| score > b || (score == b && name < n))
        {
            best = Some((score, name));
        }
    }
    best.map(|(_, name)| name)
}

/// The diagnostics of a whole load, in the order found; errors make the input unusable.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors, in the order found.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_close_name_and_nothing_for_a_far_one() {
        let known = ["government", "business", "academia"];
        assert_eq!(closest("goverment", known), Some("government"));
        assert_eq!(closest("Business", known), Some("business"));
        assert_eq!(closest("zzz", known), None);
        let caps = ["data_and_analytics", "dissemination"];
        assert_eq!(closest("data_analytics", caps), Some("data_and_analytics"));
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        let line = format!("{}BAD{}", "a".repeat(5000), "b".repeat(5000));
        let src = Source::new("s.ron", line.clone());
        let mut out = Vec::new();
        Sink::new(&src, &mut out).error(Span::new(5000, 5003), "x", "bad here");
        let ex = out[0].excerpt.as_ref().unwrap();
        assert!(
            ex.text.chars().count() <= MAX_EXCERPT_CHARS + 6,
            "{}",
            ex.text
        );
        let marked: String = ex
            .text
            .chars()
            .skip(ex.from as usize - 1)
            .take((ex.to - ex.from) as usize)
            .collect();
        assert_eq!(marked, "BAD");
        assert!(ex.text.starts_with("...") && ex.text.ends_with("..."));
        assert_eq!(out[0].column, 5001);
    }

    #[test]
    fn past_the_cap_diagnostics_are_counted_in_one_line() {
        let src = Source::new("s.ron", "x");
        let mut out = Vec::new();
        {
            let mut sink = Sink::new(&src, &mut out);
            for _ in 0..MAX_PER_FILE + 1000 {
                sink.error(Span::new(0, 1), "", "bad")
                    .suggest("goverment", ["government"]);
            }
            assert!(sink.has_errors());
        }
        assert_eq!(out.len(), MAX_PER_FILE + 1);
        let last = out.last().unwrap();
        assert!(last.is_error());
        assert!(
            last.message.contains("1000 more problem(s)"),
            "{}",
            last.message
        );
    }

    #[test]
    fn control_characters_from_the_input_never_reach_the_terminal() {
        let src = Source::new("s.ron", "name: \"\u{1b}[2J\",");
        let mut out = Vec::new();
        Sink::new(&src, &mut out).error(Span::new(6, 13), "name", "bad `\u{1b}[2J`");
        let shown = out[0].render(false);
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
        assert!(shown.contains("\\u{1b}[2J"), "{shown}");
    }

    #[test]
    fn huge_quoted_text_is_cut_and_never_suggested_for() {
        let src = Source::new("s.ron", "x");
        let mut out = Vec::new();
        let huge = "g".repeat(1_000_000);
        Sink::new(&src, &mut out)
            .error(Span::new(0, 1), "", format!("unknown sector `{huge}`"))
            .suggest(&huge, ["government"]);
        assert!(out[0].message.chars().count() < MAX_MESSAGE_CHARS + 20);
        assert!(out[0].message.ends_with("(cut)"));
        assert!(out[0].help.is_none());
    }

    #[test]
    fn renders_location_excerpt_and_help() {
        let src = Source::new("s.ron", "Scenario(\n  sector: \"goverment\",\n)");
        let mut out = Vec::new();
        let mut sink = Sink::new(&src, &mut out);
        let at = src.text.find("\"gov").unwrap();
        sink.error(
            Span::new(at, at + 11),
            "partners[0].sector",
            "unknown sector `goverment`",
        )
        .suggest("goverment", ["government"]);
        drop(sink);
        let text = out[0].render(false);
        assert!(
            text.contains("s.ron:2:11 (at partners[0].sector)"),
            "{text}"
        );
        assert!(text.contains("^^^^^^^^^^^"), "{text}");
        assert!(text.contains("did you mean `government`?"), "{text}");
    }
}
