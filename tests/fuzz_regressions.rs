//! Every input the fuzzers ever crashed on, kept in `fuzz/regressions/` and
//! replayed through the real binary: each must build or fail with a
//! diagnostic, never panic.

mod common;

use common::TestSite;

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<(String, Vec<u8>)> = entries
        .map(|entry| entry.unwrap().path())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

fn assert_no_panic(name: &str, site: &TestSite) {
    let run = site.build();
    assert!(
        run.code == 0 || run.code == 1,
        "{name}: exit {}\n{}",
        run.code,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
}

#[test]
fn front_matter_crashes_stay_fixed() {
    let cases = regressions("front_matter");
    assert!(!cases.is_empty(), "the first crash found is kept here");
    for (name, bytes) in cases {
        let site = TestSite::minimal().bytes("content/page.md", &bytes);
        assert_no_panic(&name, &site);
    }
}

#[test]
fn every_kept_crash_is_replayed() {
    // A crash kept for another fuzz target needs its own replay above.
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut targets: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    targets.sort();
    assert_eq!(targets, ["front_matter"]);
}
