//! `signposter init`: a new, working site from the starter files embedded in
//! the binary, written only into an empty or new folder.

use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::date::Date;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/init/starter");

/// Starter files stored under another name, so they do not act on this
/// repository (a `.gitignore` here would hide files from Git, and a workflow
/// under `.github/` would run).
const RENAMED: &[(&str, &str)] = &[
    ("gitignore", ".gitignore"),
    ("deploy/github-pages.yml", ".github/workflows/publish.yml"),
    ("deploy/gitlab-ci.yml", ".gitlab-ci.yml"),
];

/// What the new site is called and where it will live.
#[derive(Debug, Clone)]
pub struct StarterSettings {
    pub title: String,
    pub base_url: String,
    /// Review dates in the example guidance page count from this day.
    pub today: Date,
}

#[derive(Debug)]
pub enum InitError {
    /// The folder already holds something; `entry` is one of its entries.
    NotEmpty { dir: PathBuf, entry: String },
    /// The folder exists but is a file.
    NotAFolder { dir: PathBuf },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::NotEmpty { dir, entry } => write!(
                f,
                "{} is not empty (it holds `{entry}`), and init never overwrites anything\n  \
                 help: name a new or empty folder, such as `signposter init my-site`",
                dir.display()
            ),
            InitError::NotAFolder { dir } => {
                write!(f, "{} is a file, not a folder", dir.display())
            }
            InitError::Io { path, source } => {
                write!(f, "could not write {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for InitError {}

/// Writes the starter site into `dir`, creating it if needed, and returns
/// the files written, relative to `dir`, in order.
pub fn create(dir: &Path, settings: &StarterSettings) -> Result<Vec<PathBuf>, InitError> {
    refuse_unless_empty(dir)?;
    let mut written = Vec::new();
    for file in starter_files() {
        let relative = destination(file.path());
        let path = dir.join(&relative);
        let text = fill_in(file.contents_utf8().unwrap_or_default(), settings);
        let io = |source| InitError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, text).map_err(io)?;
        written.push(relative);
    }
    Ok(written)
}

fn refuse_unless_empty(dir: &Path) -> Result<(), InitError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(entry) => Err(InitError::NotEmpty {
                dir: dir.to_path_buf(),
                entry: entry
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .unwrap_or_default(),
            }),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.is_file() => Err(InitError::NotAFolder {
            dir: dir.to_path_buf(),
        }),
        Err(source) => Err(InitError::Io {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

fn starter_files() -> Vec<&'static include_dir::File<'static>> {
    let mut files = Vec::new();
    let mut folders = vec![&STARTER];
    while let Some(folder) = folders.pop() {
        files.extend(folder.files());
        folders.extend(folder.dirs());
    }
    files.sort_by_key(|f| f.path());
    files
}

fn destination(stored: &Path) -> PathBuf {
    let stored_name = stored.to_string_lossy();
    RENAMED
        .iter()
        .find(|(from, _)| *from == stored_name)
        .map_or_else(|| stored.to_path_buf(), |(_, to)| PathBuf::from(to))
}

fn fill_in(text: &str, settings: &StarterSettings) -> String {
    let next_review = settings.today.months_later(12);
    text.replace("@TITLE@", &yaml_string(&settings.title))
        .replace("@BASE_URL@", &yaml_string(&settings.base_url))
        .replace("@TODAY@", &settings.today.to_string())
        .replace("@NEXT_REVIEW@", &next_review.to_string())
        .replace("@YEAR@", &settings.today.year().to_string())
}

/// A YAML double-quoted scalar: any title is safe in `site.yml`, even one
/// with a colon or a quote in it.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(title: &str) -> StarterSettings {
        StarterSettings {
            title: title.into(),
            base_url: "https://example.org/".into(),
            today: Date::from_ymd(2026, 2, 28).unwrap(),
        }
    }

    #[test]
    fn placeholders_are_all_filled_in() {
        for file in starter_files() {
            let text = fill_in(file.contents_utf8().unwrap(), &settings("A site"));
            for placeholder in [
                "@TITLE@",
                "@BASE_URL@",
                "@TODAY@",
                "@NEXT_REVIEW@",
                "@YEAR@",
            ] {
                assert!(
                    !text.contains(placeholder),
                    "{placeholder} in {:?}",
                    file.path()
                );
            }
        }
    }

    #[test]
    fn a_title_with_yaml_syntax_in_it_stays_one_string() {
        let text = fill_in("title: @TITLE@\n", &settings("Care: \"what\" #1"));
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(value["title"].as_str(), Some("Care: \"what\" #1"));
    }

    #[test]
    fn hidden_starter_files_get_their_real_names() {
        let names: Vec<PathBuf> = starter_files()
            .iter()
            .map(|f| destination(f.path()))
            .collect();
        assert!(names.contains(&PathBuf::from(".gitignore")));
        assert!(names.contains(&PathBuf::from(".github/workflows/publish.yml")));
        assert!(names.contains(&PathBuf::from(".gitlab-ci.yml")));
    }
}
