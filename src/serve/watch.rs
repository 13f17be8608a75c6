//! Watching the site's sources for changes: `site.yml`, `content/`,
//! `templates/`, `static/` and `themes/`, never the output folder, and never
//! the swap, backup and lock files editors leave behind.
//!
//! Events are gathered until the files go quiet, so an editor's atomic save
//! (write a temporary file, rename it over the old one) or a burst of hundreds
//! of saves becomes one rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::config::CONFIG_FILE;
use crate::content::ignore::is_ignored_name;

/// The folders under the site root whose changes matter.
pub const WATCHED_FOLDERS: [&str; 4] = ["content", "templates", "static", "themes"];
/// How long the files must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(8);
/// The longest a steady stream of changes can hold a rebuild back.
const MOST_WAIT: Duration = Duration::from_millis(250);

pub struct SourceWatcher {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    output: PathBuf,
    watched: BTreeSet<PathBuf>,
}

impl SourceWatcher {
    pub fn start(root: &Path, output: &Path) -> notify::Result<SourceWatcher> {
        let (sender, events) = channel();
        let mut watcher = notify::recommended_watcher(sender)?;
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        // The root itself, to see site.yml and folders being created.
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        let mut watching = SourceWatcher {
            watcher,
            events,
            output: absolute(&root, output),
            root,
            watched: BTreeSet::new(),
        };
        watching.watch_folders();
        Ok(watching)
    }

    /// Watch any source folder that exists but is not watched yet (new, or deleted and made again).
    fn watch_folders(&mut self) {
        for name in WATCHED_FOLDERS {
            let folder = self.root.join(name);
            let exists = folder.is_dir();
            if exists && !self.watched.contains(&folder) {
                if self
                    .watcher
                    .watch(&folder, RecursiveMode::Recursive)
                    .is_ok()
                {
                    self.watched.insert(folder);
                }
            } else if !exists {
                self.watched.remove(&folder);
            }
        }
    }

    /// Wait for the next relevant change, then for quiet; the changed paths,
    /// or `None` when watching has stopped.
    pub fn next_batch(&mut self) -> Option<BTreeSet<PathBuf>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            let event = self.events.recv().ok()?;
            self.take(event, &mut changed);
        }
        let started = Instant::now();
        loop {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.take(event, &mut changed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if started.elapsed() > MOST_WAIT {
                break;
            }
        }
        self.watch_folders();
        Some(changed)
    }

    fn take(&self, event: notify::Result<notify::Event>, changed: &mut BTreeSet<PathBuf>) {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in event.paths {
            if is_relevant(&path, &self.root, &self.output) {
                changed.insert(path);
            }
        }
    }
}

/// Whether a change at `path` can affect the built site.
pub fn is_relevant(path: &Path, root: &Path, output: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let mut components = relative.components();
    let first = match components.next() {
        Some(Component::Normal(first)) => first.to_string_lossy(),
        _ => return false,
    };
    let top_level = first == CONFIG_FILE || WATCHED_FOLDERS.contains(&first.as_ref());
    top_level
        && relative.components().all(
            |c| !matches!(c, Component::Normal(name) if is_ignored_name(&name.to_string_lossy())),
        )
}

fn absolute(root: &Path, output: &Path) -> PathBuf {
    let joined = root.join(output);
    joined.canonicalize().unwrap_or(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_are_relevant() {
        let root = Path::new("/site");
        let output = Path::new("/site/public");
        for yes in [
            "/site/site.yml",
            "/site/content/a.md",
            "/site/content/sub",
            "/site/themes/t/static/x.css",
            "/site/templates/page.html",
        ] {
            assert!(is_relevant(Path::new(yes), root, output), "{yes}");
        }
        for no in [
            "/site/public/index.html",
            "/site/README.md",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/.#a.md",
            "/site/content/4913",
            "/site/content/a.md___jb_tmp___",
            "/site/content/.git/x",
            "/elsewhere/content/a.md",
            "/site/.site.yml.swp",
        ] {
            assert!(!is_relevant(Path::new(no), root, output), "{no}");
        }
    }
}
