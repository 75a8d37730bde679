//! OpenAPI 3.1 lowered to the 3.0 shape `openapiv3` reads, without losing meaning.
//!
//! 3.1 schemas are JSON Schema 2020-12. The differences that matter for code generation are
//! rewritten here, once, so that the model stage never asks which version it is reading:
//! - `type: [T, "null"]` becomes `type: T, nullable: true`; several non-null types become `anyOf`;
//! - `{type: "null"}` members of `anyOf`/`oneOf` are removed and the union marked `nullable`;
//! - numeric `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` plus the 3.0 flag;
//! - `const` becomes a one-value `enum`; `examples` becomes `example` (its first entry);
//! - a `$ref` with sibling keywords becomes `allOf: [{$ref}]` beside those siblings, because
//!   3.0 readers drop the siblings of a `$ref`.

use serde_json::{Map, Value, json};

pub fn lower_3_1(document: &mut Value) {
    super::schemas::for_each_schema(document, &mut |schema, _| lower_schema(schema));
}

/// Lowers one schema; its subschemas are lowered already.
fn lower_schema(schema: &mut Value) {
    let Value::Object(map) = schema else {
        // `true` and `false` schemas: 3.0 has no such thing; `true` means "anything", `false`
        // "nothing", which 3.0 says as `not: {}`.
        match schema {
            Value::Bool(true) => *schema = json!({}),
            Value::Bool(false) => *schema = json!({"not": {}}),
            _ => {}
        }
        return;
    };
    lower_type_array(map);
    lower_null_members(map);
    lower_exclusive_bound(map, "exclusiveMinimum", "minimum");
    lower_exclusive_bound(map, "exclusiveMaximum", "maximum");
    if let Some(value) = map.remove("const") {
        if !map.contains_key("type")
            && let Some(t) = json_type_name(&value)
        {
            map.insert("type".into(), t.into());
        }
        map.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(Value::Array(examples)) = map.remove("examples")
        && let Some(first) = examples.into_iter().next()
    {
        map.entry("example").or_insert(first);
    }
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.remove("$ref").unwrap_or_default();
        let mut wrapper = Map::new();
        wrapper.insert("$ref".into(), reference);
        map.insert("allOf".into(), Value::Array(vec![Value::Object(wrapper)]));
    }
}

fn lower_type_array(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get("type") else {
        if map.get("type") == Some(&Value::String("null".into())) {
            // A schema that only admits null: keep it recognisable for the model stage.
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
            map.insert("x-null-only".into(), Value::Bool(true));
        }
        return;
    };
    let mut non_null: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
    let nullable = non_null.len() != types.len();
    match non_null.len() {
        0 => {
            map.remove("type");
            map.insert("x-null-only".into(), Value::Bool(true));
        }
        1 => {
            map.insert("type".into(), non_null.remove(0));
        }
        _ => {
            map.remove("type");
            let members = non_null.into_iter().map(|t| json!({ "type": t })).collect();
            map.insert("anyOf".into(), Value::Array(members));
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
}

fn lower_null_members(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(key) else { continue };
        let before = members.len();
        members.retain(|m| !is_null_schema(m));
        if members.len() != before {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("x-null-only") == Some(&Value::Bool(true)) || schema.get("type").and_then(Value::as_str) == Some("null")
}

fn lower_exclusive_bound(map: &mut Map<String, Value>, exclusive: &str, inclusive: &str) {
    if let Some(Value::Number(bound)) = map.get(exclusive).cloned() {
        map.insert(inclusive.into(), Value::Number(bound));
        map.insert(exclusive.into(), Value::Bool(true));
    }
}

fn json_type_name(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(schema: Value) -> Value {
        let mut doc = json!({ "components": { "schemas": { "S": schema } } });
        lower_3_1(&mut doc);
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn any_of_with_null_becomes_nullable() {
        assert_eq!(
            lowered(json!({"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "T"})),
            json!({"anyOf": [{"type": "integer"}], "title": "T", "nullable": true})
        );
    }

    #[test]
    fn type_arrays_become_nullable_or_any_of() {
        assert_eq!(lowered(json!({"type": ["string", "null"]})), json!({"type": "string", "nullable": true}));
        assert_eq!(
            lowered(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_const_and_examples() {
        assert_eq!(
            lowered(json!({"type": "integer", "exclusiveMinimum": 0, "const": 3, "examples": [3, 4]})),
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0, "enum": [3], "example": 3})
        );
    }

    #[test]
    fn ref_with_siblings_keeps_them_beside_an_all_of() {
        assert_eq!(
            lowered(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn nested_schemas_are_lowered_too() {
        assert_eq!(
            lowered(json!({"properties": {"a": {"type": ["null", "boolean"]}}, "items": {"const": "x"}})),
            json!({"properties": {"a": {"type": "boolean", "nullable": true}}, "items": {"type": "string", "enum": ["x"]}})
        );
    }

    #[test]
    fn parameter_and_media_type_schemas_are_found() {
        let mut doc = json!({"paths": {"/a": {"get": {
            "parameters": [{"name": "p", "in": "query", "schema": {"type": ["integer", "null"]}}],
            "responses": {"200": {"content": {"application/json": {"schema": {"const": true},
                "examples": {"x": {"value": 1}}}}}}
        }}}});
        lower_3_1(&mut doc);
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op["parameters"][0]["schema"], json!({"type": "integer", "nullable": true}));
        let media = &op["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["schema"], json!({"type": "boolean", "enum": [true]}));
        assert_eq!(media["examples"], json!({"x": {"value": 1}}), "media-type examples are not schemas");
    }
}
