//! Close calls, and a first-order estimate of the input change that flips each: the margin
//! divided by what one capability is worth to the role (importance x the share of the role's
//! value that changes hands x how much the fit moves with the capability), for the holder (a
//! drop) or the runner-up (a rise).

use super::margin::MarginOut;
use super::{CloseCall, Flip, Held};
use crate::kb::CapIx;
use crate::model::Problem;

/// How far a capability is moved to measure how the fit follows it. Fits are linear in the
/// strengths today; a wide step keeps the estimate honest if they stop being so.
const STEP: f64 = 0.25;

/// The close calls among the held pairs (parallel to `held`, `roles` and `margins`), closest
/// first: least stable, then smallest margin, then role and partner.
pub(super) fn close_calls(
    p: &Problem,
    held: &[(usize, usize, bool)],
    roles: &[Held],
    margins: &[MarginOut],
    threshold: f64,
) -> Vec<CloseCall> {
    let mut out: Vec<CloseCall> = (0..held.len())
        .filter(|&k| roles[k].is_close(threshold))
        .map(|k| {
            let h = &roles[k];
            let (i, j, lead) = held[k];
            CloseCall {
                partner: h.partner.clone(),
                role: h.role.clone(),
                lead,
                tie: h.tie.is_some(),
                stability: h.stability,
                margin: h.margin,
                runner_up: h.runner_up.clone(),
                instead: h.instead.first().cloned(),
                flip: h
                    .margin
                    .points()
                    .and_then(|points| flip(p, (i, j), points.max(0.0), &margins[k])),
            }
        })
        .collect();
    out.sort_by(|x, y| {
        x.stability
            .total_cmp(&y.stability)
            .then_with(|| {
                let points = |c: &CloseCall| c.margin.points().unwrap_or(f64::INFINITY);
                points(x).total_cmp(&points(y))
            })
            .then_with(|| x.role.cmp(&y.role))
            .then_with(|| x.partner.cmp(&y.partner))
    });
    out
}

/// The single capability change, of the holder (a drop) or the runner-up (a rise), that closes
/// the margin to first order: the margin over what a unit of the capability is worth to the
/// role in the two line-ups. Of the changes within the strength's range, assumed values come
/// before stated ones (they are the uncertain inputs), then the capability that moves the fit
/// most (the smallest change), the holder before the runner-up, and capability order.
fn flip(p: &Problem, (i, j): (usize, usize), margin: f64, out: &MarginOut) -> Option<Flip> {
    // (stated, -slope, whose: 0 holder / 1 runner-up, capability, change)
    let mut best: Option<(bool, f64, usize, usize, f64)> = None;
    let who = std::iter::once((i, out.holder_per_fit))
        .chain(out.runner_up.map(|r| (r, out.runner_up_per_fit)));
    for (order, (k, per_fit)) in who.enumerate() {
        if per_fit <= 1e-9 {
            continue;
        }
        let partner = &p.partners[k];
        for c in 0..partner.strengths.len() {
            let cap = CapIx(c as u32);
            let slope = slope(p, k, j, cap);
            if slope <= 1e-9 {
                continue;
            }
            let change = margin / (per_fit * slope);
            // The holder's strength can only drop to 0, the runner-up's only rise to 1; a tie
            // needs some room all the same.
            let room = if order == 0 {
                partner.strength(cap)
            } else {
                1.0 - partner.strength(cap)
            };
            if room <= 1e-9 || change > room + 1e-9 {
                continue;
            }
            let candidate = (partner.is_stated(cap), -slope, order, c, change);
            let better = best.as_ref().is_none_or(|b| {
                (candidate.0, candidate.1, candidate.2, candidate.3)
                    .partial_cmp(&(b.0, b.1, b.2, b.3))
                    .is_some_and(|o| o.is_lt())
            });
            if better {
                best = Some(candidate);
            }
        }
    }
    let (stated, _, order, c, change) = best?;
    let k = if order == 0 { i } else { out.runner_up? };
    Some(Flip {
        partner: p.partners[k].id.clone(),
        capability: p.kb.capability(CapIx(c as u32)).id.clone(),
        stated,
        strength: p.partners[k].strength(CapIx(c as u32)),
        drop: order == 0,
        change,
        to: out.runner_up.map(|r| p.partners[r].id.clone()),
    })
}

/// How much partner `k`'s fit to need `j` moves per unit of capability `cap`.
fn slope(p: &Problem, k: usize, j: usize, cap: CapIx) -> f64 {
    let partner = &p.partners[k];
    let s = partner.strength(cap);
    let moved_to = if s <= 0.5 { s + STEP } else { s - STEP };
    let mut moved = partner.clone();
    moved.strengths[cap.index()] = moved_to;
    (moved.fit(p.kb, p.needs[j].role) - p.fit[k][j]) / (moved_to - s)
}
