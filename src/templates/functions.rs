//! What templates can call beyond Tera's built-ins: `get_page`, `get_section`,
//! `url_for`, and the `date`, `json` and `slugify` filters.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use crate::config::BaseUrl;
use crate::date::Date;

/// Pages and sections by content path, for the lookup functions.
pub struct Lookup {
    pub pages: HashMap<String, Value>,
    pub sections: HashMap<String, Value>,
    /// Each taxonomy with its terms, by name.
    pub taxonomies: HashMap<String, Value>,
    /// Site path of every page, section and content asset, by content path.
    pub site_paths: HashMap<String, String>,
    pub base_url: BaseUrl,
}

/// The lookup the functions read, filled in once the site's values exist
/// (templates must know the functions before they can be parsed).
pub type LookupCell = Arc<RwLock<Arc<Lookup>>>;

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

    fn current(cell: &LookupCell) -> Arc<Lookup> {
        match cell.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn content_path(path: &str) -> &str {
        path.trim_start_matches("@/").trim_start_matches('/')
    }
}

/// The names of the functions [`register_functions`] adds.
pub const FUNCTIONS: &[&str] = &["get_page", "get_section", "get_taxonomy", "url_for"];
/// The names of the filters [`register_filters`] adds.
pub const FILTERS: &[&str] = &["date", "json", "slugify"];

pub fn register_functions(tera: &mut Tera, cell: LookupCell) {
    let pages = cell.clone();
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            Lookup::current(&pages)
                .pages
                .get(Lookup::content_path(path))
                .cloned()
                .ok_or_else(|| {
                    Error::message(format!(
                        "get_page: there is no page at content/{}",
                        Lookup::content_path(path)
                    ))
                })
        },
    );
    let sections = cell.clone();
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            let path = Lookup::content_path(path);
            let key = if path.ends_with(".md") {
                path.to_string()
            } else {
                format!("{}/_index.md", path.trim_end_matches('/'))
                    .trim_start_matches('/')
                    .to_string()
            };
            Lookup::current(&sections)
                .sections
                .get(&key)
                .cloned()
                .ok_or_else(|| {
                    Error::message(format!("get_section: there is no section at content/{key}"))
                })
        },
    );
    let taxonomies = cell.clone();
    tera.register_function(
        "get_taxonomy",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let name: &str = kwargs.must_get("name")?;
            Lookup::current(&taxonomies)
                .taxonomies
                .get(name)
                .cloned()
                .ok_or_else(|| {
                    Error::message(format!(
                        "get_taxonomy: there is no taxonomy called `{name}` in site.yml"
                    ))
                })
        },
    );
    tera.register_function(
        "url_for",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let lookup = Lookup::current(&cell);
            let path: &str = kwargs.must_get("path")?;
            let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
            let site_path = match path.strip_prefix("@/") {
                Some(content) => lookup.site_paths.get(content).cloned().ok_or_else(|| {
                    Error::message(format!("url_for: there is nothing at content/{content}"))
                })?,
                None => path.to_string(),
            };
            Ok(Value::from(if absolute {
                lookup.base_url.permalink(&site_path)
            } else {
                lookup.base_url.url(&site_path)
            }))
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

    fn render(template: &str, context: &Context) -> TeraResult<String> {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        let lookup = Lookup {
            pages: HashMap::from([("research/review.md".to_string(), Value::from("the review"))]),
            sections: HashMap::new(),
            taxonomies: HashMap::from([("topics".to_string(), Value::from("the topics"))]),
            site_paths: HashMap::from([(
                "research/review.md".to_string(),
                "/research/review/".to_string(),
            )]),
            base_url: BaseUrl::parse("https://e.org/sub").unwrap(),
        };
        register_functions(&mut tera, Arc::new(RwLock::new(Arc::new(lookup))));
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
}
