//! The `types` module of an API: one Rust item per [`TypeDef`].

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, doc_text, inner_doc_attrs, sanitize};
use super::layout::Writer;
use super::tokens::{Paths, RUNTIME, TYPES, binding_names, ident, type_text};
use super::{Imports, Item, Items, RustFile, unions};
use crate::model::{Api, EnumValue, Field, Presence, TypeDef, TypeKind, Undeclared};

pub fn types_module(api: &Api) -> RustFile<'_> {
    let paths = Paths::types_module(api);
    let header =
        inner_doc_attrs(&format!("The schemas of {} {}, as Rust types.", sanitize(&api.title), sanitize(&api.version)));
    // Unions derive `Serialize`; structs, string enums and aliases implement it by hand or not at all.
    let derives_serialize =
        api.types.iter().any(|def| matches!(def.kind, TypeKind::Untagged { .. } | TypeKind::Tagged { .. }));
    let import = derives_serialize.then(|| paths.serde_import());
    RustFile {
        head: quote!(#header #import),
        imports: Imports::default(),
        // A replaced type is the caller's own: every use names its path instead (see `Paths::type_of`).
        items: Items::map(api.types.iter().filter(|def| def.replacement.is_none()), move |def| {
            type_item(api, paths, def)
        }),
    }
}

fn type_item(api: &Api, paths: Paths, def: &TypeDef) -> Item {
    let name = ident(&def.name);
    let docs = || doc_attrs([def.docs.as_deref()]);
    let derives = || derive_list(def);
    Item::Tokens(match &def.kind {
        TypeKind::Struct { fields, undeclared, .. } => return struct_item(api, paths, def, fields, undeclared),
        TypeKind::StringEnum { values } => string_enum(paths, docs(), &derives(), &name, values),
        TypeKind::Untagged { variants, unmatched } => {
            unions::untagged_enum(api, paths, docs(), &derives(), &name, variants, *unmatched)
        }
        TypeKind::Tagged { property, variants } => {
            unions::tagged_enum(api, paths, docs(), &derives(), &name, property, variants)
        }
        TypeKind::Alias(ty) => {
            let (docs, ty) = (docs(), paths.type_of(api, ty));
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    })
}

/// A struct, laid out as text (see [`super::layout`]): its docs, derives, fields, then its
/// constructor.
fn struct_item(api: &Api, paths: Paths, def: &TypeDef, fields: &[Field], undeclared: &Undeclared) -> Item {
    let name = ident(&def.name).to_string();
    let derives: String = def.derives.iter().map(|derive| format!(", {}", derive.as_str())).collect();
    // A struct whose every field may be omitted is handy to start from `Default`.
    let default = if fields.iter().all(|f| !f.presence.is_required()) { ", Default" } else { "" };
    let mut out = Writer::new();
    out.docs(&doc_text([def.docs.as_deref()]));
    out.line(&format!("#[derive(Debug, Clone, PartialEq{derives}{default})]"));
    // Non-exhaustive: a property added to the spec later is a field added to the type,
    // which must not break callers; they build values with `new` and setters instead.
    out.line("#[non_exhaustive]");
    let extras = match undeclared {
        Undeclared::Kept(extras) => Some(ident(extras).to_string()),
        _ => None,
    };
    let mut lines: Vec<(String, String)> = fields.iter().map(|field| field_line(api, paths, field)).collect();
    if let Some(extras) = extras {
        let docs = "Properties the API description does not declare, kept: see [`Extras`](crate::runtime::Extras).";
        lines.push((docs.to_string(), format!("pub {extras}: crate::runtime::Extras,")));
    }
    out.struct_def(&format!("pub struct {name}"), &lines);
    // Every struct has one: requests are built by callers, responses and events by their tests.
    constructor(api, paths, &mut out, &name, fields, def.required_type.as_ref(), &derives);
    out.finish()
}

/// `new` with the required fields (the optional ones left out), and a setter per optional field.
/// With many required fields, `new` takes them as one struct (`required_type`), named field by
/// named field, rather than as a long row of arguments. `new` hands the required fields, as
/// stored, to `with_required` (written by the struct's codec table, which lists every field), so
/// a field added to the spec changes the constructor only if it is required.
fn constructor(
    api: &Api,
    paths: Paths,
    out: &mut Writer,
    name: &str,
    fields: &[Field],
    required_type: Option<&crate::model::ident::Ident>,
    derives: &str,
) {
    let (args, stored): (Vec<String>, Vec<String>) = match required_type {
        Some(group) => {
            let group = ident(group);
            out.docs(&format!("The required fields of [`{name}`], for [`{name}::new`]."));
            out.line(&format!("#[derive(Debug, Clone, PartialEq{derives})]"));
            let required: Vec<(String, String)> =
                fields.iter().filter(|f| f.presence.is_required()).map(|field| field_line(api, paths, field)).collect();
            out.struct_def(&format!("pub struct {group}"), &required);
            (vec![format!("required: {group}")], vec!["required".to_string()])
        }
        None => required_bindings(fields)
            .map(|(field, binding)| {
                let (ty, value) = field_input(api, paths, field, &binding);
                (format!("{binding}: {}", type_text(&ty)), type_text(&value))
            })
            .unzip(),
    };
    out.open(&format!("impl {name} {{"));
    out.docs("A value with the required fields given and the optional ones unset.");
    out.list("pub fn new(", &args, ") -> Self {");
    out.list("Self::with_required(", &stored, ")");
    out.close("}");
    let value = quote::format_ident!("value");
    for field in fields.iter().filter(|f| !f.presence.is_required()) {
        let (ty, stored) = field_input(api, paths, field, &value);
        out.docs(&format!("Sets [`{0}`](Self::{0}).", field.name));
        let (setter, param) = (ident(&field.setter).to_string(), format!("value: {}", type_text(&ty)));
        out.setter(&setter, &param, &ident(&field.name).to_string(), &type_text(&stored));
    }
    out.close("}");
}

/// A field of a struct: its docs, and its line (`pub name: Type,`).
fn field_line(api: &Api, paths: Paths, field: &Field) -> (String, String) {
    let line = format!("pub {}: {},", ident(&field.name), type_text(&field_type(api, paths, field)));
    (doc_text([field.docs.as_deref()]), line)
}

/// The required fields of a struct, in order, each with the local name `new` binds it to and the
/// codec table's `with_required` takes it by (see `binding_names`): one rule for both, so the
/// two agree. Only used where the fields are not grouped into the struct's `required_type`.
pub(super) fn required_bindings(fields: &[Field]) -> impl Iterator<Item = (&Field, proc_macro2::Ident)> {
    let required: Vec<&Field> = fields.iter().filter(|f| f.presence.is_required()).collect();
    let bindings = binding_names(&required.iter().map(|field| &field.name).collect::<Vec<_>>());
    required.into_iter().zip(bindings)
}

/// How a caller passes a field's value (the argument type) and how it is stored: strings as
/// anything that converts into one, boxed fields boxed, a nullable field as an `Option`.
fn field_input(api: &Api, paths: Paths, field: &Field, value: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    let ty = paths.type_of(api, &field.ty);
    let (arg, stored) = match (&field.ty, field.presence.is_nullable()) {
        (crate::model::TypeRef::String, false) => {
            let (into, string) = (paths.into_trait(), paths.string());
            (quote!(impl #into<#string>), quote!(#value.into()))
        }
        (_, false) => (ty, quote!(#value)),
        (_, true) => {
            let option = paths.option();
            (quote!(#option<#ty>), quote!(#value))
        }
    };
    if field.boxed {
        let boxed = paths.boxed();
        let stored =
            if field.presence.is_nullable() { quote!(#stored.map(#boxed::new)) } else { quote!(#boxed::new(#stored)) };
        (arg, stored)
    } else {
        (arg, stored)
    }
}

/// A field's type as stored: boxed where it closes a cycle, then wrapped in an `Option` per way
/// it may be missing. Absent (`None`), `null` (`Some(None)`) and a value are three different
/// things for an optional nullable field: a PATCH body must be able to clear a field and to leave
/// it alone.
pub(super) fn field_type(api: &Api, paths: Paths, field: &Field) -> TokenStream {
    let mut ty = paths.type_of(api, &field.ty);
    if field.boxed {
        let boxed = paths.boxed();
        ty = quote!(#boxed<#ty>);
    }
    let option = paths.option();
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(#option<#ty>),
        Presence::OptionalNullable => quote!(#option<#option<#ty>>),
    }
}

/// The derives the model chose beyond `Debug, Clone, PartialEq`, each after a comma.
fn derive_list(def: &TypeDef) -> TokenStream {
    let derives =
        def.derives.iter().map(|derive| proc_macro2::Ident::new(derive.as_str(), proc_macro2::Span::call_site()));
    quote!(#(, #derives)*)
}

fn string_enum(
    paths: Paths,
    docs: TokenStream,
    derives: &TokenStream,
    name: &proc_macro2::Ident,
    values: &[EnumValue],
) -> TokenStream {
    let string = paths.string();
    let variants = values.iter().map(|v| ident(&v.name));
    let arms = values.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#name::#variant => #wire,)
    });
    // Serialized as `as_str` gives it (see the codec module).
    let variant_docs = values.iter().map(|v| {
        let wire = format!("`{}`", v.wire);
        doc_attrs([Some(v.docs.as_deref().unwrap_or(&wire))])
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq #derives)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this version of the API description does not list.
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

/// A string enum's codec: written as `as_str` gives it, decoded by the runtime's shared visitor
/// (see `decode_enum`): the same wire form serde's derive would give, for much less code.
pub(super) fn string_enum_codec(name: &proc_macro2::Ident, values: &[EnumValue], origin: &str) -> TokenStream {
    let known = values.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => #TYPES::#name::#variant,)
    });
    quote! {
        impl ::serde::Serialize for #TYPES::#name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #TYPES::#name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #RUNTIME::decode_enum(
                    deserializer,
                    |wire| Some(match wire {
                        #(#known)*
                        _ => return None,
                    }),
                    #TYPES::#name::Unknown,
                    #origin,
                )
            }
        }
    }
}
