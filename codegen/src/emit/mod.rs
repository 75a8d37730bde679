//! Stage 3: the IR into files. Rust files are yielded item by item (the format stage prints
//! them): token streams, the codec tables laid out here, and the regular items laid out as
//! prettyplease prints them (see [`Item`] and `layout`); the manifest and the runtime are text.
//! Emitters read only [`crate::model`] types.

mod calls;
mod client;
mod codec;
mod constructed;
mod credentials;
mod docs;
mod examples;
mod krate;
mod layout;
mod mocks;
mod operations;
mod pagination;
mod readme;
mod request_setup;
mod requests;
mod responses;
mod structs;
mod testing_docs;
mod tokens;
mod types;
mod unions;

use proc_macro2::TokenStream;

use crate::model::Api;

pub use krate::{CrateConfig, crate_features, depends_on};
pub use layout::{Laid, Level, Piece, text_fits};
pub use tokens::Imports;

/// One file of the generated crate, relative to the crate root, with `/` separators.
pub struct EmittedFile<'a> {
    pub path: String,
    pub content: FileContent<'a>,
}

pub enum FileContent<'a> {
    Rust(RustFile<'a>),
    /// Text written as is after the preamble (the manifest, the runtime).
    Text {
        text: String,
        comment: &'static str,
    },
}

/// A Rust file whose items are emitted one at a time, as the format stage takes them: a large
/// API's types or request builders as one token stream were most of a generation's memory.
pub struct RustFile<'a> {
    /// What comes first: inner docs and attributes, or the whole of a small file.
    pub head: TokenStream,
    /// The `use` items after the head; which are needed is known once every item is emitted.
    pub imports: Imports,
    pub items: Items<'a>,
}

impl<'a> RustFile<'a> {
    /// A file emitted in one piece.
    pub fn whole(tokens: TokenStream) -> Self {
        RustFile { head: tokens, imports: Imports::default(), items: Items::none() }
    }
}

/// One item of a Rust file: tokens, which the format stage parses and prints; text an emitter
/// laid out itself (a macro's table, which prettyplease would print as one run of tokens),
/// written as it is; or an item laid out as prettyplease prints it (see [`Laid`]).
pub enum Item {
    Tokens(TokenStream),
    Text(String),
    Laid(Laid),
}

impl From<TokenStream> for Item {
    fn from(tokens: TokenStream) -> Item {
        Item::Tokens(tokens)
    }
}

/// A file's items, each emitted only when asked for by its position: the format stage shares a
/// large file's items among threads, each emitting and printing its own run of them (token
/// streams cannot cross threads), and no thread emits an item it does not print.
pub struct Items<'a> {
    /// How many positions there are; an emitter may leave some empty.
    len: usize,
    emit: Box<dyn Fn(usize) -> Option<Item> + 'a>,
}

impl<'a> Items<'a> {
    pub fn none() -> Self {
        Items { len: 0, emit: Box::new(|_| None) }
    }

    /// One item per source, in order.
    pub fn map<T: Copy + 'a, I: Into<Item>>(sources: impl Iterator<Item = T>, emit: impl Fn(T) -> I + 'a) -> Self {
        Items::filter_map(sources, move |source| Some(emit(source)))
    }

    /// At most one item per source, in order: `None` emits nothing for it.
    pub fn filter_map<T: Copy + 'a, I: Into<Item>>(
        sources: impl Iterator<Item = T>,
        emit: impl Fn(T) -> Option<I> + 'a,
    ) -> Self {
        let sources: Vec<T> = sources.collect();
        Items {
            len: sources.len(),
            emit: Box::new(move |index| sources.get(index).and_then(|&source| emit(source)).map(Into::into)),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The items at `positions`, emitted as they are taken.
    pub fn emit(&self, positions: std::ops::Range<usize>) -> impl Iterator<Item = Item> + '_ {
        (positions.start..positions.end.min(self.len)).filter_map(|index| (self.emit)(index))
    }
}

/// A file to emit, with the emitter that writes it. Emission waits until asked for so that each
/// file, or each run of a large file's items, can be emitted and formatted on its own thread:
/// token streams cannot cross threads.
pub struct PlannedFile<'a> {
    pub path: String,
    /// About as many as the file's [`Items`], known without emitting it: how the format stage
    /// shares the file among threads before any of them emits it (the last run takes any rest).
    pub items_hint: usize,
    emitter: Box<dyn Fn() -> FileContent<'a> + Send + Sync + 'a>,
}

impl<'a> PlannedFile<'a> {
    fn new(path: String, emitter: impl Fn() -> FileContent<'a> + Send + Sync + 'a) -> Self {
        PlannedFile { path, items_hint: 0, emitter: Box::new(emitter) }
    }

    /// A file emitted item by item, one per model element of the `items_hint` it is given at most.
    fn rust(path: String, items_hint: usize, emitter: impl Fn() -> RustFile<'a> + Send + Sync + 'a) -> Self {
        PlannedFile { items_hint, ..PlannedFile::new(path, move || FileContent::Rust(emitter())) }
    }

    /// A Rust file emitted in one piece.
    fn whole(path: String, emitter: impl Fn() -> TokenStream + Send + Sync + 'a) -> Self {
        PlannedFile::rust(path, 0, move || RustFile::whole(emitter()))
    }

    pub fn emit(&self) -> EmittedFile<'a> {
        EmittedFile { path: self.path.clone(), content: (self.emitter)() }
    }
}

/// Every file of a crate holding `apis`, one module (and cargo feature) each. The largest files
/// come first, so that workers taking files in order finish at about the same time.
pub fn plan_crate<'a>(config: &'a CrateConfig, apis: &'a [Api]) -> Vec<PlannedFile<'a>> {
    let mut files = Vec::new();
    for api in apis {
        let dir = format!("src/{}", api.module);
        let (types, operations) = (api.types.len(), api.operations.len());
        files.push(PlannedFile::rust(format!("{dir}/types.rs"), types, || types::types_module(api)));
        files.push(PlannedFile::rust(format!("{dir}/codec.rs"), types + operations, || codec::codec_module(api)));
        let krate = config.package.replace('-', "_");
        files.push(PlannedFile::rust(format!("{dir}/operations.rs"), 0, move || {
            operations::operations_module(api, krate.clone())
        }));
        files.push(PlannedFile::rust(format!("{dir}/requests.rs"), operations, || requests::requests_module(api)));
        files.push(PlannedFile::rust(format!("{dir}/responses.rs"), operations, || responses::responses_module(api)));
        files.push(PlannedFile::whole(format!("{dir}/client.rs"), || client::client_module(api)));
        files.push(PlannedFile::whole(format!("{dir}/mod.rs"), || client::api_module(api)));
        files.push(PlannedFile::rust(format!("{dir}/mock.rs"), operations + 1, || mocks::mock_module(api)));
    }
    files.push(PlannedFile::new("Cargo.toml".into(), || FileContent::Text {
        text: krate::manifest(config, apis),
        comment: "#",
    }));
    files.push(PlannedFile::whole("src/lib.rs".into(), || krate::lib_rs(apis)));
    files.push(PlannedFile::new("README.md".into(), || {
        let krate = config.package.replace('-', "_");
        FileContent::Text {
            text: readme::readme(&config.package, &config.description(apis), &krate, apis),
            comment: "<!--",
        }
    }));
    if apis.iter().any(|api| !api.examples.is_empty()) {
        let krate = config.package.replace('-', "_");
        files.push(PlannedFile::whole("tests/examples.rs".into(), move || examples::examples_test(apis, &krate)));
    }
    for (name, source) in krate::RUNTIME {
        files.push(PlannedFile::new(format!("src/runtime/{name}"), || FileContent::Text {
            text: krate::runtime_text(source).to_string(),
            comment: "//",
        }));
    }
    files
}

/// The end-to-end test support files for `apis`: `mod.rs` and one calls module per API, relative
/// to the folder the tests include them from.
pub fn plan_calls<'a>(config: &'a CrateConfig, apis: &'a [Api]) -> Vec<PlannedFile<'a>> {
    let krate = config.package.replace('-', "_");
    let mut files: Vec<PlannedFile<'a>> = apis
        .iter()
        .map(|api| {
            let krate = krate.clone();
            let path = format!("{}.rs", api.module);
            PlannedFile::whole(path, move || calls::calls_module(api, &krate))
        })
        .collect();
    files.push(PlannedFile::whole("mod.rs".into(), || calls::calls_root(apis)));
    files
}
