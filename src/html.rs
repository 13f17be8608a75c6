//! Escaping text for HTML and XML output.

/// Escape `&`, `<`, `>`, `"` and `'` so text is safe in element content and
/// in quoted attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// Collect the values of every `id` attribute in an HTML document.
///
/// Values are taken as written; text content cannot fake an attribute because
/// everything we render escapes `"` and `<` in text.
pub fn ids(html: &str) -> Vec<String> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    for start in memchr::memmem::find_iter(bytes, b"id=") {
        if start == 0 || !bytes[start - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(&quote) = bytes.get(start + 3) else {
            continue;
        };
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let value_start = start + 4;
        if let Some(len) = memchr::memchr(quote, &bytes[value_start..]) {
            found.push(unescape(&html[value_start..value_start + len]));
        }
    }
    found
}

/// Undo the escapes `escape` produces, plus numeric references.
pub fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|s| *s <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn finds_ids_but_not_lookalikes() {
        let html = r#"<main id="main"><h2 id='a&amp;b'>x</h2><p data-id="no">valid="x" id=</p><div  id="z"></div>"#;
        assert_eq!(ids(html), ["main", "a&b", "z"]);
    }

    #[test]
    fn unescape_round_trips() {
        assert_eq!(unescape(&escape("a<b>&\"c'")), "a<b>&\"c'");
        assert_eq!(unescape("&#x41;&#66;&bogus;&"), "AB&bogus;&");
    }
}
