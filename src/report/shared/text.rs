//! Text building blocks shared by the terminal reports: ANSI paint, titles, cut names, flags,
//! and the one writer of aligned text tables (widths measured in terminal columns).

use crate::kb::Severity;
use std::fmt::Write;
/// ANSI styling that is a no-op when colour is off (shared by the text reports).
pub(crate) struct Paint {
    pub(crate) on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    pub(crate) fn severity(&self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, s)
    }
}

/// A report's title line: the scenario, and the variant when one was asked for.
pub(crate) fn title(scenario: &str, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("{scenario} - variant {v:?}"),
        None => scenario.to_string(),
    }
}

/// Cuts a name to `width` characters, marking the cut with `~` (shared by the text reports).
pub(crate) fn fit_width(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('~');
        t
    }
}

/// Flags one to a block: severity, kind and subject; the message; the rule and its source.
pub(crate) fn flags(out: &mut String, flags: &[crate::explain::Flag], paint: &Paint) {
    if flags.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in flags {
        let about: Vec<&str> = [f.partner.as_deref(), f.role.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let sev = paint.severity(
            f.severity,
            &format!("{:<6}", f.severity.name().to_uppercase()),
        );
        let _ = writeln!(out, "  {sev} {} {}", f.kind, paint.dim(&about.join(" / ")));
        let _ = writeln!(out, "         {}", f.message);
        let _ = writeln!(
            out,
            "         {}",
            paint.dim(&format!("rule {} | {}", f.rule, f.source))
        );
    }
}
