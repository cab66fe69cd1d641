//! RON with positions: [`parse()`] builds a spanned tree, `read` decodes it with diagnostics.

pub mod parse;
pub(crate) mod read;

pub use parse::{Kind, Node, parse};

#[cfg(test)]
mod differential;
