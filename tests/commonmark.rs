//! Rendering stays faithful to CommonMark: on every example of the spec, our
//! output equals pulldown-cmark's own once our additions (heading ids and
//! anchors, table wrappers, highlighting spans) are taken out again.

use std::path::Path;

use pulldown_cmark::{Options, Parser};
use signposter::config::MarkdownConfig;
use signposter::links::Resolution;
use signposter::markdown::{Input, MarkdownRenderer};

fn examples() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/commonmark-spec.json"),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["markdown"].as_str().unwrap().to_string(),
                e["html"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn ours(markdown: &str) -> String {
    let config = MarkdownConfig {
        smart_punctuation: false,
        ..MarkdownConfig::default()
    };
    let renderer = MarkdownRenderer::new(&config);
    let resolve = |_: &str| Resolution::Unchanged;
    renderer
        .render(&Input {
            body: markdown,
            body_line: 1,
            display_path: Path::new("spec.md"),
            resolve: &resolve,
        })
        .html
        .text()
        .into_owned()
}

fn pulldown(markdown: &str, options: Options) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options));
    html
}

/// Cut every `start … end` span out of `html`, keeping what `keep` returns.
fn replace_all(html: &str, start: &str, end: &str, keep: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(start) {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(j) = after[start.len()..].find(end).map(|j| j + start.len()) else {
            out.push_str(after);
            return out;
        };
        out.push_str(&keep(&after[..j + end.len()]));
        rest = &after[j + end.len()..];
    }
    out.push_str(rest);
    out
}

/// Take our additions back out.
fn normalise(html: &str) -> String {
    let mut html = replace_all(html, "<a class=\"heading-anchor\"", "</a>", |_| {
        String::new()
    });
    for level in 1..=6 {
        html = replace_all(&html, &format!("<h{level} id=\""), "\"", |_| {
            format!("<h{level}")
        });
    }
    html = replace_all(&html, "<div class=\"table-wrap\"", ">\n", |_| String::new());
    html = html.replace("</table>\n</div>\n", "</table>\n");
    html = replace_all(&html, "<span class=\"hl-", ">", |_| String::new());
    if html.contains("<pre><code class=\"language-") {
        html = replace_all(&html, "<pre><code class=\"language-", "</pre>", |block| {
            block.replace("</span>", "")
        });
    }
    html
}

#[test]
fn every_spec_example_renders_as_pulldown_cmark_does() {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let examples = examples();
    assert_eq!(examples.len(), 652);
    let mut differences = Vec::new();
    let mut exact_spec_matches = 0;
    for (index, (markdown, expected)) in examples.iter().enumerate() {
        let ours = normalise(&ours(markdown));
        let reference = pulldown(markdown, options);
        // Footnote definitions are moved to the end by design; compare only without them.
        if markdown.contains("[^") {
            continue;
        }
        if ours != reference {
            differences.push(format!(
                "example {}:\n{markdown:?}\nours:     {ours:?}\nreference:{reference:?}",
                index + 1
            ));
        }
        if &ours == expected {
            exact_spec_matches += 1;
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n\n")
    );
    // Our output equals the spec's own expected HTML wherever pulldown-cmark's does
    // without extensions; extensions legitimately change a few examples.
    let plain_matches = examples
        .iter()
        .filter(|(m, e)| &pulldown(m, Options::empty()) == e)
        .count();
    assert!(
        exact_spec_matches + 10 >= plain_matches,
        "{exact_spec_matches} exact matches, pulldown-cmark alone has {plain_matches}"
    );
}
