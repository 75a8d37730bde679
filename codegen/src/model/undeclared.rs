//! Properties a struct's schema does not declare: whether the struct keeps them (OpenAPI's
//! default) and the name of the field that holds them, chosen once the fields have theirs.

use super::ident::Ident;
use super::schema_view::Extra;
use super::{TypeDef, TypeKind, Undeclared};

/// The field's name where no property takes it; otherwise the first free of the others.
const NAMES: &[&str] = &["additional_properties", "undeclared_properties", "extra_properties"];

impl Undeclared {
    /// What a struct with this `additionalProperties` does with undeclared properties; the field
    /// is named by [`name_fields`].
    pub(super) fn of(additional: &Extra) -> Undeclared {
        match additional {
            Extra::Forbidden => Undeclared::Dropped,
            Extra::Unspecified | Extra::Any | Extra::Typed(_) => Undeclared::Kept(Ident::new(NAMES[0])),
        }
    }
}

/// Names each struct's field of undeclared properties after no field or setter of the struct.
pub(super) fn name_fields(types: &mut [TypeDef]) {
    for def in types {
        let TypeKind::Struct { fields, undeclared: Undeclared::Kept(name), .. } = &mut def.kind else { continue };
        let taken =
            |candidate: &str| fields.iter().any(|f| f.name.as_str() == candidate || f.setter.as_str() == candidate);
        let free = NAMES
            .iter()
            .map(|name| name.to_string())
            .chain((2..).map(|n| format!("{}_{n}", NAMES[0])))
            .find(|candidate| !taken(candidate))
            .expect("an endless list of names has a free one");
        *name = Ident::new(free);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Presence, TypeRef};

    fn with_fields(names: &[&str]) -> TypeDef {
        let fields = names
            .iter()
            .map(|name| Field {
                name: Ident::new(*name),
                setter: Ident::new(*name),
                wire_name: name.to_string(),
                ty: TypeRef::Json,
                presence: Presence::Optional,
                boxed: false,
                docs: None,
            })
            .collect();
        TypeDef {
            name: Ident::new("T"),
            origin: "/components/schemas/T".into(),
            docs: None,
            kind: TypeKind::Struct { fields, tag: None, undeclared: Undeclared::of(&Extra::Unspecified) },
            required_type: None,
            derives: Vec::new(),
            replacement: None,
        }
    }

    fn named(def: &TypeDef) -> &str {
        match &def.kind {
            TypeKind::Struct { undeclared: Undeclared::Kept(name), .. } => name.as_str(),
            _ => unreachable!("a struct that keeps its undeclared properties"),
        }
    }

    #[test]
    fn the_field_takes_a_name_no_property_has() {
        let mut types = vec![
            with_fields(&["id"]),
            with_fields(&["additional_properties"]),
            with_fields(&["additional_properties", "undeclared_properties", "extra_properties"]),
        ];
        name_fields(&mut types);
        let names: Vec<&str> = types.iter().map(named).collect();
        assert_eq!(names, ["additional_properties", "undeclared_properties", "additional_properties_2"]);
    }

    #[test]
    fn additional_properties_false_drops_them() {
        assert_eq!(Undeclared::of(&Extra::Forbidden), Undeclared::Dropped);
    }
}
