//! Markdown building blocks shared by the Markdown reports: escaping of input text, and the one
//! writer of pipe tables.

/// Escapes Markdown and HTML-significant characters so input text renders literally.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '!' | '|'
            | '~' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// How a column of a pipe table is aligned (its cell in the alignment row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `---`
    Left,
    /// `---:`
    Right,
    /// `:---:`
    Centre,
    /// `:-:`, for columns of one mark (a RACI letter)
    Mark,
}

impl Align {
    fn rule(self) -> &'static str {
        match self {
            Align::Left => "---",
            Align::Right => "---:",
            Align::Centre => ":---:",
            Align::Mark => ":-:",
        }
    }
}

/// The head of a pipe table: the titles, then the alignment row, one [`Align`] per column. An
/// empty title (over a column of row labels) is written `| |`. Titles are written as given: the
/// caller escapes input text.
pub fn head<S: AsRef<str>>(
    out: &mut String,
    titles: impl IntoIterator<Item = S>,
    aligns: impl IntoIterator<Item = Align>,
) {
    out.push('|');
    for t in titles {
        let t = t.as_ref();
        if !t.is_empty() {
            out.push(' ');
            out.push_str(t);
        }
        out.push_str(" |");
    }
    out.push_str("\n|");
    for a in aligns {
        out.push_str(a.rule());
        out.push('|');
    }
    out.push('\n');
}

/// One row of a pipe table, `| a | b |`, and its line break. Cells are written as given: the
/// caller escapes input text.
pub fn row<S: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = S>) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c.as_ref());
        out.push_str(" |");
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markdown_and_html_in_names_is_inert() {
        let e = escape("**x** | <script>alert(1)</script> [a](b)");
        assert!(!e.contains("<script>"));
        assert!(e.contains("\\*\\*x\\*\\* \\|"), "{e}");
        assert!(e.contains("\\[a\\]\\(b\\)"), "{e}");
    }
}
