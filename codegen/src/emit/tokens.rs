//! Small helpers shared by the emitters: identifiers and type expressions.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

use crate::model::{self, Api, Prelude, RustType, TypeRef};

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

/// A string as a Rust literal, escaped, for code laid out by an emitter (see [`type_text`]).
pub fn text_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// Type tokens as a person writes them (`Option<Vec<types::Pet>>`, `&'static str`), for code
/// laid out by an emitter rather than the format stage (see `structs`): the tokens [`Paths`]
/// prints, so std items keep the absolute paths a module without their imports needs (where
/// [`RustType::text`] writes them as a caller with the imports would), and spelling a generated
/// type records the module's import as it does for tokens. Spaced as prettyplease spaces types
/// (and the short expressions emitters write the same way, `value.into()`): between two words,
/// after a comma or semicolon (not before a closing bracket: `(u8,)`), around `+`, `=` and `->`.
pub fn type_text(tokens: &TokenStream) -> String {
    fn write(tokens: TokenStream, out: &mut String) {
        use proc_macro2::{Delimiter, TokenTree};
        for tree in tokens {
            match tree {
                TokenTree::Ident(word) => {
                    if out.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                        out.push(' ');
                    }
                    out.push_str(&word.to_string());
                }
                TokenTree::Literal(literal) => out.push_str(&literal.to_string()),
                TokenTree::Punct(punct) => {
                    // A path from the root after a keyword: `impl ::core::convert::Into<..>`.
                    let keyword = out.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next();
                    if punct.as_char() == ':' && matches!(keyword, Some("impl" | "dyn" | "mut")) {
                        out.push(' ');
                    }
                    match punct.as_char() {
                        ',' | ';' => {
                            out.push(punct.as_char());
                            out.push(' ');
                        }
                        '+' | '=' => {
                            out.push(' ');
                            out.push(punct.as_char());
                            out.push(' ');
                        }
                        '-' => out.push_str(" -"),
                        '>' if out.ends_with(" -") => out.push_str("> "),
                        other => out.push(other),
                    }
                }
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    out.push_str(open);
                    write(group.stream(), out);
                    // A trailing comma (a one-element tuple) hugs the bracket.
                    if out.ends_with(", ") {
                        out.pop();
                    }
                    out.push_str(close);
                }
            }
        }
    }
    let mut out = String::new();
    write(tokens.clone(), &mut out);
    out
}

/// A child module of an API: its docs, `use super::types;` when the items use it, the items.
pub fn module_with_types(header: TokenStream, items: super::Items<'_>) -> super::RustFile<'_> {
    super::RustFile {
        head: header,
        imports: Imports::default().if_used(
            TYPES,
            quote!(
                use super::types;
            ),
        ),
        items,
    }
}

/// A name generated code reaches items through (a module: `runtime::Error`; a function:
/// `sample(..)`) and imports only where it is used, since an unused import would fail
/// `-D warnings`. Written into tokens (`quote!(#RUNTIME::Error)`), it records the use for the
/// file being emitted (see [`Imports::record`]): the import is known where the path is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported(&'static str);

/// The API module's `types`.
pub const TYPES: Imported = Imported("types");
/// The crate's `runtime`.
pub const RUNTIME: Imported = Imported("runtime");
/// The API module's `responses`.
pub const RESPONSES: Imported = Imported("responses");
/// The API module's `requests`.
pub const REQUESTS: Imported = Imported("requests");
/// The security scheme constants of the API's client module (`client::scheme`).
pub const SCHEME: Imported = Imported("scheme");
/// The end-to-end calls' function that decodes a sample value.
pub const SAMPLE: Imported = Imported("sample");

impl Imported {
    /// The name, for code laid out as text: spelled, so recorded as in tokens.
    pub fn spelled(self) -> &'static str {
        SPELLED.with(|spelled| {
            if let Some(names) = spelled.borrow_mut().last_mut()
                && !names.contains(&self.0)
            {
                names.push(self.0);
            }
        });
        self.0
    }
}

impl ToTokens for Imported {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        Ident::new(self.spelled(), Span::call_site()).to_tokens(tokens);
    }
}

thread_local! {
    /// The names written while each [`Imports::record`] on this thread runs, innermost last.
    /// Per thread, because a file is emitted on the thread that formats it (token streams
    /// cannot cross threads), and its items are emitted inside `record`: no recorder has to be
    /// handed down to every function that spells a path.
    static SPELLED: std::cell::RefCell<Vec<Vec<&'static str>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A module's `use` items, in order: each always there, or only where the module's items write
/// its name (an `Imported`). Items are recorded one at a time, as they are emitted.
#[derive(Debug, Default)]
pub struct Imports {
    /// Each `use` item: the name it must be used by (none: always there), whether it is needed.
    entries: Vec<(Option<Imported>, bool, TokenStream)>,
}

impl Imports {
    pub fn always(mut self, item: TokenStream) -> Self {
        self.entries.push((None, true, item));
        self
    }

    pub fn if_used(mut self, name: Imported, item: TokenStream) -> Self {
        self.entries.push((Some(name), false, item));
        self
    }

    /// Runs `emit`, which emits items of this module, and keeps the `use` items of the names it
    /// writes.
    pub fn record<T>(&mut self, emit: impl FnOnce() -> T) -> T {
        /// Ends the recording even if `emit` unwinds, so the thread's next file starts afresh.
        struct Recording;
        impl Drop for Recording {
            fn drop(&mut self) {
                SPELLED.with(|spelled| spelled.borrow_mut().pop());
            }
        }
        SPELLED.with(|spelled| spelled.borrow_mut().push(Vec::new()));
        let recording = Recording;
        let emitted = emit();
        let names = SPELLED.with(|spelled| spelled.borrow_mut().last_mut().map(std::mem::take).unwrap_or_default());
        drop(recording);
        // An enclosing recording (a module emitted as part of another's item) sees them too.
        SPELLED.with(|spelled| {
            if let Some(outer) = spelled.borrow_mut().last_mut() {
                outer.extend(names.iter().filter(|name| !outer.contains(name)).collect::<Vec<_>>());
            }
        });
        for (name, used, _) in &mut self.entries {
            *used |= name.is_some_and(|name| names.contains(&name.0));
        }
        emitted
    }

    /// Which of the entries the items recorded so far use, in order: what a thread that printed part
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

    /// The `use` items needed by the items recorded.
    pub fn into_tokens(self) -> TokenStream {
        self.entries.into_iter().filter(|(_, used, _)| *used).map(|(_, _, item)| item).collect()
    }

    /// A body emitted in one piece by `emit`, and the `use` items it needs.
    pub fn around(mut self, emit: impl FnOnce() -> TokenStream) -> (TokenStream, TokenStream) {
        let body = self.record(emit);
        (self.into_tokens(), body)
    }

    /// Whether `emit` writes `name`; what it emits.
    pub fn writes<T>(name: Imported, emit: impl FnOnce() -> T) -> (bool, T) {
        let mut probe = Imports::default().if_used(name, TokenStream::new());
        let emitted = probe.record(emit);
        (probe.entries[0].1, emitted)
    }
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
        self.prelude(Prelude::Option)
    }

    pub fn string(self) -> TokenStream {
        self.prelude(Prelude::String)
    }

    /// `Into`, as setters take strings (`impl Into<String>`).
    pub fn into_trait(self) -> TokenStream {
        if self.qualified { quote!(::core::convert::Into) } else { quote!(Into) }
    }

    pub fn boxed(self) -> TokenStream {
        self.prelude(Prelude::Box)
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

    /// The Rust type for a model type (see [`RustType::of`]).
    pub fn type_of(self, api: &Api, ty: &TypeRef) -> TokenStream {
        self.rust_type(&RustType::of(api, ty))
    }

    /// A Rust type as tokens: std's prelude types short unless shadowed here, other items by
    /// their absolute path (a generated type may take any other name too).
    pub fn rust_type(self, ty: &RustType) -> TokenStream {
        let (path, arguments) = match ty {
            RustType::Primitive(name) => return Ident::new(name, Span::call_site()).into_token_stream(),
            RustType::Generated(name) => {
                let name = ident(name);
                return if self.through_types_module { quote!(#TYPES::#name) } else { quote!(#name) };
            }
            // The caller's own type, by its path (`[replace-types]`, see `model::customize`).
            RustType::Replaced(path) => return path.parse().expect("the model checked that the replacement parses"),
            RustType::Prelude(prelude, arguments) => (self.prelude(*prelude), arguments),
            RustType::Item(path, arguments) => (absolute(path), arguments),
        };
        if arguments.is_empty() {
            return path;
        }
        let arguments = arguments.iter().map(|argument| self.rust_type(argument));
        quote!(#path<#(#arguments),*>)
    }

    fn prelude(self, prelude: Prelude) -> TokenStream {
        if self.qualified {
            absolute(&prelude.path())
        } else {
            Ident::new(prelude.name(), Span::call_site()).into_token_stream()
        }
    }
}

/// `::a::b::C` for the path `[a, b, C]`.
fn absolute(path: &[&str]) -> TokenStream {
    let segments = path.iter().map(|segment| Ident::new(segment, Span::call_site()));
    quote!(#(::#segments)*)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{Imports, Paths, RUNTIME, SAMPLE, SCHEME, TYPES, type_text};
    use crate::model::{TypeId, TypeRef};

    /// Types written as text read as prettyplease prints them, the `[replace-types]` kinds a
    /// setting may name among them.
    #[test]
    fn type_text_spaces_types_as_prettyplease_does() {
        let types = [
            "Option<Vec<types::Pet>>",
            "&'static str",
            "impl ::core::convert::Into<::std::string::String>",
            "(u8,)",
            "(u8, String)",
            "Box<dyn std::any::Any + Send + 'static>",
            "fn(u8) -> u8",
            "Box<dyn Iterator<Item = u8>>",
            "[u8; 4]",
            "&'a mut ::std::vec::Vec<u8>",
        ];
        for ty in types {
            let tokens: proc_macro2::TokenStream = ty.parse().expect("a type");
            let file: syn::File = syn::parse_str(&format!("type T = {ty};")).expect("a type alias");
            let printed = prettyplease::unparse(&file);
            assert_eq!(format!("type T = {};\n", type_text(&tokens)), printed, "{ty}");
        }
    }

    /// The model's one spelling, as tokens: prelude names short unless a generated type shadows
    /// them in the module, other items by absolute path, generated types through `types::`
    /// outside the types module.
    #[test]
    fn types_are_spelled_for_the_module_they_are_written_into() {
        let api = crate::model::rust_type::tests::api();
        let pet = api.types.iter().position(|def| def.name.as_str() == "Pet").expect("Pet");
        let nested =
            TypeRef::Option(Box::new(TypeRef::Map(Box::new(TypeRef::Vec(Box::new(TypeRef::Named(TypeId(pet))))))));
        // Compared as text without spaces: `quote!` joins `>>`, the emitter closes one at a time.
        let text = |tokens: proc_macro2::TokenStream| tokens.to_string().replace(' ', "");
        assert_eq!(
            text(Paths::outside().type_of(&api, &nested)),
            "Option<::std::collections::BTreeMap<String,Vec<types::Pet>>>"
        );
        assert_eq!(
            text(Paths::types_module(&api).type_of(&api, &nested)),
            "::std::option::Option<::std::collections::BTreeMap<::std::string::String,::std::vec::Vec<Pet>>>"
        );
        assert_eq!(
            text(Paths::outside().type_of(&api, &TypeRef::JsonObject)),
            "::serde_json::Map<String,::serde_json::Value>"
        );
    }

    #[test]
    fn imports_keep_what_the_recorded_items_write_in_their_order() {
        let mut imports = Imports::default()
            .always(quote!(
                use a::Always;
            ))
            .if_used(
                TYPES,
                quote!(
                    use super::types;
                ),
            )
            .if_used(
                RUNTIME,
                quote!(
                    use crate::runtime;
                ),
            )
            .if_used(
                SCHEME,
                quote!(
                    use super::scheme;
                ),
            );
        // A path in one item, a call in another: each written as the name itself.
        let item = imports.record(|| {
            quote!(
                struct A {
                    x: #TYPES::X,
                }
            )
        });
        assert_eq!(
            item.to_string(),
            quote!(
                struct A {
                    x: types::X,
                }
            )
            .to_string()
        );
        imports.record(|| quote!(fn g() { #SCHEME(1) }));
        // The same name written plain (a field) is not a use, nor is a path written outside
        // any recording of this module.
        imports.record(|| {
            quote!(
                struct B {
                    runtime: u8,
                }
            )
        });
        let _elsewhere = quote!(fn f() { #RUNTIME::go() });
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

    /// A body recorded inside another recording (a module's part emitted as one piece) counts
    /// for both.
    #[test]
    fn a_recording_inside_another_reaches_both() {
        let (outer_saw_it, (imports, body)) = Imports::writes(SAMPLE, || {
            Imports::default()
                .if_used(
                    SAMPLE,
                    quote!(
                        use self::sample;
                    ),
                )
                .around(|| quote!(#SAMPLE(1)))
        });
        assert!(outer_saw_it);
        assert_eq!(
            imports.to_string(),
            quote!(
                use self::sample;
            )
            .to_string()
        );
        assert_eq!(body.to_string(), quote!(sample(1)).to_string());
        let (written, _) = Imports::writes(SAMPLE, || quote!(sample(1)));
        assert!(!written, "a name typed into the tokens is not recorded");
    }

    /// Every emitter writes the names imported only where used through their [`Imported`]
    /// constants, never as plain tokens (`quote!(runtime::Error)`): a plain one is not recorded,
    /// and a file that needs its `use` item only there would not compile.
    #[test]
    fn emitters_write_imported_names_only_through_their_constants() {
        use proc_macro2::{Delimiter, Spacing, TokenTree};
        const NAMES: [super::Imported; 6] = [TYPES, RUNTIME, super::RESPONSES, super::REQUESTS, SCHEME, SAMPLE];
        /// The plain uses in tokens inside `quote!`: a name followed by `::` or `(`, not after
        /// `#` (an interpolation), `::` (a path's later segment), `.` (a member) or `fn`.
        fn walk(tokens: proc_macro2::TokenStream, in_quote: bool, found: &mut Vec<String>) {
            let trees: Vec<TokenTree> = tokens.into_iter().collect();
            for (i, tree) in trees.iter().enumerate() {
                let before = |back: usize| i.checked_sub(back).map(|at| trees[at].to_string());
                match tree {
                    TokenTree::Group(group) => {
                        let quoted =
                            in_quote || (before(1).as_deref() == Some("!") && before(2).as_deref() == Some("quote"));
                        walk(group.stream(), quoted, found);
                    }
                    TokenTree::Ident(ident) if in_quote && NAMES.iter().any(|name| ident == name.0) => {
                        let used = match trees.get(i + 1) {
                            // `name::`, not `name: Type` (a field or a binding).
                            Some(TokenTree::Punct(p)) => p.as_char() == ':' && p.spacing() == Spacing::Joint,
                            Some(TokenTree::Group(g)) => g.delimiter() == Delimiter::Parenthesis,
                            _ => false,
                        };
                        let qualified = before(1).as_deref() == Some(":") && before(2).as_deref() == Some(":");
                        let excused = qualified || matches!(before(1).as_deref(), Some("#" | "." | "fn"));
                        if used && !excused {
                            found.push(ident.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/emit");
        let mut plain = Vec::new();
        for entry in std::fs::read_dir(&folder).expect("the emitters' folder") {
            let path = entry.expect("a file of the folder").path();
            let source = std::fs::read_to_string(&path).expect("an emitter's source");
            // Tests (the file's last items) write expected output as plain tokens.
            let code = source.split("\n#[cfg(test)]\nmod ").next().unwrap_or_default();
            let tokens: proc_macro2::TokenStream = code.parse().expect("an emitter's source tokenizes");
            let mut found = Vec::new();
            walk(tokens, false, &mut found);
            plain.extend(found.into_iter().map(|name| format!("{}: {name}", path.display())));
        }
        assert!(plain.is_empty(), "written as plain tokens, so not recorded: {plain:#?}");
    }
}
