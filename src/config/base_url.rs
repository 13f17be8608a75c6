//! The published address of the site, split into origin and path prefix so
//! links work whether the site lives at a domain's root or in a sub-folder.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseUrl {
    /// Scheme and host, e.g. `https://example.org`.
    origin: String,
    /// The path the site lives under, starting and ending with `/`.
    prefix: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| {
                format!("`{text}` is not a web address starting with https:// or http://")
            })?;
        if text.contains(['?', '#', ' ']) {
            return Err(format!("`{text}` must not contain spaces, `?` or `#`"));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() {
            return Err(format!("`{text}` has no host name"));
        }
        let scheme_len = text.len() - rest.len();
        let origin = format!("{}{}", &text[..scheme_len], host);
        let trimmed = path.trim_matches('/');
        let prefix = if trimmed.is_empty() {
            "/".to_string()
        } else {
            format!("/{trimmed}/")
        };
        Ok(BaseUrl { origin, prefix })
    }

    /// The full address as configured, always ending in `/`.
    pub fn as_str(&self) -> String {
        format!("{}{}", self.origin, self.prefix)
    }

    /// Root-relative URL of a site path: `/research/` → `/prefix/research/`.
    /// Characters that cannot appear in a URL path are percent-encoded.
    pub fn url(&self, site_path: &str) -> String {
        format!(
            "{}{}",
            self.prefix,
            encode_path(site_path.trim_start_matches('/'))
        )
    }

    /// Absolute URL of a site path.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{}", self.origin, self.url(site_path))
    }

    /// The path prefix, `/` for a site at the root of its domain.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// Percent-encode what may not stand in a URL path. Letters beyond ASCII stay
/// as they are: HTML allows them, and readers see them as written.
pub fn encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    let needs = |b: u8| b <= b' ' || b == 0x7f || b"\"#%<>?[\\]^`{|}".contains(&b);
    if !path.bytes().any(needs) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        if c.is_ascii() && needs(c as u8) {
            out.push_str(&format!("%{:02X}", c as u8));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded() {
        let url = BaseUrl::parse("https://e.org").unwrap();
        assert_eq!(url.url("/a b/100%/x#y.png"), "/a%20b/100%25/x%23y.png");
        assert_eq!(url.url("/café/"), "/café/");
    }

    #[test]
    fn root_site() {
        let url = BaseUrl::parse("https://example.org").unwrap();
        assert_eq!(url.url("/a/b/"), "/a/b/");
        assert_eq!(url.permalink("/"), "https://example.org/");
    }

    #[test]
    fn sub_folder_site() {
        let url = BaseUrl::parse("https://org.github.io/resources/").unwrap();
        assert_eq!(url.url("/a/"), "/resources/a/");
        assert_eq!(url.permalink("/a/"), "https://org.github.io/resources/a/");
        assert_eq!(url.as_str(), "https://org.github.io/resources/");
    }

    #[test]
    fn rejects_non_web_addresses() {
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https://").is_err());
        assert!(BaseUrl::parse("https://e.org/?q").is_err());
    }
}
