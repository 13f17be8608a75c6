//! Words for the search index: split, lowercased, without stop words, and
//! stemmed, so "supervise", "supervised" and "supervision" are one term.
//! The stemmer (Snowball English, from rust-stemmers) is used only here, so
//! it can be swapped. The browser script splits queries the same way; a test
//! keeps its stop-word list equal to [`STOP_WORDS`].

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};

use crate::fingerprint::FastMap;
use crate::text;

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

/// Runs of letters and digits: the same words as splitting at every
/// character that is not alphanumeric.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    let mut found = Vec::new();
    for_each_raw_word(text, |word| found.push(word));
    found.into_iter()
}

/// Calls `each` with every run of letters and digits in `text`, in order.
fn for_each_raw_word<'t>(text: &'t str, mut each: impl FnMut(&'t str)) {
    text::for_each_run::<text::Alphanumeric>(text, |word| {
        each(word);
        ControlFlow::Continue(())
    });
}

/// Not a stop word and longer than one letter.
fn is_searchable(lowercase: &str) -> bool {
    lowercase.chars().nth(1).is_some() && STOP_WORDS.binary_search(&lowercase).is_err()
}

/// What this thread has learnt about words (most words repeat): each
/// lowercase word's term, or `None` for a stop word. Terms are numbered in
/// the order they were first met, so counting them needs no string hashing.
struct Stems {
    stemmer: Stemmer,
    /// ASCII words of up to 16 bytes (nearly all of them), by
    /// [`short_key`]: looking one up hashes and compares two machine words
    /// instead of a string.
    short: FastMap<u128, Option<u32>>,
    /// Every other word, lowercased.
    known: FastMap<Box<str>, Option<u32>>,
    /// Each term's text, by number.
    terms: Vec<Arc<str>>,
    numbers: FastMap<Arc<str>, u32>,
    lowercase: String,
    /// Where each term number's value is in the document being folded, if
    /// it was met in that document: a slot per term, marked with the
    /// document's number, so nothing needs clearing between documents and,
    /// once a word's term is known, counting it costs no hashing.
    seen: Vec<(u32, u32)>,
    document: u32,
}

/// Checked before each document, so a site's vocabulary cannot grow the
/// memo without end; one document's own words are always remembered whole,
/// because clearing renumbers the terms it is being counted by.
const KNOWN_STEMS: usize = 200_000;

impl Stems {
    fn new() -> Stems {
        Stems {
            stemmer: Stemmer::create(Algorithm::English),
            short: FastMap::default(),
            known: FastMap::default(),
            terms: Vec::new(),
            numbers: FastMap::default(),
            lowercase: String::new(),
            seen: Vec::new(),
            document: 0,
        }
    }

    /// Forget everything once the memo holds `limit` words. Only called
    /// between documents, since it renumbers the terms.
    fn bound(&mut self, limit: usize) {
        if self.short.len() + self.known.len() >= limit {
            self.short.clear();
            self.known.clear();
            self.terms.clear();
            self.numbers.clear();
            self.seen.clear();
        }
    }

    /// The number of the term of `word` (a run of [`raw_words`]), or `None`
    /// for a word search skips.
    fn term(&mut self, word: &str) -> Option<u32> {
        let Some(key) = short_key(word) else {
            return self.long_term(word);
        };
        if let Some(&known) = self.short.get(&key) {
            return known;
        }
        let number = self.number(&word.to_ascii_lowercase());
        self.short.insert(key, number);
        number
    }

    /// As [`Stems::term`], for a word [`short_key`] cannot hold.
    fn long_term(&mut self, word: &str) -> Option<u32> {
        let needs_lowering = if word.is_ascii() {
            word.bytes().any(|b| b.is_ascii_uppercase())
        } else {
            true
        };
        let lowercase = if needs_lowering {
            let mut lowercase = std::mem::take(&mut self.lowercase);
            lowercase.clear();
            if word.is_ascii() {
                lowercase.push_str(word);
                lowercase.make_ascii_lowercase();
            } else {
                // `str::to_lowercase` knows context rules (a final Greek sigma).
                lowercase.push_str(&word.to_lowercase());
            }
            self.lowercase = lowercase;
            self.lowercase.as_str()
        } else {
            word
        };
        if let Some(&known) = self.known.get(lowercase) {
            return known;
        }
        let lowercase: Box<str> = lowercase.into();
        let number = self.number(&lowercase);
        self.known.insert(lowercase, number);
        number
    }

    /// The number of the term of a lowercase word met for the first time.
    fn number(&mut self, lowercase: &str) -> Option<u32> {
        is_searchable(lowercase).then(|| {
            let stem = self.stemmer.stem(lowercase);
            match self.numbers.get(&*stem) {
                Some(&number) => number,
                None => {
                    let number = self.terms.len() as u32;
                    let stem: Arc<str> = Arc::from(&*stem);
                    self.terms.push(stem.clone());
                    self.numbers.insert(stem, number);
                    number
                }
            }
        })
    }
}

/// A word of [`raw_words`] that is ASCII and at most 16 bytes long, as one
/// lowercase number; `None` for any other word. Its bytes are read in at
/// most two overlapping loads, so no copy depends on the word's length.
/// Together the loads hold every byte of the word, and the length goes in
/// the top bit of the first five bytes, which ASCII leaves clear: given
/// both, no two words share a key.
fn short_key(word: &str) -> Option<u128> {
    const HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);
    // A run of raw_words that is ASCII holds only letters and digits, and
    // setting the case bit lowercases a letter and leaves a digit as it is.
    const CASE_BITS: u64 = u64::from_ne_bytes([0x20; 8]);
    debug_assert!(
        word.bytes()
            .all(|b| b.is_ascii_alphanumeric() || !b.is_ascii()),
        "{word:?} is not a run of raw_words"
    );
    let bytes = word.as_bytes();
    let length = bytes.len();
    let (first, last) = match length {
        8..=16 => (
            load_8_bytes(&bytes[..8]),
            load_8_bytes(&bytes[length - 8..]),
        ),
        4..=7 => (
            load_4_bytes(&bytes[..4]),
            load_4_bytes(&bytes[length - 4..]),
        ),
        1..=3 => (
            u64::from_ne_bytes([
                bytes[0],
                bytes[length / 2],
                bytes[length - 1],
                0,
                0,
                0,
                0,
                0,
            ]),
            0,
        ),
        _ => return None,
    };
    if (first | last) & HIGH_BITS != 0 {
        return None;
    }
    let mut length_bits = [0u8; 8];
    for (bit, byte) in length_bits.iter_mut().take(5).enumerate() {
        *byte = (((length >> bit) & 1) as u8) << 7;
    }
    // The case bit is set in the zeros that pad a short word too: the same
    // for every word of its length.
    let first = first | CASE_BITS | u64::from_ne_bytes(length_bits);
    Some(u128::from(first) | (u128::from(last | CASE_BITS) << 64))
}

fn load_8_bytes(bytes: &[u8]) -> u64 {
    u64::from_ne_bytes(bytes[..8].try_into().expect("eight bytes"))
}

/// Four bytes, widened to sit beside [`load_8_bytes`]'s in a key.
fn load_4_bytes(bytes: &[u8]) -> u64 {
    u64::from(u32::from_ne_bytes(
        bytes[..4].try_into().expect("four bytes"),
    ))
}

thread_local! {
    static STEMS: RefCell<Stems> = RefCell::new(Stems::new());
}

/// The stem of a lowercase word.
pub fn stem(word: &str) -> String {
    Stems::new().stemmer.stem(word).into_owned()
}

/// Every distinct term of a document's `fields`, each once, in the order
/// first met, with `fold` applied to its value for every occurrence and the
/// field it occurred in. This is how a page's terms are weighed for the
/// index; it looks each word up once and counts by term number. `fold` must
/// not call back into this module.
pub fn fold_terms<F: Copy, V: Default>(
    fields: &[(&str, F)],
    fold: impl FnMut(&mut V, F),
) -> Vec<(Arc<str>, V)> {
    STEMS.with(|cell| {
        let stems = &mut *cell.borrow_mut();
        stems.bound(KNOWN_STEMS);
        stems.fold_terms(fields, fold)
    })
}

impl Stems {
    fn fold_terms<F: Copy, V: Default>(
        &mut self,
        fields: &[(&str, F)],
        mut fold: impl FnMut(&mut V, F),
    ) -> Vec<(Arc<str>, V)> {
        // Numbered from 1, so a fresh slot (0, 0) is never this document's.
        self.document = self.document.wrapping_add(1).max(1);
        if self.document == 1 {
            self.seen.clear();
        }
        let document = self.document;
        let mut found: Vec<(u32, V)> = Vec::new();
        for &(text, field) in fields {
            for_each_raw_word(text, |word| {
                let Some(number) = self.term(word) else {
                    return;
                };
                if self.seen.len() <= number as usize {
                    self.seen.resize(self.terms.len(), (0, 0));
                }
                let slot = &mut self.seen[number as usize];
                if slot.0 != document {
                    *slot = (document, found.len() as u32);
                    found.push((number, V::default()));
                }
                fold(&mut found[slot.1 as usize].1, field);
            });
        }
        found
            .into_iter()
            .map(|(number, value)| (self.terms[number as usize].clone(), value))
            .collect()
    }
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
    fn words_are_the_runs_between_characters_that_are_not_alphanumeric() {
        for text in [
            "",
            "--",
            "plain ascii, with punctuation!",
            "Ärzte’ café 2024 naïve_x Σίσυφος ΟΔΟΣ",
            "emoji🙂between and ½ fractions ²",
            "end-with-word",
            "日本語のテキスト and mixed",
        ] {
            let expected: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(raw_words(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn folded_terms_are_distinct_in_first_met_order_with_every_occurrence_folded() {
        let fields = [
            ("Supervision groups", 10),
            ("the group supervises", 1),
            ("Groups", 1),
        ];
        let folded = fold_terms(&fields, |total: &mut u32, weight| *total += weight);
        let folded: Vec<(&str, u32)> = folded.iter().map(|(t, n)| (&**t, *n)).collect();
        assert_eq!(folded, [("supervis", 11), ("group", 12)]);
    }

    #[test]
    fn a_full_memo_is_forgotten_between_documents_without_mixing_up_terms() {
        let mut stems = Stems::new();
        stems.bound(3);
        assert_eq!(
            counts(&mut stems, "groups meet; supervision groups help peers"),
            pairs(&[
                ("group", 2),
                ("meet", 1),
                ("supervis", 1),
                ("help", 1),
                ("peer", 1)
            ])
        );
        assert!(
            stems.short.len() + stems.known.len() > 3,
            "one document is remembered whole"
        );
        stems.bound(3);
        assert_eq!(
            counts(&mut stems, "peers supervise peers"),
            pairs(&[("peer", 2), ("supervis", 1)])
        );
        assert_eq!(
            stems.terms.len(),
            2,
            "the memo was cleared before the second document"
        );
    }

    #[test]
    fn terms_are_counted_afresh_in_each_document_even_when_the_numbering_wraps() {
        let mut stems = Stems::new();
        assert_eq!(
            counts(&mut stems, "meet groups of peers"),
            pairs(&[("meet", 1), ("group", 1), ("peer", 1)])
        );
        // The first document was number 1; the next wraps round to it.
        stems.document = u32::MAX;
        assert_eq!(
            counts(&mut stems, "peers meet peers"),
            pairs(&[("peer", 2), ("meet", 1)])
        );
        assert_eq!(
            counts(&mut stems, "groups meet"),
            pairs(&[("group", 1), ("meet", 1)])
        );
    }

    /// Each term of `text` with how often it occurs, in first-met order.
    fn counts(stems: &mut Stems, text: &str) -> Vec<(String, u32)> {
        let folded = stems.fold_terms(&[(text, ())], |n: &mut u32, ()| *n += 1);
        folded
            .into_iter()
            .map(|(t, n)| (t.to_string(), n))
            .collect()
    }

    fn pairs(expected: &[(&str, u32)]) -> Vec<(String, u32)> {
        expected.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn terms_are_the_stems_of_the_words() {
        // The index (`fold_terms`) and queries (`words`, then `stem`) must agree.
        let text = "Supervisors SUPERVISE; Ärzte' Σίσυφος and the ΟΔΟΣ, supervised again.";
        let mut expected: Vec<(String, u32)> = Vec::new();
        for term in words(text).map(|w| stem(&w)) {
            match expected.iter_mut().find(|(known, _)| *known == term) {
                Some((_, count)) => *count += 1,
                None => expected.push((term, 1)),
            }
        }
        let folded: Vec<(String, u32)> = fold_terms(&[(text, ())], |n: &mut u32, ()| *n += 1)
            .into_iter()
            .map(|(term, count)| (term.to_string(), count))
            .collect();
        assert_eq!(folded, expected);
        assert!(
            expected.iter().any(|(term, _)| term == "supervis"),
            "{expected:?}"
        );
    }

    #[test]
    fn words_of_any_length_and_case_give_the_terms_queries_look_for() {
        // 16 bytes fit a short key, 17 do not; digits must keep their case bit.
        let text = "PSYCHOTHERAPISTS psychotherapists Interdisciplinary INTERDISCIPLINARY \
                    Covid19 COVID19 2024 A1 a1 Café CAFÉ abcdefghijklmnop ABCDEFGHIJKLMNOPQ";
        let mut expected: Vec<(String, u32)> = Vec::new();
        for term in words(text).map(|w| stem(&w)) {
            match expected.iter_mut().find(|(known, _)| *known == term) {
                Some((_, count)) => *count += 1,
                None => expected.push((term, 1)),
            }
        }
        let mut stems = Stems::new();
        for _ in 0..2 {
            // The second time, every word is answered from the memo.
            assert_eq!(counts(&mut stems, text), expected);
        }
        assert_eq!(expected[0].1, 2, "{expected:?}");
        assert_eq!(expected[1].1, 2, "{expected:?}");
    }

    #[test]
    fn a_short_key_is_the_lowercase_word_and_only_ascii_words_up_to_16_bytes_have_one() {
        assert_eq!(short_key("Covid19"), short_key("covid19"));
        assert_ne!(short_key("covid19"), short_key("covid1"));
        assert_ne!(short_key("ab"), short_key("ba"));
        assert!(short_key("abcdefghijklmnop").is_some());
        assert_eq!(short_key("abcdefghijklmnopq"), None);
        assert_eq!(short_key("café"), None);
    }

    #[test]
    fn no_two_short_words_share_a_key() {
        // Every word over a small alphabet up to 8 bytes; every word up to
        // 6 bytes over letters and digits a wrong case bit would confuse
        // ("0" with "p", "1" with "q") and the ends of each range; and words
        // of 9 to 16 bytes that differ only in length or at one place, where
        // the overlapping loads meet.
        let alphabets: [(&[&str], usize); 2] = [
            (&["a", "b", "1"], 8),
            (&["a", "z", "0", "9", "p", "q", "1"], 6),
        ];
        let mut all = Vec::new();
        for (alphabet, longest) in alphabets {
            let mut words: Vec<String> = vec![String::new()];
            for _ in 0..longest {
                words = (words.iter())
                    .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                    .collect();
                all.extend(words.iter().cloned());
            }
        }
        all.sort();
        all.dedup();
        for length in 9..=16 {
            all.push("a".repeat(length));
            for at in 0..length {
                let mut word = "a".repeat(length).into_bytes();
                word[at] = b'b';
                all.push(String::from_utf8(word).unwrap());
            }
        }
        let mut keys = std::collections::HashSet::new();
        for word in &all {
            let key = short_key(word).unwrap();
            assert!(keys.insert(key), "{word} shares a key");
            assert_eq!(short_key(&word.to_ascii_uppercase()), Some(key), "{word}");
        }
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
