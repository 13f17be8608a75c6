//! `signposter build` end to end: the valid fixture site, each rule of the
//! build engine, and what must never happen to the output folder.

mod common;

use common::TestSite;

fn built_valid() -> TestSite {
    let site = TestSite::fixture("valid");
    site.build().assert_success();
    site
}

#[test]
fn valid_fixture_builds_with_a_one_line_summary() {
    let site = TestSite::fixture("valid");
    let run = site.build();
    run.assert_success();
    let last = run.stdout.lines().last().unwrap();
    assert!(last.starts_with("Built 4 pages, 3 sections in "), "{last}");
    assert!(
        last.ends_with("(1 draft skipped; use --drafts to include it)"),
        "{last}"
    );
}

#[test]
fn valid_fixture_html_matches_snapshots() {
    let site = built_valid();
    let files = site.html_files("public");
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "404.html",
            "about/index.html",
            "formats/face-to-face/index.html",
            "formats/index.html",
            "formats/online/index.html",
            "groups/balint/index.html",
            "groups/index.html",
            "guide/first/index.html",
            "guide/index.html",
            "guide/second/index.html",
            "index.html",
            "legacy/second.html",
            "old-second/index.html",
            "search/index.html",
            "topics/index.html",
            "topics/meta/index.html",
            "topics/reflective-practice/index.html",
        ]
    );
    for (path, html) in files {
        insta::assert_snapshot!(path.replace('/', "__"), html);
    }
}

#[test]
fn links_written_three_ways_all_reach_the_same_url() {
    let site = built_valid();
    let about = site.read("public/about/index.html");
    for text in ["relative", "content root", "root path"] {
        let link = format!(
            "<a href=\"/guide-site/guide/first/#second-heading\">second heading, {text}</a>"
        );
        assert!(about.contains(&link), "missing {link}");
    }
    assert!(about.contains("<a href=\"/guide-site/groups/\">the groups</a>"));
    assert!(about.contains("<a href=\"https://example.com/\">example</a>"));
}

#[test]
fn pretty_urls_bundles_assets_and_static_files() {
    let site = built_valid();
    for path in [
        "public/guide/first/index.html",
        "public/groups/balint/index.html",
        "public/groups/balint/room.svg",
        "public/images/logo.svg",
        "public/style.css",
        "public/highlight.css",
        "public/404.html",
    ] {
        assert!(site.exists(path), "{path}");
    }
    let balint = site.read("public/groups/balint/index.html");
    assert!(balint.contains(
        "<img src=\"/guide-site/groups/balint/room.svg\" alt=\"A circle of eight chairs\""
    ));
}

#[test]
fn drafts_are_skipped_unless_asked_for() {
    let site = TestSite::fixture("valid");
    site.build().assert_success();
    assert!(!site.exists("public/guide/wip/index.html"));
    let run = site.run(&["build", "--drafts"]);
    run.assert_success();
    assert!(site.exists("public/guide/wip/index.html"));
    assert!(run.stdout.contains("Built 5 pages"), "{}", run.stdout);
    assert!(!run.stdout.contains("skipped"));
}

#[test]
fn base_url_and_output_can_be_overridden() {
    let site = TestSite::fixture("valid");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    site.run(&[
        "build",
        "--base-url",
        "http://localhost:8000/",
        "--output",
        target.to_str().unwrap(),
    ])
    .assert_success();
    let html = std::fs::read_to_string(target.join("guide/first/index.html")).unwrap();
    assert!(html.contains("<link rel=\"canonical\" href=\"http://localhost:8000/guide/first/\">"));
    assert!(html.contains("href=\"/style.css\""));
    assert!(!site.exists("public"));
}

#[test]
fn output_dir_from_config_is_used() {
    let site = TestSite::minimal().file(
        "site.yml",
        "title: T\nbase_url: https://example.org\noutput_dir: dist\n",
    );
    site.build().assert_success();
    assert!(site.exists("dist/index.html"));
}

#[test]
fn a_site_needs_no_theme_folder() {
    let site = TestSite::minimal().file("content/page.md", "---\ntitle: A page\n---\nHello.\n");
    site.build().assert_success();
    let html = site.read("public/page/index.html");
    assert!(html.contains("<h1 class=\"page__title\">A page</h1>"));
    assert!(html.contains("<a class=\"skip-link\" href=\"#main--content\">"));
    assert!(site.exists("public/style.css"));
}

#[test]
fn site_templates_and_static_files_override_the_theme_by_name() {
    let site = TestSite::minimal()
        .file("templates/index.html", "{% extends \"base.html\" %}{% block content %}<p>custom home</p>{% endblock content %}")
        .file("static/style.css", "body { color: red }");
    site.build().assert_success();
    assert!(
        site.read("public/index.html")
            .contains("<p>custom home</p>")
    );
    assert_eq!(site.read("public/style.css"), "body { color: red }");
}

/// Remembers the phases a build announces, in order.
#[derive(Default)]
struct PhaseLog(std::sync::Mutex<Vec<String>>);

impl signposter::site::PhaseObserver for PhaseLog {
    fn started(&self, phase: &'static str) {
        self.0.lock().unwrap().push(format!("{phase} started"));
    }
    fn finished(&self, phase: &'static str, _took: std::time::Duration) {
        self.0.lock().unwrap().push(format!("{phase} finished"));
    }
}

#[test]
fn a_build_announces_every_phase_in_order_for_the_progress_display() {
    use signposter::site::{BUILD_PHASES, BuildOptions, Observer, SiteOptions};
    let site = TestSite::fixture("valid");
    let log = std::sync::Arc::new(PhaseLog::default());
    let options = BuildOptions {
        site: SiteOptions {
            root: site.root().to_path_buf(),
            ..SiteOptions::default()
        },
        progress: Some(Observer(log.clone())),
        ..BuildOptions::default()
    };
    signposter::site::build(&options).expect("the valid fixture builds");
    let expected: Vec<String> = BUILD_PHASES
        .iter()
        .flat_map(|phase| [format!("{phase} started"), format!("{phase} finished")])
        .collect();
    assert_eq!(*log.0.lock().unwrap(), expected);
}

#[test]
fn a_site_theme_folder_overrides_the_built_in_theme() {
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\ntheme: clinic\n",
        )
        .file(
            "themes/clinic/templates/index.html",
            "<p>clinic theme {{ section.title }}</p>",
        )
        .file("themes/clinic/static/clinic.css", "p {}");
    site.build().assert_success();
    assert_eq!(site.read("public/index.html"), "<p>clinic theme Home</p>");
    assert!(site.exists("public/clinic.css"));
    // Templates the theme does not have still come from the built-in theme.
    assert!(site.exists("public/404.html"));
}

#[test]
fn aliases_become_redirect_pages() {
    let site = built_valid();
    for path in ["public/old-second/index.html", "public/legacy/second.html"] {
        let html = site.read(path);
        assert!(
            html.contains(
                "<meta http-equiv=\"refresh\" content=\"0; url=/guide-site/guide/second/\">"
            ),
            "{path}"
        );
        assert!(html.contains(
            "<link rel=\"canonical\" href=\"https://example.org/guide-site/guide/second/\">"
        ));
        assert!(html.contains("<a href=\"/guide-site/guide/second/\">Second page</a>"));
    }
}

#[test]
fn headings_get_anchors_and_ids_never_repeat() {
    let site = built_valid();
    let html = site.read("public/guide/first/index.html");
    assert!(html.contains("<h2 id=\"second-heading\">Second heading<a class=\"heading-anchor\" href=\"#second-heading\""));
    assert!(html.contains("<h3 id=\"custom-id\">"));
    assert!(html.contains("<li id=\"fn-1\">"));
    let ids = signposter::html::ids(&html);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
}

#[test]
fn templates_get_toc_summary_ancestors_neighbours_and_lookups() {
    let site = TestSite::minimal()
        .file("content/guide/_index.md", "---\ntitle: Guide\n---\n")
        .file("content/guide/a.md", "---\ntitle: A\nweight: 1\n---\nFirst para of A.\n\n## One\n\n### One point one\n\n## Two\n")
        .file("content/guide/b.md", "---\ntitle: B\nweight: 2\n---\nIntro of B.\n\n<!-- more -->\n\nRest of B.\n")
        .file(
            "templates/page.html",
            "toc={% for e in page.toc %}{{ e.title }}({% for c in e.children %}{{ c.title }}{% endfor %}){% endfor %}\nsummary={{ page.summary }}\ncrumbs={% for a in page.ancestors %}{{ a.title }}/{% endfor %}\nprev={{ page.previous.title if page.previous else '-' }} next={{ page.next.title if page.next else '-' }}\n{% set b = get_page(path='guide/b.md') %}{% set g = get_section(path='guide/_index.md') %}lookup={{ b.title }} {{ g.pages | length }} {{ url_for(path='@/guide/b.md') }} {{ url_for(path='@/guide/a.md', absolute=true) }}\n",
        );
    site.build().assert_success();
    let a = site.read("public/guide/a/index.html");
    assert!(a.contains("toc=One(One point one)Two()"), "{a}");
    assert!(a.contains("summary=<p>First para of A.</p>"));
    assert!(a.contains("crumbs=Home/Guide/"));
    assert!(a.contains("prev=- next=B"));
    assert!(a.contains("lookup=B 2 /guide/b/ https://example.org/guide/a/"));
    let b = site.read("public/guide/b/index.html");
    assert!(b.contains("summary=<p>Intro of B.</p>"), "{b}");
    assert!(b.contains("prev=A next=-"));
}

#[test]
fn sections_order_pages_by_weight_then_newest_date_then_title() {
    let site = TestSite::minimal()
        .file("content/n/_index.md", "---\ntitle: News\n---\n")
        .file(
            "content/n/old.md",
            "---\ntitle: Old\ndate: 2020-01-01\n---\n",
        )
        .file(
            "content/n/new.md",
            "---\ntitle: New\ndate: 2025-01-01\n---\n",
        )
        .file("content/n/b.md", "---\ntitle: Beta\n---\n")
        .file("content/n/a.md", "---\ntitle: alpha\n---\n")
        .file(
            "content/n/pinned.md",
            "---\ntitle: Pinned\nweight: 1\n---\n",
        )
        .file(
            "templates/section.html",
            "{% for p in section.pages %}{{ p.title }},{% endfor %}",
        );
    site.build().assert_success();
    assert_eq!(
        site.read("public/n/index.html"),
        "Pinned,New,Old,alpha,Beta,"
    );
}

#[test]
fn page_and_section_templates_can_be_chosen_in_front_matter() {
    let site = TestSite::minimal()
        .file(
            "content/g/_index.md",
            "---\ntitle: G\npage_template: group.html\n---\n",
        )
        .file("content/g/one.md", "---\ntitle: One\n---\n")
        .file(
            "content/g/two.md",
            "---\ntitle: Two\ntemplate: special.html\n---\n",
        )
        .file("templates/group.html", "group {{ page.title }}")
        .file("templates/special.html", "special {{ page.title }}");
    site.build().assert_success();
    assert_eq!(site.read("public/g/one/index.html"), "group One");
    assert_eq!(site.read("public/g/two/index.html"), "special Two");
}

#[test]
fn bom_and_crlf_are_accepted_and_dates_never_shift() {
    let site = TestSite::minimal()
        .bytes("content/win.md", b"\xef\xbb\xbf---\r\ntitle: Windows\r\ndate: 2025-06-20T23:30:00-08:00\r\n---\r\nBody.\r\n")
        .file("templates/page.html", "{{ page.title }} {{ page.date }} {{ page.date | date }}");
    site.build().assert_success();
    assert_eq!(
        site.read("public/win/index.html"),
        "Windows 2025-06-20 20 June 2025"
    );
}

#[test]
fn smart_punctuation_can_be_turned_off() {
    let page = "---\ntitle: Q\n---\n\"Quotes\" -- dashes\n";
    let on = TestSite::minimal().file("content/q.md", page);
    on.build().assert_success();
    assert!(on.read("public/q/index.html").contains("“Quotes” – dashes"));
    let off = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\nmarkdown:\n  smart_punctuation: false\n",
        )
        .file("content/q.md", page);
    off.build().assert_success();
    assert!(
        off.read("public/q/index.html")
            .contains("\"Quotes\" -- dashes")
    );
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_stay_plain() {
    let site = built_valid();
    let html = site.read("public/guide/first/index.html");
    assert!(html.contains("<pre><code class=\"language-rust\"><span class=\"hl-"));
    assert!(html.contains("<pre><code class=\"language-no-such-language\">&lt;kept as text&gt;"));
    assert!(
        html.contains("highlight.css"),
        "pages with code link the stylesheet"
    );
    let css = site.read("public/highlight.css");
    assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
    assert!(
        !site
            .read("public/about/index.html")
            .contains("highlight.css")
    );
}

#[test]
fn broken_links_can_be_made_warnings() {
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\nlinks:\n  internal: warn\n",
        )
        .file("content/a.md", "---\ntitle: A\n---\n[gone](/gone/)\n");
    let run = site.build();
    run.assert_success();
    run.assert_stderr_contains("content/a.md:4:1: warning[broken-link]: broken link");
    assert!(site.exists("public/a/index.html"));
}

#[test]
fn a_build_with_nothing_changed_leaves_the_output_alone_and_repeats_its_warnings() {
    let site = TestSite::minimal()
        .file(
            "site.yml",
            "title: T\nbase_url: https://example.org\nlinks:\n  internal: warn\n",
        )
        .file("content/a.md", "---\ntitle: A\n---\n[gone](/gone/)\n");
    site.settle();
    let first = site.build();
    first.assert_success();
    assert!(first.stdout.contains("Built 1 page"), "{}", first.stdout);
    let output = site.snapshot_tree("public");

    let again = site.build();
    again
        .assert_success()
        .assert_stdout_contains("Up to date: 1 page, 1 section, nothing changed")
        .assert_stderr_contains("content/a.md:4:1: warning[broken-link]: broken link");
    assert_eq!(
        site.snapshot_tree("public"),
        output,
        "nothing was rewritten"
    );

    let forced = site.run(&["build", "--full"]);
    forced
        .assert_success()
        .assert_stdout_contains("Built 1 page");
}

#[test]
fn a_changed_source_or_output_file_means_a_real_build() {
    let site = TestSite::fixture("valid");
    site.settle();
    site.build().assert_success();
    site.build().assert_stdout_contains("Up to date");

    // A hand edit of the output is put right.
    let home = site.read("public/index.html");
    site.write("public/index.html", b"edited by hand");
    site.build()
        .assert_success()
        .assert_stdout_contains("Built ");
    assert_eq!(site.read("public/index.html"), home);

    // So is an edit to the content, even one that keeps the file's size.
    let about = site.read("content/about.md");
    let edited = about.replacen("About", "Abuot", 1);
    assert_eq!(about.len(), edited.len());
    site.write("content/about.md", edited.as_bytes());
    site.build()
        .assert_success()
        .assert_stdout_contains("Built ");
    assert!(site.read("public/about/index.html").contains("Abuot"));

    // And building with other options.
    site.settle();
    site.build().assert_success();
    site.run(&["build", "--drafts"])
        .assert_success()
        .assert_stdout_contains("Built ");
}

#[test]
fn every_error_in_every_file_is_reported_in_one_run() {
    let site = TestSite::fixture("invalid/many-errors");
    let run = site.build();
    run.assert_failure(1);
    for file in ["a.md", "b.md", "c.md", "d.md"] {
        run.assert_stderr_contains(&format!("content/{file}:"));
    }
}

#[test]
fn files_the_editor_put_in_the_output_folder_are_kept() {
    let site = built_valid();
    site.write("public/CNAME", b"example.org");
    site.write(
        "public/.well-known/security.txt",
        b"Contact: mailto:a@example.org",
    );
    let run = site.build();
    run.assert_success();
    run.assert_stdout_contains("Kept 2 files in public that signposter did not write");
    assert_eq!(site.read("public/CNAME"), "example.org");
    assert!(site.exists("public/.well-known/security.txt"));

    // The stamp, made from what the build put in the folder (the kept files
    // too) without reading it back, matches the folder as it is.
    site.settle();
    site.build().assert_success();
    site.build()
        .assert_success()
        .assert_stdout_contains("Up to date");
}

/// Kept files were once copied under their names made into UTF-8, so a
/// name that was not UTF-8 came back with U+FFFD in it, and the original
/// went with the previous site.
#[cfg(unix)]
#[test]
fn an_editors_file_whose_name_is_not_utf8_keeps_its_exact_name() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let site = built_valid();
    let name = OsStr::from_bytes(b"notes-\xff.txt");
    let folder = OsStr::from_bytes(b"drafts-\xfe");
    let file = site.path("public").join(name);
    let nested = site.path("public").join(folder).join("plan.txt");
    let empty = site
        .path("public")
        .join(folder)
        .join(OsStr::from_bytes(b"empty-\xfd"));
    std::fs::write(&file, "mine").unwrap();
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(&nested, "also mine").unwrap();

    let run = site.build();
    run.assert_success();
    run.assert_stdout_contains("Kept 3 files in public that signposter did not write");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(&nested).unwrap(), "also mine");
    assert!(empty.is_dir());
    let names: Vec<_> = std::fs::read_dir(site.path("public"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    // No copy under a name made into UTF-8 beside them.
    assert!(
        !names
            .iter()
            .any(|n| n.to_str().is_some_and(|n| n.contains('\u{FFFD}'))),
        "{names:?}"
    );

    // The stamp cannot list such names, so it is made by walking the folder,
    // and still finds the site up to date.
    site.settle();
    site.build().assert_success();
    site.build()
        .assert_success()
        .assert_stdout_contains("Up to date");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

#[test]
fn pages_removed_from_content_disappear_from_the_output() {
    let site = built_valid();
    assert!(site.exists("public/about/index.html"));
    site.remove("content/about.md");
    site.write(
        "content/_index.md",
        b"---\ntitle: Fixture home\n---\nHome.\n",
    );
    site.build().assert_success();
    assert!(!site.exists("public/about/index.html"));
}

#[test]
fn unsafe_output_folders_are_refused() {
    let site = TestSite::minimal();
    for output in [".", "content", "content/public", ".."] {
        let run = site.run(&["build", "--output", output]);
        run.assert_failure(1);
        run.assert_stderr_contains("refusing to use");
    }
    assert!(site.exists("content/_index.md"));
}

#[test]
fn a_foreign_non_empty_output_folder_needs_force() {
    let site = TestSite::minimal().file("public/notes.txt", "mine");
    let run = site.build();
    run.assert_failure(1);
    run.assert_stderr_contains("is not empty and was not made by signposter");
    site.run(&["build", "--force"]).assert_success();
    assert_eq!(site.read("public/notes.txt"), "mine");
    assert!(site.exists("public/index.html"));
}

#[test]
fn usage_errors_exit_with_code_two() {
    let site = TestSite::minimal();
    site.run(&["build", "--no-such-flag"]).assert_failure(2);
    site.run(&["frobnicate"]).assert_failure(2);
}

#[test]
fn verbose_prints_each_phase() {
    let run = TestSite::minimal().run(&["build", "--verbose"]);
    run.assert_success();
    for phase in [
        "config",
        "content",
        "templates",
        "markdown",
        "render",
        "links",
        "commit",
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(phase)),
            "{phase}: {}",
            run.stdout
        );
    }
}

#[test]
fn a_missing_config_says_what_to_do() {
    let run = TestSite::empty().build();
    run.assert_failure(1);
    run.assert_stderr_contains("no site.yml found");
    run.assert_stderr_contains("hint:");
}

#[test]
fn titles_are_escaped_in_templates() {
    let site = TestSite::minimal().file(
        "content/x.md",
        "---\ntitle: \"<script>alert(1)</script>\"\n---\nx\n",
    );
    site.build().assert_success();
    let html = site.read("public/x/index.html");
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;alert(1)"));
}

/// Every file under `folder` but signposter's own bookkeeping, with its bytes.
fn published_files(folder: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(folder)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(folder).unwrap();
            let relative = relative.to_string_lossy().replace('\\', "/");
            (relative, std::fs::read(entry.path()).unwrap())
        })
        .filter(|(path, _)| {
            path != signposter::output::MANIFEST && path != signposter::output::STAMP
        })
        .collect()
}

fn site_options(site: &TestSite) -> signposter::site::SiteOptions {
    signposter::site::SiteOptions {
        root: site.root().canonicalize().unwrap(),
        ..Default::default()
    }
}

/// `signposter build` lets go of each input once the build is past it (the
/// bodies after Markdown, the plain text after the search index) to keep
/// its memory down. What it writes must be byte for byte what a site kept
/// for rebuilds, as in the dev server, holds.
#[test]
fn a_build_that_lets_go_of_its_sources_writes_what_a_kept_site_holds() {
    let site = TestSite::fixture("valid");
    let (session, first) = signposter::serve::Session::start(&site_options(&site)).unwrap();
    first.expect("the valid fixture builds");
    site.build().assert_success();
    let built = published_files(&site.path("public"));
    let kept: std::collections::BTreeMap<String, Vec<u8>> = session
        .files()
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
        .collect();
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        kept.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &built {
        assert!(kept[path] == *bytes, "{path} differs");
    }
}

/// Link and id findings come after rendering, when a build has let go of
/// the bodies: they must still quote the line they point at, read again
/// from the file, exactly as a kept site quotes it.
#[test]
fn findings_after_the_bodies_are_let_go_still_quote_their_lines() {
    let site = TestSite::minimal()
        .file(
            "content/guide.md",
            "---\ntitle: Guide\n---\nIntro.\n\n## Clash {#main--content}\n\nSee [the list](/lists/) and [steps](#stepz).\n\n## Steps\n",
        )
        .file(
            "content/crlf.md",
            "---\r\ntitle: Windows\r\n---\r\nRead [this](/gone/) first.\r\n",
        );
    let options = signposter::site::BuildOptions {
        site: site_options(&site),
        ..Default::default()
    };
    let once = signposter::site::build(&options).expect_err("the site has broken links");
    let (_, kept) = signposter::serve::Session::start(&site_options(&site)).unwrap();
    let kept = kept.expect_err("the site has broken links");
    let plain = signposter::diagnostics::Palette::plain();
    let once = signposter::diagnostics::render_all(&once, plain);
    assert_eq!(once, signposter::diagnostics::render_all(&kept, plain));
    for quoted in [
        "See [the list](/lists/) and [steps](#stepz).",
        "## Clash {#main--content}",
        "Read [this](/gone/) first.",
    ] {
        assert!(
            once.contains(quoted),
            "{quoted:?} is not quoted in:\n{once}"
        );
    }
}

/// The memory a one-off build saves is only saved if the inputs really go:
/// once loaded to be built once, no body, plain text, link resolution or
/// summary is left in the renders, where a site kept for rebuilds holds
/// them all. (The template values hold the summaries.)
#[test]
fn a_site_loaded_to_be_built_once_holds_no_bodies_plain_text_resolutions_or_summaries() {
    use signposter::site::{Retention, Site};
    let site = TestSite::fixture("valid");
    let kept = Site::load(&site_options(&site)).unwrap();
    let once = Site::load_retaining(&site_options(&site), None, Retention::BuildOnce).unwrap();
    for (site, holds) in [(&kept, true), (&once, false)] {
        let model = &site.model;
        let bodies = model.tree.pages.iter().map(|p| &p.body);
        let bodies = bodies.chain(model.tree.sections.iter().map(|s| &s.body));
        let rendered: Vec<_> = model.pages_md.iter().chain(&model.sections_md).collect();
        assert_eq!(bodies.clone().any(|b| !b.is_empty()), holds);
        assert_eq!(rendered.iter().any(|r| !r.text.is_empty()), holds);
        assert_eq!(rendered.iter().any(|r| !r.resolutions.is_empty()), holds);
        assert_eq!(rendered.iter().any(|r| !r.summary.is_empty()), holds);
        assert_eq!(rendered.iter().any(|r| !r.summary_text.is_empty()), holds);
    }
}

/// Pages that carry the same taxonomy term share one link value for it
/// rather than each holding a copy: at 10,000 pages the copies came to
/// about 13 MiB.
#[test]
fn pages_with_the_same_term_share_one_link_value() {
    let site = TestSite::fixture("valid");
    let loaded = signposter::site::Site::load(&site_options(&site)).unwrap();
    let model = &loaded.model;
    let term_link = |content_path: &str, term: &str| {
        let page = model
            .tree
            .pages
            .iter()
            .find(|p| p.file.content_path == content_path)
            .unwrap();
        let value = &loaded.values.pages[page.id.0 as usize];
        let links = value.get_from_path("taxonomies.topics").unwrap();
        let link = links
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l.get_from_path("name").and_then(|n| n.as_str()) == Some(term))
            .unwrap_or_else(|| panic!("{content_path} has no topic {term}"));
        link.as_map().unwrap() as *const _
    };
    let first = term_link("guide/first.md", "Reflective practice");
    assert_eq!(first, term_link("guide/second.md", "Reflective practice"));
    assert_ne!(first, term_link("guide/first.md", "Meta"));
    assert_eq!(
        term_link("guide/first.md", "Meta"),
        term_link("about.md", "Meta")
    );
}

/// Between Markdown and the render, a one-off site holds each page's HTML
/// packed, the same HTML a kept site holds as text; at 10,000 pages the
/// text was the largest part of the build's peak memory.
#[test]
fn a_one_off_site_holds_page_html_packed_until_its_render() {
    use signposter::markdown::BodyHtml;
    use signposter::site::{Retention, Site};
    let site = TestSite::fixture("valid");
    let kept = Site::load(&site_options(&site)).unwrap();
    let once = Site::load_retaining(&site_options(&site), None, Retention::BuildOnce).unwrap();
    assert!(!kept.model.pages_md.is_empty());
    for (kept, once) in kept.model.pages_md.iter().zip(&once.model.pages_md) {
        let BodyHtml::Text(text) = &kept.html else {
            panic!("a kept site holds its HTML as text")
        };
        let BodyHtml::Packed(packed) = &once.html else {
            panic!("a one-off site holds its page HTML packed")
        };
        assert_eq!(packed.unpack(), *text);
    }
}

/// What most pages hold alike is one shared value, not a copy per page:
/// the empty `extra` and `fields` maps, and the meta description when it is
/// the description. With the empty lists shared too, this took about 35 MiB
/// off the peak of a 100,000-page build. (Empty lists cannot be told apart
/// by address, and strings of up to 21 bytes are held inside the value, so
/// the test looks at maps and at a description longer than that.)
#[test]
fn pages_share_one_value_for_what_they_hold_alike() {
    let site = TestSite::fixture("valid");
    let loaded = signposter::site::Site::load(&site_options(&site)).unwrap();
    let value = |content_path: &str| {
        let page = (loaded.model.tree.pages.iter())
            .find(|p| p.file.content_path == content_path)
            .unwrap();
        &loaded.values.pages[page.id.0 as usize]
    };
    let (first, about) = (value("guide/first.md"), value("about.md"));
    for key in ["extra", "fields"] {
        let map = |value: &signposter::templates::Value| {
            let map = value.get_from_path(key).unwrap().as_map();
            map.unwrap_or_else(|| panic!("{key} is not a map")) as *const _
        };
        assert_eq!(map(first), map(about), "{key}");
    }
    let text = |key: &str| first.get_from_path(key).unwrap().as_str().unwrap().as_ptr();
    assert_eq!(text("description"), text("meta_description"));
}

/// A one-off build hands each page's body HTML to the job that writes the
/// page, which frees it once written; a site kept for rebuilds keeps it.
#[test]
fn a_build_once_render_lets_go_of_each_page_body_as_it_is_written() {
    use signposter::site::{MemorySink, Retention, Site};
    let site = TestSite::fixture("valid").file(
        "content/unsearched.md",
        "---\ntitle: Not in search\nsearch: false\n---\nA page the index skips.\n",
    );
    let mut kept = Site::load(&site_options(&site)).unwrap();
    let mut once = Site::load_retaining(&site_options(&site), None, Retention::BuildOnce).unwrap();
    let (kept_out, once_out) = (MemorySink::new(), MemorySink::new());
    kept.render(&kept_out);
    once.render(&once_out);
    let bodies_held = |site: &Site| {
        let held = site.model.pages_md.iter().filter(|r| !r.html.is_empty());
        held.count()
    };
    assert!(bodies_held(&kept) > 0);
    assert_eq!(bodies_held(&once), 0, "every page's HTML was handed over");
    assert_eq!(kept_out.into_files(), once_out.into_files());
}

/// A one-off site's page HTML goes to its first render; rendering it again
/// without reloading would write empty pages, so it is refused.
#[test]
#[should_panic(expected = "renders once per load or update")]
fn a_site_loaded_to_be_built_once_refuses_a_second_render() {
    use signposter::site::{DiscardSink, Retention, Site};
    let site = TestSite::fixture("valid");
    let mut once = Site::load_retaining(&site_options(&site), None, Retention::BuildOnce).unwrap();
    once.render(&DiscardSink);
    once.render(&DiscardSink);
}
