//! Checking recorded links against the finished build: every target file must
//! exist and every `#anchor` must be an id on the target page, including ids
//! that templates add.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use crate::config::Level;
use crate::content::SourceLines;
use crate::diagnostics::{Code, Diagnostic, Location, Severity, closest};
use crate::fingerprint::{FastMap, FastSet};
use crate::output::OutputPath;

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
///
/// Cloning shares both tables, and a change copies only the table it
/// changes: a rebuild that keeps the site's files starts from the last
/// build's without hashing 20,000 paths again.
#[derive(Debug, Default, Clone)]
pub struct BuiltSite {
    files: Arc<FastSet<OutputPath>>,
    /// Ids on each HTML page, by the page's site path (`/research/review/`).
    ids: Arc<FastMap<Arc<str>, Arc<HashSet<String>>>>,
}

impl BuiltSite {
    /// Room for `files` outputs, so a large site is not rehashed as it fills.
    pub fn with_capacity(files: usize) -> BuiltSite {
        BuiltSite {
            files: Arc::new(FastSet::with_capacity_and_hasher(files, Default::default())),
            ids: Arc::new(FastMap::with_capacity_and_hasher(files, Default::default())),
        }
    }

    /// Record an output file.
    pub fn add_file(&mut self, output_path: OutputPath) {
        Arc::make_mut(&mut self.files).insert(output_path);
    }

    /// Record the ids of an HTML page at `site_path`.
    pub fn add_page_ids(&mut self, site_path: Arc<str>, ids: Arc<HashSet<String>>) {
        Arc::make_mut(&mut self.ids).insert(site_path, ids);
    }

    /// Forget the ids of the page at `site_path`: it is no longer an HTML page.
    pub fn remove_page_ids(&mut self, site_path: &str) {
        Arc::make_mut(&mut self.ids).remove(site_path);
    }

    pub fn has_file(&self, output_path: &str) -> bool {
        self.files.contains(output_path)
    }

    /// The site path of the HTML page a link lands on (empty for a file
    /// that is not a page), if the site has it.
    fn landing_page<'a>(&self, site_path: &'a str) -> Option<Cow<'a, str>> {
        let trimmed = site_path.trim_start_matches('/');
        if trimmed.is_empty() || site_path.ends_with('/') {
            // Most links go to a page the site has ids for: no need to build its file name.
            if self.ids.contains_key(site_path) {
                return Some(Cow::Borrowed(site_path));
            }
            let index = format!("{trimmed}index.html");
            return self
                .files
                .contains(index.as_str())
                .then_some(Cow::Borrowed(site_path));
        }
        if self.files.contains(trimmed) {
            let is_html = trimmed.ends_with(".html");
            return Some(Cow::Borrowed(if is_html { site_path } else { "" }));
        }
        // `/research/review` without its slash: servers answer with the folder's index.
        let index = format!("{trimmed}/index.html");
        self.files
            .contains(index.as_str())
            .then(|| Cow::Owned(format!("{site_path}/")))
    }

    fn ids_of(&self, site_path: &str) -> Option<&HashSet<String>> {
        self.ids.get(site_path).map(|ids| ids.as_ref())
    }

    fn page_paths(&self) -> impl Iterator<Item = &str> {
        self.ids.keys().map(|path| path.as_ref())
    }
}

/// A content file's links, with what is needed to point at them.
pub struct LinkSource<'a> {
    /// The file the links are written in, to quote in messages.
    pub lines: SourceLines<'a>,
    /// Site path of the page the links are on.
    pub site_path: &'a str,
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
                "this page"
            } else {
                &page
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

/// Whether any of `source`'s anchors (`page#id`) lands on one of `pages`,
/// so that its findings could change when only those pages' ids did.
pub fn lands_on_any(source: &LinkSource<'_>, built: &BuiltSite, pages: &FastSet<Arc<str>>) -> bool {
    source.links.iter().any(|link| {
        link.target.fragment.is_some() && {
            let path = link.target.site_path.as_deref().unwrap_or(source.site_path);
            built
                .landing_page(path)
                .is_some_and(|page| pages.contains(page.as_ref()))
        }
    })
}

fn locate(diagnostic: Diagnostic, source: &LinkSource<'_>, link: &LinkRecord) -> Diagnostic {
    let diagnostic = diagnostic.at(Location::new(
        &source.lines.file.display_path,
        link.line,
        link.column,
    ));
    match source.lines.line(link.line) {
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
    use crate::content::SourceFile;

    fn built() -> BuiltSite {
        let mut site = BuiltSite::default();
        for file in [
            "index.html",
            "research/index.html",
            "research/review/index.html",
            "research/figure.png",
            "atom.xml",
        ] {
            site.add_file(OutputPath::new(file).unwrap());
        }
        let ids = |list: &[&str]| Arc::new(list.iter().map(|s| s.to_string()).collect());
        site.add_page_ids(Arc::from("/"), ids(&["main-content"]));
        site.add_page_ids(Arc::from("/research/"), ids(&["main-content"]));
        site.add_page_ids(
            Arc::from("/research/review/"),
            ids(&["themes", "main-content"]),
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

    fn file() -> SourceFile {
        SourceFile {
            content_path: "a.md".into(),
            display_path: "content/a.md".into(),
            abs: "/nonexistent/content/a.md".into(),
        }
    }

    fn lines(file: &SourceFile) -> SourceLines<'_> {
        SourceLines::new(file, "", 5, 0)
    }

    fn check(links: &[LinkRecord]) -> Vec<Diagnostic> {
        let file = file();
        let source = LinkSource {
            lines: lines(&file),
            site_path: "/research/review/",
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
        let file = file();
        let source = LinkSource {
            lines: lines(&file),
            site_path: "/",
            links: &[link(Some("/nope/"), None)],
        };
        let found = check_links(&source, &built(), Level::Warn);
        assert_eq!(found[0].severity, Severity::Warning);
    }
}
