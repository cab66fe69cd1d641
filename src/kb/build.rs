//! Raw rule documents -> a validated [`KnowledgeBase`], with every problem reported.
//!
//! Files are read in order; a sector, role, rule, trait or attribute defined again in a later
//! file replaces the earlier one (that is how `--rules DIR` overrides the built-in defaults),
//! while the same id twice in one file is a mistake.

use super::doc::{self, RawKb, RawLimit, RawScope, RawSource, RawTerm, RawTest, RawTestKind, Ref};
use super::*;
use crate::diag::{Budget, Diagnostic, Level, Sink};
use crate::load::Document;
use crate::source::{Source, Span};
use std::collections::HashMap;

/// Sizes of a rule set beyond which it is certainly a mistake (or hostile); each is a clear
/// error. They bound the work of matching rules against a scenario and the size of the model.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sectors.
    pub sectors: usize,
    /// Comparative advantages, motives, rewards or risks of one sector (each row).
    pub items: usize,
    /// Capabilities.
    pub capabilities: usize,
    /// Roles.
    pub roles: usize,
    /// Rules.
    pub rules: usize,
    /// Traits, and attributes, of the vocabulary (each).
    pub terms: usize,
    /// Tests in one rule's condition (`All`, `Not`, `Sector`, ... each count one).
    pub tests: usize,
    /// Organisation types.
    pub types: usize,
}

/// The bounds every rule set is read within.
pub const LIMITS: Limits = Limits {
    sectors: 100,
    items: 200,
    capabilities: 1000,
    roles: 500,
    rules: 1000,
    terms: 1000,
    tests: 64,
    types: 500,
};

/// Builds a knowledge base from parsed rule files; `None` when any of them has an error.
pub fn load_rules(docs: &[Document]) -> (Option<KnowledgeBase>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut raw = RawKb::default();
    for (file, d) in docs.iter().enumerate() {
        let mut sink = Sink::new(&d.source, &mut diags);
        match &d.root {
            Ok(node) => doc::decode_file(&mut sink, file, node, &mut raw),
            Err(e) => {
                sink.error(e.span, "", e.message.clone());
            }
        }
    }
    let sources: Vec<&Source> = docs.iter().map(|d| &d.source).collect();
    let mut budgets: Vec<Budget> = sources.iter().map(|_| Budget::default()).collect();
    let kb = Builder {
        sources: &sources,
        diags: &mut diags,
        budgets: &mut budgets,
        scratch: Diagnostic::discarded(),
    }
    .build(raw);
    for (budget, source) in budgets.iter().zip(&sources) {
        diags.extend(budget.summary(&source.name));
    }
    let has_errors = diags.iter().any(Diagnostic::is_error);
    (kb.filter(|_| !has_errors), diags)
}

struct Builder<'a> {
    sources: &'a [&'a Source],
    diags: &'a mut Vec<Diagnostic>,
    /// Diagnostics kept per file, as a [`Sink`] keeps them.
    budgets: &'a mut [Budget],
    /// Receives the diagnostics beyond a file's budget.
    scratch: Diagnostic,
}

/// Keeps the last definition of each id; the same id twice within one file is reported.
fn latest_by_id<T>(b: &mut Builder, items: Vec<T>, id: impl Fn(&T) -> &Ref, what: &str) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    // Where each id is in `out`: an index, not a scan, since a rule file may hold many items.
    let mut at: HashMap<String, usize> = HashMap::new();
    for item in items {
        let r = id(&item);
        if let Some(&i) = at.get(&r.name) {
            if id(&out[i]).file == r.file {
                let msg = format!("{what} `{}` is defined twice in this file", r.name);
                b.error(r, msg);
            }
            out[i] = item;
        } else {
            at.insert(r.name.clone(), out.len());
            out.push(item);
        }
    }
    out
}

impl Builder<'_> {
    fn error(&mut self, r: &Ref, message: String) -> &mut Diagnostic {
        self.error_at(r.file, r.span, &r.path, message)
    }

    fn error_at(
        &mut self,
        file: usize,
        span: Span,
        path: &str,
        message: String,
    ) -> &mut Diagnostic {
        if !self.budgets[file].admit(Level::Error) {
            self.scratch = Diagnostic::discarded();
            return &mut self.scratch;
        }
        let d = Diagnostic::at(self.sources[file], Level::Error, span, path, message);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    /// Resolves a name against a list of known ids, with "did you mean" when it is unknown.
    fn resolve(&mut self, r: &Ref, what: &str, known: &[&str]) -> Option<u32> {
        if let Some(i) = known.iter().position(|k| *k == r.name) {
            return Some(i as u32);
        }
        self.error(r, format!("unknown {what} `{}`", r.name))
            .suggest(&r.name, known.iter().copied());
        None
    }

    /// Reports the first item beyond `limit` and keeps only `limit` of them, so the checks
    /// that follow stay cheap; the rule set is refused either way.
    fn at_most<T>(
        &mut self,
        items: &mut Vec<T>,
        limit: usize,
        what: &str,
        id: impl Fn(&T) -> &Ref,
    ) {
        if let Some(first_over) = items.get(limit) {
            let r = id(first_over).clone();
            self.error(
                &r,
                format!(
                    "the rule set has {} {what}, more than the limit of {limit}",
                    items.len()
                ),
            );
            items.truncate(limit);
        }
    }

    fn build(mut self, mut raw: RawKb) -> Option<KnowledgeBase> {
        self.at_most(&mut raw.traits, LIMITS.terms, "traits", |t| &t.id);
        self.at_most(&mut raw.attributes, LIMITS.terms, "attributes", |t| &t.id);
        let mut sectors = latest_by_id(&mut self, raw.sectors, |s| &s.id, "sector");
        self.at_most(&mut sectors, LIMITS.sectors, "sectors", |s| &s.id);
        let sector_ids: Vec<String> = sectors.iter().map(|s| s.id.name.clone()).collect();
        let traits = self.terms(raw.traits, "trait", &sector_ids);
        let attributes = self.terms(raw.attributes, "attribute", &sector_ids);
        for s in &mut sectors {
            let what = format!("items in a row of sector `{}`", s.id.name);
            for row in [&mut s.motives, &mut s.rewards, &mut s.risks] {
                self.at_most(row, LIMITS.items, &what, |t| &t.id);
            }
            let what = format!("advantages of sector `{}`", s.id.name);
            self.at_most(&mut s.advantages, LIMITS.items, &what, |(t, _)| &t.id);
        }
        let mut capabilities: Vec<Capability> = Vec::new();
        // Where each capability is in `capabilities`, so sectors with many advantages stay cheap.
        let mut capability_at: HashMap<String, usize> = HashMap::new();
        let mut motives: Vec<Term> = Vec::new();
        let mut built_sectors = Vec::new();
        for s in &sectors {
            for row in [&s.motives, &s.rewards, &s.risks] {
                self.no_repeats(row, &format!("item of sector `{}`", s.id.name));
            }
            let adv_terms: Vec<RawTerm> = s.advantages.iter().map(|(t, _)| t.clone()).collect();
            self.no_repeats(&adv_terms, &format!("advantage of sector `{}`", s.id.name));
            let mut advantages = Vec::new();
            for (t, strength) in &s.advantages {
                let cap = match capability_at.get(&t.id.name) {
                    Some(&i) => i,
                    None => {
                        if capabilities.len() == LIMITS.capabilities {
                            self.error(
                                &t.id,
                                format!(
                                    "the rule set has more than the limit of {} capabilities",
                                    LIMITS.capabilities
                                ),
                            );
                            return None;
                        }
                        capability_at.insert(t.id.name.clone(), capabilities.len());
                        capabilities.push(Capability {
                            id: t.id.name.clone(),
                            label: t.label.clone(),
                        });
                        capabilities.len() - 1
                    }
                };
                if !advantages
                    .iter()
                    .any(|a: &Advantage| a.capability.index() == cap)
                {
                    advantages.push(Advantage {
                        capability: CapIx(cap as u32),
                        label: t.label.clone(),
                        strength: *strength,
                        note: t.note.clone(),
                    });
                }
            }
            for m in &s.motives {
                if !motives.iter().any(|t| t.id == m.id.name) {
                    motives.push(Term {
                        id: m.id.name.clone(),
                        label: m.label.clone(),
                        never_to: Vec::new(),
                    });
                }
            }
            let items = |v: &Vec<RawTerm>| -> Vec<Item> {
                v.iter()
                    .map(|t| Item {
                        id: t.id.name.clone(),
                        label: t.label.clone(),
                        note: t.note.clone(),
                    })
                    .collect()
            };
            built_sectors.push(Sector {
                id: s.id.name.clone(),
                name: s.name.clone(),
                table: s.table.clone(),
                motives: items(&s.motives),
                advantages,
                rewards: items(&s.rewards),
                risks: items(&s.risks),
                origin: self.sources[s.id.file].name.clone(),
            });
        }
        let names = Names {
            sectors: built_sectors.iter().map(|s| s.id.clone()).collect(),
            capabilities: capabilities.iter().map(|c| c.id.clone()).collect(),
            motives: motives.iter().map(|m| m.id.clone()).collect(),
            traits: traits.iter().map(|t| t.id.clone()).collect(),
            attributes: attributes.iter().map(|t| t.id.clone()).collect(),
            roles: Vec::new(),
            types: Vec::new(),
        };
        let mut raw_roles = latest_by_id(&mut self, raw.roles, |r| &r.id, "role");
        self.at_most(&mut raw_roles, LIMITS.roles, "roles", |r| &r.id);
        let mut names = names;
        names.roles = raw_roles.iter().map(|r| r.id.name.clone()).collect();
        let roles: Vec<Role> = raw_roles
            .iter()
            .filter_map(|r| self.role(r, &names))
            .collect();

        let mut raw_rules = latest_by_id(&mut self, raw.rules, |r| &r.id, "rule");
        for d in &raw.disabled {
            match raw_rules.iter().position(|r| r.id.name == d.name) {
                Some(i) => {
                    raw_rules.remove(i);
                }
                None => {
                    let known: Vec<&str> = raw_rules.iter().map(|r| r.id.name.as_str()).collect();
                    self.error(d, format!("cannot disable unknown rule `{}`", d.name))
                        .suggest(&d.name, known);
                }
            }
        }
        self.at_most(&mut raw_rules, LIMITS.rules, "rules", |r| &r.id);
        raw_rules.retain(|r| self.small_enough(r));
        let mut raw_types = latest_by_id(&mut self, raw.types, |t| &t.id, "organisation type");
        self.at_most(&mut raw_types, LIMITS.types, "organisation types", |t| {
            &t.id
        });
        let types: Vec<OrgType> = raw_types
            .iter()
            .filter_map(|t| self.org_type(t, &names))
            .collect();
        names.types = types.iter().map(|t| t.id.clone()).collect();
        let relations: Vec<Relation> = raw
            .relations
            .iter()
            .filter_map(|r| self.relation(r, &names, &built_sectors, &capabilities))
            .collect();
        let related = related_index(capabilities.len(), &relations);
        let partial = KnowledgeBase {
            sectors: built_sectors,
            capabilities,
            motives,
            roles,
            traits,
            attributes,
            rules: Vec::new(),
            settings: Settings::default(),
            types,
            relations,
            related,
        };
        let rules: Vec<Rule> = raw_rules
            .iter()
            .filter_map(|r| self.rule(r, &names, &partial))
            .collect();
        self.wishes_below_logic(&rules, &raw_rules);
        let mut settings = Settings::default();
        for s in raw.settings {
            settings.support_weight = s.support_weight.unwrap_or(settings.support_weight);
            settings.min_sectors = s.min_sectors.unwrap_or(settings.min_sectors);
            settings.recruit_fit = s.recruit_fit.unwrap_or(settings.recruit_fit);
            settings.default_capacity = s.default_capacity.unwrap_or(settings.default_capacity);
            settings.assumed_weight = s.assumed_weight.unwrap_or(settings.assumed_weight);
            settings.fit_floor = s.fit_floor.unwrap_or(settings.fit_floor);
            if let Some(r) = &s.money_trait {
                settings.money_trait = self
                    .resolve(r, "trait", &names.traits())
                    .map(TraitIx)
                    .or(settings.money_trait);
            }
        }
        if partial.sectors.is_empty() || partial.roles.is_empty() {
            let file = self
                .sources
                .first()
                .map_or("<rules>".to_string(), |s| s.name.clone());
            self.diags.push(Diagnostic::whole_file(
                Level::Error,
                &file,
                "the rule set defines no sectors or no roles: a rule directory used alone needs `Sector(...)` and `Roles(...)` files",
            ));
            return None;
        }
        Some(KnowledgeBase {
            rules,
            settings,
            ..partial
        })
    }

    /// A partner's wish weighs less than institutional logic: every rule that prices a wish
    /// (its condition reads `Wants`) must weigh less than every other priced rule, both taken
    /// at the stake where they weigh most against each other (a per-importance price on a role
    /// of importance 5 against a flat one, a flat price against a per-importance one on a role
    /// of importance 1). Otherwise the optimiser could trade a logic breach for a wish.
    fn wishes_below_logic(&mut self, rules: &[Rule], raw: &[doc::RawRule]) {
        const MOST_IMPORTANT: f64 = 5.0;
        let priced = |r: &&Rule| {
            r.effect.strength == crate::kb::Strength::Price
                && r.effect.weight() != 0.0
                && !matches!(r.scope, Scope::Additionality { .. })
        };
        let (wishes, logic): (Vec<&Rule>, Vec<&Rule>) =
            rules.iter().filter(priced).partition(|r| r.about_wishes());
        let per_importance = |r: &Rule| r.effect.per == crate::kb::Per::Importance;
        for w in wishes {
            let lowest = logic
                .iter()
                .filter(|l| !l.about_fit())
                .map(|l| {
                    let (mut wish, logic) = (w.effect.weight().abs(), l.effect.weight().abs());
                    if per_importance(w) && !per_importance(l) {
                        wish *= MOST_IMPORTANT;
                    }
                    (wish, logic, *l)
                })
                .find(|(wish, logic, _)| wish >= logic);
            if let Some((wish, price, l)) = lowest
                && let Some(r) = raw.iter().find(|r| r.id.name == w.id)
            {
                let per = |r: &Rule| {
                    if per_importance(r) {
                        " per importance point"
                    } else {
                        ""
                    }
                };
                self.error_at(
                    r.id.file,
                    r.effect.span,
                    &r.effect.path,
                    format!(
                        "rule `{}` weighs a partner's wish at {wish}{}, no less than rule `{}` prices its institutional logic ({price}{}): a wish must weigh less than every logic rule",
                        w.id,
                        per(w),
                        l.id,
                        per(l)
                    ),
                );
            }
        }
    }

    /// Whether each condition of a rule has at most [`LIMITS`]`.tests` tests: every test is
    /// evaluated for each partner and role, so one huge condition would make matching crawl.
    fn small_enough(&mut self, r: &doc::RawRule) -> bool {
        let tests: Vec<&RawTest> = match &r.scope {
            RawScope::Holds { who, .. }
            | RawScope::Load { who, .. }
            | RawScope::Unserved { who }
            | RawScope::Idle { who }
            | RawScope::Unmet { who }
            | RawScope::Shared { who, .. }
            | RawScope::Additionality { who, .. }
            | RawScope::Financing { who, .. } => who.iter().collect(),
            RawScope::Pair { first, second } => vec![first, second],
            RawScope::Uncovered { role } => role.iter().collect(),
            RawScope::Concentration { .. } | RawScope::Diversity { .. } => Vec::new(),
        };
        let mut ok = true;
        for t in tests {
            let n = test_count(t);
            if n > LIMITS.tests {
                self.error_at(
                    t.file,
                    t.span,
                    &t.path,
                    format!(
                        "this condition has {n} tests, more than the limit of {}",
                        LIMITS.tests
                    ),
                );
                ok = false;
            }
        }
        ok
    }

    fn terms(&mut self, raw: Vec<RawTerm>, what: &str, sectors: &[String]) -> Vec<Term> {
        latest_by_id(self, raw, |t| &t.id, what)
            .into_iter()
            .map(|t| {
                let known: Vec<&str> = sectors.iter().map(String::as_str).collect();
                let never_to = t
                    .never_to
                    .iter()
                    .filter_map(|r| self.resolve(r, "sector", &known).map(SectorIx))
                    .collect();
                Term {
                    id: t.id.name,
                    label: t.label,
                    never_to,
                }
            })
            .collect()
    }

    fn no_repeats(&mut self, items: &[RawTerm], what: &str) {
        for (i, t) in items.iter().enumerate() {
            if items[..i].iter().any(|o| o.id.name == t.id.name) {
                let msg = format!("{what} `{}` is listed twice", t.id.name);
                self.error(&t.id, msg);
            }
        }
    }

    fn role(&mut self, r: &doc::RawRole, names: &Names) -> Option<Role> {
        let mut ok = true;
        let mut needs = Vec::new();
        for (cap, w) in &r.needs {
            match self.resolve(cap, "capability", &names.caps()) {
                Some(c) if *w > 0.0 => needs.push((CapIx(c), *w)),
                Some(_) => {}
                None => ok = false,
            }
        }
        let total: f64 = needs.iter().map(|(_, w)| w).sum();
        for (_, w) in &mut needs {
            *w /= total;
        }
        let mut traits = Vec::new();
        for t in &r.traits {
            match self.resolve(t, "trait", &names.traits()) {
                Some(i) => traits.push(TraitIx(i)),
                None => ok = false,
            }
        }
        let mut serves = Vec::new();
        for m in &r.serves {
            match self.resolve(m, "motive", &names.motives()) {
                Some(i) => serves.push(MotiveIx(i)),
                None => ok = false,
            }
        }
        (ok && total > 0.0).then(|| Role {
            id: r.id.name.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            needs,
            traits,
            serves,
            effort: r.effort,
        })
    }

    fn org_type(&mut self, t: &doc::RawType, names: &Names) -> Option<OrgType> {
        let sector = self.resolve(&t.sector, "sector", &names.sectors());
        let mut strengths = Vec::new();
        let mut ok = true;
        for (cap, v) in &t.strengths {
            match self.resolve(cap, "capability", &names.caps()) {
                Some(c) if strengths.iter().any(|&(x, _)| x == CapIx(c)) => {
                    let msg = format!("capability `{}` is given twice", cap.name);
                    self.error(cap, msg);
                    ok = false;
                }
                Some(c) => strengths.push((CapIx(c), *v)),
                None => ok = false,
            }
        }
        Some(OrgType {
            id: t.id.name.clone(),
            name: t.name.clone(),
            sector: SectorIx(sector?),
            description: t.description.clone(),
            strengths,
            origin: self.sources[t.id.file].name.clone(),
        })
        .filter(|_| ok)
    }

    /// A relation between capabilities, each of which must be some sector's comparative
    /// advantage: the relation cites both Table 1 cells.
    fn relation(
        &mut self,
        r: &doc::RawRelation,
        names: &Names,
        sectors: &[Sector],
        capabilities: &[Capability],
    ) -> Option<Relation> {
        let mut caps: Vec<CapIx> = Vec::new();
        let mut ok = true;
        for c in &r.between {
            let Some(i) = self.resolve(c, "capability", &names.caps()) else {
                ok = false;
                continue;
            };
            let cap = CapIx(i);
            if caps.contains(&cap) {
                let msg = format!("capability `{}` is listed twice in the relation", c.name);
                self.error(c, msg);
                ok = false;
            }
            if !sectors
                .iter()
                .any(|s| s.advantages.iter().any(|a| a.capability == cap))
            {
                let msg = format!(
                    "`{}` is no sector's comparative advantage, so no Table 1 cell backs the relation",
                    capabilities[cap.index()].id
                );
                self.error(c, msg);
                ok = false;
            }
            caps.push(cap);
        }
        ok.then(|| Relation {
            capabilities: caps,
            directed: r.directed,
            credit: r.credit,
            note: r.note.clone(),
            origin: self.sources[r.file].name.clone(),
        })
    }

    fn rule(&mut self, r: &doc::RawRule, names: &Names, kb: &KnowledgeBase) -> Option<Rule> {
        let source = self.source(&r.source, names, kb);
        let scope = self.scope(&r.scope, names);
        let effect = self.effect(r, scope.as_ref());
        Some(Rule {
            id: r.id.name.clone(),
            description: r.description.clone(),
            source: source?,
            scope: scope?,
            effect: effect?,
            origin: self.sources[r.id.file].name.clone(),
        })
    }

    fn source(&mut self, s: &RawSource, names: &Names, kb: &KnowledgeBase) -> Option<RuleSource> {
        match s {
            RawSource::Text(t) => Some(RuleSource::Text(t.clone())),
            RawSource::Cell { sector, row, item } => {
                let si = SectorIx(self.resolve(sector, "sector", &names.sectors())?);
                let row = Row::ALL.into_iter().find(|r| r.key() == *row)?;
                let s = kb.sector(si);
                let ids: Vec<&str> = match row {
                    Row::Advantages => s
                        .advantages
                        .iter()
                        .map(|a| kb.capability(a.capability).id.as_str())
                        .collect(),
                    _ => s.items(row).iter().map(|i| i.id.as_str()).collect(),
                };
                if !ids.contains(&item.name.as_str()) {
                    let msg = format!(
                        "sector `{}` has no `{}` among its {}",
                        s.id,
                        item.name,
                        row.title()
                    );
                    self.error(item, msg).suggest(&item.name, ids);
                    return None;
                }
                Some(RuleSource::Cell {
                    sector: si,
                    row,
                    item: item.name.clone(),
                })
            }
        }
    }

    fn scope(&mut self, s: &RawScope, names: &Names) -> Option<Scope> {
        let all = || Test::All(Vec::new());
        Some(match s {
            RawScope::Holds { who, lead } => Scope::Holds {
                who: self
                    .opt_test(who.as_ref(), names, Needs::Both)?
                    .unwrap_or_else(all),
                lead: *lead,
            },
            RawScope::Pair { first, second } => {
                let first = self.test(first, names, Needs::Both);
                let second = self.test(second, names, Needs::Both);
                Scope::Pair {
                    first: first?,
                    second: second?,
                }
            }
            RawScope::Load { who, limit } => Scope::Load {
                who: self
                    .opt_test(who.as_ref(), names, Needs::Partner)?
                    .unwrap_or_else(all),
                limit: match *limit {
                    RawLimit::Roles(n) => LoadLimit::Roles(n),
                    RawLimit::Effort(x) => LoadLimit::Effort(x),
                    RawLimit::Capacity(plus) => LoadLimit::EffortAboveCapacity(plus),
                },
            },
            RawScope::Unserved { who } => Scope::Unserved {
                who: self
                    .opt_test(who.as_ref(), names, Needs::Partner)?
                    .unwrap_or_else(all),
            },
            RawScope::Idle { who } => Scope::Idle {
                who: self
                    .opt_test(who.as_ref(), names, Needs::Partner)?
                    .unwrap_or_else(all),
            },
            RawScope::Unmet { who } => Scope::Unmet {
                who: self
                    .opt_test(who.as_ref(), names, Needs::Both)?
                    .unwrap_or_else(all),
            },
            RawScope::Shared {
                who,
                at_least,
                same_sector,
            } => Scope::Shared {
                who: self
                    .opt_test(who.as_ref(), names, Needs::Both)?
                    .unwrap_or_else(all),
                at_least: *at_least,
                same_sector: *same_sector,
            },
            RawScope::Concentration {
                share_above,
                fair_roles,
            } => Scope::Concentration {
                share_above: *share_above,
                fair_roles: *fair_roles,
            },
            RawScope::Diversity { below } => Scope::Diversity { below: *below },
            RawScope::Uncovered { role } => Scope::Uncovered {
                role: self
                    .opt_test(role.as_ref(), names, Needs::Role)?
                    .unwrap_or_else(all),
            },
            RawScope::Additionality { finding, who } => Scope::Additionality {
                // The decoder only accepts the names of `Finding::ALL`.
                finding: crate::kb::Finding::from_name(finding)?,
                who: self
                    .opt_test(who.as_ref(), names, Needs::Both)?
                    .unwrap_or_else(all),
            },
            RawScope::Financing { finding, who } => Scope::Financing {
                // The decoder only accepts the names of `MoneyFinding::ALL`.
                finding: crate::kb::MoneyFinding::from_name(finding)?,
                who: self
                    .opt_test(who.as_ref(), names, Needs::Both)?
                    .unwrap_or_else(all),
            },
        })
    }

    /// `Some(None)` when the test is absent (match all), `None` when it is invalid.
    fn opt_test(&mut self, t: Option<&RawTest>, names: &Names, ctx: Needs) -> Option<Option<Test>> {
        match t {
            None => Some(None),
            Some(t) => self.test(t, names, ctx).map(Some),
        }
    }

    fn test(&mut self, t: &RawTest, names: &Names, ctx: Needs) -> Option<Test> {
        let test = match &t.kind {
            RawTestKind::All(items) | RawTestKind::Either(items) => {
                let built: Vec<Option<Test>> =
                    items.iter().map(|i| self.test(i, names, ctx)).collect();
                let built: Option<Vec<Test>> = built.into_iter().collect();
                if matches!(t.kind, RawTestKind::All(_)) {
                    Test::All(built?)
                } else {
                    Test::Either(built?)
                }
            }
            RawTestKind::Not(inner) => Test::Not(Box::new(self.test(inner, names, ctx)?)),
            RawTestKind::Sector(r) => {
                Test::Sector(SectorIx(self.resolve(r, "sector", &names.sectors())?))
            }
            RawTestKind::Attribute(r) => {
                Test::Attribute(AttrIx(self.resolve(r, "attribute", &names.attributes())?))
            }
            RawTestKind::Capability(r, b) => Test::Capability {
                cap: CapIx(self.resolve(r, "capability", &names.caps())?),
                range: *b,
            },
            RawTestKind::Role(r) => Test::Role(RoleIx(self.resolve(r, "role", &names.roles())?)),
            RawTestKind::Trait(r) => {
                Test::Trait(TraitIx(self.resolve(r, "trait", &names.traits())?))
            }
            RawTestKind::Importance(b) => Test::Importance(*b),
            RawTestKind::Fit(b) => Test::Fit(*b),
            RawTestKind::Funds => Test::Funds,
            RawTestKind::Serves => Test::Serves,
            RawTestKind::BelowFitFloor => Test::BelowFitFloor,
            RawTestKind::Type(r) => Test::Type(TypeIx(self.resolve(
                r,
                "organisation type",
                &names.types(),
            )?)),
            RawTestKind::Funder => Test::Funder,
            RawTestKind::Supplier => Test::Supplier,
            RawTestKind::Grantee => Test::Grantee,
            RawTestKind::NeedsMoney => Test::NeedsMoney,
            RawTestKind::Financed => Test::Financed,
            RawTestKind::MoneyReaches => Test::MoneyReaches,
            RawTestKind::Wants => Test::Wants,
        };
        let (reads_partner, reads_role) = test.reads();
        let misfit = match ctx {
            Needs::Partner if reads_role => {
                Some("looks at a role, but this condition is about a partner alone")
            }
            Needs::Role if reads_partner => {
                Some("looks at a partner, but this condition is about a role alone")
            }
            _ => None,
        };
        if let Some(why) = misfit {
            self.error_at(t.file, t.span, &t.path, format!("this test {why}"));
            return None;
        }
        Some(test)
    }

    fn effect(&mut self, r: &doc::RawRule, scope: Option<&Scope>) -> Option<Effect> {
        let e = &r.effect;
        let file = r.id.file;
        let problem = |b: &mut Self, msg: &str| {
            b.error_at(file, e.span, &e.path, msg.to_string());
        };
        let before = self.diags.len();
        let forbid = e.strength == Some("forbid");
        if forbid && (e.penalty > 0.0 || e.bonus > 0.0) {
            problem(
                self,
                "a forbidding rule takes no penalty or bonus: the situation cannot happen",
            );
        }
        if e.penalty > 0.0 && e.bonus > 0.0 {
            problem(self, "give a penalty or a bonus, not both");
        }
        if e.strength.is_none() && e.penalty == 0.0 && e.bonus == 0.0 && e.flag.is_none() {
            problem(
                self,
                "the rule has no effect: give `strength`, `penalty`, `bonus` or `flag`",
            );
        }
        if let Some(scope) = scope {
            let bonus_ok = matches!(scope, Scope::Holds { .. } | Scope::Pair { .. });
            if e.bonus > 0.0 && !bonus_ok {
                problem(
                    self,
                    &format!(
                        "a `{}` rule can only give a penalty or forbid, not a bonus",
                        scope.name()
                    ),
                );
            }
            if forbid && matches!(scope, Scope::Uncovered { .. }) {
                problem(
                    self,
                    "an `Uncovered` rule cannot forbid: leaving a gap is always possible",
                );
            }
            let holding = matches!(scope, Scope::Holds { .. } | Scope::Pair { .. });
            if e.strength == Some("avoid") && !holding {
                problem(
                    self,
                    &format!(
                        "`strength: avoid` keeps a partner out of a role, so it applies to `Holds` and `Pair` rules, not `{}`: use a penalty, or `forbid`",
                        scope.name()
                    ),
                );
            }
            if e.strength == Some("price")
                && holding
                && e.flag.as_ref().is_some_and(|f| f.severity == "high")
            {
                problem(
                    self,
                    "a high flag on holding a role cannot be merely priced: the optimiser would trade the breach for coverage. Use `strength: avoid` (a pin can still override it) or lower the severity",
                );
            }
            if e.per_importance
                && !matches!(
                    scope,
                    Scope::Holds { .. }
                        | Scope::Pair { .. }
                        | Scope::Shared { .. }
                        | Scope::Unmet { .. }
                )
            {
                problem(
                    self,
                    &format!(
                        "`per: importance` prices a situation by the role at stake; a `{}` rule has no single role",
                        scope.name()
                    ),
                );
            }
            if matches!(scope, Scope::Additionality { .. })
                && (e.strength.is_some() || e.penalty > 0.0 || e.bonus > 0.0 || e.flag.is_none())
            {
                problem(
                    self,
                    "an `Additionality` rule only raises a flag: it judges counterfactual line-ups, not the one being optimised",
                );
            }
            if matches!(scope, Scope::Financing { .. })
                && (e.strength.is_some() || e.penalty > 0.0 || e.bonus > 0.0 || e.flag.is_none())
            {
                problem(
                    self,
                    "a `Financing` rule only raises a flag: money is the scenario's fact, not the optimiser's choice (a role without money is priced by `Uncovered` and `Holds` rules on `NeedsMoney`)",
                );
            }
        }
        let flag = match (&e.flag, scope) {
            (Some(f), Some(scope)) => {
                let allowed = placeholders(scope);
                let mut rest = f.message.as_str();
                while let Some(open) = rest.find('{') {
                    let Some(close) = rest[open..].find('}') else {
                        break;
                    };
                    let name = &rest[open + 1..open + close];
                    if !allowed.contains(&name) {
                        self.error_at(
                            file,
                            f.message_span,
                            &format!("{}.flag.message", e.path),
                            format!(
                                "`{{{name}}}` cannot be used in a `{}` rule's message; available: {}",
                                scope.name(),
                                allowed.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
                            ),
                        )
                        .suggest(name, allowed.iter().copied());
                    }
                    rest = &rest[open + close + 1..];
                }
                if f.message.trim().is_empty() {
                    problem(self, "a flag needs a message written for a facilitator");
                }
                Some(FlagSpec {
                    kind: f.kind.name.clone(),
                    severity: Severity::from_name(f.severity)?,
                    message: f.message.clone(),
                })
            }
            _ => None,
        };
        let strength = match (e.strength.and_then(Strength::from_name), scope) {
            (Some(s), _) => s,
            (None, Some(scope)) => Strength::derived(scope, flag.as_ref()),
            (None, None) => Strength::Price,
        };
        (self.diags.len() == before).then_some(Effect {
            strength,
            strength_stated: e.strength.is_some(),
            penalty: e.penalty,
            bonus: e.bonus,
            per: if e.per_importance {
                Per::Importance
            } else {
                Per::Unit
            },
            flag,
        })
    }
}

/// For each capability, the capabilities related to it; when two relations link the same pair,
/// the larger credit counts.
fn related_index(capabilities: usize, relations: &[Relation]) -> Vec<Vec<Related>> {
    let mut related: Vec<Vec<Related>> = vec![Vec::new(); capabilities];
    for (n, r) in relations.iter().enumerate() {
        // `related[a]` lists what counts toward `a`: every other capability, or for a one-way
        // relation only its first.
        for (k, &a) in r.capabilities.iter().enumerate() {
            let sources: Vec<CapIx> = if r.directed {
                if k == 0 {
                    continue;
                }
                vec![r.capabilities[0]]
            } else {
                r.capabilities.iter().copied().filter(|&b| b != a).collect()
            };
            for b in sources {
                let list = &mut related[a.index()];
                match list.iter_mut().find(|x| x.capability == b) {
                    Some(x) if x.credit >= r.credit => {}
                    Some(x) => {
                        x.credit = r.credit;
                        x.relation = n;
                    }
                    None => list.push(Related {
                        capability: b,
                        credit: r.credit,
                        relation: n,
                    }),
                }
            }
        }
    }
    related
}

/// How many tests a condition holds, itself included.
fn test_count(t: &RawTest) -> usize {
    1 + match &t.kind {
        RawTestKind::All(items) | RawTestKind::Either(items) => items.iter().map(test_count).sum(),
        RawTestKind::Not(inner) => test_count(inner),
        _ => 0,
    }
}

/// The message placeholders each kind of rule can fill.
pub fn placeholders(scope: &Scope) -> &'static [&'static str] {
    match scope {
        Scope::Holds { .. } => &[
            "partner",
            "partner_name",
            "sector",
            "role",
            "role_name",
            "value",
            "limit",
        ],
        Scope::Pair { .. } => &[
            "partner",
            "partner_name",
            "sector",
            "role",
            "role_name",
            "other_role",
        ],
        Scope::Load { .. } => &[
            "partner",
            "partner_name",
            "sector",
            "value",
            "limit",
            "capacity",
        ],
        Scope::Unserved { .. } | Scope::Idle { .. } => &["partner", "partner_name", "sector"],
        Scope::Unmet { .. } => &["partner", "partner_name", "sector", "role", "role_name"],
        Scope::Shared { .. } => &["role", "role_name", "value", "limit", "partners", "sector"],
        Scope::Concentration { .. } => &["partner", "partner_name", "sector", "value", "limit"],
        Scope::Diversity { .. } => &["value", "limit"],
        Scope::Uncovered { .. } => &["role", "role_name", "value"],
        Scope::Additionality { .. } => &[
            "partner",
            "partner_name",
            "sector",
            "role",
            "role_name",
            "value",
            "other_partner",
            "amount",
        ],
        Scope::Financing { .. } => &[
            "partner",
            "partner_name",
            "sector",
            "role",
            "role_name",
            "phase",
            "amount",
            "value",
            "other_partner",
        ],
    }
}

struct Names {
    sectors: Vec<String>,
    capabilities: Vec<String>,
    motives: Vec<String>,
    traits: Vec<String>,
    attributes: Vec<String>,
    roles: Vec<String>,
    types: Vec<String>,
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

impl Names {
    fn sectors(&self) -> Vec<&str> {
        strs(&self.sectors)
    }
    fn caps(&self) -> Vec<&str> {
        strs(&self.capabilities)
    }
    fn motives(&self) -> Vec<&str> {
        strs(&self.motives)
    }
    fn traits(&self) -> Vec<&str> {
        strs(&self.traits)
    }
    fn attributes(&self) -> Vec<&str> {
        strs(&self.attributes)
    }
    fn roles(&self) -> Vec<&str> {
        strs(&self.roles)
    }
    fn types(&self) -> Vec<&str> {
        strs(&self.types)
    }
}
