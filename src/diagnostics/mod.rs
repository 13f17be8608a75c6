//! Located errors and warnings: what every stage reports, and how they print.
//!
//! A [`Diagnostic`] names a file, line and column, says what is wrong and,
//! where it helps, how to fix it. Stages never stop at the first problem: they
//! push diagnostics into a list and carry on, so one run reports everything.

mod render;
mod suggest;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use render::{Palette, Verbosity, render_all, render_diagnostic};
pub use suggest::{closest, did_you_mean};

/// How serious a finding is. Warnings never fail a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// What went wrong, as a stable identifier.
///
/// Tests and machine-readable output match on this, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A file could not be read or written.
    Io,
    /// A content file is not valid UTF-8.
    InvalidUtf8,
    /// A content file is larger than signposter reads.
    FileTooLarge,
    /// A `.md` file holds binary data.
    BinaryFile,
    /// A content file is empty.
    EmptyFile,
    /// A page does not start with a `---` front matter block.
    MissingFrontMatter,
    /// The front matter block has no closing `---`.
    UnclosedFrontMatter,
    /// YAML that does not parse.
    YamlSyntax,
    /// A key that is not allowed here.
    UnknownField,
    /// A required key is missing.
    MissingField,
    /// A value of the wrong type or out of range.
    InvalidValue,
    /// A date that is malformed or does not exist.
    InvalidDate,
    /// A value not in a field's list of allowed values.
    NotAllowedValue,
    /// A slug, alias or path that is unsafe or malformed.
    InvalidPath,
    /// Two sources would write the same output file.
    UrlCollision,
    /// Two pages claim the same alias.
    AliasCollision,
    /// An internal link whose target is not built.
    BrokenLink,
    /// A link to an anchor that the target page does not have.
    BrokenAnchor,
    /// An id that appears twice on one page.
    DuplicateId,
    /// A template that does not parse or fails while rendering.
    Template,
    /// A template that is needed but does not exist.
    MissingTemplate,
    /// `site.yml` names a theme that does not exist.
    UnknownTheme,
    /// The output folder is unsafe to write to.
    OutputRefused,
    /// A file in the output folder that signposter did not write is in the way.
    OutputConflict,
    /// A page was skipped or an input ignored, for information.
    Skipped,
    /// `signposter check`: a page no other page links to.
    OrphanPage,
    /// `signposter check --external`: an external link that fails.
    ExternalLink,
    /// `signposter check`: an image without real alt text.
    ImageAlt,
    /// `signposter check`: link text that does not say where the link goes.
    LinkText,
    /// `signposter check`: a heading that skips a level.
    HeadingOrder,
    /// `signposter check`: a second top-level heading.
    SingleH1,
    /// `signposter check`: a table without a header row.
    TableHeader,
    /// `signposter check`: a link with no text at all.
    EmptyLink,
    /// `signposter check`: a page past its review date.
    ReviewOverdue,
    /// `signposter check`: a page due for review soon.
    ReviewDueSoon,
    /// `signposter check`: a reviewed page that does not say who reviewed it.
    ReviewerMissing,
    /// `signposter check`: a link to a PDF that does not say so, or how big it is.
    PdfLinkLabel,
    /// `signposter check`: a page that is hard to read.
    ReadingEase,
    /// `signposter check`: two pages with the same title.
    DuplicateTitle,
    /// `signposter check`: two pages with the same description.
    DuplicateDescription,
    /// `signposter check`: a rule was turned off in a way that cannot work.
    CheckConfig,
}

impl Code {
    /// Every code, for looking one up by its id.
    pub const ALL: &'static [Code] = &[
        Code::Io,
        Code::InvalidUtf8,
        Code::BinaryFile,
        Code::EmptyFile,
        Code::FileTooLarge,
        Code::MissingFrontMatter,
        Code::UnclosedFrontMatter,
        Code::YamlSyntax,
        Code::UnknownField,
        Code::MissingField,
        Code::InvalidValue,
        Code::InvalidDate,
        Code::NotAllowedValue,
        Code::InvalidPath,
        Code::UrlCollision,
        Code::AliasCollision,
        Code::BrokenLink,
        Code::BrokenAnchor,
        Code::DuplicateId,
        Code::Template,
        Code::MissingTemplate,
        Code::UnknownTheme,
        Code::OutputRefused,
        Code::OutputConflict,
        Code::Skipped,
        Code::OrphanPage,
        Code::ExternalLink,
        Code::ImageAlt,
        Code::LinkText,
        Code::HeadingOrder,
        Code::SingleH1,
        Code::TableHeader,
        Code::EmptyLink,
        Code::ReviewOverdue,
        Code::ReviewDueSoon,
        Code::ReviewerMissing,
        Code::PdfLinkLabel,
        Code::ReadingEase,
        Code::DuplicateTitle,
        Code::DuplicateDescription,
        Code::CheckConfig,
    ];

    /// The code with this id, e.g. `broken-link`.
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.id() == id)
    }

    /// The identifier used in reports and JSON, e.g. `broken-link`.
    pub fn id(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::InvalidUtf8 => "invalid-utf8",
            Code::BinaryFile => "binary-file",
            Code::EmptyFile => "empty-file",
            Code::FileTooLarge => "file-too-large",
            Code::MissingFrontMatter => "missing-front-matter",
            Code::UnclosedFrontMatter => "unclosed-front-matter",
            Code::YamlSyntax => "yaml-syntax",
            Code::UnknownField => "unknown-field",
            Code::MissingField => "missing-field",
            Code::InvalidValue => "invalid-value",
            Code::InvalidDate => "invalid-date",
            Code::NotAllowedValue => "not-allowed-value",
            Code::InvalidPath => "invalid-path",
            Code::UrlCollision => "url-collision",
            Code::AliasCollision => "alias-collision",
            Code::BrokenLink => "broken-link",
            Code::BrokenAnchor => "broken-anchor",
            Code::DuplicateId => "duplicate-id",
            Code::Template => "template",
            Code::MissingTemplate => "missing-template",
            Code::UnknownTheme => "unknown-theme",
            Code::OutputRefused => "output-refused",
            Code::OutputConflict => "output-conflict",
            Code::Skipped => "skipped",
            Code::OrphanPage => "orphan-page",
            Code::ExternalLink => "external-link",
            Code::ImageAlt => "image-alt",
            Code::LinkText => "link-text",
            Code::HeadingOrder => "heading-order",
            Code::SingleH1 => "single-h1",
            Code::TableHeader => "table-header",
            Code::EmptyLink => "empty-link",
            Code::ReviewOverdue => "review-overdue",
            Code::ReviewDueSoon => "review-due-soon",
            Code::ReviewerMissing => "reviewer-missing",
            Code::PdfLinkLabel => "pdf-link-label",
            Code::ReadingEase => "reading-ease",
            Code::DuplicateTitle => "duplicate-title",
            Code::DuplicateDescription => "duplicate-description",
            Code::CheckConfig => "check-config",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A position in a file. Lines and columns count from 1; 0 means unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The path as the editor knows it: relative to the site root where possible.
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            path: path.into(),
            line,
            column,
        }
    }

    /// A whole file, with no particular line.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location::new(path, 0, 0)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        Ok(())
    }
}

/// The source line shown under a message, with the span to underline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// How many characters to underline from the diagnostic's column.
    pub width: usize,
}

/// One finding: a located message with an optional fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub location: Option<Location>,
    pub message: String,
    pub hint: Option<String>,
    pub snippet: Option<Snippet>,
    /// Further places involved, such as the other file in a collision.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, code, message)
    }

    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            location: None,
            message: message.into(),
            hint: None,
            snippet: None,
            notes: Vec::new(),
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn in_file(self, path: impl Into<PathBuf>) -> Self {
        self.at(Location::file(path))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        if hint.is_some() {
            self.hint = hint;
        }
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Show `line_text` under the message, underlining `width` characters.
    pub fn snippet(mut self, line_text: impl Into<String>, width: usize) -> Self {
        self.snippet = Some(Snippet {
            text: line_text.into(),
            width: width.max(1),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn path(&self) -> Option<&Path> {
        self.location.as_ref().map(|l| l.path.as_path())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_diagnostic(self, Palette::plain()))
    }
}

/// Every finding of one run, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Order by file, line and column so output is stable across parallel runs.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            a.location
                .cmp(&b.location)
                .then(b.severity.cmp(&a.severity))
                .then(a.message.cmp(&b.message))
        });
        self.items.dedup();
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics {
            items: vec![diagnostic],
        }
    }
}

/// Start offsets of every line of a text, for turning many byte offsets into
/// line and column quickly.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// Line and column (from 1, columns in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

/// Line and column (both from 1) of a byte offset in `text`.
///
/// Columns count characters, not bytes, so carets line up under non-ASCII text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The text of line `line` (from 1) of `text`, without its line ending.
pub fn line_text(text: &str, line: usize) -> Option<&str> {
    if line == 0 {
        return None;
    }
    text.split('\n')
        .nth(line - 1)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// The text of file line `file_line` when `body` starts on file line `body_line`.
pub fn body_line_text(body: &str, body_line: usize, file_line: usize) -> Option<&str> {
    file_line
        .checked_sub(body_line)
        .and_then(|n| line_text(body, n + 1))
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_and_found_by_its_id() {
        for code in Code::ALL {
            assert_eq!(Code::from_id(code.id()), Some(*code));
        }
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Code::ALL.len());
        // A new variant must be added to ALL: this match stops compiling otherwise.
        match Code::Io {
            Code::Io
            | Code::InvalidUtf8
            | Code::BinaryFile
            | Code::EmptyFile
            | Code::FileTooLarge
            | Code::MissingFrontMatter
            | Code::UnclosedFrontMatter
            | Code::YamlSyntax
            | Code::UnknownField
            | Code::MissingField
            | Code::InvalidValue
            | Code::InvalidDate
            | Code::NotAllowedValue
            | Code::InvalidPath
            | Code::UrlCollision
            | Code::AliasCollision
            | Code::BrokenLink
            | Code::BrokenAnchor
            | Code::DuplicateId
            | Code::Template
            | Code::MissingTemplate
            | Code::UnknownTheme
            | Code::OutputRefused
            | Code::OutputConflict
            | Code::Skipped
            | Code::OrphanPage
            | Code::ExternalLink
            | Code::ImageAlt
            | Code::LinkText
            | Code::HeadingOrder
            | Code::SingleH1
            | Code::TableHeader
            | Code::EmptyLink
            | Code::ReviewOverdue
            | Code::ReviewDueSoon
            | Code::ReviewerMissing
            | Code::PdfLinkLabel
            | Code::ReadingEase
            | Code::DuplicateTitle
            | Code::DuplicateDescription
            | Code::CheckConfig => {}
        }
    }

    #[test]
    fn line_col_counts_from_one_and_counts_characters() {
        let text = "ab\ncdé f\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'f' sits after a two-byte character.
        let f = text.find('f').unwrap();
        assert_eq!(line_col(text, f), (2, 5));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "a\nbé c\n\nd";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            if text.is_char_boundary(offset) {
                assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
            }
        }
    }

    #[test]
    fn line_text_strips_carriage_returns() {
        assert_eq!(line_text("a\r\nb\r\n", 2), Some("b"));
        assert_eq!(line_text("a", 3), None);
    }

    #[test]
    fn sort_orders_by_location_and_removes_exact_duplicates() {
        let mut all = Diagnostics::new();
        let d = |path: &str, line| {
            Diagnostic::error(Code::BrokenLink, "x").at(Location::new(path, line, 1))
        };
        all.push(d("b.md", 1));
        all.push(d("a.md", 9));
        all.push(d("a.md", 2));
        all.push(d("a.md", 2));
        all.sort();
        let order: Vec<_> = all
            .iter()
            .map(|d| d.location.clone().unwrap().to_string())
            .collect();
        assert_eq!(order, ["a.md:2:1", "a.md:9:1", "b.md:1:1"]);
    }
}
