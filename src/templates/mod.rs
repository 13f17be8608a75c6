//! Tera templates: loading the theme's templates, rendering them with
//! autoescaping on, and turning Tera's errors into located diagnostics.

pub mod context;
mod functions;
mod references;
pub mod theme;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use tera::{Context, ErrorKind, Tera};

use crate::config::BaseUrl;
use crate::diagnostics::{Code, Diagnostic, Location, line_text};

pub use context::Obj;
pub use functions::{Fingerprinted, Lookup, LookupCell, LookupKey, script_safe_json};

/// Current answers to template lookups, memoised for one pass over the site.
pub struct Answers {
    lookup: Arc<Lookup>,
    known: Mutex<HashMap<LookupKey, u64>>,
}

impl Answers {
    /// The lookup these answers come from.
    pub fn lookup(&self) -> &Arc<Lookup> {
        &self.lookup
    }

    /// Whether a render's lookups would all answer the same now.
    pub fn unchanged(&self, lookups: &[(LookupKey, u64)]) -> bool {
        lookups.iter().all(|(key, answer)| {
            if let Some(known) = self.known.lock().ok().and_then(|k| k.get(key).copied()) {
                return known == *answer;
            }
            let now = self.lookup.answer(key);
            if let Ok(mut known) = self.known.lock() {
                known.insert(key.clone(), now);
            }
            now == *answer
        })
    }
}

/// A rendered template and the lookups it made, with what each answered.
pub struct Output {
    pub text: String,
    pub lookups: Vec<(LookupKey, u64)>,
}
pub use tera::Value;
pub use theme::{StaticFile, StaticSource, TemplateSource, Theme};

/// The theme's templates, parsed and ready to render from many threads.
pub struct Templates {
    tera: Tera,
    lookup: LookupCell,
    recorder: Arc<functions::Recorder>,
    next_token: std::sync::atomic::AtomicU64,
    /// Template name → (where it came from, its text), for error messages.
    sources: HashMap<String, (PathBuf, String)>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.sources.keys())
            .finish()
    }
}

impl Templates {
    /// No templates, before a theme is loaded.
    pub fn empty() -> Templates {
        Templates {
            tera: Tera::new(),
            lookup: Arc::new(RwLock::new(Arc::new(Lookup::empty(
                crate::config::BaseUrl::parse("http://localhost/").expect("a valid address"),
            )))),
            recorder: Arc::default(),
            next_token: Default::default(),
            sources: HashMap::new(),
        }
    }

    /// Parse every template. A template that fails is reported and left out,
    /// and the rest are tried again, so one run reports every broken template.
    pub fn load(theme: &Theme, base_url: &BaseUrl) -> (Templates, Vec<Diagnostic>) {
        let lookup: LookupCell = Arc::new(RwLock::new(Arc::new(Lookup::empty(base_url.clone()))));
        let recorder: Arc<functions::Recorder> = Arc::default();
        let sources: HashMap<String, (PathBuf, String)> = theme
            .templates
            .values()
            .map(|t| (t.name.clone(), (t.origin.clone(), t.text.clone())))
            .collect();
        let (excluded, mut diagnostics) = check_references(theme);
        let mut pending: Vec<&TemplateSource> = theme
            .templates
            .values()
            .filter(|t| !excluded.contains(&t.name))
            .collect();
        loop {
            let mut tera = Tera::new();
            functions::register_filters(&mut tera);
            functions::register_functions(&mut tera, lookup.clone(), recorder.clone());
            let batch = pending.iter().map(|t| (t.name.as_str(), t.text.as_str()));
            let Err(error) = tera.add_raw_templates(batch) else {
                let templates = Templates {
                    tera,
                    lookup,
                    recorder,
                    next_token: Default::default(),
                    sources,
                };
                return (templates, diagnostics);
            };
            let templates = Templates {
                tera: Tera::new(),
                lookup: lookup.clone(),
                recorder: recorder.clone(),
                next_token: Default::default(),
                sources: sources.clone(),
            };
            diagnostics.push(templates.diagnostic(&error));
            let culprit = failing_template(&error);
            let before = pending.len();
            pending.retain(|t| Some(t.name.as_str()) != culprit.as_deref());
            if pending.len() == before {
                return (templates, diagnostics);
            }
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Give `get_page`, `get_section` and `url_for` the site's pages, and set `site`.
    pub fn install(&mut self, lookup: Arc<Lookup>, site: Value) {
        match self.lookup.write() {
            Ok(mut guard) => *guard = lookup,
            Err(poisoned) => *poisoned.into_inner() = lookup,
        }
        self.tera.global_context().insert_value("site", site);
    }

    /// Render `name` with `context`; errors name the template, line and column.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        self.render_recorded(name, context.clone())
            .map(|output| output.text)
    }

    /// Render `name`, noting every lookup the template makes and its answer.
    pub fn render_recorded(&self, name: &str, mut context: Context) -> Result<Output, Diagnostic> {
        let token = self
            .next_token
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        context.insert(functions::RENDER_TOKEN, &token);
        let result = self.tera.render(name, &context);
        let keys = self.recorder.take(token);
        let text = result.map_err(|e| self.diagnostic(&e))?;
        let lookup = Lookup::current(&self.lookup);
        let lookups = keys
            .into_iter()
            .map(|key| {
                let answer = lookup.answer(&key);
                (key, answer)
            })
            .collect();
        Ok(Output { text, lookups })
    }

    /// Whether a render's lookups would all answer the same now.
    /// Answers to lookups as they stand now, each worked out once.
    pub fn answers(&self) -> Answers {
        Answers {
            lookup: Lookup::current(&self.lookup),
            known: Mutex::new(HashMap::new()),
        }
    }

    fn origin(&self, name: &str) -> PathBuf {
        self.sources.get(name).map_or_else(
            || PathBuf::from(format!("templates/{name}")),
            |(origin, _)| origin.clone(),
        )
    }

    fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                let origin = self.origin(report.filename());
                let mut diagnostic = Diagnostic::error(Code::Template, report.message().to_string())
                    .at(Location::new(&origin, span.start_line, span.start_col + 1));
                if let Some(text) = self
                    .sources
                    .get(report.filename())
                    .and_then(|(_, source)| line_text(source, span.start_line))
                {
                    let width = if span.end_line == span.start_line {
                        span.end_col.saturating_sub(span.start_col)
                    } else {
                        text.chars().count().saturating_sub(span.start_col)
                    };
                    diagnostic = diagnostic.snippet(text, width);
                }
                diagnostic
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::error(
                Code::MissingTemplate,
                format!("`{current}` extends `{parent}`, which does not exist"),
            )
            .in_file(self.origin(current))
            .hint("check the name in `{% extends %}`; templates are named by their path inside templates/"),
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(
                Code::MissingTemplate,
                format!("there is no template called `{name}`"),
            )
            .hint("templates are named by their path inside templates/, such as `page.html`"),
            ErrorKind::CircularExtend { tpl, inheritance_chain } => Diagnostic::error(
                Code::Template,
                format!("`{tpl}` extends itself through {}", inheritance_chain.join(" → ")),
            )
            .in_file(self.origin(tpl)),
            ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
                Code::Template,
                format!("`{tpl}` includes itself through {}", include_chain.join(" → ")),
            )
            .in_file(self.origin(tpl)),
            _ => Diagnostic::error(Code::Template, error.to_string()),
        }
    }
}

/// Report names a template uses that do not exist, and return the templates
/// to leave out: those with unknown names and those that use them.
fn check_references(theme: &Theme) -> (std::collections::HashSet<String>, Vec<Diagnostic>) {
    use references::{Kind, TERA_FILTERS, TERA_FUNCTIONS, TERA_TESTS};
    let filters: Vec<&str> = TERA_FILTERS
        .iter()
        .chain(functions::FILTERS)
        .copied()
        .collect();
    let tests: Vec<&str> = TERA_TESTS.to_vec();
    let function_names: Vec<&str> = TERA_FUNCTIONS
        .iter()
        .chain(functions::FUNCTIONS)
        .copied()
        .collect();
    let template_names: Vec<&str> = theme.templates.keys().map(String::as_str).collect();
    let mut excluded = std::collections::HashSet::new();
    let mut diagnostics = Vec::new();
    let mut uses: Vec<(&str, Vec<String>)> = Vec::new();
    for template in theme.templates.values() {
        let found = references::scan(&template.text);
        uses.push((
            &template.name,
            found
                .iter()
                .filter(|r| r.kind == Kind::Template)
                .map(|r| r.name.clone())
                .collect(),
        ));
        for reference in found {
            let known: &[&str] = match reference.kind {
                Kind::Filter => &filters,
                Kind::Test => &tests,
                Kind::Function => &function_names,
                Kind::Template => &template_names,
            };
            if known.contains(&reference.name.as_str()) {
                continue;
            }
            let (line, column) = crate::diagnostics::line_col(&template.text, reference.offset);
            let text = line_text(&template.text, line).unwrap_or("");
            let noun = reference.kind.noun();
            diagnostics.push(
                Diagnostic::error(
                    if reference.kind == Kind::Template {
                        Code::MissingTemplate
                    } else {
                        Code::Template
                    },
                    format!("unknown {noun} `{}`", reference.name),
                )
                .at(Location::new(&template.origin, line, column))
                .snippet(text, reference.name.chars().count())
                .hint(crate::diagnostics::did_you_mean(&reference.name, known)),
            );
            excluded.insert(template.name.clone());
        }
    }
    // Templates that include or extend a left-out template cannot load either.
    loop {
        let before = excluded.len();
        for (name, used) in &uses {
            if used.iter().any(|u| excluded.contains(u)) {
                excluded.insert((*name).to_string());
            }
        }
        if excluded.len() == before {
            return (excluded, diagnostics);
        }
    }
}

/// The template an error is about, so loading can retry without it.
fn failing_template(error: &tera::Error) -> Option<String> {
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            Some(report.filename().to_string())
        }
        ErrorKind::MissingParent { current, .. } => Some(current.clone()),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            Some(tpl.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::parse("https://e.org").unwrap()
    }

    fn theme(templates: &[(&str, &str)]) -> Theme {
        let mut theme = Theme::default();
        for (name, text) in templates {
            theme.templates.insert(
                name.to_string(),
                TemplateSource {
                    name: name.to_string(),
                    text: text.to_string(),
                    origin: PathBuf::from(format!("templates/{name}")),
                    built_in: false,
                },
            );
        }
        theme
    }

    #[test]
    fn autoescapes_html_templates() {
        let (templates, errors) = Templates::load(
            &theme(&[("page.html", "<h1>{{ title }}</h1>{{ body | safe }}")]),
            &base(),
        );
        assert!(errors.is_empty());
        let mut context = Context::new();
        context.insert("title", "<script>alert(1)</script>");
        context.insert("body", "<p>ok</p>");
        let html = templates.render("page.html", &context).unwrap();
        assert_eq!(
            html,
            "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><p>ok</p>"
        );
    }

    #[test]
    fn every_broken_template_is_reported_with_its_line() {
        let (templates, errors) = Templates::load(
            &theme(&[
                ("a.html", "ok\n{% if %}"),
                ("b.html", "{{ unclosed"),
                ("c.html", "fine"),
            ]),
            &base(),
        );
        assert_eq!(errors.len(), 2, "{errors:#?}");
        let a = errors
            .iter()
            .find(|d| d.path() == Some(std::path::Path::new("templates/a.html")))
            .unwrap();
        assert_eq!(a.code, Code::Template);
        assert_eq!(a.location.as_ref().unwrap().line, 2);
        assert!(templates.has("c.html"));
    }

    #[test]
    fn unknown_names_are_located_with_a_suggestion() {
        let (templates, errors) = Templates::load(
            &theme(&[
                (
                    "base.html",
                    "<p>\n{{ x | uper }}</p>{{ url_fr(path='/') }}{% include 'partials/nav.htm' %}",
                ),
                ("page.html", "{% extends 'base.html' %}"),
                ("other.html", "fine"),
            ]),
            &base(),
        );
        let messages: Vec<_> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.hint.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            messages,
            [
                ("unknown filter `uper`", "did you mean `upper`?"),
                ("unknown function `url_fr`", "did you mean `url_for`?"),
                (
                    "unknown template `partials/nav.htm`",
                    "expected one of: `base.html`, `other.html`, `page.html`"
                ),
            ]
        );
        let location = errors[0].location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (2, 8));
        assert!(templates.has("other.html"));
        assert!(!templates.has("page.html"));
    }

    #[test]
    fn a_missing_parent_is_named() {
        let (_, errors) = Templates::load(
            &theme(&[("page.html", "{% extends \"base.html\" %}")]),
            &base(),
        );
        assert_eq!(errors[0].code, Code::MissingTemplate);
        assert!(errors[0].message.contains("base.html"));
    }

    #[test]
    fn runtime_errors_point_at_the_template_line() {
        let (templates, _) = Templates::load(
            &theme(&[("page.html", "line one\n{{ page.nope }}")]),
            &base(),
        );
        let mut context = Context::new();
        context.insert("page", &serde_json::json!({"title": "x"}));
        let error = templates.render("page.html", &context).unwrap_err();
        let location = error.location.unwrap();
        assert_eq!((location.line, location.column), (2, 9));
        assert!(error.snippet.is_some());
    }
}
