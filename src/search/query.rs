//! How a query is answered, step for step as the browser script does it:
//! which chunk files it downloads, which terms each word matches, and how
//! pages rank. Tests check ranking with it, the benchmark measures the bytes
//! a query downloads with it, and a browser test checks the script agrees.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::encode::{Meta, Postings, decode_chunk};
use super::tokens;

/// Most chunks a word's prefix matches may pull in beyond its own.
const MORE_CHUNKS_FOR_PREFIX: usize = 2;
/// Most terms a word's prefix may expand to.
const MOST_PREFIX_TERMS: usize = 30;
/// Suffixes tried when a word matches nothing as typed ("hoping" → "hop").
const SUFFIXES: &[&str] = &["ing", "ed", "es", "s"];

/// A query's answer and what it cost.
#[derive(Debug, Default, PartialEq)]
pub struct Answer {
    /// Page numbers, best first, with scores.
    pub pages: Vec<(u32, f64)>,
    /// Chunk files downloaded, in order.
    pub chunks: Vec<String>,
}

/// The words of a query as the index spells terms: stop words dropped, and
/// a final consonant-y turned to i as the stemmer does ("study" → "studi").
pub fn query_words(query: &str) -> Vec<String> {
    tokens::words(query)
        .map(|word| {
            let chars: Vec<char> = word.chars().collect();
            let n = chars.len();
            if n > 2 && chars[n - 1] == 'y' && !"aeiouy".contains(chars[n - 2]) {
                let mut w: String = chars[..n - 1].iter().collect();
                w.push('i');
                w
            } else {
                word
            }
        })
        .collect()
}

/// The chunk a term would be in: the last whose first term is not after it.
fn chunk_of(meta: &Meta, term: &str) -> usize {
    meta.chunks
        .partition_point(|(first, _)| first.as_str() <= term)
        .saturating_sub(1)
}

/// Bases to try for a word: the word, then the word without a common suffix.
fn bases(word: &str) -> Vec<String> {
    let mut found = vec![word.to_string()];
    for suffix in SUFFIXES {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.chars().count() >= 3 {
                found.push(base.to_string());
            }
        }
    }
    found
}

/// The chunks a word needs: its own, those of its prefixes of three letters
/// or more (where its stem may be), and a few after it for prefix matches.
pub fn chunks_for(meta: &Meta, word: &str) -> BTreeSet<usize> {
    let mut needed = BTreeSet::new();
    if meta.chunks.is_empty() {
        return needed;
    }
    for base in bases(word) {
        let chars: Vec<char> = base.chars().collect();
        for end in 3.min(chars.len())..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            needed.insert(chunk_of(meta, &prefix));
        }
        let own = chunk_of(meta, &base);
        for next in own + 1..(own + 1 + MORE_CHUNKS_FOR_PREFIX).min(meta.chunks.len()) {
            if meta.chunks[next].0.starts_with(&base) {
                needed.insert(next);
            }
        }
    }
    needed
}

/// How well a term matches a word: the word itself or an inflection of
/// the term counts fully, a term the word is the start of counts less.
fn quality(word: &str, term: &str) -> Option<f64> {
    let (w, t) = (word.chars().count(), term.chars().count());
    if term == word {
        Some(1.0)
    } else if word.starts_with(term)
        && t >= 3
        && w - t <= 4
        && word[term.len()..].chars().all(char::is_alphabetic)
    {
        Some(0.9)
    } else if term.starts_with(word) {
        Some(0.6)
    } else {
        None
    }
}

/// Answer `query` against the index described by `meta`, downloading
/// chunks with `fetch` (given a chunk's name).
pub fn run(meta: &Meta, fetch: &mut dyn FnMut(&str) -> Option<Vec<u8>>, query: &str) -> Answer {
    let words = query_words(query);
    if words.is_empty() {
        return Answer::default();
    }
    let mut wanted = BTreeSet::new();
    for word in &words {
        wanted.extend(chunks_for(meta, word));
    }
    let mut terms: BTreeMap<String, Postings> = BTreeMap::new();
    let mut chunks = Vec::new();
    for index in wanted {
        let name = &meta.chunks[index].1;
        chunks.push(name.clone());
        if let Some(decoded) = fetch(name).and_then(|bytes| decode_chunk(&bytes)) {
            terms.extend(decoded);
        }
    }
    let total = meta.pages.max(1) as f64;
    let mut scores: Option<HashMap<u32, f64>> = None;
    for word in &words {
        let mut best: HashMap<u32, f64> = HashMap::new();
        for base in bases(word) {
            let mut prefix_terms = 0;
            for (term, postings) in &terms {
                let Some(mut q) = quality(&base, term) else {
                    continue;
                };
                if base != *word {
                    // Matched only once a suffix was taken off.
                    q *= 0.8;
                }
                if q < 0.9 {
                    prefix_terms += 1;
                    if prefix_terms > MOST_PREFIX_TERMS {
                        continue;
                    }
                }
                let rarity = (1.0 + total / postings.len().max(1) as f64).ln();
                for (page, weight) in postings {
                    let score = f64::from(*weight) * q * rarity;
                    let slot = best.entry(*page).or_insert(0.0);
                    if score > *slot {
                        *slot = score;
                    }
                }
            }
            if !best.is_empty() {
                break;
            }
        }
        // Every word must match: keep pages found for all words so far.
        scores = Some(match scores {
            None => best,
            Some(so_far) => so_far
                .into_iter()
                .filter_map(|(page, score)| best.get(&page).map(|s| (page, score + s)))
                .collect(),
        });
    }
    let mut pages: Vec<(u32, f64)> = scores.unwrap_or_default().into_iter().collect();
    pages.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Answer { pages, chunks }
}
