//! What the generation benchmarks share: the specs measured and how one generation is run.

use std::sync::LazyLock;

use codegen::{CrateConfig, GeneratedCrate, SpecInput};

/// The specs measured, as paths from the workspace root: the vendored ones, then the corpus
/// (Blaxel's corpus copy is the vendored spec, so it is measured once).
pub const SPECS: &[&str] = &[
    "specs/devin-v3.yaml",
    "specs/blaxel-controlplane.yaml",
    "../shared/corpus/twilio-messaging-v1.json",
    "../shared/corpus/oxide-nexus.json",
    "../shared/corpus/prefect-server.json",
];

pub const COMMAND: &str = "cargo bench";

/// A listed spec, read once with its settings and overlay.
pub fn input(spec: &str) -> &'static SpecInput {
    static INPUTS: LazyLock<Vec<SpecInput>> = LazyLock::new(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        SPECS
            .iter()
            .map(|spec| {
                SpecInput::read(&root.join(spec), spec).unwrap_or_else(|e| panic!("{spec} cannot be read: {e}"))
            })
            .collect()
    });
    &INPUTS[SPECS.iter().position(|s| *s == spec).expect("a listed spec")]
}

pub fn config() -> CrateConfig {
    CrateConfig { package: "bench".into(), version: "0.1.0".into(), description: None, standalone: true }
}

/// What `cargo xtask regenerate` does for one spec, in memory.
pub fn generate(input: &SpecInput) -> GeneratedCrate {
    codegen::generate(&config(), std::slice::from_ref(input), COMMAND).expect("the spec generates")
}
