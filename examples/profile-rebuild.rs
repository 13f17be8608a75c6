//! Times incremental rebuilds in-process, phase by phase, without the dev
//! server's watcher: `cargo run --release --example profile-rebuild -- SITE [RUNS]`.
//! Each run appends a paragraph to the first page, then restores it.

use std::path::PathBuf;
use std::time::Instant;

use signposter::serve::Session;
use signposter::site::SiteOptions;

/// The same allocator, with the same settings, as the `signposter` binary,
/// so the figures match the dev server's.
#[path = "../src/allocator.rs"]
mod allocator;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: profile-rebuild SITE [RUNS]"))
        .canonicalize()
        .expect("site folder");
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let options = SiteOptions {
        root: root.clone(),
        ..SiteOptions::default()
    };
    let start = Instant::now();
    let (mut session, first) = Session::start(&options).expect("site loads");
    first.expect("site builds");
    println!("initial build: {:?}", start.elapsed());
    let page = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md") && e.file_name() != "_index.md")
        .expect("a page")
        .into_path();
    let original = std::fs::read_to_string(&page).expect("page text");
    for run in 0..runs {
        std::fs::write(&page, format!("{original}\nAppended paragraph {run}.\n")).expect("edit");
        let applied = session.apply(std::slice::from_ref(&page)).expect("rebuild");
        println!(
            "edit {run}: {:?}, {} rendered\n{}",
            applied.elapsed,
            applied.rendered,
            applied.timings.table()
        );
    }
    std::fs::write(&page, original).expect("restore");
}
