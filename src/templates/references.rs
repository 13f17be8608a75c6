//! A light scan of template source for the filters, tests, functions and
//! templates it names, so an unknown one is reported at its line and column
//! with a suggestion. (Tera reports these only as pre-formatted text.)

/// What kind of name a reference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Function,
    Filter,
    Test,
    Template,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::Filter => "filter",
            Kind::Test => "test",
            Kind::Template => "template",
        }
    }
}

/// One name used by a template, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: Kind,
    pub name: String,
    /// Byte offset of the name in the template source.
    pub offset: usize,
}

/// Filters built into Tera 2.
pub const TERA_FILTERS: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
];
/// Tests built into Tera 2.
pub const TERA_TESTS: &[&str] = &[
    "string",
    "number",
    "map",
    "bool",
    "array",
    "integer",
    "float",
    "none",
    "defined",
    "undefined",
    "iterable",
    "odd",
    "even",
    "divisible_by",
    "starting_with",
    "ending_with",
    "containing",
];
/// Functions built into Tera 2.
pub const TERA_FUNCTIONS: &[&str] = &["range", "throw", "super"];

const KEYWORDS: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "in",
    "and",
    "or",
    "not",
    "is",
    "set",
    "set_global",
    "block",
    "endblock",
    "extends",
    "include",
    "filter",
    "endfilter",
    "component",
    "endcomponent",
    "raw",
    "endraw",
    "break",
    "continue",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Ident(&'a str, usize),
    Str(&'a str, usize),
    Punct(u8),
}

/// Every reference in `source`, in order.
pub fn scan(source: &str) -> Vec<Reference> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(pos) = memchr::memchr(b'{', &bytes[i..]) {
        let open = i + pos;
        let Some(&kind) = bytes.get(open + 1) else {
            break;
        };
        match kind {
            b'#' => {
                i = find(bytes, open + 2, b"#}").map_or(bytes.len(), |e| e + 2);
            }
            b'{' | b'%' => {
                let close: &[u8] = if kind == b'{' { b"}}" } else { b"%}" };
                let (tokens, end) = lex(source, open + 2, close);
                if kind == b'%' && is_raw(&tokens) {
                    i = find_endraw(source, end).unwrap_or(bytes.len());
                    continue;
                }
                collect(&tokens, &mut found);
                i = end;
            }
            _ => i = open + 1,
        }
    }
    found
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|p| from + p)
}

fn is_raw(tokens: &[Token<'_>]) -> bool {
    tokens
        .iter()
        .find(|t| !matches!(t, Token::Punct(b'-')))
        .is_some_and(|t| matches!(t, Token::Ident("raw", _)))
}

fn find_endraw(source: &str, from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(open) = find(source.as_bytes(), i, b"{%") {
        let (tokens, end) = lex(source, open + 2, b"%}");
        if tokens
            .iter()
            .any(|t| matches!(t, Token::Ident("endraw", _)))
        {
            return Some(end);
        }
        i = end;
    }
    None
}

/// Tokens from `start` up to the closing delimiter, and the offset after it.
fn lex<'a>(source: &'a str, start: usize, close: &[u8]) -> (Vec<Token<'a>>, usize) {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if bytes[i..].starts_with(close) {
            return (tokens, i + close.len());
        }
        if b == b'"' || b == b'\'' || b == b'`' {
            let end = memchr::memchr(b, &bytes[i + 1..]).map_or(bytes.len(), |p| i + 1 + p);
            tokens.push(Token::Str(&source[i + 1..end.min(bytes.len())], i + 1));
            i = end + 1;
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let len = bytes[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            tokens.push(Token::Ident(&source[i..i + len], i));
            i += len;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else {
            tokens.push(Token::Punct(b));
            i += 1;
        }
    }
    (tokens, bytes.len())
}

fn collect(tokens: &[Token<'_>], found: &mut Vec<Reference>) {
    let first = tokens.iter().find(|t| !matches!(t, Token::Punct(b'-')));
    for (index, token) in tokens.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| tokens[i]);
        let before_previous = index.checked_sub(2).map(|i| tokens[i]);
        let next = tokens.get(index + 1);
        match *token {
            Token::Ident(name, offset) => {
                let kind = if previous == Some(Token::Punct(b'|')) {
                    Some(Kind::Filter)
                } else if name == "not" && matches!(previous, Some(Token::Ident("is", _))) {
                    None
                } else if matches!(previous, Some(Token::Ident("is", _)))
                    || (matches!(previous, Some(Token::Ident("not", _)))
                        && matches!(before_previous, Some(Token::Ident("is", _))))
                {
                    Some(Kind::Test)
                } else if matches!(first, Some(Token::Ident("filter", _)))
                    && matches!(previous, Some(Token::Ident("filter", _)))
                {
                    Some(Kind::Filter)
                } else if next == Some(&Token::Punct(b'('))
                    && previous != Some(Token::Punct(b'.'))
                    && !KEYWORDS.contains(&name)
                {
                    Some(Kind::Function)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    found.push(Reference {
                        kind,
                        name: name.to_string(),
                        offset,
                    });
                }
            }
            Token::Str(name, offset) => {
                if matches!(previous, Some(Token::Ident("include" | "extends", _))) {
                    found.push(Reference {
                        kind: Kind::Template,
                        name: name.to_string(),
                        offset,
                    });
                }
            }
            Token::Punct(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Vec<(Kind, String)> {
        scan(source).into_iter().map(|r| (r.kind, r.name)).collect()
    }

    #[test]
    fn finds_each_kind_of_reference() {
        let source = "{% extends \"base.html\" %}{# {{ nope() }} #}{{ x | upper | date(format='%Y') }}\n{% if a is not defined and b is odd %}{{ url_for(path='/') }}{% endif %}{% include 'partials/nav.html' %}{{ obj.method(1) }}{% filter upper %}x{% endfilter %}";
        assert_eq!(
            names(source),
            vec![
                (Kind::Template, "base.html".into()),
                (Kind::Filter, "upper".into()),
                (Kind::Filter, "date".into()),
                (Kind::Test, "defined".into()),
                (Kind::Test, "odd".into()),
                (Kind::Function, "url_for".into()),
                (Kind::Template, "partials/nav.html".into()),
                (Kind::Filter, "upper".into()),
            ]
        );
    }

    #[test]
    fn skips_raw_blocks_strings_and_keywords() {
        let source = "{% raw %}{{ nope() }}{% endraw %}{{ '| fake' }}{% if (a) %}{% endif %}{%- for x in range(end=3) -%}{% endfor %}";
        assert_eq!(names(source), vec![(Kind::Function, "range".into())]);
    }

    #[test]
    fn offsets_point_at_the_name() {
        let source = "ab\n{{ x | bogus }}";
        let found = scan(source);
        assert_eq!(&source[found[0].offset..found[0].offset + 5], "bogus");
    }

    #[test]
    fn builtin_lists_match_tera() {
        // If Tera renames a built-in, this fails rather than our checks going stale.
        for filter in TERA_FILTERS {
            let mut tera = tera::Tera::new();
            tera.add_raw_template("t", &format!("{{{{ x | {filter} }}}}"))
                .unwrap_or_else(|e| panic!("{filter}: {e}"));
        }
        for test in TERA_TESTS {
            let mut tera = tera::Tera::new();
            tera.add_raw_template("t", &format!("{{{{ x is {test} }}}}"))
                .unwrap_or_else(|e| panic!("{test}: {e}"));
        }
        let mut tera = tera::Tera::new();
        assert!(
            tera.add_raw_template("t", "{{ x | no_such_filter }}")
                .is_err()
        );
    }
}
