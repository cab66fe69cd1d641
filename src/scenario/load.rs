//! Scenario file -> validated [`Scenario`], reporting every problem with its position.

use super::partner::{At, PartnerFields, RoleList};
use super::*;
use crate::diag::{Diagnostic, Sink};
use crate::kb::KnowledgeBase;
use crate::load::Document;
use crate::ron::parse::{Kind, Node};
use crate::ron::read::{self, Fields, index_path, key_path};
use crate::source::Spanned;

/// Sizes beyond which an input is certainly a mistake (or hostile); each is a clear error.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Partners of a line-up: the base, or a variant once its changes are applied.
    pub partners: usize,
    /// Roles one scenario needs (each is a column of the model).
    pub needs: usize,
    /// Variants of one scenario.
    pub variants: usize,
    /// Candidates for recruiting.
    pub candidates: usize,
    /// Largest capacity a partner may state.
    pub capacity: i64,
    /// Tests evaluated to match the rules in force against the largest line-up (see
    /// [`rule_checks`]); this bounds the time and memory of building the model.
    pub rule_checks: u64,
    /// Longest text field, in characters.
    pub text_len: usize,
}

/// The bounds every scenario is read within.
pub const LIMITS: Limits = Limits {
    partners: 1000,
    needs: 100,
    variants: 200,
    candidates: 500,
    capacity: 100,
    rule_checks: 200_000_000,
    text_len: read::MAX_TEXT_CHARS,
};

/// Validates a parsed scenario; `None` when it has errors (all of them are in the list).
pub fn load_scenario(kb: &KnowledgeBase, doc: &Document) -> (Option<Scenario>, Vec<Diagnostic>) {
    load_scenario_with(kb, doc, &[])
}

/// Validates a parsed scenario whose partners are completed by `extra` (e.g. from a spreadsheet):
/// pins and variants may name them, and the file may then list no partners of its own.
pub fn load_scenario_with(
    kb: &KnowledgeBase,
    doc: &Document,
    extra: &[Partner],
) -> (Option<Scenario>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut sink = Sink::new(&doc.source, &mut diags);
    let scenario = match &doc.root {
        Ok(node) => Loader {
            kb,
            sink: &mut sink,
            extra,
            funders: Vec::new(),
            reported_currency: false,
            wanted: Vec::new(),
        }
        .scenario(node),
        Err(e) => {
            sink.error(e.span, "", e.message.clone());
            None
        }
    };
    // Dropping the sink adds the line summing up diagnostics beyond the cap.
    drop(sink);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (scenario.filter(|_| ok), diags)
}

/// Validates a document holding one `Partner(...)`: a partner joining in a what-if (`--with`).
pub fn load_partner(kb: &KnowledgeBase, doc: &Document) -> (Option<Partner>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut sink = Sink::new(&doc.source, &mut diags);
    let partner = match &doc.root {
        Ok(node) => {
            Loader {
                kb,
                sink: &mut sink,
                extra: &[],
                funders: Vec::new(),
                reported_currency: false,
                wanted: Vec::new(),
            }
            .partner(node, "")
            .1
        }
        Err(e) => {
            sink.error(e.span, "", e.message.clone());
            None
        }
    };
    drop(sink);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (partner.filter(|_| ok), diags)
}

/// Validates a scenario written inside another document (a case's `given: Scenario(...)`),
/// reporting into that document's sink so positions point into the file the user wrote.
/// `None` when the scenario has errors.
pub fn load_node(kb: &KnowledgeBase, sink: &mut Sink, node: &Node) -> Option<Scenario> {
    let errors = |sink: &Sink| sink.out.iter().filter(|d| d.is_error()).count();
    let before = errors(sink);
    let scenario = Loader {
        kb,
        sink: &mut *sink,
        extra: &[],
        funders: Vec::new(),
        reported_currency: false,
        wanted: Vec::new(),
    }
    .scenario(node);
    scenario.filter(|_| errors(sink) == before)
}

/// Validates one `Partner(...)` written inside another document (a case's `With(...)` what-if).
pub fn load_partner_node(
    kb: &KnowledgeBase,
    sink: &mut Sink,
    node: &Node,
    path: &str,
) -> Option<Partner> {
    Loader {
        kb,
        sink,
        extra: &[],
        funders: Vec::new(),
        reported_currency: false,
        wanted: Vec::new(),
    }
    .partner(node, path)
    .1
}

/// About how many tests matching the rules of `kb` against a line-up evaluates: each rule's
/// tests, times the subjects its condition ranges over (a `Pair` rule looks at every partner
/// with every two roles).
pub fn rule_checks(kb: &KnowledgeBase, partners: usize, needs: usize) -> u64 {
    use crate::kb::{Scope, Test};
    fn size(t: &Test) -> u64 {
        1 + match t {
            Test::All(ts) | Test::Either(ts) => ts.iter().map(size).sum(),
            Test::Not(t) => size(t),
            _ => 0,
        }
    }
    let (p, n) = (partners as u64, needs as u64);
    kb.rules
        .iter()
        .map(|r| match &r.scope {
            Scope::Holds { who, .. } | Scope::Shared { who, .. } | Scope::Unmet { who } => {
                size(who) * p * n
            }
            Scope::Pair { first, second } => (size(first) + 2 * size(second)) * p * n * n,
            Scope::Load { who, .. } | Scope::Unserved { who } | Scope::Idle { who } => {
                size(who) * p
            }
            Scope::Concentration { .. } => p,
            Scope::Diversity { .. } => 1,
            Scope::Uncovered { role } => size(role) * n,
            // Evaluated on an additionality analysis's findings, never matched to a line-up.
            Scope::Additionality { .. } | Scope::Financing { .. } => 0,
        })
        .sum()
}

/// Where a RON value is: its span and field path.
fn span_at(span: Span, path: &str) -> At {
    At::Span {
        span,
        path: path.to_string(),
    }
}

pub(super) struct Loader<'k, 's, 'a> {
    pub(super) kb: &'k KnowledgeBase,
    pub(super) sink: &'s mut Sink<'a>,
    /// Partners from elsewhere (a spreadsheet) that complete the file's own.
    extra: &'k [Partner],
    /// Every `funded_by` entry read, checked against the scenario's partners at the end.
    funders: Vec<(Spanned<String>, String)>,
    /// A missing currency is reported once, at the first amount.
    pub(super) reported_currency: bool,
    /// Every role a partner `wants`, checked against the scenario's needs at the end.
    wanted: Vec<(Spanned<RoleIx>, String)>,
}

/// Where a variant's `withdraw` list is, for messages about its entries.
fn f_path_withdraw(variant: &str) -> String {
    read::field_path(variant, "withdraw")
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<&str> {
    items.iter().map(name).collect()
}

impl Loader<'_, '_, '_> {
    fn scenario(&mut self, node: &Node) -> Option<Scenario> {
        if let Kind::Struct(Some(n), _) = &node.kind
            && crate::kb::doc_kinds().contains(&n.text.as_str())
        {
            self.sink
                .error(
                    n.span,
                    "",
                    format!("this is a rule file (`{}(...)`), not a scenario", n.text),
                )
                .help("pass rule files with `--rules DIR`; `rolefit check` accepts both");
            return None;
        }
        let mut f = read::fields(self.sink, node, "", "Scenario")?;
        let name = f
            .require(self.sink, "name")
            .and_then(|n| self.text(n, "name"))
            .map(|s| s.value);
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            self.sink
                .error(f.span, "name", "the scenario name must not be empty");
        }
        let description = f
            .take("description")
            .and_then(|n| self.text(n, "description"))
            .map_or(String::new(), |s| s.value);
        let context = f
            .take("context")
            .map(|n| self.context(n))
            .unwrap_or_default();
        let finance = self.finance(&mut f);
        let needs = match f.require(self.sink, "needs") {
            Some(n) => self.needs(n, &finance),
            None => Vec::new(),
        };
        let mut partners =
            self.partner_list(&mut f, "partners", self.extra.is_empty(), LIMITS.partners);
        for p in self.extra {
            if partners.1.iter().any(|q| q.id == p.id) {
                self.sink.error(
                    f.span,
                    "partners",
                    format!(
                        "partner `{}` is both in the file and in the partner sheet",
                        p.id
                    ),
                );
            } else {
                partners.1.push(p.clone());
            }
        }
        let candidates = self.partner_list(&mut f, "candidates", false, LIMITS.candidates);
        let (_, partners) = partners;
        let (candidate_spans, candidates) = candidates;
        for (i, (c, span)) in candidates.iter().zip(&candidate_spans).enumerate() {
            if partners.iter().any(|p| p.id == c.id) {
                self.sink.error(
                    *span,
                    &format!("candidates[{i}].id"),
                    format!("candidate `{}` is already a partner", c.id),
                );
            }
        }
        let min_sectors = f.take("min_sectors").and_then(|n| {
            let v = read::integer(self.sink, n, "min_sectors", 0, 100)?;
            let mut present: Vec<_> = partners.iter().map(|p| p.sector).collect();
            present.sort();
            present.dedup();
            if v.value as usize > present.len() && !partners.is_empty() {
                self.sink.error(
                    v.span,
                    "min_sectors",
                    format!(
                        "min_sectors is {} but the partners come from only {} sector(s)",
                        v.value,
                        present.len()
                    ),
                );
            }
            Some(v.value as u32)
        });
        let pins = match f.take("pins") {
            Some(n) => self.pins(n, "pins", &partners, &needs),
            None => Vec::new(),
        };
        self.check_pin_totals(&pins, &partners, &needs);
        let commitments = match f.take("commitments") {
            Some(n) => self.commitments(n, "commitments", &finance),
            None => Vec::new(),
        };
        let (mut variants, variant_money) = match f.take("variants") {
            Some(n) => self.variants(n, &partners, &needs, &finance),
            None => (Vec::new(), Vec::new()),
        };
        self.check_funders(&partners, &candidates, &variants, f.span);
        self.check_money(
            &commitments,
            &partners,
            &candidates,
            &mut variants,
            &variant_money,
        );
        self.check_wanted(&needs);
        let largest = variants
            .iter()
            .map(|v| partners.len().saturating_sub(v.remove.len()) + v.add.len())
            .fold(partners.len(), usize::max);
        let checks = rule_checks(self.kb, largest, needs.len());
        if checks > LIMITS.rule_checks {
            self.sink
                .error(
                    f.span,
                    "partners",
                    format!(
                        "matching the {} rules in force against {largest} partners and {} needs takes about {checks} rule checks, more than the limit of {}",
                        self.kb.rules.len(),
                        needs.len(),
                        LIMITS.rule_checks
                    ),
                )
                .help("split the consortium, or use fewer needs or rules");
        }
        f.finish(self.sink);
        let mut finance = finance;
        finance.state(
            commitments
                .iter()
                .map(|w| w.commitment.role)
                .chain(
                    variants
                        .iter()
                        .flat_map(|v| v.commit.iter().map(|c| c.role)),
                )
                .chain(
                    needs
                        .iter()
                        .filter(|(_, n)| n.has_budget())
                        .map(|(_, n)| n.role),
                )
                .chain(
                    partners
                        .iter()
                        .chain(&candidates)
                        .chain(variants.iter().flat_map(|v| &v.add))
                        .flat_map(|p| p.funds.iter().copied()),
                ),
        );
        Some(Scenario {
            name: name?,
            description,
            context,
            needs: needs.into_iter().map(|(_, n)| n).collect(),
            partners,
            pins,
            variants,
            candidates,
            min_sectors,
            finance,
            commitments: commitments.into_iter().map(|w| w.commitment).collect(),
            file: self.sink.src.name.clone(),
        })
    }

    fn text(&mut self, node: &Node, path: &str) -> Option<Spanned<String>> {
        read::text(self.sink, node, path)
    }

    fn context(&mut self, node: &Node) -> Vec<(String, String)> {
        read::string_map(self.sink, node, "context")
            .into_iter()
            .filter_map(|(k, v)| {
                let kpath = key_path("context", &k.value);
                if k.value.chars().count() > LIMITS.text_len {
                    self.sink.error(
                        k.span,
                        "context",
                        format!(
                            "a context key is longer than the limit of {} characters",
                            LIMITS.text_len
                        ),
                    );
                    return None;
                }
                if k.value
                    .chars()
                    .any(|c| c.is_control() || crate::terminal::is_bidi_control(c))
                {
                    self.sink.error(
                        k.span,
                        &kpath,
                        "a context key holds a control character; keys are plain text",
                    );
                    return None;
                }
                let value = match &v.kind {
                    Kind::Str(_) => self.text(v, &kpath)?.value,
                    Kind::Number(n) => n.value.to_string(),
                    Kind::Bool(b) => b.to_string(),
                    _ => {
                        self.sink.error(
                            v.span,
                            &kpath,
                            format!(
                                "expected a string, number or boolean, found {}",
                                v.kind.describe()
                            ),
                        );
                        return None;
                    }
                };
                Some((k.value, value))
            })
            .collect()
    }

    pub(super) fn role_ref(&mut self, node: &Node, path: &str) -> Option<Spanned<RoleIx>> {
        let id = read::id(self.sink, node, path)?;
        match self.kb.role_by_id(&id.value) {
            Some(r) => Some(Spanned::new(r, id.span)),
            None => {
                self.sink
                    .error(id.span, path, format!("unknown role `{}`", id.value))
                    .suggest(&id.value, names(&self.kb.roles, |r| &r.id));
                None
            }
        }
    }

    fn needs(&mut self, node: &Node, finance: &super::Finance) -> Vec<(Span, Need)> {
        let items = self.items(node, "needs");
        if items.is_empty() && matches!(node.kind, Kind::List(_)) {
            self.sink
                .error(node.span, "needs", "the scenario needs at least one role");
        }
        if items.len() > LIMITS.needs {
            self.sink.error(
                node.span,
                "needs",
                format!(
                    "{} needs is more than the limit of {}",
                    items.len(),
                    LIMITS.needs
                ),
            );
            return Vec::new();
        }
        let mut out: Vec<(Span, Need)> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = index_path("needs", i);
            let Some(mut f) = read::fields(self.sink, item, &path, "Need") else {
                continue;
            };
            let role = self.role_field(&mut f);
            let importance = match f.take("importance") {
                Some(n) => {
                    read::integer(self.sink, n, &f.at("importance"), 1, 5).map(|v| v.value as u32)
                }
                None => Some(1),
            };
            let max_partners = LIMITS.partners as i64;
            let min = match f.take("min") {
                Some(n) => read::integer(self.sink, n, &f.at("min"), 0, max_partners)
                    .map(|v| v.value as u32),
                None => Some(1),
            };
            let max_node = f.take("max");
            let max = match max_node {
                Some(n) => read::integer(self.sink, n, &f.at("max"), 1, max_partners)
                    .map(|v| v.value as u32),
                None => min.map(|m| m.max(1)),
            };
            let budget = match f.take("budget") {
                Some(n) => self.budget(n, &f.at("budget"), finance),
                None => Vec::new(),
            };
            if let (Some(lo), Some(hi)) = (min, max)
                && lo > hi
            {
                self.sink.error(
                    max_node.map_or(f.span, |n| n.span),
                    &f.at("max"),
                    format!("max ({hi}) is below min ({lo})"),
                );
            }
            f.finish(self.sink);
            let (Some(role), Some(importance), Some(min), Some(max)) = (role, importance, min, max)
            else {
                continue;
            };
            if out.iter().any(|(_, n)| n.role == role.value) {
                self.sink
                    .error(
                        role.span,
                        &format!("{path}.role"),
                        format!("role `{}` is needed twice", self.kb.role(role.value).id),
                    )
                    .help("list each role once; use `min` and `max` for several partners on it");
                continue;
            }
            out.push((
                role.span,
                Need {
                    role: role.value,
                    importance,
                    min,
                    max,
                    budget,
                },
            ));
        }
        out
    }

    /// Reads a list of partners; ids must be unique within it.
    fn partner_list(
        &mut self,
        f: &mut Fields,
        field: &'static str,
        required: bool,
        limit: usize,
    ) -> (Vec<Span>, Vec<Partner>) {
        let node = if required {
            f.require(self.sink, field)
        } else {
            f.take(field)
        };
        let Some(node) = node else {
            return (Vec::new(), Vec::new());
        };
        let items = self.items(node, field);
        if required && items.is_empty() && matches!(node.kind, Kind::List(_)) {
            self.sink.error(
                node.span,
                field,
                "the scenario has no partners: add at least one `Partner(...)`",
            );
        }
        if items.len() > limit {
            self.sink.error(
                node.span,
                field,
                format!("{} entries is more than the limit of {limit}", items.len()),
            );
            return (Vec::new(), Vec::new());
        }
        let mut spans = Vec::new();
        let mut out: Vec<Partner> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = index_path(field, i);
            let (id, partner) = self.partner(item, &path);
            // Duplicates are checked on the id alone, so they show even when an entry has other errors.
            if let Some(id) = &id {
                if seen.contains(&id.value) {
                    self.sink.error(
                        id.span,
                        &format!("{path}.id"),
                        format!("partner id `{}` is used twice", id.value),
                    );
                    continue;
                }
                seen.push(id.value.clone());
            }
            if let (Some(id), Some(p)) = (id, partner) {
                spans.push(id.span);
                out.push(p);
            }
        }
        (spans, out)
    }

    /// One partner, and its id even when the rest of the entry has errors. Each value is
    /// type-checked here and validated by [`PartnerFields`], as a sheet's cells are.
    fn partner(&mut self, node: &Node, path: &str) -> (Option<Spanned<String>>, Option<Partner>) {
        let Some(mut f) = read::fields(self.sink, node, path, "Partner") else {
            return (None, None);
        };
        let (kb, mut p) = (self.kb, PartnerFields::default());
        let id = f.require(self.sink, "id").and_then(|n| {
            let at = f.at("id");
            let s = read::string(self.sink, n, &at)?;
            let id = p.id(self.sink, span_at(s.span, &at), &s.value)?;
            Some(Spanned::new(id, s.span))
        });
        if let Some(n) = f.take("name") {
            let at = f.at("name");
            if let Some(s) = read::string(self.sink, n, &at) {
                p.name(self.sink, span_at(s.span, &at), &s.value);
            }
        }
        // The organisation type names the sector, so `sector` may be left out beside it.
        let type_node = f.take("type");
        let sector_node = if type_node.is_some() {
            f.take("sector")
        } else {
            f.require(self.sink, "sector")
        };
        if let Some(n) = sector_node {
            let at = f.at("sector");
            if let Some(s) = read::string(self.sink, n, &at) {
                p.sector(kb, self.sink, span_at(s.span, &at), &s.value);
            }
        }
        if let Some(n) = type_node {
            let at = f.at("type");
            if let Some(s) = read::string(self.sink, n, &at) {
                p.org_type(kb, self.sink, span_at(s.span, &at), &s.value);
            }
        }
        if let Some(n) = f.take("capacity") {
            let at = f.at("capacity");
            if let Some(v) = read::number(self.sink, n, &at) {
                p.capacity(self.sink, span_at(v.span, &at), v.value);
            }
        }
        if let Some(map) = f.take("capabilities") {
            let mpath = f.at("capabilities");
            for (key, value) in read::string_map(self.sink, map, &mpath) {
                let kpath = key_path(&mpath, &key.value);
                let cap = p.capability(kb, self.sink, span_at(key.span, &kpath), &key.value);
                if let (Some(cap), Some(v)) = (cap, read::number(self.sink, value, &kpath)) {
                    p.strength(self.sink, span_at(v.span, &kpath), cap, v.value);
                }
            }
        }
        for (field, list) in [
            ("refuses", RoleList::Refuses),
            ("funds", RoleList::Funds),
            ("supplies", RoleList::Supplies),
        ] {
            self.each_string(&mut f, field, |sink, s, at| {
                p.role(kb, sink, span_at(s.span, at), list, &s.value);
            });
        }
        let mut wanted = Vec::new();
        self.each_string(&mut f, "wants", |sink, s, at| {
            if let Some(role) = p.role(kb, sink, span_at(s.span, at), RoleList::Wants, &s.value) {
                wanted.push((Spanned::new(role, s.span), at.to_string()));
            }
        });
        self.wanted.extend(wanted);
        let mut funders = Vec::new();
        self.each_string(&mut f, "funded_by", |sink, s, at| {
            if p.funded_by(sink, span_at(s.span, at), &s.value).is_some() {
                funders.push((s, at.to_string()));
            }
        });
        self.funders.extend(funders);
        self.each_string(&mut f, "attributes", |sink, s, at| {
            p.attribute(kb, sink, span_at(s.span, at), &s.value)
        });
        f.finish(self.sink);
        (id, p.build(kb, self.sink))
    }

    /// Calls `each` with every string of the list in `field` (if given), and its path.
    fn each_string(
        &mut self,
        f: &mut Fields,
        field: &'static str,
        mut each: impl FnMut(&mut Sink, Spanned<String>, &str),
    ) {
        let Some(list) = f.take(field) else {
            return;
        };
        let lpath = f.at(field);
        for (i, item) in read::list(self.sink, list, &lpath)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let ipath = index_path(&lpath, i);
            if let Some(s) = read::string(self.sink, item, &ipath) {
                each(self.sink, s, &ipath);
            }
        }
    }

    /// Each `funded_by` names an organisation of the scenario: a partner, a candidate, or a
    /// partner a variant adds (a typo would otherwise leave the relation silently unused).
    fn check_funders(
        &mut self,
        partners: &[Partner],
        candidates: &[Partner],
        variants: &[Variant],
        span: crate::source::Span,
    ) {
        let known = known_ids(partners, candidates, variants);
        for p in self.extra {
            for funder in p.funded_by.iter().filter(|f| !known.contains(&f.as_str())) {
                self.sink
                    .error(
                        span,
                        "partners",
                        format!(
                            "partner `{}` of the partner sheet is funded by `{funder}`, which is not in the scenario",
                            p.id
                        ),
                    )
                    .suggest(funder, known.iter().copied());
            }
        }
        for (funder, path) in std::mem::take(&mut self.funders) {
            if !known.contains(&funder.value.as_str()) {
                self.sink
                    .error(
                        funder.span,
                        &path,
                        format!("no partner `{}` in the scenario", funder.value),
                    )
                    .suggest(&funder.value, known.iter().copied());
            }
        }
    }

    /// A wish for a role the scenario does not need can never be met: said, not refused.
    fn check_wanted(&mut self, needs: &[(Span, Need)]) {
        for (role, path) in std::mem::take(&mut self.wanted) {
            if !needs.iter().any(|(_, n)| n.role == role.value) {
                let id = &self.kb.role(role.value).id;
                self.sink
                    .warning(
                        role.span,
                        &path,
                        format!("the scenario does not need `{id}`, so this wish cannot be met"),
                    )
                    .help(format!(
                        "add `Need(role: \"{id}\")` to `needs`, or drop the wish"
                    ));
            }
        }
    }

    fn pins(
        &mut self,
        node: &Node,
        field: &str,
        partners: &[Partner],
        needs: &[(Span, Need)],
    ) -> Vec<Pin> {
        let mut out: Vec<Pin> = Vec::new();
        for (i, item) in self.items(node, field).iter().enumerate() {
            let path = index_path(field, i);
            let Some(mut f) = read::fields(self.sink, item, &path, "Pin") else {
                continue;
            };
            let partner = self.partner_field(&mut f, partners);
            let role = self.role_field(&mut f);
            let lead = f
                .take("lead")
                .and_then(|n| read::boolean(self.sink, n, &f.at("lead")))
                .unwrap_or(false);
            f.finish(self.sink);
            let (Some((pi, _)), Some(role)) = (partner, role) else {
                continue;
            };
            let p = &partners[pi];
            let role_id = &self.kb.role(role.value).id;
            if !needs.iter().any(|(_, n)| n.role == role.value) {
                self.sink
                    .error(
                        role.span,
                        &format!("{path}.role"),
                        format!(
                            "`{}` is pinned to `{role_id}`, which the scenario does not need",
                            p.id
                        ),
                    )
                    .help(format!("add `Need(role: \"{role_id}\")` to `needs`"));
                continue;
            }
            if p.refuses.contains(&role.value) {
                self.sink.error(
                    item.span,
                    &path,
                    format!("`{}` is pinned to `{role_id}` but refuses it (`refuses` in its partner entry)", p.id),
                );
                continue;
            }
            if out
                .iter()
                .any(|o| o.partner == p.id && o.role == role.value)
            {
                self.sink.error(
                    item.span,
                    &path,
                    format!("`{}` is pinned to `{role_id}` twice", p.id),
                );
                continue;
            }
            if lead && out.iter().any(|o| o.role == role.value && o.lead) {
                self.sink.error(
                    item.span,
                    &path,
                    format!("two partners are pinned to lead `{role_id}`"),
                );
                continue;
            }
            out.push(Pin {
                partner: p.id.clone(),
                role: role.value,
                lead,
                span: Some(item.span),
            });
        }
        out
    }

    /// The items of the list `field` (none if it is absent or not a list, which is reported).
    fn items<'n>(&mut self, node: &'n Node, field: &str) -> &'n [Node] {
        read::list(self.sink, node, field).unwrap_or(&[])
    }

    /// A struct's required `partner` field, resolved among the scenario's partners.
    fn partner_field(&mut self, f: &mut Fields, partners: &[Partner]) -> Option<(usize, Span)> {
        let node = f.require(self.sink, "partner")?;
        self.partner_ref(node, &f.at("partner"), partners)
    }

    /// A struct's required `role` field, resolved in the catalogue.
    fn role_field(&mut self, f: &mut Fields) -> Option<Spanned<RoleIx>> {
        let node = f.require(self.sink, "role")?;
        self.role_ref(node, &f.at("role"))
    }

    fn partner_ref(
        &mut self,
        node: &Node,
        path: &str,
        partners: &[Partner],
    ) -> Option<(usize, Span)> {
        let id = read::id(self.sink, node, path)?;
        match partners.iter().position(|p| p.id == id.value) {
            Some(i) => Some((i, id.span)),
            None => {
                self.sink
                    .error(id.span, path, format!("unknown partner `{}`", id.value))
                    .suggest(&id.value, names(partners, |p| &p.id));
                None
            }
        }
    }

    /// Pins beyond a partner's capacity or a need's `max` can never hold together.
    fn check_pin_totals(&mut self, pins: &[Pin], partners: &[Partner], needs: &[(Span, Need)]) {
        for p in partners {
            let mine: Vec<&Pin> = pins.iter().filter(|pin| pin.partner == p.id).collect();
            if mine.len() > p.capacity as usize {
                let roles: Vec<&str> = mine
                    .iter()
                    .map(|pin| self.kb.role(pin.role).id.as_str())
                    .collect();
                let span = mine[p.capacity as usize].span.unwrap_or_default();
                self.sink
                    .error(
                        span,
                        "pins",
                        format!(
                            "`{}` is pinned to {} roles ({}) but its capacity is {}",
                            p.id,
                            mine.len(),
                            roles.join(", "),
                            p.capacity
                        ),
                    )
                    .help(format!("raise `capacity` of `{}` or remove a pin", p.id));
            }
        }
        for (span, need) in needs {
            let on_role = pins.iter().filter(|pin| pin.role == need.role).count();
            if on_role > need.max as usize {
                self.sink.error(
                    *span,
                    "needs",
                    format!(
                        "{on_role} partners are pinned to `{}` but its `max` is {}",
                        self.kb.role(need.role).id,
                        need.max
                    ),
                );
            }
        }
    }

    fn variants(
        &mut self,
        node: &Node,
        partners: &[Partner],
        needs: &[(Span, Need)],
        finance: &super::Finance,
    ) -> (Vec<Variant>, Vec<super::money::VariantMoney>) {
        let items = self.items(node, "variants");
        if items.len() > LIMITS.variants {
            self.sink.error(
                node.span,
                "variants",
                format!(
                    "{} variants is more than the limit of {}",
                    items.len(),
                    LIMITS.variants
                ),
            );
            return (Vec::new(), Vec::new());
        }
        let mut out: Vec<Variant> = Vec::new();
        let mut money = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = index_path("variants", i);
            let Some(mut f) = read::fields(self.sink, item, &path, "Variant") else {
                continue;
            };
            let name = f
                .require(self.sink, "name")
                .and_then(|n| self.text(n, &f.at("name")));
            let mut remove = Vec::new();
            let remove_node = f.take("remove");
            if let Some(list) = remove_node {
                let rpath = f.at("remove");
                for (j, n) in read::list(self.sink, list, &rpath)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    if let Some((pi, _)) = self.partner_ref(n, &index_path(&rpath, j), partners) {
                        remove.push(partners[pi].id.clone());
                    }
                }
            }
            let (add_spans, add) = self.partner_list(&mut f, "add", false, LIMITS.partners);
            for (p, span) in add.iter().zip(&add_spans) {
                if partners.iter().any(|o| o.id == p.id) && !remove.contains(&p.id) {
                    self.sink
                        .error(
                            *span,
                            &format!("{path}.add"),
                            format!(
                                "variant adds partner `{}`, which is already in the line-up",
                                p.id
                            ),
                        )
                        .help("remove it in the same variant to replace it");
                }
            }
            let mut all: Vec<Partner> = partners
                .iter()
                .filter(|p| !remove.contains(&p.id))
                .cloned()
                .collect();
            all.extend(add.iter().cloned());
            if all.len() > LIMITS.partners {
                self.sink.error(
                    item.span,
                    &path,
                    format!(
                        "the variant's line-up has {} partners, more than the limit of {}",
                        all.len(),
                        LIMITS.partners
                    ),
                );
            }
            let change_node = f.take("change");
            let change = match change_node {
                Some(n) => self.partner_changes(n, &f.at("change"), &all),
                None => Vec::new(),
            };
            for c in &change {
                if let Some(p) = all.iter_mut().find(|p| p.id == c.partner) {
                    c.apply(p);
                }
            }
            let forbid_node = f.take("forbid");
            let forbid = match forbid_node {
                Some(n) => self.forbids(n, &f.at("forbid"), &all, needs),
                None => Vec::new(),
            };
            for (partner, role) in &forbid {
                if let Some(p) = all.iter_mut().find(|p| &p.id == partner)
                    && !p.refuses.contains(role)
                {
                    p.refuses.push(*role);
                }
            }
            let pins_node = f.take("pins");
            let pins = match pins_node {
                Some(n) => self.pins(n, &f.at("pins"), &all, needs),
                None => Vec::new(),
            };
            let withdraw_node = f.take("withdraw");
            let mut withdraw: Vec<Spanned<String>> = Vec::new();
            if let Some(list) = withdraw_node {
                let wpath = f.at("withdraw");
                for (j, n) in read::list(self.sink, list, &wpath)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    if let Some(id) = read::id(self.sink, n, &index_path(&wpath, j)) {
                        withdraw.push(id);
                    }
                }
            }
            let commit_node = f.take("commit");
            let commit = match commit_node {
                Some(n) => self.commitments(n, &f.at("commit"), finance),
                None => Vec::new(),
            };
            f.finish(self.sink);
            // Written changes, counted before validation dropped the invalid ones.
            let written = |n: Option<&Node>| {
                n.is_some_and(|n| !matches!(&n.kind, Kind::List(v) if v.is_empty()))
            };
            let changes_written = written(remove_node)
                || !add_spans.is_empty()
                || written(change_node)
                || written(forbid_node)
                || written(pins_node)
                || written(withdraw_node)
                || written(commit_node);
            let Some(name) = name else {
                continue;
            };
            if name.value.trim().is_empty() {
                self.sink
                    .error(name.span, &format!("{path}.name"), "a variant needs a name");
                continue;
            }
            if out.iter().any(|v| v.name == name.value) {
                self.sink.error(
                    name.span,
                    &format!("{path}.name"),
                    format!("variant name {:?} is used twice", name.value),
                );
                continue;
            }
            if !changes_written {
                self.sink.warning(
                    item.span,
                    &path,
                    format!("variant {:?} changes nothing", name.value),
                );
            }
            out.push(Variant {
                name: name.value,
                remove,
                add,
                change,
                forbid,
                pins,
                withdraw: Vec::new(),
                commit: commit.iter().map(|w| w.commitment.clone()).collect(),
            });
            money.push(super::money::VariantMoney {
                path: f_path_withdraw(&path),
                commit,
                withdraw,
            });
        }
        (out, money)
    }

    /// A variant's `change: [Change(partner: "ucad", capacity: 3, capabilities: {...})]`.
    fn partner_changes(
        &mut self,
        node: &Node,
        field: &str,
        partners: &[Partner],
    ) -> Vec<PartnerChange> {
        let mut out: Vec<PartnerChange> = Vec::new();
        for (i, item) in self.items(node, field).iter().enumerate() {
            let path = index_path(field, i);
            let Some(mut f) = read::fields(self.sink, item, &path, "Change") else {
                continue;
            };
            let partner = self.partner_field(&mut f, partners);
            let capacity = f.take("capacity").and_then(|n| {
                read::integer(self.sink, n, &f.at("capacity"), 0, LIMITS.capacity)
                    .map(|v| v.value as u32)
            });
            let mut capabilities: Vec<(CapIx, f64)> = Vec::new();
            if let Some(map) = f.take("capabilities") {
                let mpath = f.at("capabilities");
                for (key, value) in read::string_map(self.sink, map, &mpath) {
                    let kpath = key_path(&mpath, &key.value);
                    let strength = read::number_in(self.sink, value, &kpath, 0.0, 1.0);
                    match self.kb.capability_by_id(&key.value) {
                        Some(cap) => {
                            if let Some(s) = strength {
                                capabilities.push((cap, s.value));
                            }
                        }
                        None => {
                            self.sink
                                .error(
                                    key.span,
                                    &kpath,
                                    format!("unknown capability `{}`", key.value),
                                )
                                .suggest(&key.value, names(&self.kb.capabilities, |c| &c.id));
                        }
                    }
                }
            }
            let wants = f.take("wants").map(|list| {
                let lpath = f.at("wants");
                let mut roles = Vec::new();
                for (k, item) in read::list(self.sink, list, &lpath)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let ipath = index_path(&lpath, k);
                    if let Some(r) = self.role_ref(item, &ipath) {
                        if !roles.contains(&r.value) {
                            roles.push(r.value);
                        }
                        self.wanted.push((r, ipath));
                    }
                }
                roles
            });
            f.finish(self.sink);
            let Some((pi, span)) = partner else {
                continue;
            };
            let id = partners[pi].id.clone();
            if let Some(r) = wants
                .iter()
                .flatten()
                .find(|r| partners[pi].refuses.contains(r))
            {
                self.sink.error(
                    span,
                    &path,
                    format!(
                        "`{id}` would ask for `{}`, which it refuses",
                        self.kb.role(*r).id
                    ),
                );
                continue;
            }
            if out.iter().any(|c| c.partner == id) {
                self.sink
                    .error(span, &path, format!("partner `{id}` is changed twice"))
                    .help("put every change to a partner in one `Change(...)`");
                continue;
            }
            if capacity.is_none() && capabilities.is_empty() && wants.is_none() {
                self.sink.warning(
                    item.span,
                    &path,
                    format!("the change to `{id}` changes nothing"),
                );
            }
            out.push(PartnerChange {
                partner: id,
                capacity,
                capabilities,
                wants,
            });
        }
        out
    }

    /// A variant's `forbid: [Forbid(partner: "x", role: "y")]`: roles partners are kept out of.
    fn forbids(
        &mut self,
        node: &Node,
        field: &str,
        partners: &[Partner],
        needs: &[(Span, Need)],
    ) -> Vec<(String, RoleIx)> {
        let mut out: Vec<(String, RoleIx)> = Vec::new();
        for (i, item) in self.items(node, field).iter().enumerate() {
            let path = index_path(field, i);
            let Some(mut f) = read::fields(self.sink, item, &path, "Forbid") else {
                continue;
            };
            let partner = self.partner_field(&mut f, partners);
            let role = self.role_field(&mut f);
            f.finish(self.sink);
            let (Some((pi, _)), Some(role)) = (partner, role) else {
                continue;
            };
            let id = partners[pi].id.clone();
            let role_id = &self.kb.role(role.value).id;
            if !needs.iter().any(|(_, n)| n.role == role.value) {
                self.sink.error(
                    role.span,
                    &format!("{path}.role"),
                    format!("`{id}` is kept out of `{role_id}`, which the scenario does not need"),
                );
                continue;
            }
            if out.iter().any(|(p, r)| p == &id && *r == role.value) {
                self.sink.error(
                    item.span,
                    &path,
                    format!("`{id}` is kept out of `{role_id}` twice"),
                );
                continue;
            }
            out.push((id, role.value));
        }
        out
    }
}

/// Every partner id the scenario can bring to the table: its partners, its candidates and those
/// its variants add.
pub(super) fn known_ids<'a>(
    partners: &'a [Partner],
    candidates: &'a [Partner],
    variants: &'a [Variant],
) -> Vec<&'a str> {
    partners
        .iter()
        .chain(candidates)
        .chain(variants.iter().flat_map(|v| &v.add))
        .map(|p| p.id.as_str())
        .collect()
}
