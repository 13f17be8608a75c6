//! Hostile and absurd content: each case builds or fails with a clear error,
//! within limits on CPU, wall time and memory, so a regression that makes
//! one slow or greedy fails here instead of hanging an editor's build.
//!
//! The limits are several times what a debug build uses today; they are
//! there to catch blow-ups (quadratic time, unbounded memory), not to time.

mod common;

use std::time::Duration;

use common::TestSite;
use common::limits::Limits;

fn site_with_page(body: &str) -> TestSite {
    TestSite::minimal().file("content/page.md", &format!("---\ntitle: Page\n---\n{body}"))
}

/// A page of `piece` written `times` times, then `end`, streamed to disk.
/// The binary's peak memory is read from the kernel, which counts the test
/// process's memory at the moment it starts the binary: a page built as one
/// big string here would count against the binary's limit.
fn site_with_repeated_page(head: &str, piece: &str, times: usize, end: &str) -> TestSite {
    use std::io::Write;
    let site = TestSite::minimal();
    let file = std::fs::File::create(site.path("content/page.md")).unwrap();
    let mut out = std::io::BufWriter::new(file);
    write!(out, "---\ntitle: Page\n---\n{head}").unwrap();
    for _ in 0..times {
        out.write_all(piece.as_bytes()).unwrap();
    }
    out.write_all(end.as_bytes()).unwrap();
    out.flush().unwrap();
    site
}

const SMALL: Limits = Limits {
    cpu_seconds: 20,
    wall: Duration::from_secs(60),
    memory_mib: 400,
    file_bytes: None,
};

#[test]
fn blockquotes_nested_ten_thousand_deep_build() {
    let site = site_with_page(&format!("{} deepest quote\n", ">".repeat(10_000)));
    site.build_within(SMALL).assert_success();
    assert!(
        site.read("public/page/index.html")
            .contains("deepest quote")
    );
}

#[test]
fn lists_nested_ten_thousand_deep_build() {
    let site = site_with_page(&format!("{}deepest item\n", "- ".repeat(10_000)));
    site.build_within(SMALL).assert_success();
    let html = site.read("public/page/index.html");
    assert!(html.contains("deepest item"));
    assert!(html.matches("<ul>").count() >= 1000, "lists really nest");
}

#[test]
fn fifty_thousand_footnotes_build_in_linear_time() {
    // Regression: each footnote's back link searched every footnote, so
    // 50,000 of them took 42 s in a debug build; now about 2 s.
    let mut body = String::new();
    for n in 1..=50_000 {
        body.push_str(&format!("Claim {n}.[^{n}]\n"));
    }
    body.push('\n');
    for n in 1..=50_000 {
        body.push_str(&format!("[^{n}]: Source {n}.\n"));
    }
    let site = site_with_page(&body);
    let limits = Limits {
        cpu_seconds: 15,
        ..SMALL
    };
    site.build_within(limits).assert_success();
    let html = site.read("public/page/index.html");
    assert!(html.contains("<li id=\"fn-50000\">"));
    assert!(html.contains("href=\"#fnref-50000\""));
}

#[test]
fn a_ten_megabyte_line_builds() {
    let site = site_with_repeated_page("", "word ", 2_000_000, "\n");
    let limits = Limits {
        cpu_seconds: 60,
        wall: Duration::from_secs(120),
        memory_mib: 512,
        ..SMALL
    };
    site.build_within(limits).assert_success();
    assert!(site.read("public/page/index.html").len() > 10_000_000);
}

#[test]
fn a_million_row_table_builds() {
    let site = site_with_repeated_page(
        "| Service | Area |\n|---|---|\n",
        "| x | y |\n",
        1_000_000,
        "",
    );
    let limits = Limits {
        cpu_seconds: 90,
        wall: Duration::from_secs(180),
        memory_mib: 3 * 1024,
        ..SMALL
    };
    site.build_within(limits).assert_success();
    let html = site.read("public/page/index.html");
    assert_eq!(html.matches("<tr>").count(), 1_000_001);
}

#[test]
fn a_hundred_megabyte_page_is_refused_without_being_read() {
    let paragraph = "Some prose about services for people seeking asylum.\n\n";
    let site = site_with_repeated_page("", paragraph, 100_000_000 / paragraph.len(), "");
    site.write("public/index.html", b"the previous site");
    // Far below the file's size: reading it whole would break this limit.
    let limits = Limits {
        memory_mib: 64,
        ..SMALL
    };
    site.build_within(limits)
        .assert_failure(1)
        .assert_stderr_contains("content/page.md: error[file-too-large]: the file is 100 MB")
        .assert_stderr_contains("up to 16 MB")
        .assert_stderr_contains("hint: split it into several pages");
    assert_eq!(site.read("public/index.html"), "the previous site");
}

#[test]
fn a_symlink_loop_in_content_is_reported_not_followed_forever() {
    let site = site_with_page("Text.\n");
    std::fs::create_dir_all(site.path("content/guides")).unwrap();
    std::os::unix::fs::symlink(site.path("content"), site.path("content/guides/again")).unwrap();
    site.build_within(SMALL)
        .assert_failure(1)
        .assert_stderr_contains("content/guides/again: error[io]: symbolic link loop")
        .assert_stderr_contains("hint: remove or fix the link");
}

#[test]
fn an_unreadable_page_is_named_with_a_fix() {
    use std::os::unix::fs::PermissionsExt;
    let site = site_with_page("Text.\n").file("content/locked.md", "---\ntitle: L\n---\nx\n");
    std::fs::set_permissions(
        site.path("content/locked.md"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    // As root, permissions do not apply; the build then runs as `nobody`.
    site.run_measured(&["build"], SMALL, true)
        .assert_within(SMALL)
        .run
        .assert_failure(1)
        .assert_stderr_contains("content/locked.md: error[io]: cannot read file")
        .assert_stderr_contains("hint: check the file's permissions");
    assert!(!site.exists("public/page/index.html"), "nothing half-built");
}
