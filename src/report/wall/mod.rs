//! The workshop wall (`rolefit workshop`): the page, the fragment the page swaps in after each
//! step, and the partner editor, as HTML from a session's [`View`](crate::workshop::View); the
//! line-up's sections are the solve report's (`report::outcome::html`). `app.js` only sends
//! what was clicked; `wall.css` is the wall's layout on top of the report's stylesheet.

mod html;

pub use html::{APP_JS, SaveTarget, WALL_CSS, Wall, editor, fragment, page};
