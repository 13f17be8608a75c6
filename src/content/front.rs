//! The fields of a page's or section's front matter, read strictly: built-in
//! fields, the site's taxonomies and the fields of the page's schema.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Config, Schema};
use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::yaml::{Document, Fields};

use super::slug::check_slug;

/// Whether front matter belongs to a page or to a section's `_index.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Page,
    Section,
}

/// Front matter after validation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FrontMatter {
    pub title: String,
    /// A shorter title for navigation and breadcrumbs.
    pub link_title: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub weight: Option<i64>,
    pub draft: bool,
    /// The cleaned slug, when one was given.
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    /// Whether the page goes into the search index.
    pub search: bool,
    /// Terms by taxonomy, in the order the taxonomies are declared.
    pub taxonomies: Vec<(String, Vec<String>)>,
    /// Values of the schema's fields, ready for templates.
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub extra: serde_json::Value,
    /// Sections only: the template for the pages inside.
    pub page_template: Option<String>,
    /// Sections only: the schema the pages inside must follow.
    pub page_schema: Option<String>,
    /// Sections only: how many pages per listing page.
    pub paginate_by: Option<usize>,
    /// Sections only: taxonomies readers can filter the listing by.
    pub filters: Vec<String>,
    /// `check` rules turned off for this page, with the editor's reasons.
    pub check_disabled: Vec<crate::config::DisabledRule>,
    /// The schema.org type to describe this page (or, on a section, its pages) as.
    pub structured_data: Option<crate::config::StructuredDataType>,
    /// File line and column of each top-level key, for findings about values.
    #[serde(skip)]
    pub key_positions: BTreeMap<String, (u32, u32)>,
}

impl FrontMatter {
    pub fn terms(&self, taxonomy: &str) -> &[String] {
        self.taxonomies
            .iter()
            .find(|(name, _)| name == taxonomy)
            .map_or(&[], |(_, terms)| terms.as_slice())
    }

    /// Where a top-level key was written, as (line, column).
    pub fn position_of(&self, key: &str) -> Option<(usize, usize)> {
        self.key_positions
            .get(key)
            .map(|(l, c)| (*l as usize, *c as usize))
    }
}

const COMMON_KEYS: &[&str] = &[
    "title",
    "link_title",
    "description",
    "weight",
    "slug",
    "aliases",
    "template",
    "search",
    "extra",
    "date",
    "updated",
    "structured_data",
    "check",
];
const PAGE_KEYS: &[&str] = &["draft"];
const SECTION_KEYS: &[&str] = &["page_template", "page_schema", "paginate_by", "filters"];

/// Read front matter. Returns `None` when a required field is missing or
/// invalid; every problem found is in the returned diagnostics either way.
pub fn read(
    doc: &Document,
    kind: Kind,
    config: &Config,
    schema: Option<&Schema>,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let mut fields = match doc.fields() {
        Ok(fields) => fields,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let mut front = FrontMatter {
        search: true,
        extra: serde_json::Value::Object(Default::default()),
        ..FrontMatter::default()
    };
    let title = fields.required::<String>("title", "add a line such as `title: Interpreters`");
    front.description = fields.optional("description");
    front.link_title = fields.optional("link_title");
    front.date = fields.optional("date");
    front.updated = fields.optional("updated");
    front.weight = fields.optional("weight");
    front.template = fields.optional("template");
    front.search = fields.optional("search").unwrap_or(true);
    if let Some(extra) = fields.optional("extra") {
        front.extra = extra;
    }
    front.aliases = fields.optional("aliases").unwrap_or_default();
    front.structured_data = crate::config::StructuredDataType::read(&mut fields, "structured_data");
    if let Some(mut check) = fields.child("check") {
        front.check_disabled = crate::config::check::read_disabled(&mut check);
        check.reject_unknown(crate::config::check::FRONT_MATTER_CHECK_KEYS, "`check`");
        fields.adopt(check);
    }
    if let Some(slug) = fields.optional::<String>("slug") {
        match check_slug(&slug) {
            Ok(clean) => front.slug = Some(clean),
            Err(message) => {
                let path = fields.key_path("slug");
                let diagnostic = doc
                    .value_error(&path, Code::InvalidPath, message)
                    .hint("a slug is one URL segment of letters, digits and hyphens, e.g. `slug: interpreters`");
                fields.report(diagnostic);
            }
        }
    }

    let mut known: Vec<&str> = COMMON_KEYS.to_vec();
    match kind {
        Kind::Page => {
            front.draft = fields.optional("draft").unwrap_or(false);
            known.extend_from_slice(PAGE_KEYS);
        }
        Kind::Section => {
            front.page_template = fields.optional("page_template");
            front.paginate_by = fields.optional("paginate_by");
            if let Some(names) = fields.optional::<Vec<String>>("filters") {
                crate::config::check_taxonomy_names(
                    &mut fields,
                    "filters",
                    &names,
                    &config.taxonomies,
                );
                front.filters = names;
            }
            if let Some(name) = fields.optional::<String>("page_schema") {
                if config.schemas.contains_key(&name) {
                    front.page_schema = Some(name);
                } else {
                    let names: Vec<&str> = config.schemas.keys().map(String::as_str).collect();
                    let hint = if names.is_empty() {
                        "declare schemas under `schemas:` in site.yml".to_string()
                    } else {
                        did_you_mean(&name, &names)
                    };
                    let path = fields.key_path("page_schema");
                    fields.report(
                        doc.value_error(
                            &path,
                            Code::NotAllowedValue,
                            format!("there is no schema called `{name}` in site.yml"),
                        )
                        .hint(hint),
                    );
                }
            }
            known.extend_from_slice(SECTION_KEYS);
        }
    }

    for taxonomy in &config.taxonomies {
        known.push(&taxonomy.name);
        let Some(terms) = fields.optional::<Vec<String>>(&taxonomy.name) else {
            continue;
        };
        let mut clean: Vec<String> = Vec::with_capacity(terms.len());
        for term in terms {
            let term = term.trim().to_string();
            if term.is_empty() {
                let path = fields.key_path(&taxonomy.name);
                fields.report(doc.value_error(
                    &path,
                    Code::InvalidValue,
                    format!("`{}` contains an empty term", taxonomy.name),
                ));
            } else if !clean.contains(&term) {
                clean.push(term);
            }
        }
        front.taxonomies.push((taxonomy.name.clone(), clean));
    }

    if let Some(schema) = schema {
        check_schema(doc, &mut fields, &mut front, schema);
        known.extend(schema.fields.iter().map(|r| r.name.as_str()));
    }

    let what = match kind {
        Kind::Page => "front matter",
        Kind::Section => "section front matter",
    };
    fields.reject_unknown(&known, what);

    front.key_positions = doc.top_level_positions();

    let ok = !fields.has_errors();
    let diagnostics = fields.into_diagnostics();
    match title {
        Some(title) if ok => {
            front.title = title;
            (Some(front), diagnostics)
        }
        _ => (None, diagnostics),
    }
}

fn check_schema(doc: &Document, fields: &mut Fields<'_>, front: &mut FrontMatter, schema: &Schema) {
    for rule in &schema.fields {
        let explain = rule.explain();
        let Some(value) = fields.optional::<crate::yaml::Value>(&rule.name) else {
            if rule.required {
                let (location, _) = doc.locate(&[]);
                let example = match &rule.field_type {
                    crate::config::FieldType::List { values: Some(v) }
                    | crate::config::FieldType::Enum { values: v } => {
                        format!("allowed values: {}", v.join(", "))
                    }
                    _ => format!("add `{}: ...`", rule.name),
                };
                fields.report(
                    Diagnostic::error(
                        Code::MissingField,
                        format!(
                            "missing `{}`, which the `{}` schema requires",
                            rule.name, schema.name
                        ),
                    )
                    .at(location)
                    .hint(match &explain {
                        Some(e) => format!("{e}; {example}"),
                        None => example,
                    }),
                );
            }
            continue;
        };
        match rule.check(&value) {
            Ok(json) => {
                if !rule.is_taxonomy {
                    front.fields.insert(rule.name.clone(), json);
                }
            }
            Err(error) => {
                let path = fields.key_path(&rule.name);
                let code = error.code.unwrap_or(Code::InvalidValue);
                let mut diagnostic = doc
                    .value_error(&path, code, format!("`{}`: {}", rule.name, error.message))
                    .maybe_hint(error.hint);
                if let Some(explain) = explain {
                    diagnostic = diagnostic.note(explain);
                }
                fields.report(diagnostic);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use std::path::Path;

    const SITE: &str = "title: T\nbase_url: https://e.org\ntaxonomies: [topics, costs]\nschemas:\n  resource:\n    fields:\n      provider: { type: string, required: true, description: who runs it }\n      costs: { type: list, values: [free, paid], required: true }\n      format: { type: enum, values: [online, face-to-face, hybrid] }\n";

    fn read_page(yaml: &str, schema: Option<&str>) -> (Option<FrontMatter>, Vec<Diagnostic>) {
        let config = Config::parse(SITE, &Overrides::default()).unwrap();
        let doc = Document::parse(Path::new("content/a.md"), yaml, 2).unwrap();
        let schema = schema.map(|s| &config.schemas[s]);
        read(&doc, Kind::Page, &config, schema)
    }

    #[test]
    fn reads_built_in_fields_and_taxonomies() {
        let (front, diags) = read_page(
            "title: A\ndate: 2025-06-20\ntopics: [Balint groups, Balint groups, Supervision]\nweight: 3\n",
            None,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let front = front.unwrap();
        assert_eq!(front.title, "A");
        assert_eq!(front.terms("topics"), ["Balint groups", "Supervision"]);
        assert_eq!(front.weight, Some(3));
        assert_eq!(front.position_of("weight"), Some((5, 1)));
    }

    #[test]
    fn unknown_key_suggests_description() {
        let (front, diags) = read_page("title: A\ndescripton: x\n", None);
        assert!(front.is_none());
        assert_eq!(diags[0].code, Code::UnknownField);
        assert_eq!(
            diags[0].hint.as_deref(),
            Some("did you mean `description`?")
        );
    }

    #[test]
    fn schema_fields_are_allowed_checked_and_required() {
        let (front, diags) = read_page(
            "title: A\nprovider: Balint Society\ncosts: [free]\nformat: online\n",
            Some("resource"),
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(front.unwrap().fields["provider"], "Balint Society");

        let (_, diags) = read_page("title: A\ncosts: [fre]\nformat: onlin\n", Some("resource"));
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::MissingField,
                Code::NotAllowedValue,
                Code::NotAllowedValue
            ]
        );
        assert_eq!(diags[2].hint.as_deref(), Some("did you mean `online`?"));
        assert_eq!(diags[2].location.as_ref().unwrap().line, 4);
    }

    #[test]
    fn schema_fields_are_unknown_without_the_schema() {
        let (_, diags) = read_page("title: A\nprovider: x\n", None);
        assert_eq!(diags[0].code, Code::UnknownField);
    }

    #[test]
    fn unsafe_slug_is_an_error() {
        let (_, diags) = read_page("title: A\nslug: ../../etc\n", None);
        assert_eq!(diags[0].code, Code::InvalidPath);
    }

    #[test]
    fn impossible_date_is_located() {
        let (_, diags) = read_page("title: A\ndate: 2025-02-30\n", None);
        assert_eq!(diags[0].code, Code::InvalidDate);
        let location = diags[0].location.as_ref().unwrap();
        assert_eq!((location.line, location.column), (3, 7));
    }
}
