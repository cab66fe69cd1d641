//! The one sanitiser for text from the input on its way to a terminal: diagnostics, error
//! messages, and the text reports of tables rolefit did not validate (`summarize`).
//!
//! A terminal acts on some characters instead of showing them: escape sequences (`ESC[2J`
//! clears the screen, an OSC sequence retitles the window or writes a link), BEL, a carriage
//! return that lets a line overwrite itself, and the bidirectional overrides and isolates
//! (U+202A..U+202E, U+2066..U+2069) that make text display in another order than it is read
//! ("Trojan Source"). Each is shown as an escape (`\u{1b}`, `\u{202e}`) instead, so what the
//! reader sees is what the file holds.
//!
//! It also holds the one palette of rolefit's coloured output (diagnostics on standard error,
//! the text reports on standard output), and the one test of whether a stream gets colour, so
//! the escape codes are written in one place, by anstyle.

use anstyle::{AnsiColor, Style};
use std::borrow::Cow;

/// An error's headline and the marks under the text it is about.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// A warning's headline and marks.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// The gutter of a quoted excerpt (`-->`, `|`, line numbers).
pub const GUTTER: Style = AnsiColor::Blue.on_default().bold();
/// Headings and the names a reader scans for.
pub const STRONG: Style = Style::new().bold();
/// What a reader may skip: legends, sources, cells not held.
pub const DIM: Style = Style::new().dimmed();

/// The style of a flag of `severity`: the higher, the louder.
pub fn severity(severity: crate::kb::Severity) -> Style {
    use crate::kb::Severity;
    match severity {
        Severity::High => AnsiColor::Red.on_default().bold(),
        Severity::Medium => AnsiColor::Yellow.on_default(),
        Severity::Low => AnsiColor::Cyan.on_default(),
        Severity::Info => DIM,
    }
}

/// `text` in `style` when `colour` is on; as it is otherwise.
pub fn paint(style: Style, colour: bool, text: &str) -> String {
    if colour {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// Whether a stream gets colour: a terminal that is not `TERM=dumb`, and no `NO_COLOR`
/// (`CLICOLOR_FORCE` forces it), as anstream decides for clap's own output.
pub fn colour_on(stream: &impl anstream::stream::RawStream) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// Bidirectional embeddings, overrides and isolates: they reorder how the text around them is
/// displayed. (The marks U+200E, U+200F and U+061C only set a direction; they stay.)
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether a terminal would act on `c` rather than show it, apart from line breaks and tabs.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Text for a terminal: control characters other than line breaks and tabs, and bidirectional
/// controls, are written as escapes. Borrowed when there is nothing to escape (the common case).
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, acts)
}

/// One line for a terminal: like [`text`], and line breaks and tabs are escaped too (a quoted
/// name cannot start a new line that looks like another message).
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, |c| c.is_control() || is_bidi_control(c))
}

fn escape(s: &str, bad: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A character to show in place of one a terminal would act on, keeping the columns of a
/// source excerpt (an escape would shift the `^` marks under it).
pub fn placeholder(c: char) -> char {
    if acts(c) { '\u{fffd}' } else { c }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_bells_and_bidi_overrides_are_shown_as_escapes() {
        let hostile = "a\u{1b}[2Jb\u{1b}]0;title\u{7}c\u{202e}d\re\u{9b}f";
        let shown = text(hostile);
        assert_eq!(
            shown,
            "a\\u{1b}[2Jb\\u{1b}]0;title\\u{7}c\\u{202e}d\\re\\u{9b}f"
        );
        assert!(matches!(
            text("plain, with\na line and\ta tab"),
            Cow::Borrowed(_)
        ));
        assert_eq!(line("two\nlines"), "two\\nlines");
        assert_eq!(placeholder('\u{1b}'), '\u{fffd}');
        assert_eq!(placeholder('\t'), '\t');
        // Joiners in emoji and direction marks are text, not controls.
        assert!(matches!(text("👩\u{200d}🔬 \u{200f}"), Cow::Borrowed(_)));
    }
}
