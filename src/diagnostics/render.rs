//! Printing diagnostics for people: `path:line:col: error: message`, the source
//! line with a caret under the problem, then the hint.

use std::fmt::Write;

use super::{Diagnostic, Diagnostics, Severity};

/// ANSI styles for terminal output; all empty when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    error: &'static str,
    warning: &'static str,
    emphasis: &'static str,
    dim: &'static str,
    reset: &'static str,
}

impl Palette {
    pub fn plain() -> Self {
        Palette {
            error: "",
            warning: "",
            emphasis: "",
            dim: "",
            reset: "",
        }
    }

    pub fn coloured() -> Self {
        Palette {
            error: "\x1b[1;31m",
            warning: "\x1b[1;33m",
            emphasis: "\x1b[1m",
            dim: "\x1b[2m",
            reset: "\x1b[0m",
        }
    }

    pub fn new(colour: bool) -> Self {
        if colour {
            Palette::coloured()
        } else {
            Palette::plain()
        }
    }

    fn severity(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
        }
    }
}

/// One diagnostic as the lines a person reads, ending with a newline.
pub fn render_diagnostic(diagnostic: &Diagnostic, palette: Palette) -> String {
    let mut out = String::new();
    let p = palette;
    if let Some(location) = &diagnostic.location {
        let _ = write!(out, "{}{}{}: ", p.emphasis, location, p.reset);
    }
    let _ = writeln!(
        out,
        "{}{}{}: {}",
        p.severity(diagnostic.severity),
        diagnostic.severity,
        p.reset,
        diagnostic.message
    );

    if let (Some(snippet), Some(location)) = (&diagnostic.snippet, &diagnostic.location) {
        if location.line > 0 {
            let number = location.line.to_string();
            let gutter = " ".repeat(number.len());
            let text = snippet.text.replace('\t', "    ");
            let _ = writeln!(out, "{}{} |{}", p.dim, gutter, p.reset);
            let _ = writeln!(out, "{}{} |{} {}", p.dim, number, p.reset, text);
            if location.column > 0 {
                // Tabs were widened above, so widen them when measuring the indent too.
                let indent: usize = snippet
                    .text
                    .chars()
                    .take(location.column - 1)
                    .map(|c| if c == '\t' { 4 } else { 1 })
                    .sum();
                let _ = writeln!(
                    out,
                    "{}{} |{} {}{}{}{}",
                    p.dim,
                    gutter,
                    p.reset,
                    " ".repeat(indent),
                    p.severity(diagnostic.severity),
                    "^".repeat(snippet.width),
                    p.reset
                );
            }
        }
    }
    for note in &diagnostic.notes {
        let _ = writeln!(out, "  {}= note:{} {}", p.dim, p.reset, note);
    }
    if let Some(hint) = &diagnostic.hint {
        let _ = writeln!(out, "  {}= hint:{} {}", p.emphasis, p.reset, hint);
    }
    out
}

/// All diagnostics, separated by blank lines.
pub fn render_all(diagnostics: &Diagnostics, palette: Palette) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&render_diagnostic(d, palette));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Location};

    #[test]
    fn renders_location_caret_and_hint() {
        let d = Diagnostic::error(Code::YamlSyntax, "mapping values are not allowed here")
            .at(Location::new("content/a.md", 2, 19))
            .snippet("title: Balint groups: a guide", 1)
            .hint("quote the title");
        let text = render_diagnostic(&d, Palette::plain());
        assert_eq!(
            text,
            "content/a.md:2:19: error: mapping values are not allowed here\n  |\n2 | title: Balint groups: a guide\n  |                   ^\n  = hint: quote the title\n"
        );
    }
}
