//! Unions as Rust enums: serialized as their payload, decoded by the runtime, which picks the
//! member by tag or by shape so that a value never lands in a member that would lose its fields.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens, quote};

use super::docs::doc_attrs;
use super::tokens::{Paths, RUNTIME, TYPES, ident};
use crate::model::fit::ShapeOf;
use crate::model::{Api, MemberShape, TaggedVariant, UnionVariant, Unmatched};

/// An untagged union. Scalars of different JSON types decode with serde's own `untagged`; any
/// other union decodes through the runtime's best fit (see [`untagged_codec`]), and keeps a value
/// no member takes when the model says so.
pub fn untagged_enum(
    api: &Api,
    paths: Paths,
    docs: TokenStream,
    derives: &TokenStream,
    name: &Ident,
    variants: &[UnionVariant],
    unmatched: Unmatched,
) -> TokenStream {
    let items = variants.iter().map(|v| union_variant(api, paths, v));
    let serialize = paths.serialize_derive();
    if derives_deserialize(variants, unmatched) {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq #derives, #serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#items)*
            }
        };
    }
    let unknown = (unmatched == Unmatched::Kept).then(|| {
        quote! {
            /// A value none of the members above describes exactly, kept as sent.
            Unknown(::serde_json::Value),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #derives, #serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#items)*
            #unknown
        }
    }
}

/// Whether an untagged union derives `Deserialize`: serde's `untagged` (first member that
/// decodes) is exact for it.
fn derives_deserialize(variants: &[UnionVariant], unmatched: Unmatched) -> bool {
    unmatched == Unmatched::Refused && told_apart_by_json_type(variants)
}

/// An untagged union's `Deserialize`, for the codec module, unless it derives one.
pub fn untagged_codec(
    name: &Ident,
    variants: &[UnionVariant],
    unmatched: Unmatched,
    origin: &str,
) -> Option<TokenStream> {
    if derives_deserialize(variants, unmatched) {
        return None;
    }
    let ty = quote!(#TYPES::#name);
    let shapes = variants.iter().map(|v| shape_tokens(&v.shape));
    let decode = decode_fn(&ty, variants.iter());
    let keep = match unmatched {
        Unmatched::Kept => quote!(Some(#ty::Unknown)),
        Unmatched::Refused => quote!(None),
    };
    Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                use #RUNTIME::Shape;
                const SHAPES: &[Shape] = &[#(#shapes),*];
                #RUNTIME::decode_union(deserializer, SHAPES, #decode, #keep, #origin)
            }
        }
    })
}

/// Serialized as its payload (which carries the tag itself); decoded by reading the tag first
/// (see [`tagged_codec`]), so a body never lands in the wrong variant, and an unknown tag is kept
/// rather than refused.
pub fn tagged_enum(
    api: &Api,
    paths: Paths,
    docs: TokenStream,
    derives: &TokenStream,
    name: &Ident,
    property: &str,
    variants: &[TaggedVariant],
) -> TokenStream {
    let serialize = paths.serialize_derive();
    let items = variants.iter().map(|v| {
        let tags: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
        let docs = doc_attrs([Some(format!("`{property}` is {}.", tags.join(" or ")).as_str())]);
        let item = union_variant(api, paths, &v.variant);
        quote!(#docs #item)
    });
    let unknown_doc = format!(" A `{property}` this version of the API description does not list, as sent.");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #derives, #serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#items)*
            #[doc = #unknown_doc]
            Unknown(::serde_json::Value),
        }
    }
}

/// A tagged union's `Deserialize`, for the codec module.
pub fn tagged_codec(name: &Ident, property: &str, variants: &[TaggedVariant], origin: &str) -> TokenStream {
    let ty = quote!(#TYPES::#name);
    let tags = variants.iter().map(|v| {
        let tags = &v.tags;
        quote!(&[#(#tags),*])
    });
    // Shapes matter only where members share a tag.
    let mut seen = std::collections::BTreeSet::new();
    let shared = variants.iter().flat_map(|v| &v.tags).any(|tag| !seen.insert(tag));
    let shapes: Vec<TokenStream> =
        if shared { variants.iter().map(|v| shape_tokens(&v.variant.shape)).collect() } else { Vec::new() };
    let decode = decode_fn(&ty, variants.iter().map(|v| &v.variant));
    let shape_import = shared.then(|| {
        quote!(
            use #RUNTIME::Shape;
        )
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #shape_import
                #RUNTIME::decode_tagged(deserializer, #property, &[#(#tags),*], &[#(#shapes),*], #decode, #ty::Unknown, #origin)
            }
        }
    }
}

/// Whether serde's `untagged` (first member that decodes) is exact: every member is a scalar of
/// its own JSON type, or takes anything and comes last. An integer member after a number member
/// is not: serde would decode `3` as the number (written back `3.0`), where the ranking of
/// `runtime/fit.rs` takes the integer.
fn told_apart_by_json_type(variants: &[UnionVariant]) -> bool {
    let mut kinds = std::collections::BTreeSet::new();
    variants.iter().enumerate().all(|(index, v)| match &v.shape {
        MemberShape::String { .. } => kinds.insert("string"),
        MemberShape::Integer => !kinds.contains("number") && kinds.insert("integer"),
        MemberShape::Number => kinds.insert("number"),
        MemberShape::Boolean => kinds.insert("boolean"),
        MemberShape::Any => index == variants.len() - 1,
        MemberShape::Object { .. } | MemberShape::Array => false,
    })
}

/// The closure that decodes member `index` from a JSON value.
fn decode_fn<'a>(ty: &TokenStream, variants: impl ExactSizeIterator<Item = &'a UnionVariant>) -> TokenStream {
    let values: Vec<TokenStream> = variants
        .map(|v| {
            let variant = ident(&v.name);
            let decode = quote!(::serde::Deserialize::deserialize(value)?);
            // The codec module sees no generated type that could shadow `Box`.
            let decode = if v.boxed { quote!(Box::new(#decode)) } else { decode };
            quote!(#ty::#variant(#decode))
        })
        .collect();
    // One member (a list of itself, say): no choice to make, and no one-arm `match`.
    if let [only] = values.as_slice() {
        return quote!(|_, value| Ok(#only));
    }
    let last = values.len().saturating_sub(1);
    let arms = values.iter().enumerate().map(|(index, value)| {
        // The last arm takes every index: the runtime only asks for members that exist.
        let pattern = if index == last { quote!(_) } else { Literal::usize_unsuffixed(index).into_token_stream() };
        quote!(#pattern => #value,)
    });
    quote! {
        |member, value| Ok(match member {
            #(#arms)*
        })
    }
}

/// A member's shape as the runtime's `Shape` constant: the model's view of it for the shared rule
/// (`runtime/fit.rs`), printed as it is.
fn shape_tokens(shape: &MemberShape) -> TokenStream {
    match shape.as_fit() {
        ShapeOf::Object { known, required, pinned } => {
            let known = match known {
                Some(keys) => quote!(Some(&[#(#keys),*])),
                None => quote!(None),
            };
            let pinned = pinned.iter().map(|(key, value)| quote!((#key, #value)));
            quote!(Shape::Object { known: #known, required: &[#(#required),*], pinned: &[#(#pinned),*] })
        }
        ShapeOf::String(Some(values)) => quote!(Shape::String(Some(&[#(#values),*]))),
        ShapeOf::String(None) => quote!(Shape::String(None)),
        ShapeOf::Integer => quote!(Shape::Integer),
        ShapeOf::Number => quote!(Shape::Number),
        ShapeOf::Boolean => quote!(Shape::Boolean),
        ShapeOf::Array => quote!(Shape::Array),
        ShapeOf::Any => quote!(Shape::Any),
    }
}

fn union_variant(api: &Api, paths: Paths, variant: &UnionVariant) -> TokenStream {
    let name = ident(&variant.name);
    let mut ty = paths.type_of(api, &variant.ty);
    if variant.boxed {
        let boxed = paths.boxed();
        ty = quote!(#boxed<#ty>);
    }
    quote!(#name(#ty),)
}
