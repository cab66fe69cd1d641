//! Horizontal bar charts as SVG, in side-by-side panels that share the row labels: one panel
//! per measure, each on its own scale (a line-up's value and its coverage, a partner's load and
//! its capacity). A panel may carry a reference mark per row (a capacity, the base line-up's
//! value) drawn as a tick across the bar.

use super::{Html, clip, num, text_width};

const ROW_H: f64 = 24.0;
const BAR_H: f64 = 14.0;
const PANEL_W: f64 = 250.0;
const PANEL_GAP: f64 = 28.0;
/// The labels' font size.
const FONT_PX: f64 = 12.0;
const LABEL_CHARS: usize = 34;

/// A chart: rows (variants, partners, capabilities) and one panel per measure.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// What the chart shows, for the accessible name and the tooltip.
    pub label: String,
    /// Row labels, top to bottom; every panel has one value per row.
    pub rows: Vec<String>,
    /// The measures, drawn side by side, each on its own scale.
    pub panels: Vec<Panel>,
}

/// One measure over the chart's rows.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The measure's name, shown above the panel.
    pub title: String,
    /// One value per row.
    pub values: Vec<f64>,
    /// A reference per row (empty for none), drawn as a dark tick.
    pub marks: Vec<Option<f64>>,
    /// What the ticks are ("capacity"), shown in the panel's title.
    pub mark_label: String,
    /// Fixed bounds (shares use 0..1); otherwise the data's range, always including 0.
    pub domain: Option<(f64, f64)>,
    /// Values shown as percentages (value 0.5 reads 50%).
    pub percent: bool,
    /// Decimals shown in the values' labels.
    pub decimals: usize,
    /// Bar colour.
    pub colour: &'static str,
}

impl Panel {
    /// A panel of bars with no marks, scaled to its values, with 2 decimals.
    pub fn new(title: &str, values: Vec<f64>) -> Panel {
        Panel {
            title: title.to_string(),
            values,
            marks: Vec::new(),
            mark_label: String::new(),
            domain: None,
            percent: false,
            decimals: 2,
            colour: "#2e78b7",
        }
    }

    fn format(&self, v: f64) -> String {
        if self.percent {
            format!("{}%", num(v * 100.0, self.decimals))
        } else {
            num(v, self.decimals)
        }
    }

    /// The text beside a bar: its value, and its mark when it has one ("2.0 (capacity 3.0)").
    fn label(&self, r: usize) -> String {
        let v = self.values.get(r).copied().unwrap_or(0.0);
        match self.marks.get(r).copied().flatten() {
            Some(m) => format!(
                "{} ({} {})",
                self.format(v),
                self.mark_label,
                self.format(m)
            ),
            None => self.format(v),
        }
    }

    /// Room right of the bars for the longest label.
    fn label_room(&self) -> f64 {
        (0..self.values.len())
            .map(|r| text_width(&self.label(r), FONT_PX))
            .fold(4.0 * FONT_PX, f64::max)
            + 12.0
    }

    /// The panel's range, always including 0 and every value and mark.
    fn range(&self) -> (f64, f64) {
        if let Some((lo, hi)) = self.domain
            && hi > lo
        {
            return (lo, hi);
        }
        let all = self
            .values
            .iter()
            .chain(self.marks.iter().flatten())
            .filter(|v| v.is_finite());
        let (lo, hi) = all.fold((0.0f64, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        if hi - lo < 1e-9 {
            (lo, lo + 1.0)
        } else {
            (lo, hi)
        }
    }
}

impl BarChart {
    /// The chart as an SVG element; every bar carries `data-row`, `data-panel` and `data-value`.
    pub fn svg(&self) -> Html {
        let widest = self
            .rows
            .iter()
            .map(|r| text_width(&clip(r, LABEL_CHARS), FONT_PX))
            .fold(0.0, f64::max);
        let left = (widest + 14.0).max(60.0);
        let top = 28.0;
        let spans: Vec<f64> = self
            .panels
            .iter()
            .map(|p| PANEL_W + p.label_room() + PANEL_GAP)
            .collect();
        let width = (left + spans.iter().sum::<f64>() - PANEL_GAP).ceil();
        let height = (top + self.rows.len() as f64 * ROW_H + 8.0).ceil();
        let mut h = Html::new();
        h.open(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("class", "bars"),
                ("role", "img"),
                ("aria-label", &self.label),
                ("width", &num(width, 0)),
                ("height", &num(height, 0)),
                (
                    "viewBox",
                    &format!("0 0 {} {}", num(width, 0), num(height, 0)),
                ),
                ("font-size", "12"),
            ],
        );
        h.elem("title", &[], &self.label);
        for (r, row) in self.rows.iter().enumerate() {
            let y = top + r as f64 * ROW_H + ROW_H / 2.0 + 4.0;
            h.open(
                "text",
                &[
                    ("x", &num(left - 8.0, 1)),
                    ("y", &num(y, 1)),
                    ("text-anchor", "end"),
                    ("fill", "#1d2733"),
                ],
            );
            h.elem("title", &[], row);
            h.text(&clip(row, LABEL_CHARS));
            h.close();
        }
        let mut x0 = left;
        for (panel, span) in self.panels.iter().zip(&spans) {
            self.panel(&mut h, panel, x0, top);
            x0 += span;
        }
        h.close();
        h
    }

    fn panel(&self, h: &mut Html, panel: &Panel, x0: f64, top: f64) {
        let (lo, hi) = panel.range();
        let scale = |v: f64| x0 + (v.clamp(lo, hi) - lo) / (hi - lo) * PANEL_W;
        let zero = scale(0.0);
        let title = if panel.mark_label.is_empty() {
            panel.title.clone()
        } else {
            format!("{} (tick: {})", panel.title, panel.mark_label)
        };
        h.elem(
            "text",
            &[
                ("x", &num(x0, 1)),
                ("y", "16"),
                ("font-weight", "600"),
                ("fill", "#1d2733"),
            ],
            &title,
        );
        let bottom = top + self.rows.len() as f64 * ROW_H;
        h.void(
            "line",
            &[
                ("x1", &num(zero, 1)),
                ("y1", &num(top, 1)),
                ("x2", &num(zero, 1)),
                ("y2", &num(bottom, 1)),
                ("stroke", "#9aa5b1"),
                ("stroke-width", "1"),
            ],
        );
        for (r, row) in self.rows.iter().enumerate() {
            let v = panel.values.get(r).copied().unwrap_or(0.0);
            let v = if v.is_finite() { v } else { 0.0 };
            let y = top + r as f64 * ROW_H + (ROW_H - BAR_H) / 2.0;
            let (a, b) = (zero.min(scale(v)), zero.max(scale(v)));
            let shown = panel.label(r);
            h.open(
                "g",
                &[
                    ("class", "bar"),
                    ("data-row", row),
                    ("data-panel", &panel.title),
                    ("data-value", &num(v, 4)),
                ],
            );
            let mark = panel.marks.get(r).copied().flatten();
            h.elem("title", &[], &format!("{row}: {} {shown}", panel.title));
            h.void(
                "rect",
                &[
                    ("x", &num(a, 1)),
                    ("y", &num(y, 1)),
                    ("width", &num((b - a).max(0.0), 1)),
                    ("height", &num(BAR_H, 1)),
                    ("fill", panel.colour),
                    ("rx", "2"),
                ],
            );
            if let Some(m) = mark {
                let mx = scale(m);
                h.void(
                    "line",
                    &[
                        ("x1", &num(mx, 1)),
                        ("y1", &num(y - 3.0, 1)),
                        ("x2", &num(mx, 1)),
                        ("y2", &num(y + BAR_H + 3.0, 1)),
                        ("stroke", "#10243e"),
                        ("stroke-width", "2.5"),
                    ],
                );
            }
            let end = scale(v).max(mark.map(scale).unwrap_or(f64::MIN)).max(zero);
            h.elem(
                "text",
                &[
                    ("x", &num(end + 5.0, 1)),
                    ("y", &num(y + BAR_H - 2.0, 1)),
                    ("fill", "#1d2733"),
                ],
                &shown,
            );
            h.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> BarChart {
        let mut coverage = Panel::new("coverage", vec![1.0, 0.5]);
        coverage.percent = true;
        coverage.decimals = 0;
        coverage.domain = Some((0.0, 1.0));
        let mut value = Panel::new("value", vec![20.0, -4.0]);
        value.marks = vec![Some(20.0), Some(20.0)];
        value.mark_label = "base".into();
        BarChart {
            label: "value & coverage".into(),
            rows: vec!["base".into(), "<without> \"x\"".into()],
            panels: vec![value, coverage],
        }
    }

    #[test]
    fn every_row_has_one_bar_per_panel_with_its_value() {
        let svg = chart().svg().finish();
        assert_eq!(svg.matches("class=\"bar\"").count(), 4);
        assert!(svg.contains("data-panel=\"coverage\" data-value=\"0.5000\""));
        assert!(svg.contains(">50%</text>"), "{svg}");
        assert!(svg.contains("data-row=\"&lt;without&gt; &quot;x&quot;\""));
        assert!(!svg.contains("<without>"));
        assert!(svg.contains("value (tick: base)"));
        assert!(svg.contains(">-4.00 (base 20.00)</text>"), "{svg}");
    }

    #[test]
    fn negative_values_grow_left_of_zero() {
        let c = chart();
        let value = &c.panels[0];
        assert_eq!(value.range(), (-4.0, 20.0));
        assert_eq!(Panel::new("x", vec![0.0]).range(), (0.0, 1.0));
    }
}
