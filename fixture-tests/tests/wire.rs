//! What the fixtures' generated clients put on the wire, byte for byte, against a loopback mock
//! server: the conventions real services use and a lenient mock would accept anyway.

use fixture_tests::content_parameters;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

#[tokio::test]
async fn parameters_described_by_json_content_are_sent_as_json_text() {
    let server = server().await;
    let client = content_parameters::Client::builder().base_url(server.uri()).build().unwrap();
    let filter = content_parameters::types::Filter::new(content_parameters::types::FilterStatus::Open).limit(5);
    let metadata = [("team".to_string(), "core".to_string())].into_iter().collect();
    client.list_conversations(filter).metadata(metadata).x_trace(vec!["a".into(), "b c".into()]).send().await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        request.url.query(),
        Some("metadata=%7B%22team%22%3A%22core%22%7D&filter=%7B%22status%22%3A%22open%22%2C%22limit%22%3A5%7D"),
        "in the spec's order"
    );
    assert_eq!(request.headers["x-trace"], r#"["a","b c"]"#);

    client
        .list_conversations(content_parameters::types::Filter::new(content_parameters::types::FilterStatus::Closed))
        .send()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[1];
    assert_eq!(request.url.query(), Some("filter=%7B%22status%22%3A%22closed%22%7D"), "unset ones are not sent");
    assert!(request.headers.get("x-trace").is_none());
}
