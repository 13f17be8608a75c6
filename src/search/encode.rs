//! The files of the search index, as browsers download them.
//!
//! - `search/index.json`: the version, page count, facet names and, for each
//!   chunk of terms, its first term and file name;
//! - `search/chunks/<name>.bin`: terms in order with their postings, binary
//!   (below), so a query downloads only the few chunks its words fall in;
//! - `search/pages/<n>.json`: what a result shows for page `n`;
//! - `search/facets.json`: the pages of each facet value, fetched only when a
//!   reader narrows results.
//!
//! A chunk is: one byte, the format version (1); a varint term count; then
//! per term a varint count of bytes shared with the previous term, a varint
//! length and the UTF-8 bytes of the rest, a varint posting count, and per
//! posting a varint page-number increase and one weight byte.

use serde::Serialize;

/// The chunk format this module writes and [`decode_chunk`] reads.
pub const CHUNK_VERSION: u8 = 1;

pub fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// One page a term occurs on: its page number and how strongly (title hits
/// weigh most).
pub type Posting = (u32, u8);

/// A term's postings, by page number.
pub type Postings = Vec<Posting>;

/// Encode terms (in order) with their postings (by page number).
pub fn encode_chunk<'a>(terms: impl ExactSizeIterator<Item = (&'a str, &'a [Posting])>) -> Vec<u8> {
    let mut out = vec![CHUNK_VERSION];
    push_varint(&mut out, terms.len() as u64);
    let mut previous: &[u8] = &[];
    for (term, postings) in terms {
        let bytes = term.as_bytes();
        let shared = previous
            .iter()
            .zip(bytes)
            .take_while(|(a, b)| a == b)
            .count();
        push_varint(&mut out, shared as u64);
        push_varint(&mut out, (bytes.len() - shared) as u64);
        out.extend_from_slice(&bytes[shared..]);
        push_varint(&mut out, postings.len() as u64);
        let mut last = 0u32;
        for (index, (page, weight)) in postings.iter().enumerate() {
            let step = if index == 0 { *page } else { page - last };
            push_varint(&mut out, u64::from(step));
            out.push(*weight);
            last = *page;
        }
        previous = bytes;
    }
    out
}

/// Decode a chunk; `None` if it is damaged. Used by tests and the benchmark,
/// and by the query model that mirrors the browser script.
pub fn decode_chunk(bytes: &[u8]) -> Option<Vec<(String, Postings)>> {
    if bytes.first() != Some(&CHUNK_VERSION) {
        return None;
    }
    let mut at = 1;
    let count = read_varint(bytes, &mut at)?;
    let mut terms = Vec::new();
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let shared = read_varint(bytes, &mut at)? as usize;
        let length = read_varint(bytes, &mut at)? as usize;
        let mut term = previous.get(..shared)?.to_vec();
        term.extend_from_slice(bytes.get(at..at + length)?);
        at += length;
        let postings_count = read_varint(bytes, &mut at)?;
        let mut postings = Vec::new();
        let mut page = 0u32;
        for index in 0..postings_count {
            let step = read_varint(bytes, &mut at)? as u32;
            page = if index == 0 { step } else { page + step };
            postings.push((page, *bytes.get(at)?));
            at += 1;
        }
        terms.push((String::from_utf8(term.clone()).ok()?, postings));
        previous = term;
    }
    Some(terms)
}

/// `search/index.json`.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Meta {
    pub version: u32,
    /// Changes whenever any index file does; scripts add it to every request
    /// so a browser never mixes files of two builds.
    pub v: String,
    pub pages: usize,
    /// Each chunk's first term and file name, in term order.
    pub chunks: Vec<(String, String)>,
    /// Facet names and titles, in the site's order.
    pub facets: Vec<(String, String)>,
}

/// `search/pages/<n>.json`: what one result shows.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Fragment<'a> {
    /// Address.
    pub u: &'a str,
    /// Title.
    pub t: &'a str,
    /// Section title.
    pub s: &'a str,
    /// Description.
    pub d: &'a str,
    /// The start of the page's text, for snippets.
    pub x: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_round_trip_with_shared_prefixes() {
        let terms: Vec<(&str, Postings)> = vec![
            ("supervis", vec![(0, 16), (7, 1), (300, 6)]),
            ("supervisor", vec![(2, 1)]),
            ("support", vec![]),
            ("zürich", vec![(1_000_000, 255)]),
        ];
        let bytes = encode_chunk(terms.iter().map(|(t, p)| (*t, p.as_slice())));
        let decoded = decode_chunk(&bytes).unwrap();
        let expected: Vec<(String, Postings)> =
            terms.into_iter().map(|(t, p)| (t.to_string(), p)).collect();
        assert_eq!(decoded, expected);
        assert!(
            decode_chunk(&bytes[..bytes.len() - 1]).is_none(),
            "truncated"
        );
        assert!(decode_chunk(&[9]).is_none(), "unknown version");
    }
}
