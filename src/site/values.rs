//! Building the `site`, `page`, `section`, `taxonomy`, `term` and `paginator`
//! values templates see.
//!
//! Every summary value has a fingerprint of exactly the inputs it is built
//! from. A rebuild reuses the previous value when the fingerprint matches, and
//! the renderer compares fingerprints to decide which pages to render again.
//! Listing values are shared between pages (Tera values are reference-counted).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::config::{Config, StructuredDataType};
use crate::content::{ContentRef, ContentTree, FrontMatter, Page, PageId, Section, SectionId};
use crate::fingerprint::{FastMap, Fingerprint};
use crate::markdown::{Rendered, TocEntry};
use crate::publish::structured_data::{Subject, json_ld};
use crate::publish::taxonomy::term_path;
use crate::publish::{Taxonomy, Term};
use crate::templates::context::{list, or_none};
use crate::templates::{Lookup, Obj, Value};

use super::Model;

/// Template values for the whole site, with their fingerprints.
pub struct Values {
    pub site: Value,
    pub site_fingerprint: u64,
    /// One summary per page (no content), by page id.
    pub pages: Vec<Value>,
    pub page_fingerprints: Vec<u64>,
    /// One summary per section (no page list), by section id.
    pub sections: Vec<Value>,
    pub section_fingerprints: Vec<u64>,
    /// A section's title and address, for navigation and breadcrumbs.
    pub links: Vec<Value>,
    pub link_fingerprints: Vec<u64>,
    /// Each taxonomy with its terms, in config order.
    pub taxonomies: Vec<Value>,
    pub taxonomy_fingerprints: Vec<u64>,
    /// Each section's filtered listings, by section id: worked out once per
    /// build, since the plan, fingerprints and every listing of the section
    /// all need them.
    filters: Vec<Vec<FilterView>>,
    /// Summaries by content path, for the next build to reuse.
    memo: Memo,
}

/// Values from the previous build, each with the fingerprint of its inputs,
/// keyed by content path so they survive pages moving in the id order.
#[derive(Default)]
struct Memo {
    pages: MemoTable,
    sections: MemoTable,
    links: MemoTable,
}

#[derive(Default)]
struct MemoTable(HashMap<String, (u64, Value)>);

impl MemoTable {
    /// The remembered value if its fingerprint matches, else a fresh one.
    fn reuse(&mut self, key: &str, fingerprint: u64, build: impl FnOnce() -> Value) -> Value {
        match self.0.get_mut(key) {
            Some((old, value)) if *old == fingerprint => value.clone(),
            Some(slot) => {
                let value = build();
                *slot = (fingerprint, value.clone());
                value
            }
            None => {
                let value = build();
                self.0.insert(key.to_string(), (fingerprint, value.clone()));
                value
            }
        }
    }

    /// [`MemoTable::reuse`] for many keys, building the missing values in
    /// parallel: a cold build makes one for every page of the site.
    fn reuse_all(
        &mut self,
        wanted: &[(&str, u64)],
        build: impl Fn(usize) -> Value + Sync,
    ) -> Vec<Value> {
        let table = &self.0;
        let found: Vec<(Value, bool)> = wanted
            .par_iter()
            .enumerate()
            .map(|(index, (key, fingerprint))| match table.get(*key) {
                Some((old, value)) if old == fingerprint => (value.clone(), false),
                _ => (build(index), true),
            })
            .collect();
        for ((key, fingerprint), (value, fresh)) in wanted.iter().zip(&found) {
            if *fresh {
                self.0
                    .insert(key.to_string(), (*fingerprint, value.clone()));
            }
        }
        found.into_iter().map(|(value, _)| value).collect()
    }

    /// Forget entries for files that no longer exist. Every live key was just
    /// looked up, so only a table larger than the live set holds stale ones.
    fn forget_missing<'a>(&mut self, live: impl ExactSizeIterator<Item = &'a str>) {
        if self.0.len() > live.len() {
            let live: std::collections::HashSet<&str> = live.collect();
            self.0.retain(|key, _| live.contains(key.as_str()));
        }
    }
}

/// Words per minute used for reading time, a common estimate for web text.
const READING_SPEED: usize = 200;
/// Meta descriptions are cut to about what search results show.
const DESCRIPTION_LENGTH: usize = 160;

/// A section's pages that have one term of one of its filter taxonomies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterView {
    /// Index of the taxonomy in the site's taxonomies.
    pub taxonomy: usize,
    /// Index of the term in the taxonomy.
    pub term: usize,
    pub pages: Vec<PageId>,
}

impl FilterView {
    /// `/reflective-practice/formats/online/`.
    pub fn site_path(&self, model: &Model, section: &crate::content::Section) -> String {
        let taxonomy = &model.taxonomies.list[self.taxonomy];
        format!(
            "{}{}/{}/",
            section.url, taxonomy.name, taxonomy.terms[self.term].slug
        )
    }
}

/// Every filtered listing of a section: for each of its filter taxonomies,
/// each term its pages use, with those pages in the section's order.
fn filter_views(model: &Model, id: SectionId) -> Vec<FilterView> {
    let section = model.tree.section(id);
    let mut views = Vec::new();
    for name in &section.front.filters {
        let Some(index) = model.taxonomies.list.iter().position(|t| &t.name == name) else {
            continue;
        };
        let terms = 0..model.taxonomies.list[index].terms.len();
        views.extend(terms.filter_map(|term| view_of(model, section, index, term)));
    }
    views
}

fn view_of(
    model: &Model,
    section: &crate::content::Section,
    taxonomy: usize,
    term: usize,
) -> Option<FilterView> {
    let with_term: std::collections::HashSet<PageId> = model.taxonomies.list[taxonomy]
        .terms
        .get(term)?
        .pages
        .iter()
        .copied()
        .collect();
    let pages: Vec<PageId> = section
        .pages
        .iter()
        .copied()
        .filter(|p| with_term.contains(p))
        .collect();
    (!pages.is_empty()).then_some(FilterView {
        taxonomy,
        term,
        pages,
    })
}

/// Sites up to this size list every page on the search page, for readers
/// without JavaScript; larger sites list sections and topics only.
const A_TO_Z_MOST_PAGES: usize = 300;

/// Every page by title, for the search page, or none on a large site.
pub fn a_to_z(model: &Model) -> Vec<PageId> {
    let tree = &model.tree;
    if tree.pages.len() > A_TO_Z_MOST_PAGES {
        return Vec::new();
    }
    let mut pages: Vec<PageId> = tree.pages.iter().map(|p| p.id).collect();
    pages.sort_by_cached_key(|p| tree.page(*p).front.title.to_lowercase());
    pages
}

/// One page of a paginated listing.
pub struct PagerPage<'a> {
    /// 1-based.
    pub number: usize,
    pub total: usize,
    pub pages: &'a [PageId],
    /// Site path of the listing's first page, e.g. `/research/`.
    pub base: &'a str,
}

impl PagerPage<'_> {
    /// Site path of page `number` of a listing at `base`.
    pub fn path(base: &str, number: usize) -> String {
        if number <= 1 {
            base.to_string()
        } else {
            format!("{base}page/{number}/")
        }
    }
}

impl Values {
    /// No values yet, before a site is loaded.
    pub fn empty() -> Values {
        Values {
            site: Value::none(),
            site_fingerprint: 0,
            pages: Vec::new(),
            page_fingerprints: Vec::new(),
            sections: Vec::new(),
            section_fingerprints: Vec::new(),
            links: Vec::new(),
            link_fingerprints: Vec::new(),
            taxonomies: Vec::new(),
            taxonomy_fingerprints: Vec::new(),
            filters: Vec::new(),
            memo: Memo::default(),
        }
    }

    /// Build every value, reusing those of `previous` whose inputs are
    /// unchanged. Summaries are taken from `taken` where it has them, and
    /// otherwise read from the renders; what is left in `taken` (values
    /// reused from `previous`) goes when the build ends.
    pub fn build(model: &Model, previous: Option<Values>, taken: Option<TakenSummaries>) -> Values {
        let taken = taken.as_ref();
        let Model { config, tree, .. } = model;
        let mut memo = previous.map(|p| p.memo).unwrap_or_default();

        let link_fingerprints: Vec<u64> = tree
            .sections
            .iter()
            .map(|s| {
                Fingerprint::new()
                    .with(config.fingerprint)
                    .with(s.front_hash)
                    .with(&s.url)
                    .finish()
            })
            .collect();
        let links: Vec<Value> = tree
            .sections
            .iter()
            .map(|s| {
                memo.links.reuse(
                    &s.file.content_path,
                    link_fingerprints[s.id.0 as usize],
                    || section_link(config, s),
                )
            })
            .collect();
        let section_fingerprints: Vec<u64> = tree
            .sections
            .iter()
            .map(|s| {
                Fingerprint::new()
                    .with(link_fingerprints[s.id.0 as usize])
                    .with(&s.file.content_path)
                    .with(model.sections_md[s.id.0 as usize].summary_fingerprint)
                    .with((
                        s.pages.len(),
                        s.subsections.len(),
                        section_has_feed(config, tree, s.id),
                    ))
                    .finish()
            })
            .collect();
        let shared = SharedValues::new(config);
        let sections: Vec<Value> = tree
            .sections
            .iter()
            .map(|s| {
                memo.sections.reuse(
                    &s.file.content_path,
                    section_fingerprints[s.id.0 as usize],
                    || section_summary(model, &shared, s, taken),
                )
            })
            .collect();
        let page_fingerprints: Vec<u64> = tree
            .pages
            .iter()
            .map(|p| {
                Fingerprint::new()
                    .with(config.fingerprint)
                    .with(p.front_hash)
                    .with((&p.url, &p.file.content_path, &p.schema))
                    .with(model.pages_md[p.id.0 as usize].summary_fingerprint)
                    .with(link_fingerprints[p.section.0 as usize])
                    .finish()
            })
            .collect();
        let wanted: Vec<(&str, u64)> = tree
            .pages
            .iter()
            .map(|p| {
                (
                    p.file.content_path.as_str(),
                    page_fingerprints[p.id.0 as usize],
                )
            })
            .collect();
        let pages = memo.pages.reuse_all(&wanted, |index| {
            let page = &tree.pages[index];
            let section_link = &links[page.section.0 as usize];
            page_summary(model, &shared, page, section_link, taken)
        });
        let taxonomy_fingerprints: Vec<u64> = model
            .taxonomies
            .list
            .iter()
            .map(|t| {
                Fingerprint::new()
                    .with(config.fingerprint)
                    .with(&t.name)
                    .with_all(
                        t.terms
                            .iter()
                            .map(|term| (&term.name, &term.slug, term.pages.len())),
                    )
                    .finish()
            })
            .collect();
        let taxonomies: Vec<Value> = model
            .taxonomies
            .list
            .iter()
            .map(|t| taxonomy_value(config, t))
            .collect();
        let nav_order = nav_order(tree);
        let site_fingerprint = Fingerprint::new()
            .with(config.fingerprint)
            .with_all(
                nav_order
                    .iter()
                    .map(|(id, depth)| (link_fingerprints[id.0 as usize], depth)),
            )
            .with(site_has_feed(config, tree))
            .finish();
        let site = site_value(model, &links);
        let section_paths = || tree.sections.iter().map(|s| s.file.content_path.as_str());
        memo.pages
            .forget_missing(tree.pages.iter().map(|p| p.file.content_path.as_str()));
        memo.sections.forget_missing(section_paths());
        memo.links.forget_missing(section_paths());
        let filters = tree
            .sections
            .iter()
            .map(|s| filter_views(model, s.id))
            .collect();
        Values {
            site,
            site_fingerprint,
            pages,
            page_fingerprints,
            sections,
            section_fingerprints,
            links,
            link_fingerprints,
            taxonomies,
            taxonomy_fingerprints,
            filters,
            memo,
        }
    }

    /// Every filtered listing of a section.
    pub fn filter_views(&self, id: SectionId) -> &[FilterView] {
        &self.filters[id.0 as usize]
    }

    /// One filtered listing of a section, if the section filters by that
    /// taxonomy and any of its pages use that term.
    pub fn filter_view(&self, id: SectionId, taxonomy: usize, term: usize) -> Option<&FilterView> {
        self.filter_views(id)
            .iter()
            .find(|view| view.taxonomy == taxonomy && view.term == term)
    }

    /// Everything a page template gets as `page`. The body's HTML comes
    /// apart from its render: a site built once hands it over (see
    /// `site::render::Handover`), unpacked, and empties the render's copy.
    pub fn page(&self, model: &Model, id: PageId, rendered: &Rendered, body_html: &str) -> Value {
        let tree = &model.tree;
        let page = tree.page(id);
        let (previous, next) = tree.neighbours(id);
        let ancestors = page_ancestors(tree, page);
        let related = model.related[id.0 as usize]
            .iter()
            .map(|p| self.pages[p.0 as usize].clone());
        let kind = page
            .front
            .structured_data
            .or_else(|| {
                page.schema
                    .as_ref()
                    .and_then(|s| model.config.schemas.get(s))
                    .and_then(|s| s.structured_data)
            })
            .unwrap_or(StructuredDataType::WebPage);
        with_body(&self.pages[id.0 as usize], rendered, body_html)
            .value(
                "ancestors",
                list(ancestors.iter().map(|s| self.links[s.0 as usize].clone())),
            )
            .value(
                "previous",
                or_none(previous.map(|p| self.pages[p.0 as usize].clone())),
            )
            .value(
                "next",
                or_none(next.map(|p| self.pages[p.0 as usize].clone())),
            )
            .value("related", list(related))
            .value("backlinks", self.backlinks(model, &page.url))
            .html(
                "json_ld",
                &self.json_ld(model, &page.front, &page.url, &ancestors, kind),
            )
            .build()
    }

    /// Everything a section template gets as `section`.
    pub fn section(&self, model: &Model, id: SectionId, rendered: &Rendered) -> Value {
        let tree = &model.tree;
        let section = tree.section(id);
        let ancestors = tree.ancestors(id);
        let kind = section
            .front
            .structured_data
            .unwrap_or(StructuredDataType::WebPage);
        let json_ld = self.json_ld(model, &section.front, &section.url, &ancestors, kind);
        with_body(
            &self.sections[id.0 as usize],
            rendered,
            &rendered.html.text(),
        )
        .value("pages", self.page_list(&section.pages))
        .value("filters", self.section_filters(model, id))
        .value(
            "subsections",
            list(ordered_subsections(tree, id).map(|s| self.sections[s.0 as usize].clone())),
        )
        .value(
            "ancestors",
            list(ancestors.iter().map(|s| self.links[s.0 as usize].clone())),
        )
        .value("backlinks", self.backlinks(model, &section.url))
        .html("json_ld", &json_ld)
        .build()
    }

    /// A term with its pages, for `term.html`.
    pub fn term(&self, model: &Model, taxonomy: &Taxonomy, term: &Term) -> Value {
        let path = taxonomy.term_path(term);
        Obj::new()
            .text("name", &term.name)
            .text("slug", &term.slug)
            .text("url", &model.config.base_url.url(&path))
            .text("permalink", &model.config.base_url.permalink(&path))
            .text("site_path", &path)
            .int("page_count", term.pages.len() as i64)
            .value("pages", self.page_list(&term.pages))
            .build()
    }

    /// Paging details for one page of a listing.
    pub fn paginator(&self, model: &Model, pager: &PagerPage<'_>) -> Value {
        let url = |n: usize| model.config.base_url.url(&PagerPage::path(pager.base, n));
        let links = (1..=pager.total).map(|n| {
            Obj::new()
                .int("number", n as i64)
                .text("url", &url(n))
                .flag("is_current", n == pager.number)
                .build()
        });
        Obj::new()
            .int("number", pager.number as i64)
            .int("total_pages", pager.total as i64)
            .value("pages", self.page_list(pager.pages))
            .value(
                "previous",
                or_none((pager.number > 1).then(|| Value::from(url(pager.number - 1)))),
            )
            .value(
                "next",
                or_none((pager.number < pager.total).then(|| Value::from(url(pager.number + 1)))),
            )
            .text("first", &url(1))
            .text("last", &url(pager.total))
            .value("links", list(links))
            .build()
    }

    /// The filters of a section's listing: each filter taxonomy with the
    /// terms its pages use, and where each term's filtered listing is.
    fn section_filters(&self, model: &Model, id: SectionId) -> Value {
        let section = model.tree.section(id);
        let views = self.filter_views(id);
        list(section.front.filters.iter().filter_map(|name| {
            let index = model.taxonomies.list.iter().position(|t| &t.name == name)?;
            let taxonomy = &model.taxonomies.list[index];
            let terms = views.iter().filter(|v| v.taxonomy == index).map(|view| {
                let term = &taxonomy.terms[view.term];
                Obj::new()
                    .text("name", &term.name)
                    .text("slug", &term.slug)
                    .text(
                        "url",
                        &model.config.base_url.url(&view.site_path(model, section)),
                    )
                    .int("count", view.pages.len() as i64)
                    .build()
            });
            Some(facet_group(taxonomy, terms))
        }))
    }

    /// A section narrowed to one filter term, for its filter page.
    pub fn filtered_section(
        &self,
        model: &Model,
        id: SectionId,
        rendered: &Rendered,
        view: &FilterView,
    ) -> (Value, Value) {
        let section = model.tree.section(id);
        let taxonomy = &model.taxonomies.list[view.taxonomy];
        let term = &taxonomy.terms[view.term];
        let value = Obj::extend(&self.section(model, id, rendered))
            .value("pages", self.page_list(&view.pages))
            .build();
        let filter = Obj::new()
            .text("taxonomy", &taxonomy.name)
            .text("taxonomy_title", &taxonomy.title)
            .text("term", &term.name)
            .text("slug", &term.slug)
            .int("count", view.pages.len() as i64)
            .text("clear_url", &model.config.base_url.url(&section.url))
            .build();
        (value, filter)
    }

    /// What the search page shows: its facets with their terms, the index's
    /// address, and every page by title on a small site.
    pub fn search_page(&self, model: &Model) -> Value {
        let config = &model.config;
        let facets = config.search.facets.iter().filter_map(|name| {
            let taxonomy = model.taxonomies.list.iter().find(|t| &t.name == name)?;
            let terms = taxonomy.terms.iter().map(|term| {
                Obj::new()
                    .text("name", &term.name)
                    .text("slug", &term.slug)
                    .int("count", term.pages.len() as i64)
                    .build()
            });
            Some(facet_group(taxonomy, terms))
        });
        // Title, address and description let the theme's metadata partial
        // treat the search page like any other page.
        Obj::new()
            .text("title", "Search")
            .text("permalink", &config.base_url.permalink("/search/"))
            .text(
                "meta_description",
                &format!("Search {}, or browse by section and topic.", config.title),
            )
            .value("facets", list(facets))
            .text("index_url", &config.base_url.url("/search/index.json"))
            .value("pages", self.page_list(&a_to_z(model)))
            .value("taxonomies", list(self.taxonomies.iter().cloned()))
            .build()
    }

    /// A page's summary HTML, as its templates see it. Feeds read it here,
    /// because a site built once takes the render's copy to make this one
    /// (see [`TakenSummaries`]).
    pub fn page_summary_html(&self, id: PageId) -> &str {
        let summary = self.pages[id.0 as usize].get_from_path("summary");
        summary
            .and_then(Value::as_str)
            .expect("every page value has its summary (`common`)")
    }

    fn page_list(&self, ids: &[PageId]) -> Value {
        list(ids.iter().map(|p| self.pages[p.0 as usize].clone()))
    }

    /// Fingerprint of a linking page or section, for the pages listing it.
    pub fn fingerprint_of(&self, reference: ContentRef) -> u64 {
        match reference {
            ContentRef::Page(id) => self.page_fingerprints[id.0 as usize],
            ContentRef::Section(id) => self.section_fingerprints[id.0 as usize],
            _ => 0,
        }
    }

    /// What links to `site_path`, ordered by title.
    pub fn backlink_refs<'m>(model: &'m Model, site_path: &str) -> &'m [ContentRef] {
        model.backlinks.to(site_path)
    }

    fn backlinks(&self, model: &Model, site_path: &str) -> Value {
        list(
            Values::backlink_refs(model, site_path)
                .iter()
                .filter_map(|r| match r {
                    ContentRef::Page(id) => Some(self.pages[id.0 as usize].clone()),
                    ContentRef::Section(id) => Some(self.sections[id.0 as usize].clone()),
                    _ => None,
                }),
        )
    }

    fn json_ld(
        &self,
        model: &Model,
        front: &FrontMatter,
        url: &str,
        ancestors: &[SectionId],
        kind: StructuredDataType,
    ) -> String {
        let base = &model.config.base_url;
        let mut trail: Vec<(&str, String)> = ancestors
            .iter()
            .map(|s| {
                let section = model.tree.section(*s);
                let name = if section.parent.is_none() {
                    "Home"
                } else {
                    section.front.title.as_str()
                };
                (name, base.permalink(&section.url))
            })
            .collect();
        let permalink = base.permalink(url);
        if !(trail.is_empty() && url == "/") {
            trail.push((front.title.as_str(), permalink.clone()));
        }
        json_ld(
            &model.config,
            &Subject {
                front,
                permalink: &permalink,
                kind,
                trail,
            },
        )
    }

    /// What `get_page`, `get_section`, `get_taxonomy` and `url_for` look things up in.
    /// Fingerprint of everything [`Values::lookup`] reads.
    pub fn lookup_inputs(&self, model: &Model) -> u64 {
        let tree = &model.tree;
        Fingerprint::new()
            .with(model.config.fingerprint)
            .with_all(&self.page_fingerprints)
            .with_all(&self.section_fingerprints)
            .with_all(tree.sections.iter().map(|s| &s.pages))
            .with_all(&self.taxonomy_fingerprints)
            .with_all(tree.assets.iter().map(|a| (&a.content_path, &a.url)))
            .finish()
    }

    pub fn lookup(&self, model: &Model) -> Lookup {
        let tree = &model.tree;
        let mut site_paths: HashMap<String, String> = HashMap::new();
        let mut pages = HashMap::new();
        for page in &tree.pages {
            let index = page.id.0 as usize;
            pages.insert(
                page.file.content_path.clone(),
                (self.pages[index].clone(), self.page_fingerprints[index]),
            );
            site_paths.insert(page.file.content_path.clone(), page.url.clone());
        }
        let mut sections = HashMap::new();
        for section in &tree.sections {
            let index = section.id.0 as usize;
            let with_pages = Obj::extend(&self.sections[index])
                .value("pages", self.page_list(&section.pages))
                .build();
            let fingerprint = Fingerprint::new()
                .with(self.section_fingerprints[index])
                .with_all(
                    section
                        .pages
                        .iter()
                        .map(|p| self.page_fingerprints[p.0 as usize]),
                )
                .finish();
            sections.insert(section.file.content_path.clone(), (with_pages, fingerprint));
            site_paths.insert(section.file.content_path.clone(), section.url.clone());
        }
        for asset in &tree.assets {
            site_paths.insert(asset.content_path.clone(), asset.url.clone());
        }
        let taxonomies = model
            .taxonomies
            .list
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    t.name.clone(),
                    (self.taxonomies[i].clone(), self.taxonomy_fingerprints[i]),
                )
            })
            .collect();
        Lookup {
            pages,
            sections,
            taxonomies,
            site_paths,
            base_url: model.config.base_url.clone(),
        }
    }
}

/// A page's sections from the home down to its own, for breadcrumbs.
pub fn page_ancestors(tree: &ContentTree, page: &Page) -> Vec<SectionId> {
    let mut ancestors = tree.ancestors(page.section);
    ancestors.push(page.section);
    ancestors
}

/// Subsections in navigation order: weight, then title.
pub fn ordered_subsections(
    tree: &ContentTree,
    id: SectionId,
) -> impl Iterator<Item = SectionId> + '_ {
    let mut ids = tree.section(id).subsections.clone();
    ids.sort_by(|a, b| {
        let (a, b) = (tree.section(*a), tree.section(*b));
        a.front
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&b.front.weight.unwrap_or(i64::MAX))
            .then_with(|| {
                a.front
                    .title
                    .to_lowercase()
                    .cmp(&b.front.title.to_lowercase())
            })
    });
    ids.into_iter()
}

/// Every section below the home in navigation order, with its depth.
fn nav_order(tree: &ContentTree) -> Vec<(SectionId, usize)> {
    fn walk(tree: &ContentTree, id: SectionId, depth: usize, out: &mut Vec<(SectionId, usize)>) {
        for child in ordered_subsections(tree, id) {
            out.push((child, depth));
            walk(tree, child, depth + 1, out);
        }
    }
    let mut out = vec![(SectionId(0), 0)];
    walk(tree, SectionId(0), 1, &mut out);
    out
}

/// Whether a section's own pages are dated, and so it has an Atom feed.
pub fn section_has_feed(config: &Config, tree: &ContentTree, id: SectionId) -> bool {
    config.feeds.enabled
        && tree
            .section(id)
            .pages
            .iter()
            .any(|p| tree.page(*p).front.date.is_some())
}

/// Whether the site has an Atom feed: feeds are on and some page is dated.
pub fn site_has_feed(config: &Config, tree: &ContentTree) -> bool {
    config.feeds.enabled && tree.pages.iter().any(|p| p.front.date.is_some())
}

fn site_value(model: &Model, links: &[Value]) -> Value {
    let Model { config, tree, .. } = model;
    fn nav(tree: &ContentTree, id: SectionId, links: &[Value]) -> Value {
        list(ordered_subsections(tree, id).map(|s| {
            Obj::extend(&links[s.0 as usize])
                .value("subsections", nav(tree, s, links))
                .build()
        }))
    }
    let taxonomies = list(config.taxonomies.iter().map(|t| {
        Obj::new()
            .text("name", &t.name)
            .text("title", &t.title)
            .text("url", &config.base_url.url(&format!("/{}/", t.name)))
            .build()
    }));
    let feed_url =
        site_has_feed(config, tree).then(|| Value::from(config.base_url.url("/atom.xml")));
    let search_url = config
        .search
        .enabled
        .then(|| Value::from(config.base_url.url("/search/")));
    Obj::new()
        .text("title", &config.title)
        .maybe_text("description", config.description.as_deref())
        .text("language", &config.language)
        .text("locale", &config.language.replace('-', "_"))
        .text("base_url", &config.base_url.as_str())
        .text("url", config.base_url.prefix())
        .json("extra", &config.extra)
        .value("home", links[0].clone())
        .value("sections", nav(tree, SectionId(0), links))
        .value("taxonomies", taxonomies)
        .value("feed_url", or_none(feed_url))
        .value("search_url", or_none(search_url))
        .text(
            "generator",
            concat!("signposter ", env!("CARGO_PKG_VERSION")),
        )
        .text("highlight_css", &config.base_url.url("/highlight.css"))
        .build()
}

fn taxonomy_value(config: &Config, taxonomy: &Taxonomy) -> Value {
    let path = taxonomy.site_path();
    let terms = taxonomy.terms.iter().map(|term| {
        let term_path = taxonomy.term_path(term);
        Obj::new()
            .text("name", &term.name)
            .text("slug", &term.slug)
            .text("url", &config.base_url.url(&term_path))
            .text("site_path", &term_path)
            .int("page_count", term.pages.len() as i64)
            .build()
    });
    Obj::new()
        .text("name", &taxonomy.name)
        .text("title", &taxonomy.title)
        .text("url", &config.base_url.url(&path))
        .text("permalink", &config.base_url.permalink(&path))
        .text("site_path", &path)
        .value("terms", list(terms))
        .build()
}

/// A section's name and address: all that navigation and breadcrumbs need.
fn section_link(config: &Config, section: &Section) -> Value {
    let front = &section.front;
    Obj::new()
        .text("kind", "section")
        .text("title", &front.title)
        .text(
            "link_title",
            front.link_title.as_deref().unwrap_or(&front.title),
        )
        .maybe_text("description", front.description.as_deref())
        .text("url", &config.base_url.url(&section.url))
        .text("permalink", &config.base_url.permalink(&section.url))
        .text("site_path", &section.url)
        .maybe_int("weight", front.weight)
        .flag("is_home", section.parent.is_none())
        .build()
}

/// A summary plus the body: what a page or section's own template sees.
fn with_body(summary: &Value, rendered: &Rendered, body_html: &str) -> Obj {
    Obj::extend(summary)
        .html("content", body_html)
        .value("toc", toc_value(&rendered.toc()))
        .int("word_count", rendered.word_count as i64)
        .int(
            "reading_time",
            rendered.word_count.div_ceil(READING_SPEED).max(1) as i64,
        )
        .flag("has_code", rendered.has_highlighting)
}

/// Values many pages carry alike, made once and shared by all of them: Tera
/// values are reference-counted, and a 10,000-page site would otherwise hold
/// tens of thousands of copies of each.
struct SharedValues<'a> {
    config: &'a Config,
    /// Each taxonomy term's link (name, slug, address) as pages spell it.
    term_links: Mutex<FastMap<(usize, &'a str), Value>>,
    /// What most pages have as `extra` and `fields`: nothing.
    empty_map: Value,
    /// What most pages have as `facts`, and as the terms of a taxonomy
    /// they do not use: nothing.
    empty_list: Value,
}

impl<'a> SharedValues<'a> {
    fn new(config: &'a Config) -> SharedValues<'a> {
        SharedValues {
            config,
            term_links: Mutex::default(),
            empty_map: Value::from_serializable(&serde_json::Map::new()),
            empty_list: list([]),
        }
    }

    /// `value` for templates; the shared value when it is an empty map.
    fn json_sharing_empty(&self, value: &serde_json::Value) -> Value {
        match value.as_object() {
            Some(map) if map.is_empty() => self.empty_map.clone(),
            _ => Value::from_serializable(value),
        }
    }

    /// A list of `items`; the shared value when there are none.
    fn list_sharing_empty(&self, items: Vec<Value>) -> Value {
        if items.is_empty() {
            return self.empty_list.clone();
        }
        list(items)
    }

    /// The link for `term` of the taxonomy at `taxonomy` in the site's list.
    fn term_link(&self, taxonomy: usize, term: &'a str) -> Value {
        let made = || {
            self.term_links
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        if let Some(link) = made().get(&(taxonomy, term)) {
            return link.clone();
        }
        // Made without the lock, so pages built in parallel do not queue
        // behind it; if two make the same link, the first one made is kept.
        let slug = crate::content::slugify(term);
        let path = term_path(&self.config.taxonomies[taxonomy].name, &slug);
        let link = Obj::new()
            .text("name", term)
            .text("slug", &slug)
            .text("url", &self.config.base_url.url(&path))
            .build();
        made().entry((taxonomy, term)).or_insert(link).clone()
    }
}

/// What pages and sections have in common, for building their values.
struct Document<'a, 's> {
    url: &'a str,
    content_path: &'a str,
    front: &'a FrontMatter,
    /// The summary's HTML and plain text (see [`summary_of`]).
    summary: (&'s str, &'s str),
}

/// A rendered body's summary and its plain text, taken from the render.
#[derive(Debug)]
struct TakenSummary {
    html: String,
    text: String,
}

/// The summaries of a site built once, moved out of its renders so that
/// each goes as soon as its template value holds a copy. Tera copies every
/// string it is given, so the renders' summaries and the values' copies
/// were otherwise all held together (9 MiB at 10,000 pages).
#[derive(Debug, Default)]
pub struct TakenSummaries {
    /// By page id, then by section id; `None` once taken, or where another
    /// holder of the render kept it (the render's is then read in place).
    pages: Vec<Mutex<Option<TakenSummary>>>,
    sections: Vec<Mutex<Option<TakenSummary>>>,
}

impl TakenSummaries {
    /// Move each summary out of `model`'s renders. Feeds read summaries
    /// from the values afterwards ([`Values::page_summary_html`]).
    pub fn take_from(model: &mut Model) -> TakenSummaries {
        let take_all = |renders: &mut [Arc<Rendered>]| {
            let take = |rendered: &mut Rendered| TakenSummary {
                html: std::mem::take(&mut rendered.summary),
                text: std::mem::take(&mut rendered.summary_text),
            };
            (renders.iter_mut())
                .map(|rendered| {
                    let only_holder = Arc::get_mut(rendered);
                    debug_assert!(only_holder.is_some(), "nothing else holds a render yet");
                    Mutex::new(only_holder.map(take))
                })
                .collect()
        };
        TakenSummaries {
            pages: take_all(&mut model.pages_md),
            sections: take_all(&mut model.sections_md),
        }
    }
}

/// The summary HTML and plain text a value is built from: the one taken
/// (which the caller frees once it is copied), or else the render's own.
fn summary_of<'a>(rendered: &'a Rendered, taken: Option<&'a TakenSummary>) -> (&'a str, &'a str) {
    match taken {
        Some(summary) => (&summary.html, &summary.text),
        None => (&rendered.summary, &rendered.summary_text),
    }
}

/// The fields pages and sections share.
fn common<'a>(shared: &SharedValues<'a>, document: &Document<'a, '_>, obj: Obj) -> Obj {
    let config = shared.config;
    let Document {
        url,
        content_path,
        front,
        summary: (summary, summary_text),
    } = *document;
    let mut taxonomy_map = tera::Map::default();
    for (index, taxonomy) in config.taxonomies.iter().enumerate() {
        let links = front
            .terms(&taxonomy.name)
            .iter()
            .map(|term| shared.term_link(index, term));
        taxonomy_map.insert(
            taxonomy.name.clone().into(),
            shared.list_sharing_empty(links.collect()),
        );
    }
    // Fields that usually hold the same text share one value: the link
    // title is the title, the meta description the description, and the
    // address the site path when the site is served from its domain's root.
    let title = Value::from(front.title.as_str());
    let link_title = (front.link_title.as_deref()).map_or_else(|| title.clone(), Value::from);
    let description = front.description.as_deref().map(Value::from);
    let meta_description = description
        .clone()
        .unwrap_or_else(|| Value::from(shorten(summary_text, DESCRIPTION_LENGTH)));
    let address = Value::from(config.base_url.url(url));
    let site_path = match address.as_str() {
        Some(same) if same == url => address.clone(),
        _ => Value::from(url),
    };
    obj.value("title", title)
        .value("link_title", link_title)
        .value("description", or_none(description))
        .value("meta_description", meta_description)
        .html("summary", summary)
        .maybe_text("date", front.date.map(|d| d.to_string()).as_deref())
        .maybe_text("updated", front.updated.map(|d| d.to_string()).as_deref())
        .value("url", address)
        .text("permalink", &config.base_url.permalink(url))
        .value("site_path", site_path)
        .text("path", content_path)
        .maybe_int("weight", front.weight)
        .value("taxonomies", Value::from(taxonomy_map))
        .value("extra", shared.json_sharing_empty(&front.extra))
}

/// Cut `text` at a word boundary to at most `limit` characters, adding an ellipsis.
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    let at_word_end = text[cut.len()..].starts_with(char::is_whitespace);
    if !at_word_end {
        if let Some(space) = cut.rfind(' ') {
            cut.truncate(space);
        }
    }
    cut.truncate(
        cut.trim_end_matches(|c: char| c.is_ascii_punctuation())
            .len(),
    );
    cut.push('…');
    cut
}

fn page_summary<'m>(
    model: &'m Model,
    shared: &SharedValues<'m>,
    page: &'m Page,
    section_link: &Value,
    taken: Option<&TakenSummaries>,
) -> Value {
    let config = &model.config;
    let rendered = &model.pages_md[page.id.0 as usize];
    let taken = taken.and_then(|t| super::take_slot(&t.pages, page.id.0 as usize));
    let obj = Obj::new().text("kind", "page");
    // Every field of the page's schema is present, `none` when unset, so
    // templates can test `{% if page.fields.url %}` without special cases.
    let mut fields = serde_json::Map::new();
    let mut facts = Vec::new();
    if let Some(schema) = page.schema.as_ref().and_then(|s| config.schemas.get(s)) {
        for rule in &schema.fields {
            let value = if rule.is_taxonomy {
                let terms = page.front.terms(&rule.name);
                (!terms.is_empty()).then(|| serde_json::Value::from(terms.to_vec()))
            } else {
                let value = page.front.fields.get(&rule.name).cloned();
                fields.insert(rule.name.clone(), value.clone().unwrap_or_default());
                value
            };
            if let Some(value) = value {
                facts.push(
                    Obj::new()
                        .text("name", &rule.name)
                        .text("label", &rule.label)
                        .text("type", rule.field_type.name())
                        .flag("is_taxonomy", rule.is_taxonomy)
                        .json("value", &value)
                        .build(),
                );
            }
        }
    }
    let document = Document {
        url: &page.url,
        content_path: &page.file.content_path,
        front: &page.front,
        summary: summary_of(rendered, taken.as_ref()),
    };
    common(shared, &document, obj)
        .value(
            "fields",
            shared.json_sharing_empty(&serde_json::Value::Object(fields)),
        )
        .value("facts", shared.list_sharing_empty(facts))
        .maybe_text("schema", page.schema.as_deref())
        .value("section", section_link.clone())
        .build()
}

fn section_summary<'m>(
    model: &'m Model,
    shared: &SharedValues<'m>,
    section: &'m Section,
    taken: Option<&TakenSummaries>,
) -> Value {
    let Model { config, tree, .. } = model;
    let rendered = &model.sections_md[section.id.0 as usize];
    let taken = taken.and_then(|t| super::take_slot(&t.sections, section.id.0 as usize));
    let obj = Obj::new().text("kind", "section");
    let document = Document {
        url: &section.url,
        content_path: &section.file.content_path,
        front: &section.front,
        summary: summary_of(rendered, taken.as_ref()),
    };
    let feed = section_has_feed(config, tree, section.id)
        .then(|| Value::from(config.base_url.url(&format!("{}atom.xml", section.url))));
    common(shared, &document, obj)
        .flag("is_home", section.parent.is_none())
        .int("page_count", section.pages.len() as i64)
        .int("subsection_count", section.subsections.len() as i64)
        .value("feed_url", or_none(feed))
        .build()
}

fn toc_value(entries: &[TocEntry]) -> Value {
    list(entries.iter().map(|e| {
        Obj::new()
            .int("level", i64::from(e.level))
            .text("id", &e.id)
            .text("title", &e.title)
            .value("children", toc_value(&e.children))
            .build()
    }))
}

/// A taxonomy readers can narrow a list by, with its terms: one shape for
/// listing filters and search facets, so the theme treats them alike.
fn facet_group(taxonomy: &crate::publish::Taxonomy, terms: impl Iterator<Item = Value>) -> Value {
    Obj::new()
        .text("name", &taxonomy.name)
        .text("title", &taxonomy.title)
        .value("terms", list(terms))
        .build()
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn descriptions_are_cut_at_a_word() {
        assert_eq!(shorten("short", 160), "short");
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(shorten("one two, three", 9), "one two…");
    }
}
