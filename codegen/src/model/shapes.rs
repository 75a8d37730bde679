//! What each union member looks like on the wire, settled once every type exists: the runtime
//! picks the member whose shape fits a value best, so that a value never lands in a member that
//! would drop its fields.

use super::{MemberShape, TypeDef, TypeKind, TypeRef, Unmatched};

/// Sets the shape of every union variant, and what each untagged union does with a value that
/// no member fits: kept as sent when some member is an object or a list (whose fields could
/// otherwise be lost), refused when the members are scalars or one takes any value.
pub fn settle(defs: &mut [TypeDef]) {
    let shapes: Vec<Option<Vec<MemberShape>>> = defs
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Untagged { variants, .. } => Some(variants.iter().map(|v| shape_of(&v.ty, defs)).collect()),
            TypeKind::Tagged { variants, .. } => Some(variants.iter().map(|v| shape_of(&v.variant.ty, defs)).collect()),
            TypeKind::Struct { .. } | TypeKind::StringEnum { .. } | TypeKind::Alias(_) => None,
        })
        .collect();
    for (def, shapes) in defs.iter_mut().zip(shapes) {
        let Some(shapes) = shapes else { continue };
        match &mut def.kind {
            TypeKind::Untagged { variants, unmatched } => {
                let structured = shapes.iter().any(|s| matches!(s, MemberShape::Object { .. } | MemberShape::Array));
                let takes_anything = shapes.contains(&MemberShape::Any);
                *unmatched = if structured && !takes_anything { Unmatched::Kept } else { Unmatched::Refused };
                variants.iter_mut().zip(shapes).for_each(|(v, shape)| v.shape = shape);
            }
            TypeKind::Tagged { variants, .. } => {
                variants.iter_mut().zip(shapes).for_each(|(v, shape)| v.variant.shape = shape);
            }
            TypeKind::Struct { .. } | TypeKind::StringEnum { .. } | TypeKind::Alias(_) => {}
        }
    }
}

fn shape_of(ty: &TypeRef, defs: &[TypeDef]) -> MemberShape {
    match ty.through_aliases(defs) {
        TypeRef::String | TypeRef::Formatted(_) => MemberShape::String { values: None },
        TypeRef::Bool => MemberShape::Boolean,
        TypeRef::Int(_) => MemberShape::Integer,
        TypeRef::Float(_) => MemberShape::Number,
        TypeRef::Vec(_) => MemberShape::Array,
        TypeRef::Map(_) | TypeRef::JsonObject => {
            MemberShape::Object { known: None, required: Vec::new(), pinned: Vec::new() }
        }
        TypeRef::Option(inner) => shape_of(inner, defs),
        TypeRef::Json | TypeRef::Bytes => MemberShape::Any,
        TypeRef::Named(id) => match &defs[id.0].kind {
            TypeKind::Struct { fields, .. } => MemberShape::Object {
                known: Some(fields.iter().map(|f| f.wire_name.clone()).collect()),
                required: fields.iter().filter(|f| f.presence.is_required()).map(|f| f.wire_name.clone()).collect(),
                pinned: fields.iter().filter_map(|f| Some((f.wire_name.clone(), pinned_value(&f.ty, defs)?))).collect(),
            },
            TypeKind::StringEnum { values } => {
                MemberShape::String { values: Some(values.iter().map(|v| v.wire.clone()).collect()) }
            }
            // An alias still, after as many as are followed: a cycle, reported later.
            TypeKind::Alias(_) | TypeKind::Tagged { .. } | TypeKind::Untagged { .. } => MemberShape::Any,
        },
    }
}

/// The one value a field's type allows, when it allows one: a string enum of a single value.
pub(super) fn pinned_value(ty: &TypeRef, defs: &[TypeDef]) -> Option<String> {
    match ty {
        TypeRef::Named(id) => match &defs[id.0].kind {
            TypeKind::StringEnum { values } if values.len() == 1 => Some(values[0].wire.clone()),
            _ => None,
        },
        _ => None,
    }
}
