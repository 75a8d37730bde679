//! Deviations raised by a generated client end to end: a loopback service that has moved on from
//! the `drift` fixture's spec (a property added, a required nullable one omitted, a new enum
//! value, an undeclared status, a JSON body sent as another media type), a client with a
//! `JsonLines` sink, and the records it writes. The records of the spec's drift are checked in
//! beside the spec (`codegen/tests/golden/drift/records.jsonl`, accepted with `UPDATE_GOLDEN=1`),
//! where xtask's conformance tests draft the overlay from them: what they read is what a client
//! writes.

use std::path::PathBuf;
use std::sync::Arc;

use fixture_tests::drift::{Client, types};
use fixture_tests::runtime::{self, Deviation, DeviationKind, DeviationSink, JsonLines};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A service ahead of its spec.
async fn drifted_service() -> MockServer {
    let server = MockServer::start().await;
    let key = json!({"id": "k1", "status": "suspended", "region": "eu"});
    Mock::given(method("GET"))
        .and(path("/keys/k1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key))
        .mount(&server)
        .await;
    let gone = json!({"message": "revoked long ago"});
    Mock::given(method("GET"))
        .and(path("/keys/k2"))
        .respond_with(ResponseTemplate::new(410).set_body_json(gone))
        .mount(&server)
        .await;
    let as_text = r#"{"id": "k3", "expires_at": null, "status": "active"}"#;
    Mock::given(method("GET"))
        .and(path("/keys/k3"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(as_text, "text/plain"))
        .mount(&server)
        .await;
    server
}

/// The calls, as a caller sees them, with or without a sink: deviations change nothing they get.
async fn calls(client: &Client) {
    let key = client.get_key("k1").send().await.expect("a drifted key still decodes");
    assert_eq!(key.id, "k1");
    assert_eq!(key.expires_at, None, "a required nullable property absent is no value");
    assert_eq!(key.status, types::Status::Unknown("suspended".into()));
    assert_eq!(key.additional_properties.get("region"), Some(&json!("eu")));
    let gone = client.get_key("k2").send().await.expect_err("410 is not declared");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(410));
    let text = client.get_key("k3").send().await.expect("JSON under another media type still decodes");
    assert_eq!(text.status, types::Status::Active);
}

fn records_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/golden/drift/records.jsonl")
}

#[tokio::test]
async fn a_client_records_how_the_service_differs_from_its_spec() {
    let server = drifted_service().await;
    let lines = Arc::new(JsonLines::new(Vec::new()));
    let client = Client::builder().base_url(server.uri()).deviations(lines.clone()).build().unwrap();
    calls(&client).await;
    drop(client);
    let text = String::from_utf8(Arc::into_inner(lines).expect("the client is gone").into_inner()).unwrap();
    let records: Vec<Deviation> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let seen: Vec<(&str, Option<u16>, &DeviationKind, &str, &str)> = records
        .iter()
        .map(|r| (r.operation.as_str(), r.status, &r.kind, r.spec_pointer.as_str(), r.payload_pointer.as_str()))
        .collect();
    let undeclared = DeviationKind::UndeclaredProperty { property: "region".into() };
    let unknown = DeviationKind::UnknownEnumValue { value: "suspended".into() };
    let missing = DeviationKind::MissingProperty { property: "expires_at".into() };
    let media_type = DeviationKind::UndeclaredMediaType { media_type: "text/plain".into() };
    assert_eq!(
        seen,
        [
            ("getKey", Some(200), &unknown, "/components/schemas/Status", "/status"),
            ("getKey", Some(200), &undeclared, "/components/schemas/Key", "/region"),
            ("getKey", Some(200), &missing, "/components/schemas/Key", ""),
            ("getKey", Some(410), &DeviationKind::UndeclaredStatus, "/paths/~1keys~1{id}/get/responses", ""),
            ("getKey", Some(200), &media_type, "/paths/~1keys~1{id}/get/responses/200/content", ""),
        ]
    );
    assert!(records.iter().all(|r| r.api == "drift"), "the module names the API: {records:?}");
    assert_eq!(records[1].seen.as_ref().map(|s| s.excerpt.as_str()), Some(r#""eu""#));
    assert_eq!(records[3].seen.as_ref().map(|s| s.excerpt.as_str()), Some(r#"{"message":"revoked long ago"}"#));

    // Every record is what xtask's conformance tests read.
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(records_file(), &text).unwrap();
    }
    let checked_in = std::fs::read_to_string(records_file()).expect("records.jsonl beside the drift spec");
    assert_eq!(checked_in, text, "accept a change with UPDATE_GOLDEN=1 cargo test -p fixture-tests --test drift");
}

/// The client of the spec with the drafted overlay (`drift_overlaid`, kept by xtask's
/// conformance test from these records): on the same traffic, every drafted record disappears,
/// and what is left is the record `cargo xtask conformance` reports for review only, never
/// drafts (the JSON sent as `text/plain`), as the fixture's client wrote it.
#[tokio::test]
async fn against_the_overlaid_spec_only_what_was_left_for_review_deviates() {
    use fixture_tests::drift_overlaid::{self, responses::GetKeyError};
    let server = drifted_service().await;
    let lines = Arc::new(JsonLines::new(Vec::new()));
    let client = drift_overlaid::Client::builder().base_url(server.uri()).deviations(lines.clone()).build().unwrap();
    let key = client.get_key("k1").send().await.unwrap();
    assert_eq!(key.region.as_deref(), Some("eu"));
    assert_eq!(key.status, drift_overlaid::types::Status::Suspended);
    assert_eq!(key.expires_at, None, "optional now, and absent");
    let runtime::Error::Api(gone) = client.get_key("k2").send().await.unwrap_err() else {
        panic!("410 is declared now")
    };
    assert!(matches!(gone.body(), Some(GetKeyError::Gone(_))), "{gone:?}");
    client.get_key("k3").send().await.unwrap();
    drop(client);
    let text = String::from_utf8(Arc::into_inner(lines).expect("the client is gone").into_inner()).unwrap();
    // The same records but for the API's name (the overlaid fixture is another module).
    let left: Vec<Deviation> =
        text.lines().map(|line| Deviation { api: "drift".into(), ..serde_json::from_str(line).unwrap() }).collect();
    let checked_in = std::fs::read_to_string(records_file()).expect("records.jsonl beside the drift spec");
    let for_review: Vec<Deviation> = checked_in
        .lines()
        .map(|line| serde_json::from_str::<Deviation>(line).unwrap())
        .filter(|r| matches!(r.kind, DeviationKind::UndeclaredMediaType { .. }))
        .collect();
    assert_eq!(for_review.len(), 1, "{checked_in}");
    assert_eq!(left, for_review);
}

#[tokio::test]
async fn without_a_sink_the_calls_are_the_same() {
    let server = drifted_service().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    calls(&client).await;
}

#[tokio::test]
async fn a_sink_may_be_any_function() {
    let server = drifted_service().await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let collect = Arc::clone(&seen);
    let sink: Arc<dyn DeviationSink> = Arc::new(move |d: Deviation| collect.lock().unwrap().push(d.kind));
    let client = Client::builder().base_url(server.uri()).deviations(sink).build().unwrap();
    client.get_key("k2").send().await.unwrap_err();
    assert_eq!(*seen.lock().unwrap(), [DeviationKind::UndeclaredStatus]);
}
