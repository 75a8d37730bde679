//! Encoding and decoding of generated structs.
//!
//! serde's derive writes a `?` per field into each struct's `Serialize`; a generated struct calls
//! [`EncodeStruct`] once per field instead, which keeps the first error and writes nothing after
//! it. The output is the derive's with `skip_serializing_if = "Option::is_none"` on optional
//! fields.
//!
//! For decoding, serde's derive writes, for every struct, a field enum with its
//! own visitor, a sequence visitor and a map visitor; a crate with hundreds of structs spends
//! most of its type checking there. A generated struct instead says only what is its own (which
//! key is which field, how a field is stored, which are required) and the one visitor here does
//! the rest. What it accepts is what the derive accepts from JSON, less the array form of a
//! struct, which no JSON API sends: unknown keys are skipped, a repeated key is an error, a
//! missing required key is an error naming it.

use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A struct being written: `new`, then `field` or `optional` per field, then `end`.
pub struct EncodeStruct<S: Serializer> {
    state: S::SerializeStruct,
    /// The first error; once there is one, nothing more is written.
    error: Option<S::Error>,
}

impl<S: Serializer> EncodeStruct<S> {
    /// Starts struct `name`; `len` is the number of fields that will be written (the required
    /// ones, a tag, and the optional ones that have a value), as serde's formats expect.
    #[inline]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        Ok(EncodeStruct { state: serializer.serialize_struct(name, len)?, error: None })
    }

    /// Writes a field.
    #[inline]
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none()
            && let Err(e) = self.state.serialize_field(key, value)
        {
            self.error = Some(e);
        }
    }

    /// Writes an optional field's value, or leaves the field out when it has none (telling the
    /// format, as serde's derive does; JSON writes nothing).
    #[inline]
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        match value {
            Some(value) => self.field(key, value),
            None => {
                if self.error.is_none()
                    && let Err(e) = self.state.skip_field(key)
                {
                    self.error = Some(e);
                }
            }
        }
    }

    /// Ends the struct, or returns the first error.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.state.end(),
        }
    }
}
/// A struct decoded by [`decode_struct`]: the values read so far are kept in `Slots` (one
/// `Option` per field, `None` until its key is read), starting from `EMPTY`.
pub trait DecodeStruct<'de>: Sized {
    /// One slot per field.
    type Slots;
    /// Every slot empty.
    const EMPTY: Self::Slots;

    /// The field a key names, if any (none: a struct without fields takes any object).
    fn index(_key: &str) -> Option<usize> {
        None
    }

    /// Reads the value of field `index` from `map` into its slot.
    fn put<A: MapAccess<'de>>(_slots: &mut Self::Slots, _index: usize, _map: &mut A) -> Result<(), A::Error> {
        Ok(())
    }

    /// The struct, once the map is read; an error names a required field that was missing.
    fn finish<E: Error>(slots: Self::Slots) -> Result<Self, E>;
}

/// Decodes struct `T` (called `name` in error messages) from a map.
pub fn decode_struct<'de, D, T>(deserializer: D, name: &'static str) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DecodeStruct<'de>,
{
    deserializer.deserialize_map(StructVisitor { name, decoded: PhantomData })
}

/// Reads one field's value into its slot; a slot already filled means the key came twice.
pub fn decode_field<'de, A, V>(slot: &mut Option<V>, key: &'static str, map: &mut A) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    V: serde::Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

struct StructVisitor<T> {
    name: &'static str,
    decoded: PhantomData<fn() -> T>,
}

impl<'de, T: DecodeStruct<'de>> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(formatter, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut slots = T::EMPTY;
        while let Some(key) = map.next_key_seed(FieldKey::<T>(PhantomData))? {
            match key {
                Some(index) => T::put(&mut slots, index, &mut map)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        T::finish(slots)
    }
}

/// A key, read as the index of the field it names: the key is matched where the format hands
/// it over (borrowed, or in a scratch buffer), never copied.
struct FieldKey<T>(PhantomData<fn() -> T>);

impl<'de, T: DecodeStruct<'de>> DeserializeSeed<'de> for FieldKey<T> {
    type Value = Option<usize>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: DecodeStruct<'de>> Visitor<'de> for FieldKey<T> {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(T::index(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for a struct with one field of each kind: required, required
    /// but nullable, optional, and optional and nullable (absent, `null` and a value kept apart).
    #[derive(Debug, PartialEq)]
    struct Patch {
        id: String,
        expires_at: Option<i64>,
        tags: Option<Vec<String>>,
        note: Option<Option<String>>,
    }

    impl<'de> DecodeStruct<'de> for Patch {
        type Slots = (Option<String>, Option<Option<i64>>, Option<Option<Vec<String>>>, Option<Option<String>>);
        const EMPTY: Self::Slots = (None, None, None, None);

        fn index(key: &str) -> Option<usize> {
            match key {
                "id" => Some(0),
                "expires_at" => Some(1),
                "tags" => Some(2),
                "note" => Some(3),
                _ => None,
            }
        }

        fn put<A: MapAccess<'de>>(slots: &mut Self::Slots, index: usize, map: &mut A) -> Result<(), A::Error> {
            match index {
                0 => decode_field(&mut slots.0, "id", map),
                1 => decode_field(&mut slots.1, "expires_at", map),
                2 => decode_field(&mut slots.2, "tags", map),
                3 => decode_field(&mut slots.3, "note", map),
                _ => Ok(()),
            }
        }

        fn finish<E: Error>(slots: Self::Slots) -> Result<Self, E> {
            let (id, expires_at, tags, note) = slots;
            let Some(id) = id else { return Err(E::missing_field("id")) };
            let Some(expires_at) = expires_at else { return Err(E::missing_field("expires_at")) };
            Ok(Patch { id, expires_at, tags: tags.flatten(), note })
        }
    }

    impl<'de> serde::Deserialize<'de> for Patch {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_struct(deserializer, "Patch")
        }
    }

    /// What the generator writes for `Patch`, and for a member of a union tagged `kind`.
    impl Serialize for Patch {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = 2 + usize::from(self.tags.is_some()) + usize::from(self.note.is_some());
            let mut state = EncodeStruct::new(serializer, "Patch", len)?;
            state.field("id", &self.id);
            state.field("expires_at", &self.expires_at);
            state.optional("tags", &self.tags);
            state.optional("note", &self.note);
            state.end()
        }
    }

    struct Tagged(Patch);

    impl Serialize for Tagged {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let patch = &self.0;
            let len = 3 + usize::from(patch.tags.is_some()) + usize::from(patch.note.is_some());
            let mut state = EncodeStruct::new(serializer, "patch", len)?;
            state.field("kind", "patch");
            state.field("id", &patch.id);
            state.field("expires_at", &patch.expires_at);
            state.optional("tags", &patch.tags);
            state.optional("note", &patch.note);
            state.end()
        }
    }

    /// What serde's derive writes, with the attributes the generator used to give it.
    #[derive(serde::Serialize)]
    struct Derived<'a> {
        id: &'a str,
        expires_at: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tags: &'a Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: &'a Option<Option<String>>,
    }

    #[test]
    fn structs_encode_as_the_derive_would() {
        let values = [
            Patch { id: "a".into(), expires_at: Some(5), tags: Some(vec!["x".into()]), note: Some(Some("n".into())) },
            Patch { id: "a".into(), expires_at: None, tags: None, note: None },
            // An optional nullable field set to null is written; an absent one is left out.
            Patch { id: "a\"b".into(), expires_at: None, tags: Some(Vec::new()), note: Some(None) },
        ];
        for value in values {
            let derived = Derived { id: &value.id, expires_at: value.expires_at, tags: &value.tags, note: &value.note };
            assert_eq!(serde_json::to_string(&value).unwrap(), serde_json::to_string(&derived).unwrap());
            // The tag comes first, then the fields.
            let mut expected = serde_json::Map::new();
            expected.insert("kind".into(), "patch".into());
            expected.extend(serde_json::to_value(&derived).unwrap().as_object().unwrap().clone());
            let tagged = serde_json::to_string(&Tagged(value)).unwrap();
            assert_eq!(tagged, serde_json::to_string(&expected).unwrap());
        }
    }

    /// Records which keys a struct writes and which it skips, as a format that cares would see.
    struct Recorder;

    struct Recording(Vec<String>);

    impl SerializeStruct for Recording {
        type Ok = Vec<String>;
        type Error = serde_json::Error;

        fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, _: &T) -> Result<(), Self::Error> {
            self.0.push(format!("write {key}"));
            Ok(())
        }

        fn skip_field(&mut self, key: &'static str) -> Result<(), Self::Error> {
            self.0.push(format!("skip {key}"));
            Ok(())
        }

        fn end(self) -> Result<Vec<String>, Self::Error> {
            Ok(self.0)
        }
    }

    impl Serializer for Recorder {
        type Ok = Vec<String>;
        type Error = serde_json::Error;
        type SerializeSeq = serde::ser::Impossible<Vec<String>, serde_json::Error>;
        type SerializeTuple = serde::ser::Impossible<Vec<String>, serde_json::Error>;
        type SerializeTupleStruct = serde::ser::Impossible<Vec<String>, serde_json::Error>;
        type SerializeTupleVariant = serde::ser::Impossible<Vec<String>, serde_json::Error>;
        type SerializeMap = serde::ser::Impossible<Vec<String>, serde_json::Error>;
        type SerializeStruct = Recording;
        type SerializeStructVariant = serde::ser::Impossible<Vec<String>, serde_json::Error>;

        fn serialize_struct(self, name: &'static str, len: usize) -> Result<Recording, Self::Error> {
            Ok(Recording(vec![format!("struct {name} of {len}")]))
        }

        // Nothing else is asked of it by a struct's `Serialize`.
        fn serialize_bool(self, _: bool) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_i64(self, _: i64) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_i8(self, _: i8) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_i16(self, _: i16) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_i32(self, _: i32) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_u8(self, _: u8) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_u16(self, _: u16) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_u32(self, _: u32) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_f32(self, _: f32) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_char(self, _: char) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_u64(self, _: u64) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_f64(self, _: f64) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_str(self, _: &str) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_none(self) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_unit(self) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Vec<String>, Self::Error> {
            unreachable!()
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
            unreachable!()
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
            unreachable!()
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Self::Error> {
            unreachable!()
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Self::Error> {
            unreachable!()
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
            unreachable!()
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Self::Error> {
            unreachable!()
        }
    }

    #[test]
    fn omitted_fields_are_skipped_as_the_derive_skips_them() {
        let patch = Patch { id: "a".into(), expires_at: None, tags: None, note: Some(None) };
        let derived = Derived { id: &patch.id, expires_at: patch.expires_at, tags: &patch.tags, note: &patch.note };
        let seen = patch.serialize(Recorder).unwrap();
        assert_eq!(seen, ["struct Patch of 3", "write id", "write expires_at", "skip tags", "write note"]);
        // The derive reports the same fields, under the same name for the struct.
        assert_eq!(derived.serialize(Recorder).unwrap()[1..], seen[1..]);
    }

    #[test]
    fn encoding_stops_at_the_first_error() {
        struct Refused;
        impl Serialize for Refused {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("refused"))
            }
        }
        struct Holder;
        impl Serialize for Holder {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut state = EncodeStruct::new(serializer, "Holder", 2)?;
                state.field("a", &Refused);
                state.field("b", &1);
                state.end()
            }
        }
        let mut written = Vec::new();
        let error = serde_json::to_writer(&mut written, &Holder).unwrap_err();
        assert_eq!(error.to_string(), "refused");
        assert_eq!(String::from_utf8(written).unwrap(), "{\"a\":");
    }

    fn decode(json: &str) -> Result<Patch, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn each_kind_of_field_decodes_as_the_derive_would() {
        let full = decode(r#"{"id": "a", "expires_at": 5, "tags": ["x"], "note": "n"}"#).unwrap();
        assert_eq!(
            full,
            Patch { id: "a".into(), expires_at: Some(5), tags: Some(vec!["x".into()]), note: Some(Some("n".into())) }
        );
        let least = decode(r#"{"id": "a", "expires_at": null}"#).unwrap();
        assert_eq!(least, Patch { id: "a".into(), expires_at: None, tags: None, note: None });
        // `null` for an optional field is no value; for an optional nullable one it is a value.
        let nulls = decode(r#"{"id": "a", "expires_at": null, "tags": null, "note": null}"#).unwrap();
        assert_eq!((nulls.tags, nulls.note), (None, Some(None)));
    }

    #[test]
    fn missing_required_keys_repeated_keys_and_other_shapes_are_refused() {
        assert!(decode(r#"{"expires_at": 1}"#).unwrap_err().starts_with("missing field `id`"));
        // Of several missing, the first in field order is named, as serde's derive does.
        assert!(decode(r#"{"tags": []}"#).unwrap_err().starts_with("missing field `id`"));
        // Nullable, but required all the same.
        assert!(decode(r#"{"id": "a"}"#).unwrap_err().starts_with("missing field `expires_at`"));
        let repeated = decode(r#"{"id": "a", "expires_at": 1, "id": "b"}"#).unwrap_err();
        assert!(repeated.starts_with("duplicate field `id`"), "{repeated}");
        let array = decode(r#"["a", 1]"#).unwrap_err();
        assert!(array.starts_with("invalid type: sequence, expected struct Patch"), "{array}");
        let wrong = decode(r#"{"id": 7, "expires_at": 1}"#).unwrap_err();
        assert!(wrong.starts_with("invalid type: integer `7`, expected a string"), "{wrong}");
    }

    /// What the generator writes for a struct without fields: the trait's own `index` and `put`.
    #[derive(Debug, PartialEq)]
    struct Empty {}

    impl<'de> DecodeStruct<'de> for Empty {
        type Slots = ();
        const EMPTY: Self::Slots = ();

        fn finish<E: Error>(_slots: Self::Slots) -> Result<Self, E> {
            Ok(Empty {})
        }
    }

    impl<'de> serde::Deserialize<'de> for Empty {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_struct(deserializer, "Empty")
        }
    }

    #[test]
    fn a_struct_without_fields_takes_any_object_and_only_an_object() {
        assert_eq!(serde_json::from_str::<Empty>(r#"{"a": [1, {"b": null}], "c": "d"}"#).unwrap(), Empty {});
        assert_eq!(serde_json::from_str::<Empty>("{}").unwrap(), Empty {});
        assert!(serde_json::from_str::<Empty>("[]").is_err());
        assert!(serde_json::from_str::<Empty>("null").is_err());
    }

    #[test]
    fn unknown_keys_are_skipped_whatever_their_value() {
        let json = r#"{"later": {"deep": [1, {"x": null}]}, "id": "a", "expires_at": 2, "type": "t"}"#;
        assert_eq!(decode(json).unwrap().expires_at, Some(2));
    }

    #[test]
    fn keys_are_read_from_escaped_text_and_from_values_alike() {
        // An escaped key is unescaped into serde_json's scratch buffer before it is matched.
        assert_eq!(decode(r#"{"\u0069d": "a", "expires_at": 3}"#).unwrap().id, "a");
        // A `Value` (how unions hand a member its body) gives its keys owned.
        let value = serde_json::json!({"id": "b", "expires_at": null, "note": null});
        let patch: Patch = serde_json::from_value(value).unwrap();
        assert_eq!((patch.id.as_str(), patch.note), ("b", Some(None)));
    }
}
