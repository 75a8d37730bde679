//! One walk over every [`TypeRef`] the IR holds. Renumbering types (sorting) and recursion
//! boxing both go through it, so a new field that holds a type cannot escape either: it is added
//! here once, or the compiler's exhaustive matches below complain.

use super::ir::{Operation, ResponseBody, TypeDef, TypeKind, TypeRef};

/// A place in a type definition that holds a type, with its boxing flag when it has one.
pub struct TypeSlot<'a> {
    pub ty: &'a mut TypeRef,
    /// `Some` for fields and union variants, which the recursion analysis may box.
    pub boxed: Option<&'a mut bool>,
}

impl TypeDef {
    /// Every slot of this definition that holds a type, in declaration order.
    pub fn slots_mut(&mut self) -> Vec<TypeSlot<'_>> {
        match &mut self.kind {
            TypeKind::Struct { fields } => {
                fields.iter_mut().map(|f| TypeSlot { ty: &mut f.ty, boxed: Some(&mut f.boxed) }).collect()
            }
            TypeKind::Untagged { variants, .. } => {
                variants.iter_mut().map(|v| TypeSlot { ty: &mut v.ty, boxed: Some(&mut v.boxed) }).collect()
            }
            TypeKind::Tagged { variants, .. } => variants
                .iter_mut()
                .map(|v| TypeSlot { ty: &mut v.variant.ty, boxed: Some(&mut v.variant.boxed) })
                .collect(),
            TypeKind::Alias(ty) => vec![TypeSlot { ty, boxed: None }],
            TypeKind::StringEnum { .. } => Vec::new(),
        }
    }
}

impl Operation {
    /// Every type this operation's inputs and outputs name.
    pub fn type_refs_mut(&mut self) -> Vec<&mut TypeRef> {
        let Operation { params, body, success, errors, .. } = self;
        let mut refs: Vec<&mut TypeRef> = params.iter_mut().map(|p| &mut p.ty).collect();
        refs.extend(body.as_mut().map(|b| &mut b.ty));
        for case in success.iter_mut().chain(errors.iter_mut()) {
            match &mut case.body {
                ResponseBody::Json(ty) => refs.push(ty),
                ResponseBody::Empty | ResponseBody::Text | ResponseBody::Bytes => {}
            }
        }
        refs
    }
}

impl TypeRef {
    /// Calls `f` on this type and every type inside it.
    pub fn visit_mut(&mut self, f: &mut impl FnMut(&mut TypeRef)) {
        f(self);
        match self {
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => inner.visit_mut(f),
            TypeRef::Named(_)
            | TypeRef::String
            | TypeRef::Bool
            | TypeRef::Int(_)
            | TypeRef::Float(_)
            | TypeRef::Json
            | TypeRef::JsonObject
            | TypeRef::Bytes => {}
        }
    }
}

/// Calls `f` on every type reference in `defs` and `operations`, nested ones included.
pub fn every_type_ref(defs: &mut [TypeDef], operations: &mut [Operation], mut f: impl FnMut(&mut TypeRef)) {
    for def in defs {
        for slot in def.slots_mut() {
            slot.ty.visit_mut(&mut f);
        }
    }
    for op in operations {
        for ty in op.type_refs_mut() {
            ty.visit_mut(&mut f);
        }
    }
}
