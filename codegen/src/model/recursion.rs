//! Which fields must be boxed: a type that contains itself by value (through fields, `Option`s
//! or union variants, but not through `Vec` or maps, which already allocate) has infinite size.

use std::collections::BTreeSet;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{TypeDef, TypeId, TypeKind, TypeRef};

/// Marks every field and union variant that closes a by-value cycle as boxed.
///
/// A slot of `owner` holding `target` closes a cycle exactly when `target` reaches `owner`, that is
/// when both sit in the same strongly connected component of the by-value graph; one pass of
/// Tarjan's algorithm answers that for every slot, where a search per slot grew with the square
/// of the schema count.
pub fn box_recursive_fields(defs: &mut [TypeDef]) {
    let mut graph = DiGraph::<(), ()>::with_capacity(defs.len(), defs.len());
    let nodes: Vec<NodeIndex> = defs.iter().map(|_| graph.add_node(())).collect();
    for (owner, def) in defs.iter().enumerate() {
        for target in slots(def).into_iter().flat_map(by_value) {
            graph.add_edge(nodes[owner], nodes[target.0], ());
        }
    }
    let mut component = vec![0; defs.len()];
    for (index, members) in tarjan_scc(&graph).into_iter().enumerate() {
        members.into_iter().for_each(|node| component[node.index()] = index);
    }
    for (owner, def) in defs.iter_mut().enumerate() {
        let boxed: Vec<bool> = slots(def)
            .into_iter()
            .map(|ty| by_value(ty).into_iter().any(|target| component[target.0] == component[owner]))
            .collect();
        match &mut def.kind {
            TypeKind::Struct { fields } => fields.iter_mut().zip(boxed).for_each(|(f, b)| f.boxed = b),
            TypeKind::Untagged { variants } => variants.iter_mut().zip(boxed).for_each(|(v, b)| v.boxed = b),
            TypeKind::Tagged { variants, .. } => variants.iter_mut().zip(boxed).for_each(|(v, b)| v.variant.boxed = b),
            TypeKind::Alias(_) | TypeKind::StringEnum { .. } => {}
        }
    }
}

/// The types a definition holds, one per field or variant.
fn slots(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct { fields } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Untagged { variants } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Tagged { variants, .. } => variants.iter().map(|v| &v.variant.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::StringEnum { .. } => Vec::new(),
    }
}

/// Named types held by value (not behind a `Vec` or map).
fn by_value(ty: &TypeRef) -> Vec<TypeId> {
    match ty {
        TypeRef::Named(id) => vec![*id],
        TypeRef::Option(inner) => by_value(inner),
        _ => Vec::new(),
    }
}

/// A cycle of schemas that are only other schemas (`A: {$ref: B}`, `B: {$ref: A}`, or an array
/// of itself): Rust cannot express such type aliases. Returns the cycle, first member repeated.
pub fn alias_cycle(defs: &[TypeDef]) -> Option<Vec<TypeId>> {
    let targets = |id: TypeId| -> Vec<TypeId> {
        match &defs[id.0].kind {
            TypeKind::Alias(ty) => {
                let mut found = Vec::new();
                ty.clone().visit_mut(&mut |t| {
                    if let TypeRef::Named(target) = t
                        && matches!(defs[target.0].kind, TypeKind::Alias(_))
                    {
                        found.push(*target);
                    }
                });
                found
            }
            _ => Vec::new(),
        }
    };
    for start in (0..defs.len()).map(TypeId) {
        let mut path = vec![start];
        let mut seen = BTreeSet::new();
        while let Some(next) = path.last().and_then(|&id| targets(id).first().copied()) {
            path.push(next);
            if next == start {
                return Some(path);
            }
            if !seen.insert(next) {
                break;
            }
        }
    }
    None
}
