//! Every file the build will write, decided before anything is rendered, so
//! two sources claiming one URL are caught and named together.

use std::path::PathBuf;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::fingerprint::FastMap;
use crate::output::OutputPath;

/// What produces an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A page or section, by its source file.
    Content(PathBuf),
    /// A redirect from an alias in this file's front matter.
    Alias {
        file: PathBuf,
        line: usize,
        column: usize,
    },
    /// A file copied from `static/`, a theme or `content/`.
    Copied(PathBuf),
    /// Something signposter generates, such as `404.html`.
    Generated(&'static str),
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Origin::Content(path) => path.display().to_string(),
            Origin::Alias { file, .. } => format!("an alias in {}", file.display()),
            Origin::Copied(path) => path.display().to_string(),
            Origin::Generated(what) => format!("the generated {what}"),
        }
    }

    fn location(&self) -> Location {
        match self {
            Origin::Content(path) | Origin::Copied(path) => Location::file(path),
            Origin::Alias { file, line, column } => Location::new(file, *line, *column),
            Origin::Generated(_) => Location::file(""),
        }
    }
}

/// Output paths and who claims each.
#[derive(Debug, Default)]
pub struct Routes {
    claims: FastMap<OutputPath, Origin>,
}

impl Routes {
    /// Claim `path` for `origin`; a second claim is an error naming both.
    pub fn claim(&mut self, path: OutputPath, origin: Origin) -> Result<(), Diagnostic> {
        self.check(&path, &origin)?;
        self.claims.insert(path, origin);
        Ok(())
    }

    /// Whether `origin` could claim `path`, without claiming it.
    pub fn check(&self, path: &OutputPath, origin: &Origin) -> Result<(), Diagnostic> {
        match self.claims.get(path) {
            Some(first) => Err(Routes::clash(first, origin, path)),
            None => Ok(()),
        }
    }

    /// The error for `later` claiming the `path` that `first` holds.
    fn clash(first: &Origin, later: &Origin, path: &OutputPath) -> Diagnostic {
        let (code, hint) = match (later, first) {
            (Origin::Alias { .. }, Origin::Alias { .. }) => (
                Code::AliasCollision,
                "remove the alias from one of the pages",
            ),
            (Origin::Alias { .. }, _) | (_, Origin::Alias { .. }) => (
                Code::UrlCollision,
                "an alias cannot reuse the address of a page or file; remove or change it",
            ),
            _ => (
                Code::UrlCollision,
                "give one of them a different `slug`, or rename a file",
            ),
        };
        let (later, earlier) = match (later, first) {
            // Point at the content file where one is involved; it is what the editor fixes.
            (
                Origin::Generated(_) | Origin::Copied(_),
                Origin::Content(_) | Origin::Alias { .. },
            ) => (first, later),
            _ => (later, first),
        };
        Diagnostic::error(
            code,
            format!(
                "{} and {} would both write /{path}",
                earlier.describe(),
                later.describe()
            ),
        )
        .at(later.location())
        .note(format!("also claimed by {}", earlier.describe()))
        .hint(hint)
    }

    pub fn contains(&self, path: &OutputPath) -> bool {
        self.claims.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.claims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_claim_names_both_sources() {
        let mut routes = Routes::default();
        let path = OutputPath::new("a/index.html").unwrap();
        routes
            .claim(path.clone(), Origin::Content("content/a.md".into()))
            .unwrap();
        let error = routes
            .claim(path, Origin::Content("content/a/index.md".into()))
            .unwrap_err();
        assert_eq!(error.code, Code::UrlCollision);
        assert!(
            error.message.contains("content/a.md") && error.message.contains("content/a/index.md")
        );
        assert_eq!(
            error.path(),
            Some(std::path::Path::new("content/a/index.md"))
        );
    }

    #[test]
    fn alias_clashes_are_their_own_kind() {
        let mut routes = Routes::default();
        let path = OutputPath::new("old/index.html").unwrap();
        let alias = |f: &str| Origin::Alias {
            file: f.into(),
            line: 3,
            column: 3,
        };
        routes.claim(path.clone(), alias("content/a.md")).unwrap();
        let error = routes.claim(path, alias("content/b.md")).unwrap_err();
        assert_eq!(error.code, Code::AliasCollision);
        assert_eq!(error.location.as_ref().unwrap().line, 3);
    }
}
