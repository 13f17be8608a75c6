//! Real-browser checks: build a site, serve it on 127.0.0.1 and open every
//! page in headless Chromium (tests/browser/check-site.mjs): axe-core with the
//! WCAG 2.0/2.1/2.2 A and AA rules in light and dark schemes and at 320 px,
//! no sideways scrolling, the skip link as the first Tab stop, and every link
//! and anchor resolving. The HTML of every page is validated too.
//!
//! Needs Debian's `chromium`, Node.js and `npm ci` in tests/browser. Without
//! them these tests say so loudly and pass; under `CI=true` they fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Whether the browser tools are here; if not, fail under CI or warn and skip.
fn tools_available() -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if !Path::new(&chromium).exists() {
        missing.push(format!("Chromium at {chromium} (apt-get install chromium)"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("Node.js".to_string());
    }
    if !browser_dir().join("node_modules/playwright-core").exists() {
        missing.push("tests/browser/node_modules (cd tests/browser && npm ci)".to_string());
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!("browser tests need: {}", missing.join(", "));
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}; CI=true, so this is a failure, not a skip");
    }
    eprintln!(
        "\n==================== BROWSER TESTS SKIPPED ====================\n{message}\n===============================================================\n"
    );
    false
}

/// Build the site at `root` into a temporary folder; returns the folder.
/// The test server serves from `/`, so any path prefix in `base_url` is dropped.
fn build(root: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_signposter"))
        .args(["build", "--base-url", "http://localhost/", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn node(script: &str, args: &[&str]) -> Value {
    let output = Command::new("node")
        .arg(browser_dir().join(script))
        .args(args)
        .current_dir(browser_dir())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn check_in_chromium(root: &Path, minimum_pages: u64) {
    let out = build(root);
    let site = out.path().join("public");
    let report = node("check-site.mjs", &["--site", site.to_str().unwrap()]);
    let pages = report["pages"].as_u64().unwrap();
    assert!(pages >= minimum_pages, "only {pages} pages were checked");
    let mut problems = Vec::new();
    for (key, what) in [
        ("violations", "accessibility violations"),
        ("overflow", "pages that scroll sideways at 320 px"),
        (
            "skipLink",
            "pages whose first Tab stop is not the skip link",
        ),
        ("brokenLinks", "broken links or anchors"),
    ] {
        let found = report[key].as_array().unwrap();
        if !found.is_empty() {
            problems.push(format!(
                "{} {what}:\n{}",
                found.len(),
                serde_json::to_string_pretty(found).unwrap()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} pages checked\n{}",
        pages,
        problems.join("\n\n")
    );
}

#[test]
fn every_page_of_the_bundled_site_passes_in_chromium() {
    if tools_available() {
        check_in_chromium(Path::new(env!("CARGO_MANIFEST_DIR")), 60);
    }
}

#[test]
fn every_page_of_the_publishing_fixture_passes_in_chromium() {
    // Pagination, term pages and feeds links only appear in this fixture.
    if tools_available() {
        check_in_chromium(&common::fixture_path("publishing"), 25);
    }
}

#[test]
fn every_page_of_the_bundled_site_is_valid_html() {
    if !tools_available() {
        return;
    }
    let out = build(Path::new(env!("CARGO_MANIFEST_DIR")));
    let site = out.path().join("public");
    let problems = node("validate-html.mjs", &[site.to_str().unwrap()]);
    let problems = problems.as_array().unwrap();
    assert!(
        problems.is_empty(),
        "{}",
        serde_json::to_string_pretty(problems).unwrap()
    );
}

#[test]
fn a_served_page_updates_itself_and_shows_errors_in_chromium() {
    if !tools_available() {
        return;
    }
    let long_body: String = (0..60)
        .map(|i| format!("Paragraph {i} to make the page scroll.\n\n"))
        .collect();
    let site = common::TestSite::minimal()
        .file("content/guide/_index.md", "---\ntitle: Guide\n---\n")
        .file(
            "content/guide/a.md",
            &format!("---\ntitle: Page A\n---\nFirst version.\n\n{long_body}"),
        )
        .file("static/extra.css", "body { }\n")
        .file(
            "templates/partials/footer.html",
            "<footer><link rel=\"stylesheet\" href=\"{{ url_for(path='/extra.css') }}\"></footer>",
        );
    let server = common::serve::ServeProcess::start(site.root(), &[]);
    let file = site.path("content/guide/a.md");
    let css = site.path("static/extra.css");
    let report = node(
        "live-reload.mjs",
        &[
            "--url",
            &server.base,
            "--page",
            "/guide/a/",
            "--file",
            file.to_str().unwrap(),
            "--css",
            css.to_str().unwrap(),
        ],
    );
    let steps = report.as_object().unwrap();
    assert_eq!(steps.len(), 5, "{report}");
    for (name, outcome) in steps {
        assert_eq!(
            outcome,
            "ok",
            "{name}: {outcome}\nserver printed:\n{}",
            server.printed()
        );
    }
}

/// Screenshots of the home page and one page of each section at 1280 and
/// 375 px, for people to look at: `cargo test --test browser -- --ignored`.
#[test]
#[ignore = "writes screenshots to target/screenshots for people to review"]
fn screenshots_for_review() {
    if !tools_available() {
        return;
    }
    let out = build(Path::new(env!("CARGO_MANIFEST_DIR")));
    let site = out.path().join("public");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&target).unwrap();
    let pages = "/,/reflective-practice/,/reflective-practice/balint-society/,/clinical-information/interpreters/,/research/balint-groups-medical-students/,/topics/,/editing/front-matter/";
    let report = node(
        "check-site.mjs",
        &[
            "--site",
            site.to_str().unwrap(),
            "--screenshots",
            target.to_str().unwrap(),
            "--pages",
            pages,
        ],
    );
    eprintln!(
        "{}",
        serde_json::to_string_pretty(&report["screenshots"]).unwrap()
    );
}

/// What the Rust model of the browser script answers: the addresses of the
/// first ten results.
fn model_answer(site: &Path, query: &str) -> Vec<String> {
    use signposter::search::{encode::Meta, query};
    let meta: Meta =
        serde_json::from_slice(&std::fs::read(site.join("search/index.json")).unwrap()).unwrap();
    let answer = query::run(
        &meta,
        &mut |name| std::fs::read(site.join(format!("search/chunks/{name}.bin"))).ok(),
        query,
    );
    answer
        .pages
        .iter()
        .take(10)
        .map(|(number, _)| {
            let fragment: Value = serde_json::from_slice(
                &std::fs::read(site.join(format!("search/pages/{number}.json"))).unwrap(),
            )
            .unwrap();
            fragment["u"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn search_and_filters_work_with_and_without_javascript() {
    if !tools_available() {
        return;
    }
    let out = build(Path::new(env!("CARGO_MANIFEST_DIR")));
    let site = out.path().join("public");
    let queries: Vec<Value> = [
        "interpreters",
        "supervise",
        "somatic symptoms",
        "free online group for GPs",
        "studies",
        "balint gr",
    ]
    .iter()
    .map(|q| {
        let urls = model_answer(&site, q);
        assert!(!urls.is_empty(), "“{q}” finds nothing");
        serde_json::json!({"q": q, "urls": urls})
    })
    .collect();
    // The model and the content agree on what a clinician should find first.
    assert_eq!(
        model_answer(&site, "interpreters")[0],
        "/clinical-information/interpreters/"
    );
    assert!(
        model_answer(&site, "supervise")
            .iter()
            .any(|u| u.starts_with("/reflective-practice/")),
        "“supervise” finds pages about supervision"
    );
    let expect = serde_json::json!({
        "queries": queries,
        "first": {"q": "interpreters", "url": "/clinical-information/interpreters/"},
        "filters": {"page": "/reflective-practice/", "checks": [["costs", "free"], ["formats", "online"]]},
    });
    let expect_file = out.path().join("expect.json");
    std::fs::write(&expect_file, expect.to_string()).unwrap();
    let report = node(
        "search.mjs",
        &[
            "--site",
            site.to_str().unwrap(),
            "--expect",
            expect_file.to_str().unwrap(),
        ],
    );
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems.is_empty(),
        "{}",
        serde_json::to_string_pretty(problems).unwrap()
    );
    // The budget for the bundled site: a query downloads under 30 kB.
    let gzip = report["transfer"]["gzip"].as_u64().unwrap();
    eprintln!("a search downloads: {}", report["transfer"]);
    assert!(gzip < 30_000, "{}", report["transfer"]);
}
