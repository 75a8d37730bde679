//! The crate around the API modules: its manifest, `lib.rs`, and the shared runtime.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::ident;
use crate::model::{Api, StringFormat};

/// The runtime's source files, written into every generated crate under `src/runtime/`.
pub const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("attempts.rs", include_str!("../../runtime/attempts.rs")),
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("decode.rs", include_str!("../../runtime/decode.rs")),
    ("deviation.rs", include_str!("../../runtime/deviation.rs")),
    ("fit.rs", include_str!("../../runtime/fit.rs")),
    ("encode.rs", include_str!("../../runtime/encode.rs")),
    ("event.rs", include_str!("../../runtime/event.rs")),
    ("form.rs", include_str!("../../runtime/form.rs")),
    ("paging.rs", include_str!("../../runtime/paging.rs")),
    ("policy.rs", include_str!("../../runtime/policy.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("said.rs", include_str!("../../runtime/said.rs")),
    ("send.rs", include_str!("../../runtime/send.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("structs.rs", include_str!("../../runtime/structs.rs")),
    ("struct_codec.rs", include_str!("../../runtime/struct_codec.rs")),
    ("trace.rs", include_str!("../../runtime/trace.rs")),
    ("tracked.rs", include_str!("../../runtime/tracked.rs")),
    ("testing.rs", include_str!("../../runtime/testing.rs")),
    ("mock.rs", include_str!("../../runtime/mock.rs")),
];

/// A runtime file as a generated crate gets it: without its unit tests (`#[cfg(test)]` modules,
/// always the file's last items). They test the runtime, not the crate it is copied into,
/// so they run once, in this workspace (`fixture-tests` compiles the runtime's own source).
pub fn runtime_text(source: &str) -> &str {
    match source.find(TESTS) {
        Some(at) => &source[..=at],
        None => source,
    }
}

/// Where a runtime file's unit tests start.
const TESTS: &str = "\n#[cfg(test)]\nmod ";

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
    needed_by: NeededBy,
}

/// Which part of the crate needs a dependency: an optional one is enabled by that feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NeededBy {
    /// The types (serde): always there.
    Types,
    /// The HTTP client: the `client` feature.
    Client,
    /// An optional part of the client: the feature of that name.
    Feature(&'static str),
}

const fn dependency(name: &'static str, version: &'static str, needed_by: NeededBy) -> Dependency {
    Dependency { name, version, default_features: true, features: &[], needed_by }
}

/// Every cargo feature of a generated crate besides its APIs': what a crate that includes
/// generated modules (the test crates' build scripts) declares to `check-cfg`.
pub fn crate_features() -> Vec<&'static str> {
    std::iter::once("client").chain(OPTIONAL_FEATURES.iter().map(|(feature, ..)| *feature)).collect()
}

/// The features beyond `client` and the API modules: each enables the client and what it lists.
/// The TLS backends are reqwest's; the default one is [`DEFAULT_TLS`].
const OPTIONAL_FEATURES: &[(&str, &str, &[&str])] = &[
    (
        "rustls-ring",
        "HTTPS with rustls on the ring crypto provider: the quickest to build (no C build beyond \
         ring's own), without post-quantum key exchange; rustls must have ring as its only provider \
         in the build; roots from the platform's verifier.",
        &["dep:rustls", "rustls/ring", "reqwest/rustls-no-provider"],
    ),
    (
        "rustls-aws-lc",
        "HTTPS with rustls on the aws-lc-rs crypto provider: the default (post-quantum key exchange, \
         FIPS-capable, the provider rustls recommends; slower to build: a large C library); roots \
         from the platform's verifier.",
        &["reqwest/rustls"],
    ),
    (
        "native-tls",
        "HTTPS with the platform's TLS library (OpenSSL on Linux, which needs its headers to build; \
         Security.framework on macOS; SChannel on Windows) and its roots.",
        &["reqwest/native-tls"],
    ),
    (
        "tracing",
        "A `tracing` span per call (OpenTelemetry HTTP client attributes), an event per attempt and \
         retry, spans for paging and streamed bodies. Nothing is compiled in without it.",
        &["dep:tracing"],
    ),
    ("mock", "A mock server per API (`<api>::mock`), for tests of code that calls a client.", &["dep:wiremock"]),
];

/// The TLS backend in the default features: aws-lc-rs, which rustls recommends since 0.23.48
/// deprecated ring's provider for lacking post-quantum key exchange. ring builds faster (BENCHMARKS
/// section 6) but cannot be made a process's provider without that deprecated function when
/// another crate compiles aws-lc-rs into rustls too, which is common.
const DEFAULT_TLS: &str = "rustls-aws-lc";

const DEPENDENCIES: &[Dependency] = &[
    dependency("base64", "0.22", NeededBy::Client),
    // `Bytes`, the chunks of a streamed body (`runtime::ByteStream`); already in reqwest's tree.
    dependency("bytes", "1", NeededBy::Client),
    dependency("fastrand", "2", NeededBy::Client),
    dependency("form_urlencoded", "1", NeededBy::Client),
    // The `Stream` trait that event streams, byte streams and pages implement; already in
    // reqwest's tree. Without default features: the trait alone, no allocator or std glue.
    Dependency {
        name: "futures-core",
        version: "0.3",
        default_features: false,
        features: &[],
        needed_by: NeededBy::Client,
    },
    dependency("httpdate", "1", NeededBy::Client),
    // Line ends in server-sent events; already in the tree through serde_json.
    dependency("memchr", "2", NeededBy::Client),
    dependency("percent-encoding", "2", NeededBy::Client),
    // No TLS here: a backend feature adds it (see `OPTIONAL_FEATURES`).
    Dependency {
        name: "reqwest",
        version: "0.13",
        default_features: false,
        features: &["http2", "system-proxy"],
        needed_by: NeededBy::Client,
    },
    // For the `rustls-ring` backend: ring as rustls's crypto provider (reqwest's own rustls
    // dependency has none then).
    Dependency {
        name: "rustls",
        version: "0.23",
        default_features: false,
        features: &["std", "tls12"],
        needed_by: NeededBy::Feature("rustls-ring"),
    },
    Dependency {
        name: "serde",
        version: "1",
        default_features: true,
        features: &["derive"],
        needed_by: NeededBy::Types,
    },
    // Objects keep the order of their keys, whatever else the build enables: free-form objects
    // round-trip as sent, and form bodies list fields as declared.
    Dependency {
        name: "serde_json",
        version: "1",
        default_features: true,
        features: &["preserve_order"],
        needed_by: NeededBy::Types,
    },
    dependency("thiserror", "2", NeededBy::Client),
    Dependency {
        name: "tokio",
        version: "1",
        default_features: true,
        features: &["sync", "time"],
        needed_by: NeededBy::Client,
    },
    // Without default features: no `tracing-attributes` proc macro to build.
    Dependency {
        name: "tracing",
        version: "0.1",
        default_features: false,
        features: &["std"],
        needed_by: NeededBy::Feature("tracing"),
    },
    // The mock servers' HTTP side.
    dependency("wiremock", "0.6", NeededBy::Feature("mock")),
];

/// The crate that gives `format` its type.
fn format_dependency(format: StringFormat) -> &'static Dependency {
    const CHRONO: Dependency = Dependency {
        name: "chrono",
        version: "0.4",
        default_features: false,
        features: &["serde", "std"],
        needed_by: NeededBy::Types,
    };
    const UUID: Dependency = Dependency {
        name: "uuid",
        version: "1",
        default_features: false,
        features: &["serde", "std"],
        needed_by: NeededBy::Types,
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
    let default: Vec<String> = ["client", DEFAULT_TLS].iter().map(|f| format!("{f:?}")).chain(modules).collect();
    let _ = writeln!(out, "default = [{}]", default.join(", "));
    let _ = writeln!(
        out,
        "# The HTTP client: `Client`, operations, credentials. Without it, a module holds its types only.\n\
         # Without a TLS backend below, the client speaks plain HTTP only."
    );
    let client_deps: Vec<String> = DEPENDENCIES
        .iter()
        .filter(|d| d.needed_by == NeededBy::Client)
        .map(|d| format!("\"dep:{}\"", d.name))
        .collect();
    let _ = writeln!(out, "client = [{}]", client_deps.join(", "));
    for (feature, doc, enables) in OPTIONAL_FEATURES {
        let _ = writeln!(out, "# {doc}");
        let enables: Vec<String> =
            std::iter::once("client").chain(enables.iter().copied()).map(|f| format!("{f:?}")).collect();
        let _ = writeln!(out, "{feature} = [{}]", enables.join(", "));
    }
    for api in apis {
        let _ = writeln!(out, "{} = []", api.module);
    }
    let _ = writeln!(out, "\n[dependencies]");
    for dependency in DEPENDENCIES {
        let _ = writeln!(out, "{} = {}", dependency.name, dependency_spec(dependency));
    }
    // The typed formats' crates, when a spec's types use them (its settings say `formats = "typed"`).
    let formats: std::collections::BTreeSet<StringFormat> =
        apis.iter().flat_map(|api| api.string_formats.iter().copied()).collect();
    // Several formats may share a crate (chrono's dates and times): one entry each.
    let format_crates: std::collections::BTreeMap<&str, &Dependency> =
        formats.iter().map(|format| format_dependency(*format)).map(|d| (d.name, d)).collect();
    for dependency in format_crates.values() {
        let _ = writeln!(out, "{} = {}", dependency.name, dependency_spec(dependency));
    }
    // The crates the settings add for `[replace-types]` paths (checked in `crate::build_apis`).
    let extra: std::collections::BTreeMap<&str, &str> =
        apis.iter().flat_map(|api| &api.dependencies).map(|d| (d.name.as_str(), d.spec.as_str())).collect();
    for (name, spec) in extra {
        let _ = writeln!(out, "{name} = {spec}");
    }
    if config.standalone {
        let _ = writeln!(out, "\n[workspace]");
    }
    out
}

/// Whether the generated crate of `apis` depends on the crate `name` by itself.
pub fn depends_on(apis: &[Api], name: &str) -> bool {
    let formats = apis.iter().flat_map(|api| api.string_formats.iter().copied());
    DEPENDENCIES.iter().chain(formats.map(format_dependency)).any(|d| d.name == name)
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
    if dependency.needed_by != NeededBy::Types {
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
        // `macro_use`: request builders take their per-call settings from the runtime's macro.
        #[macro_use]
        pub mod runtime;
        #(#modules)*
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::{RUNTIME, TESTS, runtime_text};

    #[test]
    fn runtime_copies_leave_out_exactly_the_unit_tests() {
        let mut with_tests = 0;
        for (name, source) in RUNTIME {
            let copied = runtime_text(source);
            assert!(!copied.contains("#[cfg(test)]"), "{name} keeps a test item in its copy");
            let dropped = &source[copied.len()..];
            if dropped.is_empty() {
                continue;
            }
            with_tests += 1;
            // The test modules are the file's last items: what is dropped is those, and only those.
            assert!(dropped.starts_with(&TESTS[1..]), "{name}: {dropped:.80}");
            let file = syn::parse_str::<syn::File>(dropped).unwrap_or_else(|e| panic!("{name}: {e}"));
            for item in &file.items {
                let syn::Item::Mod(module) = item else { panic!("{name}: a dropped item is not a module") };
                let cfg_test = module.attrs.iter().any(|attr| {
                    attr.path().is_ident("cfg") && attr.parse_args::<syn::Ident>().is_ok_and(|arg| arg == "test")
                });
                assert!(cfg_test, "{name}: module `{}` is dropped but is not `#[cfg(test)]`", module.ident);
            }
            assert!(syn::parse_str::<syn::File>(copied).is_ok(), "{name}: the copy does not parse");
        }
        assert!(with_tests >= 8, "the runtime's files have their unit tests: {with_tests}");
    }

    /// The runtime modules each file imports (`use super::name`, `super::name::`), from its
    /// code: not its comments (intra-doc links) nor its tests.
    fn imports(source: &str, modules: &BTreeSet<&str>) -> BTreeSet<String> {
        let code = runtime_text(source).lines().filter(|line| !line.trim_start().starts_with("//"));
        let mut found = BTreeSet::new();
        for line in code {
            for (at, _) in line.match_indices("super::") {
                let name: String = line[at + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if modules.contains(name.as_str()) {
                    found.insert(name);
                }
            }
        }
        found
    }

    #[test]
    fn the_runtime_modules_import_each_other_without_a_circle() {
        let modules: BTreeSet<&str> = RUNTIME.iter().map(|(name, _)| name.trim_end_matches(".rs")).collect();
        let graph: BTreeMap<&str, BTreeSet<String>> = RUNTIME
            .iter()
            .filter(|(name, _)| *name != "mod.rs")
            .map(|(name, source)| (name.trim_end_matches(".rs"), imports(source, &modules)))
            .collect();
        assert!(graph["client"].contains("request") && graph["stream"].contains("response"), "{graph:?}");
        // Depth-first; a module met again while still on the path closes a circle.
        fn visit<'a>(
            module: &'a str,
            graph: &'a BTreeMap<&str, BTreeSet<String>>,
            path: &mut Vec<&'a str>,
            done: &mut BTreeSet<&'a str>,
        ) {
            if done.contains(module) {
                return;
            }
            if let Some(start) = path.iter().position(|m| *m == module) {
                panic!("import circle: {} -> {module}", path[start..].join(" -> "));
            }
            path.push(module);
            for next in graph.get(module).into_iter().flatten() {
                visit(next, graph, path, done);
            }
            path.pop();
            done.insert(module);
        }
        let mut done = BTreeSet::new();
        for module in graph.keys() {
            visit(module, &graph, &mut Vec::new(), &mut done);
        }
    }
}
