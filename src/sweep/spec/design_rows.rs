//! A design file (CSV) read against a spec: its columns matched to factors, its rows checked.

use super::*;

/// Most rows a design file may have.
pub const MAX_DESIGN_ROWS: usize = 10_000_000;

/// Reads a design file (CSV: a header of factor names or paths, one row per design point)
/// against a spec whose declared factors are resolved: each column is a declared factor (by
/// name or path) or a new factor named by its path; every declared factor must have a column.
/// With `rows_required` false a header alone is accepted (the arguments of
/// `rolefit.evaluate`). Problems in the design file go to `diags`, missing columns to `sink`.
pub(super) fn read_design(
    sink: &mut Sink,
    design: &Source,
    rows_required: bool,
    spec: &mut Spec,
    drafts: &[FactorDraft],
    diags: &mut Vec<Diagnostic>,
) -> Option<DesignRows> {
    let mut d = Sink::new(design, diags);
    let text = design.text.as_str();
    let mut lines = crate::sweep::table::csv_lines(text);
    let mut splitter = crate::sweep::table::CsvSplitter::default();
    let Some((header_at, header)) = lines.next() else {
        if !rows_required {
            // `evaluate()` without factors: the base as it is.
            spec.factors.clear();
            return Some(DesignRows {
                file: design.name.clone(),
                rows: 0,
                values: Vec::new().into(),
            });
        }
        d.error(Span::default(), "", "the design file is empty")
            .help("the first line names the factors (their names or paths), each further line is one run");
        return None;
    };
    let header = match splitter.split(header) {
        Ok(h) => h,
        Err(e) => {
            d.error(Span::new(header_at, header_at + header.len()), "header", e);
            return None;
        }
    };
    // For each column: the index of its factor in `spec.factors`.
    let mut columns: Vec<usize> = Vec::new();
    let mut ok = true;
    for (name, range) in &header {
        let span = Span::new(header_at + range.start, header_at + range.end);
        match column_factor(&mut d, spec, name.trim(), span, &columns) {
            Some(index) => columns.push(index),
            None => ok = false,
        }
    }
    if ok && !rows_required {
        // `evaluate` varies only what its arguments name; the other declared factors keep
        // their base values.
        let mut kept: Vec<Factor> = columns.iter().map(|&i| spec.factors[i].clone()).collect();
        std::mem::swap(&mut spec.factors, &mut kept);
        columns = (0..spec.factors.len()).collect();
    }
    if !ok || !every_factor_has_a_column(sink, design, spec, drafts, &header, &columns) {
        return None;
    }
    let (values, rows) = read_rows(&mut d, spec, lines, &columns, &mut splitter)?;
    if rows == 0 && rows_required {
        d.error(
            Span::default(),
            "",
            "the design file has a header but no rows",
        )
        .help("each line after the header is one run");
    }
    let failed = d.has_errors();
    drop(d);
    (!failed).then(|| DesignRows {
        file: design.name.clone(),
        rows: rows as u64,
        values: values.into(),
    })
}

/// The factor a header column names (a declared factor by name or path, or a new factor
/// named by its path), as its index in `spec.factors`; `None`, with the problem reported, for
/// a column that names none, or a factor an earlier column has.
fn column_factor(
    d: &mut Sink,
    spec: &mut Spec,
    name: &str,
    span: Span,
    columns: &[usize],
) -> Option<usize> {
    let at = format!("header.{name}");
    let found = spec
        .factors
        .iter()
        .position(|f| f.name == name)
        .or_else(|| spec.factors.iter().position(|f| f.path == name));
    let index = match found {
        Some(i) => i,
        None => {
            if name.is_empty() || name.starts_with("Unnamed") {
                d.error(
                    span,
                    &at,
                    "a column without a factor path (an index column?)",
                )
                .help("write the sample without its index, e.g. `df.to_csv(path, index=False)`");
                return None;
            }
            if crate::sweep::table::is_fixed_column(name) {
                d.error(
                    span,
                    &at,
                    format!("`{name}` is an output column, not a factor"),
                );
                return None;
            }
            let declared: Vec<&str> = spec.factors.iter().map(|f| f.name.as_str()).collect();
            if let Some(close) = closest(name, declared.iter().copied()) {
                d.error(span, &at, format!("no factor `{name}` in the sweep file"))
                    .help(format!("did you mean `{close}`?"));
                return None;
            }
            let path = Spanned::new(name.to_string(), span);
            let target = target(d, spec, &path, &at)?;
            if let Some(f) = spec.factors.iter().find(|f| f.target == target) {
                d.error(
                    span,
                    &at,
                    format!("factor `{}` varies `{}` already", f.name, f.path),
                );
                return None;
            }
            let kind = value_kind(&target, spec);
            spec.factors.push(Factor {
                name: name.to_string(),
                path: name.to_string(),
                target,
                domain: full_domain(&kind),
            });
            spec.factors.len() - 1
        }
    };
    if columns.contains(&index) {
        d.error(
            span,
            &at,
            format!("a second column for factor `{}`", spec.factors[index].name),
        );
        return None;
    }
    Some(index)
}

/// Every factor of the spec has a column; each one without is reported at its declaration in
/// the sweep file.
fn every_factor_has_a_column(
    sink: &mut Sink,
    design: &Source,
    spec: &Spec,
    drafts: &[FactorDraft],
    header: &[(String, std::ops::Range<usize>)],
    columns: &[usize],
) -> bool {
    let mut ok = true;
    for (i, f) in spec.factors.iter().enumerate() {
        if ok && !columns.contains(&i) {
            let fd = drafts.iter().find(|fd| fd.path.value == f.path);
            let (span, at) = fd.map_or((Span::default(), String::new()), |fd| {
                (fd.span, fd.at.clone())
            });
            let names: Vec<&str> = header.iter().map(|(n, _)| n.trim()).collect();
            let e = sink.error(
                span,
                &at,
                format!(
                    "the design file {} has no column for factor `{}` (path `{}`)",
                    design.name, f.name, f.path
                ),
            );
            e.suggest(&f.name, names.iter().copied());
            if e.help.is_none() {
                e.help("name a column after the factor's name or path");
            }
            ok = false;
        }
    }
    ok
}

/// The design's points, row after row (`spec.factors.len()` values each), and the number of
/// rows; every bad cell reported. `None` past [`MAX_DESIGN_ROWS`].
fn read_rows<'t>(
    d: &mut Sink,
    spec: &Spec,
    lines: impl Iterator<Item = (usize, &'t str)>,
    columns: &[usize],
    splitter: &mut crate::sweep::table::CsvSplitter,
) -> Option<(Vec<f64>, usize)> {
    let width = spec.factors.len();
    let mut values: Vec<f64> = Vec::new();
    let mut point = vec![0.0; width];
    let mut rows = 0usize;
    for (line_at, line) in lines {
        let line_span = Span::new(line_at, line_at + line.len());
        rows += 1;
        if rows > MAX_DESIGN_ROWS {
            d.error(line_span, "", format!("more than {MAX_DESIGN_ROWS} rows"));
            return None;
        }
        let at = format!("row {rows}");
        let cells = match splitter.split(line) {
            Ok(c) => c,
            Err(e) => {
                d.error(line_span, &at, e);
                continue;
            }
        };
        if cells.len() != columns.len() {
            d.error(
                line_span,
                &at,
                format!(
                    "{} cells, but the header names {} factors",
                    cells.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let mut good = true;
        for ((cell, range), &f) in cells.iter().zip(columns) {
            let factor = &spec.factors[f];
            match factor.parse_cell(spec, cell) {
                Ok(v) => point[f] = v,
                Err(r) => {
                    let e = d.error(
                        Span::new(line_at + range.start, line_at + range.end),
                        &format!("{at}.{}", factor.name),
                        r.message,
                    );
                    if let Some(c) = r.did_you_mean {
                        e.help(format!("did you mean `{c}`?"));
                    }
                    good = false;
                }
            }
        }
        if good && let Err(m) = spec.check_point(&point) {
            d.error(line_span, &at, m);
        }
        values.extend_from_slice(&point);
    }
    Some((values, rows))
}
