//! What each union member looks like on the wire, settled once every type exists: the runtime
//! picks the member whose shape fits a value best, so that a value never lands in a member that
//! would drop its fields.

use super::ident::Ident;
use super::{MemberShape, TypeDef, TypeId, TypeKind, TypeRef, UnionVariant, Unmatched};

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
    wrap_self_containing_aliases(defs);
}

/// A schema that is a list (or map) of itself, directly or through other such schemas (`Tree:
/// {type: array, items: {$ref: Tree}}`), cannot be a Rust type alias, which may not name itself:
/// it becomes a type of its own holding the list, a union of that one member (which reads and
/// writes the list as it is).
fn wrap_self_containing_aliases(defs: &mut [TypeDef]) {
    let wrapped: Vec<usize> = (0..defs.len()).filter(|&index| contains_itself(defs, index)).collect();
    for index in wrapped {
        let TypeKind::Alias(ty) = &defs[index].kind else { continue };
        let (name, shape) = match ty {
            TypeRef::Map(_) => {
                ("Entries", MemberShape::Object { known: None, required: Vec::new(), pinned: Vec::new() })
            }
            _ => ("Items", MemberShape::Array),
        };
        let variant = UnionVariant { name: Ident::new(name), ty: ty.clone(), boxed: false, shape };
        defs[index].kind = TypeKind::Untagged { variants: vec![variant], unmatched: Unmatched::Refused };
    }
}

/// Whether the alias at `index` is a list or map that reaches itself through aliases only.
fn contains_itself(defs: &[TypeDef], index: usize) -> bool {
    let TypeKind::Alias(ty @ (TypeRef::Vec(_) | TypeRef::Map(_))) = &defs[index].kind else { return false };
    let mut pending = vec![ty.clone()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(mut ty) = pending.pop() {
        let mut named = Vec::new();
        ty.visit_mut(&mut |t| {
            if let TypeRef::Named(TypeId(target)) = t {
                named.push(*target);
            }
        });
        for target in named {
            if target == index {
                return true;
            }
            if let TypeKind::Alias(next) = &defs[target].kind
                && seen.insert(target)
            {
                pending.push(next.clone());
            }
        }
    }
    false
}

fn shape_of(ty: &TypeRef, defs: &[TypeDef]) -> MemberShape {
    match ty.wire_shape(defs) {
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
