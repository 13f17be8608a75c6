//! Plain-text helpers shared by Markdown and search: collapsing whitespace
//! and counting words, both as `split_whitespace` sees them.

/// `text` with each run of whitespace made one space and none at either
/// end, as joining `split_whitespace()` with spaces gives, but stopping
/// after the first word that takes it past `limit` bytes: a search excerpt
/// needs only the start of a long body.
pub fn collapse_whitespace(text: &str, limit: usize) -> String {
    let mut collapsed = String::with_capacity(text.len().min(limit.saturating_add(1)));
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
        if collapsed.len() > limit {
            break;
        }
    }
    collapsed
}

/// How many words `text` holds: the runs `split_whitespace` finds, counted
/// without making them, and with ASCII classified a byte at a time, since
/// this runs over every page's text.
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut at = 0;
    while at < bytes.len() {
        let (is_space, width) = match bytes[at] {
            // `char::is_whitespace` also counts the vertical tab.
            byte if byte.is_ascii() => (byte.is_ascii_whitespace() || byte == 0x0b, 1),
            _ => {
                // `at` only moves by whole characters, so it is on a boundary.
                let c = text[at..].chars().next().unwrap_or(' ');
                (c.is_whitespace(), c.len_utf8())
            }
        };
        words += usize::from(!is_space && !in_word);
        in_word = !is_space;
        at += width;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: [&str; 8] = [
        "",
        "   ",
        "one",
        "  two  words  ",
        "tabs\tand\nnew\r\nlines\x0bvertical\x0cfeed",
        "no\u{a0}break and\u{2003}em\u{3000}ideographic\u{85}next",
        "café, naïve — Σίσυφος ΟΔΟΣ",
        "\u{2028}lead and trail\u{2029}",
    ];

    #[test]
    fn words_are_counted_and_collapsed_as_splitting_at_every_kind_of_space() {
        for text in TEXTS {
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(
                collapse_whitespace(text, usize::MAX),
                expected.join(" "),
                "{text:?}"
            );
            assert_eq!(count_words(text), expected.len(), "{text:?}");
        }
    }

    #[test]
    fn collapsing_stops_at_the_first_word_past_the_limit() {
        let text = "one  two\n\nthree four";
        assert_eq!(collapse_whitespace(text, 0), "one");
        assert_eq!(collapse_whitespace(text, 3), "one two");
        assert_eq!(collapse_whitespace(text, 7), "one two three");
        assert_eq!(collapse_whitespace(text, 18), "one two three four");
        for text in TEXTS {
            let whole = collapse_whitespace(text, usize::MAX);
            for limit in 0..whole.len() + 2 {
                let start = collapse_whitespace(text, limit);
                assert!(whole.starts_with(&start), "{text:?} at {limit}");
                assert!(start.len() > limit || start == whole, "{text:?} at {limit}");
            }
        }
    }
}
