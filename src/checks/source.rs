//! Checks of one page's Markdown source: image alt text, link text, empty
//! links, heading levels, table header rows and PDF labels. The walk also
//! gathers what the site-wide checks need: external links and the prose that
//! reading ease is measured on.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, LineIndex, Location, body_line_text};

use super::prose::Prose;
use super::rules;
use crate::diagnostics::Code;

/// A page's or section's Markdown, and where it sits in its file.
pub struct Source<'a> {
    pub display_path: &'a Path,
    pub body: &'a str,
    /// File line on which the body starts.
    pub body_line: usize,
}

/// A link to another site, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub location: Location,
}

/// What the walk over one source found.
#[derive(Debug, Default)]
pub struct Inspection {
    pub findings: Vec<Diagnostic>,
    pub external_links: Vec<ExternalLink>,
    pub prose: Prose,
}

/// Link texts that do not say where a link goes, compared after lowercasing
/// and trimming punctuation.
const VAGUE_LINK_TEXTS: &[&str] = &[
    "here",
    "click here",
    "click",
    "tap here",
    "go here",
    "see here",
    "read more",
    "read more here",
    "more",
    "more here",
    "more info",
    "more information",
    "learn more",
    "find out more",
    "details",
    "this",
    "this page",
    "this link",
    "this website",
    "this site",
    "link",
    "page",
    "website",
    "continue",
];

/// An open link or image while walking its contents.
struct Open {
    is_image: bool,
    destination: String,
    autolink: bool,
    email: bool,
    start: usize,
    /// Visible text, including the alt text of images inside a link.
    text: String,
}

pub fn inspect(source: &Source<'_>) -> Inspection {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let lines = LineIndex::new(source.body);
    let mut walk = Walk {
        source,
        lines: &lines,
        inspection: Inspection::default(),
    };
    let mut open: Vec<Open> = Vec::new();
    let mut previous_heading = 1u8;
    let mut header_cells: Option<(usize, Vec<String>)> = None;
    let mut table_start = 0;
    // Prose is the text of paragraphs and list items outside tables and code.
    let mut block_text = String::new();
    let mut skip_prose = 0usize;

    for (event, range) in Parser::new_ext(source.body, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                walk.heading(level_number(level), previous_heading, range.clone());
                previous_heading = level_number(level);
                skip_prose += 1;
            }
            Event::End(TagEnd::Heading(_)) => skip_prose -= 1,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => open.push(Open {
                is_image: false,
                destination: dest_url.to_string(),
                autolink: matches!(link_type, LinkType::Autolink | LinkType::Email),
                email: matches!(link_type, LinkType::Email) || dest_url.starts_with("mailto:"),
                start: range.start,
                text: String::new(),
            }),
            Event::Start(Tag::Image { dest_url, .. }) => open.push(Open {
                is_image: true,
                destination: dest_url.to_string(),
                autolink: false,
                email: false,
                start: range.start,
                text: String::new(),
            }),
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if let Some(done) = open.pop() {
                    let span = done.start..range.end;
                    if done.is_image {
                        walk.image(&done, span);
                        // An image's alt text is the text of a link around it.
                        if let Some(outer) = open.last_mut() {
                            outer.text.push_str(&done.text);
                        }
                    } else {
                        walk.link(&done, span);
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => {
                for item in open.iter_mut() {
                    item.text.push_str(&text);
                }
                if let Some((_, cells)) = header_cells.as_mut() {
                    if let Some(cell) = cells.last_mut() {
                        cell.push_str(&text);
                    }
                }
                if skip_prose == 0 {
                    block_text.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => block_text.push(' '),
            Event::Start(Tag::Table(_)) => {
                table_start = range.start;
                skip_prose += 1;
            }
            Event::End(TagEnd::Table) => skip_prose -= 1,
            Event::Start(Tag::TableHead) => header_cells = Some((table_start, Vec::new())),
            Event::Start(Tag::TableCell) => {
                if let Some((_, cells)) = header_cells.as_mut() {
                    cells.push(String::new());
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some((start, cells)) = header_cells.take() {
                    if cells.iter().all(|c| c.trim().is_empty()) {
                        walk.headerless_table(start..start + 1);
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => skip_prose += 1,
            Event::End(TagEnd::CodeBlock) => skip_prose -= 1,
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                walk.inspection.prose.add_block(&block_text);
                block_text.clear();
            }
            Event::Html(html) | Event::InlineHtml(html) => walk.raw_html(&html, range),
            _ => {}
        }
    }
    walk.inspection
}

struct Walk<'a> {
    source: &'a Source<'a>,
    lines: &'a LineIndex<'a>,
    inspection: Inspection,
}

impl Walk<'_> {
    fn location(&self, offset: usize) -> Location {
        let (line, column) = self.lines.line_col(offset);
        Location::new(
            self.source.display_path,
            line + self.source.body_line - 1,
            column,
        )
    }

    /// A finding of `code` over `span` of the body, shown under the message.
    fn report(&mut self, code: Code, span: Range<usize>, message: String, hint: &str) {
        let severity =
            rules::for_code(code).map_or(crate::diagnostics::Severity::Warning, |r| r.severity);
        let location = self.location(span.start);
        let mut diagnostic = Diagnostic::new(severity, code, message).hint(hint);
        if let Some(text) = body_line_text(self.source.body, self.source.body_line, location.line) {
            let span_text = &self.source.body[span.clone()];
            let width = span_text.lines().next().unwrap_or("").chars().count();
            diagnostic = diagnostic.snippet(text, width);
        }
        self.inspection.findings.push(diagnostic.at(location));
    }

    fn heading(&mut self, level: u8, previous: u8, span: Range<usize>) {
        if level == 1 {
            self.report(
                Code::SingleH1,
                span,
                "a `#` heading: the page title is already the page's top-level heading".into(),
                "start the page's own headings at `##`",
            );
        } else if level > previous + 1 {
            let skipped = (previous + 1..level)
                .map(|l| format!("h{l}"))
                .collect::<Vec<_>>()
                .join(" and ");
            self.report(
                Code::HeadingOrder,
                span,
                format!("this h{level} follows an h{previous}, skipping {skipped}"),
                &format!(
                    "use `{}` here, so headings go down one level at a time",
                    "#".repeat(usize::from(previous) + 1)
                ),
            );
        }
    }

    fn image(&mut self, image: &Open, span: Range<usize>) {
        let alt = image.text.trim();
        if alt.is_empty() {
            self.report(
                Code::ImageAlt,
                span,
                "this image has no alt text".into(),
                "describe what the image shows for people who cannot see it: `![What it shows](file.png)`",
            );
        } else if looks_like_file_name(alt) {
            self.report(
                Code::ImageAlt,
                span,
                format!("the alt text `{alt}` is a file name, not a description"),
                "describe what the image shows for people who cannot see it",
            );
        }
    }

    fn link(&mut self, link: &Open, span: Range<usize>) {
        let text = link.text.trim();
        let destination = link.destination.as_str();
        if is_external(destination) {
            let location = self.location(span.start);
            self.inspection.external_links.push(ExternalLink {
                url: destination.to_string(),
                location,
            });
        }
        if text.is_empty() {
            self.report(
                Code::EmptyLink,
                span,
                "this link has no text, so screen readers announce it only as \"link\"".into(),
                "put words in the brackets that say where the link goes: `[The Balint Society](…)`",
            );
            return;
        }
        let normal = normalise(text);
        let is_email = link.email;
        if VAGUE_LINK_TEXTS.contains(&normal.as_str()) {
            self.report(
                Code::LinkText,
                span.clone(),
                format!("the link text \"{text}\" does not say where the link goes"),
                "use words that make sense on their own, such as the page's title: `[Interpreters](…)`",
            );
        } else if !is_email && (link.autolink || is_bare_url(&normal, destination)) {
            self.report(
                Code::LinkText,
                span.clone(),
                format!("the link text is a bare web address: {text}"),
                "name what is at the address: `[The Balint Society](https://…)`; addresses are printed when the page is",
            );
        }
        if is_pdf(destination) && !has_pdf_label(text) {
            self.report(
                Code::PdfLinkLabel,
                span,
                format!("this link opens a PDF, but its text \"{text}\" does not say so"),
                "add the format and size to the link text, e.g. `[Guidance (PDF, 240 KB)](…)`",
            );
        }
    }

    fn headerless_table(&mut self, span: Range<usize>) {
        self.report(
            Code::TableHeader,
            span,
            "this table's header row is empty, so its columns have no names".into(),
            "name each column in the first row: `| Format | Cost |`",
        );
    }

    /// Images and tables written as HTML rather than Markdown.
    fn raw_html(&mut self, html: &str, span: Range<usize>) {
        let lower = html.to_ascii_lowercase();
        for (at, _) in lower.match_indices("<img") {
            let tag_end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
            let tag = &lower[at..tag_end];
            if !has_attribute(tag, "alt") {
                let start = span.start + at;
                self.report(
                    Code::ImageAlt,
                    start..span.start + tag_end,
                    "this <img> has no alt attribute".into(),
                    "add alt=\"…\" describing the image, or alt=\"\" if it is only decoration",
                );
            }
        }
        if lower.contains("<table") && !lower.contains("<th") {
            let at = lower.find("<table").unwrap_or(0);
            self.report(
                Code::TableHeader,
                span.start + at..span.start + at + 6,
                "this HTML table has no header cells (<th>)".into(),
                "make the first row's cells <th> so screen readers can name the columns",
            );
        }
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Lowercase, single-spaced, without surrounding punctuation or quotes.
fn normalise(text: &str) -> String {
    crate::text::collapse_whitespace(text, usize::MAX)
        .to_lowercase()
        .trim_matches(|c: char| {
            c.is_ascii_punctuation() || matches!(c, '“' | '”' | '‘' | '’' | '…')
        })
        .trim()
        .to_string()
}

fn is_external(destination: &str) -> bool {
    destination.starts_with("http://") || destination.starts_with("https://")
}

fn is_bare_url(normal: &str, destination: &str) -> bool {
    normal.starts_with("http://")
        || normal.starts_with("https://")
        || normal.starts_with("www.")
        || (!destination.is_empty() && normal == destination.to_lowercase())
}

fn is_pdf(destination: &str) -> bool {
    let path = destination.split(['?', '#']).next().unwrap_or(destination);
    path.to_ascii_lowercase().ends_with(".pdf")
}

/// Whether link text names the PDF format and a size, like "(PDF, 1.2 MB)".
fn has_pdf_label(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("pdf") && has_file_size(&lower)
}

fn has_file_size(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_ascii_digit() || bytes[j] == b'.' || bytes[j] == b',')
            {
                j += 1;
            }
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            let rest = &lower[j..];
            if ["kb", "mb", "gb", "kib", "mib", "bytes"]
                .iter()
                .any(|unit| rest.starts_with(unit))
            {
                return true;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    false
}

/// `IMG_2041.jpg`, `chart.png`, `photo-1` and the like.
fn looks_like_file_name(alt: &str) -> bool {
    const IMAGE_EXTENSIONS: &[&str] = &[
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".tif", ".tiff",
    ];
    let lower = alt.to_lowercase();
    if !lower.contains(' ') && IMAGE_EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    // Camera and screenshot names: IMG_1234, DSC01234, Screenshot 2024-01-01 at 10.00.00.
    let camera = ["img_", "img-", "dsc", "dscn", "pxl_", "screenshot"];
    camera.iter().any(|p| lower.starts_with(p))
        && lower.chars().filter(char::is_ascii_digit).count() >= 3
}

fn has_attribute(tag: &str, name: &str) -> bool {
    tag.split(|c: char| c.is_whitespace() || c == '/')
        .any(|part| part == name || part.starts_with(&format!("{name}=")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(body: &str) -> Vec<(Code, usize, usize)> {
        let source = Source {
            display_path: Path::new("content/a.md"),
            body,
            body_line: 4,
        };
        inspect(&source)
            .findings
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                (d.code, l.line, l.column)
            })
            .collect()
    }

    fn codes(body: &str) -> Vec<Code> {
        findings(body).into_iter().map(|(c, _, _)| c).collect()
    }

    #[test]
    fn images_need_alt_text_that_is_not_a_file_name() {
        assert_eq!(
            findings("Text.\n\n![](chart.png)\n"),
            [(Code::ImageAlt, 6, 1)]
        );
        assert_eq!(codes("![IMG_2041.jpg](a.jpg)"), [Code::ImageAlt]);
        assert_eq!(codes("![chart.png](a.png)"), [Code::ImageAlt]);
        assert_eq!(codes("<img src=\"a.png\">"), [Code::ImageAlt]);
        // Near misses.
        assert!(codes("![Bar chart of 2024 attendance](a.png)").is_empty());
        assert!(codes("![A chart showing the png export](a.png)").is_empty());
        assert!(
            codes("<img src=\"a.png\" alt=\"\">").is_empty(),
            "decorative"
        );
    }

    #[test]
    fn link_text_must_say_where_it_goes() {
        assert_eq!(
            findings("For dates, [click here](/a/)."),
            [(Code::LinkText, 4, 12)]
        );
        assert_eq!(codes("[Read more…](/a/)"), [Code::LinkText]);
        assert_eq!(codes("[This page](/a/)"), [Code::LinkText]);
        assert_eq!(
            codes("[https://example.org/a](https://example.org/a)"),
            [Code::LinkText]
        );
        assert_eq!(codes("<https://example.org/a>"), [Code::LinkText]);
        // Near misses: "here" inside longer descriptive text, email addresses.
        assert!(codes("[Find the group's dates here](/a/)").is_empty());
        assert!(codes("[More about Balint groups](/a/)").is_empty());
        assert!(codes("<editors@example.org>").is_empty());
        assert!(codes("[editors@example.org](mailto:editors@example.org)").is_empty());
    }

    #[test]
    fn empty_links_are_errors_but_image_links_with_alt_are_fine() {
        assert_eq!(codes("[](https://example.org/)"), [Code::EmptyLink]);
        assert!(codes("[![The Balint Society logo](logo.png)](https://example.org/)").is_empty());
    }

    #[test]
    fn headings_go_down_one_level_at_a_time_and_h1_is_the_title() {
        assert_eq!(findings("## A\n\n#### B\n"), [(Code::HeadingOrder, 6, 1)]);
        assert_eq!(codes("# Title again\n"), [Code::SingleH1]);
        assert_eq!(codes("### Straight to h3\n"), [Code::HeadingOrder]);
        // Near miss: going back up any number of levels is fine.
        assert!(codes("## A\n### B\n#### C\n## D\n").is_empty());
    }

    #[test]
    fn tables_need_a_header_row() {
        assert_eq!(
            codes("|   |   |\n|---|---|\n| a | b |\n"),
            [Code::TableHeader]
        );
        assert_eq!(
            codes("<table><tr><td>a</td></tr></table>\n"),
            [Code::TableHeader]
        );
        assert!(codes("| Format | Cost |\n|---|---|\n| a | b |\n").is_empty());
        assert!(
            codes("| Format |   |\n|---|---|\n| a | b |\n").is_empty(),
            "one named column"
        );
        assert!(codes("<table><tr><th>a</th></tr></table>\n").is_empty());
    }

    #[test]
    fn pdf_links_say_format_and_size() {
        assert_eq!(codes("[Guidance](/files/g.pdf)"), [Code::PdfLinkLabel]);
        assert_eq!(
            codes("[Guidance (PDF)](/files/g.PDF?download=1)"),
            [Code::PdfLinkLabel]
        );
        assert!(codes("[Guidance (PDF, 240 KB)](/files/g.pdf)").is_empty());
        assert!(codes("[Guidance (PDF, 1.2MB)](/files/g.pdf)").is_empty());
        assert!(codes("[Guidance](/files/g.pdfs/)").is_empty());
    }

    #[test]
    fn external_links_are_gathered_with_their_places() {
        let source = Source {
            display_path: Path::new("content/a.md"),
            body: "See [the society](https://example.org/x) and [us](/about/).\n",
            body_line: 3,
        };
        let links = inspect(&source).external_links;
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].url, "https://example.org/x");
        assert_eq!((links[0].location.line, links[0].location.column), (3, 5));
    }

    #[test]
    fn prose_leaves_out_code_tables_and_headings() {
        let source = Source {
            display_path: Path::new("content/a.md"),
            body: "## A heading\n\nOne short sentence. Another one.\n\n```\nlet x = 1;\n```\n\n| A | B |\n|---|---|\n| c | d |\n\n- An item\n",
            body_line: 1,
        };
        let prose = inspect(&source).prose;
        assert_eq!(prose.sentences, 3);
        assert_eq!(prose.words, 7);
    }
}
