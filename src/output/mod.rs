//! Writing the site safely: into a staging folder beside the output folder,
//! swapped into place only when the whole build has succeeded.
//!
//! The promises this module keeps:
//! - a failed or killed build leaves the previous output exactly as it was;
//! - it never deletes a file it did not write: files an editor put in the
//!   output folder (a `CNAME`, a `.git` folder) are carried into each new build;
//! - it refuses output folders that would overwrite the site's own sources;
//! - nothing is written outside the output folder (see [`OutputPath`]).

mod path;
mod stamp;

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::diagnostics::{Code, Diagnostic};

pub use path::OutputPath;
use stamp::Listing;
pub use stamp::{STAMP, Stamp, inputs_fingerprint};

/// Lists every file signposter wrote, so the next build knows which are its own.
pub const MANIFEST: &str = ".signposter-manifest";
const MANIFEST_HEADER: &str =
    "# Files written by signposter. Files not listed here are never removed.";
/// Marks a staging folder as signposter's, with the process that owns it.
const STAGING_MARKER: &str = ".signposter-staging";

/// An output folder being written.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    leftover: PathBuf,
    /// How the output folder is named in messages.
    display: PathBuf,
    /// Folders made to hold the staging folder, innermost first; a build
    /// that fails removes them again (if still empty).
    made_parents: Vec<PathBuf>,
    /// Everything put in the staging folder, so the stamp can fingerprint
    /// it without reading it all back.
    listing: Mutex<Listing>,
    committed: bool,
}

/// What a commit did, for the build summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CommitReport {
    /// Files found in the output folder that signposter did not write, kept.
    pub kept: usize,
}

impl OutputDir {
    /// Check `output` is safe to write and set up a fresh staging folder.
    pub fn open(site_root: &Path, output: &Path, force: bool) -> Result<OutputDir, Diagnostic> {
        let display = output.to_path_buf();
        let target = absolute(&site_root.join(output));
        check_location(site_root, &target, &display)?;
        let refuse = |message: String, hint: &str| {
            Err(Diagnostic::error(Code::OutputRefused, message)
                .in_file(&display)
                .hint(hint.to_string()))
        };
        match fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return refuse(
                    format!("the output folder {} is a symbolic link", display.display()),
                    "point --output at a real folder",
                );
            }
            Ok(meta) if !meta.is_dir() => {
                return refuse(
                    format!("{} exists and is not a folder", display.display()),
                    "choose another --output",
                );
            }
            Ok(_) => {
                let has_manifest = target.join(MANIFEST).is_file();
                let empty = fs::read_dir(&target)
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(false);
                if !has_manifest && !empty && !force {
                    return refuse(
                        format!(
                            "{} is not empty and was not made by signposter",
                            display.display()
                        ),
                        "choose an empty or new folder, or pass --force to build into it; files already there are kept",
                    );
                }
            }
            Err(_) => {}
        }
        let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let made_parents: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|folder| !folder.exists())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(&parent)
            .map_err(|e| io_error(&format!("cannot create {}", parent.display()), &e))?;
        let staging = parent.join(format!(".{name}.staging"));
        let leftover = parent.join(format!(".{name}.old"));
        if let Err(refused) = clean_leftover(&leftover).and_then(|()| claim_staging(&staging)) {
            remove_empty_folders(&made_parents);
            return Err(refused);
        }
        Ok(OutputDir {
            target,
            staging,
            leftover,
            display,
            made_parents,
            listing: Mutex::default(),
            committed: false,
        })
    }

    /// The staging folder, for tests and diagnostics.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Write a file into the staging folder.
    pub fn write(&self, path: &OutputPath, bytes: &[u8]) -> Result<(), Diagnostic> {
        let full = path.under(&self.staging);
        // Its folder is made only when the file cannot be: most files share
        // a folder that is there already (every search result fragment is
        // in one), and asking to make it again costs two system calls.
        let written = match write_file(&full, bytes) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                self.ensure_parent(&full, path)?;
                write_file(&full, bytes)
            }
            written => written,
        }
        .map_err(|e| self.write_error(path, &e))?;
        self.list(|listing| listing.file(path.clone(), &written));
        Ok(())
    }

    /// Copy a source file into the staging folder.
    pub fn copy(&self, path: &OutputPath, from: &Path) -> Result<(), Diagnostic> {
        let full = path.under(&self.staging);
        self.ensure_parent(&full, path)?;
        let copied = fs::copy(from, &full)
            .and_then(|_| fs::symlink_metadata(&full))
            .map_err(|e| self.write_error(path, &e))?;
        self.list(|listing| listing.file(path.clone(), &copied));
        Ok(())
    }

    /// Add to the listing of the staging folder. A listing poisoned by a
    /// panic elsewhere is still right, since nothing ever half-records.
    fn list(&self, record: impl FnOnce(&mut Listing)) {
        record(&mut self.listing.lock().unwrap_or_else(PoisonError::into_inner));
    }

    fn ensure_parent(&self, full: &Path, path: &OutputPath) -> Result<(), Diagnostic> {
        match full.parent() {
            Some(parent) => fs::create_dir_all(parent).map_err(|e| self.write_error(path, &e)),
            None => Ok(()),
        }
    }

    fn write_error(&self, path: &OutputPath, error: &io::Error) -> Diagnostic {
        Diagnostic::error(Code::Io, format!("cannot write {}/{path}: {error}", self.display.display()))
            .hint("check there is free space and the output folder's parent is writable; the previous site is untouched")
    }

    /// Move the new site into place: keep the editor's own files, record what
    /// was written (and, with a `stamp`, what it was made from), then swap the
    /// staging folder with the output folder.
    pub fn commit(
        mut self,
        written: &[OutputPath],
        stamp: Option<Stamp>,
    ) -> Result<CommitReport, Vec<Diagnostic>> {
        let written_set: HashSet<&str> = written.iter().map(OutputPath::as_str).collect();
        let mut report = CommitReport::default();
        if self.target.is_dir() {
            report.kept = self.carry_over_editor_files(&written_set)?;
        }
        let mut listing: Vec<&str> = written_set.iter().copied().collect();
        listing.sort_unstable();
        let mut manifest = String::with_capacity(listing.len() * 32);
        manifest.push_str(MANIFEST_HEADER);
        manifest.push('\n');
        for path in listing {
            manifest.push_str(path);
            manifest.push('\n');
        }
        let manifest = write_file(&self.staging.join(MANIFEST), manifest.as_bytes())
            .map_err(|e| vec![io_error("cannot write the output manifest", &e)])?;
        self.list(|listing| listing.file(MANIFEST, &manifest));
        let _ = fs::remove_file(self.staging.join(STAGING_MARKER));
        if let Some(stamp) = stamp {
            let listing = self
                .listing
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            stamp
                .write_into(&self.staging, Some(listing))
                .map_err(|e| vec![io_error("cannot write the build stamp", &e)])?;
        }

        if self.target.exists() {
            swap(&self.staging, &self.target).map_err(|e| {
                vec![io_error(
                    &format!("cannot move the new site into {}", self.display.display()),
                    &e,
                )]
            })?;
            // The staging path now holds the previous site. Name it as a leftover
            // first, so a build killed while deleting it can still clean it up.
            fs::rename(&self.staging, &self.leftover)
                .map_err(|e| vec![io_error("cannot set aside the previous site", &e)])?;
            fs::remove_dir_all(&self.leftover)
                .map_err(|e| vec![io_error("cannot remove the previous site's files", &e)])?;
        } else {
            fs::rename(&self.staging, &self.target).map_err(|e| {
                vec![io_error(
                    &format!("cannot move the new site into {}", self.display.display()),
                    &e,
                )]
            })?;
        }
        self.committed = true;
        Ok(report)
    }

    /// Hard-link every file of the current output that signposter did not
    /// write into the staging folder, so the swap keeps it.
    fn carry_over_editor_files(&self, written: &HashSet<&str>) -> Result<usize, Vec<Diagnostic>> {
        let ours = read_manifest(&self.target);
        let mut conflicts = Vec::new();
        let mut kept = 0;
        let written_dirs: HashSet<&str> = written
            .iter()
            .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
            .collect();
        for entry in walkdir::WalkDir::new(&self.target)
            .follow_links(false)
            .min_depth(1)
        {
            let entry = entry.map_err(|e| {
                vec![io_error(
                    "cannot read the output folder",
                    &io::Error::other(e.to_string()),
                )]
            })?;
            // The exact name, for the file system; the name with `/`, for
            // comparing with what signposter writes and for messages. Every
            // name signposter writes is UTF-8, so one that is not is the
            // editor's, and is kept exactly as it is named.
            let exact = entry
                .path()
                .strip_prefix(&self.target)
                .unwrap_or(entry.path());
            let (relative, exact_start) = slash_path(exact);
            let is_utf8 = exact_start == relative.len();
            if !is_utf8 {
                // What the listing holds of this entry is not its name, so the
                // stamp is made by a walk instead.
                self.list(Listing::cannot_name);
            }
            // signposter's own bookkeeping is never an editor's file.
            let bookkeeping = [MANIFEST, STAMP, STAGING_MARKER].contains(&relative.as_str());
            if is_utf8 && (bookkeeping || ours.contains(&relative)) {
                continue;
            }
            let is_ours =
                |path: &str| is_utf8 && (written.contains(path) || written_dirs.contains(path));
            let file_type = entry.file_type();
            if file_type.is_dir() {
                // Folders of ours are rebuilt from what is written; only an editor's
                // empty folder needs keeping explicitly.
                if !is_ours(&relative) && is_empty_dir(entry.path()) {
                    fs::create_dir_all(self.staging.join(exact))
                        .map_err(|e| vec![io_error("cannot keep a folder from the output", &e)])?;
                    self.list(|listing| listing.folder(relative.as_str()));
                    kept += 1;
                }
                continue;
            }
            // A folder on the way that is one of our files. Nothing at or under
            // a name that is not UTF-8 is ours, so only the exact start counts.
            let blocked_by_our_file = (relative.match_indices('/'))
                .take_while(|(i, _)| *i <= exact_start)
                .any(|(i, _)| written.contains(&relative[..i]));
            if is_ours(&relative) || blocked_by_our_file {
                conflicts.push(relative);
                continue;
            }
            let destination = self.staging.join(exact);
            if let Some(parent) = destination.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| vec![io_error("cannot keep a file from the output", &e)])?;
            }
            let kept_ok = if file_type.is_symlink() {
                fs::read_link(entry.path()).and_then(|link| symlink(&link, &destination))
            } else {
                fs::hard_link(entry.path(), &destination)
                    .or_else(|_| fs::copy(entry.path(), &destination).map(|_| ()))
            };
            let kept_as = kept_ok
                .and_then(|()| fs::symlink_metadata(&destination))
                .map_err(|e| {
                    vec![io_error(
                        &format!("cannot keep {relative} from the output folder"),
                        &e,
                    )]
                })?;
            self.list(|listing| listing.file(relative.as_str(), &kept_as));
            kept += 1;
        }
        if conflicts.is_empty() {
            return Ok(kept);
        }
        Err(conflicts
            .into_iter()
            .map(|path| {
                Diagnostic::error(
                    Code::OutputConflict,
                    format!("{}/{path} was not written by signposter, and this build would replace it", self.display.display()),
                )
                .hint("move or delete that file yourself; signposter never removes files it did not write")
            })
            .collect())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
            remove_empty_folders(&self.made_parents);
        }
    }
}

/// Write `bytes` to a new file at `path`, and what the file was left as,
/// read from the open file, which costs no second path lookup.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<fs::Metadata> {
    let mut file = fs::File::create(path)?;
    io::Write::write_all(&mut file, bytes)?;
    file.metadata()
}

/// Remove folders this build made, keeping any that something else has put
/// a file in since. Innermost first, so each is empty when its turn comes.
fn remove_empty_folders(innermost_first: &[PathBuf]) {
    for folder in innermost_first {
        let _ = fs::remove_dir(folder);
    }
}

/// Paths listed in the output folder's manifest.
pub fn read_manifest(output: &Path) -> HashSet<String> {
    fs::read_to_string(output.join(MANIFEST))
        .map(|text| {
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A relative `path` with `/` between names, and the length of its longest
/// start made of whole names that are UTF-8: the whole length when every
/// name is. A name that is not UTF-8 is shown with U+FFFD for the bytes it
/// lacks, so past that start the text is not the exact path.
fn slash_path(path: &Path) -> (String, usize) {
    let mut slash = String::new();
    let mut exact_start = None;
    for name in path.components() {
        if !slash.is_empty() {
            slash.push('/');
        }
        let name = name.as_os_str();
        if name.to_str().is_none() && exact_start.is_none() {
            // Up to and without the `/` before this name.
            exact_start = Some(slash.len().saturating_sub(1));
        }
        slash.push_str(&name.to_string_lossy());
    }
    let exact_start = exact_start.unwrap_or(slash.len());
    (slash, exact_start)
}

/// Refuse output folders that would overwrite or swallow the site's sources.
fn check_location(site_root: &Path, target: &Path, display: &Path) -> Result<(), Diagnostic> {
    let root = absolute(site_root);
    let protected: BTreeSet<PathBuf> = ["content", "static", "templates", "themes"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let refuse = |why: &str| {
        Err(Diagnostic::error(
            Code::OutputRefused,
            format!(
                "refusing to use {} as the output folder: {why}",
                display.display()
            ),
        )
        .hint("choose a folder of its own, such as `public`"))
    };
    if target.parent().is_none() {
        return refuse("it is the root of the file system");
    }
    if root.starts_with(target) {
        return refuse("it is the site folder or contains it");
    }
    for source in &protected {
        if source.starts_with(target) || target.starts_with(source) {
            return refuse(&format!(
                "it overlaps the site's `{}` folder",
                source
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// An absolute, symlink-free form of `path`, even when its last parts do not exist yet.
fn absolute(path: &Path) -> PathBuf {
    let base = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = base.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut result = canonical;
            for part in rest.iter().rev() {
                result.push(part);
            }
            return normalise_dots(&result);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return normalise_dots(&base),
        }
    }
}

fn normalise_dots(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn io_error(what: &str, error: &io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("{what}: {error}"))
}

/// Remove a previous build's leftover, if it is recognisably ours.
fn clean_leftover(path: &Path) -> Result<(), Diagnostic> {
    if !path.exists() {
        return Ok(());
    }
    let ours =
        path.join(STAGING_MARKER).exists() || path.join(MANIFEST).exists() || is_empty_dir(path);
    if !ours {
        return Err(Diagnostic::error(
            Code::OutputRefused,
            format!("{} exists but was not made by signposter", path.display()),
        )
        .hint("signposter uses this name for its work folder; move that folder away"));
    }
    fs::remove_dir_all(path).map_err(|e| {
        io_error(
            &format!("cannot remove the leftover {}", path.display()),
            &e,
        )
    })
}

fn is_empty_dir(path: &Path) -> bool {
    fs::read_dir(path)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

/// Create the staging folder. Its creation doubles as a lock: a second build
/// finds it held by a live process and stops.
fn claim_staging(staging: &Path) -> Result<(), Diagnostic> {
    for _ in 0..2 {
        match fs::create_dir(staging) {
            Ok(()) => {
                let pid = std::process::id().to_string();
                return fs::write(staging.join(STAGING_MARKER), pid)
                    .map_err(|e| io_error(&format!("cannot write in {}", staging.display()), &e));
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                let owner = fs::read_to_string(staging.join(STAGING_MARKER))
                    .ok()
                    .and_then(|s| s.trim().parse::<u32>().ok());
                if let Some(pid) = owner {
                    if pid != std::process::id() && process_is_alive(pid) {
                        return Err(Diagnostic::error(
                            Code::OutputRefused,
                            format!(
                                "another signposter build (process {pid}) is writing this site"
                            ),
                        )
                        .hint(format!(
                            "wait for it to finish; if no build is running, delete {}",
                            staging.display()
                        )));
                    }
                }
                // Left behind by a build that was killed: it holds only our files.
                clean_leftover(staging)?;
            }
            Err(error) => {
                return Err(io_error(
                    &format!("cannot create the staging folder {}", staging.display()),
                    &error,
                )
                .hint("check the output folder's parent exists and is writable"));
            }
        }
    }
    Err(Diagnostic::error(
        Code::Io,
        format!("cannot claim {}", staging.display()),
    ))
}

#[cfg(unix)]
fn process_is_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // Signal 0 checks for existence without disturbing the process.
    unsafe { libc::kill(pid, 0) == 0 }
}

#[cfg(not(unix))]
fn process_is_alive(_pid: u32) -> bool {
    false
}

#[cfg(unix)]
fn symlink(link: &Path, destination: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(link, destination)
}

#[cfg(not(unix))]
fn symlink(_link: &Path, _destination: &Path) -> io::Result<()> {
    Err(io::Error::other("symbolic links are not supported here"))
}

/// Exchange two folders in one atomic step where the system allows it.
fn swap(staging: &Path, target: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(staging.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let b = CString::new(target.as_os_str().as_bytes()).map_err(io::Error::other)?;
        // SAFETY: both are valid NUL-terminated paths that outlive the call.
        let result = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if result == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if !matches!(
            error.raw_os_error(),
            Some(libc::EINVAL) | Some(libc::ENOSYS)
        ) {
            return Err(error);
        }
    }
    // No atomic exchange here: two renames, leaving a moment without the folder.
    let aside = staging.with_extension("swap");
    fs::rename(target, &aside)?;
    if let Err(error) = fs::rename(staging, target) {
        let _ = fs::rename(&aside, target);
        return Err(error);
    }
    fs::rename(&aside, staging)
}

#[cfg(test)]
mod tests;
