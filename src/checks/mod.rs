//! `signposter check`, the editorial linter: builds the site in memory, keeps
//! every finding of the build, and adds the rules of [`rules::RULES`] about
//! links, accessibility, trust, plain English and duplicates.
//!
//! ```text
//! Site::load → render (nowhere) → build findings
//!            → each source: source::inspect   (accessibility, PDF labels, prose, external links)
//!            → site-wide: orphans, duplicates, review dates, reading ease
//!            → external::check                (with --external)
//!            → drop findings of rules an editor turned off → Report
//! ```

pub mod external;
pub mod prose;
pub mod report;
pub mod rules;
pub mod source;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::DisabledRule;
use crate::content::{FrontMatter, Page};
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::site::{DiscardSink, Site, SiteOptions};

use source::{ExternalLink, Source};

/// Where `--external` remembers links that worked, under the site root.
pub const EXTERNAL_CACHE: &str = ".signposter-cache/external-links.json";

/// What to check, and as of when.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub site: SiteOptions,
    /// The date review rules compare with: today, unless a test says otherwise.
    pub today: Date,
    /// Also ask other sites whether the links to them work.
    pub external: bool,
}

/// Everything `check` found.
#[derive(Debug)]
pub struct Report {
    pub today: Date,
    pub findings: Diagnostics,
    pub pages: Vec<PageFacts>,
    pub sections: usize,
    /// Rules an editor turned off, where, and why.
    pub disabled: Vec<Disabled>,
    /// With `--external`: how many addresses were asked about, and how many came from the cache.
    pub external: Option<(usize, usize)>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings.has_errors()
    }
}

/// What the report says about each page.
#[derive(Debug, Clone)]
pub struct PageFacts {
    pub path: PathBuf,
    pub url: String,
    pub title: String,
    pub words: usize,
    pub reading_ease: Option<f64>,
    pub last_reviewed: Option<Date>,
    pub next_review: Option<Date>,
}

/// A rule turned off for the site (`path` is `None`) or for one page.
#[derive(Debug, Clone)]
pub struct Disabled {
    pub rule: Code,
    pub path: Option<PathBuf>,
    pub reason: String,
}

/// Pages shorter than this are too short for a fair reading-ease score.
const FEWEST_WORDS_FOR_READING_EASE: usize = 50;

/// Load and check the site. `Err` only when the site cannot be loaded at all
/// (a broken site.yml); everything else is a finding in the report.
pub fn run(options: &CheckOptions) -> Result<Report, Diagnostics> {
    // Kept for rebuilds, not loaded to be built once: the source rules below
    // read every body again after the build.
    let mut site = Site::load(&options.site)?;
    site.render(&DiscardSink);
    let mut findings: Vec<Diagnostic> = site.findings().into_iter().collect();

    let tree = &site.model.tree;
    let config = &site.model.config;
    let mut pages = Vec::with_capacity(tree.pages.len());
    let mut external_links: Vec<ExternalLink> = Vec::new();
    let mut inspect = |path: &Path, body: &str, body_line: usize| {
        let inspection = source::inspect(&Source {
            display_path: path,
            body,
            body_line,
        });
        findings.extend(inspection.findings);
        external_links.extend(inspection.external_links);
        inspection.prose
    };
    let mut page_findings = Vec::new();
    for page in &tree.pages {
        let prose = inspect(&page.file.display_path, &page.body, page.body_line);
        let reading_ease = prose.reading_ease();
        let facts = PageFacts {
            path: page.file.display_path.clone(),
            url: page.url.clone(),
            title: page.front.title.clone(),
            words: prose.words,
            reading_ease,
            last_reviewed: date_field(&page.front, "last_reviewed"),
            next_review: date_field(&page.front, "next_review"),
        };
        if let (Some(score), Some(threshold)) = (reading_ease, config.check.reading_ease_below) {
            if score < threshold && facts.words >= FEWEST_WORDS_FOR_READING_EASE {
                page_findings.push(hard_to_read(page, score, threshold));
            }
        }
        page_findings.extend(review_findings(&site, page, &facts, options.today));
        pages.push(facts);
    }
    for section in tree.sections.iter().filter(|s| s.has_file) {
        inspect(&section.file.display_path, &section.body, section.body_line);
    }
    findings.extend(page_findings);
    findings.extend(orphans(&site));
    findings.extend(duplicates(&site));

    let external = options.external.then(|| {
        let cache = site.root.join(EXTERNAL_CACHE);
        let outcome = external::check(&external_links, &config.check.external, Some(&cache));
        findings.extend(outcome.findings);
        (outcome.checked, outcome.cached)
    });

    let disabled = disabled_rules(&site);
    findings.retain(|finding| !is_disabled(finding, &disabled));
    let mut findings: Diagnostics = findings.into_iter().collect();
    findings.sort();
    Ok(Report {
        today: options.today,
        findings,
        pages,
        sections: tree.sections.iter().filter(|s| s.has_file).count(),
        disabled,
        external,
    })
}

fn date_field(front: &FrontMatter, name: &str) -> Option<Date> {
    front
        .fields
        .get(name)
        .and_then(|value| value.as_str())
        .and_then(|text| Date::parse(text).ok())
}

/// Where a front matter key was written, else the top of the file.
fn field_location(path: &Path, front: &FrontMatter, key: &str) -> Location {
    let (line, column) = front.position_of(key).unwrap_or((1, 1));
    Location::new(path, line, column)
}

fn hard_to_read(page: &Page, score: f64, threshold: f64) -> Diagnostic {
    Diagnostic::warning(
        Code::ReadingEase,
        format!(
            "reading ease {score:.1} ({}) is below this site's threshold of {threshold}",
            prose::describe(score)
        ),
    )
    .at(field_location(
        &page.file.display_path,
        &page.front,
        "title",
    ))
    .hint("use shorter sentences and everyday words; 60 and above reads as plain English")
}

/// Review dates: past due is an error, due soon a warning, and a page with
/// review dates should say who reviewed it.
fn review_findings(site: &Site, page: &Page, facts: &PageFacts, today: Date) -> Vec<Diagnostic> {
    let config = &site.model.config;
    let reviewed = page
        .schema
        .as_ref()
        .and_then(|name| config.schemas.get(name))
        .is_some_and(|schema| schema.fields.iter().any(|f| f.name == "next_review"));
    let path = &page.file.display_path;
    let mut found = Vec::new();
    if let Some(next) = facts.next_review {
        let days = today.days_until(next);
        let location = field_location(path, &page.front, "next_review");
        if days < 0 {
            found.push(
                Diagnostic::error(
                    Code::ReviewOverdue,
                    format!(
                        "this page was due for review on {} ({} {} ago)",
                        next.long(),
                        -days,
                        if days == -1 { "day" } else { "days" }
                    ),
                )
                .at(location)
                .hint("review the page, then set `last_reviewed` to the review date and `next_review` to the next one"),
            );
        } else if days <= config.check.review_due_within_days {
            found.push(
                Diagnostic::warning(
                    Code::ReviewDueSoon,
                    format!(
                        "this page is due for review on {} (in {days} {})",
                        next.long(),
                        if days == 1 { "day" } else { "days" }
                    ),
                )
                .at(location)
                .hint("plan its review; `signposter check --due` lists every page by review date"),
            );
        }
    }
    let has_reviewer = page
        .front
        .fields
        .get("reviewed_by")
        .and_then(|v| v.as_str())
        .is_some_and(|s| !s.trim().is_empty());
    if (reviewed || facts.next_review.is_some()) && !has_reviewer {
        found.push(
            Diagnostic::warning(
                Code::ReviewerMissing,
                "this page has review dates but does not say who reviewed it",
            )
            .at(field_location(path, &page.front, "next_review"))
            .hint("add `reviewed_by:` with the reviewer's name and role, e.g. `reviewed_by: Dr A. Example, GP`"),
        );
    }
    found
}

/// Pages that no other page or section links to from its Markdown.
fn orphans(site: &Site) -> Vec<Diagnostic> {
    let tree = &site.model.tree;
    tree.pages
        .iter()
        .filter(|page| site.model.backlinks.to(&page.url).is_empty())
        .map(|page| {
            Diagnostic::warning(
                Code::OrphanPage,
                format!(
                    "no other page links to \"{}\"; readers can reach it only from listings and search",
                    page.front.title
                ),
            )
            .at(field_location(&page.file.display_path, &page.front, "title"))
            .hint(format!(
                "link to it from a related page or its section's introduction: `[{}](@/{})`",
                page.front.title, page.file.content_path
            ))
        })
        .collect()
}

/// Pages and sections sharing a title, or a description.
fn duplicates(site: &Site) -> Vec<Diagnostic> {
    let tree = &site.model.tree;
    let documents = tree
        .sections
        .iter()
        .filter(|s| s.has_file)
        .map(|s| (&s.file.display_path, &s.front))
        .chain(tree.pages.iter().map(|p| (&p.file.display_path, &p.front)));
    let mut titles: HashMap<String, &PathBuf> = HashMap::new();
    let mut descriptions: HashMap<String, &PathBuf> = HashMap::new();
    let mut found = Vec::new();
    let key = |text: &str| crate::text::collapse_whitespace(text, usize::MAX).to_lowercase();
    for (path, front) in documents {
        if let Some(first) = titles.get(&key(&front.title)) {
            found.push(
                Diagnostic::warning(
                    Code::DuplicateTitle,
                    format!(
                        "the title \"{}\" is also the title of {}",
                        front.title,
                        first.display()
                    ),
                )
                .at(field_location(path, front, "title"))
                .hint("give each page a title that says what is particular to it"),
            );
        } else {
            titles.insert(key(&front.title), path);
        }
        if let Some(description) = front
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            if let Some(first) = descriptions.get(&key(description)) {
                found.push(
                    Diagnostic::warning(
                        Code::DuplicateDescription,
                        format!(
                            "this description is the same as that of {}",
                            first.display()
                        ),
                    )
                    .at(field_location(path, front, "description"))
                    .hint("search results show descriptions: say what is particular to this page"),
                );
            } else {
                descriptions.insert(key(description), path);
            }
        }
    }
    found
}

/// Every rule turned off, in site.yml and in front matter.
fn disabled_rules(site: &Site) -> Vec<Disabled> {
    let tree = &site.model.tree;
    let site_wide = site.model.config.check.disabled.iter().map(|d| (None, d));
    let per_page = tree
        .pages
        .iter()
        .map(|p| (&p.file.display_path, &p.front))
        .chain(
            tree.sections
                .iter()
                .map(|s| (&s.file.display_path, &s.front)),
        )
        .flat_map(|(path, front)| front.check_disabled.iter().map(move |d| (Some(path), d)));
    site_wide
        .chain(per_page)
        .map(|(path, DisabledRule { code, reason })| Disabled {
            rule: *code,
            path: path.cloned(),
            reason: reason.clone(),
        })
        .collect()
}

fn is_disabled(finding: &Diagnostic, disabled: &[Disabled]) -> bool {
    // Only check's own rules can be turned off; build errors always stand.
    if rules::for_code(finding.code).is_none() {
        return false;
    }
    disabled.iter().any(|d| {
        d.rule == finding.code
            && match &d.path {
                None => true,
                Some(path) => finding.path() == Some(path.as_path()),
            }
    })
}
