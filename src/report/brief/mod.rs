//! Dialogue briefs (`rolefit brief`): one page per partner, the [`Brief`](crate::brief::Brief)
//! that `brief::build` gathered, as Markdown or a printable HTML page.

pub mod html;
pub mod markdown;

use crate::brief::Competencies;

/// The other roles a partner could take, with their fit and who holds them now, in one
/// sentence (none when there are none); `esc` escapes input text for the format.
fn could_also(c: &Competencies, esc: &dyn Fn(&str) -> String) -> Option<String> {
    if c.could_also.is_empty() {
        return None;
    }
    let also: Vec<String> = c
        .could_also
        .iter()
        .map(|a| {
            let now = if a.holders.is_empty() {
                "nobody holds it".to_string()
            } else {
                let holders: Vec<String> = a.holders.iter().map(|h| esc(h)).collect();
                format!("now {}", holders.join(", "))
            };
            format!("{} (fit {:.2}; {now})", esc(&a.role_name), a.fit)
        })
        .collect();
    Some(format!("It could also take: {}.", also.join("; ")))
}
