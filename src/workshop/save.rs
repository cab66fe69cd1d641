//! Save: the line-up on the wall as a named `Variant(...)` of a scenario file, so the room's
//! decisions outlast the session. `rolefit solve --variant NAME` on the saved file reproduces the
//! wall.
//!
//! The variant is the difference between the wall's line-up and the file's base line-up (not the
//! step history), so any path to a state saves the same variant. The text goes into the file as
//! it is on disk at the moment of saving (comments and layout kept); the result is validated and
//! the variant's line-up compared with the wall's before anything is written.

use crate::kb::{CapIx, KnowledgeBase};
use crate::load::{Document, LoadError};
use crate::ron::parse::{Kind, Node};
use crate::scenario::{LineUp, Partner, PartnerChange, Pin, Scenario, Variant};
use crate::source::Source;
use std::path::PathBuf;

/// Longest variant name Save accepts (names show in reports and on the wall).
pub const MAX_NAME_CHARS: usize = 200;

/// A checked variant name: trimmed, not empty, short, no control characters.
pub fn variant_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("give the variant a name".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "a variant name has at most {MAX_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("a variant name is one line of plain text".into());
    }
    Ok(name.to_string())
}

/// The variant that turns the scenario's base line-up into `l`, or why none can.
pub fn variant_of(
    kb: &KnowledgeBase,
    scenario: &Scenario,
    l: &LineUp,
    name: &str,
) -> Result<Variant, String> {
    let base = scenario.base();
    if l.needs != base.needs || l.min_sectors != base.min_sectors {
        return Err("the needs differ from the scenario's; a variant cannot change them".into());
    }
    let in_line_up = |id: &str| l.partner_index(id).is_some();
    let remove: Vec<String> = base
        .partners
        .iter()
        .filter(|p| !in_line_up(&p.id))
        .map(|p| p.id.clone())
        .collect();
    let add: Vec<Partner> = l
        .partners
        .iter()
        .filter(|p| base.partner_index(&p.id).is_none())
        .cloned()
        .collect();
    let mut change = Vec::new();
    let mut forbid = Vec::new();
    for now in &l.partners {
        let Some(was) = base.partners.iter().find(|p| p.id == now.id) else {
            continue;
        };
        if now.name != was.name
            || now.sector != was.sector
            || now.org_type != was.org_type
            || !same_set(&now.attributes, &was.attributes)
            || !same_set(&now.funds, &was.funds)
            || !same_set(&now.funded_by, &was.funded_by)
            || !same_set(&now.supplies, &was.supplies)
        {
            return Err(format!(
                "`{}` differs from the scenario in more than capacity, capabilities and roles kept out of",
                now.id
            ));
        }
        if let Some(r) = was.refuses.iter().find(|r| !now.refuses.contains(r)) {
            return Err(format!(
                "`{}` refuses `{}` in the scenario; a variant cannot lift it",
                now.id,
                kb.role(*r).id
            ));
        }
        forbid.extend(
            now.refuses
                .iter()
                .filter(|r| !was.refuses.contains(r))
                .map(|r| (now.id.clone(), *r)),
        );
        let capabilities: Vec<(CapIx, f64)> = (0..kb.capabilities.len())
            .map(|i| CapIx(i as u32))
            .filter(|&c| {
                now.strength(c) != was.strength(c) || (now.is_stated(c) && !was.is_stated(c))
            })
            .map(|c| (c, now.strength(c)))
            .collect();
        let capacity = (now.capacity != was.capacity).then_some(now.capacity);
        let wants = (!same_set(&now.wants, &was.wants)).then(|| now.wants.clone());
        if capacity.is_some() || !capabilities.is_empty() || wants.is_some() {
            change.push(PartnerChange {
                partner: now.id.clone(),
                capacity,
                capabilities,
                wants,
            });
        }
    }
    let pins: Vec<Pin> = l
        .pins
        .iter()
        .filter(|p| !base.pins.iter().any(|b| same_pin(b, p)))
        .map(|p| Pin {
            span: None,
            ..p.clone()
        })
        .collect();
    for b in &base.pins {
        let kept = l
            .pins
            .iter()
            .any(|p| p.partner == b.partner && p.role == b.role);
        let gone =
            !in_line_up(&b.partner) || forbid.iter().any(|(p, r)| p == &b.partner && *r == b.role);
        if !kept && !gone {
            return Err(format!(
                "the scenario pins `{}` to `{}`; a variant cannot lift that pin",
                b.partner,
                kb.role(b.role).id
            ));
        }
    }
    Ok(Variant {
        name: name.to_string(),
        remove,
        add,
        change,
        forbid,
        pins,
        // The wall has no money controls: a partner taken out takes its commitments along
        // (`remove`), so the session never withdraws or adds one itself.
        withdraw: Vec::new(),
        commit: Vec::new(),
    })
}

fn same_set<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

fn same_pin(a: &Pin, b: &Pin) -> bool {
    a.partner == b.partner && a.role == b.role && a.lead == b.lead
}

/// Whether two line-ups are the same problem (partners by id, pins as a set, needs), or the
/// first difference. Order only changes presentation, so it is not compared.
pub fn same_line_up(a: &LineUp, b: &LineUp) -> Result<(), String> {
    if a.needs != b.needs || a.min_sectors != b.min_sectors {
        return Err("the needs differ".into());
    }
    if a.partners.len() != b.partners.len() {
        return Err(format!(
            "{} partners against {}",
            a.partners.len(),
            b.partners.len()
        ));
    }
    for p in &a.partners {
        let Some(q) = b.partners.iter().find(|q| q.id == p.id) else {
            return Err(format!("`{}` is missing", p.id));
        };
        let stated = |x: &Partner| {
            let mut s: Vec<CapIx> = x.stated.clone();
            s.sort();
            s
        };
        if p.name != q.name
            || p.sector != q.sector
            || p.org_type != q.org_type
            || !same_set(&p.funded_by, &q.funded_by)
            || !same_set(&p.supplies, &q.supplies)
            || !same_set(&p.wants, &q.wants)
            || p.capacity != q.capacity
            || p.strengths != q.strengths
            || stated(p) != stated(q)
            || !same_set(&p.refuses, &q.refuses)
            || !same_set(&p.attributes, &q.attributes)
            || !same_set(&p.funds, &q.funds)
        {
            return Err(format!("`{}` differs", p.id));
        }
    }
    let pins_in =
        |x: &LineUp, y: &LineUp| x.pins.iter().all(|p| y.pins.iter().any(|q| same_pin(p, q)));
    if a.pins.len() != b.pins.len() || !pins_in(a, b) || !pins_in(b, a) {
        return Err("the pins differ".into());
    }
    Ok(())
}

/// The names of the variants a scenario document lists (for "this name is taken").
pub fn variant_names(root: &Node) -> Vec<String> {
    let Some(list) = field(root, "variants") else {
        return Vec::new();
    };
    let Kind::List(items) = &list.kind else {
        return Vec::new();
    };
    items.iter().filter_map(struct_name_field).collect()
}

fn field<'a>(node: &'a Node, name: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Struct(_, fields) => fields
            .iter()
            .find(|f| f.name.text == name)
            .map(|f| &f.value),
        _ => None,
    }
}

fn struct_name_field(item: &Node) -> Option<String> {
    match &field(item, "name")?.kind {
        Kind::Str(s) => Some(s.clone()),
        _ => None,
    }
}

/// Where a line starts, and its indentation when only spaces or tabs precede `pos` on it.
fn line_indent(text: &str, pos: usize) -> (usize, Option<usize>) {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[start..pos];
    let blank = prefix.chars().all(|c| c == ' ' || c == '\t');
    (start, blank.then_some(prefix.chars().count()))
}

/// Offset just past a comma that follows `end` (after blanks only), if there is one.
fn comma_after(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    let skipped = rest.len() - rest.trim_start().len();
    rest[skipped..]
        .starts_with(',')
        .then_some(end + skipped + 1)
}

/// `text` with the variant written by `block(indent)` added to the `variants` list of the
/// document `root` (a list and the field are created when missing), or replacing the variant of
/// the same name. `block` returns whole lines, each starting with `indent` spaces.
pub fn with_variant(
    text: &str,
    root: &Node,
    name: &str,
    block: impl Fn(usize) -> String,
) -> Result<String, String> {
    let Kind::Struct(_, fields) = &root.kind else {
        return Err("the file does not hold a `Scenario(...)`".into());
    };
    let crlf = text.contains("\r\n");
    let fix = |s: String| if crlf { s.replace('\n', "\r\n") } else { s };
    let span = |n: &Node| (n.span.start as usize, n.span.end as usize);
    let mut out = text.to_string();
    match fields.iter().find(|f| f.name.text == "variants") {
        Some(f) => {
            let Kind::List(items) = &f.value.kind else {
                return Err("`variants` is not a list".into());
            };
            if let Some(item) = items
                .iter()
                .find(|i| struct_name_field(i).as_deref() == Some(name))
            {
                let (start, end) = span(item);
                let indent = line_indent(text, start).1.unwrap_or(8);
                let end = comma_after(text, end).unwrap_or(end);
                let new = block(indent);
                let new = new.trim_start_matches(' ').trim_end_matches('\n');
                out.replace_range(start..end, &fix(new.to_string()));
                return Ok(out);
            }
            let (_, list_end) = span(&f.value);
            let bracket = list_end - 1;
            let indent = items
                .first()
                .and_then(|i| line_indent(text, span(i).0).1)
                .unwrap_or_else(|| {
                    line_indent(text, f.name.span.start as usize).1.unwrap_or(4) + 4
                });
            let (line_start, blank) = line_indent(text, bracket);
            let mut insert = block(indent);
            let at = match blank {
                Some(_) if !items.is_empty() || text[span(&f.value).0..bracket].contains('\n') => {
                    line_start
                }
                _ => {
                    let pad = " ".repeat(indent.saturating_sub(4));
                    insert = format!("\n{insert}{pad}");
                    bracket
                }
            };
            out.insert_str(at, &fix(insert));
            if let Some(last) = items.last()
                && comma_after(text, span(last).1).is_none()
            {
                out.insert(span(last).1, ',');
            }
        }
        None => {
            let close = span(root).1 - 1;
            let indent = fields
                .first()
                .and_then(|f| line_indent(text, f.name.span.start as usize).1)
                .unwrap_or(4);
            let pad = " ".repeat(indent);
            let list = format!("{pad}variants: [\n{}{pad}],\n", block(indent + 4));
            let (line_start, blank) = line_indent(text, close);
            let (at, insert) = match blank {
                Some(_) => (line_start, list),
                None => (close, format!("\n{list}")),
            };
            out.insert_str(at, &fix(insert));
            if let Some(last) = fields.last()
                && comma_after(text, span(&last.value).1).is_none()
            {
                out.insert(span(&last.value).1, ',');
            }
        }
    }
    Ok(out)
}

/// Where Save writes, and what it remembers between saves of one session.
#[derive(Debug)]
pub struct Saver {
    /// The file named on the command line (`--save`, or the scenario itself).
    pub target: PathBuf,
    /// The text of the scenario the session started from: a new target starts as a copy of it.
    input_text: String,
    /// Partners from a sheet (`--partners`) that the scenario's validation needs.
    extra: Vec<Partner>,
    /// Names saved in this session: saving one again replaces it; other existing names are
    /// refused, so Save never silently replaces a variant someone wrote by hand.
    saved: Vec<String>,
    /// Set once the target's text before this session has been kept beside it.
    kept: Option<PathBuf>,
}

/// What a save did.
#[derive(Debug)]
pub struct Saved {
    /// The file written.
    pub path: PathBuf,
    /// The variant's name in it.
    pub name: String,
    /// A variant of this name, saved earlier in the session, was replaced.
    pub replaced: bool,
    /// The copy of the file as it was before the session's first save to it.
    pub kept: Option<PathBuf>,
    /// The scenario as the saved file now defines it.
    pub scenario: Scenario,
}

#[derive(Debug, thiserror::Error)]
/// Why Save wrote nothing: the file on disk is always as it was, or fully saved.
pub enum SaveError {
    /// The request cannot be honoured; the message says why (a name taken, a change a
    /// variant cannot hold).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    /// The file could not be read again before writing into it.
    Read(#[from] LoadError),
    /// The file with the variant does not read back to the wall: nothing was written.
    #[error("{path}: the saved variant would not reproduce the wall ({why}); nothing was written")]
    Check {
        /// The file.
        path: String,
        /// What differs.
        why: String,
    },
    /// The copy of the file as it was could not be kept: nothing was written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The path of the copy.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// Writing the file failed or was refused (`output::write_file`); the file is as it was.
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

impl Saver {
    /// A saver writing into `target`, whose text when the session started is `input_text`; `extra`
    /// are the partner sheet's partners, so the saved file is checked as it will be read.
    pub fn new(target: PathBuf, input_text: String, extra: Vec<Partner>) -> Saver {
        Saver {
            target,
            input_text,
            extra,
            saved: Vec::new(),
            kept: None,
        }
    }

    /// Writes `l` as variant `name` into the target file: read as it is now on disk (or a copy
    /// of the input when it does not exist yet), the variant added or replaced, the result
    /// validated and its variant's line-up compared with `l`, the old text kept beside it on the
    /// session's first save, and the new text written atomically.
    pub fn save(
        &mut self,
        kb: &KnowledgeBase,
        scenario: &Scenario,
        l: &LineUp,
        name: &str,
        steps: &[String],
    ) -> Result<Saved, SaveError> {
        let name = variant_name(name).map_err(SaveError::Refused)?;
        let variant = variant_of(kb, scenario, l, &name).map_err(SaveError::Refused)?;
        let shown = self.target.display().to_string();
        let (before, exists) = match crate::load::read_source(&shown) {
            Ok(src) => (src.text, true),
            Err(LoadError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                (self.input_text.clone(), false)
            }
            Err(e) => return Err(e.into()),
        };
        let doc = Document::parse(Source::new(shown.clone(), before.clone()));
        let root = doc.root.as_ref().map_err(|e| SaveError::Check {
            path: shown.clone(),
            why: format!("the file no longer parses: {}", e.message),
        })?;
        let taken = variant_names(root).contains(&name);
        if taken && !self.saved.contains(&name) {
            return Err(SaveError::Refused(format!(
                "{shown} already has a variant named {name:?}; choose another name"
            )));
        }
        let mut comment = vec![format!(
            "Saved by `rolefit workshop` after {} step(s):",
            steps.len()
        )];
        comment.extend(steps.iter().map(|s| format!("- {s}")));
        let text = with_variant(&before, root, &name, |indent| {
            crate::scenario::write::variant(kb, &variant, indent, &comment)
        })
        .map_err(|why| SaveError::Check {
            path: shown.clone(),
            why,
        })?;
        let check = |why: String| SaveError::Check {
            path: shown.clone(),
            why,
        };
        let new_doc = Document::parse(Source::new(shown.clone(), text.clone()));
        let (reread, diags) = crate::scenario::load_scenario_with(kb, &new_doc, &self.extra);
        let reread = reread.ok_or_else(|| {
            let first = diags
                .iter()
                .find(|d| d.is_error())
                .map_or(String::new(), |d| d.render(false));
            check(format!("it does not validate: {first}"))
        })?;
        let saved_line_up = reread
            .variant(&name)
            .map(|v| reread.line_up(v))
            .ok_or_else(|| check("the variant is missing".into()))?;
        same_line_up(l, &saved_line_up).map_err(check)?;
        let write_err = |source| SaveError::Write {
            path: shown.clone(),
            source,
        };
        if exists && self.kept.is_none() {
            self.kept =
                Some(crate::output::keep_copy(&self.target, before.as_bytes()).map_err(write_err)?);
        }
        crate::output::write_file(&self.target, text.as_bytes())?;
        if !self.saved.contains(&name) {
            self.saved.push(name.clone());
        }
        Ok(Saved {
            path: self.target.clone(),
            name,
            replaced: taken,
            kept: self.kept.clone(),
            scenario: reread,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ron::parse::parse;

    fn add(text: &str, name: &str) -> String {
        let root = parse(text).unwrap();
        let out = with_variant(text, &root, name, |i| {
            let pad = " ".repeat(i);
            format!("{pad}Variant(\n{pad}    name: {name:?},\n{pad}    remove: [\"b\"],\n{pad}),\n")
        })
        .unwrap();
        parse(&out).unwrap_or_else(|e| panic!("{out}\n{e:?}"));
        out
    }

    #[test]
    fn a_variant_goes_at_the_end_of_the_list_keeping_comments() {
        let text = "Scenario(\n    name: \"s\",\n    // the variants\n    variants: [\n        Variant(name: \"x\", remove: [\"a\"]), // kept\n    ],\n)\n";
        let out = add(text, "new");
        assert_eq!(
            out,
            "Scenario(\n    name: \"s\",\n    // the variants\n    variants: [\n        Variant(name: \"x\", remove: [\"a\"]), // kept\n        Variant(\n            name: \"new\",\n            remove: [\"b\"],\n        ),\n    ],\n)\n"
        );
    }

    #[test]
    fn a_missing_comma_after_the_last_variant_is_added() {
        let text =
            "Scenario(\n    name: \"s\",\n    variants: [\n        Variant(name: \"x\")\n    ]\n)";
        let out = add(text, "new");
        assert!(
            out.contains("Variant(name: \"x\"),\n        Variant(\n"),
            "{out}"
        );
    }

    #[test]
    fn the_field_is_created_when_the_scenario_has_no_variants() {
        let text = "Scenario(\n    name: \"s\",\n    needs: []\n)\n";
        let out = add(text, "new");
        assert_eq!(
            out,
            "Scenario(\n    name: \"s\",\n    needs: [],\n    variants: [\n        Variant(\n            name: \"new\",\n            remove: [\"b\"],\n        ),\n    ],\n)\n"
        );
        let one_line = add("Scenario(name: \"s\", variants: [])", "v");
        assert!(one_line.contains("variants: [\n"), "{one_line}");
    }

    #[test]
    fn a_variant_of_the_same_name_is_replaced() {
        let text = "Scenario(\n    variants: [\n        Variant(name: \"old\", remove: [\"a\"]),\n        Variant(name: \"y\"),\n    ],\n)\n";
        let out = add(text, "old");
        assert_eq!(
            out,
            "Scenario(\n    variants: [\n        Variant(\n            name: \"old\",\n            remove: [\"b\"],\n        ),\n        Variant(name: \"y\"),\n    ],\n)\n"
        );
        assert_eq!(variant_names(&parse(&out).unwrap()), ["old", "y"]);
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "Scenario(\r\n    name: \"s\",\r\n    variants: [\r\n    ],\r\n)\r\n";
        let out = add(text, "new");
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    }

    #[test]
    fn names_are_one_short_line() {
        assert_eq!(variant_name("  agreed 2 May ").unwrap(), "agreed 2 May");
        assert!(variant_name(" ").is_err());
        assert!(variant_name("a\nb").is_err());
        assert!(variant_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
