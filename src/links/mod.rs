//! Internal links: resolving what an editor wrote (`../research/review.md#themes`,
//! `@/research/review.md`, `/research/review/`) to the target's URL, and then
//! checking every link and anchor against what the build really produced.

mod check;

use std::borrow::Cow;

use crate::config::BaseUrl;
use crate::content::{ContentRef, ContentTree};
use crate::diagnostics::Code;

pub use check::{BuiltSite, LinkRecord, LinkSource, check_links, lands_on_any};

/// Where a rewritten link points, to be checked once the site is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Site path of the target (`/research/review/`); `None` for the same page.
    pub site_path: Option<String>,
    pub fragment: Option<String>,
}

/// What to do with one link destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// An external or special link: leave it exactly as written.
    Unchanged,
    /// An internal link: write `href` instead, and check `target` later.
    Internal { href: String, target: Target },
    /// A link that cannot work, already known while rendering.
    Broken {
        code: Code,
        message: String,
        hint: Option<String>,
    },
}

/// Resolves links written in one content file.
pub struct Resolver<'a> {
    tree: &'a ContentTree,
    base_url: &'a BaseUrl,
    /// The folder of the linking file inside `content/` ("" for the top).
    folder: String,
}

impl<'a> Resolver<'a> {
    pub fn new(tree: &'a ContentTree, base_url: &'a BaseUrl, content_path: &str) -> Self {
        let folder = content_path
            .rfind('/')
            .map_or("", |i| &content_path[..i])
            .to_string();
        Resolver {
            tree,
            base_url,
            folder,
        }
    }

    pub fn resolve(&self, dest: &str) -> Resolution {
        if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return Resolution::Unchanged;
        }
        let (path, fragment) = split_fragment(dest);
        let (path, query) = match path.find('?') {
            Some(i) => (&path[..i], &path[i..]),
            None => (path, ""),
        };
        let fragment = fragment.map(|f| percent_decode(f).into_owned());
        if path.is_empty() {
            return match fragment {
                Some(_) => Resolution::Internal {
                    href: dest.to_string(),
                    target: Target {
                        site_path: None,
                        fragment,
                    },
                },
                // A bare `?query` link stays on the page as written.
                None => Resolution::Unchanged,
            };
        }
        if let Some(content_path) = path.strip_prefix("@/") {
            return self.to_content(&percent_decode(content_path), query, fragment);
        }
        if path.starts_with('/') {
            let decoded = percent_decode(path);
            if decoded.ends_with(".md") {
                return self.to_content(decoded.trim_start_matches('/'), query, fragment);
            }
            if decoded.contains("/../") || decoded.ends_with("/..") {
                return broken_outside();
            }
            let href = format!(
                "{}{}{}",
                self.base_url.url(&decoded),
                query,
                hash(&fragment)
            );
            return Resolution::Internal {
                href,
                target: Target {
                    site_path: Some(decoded.into_owned()),
                    fragment,
                },
            };
        }
        match normalise(&self.folder, &percent_decode(path)) {
            Some(content_path) => self.to_content(&content_path, query, fragment),
            None => broken_outside(),
        }
    }

    fn to_content(&self, content_path: &str, query: &str, fragment: Option<String>) -> Resolution {
        let trimmed = content_path.trim_end_matches('/');
        let candidates = [
            trimmed.to_string(),
            format!("{trimmed}/_index.md"),
            format!("{trimmed}/index.md"),
            format!("{trimmed}.md"),
        ];
        let candidates: &[String] = if trimmed.is_empty() {
            &candidates[1..2]
        } else if content_path.ends_with('/') {
            &candidates[1..3]
        } else {
            &candidates
        };
        let found = candidates
            .iter()
            .find_map(|c| self.tree.lookup(c).map(|r| (c, r)));
        let url = match found {
            Some((_, ContentRef::Page(id))) => self.tree.page(id).url.clone(),
            Some((_, ContentRef::Section(id))) => self.tree.section(id).url.clone(),
            Some((_, ContentRef::Asset(index))) => self.tree.assets[index].url.clone(),
            Some((path, ContentRef::Draft)) => {
                return Resolution::Broken {
                    code: Code::BrokenLink,
                    message: format!("this links to content/{path}, which is a draft and is left out of this build"),
                    hint: Some("publish that page (remove `draft: true`), build with --drafts, or remove the link".into()),
                };
            }
            // Already reported where it failed; do not report it again here.
            Some((_, ContentRef::Broken)) => return Resolution::Unchanged,
            None => {
                return Resolution::Broken {
                    code: Code::BrokenLink,
                    message: format!("this links to content/{trimmed}, which does not exist"),
                    hint: Some(self.suggest(trimmed)),
                };
            }
        };
        Resolution::Internal {
            href: format!("{}{}{}", self.base_url.url(&url), query, hash(&fragment)),
            target: Target {
                site_path: Some(url),
                fragment,
            },
        }
    }

    fn suggest(&self, missing: &str) -> String {
        let name = missing.rsplit('/').next().unwrap_or(missing);
        let candidates: Vec<&str> = self
            .tree
            .pages
            .iter()
            .map(|p| p.file.content_path.as_str())
            .chain(
                self.tree
                    .sections
                    .iter()
                    .map(|s| s.file.content_path.as_str()),
            )
            .collect();
        let by_name = candidates
            .iter()
            .copied()
            .filter(|c| c.rsplit('/').next() == Some(name))
            .min_by_key(|c| c.len());
        match by_name.or_else(|| crate::diagnostics::closest(missing, candidates.iter().copied())) {
            Some(found) => format!(
                "did you mean content/{found}? Relative links start from the folder of the file they are in"
            ),
            None => "check the path: relative links start from the folder of the file they are in"
                .into(),
        }
    }
}

fn broken_outside() -> Resolution {
    Resolution::Broken {
        code: Code::BrokenLink,
        message: "this link goes outside the content folder".into(),
        hint: Some("link to pages inside content/, or use a full https:// address".into()),
    }
}

fn hash(fragment: &Option<String>) -> String {
    fragment
        .as_ref()
        .map_or_else(String::new, |f| format!("#{}", encode_fragment(f)))
}

fn encode_fragment(fragment: &str) -> Cow<'_, str> {
    if fragment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.:~".contains(&b))
    {
        return Cow::Borrowed(fragment);
    }
    let mut out = String::with_capacity(fragment.len());
    for b in fragment.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.:~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// `https:`, `mailto:`, `tel:` and the like.
fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
}

fn split_fragment(dest: &str) -> (&str, Option<&str>) {
    match dest.find('#') {
        Some(i) => (&dest[..i], Some(&dest[i + 1..])),
        None => (dest, None),
    }
}

pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Join a relative path onto a folder inside `content/`; `None` if it climbs out.
fn normalise(folder: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let mut joined = parts.join("/");
    if relative.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::content::LoadOptions;
    use std::fs;

    fn tree(base: &str) -> (tempfile::TempDir, ContentTree, Config) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("content/_index.md", "---\ntitle: Home\n---\n"),
            ("content/research/_index.md", "---\ntitle: Research\n---\n"),
            ("content/research/review.md", "---\ntitle: Review\n---\n"),
            ("content/research/My Figure.png", "x"),
            (
                "content/guide/interpreters.md",
                "---\ntitle: Interpreters\n---\n",
            ),
            (
                "content/guide/wip.md",
                "---\ntitle: WIP\ndraft: true\n---\n",
            ),
            ("content/study/index.md", "---\ntitle: Study\n---\n"),
        ] {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, text).unwrap();
        }
        let config = Config::parse(
            &format!("title: S\nbase_url: {base}\n"),
            &Overrides::default(),
        )
        .unwrap();
        let (tree, diags) = ContentTree::load(dir.path(), &config, &LoadOptions::default());
        assert!(diags.is_empty(), "{diags:?}");
        (dir, tree, config)
    }

    fn href(resolution: Resolution) -> String {
        match resolution {
            Resolution::Internal { href, .. } => href,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn three_ways_to_link_give_the_same_url() {
        let (_d, tree, config) = tree("https://e.org/sub/");
        let r = Resolver::new(&tree, &config.base_url, "guide/interpreters.md");
        assert_eq!(
            href(r.resolve("../research/review.md#themes")),
            "/sub/research/review/#themes"
        );
        assert_eq!(
            href(r.resolve("@/research/review.md#themes")),
            "/sub/research/review/#themes"
        );
        assert_eq!(
            href(r.resolve("/research/review/#themes")),
            "/sub/research/review/#themes"
        );
    }

    #[test]
    fn sections_bundles_assets_and_same_page_anchors() {
        let (_d, tree, config) = tree("https://e.org");
        let r = Resolver::new(&tree, &config.base_url, "research/review.md");
        assert_eq!(href(r.resolve("_index.md")), "/research/");
        assert_eq!(href(r.resolve("../research/")), "/research/");
        assert_eq!(href(r.resolve("../study/")), "/study/");
        assert_eq!(
            href(r.resolve("My%20Figure.png")),
            "/research/My%20Figure.png"
        );
        match r.resolve("#method") {
            Resolution::Internal { href, target } => {
                assert_eq!(href, "#method");
                assert_eq!(target.site_path, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn external_links_are_untouched() {
        let (_d, tree, config) = tree("https://e.org");
        let r = Resolver::new(&tree, &config.base_url, "a.md");
        for dest in [
            "https://balint.co.uk",
            "mailto:a@b.org",
            "tel:+441234",
            "//cdn.example/x",
            "",
        ] {
            assert_eq!(r.resolve(dest), Resolution::Unchanged, "{dest}");
        }
    }

    #[test]
    fn missing_draft_and_escaping_links_are_broken() {
        let (_d, tree, config) = tree("https://e.org");
        let r = Resolver::new(&tree, &config.base_url, "guide/interpreters.md");
        let Resolution::Broken { hint, .. } = r.resolve("review.md") else {
            panic!()
        };
        assert!(hint.unwrap().contains("content/research/review.md"));
        let Resolution::Broken { message, .. } = r.resolve("wip.md") else {
            panic!()
        };
        assert!(message.contains("draft"));
        assert!(matches!(
            r.resolve("../../../etc/passwd"),
            Resolution::Broken { .. }
        ));
        assert!(matches!(
            r.resolve("/a/../../etc/"),
            Resolution::Broken { .. }
        ));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%2F%zz%"), "a b/%zz%");
    }
}
