fn main() {
    let (kb, diags) = rolefit::kb::load(&rolefit::kb::default_sources());
    for d in &diags {
        eprintln!("{}", d.render(false));
    }
    if let Some(kb) = kb {
        println!("{} sectors, {} caps, {} roles, {} rules", kb.sectors.len(), kb.capabilities.len(), kb.roles.len(), kb.rules.len());
    }
}
