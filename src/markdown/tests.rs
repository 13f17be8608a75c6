//! Markdown rendering: heading ids, footnotes, the table of contents,
//! summaries, highlighting, links and plain text, checked on small bodies.

use std::collections::HashSet;
use std::path::Path;

use super::*;
use crate::links::Target;

fn render_with(body: &str, smart: bool, resolve: &(dyn Fn(&str) -> Resolution + Sync)) -> Rendered {
    let config = MarkdownConfig {
        smart_punctuation: smart,
        ..MarkdownConfig::default()
    };
    let renderer = MarkdownRenderer::new(&config);
    renderer.render(&Input {
        body,
        body_line: 4,
        display_path: Path::new("content/a.md"),
        resolve,
    })
}

fn render(body: &str) -> Rendered {
    render_with(body, true, &|_| Resolution::Unchanged)
}

#[test]
fn headings_get_unique_ids_and_anchors() {
    let out = render("## Themes\n\n## Themes\n\n## Custom {#mine}\n\n### Café & co\n");
    let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["themes", "themes-1", "mine", "café-co"]);
    assert!(
        out.html
            .text()
            .contains("<h2 id=\"themes\">Themes<a class=\"heading-anchor\" href=\"#themes\"")
    );
    assert!(out.html.text().contains("<h2 id=\"mine\">"));
    assert_eq!(out.headings[1].line, 6);
}

#[test]
fn explicit_duplicate_ids_are_errors() {
    let out = render("## A {#x}\n\n## B {#x}\n");
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.diagnostics[0].code, Code::DuplicateId);
    assert_eq!(out.diagnostics[0].location.as_ref().unwrap().line, 6);
}

#[test]
fn footnote_ids_never_collide_with_heading_ids() {
    let out = render("## Fn 1\n\nText[^a] and again[^a].\n\n[^a]: The note.\n\n## Fnref 1\n");
    let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["fn-1-1", "fnref-1-1"]);
    assert!(out.html.text().contains("id=\"fnref-1\""));
    assert!(out.html.text().contains("id=\"fnref-1-2\""));
    assert!(out.html.text().contains("<li id=\"fn-1\">"));
    assert!(
        out.html
            .text()
            .contains("href=\"#fnref-1\" class=\"footnote-back\"")
    );
    let all = crate::html::ids(&out.html.text());
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "{all:?}");
}

#[test]
fn footnotes_are_numbered_by_first_reference_and_collected_at_the_end() {
    let out = render("B[^b] then A[^a].\n\n[^a]: Note A.\n[^b]: Note B.\n\nAfter.\n");
    let b = out.html.text().find("Note B").unwrap();
    let a = out.html.text().find("Note A").unwrap();
    let after = out.html.text().find("After.").unwrap();
    assert!(after < b && b < a, "{}", out.html.text());
}

#[test]
fn toc_nests_headings() {
    let out = render("## One\n\n### One point one\n\n## Two\n");
    let toc = out.toc();
    assert_eq!(toc.len(), 2);
    assert_eq!(toc[0].children[0].title, "One point one");
}

#[test]
fn summary_is_the_first_paragraph_without_footnotes_or_anchors() {
    let out = render("## Heading\n\nFirst[^1] paragraph.\n\nSecond.\n\n[^1]: Note.\n");
    assert_eq!(out.summary, "<p>First paragraph.</p>\n");
}

#[test]
fn summary_stops_at_the_more_marker() {
    let out =
        render("Intro.\n\n## Part {#part}\n\nStill summary.\n\n<!-- more -->\n\nBody only.\n");
    assert!(out.summary.contains("Still summary."));
    assert!(out.summary.contains("<h2>Part</h2>"), "{}", out.summary);
    assert!(!out.summary.contains("Body only"));
    assert!(!out.summary.contains("heading-anchor"));
}

#[test]
fn code_blocks_are_highlighted_or_escaped() {
    let out =
        render("```rust\nfn main() {}\n```\n\n```nosuchlang\n<b>\n```\n\n```\nplain <i>\n```\n");
    assert!(
        out.html
            .text()
            .contains("<pre><code class=\"language-rust\"><span class=\"hl-")
    );
    assert!(out.has_highlighting);
    assert!(
        out.html
            .text()
            .contains("<pre><code class=\"language-nosuchlang\">&lt;b&gt;\n</code></pre>")
    );
    assert!(
        out.html
            .text()
            .contains("<pre><code>plain &lt;i&gt;\n</code></pre>")
    );
}

#[test]
fn smart_punctuation_is_configurable() {
    assert!(
        render_with("\"Hi\" -- it's", true, &|_| Resolution::Unchanged)
            .html
            .text()
            .contains("“Hi” – it’s")
    );
    assert!(
        render_with("\"Hi\" -- it's", false, &|_| Resolution::Unchanged)
            .html
            .text()
            .contains("\"Hi\" -- it's")
    );
}

#[test]
fn tables_strikethrough_and_task_lists() {
    let out = render("| A | B |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n");
    assert!(out.html.text().contains(
        "<div class=\"table-wrap\" role=\"group\" aria-label=\"Table 1\" tabindex=\"0\">\n<table>"
    ));
    assert!(out.html.text().contains("<del>old</del>"));
    assert!(out.html.text().contains("type=\"checkbox\""));
}

#[test]
fn internal_links_are_rewritten_and_recorded_with_positions() {
    let resolve = |dest: &str| match dest {
        "review.md#themes" => Resolution::Internal {
            href: "/research/review/#themes".into(),
            target: Target {
                site_path: Some("/research/review/".into()),
                fragment: Some("themes".into()),
            },
        },
        "missing.md" => Resolution::Broken {
            code: Code::BrokenLink,
            message: "nope".into(),
            hint: None,
        },
        _ => Resolution::Unchanged,
    };
    let out = render_with(
        "Intro.\n\nSee [the review](review.md#themes) and [x](missing.md).\n",
        true,
        &resolve,
    );
    assert!(
        out.html
            .text()
            .contains("<a href=\"/research/review/#themes\">the review</a>")
    );
    assert_eq!(out.links.len(), 1);
    assert_eq!((out.links[0].line, out.links[0].column), (6, 5));
    assert_eq!(out.diagnostics.len(), 1);
    let location = out.diagnostics[0].location.as_ref().unwrap();
    assert_eq!((location.line, location.column), (6, 40));
}

#[test]
fn plain_text_and_word_count() {
    let out = render("## Title\n\nOne *two* `three`.\n\n```\nnot counted\n```\n");
    let words: Vec<&str> = out.text.split_whitespace().collect();
    assert_eq!(words, ["Title", "One", "two", "three."]);
    assert_eq!(out.word_count, 4);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let body = ">".repeat(20_000) + " deep\n";
    let out = render(&body);
    assert!(out.html.text().contains("deep"));
    let list: String = (0..5_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    assert!(render(&list).html.text().contains("item"));
}

#[test]
fn email_autolinks_are_not_resolved_as_relative_links() {
    let broken = |dest: &str| Resolution::Broken {
        code: crate::diagnostics::Code::BrokenLink,
        message: format!("{dest} is not a page"),
        hint: None,
    };
    let out = render_with("Write to <editors@example.org>.", true, &broken);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    assert!(
        out.html
            .text()
            .contains(r#"<a href="mailto:editors@example.org">editors@example.org</a>"#),
        "{}",
        out.html.text()
    );
}
