//! A problem restricted to a coalition of its partners, without matching the rules again.
//!
//! Valuing every coalition of a consortium (Shapley values, leave-one-out, counterfactuals)
//! solves the same line-up thousands of times with partners left out. Matching the rules is
//! the costly part of [`Problem::new`], and nothing a rule matches depends on who else is at
//! the table except three things, which are recomputed here: `Shared` instances (the matching
//! partners present), the sectors that can take part (and so the capped minimum of sectors),
//! and the pins (a partner's pins leave with it). Everything else is filtered and re-indexed.
//! The exceptions are a grantee whose funder leaves (the `Grantee` test) and a coalition whose
//! money differs where rules read it (a funder leaves with money no other commitment replaces,
//! a co-financing commitment falls with the one it depends on): then the problem is built
//! again from the smaller line-up, which is correct by construction.
//! The result is equal, field by field, to `Problem::new` on the line-up without those partners
//! (followed by [`Problem::tighten`] when this problem was tightened).

use super::{Instance, Problem, Subject};

impl<'k> Problem<'k> {
    /// The problem of the partners with `keep[i]` (canonical order) only: what `Problem::new`
    /// gives for the line-up without the others.
    ///
    /// # Panics
    /// When `keep` does not have one entry per partner (a programming error).
    pub fn restrict(&self, keep: &[bool]) -> Problem<'k> {
        assert_eq!(keep.len(), self.partners.len(), "one flag per partner");
        if self.funder_leaves(keep) {
            return self.rebuilt(keep);
        }
        let partners = kept_rows(&self.partners, keep);
        let money = super::money::Money::new(
            self.kb,
            &self.money.finance,
            &self.money.written,
            &partners,
            &self.needs,
        );
        if !self.money.same_for(keep, &money) {
            return self.rebuilt(keep);
        }
        // canonical index -> index among the kept partners
        let mut new_index = vec![None; keep.len()];
        let mut next = 0;
        for (i, &k) in keep.iter().enumerate() {
            if k {
                new_index[i] = Some(next);
                next += 1;
            }
        }
        let kept = |i: usize| new_index[i];
        let mut pins = Vec::new();
        let mut pin_specs = Vec::new();
        for (&(i, j, lead), spec) in self.pins.iter().zip(&self.pin_specs) {
            if let Some(n) = kept(i) {
                pins.push((n, j, lead));
                pin_specs.push(spec.clone());
            }
        }
        let mut instances = Vec::with_capacity(self.instances.len());
        let mut envelopes = Vec::with_capacity(self.envelopes.len());
        for (n, inst) in self.instances.iter().enumerate() {
            if let Some(subject) = restrict_subject(&inst.subject, &kept, &self.needs) {
                instances.push(Instance {
                    rule: inst.rule,
                    subject,
                });
                // A partner's envelope rows are about its own roles only: they stay as they are.
                if let Some(rows) = self.envelopes.get(n) {
                    envelopes.push(rows.clone());
                }
            }
        }
        // `partner_order[file] = canonical`: walk the file order, skipping those left out.
        let partner_order = self
            .partner_order
            .iter()
            .filter_map(|&canon| kept(canon))
            .collect();
        let mut problem = Problem {
            kb: self.kb,
            scenario: self.scenario.clone(),
            variant: self.variant.clone(),
            partners,
            needs: self.needs.clone(),
            pins,
            pin_specs,
            fit: kept_rows(&self.fit, keep),
            blocked: kept_rows(&self.blocked, keep),
            serves: kept_rows(&self.serves, keep),
            instances,
            envelopes,
            sectors_present: Vec::new(),
            min_sectors: 0,
            sectors_requested: self.sectors_requested,
            partner_order,
            need_order: self.need_order.clone(),
            money,
            notes: self.notes_of_line_up(),
        };
        problem.require_sectors();
        problem
    }
}

impl<'k> Problem<'k> {
    /// Whether a kept partner is funded by a partner left out: what its rules match changes.
    fn funder_leaves(&self, keep: &[bool]) -> bool {
        self.partners.iter().zip(keep).any(|(p, &k)| {
            k && p.funded_by.iter().any(|f| {
                self.partners
                    .iter()
                    .zip(keep)
                    .any(|(q, &kq)| !kq && &q.id == f)
            })
        })
    }

    /// The notes of the line-up, without the one this problem adds about its sectors (a
    /// smaller line-up says its own).
    fn notes_of_line_up(&self) -> Vec<String> {
        let own_note = self.sectors_note();
        self.notes
            .iter()
            .filter(|n| own_note.as_ref() != Some(*n))
            .cloned()
            .collect()
    }

    /// The problem of the kept partners, built again from their line-up.
    fn rebuilt(&self, keep: &[bool]) -> Problem<'k> {
        let line_up = crate::scenario::LineUp {
            scenario: self.scenario.clone(),
            variant: self.variant.clone(),
            // Both in file order, so the new problem keeps the presentation order too.
            needs: self
                .need_order
                .iter()
                .map(|&j| self.needs[j].clone())
                .collect(),
            partners: self
                .partner_order
                .iter()
                .filter(|&&i| keep[i])
                .map(|&i| self.partners[i].clone())
                .collect(),
            pins: self
                .pins
                .iter()
                .zip(&self.pin_specs)
                .filter(|((i, _, _), _)| keep[*i])
                .map(|(_, spec)| spec.clone())
                .collect(),
            min_sectors: Some(self.sectors_requested),
            finance: self.money.finance.clone(),
            commitments: self.money.written.clone(),
            notes: self.notes_of_line_up(),
        };
        let mut problem = Problem::new(self.kb, &line_up);
        if !self.envelopes.is_empty() {
            problem.tighten();
        }
        problem
    }
}

/// The entries of the kept partners, in order.
fn kept_rows<T: Clone>(rows: &[T], keep: &[bool]) -> Vec<T> {
    rows.iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(r, _)| r.clone())
        .collect()
}

/// The subject re-indexed to the kept partners, or `None` when it concerns a partner left out
/// (or, for `Shared`, when too few matching partners remain for the rule to apply).
fn restrict_subject(
    subject: &Subject,
    kept: &dyn Fn(usize) -> Option<usize>,
    needs: &[crate::scenario::Need],
) -> Option<Subject> {
    Some(match subject {
        Subject::Holds {
            partner,
            need,
            lead,
        } => Subject::Holds {
            partner: kept(*partner)?,
            need: *need,
            lead: *lead,
        },
        Subject::Pair {
            partner,
            first,
            second,
        } => Subject::Pair {
            partner: kept(*partner)?,
            first: *first,
            second: *second,
        },
        Subject::Load {
            partner,
            limit,
            by_effort,
        } => Subject::Load {
            partner: kept(*partner)?,
            limit: *limit,
            by_effort: *by_effort,
        },
        Subject::Unserved { partner } => Subject::Unserved {
            partner: kept(*partner)?,
        },
        Subject::Idle { partner } => Subject::Idle {
            partner: kept(*partner)?,
        },
        Subject::Unmet { partner, need } => Subject::Unmet {
            partner: kept(*partner)?,
            need: *need,
        },
        Subject::Shared {
            need,
            partners,
            at_least,
        } => {
            let partners: Vec<usize> = partners.iter().filter_map(|&i| kept(i)).collect();
            // The same test `Problem::new` applies when it matches the rule.
            if partners.len() < *at_least as usize || needs[*need].max < *at_least {
                return None;
            }
            Subject::Shared {
                need: *need,
                partners,
                at_least: *at_least,
            }
        }
        Subject::Concentration { partner, limit } => Subject::Concentration {
            partner: kept(*partner)?,
            limit: *limit,
        },
        Subject::Diversity { below } => Subject::Diversity { below: *below },
        Subject::Uncovered { need } => Subject::Uncovered { need: *need },
    })
}
