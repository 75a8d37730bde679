//! Structurally identical types become one. Real specs repeat the same inline object in many
//! places (an address in every customer payload); each would otherwise be a type of its own,
//! named after a long path. An inline type identical to another (same kind, same fields or
//! values or members, same types inside; descriptions aside) is merged into it: into the
//! component it repeats when there is one, otherwise into the one with the shortest name.
//! Merging can make their parents identical, so it runs until nothing changes.

use std::collections::HashMap;

use super::{Api, TypeKind, visit};

/// Merges identical inline types; `is_component[i]` says whether type `i` is a component schema
/// (components never merge with each other: their names are the spec's).
pub fn merge_identical(api: &mut Api, is_component: &mut Vec<bool>) {
    loop {
        let target = survivors(api, is_component);
        if target.iter().enumerate().all(|(i, t)| *t == i) {
            return;
        }
        rename_survivors(api, is_component, &target);
        visit::retain_types(api, is_component, |i| target[i]);
    }
}

/// An inline survivor takes the name its group shares (see [`shared_name`]).
fn rename_survivors(api: &mut Api, is_component: &[bool], target: &[usize]) {
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (member, &survivor) in target.iter().enumerate() {
        if member != survivor {
            groups.entry(survivor).or_default().push(member);
        }
    }
    for (survivor, mut members) in groups {
        if is_component[survivor] {
            continue;
        }
        members.push(survivor);
        let names: Vec<&str> = members.iter().map(|&m| api.types[m].name.as_str()).collect();
        if let Some(name) = shared_name(&names) {
            api.types[survivor].name = super::ident::Ident::new(name);
        }
    }
}

/// For each type, the type it merges into (itself when it stays).
fn survivors(api: &Api, is_component: &[bool]) -> Vec<usize> {
    // Only types with the same signature (kind and keys) can have the same structure, and most
    // types share their signature with none: only those that do are printed whole.
    let mut signatures: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, def) in api.types.iter().enumerate() {
        signatures.entry(signature(&def.kind)).or_default().push(i);
    }
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for i in signatures.into_values().filter(|members| members.len() > 1).flatten() {
        groups.entry(structure(&api.types[i].kind)).or_default().push(i);
    }
    let mut target: Vec<usize> = (0..api.types.len()).collect();
    for members in groups.values_mut().filter(|m| m.len() > 1) {
        members.sort_by(|&a, &b| {
            let (x, y) = (&api.types[a], &api.types[b]);
            is_component[b]
                .cmp(&is_component[a])
                .then(x.name.as_str().len().cmp(&y.name.as_str().len()))
                .then(x.origin.cmp(&y.origin))
        });
        // Each inline type merges into the first it reads right as; one that reads right as none
        // leads a group of its own.
        let mut leaders: Vec<usize> = Vec::new();
        for &member in members.iter() {
            let leader = leaders.iter().copied().find(|&leader| reads_as(&api.types[leader], &api.types[member]));
            match leader {
                Some(leader) if !is_component[member] => target[member] = leader,
                _ => leaders.push(member),
            }
        }
    }
    target
}

/// Whether `member` reads right under `leader`'s name and docs. A property's type merges into the
/// type of the same property elsewhere, into a type whose name ends as the property's does
/// (`address` into `CustomerAddress`), or into one with the same description; an identical shape
/// alone is not enough (an `audio` field typed `ToolChoice`). Other inline types (bodies, list
/// items) merge as their shape says.
fn reads_as(leader: &super::TypeDef, member: &super::TypeDef) -> bool {
    if leader.docs.is_some() && leader.docs == member.docs {
        return true;
    }
    let Some(property) = property_of(member) else { return true };
    let last = |name: &str| camel_words(name).last().map(|word| word.to_string());
    property_of(leader) == Some(property)
        || last(leader.name.as_str()) == last(super::ident::type_name(property).as_str())
}

/// The property a type was made for, when it is a property's inline schema.
fn property_of(def: &super::TypeDef) -> Option<&str> {
    let (parent, property) = def.origin.rsplit_once('/')?;
    parent.ends_with("/properties").then_some(property)
}

/// The name inline types merged into one share: the words their names end with alike
/// (`AgentRuntimeGeneration` and `JobRuntimeGeneration` -> `RuntimeGeneration`), when that is
/// two words or more; otherwise the survivor's own name.
fn shared_name(names: &[&str]) -> Option<String> {
    let words: Vec<Vec<&str>> = names.iter().map(|name| camel_words(name)).collect();
    let shortest = words.iter().map(Vec::len).min()?;
    let common = (0..shortest)
        .take_while(|&i| words.iter().all(|w| w[w.len() - 1 - i] == words[0][words[0].len() - 1 - i]))
        .count();
    (common >= 2).then(|| words[0][words[0].len() - common..].concat())
}

/// The words of an `UpperCamelCase` name.
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

/// What two types with the same [`structure`] have in common, cheaply: their kind and keys.
fn signature(kind: &TypeKind) -> String {
    let keys = |keys: &mut dyn Iterator<Item = &str>| keys.collect::<Vec<_>>().join(",");
    match kind {
        TypeKind::Struct { fields, .. } => format!("struct {}", keys(&mut fields.iter().map(|f| f.wire_name.as_str()))),
        TypeKind::StringEnum { values } => format!("enum {}", keys(&mut values.iter().map(|v| v.wire.as_str()))),
        TypeKind::Tagged { property, variants } => format!("tagged {property} {}", variants.len()),
        TypeKind::Untagged { variants, .. } => format!("untagged {}", variants.len()),
        TypeKind::Alias(_) => "alias".to_string(),
    }
}

/// A type's structure without its descriptions, as a key.
fn structure(kind: &TypeKind) -> String {
    let mut kind = kind.clone();
    if let TypeKind::Struct { fields, .. } = &mut kind {
        fields.iter_mut().for_each(|f| f.docs = None);
    }
    format!("{kind:?}")
}

#[cfg(test)]
mod tests {
    use super::shared_name;

    #[test]
    fn merged_types_take_the_words_their_names_share() {
        let runtime = ["AgentRuntimeGeneration", "FunctionRuntimeGeneration", "JobRuntimeGeneration"];
        assert_eq!(shared_name(&runtime).as_deref(), Some("RuntimeGeneration"));
        assert_eq!(
            shared_name(&["CustomDomainSpecStatus", "SsoDomainSpecStatus"]).as_deref(),
            Some("DomainSpecStatus")
        );
        assert_eq!(shared_name(&["AgentStatus", "JobStatus"]), None, "one word says too little");
        assert_eq!(shared_name(&["ListAgentsSort", "ListAgentsSort"]).as_deref(), Some("ListAgentsSort"));
    }
}
