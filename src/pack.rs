//! Text held compressed in memory while a build waits to use it. The one
//! wrapper around the codec (lz4, through `lz4_flex`), so it can be swapped
//! without touching its callers.
//!
//! lz4 is chosen for speed over size. On the benchmark site a page's HTML
//! packs to about 40% of its size at some 700 MB/s and unpacks at several
//! GB/s; zstd packed it to 28% but took 2.6 times as long to pack and 6
//! times as long to unpack (BENCHMARKS.md, "What each optimisation bought").

use std::fmt;

/// Text packed by [`PackedText::pack`]; [`PackedText::unpack`] gives it back.
#[derive(Clone, PartialEq, Eq)]
pub struct PackedText {
    /// The text's length, then its lz4 block.
    bytes: Box<[u8]>,
}

impl PackedText {
    /// `text`, packed.
    pub fn pack(text: &str) -> PackedText {
        let packed = lz4_flex::block::compress_prepend_size(text.as_bytes());
        // The codec reserves room for text that does not compress at all;
        // what is held until the render is only what was used.
        PackedText {
            bytes: packed.into_boxed_slice(),
        }
    }

    /// The text as it was packed.
    ///
    /// # Panics
    ///
    /// Never for a value made by [`PackedText::pack`]: the bytes are private
    /// and lz4 gives back exactly what it was given, which was UTF-8. (The
    /// decoder still checks its bounds, so bytes that were somehow damaged
    /// would panic rather than read or write out of bounds.)
    pub fn unpack(&self) -> String {
        let bytes = lz4_flex::block::decompress_size_prepended(&self.bytes)
            .expect("text packed by PackedText::pack unpacks");
        String::from_utf8(bytes).expect("text packed by PackedText::pack is UTF-8")
    }

    /// The length of the text, in bytes, without unpacking it.
    pub fn len(&self) -> usize {
        let (length, _) = lz4_flex::block::uncompressed_size(&self.bytes)
            .expect("text packed by PackedText::pack starts with its length");
        length
    }

    /// Whether the text is empty, without unpacking it.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the packed text takes in memory, in bytes.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }
}

impl fmt::Debug for PackedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PackedText({} bytes in {})",
            self.len(),
            self.packed_len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_unpacks_to_exactly_what_was_packed() {
        let html = "<h2 id=\"café\">Café — “quoted” 日本語</h2>\n<p>Peer support</p>\n".repeat(50);
        for text in ["", "x", "<p>one short paragraph</p>", html.as_str()] {
            let packed = PackedText::pack(text);
            assert_eq!(packed.unpack(), text);
            assert_eq!(packed.len(), text.len());
            assert_eq!(packed.is_empty(), text.is_empty());
        }
    }

    /// A page of the bundled site, in Markdown: prose with links and
    /// headings, like the HTML made from it, and nothing repeated on purpose.
    #[test]
    fn a_real_page_packs_smaller() {
        let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content/reflective-practice/balint-society.md");
        let text = std::fs::read_to_string(page).unwrap();
        let packed = PackedText::pack(&text);
        assert!(
            packed.packed_len() * 10 < text.len() * 9,
            "{} bytes packed to {}",
            text.len(),
            packed.packed_len()
        );
        assert_eq!(packed.unpack(), text);
    }
}
