//! The enums of what an operation answers (its error enum, its success enum when it declares
//! several successes) box a JSON body much bigger than their other variants, as unions box their
//! members: `clippy::large_enum_variant` would flag them otherwise (a large report beside an
//! empty `202 Accepted`).
//!
//! Each enum is sized as a union of its bodies would be, from the sizes of the types the union
//! boxing found. Only JSON bodies are boxed; the others (text, bytes, streams) are small handles.

use super::{Api, ResponseBody, Successes, TypeRef, sizes};

pub(super) fn box_large_bodies(api: &mut Api, sizes: &sizes::Sizes) {
    for op in &mut api.operations {
        let several = matches!(op.successes, Successes::Several { .. });
        let successes = several.then_some(op.success.as_mut_slice());
        for cases in successes.into_iter().chain([op.errors.as_mut_slice()]).filter(|cases| cases.len() > 1) {
            let members: Vec<TypeRef> = cases.iter().map(|case| stand_in(&case.body)).collect();
            for (case, boxed) in cases.iter_mut().zip(sizes.boxed_members(&members)) {
                case.boxed = boxed && matches!(case.body, ResponseBody::Json(_));
            }
        }
    }
}

/// A type as big as the variant holding `body`: the JSON type itself, a `String` for the handles
/// (text, bytes, streams, redirects), a byte for no body.
fn stand_in(body: &ResponseBody) -> TypeRef {
    match body {
        ResponseBody::Json(ty) => ty.clone(),
        ResponseBody::Empty => TypeRef::Bool,
        ResponseBody::Text | ResponseBody::Bytes | ResponseBody::EventStream(_) | ResponseBody::Redirect => {
            TypeRef::String
        }
    }
}
