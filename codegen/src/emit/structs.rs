//! The codec of a generated struct, for the API's `codec` module: `Serialize` and `Deserialize`
//! through the runtime. Decoding goes through `DecodeStruct`: the struct gives its slots (a
//! struct named after it, a field per field), how a key's value is read into its slot and how the
//! slots become the struct, and the runtime's one visitor does the rest. serde's derive writes a
//! field enum, a sequence visitor and a map visitor per struct instead; for the Oxide crate that
//! was more than half of `cargo check`. Encoding lists the fields once (`EncodeFields`) for the runtime's
//! `encode_struct`, which keeps the first error, where the derive writes a `?` per field.
//!
//! `fields`, `read` and `finish` are `#[inline]`: they are generic, so they are instantiated in
//! the crate that encodes or decodes, in whichever of its codegen units the compiler picks, and
//! without the hint they stayed calls out of line (in a copy of the large list's types, decoding
//! took about 8% longer without it on `read` and `finish`; `fields` pays with the runtime's map
//! path kept out of line). `cargo check` does no code generation, so the hint costs it nothing.
//!
//! Each field is named, never numbered, so that a field added to the spec adds lines here and
//! changes none; no local is named after a property (a property may be called `foo` or `_1`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::tokens::{Paths, RUNTIME, TYPES, ident};
use super::types::field_type;
use crate::model::{Api, Field, Presence, StructTag, Tolerated, Undeclared, WhenAbsent};

/// Everything the struct `name` (from the schema at `origin`) needs to be encoded and decoded.
pub fn codec(
    api: &Api,
    name: &Ident,
    origin: &str,
    fields: &[Field],
    tag: Option<&StructTag>,
    undeclared: &Undeclared,
) -> TokenStream {
    let ty = quote!(#TYPES::#name);
    let encode = encode(&ty, name, fields, tag, undeclared);
    let decode = decode(api, &ty, name, origin, fields, tag, undeclared);
    quote! {
        #encode
        #decode
    }
}

/// `Serialize` as serde's derive with `skip_serializing_if = "Option::is_none"` on optional
/// fields writes it: the fields in order, under their wire names, those without a value left out
/// (an optional nullable field's `Some(None)` is written as `null`); a tagged union's member
/// writes its tag first, and the properties kept from decoding come last.
fn encode(
    ty: &TokenStream,
    name: &Ident,
    fields: &[Field],
    tag: Option<&StructTag>,
    undeclared: &Undeclared,
) -> TokenStream {
    let written_name = tag.map_or_else(|| name.to_string(), |tag| tag.value.clone());
    let tag = tag.map(|StructTag { property, value }| quote!(out.field(#property, #value);));
    let writes: Vec<TokenStream> = fields
        .iter()
        .map(|field| {
            let (name, wire) = (ident(&field.name), &field.wire_name);
            if field.presence.is_required() {
                quote!(out.field(#wire, &self.#name);)
            } else {
                quote!(out.optional(#wire, &self.#name);)
            }
        })
        .collect();
    let extras = match undeclared {
        Undeclared::Kept(field) => {
            let field = ident(field);
            Some(quote!(out.undeclared(&self.#field);))
        }
        Undeclared::Dropped => None,
    };
    // A struct with nothing to write does not name the writer it would not use.
    let out = if tag.is_none() && writes.is_empty() && extras.is_none() { quote!(_out) } else { quote!(out) };
    quote! {
        impl #RUNTIME::EncodeFields for #ty {
            #[inline]
            fn fields<W: #RUNTIME::FieldWriter>(&self, #out: &mut W) {
                #tag
                #(#writes)*
                #extras
            }
        }

        impl ::serde::Serialize for #ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #RUNTIME::encode_struct(self, serializer, #written_name)
            }
        }
    }
}

/// The slots struct, `DecodeStruct` and `Deserialize`. A slot is an `Option` of the field as
/// stored, except for an optional nullable field, whose stored form (`None` absent, `Some(None)`
/// null) is its slot already. `read` matches a key to its slot and reads the value with a direct
/// call (`runtime::fill`), which the compiler inlines into the match. A struct without fields
/// keeps the trait's `read`, which takes no key, and has no slots.
fn decode(
    api: &Api,
    ty: &TokenStream,
    name: &Ident,
    origin: &str,
    fields: &[Field],
    tag: Option<&StructTag>,
    undeclared: &Undeclared,
) -> TokenStream {
    let paths = Paths::outside();
    let rust_name = name.to_string();
    // A type named after a keyword is `Self_` (never beside a `Self`, which cannot be a type), so
    // dropping the underscore keeps the name unique and upper camel case: `SelfSlots`.
    let slots_name = format_ident!("{}Slots", rust_name.trim_end_matches('_'));
    let option = paths.option();
    let slot_fields = fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let stored = field_type(api, paths, field);
        let slot = match field.presence {
            Presence::OptionalNullable => stored,
            Presence::Required | Presence::RequiredNullable | Presence::Optional => quote!(#option<#stored>),
        };
        quote!(#field_name: #slot,)
    });
    let (slots_struct, slots_type) = if fields.is_empty() {
        (quote!(), quote!(()))
    } else {
        (
            quote! {
                #[derive(Default)]
                pub struct #slots_name {
                    #(#slot_fields)*
                }
            },
            quote!(#slots_name),
        )
    };
    let keyed = (!fields.is_empty()).then(|| {
        let arms = fields.iter().map(|field| {
            let (field_name, wire) = (ident(&field.name), &field.wire_name);
            quote!(#wire => #RUNTIME::fill(&mut slots.#field_name, map),)
        });
        quote! {
            #[inline]
            fn read<A: ::serde::de::MapAccess<'de>>(slots: &mut #slots_name, key: &str, map: &mut A) -> ::std::result::Result<#RUNTIME::Field, A::Error> {
                match key {
                    #(#arms)*
                    _ => Ok(#RUNTIME::Field::Undeclared),
                }
            }
        }
    });
    let finish = finish(api, ty, &slots_type, fields, undeclared);
    let keeps = (*undeclared == Undeclared::Dropped).then(|| {
        quote!(
            const KEEPS_UNDECLARED: bool = false;
        )
    });
    // The union's tag is the union's, not an undeclared property of its member.
    let tag = tag.map(|StructTag { property, .. }| quote!(const TAG: #option<&'static str> = Some(#property);));
    quote! {
        #slots_struct

        impl<'de> #RUNTIME::DecodeStruct<'de> for #ty {
            type Slots = #slots_type;
            #keeps
            #tag
            const ORIGIN: &'static str = #origin;

            #keyed

            #finish
        }

        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #RUNTIME::decode_struct(deserializer, #rust_name)
            }
        }
    }
}

/// The struct from its slots, a field absent from the object as the model's `WhenAbsent` says:
/// no value, tolerated (empty or no value, reported) or refused (a `match` that returns the error
/// naming it, in field order, so the first missing one is named, as serde's derive does).
/// Measured against a `?` per field (a call and a branch through the `Try` machinery each): about
/// 6% of the Oxide crate's `cargo check`.
fn finish(
    api: &Api,
    ty: &TokenStream,
    slots_type: &TokenStream,
    fields: &[Field],
    undeclared: &Undeclared,
) -> TokenStream {
    let slots = if fields.is_empty() { quote!(_) } else { quote!(slots) };
    let (kept, extras) = match undeclared {
        Undeclared::Kept(field) => {
            let field = ident(field);
            (quote!(undeclared), Some(quote!(#field: undeclared,)))
        }
        Undeclared::Dropped => (quote!(_), None),
    };
    let values = fields.iter().map(|field| {
        let (name, wire) = (ident(&field.name), &field.wire_name);
        match field.when_absent(&api.types) {
            WhenAbsent::Refused => quote! {
                #name: match slots.#name {
                    Some(value) => value,
                    None => return Err(E::missing_field(#wire)),
                },
            },
            WhenAbsent::Tolerated(Tolerated::Empty) => {
                quote!(#name: #RUNTIME::tolerated(slots.#name, #wire, Self::ORIGIN).unwrap_or_default(),)
            }
            WhenAbsent::Tolerated(Tolerated::NoValue) => {
                quote!(#name: #RUNTIME::tolerated(slots.#name, #wire, Self::ORIGIN).flatten(),)
            }
            // `null` for an optional field is no value, as a missing key is; an optional nullable
            // field keeps `null` apart.
            WhenAbsent::NoValue if field.presence == Presence::Optional => quote!(#name: slots.#name.flatten(),),
            WhenAbsent::NoValue => quote!(#name: slots.#name,),
        }
    });
    quote! {
        #[inline]
        fn finish<E: ::serde::de::Error>(#slots: #slots_type, #kept: #RUNTIME::Extras) -> ::std::result::Result<Self, E> {
            Ok(#ty { #(#values)* #extras })
        }
    }
}
