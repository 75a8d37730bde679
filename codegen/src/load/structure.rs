//! The document's frame settled before `openapiv3` (a 3.0 reader) sees it: what 3.1 allows that
//! 3.0 does not, written in the 3.0 shape, and what neither allows refused at the node itself.
//!
//! - 3.1 needs none of `paths`, `webhooks` and `components` alone, but one of them; an empty
//!   `paths` stands in for a missing one. 3.0 needs `paths`; both need `info`.
//! - 3.1 operations may leave out `responses` (nothing is promised about the answer); 3.0 ones may
//!   not.
//! - Path items (under `paths`, `webhooks` and callbacks), callbacks and security schemes given as
//!   a local `$ref` are written out in place; a path item's own fields beside the `$ref` win.
//! - A `mutualTLS` security scheme is a client certificate, set on the HTTP client, not a
//!   credential each request carries: it is taken out of the schemes and the requirements, with
//!   a warning.

use serde_json::{Map, Value};

use super::SpecVersion;
use super::lint::METHODS;
use crate::error::{Error, Location, Result, Warning, pointer, pointer_token};

/// A chain of references longer than this is taken for a cycle.
const MAX_CHAIN: usize = 32;

pub(super) fn settle(file: &str, document: &mut Value, version: SpecVersion) -> Result<Vec<Warning>> {
    let Some(root) = document.as_object_mut() else { return Ok(Vec::new()) };
    let whole = || Location::new(file, "");
    if !root.contains_key("info") {
        return Err(Error::invalid(
            whole(),
            "the document has no `info`",
            "add `info` with the API's `title` and `version`",
        ));
    }
    match version {
        SpecVersion::V3_1 if !["paths", "webhooks", "components"].iter().any(|key| root.contains_key(*key)) => {
            return Err(Error::invalid(
                whole(),
                "the document has none of `paths`, `webhooks` and `components`",
                "an OpenAPI 3.1 document describes at least one of them",
            ));
        }
        SpecVersion::V3_1 => {
            root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        }
        SpecVersion::V3_0 if !root.contains_key("paths") => {
            return Err(Error::invalid(
                whole(),
                "the document has no `paths`",
                "OpenAPI 3.0 requires `paths` (`paths: {}` when there are none)",
            ));
        }
        SpecVersion::V3_0 => {}
    }
    let (mut warnings, path_items) = write_out_refs(file, document)?;
    missing_responses(file, document, version, &path_items)?;
    warnings.extend(mutual_tls(document));
    Ok(warnings)
}

/// The pointers of every path item of the document: under `paths`, `webhooks`,
/// `components/pathItems`, and the callbacks of their operations and of `components/callbacks`.
/// Callbacks inside callbacks are not followed (no generator reads them).
fn path_item_pointers(document: &Value) -> Vec<String> {
    let mut items = Vec::new();
    for section in [&["paths"][..], &["webhooks"], &["components", "pathItems"]] {
        let Some(Value::Object(map)) = document.pointer(&pointer(section.iter().copied())) else { continue };
        items.extend(map.keys().map(|key| pointer(section.iter().copied().chain([key.as_str()]))));
    }
    items
}

/// The pointers of the callbacks of the operations of the path item at `item`.
fn callback_pointers(document: &Value, item: &str) -> Vec<String> {
    let mut callbacks = Vec::new();
    for method in METHODS {
        let at = format!("{item}/{method}/callbacks");
        if let Some(Value::Object(map)) = document.pointer(&at) {
            callbacks.extend(map.keys().map(|name| format!("{at}/{}", pointer_token(name))));
        }
    }
    callbacks
}

/// The pointers of the components' callbacks.
fn component_callbacks(document: &Value) -> Vec<String> {
    match document.pointer("/components/callbacks") {
        Some(Value::Object(map)) => map.keys().map(|name| pointer(["components", "callbacks", name])).collect(),
        _ => Vec::new(),
    }
}

/// The pointers of the path items of `callbacks` (one per runtime expression).
fn callback_items(document: &Value, callbacks: &[String]) -> Vec<String> {
    let mut items = Vec::new();
    for callback in callbacks {
        if let Some(Value::Object(map)) = document.pointer(callback) {
            items.extend(map.keys().map(|expression| format!("{callback}/{}", pointer_token(expression))));
        }
    }
    items
}

/// Writes out, in place, every path item, callback and security scheme given as a local `$ref`.
/// A security scheme given as a reference that is not written out (to another document, which
/// was not read) is taken out with a warning: what requires it is left out. Returns the warnings
/// and the pointers of the path items (callbacks' included).
fn write_out_refs(file: &str, document: &mut Value) -> Result<(Vec<Warning>, Vec<String>)> {
    let mut items = path_item_pointers(document);
    let mut callbacks = component_callbacks(document);
    callbacks.extend(items.iter().flat_map(|item| callback_pointers(document, item)));
    for callback in &callbacks {
        write_out_ref(file, document, callback)?;
    }
    items.extend(callback_items(document, &callbacks));
    for item in &items {
        write_out_ref(file, document, item)?;
    }
    // Security schemes too: `openapiv3` reads none given as a `$ref`.
    let mut warnings = Vec::new();
    if let Some(Value::Object(map)) = document.pointer("/components/securitySchemes") {
        let names: Vec<String> = map.keys().cloned().collect();
        for name in names {
            let at = pointer(["components", "securitySchemes", &name]);
            write_out_ref(file, document, &at)?;
            if let Some(Value::String(reference)) = document.pointer(&format!("{at}/$ref")) {
                warnings.push(Warning::new(
                    &at,
                    format!(
                        "the scheme is the reference `{reference}`, which is not read (the generator reads files \
                         beside the spec, never the network); what requires the scheme is left out"
                    ),
                ));
                if let Some(Value::Object(schemes)) = document.pointer_mut("/components/securitySchemes") {
                    schemes.remove(&name);
                }
            }
        }
    }
    Ok((warnings, items))
}

/// Replaces the object at `at`, when it is a local `$ref`, by what the reference names (its own
/// fields beside the `$ref` kept over the referenced ones).
fn write_out_ref(file: &str, document: &mut Value, at: &str) -> Result<()> {
    let mut followed = 0;
    while let Some(Value::Object(map)) = document.pointer(at)
        && let Some(Value::String(reference)) = map.get("$ref")
    {
        // An external reference is the bundler's; one left here could not be read.
        let Some(target) = reference.strip_prefix('#') else { return Ok(()) };
        followed += 1;
        let location = || Location::new(file, format!("{at}/$ref"));
        if followed > MAX_CHAIN {
            return Err(Error::invalid(
                location(),
                "a chain of references never reaches a definition",
                "break the reference cycle",
            ));
        }
        let Some(Value::Object(found)) = document.pointer(target) else {
            return Err(Error::invalid(
                location(),
                format!("`$ref: {reference}` points to nothing"),
                "point it at a definition in this document, or fix the reference",
            ));
        };
        let mut written = found.clone();
        let siblings = map.iter().filter(|(key, _)| *key != "$ref").map(|(k, v)| (k.clone(), v.clone()));
        written.extend(siblings.collect::<Vec<_>>());
        if let Some(place) = document.pointer_mut(at) {
            *place = Value::Object(written);
        }
    }
    Ok(())
}

/// An operation without `responses`: valid in 3.1 (it gets an empty list), refused in 3.0 at
/// the operation itself. `items` are the path items' pointers.
fn missing_responses(file: &str, document: &mut Value, version: SpecVersion, items: &[String]) -> Result<()> {
    let mut missing = Vec::new();
    for item in items {
        for method in METHODS {
            let at = format!("{item}/{method}");
            if let Some(Value::Object(op)) = document.pointer_mut(&at)
                && !op.contains_key("responses")
            {
                match version {
                    SpecVersion::V3_1 => {
                        op.insert("responses".into(), Value::Object(Map::new()));
                    }
                    SpecVersion::V3_0 => missing.push(Error::invalid(
                        Location::new(file, at),
                        "this operation has no `responses`",
                        "OpenAPI 3.0 requires them: declare at least the successful response",
                    )),
                }
            }
        }
    }
    match missing.len() {
        0 => Ok(()),
        1 => Err(missing.remove(0)),
        _ => Err(Error::Several(missing)),
    }
}

/// Takes `mutualTLS` schemes out of the document, with a warning each; a requirement that named
/// one is met, as far as each request goes, by its other schemes.
fn mutual_tls(document: &mut Value) -> Vec<Warning> {
    let Some(Value::Object(schemes)) = document.pointer_mut("/components/securitySchemes") else { return Vec::new() };
    let names: Vec<String> = schemes
        .iter()
        .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(name, _)| name.clone())
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    schemes.retain(|name, _| !names.contains(name));
    let mut requirement_lists: Vec<String> = vec!["/security".into()];
    for item in path_item_pointers(document) {
        requirement_lists.extend(METHODS.iter().map(|method| format!("{item}/{method}/security")));
    }
    for list in requirement_lists {
        if let Some(Value::Array(requirements)) = document.pointer_mut(&list) {
            for requirement in requirements.iter_mut().filter_map(Value::as_object_mut) {
                requirement.retain(|name, _| !names.contains(name));
            }
        }
    }
    names
        .iter()
        .map(|name| {
            Warning::new(
                pointer(["components", "securitySchemes", name]),
                "a `mutualTLS` scheme is a client certificate: set it on the `reqwest::Client` the generated \
                 client is built with (`reqwest::Identity`); requests carry no credential for it",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_3_1_document_without_paths_gets_empty_ones_and_operations_empty_responses() {
        let mut doc = json!({"info": {}, "webhooks": {"w": {"post": {}}}});
        settle("a", &mut doc, SpecVersion::V3_1).unwrap();
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(doc["webhooks"]["w"]["post"]["responses"], json!({}));
    }

    #[test]
    fn missing_frames_are_refused_at_the_node() {
        let err = settle("a", &mut json!({"paths": {}}), SpecVersion::V3_1).unwrap_err().to_string();
        assert_eq!(err, "a: the document has no `info`; add `info` with the API's `title` and `version`");
        let err = settle("a", &mut json!({"info": {}}), SpecVersion::V3_1).unwrap_err().to_string();
        assert!(err.contains("none of `paths`, `webhooks` and `components`"), "{err}");
        let mut doc = json!({"info": {}, "paths": {"/a": {"get": {}}}});
        let err = settle("a", &mut doc, SpecVersion::V3_0).unwrap_err().to_string();
        assert!(err.starts_with("a at /paths/~1a/get: this operation has no `responses`"), "{err}");
    }

    #[test]
    fn path_item_and_callback_refs_are_written_out() {
        let mut doc = json!({"info": {}, "paths": {
            "/a": {"$ref": "#/components/pathItems/A", "summary": "mine"},
            "/b": {"post": {"responses": {}, "callbacks": {"c": {"$ref": "#/components/callbacks/C"}}}}
        }, "components": {
            "pathItems": {"A": {"summary": "theirs", "get": {"responses": {}}}},
            "callbacks": {"C": {"{$url}": {"$ref": "#/components/pathItems/A"}}}
        }});
        settle("a", &mut doc, SpecVersion::V3_1).unwrap();
        assert_eq!(doc["paths"]["/a"], json!({"summary": "mine", "get": {"responses": {}}}));
        assert_eq!(
            doc["paths"]["/b"]["post"]["callbacks"]["c"]["{$url}"],
            json!({"summary": "theirs", "get": {"responses": {}}})
        );
        let mut doc = json!({"info": {}, "paths": {"/a": {"$ref": "#/components/pathItems/Gone"}}});
        let err = settle("a", &mut doc, SpecVersion::V3_1).unwrap_err().to_string();
        assert!(
            err.starts_with("a at /paths/~1a/$ref: `$ref: #/components/pathItems/Gone` points to nothing"),
            "{err}"
        );
    }

    #[test]
    fn mutual_tls_leaves_the_schemes_and_requirements() {
        let mut doc = json!({"info": {}, "paths": {"/a": {"get": {"security": [{"m": [], "k": []}]}}},
            "security": [{"m": []}],
            "components": {"securitySchemes": {"m": {"type": "mutualTLS"}, "k": {"type": "apiKey"}}}});
        let warnings = settle("a", &mut doc, SpecVersion::V3_1).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(doc["components"]["securitySchemes"], json!({"k": {"type": "apiKey"}}));
        assert_eq!(doc["security"], json!([{}]));
        assert_eq!(doc["paths"]["/a"]["get"]["security"], json!([{"k": []}]));
    }
}
