//! Converting YAML values into Rust types with messages an editor can act on.

use super::Value;
use crate::diagnostics::Code;

/// Why a value could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    pub hint: Option<String>,
    /// A more specific code than `invalid-value`, such as `invalid-date`.
    pub code: Option<Code>,
}

impl ValueError {
    pub fn expected(what: &str, found: &Value) -> Self {
        ValueError {
            message: format!("expected {what}, found {}", describe(found)),
            hint: None,
            code: None,
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }
}

/// A type that can be read from a YAML value.
pub trait FromYaml: Sized {
    fn from_yaml(value: &Value) -> Result<Self, ValueError>;
}

/// How a value looks, in words: "a list", "the number 3".
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => "text".into(),
        Value::String(s) => format!("the text \"{s}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a set of `name: value` lines".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

impl FromYaml for String {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        // Editors write `title: 2024`; a scalar is text wherever text is expected.
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(ValueError::expected("text", other)
                .hint("write the text on one line after the colon, in quotes if it contains `: `")),
        }
    }
}

impl FromYaml for bool {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(ValueError::expected("`true` or `false`", other)),
        }
    }
}

impl FromYaml for i64 {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::Number(n) if n.as_i64().is_some() => Ok(n.as_i64().unwrap_or_default()),
            other => Err(ValueError::expected("a whole number", other)),
        }
    }
}

impl FromYaml for usize {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::Number(n) => n
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| ValueError::expected("a whole number of 0 or more", value)),
            other => Err(ValueError::expected("a whole number of 0 or more", other)),
        }
    }
}

impl FromYaml for f64 {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| ValueError::expected("a number", value)),
            other => Err(ValueError::expected("a number", other)),
        }
    }
}

impl FromYaml for Vec<String> {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        match value {
            Value::Sequence(items) => items
                .iter()
                .map(|item| match item {
                    Value::String(_) | Value::Number(_) | Value::Bool(_) => String::from_yaml(item),
                    other => Err(ValueError::expected("a list of text items", other)),
                })
                .collect(),
            Value::String(s) => Err(ValueError::expected("a list", value).hint(format!(
                "write a list in square brackets: `[{s}]`, or one item per line starting with `- `"
            ))),
            other => Err(ValueError::expected("a list", other)),
        }
    }
}

impl FromYaml for Value {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        Ok(value.clone())
    }
}

impl FromYaml for serde_json::Value {
    fn from_yaml(value: &Value) -> Result<Self, ValueError> {
        Ok(super::to_json(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn scalars_read_as_text() {
        assert_eq!(String::from_yaml(&yaml("2024")).unwrap(), "2024");
        assert!(String::from_yaml(&yaml("[a]")).is_err());
    }

    #[test]
    fn a_bare_string_where_a_list_is_expected_gets_a_list_hint() {
        let err = Vec::<String>::from_yaml(&yaml("supervision, wellbeing")).unwrap_err();
        assert!(err.hint.unwrap().contains("[supervision, wellbeing]"));
    }

    #[test]
    fn numbers_are_checked() {
        assert_eq!(i64::from_yaml(&yaml("-3")).unwrap(), -3);
        assert!(i64::from_yaml(&yaml("heavy")).is_err());
        assert!(usize::from_yaml(&yaml("-1")).is_err());
    }
}
