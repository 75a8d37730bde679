//! The settings' `[dependencies]`: the crates a `[replace-types]` path names reach the generated
//! crate's manifest, once; a crate it has already, or two specs that disagree, are errors.

use codegen::settings::DependencySpec;
use codegen::{CrateConfig, Settings, SpecInput};

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Money: {type: object, properties: {amount: {type: string}}}\n    \
                    Invoice: {type: object, properties: {total: {$ref: '#/components/schemas/Money'}}}\n";

fn input(name: &str, dependencies: &[(&str, &str)]) -> SpecInput {
    let settings = Settings {
        replace_types: [("Money".to_string(), "my_types::Money".to_string())].into(),
        dependencies: dependencies.iter().map(|(n, s)| (n.to_string(), DependencySpec(s.to_string()))).collect(),
        file: Some(format!("specs/{name}.toml")),
        ..Settings::default()
    };
    SpecInput { file: format!("specs/{name}.yaml"), text: SPEC.into(), settings, overlay: None, path: None }
}

fn config() -> CrateConfig {
    CrateConfig { package: "x".into(), version: "0.1.0".into(), description: None, standalone: true }
}

#[test]
fn a_dependency_reaches_the_manifest_once() {
    let my_types = ("my_types", "{ path = \"../my-types\" }");
    let generated = codegen::generate(&config(), &[input("a", &[my_types]), input("b", &[my_types])], "test").unwrap();
    let manifest = &generated.files.iter().find(|f| f.path == "Cargo.toml").unwrap().contents;
    assert_eq!(manifest.matches("\nmy_types = { path = \"../my-types\" }\n").count(), 1, "{manifest}");
    let types = &generated.files.iter().find(|f| f.path == "src/a/types.rs").unwrap().contents;
    assert!(types.contains("pub total: Option<my_types::Money>,"), "{types}");
    assert!(!types.contains("pub struct Money"), "{types}");
}

#[test]
fn a_crate_the_generated_crate_has_or_two_entries_for_one_crate_are_errors() {
    let error = codegen::build_apis(&[input("a", &[("serde", "\"1\"")])]).unwrap_err().to_string();
    assert_eq!(
        error,
        "specs/a.toml: invalid settings: `[dependencies]` adds `serde`, which the generated crate already depends \
         on: use it as it is"
    );
    // An optional dependency counts too: the mock servers' wiremock.
    let error = codegen::build_apis(&[input("a", &[("wiremock", "\"0.6\"")])]).unwrap_err().to_string();
    assert_eq!(
        error,
        "specs/a.toml: invalid settings: `[dependencies]` adds `wiremock`, which the generated crate already \
         depends on: use it as it is"
    );
    let specs = [input("a", &[("my_types", "\"1\"")]), input("b", &[("my_types", "\"2\"")])];
    let error = codegen::build_apis(&specs).unwrap_err().to_string();
    assert_eq!(
        error,
        "specs/b.toml: invalid settings: `[dependencies]` gives `my_types` as \"2\", but the settings of \
         specs/a.yaml give it otherwise; one crate has one entry in Cargo.toml: make them the same"
    );
}
