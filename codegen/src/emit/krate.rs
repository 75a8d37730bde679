//! The crate around the API modules: its manifest, `lib.rs`, and the shared runtime.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{inner_doc_attrs, sanitize};
use super::tokens::ident;
use crate::model::{Api, ident::unraw};

/// The runtime's source files, written into every generated crate under `src/runtime/`.
pub const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("decode.rs", include_str!("../../runtime/decode.rs")),
    ("encode.rs", include_str!("../../runtime/encode.rs")),
    ("policy.rs", include_str!("../../runtime/policy.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
];

/// What the generated crate is called and how it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateConfig {
    /// The package name in `Cargo.toml`.
    pub package: String,
    pub version: String,
    /// The package description; by default it names the APIs the crate holds.
    pub description: Option<String>,
    /// Whether the crate is its own workspace (a crate generated anywhere on disk) rather than a
    /// member of the surrounding one.
    pub standalone: bool,
}

impl CrateConfig {
    pub fn description(&self, apis: &[Api]) -> String {
        self.description.clone().unwrap_or_else(|| {
            let titles: Vec<&str> = apis.iter().map(|api| api.title.as_str()).collect();
            format!("Typed Rust clients for {}, generated from their OpenAPI specs", titles.join(" and "))
        })
    }
}

/// Dependencies of every generated crate, pinned to the versions the runtime is written against.
const DEPENDENCIES: &[(&str, &str)] = &[
    ("base64", "\"0.22\""),
    ("fastrand", "\"2\""),
    ("form_urlencoded", "\"1\""),
    ("httpdate", "\"1\""),
    ("percent-encoding", "\"2\""),
    (
        "reqwest",
        "{ version = \"0.13\", default-features = false, features = [\"rustls\", \"http2\", \"system-proxy\"] }",
    ),
    ("serde", "{ version = \"1\", features = [\"derive\"] }"),
    ("serde_json", "\"1\""),
    ("thiserror", "\"2\""),
    ("tokio", "{ version = \"1\", features = [\"sync\", \"time\"] }"),
];

pub fn manifest(config: &CrateConfig, apis: &[Api]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = {:?}", config.package);
    let _ = writeln!(out, "version = {:?}", config.version);
    let _ = writeln!(out, "edition = \"2024\"");
    let _ = writeln!(out, "description = {:?}", config.description(apis));
    let _ = writeln!(out, "publish = false");
    let _ = writeln!(out, "\n[features]");
    let modules: Vec<String> = apis.iter().map(|a| format!("{:?}", unraw(&a.module))).collect();
    let _ = writeln!(out, "default = [{}]", modules.join(", "));
    for api in apis {
        let _ = writeln!(out, "{} = []", unraw(&api.module));
    }
    let _ = writeln!(out, "\n[dependencies]");
    for (name, spec) in DEPENDENCIES {
        let _ = writeln!(out, "{name} = {spec}");
    }
    if config.standalone {
        let _ = writeln!(out, "\n[workspace]");
    }
    out
}

pub fn lib_rs(config: &CrateConfig, apis: &[Api]) -> TokenStream {
    let mut overview = format!(
        "{}.\n\nOne module per API, each behind a cargo feature of the same name:\n",
        sanitize(&config.description(apis))
    );
    for api in apis {
        let _ =
            writeln!(overview, "- [`{0}`]: {1} {2}", unraw(&api.module), sanitize(&api.title), sanitize(&api.version));
    }
    overview.push_str("\nAll of them share [`runtime`]: errors, credentials and request sending.");
    let docs = inner_doc_attrs(&overview);
    let modules = apis.iter().map(|api| {
        let name = ident(&api.module);
        let feature = unraw(&api.module);
        quote! {
            #[cfg(feature = #feature)]
            pub mod #name;
        }
    });
    quote! {
        #docs
        pub mod runtime;
        #(#modules)*
    }
}
