//! Literals that the schema readers cannot hold, settled before anything reads the document, so
//! that no literal in a valid document makes the whole spec fail.
//!
//! `openapiv3` holds integer bounds and enums as `i64`, lengths as `usize`, number bounds as
//! `f64` and string enums as strings. Real specs write `minimum: -9223372036854775808` so that
//! it reads as a float, `maximum: 18446744073709551615`, bounds of 2^64 and more, `enum: [true]`
//! for a string. Each is kept where it fits (a whole float becomes an integer, a scalar in a
//! string enum its text) and otherwise dropped, with a warning naming its pointer: a bound only
//! documents a value, it never changes its type.

use serde_json::{Map, Number, Value};

use super::schemas::for_each_schema;
use crate::error::{Warning, pointer};

/// Keywords holding a count (`usize` in the reader).
const COUNTS: &[&str] = &["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

/// Keywords holding a number bound (`i64` for integer schemas, `f64` otherwise).
const BOUNDS: &[&str] = &["minimum", "maximum", "multipleOf"];

/// Rewrites every schema of `document` (3.1 already lowered) into what the readers hold, and
/// says what it dropped or changed.
pub fn settle(document: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for_each_schema(document, &mut |schema, path| {
        if let Value::Object(map) = schema {
            settle_schema(map, path, &mut warnings);
        }
    });
    warnings
}

fn settle_schema(map: &mut Map<String, Value>, path: &[std::borrow::Cow<'_, str>], warnings: &mut Vec<Warning>) {
    let at = |key: &str| pointer(path.iter().map(AsRef::as_ref).chain([key]));
    let ty = map.get("type").and_then(Value::as_str).map(str::to_string);
    // OpenAPI 3.0 makes `exclusiveMinimum` a flag beside `minimum`; a number there is the 3.1
    // way of saying both, and means the same.
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(bound)) = map.get(exclusive).cloned() {
            map.insert(inclusive.into(), Value::Number(bound));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    for key in BOUNDS {
        let Some(value) = map.get(*key) else { continue };
        let settled = match (ty.as_deref(), value) {
            (Some("integer"), Value::Number(n)) => whole(n).map(|n| Value::Number(n.into())).ok_or("a 64-bit integer"),
            (_, Value::Number(_)) => Ok(value.clone()),
            _ => Err("a number"),
        };
        replace_or_drop(map, key, settled, &at(key), "the bound is dropped", warnings);
    }
    for key in COUNTS {
        let Some(value) = map.get(*key) else { continue };
        let count = value.as_number().and_then(|n| n.as_u64().or_else(|| whole(n).and_then(|n| u64::try_from(n).ok())));
        let settled = count.map(|n| Value::Number(n.into())).ok_or("a count (a whole number, 0 or more)");
        replace_or_drop(map, key, settled, &at(key), "the limit is dropped", warnings);
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        let mut kept = Vec::with_capacity(values.len());
        for (index, value) in values.drain(..).enumerate() {
            match enum_value(ty.as_deref(), &value) {
                Ok(settled) => kept.push(settled),
                Err(expected) => warnings.push(Warning::new(
                    pointer(path.iter().map(AsRef::as_ref).chain(["enum", &index.to_string()])),
                    format!("`{value}` is not {expected}, as this schema's values must be; the value is dropped"),
                )),
            }
        }
        *values = kept;
        if values.is_empty() {
            map.remove("enum");
        }
    }
}

/// Puts `settled` in place of `map[key]`, or removes the key with a warning that says what the
/// value should have been.
fn replace_or_drop(
    map: &mut Map<String, Value>,
    key: &str,
    settled: Result<Value, &str>,
    at: &str,
    consequence: &str,
    warnings: &mut Vec<Warning>,
) {
    match settled {
        Ok(value) => {
            map.insert(key.to_string(), value);
        }
        Err(expected) => {
            let value = map.remove(key).unwrap_or_default();
            warnings.push(Warning::new(at, format!("`{key}: {value}` does not fit {expected}; {consequence}")));
        }
    }
}

/// A number as an `i64`, when it is a whole number in range (a float such as `-9.223372036854776e18`
/// included).
fn whole(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    if n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    // `i64::MAX as f64` rounds up to 2^63, which does not fit; `-2^63` does.
    (f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
}

/// An `enum` value as the schema's type holds it, or what it should have been.
fn enum_value(ty: Option<&str>, value: &Value) -> Result<Value, &'static str> {
    match (ty, value) {
        (_, Value::Null) => Ok(Value::Null),
        (Some("integer"), Value::Number(n)) => whole(n).map(|n| Value::Number(n.into())).ok_or("a 64-bit integer"),
        (Some("integer"), _) => Err("a 64-bit integer"),
        (Some("number"), Value::Number(_)) => Ok(value.clone()),
        (Some("number"), _) => Err("a number"),
        (Some("boolean"), Value::Bool(_)) => Ok(value.clone()),
        (Some("boolean"), _) => Err("a boolean"),
        // `enum: [true, 1]` on a string: YAML read the author's words as other types.
        (Some("string"), Value::Bool(_) | Value::Number(_)) => Ok(Value::String(value.to_string())),
        (Some("string"), Value::String(_)) => Ok(value.clone()),
        (Some("string"), _) => Err("a string"),
        _ => Ok(value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn settled(schema: Value) -> (Value, Vec<String>) {
        let mut doc = json!({"components": {"schemas": {"S": schema}}});
        let warnings = settle(&mut doc);
        (
            doc["components"]["schemas"]["S"].take(),
            warnings.into_iter().map(|w| format!("{}: {}", w.pointer, w.message)).collect(),
        )
    }

    #[test]
    fn integer_bounds_are_kept_where_they_fit_and_dropped_otherwise() {
        let (schema, warnings) = settled(json!({"type": "integer", "minimum": -9223372036854775808.0_f64,
            "maximum": 18446744073709551615_u64, "multipleOf": 2.0}));
        assert_eq!(schema, json!({"type": "integer", "minimum": i64::MIN, "multipleOf": 2}));
        assert_eq!(
            warnings,
            [
                "/components/schemas/S/maximum: `maximum: 18446744073709551615` does not fit a 64-bit integer; the bound is dropped"
            ]
        );
        let (schema, warnings) = settled(json!({"type": "integer", "maximum": 3.4e38, "minimum": "1e400"}));
        assert_eq!(schema, json!({"type": "integer"}));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let (schema, warnings) = settled(json!({"type": "integer", "minimum": -9.3e18, "maxLength": u64::MAX}));
        assert_eq!(schema, json!({"type": "integer", "maxLength": u64::MAX}));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn number_bounds_counts_and_enums_settle() {
        let (schema, warnings) =
            settled(json!({"type": "number", "maximum": 3.4e38, "minLength": 2.0, "maxItems": -1}));
        assert_eq!(schema, json!({"type": "number", "maximum": 3.4e38, "minLength": 2}));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let (schema, warnings) = settled(json!({"type": "integer", "enum": [1, 18446744073709551616.0, null]}));
        assert_eq!(schema, json!({"type": "integer", "enum": [1, null]}));
        assert_eq!(
            warnings,
            [
                "/components/schemas/S/enum/1: `1.8446744073709552e+19` is not a 64-bit integer, as this schema's values must be; the value is dropped"
            ]
        );
        let (schema, _) = settled(json!({"type": "string", "enum": [true, 1, "x"]}));
        assert_eq!(schema, json!({"type": "string", "enum": ["true", "1", "x"]}));
    }

    #[test]
    fn a_3_1_exclusive_bound_in_a_3_0_document_means_what_it_says() {
        let (schema, warnings) = settled(json!({"type": "integer", "exclusiveMinimum": 0}));
        assert_eq!(schema, json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0}));
        assert!(warnings.is_empty());
    }
}
