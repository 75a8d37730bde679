//! The enums of what an operation answers (its error enum, its success enum when it declares
//! several successes) box a JSON body much bigger than their other variants, as unions box their
//! members: `clippy::large_enum_variant` would flag them otherwise (a large report beside an
//! empty `202 Accepted`).
//!
//! Each enum is sized as a union of its bodies would be, from the sizes of the types the union
//! boxing found. Only JSON bodies are boxed; the others (text, bytes, streams) are small handles.

use super::{Api, ErrorEnum, ResponseBody, ResponseCase, Successes, TypeRef, sizes};

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

/// Operations that declare exactly the same error responses (variants, statuses, bodies, docs)
/// share one enum: the first one's, in the spec's order; the others' error types are aliases of
/// it; an operation that declares none names the runtime's one type for that. A spec whose
/// operations answer errors with one shared response gets one enum where it had hundreds of
/// identical ones (Oxide: 1 enum for 317 operations), each written, documented and checked by
/// every build for nothing. Every operation keeps its error type's name.
pub(super) fn share_error_enums(api: &mut Api) {
    let mut owners: Vec<usize> = Vec::new();
    for index in 0..api.operations.len() {
        let errors = &api.operations[index].errors;
        if errors.is_empty() {
            api.operations[index].error_enum = ErrorEnum::NoneDeclared;
            continue;
        }
        match owners.iter().copied().find(|&owner| same_cases(&api.operations[owner].errors, errors)) {
            Some(owner) => {
                let name = api.operations[owner].error_type.clone();
                api.operations[index].error_enum = ErrorEnum::SameAs(name);
                if let ErrorEnum::Own { shared_by } = &mut api.operations[owner].error_enum {
                    *shared_by += 1;
                }
            }
            None => owners.push(index),
        }
    }
}

/// Whether two lists of cases make the same enum, docs included. The media types are left out:
/// they are checked per operation, not held by the enum.
fn same_cases(a: &[ResponseCase], b: &[ResponseCase]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            (&a.variant, a.status, &a.body, &a.docs, a.boxed) == (&b.variant, b.status, &b.body, &b.docs, b.boxed)
        })
}
