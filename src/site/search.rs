//! The site's search index: one document per searchable page and section,
//! remembered between rebuilds so an edit re-indexes only its own page, or,
//! for a site built once, made as each body is rendered and not kept.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{ContentTree, FrontMatter, Page, Section};
use crate::fingerprint::{FastMap, FastSet, Fingerprint};
use crate::markdown::Rendered;
use crate::search::{Document, Entry, SearchFile, SearchIndex};

use super::Model;

/// What the last rebuild indexed.
#[derive(Default)]
pub(super) struct SearchCache {
    /// Entries by content path, with the fingerprint of what they were made from.
    entries: FastMap<String, (u64, Arc<Entry>)>,
    index: Option<SearchIndex>,
}

/// One page or section to index.
struct Source<'a> {
    content_path: &'a str,
    url: &'a str,
    front: &'a FrontMatter,
    /// Hash of the front matter's text, which with the site's settings
    /// decides everything the index takes from it.
    front_hash: u64,
    section_title: &'a str,
    rendered: &'a Rendered,
}

impl<'a> Source<'a> {
    fn page(tree: &'a ContentTree, page: &'a Page, rendered: &'a Rendered) -> Source<'a> {
        Source {
            content_path: &page.file.content_path,
            url: &page.url,
            front: &page.front,
            front_hash: page.front_hash,
            section_title: &tree.section(page.section).front.title,
            rendered,
        }
    }

    /// `None` for a section made up for a folder without an `_index.md`:
    /// there is nothing of its own to find.
    fn section(
        tree: &'a ContentTree,
        section: &'a Section,
        rendered: &'a Rendered,
    ) -> Option<Source<'a>> {
        section.has_file.then(|| Source {
            content_path: &section.file.content_path,
            url: &section.url,
            front: &section.front,
            front_hash: section.front_hash,
            section_title: section
                .parent
                .map_or(section.front.title.as_str(), |parent| {
                    &tree.section(parent).front.title
                }),
            rendered,
        })
    }

    /// The entry of this source, if the index takes it in.
    fn entry(&self, config: &Config) -> Option<Arc<Entry>> {
        indexes(config, self.front).then(|| self.make_entry(config))
    }

    fn make_entry(&self, config: &Config) -> Arc<Entry> {
        Arc::new(Entry::new(&document(self), config.search.excerpt_length))
    }
}

/// The search entry of a page, if the index takes it in, made as soon as
/// its body is rendered by a site built once (see [`index_once`]).
pub(super) fn page_entry(
    config: &Config,
    tree: &ContentTree,
    page: &Page,
    rendered: &Rendered,
) -> Option<Arc<Entry>> {
    Source::page(tree, page, rendered).entry(config)
}

/// The search entry of a section, as [`page_entry`] for a page.
pub(super) fn section_entry(
    config: &Config,
    tree: &ContentTree,
    section: &Section,
    rendered: &Rendered,
) -> Option<Arc<Entry>> {
    Source::section(tree, section, rendered)?.entry(config)
}

/// The index of a site built once, from the entries made as each body was
/// rendered: its plain text, which only search reads, then went at once
/// instead of being held for every page until this phase. Nothing is kept
/// for a rebuild; the published files are shared.
pub(super) fn index_once(
    config: &Config,
    entries: Vec<Option<Arc<Entry>>>,
) -> Arc<Vec<SearchFile>> {
    if !config.search.enabled {
        return Arc::default();
    }
    let mut entries: Vec<Arc<Entry>> = entries.into_iter().flatten().collect();
    // Page numbers follow addresses, as in `update`.
    entries.sort_by(|a, b| a.url.cmp(&b.url));
    SearchIndex::update(None, entries, &search_facets(config))
        .files()
        .clone()
}

/// Bring the index of a site kept for rebuilds up to date with `model`;
/// the files to publish.
pub(super) fn update(model: &Model, cache: &mut SearchCache) -> Arc<Vec<SearchFile>> {
    let Model {
        config,
        tree,
        pages_md,
        sections_md,
        ..
    } = model;
    if !config.search.enabled {
        *cache = SearchCache::default();
        return Arc::default();
    }
    let page_sources = (tree.pages.iter())
        .zip(pages_md)
        .map(|(page, rendered)| Source::page(tree, page, rendered));
    let section_sources = (tree.sections.iter())
        .zip(sections_md)
        .filter_map(|(section, rendered)| Source::section(tree, section, rendered));
    let mut sources: Vec<Source<'_>> = page_sources
        .chain(section_sources)
        .filter(|s| indexes(config, s.front))
        .collect();
    // Page numbers follow addresses, so they stay put when content changes.
    sources.sort_by(|a, b| a.url.cmp(b.url));

    let fingerprints: Vec<u64> = sources
        .iter()
        .map(|s| {
            Fingerprint::new()
                .with(config.fingerprint)
                .with((s.url, s.section_title))
                .with(s.front_hash)
                .with(s.rendered.fingerprint)
                .finish()
        })
        .collect();
    let entries: Vec<Arc<Entry>> = sources
        .par_iter()
        .zip(&fingerprints)
        .map(
            |(source, fingerprint)| match cache.entries.get(source.content_path) {
                Some((known, entry)) if known == fingerprint => entry.clone(),
                _ => source.make_entry(config),
            },
        )
        .collect();
    // Update the memo in place: after an edit, one entry changes, and
    // rebuilding a map of every page would cost more than indexing it.
    for ((source, fingerprint), entry) in sources.iter().zip(fingerprints).zip(&entries) {
        match cache.entries.get_mut(source.content_path) {
            Some(known) if Arc::ptr_eq(&known.1, entry) => {}
            Some(known) => *known = (fingerprint, entry.clone()),
            None => {
                cache.entries.insert(
                    source.content_path.to_string(),
                    (fingerprint, entry.clone()),
                );
            }
        }
    }
    if cache.entries.len() != sources.len() {
        let current: FastSet<&str> = sources.iter().map(|s| s.content_path).collect();
        cache
            .entries
            .retain(|path, _| current.contains(path.as_str()));
    }

    let index = SearchIndex::update(cache.index.take(), entries, &search_facets(config));
    let files = index.files().clone();
    cache.index = Some(index);
    files
}

/// Whether the index takes in a body with this front matter.
fn indexes(config: &Config, front: &FrontMatter) -> bool {
    config.search.enabled && front.search
}

/// The taxonomies readers can narrow results by: name and title.
fn search_facets(config: &Config) -> Vec<(String, String)> {
    config
        .search
        .facets
        .iter()
        .filter_map(|name| config.taxonomies.iter().find(|t| &t.name == name))
        .map(|t| (t.name.clone(), t.title.clone()))
        .collect()
}

fn document<'a>(source: &'a Source<'a>) -> Document<'a> {
    Document {
        url: source.url,
        title: &source.front.title,
        section: source.section_title,
        description: source.front.description.as_deref().unwrap_or(""),
        headings: source
            .rendered
            .headings
            .iter()
            .map(|h| h.text.as_str())
            .collect(),
        body: &source.rendered.text,
        taxonomy_terms: source
            .front
            .taxonomies
            .iter()
            .map(|(name, terms)| (name.as_str(), terms.as_slice()))
            .collect(),
    }
}
