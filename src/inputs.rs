//! A scenario and everything it is read with: its rule files, a partner sheet and a commitment
//! sheet, read from disk and then validated together.
//!
//! Reading and validating are two steps so that a caller can time them apart (`--timings`) and
//! show the warnings of valid inputs as they are found, before any error of a later input.

use crate::Error;
use crate::diag::{Diagnostic, Diagnostics};
use crate::kb::{self, KnowledgeBase};
use crate::load::{self, Document, Table};
use crate::scenario::{Partner, Scenario};
use crate::sheet::Funders;
use std::path::{Path, PathBuf};

/// The files a scenario is read from, as the command line's `SCENARIO`, `--rules`,
/// `--no-default-rules`, `--partners` and `--commitments` name them.
#[derive(Debug, Clone, Default)]
pub struct ScenarioFiles {
    /// The scenario file (RON), or `-` for standard input.
    pub scenario: String,
    /// Rule files (a directory of `.ron` files, or one file) that extend or override the built-in
    /// rules by id.
    pub rules: Option<PathBuf>,
    /// Use only the files of `rules`, without the built-in knowledge base.
    pub no_default_rules: bool,
    /// Partners from a spreadsheet (`.csv` or `.xlsx`), added to the scenario's.
    pub partners: Option<PathBuf>,
    /// Commitments from a spreadsheet, checked against the scenario they join.
    pub commitments: Option<PathBuf>,
}

impl ScenarioFiles {
    /// A scenario file read with the built-in rules alone.
    pub fn new(scenario: impl Into<String>) -> Self {
        ScenarioFiles {
            scenario: scenario.into(),
            ..Default::default()
        }
    }

    /// Reads and parses every file; nothing is validated yet.
    pub fn read(&self) -> Result<ReadFiles, Error> {
        let read = |p: &Option<PathBuf>| p.as_deref().map(load::read_table).transpose();
        let sheet = read(&self.partners)?;
        let commitments = read(&self.commitments)?;
        Ok(ReadFiles {
            rules: rule_documents(self.rules.as_deref(), self.no_default_rules)?,
            scenario: Document::parse(load::read_source(&self.scenario)?),
            sheet,
            commitments,
        })
    }
}

/// The files of a [`ScenarioFiles`], read and parsed.
pub struct ReadFiles {
    rules: Vec<Document>,
    scenario: Document,
    sheet: Option<Table>,
    commitments: Option<Table>,
}

/// A validated scenario with what it was read from: the workshop's Save writes into the file's
/// text and validates again with the sheet's partners.
pub struct Loaded {
    /// The knowledge base in force.
    pub kb: KnowledgeBase,
    /// The scenario, with the sheets' partners and commitments.
    pub scenario: Scenario,
    /// The scenario file's text.
    pub text: String,
    /// The partner sheet's partners (none without a sheet).
    pub sheet: Vec<Partner>,
}

impl ReadFiles {
    /// Validates the rules, then the partner sheet, the scenario and the commitment sheet
    /// against them. The warnings of each valid input go to `warn` as soon as it is validated,
    /// so that they come before the errors of a later one.
    pub fn validate(self, mut warn: impl FnMut(Vec<Diagnostic>)) -> Result<Loaded, Error> {
        let kb = match kb::load_rules(&self.rules) {
            (Some(kb), warnings) => {
                warn(warnings);
                kb
            }
            (None, diags) => return Err(Error::Invalid(Diagnostics(diags))),
        };
        let extra = match &self.sheet {
            Some(table) => match crate::sheet::partners(&kb, table, Funders::OfTheScenario) {
                (Some(p), warnings) => {
                    warn(warnings);
                    p
                }
                (None, diags) => return Err(Error::Invalid(Diagnostics(diags))),
            },
            None => Vec::new(),
        };
        let mut scenario = match crate::scenario::load_scenario_with(&kb, &self.scenario, &extra) {
            (Some(scenario), warnings) => {
                warn(warnings);
                scenario
            }
            (None, diags) => return Err(Error::Invalid(Diagnostics(diags))),
        };
        if let Some(table) = &self.commitments {
            match crate::sheet::commitments(&kb, table, &scenario) {
                (Some(c), _) => scenario.add_commitments(c),
                (None, diags) => return Err(Error::Invalid(Diagnostics(diags))),
            }
        }
        Ok(Loaded {
            kb,
            scenario,
            text: self.scenario.source.text,
            sheet: extra,
        })
    }
}

/// The rule files in force, parsed: the built-in ones (unless `no_default_rules`), then those
/// of `rules` (a directory of `.ron` files, or one file), so that later files override earlier
/// ones by id.
pub fn rule_documents(
    rules: Option<&Path>,
    no_default_rules: bool,
) -> Result<Vec<Document>, Error> {
    let mut docs = if no_default_rules {
        Vec::new()
    } else {
        kb::default_documents()
    };
    if let Some(dir) = rules {
        docs.extend(load::read_rules(dir)?.into_iter().map(Document::parse));
    }
    Ok(docs)
}
