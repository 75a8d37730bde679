//! Golden tests: each folder in `tests/golden/` holds a small spec exercising one feature
//! (`spec.yaml` or `spec.json`, optional settings in `spec.toml`) and, in `expected/`, the files the
//! generator must write for it, byte for byte. The runtime, the same for every crate, is left out.
//!
//! To accept new output after a deliberate change: `UPDATE_GOLDEN=1 cargo test -p codegen --test golden`,
//! then review the diff like any other code.

use std::fs;
use std::path::Path;

use codegen::write::{self, Drift, Mode};
use codegen::{CrateConfig, SpecInput};

const UPDATE_SWITCH: &str = "UPDATE_GOLDEN";

#[test]
fn every_fixture_generates_its_expected_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mode = if std::env::var_os(UPDATE_SWITCH).is_some() { Mode::Write } else { Mode::Check };
    let mut fixtures: Vec<_> = fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= 10, "the fixtures are missing from {}", root.display());

    let mut failures = Vec::new();
    for fixture in &fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let files = generate(fixture, &name);
        let report = write::sync(&fixture.join("expected"), &files, mode).unwrap();
        for drift in report.drift {
            failures.push(match drift {
                Drift::Changed { diff, .. } => format!("{name}:\n{diff}"),
                Drift::Missing { path } => format!("{name}: expected/{path} is missing"),
                Drift::Extra { path } => format!("{name}: expected/{path} is no longer generated"),
            });
        }
    }
    if mode == Mode::Check {
        assert!(
            failures.is_empty(),
            "{}\n\n{} golden files differ; if the change is intended, run `{UPDATE_SWITCH}=1 cargo test -p codegen --test golden`",
            failures.join("\n"),
            failures.len()
        );
    }
}

fn generate(fixture: &Path, name: &str) -> Vec<codegen::GeneratedFile> {
    let spec = ["spec.yaml", "spec.json"].iter().map(|f| fixture.join(f)).find(|p| p.exists()).expect("a spec file");
    let extension = spec.extension().unwrap().to_string_lossy();
    // Named after the fixture, so the module is too; settings come from `spec.toml` beside it.
    let input = SpecInput::read(&spec, &format!("{name}.{extension}")).unwrap_or_else(|e| panic!("{name}: {e}"));
    let config = CrateConfig {
        package: format!("golden-{}", name.replace('_', "-")),
        version: "0.1.0".into(),
        description: Some(format!("Golden fixture {name}")),
        standalone: true,
    };
    let generated = codegen::generate(&config, &[input], "golden test").unwrap_or_else(|e| panic!("{name}: {e}"));
    generated.files.into_iter().filter(|f| !f.path.starts_with("src/runtime/")).collect()
}
