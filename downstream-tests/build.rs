//! Generates two golden fixtures into modules of this crate, with their runtime, as a downstream
//! build script would: `streaming` (typed and text server-sent events) and `parameters` (query
//! parameters in every style, a header, a required one).

use std::fs;
use std::path::PathBuf;

use codegen::{CrateConfig, SpecInput};

const FIXTURES: &[&str] = &["streaming", "parameters"];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo::rerun-if-changed={}", manifest.join("../codegen/runtime").display());
    // The generated modules gate their client and mock server behind these features.
    let features: Vec<String> = codegen::emit::crate_features().iter().map(|f| format!("{f:?}")).collect();
    println!("cargo::rustc-check-cfg=cfg(feature, values({}))", features.join(", "));
    println!("cargo::rustc-cfg=feature=\"client\"");
    println!("cargo::rustc-cfg=feature=\"mock\"");
    let inputs: Vec<SpecInput> = FIXTURES
        .iter()
        .map(|name| {
            let spec = manifest.join(format!("../codegen/tests/golden/{name}/spec.yaml"));
            println!("cargo::rerun-if-changed={}", spec.display());
            let mut input = SpecInput::read(&spec, &format!("{name}/spec.yaml")).unwrap_or_else(|e| panic!("{e}"));
            input.settings.module = Some(name.to_string());
            input
        })
        .collect();
    let config = CrateConfig {
        package: "downstream-tests".into(),
        version: "0.1.0".into(),
        description: None,
        standalone: true,
    };
    let apis = codegen::build_apis(&inputs).unwrap_or_else(|e| panic!("{e}"));
    let generated =
        codegen::generate_apis(&config, &apis, "downstream-tests build script").unwrap_or_else(|e| panic!("{e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixtures");
    for file in generated.files.iter().filter(|f| f.path.starts_with("src/")) {
        let path = out.join(&file.path);
        fs::create_dir_all(path.parent().expect("a file in a folder")).expect("creating a folder in OUT_DIR");
        fs::write(&path, &file.contents).expect("writing into OUT_DIR");
    }
    let module =
        |name: &str| format!("#[path = {:?}]\npub mod {name};\n", out.join(format!("src/{name}/mod.rs")).display());
    // As the generated crate's root declares it: request builders use the runtime's macro.
    let root: String = std::iter::once("#[macro_use]\n".to_string())
        .chain(std::iter::once("runtime").chain(FIXTURES.iter().copied()).map(module))
        .collect();
    fs::write(out.join("root.rs"), root).expect("writing into OUT_DIR");
}
