//! Unions as Rust enums: serialized as their payload, decoded by the runtime, which picks the
//! member by tag or by shape so that a value never lands in a member that would lose its fields.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens, quote};

use super::docs::doc_attrs;
use super::tokens::{Paths, ident};
use crate::model::{Api, MemberShape, TaggedVariant, UnionVariant, Unmatched};

/// An untagged union. Scalars of different JSON types decode with serde's own `untagged`; any
/// other union decodes through the runtime's best fit, and keeps a value no member takes when
/// the model says so.
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
    if unmatched == Unmatched::Refused && told_apart_by_json_type(variants) {
        let serialize = paths.serialize_derive();
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
    let serialize = paths.serialize_derive();
    let shapes = variants.iter().map(|v| shape_tokens(&v.shape));
    let decode = decode_fn(paths, name, variants.iter());
    let (unknown, keep) = match unmatched {
        Unmatched::Kept => (
            quote! {
                /// A value none of the members above describes exactly, kept as sent.
                Unknown(::serde_json::Value),
            },
            quote!(Some(#name::Unknown)),
        ),
        Unmatched::Refused => (quote!(), quote!(None)),
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #derives, #serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#items)*
            #unknown
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                use crate::runtime::Shape;
                const SHAPES: &[Shape] = &[#(#shapes),*];
                crate::runtime::decode_union(deserializer, SHAPES, #decode, #keep)
            }
        }
    }
}

/// Serialized as its payload (which carries the tag itself); decoded by reading the tag first,
/// so a body never lands in the wrong variant, and an unknown tag is kept rather than refused.
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
    let tags = variants.iter().map(|v| {
        let tags = &v.tags;
        quote!(&[#(#tags),*])
    });
    // Shapes matter only where members share a tag.
    let mut seen = std::collections::BTreeSet::new();
    let shared = variants.iter().flat_map(|v| &v.tags).any(|tag| !seen.insert(tag));
    let shapes: Vec<TokenStream> =
        if shared { variants.iter().map(|v| shape_tokens(&v.variant.shape)).collect() } else { Vec::new() };
    let decode = decode_fn(paths, name, variants.iter().map(|v| &v.variant));
    let shape_import = shared.then(|| {
        quote!(
            use crate::runtime::Shape;
        )
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

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #shape_import
                crate::runtime::decode_tagged(deserializer, #property, &[#(#tags),*], &[#(#shapes),*], #decode, #name::Unknown)
            }
        }
    }
}

/// Whether serde's `untagged` (first member that decodes) is exact: every member is a scalar of
/// its own JSON type, or takes anything and comes last.
fn told_apart_by_json_type(variants: &[UnionVariant]) -> bool {
    let mut kinds = std::collections::BTreeSet::new();
    variants.iter().enumerate().all(|(index, v)| match &v.shape {
        MemberShape::String { .. } => kinds.insert("string"),
        MemberShape::Integer => kinds.insert("integer"),
        MemberShape::Number => kinds.insert("number"),
        MemberShape::Boolean => kinds.insert("boolean"),
        MemberShape::Any => index == variants.len() - 1,
        MemberShape::Object { .. } | MemberShape::Array => false,
    })
}

/// The closure that decodes member `index` from a JSON value.
fn decode_fn<'a>(paths: Paths, name: &Ident, variants: impl ExactSizeIterator<Item = &'a UnionVariant>) -> TokenStream {
    let last = variants.len().saturating_sub(1);
    let arms = variants.enumerate().map(|(index, v)| {
        let variant = ident(&v.name);
        let decode = quote!(::serde::Deserialize::deserialize(value)?);
        let decode = if v.boxed {
            let boxed = paths.boxed();
            quote!(#boxed::new(#decode))
        } else {
            decode
        };
        // The last arm takes every index: the runtime only asks for members that exist.
        let pattern = if index == last { quote!(_) } else { Literal::usize_unsuffixed(index).into_token_stream() };
        quote!(#pattern => #name::#variant(#decode),)
    });
    quote! {
        |member, value| Ok(match member {
            #(#arms)*
        })
    }
}

fn shape_tokens(shape: &MemberShape) -> TokenStream {
    match shape {
        MemberShape::Object { known, required, pinned } => {
            let known = match known {
                Some(keys) => quote!(Some(&[#(#keys),*])),
                None => quote!(None),
            };
            let pinned = pinned.iter().map(|(key, value)| quote!((#key, #value)));
            quote!(Shape::Object { known: #known, required: &[#(#required),*], pinned: &[#(#pinned),*] })
        }
        MemberShape::String { values: Some(values) } => quote!(Shape::String(Some(&[#(#values),*]))),
        MemberShape::String { values: None } => quote!(Shape::String(None)),
        MemberShape::Integer => quote!(Shape::Integer),
        MemberShape::Number => quote!(Shape::Number),
        MemberShape::Boolean => quote!(Shape::Boolean),
        MemberShape::Array => quote!(Shape::Array),
        MemberShape::Any => quote!(Shape::Any),
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
