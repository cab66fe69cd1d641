//! Invariants over random scenarios, checked against a brute-force oracle.
//!
//! The oracle enumerates every line-up of a tiny scenario, keeps those that satisfy the hard
//! constraints (checked here, independently of the optimisation model), and scores them with
//! the problem's own evaluation. The solver must reach the same optimum and respect every hard
//! constraint; removing a partner never raises the optimum; adding capacity never lowers it;
//! the order of partners and needs in the file never changes the line-up; the same input
//! always renders to the same bytes; and a reported conflict is minimal.

mod common;

use common::random::{self, Odds, P, Vocabulary, kb, partner_ron};
use proptest::prelude::*;
use rolefit::load::Document;
use rolefit::model::{Assignment, Block, Problem, Subject, build};
use rolefit::report::{Format, Style};
use rolefit::scenario::LineUp;
use rolefit::solve::{Options, Status, solve};
use rolefit::source::Source;

/// Roles chosen so that every kind of rule (holding, pairs, loads, funding, review) can fire.
const ROLES: [&str; 10] = [
    "commercialisation",
    "independent_evaluation",
    "service_delivery",
    "community_outreach",
    "catalytic_funding",
    "public_financing",
    "policy_framework",
    "research",
    "solution_development",
    "convening",
];
static VOCABULARY: Vocabulary = Vocabulary {
    roles: &ROLES,
    caps: &[
        "community_access_and_outreach",
        "investment_and_funding",
        "research_excellence",
        "innovation_and_technology",
        "healthcare_infrastructure",
        "customer_centric_approach",
    ],
    attributes: &[
        "small_organisation",
        "low_partnering_capacity",
        "social_enterprise",
        "open_publication_policy",
    ],
};

#[derive(Debug, Clone)]
struct N {
    role: usize,
    importance: u32,
    min: u32,
    extra: u32,
}

#[derive(Debug, Clone)]
struct Case {
    partners: Vec<P>,
    needs: Vec<N>,
    pin: Option<(usize, usize)>,
    /// More pins (partner, need), for conflict tests.
    extra_pins: Vec<(usize, usize)>,
}

fn partner() -> impl Strategy<Value = P> {
    let odds = Odds {
        attribute: 0.5,
        refuses: 0.2,
        funds: 0.3,
    };
    random::partner(&VOCABULARY, 0..=3, odds)
}

fn case(max_partners: usize, max_needs: usize) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(partner(), 1..=max_partners),
        prop::sample::subsequence((0..ROLES.len()).collect::<Vec<_>>(), 1..=max_needs),
        prop::collection::vec((1u32..=5, 0u32..=1, 0u32..=1), max_needs),
        prop::option::weighted(0.3, (0usize..8, 0usize..8)),
    )
        .prop_map(|(partners, roles, shape, pin)| {
            let needs = roles
                .into_iter()
                .zip(shape)
                .map(|(role, (importance, min, extra))| N {
                    role,
                    importance,
                    min,
                    extra,
                })
                .collect::<Vec<_>>();
            let pin = pin.map(|(p, n)| (p % partners.len(), n % needs.len()));
            Case {
                partners,
                needs,
                pin,
                extra_pins: Vec::new(),
            }
        })
}

/// The case as scenario text, with partners and needs in the given orders.
fn ron(c: &Case, partner_order: &[usize], need_order: &[usize]) -> String {
    let mut s = String::from("Scenario(name: \"prop\", needs: [");
    for &j in need_order {
        let n = &c.needs[j];
        let max = (n.min + n.extra).max(1);
        s += &format!(
            "Need(role: {:?}, importance: {}, min: {}, max: {max}),",
            ROLES[n.role], n.importance, n.min
        );
    }
    s += "], partners: [";
    for &i in partner_order {
        s += &partner_ron(&VOCABULARY, &format!("p{i}"), &c.partners[i]);
    }
    s += "]";
    let mut pins: Vec<(usize, usize)> = c
        .pin
        .into_iter()
        .chain(c.extra_pins.iter().copied())
        .collect();
    pins.sort_unstable();
    pins.dedup();
    if !pins.is_empty() {
        s += ", pins: [";
        for (i, j) in pins {
            s += &format!(
                "Pin(partner: \"p{i}\", role: {:?}),",
                ROLES[c.needs[j].role]
            );
        }
        s += "]";
    }
    s + ")"
}

fn line_up(text: &str) -> Option<LineUp> {
    let doc = Document::parse(Source::new("prop.ron", text));
    rolefit::validate_scenario(kb(), &doc)
        .ok()
        .map(|s| s.base())
}

/// Whether an assignment satisfies every hard constraint, checked from the problem's data.
fn satisfies_hard_constraints(p: &Problem, a: &Assignment) -> bool {
    let (np, nn) = (p.partners.len(), p.needs.len());
    for i in 0..np {
        if a.roles_of(i).count() as u32 > p.partners[i].capacity {
            return false;
        }
        for j in 0..nn {
            if a.holds[i][j] && p.blocked[i][j].is_some() {
                return false;
            }
        }
    }
    for j in 0..nn {
        let count = a.count(j) as u32;
        if count > p.needs[j].max {
            return false;
        }
        match a.lead[j] {
            Some(l) if !a.holds[l][j] => return false,
            None if count > 0 => return false,
            _ => {}
        }
    }
    for &(i, j, lead) in &p.pins {
        if !a.holds[i][j] || (lead && a.lead[j] != Some(i)) {
            return false;
        }
    }
    if p.min_sectors >= 2 && (p.sectors_used(a) as u32) < p.min_sectors {
        return false;
    }
    // A forbidding rule never fires; an avoiding one only where the facilitator's pins ask for
    // it (blocked pairs are checked above).
    p.instances.iter().all(|inst| {
        let effect = &p.kb.rule(inst.rule).effect;
        let pinned = match inst.subject {
            Subject::Pair {
                partner,
                first,
                second,
            } => p.is_pinned(partner, first) && p.is_pinned(partner, second),
            Subject::Holds {
                partner,
                need,
                lead: true,
            } => p.is_pinned_lead(partner, need),
            _ => true,
        };
        let hard = effect.is_forbid() || (effect.is_avoid() && !pinned);
        !hard || p.amount(inst, a) == 0.0
    })
}

/// Every line-up of a tiny problem: each partner in or out of each need, then each lead.
fn best_by_enumeration(p: &Problem) -> Option<f64> {
    let (np, nn) = (p.partners.len(), p.needs.len());
    let cells = np * nn;
    let mut best: Option<f64> = None;
    for mask in 0u32..(1 << cells) {
        let mut a = Assignment::empty(np, nn);
        for i in 0..np {
            for j in 0..nn {
                a.holds[i][j] = mask & (1 << (i * nn + j)) != 0;
            }
        }
        // Leads: every choice among each need's holders.
        let holders: Vec<Vec<usize>> = (0..nn)
            .map(|j| (0..np).filter(|&i| a.holds[i][j]).collect())
            .collect();
        let mut choice = vec![0usize; nn];
        loop {
            for j in 0..nn {
                a.lead[j] = holders[j].get(choice[j]).copied();
            }
            if satisfies_hard_constraints(p, &a) {
                let v = p.objective(&a);
                if best.is_none_or(|b| v > b) {
                    best = Some(v);
                }
            }
            // Next lead combination.
            let mut j = 0;
            while j < nn {
                choice[j] += 1;
                if choice[j] < holders[j].len().max(1) {
                    break;
                }
                choice[j] = 0;
                j += 1;
            }
            if j == nn {
                break;
            }
        }
    }
    best
}

fn solved(p: &Problem) -> (Status, Option<Assignment>) {
    let m = build(p);
    let s = solve(p, &m, &Options::default()).expect("the solver runs");
    (s.status, s.assignment)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// The solver's optimum equals the best line-up found by enumeration, and infeasibility
    /// is reported exactly when no line-up satisfies the hard constraints.
    #[test]
    fn optimum_matches_brute_force(c in case(3, 4)) {
        let Some(l) = line_up(&ron(&c, &(0..c.partners.len()).collect::<Vec<_>>(), &(0..c.needs.len()).collect::<Vec<_>>())) else {
            return Ok(());
        };
        let p = Problem::new(kb(), &l);
        let oracle = best_by_enumeration(&p);
        let (status, a) = solved(&p);
        match oracle {
            None => prop_assert_eq!(status, Status::Infeasible),
            Some(best) => {
                prop_assert_eq!(status, Status::Optimal);
                let a = a.expect("an optimal status has a line-up");
                prop_assert!(satisfies_hard_constraints(&p, &a), "solution breaks a hard constraint: {a:?}");
                let got = p.objective(&a);
                prop_assert!((got - best).abs() < 1e-6, "solver {got} vs enumeration {best}");
            }
        }
    }

    /// On larger random scenarios every solution honours capacity, max per need, pins,
    /// refusals, forbidding rules and conflicting pairs.
    #[test]
    fn every_solution_honours_hard_constraints(c in case(8, 8)) {
        let order: Vec<usize> = (0..c.partners.len()).collect();
        let Some(l) = line_up(&ron(&c, &order, &(0..c.needs.len()).collect::<Vec<_>>())) else {
            return Ok(());
        };
        let p = Problem::new(kb(), &l);
        if let (Status::Optimal, Some(a)) = solved(&p) {
            prop_assert!(satisfies_hard_constraints(&p, &a));
            for i in 0..p.partners.len() {
                for j in 0..p.needs.len() {
                    if let Some(Block::Forbidden(_) | Block::Refused) = p.blocked[i][j] {
                        prop_assert!(!a.holds[i][j]);
                    }
                }
            }
            for inst in &p.instances {
                if p.kb.rule(inst.rule).effect.is_forbid() {
                    prop_assert_eq!(p.amount(inst, &a), 0.0, "forbidding rule {} is active", p.kb.rule(inst.rule).id);
                }
            }
        }
    }

    /// Reordering partners and needs in the file changes nothing but presentation.
    #[test]
    fn file_order_does_not_change_the_line_up(c in case(6, 6), seed in any::<u64>()) {
        let n = c.partners.len();
        let m = c.needs.len();
        let forward: Vec<usize> = (0..n).collect();
        let mut shuffled: Vec<usize> = forward.clone();
        let mut needs_rev: Vec<usize> = (0..m).collect();
        shuffled.rotate_left((seed as usize) % n.max(1));
        needs_rev.reverse();
        let (Some(a), Some(b)) = (
            line_up(&ron(&c, &forward, &(0..m).collect::<Vec<_>>())),
            line_up(&ron(&c, &shuffled, &needs_rev)),
        ) else {
            return Ok(());
        };
        let opts = Options::default();
        let oa = rolefit::solve_line_up(kb(), &a, &opts).expect("solves");
        let ob = rolefit::solve_line_up(kb(), &b, &opts).expect("solves");
        let pairs = |o: &rolefit::explain::Outcome| -> Vec<(String, String, bool)> {
            o.assignments.iter().map(|x| (x.role.clone(), x.partner.clone(), x.lead)).collect()
        };
        prop_assert_eq!(pairs(&oa), pairs(&ob));
        prop_assert_eq!(oa.status, ob.status);
    }

    /// The same input gives byte-identical output in every format; any reordering of partners
    /// and needs in the file gives the same report except the order of presentation it
    /// specifies (the partner list and the matrix follow the file).
    #[test]
    fn same_input_same_bytes_and_file_order_only_changes_presentation(
        (c, partner_perm, need_perm) in case(6, 6).prop_flat_map(|c| {
            let (n, m) = (c.partners.len(), c.needs.len());
            (
                Just(c),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
                Just((0..m).collect::<Vec<_>>()).prop_shuffle(),
            )
        })
    ) {
        let forward = ron(&c, &(0..c.partners.len()).collect::<Vec<_>>(), &(0..c.needs.len()).collect::<Vec<_>>());
        let shuffled = ron(&c, &partner_perm, &need_perm);
        let (Some(a), Some(b)) = (line_up(&forward), line_up(&shuffled)) else {
            return Ok(());
        };
        let opts = Options::default();
        let render = |l: &LineUp| -> Vec<String> {
            let o = rolefit::solve_line_up(kb(), l, &opts).expect("solves");
            [Format::Text, Format::Json, Format::Markdown]
                .into_iter()
                .map(|f| rolefit::report::render(&o, f, Style::default()))
                .collect()
        };
        let first = render(&a);
        let again = render(&line_up(&forward).expect("valid the second time too"));
        prop_assert_eq!(&first, &again, "the same input rendered differently");
        let other = render(&b);
        let json = |text: &str| -> serde_json::Value { serde_json::from_str(text).expect("JSON report") };
        let (x, y) = (json(&first[1]), json(&other[1]));
        for key in ["status", "objective", "objective_breakdown", "coverage", "assignments", "uncovered", "flags", "avoided", "conflict", "notes"] {
            prop_assert_eq!(&x[key], &y[key], "`{}` changed with the file order", key);
        }
        let ids = |v: &serde_json::Value| -> Vec<String> {
            let mut ids: Vec<String> = v["partners"].as_array().expect("partners").iter()
                .map(|p| p["id"].as_str().expect("id").to_string()).collect();
            ids.sort();
            ids
        };
        prop_assert_eq!(ids(&x), ids(&y));
    }

    /// An infeasible line-up's conflict is irreducible: its demands cannot all hold, and
    /// dropping any one of them leaves a model with a line-up.
    #[test]
    fn a_reported_conflict_is_minimal(c in case(5, 5)) {
        let order: Vec<usize> = (0..c.partners.len()).collect();
        let Some(l) = line_up(&ron(&c, &order, &(0..c.needs.len()).collect::<Vec<_>>())) else {
            return Ok(());
        };
        let p = Problem::new(kb(), &l);
        let m = build(&p);
        let s = solve(&p, &m, &Options::default()).expect("the solver runs");
        if s.status != Status::Infeasible {
            return Ok(());
        }
        prop_assert!(s.conflict_minimal);
        prop_assert!(!s.conflict.is_empty());
        let only = |keep: &dyn Fn(&rolefit::model::Origin) -> bool| {
            let mut sub = m.clone();
            sub.rows.retain(|r| !r.origin.is_demand() || keep(&r.origin));
            solve(&p, &sub, &Options::default()).expect("the solver runs").status
        };
        prop_assert_eq!(only(&|o| s.conflict.contains(o)), Status::Infeasible);
        for dropped in &s.conflict {
            prop_assert_ne!(
                only(&|o| s.conflict.contains(o) && o != dropped),
                Status::Infeasible,
                "the conflict holds without {:?}", dropped
            );
        }
    }

    /// Removing a partner never raises the optimum; raising a capacity never lowers it.
    ///
    /// Both hold while the hard minimum of sectors stays the same: that minimum is capped at
    /// the sectors that can take part, so a change that adds or removes the only able partner
    /// of a sector changes the constraints themselves, not just the line-up.
    #[test]
    fn fewer_partners_never_help_and_more_capacity_never_hurts(c in case(5, 5), who in any::<prop::sample::Index>()) {
        // Pins would make removal change the constraints themselves; this property is about line-ups.
        let c = Case { pin: None, ..c };
        let all: Vec<usize> = (0..c.partners.len()).collect();
        let needs: Vec<usize> = (0..c.needs.len()).collect();
        let Some(base) = line_up(&ron(&c, &all, &needs)) else { return Ok(()) };
        let full = Problem::new(kb(), &base);
        let (status, a) = solved(&full);
        prop_assume!(status == Status::Optimal);
        let best = full.objective(&a.expect("optimal has a line-up"));
        let optimum = |l: &LineUp| -> Option<(u32, f64)> {
            let p = Problem::new(kb(), l);
            let (status, a) = solved(&p);
            (status == Status::Optimal).then(|| (p.min_sectors, p.objective(&a.expect("optimal has a line-up"))))
        };
        let gone = who.index(c.partners.len());
        if c.partners.len() > 1 {
            let fewer: Vec<usize> = all.iter().copied().filter(|&i| i != gone).collect();
            if let Some((min, v)) = line_up(&ron(&c, &fewer, &needs)).and_then(|l| optimum(&l))
                && min == full.min_sectors
            {
                prop_assert!(v <= best + 1e-6, "without p{gone}: {v} > {best}");
            }
        }
        let mut more = c.clone();
        more.partners[gone].capacity += 1;
        if let Some(l) = line_up(&ron(&more, &all, &needs)) {
            let p = Problem::new(kb(), &l);
            if p.min_sectors == full.min_sectors {
                let (min, v) = optimum(&l).expect("more capacity keeps a line-up feasible");
                prop_assert_eq!(min, full.min_sectors);
                prop_assert!(v >= best - 1e-6, "more capacity for p{gone}: {v} < {best}");
            }
        }
    }
}

/// Cases with several pins, so that pins, capacities, forbidding rules and the sector minimum
/// often contradict each other.
fn pinned_case() -> impl Strategy<Value = Case> {
    (
        case(4, 5),
        prop::collection::vec((0usize..8, 0usize..8), 1..4),
    )
        .prop_map(|(mut c, pins)| {
            c.extra_pins = pins
                .into_iter()
                .map(|(p, n)| (p % c.partners.len(), n % c.needs.len()))
                .collect();
            c
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, .. ProptestConfig::default() })]

    /// The conflict reported for an infeasible line-up is minimal: its demands cannot hold
    /// together, and without any one of them the others can.
    #[test]
    fn reported_conflicts_are_minimal(c in pinned_case()) {
        let Some(l) = line_up(&ron(&c, &(0..c.partners.len()).collect::<Vec<_>>(), &(0..c.needs.len()).collect::<Vec<_>>())) else {
            return Ok(());
        };
        let p = Problem::new(kb(), &l);
        let m = build(&p);
        let s = solve(&p, &m, &Options::default()).expect("the solver runs");
        prop_assume!(s.status == Status::Infeasible);
        prop_assert!(!s.conflict.is_empty(), "an infeasible line-up names its conflict");
        let backend = rolefit::solve::Backend::Microlp;
        prop_assert!(!rolefit::solve::is_feasible(&m, &|r| s.conflict.contains(&r.origin), backend), "the set is a contradiction");
        for &left_out in &s.conflict {
            prop_assert!(
                rolefit::solve::is_feasible(&m, &|r| r.origin != left_out && s.conflict.contains(&r.origin), backend),
                "without {left_out:?} the rest of the conflict holds"
            );
        }
        // Every relaxation that reports a line-up really has one.
        for (demand, objective) in &s.relaxations {
            let relaxed = rolefit::solve::relaxed(&m, *demand);
            prop_assert_eq!(objective.is_some(), rolefit::solve::is_feasible(&relaxed, &|_| true, backend));
        }
    }
}
