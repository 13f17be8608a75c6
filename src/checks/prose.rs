//! Reading ease: the Flesch score of a page's prose, from its counts of
//! sentences, words and syllables. Higher is easier; 60 and above reads as
//! plain English, below 30 as an academic paper.

/// Counts over the paragraphs and list items of one page.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Prose {
    pub sentences: usize,
    pub words: usize,
    pub syllables: usize,
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "prof.", "vs.", "no.", "approx.",
];

impl Prose {
    /// Count one block of text (a paragraph or list item). A block always
    /// ends a sentence, with or without a full stop.
    pub fn add_block(&mut self, text: &str) {
        let words: Vec<&str> = text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .collect();
        let Some(last) = words.last() else {
            return;
        };
        self.words += words.len();
        self.syllables += words.iter().map(|w| syllables(w)).sum::<usize>();
        let ends = words.iter().filter(|w| ends_sentence(w)).count();
        self.sentences += ends + usize::from(!ends_sentence(last));
    }

    /// The Flesch reading-ease score from 0 (hardest) to 100 (easiest), or
    /// `None` for a page without prose. The formula runs past both ends for
    /// extreme text; like most readability tools, we clamp it.
    pub fn reading_ease(&self) -> Option<f64> {
        if self.words == 0 || self.sentences == 0 {
            return None;
        }
        let words = self.words as f64;
        let score = 206.835
            - 1.015 * (words / self.sentences as f64)
            - 84.6 * (self.syllables as f64 / words);
        Some(((score * 10.0).round() / 10.0).clamp(0.0, 100.0))
    }
}

/// How a score reads, for reports.
pub fn describe(score: f64) -> &'static str {
    match score {
        s if s >= 80.0 => "very easy",
        s if s >= 60.0 => "plain English",
        s if s >= 50.0 => "fairly hard",
        s if s >= 30.0 => "hard",
        _ => "very hard",
    }
}

fn ends_sentence(word: &str) -> bool {
    let trimmed = word.trim_end_matches(['"', '\'', ')', ']', '’', '”', '*', '_']);
    let lower = trimmed.to_lowercase();
    trimmed.ends_with(['.', '!', '?']) && !ABBREVIATIONS.contains(&lower.as_str())
}

/// Syllables in an English word, by counting groups of vowels: the usual
/// approximation, right for most words and close for the rest.
fn syllables(word: &str) -> usize {
    let letters: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if letters.is_empty() {
        // A number is read as at least one syllable.
        return 1;
    }
    if letters.len() <= 3 {
        return 1;
    }
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut groups = 0;
    let mut in_group = false;
    for &c in &letters {
        let vowel = is_vowel(c);
        if vowel && !in_group {
            groups += 1;
        }
        in_group = vowel;
    }
    let n = letters.len();
    let ends_with = |s: &str| {
        letters
            .iter()
            .rev()
            .take(s.len())
            .rev()
            .copied()
            .eq(s.chars())
    };
    // A final silent e ("care"), but not "-le" after a consonant ("simple").
    let silent_final_e = ends_with("e") && !is_vowel(letters[n - 2]);
    let sounded_le = ends_with("le") && !is_vowel(letters[n - 3]);
    if silent_final_e && !sounded_le {
        groups -= 1;
    }
    // "-ed" and "-es" are usually silent ("asked", "makes"), except after t/d or s/x/z/ch/sh.
    if ends_with("ed") && n > 2 && !matches!(letters[n - 3], 't' | 'd') {
        groups -= 1;
    }
    if ends_with("es") && n > 2 && !matches!(letters[n - 3], 's' | 'x' | 'z' | 'h' | 'c' | 'g') {
        groups -= 1;
    }
    groups.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_of_common_words() {
        for (word, expected) in [
            ("the", 1),
            ("care", 1),
            ("simple", 2),
            ("asked", 1),
            ("wanted", 2),
            ("makes", 1),
            ("supervision", 4),
            ("refugee", 3),
            ("psychological", 5),
            ("interpreters", 4),
            ("2024", 1),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }

    #[test]
    fn plain_text_scores_higher_than_dense_text() {
        let mut plain = Prose::default();
        plain.add_block("The group meets once a month. It is free. You can join online.");
        let mut dense = Prose::default();
        dense.add_block("Notwithstanding multidimensional considerations, practitioners' interpretative frameworks necessitate substantial recalibration regarding institutional responsibilities.");
        let (plain, dense) = (plain.reading_ease().unwrap(), dense.reading_ease().unwrap());
        assert!(plain > 80.0, "{plain}");
        assert_eq!(dense, 0.0, "clamped");
        assert_eq!(describe(plain), "very easy");
        assert_eq!(describe(dense), "very hard");
    }

    #[test]
    fn blocks_end_sentences_and_abbreviations_do_not() {
        let mut prose = Prose::default();
        prose.add_block("Ask a GP, e.g. Dr. Smith, for advice. Then wait");
        prose.add_block("A list item");
        prose.add_block("   ");
        assert_eq!(prose.sentences, 3);
        assert_eq!(prose.words, 13);
        assert_eq!(Prose::default().reading_ease(), None);
    }
}
