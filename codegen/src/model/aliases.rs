//! Seeing through aliases: a named schema that is just another type (`$ref` to a `$ref`, a
//! component that is an array) stands for that type wherever the model asks what a type is. The
//! walk is bounded, because it runs before `recursion::alias_cycle` reports a cycle of aliases;
//! a cycle then reads as the alias itself instead of overflowing the stack.

use super::{Field, TypeDef, TypeKind, TypeRef};

/// How many aliases are followed before a type is taken as it stands.
const MAX_ALIAS_DEPTH: usize = 16;

impl TypeRef {
    /// The type this one stands for once its aliases are followed.
    pub fn through_aliases<'a>(&'a self, defs: &'a [TypeDef]) -> &'a TypeRef {
        let mut ty = self;
        for _ in 0..MAX_ALIAS_DEPTH {
            match ty {
                TypeRef::Named(id) => match &defs[id.0].kind {
                    TypeKind::Alias(inner) => ty = inner,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// The fields of the struct this type is, through aliases and `Option`.
    pub fn struct_fields<'a>(&'a self, defs: &'a [TypeDef]) -> Option<&'a [Field]> {
        let mut ty = self;
        for _ in 0..MAX_ALIAS_DEPTH {
            match ty.through_aliases(defs) {
                TypeRef::Option(inner) => ty = inner,
                TypeRef::Named(id) => match &defs[id.0].kind {
                    TypeKind::Struct { fields, .. } => return Some(fields),
                    _ => return None,
                },
                _ => return None,
            }
        }
        None
    }
}
