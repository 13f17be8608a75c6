//! Rendering every planned output file in parallel, then checking links
//! against what was rendered.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use tera::Context;

use crate::content::{FrontMatter, PageId, SectionId, SourceLines};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::fingerprint::{FastMap, FastSet, Fingerprint, of};
use crate::html::{escape, ids};
use crate::links::{BuiltSite, LinkSource, check_links, lands_on_any};
use crate::markdown::{BodyHtml, Rendered};
use crate::output::OutputPath;
use crate::templates::{Lookup, StaticSource, Value};

use super::plan::Job;
use super::values::{FilterView, PagerPage, Values, a_to_z, ordered_subsections};
use super::{Plan, Sink, Site, highlight_stylesheet};

/// What rendering produced.
#[derive(Default)]
pub struct Rendering {
    /// Every file written this time (on a first render, every file).
    pub written: Vec<OutputPath>,
    /// Files of the last committed render that the site no longer has.
    pub removed: Vec<OutputPath>,
    pub diagnostics: Vec<Diagnostic>,
    /// What this render publishes, for the next render to start from.
    pub(super) published: Published,
    /// What the link check must look at again.
    changed_targets: ChangedTargets,
}

/// What the last committed render published: the plan it followed, what
/// each output was made from (in the plan's order), and the built site that
/// links are checked against. An edit that keeps the plan reuses all of it
/// by position, without hashing every output path again.
#[derive(Default)]
pub(super) struct Published {
    plan: Arc<Plan>,
    records: Vec<Option<Arc<OutputRecord>>>,
    built: BuiltSite,
    /// The template lookup every record's answers were confirmed against;
    /// none before the first render and after a settings change.
    lookup: Option<Arc<Lookup>>,
    /// The link findings of each page, then each section.
    links: Vec<CheckedLinks>,
}

impl Published {
    /// Whether the records may stand in for renders. After a settings
    /// change they only say which files the next render must remove.
    fn reusable(&self) -> bool {
        self.lookup.is_some()
    }

    /// What is left worth knowing after the settings changed: which files
    /// were published, so that outputs the new settings drop are removed.
    pub(super) fn outdated(self) -> Published {
        Published {
            plan: self.plan,
            records: self.records,
            ..Published::default()
        }
    }
}

/// What the last committed render produced for one output file.
#[derive(Debug)]
struct OutputRecord {
    fingerprint: u64,
    /// Site path and ids of an HTML page, for checking anchors.
    page_ids: Option<PageIds>,
    /// What its template looked up (`get_page`, `url_for`, …) and the answers.
    lookups: Vec<(crate::templates::LookupKey, u64)>,
}

/// One source's link findings, and the Markdown render they were made from.
struct CheckedLinks {
    rendered: Arc<Rendered>,
    site_path: Arc<str>,
    findings: Vec<Diagnostic>,
}

/// How the built site differs from the last committed one, as far as
/// links can tell.
#[derive(Default)]
enum ChangedTargets {
    /// Files came or went (or nothing was committed yet): check everything.
    #[default]
    Files,
    /// The same files; these pages now have different ids.
    Ids(FastSet<Arc<str>>),
}

/// What one job produced.
struct Produced {
    /// The job's position in the plan.
    index: usize,
    /// Site path and ids of an HTML page.
    page_ids: Option<PageIds>,
    /// What the template looked up, and the answers.
    lookups: Vec<(crate::templates::LookupKey, u64)>,
    diagnostics: Vec<Diagnostic>,
    written: bool,
}

type PageIds = (Arc<str>, Arc<HashSet<String>>);

/// Renders jobs of one site into one sink, from many threads.
struct Renderer<'s> {
    site: &'s Site,
    sink: &'s dyn Sink,
    /// Generated once, on first use.
    highlight_css: OnceLock<Result<String, Diagnostic>>,
    handover: Option<Handover>,
}

/// What a site built once hands to its render one piece at a time: each
/// page's body HTML and each search file's bytes, taken by the one job that
/// writes them and so freed as the render goes, not all held to its end.
pub(super) struct Handover {
    /// By page id; `None` where the site still needs the HTML.
    page_html: Vec<Mutex<Option<BodyHtml>>>,
    /// By index in the site's search files.
    search_bytes: Vec<Mutex<Option<Arc<[u8]>>>>,
}

impl Handover {
    /// Take the page HTML and search file bytes that nothing else holds
    /// and that exactly one job of the plan writes.
    pub(super) fn take_from(site: &mut Site) -> Handover {
        let mut page_jobs = vec![0u32; site.model.pages_md.len()];
        for (_, job) in site.plan.iter() {
            if let Job::Page(id) = job {
                page_jobs[id.0 as usize] += 1;
            }
        }
        let page_html = site
            .model
            .pages_md
            .iter_mut()
            .zip(page_jobs)
            .map(|(rendered, jobs)| {
                let only_holder = Arc::get_mut(rendered).filter(|_| jobs == 1);
                Mutex::new(only_holder.map(|r| std::mem::take(&mut r.html)))
            })
            .collect();
        let search_bytes = match Arc::get_mut(&mut site.search_files) {
            Some(files) => files
                .iter_mut()
                .map(|file| Mutex::new(Some(std::mem::replace(&mut file.bytes, Arc::from([])))))
                .collect(),
            None => Vec::new(),
        };
        Handover {
            page_html,
            search_bytes,
        }
    }
}

/// A page or section about to be rendered through a template.
struct Document<'a> {
    lines: SourceLines<'a>,
    front: &'a FrontMatter,
    /// Site path of the output, for ids and `current_path`.
    url: &'a str,
    rendered: &'a Rendered,
    template: String,
    /// The context name (`page` or `section`) and its value.
    context: (&'static str, Value),
    /// More context: paging details for a listing split over several
    /// pages, the filter of a filtered listing.
    extras: Vec<(&'static str, Value)>,
}

/// Render every planned output whose fingerprint differs from what
/// `previous` published.
pub(super) fn render_all(
    site: &Site,
    sink: &dyn Sink,
    previous: &Published,
    handover: Option<Handover>,
) -> Rendering {
    let renderer = Renderer {
        site,
        sink,
        highlight_css: OnceLock::new(),
        handover,
    };
    // Outputs keep their places in the plan unless addresses change; a new
    // search chunk changes only the plan's tail, after everything else.
    let kept = previous
        .plan
        .iter()
        .zip(site.plan.iter())
        .take_while(|(before, now)| before.0 == now.0)
        .count();
    let same_plan = previous.reusable() && kept == previous.plan.len() && kept == site.plan.len();
    let mut records = previous.records[..kept].to_vec();
    if !same_plan {
        records.extend(records_by_path(
            &previous.plan[kept..],
            &previous.records[kept..],
            &site.plan[kept..],
        ));
    }
    // Most pages make the same few lookups (a stylesheet's address, say): answer each once.
    let answers = site.templates.answers();
    // Every kept record was confirmed against the lookup of the last render,
    // so while that lookup stands, all their answers do too.
    let answers_stand = previous
        .lookup
        .as_ref()
        .is_some_and(|lookup| Arc::ptr_eq(lookup, answers.lookup()));
    let produced: Vec<(Produced, u64)> = site
        .plan
        .par_iter()
        .zip(&records)
        .enumerate()
        .filter_map(|(index, ((path, job), record))| {
            let fingerprint = fingerprint(site, job);
            match record {
                Some(record)
                    if previous.reusable()
                        && record.fingerprint == fingerprint
                        && (answers_stand || answers.unchanged(&record.lookups)) =>
                {
                    None
                }
                _ => Some((renderer.run(index, path, job), fingerprint)),
            }
        })
        .collect();

    let mut rendering = Rendering::default();
    let mut built = if same_plan {
        previous.built.clone()
    } else {
        BuiltSite::with_capacity(site.plan.len())
    };
    let mut ids_changed = FastSet::default();
    let mut pages_changed = false;
    let mut template_errors: HashMap<(Option<Location>, String), (usize, Diagnostic)> =
        HashMap::new();
    for (item, fingerprint) in produced {
        let path = &site.plan[item.index].0;
        if item.written {
            rendering.written.push(path.clone());
        }
        if same_plan {
            let before = records[item.index]
                .as_ref()
                .and_then(|r| r.page_ids.as_ref());
            match (before, &item.page_ids) {
                (Some((was_at, was)), Some((at, ids))) if was_at == at => {
                    if was != ids {
                        built.add_page_ids(at.clone(), ids.clone());
                        ids_changed.insert(at.clone());
                    }
                }
                (None, None) => {}
                // A page came or went from the link check's view.
                (before, now) => {
                    pages_changed = true;
                    if let Some((was_at, _)) = before {
                        built.remove_page_ids(was_at);
                    }
                    if let Some((at, ids)) = now {
                        built.add_page_ids(at.clone(), ids.clone());
                    }
                }
            }
        }
        records[item.index] = Some(Arc::new(OutputRecord {
            fingerprint,
            page_ids: item.page_ids,
            lookups: item.lookups,
        }));
        for diagnostic in item.diagnostics {
            if diagnostic.code == Code::Template {
                // One broken template line fails every page using it; say so once.
                let key = (diagnostic.location.clone(), diagnostic.message.clone());
                template_errors.entry(key).or_insert((0, diagnostic)).0 += 1;
            } else {
                rendering.diagnostics.push(diagnostic);
            }
        }
    }
    for (_, (count, diagnostic)) in template_errors {
        let diagnostic = if count > 1 {
            diagnostic.note(format!(
                "the same error happened on {} other pages",
                count - 1
            ))
        } else {
            diagnostic
        };
        rendering.diagnostics.push(diagnostic);
    }
    if same_plan {
        if !pages_changed && !previous.links.is_empty() {
            rendering.changed_targets = ChangedTargets::Ids(ids_changed);
        }
    } else {
        for ((path, _), record) in site.plan.iter().zip(&records) {
            let Some(record) = record else { continue };
            built.add_file(path.clone());
            if let Some((site_path, ids)) = &record.page_ids {
                built.add_page_ids(site_path.clone(), ids.clone());
            }
        }
        // Paths are unique, so what was dropped went from the plan's tail.
        let planned: FastSet<&OutputPath> =
            site.plan[kept..].iter().map(|(path, _)| path).collect();
        rendering.removed = previous.plan[kept..]
            .iter()
            .zip(&previous.records[kept..])
            .filter(|((path, _), record)| record.is_some() && !planned.contains(path))
            .map(|((path, _), _)| path.clone())
            .collect();
    }
    rendering.published = Published {
        plan: site.plan.clone(),
        records,
        built,
        lookup: Some(answers.lookup().clone()),
        links: Vec::new(),
    };
    rendering
}

/// Records of `before` (a part of the last render's plan), lined up with
/// `now`: outputs that stayed get their record back, by path.
fn records_by_path(
    before: &[(OutputPath, Job)],
    records: &[Option<Arc<OutputRecord>>],
    now: &[(OutputPath, Job)],
) -> Vec<Option<Arc<OutputRecord>>> {
    let by_path: FastMap<&OutputPath, &Arc<OutputRecord>> = before
        .iter()
        .zip(records)
        .filter_map(|((path, _), record)| Some((path, record.as_ref()?)))
        .collect();
    now.iter()
        .map(|(path, _)| by_path.get(path).map(|record| Arc::clone(record)))
        .collect()
}

/// Fingerprint of everything an output is made from. Equal fingerprints
/// mean the output would come out byte for byte the same.
fn fingerprint(site: &Site, job: &Job) -> u64 {
    let model = &site.model;
    let values = &site.values;
    let tree = &model.tree;
    let base = || {
        Fingerprint::new()
            .with(site.templates_fingerprint)
            .with(site.templates_ok)
            .with(values.site_fingerprint)
    };
    let pages = |ids: &[PageId]| page_fingerprints(values, ids);
    let backlinks = |site_path: &str| {
        Fingerprint::new()
            .with_all(
                Values::backlink_refs(model, site_path)
                    .iter()
                    .map(|r| values.fingerprint_of(*r)),
            )
            .finish()
    };
    // Everything a section's listing shows, for its pages and its filter pages.
    let section = |id: SectionId| {
        let section = tree.section(id);
        base()
            .with("section")
            .with(values.section_fingerprints[id.0 as usize])
            .with(model.sections_md[id.0 as usize].fingerprint)
            .with(pages(&section.pages))
            .with_all(
                ordered_subsections(tree, id).map(|s| values.section_fingerprints[s.0 as usize]),
            )
            .with_all(
                tree.ancestors(id)
                    .iter()
                    .map(|s| values.link_fingerprints[s.0 as usize]),
            )
            .with(backlinks(&section.url))
            .with_all(
                values
                    .filter_views(id)
                    .iter()
                    .map(|v| (v.taxonomy, v.term, v.pages.len())),
            )
            .with_all(
                section
                    .front
                    .filters
                    .iter()
                    .filter_map(|name| model.taxonomies.list.iter().position(|t| &t.name == name))
                    .map(|index| values.taxonomy_fingerprints[index]),
            )
    };
    match job {
        Job::Page(id) => {
            let page = tree.page(*id);
            let index = id.0 as usize;
            let (previous, next) = tree.neighbours(*id);
            base()
                .with("page")
                .with(values.page_fingerprints[index])
                .with(model.pages_md[index].fingerprint)
                .with_all(
                    tree.ancestors(page.section)
                        .iter()
                        .chain([&page.section])
                        .map(|s| values.link_fingerprints[s.0 as usize]),
                )
                .with(previous.map(|p| values.page_fingerprints[p.0 as usize]))
                .with(next.map(|p| values.page_fingerprints[p.0 as usize]))
                .with(pages(&model.related[index]))
                .with(backlinks(&page.url))
                .finish()
        }
        Job::Section { id, number, total } => section(*id).with((number, total)).finish(),
        Job::SectionFilter { id, taxonomy, term } => {
            let view = values.filter_view(*id, *taxonomy, *term);
            section(*id)
                .with(("filter", taxonomy, term))
                .with(view.map(|v| pages(&v.pages)))
                .finish()
        }
        Job::SearchPage => base()
            .with("search")
            .with_all(&values.taxonomy_fingerprints)
            .with(&model.config.search.facets)
            .with(pages(&a_to_z(model)))
            .finish(),
        Job::SearchIndex(index) => of(("search index", site.search_files[*index].fingerprint)),
        Job::Taxonomy(index) => base()
            .with("taxonomy")
            .with(values.taxonomy_fingerprints[*index])
            .finish(),
        Job::Term {
            taxonomy,
            term,
            number,
            total,
        } => base()
            .with("term")
            .with(values.taxonomy_fingerprints[*taxonomy])
            .with(term)
            .with(pages(&model.taxonomies.list[*taxonomy].terms[*term].pages))
            .with((number, total))
            .finish(),
        Job::NotFound => base().with("404").finish(),
        Job::Alias { target, title } => of(("alias", model.config.fingerprint, target, title)),
        Job::Feed(section) => {
            let listed = match section {
                Some(id) => pages(&tree.section(*id).pages),
                None => Fingerprint::new()
                    .with_all(values.page_fingerprints.iter())
                    .finish(),
            };
            of((
                "feed",
                model.config.fingerprint,
                section.map(|s| values.section_fingerprints[s.0 as usize]),
                listed,
            ))
        }
        Job::Text(text) => of(("text", text)),
        Job::HighlightCss => of((
            "css",
            &model.config.markdown.highlight_theme,
            &model.config.markdown.highlight_theme_dark,
        )),
        Job::Asset(index) => of(("asset", file_stamp(&tree.assets[*index].abs))),
        Job::Static(key) => match &site.theme.static_files[key].source {
            StaticSource::BuiltIn(bytes) => of(("static", key, bytes)),
            StaticSource::Disk(path) => of(("static", key, file_stamp(path))),
        },
    }
}

/// One fingerprint for the summaries of a list of pages.
fn page_fingerprints(values: &Values, ids: &[PageId]) -> u64 {
    Fingerprint::new()
        .with_all(ids.iter().map(|p| values.page_fingerprints[p.0 as usize]))
        .finish()
}

/// A copied file's identity: path, size and modification time.
fn file_stamp(path: &std::path::Path) -> (String, u64, u128) {
    let meta = std::fs::metadata(path).ok();
    let modified = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    (
        path.display().to_string(),
        meta.map_or(0, |m| m.len()),
        modified,
    )
}

impl Renderer<'_> {
    fn run(&self, index: usize, path: &OutputPath, job: &Job) -> Produced {
        let site = self.site;
        let mut produced = Produced {
            index,
            page_ids: None,
            lookups: Vec::new(),
            diagnostics: Vec::new(),
            written: false,
        };
        let templated = matches!(
            job,
            Job::Page(_)
                | Job::Section { .. }
                | Job::SectionFilter { .. }
                | Job::SearchPage
                | Job::Taxonomy(_)
                | Job::Term { .. }
                | Job::NotFound
        );
        if templated && !site.templates_ok {
            // The template errors are already reported; rendering would only repeat them.
            return produced;
        }
        let result: Result<Vec<u8>, Diagnostic> = match job {
            Job::Page(id) => self.page(*id, &mut produced),
            Job::Section { id, number, total } => {
                self.section(*id, (*number, *total), None, &mut produced)
            }
            Job::SectionFilter { id, taxonomy, term } => {
                match site.values.filter_view(*id, *taxonomy, *term) {
                    Some(view) => self.section(*id, (1, 1), Some(view), &mut produced),
                    None => return produced,
                }
            }
            Job::SearchPage => self.search_page(&mut produced),
            Job::SearchIndex(index) => {
                let handed = (self.handover.as_ref())
                    .and_then(|h| super::take_slot(&h.search_bytes, *index));
                Ok(handed
                    .as_deref()
                    .unwrap_or(&site.search_files[*index].bytes)
                    .to_vec())
            }
            Job::Taxonomy(index) => self.taxonomy(*index, &mut produced),
            Job::Term {
                taxonomy,
                term,
                number,
                total,
            } => self.term((*taxonomy, *term), (*number, *total), &mut produced),
            Job::NotFound => {
                let mut context = Context::new();
                context.insert("current_path", "/404.html");
                self.generated("404.html", context, "/404.html", &mut produced)
            }
            Job::Alias { target, title } => Ok(redirect_page(site, target, title).into_bytes()),
            Job::Feed(section) => {
                Ok(super::feeds::feed(&site.model, &site.values, *section).into_bytes())
            }
            Job::Text(text) => Ok(text.as_bytes().to_vec()),
            Job::HighlightCss => self
                .highlight_css
                .get_or_init(|| highlight_stylesheet(&site.model.config))
                .clone()
                .map(String::into_bytes),
            Job::Asset(index) => {
                return finish(
                    produced,
                    self.sink.copy(path, &site.model.tree.assets[*index].abs),
                );
            }
            Job::Static(key) => match &site.theme.static_files[key].source {
                StaticSource::BuiltIn(bytes) => Ok(bytes.to_vec()),
                StaticSource::Disk(from) => return finish(produced, self.sink.copy(path, from)),
            },
        };
        let written = result.and_then(|bytes| self.sink.write(path, bytes));
        finish(produced, written)
    }

    fn page(&self, id: PageId, produced: &mut Produced) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let page = site.model.tree.page(id);
        let rendered = &site.model.pages_md[id.0 as usize];
        // The HTML is copied into the page's value; free the handed-over
        // HTML, and any unpacked copy, now, not after the template has run.
        let value = {
            let handed = (self.handover.as_ref())
                .and_then(|h| super::take_slot(&h.page_html, id.0 as usize));
            let body_html = handed.as_ref().unwrap_or(&rendered.html).text();
            site.values.page(&site.model, id, rendered, &body_html)
        };
        let template = page
            .front
            .template
            .clone()
            .or_else(|| inherited_page_template(site, page.section))
            .unwrap_or_else(|| "page.html".to_string());
        self.document(
            Document {
                lines: page.lines(),
                front: &page.front,
                url: &page.url,
                rendered,
                template,
                context: ("page", value),
                extras: Vec::new(),
            },
            produced,
        )
    }

    /// A section's listing: page `number` of `total`, or, with a `view`,
    /// the listing narrowed to one filter term.
    fn section(
        &self,
        id: SectionId,
        (number, total): (usize, usize),
        view: Option<&FilterView>,
        produced: &mut Produced,
    ) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let section = site.model.tree.section(id);
        let rendered = &site.model.sections_md[id.0 as usize];
        let default = if section.parent.is_none() {
            "index.html"
        } else {
            "section.html"
        };
        let mut extras = Vec::new();
        let (url, value) = match view {
            Some(view) => {
                let (value, filter) = site
                    .values
                    .filtered_section(&site.model, id, rendered, view);
                extras.push(("filter", filter));
                (view.site_path(&site.model, section), value)
            }
            None => {
                if let Some(per_page) = section.front.paginate_by.filter(|_| total > 1) {
                    extras.push((
                        "paginator",
                        self.paginator(&section.pages, per_page, (number, total), &section.url),
                    ));
                }
                (
                    PagerPage::path(&section.url, number),
                    site.values.section(&site.model, id, rendered),
                )
            }
        };
        self.document(
            Document {
                lines: section.lines(),
                front: &section.front,
                url: &url,
                rendered,
                template: section
                    .front
                    .template
                    .clone()
                    .unwrap_or_else(|| default.to_string()),
                context: ("section", value),
                extras,
            },
            produced,
        )
    }

    /// The search page: the form, facets, and where to browse without JavaScript.
    fn search_page(&self, produced: &mut Produced) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let mut context = Context::new();
        context.insert_value("search", site.values.search_page(&site.model));
        context.insert("current_path", "/search/");
        self.generated("search.html", context, "/search/", produced)
    }

    fn taxonomy(&self, index: usize, produced: &mut Produced) -> Result<Vec<u8>, Diagnostic> {
        let taxonomy = &self.site.model.taxonomies.list[index];
        let path = taxonomy.site_path();
        let mut context = Context::new();
        context.insert_value("taxonomy", self.site.values.taxonomies[index].clone());
        context.insert("current_path", &path);
        self.generated("taxonomy.html", context, &path, produced)
    }

    fn term(
        &self,
        (index, term_index): (usize, usize),
        (number, total): (usize, usize),
        produced: &mut Produced,
    ) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let taxonomy = &site.model.taxonomies.list[index];
        let term = &taxonomy.terms[term_index];
        let base = taxonomy.term_path(term);
        let mut context = Context::new();
        context.insert_value("taxonomy", site.values.taxonomies[index].clone());
        context.insert_value("term", site.values.term(&site.model, taxonomy, term));
        if let Some(per_page) = taxonomy.paginate_by.filter(|_| total > 1) {
            context.insert_value(
                "paginator",
                self.paginator(&term.pages, per_page, (number, total), &base),
            );
        }
        let url = PagerPage::path(&base, number);
        context.insert("current_path", &url);
        self.generated("term.html", context, &url, produced)
    }

    fn paginator(
        &self,
        pages: &[PageId],
        per_page: usize,
        (number, total): (usize, usize),
        base: &str,
    ) -> Value {
        let start = ((number - 1) * per_page).min(pages.len());
        let end = (number * per_page).min(pages.len());
        let pager = PagerPage {
            number,
            total,
            pages: &pages[start..end],
            base,
        };
        self.site.values.paginator(&self.site.model, &pager)
    }

    /// Render a page that has no source file and record its ids.
    fn generated(
        &self,
        template: &str,
        context: Context,
        url: &str,
        produced: &mut Produced,
    ) -> Result<Vec<u8>, Diagnostic> {
        let output = self.site.templates.render_recorded(template, context)?;
        produced.page_ids = Some((
            Arc::from(url),
            Arc::new(ids(&output.text).into_iter().collect()),
        ));
        produced.lookups = output.lookups;
        Ok(output.text.into_bytes())
    }

    fn document(
        &self,
        document: Document<'_>,
        produced: &mut Produced,
    ) -> Result<Vec<u8>, Diagnostic> {
        let display = &document.lines.file.display_path;
        let templates = &self.site.templates;
        if !templates.has(&document.template) {
            return Err(missing_template(&document));
        }
        let mut context = Context::new();
        let (name, value) = document.context.clone();
        context.insert_value(name, value);
        for (name, value) in &document.extras {
            context.insert_value(*name, value.clone());
        }
        context.insert("current_path", document.url);
        let output = templates
            .render_recorded(&document.template, context)
            .map_err(|d| d.note(format!("while rendering {}", display.display())))?;
        produced.lookups = output.lookups;
        let html = output.text;
        let found = ids(&html);
        produced
            .diagnostics
            .extend(duplicate_ids(&found, &document));
        produced.page_ids = Some((
            Arc::from(document.url),
            Arc::new(found.into_iter().collect()),
        ));
        Ok(html.into_bytes())
    }
}

fn finish(mut produced: Produced, written: Result<(), Diagnostic>) -> Produced {
    match written {
        Ok(()) => produced.written = true,
        Err(diagnostic) => produced.diagnostics.push(diagnostic),
    }
    produced
}

/// `page_template` from the page's section or the nearest ancestor that sets one.
fn inherited_page_template(site: &Site, section: SectionId) -> Option<String> {
    let mut current = Some(section);
    while let Some(id) = current {
        let section = site.model.tree.section(id);
        if let Some(template) = &section.front.page_template {
            return Some(template.clone());
        }
        current = section.parent;
    }
    None
}

fn missing_template(document: &Document<'_>) -> Diagnostic {
    let (line, column) = document.front.position_of("template").unwrap_or((0, 0));
    Diagnostic::error(Code::MissingTemplate, format!("there is no template called `{}`", document.template))
        .at(Location::new(&document.lines.file.display_path, line, column))
        .hint("add it to templates/, or fix the name; templates are named by their path inside templates/")
}

/// Ids that appear more than once on a rendered page.
fn duplicate_ids(found: &[String], document: &Document<'_>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    let mut diagnostics = Vec::new();
    let file = &document.lines.file.display_path;
    for id in found {
        if seen.insert(id.as_str()) || !reported.insert(id.as_str()) {
            continue;
        }
        let diagnostic = Diagnostic::error(Code::DuplicateId, format!("the id `{id}` appears more than once on the built page"))
            .hint("a heading's id clashes with one the template uses; give the heading its own id, e.g. `## Heading {#another-id}`");
        let diagnostic = match document.rendered.headings.iter().find(|h| &h.id == id) {
            Some(heading) => {
                let text = document.lines.line(heading.line).unwrap_or("");
                diagnostic
                    .at(Location::new(file, heading.line, heading.column))
                    .snippet(text, text.chars().count())
            }
            None => diagnostic.in_file(file),
        };
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// A page that sends readers (and search engines) from an old address to the new one.
fn redirect_page(site: &Site, target: &str, title: &str) -> String {
    let config = &site.model.config;
    let url = escape(&config.base_url.url(target));
    let permalink = escape(&config.base_url.permalink(target));
    let title = escape(title);
    let language = escape(&config.language);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}

/// Check the Markdown links of every page and section against the build.
/// A source whose Markdown render is the one `previous` checked keeps its
/// findings, unless files came or went or one of its anchors lands on a page
/// whose ids changed.
pub(super) fn check_all_links(
    site: &Site,
    rendering: &mut Rendering,
    previous: &Published,
) -> Vec<Diagnostic> {
    let model = &site.model;
    let level = model.config.links.internal;
    let built = &rendering.published.built;
    let changed_ids = match &rendering.changed_targets {
        ChangedTargets::Ids(changed) => Some(changed),
        ChangedTargets::Files => None,
    };
    let check = |index: usize, source: LinkSource<'_>, rendered: &Arc<Rendered>| {
        let before = previous.links.get(index).filter(|before| {
            Arc::ptr_eq(&before.rendered, rendered) && *before.site_path == *source.site_path
        });
        match (before, changed_ids) {
            (Some(before), Some(changed))
                if changed.is_empty() || !lands_on_any(&source, built, changed) =>
            {
                CheckedLinks {
                    rendered: rendered.clone(),
                    site_path: before.site_path.clone(),
                    findings: before.findings.clone(),
                }
            }
            _ => CheckedLinks {
                rendered: rendered.clone(),
                site_path: Arc::from(source.site_path),
                findings: check_links(&source, built, level),
            },
        }
    };
    let tree = &model.tree;
    let sources: Vec<(LinkSource<'_>, &Arc<Rendered>)> = tree
        .pages
        .iter()
        .map(|p| (p.lines(), &p.url))
        .chain(tree.sections.iter().map(|s| (s.lines(), &s.url)))
        .zip(model.pages_md.iter().chain(&model.sections_md))
        .map(|((lines, url), rendered)| {
            let source = LinkSource {
                lines,
                site_path: url,
                links: &rendered.links,
            };
            (source, rendered)
        })
        .collect();
    let checked: Vec<CheckedLinks> = sources
        .into_par_iter()
        .enumerate()
        .map(|(index, (source, rendered))| check(index, source, rendered))
        .collect();
    let found = checked
        .iter()
        .flat_map(|c| c.findings.iter().cloned())
        .collect();
    rendering.published.links = checked;
    found
}
