//! The position-keeping parser against the `ron` crate on every RON file the repository ships:
//! both must accept each file and read the same values. `ron::Value` forgets struct and variant
//! names, so both trees are compared in that plainer shape.

use super::{Kind, Node, parse};
use std::path::{Path, PathBuf};

/// The shape both parsers can give: no names, numbers as `f64`, maps sorted by key.
#[derive(Debug, PartialEq, PartialOrd)]
enum Plain {
    Unit,
    Bool(bool),
    Num(f64),
    Str(String),
    Char(char),
    Seq(Vec<Plain>),
    Map(Vec<(Plain, Plain)>),
    Opt(Option<Box<Plain>>),
}

fn sorted(mut entries: Vec<(Plain, Plain)>) -> Plain {
    entries.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    Plain::Map(entries)
}

fn ours(node: &Node) -> Plain {
    match &node.kind {
        Kind::Unit => Plain::Unit,
        Kind::Bool(b) => Plain::Bool(*b),
        Kind::Number(n) => Plain::Num(n.value),
        Kind::Str(s) => Plain::Str(s.clone()),
        Kind::Char(c) => Plain::Char(*c),
        Kind::List(items) => Plain::Seq(items.iter().map(ours).collect()),
        Kind::Map(entries) => sorted(entries.iter().map(|(k, v)| (ours(k), ours(v))).collect()),
        // `Name()` has no fields to tell a struct from a tuple; the `ron` crate calls it a tuple.
        Kind::Struct(_, fields) if fields.is_empty() => Plain::Seq(Vec::new()),
        Kind::Struct(_, fields) => sorted(
            fields
                .iter()
                .map(|f| (Plain::Str(f.name.text.clone()), ours(&f.value)))
                .collect(),
        ),
        Kind::Tuple(Some(name), items) if name.text == "Some" && items.len() == 1 => {
            Plain::Opt(Some(Box::new(ours(&items[0]))))
        }
        Kind::Tuple(_, items) => Plain::Seq(items.iter().map(ours).collect()),
        Kind::Ident(i) if i == "None" => Plain::Opt(None),
        Kind::Ident(_) => Plain::Unit,
    }
}

fn theirs(value: ron::Value) -> Plain {
    match value {
        ron::Value::Unit => Plain::Unit,
        ron::Value::Bool(b) => Plain::Bool(b),
        ron::Value::Number(n) => Plain::Num(n.into_f64()),
        ron::Value::String(s) => Plain::Str(s),
        ron::Value::Char(c) => Plain::Char(c),
        ron::Value::Bytes(b) => Plain::Seq(b.into_iter().map(|x| Plain::Num(x.into())).collect()),
        ron::Value::Seq(items) => Plain::Seq(items.into_iter().map(theirs).collect()),
        ron::Value::Map(map) => sorted(
            map.into_iter()
                .map(|(k, v)| (theirs(k), theirs(v)))
                .collect(),
        ),
        ron::Value::Option(o) => Plain::Opt(o.map(|v| Box::new(theirs(*v)))),
    }
}

/// Every `.ron` file under `dir`, recursively, sorted.
fn ron_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            ron_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
    }
}

#[test]
fn every_shipped_ron_file_reads_the_same_as_with_the_ron_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["rules", "scenarios", "sweeps", "cases", "benches/fixtures"] {
        ron_files(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 100, "only {} files found", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a readable file");
        let node = parse(&text).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
        let value: ron::Value = ron::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: the ron crate: {e}", path.display()));
        let (a, b) = (format!("{:?}", ours(&node)), format!("{:?}", theirs(value)));
        if a != b {
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let from = a[..at].char_indices().rev().nth(200).map_or(0, |(i, _)| i);
            panic!(
                "{} reads differently from ...{}\n ours: {}\n ron: {}",
                path.display(),
                &a[from..at],
                a[at..].chars().take(120).collect::<String>(),
                b[at..].chars().take(120).collect::<String>()
            );
        }
    }
}
