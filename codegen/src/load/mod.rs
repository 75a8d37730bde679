//! Stage 1: read a spec (YAML or JSON), check its version, lower OpenAPI 3.1 to the 3.0 shape that
//! `openapiv3` reads, and parse it. Later stages see only a parsed 3.0 document.

mod document;
mod external;
pub mod lint;
mod literals;
mod lower;
mod narrow;
mod overlay;
mod positions;
mod rules;
mod schemas;
mod structure;
mod syntax;

use serde_json::Value;

use crate::error::{Error, Location, Result, Warning};

pub use document::parse_document;
pub use lower::lower_3_1;
pub use overlay::apply as apply_overlay;
pub use positions::positions_of;

/// Which OpenAPI line the document declared before lowering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    V3_0,
    V3_1,
}

/// A parsed spec, ready for the model stage.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The file as the user named it, for error messages.
    pub file: String,
    pub version: SpecVersion,
    pub openapi: openapiv3::OpenAPI,
    /// The OpenAPI 3.1 webhooks (which `openapiv3` does not read), by name, in spec order.
    pub webhooks: Vec<(String, openapiv3::PathItem)>,
    /// What the document says that generation will not follow as written.
    pub warnings: Vec<Warning>,
    /// Where a `$ref` to another file stands that could not be followed (a warning says why and
    /// what to do), as JSON pointers.
    pub unfollowed_refs: std::collections::BTreeSet<String>,
}

/// Reads `text` (the contents of `file`) into an OpenAPI document.
pub fn load(file: &str, text: &str) -> Result<LoadedSpec> {
    load_with_overlay(file, text, None)
}

/// An OpenAPI Overlay document to apply to a spec before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlaySource {
    pub file: String,
    pub text: String,
}

/// Like [`load`], with an overlay applied to the document first.
pub fn load_with_overlay(file: &str, text: &str, overlay: Option<&OverlaySource>) -> Result<LoadedSpec> {
    load_beside(file, text, overlay, None)
}

/// Like [`load_with_overlay`], with `$ref`s to other files read beside `path`, where the spec is
/// on disk (without it, such references are left to the model, which leaves out what uses them).
pub fn load_beside(
    file: &str,
    text: &str,
    overlay: Option<&OverlaySource>,
    path: Option<&std::path::Path>,
) -> Result<LoadedSpec> {
    let (document, version) = overlaid(file, text, overlay)?;
    load_document(file, document, version, path)
}

/// The document `text` holds, with `overlay` applied, and the OpenAPI line it declares: the spec
/// as written, before the loader settles and lowers it, for callers that compare it with what a
/// service did.
pub fn overlaid(file: &str, text: &str, overlay: Option<&OverlaySource>) -> Result<(Value, SpecVersion)> {
    let mut document = parse_document(file, text)?;
    if let Some(overlay) = overlay {
        overlay::apply(&overlay.file, &overlay.text, file, &mut document)?;
    }
    let version = check_version(file, &document)?;
    Ok((document, version))
}

/// Like [`load`], for a document already parsed into JSON values (for example after an overlay).
pub fn load_value(file: &str, document: Value) -> Result<LoadedSpec> {
    let version = check_version(file, &document)?;
    load_document(file, document, version, None)
}

fn load_document(
    file: &str,
    mut document: Value,
    version: SpecVersion,
    path: Option<&std::path::Path>,
) -> Result<LoadedSpec> {
    let mut warnings = unknown_key_warnings(&document, version);
    // After the lint: what other files hold has no place in this one to point at.
    let mut unfollowed_refs = std::collections::BTreeSet::new();
    if let Some(path) = path {
        let unfollowed = external::bundle(path, &mut document);
        unfollowed_refs.extend(unfollowed.iter().map(|warning| warning.pointer.clone()));
        warnings.extend(unfollowed);
    }
    warnings.extend(structure::settle(file, &mut document, version)?);
    rules::check(file, &document)?;
    if version == SpecVersion::V3_1 {
        lower_3_1(&mut document);
    }
    warnings.extend(literals::settle(&mut document));
    explicit_explode(&mut document);
    let webhooks = read_webhooks(file, &mut document)?;
    let openapi = read_openapi(file, document)?;
    Ok(LoadedSpec { file: file.to_string(), version, openapi, webhooks, warnings, unfollowed_refs })
}

/// Writes out `explode: true` where an `encoding` entry of a request body leaves it to its
/// default (form style explodes), because `openapiv3` reads a missing `explode` as `false`.
fn explicit_explode(document: &mut Value) {
    let Some(root) = document.as_object_mut() else { return };
    let mut bodies: Vec<&mut Value> = Vec::new();
    for (key, part) in root.iter_mut() {
        match key.as_str() {
            "paths" => {
                for item in part.as_object_mut().into_iter().flat_map(|paths| paths.values_mut()) {
                    let operations = item.as_object_mut().into_iter().flat_map(|item| item.values_mut());
                    bodies.extend(operations.filter_map(|op| op.get_mut("requestBody")));
                }
            }
            "components" => bodies.extend(
                part.get_mut("requestBodies").and_then(Value::as_object_mut).into_iter().flat_map(|b| b.values_mut()),
            ),
            _ => {}
        }
    }
    for body in bodies {
        let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else { continue };
        for media in content.values_mut() {
            let Some(encodings) = media.get_mut("encoding").and_then(Value::as_object_mut) else { continue };
            for entry in encodings.values_mut().filter_map(Value::as_object_mut) {
                let form = entry.get("style").is_none_or(|style| style == "form");
                if form && !entry.contains_key("explode") {
                    entry.insert("explode".into(), Value::Bool(true));
                }
            }
        }
    }
}

/// A key repeated this often without a close match is reported once, with a count: a spec that
/// carries a vendor's metadata everywhere says so once, not hundreds of times.
const REPEATS_REPORTED_ONCE: usize = 3;

/// The unknown keys of the raw document as warnings; the same unknown key (without a
/// did-you-mean) in many places is one warning at its first place.
fn unknown_key_warnings(document: &Value, version: SpecVersion) -> Vec<Warning> {
    let found = lint::unknown_keys(document, version);
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for key in &found {
        *counts.entry(key.message.as_str()).or_default() += 1;
    }
    let mut reported: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut warnings = Vec::new();
    for key in &found {
        let count = counts[key.message.as_str()];
        if count <= REPEATS_REPORTED_ONCE {
            warnings.push(Warning::new(key.pointer.clone(), key.message.clone()));
        } else if reported.insert(key.message.as_str()) {
            let message = format!("{} (the first of {count} places with this key)", key.message);
            warnings.push(Warning::new(key.pointer.clone(), message));
        }
    }
    warnings
}

/// Reads a document in the 3.0 shape (3.1 already lowered) into `openapiv3`'s types.
pub fn read_openapi(file: &str, document: Value) -> Result<openapiv3::OpenAPI> {
    use serde::Deserialize;
    // Tracking the path costs about a third of the read; it is only needed to say where a
    // document is wrong, so the read is repeated with it only then.
    if let Ok(openapi) = openapiv3::OpenAPI::deserialize(&document) {
        return Ok(openapi);
    }
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&document).map_err(|e| {
        let (pointer, message) = narrow::to_the_node(&document, path_to_pointer(e.path()), e.inner().to_string());
        Error::invalid(
            Location::new(file, pointer),
            format!("not a valid OpenAPI document: {message}"),
            "fix the spec, or describe the fix in an overlay beside it",
        )
    })
}

/// Takes the webhooks out of the document and reads each as a path item.
fn read_webhooks(file: &str, document: &mut Value) -> Result<Vec<(String, openapiv3::PathItem)>> {
    let Some(Value::Object(hooks)) = document.as_object_mut().and_then(|root| root.remove("webhooks")) else {
        return Ok(Vec::new());
    };
    hooks
        .into_iter()
        .map(|(name, item)| {
            let item = serde_path_to_error::deserialize::<_, openapiv3::PathItem>(&item).map_err(|e| {
                let pointer = format!("{}{}", crate::error::pointer(["webhooks", &name]), path_to_pointer(e.path()));
                // Narrowed as a path item of the document would be (only when it is wrong).
                let document = serde_json::json!({ "webhooks": { name.as_str(): item.clone() } });
                let (pointer, message) = narrow::to_the_node(&document, pointer, e.inner().to_string());
                Error::invalid(
                    Location::new(file, pointer),
                    format!("not a valid webhook: {message}"),
                    "fix the spec, or describe the fix in an overlay beside it",
                )
            })?;
            Ok((name, item))
        })
        .collect()
}

fn check_version(file: &str, document: &Value) -> Result<SpecVersion> {
    let Some(object) = document.as_object() else {
        return Err(Error::invalid(
            Location::new(file, ""),
            "the document is not a mapping",
            "an OpenAPI document starts with `openapi: 3.x.y`",
        ));
    };
    if let Some(swagger) = object.get("swagger") {
        return Err(Error::unsupported(
            Location::new(file, "/swagger"),
            format!("Swagger {} (OpenAPI 2.0)", scalar_text(swagger)),
            "convert the spec to OpenAPI 3.0 or 3.1 first (for example with swagger2openapi)",
        ));
    }
    let Some(version) = object.get("openapi") else {
        return Err(Error::invalid(
            Location::new(file, ""),
            "not an OpenAPI document: there is no `openapi` field",
            "an OpenAPI document starts with `openapi: 3.0.x` or `openapi: 3.1.x`",
        ));
    };
    let text = scalar_text(version);
    if text.starts_with("3.0.") || text == "3.0" {
        Ok(SpecVersion::V3_0)
    } else if text.starts_with("3.1.") || text == "3.1" {
        Ok(SpecVersion::V3_1)
    } else {
        Err(Error::unsupported(
            Location::new(file, "/openapi"),
            format!("OpenAPI version {text}"),
            "this generator reads OpenAPI 3.0.x and 3.1.x",
        ))
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let tokens: Vec<String> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    crate::error::pointer(tokens.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swagger_2_is_refused_with_a_hint() {
        let err =
            load("old.yaml", "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "old.yaml at /swagger: unsupported: Swagger 2.0 (OpenAPI 2.0); convert the spec to \
             OpenAPI 3.0 or 3.1 first (for example with swagger2openapi)"
        );
    }

    #[test]
    fn a_document_without_openapi_field_is_refused() {
        let err = load("x.yaml", "title: hello\n").unwrap_err().to_string();
        assert!(err.contains("there is no `openapi` field"), "{err}");
    }

    #[test]
    fn reads_3_0_and_3_1() {
        let base = "info: {title: x, version: '1'}\npaths: {}\n";
        assert_eq!(load("a", &format!("openapi: 3.0.3\n{base}")).unwrap().version, SpecVersion::V3_0);
        assert_eq!(load("a", &format!("openapi: 3.1.0\n{base}")).unwrap().version, SpecVersion::V3_1);
    }
}
