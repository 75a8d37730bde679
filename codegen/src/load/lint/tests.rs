//! The lint against hand-written specs and against the real ones.

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
            "unknown key `foo` in this schema; it is ignored (prefix it with `x-` if it is an extension)".to_string()
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
