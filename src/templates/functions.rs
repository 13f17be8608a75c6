//! What templates can call beyond Tera's built-ins: `get_page`, `get_section`,
//! `get_taxonomy`, `url_for`, and the `date`, `json` and `slugify` filters.
//!
//! Each lookup a render makes is recorded with the render, so a rebuild knows
//! a page must be rendered again when something it looked up has changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use crate::config::BaseUrl;
use crate::date::Date;

/// Something a template looked up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LookupKey {
    Page(String),
    Section(String),
    Taxonomy(String),
    /// A `url_for` path.
    Url(String),
}

/// A value with the fingerprint of what it was built from.
pub type Fingerprinted = (Value, u64);

/// Pages, sections and taxonomies by name, for the lookup functions.
pub struct Lookup {
    pub pages: HashMap<String, Fingerprinted>,
    /// Sections with their page lists.
    pub sections: HashMap<String, Fingerprinted>,
    /// Each taxonomy with its terms, by name.
    pub taxonomies: HashMap<String, Fingerprinted>,
    /// Site path of every page, section and content asset, by content path.
    pub site_paths: HashMap<String, String>,
    pub base_url: BaseUrl,
}

/// The lookup the functions read, filled in once the site's values exist
/// (templates must know the functions before they can be parsed).
pub type LookupCell = Arc<RwLock<Arc<Lookup>>>;

/// The name of the context value that tells functions which render they serve.
pub const RENDER_TOKEN: &str = "__signposter_render";

/// Lookups made during each render in progress, by render token.
#[derive(Default)]
pub struct Recorder {
    lookups: Mutex<HashMap<u64, Vec<LookupKey>>>,
}

impl Recorder {
    fn note(&self, state: &State, key: LookupKey) {
        let Ok(Some(token)) = state.get::<u64>(RENDER_TOKEN) else {
            return;
        };
        if let Ok(mut lookups) = self.lookups.lock() {
            lookups.entry(token).or_default().push(key);
        }
    }

    /// The lookups a finished render made.
    pub fn take(&self, token: u64) -> Vec<LookupKey> {
        self.lookups
            .lock()
            .ok()
            .and_then(|mut lookups| lookups.remove(&token))
            .unwrap_or_default()
    }
}

impl Lookup {
    pub fn empty(base_url: BaseUrl) -> Lookup {
        Lookup {
            pages: HashMap::new(),
            sections: HashMap::new(),
            taxonomies: HashMap::new(),
            site_paths: HashMap::new(),
            base_url,
        }
    }

    pub fn current(cell: &LookupCell) -> Arc<Lookup> {
        match cell.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn content_path(path: &str) -> &str {
        path.trim_start_matches("@/").trim_start_matches('/')
    }

    fn section_key(path: &str) -> String {
        let path = Lookup::content_path(path);
        if path.ends_with(".md") {
            path.to_string()
        } else {
            format!("{}/_index.md", path.trim_end_matches('/'))
                .trim_start_matches('/')
                .to_string()
        }
    }

    /// The address `url_for` gives for `path`.
    fn url(&self, path: &str, absolute: bool) -> Result<String, String> {
        let site_path = match path.strip_prefix("@/") {
            Some(content) => self
                .site_paths
                .get(content)
                .cloned()
                .ok_or_else(|| format!("url_for: there is nothing at content/{content}"))?,
            None => path.to_string(),
        };
        Ok(if absolute {
            self.base_url.permalink(&site_path)
        } else {
            self.base_url.url(&site_path)
        })
    }

    /// What looking `key` up gives now, as a fingerprint; it changes exactly
    /// when the answer does.
    pub fn answer(&self, key: &LookupKey) -> u64 {
        match key {
            LookupKey::Page(path) => self.pages.get(path).map_or(0, |(_, f)| *f),
            LookupKey::Section(path) => self.sections.get(path).map_or(0, |(_, f)| *f),
            LookupKey::Taxonomy(name) => self.taxonomies.get(name).map_or(0, |(_, f)| *f),
            LookupKey::Url(path) => crate::fingerprint::of(self.url(path, true).ok()),
        }
    }
}

/// The names of the functions [`register_functions`] adds.
pub const FUNCTIONS: &[&str] = &["get_page", "get_section", "get_taxonomy", "url_for"];
/// The names of the filters [`register_filters`] adds.
pub const FILTERS: &[&str] = &["date", "json", "slugify"];

pub fn register_functions(tera: &mut Tera, cell: LookupCell, recorder: Arc<Recorder>) {
    let (pages, record) = (cell.clone(), recorder.clone());
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let path = Lookup::content_path(kwargs.must_get("path")?).to_string();
            record.note(state, LookupKey::Page(path.clone()));
            Lookup::current(&pages)
                .pages
                .get(&path)
                .map(|(value, _)| value.clone())
                .ok_or_else(|| {
                    Error::message(format!("get_page: there is no page at content/{path}"))
                })
        },
    );
    let (sections, record) = (cell.clone(), recorder.clone());
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let key = Lookup::section_key(kwargs.must_get("path")?);
            record.note(state, LookupKey::Section(key.clone()));
            Lookup::current(&sections)
                .sections
                .get(&key)
                .map(|(value, _)| value.clone())
                .ok_or_else(|| {
                    Error::message(format!("get_section: there is no section at content/{key}"))
                })
        },
    );
    let (taxonomies, record) = (cell.clone(), recorder.clone());
    tera.register_function(
        "get_taxonomy",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let name: &str = kwargs.must_get("name")?;
            record.note(state, LookupKey::Taxonomy(name.to_string()));
            Lookup::current(&taxonomies)
                .taxonomies
                .get(name)
                .map(|(value, _)| value.clone())
                .ok_or_else(|| {
                    Error::message(format!(
                        "get_taxonomy: there is no taxonomy called `{name}` in site.yml"
                    ))
                })
        },
    );
    tera.register_function(
        "url_for",
        move |kwargs: Kwargs, state: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
            recorder.note(state, LookupKey::Url(path.to_string()));
            Lookup::current(&cell)
                .url(path, absolute)
                .map(Value::from)
                .map_err(Error::message)
        },
    );
}

pub fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let format: Option<&str> = kwargs.get("format")?;
            let date =
                Date::parse(value).map_err(|e| Error::message(format!("date: {}", e.message)))?;
            Ok(match format {
                Some(format) => date.format(format),
                None => date.long(),
            })
        },
    );
    tera.register_filter(
        "json",
        |value: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            let text =
                serde_json::to_string(value).map_err(|e| Error::message(format!("json: {e}")))?;
            Ok(Value::safe_string(&script_safe_json(&text)))
        },
    );
    tera.register_filter("slugify", |value: &str, _: Kwargs, _: &State| {
        crate::content::slugify(value)
    });
}

/// JSON that cannot end a `<script>` element or an HTML comment early.
pub fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Context;

    fn lookup() -> Lookup {
        Lookup {
            pages: HashMap::from([(
                "research/review.md".to_string(),
                (Value::from("the review"), 7),
            )]),
            sections: HashMap::new(),
            taxonomies: HashMap::from([("topics".to_string(), (Value::from("the topics"), 9))]),
            site_paths: HashMap::from([(
                "research/review.md".to_string(),
                "/research/review/".to_string(),
            )]),
            base_url: BaseUrl::parse("https://e.org/sub").unwrap(),
        }
    }

    fn render(template: &str, context: &Context) -> TeraResult<String> {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        register_functions(
            &mut tera,
            Arc::new(RwLock::new(Arc::new(lookup()))),
            Arc::new(Recorder::default()),
        );
        tera.add_raw_template("t.html", template)?;
        tera.render("t.html", context)
    }

    #[test]
    fn date_filter_formats_calendar_dates() {
        let mut c = Context::new();
        c.insert("d", "2025-06-20");
        assert_eq!(
            render("{{ d | date }}|{{ d | date(format='%Y') }}", &c).unwrap(),
            "20 June 2025|2025"
        );
        c.insert("d", "not a date");
        assert!(render("{{ d | date }}", &c).is_err());
    }

    #[test]
    fn json_filter_cannot_close_a_script() {
        let mut c = Context::new();
        c.insert("t", "</script><script>alert(1)</script>");
        let out = render("{{ t | json }}", &c).unwrap();
        assert!(!out.contains("</script>"));
        assert_eq!(
            serde_json::from_str::<String>(&out).unwrap(),
            "</script><script>alert(1)</script>"
        );
    }

    #[test]
    fn lookups_and_urls() {
        let c = Context::new();
        assert_eq!(
            render("{{ get_page(path='@/research/review.md') }}", &c).unwrap(),
            "the review"
        );
        assert_eq!(
            render("{{ url_for(path='@/research/review.md') }}", &c).unwrap(),
            "/sub/research/review/"
        );
        assert_eq!(
            render("{{ url_for(path='/style.css', absolute=true) }}", &c).unwrap(),
            "https://e.org/sub/style.css"
        );
        assert_eq!(
            render("{{ get_taxonomy(name='topics') }}", &c).unwrap(),
            "the topics"
        );
        let error = render("{{ get_page(path='nope.md') }}", &c).unwrap_err();
        assert!(error.to_string().contains("content/nope.md"), "{error}");
    }

    #[test]
    fn renders_record_what_they_looked_up() {
        let recorder = Arc::new(Recorder::default());
        let mut tera = Tera::new();
        register_functions(
            &mut tera,
            Arc::new(RwLock::new(Arc::new(lookup()))),
            recorder.clone(),
        );
        tera.add_raw_template(
            "t.html",
            "{{ get_page(path='research/review.md') }}{{ url_for(path='/x.css') }}",
        )
        .unwrap();
        let mut context = Context::new();
        context.insert(RENDER_TOKEN, &42u64);
        tera.render("t.html", &context).unwrap();
        let keys = recorder.take(42);
        assert_eq!(
            keys,
            [
                LookupKey::Page("research/review.md".into()),
                LookupKey::Url("/x.css".into())
            ]
        );
        let lookup = lookup();
        assert_eq!(lookup.answer(&keys[0]), 7);
        assert!(recorder.take(42).is_empty());
    }
}
