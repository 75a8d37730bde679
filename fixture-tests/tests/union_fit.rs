//! One rule for which union member a value is: the generated code (the runtime's `decode_union`
//! and `decode_tagged`, given the shapes the emitter writes) and the generator's conformance
//! check of examples (`codegen::model::union_member`, given the model's shapes) both rank members
//! with `runtime/fit.rs`. A table of values per union of the `union_fidelity` fixture goes
//! through both; a ranking or a shape that differs between them (a member's keys, required
//! keys or pinned values written one way and read another) shows as a row that disagrees.

use fixture_tests::union_fidelity::types::{DatabaseConfig, Entry, Event, Quantity};
use serde_json::{Value, json};

/// The fixture's model, as the build script makes it.
fn model() -> codegen::model::Api {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/golden/union_fidelity");
    let mut input = codegen::SpecInput::read(&dir.join("spec.yaml"), "union_fidelity/spec.yaml").unwrap();
    input.settings.module = Some("union_fidelity".into());
    codegen::build_apis(&[input]).unwrap().remove(0)
}

/// The member the conformance check reads `value` as (the one decoding takes), by variant name.
fn checked_as(api: &codegen::model::Api, union: &str, value: &Value) -> Option<String> {
    let def = api.types.iter().find(|def| def.name.as_str() == union).expect("the fixture's union");
    let index = codegen::model::union_member(value, def, &api.types)?;
    Some(match &def.kind {
        codegen::model::TypeKind::Tagged { variants, .. } => variants[index].variant.name.to_string(),
        codegen::model::TypeKind::Untagged { variants, .. } => variants[index].name.to_string(),
        _ => unreachable!("union_member answers for unions only"),
    })
}

/// The member the generated type decodes `value` as, by variant name: `None` when it refuses the
/// value or keeps it as `Unknown`.
fn decoded_as<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: &Value) -> Option<String> {
    let decoded: T = serde_json::from_value(value.clone()).ok()?;
    let debug = format!("{decoded:?}");
    let variant = &debug[..debug.find('(').unwrap_or(debug.len())];
    (variant != "Unknown").then(|| variant.to_string())
}

fn check_rows<T: serde::de::DeserializeOwned + std::fmt::Debug>(union: &str, rows: &[(Value, Option<&str>)]) {
    let api = model();
    for (value, expected) in rows {
        let expected = expected.map(str::to_string);
        let decoded = decoded_as::<T>(value);
        let checked = checked_as(&api, union, value);
        assert_eq!(decoded, expected, "{union}: the generated code decodes {value} as {decoded:?}");
        assert_eq!(checked, expected, "{union}: the conformance check takes {value} as {checked:?}");
    }
}

#[test]
fn members_sharing_a_tag_are_told_apart_alike() {
    check_rows::<Entry>(
        "Entry",
        &[
            (json!({"type": "message", "content": "hi"}), Some("InputMessage")),
            (json!({"type": "message", "content": "hi", "role": "user"}), Some("InputMessage")),
            // Both members hold it (the input message keeps `id` as an undeclared property), but only
            // the output message declares every key: it ranks first.
            (json!({"type": "message", "id": "m1", "content": "hi"}), Some("OutputMessage")),
            (json!({"type": "message", "id": "m1", "content": "hi", "model": "m"}), Some("OutputMessage")),
            (json!({"type": "tool.call", "name": "ls"}), Some("ToolCall")),
            // The input message pins `role` to `user`; the output message does not declare `role`.
            (json!({"type": "message", "content": "hi", "role": "assistant"}), None),
            (json!({"type": "message"}), None),
            (json!({"type": "image", "url": "u"}), None),
        ],
    );
}

#[test]
fn a_tag_named_by_one_member_is_that_member() {
    check_rows::<Event>(
        "Event",
        &[
            (json!({"kind": "started", "at": 5}), Some("Started")),
            (json!({"kind": "failed", "reason": "r"}), Some("Failed")),
            // Named by its tag, refused by its fields: no other member is tried.
            (json!({"kind": "failed"}), None),
            (json!({"kind": "stopped"}), None),
        ],
    );
}

#[test]
fn untagged_members_rank_alike() {
    check_rows::<DatabaseConfig>(
        "DatabaseConfig",
        &[
            (json!({"host": "h", "sslmode": "require"}), Some("Postgres")),
            (json!({"host": "h", "charset": "utf8"}), Some("Mysql")),
            // A tie: declaration order.
            (json!({"host": "h"}), Some("Postgres")),
            (json!({}), Some("Postgres")),
            (json!({"path": "/db"}), Some("Path")),
            (json!({"host": "h", "charset": "utf8", "sslmode": "on"}), None),
            (json!({"host": 3}), None),
            (json!("text"), None),
        ],
    );
}

/// Scalars of distinct JSON types; an integral value is the integer member though the number
/// member comes first, and comes back as sent.
#[test]
fn an_integral_value_is_the_integer_member_in_any_order() {
    check_rows::<Quantity>(
        "Quantity",
        &[
            (json!(3), Some("Integer")),
            (json!(-3), Some("Integer")),
            (json!(3.5), Some("Number")),
            (json!(1e300), Some("Number")),
            (json!("3"), None),
        ],
    );
    let decoded: Quantity = serde_json::from_value(json!(3)).unwrap();
    assert_eq!(serde_json::to_value(decoded).unwrap(), json!(3));
}
