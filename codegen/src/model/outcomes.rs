//! The enums of what an operation answers (its error enum, its success enum when it declares
//! several successes) box a JSON body much bigger than their other variants, as unions box their
//! members: `clippy::large_enum_variant` would flag them otherwise (a large report beside an
//! empty `202 Accepted`).
//!
//! Each enum is sized as a union of its bodies would be, from the sizes of the types the union
//! boxing found. Only JSON bodies are boxed; the others (text, bytes, streams) are small handles.
//!
//! Operations that declare exactly the same error responses share one error enum: see
//! [`share_error_enums`].

use super::{Api, ErrorEnum, ResponseBody, ResponseCase, Successes, TypeRef, sizes};

/// Gives each operation whose error responses are exactly an earlier operation's (the same
/// variants, statuses, docs and bodies: the same enum, but for its name) that operation's enum,
/// its own name becoming an alias. Most operations of a large API declare the same few errors
/// (Oxide: 309 of 317 a `4XX` and a `5XX` with one error type); an enum per operation, with its
/// three derived impls, was 8% of the instructions of checking Oxide's crate. The first operation
/// in spec order keeps the enum, so a name never moves while that operation stays.
pub(super) fn share_error_enums(api: &mut Api) {
    // The first operation of each set of error responses: its method and enum names.
    let mut firsts: Vec<(&[ResponseCase], usize)> = Vec::new();
    let mut shared: Vec<ErrorEnum> = Vec::with_capacity(api.operations.len());
    for (index, op) in api.operations.iter().enumerate() {
        let same = |(cases, _): &&(&[ResponseCase], usize)| same_enum(cases, &op.errors);
        match firsts.iter().find(same) {
            Some(&(_, first)) => {
                let first = &api.operations[first];
                shared.push(ErrorEnum::SameAs { operation: first.name.clone(), error_type: first.error_type.clone() });
            }
            None => {
                firsts.push((&op.errors, index));
                shared.push(ErrorEnum::Own);
            }
        }
    }
    for (op, error_enum) in api.operations.iter_mut().zip(shared) {
        op.error_enum = error_enum;
    }
}

/// Whether two lists of responses give the same enum (but for its name): what each variant is
/// called, documents and holds. The media types are not in the enum (each operation's descriptor
/// keeps its own).
fn same_enum(a: &[ResponseCase], b: &[ResponseCase]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.variant == b.variant && a.status == b.status && a.docs == b.docs && a.body == b.body && a.boxed == b.boxed
        })
}

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

#[cfg(test)]
mod tests {
    use super::ErrorEnum;

    /// Operations declaring the same errors share the first one's enum; a different status, a
    /// different description or a different body gives an enum of its own.
    #[test]
    fn operations_with_the_same_errors_share_the_first_ones_enum() {
        let error = |status: &str, description: &str, schema: &str| {
            format!(
                "'{status}': {{description: {description}, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}}}"
            )
        };
        let op = |id: &str, errors: &[String]| {
            format!(
                "    get:\n      operationId: {id}\n      responses:\n        '204': {{description: Done}}\n{}",
                errors.iter().map(|e| format!("        {e}\n")).collect::<String>()
            )
        };
        let usual = [error("4XX", "Error", "Problem"), error("5XX", "Error", "Problem")];
        let paths = [
            ("/a", op("first", &usual)),
            ("/b", op("second", &usual)),
            ("/c", op("other_status", &[error("404", "Error", "Problem"), error("5XX", "Error", "Problem")])),
            ("/d", op("other_docs", &[error("4XX", "Missing", "Problem"), error("5XX", "Error", "Problem")])),
            ("/e", op("other_body", &[error("4XX", "Error", "Other"), error("5XX", "Error", "Problem")])),
            ("/f", op("third", &usual)),
        ];
        let paths: String = paths.iter().map(|(path, item)| format!("  {path}:\n{item}")).collect();
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n    Problem: {{type: object, properties: {{message: {{type: string}}}}}}\n    Other: {{type: object, properties: {{code: {{type: integer}}}}}}\n"
        );
        let api = crate::test_api(&text);
        let shared: Vec<(&str, Option<&str>)> = api
            .operations
            .iter()
            .map(|op| match &op.error_enum {
                ErrorEnum::Own => (op.name.as_str(), None),
                ErrorEnum::SameAs { operation, error_type } => {
                    assert_eq!(error_type.as_str(), "FirstError");
                    (op.name.as_str(), Some(operation.as_str()))
                }
            })
            .collect();
        assert_eq!(
            shared,
            [
                ("first", None),
                ("second", Some("first")),
                ("other_status", None),
                ("other_docs", None),
                ("other_body", None),
                ("third", Some("first")),
            ]
        );
    }
}
