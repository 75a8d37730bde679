//! The streaming fixture's generated client against loopback servers: typed and text events,
//! the `stream: true` variant of a JSON operation (and its `[DONE]`), and a binary download read
//! as a stream of chunks; then the same operations against the fixture's mock server (the
//! `mock` feature): typed events, text events, and the body flag that switches an answer from
//! JSON to events.

use fixture_tests::streaming::types::{Chunk, CreateChatBody, WatchJobEvent, WatchJobEventDone, WatchJobEventProgress};
use fixture_tests::streaming::{Client, mock, types};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn sse(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).insert_header("content-type", "text/event-stream").set_body_string(body)
}

async fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

#[tokio::test]
async fn the_stream_variant_sets_the_flag_and_reads_events_until_done() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat"))
        .and(body_json(json!({"prompt": "hi", "stream": true})))
        .respond_with(sse(
            "data: {\"text\":\"Hel\"}\n\ndata: {\"text\":\"lo\"}\n\ndata: [DONE]\n\ndata: {\"text\":\"never\"}\n\n",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat"))
        .and(body_json(json!({"prompt": "hi"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"text": "Hello"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let whole = client.create_chat(types::CreateChatBody::new("hi")).send().await.unwrap();
    assert_eq!(whole.text, "Hello");
    let mut events = client.create_chat_stream(types::CreateChatBody::new("hi")).send().await.unwrap().into_body();
    let mut text = String::new();
    while let Some(event) = events.next().await {
        text.push_str(&event.unwrap().data.text);
    }
    assert_eq!(text, "Hello", "`[DONE]` ends the stream");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[1].headers["accept"], "text/event-stream");
}

#[tokio::test]
async fn typed_events_decode_into_the_union_and_carry_their_fields() {
    let server = MockServer::start().await;
    let body = "event: progress\nid: 1\ndata: {\"type\":\"progress\",\"percent\":50}\n\n\
                : a comment\nid: 2\ndata: {\"type\":\"done\"}\n\n";
    Mock::given(method("GET")).and(path("/jobs/j%2F1/events")).respond_with(sse(body)).mount(&server).await;
    let mut events = client(&server).await.watch_job("j/1").send().await.unwrap().into_body();
    let first = events.next().await.unwrap().unwrap();
    assert_eq!((first.event.as_deref(), first.id.as_deref()), (Some("progress"), Some("1")));
    assert!(matches!(first.data, types::WatchJobEvent::Progress(ref p) if p.percent == 50), "{:?}", first.data);
    let second = events.next().await.unwrap().unwrap();
    assert!(matches!(second.data, types::WatchJobEvent::Done(_)), "{:?}", second.data);
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn events_without_a_schema_are_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/logs"))
        .respond_with(sse("data: line one\ndata: line two\n\n"))
        .mount(&server)
        .await;
    let mut events = client(&server).await.tail_logs().send().await.unwrap().into_body();
    assert_eq!(events.next().await.unwrap().unwrap().data, "line one\nline two");
}

#[tokio::test]
async fn an_error_status_is_the_declared_error_not_a_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": "prompt too long"})))
        .mount(&server)
        .await;
    let error = client(&server).await.create_chat_stream(types::CreateChatBody::new("x")).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert!(error.to_string().contains("prompt too long"), "{error}");
}

#[tokio::test]
async fn a_download_is_read_as_a_stream_of_chunks() {
    let server = MockServer::start().await;
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/files/f1/content"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(bytes.clone()))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let mut stream = client.download_file("f1").send_stream().await.unwrap().into_body();
    let mut received = Vec::new();
    while let Some(chunk) = stream.next().await {
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received, bytes);
    let whole = client.download_file("f1").send().await.unwrap();
    assert_eq!(whole.len(), bytes.len(), "the buffered form still works");
}

// The fixture's mock server, as a downstream crate's tests use it.

#[tokio::test]
async fn typed_events_arrive_in_order() {
    let server = mock::start().await;
    let events = vec![
        WatchJobEvent::Progress(WatchJobEventProgress::new(40)),
        WatchJobEvent::Progress(WatchJobEventProgress::new(90)),
        WatchJobEvent::Done(WatchJobEventDone::new()),
    ];
    server.stub::<mock::WatchJob>().when(|r| r.id == "job-1").expect(1).events(events.clone()).await;

    let mut stream = server.client().watch_job("job-1").send().await.expect("the stream").into_body();
    let mut received = Vec::new();
    while let Some(event) = stream.next().await {
        received.push(event.expect("an event").data);
    }
    assert_eq!(received, events);
    server.verify().await;
}

#[tokio::test]
async fn text_events_keep_their_text() {
    let server = mock::start().await;
    server.stub::<mock::TailLogs>().events(vec!["first line".into(), "second line".into()]).await;

    let mut stream = server.client().tail_logs().send().await.expect("the stream").into_body();
    let mut lines = Vec::new();
    while let Some(event) = stream.next().await {
        lines.push(event.expect("an event").data);
    }
    assert_eq!(lines, ["first line", "second line"]);
}

#[tokio::test]
async fn the_stream_flag_picks_the_events_stub() {
    let server = mock::start().await;
    server.stub::<mock::CreateChat>().when(|r| r.body.stream != Some(true)).ok(Chunk::new("whole")).await;
    server
        .stub::<mock::CreateChat>()
        .when(|r| r.body.stream == Some(true))
        .events(vec![Chunk::new("par"), Chunk::new("tial")])
        .await;

    let client = server.client();
    let whole = client.create_chat(CreateChatBody::new("hi")).send().await.expect("the answer");
    assert_eq!(whole.text, "whole");
    let mut stream = client.create_chat_stream(CreateChatBody::new("hi")).send().await.expect("the stream").into_body();
    let mut parts = String::new();
    while let Some(event) = stream.next().await {
        parts.push_str(&event.expect("an event").data.text);
    }
    assert_eq!(parts, "partial");
    let prompts: Vec<Option<bool>> =
        server.received::<mock::CreateChat>().await.into_iter().map(|request| request.body.stream).collect();
    assert_eq!(prompts, [None, Some(true)]);
}
