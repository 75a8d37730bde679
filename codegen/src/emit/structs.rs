//! The codec of a generated struct, for the API's `codec` module: a table the runtime's
//! `struct_codec!` expands into `Serialize` and `Deserialize` through the runtime, one line per
//! field. Decoding goes through `DecodeStruct`: the struct gives its slots (a struct named after
//! it, a field per field), how a key's value is read into its slot and how the slots become the
//! struct, and the runtime's one visitor does the rest. serde's derive writes a field enum, a
//! sequence visitor and a map visitor per struct instead; for the Oxide crate that was more than
//! half of `cargo check`. Encoding lists the fields once (`EncodeFields`) for the runtime's
//! `encode_struct`, which keeps the first error, where the derive writes a `?` per field.
//!
//! The table is laid out here, a field per line, rather than by the format stage, which prints a
//! macro's input as one run of tokens: a field added to the spec is one line added to the table,
//! and a review diff shows it as one hunk. Each field is named, never numbered; no local is named
//! after a property (a property may be called `foo` or `_1`).

use std::fmt::Write;

use quote::quote;

use super::Item;
use super::tokens::{Paths, TYPES, ident, text_literal, type_text};
use super::types::{field_type, required_bindings};
use crate::model::{Api, Field, Presence, StructTag, Tolerated, TypeDef, Undeclared, WhenAbsent};

/// The `struct_codec!` table of the struct `def`, whose fields, union tag and undeclared
/// properties are given. Its `with_required` takes the required fields as stored, as the
/// struct's `new` passes them: one by one, or as the struct of required fields when there are
/// too many for one argument list (`TypeDef::required_type`).
pub fn codec(api: &Api, def: &TypeDef, fields: &[Field], tag: Option<&StructTag>, undeclared: &Undeclared) -> Item {
    let paths = Paths::outside();
    let name = ident(&def.name);
    let rust_name = name.to_string();
    // A type named after a keyword is `Self_` (never beside a `Self`, which cannot be a type), so
    // dropping the underscore keeps the name unique and upper camel case: `SelfSlots`.
    let slots = format!("{}Slots", rust_name.trim_end_matches('_'));
    let ty = quote!(#TYPES::#name);
    let mut table = format!(
        "struct_codec! {{\n    {} as {} from {}",
        type_text(&ty),
        text_literal(&rust_name),
        text_literal(&def.origin)
    );
    if let Some(StructTag { property, value }) = tag {
        let _ = write!(table, ", tag {} = {}", text_literal(property), text_literal(value));
    }
    let keeps = match undeclared {
        Undeclared::Kept(field) => format!("keeps undeclared: true, in {}", ident(field)),
        Undeclared::Dropped => "keeps undeclared: false".to_string(),
    };
    // A struct without fields has no slots.
    let slots = if fields.is_empty() { String::new() } else { format!("slots {slots}, ") };
    let _ = write!(table, ";\n    {slots}{keeps};\n    with_required(");
    let grouped = def.required_type.as_ref();
    let bindings: Vec<(&Field, proc_macro2::Ident)> =
        if grouped.is_some() { Vec::new() } else { required_bindings(fields).collect() };
    let params: Vec<String> = match grouped {
        Some(group) => {
            let group = ident(group);
            vec![format!("required: {}", type_text(&quote!(#TYPES::#group)))]
        }
        None => bindings
            .iter()
            .map(|(field, binding)| format!("{binding}: {}", type_text(&field_type(api, paths, field))))
            .collect(),
    };
    table.push_str(&params.join(", "));
    table.push_str(");\n");
    let mut bindings = bindings.iter().map(|(_, binding)| binding);
    for field in fields {
        let field_name = ident(&field.name);
        let stored = field_type(api, paths, field);
        let slot = match field.presence {
            Presence::OptionalNullable => stored,
            Presence::Required | Presence::RequiredNullable | Presence::Optional => {
                let option = paths.option();
                quote!(#option<#stored>)
            }
        };
        let write = if field.presence.is_required() { "field" } else { "optional" };
        let init = match (field.presence.is_required(), grouped) {
            (false, _) => "None".to_string(),
            (true, Some(_)) => format!("required.{field_name}"),
            (true, None) => bindings.next().expect("a binding per required field").to_string(),
        };
        let _ = writeln!(
            table,
            "    {field_name}: {} = {}, {write}, {}, {init};",
            type_text(&slot),
            text_literal(&field.wire_name),
            absent_rule(api, field)
        );
    }
    table.push_str("}\n");
    Item::Text(table)
}

/// The table's name for what an absent key means, as the model's `WhenAbsent` says (see the
/// runtime's `struct_codec!`).
fn absent_rule(api: &Api, field: &Field) -> &'static str {
    match field.when_absent(&api.types) {
        WhenAbsent::Refused => "refused",
        WhenAbsent::Tolerated(Tolerated::Empty) => "empty",
        WhenAbsent::Tolerated(Tolerated::NoValue) => "none",
        // `null` for an optional field is no value, as a missing key is; an optional nullable
        // field keeps `null` apart.
        WhenAbsent::NoValue if field.presence == Presence::Optional => "no_value",
        WhenAbsent::NoValue => "kept",
    }
}
