//! The crate around the API modules: its manifest, `lib.rs`, and the shared runtime.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::ident;
use crate::model::{Api, StringFormat};

/// The runtime's source files, written into every generated crate under `src/runtime/`.
pub const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("decode.rs", include_str!("../../runtime/decode.rs")),
    ("encode.rs", include_str!("../../runtime/encode.rs")),
    ("form.rs", include_str!("../../runtime/form.rs")),
    ("paging.rs", include_str!("../../runtime/paging.rs")),
    ("policy.rs", include_str!("../../runtime/policy.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("structs.rs", include_str!("../../runtime/structs.rs")),
    ("testing.rs", include_str!("../../runtime/testing.rs")),
    ("mock.rs", include_str!("../../runtime/mock.rs")),
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
    /// member of the surrounding one. A standalone crate has no end-to-end calls: they are the
    /// surrounding workspace's tests of its member, and planning them only to drop them cost
    /// about 5% of a generation.
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

/// A dependency of every generated crate, pinned to the version the runtime is written against.
struct Dependency {
    name: &'static str,
    version: &'static str,
    default_features: bool,
    features: &'static [&'static str],
    /// Needed by the client only: optional, enabled by the `client` feature.
    client_only: bool,
}

const fn dependency(name: &'static str, version: &'static str, client_only: bool) -> Dependency {
    Dependency { name, version, default_features: true, features: &[], client_only }
}

const DEPENDENCIES: &[Dependency] = &[
    dependency("base64", "0.22", true),
    // `Bytes`, the chunks of a streamed body (`runtime::ByteStream`); already in reqwest's tree.
    dependency("bytes", "1", true),
    dependency("fastrand", "2", true),
    dependency("form_urlencoded", "1", true),
    // The `Stream` trait that event streams, byte streams and pages implement; already in
    // reqwest's tree. Without default features: the trait alone, no allocator or std glue.
    Dependency { name: "futures-core", version: "0.3", default_features: false, features: &[], client_only: true },
    dependency("httpdate", "1", true),
    // Line ends in server-sent events; already in the tree through serde_json.
    dependency("memchr", "2", true),
    dependency("percent-encoding", "2", true),
    Dependency {
        name: "reqwest",
        version: "0.13",
        default_features: false,
        features: &["rustls", "http2", "system-proxy"],
        client_only: true,
    },
    Dependency { name: "serde", version: "1", default_features: true, features: &["derive"], client_only: false },
    // Objects keep the order of their keys, whatever else the build enables: free-form objects
    // round-trip as sent, and form bodies list fields as declared.
    Dependency {
        name: "serde_json",
        version: "1",
        default_features: true,
        features: &["preserve_order"],
        client_only: false,
    },
    dependency("thiserror", "2", true),
    Dependency { name: "tokio", version: "1", default_features: true, features: &["sync", "time"], client_only: true },
];

/// The crate that gives `format` its type.
fn format_dependency(format: StringFormat) -> &'static Dependency {
    const CHRONO: Dependency = Dependency {
        name: "chrono",
        version: "0.4",
        default_features: false,
        features: &["serde", "std"],
        client_only: false,
    };
    const UUID: Dependency = Dependency {
        name: "uuid",
        version: "1",
        default_features: false,
        features: &["serde", "std"],
        client_only: false,
    };
    match format {
        StringFormat::DateTime | StringFormat::Date => &CHRONO,
        StringFormat::Uuid => &UUID,
    }
}

pub fn manifest(config: &CrateConfig, apis: &[Api]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = {:?}", config.package);
    let _ = writeln!(out, "version = {:?}", config.version);
    let _ = writeln!(out, "edition = \"2024\"");
    let _ = writeln!(out, "description = {:?}", config.description(apis));
    let _ = writeln!(out, "publish = false");
    let _ = writeln!(out, "\n[features]");
    let modules = apis.iter().map(|a| format!("{:?}", a.module.as_str()));
    let default: Vec<String> = std::iter::once("\"client\"".to_string()).chain(modules).collect();
    let _ = writeln!(out, "default = [{}]", default.join(", "));
    let _ = writeln!(
        out,
        "# The HTTP client: `Client`, operations, credentials. Without it, a module holds its types only."
    );
    let client_deps: Vec<String> =
        DEPENDENCIES.iter().filter(|d| d.client_only).map(|d| format!("\"dep:{}\"", d.name)).collect();
    let _ = writeln!(out, "client = [{}]", client_deps.join(", "));
    let _ = writeln!(out, "# A mock server per API (`<api>::mock`), for tests of code that calls a client.");
    let _ = writeln!(out, "mock = [\"client\", \"dep:wiremock\"]");
    for api in apis {
        let _ = writeln!(out, "{} = []", api.module);
    }
    let _ = writeln!(out, "\n[dependencies]");
    for dependency in DEPENDENCIES {
        let _ = writeln!(out, "{} = {}", dependency.name, dependency_spec(dependency));
    }
    let _ = writeln!(out, "wiremock = {{ version = \"0.6\", optional = true }}");
    // The typed formats' crates, when a spec's types use them (its settings say `formats = "typed"`).
    let formats: std::collections::BTreeSet<StringFormat> =
        apis.iter().flat_map(|api| api.string_formats.iter().copied()).collect();
    // Several formats may share a crate (chrono's dates and times): one entry each.
    let format_crates: std::collections::BTreeMap<&str, &Dependency> =
        formats.iter().map(|format| format_dependency(*format)).map(|d| (d.name, d)).collect();
    for dependency in format_crates.values() {
        let _ = writeln!(out, "{} = {}", dependency.name, dependency_spec(dependency));
    }
    if config.standalone {
        let _ = writeln!(out, "\n[workspace]");
    }
    out
}

fn dependency_spec(dependency: &Dependency) -> String {
    let mut fields = vec![format!("version = {:?}", dependency.version)];
    if !dependency.default_features {
        fields.push("default-features = false".into());
    }
    if !dependency.features.is_empty() {
        let features: Vec<String> = dependency.features.iter().map(|f| format!("{f:?}")).collect();
        fields.push(format!("features = [{}]", features.join(", ")));
    }
    if dependency.client_only {
        fields.push("optional = true".into());
    }
    format!("{{ {} }}", fields.join(", "))
}

/// The crate root: its docs are the generated README (whose examples are doctests), then one
/// module per API behind its feature.
pub fn lib_rs(apis: &[Api]) -> TokenStream {
    let modules = apis.iter().map(|api| {
        let name = ident(&api.module);
        let feature = api.module.as_str();
        quote! {
            #[cfg(feature = #feature)]
            pub mod #name;
        }
    });
    quote! {
        #![doc = include_str!("../README.md")]
        pub mod runtime;
        #(#modules)*
    }
}
