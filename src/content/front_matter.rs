//! Splitting a content file into its YAML front matter and Markdown body.

use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Location};

/// The two parts of a content file, with the file line each starts on.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Split normalised text (LF line endings, no BOM).
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = &text[..first_end];
    if !is_fence(first) {
        let hint = if first.trim_end() == "+++" {
            "TOML front matter (+++) is not supported: write YAML between `---` lines"
        } else {
            "start the file with front matter:\n  ---\n  title: Page title\n  ---"
        };
        return Err(Diagnostic::error(
            Code::MissingFrontMatter,
            "the file does not start with front matter (`---`)",
        )
        .at(Location::new(path, 1, 1))
        .snippet(first, first.chars().count().max(1))
        .hint(hint));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let current = &text[offset..end];
        if is_fence(current) || current.trim_end() == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(Diagnostic::error(
        Code::UnclosedFrontMatter,
        "front matter starts here but is never closed",
    )
    .at(Location::new(path, 1, 1))
    .snippet(first, 3)
    .hint("add a line containing only `---` after the last front matter field"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_str(text: &str) -> Result<Split<'_>, Diagnostic> {
        split(text, Path::new("a.md"))
    }

    #[test]
    fn splits_yaml_and_body_with_line_numbers() {
        let s = split_str("---\ntitle: A\ndate: 2025-01-01\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: A\ndate: 2025-01-01\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split_str("---\n---").unwrap();
        assert_eq!((s.yaml, s.body), ("", ""));
    }

    #[test]
    fn a_horizontal_rule_in_the_body_is_not_a_fence() {
        let s = split_str("---\ntitle: A\n---\ntext\n\n---\n\nmore\n").unwrap();
        assert_eq!(s.body, "text\n\n---\n\nmore\n");
    }

    #[test]
    fn errors() {
        assert_eq!(
            split_str("title: A\n").unwrap_err().code,
            Code::MissingFrontMatter
        );
        assert_eq!(
            split_str("---\ntitle: A\nbody\n").unwrap_err().code,
            Code::UnclosedFrontMatter
        );
        assert!(
            split_str("+++\ntitle = 'a'\n+++\n")
                .unwrap_err()
                .hint
                .unwrap()
                .contains("TOML")
        );
    }
}
