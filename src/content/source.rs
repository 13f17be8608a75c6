//! Reading a content file as text: binary, invalid UTF-8, empty, oversized
//! and unreadable files become located errors; a BOM and CRLF endings are accepted.

use std::cell::OnceCell;
use std::io::Read;
use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Location, body_line_text, line_col, line_text};

use super::SourceFile;

/// Where a message about a content file finds the line it quotes.
#[derive(Debug)]
pub struct SourceLines<'a> {
    pub file: &'a SourceFile,
    /// The body as read, or empty once a build that runs once let it go.
    body: &'a str,
    /// File line on which `body` starts.
    body_line: usize,
    /// Hash of the file's bytes when it was read.
    source_hash: u64,
    /// The file read again for a body let go of, once for all its quotes:
    /// `None` if it changed since or cannot be read.
    reread: OnceCell<Option<String>>,
}

impl<'a> SourceLines<'a> {
    pub fn new(file: &'a SourceFile, body: &'a str, body_line: usize, source_hash: u64) -> Self {
        SourceLines {
            file,
            body,
            body_line,
            source_hash,
            reread: OnceCell::new(),
        }
    }

    /// The text of file line `file_line`, if it is in the body. A body let go
    /// of is read from disk again, and only if the file is still the one
    /// that was built: a quote from an edited file would point at the wrong
    /// text.
    pub fn line(&self, file_line: usize) -> Option<&str> {
        if !self.body.is_empty() {
            return body_line_text(self.body, self.body_line, file_line);
        }
        if file_line < self.body_line {
            return None;
        }
        let text = self.reread.get_or_init(|| self.read_again()).as_deref()?;
        line_text(text, file_line)
    }

    fn read_again(&self) -> Option<String> {
        let display = &self.file.display_path;
        let bytes = read(&self.file.abs, display).ok()?;
        if super::hash_bytes(&bytes) != self.source_hash {
            return None;
        }
        decode(bytes, display).ok()
    }
}

pub fn io_error(display: &Path, error: &std::io::Error) -> Diagnostic {
    let hint = match error.kind() {
        std::io::ErrorKind::PermissionDenied => {
            Some("check the file's permissions: signposter needs to read it".to_string())
        }
        std::io::ErrorKind::NotFound => {
            Some("the file disappeared while the site was being read; run again".to_string())
        }
        _ => None,
    };
    Diagnostic::error(Code::Io, format!("cannot read file: {error}"))
        .in_file(display)
        .maybe_hint(hint)
}

/// The largest content file signposter reads: far beyond any page a reader
/// could use, and small enough that a stray export or log file cannot
/// exhaust memory.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// Read a content file, refusing one over [`MAX_SOURCE_BYTES`] without
/// reading more than that (it may still be growing).
pub fn read(path: &Path, display: &Path) -> Result<Vec<u8>, Diagnostic> {
    let file = std::fs::File::open(path).map_err(|e| io_error(display, &e))?;
    let expected = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.min(MAX_SOURCE_BYTES + 1) as usize);
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(display, &e))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        let size = expected.max(bytes.len() as u64);
        return Err(Diagnostic::error(
            Code::FileTooLarge,
            format!(
                "the file is {:.0} MB; signposter reads content files up to {} MB",
                size as f64 / 1_000_000.0,
                MAX_SOURCE_BYTES / (1024 * 1024)
            ),
        )
        .in_file(display)
        .hint("split it into several pages, or move it to static/ to publish it as a download"));
    }
    Ok(bytes)
}

/// Turn raw bytes into text, or say exactly why they are not text.
pub fn decode(bytes: Vec<u8>, display: &Path) -> Result<String, Diagnostic> {
    let probe = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, probe).is_some() {
        return Err(Diagnostic::error(
            Code::BinaryFile,
            "this looks like a binary file, not Markdown text",
        )
        .in_file(display)
        .hint("only text files should end in .md; rename or move this file"));
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let (line, column) = line_col(&prefix, prefix.len());
            let shown = line_text(&prefix, line).unwrap_or("").to_string();
            return Err(Diagnostic::error(
                Code::InvalidUtf8,
                format!(
                    "invalid UTF-8 text (byte 0x{:02x} at offset {valid})",
                    bytes[valid]
                ),
            )
            .at(Location::new(display, line, column))
            .snippet(shown, 1)
            .hint("save the file with UTF-8 encoding in your editor"));
        }
    };
    if let Some(stripped) = text.strip_prefix('\u{feff}') {
        text = stripped.to_string();
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n");
    }
    if text.trim().is_empty() {
        return Err(Diagnostic::error(Code::EmptyFile, "the file is empty")
            .in_file(display)
            .hint(
                "a page starts with front matter, at least:\n  ---\n  title: Page title\n  ---",
            ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_str(bytes: &[u8]) -> Result<String, Diagnostic> {
        decode(bytes.to_vec(), Path::new("content/a.md"))
    }

    /// A file on disk with a body starting on line 4, and what a build read of it.
    fn written(text: &str) -> (tempfile::TempDir, SourceFile, u64) {
        let dir = tempfile::tempdir().unwrap();
        let abs = dir.path().join("a.md");
        std::fs::write(&abs, text).unwrap();
        let file = SourceFile {
            content_path: "a.md".into(),
            display_path: "content/a.md".into(),
            abs,
        };
        (dir, file, super::super::hash_bytes(text.as_bytes()))
    }

    const PAGE: &str = "---\r\ntitle: A\r\n---\r\nFirst [link](/x/).\r\n\r\nSecond line.\r\n";

    #[test]
    fn a_body_in_memory_is_quoted_from_memory() {
        let (_dir, file, source_hash) = written(PAGE);
        let lines = SourceLines::new(
            &file,
            "First [link](/x/).\n\nSecond line.\n",
            4,
            source_hash,
        );
        std::fs::remove_file(&file.abs).unwrap();
        assert_eq!(lines.line(6), Some("Second line."));
        assert_eq!(lines.line(3), None);
    }

    #[test]
    fn a_released_body_is_quoted_from_its_file_read_again() {
        let (_dir, file, source_hash) = written(PAGE);
        let lines = SourceLines::new(&file, "", 4, source_hash);
        assert_eq!(lines.line(4), Some("First [link](/x/)."));
        assert_eq!(lines.line(6), Some("Second line."));
        // Front matter is not the body, even though the file has the line.
        assert_eq!(lines.line(2), None);
    }

    #[test]
    fn a_released_body_whose_file_changed_since_is_not_quoted() {
        let (_dir, file, source_hash) = written(PAGE);
        std::fs::write(&file.abs, PAGE.replace("First", "Edited")).unwrap();
        let lines = SourceLines::new(&file, "", 4, source_hash);
        assert_eq!(lines.line(4), None);
        std::fs::remove_file(&file.abs).unwrap();
        let lines = SourceLines::new(&file, "", 4, source_hash);
        assert_eq!(lines.line(4), None);
    }

    #[test]
    fn a_released_body_is_read_again_once_for_all_its_quotes() {
        let (_dir, file, source_hash) = written(PAGE);
        let lines = SourceLines::new(&file, "", 4, source_hash);
        assert_eq!(lines.line(4), Some("First [link](/x/)."));
        std::fs::remove_file(&file.abs).unwrap();
        assert_eq!(lines.line(6), Some("Second line."));
    }

    #[test]
    fn accepts_bom_and_crlf() {
        assert_eq!(
            decode_str(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\n").unwrap(),
            "---\ntitle: A\n---\n"
        );
    }

    #[test]
    fn locates_invalid_utf8() {
        let err = decode_str(b"---\ntitle: caf\xe9\n---\n").unwrap_err();
        assert_eq!(err.code, Code::InvalidUtf8);
        let location = err.location.unwrap();
        assert_eq!((location.line, location.column), (2, 11));
    }

    #[test]
    fn refuses_binary_and_empty_files() {
        assert_eq!(
            decode_str(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().code,
            Code::BinaryFile
        );
        assert_eq!(decode_str(b"  \n\n").unwrap_err().code, Code::EmptyFile);
    }
}
