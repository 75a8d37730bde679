//! The deviation records as a generated crate's runtime exports them: reported inside a decoding
//! scope with a sink, nothing outside one, and written as JSON lines.

use fixture_tests::runtime::{self, Deviation, DeviationKind, DeviationLog, DeviationSink, JsonLines};
use serde_json::json;

#[test]
fn a_report_reaches_the_sink_only_inside_a_scope() {
    let log = DeviationLog::new();
    let sink = log.sink();
    let kind = || DeviationKind::UnknownEnumValue { value: "paused".into() };

    runtime::report(kind(), None, "/components/schemas/Status", None);
    let decoded = runtime::observe_operation(None, "shop", "getPet", 200, || {
        assert!(!runtime::listening(), "no sink, no scope");
        7
    });
    assert_eq!(decoded, 7);
    runtime::observe_operation(Some(&sink), "shop", "getPet", 200, || {
        runtime::report(kind(), Some("status"), "/components/schemas/Status", Some(&json!("paused")));
    });
    let seen = log.take();
    assert_eq!(seen.len(), 1, "the report outside a scope went nowhere");
    assert_eq!((seen[0].operation.as_str(), seen[0].status), ("getPet", Some(200)));
    assert_eq!(seen[0].payload_pointer, "/status", "the key, from the root of a body decoded outside a tracked path");
}

#[test]
fn json_lines_are_one_record_a_line() {
    let lines = JsonLines::new(Vec::new());
    let deviation =
        Deviation::new("shop", "getPet", Some(418), DeviationKind::UndeclaredStatus, "/paths/~1pets/get/responses")
            .with_seen(&json!({"message": "x".repeat(200)}));
    lines.record(deviation.clone());
    lines.record(deviation);
    let text = String::from_utf8(lines.into_inner()).unwrap();
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["kind"], "undeclared_status");
    assert_eq!(records[0]["seen"]["type"], "object");
    let excerpt = records[0]["seen"]["excerpt"].as_str().unwrap();
    assert_eq!(excerpt.chars().count(), 81, "80 characters and an ellipsis: {excerpt}");
}

/// Unions that fall back to their catch-all report it: an untagged union's value no member takes
/// (the value as `seen`), and a tag no member has (pointing at the tag).
#[test]
fn unions_report_the_values_they_keep_unknown() {
    use fixture_tests::{tagged_unions, unions};
    let log = DeviationLog::new();
    let sink = log.sink();
    let (pet, digest) = runtime::observe_operation(Some(&sink), "shop", "getPet", 200, || {
        let pet: unions::types::Pet = serde_json::from_value(json!(42)).unwrap();
        let digest: tagged_unions::types::Digest = serde_json::from_value(json!({"type": "blake3"})).unwrap();
        (pet, digest)
    });
    assert_eq!(pet, unions::types::Pet::Unknown(json!(42)));
    assert_eq!(digest, tagged_unions::types::Digest::Unknown(json!({"type": "blake3"})));
    let seen = log.take();
    let found: Vec<(&DeviationKind, &str, &str)> =
        seen.iter().map(|d| (&d.kind, d.spec_pointer.as_str(), d.payload_pointer.as_str())).collect();
    assert_eq!(
        found,
        [
            (&DeviationKind::UnknownVariant { tag: None }, "/components/schemas/Pet", ""),
            (&DeviationKind::UnknownVariant { tag: Some("blake3".into()) }, "/components/schemas/Digest", "/type"),
        ]
    );
    assert_eq!(seen[0].seen.as_ref().map(|s| s.excerpt.as_str()), Some("42"));
}
