//! The enums of what an operation answers (its error enum, its success enum when it declares
//! several successes) box a JSON body much bigger than their other variants, as unions box their
//! members: `clippy::large_enum_variant` would flag them otherwise (a large report beside an
//! empty `202 Accepted`).
//!
//! Each enum is sized as a union of its bodies would be, all in one pass of the size estimate
//! over the types and one stand-in union per enum. Only JSON bodies are boxed; the others (text,
//! bytes, streams) are small handles.

use super::{Api, MemberShape, ResponseBody, ResponseCase, Successes, TypeDef, TypeKind, TypeRef, UnionVariant};
use super::{Unmatched, ident::Ident, sizes};

pub(super) fn box_large_bodies(api: &mut Api) {
    let enums: Vec<&mut [ResponseCase]> = api
        .operations
        .iter_mut()
        .flat_map(|op| {
            let several = matches!(op.successes, Successes::Several { .. });
            let successes = several.then_some(op.success.as_mut_slice());
            successes.into_iter().chain([op.errors.as_mut_slice()])
        })
        .filter(|cases| cases.len() > 1)
        .collect();
    if enums.is_empty() {
        return;
    }
    let mut defs = api.types.clone();
    let first = defs.len();
    for cases in &enums {
        let variants = cases.iter().map(|case| stand_in(&case.body)).collect();
        defs.push(TypeDef {
            name: Ident::new("Outcome"),
            origin: String::new(),
            docs: None,
            kind: TypeKind::Untagged { variants, unmatched: Unmatched::Refused },
            required_type: None,
            derives: Vec::new(),
            replacement: None,
        });
    }
    sizes::box_large_variants(&mut defs);
    for (cases, def) in enums.into_iter().zip(&defs[first..]) {
        let TypeKind::Untagged { variants, .. } = &def.kind else { continue };
        for (case, variant) in cases.iter_mut().zip(variants) {
            case.boxed = variant.boxed && matches!(case.body, ResponseBody::Json(_));
        }
    }
}

/// A union member as big as the variant holding `body`: the JSON type itself, a `String` for the
/// handles (text, bytes, streams, redirects), a byte for no body.
fn stand_in(body: &ResponseBody) -> UnionVariant {
    let ty = match body {
        ResponseBody::Json(ty) => ty.clone(),
        ResponseBody::Empty => TypeRef::Bool,
        ResponseBody::Text | ResponseBody::Bytes | ResponseBody::EventStream(_) | ResponseBody::Redirect => {
            TypeRef::String
        }
    };
    UnionVariant { name: Ident::new("Case"), ty, boxed: false, shape: MemberShape::Any }
}
