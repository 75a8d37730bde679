//! `struct_codec!`: a generated struct's codec from its table in the API's `codec` module.
//!
//! The table names each field once, on one line: its slot, its key on the wire, how it is
//! written ([`FieldWriter`](super::FieldWriter)'s `field` or `optional`), what an absent key
//! means, and its value in a struct built from its required fields alone. A field added to the
//! spec is one line added to the table, where the same code written out lists it in four places
//! (the writer, the slots, the key's arm, the finish) and gives four hunks in a review diff.
//!
//! The expansion is the code the generator wrote out before: [`EncodeFields`](super::EncodeFields)
//! and `Serialize`, the slots struct, [`DecodeStruct`](super::DecodeStruct) and `Deserialize`,
//! and `with_required`, which the struct's `new` (in the `types` module, where callers read it)
//! calls with the required fields as stored. A field's absence rule picks an inner rule of the
//! macro: a required field's missing key is a `match` that returns the error, and an optional
//! nullable slot is the field itself, as the code written out had them; `empty` and `none` (which
//! report what they tolerate) and `no_value` are [`absent`]'s functions (inlined). Measured in
//! instructions on Oxide's `cargo check`, a generic function per rule for every field (and a
//! `const` block for the written name) cost 3.7% more.
//!
//! ```text
//! struct_codec! {
//!     types::Pet as "Pet" from "/components/schemas/Pet";
//!     slots PetSlots, keeps undeclared: true, in additional_properties;
//!     with_required(name: String);
//!     name: Option<String> = "name", field, refused, name;
//!     tag: Option<String> = "tag", optional, no_value, None;
//! }
//! ```
//!
//! The header's `tag "kind" = "dog"` makes the struct a tagged union's member (the tag written
//! first, skipped when read, the struct written under the tag's value); `keeps undeclared:
//! false` drops the properties the spec does not declare instead of keeping them in the named
//! field. A struct without fields has no slots. The absence rules are `refused`, `kept` and
//! [`absent`]'s functions.

// Named by its bare name (the runtime declares this module `#[macro_use]`, and the crate root
// the runtime): a path through `$crate` is refused where the generated code is itself expanded
// from a macro (`include!`). Exported only so that a crate without structs does not warn of it
// unused.
#[doc(hidden)]
#[macro_export]
macro_rules! struct_codec {
    (
        $ty:path as $name:literal from $origin:literal $(, tag $tag:literal = $tag_value:literal)?;
        slots $slots:ident, keeps undeclared: $keeps:literal $(, in $extras:ident)?;
        with_required($($param:ident: $param_ty:ty),*);
        $($field:ident: $slot:ty = $wire:literal, $write:ident, $absent:ident, $init:expr;)+
    ) => {
        struct_codec!(@serde $ty, $name, [$($tag_value)?]);

        impl $crate::runtime::EncodeFields for $ty {
            #[inline]
            fn fields<W: $crate::runtime::FieldWriter>(&self, out: &mut W) {
                $(out.field($tag, $tag_value);)?
                $(out.$write($wire, &self.$field);)+
                $(out.undeclared(&self.$extras);)?
            }
        }

        pub struct $slots {
            $($field: $slot,)+
        }

        // Every slot is an `Option`; written out rather than derived, which costs a derive's
        // expansion per struct.
        impl Default for $slots {
            #[inline]
            fn default() -> Self {
                Self { $($field: None,)+ }
            }
        }

        impl<'de> $crate::runtime::DecodeStruct<'de> for $ty {
            type Slots = $slots;
            const KEEPS_UNDECLARED: bool = $keeps;
            $(const TAG: ::std::option::Option<&'static str> = Some($tag);)?
            const ORIGIN: &'static str = $origin;

            #[inline]
            fn read<A: ::serde::de::MapAccess<'de>>(
                slots: &mut $slots,
                key: &str,
                map: &mut A,
            ) -> ::std::result::Result<$crate::runtime::Field, A::Error> {
                match key {
                    $($wire => $crate::runtime::fill(&mut slots.$field, map),)+
                    _ => Ok($crate::runtime::Field::Undeclared),
                }
            }

            // Fields in order, so the first missing one is named, as serde's derive does.
            #[inline]
            fn finish<E: ::serde::de::Error>(
                slots: $slots,
                undeclared: $crate::runtime::Extras,
            ) -> ::std::result::Result<Self, E> {
                let _ = &undeclared;
                Ok(Self {
                    $($field: struct_codec!(@take $absent, slots.$field, $wire),)+
                    $($extras: undeclared,)?
                })
            }
        }

        impl $ty {
            #[inline]
            pub(super) fn with_required($($param: $param_ty),*) -> Self {
                Self { $($field: $init,)+ $($extras: $crate::runtime::Extras::new(),)? }
            }
        }
    };

    // A struct without fields: no slots, and the trait's `read`, which takes no key.
    (
        $ty:path as $name:literal from $origin:literal $(, tag $tag:literal = $tag_value:literal)?;
        keeps undeclared: $keeps:literal $(, in $extras:ident)?;
        with_required();
    ) => {
        struct_codec!(@serde $ty, $name, [$($tag_value)?]);

        impl $crate::runtime::EncodeFields for $ty {
            #[inline]
            fn fields<W: $crate::runtime::FieldWriter>(&self, out: &mut W) {
                let _ = &out;
                $(out.field($tag, $tag_value);)?
                $(out.undeclared(&self.$extras);)?
            }
        }

        impl<'de> $crate::runtime::DecodeStruct<'de> for $ty {
            type Slots = ();
            const KEEPS_UNDECLARED: bool = $keeps;
            $(const TAG: ::std::option::Option<&'static str> = Some($tag);)?
            const ORIGIN: &'static str = $origin;

            #[inline]
            fn finish<E: ::serde::de::Error>(
                _: (),
                undeclared: $crate::runtime::Extras,
            ) -> ::std::result::Result<Self, E> {
                let _ = &undeclared;
                Ok(Self { $($extras: undeclared,)? })
            }
        }

        impl $ty {
            #[inline]
            pub(super) fn with_required() -> Self {
                Self { $($extras: $crate::runtime::Extras::new(),)? }
            }
        }
    };

    // A field's value from its slot (`$taken`, moved out of the slots), by its absence rule. A
    // missing required key returns from `finish` with a `match` rather than a `?` (measured:
    // about 6% of a large crate's `cargo check`).
    (@take refused, $taken:expr, $wire:literal) => {
        match $taken {
            Some(value) => value,
            None => return Err(E::missing_field($wire)),
        }
    };
    (@take kept, $taken:expr, $wire:literal) => {
        $taken
    };
    (@take $rule:ident, $taken:expr, $wire:literal) => {
        $crate::runtime::absent::$rule($taken, $wire, Self::ORIGIN)
    };

    // `Serialize` and `Deserialize` through the runtime; a tagged union's member is written
    // under its tag value.
    (@serde $ty:path, $name:literal, []) => {
        struct_codec!(@serde $ty, $name, [$name]);
    };
    (@serde $ty:path, $name:literal, [$written:literal]) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::runtime::encode_struct(self, serializer, $written)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::decode_struct(deserializer, $name)
            }
        }
    };
}

/// What an absent key means for the codec table's `empty`, `none` and `no_value` rules, one
/// function each (`refused` and `kept` are the macro's own). Each is inlined into the `finish` it
/// is named in.
pub mod absent {
    use super::super::tolerated;

    /// A required list or map: absent is empty, reported.
    #[inline]
    pub fn empty<T: Default>(slot: Option<T>, key: &str, origin: &str) -> T {
        tolerated(slot, key, origin).unwrap_or_default()
    }

    /// Required and nullable: absent is no value, reported.
    #[inline]
    pub fn none<T>(slot: Option<Option<T>>, key: &str, origin: &str) -> Option<T> {
        tolerated(slot, key, origin).flatten()
    }

    /// Optional: `null` is no value, as a missing key is.
    #[inline]
    pub fn no_value<T>(slot: Option<Option<T>>, _key: &str, _origin: &str) -> Option<T> {
        slot.flatten()
    }
}
