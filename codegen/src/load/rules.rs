//! Rules of the specification that `openapiv3` does not check, or checks where it can no longer
//! say where (inside its untagged `$ref`-or-item values, its errors name only the nearest
//! ancestor, often `/paths`): each broken rule is refused at the node that breaks it.
//!
//! - `allowReserved` belongs to query parameters only (not path or header ones, nor headers);
//! - a header is written in the `simple` style only;
//! - a parameter, header or media type gives `example` or `examples`, not both;
//! - a server variable's `enum` lists at least one value, and its values and `default` are strings;
//! - a link says only what a link can say (`operationRef`, `operationId`, `parameters`,
//!   `requestBody`, `description`, `server`, extensions).

use serde_json::{Map, Value};
use std::fmt::Write as _;

use crate::error::{Error, Location, Result, pointer_token};

/// Keys whose values are never parameters, headers, links or servers, however they are spelled
/// inside: schemas and example values.
const OPAQUE: &[&str] = &["schema", "schemas", "example", "examples", "default", "enum", "const"];

const LINK_KEYS: &[&str] = &["operationRef", "operationId", "parameters", "requestBody", "description", "server"];

/// What a node is, from the key or list that holds it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Other,
    Parameter,
    Header,
    MediaType,
    Link,
    Server,
}

pub(super) fn check(file: &str, document: &Value) -> Result<()> {
    let mut broken = Vec::new();
    walk(document, Role::Other, &mut String::new(), &mut broken);
    match broken.len() {
        0 => Ok(()),
        1 => Err(broken.remove(0).into_error(file)),
        _ => Err(Error::Several(broken.into_iter().map(|b| b.into_error(file)).collect())),
    }
}

struct Broken {
    at: String,
    message: String,
    hint: &'static str,
}

impl Broken {
    fn into_error(self, file: &str) -> Error {
        Error::invalid(Location::new(file, self.at), self.message, self.hint)
    }
}

fn walk(value: &Value, role: Role, at: &mut String, broken: &mut Vec<Broken>) {
    let Value::Object(map) = value else { return };
    if !map.contains_key("$ref") {
        check_node(map, role, at, broken);
    }
    // A link's `parameters` and `server` are not parameter or server objects.
    if role == Role::Link {
        return;
    }
    for (key, child) in map {
        if OPAQUE.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let members = match key.as_str() {
            "parameters" => Role::Parameter,
            "headers" => Role::Header,
            "links" => Role::Link,
            "content" => Role::MediaType,
            "servers" => Role::Server,
            _ => Role::Other,
        };
        let len = at.len();
        at.push('/');
        at.push_str(&pointer_token(key));
        match (members, child) {
            (Role::Other, _) => walk(child, Role::Other, at, broken),
            (_, Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    let len = at.len();
                    // Writing to a `String` cannot fail.
                    let _ = write!(at, "/{index}");
                    walk(item, members, at, broken);
                    at.truncate(len);
                }
            }
            (_, Value::Object(entries)) => {
                for (name, entry) in entries {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer_token(name));
                    walk(entry, members, at, broken);
                    at.truncate(len);
                }
            }
            _ => {}
        }
        at.truncate(len);
    }
}

fn check_node(map: &Map<String, Value>, role: Role, at: &str, broken: &mut Vec<Broken>) {
    let mut refuse = |key: &str, message: String, hint: &'static str| {
        broken.push(Broken { at: format!("{at}/{}", pointer_token(key)), message, hint });
    };
    if matches!(role, Role::Parameter | Role::Header | Role::MediaType)
        && map.contains_key("example")
        && map.contains_key("examples")
    {
        refuse(
            "examples",
            "`example` and `examples` side by side".into(),
            "give one of them: `examples` can hold the single example too",
        );
    }
    match role {
        Role::Parameter => {
            let location = map.get("in").and_then(Value::as_str).unwrap_or_default();
            if matches!(location, "path" | "header") && map.contains_key("allowReserved") {
                refuse(
                    "allowReserved",
                    format!("`allowReserved` on a {location} parameter"),
                    "`allowReserved` applies to query parameters only; remove it",
                );
            }
        }
        Role::Header => {
            if map.contains_key("allowReserved") {
                refuse(
                    "allowReserved",
                    "`allowReserved` on a header".into(),
                    "it applies to query parameters only; remove it",
                );
            }
            if let Some(style) = map.get("style").filter(|style| style.as_str() != Some("simple")) {
                refuse(
                    "style",
                    format!("a header in the style {style}"),
                    "headers are written in the `simple` style only; remove `style` or make it `simple`",
                );
            }
        }
        Role::Link => {
            for key in map.keys().filter(|key| !key.starts_with("x-") && !LINK_KEYS.contains(&key.as_str())) {
                refuse(
                    key,
                    format!("a link has no `{key}`"),
                    "a link says `operationRef` or `operationId`, `parameters`, `requestBody`, `description` and `server`",
                );
            }
        }
        Role::Server => check_server(map, at, broken),
        Role::MediaType | Role::Other => {}
    }
}

fn check_server(map: &Map<String, Value>, at: &str, broken: &mut Vec<Broken>) {
    let Some(Value::Object(variables)) = map.get("variables") else { return };
    for (name, variable) in variables {
        let here = format!("{at}/variables/{}", pointer_token(name));
        match variable.get("enum") {
            Some(Value::Array(values)) if values.is_empty() => broken.push(Broken {
                at: format!("{here}/enum"),
                message: format!("server variable `{name}` has an empty `enum`"),
                hint: "list the values it can take, or remove `enum`",
            }),
            Some(Value::Array(values)) => {
                for (index, value) in values.iter().enumerate().filter(|(_, v)| !v.is_string()) {
                    broken.push(Broken {
                        at: format!("{here}/enum/{index}"),
                        message: format!("server variable `{name}` lists {value}, which is not a string"),
                        hint: "server variables are text: quote the value (`\"80\"`)",
                    });
                }
            }
            _ => {}
        }
        if let Some(value) = variable.get("default").filter(|v| !v.is_string()) {
            broken.push(Broken {
                at: format!("{here}/default"),
                message: format!("server variable `{name}` defaults to {value}, which is not a string"),
                hint: "server variables are text: quote the value (`\"80\"`)",
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn said(document: Value) -> String {
        check("a", &document).map_or_else(|e| e.to_string(), |()| String::new())
    }

    #[test]
    fn each_rule_is_refused_at_its_node() {
        assert_eq!(
            said(json!({"components": {"headers": {"H": {"style": "form"}}}})),
            "a at /components/headers/H/style: a header in the style \"form\"; headers are written in the `simple` \
             style only; remove `style` or make it `simple`"
        );
        let err = said(
            json!({"paths": {"/a": {"get": {"responses": {"200": {"headers": {"X": {"allowReserved": true}}}}}}}}),
        );
        assert!(err.starts_with("a at /paths/~1a/get/responses/200/headers/X/allowReserved: "), "{err}");
        let err = said(json!({"paths": {"/a": {"parameters": [{"in": "path", "allowReserved": false}]}}}));
        assert!(err.starts_with("a at /paths/~1a/parameters/0/allowReserved: "), "{err}");
        let err = said(json!({"servers": [{"url": "x", "variables": {"port": {"enum": [80], "default": "80"}}}]}));
        assert!(err.starts_with("a at /servers/0/variables/port/enum/0: server variable `port` lists 80"), "{err}");
        let err = said(json!({"components": {"links": {"L": {"operationId": "x", "body": {}}}}}));
        assert!(err.starts_with("a at /components/links/L/body: a link has no `body`"), "{err}");
        let err = said(json!({"components": {"parameters": {"p": {"in": "query", "example": 1, "examples": {}}}}}));
        assert!(err.starts_with("a at /components/parameters/p/examples: "), "{err}");
    }

    #[test]
    fn what_is_allowed_passes_and_schemas_are_not_read() {
        let document = json!({
            "components": {
                "parameters": {"q": {"in": "query", "allowReserved": true}},
                "schemas": {"S": {"properties": {"headers": {"properties": {"style": {"type": "string"}}}}}},
                "headers": {"H": {"style": "simple", "example": 1}}
            },
            "servers": [{"url": "x", "variables": {"v": {"enum": ["a"], "default": "a"}}}]
        });
        assert_eq!(said(document), "");
    }
}
