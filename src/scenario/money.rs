//! Money in a scenario: its phases and currency, each role's budget per phase, and the
//! commitments (who puts how much money into which role, in which phase, on which conditions).
//!
//! A commitment puts money into a role, whoever holds it: a foundation's grant can pay for a
//! civil society organisation's outreach. A partner's `funds: [...]` is a commitment too, with
//! no amount and for every phase, so scenarios written before amounts existed keep their
//! meaning. Conditions are facts of the agreement, checked for each line-up: `only_if` other
//! commitments hold (co-financing, matching funds), the money goes `never_to` a partner of the
//! named sectors (a development bank barred from funding a government), and it flows `through`
//! another partner (a pooled fund another funder manages).

use super::load::Loader;
use super::{Partner, Variant, Withdrawal};
use crate::kb::{RoleIx, SectorIx};
use crate::ron::parse::Node;
use crate::ron::read::{self, index_path, key_path};
use crate::source::{Span, Spanned};

/// The phases a scenario has when it names none: the pilot, then the scale-up.
pub const DEFAULT_PHASES: [&str; 2] = ["pilot", "scale"];

/// Largest amount of money one budget line or commitment may state (a thousand trillion in any
/// currency): beyond it a number is a typo, and sums of many stay exact in `f64` cents.
pub const MAX_AMOUNT: f64 = 1e15;

/// Most phases a scenario may name.
pub const MAX_PHASES: usize = 12;

/// Most commitments a scenario may list (each variant's own included).
pub const MAX_COMMITMENTS: usize = 5000;

/// The money frame of a scenario: its currency (one per scenario) and its phases, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Finance {
    /// `None` when the scenario states no amount.
    pub currency: Option<String>,
    /// Phase ids, in order ([`DEFAULT_PHASES`] when the scenario names none).
    pub phases: Vec<String>,
    /// Whether the scenario states any money at all (a commitment, a `funds` entry or a
    /// budget, in the base or a variant): then reports show its money account.
    pub stated: bool,
    /// The roles the scenario says something about money for: a commitment or `funds` entry
    /// names them (in the base, a variant or a candidate), or a budget. Only such a money role
    /// needs money: a scenario silent about a role's money is not read as one with none. A
    /// line-up keeps the scenario's answer whatever partners leave it, so removing the only
    /// funder leaves its roles unfinanced.
    pub money_roles: Vec<RoleIx>,
}

impl Default for Finance {
    fn default() -> Self {
        Finance {
            currency: None,
            phases: DEFAULT_PHASES.iter().map(|p| p.to_string()).collect(),
            stated: false,
            money_roles: Vec::new(),
        }
    }
}

impl Finance {
    /// Records that the scenario speaks of money for `roles`.
    pub fn state(&mut self, roles: impl IntoIterator<Item = RoleIx>) {
        for r in roles {
            self.stated = true;
            if !self.money_roles.contains(&r) {
                self.money_roles.push(r);
            }
        }
        self.money_roles.sort();
    }

    /// Where the phase of that id is in `phases`.
    pub fn phase_index(&self, id: &str) -> Option<usize> {
        self.phases.iter().position(|p| p == id)
    }

    /// "USD 150,000", or "150,000" when the scenario has no currency.
    pub fn amount(&self, v: f64) -> String {
        match &self.currency {
            Some(c) => format!("{c} {}", thousands(v)),
            None => thousands(v),
        }
    }
}

/// A whole amount with thousands separators: "1,250,000"; cents only when there are some.
pub fn thousands(v: f64) -> String {
    let negative = v < 0.0;
    let cents = (v.abs() * 100.0).round() as u128;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut out = String::new();
    for (k, ch) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if frac > 0 {
        out.push_str(&format!(".{frac:02}"));
    }
    if negative && (whole > 0 || frac > 0) {
        out.insert(0, '-');
    }
    out
}

/// Money a partner puts into a role.
#[derive(Debug, Clone, PartialEq)]
pub struct Commitment {
    /// Unique in the scenario; `{funder}_{role}` (and `_{phase}`) when the file gives none.
    pub id: String,
    /// The partner putting the money in (a partner, a candidate, or one a variant adds).
    pub funder: String,
    /// The role the money goes to.
    pub role: RoleIx,
    /// `None`: an amount the scenario does not state (a `funds` entry).
    pub amount: Option<f64>,
    /// Index into the scenario's phases; `None`: every phase.
    pub phase: Option<usize>,
    /// It holds only if each of these commitments (by id) holds.
    pub only_if: Vec<String>,
    /// It never goes to a role held by a partner of these sectors.
    pub never_to: Vec<SectorIx>,
    /// It flows only through this partner (a pooled fund another funder manages).
    pub through: Option<String>,
    /// Written as a partner's `funds` entry rather than a `Commitment(...)`.
    pub implicit: bool,
}

impl Commitment {
    /// The commitment a partner's `funds` entry stands for: no amount, every phase.
    pub fn implicit(kb: &crate::kb::KnowledgeBase, funder: &str, role: RoleIx) -> Commitment {
        Commitment {
            id: format!("{funder}_{}", kb.role(role).id),
            funder: funder.to_string(),
            role,
            amount: None,
            phase: None,
            only_if: Vec::new(),
            never_to: Vec::new(),
            through: None,
            implicit: true,
        }
    }
}

/// Every commitment of a line-up: those written as `Commitment(...)`, then one for each
/// partner's `funds` entry that no written commitment of the same partner to the same role
/// already states.
pub fn all_commitments(
    kb: &crate::kb::KnowledgeBase,
    written: &[Commitment],
    partners: &[Partner],
) -> Vec<Commitment> {
    let mut out: Vec<Commitment> = written.to_vec();
    for p in partners {
        for &role in &p.funds {
            if !written.iter().any(|c| c.funder == p.id && c.role == role) {
                out.push(Commitment::implicit(kb, &p.id, role));
            }
        }
    }
    out
}

/// A commitment as read, with the places its references were written, checked once every
/// partner and commitment of the scenario is known.
pub(super) struct Written {
    pub commitment: Commitment,
    pub path: String,
    pub id_span: Span,
    pub funder_span: Span,
    pub only_if: Vec<Spanned<String>>,
    pub through_span: Option<Span>,
}

impl Loader<'_, '_, '_> {
    /// `currency` and `phases`; an amount anywhere needs the currency (checked where it is).
    pub(super) fn finance(&mut self, f: &mut read::Fields) -> Finance {
        let mut finance = Finance::default();
        if let Some(n) = f.take("currency")
            && let Some(c) = read::text(self.sink, n, "currency")
        {
            let ok = !c.value.trim().is_empty() && c.value.chars().count() <= 16;
            if ok {
                finance.currency = Some(c.value.trim().to_string());
            } else {
                self.sink
                    .error(
                        c.span,
                        "currency",
                        "a currency is a short code or name, 1 to 16 characters",
                    )
                    .help("e.g. `currency: \"USD\"`, `currency: \"XOF\"`");
            }
        }
        if let Some(n) = f.take("phases") {
            let items = read::list(self.sink, n, "phases").unwrap_or(&[]);
            if items.is_empty() || items.len() > MAX_PHASES {
                self.sink.error(
                    n.span,
                    "phases",
                    format!("a scenario has 1 to {MAX_PHASES} phases, in order (e.g. [\"pilot\", \"scale\"])"),
                );
            } else {
                let mut phases: Vec<String> = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let path = index_path("phases", i);
                    let Some(id) = read::id(self.sink, item, &path) else {
                        continue;
                    };
                    if phases.contains(&id.value) {
                        self.sink.error(
                            id.span,
                            &path,
                            format!("phase `{}` is listed twice", id.value),
                        );
                    } else {
                        phases.push(id.value);
                    }
                }
                if !phases.is_empty() {
                    finance.phases = phases;
                }
            }
        }
        finance
    }

    /// An amount of money: finite, at least 0, at most [`MAX_AMOUNT`], in the scenario's currency.
    fn amount(&mut self, node: &Node, path: &str, finance: &Finance) -> Option<f64> {
        let v = read::number_in(self.sink, node, path, 0.0, MAX_AMOUNT)?;
        if finance.currency.is_none() && !self.reported_currency {
            self.reported_currency = true;
            self.sink
                .error(node.span, path, "an amount needs the scenario's currency")
                .help("add `currency: \"USD\"` (or the code you use) to the scenario: one currency for every amount");
        }
        Some(v.value)
    }

    fn phase(&mut self, node: &Node, path: &str, finance: &Finance) -> Option<usize> {
        let id = read::id(self.sink, node, path)?;
        match finance.phase_index(&id.value) {
            Some(i) => Some(i),
            None => {
                self.sink
                    .error(id.span, path, format!("unknown phase `{}`", id.value))
                    .help(format!(
                        "the scenario's phases are {} (set them with `phases: [...]`)",
                        finance.phases.join(", ")
                    ))
                    .suggest(&id.value, finance.phases.iter().map(String::as_str));
                None
            }
        }
    }

    /// A need's `budget: { "pilot": 400000, "scale": 1200000 }`: an amount per phase, 0 for a
    /// phase not listed. Empty when the need has no budget.
    pub(super) fn budget(&mut self, node: &Node, path: &str, finance: &Finance) -> Vec<f64> {
        let mut budget = vec![0.0; finance.phases.len()];
        let mut any = false;
        for (key, value) in read::string_map(self.sink, node, path) {
            let kpath = key_path(path, &key.value);
            let phase = match finance.phase_index(&key.value) {
                Some(i) => Some(i),
                None => {
                    self.sink
                        .error(key.span, &kpath, format!("unknown phase `{}`", key.value))
                        .help(format!(
                            "the scenario's phases are {}",
                            finance.phases.join(", ")
                        ))
                        .suggest(&key.value, finance.phases.iter().map(String::as_str));
                    None
                }
            };
            if let (Some(i), Some(v)) = (phase, self.amount(value, &kpath, finance)) {
                budget[i] = v;
                any = true;
            }
        }
        if any { budget } else { Vec::new() }
    }

    /// A list of `Commitment(...)`; references are checked later by [`Loader::check_money`].
    pub(super) fn commitments(
        &mut self,
        node: &Node,
        field: &str,
        finance: &Finance,
    ) -> Vec<Written> {
        let items = read::list(self.sink, node, field).unwrap_or(&[]);
        if items.len() > MAX_COMMITMENTS {
            self.sink.error(
                node.span,
                field,
                format!(
                    "{} commitments is more than the limit of {MAX_COMMITMENTS}",
                    items.len()
                ),
            );
            return Vec::new();
        }
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.commitment(item, &index_path(field, i), finance))
            .collect()
    }

    fn commitment(&mut self, node: &Node, path: &str, finance: &Finance) -> Option<Written> {
        let mut f = read::fields(self.sink, node, path, "Commitment")?;
        let id = f
            .take("id")
            .and_then(|n| read::id(self.sink, n, &f.at("id")));
        let funder = f
            .require(self.sink, "funder")
            .and_then(|n| read::id(self.sink, n, &f.at("funder")));
        let role = f
            .require(self.sink, "role")
            .and_then(|n| self.role_ref(n, &f.at("role")));
        let amount = f
            .take("amount")
            .map(|n| self.amount(n, &f.at("amount"), finance));
        let phase_node = f.take("phase");
        let phase = phase_node.map(|n| self.phase(n, &f.at("phase"), finance));
        if let (Some(Some(_)), None) = (&amount, phase_node)
            && finance.phases.len() > 1
        {
            self.sink
                .error(
                    f.span,
                    &f.at("phase"),
                    "a commitment with an amount names its phase",
                )
                .help(format!(
                    "add `phase: \"{}\"` (the scenario's phases are {})",
                    finance.phases[0],
                    finance.phases.join(", ")
                ));
        }
        let mut only_if = Vec::new();
        if let Some(list) = f.take("only_if") {
            let lpath = f.at("only_if");
            for (i, item) in read::list(self.sink, list, &lpath)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if let Some(c) = read::id(self.sink, item, &index_path(&lpath, i))
                    && !only_if.iter().any(|o: &Spanned<String>| o.value == c.value)
                {
                    only_if.push(c);
                }
            }
        }
        let mut never_to: Vec<SectorIx> = Vec::new();
        if let Some(list) = f.take("never_to") {
            let lpath = f.at("never_to");
            for (i, item) in read::list(self.sink, list, &lpath)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let ipath = index_path(&lpath, i);
                let Some(s) = read::id(self.sink, item, &ipath) else {
                    continue;
                };
                match self.kb.sector_by_id(&s.value) {
                    Some(ix) if !never_to.contains(&ix) => never_to.push(ix),
                    Some(_) => {}
                    None => {
                        self.sink
                            .error(s.span, &ipath, format!("unknown sector `{}`", s.value))
                            .suggest(&s.value, self.kb.sectors.iter().map(|x| x.id.as_str()));
                    }
                }
            }
        }
        let through = f
            .take("through")
            .and_then(|n| read::id(self.sink, n, &f.at("through")));
        let through_path = f.at("through");
        f.finish(self.sink);
        let (funder, role) = (funder?, role?);
        if let Some(t) = through.as_ref().filter(|t| t.value == funder.value) {
            self.sink.error(
                t.span,
                &through_path,
                "money cannot flow through its own funder: name the partner that channels it",
            );
        }
        let phase = match phase {
            Some(None) => return None,
            Some(Some(p)) => Some(p),
            None => None,
        };
        let amount = match amount {
            Some(None) => return None,
            Some(Some(a)) => Some(a),
            None => None,
        };
        // With one phase, an amount is that phase's.
        let phase = phase.or((amount.is_some() && finance.phases.len() == 1).then_some(0));
        let role_id = &self.kb.role(role.value).id;
        let generated = match phase {
            Some(p) => format!("{}_{role_id}_{}", funder.value, finance.phases[p]),
            None => format!("{}_{role_id}", funder.value),
        };
        let (id_value, id_span) = match id {
            Some(id) => (id.value, id.span),
            None => (generated, funder.span),
        };
        Some(Written {
            commitment: Commitment {
                id: id_value,
                funder: funder.value,
                role: role.value,
                amount,
                phase,
                only_if: only_if.iter().map(|o| o.value.clone()).collect(),
                never_to,
                through: through.as_ref().map(|t| t.value.clone()),
                implicit: false,
            },
            path: path.to_string(),
            id_span,
            funder_span: funder.span,
            only_if,
            through_span: through.map(|t| t.span),
        })
    }

    /// Every commitment names a funder and a channel of the scenario (a partner, a candidate,
    /// or a partner a variant adds), ids are unique, and `only_if` and `withdraw` name
    /// commitments of the scenario.
    pub(super) fn check_money(
        &mut self,
        written: &[Written],
        partners: &[Partner],
        candidates: &[Partner],
        variants: &mut [Variant],
        variant_money: &[VariantMoney],
    ) {
        let known = super::load::known_ids(partners, candidates, variants);
        let mut base_ids: Vec<&str> = Vec::new();
        for w in written {
            if base_ids.contains(&w.commitment.id.as_str()) {
                self.sink
                    .error(
                        w.id_span,
                        &format!("{}.id", w.path),
                        format!("commitment id `{}` is used twice", w.commitment.id),
                    )
                    .help("give each commitment its own `id`");
            }
            base_ids.push(&w.commitment.id);
        }
        for vm in variant_money {
            for w in &vm.commit {
                let id = w.commitment.id.as_str();
                if base_ids.contains(&id) && !vm.withdraw.iter().any(|x| x.value == id) {
                    self.sink
                        .error(
                            w.id_span,
                            &format!("{}.id", w.path),
                            format!("commitment id `{id}` is already a commitment of the scenario"),
                        )
                        .help("withdraw it in the same variant to replace it, or give the new one its own `id`");
                }
            }
        }
        let all_written: Vec<&Written> = written
            .iter()
            .chain(variant_money.iter().flat_map(|vm| &vm.commit))
            .collect();
        // Ids of every commitment the scenario states, and of its partners' `funds` entries.
        let mut ids: Vec<String> = all_written
            .iter()
            .map(|w| w.commitment.id.clone())
            .collect();
        let funds: Vec<(String, Withdrawal)> = partners
            .iter()
            .chain(candidates)
            .chain(variants.iter().flat_map(|v| &v.add))
            .flat_map(|p| {
                p.funds.iter().map(|&role| {
                    (
                        format!("{}_{}", p.id, self.kb.role(role).id),
                        Withdrawal::Funds {
                            partner: p.id.clone(),
                            role,
                        },
                    )
                })
            })
            .collect();
        ids.extend(funds.iter().map(|(id, _)| id.clone()));
        for w in &all_written {
            let c = &w.commitment;
            if !known.contains(&c.funder.as_str()) {
                self.sink
                    .error(
                        w.funder_span,
                        &format!("{}.funder", w.path),
                        format!("no partner `{}` in the scenario", c.funder),
                    )
                    .suggest(&c.funder, known.iter().copied());
            }
            if let (Some(t), Some(span)) = (&c.through, w.through_span)
                && !known.contains(&t.as_str())
            {
                self.sink
                    .error(
                        span,
                        &format!("{}.through", w.path),
                        format!("no partner `{t}` in the scenario"),
                    )
                    .suggest(t, known.iter().copied());
            }
            for o in &w.only_if {
                if o.value == c.id {
                    self.sink.error(
                        o.span,
                        &format!("{}.only_if", w.path),
                        "a commitment cannot be conditional on itself",
                    );
                } else if !ids.contains(&o.value) {
                    self.sink
                        .error(
                            o.span,
                            &format!("{}.only_if", w.path),
                            format!("no commitment `{}` in the scenario", o.value),
                        )
                        .suggest(&o.value, ids.iter().map(String::as_str));
                }
            }
        }
        for (v, vm) in variants.iter_mut().zip(variant_money) {
            for w in &vm.withdraw {
                if all_written.iter().any(|x| x.commitment.id == w.value) {
                    v.withdraw.push(Withdrawal::Written(w.value.clone()));
                } else if let Some((_, f)) = funds.iter().find(|(id, _)| id == &w.value) {
                    v.withdraw.push(f.clone());
                } else {
                    self.sink
                        .error(
                            w.span,
                            &vm.path,
                            format!("no commitment `{}` in the scenario to withdraw", w.value),
                        )
                        .suggest(&w.value, ids.iter().map(String::as_str));
                }
            }
        }
    }
}

/// A variant's money as read: the commitments it adds and those it withdraws, with their
/// places, checked with the scenario's own by [`Loader::check_money`].
pub(super) struct VariantMoney {
    pub path: String,
    pub commit: Vec<Written>,
    pub withdraw: Vec<Spanned<String>>,
}
