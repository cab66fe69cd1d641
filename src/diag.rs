//! Diagnostics: every problem found in an input file, with where it is and what was expected.
//!
//! Loading never stops at the first problem: each stage pushes into a [`Diagnostics`] list and
//! carries on, so `rolefit check` can show a facilitator every mistake in one pass.

use crate::source::{Source, Span};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub level: Level,
    pub file: String,
    /// 1-based; 0 when the problem is about the file as a whole.
    pub line: u32,
    pub column: u32,
    /// Field path inside the document, e.g. `partners[2].sector`; empty for the whole document.
    pub path: String,
    pub message: String,
    /// A suggestion, e.g. "did you mean `government`?".
    pub help: Option<String>,
    /// The source line and the highlighted columns (1-based, inclusive start, exclusive end).
    pub excerpt: Option<Excerpt>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    pub text: String,
    pub from: u32,
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
            message: message.into(),
            help: None,
            excerpt: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// `file:line:column`, or just the file when there is no position.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    /// Writes the diagnostic the way compilers do: headline, location, excerpt, help.
    pub fn render(&self, colour: bool) -> String {
        let (bold, red, yellow, blue, reset) = if colour {
            (
                "\x1b[1m",
                "\x1b[1;31m",
                "\x1b[1;33m",
                "\x1b[1;34m",
                "\x1b[0m",
            )
        } else {
            ("", "", "", "", "")
        };
        let (word, tint) = match self.level {
            Level::Error => ("error", red),
            Level::Warning => ("warning", yellow),
        };
        let mut out = format!("{tint}{word}{reset}{bold}: {}{reset}\n", self.message);
        let path = if self.path.is_empty() {
            String::new()
        } else {
            format!(" (at {})", self.path)
        };
        out.push_str(&format!("  {blue}-->{reset} {}{path}\n", self.location()));
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
            out.push_str(&format!("  {pad} {blue}|{reset}\n"));
            out.push_str(&format!("  {blue}{num} |{reset} {}\n", ex.text));
            out.push_str(&format!(
                "  {pad} {blue}|{reset} {lead}{tint}{marks}{reset}\n"
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  = {bold}help{reset}: {help}\n"));
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
        write!(f, "{}: {word}", self.location())?;
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// A growing list of diagnostics for one file, with the source to place them in.
pub struct Sink<'a> {
    pub src: &'a Source,
    pub out: &'a mut Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(src: &'a Source, out: &'a mut Vec<Diagnostic>) -> Self {
        Sink { src, out }
    }

    pub fn error(&mut self, span: Span, path: &str, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Level::Error, span, path, message.into())
    }

    pub fn warning(
        &mut self,
        span: Span,
        path: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Level::Warning, span, path, message.into())
    }

    fn push(&mut self, level: Level, span: Span, path: &str, message: String) -> &mut Diagnostic {
        self.out
            .push(Diagnostic::at(self.src, level, span, path, message));
        self.out.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.out.iter().any(Diagnostic::is_error)
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
            path: path.to_string(),
            message: message.into(),
            help: None,
            excerpt: Some(Excerpt {
                text: text.to_string(),
                from: column,
                to,
            }),
        }
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean ..." when a known name is close to the one written.
    pub fn suggest<'n>(&mut self, written: &str, known: impl IntoIterator<Item = &'n str>) {
        if let Some(best) = closest(written, known) {
            self.help = Some(format!("did you mean `{best}`?"));
        }
    }
}

/// The known name closest to `written`, if it is close enough to be a likely typo.
pub fn closest<'n>(written: &str, known: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
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
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

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
        let text = out[0].render(false);
        assert!(
            text.contains("s.ron:2:11 (at partners[0].sector)"),
            "{text}"
        );
        assert!(text.contains("^^^^^^^^^^^"), "{text}");
        assert!(text.contains("did you mean `government`?"), "{text}");
    }
}
