//! The partner x role matrix as an SVG chart: one cell per partner and role, coloured by fit,
//! the line-up drawn on top (lead, support), refused or forbidden cells crossed out, flagged
//! cells marked by severity. Every cell carries `data-partner`, `data-role`, `data-state`,
//! `data-fit` (and `data-flag`) so tests and scripts can read the chart, and a tooltip.

use super::{Html, clip, num, text_width};
use crate::explain::{Cell, Outcome, PartnerView, RoleView, round};
use crate::kb::Severity;

const CELL_W: f64 = 60.0;
const CELL_H: f64 = 30.0;
/// The labels' font size.
const FONT_PX: f64 = 12.0;
const ROW_LABEL_CHARS: usize = 34;
const COLUMN_LABEL_CHARS: usize = 26;
/// The smallest share of its natural size the chart shrinks to on screen.
const MIN_SCALE: f64 = 0.7;
/// Column labels are read along this slant (degrees above the horizontal).
const SLANT: f64 = 40.0;

/// The colour of a fit on a white-to-blue scale (what the legend shows).
pub fn fit_colour(fit: f64) -> String {
    const STOPS: [(f64, [f64; 3]); 3] = [
        (0.0, [247.0, 251.0, 255.0]),
        (0.5, [107.0, 174.0, 214.0]),
        (1.0, [8.0, 48.0, 107.0]),
    ];
    let f = if fit.is_finite() {
        fit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (lo, hi) = if f <= STOPS[1].0 {
        (STOPS[0], STOPS[1])
    } else {
        (STOPS[1], STOPS[2])
    };
    let t = (f - lo.0) / (hi.0 - lo.0);
    let c: Vec<u8> = (0..3)
        .map(|k| (lo.1[k] + (hi.1[k] - lo.1[k]) * t).round() as u8)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Text on a cell stays readable: white on the darker half of the scale.
fn ink_on(fit: f64) -> &'static str {
    if fit >= 0.55 { "#ffffff" } else { "#1d2733" }
}

/// The colour that marks a flag of this severity: Okabe and Ito's palette for colour-blind
/// readers (vermillion, orange, bluish green, grey), and each marker carries its letter too.
pub fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::High => "#d55e00",
        Severity::Medium => "#e69f00",
        Severity::Low => "#009e73",
        Severity::Info => "#8a96a3",
    }
}

/// The letter inside a flag marker, so severity never rests on colour alone.
fn severity_letter(s: Severity) -> &'static str {
    match s {
        Severity::High => "H",
        Severity::Medium => "M",
        Severity::Low => "L",
        Severity::Info => "i",
    }
}

/// What makes the matrix a control on the workshop page: each cell focusable, with the actions
/// it offers (`data-actions`), and the cells the last step moved outlined.
pub struct Live<'a> {
    /// The action names a cell offers, by partner and role id (empty: none).
    pub actions: &'a dyn Fn(&str, &str) -> Vec<&'static str>,
    /// Whether the last step changed who holds this cell.
    pub moved: &'a dyn Fn(&str, &str) -> bool,
}

fn state(c: &Cell) -> &'static str {
    match (c.held, c.lead, c.blocked) {
        (true, true, _) => "lead",
        (true, false, _) => "support",
        (false, _, true) => "blocked",
        _ if c.avoided => "avoided",
        _ => "open",
    }
}

/// The matrix of a line-up: roles down, partners across, in the scenario's order.
pub fn matrix_svg(o: &Outcome) -> Html {
    matrix(o, None)
}

/// The matrix as the workshop page's control (see [`Live`]).
pub fn matrix_svg_live(o: &Outcome, live: &Live) -> Html {
    matrix(o, Some(live))
}

fn matrix(o: &Outcome, live: Option<&Live>) -> Html {
    // A role nobody covers is marked in its label (unless the scenario is infeasible).
    let gap = |id: &str| o.uncovered.iter().any(|g| g.role == id);
    let role_labels: Vec<String> = o
        .roles
        .iter()
        .map(|r| {
            let mark = if gap(&r.id) { " gap" } else { "" };
            format!("{} ({}){mark}", r.name, r.importance)
        })
        .collect();
    let widest = |labels: &mut dyn Iterator<Item = String>| {
        labels.map(|l| text_width(&l, FONT_PX)).fold(0.0, f64::max)
    };
    let left = (widest(&mut role_labels.iter().map(|l| clip(l, ROW_LABEL_CHARS))) + 16.0).max(90.0);
    let col_w = widest(&mut o.partners.iter().map(|p| clip(&p.name, COLUMN_LABEL_CHARS)));
    let (sin, cos) = SLANT.to_radians().sin_cos();
    let top = (col_w * sin + 18.0).ceil();
    let grid_w = o.partners.len() as f64 * CELL_W;
    let grid_h = o.roles.len() as f64 * CELL_H;
    // The last column's label runs to the right of the grid.
    let right = (col_w * cos - CELL_W / 2.0).max(0.0) + 12.0;
    let width = (left + grid_w + right).ceil();
    let height = (top + grid_h + 8.0).ceil();

    let mut h = Html::new();
    let label = format!(
        "Partner x role matrix of {}: {} partners, {} roles",
        o.scenario,
        o.partners.len(),
        o.roles.len()
    );
    h.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", "matrix"),
            ("role", "img"),
            ("aria-label", &label),
            ("width", &num(width, 0)),
            ("height", &num(height, 0)),
            (
                "viewBox",
                &format!("0 0 {} {}", num(width, 0), num(height, 0)),
            ),
            ("font-size", "12"),
            // Shrinks to fit the page, but not below readable: wider matrices scroll (and
            // print scaled to the page).
            (
                "style",
                &format!("min-width: {}px", num(width * MIN_SCALE, 0)),
            ),
        ],
    );
    h.elem("title", &[], &label);
    for (p, partner) in o.partners.iter().enumerate() {
        let x = left + p as f64 * CELL_W + CELL_W / 2.0 - 4.0;
        let y = top - 6.0;
        h.open(
            "text",
            &[
                ("class", "col-label"),
                ("x", &num(x, 1)),
                ("y", &num(y, 1)),
                (
                    "transform",
                    &format!("rotate(-{} {} {})", num(SLANT, 0), num(x, 1), num(y, 1)),
                ),
                ("fill", "#1d2733"),
            ],
        );
        h.elem(
            "title",
            &[],
            &format!("{} ({}, {})", partner.name, partner.id, partner.sector),
        );
        h.text(&clip(&partner.name, COLUMN_LABEL_CHARS));
        h.close();
    }
    for (r, role) in o.roles.iter().enumerate() {
        let y = top + r as f64 * CELL_H + CELL_H / 2.0 + 4.0;
        h.open(
            "text",
            &[
                ("class", "row-label"),
                ("x", &num(left - 8.0, 1)),
                ("y", &num(y, 1)),
                ("text-anchor", "end"),
                ("fill", if gap(&role.id) { "#b42318" } else { "#1d2733" }),
            ],
        );
        let what = if gap(&role.id) {
            ": nobody covers it"
        } else {
            ""
        };
        h.elem(
            "title",
            &[],
            &format!(
                "{} ({}), importance {}{what}",
                role.name, role.id, role.importance
            ),
        );
        h.text(&clip(&role_labels[r], ROW_LABEL_CHARS));
        h.close();
    }
    for (p, partner) in o.partners.iter().enumerate() {
        for (r, role) in o.roles.iter().enumerate() {
            let c = &o.cells[p][r];
            let x = left + p as f64 * CELL_W;
            let y = top + r as f64 * CELL_H;
            cell(&mut h, c, (x, y), partner, role, live.map(|l| (l, p, r)));
        }
    }
    // The grid's outline, so empty rows and columns still read as a table.
    h.void(
        "rect",
        &[
            ("x", &num(left, 1)),
            ("y", &num(top, 1)),
            ("width", &num(grid_w, 1)),
            ("height", &num(grid_h, 1)),
            ("fill", "none"),
            ("stroke", "#9aa5b1"),
            ("stroke-width", "1"),
        ],
    );
    h.close();
    h
}

/// One cell at `(x, y)`: its fit, its state, its pin, its flag, and a tooltip saying them all.
fn cell(
    h: &mut Html,
    c: &Cell,
    (x, y): (f64, f64),
    partner: &PartnerView,
    role: &RoleView,
    live: Option<(&Live, usize, usize)>,
) {
    let (partner_name, role_name) = (partner.name.as_str(), role.name.as_str());
    let (partner, role) = (partner.id.as_str(), role.id.as_str());
    let state = state(c);
    // Rounded as the assignments round it, so the cell and the reasons show the same fit.
    let fit = num(round(c.fit, 2), 2);
    let what = match state {
        "lead" => "leads the role".to_string(),
        "support" => "supports the role".to_string(),
        "blocked" => "refused, or forbidden by a rule".to_string(),
        "avoided" => "kept out by a logic rule or the fit floor (a pin would override)".to_string(),
        _ => "not in this role".to_string(),
    };
    let pinned = match (c.pinned, c.wanted) {
        (true, true) => ", pinned, asked for by the partner",
        (true, false) => ", pinned",
        (false, true) => ", asked for by the partner",
        (false, false) => "",
    };
    let flag = c
        .flag
        .map(|s| format!("; {} flag", s.name()))
        .unwrap_or_default();
    let tip = format!("{partner_name} ({partner}) in {role_name}: {what}{pinned}, fit {fit}{flag}");
    let mut attrs: Vec<(&'static str, &str)> = vec![
        ("class", "cell"),
        ("data-partner", partner),
        ("data-role", role),
        ("data-state", state),
        ("data-fit", &fit),
    ];
    if let Some(s) = c.flag {
        attrs.push(("data-flag", s.name()));
    }
    if c.pinned {
        attrs.push(("data-pinned", "true"));
    }
    if c.wanted {
        attrs.push(("data-wanted", "true"));
    }
    let (col, row, actions, moved);
    if let Some((live, p, r)) = live {
        (col, row) = (p.to_string(), r.to_string());
        actions = (live.actions)(partner, role).join(" ");
        moved = (live.moved)(partner, role);
        attrs.extend([
            ("data-col", col.as_str()),
            ("data-row", row.as_str()),
            ("data-actions", actions.as_str()),
            // A roving tab stop: Tab reaches the matrix once, the arrow keys move inside it.
            ("tabindex", if p == 0 && r == 0 { "0" } else { "-1" }),
            ("role", "button"),
            ("aria-label", tip.as_str()),
        ]);
        if actions.is_empty() {
            attrs.push(("aria-disabled", "true"));
        }
        if moved {
            attrs.push(("data-moved", "true"));
        }
    }
    h.open("g", &attrs);
    h.elem("title", &[], &tip);
    let (x1, y1) = (num(x + 1.0, 1), num(y + 1.0, 1));
    let (w, hh) = (num(CELL_W - 2.0, 1), num(CELL_H - 2.0, 1));
    if c.blocked && !c.held {
        h.void(
            "rect",
            &[
                ("x", &x1),
                ("y", &y1),
                ("width", &w),
                ("height", &hh),
                ("fill", "#eceff3"),
            ],
        );
        for (ya, yb) in [(y + 8.0, y + CELL_H - 8.0), (y + CELL_H - 8.0, y + 8.0)] {
            h.void(
                "line",
                &[
                    ("x1", &num(x + CELL_W / 2.0 - 6.0, 1)),
                    ("y1", &num(ya, 1)),
                    ("x2", &num(x + CELL_W / 2.0 + 6.0, 1)),
                    ("y2", &num(yb, 1)),
                    ("stroke", "#8a96a3"),
                    ("stroke-width", "1.5"),
                ],
            );
        }
    } else {
        let mut rect: Vec<(&'static str, &str)> =
            vec![("x", &x1), ("y", &y1), ("width", &w), ("height", &hh)];
        let colour = fit_colour(c.fit);
        rect.push(("fill", &colour));
        if c.held {
            rect.extend([("stroke", "#10243e"), ("stroke-width", "2.5"), ("rx", "3")]);
        } else if state == "avoided" {
            // Dashed and faint: possible only if the facilitator pins it.
            rect.extend([
                ("fill-opacity", "0.2"),
                ("stroke", "#8a96a3"),
                ("stroke-dasharray", "3 2"),
            ]);
        } else {
            rect.push(("fill-opacity", "0.45"));
        }
        h.void("rect", &rect);
        let text = match state {
            "lead" => format!("\u{2605} {fit}"),
            "support" => format!("+ {fit}"),
            _ => fit.clone(),
        };
        let ink = if c.held { ink_on(c.fit) } else { "#5b6b7c" };
        let mut t: Vec<(&'static str, &str)> = Vec::new();
        let tx = num(x + CELL_W / 2.0, 1);
        let ty = num(y + CELL_H / 2.0 + 4.0, 1);
        t.extend([
            ("x", tx.as_str()),
            ("y", ty.as_str()),
            ("text-anchor", "middle"),
            ("fill", ink),
        ]);
        if c.held {
            t.push(("font-weight", "700"));
        } else {
            t.push(("font-size", "10"));
        }
        h.elem("text", &t, &text);
    }
    if c.pinned {
        // A pin: a dark dot with a white ring in the lower left corner.
        h.void(
            "circle",
            &[
                ("class", "pin"),
                ("cx", &num(x + 7.5, 1)),
                ("cy", &num(y + CELL_H - 7.5, 1)),
                ("r", "4"),
                ("fill", "#10243e"),
                ("stroke", "#ffffff"),
                ("stroke-width", "1.5"),
            ],
        );
    }
    if c.wanted {
        // A wish: an open ring in the lower right corner.
        h.void(
            "circle",
            &[
                ("class", "wish"),
                ("cx", &num(x + CELL_W - 7.5, 1)),
                ("cy", &num(y + CELL_H - 7.5, 1)),
                ("r", "3.5"),
                ("fill", "#ffffff"),
                ("stroke", "#10243e"),
                ("stroke-width", "1.5"),
            ],
        );
    }
    if let Some(s) = c.flag {
        let (r, t) = (x + CELL_W - 1.0, y + 1.0);
        h.void(
            "polygon",
            &[
                (
                    "points",
                    &format!(
                        "{},{} {},{} {},{}",
                        num(r - 17.0, 1),
                        num(t, 1),
                        num(r, 1),
                        num(t, 1),
                        num(r, 1),
                        num(t + 17.0, 1)
                    ),
                ),
                ("fill", severity_colour(s)),
                ("stroke", "#ffffff"),
                ("stroke-width", "1"),
            ],
        );
        h.elem(
            "text",
            &[
                ("x", &num(r - 4.5, 1)),
                ("y", &num(t + 7.5, 1)),
                ("text-anchor", "middle"),
                ("font-size", "7.5"),
                ("font-weight", "700"),
                ("fill", "#ffffff"),
                ("aria-hidden", "true"),
            ],
            severity_letter(s),
        );
    }
    h.close();
}

/// Full names of the partners whose column label is cut short, so a printout or a projector
/// (where nothing can be hovered) still says who each column is.
pub fn matrix_key(h: &mut Html, o: &Outcome) {
    let clipped: Vec<&PartnerView> = o
        .partners
        .iter()
        .filter(|p| p.name.chars().count() > COLUMN_LABEL_CHARS)
        .collect();
    if clipped.is_empty() {
        return;
    }
    h.open("dl", &[("class", "key")]);
    for p in clipped {
        h.open("div", &[]);
        h.elem("dt", &[], &clip(&p.name, COLUMN_LABEL_CHARS));
        h.elem("dd", &[], &format!("{} ({}, {})", p.name, p.id, p.sector));
        h.close();
    }
    h.close();
}

/// The matrix's legend, as HTML beside the chart so it wraps on narrow pages.
pub fn matrix_legend(h: &mut Html) {
    h.open("ul", &[("class", "legend")]);
    h.open("li", &[]);
    h.text("fit ");
    for f in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        swatch(h, &fit_colour(f), None);
        h.elem("span", &[("class", "scale")], &num(f, 1));
    }
    h.close();
    h.open("li", &[]);
    swatch(h, &fit_colour(0.8), Some("#10243e"));
    h.text(" \u{2605} lead, + support (bold outline: held)");
    h.close();
    h.open("li", &[]);
    h.text("paler, with its fit: not held");
    h.close();
    legend_item(
        h,
        |h| {
            h.void(
                "rect",
                &[("width", "14"), ("height", "14"), ("fill", "#eceff3")],
            );
            h.void(
                "line",
                &[
                    ("x1", "3"),
                    ("y1", "3"),
                    ("x2", "11"),
                    ("y2", "11"),
                    ("stroke", "#8a96a3"),
                    ("stroke-width", "1.5"),
                ],
            );
            h.void(
                "line",
                &[
                    ("x1", "11"),
                    ("y1", "3"),
                    ("x2", "3"),
                    ("y2", "11"),
                    ("stroke", "#8a96a3"),
                    ("stroke-width", "1.5"),
                ],
            );
        },
        " refused or forbidden by a rule",
    );
    legend_item(
        h,
        |h| {
            h.void(
                "circle",
                &[
                    ("cx", "7.5"),
                    ("cy", "7.5"),
                    ("r", "4"),
                    ("fill", "#10243e"),
                ],
            );
        },
        " pinned",
    );
    legend_item(
        h,
        |h| {
            h.void(
                "circle",
                &[
                    ("cx", "7.5"),
                    ("cy", "7.5"),
                    ("r", "3.5"),
                    ("fill", "#ffffff"),
                    ("stroke", "#10243e"),
                    ("stroke-width", "1.5"),
                ],
            );
        },
        " asked for by the partner",
    );
    legend_item(
        h,
        |h| {
            h.void(
                "rect",
                &[
                    ("x", "1"),
                    ("y", "1"),
                    ("width", "12"),
                    ("height", "12"),
                    ("fill", "#eceff3"),
                    ("stroke", "#8a96a3"),
                    ("stroke-dasharray", "3 2"),
                ],
            );
        },
        " dashed: kept out by a logic rule or the fit floor (a pin would override)",
    );
    h.open("li", &[]);
    h.text("flag: ");
    for s in [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        mini(h, |h| {
            h.void(
                "polygon",
                &[("points", "0,0 15,0 15,15"), ("fill", severity_colour(s))],
            );
            h.elem(
                "text",
                &[
                    ("x", "11"),
                    ("y", "7"),
                    ("text-anchor", "middle"),
                    ("font-size", "7"),
                    ("font-weight", "700"),
                    ("fill", "#ffffff"),
                ],
                severity_letter(s),
            );
        });
        h.text(&format!(" {} ", s.name()));
    }
    h.close();
    h.close();
}

/// One item of the legend: its mark, then what it means.
fn legend_item(h: &mut Html, draw: impl FnOnce(&mut Html), label: &str) {
    h.open("li", &[]);
    mini(h, draw);
    h.text(label);
    h.close();
}

fn mini(h: &mut Html, draw: impl FnOnce(&mut Html)) {
    h.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", "15"),
            ("height", "15"),
            ("viewBox", "0 0 15 15"),
            ("aria-hidden", "true"),
        ],
    );
    draw(h);
    h.close();
}

fn swatch(h: &mut Html, fill: &str, stroke: Option<&str>) {
    mini(h, |h| {
        let mut attrs: Vec<(&'static str, &str)> = vec![
            ("x", "1"),
            ("y", "1"),
            ("width", "13"),
            ("height", "13"),
            ("fill", fill),
        ];
        // A hairline keeps the palest swatch visible on white.
        match stroke {
            Some(s) => attrs.extend([("stroke", s), ("stroke-width", "2")]),
            None => attrs.extend([("stroke", "#c3ccd6"), ("stroke-width", "1")]),
        }
        h.void("rect", &attrs);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_scale_runs_from_white_to_dark_blue() {
        assert_eq!(fit_colour(0.0), "#f7fbff");
        assert_eq!(fit_colour(0.5), "#6baed6");
        assert_eq!(fit_colour(1.0), "#08306b");
        assert_eq!(fit_colour(7.0), "#08306b");
        assert_eq!(fit_colour(f64::NAN), "#f7fbff");
    }
}
