//! Raw HTML in Markdown when a site sets `markdown.unsafe_html: false`: it
//! is shown as text, links that would run script lead nowhere, and heading
//! attributes are limited to an id and classes.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::MORE_MARKER;

/// Turn every raw HTML event into text (escaped when written), disarm
/// `javascript:`, `vbscript:` and `data:` link and image targets, and drop
/// heading attributes other than the id and classes (`{onfocus=…}` would
/// otherwise run script). The `<!-- more -->` summary marker is kept: it is
/// how editors end a summary.
pub fn disarm(events: &mut [(Event<'_>, Range<usize>)]) {
    let mut in_marker_block = false;
    for index in 0..events.len() {
        let event = &mut events[index].0;
        match event {
            Event::Start(Tag::HtmlBlock) => {
                in_marker_block = matches!(
                    events.get(index + 1),
                    Some((Event::Html(html), _)) if html.trim() == MORE_MARKER
                );
                if !in_marker_block {
                    events[index].0 = Event::Start(Tag::Paragraph);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if !in_marker_block {
                    *event = Event::End(TagEnd::Paragraph);
                }
                in_marker_block = false;
            }
            Event::Html(html) | Event::InlineHtml(html) if !in_marker_block => {
                *event = Event::Text(std::mem::replace(html, CowStr::Borrowed("")));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if runs_script(dest_url) =>
            {
                *dest_url = CowStr::Borrowed("#");
            }
            Event::Start(Tag::Heading { attrs, .. }) => attrs.clear(),
            _ => {}
        }
    }
}

/// Whether a browser would run or render this URL as a document of its own.
fn runs_script(url: &str) -> bool {
    // Browsers ignore leading spaces and control characters, and tabs or
    // newlines inside the scheme, so `java\tscript:` still runs.
    let scheme: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take_while(|c| *c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    url.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Parser, html::push_html};

    fn render(markdown: &str) -> String {
        let mut events: Vec<_> = Parser::new(markdown).into_offset_iter().collect();
        disarm(&mut events);
        let mut html = String::new();
        push_html(&mut html, events.into_iter().map(|(event, _)| event));
        html
    }

    #[test]
    fn block_and_inline_html_become_text() {
        assert_eq!(
            render("<script>alert(1)</script>\n\nA <b onclick=\"x\">b</b>.\n"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n\
             <p>A &lt;b onclick=\"x\"&gt;b&lt;/b&gt;.</p>\n"
        );
    }

    #[test]
    fn heading_attributes_keep_only_the_id_and_classes() {
        let mut events: Vec<_> = Parser::new_ext(
            "## Hi {#hello .note autofocus tabindex=0 onfocus=alert(1) style=x}\n",
            pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES,
        )
        .into_offset_iter()
        .collect();
        disarm(&mut events);
        let mut html = String::new();
        push_html(&mut html, events.into_iter().map(|(event, _)| event));
        assert_eq!(html, "<h2 id=\"hello\" class=\"note\">Hi</h2>\n");
    }

    #[test]
    fn the_summary_marker_survives() {
        assert_eq!(
            render("One.\n\n<!-- more -->\n\nTwo.\n"),
            "<p>One.</p>\n<!-- more -->\n<p>Two.</p>\n"
        );
    }

    #[test]
    fn script_links_lead_nowhere_however_they_are_spelled() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:x",
            " java%0ascript:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            let html = render(&format!("[a](<{url}>) ![i](<{url}>)"));
            let disarmed = !html.contains(url) || url.contains('%');
            assert!(disarmed, "{url}: {html}");
        }
        assert!(render("[a](<java\tscript:x>)").contains("href=\"#\""));
        assert!(render("[a](https://example.org/data:x)").contains("https://example.org/data:x"));
        assert!(render("[a](page.md)").contains("href=\"page.md\""));
    }
}
