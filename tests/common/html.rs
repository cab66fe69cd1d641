//! Reading rolefit's HTML in tests: start tags with their attributes, and the escaping a text
//! must have to appear in the page. A deliberately small reader, independent of the renderer.

use std::collections::BTreeMap;

/// The attributes of a start tag, values unescaped.
pub type Attrs = BTreeMap<String, String>;

/// Text as the page must contain it: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Text as a page shows it in prose (flag messages, suggestions, notes): escaped, with each
/// `backticked` id as a `<code>` element; a backtick without its pair stays as it is.
pub fn escaped_prose(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let paired = parts.len() % 2 == 1 || i + 1 < parts.len();
        match (i % 2, paired) {
            (1, true) => out.push_str(&format!("<code>{}</code>", escaped(part))),
            (1, false) => out.push_str(&format!("`{}", escaped(part))),
            _ => out.push_str(&escaped(part)),
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every `<tag ...>` start tag whose `class` attribute is `class`, in document order.
pub fn tags(html: &str, tag: &str, class: &str) -> Vec<Attrs> {
    let open = format!("<{tag} ");
    html.match_indices(&open)
        .map(|(i, _)| attrs(&html[i + open.len()..]))
        .filter(|a| a.get("class").map(String::as_str) == Some(class))
        .collect()
}

/// Parses `name="value"` pairs up to the end of the start tag.
fn attrs(rest: &str) -> Attrs {
    let mut out = Attrs::new();
    let mut s = rest;
    loop {
        s = s.trim_start();
        if s.is_empty() || s.starts_with('>') || s.starts_with("/>") {
            return out;
        }
        let end = s
            .find(|c: char| c == '=' || c == '>' || c.is_whitespace())
            .unwrap_or(s.len());
        let name = s[..end].to_string();
        s = &s[end..];
        if let Some(after) = s.strip_prefix("=\"") {
            let close = after.find('"').expect("a closing quote in an attribute");
            out.insert(name, unescape(&after[..close]));
            s = &after[close + 1..];
        } else {
            out.insert(name, String::new());
        }
    }
}

/// The `(partner, role)` of each matrix cell, with the cell's attributes.
pub fn cells(html: &str) -> Vec<Attrs> {
    tags(html, "g", "cell")
}
