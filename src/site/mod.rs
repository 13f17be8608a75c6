//! The `Site` facade: load (config, content, theme), render (Markdown, then
//! templates, in parallel), check links, and write, timing each phase.
//!
//! Every stage reports into one list of diagnostics and the build goes as far
//! as it can, so a single run shows every problem. Only a build without
//! errors is swapped into the output folder.

mod feeds;
mod plan;
mod render;
mod routes;
pub mod sink;
mod timings;
pub mod values;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::content::{ContentTree, LoadOptions, PageId};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use crate::links::Resolver;
use crate::markdown::{Highlighter, Input, MarkdownRenderer, Rendered};
use crate::output::OutputDir;
use crate::publish::related::related_pages;
use crate::publish::{Backlinks, Taxonomies};
use crate::templates::{Templates, Theme};

pub use render::Rendering;
pub use routes::{Origin, Routes};
pub use sink::{DiscardSink, MemorySink, Sink};
pub use timings::{Timings, format_duration};
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
}

/// Everything known about the site's content once it is loaded: what the
/// template values and the published extras are built from.
pub struct Model {
    pub config: Config,
    pub tree: ContentTree,
    /// Rendered bodies, by page id and by section id.
    pub pages_md: Vec<Rendered>,
    pub sections_md: Vec<Rendered>,
    pub taxonomies: Taxonomies,
    /// Related pages, by page id.
    pub related: Vec<Vec<PageId>>,
    pub backlinks: Backlinks,
}

/// A loaded site: everything read, validated and rendered to Markdown HTML.
pub struct Site {
    pub root: PathBuf,
    pub model: Model,
    pub theme: Theme,
    templates: Templates,
    /// Whether every template parsed; if not, pages are not rendered.
    templates_ok: bool,
    pub markdown: MarkdownRenderer,
    pub values: Values,
    pub routes: Routes,
    /// Every output file and the job that makes it.
    plan: Vec<(crate::output::OutputPath, plan::Job)>,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
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
    pub timings: Timings,
    pub elapsed: std::time::Duration,
}

impl BuildReport {
    /// The one-line summary printed after a build.
    pub fn summary(&self) -> String {
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

impl Site {
    /// Read and validate everything. Fails only when there is no usable
    /// config; any other problem is recorded in `diagnostics`.
    pub fn load(options: &SiteOptions) -> Result<Site, Diagnostics> {
        let mut timings = Timings::default();
        let overrides = Overrides {
            base_url: options.base_url.clone(),
        };
        let config = timings
            .time("config", || Config::load(&options.root, &overrides))
            .map_err(Diagnostics::from_iter)?;
        let mut diagnostics = Vec::new();

        let load_options = LoadOptions {
            drafts: options.drafts,
        };
        let (tree, found) = timings.time("content", || {
            ContentTree::load(&options.root, &config, &load_options)
        });
        diagnostics.extend(found);

        let (theme, templates, templates_ok) = timings.time("templates", || {
            let theme = match Theme::resolve(&options.root, &config) {
                Ok(theme) => theme,
                Err(found) => {
                    diagnostics.extend(found);
                    Theme::default()
                }
            };
            let (templates, found) = Templates::load(&theme, &config.base_url);
            let ok = found.is_empty() && !theme.templates.is_empty();
            diagnostics.extend(found);
            (theme, templates, ok)
        });

        let markdown = MarkdownRenderer::new(&config.markdown);
        let (pages_md, sections_md) =
            timings.time("markdown", || render_markdown(&markdown, &config, &tree));
        for rendered in pages_md.iter().chain(&sections_md) {
            diagnostics.extend(rendered.diagnostics.iter().cloned());
        }

        let (taxonomies, found) = timings.time("taxonomies", || Taxonomies::build(&config, &tree));
        diagnostics.extend(found);
        let related = timings.time("related", || {
            related_pages(&tree, &taxonomies, &config.related)
        });
        let backlinks = timings.time("backlinks", || {
            Backlinks::build(&tree, &pages_md, &sections_md)
        });
        let model = Model {
            config,
            tree,
            pages_md,
            sections_md,
            taxonomies,
            related,
            backlinks,
        };
        let values = timings.time("values", || Values::build(&model));
        let mut site = Site {
            root: options.root.clone(),
            model,
            theme,
            templates,
            templates_ok,
            markdown,
            values,
            routes: Routes::default(),
            plan: Vec::new(),
            diagnostics,
            timings,
        };
        let lookup = site.values.lookup(&site.model);
        site.templates.install(lookup, site.values.site.clone());
        let start = Instant::now();
        let found = plan::plan_routes(&mut site);
        site.timings.record("routes", start.elapsed());
        site.diagnostics.extend(found);
        Ok(site)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Render every output file into `sink`, then check every link against
    /// what was rendered. Findings are added to `self.diagnostics`.
    pub fn render(&mut self, sink: &dyn Sink) -> Rendering {
        let start = Instant::now();
        let rendering = render::render_all(self, sink);
        self.timings.record("render", start.elapsed());
        let start = Instant::now();
        let found = render::check_all_links(self, &rendering);
        self.timings.record("links", start.elapsed());
        self.diagnostics
            .extend(rendering.diagnostics.iter().cloned());
        self.diagnostics.extend(found);
        rendering
    }

    /// All findings, sorted.
    pub fn findings(&self) -> Diagnostics {
        let mut all: Diagnostics = self.diagnostics.iter().cloned().collect();
        all.sort();
        all
    }

    /// The output folder: `--output`, else `output_dir` in site.yml, else `public`.
    pub fn output_dir(&self, requested: Option<&Path>) -> PathBuf {
        requested
            .map(Path::to_path_buf)
            .or_else(|| self.model.config.output_dir.clone())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_OUTPUT_DIR))
    }
}

/// Build a site into its output folder. On any error the output folder is
/// left exactly as it was and every finding is returned.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let mut site = Site::load(&options.site)?;
    let output = site.output_dir(options.output.as_deref());
    let opened = site.timings.time("output", || {
        OutputDir::open(&site.root, &output, options.force)
    });
    let rendering = match &opened {
        Ok(out) => site.render(out),
        Err(refused) => {
            site.diagnostics.push(refused.clone());
            // Still render, to report content and template problems in the same run.
            site.render(&DiscardSink)
        }
    };
    let out = match opened {
        Ok(out) if !site.has_errors() => out,
        _ => return Err(site.findings()),
    };
    let commit_start = Instant::now();
    let committed = out.commit(&rendering.written);
    site.timings.record("commit", commit_start.elapsed());
    let kept = match committed {
        Ok(report) => report.kept,
        Err(found) => {
            site.diagnostics.extend(found);
            return Err(site.findings());
        }
    };
    let warnings: Diagnostics = site
        .findings()
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    Ok(BuildReport {
        pages: site.model.tree.pages.len(),
        sections: site.model.tree.sections.len(),
        files: rendering.written.len(),
        drafts_skipped: site.model.tree.drafts.len(),
        kept,
        output,
        warnings,
        timings: site.timings.clone(),
        elapsed: start.elapsed(),
    })
}

/// Render every page's and section's Markdown in parallel.
fn render_markdown(
    markdown: &MarkdownRenderer,
    config: &Config,
    tree: &ContentTree,
) -> (Vec<Rendered>, Vec<Rendered>) {
    let render = |content_path: &str, display: &Path, body: &str, body_line: usize| {
        let resolver = Resolver::new(tree, &config.base_url, content_path);
        let resolve = |dest: &str| resolver.resolve(dest);
        markdown.render(&Input {
            body,
            body_line,
            display_path: display,
            resolve: &resolve,
        })
    };
    let pages = tree
        .pages
        .par_iter()
        .map(|p| {
            render(
                &p.file.content_path,
                &p.file.display_path,
                &p.body,
                p.body_line,
            )
        })
        .collect();
    let sections = tree
        .sections
        .par_iter()
        .map(|s| {
            render(
                &s.file.content_path,
                &s.file.display_path,
                &s.body,
                s.body_line,
            )
        })
        .collect();
    (pages, sections)
}

/// The stylesheet for highlighted code, or an error pointing at site.yml.
pub fn highlight_stylesheet(config: &Config) -> Result<String, Diagnostic> {
    Highlighter::stylesheet(&config.markdown.highlight_theme, &config.markdown.highlight_theme_dark).map_err(|message| {
        Diagnostic::error(Code::NotAllowedValue, message)
            .at(crate::diagnostics::Location::new(crate::config::CONFIG_FILE, config.position_of("markdown").map_or(0, |p| p.0), 0))
            .hint("set `markdown.highlight_theme` and `markdown.highlight_theme_dark` to one of the listed themes")
    })
}
