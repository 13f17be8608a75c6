//! Deciding every output file before anything is rendered: pages, sections
//! and their paginated listings, taxonomy and term pages, redirects, feeds,
//! the sitemap, robots.txt, and copied files. Two claims on one path are
//! reported here, naming both sources.

use std::path::PathBuf;
use std::sync::Arc;

use crate::content::{PageId, SectionId};
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::output::OutputPath;
use crate::publish::sitemap::{SitemapEntry, URLS_PER_FILE, robots, sitemaps};

use super::routes::{Origin, Routes};
use super::values::{PagerPage, section_has_feed, site_has_feed};
use super::{Model, Plan, Site};
use crate::fingerprint::Fingerprint;

/// One output file and how to make it.
#[derive(Debug, Clone)]
pub enum Job {
    Page(PageId),
    /// Page `number` (from 1) of a section's listing.
    Section {
        id: SectionId,
        number: usize,
        total: usize,
    },
    /// A section's listing narrowed to one term of a filter taxonomy.
    SectionFilter {
        id: SectionId,
        taxonomy: usize,
        term: usize,
    },
    /// The list of a taxonomy's terms, by taxonomy index.
    Taxonomy(usize),
    /// Page `number` of one term's listing.
    Term {
        taxonomy: usize,
        term: usize,
        number: usize,
        total: usize,
    },
    /// A redirect page from an old address to `target` (a site path).
    Alias {
        target: String,
        title: String,
    },
    /// The Atom feed of the whole site, or of one section.
    Feed(Option<SectionId>),
    /// A file from `content/`, by asset index.
    Asset(usize),
    /// A theme or site static file, by its output path.
    Static(String),
    /// Text generated while planning, such as the sitemap.
    Text(Arc<str>),
    NotFound,
    HighlightCss,
    /// The search page, which without JavaScript lists where to browse.
    SearchPage,
    /// A file of the search index, by its place in the index's file list.
    SearchIndex(usize),
}

/// Collects planned files, then claims their paths in the route table.
#[derive(Default)]
struct Planner {
    planned: Vec<(OutputPath, Job, Origin)>,
    sitemap: Vec<SitemapEntry>,
    diagnostics: Vec<Diagnostic>,
}

impl Planner {
    fn add(&mut self, site_path: &str, job: Job, origin: Origin) {
        match OutputPath::for_site_path(site_path) {
            Ok(path) => self.planned.push((path, job, origin)),
            Err(message) => self
                .diagnostics
                .push(Diagnostic::error(Code::InvalidPath, message)),
        }
    }

    /// An HTML page readers and search engines should find.
    fn add_page(
        &mut self,
        model: &Model,
        site_path: &str,
        job: Job,
        origin: Origin,
        lastmod: Option<Date>,
    ) {
        self.sitemap.push(SitemapEntry {
            permalink: model.config.base_url.permalink(site_path),
            lastmod,
        });
        self.add(site_path, job, origin);
    }

    /// A listing of `pages`, split over several pages when `per_page` asks for it.
    fn add_listing(
        &mut self,
        model: &Model,
        base: &str,
        pages: &[PageId],
        per_page: Option<usize>,
        origin: &Origin,
        job: impl Fn(usize, usize) -> Job,
    ) {
        let total = match per_page {
            Some(n) if n > 0 => pages.len().div_ceil(n).max(1),
            _ => 1,
        };
        let newest = |ids: &[PageId]| ids.iter().filter_map(|p| lastmod_of(model, *p)).max();
        for number in 1..=total {
            let slice = match per_page {
                Some(n) if n > 0 => {
                    &pages[((number - 1) * n).min(pages.len())..(number * n).min(pages.len())]
                }
                _ => pages,
            };
            self.add_page(
                model,
                &PagerPage::path(base, number),
                job(number, total),
                origin.clone(),
                newest(slice),
            );
        }
        if total > 1 {
            // `/research/page/1/` is the listing's first page: send readers there.
            self.add(
                &format!("{base}page/1/"),
                Job::Alias {
                    target: base.to_string(),
                    title: "the first page".into(),
                },
                origin.clone(),
            );
        }
    }
}

fn lastmod_of(model: &Model, id: PageId) -> Option<Date> {
    let front = &model.tree.page(id).front;
    front.updated.or(front.date)
}

/// The planned outputs, kept between rebuilds in two parts: everything
/// but the search index's files, which changes with what [`inputs`] covers
/// (addresses, aliases, dates, terms, copied files, settings), and those
/// files, whose names change with the words on pages.
pub(super) struct Planned {
    inputs: u64,
    /// How many of the plan's files come before the search index's.
    core_len: usize,
    core_findings: Vec<Diagnostic>,
    routes: Routes,
    search_inputs: u64,
    search_findings: Vec<Diagnostic>,
    /// Every other file, then the search index's.
    pub(super) plan: Arc<Plan>,
}

impl Planned {
    pub(super) fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.core_findings.iter().chain(&self.search_findings)
    }
}

/// Plan every output file, redoing only the part whose inputs changed since
/// `previous`. An edit that brings a new word into the search index renames
/// a chunk file or two, which should not cost planning 20,000 pages again.
pub(super) fn update(site: &Site, previous: Option<Planned>) -> Planned {
    let inputs = inputs(site);
    let search_inputs = search_inputs(site);
    let (mut plan, core_findings, routes) = match previous {
        Some(previous) if previous.inputs == inputs => {
            if previous.search_inputs == search_inputs {
                return previous;
            }
            let core = previous.plan[..previous.core_len].to_vec();
            (core, previous.core_findings, previous.routes)
        }
        _ => plan_routes(site),
    };
    let core_len = plan.len();
    let (search, search_findings) = plan_search_files(site, &routes);
    plan.extend(search);
    Planned {
        inputs,
        core_len,
        core_findings,
        routes,
        search_inputs,
        search_findings,
        plan: Arc::new(plan),
    }
}

/// The search index's files, checked against the routes everything else
/// claimed. They come last, after the files they could clash with.
fn plan_search_files(site: &Site, routes: &Routes) -> (Plan, Vec<Diagnostic>) {
    let mut planner = Planner::default();
    for (index, file) in site.search_files.iter().enumerate() {
        let origin = Origin::Generated("search index");
        planner.add(&format!("/{}", file.path), Job::SearchIndex(index), origin);
    }
    let Planner {
        planned,
        mut diagnostics,
        ..
    } = planner;
    // The index's own names are claimed among themselves, apart from `routes`.
    let mut own = Routes::default();
    let plan = claim_all(planned, &mut own, Some(routes), &mut diagnostics);
    (plan, diagnostics)
}

/// Claim each planned file's path in `routes`, in order, after checking it
/// against `earlier`, the routes of a plan this one comes after; clashes
/// become findings and their files are left out.
fn claim_all(
    planned: Vec<(OutputPath, Job, Origin)>,
    routes: &mut Routes,
    earlier: Option<&Routes>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Plan {
    let mut plan = Vec::with_capacity(planned.len());
    for (path, job, origin) in planned {
        let claimed = match earlier {
            Some(earlier) => earlier.check(&path, &origin),
            None => Ok(()),
        }
        .and_then(|()| routes.claim(path.clone(), origin));
        match claimed {
            Ok(()) => plan.push((path, job)),
            Err(clash) => diagnostics.push(clash),
        }
    }
    plan
}

/// Plan every output file but the search index's; clashes and bad paths are
/// returned as findings, with the routes claimed.
fn plan_routes(site: &Site) -> (Plan, Vec<Diagnostic>, Routes) {
    let model = &site.model;
    let tree = &model.tree;
    let mut planner = Planner::default();

    for section in &tree.sections {
        let origin = Origin::Content(section.file.display_path.clone());
        let id = section.id;
        planner.add_listing(
            model,
            &section.url,
            &section.pages,
            section.front.paginate_by,
            &origin,
            |number, total| Job::Section { id, number, total },
        );
        for view in site.values.filter_views(id) {
            planner.add_page(
                model,
                &view.site_path(model, section),
                Job::SectionFilter {
                    id,
                    taxonomy: view.taxonomy,
                    term: view.term,
                },
                origin.clone(),
                None,
            );
        }
        if section_has_feed(&model.config, tree, id) && section.parent.is_some() {
            planner.add(
                &format!("{}atom.xml", section.url),
                Job::Feed(Some(id)),
                Origin::Generated("section feed"),
            );
        }
    }
    for page in &tree.pages {
        let origin = Origin::Content(page.file.display_path.clone());
        planner.add_page(
            model,
            &page.url,
            Job::Page(page.id),
            origin,
            lastmod_of(model, page.id),
        );
    }
    plan_aliases(model, &mut planner);
    for (index, taxonomy) in model.taxonomies.list.iter().enumerate() {
        let origin = Origin::Generated("taxonomy page");
        let newest = taxonomy
            .terms
            .iter()
            .flat_map(|t| &t.pages)
            .filter_map(|p| lastmod_of(model, *p))
            .max();
        planner.add_page(
            model,
            &taxonomy.site_path(),
            Job::Taxonomy(index),
            origin.clone(),
            newest,
        );
        for (term_index, term) in taxonomy.terms.iter().enumerate() {
            planner.add_listing(
                model,
                &taxonomy.term_path(term),
                &term.pages,
                taxonomy.paginate_by,
                &origin,
                |number, total| Job::Term {
                    taxonomy: index,
                    term: term_index,
                    number,
                    total,
                },
            );
        }
    }
    for (index, asset) in tree.assets.iter().enumerate() {
        planner.add(
            &asset.url,
            Job::Asset(index),
            Origin::Copied(PathBuf::from("content").join(&asset.content_path)),
        );
    }
    for file in site.theme.static_files.values() {
        planner.add(
            &format!("/{}", file.path),
            Job::Static(file.path.clone()),
            Origin::Copied(file.origin.clone()),
        );
    }
    planner.add("/404.html", Job::NotFound, Origin::Generated("404 page"));
    if model.config.search.enabled {
        planner.add(
            "/search/",
            Job::SearchPage,
            Origin::Generated("search page"),
        );
    }
    planner.add(
        "/highlight.css",
        Job::HighlightCss,
        Origin::Generated("code highlighting stylesheet"),
    );
    if site_has_feed(&model.config, tree) {
        planner.add("/atom.xml", Job::Feed(None), Origin::Generated("site feed"));
    }

    let base_permalink = model.config.base_url.as_str();
    for (name, xml) in sitemaps(&planner.sitemap, &base_permalink, URLS_PER_FILE) {
        planner.add(
            &format!("/{name}"),
            Job::Text(Arc::from(xml)),
            Origin::Generated("sitemap"),
        );
    }
    // A site's own robots.txt in static/ wins over the generated one.
    if !site.theme.static_files.contains_key("robots.txt") {
        let text = robots(&model.config.base_url.permalink("/sitemap.xml"));
        planner.add(
            "/robots.txt",
            Job::Text(Arc::from(text)),
            Origin::Generated("robots.txt"),
        );
    }

    let Planner {
        planned,
        mut diagnostics,
        ..
    } = planner;
    let mut routes = Routes::default();
    let plan = claim_all(planned, &mut routes, None, &mut diagnostics);
    (plan, diagnostics, routes)
}

/// Fingerprint of everything the plan but the search index's files is made
/// from: addresses, aliases, page counts, dates, terms, copied files and
/// settings.
fn inputs(site: &Site) -> u64 {
    let model = &site.model;
    let tree = &model.tree;
    Fingerprint::new()
        .with(model.config.fingerprint)
        .with_all(
            tree.sections
                .iter()
                .map(|s| (&s.file.content_path, s.front_hash, &s.url, s.pages.len())),
        )
        .with_all(
            tree.pages
                .iter()
                .map(|p| (&p.file.content_path, p.front_hash, &p.url)),
        )
        .with_all(tree.assets.iter().map(|a| (&a.content_path, &a.url)))
        .with_all(
            site.theme
                .static_files
                .iter()
                .map(|(key, file)| (key, &file.origin)),
        )
        .with_all(model.taxonomies.list.iter().flat_map(|t| {
            t.terms
                .iter()
                .map(move |term| (&t.name, &term.slug, &term.pages))
        }))
        .with(model.config.search.enabled)
        .finish()
}

/// Fingerprint of the search index's file names.
fn search_inputs(site: &Site) -> u64 {
    Fingerprint::new()
        .with_all(site.search_files.iter().map(|f| f.path.as_str()))
        .finish()
}

fn plan_aliases(model: &Model, planner: &mut Planner) {
    let tree = &model.tree;
    let documents = tree
        .pages
        .iter()
        .map(|p| (&p.front, &p.file.display_path, &p.url))
        .chain(
            tree.sections
                .iter()
                .map(|s| (&s.front, &s.file.display_path, &s.url)),
        );
    for (front, file, url) in documents {
        let (line, column) = front.position_of("aliases").unwrap_or((0, 0));
        for alias in &front.aliases {
            let origin = Origin::Alias {
                file: file.clone(),
                line,
                column,
            };
            match alias_site_path(alias) {
                Ok(path) => planner.add(
                    &path,
                    Job::Alias {
                        target: url.clone(),
                        title: front.title.clone(),
                    },
                    origin,
                ),
                Err(message) => planner.diagnostics.push(
                    Diagnostic::error(Code::InvalidPath, format!("alias `{alias}`: {message}"))
                        .at(Location::new(file, line, column))
                        .hint("an alias is an old address on this site, such as `/old-page/`"),
                ),
            }
        }
    }
}

/// `old-page` → `/old-page/`; `/old.html` stays a file. Full URLs are refused.
fn alias_site_path(alias: &str) -> Result<String, String> {
    let alias = alias.trim();
    if alias.is_empty() {
        return Err("it is empty".into());
    }
    if alias.contains("://") || alias.starts_with("//") {
        return Err("aliases are addresses on this site, not full URLs".into());
    }
    let mut path = if alias.starts_with('/') {
        alias.to_string()
    } else {
        format!("/{alias}")
    };
    if !(path.ends_with('/') || path.ends_with(".html") || path.ends_with(".htm")) {
        path.push('/');
    }
    OutputPath::for_site_path(&path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-off build keeps no routes for a rebuild that will not come; a
    /// site kept for rebuilds keeps them, and the two plan the same files.
    #[test]
    fn only_a_site_kept_for_rebuilds_keeps_its_routes() {
        use crate::site::{Retention, SiteOptions};
        let options = SiteOptions {
            root: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
            ..SiteOptions::default()
        };
        let kept = Site::load(&options).unwrap();
        let once = Site::load_retaining(&options, None, Retention::BuildOnce).unwrap();
        assert!(kept.caches.plan.is_some());
        assert!(once.caches.plan.is_none());
        let paths = |site: &Site| {
            site.plan
                .iter()
                .map(|(path, _)| path.clone())
                .collect::<Vec<_>>()
        };
        assert!(!kept.plan.is_empty());
        assert_eq!(paths(&kept), paths(&once));
    }

    #[test]
    fn alias_paths() {
        assert_eq!(alias_site_path("old-page").unwrap(), "/old-page/");
        assert_eq!(alias_site_path("/a/b.html").unwrap(), "/a/b.html");
        assert!(alias_site_path("../../etc/passwd").is_err());
        assert!(alias_site_path("https://evil.example/").is_err());
        assert!(alias_site_path("  ").is_err());
    }
}
