//! The site's search index: one document per searchable page and section,
//! remembered between rebuilds so an edit re-indexes only its own page.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::FrontMatter;
use crate::fingerprint::{FastMap, FastSet, Fingerprint};
use crate::markdown::Rendered;
use crate::search::{Document, Entry, SearchFile, SearchIndex};

use super::{Model, Retention};

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
    rendered: &'a mut Arc<Rendered>,
}

/// Bring the index up to date with `model`; the files to publish.
///
/// A site built once keeps nothing for a next rebuild: each body's plain
/// text goes as soon as its entry is made (nothing else reads it), and the
/// postings and entries once the files are. The published files are shared.
pub(super) fn update(
    model: &mut Model,
    cache: &mut SearchCache,
    retention: Retention,
) -> Arc<Vec<SearchFile>> {
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
    let once = retention == Retention::BuildOnce;
    let page_sources = tree
        .pages
        .iter()
        .zip(pages_md.iter_mut())
        .map(|(p, rendered)| Source {
            content_path: &p.file.content_path,
            url: &p.url,
            front: &p.front,
            front_hash: p.front_hash,
            section_title: &tree.section(p.section).front.title,
            rendered,
        });
    let section_sources = tree
        .sections
        .iter()
        .zip(sections_md.iter_mut())
        .filter(|(s, _)| s.has_file)
        .map(|(s, rendered)| Source {
            content_path: &s.file.content_path,
            url: &s.url,
            front: &s.front,
            front_hash: s.front_hash,
            section_title: s.parent.map_or(s.front.title.as_str(), |parent| {
                &tree.section(parent).front.title
            }),
            rendered,
        });
    let mut sources: Vec<Source<'_>> = page_sources
        .chain(section_sources)
        .filter(|s| indexes(config, s.front))
        .collect();
    // Page numbers follow addresses, so they stay put when content changes.
    sources.sort_by(|a, b| a.url.cmp(b.url));

    if once {
        // Nothing was remembered to reuse, and nothing will be.
        let entries: Vec<Arc<Entry>> = sources
            .par_iter_mut()
            .map(|source| {
                let entry = Entry::new(&document(source), config.search.excerpt_length);
                let only_holder = Arc::get_mut(source.rendered);
                debug_assert!(only_holder.is_some(), "nothing else holds a render yet");
                if let Some(rendered) = only_holder {
                    rendered.text = String::new();
                }
                Arc::new(entry)
            })
            .collect();
        let index = SearchIndex::update(None, entries, &search_facets(config));
        return index.files().clone();
    }
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
                _ => Arc::new(Entry::new(&document(source), config.search.excerpt_length)),
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
pub(super) fn indexes(config: &Config, front: &FrontMatter) -> bool {
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
