//! Types too deep to read in place (maps of maps of lists...) get a name: `clippy::type_complexity`
//! flags them in struct fields, constructors and `send`'s return type. A field, union member or
//! JSON body whose type scores above [`LIMIT`] holds a type alias of it instead, named after where
//! it stands (`Matrix::cells` -> `MatrixCells`); the same type found again reuses that alias.
//!
//! The score is clippy's: each path type costs ten times how deep it is nested. It is taken as if
//! the type sat three levels down, as it does in `send`'s `impl Future<Output = Result<Response<T>,
//! Error<E>>>`, whose wrappers cost 80 of clippy's 250.

use std::collections::HashMap;

use super::ident::{self, Ident};
use super::{Api, ResponseBody, TypeDef, TypeId, TypeKind, TypeRef};

/// The highest score a type may have where it stands.
const LIMIT: u32 = 170;
/// How deep a type stands in the deepest place it is printed (`send`'s return type).
const DEPTH: u32 = 3;

/// Names every type too deep to read in place; `is_component` runs beside the types.
pub(super) fn name_deep_types(api: &mut Api, is_component: &mut Vec<bool>) {
    let mut namer = Namer { created: Vec::new(), known: HashMap::new(), first: api.types.len() };
    for index in 0..api.types.len() {
        let owner = api.types[index].name.clone();
        let origin = api.types[index].origin.clone();
        match &mut api.types[index].kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields {
                    let name = format!("{owner}{}", ident::type_name(field.name.as_str()));
                    let at = super::operations::pointer_under(&origin, &["properties", &field.wire_name]);
                    namer.name_if_deep(&mut field.ty, &name, &at);
                }
            }
            TypeKind::Untagged { variants, .. } => {
                for variant in variants {
                    namer.name_if_deep(&mut variant.ty, &format!("{owner}{}", variant.name), &origin);
                }
            }
            TypeKind::Tagged { variants, .. } => {
                for tagged in variants {
                    let variant = &mut tagged.variant;
                    namer.name_if_deep(&mut variant.ty, &format!("{owner}{}", variant.name), &origin);
                }
            }
            // An alias's own definition is where a long type belongs.
            TypeKind::Alias(_) | TypeKind::StringEnum { .. } => {}
        }
    }
    for op in &mut api.operations {
        let camel = ident::type_name(op.name.as_str());
        if let Some(body) = op.body.as_mut().filter(|b| b.encoding == super::BodyEncoding::Json) {
            namer.name_if_deep(&mut body.ty, &format!("{camel}Body"), &format!("{}/requestBody", op.origin));
        }
        let one_success = op.success.len() == 1;
        for (index, case) in op.success.iter_mut().chain(op.errors.iter_mut()).enumerate() {
            if let ResponseBody::Json(ty) = &mut case.body {
                let name = match index == 0 && one_success {
                    true => format!("{camel}Response"),
                    false => format!("{camel}{}Response", case.variant),
                };
                namer.name_if_deep(ty, &name, &format!("{}/responses", op.origin));
            }
        }
    }
    // Examples decode into the type their place holds now.
    for example in &mut api.examples {
        if let Some(&id) = namer.known.get(&strip_options(&example.ty).clone()) {
            replace_core(&mut example.ty, TypeRef::Named(id));
        }
    }
    is_component.extend(namer.created.iter().map(|_| false));
    api.types.extend(namer.created);
}

struct Namer {
    created: Vec<TypeDef>,
    /// The alias made for each type, by the type.
    known: HashMap<TypeRef, TypeId>,
    /// The index the first alias made gets.
    first: usize,
}

impl Namer {
    fn name_if_deep(&mut self, ty: &mut TypeRef, name: &str, origin: &str) {
        if score(ty, DEPTH) <= LIMIT {
            return;
        }
        let core = strip_options(ty).clone();
        let id = *self.known.entry(core.clone()).or_insert_with(|| {
            let id = TypeId(self.first + self.created.len());
            self.created.push(TypeDef {
                name: Ident::new(name),
                origin: origin.to_string(),
                docs: None,
                kind: TypeKind::Alias(core),
                required_type: None,
                derives: Vec::new(),
                replacement: None,
            });
            id
        });
        replace_core(ty, TypeRef::Named(id));
    }
}

/// `ty` without the `Option`s around it.
fn strip_options(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Option(inner) => strip_options(inner),
        other => other,
    }
}

/// Puts `core` in place of what the `Option`s around `ty` hold.
fn replace_core(ty: &mut TypeRef, core: TypeRef) {
    match ty {
        TypeRef::Option(inner) => replace_core(inner, core),
        other => *other = core,
    }
}

/// Clippy's `type_complexity` score of `ty` as printed, standing `depth` levels deep.
fn score(ty: &TypeRef, depth: u32) -> u32 {
    let here = 10 * depth;
    match ty {
        TypeRef::Named(_)
        | TypeRef::String
        | TypeRef::Bool
        | TypeRef::Int(_)
        | TypeRef::Float(_)
        | TypeRef::Json
        | TypeRef::Formatted(super::StringFormat::Date | super::StringFormat::Uuid) => here,
        // `DateTime<Utc>`, `Vec<u8>`.
        TypeRef::Formatted(super::StringFormat::DateTime) | TypeRef::Bytes => here + 10 * (depth + 1),
        // `Map<String, Value>`.
        TypeRef::JsonObject => here + 20 * (depth + 1),
        TypeRef::Vec(inner) | TypeRef::Option(inner) => here + score(inner, depth + 1),
        // `BTreeMap<String, T>`.
        TypeRef::Map(inner) => here + 10 * (depth + 1) + score(inner, depth + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_clippy() {
        // `BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<f64>>>>` at the top: 240.
        let float = TypeRef::Float(super::super::FloatKind::F64);
        let deep = TypeRef::Map(Box::new(TypeRef::Map(Box::new(TypeRef::Map(Box::new(TypeRef::Vec(Box::new(
            float.clone(),
        ))))))));
        assert_eq!(score(&deep, 1), 240);
        assert!(score(&deep, DEPTH) > LIMIT);
        assert!(score(&TypeRef::Map(Box::new(TypeRef::Vec(Box::new(float)))), DEPTH) <= LIMIT);
    }

    #[test]
    fn a_named_deep_type_points_at_its_property_escaped() {
        let deep = "{type: object, additionalProperties: {type: object, additionalProperties: {type: object, \
            additionalProperties: {type: array, items: {type: number}}}}}";
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    \
             Grid:\n      type: object\n      properties:\n        'cells/by~row': {deep}\n"
        );
        let api = crate::test_api(&spec);
        let origins: Vec<&str> = api.types.iter().map(|def| def.origin.as_str()).collect();
        assert!(origins.contains(&"/components/schemas/Grid/properties/cells~1by~0row"), "{origins:?}");
    }
}
