//! Where a document `openapiv3` refuses is wrong, to the node. Its `$ref`-or-item values are
//! untagged enums, which swallow the path inside them: an unknown parameter location is reported
//! at `/paths`. The node reported is read again as what it is (a path item, a parameter, a
//! response...), which tells the path inside it, until the innermost node that is wrong.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::path_to_pointer;

/// How many times a node is read again, at most (each read goes one untagged value deeper).
const MAX_STEPS: usize = 16;

/// The innermost node under `pointer` that is wrong, and what is wrong with it; `pointer` and
/// `message` (what the whole document's read said) when nothing narrower is found.
pub(super) fn to_the_node(document: &Value, mut pointer: String, mut message: String) -> (String, String) {
    for _ in 0..MAX_STEPS {
        let Some(node) = document.pointer(&pointer) else { break };
        if node.get("$ref").is_some() {
            break;
        }
        let tokens = crate::error::pointer_tokens(&pointer);
        let Some((inside, said)) = read_as_what_it_is(&tokens, node) else { break };
        message = said;
        if inside.is_empty() {
            break;
        }
        pointer.push_str(&inside);
    }
    (pointer, message)
}

/// Reads `node`, at `tokens`, as the OpenAPI object that stands there: where inside it the read
/// fails and why; `None` when the node is not one of them or reads fine.
fn read_as_what_it_is(tokens: &[String], node: &Value) -> Option<(String, String)> {
    let token = |back: usize| tokens.len().checked_sub(back).and_then(|i| tokens.get(i)).map(String::as_str);
    let in_components = |section: &str| tokens.len() == 3 && tokens[0] == "components" && tokens[1] == section;
    match (token(2), token(1)) {
        (None, Some("paths")) => read_entries::<openapiv3::PathItem>(node),
        (None, Some("components")) => read::<openapiv3::Components>(node),
        (Some("paths"), _) if tokens.len() == 2 => read::<openapiv3::PathItem>(node),
        (Some("callbacks"), _) => read::<openapiv3::Callback>(node),
        (Some("parameters"), _) => read::<openapiv3::Parameter>(node),
        (_, Some("requestBody")) => read::<openapiv3::RequestBody>(node),
        _ if in_components("requestBodies") => read::<openapiv3::RequestBody>(node),
        (_, Some("responses")) => read_entries::<openapiv3::Response>(node),
        (Some("responses"), _) => read::<openapiv3::Response>(node),
        (Some("headers"), _) => read::<openapiv3::Header>(node),
        (Some("content"), _) => read::<openapiv3::MediaType>(node),
        (Some("links"), _) => read::<openapiv3::Link>(node),
        (Some("securitySchemes"), _) => read::<openapiv3::SecurityScheme>(node),
        (Some("schemas" | "properties"), _) | (_, Some("schema" | "items" | "additionalProperties" | "not")) => {
            read::<openapiv3::Schema>(node)
        }
        (Some("allOf" | "anyOf" | "oneOf"), _) => read::<openapiv3::Schema>(node),
        _ => None,
    }
}

/// Reads each entry of a map (but extensions) as a `T`: the first that fails. (`openapiv3`
/// flattens such maps beside their extensions, which loses the key of a failing entry.)
fn read_entries<T: DeserializeOwned>(node: &Value) -> Option<(String, String)> {
    let entries = node.as_object()?.iter().filter(|(key, _)| !key.starts_with("x-"));
    entries.filter(|(_, entry)| entry.get("$ref").is_none()).find_map(|(key, entry)| {
        let (inside, message) = read::<T>(entry)?;
        Some((format!("/{}{inside}", crate::error::pointer_token(key)), message))
    })
}

fn read<T: DeserializeOwned>(node: &Value) -> Option<(String, String)> {
    serde_path_to_error::deserialize::<_, T>(node).err().map(|e| (path_to_pointer(e.path()), e.inner().to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn errors_inside_untagged_values_reach_their_node() {
        let document = json!({"paths": {"/a": {"get": {
            "parameters": [{"name": "x", "in": "qurey"}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"encoding": 5}}}}
        }}}});
        let (pointer, message) = to_the_node(&document, "/paths".into(), "whole".into());
        assert_eq!(pointer, "/paths/~1a/get/parameters/0/in");
        assert!(message.contains("unknown variant `qurey`"), "{message}");
        let document = json!({"paths": {"/a": {"get": {
            "responses": {"200": {"description": "ok", "content": {"application/json": {"encoding": 5}}}}
        }}}});
        let (pointer, message) = to_the_node(&document, "/paths".into(), "whole".into());
        assert_eq!(pointer, "/paths/~1a/get/responses/200/content/application~1json/encoding");
        assert!(message.contains("expected a map"), "{message}");
    }

    #[test]
    fn a_wrong_webhook_is_narrowed_to_its_node() {
        let spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n  pet:\n    post:\n      \
            parameters: [{name: x, in: qurey, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n";
        let error = crate::load::load("s.yaml", spec).unwrap_err().to_string();
        assert!(error.contains(" at /webhooks/pet/post/parameters/0/in: "), "{error}");
        assert!(error.contains("unknown variant `qurey`"), "{error}");
    }
}
