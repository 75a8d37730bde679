//! Credentials on the wire: every kind of security scheme, and OAuth2 client credentials with
//! Blaxel's real scheme (token URL `/oauth/token`, relative to the server).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use vendor_apis::blaxel::{Client, Scope};
use vendor_apis::runtime::{self, ApiKeyLocation, ClientBuilder, Credential, Error, Method, Scheme, Secret};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The identity of the requests these tests make by hand.
const BY_HAND: runtime::Operation = runtime::Operation::new("byHand", "/by-hand");

/// The one scheme of the runtime-level tests.
const AUTH: Scheme = Scheme::new(0, "auth");

/// Sends one GET through the runtime with `credential` as the scheme `auth`, and returns what
/// the server received.
async fn sent_with(credential: Credential) -> Request {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = ClientBuilder::new(server.uri()).credential(AUTH, credential).build().unwrap();
    let request = client.request(&BY_HAND, Method::GET, "/x", &[&[AUTH]]).unwrap();
    client.send::<()>(request, &Default::default()).await.unwrap();
    server.received_requests().await.unwrap().remove(0)
}

#[tokio::test]
async fn each_scheme_sends_its_credential_once() {
    let bearer = sent_with(Credential::Bearer(Secret::new("t0k"))).await;
    assert_eq!(bearer.headers.get_all("authorization").iter().collect::<Vec<_>>(), ["Bearer t0k"]);

    let basic = sent_with(Credential::Basic { username: "ada".into(), password: Secret::new("s3cret") }).await;
    assert_eq!(basic.headers.get_all("authorization").iter().collect::<Vec<_>>(), ["Basic YWRhOnMzY3JldA=="]);

    let key = Secret::new("k3y");
    let in_header =
        sent_with(Credential::ApiKey { location: ApiKeyLocation::Header, name: "x-api-key", value: key.clone() }).await;
    assert_eq!(in_header.headers.get_all("x-api-key").iter().collect::<Vec<_>>(), ["k3y"]);
    assert!(in_header.headers.get("authorization").is_none());

    let in_query =
        sent_with(Credential::ApiKey { location: ApiKeyLocation::Query, name: "api_key", value: key.clone() }).await;
    assert_eq!(in_query.url.query(), Some("api_key=k3y"));

    let in_cookie =
        sent_with(Credential::ApiKey { location: ApiKeyLocation::Cookie, name: "session", value: key }).await;
    assert_eq!(in_cookie.headers.get_all("cookie").iter().collect::<Vec<_>>(), ["session=k3y"]);
}

#[tokio::test]
async fn a_query_key_never_shows_in_errors() {
    // Nothing listens on port 9: the connection fails, and reqwest errors name the URL.
    let client = ClientBuilder::new("http://127.0.0.1:9")
        .credential(
            AUTH,
            Credential::ApiKey { location: ApiKeyLocation::Query, name: "api_key", value: Secret::new("k3y_secret") },
        )
        .retry(runtime::RetryPolicy::none())
        .build()
        .unwrap();
    let request = client.request(&BY_HAND, Method::GET, "/x", &[&[AUTH]]).unwrap();
    let err = client.send::<()>(request, &Default::default()).await.unwrap_err();
    assert!(!err.to_string().contains("k3y_secret") && !format!("{err:?}").contains("k3y_secret"), "{err:?}");
}

/// A token endpoint that hands out `tok-1`, `tok-2`, ... valid for `expires_in` seconds.
struct Tokens {
    issued: AtomicUsize,
    expires_in: u64,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        // A little latency, so concurrent callers really do overlap with the fetch.
        ResponseTemplate::new(200)
            .set_delay(Duration::from_millis(50))
            .set_body_json(serde_json::json!({"access_token": format!("tok-{n}"), "token_type": "bearer", "expires_in": self.expires_in}))
    }
}

async fn blaxel_with_token_endpoint(expires_in: u64) -> (MockServer, Client, Arc<Tokens>) {
    let server = MockServer::start().await;
    let tokens = Arc::new(Tokens { issued: AtomicUsize::new(0), expires_in });
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(Shared(Arc::clone(&tokens)))
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    // The spec's server URL has a path (`/v0`); the relative token URL resolves against it (RFC 3986).
    let client = Client::builder()
        .base_url(format!("{}/v0", server.uri()))
        .oauth2_client_credentials("client-id", "client-secret", &[Scope::ApiKeyWrite, Scope::Admin])
        .build()
        .unwrap();
    (server, client, tokens)
}

/// Lets the test keep a handle on the endpoint it mounts.
struct Shared(Arc<Tokens>);

impl Respond for Shared {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request)
    }
}

fn api_authorizations(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.url.path() != "/oauth/token")
        .map(|r| r.headers.get("authorization").unwrap().to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_retry_carries_the_token_its_call_fetched() {
    let (server, client, tokens) = blaxel_with_token_endpoint(3600).await;
    // Ahead of the endpoint's 200: the first attempt is answered 503, and retried.
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let quick = runtime::RetryPolicy { initial_backoff: Duration::from_millis(10), ..Default::default() };
    client.with_retry(quick).delete_api_key_for_service_account("c", "k").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(api_authorizations(&requests), ["Bearer tok-1", "Bearer tok-1"]);
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 1, "one fetch for the call and its retry");
}

#[tokio::test]
async fn one_token_fetch_serves_many_concurrent_calls() {
    let (server, client, tokens) = blaxel_with_token_endpoint(3600).await;
    let calls = (0..8).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.delete_api_key_for_service_account("c", format!("k{i}")).send().await })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    client.delete_api_key_for_service_account("c", "k-later").send().await.unwrap();
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 1, "one fetch for nine calls");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(api_authorizations(&requests), vec!["Bearer tok-1"; 9]);

    let token_request = requests.iter().find(|r| r.url.path() == "/oauth/token").unwrap();
    // client_secret_basic: base64("client-id:client-secret").
    assert_eq!(token_request.headers["authorization"], "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=");
    assert_eq!(
        String::from_utf8_lossy(&token_request.body),
        "grant_type=client_credentials&scope=apiKey%3Awrite+admin"
    );
}

#[tokio::test]
async fn a_token_the_api_refuses_is_fetched_again_by_the_next_call() {
    let (server, client, tokens) = blaxel_with_token_endpoint(3600).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    client.delete_api_key_for_service_account("c", "k1").send().await.unwrap_err();
    client.delete_api_key_for_service_account("c", "k2").send().await.unwrap();
    client.delete_api_key_for_service_account("c", "k3").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(api_authorizations(&requests), ["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]);
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 2, "one fetch after the refusal, not one per call");
}

#[tokio::test]
async fn an_expiring_token_is_refreshed() {
    // A one-second token is renewed half-way through its life.
    let (server, client, tokens) = blaxel_with_token_endpoint(1).await;
    client.delete_api_key_for_service_account("c", "k1").send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    client.delete_api_key_for_service_account("c", "k2").send().await.unwrap();
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 2);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(api_authorizations(&requests), ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_refused_token_request_is_an_auth_error_and_the_call_is_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string("grant_type=client_credentials"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .oauth2_client_credentials("client-id", "wrong-secret", &[])
        .build()
        .unwrap();
    let err = client.delete_api_key_for_service_account("c", "k").send().await.unwrap_err();
    let Error::Auth(auth) = &err else { panic!("{err:?}") };
    assert_eq!(auth.status.map(|s| s.as_u16()), Some(401));
    let message = err.to_string();
    assert!(message.contains("token endpoint") && message.contains("invalid_client"), "{message}");
    assert!(!message.contains("wrong-secret") && !format!("{err:?}").contains("wrong-secret"));
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.url.path() == "/oauth/token"), "the API call is not sent");
}

#[tokio::test]
async fn a_combined_requirement_sends_both_and_alternatives_pick_the_first_configured() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    const BEARER: Scheme = Scheme::new(0, "bearer");
    const KEY: Scheme = Scheme::new(1, "key");
    const MISSING: Scheme = Scheme::new(2, "missing");
    let client = ClientBuilder::new(server.uri())
        .credential(BEARER, Credential::Bearer(Secret::new("t0k")))
        .credential(
            KEY,
            Credential::ApiKey { location: ApiKeyLocation::Header, name: "x-api-key", value: Secret::new("k3y") },
        )
        .build()
        .unwrap();

    // `bearer AND key`, as one requirement object.
    let both = client.request(&BY_HAND, Method::GET, "/both", &[&[BEARER, KEY]]).unwrap();
    client.send::<()>(both, &Default::default()).await.unwrap();
    // `missing OR key`: the first alternative lacks a credential, the second is used alone.
    let either = client.request(&BY_HAND, Method::GET, "/either", &[&[MISSING], &[KEY]]).unwrap();
    client.send::<()>(either, &Default::default()).await.unwrap();
    // `security: []` sends nothing.
    let open = client.request(&BY_HAND, Method::GET, "/open", &[]).unwrap();
    client.send::<()>(open, &Default::default()).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let sent = |i: usize, name: &str| requests[i].headers.get_all(name).iter().count();
    assert_eq!((sent(0, "authorization"), sent(0, "x-api-key")), (1, 1));
    assert_eq!((sent(1, "authorization"), sent(1, "x-api-key")), (0, 1));
    assert_eq!((sent(2, "authorization"), sent(2, "x-api-key")), (0, 0));
}

#[tokio::test]
async fn the_call_timeout_bounds_a_token_endpoint_that_hangs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(5))
                .set_body_json(serde_json::json!({"access_token": "late", "token_type": "bearer"})),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .oauth2_client_credentials("client-id", "client-secret", &[])
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.delete_api_key_for_service_account("c", "k").send().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "the call took {elapsed:?}, past its 200 ms timeout");
    let Error::Auth(auth) = &err else { panic!("{err:?}") };
    assert!(auth.problem.contains("within the call's timeout"), "{err}");
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.url.path() == "/oauth/token"), "the API call is not sent");
}
