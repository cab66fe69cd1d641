//! An `.xlsx` workbook checked before calamine reads it, then read cell by cell.
//!
//! The 8 MiB file limit counts compressed bytes; a 2 MB workbook held a 2 GiB cell, and
//! calamine trusts what a workbook declares: a shared-strings count of 4e9 is reserved up
//! front, and a row number of 99,999,999,999 or a dimension `B2:A1` overflows its arithmetic.
//! Each ended the process (an allocation failure, exit 134, or a panic). So before calamine
//! sees the bytes, [`check`] unpacks every part (counting the real bytes, whatever the archive
//! claims) and reads the XML for what calamine would trust: the declared string count, the
//! dimension, and every row and cell reference. Cells are then taken one at a time from
//! calamine's streaming reader into the bounded table (`table::Builder`).

use super::LoadError;
use super::table::{Builder, Cell};
use quick_xml::events::{BytesStart, Event};
use std::io::{Cursor, Read};

/// Most bytes a workbook may unpack to, all parts together: a sheet of 1000 partners with a
/// hundred columns unpacks to a few megabytes.
pub const MAX_UNPACKED_BYTES: u64 = 32 * 1024 * 1024;

/// Most parts (files) in a workbook.
const MAX_PARTS: usize = 10_000;

/// Most shared strings a workbook may declare (calamine reserves room for them all at once).
const MAX_SHARED_STRINGS: u64 = 1_000_000;

/// The last cell a workbook may have: XFD1048576.
const LAST_COLUMN: u64 = 16_384;
const LAST_ROW: u64 = 1_048_576;

pub(super) fn read(path: &str, bytes: Vec<u8>, table: &mut Builder) -> Result<(), LoadError> {
    use calamine::{Data, Reader, Xlsx};
    let err = |message: String| LoadError::Sheet {
        path: path.to_string(),
        message,
    };
    check(&bytes).map_err(&err)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| err(format!("not a readable .xlsx file: {e}")))?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("partners"))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| err("the workbook has no sheets".into()))?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| err(format!("sheet {name:?}: {e}")))?;
    while let Some(c) = cells
        .next_cell()
        .map_err(|e| err(format!("sheet {name:?}: {e}")))?
    {
        let (row, col) = c.get_position();
        let cell = match Data::from(c.get_value().clone()) {
            Data::Empty => Cell::Empty,
            Data::Int(i) => Cell::Number(i as f64),
            Data::Float(f) => Cell::Number(f),
            Data::Bool(b) => Cell::Text(b.to_string()),
            other => Cell::Text(other.to_string()),
        };
        table.put(row as usize, col as usize, cell)?;
    }
    Ok(())
}

/// Unpacks every part of the archive, counting its real bytes, and checks the XML parts.
fn check(bytes: &[u8]) -> Result<(), String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("not a readable .xlsx file: {e}");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if zip.len() > MAX_PARTS {
        return Err(format!(
            "the workbook has {} parts, more than the limit of {MAX_PARTS}",
            zip.len()
        ));
    }
    let mut total = 0u64;
    let mut part = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let name = f.name().to_ascii_lowercase();
        part.clear();
        let room = MAX_UNPACKED_BYTES - total;
        let n = (&mut f)
            .take(room + 1)
            .read_to_end(&mut part)
            .map_err(|e| unreadable(&e))?;
        total += n as u64;
        if total > MAX_UNPACKED_BYTES {
            return Err(format!(
                "the workbook unpacks to more than {MAX_UNPACKED_BYTES} bytes (reached in its part {:?}); a partner sheet is far smaller",
                f.name()
            ));
        }
        if name.ends_with(".xml") {
            check_part(&part)?;
        }
    }
    Ok(())
}

/// Reads one XML part as calamine would (the same reader settings) and checks what it would
/// trust. Where the XML itself is broken the check stops: calamine stops at the same place,
/// with its own error.
fn check_part(xml: &[u8]) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut in_sheet_data = false;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"sst" => {
                    if let Some(n) = attribute(&e, b"uniqueCount")
                        && number(n).is_some_and(|n| n > MAX_SHARED_STRINGS)
                    {
                        return Err(format!(
                            "the workbook declares {} shared strings, more than the limit of {MAX_SHARED_STRINGS}",
                            String::from_utf8_lossy(n)
                        ));
                    }
                }
                b"dimension" => {
                    if let Some(r) = attribute(&e, b"ref") {
                        dimension(r)?;
                    }
                }
                b"sheetData" => in_sheet_data = true,
                b"row" | b"c" if in_sheet_data => {
                    if let Some(r) = attribute(&e, b"r") {
                        reference(r)?;
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == b"sheetData" => in_sheet_data = false,
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// The raw value of an attribute (as calamine reads it: not unescaped).
fn attribute<'a>(e: &'a BytesStart, key: &[u8]) -> Option<&'a [u8]> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| match a.value {
            std::borrow::Cow::Borrowed(v) => Some(v),
            std::borrow::Cow::Owned(_) => None,
        })
}

/// A whole number written in digits (saturating, so any length is safe to read).
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add((d - b'0') as u64)
    }))
}

/// A reference such as `B7` (or a row's bare `7`): its column (0 for none) and row (0 for
/// none), read as calamine reads it: letters, then digits. Calamine refuses anything after
/// those itself, but only once it gets there: its arithmetic on a long run of letters or
/// digits before the stray character overflows first (the sheet fuzz target's second find,
/// `A99999999999x`), so the runs are checked whatever follows them.
fn reference(r: &[u8]) -> Result<(u64, u64), String> {
    let letters = r.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = r[letters..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let column = r[..letters].iter().fold(0u64, |n, c| {
        n.saturating_mul(26)
            .saturating_add((c.to_ascii_uppercase() - b'A') as u64 + 1)
    });
    let row = number(&r[letters..letters + digits]).unwrap_or(0);
    if column > LAST_COLUMN || row > LAST_ROW {
        return Err(format!(
            "the cell reference {} is past XFD1048576, the last cell a workbook may have",
            String::from_utf8_lossy(r)
        ));
    }
    Ok((column, row))
}

/// `A1:P7`: both corners within the workbook, the second not before the first.
fn dimension(r: &[u8]) -> Result<(), String> {
    let corners: Vec<&[u8]> = r.split(|&c| c == b':').collect();
    let ends: Vec<(u64, u64)> = corners
        .iter()
        .map(|c| reference(c))
        .collect::<Result<_, _>>()?;
    if let [start, end] = ends[..]
        && (end.0 < start.0 || end.1 < start.1)
    {
        return Err(format!(
            "the sheet's dimension {} ends before it starts",
            String::from_utf8_lossy(r)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_past_the_last_cell_and_backward_dimensions_are_refused() {
        assert_eq!(reference(b"XFD1048576"), Ok((16_384, 1_048_576)));
        assert!(reference(b"XFE1").is_err());
        assert!(reference(b"A99999999999").is_err());
        assert!(reference(b"99999999999999999999999").is_err());
        assert_eq!(
            reference(b"A1B"),
            Ok((1, 1)),
            "calamine refuses the `B` itself"
        );
        assert!(
            reference(b"A99999999999x").is_err(),
            "the digits before the `x` overflow"
        );
        assert!(
            reference(b"AAAAAAAAAAAAAAAA1<").is_err(),
            "so do the letters"
        );
        assert!(dimension(b"A1:P7").is_ok());
        assert!(
            dimension(b"B2:A1")
                .unwrap_err()
                .contains("ends before it starts")
        );
    }
}
