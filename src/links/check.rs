//! Checking recorded links against the finished build: every target file must
//! exist and every `#anchor` must be an id on the target page, including ids
//! that templates add.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::config::Level;
use crate::diagnostics::{Code, Diagnostic, Location, Severity, body_line_text, closest};

use super::Target;

/// One internal link found in Markdown, where it was written and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    /// File line and column of the link.
    pub line: usize,
    pub column: usize,
    /// The destination as the editor wrote it.
    pub written: String,
    pub target: Target,
}

/// What the build produced: every output file and the ids on each HTML page.
#[derive(Debug, Default)]
pub struct BuiltSite {
    files: HashSet<String>,
    /// Ids on each HTML page, by the page's site path (`/research/review/`).
    ids: HashMap<String, HashSet<String>>,
}

impl BuiltSite {
    /// Record an output file, by its path inside the output folder.
    pub fn add_file(&mut self, output_path: &str) {
        self.files.insert(output_path.to_string());
    }

    /// Record the ids of an HTML page at `site_path`.
    pub fn add_page_ids(&mut self, site_path: &str, ids: impl IntoIterator<Item = String>) {
        self.ids
            .entry(site_path.to_string())
            .or_default()
            .extend(ids);
    }

    pub fn has_file(&self, output_path: &str) -> bool {
        self.files.contains(output_path)
    }

    /// The site path of the HTML page a link lands on, if the site has it.
    fn landing_page(&self, site_path: &str) -> Option<String> {
        let trimmed = site_path.trim_start_matches('/');
        if trimmed.is_empty() || site_path.ends_with('/') {
            let index = format!("{trimmed}index.html");
            return self.files.contains(&index).then(|| site_path.to_string());
        }
        if self.files.contains(trimmed) {
            let is_html = trimmed.ends_with(".html");
            return Some(if is_html {
                site_path.to_string()
            } else {
                String::new()
            });
        }
        // `/research/review` without its slash: servers answer with the folder's index.
        let index = format!("{trimmed}/index.html");
        self.files.contains(&index).then(|| format!("{site_path}/"))
    }

    fn ids_of(&self, site_path: &str) -> Option<&HashSet<String>> {
        self.ids.get(site_path)
    }

    fn page_paths(&self) -> impl Iterator<Item = &str> {
        self.ids.keys().map(String::as_str)
    }
}

/// A content file's links, with what is needed to point at them.
pub struct LinkSource<'a> {
    pub display_path: &'a Path,
    /// Site path of the page the links are on.
    pub site_path: &'a str,
    pub body: &'a str,
    pub body_line: usize,
    pub links: &'a [LinkRecord],
}

/// Check one file's links; problems are errors or warnings as `level` says.
pub fn check_links(source: &LinkSource<'_>, built: &BuiltSite, level: Level) -> Vec<Diagnostic> {
    let severity = match level {
        Level::Error => Severity::Error,
        Level::Warn => Severity::Warning,
    };
    let mut found = Vec::new();
    for link in source.links {
        let path = link.target.site_path.as_deref().unwrap_or(source.site_path);
        let Some(page) = built.landing_page(path) else {
            let hint = closest(path, built.page_paths())
                .map(|p| format!("did you mean {p}?"))
                .unwrap_or_else(|| {
                    "check the address; root paths like /research/ name pages of this site".into()
                });
            let diagnostic = Diagnostic::new(
                severity,
                Code::BrokenLink,
                format!(
                    "broken link: `{}` is not a page or file of this site",
                    link.written
                ),
            )
            .hint(hint);
            found.push(locate(diagnostic, source, link));
            continue;
        };
        let Some(fragment) = link.target.fragment.as_deref() else {
            continue;
        };
        if fragment.is_empty() || fragment == "top" || page.is_empty() {
            continue;
        }
        let Some(ids) = built.ids_of(&page) else {
            continue;
        };
        if !ids.contains(fragment) {
            let hint = closest(fragment, ids.iter().map(String::as_str))
                .map(|id| format!("did you mean `#{id}`?"))
                .unwrap_or_else(|| "link to a heading's id; headings get ids from their text, or set one with `## Heading {#id}`".into());
            let on = if link.target.site_path.is_none() {
                "this page".to_string()
            } else {
                page.clone()
            };
            let diagnostic = Diagnostic::new(
                severity,
                Code::BrokenAnchor,
                format!("broken anchor: {on} has no `#{fragment}`"),
            )
            .hint(hint);
            found.push(locate(diagnostic, source, link));
        }
    }
    found
}

fn locate(diagnostic: Diagnostic, source: &LinkSource<'_>, link: &LinkRecord) -> Diagnostic {
    let diagnostic = diagnostic.at(Location::new(source.display_path, link.line, link.column));
    let text = body_line_text(source.body, source.body_line, link.line);
    match text {
        Some(text) => {
            let width = text
                .chars()
                .skip(link.column.saturating_sub(1))
                .take_while(|c| *c != ')')
                .count()
                + 1;
            diagnostic.snippet(text, width)
        }
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built() -> BuiltSite {
        let mut site = BuiltSite::default();
        for file in [
            "index.html",
            "research/index.html",
            "research/review/index.html",
            "research/figure.png",
            "atom.xml",
        ] {
            site.add_file(file);
        }
        site.add_page_ids("/", ["main-content".to_string()]);
        site.add_page_ids("/research/", ["main-content".to_string()]);
        site.add_page_ids(
            "/research/review/",
            ["themes".to_string(), "main-content".to_string()],
        );
        site
    }

    fn link(path: Option<&str>, fragment: Option<&str>) -> LinkRecord {
        LinkRecord {
            line: 7,
            column: 3,
            written: "x".into(),
            target: Target {
                site_path: path.map(String::from),
                fragment: fragment.map(String::from),
            },
        }
    }

    fn check(links: &[LinkRecord]) -> Vec<Diagnostic> {
        let source = LinkSource {
            display_path: Path::new("content/a.md"),
            site_path: "/research/review/",
            body: "",
            body_line: 5,
            links,
        };
        check_links(&source, &built(), Level::Error)
    }

    #[test]
    fn good_links_pass() {
        let links = [
            link(Some("/research/review/"), Some("themes")),
            link(Some("/research/review"), None),
            link(Some("/research/figure.png"), None),
            link(Some("/atom.xml"), None),
            link(None, Some("main-content")),
            link(Some("/"), Some("top")),
        ];
        assert_eq!(check(&links), vec![]);
    }

    #[test]
    fn broken_pages_and_anchors_are_located_with_suggestions() {
        let found = check(&[
            link(Some("/research/reveiw/"), None),
            link(Some("/research/review/"), Some("theme")),
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].code, Code::BrokenLink);
        assert_eq!(
            found[0].hint.as_deref(),
            Some("did you mean /research/review/?")
        );
        assert_eq!(found[1].code, Code::BrokenAnchor);
        assert_eq!(found[1].hint.as_deref(), Some("did you mean `#themes`?"));
        let location = found[1].location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (7, 3));
    }

    #[test]
    fn warn_level_makes_warnings() {
        let source = LinkSource {
            display_path: Path::new("content/a.md"),
            site_path: "/",
            body: "",
            body_line: 1,
            links: &[link(Some("/nope/"), None)],
        };
        let found = check_links(&source, &built(), Level::Warn);
        assert_eq!(found[0].severity, Severity::Warning);
    }
}
