//! A `rolefit test` run (expert cases) as text or JSON.

pub mod json;
mod text;

pub use json::render as json;
pub use text::render as text;
