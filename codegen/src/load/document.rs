//! YAML or JSON text into a `serde_json::Value`, keeping the spec's key order.

use serde_json::{Map, Number, Value};

use crate::error::{Error, Location, Result};

/// Parses YAML or JSON. JSON goes through `serde_json` for its sharper error positions; anything
/// else is YAML. Mapping keys that YAML reads as numbers or booleans (`200:` for a response code)
/// become their text, as OpenAPI means them.
pub fn parse_document(file: &str, text: &str) -> Result<Value> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| Error::Syntax {
            location: Box::new(Location { line_col: Some((e.line(), e.column())), ..Location::new(file, "") }),
            format: "JSON",
            message: without_position(&e.to_string()),
        });
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let line_col = e.location().map(|l| (l.line(), l.column()));
        Error::Syntax {
            location: Box::new(Location { line_col, ..Location::new(file, "") }),
            format: "YAML",
            message: without_position(&e.to_string()),
        }
    })?;
    yaml_to_json(file, yaml, &mut Vec::new())
}

/// serde's messages end with " at line L column C"; the location already says that.
fn without_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn yaml_to_json(file: &str, yaml: serde_yaml::Value, path: &mut Vec<String>) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => yaml_number(&n),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                path.push(i.to_string());
                out.push(yaml_to_json(file, item, path)?);
                path.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = Map::with_capacity(mapping.len());
            for (key, value) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => {
                        return Err(Error::invalid(
                            Location::new(file, crate::error::pointer(path.iter().map(String::as_str))),
                            "a mapping key is not a scalar",
                            "OpenAPI keys are strings; quote the key",
                        ));
                    }
                };
                path.push(key.clone());
                let value = yaml_to_json(file, value, path)?;
                path.pop();
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(file, tagged.value, path)?,
    })
}

fn yaml_number(n: &serde_yaml::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::Number(i.into())
    } else if let Some(u) = n.as_u64() {
        Value::Number(u.into())
    } else {
        n.as_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings_and_order_is_kept() {
        let v = parse_document("a.yaml", "responses:\n  200: {}\n  '404': {}\n  default: {}\n").unwrap();
        let keys: Vec<_> = v["responses"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["200", "404", "default"]);
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = parse_document("bad.yaml", "a: 1\nb: [1, 2\n").unwrap_err().to_string();
        assert!(err.starts_with("bad.yaml:"), "{err}");
        assert!(err.contains("not valid YAML"), "{err}");
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let err = parse_document("bad.json", "{\n  \"a\": 1,\n}").unwrap_err().to_string();
        assert!(err.starts_with("bad.json:3:1: not valid JSON:"), "{err}");
    }
}
