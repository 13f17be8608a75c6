//! `sitemap.xml`, split into an index and numbered files past the protocol's
//! limit of 50,000 URLs per file.

use crate::date::Date;
use crate::html::escape;

/// The sitemap protocol's limit of URLs in one file.
pub const URLS_PER_FILE: usize = 50_000;

pub struct SitemapEntry {
    pub permalink: String,
    pub lastmod: Option<Date>,
}

/// The sitemap files as (file name, XML). With more than `limit` entries,
/// `sitemap.xml` is an index of `sitemap-1.xml`, `sitemap-2.xml`, …
pub fn sitemaps(
    entries: &[SitemapEntry],
    base_permalink: &str,
    limit: usize,
) -> Vec<(String, String)> {
    if entries.len() <= limit {
        return vec![("sitemap.xml".into(), urlset(entries))];
    }
    let chunks: Vec<&[SitemapEntry]> = entries.chunks(limit.max(1)).collect();
    let mut files = Vec::with_capacity(chunks.len() + 1);
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in chunks.iter().enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str("  <sitemap>\n");
        index.push_str(&format!(
            "    <loc>{}{}</loc>\n",
            escape(base_permalink),
            name
        ));
        if let Some(lastmod) = chunk.iter().filter_map(|e| e.lastmod).max() {
            index.push_str(&format!("    <lastmod>{lastmod}</lastmod>\n"));
        }
        index.push_str("  </sitemap>\n");
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".into(), index));
    files
}

fn urlset(entries: &[SitemapEntry]) -> String {
    let mut xml = String::with_capacity(100 + entries.len() * 96);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for entry in entries {
        xml.push_str("  <url>\n");
        xml.push_str(&format!("    <loc>{}</loc>\n", escape(&entry.permalink)));
        if let Some(lastmod) = entry.lastmod {
            xml.push_str(&format!("    <lastmod>{lastmod}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt` allowing everything and pointing at the sitemap.
pub fn robots(sitemap_permalink: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_permalink}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<SitemapEntry> {
        (0..n)
            .map(|i| SitemapEntry {
                permalink: format!("https://s.org/{i}/"),
                lastmod: Date::from_ymd(2025, 1, 1 + (i % 28) as u32),
            })
            .collect()
    }

    #[test]
    fn one_file_up_to_the_limit() {
        let files = sitemaps(&entries(3), "https://s.org/", 3);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].1.matches("<url>").count(), 3);
    }

    #[test]
    fn an_index_past_the_limit() {
        let files = sitemaps(&entries(5), "https://s.org/", 2);
        let names: Vec<_> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        assert!(
            files[0]
                .1
                .contains("<loc>https://s.org/sitemap-3.xml</loc>")
        );
        assert_eq!(files[3].1.matches("<url>").count(), 1);
        assert_eq!(URLS_PER_FILE, 50_000);
    }
}
