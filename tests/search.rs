//! The search index and section filters, read back the way the browser reads
//! them: the index meta, only the chunks a query needs, then page fragments.
//! The same query steps run in `search.js`; `tests/browser.rs` checks the two agree.

mod common;

use common::TestSite;
use serde_json::Value;
use signposter::search::{encode::Meta, query};

const CONFIG: &str = "title: Search test\nbase_url: https://example.org/\n\
taxonomies:\n  - name: costs\n  - name: formats\n";

fn page(title: &str, extra_front: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndescription: About {title}.\n{extra_front}---\n{body}\n")
}

fn site() -> TestSite {
    TestSite::empty()
        .file("site.yml", CONFIG)
        .file("content/_index.md", &page("Home", "", "Welcome."))
        .file(
            "content/groups/_index.md",
            &page("Groups", "filters: [costs, formats]\n", "Groups to join."),
        )
        .file(
            "content/groups/supervision.md",
            &page(
                "Clinical supervision",
                "costs: [free]\nformats: [online]\n",
                "## Finding a supervisor\n\nA group that meets monthly.",
            ),
        )
        .file(
            "content/groups/balint.md",
            &page(
                "Balint group",
                "costs: [paid]\nformats: [online]\n",
                "Case discussion. Some members also arrange supervision elsewhere.",
            ),
        )
        .file(
            "content/groups/face-to-face.md",
            &page(
                "Peer group in Leeds",
                "costs: [free]\nformats: [face-to-face]\n",
                "Meets in person.",
            ),
        )
        .file(
            "content/private.md",
            &page(
                "Internal supervision notes",
                "search: false\n",
                "Supervision rota for the team.",
            ),
        )
}

fn meta(site: &TestSite) -> Meta {
    serde_json::from_str(&site.read("public/search/index.json")).unwrap()
}

/// The URLs a query finds, best first.
fn answer(site: &TestSite, text: &str) -> Vec<String> {
    let found = query::run(
        &meta(site),
        &mut |name| std::fs::read(site.path(&format!("public/search/chunks/{name}.bin"))).ok(),
        text,
    );
    found
        .pages
        .iter()
        .map(|(number, _)| {
            fragment(site, *number as usize)["u"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn fragment(site: &TestSite, number: usize) -> Value {
    serde_json::from_str(&site.read(&format!("public/search/pages/{number}.json"))).unwrap()
}

#[test]
fn title_hits_rank_above_body_hits_and_word_forms_match() {
    let site = site();
    site.build().assert_success();
    let found = answer(&site, "supervise");
    assert_eq!(
        found,
        ["/groups/supervision/", "/groups/balint/"],
        "the title hit comes first, the body hit second, and the opted-out page never"
    );
    // Search as you type: a prefix finds the whole word.
    assert_eq!(answer(&site, "supervi")[0], "/groups/supervision/");
    // A heading counts above body text ("supervisor" is in one page's heading,
    // and shares its stem with "supervision" in the other's body).
    assert_eq!(
        answer(&site, "supervisor"),
        ["/groups/supervision/", "/groups/balint/"]
    );
    // Every word must match.
    assert_eq!(answer(&site, "balint case"), ["/groups/balint/"]);
    assert!(answer(&site, "balint leeds").is_empty());
}

#[test]
fn pages_with_search_false_are_left_out_of_every_file() {
    let site = site();
    site.build().assert_success();
    let meta = meta(&site);
    let mut texts = String::new();
    for number in 0..meta.pages {
        texts.push_str(&fragment(&site, number).to_string());
    }
    assert!(texts.contains("Clinical supervision"));
    assert!(!texts.contains("Internal supervision"), "{texts}");
    assert!(!texts.contains("/private/"));
    // The page itself is still built.
    assert!(site.exists("public/private/index.html"));
}

#[test]
fn one_query_downloads_only_the_chunks_its_words_need() {
    let mut site = site();
    for n in 0..300 {
        site = site.file(
            &format!("content/groups/extra-{n}.md"),
            &page(
                &format!("Extra page {n}"),
                "",
                &format!("Filler words unique{n} and more{n} text."),
            ),
        );
    }
    site.build().assert_success();
    let meta = meta(&site);
    assert!(meta.chunks.len() > 4, "{} chunks", meta.chunks.len());
    let mut fetched = Vec::new();
    let found = query::run(
        &meta,
        &mut |name| {
            fetched.push(name.to_string());
            std::fs::read(site.path(&format!("public/search/chunks/{name}.bin"))).ok()
        },
        "balint",
    );
    assert_eq!(found.pages.len(), 1);
    assert!(fetched.len() <= 2, "fetched {fetched:?}");
}

#[test]
fn snippets_quote_the_text_and_fragments_carry_the_section() {
    let site = site();
    site.build().assert_success();
    let number = (0..meta(&site).pages)
        .find(|n| fragment(&site, *n)["u"] == "/groups/balint/")
        .unwrap();
    let fragment = fragment(&site, number);
    assert_eq!(fragment["t"], "Balint group");
    assert_eq!(fragment["s"], "Groups");
    assert_eq!(fragment["d"], "About Balint group.");
    assert!(fragment["x"].as_str().unwrap().contains("Case discussion."));
}

#[test]
fn section_filters_get_a_page_per_term_listing_only_matching_pages() {
    let site = site();
    site.build().assert_success();
    let free = site.read("public/groups/costs/free/index.html");
    assert!(free.contains("Clinical supervision"));
    assert!(free.contains("Peer group in Leeds"));
    assert!(!free.contains(">Balint group<"), "{free}");
    let online = site.read("public/groups/formats/online/index.html");
    assert!(online.contains("Balint group") && online.contains("Clinical supervision"));
    assert!(!online.contains("Peer group in Leeds"));
    // The listing links to every filter page, which work with no script at all.
    let listing = site.read("public/groups/index.html");
    for href in [
        "/groups/costs/free/",
        "/groups/costs/paid/",
        "/groups/formats/online/",
        "/groups/formats/face-to-face/",
    ] {
        assert!(listing.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(site.exists("public/search/index.html"));
}

#[test]
fn search_can_be_turned_off_for_a_site() {
    let site = site().file("site.yml", &format!("{CONFIG}search:\n  enabled: false\n"));
    site.build().assert_success();
    assert!(!site.exists("public/search"));
    assert!(!site.read("public/index.html").contains("role=\"search\""));
}

#[test]
fn an_unknown_filter_or_facet_names_the_file_and_suggests_a_taxonomy() {
    let site = site().file(
        "content/groups/_index.md",
        &page("Groups", "filters: [cost]\n", "Groups."),
    );
    site.build()
        .assert_failure(1)
        .assert_stderr_contains("content/groups/_index.md:4:")
        .assert_stderr_contains("`cost` is not one of the site's taxonomies")
        .assert_stderr_contains("costs");
    let site = site.file(
        "site.yml",
        &format!("{CONFIG}search:\n  facets: [format]\n"),
    );
    site.build()
        .assert_failure(1)
        .assert_stderr_contains("site.yml:")
        .assert_stderr_contains("`format` is not one of the site's taxonomies");
}

#[test]
fn titles_are_escaped_in_the_search_page_and_filter_pages() {
    let site = site().file(
        "content/groups/odd.md",
        &page(
            "\"<img src=x onerror=alert(1)>\"",
            "costs: [free]\n",
            "Text.",
        ),
    );
    site.build().assert_success();
    for file in [
        "public/search/index.html",
        "public/groups/costs/free/index.html",
    ] {
        let html = site.read(file);
        assert!(!html.contains("<img src=x"), "{file}");
        assert!(html.contains("&lt;img src=x"), "{file}");
    }
}
