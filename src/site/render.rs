//! Planning and rendering every output file in parallel, then checking links
//! against what was rendered.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;
use tera::Context;

use crate::content::{PageId, SectionId};
use crate::diagnostics::{Code, Diagnostic, Location, body_line_text};
use crate::html::{escape, ids};
use crate::links::{BuiltSite, LinkSource, check_links};
use crate::output::OutputPath;
use crate::templates::StaticSource;

use super::routes::Origin;
use super::{Sink, Site, highlight_stylesheet};

/// One output file and how to make it.
#[derive(Debug, Clone)]
pub enum Job {
    Page(PageId),
    Section(SectionId),
    /// A redirect page from an old address to `target` (a site path).
    Alias {
        target: String,
        title: String,
    },
    /// A file from `content/`, by asset index.
    Asset(usize),
    /// A theme or site static file, by its output path.
    Static(String),
    NotFound,
    HighlightCss,
}

/// What rendering produced.
#[derive(Debug, Default)]
pub struct Rendering {
    /// Every file written, for the output manifest.
    pub written: Vec<OutputPath>,
    pub built: BuiltSite,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decide every output file and who makes it; clashes are reported here.
pub(super) fn plan_routes(site: &mut Site) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut plan: Vec<(OutputPath, Job, Origin)> = Vec::new();
    let mut add = |site_path: &str, job: Job, origin: Origin, diagnostics: &mut Vec<Diagnostic>| {
        match OutputPath::for_site_path(site_path) {
            Ok(path) => plan.push((path, job, origin)),
            Err(message) => diagnostics.push(Diagnostic::error(Code::InvalidPath, message)),
        }
    };
    for section in &site.tree.sections {
        add(
            &section.url,
            Job::Section(section.id),
            Origin::Content(section.file.display_path.clone()),
            &mut diagnostics,
        );
    }
    for page in &site.tree.pages {
        add(
            &page.url,
            Job::Page(page.id),
            Origin::Content(page.file.display_path.clone()),
            &mut diagnostics,
        );
    }
    let documents = site
        .tree
        .pages
        .iter()
        .map(|p| (&p.front, &p.file.display_path, &p.url))
        .chain(
            site.tree
                .sections
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
                Ok(path) => add(
                    &path,
                    Job::Alias {
                        target: url.clone(),
                        title: front.title.clone(),
                    },
                    origin,
                    &mut diagnostics,
                ),
                Err(message) => diagnostics.push(
                    Diagnostic::error(Code::InvalidPath, format!("alias `{alias}`: {message}"))
                        .at(Location::new(file, line, column))
                        .hint("an alias is an old address on this site, such as `/old-page/`"),
                ),
            }
        }
    }
    for (index, asset) in site.tree.assets.iter().enumerate() {
        add(
            &asset.url,
            Job::Asset(index),
            Origin::Copied(PathBuf::from("content").join(&asset.content_path)),
            &mut diagnostics,
        );
    }
    for file in site.theme.static_files.values() {
        add(
            &format!("/{}", file.path),
            Job::Static(file.path.clone()),
            Origin::Copied(file.origin.clone()),
            &mut diagnostics,
        );
    }
    add(
        "/404.html",
        Job::NotFound,
        Origin::Generated("404 page"),
        &mut diagnostics,
    );
    add(
        "/highlight.css",
        Job::HighlightCss,
        Origin::Generated("code highlighting stylesheet"),
        &mut diagnostics,
    );

    for (path, job, origin) in plan {
        match site.routes.claim(path.clone(), origin) {
            Ok(()) => site.plan.push((path, job)),
            Err(clash) => diagnostics.push(clash),
        }
    }
    diagnostics
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

struct Produced {
    path: OutputPath,
    /// Site path and ids of an HTML page.
    page_ids: Option<(String, Vec<String>)>,
    diagnostics: Vec<Diagnostic>,
    written: bool,
}

pub(super) fn render_all(site: &Site, sink: &dyn Sink) -> Rendering {
    let highlight_css = std::sync::OnceLock::new();
    let produced: Vec<Produced> = site
        .plan
        .par_iter()
        .map(|(path, job)| run_job(site, sink, path, job, &highlight_css))
        .collect();

    let mut rendering = Rendering::default();
    let mut template_errors: HashMap<(Option<Location>, String), (usize, Diagnostic)> =
        HashMap::new();
    for item in produced {
        rendering.built.add_file(item.path.as_str());
        if item.written {
            rendering.written.push(item.path.clone());
        }
        if let Some((site_path, page_ids)) = item.page_ids {
            rendering.built.add_page_ids(&site_path, page_ids);
        }
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
    rendering
}

fn run_job(
    site: &Site,
    sink: &dyn Sink,
    path: &OutputPath,
    job: &Job,
    highlight_css: &std::sync::OnceLock<Result<String, Diagnostic>>,
) -> Produced {
    let mut produced = Produced {
        path: path.clone(),
        page_ids: None,
        diagnostics: Vec::new(),
        written: false,
    };
    let result: Result<Vec<u8>, Diagnostic> = match job {
        Job::Page(_) | Job::Section(_) | Job::NotFound if !site.templates_ok => return produced,
        Job::Page(id) => render_page(site, *id, &mut produced),
        Job::Section(id) => render_section(site, *id, &mut produced),
        Job::NotFound => {
            let mut context = Context::new();
            context.insert("current_path", "/404.html");
            site.templates.render("404.html", &context).map(|html| {
                produced.page_ids = Some(("/404.html".into(), ids(&html)));
                html.into_bytes()
            })
        }
        Job::Alias { target, title } => Ok(redirect_page(site, target, title).into_bytes()),
        Job::HighlightCss => highlight_css
            .get_or_init(|| highlight_stylesheet(&site.config))
            .clone()
            .map(String::into_bytes),
        Job::Asset(index) => {
            let written = sink.copy(path, &site.tree.assets[*index].abs);
            return finish(produced, written);
        }
        Job::Static(key) => match &site.theme.static_files[key].source {
            StaticSource::BuiltIn(bytes) => Ok(bytes.to_vec()),
            StaticSource::Disk(from) => {
                let written = sink.copy(path, from);
                return finish(produced, written);
            }
        },
    };
    let written = result.and_then(|bytes| sink.write(path, bytes));
    finish(produced, written)
}

fn finish(mut produced: Produced, written: Result<(), Diagnostic>) -> Produced {
    match written {
        Ok(()) => produced.written = true,
        Err(diagnostic) => produced.diagnostics.push(diagnostic),
    }
    produced
}

/// A page or section about to be rendered through a template.
struct Document<'a> {
    file: &'a crate::content::SourceFile,
    front: &'a crate::content::FrontMatter,
    body: &'a str,
    body_line: usize,
    url: &'a str,
    rendered: &'a crate::markdown::Rendered,
    template: String,
    /// The context name (`page` or `section`) and its value.
    context: (&'static str, tera::Value),
}

fn render_page(site: &Site, id: PageId, produced: &mut Produced) -> Result<Vec<u8>, Diagnostic> {
    let page = site.tree.page(id);
    let rendered = &site.pages_md[id.0 as usize];
    let template = page
        .front
        .template
        .clone()
        .or_else(|| inherited_page_template(site, page.section))
        .unwrap_or_else(|| "page.html".to_string());
    let document = Document {
        file: &page.file,
        front: &page.front,
        body: &page.body,
        body_line: page.body_line,
        url: &page.url,
        rendered,
        template,
        context: ("page", site.values.page(&site.tree, id, rendered)),
    };
    render_document(site, document, produced)
}

fn render_section(
    site: &Site,
    id: SectionId,
    produced: &mut Produced,
) -> Result<Vec<u8>, Diagnostic> {
    let section = site.tree.section(id);
    let rendered = &site.sections_md[id.0 as usize];
    let default = if section.parent.is_none() {
        "index.html"
    } else {
        "section.html"
    };
    let document = Document {
        file: &section.file,
        front: &section.front,
        body: &section.body,
        body_line: section.body_line,
        url: &section.url,
        rendered,
        template: section
            .front
            .template
            .clone()
            .unwrap_or_else(|| default.to_string()),
        context: ("section", site.values.section(&site.tree, id, rendered)),
    };
    render_document(site, document, produced)
}

fn render_document(
    site: &Site,
    document: Document<'_>,
    produced: &mut Produced,
) -> Result<Vec<u8>, Diagnostic> {
    let display = &document.file.display_path;
    if !site.templates.has(&document.template) {
        return Err(missing_template(
            &document.template,
            display,
            document.front.position_of("template"),
        ));
    }
    let mut context = Context::new();
    let (name, value) = document.context;
    context.insert_value(name, value);
    context.insert("current_path", document.url);
    let html = site
        .templates
        .render(&document.template, &context)
        .map_err(|d| d.note(format!("while rendering {}", display.display())))?;
    let found = ids(&html);
    produced.diagnostics.extend(duplicate_ids(
        &found,
        display,
        document.rendered,
        document.body,
        document.body_line,
    ));
    produced.page_ids = Some((document.url.to_string(), found));
    Ok(html.into_bytes())
}

/// `page_template` from the page's section or the nearest ancestor that sets one.
fn inherited_page_template(site: &Site, section: SectionId) -> Option<String> {
    let mut current = Some(section);
    while let Some(id) = current {
        let section = site.tree.section(id);
        if let Some(template) = &section.front.page_template {
            return Some(template.clone());
        }
        current = section.parent;
    }
    None
}

fn missing_template(
    name: &str,
    file: &std::path::Path,
    position: Option<(usize, usize)>,
) -> Diagnostic {
    let (line, column) = position.unwrap_or((0, 0));
    Diagnostic::error(Code::MissingTemplate, format!("there is no template called `{name}`"))
        .at(Location::new(file, line, column))
        .hint("add it to templates/, or fix the name; templates are named by their path inside templates/")
}

/// Ids that appear more than once on a rendered page.
fn duplicate_ids(
    found: &[String],
    file: &std::path::Path,
    rendered: &crate::markdown::Rendered,
    body: &str,
    body_line: usize,
) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    let mut diagnostics = Vec::new();
    for id in found {
        if !seen.insert(id.as_str()) && reported.insert(id.as_str()) {
            let heading = rendered.headings.iter().find(|h| &h.id == id);
            let mut diagnostic = Diagnostic::error(Code::DuplicateId, format!("the id `{id}` appears more than once on the built page"))
                .hint("a heading's id clashes with one the template uses; give the heading its own id, e.g. `## Heading {#another-id}`");
            diagnostic = match heading {
                Some(h) => {
                    let text =
                        body_line_text(body, body_line, h.line).unwrap_or("");
                    diagnostic
                        .at(Location::new(file, h.line, h.column))
                        .snippet(text, text.chars().count())
                }
                None => diagnostic.in_file(file),
            };
            diagnostics.push(diagnostic);
        }
    }
    diagnostics
}

/// A page that sends readers (and search engines) from an old address to the new one.
fn redirect_page(site: &Site, target: &str, title: &str) -> String {
    let url = escape(&site.config.base_url.url(target));
    let permalink = escape(&site.config.base_url.permalink(target));
    let title = escape(title);
    let language = escape(&site.config.language);
    format!(
        "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}

/// Check the Markdown links of every page and section against the build.
pub(super) fn check_all_links(site: &Site, rendering: &Rendering) -> Vec<Diagnostic> {
    let level = site.config.links.internal;
    let pages = site.tree.pages.par_iter().flat_map(|page| {
        let source = LinkSource {
            display_path: &page.file.display_path,
            site_path: &page.url,
            body: &page.body,
            body_line: page.body_line,
            links: &site.pages_md[page.id.0 as usize].links,
        };
        check_links(&source, &rendering.built, level)
    });
    let sections = site.tree.sections.par_iter().flat_map(|section| {
        let source = LinkSource {
            display_path: &section.file.display_path,
            site_path: &section.url,
            body: &section.body,
            body_line: section.body_line,
            links: &site.sections_md[section.id.0 as usize].links,
        };
        check_links(&source, &rendering.built, level)
    });
    pages.chain(sections).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(alias_site_path("old-page").unwrap(), "/old-page/");
        assert_eq!(alias_site_path("/a/b.html").unwrap(), "/a/b.html");
        assert!(alias_site_path("../../etc/passwd").is_err());
        assert!(alias_site_path("https://evil.example/").is_err());
        assert!(alias_site_path("  ").is_err());
    }
}
