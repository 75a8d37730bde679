//! Whether a JSON value is one the generated types hold exactly: it decodes, lands in no catch-all
//! variant, and encodes back to itself. The spec's examples are checked with it: one that does
//! not conform contradicts its own schema (or the generator's reading of it), which the
//! maintainer hears about as a warning, and it stays out of the generated examples test.

use serde_json::Value;

use super::fit::{self, ShapeOf};
use super::{
    Field, IntKind, MemberShape, Presence, Tolerated, TypeDef, TypeKind, TypeRef, Undeclared, Unmatched, WhenAbsent,
};

impl Field {
    /// What decoding makes of this property when an object lacks it (see [`WhenAbsent`]).
    pub fn when_absent(&self, defs: &[TypeDef]) -> WhenAbsent {
        match self.presence {
            Presence::Optional | Presence::OptionalNullable => WhenAbsent::NoValue,
            Presence::RequiredNullable => WhenAbsent::Tolerated(Tolerated::NoValue),
            Presence::Required => match self.ty.through_aliases(defs) {
                TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::JsonObject => WhenAbsent::Tolerated(Tolerated::Empty),
                _ => WhenAbsent::Refused,
            },
        }
    }
}

/// How deep a value is followed; examples deeper than this are taken as they are.
const MAX_DEPTH: usize = 64;

/// `Ok` when `value` conforms to `ty`; otherwise where and why not (a JSON pointer into the value).
pub fn conforms(value: &Value, ty: &TypeRef, defs: &[TypeDef]) -> Result<(), String> {
    check(value, ty, defs, Reading::Whole, &mut String::new(), 0)
}

/// How a value is read: as decoding takes it (tolerated deviations and catch-all variants
/// included, see the table in `runtime/structs.rs`), which is how a union's member is chosen,
/// or whole (decoded into no catch-all, and encoded back to itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Decoded,
    Whole,
}

fn check(
    value: &Value,
    ty: &TypeRef,
    defs: &[TypeDef],
    reading: Reading,
    at: &mut String,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let wrong = |at: &str, expected: &str| Err(format!("{} is not {expected}", shown(at, value)));
    match ty {
        TypeRef::Option(inner) => match value {
            Value::Null => Ok(()),
            _ => check(value, inner, defs, reading, at, depth + 1),
        },
        TypeRef::Json => Ok(()),
        TypeRef::JsonObject if value.is_object() => Ok(()),
        TypeRef::JsonObject => wrong(at, "an object"),
        TypeRef::String | TypeRef::Bytes if value.is_string() => Ok(()),
        TypeRef::String | TypeRef::Bytes => wrong(at, "a string"),
        TypeRef::Formatted(format) => match value.as_str() {
            Some(text) if super::formats::parses(*format, text) => Ok(()),
            _ => wrong(at, &format!("a `{}` string", format.as_str())),
        },
        TypeRef::Bool if value.is_boolean() => Ok(()),
        TypeRef::Bool => wrong(at, "a boolean"),
        TypeRef::Float(_) if value.is_number() => Ok(()),
        TypeRef::Float(_) => wrong(at, "a number"),
        TypeRef::Int(kind) => match value.as_i64().map(i128::from).or_else(|| value.as_u64().map(i128::from)) {
            Some(n) if fits(n, *kind) => Ok(()),
            _ => wrong(at, &format!("an integer that fits {}", kind.rust_name())),
        },
        TypeRef::Vec(item) => match value {
            Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item_value)| {
                within(at, &i.to_string(), |at| check(item_value, item, defs, reading, at, depth + 1))
            }),
            _ => wrong(at, "an array"),
        },
        TypeRef::Map(inner) => match value {
            Value::Object(map) => {
                map.iter().try_for_each(|(k, v)| within(at, k, |at| check(v, inner, defs, reading, at, depth + 1)))
            }
            _ => wrong(at, "an object"),
        },
        TypeRef::Named(id) => check_def(value, &defs[id.0], defs, reading, at, depth),
    }
}

fn check_def(
    value: &Value,
    def: &TypeDef,
    defs: &[TypeDef],
    reading: Reading,
    at: &mut String,
    depth: usize,
) -> Result<(), String> {
    let whole = reading == Reading::Whole;
    match &def.kind {
        TypeKind::Alias(inner) => check(value, inner, defs, reading, at, depth + 1),
        TypeKind::StringEnum { values } => match value.as_str() {
            Some(text) if values.iter().any(|v| v.wire == text) => Ok(()),
            // Decoded into the enum's catch-all variant.
            Some(_) if !whole => Ok(()),
            Some(_) => Err(format!("{} is not one of the values `{}` lists", shown(at, value), def.name)),
            None => Err(format!("{} is not a string", shown(at, value))),
        },
        TypeKind::Struct { fields, tag, undeclared } => {
            let Value::Object(map) = value else {
                return Err(format!("{} is not an object", shown(at, value)));
            };
            // Decoding skips the tag (the union read it to choose this member).
            if let Some(tag) = tag.as_ref().filter(|_| whole) {
                match map.get(&tag.property).and_then(Value::as_str) {
                    Some(value) if value == tag.value => {}
                    _ => return Err(format!("{} lacks `{}` = `{}`", place(at), tag.property, tag.value)),
                }
            }
            let declared = |key: &str| {
                fields.iter().any(|f| f.wire_name == key) || tag.as_ref().is_some_and(|t| t.property == key)
            };
            if whole
                && *undeclared == Undeclared::Dropped
                && let Some(key) = map.keys().find(|k| !declared(k))
            {
                return Err(format!("{at}/{key} is a property `{}` does not declare; it would be lost", def.name));
            }
            for field in fields {
                let lacks = || format!("{} lacks the required property `{}`", place(at), field.wire_name);
                match (map.get(&field.wire_name), field.presence) {
                    (None, _) => match field.when_absent(defs) {
                        WhenAbsent::NoValue => {}
                        // Decoded, but not back to itself: the property comes back.
                        WhenAbsent::Tolerated(_) if !whole => {}
                        WhenAbsent::Tolerated(_) | WhenAbsent::Refused => return Err(lacks()),
                    },
                    // Decoded as if absent, but not back to itself.
                    (Some(Value::Null), Presence::Optional) if !whole => {}
                    (Some(Value::Null), Presence::Required | Presence::Optional) => {
                        return Err(format!("{at}/{} is null, which the schema does not allow", field.wire_name));
                    }
                    (Some(Value::Null), _) => {}
                    (Some(field_value), _) => {
                        within(at, &field.wire_name, |at| check(field_value, &field.ty, defs, reading, at, depth + 1))?
                    }
                }
            }
            Ok(())
        }
        TypeKind::Tagged { .. } | TypeKind::Untagged { .. } => match union_member_at(value, def, defs, at, depth) {
            Ok(member) if whole => check(value, member_type(def, member), defs, reading, at, depth + 1),
            Ok(_) => Ok(()),
            // A tag the union does not list, or a value no member takes, kept as sent.
            Err(_) if !whole && kept_as_sent(value, def) => Ok(()),
            Err(reason) => Err(reason),
        },
    }
}

/// Which member of the union `def` the generated code decodes `value` as (an index into its
/// variants): the members tried in the runtime's order (the shared rule of `runtime/fit.rs`), the
/// first that decodes it. `None` when no member does (the value is refused, or kept as sent), or
/// when `def` is not a union.
pub fn union_member(value: &Value, def: &TypeDef, defs: &[TypeDef]) -> Option<usize> {
    union_member_at(value, def, defs, &mut String::new(), 0).ok()
}

fn union_member_at(
    value: &Value,
    def: &TypeDef,
    defs: &[TypeDef],
    at: &mut String,
    depth: usize,
) -> Result<usize, String> {
    match &def.kind {
        TypeKind::Tagged { property, variants } => {
            let Some(tag) = value.get(property).and_then(Value::as_str) else {
                return Err(format!(
                    "{} has no string `{property}` to tell which member of `{}` it is",
                    place(at),
                    def.name
                ));
            };
            let named: Vec<usize> =
                (0..variants.len()).filter(|&i| variants[i].tags.iter().any(|t| t == tag)).collect();
            if named.is_empty() {
                return Err(format!("{} has `{property}` = `{tag}`, which no member of `{}` has", place(at), def.name));
            }
            let shapes: Vec<_> = variants.iter().map(|v| v.variant.shape.as_fit()).collect();
            let candidates = fit::tag_candidates(value, &shapes, named);
            first_decoding(value, candidates.into_iter().map(|i| (i, &variants[i].variant.ty)), defs, at, depth)
        }
        TypeKind::Untagged { variants, .. } => {
            let shapes: Vec<_> = variants.iter().map(|v| v.shape.as_fit()).collect();
            let candidates = fit::ranked(value, &shapes, 0..variants.len());
            first_decoding(value, candidates.into_iter().map(|i| (i, &variants[i].ty)), defs, at, depth)
                .map_err(|e| format!("no member of `{}` takes the value ({e})", def.name))
        }
        _ => Err(format!("`{}` is not a union", def.name)),
    }
}

/// The index of the first of `candidates` that decodes the value; otherwise the first one's
/// reason.
fn first_decoding<'a>(
    value: &Value,
    candidates: impl Iterator<Item = (usize, &'a TypeRef)>,
    defs: &[TypeDef],
    at: &mut String,
    depth: usize,
) -> Result<usize, String> {
    let mut first_reason = None;
    for (index, ty) in candidates {
        match check(value, ty, defs, Reading::Decoded, at, depth + 1) {
            Ok(()) => return Ok(index),
            Err(reason) => {
                first_reason.get_or_insert(reason);
            }
        }
    }
    Err(first_reason.unwrap_or_else(|| format!("{} fits no member", shown(at, value))))
}

/// The type of member `index` of the union `def`.
fn member_type(def: &TypeDef, index: usize) -> &TypeRef {
    match &def.kind {
        TypeKind::Tagged { variants, .. } => &variants[index].variant.ty,
        TypeKind::Untagged { variants, .. } => &variants[index].ty,
        _ => unreachable!("only a union has members"),
    }
}

/// Whether the union `def` keeps `value`, which no member decodes, in its `Unknown` variant: a
/// tagged union keeps a tag it does not list (and refuses a missing tag, or a listed one whose
/// members do not decode the value); an untagged union keeps such values or refuses them all.
fn kept_as_sent(value: &Value, def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Tagged { property, variants } => value
            .get(property)
            .and_then(Value::as_str)
            .is_some_and(|tag| !variants.iter().any(|v| v.tags.iter().any(|t| t == tag))),
        TypeKind::Untagged { unmatched, .. } => *unmatched == Unmatched::Kept,
        _ => false,
    }
}

impl MemberShape {
    /// The shape as the shared rule (`runtime/fit.rs`) reads it: what the conformance check
    /// ranks members by, and what the generated code writes as a constant (`emit::unions`).
    pub fn as_fit(&self) -> ShapeOf<'_, String> {
        match self {
            MemberShape::Object { known, required, pinned } => {
                ShapeOf::Object { known: known.as_deref(), required, pinned }
            }
            MemberShape::String { values } => ShapeOf::String(values.as_deref()),
            MemberShape::Integer => ShapeOf::Integer,
            MemberShape::Number => ShapeOf::Number,
            MemberShape::Boolean => ShapeOf::Boolean,
            MemberShape::Array => ShapeOf::Array,
            MemberShape::Any => ShapeOf::Any,
        }
    }
}

fn fits(n: i128, kind: IntKind) -> bool {
    let (low, high): (i128, i128) = match kind {
        IntKind::I8 => (i8::MIN.into(), i8::MAX.into()),
        IntKind::I16 => (i16::MIN.into(), i16::MAX.into()),
        IntKind::I32 => (i32::MIN.into(), i32::MAX.into()),
        IntKind::I64 => (i64::MIN.into(), i64::MAX.into()),
        IntKind::U8 => (0, u8::MAX.into()),
        IntKind::U16 => (0, u16::MAX.into()),
        IntKind::U32 => (0, u32::MAX.into()),
        IntKind::U64 => (0, u64::MAX.into()),
    };
    (low..=high).contains(&n)
}

/// Runs `f` with `token` appended to the pointer `at`, then takes it off again.
fn within<T>(at: &mut String, token: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let length = at.len();
    at.push('/');
    at.push_str(&crate::error::pointer_token(token));
    let result = f(at);
    at.truncate(length);
    result
}

/// A value for a message: where it stands and the value, cut short.
fn shown(at: &str, value: &Value) -> String {
    let text = value.to_string();
    let text =
        if text.chars().count() > 40 { format!("{}...", text.chars().take(40).collect::<String>()) } else { text };
    format!("{} (`{text}`)", place(at))
}

/// Where in the value a problem is: its pointer, or the whole value.
fn place(at: &str) -> &str {
    if at.is_empty() { "the value" } else { at }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn api(schemas: &str) -> super::super::Api {
        let text = format!(
            "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        crate::test_api(&text)
    }

    fn named(api: &super::super::Api, name: &str) -> TypeRef {
        let id = api.types.iter().position(|def| def.name.as_str() == name).expect("a type of the spec");
        TypeRef::Named(super::super::TypeId(id))
    }

    /// The member decoding takes is the one that must hold the value, even where a member
    /// ranked after it would.
    #[test]
    fn a_value_conforms_only_if_the_member_decoding_takes_holds_it() {
        let api = api("    Setting:\n      oneOf:\n        \
             - {title: Known, type: object, required: [mode], properties: {mode: {type: string, enum: [fast, slow]}}}\n        \
             - {title: Free, type: object, required: [mode], properties: {mode: {type: string}}}\n");
        let setting = named(&api, "Setting");
        assert_eq!(conforms(&json!({"mode": "fast"}), &setting, &api.types), Ok(()));
        // Decoded as `Known`, its mode in the enum's catch-all; `Free` would hold it, but is not
        // tried.
        let turbo = conforms(&json!({"mode": "turbo"}), &setting, &api.types).unwrap_err();
        assert!(turbo.contains("is not one of the values"), "{turbo}");
        let def = &api.types[api.types.iter().position(|d| d.name.as_str() == "Setting").unwrap()];
        assert_eq!(union_member(&json!({"mode": "turbo"}), def, &api.types), Some(0));
    }

    /// Decoding tolerates what the table in `runtime/structs.rs` says: a union takes the member
    /// that decodes the value so, and the value does not conform.
    #[test]
    fn tolerated_deviations_choose_a_member_but_do_not_conform() {
        let api = api("    Pair:\n      anyOf:\n        \
             - {title: Listed, type: object, required: [items], properties: {items: {type: array, items: {type: string}}, note: {type: string}}}\n        \
             - {title: Noted, type: object, required: [note], properties: {note: {type: string}}}\n");
        let pair = api.types.iter().find(|d| d.name.as_str() == "Pair").unwrap();
        let pair_type = named(&api, "Pair");
        // A null note is decoded as absent: `Listed` takes the value (`Noted` declares no
        // `items`), which does not come back as it was.
        let null_note = json!({"items": ["a"], "note": null});
        assert_eq!(union_member(&null_note, pair, &api.types), Some(0));
        let reason = conforms(&null_note, &pair_type, &api.types).unwrap_err();
        assert!(reason.contains("is null, which the schema does not allow"), "{reason}");
        assert_eq!(conforms(&json!({"items": ["a"]}), &pair_type, &api.types), Ok(()));
        assert_eq!(union_member(&json!({"note": "n"}), pair, &api.types), Some(1));
        assert_eq!(conforms(&json!({"note": "n"}), &pair_type, &api.types), Ok(()));
    }
}
