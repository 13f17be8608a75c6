//! Words for the search index: split, lowercased, without stop words, and
//! stemmed, so "supervise", "supervised" and "supervision" are one term.
//! The stemmer (Snowball English, from rust-stemmers) is used only here, so
//! it can be swapped. The browser script splits queries the same way; a test
//! keeps its stop-word list equal to [`STOP_WORDS`].

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

/// Words too common to help find a page. Kept short: a word that narrows a
/// search (such as "free" or "online") must never be here.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "if", "in", "into",
    "is", "it", "its", "of", "on", "or", "so", "than", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "were", "which", "with",
];

/// Lowercase words of `text`, split at anything that is not a letter or a
/// digit, without stop words and single letters.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(&w.as_str()))
}

thread_local! {
    /// Stems already worked out on this thread: most words repeat.
    static STEMS: RefCell<(Stemmer, HashMap<String, String>)> =
        RefCell::new((Stemmer::create(Algorithm::English), HashMap::new()));
}

/// The stem of a lowercase word.
pub fn stem(word: &str) -> String {
    STEMS.with(|cell| {
        let mut cell = cell.borrow_mut();
        let (stemmer, known) = &mut *cell;
        if let Some(stem) = known.get(word) {
            return stem.clone();
        }
        let stem = stemmer.stem(word).into_owned();
        // Bounded, so a huge vocabulary cannot grow it without end.
        if known.len() < 200_000 {
            known.insert(word.to_string(), stem.clone());
        }
        stem
    })
}

/// The stemmed terms of `text`, in order, repeats included.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).map(|w| stem(&w))
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
    fn the_browser_script_uses_the_same_stop_words() {
        let script = include_str!("../../themes/default/static/search.js");
        let listed = STOP_WORDS.join(" ");
        assert!(
            script.contains(&format!("\"{listed}\"")),
            "search.js must list the stop words as \"{listed}\""
        );
    }
}
