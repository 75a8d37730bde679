//! One walk over every [`TypeRef`] the IR holds. Renumbering types (sorting and dropping them),
//! recursion boxing and finding the typed formats in use go through it, so a new field that holds a type cannot escape them:
//! it is added here once, or the compiler's exhaustive matches below complain.

use super::ir::{Api, Operation, ResponseBody, TypeDef, TypeKind, TypeRef};

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
            TypeKind::Struct { fields, .. } => {
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

impl TypeRef {
    /// Calls `f` on this type and every type inside it.
    pub fn visit_mut(&mut self, f: &mut impl FnMut(&mut TypeRef)) {
        f(self);
        match self {
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => inner.visit_mut(f),
            TypeRef::Named(_)
            | TypeRef::String
            | TypeRef::Formatted(_)
            | TypeRef::Bool
            | TypeRef::Int(_)
            | TypeRef::Float(_)
            | TypeRef::Json
            | TypeRef::JsonObject
            | TypeRef::Bytes => {}
        }
    }
}

/// Calls `f` on every type reference of the API, nested ones included: in type definitions,
/// operations, client headers and examples.
pub fn every_type_ref(api: &mut Api, mut f: impl FnMut(&mut TypeRef)) {
    for def in &mut api.types {
        for slot in def.slots_mut() {
            slot.ty.visit_mut(&mut f);
        }
    }
    for ty in input_refs_mut(api) {
        ty.visit_mut(&mut f);
    }
    for example in &mut api.examples {
        example.ty.visit_mut(&mut f);
    }
    for pagination in api.operations.iter_mut().filter_map(|op| op.pagination.as_mut()) {
        pagination.item_ty.visit_mut(&mut f);
    }
    for streaming in api.operations.iter_mut().filter_map(|op| op.streaming.as_mut()) {
        streaming.events.data.iter_mut().for_each(|ty| ty.visit_mut(&mut f));
    }
    for payload in api.webhooks.iter_mut().filter_map(|hook| hook.payload.as_mut()) {
        payload.visit_mut(&mut f);
    }
    let operation_cases = api.operations.iter_mut().flat_map(|op| op.success.iter_mut().chain(op.errors.iter_mut()));
    let webhook_cases = api.webhooks.iter_mut().flat_map(|hook| hook.responses.iter_mut());
    for case in operation_cases.chain(webhook_cases) {
        match &mut case.body {
            ResponseBody::Json(ty) => ty.visit_mut(&mut f),
            ResponseBody::EventStream(events) => events.data.iter_mut().for_each(|ty| ty.visit_mut(&mut f)),
            ResponseBody::Empty | ResponseBody::Text | ResponseBody::Bytes | ResponseBody::Redirect => {}
        }
    }
}

/// The types callers supply: parameters, request bodies and client headers.
fn input_refs_mut(api: &mut Api) -> Vec<&mut TypeRef> {
    let Api { operations, client_headers, .. } = api;
    let mut refs: Vec<&mut TypeRef> = client_headers.iter_mut().map(|h| &mut h.ty).collect();
    for op in operations.iter_mut() {
        let Operation { params, body, .. } = op;
        refs.extend(params.iter_mut().map(|p| &mut p.ty));
        refs.extend(body.as_mut().map(|b| &mut b.ty));
    }
    refs
}

/// Which types `roots` (type indices) reach, themselves included, through fields and members.
pub fn reachable(types: &mut [super::TypeDef], mut pending: Vec<usize>) -> Vec<bool> {
    let mut reached = vec![false; types.len()];
    while let Some(index) = pending.pop() {
        if std::mem::replace(&mut reached[index], true) {
            continue;
        }
        for slot in types[index].slots_mut() {
            named_in(slot.ty, &mut pending);
        }
    }
    reached
}

/// Pushes the index of every named type `ty` refers to.
fn named_in(ty: &mut TypeRef, found: &mut Vec<usize>) {
    ty.visit_mut(&mut |t| {
        if let TypeRef::Named(id) = t {
            found.push(id.0);
        }
    });
}

/// Keeps the types that `target` maps to themselves, in their order, and points every reference
/// to type `i` at the new place of type `target(i)` (itself, or the type it merges into); no
/// kept type or operation may refer to a dropped type that does not merge into a kept one.
/// `is_component` runs beside the types and is kept in step.
pub fn retain_types(api: &mut Api, is_component: &mut Vec<bool>, target: impl Fn(usize) -> usize) {
    let kept: Vec<bool> = (0..api.types.len()).map(|i| target(i) == i).collect();
    let mut new_index = vec![usize::MAX; kept.len()];
    for (next, (i, _)) in kept.iter().enumerate().filter(|(_, kept)| **kept).enumerate() {
        new_index[i] = next;
    }
    // Dropped first, so that references inside dropped types need no new place.
    let mut flags = kept.iter().copied();
    api.types.retain(|_| flags.next().unwrap_or(true));
    let mut flags = kept.iter().copied();
    is_component.retain(|_| flags.next().unwrap_or(true));
    every_type_ref(api, |ty| {
        if let TypeRef::Named(id) = ty {
            *id = super::TypeId(new_index[target(id.0)]);
        }
    });
}
