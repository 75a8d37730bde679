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
//! calls with the required fields as stored. Each field's absence rule expands through an inner
//! rule to the expression written out before, so decoding costs what it cost.
//!
//! ```text
//! struct_codec! {
//!     types::Pet as "Pet" from "/components/schemas/Pet";
//!     slots PetSlots, undeclared additional_properties;
//!     with_required(name: String);
//!     name: Option<String> = "name", field, refused, name;
//!     tag: Option<String> = "tag", optional, no_value, None;
//! }
//! ```
//!
//! The header's `tag "kind" = "dog"` makes the struct a tagged union's member (the tag written
//! first, skipped when read, the struct written under the tag's value); `undeclared _` drops
//! the properties the spec does not declare instead of keeping them in the named field. The
//! absence rules: `refused` (an error naming the key), `empty` and `none` (tolerated, reported:
//! the default, or no value), `no_value` (`null` or absent is `None`), `kept` (the slot is the
//! field: an optional nullable field keeps absent and `null` apart).

// Named by its bare name (the runtime declares this module `#[macro_use]`, and the crate root
// the runtime): a path through `$crate` is refused where the generated code is itself expanded
// from a macro (`include!`). Exported only so that a crate without structs does not warn of it
// unused.
#[doc(hidden)]
#[macro_export]
macro_rules! struct_codec {
    (
        $ty:path as $name:literal from $origin:literal $(, tag $tag:literal = $tag_value:literal)?;
        slots $slots:ident, undeclared $undeclared:tt;
        with_required($($param:ident: $param_ty:ty),*);
        $($field:ident: $slot:ty = $wire:literal, $write:ident, $absent:ident, $init:expr;)*
    ) => {
        impl $crate::runtime::EncodeFields for $ty {
            #[inline]
            fn fields<W: $crate::runtime::FieldWriter>(&self, out: &mut W) {
                $(out.field($tag, $tag_value);)?
                $(out.$write($wire, &self.$field);)*
                struct_codec!(@encode_undeclared self, out, $undeclared);
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::runtime::encode_struct(self, serializer, struct_codec!(@written $name $($tag_value)?))
            }
        }

        #[derive(Default)]
        pub struct $slots {
            $($field: $slot,)*
        }

        impl<'de> $crate::runtime::DecodeStruct<'de> for $ty {
            type Slots = $slots;
            const KEEPS_UNDECLARED: bool = struct_codec!(@keeps $undeclared);
            $(const TAG: ::std::option::Option<&'static str> = Some($tag);)?
            const ORIGIN: &'static str = $origin;

            struct_codec!(@read $slots, [$($field $wire)*]);

            struct_codec!(@finish $slots, $undeclared, [$($field $wire $absent)*]);
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::decode_struct(deserializer, $name)
            }
        }

        impl $ty {
            struct_codec!(@with_required $undeclared, ($($param: $param_ty),*), [$($field $init;)*]);
        }
    };

    // The name a struct is written under: a tagged union's member's is its tag value.
    (@written $name:literal) => { $name };
    (@written $name:literal $tag_value:literal) => { $tag_value };

    (@keeps _) => { false };
    (@keeps $extras:ident) => { true };

    // A struct that keeps nothing undeclared may have nothing else to write either.
    (@encode_undeclared $this:ident, $out:ident, _) => { let _ = $out; };
    (@encode_undeclared $this:ident, $out:ident, $extras:ident) => { $out.undeclared(&$this.$extras); };

    // The struct with its required fields, as stored, and its optional ones unset: its `new`
    // takes them as callers give them.
    (@with_required _, ($($param:ident: $param_ty:ty),*), [$($field:ident $init:expr;)*]) => {
        #[inline]
        pub(super) fn with_required($($param: $param_ty),*) -> Self {
            Self { $($field: $init,)* }
        }
    };
    (@with_required $extras:ident, ($($param:ident: $param_ty:ty),*), [$($field:ident $init:expr;)*]) => {
        #[inline]
        pub(super) fn with_required($($param: $param_ty),*) -> Self {
            Self { $($field: $init,)* $extras: $crate::runtime::Extras::new() }
        }
    };

    // A struct without fields keeps the trait's `read`, which takes no key.
    (@read $slots:ident, []) => {};
    (@read $slots:ident, [$($field:ident $wire:literal)+]) => {
        #[inline]
        fn read<A: ::serde::de::MapAccess<'de>>(
            slots: &mut $slots,
            key: &str,
            map: &mut A,
        ) -> ::std::result::Result<$crate::runtime::Field, A::Error> {
            match key {
                $($wire => $crate::runtime::fill(&mut slots.$field, map),)*
                _ => Ok($crate::runtime::Field::Undeclared),
            }
        }
    };

    (@finish $slots:ident, _, []) => {
        #[inline]
        fn finish<E: ::serde::de::Error>(_: $slots, _: $crate::runtime::Extras) -> ::std::result::Result<Self, E> {
            Ok(Self {})
        }
    };
    (@finish $slots:ident, $extras:ident, []) => {
        #[inline]
        fn finish<E: ::serde::de::Error>(_: $slots, undeclared: $crate::runtime::Extras) -> ::std::result::Result<Self, E> {
            Ok(Self { $extras: undeclared })
        }
    };
    (@finish $slots:ident, _, [$($field:ident $wire:literal $absent:ident)+]) => {
        #[inline]
        fn finish<E: ::serde::de::Error>(slots: $slots, _: $crate::runtime::Extras) -> ::std::result::Result<Self, E> {
            Ok(Self { $($field: struct_codec!(@absent $absent, slots.$field, $wire),)* })
        }
    };
    (@finish $slots:ident, $extras:ident, [$($field:ident $wire:literal $absent:ident)+]) => {
        #[inline]
        fn finish<E: ::serde::de::Error>(slots: $slots, undeclared: $crate::runtime::Extras) -> ::std::result::Result<Self, E> {
            Ok(Self { $($field: struct_codec!(@absent $absent, slots.$field, $wire),)* $extras: undeclared })
        }
    };

    // A field whose key is absent. Refused names it, in field order, so the first missing one is
    // named, as serde's derive does; a `match` rather than a `?` per field (measured: about 6% of
    // a large crate's `cargo check`).
    (@absent refused, $slot:expr, $wire:literal) => {
        match $slot {
            Some(value) => value,
            None => return Err(E::missing_field($wire)),
        }
    };
    (@absent empty, $slot:expr, $wire:literal) => {
        $crate::runtime::tolerated($slot, $wire, Self::ORIGIN).unwrap_or_default()
    };
    (@absent none, $slot:expr, $wire:literal) => {
        $crate::runtime::tolerated($slot, $wire, Self::ORIGIN).flatten()
    };
    // `null` for an optional field is no value, as a missing key is.
    (@absent no_value, $slot:expr, $wire:literal) => { $slot.flatten() };
    (@absent kept, $slot:expr, $wire:literal) => { $slot };
}
