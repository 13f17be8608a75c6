//! Finding the theme's files: the default theme built into the binary, a
//! site's own `themes/<name>/`, and its `templates/` and `static/` folders,
//! each overriding the one before by file name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::content::ignore::is_ignored_name;
use crate::diagnostics::{Code, Diagnostic, Location};

/// The default theme, carried inside the binary so a site needs no `themes/` folder.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The theme used when `site.yml` names none.
pub const DEFAULT_THEME_NAME: &str = "default";

/// One template's text and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Tera name, relative to `templates/`: `page.html`, `partials/nav.html`.
    pub name: String,
    pub text: String,
    /// Shown in messages: `templates/page.html` or `themes/default/templates/page.html`.
    pub origin: PathBuf,
    pub built_in: bool,
}

/// Where a static file's bytes live.
#[derive(Debug, Clone)]
pub enum StaticSource {
    BuiltIn(&'static [u8]),
    Disk(PathBuf),
}

/// A file copied as it is into the output folder.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path inside the output folder, with `/` separators.
    pub path: String,
    pub source: StaticSource,
    /// Shown in messages.
    pub origin: PathBuf,
}

/// The templates and static files a build uses, after overrides.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub name: String,
    pub templates: BTreeMap<String, TemplateSource>,
    pub static_files: BTreeMap<String, StaticFile>,
}

impl Theme {
    pub fn resolve(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let name = config
            .theme
            .clone()
            .unwrap_or_else(|| DEFAULT_THEME_NAME.to_string());
        let mut theme = Theme {
            name: name.clone(),
            ..Theme::default()
        };
        let mut diagnostics = Vec::new();
        let built_in_origin = Path::new("themes").join(DEFAULT_THEME_NAME);
        theme.add_built_in(&built_in_origin);

        let theme_dir = root.join("themes").join(&name);
        if theme_dir.is_dir() {
            let origin = Path::new("themes").join(&name);
            theme.add_disk_templates(
                &theme_dir.join("templates"),
                &origin.join("templates"),
                &mut diagnostics,
            );
            theme.add_disk_static(
                &theme_dir.join("static"),
                &origin.join("static"),
                &mut diagnostics,
            );
        } else if name != DEFAULT_THEME_NAME {
            let (line, column) = config.position_of("theme").unwrap_or((0, 0));
            let mut available: Vec<String> = std::fs::read_dir(root.join("themes"))
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|e| e.path().is_dir())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            available.push(DEFAULT_THEME_NAME.to_string());
            available.sort();
            let names: Vec<&str> = available.iter().map(String::as_str).collect();
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownTheme,
                    format!("there is no theme called `{name}`"),
                )
                .at(Location::new(crate::config::CONFIG_FILE, line, column))
                .hint(format!(
                    "a theme lives in themes/{name}/ with templates/ and static/ inside; {}",
                    crate::diagnostics::did_you_mean(&name, &names)
                )),
            );
        }
        theme.add_disk_templates(
            &root.join("templates"),
            Path::new("templates"),
            &mut diagnostics,
        );
        theme.add_disk_static(&root.join("static"), Path::new("static"), &mut diagnostics);

        if diagnostics.iter().any(Diagnostic::is_error) {
            Err(diagnostics)
        } else {
            Ok(theme)
        }
    }

    fn add_built_in(&mut self, origin: &Path) {
        let mut stack = vec![&DEFAULT_THEME];
        while let Some(dir) = stack.pop() {
            for file in dir.files() {
                let path = file.path().to_string_lossy().replace('\\', "/");
                if let Some(name) = path.strip_prefix("templates/") {
                    self.templates.insert(
                        name.to_string(),
                        TemplateSource {
                            name: name.to_string(),
                            text: String::from_utf8_lossy(file.contents()).into_owned(),
                            origin: origin.join(&path),
                            built_in: true,
                        },
                    );
                } else if let Some(relative) = path.strip_prefix("static/") {
                    self.static_files.insert(
                        relative.to_string(),
                        StaticFile {
                            path: relative.to_string(),
                            source: StaticSource::BuiltIn(file.contents()),
                            origin: origin.join(&path),
                        },
                    );
                }
            }
            stack.extend(dir.dirs());
        }
    }

    fn add_disk_templates(&mut self, dir: &Path, origin: &Path, diagnostics: &mut Vec<Diagnostic>) {
        for (relative, path) in files_under(dir, diagnostics) {
            let shown = origin.join(&relative);
            match std::fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    self.templates.insert(
                        relative.clone(),
                        TemplateSource {
                            name: relative,
                            text,
                            origin: shown,
                            built_in: false,
                        },
                    );
                }
                Ok(Err(_)) => diagnostics.push(
                    Diagnostic::error(Code::InvalidUtf8, "template is not valid UTF-8 text")
                        .in_file(shown)
                        .hint("save it with UTF-8 encoding"),
                ),
                Err(error) => diagnostics.push(
                    Diagnostic::error(Code::Io, format!("cannot read template: {error}"))
                        .in_file(shown),
                ),
            }
        }
    }

    fn add_disk_static(&mut self, dir: &Path, origin: &Path, diagnostics: &mut Vec<Diagnostic>) {
        for (relative, path) in files_under(dir, diagnostics) {
            self.static_files.insert(
                relative.clone(),
                StaticFile {
                    origin: origin.join(&relative),
                    path: relative,
                    source: StaticSource::Disk(path),
                },
            );
        }
    }
}

/// Files below `dir` as (relative path with `/`, full path), skipping editor leftovers.
fn files_under(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap_or(entry.path())
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((relative, entry.path().to_path_buf()));
            }
            Ok(_) => {}
            Err(error) => diagnostics.push(
                Diagnostic::error(Code::Io, format!("cannot read: {error}"))
                    .in_file(error.path().unwrap_or(dir).to_path_buf()),
            ),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use std::fs;

    fn config(extra: &str) -> Config {
        Config::parse(
            &format!("title: T\nbase_url: https://e.org\n{extra}"),
            &Overrides::default(),
        )
        .unwrap()
    }

    #[test]
    fn the_built_in_theme_needs_no_files() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::resolve(dir.path(), &config("")).unwrap();
        for name in [
            "base.html",
            "index.html",
            "section.html",
            "page.html",
            "404.html",
        ] {
            assert!(theme.templates.contains_key(name), "{name}");
            assert!(theme.templates[name].built_in);
        }
        assert!(theme.static_files.contains_key("style.css"));
    }

    #[test]
    fn site_files_override_by_name() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("templates")).unwrap();
        fs::write(dir.path().join("templates/page.html"), "mine").unwrap();
        fs::create_dir_all(dir.path().join("themes/clinic/templates")).unwrap();
        fs::write(
            dir.path().join("themes/clinic/templates/section.html"),
            "theirs",
        )
        .unwrap();
        let theme = Theme::resolve(dir.path(), &config("theme: clinic\n")).unwrap();
        assert_eq!(theme.templates["page.html"].text, "mine");
        assert_eq!(
            theme.templates["page.html"].origin,
            Path::new("templates/page.html")
        );
        assert_eq!(theme.templates["section.html"].text, "theirs");
        assert!(theme.templates["index.html"].built_in);
    }

    #[test]
    fn an_unknown_theme_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let errors = Theme::resolve(dir.path(), &config("theme: nope\n")).unwrap_err();
        assert_eq!(errors[0].code, Code::UnknownTheme);
        assert_eq!(errors[0].location.as_ref().unwrap().line, 3);
    }
}
