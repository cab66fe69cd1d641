//! Unit tests of the robustness assessment: margins against a from-scratch solve, ties and what
//! breaks them, stability that only the seed decides, and flips that do flip.

use super::*;
use crate::kb::KnowledgeBase;
use crate::model::{self, Problem};
use crate::scenario::{LineUp, WhatIf};
use crate::test_support::{dakar_text, kb, line_up};

/// Two ministries that differ by one stated strength, a university and an NGO.
const TEAM: &str = r#"Scenario(name: "t",
    needs: [
        Need(role: "policy_framework", importance: 4),
        Need(role: "research", importance: 3),
        Need(role: "community_outreach", importance: 3),
    ],
    partners: [
        Partner(id: "moh", name: "Ministry", sector: "government", capabilities: { "regulatory_oversight": 0.9 }),
        Partner(id: "region", name: "Region", sector: "government", capabilities: { "regulatory_oversight": 0.85 }),
        Partner(id: "uni", name: "University", sector: "academia"),
        Partner(id: "ngo", name: "NGO", sector: "civil_society"),
    ])"#;

/// Two government partners known only by their sector's defaults: an exact tie.
const TIE: &str = r#"Scenario(name: "t",
    needs: [Need(role: "policy_framework", importance: 4)],
    partners: [
        Partner(id: "b_gov", name: "B", sector: "government"),
        Partner(id: "a_gov", name: "A", sector: "government"),
    ])"#;

fn need(p: &Problem, role: &str) -> usize {
    (0..p.needs.len()).find(|&j| p.role_id(j) == role).unwrap()
}

fn assess_problem(p: &Problem, settings: &Settings) -> Robustness {
    let m = model::build(p);
    let solved = solve::solve(p, &m, &Default::default()).expect("it solves");
    assess(p, &m, &solved, settings, &Default::default())
        .expect("it re-solves")
        .expect("a line-up to assess")
}

fn assess_text(kb: &KnowledgeBase, text: &str) -> Robustness {
    assess_problem(&Problem::new(kb, &line_up(kb, text)), &Settings::default())
}

fn objective(kb: &KnowledgeBase, l: &LineUp) -> f64 {
    let p = Problem::new(kb, l);
    let m = model::build(&p);
    let solved = solve::solve(&p, &m, &Default::default()).expect("it solves");
    p.objective(solved.assignment.as_ref().expect("a line-up"))
}

#[test]
fn the_margin_is_what_the_line_up_loses_without_the_holder_and_names_who_takes_over() {
    let kb = kb();
    let l = line_up(&kb, TEAM);
    let r = assess_text(&kb, TEAM);
    let best = objective(&kb, &l);
    for h in &r.roles {
        let mut without = l.clone();
        let role = kb.role_by_id(&h.role).unwrap();
        without
            .apply(
                &kb,
                &WhatIf::Forbid {
                    partner: h.partner.clone(),
                    role,
                },
            )
            .unwrap();
        let lost = best - objective(&kb, &without);
        let margin = h.margin.points().expect("no pins here");
        assert!(
            (margin - lost).abs() < 1e-9,
            "{} in {}: margin {margin}, a from-scratch solve loses {lost}",
            h.partner,
            h.role
        );
    }
    let policy = r.held("moh", "policy_framework").unwrap();
    assert_eq!(policy.runner_up.as_deref(), Some("region"));
    assert!(policy.tie.is_none());
}

#[test]
fn an_exact_tie_goes_to_the_partner_earlier_in_id_order_and_says_so() {
    let kb = kb();
    let r = assess_text(&kb, TIE);
    let h = r
        .held("a_gov", "policy_framework")
        .expect("a_gov comes first");
    assert!(h.margin.points().unwrap().abs() <= super::TIE);
    assert_eq!(h.runner_up.as_deref(), Some("b_gov"));
    assert!(
        matches!(h.tie, Some(TieBreak::IdOrder { .. })),
        "{:?}",
        h.tie
    );
    let words = words::runner_up_words(h);
    assert!(words.contains("tie with b_gov"), "{words}");
    assert!(words.contains("broken by id order"), "{words}");
    assert!(
        r.close_calls.iter().any(|c| c.partner == "a_gov" && c.tie),
        "a tie is a close call"
    );
}

#[test]
fn stated_evidence_breaks_a_tie_before_id_order() {
    let kb = kb();
    let mut p = Problem::new(&kb, &line_up(&kb, TIE));
    let b = p.partners.iter().position(|q| q.id == "b_gov").unwrap();
    // b_gov says what it can do, with the very strengths its sector's defaults give a_gov: the
    // fits stay equal, the evidence does not.
    let oversight = kb.capability_by_id("regulatory_oversight").unwrap();
    let legitimacy = kb.capability_by_id("legitimacy").unwrap();
    p.partners[b].stated = vec![oversight, legitimacy];
    let r = assess_problem(&p, &Settings::default());
    let h = r
        .held("b_gov", "policy_framework")
        .expect("b_gov wins the tie");
    assert_eq!(h.runner_up.as_deref(), Some("a_gov"));
    match h.tie {
        Some(TieBreak::StatedEvidence { holder, runner_up }) => {
            assert_eq!((holder.stated, holder.needed), (2, 4));
            assert_eq!(runner_up.stated, 0);
        }
        other => panic!("expected stated evidence, got {other:?}"),
    }
    let words = words::runner_up_words(h);
    assert!(
        words.contains(
            "broken by stated evidence (b_gov states 2 of the 4 capabilities the role needs, a_gov none)"
        ),
        "{words}"
    );
}

#[test]
fn the_tie_break_never_trades_against_a_real_difference() {
    let kb = kb();
    let mut p = Problem::new(&kb, &line_up(&kb, TIE));
    let (a, b) = (
        p.partners.iter().position(|q| q.id == "a_gov").unwrap(),
        p.partners.iter().position(|q| q.id == "b_gov").unwrap(),
    );
    // b_gov states everything, a_gov fits better by the smallest step a fit shows.
    p.partners[b].stated = kb.role(p.needs[0].role).needs.iter().map(|n| n.0).collect();
    p.fit[a][0] += 1e-4 / p.importance(0);
    let r = assess_problem(
        &p,
        &Settings {
            samples: 1,
            ..Settings::default()
        },
    );
    assert!(r.held("a_gov", "policy_framework").is_some());
}

#[test]
fn the_same_seed_gives_the_same_figures_on_any_number_of_threads() {
    let kb = kb();
    let text = dakar_text();
    let p = Problem::new(&kb, &line_up(&kb, &text));
    // More than one batch, and a threshold that keeps sampling until the maximum.
    let settings = Settings {
        samples: 40,
        seed: 7,
        close_call: 1.0,
        ..Settings::default()
    };
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| assess_problem(&p, &settings))
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(3));
    assert_eq!((one.drawn, one.solved), (40, 40));
    assert!(
        one.roles.iter().any(|h| h.stability < 1.0),
        "Dakar has a role that perturbations move"
    );
    let other = assess_problem(
        &p,
        &Settings {
            seed: 8,
            ..settings
        },
    );
    assert_ne!(
        one.roles.iter().map(|h| h.kept).collect::<Vec<_>>(),
        other.roles.iter().map(|h| h.kept).collect::<Vec<_>>(),
        "another seed draws other samples"
    );
}

#[test]
fn assumed_capabilities_move_by_the_noise_and_stated_ones_by_half_of_it() {
    let kb = kb();
    let p = Problem::new(&kb, &line_up(&kb, TEAM));
    let moh = p.partners.iter().position(|q| q.id == "moh").unwrap();
    let oversight = kb.capability_by_id("regulatory_oversight").unwrap();
    let policy = need(&p, "policy_framework");
    let weight = kb
        .role(p.needs[policy].role)
        .needs
        .iter()
        .find(|n| n.0 == oversight)
        .unwrap()
        .1;
    let m = crate::model::build(&p);
    assert!(
        m.x[moh][policy].is_some(),
        "the pair the test watches is open"
    );
    let (mut widest, mut tried) = (0.0f64, 0);
    let noise = sample::Noise::new(&p, &m, 0.2);
    let (mut fit, mut moved) = (Vec::new(), Vec::new());
    for k in 0..200 {
        let mut rng = crate::generate::Rng::new(crate::generate::mix(3, k));
        noise.fits(&mut rng, &mut fit, &mut moved);
        for (i, row) in fit.iter().enumerate() {
            for (j, &f) in row.iter().enumerate() {
                assert!((0.0..=1.0).contains(&f));
                // A fit is a weighted mean: it moves no more than its strengths.
                assert!((f - p.fit[i][j]).abs() <= 0.2 + 1e-9);
            }
        }
        widest = widest.max((fit[moh][policy] - p.fit[moh][policy]).abs());
        tried += 1;
    }
    assert_eq!(tried, 200);
    // moh states only regulatory_oversight; the rest of policy_framework is assumed.
    let assumed_share = 1.0 - weight;
    assert!(
        widest <= 0.2 * assumed_share + 0.1 * weight + 1e-9,
        "{widest}"
    );
}

#[test]
fn a_close_call_flips_when_its_estimated_change_is_made() {
    let kb = kb();
    let l = line_up(&kb, TEAM);
    let r = assess_problem(
        &Problem::new(&kb, &l),
        // Above any stability: every role is a close call, with its flip.
        &Settings {
            close_call: 1.01,
            ..Settings::default()
        },
    );
    let call = r
        .close_calls
        .iter()
        .find(|c| c.role == "policy_framework")
        .unwrap();
    let flip = call
        .flip
        .as_ref()
        .expect("a capability that closes the margin");
    assert_eq!(flip.to.as_deref(), Some("region"));
    // A little more than the estimate hands the role over.
    let mut changed = l.clone();
    let who = changed
        .partners
        .iter_mut()
        .find(|q| q.id == flip.partner)
        .unwrap();
    let cap = kb.capability_by_id(&flip.capability).unwrap();
    let change = if flip.drop { -flip.change } else { flip.change };
    who.strengths[cap.index()] = (flip.strength + change * 1.2).clamp(0.0, 1.0);
    let p = Problem::new(&kb, &changed);
    let m = model::build(&p);
    let a = solve::solve(&p, &m, &Default::default())
        .unwrap()
        .assignment
        .unwrap();
    let region = p.partners.iter().position(|q| q.id == "region").unwrap();
    assert_eq!(
        a.lead[need(&p, "policy_framework")],
        Some(region),
        "{flip:?}"
    );
    let words = words::flip_words(flip);
    assert!(words.ends_with("would hand it to region"), "{words}");
}

#[test]
fn a_pinned_role_has_no_margin_and_is_never_a_close_call() {
    let kb = kb();
    let pinned = TIE.replace(
        "    ])",
        "    ], pins: [Pin(partner: \"b_gov\", role: \"policy_framework\")])",
    );
    let r = assess_text(&kb, &pinned);
    let h = r.held("b_gov", "policy_framework").unwrap();
    assert_eq!(h.margin, Margin::Pinned);
    assert_eq!(h.stability, 1.0);
    assert!(r.close_calls.is_empty());
}

#[test]
fn nothing_is_assessed_without_samples_or_without_a_line_up() {
    let kb = kb();
    let p = Problem::new(&kb, &line_up(&kb, TEAM));
    let m = model::build(&p);
    let solved = solve::solve(&p, &m, &Default::default()).unwrap();
    let off = assess(&p, &m, &solved, &Settings::OFF, &Default::default()).unwrap();
    assert!(off.is_none());
    // A business may not hold regulatory authority, pinned or not.
    let infeasible = r#"Scenario(name: "t",
        needs: [Need(role: "policy_framework")],
        partners: [Partner(id: "acme", sector: "business")],
        pins: [Pin(partner: "acme", role: "policy_framework")])"#;
    let p = Problem::new(&kb, &line_up(&kb, infeasible));
    let m = model::build(&p);
    let solved = solve::solve(&p, &m, &Default::default()).unwrap();
    assert_eq!(solved.status, Status::Infeasible);
    let none = assess(&p, &m, &solved, &Settings::default(), &Default::default()).unwrap();
    assert!(none.is_none());
}

#[test]
fn settings_out_of_range_are_refused_with_what_is_wrong() {
    let bad = |s: Settings| s.checked().unwrap_err().to_string();
    let base = Settings::default();
    assert!(bad(Settings { noise: 1.5, ..base }).contains("between 0 and 1"));
    assert!(
        bad(Settings {
            noise: f64::NAN,
            ..base
        })
        .contains("noise")
    );
    assert!(
        bad(Settings {
            close_call: -0.1,
            ..base
        })
        .contains("close-call")
    );
    assert!(
        bad(Settings {
            samples: MAX_SAMPLES + 1,
            ..base
        })
        .contains("at most")
    );
    assert_eq!(base.checked(), Ok(base));
}

#[test]
fn a_time_limit_that_runs_out_makes_the_figures_approximate_never_wrong() {
    let kb = kb();
    let p = Problem::new(&kb, &line_up(&kb, TEAM));
    let m = model::build(&p);
    let solved = solve::solve(&p, &m, &Default::default()).unwrap();
    let opts = solve::Options {
        time_limit: Some(Duration::from_nanos(1)),
        ..Default::default()
    };
    let r = assess(&p, &m, &solved, &Settings::default(), &opts)
        .unwrap()
        .unwrap();
    assert!(r.approximate);
    assert!(r.solved < r.samples);
    for h in &r.roles {
        assert!(matches!(h.margin, Margin::Unknown | Margin::Points(_)));
        assert!((0.0..=1.0).contains(&h.stability));
    }
    assert!(words::summary(&r).contains("approximate"));
}

/// Found when the robustness work met the command-wide `--time-limit`: the assessment read only
/// a solve's own `time_limit`, so under a command's deadline it ran unbounded after the solve.
#[test]
fn a_command_deadline_that_has_passed_bounds_the_assessment_too() {
    let kb = kb();
    let p = Problem::new(&kb, &line_up(&kb, TEAM));
    let m = model::build(&p);
    let solved = solve::solve(&p, &m, &Default::default()).unwrap();
    let opts = solve::Options::until(Some(Instant::now()));
    let r = assess(&p, &m, &solved, &Settings::default(), &opts)
        .unwrap()
        .unwrap();
    assert!(r.approximate);
    assert_eq!(r.solved, 0);
    assert!(r.roles.iter().all(|h| matches!(h.margin, Margin::Unknown)));
}

#[test]
fn sampling_stops_once_every_role_is_clearly_above_or_below_the_threshold() {
    let kb = kb();
    // Each partner is the only one made for its role.
    let text = r#"Scenario(name: "t",
        needs: [
            Need(role: "policy_framework", importance: 4),
            Need(role: "research", importance: 3),
            Need(role: "community_outreach", importance: 3),
        ],
        partners: [
            Partner(id: "moh", name: "Ministry", sector: "government"),
            Partner(id: "uni", name: "University", sector: "academia"),
            Partner(id: "ngo", name: "NGO", sector: "civil_society"),
        ])"#;
    let p = Problem::new(&kb, &line_up(&kb, text));
    let settled = assess_problem(&p, &Settings::default());
    assert!(settled.roles.iter().all(|h| h.kept == settled.drawn));
    // Every role is kept in every sample: one batch settles them all.
    assert_eq!(settled.drawn, sample::BATCH);
    assert!(
        words::summary(&settled).contains("stopped once every role was clearly above or below 80%")
    );
    // A threshold of 1 can never be settled by a role kept everywhere: all samples are drawn.
    let strict = assess_problem(
        &p,
        &Settings {
            close_call: 1.0,
            ..Settings::default()
        },
    );
    assert_eq!(strict.drawn, DEFAULT_SAMPLES);
}

#[test]
fn the_default_assessment_stops_at_a_size_and_an_explicit_count_does_not() {
    let kb = kb();
    let p = Problem::new(&kb, &line_up(&kb, TEAM));
    let pairs = open_pairs(&p);
    assert!(
        pairs > 1 && pairs <= 12,
        "TEAM has at most 4 x 3 open pairs"
    );
    let m = model::build(&p);
    let solved = solve::solve(&p, &m, &Default::default()).expect("it solves");
    let at = |max_pairs| Settings {
        max_pairs,
        ..Settings::default()
    };

    let small = at(Some(pairs - 1));
    let why = skipped(&p, &small).expect("one pair over the limit is skipped");
    assert!(why.contains(&pairs.to_string()) && why.contains("--robustness-samples"));
    assert_eq!(
        assess(&p, &m, &solved, &small, &Default::default()).unwrap(),
        None
    );

    for settings in [at(Some(pairs)), at(None)] {
        assert_eq!(skipped(&p, &settings), None);
        assert!(
            assess(&p, &m, &solved, &settings, &Default::default())
                .unwrap()
                .is_some()
        );
    }
    assert_eq!(
        skipped(
            &p,
            &Settings {
                samples: 0,
                ..small
            }
        ),
        None
    );
}
