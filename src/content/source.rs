//! Reading a content file as text: binary, invalid UTF-8, empty, oversized
//! and unreadable files become located errors; a BOM and CRLF endings are accepted.

use std::io::Read;
use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Location, line_col, line_text};

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
