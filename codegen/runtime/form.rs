//! `application/x-www-form-urlencoded` bodies: a field's value as `name=value` pairs, in the
//! style the operation's `encoding` says, or by its shape when it says nothing.
//!
//! Nested values without an `encoding` entry are written in brackets, the convention of the
//! largest form-based APIs (Stripe's): `metadata[order]=6735`, `items[0][price]=p_1`, and a list
//! of scalars as `expand[]=customer`. A top-level list of scalars is repeated (`To=a&To=b`), the
//! OpenAPI default that Twilio-style APIs read.

use serde_json::Value;

use super::response::InvalidRequest;

/// How one field becomes pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStyle {
    /// `form`: a scalar as `name=value`; a list repeated (`explode`) or joined with commas.
    Form { explode: bool },
    /// A list joined with this delimiter (`spaceDelimited`, `pipeDelimited`).
    Delimited(&'static str),
    /// Nested values in brackets (`deepObject`, and the default for objects and lists of them).
    Brackets,
    /// The value as JSON text.
    Json,
}

/// The pairs of a form body: each field of `body` (an object) in the style `styles` gives it,
/// by its shape otherwise. `null` fields are left out.
pub fn form_pairs(body: Value, styles: &[(&str, FieldStyle)]) -> Result<Vec<(String, String)>, InvalidRequest> {
    let Value::Object(fields) = body else {
        return Err(InvalidRequest("a form body must be an object".into()));
    };
    let mut pairs = Vec::new();
    for (name, value) in fields {
        let style = styles.iter().find(|(field, _)| *field == name).map(|(_, style)| *style);
        let style = style.unwrap_or(if is_structured(&value) {
            FieldStyle::Brackets
        } else {
            FieldStyle::Form { explode: true }
        });
        match (style, value) {
            (_, Value::Null) => {}
            (FieldStyle::Json, value) => pairs.push((name, value.to_string())),
            (FieldStyle::Brackets, value) => brackets(&name, value, &mut pairs),
            (FieldStyle::Form { explode: true }, Value::Array(items)) if !items.iter().any(is_structured) => {
                pairs.extend(items.into_iter().filter_map(scalar).map(|text| (name.clone(), text)));
            }
            (FieldStyle::Form { explode: false }, Value::Array(items)) => {
                pairs.push((name, joined(items, ",")?));
            }
            (FieldStyle::Delimited(delimiter), Value::Array(items)) => pairs.push((name, joined(items, delimiter)?)),
            (_, value) if is_structured(&value) => brackets(&name, value, &mut pairs),
            (_, value) => pairs.extend(scalar(value).map(|text| (name, text))),
        }
    }
    Ok(pairs)
}

fn is_structured(value: &Value) -> bool {
    match value {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(|item| item.is_object() || item.is_array()),
        _ => false,
    }
}

/// A scalar as text; `None` for `null`.
fn scalar(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

fn joined(items: Vec<Value>, delimiter: &str) -> Result<String, InvalidRequest> {
    let mut texts = Vec::with_capacity(items.len());
    for item in items {
        if is_structured(&item) {
            return Err(InvalidRequest("a delimited form field holds scalars only".into()));
        }
        texts.extend(scalar(item));
    }
    Ok(texts.join(delimiter))
}

/// `name[key]=v` for objects, `name[]=v` for lists of scalars, `name[0][key]=v` for lists of
/// objects, recursively.
fn brackets(name: &str, value: Value, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (key, field) in fields {
                brackets(&format!("{name}[{key}]"), field, pairs);
            }
        }
        Value::Array(items) if items.iter().any(|item| item.is_object() || item.is_array()) => {
            for (index, item) in items.into_iter().enumerate() {
                brackets(&format!("{name}[{index}]"), item, pairs);
            }
        }
        Value::Array(items) => {
            let key = format!("{name}[]");
            pairs.extend(items.into_iter().filter_map(scalar).map(|text| (key.clone(), text)));
        }
        scalar_value => pairs.extend(scalar(scalar_value).map(|text| (name.to_string(), text))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn encoded(body: Value, styles: &[(&str, FieldStyle)]) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (name, value) in form_pairs(body, styles).unwrap() {
            form.append_pair(&name, &value);
        }
        form.finish()
    }

    #[test]
    fn nested_values_go_in_brackets_and_lists_repeat() {
        let body = json!({
            "amount": 2000,
            "metadata": {"order": "6735", "note": null},
            "items": [{"price": "p_1", "quantity": 2}],
            "expand": ["customer", "invoice"],
            "To": "+1 555",
            "skipped": null
        });
        assert_eq!(
            encoded(body, &[("expand", FieldStyle::Brackets)]),
            "amount=2000&metadata%5Border%5D=6735&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2\
             &expand%5B%5D=customer&expand%5B%5D=invoice&To=%2B1+555"
        );
        assert_eq!(encoded(json!({"MediaUrl": ["a", "b"]}), &[]), "MediaUrl=a&MediaUrl=b");
    }

    #[test]
    fn declared_styles_win() {
        let body = json!({"tags": ["a", "b"], "ids": [1, 2], "filter": {"k": "v"}});
        let styles = [
            ("tags", FieldStyle::Form { explode: false }),
            ("ids", FieldStyle::Delimited("|")),
            ("filter", FieldStyle::Json),
        ];
        assert_eq!(encoded(body, &styles), "tags=a%2Cb&ids=1%7C2&filter=%7B%22k%22%3A%22v%22%7D");
    }
}
