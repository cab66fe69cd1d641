//! Text building blocks shared by the terminal reports: ANSI paint, titles, cut names, flags,
//! and the one writer of aligned text tables (widths measured in terminal columns).

use crate::kb::Severity;
use std::fmt::Write;
/// ANSI styling that is a no-op when colour is off (shared by the text reports).
pub(crate) struct Paint {
    pub(crate) on: bool,
}

impl Paint {
    pub(crate) fn bold(&self, s: &str) -> String {
        crate::terminal::paint(crate::terminal::STRONG, self.on, s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        crate::terminal::paint(crate::terminal::DIM, self.on, s)
    }
    pub(crate) fn severity(&self, sev: Severity, s: &str) -> String {
        crate::terminal::paint(crate::terminal::severity(sev), self.on, s)
    }
}

/// A report's title line: the scenario, and the variant when one was asked for.
pub(crate) fn title(scenario: &str, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("{scenario} - variant {v:?}"),
        None => scenario.to_string(),
    }
}

/// Cuts a name to `width` characters, marking the cut with `~` (shared by the text reports).
pub(crate) fn fit_width(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('~');
        t
    }
}

/// Flags one to a block: severity, kind and subject; the message; the rule and its source.
pub(crate) fn flags(out: &mut String, flags: &[crate::explain::Flag], paint: &Paint) {
    if flags.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in flags {
        let about: Vec<&str> = [f.partner.as_deref(), f.role.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let sev = paint.severity(
            f.severity,
            &format!("{:<6}", f.severity.name().to_uppercase()),
        );
        let _ = writeln!(out, "  {sev} {} {}", f.kind, paint.dim(&about.join(" / ")));
        let _ = writeln!(out, "         {}", f.message);
        let _ = writeln!(
            out,
            "         {}",
            paint.dim(&format!("rule {} | {}", f.rule, f.source))
        );
    }
}

/// How wide a text is on a terminal, in columns: a wide (East Asian) character takes two, a
/// combining mark none. Tables pad by this, not by characters, so their columns line up.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Where a cell sits in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right: text reads from the left edge.
    Left,
    /// Padded on the left: numbers line up on the right.
    Right,
}

/// A column of a [`Table`]: its alignment, and the widest it is padded to (a longer cell is
/// written whole and pushes the rest of its line right).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Which side the cell sits on.
    pub align: Align,
    /// The widest the column is padded to.
    pub max: usize,
}

impl Column {
    /// A left-aligned column with no width limit.
    pub const LEFT: Column = Column {
        align: Align::Left,
        max: usize::MAX,
    };
    /// A right-aligned column with no width limit.
    pub const RIGHT: Column = Column {
        align: Align::Right,
        max: usize::MAX,
    };
}

/// The one writer of aligned text tables: each line is the indent, then the cells two spaces
/// apart, each padded to its column's widest cell (measured with [`width`]).
pub struct Table<'a> {
    /// Written at the start of every line.
    pub indent: &'a str,
    /// One per column (the last repeats for any further column).
    pub columns: &'a [Column],
    /// Cut the spaces at the end of each line.
    pub trim: bool,
}

impl Table<'_> {
    /// Writes the rows (the header is the first), one line each.
    pub fn write(&self, out: &mut String, rows: &[Vec<String>]) {
        let column = |i: usize| {
            self.columns
                .get(i)
                .or(self.columns.last())
                .copied()
                .unwrap_or(Column::LEFT)
        };
        let mut widths: Vec<usize> = Vec::new();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                if widths.len() <= i {
                    widths.push(0);
                }
                widths[i] = widths[i].max(width(cell));
            }
        }
        for (i, w) in widths.iter_mut().enumerate() {
            *w = (*w).min(column(i).max);
        }
        for row in rows {
            let mut line = self.indent.to_string();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(widths[i].saturating_sub(width(cell)));
                match column(i).align {
                    Align::Left => {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    Align::Right => {
                        line.push_str(&pad);
                        line.push_str(cell);
                    }
                }
            }
            if self.trim {
                line.truncate(line.trim_end().len());
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by review: the sweep summary padded by characters, so a level named in Chinese or
    /// Japanese (two terminal columns a character) pushed its figures out of line.
    #[test]
    fn wide_characters_are_padded_by_their_terminal_width() {
        let rows = vec![
            vec!["level".to_string(), "runs".to_string()],
            vec!["达喀尔".to_string(), "7".to_string()],
            vec!["dakar".to_string(), "12".to_string()],
        ];
        let mut out = String::new();
        Table {
            indent: "  ",
            columns: &[Column::LEFT, Column::RIGHT],
            trim: true,
        }
        .write(&mut out, &rows);
        assert_eq!(out, "  level   runs\n  达喀尔     7\n  dakar     12\n");
        let ends: Vec<usize> = out.lines().map(width).collect();
        assert_eq!(ends, [14, 14, 14]);
    }

    #[test]
    fn a_capped_column_pads_no_wider_than_its_cap_and_keeps_long_cells_whole() {
        let rows = vec![
            vec![String::new(), "a".repeat(5)],
            vec!["x".to_string(), "b".to_string()],
        ];
        let mut out = String::new();
        Table {
            indent: "",
            columns: &[
                Column::LEFT,
                Column {
                    align: Align::Left,
                    max: 3,
                },
            ],
            trim: false,
        }
        .write(&mut out, &rows);
        assert_eq!(out, "   aaaaa\nx  b  \n");
    }
}
