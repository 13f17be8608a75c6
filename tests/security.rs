//! Hostile content: markup in front matter stays text in every output, raw
//! HTML can be turned off, and no content path reaches outside the output.

mod common;

use common::TestSite;

const SCRIPT: &str = "</script><script>alert(1)</script>";
const IMAGE: &str = "\"><img src=x onerror=alert(2)>";

/// What an injected payload looks like if any output let it through as markup.
const LIVE_MARKUP: &[&str] = &["<script>alert(1)", "<img src=x onerror", "<b onmouseover"];

/// The publishing fixture with markup in the fields every output is made
/// from: page and section titles, descriptions, taxonomy terms and the site.
fn hostile_site() -> TestSite {
    let yaml_script = SCRIPT.replace('"', "\\\"");
    let yaml_image = IMAGE.replace('"', "\\\"");
    TestSite::fixture("publishing")
        .file(
            "content/news/_index.md",
            &format!("---\ntitle: \"News {yaml_image}\"\npaginate_by: 2\n---\nThe news.\n"),
        )
        .file(
            "content/news/item-1.md",
            &format!(
                "---\ntitle: \"Item one {yaml_script}\"\ndescription: \"About {yaml_image}\"\n\
                 date: 2025-12-01\ntopics: [Odd, Numbers, \"<b onmouseover=alert(3)>bold</b>\"]\n\
                 audiences: [GPs]\n---\n\
                 Item one text.\n"
            ),
        )
}

/// Every file the build wrote, by path relative to `public/`.
fn outputs(site: &TestSite) -> Vec<(String, Vec<u8>)> {
    site.snapshot_tree("public")
        .into_iter()
        .map(|(path, (bytes, _))| (path, bytes))
        .collect()
}

#[test]
fn markup_in_front_matter_shows_as_text_in_every_output() {
    let site = hostile_site();
    site.build().assert_success();
    let files = outputs(&site);
    assert!(
        files.len() > 40,
        "expected the whole site, got {}",
        files.len()
    );

    for (path, bytes) in &files {
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue; // the binary search chunks hold stemmed words only
        };
        if path.ends_with(".json") {
            // Data for search.js, which only ever sets it as text (checked below).
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            continue;
        }
        for markup in LIVE_MARKUP {
            assert!(!text.contains(markup), "{path} has live markup {markup:?}");
        }
        if path.ends_with(".xml") {
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }

    // And the text is still there, escaped, where a reader sees it.
    let page = site.read("public/news/item-1/index.html");
    let escaped_title = "Item one &lt;&#x2F;script&gt;&lt;script&gt;alert(1)&lt;&#x2F;script&gt;";
    let shown = |html: &str, what: &str| {
        assert!(
            html.contains(escaped_title) || html.contains(&escaped_title.replace("&#x2F;", "/")),
            "{what} lacks the escaped title"
        );
    };
    shown(&title_element(&page), "the <title>");
    shown(&meta_content(&page, "og:title"), "og:title");
    let ld = json_ld(&page);
    assert!(
        ld.contains(&format!("Item one {SCRIPT}")),
        "JSON-LD keeps the title as data: {ld}"
    );
    let breadcrumbs = between(&page, "class=\"breadcrumbs\"", "</nav>");
    assert!(
        breadcrumbs.contains("News &quot;&gt;&lt;img src=x onerror=alert(2)&gt;"),
        "breadcrumbs: {breadcrumbs}"
    );
    let related_elsewhere = files
        .iter()
        .filter(|(path, _)| path.starts_with("news/item-") && path != "news/item-1/index.html")
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .filter(|html| html.contains("class=\"related\""))
        .any(|html| between(&html, "class=\"related\"", "</section>").contains("Item one &lt;"));
    assert!(related_elsewhere, "some page lists item one as related");

    let feed = site.read("public/news/atom.xml");
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.contains(&format!("Item one {SCRIPT}").as_str()),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with(&format!("News {IMAGE}"))),
        "{titles:?}"
    );

    let fragments: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.starts_with("search/pages/"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    assert!(
        fragments
            .iter()
            .any(|json| json.contains("Item one </script><script>alert(1)</script>")),
        "the search index keeps the title as text"
    );
    // The search page turns index data into elements as text, never as markup.
    let script = site.read("public/search.js");
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
    ] {
        assert!(!script.contains(sink), "search.js uses {sink}");
    }
}

#[test]
fn raw_html_is_kept_by_default_and_escaped_when_unsafe_html_is_off() {
    let body = "<div class=\"callout\">Boxed</div>\n\nText with <span onclick=\"x()\">inline</span> HTML.\n";
    let site =
        TestSite::minimal().file("content/page.md", &format!("---\ntitle: Raw\n---\n{body}"));
    site.build().assert_success();
    let trusted = site.read("public/page/index.html");
    assert!(trusted.contains("<div class=\"callout\">Boxed</div>"));
    assert!(trusted.contains("<span onclick=\"x()\">inline</span>"));

    let site = site.file(
        "site.yml",
        "title: T\nbase_url: https://example.org/\nmarkdown:\n  unsafe_html: false\n",
    );
    site.build().assert_success();
    let escaped = site.read("public/page/index.html");
    assert!(!escaped.contains("<div class=\"callout\">"), "{escaped}");
    assert!(!escaped.contains("<span onclick"), "{escaped}");
    assert!(escaped.contains("&lt;div class=\"callout\"&gt;Boxed&lt;/div&gt;"));
    assert!(escaped.contains("&lt;span onclick=\"x()\"&gt;inline&lt;/span&gt;"));
    // Markdown itself still works.
    assert!(escaped.contains("<p>Text with"));
}

fn title_element(html: &str) -> String {
    between(html, "<title>", "</title>")
}

fn meta_content(html: &str, property: &str) -> String {
    let tag = between(html, &format!("property=\"{property}\""), ">");
    between(&tag, "content=\"", "\"")
}

/// Every JSON-LD block, as written (still escaped for the script element).
fn json_ld(html: &str) -> String {
    let block = between(html, "<script type=\"application/ld+json\">", "</script>");
    let value: serde_json::Value = serde_json::from_str(&block).expect("JSON-LD parses");
    value.to_string()
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in the page"))
        + start.len();
    let to = text[from..].find(end).map_or(text.len(), |at| from + at);
    text[from..to].to_string()
}

#[test]
fn no_slug_alias_or_link_reaches_outside_the_output_folder() {
    let site = TestSite::minimal()
        .file(
            "content/a.md",
            "---\ntitle: A\nslug: \"..\\\\..\\\\escaped-backslash\"\n---\nA.\n",
        )
        .file(
            "content/b.md",
            "---\ntitle: B\naliases: [\"/../../../escaped-alias/\", \"..%2f..%2fescaped-encoded/\", \"/\\\\..\\\\escaped-back/\"]\n---\nB.\n",
        )
        .file("content/c.md", "---\ntitle: C\nslug: /../../escaped-absolute\n---\nC.\n")
        .file(
            "content/d.md",
            "---\ntitle: D\n---\n[passwords](../../../../../../etc/passwd.md) and [config](../../site.yml).\n",
        );
    // Three levels down, so the deepest `../../../` still lands inside the
    // site folder, where the check below looks.
    let run = site.run(&["build", "--output", "deep/er/public"]);
    run.assert_failure(1)
        .assert_stderr_contains("content/a.md:3:7: error[invalid-path]")
        .assert_stderr_contains("content/b.md:3:")
        .assert_stderr_contains("content/c.md:3:7: error[invalid-path]")
        .assert_stderr_contains("content/d.md:4:1: error[broken-link]");
    // Nothing was written anywhere: not outside, and not a half-built site.
    let escaped: Vec<String> = walkdir::WalkDir::new(site.root())
        .into_iter()
        .map(Result::unwrap)
        .map(|entry| entry.path().display().to_string())
        .filter(|path| path.contains("escaped") || path.contains("deep"))
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");
}
