//! `recommend`, `recruit` and `fragility` as HTML: the change in value per option as a chart,
//! then the ranked options with what each closes, opens and raises.

use crate::explore::Exploration;
use crate::report::shared::html::{BarChart, Html, Panel, flags_list, num, page};

/// The exploration's ranked trials as a printable HTML page.
pub fn render(e: &Exploration) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem("h1", &[], &e.scenario);
    h.elem("p", &[("class", "subtitle")], &e.question);
    h.elem(
        "p",
        &[],
        &format!(
            "Base line-up: objective {}, {}% covered.",
            num(e.base.objective, 2),
            num(e.base.coverage * 100.0, 0)
        ),
    );
    h.close();
    h.open("main", &[]);
    crate::report::shared::html::notes_section(&mut h, &e.notes);
    let possible: Vec<_> = e
        .trials
        .iter()
        .filter(|t| t.objective_delta().is_some())
        .collect();
    if !possible.is_empty() {
        let chart = BarChart {
            label: "Change in objective per option".into(),
            rows: possible.iter().map(|t| t.subject.clone()).collect(),
            panels: vec![Panel::new(
                "objective change",
                possible
                    .iter()
                    .filter_map(|t| t.objective_delta())
                    .collect(),
            )],
        };
        h.open("figure", &[("class", "chart")]);
        h.append(chart.svg());
        h.close();
    }
    h.open("ol", &[("class", "ranking")]);
    for t in &e.trials {
        h.open("li", &[("data-subject", &t.subject)]);
        h.open("h3", &[]);
        h.text(&format!("{} ({})", t.subject, t.change));
        if t.asked_for {
            h.text(" ");
            h.elem(
                "span",
                &[("class", "badge tag")],
                "asked for by the partner",
            );
        }
        h.close();
        match (&t.refused, t.objective_delta()) {
            (Some(why), _) => {
                h.elem("p", &[("class", "muted")], &format!("Cannot: {why}"));
            }
            (None, None) if t.untried => {
                h.elem("p", &[("class", "muted")], crate::report::explore::UNTRIED);
            }
            (None, None) => {
                let why: Vec<&str> = t
                    .outcome
                    .iter()
                    .flat_map(|o| &o.conflict)
                    .map(|c| c.message.as_str())
                    .collect();
                h.elem(
                    "p",
                    &[("class", "muted")],
                    &format!("Impossible: {}", why.join("; ")),
                );
            }
            (None, Some(delta)) => {
                let d = t.delta.as_ref().map_or(0.0, |d| d.coverage_delta);
                let mut facts = vec![
                    format!("objective {}", crate::report::signed_num(delta, 2)),
                    format!(
                        "coverage {} points",
                        crate::report::signed_num(d * 100.0, 0)
                    ),
                ];
                if !t.gaps_closed.is_empty() {
                    facts.push(format!("closes {}", t.gaps_closed.join(", ")));
                }
                if !t.gaps_opened.is_empty() {
                    facts.push(format!("opens {}", t.gaps_opened.join(", ")));
                }
                if !t.roles.is_empty() {
                    facts.push(format!("would hold {}", t.roles.join(", ")));
                }
                h.elem("p", &[], &facts.join("; "));
                if let Some(d) = &t.delta
                    && !d.raised.is_empty()
                {
                    h.elem("p", &[("class", "small")], "Flags it would raise:");
                    flags_list(&mut h, &d.raised);
                }
            }
        }
        h.close();
    }
    h.close();
    h.close();
    page(&format!("{}: {}", e.scenario, e.question), h)
}
