//! Errors that tell what happened, through the generated clients against loopback servers: the
//! server's message and request id in `Display`, statuses, connection failures, and the OAuth2
//! client credentials as a compliant token endpoint decodes them.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;
use vendor_apis::blaxel;
use vendor_apis::devin::Client;
use vendor_apis::devin::responses::RevokeServiceUserApiKeyError;
use vendor_apis::runtime::{ApiError, Error, Hook, RetryPolicy, reqwest};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const TOKEN: &str = "cog_test_secret_token";

async fn devin_answering(answer: impl Respond + 'static) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(answer).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).bearer_auth(TOKEN).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn a_declared_404_quotes_the_message_and_the_request_id() {
    // The server echoes the Authorization header it received in a header of its answer, so the
    // response the error holds carries the token. (It is not echoed in the body's `message`: the
    // error quotes that, as it should, so an echo there would show whatever the client did.)
    let answer = |request: &wiremock::Request| {
        ResponseTemplate::new(404)
            .insert_header("x-request-id", "req_123")
            .insert_header("x-echo-authorization", request.headers["authorization"].as_bytes())
            .set_body_json(json!({"message": "service user `u` has no key `k`"}))
    };
    let (_server, client) = devin_answering(answer).await;
    let err = client.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the server answered 404 Not Found, an error the API declares for this operation: \
         \"service user `u` has no key `k`\" (request id req_123)"
    );
    let echoed = err.headers().and_then(|headers| headers.get("x-echo-authorization"));
    assert_eq!(echoed.map(|value| value.as_bytes()), Some(format!("Bearer {TOKEN}").as_bytes()), "the echo is live");
    // Fails if the message quoted a response header other than the request id's, or the request's
    // own headers: either would bring the token in.
    assert!(!err.to_string().contains(TOKEN), "{err}");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    // The 404 is declared without a body schema: its text stays reachable.
    assert_eq!(api.body(), Some(&RevokeServiceUserApiKeyError::NotFound));
    assert!(!api.is_undecoded());
    assert_eq!(api.text(), r#"{"message":"service user `u` has no key `k`"}"#);
    assert_eq!(api.status(), 404);
    assert_eq!(err.request_id().as_deref(), Some("req_123"));
}

/// A request as the client sent it: its `Debug`, and its Authorization header.
#[derive(Clone, Debug)]
struct SentRequest {
    debug: String,
    authorization: Option<reqwest::header::HeaderValue>,
}

/// Keeps every request the client sends.
#[derive(Clone, Default)]
struct Sent(Arc<Mutex<Vec<SentRequest>>>);

impl Hook for Sent {
    fn on_request(&self, request: &mut reqwest::Request) {
        let authorization = request.headers().get(reqwest::header::AUTHORIZATION).cloned();
        self.0.lock().unwrap().push(SentRequest { debug: format!("{request:?}"), authorization });
    }
}

#[tokio::test]
async fn the_credential_shows_in_no_debug_of_the_request_or_the_error() {
    let server = MockServer::start().await;
    // The server says nothing of the token: wherever it shows below, the client put it there.
    let answer = ResponseTemplate::new(500).set_body_string("oops");
    Mock::given(method("DELETE")).respond_with(answer).mount(&server).await;
    let sent = Sent::default();
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_auth(TOKEN)
        .retry(RetryPolicy::none())
        .hook(sent.clone())
        .build()
        .unwrap();
    let call = client.revoke_service_user_api_key("u", "k");
    assert!(!format!("{call:?}").contains(TOKEN), "{call:?}");
    let err = call.send().await.unwrap_err();
    let sent = sent.0.lock().unwrap().clone();
    let [SentRequest { debug, authorization }] = sent.as_slice() else { panic!("one request: {sent:?}") };
    // The token is on the request as sent, yet its `Debug` (what a hook or a trace would log)
    // hides it: this fails if the Authorization header is not marked sensitive.
    assert_eq!(authorization.as_ref().map(|value| value.as_bytes()), Some(format!("Bearer {TOKEN}").as_bytes()));
    assert!(!debug.contains(TOKEN), "{debug}");
    // Fails if an error kept the request, its headers or the client's credential.
    assert!(!format!("{err:?}").contains(TOKEN), "{err:?}");
    assert!(!err.to_string().contains(TOKEN), "{err}");
}

#[tokio::test]
async fn a_fastapi_validation_error_quotes_the_first_problem() {
    let body = json!({"detail": [
        {"loc": ["path", "api_key_id"], "msg": "String should have at most 64 characters", "type": "string_too_long"},
        {"loc": ["path", "service_user_id"], "msg": "second problem", "type": "x"},
    ]});
    let (_server, client) = devin_answering(ResponseTemplate::new(422).set_body_json(body)).await;
    let err = client.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(matches!(err.api_error(), Some(RevokeServiceUserApiKeyError::UnprocessableEntity(_))), "{err:?}");
    assert!(err.to_string().ends_with(": \"path.api_key_id: String should have at most 64 characters\""), "{err}");
}

#[tokio::test]
async fn an_html_500_is_quoted_in_a_bounded_excerpt() {
    let page = format!(
        "<!DOCTYPE html>\n<html>\n  <head><title>500 Internal Server Error</title></head>\n  <body>{}</body>\n</html>",
        "<p>Something went wrong on our side.</p>\n".repeat(500)
    );
    let template = ResponseTemplate::new(500).insert_header("cf-ray", "8f1e2d-AMS").set_body_raw(page, "text/html");
    let (_server, client) = devin_answering(template).await;
    let err = client.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    let message = err.to_string();
    let prefix = "the server answered 500 Internal Server Error, which the API does not declare for this operation: \"";
    let quoted = message.strip_prefix(prefix).unwrap_or_else(|| panic!("{message}"));
    let quoted = quoted.strip_suffix("\" (request id 8f1e2d-AMS)").unwrap_or_else(|| panic!("{message}"));
    assert!(quoted.starts_with("<!DOCTYPE html> <html> <head><title>500 Internal Server Error</title>"), "{quoted}");
    assert!(quoted.ends_with("...") && quoted.chars().count() == 203, "200 characters and a mark: {quoted}");
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client =
        Client::builder().base_url(format!("http://{closed}")).bearer_auth(TOKEN).retry(RetryPolicy::none()).build();
    let err = client.unwrap().revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(err.is_connect() && !err.is_timeout(), "{err:?}");
    assert_eq!(err.status(), None);
}

/// Undoes application/x-www-form-urlencoded (`+` is a space, `%XX` a byte) for one value, as
/// RFC 6749 has the token endpoint do for the client id and secret.
fn form_decode(text: &str) -> String {
    let mut pairs = form_urlencoded::parse(text.as_bytes());
    let (value, rest) = pairs.next().unwrap_or_default();
    assert!(rest.is_empty() && pairs.next().is_none(), "one encoded value, no `=` or `&`: {text}");
    value.into_owned()
}

#[tokio::test]
async fn client_secret_basic_arrives_decodable_by_a_compliant_server() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "tok", "expires_in": 3600})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let (id, secret) = ("client:id é", "p+s%s&w rd:=/?");
    let client =
        blaxel::Client::builder().base_url(server.uri()).oauth2_client_credentials(id, secret, &[]).build().unwrap();
    client.delete_api_key_for_service_account("c", "k").send().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let token_request = requests.iter().find(|r| r.url.path() == "/oauth/token").unwrap();
    let authorization = token_request.headers["authorization"].to_str().unwrap();
    let pair = String::from_utf8(BASE64.decode(authorization.strip_prefix("Basic ").unwrap()).unwrap()).unwrap();
    // Split at the first `:`, as RFC 7617 says: the encoded id holds none.
    let (sent_id, sent_secret) = pair.split_once(':').unwrap();
    assert_eq!(sent_id, "client%3Aid+%C3%A9");
    assert_eq!((form_decode(sent_id).as_str(), form_decode(sent_secret).as_str()), (id, secret));
}

#[tokio::test]
async fn a_refused_token_request_tells_the_status_and_the_oauth_error() {
    let server = MockServer::start().await;
    let refusal = json!({"error": "invalid_client", "error_description": "Client authentication failed"});
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).insert_header("x-request-id", "tok-req-1").set_body_json(refusal))
        .mount(&server)
        .await;
    let client = blaxel::Client::builder()
        .base_url(server.uri())
        .oauth2_client_credentials("id", "wrong-secret", &[])
        .build()
        .unwrap();
    let err = client.delete_api_key_for_service_account("c", "k").send().await.unwrap_err();
    let Error::Auth(auth) = &err else { panic!("{err:?}") };
    assert_eq!(auth.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let message = err.to_string();
    assert!(
        message.ends_with(
            "refused the client credentials with 401 Unauthorized: \"invalid_client: Client authentication failed\" (request id tok-req-1)"
        ),
        "{message}"
    );
    assert!(!message.contains("wrong-secret"));
}

#[tokio::test]
async fn a_declared_error_whose_body_drifted_is_still_that_error_kept_undecoded() {
    let server = MockServer::start().await;
    // Blaxel declares a 409 whose body is its `Error` (`error` a string); this service sends a number.
    let drifted = r#"{"error": 409, "message": "agent `a` exists", "code": 409}"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(409).set_body_raw(drifted, "application/json"))
        .mount(&server)
        .await;
    let client = blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap();
    let body: blaxel::types::Agent = serde_json::from_value(json!({"metadata": {"name": "a"}, "spec": {}})).unwrap();
    let err = client.create_agent(body).send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("a declared status stays Error::Api: {err:?}") };
    assert_eq!(api.status(), 409);
    assert!(api.is_undecoded());
    assert!(api.body().is_none() && err.api_error().is_none(), "there is no decoded body to match");
    assert_eq!(api.raw_body(), drifted.as_bytes(), "the body as sent is kept");
    let why = api.decode_error().expect("the reason it did not decode").to_string();
    assert!(why.contains("invalid type: integer `409`"), "{why}");
    let message = err.to_string();
    assert!(
        message.starts_with("the server answered 409 Conflict, an error the API declares for this operation, with a body that does not match its schema")
            && message.ends_with(": \"agent `a` exists\""),
        "{message}"
    );
    // A caller's arm on the status still matches; one on the decoded variant does not guess.
    let handled = match &err {
        Error::Api(api) if api.status() == 409 => match api.body() {
            Some(blaxel::responses::CreateAgentError::Conflict(e)) => format!("conflict: {}", e.error),
            Some(other) => format!("other: {other:?}"),
            None => "conflict, body undecoded".to_string(),
        },
        other => format!("{other}"),
    };
    assert_eq!(handled, "conflict, body undecoded");
    // A caller's unit test builds the same error without a server.
    let built = ApiError::undecoded(api.status(), api.headers().clone(), drifted, why);
    assert!(built.is_undecoded() && built.body().is_none());
    assert_eq!(built.raw_body(), drifted.as_bytes());
    let built: Error<blaxel::responses::CreateAgentError> = Error::Api(Box::new(built));
    assert_eq!(built.to_string(), message, "as the client builds it");
}
