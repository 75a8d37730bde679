//! The `tracing` feature: a span per call with OpenTelemetry's HTTP client attributes, events per
//! attempt and retry, spans for paging and streamed bodies, and never a credential or a value of
//! the path or query. Recorded by a small subscriber of the test's own, over loopback.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use vendor_apis::blaxel;
use vendor_apis::runtime::{ClientBuilder, Method, Operation, RetryPolicy};
use wiremock::matchers::{method, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A span as recorded: its name, parent and fields (values as text).
#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    parent: Option<u64>,
    fields: BTreeMap<String, String>,
}

/// An event as recorded: the span it happened in, and its fields (the message as `message`).
#[derive(Debug, Clone)]
struct EventRecord {
    target: String,
    span: Option<u64>,
    fields: BTreeMap<String, String>,
}

#[derive(Default)]
struct Recorded {
    spans: BTreeMap<u64, SpanRecord>,
    events: Vec<EventRecord>,
    /// The spans entered, innermost last (one thread: the tests run on a current-thread runtime).
    stack: Vec<u64>,
}

#[derive(Clone, Default)]
struct Recorder {
    recorded: Arc<Mutex<Recorded>>,
    next_id: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut recorded = self.recorded.lock().unwrap();
        let parent = match attributes.parent() {
            Some(parent) => Some(parent.into_u64()),
            None if attributes.is_contextual() => recorded.stack.last().copied(),
            None => None,
        };
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        recorded.spans.insert(id, SpanRecord { name: attributes.metadata().name(), parent, fields });
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut recorded = self.recorded.lock().unwrap();
        if let Some(record) = recorded.spans.get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut record.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut recorded = self.recorded.lock().unwrap();
        let span = match event.parent() {
            Some(parent) => Some(parent.into_u64()),
            None if event.is_contextual() => recorded.stack.last().copied(),
            None => None,
        };
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        recorded.events.push(EventRecord { target: event.metadata().target().to_string(), span, fields });
    }

    fn enter(&self, span: &Id) {
        self.recorded.lock().unwrap().stack.push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut recorded = self.recorded.lock().unwrap();
        if let Some(at) = recorded.stack.iter().rposition(|id| *id == span.into_u64()) {
            recorded.stack.remove(at);
        }
    }
}

impl Recorder {
    fn spans_named(&self, name: &str) -> Vec<(u64, SpanRecord)> {
        let recorded = self.recorded.lock().unwrap();
        recorded.spans.iter().filter(|(_, span)| span.name == name).map(|(id, span)| (*id, span.clone())).collect()
    }

    /// The client's own events in a span (hyper's, in the same span, are left out).
    fn events_in(&self, span: u64) -> Vec<BTreeMap<String, String>> {
        let recorded = self.recorded.lock().unwrap();
        recorded
            .events
            .iter()
            .filter(|event| event.span == Some(span) && event.target.starts_with("vendor_apis"))
            .map(|event| event.fields.clone())
            .collect()
    }

    /// Everything recorded, as text: what must not hold a secret.
    fn everything(&self) -> String {
        let recorded = self.recorded.lock().unwrap();
        format!("{:?} {:?}", recorded.spans, recorded.events)
    }
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() }
}

fn field<'a>(fields: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or_else(|| panic!("no field `{name}` in {fields:?}"))
}

#[tokio::test]
async fn a_call_is_one_span_with_http_client_attributes_and_an_event_per_attempt_and_retry() {
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"metadata": {"name": "a"}, "spec": {}})))
        .mount(&server)
        .await;
    let client = blaxel::Client::builder()
        .base_url(server.uri())
        .api_key_auth("sekrit-api-key")
        .retry(quick_retries())
        .build()
        .unwrap();
    client.get_agent("private-agent-name").send().await.unwrap();

    let spans = recorder.spans_named("http.client");
    let [(id, span)] = &spans[..] else { panic!("one span per call: {spans:?}") };
    let port = server.address().port().to_string();
    for (name, value) in [
        ("otel.name", "GetAgent"),
        ("otel.kind", "client"),
        ("http.request.method", "GET"),
        ("url.template", "/agents/{agentName}"),
        ("server.address", "127.0.0.1"),
        ("server.port", port.as_str()),
        ("http.response.status_code", "200"),
        ("http.request.resend_count", "1"),
    ] {
        assert_eq!(field(&span.fields, name), value, "{name}");
    }
    assert!(!span.fields.contains_key("error.type"), "a success has no error type: {span:?}");
    let streams = recorder.spans_named("http.client.stream");
    assert!(streams.is_empty(), "a body read whole is no stream: {streams:?}");
    let events = recorder.events_in(*id);
    let messages: Vec<&str> = events.iter().map(|event| field(event, "message")).collect();
    assert_eq!(messages, ["attempt answered", "retrying", "attempt answered"]);
    assert_eq!(field(&events[0], "http.response.status_code"), "503");
    assert_eq!(field(&events[0], "attempt"), "1");
    let wait: u64 = field(&events[1], "wait_ms").parse().unwrap();
    assert!(wait <= 10, "the retry's wait: {wait} ms");
    assert_eq!(field(&events[2], "http.response.status_code"), "200");
    assert_eq!(field(&events[2], "attempt"), "2");

    let everything = recorder.everything();
    for secret in ["sekrit-api-key", "private-agent-name"] {
        assert!(!everything.contains(secret), "`{secret}` was recorded: {everything}");
    }
}

#[tokio::test]
async fn a_call_that_fails_records_its_error_type() {
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "2");
    Mock::given(method("GET")).respond_with(busy).mount(&server).await;
    let client = blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap();
    client.list_agents().timeout(Duration::from_millis(200)).send().await.unwrap_err();

    let spans = recorder.spans_named("http.client");
    let [(id, span)] = &spans[..] else { panic!("{spans:?}") };
    assert_eq!(field(&span.fields, "error.type"), "retry_past_deadline");
    assert_eq!(field(&span.fields, "http.response.status_code"), "503");
    let events = recorder.events_in(*id);
    let stopped = events.iter().find(|event| field(event, "message").starts_with("not retried")).expect("said");
    assert_eq!(field(stopped, "wait_ms"), "2000");

    // A 200 whose body does not decode: the call's span covers the decoding, so it failed.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"metadata": "not an object"})))
        .mount(&server)
        .await;
    let client = blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap();
    client.get_agent("a").send().await.unwrap_err();
    let spans = recorder.spans_named("http.client");
    let (_, undecoded) = spans.last().unwrap();
    assert_eq!(field(&undecoded.fields, "error.type"), "decode", "{undecoded:?}");
    assert_eq!(field(&undecoded.fields, "http.response.status_code"), "200");

    // An error status: the status is the error type, as OpenTelemetry says.
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let client = blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap();
    client.get_agent("a").send().await.unwrap_err();
    let spans = recorder.spans_named("http.client");
    let (_, missing) = spans.last().unwrap();
    assert_eq!(field(&missing.fields, "error.type"), "404", "{missing:?}");

    // A connection refused: the transport's error type, no status.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = blaxel::Client::builder()
        .base_url(format!("http://{closed}"))
        .api_key_auth("k")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    client.list_agents().send().await.unwrap_err();
    let spans = recorder.spans_named("http.client");
    let (_, refused) = spans.last().unwrap();
    assert_eq!(field(&refused.fields, "error.type"), "connect");
    assert!(!refused.fields.contains_key("http.response.status_code"), "{refused:?}");
}

#[tokio::test]
async fn pages_are_walked_in_a_span_whose_children_are_their_calls() {
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    let server = MockServer::start().await;
    let first = json!({"data": [], "meta": {"hasMore": true, "nextCursor": "c2"}});
    let last = json!({"data": [], "meta": {"hasMore": false}});
    Mock::given(method("GET"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(last))
        .mount(&server)
        .await;
    let client = blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap();
    let mut pages = client.list_agents().pages();
    while let Some(page) = pages.next().await {
        page.unwrap();
    }

    let walks = recorder.spans_named("http.client.pages");
    let [(walk, span)] = &walks[..] else { panic!("{walks:?}") };
    assert_eq!(field(&span.fields, "pages"), "2");
    let calls = recorder.spans_named("http.client");
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls.iter().all(|(_, call)| call.parent == Some(*walk)), "{calls:?}");
    let streams = recorder.spans_named("http.client.stream");
    assert!(streams.is_empty(), "pages are read whole, no stream: {streams:?}");
    assert!(!recorder.everything().contains("c2"), "a query value is never recorded");
}

#[tokio::test]
async fn a_streamed_body_is_read_in_a_span_under_its_call() {
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    let server = MockServer::start().await;
    let body = "x".repeat(10_000);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/octet-stream"))
        .mount(&server)
        .await;
    const DOWNLOAD: Operation = Operation::new("download", "/files/{id}");
    let client = ClientBuilder::new(server.uri()).build().unwrap();
    let request = client.request(&DOWNLOAD, Method::GET, "/files/7", &[]).unwrap();
    let streaming = client.send_streaming::<()>(request, &Default::default()).await.unwrap();
    let mut bytes = streaming.bytes().into_body();
    let mut read = 0;
    while let Some(chunk) = bytes.next().await {
        read += chunk.unwrap().len();
    }
    assert_eq!(read, body.len());

    let calls = recorder.spans_named("http.client");
    let [(call, call_span)] = &calls[..] else { panic!("{calls:?}") };
    assert_eq!(field(&call_span.fields, "otel.name"), "download");
    let streams = recorder.spans_named("http.client.stream");
    let [(stream, span)] = &streams[..] else { panic!("{streams:?}") };
    assert_eq!(span.parent, Some(*call));
    assert_eq!(field(&span.fields, "bytes"), "10000");
    let ended = recorder.events_in(*stream);
    assert_eq!(ended.iter().map(|event| field(event, "message")).collect::<Vec<_>>(), ["stream ended"]);
}
