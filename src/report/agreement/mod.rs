//! The MoU's roles-and-responsibilities annex (`rolefit agreement`): the
//! [`Agreement`](crate::agreement::Agreement) that `agreement::build` drew up, as Markdown or a
//! printable HTML page.

mod html;
mod markdown;

pub use html::render as html;
pub use markdown::render as markdown;
