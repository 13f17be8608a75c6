//! Faults while writing: a write that fails, an output location that cannot
//! be written, and builds killed at random points. The published site is
//! always the old one or the new one, never a mixture, and nothing is lost.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestSite;
use common::limits::Limits;

const LIMITS: Limits = Limits {
    cpu_seconds: 60,
    wall: Duration::from_secs(120),
    memory_mib: 1024,
    file_bytes: None,
};

/// The output folder's files and their bytes. The stamp records file times,
/// so it is left out; everything else must match exactly.
fn published(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    site.snapshot_tree("public")
        .into_iter()
        .filter(|(path, _)| path != ".signposter-stamp")
        .map(|(path, (bytes, _))| (path, bytes))
        .collect()
}

/// A site of `pages` pages whose every page says which `version` it is.
fn write_version(site: &TestSite, pages: usize, version: &str) {
    for n in 0..pages {
        site.write(
            &format!("content/notes/note-{n}.md"),
            format!(
                "---\ntitle: Note {n}\n---\nThis is note {n} of version {version}.\n\n{}\n",
                "A paragraph of ordinary prose about local services. ".repeat(40)
            )
            .as_bytes(),
        );
    }
}

#[test]
fn a_write_that_fails_leaves_the_previous_site_and_names_the_file() {
    let site = TestSite::minimal().file("content/page.md", "---\ntitle: Page\n---\nSmall.\n");
    site.build().assert_success();
    site.write("public/CNAME", b"example.org");
    let before = site.snapshot_tree("public");
    // One page now outgrows the largest file this run may write.
    site.write(
        "content/page.md",
        format!("---\ntitle: Page\n---\n{}\n", "Long prose. ".repeat(30_000)).as_bytes(),
    );
    let limits = Limits {
        file_bytes: Some(64 * 1024),
        ..LIMITS
    };
    site.build_within(limits)
        .assert_failure(1)
        .assert_stderr_contains("error[io]: cannot write public/page/index.html: File too large")
        .assert_stderr_contains("hint: check there is free space")
        .assert_stderr_contains("the output folder was left as it was");
    assert_eq!(
        site.snapshot_tree("public"),
        before,
        "the previous site is untouched"
    );
    assert!(
        !site.exists(".public.staging"),
        "the staging folder is cleaned up"
    );
    site.build().assert_success();
    assert!(site.read("public/page/index.html").contains("Long prose."));
    assert_eq!(site.read("public/CNAME"), "example.org");
}

#[test]
fn an_output_location_that_cannot_be_written_leaves_the_site_and_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::minimal().file("content/page.md", "---\ntitle: Page\n---\nText.\n");
    site.build().assert_success();
    site.write("content/page.md", b"---\ntitle: Page\n---\nNew text.\n");
    let before = site.snapshot_tree("public");
    // The staging folder is made beside the output folder, in the site root.
    std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let measured = site.run_measured(&["build"], LIMITS, true);
    std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o755)).unwrap();
    measured
        .assert_within(LIMITS)
        .run
        .assert_failure(1)
        .assert_stderr_contains("error[io]: cannot create the staging folder")
        .assert_stderr_contains("Permission denied")
        .assert_stderr_contains("hint: check the output folder's parent exists and is writable");
    assert_eq!(site.snapshot_tree("public"), before);
}

#[test]
fn a_build_killed_at_random_points_leaves_the_old_site_or_the_new_one() {
    const PAGES: usize = 150;
    let site = TestSite::minimal();
    site.write("public/CNAME", b"example.org");
    site.write("public/.signposter-manifest", b"");
    let mut versions = Vec::new();
    let mut build_time = Duration::ZERO;
    for version in ["one", "two"] {
        write_version(&site, PAGES, version);
        let start = Instant::now();
        site.run(&["build", "--full"]).assert_success();
        build_time = build_time.max(start.elapsed());
        versions.push(published(&site));
    }
    assert_ne!(versions[0], versions[1]);

    // A fixed seed: the points vary across the build, the test does not.
    let mut seed: u64 = 0x5eed_2026;
    let mut killed_mid_write = 0;
    for round in 0..40 {
        let version = ["one", "two"][round % 2];
        write_version(&site, PAGES, version);
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let fraction = (seed >> 33) as f64 / (1u64 << 31) as f64;
        let delay = build_time.mul_f64(1.2 * fraction);
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("signposter"))
            .args(["build", "--full", "--root"])
            .arg(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        if !finished && site.exists(".public.staging") {
            killed_mid_write += 1;
        }
        let now = published(&site);
        assert!(
            now == versions[0] || now == versions[1],
            "round {round}: after a kill at {delay:?} the output is a mixture of versions"
        );
        assert_eq!(site.read("public/CNAME"), "example.org", "round {round}");
    }
    assert!(
        killed_mid_write >= 5,
        "only {killed_mid_write} of 40 kills landed while a build was writing"
    );

    // The next build clears whatever a killed build left and publishes.
    write_version(&site, PAGES, "three");
    site.run(&["build", "--full"]).assert_success();
    assert!(!site.exists(".public.staging") && !site.exists(".public.old"));
    assert!(
        site.read("public/notes/note-7/index.html")
            .contains("note 7 of version three")
    );
    assert_eq!(site.read("public/CNAME"), "example.org");
}
