//! `Serialize` and `Deserialize` for a generated struct. Decoding goes
//! through `DecodeStruct`: the struct gives which key is which field, how each is stored and
//! which are required, and the runtime's one visitor does the rest. serde's derive writes a field
//! enum, a sequence visitor and a map visitor per struct instead; for the Oxide crate that was
//! more than half of `cargo check`. Encoding is a call per field to the runtime's
//! `EncodeStruct`, which keeps the first error, where the derive writes a `?` per field (a third
//! of the types' check time that remained).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::tokens::{Paths, ident};
use super::types::field_type;
use crate::model::{Api, Field, Presence, StructTag};

/// `Serialize` as serde's derive with `skip_serializing_if = "Option::is_none"` on optional
/// fields writes it: the fields in order, under their wire names, those without a value left out
/// (an optional nullable field's `Some(None)` is written as `null`); a tagged union's member
/// writes its tag first.
pub fn serialize(name: &Ident, fields: &[Field], tag: Option<&StructTag>) -> TokenStream {
    let written_name = tag.map_or_else(|| name.to_string(), |tag| tag.value.clone());
    // The fields written: a constant for the required ones and the tag, plus one per optional
    // field that has a value.
    let always = fields.iter().filter(|f| f.presence.is_required()).count() + usize::from(tag.is_some());
    let constant = (always > 0 || fields.is_empty()).then(|| Literal::usize_unsuffixed(always));
    let present = fields.iter().filter(|f| !f.presence.is_required()).map(|f| {
        let name = ident(&f.name);
        quote!(usize::from(self.#name.is_some()))
    });
    let terms: Vec<TokenStream> = constant.into_iter().map(|c| quote!(#c)).chain(present).collect();
    let len = quote!(#(#terms)+*);
    let tag = tag.map(|StructTag { property, value }| quote!(state.field(#property, #value);));
    let writes = fields.iter().map(|field| {
        let (name, wire) = (ident(&field.name), &field.wire_name);
        if field.presence.is_required() {
            quote!(state.field(#wire, &self.#name);)
        } else {
            quote!(state.optional(#wire, &self.#name);)
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut state = crate::runtime::EncodeStruct::new(serializer, #written_name, #len)?;
                #tag
                #(#writes)*
                state.end()
            }
        }
    }
}

pub fn deserialize(api: &Api, paths: Paths, name: &Ident, fields: &[Field]) -> TokenStream {
    let rust_name = name.to_string();
    let decoder = decoder(api, paths, name, fields);
    quote! {
        #decoder

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::decode_struct(deserializer, #rust_name)
            }
        }
    }
}

/// One slot per field: an `Option` of the field as stored, except for an optional nullable field,
/// whose stored form (`None` absent, `Some(None)` null) is its slot already. A struct without
/// fields keeps the trait's `index` and `put`, which take no key.
fn decoder(api: &Api, paths: Paths, name: &Ident, fields: &[Field]) -> TokenStream {
    let option = paths.option();
    let slot_types = fields.iter().map(|field| {
        let stored = field_type(api, paths, field);
        match field.presence {
            Presence::OptionalNullable => stored,
            Presence::Required | Presence::RequiredNullable | Presence::Optional => quote!(#option<#stored>),
        }
    });
    let empty = fields.iter().map(|_| quote!(None));
    let positions: Vec<Literal> = (0..fields.len()).map(Literal::usize_unsuffixed).collect();
    let wires: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    let finish = finish(fields);
    let keyed = (!fields.is_empty()).then(|| {
        quote! {
            fn index(key: &str) -> #option<usize> {
                match key {
                    #(#wires => Some(#positions),)*
                    _ => None,
                }
            }

            fn put<A: ::serde::de::MapAccess<'de>>(slots: &mut Self::Slots, index: usize, map: &mut A) -> ::std::result::Result<(), A::Error> {
                match index {
                    #(#positions => crate::runtime::decode_field(&mut slots.#positions, #wires, map),)*
                    _ => Ok(()),
                }
            }
        }
    });
    quote! {
        impl<'de> crate::runtime::DecodeStruct<'de> for #name {
            type Slots = (#(#slot_types,)*);
            const EMPTY: Self::Slots = (#(#empty,)*);

            #keyed

            #finish
        }
    }
}

/// The struct from its slots, taken apart into one binding per field (named after it): each
/// required field is taken out of its `Option` by a `let`-`else` that returns the error naming
/// it. Measured against a `?` per field (a call and a branch through the `Try` machinery each):
/// about 6% of the Oxide crate's `cargo check`.
fn finish(fields: &[Field]) -> TokenStream {
    let names: Vec<Ident> = fields.iter().map(|field| ident(&field.name)).collect();
    let slots = if fields.is_empty() { quote!(_slots) } else { quote!(slots) };
    let checks = fields.iter().zip(&names).filter(|(field, _)| field.presence.is_required()).map(|(field, name)| {
        let wire = &field.wire_name;
        quote!(let Some(#name) = #name else { return Err(E::missing_field(#wire)) };)
    });
    let values = fields.iter().zip(&names).map(|(field, name)| match field.presence {
        // `null` for an optional field is no value, as a missing key is.
        Presence::Optional => quote!(#name: #name.flatten()),
        Presence::Required | Presence::RequiredNullable | Presence::OptionalNullable => quote!(#name),
    });
    let unpack = (!fields.is_empty()).then(|| quote!(let (#(#names,)*) = slots;));
    quote! {
        fn finish<E: ::serde::de::Error>(#slots: Self::Slots) -> ::std::result::Result<Self, E> {
            #unpack
            #(#checks)*
            Ok(Self { #(#values,)* })
        }
    }
}
