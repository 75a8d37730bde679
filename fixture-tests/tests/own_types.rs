//! The settings' derives and replaced types, used as a caller would: the `derives` fixture's types
//! go into hash sets and sorted sets (`derives = ["Eq", "Hash"]`, `Tag = ["Ord"]`), and the
//! `replace_types` fixture's types hold the caller's own `Money` wherever the spec has one.

use std::collections::{BTreeSet, HashSet};

use fixture_tests::derives::types::{Animal, Pet, Status, Tag};
use fixture_tests::money::Money;
use fixture_tests::replace_types::types::{Invoice, Payment};
use serde_json::json;

fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

#[test]
fn every_type_hashes_and_tag_sorts() {
    let pet: Pet = decode(json!({"kind": "Pet", "id": 1, "name": "Rex", "status": "sold", "attributes": {"a": [1.5]}}));
    let animal: Animal = decode(json!({"kind": "Pet", "id": 1, "name": "Rex"}));
    let mut pets = HashSet::new();
    assert!(pets.insert(pet.clone()));
    assert!(!pets.insert(pet), "an equal pet hashes alike");
    assert!(HashSet::from([animal.clone()]).contains(&animal));
    assert!(HashSet::from([Status::Sold]).contains(&Status::Sold));

    let tags: BTreeSet<Tag> = [
        decode(json!({"label": "b"})),
        decode(json!({"label": "a", "origin": {"source": "x"}, "scores": {"k": 2}})),
        decode(json!({"label": "a"})),
    ]
    .into_iter()
    .collect();
    let labels: Vec<(&str, bool)> = tags.iter().map(|t| (t.label.as_str(), t.origin.is_some())).collect();
    assert_eq!(labels, [("a", false), ("a", true), ("b", false)], "ordered field by field, in declaration order");
}

#[test]
fn the_replacement_is_used_in_fields_lists_maps_and_unions() {
    let euros = |amount: &str| Money { amount: amount.into(), currency: "EUR".into() };
    let invoice: Invoice = decode(json!({
        "id": "in_1",
        "total": {"amount": "3.00", "currency": "EUR"},
        "lines": [{"amount": "1.00", "currency": "EUR"}, {"amount": "2.00", "currency": "EUR"}],
        "by_currency": {"EUR": {"amount": "3.00", "currency": "EUR"}},
        "payment": {"amount": "3.00", "currency": "EUR"},
        "metadata": {"order": "42"}
    }));
    assert_eq!(invoice.total, euros("3.00"));
    assert_eq!(invoice.lines, Some(vec![euros("1.00"), euros("2.00")]));
    assert_eq!(invoice.by_currency.as_ref().unwrap()["EUR"], euros("3.00"));
    assert_eq!(invoice.payment, Some(Payment::Money(euros("3.00"))));
    assert_eq!(invoice.metadata.as_ref().unwrap()["order"], "42");
    // `Invoice` derives `Hash` (`[type-derives]`), which the replacements implement.
    assert!(HashSet::from([invoice.clone()]).contains(&invoice));
    let voucher: Payment = decode(json!("SPRING"));
    assert_eq!(voucher, Payment::String("SPRING".into()));
}
