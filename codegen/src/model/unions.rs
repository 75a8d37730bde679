//! `oneOf`/`anyOf` to tagged or untagged unions.
//!
//! A union is tagged when a property tells its members apart. The tag values are the ones the
//! service sends: an explicit `mapping` entry first, then the value the member pins the property
//! to (`const: message`, `enum: [message]`), then (for a `$ref` member of a `discriminator`) the
//! schema's name. Members that share a tag are told apart by their fields, with a warning.

use serde_json::Value;

use super::ident::{self, Ident};
use super::schema_view::{JsonType, SchemaRef, SchemaView};
use super::types::{Converted, Ctx, TypeBuilder};
use super::{MemberShape, TaggedVariant, TypeKind, TypeRef, UnionVariant, Unmatched, Warning, refs};
use crate::error::Result;

/// How deep `allOf` members are searched for a property.
const MAX_ALL_OF_DEPTH: usize = 8;

/// The property that tells a union's members apart, and the tag values of each member.
struct Tagging {
    property: String,
    tags: Vec<Vec<String>>,
}

impl<'a> TypeBuilder<'a> {
    /// A union of `members` (under `key`, `oneOf` or `anyOf`), tagged when a property tells them apart.
    pub(super) fn union(
        &mut self,
        view: &SchemaView<'a>,
        key: &str,
        members: &[SchemaRef<'a>],
        ctx: &Ctx,
    ) -> Result<Converted> {
        if members.len() == 1 {
            let shape = self.shape(members[0], &ctx.child("", &[key, "0"]))?;
            return Ok(Converted::Ref(shape.into_type()));
        }
        if let Some(tagging) = self.tagging(view, members) {
            return self.tagged(key, members, tagging, ctx);
        }
        let mut variants: Vec<UnionVariant> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let base = self.variant_base_name(*member, index, members);
            let name = ident::disambiguate(&base, |n| n == "Unknown" || variants.iter().any(|v| &v.name == n));
            let shape = self.shape(*member, &ctx.child(name.as_str(), &[key, &index.to_string()]))?;
            variants.push(UnionVariant { name, ty: shape.into_type(), boxed: false, shape: MemberShape::Any });
        }
        // A member that takes any value is tried last.
        variants.sort_by_key(|v| is_any(&v.ty));
        // Shapes, and with them what happens to a value no member fits, are settled once every
        // type exists (see `shapes`).
        Ok(Converted::Def(TypeKind::Untagged { variants, unmatched: Unmatched::Refused }))
    }

    /// The `discriminator`, when the union has one and every member gets a tag; otherwise a
    /// required property that every member pins to one string, with at least two values among them.
    fn tagging(&mut self, view: &SchemaView<'a>, members: &[SchemaRef<'a>]) -> Option<Tagging> {
        if let Some(discriminator) = view.discriminator {
            let property = discriminator.property_name.clone();
            let mut tags = Vec::new();
            for member in members {
                let mut member_tags: Vec<String> = discriminator
                    .mapping
                    .iter()
                    .filter(|(_, target)| self.mapping_names(target, *member))
                    .map(|(tag, _)| tag.clone())
                    .collect();
                if member_tags.is_empty() {
                    member_tags = self.pinned(*member, &property, false).unwrap_or_default();
                }
                if member_tags.is_empty()
                    && let SchemaRef::Ref(reference) = member
                {
                    member_tags.extend(reference.rsplit('/').next().map(str::to_string));
                }
                if member_tags.is_empty() {
                    return None;
                }
                tags.push(member_tags);
            }
            return Some(Tagging { property, tags });
        }
        let first = self.resolve_view(members[0])?;
        let candidates: Vec<String> = first.properties.iter().map(|(name, _)| name.to_string()).collect();
        'candidates: for property in candidates {
            let mut tags = Vec::new();
            for member in members {
                match self.pinned(*member, &property, true) {
                    Some(values) if values.len() == 1 => tags.push(values),
                    _ => continue 'candidates,
                }
            }
            let distinct: std::collections::BTreeSet<&String> = tags.iter().flatten().collect();
            if distinct.len() >= 2 {
                return Some(Tagging { property, tags });
            }
        }
        None
    }

    /// Whether a `mapping` target (a reference, or a bare schema name) names `member`.
    fn mapping_names(&self, target: &str, member: SchemaRef<'a>) -> bool {
        let SchemaRef::Ref(reference) = member else { return false };
        target == reference || format!("#/components/schemas/{target}") == reference
    }

    /// The string values `member` pins `property` to (`const`, or an `enum` of strings), looking
    /// through `allOf`; with `must_require`, only when the member also requires the property.
    fn pinned(&self, member: SchemaRef<'a>, property: &str, must_require: bool) -> Option<Vec<String>> {
        let (schema, required) = self.find_property(member, property, 0)?;
        if must_require && !required {
            return None;
        }
        let view = self.resolve_view(schema)?;
        let values: Vec<String> = view.enum_values.iter().filter_map(Value::as_str).map(str::to_string).collect();
        (!values.is_empty() && values.len() == view.enum_values.len()).then_some(values)
    }

    /// The schema of `property` in `member` (or one of its `allOf` members), and whether any of
    /// them requires it.
    fn find_property(&self, member: SchemaRef<'a>, property: &str, depth: usize) -> Option<(SchemaRef<'a>, bool)> {
        if depth > MAX_ALL_OF_DEPTH {
            return None;
        }
        let view = self.resolve_view(member)?;
        let required_here = view.required.iter().any(|r| r == property);
        if let Some((_, schema)) = view.properties.iter().find(|(name, _)| *name == property) {
            return Some((*schema, required_here));
        }
        let mut found = None;
        let mut required = required_here;
        for part in &view.all_of {
            if let Some((schema, part_required)) = self.find_property(*part, property, depth + 1) {
                found = Some(schema);
                required |= part_required;
            } else if self.resolve_view(*part).is_some_and(|v| v.required.iter().any(|r| r == property)) {
                required = true;
            }
        }
        found.map(|schema| (schema, required))
    }

    pub(super) fn resolve_view(&self, schema: SchemaRef<'a>) -> Option<SchemaView<'a>> {
        match schema {
            SchemaRef::Item(item) => Some(SchemaView::of(item)),
            SchemaRef::Ref(reference) => self.component_schema(reference, "").ok().map(SchemaView::of),
        }
    }

    fn tagged(&mut self, key: &str, members: &[SchemaRef<'a>], tagging: Tagging, ctx: &Ctx) -> Result<Converted> {
        let Tagging { property, tags } = tagging;
        let mut seen = std::collections::BTreeSet::new();
        let shared: Vec<&String> = tags.iter().flatten().filter(|tag| !seen.insert(*tag)).collect();
        let shared: Vec<String> = shared.into_iter().cloned().collect();
        let mut variants: Vec<TaggedVariant> = Vec::new();
        for (index, (member, member_tags)) in members.iter().zip(tags).enumerate() {
            let member_at = format!("{}/{key}/{index}", ctx.pointer);
            // Members that share a tag are told apart by their fields; the spec should know.
            for (other, earlier) in variants.iter().enumerate() {
                if let Some(shared) = earlier.tags.iter().find(|t| member_tags.contains(t)) {
                    self.warnings.push(Warning::new(
                        member_at.clone(),
                        format!(
                            "this member and the one at {}/{key}/{other} both have `{property}` = `{shared}`; \
                             values with that tag are told apart by their fields",
                            ctx.pointer
                        ),
                    ));
                }
            }
            // Members that share a tag are named after themselves, not after the tag.
            let base = if member_tags.iter().any(|t| shared.contains(t)) {
                self.variant_base_name(*member, index, members)
            } else {
                ident::variant_name(&member_tags[0])
            };
            let name = ident::disambiguate(&base, |n| n == "Unknown" || variants.iter().any(|v| &v.variant.name == n));
            let shape = self.shape(*member, &ctx.child(name.as_str(), &[key, &index.to_string()]))?;
            variants.push(TaggedVariant {
                tags: member_tags,
                variant: UnionVariant { name, ty: shape.into_type(), boxed: false, shape: MemberShape::Any },
            });
        }
        Ok(Converted::Def(TypeKind::Tagged { property, variants }))
    }

    /// A variant's name: the component it refers to, its title, the value it pins a property to,
    /// a property only it requires, the one string it can be, its JSON type, and only then its
    /// position.
    fn variant_base_name(&self, member: SchemaRef<'a>, index: usize, members: &[SchemaRef<'a>]) -> Ident {
        let item = match member {
            SchemaRef::Ref(reference) => {
                return match refs::component_name(self.file, reference, refs::Section::Schemas, "") {
                    Ok(name) => self
                        .components
                        .get(name)
                        .map_or_else(|| ident::type_name(name), |id| self.defs[id.0].name.clone()),
                    Err(_) => Ident::new(format!("Variant{}", index + 1)),
                };
            }
            SchemaRef::Item(item) => item,
        };
        if let Some(title) = &item.schema_data.title {
            return ident::type_name(title);
        }
        let view = SchemaView::of(item);
        for (property, _) in &view.properties {
            if let Some(values) = self.pinned(member, property, false)
                && let [value] = values.as_slice()
            {
                return ident::type_name(value);
            }
        }
        let others: Vec<SchemaView<'a>> = members
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .filter_map(|(_, m)| self.resolve_view(*m))
            .collect();
        let only_here = view.required.iter().find(|r| {
            others.iter().all(|o| !o.properties.iter().any(|(name, _)| name == r) && !o.required.contains(r))
        });
        if let Some(property) = only_here {
            return ident::type_name(property);
        }
        match view.ty {
            Some(JsonType::String) if view.enum_values.is_empty() => Ident::new("String"),
            // One string it can be (`""` beside an object, say): named after that value (`Empty`).
            Some(JsonType::String) if let [serde_json::Value::String(value)] = view.enum_values.as_slice() => {
                ident::type_name(value)
            }
            Some(JsonType::Integer) => Ident::new("Integer"),
            Some(JsonType::Number) => Ident::new("Number"),
            Some(JsonType::Boolean) => Ident::new("Boolean"),
            Some(JsonType::Array) => Ident::new("Array"),
            Some(JsonType::Object) if view.properties.is_empty() => Ident::new("Object"),
            _ => Ident::new(format!("Variant{}", index + 1)),
        }
    }
}

/// Whether a type is the catch-all JSON value, which any value fits.
fn is_any(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Json)
}
