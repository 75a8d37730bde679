//! The guarantee of the generated types: any JSON value valid against a component schema of a
//! golden fixture decodes into its type (never into a catch-all), and encodes back to the same
//! JSON. Values come from the spec (`fixture_tests::values`), not from the generated code.

use std::path::Path;

use fixture_tests::{RoundTrip, holds_catch_all, round_trip, same_json, values};
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const CASES: u32 = 48;

#[test]
fn schema_valid_values_round_trip_through_every_fixture() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/golden");
    let mut fixtures: Vec<_> = std::fs::read_dir(&golden).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in fixtures {
        let Some(spec) = ["spec.yaml", "spec.json"].iter().map(|f| dir.join(f)).find(|p| p.exists()) else { continue };
        let fixture = dir.file_name().unwrap().to_string_lossy().into_owned();
        let input = codegen::SpecInput::read(&spec, &spec.display().to_string()).unwrap();
        let loaded = codegen::load::load(&input.file, &input.text).unwrap();
        let names: Vec<String> = loaded.openapi.components.iter().flat_map(|c| c.schemas.keys().cloned()).collect();
        for name in names {
            let pointer = format!("/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"));
            let strategy = values::component(&loaded.openapi, &name, input.settings.formats);
            let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
            let outcome = runner.run(&strategy, |value| match round_trip(&fixture, &pointer, value.clone()) {
                None => Err(TestCaseError::fail("no generated type for this schema")),
                Some(RoundTrip::Refused(reason)) => {
                    Err(TestCaseError::fail(format!("{value} does not decode: {reason}")))
                }
                Some(RoundTrip::Encoded { debug, .. }) if holds_catch_all(&debug) => {
                    Err(TestCaseError::fail(format!("{value} decodes into a catch-all: {debug}")))
                }
                Some(RoundTrip::Encoded { json, .. }) if !same_json(&value, &json) => {
                    Err(TestCaseError::fail(format!("{value} comes back as {json}")))
                }
                Some(RoundTrip::Encoded { .. }) => Ok(()),
            });
            checked += 1;
            if let Err(e) = outcome {
                failures.push(format!("{fixture} {pointer}: {e}"));
            }
        }
    }
    assert!(checked > 30, "only {checked} schemas were checked");
    assert!(failures.is_empty(), "{} schemas lose data:\n{}", failures.len(), failures.join("\n"));
}

/// An optional nullable property keeps absent apart from `null` (a PATCH body depends on it),
/// and undeclared properties come back, nested ones included, at the top and inside.
#[test]
fn absent_and_null_stay_apart_and_undeclared_properties_come_back() {
    let base = serde_json::json!({
        "id": "k", "expires_at": null, "type": "t", "created_at": "2024-01-02T03:04:05Z",
        "password": "p", "slots": 1,
        "later": {"added": [1, {"by": "the service"}]},
    });
    let mut with_null = base.clone();
    with_null["revoked_at"] = serde_json::Value::Null;
    for value in [base, with_null] {
        match round_trip("nullable_fields", "/components/schemas/Key", value.clone()) {
            Some(RoundTrip::Encoded { json, .. }) => assert!(same_json(&value, &json), "{value} came back as {json}"),
            other => panic!("{value}: {other:?}"),
        }
    }
}
