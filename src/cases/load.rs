//! Case file -> validated [`Case`], reporting every problem with its position, as scenarios are.
//!
//! Everything a case names is checked against the knowledge base and the line-up it solves
//! (after its variant and what-ifs): an expectation about a partner that is not there, a role
//! the scenario does not need or a flag kind no rule raises would hold or fail for the wrong
//! reason, so each is an error with a "did you mean".

use super::{AdditionalityPattern, Case, Expect, Expectation, FlagPattern, Suite, Who};
use crate::additionality::Verdict;
use crate::diag::{Diagnostic, Sink, closest};
use crate::kb::{self, KnowledgeBase, Severity};
use crate::load::Document;
use crate::ron::parse::{Kind, Node};
use crate::ron::read::{self, Fields, Variant, index_path};
use crate::scenario::{self, LineUp, Scenario, WhatIf};
use crate::solve::Status;
use crate::source::{Span, Spanned};
use std::path::{Component, Path, PathBuf};

/// What a case says about itself, read even when the rest of it is invalid: a pending case
/// that cannot be read yet (it uses a field the knowledge base does not know yet) is still
/// reported as pending, with its reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    /// The case's `name`, when it has one.
    pub name: Option<String>,
    /// Where the expectations come from: papers, programme documentation, Table 1 cells.
    pub sources: Vec<String>,
    /// Why the case is a known failure, when it is one.
    pub pending: Option<String>,
}

/// A case file read: its header, and the case when it has no errors.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The header, read whatever else is wrong.
    pub header: Header,
    /// The case, when the file has no errors.
    pub case: Option<Case>,
}

/// The kinds of expectation, as written.
const EXPECTATIONS: [&str; 11] = [
    "Holds",
    "NotHolds",
    "Uncovered",
    "Covered",
    "Flag",
    "NoFlag",
    "Status",
    "Fit",
    "Financed",
    "Unfinanced",
    "Additionality",
];

const WHAT_IFS: [&str; 5] = ["Without", "With", "Pin", "Forbid", "Unfunded"];

/// Whether a document is one a case folder may hold beside its cases: a scenario, a rule file
/// or a sweep (cases refer to them). Anything else found there is read as a case.
pub fn is_supporting(doc: &Document) -> bool {
    matches!(&doc.root, Ok(node) if matches!(&node.kind,
        Kind::Struct(Some(n), _) | Kind::Tuple(Some(n), _)
            if n.text == "Scenario" || n.text == "Sweep" || kb::doc_kinds().contains(&n.text.as_str())))
}

/// Validates a parsed case file, reading the scenario and rule files it names.
pub fn load_case(suite: &Suite, doc: &Document) -> (Loaded, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut other = Vec::new();
    let mut sink = Sink::new(&doc.source, &mut diags);
    let (header, case) = match &doc.root {
        Ok(node) => Loader {
            suite,
            sink: &mut sink,
            other: &mut other,
        }
        .case(node),
        Err(e) => {
            sink.error(e.span, "", e.message.clone());
            (Header::default(), None)
        }
    };
    drop(sink);
    diags.extend(other);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (
        Loaded {
            header,
            case: case.filter(|_| ok),
        },
        diags,
    )
}

struct Loader<'a, 's, 'src> {
    suite: &'a Suite,
    sink: &'s mut Sink<'src>,
    /// Diagnostics of the files the case names (its scenario file, its rule files).
    other: &'s mut Vec<Diagnostic>,
}

fn errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

impl Loader<'_, '_, '_> {
    fn case(&mut self, node: &Node) -> (Header, Option<Case>) {
        let mut header = Header::default();
        if let Kind::Struct(Some(n), _) | Kind::Tuple(Some(n), _) = &node.kind
            && (n.text == "Scenario" || kb::doc_kinds().contains(&n.text.as_str()))
        {
            self.sink
                .error(
                    n.span,
                    "",
                    format!("this is a `{}(...)` file, not a case", n.text),
                )
                .help("a case is `Case(name: ..., sources: [...], given: ..., expect: [...])`; it names a scenario file in `given`");
            return (header, None);
        }
        let Some(mut f) = read::fields(self.sink, node, "", "Case") else {
            return (header, None);
        };
        header.name = f
            .require(self.sink, "name")
            .and_then(|n| self.nonempty_text(n, "name", "a case needs a name"));
        header.sources = match f.require(self.sink, "sources") {
            Some(n) => self.sources(n),
            None => Vec::new(),
        };
        header.pending = f.take("pending").and_then(|n| {
            self.nonempty_text(
                n,
                "pending",
                "say why the case is pending: what the knowledge base does not do yet",
            )
        });
        let own_rules = match f.take("rules") {
            Some(n) => match self.rules(n) {
                Some(kb) => Some(kb),
                None => return (header, None),
            },
            None => None,
        };
        let case = {
            let kb = own_rules.as_ref().unwrap_or(&self.suite.kb);
            self.body(&mut f, kb)
        };
        f.finish(self.sink);
        let case = case.map(|(line_up, expectations)| Case {
            line_up,
            expectations,
            rules: own_rules,
        });
        (header, case)
    }

    /// The line-up (given, variant, what-ifs) and the expectations about it.
    fn body(&mut self, f: &mut Fields, kb: &KnowledgeBase) -> Option<(LineUp, Vec<Expectation>)> {
        let given = f.require(self.sink, "given");
        let variant = f.take("variant");
        let what_if = f.take("what_if");
        let expect = f.require(self.sink, "expect");
        let scenario = self.given(given?, kb)?;
        let mut line_up = match variant {
            Some(n) => self.variant(n, &scenario)?,
            None => scenario.base(),
        };
        if let Some(n) = what_if {
            let before = errors(self.sink.out);
            for (i, item) in read::list(self.sink, n, "what_if")
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let path = index_path("what_if", i);
                if let Some(change) = self.what_if(item, &path, kb)
                    && let Err(e) = line_up.apply(kb, &change)
                {
                    self.sink.error(item.span, &path, e);
                }
            }
            if errors(self.sink.out) > before {
                return None;
            }
        }
        let expect = expect?;
        let items = read::list(self.sink, expect, "expect")?;
        if items.is_empty() {
            self.sink.error(
                expect.span,
                "expect",
                "a case expects something: add at least one expectation",
            );
        }
        let expectations = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let path = index_path("expect", i);
                let expect = self.expectation(item, &path, kb, &line_up)?;
                let (line, column) = self.sink.src.line_col(item.span.start);
                Some(Expectation {
                    expect,
                    line,
                    column,
                })
            })
            .collect();
        Some((line_up, expectations))
    }

    fn nonempty_text(&mut self, node: &Node, path: &str, empty: &str) -> Option<String> {
        let t = read::text(self.sink, node, path)?;
        if t.value.trim().is_empty() {
            self.sink.error(t.span, path, empty.to_string());
            return None;
        }
        Some(t.value)
    }

    fn sources(&mut self, node: &Node) -> Vec<String> {
        let out = read::list_of(self.sink, node, "sources", |sink, n, path| {
            let t = read::text(sink, n, path)?;
            if t.value.trim().is_empty() {
                sink.error(t.span, path, "a source must not be empty");
                return None;
            }
            Some(t.value)
        });
        if out.is_empty() && matches!(&node.kind, Kind::List(v) if v.is_empty()) {
            self.sink
                .error(node.span, "sources", "a case states where its expectations come from")
                .help("cite the paper, programme documentation or Table 1 cell, e.g. \"Table 1 (seed 002), civil society, collaboration risks: mission drift\"");
        }
        out
    }

    /// A file the case names: a path relative to the case file (never standard input, which
    /// the case file itself may be read from), and only a `.ron` file (or, for `rules`, a
    /// directory of them).
    fn named_file(&mut self, written: &Spanned<String>, field: &str) -> Option<PathBuf> {
        if written.value.trim().is_empty() || written.value == "-" {
            self.sink.error(
                written.span,
                field,
                "name a file, relative to the case file",
            );
            return None;
        }
        let path = self.beside(&written.value);
        if let Some(why) = crate::load::only_ron(&path, field == "rules") {
            self.sink.error(written.span, field, why.to_string());
            return None;
        }
        Some(path)
    }

    /// A path written in the case, relative to the case file.
    fn beside(&self, written: &str) -> PathBuf {
        let base = Path::new(&self.sink.src.name)
            .parent()
            .unwrap_or(Path::new(""));
        normalise(&base.join(written))
    }

    /// Reports a file the case names that cannot be read, suggesting a close name beside it.
    fn unreadable(&mut self, span: Span, path: &str, file: &Path, e: crate::load::LoadError) {
        let d = self.sink.error(span, path, e.to_string());
        if let (Some(dir), Some(name)) = (file.parent(), file.file_name()) {
            let names = crate::load::ron_names(dir);
            if let Some(c) = closest(&name.to_string_lossy(), names.iter().map(String::as_str)) {
                d.help(format!("did you mean `{}`?", dir.join(c).display()));
            }
        }
    }

    /// `rules: "dir"` or `rules: ["dir", "file.ron"]`: rule files that extend the suite's.
    fn rules(&mut self, node: &Node) -> Option<KnowledgeBase> {
        let written: Vec<Spanned<String>> = match &node.kind {
            Kind::Str(_) => read::text(self.sink, node, "rules").into_iter().collect(),
            _ => read::list_of(self.sink, node, "rules", read::text),
        };
        if written.is_empty() {
            self.sink
                .error(
                    node.span,
                    "rules",
                    "name at least one rule file or directory",
                )
                .help("leave `rules` out to run the case against the rules in force");
            return None;
        }
        let mut docs = self.suite.docs.clone();
        let base = docs.len();
        let mut ok = true;
        for w in &written {
            let Some(path) = self.named_file(w, "rules") else {
                ok = false;
                continue;
            };
            match crate::load::read_rules(&path) {
                Ok(sources) => docs.extend(sources.into_iter().map(Document::parse)),
                Err(e) => {
                    self.unreadable(w.span, "rules", &path, e);
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        let own: Vec<&str> = docs[base..]
            .iter()
            .map(|d| d.source.name.as_str())
            .collect();
        let (kb, diags) = kb::load_rules(&docs);
        self.other
            .extend(diags.into_iter().filter(|d| own.contains(&d.file.as_str())));
        kb
    }

    /// `given: "scenario.ron"` (relative to the case file) or `given: Scenario(...)`.
    fn given(&mut self, node: &Node, kb: &KnowledgeBase) -> Option<Scenario> {
        match &node.kind {
            Kind::Str(_) => {
                let written = read::text(self.sink, node, "given")?;
                let path = self.named_file(&written, "given")?;
                let source = match crate::load::read_source(&path.display().to_string()) {
                    Ok(s) => s,
                    Err(e) => {
                        self.unreadable(written.span, "given", &path, e);
                        return None;
                    }
                };
                let doc = Document::parse(source);
                let (scenario, diags) = scenario::load_scenario(kb, &doc);
                self.other.extend(diags);
                scenario
            }
            Kind::Struct(None, _) => scenario::load_node(kb, self.sink, node),
            Kind::Struct(Some(n), _) if n.text == "Scenario" => {
                scenario::load_node(kb, self.sink, node)
            }
            _ => {
                self.sink.error(
                    node.span,
                    "given",
                    format!(
                        "expected a scenario file's path or `Scenario(...)`, found {}",
                        node.kind.describe()
                    ),
                );
                None
            }
        }
    }

    fn variant(&mut self, node: &Node, scenario: &Scenario) -> Option<LineUp> {
        let name = read::text(self.sink, node, "variant")?;
        if let Some(v) = scenario.variant(&name.value) {
            return Some(scenario.line_up(v));
        }
        let names: Vec<&str> = scenario.variants.iter().map(|v| v.name.as_str()).collect();
        let d = self.sink.error(
            name.span,
            "variant",
            format!("the scenario has no variant named {:?}", name.value),
        );
        match closest(&name.value, names.iter().copied()) {
            Some(c) => {
                d.help(format!("did you mean {c:?}?"));
            }
            None if names.is_empty() => {
                d.help("the scenario has no variants");
            }
            None => {
                d.help(format!(
                    "its variants are: {}",
                    names
                        .iter()
                        .map(|n| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        None
    }

    /// One what-if: `Without("id")`, `Unfunded("id")`, `With(Partner(...))`,
    /// `Pin(partner: "id", role: "role", lead: true)`, `Forbid(partner: "id", role: "role")`.
    fn what_if(&mut self, node: &Node, path: &str, kb: &KnowledgeBase) -> Option<WhatIf> {
        let (name, body) = read::variant(self.sink, node, path)?;
        match (name.value.as_str(), body) {
            ("Without" | "Unfunded", Variant::Tuple([id])) => {
                let id = read::id(self.sink, id, path)?.value;
                Some(if name.value == "Without" {
                    WhatIf::Without(id)
                } else {
                    WhatIf::Unfunded(id)
                })
            }
            ("With", Variant::Tuple([partner])) => {
                scenario::load_partner_node(kb, self.sink, partner, &format!("{path}.partner"))
                    .map(|p| WhatIf::With(Box::new(p)))
            }
            ("Pin" | "Forbid", Variant::Struct(mut f)) => {
                let partner = f
                    .require(self.sink, "partner")
                    .and_then(|n| read::id(self.sink, n, &f.at("partner")));
                let role = f
                    .require(self.sink, "role")
                    .and_then(|n| self.role(n, &f.at("role"), kb, None));
                let lead = if name.value == "Pin" {
                    f.take("lead")
                        .and_then(|n| read::boolean(self.sink, n, &f.at("lead")))
                        .unwrap_or(false)
                } else {
                    false
                };
                f.finish(self.sink);
                let (partner, role) = (partner?.value, role?);
                let role = kb.role_by_id(&role)?;
                Some(if name.value == "Pin" {
                    WhatIf::Pin {
                        partner,
                        role,
                        lead,
                    }
                } else {
                    WhatIf::Forbid { partner, role }
                })
            }
            (known, _) if WHAT_IFS.contains(&known) => {
                let shape = match known {
                    "With" => "`With(Partner(...))`",
                    "Pin" => "`Pin(partner: \"id\", role: \"role\", lead: true)`",
                    "Forbid" => "`Forbid(partner: \"id\", role: \"role\")`",
                    _ => "`Without(\"id\")` or `Unfunded(\"id\")`",
                };
                self.sink.error(node.span, path, format!("write {shape}"));
                None
            }
            (other, _) => {
                self.sink
                    .error(name.span, path, format!("unknown what-if `{other}`"))
                    .suggest(other, WHAT_IFS);
                None
            }
        }
    }

    /// A role id the knowledge base knows; with a line-up, one its scenario needs (an
    /// expectation about a role nobody is asked to take would hold or fail trivially).
    fn role(
        &mut self,
        node: &Node,
        path: &str,
        kb: &KnowledgeBase,
        line_up: Option<&LineUp>,
    ) -> Option<String> {
        let id = read::id(self.sink, node, path)?;
        let Some(ix) = kb.role_by_id(&id.value) else {
            self.sink
                .error(id.span, path, format!("unknown role `{}`", id.value))
                .suggest(&id.value, kb.roles.iter().map(|r| r.id.as_str()));
            return None;
        };
        if let Some(l) = line_up
            && !l.needs.iter().any(|n| n.role == ix)
        {
            self.sink
                .error(
                    id.span,
                    path,
                    format!("the scenario does not need `{}`", id.value),
                )
                .help(format!(
                    "add `Need(role: \"{}\")` to the scenario, or expect something about a role it needs",
                    id.value
                ));
            return None;
        }
        Some(id.value)
    }

    fn partner(&mut self, node: &Node, path: &str, line_up: &LineUp) -> Option<String> {
        let id = read::id(self.sink, node, path)?;
        if line_up.partner_index(&id.value).is_some() {
            return Some(id.value);
        }
        self.sink
            .error(
                id.span,
                path,
                format!("no partner `{}` in the line-up the case solves", id.value),
            )
            .suggest(&id.value, line_up.partners.iter().map(|p| p.id.as_str()));
        None
    }

    fn sector(&mut self, node: &Node, path: &str, kb: &KnowledgeBase) -> Option<String> {
        let id = read::id(self.sink, node, path)?;
        if kb.sector_by_id(&id.value).is_some() {
            return Some(id.value);
        }
        self.sink
            .error(id.span, path, format!("unknown sector `{}`", id.value))
            .suggest(&id.value, kb.sectors.iter().map(|s| s.id.as_str()));
        None
    }

    /// `partner: "id"` or `sector: "id"`, exactly one.
    fn who(&mut self, f: &mut Fields, kb: &KnowledgeBase, line_up: &LineUp) -> Option<Who> {
        let partner = f.take("partner");
        let sector = f.take("sector");
        match (partner, sector) {
            (Some(p), None) => self.partner(p, &f.at("partner"), line_up).map(Who::Partner),
            (None, Some(s)) => self.sector(s, &f.at("sector"), kb).map(Who::Sector),
            (Some(_), Some(s)) => {
                self.sink.error(
                    s.span,
                    &f.at("sector"),
                    "give `partner` or `sector`, not both",
                );
                None
            }
            (None, None) => {
                self.sink
                    .error(f.span, &f.path, "missing field `partner` (or `sector`)")
                    .help("name one partner of the line-up, or a sector for \"some partner of the sector\"");
                None
            }
        }
    }

    /// `Additionality(funder, commitment?, verdict?, additional?, overlaps?, leverages?)`: the
    /// funder must commit money in the line-up, and the commitment must be one of its own, so a
    /// typo cannot make the expectation hold by accident.
    fn additionality(
        &mut self,
        f: &mut Fields,
        kb: &KnowledgeBase,
        line_up: &LineUp,
    ) -> Option<AdditionalityPattern> {
        let funder_node = f.require(self.sink, "funder");
        let funder = funder_node.and_then(|n| self.partner(n, &f.at("funder"), line_up));
        let own: Vec<String> = line_up
            .all_commitments(kb)
            .into_iter()
            .filter(|c| funder.as_ref().is_some_and(|x| &c.funder == x))
            .map(|c| c.id)
            .collect();
        let moneyless = funder.as_ref().is_some_and(|_| own.is_empty());
        if let (Some(x), Some(n), true) = (&funder, funder_node, moneyless) {
            self.sink
                .error(
                    n.span,
                    &f.at("funder"),
                    format!("`{x}` commits no money in the line-up the case solves"),
                )
                .help("name a partner with a `Commitment(...)` or a `funds` entry");
        }
        // Every field is read before giving up, so one mistake is not reported as several.
        let commitment = match f.take("commitment") {
            Some(n) => 'c: {
                let Some(id) = read::id(self.sink, n, &f.at("commitment")) else {
                    break 'c None;
                };
                if !moneyless && !own.contains(&id.value) {
                    self.sink
                        .error(
                            id.span,
                            &f.at("commitment"),
                            format!(
                                "`{}` is not a commitment of `{}`",
                                id.value,
                                funder.as_deref().unwrap_or("the funder")
                            ),
                        )
                        .suggest(&id.value, own.iter().map(String::as_str));
                    break 'c None;
                }
                Some(Some(id.value))
            }
            None => Some(None),
        };
        let verdict = match f.take("verdict") {
            Some(n) => {
                let names = ["additional", "partly_additional", "not_additional"];
                read::symbol(self.sink, n, &f.at("verdict"), &names).map(|v| {
                    Some(match v.value {
                        "additional" => Verdict::Additional,
                        "partly_additional" => Verdict::PartlyAdditional,
                        _ => Verdict::NotAdditional,
                    })
                })
            }
            None => Some(None),
        };
        let additional = self.amount(f, "additional");
        let overlaps = self.amount(f, "overlaps");
        let leverages = self.amount(f, "leverages");
        let pattern = AdditionalityPattern {
            funder: funder?,
            commitment: commitment?,
            verdict: verdict?,
            additional: additional?,
            overlaps: overlaps?,
            leverages: leverages?,
        };
        if moneyless {
            return None;
        }
        if pattern.verdict.is_none()
            && pattern.additional.is_none()
            && pattern.overlaps.is_none()
            && pattern.leverages.is_none()
        {
            self.sink.error(
                f.span,
                &f.path,
                "give `verdict`, or an amount (`additional`, `overlaps`, `leverages`)",
            );
            return None;
        }
        Some(pattern)
    }

    /// An optional amount of money: `Some(None)` when absent, `None` when written wrong.
    fn amount(&mut self, f: &mut Fields, name: &'static str) -> Option<Option<f64>> {
        let Some(n) = f.take(name) else {
            return Some(None);
        };
        let v = read::number(self.sink, n, &f.at(name))?;
        if v.value < 0.0 {
            self.sink.error(
                n.span,
                &f.at(name),
                format!("{} is negative: an amount of money is 0 or more", v.value),
            );
            return None;
        }
        Some(Some(v.value))
    }

    fn severity(&mut self, node: &Node, path: &str) -> Option<Severity> {
        read::symbol(self.sink, node, path, &Severity::NAMES)
            .and_then(|s| Severity::from_name(s.value))
    }

    fn flag_pattern(
        &mut self,
        f: &mut Fields,
        kb: &KnowledgeBase,
        line_up: &LineUp,
    ) -> Option<FlagPattern> {
        let mut ok = true;
        let mut p = FlagPattern::default();
        if let Some(n) = f.take("kind") {
            p.kind = self.flag_kind(n, &f.at("kind"), kb);
            ok &= p.kind.is_some();
        }
        if let Some(n) = f.take("partner") {
            p.partner = self.partner(n, &f.at("partner"), line_up);
            ok &= p.partner.is_some();
        }
        if let Some(n) = f.take("role") {
            p.role = self.role(n, &f.at("role"), kb, Some(line_up));
            ok &= p.role.is_some();
        }
        if let Some(n) = f.take("rule") {
            p.rule = self.rule(n, &f.at("rule"), kb);
            ok &= p.rule.is_some();
        }
        let severity = f.take("severity");
        if let Some(n) = severity {
            p.severity = self.severity(n, &f.at("severity"));
            ok &= p.severity.is_some();
        }
        if let Some(n) = f.take("at_least") {
            p.at_least = self.severity(n, &f.at("at_least"));
            ok &= p.at_least.is_some();
            if severity.is_some() {
                self.sink.error(
                    n.span,
                    &f.at("at_least"),
                    "give `severity` (exactly) or `at_least`, not both",
                );
                ok = false;
            }
        }
        if ok && p.kind.is_none() && p.rule.is_none() {
            self.sink
                .error(
                    f.span,
                    &f.path,
                    "say which flag: give its `kind` or its `rule`",
                )
                .help("e.g. `Flag(kind: \"mission_drift\", partner: \"ngo\", severity: high)`");
            ok = false;
        }
        ok.then_some(p)
    }

    /// A flag kind some rule in force can raise (or `conflict`, which an infeasible line-up
    /// raises).
    fn flag_kind(&mut self, node: &Node, path: &str, kb: &KnowledgeBase) -> Option<String> {
        let id = read::id(self.sink, node, path)?;
        let mut kinds: Vec<&str> = kb
            .rules
            .iter()
            .filter_map(|r| r.effect.flag.as_ref().map(|f| f.kind.as_str()))
            .chain(["conflict"])
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        if kinds.contains(&id.value.as_str()) {
            return Some(id.value);
        }
        self.sink
            .error(
                id.span,
                path,
                format!("no rule in force raises a flag of kind `{}`", id.value),
            )
            .suggest(&id.value, kinds.iter().copied());
        None
    }

    fn rule(&mut self, node: &Node, path: &str, kb: &KnowledgeBase) -> Option<String> {
        let id = read::id(self.sink, node, path)?;
        if kb.rule_by_id(&id.value).is_some() {
            return Some(id.value);
        }
        self.sink
            .error(id.span, path, format!("unknown rule `{}`", id.value))
            .suggest(&id.value, kb.rules.iter().map(|r| r.id.as_str()));
        None
    }

    fn expectation(
        &mut self,
        node: &Node,
        path: &str,
        kb: &KnowledgeBase,
        line_up: &LineUp,
    ) -> Option<Expect> {
        let (name, body) = read::variant(self.sink, node, path)?;
        let expect = match (name.value.as_str(), body) {
            ("Status", Variant::Tuple([s])) => {
                let s = read::symbol(self.sink, s, path, &["optimal", "feasible", "infeasible"])?;
                Expect::Status(match s.value {
                    "optimal" => Status::Optimal,
                    "feasible" => Status::Feasible,
                    _ => Status::Infeasible,
                })
            }
            ("Status", _) => {
                self.sink.error(
                    node.span,
                    path,
                    "write `Status(optimal)`, `Status(feasible)` or `Status(infeasible)`",
                );
                return None;
            }
            (kind, Variant::Struct(mut f)) if EXPECTATIONS.contains(&kind) => {
                let e = self.expectation_fields(kind, &mut f, kb, line_up);
                f.finish(self.sink);
                e?
            }
            (kind, _) if EXPECTATIONS.contains(&kind) => {
                self.sink.error(
                    node.span,
                    path,
                    format!("write `{kind}(field: value, ...)`"),
                );
                return None;
            }
            (other, _) => {
                let d = self
                    .sink
                    .error(name.span, path, format!("unknown expectation `{other}`"));
                d.suggest(other, EXPECTATIONS);
                if d.help.is_none() {
                    d.help(format!("expected one of: {}", EXPECTATIONS.join(", ")));
                }
                return None;
            }
        };
        Some(expect)
    }

    fn expectation_fields(
        &mut self,
        kind: &str,
        f: &mut Fields,
        kb: &KnowledgeBase,
        line_up: &LineUp,
    ) -> Option<Expect> {
        match kind {
            "Holds" | "NotHolds" => {
                let who = self.who(f, kb, line_up);
                let role = f
                    .require(self.sink, "role")
                    .and_then(|n| self.role(n, &f.at("role"), kb, Some(line_up)));
                let lead = f
                    .take("lead")
                    .and_then(|n| read::boolean(self.sink, n, &f.at("lead")))
                    .unwrap_or(false);
                let (who, role) = (who?, role?);
                Some(if kind == "Holds" {
                    Expect::Holds { who, role, lead }
                } else {
                    Expect::NotHolds { who, role, lead }
                })
            }
            "Uncovered" | "Covered" => {
                let role = f
                    .require(self.sink, "role")
                    .and_then(|n| self.role(n, &f.at("role"), kb, Some(line_up)));
                if kind == "Covered" {
                    return Some(Expect::Covered { role: role? });
                }
                let recruit = match f.take("recruit") {
                    Some(n) => Some(self.sector(n, &f.at("recruit"), kb)?),
                    None => None,
                };
                Some(Expect::Uncovered {
                    role: role?,
                    recruit,
                })
            }
            "Flag" => self.flag_pattern(f, kb, line_up).map(Expect::Flag),
            "NoFlag" => self.flag_pattern(f, kb, line_up).map(Expect::NoFlag),
            "Financed" | "Unfinanced" => {
                let role = f
                    .require(self.sink, "role")
                    .and_then(|n| self.role(n, &f.at("role"), kb, Some(line_up)));
                if kind == "Unfinanced" {
                    return Some(Expect::Unfinanced { role: role? });
                }
                let by = match f.take("by") {
                    Some(n) => Some(self.partner(n, &f.at("by"), line_up)?),
                    None => None,
                };
                let in_full = f
                    .take("in_full")
                    .and_then(|n| read::boolean(self.sink, n, &f.at("in_full")))
                    .unwrap_or(false);
                Some(Expect::Financed {
                    role: role?,
                    by,
                    in_full,
                })
            }
            "Additionality" => self
                .additionality(f, kb, line_up)
                .map(Expect::Additionality),
            _ => {
                let partner = f
                    .require(self.sink, "partner")
                    .and_then(|n| self.partner(n, &f.at("partner"), line_up));
                let role = f
                    .require(self.sink, "role")
                    .and_then(|n| self.role(n, &f.at("role"), kb, Some(line_up)));
                let at_least = f
                    .take("at_least")
                    .map(|n| read::number_in(self.sink, n, &f.at("at_least"), 0.0, 1.0));
                let below = f
                    .take("below")
                    .map(|n| read::number_in(self.sink, n, &f.at("below"), 0.0, 1.0));
                if at_least.is_none() && below.is_none() {
                    self.sink
                        .error(f.span, &f.path, "give `at_least`, `below` or both");
                    return None;
                }
                Some(Expect::Fit {
                    partner: partner?,
                    role: role?,
                    at_least: match at_least {
                        Some(v) => Some(v?.value),
                        None => None,
                    },
                    below: match below {
                        Some(v) => Some(v?.value),
                        None => None,
                    },
                })
            }
        }
    }
}

/// `a/b/../c` -> `a/c`, so the files a case names are shown by a short path.
fn normalise(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}
