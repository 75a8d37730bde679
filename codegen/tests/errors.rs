//! Error golden tests: each spec in `tests/errors/` is broken in one way (with, where the case
//! needs them, a settings file or an overlay beside it), and `<name>.expected` holds exactly
//! what the generator says about it: the error, or for a spec that generates with parts left out,
//! its warnings. The messages are reviewed like code.
//!
//! To accept new messages after a deliberate change:
//! `UPDATE_GOLDEN=1 cargo test -p codegen --test errors`, then review the diff.

use std::fs;
use std::path::Path;

use codegen::SpecInput;

#[test]
fn every_broken_spec_gets_its_expected_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut specs: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.ends_with(".yaml") || name.ends_with(".json")) && !name.contains(".overlay.")
        })
        .collect();
    specs.sort();
    assert!(specs.len() >= 15, "the broken specs are missing from {}", dir.display());

    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        let said = match SpecInput::read(spec, &format!("errors/{name}")).and_then(|input| codegen::build_api(&input)) {
            Err(error) => format!("error: {error}\n"),
            Ok(api) => {
                api.warnings.iter().map(|w| format!("warning: {}\n", w.render(&format!("errors/{name}")))).collect()
            }
        };
        assert!(!said.is_empty(), "{name}: generates cleanly; a broken spec must get an error or a warning");
        let expected_path = spec.with_extension("expected");
        if update {
            fs::write(&expected_path, &said).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if said != expected {
            failures.push(format!("{name}:\n  expected: {}  got:      {}", expected, said));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nif the new messages are intended, run `UPDATE_GOLDEN=1 cargo test -p codegen --test errors`",
        failures.join("\n")
    );
}

#[test]
fn an_unreadable_file_is_named_with_the_os_reason() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors/no-such-spec.yaml");
    let error = SpecInput::read(&missing, "specs/no-such-spec.yaml").unwrap_err().to_string();
    assert!(error.starts_with("specs/no-such-spec.yaml: cannot read the file: "), "{error}");
}
