//! The one place YAML is parsed: documents that remember where each key is,
//! and strict, typed reading of their fields with clear, located errors.
//!
//! `serde_yaml` is archived, so nothing else in the crate names it. Swapping
//! the parser means changing this module only.

mod hints;
mod keys;
mod value;

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value as RawValue};

use crate::diagnostics::{Code, Diagnostic, Location, did_you_mean, line_text};

pub use keys::{KeyIndex, KeyPosition, Segment};
pub use value::{FromYaml, ValueError, describe};

/// A parsed YAML value. Re-exported so callers need not depend on the parser.
pub type Value = RawValue;
/// A parsed YAML mapping.
pub type Map = Mapping;

/// A YAML document with the positions of its keys.
#[derive(Debug, Clone)]
pub struct Document {
    path: PathBuf,
    text: String,
    /// The file line on which the YAML text starts (1 for a whole file,
    /// 2 for front matter after its opening `---`).
    first_line: usize,
    root: Value,
    keys: KeyIndex,
}

impl Document {
    /// Parse `text`, found in `path` starting at file line `first_line`.
    pub fn parse(path: &Path, text: &str, first_line: usize) -> Result<Document, Diagnostic> {
        let root = match serde_yaml::from_str::<Value>(text) {
            Ok(value) => value,
            Err(error) => return Err(syntax_error(path, text, first_line, &error)),
        };
        Ok(Document {
            path: path.to_path_buf(),
            text: text.to_string(),
            first_line,
            keys: KeyIndex::scan(text),
            root,
        })
    }

    pub fn root(&self) -> &Value {
        &self.root
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Strict reader over the top-level mapping. An empty document reads as an
    /// empty mapping; anything else that is not a mapping is an error.
    pub fn fields(&self) -> Result<Fields<'_>, Diagnostic> {
        match &self.root {
            Value::Mapping(map) => Ok(Fields::new(self, Vec::new(), Some(map))),
            Value::Null => Ok(Fields::new(self, Vec::new(), None)),
            other => Err(Diagnostic::error(
                Code::InvalidValue,
                format!("expected `key: value` lines, found {}", describe(other)),
            )
            .at(self.location_of_line(1, 1))
            .hint("each line should look like `title: My page`")),
        }
    }

    /// File line and column of each top-level key.
    pub fn top_level_positions(&self) -> std::collections::BTreeMap<String, (u32, u32)> {
        self.root
            .as_mapping()
            .into_iter()
            .flatten()
            .map(|(key, _)| {
                let key = key_string(key);
                let (location, _) = self.locate(&[Segment::Key(key.clone())]);
                (key, (location.line as u32, location.column as u32))
            })
            .collect()
    }

    /// The file location of a key (or, failing that, its nearest located parent).
    pub fn locate(&self, path: &[Segment]) -> (Location, Option<KeyPosition>) {
        let mut probe = path.to_vec();
        loop {
            if let Some(pos) = self.keys.get(&probe) {
                let location = self.location_of_line(pos.line, pos.key_column);
                return (location, Some(pos.clone()));
            }
            if probe.pop().is_none() {
                return (self.location_of_line(1, 1), None);
            }
        }
    }

    fn location_of_line(&self, yaml_line: usize, column: usize) -> Location {
        Location::new(&self.path, yaml_line + self.first_line - 1, column)
    }

    fn line(&self, yaml_line: usize) -> &str {
        line_text(&self.text, yaml_line).unwrap_or("")
    }

    /// An error about the key at `path`, with the line shown and the key underlined.
    pub fn key_error(&self, path: &[Segment], code: Code, message: String) -> Diagnostic {
        let (location, _) = self.locate(path);
        let diagnostic = Diagnostic::error(code, message).at(location);
        match self.keys.get(path) {
            Some(pos) => diagnostic.snippet(self.line(pos.line), pos.key_width),
            None => diagnostic,
        }
    }

    /// An error about the value at `path`, underlining the value.
    pub fn value_error(&self, path: &[Segment], code: Code, message: String) -> Diagnostic {
        let (mut location, _) = self.locate(path);
        match self.keys.get(path) {
            Some(pos) => {
                let line = self.line(pos.line);
                let width = line
                    .chars()
                    .skip(pos.value_column - 1)
                    .collect::<String>()
                    .trim_end()
                    .chars()
                    .count();
                location.column = pos.value_column;
                Diagnostic::error(code, message)
                    .at(location)
                    .snippet(line, width)
            }
            None => Diagnostic::error(code, message).at(location),
        }
    }
}

fn syntax_error(
    path: &Path,
    text: &str,
    first_line: usize,
    error: &serde_yaml::Error,
) -> Diagnostic {
    let (mut line, mut column) = error
        .location()
        .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
    let full = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let mut message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();

    let mut hint = None;
    if let Some(bracket) = hints::unclosed_bracket(text, line) {
        // libyaml notices an unclosed bracket only lines later; point at the bracket.
        line = bracket.line;
        column = bracket.column;
        message = format!("this `{}` is never closed", bracket.open);
        hint = Some(format!(
            "close it with `{}` on the same line, e.g. `topics: [one, two]`",
            bracket.close
        ));
    }
    let source = line_text(text, line).unwrap_or("").to_string();
    if hint.is_none() {
        hint = hints::for_line(&source);
    }
    let column = column.min(source.chars().count() + 1).max(1);
    Diagnostic::error(Code::YamlSyntax, format!("invalid YAML: {message}"))
        .at(Location::new(path, line + first_line - 1, column))
        .snippet(source, 1)
        .maybe_hint(hint)
}

/// Strict, typed access to one YAML mapping.
///
/// Every key read is remembered; [`Fields::reject_unknown`] then reports the
/// rest with a "did you mean" suggestion. Errors are collected, never thrown,
/// so one pass reports every problem in the mapping.
pub struct Fields<'d> {
    doc: &'d Document,
    path: Vec<Segment>,
    map: Option<&'d Mapping>,
    taken: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl<'d> Fields<'d> {
    fn new(doc: &'d Document, path: Vec<Segment>, map: Option<&'d Mapping>) -> Self {
        Fields {
            doc,
            path,
            map,
            taken: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// A reader over a mapping found elsewhere in the document, such as a list item.
    pub fn for_mapping(doc: &'d Document, path: Vec<Segment>, map: &'d Mapping) -> Self {
        Fields::new(doc, path, Some(map))
    }

    pub fn document(&self) -> &'d Document {
        self.doc
    }

    /// The path of a key in this mapping, for locating it.
    pub fn key_path(&self, key: &str) -> Vec<Segment> {
        let mut path = self.path.clone();
        path.push(Segment::Key(key.to_string()));
        path
    }

    fn raw(&mut self, key: &str) -> Option<&'d Value> {
        self.taken.push(key.to_string());
        let value = self.map?.get(key)?;
        // `key:` with nothing after it means "not set".
        (!value.is_null()).then_some(value)
    }

    /// A key's raw value, borrowed from the document; marks the key as read.
    pub fn value(&mut self, key: &str) -> Option<&'d Value> {
        self.raw(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.map
            .and_then(|m| m.get(key))
            .is_some_and(|v| !v.is_null())
    }

    /// A key's value, or `None` when absent or of the wrong type (reported).
    pub fn optional<T: FromYaml>(&mut self, key: &str) -> Option<T> {
        let value = self.raw(key)?;
        self.convert(key, value)
    }

    /// Like [`Fields::optional`], but a missing key is reported too.
    pub fn required<T: FromYaml>(&mut self, key: &str, hint: &str) -> Option<T> {
        if self.contains(key) {
            return self.optional(key);
        }
        self.taken.push(key.to_string());
        let (location, _) = self.doc.locate(&self.path);
        self.diagnostics.push(
            Diagnostic::error(
                Code::MissingField,
                format!("missing required field `{key}`"),
            )
            .at(location)
            .hint(hint.to_string()),
        );
        None
    }

    /// Convert a value already fetched from this mapping, reporting a type error at `key`.
    pub fn convert<T: FromYaml>(&mut self, key: &str, value: &Value) -> Option<T> {
        match T::from_yaml(value) {
            Ok(v) => Some(v),
            Err(error) => {
                let path = self.key_path(key);
                let code = error.code.unwrap_or(Code::InvalidValue);
                let message = format!("`{key}`: {}", error.message);
                let diagnostic = self
                    .doc
                    .value_error(&path, code, message)
                    .maybe_hint(error.hint);
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// A nested mapping, read with its own strict reader. Merge it back with [`Fields::adopt`].
    pub fn child(&mut self, key: &str) -> Option<Fields<'d>> {
        let value = self.raw(key)?;
        match value {
            Value::Mapping(map) => Some(Fields::new(self.doc, self.key_path(key), Some(map))),
            other => {
                let path = self.key_path(key);
                let message = format!(
                    "`{key}` should be a set of `name: value` lines, found {}",
                    describe(other)
                );
                self.diagnostics
                    .push(self.doc.value_error(&path, Code::InvalidValue, message));
                None
            }
        }
    }

    /// An error about the value of `key` in this mapping, underlining the value.
    pub fn value_diagnostic(&self, key: &str, code: Code, message: String) -> Diagnostic {
        self.doc.value_error(&self.key_path(key), code, message)
    }

    /// An error about `key` itself in this mapping, underlining the key.
    pub fn key_diagnostic(&self, key: &str, code: Code, message: String) -> Diagnostic {
        self.doc.key_error(&self.key_path(key), code, message)
    }

    /// Take over the findings of a child reader.
    pub fn adopt(&mut self, child: Fields<'d>) {
        self.diagnostics.extend(child.diagnostics);
    }

    /// Record a finding about this mapping from outside the reader.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Keys present but not yet read, with their values, in document order.
    pub fn remaining(&self) -> Vec<(String, &'d Value)> {
        let Some(map) = self.map else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let key = key_string(k);
                (!self.taken.contains(&key)).then_some((key, v))
            })
            .collect()
    }

    /// Mark a key as handled without reading it through this reader.
    pub fn mark_taken(&mut self, key: &str) {
        self.taken.push(key.to_string());
    }

    /// Report every key not read so far, suggesting the closest of `known`.
    pub fn reject_unknown(&mut self, known: &[&str], what: &str) {
        for (key, _) in self.remaining() {
            let path = self.key_path(&key);
            let message = format!("unknown field `{key}` in {what}");
            let hint = did_you_mean(&key, known);
            let diagnostic = self
                .doc
                .key_error(&path, Code::UnknownField, message)
                .hint(hint);
            self.diagnostics.push(diagnostic);
            self.taken.push(key);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// A mapping key as text; YAML allows non-string keys, which we show as written.
pub fn key_string(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

/// Convert a YAML value into JSON for templates (`extra` maps and the like).
pub fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                serde_json::Value::from(i)
            } else if let Some(u) = n.as_u64() {
                serde_json::Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        }
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Sequence(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Mapping(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| (key_string(k), to_json(v)))
                .collect(),
        ),
        Value::Tagged(tagged) => to_json(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::parse(Path::new("content/a.md"), text, 2).unwrap()
    }

    #[test]
    fn syntax_error_lines_count_from_the_top_of_the_file() {
        let err = Document::parse(
            Path::new("content/a.md"),
            "title: Balint groups: a guide\n",
            2,
        )
        .unwrap_err();
        let location = err.location.unwrap();
        assert_eq!(location.line, 2);
        assert_eq!(err.code, Code::YamlSyntax);
        assert!(
            err.hint
                .unwrap()
                .contains("title: \"Balint groups: a guide\"")
        );
    }

    #[test]
    fn unclosed_bracket_points_at_the_bracket() {
        let err = Document::parse(
            Path::new("content/a.md"),
            "title: A\ntopics: [one, two\ndescription: x\n",
            2,
        )
        .unwrap_err();
        let location = err.location.unwrap();
        assert_eq!((location.line, location.column), (3, 9));
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn tab_indentation_gets_a_tab_hint() {
        let err = Document::parse(
            Path::new("site.yml"),
            "title: A\nmarkdown:\n\tsmart_punctuation: true\n",
            1,
        )
        .unwrap_err();
        assert_eq!(err.location.unwrap().line, 3);
        assert!(err.hint.unwrap().contains("tab"));
    }

    #[test]
    fn unknown_keys_are_reported_at_their_line_with_a_suggestion() {
        let d = doc("title: A\ndescripton: B\n");
        let mut fields = d.fields().unwrap();
        let _: Option<String> = fields.required("title", "");
        fields.reject_unknown(&["title", "description"], "front matter");
        let diags = fields.into_diagnostics();
        assert_eq!(diags.len(), 1);
        let location = diags[0].location.clone().unwrap();
        assert_eq!((location.line, location.column), (3, 1));
        assert_eq!(diags[0].code, Code::UnknownField);
        assert_eq!(
            diags[0].hint.as_deref(),
            Some("did you mean `description`?")
        );
    }

    #[test]
    fn every_wrong_field_is_reported_not_just_the_first() {
        let d = doc("title: [a]\nweight: heavy\ndraft: maybe\n");
        let mut fields = d.fields().unwrap();
        let _: Option<String> = fields.optional("title");
        let _: Option<i64> = fields.optional("weight");
        let _: Option<bool> = fields.optional("draft");
        let lines: Vec<_> = fields
            .into_diagnostics()
            .iter()
            .map(|d| d.location.clone().unwrap().line)
            .collect();
        assert_eq!(lines, [2, 3, 4]);
    }

    #[test]
    fn missing_required_field_is_reported() {
        let d = doc("description: x\n");
        let mut fields = d.fields().unwrap();
        let title: Option<String> = fields.required("title", "add `title: ...`");
        assert!(title.is_none());
        let diags = fields.into_diagnostics();
        assert_eq!(diags[0].code, Code::MissingField);
    }

    #[test]
    fn nested_unknown_key_is_located() {
        let d = Document::parse(
            Path::new("site.yml"),
            "title: A\nmarkdown:\n  smart_punctuaton: true\n",
            1,
        )
        .unwrap();
        let mut top = d.fields().unwrap();
        let _: Option<String> = top.optional("title");
        let mut md = top.child("markdown").unwrap();
        md.reject_unknown(&["smart_punctuation"], "`markdown`");
        top.adopt(md);
        let diags = top.into_diagnostics();
        let location = diags[0].location.clone().unwrap();
        assert_eq!((location.line, location.column), (3, 3));
        assert_eq!(
            diags[0].hint.as_deref(),
            Some("did you mean `smart_punctuation`?")
        );
    }

    #[test]
    fn empty_document_reads_as_empty_mapping() {
        let d = doc("");
        let fields = d.fields().unwrap();
        assert!(fields.remaining().is_empty());
    }

    #[test]
    fn a_list_at_the_top_is_an_error() {
        let d = doc("- a\n- b\n");
        assert!(d.fields().is_err());
    }
}
