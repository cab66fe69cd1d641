//! Dialogue briefs (`rolefit brief`): one page per partner, the [`Brief`](crate::brief::Brief)
//! that `brief::build` gathered, as Markdown or a printable HTML page.

pub mod html;
pub mod markdown;
