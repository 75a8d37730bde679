//! The `types` module of an API: one Rust item per [`TypeDef`].

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, sanitize};
use super::tokens::{Paths, ident};
use crate::model::{Api, EnumValue, Field, Presence, TaggedVariant, TypeDef, TypeKind, UnionVariant};

pub fn types_module(api: &Api) -> TokenStream {
    let paths = Paths::types_module(api);
    let header =
        inner_doc_attrs(&format!("The schemas of {} {}, as Rust types.", sanitize(&api.title), sanitize(&api.version)));
    let import = (!api.types.is_empty()).then(|| paths.serde_import());
    let items = api.types.iter().map(|def| type_item(api, paths, def));
    quote! {
        #header
        #import
        #(#items)*
    }
}

fn type_item(api: &Api, paths: Paths, def: &TypeDef) -> TokenStream {
    let docs = doc_attrs([def.docs.as_deref()]);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields } => {
            let derives = paths.serde_derives();
            // A struct whose every field may be omitted is handy to start from `Default`.
            let default = if fields.iter().all(|f| !f.presence.is_required()) { quote!(Default,) } else { quote!() };
            let fields = fields.iter().map(|f| field(api, paths, f));
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #default #derives)]
                pub struct #name {
                    #(#fields)*
                }
            }
        }
        TypeKind::StringEnum { values } => string_enum(paths, docs, &name, values),
        TypeKind::Untagged { variants } => {
            let derives = paths.serde_derives();
            let variants = variants.iter().map(|v| union_variant(api, paths, v));
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #derives)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        TypeKind::Tagged { property, variants } => tagged_enum(api, paths, docs, &name, property, variants),
        TypeKind::Alias(ty) => {
            let ty = paths.type_of(api, ty);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn field(api: &Api, paths: Paths, field: &Field) -> TokenStream {
    let docs = doc_attrs([field.docs.as_deref()]);
    let name = ident(&field.name);
    let mut ty = paths.type_of(api, &field.ty);
    if field.boxed {
        let boxed = paths.boxed();
        ty = quote!(#boxed<#ty>);
    }
    let rename = (field.name != *field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    let option = paths.option();
    let (ty, presence) = match field.presence {
        Presence::Required => (ty, quote!()),
        // `Option` alone would also accept a missing key; the spec says it must be there.
        Presence::RequiredNullable => {
            (quote!(#option<#ty>), quote!(#[serde(deserialize_with = "crate::runtime::required_nullable")]))
        }
        Presence::Optional => {
            let is_none = paths.is_none_fn();
            (quote!(#option<#ty>), quote!(#[serde(default, skip_serializing_if = #is_none)]))
        }
        // Absent (`None`), `null` (`Some(None)`) and a value are three different things here: a
        // PATCH body must be able to clear a field and to leave it alone.
        Presence::OptionalNullable => {
            let is_none = paths.is_none_fn();
            (
                quote!(#option<#option<#ty>>),
                quote!(#[serde(default, deserialize_with = "crate::runtime::present_or_null", skip_serializing_if = #is_none)]),
            )
        }
    };
    quote! {
        #docs
        #rename
        #presence
        pub #name: #ty,
    }
}

fn string_enum(paths: Paths, docs: TokenStream, name: &proc_macro2::Ident, values: &[EnumValue]) -> TokenStream {
    let derives = paths.serde_derives();
    let string = paths.string();
    let variants = values.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        let rename = (v.name != *v.wire).then(|| quote!(#[serde(rename = #wire)]));
        quote!(#rename #variant,)
    });
    let arms = values.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#name::#variant => #wire,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, #derives)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the API description does not list.
            #[serde(untagged)]
            Unknown(#string),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms)*
                    #name::Unknown(other) => other,
                }
            }
        }
    }
}

/// Serialized as its payload (which carries the tag itself); decoded by reading the tag first,
/// so a body never lands in the wrong variant, and an unknown tag is kept rather than refused.
fn tagged_enum(
    api: &Api,
    paths: Paths,
    docs: TokenStream,
    name: &proc_macro2::Ident,
    property: &str,
    variants: &[TaggedVariant],
) -> TokenStream {
    let serialize = paths.serialize_derive();
    let items = variants.iter().map(|v| {
        let docs = doc_attrs([Some(format!("`{property}` is `{}`.", v.tag).as_str())]);
        let item = union_variant(api, paths, &v.variant);
        quote!(#docs #item)
    });
    let arms = variants.iter().map(|v| {
        let tag = &v.tag;
        let variant = ident(&v.variant.name);
        let decode = if v.variant.boxed {
            let boxed = paths.boxed();
            quote!(#boxed::new(::serde_json::from_value(value)?))
        } else {
            quote!(::serde_json::from_value(value)?)
        };
        quote!(#tag => #name::#variant(#decode),)
    });
    let unknown_doc = format!(" A `{property}` this version of the API description does not list, as sent.");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#items)*
            #[doc = #unknown_doc]
            Unknown(::serde_json::Value),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::decode_tagged(deserializer, #property, |tag, value| {
                    Ok(match tag {
                        #(#arms)*
                        _ => #name::Unknown(value),
                    })
                })
            }
        }
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
