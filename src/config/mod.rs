//! `site.yml`: the site's settings, read strictly (unknown keys are errors with
//! a suggestion) and filled in with defaults.

mod base_url;
pub mod check;
pub mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::yaml::{Document, Fields, Segment, Value};

pub use base_url::{BaseUrl, encode_path};
pub use check::{CheckConfig, DisabledRule, ExternalConfig};
pub use schema::{FieldRule, FieldType, Schema, StructuredDataType};

/// The name of the config file at the site root.
pub const CONFIG_FILE: &str = "site.yml";

/// Settings from `site.yml`, with defaults applied.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub base_url: BaseUrl,
    pub language: String,
    pub description: Option<String>,
    pub theme: Option<String>,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub markdown: MarkdownConfig,
    pub links: LinksConfig,
    pub feeds: FeedsConfig,
    pub related: RelatedConfig,
    pub search: SearchConfig,
    pub check: CheckConfig,
    pub output_dir: Option<PathBuf>,
    pub extra: serde_json::Value,
    #[serde(skip)]
    pub schemas: BTreeMap<String, Schema>,
    /// File line and column of each top-level key, for findings about values.
    #[serde(skip)]
    pub key_positions: BTreeMap<String, (u32, u32)>,
    /// Changes whenever the settings do, for rebuilds to tell what to redo.
    #[serde(skip)]
    pub fingerprint: u64,
}

/// A taxonomy such as `topics`: pages list terms under this name.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyConfig {
    /// The front matter key and URL segment, e.g. `topics`.
    pub name: String,
    /// Shown to readers, e.g. "Topics".
    pub title: String,
    pub paginate_by: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarkdownConfig {
    pub smart_punctuation: bool,
    /// Pass editors' raw HTML through (the default: editors are trusted).
    /// Off, it is shown as text and script links are disarmed.
    pub unsafe_html: bool,
    /// Syntax highlighting theme for light mode.
    pub highlight_theme: String,
    /// Syntax highlighting theme used when the reader prefers a dark scheme.
    pub highlight_theme_dark: String,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            unsafe_html: true,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: "base16-ocean.dark".into(),
        }
    }
}

/// How strictly a class of problem is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinksConfig {
    /// What a broken internal link or anchor is.
    pub internal: Level,
}

/// Atom feeds for the site and its sections.
#[derive(Debug, Clone, Serialize)]
pub struct FeedsConfig {
    pub enabled: bool,
    /// Most recent entries per feed.
    pub limit: usize,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            enabled: true,
            limit: 20,
        }
    }
}

/// The site search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchConfig {
    /// Whether to build the index and the search page.
    pub enabled: bool,
    /// Taxonomies readers can narrow results by; by default, all of them.
    pub facets: Vec<String>,
    /// How much of each page's text results may quote, in bytes.
    pub excerpt_length: usize,
}

impl SearchConfig {
    fn with_defaults(taxonomies: &[TaxonomyConfig]) -> SearchConfig {
        SearchConfig {
            enabled: true,
            facets: taxonomies.iter().map(|t| t.name.clone()).collect(),
            excerpt_length: 1200,
        }
    }
}

/// How related pages are chosen.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedConfig {
    /// How many related pages each page gets.
    pub count: usize,
    /// Taxonomies whose shared terms make pages related; empty means all.
    pub taxonomies: Vec<String>,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig {
            count: 5,
            taxonomies: Vec::new(),
        }
    }
}

/// Values given on the command line or by the environment, which win over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
}

const TOP_LEVEL_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "description",
    "theme",
    "taxonomies",
    "markdown",
    "links",
    "feeds",
    "related",
    "search",
    "check",
    "output_dir",
    "extra",
    "schemas",
];
const SEARCH_KEYS: &[&str] = &["enabled", "facets", "excerpt_length"];
const MARKDOWN_KEYS: &[&str] = &[
    "smart_punctuation",
    "unsafe_html",
    "highlight_theme",
    "highlight_theme_dark",
];
const LINKS_KEYS: &[&str] = &["internal"];
const FEEDS_KEYS: &[&str] = &["enabled", "limit"];
const RELATED_KEYS: &[&str] = &["count", "taxonomies"];
const TAXONOMY_KEYS: &[&str] = &["name", "title", "paginate_by"];

/// Front matter keys a taxonomy may not take, since pages already use them.
pub const RESERVED_NAMES: &[&str] = &[
    "title",
    "link_title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "slug",
    "aliases",
    "template",
    "extra",
    "search",
    "page_schema",
    "page_template",
    "structured_data",
    "paginate_by",
    "sort_by",
];

impl Config {
    /// Read `site.yml` from the site root.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(vec![Diagnostic::error(
                    Code::Io,
                    format!("no {CONFIG_FILE} found in {}", root.display()),
                )
                .hint("run signposter from the site's folder, or pass --root DIR; a site needs a site.yml with at least `title` and `base_url`")]);
            }
            Err(error) => {
                return Err(vec![
                    Diagnostic::error(Code::Io, format!("cannot read {CONFIG_FILE}: {error}"))
                        .in_file(CONFIG_FILE),
                ]);
            }
        };
        Config::parse(&text, overrides)
    }

    /// Parse the text of `site.yml`.
    pub fn parse(text: &str, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc = Document::parse(Path::new(CONFIG_FILE), text, 1).map_err(|d| vec![d])?;
        let mut fields = doc.fields().map_err(|d| vec![d])?;

        let title = fields.required::<String>(
            "title",
            "add a line such as `title: Asylum mental health resources`",
        );
        let base_url_text = match &overrides.base_url {
            Some(url) => {
                fields.mark_taken("base_url");
                Some(url.clone())
            }
            None => fields.required::<String>(
                "base_url",
                "add the address the site will be published at, e.g. `base_url: https://example.org`",
            ),
        };
        let base_url = base_url_text.and_then(|text| match BaseUrl::parse(&text) {
            Ok(url) => Some(url),
            Err(message) => {
                let diagnostic = if overrides.base_url.is_some() {
                    Diagnostic::error(Code::InvalidValue, format!("--base-url: {message}"))
                } else {
                    doc.value_error(&fields.key_path("base_url"), Code::InvalidValue, format!("`base_url`: {message}"))
                };
                fields.report(diagnostic.hint("write the full address, e.g. `https://example.org` or `https://example.org/resources/`"));
                None
            }
        });
        let language = fields
            .optional::<String>("language")
            .unwrap_or_else(|| "en-GB".into());
        let description = fields.optional::<String>("description");
        let theme = fields.optional::<String>("theme");
        let output_dir = fields.optional::<String>("output_dir").map(PathBuf::from);
        let extra = fields
            .optional::<serde_json::Value>("extra")
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));

        let markdown = read_markdown(&mut fields);
        let links = read_links(&mut fields);
        let feeds = read_feeds(&mut fields);
        let taxonomies = read_taxonomies(&doc, &mut fields);
        let schemas = read_schemas(&mut fields, &taxonomies);
        let related = read_related(&mut fields, &taxonomies);
        let search = read_search(&mut fields, &taxonomies);
        let check = check::read_check(&mut fields);

        fields.reject_unknown(TOP_LEVEL_KEYS, CONFIG_FILE);
        if fields.has_errors() {
            return Err(fields.into_diagnostics());
        }
        match (title, base_url) {
            (Some(title), Some(base_url)) => Ok(Config {
                title,
                base_url,
                language,
                description,
                theme,
                taxonomies,
                markdown,
                links,
                feeds,
                related,
                search,
                check,
                output_dir,
                extra,
                schemas,
                key_positions: doc.top_level_positions(),
                fingerprint: crate::fingerprint::of((text, &overrides.base_url)),
            }),
            _ => Err(fields.into_diagnostics()),
        }
    }

    /// Where a top-level key of site.yml was written, as (line, column).
    pub fn position_of(&self, key: &str) -> Option<(usize, usize)> {
        self.key_positions
            .get(key)
            .map(|(l, c)| (*l as usize, *c as usize))
    }

    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }
}

fn read_markdown(fields: &mut Fields<'_>) -> MarkdownConfig {
    let mut config = MarkdownConfig::default();
    if let Some(mut md) = fields.child("markdown") {
        if let Some(smart) = md.optional("smart_punctuation") {
            config.smart_punctuation = smart;
        }
        if let Some(unsafe_html) = md.optional("unsafe_html") {
            config.unsafe_html = unsafe_html;
        }
        if let Some(theme) = md.optional("highlight_theme") {
            config.highlight_theme = theme;
        }
        if let Some(theme) = md.optional("highlight_theme_dark") {
            config.highlight_theme_dark = theme;
        }
        md.reject_unknown(MARKDOWN_KEYS, "`markdown`");
        fields.adopt(md);
    }
    config
}

fn read_links(fields: &mut Fields<'_>) -> LinksConfig {
    let mut config = LinksConfig {
        internal: Level::Error,
    };
    if let Some(mut links) = fields.child("links") {
        if let Some(level) = links.optional::<String>("internal") {
            match level.as_str() {
                "error" => config.internal = Level::Error,
                "warn" => config.internal = Level::Warn,
                other => {
                    let path = links.key_path("internal");
                    let diagnostic = links
                        .document()
                        .value_error(
                            &path,
                            Code::NotAllowedValue,
                            format!("`internal` must be `error` or `warn`, not `{other}`"),
                        )
                        .hint(crate::diagnostics::did_you_mean(other, &["error", "warn"]));
                    links.report(diagnostic);
                }
            }
        }
        links.reject_unknown(LINKS_KEYS, "`links`");
        fields.adopt(links);
    }
    config
}

fn read_feeds(fields: &mut Fields<'_>) -> FeedsConfig {
    let mut config = FeedsConfig::default();
    if let Some(mut feeds) = fields.child("feeds") {
        if let Some(enabled) = feeds.optional("enabled") {
            config.enabled = enabled;
        }
        if let Some(limit) = feeds.optional("limit") {
            config.limit = limit;
        }
        feeds.reject_unknown(FEEDS_KEYS, "`feeds`");
        fields.adopt(feeds);
    }
    config
}

fn read_search(fields: &mut Fields<'_>, taxonomies: &[TaxonomyConfig]) -> SearchConfig {
    let mut config = SearchConfig::with_defaults(taxonomies);
    if let Some(mut search) = fields.child("search") {
        if let Some(enabled) = search.optional("enabled") {
            config.enabled = enabled;
        }
        if let Some(length) = search.optional("excerpt_length") {
            config.excerpt_length = length;
        }
        if let Some(names) = search.optional::<Vec<String>>("facets") {
            check_taxonomy_names(&mut search, "facets", &names, taxonomies);
            config.facets = names;
        }
        search.reject_unknown(SEARCH_KEYS, "`search`");
        fields.adopt(search);
    }
    config
}

/// Report every name in `names` (the value of `key`) that is not a taxonomy.
pub(crate) fn check_taxonomy_names(
    fields: &mut Fields<'_>,
    key: &str,
    names: &[String],
    taxonomies: &[TaxonomyConfig],
) {
    let known: Vec<&str> = taxonomies.iter().map(|t| t.name.as_str()).collect();
    for name in names {
        if !known.contains(&name.as_str()) {
            let diagnostic = fields
                .value_diagnostic(
                    key,
                    Code::NotAllowedValue,
                    format!("`{name}` is not one of the site's taxonomies"),
                )
                .hint(crate::diagnostics::did_you_mean(name, &known));
            fields.report(diagnostic);
        }
    }
}

fn read_related(fields: &mut Fields<'_>, taxonomies: &[TaxonomyConfig]) -> RelatedConfig {
    let mut config = RelatedConfig::default();
    if let Some(mut related) = fields.child("related") {
        if let Some(count) = related.optional("count") {
            config.count = count;
        }
        if let Some(names) = related.optional::<Vec<String>>("taxonomies") {
            check_taxonomy_names(&mut related, "taxonomies", &names, taxonomies);
            config.taxonomies = names;
        }
        related.reject_unknown(RELATED_KEYS, "`related`");
        fields.adopt(related);
    }
    config
}

fn read_taxonomies<'d>(doc: &'d Document, fields: &mut Fields<'d>) -> Vec<TaxonomyConfig> {
    let Some(Value::Sequence(items)) = fields.value("taxonomies") else {
        if fields.contains("taxonomies") {
            let path = fields.key_path("taxonomies");
            fields.report(
                doc.value_error(
                    &path,
                    Code::InvalidValue,
                    "`taxonomies` should be a list".into(),
                )
                .hint("list one name per line, e.g.\n  taxonomies:\n    - topics\n    - audiences"),
            );
        }
        return Vec::new();
    };
    let mut taxonomies: Vec<TaxonomyConfig> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let item_path = vec![Segment::Key("taxonomies".into()), Segment::Index(index)];
        let taxonomy = match item {
            Value::String(name) => Some(TaxonomyConfig {
                title: title_case(name),
                name: name.clone(),
                paginate_by: None,
            }),
            Value::Mapping(map) => {
                let mut sub = Fields::for_mapping(doc, item_path.clone(), map);
                let name =
                    sub.required::<String>("name", "give the taxonomy a name, e.g. `name: topics`");
                let title = sub.optional::<String>("title");
                let paginate_by = sub.optional::<usize>("paginate_by");
                sub.reject_unknown(TAXONOMY_KEYS, "a taxonomy");
                fields.adopt(sub);
                name.map(|name| TaxonomyConfig {
                    title: title.unwrap_or_else(|| title_case(&name)),
                    name,
                    paginate_by,
                })
            }
            other => {
                fields.report(doc.key_error(
                    &item_path,
                    Code::InvalidValue,
                    format!(
                        "a taxonomy should be a name or a set of settings, found {}",
                        crate::yaml::describe(other)
                    ),
                ));
                None
            }
        };
        let Some(taxonomy) = taxonomy else { continue };
        let valid_name = !taxonomy.name.is_empty()
            && taxonomy
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !valid_name {
            fields.report(
                doc.key_error(
                    &item_path,
                    Code::InvalidValue,
                    format!("taxonomy name `{}` is not usable in a URL", taxonomy.name),
                )
                .hint("use lower-case letters, digits, `-` or `_`, e.g. `topics`"),
            );
        } else if RESERVED_NAMES.contains(&taxonomy.name.as_str()) {
            fields.report(
                doc.key_error(
                    &item_path,
                    Code::InvalidValue,
                    format!(
                        "`{}` is a built-in front matter field and cannot be a taxonomy",
                        taxonomy.name
                    ),
                )
                .hint("choose another name, such as `topics`"),
            );
        } else if taxonomies.iter().any(|t| t.name == taxonomy.name) {
            fields.report(doc.key_error(
                &item_path,
                Code::InvalidValue,
                format!("taxonomy `{}` is declared twice", taxonomy.name),
            ));
        } else {
            taxonomies.push(taxonomy);
        }
    }
    taxonomies
}

fn read_schemas(
    fields: &mut Fields<'_>,
    taxonomies: &[TaxonomyConfig],
) -> BTreeMap<String, Schema> {
    let mut schemas = BTreeMap::new();
    let Some(mut all) = fields.child("schemas") else {
        return schemas;
    };
    for (name, _) in all.remaining() {
        if let Some(mut one) = all.child(&name) {
            if let Some(schema) = Schema::read(&name, &mut one, taxonomies) {
                schemas.insert(name.clone(), schema);
            }
            all.adopt(one);
        }
    }
    fields.adopt(all);
    schemas
}

/// "audiences" → "Audiences"; "study_types" → "Study types".
pub fn title_case(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where a finding about the config file points when no line applies.
pub fn config_location() -> Location {
    Location::file(CONFIG_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(text, &Overrides::default())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse("title: T\nbase_url: https://example.org\n").unwrap();
        assert_eq!(config.language, "en-GB");
        assert!(config.markdown.smart_punctuation);
        assert_eq!(config.links.internal, Level::Error);
        assert!(config.taxonomies.is_empty());
    }

    #[test]
    fn unknown_key_suggests_the_nearest() {
        let errors = parse("title: T\nbase_url: https://e.org\nlanguag: fr\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, Code::UnknownField);
        assert_eq!(errors[0].location.as_ref().unwrap().line, 3);
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `language`?"));
    }

    #[test]
    fn reports_every_problem_at_once() {
        let errors = parse("base_url: nope\nmarkdown:\n  smart_punctuation: often\nlinks:\n  internal: sometimes\n").unwrap_err();
        let codes: Vec<_> = errors.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::MissingField), "{codes:?}");
        assert!(codes.contains(&Code::InvalidValue));
        assert!(codes.contains(&Code::NotAllowedValue));
        assert!(errors.len() >= 4, "{errors:#?}");
    }

    #[test]
    fn taxonomies_accept_names_or_settings() {
        let config = parse("title: T\nbase_url: https://e.org\ntaxonomies:\n  - topics\n  - name: audiences\n    paginate_by: 10\n").unwrap();
        assert_eq!(config.taxonomies[0].title, "Topics");
        assert_eq!(config.taxonomies[1].paginate_by, Some(10));
    }

    #[test]
    fn feeds_and_related_have_defaults_and_are_checked() {
        let config = parse("title: T\nbase_url: https://e.org\n").unwrap();
        assert!(config.feeds.enabled);
        assert_eq!((config.feeds.limit, config.related.count), (20, 5));
        let errors = parse("title: T\nbase_url: https://e.org\ntaxonomies: [topics]\nrelated:\n  taxonomies: [topic]\nfeeds:\n  limt: 3\n").unwrap_err();
        let hints: Vec<_> = errors.iter().filter_map(|e| e.hint.as_deref()).collect();
        assert_eq!(hints, ["did you mean `limit`?", "did you mean `topics`?"]);
    }

    #[test]
    fn taxonomy_may_not_shadow_a_builtin_field() {
        let errors = parse("title: T\nbase_url: https://e.org\ntaxonomies: [title]\n").unwrap_err();
        assert_eq!(errors[0].code, Code::InvalidValue);
    }

    #[test]
    fn base_url_override_wins_and_is_validated() {
        let overrides = Overrides {
            base_url: Some("http://127.0.0.1:1111".into()),
        };
        let config = Config::parse("title: T\nbase_url: https://e.org\n", &overrides).unwrap();
        assert_eq!(config.base_url.permalink("/a/"), "http://127.0.0.1:1111/a/");
    }
}
