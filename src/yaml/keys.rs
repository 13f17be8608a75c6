//! Where each key of a block-style YAML document sits, found by a light scan
//! of the text, so errors can point at a line and column.
//!
//! The parser does not report positions for values, so this scanner rebuilds
//! them. It understands block mappings, block sequences and block scalars,
//! which is what front matter and `site.yml` use. Keys it cannot place (such
//! as inside `{ inline: maps }`) fall back to their nearest placed parent.

use std::collections::HashMap;

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Where a key and its value start. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPosition {
    pub line: usize,
    pub key_column: usize,
    /// Width of the key as written, quotes included, in characters.
    pub key_width: usize,
    pub value_column: usize,
}

/// Positions of every key found in a document, by path.
#[derive(Debug, Clone, Default)]
pub struct KeyIndex {
    positions: HashMap<Vec<Segment>, KeyPosition>,
}

struct Frame {
    /// Column (from 0) of the key or `-`; -1 for the document root.
    indent: isize,
    path: Vec<Segment>,
    is_item: bool,
}

impl KeyIndex {
    pub fn get(&self, path: &[Segment]) -> Option<&KeyPosition> {
        self.positions.get(path)
    }

    pub fn scan(text: &str) -> KeyIndex {
        let mut positions = HashMap::new();
        let mut stack = vec![Frame {
            indent: -1,
            path: Vec::new(),
            is_item: false,
        }];
        let mut item_counts: HashMap<Vec<Segment>, usize> = HashMap::new();
        let mut block_scalar_parent: Option<usize> = None;

        for (index, raw) in text.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let indent = line.len() - line.trim_start_matches(' ').len();
            if let Some(parent) = block_scalar_parent {
                if line.trim().is_empty() || indent > parent {
                    continue;
                }
                block_scalar_parent = None;
            }
            let mut rest = &line[indent..];
            if rest.is_empty() || rest.starts_with('#') || line == "---" || line == "..." {
                continue;
            }
            let mut column = indent;

            while rest == "-" || rest.starts_with("- ") {
                while stack.last().is_some_and(|f| f.indent > column as isize) {
                    stack.pop();
                }
                if stack
                    .last()
                    .is_some_and(|f| f.indent == column as isize && f.is_item)
                {
                    stack.pop();
                }
                let parent = stack.last().map(|f| f.path.clone()).unwrap_or_default();
                let count = item_counts.entry(parent.clone()).or_insert(0);
                let mut path = parent;
                path.push(Segment::Index(*count));
                *count += 1;
                stack.push(Frame {
                    indent: column as isize,
                    path,
                    is_item: true,
                });
                let after = &rest[1..];
                let spaces = after.len() - after.trim_start_matches(' ').len();
                column += 1 + spaces;
                rest = &after[spaces..];
            }

            let Some(key) = parse_key(rest) else {
                continue;
            };
            while stack.last().is_some_and(|f| f.indent >= column as isize) {
                stack.pop();
            }
            let mut path = stack.last().map(|f| f.path.clone()).unwrap_or_default();
            path.push(Segment::Key(key.name));
            let after_colon = &rest[key.colon + 1..];
            let value_offset = key.colon + 1 + (after_colon.len() - after_colon.trim_start().len());
            let value_column = column + rest[..value_offset].chars().count() + 1;
            positions.entry(path.clone()).or_insert(KeyPosition {
                line: index + 1,
                key_column: column + 1,
                // In characters, for underlining.
                key_width: rest[..key.end].chars().count(),
                value_column,
            });
            let value = after_colon.trim();
            if value.starts_with('|') || value.starts_with('>') {
                block_scalar_parent = Some(column);
            }
            stack.push(Frame {
                indent: column as isize,
                path,
                is_item: false,
            });
        }
        KeyIndex { positions }
    }
}

/// A key at the start of `rest`: its name, where it ends as written (in
/// bytes, for slicing), and the byte index of its colon.
pub(crate) struct ParsedKey {
    pub name: String,
    pub end: usize,
    pub colon: usize,
}

pub(crate) fn parse_key(rest: &str) -> Option<ParsedKey> {
    let first = rest.chars().next()?;
    let (name, end) = match first {
        '"' | '\'' => {
            let mut escaped = false;
            let mut close = None;
            for (i, c) in rest.char_indices().skip(1) {
                if first == '"' && c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if c == first && !escaped {
                    close = Some(i);
                    break;
                }
                escaped = false;
            }
            let close = close?;
            (rest[1..close].to_string(), close + 1)
        }
        '[' | '{' | '!' | '&' | '*' | '|' | '>' | '%' | '@' | '`' | '#' | ',' | '?' => return None,
        _ => {
            let bytes = rest.as_bytes();
            let mut end = None;
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'#' && i > 0 && bytes[i - 1] == b' ' {
                    return None;
                }
                if b == b':'
                    && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t')
                {
                    end = Some(i);
                    break;
                }
            }
            let end = end?;
            (rest[..end].trim_end().to_string(), end)
        }
    };
    let after = &rest[end..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let colon = end + spaces;
    let is_key = rest[colon..].starts_with(':')
        && (rest.len() == colon + 1 || rest[colon + 1..].starts_with([' ', '\t']));
    is_key.then_some(ParsedKey { end, name, colon })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &[&str]) -> Vec<Segment> {
        path.iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => Segment::Index(i),
                Err(_) => Segment::Key((*s).to_string()),
            })
            .collect()
    }

    #[test]
    fn finds_top_level_and_nested_keys() {
        let index = KeyIndex::scan(
            "title: A\nmarkdown:\n  smart: true\n  theme: x\nlinks:\n  internal: warn\n",
        );
        assert_eq!(index.get(&key(&["title"])).unwrap().line, 1);
        let smart = index.get(&key(&["markdown", "smart"])).unwrap();
        assert_eq!(
            (smart.line, smart.key_column, smart.value_column),
            (3, 3, 10)
        );
        assert_eq!(index.get(&key(&["links", "internal"])).unwrap().line, 6);
    }

    #[test]
    fn handles_sequences_of_mappings_in_both_indent_styles() {
        let text = "taxonomies:\n- name: topics\n  paginate_by: 5\n- name: formats\nother:\n  - name: a\n    x: 1\n";
        let index = KeyIndex::scan(text);
        assert_eq!(
            index
                .get(&key(&["taxonomies", "0", "paginate_by"]))
                .unwrap()
                .line,
            3
        );
        assert_eq!(
            index.get(&key(&["taxonomies", "1", "name"])).unwrap().line,
            4
        );
        assert_eq!(index.get(&key(&["other", "0", "x"])).unwrap().line, 7);
        assert_eq!(index.get(&key(&["other"])).unwrap().line, 5);
    }

    #[test]
    fn skips_block_scalars_and_comments() {
        let text = "summary: |\n  not: a key\n  # nor this\n# comment: no\ntitle: \"Quoted: yes\"\n'odd key': 1\n";
        let index = KeyIndex::scan(text);
        assert!(index.get(&key(&["not"])).is_none());
        assert_eq!(index.get(&key(&["title"])).unwrap().line, 5);
        let odd = index.get(&key(&["odd key"])).unwrap();
        assert_eq!((odd.line, odd.key_width), (6, 9));
    }

    #[test]
    fn colons_inside_values_do_not_make_keys() {
        let index = KeyIndex::scan("url: https://example.org\n");
        let url = index.get(&key(&["url"])).unwrap();
        assert_eq!(url.value_column, 6);
    }
}
