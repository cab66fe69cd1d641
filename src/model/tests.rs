//! Unit tests of fits, rule matching and model building.

use super::*;
use crate::load::Document;
use crate::source::Source;
use crate::test_support::{dakar_text, kb, line_up};

/// The index of partner `id` in the problem.
fn partner(p: &Problem, id: &str) -> usize {
    p.partners
        .iter()
        .position(|x| x.id == id)
        .expect("a partner of the test scenario")
}

/// The index of the need for role `id` in the problem.
fn need(kb: &KnowledgeBase, p: &Problem, id: &str) -> usize {
    p.needs
        .iter()
        .position(|n| kb.role(n.role).id == id)
        .expect("a need of the test scenario")
}

const DRIFT: &str = r#"Scenario(name: "t",
    needs: [Need(role: "commercialisation", importance: 3), Need(role: "community_outreach", importance: 4), Need(role: "policy_framework")],
    partners: [
        Partner(id: "ngo", sector: "civil_society", capabilities: { "customer_centric_approach": 0.8, "efficient_scaling_practice": 0.7, "standards_and_business_practices": 0.6 }),
        Partner(id: "se", sector: "civil_society", attributes: ["social_enterprise"], capabilities: { "customer_centric_approach": 0.8, "efficient_scaling_practice": 0.7, "standards_and_business_practices": 0.6 }),
        Partner(id: "acme", sector: "business"),
    ])"#;

#[test]
fn fit_is_the_weighted_mean_of_strengths_over_the_roles_needs() {
    let kb = kb();
    let l = line_up(&kb, DRIFT);
    let p = Problem::new(&kb, &l);
    let ngo = partner(&p, "ngo");
    let j = need(&kb, &p, "commercialisation");
    // commercialisation needs efficient_scaling_practice and customer_centric_approach at 3/10
    // each and standards_and_business_practices at 2/10; the NGO states them (counted in full)
    // and has none of the other needed capabilities by default.
    let stated = 0.3 * 0.7 + 0.3 * 0.8 + 0.2 * 0.6;
    assert!((p.fit[ngo][j] - stated).abs() < 1e-12, "{}", p.fit[ngo][j]);
    // A business states nothing: its sector's defaults count at the assumed weight.
    let acme = partner(&p, "acme");
    assert!(
        (p.fit[acme][j] - 0.79 * kb.settings.assumed_weight).abs() < 1e-9,
        "business defaults: {}",
        p.fit[acme][j]
    );
}

#[test]
fn rules_match_the_partners_and_roles_their_conditions_name() {
    let kb = kb();
    let l = line_up(&kb, DRIFT);
    let p = Problem::new(&kb, &l);
    let drift = kb.rule_by_id("civil_society_commercial_role").unwrap();
    let social = kb
        .rule_by_id("civil_society_social_enterprise_commercial")
        .unwrap();
    let on = |rule: RuleIx, id: &str| {
        p.instances.iter().any(|inst| {
            inst.rule == rule
                && matches!(inst.subject, Subject::Holds { partner, need, .. }
                    if p.partners[partner].id == id && p.role_id(need) == "commercialisation")
        })
    };
    // Mission drift is flagged high, so the rule avoids it: the pair is kept out unless pinned.
    let (ngo, j) = (partner(&p, "ngo"), need(&kb, &p, "commercialisation"));
    assert_eq!(p.blocked[ngo][j], Some(Block::Avoided(drift)));
    assert!(
        !on(drift, "se"),
        "a social enterprise is exempt from the plain drift rule"
    );
    assert!(on(social, "se"));
    assert!(!on(drift, "acme"));
}

#[test]
fn a_forbidding_rule_removes_the_pair_unless_a_pin_asks_for_it() {
    let kb = kb();
    let l = line_up(&kb, DRIFT);
    let p = Problem::new(&kb, &l);
    let m = build(&p);
    let acme = partner(&p, "acme");
    let policy = need(&kb, &p, "policy_framework");
    let rule = kb.rule_by_id("business_regulatory_authority").unwrap();
    assert_eq!(p.blocked[acme][policy], Some(Block::Forbidden(rule)));
    assert!(m.x[acme][policy].is_none());

    let pinned = DRIFT.replace(
        "    ])",
        "    ], pins: [Pin(partner: \"acme\", role: \"policy_framework\")])",
    );
    let l = line_up(&kb, &pinned);
    let p = Problem::new(&kb, &l);
    let m = build(&p);
    assert!(
        m.x[acme][policy].is_some(),
        "the contradiction stays in the model"
    );
    assert!(m.rows.iter().any(|r| matches!(r.origin, Origin::Forbid(_))));
    assert!(m.rows.iter().any(|r| matches!(r.origin, Origin::Pin(_))));
}

#[test]
fn an_avoiding_rule_keeps_the_pair_out_unless_a_pin_asks_for_it_and_then_prices_it() {
    let kb = kb();
    let drift = kb.rule_by_id("civil_society_commercial_role").unwrap();
    let pinned = DRIFT.replace(
        "    ])",
        "    ], pins: [Pin(partner: \"ngo\", role: \"commercialisation\")])",
    );
    let p = Problem::new(&kb, &line_up(&kb, &pinned));
    let ngo = partner(&p, "ngo");
    let j = need(&kb, &p, "commercialisation");
    assert_eq!(p.blocked[ngo][j], None, "the pin overrides the avoid");
    let m = build(&p);
    assert!(
        !m.rows.iter().any(|r| matches!(r.origin, Origin::Forbid(_))),
        "no contradiction: a pin may override an avoid"
    );
    let inst = p
        .instances
        .iter()
        .find(|i| {
            i.rule == drift && matches!(i.subject, Subject::Holds { partner, .. } if partner == ngo)
        })
        .expect("the breach is priced and flagged");
    assert!(p.weight(inst) < 0.0);
    // Priced per importance point of the role at stake (commercialisation: 3).
    assert!((p.weight(inst) + kb.rule(drift).effect.penalty * 3.0).abs() < 1e-12);
}

/// A grantee's rules depend on its funder being at the table: cutting the funder out of a
/// coalition gives the problem of the smaller line-up, as everywhere else.
#[test]
fn restricting_away_a_grantees_funder_gives_the_smaller_line_ups_problem() {
    let kb = kb();
    let text = r#"Scenario(name: "t",
        needs: [Need(role: "independent_evaluation", importance: 4), Need(role: "catalytic_funding", importance: 3)],
        partners: [
            Partner(id: "fund", sector: "impact_investor", funds: ["catalytic_funding"]),
            Partner(id: "uni", sector: "academia", funded_by: ["fund"]),
        ])"#;
    let full = Problem::new(&kb, &line_up(&kb, text));
    let uni = partner(&full, "uni");
    let eval = need(&kb, &full, "independent_evaluation");
    assert!(
        full.is_avoided(uni, eval),
        "a grantee does not evaluate its funder's programme"
    );
    let keep: Vec<bool> = full.partners.iter().map(|x| x.id == "uni").collect();
    let cut = full.restrict(&keep);
    // The funder named in `funded_by` must be in the scenario, so the smaller line-up is the
    // variant without it.
    let variant = format!(
        "{}, variants: [Variant(name: \"v\", remove: [\"fund\"])])",
        text.trim_end_matches(')')
    );
    let scenario = crate::validate_scenario(
        &kb,
        &Document::parse(Source::new("t.ron", variant.as_str())),
    )
    .unwrap();
    let smaller = Problem::new(&kb, &scenario.line_up(&scenario.variants[0]));
    assert!(
        !cut.is_avoided(0, eval),
        "without the funder, it may evaluate"
    );
    assert_eq!(cut.blocked, smaller.blocked);
    assert_eq!(cut.instances, smaller.instances);
    assert_eq!(cut.fit, smaller.fit);
}

#[test]
fn the_model_scores_a_line_up_exactly_as_the_problem_does() {
    let kb = kb();
    let text = dakar_text();
    let l = line_up(&kb, &text);
    let p = Problem::new(&kb, &l);
    let m = build(&p);
    let solved = crate::solve::solve(&p, &m, &Default::default()).unwrap();
    let a = solved.assignment.unwrap();
    let values = values_for(&p, &m, &a);
    assert!(
        m.is_satisfied_by(&values),
        "the solution's own values satisfy the model"
    );
    let model_objective: f64 = m.vars.iter().zip(&values).map(|(v, x)| v.obj * x).sum();
    assert!(
        (model_objective - p.objective(&a)).abs() < 1e-9,
        "{model_objective} vs {}",
        p.objective(&a)
    );
    // Moving one holder elsewhere still scores the same in both.
    let mut b = a.clone();
    let j = (0..p.needs.len())
        .find(|&j| p.needs[j].max == 1 && a.count(j) == 1)
        .unwrap();
    let i = (0..p.partners.len()).find(|&i| a.holds[i][j]).unwrap();
    b.holds[i][j] = false;
    b.lead[j] = None;
    let values = values_for(&p, &m, &b);
    let model_objective: f64 = m.vars.iter().zip(&values).map(|(v, x)| v.obj * x).sum();
    assert!((model_objective - p.objective(&b)).abs() < 1e-9);
    assert!(
        p.objective(&b) < p.objective(&a),
        "the optimum is better than a worse line-up"
    );
}

#[test]
fn a_partner_that_can_take_no_role_does_not_raise_the_minimum_of_sectors() {
    let kb = kb();
    let text = r#"Scenario(name: "t", min_sectors: 2,
        needs: [Need(role: "research")],
        partners: [
            Partner(id: "uni", sector: "academia"),
            Partner(id: "idle", sector: "business", capacity: 0),
        ])"#;
    let p = Problem::new(&kb, &line_up(&kb, text));
    assert_eq!(p.min_sectors, 1);
    assert!(p.notes.iter().any(|n| n.contains("only 1 can take a role")));
}

#[test]
fn swapping_in_other_fits_scores_a_line_up_as_a_problem_with_those_fits_does() {
    let kb = kb();
    let text = dakar_text();
    let p = Problem::new(&kb, &line_up(&kb, &text));
    let m = build(&p);
    let a = crate::solve::solve(&p, &m, &Default::default())
        .unwrap()
        .assignment
        .unwrap();
    let values = values_for(&p, &m, &a);
    let score = |obj: &[f64]| -> f64 { obj.iter().zip(&values).map(|(c, x)| c * x).sum() };
    let same = objective_with_fits(&p, &m, &p.fit);
    assert!((score(&same) - p.objective(&a)).abs() < 1e-9);
    let mut other = p.clone();
    for (i, row) in other.fit.iter_mut().enumerate() {
        for (j, f) in row.iter_mut().enumerate() {
            *f = (*f + 0.01 * ((i * 7 + j * 3) % 11) as f64 - 0.05).clamp(0.0, 1.0);
        }
    }
    let swapped = objective_with_fits(&p, &m, &other.fit);
    assert!(
        (score(&swapped) - other.objective(&a)).abs() < 1e-9,
        "{} vs {}",
        score(&swapped),
        other.objective(&a)
    );
}

#[test]
fn the_tie_break_prefers_stated_evidence_then_id_order_and_stays_below_a_real_difference() {
    let kb = kb();
    let text = r#"Scenario(name: "t",
        needs: [Need(role: "policy_framework")],
        partners: [
            Partner(id: "a", sector: "government"),
            Partner(id: "b", sector: "government"),
            Partner(id: "c", sector: "government", capabilities: { "legitimacy": 0.5 }),
        ])"#;
    let p = Problem::new(&kb, &line_up(&kb, text));
    let (a, b, c) = (0, 1, 2);
    assert!(tie_break(&p, a, 0) > tie_break(&p, b, 0), "id order");
    assert!(
        tie_break(&p, c, 0) > tie_break(&p, a, 0),
        "stated evidence before id order"
    );
    assert!(p.stated_share(c, 0) > 0.0 && p.stated_share(a, 0) == 0.0);
    for i in [a, b, c] {
        let t = tie_break(&p, i, 0);
        assert!(t < 0.0 && t > -TIE_BREAK, "{t}");
    }
}
