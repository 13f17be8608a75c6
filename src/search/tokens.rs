//! Words for the search index: split, lowercased, without stop words, and
//! stemmed, so "supervise", "supervised" and "supervision" are one term.
//! The stemmer (Snowball English, from rust-stemmers) is used only here, so
//! it can be swapped. The browser script splits queries the same way; a test
//! keeps its stop-word list equal to [`STOP_WORDS`].

use std::cell::RefCell;

use rust_stemmers::{Algorithm, Stemmer};

use crate::fingerprint::FastMap;

/// Words too common to help find a page. Kept short: a word that narrows a
/// search (such as "free" or "online") must never be here. Sorted, for
/// binary search.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "if", "in", "into",
    "is", "it", "its", "of", "on", "or", "so", "than", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "were", "which", "with",
];

/// Lowercase words of `text`, split at anything that is not a letter or a
/// digit, without stop words and single letters.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text)
        .map(str::to_lowercase)
        .filter(|w| is_searchable(w))
}

fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Not a stop word and longer than one letter.
fn is_searchable(lowercase: &str) -> bool {
    lowercase.chars().nth(1).is_some() && STOP_WORDS.binary_search(&lowercase).is_err()
}

/// Stems already worked out on this thread (most words repeat), and a
/// buffer for lowercasing, so indexing allocates per new word, not per word.
struct Stems {
    stemmer: Stemmer,
    known: FastMap<Box<str>, Box<str>>,
    lowercase: String,
}

/// Bounded, so a huge vocabulary cannot grow the memo without end.
const KNOWN_STEMS: usize = 200_000;

impl Stems {
    fn stem(&mut self, lowercase: &str) -> &str {
        if !self.known.contains_key(lowercase) {
            if self.known.len() >= KNOWN_STEMS {
                self.known.clear();
            }
            let stem: Box<str> = self.stemmer.stem(lowercase).into();
            self.known.insert(lowercase.into(), stem);
        }
        &self.known[lowercase]
    }
}

thread_local! {
    static STEMS: RefCell<Stems> = RefCell::new(Stems {
        stemmer: Stemmer::create(Algorithm::English),
        known: FastMap::default(),
        lowercase: String::new(),
    });
}

/// The stem of a lowercase word.
pub fn stem(word: &str) -> String {
    STEMS.with(|cell| cell.borrow_mut().stem(word).to_string())
}

/// Calls `each` with the stemmed terms of `text`, in order, repeats
/// included: the same terms as [`words`] then [`stem`], without allocating
/// for words seen before. `each` must not call back into this module.
pub fn for_each_term(text: &str, mut each: impl FnMut(&str)) {
    STEMS.with(|cell| {
        let stems = &mut *cell.borrow_mut();
        for word in raw_words(text) {
            let mut lowercase = std::mem::take(&mut stems.lowercase);
            lowercase.clear();
            if word.is_ascii() {
                lowercase.push_str(word);
                lowercase.make_ascii_lowercase();
            } else {
                // `str::to_lowercase` knows context rules (a final Greek sigma).
                lowercase.push_str(&word.to_lowercase());
            }
            if is_searchable(&lowercase) {
                each(stems.stem(&lowercase));
            }
            stems.lowercase = lowercase;
        }
    });
}

/// The stemmed terms of `text`, in order, repeats included.
pub fn terms(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for_each_term(text, |term| found.push(term.to_string()));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_forms_share_a_stem() {
        for (a, b) in [
            ("supervise", "supervision"),
            ("supervised", "supervising"),
            ("interpreters", "interpreter"),
            ("groups", "group"),
            ("studies", "study"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn words_split_at_punctuation_and_drop_stop_words() {
        let found: Vec<String> = words("A free, face-to-face group for GPs (UK).").collect();
        assert_eq!(found, ["free", "face", "face", "group", "gps", "uk"]);
        let found: Vec<String> = words("Ärzte’ café 2024").collect();
        assert_eq!(found, ["ärzte", "café", "2024"]);
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn terms_are_the_stems_of_the_words() {
        let text = "Supervisors SUPERVISE; Ärzte' Σίσυφος and the ΟΔΟΣ, supervised again.";
        let expected: Vec<String> = words(text).map(|w| stem(&w)).collect();
        assert_eq!(terms(text), expected);
        assert!(expected.contains(&"supervis".to_string()), "{expected:?}");
    }

    #[test]
    fn the_browser_script_uses_the_same_stop_words() {
        let script = include_str!("../../themes/default/static/search.js");
        let listed = STOP_WORDS.join(" ");
        assert!(
            script.contains(&format!("\"{listed}\"")),
            "search.js must list the stop words as \"{listed}\""
        );
    }
}
