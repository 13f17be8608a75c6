//! What the dev server shares between the rebuild loop and its connections:
//! the last good site, the current build problems, and a channel of events
//! for open pages.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tokio::sync::{broadcast, watch};

/// The built site: file bytes by output path (`research/index.html`).
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// What one rebuild changed: the files it wrote and the files it removed.
#[derive(Debug, Default)]
pub struct Changes {
    pub written: Files,
    pub removed: Vec<String>,
}

/// What open pages are told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Event {
    /// These site paths changed; pages showing one of them reload.
    Reload { changed: Vec<String> },
    /// Only stylesheets changed; pages swap them without reloading.
    Css { changed: Vec<String> },
    /// The last rebuild failed: show these problems over the page.
    Errors { problems: Vec<String> },
    /// The problems are fixed: hide the overlay.
    Ok,
}

/// The state every connection reads.
pub struct Live {
    files: RwLock<Arc<Files>>,
    problems: RwLock<Vec<String>>,
    events: broadcast::Sender<Event>,
    /// Becomes true when the server stops, so event streams end and it can exit.
    stopping: watch::Sender<bool>,
}

impl Live {
    pub fn new(files: Files) -> Live {
        let (events, _) = broadcast::channel(64);
        let (stopping, _) = watch::channel(false);
        Live {
            files: RwLock::new(Arc::new(files)),
            problems: RwLock::new(Vec::new()),
            events,
            stopping,
        }
    }

    /// Tell every open event stream to end.
    pub fn stop(&self) {
        let _ = self.stopping.send(true);
    }

    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    pub fn files(&self) -> Arc<Files> {
        match self.files.read() {
            Ok(files) => files.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn problems(&self) -> Vec<String> {
        match self.problems.read() {
            Ok(problems) => problems.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// A good build: publish the new files and tell open pages what changed.
    pub fn publish(&self, files: Files) -> Vec<String> {
        let previous = self.files();
        let changed = changed_paths(&previous, &files);
        match self.files.write() {
            Ok(mut guard) => *guard = Arc::new(files),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(files),
        }
        self.announce(changed)
    }

    /// A good rebuild: apply what it changed to the served files, in place
    /// unless a request is reading them at this moment, and tell open pages.
    pub fn update(&self, changes: &Changes) -> Vec<String> {
        let mut changed = Vec::new();
        {
            let mut guard = match self.files.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            let files = Arc::make_mut(&mut guard);
            for (path, bytes) in &changes.written {
                match files.insert(path.clone(), bytes.clone()) {
                    Some(old) if old == *bytes => {}
                    _ => changed.push(site_path(path)),
                }
            }
            for path in &changes.removed {
                if files.remove(path).is_some() {
                    changed.push(site_path(path));
                }
            }
        }
        changed.sort();
        self.announce(changed)
    }

    fn announce(&self, changed: Vec<String>) -> Vec<String> {
        let had_problems = !self.problems().is_empty();
        self.set_problems(Vec::new());
        if had_problems {
            let _ = self.events.send(Event::Ok);
        }
        if !changed.is_empty() {
            let event = if changed.iter().all(|p| p.ends_with(".css")) {
                Event::Css {
                    changed: changed.clone(),
                }
            } else {
                Event::Reload {
                    changed: changed.clone(),
                }
            };
            let _ = self.events.send(event);
        }
        changed
    }

    /// A failed build: keep serving the last good site and show the problems.
    pub fn fail(&self, problems: Vec<String>) {
        self.set_problems(problems.clone());
        let _ = self.events.send(Event::Errors { problems });
    }

    fn set_problems(&self, problems: Vec<String>) {
        match self.problems.write() {
            Ok(mut guard) => *guard = problems,
            Err(poisoned) => *poisoned.into_inner() = problems,
        }
    }
}

/// Site paths (`/research/`, `/style.css`) of files added, removed or changed.
pub fn changed_paths(before: &Files, after: &Files) -> Vec<String> {
    let mut changed = Vec::new();
    for (path, bytes) in after {
        // Unchanged files are the very same allocation; compare bytes only otherwise.
        if before
            .get(path)
            .is_none_or(|old| !Arc::ptr_eq(old, bytes) && old != bytes)
        {
            changed.push(site_path(path));
        }
    }
    for path in before.keys() {
        if !after.contains_key(path) {
            changed.push(site_path(path));
        }
    }
    changed.sort();
    changed
}

/// `research/index.html` → `/research/`.
fn site_path(output_path: &str) -> String {
    match output_path.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{output_path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes())))
            .collect()
    }

    #[test]
    fn changes_are_reported_as_site_paths() {
        let before = files(&[
            ("index.html", "a"),
            ("x/index.html", "b"),
            ("style.css", "c"),
        ]);
        let after = files(&[
            ("index.html", "a"),
            ("style.css", "C"),
            ("y/index.html", "new"),
        ]);
        assert_eq!(changed_paths(&before, &after), ["/style.css", "/x/", "/y/"]);
    }

    #[test]
    fn css_only_changes_swap_stylesheets_and_fixes_clear_the_overlay() {
        let live = Live::new(files(&[("index.html", "a"), ("style.css", "c")]));
        let mut events = live.subscribe();
        live.publish(files(&[("index.html", "a"), ("style.css", "d")]));
        assert_eq!(
            events.try_recv().unwrap(),
            Event::Css {
                changed: vec!["/style.css".into()]
            }
        );
        live.fail(vec!["content/a.md:1:1: error: x".into()]);
        assert!(matches!(events.try_recv().unwrap(), Event::Errors { .. }));
        assert_eq!(
            live.files().get("style.css").unwrap().as_ref(),
            b"d",
            "the last good site stays"
        );
        live.publish(files(&[("index.html", "b"), ("style.css", "d")]));
        assert_eq!(events.try_recv().unwrap(), Event::Ok);
        assert_eq!(
            events.try_recv().unwrap(),
            Event::Reload {
                changed: vec!["/".into()]
            }
        );
    }

    #[test]
    fn updates_report_only_files_whose_bytes_changed() {
        let live = Live::new(files(&[
            ("index.html", "a"),
            ("x/index.html", "b"),
            ("style.css", "c"),
        ]));
        let held_by_a_request = live.files();
        let changes = Changes {
            written: files(&[("index.html", "a"), ("y/index.html", "new")]),
            removed: vec!["x/index.html".into(), "never-there.html".into()],
        };
        assert_eq!(live.update(&changes), ["/x/", "/y/"]);
        let now = live.files();
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            ["index.html", "style.css", "y/index.html"]
        );
        assert!(
            held_by_a_request.contains_key("x/index.html"),
            "a request in flight keeps the files it started with"
        );
    }
}
