//! The values templates see: `site`, `page` and `section`, built once per
//! page and shared (Tera values are reference-counted, so listings are cheap).

use tera::{Map, Value};

/// A small builder for template objects.
#[derive(Default)]
pub struct Obj(Map);

impl Obj {
    pub fn new() -> Obj {
        Obj(Map::default())
    }

    /// Start from an existing object's fields.
    pub fn extend(value: &Value) -> Obj {
        let mut map = Map::default();
        if let Some(existing) = value.as_map() {
            for (key, value) in existing {
                map.insert(key.clone(), value.clone());
            }
        }
        Obj(map)
    }

    /// Text, escaped when printed.
    pub fn text(mut self, key: &'static str, value: &str) -> Obj {
        self.0.insert(key.into(), Value::from(value));
        self
    }

    /// Optional text: absent values are `none`, so `{% if page.description %}` works.
    pub fn maybe_text(mut self, key: &'static str, value: Option<&str>) -> Obj {
        self.0
            .insert(key.into(), value.map_or_else(Value::none, Value::from));
        self
    }

    /// HTML that templates print as it is.
    pub fn html(mut self, key: &'static str, html: &str) -> Obj {
        self.0.insert(key.into(), Value::safe_string(html));
        self
    }

    pub fn value(mut self, key: &'static str, value: Value) -> Obj {
        self.0.insert(key.into(), value);
        self
    }

    pub fn json(mut self, key: &'static str, value: &serde_json::Value) -> Obj {
        self.0.insert(key.into(), Value::from_serializable(value));
        self
    }

    pub fn int(mut self, key: &'static str, value: i64) -> Obj {
        self.0.insert(key.into(), Value::from(value));
        self
    }

    pub fn maybe_int(mut self, key: &'static str, value: Option<i64>) -> Obj {
        self.0
            .insert(key.into(), value.map_or_else(Value::none, Value::from));
        self
    }

    pub fn flag(mut self, key: &'static str, value: bool) -> Obj {
        self.0.insert(key.into(), Value::from(value));
        self
    }

    pub fn build(self) -> Value {
        Value::from(self.0)
    }
}

/// `none` for a missing value.
pub fn or_none(value: Option<Value>) -> Value {
    value.unwrap_or_else(Value::none)
}

/// A list value.
pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
    Value::from(items.into_iter().collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_objects_with_safe_and_plain_strings() {
        let value = Obj::new()
            .text("title", "<b>")
            .html("content", "<p>x</p>")
            .maybe_text("description", None)
            .build();
        let get = |key: &str| value.get_from_path(key).unwrap().clone();
        assert!(!get("title").is_safe());
        assert!(get("content").is_safe());
        assert!(get("description").is_none());
    }
}
