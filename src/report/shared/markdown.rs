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
