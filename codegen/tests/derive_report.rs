//! The change report on the settings' derives: a derive removed from a type breaks callers, one
//! added does not, and the API manifest lists only the derives the settings add.

use codegen::report::{Manifest, Severity, What, compare};
use codegen::settings::Derive;
use codegen::{Settings, SpecInput};

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Tag: {type: object, additionalProperties: false, properties: {label: {type: string}}}\n    \
                    Status: {type: string, enum: [a, b]}\n";

fn manifest(derives: &[Derive]) -> Manifest {
    let settings = Settings { derives: derives.to_vec(), ..Settings::default() };
    let input = SpecInput { file: "specs/t.yaml".into(), text: SPEC.into(), settings, overlay: None, path: None };
    Manifest::of(&codegen::build_api(&input).unwrap(), "test")
}

#[test]
fn a_derive_removed_breaks_and_one_added_does_not() {
    let (plain, hashed, ordered) = (manifest(&[]), manifest(&[Derive::Hash]), manifest(&[Derive::Ord]));
    assert!(plain.derives.is_empty(), "string enums' own Eq and Hash are not the settings': {:?}", plain.derives);
    assert_eq!(hashed.derives["Tag"], ["Hash"]);
    assert_eq!(ordered.derives["Status"], ["PartialOrd", "Ord"]);
    let changes: Vec<(Severity, String, What)> =
        compare(&hashed, &ordered).changes.into_iter().map(|c| (c.severity, c.name, c.change)).collect();
    assert_eq!(
        changes,
        [
            (Severity::Breaking, "Tag: Hash".to_string(), What::Removed),
            (Severity::Compatible, "Status: PartialOrd".to_string(), What::Added),
            (Severity::Compatible, "Status: Ord".to_string(), What::Added),
            (Severity::Compatible, "Tag: Eq".to_string(), What::Added),
            (Severity::Compatible, "Tag: PartialOrd".to_string(), What::Added),
            (Severity::Compatible, "Tag: Ord".to_string(), What::Added),
        ]
    );
}
