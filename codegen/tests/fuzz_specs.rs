//! Fuzzing the generator with generated specs: random but OpenAPI-shaped documents go through
//! load, model, emit and format. An error is fine (most random specs are wrong somewhere); a
//! panic, or an internal error (emitted code that does not parse), is a failure. Failing cases
//! are kept by proptest in `proptest-regressions/` and replayed on every run.
//!
//! CI runs a few hundred cases; a long run is the same test with more:
//! `PROPTEST_CASES=1000000 cargo test --release -p codegen --test fuzz_specs`.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Names chosen to break naming: keywords, digits first, collisions after case conversion,
/// prelude names, punctuation, non-ASCII, emptiness.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z][a-zA-Z0-9_]{0,6}",
        1 => prop::sample::select(vec![
            "", "type", "Self", "self", "super", "crate", "_", "2fa", "1h", "a-b", "a b", "ü", "日本", "__", "Option",
            "Result", "String", "Box", "Vec", "fooBar", "foo_bar", "FOO-BAR", "x/y", "{", "}", "$ref", "r#type", "None",
            "Unknown", "Default", "Client", "Error", "Response", "types", "runtime", "body", "params",
        ])
        .prop_map(str::to_string),
    ]
}

const COMPONENTS: &[&str] = &["Pet", "pet", "Self", "Node", "Option", "Missing"];

fn leaf_schema() -> impl Strategy<Value = Value> {
    prop_oneof![
        12 => (
            prop::sample::select(vec!["string", "integer", "number", "boolean"]),
            prop::option::of(prop::sample::select(vec![
                "int32",
                "int64",
                "uint8",
                "uint",
                "float",
                "double",
                "date-time",
                "uuid",
                "binary",
                "byte",
                "weird"
            ]))
        )
            .prop_map(|(t, f)| match f {
                Some(f) => json!({"type": t, "format": f}),
                None => json!({"type": t}),
            }),
        4 => prop::sample::select(COMPONENTS[..5].to_vec()).prop_map(|c| json!({"$ref": format!("#/components/schemas/{c}")})),
        3 => prop::collection::vec(name(), 1..4).prop_map(|values| json!({"type": "string", "enum": values})),
        1 => Just(json!({"type": "integer", "enum": [1, 2, 3]})),
        1 => Just(json!({"anyOf": [{"type": "string"}, {"type": "null"}]})),
        1 => Just(json!({"const": "fixed"})),
        1 => Just(json!({})),
        1 => Just(json!({"type": "object"})),
        1 => Just(json!({"type": "string", "nullable": true, "readOnly": true, "default": "x"})),
        // Rarely: what must be refused (a dangling and an external reference, a 3.1-only form).
        1 => prop::sample::select(vec![
            json!({"$ref": "#/components/schemas/Missing"}),
            json!({"$ref": "other.yaml#/Thing"}),
            json!({"type": ["string", "null"]}),
            json!({"type": "null"}),
        ]),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf_schema().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (prop::collection::btree_map(name(), inner.clone(), 0..4), any::<u8>()).prop_map(|(props, mask)| {
                let required: Vec<&String> =
                    props.keys().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, k)| k).collect();
                json!({"type": "object", "properties": props, "required": required})
            }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            inner.clone().prop_map(|values| json!({"type": "object", "additionalProperties": values})),
            (prop::sample::select(vec!["allOf", "anyOf", "oneOf"]), prop::collection::vec(inner.clone(), 1..4))
                .prop_map(|(key, members)| json!({ key: members })),
            prop::collection::vec(inner.clone(), 2..3).prop_map(|members| json!({"anyOf": members, "nullable": true})),
            (inner, name()).prop_map(|(s, d)| json!({"allOf": [s], "description": d, "readOnly": true})),
        ]
    })
}

fn media_type() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "application/json",
        "application/problem+json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/mixed",
        "text/plain",
        "application/octet-stream",
        "*/*",
    ])
}

fn operation() -> impl Strategy<Value = Value> {
    let parameter = (name(), prop::sample::select(vec!["path", "query", "header", "cookie"]), leaf_schema(), any::<bool>())
        .prop_map(|(n, location, schema, required)| json!({"name": n, "in": location, "schema": schema, "required": required}));
    let response = (prop::option::of(media_type()), schema()).prop_map(|(media, schema)| match media {
        Some(media) => json!({"description": "d", "content": {media: {"schema": schema}}}),
        None => json!({"description": "d"}),
    });
    (
        prop::option::of(name()),
        prop::collection::vec(parameter, 0..4),
        prop::option::of((media_type(), schema())),
        prop::collection::btree_map(
            prop::sample::select(vec!["200", "201", "204", "2XX", "400", "404", "422", "5XX", "default", "299"]),
            response,
            0..4,
        ),
        prop::option::of(prop::sample::select(vec![
            json!([]),
            json!([{"bearer": []}]),
            json!([{"oauth": ["a:b"]}, {"bearer": []}]),
            json!([{}]),
        ])),
    )
        .prop_map(|(id, parameters, body, responses, security)| {
            let mut op = Map::new();
            if let Some(id) = id {
                op.insert("operationId".into(), json!(id));
            }
            op.insert("parameters".into(), json!(parameters));
            if let Some((media, schema)) = body {
                op.insert("requestBody".into(), json!({"content": {media: {"schema": schema}}}));
            }
            op.insert("responses".into(), json!(responses));
            if let Some(security) = security {
                op.insert("security".into(), security);
            }
            Value::Object(op)
        })
}

fn spec() -> impl Strategy<Value = Value> {
    let path = prop::collection::vec(prop_oneof![name(), name().prop_map(|n| format!("{{{n}}}"))], 0..3)
        .prop_map(|segments| format!("/{}", segments.join("/")));
    let path_item = prop::collection::btree_map(
        prop::sample::select(vec!["get", "put", "post", "delete", "patch"]),
        operation(),
        1..3,
    );
    (
        prop::sample::select(vec!["3.0.3", "3.1.0"]),
        prop::collection::btree_map(path, path_item, 0..4),
        // Every component a reference may name is defined, so references mostly resolve.
        prop::collection::vec(schema(), 5).prop_map(|schemas| {
            COMPONENTS.iter().zip(schemas).map(|(name, schema)| (name.to_string(), schema)).collect::<Map<String, Value>>()
        }),
        prop::collection::vec(prop::option::of(Just("https://api.example.com/v1")), 0..3),
    )
        .prop_map(|(version, paths, schemas, servers)| {
            let servers: Vec<Value> = servers.into_iter().flatten().map(|url| json!({"url": url, "description": "x"})).collect();
            json!({
                "openapi": version,
                "info": {"title": "Fuzz", "version": "1"},
                "servers": servers,
                "paths": paths,
                "components": {
                    "schemas": schemas,
                    "securitySchemes": {
                        "bearer": {"type": "http", "scheme": "bearer"},
                        "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/t", "scopes": {"a:b": "x", "A-B": "y"}}}}
                    }
                }
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: Some(Box::new(
        proptest::test_runner::FileFailurePersistence::WithSource("regressions"))), ..ProptestConfig::default() })]

    #[test]
    fn generated_specs_never_panic_and_emit_parseable_code(document in spec()) {
        let input = codegen::SpecInput {
            file: "fuzz.json".into(),
            text: serde_json::to_string(&document).unwrap(),
            settings: Default::default(),
            overlay: None,
            path: None,
        };
        let config = codegen::CrateConfig { package: "fuzz".into(), version: "0".into(), description: None, standalone: true };
        match codegen::generate(&config, &[input], "fuzz") {
            Ok(generated) => prop_assert!(!generated.files.is_empty()),
            Err(codegen::Error::Bug { message }) => prop_assert!(false, "internal error: {message}\n{document:#}"),
            Err(_) => {}
        }
    }
}
