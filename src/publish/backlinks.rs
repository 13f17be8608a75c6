//! Backlinks: for each page and section, the pages and sections whose
//! Markdown links to it.

use std::collections::HashMap;

use std::sync::Arc;

use crate::content::{ContentRef, ContentTree};
use crate::fingerprint::Fingerprint;
use crate::markdown::Rendered;

#[derive(Debug, Clone, Default)]
pub struct Backlinks {
    /// Linking pages and sections, by the site path they link to.
    by_target: HashMap<String, Vec<ContentRef>>,
}

impl Backlinks {
    pub fn build(
        tree: &ContentTree,
        pages_md: &[Arc<Rendered>],
        sections_md: &[Arc<Rendered>],
    ) -> Backlinks {
        let mut by_target: HashMap<String, Vec<ContentRef>> = HashMap::new();
        let sources = tree
            .pages
            .iter()
            .map(|p| {
                (
                    ContentRef::Page(p.id),
                    p.url.as_str(),
                    &pages_md[p.id.0 as usize],
                )
            })
            .chain(tree.sections.iter().map(|s| {
                (
                    ContentRef::Section(s.id),
                    s.url.as_str(),
                    &sections_md[s.id.0 as usize],
                )
            }));
        for (source, own_url, rendered) in sources {
            for link in &rendered.links {
                let Some(target) = link.target.site_path.as_deref() else {
                    continue;
                };
                let target = canonical(target);
                if target == own_url {
                    continue;
                }
                let entry = by_target.entry(target).or_default();
                // A source's links all come before the next source's, so it
                // is already listed only if it was listed last. Searching the
                // whole list made a page that every page links to quadratic.
                if entry.last() != Some(&source) {
                    entry.push(source);
                }
            }
        }
        let title = |r: &ContentRef| match r {
            ContentRef::Page(id) => tree.page(*id).front.title.to_lowercase(),
            ContentRef::Section(id) => tree.section(*id).front.title.to_lowercase(),
            _ => String::new(),
        };
        for linking in by_target.values_mut() {
            linking.sort_by_cached_key(title);
        }
        Backlinks { by_target }
    }

    /// Fingerprint of everything backlinks are built from.
    pub fn inputs(
        tree: &ContentTree,
        pages_md: &[Arc<Rendered>],
        sections_md: &[Arc<Rendered>],
    ) -> u64 {
        Fingerprint::new()
            .with_all(tree.pages.iter().map(|p| {
                (
                    &p.url,
                    &p.front.title,
                    pages_md[p.id.0 as usize].links_fingerprint,
                )
            }))
            .with_all(tree.sections.iter().map(|s| {
                (
                    &s.url,
                    &s.front.title,
                    sections_md[s.id.0 as usize].links_fingerprint,
                )
            }))
            .finish()
    }

    /// What links to the page or section at `site_path`, ordered by title.
    pub fn to(&self, site_path: &str) -> &[ContentRef] {
        self.by_target.get(site_path).map_or(&[], Vec::as_slice)
    }
}

/// `/research/review` and `/research/review/` are the same page.
fn canonical(site_path: &str) -> String {
    let last = site_path.rsplit('/').next().unwrap_or("");
    if site_path.ends_with('/') || last.contains('.') {
        site_path.to_string()
    } else {
        format!("{site_path}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_without_a_slash_are_the_same_page() {
        assert_eq!(canonical("/a/b"), "/a/b/");
        assert_eq!(canonical("/a/b/"), "/a/b/");
        assert_eq!(canonical("/a/file.pdf"), "/a/file.pdf");
    }
}
