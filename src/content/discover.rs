//! Walking `content/` and sorting what is there into sections, pages, page
//! bundles and assets, without ever leaving the site root.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};

use super::ignore::is_ignored_name;

/// What a file in `content/` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// `_index.md`: the folder is a section.
    SectionIndex,
    /// A `.md` file other than `_index.md` and `index.md`.
    Page,
    /// `index.md`: the folder is a page bundle.
    BundleIndex,
    /// Any other file, copied to the output as it is.
    Asset,
}

/// One file found under `content/`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path inside `content/`, with `/` separators: `research/review.md`.
    pub content_path: String,
    /// Path on disk.
    pub abs: PathBuf,
    pub kind: EntryKind,
}

/// The files of a content folder, and what went wrong reading it.
pub struct Discovery {
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walk `content_dir`. Symbolic links are followed only while they stay inside `site_root`.
pub fn discover(content_dir: &Path, site_root: &Path) -> Discovery {
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    let canonical_root = site_root
        .canonicalize()
        .unwrap_or_else(|_| site_root.to_path_buf());
    let display = |p: &Path| -> PathBuf { p.strip_prefix(site_root).unwrap_or(p).to_path_buf() };

    let mut bundles: HashSet<PathBuf> = HashSet::new();
    let mut walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();

    while let Some(next) = walker.next() {
        let entry = match next {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(&display)
                    .unwrap_or_else(|| PathBuf::from("content"));
                let diagnostic = if let Some(ancestor) = error.loop_ancestor() {
                    Diagnostic::error(
                        Code::Io,
                        format!(
                            "symbolic link loop: this folder links back to {}",
                            display(ancestor).display()
                        ),
                    )
                    .in_file(path)
                    .hint("remove or fix the link; content folders must not contain themselves")
                } else {
                    let message = error
                        .io_error()
                        .map_or_else(|| error.to_string(), |e| format!("cannot read: {e}"));
                    Diagnostic::error(Code::Io, message)
                        .in_file(path)
                        .hint("check that the file or folder exists and is readable")
                };
                diagnostics.push(diagnostic);
                continue;
            }
        };
        let path = entry.path();
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if is_ignored_name(&name) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() && !stays_inside(path, &canonical_root) {
            diagnostics.push(
                Diagnostic::warning(
                    Code::Skipped,
                    "skipped: this is a link to something outside the site folder",
                )
                .in_file(display(path))
                .hint(
                    "copy the file into the site instead; signposter never reads outside the site",
                ),
            );
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let relative = path.strip_prefix(content_dir).unwrap_or(path);
        let content_path = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");

        if entry.file_type().is_dir() {
            if path.join("index.md").is_file() && !inside_bundle(relative, &bundles) {
                if path.join("_index.md").is_file() {
                    diagnostics.push(
                        Diagnostic::error(Code::UrlCollision, "this folder has both `_index.md` (a section) and `index.md` (a page bundle)")
                            .in_file(display(path))
                            .hint("keep `_index.md` to make a section, or `index.md` to make a single page with its files"),
                    );
                }
                bundles.insert(relative.to_path_buf());
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }

        let in_bundle = inside_bundle(relative.parent().unwrap_or(Path::new("")), &bundles);
        let kind = if in_bundle {
            if name == "index.md" && bundles.contains(relative.parent().unwrap_or(Path::new(""))) {
                EntryKind::BundleIndex
            } else {
                EntryKind::Asset
            }
        } else if name == "_index.md" {
            EntryKind::SectionIndex
        } else if name.ends_with(".md") {
            EntryKind::Page
        } else {
            EntryKind::Asset
        };
        entries.push(Entry {
            content_path,
            abs: path.to_path_buf(),
            kind,
        });
    }
    Discovery {
        entries,
        diagnostics,
    }
}

/// Whether `dir` is a bundle folder or lies inside one.
fn inside_bundle(dir: &Path, bundles: &HashSet<PathBuf>) -> bool {
    dir.ancestors()
        .any(|a| !a.as_os_str().is_empty() && bundles.contains(a))
}

fn stays_inside(path: &Path, canonical_root: &Path) -> bool {
    path.canonicalize()
        .map(|target| target.starts_with(canonical_root))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, path: &str) {
        let full = root.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, "x").unwrap();
    }

    fn kinds(found: &Discovery) -> Vec<(String, EntryKind)> {
        found
            .entries
            .iter()
            .map(|e| (e.content_path.clone(), e.kind.clone()))
            .collect()
    }

    #[test]
    fn classifies_sections_pages_bundles_and_assets() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        for p in [
            "_index.md",
            "about.md",
            "research/_index.md",
            "research/review.md",
            "research/figure.png",
            "research/study/index.md",
            "research/study/chart.svg",
            "research/study/data/table.csv",
            "research/study/notes.md",
            "research/.hidden.md",
            "research/review.md~",
        ] {
            write(dir.path(), &format!("content/{p}"));
        }
        let found = discover(&content, dir.path());
        assert!(found.diagnostics.is_empty());
        use EntryKind::*;
        assert_eq!(
            kinds(&found),
            vec![
                ("_index.md".into(), SectionIndex),
                ("about.md".into(), Page),
                ("research/_index.md".into(), SectionIndex),
                ("research/figure.png".into(), Asset),
                ("research/review.md".into(), Page),
                ("research/study/chart.svg".into(), Asset),
                ("research/study/data/table.csv".into(), Asset),
                ("research/study/index.md".into(), BundleIndex),
                ("research/study/notes.md".into(), Asset),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_site_are_skipped_and_loops_reported() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.md");
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "content/a.md");
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            dir.path().join("content/leak.md"),
        )
        .unwrap();
        std::os::unix::fs::symlink(dir.path().join("content"), dir.path().join("content/loop"))
            .unwrap();
        let found = discover(&dir.path().join("content"), dir.path());
        let paths: Vec<_> = found
            .entries
            .iter()
            .map(|e| e.content_path.as_str())
            .collect();
        assert_eq!(paths, ["a.md"]);
        let codes: Vec<_> = found
            .diagnostics
            .iter()
            .map(|d| (d.code, d.severity))
            .collect();
        assert!(codes.contains(&(Code::Skipped, crate::diagnostics::Severity::Warning)));
        assert!(
            codes.contains(&(Code::Io, crate::diagnostics::Severity::Error)),
            "{:?}",
            found.diagnostics
        );
    }
}
