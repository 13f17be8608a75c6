//! How a check report prints: as text for people, or as JSON for CI. The
//! JSON shape is versioned and documented in the README; fields are only ever
//! added, never renamed or removed, within a version.

use std::fmt::Write;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Palette, Severity, render_all};

use super::{Report, prose, rules};

/// The version of the JSON shape below.
pub const JSON_VERSION: u32 = 1;

/// The findings, each page's reading ease, and a summary line.
pub fn text(report: &Report, palette: Palette) -> String {
    let mut out = String::new();
    if !report.findings.is_empty() {
        out.push_str(&render_all(&report.findings, palette));
        out.push('\n');
    }
    let mut scored: Vec<_> = report
        .pages
        .iter()
        .filter_map(|p| p.reading_ease.map(|score| (score, p)))
        .collect();
    if !scored.is_empty() {
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
        out.push_str("Reading ease of each page (Flesch; higher is easier, 60 and above is plain English):\n");
        for (score, page) in scored {
            let _ = writeln!(
                out,
                "  {score:>5.1}  {:<13}  {}",
                prose::describe(score),
                page.path.display()
            );
        }
        out.push('\n');
    }
    for disabled in &report.disabled {
        let place = match &disabled.path {
            Some(path) => path.display().to_string(),
            None => "site.yml".to_string(),
        };
        let _ = writeln!(
            out,
            "Rule {} is off in {place}: {}",
            disabled.rule, disabled.reason
        );
    }
    if let Some((checked, cached)) = report.external {
        let _ = writeln!(
            out,
            "External links: {checked} asked about now, {cached} known to work from a recent check."
        );
    }
    let errors = report.findings.error_count();
    let warnings = report.findings.warning_count();
    let _ = writeln!(
        out,
        "Checked {} {} and {} {} as of {}: {errors} {}, {warnings} {}.",
        report.pages.len(),
        crate::site::plural(report.pages.len(), "page", "pages"),
        report.sections,
        crate::site::plural(report.sections, "section", "sections"),
        report.today,
        crate::site::plural(errors, "error", "errors"),
        crate::site::plural(warnings, "warning", "warnings"),
    );
    out
}

/// Pages with a next review date, soonest first: the editor's to-do list.
pub fn due_text(report: &Report) -> String {
    let mut out = String::new();
    let due = due_pages(report);
    if due.is_empty() {
        out.push_str("No page has a `next_review` date.\n");
        return out;
    }
    let _ = writeln!(out, "Review dates as of {}:", report.today.long());
    let path_width = due.iter().map(|d| d.path.len()).max().unwrap_or(0);
    for page in &due {
        let when = match page.days {
            d if d < 0 => format!(
                "overdue by {} {}",
                -d,
                crate::site::plural((-d) as usize, "day", "days")
            ),
            0 => "due today".to_string(),
            d => format!(
                "due in {d} {}",
                crate::site::plural(d as usize, "day", "days")
            ),
        };
        let _ = writeln!(
            out,
            "  {}  {when:<18}  {:<path_width$}  {}",
            page.next_review, page.path, page.title
        );
    }
    let overdue = due.iter().filter(|d| d.days < 0).count();
    let _ = writeln!(
        out,
        "{} {} with review dates; {overdue} overdue.",
        due.len(),
        crate::site::plural(due.len(), "page", "pages")
    );
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    today: String,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    pages: Vec<JsonPage<'a>>,
    disabled: Vec<JsonDisabled<'a>>,
    external: Option<JsonExternal>,
}

#[derive(Serialize)]
struct JsonSummary {
    pages: usize,
    sections: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    category: &'static str,
    severity: Severity,
    path: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    hint: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonPage<'a> {
    path: String,
    url: &'a str,
    title: &'a str,
    words: usize,
    reading_ease: Option<f64>,
    last_reviewed: Option<String>,
    next_review: Option<String>,
}

#[derive(Serialize)]
struct JsonDisabled<'a> {
    rule: &'static str,
    path: Option<String>,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonExternal {
    checked: usize,
    cached: usize,
}

#[derive(Serialize)]
struct JsonDue<'a> {
    version: u32,
    today: String,
    due: &'a [DuePage],
}

#[derive(Serialize)]
struct DuePage {
    path: String,
    title: String,
    next_review: String,
    /// Days from today; negative when overdue.
    days: i64,
}

fn finding(diagnostic: &Diagnostic) -> JsonFinding<'_> {
    let location = diagnostic.location.as_ref();
    let known = |n: usize| (n > 0).then_some(n);
    JsonFinding {
        rule: diagnostic.code.id(),
        category: rules::for_code(diagnostic.code).map_or("build", |r| r.category.name()),
        severity: diagnostic.severity,
        path: location.map(|l| slash_path(&l.path)),
        line: location.and_then(|l| known(l.line)),
        column: location.and_then(|l| known(l.column)),
        message: &diagnostic.message,
        hint: diagnostic.hint.as_deref(),
        notes: &diagnostic.notes,
    }
}

/// The report as JSON.
pub fn json(report: &Report) -> String {
    let document = JsonReport {
        version: JSON_VERSION,
        today: report.today.to_string(),
        summary: JsonSummary {
            pages: report.pages.len(),
            sections: report.sections,
            errors: report.findings.error_count(),
            warnings: report.findings.warning_count(),
        },
        findings: report.findings.iter().map(finding).collect(),
        pages: report
            .pages
            .iter()
            .map(|p| JsonPage {
                path: slash_path(&p.path),
                url: &p.url,
                title: &p.title,
                words: p.words,
                reading_ease: p.reading_ease,
                last_reviewed: p.last_reviewed.map(|d| d.to_string()),
                next_review: p.next_review.map(|d| d.to_string()),
            })
            .collect(),
        disabled: report
            .disabled
            .iter()
            .map(|d| JsonDisabled {
                rule: d.rule.id(),
                path: d.path.as_deref().map(slash_path),
                reason: &d.reason,
            })
            .collect(),
        external: report
            .external
            .map(|(checked, cached)| JsonExternal { checked, cached }),
    };
    to_json(&document)
}

/// The review list as JSON.
pub fn due_json(report: &Report) -> String {
    let due = due_pages(report);
    to_json(&JsonDue {
        version: JSON_VERSION,
        today: report.today.to_string(),
        due: &due,
    })
}

fn to_json(value: &impl Serialize) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn due_pages(report: &Report) -> Vec<DuePage> {
    let mut due: Vec<DuePage> = report
        .pages
        .iter()
        .filter_map(|p| {
            p.next_review.map(|next| DuePage {
                path: slash_path(&p.path),
                title: p.title.clone(),
                next_review: next.to_string(),
                days: report.today.days_until(next),
            })
        })
        .collect();
    due.sort_by(|a, b| a.days.cmp(&b.days).then_with(|| a.path.cmp(&b.path)));
    due
}

/// Paths in reports use `/` on every system.
fn slash_path(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
