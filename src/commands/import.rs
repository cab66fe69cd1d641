//! `rolefit import`: a partner spreadsheet becomes a scenario file.

use super::usage::UsageError;
use super::{EXIT_OK, deliver, knowledge};
use crate::cli::ImportArgs;
use rolefit::Error;
use rolefit::diag::Diagnostics;
use rolefit::kb::KnowledgeBase;
use rolefit::scenario::Need;

/// `role=importance,...`, or every role of the catalogue at importance 3.
fn needs(kb: &KnowledgeBase, spec: Option<&str>) -> Result<Vec<Need>, Error> {
    let need = |role, importance| Need {
        role,
        importance,
        min: 1,
        max: 1,
        budget: Vec::new(),
    };
    let Some(spec) = spec else {
        return Ok((0..kb.roles.len())
            .map(|r| need(rolefit::kb::RoleIx(r as u32), 3))
            .collect());
    };
    let mut out: Vec<Need> = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (role, importance) = item.split_once('=').unwrap_or((item, "3"));
        let r = kb
            .role_by_id(role.trim())
            .ok_or_else(|| Error::UnknownRole {
                context: "--needs".to_string(),
                role: role.trim().to_string(),
                suggestion: rolefit::DidYouMean::among(
                    role.trim(),
                    kb.roles.iter().map(|r| r.id.as_str()),
                ),
            })?;
        let importance: u32 = importance
            .trim()
            .parse()
            .ok()
            .filter(|i| (1..=5).contains(i))
            .ok_or_else(|| {
                Error::from(UsageError::Importance {
                    role: role.trim().to_string(),
                    given: importance.to_string(),
                })
            })?;
        if out.iter().any(|n| n.role == r) {
            return Err(UsageError::ListedTwice(role.trim().to_string()).into());
        }
        out.push(need(r, importance));
    }
    if out.is_empty() {
        return Err(UsageError::NoNeeds.into());
    }
    Ok(out)
}

/// The name of the scenario `import` writes: `--name`, which must be a text a scenario file
/// accepts (`valid::text`), or the sheet's file name with what a text may not hold (a file
/// name may hold any character but `/`) made spaces.
fn scenario_name(args: &ImportArgs) -> Result<String, Error> {
    if let Some(name) = &args.name {
        if let Some(problem) = rolefit::valid::text(name).or_else(|| {
            name.trim()
                .is_empty()
                .then(|| "the scenario name must not be empty".to_string())
        }) {
            return Err(UsageError::Name(problem).into());
        }
        return Ok(name.clone());
    }
    let stem: String = args
        .sheet
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_control() || rolefit::terminal::is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    Ok(if stem.trim().is_empty() {
        "Imported partners".to_string()
    } else {
        stem.trim().to_string()
    })
}

pub fn run(args: &ImportArgs) -> Result<u8, Error> {
    let kb = knowledge(&args.rules)?;
    let needs = needs(&kb, args.needs.as_deref())?;
    let table = rolefit::load::read_table(&args.sheet)?;
    let partners = match rolefit::sheet::partners(&kb, &table, rolefit::sheet::Funders::InTheSheet)
    {
        (Some(p), warnings) => {
            super::show_warnings(&warnings);
            p
        }
        (None, diags) => return Err(Error::Invalid(Diagnostics(diags))),
    };
    let name = scenario_name(args)?;
    let text = rolefit::sheet::scenario_ron(&kb, &name, &table.name, &needs, &partners);
    deliver(args.output.as_deref(), &text)?;
    Ok(EXIT_OK)
}
