//! Retries, timeouts, hooks and the User-Agent of the generated clients, over loopback.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use vendor_apis::runtime::{
    self, Attempt, ClientBuilder, Credential, Error, Hook, Method, Outcome, RawResponse, RetryPolicy, Scheme, Secret,
    reqwest,
};
use vendor_apis::{blaxel, devin};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn key_json() -> serde_json::Value {
    json!({"api_key_id": "k", "api_key_name": "n", "created_at": 1, "expires_at": null,
           "revoked_at": null, "last_used_at": null, "is_active": true})
}

/// Retries that wait milliseconds, not seconds.
fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy { max_retries, initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() }
}

fn devin_client(server: &MockServer) -> devin::Client {
    devin::Client::builder().base_url(server.uri()).bearer_auth("cog").retry(quick_retries(2)).build().unwrap()
}

#[tokio::test]
async fn a_503_is_retried_and_the_success_returned() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_json()))
        .mount(&server)
        .await;
    let key = devin_client(&server).revoke_service_user_api_key("u", "k").send().await.unwrap();
    assert_eq!(key.api_key_id, "k");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(429).insert_header("retry-after", "1");
    Mock::given(method("DELETE")).respond_with(busy).up_to_n_times(1).mount(&server).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_json()))
        .mount(&server)
        .await;
    let started = Instant::now();
    devin_client(&server).revoke_service_user_api_key("u", "k").send().await.unwrap();
    let waited = started.elapsed();
    // The backoff alone would be 5-10 ms; the server asked for a second.
    assert!(waited >= Duration::from_secs(1) && waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn a_post_is_not_retried_unless_the_caller_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let body: blaxel::types::Agent = serde_json::from_value(json!({"metadata": {"name": "a"}, "spec": {}})).unwrap();
    let client =
        blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").retry(quick_retries(3)).build().unwrap();
    let err = client.create_agent(body.clone()).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "POST is sent once");

    let opted_in = client.with_retry(RetryPolicy { retry_non_idempotent: true, ..quick_retries(3) });
    opted_in.create_agent(body.clone()).send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 4, "first attempt plus three retries");
}

#[tokio::test]
async fn after_the_last_retry_the_last_answer_is_the_error() {
    let server = MockServer::start().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&attempts);
    Mock::given(method("DELETE"))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(503).set_body_string(format!("attempt {n}"))
        })
        .mount(&server)
        .await;
    let err = devin_client(&server).revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 3, "one attempt and two retries");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.raw_body().unwrap(), b"attempt 3");
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_error_and_the_limit_can_be_raised_per_call() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(key_json()).set_delay(Duration::from_millis(400));
    Mock::given(method("DELETE")).respond_with(slow).mount(&server).await;
    let client = devin::Client::builder()
        .base_url(server.uri())
        .bearer_auth("cog")
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let patient = client.with_timeout(Duration::from_secs(5));
    patient.revoke_service_user_api_key("u", "k").send().await.unwrap();
}

/// Adds a header to every request and counts the responses.
struct Tracing {
    responses: Arc<AtomicUsize>,
}

impl Hook for Tracing {
    fn on_request(&self, request: &mut reqwest::Request) {
        request.headers_mut().insert("x-trace-id", "trace-1".parse().unwrap());
    }

    fn on_response(&self, response: &RawResponse) {
        assert_eq!(response.status(), 200);
        self.responses.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn hooks_see_every_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_json()))
        .mount(&server)
        .await;
    let responses = Arc::new(AtomicUsize::new(0));
    let tracing = Tracing { responses: Arc::clone(&responses) };
    let client = devin::Client::builder().base_url(server.uri()).bearer_auth("cog").hook(tracing).build().unwrap();
    client.revoke_service_user_api_key("u", "k").send().await.unwrap();
    client.revoke_service_user_api_key("u", "k").send().await.unwrap();
    assert_eq!(responses.load(Ordering::SeqCst), 2);
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.headers["x-trace-id"] == "trace-1"));
    let agent = requests[0].headers["user-agent"].to_str().unwrap();
    assert!(agent.starts_with("vendor-apis/"), "{agent}");
}

#[tokio::test]
async fn status_and_headers_come_with_successes() {
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(200).insert_header("x-request-id", "req-7").set_body_json(key_json());
    Mock::given(method("DELETE")).respond_with(answer).mount(&server).await;
    let response = devin_client(&server).revoke_service_user_api_key("u", "k").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "req-7");
}

#[tokio::test]
async fn connection_errors_are_retried_for_idempotent_methods_only() {
    // A port nobody listens on: every connection is refused at once, so the time taken is the
    // backoff between attempts.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("http://{closed}");
    let policy = RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(200), ..RetryPolicy::default() };

    let devin = devin::Client::builder().base_url(&url).bearer_auth("cog").retry(policy.clone()).build().unwrap();
    let started = Instant::now();
    let err = devin.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, vendor_apis::runtime::Error::Transport(_)), "{err:?}");
    // Two waits with equal jitter: at least 100 ms + 200 ms.
    assert!(waited >= Duration::from_millis(300), "DELETE was not retried: {waited:?}");

    let body: blaxel::types::Agent = serde_json::from_value(json!({"metadata": {"name": "a"}, "spec": {}})).unwrap();
    let blaxel = blaxel::Client::builder().base_url(&url).api_key_auth("k").retry(policy).build().unwrap();
    let started = Instant::now();
    blaxel.create_agent(body.clone()).send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(100), "POST was retried: {:?}", started.elapsed());
}

fn blaxel_client(server: &MockServer) -> blaxel::Client {
    blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap()
}

// Timing assertions below are upper bounds with wide margins (a loaded 2-core machine may be slow
// to schedule a task); each is far below what the old behaviour took.

#[tokio::test]
async fn the_call_timeout_bounds_retry_after_waits() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "2").set_body_string("busy");
    Mock::given(method("GET")).respond_with(busy).mount(&server).await;
    let started = Instant::now();
    let err = blaxel_client(&server).list_agents().timeout(Duration::from_millis(200)).send().await.unwrap_err();
    let took = started.elapsed();
    // Before: 2 s per wait, three attempts (4 s and more).
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "the retry was not made");
    let Error::RetryPastDeadline { last, wait, timeout } = &err else { panic!("{err:?}") };
    assert_eq!((*wait, *timeout), (Duration::from_secs(2), Duration::from_millis(200)));
    assert!(matches!(**last, Error::UnexpectedStatus(_)), "{last:?}");
    assert!(err.is_timeout(), "the call ran out of time");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "the last answer is still reachable");
    assert_eq!(err.raw_body(), Some(&b"busy"[..]));
    let message = err.to_string();
    assert!(
        message.starts_with("not retried: the wait of 2s before another attempt would pass the call's timeout of 200ms; the last attempt: the server answered 503"),
        "{message}"
    );
}

#[tokio::test]
async fn the_call_timeout_bounds_backoff_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let policy = RetryPolicy { max_retries: 10, initial_backoff: Duration::from_millis(200), ..RetryPolicy::default() };
    let started = Instant::now();
    let err = blaxel_client(&server)
        .list_agents()
        .retry(policy)
        .timeout(Duration::from_millis(600))
        .send()
        .await
        .unwrap_err();
    let took = started.elapsed();
    // Unbounded, ten doubling waits from 100-200 ms would take well over a minute.
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(matches!(err, Error::RetryPastDeadline { .. }), "{err:?}");
    let attempts = server.received_requests().await.unwrap().len();
    assert!((1..=4).contains(&attempts), "{attempts} attempts in 600 ms of 100 ms+ waits");
}

#[tokio::test]
async fn an_attempt_that_runs_out_of_its_own_time_is_retried() {
    let server = MockServer::start().await;
    let stalled = ResponseTemplate::new(200).set_body_json(json!({"data": []})).set_delay(Duration::from_secs(5));
    Mock::given(method("GET")).respond_with(stalled).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let client =
        blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").retry(quick_retries(2)).build().unwrap();
    let started = Instant::now();
    // Set per call here; the client's own setting is exercised with the hooks below.
    client.list_agents().attempt_timeout(Duration::from_millis(200)).send().await.unwrap();
    let took = started.elapsed();
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the stalled attempt was retried");
    assert!(took < Duration::from_secs(3), "the stalled attempt was not waited out: {took:?}");
}

#[tokio::test]
async fn an_attempt_is_cut_by_what_is_left_of_the_call_and_then_not_retried() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(json!({"data": []})).set_delay(Duration::from_secs(5));
    Mock::given(method("GET")).respond_with(slow).mount(&server).await;
    let client = blaxel::Client::builder()
        .base_url(server.uri())
        .api_key_auth("k")
        .retry(quick_retries(3))
        .attempt_timeout(Duration::from_secs(2))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.list_agents().send().await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout(_)) && err.is_timeout(), "{err:?}");
    assert!(took < Duration::from_millis(1500), "the attempt's own 2 s limit was cut to the call's: {took:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "the call's deadline ended it");
}

#[tokio::test]
async fn retry_after_waits_are_capped_by_default() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "30");
    Mock::given(method("GET")).respond_with(busy).mount(&server).await;
    let started = Instant::now();
    let err = blaxel_client(&server).list_agents().timeout(None).send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "30 s is more than the default cap of 20 s");
    assert!(matches!(err, Error::UnexpectedStatus(_)), "the server's answer, as it is: {err:?}");
    assert_eq!(RetryPolicy::default().max_retry_after, Duration::from_secs(20));
    assert_eq!(RetryPolicy::default().max_retry_after, vendor_apis::runtime::DEFAULT_MAX_RETRY_AFTER);
}

#[tokio::test]
async fn a_custom_retry_after_cap_is_honoured() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(429).insert_header("retry-after", "1");
    Mock::given(method("DELETE")).respond_with(busy).up_to_n_times(2).mount(&server).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_json()))
        .mount(&server)
        .await;
    // A cap below what the server asks for: the answer comes back as it is, without waiting.
    let below = RetryPolicy { max_retry_after: Duration::from_millis(500), ..quick_retries(2) };
    let started = Instant::now();
    let err = devin_client(&server).with_retry(below).revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(900), "{:?}", started.elapsed());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "not retried");
    // A cap above it: the client waits the second and retries.
    let above = RetryPolicy { max_retry_after: Duration::from_secs(2), ..quick_retries(2) };
    let started = Instant::now();
    let key = devin_client(&server).with_retry(above).revoke_service_user_api_key("u", "k").send().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(key.api_key_id, "k");
    assert!(waited >= Duration::from_secs(1) && waited < Duration::from_secs(3), "{waited:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "one busy answer, a wait, then the key");
}

/// Marks each attempt's request with its number, as a hook that adds a header would.
struct NumbersAttempts;

impl Hook for NumbersAttempts {
    fn before_attempt(&self, attempt: &Attempt, request: &mut reqwest::Request) {
        request.headers_mut().append("x-attempt", attempt.number().into());
    }
}

fn client_with_headers_and_hook(server: &MockServer) -> blaxel::Client {
    blaxel::Client::builder()
        .base_url(server.uri())
        .api_key_auth("k")
        .default_header("x-default", "d")
        .retry(RetryPolicy { retry_non_idempotent: true, ..quick_retries(2) })
        .hook(NumbersAttempts)
        .build()
        .unwrap()
}

/// Fails unless the server received three attempts of one request: the same method, URL, body
/// and headers, each attempt's hook mark once, and each of `once` once.
fn assert_three_attempts_alike(received: &[wiremock::Request], once: &[&str]) {
    assert_eq!(received.len(), 3, "the first attempt and two retries");
    for (number, request) in (1..).zip(received) {
        assert_eq!((&request.method, &request.url), (&received[0].method, &received[0].url));
        assert_eq!(request.body, received[0].body, "attempt {number}'s body");
        // Each attempt's own mark, once: a retry is not made of the request a hook changed.
        assert_eq!(request.headers.get_all("x-attempt").iter().collect::<Vec<_>>(), [&number.to_string()]);
        let mut headers: Vec<_> = request.headers.iter().filter(|(name, _)| *name != "x-attempt").collect();
        let mut first: Vec<_> = received[0].headers.iter().filter(|(name, _)| *name != "x-attempt").collect();
        headers.sort_by_key(|(name, _)| name.as_str());
        first.sort_by_key(|(name, _)| name.as_str());
        assert_eq!(headers, first, "attempt {number}'s headers");
        for name in once {
            assert_eq!(request.headers.get_all(*name).iter().count(), 1, "attempt {number}'s `{name}`");
        }
    }
}

/// A request with a body (and its media type): each retry sends a copy of the first attempt's.
#[tokio::test]
async fn every_attempt_sends_the_request_the_operation_made() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let body: blaxel::types::Agent =
        serde_json::from_value(json!({"metadata": {"name": "a", "labels": {"team": "x"}}, "spec": {}})).unwrap();
    let client = client_with_headers_and_hook(&server);
    client.create_agent(body).header("x-call", "c").send().await.unwrap_err();
    let received = server.received_requests().await.unwrap();
    assert_three_attempts_alike(&received, &["x-call", "x-default", "accept", "content-type", "authorization"]);
    let sent: serde_json::Value = serde_json::from_slice(&received[2].body).unwrap();
    assert_eq!(sent["metadata"]["labels"], json!({"team": "x"}));
}

/// A request without a body or headers of its own: each retry is made again from its method and
/// URL, with the client's, the credential's and the call's headers put on again.
#[tokio::test]
async fn every_retry_made_again_carries_the_headers_of_the_first_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = client_with_headers_and_hook(&server);
    client.get_agent("a").show_secrets(true).header("x-call", "c").send().await.unwrap_err();
    let received = server.received_requests().await.unwrap();
    assert_three_attempts_alike(&received, &["x-call", "x-default", "accept", "authorization"]);
    assert_eq!(received[2].url.query(), Some("show_secrets=true"), "the query is the URL's");
}

/// A request with a header of its own and no body (made by hand: the vendored specs declare no
/// header parameters): each retry sends a copy of the first attempt's, the header once.
#[tokio::test]
async fn every_retry_copied_without_a_body_carries_the_headers_of_the_first_attempt() {
    const BY_HAND: runtime::Operation = runtime::Operation::new("byHand", "/by-hand");
    const AUTH: Scheme = Scheme::new(0, "auth");
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let client = ClientBuilder::new(server.uri())
        .credential(AUTH, Credential::Bearer(Secret::new("t0k")))
        .default_header("x-default", "d")
        .retry(quick_retries(2))
        .hook(Arc::new(NumbersAttempts))
        .build()
        .unwrap();
    let mut request = client.request(&BY_HAND, Method::GET, "/x", &[&[AUTH]]).unwrap();
    request.header("x-param", "p");
    let mut call = runtime::CallOptions::default();
    call.header("x-call".into(), "c".into());
    client.send::<()>(request, &call).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_three_attempts_alike(&received, &["x-param", "x-call", "x-default", "authorization"]);
}

/// Records what hooks are told, one line per call; clones share the record.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
    elapsed: Arc<Mutex<Vec<(Duration, Duration)>>>,
}

impl Hook for Recorder {
    fn before_attempt(&self, attempt: &Attempt, request: &mut reqwest::Request) {
        let operation = attempt.operation();
        let line = format!("before {} {} #{} {}", operation.id, operation.route, attempt.number(), request.method());
        self.seen.lock().unwrap().push(line);
    }

    fn after_attempt(&self, attempt: &Attempt, outcome: Outcome<'_>) {
        let outcome = match outcome {
            Outcome::Response(response) => format!("status {}", response.status().as_u16()),
            Outcome::TimedOut => "timed out".into(),
            Outcome::Transport(e) => format!("transport error (connect: {})", e.is_connect()),
            other => format!("{other:?}"),
        };
        self.seen.lock().unwrap().push(format!("after #{}: {outcome}", attempt.number()));
        self.elapsed.lock().unwrap().push((attempt.elapsed(), attempt.attempt_elapsed()));
    }

    fn on_retry(&self, attempt: &Attempt, wait: Duration) {
        assert!(wait < Duration::from_millis(100), "quick retries: {wait:?}");
        self.seen.lock().unwrap().push(format!("retry after #{}", attempt.number()));
    }
}

#[tokio::test]
async fn hooks_are_told_the_operation_the_attempt_its_time_and_how_it_ended() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    let stalled = ResponseTemplate::new(200).set_body_json(json!({"data": []})).set_delay(Duration::from_secs(5));
    Mock::given(method("GET")).respond_with(stalled).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let client = blaxel::Client::builder()
        .base_url(server.uri())
        .api_key_auth("k")
        .retry(quick_retries(3))
        .attempt_timeout(Duration::from_millis(300))
        .hook(recorder.clone())
        .build()
        .unwrap();
    client.list_agents().send().await.unwrap();
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "before ListAgents /agents #1 GET",
            "after #1: status 503",
            "retry after #1",
            "before ListAgents /agents #2 GET",
            "after #2: timed out",
            "retry after #2",
            "before ListAgents /agents #3 GET",
            "after #3: status 200",
        ]
    );
    let elapsed = recorder.elapsed.lock().unwrap().clone();
    let (call_after_timeout, timed_out_attempt) = elapsed[1];
    assert!(timed_out_attempt >= Duration::from_millis(300), "the attempt took its limit: {timed_out_attempt:?}");
    assert!(call_after_timeout >= timed_out_attempt, "the call's time includes the attempt's");
    assert!(elapsed.windows(2).all(|pair| pair[0].0 <= pair[1].0), "the call's time grows: {elapsed:?}");

    // A connection that fails is told too, with the route template, never the path's values.
    recorder.seen.lock().unwrap().clear();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = blaxel::Client::builder()
        .base_url(format!("http://{closed}"))
        .api_key_auth("k")
        .retry(RetryPolicy::none())
        .hook(recorder.clone())
        .build()
        .unwrap();
    client.get_agent("secret-agent-name").send().await.unwrap_err();
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        ["before GetAgent /agents/{agentName} #1 GET", "after #1: transport error (connect: true)"]
    );
}
