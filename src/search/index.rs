//! Building the search index: each page's weighted terms, the postings of
//! every term, the cut into chunks, and the files. A rebuild after an edit
//! updates only the postings of the edited pages' terms and re-encodes only
//! the chunks those terms are in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::fingerprint::{FastMap, Fingerprint, of};
use crate::output::OutputPath;

use super::encode::{self, Fragment, Meta, Postings};
use super::tokens;

/// How much a word counts, by where it appears. Title and heading hits rank
/// above body hits; body hits count up to [`BODY_CAP`] times.
const TITLE: u32 = 16;
const HEADING: u32 = 6;
const TERM: u32 = 6;
const DESCRIPTION: u32 = 4;
const BODY: u32 = 1;
const BODY_CAP: u32 = 8;

/// A term in at least this many pages (or this share of them) gets a chunk
/// of its own, so rare words never come with a very common word's postings.
const OWN_CHUNK_PAGES: usize = 64;
const OWN_CHUNK_SHARE: usize = 20;

/// What the index needs of one page or section.
pub struct Document<'a> {
    pub url: &'a str,
    pub title: &'a str,
    /// The title of the section it is in, shown with results.
    pub section: &'a str,
    pub description: &'a str,
    pub headings: Vec<&'a str>,
    /// The body as plain text.
    pub body: &'a str,
    /// Taxonomy terms, by taxonomy name.
    pub taxonomy_terms: Vec<(&'a str, &'a [String])>,
}

/// One page, ready for the index.
#[derive(Debug, PartialEq)]
pub struct Entry {
    pub url: String,
    /// Each term once, in order, with its weight.
    pub terms: Vec<(Arc<str>, u8)>,
    /// Facet values: taxonomy name and term names.
    pub facets: Vec<(String, Vec<String>)>,
    /// `search/pages/<n>.json` for this page.
    pub fragment: Arc<[u8]>,
}

impl Entry {
    pub fn new(document: &Document<'_>, excerpt_length: usize) -> Entry {
        let mut fields: Vec<(&str, u32)> = vec![(document.title, TITLE)];
        fields.extend(document.headings.iter().map(|heading| (*heading, HEADING)));
        for (_, terms) in &document.taxonomy_terms {
            fields.extend(terms.iter().map(|term| (term.as_str(), TERM)));
        }
        fields.push((document.description, DESCRIPTION));
        fields.push((document.body, BODY));
        // A term's weight is its best field's, plus its body count up to a cap.
        let weights = tokens::fold_terms(&fields, |(field, body): &mut (u32, u32), weight| {
            if weight == BODY {
                *body += 1;
            } else {
                *field = (*field).max(weight);
            }
        });
        let mut terms: Vec<(Arc<str>, u8)> = weights
            .into_iter()
            .map(|(term, (field, body))| {
                let weight = (field + body.min(BODY_CAP) * BODY).min(255) as u8;
                (term, weight)
            })
            .collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let fragment = serde_json::to_vec(&Fragment {
            u: document.url,
            t: document.title,
            s: document.section,
            d: document.description,
            x: &excerpt(document.body, excerpt_length),
        })
        .unwrap_or_default();
        Entry {
            url: document.url.to_string(),
            terms,
            facets: document
                .taxonomy_terms
                .iter()
                .map(|(name, terms)| (name.to_string(), terms.to_vec()))
                .collect(),
            fragment: Arc::from(fragment),
        }
    }
}

/// The start of `text` with each run of whitespace made one space, cut at
/// a word boundary near `length` bytes. Only the words the excerpt needs
/// are collapsed: bodies keep their line breaks, and most are far longer.
fn excerpt(text: &str, length: usize) -> String {
    let mut collapsed = crate::text::collapse_whitespace(text, length);
    // No longer than `length` means every word fitted.
    if collapsed.len() <= length {
        return collapsed;
    }
    let mut end = length;
    while !collapsed.is_char_boundary(end) {
        end -= 1;
    }
    let cut = collapsed[..end].rfind(' ').unwrap_or(end);
    collapsed.truncate(cut);
    collapsed.push('…');
    collapsed
}

/// One file of the index.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchFile {
    pub path: OutputPath,
    pub bytes: Arc<[u8]>,
    pub fingerprint: u64,
}

impl SearchFile {
    fn new(path: &str, bytes: Arc<[u8]>) -> SearchFile {
        SearchFile {
            // Index paths are made here from hex names and numbers: always valid.
            path: OutputPath::new(path).expect("search index paths are valid"),
            fingerprint: of(&*bytes),
            bytes,
        }
    }
}

/// A run of terms written as one file.
#[derive(Debug, Clone)]
struct Chunk {
    first: Arc<str>,
    /// How many terms, so a chunk whose terms are unchanged can be kept.
    terms: usize,
    file: SearchFile,
}

/// The index of a site, kept between rebuilds.
#[derive(Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Arc<Entry>>,
    postings: BTreeMap<Arc<str>, Postings>,
    chunks: Vec<Chunk>,
    fragments: Vec<SearchFile>,
    /// `facets.json`, and the facets it was made for.
    facets_file: Option<SearchFile>,
    facets: Vec<(String, String)>,
    /// Every file, by path.
    files: Arc<Vec<SearchFile>>,
}

impl SearchIndex {
    /// The index of `entries` (in page-number order), made from `previous`
    /// by updating only what changed when the pages are the same ones.
    pub fn update(
        previous: Option<SearchIndex>,
        entries: Vec<Arc<Entry>>,
        facets: &[(String, String)],
    ) -> SearchIndex {
        let same_pages = previous.as_ref().is_some_and(|p| {
            p.entries.len() == entries.len()
                && p.entries.iter().zip(&entries).all(|(a, b)| a.url == b.url)
        });
        let (postings, dirty, old_chunks, old_fragments, old_facets) = match previous {
            Some(previous) if same_pages => {
                let mut postings = previous.postings;
                let mut dirty: BTreeSet<Arc<str>> = BTreeSet::new();
                let mut facets_changed = previous.facets != facets;
                for (number, (old, new)) in previous.entries.iter().zip(&entries).enumerate() {
                    if Arc::ptr_eq(old, new) {
                        continue;
                    }
                    facets_changed |= old.facets != new.facets;
                    if old.terms == new.terms {
                        continue;
                    }
                    let number = number as u32;
                    // Only terms whose posting for this page changed make a
                    // chunk dirty: an edit rewrites the chunks of the words
                    // it touched, not of every word on the page.
                    for (term, _) in old
                        .terms
                        .iter()
                        .filter(|(t, _)| weight_of(&new.terms, t).is_none())
                    {
                        if let Some(list) = postings.get_mut(&**term) {
                            if let Ok(at) = list.binary_search_by_key(&number, |p| p.0) {
                                list.remove(at);
                            }
                            if list.is_empty() {
                                postings.remove(&**term);
                            }
                        }
                        dirty.insert(term.clone());
                    }
                    for (term, weight) in &new.terms {
                        if weight_of(&old.terms, term) == Some(*weight) {
                            continue;
                        }
                        let list = postings.entry(term.clone()).or_default();
                        match list.binary_search_by_key(&number, |p| p.0) {
                            Ok(at) => list[at].1 = *weight,
                            Err(at) => list.insert(at, (number, *weight)),
                        }
                        dirty.insert(term.clone());
                    }
                }
                let old_facets = previous.facets_file.filter(|_| !facets_changed);
                (
                    postings,
                    Some(dirty),
                    previous.chunks,
                    previous.fragments,
                    old_facets,
                )
            }
            _ => (all_postings(&entries), None, Vec::new(), Vec::new(), None),
        };

        let chunks = cut_chunks(&postings, entries.len(), dirty.as_ref(), old_chunks);
        let fragments: Vec<SearchFile> = entries
            .par_iter()
            .enumerate()
            .map(|(number, entry)| match old_fragments.get(number) {
                Some(old)
                    if Arc::ptr_eq(&old.bytes, &entry.fragment)
                        || *old.bytes == *entry.fragment =>
                {
                    old.clone()
                }
                _ => SearchFile::new(
                    &format!("search/pages/{number}.json"),
                    entry.fragment.clone(),
                ),
            })
            .collect();
        let facets_file = old_facets.unwrap_or_else(|| {
            SearchFile::new(
                "search/facets.json",
                Arc::from(facets_json(&entries, facets)),
            )
        });
        let version = Fingerprint::new()
            .with_all(chunks.iter().map(|c| c.file.fingerprint))
            .with_all(fragments.iter().map(|f| f.fingerprint))
            .with(facets_file.fingerprint)
            .finish();
        let meta = Meta {
            version: 1,
            v: format!("{version:016x}"),
            pages: entries.len(),
            chunks: chunks
                .iter()
                .map(|c| (c.first.to_string(), chunk_name(&c.file)))
                .collect(),
            facets: facets.to_vec(),
        };
        let meta_file = SearchFile::new(
            "search/index.json",
            Arc::from(serde_json::to_vec(&meta).unwrap_or_default()),
        );
        let mut files: Vec<SearchFile> = chunks.iter().map(|c| c.file.clone()).collect();
        files.extend(fragments.iter().cloned());
        files.push(facets_file.clone());
        files.push(meta_file);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        SearchIndex {
            entries,
            postings,
            chunks,
            fragments,
            facets_file: Some(facets_file),
            facets: facets.to_vec(),
            files: Arc::new(files),
        }
    }

    /// Every file of the index, by path.
    pub fn files(&self) -> &Arc<Vec<SearchFile>> {
        &self.files
    }

    /// Fingerprint of the index's file names, which the output plan depends on.
    pub fn paths_fingerprint(&self) -> u64 {
        Fingerprint::new()
            .with_all(self.files.iter().map(|f| f.path.as_str()))
            .finish()
    }
}

/// The weight of `term` in an entry's terms, which are sorted by term.
fn weight_of(terms: &[(Arc<str>, u8)], term: &str) -> Option<u8> {
    terms
        .binary_search_by(|(t, _)| (**t).cmp(term))
        .ok()
        .map(|at| terms[at].1)
}

/// `search/chunks/1a2b3c4d.bin` → `1a2b3c4d`.
fn chunk_name(file: &SearchFile) -> String {
    file.path
        .as_str()
        .trim_start_matches("search/chunks/")
        .trim_end_matches(".bin")
        .to_string()
}

fn all_postings(entries: &[Arc<Entry>]) -> BTreeMap<Arc<str>, Postings> {
    // Hashing first and ordering once at the end: a sorted map compared
    // strings on every one of the site's millions of term occurrences.
    let mut postings: FastMap<&Arc<str>, Postings> = FastMap::default();
    for (number, entry) in entries.iter().enumerate() {
        for (term, weight) in &entry.terms {
            postings
                .entry(term)
                .or_default()
                .push((number as u32, *weight));
        }
    }
    postings
        .into_iter()
        .map(|(term, list)| (term.clone(), list))
        .collect()
}

/// Where chunks start. A chunk starts at a term whose hash falls on a
/// multiple of the spacing (set by the number of terms), or next to a very
/// common term. Both are worked out afresh from the postings on every
/// update, so an incremental rebuild cuts exactly where a full build would;
/// a chunk is kept only if it starts at the same term, holds as many terms
/// and none of them changed.
fn cut_chunks(
    postings: &BTreeMap<Arc<str>, Postings>,
    pages: usize,
    dirty: Option<&BTreeSet<Arc<str>>>,
    old: Vec<Chunk>,
) -> Vec<Chunk> {
    let spacing = (postings.len() as f64).sqrt().ceil().max(8.0) as u64;
    let spacing = spacing.next_power_of_two();
    let common = OWN_CHUNK_PAGES.max(pages / OWN_CHUNK_SHARE);
    let is_common = |list: &Postings| list.len() >= common;
    let mut starts: Vec<usize> = Vec::new();
    let mut previous_common = false;
    for (index, (term, list)) in postings.iter().enumerate() {
        let common_here = is_common(list);
        let cut = index == 0 || common_here || previous_common || of(&**term) % spacing == 0;
        if cut {
            starts.push(index);
        }
        previous_common = common_here;
    }
    let mut old_by_first: std::collections::HashMap<Arc<str>, Chunk> =
        old.into_iter().map(|c| (c.first.clone(), c)).collect();
    let terms: Vec<(&Arc<str>, &Postings)> = postings.iter().collect();
    let slices: Vec<&[(&Arc<str>, &Postings)]> = starts
        .iter()
        .enumerate()
        .map(|(n, &start)| &terms[start..starts.get(n + 1).copied().unwrap_or(terms.len())])
        .collect();
    // Deciding which chunks to keep takes them out of `old_by_first`, so it
    // runs in order; only encoding the rest is worth spreading over threads.
    let kept: Vec<Option<Chunk>> = slices
        .iter()
        .map(|slice| {
            let (first, last) = (slice[0].0, slice[slice.len() - 1].0);
            let unchanged = dirty
                .is_some_and(|dirty| dirty.range::<Arc<str>, _>(first..=last).next().is_none());
            let old = unchanged.then(|| old_by_first.remove(first)).flatten()?;
            (old.terms == slice.len()).then_some(old)
        })
        .collect();
    let mut chunks: Vec<Chunk> = slices
        .par_iter()
        .zip(kept)
        .map(|(slice, kept)| {
            kept.unwrap_or_else(|| {
                let first = slice[0].0.clone();
                let bytes = encode::encode_chunk(slice.iter().map(|(t, p)| (&***t, p.as_slice())));
                let name = format!("{:08x}", (of(&*first) >> 32) as u32);
                Chunk {
                    file: SearchFile::new(&format!("search/chunks/{name}.bin"), Arc::from(bytes)),
                    first,
                    terms: slice.len(),
                }
            })
        })
        .collect();
    make_names_unique(&mut chunks);
    chunks
}

/// Two first terms could share a short hash; the later one gets a suffix.
fn make_names_unique(chunks: &mut [Chunk]) {
    let mut seen = std::collections::HashSet::new();
    for chunk in chunks.iter_mut() {
        let mut name = chunk_name(&chunk.file);
        let mut n = 1;
        while !seen.insert(name.clone()) {
            name = format!("{}-{n}", chunk_name(&chunk.file));
            n += 1;
        }
        if name != chunk_name(&chunk.file) {
            chunk.file = SearchFile::new(
                &format!("search/chunks/{name}.bin"),
                chunk.file.bytes.clone(),
            );
        }
    }
}

/// `{"formats": {"online": {"name": "Online", "pages": [0, 4]}}}`, in order.
fn facets_json(entries: &[Arc<Entry>], facets: &[(String, String)]) -> Vec<u8> {
    let mut by_facet: BTreeMap<&str, BTreeMap<String, (String, Vec<u32>)>> = BTreeMap::new();
    for (name, _) in facets {
        by_facet.entry(name).or_default();
    }
    for (number, entry) in entries.iter().enumerate() {
        for (name, terms) in &entry.facets {
            let Some(values) = by_facet.get_mut(name.as_str()) else {
                continue;
            };
            for term in terms {
                let slug = crate::content::slug::slugify(term);
                values
                    .entry(slug)
                    .or_insert_with(|| (term.clone(), Vec::new()))
                    .1
                    .push(number as u32);
            }
        }
    }
    let json: serde_json::Map<String, serde_json::Value> = by_facet
        .into_iter()
        .map(|(facet, values)| {
            let values: serde_json::Map<String, serde_json::Value> = values
                .into_iter()
                .map(|(slug, (name, pages))| {
                    (slug, serde_json::json!({"name": name, "pages": pages}))
                })
                .collect();
            (facet.to_string(), serde_json::Value::Object(values))
        })
        .collect();
    serde_json::to_vec(&json).unwrap_or_default()
}

#[cfg(test)]
mod tests;
