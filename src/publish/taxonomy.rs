//! Taxonomies as readers see them: each term with the pages that use it.

use std::collections::HashMap;

use crate::config::Config;
use crate::content::{ContentTree, PageId, display_places, slugify};
use crate::diagnostics::{Code, Diagnostic, Location};

/// One term, such as "Supervision", and its pages in display order.
#[derive(Debug, Clone)]
pub struct Term {
    /// The spelling most pages use.
    pub name: String,
    pub slug: String,
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub title: String,
    pub paginate_by: Option<usize>,
    /// Terms in alphabetical order.
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// Site path of the list of terms, e.g. `/topics/`.
    pub fn site_path(&self) -> String {
        format!("/{}/", self.name)
    }

    /// Site path of one term's page, e.g. `/topics/supervision/`.
    pub fn term_path(&self, term: &Term) -> String {
        term_path(&self.name, &term.slug)
    }
}

/// Site path of the page of the term with `slug` in the taxonomy `name`.
pub fn term_path(name: &str, slug: &str) -> String {
    format!("/{name}/{slug}/")
}

/// A term's spellings (with how often each is used) and its pages, while gathering.
type Gathered = (Vec<(String, usize)>, Vec<PageId>);

#[derive(Debug, Clone, Default)]
pub struct Taxonomies {
    pub list: Vec<Taxonomy>,
    /// Each page's place in the site's display order, by page id
    /// ([`display_places`]): every term lists its pages in this order, and
    /// related pages rank by it.
    pub display_places: Vec<u32>,
}

impl Taxonomies {
    /// Collect the terms of every page. Spellings that differ only in case or
    /// punctuation are one term; each minority spelling gets a warning.
    pub fn build(config: &Config, tree: &ContentTree) -> (Taxonomies, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut list = Vec::new();
        let places = display_places(&tree.pages);
        for taxonomy in &config.taxonomies {
            let mut by_slug: HashMap<String, Gathered> = HashMap::new();
            for page in &tree.pages {
                for term in page.front.terms(&taxonomy.name) {
                    let slug = slugify(term);
                    if slug.is_empty() {
                        continue;
                    }
                    let entry = by_slug.entry(slug).or_default();
                    match entry.0.iter_mut().find(|(spelling, _)| spelling == term) {
                        Some((_, count)) => *count += 1,
                        None => entry.0.push((term.clone(), 1)),
                    }
                    if entry.1.last() != Some(&page.id) {
                        entry.1.push(page.id);
                    }
                }
            }
            let mut terms: Vec<Term> = Vec::with_capacity(by_slug.len());
            for (slug, (spellings, mut pages)) in by_slug {
                let name = spellings
                    .iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                    .map(|(s, _)| s.clone())
                    .unwrap_or_default();
                if spellings.len() > 1 {
                    diagnostics.extend(spelling_warnings(
                        tree,
                        &taxonomy.name,
                        &name,
                        &spellings,
                        &pages,
                    ));
                }
                pages.sort_unstable_by_key(|id| places[id.0 as usize]);
                terms.push(Term { name, slug, pages });
            }
            terms.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then_with(|| a.slug.cmp(&b.slug))
            });
            list.push(Taxonomy {
                name: taxonomy.name.clone(),
                title: taxonomy.title.clone(),
                paginate_by: taxonomy.paginate_by,
                terms,
            });
        }
        let taxonomies = Taxonomies {
            list,
            display_places: places,
        };
        (taxonomies, diagnostics)
    }

    /// Fingerprint of everything taxonomies are built from: the settings and
    /// every page's front matter, in page order.
    pub fn inputs(config: &Config, tree: &ContentTree) -> u64 {
        crate::fingerprint::Fingerprint::new()
            .with(config.fingerprint)
            .with_all(
                tree.pages
                    .iter()
                    .map(|p| (&p.file.content_path, p.front_hash)),
            )
            .finish()
    }

    /// Fingerprint of which pages share which terms, and their display order:
    /// everything related pages are computed from.
    pub fn fingerprint(&self, tree: &ContentTree, related: &crate::config::RelatedConfig) -> u64 {
        let order = tree.pages.iter().map(|p| {
            (
                &p.file.content_path,
                p.front.weight,
                p.front.date,
                &p.front.title,
            )
        });
        crate::fingerprint::Fingerprint::new()
            .with((related.count, &related.taxonomies))
            .with_all(order)
            .with_all(self.list.iter().flat_map(|t| {
                t.terms
                    .iter()
                    .map(move |term| (&t.name, &term.slug, &term.pages))
            }))
            .finish()
    }

    pub fn get(&self, name: &str) -> Option<&Taxonomy> {
        self.list.iter().find(|t| t.name == name)
    }
}

fn spelling_warnings(
    tree: &ContentTree,
    taxonomy: &str,
    chosen: &str,
    spellings: &[(String, usize)],
    pages: &[PageId],
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for page in pages.iter().map(|id| tree.page(*id)) {
        for term in page.front.terms(taxonomy) {
            if term != chosen && spellings.iter().any(|(s, _)| s == term) {
                let (line, column) = page.front.position_of(taxonomy).unwrap_or((0, 0));
                warnings.push(
                    Diagnostic::warning(
                        Code::InvalidValue,
                        format!("`{term}` and `{chosen}` are the same term in `{taxonomy}`"),
                    )
                    .at(Location::new(&page.file.display_path, line, column))
                    .hint(format!(
                        "spell it `{chosen}`, as most pages do, so readers see one term"
                    )),
                );
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use crate::content::LoadOptions;
    use std::fs;

    #[test]
    fn groups_pages_by_term_and_merges_spellings() {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            (
                "content/a.md",
                "---\ntitle: A\naudiences: [GPs, Nurses]\n---\n",
            ),
            (
                "content/b.md",
                "---\ntitle: B\naudiences: [GPs]\nweight: 1\n---\n",
            ),
            ("content/c.md", "---\ntitle: C\naudiences: [gps]\n---\n"),
        ] {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        let config = Config::parse(
            "title: T\nbase_url: https://e.org\ntaxonomies: [audiences]\n",
            &Overrides::default(),
        )
        .unwrap();
        let (tree, _) = ContentTree::load(dir.path(), &config, &LoadOptions::default());
        let (taxonomies, warnings) = Taxonomies::build(&config, &tree);
        let audiences = taxonomies.get("audiences").unwrap();
        let names: Vec<_> = audiences
            .terms
            .iter()
            .map(|t| (t.name.as_str(), t.pages.len()))
            .collect();
        assert_eq!(names, [("GPs", 3), ("Nurses", 1)]);
        let first = tree.page(audiences.terms[0].pages[0]);
        assert_eq!(first.front.title, "B", "pages follow display order");
        assert_eq!(audiences.term_path(&audiences.terms[0]), "/audiences/gps/");
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].path(),
            Some(std::path::Path::new("content/c.md"))
        );
        assert_eq!(warnings[0].severity, crate::diagnostics::Severity::Warning);
    }
}
