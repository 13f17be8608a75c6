//! Backlinks: for each page and section, the pages and sections whose
//! Markdown links to it.

use std::collections::HashMap;

use crate::content::{ContentRef, ContentTree};
use crate::markdown::Rendered;

#[derive(Debug, Clone, Default)]
pub struct Backlinks {
    /// Linking pages and sections, by the site path they link to.
    by_target: HashMap<String, Vec<ContentRef>>,
}

impl Backlinks {
    pub fn build(
        tree: &ContentTree,
        pages_md: &[std::sync::Arc<Rendered>],
        sections_md: &[std::sync::Arc<Rendered>],
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
                if !entry.contains(&source) {
                    entry.push(source);
                }
            }
        }
        Backlinks { by_target }
    }

    /// What links to the page or section at `site_path`.
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
