//! Rust source that builds a value with the generated constructors and setters, from a JSON
//! value the spec accepts (the model's samples): what the examples show callers, instead of JSON
//! text decoded at run time. A value no constructor can spell (an untagged union's member, a
//! binary string) is decoded from `serde_json::json!`, which the compiler still type-checks
//! against the argument.

use serde_json::Value;

use crate::model::{Api, Field, Presence, TypeKind, TypeRef};

/// Rust source of an example, and the modules of the API it names: what the example imports.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Example {
    pub text: String,
    pub modules: Modules,
}

/// The modules of an API an example names by their short names (`types::Pet`, `requests::OpRequired`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Modules {
    pub types: bool,
    pub requests: bool,
}

impl Modules {
    /// Both sets of modules.
    pub fn and(self, other: Modules) -> Modules {
        Modules { types: self.types || other.types, requests: self.requests || other.requests }
    }

    /// The names of the modules named, for a `use` line.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        [(self.requests, "requests"), (self.types, "types")]
            .into_iter()
            .filter_map(|(named, name)| named.then_some(name))
    }
}

/// An expression of type `ty` holding `value`, where the argument takes `impl Into<String>` for
/// strings (`into`) or exactly the type.
pub(super) fn expression(api: &Api, ty: &TypeRef, value: &Value, into: bool) -> Example {
    let mut modules = Modules::default();
    let text = write(api, ty, value, into, &mut modules);
    Example { text, modules }
}

fn write(api: &Api, ty: &TypeRef, value: &Value, into: bool, modules: &mut Modules) -> String {
    match (ty, value) {
        (TypeRef::String, Value::String(text)) if into => format!("{text:?}"),
        (TypeRef::String, Value::String(text)) => format!("{text:?}.to_string()"),
        (TypeRef::String, other) if into => format!("{:?}", other.to_string()),
        (TypeRef::String, other) => format!("{:?}.to_string()", other.to_string()),
        (TypeRef::Bool, Value::Bool(flag)) => flag.to_string(),
        (TypeRef::Int(_), Value::Number(number)) if number.is_i64() || number.is_u64() => number.to_string(),
        (TypeRef::Float(_), Value::Number(number)) => format!("{:?}", number.as_f64().unwrap_or_default()),
        (TypeRef::Formatted(_), Value::String(text)) => format!("{text:?}.parse()?"),
        (TypeRef::Option(_), Value::Null) => "None".to_string(),
        (TypeRef::Option(inner), _) => format!("Some({})", write(api, inner, value, false, modules)),
        (TypeRef::Vec(_), Value::Array(items)) if items.is_empty() => "Vec::new()".to_string(),
        (TypeRef::Vec(inner), Value::Array(items)) => {
            let items: Vec<String> = items.iter().map(|item| write(api, inner, item, false, modules)).collect();
            format!("vec![{}]", items.join(", "))
        }
        (TypeRef::Map(inner), Value::Object(entries)) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("({key:?}.to_string(), {})", write(api, inner, value, false, modules)))
                .collect();
            format!("std::collections::BTreeMap::from([{}])", entries.join(", "))
        }
        (TypeRef::JsonObject, Value::Object(entries)) if entries.is_empty() => "serde_json::Map::new()".to_string(),
        (TypeRef::Json, _) => format!("serde_json::json!({value})"),
        (TypeRef::Named(id), _) => named(api, *id, value, into, modules).unwrap_or_else(|| decoded(value)),
        _ => decoded(value),
    }
}

/// A value of a generated type: a struct by `new` and setters, a string enum by its variant, a
/// tagged union by the member its tag names; `None` where the value does not fit.
fn named(api: &Api, id: crate::model::TypeId, value: &Value, into: bool, modules: &mut Modules) -> Option<String> {
    let def = api.type_def(id);
    if def.replacement.is_some() {
        // The caller's own type: only its `Deserialize` is known to exist.
        return None;
    }
    let path = format!("types::{}", def.name);
    let built = match (&def.kind, value) {
        (TypeKind::Struct { fields, .. }, Value::Object(object)) => {
            let required = def.required_type.as_ref().map(|name| format!("types::{name}"));
            Some(structure(api, &path, fields, object, required.as_deref(), modules))
        }
        (TypeKind::StringEnum { values }, Value::String(wire)) => {
            values.iter().find(|v| &v.wire == wire).map(|v| format!("{path}::{}", v.name))
        }
        (TypeKind::Tagged { property, variants }, Value::Object(object)) => {
            let tag = object.get(property)?.as_str()?;
            let member = variants.iter().find(|v| v.tags.iter().any(|t| t == tag))?;
            let inner = write(api, &member.variant.ty, value, false, modules);
            let inner = if member.variant.boxed { format!("Box::new({inner})") } else { inner };
            Some(format!("{path}::{}({inner})", member.variant.name))
        }
        (TypeKind::Alias(ty), _) => return Some(write(api, ty, value, into, modules)),
        _ => None,
    };
    modules.types |= built.is_some();
    built
}

/// `Type::new(required)` then a setter per optional field the value has. The constructor takes
/// strings as `impl Into<String>`, boxed fields unboxed, and nullable ones as an `Option`; the
/// struct of required fields (`TypeRequired`) takes each field as stored.
fn structure(
    api: &Api,
    path: &str,
    fields: &[Field],
    object: &serde_json::Map<String, Value>,
    required_type: Option<&str>,
    modules: &mut Modules,
) -> String {
    let argument = |field: &Field, value: &Value, modules: &mut Modules| match field.presence {
        Presence::RequiredNullable | Presence::OptionalNullable => {
            write(api, &TypeRef::Option(Box::new(field.ty.clone())), value, false, modules)
        }
        Presence::Required | Presence::Optional => write(api, &field.ty, value, true, modules),
    };
    let mut arguments = Vec::new();
    let mut setters = String::new();
    for field in fields {
        let value = object.get(&field.wire_name);
        match (field.presence.is_required(), value) {
            (true, value) => {
                let value = value.unwrap_or(&Value::Null);
                match required_type {
                    Some(_) => {
                        let stored = match field.presence {
                            Presence::RequiredNullable => argument(field, value, modules),
                            _ => write(api, &field.ty, value, false, modules),
                        };
                        let stored = if field.boxed { format!("Box::new({stored})") } else { stored };
                        arguments.push(format!("{}: {stored}", field.name));
                    }
                    None => arguments.push(argument(field, value, modules)),
                }
            }
            // `null` for a field that may only be absent is the same as absent.
            (false, Some(Value::Null)) if field.presence == Presence::Optional => {}
            (false, Some(value)) => {
                setters.push_str(&format!(".{}({})", field.setter, argument(field, value, modules)));
            }
            (false, None) => {}
        }
    }
    let arguments = match required_type {
        Some(required) => format!("{required} {{ {} }}", arguments.join(", ")),
        None => arguments.join(", "),
    };
    format!("{path}::new({arguments}){setters}")
}

/// A value decoded from JSON, for what no constructor spells.
fn decoded(value: &Value) -> String {
    format!("serde_json::from_value(serde_json::json!({value}))?")
}

/// The smallest JSON value of `ty` (required fields only, the first enum value or tagged member,
/// empty lists), for examples that need a value the spec gives no sample of (a response body).
pub(super) fn minimal_value(api: &Api, ty: &TypeRef) -> Value {
    minimal_at(api, ty, 0)
}

fn minimal_at(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    use crate::model::StringFormat;
    if depth > 8 {
        return Value::Null;
    }
    match ty {
        TypeRef::String => Value::String("example".into()),
        TypeRef::Formatted(StringFormat::DateTime) => Value::String("2024-01-01T00:00:00Z".into()),
        TypeRef::Formatted(StringFormat::Date) => Value::String("2024-01-01".into()),
        TypeRef::Formatted(StringFormat::Uuid) => Value::String("00000000-0000-0000-0000-000000000000".into()),
        TypeRef::Bool => Value::Bool(true),
        TypeRef::Int(_) => Value::from(1),
        TypeRef::Float(_) => Value::from(1.5),
        TypeRef::Vec(_) => Value::Array(Vec::new()),
        TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Json => Value::Object(serde_json::Map::new()),
        TypeRef::Option(_) | TypeRef::Bytes => Value::Null,
        TypeRef::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Struct { fields, .. } => Value::Object(
                fields
                    .iter()
                    .filter(|f| f.presence == Presence::Required)
                    .map(|f| (f.wire_name.clone(), minimal_at(api, &f.ty, depth + 1)))
                    .collect(),
            ),
            TypeKind::StringEnum { values } => values.first().map_or(Value::Null, |v| Value::String(v.wire.clone())),
            TypeKind::Tagged { property, variants } => match variants.first() {
                Some(member) => {
                    let mut value = minimal_at(api, &member.variant.ty, depth + 1);
                    if let (Value::Object(object), Some(tag)) = (&mut value, member.tags.first()) {
                        object.insert(property.clone(), Value::String(tag.clone()));
                    }
                    value
                }
                None => Value::Null,
            },
            TypeKind::Untagged { variants, .. } => {
                variants.first().map_or(Value::Null, |member| minimal_at(api, &member.ty, depth + 1))
            }
            TypeKind::Alias(inner) => minimal_at(api, inner, depth + 1),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn api() -> Api {
        let text = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [name, kind]
      properties:
        name: {type: string}
        kind: {type: string, enum: [cat, dog]}
        tags: {type: array, items: {type: string}}
        owner: {$ref: '#/components/schemas/Owner'}
        note: {type: string, nullable: true}
        labels: {type: object, additionalProperties: {type: integer}}
    Owner:
      type: object
      required: [id]
      properties:
        id: {type: integer}
    Wide:
      type: object
      required: [a, b, c, d, e, f, g, h]
      properties: {a: {type: string}, b: {type: string}, c: {type: string}, d: {type: string},
                   e: {type: string}, f: {type: string}, g: {type: string}, h: {type: boolean}}
"#;
        crate::test_api(text)
    }

    fn named(api: &Api, name: &str) -> TypeRef {
        let index = api.types.iter().position(|def| def.name.as_str() == name).expect("the type");
        TypeRef::Named(crate::model::TypeId(index))
    }

    #[test]
    fn structs_are_built_with_new_and_a_setter_per_optional_field_present() {
        let api = api();
        let value =
            json!({"name": "Rex", "kind": "dog", "tags": ["a"], "owner": {"id": 7}, "note": null, "labels": {"x": 1}});
        let pet = expression(&api, &named(&api, "Pet"), &value, false);
        assert_eq!(pet.modules, Modules { types: true, requests: false });
        assert_eq!(
            pet.text,
            "types::Pet::new(\"Rex\", types::PetKind::Dog).tags(vec![\"a\".to_string()]).owner(types::Owner::new(7))\
             .note(None).labels(std::collections::BTreeMap::from([(\"x\".to_string(), 1)]))"
        );
    }

    #[test]
    fn many_required_fields_go_in_the_required_struct_as_stored() {
        let api = api();
        let value = json!({"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": true});
        assert_eq!(
            expression(&api, &named(&api, "Wide"), &value, false).text,
            "types::Wide::new(types::WideRequired { a: \"1\".to_string(), b: \"2\".to_string(), c: \"3\".to_string(), \
             d: \"4\".to_string(), e: \"5\".to_string(), f: \"6\".to_string(), g: \"7\".to_string(), h: true })"
        );
    }

    #[test]
    fn what_no_constructor_spells_is_decoded_and_minimal_values_hold_the_required_fields() {
        let api = api();
        // An enum value the spec does not list.
        let bird = expression(&api, &named(&api, "PetKind"), &json!("bird"), false);
        assert_eq!(bird.text, "serde_json::from_value(serde_json::json!(\"bird\"))?");
        // It names no generated type, so the example needs no `use ..::types`.
        assert_eq!(bird.modules, Modules::default());
        assert_eq!(expression(&api, &TypeRef::JsonObject, &json!({}), false).text, "serde_json::Map::new()");
        assert_eq!(minimal_value(&api, &named(&api, "Pet")), json!({"name": "example", "kind": "cat"}));
    }
}
