//! How a model type is written in Rust. [`RustType::of`] is the one place that decides it; the
//! emitter prints the result as tokens (`emit::tokens::Paths`, which knows the module it writes
//! into), and reports and messages print it as text ([`RustType::text`]: API manifests, the
//! semver probe, conformance warnings).

use super::ident::Ident;
use super::{Api, FloatKind, IntKind, StringFormat, TypeRef};

/// A Rust type as the generated code names it, before it is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType<'a> {
    /// A built-in type: `bool`, `i32`, `f64`.
    Primitive(&'static str),
    /// A std type every module has in scope by name, with its generic arguments.
    Prelude(Prelude, Vec<RustType<'a>>),
    /// An item by its path from its crate (std outside the prelude, or a dependency of the
    /// generated crate), with its generic arguments.
    Item(&'static [&'static str], Vec<RustType<'a>>),
    /// A type the module generates, by name.
    Generated(&'a Ident),
    /// The caller's own type in place of a generated one (`[replace-types]`, see
    /// `model::customize`), by its path as the settings write it.
    Replaced(&'a str),
}

/// The std types a generated module names without a path, unless one of its own types shadows
/// the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prelude {
    Option,
    String,
    Vec,
    Box,
}

impl Prelude {
    pub fn name(self) -> &'static str {
        self.path()[2]
    }

    /// The full path, for a module where a generated type shadows [`Prelude::name`].
    pub fn path(self) -> [&'static str; 3] {
        match self {
            Prelude::Option => ["std", "option", "Option"],
            Prelude::String => ["std", "string", "String"],
            Prelude::Vec => ["std", "vec", "Vec"],
            Prelude::Box => ["std", "boxed", "Box"],
        }
    }
}

impl IntKind {
    /// The Rust integer type of this kind.
    pub fn rust_name(self) -> &'static str {
        match self {
            IntKind::I8 => "i8",
            IntKind::I16 => "i16",
            IntKind::I32 => "i32",
            IntKind::I64 => "i64",
            IntKind::U8 => "u8",
            IntKind::U16 => "u16",
            IntKind::U32 => "u32",
            IntKind::U64 => "u64",
        }
    }
}

const BTREE_MAP: &[&str] = &["std", "collections", "BTreeMap"];
const JSON_VALUE: &[&str] = &["serde_json", "Value"];
const JSON_MAP: &[&str] = &["serde_json", "Map"];

impl<'a> RustType<'a> {
    /// The Rust type of a model type in `api`.
    pub fn of(api: &'a Api, ty: &TypeRef) -> RustType<'a> {
        let of = |inner: &TypeRef| RustType::of(api, inner);
        let string = || RustType::Prelude(Prelude::String, Vec::new());
        match ty {
            TypeRef::Named(id) => {
                let def = api.type_def(*id);
                match &def.replacement {
                    Some(path) => RustType::Replaced(path),
                    None => RustType::Generated(&def.name),
                }
            }
            TypeRef::String => string(),
            TypeRef::Formatted(StringFormat::DateTime) => {
                RustType::Item(&["chrono", "DateTime"], vec![RustType::Item(&["chrono", "Utc"], Vec::new())])
            }
            TypeRef::Formatted(StringFormat::Date) => RustType::Item(&["chrono", "NaiveDate"], Vec::new()),
            TypeRef::Formatted(StringFormat::Uuid) => RustType::Item(&["uuid", "Uuid"], Vec::new()),
            TypeRef::Bool => RustType::Primitive("bool"),
            TypeRef::Int(kind) => RustType::Primitive(kind.rust_name()),
            TypeRef::Float(FloatKind::F32) => RustType::Primitive("f32"),
            TypeRef::Float(FloatKind::F64) => RustType::Primitive("f64"),
            TypeRef::Json => RustType::Item(JSON_VALUE, Vec::new()),
            TypeRef::JsonObject => RustType::Item(JSON_MAP, vec![string(), RustType::Item(JSON_VALUE, Vec::new())]),
            TypeRef::Bytes => RustType::Prelude(Prelude::Vec, vec![RustType::Primitive("u8")]),
            TypeRef::Vec(inner) => RustType::Prelude(Prelude::Vec, vec![of(inner)]),
            TypeRef::Map(inner) => RustType::Item(BTREE_MAP, vec![string(), of(inner)]),
            TypeRef::Option(inner) => RustType::Prelude(Prelude::Option, vec![of(inner)]),
        }
    }

    /// This type in a `Box` when `boxed` (a field or variant that breaks a cycle).
    pub fn boxed_if(self, boxed: bool) -> RustType<'a> {
        if boxed { RustType::Prelude(Prelude::Box, vec![self]) } else { self }
    }

    /// The type as a caller writes it: generated types after `types_path` (`types::`, or nothing
    /// inside the module), std types by name (`BTreeMap` as if imported), other crates' items by
    /// their path from the crate (`serde_json::Value`).
    pub fn text(&self, types_path: &str) -> String {
        let mut text = String::new();
        self.write_text(types_path, &mut text);
        text
    }

    fn write_text(&self, types_path: &str, out: &mut String) {
        let arguments = match self {
            RustType::Primitive(name) => {
                out.push_str(name);
                return;
            }
            RustType::Generated(name) => {
                out.push_str(types_path);
                out.push_str(name.as_str());
                return;
            }
            RustType::Replaced(path) => {
                out.push_str(path);
                return;
            }
            RustType::Prelude(prelude, arguments) => {
                out.push_str(prelude.name());
                arguments
            }
            RustType::Item(path, arguments) => {
                match path {
                    ["std", .., name] => out.push_str(name),
                    _ => out.push_str(&path.join("::")),
                }
                arguments
            }
        };
        if let Some((first, rest)) = arguments.split_first() {
            out.push('<');
            first.write_text(types_path, out);
            for argument in rest {
                out.push_str(", ");
                argument.write_text(types_path, out);
            }
            out.push('>');
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A spec whose `Vec` schema shadows std's name, beside an ordinary one (the emitter's tests
    /// spell types of it too).
    pub(crate) fn api() -> Api {
        let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Pet: {type: object, properties: {name: {type: string}}}\n    Vec: {type: string, enum: [a]}\n";
        crate::test_api(text)
    }

    fn named(api: &Api, name: &str) -> TypeRef {
        let id = api.types.iter().position(|def| def.name.as_str() == name).expect("a type of the spec");
        TypeRef::Named(super::super::TypeId(id))
    }

    #[test]
    fn callers_read_std_types_by_name_and_other_crates_types_by_path() {
        let api = api();
        let nested = TypeRef::Option(Box::new(TypeRef::Map(Box::new(TypeRef::Vec(Box::new(named(&api, "Pet")))))));
        assert_eq!(RustType::of(&api, &nested).text(""), "Option<BTreeMap<String, Vec<Pet>>>");
        assert_eq!(RustType::of(&api, &nested).text("types::"), "Option<BTreeMap<String, Vec<types::Pet>>>");
        let when = TypeRef::Formatted(StringFormat::DateTime);
        assert_eq!(RustType::of(&api, &when).text(""), "chrono::DateTime<chrono::Utc>");
        assert_eq!(RustType::of(&api, &TypeRef::JsonObject).text(""), "serde_json::Map<String, serde_json::Value>");
        assert_eq!(RustType::of(&api, &TypeRef::Int(IntKind::U16)).boxed_if(true).text(""), "Box<u16>");
    }
}
