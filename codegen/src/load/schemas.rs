//! Every schema of a document, found once: component schemas, the `schema` of parameters,
//! headers and media types, and the subschemas inside them. `lower` and `literals` rewrite
//! schemas through this walk.

use std::borrow::Cow;

use serde_json::Value;

/// Keywords whose value is one subschema.
const SUBSCHEMA: &[&str] = &["items", "additionalProperties", "not", "contains", "propertyNames"];
/// Keywords whose value is a list of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
const SUBSCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs"];

/// Calls `visit` on every schema of `document`, innermost first (a schema's subschemas before
/// the schema), with the JSON pointer tokens of where it stands (unescaped).
pub fn for_each_schema(document: &mut Value, visit: &mut Visitor<'_>) {
    walk_non_schema(document, &mut Vec::new(), visit);
}

/// What [`for_each_schema`] calls on each schema. The path's tokens borrow the keys of the
/// document around the schemas, which the walk never changes; a schema's own keys (property
/// names) are copied, as the visit may change the schema.
pub type Visitor<'v> = dyn FnMut(&mut Value, &[Cow<'_, str>]) + 'v;

/// Walks the parts of the document that are not schemas, visiting every schema found in them.
fn walk_non_schema<'a>(value: &'a mut Value, path: &mut Vec<Cow<'a, str>>, visit: &mut Visitor<'_>) {
    match value {
        Value::Object(map) => {
            let in_component_schemas = path.len() == 2 && path[0] == "components" && path[1] == "schemas";
            for (key, child) in map.iter_mut() {
                path.push(Cow::Borrowed(key));
                if in_component_schemas || key == "schema" {
                    walk_schema(child, path, visit);
                } else {
                    walk_non_schema(child, path, visit);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                path.push(Cow::Owned(index.to_string()));
                walk_non_schema(item, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}

fn walk_schema(schema: &mut Value, path: &mut Vec<Cow<'_, str>>, visit: &mut Visitor<'_>) {
    if let Value::Object(map) = schema {
        for key in SUBSCHEMA {
            if let Some(child) = map.get_mut(*key) {
                // `additionalProperties: false` is valid 3.0 and means something; it is no schema.
                if !(child.is_boolean() && *key == "additionalProperties") {
                    path.push(Cow::Borrowed(*key));
                    walk_schema(child, path, visit);
                    path.pop();
                }
            }
        }
        for key in SUBSCHEMA_LISTS {
            if let Some(Value::Array(items)) = map.get_mut(*key) {
                for (index, item) in items.iter_mut().enumerate() {
                    path.extend([Cow::Borrowed(*key), Cow::Owned(index.to_string())]);
                    walk_schema(item, path, visit);
                    path.truncate(path.len() - 2);
                }
            }
        }
        for key in SUBSCHEMA_MAPS {
            if let Some(Value::Object(children)) = map.get_mut(*key) {
                for (name, child) in children.iter_mut() {
                    path.extend([Cow::Borrowed(*key), Cow::Owned(name.clone())]);
                    walk_schema(child, path, visit);
                    path.truncate(path.len() - 2);
                }
            }
        }
    }
    visit(schema, path);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn schemas_are_visited_innermost_first_with_their_pointers() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"parameters": [{"name": "p", "schema": {"type": "string"}}]}}},
            "components": {"schemas": {"S": {"properties": {"x": {"items": {}}}, "allOf": [{}]}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |_, path| seen.push(path.join("/")));
        assert_eq!(
            seen,
            [
                "paths//a/get/parameters/0/schema",
                "components/schemas/S/allOf/0",
                "components/schemas/S/properties/x/items",
                "components/schemas/S/properties/x",
                "components/schemas/S",
            ]
        );
    }
}
