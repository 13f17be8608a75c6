//! Files editors' tools leave beside real content (swap files, backups, lock
//! files), which are never content and never trigger a rebuild.

/// True for names that are hidden or belong to an editor rather than the site.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

#[cfg(test)]
mod tests {
    use super::is_ignored_name;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".page.md.swp",
            "page.md~",
            ".#page.md",
            "#page.md#",
            "4913",
            "page.md___jb_tmp___",
            ".DS_Store",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["page.md", "figure.png", "_index.md", "index.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
