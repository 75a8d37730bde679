//! The same spec gives the same bytes: twice in a row, and with every map under `components`
//! listed in reverse order (an order that carries no meaning).

use std::path::Path;

use codegen::{CrateConfig, GeneratedFile, SpecInput};
use serde_json::Value;

fn generate(text: String) -> Vec<GeneratedFile> {
    let config =
        CrateConfig { package: "determinism".into(), version: "0.1.0".into(), description: None, standalone: true };
    let input = SpecInput { file: "spec.json".into(), text, settings: Default::default(), overlay: None, path: None };
    codegen::generate(&config, &[input], "test").unwrap().files
}

fn reverse_maps(value: &mut Value) {
    if let Value::Object(map) = value {
        let reversed: serde_json::Map<String, Value> =
            std::mem::take(map).into_iter().collect::<Vec<_>>().into_iter().rev().collect();
        *map = reversed;
    }
}

#[test]
fn output_depends_only_on_the_spec_not_on_runs_or_component_order() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    for name in ["blaxel-controlplane.yml", "oxide-nexus.json"] {
        let text = std::fs::read_to_string(corpus.join(name)).unwrap();
        let mut document = codegen::load::parse_document(name, &text).unwrap();
        let json = serde_json::to_string(&document).unwrap();
        let first = generate(json.clone());
        assert_eq!(first, generate(json), "{name}: two runs differ");

        let components = document.get_mut("components").and_then(Value::as_object_mut).unwrap();
        reverse_maps(components.get_mut("schemas").unwrap());
        for section in components.values_mut() {
            reverse_maps(section);
        }
        let reordered = generate(serde_json::to_string(&document).unwrap());
        for (a, b) in first.iter().zip(&reordered) {
            assert_eq!(a.path, b.path);
            if a.contents != b.contents {
                panic!(
                    "{name}: reordering components changed {}:\n{}",
                    a.path,
                    codegen::write::unified_diff(&a.path, &a.contents, &b.contents)
                );
            }
        }
        assert_eq!(first.len(), reordered.len());
    }
}
