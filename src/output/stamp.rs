//! The up-to-date check. A build leaves a stamp in the output folder saying
//! what it was made from (each source file's size and times, the options and
//! the signposter binary) and what it made (each output file's size and
//! modification time). When both still match, nothing can have changed, so
//! the next build stops before doing any work, as `make` does.
//!
//! Any doubt means "build": an unreadable file, a missing or malformed stamp,
//! a different binary. The stamp is tied to the exact binary that wrote it,
//! which is also what makes storing in-process fingerprints in it safe.

use std::collections::BTreeMap;
use std::fs;
use std::hash::Hash;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use crate::fingerprint::Fingerprint;

/// The stamp's file name in the output folder.
pub const STAMP: &str = ".signposter-stamp";
const HEADER: &str =
    "# signposter build stamp: lets a build with nothing changed skip its work. Safe to delete.";

/// What one build was made from and made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Fingerprint of every input, from [`inputs_fingerprint`].
    pub inputs: u64,
    /// Fingerprint of the output folder: [`folder_fingerprint`], or the
    /// same from a [`Listing`] of what the build put there.
    pub outputs: u64,
    pub pages: usize,
    pub sections: usize,
    /// The warnings that build printed, to print again when it is reused.
    pub warnings: String,
}

impl Stamp {
    /// The stamp in `output`, if there is a readable one.
    pub fn read(output: &Path) -> Option<Stamp> {
        let text = fs::read_to_string(output.join(STAMP)).ok()?;
        let mut lines = text.splitn(6, '\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut field = |name: &str| -> Option<u64> {
            let line = lines.next()?;
            let value = line.strip_prefix(name)?.strip_prefix(' ')?;
            u64::from_str_radix(value, 16).ok()
        };
        Some(Stamp {
            inputs: field("inputs")?,
            outputs: field("outputs")?,
            pages: field("pages")? as usize,
            sections: field("sections")? as usize,
            warnings: lines.next().unwrap_or_default().to_string(),
        })
    }

    /// Write the stamp into `folder`, fingerprinting the folder first from
    /// `listing`, what was put in it, or else by walking it: call it once
    /// everything else is in place.
    pub fn write_into(mut self, folder: &Path, listing: Option<&Listing>) -> io::Result<()> {
        self.outputs = listing
            .and_then(Listing::fingerprint)
            .or_else(|| folder_fingerprint(folder))
            .ok_or_else(|| io::Error::other("the output folder could not be read back"))?;
        let text = format!(
            "{HEADER}\ninputs {:x}\noutputs {:x}\npages {:x}\nsections {:x}\n{}",
            self.inputs, self.outputs, self.pages, self.sections, self.warnings
        );
        fs::write(folder.join(STAMP), text)
    }

    /// Whether `output` still holds exactly what this stamp's build made, from
    /// inputs whose fingerprint is `inputs`.
    pub fn still_matches(&self, output: &Path, inputs: u64) -> bool {
        self.inputs == inputs && folder_fingerprint(output) == Some(self.outputs)
    }
}

/// Files changed more recently than this are not trusted to a stamp: file
/// times are kept in coarse ticks, so a second change within one tick could
/// leave them as they were (the "racy git" problem).
const SETTLED: Duration = Duration::from_secs(1);

/// The folders and files of a site root that a build reads.
const SOURCES: [&str; 5] = ["site.yml", "content", "templates", "static", "themes"];

/// Fingerprint of everything a build of `root` reads, with `options` (what
/// the command line and environment asked for); `None` if anything could not
/// be read or was changed a moment ago, so the caller builds without a stamp.
pub fn inputs_fingerprint(root: &Path, options: impl Hash) -> Option<u64> {
    let settled_before = SystemTime::now().checked_sub(SETTLED)?;
    let mut fingerprint = Fingerprint::new()
        .with(env!("CARGO_PKG_VERSION"))
        .with(binary_identity()?)
        .with(options);
    for source in SOURCES {
        let path = root.join(source);
        if fs::symlink_metadata(&path).is_err() {
            fingerprint = fingerprint.with((source, "absent"));
            continue;
        }
        // Following links as the content loader does.
        let metadata = fs::metadata(&path).ok()?;
        // A folder's time changes with its entries, which are checked themselves.
        let identify = |relative: &Path, metadata: &fs::Metadata| {
            let settled = metadata.modified().is_ok_and(|at| at <= settled_before);
            if !metadata.is_dir() && !settled {
                return Seen::GiveUp;
            }
            Seen::Entry(crate::fingerprint::of((
                relative,
                file_identity(metadata, true),
            )))
        };
        let Seen::Entry(own) = identify(Path::new(""), &metadata) else {
            return None;
        };
        let inside = match metadata.is_dir() {
            true => fingerprint_tree(&path, true, &identify)?,
            false => 0,
        };
        fingerprint = fingerprint.with((source, own, inside));
    }
    Some(fingerprint.finish())
}

/// Fingerprint of every file in `folder` but the stamp: path, size and
/// modification time. Status-change times are left out, because keeping an
/// editor's file across builds relinks it, which changes that time.
pub fn folder_fingerprint(folder: &Path) -> Option<u64> {
    fingerprint_tree(folder, false, &|relative, metadata| {
        if relative.as_os_str() == STAMP {
            Seen::Skip
        } else if metadata.is_dir() {
            Seen::Entry(output_folder(relative))
        } else {
            Seen::Entry(output_file(relative, &file_identity(metadata, false)))
        }
    })
}

/// How a file of the output folder counts in its fingerprint, whether a
/// walk or a [`Listing`] saw it.
fn output_file(relative: &Path, identity: &FileIdentity) -> u64 {
    crate::fingerprint::of((relative, identity))
}

/// How a folder of the output folder counts, before what it holds.
fn output_folder(relative: &Path) -> u64 {
    crate::fingerprint::of(relative)
}

/// An entry of a folder with what it holds.
fn with_contents(own: u64, inside: u64) -> u64 {
    crate::fingerprint::of((own, inside))
}

/// What was put in a folder, recorded as it was written: the same
/// fingerprint as [`folder_fingerprint`] of that folder, without reading
/// back tens of thousands of files. It must hold everything in the folder
/// but the stamp, each file as it was left. Should it ever differ from a
/// walk (a file system that renames what it stores, say), the next build
/// just finds the stamp out of date and builds.
#[derive(Debug, Default)]
pub struct Listing {
    /// Each file's path relative to the folder, with `/`, its size and its
    /// modification time: all a walk tells of a file it did not create.
    files: Vec<(Arc<str>, u64, Option<SystemTime>)>,
    /// Folders that may hold nothing; the rest are known from their files.
    folders: Vec<Arc<str>>,
    /// Something is in the folder under a name that is not UTF-8, which a
    /// listing cannot hold exactly.
    incomplete: bool,
}

impl Listing {
    /// Record a file at `path` as `metadata` describes it. Recording a path
    /// again replaces what it was.
    pub fn file(&mut self, path: impl Into<Arc<str>>, metadata: &fs::Metadata) {
        self.files
            .push((path.into(), metadata.len(), metadata.modified().ok()));
    }

    /// Record a folder at `path`.
    pub fn folder(&mut self, path: impl Into<Arc<str>>) {
        self.folders.push(path.into());
    }

    /// Record that the folder holds something whose name is not UTF-8 (an
    /// editor's file kept as it is named): the listing then gives no
    /// fingerprint, and the walk, which reads exact names, makes it.
    pub fn cannot_name(&mut self) {
        self.incomplete = true;
    }

    /// The fingerprint a walk of the folder would give; `None` for a tree
    /// as deep as the walk's parallel depth, where the walk folds a folder
    /// differently (as one sequence, even an empty one, with no count). The
    /// cut-off is counted on every path, a file's too, which is cautious by
    /// one level: such trees are rare, and the walk then does the work.
    pub fn fingerprint(&self) -> Option<u64> {
        #[derive(Default)]
        struct Folder<'a>(BTreeMap<&'a str, Node<'a>>);
        enum Node<'a> {
            File(FileIdentity),
            Folder(Folder<'a>),
        }
        impl<'a> Folder<'a> {
            /// The folder at `names` under this one, made as needed.
            fn folder(&mut self, names: impl Iterator<Item = &'a str>) -> Option<&mut Folder<'a>> {
                let mut folder = self;
                for name in names {
                    let node = (folder.0)
                        .entry(name)
                        .or_insert_with(|| Node::Folder(Folder::default()));
                    folder = match node {
                        Node::Folder(inner) => inner,
                        Node::File(_) => return None,
                    };
                }
                Some(folder)
            }

            /// As [`Walk::folder`] folds the folder at `relative`: by name,
            /// which is the order of the names' bytes, as the walk sorts them.
            fn fold(&self, relative: &Path) -> u64 {
                Fingerprint::new()
                    .with_all(self.0.iter().map(|(name, node)| {
                        let relative = relative.join(name);
                        match node {
                            Node::File(identity) => output_file(&relative, identity),
                            Node::Folder(folder) => {
                                with_contents(output_folder(&relative), folder.fold(&relative))
                            }
                        }
                    }))
                    .finish()
            }
        }
        let mut paths = (self.folders.iter()).chain(self.files.iter().map(|(path, ..)| path));
        if self.incomplete || paths.any(|p| p.split('/').count() >= PARALLEL_DEPTH) {
            return None;
        }
        let mut top = Folder::default();
        for folder in &self.folders {
            top.folder(folder.split('/'))?;
        }
        for (path, size, modified) in &self.files {
            let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
            let folder = top.folder(parent.split('/').filter(|n| !n.is_empty()))?;
            let identity = (false, *size, *modified, None);
            if let Some(Node::Folder(_)) = folder.0.insert(name, Node::File(identity)) {
                return None;
            }
        }
        Some(top.fold(Path::new("")))
    }
}

/// How a walk sees one entry, from its path relative to the folder walked
/// and its metadata.
type Identify<'a> = dyn Fn(&Path, &fs::Metadata) -> Seen + Sync + 'a;

enum Seen {
    /// Part of the fingerprint, with this fingerprint of its own.
    Entry(u64),
    /// Left out, with whatever it holds.
    Skip,
    /// Cannot be trusted: the whole walk gives `None`.
    GiveUp,
}

/// Fingerprint of everything under `folder` (not `folder` itself), made
/// from `identify` of each entry in a fixed order: names sorted, each folder
/// before what it holds. Folders are read in parallel and each folds its own
/// entries, since the output of a large site holds tens of thousands of
/// files. `None` if anything cannot be read, `identify` gives up, or,
/// following links, a folder turns out to contain itself.
fn fingerprint_tree(folder: &Path, follow_links: bool, identify: &Identify<'_>) -> Option<u64> {
    let walk = Walk {
        follow_links,
        identify,
    };
    // Without following links a walk cannot come back to a folder, so only a
    // walk that follows them needs to know where it has been.
    let ancestors = match follow_links {
        true => vec![folder_identity(folder, &fs::metadata(folder).ok()?)?],
        false => Vec::new(),
    };
    walk.folder(folder, Path::new(""), &ancestors)
}

/// Folders deeper than this are folded by one iterative walk each: recursing
/// through the thread pool for every level of a pathologically deep tree
/// could run out of stack.
const PARALLEL_DEPTH: usize = 32;

struct Walk<'a, 'b> {
    follow_links: bool,
    identify: &'a Identify<'b>,
}

impl Walk<'_, '_> {
    fn folder(&self, folder: &Path, relative: &Path, ancestors: &[FolderIdentity]) -> Option<u64> {
        if relative.components().count() >= PARALLEL_DEPTH {
            return self.deep_folder(folder, relative);
        }
        let mut names = fs::read_dir(folder)
            .ok()?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect::<io::Result<Vec<_>>>()
            .ok()?;
        names.sort_unstable();
        let entries: Vec<Option<u64>> = names
            .par_iter()
            .map(|name| {
                let path = folder.join(name);
                let metadata = match self.follow_links {
                    true => fs::metadata(&path),
                    false => fs::symlink_metadata(&path),
                }
                .ok()?;
                let relative = relative.join(name);
                let own = match (self.identify)(&relative, &metadata) {
                    Seen::Entry(own) => own,
                    Seen::Skip => return Some(None),
                    Seen::GiveUp => return None,
                };
                if !metadata.is_dir() {
                    return Some(Some(own));
                }
                let mut ancestors = ancestors.to_vec();
                if self.follow_links {
                    let identity = folder_identity(&path, &metadata)?;
                    if ancestors.contains(&identity) {
                        return None;
                    }
                    ancestors.push(identity);
                }
                let inside = self.folder(&path, &relative, &ancestors)?;
                Some(Some(with_contents(own, inside)))
            })
            .collect::<Option<_>>()?;
        Some(
            Fingerprint::new()
                .with_all(entries.into_iter().flatten())
                .finish(),
        )
    }

    /// The fingerprint of a deep folder from one sorted, iterative walk (which
    /// notices link loops itself). Writing and checking a stamp both fold at
    /// the same depth, so they agree.
    fn deep_folder(&self, folder: &Path, relative: &Path) -> Option<u64> {
        let mut fingerprint = Fingerprint::new();
        let mut walk = walkdir::WalkDir::new(folder)
            .follow_links(self.follow_links)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walk.next() {
            let entry = entry.ok()?;
            let metadata = entry.metadata().ok()?;
            let inside = entry.path().strip_prefix(folder).ok()?;
            match (self.identify)(&relative.join(inside), &metadata) {
                Seen::Entry(own) => fingerprint = fingerprint.with(own),
                Seen::Skip if metadata.is_dir() => walk.skip_current_dir(),
                Seen::Skip => {}
                Seen::GiveUp => return None,
            }
        }
        Some(fingerprint.finish())
    }
}

/// What tells one folder from another, to notice a link loop.
#[cfg(unix)]
type FolderIdentity = (u64, u64);
#[cfg(not(unix))]
type FolderIdentity = std::path::PathBuf;

#[cfg(unix)]
fn folder_identity(_: &Path, metadata: &fs::Metadata) -> Option<FolderIdentity> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn folder_identity(path: &Path, _: &fs::Metadata) -> Option<FolderIdentity> {
    fs::canonicalize(path).ok()
}

/// The running binary's size and modification time: a rebuilt signposter
/// may render the same sources differently.
fn binary_identity() -> Option<(u64, Option<SystemTime>)> {
    let metadata = fs::metadata(std::env::current_exe().ok()?).ok()?;
    Some((metadata.len(), metadata.modified().ok()))
}

/// What [`file_identity`] tells of a file: whether it is a folder, its size,
/// its modification time and, if asked for, its status change and inode.
type FileIdentity = (bool, u64, Option<SystemTime>, Option<StatusChange>);

#[cfg(unix)]
type StatusChange = (i64, i64, u64);
#[cfg(not(unix))]
type StatusChange = ();

/// What changes when a file's contents do. Editors and version control set
/// the modification time; the status-change time cannot be set back by hand.
fn file_identity(metadata: &fs::Metadata, with_status_change: bool) -> FileIdentity {
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        with_status_change.then(|| (metadata.ctime(), metadata.ctime_nsec(), metadata.ino()))
    };
    #[cfg(not(unix))]
    let changed = with_status_change.then_some(());
    (
        metadata.is_dir(),
        metadata.len(),
        metadata.modified().ok(),
        changed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Write `text` to `path` and date it `seconds_ago`, as an editor's save of
    /// that long ago would be.
    fn write_dated(path: &Path, text: &str, seconds_ago: u64) {
        fs::write(path, text).unwrap();
        let when = SystemTime::now() - Duration::from_secs(seconds_ago);
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    }

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write_dated(&dir.path().join("site.yml"), "title: T\n", 60);
        fs::create_dir_all(dir.path().join("content/a")).unwrap();
        write_dated(&dir.path().join("content/a/page.md"), "one", 60);
        dir
    }

    #[test]
    fn inputs_change_with_contents_names_new_files_and_options() {
        let dir = site();
        let root = dir.path();
        let before = inputs_fingerprint(root, false).unwrap();
        assert_eq!(inputs_fingerprint(root, false), Some(before));
        assert_ne!(
            inputs_fingerprint(root, true),
            Some(before),
            "options count"
        );

        write_dated(&root.join("content/a/page.md"), "two", 30);
        let edited = inputs_fingerprint(root, false).unwrap();
        assert_ne!(edited, before, "same size, new contents");

        fs::create_dir_all(root.join("templates")).unwrap();
        let with_templates = inputs_fingerprint(root, false).unwrap();
        assert_ne!(with_templates, edited, "a new source folder");

        fs::rename(
            root.join("content/a/page.md"),
            root.join("content/a/moved.md"),
        )
        .unwrap();
        assert_ne!(
            inputs_fingerprint(root, false),
            Some(with_templates),
            "a rename"
        );
    }

    #[test]
    fn site_yml_counts_and_a_link_loop_means_no_stamp() {
        let dir = site();
        let root = dir.path();
        let before = inputs_fingerprint(root, false).unwrap();
        write_dated(&root.join("site.yml"), "title: U\n", 30);
        let edited = inputs_fingerprint(root, false).expect("a settled site has a fingerprint");
        assert_ne!(edited, before, "site.yml edited");

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("content"), root.join("content/a/loop")).unwrap();
            assert_eq!(
                inputs_fingerprint(root, false),
                None,
                "content/a/loop → content"
            );
            fs::remove_file(root.join("content/a/loop")).unwrap();
            assert!(inputs_fingerprint(root, false).is_some(), "loop removed");
        }
    }

    #[test]
    fn a_walk_sees_every_entry_in_name_order_each_folder_before_its_entries() {
        let dir = tempfile::tempdir().unwrap();
        for path in ["b/z.txt", "b/a/x.txt", "a-b.txt", "a/y.txt"] {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, path).unwrap();
        }
        // On one thread the walk meets entries in exactly the order it folds them.
        let seen = std::sync::Mutex::new(Vec::new());
        let walked = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| {
                fingerprint_tree(dir.path(), false, &|relative, _| {
                    seen.lock().unwrap().push(relative.display().to_string());
                    Seen::Entry(crate::fingerprint::of(relative))
                })
            });
        assert!(walked.is_some());
        assert_eq!(
            seen.into_inner().unwrap(),
            [
                "a",
                "a/y.txt",
                "a-b.txt",
                "b",
                "b/a",
                "b/a/x.txt",
                "b/z.txt"
            ]
        );
        // Many threads fold the same way as one.
        let by_path =
            |relative: &Path, _: &fs::Metadata| Seen::Entry(crate::fingerprint::of(relative));
        let again = fingerprint_tree(dir.path(), false, &by_path);
        assert_eq!(walked, again);
        fs::write(dir.path().join("b/a/x.txt"), "moved on").unwrap();
        fs::rename(dir.path().join("b/a/x.txt"), dir.path().join("b/x.txt")).unwrap();
        let moved = fingerprint_tree(dir.path(), false, &by_path);
        assert_ne!(walked, moved, "a file moved between folders");
    }

    #[test]
    fn a_folder_deeper_than_the_parallel_walk_still_counts() {
        let dir = tempfile::tempdir().unwrap();
        let deep: std::path::PathBuf = (0..PARALLEL_DEPTH + 8).map(|n| format!("d{n}")).collect();
        fs::create_dir_all(dir.path().join(&deep)).unwrap();
        fs::write(dir.path().join(&deep).join("page.html"), "one").unwrap();
        let before = folder_fingerprint(dir.path()).unwrap();
        assert_eq!(folder_fingerprint(dir.path()), Some(before));
        fs::write(dir.path().join(&deep).join("page.html"), "two!").unwrap();
        assert_ne!(
            folder_fingerprint(dir.path()),
            Some(before),
            "a deep file edited"
        );
    }

    #[test]
    fn a_file_saved_a_moment_ago_is_not_trusted_to_a_stamp() {
        let dir = site();
        fs::write(dir.path().join("content/a/page.md"), "just now").unwrap();
        assert_eq!(inputs_fingerprint(dir.path(), false), None);
    }

    #[test]
    fn a_stamp_round_trips_and_notices_output_changes() {
        let out = tempfile::tempdir().unwrap();
        fs::create_dir_all(out.path().join("a")).unwrap();
        fs::write(out.path().join("a/index.html"), "page").unwrap();
        let stamp = Stamp {
            inputs: 7,
            outputs: 0,
            pages: 3,
            sections: 1,
            warnings: "warning: one\nwarning: two\n".into(),
        };
        stamp.clone().write_into(out.path(), None).unwrap();
        let read = Stamp::read(out.path()).unwrap();
        assert_eq!((read.inputs, read.pages, read.sections), (7, 3, 1));
        assert_eq!(read.warnings, stamp.warnings);
        assert!(read.still_matches(out.path(), 7));
        assert!(!read.still_matches(out.path(), 8), "inputs changed");

        fs::write(out.path().join("a/index.html"), "edited by hand").unwrap();
        assert!(!read.still_matches(out.path(), 7), "an output was changed");
    }

    #[test]
    fn a_listing_of_what_was_written_fingerprints_as_a_walk_of_the_folder() {
        let out = tempfile::tempdir().unwrap();
        let mut listing = Listing::default();
        // Names that sort one way as whole paths and another within their
        // folder ("a-b" before "a/x" as paths; "a" before "a-b" as names).
        let files = [
            "a/x/index.html",
            "a-b",
            "a/index.html",
            "search/pages/10.json",
            "search/pages/9.json",
            "Zeta.txt",
            "ä.html",
        ];
        for path in files {
            let full = out.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            let mut file = fs::File::create(&full).unwrap();
            std::io::Write::write_all(&mut file, path.as_bytes()).unwrap();
            listing.file(path, &file.metadata().unwrap());
        }
        fs::create_dir_all(out.path().join("kept/empty")).unwrap();
        listing.folder("kept/empty");
        // A folder listed on its own that also holds a listed file.
        listing.folder("a");
        #[cfg(unix)]
        {
            let link = out.path().join("a/link");
            std::os::unix::fs::symlink("index.html", &link).unwrap();
            listing.file("a/link", &fs::symlink_metadata(&link).unwrap());
        }
        let walked = folder_fingerprint(out.path()).unwrap();
        assert_eq!(listing.fingerprint(), Some(walked));

        // A listing that misses a folder's contents does not match.
        let mut short = Listing::default();
        for path in &files[1..] {
            short.file(*path, &fs::metadata(out.path().join(path)).unwrap());
        }
        short.folder("kept/empty");
        short.folder("a");
        assert_ne!(short.fingerprint(), Some(walked));
    }

    #[test]
    fn a_listing_deeper_than_a_parallel_walk_is_left_to_the_walk() {
        let out = tempfile::tempdir().unwrap();
        let path = vec!["d"; PARALLEL_DEPTH].join("/");
        fs::create_dir_all(out.path().join(&path)).unwrap();
        let mut listing = Listing::default();
        listing.folder(path.as_str());
        assert_eq!(listing.fingerprint(), None);
    }

    #[test]
    fn a_listing_that_cannot_name_something_is_left_to_the_walk() {
        let out = tempfile::tempdir().unwrap();
        fs::write(out.path().join("a.html"), "a").unwrap();
        let mut listing = Listing::default();
        listing.file("a.html", &fs::metadata(out.path().join("a.html")).unwrap());
        assert_eq!(listing.fingerprint(), folder_fingerprint(out.path()));
        listing.cannot_name();
        assert_eq!(listing.fingerprint(), None);
    }

    #[test]
    fn a_foreign_or_damaged_stamp_is_ignored() {
        let out = tempfile::tempdir().unwrap();
        assert!(Stamp::read(out.path()).is_none());
        fs::write(out.path().join(STAMP), "inputs 1\noutputs 2\n").unwrap();
        assert!(Stamp::read(out.path()).is_none());
        fs::write(out.path().join(STAMP), format!("{HEADER}\ninputs zz\n")).unwrap();
        assert!(Stamp::read(out.path()).is_none());
    }
}
