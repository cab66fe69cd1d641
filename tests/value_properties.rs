//! Properties of the coalition game and of the Shapley values, on random small scenarios.
//!
//! - A coalition's problem cut out of the full one (`Problem::restrict`) is the problem
//!   `Problem::new` builds for the smaller line-up, field by field, with the same optimum;
//!   tightening it with envelope rows keeps that optimum.
//! - The Shapley axioms: efficiency (the values add up to the grand coalition's worth minus the
//!   empty one's), symmetry (identical partners get equal values), null player (a partner that
//!   can take no role gets zero).
//! - Sampled values agree with exact ones within the reported confidence intervals.
//! - The envelope rows the game adds change no coalition's worth.

mod common;

use common::random::{self, Odds, P, Vocabulary, kb, partner_ron};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use rolefit::load::Document;
use rolefit::model::{Problem, build};
use rolefit::scenario::{LineUp, WhatIf};
use rolefit::solve::{Backend, optimum};
use rolefit::source::Source;
use rolefit::value::{self, Game, Sampling};
use std::cell::Cell;

/// Roles on which funding, review, commercial and community rules all fire.
const ROLES: [&str; 8] = [
    "catalytic_funding",
    "public_financing",
    "independent_evaluation",
    "service_delivery",
    "community_outreach",
    "commercialisation",
    "policy_framework",
    "research",
];
static VOCABULARY: Vocabulary = Vocabulary {
    roles: &ROLES,
    caps: &[
        "community_access_and_outreach",
        "investment_and_funding",
        "research_excellence",
        "healthcare_infrastructure",
        "healthcare_funding_resources",
    ],
    attributes: &[
        "small_organisation",
        "no_direct_government_funding",
        "open_publication_policy",
    ],
};

#[derive(Debug, Clone)]
struct N {
    role: usize,
    importance: u32,
    max: u32,
}

#[derive(Debug, Clone)]
struct Case {
    partners: Vec<P>,
    needs: Vec<N>,
    /// Pin partner `.0` to need `.1` (indices taken modulo the lists).
    pin: Option<(usize, usize)>,
}

fn partner() -> impl Strategy<Value = P> {
    let odds = Odds {
        attribute: 0.3,
        refuses: 0.2,
        funds: 0.4,
    };
    random::partner(&VOCABULARY, 1..=3, odds)
}

fn case(max_partners: usize) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(partner(), 1..=max_partners),
        prop::sample::subsequence((0..ROLES.len()).collect::<Vec<_>>(), 1..=5),
        prop::collection::vec((1u32..=5, 1u32..=2), 5),
        prop::option::weighted(0.2, (0usize..8, 0usize..8)),
    )
        .prop_map(|(partners, roles, shape, pin)| Case {
            needs: roles
                .into_iter()
                .zip(shape)
                .map(|(role, (importance, max))| N {
                    role,
                    importance,
                    max,
                })
                .collect(),
            partners,
            pin,
        })
}

/// The case as a scenario, with `extra` partners (RON text) appended.
fn ron(c: &Case, extra: &[String]) -> String {
    let mut s = String::from("Scenario(name: \"prop\", needs: [");
    for n in &c.needs {
        s += &format!(
            "Need(role: {:?}, importance: {}, min: 1, max: {}),",
            ROLES[n.role], n.importance, n.max
        );
    }
    s += "], partners: [";
    for (i, p) in c.partners.iter().enumerate() {
        s += &partner_ron(&VOCABULARY, &format!("p{i}"), p);
    }
    for e in extra {
        s += e;
    }
    s += "]";
    if let Some((i, j)) = c.pin {
        let (i, j) = (i % c.partners.len(), j % c.needs.len());
        let refused = c.partners[i].refuses == Some(c.needs[j].role);
        if !refused {
            s += &format!(
                ", pins: [Pin(partner: \"p{i}\", role: {:?})]",
                ROLES[c.needs[j].role]
            );
        }
    }
    s + ")"
}

fn line_up(text: &str) -> LineUp {
    let doc = Document::parse(Source::new("prop.ron", text));
    rolefit::validate_scenario(kb(), &doc)
        .unwrap_or_else(|e| panic!("generated scenario is valid: {e:?}\n{text}"))
        .base()
}

fn best(p: &Problem) -> Option<f64> {
    optimum(p, &build(p), Backend::Microlp, None)
        .expect("the solver runs")
        .map(|o| o.value)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// A game whose full line-up is feasible (a pin can make it infeasible: then `None`).
fn game(l: &LineUp) -> Option<Game<'static>> {
    Game::new(Problem::new(kb(), l), Backend::Microlp, None).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_restricted_problem_is_the_problem_of_the_smaller_line_up(
        c in case(6),
        keep_bits in any::<u8>(),
    ) {
        let full = line_up(&ron(&c, &[]));
        let grand = Problem::new(kb(), &full);
        let keep: Vec<bool> = (0..grand.partners.len()).map(|i| keep_bits >> i & 1 == 1).collect();
        let mut smaller = full.clone();
        for (i, p) in grand.partners.iter().enumerate() {
            if !keep[i] {
                smaller.apply(kb(), &WhatIf::Without(p.id.clone())).expect("a partner of the line-up");
            }
        }
        let cut = grand.restrict(&keep);
        let fresh = Problem::new(kb(), &smaller);
        prop_assert_eq!(&cut.partners, &fresh.partners);
        prop_assert_eq!(&cut.needs, &fresh.needs);
        prop_assert_eq!(&cut.pins, &fresh.pins);
        prop_assert_eq!(&cut.pin_specs, &fresh.pin_specs);
        prop_assert_eq!(&cut.fit, &fresh.fit);
        prop_assert_eq!(&cut.blocked, &fresh.blocked);
        prop_assert_eq!(&cut.serves, &fresh.serves);
        prop_assert_eq!(&cut.instances, &fresh.instances);
        prop_assert_eq!(&cut.sectors_present, &fresh.sectors_present);
        prop_assert_eq!(cut.min_sectors, fresh.min_sectors);
        prop_assert_eq!(&cut.partner_order, &fresh.partner_order);
        prop_assert_eq!(&cut.need_order, &fresh.need_order);
        prop_assert_eq!(&cut.notes, &fresh.notes);
        match (best(&cut), best(&fresh)) {
            (Some(a), Some(b)) => prop_assert!(close(a, b), "{a} != {b}"),
            (a, b) => prop_assert_eq!(a.is_some(), b.is_some()),
        }
        // Tightened (what the coalition game does), the cut-out problem keeps exactly the rows
        // a fresh tightening computes, and they never change the optimum.
        let mut tight = grand.clone();
        tight.tighten();
        let tight_cut = tight.restrict(&keep);
        let mut tight_fresh = fresh.clone();
        tight_fresh.tighten();
        prop_assert_eq!(&tight_cut.envelopes, &tight_fresh.envelopes);
        match (best(&tight_cut), best(&cut)) {
            (Some(a), Some(b)) => prop_assert!(close(a, b), "tightened {a} != {b}"),
            (a, b) => prop_assert_eq!(a.is_some(), b.is_some()),
        }
    }

    #[test]
    fn shapley_values_add_up_to_what_the_partners_create_together(c in case(5)) {
        let l = line_up(&ron(&c, &[]));
        let Some(g) = game(&l) else { return Ok(()) };
        let exact = value::exact(&g).expect("exact values");
        let total = exact.grand - exact.empty;
        prop_assert!(close(exact.shapley.iter().sum::<f64>(), total));
        // The grand coalition is worth what `rolefit solve` reports for the line-up.
        let outcome = rolefit::solve_line_up(kb(), &l, &Default::default()).expect("solves");
        prop_assert!(close(exact.grand, outcome.objective), "{} != {}", exact.grand, outcome.objective);
        let sampled = value::sampled(&g, &Sampling { max_permutations: 64, ..Default::default() })
            .expect("sampled values");
        prop_assert!(close(sampled.shapley.iter().sum::<f64>(), total));
    }

    #[test]
    fn exact_values_match_the_shapley_formula_over_solved_coalitions(c in case(5)) {
        // The reference: every coalition solved (no settling from larger ones), then the
        // Shapley formula with factorials.
        let l = line_up(&ron(&c, &[]));
        let Some(g) = game(&l) else { return Ok(()) };
        let n = g.players();
        let worth: Vec<f64> = (0u32..1 << n)
            .map(|mask| {
                let members: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
                g.worth(&members).expect("solves")
            })
            .collect();
        let factorial = |k: usize| (1..=k).map(|x| x as f64).product::<f64>();
        let exact = value::exact(&g).expect("exact values");
        for i in 0..n {
            let mut phi = 0.0;
            for mask in 0u32..1 << n {
                if mask >> i & 1 == 1 {
                    continue;
                }
                let s = mask.count_ones() as usize;
                let w = factorial(s) * factorial(n - s - 1) / factorial(n);
                phi += w * (worth[(mask | 1 << i) as usize] - worth[mask as usize]);
            }
            prop_assert!(close(exact.shapley[i], phi), "partner {i}: {} != {phi}", exact.shapley[i]);
            let full = (1usize << n) - 1;
            prop_assert!(close(exact.leave_one_out[i], worth[full] - worth[full & !(1 << i)]));
        }
    }

    #[test]
    fn identical_partners_get_equal_values(mut c in case(4)) {
        // A pin on one of them would make them different.
        c.pin = None;
        let twin = partner_ron(&VOCABULARY, "twin", &c.partners[0]);
        let l = line_up(&ron(&c, &[twin]));
        let Some(g) = game(&l) else { return Ok(()) };
        let exact = value::exact(&g).expect("exact values");
        let at = |id: &str| g.problem().partners.iter().position(|p| p.id == id).expect("present");
        let (a, b) = (at("p0"), at("twin"));
        prop_assert!(close(exact.shapley[a], exact.shapley[b]), "{} != {}", exact.shapley[a], exact.shapley[b]);
        prop_assert!(close(exact.leave_one_out[a], exact.leave_one_out[b]));
    }

    #[test]
    fn a_partner_that_can_take_no_role_gets_nothing(c in case(4), refusing in any::<bool>()) {
        // Either no capacity at all, or refusing every role the scenario needs.
        let null = if refusing {
            let roles: Vec<String> = c.needs.iter().map(|n| format!("{:?}", ROLES[n.role])).collect();
            format!("Partner(id: \"null\", sector: \"business\", refuses: [{}]),", roles.join(", "))
        } else {
            "Partner(id: \"null\", sector: \"government\", capacity: 0, funds: [\"public_financing\"]),".to_string()
        };
        let with_null = line_up(&ron(&c, &[null]));
        let without = line_up(&ron(&c, &[]));
        // The model itself: solved from scratch, the null partner changes nothing.
        let (a, b) = (best(&Problem::new(kb(), &with_null)), best(&Problem::new(kb(), &without)));
        match (a, b) {
            (Some(a), Some(b)) => prop_assert!(close(a, b), "{a} != {b}"),
            (a, b) => prop_assert_eq!(a.is_some(), b.is_some()),
        }
        let Some(g) = game(&with_null) else { return Ok(()) };
        let i = g.problem().partners.iter().position(|p| p.id == "null").expect("present");
        let exact = value::exact(&g).expect("exact values");
        prop_assert_eq!(exact.shapley[i], 0.0);
        prop_assert_eq!(exact.leave_one_out[i], 0.0);
        let sampled = value::sampled(&g, &Sampling { max_permutations: 64, ..Default::default() })
            .expect("sampled values");
        prop_assert_eq!(sampled.shapley[i], 0.0);
        prop_assert_eq!(sampled.half_width.as_ref().expect("sampled")[i], 0.0);
    }
}

/// Sampled values against exact ones on random generated consortia. A 95% interval misses the
/// true value one time in twenty, so the check is on the share of intervals that cover it (at
/// least 90% over more than a hundred partners whose value varies with the order of arrival),
/// and no estimate may be absurdly far (five half-widths). The runner's seed is fixed so the
/// statistic is the same on every run.
#[test]
fn sampled_values_agree_with_exact_ones_within_their_intervals() {
    let config = Config {
        cases: 40,
        rng_seed: RngSeed::Fixed(20_240_607),
        failure_persistence: None,
        ..Config::default()
    };
    let covered = Cell::new(0usize);
    let checked = Cell::new(0usize);
    let mut runner = TestRunner::new(config);
    runner
        .run(
            &(3usize..=6, 4usize..=9, any::<u64>(), any::<u64>()),
            |(n, roles, shape, seed)| {
                // Generated consortia: sector profiles with noise, so partners compete for roles
                // and what one adds depends on who else is there.
                let spec = rolefit::generate::Spec::new(n, roles, shape);
                let l = line_up(&rolefit::generate::consortium(kb(), &spec));
                let Some(g) = game(&l) else { return Ok(()) };
                let exact = value::exact(&g).expect("exact values");
                let sampled = value::sampled(
                    &g,
                    &Sampling {
                        seed,
                        precision: 0.01,
                        max_permutations: 400,
                        ..Default::default()
                    },
                )
                .expect("sampled values");
                let half = sampled.half_width.as_ref().expect("sampled");
                for i in 0..g.players() {
                    let off = (sampled.shapley[i] - exact.shapley[i]).abs();
                    // A partner adding the same in every order has a zero-width interval (up to
                    // rounding) and must be estimated exactly.
                    if half[i] < 1e-6 {
                        prop_assert!(
                            off < 1e-6,
                            "partner {i}: {off} off with a zero-width interval"
                        );
                        continue;
                    }
                    checked.set(checked.get() + 1);
                    if off <= half[i] {
                        covered.set(covered.get() + 1);
                    }
                    prop_assert!(
                        off <= 5.0 * half[i],
                        "partner {i}: sampled {} against exact {} (half-width {})",
                        sampled.shapley[i],
                        exact.shapley[i],
                        half[i]
                    );
                }
                Ok(())
            },
        )
        .expect("no estimate is far outside its interval");
    let (covered, checked) = (covered.get(), checked.get());
    assert!(
        checked >= 100,
        "only {checked} partners with a non-zero interval"
    );
    assert!(
        covered as f64 >= 0.9 * checked as f64,
        "the 95% intervals covered the exact value for only {covered} of {checked} partners"
    );
}

/// The same seed gives the same sampled values whatever the number of threads.
#[test]
fn sampled_values_do_not_depend_on_the_number_of_threads() {
    let text = rolefit::generate::consortium(kb(), &rolefit::generate::Spec::new(8, 10, 3));
    let l = line_up(&text);
    let g = game(&l).expect("a generated line-up is feasible");
    let settings = Sampling {
        seed: 42,
        max_permutations: 48,
        ..Default::default()
    };
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
            .install(|| value::sampled(&g, &settings).expect("sampled values"))
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(3));
    let other_seed = value::sampled(
        &g,
        &Sampling {
            seed: 43,
            ..settings.clone()
        },
    )
    .expect("sampled values");
    assert_ne!(one.shapley, other_seed.shapley);
}

/// Rules whose limits bind on generated consortia: a workload limit in effort below every
/// partner's capacity, and a concentration limit that counts no typical roles.
const BINDING_LIMITS: &str = r#"Rules(rules: [
    Rule(id: "workload", description: "Effort above 2.", source: Text("test"),
        when: Load(effort_above: 2.0),
        effect: (penalty: 1.0, flag: (kind: "overload", severity: low, message: "{partner} is busy"))),
    Rule(id: "concentration", description: "A third of the importance.", source: Text("test"),
        when: Concentration(share_above: 0.3),
        effect: (penalty: 0.5, flag: (kind: "concentration", severity: medium, message: "{partner} holds {value}"))),
])"#;

/// The envelope rows the coalition game adds (`Problem::tighten`) are valid inequalities: on a
/// generated consortium where partners' workload limits bind, every coalition is worth exactly
/// what it is worth without them.
#[test]
fn envelope_rows_change_no_coalitions_worth() {
    let mut docs = rolefit::kb::default_documents();
    docs.push(Document::parse(Source::new("limits.ron", BINDING_LIMITS)));
    let kb = rolefit::knowledge_base(docs).expect("valid rules");
    let spec = rolefit::generate::Spec::new(8, 18, 20_240_601);
    let plain = Problem::new(&kb, &line_up(&rolefit::generate::consortium(&kb, &spec)));
    let mut tight = plain.clone();
    tight.tighten();
    let rows: usize = tight.envelopes.iter().map(Vec::len).sum();
    assert!(
        rows > 0,
        "no envelope rows: the comparison would compare nothing"
    );
    let n = plain.partners.len();
    for mask in 0u32..1 << n {
        let keep: Vec<bool> = (0..n).map(|b| mask >> b & 1 == 1).collect();
        let (a, b) = (best(&tight.restrict(&keep)), best(&plain.restrict(&keep)));
        match (a, b) {
            (Some(a), Some(b)) => assert!(close(a, b), "coalition {mask:b}: {a} != {b}"),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "coalition {mask:b}"),
        }
    }
}
