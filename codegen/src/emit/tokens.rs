//! Small helpers shared by the emitters: identifiers and type expressions.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{self, Api, FloatKind, IntKind, StringFormat, TypeRef};

/// The identifier for a name the model chose, raw (`r#type`) where it must be.
pub fn ident(name: &model::ident::Ident) -> Ident {
    if name.is_raw() {
        Ident::new_raw(name.as_str(), Span::call_site())
    } else {
        Ident::new(name.as_str(), Span::call_site())
    }
}

/// The local names `names` are bound to together (a function's arguments, a destructuring), in
/// order: each name itself, unless clippy refuses it as a binding (a placeholder such as `foo`,
/// `disallowed_names`; only underscores and digits such as `_1`, `just_underscores_and_digits`),
/// which is bound as `{name}_value`, numbered past the other names (`foo` beside `foo_value`).
pub fn binding_names(names: &[&model::ident::Ident]) -> Vec<Ident> {
    let refused =
        |name: &str| ["foo", "baz", "quux"].contains(&name) || name.chars().all(|c| c == '_' || c.is_ascii_digit());
    let mut taken: std::collections::BTreeSet<String> =
        names.iter().map(|name| name.as_str()).filter(|name| !refused(name)).map(str::to_string).collect();
    names
        .iter()
        .map(|name| {
            if !refused(name.as_str()) {
                return ident(name);
            }
            let binding = model::ident::Ident::new(format!("{name}_value"));
            let binding = model::ident::disambiguate(&binding, |candidate| taken.contains(candidate.as_str()));
            taken.insert(binding.as_str().to_string());
            ident(&binding)
        })
        .collect()
}

/// A child module of an API: its docs, `use super::types;` when the items use it, the items.
pub fn module_with_types(header: TokenStream, items: super::Items<'_>) -> super::RustFile<'_> {
    super::RustFile {
        head: header,
        imports: Imports::default().if_used(
            "types",
            quote!(
                use super::types;
            ),
        ),
        items,
    }
}

/// A module's `use` items, in order: each always there, or only where the module's items use its
/// name (see [`uses`]), since an unused import would fail `-D warnings`. Items are noted one at a
/// time, as they are emitted.
#[derive(Debug, Default)]
pub struct Imports {
    /// Each `use` item: the name it must be used by (none: always there), whether it is needed.
    entries: Vec<(Option<&'static str>, bool, TokenStream)>,
}

impl Imports {
    pub fn always(mut self, item: TokenStream) -> Self {
        self.entries.push((None, true, item));
        self
    }

    pub fn if_used(mut self, name: &'static str, item: TokenStream) -> Self {
        self.entries.push((Some(name), false, item));
        self
    }

    /// Notes which of the names `item` uses.
    pub fn note(&mut self, item: &TokenStream) {
        let names: Vec<&str> = self.entries.iter().filter_map(|(name, _, _)| *name).collect();
        let mut now = used_names(item, &names).into_iter();
        for (_, used, _) in self.entries.iter_mut().filter(|(name, _, _)| name.is_some()) {
            *used |= now.next().unwrap_or(false);
        }
    }

    /// Which of the entries the items noted so far use, in order: what a thread that printed part
    /// of a file hands to the one that prints its head.
    pub fn used(&self) -> Vec<bool> {
        self.entries.iter().map(|(_, used, _)| *used).collect()
    }

    /// Notes the entries another part of the file used, as [`Imports::used`] gave them.
    pub fn note_used(&mut self, used: &[bool]) {
        for ((_, mine, _), theirs) in self.entries.iter_mut().zip(used) {
            *mine |= theirs;
        }
    }

    /// The `use` items needed by the items noted.
    pub fn into_tokens(self) -> TokenStream {
        self.entries.into_iter().filter(|(_, used, _)| *used).map(|(_, _, item)| item).collect()
    }

    /// The `use` items a body emitted in one piece needs.
    pub fn used_by(mut self, body: &TokenStream) -> TokenStream {
        self.note(body);
        self.into_tokens()
    }
}

/// Whether `tokens` use the module or function `name`: as a path (`name::...`) or a call
/// (`name(...)`). A field, method or variable of the same name (`self.runtime`) does not count.
pub fn uses(tokens: &TokenStream, name: &str) -> bool {
    used_names(tokens, &[name])[0]
}

/// [`uses`] for several names in one walk of the tokens: whether each of `names` is used.
fn used_names(tokens: &TokenStream, names: &[&str]) -> Vec<bool> {
    use proc_macro2::{Delimiter, Spacing, TokenTree};
    fn walk(tokens: TokenStream, names: &[&str], used: &mut [bool]) {
        // After `.` a name is a field or method; after `fn` it is being declared.
        let mut declared_or_member = false;
        let mut trees = tokens.into_iter().peekable();
        while let Some(tree) = trees.next() {
            match &tree {
                TokenTree::Ident(ident) if !declared_or_member => {
                    let is_used = match trees.peek() {
                        // `name::`, not `name: Type` (a field or a binding).
                        Some(TokenTree::Punct(p)) => p.as_char() == ':' && p.spacing() == Spacing::Joint,
                        Some(TokenTree::Group(g)) => g.delimiter() == Delimiter::Parenthesis,
                        _ => false,
                    };
                    if is_used && let Some(i) = names.iter().position(|name| ident == name) {
                        used[i] = true;
                    }
                }
                TokenTree::Group(group) => walk(group.stream(), names, used),
                _ => {}
            }
            declared_or_member = match &tree {
                TokenTree::Punct(p) => p.as_char() == '.',
                TokenTree::Ident(ident) => ident == "fn",
                _ => false,
            };
        }
    }
    let mut used = vec![false; names.len()];
    walk(tokens.clone(), names, &mut used);
    used
}

/// Names a generated module may not rely on when a schema of the same name shadows them.
const SHADOWABLE: &[&str] = &["Option", "String", "Vec", "Box", "Result", "Into", "Serialize", "Deserialize"];

/// How std and serde items are spelled in one module: short, unless a generated type there
/// shadows the short name, in which case every such item is spelled by its full path.
#[derive(Debug, Clone, Copy)]
pub struct Paths {
    qualified: bool,
    /// Types are referred to through `types::` (outside the types module) or directly (inside).
    through_types_module: bool,
}

impl Paths {
    /// Paths for the `types` module of `api`.
    pub fn types_module(api: &Api) -> Paths {
        let qualified = api.types.iter().any(|t| SHADOWABLE.contains(&t.name.as_str()));
        Paths { qualified, through_types_module: false }
    }

    /// Paths for modules that reach types through `types::`.
    pub fn outside() -> Paths {
        Paths { qualified: false, through_types_module: true }
    }

    pub fn option(self) -> TokenStream {
        if self.qualified { quote!(::std::option::Option) } else { quote!(Option) }
    }

    pub fn string(self) -> TokenStream {
        if self.qualified { quote!(::std::string::String) } else { quote!(String) }
    }

    pub fn vec(self) -> TokenStream {
        if self.qualified { quote!(::std::vec::Vec) } else { quote!(Vec) }
    }

    /// `Into`, as setters take strings (`impl Into<String>`).
    pub fn into_trait(self) -> TokenStream {
        if self.qualified { quote!(::core::convert::Into) } else { quote!(Into) }
    }

    pub fn boxed(self) -> TokenStream {
        if self.qualified { quote!(::std::boxed::Box) } else { quote!(Box) }
    }

    /// `Serialize`, derived by every struct and union (decoding is written out, see `structs`).
    pub fn serialize_derive(self) -> TokenStream {
        if self.qualified { quote!(::serde::Serialize) } else { quote!(Serialize) }
    }

    /// The `use` items a module with these paths needs.
    pub fn serde_import(self) -> TokenStream {
        if self.qualified {
            quote!()
        } else {
            quote!(
                use serde::Serialize;
            )
        }
    }

    /// The Rust type for a model type.
    pub fn type_of(self, api: &Api, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Named(id) if let Some(path) = &api.type_def(*id).replacement => {
                // The caller's own type, by its path (`[replace-types]`, see `model::customize`).
                path.parse().expect("the model checked that the replacement parses")
            }
            TypeRef::Named(id) => {
                let name = ident(&api.type_def(*id).name);
                if self.through_types_module { quote!(types::#name) } else { quote!(#name) }
            }
            TypeRef::String => self.string(),
            TypeRef::Formatted(StringFormat::DateTime) => quote!(::chrono::DateTime<::chrono::Utc>),
            TypeRef::Formatted(StringFormat::Date) => quote!(::chrono::NaiveDate),
            TypeRef::Formatted(StringFormat::Uuid) => quote!(::uuid::Uuid),
            TypeRef::Bool => quote!(bool),
            TypeRef::Int(IntKind::I8) => quote!(i8),
            TypeRef::Int(IntKind::I16) => quote!(i16),
            TypeRef::Int(IntKind::U8) => quote!(u8),
            TypeRef::Int(IntKind::U16) => quote!(u16),
            TypeRef::Int(IntKind::I32) => quote!(i32),
            TypeRef::Int(IntKind::I64) => quote!(i64),
            TypeRef::Int(IntKind::U32) => quote!(u32),
            TypeRef::Int(IntKind::U64) => quote!(u64),
            TypeRef::Float(FloatKind::F32) => quote!(f32),
            TypeRef::Float(FloatKind::F64) => quote!(f64),
            TypeRef::Json => quote!(::serde_json::Value),
            TypeRef::JsonObject => {
                let string = self.string();
                quote!(::serde_json::Map<#string, ::serde_json::Value>)
            }
            TypeRef::Bytes => {
                let vec = self.vec();
                quote!(#vec<u8>)
            }
            TypeRef::Vec(inner) => {
                let (vec, inner) = (self.vec(), self.type_of(api, inner));
                quote!(#vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let (string, inner) = (self.string(), self.type_of(api, inner));
                quote!(::std::collections::BTreeMap<#string, #inner>)
            }
            TypeRef::Option(inner) => {
                let (option, inner) = (self.option(), self.type_of(api, inner));
                quote!(#option<#inner>)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::Imports;

    #[test]
    fn imports_keep_what_any_noted_item_uses_in_their_order() {
        let mut imports = Imports::default()
            .always(quote!(
                use a::Always;
            ))
            .if_used(
                "types",
                quote!(
                    use super::types;
                ),
            )
            .if_used(
                "runtime",
                quote!(
                    use crate::runtime;
                ),
            )
            .if_used(
                "scheme",
                quote!(
                    use super::scheme;
                ),
            );
        // A path use in the first item, a field of the same name in the second (not a use), and a
        // call in the third.
        imports.note(&quote!(
            struct A {
                x: types::X,
            }
        ));
        imports.note(&quote!(
            fn f(&self) {
                self.runtime.go()
            }
        ));
        imports.note(&quote!(
            fn g() {
                scheme(1)
            }
        ));
        // A field declared, a field set and a method declared with the name are not uses either.
        imports.note(&quote!(
            struct B {
                runtime: u8,
            }
        ));
        imports.note(&quote!(
            fn h() -> B {
                B { runtime: 1 }
            }
        ));
        imports.note(&quote!(
            fn runtime(self) {}
        ));
        let kept = imports.into_tokens().to_string();
        assert_eq!(
            kept,
            quote!(
                use a::Always;
                use super::types;
                use super::scheme;
            )
            .to_string()
        );
    }
}
