//! The rules every input value follows, whatever the format it comes in: an id, a text, a
//! number. `ron::read` applies them to RON values (after checking their type), and the partner
//! builder (`scenario::partner`) to sheet cells, so a value refused in a scenario file is
//! refused in a sheet too, with the same words. Each returns what is wrong, if anything.

use crate::ron::read::{MAX_ID_CHARS, MAX_TEXT_CHARS, is_snake_id, snake_id};

/// Why `s` cannot be an id, and the id to write instead when there is an obvious one.
pub fn id(s: &str) -> Option<(String, Option<String>)> {
    let len = s.chars().count();
    if len > MAX_ID_CHARS {
        return Some((
            format!("an id of {len} characters is longer than the limit of {MAX_ID_CHARS}"),
            None,
        ));
    }
    if is_snake_id(s) {
        return None;
    }
    if s.is_empty() {
        return Some(("an id must not be empty".into(), None));
    }
    let fixed = snake_id(s);
    Some((
        format!("`{s}` is not a valid id: ids are lower snake_case (a-z, 0-9, `_`)"),
        is_snake_id(&fixed).then(|| format!("write `{fixed}`")),
    ))
}

/// Why `s` cannot be a name or description: longer than `MAX_TEXT_CHARS`, a control
/// character other than a line break or tab (an escape sequence that would repaint the
/// terminal showing the report, a stray `\r`), or a bidirectional override that makes it
/// display in another order than it reads.
pub fn text(s: &str) -> Option<String> {
    let len = s.chars().count();
    if len > MAX_TEXT_CHARS {
        return Some(format!(
            "text of {len} characters is longer than the limit of {MAX_TEXT_CHARS}"
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        return Some(format!(
            "the text holds the control character U+{:04X}; names and descriptions are plain text",
            c as u32
        ));
    }
    s.chars()
        .find(|&c| crate::terminal::is_bidi_control(c))
        .map(|c| {
            format!(
                "the text holds the bidirectional control U+{:04X}, which makes it display in another order than it reads; names and descriptions are plain text",
                c as u32
            )
        })
}

/// Largest integer accepted anywhere; beyond it a count is certainly a mistake.
const MAX_INTEGER: f64 = 1e12;

/// Why `v` is not a finite number.
pub fn finite(v: f64) -> Option<String> {
    (!v.is_finite()).then(|| "expected a finite number, found NaN or infinity".to_string())
}

/// Why `v` is not a number in `min..=max`.
pub fn within(v: f64, min: f64, max: f64) -> Option<String> {
    finite(v).or_else(|| {
        (v < min || v > max).then(|| format!("{v} is out of range: expected {min} to {max}"))
    })
}

/// Why `v` is not a whole number in `min..=max`.
pub fn whole(v: f64, min: i64, max: i64) -> Option<String> {
    finite(v).or_else(|| {
        if v.fract() != 0.0 {
            Some(format!("expected a whole number, found {v}"))
        } else if v < min as f64 || v > (max as f64).min(MAX_INTEGER) {
            Some(format!("{v} is out of range: expected {min} to {max}"))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_says_what_is_wrong() {
        assert!(id("research").is_none());
        assert_eq!(
            id("Public Financing"),
            Some((
                "`Public Financing` is not a valid id: ids are lower snake_case (a-z, 0-9, `_`)"
                    .into(),
                Some("write `public_financing`".into())
            ))
        );
        assert!(id(&"a".repeat(65)).unwrap().0.contains("limit of 64"));
        assert!(text("Ministry\nof Health\t(MoH)").is_none());
        assert!(text("x\u{1b}[2J").unwrap().contains("U+001B"));
        assert!(text("x\u{202e}").unwrap().contains("U+202E"));
        assert!(text(&"n".repeat(10_001)).unwrap().contains("10001"));
        assert_eq!(whole(2.0, 0, 100), None);
        assert!(whole(2.5, 0, 100).unwrap().contains("whole number"));
        assert!(
            whole(101.0, 0, 100)
                .unwrap()
                .contains("101 is out of range")
        );
        assert!(within(f64::NAN, 0.0, 1.0).unwrap().contains("finite"));
        assert!(
            within(1.5, 0.0, 1.0)
                .unwrap()
                .contains("1.5 is out of range")
        );
    }
}
