//! Save, as a property: whatever the room does (partners out, a newcomer in, capacities and
//! capabilities changed, roles kept out, pins), the variant Save writes, read back from the
//! file's text, gives exactly the line-up on the wall, and the file stays a valid scenario.

mod common;

use common::random::kb;
use proptest::prelude::*;
use rolefit::load::Document;
use rolefit::scenario::{LineUp, Partner, Scenario, WhatIf};
use rolefit::source::Source;
use rolefit::workshop::save::{same_line_up, variant_of, with_variant};

fn dakar_text() -> String {
    std::fs::read_to_string(common::dakar()).unwrap()
}

fn dakar() -> Scenario {
    let doc = Document::parse(Source::new("dakar.ron", dakar_text()));
    rolefit::validate_scenario(kb(), &doc).unwrap()
}

const PARTNERS: [&str; 9] = [
    "msas",
    "ville_dakar",
    "rm_dakar",
    "foundation",
    "relais",
    "cardio_society",
    "ucad",
    "teranga_health",
    "mobile_operator",
];

/// One what-if, by indices into the Dakar line-up and the catalogue (some do not apply to a
/// given state; those are skipped, as the page refuses them).
#[derive(Debug, Clone)]
enum Op {
    Without(usize),
    With,
    Capacity(usize, u32),
    Capability(usize, usize, u8),
    Forbid(usize, usize),
    Pin(usize, usize, bool),
    Want(usize, usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..9usize).prop_map(Op::Without),
        Just(Op::With),
        (0..9usize, 0..5u32).prop_map(|(p, c)| Op::Capacity(p, c)),
        (0..9usize, 0..60usize, 0..=20u8).prop_map(|(p, c, v)| Op::Capability(p, c, v)),
        (0..9usize, 0..15usize).prop_map(|(p, r)| Op::Forbid(p, r)),
        (0..9usize, 0..15usize, any::<bool>()).prop_map(|(p, r, l)| Op::Pin(p, r, l)),
        (0..9usize, 0..15usize, any::<bool>()).prop_map(|(p, r, w)| Op::Want(p, r, w)),
    ]
}

fn newcomer() -> Partner {
    let doc = Document::parse(Source::new(
        "new.ron",
        r#"Partner(id: "newco", name: "A newcomer \"NGO\"", sector: "civil_society", capacity: 1,
            capabilities: { "credibility": 0.7 }, attributes: ["donor_dependent"])"#,
    ));
    rolefit::scenario::load_partner(kb(), &doc).0.unwrap()
}

fn what_if(s: &Scenario, op: &Op) -> WhatIf {
    let kb = kb();
    let role = |r: usize| s.needs[r % s.needs.len()].role;
    let p = |i: usize| PARTNERS[i].to_string();
    match op {
        Op::Without(i) => WhatIf::Without(p(*i)),
        Op::With => WhatIf::With(Box::new(newcomer())),
        Op::Capacity(i, c) => WhatIf::Capacity {
            partner: p(*i),
            capacity: *c,
        },
        Op::Capability(i, c, v) => WhatIf::Capability {
            partner: p(*i),
            capability: rolefit::kb::CapIx((*c % kb.capabilities.len()) as u32),
            strength: f64::from(*v) / 20.0,
        },
        Op::Forbid(i, r) => WhatIf::Forbid {
            partner: p(*i),
            role: role(*r),
        },
        Op::Pin(i, r, lead) => WhatIf::Pin {
            partner: p(*i),
            role: role(*r),
            lead: *lead,
        },
        Op::Want(i, r, wanted) => WhatIf::Want {
            partner: p(*i),
            role: role(*r),
            wanted: *wanted,
        },
    }
}

/// The line-up after the ops that apply, and how many did.
fn play(s: &Scenario, ops: &[Op]) -> (LineUp, usize) {
    let mut l = s.base();
    let mut applied = 0;
    for op in ops {
        let mut next = l.clone();
        if next.apply(kb(), &what_if(s, op)).is_ok() {
            l = next;
            applied += 1;
        }
    }
    (l, applied)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_saved_variant_reads_back_to_the_line_up_on_the_wall(ops in proptest::collection::vec(op(), 0..12)) {
        let s = dakar();
        let (wall, _) = play(&s, &ops);
        let variant = match variant_of(kb(), &s, &wall, "from the room") {
            Ok(v) => v,
            // Only what the session refuses can make it fail: lifting a pin of the file.
            Err(e) => {
                prop_assert!(e.contains("cannot lift that pin"), "{e}");
                return Ok(());
            }
        };
        prop_assert!(same_line_up(&wall, &s.line_up(&variant)).is_ok());
        // Written into the file's text, it validates and reads back to the same line-up.
        let text = dakar_text();
        let doc = Document::parse(Source::new("dakar.ron", text.clone()));
        let root = doc.root.as_ref().unwrap();
        let saved = with_variant(&text, root, "from the room", |indent| {
            rolefit::scenario::write::variant(kb(), &variant, indent, &["a comment".into()])
        })
        .unwrap();
        let doc = Document::parse(Source::new("dakar.ron", saved.clone()));
        let (reread, diags) = rolefit::scenario::load_scenario(kb(), &doc);
        let reread = reread.unwrap_or_else(|| panic!("{saved}\n{diags:#?}"));
        let v = reread.variant("from the room").unwrap();
        let back = reread.line_up(v);
        if let Err(why) = same_line_up(&wall, &back) {
            panic!("{why}\n{saved}");
        }
        prop_assert_eq!(reread.variants.len(), s.variants.len() + 1);
    }
}

#[test]
fn a_pin_of_the_file_is_the_one_thing_a_variant_cannot_lift() {
    let s = dakar();
    let mut l = s.base();
    let policy = kb().role_by_id("policy_framework").unwrap();
    l.apply(
        kb(),
        &WhatIf::Unpin {
            partner: "msas".into(),
            role: policy,
        },
    )
    .unwrap();
    let e = variant_of(kb(), &s, &l, "x").unwrap_err();
    assert!(e.contains("cannot lift that pin"), "{e}");
}
