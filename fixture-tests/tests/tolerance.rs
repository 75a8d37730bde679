//! The decoding table (README, "Decoding what the service sends"), row by row, on the
//! `decode_tolerance` fixture's types: what is tolerated decodes as the table says, what would be
//! a guess is refused. (The row of an enum value the spec does not list is drift.rs's: its
//! fixture has the enum.)

use fixture_tests::decode_tolerance::types::{Closed, Listing};
use serde_json::json;

fn listing(value: serde_json::Value) -> Result<Listing, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[test]
fn tolerated_absences_decode_as_the_table_says() {
    let listing = listing(json!({"name": "n"})).unwrap();
    assert_eq!(listing.expires_at, None);
    assert!(listing.items.is_empty() && listing.labels.is_empty());
    // Written back as the description has it: the required properties present.
    let encoded = serde_json::to_value(&listing).unwrap();
    assert_eq!(encoded, json!({"name": "n", "expires_at": null, "items": [], "labels": {}}));
}

#[test]
fn null_for_an_optional_property_that_may_not_be_null_is_as_if_absent() {
    let listing_with_null = listing(json!({"name": "n", "note": null})).unwrap();
    assert_eq!(listing_with_null.note, None);
    assert!(listing_with_null.additional_properties.is_empty(), "read as the declared property");
    assert_eq!(listing_with_null, listing(json!({"name": "n"})).unwrap());
    let encoded = serde_json::to_value(&listing_with_null).unwrap();
    assert_eq!(encoded, json!({"name": "n", "expires_at": null, "items": [], "labels": {}}), "written back absent");
    assert_eq!(listing(json!({"name": "n", "note": "kept"})).unwrap().note.as_deref(), Some("kept"));
}

#[test]
fn guesses_are_refused() {
    let missing = listing(json!({"expires_at": 1, "items": [], "labels": {}})).unwrap_err();
    assert!(missing.starts_with("missing field `name`"), "{missing}");
    let null = listing(json!({"name": null})).unwrap_err();
    assert!(null.starts_with("invalid type: null"), "{null}");
    let other_type = listing(json!({"name": "n", "items": "a"})).unwrap_err();
    assert!(other_type.starts_with("invalid type: string"), "{other_type}");
}

#[test]
fn undeclared_properties_are_kept_unless_the_schema_forbids_them() {
    let value = json!({"name": "n", "later": {"x": [1]}, "expires_at": 2, "also": null});
    let listing = listing(value.clone()).unwrap();
    let kept: Vec<&str> = listing.additional_properties.iter().map(|(key, _)| key).collect();
    assert_eq!(kept, ["later", "also"]);
    let encoded = serde_json::to_value(&listing).unwrap();
    assert_eq!(encoded["later"], json!({"x": [1]}));
    assert_eq!(encoded["also"], json!(null));

    let closed: Closed = serde_json::from_value(json!({"id": "a", "other": 1})).unwrap();
    assert_eq!(serde_json::to_value(&closed).unwrap(), json!({"id": "a"}));
}
