//! A minimal valid example value for a schema: the spec's own example or default where it gives
//! one, otherwise the smallest value the schema accepts (required properties only, first enum
//! value, a well-formed string for known formats). The end-to-end tests call every operation with
//! these, and a server that validates requests against the spec must accept them.

use openapiv3::{OpenAPI, Schema};
use serde_json::{Map, Value, json};

use super::schema_view::{Format, JsonType, SchemaRef, SchemaView};

/// How deep references are followed before giving up on a (recursive) schema with `null`.
const MAX_DEPTH: usize = 12;

pub fn sample(openapi: &OpenAPI, schema: SchemaRef<'_>) -> Value {
    sample_at(openapi, schema, 0)
}

fn sample_at(openapi: &OpenAPI, schema: SchemaRef<'_>, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let schema = match schema {
        SchemaRef::Ref(reference) => match resolve(openapi, reference) {
            Some(schema) => schema,
            None => return Value::Null,
        },
        SchemaRef::Item(schema) => schema,
    };
    let data = &schema.schema_data;
    let view = SchemaView::of(schema);
    let is_container = matches!(view.ty, Some(JsonType::Object | JsonType::Array)) || !view.properties.is_empty();
    if !is_container
        && view.all_of.is_empty()
        && let Some(example) = data.example.clone().or_else(|| data.default.clone())
    {
        return example;
    }
    if let Some(first) = view.enum_values.first() {
        return first.clone();
    }
    if !view.all_of.is_empty() {
        let mut merged = Map::new();
        for member in &view.all_of {
            if let Value::Object(fields) = sample_at(openapi, *member, depth + 1) {
                merged.extend(fields);
            }
        }
        merged.extend(required_properties(openapi, &view, depth));
        return Value::Object(merged);
    }
    if let Some(first) = view.one_of.first().or(view.any_of.first()) {
        return sample_at(openapi, *first, depth + 1);
    }
    match view.ty {
        Some(JsonType::String) => string_sample(view.format.as_ref()),
        Some(JsonType::Integer) => json!(minimum(schema).map_or(1, |m| m.ceil() as i64)),
        Some(JsonType::Number) => json!(minimum(schema).unwrap_or(1.0)),
        Some(JsonType::Boolean) => json!(true),
        Some(JsonType::Array) => json!([]),
        Some(JsonType::Object) | None if !view.properties.is_empty() || view.ty.is_some() => {
            Value::Object(required_properties(openapi, &view, depth))
        }
        _ if view.null_only || view.nullable => Value::Null,
        _ => json!({}),
    }
}

fn required_properties(openapi: &OpenAPI, view: &SchemaView<'_>, depth: usize) -> Map<String, Value> {
    view.properties
        .iter()
        .filter(|(name, _)| view.required.iter().any(|r| r == name))
        .map(|(name, schema)| (name.to_string(), sample_at(openapi, *schema, depth + 1)))
        .collect()
}

fn minimum(schema: &Schema) -> Option<f64> {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Integer(i)) => {
            i.minimum.map(|m| m as f64 + if i.exclusive_minimum { 1.0 } else { 0.0 })
        }
        openapiv3::SchemaKind::Type(openapiv3::Type::Number(n)) => {
            n.minimum.map(|m| m + if n.exclusive_minimum { 1.0 } else { 0.0 })
        }
        _ => None,
    }
}

fn string_sample(format: Option<&Format>) -> Value {
    json!(match format.map(Format::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("time") => "00:00:00",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        Some("email") => "user@example.com",
        Some("uri" | "url") => "https://example.com",
        Some("hostname") => "example.com",
        Some("ipv4") => "127.0.0.1",
        Some("ipv6") => "::1",
        Some("byte") => "AA==",
        _ => "string",
    })
}

fn resolve<'a>(openapi: &'a OpenAPI, reference: &str) -> Option<&'a Schema> {
    let mut name = reference.strip_prefix("#/components/schemas/")?;
    for _ in 0..MAX_DEPTH {
        match openapi.components.as_ref()?.schemas.get(name)? {
            openapiv3::ReferenceOr::Item(schema) => return Some(schema),
            openapiv3::ReferenceOr::Reference { reference } => {
                name = reference.strip_prefix("#/components/schemas/")?
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_of(components: Value, schema: Value) -> Value {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": components}});
        let openapi: OpenAPI = serde_json::from_value(doc).unwrap();
        let schema: Schema = serde_json::from_value(schema).unwrap();
        sample(&openapi, SchemaRef::Item(&schema))
    }

    #[test]
    fn objects_get_only_their_required_properties() {
        let components = json!({"Meta": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "note": {"type": "string"}}}});
        let schema = json!({"type": "object", "required": ["meta", "count", "kind"], "properties": {
            "meta": {"$ref": "#/components/schemas/Meta"},
            "count": {"type": "integer", "minimum": 3},
            "kind": {"type": "string", "enum": ["b", "a"]},
            "label": {"type": "string"}}});
        assert_eq!(
            sample_of(components, schema),
            json!({"meta": {"id": "00000000-0000-4000-8000-000000000000"}, "count": 3, "kind": "b"})
        );
    }

    #[test]
    fn examples_win_for_scalars_and_all_of_merges() {
        let components =
            json!({"Base": {"type": "object", "required": ["a"], "properties": {"a": {"type": "boolean"}}}});
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "string", "example": "ex"}}}]});
        assert_eq!(sample_of(components, schema), json!({"a": true, "b": "ex"}));
    }

    #[test]
    fn recursive_schemas_terminate() {
        let components = json!({"Node": {"type": "object", "required": ["next"], "properties": {
            "next": {"$ref": "#/components/schemas/Node"}}}});
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": components}});
        let openapi: OpenAPI = serde_json::from_value(doc).unwrap();
        let value = sample(&openapi, SchemaRef::Ref("#/components/schemas/Node"));
        assert!(value.is_object());
    }
}
