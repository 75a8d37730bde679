//! Fewer types for the same wire format. Specs spell an enum with documented values as a
//! `oneOf` of one-value enums, and tag each member of a tagged union with a property pinned to
//! one value; taken literally, each becomes a type of its own (a union of one-value enums, a
//! one-value enum per member's tag) that callers must name and every dependent crate compiles.
//! Once shapes are settled (they still see the tag properties), this pass
//! - makes a union whose members are all string enums one string enum, each value documented by
//!   its member's description;
//! - drops the tag field of a struct that is only ever a member of tagged unions under one tag
//!   value: the struct carries the tag as serde's `tag` attribute instead, so it is written on
//!   the way out, and the union's dispatch checks it on the way in;
//! - removes the inline types nothing refers to any more. Component schemas stay: their names are
//!   the spec's, and callers may use them.

use super::types::value_name;
use super::{Api, EnumValue, Presence, StructTag, TypeDef, TypeKind, TypeRef, shapes, visit};

/// Applies the three steps above; `is_component[i]` says whether type `i` is a component schema
/// (it is kept in step with the types).
pub fn collapse(api: &mut Api, is_component: &mut Vec<bool>) {
    merge_enum_unions(&mut api.types);
    let tags = sole_tags(api);
    for (index, tag) in tags.into_iter().enumerate() {
        if let Some(tag) = tag {
            move_tag_to_struct(&mut api.types, index, tag);
        }
    }
    remove_unused(api, is_component);
}

/// A union of string enums becomes one string enum of all their values, in member order.
fn merge_enum_unions(types: &mut [TypeDef]) {
    for index in 0..types.len() {
        let TypeKind::Untagged { variants, .. } = &types[index].kind else { continue };
        // Each member's values, and its docs (which document its value when it has only one).
        let members: Option<Vec<(&[EnumValue], &Option<String>)>> = variants
            .iter()
            .map(|v| match &v.ty {
                TypeRef::Named(id) => match &types[id.0] {
                    TypeDef { kind: TypeKind::StringEnum { values }, docs, .. } => Some((values.as_slice(), docs)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let Some(members) = members else { continue };
        let mut values: Vec<EnumValue> = Vec::new();
        for (member_values, member_docs) in members {
            let only = member_values.len() == 1;
            for value in member_values {
                if values.iter().any(|v| v.wire == value.wire) {
                    continue;
                }
                let name = value_name(&value.name, &values);
                let docs = value.docs.clone().or_else(|| member_docs.clone().filter(|_| only));
                values.push(EnumValue { name, wire: value.wire.clone(), docs });
            }
        }
        types[index].kind = TypeKind::StringEnum { values };
    }
}

/// For each type, the tag it always has when it is a struct whose every use is a member of a
/// tagged union under one and the same tag value, and whose own schema requires that property.
fn sole_tags(api: &mut Api) -> Vec<Option<StructTag>> {
    let count = api.types.len();
    let mut uses = vec![0usize; count];
    visit::every_type_ref(api, |ty| {
        if let TypeRef::Named(id) = ty {
            uses[id.0] += 1;
        }
    });
    for example in &mut api.examples {
        example.ty.visit_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                uses[id.0] -= 1;
            }
        });
    }
    // Per type: the first (property, tag) it is a single-tag member of a tagged union under, and
    // how many times it is one under that tag. A use under another tag counts in `uses` but not
    // here, so such a type fails `times == uses` below.
    let mut member_tags: Vec<Option<(usize, StructTag)>> = vec![None; count];
    for def in &api.types {
        let TypeKind::Tagged { property, variants } = &def.kind else { continue };
        for variant in variants {
            let (TypeRef::Named(id), [tag]) = (&variant.variant.ty, variant.tags.as_slice()) else { continue };
            let this = StructTag { property: property.clone(), value: tag.clone() };
            match &mut member_tags[id.0] {
                Some((_, seen)) if *seen != this => {}
                Some((times, _)) => *times += 1,
                slot @ None => *slot = Some((1, this)),
            }
        }
    }
    member_tags
        .into_iter()
        .enumerate()
        .map(|(index, tag)| {
            let (times, tag) = tag?;
            let only_as_member = times == uses[index];
            (only_as_member && holds_tag(&api.types, &api.types[index], &tag)).then_some(tag)
        })
        .collect()
}

/// Whether `def` is a struct without a tag of its own whose required `tag.property` its own
/// schema pins to `tag.value` (an enum of that one value). A plain string property stays a field:
/// the struct alone accepts any value there, and decoding it by itself must not lose one.
fn holds_tag(types: &[TypeDef], def: &TypeDef, tag: &StructTag) -> bool {
    let TypeKind::Struct { fields, tag: None, .. } = &def.kind else { return false };
    fields.iter().any(|field| {
        field.wire_name == tag.property
            && field.presence == Presence::Required
            && shapes::pinned_value(&field.ty, types).as_deref() == Some(tag.value.as_str())
    })
}

fn move_tag_to_struct(types: &mut [TypeDef], index: usize, tag: StructTag) {
    if let TypeKind::Struct { fields, tag: slot, .. } = &mut types[index].kind {
        fields.retain(|field| field.wire_name != tag.property);
        *slot = Some(tag);
    }
}

/// Removes the inline types that no component, operation, client header or other kept type
/// reaches (examples do not count: an example that names a removed type goes with it), in one
/// walk from those roots.
fn remove_unused(api: &mut Api, is_component: &mut Vec<bool>) {
    let examples = std::mem::take(&mut api.examples);
    let types = std::mem::take(&mut api.types);
    let mut pending: Vec<usize> = (0..types.len()).filter(|&i| is_component[i]).collect();
    // With the types and examples set aside, these are the references from everything else.
    visit::every_type_ref(api, |ty| {
        if let TypeRef::Named(id) = ty {
            pending.push(id.0);
        }
    });
    api.types = types;
    let reached = visit::reachable(&mut api.types, pending);
    api.examples = examples;
    api.examples.retain(|example| {
        let mut kept = true;
        example.ty.clone().visit_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                kept &= reached[id.0];
            }
        });
        kept
    });
    if reached.iter().all(|r| *r) {
        return;
    }
    // Nothing kept refers to an unreached type, so it needs no type to merge into.
    visit::retain_types(api, is_component, |i| if reached[i] { i } else { usize::MAX });
}
