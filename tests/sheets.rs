//! Partner sheets from careless or hostile hands: workbooks that explode when unpacked or
//! trusted, CSV files of endless rows or columns. Each gets a clear error naming the file and
//! what is wrong, in bounded time and memory, never an abort.

mod common;

use common::rolefit;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A workbook with one sheet `partners` (its `sheetData` rows given), and shared strings if any.
fn xlsx(dir: &Path, name: &str, sheet: &str, shared: Option<&str>) -> PathBuf {
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, text: &[u8]| {
        z.start_file(name, opts).unwrap();
        z.write_all(text).unwrap();
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
    part("xl/worksheets/sheet1.xml", sheet.as_bytes());
    if let Some(s) = shared {
        part("xl/sharedStrings.xml", s.as_bytes());
    }
    z.finish().unwrap();
    path
}

fn cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn sheet(rows: &str) -> String {
    format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{}{}</row>{rows}</sheetData></worksheet>"#,
        cell("A1", "id"),
        cell("B1", "sector")
    )
}

fn partner_row(n: u64) -> String {
    format!(
        r#"<row r="{n}">{}{}</row>"#,
        cell(&format!("A{n}"), "uni"),
        cell(&format!("B{n}"), "academia")
    )
}

/// `import` on the sheet must fail with exit 2, naming the file and saying `why`, quickly.
fn refused(sheet: &Path, why: &str) {
    let started = Instant::now();
    let out = rolefit()
        .arg("import")
        .arg(sheet)
        .args(["--needs", "research=3"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}: {stderr}", sheet.display());
    assert!(stderr.contains(why), "{}: {stderr}", sheet.display());
    assert!(stderr.contains(&sheet.display().to_string()), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

/// Found by review: a 2 KB workbook with one cell at XFD1048576, a row number of
/// 99,999,999,999, a shared-strings count of 4e9, or a 2 MB file holding a 2 GiB cell aborted
/// `import` and `--partners` (allocation failure, exit 134; in debug builds an overflow panic).
#[test]
fn spreadsheets_that_explode_are_refused_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let far = xlsx(
        d,
        "far.xlsx",
        &sheet(&format!(
            "{}<row r=\"1048576\">{}</row>",
            partner_row(2),
            cell("XFD1048576", "x")
        )),
        None,
    );
    refused(&far, "past the limit of 1024 columns");
    let row = xlsx(d, "row.xlsx", &sheet(&partner_row(99_999_999_999)), None);
    refused(&row, "past XFD1048576");
    let strings = xlsx(
        d,
        "strings.xlsx",
        &sheet(r#"<row r="2"><c r="A2" t="s"><v>0</v></c></row>"#),
        Some(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>uni</t></si></sst>"#,
        ),
    );
    refused(&strings, "declares 4000000000 shared strings");
    let backward = xlsx(
        d,
        "backward.xlsx",
        &sheet(&partner_row(2)).replace("<sheetData>", r#"<dimension ref="B2:A1"/><sheetData>"#),
        None,
    );
    refused(&backward, "ends before it starts");
    // 40 MiB of one cell packs into a few dozen kilobytes.
    let huge = "a".repeat(40 << 20);
    let bomb = xlsx(
        d,
        "bomb.xlsx",
        &sheet(&format!(r#"<row r="2">{}</row>"#, cell("A2", &huge))),
        None,
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    refused(&bomb, "unpacks to more than 33554432 bytes");
    // The same sheets through `--partners` get the same errors.
    let out = rolefit()
        .arg("solve")
        .arg(common::dakar())
        .arg("--partners")
        .arg(&far)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A good workbook still reads.
    let good = xlsx(d, "good.xlsx", &sheet(&partner_row(2)), None);
    let out = rolefit()
        .arg("import")
        .arg(&good)
        .args(["--needs", "research=3"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Found by review (with the workbooks above): an 8 MiB CSV of blank lines, of one endless
/// row, or of a million partner rows built the whole table before any limit was checked.
#[test]
fn csv_sheets_of_endless_rows_or_columns_are_refused_as_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let blank = d.join("blank.csv");
    std::fs::write(&blank, format!("id,sector\n{}", ",\n".repeat(4_000_000))).unwrap();
    refused(&blank, "more than 1048576 rows");
    let wide = d.join("wide.csv");
    std::fs::write(&wide, format!("id,sector\n{}\n", "a,".repeat(4_000_000))).unwrap();
    refused(&wide, "past the limit of 1024 columns");
    let many = d.join("many.csv");
    std::fs::write(
        &many,
        format!("id,sector\n{}", "a,academia\n".repeat(700_000)),
    )
    .unwrap();
    refused(&many, "more than 1000 partner rows");
}
