//! Encoding and decoding of generated structs. Generated code reaches these through its
//! crate-private `codec` modules; none of it is for callers, hence hidden from the docs.
//!
//! serde's derive writes a `?` per field into each struct's `Serialize`; a generated struct
//! lists its fields once ([`EncodeFields`]) and [`encode_struct`] writes them, keeping the first
//! error and writing nothing after it. The output is the derive's with
//! `skip_serializing_if = "Option::is_none"` on optional fields.
//!
//! For decoding, serde's derive writes, for every struct, a field enum with its own visitor, a
//! sequence visitor and a map visitor; a crate with hundreds of structs spends most of its type
//! checking there. A generated struct instead says only what is its own ([`DecodeStruct`]: a
//! struct of slots named as its fields, which slot a key fills, and how the slots become the
//! struct) and the one visitor here does the rest. What it accepts is what the derive accepts
//! from JSON, less the array form of a struct, which no JSON API sends, and with the deviations
//! below: a repeated key is an error, and so is a missing required key unless the table says
//! otherwise.
//!
//! # What decoding tolerates
//!
//! A service's answers drift from its description. Decoding accepts a deviation that loses
//! nothing a caller could act on, and refuses one where any value would be a guess (the call's
//! error is then `Error::Decode`, with the status and the raw body):
//!
//! | The object...                                          | Decoded as                                  |
//! |--------------------------------------------------------|---------------------------------------------|
//! | has a property its schema does not declare             | kept in the struct's [`Extras`] field, written back; skipped where `additionalProperties: false` |
//! | lacks a required property that may be `null`           | `None`: absent and `null` both say there is no value |
//! | lacks a required array or map                          | empty: no items is all an absent list can say |
//! | has `null` for an optional property that may not be `null` | `None`, as if absent                    |
//! | has a string enum value the description does not list | the enum's `Unknown(..)` variant            |
//! | lacks any other required property                      | refused: `missing field ..`                 |
//! | has `null` for a required property that may not be `null` | refused: `invalid type: null`            |
//! | has a value of another type                            | refused: `invalid type: ..`                 |

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};
use serde_json::{Map, Value};

/// The properties of an object that its API description does not declare, in the order they
/// came, kept when it is decoded and written back when it is encoded: a value that went through
/// a get and a put loses nothing the service added since the description was written.
/// Empty, it holds no allocation.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Extras(Option<Box<Map<String, Value>>>);

impl Extras {
    /// No properties.
    pub const fn new() -> Self {
        Extras(None)
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    /// The value of property `key`, if the object had it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// The properties, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().flat_map(|map| map.iter()).map(|(key, value)| (key.as_str(), value))
    }

    /// Sets property `key` (written after the declared ones); returns the value it replaces.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.0.get_or_insert_default().insert(key.into(), value)
    }

    /// The properties as a JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|map| *map).unwrap_or_default()
    }
}

impl std::fmt::Debug for Extras {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A struct's fields, in order, as [`encode_struct`] writes them.
pub trait EncodeFields {
    /// Hands each field to `out`: `field` for one always written, `optional` for one written
    /// only when it has a value, then `undeclared` for the properties kept from decoding.
    fn fields<W: FieldWriter>(&self, out: &mut W);
}

/// What [`EncodeFields::fields`] hands its fields to.
pub trait FieldWriter {
    /// A field written whatever its value.
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T);
    /// A field written when it has a value, left out otherwise (an optional nullable field's
    /// `Some(None)` is a value: `null`).
    fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>);
    /// The properties the API description does not declare, each written as it came.
    fn undeclared(&mut self, extras: &Extras);
}

/// Writes `value` as struct `name`: the fields are counted first (serde's formats want the
/// number up front), then written. A value with undeclared properties is written as a map (a
/// struct's keys are static), which JSON writes the same.
#[inline]
pub fn encode_struct<T: EncodeFields, S: Serializer>(
    value: &T,
    serializer: S,
    name: &'static str,
) -> Result<S::Ok, S::Error> {
    let mut count = Count { len: 0, undeclared: false };
    value.fields(&mut count);
    if count.undeclared {
        return encode_as_map(value, serializer, count.len);
    }
    let mut state = EncodeStruct::<S> { state: serializer.serialize_struct(name, count.len)?, error: None };
    value.fields(&mut state);
    state.end()
}

/// Writes `value`, which has undeclared properties, as a map of `len` entries. Kept out of line
/// and cold: inlined, this second copy of every field's writing doubled each struct's encoder, and
/// the compiler then left the writes of the common case out of line too (the large list, which
/// has no undeclared properties, encoded about 7% slower).
#[cold]
#[inline(never)]
fn encode_as_map<T: EncodeFields, S: Serializer>(value: &T, serializer: S, len: usize) -> Result<S::Ok, S::Error> {
    let mut state = EncodeMap::<S> { state: serializer.serialize_map(Some(len))?, error: None };
    value.fields(&mut state);
    match state.error {
        Some(e) => Err(e),
        None => state.state.end(),
    }
}

/// Counts the fields that will be written.
struct Count {
    len: usize,
    /// Whether there are undeclared properties among them.
    undeclared: bool,
}

impl FieldWriter for Count {
    #[inline]
    fn field<T: Serialize + ?Sized>(&mut self, _key: &'static str, _value: &T) {
        self.len += 1;
    }

    #[inline]
    fn optional<T: Serialize>(&mut self, _key: &'static str, value: &Option<T>) {
        self.len += usize::from(value.is_some());
    }

    #[inline]
    fn undeclared(&mut self, extras: &Extras) {
        self.len += extras.len();
        self.undeclared |= !extras.is_empty();
    }
}

/// A struct with undeclared properties being written, as a map.
struct EncodeMap<S: Serializer> {
    state: S::SerializeMap,
    /// The first error; once there is one, nothing more is written.
    error: Option<S::Error>,
}

impl<S: Serializer> FieldWriter for EncodeMap<S> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none()
            && let Err(e) = self.state.serialize_entry(key, value)
        {
            self.error = Some(e);
        }
    }

    fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    fn undeclared(&mut self, extras: &Extras) {
        for (key, value) in extras.iter() {
            if self.error.is_none()
                && let Err(e) = self.state.serialize_entry(key, value)
            {
                self.error = Some(e);
            }
        }
    }
}

/// A struct being written; once a field fails, nothing more is written.
struct EncodeStruct<S: Serializer> {
    state: S::SerializeStruct,
    /// The first error.
    error: Option<S::Error>,
}

impl<S: Serializer> FieldWriter for EncodeStruct<S> {
    #[inline]
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none()
            && let Err(e) = self.state.serialize_field(key, value)
        {
            self.error = Some(e);
        }
    }

    /// Leaves a field without a value out, telling the format, as serde's derive does (JSON
    /// writes nothing).
    #[inline]
    fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
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

    /// Written as a map instead when there are any (see [`encode_struct`]).
    #[inline]
    fn undeclared(&mut self, _extras: &Extras) {}
}

impl<S: Serializer> EncodeStruct<S> {
    /// Ends the struct, or returns the first error.
    #[inline]
    fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.state.end(),
        }
    }
}

/// A struct decoded by [`decode_struct`]: the values read so far are kept in `Slots`, a struct
/// with a field per field (`None` until its key is read), starting from its default.
pub trait DecodeStruct<'de>: Sized {
    /// One slot per field, named as the field.
    type Slots: Default;
    /// Whether the struct keeps the properties it does not declare (false: they are skipped).
    const KEEPS_UNDECLARED: bool = true;
    /// The tag property of the tagged union whose member this struct is: the encoder writes it,
    /// and decoding skips it (the union read it to choose the member), so it is never taken for
    /// an undeclared property and written twice.
    const TAG: Option<&'static str> = None;
    /// The struct's schema in the spec, where deviation records point.
    const ORIGIN: &'static str = "";

    /// Reads the value of `key` into the slot it names, with [`fill`] (a direct call per field,
    /// which the compiler inlines into the match); a key that names no slot is left to the
    /// caller, unread (none does for a struct without fields, which takes any object).
    fn read<A: MapAccess<'de>>(_slots: &mut Self::Slots, _key: &str, _map: &mut A) -> Result<Field, A::Error> {
        Ok(Field::Undeclared)
    }

    /// The struct, once the map is read, with the undeclared properties read (none if it does
    /// not keep them); an error names a required field that was missing.
    fn finish<E: Error>(slots: Self::Slots, undeclared: Extras) -> Result<Self, E>;
}

/// What [`DecodeStruct::read`] did with a key.
pub enum Field {
    /// Read its value into the slot.
    Read,
    /// Nothing: the slot was filled already, by the same key earlier in the object.
    Repeated,
    /// Nothing: the struct does not declare it.
    Undeclared,
}

/// Reads the map's next value into `slot`, unless a value was read into it already.
#[inline]
pub fn fill<'de, V: serde::Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<V>,
    map: &mut A,
) -> Result<Field, A::Error> {
    if slot.is_some() {
        return Ok(Field::Repeated);
    }
    *slot = Some(map.next_value()?);
    Ok(Field::Read)
}

/// Decodes struct `T` (called `name` in error messages) from a map.
pub fn decode_struct<'de, D, T>(deserializer: D, name: &'static str) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DecodeStruct<'de>,
{
    deserializer.deserialize_map(StructVisitor { name, decoded: PhantomData })
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
        let mut slots = T::Slots::default();
        let mut undeclared = Extras::new();
        while let Some(key) = map.next_key_seed(KeySeed::<T>(PhantomData))? {
            let kind = match T::read(&mut slots, &key, &mut map)? {
                Field::Read => continue,
                // serde's derive says the same, before reading the value.
                Field::Repeated => return Err(A::Error::custom(format_args!("duplicate field `{key}`"))),
                Field::Undeclared if T::TAG == Some(&*key) => Key::Skipped,
                Field::Undeclared if T::KEEPS_UNDECLARED => Key::Undeclared(key.into_owned()),
                // Dropped (`additionalProperties: false`), but still news to a listening sink.
                Field::Undeclared if super::listening() => Key::Reported(key.into_owned()),
                Field::Undeclared => Key::Skipped,
            };
            match kind {
                Key::Undeclared(name) => {
                    let value = map.next_value()?;
                    if super::listening() {
                        report_undeclared::<T>(&name, &value);
                    }
                    undeclared.insert(name, value);
                }
                Key::Reported(name) => report_undeclared::<T>(&name, &map.next_value()?),
                Key::Skipped => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        T::finish(slots, undeclared)
    }
}

/// Reports property `name` of struct `T`, which its schema does not declare.
fn report_undeclared<'de, T: DecodeStruct<'de>>(name: &str, value: &Value) {
    let kind = super::DeviationKind::UndeclaredProperty { property: name.to_string() };
    super::report(kind, Some(name), T::ORIGIN, Some(value));
}

/// What a key the struct does not declare is.
enum Key {
    /// One the struct keeps.
    Undeclared(String),
    /// One the struct drops, read only to be reported.
    Reported(String),
    /// One the struct drops unread.
    Skipped,
}

/// Reads a key as the format hands it over: borrowed from the input where it can be
/// (serde_json's, from a slice, unless escaped), so that matching it against the fields copies
/// nothing; owned where the format owns it (a `Value`'s keys, how unions hand a member its body).
/// Generic over the struct only so that each struct's decoder has its own copy of the format's
/// key reading, which the compiler then inlines into it, as it does for serde's derive (whose
/// field enum is its own type per struct): one copy shared by every struct was left out of line,
/// a call per key, about 4% of decoding the large list.
struct KeySeed<T>(PhantomData<fn() -> T>);

impl<'de, T> serde::de::DeserializeSeed<'de> for KeySeed<T> {
    type Value = Cow<'de, str>;

    #[inline]
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_identifier(KeyTextVisitor)
    }
}

struct KeyTextVisitor;

impl<'de> Visitor<'de> for KeyTextVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a field name")
    }

    #[inline]
    fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    /// A key unescaped into the format's scratch buffer: copied, as it does not outlive the call.
    fn visit_str<E: Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E: Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key))
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

    #[derive(Default)]
    struct PatchSlots {
        id: Option<String>,
        expires_at: Option<Option<i64>>,
        tags: Option<Option<Vec<String>>>,
        note: Option<Option<String>>,
    }

    /// As for a schema with `additionalProperties: false`.
    impl<'de> DecodeStruct<'de> for Patch {
        type Slots = PatchSlots;
        const KEEPS_UNDECLARED: bool = false;

        fn read<A: MapAccess<'de>>(slots: &mut PatchSlots, key: &str, map: &mut A) -> Result<Field, A::Error> {
            match key {
                "id" => fill(&mut slots.id, map),
                "expires_at" => fill(&mut slots.expires_at, map),
                "tags" => fill(&mut slots.tags, map),
                "note" => fill(&mut slots.note, map),
                _ => Ok(Field::Undeclared),
            }
        }

        fn finish<E: Error>(slots: PatchSlots, _: Extras) -> Result<Self, E> {
            Ok(Patch {
                id: match slots.id {
                    Some(value) => value,
                    None => return Err(E::missing_field("id")),
                },
                // Required but nullable: absent is no value, as `null` is.
                expires_at: slots.expires_at.flatten(),
                tags: slots.tags.flatten(),
                note: slots.note,
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Patch {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_struct(deserializer, "Patch")
        }
    }

    /// What the generator writes for `Patch`, and for a member of a union tagged `kind`.
    impl EncodeFields for Patch {
        fn fields<W: FieldWriter>(&self, out: &mut W) {
            out.field("id", &self.id);
            out.field("expires_at", &self.expires_at);
            out.optional("tags", &self.tags);
            out.optional("note", &self.note);
            out.undeclared(&Extras::new());
        }
    }

    impl Serialize for Patch {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            encode_struct(self, serializer, "Patch")
        }
    }

    struct Tagged(Patch);

    impl EncodeFields for Tagged {
        fn fields<W: FieldWriter>(&self, out: &mut W) {
            out.field("kind", "patch");
            self.0.fields(out);
        }
    }

    impl Serialize for Tagged {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            encode_struct(self, serializer, "patch")
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
        impl EncodeFields for Holder {
            fn fields<W: FieldWriter>(&self, out: &mut W) {
                out.field("a", &Refused);
                out.field("b", &1);
            }
        }
        impl Serialize for Holder {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                encode_struct(self, serializer, "Holder")
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
        // Required but nullable: absent decodes as no value (see the table in the module docs).
        assert_eq!(decode(r#"{"id": "a"}"#).unwrap().expires_at, None);
        let repeated = decode(r#"{"id": "a", "expires_at": 1, "id": "b"}"#).unwrap_err();
        assert!(repeated.starts_with("duplicate field `id`"), "{repeated}");
        let array = decode(r#"["a", 1]"#).unwrap_err();
        assert!(array.starts_with("invalid type: sequence, expected struct Patch"), "{array}");
        let wrong = decode(r#"{"id": 7, "expires_at": 1}"#).unwrap_err();
        assert!(wrong.starts_with("invalid type: integer `7`, expected a string"), "{wrong}");
    }

    /// What the generator writes for a struct without fields: the trait's own `read`.
    #[derive(Debug, PartialEq)]
    struct Empty {}

    impl<'de> DecodeStruct<'de> for Empty {
        type Slots = ();
        const KEEPS_UNDECLARED: bool = false;

        fn finish<E: Error>(_: (), _: Extras) -> Result<Self, E> {
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

    /// `Patch` as the member of a union tagged `kind`.
    struct PatchMember(Patch);

    impl<'de> DecodeStruct<'de> for PatchMember {
        type Slots = PatchSlots;
        const KEEPS_UNDECLARED: bool = false;
        const TAG: Option<&'static str> = Some("kind");
        const ORIGIN: &'static str = "/components/schemas/Patch";

        fn read<A: MapAccess<'de>>(slots: &mut PatchSlots, key: &str, map: &mut A) -> Result<Field, A::Error> {
            Patch::read(slots, key, map)
        }

        fn finish<E: Error>(slots: PatchSlots, undeclared: Extras) -> Result<Self, E> {
            Patch::finish(slots, undeclared).map(PatchMember)
        }
    }

    impl<'de> serde::Deserialize<'de> for PatchMember {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_struct(deserializer, "Patch")
        }
    }

    /// A struct that drops what its schema does not declare (`additionalProperties: false`)
    /// still reports it to a listening sink; its union's tag is no such property.
    #[test]
    fn dropped_properties_are_reported_when_listening() {
        use std::sync::{Arc, Mutex};
        let seen: Arc<Mutex<Vec<crate::runtime::Deviation>>> = Arc::default();
        let collect = Arc::clone(&seen);
        let sink: Arc<dyn crate::runtime::DeviationSink> =
            Arc::new(move |d: crate::runtime::Deviation| collect.lock().unwrap().push(d));
        let json = r#"{"kind": "patch", "id": "a", "expires_at": 1, "later": {"x": [1]}}"#;
        let patch = crate::runtime::observe_operation(Some(&sink), "shop", "getPatch", 200, || {
            serde_json::from_str::<PatchMember>(json).unwrap()
        });
        assert_eq!(patch.0.id, "a");
        let seen = seen.lock().unwrap();
        let found: Vec<_> =
            seen.iter().map(|d| (&d.kind, d.payload_pointer.as_str(), d.spec_pointer.as_str())).collect();
        let later = crate::runtime::DeviationKind::UndeclaredProperty { property: "later".into() };
        assert_eq!(found, [(&later, "/later", "/components/schemas/Patch")]);
        assert_eq!(seen[0].seen.as_ref().map(|s| s.excerpt.as_str()), Some(r#"{"x":[1]}"#));
    }

    /// What the generator writes for a struct that keeps what its schema does not declare.
    #[derive(Debug, PartialEq)]
    struct Open {
        id: Option<String>,
        rest: Extras,
    }

    #[derive(Default)]
    struct OpenSlots {
        id: Option<Option<String>>,
    }

    impl<'de> DecodeStruct<'de> for Open {
        type Slots = OpenSlots;

        fn read<A: MapAccess<'de>>(slots: &mut OpenSlots, key: &str, map: &mut A) -> Result<Field, A::Error> {
            match key {
                "id" => fill(&mut slots.id, map),
                _ => Ok(Field::Undeclared),
            }
        }

        fn finish<E: Error>(slots: OpenSlots, undeclared: Extras) -> Result<Self, E> {
            Ok(Open { id: slots.id.flatten(), rest: undeclared })
        }
    }

    impl<'de> serde::Deserialize<'de> for Open {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_struct(deserializer, "Open")
        }
    }

    impl EncodeFields for Open {
        fn fields<W: FieldWriter>(&self, out: &mut W) {
            out.optional("id", &self.id);
            out.undeclared(&self.rest);
        }
    }

    impl Serialize for Open {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            encode_struct(self, serializer, "Open")
        }
    }

    #[test]
    fn undeclared_properties_are_kept_in_order_and_written_back() {
        let json = r#"{"z":{"deep":[1,{"x":null}]},"id":"a","b":null,"a":2}"#;
        let open: Open = serde_json::from_str(json).unwrap();
        assert_eq!(open.id.as_deref(), Some("a"));
        let kept: Vec<(&str, &Value)> = open.rest.iter().collect();
        assert_eq!(kept.iter().map(|(key, _)| *key).collect::<Vec<_>>(), ["z", "b", "a"]);
        assert_eq!(open.rest.get("b"), Some(&Value::Null));
        // The declared fields first, then the others in the order they came.
        assert_eq!(serde_json::to_string(&open).unwrap(), r#"{"id":"a","z":{"deep":[1,{"x":null}]},"b":null,"a":2}"#);
        // From a `Value` (how unions hand a member its body) the keys come owned.
        let from_value: Open = serde_json::from_value(serde_json::from_str(json).unwrap()).unwrap();
        assert_eq!(from_value.rest.len(), 3);
        // A value without them holds nothing and writes as a struct.
        let plain: Open = serde_json::from_str(r#"{"id":"a"}"#).unwrap();
        assert!(plain.rest.is_empty() && plain.rest == Extras::new());
        assert_eq!(serde_json::to_string(&plain).unwrap(), r#"{"id":"a"}"#);
    }
}
