//! A site kept in memory between saves: each change is applied
//! incrementally, and only a build without errors replaces what is served.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::site::{MemorySink, Site, SiteOptions, Timings};

use super::state::{Changes, Files};

/// What one rebuild did.
#[derive(Debug)]
pub struct Applied {
    pub pages: usize,
    pub sections: usize,
    /// Output files rendered again (the rest were unchanged).
    pub rendered: usize,
    pub changes: Changes,
    pub warnings: Diagnostics,
    pub timings: Timings,
    pub elapsed: Duration,
}

pub struct Session {
    options: SiteOptions,
    site: Site,
    /// The last good build.
    files: Files,
}

impl Session {
    /// Load and build the site. With errors, the session starts empty and
    /// the errors are returned beside it.
    pub fn start(
        options: &SiteOptions,
    ) -> Result<(Session, Result<Applied, Diagnostics>), Diagnostics> {
        let start = Instant::now();
        let site = Site::load(options)?;
        let mut session = Session {
            options: options.clone(),
            site,
            files: Files::new(),
        };
        let outcome = session.render(start);
        Ok((session, outcome))
    }

    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Apply changes to these paths and rebuild what depends on them.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Applied, Diagnostics> {
        let start = Instant::now();
        self.site.update(changed)?;
        self.render(start)
    }

    fn render(&mut self, start: Instant) -> Result<Applied, Diagnostics> {
        let sink = MemorySink::new();
        let rendering = self.site.render(&sink);
        if self.site.has_errors() {
            // Keep serving the last good build; the next render starts from it.
            return Err(self.site.findings());
        }
        let rendered = rendering.written.len();
        let changes = Changes {
            written: sink.into_files(),
            removed: rendering
                .removed
                .iter()
                .map(|path| path.as_str().to_string())
                .collect(),
        };
        for removed in &changes.removed {
            self.files.remove(removed);
        }
        self.files.extend(
            changes
                .written
                .iter()
                .map(|(path, bytes)| (path.clone(), bytes.clone())),
        );
        self.site.commit(rendering);
        Ok(Applied {
            pages: self.site.model.tree.pages.len(),
            sections: self.site.model.tree.sections.len(),
            rendered,
            changes,
            warnings: self
                .site
                .findings()
                .into_iter()
                .filter(|d| !d.is_error())
                .collect(),
            timings: self.site.timings.clone(),
            elapsed: start.elapsed(),
        })
    }

    /// Build the whole site from scratch and list every file that differs
    /// from what this session serves, and any difference in the findings:
    /// the check that incremental rebuilds are exactly full rebuilds.
    pub fn compare_with_full_build(&self) -> Vec<String> {
        let (fresh, fresh_findings) = match Session::start(&self.options) {
            Ok((session, Ok(_))) => (session.files, session.site.findings()),
            Ok((_, Err(found))) | Err(found) => {
                return vec![format!(
                    "a full build fails where the incremental one succeeded:\n{}",
                    crate::diagnostics::render_all(&found, crate::diagnostics::Palette::plain())
                )];
            }
        };
        let mut differences = Vec::new();
        let text = |found: &Diagnostics| {
            crate::diagnostics::render_all(found, crate::diagnostics::Palette::plain())
        };
        let (ours, full) = (text(&self.site.findings()), text(&fresh_findings));
        if ours != full {
            differences.push(format!(
                "the findings differ\n--- incremental\n{ours}\n--- full\n{full}"
            ));
        }
        for (path, bytes) in &fresh {
            match self.files.get(path) {
                None => differences.push(format!("{path}: missing from the incremental build")),
                Some(ours) if ours != bytes => differences.push(format!(
                    "{path}: differs\n--- incremental\n{}\n--- full\n{}",
                    first_difference(ours, bytes).0,
                    first_difference(ours, bytes).1
                )),
                Some(_) => {}
            }
        }
        for path in self.files.keys() {
            if !fresh.contains_key(path) {
                differences.push(format!("{path}: left over in the incremental build"));
            }
        }
        differences
    }
}

/// The lines around the first place two files differ.
fn first_difference(a: &[u8], b: &[u8]) -> (String, String) {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    let around = |text: &str| {
        text.lines()
            .skip(line.saturating_sub(2))
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    };
    (around(&a), around(&b))
}
