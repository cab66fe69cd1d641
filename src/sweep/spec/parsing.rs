//! The sweep document -> [`Draft`], every problem collected with its position.

use super::*;

/// Reads the sweep document; `None` when it has errors (all of them are in the list).
pub fn parse(doc: &Document) -> (Option<Draft>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut sink = Sink::new(&doc.source, &mut diags);
    let draft = match &doc.root {
        Ok(node) => draft(&mut sink, node),
        Err(e) => {
            sink.error(e.span, "", e.message.clone());
            None
        }
    };
    drop(sink);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (draft.filter(|_| ok), diags)
}

fn draft(sink: &mut Sink, node: &Node) -> Option<Draft> {
    if let Kind::Struct(Some(n), _) = &node.kind
        && n.text == "Scenario"
    {
        sink.error(n.span, "", "this is a scenario, not a sweep file")
            .help("a sweep file is `Sweep(scenarios: [\"my-scenario.ron\"], factors: [...], design: ...)`; `rolefit solve` takes scenarios");
        return None;
    }
    let mut f = read::fields(sink, node, "", "Sweep")?;
    let name = f
        .take("name")
        .and_then(|n| read::string(sink, n, "name"))
        .map_or_else(|| "sweep".to_string(), |s| s.value);
    let scenarios = match f.take("scenarios") {
        Some(n) => {
            let items = read::list_of(sink, n, "scenarios", read::string);
            if items.len() > MAX_SCENARIOS {
                sink.error(
                    n.span,
                    "scenarios",
                    format!("more than {MAX_SCENARIOS} base scenarios"),
                );
            }
            items
        }
        None => Vec::new(),
    };
    let generate = f.take("generate").and_then(|n| generate(sink, n));
    if scenarios.is_empty() == generate.is_none() {
        sink.error(
            f.span,
            "",
            if scenarios.is_empty() {
                "a sweep needs base scenarios (`scenarios: [\"file.ron\"]`) or generated consortia (`generate: Generate(...)`)"
            } else {
                "give either `scenarios` or `generate`, not both"
            },
        );
    }
    let rules = f.take("rules").and_then(|n| read::string(sink, n, "rules"));
    let no_default_rules = f
        .take("no_default_rules")
        .and_then(|n| read::boolean(sink, n, "no_default_rules"))
        .unwrap_or(false);
    if no_default_rules && rules.is_none() {
        sink.error(
            f.span,
            "no_default_rules",
            "`no_default_rules: true` needs `rules: \"DIR\"`: a sweep cannot run without rules",
        );
    }
    let factors = match f.take("factors") {
        Some(n) => {
            let items = read::list(sink, n, "factors").unwrap_or(&[]);
            if items.len() > MAX_FACTORS {
                sink.error(
                    n.span,
                    "factors",
                    format!(
                        "{} factors is more than the limit of {MAX_FACTORS}",
                        items.len()
                    ),
                );
            }
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| factor(sink, item, &index_path("factors", i)))
                .collect()
        }
        None => Vec::new(),
    };
    let design_node = f.take("design");
    let design = design_node.and_then(|n| design(sink, n));
    let replicates_node = f.take("replicates");
    let replicates = replicates_node
        .and_then(|n| read::integer(sink, n, "replicates", 1, MAX_REPLICATES))
        .map_or(1, |v| v.value as u32);
    let noise = f
        .take("noise")
        .and_then(|n| read::number_in(sink, n, "noise", 0.0, 1.0))
        .map_or(0.0, |v| v.value);
    let time_limit = f
        .take("time_limit")
        .and_then(|n| read::number_in(sink, n, "time_limit", 0.001, 86_400.0))
        .map(|v| Duration::from_secs_f64(v.value));
    f.finish(sink);
    Some(Draft {
        name,
        scenarios,
        generate,
        rules,
        no_default_rules,
        factors,
        design: match design_node {
            Some(_) => Some(design?),
            None => None,
        },
        span: node.span,
        replicates,
        replicates_span: replicates_node.map(|n| n.span),
        noise,
        time_limit,
    })
}

fn generate(sink: &mut Sink, node: &Node) -> Option<GenerateDraft> {
    let mut f = read::fields(sink, node, "generate", "Generate")?;
    let roles = f
        .take("roles")
        .and_then(|n| read::integer(sink, n, "generate.roles", 1, 1000))
        .map_or(18, |v| v.value as usize);
    let mut sectors = Vec::new();
    if let Some(map) = f.require(sink, "sectors") {
        for (k, v) in read::string_map(sink, map, "generate.sectors") {
            let p = key_path("generate.sectors", &k.value);
            if let Some(n) = read::integer(sink, v, &p, 0, 200) {
                sectors.push((k, n.value as usize));
            }
        }
        if sectors.iter().map(|(_, n)| n).sum::<usize>() == 0 && matches!(map.kind, Kind::Map(_)) {
            sink.error(
                map.span,
                "generate.sectors",
                "the generated consortia need at least one partner",
            );
        }
    }
    let capacity = match f.take("capacity") {
        Some(n) => int_pair(sink, n, "generate.capacity", 0, 100)?,
        None => (1, 3),
    };
    let noise = f
        .take("noise")
        .and_then(|n| read::number_in(sink, n, "generate.noise", 0.0, 1.0))
        .map_or(0.15, |v| v.value);
    f.finish(sink);
    Some(GenerateDraft {
        span: node.span,
        roles,
        sectors,
        capacity: (capacity.0 as u32, capacity.1 as u32),
        noise,
    })
}

fn int_pair(sink: &mut Sink, node: &Node, path: &str, min: i64, max: i64) -> Option<(i64, i64)> {
    let (lo, hi) = pair(sink, node, path)?;
    let mut check = |v: f64| {
        if v.fract() != 0.0 || v < min as f64 || v > max as f64 {
            sink.error(
                node.span,
                path,
                format!("{v} is not a whole number from {min} to {max}"),
            );
            None
        } else {
            Some(v as i64)
        }
    };
    Some((check(lo)?, check(hi)?))
}

/// `(lo, hi)` with `lo <= hi`, both finite.
fn pair(sink: &mut Sink, node: &Node, path: &str) -> Option<(f64, f64)> {
    let Kind::Tuple(None, items) = &node.kind else {
        sink.error(
            node.span,
            path,
            format!(
                "expected a range `(low, high)`, found {}",
                node.kind.describe()
            ),
        );
        return None;
    };
    if items.len() != 2 {
        sink.error(
            node.span,
            path,
            format!(
                "a range has two numbers `(low, high)`, found {}",
                items.len()
            ),
        );
        return None;
    }
    let lo = read::number(sink, &items[0], &index_path(path, 0))?.value;
    let hi = read::number(sink, &items[1], &index_path(path, 1))?.value;
    if lo > hi {
        sink.error(
            node.span,
            path,
            format!("the range is empty: low {lo} is above high {hi}"),
        );
        return None;
    }
    Some((lo, hi))
}

fn factor(sink: &mut Sink, node: &Node, at: &str) -> Option<FactorDraft> {
    let mut f = read::fields(sink, node, at, "Factor")?;
    let name = f
        .take("name")
        .and_then(|n| read::string(sink, n, &f.at("name")));
    let path = f
        .require(sink, "path")
        .and_then(|n| read::string(sink, n, &f.at("path")));
    let levels = f.take("levels");
    let range = f.take("range");
    let values = match (levels, range) {
        (Some(l), None) => {
            let items = read::list(sink, l, &f.at("levels")).unwrap_or(&[]);
            if items.is_empty() && matches!(l.kind, Kind::List(_)) {
                sink.error(l.span, &f.at("levels"), "a factor needs at least one level");
            }
            if items.len() > MAX_LEVELS {
                sink.error(
                    l.span,
                    &f.at("levels"),
                    format!("more than {MAX_LEVELS} levels"),
                );
            }
            let mut out: Vec<Spanned<Level>> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = index_path(&f.at("levels"), i);
                let level = match &item.kind {
                    Kind::Number(n) if n.value.is_finite() => Level::Num(n.value),
                    Kind::Bool(b) => Level::Bool(*b),
                    Kind::Str(s) | Kind::Ident(s) => {
                        if s.chars().any(char::is_control) {
                            sink.error(
                                item.span,
                                &p,
                                "a level may not contain control characters (line breaks, tabs)",
                            );
                            continue;
                        }
                        Level::Text(s.clone())
                    }
                    _ => {
                        sink.error(
                            item.span,
                            &p,
                            format!(
                                "expected a number, `true`/`false` or a string, found {}",
                                item.kind.describe()
                            ),
                        );
                        continue;
                    }
                };
                if out.iter().any(|l| l.value == level) {
                    sink.error(item.span, &p, "this level is listed twice");
                    continue;
                }
                out.push(Spanned::new(level, item.span));
            }
            Some(Values::Levels(out))
        }
        (None, Some(r)) => {
            pair(sink, r, &f.at("range")).map(|v| Values::Range(Spanned::new(v, r.span)))
        }
        (Some(_), Some(r)) => {
            sink.error(
                r.span,
                &f.at("range"),
                "give either `levels` or `range`, not both",
            );
            None
        }
        (None, None) => {
            sink.error(
                f.span,
                at,
                "a factor needs `levels: [...]` or `range: (low, high)`",
            );
            None
        }
    };
    let steps = f
        .take("steps")
        .and_then(|n| read::integer(sink, n, &f.at("steps"), 1, MAX_LEVELS as i64))
        .map(|v| v.value as u32);
    f.finish(sink);
    Some(FactorDraft {
        span: node.span,
        at: at.to_string(),
        name,
        path: path?,
        values: values?,
        steps,
    })
}

fn design(sink: &mut Sink, node: &Node) -> Option<Design> {
    let (name, variant) = read::variant(sink, node, "design")?;
    const DESIGNS: [&str; 3] = ["FullFactorial", "LatinHypercube", "MonteCarlo"];
    if !DESIGNS.contains(&name.value.as_str()) {
        sink.error(
            name.span,
            "design",
            format!(
                "unknown design `{}`: expected {}",
                name.value,
                DESIGNS.join(", ")
            ),
        )
        .suggest(&name.value, DESIGNS);
        return None;
    }
    let mut f = match variant {
        read::Variant::Struct(f) => f,
        read::Variant::Unit if name.value == "FullFactorial" => {
            return Some(Design::FullFactorial { steps: 3, seed: 0 });
        }
        _ => {
            sink.error(
                node.span,
                "design",
                format!(
                    "write the design with its fields, e.g. `{}(n: 1000, seed: 1)`",
                    name.value
                ),
            );
            return None;
        }
    };
    let seed_node = f.take("seed");
    let seed = match seed_node {
        Some(n) => read::integer(sink, n, "design.seed", 0, i64::MAX).map(|v| v.value as u64),
        None if name.value == "FullFactorial" => Some(0),
        None => {
            sink.error(
                f.span,
                "design.seed",
                "missing field `seed`: every random design is seeded, so the sweep can be reproduced",
            );
            None
        }
    };
    let design = if name.value == "FullFactorial" {
        let steps = f
            .take("steps")
            .and_then(|n| read::integer(sink, n, "design.steps", 1, MAX_LEVELS as i64))
            .map_or(3, |v| v.value as u32);
        Some(Design::FullFactorial { steps, seed: seed? })
    } else {
        let n = f
            .require(sink, "n")
            .and_then(|n| read::integer(sink, n, "design.n", 1, MAX_RUNS as i64))
            .map(|v| v.value as u64);
        match name.value.as_str() {
            "LatinHypercube" => Some(Design::LatinHypercube { n: n?, seed: seed? }),
            _ => Some(Design::MonteCarlo { n: n?, seed: seed? }),
        }
    };
    f.finish(sink);
    design
}
