//! The `Site` facade: load (config, content, theme), render (Markdown, then
//! templates, in parallel), check links, and write, timing each phase.
//!
//! Every stage reports into one list of diagnostics and the build goes as far
//! as it can, so a single run shows every problem. Only a build without
//! errors is swapped into the output folder.
//!
//! A `Site` can also live on, as in the dev server: [`Site::update`] takes the
//! paths that changed and redoes only what depends on them, reusing parsed
//! files, rendered Markdown and template values whose inputs are unchanged,
//! and [`Site::render`] renders only the outputs whose fingerprint changed.

mod feeds;
mod plan;
mod render;
mod routes;
mod search;
pub mod sink;
mod timings;
pub mod values;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, Config, Overrides};
use crate::content::{CONTENT_DIR, ContentCache, ContentTree, LoadOptions, PageId, SourceFile};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Palette, Severity, render_all};
use crate::fingerprint::FastMap;
use crate::links::Resolver;
use crate::markdown::{Highlighter, Input, MarkdownRenderer, Rendered};
use crate::output::{OutputDir, OutputPath, Stamp};
use crate::publish::related::related_pages;
use crate::publish::{Backlinks, Taxonomies};
use crate::search::Entry;
use crate::templates::{Templates, Theme};

pub use render::Rendering;

/// Every output file and the job that makes it.
type Plan = Vec<(OutputPath, plan::Job)>;
pub use routes::{Origin, Routes};
pub use sink::{DiscardSink, MemorySink, Sink};
pub use timings::{BUILD_PHASES, Observer, Phase, PhaseObserver, Timings, format_duration};
pub use values::Values;

/// The output folder used when neither `--output` nor `output_dir` names one.
pub const DEFAULT_OUTPUT_DIR: &str = "public";

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    pub root: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
}

/// What to build, and where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub site: SiteOptions,
    pub output: Option<PathBuf>,
    /// Build into a non-empty folder signposter did not make (its files are kept).
    pub force: bool,
    /// Build even when nothing has changed since the last build.
    pub full: bool,
    /// Told as each phase starts and finishes, for a progress display.
    pub progress: Option<Observer>,
}

/// Everything known about the site's content once it is loaded: what the
/// template values and the published extras are built from.
pub struct Model {
    pub config: Config,
    pub tree: ContentTree,
    /// Rendered bodies, by page id and by section id.
    pub pages_md: Vec<Arc<Rendered>>,
    pub sections_md: Vec<Arc<Rendered>>,
    pub taxonomies: Arc<Taxonomies>,
    /// Related pages, by page id.
    pub related: Arc<Vec<Vec<PageId>>>,
    pub backlinks: Arc<Backlinks>,
}

/// A rendered body kept for the next rebuild, with what it depended on.
struct CachedMarkdown {
    body: Arc<str>,
    body_line: usize,
    rendered: Arc<Rendered>,
}

/// What a loaded site keeps: enough to be rebuilt, or only what the rest of
/// one build needs.
///
/// A site built once (`signposter build`) fills no cache for a next rebuild
/// and lets go of each input as soon as the phases after it no longer need
/// it: peak memory is what the 10,000-page benchmark's budget is about, and
/// every megabyte held is also time spent by the kernel zeroing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Everything a rebuild reuses is kept: the dev server, and `check`,
    /// which reads the bodies again after the build.
    ForRebuilds,
    /// Built once and dropped. After Markdown, the bodies of `model.tree`
    /// and each rendered body's `resolutions` and `text` are empty (search
    /// entries are made beside the Markdown), and each page's `html` is
    /// packed; from the values phase on, each `summary` and `summary_text`
    /// is empty (the values hold them). No cache for a rebuild is kept
    /// (parsed files, Markdown, taxonomies, related pages, backlinks,
    /// search, the template lookup, routes), and the taxonomies, related
    /// pages, backlinks and lookup are not even fingerprinted. A
    /// render empties each page's `html` as it writes the page, so such a
    /// site renders once per load or [`Site::update`].
    BuildOnce,
}

/// A derived structure, with the fingerprint of what it was made from (see
/// [`reuse_or_build`]).
type Cached<T> = Option<(u64, T)>;

/// Results kept from one rebuild to the next.
#[derive(Default)]
struct Caches {
    content: ContentCache,
    /// Findings of the last full content load, which a patch leaves as they are.
    content_diagnostics: Vec<Diagnostic>,
    markdown: FastMap<String, CachedMarkdown>,
    /// The address fingerprint the cached Markdown was rendered against.
    addresses: u64,
    taxonomies: Cached<(Arc<Taxonomies>, Vec<Diagnostic>)>,
    related: Cached<Arc<Vec<Vec<PageId>>>>,
    backlinks: Cached<Arc<Backlinks>>,
    plan: Option<plan::Planned>,
    lookup: Cached<Arc<crate::templates::Lookup>>,
    search: search::SearchCache,
    /// The outputs of the last committed render.
    published: render::Published,
}

/// A loaded site: everything read, validated and rendered to Markdown HTML.
pub struct Site {
    pub root: PathBuf,
    options: SiteOptions,
    retention: Retention,
    /// A site built once has handed its page HTML and search bytes to a
    /// render since it was last loaded or updated, so cannot render again.
    handed_over: bool,
    pub model: Model,
    pub theme: Theme,
    templates: Templates,
    /// Whether every template parsed; if not, pages are not rendered.
    templates_ok: bool,
    templates_fingerprint: u64,
    pub markdown: MarkdownRenderer,
    pub values: Values,
    /// Every output file and the job that makes it.
    plan: Arc<Plan>,
    /// The files of the search index.
    search_files: Arc<Vec<crate::search::SearchFile>>,
    /// Findings about the theme and templates.
    theme_diagnostics: Vec<Diagnostic>,
    /// Findings about the sources: config, content, theme, templates, Markdown, routes.
    load_diagnostics: Vec<Diagnostic>,
    /// Everything found so far: the load's findings, then the last render's.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
    caches: Caches,
}

/// The outcome of a successful build.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub drafts_skipped: usize,
    /// Files in the output folder that signposter did not write, kept as they were.
    pub kept: usize,
    pub output: PathBuf,
    pub warnings: Diagnostics,
    /// Nothing had changed since the last build, which was kept as it was.
    pub up_to_date: bool,
    /// When up to date, the warnings the kept build printed, as text.
    pub earlier_warnings: String,
    pub timings: Timings,
    pub elapsed: std::time::Duration,
}

impl BuildReport {
    /// The one-line summary printed after a build.
    pub fn summary(&self) -> String {
        if self.up_to_date {
            return format!(
                "Up to date: {} {}, {} {}, nothing changed since the last build (checked in {}; --full builds anyway)",
                self.pages,
                plural(self.pages, "page", "pages"),
                self.sections,
                plural(self.sections, "section", "sections"),
                format_duration(self.elapsed)
            );
        }
        let mut line = format!(
            "Built {} {}, {} {} in {}",
            self.pages,
            plural(self.pages, "page", "pages"),
            self.sections,
            plural(self.sections, "section", "sections"),
            format_duration(self.elapsed)
        );
        if self.drafts_skipped > 0 {
            line.push_str(&format!(
                " ({} {} skipped; use --drafts to include {})",
                self.drafts_skipped,
                plural(self.drafts_skipped, "draft", "drafts"),
                plural(self.drafts_skipped, "it", "them")
            ));
        }
        line
    }
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// What a set of changed paths touches.
#[derive(Debug, Default, PartialEq, Eq)]
struct Touched {
    config: bool,
    theme: bool,
    content: Vec<PathBuf>,
}

impl Touched {
    fn classify(root: &Path, changed: &[PathBuf]) -> Touched {
        let mut touched = Touched::default();
        for path in changed {
            let relative = path.strip_prefix(root).unwrap_or(path);
            match relative
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
            {
                Some(first) if first == CONFIG_FILE => touched.config = true,
                Some(first) if first == CONTENT_DIR => touched.content.push(path.clone()),
                Some(first) if ["templates", "static", "themes"].contains(&first.as_str()) => {
                    touched.theme = true
                }
                _ => {}
            }
        }
        touched
    }
}

impl Site {
    /// Read and validate everything. Fails only when there is no usable
    /// config; any other problem is recorded in `diagnostics`.
    pub fn load(options: &SiteOptions) -> Result<Site, Diagnostics> {
        Site::load_observed(options, None)
    }

    /// [`Site::load`], telling `progress` about each phase as it runs.
    pub fn load_observed(
        options: &SiteOptions,
        progress: Option<Observer>,
    ) -> Result<Site, Diagnostics> {
        Site::load_retaining(options, progress, Retention::ForRebuilds)
    }

    /// [`Site::load_observed`], keeping what `retention` says.
    pub fn load_retaining(
        options: &SiteOptions,
        progress: Option<Observer>,
        retention: Retention,
    ) -> Result<Site, Diagnostics> {
        let root = options
            .root
            .canonicalize()
            .unwrap_or_else(|_| options.root.clone());
        let mut timings = Timings::observed(progress);
        let config = timings.time("config", || load_config(&root, options))?;
        let markdown = MarkdownRenderer::new(&config.markdown);
        let mut site = Site {
            root,
            options: options.clone(),
            retention,
            handed_over: false,
            model: Model {
                config,
                tree: ContentTree::default(),
                pages_md: Vec::new(),
                sections_md: Vec::new(),
                taxonomies: Arc::default(),
                related: Arc::default(),
                backlinks: Arc::default(),
            },
            theme: Theme::default(),
            templates: Templates::empty(),
            templates_ok: false,
            templates_fingerprint: 0,
            markdown,
            values: Values::empty(),
            plan: Arc::default(),
            search_files: Arc::default(),
            theme_diagnostics: Vec::new(),
            load_diagnostics: Vec::new(),
            diagnostics: Vec::new(),
            timings,
            caches: Caches::default(),
        };
        site.load_theme();
        site.refresh(false);
        Ok(site)
    }

    /// Take in changes to these paths (absolute, under the site root). Only
    /// what depends on them is redone. A broken `site.yml` is returned as an
    /// error and the site stays as it was.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<(), Diagnostics> {
        self.timings.reset();
        let touched = Touched::classify(&self.root, changed);
        if touched.config {
            let phase = self.timings.start("config");
            let config = load_config(&self.root, &self.options)?;
            self.timings.finish(phase);
            if config.markdown != self.model.config.markdown {
                self.markdown = MarkdownRenderer::new(&config.markdown);
            }
            self.model.config = config;
            // Settings decide how every file is read and every page rendered;
            // only what was published is kept, to remove what they drop.
            let published = std::mem::take(&mut self.caches.published).outdated();
            self.caches = Caches {
                published,
                ..Caches::default()
            };
            self.load_theme();
        } else if touched.theme {
            self.load_theme();
        }
        let theme_or_config = touched.config || touched.theme;
        // A site built once kept no bodies to patch: it reads everything again.
        let patched = !theme_or_config
            && self.retention == Retention::ForRebuilds
            && !touched.content.is_empty()
            && self.model.tree.patch(
                &self.model.config,
                &touched.content,
                &mut self.caches.content,
            );
        if !patched {
            self.caches.content.forget(&touched.content);
        }
        self.refresh(patched);
        Ok(())
    }

    fn load_theme(&mut self) {
        let phase = self.timings.start("templates");
        let mut found = Vec::new();
        let theme = match Theme::resolve(&self.root, &self.model.config) {
            Ok(theme) => theme,
            Err(problems) => {
                found.extend(problems);
                Theme::default()
            }
        };
        let (templates, problems) = Templates::load(&theme, &self.model.config.base_url);
        self.templates_ok = problems.is_empty() && !theme.templates.is_empty();
        found.extend(problems);
        self.templates_fingerprint = crate::fingerprint::Fingerprint::new()
            .with(&theme.name)
            .with_all(theme.templates.values().map(|t| (&t.name, &t.text)))
            .finish();
        self.theme = theme;
        self.templates = templates;
        self.theme_diagnostics = found;
        self.timings.finish(phase);
    }

    /// Recompute everything from the content on, reusing what is unchanged.
    /// With `patched`, the tree was already updated in place.
    fn refresh(&mut self, patched: bool) {
        self.handed_over = false;
        let mut diagnostics = self.theme_diagnostics.clone();
        let config = &self.model.config;
        let load_options = LoadOptions {
            drafts: self.options.drafts,
        };
        let phase = self.timings.start("content");
        let (mut tree, found) = if patched {
            (
                std::mem::take(&mut self.model.tree),
                self.caches.content_diagnostics.clone(),
            )
        } else {
            ContentTree::load_cached(&self.root, config, &load_options, &mut self.caches.content)
        };
        self.caches.content_diagnostics = found.clone();
        let once = self.retention == Retention::BuildOnce;
        if once {
            // The parsed files hold every body; nothing will patch them.
            self.caches.content = ContentCache::default();
        }
        self.timings.finish(phase);
        diagnostics.extend(found);

        let phase = self.timings.start("markdown");
        let bodies = BodyRenderer {
            markdown: &self.markdown,
            config,
        };
        let (pages_md, sections_md, search_entries) = if once {
            let rendered = bodies.render_once(&mut tree);
            (
                rendered.pages,
                rendered.sections,
                Some(rendered.search_entries),
            )
        } else {
            let addresses = tree.address_fingerprint();
            let addresses_unchanged = addresses == self.caches.addresses;
            self.caches.addresses = addresses;
            let (pages, sections) =
                bodies.render_cached(&tree, &mut self.caches.markdown, addresses_unchanged);
            (pages, sections, None)
        };
        self.timings.finish(phase);
        for rendered in pages_md.iter().chain(&sections_md) {
            diagnostics.extend(rendered.diagnostics.iter().cloned());
        }

        self.model.tree = tree;
        self.model.pages_md = pages_md;
        self.model.sections_md = sections_md;
        let phase = self.timings.start("indexes");
        let indexes = Indexes::build(&self.model, &mut self.caches, !once, search_entries);
        diagnostics.extend(indexes.taxonomy_findings);
        self.model.taxonomies = indexes.taxonomies;
        self.model.related = indexes.related;
        self.model.backlinks = indexes.backlinks;
        self.search_files = indexes.search_files;
        self.timings.finish(phase);

        let previous = std::mem::replace(&mut self.values, Values::empty());
        let phase = self.timings.start("values");
        // A one-off build's values take each summary from its render and
        // free it once copied; nothing reads the renders' summaries after.
        let taken = once.then(|| values::TakenSummaries::take_from(&mut self.model));
        self.values = Values::build(&self.model, Some(previous), taken);
        // Most edits change no page's summary, so the lookup stays as it was.
        let lookup = reuse_or_build(
            &mut self.caches.lookup,
            !once,
            || self.values.lookup_inputs(&self.model),
            || Arc::new(self.values.lookup(&self.model)),
        );
        self.templates.install(lookup, self.values.site.clone());
        self.timings.finish(phase);

        let phase = self.timings.start("routes");
        let previous = self.caches.plan.take();
        let planned = plan::update(self, previous);
        self.plan = planned.plan.clone();
        diagnostics.extend(planned.findings().cloned());
        // Only a rebuild reuses the routes every output claimed.
        self.caches.plan = (!once).then_some(planned);
        self.timings.finish(phase);
        self.load_diagnostics = diagnostics;
        self.diagnostics = self.load_diagnostics.clone();
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Render every output whose inputs changed since the last [`Site::commit`]
    /// into `sink`, then check links against the whole site (again only
    /// where a source or its targets changed). Findings are added to
    /// `self.diagnostics`.
    ///
    /// # Panics
    ///
    /// When a site loaded [`Retention::BuildOnce`] is rendered a second time
    /// without an [`Site::update`] in between: its page HTML went to the
    /// first render.
    pub fn render(&mut self, sink: &dyn Sink) -> Rendering {
        self.diagnostics = self.load_diagnostics.clone();
        let phase = self.timings.start("render");
        let handover = match self.retention {
            Retention::ForRebuilds => None,
            Retention::BuildOnce => {
                assert!(
                    !self.handed_over,
                    "a site loaded to be built once renders once per load or update"
                );
                self.handed_over = true;
                Some(render::Handover::take_from(self))
            }
        };
        let mut rendering = render::render_all(self, sink, &self.caches.published, handover);
        self.timings.finish(phase);
        let phase = self.timings.start("links");
        let found = render::check_all_links(self, &mut rendering, &self.caches.published);
        self.timings.finish(phase);
        self.diagnostics
            .extend(rendering.diagnostics.iter().cloned());
        self.diagnostics.extend(found);
        rendering
    }

    /// Accept a render as what is now published, so the next render skips
    /// whatever has not changed since.
    pub fn commit(&mut self, rendering: Rendering) {
        self.caches.published = rendering.published;
    }

    /// All findings, sorted.
    pub fn findings(&self) -> Diagnostics {
        let mut all: Diagnostics = self.diagnostics.iter().cloned().collect();
        all.sort();
        all
    }

    /// The output folder: `--output`, else `output_dir` in site.yml, else `public`.
    pub fn output_dir(&self, requested: Option<&Path>) -> PathBuf {
        output_dir(&self.model.config, requested)
    }

    /// Every output path of the site as it now stands.
    pub fn output_paths(&self) -> impl Iterator<Item = &OutputPath> {
        self.plan.iter().map(|(path, _)| path)
    }
}

/// The output folder: `--output`, else `output_dir` in site.yml, else `public`.
fn output_dir(config: &Config, requested: Option<&Path>) -> PathBuf {
    requested
        .map(Path::to_path_buf)
        .or_else(|| config.output_dir.clone())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUTPUT_DIR))
}

/// What is made from the content and its bodies for the pages to show:
/// taxonomies, related pages, backlinks, and the search index's files.
struct Indexes {
    taxonomies: Arc<Taxonomies>,
    taxonomy_findings: Vec<Diagnostic>,
    related: Arc<Vec<Vec<PageId>>>,
    backlinks: Arc<Backlinks>,
    search_files: Arc<Vec<crate::search::SearchFile>>,
}

impl Indexes {
    /// Build (or, when `keep`ing them for rebuilds, reuse) every index of
    /// `model`. Only related pages need another (the taxonomies), so they
    /// are made side by side: backlinks, taxonomies and most of the search
    /// index are one thread's work each, which alone would leave a core idle.
    /// A site built once brings its search `entries`, made with its bodies.
    /// `model`'s own taxonomies, related pages and backlinks are still the
    /// last refresh's here: nothing made here may read them.
    fn build(
        model: &Model,
        caches: &mut Caches,
        keep: bool,
        entries: Option<Vec<Option<Arc<Entry>>>>,
    ) -> Indexes {
        let Model {
            config,
            tree,
            pages_md,
            sections_md,
            ..
        } = model;
        let Caches {
            taxonomies: taxonomies_cache,
            related: related_cache,
            backlinks: backlinks_cache,
            search: search_cache,
            ..
        } = caches;
        let taxonomies_and_related = || {
            let (taxonomies, findings) = reuse_or_build(
                taxonomies_cache,
                keep,
                || Taxonomies::inputs(config, tree),
                || {
                    let (taxonomies, findings) = Taxonomies::build(config, tree);
                    (Arc::new(taxonomies), findings)
                },
            );
            let related = reuse_or_build(
                related_cache,
                keep,
                || taxonomies.fingerprint(tree, &config.related),
                || Arc::new(related_pages(tree, &taxonomies, &config.related)),
            );
            (taxonomies, findings, related)
        };
        let backlinks = || {
            reuse_or_build(
                backlinks_cache,
                keep,
                || Backlinks::inputs(tree, pages_md, sections_md),
                || Arc::new(Backlinks::build(tree, pages_md, sections_md)),
            )
        };
        let search_files = || match entries {
            Some(entries) => search::index_once(config, entries),
            None => search::update(model, search_cache),
        };
        let ((taxonomies, taxonomy_findings, related), (backlinks, search_files)) =
            rayon::join(taxonomies_and_related, || {
                rayon::join(backlinks, search_files)
            });
        Indexes {
            taxonomies,
            taxonomy_findings,
            related,
            backlinks,
            search_files,
        }
    }
}

/// `build()`, or what `cache` holds when it was made from the same inputs.
/// Only a site `keep`ing its caches for rebuilds works out the inputs'
/// fingerprint and stores what it made; a site built once has no use for
/// either.
fn reuse_or_build<T: Clone>(
    cache: &mut Cached<T>,
    keep: bool,
    inputs: impl FnOnce() -> u64,
    build: impl FnOnce() -> T,
) -> T {
    if !keep {
        *cache = None;
        return build();
    }
    let inputs = inputs();
    let made = match cache.take() {
        Some((fingerprint, made)) if fingerprint == inputs => made,
        _ => build(),
    };
    *cache = Some((inputs, made.clone()));
    made
}

fn load_config(root: &Path, options: &SiteOptions) -> Result<Config, Diagnostics> {
    let overrides = Overrides {
        base_url: options.base_url.clone(),
    };
    Config::load(root, &overrides).map_err(Diagnostics::from_iter)
}

/// Build a site into its output folder. On any error the output folder is
/// left exactly as it was and every finding is returned.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    // Fingerprint the sources before reading any, so that an edit made while
    // this build runs is seen by the next one.
    let inputs = crate::output::inputs_fingerprint(
        &options.site.root,
        (
            options.site.drafts,
            &options.site.base_url,
            &options.output,
            options.force,
        ),
    );
    if let Some(inputs) = inputs.filter(|_| !options.full) {
        if let Some(report) = reuse_previous_build(options, inputs, start) {
            return Ok(report);
        }
    }
    let mut site = Site::load_retaining(
        &options.site,
        options.progress.clone(),
        Retention::BuildOnce,
    )?;
    let output = site.output_dir(options.output.as_deref());
    let opened = site.timings.time("output", || {
        OutputDir::open(&options.site.root, &output, options.force)
    });
    let rendering = match &opened {
        Ok(out) => site.render(out),
        Err(refused) => {
            // Still render, to report content and template problems in the same run.
            let rendering = site.render(&DiscardSink);
            site.diagnostics.push(refused.clone());
            rendering
        }
    };
    let out = match opened {
        Ok(out) if !site.has_errors() => out,
        _ => return Err(site.findings()),
    };
    let warnings: Diagnostics = site
        .findings()
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    let stamp = inputs.map(|inputs| Stamp {
        inputs,
        outputs: 0,
        pages: site.model.tree.pages.len(),
        sections: site.model.tree.sections.len(),
        warnings: render_all(&warnings, Palette::plain()),
    });
    let phase = site.timings.start("commit");
    let committed = out.commit(&rendering.written, stamp);
    site.timings.finish(phase);
    let kept = match committed {
        Ok(report) => report.kept,
        Err(found) => {
            site.diagnostics.extend(found);
            return Err(site.findings());
        }
    };
    let report = BuildReport {
        pages: site.model.tree.pages.len(),
        sections: site.model.tree.sections.len(),
        files: rendering.written.len(),
        drafts_skipped: site.model.tree.drafts.len(),
        kept,
        output,
        warnings,
        up_to_date: false,
        earlier_warnings: String::new(),
        timings: site.timings.clone(),
        elapsed: start.elapsed(),
    };
    drop_in_background((site, rendering));
    Ok(report)
}

/// Freeing a large site takes a moment (about 0.1 s at 10,000 pages) that
/// nobody needs to wait for, so it happens on a thread of its own; a
/// command-line build exits without waiting for it. If no thread can be
/// started, the value is dropped here instead.
fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

/// The report of the last build, if its output is exactly as it left it and
/// it was made from inputs with this fingerprint.
fn reuse_previous_build(
    options: &BuildOptions,
    inputs: u64,
    start: Instant,
) -> Option<BuildReport> {
    let root = &options.site.root;
    let config = load_config(root, &options.site).ok()?;
    let output = output_dir(&config, options.output.as_deref());
    let stamp = Stamp::read(&root.join(&output))?;
    if !stamp.still_matches(&root.join(&output), inputs) {
        return None;
    }
    Some(BuildReport {
        pages: stamp.pages,
        sections: stamp.sections,
        files: 0,
        drafts_skipped: 0,
        kept: 0,
        output,
        warnings: Diagnostics::default(),
        up_to_date: true,
        earlier_warnings: stamp.warnings,
        timings: Timings::default(),
        elapsed: start.elapsed(),
    })
}

/// What one slot of a hand-over holds, taken by the one user it was kept
/// for, so it is freed when that user is done with it rather than with the
/// whole hand-over.
fn take_slot<T>(slots: &[std::sync::Mutex<Option<T>>], index: usize) -> Option<T> {
    let slot = slots.get(index)?;
    let mut slot = slot
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    slot.take()
}

/// What rendering the bodies of a site built once made.
struct BodiesRenderedOnce {
    pages: Vec<Arc<Rendered>>,
    sections: Vec<Arc<Rendered>>,
    /// Each page's and then each section's search entry; `None` for what
    /// the index leaves out.
    search_entries: Vec<Option<Arc<Entry>>>,
}

/// Renders the site's Markdown bodies, in parallel.
struct BodyRenderer<'a> {
    markdown: &'a MarkdownRenderer,
    config: &'a Config,
}

impl BodyRenderer<'_> {
    fn render(
        &self,
        tree: &ContentTree,
        file: &SourceFile,
        body: &str,
        body_line: usize,
    ) -> Rendered {
        let resolver = Resolver::new(tree, &self.config.base_url, &file.content_path);
        let resolve = |dest: &str| resolver.resolve(dest);
        self.markdown.render(&Input {
            body,
            body_line,
            display_path: &file.display_path,
            resolve: &resolve,
        })
    }

    /// For a site built once: every body is rendered and then let go at once,
    /// so the sources and the HTML made from them are never all held
    /// together. A message that quotes a line reads its file again (see
    /// [`crate::content::SourceLines`]). How each link resolved goes too:
    /// only a rebuild checks it. Each page's HTML is packed until its render
    /// job takes it: held as text, the HTML of every page was the largest
    /// part of the build's peak memory. A section's is used by each page of
    /// its listing, and there are few sections, so it stays as it is.
    fn render_once(&self, tree: &mut ContentTree) -> BodiesRenderedOnce {
        let released: Arc<str> = Arc::from("");
        let take = |body: &mut Arc<str>| std::mem::replace(body, released.clone());
        let page_bodies: Vec<Arc<str>> = tree.pages.iter_mut().map(|p| take(&mut p.body)).collect();
        let section_bodies: Vec<Arc<str>> = tree
            .sections
            .iter_mut()
            .map(|s| take(&mut s.body))
            .collect();
        let tree = &*tree;
        let config = self.config;
        type EntryOf<'r> = &'r dyn Fn(&Rendered) -> Option<Arc<Entry>>;
        let render = |file: &SourceFile, body: Arc<str>, body_line: usize, entry_of: EntryOf| {
            let mut rendered = self.render(tree, file, &body, body_line);
            rendered.resolutions = Vec::new();
            // Search is the only reader of the plain text: its entry is made
            // now, and the text goes at once.
            let entry = entry_of(&rendered);
            rendered.text = String::new();
            (rendered, entry)
        };
        let (pages, page_entries): (Vec<_>, Vec<_>) = (tree.pages.par_iter())
            .zip(page_bodies)
            .map(|(page, body)| {
                let entry_of = |r: &Rendered| search::page_entry(config, tree, page, r);
                let (mut rendered, entry) = render(&page.file, body, page.body_line, &entry_of);
                rendered.html.pack();
                (Arc::new(rendered), entry)
            })
            .unzip();
        let (sections, section_entries): (Vec<_>, Vec<_>) = (tree.sections.par_iter())
            .zip(section_bodies)
            .map(|(section, body)| {
                let entry_of = |r: &Rendered| search::section_entry(config, tree, section, r);
                let (rendered, entry) = render(&section.file, body, section.body_line, &entry_of);
                (Arc::new(rendered), entry)
            })
            .unzip();
        BodiesRenderedOnce {
            pages,
            sections,
            search_entries: page_entries.into_iter().chain(section_entries).collect(),
        }
    }

    /// For a site kept for rebuilds: reuse earlier renders whose body and
    /// links are unchanged, and remember the new ones.
    fn render_cached(
        &self,
        tree: &ContentTree,
        cache: &mut FastMap<String, CachedMarkdown>,
        addresses_unchanged: bool,
    ) -> (Vec<Arc<Rendered>>, Vec<Arc<Rendered>>) {
        let known = &*cache;
        let render = |file: &SourceFile, body: &Arc<str>, body_line: usize| -> Arc<Rendered> {
            if let Some(cached) = known.get(&file.content_path) {
                let same_body = cached.body_line == body_line
                    && (Arc::ptr_eq(&cached.body, body) || cached.body == *body);
                // A cached render holds while every link it made still resolves the
                // same way, which is certain when no address in the site changed.
                let same_links = addresses_unchanged || {
                    let resolver = Resolver::new(tree, &self.config.base_url, &file.content_path);
                    cached
                        .rendered
                        .resolutions
                        .iter()
                        .all(|(dest, was)| resolver.resolve(dest) == *was)
                };
                if same_body && same_links {
                    return cached.rendered.clone();
                }
            }
            let mut rendered = self.render(tree, file, body, body_line);
            // Kept until the body changes, so without the room it grew with.
            rendered.text.shrink_to_fit();
            Arc::new(rendered)
        };
        let pages: Vec<Arc<Rendered>> = tree
            .pages
            .par_iter()
            .map(|p| render(&p.file, &p.body, p.body_line))
            .collect();
        let sections: Vec<Arc<Rendered>> = tree
            .sections
            .par_iter()
            .map(|s| render(&s.file, &s.body, s.body_line))
            .collect();
        let documents = tree
            .pages
            .iter()
            .map(|p| (&p.file.content_path, &p.body, p.body_line))
            .chain(
                tree.sections
                    .iter()
                    .map(|s| (&s.file.content_path, &s.body, s.body_line)),
            );
        for ((path, body, body_line), rendered) in documents.zip(pages.iter().chain(&sections)) {
            let unchanged = cache
                .get(path.as_str())
                .is_some_and(|c| Arc::ptr_eq(&c.rendered, rendered));
            if !unchanged {
                cache.insert(
                    path.clone(),
                    CachedMarkdown {
                        body: body.clone(),
                        body_line,
                        rendered: rendered.clone(),
                    },
                );
            }
        }
        if cache.len() > pages.len() + sections.len() {
            // Files went away: forget their renders.
            let live: std::collections::HashSet<&str> = tree
                .pages
                .iter()
                .map(|p| p.file.content_path.as_str())
                .chain(tree.sections.iter().map(|s| s.file.content_path.as_str()))
                .collect();
            cache.retain(|path, _| live.contains(path.as_str()));
        }
        (pages, sections)
    }
}

/// The stylesheet for highlighted code, or an error pointing at site.yml.
pub fn highlight_stylesheet(config: &Config) -> Result<String, Diagnostic> {
    Highlighter::stylesheet(&config.markdown.highlight_theme, &config.markdown.highlight_theme_dark).map_err(|message| {
        Diagnostic::error(Code::NotAllowedValue, message)
            .at(crate::diagnostics::Location::new(CONFIG_FILE, config.position_of("markdown").map_or(0, |p| p.0), 0))
            .hint("set `markdown.highlight_theme` and `markdown.highlight_theme_dark` to one of the listed themes")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_is_reused_for_the_same_inputs_and_never_filled_when_not_kept() {
        let mut cache: Cached<&str> = None;
        let built = reuse_or_build(&mut cache, true, || 1, || "first");
        assert_eq!((built, cache), ("first", Some((1, "first"))));
        let reused = reuse_or_build(&mut cache, true, || 1, || "second");
        assert_eq!(reused, "first", "same inputs, same value");
        let rebuilt = reuse_or_build(&mut cache, true, || 2, || "third");
        assert_eq!((rebuilt, cache), ("third", Some((2, "third"))));

        let once = reuse_or_build(
            &mut cache,
            false,
            || unreachable!("a site built once fingerprints nothing"),
            || "fourth",
        );
        assert_eq!((once, cache), ("fourth", None));
    }
}
