//! Atom feeds (RFC 4287): the site's newest pages, and each section's.

use crate::date::Date;
use crate::html::escape;

/// What a feed says about itself.
pub struct FeedInfo<'a> {
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    /// Absolute URL of the feed itself; also its id.
    pub self_url: &'a str,
    /// Absolute URL of the page the feed belongs to.
    pub alternate_url: &'a str,
    pub author: &'a str,
    pub language: &'a str,
    pub generator: &'a str,
}

/// One entry: a page with a date.
pub struct FeedEntry {
    pub title: String,
    pub permalink: String,
    pub published: Date,
    pub updated: Date,
    /// The page's summary, with every URL absolute.
    pub summary_html: String,
}

/// The feed as XML. Entries must already be newest first.
pub fn atom(info: &FeedInfo<'_>, entries: &[FeedEntry]) -> String {
    let updated = entries.iter().map(|e| e.updated).max();
    let mut xml = String::with_capacity(1024 + entries.len() * 1024);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape(info.language)
    ));
    xml.push_str(&format!("  <title>{}</title>\n", escape(info.title)));
    if let Some(subtitle) = info.subtitle {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(subtitle)));
    }
    xml.push_str(&format!("  <id>{}</id>\n", escape(info.self_url)));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(info.self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(info.alternate_url)
    ));
    // A feed must have an `updated`; with no entries, the oldest date is honest.
    let updated = updated.map_or_else(|| "1970-01-01T00:00:00Z".to_string(), Date::rfc3339);
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(info.author)
    ));
    xml.push_str(&format!(
        "  <generator>{}</generator>\n",
        escape(info.generator)
    ));
    for entry in entries {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(&entry.title)));
        xml.push_str(&format!("    <id>{}</id>\n", escape(&entry.permalink)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&entry.permalink)
        ));
        xml.push_str(&format!(
            "    <published>{}</published>\n",
            entry.published.rfc3339()
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            entry.updated.rfc3339()
        ));
        xml.push_str(&format!(
            "    <summary type=\"html\">{}</summary>\n",
            escape(&entry.summary_html)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Make root-relative and fragment links in rendered HTML absolute, for
/// readers that show feed content away from the site.
pub fn absolute_urls(html: &str, origin: &str, page_permalink: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\""]
            .iter()
            .filter_map(|attr| rest.find(attr).map(|i| (i, attr.len())))
            .min();
        let Some((index, len)) = next else { break };
        let value_start = index + len;
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..];
        if value.starts_with('/') && !value.starts_with("//") {
            out.push_str(origin);
        } else if value.starts_with('#') {
            out.push_str(page_permalink);
        }
        rest = value;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_absolute() {
        let html = r##"<a href="/a/">x</a><img src="/i.png"><a href="#n">y</a><a href="https://e.org/">z</a><a href="//cdn/x">w</a>"##;
        assert_eq!(
            absolute_urls(html, "https://s.org", "https://s.org/p/"),
            r##"<a href="https://s.org/a/">x</a><img src="https://s.org/i.png"><a href="https://s.org/p/#n">y</a><a href="https://e.org/">z</a><a href="//cdn/x">w</a>"##
        );
    }

    #[test]
    fn feed_escapes_and_dates_entries() {
        let info = FeedInfo {
            title: "A & B",
            subtitle: None,
            self_url: "https://s.org/atom.xml",
            alternate_url: "https://s.org/",
            author: "Team",
            language: "en-GB",
            generator: "signposter",
        };
        let date = Date::parse("2025-06-20").unwrap();
        let entry = FeedEntry {
            title: "<script>".into(),
            permalink: "https://s.org/p/".into(),
            published: date,
            updated: date,
            summary_html: "<p>Hi</p>".into(),
        };
        let xml = atom(&info, &[entry]);
        assert!(xml.contains("<title>A &amp; B</title>"));
        assert!(xml.contains("<title>&lt;script&gt;</title>"));
        assert!(xml.contains("<summary type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</summary>"));
        assert!(xml.contains("<updated>2025-06-20T00:00:00Z</updated>"));
    }
}
