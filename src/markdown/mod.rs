//! Markdown to HTML with pulldown-cmark: CommonMark plus tables, footnotes,
//! strikethrough, task lists, heading ids and smart punctuation.
//!
//! On top of the standard rendering (never instead of it) this adds heading
//! ids with anchor links, a table of contents, a summary, highlighted code,
//! and internal links rewritten to their targets' URLs and recorded for
//! checking once the whole site is built.

mod highlight;
mod raw_html;
mod toc;

use crate::fingerprint::{FastMap, FastSet};
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::config::MarkdownConfig;
use crate::content::slugify;
use crate::diagnostics::{Code, Diagnostic, LineIndex, Location, body_line_text};
use crate::html::escape;
use crate::links::{LinkRecord, Resolution};
use crate::pack::PackedText;
use crate::text::collapse_whitespace;

pub use highlight::{CLASS_PREFIX, Highlighter};
pub use toc::TocEntry;

/// One heading of a rendered body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// File line and column of the heading.
    pub line: usize,
    pub column: usize,
}

/// A rendered body and what was learnt while rendering it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body as HTML. A site built once packs a page's until the render
    /// job that writes it takes it (see `site::render::Handover`).
    pub html: BodyHtml,
    /// Everything before `<!-- more -->`, or else the first paragraph. A
    /// site built once moves it into the making of its template value.
    pub summary: String,
    /// The summary as plain text, for descriptions. A site built once
    /// moves it out with `summary`.
    pub summary_text: String,
    /// Every heading in order. The table of contents is made from these for
    /// each render of the page or section (see [`Rendered::toc`]).
    pub headings: Vec<Heading>,
    /// Internal links, to check once the site is built.
    pub links: Vec<LinkRecord>,
    /// The body as plain text, for search: each block ends in a line break,
    /// and spaces are as the Markdown left them (search reads words, and
    /// collapses the spaces of only the excerpt it shows). A site built once
    /// empties it as soon as its search entry is made, right after its
    /// Markdown.
    pub text: String,
    pub word_count: usize,
    /// Whether any code block was highlighted, so pages can skip the stylesheet.
    pub has_highlighting: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// Every link destination and how it was resolved, so a cached render can
    /// be checked against a changed site without rendering it again. A site
    /// built once empties it after Markdown.
    pub resolutions: Vec<(String, Resolution)>,
    /// Fingerprint of what listings show: the summary.
    pub summary_fingerprint: u64,
    /// Fingerprint of where the body links to, for backlinks.
    pub links_fingerprint: u64,
    /// Fingerprint of everything templates see of this body.
    pub fingerprint: u64,
}

/// A body's HTML: as text, or packed (to about 40% of its size on the
/// benchmark site) while a site built once waits to write it.
#[derive(Debug, Clone)]
pub enum BodyHtml {
    Text(String),
    Packed(PackedText),
}

impl Default for BodyHtml {
    fn default() -> Self {
        BodyHtml::Text(String::new())
    }
}

impl BodyHtml {
    /// The HTML, unpacked into a new string if it was packed.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            BodyHtml::Text(text) => Cow::Borrowed(text),
            BodyHtml::Packed(packed) => Cow::Owned(packed.unpack()),
        }
    }

    /// Whether there is no HTML, without unpacking it.
    pub fn is_empty(&self) -> bool {
        match self {
            BodyHtml::Text(text) => text.is_empty(),
            BodyHtml::Packed(packed) => packed.is_empty(),
        }
    }

    /// Hold the HTML packed from now on.
    pub fn pack(&mut self) {
        if let BodyHtml::Text(text) = self {
            *self = BodyHtml::Packed(PackedText::pack(text));
        }
    }
}

impl Rendered {
    /// The headings nested by level. Made for each render of the page or
    /// section that owns it: a copy kept for every page through the build
    /// would hold what `headings` already hold, twice over.
    pub fn toc(&self) -> Vec<TocEntry> {
        toc::build(&self.headings)
    }
}

/// What to render and how to resolve its links.
pub struct Input<'a> {
    pub body: &'a str,
    /// File line on which `body` starts.
    pub body_line: usize,
    pub display_path: &'a Path,
    pub resolve: &'a (dyn Fn(&str) -> Resolution + Sync),
}

/// Renders Markdown bodies; one per site, shared across threads.
#[derive(Debug)]
pub struct MarkdownRenderer {
    options: Options,
    highlighter: Highlighter,
    /// `markdown.unsafe_html`: editors' raw HTML is passed through.
    raw_html: bool,
}

/// The comment that ends a hand-picked summary.
const MORE_MARKER: &str = "<!-- more -->";

impl MarkdownRenderer {
    pub fn new(config: &MarkdownConfig) -> Self {
        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        if config.smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        MarkdownRenderer {
            options,
            highlighter: Highlighter::new(),
            raw_html: config.unsafe_html,
        }
    }

    pub fn highlighter(&self) -> &Highlighter {
        &self.highlighter
    }

    pub fn render(&self, input: &Input<'_>) -> Rendered {
        let lines = LineIndex::new(input.body);
        let position = |offset: usize| {
            let (line, column) = lines.line_col(offset);
            (line + input.body_line - 1, column)
        };
        let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(input.body, self.options)
            .into_offset_iter()
            .collect();
        if !self.raw_html {
            raw_html::disarm(&mut events);
        }
        let mut out = Rendered::default();

        let footnotes = Footnotes::number(&events);
        let mut used_ids: FastSet<String> = footnotes.reserved_ids();
        out.headings = assign_heading_ids(
            &mut events,
            &mut used_ids,
            &position,
            input,
            &mut out.diagnostics,
        );
        resolve_links(&mut events, &position, input, &mut out);

        let mut emitter = Emitter {
            highlighter: &self.highlighter,
            headings: &out.headings,
            footnotes: &footnotes,
            full: true,
            heading_index: 0,
            table_count: 0,
            reference_counts: FastMap::default(),
            footnote_bodies: FastMap::default(),
            text: String::new(),
            highlighted: false,
        };
        let stream = emitter.emit(&events);
        let mut html = String::with_capacity(input.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, stream.into_iter());
        emitter.append_footnotes(&mut html);
        out.word_count = crate::text::count_words(&emitter.text);
        out.text = std::mem::take(&mut emitter.text);
        out.has_highlighting = emitter.highlighted;

        let summary_events = summary_slice(&events);
        let mut summary_emitter = Emitter {
            full: false,
            heading_index: 0,
            table_count: 0,
            reference_counts: FastMap::default(),
            footnote_bodies: FastMap::default(),
            text: String::new(),
            ..emitter
        };
        let summary_stream = summary_emitter.emit(summary_events);
        pulldown_cmark::html::push_html(&mut out.summary, summary_stream.into_iter());
        out.summary_text = collapse_whitespace(&summary_emitter.text, usize::MAX);

        // Held until the render (or packed): give back what growing the
        // strings over-reserved.
        html.shrink_to_fit();
        out.summary.shrink_to_fit();
        out.html = BodyHtml::Text(html);
        out.summary_fingerprint = crate::fingerprint::of((&out.summary, &out.summary_text));
        out.links_fingerprint = crate::fingerprint::of(
            out.links
                .iter()
                .map(|l| &l.target.site_path)
                .collect::<Vec<_>>(),
        );
        out.fingerprint = crate::fingerprint::Fingerprint::new()
            .with(out.summary_fingerprint)
            .with(out.html.text())
            .with_all(out.headings.iter().map(|h| (h.level, &h.id, &h.text)))
            .with((out.word_count, out.has_highlighting))
            .finish();
        out
    }
}

/// Footnote numbers, in order of first reference; definitions never referenced come last.
struct Footnotes {
    numbers: FastMap<String, usize>,
    references: FastMap<String, usize>,
}

impl Footnotes {
    fn number(events: &[(Event<'_>, Range<usize>)]) -> Footnotes {
        let mut numbers = FastMap::default();
        let mut references: FastMap<String, usize> = FastMap::default();
        let mut definitions = Vec::new();
        for (event, _) in events {
            match event {
                Event::FootnoteReference(label) => {
                    let next = numbers.len() + 1;
                    numbers.entry(label.to_string()).or_insert(next);
                    *references.entry(label.to_string()).or_default() += 1;
                }
                Event::Start(Tag::FootnoteDefinition(label)) => definitions.push(label.to_string()),
                _ => {}
            }
        }
        for label in definitions {
            let next = numbers.len() + 1;
            numbers.entry(label).or_insert(next);
        }
        Footnotes {
            numbers,
            references,
        }
    }

    fn number_of(&self, label: &str) -> usize {
        self.numbers.get(label).copied().unwrap_or(0)
    }

    fn reserved_ids(&self) -> FastSet<String> {
        let mut ids = FastSet::default();
        if self.numbers.is_empty() {
            return ids;
        }
        ids.insert("footnotes".to_string());
        for (label, n) in &self.numbers {
            ids.insert(format!("fn-{n}"));
            for k in 1..=self.references.get(label).copied().unwrap_or(0) {
                ids.insert(reference_id(*n, k));
            }
        }
        ids
    }
}

fn reference_id(number: usize, occurrence: usize) -> String {
    if occurrence <= 1 {
        format!("fnref-{number}")
    } else {
        format!("fnref-{number}-{occurrence}")
    }
}

/// Give every heading a unique id: explicit `{#id}`s first, then slugs of the
/// heading text, numbered where they repeat. Footnote ids are taken already.
fn assign_heading_ids(
    events: &mut [(Event<'_>, Range<usize>)],
    used: &mut FastSet<String>,
    position: &dyn Fn(usize) -> (usize, usize),
    input: &Input<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Heading> {
    // (event index, level, explicit id, text, start offset)
    let mut found: Vec<(usize, u8, Option<String>, String, usize)> = Vec::new();
    let mut current: Option<(usize, u8, Option<String>, String, usize)> = None;
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some((
                    index,
                    *level as u8,
                    id.as_ref().map(|s| s.to_string()),
                    String::new(),
                    range.start,
                ));
            }
            Event::End(TagEnd::Heading(_)) => found.extend(current.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, _, buffer, _)) = current.as_mut() {
                    buffer.push_str(text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, _, buffer, _)) = current.as_mut() {
                    buffer.push(' ');
                }
            }
            _ => {}
        }
    }

    for (_, _, explicit, _, start) in &found {
        if let Some(id) = explicit {
            if !used.insert(id.clone()) {
                let (line, column) = position(*start);
                let text = body_line_text(input.body, input.body_line, line).unwrap_or("");
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the id `{id}` is used twice on this page"),
                    )
                    .at(Location::new(input.display_path, line, column))
                    .snippet(text, text.chars().count())
                    .hint("give each heading its own id; ids must be unique on a page"),
                );
            }
        }
    }

    let mut headings = Vec::with_capacity(found.len());
    for (index, level, explicit, text, start) in found {
        let text = collapse_whitespace(&text, usize::MAX);
        let id = match explicit {
            Some(id) => id,
            None => {
                let base = match slugify(&text) {
                    slug if slug.is_empty() => "section".to_string(),
                    slug => slug,
                };
                let mut candidate = base.clone();
                let mut n = 1;
                while used.contains(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                used.insert(candidate.clone());
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[index].0 {
                    *id = Some(CowStr::from(candidate.clone()));
                }
                candidate
            }
        };
        let (line, column) = position(start);
        headings.push(Heading {
            level,
            id,
            text,
            line,
            column,
        });
    }
    headings
}

/// Rewrite internal links to their targets' URLs and record them for checking.
fn resolve_links(
    events: &mut [(Event<'_>, Range<usize>)],
    position: &dyn Fn(usize) -> (usize, usize),
    input: &Input<'_>,
    out: &mut Rendered,
) {
    for (event, range) in events.iter_mut() {
        let dest_url = match event {
            // `<editors@example.org>` keeps its bare address; the writer adds `mailto:`.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => continue,
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        let resolution = (input.resolve)(dest_url);
        out.resolutions
            .push((dest_url.to_string(), resolution.clone()));
        match resolution {
            Resolution::Unchanged => {}
            Resolution::Internal { href, target } => {
                let (line, column) = position(range.start);
                out.links.push(LinkRecord {
                    line,
                    column,
                    written: dest_url.to_string(),
                    target,
                });
                *dest_url = CowStr::from(href);
            }
            Resolution::Broken {
                code,
                message,
                hint,
            } => {
                let (line, column) = position(range.start);
                let text = body_line_text(input.body, input.body_line, line).unwrap_or("");
                let width =
                    (range.end - range.start).min(text.chars().count().saturating_sub(column - 1));
                out.diagnostics.push(
                    Diagnostic::error(code, format!("broken link: {message}"))
                        .at(Location::new(input.display_path, line, column))
                        .snippet(text, width)
                        .maybe_hint(hint),
                );
            }
        }
    }
}

/// The events of the summary: up to `<!-- more -->`, or the first paragraph.
fn summary_slice<'e, 'a>(
    events: &'e [(Event<'a>, Range<usize>)],
) -> &'e [(Event<'a>, Range<usize>)] {
    let mut depth = 0usize;
    let mut first_paragraph: Option<(usize, usize)> = None;
    let mut paragraph_start = None;
    for (index, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Html(html) if depth == 1 && html.trim() == MORE_MARKER => {
                // The marker sits inside an HTML block that starts one event earlier.
                return &events[..index.saturating_sub(1)];
            }
            Event::Start(tag) => {
                if depth == 0 && matches!(tag, Tag::Paragraph) && first_paragraph.is_none() {
                    paragraph_start = Some(index);
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && matches!(end, TagEnd::Paragraph) {
                    if let Some(start) = paragraph_start.take() {
                        first_paragraph.get_or_insert((start, index + 1));
                    }
                }
            }
            _ => {}
        }
    }
    match first_paragraph {
        Some((start, end)) => &events[start..end],
        None => &[],
    }
}

/// Turns parser events into the events actually rendered.
struct Emitter<'r> {
    highlighter: &'r Highlighter,
    headings: &'r [Heading],
    footnotes: &'r Footnotes,
    /// The page body (true) or a summary, which drops anchors and footnotes.
    full: bool,
    heading_index: usize,
    table_count: usize,
    reference_counts: FastMap<String, usize>,
    /// Rendered footnote definitions, by number.
    footnote_bodies: FastMap<usize, String>,
    text: String,
    highlighted: bool,
}

impl Emitter<'_> {
    fn emit<'a>(&mut self, events: &[(Event<'a>, Range<usize>)]) -> Vec<Event<'a>> {
        let mut stream = Vec::with_capacity(events.len() + 8);
        let mut i = 0;
        while i < events.len() {
            let event = &events[i].0;
            match event {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let id = if self.full { id.clone() } else { None };
                    stream.push(Event::Start(Tag::Heading {
                        level: *level,
                        id,
                        classes: classes.clone(),
                        attrs: attrs.clone(),
                    }));
                }
                Event::End(TagEnd::Heading(level)) => {
                    if self.full {
                        if let Some(heading) = self.headings.get(self.heading_index) {
                            stream.push(Event::InlineHtml(CowStr::from(anchor_html(heading))));
                        }
                    }
                    self.heading_index += 1;
                    stream.push(Event::End(TagEnd::Heading(*level)));
                    self.text.push('\n');
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = matching_end(events, i);
                    let mut code = String::new();
                    for (inner, _) in &events[i + 1..end] {
                        if let Event::Text(text) = inner {
                            code.push_str(text);
                        }
                    }
                    // Highlighted spans go inside pulldown-cmark's own <pre><code>,
                    // so the wrapper stays exactly as CommonMark renders it.
                    if let Some(highlighted) = self.highlight(kind, &code) {
                        stream.push(event.clone());
                        stream.push(Event::Html(CowStr::from(highlighted.to_string())));
                        stream.push(Event::End(TagEnd::CodeBlock));
                    } else {
                        stream.extend(events[i..=end].iter().map(|(e, _)| e.clone()));
                    }
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Table(_)) => {
                    self.table_count += 1;
                    let wrapper = format!(
                        "<div class=\"table-wrap\" role=\"group\" aria-label=\"Table {}\" tabindex=\"0\">\n",
                        self.table_count
                    );
                    stream.push(Event::Html(CowStr::from(wrapper)));
                    stream.push(event.clone());
                }
                Event::End(TagEnd::Table) => {
                    stream.push(event.clone());
                    stream.push(Event::Html(CowStr::Borrowed("</div>\n")));
                }
                Event::FootnoteReference(label) => {
                    if self.full {
                        let number = self.footnotes.number_of(label);
                        let count = self.reference_counts.entry(label.to_string()).or_default();
                        *count += 1;
                        stream.push(Event::InlineHtml(CowStr::from(format!(
                            "<sup class=\"footnote-ref\"><a href=\"#fn-{number}\" id=\"{}\" aria-describedby=\"footnotes-heading\">{number}</a></sup>",
                            reference_id(number, *count)
                        ))));
                    }
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let end = matching_end(events, i);
                    if self.full {
                        let number = self.footnotes.number_of(label);
                        let inner = self.emit(&events[i + 1..end]);
                        let mut body = String::new();
                        pulldown_cmark::html::push_html(&mut body, inner.into_iter());
                        self.footnote_bodies.insert(number, body);
                    }
                    i = end + 1;
                    continue;
                }
                Event::Text(text) | Event::Code(text) => {
                    self.text.push_str(text);
                    stream.push(event.clone());
                }
                Event::SoftBreak | Event::HardBreak => {
                    self.text.push(' ');
                    stream.push(event.clone());
                }
                Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                    self.text.push('\n');
                    stream.push(event.clone());
                }
                _ => stream.push(event.clone()),
            }
            i += 1;
        }
        stream
    }

    /// Highlighted HTML for a fenced block in a known language.
    fn highlight(&mut self, kind: &CodeBlockKind<'_>, code: &str) -> Option<std::sync::Arc<str>> {
        let CodeBlockKind::Fenced(info) = kind else {
            return None;
        };
        let language = info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or("");
        if language.is_empty() {
            return None;
        }
        let highlighted = self.highlighter.highlight(language, code)?;
        self.highlighted = true;
        Some(highlighted)
    }

    fn append_footnotes(&mut self, html: &mut String) {
        if self.footnote_bodies.is_empty() {
            return;
        }
        let mut numbers: Vec<&usize> = self.footnote_bodies.keys().collect();
        numbers.sort();
        // One pass: asking per footnote was quadratic (50,000 notes took 40 s).
        let referenced: FastSet<usize> = self
            .footnotes
            .numbers
            .iter()
            .filter(|(label, _)| self.footnotes.references.contains_key(*label))
            .map(|(_, n)| *n)
            .collect();
        html.push_str("<section class=\"footnotes\" id=\"footnotes\" aria-labelledby=\"footnotes-heading\">\n<h2 id=\"footnotes-heading\" class=\"visually-hidden\">Footnotes</h2>\n<ol>\n");
        for number in numbers {
            let body = &self.footnote_bodies[number];
            let back = if referenced.contains(number) {
                format!(
                    " <a href=\"#fnref-{number}\" class=\"footnote-back\" aria-label=\"Back to reference {number}\">↩</a>"
                )
            } else {
                String::new()
            };
            html.push_str(&format!("<li id=\"fn-{number}\">\n"));
            match body.trim_end().strip_suffix("</p>") {
                Some(open) => {
                    html.push_str(open);
                    html.push_str(&back);
                    html.push_str("</p>\n");
                }
                None => {
                    html.push_str(body);
                    html.push_str(&back);
                }
            }
            html.push_str("</li>\n");
        }
        html.push_str("</ol>\n</section>\n");
    }
}

/// Index of the `End` that closes the `Start` at `start`.
fn matching_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (index, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// The link shown beside a heading when it is hovered or focused.
fn anchor_html(heading: &Heading) -> String {
    format!(
        "<a class=\"heading-anchor\" href=\"#{}\" aria-label=\"Link to this section: {}\"><span aria-hidden=\"true\">#</span></a>",
        escape(&heading.id),
        escape(&heading.text)
    )
}

#[cfg(test)]
mod tests;
