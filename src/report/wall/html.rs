//! The workshop page: what the server sends the browser. The page is the `solve` report's blocks
//! (summary, matrix, who does what, close calls, gaps, assumptions, flags, risks avoided) around the session's controls
//! (undo, redo, steps, partners, candidates, variants, save), all rendered here from a [`View`].
//!
//! Every control carries, as `data-` attributes, the request it stands for (`data-api`, and for
//! a step `data-op` and its arguments); the page's script only sends what was clicked and swaps
//! in the fragment the server answers with. Which actions a matrix cell offers is decided by the
//! session ([`Session::cell_actions`]), never by the script.

use crate::compare::Changes;
use crate::explain::Outcome;
use crate::report::outcome::html as outcome;
use crate::report::shared::html::{
    CSS, Html, Live, flag_item, matrix_key, matrix_legend, matrix_svg_live, notes_section, num,
};
use crate::robust::words;
use crate::solve::Status;
use crate::workshop::{Session, View};

/// The page's own stylesheet, after the reports' (`CSS`).
pub const WALL_CSS: &str = include_str!("wall.css");

/// The page's script: sends clicks, swaps fragments, moves focus. No decisions.
pub const APP_JS: &str = include_str!("app.js");

/// Where Save writes, as the page shows it; `Err` says why the page cannot save.
pub type SaveTarget<'a> = Result<&'a str, &'a str>;

/// Everything the wall shows besides the view itself.
pub struct Wall<'a> {
    /// The session, for the scenario and the knowledge base.
    pub session: &'a Session,
    /// The state to show.
    pub view: &'a View,
    /// Where Save writes.
    pub save: SaveTarget<'a>,
    /// The secret every request carries; links on the page need it.
    pub token: &'a str,
    /// A one-off message: a save done, a refused change, another tab's change.
    pub notice: Option<&'a str>,
}

/// The whole page, with the wall drawn in (it shows before the script runs).
pub fn page(w: &Wall) -> String {
    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n");
    h.open("html", &[("lang", "en")]);
    h.open("head", &[]);
    h.void("meta", &[("charset", "utf-8")]);
    h.void(
        "meta",
        &[
            ("name", "viewport"),
            ("content", "width=device-width, initial-scale=1"),
        ],
    );
    h.void("meta", &[("name", "generator"), ("content", "rolefit")]);
    // No icon to fetch: a browser's request for /favicon.ico would carry no token.
    h.void("link", &[("rel", "icon"), ("href", "data:,")]);
    let title = format!("{}: workshop", w.session.scenario().name);
    h.elem("title", &[], &title);
    h.open("style", &[]).raw(CSS).raw(WALL_CSS).close();
    let script = format!("/app.js?t={}", w.token);
    h.open("script", &[("src", &script), ("defer", "")]).close();
    h.close();
    h.open("body", &[("class", "workshop")]);
    h.open(
        "div",
        &[
            ("id", "app"),
            ("data-revision", &w.view.revision.to_string()),
        ],
    );
    h.append(wall(w));
    h.close();
    h.raw(POPUPS);
    h.close();
    h.close();
    h.finish()
}

/// The cell menu, the partner editor and the status line: filled in by the script.
const POPUPS: &str = "<div id=\"menu\" class=\"menu\" role=\"menu\" hidden></div>\n<dialog id=\"editor\" aria-label=\"Partner\"><div id=\"editor-body\"></div><form method=\"dialog\"><button class=\"close\">Close</button></form></dialog>\n<p id=\"status\" class=\"status\" role=\"status\" aria-live=\"polite\"></p>\n";

/// The wall as a fragment: swapped in whole after every change.
pub fn fragment(w: &Wall) -> String {
    wall(w).finish()
}

fn wall(w: &Wall) -> Html {
    let v = w.view;
    let o: &Outcome = &v.outcome;
    let mut h = Html::new();
    header(&mut h, w);
    if let Some(n) = w.notice {
        h.open("p", &[("class", "notice"), ("role", "alert")])
            .prose(n)
            .close();
    }
    h.open("div", &[("class", "wall")]);
    h.open("main", &[]);
    outcome::conflict(&mut h, o);
    notes_section(&mut h, &o.notes);
    matrix(&mut h, w);
    outcome::findings(&mut h, o, outcome::Shown::Wall);
    h.close();
    h.open("aside", &[("class", "controls")]);
    moved(&mut h, v);
    steps(&mut h, v);
    keep(&mut h, w);
    partners(&mut h, w);
    candidates(&mut h, w);
    variants(&mut h, w);
    h.close();
    h.close();
    h
}

fn header(h: &mut Html, w: &Wall) {
    let v = w.view;
    h.open("header", &[("class", "bar")]);
    h.open("div", &[("class", "title")]);
    h.elem("h1", &[], &w.session.scenario().name);
    let from = match &v.variant {
        Some(name) => format!("variant \u{201c}{name}\u{201d}"),
        None => "the base line-up".to_string(),
    };
    let at = match (v.cursor, v.steps.len()) {
        (0, 0) => "no step yet".to_string(),
        (k, n) => format!("step {k} of {n}"),
    };
    h.elem(
        "p",
        &[("class", "subtitle")],
        &format!("Workshop starting from {from} \u{00b7} {at}"),
    );
    h.close();
    outcome::summary(h, &v.outcome);
    h.open("div", &[("class", "actions")]);
    let undo = v.cursor == 0;
    let redo = v.cursor == v.steps.len();
    button(
        h,
        &[
            ("data-api", "undo"),
            ("aria-keyshortcuts", "Control+Z"),
            ("title", "Undo the last step (Ctrl+Z)"),
        ],
        undo,
        "\u{21b6} Undo",
    );
    button(
        h,
        &[
            ("data-api", "redo"),
            ("aria-keyshortcuts", "Control+Y"),
            ("title", "Redo (Ctrl+Y)"),
        ],
        redo,
        "Redo \u{21b7}",
    );
    h.close();
    h.close();
}

/// Keeping the decision: Save as a variant of the file named on the command line, and the
/// agreement of the line-up on the wall.
fn keep(h: &mut Html, w: &Wall) {
    h.open("section", &[("id", "keep")]);
    h.elem("h2", &[], "Keep the decision");
    match w.save {
        Ok(target) => {
            h.open("form", &[("class", "save"), ("data-api", "save")]);
            h.void(
                "input",
                &[
                    ("name", "name"),
                    ("required", ""),
                    ("maxlength", "200"),
                    ("placeholder", "variant name, e.g. agreed in the room"),
                    ("aria-label", "Variant name"),
                    ("autocomplete", "off"),
                ],
            );
            h.elem("button", &[("type", "submit")], "Save");
            h.close();
            h.elem(
                "p",
                &[("class", "muted small")],
                &format!("Save writes the wall as a variant into {target}."),
            );
        }
        Err(why) => {
            h.elem("p", &[("class", "muted small save-off")], why);
        }
    }
    h.open("p", &[("class", "agreement-links")]);
    h.text("Agreement: ");
    for (format, label) in [("html", "page to print"), ("markdown", "Markdown")] {
        let href = format!("/agreement?t={}&format={format}", w.token);
        h.elem(
            "a",
            &[
                ("class", "button"),
                ("href", &href),
                ("target", "_blank"),
                ("rel", "noopener"),
                ("data-agreement", format),
            ],
            label,
        );
        h.text(" ");
    }
    h.close();
    h.close();
}

fn button(h: &mut Html, attrs: &[(&'static str, &str)], disabled: bool, label: &str) {
    let mut a: Vec<(&'static str, &str)> = vec![("type", "button")];
    a.extend_from_slice(attrs);
    if disabled {
        a.push(("disabled", ""));
    }
    h.elem("button", &a, label);
}

/// What the last action moved: value, coverage, roles that changed hands, flags raised and
/// cleared. The first view says how to use the page instead.
fn moved(h: &mut Html, v: &View) {
    h.open("section", &[("id", "moved"), ("aria-live", "polite")]);
    let Some(ch) = &v.moved else {
        h.elem("h2", &[], "Try a change");
        h.elem(
            "p",
            &[("class", "muted")],
            "Click a cell of the matrix (or Tab to it, move with the arrow keys, press Enter) to pin a partner, keep it out or mark a role it asks for; below, take partners out, bring candidates in, change a capacity or a capability. Each change is solved again, and what it moved shows here. Ctrl+Z undoes, Ctrl+Y redoes.",
        );
        h.close();
        return;
    };
    h.open("h2", &[]);
    h.text("What moved");
    if let Some(a) = &v.action {
        h.elem("span", &[("class", "action")], &format!(": {a}"));
    }
    h.close();
    let o = &v.outcome;
    let nothing = ch.moved.is_empty()
        && ch.raised.is_empty()
        && ch.cleared.is_empty()
        && ch.objective_delta.abs() < 5e-3
        && v.close_calls_moved.as_ref().is_none_or(|c| c.is_empty());
    h.open("p", &[("class", "delta")]);
    if nothing {
        h.text("Nothing moved: the same line-up, value and flags.");
    } else {
        figures(h, ch, o);
    }
    h.close();
    if !ch.moved.is_empty() {
        h.elem("h3", &[], "Roles that changed hands");
        h.open("ul", &[("class", "moves")]);
        let name = |ids: &[String]| {
            if ids.is_empty() {
                "nobody".to_string()
            } else {
                ids.iter()
                    .map(|id| partner_name(o, id))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        for m in &ch.moved {
            let role = o
                .roles
                .iter()
                .find(|r| r.id == m.role)
                .map_or(m.role.as_str(), |r| r.name.as_str());
            h.open("li", &[("data-role", &m.role)]);
            h.elem("strong", &[], role);
            h.text(&format!(": {} \u{2192} {}", name(&m.from), name(&m.to)));
            h.close();
        }
        h.close();
    }
    for (title, flags, class) in [
        ("Flags raised", &ch.raised, "raised"),
        ("Flags cleared", &ch.cleared, "cleared"),
    ] {
        if !flags.is_empty() {
            h.elem("h3", &[], title);
            h.open("ul", &[("class", class)]);
            for f in flags.iter() {
                flag_item(h, f);
                let about = match (&f.partner, &f.role) {
                    (Some(p), Some(r)) => {
                        format!(": {} in {}", partner_name(o, p), role_name(o, r))
                    }
                    (Some(p), None) => format!(": {}", partner_name(o, p)),
                    (None, Some(r)) => format!(": {}", role_name(o, r)),
                    (None, None) => String::new(),
                };
                h.text(&about);
                h.close();
            }
            h.close();
        }
    }
    close_calls_moved(h, v);
    h.close();
}

/// The close calls the last step made or settled, in the close-calls section's words.
fn close_calls_moved(h: &mut Html, v: &View) {
    let (Some(ch), Some(r)) = (&v.close_calls_moved, &v.outcome.robustness) else {
        return;
    };
    let o = &v.outcome;
    if !ch.new.is_empty() {
        h.elem("h3", &[], "New close calls");
        h.open("ul", &[("class", "close-calls-new")]);
        // Closest first, as the close-calls section lists them.
        let new = r.close_calls.iter().filter(|c| {
            ch.new
                .iter()
                .any(|(ro, p)| *ro == c.role && *p == c.partner)
        });
        for c in new {
            h.elem(
                "li",
                &[("data-role", &c.role), ("data-partner", &c.partner)],
                &words::close_call_words(c, r),
            );
        }
        h.close();
    }
    if !ch.settled.is_empty() {
        h.elem("h3", &[], "Close calls settled");
        h.open("ul", &[("class", "close-calls-settled")]);
        for (role, partner) in &ch.settled {
            h.elem(
                "li",
                &[("data-role", role), ("data-partner", partner)],
                &format!(
                    "{} now holds {} firmly",
                    partner_name(o, partner),
                    role_name(o, role)
                ),
            );
        }
        h.close();
    }
}

fn role_name(o: &Outcome, id: &str) -> String {
    o.roles
        .iter()
        .find(|r| r.id == id)
        .map_or_else(|| id.to_string(), |r| r.name.to_lowercase())
}

fn figures(h: &mut Html, ch: &Changes, o: &Outcome) {
    let signed = |v: f64, d: usize| {
        let s = num(v, d);
        if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
            s
        } else {
            format!("+{s}")
        }
    };
    if o.status == Status::Infeasible {
        h.text("No line-up any more: the demands contradict each other (see below). ");
        return;
    }
    let before = o.objective - ch.objective_delta;
    let class = if ch.objective_delta < -5e-3 {
        "loss"
    } else if ch.objective_delta > 5e-3 {
        "gain"
    } else {
        "same"
    };
    h.text("Value ");
    h.elem(
        "strong",
        &[("class", class)],
        &signed(ch.objective_delta, 2),
    );
    h.text(&format!(
        " ({} \u{2192} {}); coverage {} points; {} role(s) changed hands; {} flag(s) raised, {} cleared.",
        num(before, 2),
        num(o.objective, 2),
        signed(ch.coverage_delta * 100.0, 0),
        ch.moved.len(),
        ch.raised.len(),
        ch.cleared.len()
    ));
}

fn partner_name(o: &Outcome, id: &str) -> String {
    o.partners
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_string(), |p| p.name.clone())
}

fn matrix(h: &mut Html, w: &Wall) {
    let v = w.view;
    let o = &v.outcome;
    let kb = w.session.kb();
    let actions = |partner: &str, role: &str| -> Vec<&'static str> {
        let (Some(p), Some(r)) = (
            o.partners.iter().position(|x| x.id == partner),
            o.roles.iter().position(|x| x.id == role),
        ) else {
            return Vec::new();
        };
        let Some(role_ix) = kb.role_by_id(role) else {
            return Vec::new();
        };
        w.session
            .cell_actions(v, partner, role_ix, o.cells[p][r].blocked)
            .into_iter()
            .map(|a| a.name())
            .collect()
    };
    let moved = |partner: &str, role: &str| -> bool {
        v.moved.as_ref().is_some_and(|ch| {
            ch.moved.iter().any(|m| {
                m.role == role
                    && (m.from.iter().any(|p| p == partner) != m.to.iter().any(|p| p == partner))
            })
        })
    };
    h.open("section", &[("id", "matrix")]);
    h.elem("h2", &[("class", "visually-hidden")], "Partners and roles");
    h.open("figure", &[("class", "chart wide")]);
    h.append(matrix_svg_live(
        o,
        &Live {
            actions: &actions,
            moved: &moved,
        },
    ));
    h.open("figcaption", &[]);
    matrix_legend(h);
    matrix_key(h, o);
    h.close();
    h.close();
    h.close();
}

fn steps(h: &mut Html, v: &View) {
    h.open("section", &[("id", "steps")]);
    h.elem("h2", &[], "Steps");
    h.open("ol", &[("class", "steps"), ("start", "0")]);
    let state = |k: usize| {
        if k == v.cursor {
            "current"
        } else if k < v.cursor {
            "done"
        } else {
            "undone"
        }
    };
    h.open("li", &[("class", state(0))]);
    h.text("start");
    h.close();
    for (i, s) in v.steps.iter().enumerate() {
        h.open("li", &[("class", state(i + 1))]);
        h.text(&s.label);
        h.close();
    }
    h.close();
    h.close();
}

fn partners(h: &mut Html, w: &Wall) {
    let o = &w.view.outcome;
    h.open("section", &[("id", "partners")]);
    h.elem("h2", &[], "Partners");
    h.open("table", &[("class", "partners")]);
    h.open("tbody", &[]);
    for p in &o.partners {
        h.open("tr", &[("data-partner", &p.id)]);
        h.open("td", &[]);
        h.elem("strong", &[], &p.name);
        h.open("span", &[("class", "muted small")]);
        h.text(&format!(
            " {}, {} \u{00b7} load {} of capacity {}",
            p.id,
            p.sector,
            num(p.effort, 1),
            p.capacity
        ));
        h.close();
        h.close();
        h.open("td", &[("class", "tools")]);
        let less = p.capacity.saturating_sub(1).to_string();
        let more = (p.capacity + 1).to_string();
        let name = p.name.as_str();
        button(
            h,
            &[
                ("data-api", "step"),
                ("data-op", "capacity"),
                ("data-partner", &p.id),
                ("data-value", &less),
                ("aria-label", &format!("Capacity of {name} down to {less}")),
                ("title", "One role less"),
            ],
            p.capacity == 0,
            "\u{2212}",
        );
        button(
            h,
            &[
                ("data-api", "step"),
                ("data-op", "capacity"),
                ("data-partner", &p.id),
                ("data-value", &more),
                ("aria-label", &format!("Capacity of {name} up to {more}")),
                ("title", "One role more"),
            ],
            false,
            "+",
        );
        button(
            h,
            &[
                ("data-editor", &p.id),
                (
                    "aria-label",
                    &format!("Edit {name}: capacity, capabilities"),
                ),
            ],
            false,
            "Edit",
        );
        button(
            h,
            &[
                ("data-api", "step"),
                ("data-op", "remove"),
                ("data-partner", &p.id),
                ("aria-label", &format!("Take {name} out")),
            ],
            false,
            "Take out",
        );
        h.close();
        h.close();
    }
    h.close();
    h.close();
    h.close();
}

fn candidates(h: &mut Html, w: &Wall) {
    let list = w.session.candidates(&w.view.line_up);
    if list.is_empty() {
        return;
    }
    let kb = w.session.kb();
    h.open("section", &[("id", "candidates")]);
    h.elem("h2", &[], "Candidates");
    h.open("ul", &[("class", "plain")]);
    for c in list {
        h.open("li", &[("data-candidate", &c.id)]);
        h.text(&format!("{} ({}) ", c.name, kb.sector(c.sector).id));
        button(
            h,
            &[
                ("data-api", "step"),
                ("data-op", "bring"),
                ("data-candidate", &c.id),
                ("aria-label", &format!("Bring {} in", c.name)),
            ],
            false,
            "Bring in",
        );
        h.close();
    }
    h.close();
    h.close();
}

fn variants(h: &mut Html, w: &Wall) {
    let scenario = w.session.scenario();
    if scenario.variants.is_empty() {
        return;
    }
    h.open("section", &[("id", "variants")]);
    h.elem("h2", &[], "Start from");
    h.open("ul", &[("class", "plain")]);
    let current = w.view.variant.as_deref();
    let names =
        std::iter::once(None).chain(scenario.variants.iter().map(|v| Some(v.name.as_str())));
    for name in names {
        h.open("li", &[]);
        let label = name.unwrap_or("the base line-up");
        if name == current {
            h.elem("strong", &[], label);
            h.elem("span", &[("class", "muted small")], " (on the wall)");
        } else {
            let mut attrs: Vec<(&'static str, &str)> = vec![
                ("data-api", "step"),
                ("data-op", "variant"),
                ("class", "link"),
            ];
            if let Some(n) = name {
                attrs.push(("data-name", n));
            }
            button(h, &attrs, false, label);
        }
        h.close();
    }
    h.close();
    h.close();
}

/// The editor of one partner of the current line-up: its capacity, and its strength in each
/// capability the needed roles use. `None` when the partner is not in the line-up.
pub fn editor(session: &Session, view: &View, partner: &str) -> Option<String> {
    let p = view.line_up.partners.iter().find(|p| p.id == partner)?;
    let kb = session.kb();
    let mut h = Html::new();
    h.open("div", &[("class", "editor"), ("data-partner", &p.id)]);
    h.open("h2", &[]);
    h.text(&p.name);
    h.elem(
        "span",
        &[("class", "muted small")],
        &format!(" {}, {}", p.id, kb.sector(p.sector).id),
    );
    h.close();
    h.open(
        "form",
        &[
            ("data-api", "step"),
            ("data-op", "capacity"),
            ("data-partner", &p.id),
        ],
    );
    h.open("label", &[]);
    h.text("Capacity (most roles) ");
    h.void(
        "input",
        &[
            ("name", "value"),
            ("type", "number"),
            ("min", "0"),
            ("max", "100"),
            ("step", "1"),
            ("required", ""),
            ("value", &p.capacity.to_string()),
        ],
    );
    h.close();
    h.elem("button", &[("type", "submit")], "Set");
    h.close();
    h.elem("h3", &[], "The roles it asks for");
    h.elem(
        "p",
        &[("class", "muted small")],
        "A wish weighs less than any rule of institutional logic: it decides between line-ups that keep every partner within its logic.",
    );
    h.open("p", &[("class", "wants")]);
    for n in &view.line_up.needs {
        let role = kb.role(n.role);
        let wanted = p.wants.contains(&n.role);
        let mut attrs: Vec<(&'static str, &str)> = vec![
            ("type", "button"),
            ("data-api", "step"),
            ("data-op", "want"),
            ("data-partner", &p.id),
            ("data-role", &role.id),
            ("data-wanted", if wanted { "false" } else { "true" }),
            ("aria-pressed", if wanted { "true" } else { "false" }),
        ];
        if p.refuses.contains(&n.role) {
            attrs.push(("disabled", ""));
        }
        let label = if wanted {
            format!("\u{2713} {}", role.name)
        } else {
            role.name.clone()
        };
        h.elem("button", &attrs, &label);
        h.text(" ");
    }
    h.close();
    h.elem("h3", &[], "Its strengths");
    h.elem(
        "p",
        &[("class", "muted small")],
        "Strengths from 0 to 1 in the capabilities the needed roles use, most used first. A stated strength replaces the sector's default.",
    );
    h.open("table", &[("class", "caps")]);
    h.open("tbody", &[]);
    for cap in session.relevant_capabilities() {
        let c = kb.capability(cap);
        h.open("tr", &[("data-capability", &c.id)]);
        h.open("td", &[]);
        h.text(&c.label);
        h.elem("span", &[("class", "muted small")], &format!(" {}", c.id));
        h.close();
        h.elem(
            "td",
            &[("class", "muted small")],
            if p.is_stated(cap) {
                "stated"
            } else {
                "sector default"
            },
        );
        h.open("td", &[]);
        h.open(
            "form",
            &[
                ("data-api", "step"),
                ("data-op", "capability"),
                ("data-partner", &p.id),
                ("data-capability", &c.id),
            ],
        );
        let value = num(p.strength(cap), 2);
        h.void(
            "input",
            &[
                ("name", "value"),
                ("type", "number"),
                ("min", "0"),
                ("max", "1"),
                ("step", "0.05"),
                ("required", ""),
                ("value", &value),
                ("data-capability", &c.id),
                ("aria-label", &format!("{} of {}", c.label, p.name)),
            ],
        );
        h.elem("button", &[("type", "submit")], "Set");
        h.close();
        h.close();
        h.close();
    }
    h.close();
    h.close();
    h.close();
    Some(h.finish())
}
