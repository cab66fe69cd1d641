//! Writes a model in CPLEX LP format with readable names, for inspection or another solver.
//!
//! The tie-break term is left out: it only chooses among equally good line-ups, so another
//! solver reaches the same optimal objective.

use super::build::{Cmp, Milp, Origin, VarKind, VarName};
use super::{Problem, Subject};
use std::fmt::Write;

/// Wrap expressions past this many characters: some LP readers stop at 510 per line.
const LINE_WIDTH: usize = 200;
/// Names per line in the `Binaries` section.
const NAMES_PER_LINE: usize = 6;

// Names join their parts with `.`: ids are lower snake_case, so they may hold `_` but never
// `.`, and no two variables or rows share a name (with `_`, roles `community_outreach` and
// `outreach` of partners `ngo` and `ngo_community` were both `x_ngo_community_outreach`).
// CPLEX LP allows `.` in a name after its first character.

/// Names a variable: `x.moh.policy_framework`, `y....` (lead), `u.research`, `s.business`, ...
pub fn var_name(p: &Problem, name: VarName) -> String {
    match name {
        VarName::X(i, j) => format!("x.{}.{}", p.partners[i].id, p.role_id(j)),
        VarName::Y(i, j) => format!("y.{}.{}", p.partners[i].id, p.role_id(j)),
        VarName::U(j) => format!("u.{}", p.role_id(j)),
        VarName::S(k) => format!("s.{}", p.kb.sector(p.sectors_present[k]).id),
        VarName::Aux(n) => format!("e.{}", instance_name(p, n)),
    }
}

/// `rule.subject`, e.g. `implementer_evaluates_itself.ngo.research.service_delivery`.
pub fn instance_name(p: &Problem, n: usize) -> String {
    let inst = &p.instances[n];
    let rule = &p.kb.rule(inst.rule).id;
    let subject = match &inst.subject {
        Subject::Holds { partner, need, .. } | Subject::Unmet { partner, need } => {
            format!(".{}.{}", p.partners[*partner].id, p.role_id(*need))
        }
        Subject::Pair {
            partner,
            first,
            second,
        } => {
            format!(
                ".{}.{}.{}",
                p.partners[*partner].id,
                p.role_id(*first),
                p.role_id(*second)
            )
        }
        Subject::Load { partner, .. }
        | Subject::Unserved { partner }
        | Subject::Idle { partner }
        | Subject::Concentration { partner, .. } => {
            format!(".{}", p.partners[*partner].id)
        }
        Subject::Shared { need, .. } | Subject::Uncovered { need } => {
            format!(".{}", p.role_id(*need))
        }
        Subject::Diversity { .. } => String::new(),
    };
    format!("{rule}{subject}")
}

/// Names a row: `capacity.moh`, `cover_min.research`, `pin.moh.policy_framework`, ...
pub fn row_name(p: &Problem, origin: Origin) -> String {
    let pair = |i: usize, j: usize| format!("{}.{}", p.partners[i].id, p.role_id(j));
    match origin {
        Origin::Capacity(i) => format!("capacity.{}", p.partners[i].id),
        Origin::CoverMin(j) => format!("cover_min.{}", p.role_id(j)),
        Origin::CoverMax(j) => format!("cover_max.{}", p.role_id(j)),
        Origin::LeadOne(j) => format!("lead_one.{}", p.role_id(j)),
        Origin::LeadAny(j) => format!("lead_any.{}", p.role_id(j)),
        Origin::LeadHeld(i, j) => format!("lead_held.{}", pair(i, j)),
        Origin::Pin(k) => {
            let (i, j, _) = p.pins[k];
            format!("pin.{}", pair(i, j))
        }
        Origin::PinLead(k) => {
            let (i, j, _) = p.pins[k];
            format!("pin_lead.{}", pair(i, j))
        }
        Origin::Blocked(i, j) => format!("blocked.{}", pair(i, j)),
        Origin::Forbid(n) => format!("forbid.{}", instance_name(p, n)),
        Origin::Soft(n, k) => format!("link.{}.{k}", instance_name(p, n)),
        Origin::Envelope(n, k) => format!("envelope.{}.{k}", instance_name(p, n)),
        Origin::SectorLink(k) => format!("sector.{}", p.kb.sector(p.sectors_present[k]).id),
        Origin::MinSectors => "min_sectors".to_string(),
    }
}

fn number(v: f64) -> String {
    // Rounded to 12 significant decimals so float noise does not show up in the file.
    let r = (v * 1e12).round() / 1e12;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

fn expression(out: &mut String, p: &Problem, m: &Milp, terms: impl Iterator<Item = (usize, f64)>) {
    let mut written = 0;
    let mut line_start = out.rfind('\n').map_or(0, |i| i + 1);
    for (v, c) in terms {
        if c == 0.0 {
            continue;
        }
        let sign = if c < 0.0 { "-" } else { "+" };
        let name = var_name(p, m.vars[v].name);
        let term = if (c.abs() - 1.0).abs() < 1e-15 {
            format!(" {sign} {name}")
        } else {
            format!(" {sign} {} {name}", number(c.abs()))
        };
        if written > 0 && out.len() - line_start + term.len() > LINE_WIDTH {
            out.push_str("\n  ");
            line_start = out.len() - 2;
        }
        out.push_str(&term);
        written += 1;
    }
    if written == 0 {
        // An empty expression is written as zero times the first variable, which LP readers accept.
        let _ = write!(
            out,
            " 0 {}",
            m.vars
                .first()
                .map_or("x".to_string(), |v| var_name(p, v.name))
        );
    }
}

/// The model as CPLEX LP text.
pub fn write(p: &Problem, m: &Milp) -> String {
    let mut out = String::new();
    let variant = p
        .variant
        .as_deref()
        .map(|v| format!(", variant {v:?}"))
        .unwrap_or_default();
    let _ = writeln!(out, "\\ rolefit model of {:?}{variant}", p.scenario);
    let _ = writeln!(
        out,
        "\\ {} variables, {} constraints; the objective is rolefit's, without its tie-break term",
        m.vars.len(),
        m.rows.len()
    );
    out.push_str("Maximize\n obj:");
    expression(
        &mut out,
        p,
        m,
        m.vars.iter().enumerate().map(|(i, v)| (i, v.obj)),
    );
    out.push_str("\nSubject To\n");
    let mut seen = std::collections::HashMap::new();
    for row in &m.rows {
        let base = row_name(p, row.origin);
        let count = seen.entry(base.clone()).or_insert(0);
        let name = if *count == 0 {
            base.clone()
        } else {
            format!("{base}_{count}")
        };
        *count += 1;
        let _ = write!(out, " {name}:");
        expression(&mut out, p, m, row.terms.iter().copied());
        let cmp = match row.cmp {
            Cmp::Le => "<=",
            Cmp::Ge => ">=",
            Cmp::Eq => "=",
        };
        let _ = writeln!(out, " {cmp} {}", number(row.rhs));
    }
    out.push_str("Bounds\n");
    for v in m.vars.iter().filter(|v| v.kind == VarKind::Continuous) {
        let _ = writeln!(
            out,
            " {} <= {} <= {}",
            number(v.lb),
            var_name(p, v.name),
            number(v.ub)
        );
    }
    out.push_str("Binaries\n");
    let binaries: Vec<String> = m
        .vars
        .iter()
        .filter(|v| v.kind == VarKind::Binary)
        .map(|v| var_name(p, v.name))
        .collect();
    for chunk in binaries.chunks(NAMES_PER_LINE) {
        let _ = writeln!(out, " {}", chunk.join(" "));
    }
    out.push_str("End\n");
    out
}
