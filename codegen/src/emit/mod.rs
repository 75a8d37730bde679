//! Stage 3: the IR into files. Rust files are token streams here (the format stage prints them);
//! the manifest and the runtime are text. Emitters read only [`crate::model`] types.

mod calls;
mod client;
mod docs;
mod krate;
mod operations;
mod params;
mod tokens;
mod types;

use proc_macro2::TokenStream;

use crate::model::Api;

pub use krate::CrateConfig;

/// One file of the generated crate, relative to the crate root, with `/` separators.
#[derive(Debug)]
pub struct EmittedFile {
    pub path: String,
    pub content: FileContent,
}

#[derive(Debug)]
pub enum FileContent {
    Rust(TokenStream),
    /// Text written as is after the preamble (the manifest, the runtime).
    Text {
        text: String,
        comment: &'static str,
    },
}

/// Every file of a crate holding `apis`, one module (and cargo feature) each.
pub fn emit_crate(config: &CrateConfig, apis: &[Api]) -> Vec<EmittedFile> {
    let mut files = vec![
        EmittedFile {
            path: "Cargo.toml".into(),
            content: FileContent::Text { text: krate::manifest(config, apis), comment: "#" },
        },
        EmittedFile { path: "src/lib.rs".into(), content: FileContent::Rust(krate::lib_rs(config, apis)) },
    ];
    for (name, source) in krate::RUNTIME {
        let content = FileContent::Text { text: (*source).to_string(), comment: "//" };
        files.push(EmittedFile { path: format!("src/runtime/{name}"), content });
    }
    for api in apis {
        let dir = format!("src/{}", crate::model::ident::unraw(&api.module));
        let rust = |name: &str, tokens: TokenStream| EmittedFile {
            path: format!("{dir}/{name}"),
            content: FileContent::Rust(tokens),
        };
        files.push(rust("mod.rs", client::api_module(api)));
        files.push(rust("operations.rs", operations::operations_module(api)));
        files.push(rust("params.rs", params::params_module(api)));
        files.push(rust("responses.rs", operations::responses_module(api)));
        files.push(rust("types.rs", types::types_module(api)));
    }
    files
}

/// The end-to-end test support files for `apis`: `mod.rs` and one calls module per API, relative
/// to the folder the tests include them from.
pub fn emit_calls(config: &CrateConfig, apis: &[Api]) -> Vec<EmittedFile> {
    let krate = config.package.replace('-', "_");
    let mut files = vec![EmittedFile { path: "mod.rs".into(), content: FileContent::Rust(calls::calls_root(apis)) }];
    for api in apis {
        let path = format!("{}.rs", crate::model::ident::unraw(&api.module));
        files.push(EmittedFile { path, content: FileContent::Rust(calls::calls_module(api, &krate)) });
    }
    files
}
