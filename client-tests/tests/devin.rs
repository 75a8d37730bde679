//! The generated Devin client against a loopback mock server: decoding, declared and undeclared
//! errors, path encoding, auth and base URLs.

use serde_json::json;
use vendor_apis::devin::responses::RevokeServiceUserApiKeyError;
use vendor_apis::devin::types::{ApiKeyResponse, ValidationErrorLocItem};
use vendor_apis::devin::{Client, ClientBuilder};
use vendor_apis::runtime::Error;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cog_test_secret_token";
const KEY_PATH: &str = "/v3beta1/enterprise/service-users/service-user-1/api-keys/key-1";

fn key_json() -> serde_json::Value {
    json!({
        "api_key_id": "key-1",
        "api_key_name": "ci",
        "created_at": 1700000000,
        "expires_at": 4102444800_i64,
        "revoked_at": null,
        "last_used_at": null,
        "is_active": false
    })
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder().base_url(server.uri()).bearer_auth(TOKEN)
}

async fn client_answering(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).and(path(KEY_PATH)).respond_with(template).mount(&server).await;
    let client = builder(&server).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn a_200_decodes_with_i64_timestamps_and_nulls() {
    let (server, client) = client_answering(ResponseTemplate::new(200).set_body_json(key_json())).await;
    let response = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let key = response.into_body();
    assert_eq!(key.expires_at, Some(4102444800));
    assert_eq!(key.revoked_at, None);
    assert_eq!(key.last_used_at, None);
    assert!(!key.is_active);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let auth: Vec<_> = requests[0].headers.get_all("authorization").iter().collect();
    assert_eq!(auth, [&format!("Bearer {TOKEN}")], "exactly one Authorization header");
}

/// Per the decoding table (README, "Decoding what the service sends"): a required nullable field
/// that is absent is no value, as `null` is; a required field without `null` is still refused.
#[test]
fn required_nullable_fields_absent_decode_as_none_and_encode_none_as_null() {
    let mut missing = key_json();
    missing.as_object_mut().unwrap().remove("revoked_at");
    let key = serde_json::from_value::<ApiKeyResponse>(missing).unwrap();
    assert_eq!(key.revoked_at, None);
    let mut refused = key_json();
    refused.as_object_mut().unwrap().remove("api_key_name");
    let err = serde_json::from_value::<ApiKeyResponse>(refused).unwrap_err();
    assert!(err.to_string().contains("missing field `api_key_name`"), "{err}");

    let key: ApiKeyResponse = serde_json::from_value(key_json()).unwrap();
    let encoded = serde_json::to_value(&key).unwrap();
    assert_eq!(encoded["revoked_at"], serde_json::Value::Null);
    assert_eq!(encoded, key_json());
}

/// The service's key response without `expires_at` (required, nullable) decodes: the key does not
/// expire, which is what `null` would say.
#[tokio::test]
async fn a_key_response_without_expires_at_decodes() {
    let mut body = key_json();
    body.as_object_mut().unwrap().remove("expires_at");
    let (_server, client) = client_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let key = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap().into_body();
    assert_eq!((key.api_key_id.as_str(), key.expires_at), ("key-1", None));
}

#[tokio::test]
async fn a_declared_422_is_a_typed_error_with_string_and_integer_locations() {
    let body = json!({"detail": [{"loc": ["path", "api_key_id", 0], "msg": "bad id", "type": "value_error"}]});
    let (_server, client) = client_answering(ResponseTemplate::new(422).set_body_json(body)).await;
    let err = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    let Some(RevokeServiceUserApiKeyError::UnprocessableEntity(validation)) = err.api_error() else {
        panic!("expected the declared 422, got {err:?}");
    };
    let detail = &validation.detail.as_ref().unwrap()[0];
    assert_eq!(
        detail.loc,
        [
            ValidationErrorLocItem::String("path".into()),
            ValidationErrorLocItem::String("api_key_id".into()),
            ValidationErrorLocItem::Integer(0),
        ]
    );
    assert_eq!(detail.msg, "bad id");
    assert_eq!(detail.r#type, "value_error");
}

/// 404 and 409 are stated only in the operation's prose; the overlay beside the spec declares
/// them, so they arrive as named errors that keep the status, headers and body.
#[tokio::test]
async fn the_404_and_409_from_the_overlay_are_named_errors() {
    let cases = [
        (404, "key not found", RevokeServiceUserApiKeyError::NotFound),
        (409, "already revoked", RevokeServiceUserApiKeyError::Conflict),
    ];
    for (status, text, expected) in cases {
        let template = ResponseTemplate::new(status)
            .insert_header("x-request-id", "req-123")
            .set_body_json(json!({ "detail": text }));
        let (_server, client) = client_answering(template).await;
        let err = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err();
        assert_eq!(err.api_error(), Some(&expected), "{err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.headers().unwrap()["x-request-id"], "req-123");
        let body: serde_json::Value = serde_json::from_slice(err.raw_body().unwrap()).unwrap();
        assert_eq!(body["detail"], text);
    }
}

#[tokio::test]
async fn an_undeclared_status_keeps_status_headers_and_body() {
    let template =
        ResponseTemplate::new(418).insert_header("x-request-id", "req-9").set_body_json(json!({"detail": "teapot"}));
    let (_server, client) = client_answering(template).await;
    let err = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(err.headers().unwrap()["x-request-id"], "req-9");
    assert!(err.to_string().contains("teapot"), "the message quotes the body: {err}");
}

#[tokio::test]
async fn an_undeclared_500_with_html_keeps_the_page() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let template = ResponseTemplate::new(500).set_body_raw(page, "text/html");
    let (_server, client) = client_answering(template).await;
    let err = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err();
    let Error::UnexpectedStatus(response) = &err else { panic!("{err:?}") };
    assert_eq!(response.status(), 500);
    assert_eq!(response.text(), page);
    assert_eq!(response.headers()["content-type"], "text/html");
}

#[tokio::test]
async fn malformed_or_wrongly_shaped_json_is_a_decode_error_keeping_the_body_unless_a_declared_error() {
    let bodies = ["{\"api_key_id\": \"key-1\", ", "[1, 2, 3]", ""];
    for body in bodies {
        let template = ResponseTemplate::new(200).set_body_raw(body, "application/json");
        let (_server, client) = client_answering(template).await;
        let err = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err();
        let Error::Decode { response, .. } = &err else { panic!("{body:?}: {err:?}") };
        assert_eq!(response.body(), body.as_bytes());
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    }
    // A declared error status with a body of the wrong shape is still that status's error, kept
    // undecoded: never a wrong variant.
    let template = ResponseTemplate::new(422).set_body_json(json!({"detail": "not a list"}));
    let (_server, client) = client_answering(template).await;
    let err = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert!(api.is_undecoded() && api.body().is_none(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
}

#[tokio::test]
async fn path_parameters_are_one_segment_each() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_json()))
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let cases = [
        ("a/b?c#d", "../x", "/v3beta1/enterprise/service-users/a%2Fb%3Fc%23d/api-keys/..%2Fx"),
        ("ü ñ", "%2F", "/v3beta1/enterprise/service-users/%C3%BC%20%C3%B1/api-keys/%252F"),
    ];
    for (user, key, wanted) in cases {
        client.revoke_service_user_api_key(user, key).send().await.unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.last().unwrap().url.path(), wanted);
    }
    let sent = server.received_requests().await.unwrap().len();
    for (user, key) in [("..", "k"), ("u", "."), ("", "k")] {
        let err = client.revoke_service_user_api_key(user, key).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{user:?}/{key:?}: {err:?}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), sent, "refused requests are not sent");
}

#[tokio::test]
async fn the_token_never_shows_in_debug_or_errors() {
    let (_server, client) = client_answering(ResponseTemplate::new(500).set_body_string("oops")).await;
    assert!(!format!("{client:?}").contains(TOKEN));
    let err = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err();
    assert!(!format!("{err:?}").contains(TOKEN));
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn without_credentials_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let err = client.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(err.to_string().contains("bearerAuth"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_base_url_may_carry_a_path_prefix_and_must_be_http() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/devin{KEY_PATH}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(key_json()))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(format!("{}/devin/", server.uri())).bearer_auth(TOKEN).build().unwrap();
    client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap();

    for bad in ["not a url", "ftp://example.com", "https://example.com/?q=1"] {
        assert!(Client::builder().base_url(bad).build().is_err(), "{bad}");
    }
}

/// Deviations the call loop and the decoders raise on the real Devin client: a declared 422 whose
/// body does not match its schema (still `Error::Api`), and a key without its required nullable
/// `expires_at` (decoded as `None`), each recorded with the operation, status and spec pointers.
#[tokio::test]
async fn deviations_name_the_operation_the_status_and_the_spec() {
    use vendor_apis::runtime::{DeviationKind, DeviationLog};

    let server = MockServer::start().await;
    let mut key = key_json();
    key.as_object_mut().unwrap().remove("expires_at");
    Mock::given(method("DELETE"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(key))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": 5})))
        .mount(&server)
        .await;
    let log = DeviationLog::new();
    let client = builder(&server).deviations(log.sink()).build().unwrap();

    let key = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap();
    assert_eq!(key.expires_at, None);
    let Error::Api(error) = client.revoke_service_user_api_key("service-user-1", "key-1").send().await.unwrap_err()
    else {
        panic!("a declared status stays Error::Api")
    };
    assert!(error.is_undecoded());

    let seen = log.take();
    let operation = "/paths/~1v3beta1~1enterprise~1service-users~1{service_user_id}~1api-keys~1{api_key_id}/delete";
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].api, "devin");
    assert_eq!(seen[0].status, Some(200));
    assert_eq!(seen[0].kind, DeviationKind::MissingProperty { property: "expires_at".into() });
    assert_eq!(seen[0].spec_pointer, "/components/schemas/ApiKeyResponse");
    assert_eq!(seen[1].status, Some(422));
    assert!(matches!(seen[1].kind, DeviationKind::MismatchedBody { .. }), "{:?}", seen[1]);
    assert_eq!(seen[1].spec_pointer, format!("{operation}/responses/422"));
    assert!(seen.iter().all(|d| d.operation.starts_with("handle_revoke_service_user_api_key")), "{seen:?}");
}
