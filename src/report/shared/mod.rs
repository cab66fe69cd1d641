//! Building blocks shared by the renderers of more than one subject, one file per format: the
//! terminal's paint and aligned tables (`text`), escaping and pipe tables (`markdown`), the
//! pretty printer and a diagnostic (`json`), and the page, its stylesheet, charts and sections
//! (`html`). A block used by one subject stays in that subject's folder.

pub mod html;
pub mod json;
pub mod markdown;
pub mod text;
