//! Generates every golden fixture (`codegen/tests/golden/*/spec.{yaml,json}`) into modules of this
//! crate, one per fixture, sharing one runtime, and a table from each component schema to its
//! Rust type for the round-trip tests.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::{CrateConfig, SpecInput};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let golden = manifest.join("../codegen/tests/golden");
    println!("cargo::rerun-if-changed={}", golden.display());
    // The generated modules gate their client, tracing and mock server behind these features;
    // here the client and the mock server are always on, so every fixture's mock module is
    // compiled too.
    let features: Vec<String> = codegen::emit::crate_features().iter().map(|f| format!("{f:?}")).collect();
    println!("cargo::rustc-check-cfg=cfg(feature, values({}))", features.join(", "));
    println!("cargo::rustc-cfg=feature=\"client\"");
    println!("cargo::rustc-cfg=feature=\"mock\"");

    let mut fixtures: Vec<(String, PathBuf)> = fs::read_dir(&golden)
        .expect("the golden fixtures")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter_map(|dir| {
            let spec = ["spec.yaml", "spec.json"].iter().map(|f| dir.join(f)).find(|p| p.exists())?;
            Some((dir.file_name()?.to_string_lossy().into_owned(), spec))
        })
        .collect();
    fixtures.sort();
    let inputs: Vec<SpecInput> = fixtures
        .iter()
        .map(|(name, spec)| {
            let mut input = SpecInput::read(spec, &format!("{name}/{}", spec.file_name().unwrap().to_string_lossy()))
                .unwrap_or_else(|e| panic!("{e}"));
            input.settings.module = Some(name.clone());
            input
        })
        .collect();
    let config =
        CrateConfig { package: "fixture-tests".into(), version: "0.1.0".into(), description: None, standalone: true };
    // Each fixture is modelled once: the same models give the files and, below, the modules and types.
    let apis = codegen::build_apis(&inputs).unwrap_or_else(|e| panic!("{e}"));
    let generated =
        codegen::generate_apis(&config, &apis, "fixture-tests build script").unwrap_or_else(|e| panic!("{e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixtures");
    for file in &generated.files {
        let path = out.join(&file.path);
        fs::create_dir_all(path.parent().expect("a file in a folder")).expect("creating a folder in OUT_DIR");
        fs::write(&path, &file.contents).expect("writing into OUT_DIR");
    }

    let mut root = String::new();
    let module = |root: &mut String, name: &str, path: &Path| {
        let _ = writeln!(root, "#[path = {:?}]\npub mod {name};", path.display().to_string());
    };
    // As the generated crate's root declares it: request builders use the runtime's macro. The
    // runtime's own source rather than its copy: the copy leaves out the runtime's unit tests,
    // which run here, once for the workspace (see `codegen::emit::krate::runtime_text`).
    root.push_str("#[macro_use]\n");
    module(&mut root, "runtime", &manifest.join("../codegen/runtime/mod.rs"));
    let mut table = String::new();
    for (api, (name, spec)) in apis.iter().zip(&fixtures) {
        // The module the generator chose, which is the fixture's name unless that name is taken.
        let module_name = api.module.to_string();
        module(&mut root, &module_name, &out.join(format!("src/{module_name}/mod.rs")));
        let types_path = format!("crate::{module_name}::types::");
        for (id, def) in api.types.iter().enumerate().filter(|(_, d)| d.origin.starts_with("/components/schemas/")) {
            // A replaced schema's type is the replacement (`[replace-types]`), by its path from the crate root.
            let ty = codegen::model::TypeRef::Named(codegen::model::TypeId(id));
            let rust_type = codegen::model::RustType::of(api, &ty).text(&types_path);
            let _ = writeln!(table, "        ({name:?}, {:?}) => Some(check::<{rust_type}>(value)),", def.origin);
        }
        let _ = writeln!(table, "        // {}", spec.display());
    }
    let _ = write!(
        root,
        "/// Decodes `value` as the type generated for the component schema at `pointer` of `fixture`, and\n\
         /// encodes it again: `None` when there is no such type.\n\
         pub fn round_trip(fixture: &str, pointer: &str, value: serde_json::Value) -> Option<crate::RoundTrip> {{\n\
         \x20   use crate::check;\n\
         \x20   match (fixture, pointer) {{\n{table}        _ => None,\n    }}\n}}\n"
    );
    fs::write(out.join("root.rs"), root).expect("writing into OUT_DIR");
}
