//! Atom feeds from the content model: the site's newest dated pages, or a
//! section's.

use crate::content::SectionId;
use crate::publish::feed::{FeedEntry, FeedInfo, absolute_urls, atom};

use super::{Model, Values};

/// The Atom XML for the site (`None`) or one section. Summaries come from
/// the pages' template values, the copy a one-off build keeps.
pub fn feed(model: &Model, values: &Values, section: Option<SectionId>) -> String {
    let Model { config, tree, .. } = model;
    let base = &config.base_url;
    let mut pages: Vec<_> = match section {
        Some(id) => tree
            .section(id)
            .pages
            .iter()
            .map(|p| tree.page(*p))
            .collect(),
        None => tree.pages.iter().collect(),
    };
    pages.retain(|p| p.front.date.is_some());
    pages.sort_by(|a, b| {
        b.front.date.cmp(&a.front.date).then_with(|| {
            a.front
                .title
                .to_lowercase()
                .cmp(&b.front.title.to_lowercase())
        })
    });
    pages.truncate(config.feeds.limit);
    let origin = base.as_str();
    let origin = origin
        .trim_end_matches('/')
        .trim_end_matches(base.prefix().trim_end_matches('/'));
    let entries: Vec<FeedEntry> = pages
        .iter()
        .filter_map(|page| {
            let published = page.front.date?;
            let permalink = base.permalink(&page.url);
            let summary = values.page_summary_html(page.id);
            Some(FeedEntry {
                title: page.front.title.clone(),
                summary_html: absolute_urls(summary, origin, &permalink),
                permalink,
                published,
                updated: page.front.updated.unwrap_or(published).max(published),
            })
        })
        .collect();
    let (title, page_path, feed_path, subtitle) = match section {
        Some(id) => {
            let s = tree.section(id);
            (
                format!("{} – {}", s.front.title, config.title),
                s.url.clone(),
                format!("{}atom.xml", s.url),
                s.front.description.clone(),
            )
        }
        None => (
            config.title.clone(),
            "/".into(),
            "/atom.xml".into(),
            config.description.clone(),
        ),
    };
    let author = config
        .extra
        .get("publisher")
        .and_then(|v| v.as_str())
        .unwrap_or(&config.title);
    atom(
        &FeedInfo {
            title: &title,
            subtitle: subtitle.as_deref(),
            self_url: &base.permalink(&feed_path),
            alternate_url: &base.permalink(&page_path),
            author,
            language: &config.language,
            generator: concat!("signposter ", env!("CARGO_PKG_VERSION")),
        },
        &entries,
    )
}
