//! YAML or JSON text into a `serde_json::Value`, keeping the spec's key order.
//!
//! YAML is read straight into JSON values by one visitor ([`Lenient`]), which takes what a
//! spec can hold and `serde_json::Value` alone cannot: integers beyond 64 bits (kept as the
//! nearest float; `load` then drops what no Rust type can hold, with a warning), and mapping keys
//! that YAML reads as numbers or booleans (`200:` for a response code), which become their text,
//! as OpenAPI means them.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::syntax::{json_error, yaml_error};
use crate::error::Result;

/// Parses YAML or JSON. JSON goes through `serde_json` for its sharper error positions (and
/// through the YAML reader when it holds a number `serde_json` refuses as out of range); anything
/// else is YAML.
///
/// A syntax error shows the line the parser stopped at with a caret under the column, and,
/// when the mistake is probably earlier, that line too (see `syntax`).
pub fn parse_document(file: &str, text: &str) -> Result<Value> {
    if text.trim_start().starts_with('{') {
        match serde_json::from_str(text) {
            Ok(value) => return Ok(value),
            // JSON has no limit on numbers; serde_json's floats do. JSON is YAML too.
            Err(e) if e.to_string().starts_with("number out of range") => {}
            Err(e) => return Err(json_error(file, text, &e)),
        }
    }
    let deserializer = serde_yaml::Deserializer::from_str(text);
    <Lenient as serde::Deserialize>::deserialize(deserializer)
        .map(|lenient| lenient.0)
        .map_err(|e| yaml_error(file, text, &e))
}

/// A JSON value read from YAML, see the module docs.
struct Lenient(Value);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Lenient)
    }
}

struct ValueVisitor;

/// The nearest float to an integer too large for 64 bits, as a JSON number.
fn wide_integer(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> std::result::Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => wide_integer(v as f64),
        })
    }

    fn visit_u128<E>(self, v: u128) -> std::result::Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => wide_integer(v as f64),
        })
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        // `.inf` and `.nan` have no JSON form; no keyword OpenAPI reads takes them.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Lenient(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut object = Map::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let Lenient(value) = map.next_value()?;
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`; a mapping names each key once")));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    /// A tagged value (`!Tag value`): the tag says nothing OpenAPI reads; the value is kept.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> std::result::Result<Value, A::Error> {
        let (_tag, variant): (String, _) = data.variant()?;
        de::VariantAccess::newtype_variant::<Lenient>(variant).map(|lenient| lenient.0)
    }
}

/// A mapping key as text: YAML's numbers, booleans and null keys become what they spell.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<String, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key: OpenAPI keys are strings, so quote a key that is not a scalar")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E>(self, v: i128) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E>(self, v: u128) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<String, E> {
        Ok(v)
    }

    fn visit_unit<E>(self) -> std::result::Result<String, E> {
        Ok("null".to_string())
    }

    fn visit_none<E>(self) -> std::result::Result<String, E> {
        Ok("null".to_string())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numeric_keys_become_strings_and_order_is_kept() {
        let v = parse_document("a.yaml", "responses:\n  200: {}\n  '404': {}\n  default: {}\n  true: 1\n").unwrap();
        let keys: Vec<_> = v["responses"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["200", "404", "default", "true"]);
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_floats_not_refused() {
        let v = parse_document(
            "a.yaml",
            "big: 18446744073709551616\nsmall: -9223372036854775809\nfits: 18446744073709551615\n",
        )
        .unwrap();
        assert_eq!(v["big"], json!(18446744073709551616.0));
        assert_eq!(v["small"], json!(-9223372036854775809.0));
        assert_eq!(v["fits"], json!(18446744073709551615u64));
        let json =
            parse_document("a.json", "{\"huge\": 1e400, \"n\": 340282366920938463463374607431768211456}").unwrap();
        assert!(json["n"].is_f64(), "{json}");
    }

    #[test]
    fn tags_are_dropped_and_duplicate_keys_refused() {
        assert_eq!(parse_document("a.yaml", "a: !custom 3\n").unwrap(), json!({"a": 3}));
        let err = parse_document("a.yaml", "a: 1\na: 2\n").unwrap_err().to_string();
        assert!(err.contains("duplicate key `a`"), "{err}");
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
