//! Errors that tell what happened, through the generated clients against loopback servers: the
//! server's message and request id in `Display`, statuses, connection failures, and the OAuth2
//! client credentials as a compliant token endpoint decodes them.

use serde_json::json;
use vendor_apis::blaxel;
use vendor_apis::devin::Client;
use vendor_apis::devin::responses::RevokeServiceUserApiKeyError;
use vendor_apis::runtime::{Error, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cog_test_secret_token";

async fn devin_answering(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(template).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).bearer_auth(TOKEN).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn a_declared_404_quotes_the_message_and_the_request_id() {
    let template = ResponseTemplate::new(404)
        .insert_header("x-request-id", "req_123")
        .set_body_json(json!({"message": "service user `u` has no key `k`"}));
    let (_server, client) = devin_answering(template).await;
    let err = client.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the server answered 404 Not Found, an error the API declares for this operation: \
         \"service user `u` has no key `k`\" (request id req_123)"
    );
    assert!(!err.to_string().contains(TOKEN));
    let Error::Api(api) = &err else { panic!("{err:?}") };
    // The 404 is declared without a body schema: its text stays reachable.
    assert_eq!(api.body(), &RevokeServiceUserApiKeyError::NotFound);
    assert_eq!(api.text(), r#"{"message":"service user `u` has no key `k`"}"#);
    assert_eq!(api.status(), 404);
    assert_eq!(err.request_id().as_deref(), Some("req_123"));
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

/// Undoes base64 (the standard alphabet, padded), as the token endpoint does.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        buffer = (buffer << 6) | ALPHABET.iter().position(|&a| a == c).expect("a base64 character") as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// Undoes application/x-www-form-urlencoded: `+` is a space, `%XX` a byte.
fn form_decode(text: &str) -> String {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'+' => b' ',
            b'%' => {
                let hex = [bytes.next().unwrap(), bytes.next().unwrap()];
                u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap()
            }
            b => b,
        });
    }
    String::from_utf8(out).unwrap()
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
    let pair = String::from_utf8(base64_decode(authorization.strip_prefix("Basic ").unwrap())).unwrap();
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
