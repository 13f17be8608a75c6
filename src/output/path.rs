//! Output paths that cannot leave the output folder, whatever a slug, alias or
//! file name says.

use std::borrow::Borrow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A relative path inside the output folder, checked on construction:
/// no `..`, no absolute paths, no backslashes, no empty or dot segments.
/// Shared, because rebuilds carry every path of the site from one build to
/// the next.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutputPath(Arc<str>);

impl OutputPath {
    /// The file a site path is written to: `/a/b/` → `a/b/index.html`,
    /// `/feed.xml` → `feed.xml`.
    pub fn for_site_path(site_path: &str) -> Result<OutputPath, String> {
        let trimmed = site_path.trim_start_matches('/');
        if site_path.ends_with('/') || trimmed.is_empty() {
            OutputPath::new(&format!("{trimmed}index.html"))
        } else {
            OutputPath::new(trimmed)
        }
    }

    /// Check a relative path written with `/` separators.
    pub fn new(relative: &str) -> Result<OutputPath, String> {
        if relative.is_empty() {
            return Err("the path is empty".into());
        }
        if relative.contains('\\') || relative.contains('\0') {
            return Err(format!(
                "`{relative}` contains a backslash or NUL character"
            ));
        }
        if relative.starts_with('/') || (relative.len() > 1 && relative.as_bytes()[1] == b':') {
            return Err(format!("`{relative}` is an absolute path"));
        }
        for segment in relative.split('/') {
            match segment {
                "" => return Err(format!("`{relative}` has an empty segment")),
                "." | ".." => return Err(format!("`{relative}` contains `{segment}`")),
                _ => {}
            }
        }
        Ok(OutputPath(Arc::from(relative)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where this path is under `root`.
    pub fn under(&self, root: &Path) -> PathBuf {
        let mut path = root.to_path_buf();
        path.extend(self.0.split('/'));
        path
    }
}

/// The path's text, shared rather than copied.
impl From<OutputPath> for Arc<str> {
    fn from(path: OutputPath) -> Arc<str> {
        path.0
    }
}

/// Lets maps keyed by output path be looked up with a plain `&str`.
impl Borrow<str> for OutputPath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_map_to_files() {
        assert_eq!(
            OutputPath::for_site_path("/").unwrap().as_str(),
            "index.html"
        );
        assert_eq!(
            OutputPath::for_site_path("/a/b/").unwrap().as_str(),
            "a/b/index.html"
        );
        assert_eq!(
            OutputPath::for_site_path("/atom.xml").unwrap().as_str(),
            "atom.xml"
        );
    }

    #[test]
    fn nothing_escapes() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a\\..\\b",
            "a//b",
            "./a",
            "C:/x",
            "a/\0",
            "",
        ] {
            assert!(OutputPath::new(bad).is_err(), "{bad:?}");
        }
        assert!(OutputPath::for_site_path("/../../etc/").is_err());
        assert!(OutputPath::new("a/..b/c..d").is_ok());
    }
}
