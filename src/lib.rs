//! rolefit: recommends who should do what in a multi-stakeholder partnership.
#![forbid(unsafe_code)]

pub mod diag;
pub mod kb;
pub mod ron;
pub mod scenario;
pub mod source;
