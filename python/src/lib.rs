//! `rolefit._native`: the Python binding of the rolefit crate.
//!
//! The crate is the engine; this file only converts. Every call goes through the library's own
//! entry points (`rolefit::solve_and_assess` and the JSON report for `solve`, `sweep::input` and
//! `Plan` for `evaluate` and `sweep`, `Layout::values` for every cell), so Python gets exactly
//! the CLI's objects, columns and values. Solves run with the GIL released (`Python::detach`).
//! Errors become the exceptions of `rolefit._errors`, carrying the diagnostics.

use pyo3::exceptions::{PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString, PyTuple};
use rolefit::Error;
use rolefit::diag::{Diagnostic, Diagnostics, Level as DiagLevel};
use rolefit::load::{Document, LoadError};
use rolefit::source::Source;
use rolefit::sweep::input::{self, DesignFile, SweepSource};
use rolefit::sweep::manifest::Shard;
use rolefit::sweep::run::Scratch;
use rolefit::sweep::spec::{Level, ValueKind};
use rolefit::sweep::stream::{self, SweepError};
use rolefit::sweep::table::{ColumnKind, Format, Layout, Value};
use rolefit::sweep::{Plan, Report};
use std::collections::HashMap;
use std::sync::Mutex;

/// Text or a path, as the Python layer decided: `(value, is_text)`.
type Input = (String, bool);

fn source(input: &Input, name: &str) -> Result<Source, Error> {
    let (value, is_text) = input;
    if *is_text {
        Ok(Source::new(name, value.as_str()))
    } else {
        Ok(rolefit::load::read_source(value)?)
    }
}

/// Raises the `rolefit._errors` exception for a library error.
fn raise(py: Python<'_>, e: Error) -> PyErr {
    let class =
        |name: &str| -> PyResult<Bound<'_, PyAny>> { py.import("rolefit._errors")?.getattr(name) };
    let made = match e {
        Error::Invalid(Diagnostics(diags)) => invalid(py, &diags),
        Error::Load(LoadError::Read { path, source }) => {
            let message = format!("{path}: cannot read: {source}");
            return if source.kind() == std::io::ErrorKind::NotFound {
                PyFileNotFoundError::new_err(message)
            } else {
                PyOSError::new_err(message)
            };
        }
        Error::Load(other) => {
            let file = match &other {
                LoadError::TooLarge { path, .. }
                | LoadError::NotText { path }
                | LoadError::NoRuleFiles { path }
                | LoadError::Sheet { path, .. } => path.clone(),
                LoadError::Read { path, .. } => path.clone(),
            };
            invalid(
                py,
                &[Diagnostic::whole_file(
                    DiagLevel::Error,
                    &file,
                    other.to_string(),
                )],
            )
        }
        e if e.is_usage() => class("UsageError").and_then(|c| c.call1((e.to_string(),))),
        other => class("SolveError").and_then(|c| c.call1((other.to_string(),))),
    };
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// `rolefit.InvalidInput(message, diagnostics)`.
fn invalid<'py>(py: Python<'py>, diags: &[Diagnostic]) -> PyResult<Bound<'py, PyAny>> {
    let class = py.import("rolefit._errors")?.getattr("InvalidInput")?;
    let record = py.import("rolefit._errors")?.getattr("Diagnostic")?;
    let items = PyList::empty(py);
    let mut message = String::new();
    for d in diags {
        let suggestion = d
            .help
            .as_deref()
            .and_then(|h| h.strip_prefix("did you mean `"))
            .and_then(|h| h.split_once('`'))
            .map(|(s, _)| s.to_string());
        let kwargs = PyDict::new(py);
        kwargs.set_item(
            "level",
            match d.level {
                DiagLevel::Error => "error",
                DiagLevel::Warning => "warning",
            },
        )?;
        kwargs.set_item("file", &d.file)?;
        kwargs.set_item("line", (d.line > 0).then_some(d.line))?;
        kwargs.set_item("column", (d.line > 0).then_some(d.column))?;
        kwargs.set_item("path", &d.path)?;
        kwargs.set_item("message", &d.message)?;
        kwargs.set_item("help", d.help.as_deref())?;
        kwargs.set_item("suggestion", suggestion)?;
        kwargs.set_item("rendered", d.render(false))?;
        items.append(record.call((), Some(&kwargs))?)?;
        if d.is_error() {
            message.push_str(&d.to_string());
            message.push('\n');
        }
    }
    class.call1((message.trim_end().to_string(), items))
}

fn usage(py: Python<'_>, message: String) -> PyErr {
    raise(py, Error::Arguments(message.into()))
}

/// Rules: the built-in ones unless `no_default_rules`, then those of `rules` (a directory or
/// one file).
fn knowledge(
    rules: Option<&str>,
    no_default_rules: bool,
) -> Result<rolefit::kb::KnowledgeBase, Error> {
    let docs = rolefit::inputs::rule_documents(rules.map(std::path::Path::new), no_default_rules)?;
    rolefit::knowledge_base(docs)
}

/// `rolefit.solve`: the `solve --format json` object, as JSON text.
#[pyfunction]
#[pyo3(signature = (scenario, *, rules=None, no_default_rules=false, variant=None, without=Vec::new(), with_=Vec::new(), pins=Vec::new(), forbid=Vec::new(), unfunded=Vec::new(), time_limit=None, partners=None))]
#[allow(clippy::too_many_arguments)]
fn solve(
    py: Python<'_>,
    scenario: Input,
    rules: Option<String>,
    no_default_rules: bool,
    variant: Option<String>,
    without: Vec<String>,
    with_: Vec<Input>,
    pins: Vec<String>,
    forbid: Vec<String>,
    unfunded: Vec<String>,
    time_limit: Option<f64>,
    partners: Option<String>,
) -> PyResult<String> {
    let run = move || -> Result<String, Error> {
        let kb = knowledge(rules.as_deref(), no_default_rules)?;
        let doc = Document::parse(source(&scenario, "<scenario>")?);
        let extra = match &partners {
            Some(path) => {
                let table = rolefit::load::read_table(std::path::Path::new(path))?;
                match rolefit::sheet::partners(&kb, &table, rolefit::sheet::Funders::OfTheScenario)
                {
                    (Some(p), _) => p,
                    (None, diags) => return Err(Error::Invalid(Diagnostics(diags))),
                }
            }
            None => Vec::new(),
        };
        let scenario = match rolefit::scenario::load_scenario_with(&kb, &doc, &extra) {
            (Some(s), _) => s,
            (None, diags) => return Err(Error::Invalid(Diagnostics(diags))),
        };
        let mut line_up = rolefit::line_up(&scenario, variant.as_deref())?;
        let joining = with_
            .iter()
            .map(|w| Ok(Document::parse(source(w, "<partner>")?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let changes =
            rolefit::scenario::what_ifs(&kb, &without, &joining, &forbid, &pins, &unfunded)?;
        rolefit::apply_what_ifs(&kb, &mut line_up, &changes)?;
        let options = rolefit::solve::Options {
            time_limit: rolefit::time_limit(time_limit)?,
            ..rolefit::solve::Options::default()
        };
        // Robustness at its defaults, as `rolefit solve` assesses it.
        let outcome = rolefit::solve_and_assess(
            &kb,
            &line_up,
            &options,
            &rolefit::robust::Settings::default(),
        )?;
        Ok(rolefit::report::render(
            &outcome,
            rolefit::report::Format::Json,
            rolefit::report::Style { colour: false },
        ))
    };
    py.detach(run).map_err(|e| raise(py, e))
}

/// A sweep's model without its design, run at the values each call brings: what
/// `rolefit.evaluate` caches per base and set of factor names.
#[pyclass(frozen, module = "rolefit._native")]
struct Evaluator {
    plan: Plan,
    layout: Layout,
    /// Column names of the outcomes (the table's columns after the factors), interned.
    keys: Vec<Py<PyString>>,
    /// Cells before the outcomes: run, scenario, replicate and the factors.
    skip: usize,
    kinds: Vec<ValueKind>,
    /// Workers' reusable state, one per concurrent call.
    scratch: Mutex<Vec<Scratch>>,
}

#[pymethods]
impl Evaluator {
    /// `base`: a scenario or a sweep file (path or text); `factors`: the factor names.
    #[new]
    #[pyo3(signature = (base, factors, *, rules=None, no_default_rules=false))]
    fn new(
        py: Python<'_>,
        base: Input,
        factors: Vec<String>,
        rules: Option<String>,
        no_default_rules: bool,
    ) -> PyResult<Evaluator> {
        let build = || -> Result<Plan, Error> {
            let src = source(&base, "<scenario>")?;
            let doc = Document::parse(src.clone());
            let is_sweep = matches!(&doc.root, Ok(node) if matches!(&node.kind,
                rolefit::ron::Kind::Struct(Some(n), _) if n.text == "Sweep"));
            let (sweep, scenario) = if is_sweep {
                if rules.is_some() || no_default_rules {
                    return Err(Error::Arguments(
                        "a sweep file names its own rules: `rules` is for a scenario".into(),
                    ));
                }
                let dir = (!base.1)
                    .then(|| {
                        std::path::Path::new(&base.0)
                            .parent()
                            .map(|p| p.to_path_buf())
                    })
                    .flatten();
                (SweepSource { source: src, dir }, None)
            } else {
                (
                    input::over_scenario(rules.as_deref(), no_default_rules),
                    Some(src),
                )
            };
            let (compiled, diags) = input::evaluator(&sweep, scenario.as_ref(), &factors)?;
            let Some((plan, _)) = compiled else {
                return Err(Error::Invalid(Diagnostics(diags)));
            };
            if plan.spec.bases.len() > 1 {
                return Err(Error::Arguments(format!(
                    "{}: evaluate runs one base scenario, and this sweep has {}; give one of its scenarios instead",
                    plan.spec.file,
                    plan.spec.bases.len()
                ).into()));
            }
            Ok(plan)
        };
        let plan = py.detach(build).map_err(|e| raise(py, e))?;
        let layout = Layout::new(&plan, Format::Csv, false);
        let skip = 3 + plan.spec.factors.len();
        let keys = layout.columns[skip..]
            .iter()
            .map(|c| PyString::intern(py, c).unbind())
            .collect();
        let kinds = plan
            .spec
            .factors
            .iter()
            .map(|f| f.kind(&plan.spec))
            .collect();
        Ok(Evaluator {
            plan,
            layout,
            keys,
            skip,
            kinds,
            scratch: Mutex::new(Vec::new()),
        })
    }

    /// The factor names, in the order `__call__` takes their values.
    #[getter]
    fn factors(&self) -> Vec<String> {
        self.plan
            .spec
            .factors
            .iter()
            .map(|f| f.name.clone())
            .collect()
    }

    /// The outcome names, in the order of the dict `__call__` returns.
    #[getter]
    fn outcomes(&self) -> Vec<String> {
        self.layout.columns[self.skip..].to_vec()
    }

    /// Runs once at `values` (one per factor, in order); `seed` is the run id whose noise
    /// and generated consortium the run gets.
    #[pyo3(signature = (values, seed=0))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        values: &Bound<'py, PyTuple>,
        seed: u64,
    ) -> PyResult<Bound<'py, PyDict>> {
        let spec = &self.plan.spec;
        if values.len() != spec.factors.len() {
            return Err(PyValueError::new_err(format!(
                "expected {} factor values, got {}",
                spec.factors.len(),
                values.len()
            )));
        }
        let mut point = Vec::with_capacity(values.len());
        for ((value, factor), kind) in values.iter().zip(&spec.factors).zip(&self.kinds) {
            let level = level(&value, kind)?;
            match factor.encode(spec, &level) {
                Ok(v) => point.push(v),
                Err(r) => {
                    let mut d = Diagnostic::whole_file(
                        DiagLevel::Error,
                        "evaluate() arguments",
                        format!("{}: {}", factor.name, r.message),
                    );
                    d.path = factor.name.clone();
                    d.help = r.did_you_mean.map(|c| format!("did you mean `{c}`?"));
                    return Err(raise(py, Error::Invalid(Diagnostics(vec![d]))));
                }
            }
        }
        if let Err(m) = spec.check_point(&point) {
            return Err(usage(py, format!("evaluate(): {m}")));
        }
        let mut scratch = self
            .scratch
            .lock()
            .ok()
            .and_then(|mut s| s.pop())
            .unwrap_or_default();
        let result = py.detach(|| self.plan.run_at(seed, 0, 0, point, &mut scratch));
        if let Ok(mut pool) = self.scratch.lock() {
            pool.push(scratch);
        }
        let out = PyDict::new(py);
        let mut k = 0usize;
        let mut failed = None;
        self.layout.values(&result, |v| {
            k += 1;
            if k <= self.skip || failed.is_some() {
                return;
            }
            let key = self.keys[k - 1 - self.skip].bind(py);
            let set = match v {
                Value::Int(x) => out.set_item(key, x),
                Value::Num(x) => out.set_item(key, x),
                Value::Bool(x) => out.set_item(key, x),
                Value::Text(x) => out.set_item(key, x),
                Value::Null => out.set_item(key, py.None()),
            };
            if let Err(e) = set {
                failed = Some(e);
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }
}

/// A Python value as a factor level: booleans, numbers (Python's or numpy's) and text.
fn level(value: &Bound<'_, PyAny>, kind: &ValueKind) -> PyResult<Level> {
    if value.is_instance_of::<PyBool>() {
        return Ok(Level::Bool(value.extract::<bool>()?));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Level::Text(value.extract::<String>()?));
    }
    match value.extract::<f64>() {
        // numpy's bool_ and 0/1 for a yes-or-no factor.
        Ok(v) if *kind == ValueKind::Bool && (v == 0.0 || v == 1.0) => Ok(Level::Bool(v == 1.0)),
        Ok(v) => Ok(Level::Num(v)),
        Err(_) => Ok(Level::Text(value.str()?.extract::<String>()?)),
    }
}

/// One column of a table being built.
enum Column {
    Int {
        values: Vec<i64>,
        nulls: bool,
    },
    Num(Vec<f64>),
    Bool(Vec<u8>),
    /// Codes into `names`; -1 for null.
    Text {
        codes: Vec<i32>,
        names: Vec<String>,
        index: HashMap<String, i32>,
    },
}

impl Column {
    fn new(kind: ColumnKind) -> Column {
        match kind {
            ColumnKind::Int => Column::Int {
                values: Vec::new(),
                nulls: false,
            },
            ColumnKind::Num => Column::Num(Vec::new()),
            ColumnKind::Bool => Column::Bool(Vec::new()),
            ColumnKind::Text => Column::Text {
                codes: Vec::new(),
                names: Vec::new(),
                index: HashMap::new(),
            },
        }
    }

    fn push(&mut self, v: Value<'_>) {
        match (self, v) {
            (Column::Int { values, .. }, Value::Int(x)) => values.push(x as i64),
            (Column::Int { values, nulls }, _) => {
                values.push(0);
                *nulls = true;
            }
            (Column::Num(values), Value::Num(x)) => values.push(x),
            (Column::Num(values), _) => values.push(f64::NAN),
            (Column::Bool(values), Value::Bool(x)) => values.push(u8::from(x)),
            (Column::Bool(values), _) => values.push(0),
            (
                Column::Text {
                    codes,
                    names,
                    index,
                },
                Value::Text(x),
            ) => {
                let code = match index.get(x) {
                    Some(&c) => c,
                    None => {
                        let c = names.len() as i32;
                        names.push(x.to_string());
                        index.insert(x.to_string(), c);
                        c
                    }
                };
                codes.push(code);
            }
            (Column::Text { codes, .. }, _) => codes.push(-1),
        }
    }

    /// `(kind, data, names)`: data is little-endian i64, f64 or u8 values, or i32 codes.
    fn into_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let none = py.None().into_bound(py);
        match self {
            Column::Int { values, nulls } => {
                let bytes: Vec<u8> = if nulls {
                    // As pandas reads a CSV column of counts with gaps: floats, NaN for the gaps.
                    values
                        .iter()
                        .map(|&v| v as f64)
                        .flat_map(f64::to_le_bytes)
                        .collect()
                } else {
                    values.iter().flat_map(|v| v.to_le_bytes()).collect()
                };
                let kind = if nulls { "float" } else { "int" };
                (kind, PyBytes::new(py, &bytes), none).into_pyobject(py)
            }
            Column::Num(values) => {
                let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
                ("float", PyBytes::new(py, &bytes), none).into_pyobject(py)
            }
            Column::Bool(values) => ("bool", PyBytes::new(py, &values), none).into_pyobject(py),
            Column::Text { codes, names, .. } => {
                let bytes: Vec<u8> = codes.iter().flat_map(|v| v.to_le_bytes()).collect();
                (
                    "text",
                    PyBytes::new(py, &bytes),
                    PyList::new(py, names)?.into_any(),
                )
                    .into_pyobject(py)
            }
        }
    }
}

/// Loads a sweep and its design into a plan, as the CLI does (`sweep::load_plan`).
fn load(
    spec: &Input,
    design: Option<&DesignFile>,
    format: Format,
    solve_time: bool,
) -> Result<rolefit::sweep::Loaded, Error> {
    rolefit::sweep::load_plan(&sweep_source(spec)?, design, format, solve_time)
}

/// The sweep text `spec` gives, or the file it names.
fn sweep_source(spec: &Input) -> Result<SweepSource, Error> {
    Ok(if spec.1 {
        SweepSource {
            source: Source::new("<sweep>", spec.0.as_str()),
            dir: None,
        }
    } else {
        SweepSource::read(&spec.0)?
    })
}

fn design_file(design: Option<Input>) -> Result<Option<DesignFile>, Error> {
    Ok(match design {
        Some((text, true)) => Some(DesignFile::new(Source::new("<design>", text))),
        Some((path, false)) => Some(DesignFile::read(&path)?),
        None => None,
    })
}

/// `rolefit.sweep` in memory: the table's columns, `[(name, kind, data, names)]`.
#[pyfunction]
#[pyo3(signature = (spec, *, design=None, threads=0, shard=None, solve_time=true))]
fn sweep_table<'py>(
    py: Python<'py>,
    spec: Input,
    design: Option<Input>,
    threads: usize,
    shard: Option<(u64, u64)>,
    solve_time: bool,
) -> PyResult<Bound<'py, PyList>> {
    let shard = checked_shard(py, shard)?;
    let compiled = py.detach(|| -> Result<_, Error> {
        let design = design_file(design)?;
        load(&spec, design.as_ref(), Format::Csv, solve_time)
    });
    let plan = compiled.map_err(|e| raise(py, e))?.plan;
    let layout = Layout::new(&plan, Format::Csv, solve_time);
    let mut columns: Vec<Column> = layout.column_kinds().into_iter().map(Column::new).collect();
    let total = shard.len(plan.runs());
    let ran = py.detach(|| {
        stream::solve_in_order(
            &plan,
            threads,
            shard,
            0..total,
            |r| r,
            |rows, _| {
                for r in &rows {
                    let mut c = 0;
                    layout.values(r, |v| {
                        columns[c].push(v);
                        c += 1;
                    });
                }
                // Ctrl-C between chunks.
                Python::attach(|py| py.check_signals()).map_err(|_| SweepError::Interrupted)
            },
        )
    });
    if let Err(e) = ran {
        if let SweepError::Interrupted = e {
            return Err(PyKeyboardInterrupt::new_err("the sweep was interrupted"));
        }
        return Err(raise(py, Error::from(e)));
    }
    let out = PyList::empty(py);
    for (name, column) in layout.columns.iter().zip(columns) {
        let t = column.into_py(py)?;
        let (kind, data, names) = (t.get_item(0)?, t.get_item(1)?, t.get_item(2)?);
        out.append((name, kind, data, names))?;
    }
    Ok(out)
}

fn checked_shard(py: Python<'_>, shard: Option<(u64, u64)>) -> PyResult<Shard> {
    match shard {
        None => Ok(Shard { index: 0, count: 1 }),
        Some((index, count)) if count > 0 && index < count => Ok(Shard { index, count }),
        Some((index, count)) => Err(usage(
            py,
            format!("shard ({index}, {count}): write (K, N) with 0 <= K < N"),
        )),
    }
}

/// `rolefit.sweep(..., out=FILE)`: the CLI's streamed, resumable run into a file with its
/// manifest; returns `(rows, resumed, solved)`.
#[pyfunction]
#[pyo3(signature = (spec, out, *, design=None, threads=0, shard=None, solve_time=true, resume=false, restart=false))]
#[allow(clippy::too_many_arguments)]
fn sweep_file(
    py: Python<'_>,
    spec: Input,
    out: String,
    design: Option<Input>,
    threads: usize,
    shard: Option<(u64, u64)>,
    solve_time: bool,
    resume: bool,
    restart: bool,
) -> PyResult<(u64, u64, u64)> {
    let shard = shard.map(|s| checked_shard(py, Some(s))).transpose()?;
    let run = || -> Result<Report, Error> {
        let path = std::path::PathBuf::from(&out);
        let format = Format::from_path(&path).ok_or_else(|| {
            Error::Arguments(format!("out={out:?}: name the file .csv or .jsonl").into())
        })?;
        // As the CLI does: the table and its companions may not land on a file the sweep reads.
        let source = sweep_source(&spec)?;
        fn named(input: Option<&Input>) -> Option<&std::path::Path> {
            match input {
                Some((path, false)) => Some(std::path::Path::new(path)),
                _ => None,
            }
        }
        let inputs = input::read_files(&source, named(Some(&spec)), named(design.as_ref()));
        stream::refuse_inputs(&path, &inputs)?;
        let design = design_file(design)?;
        let loaded = rolefit::sweep::load_plan(&source, design.as_ref(), format, solve_time)?;
        let layout = Layout::new(&loaded.plan, format, solve_time);
        let manifest = loaded.manifest(&layout, shard);
        let plan = loaded.plan;
        let opts = rolefit::sweep::Options {
            threads,
            shard,
            resume,
            restart,
        };
        rolefit::sweep::execute(&plan, &layout, &manifest, &path, &opts, &mut |_, _| {})
            .map_err(Error::from)
    };
    let report = py.detach(run).map_err(|e| raise(py, e))?;
    Ok((report.rows, report.resumed, report.solved))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(solve, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_table, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_file, m)?)?;
    m.add_class::<Evaluator>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
