//! `signposter serve` driven as a real process through the edits editors
//! make: add, edit, rename, delete, move, retag, break and fix. After each,
//! the served HTML must change and open pages must be told to reload.

mod common;

use std::io::Write;
use std::time::Duration;

use common::TestSite;
use common::serve::ServeProcess;

fn site() -> TestSite {
    TestSite::minimal()
        .file(
            "site.yml",
            "title: Serve test\nbase_url: https://example.org/sub/\ntaxonomies: [topics]\n",
        )
        .file("content/guide/_index.md", "---\ntitle: Guide\n---\n")
        .file("content/other/_index.md", "---\ntitle: Other\n---\n")
        .file(
            "content/guide/a.md",
            "---\ntitle: Page A\ntopics: [Alpha]\n---\nFirst version.\n",
        )
        .file("static/style-extra.css", "p { color: black }")
}

#[test]
fn every_kind_of_edit_shows_up_and_reloads_open_pages() {
    let site = site();
    let server = ServeProcess::start(site.root(), &[]);
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "binds to loopback by default"
    );
    let events = server.events();
    let page = server.get("/guide/a/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("First version."));
    assert!(
        page.body
            .contains("<script src=\"/__signposter/live.js\" defer></script></body>")
    );
    assert!(page.body.contains(&format!(
        "<link rel=\"canonical\" href=\"{}guide/a/\">",
        server.base
    )));

    // Add a page.
    site.write(
        "content/guide/b.md",
        b"---\ntitle: Page B\n---\nNew page.\n",
    );
    events.reload_of("/guide/b/");
    assert!(server.get("/guide/b/").body.contains("New page."));
    assert!(
        server.get("/guide/").body.contains("Page B"),
        "the section lists it"
    );

    // Edit a title: the page, its section and its neighbour change.
    site.write(
        "content/guide/b.md",
        b"---\ntitle: Page B renamed\n---\nNew page.\n",
    );
    let event = events.reload_of("/guide/b/");
    assert!(
        event.data["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "/guide/")
    );
    assert!(
        server.get("/guide/a/").body.contains("Page B renamed"),
        "the neighbour shows the new title"
    );

    // Rename the file.
    std::fs::rename(
        site.path("content/guide/b.md"),
        site.path("content/guide/c.md"),
    )
    .unwrap();
    events.reload_of("/guide/c/");
    assert_eq!(server.get("/guide/b/").status, 404);
    assert_eq!(server.get("/guide/c/").status, 200);

    // Delete it.
    site.remove("content/guide/c.md");
    events.reload_of("/guide/c/");
    assert_eq!(server.get("/guide/c/").status, 404);
    assert!(!server.get("/guide/").body.contains("Page B renamed"));

    // Move a page to another section.
    std::fs::rename(
        site.path("content/guide/a.md"),
        site.path("content/other/a.md"),
    )
    .unwrap();
    events.reload_of("/other/a/");
    assert_eq!(server.get("/guide/a/").status, 404);
    assert!(server.get("/other/").body.contains("Page A"));

    // Change its taxonomy terms.
    site.write(
        "content/other/a.md",
        b"---\ntitle: Page A\ntopics: [Beta]\n---\nFirst version.\n",
    );
    events.reload_of("/topics/beta/");
    assert!(server.get("/topics/beta/").body.contains("Page A"));
    assert_eq!(server.get("/topics/alpha/").status, 404);

    // Break the front matter: the last good site stays, with the errors shown.
    site.write(
        "content/other/a.md",
        b"---\ntitle: Page A: broken\n---\nSecond version.\n",
    );
    let errors = events.wait_for("errors", |_| true);
    let problems = errors.data["problems"].as_array().unwrap();
    assert!(
        problems[0]
            .as_str()
            .unwrap()
            .starts_with("content/other/a.md:2:14: error[yaml-syntax]: invalid YAML"),
        "{problems:?}"
    );
    let still = server.get("/other/a/");
    assert_eq!(still.status, 200);
    assert!(still.body.contains("First version."));
    // A page opened now learns about the errors straight away.
    let late = server.events();
    late.wait_for("errors", |_| true);

    // Fix it: the overlay goes and the page reloads.
    site.write(
        "content/other/a.md",
        b"---\ntitle: \"Page A: fixed\"\n---\nSecond version.\n",
    );
    events.wait_for("ok", |_| true);
    events.reload_of("/other/a/");
    assert!(server.get("/other/a/").body.contains("Second version."));

    // A stylesheet change swaps stylesheets without a reload.
    site.write("static/style-extra.css", b"p { color: navy }");
    let css = events.wait_for("css", |_| true);
    assert_eq!(css.data["changed"], serde_json::json!(["/style-extra.css"]));

    let printed = server.printed();
    assert!(
        printed.contains("content/other/a.md:2:14: error[yaml-syntax]: invalid YAML"),
        "the terminal shows the same diagnostics:\n{printed}"
    );
    assert_eq!(server.interrupt(), 0);
    assert!(
        !site.exists("public"),
        "serve never writes the output folder"
    );
}

#[test]
fn editors_save_habits_are_handled() {
    let site = site();
    let server = ServeProcess::start(site.root(), &[]);
    let events = server.events();

    // Swap, backup and lock files never trigger a rebuild.
    for junk in [
        "content/guide/.a.md.swp",
        "content/guide/a.md~",
        "content/guide/4913",
        "content/guide/a.md___jb_tmp___",
        "content/guide/#a.md#",
    ] {
        site.write(junk, b"junk");
    }
    let seen = events.drain(Duration::from_millis(600));
    assert!(seen.is_empty(), "junk files caused events: {seen:?}");

    // An atomic save: write a temporary file, then rename it over the page.
    site.write(
        "content/guide/.a.md.tmp",
        b"---\ntitle: Page A\n---\nAtomic save.\n",
    );
    std::fs::rename(
        site.path("content/guide/.a.md.tmp"),
        site.path("content/guide/a.md"),
    )
    .unwrap();
    events.reload_of("/guide/a/");
    assert!(server.get("/guide/a/").body.contains("Atomic save."));

    // A new folder with a page in it, then the folder removed.
    site.write("content/fresh/_index.md", b"---\ntitle: Fresh\n---\n");
    site.write(
        "content/fresh/page.md",
        b"---\ntitle: Fresh page\n---\nHello.\n",
    );
    events.reload_of("/fresh/page/");
    site.remove("content/fresh");
    events.reload_of("/fresh/page/");
    assert_eq!(server.get("/fresh/page/").status, 404);

    // A burst of saves settles on the last one.
    for i in 0..300 {
        site.write(
            "content/guide/a.md",
            format!("---\ntitle: Page A\n---\nSave number {i}.\n").as_bytes(),
        );
    }
    server.get_until("/guide/a/", "the last save never showed up", |reply| {
        reply.body.contains("Save number 299.")
    });
    let rebuilds = server.printed().matches("Rebuilt in").count();
    assert!(
        rebuilds < 150,
        "{rebuilds} rebuilds for 300 saves: bursts are not being gathered"
    );
}

#[test]
fn requests_never_reach_outside_the_built_site() {
    let site = site().file("secret.txt", "top secret");
    let server = ServeProcess::start(site.root(), &[]);
    for path in [
        "/../site.yml",
        "/%2e%2e/site.yml",
        "/%2e%2e%2fsite.yml",
        "/..%2fsecret.txt",
        "/guide/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/guide\\..\\..\\secret.txt",
        "/%00",
        "//etc/passwd",
        "/content/guide/a.md",
        "/site.yml",
    ] {
        let reply = server.get(path);
        assert!(
            reply.status == 404 || reply.status == 400,
            "{path}: {}",
            reply.status
        );
        assert!(
            !reply.body.contains("top secret") && !reply.body.contains("base_url"),
            "{path} leaked a file"
        );
    }
    let long = format!("/{}", "a".repeat(10_000));
    let reply = server.get(&long);
    assert!(
        reply.status >= 400,
        "a very long URL is refused: {}",
        reply.status
    );
    assert_eq!(server.get("/guide").status, 301);
}

#[test]
fn a_site_with_errors_still_starts_and_shows_them() {
    let site = site().file("content/guide/a.md", "---\ntitle: [unclosed\n---\n");
    let server = ServeProcess::start(site.root(), &[]);
    let events = server.events();
    let errors = events.wait_for("errors", |_| true);
    assert!(
        errors.data["problems"][0]
            .as_str()
            .unwrap()
            .contains("content/guide/a.md:2:8")
    );
    site.write("content/guide/a.md", b"---\ntitle: Fixed\n---\nNow fine.\n");
    events.wait_for("ok", |_| true);
    assert!(server.get("/guide/a/").body.contains("Now fine."));
}

#[test]
fn thousands_of_concurrent_connections_are_bounded() {
    const CLIENTS: usize = 2000;
    // This test needs more sockets than the usual limit of 1024 files.
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    limit.rlim_cur = limit.rlim_max.min(8192);
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    let clients = (limit.rlim_cur as usize).saturating_sub(200).min(CLIENTS);
    assert!(clients >= 1000, "only {clients} sockets allowed");

    let site = site();
    let server = ServeProcess::start(site.root(), &[]);
    let baseline = server.open_files();
    let address: std::net::SocketAddr = server.address.parse().unwrap();
    let mut held = Vec::new();
    let mut refused_in_a_row = 0;
    while held.len() < clients && refused_in_a_row < 10 {
        // Past the bound, connections wait in the kernel's queue, and once
        // that is full a connection attempt waits until it times out.
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(mut stream) => {
                refused_in_a_row = 0;
                // Half a request that never finishes: a slow client.
                let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n");
                held.push(stream);
            }
            Err(_) => refused_in_a_row += 1,
        }
    }
    assert!(held.len() > 256, "only {} connections made", held.len());
    std::thread::sleep(Duration::from_millis(500));
    let open = server.open_files();
    assert!(
        open <= baseline + 256 + 16,
        "{} clients held {} server files (baseline {baseline})",
        held.len(),
        open - baseline
    );
    drop(held);
    // Once they go, the preview answers again at once.
    server.get_until("/guide/a/", "the server stopped answering", |reply| {
        reply.status == 200
    });
}

/// A tiny deterministic generator, so a failing storm can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn a_storm_of_saves_deletes_and_renames_ends_equal_to_a_clean_build() {
    let site = site().file("content/storm/_index.md", "---\ntitle: Storm\n---\n");
    site.build().assert_success();
    let mut server = ServeProcess::start(site.root(), &[]);
    let mut random = Lcg(2026);
    let page = |n: usize| format!("content/storm/p{n}.md");
    let mut ever = std::collections::BTreeSet::new();
    for op in 0..3000 {
        let n = random.below(40);
        ever.insert(n);
        match random.below(6) {
            0..=2 => site.write(
                &page(n),
                format!(
                    "---\ntitle: Page {n}\ntopics: [T{}]\n---\nSave {op}, linking [home](/).\n",
                    op % 7
                )
                .as_bytes(),
            ),
            3 => {
                let _ = std::fs::remove_file(site.path(&page(n)));
            }
            4 => {
                let to = random.below(40);
                ever.insert(to);
                let _ = std::fs::rename(site.path(&page(n)), site.path(&page(to)));
            }
            _ => {
                let _ = std::fs::remove_dir_all(site.path("content/storm/sub"));
                site.write("content/storm/sub/_index.md", b"---\ntitle: Sub\n---\n");
                site.write(
                    "content/storm/sub/inner.md",
                    format!("---\ntitle: Inner\n---\nInner {op}.\n").as_bytes(),
                );
            }
        }
        match op {
            // A folder deleted while its pages are being rebuilt.
            1000 | 2000 => {
                for k in 0..30 {
                    site.write(
                        &format!("content/burst/b{k}.md"),
                        format!("---\ntitle: Burst {k}\n---\nBurst.\n").as_bytes(),
                    );
                }
                std::thread::sleep(Duration::from_millis(random.below(60) as u64));
                let _ = std::fs::remove_dir_all(site.path("content/burst"));
            }
            // The output folder deleted by hand.
            1500 => std::fs::remove_dir_all(site.path("public")).unwrap(),
            _ => {}
        }
    }
    // A last save to wait for: once it is served, everything before it is in.
    site.write(
        "content/storm/last.md",
        b"---\ntitle: Last\n---\nThe storm is over.\n",
    );
    server.get_until("/storm/last/", "the last save never showed up", |reply| {
        reply.body.contains("The storm is over.")
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.is_running(), "serve kept running");
    assert!(
        !site.exists("public"),
        "serve never writes the output folder"
    );

    // The served site equals a clean build of what is now on disk.
    let base = server.base.clone();
    site.run(&["build", "--base-url", &base, "--output", "clean"])
        .assert_success();
    let clean = site.snapshot_tree("clean");
    let tag = "<script src=\"/__signposter/live.js\" defer></script>";
    for (path, (bytes, _)) in &clean {
        if path.starts_with(".signposter") {
            continue;
        }
        let url = format!("/{}", path.trim_end_matches("index.html"));
        let reply = server.get(&url);
        assert_eq!(reply.status, 200, "{url}");
        let served = reply.body.replace(tag, "");
        assert!(
            served == String::from_utf8_lossy(bytes),
            "{url} differs from a clean build"
        );
    }
    for n in ever {
        if !site.exists(&page(n)) {
            assert_eq!(server.get(&format!("/storm/p{n}/")).status, 404, "p{n}");
        }
    }
    assert_eq!(server.get("/burst/b1/").status, 404);
}
