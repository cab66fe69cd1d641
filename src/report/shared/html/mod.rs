//! Building blocks of the HTML reports: an escaping writer, the page skeleton with its inline
//! stylesheet, SVG charts (the partner x role matrix, bar charts) and the sections every report
//! of a line-up shows (flags, gaps, risks avoided, conflicts).
//!
//! A report is one self-contained file: no scripts, fonts, images or links to load, so it opens
//! offline, prints, and can be mailed. The page carries a Content-Security-Policy that forbids
//! loading anything, so a mistake that adds a network reference fails loudly in a browser.
//!
//! Safety by construction: text reaches the page only through [`Html::text`] and attribute
//! values, both escaped; markup can only be written from `&'static str` ([`Html::raw`]), so no
//! string from a scenario can ever become markup.
//!
//! A page from the blocks (what `compare` builds for its value and coverage per variant):
//!
//! ```
//! use rolefit::report::shared::html::{page, BarChart, Html, Panel};
//!
//! let mut coverage = Panel::new("coverage", vec![1.0, 0.85]);
//! coverage.percent = true;
//! coverage.decimals = 0;
//! coverage.domain = Some((0.0, 1.0));
//! let mut value = Panel::new("objective", vec![39.88, 31.2]);
//! value.marks = vec![Some(39.88), Some(39.88)];
//! value.mark_label = "base".into();
//! let chart = BarChart {
//!     label: "Value and coverage per variant".into(),
//!     rows: vec!["base".into(), "without <the> foundation".into()],
//!     panels: vec![value, coverage],
//! };
//! let mut body = Html::new();
//! body.open("main", &[]).elem("h1", &[], "Compare & choose");
//! body.append(chart.svg());
//! body.close();
//! let html = page("Compare", body);
//! assert!(html.contains("<h1>Compare &amp; choose</h1>"));
//! assert!(html.contains("data-row=\"without &lt;the&gt; foundation\""));
//! ```

mod chart;
mod matrix;
mod sections;

pub use crate::report::num;
pub use chart::{BarChart, Panel};
pub use matrix::{
    Live, fit_colour, matrix_key, matrix_legend, matrix_svg, matrix_svg_live, severity_colour,
};
pub use sections::{
    avoided_section, conflict_section, flag_item, flags_list, flags_table, gaps_section,
    money_section, notes_section, partner_label, relaxations_section, rule_cell, severity_badge,
};

/// Escapes text for HTML and SVG, in element content and in quoted attribute values alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Elements written without content (`<meta ... />`, `<rect ... />`).
const VOID: &[&str] = &[
    "meta", "link", "br", "hr", "input", "rect", "line", "circle", "path", "polygon", "stop",
];

/// An HTML writer that escapes every dynamic string and keeps elements balanced.
///
/// Tag and attribute names are `&'static str`; attribute values and text are escaped. Elements
/// opened with [`Html::open`] are closed in order by [`Html::close`].
#[derive(Debug, Default)]
pub struct Html {
    out: String,
    open: Vec<&'static str>,
}

impl Html {
    /// An empty document, to fill with elements.
    pub fn new() -> Html {
        Html::default()
    }

    /// Opens `<tag attrs>`; close it with [`Html::close`].
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Html {
        self.start_tag(tag, attrs);
        self.out.push('>');
        self.open.push(tag);
        self
    }

    /// Closes the element opened last.
    pub fn close(&mut self) -> &mut Html {
        let Some(tag) = self.open.pop() else {
            debug_assert!(false, "close() without an open element");
            return self;
        };
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        if matches!(
            tag,
            "p" | "div"
                | "section"
                | "header"
                | "footer"
                | "main"
                | "table"
                | "thead"
                | "tbody"
                | "tr"
                | "ul"
                | "ol"
                | "li"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "svg"
                | "g"
                | "dl"
                | "dd"
                | "dt"
                | "details"
                | "figure"
                | "head"
                | "body"
                | "html"
                | "style"
                | "title"
        ) {
            self.out.push('\n');
        }
        self
    }

    /// An element holding only text: `<tag attrs>text</tag>`.
    pub fn elem(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Html {
        self.open(tag, attrs).text(text).close()
    }

    /// An element without content: `<tag attrs />`.
    pub fn void(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Html {
        debug_assert!(VOID.contains(&tag), "{tag} is not a void element");
        self.start_tag(tag, attrs);
        self.out.push_str(" />");
        if !matches!(tag, "br") {
            self.out.push('\n');
        }
        self
    }

    /// Escaped text.
    pub fn text(&mut self, s: &str) -> &mut Html {
        escape_into(&mut self.out, s);
        self
    }

    /// Escaped text in which `backticked` spans (ids in rolefit's messages) become `<code>`,
    /// so a message never shows literal backticks. An unpaired backtick stays as it is.
    pub fn prose(&mut self, s: &str) -> &mut Html {
        let parts: Vec<&str> = s.split('`').collect();
        let paired = parts.len() % 2 == 1;
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 1 && (paired || i + 1 < parts.len()) {
                self.elem("code", &[], part);
            } else {
                if i % 2 == 1 {
                    self.text("`");
                }
                self.text(part);
            }
        }
        self
    }

    /// Trusted markup or CSS; only compile-time strings, so input can never get here.
    pub fn raw(&mut self, s: &'static str) -> &mut Html {
        self.out.push_str(s);
        self
    }

    /// Another writer's finished, balanced output (a chart built on its own).
    pub fn append(&mut self, other: Html) -> &mut Html {
        self.out.push_str(&other.finish());
        self
    }

    /// Opens a table with its head row (one `th` per title, each with `th` attributes) and
    /// opens its body: the caller writes the rows, then closes the body and the table.
    pub fn table_head<'t>(
        &mut self,
        attrs: &[(&'static str, &str)],
        th: &[(&'static str, &str)],
        titles: impl IntoIterator<Item = &'t str>,
    ) -> &mut Html {
        self.open("table", attrs).open("thead", &[]).open("tr", &[]);
        for t in titles {
            self.elem("th", th, t);
        }
        self.close().close().open("tbody", &[])
    }

    /// The markup; every element opened has been closed.
    pub fn finish(self) -> String {
        debug_assert!(self.open.is_empty(), "unclosed elements: {:?}", self.open);
        self.out
    }

    fn start_tag(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
    }
}

/// Cuts a label to `max` characters with an ellipsis (charts show the full text as a tooltip).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('\u{2026}');
        t
    }
}

/// About how wide `s` is in a sans-serif font of `px` pixels, erring wide: charts size their
/// label margins with it (they are computed, not measured, so every machine gets the same
/// bytes). The widths are DejaVu Sans's (what Debian's browsers use for `system-ui`), which is
/// wider than Arial or Helvetica, so a label never runs off the chart's edge.
pub fn text_width(s: &str, px: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.42,
            'm' | 'W' => 1.0,
            'M' | 'w' => 0.88,
            'A'..='Z' | '&' | '%' | '@' => 0.76,
            '0'..='9' => 0.64,
            'a'..='z' => 0.62,
            // CJK and other wide scripts take a full em.
            c if c.len_utf8() >= 3 => 1.0,
            _ => 0.72,
        })
        .sum();
    em * px
}

/// The stylesheet shared by every report: screen and print.
pub const CSS: &str = include_str!("style.css");

/// A whole page: `title` in the tab and the head, `body` as the page's content.
pub fn page(title: &str, body: Html) -> String {
    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n");
    h.open("html", &[("lang", "en")]);
    h.raw("\n");
    h.open("head", &[]);
    h.raw("\n");
    h.void("meta", &[("charset", "utf-8")]);
    h.void(
        "meta",
        &[
            ("name", "viewport"),
            ("content", "width=device-width, initial-scale=1"),
        ],
    );
    h.void(
        "meta",
        &[
            ("http-equiv", "Content-Security-Policy"),
            (
                "content",
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
            ),
        ],
    );
    h.void("meta", &[("name", "generator"), ("content", "rolefit")]);
    h.elem("title", &[], title);
    h.open("style", &[]).raw(CSS).close();
    h.close();
    h.open("body", &[]);
    h.raw("\n");
    h.append(body);
    h.open("footer", &[]);
    h.raw("Made with rolefit: roles fitted to the institutional logics of Table 1 of the DCCC ");
    h.raw("discussion paper \u{201c}Effective digital health partnerships\u{201d}.");
    h.close();
    h.close();
    h.close();
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut h = Html::new();
        h.elem(
            "p",
            &[("title", "a \"quoted\" 'name' & <b>")],
            "<script>alert('x')</script> & co",
        );
        let s = h.finish();
        assert_eq!(
            s,
            "<p title=\"a &quot;quoted&quot; &#39;name&#39; &amp; &lt;b&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>\n"
        );
    }

    #[test]
    fn backticked_ids_become_code_and_a_lone_backtick_stays() {
        let mut h = Html::new();
        h.prose("the `conflict` flags <b> and `x");
        assert_eq!(
            h.finish(),
            "the <code>conflict</code> flags &lt;b&gt; and `x"
        );
        let mut h = Html::new();
        h.prose("`a` then `b`");
        assert_eq!(h.finish(), "<code>a</code> then <code>b</code>");
    }

    #[test]
    fn elements_close_in_order() {
        let mut h = Html::new();
        h.open("section", &[]).open("h2", &[]).text("x").close();
        h.void("br", &[]);
        h.close();
        assert_eq!(h.finish(), "<section><h2>x</h2>\n<br /></section>\n");
    }

    #[test]
    fn the_page_loads_nothing_from_outside() {
        let mut body = Html::new();
        body.elem("p", &[], "hello");
        let page = page("T <x>", body);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(page.contains("<title>T &lt;x&gt;</title>"));
        assert!(page.contains("default-src &#39;none&#39;"));
        for banned in [
            "<script", "<link", "src=", "@import", "url(", "http:", "https:",
        ] {
            assert!(!page.contains(banned), "{banned} in the page");
        }
        assert!(page.trim_end().ends_with("</html>"));
    }

    #[test]
    fn long_labels_are_clipped_with_an_ellipsis() {
        assert_eq!(clip("abcdef", 4), "abc\u{2026}");
        assert_eq!(clip("abc", 4), "abc");
        assert_eq!(clip("\u{e9}t\u{e9} long", 3), "\u{e9}t\u{2026}");
    }

    #[test]
    fn capitals_and_wide_letters_are_estimated_wider() {
        let lower = text_width("ministry of health", 12.0);
        let upper = text_width("MINISTRY OF HEALTH", 12.0);
        assert!(upper > lower * 1.15, "{upper} against {lower}");
        assert!(text_width("MMMM", 12.0) >= 4.0 * 0.85 * 12.0);
        assert_eq!(text_width("", 12.0), 0.0);
        assert!(
            text_width("\u{5065}\u{5eb7}", 10.0) >= 20.0,
            "CJK takes a full em"
        );
    }

    #[test]
    fn numbers_never_show_negative_zero() {
        assert_eq!(num(-0.0001, 2), "0.00");
        assert_eq!(num(-1.5, 1), "-1.5");
        assert_eq!(num(0.845, 0), "1");
    }
}
