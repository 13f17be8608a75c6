//! Every site under `tests/fixtures/invalid/` must fail with exit code 1,
//! report each location listed in its `expected.txt`, and leave the previous
//! output folder exactly as it was.

mod common;

use common::{TestSite, fixture_path};

/// Give the site an output folder as a previous successful build would leave it,
/// plus a file of the editor's own.
fn previous_output(site: &TestSite) {
    site.write("public/index.html", b"<p>the previous home page</p>");
    site.write("public/old/index.html", b"<p>a previous page</p>");
    site.write(
        "public/.signposter-manifest",
        b"index.html\nold/index.html\n",
    );
    site.write("public/CNAME", b"example.org");
}

#[test]
fn every_invalid_site_fails_clearly_and_changes_nothing() {
    let mut names: Vec<String> = std::fs::read_dir(fixture_path("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= 25,
        "expected the full table of invalid sites, found {}",
        names.len()
    );

    let mut failures = Vec::new();
    for name in &names {
        let site = TestSite::fixture(&format!("invalid/{name}"));
        previous_output(&site);
        let before = site.snapshot_tree("public");
        let expected = site.read("expected.txt");
        let run = site.build();

        if run.code != 1 {
            failures.push(format!(
                "{name}: exit code {} (expected 1)\n{}",
                run.code, run.stderr
            ));
            continue;
        }
        for line in expected.lines().filter(|l| !l.is_empty()) {
            if !run.stderr.contains(line) {
                failures.push(format!("{name}: stderr lacks {line:?}\n{}", run.stderr));
            }
        }
        if site.snapshot_tree("public") != before {
            failures.push(format!("{name}: the output folder changed"));
        }
        if site.exists(".public.staging") || site.exists(".public.old") {
            failures.push(format!("{name}: a staging folder was left behind"));
        }
        if !run.stderr.contains("the output folder was left as it was") {
            failures.push(format!("{name}: no closing summary line\n{}", run.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_error_has_a_fix_hint_or_a_location() {
    // Spot check: messages are actionable, not bare parser output.
    let site = TestSite::fixture("invalid/yaml-unquoted-colon");
    let run = site.build();
    run.assert_failure(1);
    run.assert_stderr_contains("2 | title: Witness to Witness: peer support");
    run.assert_stderr_contains("= hint: a value that contains `: ` must be in quotes");
}
