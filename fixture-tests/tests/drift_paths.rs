//! Where deviation records point, end to end: a loopback service that drifts from the
//! `drift_paths` fixture deep in its bodies, in responses the spec keys by a range or `default`,
//! in an event stream and a streamed download, and in the media types it answers with; a client
//! with a sink, and the records it gets.

use fixture_tests::drift_paths::{Client, types};
use fixture_tests::runtime::{self, Deviation, DeviationKind, DeviationLog};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client whose records are kept, and the log they are kept in.
fn observed(server: &MockServer) -> (Client, DeviationLog) {
    let log = DeviationLog::new();
    (Client::builder().base_url(server.uri()).deviations(log.sink()).build().unwrap(), log)
}

async fn answer(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(method("GET")).and(path(at)).respond_with(response).up_to_n_times(1).mount(server).await;
}

/// Each record as (operation, status, kind, spec pointer, payload pointer).
fn described(records: &[Deviation]) -> Vec<(String, Option<u16>, DeviationKind, String, String)> {
    records
        .iter()
        .map(|r| (r.operation.clone(), r.status, r.kind.clone(), r.spec_pointer.clone(), r.payload_pointer.clone()))
        .collect()
}

fn undeclared(property: &str) -> DeviationKind {
    DeviationKind::UndeclaredProperty { property: property.into() }
}

fn unknown(value: &str) -> DeviationKind {
    DeviationKind::UnknownEnumValue { value: value.into() }
}

const PAGE: &str = r#"{
    "data": [
        {"id": "a"},
        {"id": "b", "status": "suspended", "owner": {"user": "u", "role": "owner"}}
    ],
    "labels": {"env": {"value": "prod", "color": "red"}, "a/b~c": {"shade": 1}},
    "cursor": "x"
}"#;

/// The pointers run from the body's root through array items, map values and a union's member,
/// escaped as RFC 6901 says; and the body decodes the same with a sink or without.
#[tokio::test]
async fn payload_pointers_run_from_the_body_root() {
    let server = MockServer::start().await;
    let page = || ResponseTemplate::new(200).set_body_raw(PAGE, "application/json");
    answer(&server, "/keys", page()).await;
    let (client, seen) = observed(&server);
    let listened = client.list_keys().send().await.unwrap().into_body();
    let records = seen.take();
    let pointers: Vec<(DeviationKind, &str, &str)> =
        records.iter().map(|r| (r.kind.clone(), r.payload_pointer.as_str(), r.spec_pointer.as_str())).collect();
    assert_eq!(
        pointers,
        [
            (unknown("suspended"), "/data/1/status", "/components/schemas/Key/properties/status"),
            (unknown("owner"), "/data/1/owner/role", "/components/schemas/User/properties/role"),
            (undeclared("color"), "/labels/env/color", "/components/schemas/Label"),
            (undeclared("shade"), "/labels/a~1b~0c/shade", "/components/schemas/Label"),
            (undeclared("cursor"), "/cursor", "/components/schemas/KeyPage"),
        ]
    );
    assert!(records.iter().all(|r| (r.operation.as_str(), r.status) == ("listKeys", Some(200))), "{records:?}");

    answer(&server, "/keys", page()).await;
    let unheard = Client::builder().base_url(server.uri()).build().unwrap();
    let plain = unheard.list_keys().send().await.unwrap().into_body();
    assert_eq!(plain, listened, "decoding tracked and untracked gives the same value");
    assert_eq!(plain.data[1].status, Some(types::KeyStatus::Unknown("suspended".into())));
}

/// A declared response whose body does not match points at the response as the spec keys it:
/// `4XX`, `default`; not at the status that came.
#[tokio::test]
async fn mismatched_bodies_point_at_the_response_key_the_spec_writes() {
    let server = MockServer::start().await;
    answer(&server, "/keys", ResponseTemplate::new(404).set_body_json(json!({"message": 5}))).await;
    answer(&server, "/keys/export", ResponseTemplate::new(409).set_body_json(json!({"message": false}))).await;
    let (client, seen) = observed(&server);
    let error = client.list_keys().send().await.unwrap_err();
    let runtime::Error::Api(error) = error else { panic!("a declared 4XX: {error:?}") };
    assert!(error.is_undecoded());
    let error = client.export_keys().send().await.unwrap_err();
    assert!(matches!(&error, runtime::Error::Api(e) if e.is_undecoded()), "{error:?}");
    let records = seen.take();
    let pointers: Vec<(&str, Option<u16>, &str)> =
        records.iter().map(|r| (r.operation.as_str(), r.status, r.spec_pointer.as_str())).collect();
    assert_eq!(
        pointers,
        [
            ("listKeys", Some(404), "/paths/~1keys/get/responses/4XX"),
            ("exportKeys", Some(409), "/paths/~1keys~1export/get/responses/default"),
        ]
    );
    assert!(records.iter().all(|r| matches!(r.kind, DeviationKind::MismatchedBody { .. })), "{records:?}");
}

/// An event that deviates is reported with the call's operation and status, pointing inside its
/// data; an event whose data does not decode, as a body that does not match its response.
#[tokio::test]
async fn events_report_what_their_data_does() {
    let server = MockServer::start().await;
    let events = "data: {\"data\": [{\"id\": \"a\", \"status\": \"gone\"}]}\n\n\
                  data: {\"data\": 3}\n\n\
                  data: {\"data\": [], \"labels\": {\"x\": {\"hue\": 2}}}\n\n";
    answer(&server, "/keys/events", ResponseTemplate::new(200).set_body_raw(events, "text/event-stream")).await;
    let (client, seen) = observed(&server);
    let mut stream = client.watch_keys().send().await.unwrap().into_body();
    let mut outcomes = Vec::new();
    while let Some(event) = stream.next().await {
        outcomes.push(event.is_ok());
    }
    assert_eq!(
        outcomes,
        [true, false, true],
        "the event that does not decode is an error item, and the stream goes on"
    );
    let mut records = seen.take();
    let reason = match &mut records[1].kind {
        DeviationKind::MismatchedBody { reason } => std::mem::take(reason),
        other => panic!("{other:?}"),
    };
    assert!(reason.contains("invalid type"), "{reason}");
    let responses = "/paths/~1keys~1events/get/responses";
    let of_events = |kind, spec: &str, payload: &str| {
        ("watchKeys".to_string(), Some(200), kind, spec.to_string(), payload.to_string())
    };
    assert_eq!(
        described(&records),
        [
            of_events(unknown("gone"), "/components/schemas/Key/properties/status", "/data/0/status"),
            of_events(DeviationKind::MismatchedBody { reason: String::new() }, &format!("{responses}/200"), ""),
            of_events(undeclared("hue"), "/components/schemas/Label", "/labels/x/hue"),
        ]
    );
}

/// A streamed call answered with a status its operation does not declare, or with a media type
/// its status does not declare, is reported as a whole-body call is.
#[tokio::test]
async fn streamed_calls_report_undeclared_statuses_and_media_types() {
    let server = MockServer::start().await;
    answer(&server, "/keys/events", ResponseTemplate::new(418).set_body_json(json!({"message": "teapot"}))).await;
    answer(&server, "/keys/events", ResponseTemplate::new(200).set_body_raw("{}", "application/json")).await;
    answer(&server, "/keys/export", ResponseTemplate::new(200).set_body_raw("<html/>", "text/html")).await;
    let (client, seen) = observed(&server);
    let error = client.watch_keys().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
    let mut events = client.watch_keys().send().await.unwrap().into_body();
    assert!(events.next().await.is_none(), "a JSON body holds no event");
    let mut download = client.export_keys().send_stream().await.unwrap().into_body();
    assert_eq!(download.next().await.unwrap().unwrap(), "<html/>");
    let media_type = |media_type: &str| DeviationKind::UndeclaredMediaType { media_type: media_type.into() };
    assert_eq!(
        described(&seen.take()),
        [
            (
                "watchKeys".into(),
                Some(418),
                DeviationKind::UndeclaredStatus,
                "/paths/~1keys~1events/get/responses".into(),
                String::new()
            ),
            (
                "watchKeys".into(),
                Some(200),
                media_type("application/json"),
                "/paths/~1keys~1events/get/responses/200/content".into(),
                String::new()
            ),
            (
                "exportKeys".into(),
                Some(200),
                media_type("text/html"),
                "/paths/~1keys~1export/get/responses/200/content".into(),
                String::new()
            ),
        ]
    );
}

/// Every response that declares media types has its `Content-Type` checked, not only a JSON
/// body under a non-JSON type: a JSON variant the spec does not name, a download as HTML. A
/// parameter or another case is no deviation.
#[tokio::test]
async fn every_declared_media_type_is_checked() {
    let server = MockServer::start().await;
    let page = r#"{"data": []}"#;
    answer(&server, "/keys", ResponseTemplate::new(200).set_body_raw(page, "application/problem+json")).await;
    answer(&server, "/keys", ResponseTemplate::new(200).set_body_raw(page, "Application/JSON; charset=utf-8")).await;
    answer(&server, "/keys/export", ResponseTemplate::new(200).set_body_raw("<html/>", "text/html")).await;
    let (client, seen) = observed(&server);
    client.list_keys().send().await.unwrap();
    client.list_keys().send().await.unwrap();
    assert_eq!(client.export_keys().send().await.unwrap().into_body(), b"<html/>");
    let records = seen.take();
    let found: Vec<(&str, &DeviationKind, &str)> =
        records.iter().map(|r| (r.operation.as_str(), &r.kind, r.spec_pointer.as_str())).collect();
    let media_type = |media_type: &str| DeviationKind::UndeclaredMediaType { media_type: media_type.into() };
    assert_eq!(
        found,
        [
            ("listKeys", &media_type("application/problem+json"), "/paths/~1keys/get/responses/200/content"),
            ("exportKeys", &media_type("text/html"), "/paths/~1keys~1export/get/responses/200/content"),
        ]
    );
}
