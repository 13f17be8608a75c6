//! Printing diagnostics for people: `path:line:col: error: message`, the source
//! line with a caret under the problem, then the hint.

use std::fmt::Write;

use super::{Diagnostic, Diagnostics, Severity};

/// How much the commands print: `-q` for errors only, `-v` for phase timings too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

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
    // The rule id in brackets, as compilers print error codes: it is what
    // `check` rules are turned off by, and what the README documents.
    let _ = writeln!(
        out,
        "{}{}[{}]{}: {}",
        p.severity(diagnostic.severity),
        diagnostic.severity,
        diagnostic.code,
        p.reset,
        diagnostic.message
    );

    if let (Some(snippet), Some(location)) = (&diagnostic.snippet, &diagnostic.location) {
        if location.line > 0 {
            let number = location.line.to_string();
            let gutter = " ".repeat(number.len());
            let shown = Window::around(&snippet.text, location.column, snippet.width);
            let _ = writeln!(out, "{}{} |{}", p.dim, gutter, p.reset);
            let _ = writeln!(out, "{}{} |{} {}", p.dim, number, p.reset, shown.text);
            if location.column > 0 {
                let _ = writeln!(
                    out,
                    "{}{} |{} {}{}{}{}",
                    p.dim,
                    gutter,
                    p.reset,
                    " ".repeat(shown.indent),
                    p.severity(diagnostic.severity),
                    "^".repeat(shown.width),
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

/// The part of a long source line worth showing, and where the caret goes in it.
struct Window {
    text: String,
    indent: usize,
    width: usize,
}

/// Lines longer than this are cut down to the part around the problem.
const MAX_SHOWN: usize = 100;
const CONTEXT_BEFORE: usize = 40;

impl Window {
    fn around(line: &str, column: usize, width: usize) -> Window {
        // Tabs are shown as four spaces so the caret lines up.
        let chars: Vec<char> = line
            .chars()
            .flat_map(|c| if c == '\t' { vec![' '; 4] } else { vec![c] })
            .collect();
        let tabs_before = line
            .chars()
            .take(column.saturating_sub(1))
            .filter(|c| *c == '\t')
            .count();
        let caret = column.saturating_sub(1) + tabs_before * 3;
        if chars.len() <= MAX_SHOWN {
            return Window {
                text: chars.iter().collect(),
                indent: caret,
                width: width.max(1),
            };
        }
        let start = caret
            .saturating_sub(CONTEXT_BEFORE)
            .min(chars.len().saturating_sub(MAX_SHOWN));
        let end = (start + MAX_SHOWN).min(chars.len());
        let mut text = String::new();
        if start > 0 {
            text.push('…');
        }
        text.extend(&chars[start..end]);
        if end < chars.len() {
            text.push('…');
        }
        let indent = caret - start + usize::from(start > 0);
        Window {
            text,
            indent,
            width: width.clamp(1, end.saturating_sub(caret).max(1)),
        }
    }
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
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}[broken](nope.md){}", "a".repeat(300), "b".repeat(300));
        let d = Diagnostic::error(Code::BrokenLink, "broken")
            .at(Location::new("content/a.md", 9, 301))
            .snippet(line, 17);
        let text = render_diagnostic(&d, Palette::plain());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[2].starts_with("9 | …") && lines[2].ends_with('…'),
            "{text}"
        );
        assert!(lines[2].chars().count() < 110);
        let caret = lines[3].find('^').unwrap();
        assert_eq!(
            &lines[2][lines[2].char_indices().nth(caret).unwrap().0..][..9],
            "[broken]("
        );
        assert_eq!(lines[3].matches('^').count(), 17);
    }

    #[test]
    fn tabs_keep_the_caret_aligned() {
        let d = Diagnostic::error(Code::YamlSyntax, "x")
            .at(Location::new("a", 1, 2))
            .snippet("\tbad", 3);
        let text = render_diagnostic(&d, Palette::plain());
        assert!(text.contains("1 |     bad\n  |     ^^^"), "{text}");
    }

    #[test]
    fn renders_location_caret_and_hint() {
        let d = Diagnostic::error(Code::YamlSyntax, "mapping values are not allowed here")
            .at(Location::new("content/a.md", 2, 19))
            .snippet("title: Balint groups: a guide", 1)
            .hint("quote the title");
        let text = render_diagnostic(&d, Palette::plain());
        assert_eq!(
            text,
            "content/a.md:2:19: error[yaml-syntax]: mapping values are not allowed here\n  |\n2 | title: Balint groups: a guide\n  |                   ^\n  = hint: quote the title\n"
        );
    }
}
