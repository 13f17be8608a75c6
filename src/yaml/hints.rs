//! Fixes for the YAML mistakes editors make most, read off the source line
//! itself (never off the parser's message text).

use super::keys::parse_key;

/// A `[` or `{` that starts a flow collection and is still open at `error_line`.
pub struct UnclosedBracket {
    pub line: usize,
    pub column: usize,
    pub open: char,
    pub close: char,
}

pub fn unclosed_bracket(text: &str, error_line: usize) -> Option<UnclosedBracket> {
    // (line, column, bracket) of each open bracket of the current flow collection.
    let mut open: Vec<(usize, usize, char)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        if line_no > error_line {
            break;
        }
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let start = if open.is_empty() {
            match value_start(line) {
                Some(start) if line[start..].starts_with(['[', '{']) => start,
                _ => continue,
            }
        } else {
            0
        };
        let mut quote: Option<char> = None;
        for (offset, c) in line[start..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') if offset > 0 && line[start..][..offset].ends_with(' ') => break,
                (None, '[' | '{') => {
                    let column = line[..start + offset].chars().count() + 1;
                    open.push((line_no, column, c));
                }
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    let (line, column, open) = *open.first()?;
    let close = if open == '[' { ']' } else { '}' };
    Some(UnclosedBracket {
        line,
        column,
        open,
        close,
    })
}

/// Byte offset where the value of a `key: value` or `- value` line starts.
fn value_start(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    if let Some(item) = rest.strip_prefix("- ") {
        let inner = indent + 2 + (item.len() - item.trim_start().len());
        return value_start_of_key(line, inner).or(Some(inner));
    }
    value_start_of_key(line, indent)
}

fn value_start_of_key(line: &str, from: usize) -> Option<usize> {
    let key = parse_key(&line[from..])?;
    let after = from + key.colon + 1;
    let spaces = line[after..].len() - line[after..].trim_start().len();
    Some(after + spaces)
}

/// A fix for the line the parser stopped on, if it shows a known mistake.
pub fn for_line(line: &str) -> Option<String> {
    let indent = &line[..line.len() - line.trim_start().len()];
    if indent.contains('\t') {
        return Some(
            "YAML does not allow tab characters for indentation: indent with spaces instead".into(),
        );
    }
    let trimmed = line.trim_start();
    let key = parse_key(trimmed)?;
    let value = trimmed[key.colon + 1..].trim();
    if value.is_empty() || value.starts_with(['"', '\'', '[', '{', '|', '>']) {
        return None;
    }
    let quoted = format!(
        "{}: \"{}\"",
        &trimmed[..key.end],
        value.replace('\\', "\\\\").replace('"', "\\\"")
    );
    if value.contains(": ") || value.ends_with(':') {
        return Some(format!(
            "a value that contains `: ` must be in quotes: `{quoted}`"
        ));
    }
    if let Some(first) = value.chars().next().filter(|c| "@`%!&*".contains(*c)) {
        return Some(format!(
            "a value that starts with `{first}` must be in quotes: `{quoted}`"
        ));
    }
    if value.contains('\t') {
        return Some("replace the tab character in this value with spaces".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzz_crash_non_ascii_key_with_a_colon_in_its_value() {
        // Found by the front_matter fuzz target: the key's width in
        // characters was used as a byte index, so a key holding a
        // multi-byte character (here an invisible U+FEFF) panicked.
        assert_eq!(
            for_line("t\u{feff}e: A: b").unwrap(),
            "a value that contains `: ` must be in quotes: `t\u{feff}e: \"A: b\"`"
        );
        assert!(
            for_line("thème: Soins: santé")
                .unwrap()
                .contains("`thème: \"Soins: santé\"`")
        );
    }

    #[test]
    fn suggests_quoting_a_value_with_a_colon() {
        assert_eq!(
            for_line("title: Witness to Witness: peer support").unwrap(),
            "a value that contains `: ` must be in quotes: `title: \"Witness to Witness: peer support\"`"
        );
    }

    #[test]
    fn suggests_quoting_a_value_starting_with_a_reserved_character() {
        assert!(
            for_line("title: @home")
                .unwrap()
                .contains("`title: \"@home\"`")
        );
    }

    #[test]
    fn balanced_and_plain_brackets_are_fine() {
        assert!(unclosed_bracket("topics: [a, b]\ntitle: x [draft\n", 2).is_none());
        assert!(unclosed_bracket("topics: [a,\n  b]\n", 2).is_none());
    }

    #[test]
    fn finds_the_opening_bracket() {
        let found = unclosed_bracket("title: x\n- [a, \"b]\"\nz: 1\n", 3).unwrap();
        assert_eq!((found.line, found.column, found.close), (2, 3, ']'));
    }
}
