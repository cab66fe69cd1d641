//! Prints a random consortium: `cargo run --example generate -- PARTNERS ROLES SEED [RULES]`.
//! RULES is a directory or file of extra rule files (as `--rules`), e.g. the 90-role catalogue
//! `benches/fixtures/roles90/roles.ron`, so ROLES can go past the shipped 18.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let (partners, roles, seed) = match numbers[..] {
        [p, r, s, ..] => (p, r, s as u64),
        _ => (30, 18, 1),
    };
    let kb = match args.get(3) {
        Some(rules) => rolefit::inputs::rule_documents(Some(rules.as_ref()), false)
            .and_then(rolefit::knowledge_base),
        None => rolefit::default_knowledge_base(),
    }
    .expect("the rules are valid");
    print!(
        "{}",
        rolefit::generate::consortium(&kb, &rolefit::generate::Spec::new(partners, roles, seed))
    );
}
