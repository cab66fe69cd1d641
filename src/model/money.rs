//! The money of a line-up: which commitments hold, which roles need money, and where committed
//! money can go.
//!
//! These are facts of the line-up, settled before the optimisation: who is at the table decides
//! which commitments hold (a funder that left takes its money, a co-financing commitment falls
//! with the one it depends on), and each commitment's conditions decide which holders its
//! money can reach. Rules read them through the `NeedsMoney`, `Financed`, `MoneyReaches`,
//! `Funds` and `Funder` tests, so the objective, the flags and the LP file all see the same
//! money. Amounts do not enter the optimisation: a role is financed or not; how much, phase by
//! phase, is the account `explain` draws up for the chosen line-up.

use crate::kb::KnowledgeBase;
use crate::scenario::{Commitment, Finance, Need, Partner};

/// Money facts of a problem, indexed like its partners (canonical order) and needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The scenario's money frame: its currency and phases.
    pub finance: Finance,
    /// The commitments written as `Commitment(...)`, as the line-up had them (a restricted
    /// problem is rebuilt from them).
    pub written: Vec<Commitment>,
    /// Every commitment (written, and each partner's `funds` entries), sorted by id.
    pub flows: Vec<Flow>,
    /// `needs_money[j]`: need `j` needs money ([`crate::kb::Test::NeedsMoney`]): it has a
    /// budget, or it is a money role the scenario speaks of money for.
    pub needs_money: Vec<bool>,
    /// `financed[j]`: a commitment that holds puts money into need `j`.
    pub financed: Vec<bool>,
    /// `reaches[i][j]`: money committed to need `j` can go to partner `i` holding it.
    pub reaches: Vec<Vec<bool>>,
    /// `funds[i][j]`: partner `i` puts money into need `j` by a commitment that holds.
    pub funds: Vec<Vec<bool>>,
    /// `funder[i]`: partner `i` puts money into the programme by a commitment that holds.
    pub funder: Vec<bool>,
}

/// One commitment in a line-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The commitment as written (or made from a `funds` entry).
    pub commitment: Commitment,
    /// The funder among the problem's partners, if it is at the table.
    pub partner: Option<usize>,
    /// The need the money goes to, if the line-up needs the role.
    pub need: Option<usize>,
    /// Whether it holds in this line-up, and if not, why.
    pub state: FlowState,
}

impl Flow {
    /// Whether the commitment holds in this line-up (its money counts).
    pub fn holds(&self) -> bool {
        self.state == FlowState::Holds
    }
}

/// Whether a commitment holds in a line-up, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowState {
    /// Its funder, any channel and the commitments it depends on are all there.
    Holds,
    /// The funder is not at the table.
    FunderAbsent,
    /// The partner the money flows through is not at the table.
    ChannelAbsent(String),
    /// A commitment it depends on (`only_if`, by id) does not hold or was withdrawn.
    ConditionUnmet(String),
}

impl Money {
    /// The money facts of partners and needs (both in the problem's canonical order).
    pub fn new(
        kb: &KnowledgeBase,
        finance: &Finance,
        written: &[Commitment],
        partners: &[Partner],
        needs: &[Need],
    ) -> Money {
        let mut all = crate::scenario::all_commitments(kb, written, partners);
        all.sort_by(|a, b| a.id.cmp(&b.id));
        // A funder's attributes may bar its money from some sectors (its statutes): every
        // commitment of it carries the condition.
        for c in &mut all {
            let Some(p) = partners.iter().find(|p| p.id == c.funder) else {
                continue;
            };
            for a in &p.attributes {
                for &s in &kb.attributes[a.index()].never_to {
                    if !c.never_to.contains(&s) {
                        c.never_to.push(s);
                    }
                }
            }
        }
        let present = |id: &str| partners.iter().position(|p| p.id == id);
        let mut flows: Vec<Flow> = all
            .into_iter()
            .map(|c| {
                let partner = present(&c.funder);
                let state = if partner.is_none() {
                    FlowState::FunderAbsent
                } else if let Some(t) = c.through.as_ref().filter(|t| present(t).is_none()) {
                    FlowState::ChannelAbsent(t.clone())
                } else {
                    FlowState::Holds
                };
                Flow {
                    need: needs.iter().position(|n| n.role == c.role),
                    commitment: c,
                    partner,
                    state,
                }
            })
            .collect();
        // The largest set of commitments whose conditions hold among themselves: mutual
        // conditions ("we co-finance if you do") hold together, and a commitment falls with
        // any it depends on.
        loop {
            let holding: Vec<String> = flows
                .iter()
                .filter(|f| f.holds())
                .map(|f| f.commitment.id.clone())
                .collect();
            let mut changed = false;
            for f in flows.iter_mut().filter(|f| f.holds()) {
                if let Some(missing) = f.commitment.only_if.iter().find(|id| !holding.contains(id))
                {
                    f.state = FlowState::ConditionUnmet(missing.clone());
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let (np, nn) = (partners.len(), needs.len());
        let mut financed = vec![false; nn];
        let mut reaches = vec![vec![false; nn]; np];
        let mut funds = vec![vec![false; nn]; np];
        let mut funder = vec![false; np];
        for f in flows.iter().filter(|f| f.holds()) {
            if let Some(i) = f.partner {
                funder[i] = true;
            }
            let Some(j) = f.need else { continue };
            financed[j] = true;
            if let Some(i) = f.partner {
                funds[i][j] = true;
            }
            for (i, p) in partners.iter().enumerate() {
                if !f.commitment.never_to.contains(&p.sector) {
                    reaches[i][j] = true;
                }
            }
        }
        let needs_money = needs
            .iter()
            .map(|n| {
                n.has_budget()
                    || (finance.money_roles.contains(&n.role)
                        && kb
                            .settings
                            .money_trait
                            .is_some_and(|t| kb.role(n.role).has_trait(t)))
            })
            .collect();
        Money {
            finance: finance.clone(),
            written: written.to_vec(),
            flows,
            needs_money,
            financed,
            reaches,
            funds,
            funder,
        }
    }

    /// Whether partner `i`'s presence can change money the optimisation reads, in this
    /// line-up or any smaller one: money that needs it (its own, money that flows through it,
    /// money that depends on its commitments) reaches a role that needs money. Such a partner
    /// matters even when it holds no role; money on a role that needs none changes only flags.
    pub fn moves_money(&self, partners: &[Partner], i: usize) -> bool {
        let id = partners[i].id.as_str();
        // Commitments that fall without partner `i`: its own, those through it, and those
        // depending on any of these.
        let mut needs_i: Vec<&str> = self
            .flows
            .iter()
            .filter(|f| f.partner == Some(i) || f.commitment.through.as_deref() == Some(id))
            .map(|f| f.commitment.id.as_str())
            .collect();
        loop {
            let more: Vec<&str> = self
                .flows
                .iter()
                .filter(|f| !needs_i.contains(&f.commitment.id.as_str()))
                .filter(|f| {
                    f.commitment
                        .only_if
                        .iter()
                        .any(|o| needs_i.contains(&o.as_str()))
                })
                .map(|f| f.commitment.id.as_str())
                .collect();
            if more.is_empty() {
                break;
            }
            needs_i.extend(more);
        }
        self.flows.iter().any(|f| {
            f.holds()
                && needs_i.contains(&f.commitment.id.as_str())
                && f.need.is_some_and(|j| self.needs_money[j])
        })
    }

    /// Whether the money facts the rules read are the same for the kept partners of this
    /// line-up as in `other` (the money of the line-up without the others).
    pub fn same_for(&self, keep: &[bool], other: &Money) -> bool {
        let kept = |rows: &[Vec<bool>]| -> Vec<Vec<bool>> {
            rows.iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(r, _)| r.clone())
                .collect()
        };
        let funder: Vec<bool> = self
            .funder
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(f, _)| *f)
            .collect();
        self.needs_money == other.needs_money
            && self.financed == other.financed
            && kept(&self.reaches) == other.reaches
            && kept(&self.funds) == other.funds
            && funder == other.funder
    }
}
