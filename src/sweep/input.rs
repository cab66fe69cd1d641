//! Everything a sweep reads, gathered and compiled: the sweep file, the rule files and the
//! scenarios it names (relative to the sweep file), and an optional design file. The command
//! line (`rolefit sweep`, `rolefit check`) and the Python package compile sweeps through here,
//! so they accept and refuse the same inputs and fingerprint them the same way.
//!
//! Files are read through [`crate::load`]; nothing here touches the file system itself.

use super::manifest::{Manifest, ManifestDesign, Shard};
use super::run::Plan;
use super::spec::{self, External};
use super::table::{Format, Layout};
use crate::Error;
use crate::diag::{Diagnostic, Level};
use crate::kb;
use crate::load::{Document, read_rules, read_source};
use crate::source::Source;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A sweep's own file, as text, with the directory its relative paths start from.
#[derive(Debug, Clone)]
pub struct SweepSource {
    /// The sweep file's name and text.
    pub source: Source,
    /// Where `scenarios` and `rules` paths are looked up (`None`: as written, from the
    /// working directory).
    pub dir: Option<PathBuf>,
}

impl SweepSource {
    /// Reads a sweep file (`-` for standard input, whose paths are taken as written).
    pub fn read(path: &str) -> Result<SweepSource, Error> {
        let source = read_source(path)?;
        let dir = (path != "-")
            .then(|| Path::new(path).parent().map(Path::to_path_buf))
            .flatten();
        Ok(SweepSource { source, dir })
    }

    fn relative(&self, written: &str) -> PathBuf {
        let p = Path::new(written);
        match &self.dir {
            Some(d) if !p.is_absolute() => d.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// A design file as read, and what the manifest records of it.
#[derive(Debug, Clone)]
pub struct DesignFile {
    /// The design file's name (its path, or `-`) and text.
    pub source: Source,
    /// SHA-256 of its bytes, in hex: what `sha256sum FILE` prints.
    pub sha256: String,
}

impl DesignFile {
    /// Wraps a design file already read, hashing its bytes.
    pub fn new(source: Source) -> DesignFile {
        let sha256 = format!("{:x}", Sha256::digest(source.text.as_bytes()));
        DesignFile { source, sha256 }
    }

    /// Reads a design file (`-` for standard input).
    pub fn read(path: &str) -> Result<DesignFile, Error> {
        Ok(DesignFile::new(crate::load::read_design(path)?))
    }
}

/// The files a sweep reads besides itself: its scenarios and rule files (what its outputs must
/// not be). A sweep that does not parse names none.
pub fn named_files(sweep: &SweepSource) -> Vec<PathBuf> {
    let (Some(draft), _) = spec::parse(&Document::parse(sweep.source.clone())) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = draft
        .scenarios
        .iter()
        .map(|s| sweep.relative(&s.value))
        .collect();
    if let Some(dir) = &draft.rules {
        files.extend(crate::load::rule_files(&sweep.relative(&dir.value)).unwrap_or_default());
    }
    files
}

/// Every file a sweep run reads: the files the sweep names ([`named_files`]), and the sweep
/// file itself and the design file when they are read from a path (`None`, or `-` for standard
/// input, when given as text).
pub fn read_files(sweep: &SweepSource, spec: Option<&Path>, design: Option<&Path>) -> Vec<PathBuf> {
    let mut files = named_files(sweep);
    files.extend(
        [spec, design]
            .into_iter()
            .flatten()
            .filter(|p| *p != Path::new("-"))
            .map(Path::to_path_buf),
    );
    files
}

/// A valid sweep's plan and input fingerprint (if it is valid), and every diagnostic found.
pub type Compiled = (Option<(Plan, String)>, Vec<Diagnostic>);

/// Reads what a sweep names and compiles it; errors only fail the call when the sweep file
/// itself cannot be read. The fingerprint covers the rolefit version, the sweep, its rules,
/// scenarios and design file, the table format and whether `solve_ms` is written.
pub fn compile(
    sweep: &SweepSource,
    design: Option<&DesignFile>,
    format: Format,
    solve_time: bool,
) -> Result<Compiled, Error> {
    let mut texts: Vec<Vec<u8>> = vec![
        env!("CARGO_PKG_VERSION").as_bytes().to_vec(),
        sweep.source.text.as_bytes().to_vec(),
        format.name().as_bytes().to_vec(),
        vec![u8::from(solve_time)],
    ];
    if let Some(d) = design {
        texts.push(d.source.text.as_bytes().to_vec());
    }
    let external = design.map(|d| External::Rows(&d.source));
    let (plan, diags) = build(sweep, None, external, &mut texts)?;
    let fingerprint = super::stream::fingerprint(texts.iter().map(Vec::as_slice));
    Ok((plan.map(|p| (p, fingerprint)), diags))
}

/// A sweep loaded for running: what [`load_plan`] returns.
#[derive(Debug)]
pub struct Loaded {
    /// The compiled sweep, ready to run.
    pub plan: Plan,
    /// The fingerprint of everything the sweep read: what `--resume` and `merge` check.
    pub fingerprint: String,
    /// What the manifest records of the design file, if one was run.
    pub design: Option<ManifestDesign>,
    /// Warnings found on the way (a sweep with errors is not loaded).
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// The manifest of an output of this sweep (or of one shard of it).
    pub fn manifest(&self, layout: &Layout, shard: Option<Shard>) -> Manifest {
        let mut manifest = Manifest::new(&self.plan, layout, &self.fingerprint, shard);
        manifest.design = self.design.clone();
        manifest
    }
}

/// Loads a sweep into a plan: compiles a sweep file that was read (with the scenarios and rules
/// it names) and an optional design file, for rows of `format`, with or without the
/// `solve_ms` column. A sweep with errors is [`Error::Invalid`] with every diagnostic found.
///
/// ```no_run
/// use rolefit::sweep::{Format, Layout, input::SweepSource, load_plan};
/// let sweep = SweepSource::read("sweeps/sector-mix.ron")?;
/// let loaded = load_plan(&sweep, None, Format::Csv, true)?;
/// let layout = Layout::new(&loaded.plan, Format::Csv, true);
/// let manifest = loaded.manifest(&layout, None);
/// assert_eq!(manifest.runs, loaded.plan.runs());
/// # Ok::<(), rolefit::Error>(())
/// ```
pub fn load_plan(
    sweep: &SweepSource,
    design: Option<&DesignFile>,
    format: Format,
    solve_time: bool,
) -> Result<Loaded, Error> {
    let (compiled, diags) = compile(sweep, design, format, solve_time)?;
    let Some((plan, fingerprint)) = compiled else {
        return Err(Error::Invalid(crate::diag::Diagnostics(diags)));
    };
    let design = design.map(|d| ManifestDesign {
        file: d.source.name.clone(),
        sha256: d.sha256.clone(),
        rows: plan.spec.table.as_ref().map_or(0, |t| t.rows),
    });
    Ok(Loaded {
        plan,
        fingerprint,
        design,
        warnings: diags,
    })
}

/// The plan `rolefit.evaluate` runs: the sweep's scenarios (or `scenario` instead, when the
/// base is a scenario rather than a sweep file), rules, noise and seed, with one factor per
/// name in `factors` (a path, or the name of a factor the sweep file declares) and no design:
/// values come with each call, through [`super::spec::Factor::encode`].
pub fn evaluator(
    sweep: &SweepSource,
    scenario: Option<&Source>,
    factors: &[String],
) -> Result<Compiled, Error> {
    let mut header = String::new();
    for (i, name) in factors.iter().enumerate() {
        if i > 0 {
            header.push(',');
        }
        super::table::push_csv(&mut header, name);
    }
    header.push('\n');
    let arguments = Source::new("evaluate() arguments", header);
    let (plan, diags) = build(
        sweep,
        scenario,
        Some(External::Columns(&arguments)),
        &mut Vec::new(),
    )?;
    Ok((plan.map(|p| (p, String::new())), diags))
}

/// A sweep over one scenario given as text or a file, for [`evaluator`]: the scenario is
/// passed along, not named as a path; `rules` (a directory or file) adds to the built-in rules
/// or, with `no_default_rules`, replaces them.
pub fn over_scenario(rules: Option<&str>, no_default_rules: bool) -> SweepSource {
    let mut text = String::from("Sweep(name: \"evaluate\", scenarios: [\"<scenario>\"]");
    if let Some(dir) = rules {
        text.push_str(&format!(", rules: {dir:?}"));
    }
    if no_default_rules {
        text.push_str(", no_default_rules: true");
    }
    text.push(')');
    SweepSource {
        source: Source::new("evaluate()", text),
        dir: None,
    }
}

fn build(
    sweep: &SweepSource,
    scenario: Option<&Source>,
    external: Option<External>,
    texts: &mut Vec<Vec<u8>>,
) -> Result<(Option<Plan>, Vec<Diagnostic>), Error> {
    let doc = Document::parse(sweep.source.clone());
    let (draft, diags) = spec::parse(&doc);
    let Some(draft) = draft else {
        return Ok((None, diags));
    };
    let mut warnings = diags;
    let mut errors: Vec<Diagnostic> = Vec::new();
    let cannot_read = |span, at: &str, what: &str, e: &dyn std::fmt::Display| {
        let mut d = Diagnostic::at(
            &doc.source,
            Level::Error,
            span,
            at,
            format!("cannot read the {what}: {e}"),
        );
        d.help("paths in a sweep file are relative to the sweep file's directory");
        d
    };
    let mut rule_docs = if draft.no_default_rules {
        Vec::new()
    } else {
        kb::default_documents()
    };
    if let Some(dir) = &draft.rules {
        let rules = sweep.relative(&dir.value);
        match crate::load::only_ron(&rules, true) {
            Some(why) => errors.push(cannot_read(dir.span, "rules", "rules", &why)),
            None => match read_rules(&rules) {
                Ok(sources) => rule_docs.extend(sources.into_iter().map(Document::parse)),
                Err(e) => errors.push(cannot_read(dir.span, "rules", "rules", &e)),
            },
        }
    }
    for d in &rule_docs {
        texts.push(d.source.name.as_bytes().to_vec());
        texts.push(d.source.text.as_bytes().to_vec());
    }
    let mut scenario_docs = Vec::new();
    match scenario {
        Some(src) => scenario_docs.push(Document::parse(src.clone())),
        None => {
            for (i, s) in draft.scenarios.iter().enumerate() {
                let file = sweep.relative(&s.value);
                if let Some(why) = crate::load::only_ron(&file, false) {
                    let at = format!("scenarios[{i}]");
                    errors.push(cannot_read(s.span, &at, "scenario", &why));
                    continue;
                }
                match read_source(&file.display().to_string()) {
                    Ok(src) => {
                        texts.push(src.text.as_bytes().to_vec());
                        scenario_docs.push(Document::parse(src));
                    }
                    Err(e) => errors.push(cannot_read(
                        s.span,
                        &format!("scenarios[{i}]"),
                        "scenario",
                        &e,
                    )),
                }
            }
        }
    }
    if !errors.is_empty() {
        warnings.extend(errors);
        return Ok((None, warnings));
    }
    let kb = match kb::load_rules(&rule_docs) {
        (Some(kb), w) => {
            warnings.extend(w);
            kb
        }
        (None, d) => return Ok((None, d)),
    };
    let mut scenarios = Vec::new();
    let mut scenario_diags = Vec::new();
    for d in &scenario_docs {
        match crate::scenario::load_scenario(&kb, d) {
            (Some(s), w) => {
                scenario_diags.extend(w);
                scenarios.push(s);
            }
            (None, d) => scenario_diags.extend(d),
        }
    }
    if scenario_diags.iter().any(Diagnostic::is_error) {
        return Ok((None, scenario_diags));
    }
    let (spec, diags) = spec::resolve_with(&draft, &doc, kb, scenarios, external);
    warnings.extend(scenario_diags);
    warnings.extend(diags);
    Ok((spec.map(Plan::new), warnings))
}
