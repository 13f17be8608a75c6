//! Content schemas: what the pages of a section must carry in front matter,
//! declared in `site.yml` and checked for every page they apply to.

use serde::Serialize;

use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::yaml::{Fields, Value, ValueError};

use super::{RESERVED_NAMES, TaxonomyConfig};

/// A named set of field rules, e.g. `resource`.
#[derive(Debug, Clone, Serialize)]
pub struct Schema {
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<FieldRule>,
    /// The schema.org type pages of this schema describe.
    pub structured_data: Option<StructuredDataType>,
}

/// The schema.org types signposter can describe a page as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StructuredDataType {
    WebPage,
    MedicalWebPage,
    Article,
    Organization,
    Event,
}

impl StructuredDataType {
    pub const NAMES: &'static [&'static str] = &[
        "WebPage",
        "MedicalWebPage",
        "Article",
        "Organization",
        "Event",
    ];

    pub fn parse(name: &str) -> Option<StructuredDataType> {
        Some(match name {
            "WebPage" => StructuredDataType::WebPage,
            "MedicalWebPage" => StructuredDataType::MedicalWebPage,
            "Article" => StructuredDataType::Article,
            "Organization" => StructuredDataType::Organization,
            "Event" => StructuredDataType::Event,
            _ => return None,
        })
    }

    /// Read a type name from a field, reporting a suggestion when it is unknown.
    pub fn read(fields: &mut Fields<'_>, key: &str) -> Option<StructuredDataType> {
        let name = fields.optional::<String>(key)?;
        let parsed = StructuredDataType::parse(&name);
        if parsed.is_none() {
            let diagnostic = fields
                .value_diagnostic(
                    key,
                    Code::NotAllowedValue,
                    format!("`{name}` is not a structured data type signposter knows"),
                )
                .hint(did_you_mean(&name, StructuredDataType::NAMES));
            fields.report(diagnostic);
        }
        parsed
    }
}

/// One field a schema allows or requires.
#[derive(Debug, Clone, Serialize)]
pub struct FieldRule {
    pub name: String,
    pub field_type: FieldType,
    pub required: bool,
    /// A short explanation shown in errors about this field.
    pub description: Option<String>,
    /// What readers see beside the value, e.g. "How often".
    pub label: String,
    /// Set when the field is one of the site's taxonomies.
    pub is_taxonomy: bool,
}

impl FieldType {
    /// The type's name as written in `site.yml`.
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Date => "date",
            FieldType::Url => "url",
            FieldType::Email => "email",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::List { .. } => "list",
            FieldType::Enum { .. } => "enum",
        }
    }
}

/// The kinds of value a schema field can hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum FieldType {
    String,
    Date,
    Url,
    Email,
    Integer,
    Boolean,
    /// A list of text items, limited to `values` when given.
    List {
        values: Option<Vec<String>>,
    },
    /// One of a fixed set of values.
    Enum {
        values: Vec<String>,
    },
}

const SCHEMA_KEYS: &[&str] = &["description", "fields", "structured_data"];
const RULE_KEYS: &[&str] = &["type", "required", "description", "values", "label"];
const TYPE_NAMES: &[&str] = &[
    "string", "date", "url", "email", "integer", "boolean", "list", "enum",
];

impl Schema {
    /// Read one schema from its mapping in `site.yml`.
    pub fn read(
        name: &str,
        fields: &mut Fields<'_>,
        taxonomies: &[TaxonomyConfig],
    ) -> Option<Schema> {
        let description = fields.optional::<String>("description");
        let structured_data = StructuredDataType::read(fields, "structured_data");
        let mut rules = Vec::new();
        if let Some(mut all) = fields.child("fields") {
            for (field_name, _) in all.remaining() {
                let Some(mut rule) = all.child(&field_name) else {
                    continue;
                };
                if let Some(parsed) = FieldRule::read(&field_name, &mut rule, taxonomies) {
                    rules.push(parsed);
                }
                all.adopt(rule);
            }
            fields.adopt(all);
        } else if !fields.has_errors() {
            let (location, _) = fields.document().locate(&fields.key_path("fields")[..1]);
            fields.report(
                Diagnostic::error(Code::MissingField, format!("schema `{name}` has no `fields`"))
                    .at(location)
                    .hint("list the fields, e.g.\n  fields:\n    provider: { type: string, required: true }"),
            );
        }
        fields.reject_unknown(SCHEMA_KEYS, &format!("schema `{name}`"));
        Some(Schema {
            name: name.to_string(),
            description,
            fields: rules,
            structured_data,
        })
    }

    pub fn rule(&self, name: &str) -> Option<&FieldRule> {
        self.fields.iter().find(|r| r.name == name)
    }
}

impl FieldRule {
    fn read(
        name: &str,
        fields: &mut Fields<'_>,
        taxonomies: &[TaxonomyConfig],
    ) -> Option<FieldRule> {
        let type_name = fields.required::<String>(
            "type",
            &format!("give the field a type: one of {}", TYPE_NAMES.join(", ")),
        );
        let required = fields.optional::<bool>("required").unwrap_or(false);
        let description = fields.optional::<String>("description");
        let values = fields.optional::<Vec<String>>("values");
        let label = fields
            .optional::<String>("label")
            .unwrap_or_else(|| super::title_case(name));
        fields.reject_unknown(RULE_KEYS, &format!("field `{name}`"));

        let is_taxonomy = taxonomies.iter().any(|t| t.name == name);
        let mut problem = |key: &str, code: Code, message: String, hint: String| {
            let diagnostic = fields.value_diagnostic(key, code, message).hint(hint);
            fields.report(diagnostic);
        };
        if RESERVED_NAMES.contains(&name) {
            problem(
                "type",
                Code::InvalidValue,
                format!(
                    "`{name}` is a built-in front matter field and cannot be redefined by a schema"
                ),
                "choose another field name".into(),
            );
            return None;
        }
        let field_type = match type_name?.as_str() {
            "string" => FieldType::String,
            "date" => FieldType::Date,
            "url" => FieldType::Url,
            "email" => FieldType::Email,
            "integer" => FieldType::Integer,
            "boolean" => FieldType::Boolean,
            "list" => FieldType::List {
                values: values.clone(),
            },
            "enum" => match values.clone() {
                Some(values) if !values.is_empty() => FieldType::Enum { values },
                _ => {
                    problem(
                        "type",
                        Code::MissingField,
                        format!("enum field `{name}` needs a list of `values`"),
                        "add e.g. `values: [online, face-to-face, hybrid]`".into(),
                    );
                    return None;
                }
            },
            other => {
                problem(
                    "type",
                    Code::NotAllowedValue,
                    format!("`{other}` is not a field type"),
                    did_you_mean(other, TYPE_NAMES),
                );
                return None;
            }
        };
        if values.is_some()
            && !matches!(field_type, FieldType::List { .. } | FieldType::Enum { .. })
        {
            problem(
                "values",
                Code::InvalidValue,
                format!(
                    "`values` only applies to `list` and `enum` fields, and `{name}` is not one"
                ),
                "remove `values`, or change the type".into(),
            );
        }
        if is_taxonomy && !matches!(field_type, FieldType::List { .. }) {
            problem(
                "type",
                Code::InvalidValue,
                format!("`{name}` is a taxonomy, so its schema type must be `list`"),
                "write `type: list`, with `values` to limit the terms".into(),
            );
            return None;
        }
        Some(FieldRule {
            name: name.to_string(),
            field_type,
            required,
            description,
            label,
            is_taxonomy,
        })
    }

    /// Check a front matter value against this rule, returning it as JSON for templates.
    pub fn check(&self, value: &Value) -> Result<serde_json::Value, ValueError> {
        let json = |v: &Value| crate::yaml::to_json(v);
        match &self.field_type {
            FieldType::String => String::from_yaml_checked(value).map(serde_json::Value::String),
            FieldType::Date => <Date as crate::yaml::FromYaml>::from_yaml(value)
                .map(|d| serde_json::Value::String(d.to_string())),
            FieldType::Url => {
                let text = String::from_yaml_checked(value)?;
                check_url(&text)?;
                Ok(serde_json::Value::String(text))
            }
            FieldType::Email => {
                let text = String::from_yaml_checked(value)?;
                check_email(&text)?;
                Ok(serde_json::Value::String(text))
            }
            FieldType::Integer => {
                <i64 as crate::yaml::FromYaml>::from_yaml(value).map(serde_json::Value::from)
            }
            FieldType::Boolean => {
                <bool as crate::yaml::FromYaml>::from_yaml(value).map(serde_json::Value::Bool)
            }
            FieldType::List { values } => {
                let items = <Vec<String> as crate::yaml::FromYaml>::from_yaml(value)?;
                if let Some(allowed) = values {
                    for item in &items {
                        check_allowed(item, allowed)?;
                    }
                }
                if self.required && items.is_empty() {
                    return Err(
                        ValueError::new("the list is empty but this field is required")
                            .code(Code::MissingField),
                    );
                }
                Ok(json(value))
            }
            FieldType::Enum { values } => {
                let text = String::from_yaml_checked(value)?;
                check_allowed(&text, values)?;
                Ok(serde_json::Value::String(text))
            }
        }
    }

    /// The field's description as a sentence for hints.
    pub fn explain(&self) -> Option<String> {
        self.description
            .as_ref()
            .map(|d| format!("`{}`: {d}", self.name))
    }
}

trait FromYamlChecked: Sized {
    fn from_yaml_checked(value: &Value) -> Result<Self, ValueError>;
}

impl FromYamlChecked for String {
    fn from_yaml_checked(value: &Value) -> Result<Self, ValueError> {
        let text = <String as crate::yaml::FromYaml>::from_yaml(value)?;
        if text.trim().is_empty() {
            return Err(ValueError::new("is empty").code(Code::MissingField));
        }
        Ok(text)
    }
}

fn check_allowed(value: &str, allowed: &[String]) -> Result<(), ValueError> {
    if allowed.iter().any(|a| a == value) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let list = names.join(", ");
    let error = ValueError::new(format!(
        "`{value}` is not one of the allowed values: {list}"
    ))
    .code(Code::NotAllowedValue);
    Err(
        match crate::diagnostics::closest(value, names.iter().copied()) {
            Some(best) => error.hint(format!("did you mean `{best}`?")),
            None => error,
        },
    )
}

/// A web address editors can link to: http(s) with a host.
pub fn check_url(text: &str) -> Result<(), ValueError> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !text.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(ValueError::new(format!("`{text}` is not a web address"))
            .hint("write the full address, starting with https://")),
    }
}

pub fn check_email(text: &str) -> Result<(), ValueError> {
    let valid = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(ValueError::new(format!("`{text}` is not an email address"))
            .hint("write it like name@example.org"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(field_type: FieldType) -> FieldRule {
        FieldRule {
            name: "f".into(),
            field_type,
            required: true,
            description: None,
            label: "F".into(),
            is_taxonomy: false,
        }
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn enum_typo_suggests_the_closest_value() {
        let r = rule(FieldType::Enum {
            values: vec!["free".into(), "paid".into()],
        });
        let err = r.check(&yaml("fre")).unwrap_err();
        assert_eq!(
            err.message,
            "`fre` is not one of the allowed values: free, paid"
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean `free`?"));
        assert_eq!(err.code, Some(Code::NotAllowedValue));
        assert!(r.check(&yaml("paid")).is_ok());
    }

    #[test]
    fn list_values_are_limited() {
        let r = rule(FieldType::List {
            values: Some(vec!["online".into(), "face-to-face".into()]),
        });
        assert!(r.check(&yaml("[online]")).is_ok());
        assert!(r.check(&yaml("[onlin]")).is_err());
        assert!(r.check(&yaml("[]")).is_err());
    }

    #[test]
    fn urls_and_emails() {
        assert!(
            rule(FieldType::Url)
                .check(&yaml("https://balint.co.uk"))
                .is_ok()
        );
        assert!(rule(FieldType::Url).check(&yaml("balint.co.uk")).is_err());
        assert!(rule(FieldType::Email).check(&yaml("a@b.org")).is_ok());
        assert!(rule(FieldType::Email).check(&yaml("a@b")).is_err());
        assert!(rule(FieldType::Email).check(&yaml("a b@c.org")).is_err());
    }

    #[test]
    fn dates_are_checked() {
        assert!(rule(FieldType::Date).check(&yaml("2026-02-29")).is_err());
        assert_eq!(
            rule(FieldType::Date).check(&yaml("2026-02-28")).unwrap(),
            "2026-02-28"
        );
    }
}
