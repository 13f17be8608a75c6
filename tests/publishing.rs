//! Publishing features on the `publishing` fixture: taxonomies, pagination,
//! related pages, backlinks, feeds, sitemap, robots.txt, redirects, metadata
//! and structured data. XML and JSON are parsed, never string-matched, and
//! every URL in them must resolve to a built file.

mod common;

use common::TestSite;
use serde_json::Value;

const BASE: &str = "https://example.org/pub/";

fn built() -> TestSite {
    let site = TestSite::fixture("publishing");
    site.build().assert_success();
    site
}

/// The output file an absolute URL of this site lands on.
fn file_for(url: &str) -> String {
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not on {BASE}"));
    let path = path.split('#').next().unwrap();
    if path.is_empty() || path.ends_with('/') {
        format!("public/{path}index.html")
    } else {
        format!("public/{path}")
    }
}

fn assert_resolves(site: &TestSite, url: &str) {
    assert!(
        site.exists(&file_for(url)),
        "{url} does not resolve to a built file"
    );
}

fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|c| c.tag_name().name() == name)
}

/// The content of `<meta property|name="key" content="...">`.
fn meta(html: &str, key: &str) -> Option<String> {
    let needle = format!("=\"{key}\" content=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(signposter::html::unescape(&html[start..end]))
}

/// Every JSON-LD block of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    let opening = "<script type=\"application/ld+json\">";
    html.match_indices(opening)
        .map(|(i, _)| {
            let start = i + opening.len();
            let end = html[start..].find("</script>").unwrap() + start;
            serde_json::from_str(&html[start..end])
                .unwrap_or_else(|e| panic!("invalid JSON-LD: {e}\n{}", &html[start..end]))
        })
        .collect()
}

fn graph_of_type<'a>(document: &'a Value, kind: &str) -> &'a Value {
    document["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {document}"))
}

#[test]
fn taxonomies_have_list_and_paginated_term_pages() {
    let site = built();
    let topics = site.read("public/topics/index.html");
    for term in ["Even", "Numbers", "Odd"] {
        assert!(topics.contains(&format!(">{term}</a>")), "{term}");
    }
    // "Numbers" is on six pages, two per page.
    assert!(site.exists("public/topics/numbers/index.html"));
    assert!(site.exists("public/topics/numbers/page/3/index.html"));
    assert!(!site.exists("public/topics/numbers/page/4/index.html"));
    let redirect = site.read("public/topics/numbers/page/1/index.html");
    assert!(redirect.contains("url=/pub/topics/numbers/"));
    assert!(site.exists("public/audiences/gps/index.html"));
    let page = site.read("public/news/item-1/index.html");
    assert!(page.contains("<a href=\"/pub/topics/odd/\">Odd</a>"));
}

#[test]
fn sections_paginate_with_accessible_links() {
    let site = built();
    let first = site.read("public/news/index.html");
    let second = site.read("public/news/page/2/index.html");
    assert!(site.exists("public/news/page/3/index.html"));
    assert!(first.contains("<link rel=\"next\" href=\"/pub/news/page/2/\">"));
    assert!(second.contains("<link rel=\"prev\" href=\"/pub/news/\">"));
    assert!(second.contains("<a href=\"/pub/news/page/2/\" aria-current=\"page\"><span class=\"visually-hidden\">Page </span>2</a>"));
    assert!(second.contains("rel=\"prev\">Previous"));
    // Newest first: items 5 and 4 on the first page, 3 and 2 on the second.
    assert!(
        first.contains("News item 5")
            && first.contains("News item 4")
            && !first.contains("News item 2")
    );
    assert!(second.contains("News item 2") && !second.contains("News item 5"));
}

#[test]
fn related_pages_and_backlinks() {
    let site = built();
    let item1 = site.read("public/news/item-1/index.html");
    let related = &item1[item1.find("Related pages").unwrap()..];
    let related = &related[..related.find("</section>").unwrap()];
    // Item 1 is Odd and Numbers: items 3 and 5 share both.
    assert!(
        related.contains("item-5/") && related.contains("item-3/"),
        "{related}"
    );
    assert!(item1.contains("Pages that link here"));
    let backlinks = &item1[item1.find("Pages that link here").unwrap()..];
    assert!(backlinks.contains("/pub/news/item-3/"));
    let group = site.read("public/groups/balint/index.html");
    assert!(group.contains("Pages that link here"));
}

#[test]
fn atom_feeds_are_valid_and_absolute() {
    let site = built();
    for (path, expected_entries) in [
        ("public/atom.xml", 3),
        ("public/news/atom.xml", 3),
        ("public/research/atom.xml", 1),
    ] {
        let xml = site.read(path);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path}: {e}"));
        let feed = doc.root_element();
        assert_eq!(
            feed.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        assert_eq!(feed.tag_name().name(), "feed");
        // RFC 4287 4.1.1: a feed has exactly one id, title and updated, and an author.
        for required in ["id", "title", "updated", "author"] {
            assert!(
                child(feed, required).is_some(),
                "{path}: feed lacks {required}"
            );
        }
        let self_link = feed
            .children()
            .find(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self"))
            .unwrap();
        assert_resolves(&site, self_link.attribute("href").unwrap());
        let entries: Vec<_> = feed
            .children()
            .filter(|c| c.tag_name().name() == "entry")
            .collect();
        assert_eq!(entries.len(), expected_entries, "{path}");
        let mut previous = String::from("9999");
        for entry in &entries {
            for required in ["id", "title", "updated", "published", "summary"] {
                assert!(
                    child(*entry, required).is_some(),
                    "{path}: entry lacks {required}"
                );
            }
            let link = entry
                .children()
                .find(|c| c.tag_name().name() == "link")
                .unwrap();
            assert_eq!(link.attribute("rel"), Some("alternate"));
            assert_resolves(&site, link.attribute("href").unwrap());
            let published = child(*entry, "published")
                .unwrap()
                .text()
                .unwrap()
                .to_string();
            assert!(
                published <= previous,
                "{path}: entries are not newest first"
            );
            previous = published;
            let summary = child(*entry, "summary").unwrap();
            assert_eq!(summary.attribute("type"), Some("html"));
            let html = summary.text().unwrap_or("");
            // Every dated page of the fixture has a first paragraph; a one-off
            // build's feeds read it from the template values.
            assert!(!html.trim().is_empty(), "{path}: an entry has no summary");
            assert!(
                !html.contains("href=\"/"),
                "{path}: summary has a relative link: {html}"
            );
        }
    }
    // The feed keeps a hostile title as text.
    let xml = site.read("public/news/atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let titles: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.contains(&"News item 3 </script><script>alert(1)</script>"),
        "{titles:?}"
    );
}

#[test]
fn sitemap_lists_every_page_and_nothing_else() {
    let site = built();
    let xml = site.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    let mut locs = Vec::new();
    for url in doc.root_element().children().filter(|c| c.is_element()) {
        let loc = url
            .children()
            .find(|c| c.has_tag_name("loc"))
            .unwrap()
            .text()
            .unwrap()
            .to_string();
        assert_resolves(&site, &loc);
        if let Some(lastmod) = url.children().find(|c| c.has_tag_name("lastmod")) {
            let text = lastmod.text().unwrap();
            assert!(signposter::date::Date::parse(text).is_ok(), "{text}");
        }
        locs.push(loc);
    }
    for expected in [
        "",
        "news/",
        "news/page/2/",
        "news/item-1/",
        "topics/",
        "topics/numbers/",
        "guidance/interpreters/",
    ] {
        assert!(
            locs.contains(&format!("{BASE}{expected}")),
            "missing {expected}"
        );
    }
    for excluded in ["404.html", "old-news-3/", "news/page/1/"] {
        assert!(
            !locs.iter().any(|l| l.ends_with(excluded)),
            "{excluded} should not be listed"
        );
    }
    let item1 = doc
        .descendants()
        .find(|n| n.has_tag_name("loc") && n.text() == Some(&format!("{BASE}news/item-3/")))
        .unwrap()
        .parent()
        .unwrap();
    let lastmod = item1
        .children()
        .find(|c| c.has_tag_name("lastmod"))
        .unwrap()
        .text();
    assert_eq!(lastmod, Some("2025-04-01"), "lastmod comes from `updated`");
}

#[test]
fn robots_points_at_the_sitemap_unless_the_site_has_its_own() {
    let site = built();
    assert_eq!(
        site.read("public/robots.txt"),
        format!("User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n")
    );
    let own =
        TestSite::fixture("publishing").file("static/robots.txt", "User-agent: *\nDisallow: /\n");
    own.build().assert_success();
    assert_eq!(
        own.read("public/robots.txt"),
        "User-agent: *\nDisallow: /\n"
    );
}

#[test]
fn aliases_redirect_with_refresh_canonical_and_link() {
    let site = built();
    let html = site.read("public/old-news-3/index.html");
    assert!(html.contains("<meta http-equiv=\"refresh\" content=\"0; url=/pub/news/item-3/\">"));
    assert!(
        html.contains("<link rel=\"canonical\" href=\"https://example.org/pub/news/item-3/\">")
    );
    assert!(html.contains("<a href=\"/pub/news/item-3/\">"));
    assert!(site.exists("public/404.html"));
}

#[test]
fn every_page_carries_sharing_and_search_metadata() {
    let site = built();
    for (path, html) in site.html_files("public") {
        if html.contains("http-equiv=\"refresh\"") || path == "404.html" {
            continue;
        }
        assert!(html.contains("<html lang=\"en-GB\">"), "{path}");
        assert!(
            html.contains("<title>") && !html.contains("<title></title>"),
            "{path}"
        );
        let description =
            meta(&html, "description").unwrap_or_else(|| panic!("{path}: no description"));
        assert!(!description.is_empty(), "{path}: empty description");
        let canonical = html
            .split("<link rel=\"canonical\" href=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_resolves(&site, canonical);
        for key in [
            "og:title",
            "og:type",
            "og:url",
            "og:description",
            "og:site_name",
            "og:locale",
        ] {
            assert!(
                meta(&html, key).is_some_and(|v| !v.is_empty()),
                "{path}: no {key}"
            );
        }
        assert_eq!(meta(&html, "og:url").unwrap(), canonical, "{path}");
        assert_eq!(meta(&html, "og:locale").unwrap(), "en_GB");
    }
    // Without a description, the summary stands in.
    let item = site.read("public/news/item-1/index.html");
    assert_eq!(
        meta(&item, "description").unwrap(),
        "The summary of item 1, with a link to the home page."
    );
    assert_eq!(meta(&item, "og:type").unwrap(), "article");
}

#[test]
fn structured_data_describes_each_kind_of_page() {
    let site = built();
    let guidance = &json_ld(&site.read("public/guidance/interpreters/index.html"))[0];
    let page = graph_of_type(guidance, "MedicalWebPage");
    assert_eq!(page["lastReviewed"], "2026-11-16");
    assert_eq!(page["reviewedBy"]["name"], "Fixture reviewers");
    assert_eq!(page["medicalAudience"]["audienceType"], "Clinician");
    let crumbs = graph_of_type(guidance, "BreadcrumbList");
    let items = crumbs["itemListElement"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        assert_resolves(&site, item["item"].as_str().unwrap());
    }

    let research = &json_ld(&site.read("public/research/study/index.html"))[0];
    let article = graph_of_type(research, "Article");
    assert_eq!(article["about"]["@type"], "ScholarlyArticle");
    assert_eq!(article["about"]["name"], "The original study's title");
    assert_eq!(article["about"]["identifier"]["propertyID"], "DOI");
    assert_eq!(article["about"]["identifier"]["value"], "10.1000/xyz123");
    assert_eq!(article["about"]["author"][0]["name"], "Ada Author");

    let group = &json_ld(&site.read("public/groups/balint/index.html"))[0];
    let event = graph_of_type(group, "Event");
    assert_eq!(
        event["eventAttendanceMode"],
        "https://schema.org/MixedEventAttendanceMode"
    );
    assert_eq!(event["isAccessibleForFree"], true);
    assert_eq!(event["organizer"]["name"], "The Balint Society");

    for (path, html) in site.html_files("public") {
        for document in json_ld(&html) {
            for node in document["@graph"].as_array().unwrap() {
                if let Some(url) = node["url"].as_str().filter(|u| u.starts_with(BASE)) {
                    assert_resolves(&site, url);
                }
            }
            let _ = path.as_str();
        }
    }
}

#[test]
fn a_script_tag_in_a_title_stays_text_everywhere() {
    let site = built();
    let html = site.read("public/news/item-3/index.html");
    assert!(!html.contains("<script>alert(1)"));
    let documents = json_ld(&html);
    assert_eq!(
        graph_of_type(&documents[0], "WebPage")["name"],
        "News item 3 </script><script>alert(1)</script>"
    );
    assert!(
        meta(&html, "og:title")
            .unwrap()
            .contains("</script><script>"),
        "escaped in the attribute, intact when read"
    );
    assert!(
        !site
            .read("public/news/index.html")
            .contains("<script>alert(1)")
    );
}

/// Listing a page's backlinks once searched every earlier entry, so a page
/// that every page links to took time quadratic in the site's size. Each
/// linking page must still be listed once, however often it links.
#[test]
fn a_page_many_pages_link_to_lists_each_linking_page_once() {
    let mut site = TestSite::minimal().file("content/hub.md", "---\ntitle: Hub\n---\nThe hub.\n");
    for name in ["c", "a", "b"] {
        site = site.file(
            &format!("content/{name}.md"),
            &format!(
                "---\ntitle: Page {}\n---\n[Hub](hub.md), then [home](/), then [hub again](hub.md).\n",
                name.to_uppercase()
            ),
        );
    }
    site.build().assert_success();
    let hub = site.read("public/hub/index.html");
    let backlinks = &hub[hub.find("Pages that link here").unwrap()..];
    let backlinks = &backlinks[..backlinks.find("</section>").unwrap()];
    for name in ["a", "b", "c"] {
        assert_eq!(
            backlinks.matches(&format!("/{name}/\"")).count(),
            1,
            "{backlinks}"
        );
    }
    let (a, b, c) = (
        backlinks.find("Page A").unwrap(),
        backlinks.find("Page B").unwrap(),
        backlinks.find("Page C").unwrap(),
    );
    assert!(a < b && b < c, "by title: {backlinks}");
}
