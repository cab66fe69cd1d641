//! The live workshop page (`rolefit workshop`): a local server whose page shows the line-up on
//! the wall and lets the facilitator try what-ifs, step by step, with undo and redo, and save
//! the result as a named variant of the scenario file.
//!
//! - `session`: the steps, undo and redo, each state solved through the `solve` pipeline, and
//!   what moved since the state shown before. No HTTP, no HTML.
//! - `save`: the wall's line-up as a `Variant(...)` written into a scenario file, checked to
//!   reproduce the wall before anything is written.
//! - `report::wall` (not here: every renderer is in `report`): the page and its HTML fragments;
//!   the page's script only sends what was clicked and swaps in what the server renders.
//! - `server`: HTTP on loopback (axum): the token, the size and rate bounds, graceful shutdown.

pub mod save;
pub mod server;
pub mod session;

pub use server::{Config, Workshop};
pub use session::{Change, Session, SessionError, View};
