//! The summary as one self-contained page.

use super::{
    box_headline, header, level_table, pct, raised_kinds, ranking_measure, restriction_text,
};
use crate::report::shared::html::{BarChart, Html, Panel, page};
use crate::summarize::{FactorSummary, Summary};

/// A self-contained page in the style of every rolefit report (`report::shared::html::page`: no
/// scripts, no external resources): one bar chart per factor of the outcome rate (or the mean
/// objective when no outcome was asked for) by level, and the level table, which scrolls on a
/// narrow screen and shrinks to the page in print.
pub fn render(s: &Summary) -> String {
    let mut h = Html::new();
    h.open("header", &[]);
    h.elem("h1", &[], "Sweep summary");
    h.open("p", &[("class", "subtitle")]);
    h.elem("code", &[], &s.file);
    h.text(": ");
    h.prose(&header(s));
    h.close();
    h.close();
    h.open("main", &[("class", "summary-page")]);
    if let Some(d) = &s.discovery {
        h.open("section", &[("id", "discovery")]);
        h.open("h2", &[]);
        h.text("Scenario discovery for ");
        h.elem("code", &[], &d.outcome);
        h.close();
        if d.positives == 0 {
            h.elem("p", &[], "No run meets the outcome.");
        } else {
            h.open("p", &[]);
            h.text(&format!("PRIM {}: density ", box_headline(d)));
            h.elem("strong", &[], &pct(d.best.density));
            h.text(", coverage ");
            h.elem("strong", &[], &pct(d.best.coverage));
            h.text(&format!(", mass {}.", pct(d.best.mass)));
            h.close();
            h.open("ul", &[("class", "box")]);
            for r in &d.restrictions {
                h.elem("li", &[], &restriction_text(r));
            }
            if d.restrictions.is_empty() {
                h.elem("li", &[], "no factor restricts it");
            }
            h.close();
        }
        h.close();
    }
    h.open("section", &[("id", "factors")]);
    h.elem("h2", &[], "Factors by effect");
    h.open("p", &[]);
    h.text("Ranked by the ");
    h.prose(&ranking_measure(s));
    h.text(".");
    h.close();
    let kinds = raised_kinds(s);
    for (rank, f) in s.factors.iter().enumerate() {
        h.open("div", &[("class", "factor"), ("data-factor", &f.name)]);
        h.open("h3", &[]);
        h.text(&format!("{}. {} ", rank + 1, f.name));
        h.elem(
            "span",
            &[("class", "muted small")],
            &format!(
                "({}, effect {:.3})",
                if f.numeric { "numeric" } else { "categorical" },
                f.effect
            ),
        );
        h.close();
        h.open("figure", &[("class", "chart")]);
        h.append(chart(s, f).svg());
        h.close();
        let (head, rows) = level_table(s, f, &kinds);
        h.open("div", &[("class", "wide")]);
        h.open("table", &[("class", "levels")]);
        h.open("thead", &[]).open("tr", &[]);
        let num: &[(&'static str, &str)] = &[("class", "num")];
        for (i, c) in head.iter().enumerate() {
            h.elem("th", if i == 0 { &[] } else { num }, c);
        }
        h.close().close();
        h.open("tbody", &[]);
        for r in &rows {
            h.open("tr", &[]);
            for (i, c) in r.iter().enumerate() {
                h.elem("td", if i == 0 { &[] } else { num }, c);
            }
            h.close();
        }
        h.close().close();
        h.close();
        h.close();
    }
    h.close();
    h.close();
    page("Sweep summary", h)
}

/// One bar per level: the outcome rate, or the mean objective without an outcome.
fn chart(s: &Summary, f: &FactorSummary) -> BarChart {
    let (what, values): (&str, Vec<f64>) = match &s.outcome {
        Some(_) => (
            "outcome rate",
            f.levels
                .iter()
                .map(|l| l.outcome_rate.unwrap_or(0.0))
                .collect(),
        ),
        None => (
            "mean objective",
            f.levels
                .iter()
                .map(|l| l.mean_objective.unwrap_or(0.0))
                .collect(),
        ),
    };
    let mut panel = Panel::new(what, values);
    if s.outcome.is_some() {
        panel.percent = true;
        panel.decimals = 1;
        panel.domain = Some((0.0, 1.0));
    } else {
        panel.decimals = 3;
    }
    BarChart {
        label: format!("{what} of {} by level", f.name),
        rows: f.levels.iter().map(|l| l.label.clone()).collect(),
        panels: vec![panel],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_names_and_levels_and_needs_nothing_external() {
        let hostile = "<script>alert('x')</script>";
        let s = Summary {
            file: format!("{hostile}.csv"),
            runs: 2,
            statuses: vec![("optimal".into(), 2)],
            flag_kinds: vec!["mission_drift".into()],
            outcome: Some("flags.mission_drift > 0".into()),
            outcome_rate: Some(0.5),
            factors: vec![FactorSummary {
                name: hostile.into(),
                numeric: false,
                effect: 1.0,
                objective_effect: 0.5,
                outcome_effect: Some(1.0),
                levels: vec![crate::summarize::LevelStats {
                    label: hostile.into(),
                    runs: 2,
                    solved: 2,
                    mean_objective: Some(-3.0),
                    infeasible_rate: 0.0,
                    flag_rates: vec![0.5],
                    outcome_rate: Some(0.5),
                }],
            }],
            discovery: None,
        };
        let page = render(&s);
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;script&gt;"));
        for external in ["src=", "href=", "@import", "url("] {
            assert!(!page.contains(external));
        }
        assert_eq!(page.matches("<svg").count(), 1);
        // Every closed element was opened (the level table's scrolling wrapper once was not).
        for tag in ["div", "table", "tr", "svg"] {
            let opened = page.matches(&format!("<{tag}")).count();
            assert_eq!(
                opened,
                page.matches(&format!("</{tag}>")).count(),
                "<{tag}> in {page}"
            );
        }
    }
}
