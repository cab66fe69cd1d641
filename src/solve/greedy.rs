//! A quick constructive line-up that seeds the solver with an incumbent.
//!
//! With a good incumbent the branch and bound prunes early, and a time limit always has a
//! line-up to return. The greedy result is only used when it satisfies every row of the model.

use crate::model::{Assignment, Milp, Problem, Subject, values_for};

/// The local gain of each partner taking each need as its lead: value plus holding rules.
fn gains(p: &Problem) -> Vec<Vec<f64>> {
    let mut g: Vec<Vec<f64>> = (0..p.partners.len())
        .map(|i| {
            (0..p.needs.len())
                .map(|j| p.importance(j) * p.fit[i][j])
                .collect()
        })
        .collect();
    for inst in &p.instances {
        if let Subject::Holds {
            partner,
            need,
            lead: false,
        } = inst.subject
        {
            g[partner][need] += p.weight(inst);
        }
    }
    g
}

/// A greedy line-up and the model's values for it, if it satisfies every row of the model.
pub fn warm_start(p: &Problem, m: &Milp) -> Option<(Assignment, Vec<f64>)> {
    let (np, nn) = (p.partners.len(), p.needs.len());
    let mut a = Assignment::empty(np, nn);
    for &(i, j, lead) in &p.pins {
        a.holds[i][j] = true;
        if lead {
            a.lead[j] = Some(i);
        }
    }
    let gain = gains(p);
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for i in 0..np {
        for j in 0..nn {
            if m.x[i][j].is_some() && !a.holds[i][j] {
                candidates.push((gain[i][j], i, j));
            }
        }
    }
    // Best gain first; ties by need then partner, so the seed is deterministic.
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.2.cmp(&y.2)).then(x.1.cmp(&y.1)));
    let mut load: Vec<u32> = (0..np).map(|i| a.roles_of(i).count() as u32).collect();
    for &(g, i, j) in &candidates {
        let count = a.count(j) as u32;
        let need = &p.needs[j];
        let worth = g > 0.0 || count < need.min;
        if worth && count < need.max && load[i] < p.partners[i].capacity {
            a.holds[i][j] = true;
            load[i] += 1;
        }
    }
    add_missing_sectors(p, m, &mut a, &gain, &mut load);
    for j in 0..nn {
        if a.lead[j].is_none() {
            a.lead[j] = (0..np)
                .filter(|&i| a.holds[i][j])
                .max_by(|&x, &y| p.fit[x][j].total_cmp(&p.fit[y][j]).then(y.cmp(&x)));
        }
    }
    let values = values_for(p, m, &a);
    match m.violation(&values) {
        None => Some((a, values)),
        Some(broken) => {
            let what = match broken {
                Ok(r) => crate::model::lp::row_name(p, m.rows[r].origin),
                Err(v) => crate::model::lp::var_name(p, m.vars[v].name),
            };
            tracing::debug!(%what, "the greedy line-up breaks the model; no warm start");
            None
        }
    }
}

/// Brings sectors without a role into the line-up, each through its best open pair, until the
/// minimum of sectors is met (or no open pair is left).
fn add_missing_sectors(
    p: &Problem,
    m: &Milp,
    a: &mut Assignment,
    gain: &[Vec<f64>],
    load: &mut [u32],
) {
    let (np, nn) = (p.partners.len(), p.needs.len());
    while (p.sectors_used(a) as u32) < p.min_sectors {
        let used: Vec<_> = (0..np)
            .filter(|&i| a.roles_of(i).next().is_some())
            .map(|i| p.partners[i].sector)
            .collect();
        let best = (0..np)
            .filter(|&i| !used.contains(&p.partners[i].sector) && load[i] < p.partners[i].capacity)
            .flat_map(|i| (0..nn).map(move |j| (i, j)))
            .filter(|&(i, j)| m.x[i][j].is_some() && (a.count(j) as u32) < p.needs[j].max)
            .max_by(|&(i, j), &(k, l)| gain[i][j].total_cmp(&gain[k][l]).then((k, l).cmp(&(i, j))));
        let Some((i, j)) = best else { return };
        a.holds[i][j] = true;
        load[i] += 1;
    }
}
