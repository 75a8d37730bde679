//! Where in a body the value being decoded is: the JSON pointer from the body's root (RFC 6901:
//! `/data/3/region`, `/labels/env`) that deviation records carry, kept only while a deviation
//! sink listens.
//!
//! A body is decoded through [`Tracked`], a `Deserializer` around serde_json's whose maps and
//! sequences add the key or index of the value they hand out to the path the listening scope
//! keeps (see `deviation.rs`), and take it off again after; a decoder that reports reads the
//! path there. Nothing of it runs without a sink: [`from_json_slice`] checks [`listening`] once
//! and then decodes as `serde_json::from_slice` does.
//!
//! Written here rather than taken from `serde_path_to_error` (0.1), which wraps a deserializer
//! the same way but keeps the path in a private chain it shows only in the error of a decoding
//! that failed: a decoder reporting from the middle of a decoding that succeeds cannot read it.
//!
//! The variant of an externally tagged enum is not a step of the path (generated types have no
//! such enums: string enums read a string, unions a buffered value they decode as a [`Member`]).
//!
//! [`listening`]: super::listening

use std::fmt::{Display, Write as _};

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Decodes a JSON body as `T`; while a deviation sink listens, through [`Tracked`], so that
/// what the decoders report says where in the body it is.
#[doc(hidden)]
pub fn from_json_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    if !super::listening() {
        return serde_json::from_slice(bytes);
    }
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(Tracked { de: &mut json })?;
    json.end()?;
    Ok(value)
}

/// A deserializer whose maps and sequences keep the listening scope's path up to date.
pub(super) struct Tracked<D> {
    de: D,
}

/// The methods of a forwarding `Deserializer`, each one `$call!(self, visitor, method(args))`.
macro_rules! deserializer_methods {
    ($call:ident) => {
        deserializer_methods!(@ $call;
            deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
            deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16(); deserialize_u32();
            deserialize_u64(); deserialize_u128(); deserialize_f32(); deserialize_f64(); deserialize_char();
            deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
            deserialize_option(); deserialize_unit(); deserialize_unit_struct(name: &'static str);
            deserialize_newtype_struct(name: &'static str); deserialize_seq(); deserialize_tuple(len: usize);
            deserialize_tuple_struct(name: &'static str, len: usize); deserialize_map();
            deserialize_struct(name: &'static str, fields: &'static [&'static str]);
            deserialize_enum(name: &'static str, variants: &'static [&'static str]);
            deserialize_identifier(); deserialize_ignored_any();
        );
    };
    (@ $call:ident; $($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            $call!(self, visitor, $method($($arg),*))
        }
    )*};
}

/// The scalar visits of a forwarding `Visitor`: each one hands the value to `noted` first.
macro_rules! scalar_visits {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<Self::Value, E> {
            self.noted(&value).$method(value)
        }
    )*};
}

/// The visits a forwarding `Visitor` passes on untouched.
macro_rules! plain_visits {
    () => {
        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            self.visitor.expecting(formatter)
        }

        scalar_visits! {
            visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64); visit_i128(i128);
            visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64); visit_u128(u128); visit_f32(f32);
            visit_f64(f64); visit_char(char); visit_str(&str); visit_borrowed_str(&'de str); visit_string(String);
        }

        fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Self::Value, E> {
            self.visitor.visit_bytes(value)
        }

        fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<Self::Value, E> {
            self.visitor.visit_borrowed_bytes(value)
        }

        fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<Self::Value, E> {
            self.visitor.visit_byte_buf(value)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.visitor.visit_none()
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.visitor.visit_unit()
        }

        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
            self.visitor.visit_enum(data)
        }
    };
}

macro_rules! tracked_call {
    ($this:ident, $visitor:ident, $method:ident($($arg:ident),*)) => {
        $this.de.$method($($arg,)* TrackedVisitor { visitor: $visitor })
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tracked<D> {
    type Error = D::Error;

    deserializer_methods!(tracked_call);

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor whose maps and sequences are tracked, and whatever they hold.
struct TrackedVisitor<V> {
    visitor: V,
}

impl<V> TrackedVisitor<V> {
    fn noted(self, _: &dyn Display) -> V {
        self.visitor
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TrackedVisitor<V> {
    type Value = V::Value;

    plain_visits!();

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_some(Tracked { de })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_newtype_struct(Tracked { de })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_seq(TrackedSeq { seq, index: 0, text: String::new() })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_map(TrackedMap { map, key: String::new() })
    }
}

/// A seed whose value is decoded tracked.
struct TrackedSeed<S> {
    seed: S,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TrackedSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Tracked { de })
    }
}

/// A sequence whose elements are on the path by their index while they are decoded.
struct TrackedSeq<A> {
    seq: A,
    index: usize,
    /// The index as text (its buffer reused from element to element).
    text: String,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for TrackedSeq<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        self.text.clear();
        let _ = write!(self.text, "{}", self.index);
        let entered = super::deviation::enter(&self.text);
        let element = self.seq.next_element_seed(TrackedSeed { seed });
        super::deviation::leave(entered);
        self.index += 1;
        element
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// A map whose values are on the path by their key while they are decoded.
struct TrackedMap<A> {
    map: A,
    /// The last key read, as text (its buffer reused from key to key).
    key: String,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TrackedMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.key.clear();
        self.map.next_key_seed(KeySeed { seed, key: &mut self.key })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let entered = super::deviation::enter(&self.key);
        let value = self.map.next_value_seed(TrackedSeed { seed });
        super::deviation::leave(entered);
        value
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A map key's seed that writes the key, as text, into `key` as it is decoded.
struct KeySeed<'a, S> {
    seed: S,
    key: &'a mut String,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer { de, key: self.key })
    }
}

struct KeyDeserializer<'a, D> {
    de: D,
    key: &'a mut String,
}

macro_rules! key_call {
    ($this:ident, $visitor:ident, $method:ident($($arg:ident),*)) => {
        $this.de.$method($($arg,)* KeyVisitor { visitor: $visitor, key: $this.key })
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, D> {
    type Error = D::Error;

    deserializer_methods!(key_call);

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A key's visitor: the key as text (JSON keys are strings; a map with integer keys reads them
/// as integers) goes to `key`.
struct KeyVisitor<'a, V> {
    visitor: V,
    key: &'a mut String,
}

impl<V> KeyVisitor<'_, V> {
    fn noted(self, key: &dyn Display) -> V {
        let _ = write!(self.key, "{key}");
        self.visitor
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    plain_visits!();

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_some(de)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_newtype_struct(de)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_map(map)
    }
}

/// A union's value as one of its members decodes it: the value the union buffered, tracked when
/// the decoding is for a listening sink (the member chosen, decoded once more to report), plain
/// otherwise (the members tried).
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Member<'a> {
    value: &'a serde_json::Value,
    tracked: bool,
}

impl<'a> Member<'a> {
    pub(super) fn plain(value: &'a serde_json::Value) -> Self {
        Member { value, tracked: false }
    }

    pub(super) fn tracked(value: &'a serde_json::Value) -> Self {
        Member { value, tracked: true }
    }
}

macro_rules! member_call {
    ($this:ident, $visitor:ident, $method:ident($($arg:ident),*)) => {
        match $this.tracked {
            true => Tracked { de: $this.value }.$method($($arg,)* $visitor),
            false => $this.value.$method($($arg,)* $visitor),
        }
    };
}

impl<'de> Deserializer<'de> for Member<'de> {
    type Error = serde_json::Error;

    deserializer_methods!(member_call);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use serde::Deserialize;

    use crate::runtime::{Deviation, DeviationKind, DeviationSink, observe_operation};

    /// Reports an unknown value of itself, as a generated enum does, wherever it is.
    #[derive(Debug)]
    struct Reported;

    impl<'de> Deserialize<'de> for Reported {
        fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
            let value = String::deserialize(de)?;
            crate::runtime::report(DeviationKind::UnknownEnumValue { value }, None, "/Reported", None);
            Ok(Reported)
        }
    }

    #[derive(Debug, Deserialize)]
    struct Page {
        data: Vec<Option<BTreeMap<String, Reported>>>,
        next: Reported,
    }

    fn pointers(json: &str, listening: bool) -> Vec<String> {
        let seen: Arc<Mutex<Vec<Deviation>>> = Arc::default();
        let collect = Arc::clone(&seen);
        let sink: Arc<dyn DeviationSink> = Arc::new(move |d: Deviation| collect.lock().unwrap().push(d));
        let sink = listening.then_some(&sink);
        let page = observe_operation(sink, "api", "op", 200, || super::from_json_slice::<Page>(json.as_bytes()));
        let Page { data, next: Reported } = page.unwrap();
        assert_eq!(data.len(), 4);
        seen.lock().unwrap().iter().map(|d| d.payload_pointer.clone()).collect()
    }

    #[test]
    fn reports_point_from_the_body_root_through_arrays_and_maps_escaped() {
        let json = r#"{"data": [null, {"a": "x", "b/c~": "y"}, {}, {"d": "z"}], "next": "w"}"#;
        assert_eq!(pointers(json, true), ["/data/1/a", "/data/1/b~1c~0", "/data/3/d", "/next"]);
        assert!(pointers(json, false).is_empty(), "no sink, no report");
    }
}
