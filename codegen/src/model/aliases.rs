//! Seeing through aliases: a named schema that is just another type (`$ref` to a `$ref`, a
//! component that is an array) stands for that type wherever the model asks what a type is. A
//! replaced type (`[replace-types]`) stands for the caller's type, not its schema: the Rust view
//! (`through_aliases`, `struct_fields`) stops there, so no rule of the schema's shape (an absent
//! list decodes as empty) is applied to a type the generator does not write; the schema view
//! (`wire_shape`, `schema_fields`) goes on, for what the JSON looks like. The walk is bounded,
//! because it runs before `recursion::alias_cycle` reports a cycle of aliases; a cycle then reads
//! as the alias itself instead of overflowing the stack.

use super::{Field, TypeDef, TypeId, TypeKind, TypeRef};

/// How many aliases are followed before a type is taken as it stands.
const MAX_ALIAS_DEPTH: usize = 16;

impl TypeRef {
    /// The type this one stands for once its aliases are followed, up to a replaced type.
    pub fn through_aliases<'a>(&'a self, defs: &'a [TypeDef]) -> &'a TypeRef {
        self.follow(defs, false)
    }

    /// The schema this type's JSON has, its aliases followed, replaced ones too: what a value of
    /// it looks like on the wire (the caller's type is taken on trust to read and write that).
    pub fn wire_shape<'a>(&'a self, defs: &'a [TypeDef]) -> &'a TypeRef {
        self.follow(defs, true)
    }

    fn follow<'a>(&'a self, defs: &'a [TypeDef], into_replaced: bool) -> &'a TypeRef {
        let mut ty = self;
        for _ in 0..MAX_ALIAS_DEPTH {
            match ty.alias_target(defs, into_replaced) {
                Some(inner) => ty = inner,
                None => return ty,
            }
        }
        ty
    }

    /// What this type is an alias of, when it names an alias (a generated one, unless
    /// `into_replaced`).
    fn alias_target<'a>(&self, defs: &'a [TypeDef], into_replaced: bool) -> Option<&'a TypeRef> {
        match self {
            TypeRef::Named(id) if into_replaced || defs[id.0].replacement.is_none() => match &defs[id.0].kind {
                TypeKind::Alias(inner) => Some(inner),
                _ => None,
            },
            _ => None,
        }
    }

    /// The named type this one is, through aliases and `Option`: a struct, a union, a string
    /// enum, a replaced type (or an alias, in a cycle).
    pub fn named_through_aliases(&self, defs: &[TypeDef]) -> Option<TypeId> {
        self.named(defs, false)
    }

    fn named(&self, defs: &[TypeDef], into_replaced: bool) -> Option<TypeId> {
        let mut ty = self;
        for _ in 0..MAX_ALIAS_DEPTH {
            match ty.follow(defs, into_replaced) {
                TypeRef::Option(inner) => ty = inner,
                TypeRef::Named(id) => return Some(*id),
                _ => return None,
            }
        }
        None
    }

    /// The fields of the struct this type is, through aliases and `Option`; none for a replaced
    /// struct, whose fields are the caller's.
    pub fn struct_fields<'a>(&self, defs: &'a [TypeDef]) -> Option<&'a [Field]> {
        let def = &defs[self.named_through_aliases(defs)?.0];
        match &def.kind {
            TypeKind::Struct { fields, .. } if def.replacement.is_none() => Some(fields),
            _ => None,
        }
    }

    /// The properties of the object schema this type is, through aliases and `Option`, replaced
    /// ones too: what the spec describes, where the model looks for conventions (a page's items,
    /// a streaming flag) that `customize` then refuses to read through a replaced type.
    pub fn schema_fields<'a>(&self, defs: &'a [TypeDef]) -> Option<&'a [Field]> {
        match &defs[self.named(defs, true)?.0].kind {
            TypeKind::Struct { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// Calls `f` on this type and every type inside it (in lists, maps and options), looking
    /// through aliases (not replaced ones) as Rust does: a field of an alias of `f64` holds an
    /// `f64`.
    pub fn each_held_type(&self, defs: &[TypeDef], f: &mut impl FnMut(&TypeRef)) {
        fn walk(ty: &TypeRef, defs: &[TypeDef], depth: usize, f: &mut impl FnMut(&TypeRef)) {
            f(ty);
            match ty {
                TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => walk(inner, defs, depth, f),
                _ if depth < MAX_ALIAS_DEPTH => {
                    if let Some(inner) = ty.alias_target(defs, false) {
                        walk(inner, defs, depth + 1, f);
                    }
                }
                _ => {}
            }
        }
        walk(self, defs, 0, f);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Tolerated, TypeKind, WhenAbsent};
    use crate::settings::Settings;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
        Tags:\n      type: array\n      items: {type: string}\n    \
        Holder:\n      type: object\n      required: [tags]\n      properties:\n        tags: {$ref: '#/components/schemas/Tags'}\n";

    /// What decoding makes of an absent `tags`, with `Tags` replaced by `replacement` or not.
    fn tags_when_absent(replacement: Option<&str>) -> WhenAbsent {
        let settings = Settings {
            replace_types: replacement.map(|path| ("Tags".to_string(), path.to_string())).into_iter().collect(),
            ..Settings::default()
        };
        let input = crate::SpecInput { file: "s.yaml".into(), text: SPEC.into(), settings, overlay: None, path: None };
        let api = crate::build_api(&input).unwrap();
        let holder = api.types.iter().find(|def| def.name == "Holder").unwrap();
        let TypeKind::Struct { fields, .. } = &holder.kind else { panic!("`Holder` is a struct") };
        fields[0].when_absent(&api.types)
    }

    #[test]
    fn an_absent_replaced_list_is_refused_not_defaulted() {
        // The generated alias of a list: absent reads as empty.
        assert_eq!(tags_when_absent(None), WhenAbsent::Tolerated(Tolerated::Empty));
        // The caller's type: nothing says it has a `Default`, nor that empty is what absent means.
        assert_eq!(tags_when_absent(Some("my_types::Tags")), WhenAbsent::Refused);
    }
}
