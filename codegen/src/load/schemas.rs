//! Every schema of a document, found once: component schemas, the `schema` of parameters,
//! headers and media types, and the subschemas inside them. `lower` and `literals` rewrite
//! schemas through this walk.

use serde_json::Value;

/// Keywords whose value is one subschema.
const SUBSCHEMA: &[&str] = &["items", "additionalProperties", "not", "contains", "propertyNames"];
/// Keywords whose value is a list of subschemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
const SUBSCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs"];

/// Calls `visit` on every schema of `document`, innermost first (a schema's subschemas before
/// the schema), with the JSON pointer tokens of where it stands.
pub fn for_each_schema(document: &mut Value, visit: &mut dyn FnMut(&mut Value, &[String])) {
    walk_non_schema(document, &mut Vec::new(), visit);
}

/// Walks the parts of the document that are not schemas, visiting every schema found in them.
fn walk_non_schema(value: &mut Value, path: &mut Vec<String>, visit: &mut dyn FnMut(&mut Value, &[String])) {
    match value {
        Value::Object(map) => {
            let in_component_schemas = path.len() == 2 && path[0] == "components" && path[1] == "schemas";
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
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
                path.push(index.to_string());
                walk_non_schema(item, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}

fn walk_schema(schema: &mut Value, path: &mut Vec<String>, visit: &mut dyn FnMut(&mut Value, &[String])) {
    if let Value::Object(map) = schema {
        for key in SUBSCHEMA {
            if let Some(child) = map.get_mut(*key) {
                // `additionalProperties: false` is valid 3.0 and means something; it is no schema.
                if !(child.is_boolean() && *key == "additionalProperties") {
                    path.push(key.to_string());
                    walk_schema(child, path, visit);
                    path.pop();
                }
            }
        }
        for key in SUBSCHEMA_LISTS {
            if let Some(Value::Array(items)) = map.get_mut(*key) {
                for (index, item) in items.iter_mut().enumerate() {
                    path.extend([key.to_string(), index.to_string()]);
                    walk_schema(item, path, visit);
                    path.truncate(path.len() - 2);
                }
            }
        }
        for key in SUBSCHEMA_MAPS {
            if let Some(Value::Object(children)) = map.get_mut(*key) {
                for (name, child) in children.iter_mut() {
                    path.extend([key.to_string(), name.clone()]);
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
