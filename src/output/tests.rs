//! The output folder: staging, the atomic swap, the manifest, and keeping
//! files the editor put there.

use super::*;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("content")).unwrap();
    dir
}

fn p(path: &str) -> OutputPath {
    OutputPath::new(path).unwrap()
}

fn build(root: &Path, files: &[(&str, &str)]) -> Result<CommitReport, Vec<Diagnostic>> {
    let out = OutputDir::open(root, Path::new("public"), false).map_err(|d| vec![d])?;
    let mut written = Vec::new();
    for (path, text) in files {
        out.write(&p(path), text.as_bytes()).unwrap();
        written.push(p(path));
    }
    out.commit(&written, None)
}

#[test]
fn first_build_creates_the_folder_with_a_manifest() {
    let dir = site();
    build(dir.path(), &[("index.html", "home"), ("a/index.html", "a")]).unwrap();
    let public = dir.path().join("public");
    assert_eq!(
        fs::read_to_string(public.join("a/index.html")).unwrap(),
        "a"
    );
    let manifest = read_manifest(&public);
    assert!(manifest.contains("index.html") && manifest.contains("a/index.html"));
    assert!(!dir.path().join(".public.staging").exists());
    assert!(!dir.path().join(".public.old").exists());
}

#[cfg(unix)]
#[test]
fn rebuild_drops_stale_files_of_ours_and_keeps_the_editors_own() {
    use std::os::unix::fs::MetadataExt;
    let dir = site();
    build(
        dir.path(),
        &[("index.html", "v1"), ("old/index.html", "gone soon")],
    )
    .unwrap();
    let public = dir.path().join("public");
    fs::write(public.join("CNAME"), "example.org").unwrap();
    fs::create_dir_all(public.join(".git/objects")).unwrap();
    fs::write(public.join(".git/HEAD"), "ref").unwrap();
    fs::create_dir_all(public.join("old/notes")).unwrap();
    fs::write(public.join("old/notes/mine.txt"), "editor's").unwrap();
    let inode = fs::metadata(public.join("CNAME")).unwrap().ino();

    let report = build(dir.path(), &[("index.html", "v2")]).unwrap();
    assert_eq!(fs::read_to_string(public.join("index.html")).unwrap(), "v2");
    assert!(!public.join("old/index.html").exists());
    assert_eq!(
        fs::read_to_string(public.join("old/notes/mine.txt")).unwrap(),
        "editor's"
    );
    assert_eq!(fs::metadata(public.join("CNAME")).unwrap().ino(), inode);
    assert!(public.join(".git/objects").is_dir());
    assert_eq!(report.kept, 4);
}

#[test]
fn an_editors_file_in_the_way_is_an_error_and_nothing_changes() {
    let dir = site();
    build(dir.path(), &[("index.html", "v1")]).unwrap();
    let public = dir.path().join("public");
    fs::write(public.join("about.html"), "mine").unwrap();
    let errors = build(dir.path(), &[("index.html", "v2"), ("about.html", "ours")]).unwrap_err();
    assert_eq!(errors[0].code, Code::OutputConflict);
    assert_eq!(fs::read_to_string(public.join("index.html")).unwrap(), "v1");
    assert_eq!(
        fs::read_to_string(public.join("about.html")).unwrap(),
        "mine"
    );
    assert!(!dir.path().join(".public.staging").exists());
}

#[test]
fn dropping_without_commit_leaves_the_previous_site() {
    let dir = site();
    build(dir.path(), &[("index.html", "v1")]).unwrap();
    {
        let out = OutputDir::open(dir.path(), Path::new("public"), false).unwrap();
        out.write(&p("index.html"), b"half-built").unwrap();
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("public/index.html")).unwrap(),
        "v1"
    );
    assert!(!dir.path().join(".public.staging").exists());
}

#[test]
fn refuses_unsafe_output_folders() {
    let dir = site();
    fs::create_dir_all(dir.path().join("static")).unwrap();
    for bad in [".", "content", "content/public", "static", "..", "/"] {
        let err = OutputDir::open(dir.path(), Path::new(bad), true).unwrap_err();
        assert_eq!(err.code, Code::OutputRefused, "{bad}");
    }
}

#[test]
fn refuses_a_foreign_non_empty_folder_unless_forced() {
    let dir = site();
    fs::create_dir_all(dir.path().join("public")).unwrap();
    fs::write(dir.path().join("public/notes.txt"), "mine").unwrap();
    let err = OutputDir::open(dir.path(), Path::new("public"), false).unwrap_err();
    assert_eq!(err.code, Code::OutputRefused);
    let out = OutputDir::open(dir.path(), Path::new("public"), true).unwrap();
    out.write(&p("index.html"), b"x").unwrap();
    out.commit(&[p("index.html")], None).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("public/notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_stale_staging_folder_is_cleaned_and_a_live_one_is_respected() {
    let dir = site();
    let staging = dir.path().join(".public.staging");
    fs::create_dir_all(&staging).unwrap();
    // No process has this id (pid_max is far lower).
    fs::write(staging.join(STAGING_MARKER), "4294967").unwrap();
    fs::write(staging.join("junk.html"), "half").unwrap();
    build(dir.path(), &[("index.html", "ok")]).unwrap();
    assert!(!dir.path().join("public/junk.html").exists());

    fs::create_dir_all(&staging).unwrap();
    fs::write(staging.join(STAGING_MARKER), "1").unwrap();
    let err = OutputDir::open(dir.path(), Path::new("public"), false).unwrap_err();
    assert!(err.message.contains("another signposter build"));
}

#[cfg(unix)]
#[test]
fn a_build_stamp_made_from_what_was_written_matches_a_walk_of_the_output() {
    let dir = site();
    let copied = dir.path().join("style.css");
    fs::write(&copied, "body {}").unwrap();
    let stamped_build = |files: &[(&str, &str)]| {
        let out = OutputDir::open(dir.path(), Path::new("public"), false).unwrap();
        let mut written = Vec::new();
        for (path, text) in files {
            out.write(&p(path), text.as_bytes()).unwrap();
            written.push(p(path));
        }
        out.copy(&p("assets/style.css"), &copied).unwrap();
        written.push(p("assets/style.css"));
        let stamp = Stamp {
            inputs: 1,
            outputs: 0,
            pages: files.len(),
            sections: 1,
            warnings: String::new(),
        };
        out.commit(&written, Some(stamp)).unwrap()
    };
    let pages = [
        ("index.html", "home"),
        ("a/index.html", "a"),
        ("a-b/index.html", "a-b"),
        ("search/pages/1.json", "{}"),
        ("search/pages/10.json", "{}"),
    ];
    stamped_build(&pages);
    let public = dir.path().join("public");
    let stamp = Stamp::read(&public).unwrap();
    assert!(stamp.still_matches(&public, 1));

    // The editor's own files, folders and links are carried over and
    // counted as a walk would count them.
    fs::write(public.join("CNAME"), "example.org").unwrap();
    fs::create_dir_all(public.join("a/notes/empty")).unwrap();
    fs::write(public.join("a/notes/mine.txt"), "editor's").unwrap();
    std::os::unix::fs::symlink("a/index.html", public.join("shortcut")).unwrap();
    let report = stamped_build(&pages);
    assert_eq!(report.kept, 4);
    let stamp = Stamp::read(&public).unwrap();
    assert!(stamp.still_matches(&public, 1));
    fs::write(public.join("a/notes/mine.txt"), "edited").unwrap();
    assert!(!stamp.still_matches(&public, 1));
}

#[test]
fn a_build_stamp_of_a_tree_deeper_than_a_listing_folds_comes_from_a_walk() {
    let dir = site();
    let deep = format!("{}/index.html", vec!["d"; 40].join("/"));
    let out = OutputDir::open(dir.path(), Path::new("public"), false).unwrap();
    out.write(&p(&deep), b"deep").unwrap();
    out.write(&p("index.html"), b"home").unwrap();
    let stamp = Stamp {
        inputs: 1,
        outputs: 0,
        pages: 2,
        sections: 1,
        warnings: String::new(),
    };
    out.commit(&[p(&deep), p("index.html")], Some(stamp))
        .unwrap();
    let public = dir.path().join("public");
    assert!(Stamp::read(&public).unwrap().still_matches(&public, 1));
}
