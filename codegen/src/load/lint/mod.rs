//! Keys a spec sets that its OpenAPI version does not define, found before anything reads the
//! spec for meaning.
//!
//! Every reader, this generator included, skips a key it does not know: a misspelt `requried`
//! leaves the property optional and nobody is told. This walk reads the raw document (before 3.1
//! is lowered) and names every such key with the nearest key the object does define, so the
//! author learns why the generated code does not do what the spec seems to say.
//!
//! It checks the objects whose keys shape the generated code: schemas, parameters, headers,
//! operations, path items, request bodies, responses, media types and encodings. It never looks
//! inside data (`example`, `examples`, `default`, `enum`, `const`) nor into the names of a map
//! (`properties: {requried: ...}` names a property), and it leaves Reference Objects alone: real
//! specs put all sorts of siblings beside a `$ref`.

use serde_json::{Map, Value};

use super::SpecVersion;

mod keywords;

/// The HTTP methods a path item may hold (`structure` writes their operations out).
pub(super) use keywords::METHODS;

use crate::error::pointer_token;
use keywords::*;

/// A key the OpenAPI version does not define in the object it stands in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// The JSON pointer (RFC 6901) of the key itself.
    pub pointer: String,
    /// What is wrong and what to do, in one sentence.
    pub message: String,
}

/// Every key of `document` (read as `version`, before lowering) that the version does not define
/// in the object it stands in, in document order. Keys starting with `x-` are extensions and
/// never reported.
pub fn unknown_keys(document: &Value, version: SpecVersion) -> Vec<UnknownKey> {
    let mut lint = Lint { version, path: Vec::new(), found: Vec::new() };
    if let Some(root) = document.as_object() {
        lint.root(root);
    }
    lint.found
}

/// The kinds of object whose keys are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Schema,
    Parameter,
    Header,
    Operation,
    PathItem,
    RequestBody,
    Response,
    MediaType,
    Encoding,
}

impl Kind {
    /// How a message names an object of this kind.
    fn noun(self) -> &'static str {
        match self {
            Kind::Schema => "schema",
            Kind::Parameter => "parameter",
            Kind::Header => "header",
            Kind::Operation => "operation",
            Kind::PathItem => "path item",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::MediaType => "media type",
            Kind::Encoding => "encoding",
        }
    }

    /// The keys `version` defines for this kind, in the order of the specification.
    fn keys(self, version: SpecVersion) -> &'static [&'static str] {
        match self {
            Kind::Schema if version == SpecVersion::V3_0 => SCHEMA_3_0,
            Kind::Schema => SCHEMA_3_1,
            Kind::Parameter => PARAMETER,
            Kind::Header => HEADER,
            Kind::Operation => OPERATION,
            Kind::PathItem => PATH_ITEM,
            Kind::RequestBody => REQUEST_BODY,
            Kind::Response => RESPONSE,
            Kind::MediaType => MEDIA_TYPE,
            Kind::Encoding => ENCODING,
        }
    }
}

/// Whether the entries of a map whose keys are names may also hold `x-` extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    /// Every key is a name (`properties`, `components/schemas`): `x-foo` is a name too.
    Only,
    /// The map is an OpenAPI object that also takes extensions (`paths`, `responses`).
    OrExtensions,
}

struct Lint<'a> {
    version: SpecVersion,
    /// The escaped reference tokens of the node being read.
    path: Vec<std::borrow::Cow<'a, str>>,
    found: Vec<UnknownKey>,
}

impl<'a> Lint<'a> {
    fn root(&mut self, root: &'a Map<String, Value>) {
        for (key, value) in root {
            self.path.push(pointer_token(key));
            match key.as_str() {
                "paths" => self.entries(Kind::PathItem, value, Names::OrExtensions),
                "webhooks" if self.version == SpecVersion::V3_1 => self.entries(Kind::PathItem, value, Names::Only),
                "components" => self.components(value),
                _ => {}
            }
            self.path.pop();
        }
    }

    fn components(&mut self, components: &'a Value) {
        let Some(components) = components.as_object() else { return };
        for (key, value) in components {
            self.path.push(pointer_token(key));
            match key.as_str() {
                "schemas" => self.entries(Kind::Schema, value, Names::Only),
                "responses" => self.entries(Kind::Response, value, Names::Only),
                "parameters" => self.entries(Kind::Parameter, value, Names::Only),
                "requestBodies" => self.entries(Kind::RequestBody, value, Names::Only),
                "headers" => self.entries(Kind::Header, value, Names::Only),
                "callbacks" => self.callbacks(value),
                "pathItems" if self.version == SpecVersion::V3_1 => {
                    self.entries(Kind::PathItem, value, Names::Only);
                }
                _ => {}
            }
            self.path.pop();
        }
    }

    /// A map of callback names to Callback Objects (expressions to path items).
    fn callbacks(&mut self, callbacks: &'a Value) {
        let Some(callbacks) = callbacks.as_object() else { return };
        for (name, callback) in callbacks {
            self.path.push(pointer_token(name));
            if callback.get("$ref").is_none() {
                self.entries(Kind::PathItem, callback, Names::OrExtensions);
            }
            self.path.pop();
        }
    }

    /// Each value of a map of names, read as an object of `kind`.
    fn entries(&mut self, kind: Kind, map: &'a Value, names: Names) {
        let Some(map) = map.as_object() else { return };
        for (name, value) in map {
            if names == Names::OrExtensions && name.starts_with("x-") {
                continue;
            }
            self.path.push(pointer_token(name));
            self.object(kind, value);
            self.path.pop();
        }
    }

    /// Each item of a list, read as an object of `kind`.
    fn items(&mut self, kind: Kind, list: &'a Value) {
        let Some(list) = list.as_array() else { return };
        for (i, item) in list.iter().enumerate() {
            self.path.push(i.to_string().into());
            self.object(kind, item);
            self.path.pop();
        }
    }

    /// Checks the keys of one object of `kind`, descending into each key's value as it goes, so
    /// that what is found comes out in document order.
    fn object(&mut self, kind: Kind, value: &'a Value) {
        // Booleans (3.1 schemas `true`/`false`) and other non-objects have no keys.
        let Some(map) = value.as_object() else { return };
        // A Reference Object: its siblings are not ours to judge (a path item's `$ref` is a
        // field like the others).
        if kind != Kind::PathItem && map.contains_key("$ref") {
            return;
        }
        let known = kind.keys(self.version);
        for (key, child) in map {
            if key.starts_with("x-") {
                continue;
            }
            self.path.push(pointer_token(key));
            if known.contains(&key.as_str()) {
                self.child(kind, key, child);
            } else {
                let message = self.message(kind, key, known);
                self.found.push(UnknownKey { pointer: self.pointer(), message });
            }
            self.path.pop();
        }
    }

    /// Descends into the value of the known key `key` of an object of `kind`, when that value
    /// holds objects this walk checks.
    fn child(&mut self, kind: Kind, key: &str, value: &'a Value) {
        match (kind, key) {
            (Kind::Schema, "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas") => {
                self.entries(Kind::Schema, value, Names::Only);
            }
            // Draft-07 `dependencies` maps a name to a schema or to a list of names: only the
            // objects are schemas, and `object` skips the lists.
            (Kind::Schema, "dependencies") => self.entries(Kind::Schema, value, Names::Only),
            // `items` is one schema, or in 3.0 readers and older drafts a list of them.
            (Kind::Schema, "items") if value.is_array() => self.items(Kind::Schema, value),
            (
                Kind::Schema,
                "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "contentSchema",
            ) => self.object(Kind::Schema, value),
            (Kind::Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => self.items(Kind::Schema, value),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => self.object(Kind::Schema, value),
            (Kind::Parameter | Kind::Header | Kind::Response | Kind::RequestBody, "content") => {
                self.entries(Kind::MediaType, value, Names::Only);
            }
            (Kind::MediaType, "encoding") => self.entries(Kind::Encoding, value, Names::Only),
            (Kind::Encoding | Kind::Response, "headers") => self.entries(Kind::Header, value, Names::Only),
            (Kind::Operation | Kind::PathItem, "parameters") => self.items(Kind::Parameter, value),
            (Kind::Operation, "requestBody") => self.object(Kind::RequestBody, value),
            (Kind::Operation, "responses") => self.entries(Kind::Response, value, Names::OrExtensions),
            (Kind::Operation, "callbacks") => self.callbacks(value),
            (Kind::PathItem, method) if METHODS.contains(&method) => self.object(Kind::Operation, value),
            _ => {}
        }
    }

    fn message(&self, kind: Kind, key: &str, known: &[&str]) -> String {
        if kind == Kind::Schema {
            match self.version {
                SpecVersion::V3_0 if JSON_SCHEMA_NOT_IN_3_0.contains(&key) => {
                    return format!("`{key}` is not an OpenAPI 3.0 schema keyword and is ignored");
                }
                SpecVersion::V3_1 if JSON_SCHEMA_NOT_IN_2020_12.contains(&key) => {
                    return format!(
                        "`{key}` is not a JSON Schema 2020-12 keyword (the schemas of OpenAPI 3.1) and is ignored"
                    );
                }
                _ => {}
            }
        }
        let noun = kind.noun();
        match closest(key, known) {
            Some(meant) => format!(
                "unknown key `{key}` in this {noun}; did you mean `{meant}`? The key is ignored, so the generated \
                 code does not reflect it"
            ),
            None => {
                format!("unknown key `{key}` in this {noun}; it is ignored (prefix it with `x-` if it is an extension)")
            }
        }
    }

    fn pointer(&self) -> String {
        self.path.iter().map(|token| format!("/{token}")).collect()
    }
}

/// How alike two keys must be (normalized Damerau-Levenshtein, 1 is equal) for one to be taken
/// for a misspelling of the other: one edit in four letters, two in seven.
const CLOSE_ENOUGH: f64 = 0.7;

/// The known key `key` most likely misspells: equal but for case, or the most alike one that is
/// close enough (the first in `known` on a tie).
pub(crate) fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(same);
    }
    let key = key.to_ascii_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in known {
        let similarity = strsim::normalized_damerau_levenshtein(&key, &candidate.to_ascii_lowercase());
        if similarity >= CLOSE_ENOUGH && best.is_none_or(|(_, b)| similarity > b) {
            best = Some((candidate, similarity));
        }
    }
    best.map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests;
