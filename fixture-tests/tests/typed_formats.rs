//! `formats = "typed"`: date-times, dates and UUIDs as chrono and uuid types. What goes on the
//! wire, what an offset becomes, and what a value slightly off its format does to a response.

use fixture_tests::runtime::Error;
use fixture_tests::typed_formats::{Client, types};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

async fn answering(event: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(event)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn parameters_go_on_the_wire_in_their_rfc_3339_form() {
    let (server, client) = answering(serde_json::json!({"id": ID, "at": "2026-04-28T10:00:00Z"})).await;
    let since = "2026-04-28T12:00:00+02:00".parse().unwrap();
    let day = "2026-04-28".parse().unwrap();
    client.get_event(ID.parse().unwrap()).since(since).day(day).send().await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.url.path(), format!("/events/{ID}"));
    assert_eq!(request.url.query(), Some("since=2026-04-28T10%3A00%3A00Z&day=2026-04-28"), "sent in UTC");
}

#[tokio::test]
async fn an_offset_decodes_to_the_same_instant_and_is_written_back_in_utc() {
    let upper_case_id = ID.to_uppercase();
    let (_server, client) = answering(serde_json::json!({
        "id": upper_case_id, "at": "2026-04-28T12:00:00.5+02:00", "day": "2026-04-28", "ended_at": null
    }))
    .await;
    let event: types::Event = client.get_event(ID.parse().unwrap()).send().await.unwrap().into_body();
    assert_eq!(event.at, "2026-04-28T10:00:00.5Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap());
    assert_eq!(event.id.to_string(), ID);
    assert_eq!(event.ended_at, Some(None), "an explicit null is kept apart from an absent value");
    // The instant survives; the text does not: the offset and the upper case are the server's
    // spelling, which `formats = "strings"` (the default) keeps byte for byte.
    let written = serde_json::to_value(&event).unwrap();
    assert_eq!(written["at"], "2026-04-28T10:00:00.500Z");
    assert_eq!(written["id"], ID);
    assert_eq!(written["ended_at"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_value_off_its_format_fails_the_response_decoding() {
    // No offset: the value names no instant.
    let (_server, client) = answering(serde_json::json!({"id": ID, "at": "2026-04-28T10:00:00"})).await;
    let error = client.get_event(ID.parse().unwrap()).send().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}
