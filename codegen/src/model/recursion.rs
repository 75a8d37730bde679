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
    // For each definition, for each of its slots, the named types the slot holds by value.
    let held: Vec<Vec<Vec<TypeId>>> =
        defs.iter_mut().map(|def| def.slots_mut().into_iter().map(|slot| by_value(slot.ty)).collect()).collect();
    let mut graph = DiGraph::<(), ()>::with_capacity(defs.len(), defs.len());
    let nodes: Vec<NodeIndex> = defs.iter().map(|_| graph.add_node(())).collect();
    for (owner, slots) in held.iter().enumerate() {
        for target in slots.iter().flatten() {
            graph.add_edge(nodes[owner], nodes[target.0], ());
        }
    }
    let mut component = vec![0; defs.len()];
    for (index, members) in tarjan_scc(&graph).into_iter().enumerate() {
        members.into_iter().for_each(|node| component[node.index()] = index);
    }
    for (owner, def) in defs.iter_mut().enumerate() {
        for (slot, targets) in def.slots_mut().into_iter().zip(&held[owner]) {
            if let Some(boxed) = slot.boxed {
                *boxed = targets.iter().any(|target| component[target.0] == component[owner]);
            }
        }
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

/// A cycle of schemas that are only other schemas (`A: {$ref: B}`, `B: {$ref: A}`): Rust cannot
/// express such type aliases. (A list or map of itself is no alias by then: `shapes::settle`
/// made it a union of one member.) Returns the cycle, first member repeated.
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
