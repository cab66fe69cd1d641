//! `rolefit check`: every problem in scenario and rule files.

use super::{EXIT_INVALID, EXIT_OK, colour_on_stderr, emit, emit_err, rule_documents};
use crate::cli::{CheckArgs, CheckFormat};
use rolefit::Error;
use rolefit::diag::Diagnostic;
use rolefit::kb::{self, KnowledgeBase};
use rolefit::load::{Document, read_rules, read_source};
use rolefit::report;

/// What a file given to `check` turned out to be.
enum Checked {
    Scenario {
        partners: usize,
        needs: usize,
        variants: usize,
    },
    Rules {
        files: usize,
    },
    Sweep {
        runs: u64,
        factors: usize,
    },
    Case {
        expectations: usize,
    },
}

pub fn run(args: &CheckArgs) -> Result<u8, Error> {
    let base_docs = rule_documents(&args.rules)?;
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut results: Vec<(String, Option<Checked>, usize)> = Vec::new();
    let (base_kb, base_diags) = kb::load_rules(&base_docs);
    all.extend(base_diags);
    for file in &args.files {
        let before = all.len();
        let checked = check_one(file, &base_docs, base_kb.as_ref(), &mut all)?;
        let errors = all[before..].iter().filter(|d| d.is_error()).count();
        let shown = if file == "-" {
            "<stdin>".to_string()
        } else {
            file.clone()
        };
        results.push((shown, checked, errors));
    }
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    match args.format {
        CheckFormat::Json => emit(&report::to_json(&report::shared::json::check_json(&all)))?,
        CheckFormat::Text => {
            let colour = colour_on_stderr();
            for d in &all {
                emit_err(&format!("{}\n", d.render(colour)));
            }
            let mut out = String::new();
            for (file, checked, errors) in &results {
                let what = match checked {
                    Some(Checked::Scenario {
                        partners,
                        needs,
                        variants,
                    }) => {
                        format!(
                            "scenario with {partners} partners, {needs} needs, {variants} variants"
                        )
                    }
                    Some(Checked::Rules { files }) => format!("rule set of {files} file(s)"),
                    Some(Checked::Sweep { runs, factors }) => {
                        format!("sweep of {runs} runs over {factors} factor(s)")
                    }
                    Some(Checked::Case { expectations }) => {
                        format!("case with {expectations} expectation(s)")
                    }
                    None => "invalid".to_string(),
                };
                let verdict = if *errors == 0 {
                    "ok".to_string()
                } else {
                    format!("{errors} error(s)")
                };
                out.push_str(&format!("{file}: {verdict} ({what})\n"));
            }
            out.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
            // File names come from the command line, perhaps from a glob over odd names.
            emit(&rolefit::terminal::text(&out))?;
        }
    }
    Ok(if errors > 0 { EXIT_INVALID } else { EXIT_OK })
}

/// Checks one file: a rule directory, a rule file, a sweep, a case, or a scenario.
fn check_one(
    file: &str,
    base_docs: &[Document],
    base_kb: Option<&KnowledgeBase>,
    all: &mut Vec<Diagnostic>,
) -> Result<Option<Checked>, Error> {
    let path = std::path::Path::new(file);
    if file != "-" && path.is_dir() {
        let extra: Vec<Document> = read_rules(path)?.into_iter().map(Document::parse).collect();
        let files = extra.len();
        let mut docs = base_docs.to_vec();
        docs.extend(extra);
        let (_, diags) = kb::load_rules(&docs);
        all.extend(diags);
        return Ok(Some(Checked::Rules { files }));
    }
    let doc = Document::parse(read_source(file).map_err(Error::from)?);
    let is_rule_file = matches!(&doc.root, Ok(node) if matches!(&node.kind,
        rolefit::ron::Kind::Struct(Some(n), _) | rolefit::ron::Kind::Tuple(Some(n), _)
            if kb::doc_kinds().contains(&n.text.as_str())));
    if is_rule_file {
        let mut docs = base_docs.to_vec();
        docs.push(doc);
        let (_, diags) = kb::load_rules(&docs);
        all.extend(diags);
        return Ok(Some(Checked::Rules { files: 1 }));
    }
    let is_sweep = matches!(&doc.root, Ok(node) if matches!(&node.kind,
        rolefit::ron::Kind::Struct(Some(n), _) if n.text == "Sweep"));
    if is_sweep {
        // A sweep names its own scenarios and rules, relative to the sweep file.
        let (compiled, diags) = super::sweep::load(file, None, rolefit::sweep::Format::Csv, true)?;
        all.extend(diags);
        return Ok(compiled.map(|c| Checked::Sweep {
            runs: c.0.runs(),
            factors: c.0.spec.factors.len(),
        }));
    }
    let is_case = matches!(&doc.root, Ok(node) if matches!(&node.kind,
        rolefit::ron::Kind::Struct(Some(n), _) if n.text == "Case"));
    let Some(kb) = base_kb else {
        all.push(Diagnostic::whole_file(
            rolefit::diag::Level::Error,
            file,
            "not checked: the rule set in force has errors (see above)",
        ));
        return Ok(None);
    };
    if is_case {
        // A case names its scenario and rule files relative to itself, as `rolefit test` reads it.
        let suite = rolefit::cases::Suite {
            docs: base_docs.to_vec(),
            kb: kb.clone(),
        };
        let (loaded, diags) = rolefit::cases::load_case(&suite, &doc);
        all.extend(diags);
        return Ok(loaded.case.map(|c| Checked::Case {
            expectations: c.expectations.len(),
        }));
    }
    let (scenario, diags) = rolefit::scenario::load_scenario(kb, &doc);
    all.extend(diags);
    Ok(scenario.map(|s| Checked::Scenario {
        partners: s.partners.len(),
        needs: s.needs.len(),
        variants: s.variants.len(),
    }))
}
