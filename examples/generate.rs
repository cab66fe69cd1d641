//! Prints a random consortium: `cargo run --example generate -- PARTNERS ROLES SEED`.
fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (partners, roles, seed) = match args[..] {
        [p, r, s] => (p, r, s as u64),
        _ => (30, 18, 1),
    };
    let kb = rolefit::default_knowledge_base().expect("built-in rules are valid");
    print!(
        "{}",
        rolefit::generate::consortium(&kb, &rolefit::generate::Spec::new(partners, roles, seed))
    );
}
