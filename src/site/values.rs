//! Building the `site`, `page` and `section` values templates see, once per
//! build. Listing values are shared between pages, never rebuilt per render.

use std::collections::HashMap;

use crate::config::Config;
use crate::content::{ContentTree, Page, PageId, Section, SectionId, slugify};
use crate::markdown::{Rendered, TocEntry};
use crate::templates::context::{list, or_none};
use crate::templates::{Lookup, Obj, Value};

/// Template values for the whole site.
pub struct Values {
    pub site: Value,
    /// One summary per page (no content), by page id.
    pub pages: Vec<Value>,
    /// One summary per section (no page list), by section id.
    pub sections: Vec<Value>,
}

/// The site path of a taxonomy term's page.
pub fn term_path(taxonomy: &str, term: &str) -> String {
    format!("/{taxonomy}/{}/", slugify(term))
}

/// Words per minute used for reading time, a common estimate for web text.
const READING_SPEED: usize = 200;

impl Values {
    pub fn build(
        config: &Config,
        tree: &ContentTree,
        pages_md: &[Rendered],
        sections_md: &[Rendered],
    ) -> Values {
        let sections: Vec<Value> = tree
            .sections
            .iter()
            .map(|s| section_summary(config, tree, s, &sections_md[s.id.0 as usize]))
            .collect();
        let pages: Vec<Value> = tree
            .pages
            .iter()
            .map(|p| {
                page_summary(
                    config,
                    p,
                    &pages_md[p.id.0 as usize],
                    &sections[p.section.0 as usize],
                )
            })
            .collect();
        let site = site_value(config, tree, &sections);
        Values {
            site,
            pages,
            sections,
        }
    }

    /// Everything a page template gets as `page`.
    pub fn page(&self, tree: &ContentTree, id: PageId, rendered: &Rendered) -> Value {
        let page = tree.page(id);
        let (previous, next) = tree.neighbours(id);
        let mut ancestors: Vec<Value> = tree
            .ancestors(page.section)
            .into_iter()
            .map(|s| self.sections[s.0 as usize].clone())
            .collect();
        ancestors.push(self.sections[page.section.0 as usize].clone());
        Obj::extend(&self.pages[id.0 as usize])
            .html("content", &rendered.html)
            .value("toc", toc_value(&rendered.toc))
            .value("ancestors", list(ancestors))
            .value(
                "previous",
                or_none(previous.map(|p| self.pages[p.0 as usize].clone())),
            )
            .value(
                "next",
                or_none(next.map(|p| self.pages[p.0 as usize].clone())),
            )
            .build()
    }

    /// Everything a section template gets as `section`.
    pub fn section(&self, tree: &ContentTree, id: SectionId, rendered: &Rendered) -> Value {
        let section = tree.section(id);
        let ancestors = tree
            .ancestors(id)
            .into_iter()
            .map(|s| self.sections[s.0 as usize].clone());
        Obj::extend(&self.sections[id.0 as usize])
            .html("content", &rendered.html)
            .value("toc", toc_value(&rendered.toc))
            .value("pages", self.page_list(section))
            .value(
                "subsections",
                list(ordered_subsections(tree, id).map(|s| self.sections[s.0 as usize].clone())),
            )
            .value("ancestors", list(ancestors))
            .build()
    }

    /// A section's published pages, in order.
    fn page_list(&self, section: &Section) -> Value {
        list(
            section
                .pages
                .iter()
                .map(|p| self.pages[p.0 as usize].clone()),
        )
    }

    /// What `get_page`, `get_section` and `url_for` look things up in.
    pub fn lookup(&self, config: &Config, tree: &ContentTree) -> Lookup {
        let mut site_paths: HashMap<String, String> = HashMap::new();
        let mut pages = HashMap::new();
        for page in &tree.pages {
            pages.insert(
                page.file.content_path.clone(),
                self.pages[page.id.0 as usize].clone(),
            );
            site_paths.insert(page.file.content_path.clone(), page.url.clone());
        }
        let mut sections = HashMap::new();
        for section in &tree.sections {
            let with_pages = Obj::extend(&self.sections[section.id.0 as usize])
                .value("pages", self.page_list(section))
                .build();
            sections.insert(section.file.content_path.clone(), with_pages);
            site_paths.insert(section.file.content_path.clone(), section.url.clone());
        }
        for asset in &tree.assets {
            site_paths.insert(asset.content_path.clone(), asset.url.clone());
        }
        Lookup {
            pages,
            sections,
            site_paths,
            base_url: config.base_url.clone(),
        }
    }
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

fn site_value(config: &Config, tree: &ContentTree, sections: &[Value]) -> Value {
    fn nav(tree: &ContentTree, id: SectionId, sections: &[Value]) -> Value {
        list(ordered_subsections(tree, id).map(|s| {
            Obj::extend(&sections[s.0 as usize])
                .value("subsections", nav(tree, s, sections))
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
    Obj::new()
        .text("title", &config.title)
        .maybe_text("description", config.description.as_deref())
        .text("language", &config.language)
        .text("base_url", &config.base_url.as_str())
        .text("url", config.base_url.prefix())
        .json("extra", &config.extra)
        .value("home", sections[0].clone())
        .value("sections", nav(tree, SectionId(0), sections))
        .value("taxonomies", taxonomies)
        .text(
            "generator",
            concat!("signposter ", env!("CARGO_PKG_VERSION")),
        )
        .text("highlight_css", &config.base_url.url("/highlight.css"))
        .build()
}

/// What pages and sections have in common, for building their values.
struct Document<'a> {
    url: &'a str,
    content_path: &'a str,
    front: &'a crate::content::FrontMatter,
    rendered: &'a Rendered,
}

/// The fields pages and sections share.
fn common(config: &Config, document: &Document<'_>, obj: Obj) -> Obj {
    let Document {
        url,
        content_path,
        front,
        rendered,
    } = *document;
    let taxonomies = config
        .taxonomies
        .iter()
        .map(|t| {
            let terms = front.terms(&t.name).iter().map(|term| {
                let path = term_path(&t.name, term);
                Obj::new()
                    .text("name", term)
                    .text("slug", &slugify(term))
                    .text("url", &config.base_url.url(&path))
                    .build()
            });
            (t.name.clone(), list(terms))
        })
        .collect::<Vec<_>>();
    let mut taxonomy_map = tera::Map::default();
    for (name, terms) in taxonomies {
        taxonomy_map.insert(name.into(), terms);
    }
    obj.text("title", &front.title)
        .maybe_text("description", front.description.as_deref())
        .html("summary", &rendered.summary)
        .maybe_text("date", front.date.map(|d| d.to_string()).as_deref())
        .maybe_text("updated", front.updated.map(|d| d.to_string()).as_deref())
        .text("url", &config.base_url.url(url))
        .text("permalink", &config.base_url.permalink(url))
        .text("site_path", url)
        .text("path", content_path)
        .maybe_int("weight", front.weight)
        .value("taxonomies", Value::from(taxonomy_map))
        .json("extra", &front.extra)
        .int("word_count", rendered.word_count as i64)
        .int(
            "reading_time",
            rendered.word_count.div_ceil(READING_SPEED).max(1) as i64,
        )
        .flag("has_code", rendered.has_highlighting)
}

fn page_summary(config: &Config, page: &Page, rendered: &Rendered, section: &Value) -> Value {
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
    common(
        config,
        &Document {
            url: &page.url,
            content_path: &page.file.content_path,
            front: &page.front,
            rendered,
        },
        obj,
    )
    .json("fields", &serde_json::Value::Object(fields))
    .value("facts", list(facts))
    .maybe_text("schema", page.schema.as_deref())
    .value("section", section.clone())
    .build()
}

fn section_summary(
    config: &Config,
    tree: &ContentTree,
    section: &Section,
    rendered: &Rendered,
) -> Value {
    let obj = Obj::new().text("kind", "section");
    common(
        config,
        &Document {
            url: &section.url,
            content_path: &section.file.content_path,
            front: &section.front,
            rendered,
        },
        obj,
    )
    .flag("is_home", section.parent.is_none())
    .int("page_count", section.pages.len() as i64)
    .int(
        "subsection_count",
        tree.section(section.id).subsections.len() as i64,
    )
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
