//! The benchmark's generated site (`examples/support/generator.rs`): the
//! same bytes every time, shaped the way BENCHMARKS.md describes it, and a
//! valid site that builds without a finding, so the benchmark measures
//! builds rather than error reports.

mod common;

#[path = "../examples/support/generator.rs"]
mod generator;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::TestSite;

const PAGES: usize = 300;

/// Every file under `root`, by path relative to it.
fn files(root: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(root).unwrap();
            let text = fs::read_to_string(entry.path()).unwrap();
            (relative.to_string_lossy().replace('\\', "/"), text)
        })
        .collect()
}

#[test]
fn the_generated_site_is_the_same_every_time() {
    let (first, second) = (TestSite::empty(), TestSite::empty());
    generator::generate(PAGES, first.root());
    generator::generate(PAGES, second.root());
    let written = files(first.root());
    assert_eq!(
        written.len(),
        PAGES + 10 + 2,
        "pages, sections, home, site.yml"
    );
    assert_eq!(written, files(second.root()));
}

#[test]
fn the_generated_site_has_the_content_the_benchmark_promises() {
    let site = TestSite::empty();
    generator::generate(PAGES, site.root());
    let written = files(site.root());
    let section_indexes = (written.keys())
        .filter(|path| path.starts_with("content/section-") && path.ends_with("/_index.md"))
        .count();
    assert_eq!(
        section_indexes, 10,
        "10 to 20 sections, each with _index.md"
    );

    let pages: Vec<&String> = (written.iter())
        .filter(|(path, _)| path.contains("/page-"))
        .map(|(_, text)| text)
        .collect();
    assert_eq!(pages.len(), PAGES);
    let mut sizes: Vec<usize> = pages.iter().map(|text| text.len()).collect();
    sizes.sort_unstable();
    assert!(sizes[0] >= 3_000, "smallest page {} bytes", sizes[0]);
    assert!(
        (3_000..=6_000).contains(&sizes[PAGES / 2]),
        "median page {} bytes",
        sizes[PAGES / 2]
    );
    for text in &pages {
        for feature in ["\n## ", "\n### ", "\n- ", "\n> ", "[^n1]", ".md)", "*"] {
            assert!(text.contains(feature), "a page lacks {feature:?}:\n{text}");
        }
        let front = text.split("---\n").nth(1).unwrap();
        for key in ["title: ", "date: 20", "weight: ", "audiences: ["] {
            assert!(front.contains(key), "front matter lacks {key:?}:\n{front}");
        }
        let topics = front.split("topics: [").nth(1).unwrap();
        let topics = topics.split(']').next().unwrap().split(", ").count();
        assert!((2..=5).contains(&topics), "{topics} topics:\n{front}");
    }
    let with = |marker: &str| pages.iter().filter(|text| text.contains(marker)).count();
    assert_eq!(with("| Measure |"), PAGES / 3, "a table every third page");
    assert_eq!(with("\n```"), PAGES / 10, "a code block in one page in ten");
}

#[test]
fn the_generated_site_builds_without_a_finding() {
    let site = TestSite::empty();
    generator::generate(PAGES, site.root());
    let run = site.build();
    run.assert_success();
    assert!(
        !run.stderr.contains("warning") && !run.stderr.contains("error"),
        "{}",
        run.stderr
    );
    let built = site.html_files("public");
    assert!(built.len() > PAGES, "{} pages built", built.len());
}
