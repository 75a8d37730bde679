//! OpenAPI Overlay 1.0: what we know about an API beyond its vendor's spec, kept beside the spec
//! (`<stem>.overlay.yaml`) so the vendored file stays byte for byte as published.
//!
//! Each action selects nodes with a JSONPath (RFC 9535) `target` and either `remove`s them or
//! merges its `update` into them: objects recursively, arrays by appending, anything else by
//! replacing. Stricter than the standard on one point: an action whose target matches nothing is
//! an error, so a spec update that moves what an overlay patches cannot silently void it.

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use super::document::parse_document;
use crate::error::{Error, Location, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlayDocument {
    overlay: String,
    #[allow(dead_code)]
    info: Value,
    #[serde(default)]
    #[allow(dead_code)]
    extends: Option<String>,
    actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    target: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
}

/// Applies the overlay in `text` (the contents of `file`) to `document`, the spec from `spec_file`.
pub fn apply(file: &str, text: &str, spec_file: &str, document: &mut Value) -> Result<()> {
    let raw = parse_document(file, text)?;
    let overlay: OverlayDocument = serde_path_to_error::deserialize(raw).map_err(|e| {
        Error::invalid(
            Location::new(file, super::path_to_pointer(e.path())),
            format!("not an OpenAPI Overlay document: {}", e.inner()),
            "an overlay has `overlay: 1.0.0`, `info` and a list of `actions` (target, update or remove)",
        )
    })?;
    if !overlay.overlay.starts_with("1.") {
        return Err(Error::unsupported(
            Location::new(file, "/overlay"),
            format!("Overlay version {}", overlay.overlay),
            "this generator applies Overlay 1.x",
        ));
    }
    for (index, action) in overlay.actions.iter().enumerate() {
        let at = |field: &str| Location::new(file, format!("/actions/{index}/{field}"));
        let path = JsonPath::parse(&action.target).map_err(|e| {
            Error::invalid(at("target"), format!("invalid JSONPath `{}`: {e}", action.target), "fix the target")
        })?;
        let pointers: Vec<String> = path.query_located(document).locations().map(|l| l.to_json_pointer()).collect();
        if pointers.is_empty() {
            return Err(Error::invalid(
                at("target"),
                format!("target `{}` matches nothing in {spec_file}", action.target),
                "the spec has changed under the overlay: update or drop this action",
            ));
        }
        match (&action.update, action.remove) {
            (None, true) => {
                // Last first, so that removing an array item does not shift the ones still to go.
                for pointer in pointers.iter().rev() {
                    remove(document, pointer);
                }
            }
            (Some(update), false) => {
                for pointer in &pointers {
                    if let Some(node) = document.pointer_mut(pointer) {
                        merge(node, update.clone());
                    }
                }
            }
            _ => {
                return Err(Error::invalid(
                    at("target").clone(),
                    "an action needs exactly one of `update` and `remove: true`",
                    "give the action an `update` or `remove: true`",
                ));
            }
        }
    }
    Ok(())
}

fn merge(node: &mut Value, update: Value) {
    match (node, update) {
        (Value::Object(existing), Value::Object(update)) => {
            for (key, value) in update {
                match existing.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        existing.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(existing), Value::Array(more)) => existing.extend(more),
        (slot, value) => *slot = value,
    }
}

fn remove(document: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let key = crate::error::unescape_pointer_token(last);
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"paths": {"/a/{id}": {"delete": {"responses": {"200": {"description": "ok"}}, "tags": ["x"]}},
                         "/b": {"get": {"responses": {}}}}})
    }

    #[test]
    fn updates_merge_objects_append_arrays_and_replace_scalars() {
        let mut doc = spec();
        let overlay = r#"
overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: "$.paths['/a/{id}'].delete"
    update:
      responses: {'404': {description: gone}}
      tags: [y]
      summary: Delete
"#;
        apply("o.yaml", overlay, "s.yaml", &mut doc).unwrap();
        let op = &doc["paths"]["/a/{id}"]["delete"];
        assert_eq!(op["responses"], json!({"200": {"description": "ok"}, "404": {"description": "gone"}}));
        assert_eq!(op["tags"], json!(["x", "y"]));
        assert_eq!(op["summary"], "Delete");
    }

    #[test]
    fn remove_drops_every_match() {
        let mut doc = spec();
        let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths.*.*.responses\n    remove: true\n";
        apply("o.yaml", overlay, "s.yaml", &mut doc).unwrap();
        assert_eq!(doc["paths"]["/b"]["get"], json!({}));
        assert!(doc["paths"]["/a/{id}"]["delete"].get("responses").is_none());
    }

    #[test]
    fn a_target_that_matches_nothing_is_an_error() {
        let mut doc = spec();
        let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/gone'].get\n    update: {summary: x}\n";
        let err = apply("specs/x.overlay.yaml", overlay, "specs/x.yaml", &mut doc).unwrap_err().to_string();
        assert_eq!(
            err,
            "specs/x.overlay.yaml at /actions/0/target: target `$.paths['/gone'].get` matches nothing in \
             specs/x.yaml; the spec has changed under the overlay: update or drop this action"
        );
    }

    #[test]
    fn invalid_jsonpath_and_unknown_fields_are_errors() {
        let mut doc = spec();
        let bad_path = "overlay: 1.0.0\ninfo: {}\nactions:\n  - target: $.paths[\n    remove: true\n";
        assert!(apply("o", bad_path, "s", &mut doc).unwrap_err().to_string().contains("invalid JSONPath"));
        let typo = "overlay: 1.0.0\ninfo: {}\nactions:\n  - target: $.paths\n    updat: {}\n";
        assert!(apply("o", typo, "s", &mut doc).unwrap_err().to_string().contains("at /actions/0"));
    }
}
