//! `$ref`s to other files beside the spec (`common.yaml#/components/schemas/Pet`), read from disk
//! and brought into the document, never fetched from the network:
//!
//! - a schema becomes a component schema of the document (named after the last token of the
//!   reference, or the file's stem), so that it is one type however often it is referenced, and
//!   recursion through it works as within one file;
//! - anything else (a parameter, a response, a path item) is written out in place.
//!
//! References inside what is brought in are read relative to the file it came from. A reference
//! that cannot be followed (no such file, no such node, a URL) stays as it is, with a warning
//! naming the file; the model then leaves out what uses it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Warning, pointer, pointer_token, unescape_pointer_token};

/// More files or imports than this is taken for a reference cycle and stops.
const MAX_ROUNDS: usize = 64;

/// Follows every reference to another file in `document`, which was read from `spec`.
pub(super) fn bundle(spec: &Path, document: &mut Value) -> Vec<Warning> {
    let dir = spec.parent().map(normal).unwrap_or_default();
    let root = normal(spec);
    let mut bundler = Bundler { dir, root, files: HashMap::new(), imported: BTreeMap::new() };
    let mut warnings = Vec::new();
    let mut given_up: HashSet<String> = HashSet::new();
    for _ in 0..MAX_ROUNDS {
        // Most specs are one file: a walk that builds no pointers says so.
        if !has_external_ref(document) {
            break;
        }
        let mut found = Vec::new();
        collect_refs(document, &mut String::new(), &mut found);
        found.retain(|(_, reference)| !given_up.contains(reference));
        if found.is_empty() {
            break;
        }
        // Only now: it copies the whole document, which a spec in one file never needs.
        let schemas = schema_pointers(document);
        for (at, reference) in found {
            match bundler.follow(document, &reference, schemas.contains(&at)) {
                Ok(replacement) => {
                    if let Some(node) = document.pointer_mut(&at) {
                        *node = replacement;
                    }
                }
                Err(problem) => {
                    warnings.push(Warning::new(at, format!("external reference `{reference}`: {problem}")));
                    given_up.insert(reference);
                }
            }
        }
    }
    warnings
}

struct Bundler {
    /// The spec's folder, and the spec itself (references back into it are local ones).
    dir: PathBuf,
    root: PathBuf,
    /// Each file read, by its path, parsed.
    files: HashMap<PathBuf, Value>,
    /// The component schema each imported schema became, by file and fragment.
    imported: BTreeMap<(PathBuf, String), String>,
}

impl Bundler {
    /// A file as messages name it: relative to the spec's folder when it is inside it.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.dir).unwrap_or(path).display().to_string()
    }

    /// What the reference node (`{$ref: reference}`) becomes: a local reference to the schema
    /// brought in, or the referenced node itself.
    fn follow(&mut self, document: &mut Value, reference: &str, is_schema: bool) -> Result<Value, String> {
        if reference.contains("://") {
            return Err("the generator reads files beside the spec, never the network; bundle the spec first".into());
        }
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let path = normal(&self.dir.join(file));
        if !self.files.contains_key(&path) {
            let shown = self.shown(&path);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
            let parsed = super::parse_document(&shown, &text).map_err(|e| e.to_string())?;
            self.files.insert(path.clone(), parsed);
        }
        let target = self.files[&path]
            .pointer(fragment)
            .ok_or_else(|| format!("`{}` has nothing at `{fragment}`", self.shown(&path)))?
            .clone();
        let mut target = target;
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        rebase(&mut target, &path, &folder, &self.root);
        if !is_schema {
            return Ok(target);
        }
        let key = (path.clone(), fragment.to_string());
        let name = match self.imported.get(&key) {
            Some(name) => name.clone(),
            None => {
                let wanted = fragment
                    .rsplit('/')
                    .next()
                    .filter(|last| !last.is_empty())
                    .map(unescape_pointer_token)
                    .unwrap_or_else(|| file_stem(&path));
                let name = free_name(document, &wanted);
                let schemas = document
                    .as_object_mut()
                    .ok_or("the document is not a mapping")?
                    .entry("components")
                    .or_insert_with(|| Value::Object(Default::default()))
                    .as_object_mut()
                    .ok_or("`components` is not a mapping")?
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Default::default()));
                schemas.as_object_mut().ok_or("`components/schemas` is not a mapping")?.insert(name.clone(), target);
                self.imported.insert(key, name.clone());
                name
            }
        };
        Ok(serde_json::json!({ "$ref": format!("#/components/schemas/{}", pointer_token(&name)) }))
    }
}

/// A component schema name not taken yet: `wanted`, or `wanted2`, `wanted3`...
fn free_name(document: &Value, wanted: &str) -> String {
    let taken = |name: &str| document.pointer(&format!("/components/schemas/{}", pointer_token(name))).is_some();
    std::iter::once(wanted.to_string())
        .chain((2..).map(|n| format!("{wanted}{n}")))
        .find(|name| !taken(name))
        .unwrap_or_default()
}

fn file_stem(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.split_once('.').map_or(name.clone(), |(stem, _)| stem.to_string())
}

/// Makes the references inside a node brought in from `file` (in `folder`) mean the same in the
/// document: local ones name that file, relative ones are read from its folder.
/// References back into the spec (`root`) become local ones.
fn rebase(value: &mut Value, file: &Path, folder: &Path, root: &Path) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let (target, fragment) = match reference.split_once('#') {
                    Some(("", fragment)) => (Some(file.to_path_buf()), fragment.to_string()),
                    Some((other, fragment)) => (Some(normal(&folder.join(other))), fragment.to_string()),
                    None => (Some(normal(&folder.join(reference.as_str()))), String::new()),
                };
                if let Some(target) = target.filter(|_| !reference.contains("://")) {
                    *reference = match target == root {
                        true => format!("#{fragment}"),
                        false => format!("{}#{fragment}", target.display()),
                    };
                }
            }
            for (_, child) in map.iter_mut().filter(|(key, _)| *key != "$ref") {
                rebase(child, file, folder, root);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rebase(item, file, folder, root)),
        _ => {}
    }
}

/// `path` with its `.` and `..` steps taken, without asking the file system.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The object's `$ref`, when it is to another document.
fn external_ref(map: &serde_json::Map<String, Value>) -> Option<&String> {
    match map.get("$ref") {
        Some(Value::String(reference)) if !reference.starts_with('#') => Some(reference),
        _ => None,
    }
}

/// Whether any `$ref` in `value` is to another document.
fn has_external_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => external_ref(map).is_some() || map.values().any(has_external_ref),
        Value::Array(items) => items.iter().any(has_external_ref),
        _ => false,
    }
}

/// The pointer and text of every `$ref` to another document.
fn collect_refs(value: &Value, at: &mut String, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = external_ref(map) {
                found.push((at.clone(), reference.clone()));
                return;
            }
            for (key, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&pointer_token(key));
                collect_refs(child, at, found);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = at.len();
                // Writing to a `String` cannot fail.
                let _ = write!(at, "/{index}");
                collect_refs(item, at, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The pointers of every schema in the document.
fn schema_pointers(document: &Value) -> HashSet<String> {
    let mut copy = document.clone();
    let mut found = HashSet::new();
    super::schemas::for_each_schema(&mut copy, &mut |_, path| {
        found.insert(pointer(path.iter().map(AsRef::as_ref)));
    });
    found
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn schemas_become_components_and_other_nodes_are_written_out() {
        let dir = std::env::temp_dir().join(format!("codegen-external-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("parts")).unwrap();
        std::fs::write(
            dir.join("parts/common.yaml"),
            "components:\n  schemas:\n    Pet: {properties: {kind: {$ref: '#/components/schemas/Kind'}, owner: {$ref: 'owner.yaml'}}}\n    \
             Kind: {type: string}\n    Back: {$ref: '../spec.yaml#/components/schemas/Pet'}\n  parameters:\n    limit: {name: limit, in: query, schema: {type: integer}}\n",
        )
        .unwrap();
        std::fs::write(dir.join("parts/owner.yaml"), "type: object\nproperties: {name: {type: string}}\n").unwrap();
        let mut doc = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "parts/common.yaml#/components/parameters/limit"}],
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "$ref": "parts/common.yaml#/components/schemas/Pet"}}}}}
            }}},
            "components": {"schemas": {"Pet": {"type": "string"}}}
        });
        let warnings = bundle(&dir.join("spec.yaml"), &mut doc);
        assert!(warnings.is_empty(), "{warnings:?}");
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op["parameters"][0], json!({"name": "limit", "in": "query", "schema": {"type": "integer"}}));
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Pet2"}),
            "the document's own Pet keeps its name"
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Pet2"]["properties"]["kind"], json!({"$ref": "#/components/schemas/Kind"}));
        assert_eq!(schemas["Pet2"]["properties"]["owner"], json!({"$ref": "#/components/schemas/owner"}));
        assert_eq!(schemas["owner"]["properties"]["name"], json!({"type": "string"}));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn what_cannot_be_read_is_left_with_a_warning_naming_the_file() {
        let mut doc =
            json!({"paths": {"/a": {"get": {"parameters": [{"$ref": "gone.yaml#/p"}, {"$ref": "https://x/y.yaml"}]}}}});
        let warnings = bundle(Path::new("/nonexistent-dir/spec.yaml"), &mut doc);
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].message.contains("cannot read `gone.yaml`"), "{}", warnings[0].message);
        assert!(warnings[1].message.contains("never the network"), "{}", warnings[1].message);
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0], json!({"$ref": "gone.yaml#/p"}));
    }
}
