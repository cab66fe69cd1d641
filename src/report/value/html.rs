//! The value account as one self-contained page: what the partners create together, each
//! partner's Shapley and leave-one-out value charted against its share of the work and beside
//! the money it commits, and where the two shares differ.

use super::{
    HOW_TO_READ, balance_words, method_sentence, money_text, percent, ranked, shapley_text, units,
};
use crate::report::shared::html::{BarChart, Html, Panel, notes_section, num, page};
use crate::value::ValueReport;

pub fn render(r: &ValueReport) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem("h1", &[], &format!("Who adds what value in {}", r.scenario));
    if let Some(v) = &r.variant {
        h.elem(
            "p",
            &[("class", "subtitle")],
            &format!("Variant \u{201c}{v}\u{201d}"),
        );
    }
    h.elem("p", &[], &method_sentence(r));
    h.elem("p", &[], &units(r));
    h.elem(
        "p",
        &[],
        &format!(
            "Together the partners create {} points (the full line-up's {} minus {} for nobody).",
            num(r.total, 2),
            num(r.grand, 2),
            num(r.empty, 2)
        ),
    );
    h.close();
    h.open("main", &[]);
    notes_section(&mut h, &r.notes);
    let order = ranked(r);
    let mut shares = Panel::new(
        "share of value",
        order.iter().map(|p| p.value_share.unwrap_or(0.0)).collect(),
    );
    shares.percent = true;
    shares.decimals = 0;
    let mut effort = Panel::new(
        "share of effort",
        order
            .iter()
            .map(|p| p.effort_share.unwrap_or(0.0))
            .collect(),
    );
    effort.percent = true;
    effort.decimals = 0;
    let chart = BarChart {
        label: "Each partner's Shapley value, leave-one-out value, and shares of value and effort"
            .into(),
        rows: order.iter().map(|p| p.id.clone()).collect(),
        panels: vec![
            Panel::new("Shapley value", order.iter().map(|p| p.shapley).collect()),
            Panel::new(
                "leave-one-out",
                order.iter().map(|p| p.leave_one_out).collect(),
            ),
            shares,
            effort,
        ],
    };
    h.open("section", &[("id", "chart")])
        .elem("h2", &[], "Value against effort");
    h.open("figure", &[("class", "chart wide")])
        .append(chart.svg())
        .close()
        .close();
    h.open("section", &[("id", "partners")])
        .elem("h2", &[], "Each partner");
    h.table_head(
        &[],
        &[("scope", "col")],
        ["Partner", "Roles"]
            .into_iter()
            .chain(super::FIGURE_COLUMNS),
    );
    for p in order {
        h.open(
            "tr",
            &[("data-partner", &p.id), ("data-balance", p.balance.name())],
        );
        h.elem(
            "th",
            &[("scope", "row")],
            &format!("{} ({}, {})", p.name, p.id, p.sector),
        );
        h.elem(
            "td",
            &[],
            &if p.roles.is_empty() {
                "none".to_string()
            } else {
                p.roles.join(", ")
            },
        );
        h.elem("td", &[], &num(p.effort, 1));
        h.elem("td", &[], &num(p.leave_one_out, 2));
        h.elem("td", &[], &shapley_text(p));
        h.elem("td", &[], &percent(p.value_share));
        h.elem("td", &[], &percent(p.effort_share));
        h.elem("td", &[], balance_words(p.balance));
        h.elem("td", &[("class", "num")], &money_text(r, p));
        h.close();
    }
    h.close().close().close();
    h.open("section", &[("id", "how-to-read")])
        .elem("h2", &[], "How to read this");
    for p in HOW_TO_READ {
        h.elem("p", &[("class", "small")], p);
    }
    h.close().close();
    page(&format!("Value account of {}", r.scenario), h)
}
