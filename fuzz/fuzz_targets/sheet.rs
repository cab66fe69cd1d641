//! Partner sheets, CSV and XLSX: any bytes give a table within its limits or an error, never a
//! panic or an abort; the partners of a valid sheet become a scenario that validates (what
//! `import` writes, `check` accepts).
//!
//! The first byte picks the input: raw CSV, a raw workbook, or (the most productive) a
//! workbook built here around the rest of the bytes as its sheet XML and shared strings
//! (split at the first NUL), so mutations reach calamine's XML reading instead of dying in
//! the archive's checksums.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolefit::kb::KnowledgeBase;
use rolefit::load::{Document, MAX_COLUMNS, MAX_DATA_ROWS, MAX_ROWS, SheetKind, parse_table};
use rolefit::source::Source;
use std::io::Write;
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| rolefit::default_knowledge_base().expect("the built-in rules are valid"))
}

/// A workbook with one sheet `partners` holding `sheet` (and `shared` strings if any), stored
/// uncompressed.
fn workbook(sheet: &[u8], shared: Option<&[u8]>) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut part = |name: &str, bytes: &[u8]| {
        z.start_file(name, opts).expect("a part starts");
        z.write_all(bytes).expect("a part is written");
    };
    part(
        "[Content_Types].xml",
        br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="partners" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        "xl/_rels/workbook.xml.rels",
        br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    );
    part("xl/worksheets/sheet1.xml", sheet);
    if let Some(s) = shared {
        part("xl/sharedStrings.xml", s);
    }
    z.finish().expect("the archive is finished").into_inner()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let table = match mode % 3 {
        0 => parse_table("fuzz.csv", SheetKind::Csv, rest.to_vec()),
        1 => parse_table("fuzz.xlsx", SheetKind::Xlsx, rest.to_vec()),
        _ => {
            let (sheet, shared) = match rest.iter().position(|&b| b == 0) {
                Some(at) => (&rest[..at], Some(&rest[at + 1..])),
                None => (rest, None),
            };
            parse_table("fuzz.xlsx", SheetKind::Xlsx, workbook(sheet, shared))
        }
    };
    let Ok(table) = table else {
        return;
    };
    assert!(table.rows.len() <= MAX_ROWS, "{} rows", table.rows.len());
    assert!(table.rows.iter().all(|r| r.len() <= MAX_COLUMNS));
    assert!(table.rows.iter().filter(|r| !r.is_empty()).count() <= MAX_DATA_ROWS);
    let (partners, diags) =
        rolefit::sheet::partners(kb(), &table, rolefit::sheet::Funders::InTheSheet);
    for d in &diags {
        let shown = d.render(true);
        assert!(
            !shown.contains("\u{1b}]"),
            "an escape sequence from the sheet: {shown:?}"
        );
    }
    let Some(partners) = partners else {
        assert!(
            diags.iter().any(|d| d.is_error()),
            "a sheet refused without an error"
        );
        return;
    };
    if partners.is_empty() {
        return;
    }
    // What `import` writes from the sheet must be a scenario `check` accepts.
    let needs = [rolefit::scenario::Need {
        role: rolefit::kb::RoleIx(0),
        importance: 3,
        min: 1,
        max: 1,
        budget: Vec::new(),
    }];
    let text = rolefit::sheet::scenario_ron(kb(), "Fuzzed", "fuzz.csv", &needs, &partners);
    let doc = Document::parse(Source::new("imported.ron", text.as_str()));
    let (scenario, diags) = rolefit::scenario::load_scenario(kb(), &doc);
    assert!(
        scenario.is_some(),
        "import wrote a scenario that does not validate: {:?}\n{text}",
        diags.iter().map(|d| d.to_string()).collect::<Vec<_>>()
    );
});
