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
use crate::error::pointer_token;

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

/// The fixed fields of the OpenAPI 3.0.3 Schema Object.
const SCHEMA_3_0: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "$ref",
];

/// JSON Schema keywords that OpenAPI 3.0 does not take over: a 3.0 reader ignores them. They are
/// reported as such, not as typos.
const JSON_SCHEMA_NOT_IN_3_0: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    "definitions",
    "id",
    "const",
    "examples",
    "prefixItems",
    "additionalItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "dependencies",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

/// The keywords of JSON Schema 2020-12 (core, applicator, unevaluated, validation, meta-data,
/// format-annotation and content vocabularies), the OpenAPI 3.1 additions, and the few
/// neighbours this generator honours in 3.1 as well.
const SCHEMA_3_1: &[&str] = &[
    // core
    "$schema",
    "$id",
    "$ref",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    // applicator
    "prefixItems",
    "items",
    "contains",
    "additionalProperties",
    "properties",
    "patternProperties",
    "dependentSchemas",
    "propertyNames",
    "if",
    "then",
    "else",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    // unevaluated
    "unevaluatedItems",
    "unevaluatedProperties",
    // validation
    "type",
    "const",
    "enum",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    // meta-data
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    // format-annotation
    "format",
    // content
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    // OpenAPI 3.1
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    // The draft-07 names of `$defs` and of `dependentSchemas`/`dependentRequired`, which 2020-12
    // keeps for compatibility; and 3.0's `nullable`, which lowering keeps and the model honours.
    "definitions",
    "dependencies",
    "nullable",
];

/// Keywords of earlier JSON Schema drafts that 2020-12 dropped.
const JSON_SCHEMA_NOT_IN_2020_12: &[&str] = &["additionalItems"];

const PARAMETER: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
    "$ref",
];

/// A Header Object is a Parameter Object without `name` and `in`.
const HEADER: &[&str] = &[
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
    "$ref",
];

const OPERATION: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const PATH_ITEM: &[&str] = &[
    "$ref",
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
];

const REQUEST_BODY: &[&str] = &["description", "content", "required", "$ref"];

const RESPONSE: &[&str] = &["description", "headers", "content", "links", "$ref"];

const MEDIA_TYPE: &[&str] = &["schema", "example", "examples", "encoding"];

const ENCODING: &[&str] = &["contentType", "headers", "style", "explode", "allowReserved"];

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

struct Lint {
    version: SpecVersion,
    /// The escaped reference tokens of the node being read.
    path: Vec<String>,
    found: Vec<UnknownKey>,
}

impl Lint {
    fn root(&mut self, root: &Map<String, Value>) {
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

    fn components(&mut self, components: &Value) {
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
    fn callbacks(&mut self, callbacks: &Value) {
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
    fn entries(&mut self, kind: Kind, map: &Value, names: Names) {
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
    fn items(&mut self, kind: Kind, list: &Value) {
        let Some(list) = list.as_array() else { return };
        for (i, item) in list.iter().enumerate() {
            self.path.push(i.to_string());
            self.object(kind, item);
            self.path.pop();
        }
    }

    /// Checks the keys of one object of `kind`, descending into each key's value as it goes, so
    /// that what is found comes out in document order.
    fn object(&mut self, kind: Kind, value: &Value) {
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
    fn child(&mut self, kind: Kind, key: &str, value: &Value) {
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
fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
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
mod tests {
    use serde_json::json;

    use super::*;

    fn v3_0(spec: Value) -> Vec<(String, String)> {
        found(spec, SpecVersion::V3_0)
    }

    fn found(spec: Value, version: SpecVersion) -> Vec<(String, String)> {
        unknown_keys(&spec, version).into_iter().map(|k| (k.pointer, k.message)).collect()
    }

    fn typo(key: &str, noun: &str, meant: &str) -> String {
        format!(
            "unknown key `{key}` in this {noun}; did you mean `{meant}`? The key is ignored, so the generated code \
             does not reflect it"
        )
    }

    /// A document with `schema` as the component `S`, `parameter` on `GET /a` and `operation`'s
    /// keys beside its responses.
    fn spec_with(schema: Value, parameter: Value, operation: Value) -> Value {
        let mut get = json!({"parameters": [parameter], "responses": {"200": {"description": "ok"}}});
        for (key, value) in operation.as_object().unwrap() {
            get[key] = value.clone();
        }
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": get}},
            "components": {"schemas": {"S": schema}},
        })
    }

    #[test]
    fn typos_get_the_key_they_misspell_in_both_versions() {
        let spec = spec_with(
            json!({
                "type": "object",
                "requried": ["a"],
                "propertes": {},
                "additonalProperties": false,
                "properties": {"a": {"type": "string", "nulable": true, "descripton": "d"}},
            }),
            json!({"name": "p", "in": "query", "requried": true, "schema": {"type": "string"}}),
            json!({"operationID": "getA", "requestbody": {"content": {}}}),
        );
        for version in [SpecVersion::V3_0, SpecVersion::V3_1] {
            assert_eq!(
                found(spec.clone(), version),
                [
                    ("/paths/~1a/get/parameters/0/requried", typo("requried", "parameter", "required")),
                    ("/paths/~1a/get/operationID", typo("operationID", "operation", "operationId")),
                    ("/paths/~1a/get/requestbody", typo("requestbody", "operation", "requestBody")),
                    ("/components/schemas/S/requried", typo("requried", "schema", "required")),
                    ("/components/schemas/S/propertes", typo("propertes", "schema", "properties")),
                    (
                        "/components/schemas/S/additonalProperties",
                        typo("additonalProperties", "schema", "additionalProperties")
                    ),
                    ("/components/schemas/S/properties/a/nulable", typo("nulable", "schema", "nullable")),
                    ("/components/schemas/S/properties/a/descripton", typo("descripton", "schema", "description")),
                ]
                .map(|(p, m)| (p.to_string(), m)),
                "{version:?}"
            );
        }
    }

    #[test]
    fn a_key_like_no_other_is_named_with_the_extension_hint() {
        let spec = spec_with(json!({"type": "string", "foo": 1}), json!({"name": "p", "in": "query"}), json!({}));
        assert_eq!(
            v3_0(spec),
            [(
                "/components/schemas/S/foo".to_string(),
                "unknown key `foo` in this schema; it is ignored (prefix it with `x-` if it is an extension)"
                    .to_string()
            )]
        );
    }

    #[test]
    fn json_schema_keywords_outside_3_0_are_named_as_such() {
        let spec = spec_with(
            json!({"const": 1, "examples": [1], "$defs": {"D": {"requried": []}}}),
            json!({"name": "p", "in": "query"}),
            json!({}),
        );
        assert_eq!(
            v3_0(spec.clone()),
            ["const", "examples", "$defs"].map(|key| (
                format!("/components/schemas/S/{key}"),
                format!("`{key}` is not an OpenAPI 3.0 schema keyword and is ignored")
            ))
        );
        // 3.1 knows them all, and reads `$defs` as schemas.
        assert_eq!(
            found(spec, SpecVersion::V3_1),
            [("/components/schemas/S/$defs/D/requried".to_string(), typo("requried", "schema", "required"))]
        );
    }

    #[test]
    fn extensions_property_names_and_data_are_not_keys() {
        let spec = spec_with(
            json!({
                "type": "object",
                "x-requried": true,
                "properties": {
                    "requried": {"type": "string", "x-foo": 1},
                    "x-propertes": {"type": "string"},
                    "e": {
                        "example": {"propertes": 1},
                        "default": {"requried": true},
                        "enum": [{"nulable": 1}],
                    },
                },
            }),
            json!({"name": "p", "in": "query", "x-requried": 1, "example": {"requried": 1}}),
            json!({"x-operationID": 1, "responses": {"200": {"description": "ok"}, "x-extra": {"foo": 1}}}),
        );
        assert_eq!(v3_0(spec.clone()), []);
        assert_eq!(found(spec, SpecVersion::V3_1), []);
    }

    #[test]
    fn references_are_not_opened_but_path_items_with_ref_are_read() {
        let spec = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"$ref": "#/x", "summery": "s"}},
            "components": {"schemas": {"S": {"$ref": "#/components/schemas/T", "requried": true}}},
        });
        assert_eq!(v3_0(spec), [("/paths/~1a/summery".to_string(), typo("summery", "path item", "summary"))]);
    }

    #[test]
    fn schemas_are_found_wherever_they_stand() {
        let bad = json!({"nulable": true});
        let spec = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {
                "parameters": [{"name": "p", "in": "query", "content": {"text/plain": {"schema": bad}}}],
                "post": {
                    "requestBody": {"content": {"application/json": {
                        "schema": {"items": bad, "prefixItems": [bad], "if": bad, "not": bad},
                        "encoding": {"a": {"headers": {"H": {"schema": bad}}}},
                    }}},
                    "responses": {"default": {"headers": {"H": {"schema": {"anyOf": [bad]}}}}},
                    "callbacks": {"c": {"{$url}": {"put": {"descripton": "d"}}}},
                },
            }},
            "webhooks": {"w": {"post": {"operationid": "w"}}},
        });
        let pointers: Vec<String> = found(spec, SpecVersion::V3_1).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/parameters/0/content/text~1plain/schema/nulable",
                "/paths/~1a/post/requestBody/content/application~1json/schema/items/nulable",
                "/paths/~1a/post/requestBody/content/application~1json/schema/prefixItems/0/nulable",
                "/paths/~1a/post/requestBody/content/application~1json/schema/if/nulable",
                "/paths/~1a/post/requestBody/content/application~1json/schema/not/nulable",
                "/paths/~1a/post/requestBody/content/application~1json/encoding/a/headers/H/schema/nulable",
                "/paths/~1a/post/responses/default/headers/H/schema/anyOf/0/nulable",
                "/paths/~1a/post/callbacks/c/{$url}/put/descripton",
                "/webhooks/w/post/operationid",
            ]
        );
    }

    /// The vendored specs and the corpus: the keys they set that no OpenAPI version defines,
    /// with how often. Each is a real mistake of the spec, not a gap in the keyword lists: a new
    /// entry here is a false positive until shown otherwise.
    #[test]
    fn real_specs_have_only_their_real_unknown_keys() {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = ["../specs/blaxel-controlplane.yaml", "../specs/devin-v3.yaml"]
            .iter()
            .map(|file| manifest.join(file))
            .collect();
        let corpus = manifest.join("../../shared/corpus");
        let mut specs: Vec<_> = std::fs::read_dir(&corpus)
            .unwrap_or_else(|e| panic!("{}: {e}", corpus.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json" || e == "yml" || e == "yaml"))
            .collect();
        specs.sort();
        files.extend(specs);
        let mut said = std::collections::BTreeMap::<(String, String), usize>::new();
        for file in &files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(file).unwrap();
            let document = super::super::parse_document(&name, &text).unwrap();
            let version = match document["openapi"].as_str() {
                Some(v) if v.starts_with("3.1") => SpecVersion::V3_1,
                _ => SpecVersion::V3_0,
            };
            let keys = unknown_keys(&document, version);
            let pointers: Vec<&str> = keys.iter().map(|key| key.pointer.as_str()).collect();
            let positions = super::super::positions::positions_of(&text, &pointers);
            for (key, position) in keys.iter().zip(positions) {
                let (line, column) = position.unwrap_or_else(|| panic!("{name}: {} is not in the text", key.pointer));
                println!("{name}:{line}:{column} at {}: {}", key.pointer, key.message);
                let last = key.pointer.rsplit('/').next().unwrap_or_default().to_string();
                *said.entry((name.clone(), last)).or_default() += 1;
            }
        }
        let said: Vec<_> = said.iter().map(|((file, key), n)| (file.as_str(), key.as_str(), *n)).collect();
        assert_eq!(
            said,
            [
                // pydantic's v1 spelling of `maxItems`/`minItems`, passed through as extra keys
                ("prefect-server.json", "max_items", 3),
                ("prefect-server.json", "min_items", 3),
                // pydantic-settings metadata without the `x-` an extension needs
                ("prefect-server.json", "supported_environment_variables", 225),
            ]
        );
    }
}
