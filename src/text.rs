//! Plain-text scanning shared by Markdown and search: runs of a class of
//! characters (words for search, everything between whitespace), read 64
//! bytes at a time; collapsing whitespace and counting words, both as
//! `split_whitespace` sees them.

use std::ops::ControlFlow;

/// `text` with each run of whitespace made one space and none at either
/// end, as joining `split_whitespace()` with spaces gives, but stopping
/// after the first word that takes it past `limit` bytes: a search excerpt
/// needs only the start of a long body.
pub fn collapse_whitespace(text: &str, limit: usize) -> String {
    let mut collapsed = String::with_capacity(text.len().min(limit.saturating_add(1)));
    for_each_run::<NotWhitespace>(text, |word| {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
        match collapsed.len() > limit {
            true => ControlFlow::Break(()),
            false => ControlFlow::Continue(()),
        }
    });
    collapsed
}

/// How many words `text` holds: the runs `split_whitespace` finds, counted
/// without making them.
pub fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut last_in_word = false;
    for (_, mask) in block_masks::<NotWhitespace>(text) {
        // A word starts at each set bit whose byte before is clear.
        let starts = mask & !((mask << 1) | u64::from(last_in_word));
        words += starts.count_ones() as usize;
        last_in_word = mask >> (BLOCK - 1) == 1;
    }
    words
}

/// The characters runs of text are made of, for [`for_each_run`].
pub trait CharClass {
    /// Whether an ASCII byte is in the class. Tested for every byte of
    /// ASCII text without branching, so it should be plain comparisons.
    fn has_ascii(byte: u8) -> bool;
    /// Whether any other character is in the class.
    fn has(c: char) -> bool;
}

/// Letters and digits, as `char::is_alphanumeric`.
pub struct Alphanumeric;

impl CharClass for Alphanumeric {
    fn has_ascii(byte: u8) -> bool {
        let is_letter = (byte | 0x20).wrapping_sub(b'a') < 26;
        let is_digit = byte.wrapping_sub(b'0') < 10;
        is_letter | is_digit
    }

    fn has(c: char) -> bool {
        c.is_alphanumeric()
    }
}

/// Everything `char::is_whitespace` is not: the words `split_whitespace` finds.
pub struct NotWhitespace;

impl CharClass for NotWhitespace {
    fn has_ascii(byte: u8) -> bool {
        // Space, and tab to carriage return (the vertical tab included).
        !((byte == b' ') | (byte.wrapping_sub(b'\t') < 5))
    }

    fn has(c: char) -> bool {
        !c.is_whitespace()
    }
}

/// Calls `each` with every run of characters of class `C` in `text`, in
/// order, until it breaks.
///
/// Where runs end falls every few bytes at random, so a loop that tests a
/// byte at a time mispredicts a branch at each end of each run. Instead,
/// each 64 bytes are classified at once into a mask, one bit a byte, and
/// the runs are read off the mask.
pub fn for_each_run<'t, C: CharClass>(
    text: &'t str,
    mut each: impl FnMut(&'t str) -> ControlFlow<()>,
) {
    let mut run_start: Option<usize> = None;
    for (base, mask) in block_masks::<C>(text) {
        // A short last block's mask is clear past its end, so a run there
        // is cut at `length`, and finishes after the loop.
        let length = (text.len() - base).min(BLOCK) as u32;
        let mut at = 0u32;
        loop {
            match run_start {
                None => {
                    let ahead = mask.checked_shr(at).unwrap_or(0);
                    if ahead == 0 {
                        break;
                    }
                    at += ahead.trailing_zeros();
                    run_start = Some(base + at as usize);
                }
                Some(start) => {
                    let ahead = (!mask).checked_shr(at).unwrap_or(0);
                    if ahead == 0 {
                        // The run goes on into the next block.
                        break;
                    }
                    at += ahead.trailing_zeros();
                    if at >= length {
                        break;
                    }
                    // Bits change only between characters, so `at` is on a boundary.
                    if each(&text[start..base + at as usize]).is_break() {
                        return;
                    }
                    run_start = None;
                }
            }
        }
    }
    if let Some(start) = run_start {
        let _ = each(&text[start..]);
    }
}

/// Bytes classified at once: one bit of a `u64` each.
const BLOCK: usize = 64;

/// Each 64-byte block of `text`: where it starts, and a mask with a bit set
/// for every byte of every character in class `C`. Only a block holding
/// non-ASCII bytes decodes its characters.
fn block_masks<C: CharClass>(text: &str) -> impl Iterator<Item = (usize, u64)> + '_ {
    // Whether the character a block ends inside of is in the class, for
    // the bytes of it that begin the next block.
    let mut straddler_in_class = false;
    let bytes = text.as_bytes();
    (0..bytes.len()).step_by(BLOCK).map(move |base| {
        let block = &bytes[base..(base + BLOCK).min(bytes.len())];
        let mask = match <&[u8; BLOCK]>::try_from(block) {
            Ok(full) if full.is_ascii() => ascii_mask::<C>(full),
            _ if block.is_ascii() => ascii_mask::<C>(block),
            _ => mixed_mask::<C>(text, base, block.len(), &mut straddler_in_class),
        };
        (base, mask)
    })
}

/// The mask of a block of ASCII. Inlined where it is called with a full
/// block, so the loop has a fixed length the compiler can vectorise.
#[inline(always)]
fn ascii_mask<C: CharClass>(block: &[u8]) -> u64 {
    let mut mask = 0;
    for (at, &byte) in block.iter().enumerate() {
        mask |= u64::from(C::has_ascii(byte)) << at;
    }
    mask
}

/// The mask of the `length` bytes of `text` from `base`, which hold
/// non-ASCII characters: every byte of a character in the class is set.
fn mixed_mask<C: CharClass>(
    text: &str,
    base: usize,
    length: usize,
    straddler_in_class: &mut bool,
) -> u64 {
    let bytes = &text.as_bytes()[base..base + length];
    let mut mask = 0;
    let mut at = 0;
    // The rest of a character begun in the block before.
    while at < length && bytes[at] & 0xC0 == 0x80 {
        mask |= u64::from(*straddler_in_class) << at;
        at += 1;
    }
    while at < length {
        let byte = bytes[at];
        if byte.is_ascii() {
            mask |= u64::from(C::has_ascii(byte)) << at;
            at += 1;
            continue;
        }
        let c = text[base + at..]
            .chars()
            .next()
            .expect("`at` moves by whole characters, so it is on a boundary before the end");
        let in_class = C::has(c);
        for part in at..(at + c.len_utf8()).min(length) {
            mask |= u64::from(in_class) << part;
        }
        *straddler_in_class = in_class;
        at += c.len_utf8();
    }
    mask
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

    /// Texts that put every kind of boundary at every place in a block:
    /// runs and gaps of many lengths, characters of one to four bytes, and
    /// spaces that are not ASCII, shifted by every offset.
    fn texts_across_blocks() -> Vec<String> {
        const MIXED: [&str; 15] = [
            "word",
            "Longerword42",
            " ",
            "  ",
            "\t\n",
            "é",
            "日本語",
            "\u{a0}",
            "\u{2003}",
            "—",
            "½",
            "🙂",
            "𝒜",
            "x",
            ", ",
        ];
        // Every ASCII byte next to a range the classes test for.
        const ASCII: [&str; 12] = [
            "word",
            "Z9",
            " ",
            "\t",
            "@[`{",
            "/:",
            "\x08\x0e\x1c",
            "\x0b\x0c\r",
            "az",
            "AZ",
            "0",
            "q",
        ];
        let mut state = 0x2545_f491_u64;
        let mut texts = Vec::new();
        for pieces in [&MIXED[..], &ASCII[..]] {
            for shift in 0..70 {
                let mut text = "a".repeat(shift);
                while text.len() < 400 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    text.push_str(pieces[(state % pieces.len() as u64) as usize]);
                }
                // Whole blocks too: the text may end just as one does.
                for length in [64, 128] {
                    let mut cut = length;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    texts.push(text[..cut].to_string());
                }
                texts.push(text);
            }
        }
        texts
    }

    #[test]
    fn the_ascii_tests_of_each_class_agree_with_char() {
        for byte in 0..128u8 {
            let c = char::from(byte);
            assert_eq!(Alphanumeric::has_ascii(byte), c.is_alphanumeric(), "{c:?}");
            assert_eq!(NotWhitespace::has_ascii(byte), !c.is_whitespace(), "{c:?}");
        }
    }

    fn runs<C: CharClass>(text: &str) -> Vec<&str> {
        let mut found = Vec::new();
        for_each_run::<C>(text, |run| {
            found.push(run);
            ControlFlow::Continue(())
        });
        found
    }

    #[test]
    fn runs_read_off_block_masks_are_the_runs_splitting_finds() {
        let long_run = format!("{} tail", "é".repeat(100));
        let texts = texts_across_blocks();
        let all = texts
            .iter()
            .map(String::as_str)
            .chain(TEXTS)
            .chain([long_run.as_str()]);
        for text in all {
            let words: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(runs::<Alphanumeric>(text), words, "{text:?}");
            let spaced: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(runs::<NotWhitespace>(text), spaced, "{text:?}");
            assert_eq!(count_words(text), spaced.len(), "{text:?}");
            for limit in [0, 10, 63, 64, 65, 200, usize::MAX] {
                assert_eq!(
                    collapse_whitespace(text, limit),
                    collapse_by_splitting(text, limit),
                    "{text:?} at {limit}"
                );
            }
        }
    }

    /// What collapsing is defined as, one `split_whitespace` word at a time.
    fn collapse_by_splitting(text: &str, limit: usize) -> String {
        let mut collapsed = String::new();
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
