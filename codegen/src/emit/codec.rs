//! The `codec` module of an API: how its types go on the wire and come off it. What only the
//! compiler reads (`Serialize`, `Deserialize` and the runtime's decoding traits) lives here,
//! apart from the types, their docs and constructors that callers read; the module is private.
//! Each operation's descriptor (`runtime::Operation`) is written here too, after the types.

use quote::quote;

use super::docs::{inner_doc_attrs, sanitize};
use super::layout::LINE_WIDTH;
use super::tokens::{RUNTIME, TYPES, ident, text_literal};
use super::types::string_enum_codec;
use super::{Imports, Item, Items, RustFile, structs, unions};
use crate::model::{Api, Operation, ResponseCase, TypeDef, TypeKind};

pub fn codec_module(api: &Api) -> RustFile<'_> {
    let header = inner_doc_attrs(&format!(
        "How the types of {} go on the wire: `Serialize` and `Deserialize` for each, through the runtime; \
         then each operation's identity, for hooks, traces and deviation records. Read by the compiler; \
         the types and their constructors are in `types`.",
        sanitize(&api.title)
    ));
    let imports = Imports::default()
        .if_used(
            TYPES,
            quote!(
                use super::types;
            ),
        )
        .if_used(
            RUNTIME,
            quote!(
                use crate::runtime;
            ),
        );
    RustFile {
        head: header,
        imports,
        items: Items::filter_map(
            api.types
                .iter()
                .filter(|def| def.replacement.is_none())
                .map(Coded::Type)
                .chain(api.operations.iter().map(Coded::Operation)),
            move |coded| match coded {
                Coded::Type(def) => codec_item(api, def),
                Coded::Operation(op) => Some(descriptor(op)),
            },
        ),
    }
}

/// What the codec module holds one item for.
#[derive(Clone, Copy)]
enum Coded<'a> {
    Type(&'a TypeDef),
    Operation(&'a Operation),
}

/// The operation's identity, for hooks, traces and deviation records: its id in the spec, its
/// route template, where it is in the spec and the responses it declares (each one's key as the
/// spec writes it and its media types, which deviation records point at and check against). An
/// associated const of its request builder (`Self::OPERATION` there), so it needs no name of its
/// own. Its paths are spelled from the crate root: it is compiled only with the `client` feature,
/// so a `use` of the runtime that only descriptors needed would be unused without it (the struct
/// tables name the runtime through their macro).
///
/// Data laid out by this function rather than by prettyplease, as the struct tables are: the
/// declared responses on one line when it fits prettyplease's width, otherwise one per line.
fn descriptor(op: &Operation) -> Item {
    let literal = text_literal;
    let operation_id = op.operation_id.as_deref().unwrap_or(op.name.as_str());
    let mut cases: Vec<&ResponseCase> = op.success.iter().chain(&op.errors).collect();
    cases.sort_by_key(|case| case.status);
    let declared: Vec<String> = cases
        .iter()
        .map(|case| {
            let media_types: Vec<String> = case.media_types.iter().map(|media| literal(media)).collect();
            format!(
                "crate::runtime::DeclaredResponse::new({}, &[{}])",
                literal(&case.status.to_string()),
                media_types.join(", ")
            )
        })
        .collect();
    let one_line = format!("        responses: &[{}],", declared.join(", "));
    // prettyplease lets a list's trailing comma stand past its margin.
    let responses = if one_line.len() <= LINE_WIDTH + 1 {
        one_line
    } else {
        let lines: String = declared.iter().map(|response| format!("            {response},\n")).collect();
        format!("        responses: &[\n{lines}        ],")
    };
    Item::Text(format!(
        "#[cfg(feature = \"client\")]\nimpl super::requests::{}<'_> {{\n    pub(super) const OPERATION: crate::runtime::Operation = crate::runtime::Operation {{\n        id: {},\n        route: {},\n        pointer: {},\n{responses}\n    }};\n}}\n",
        ident(&op.request_type),
        literal(operation_id),
        literal(&op.path.text),
        literal(&op.origin),
    ))
}

/// The codec of one type; an alias has none, nor a union whose `Deserialize` is derived.
fn codec_item(api: &Api, def: &TypeDef) -> Option<Item> {
    let name = ident(&def.name);
    let tokens = match &def.kind {
        TypeKind::Struct { fields, tag, undeclared } => {
            return Some(structs::codec(api, def, fields, tag.as_ref(), undeclared));
        }
        TypeKind::StringEnum { values } => string_enum_codec(&name, values, &def.origin),
        TypeKind::Untagged { variants, unmatched } => unions::untagged_codec(&name, variants, *unmatched, &def.origin)?,
        TypeKind::Tagged { property, variants } => unions::tagged_codec(&name, property, variants, &def.origin),
        TypeKind::Alias(_) => return None,
    };
    Some(Item::Tokens(tokens))
}
