//! The generated clients against a broken or hostile server: no panic for any response, bounded
//! memory, and errors that say what happened.

use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vendor_apis::devin::{self, responses::RevokeServiceUserApiKeyError};
use vendor_apis::runtime::{Error, RetryPolicy};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(url: String) -> devin::Client {
    devin::Client::builder()
        .base_url(url)
        .bearer_auth("cog")
        .retry(RetryPolicy::none())
        .max_response_bytes(1024)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_by_its_declared_length() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b' '; 4096]))
        .mount(&server)
        .await;
    let err = client(server.uri()).revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.to_string().contains("max_response_bytes"), "{err}");
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_cut_off_while_it_streams() {
    // wiremock always sends a length; this server streams chunks without one.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        let chunk = format!("{:x}\r\n{}\r\n", 512, " ".repeat(512));
        for _ in 0..100 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return; // the client hung up, as it should
            }
        }
    });
    let err = client(url).revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");
}

/// Serves whatever status and body the test last put in the slot.
#[derive(Clone, Default)]
struct Slot(Arc<Mutex<(u16, Vec<u8>, &'static str)>>);

impl Respond for Slot {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let (status, body, content_type) = self.0.lock().unwrap().clone();
        ResponseTemplate::new(status).set_body_raw(body, content_type)
    }
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        Just(br#"{"api_key_id":"k","api_key_name":"n","created_at":1,"expires_at":null,"revoked_at":null,"last_used_at":null,"is_active":true}"#.to_vec()),
        Just(br#"{"detail":[{"loc":["body",0],"msg":"m","type":"t"}]}"#.to_vec()),
        Just(b"<html><body>502 Bad Gateway</body></html>".to_vec()),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        (any::<i64>(), any::<bool>()).prop_map(|(n, b)| format!(r#"{{"api_key_id":{n},"is_active":{b}}}"#).into_bytes()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any status with any body ends in a value or an error that fits the status, never a panic.
    #[test]
    fn any_response_decodes_or_errs_without_panicking(
        status in prop_oneof![200u16..=204, 400u16..=431, 500u16..=504, Just(422u16), Just(404u16), Just(409u16)],
        body in bodies(),
        content_type in prop_oneof![Just("application/json"), Just("text/html"), Just("application/octet-stream")],
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let slot = Slot::default();
            *slot.0.lock().unwrap() = (status, body.clone(), content_type);
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any()).respond_with(slot).mount(&server).await;
            let outcome = client(server.uri()).revoke_service_user_api_key("u", "k").send().await;
            // HTTP gives 204 and 205 no body; the transport drops one a server sends anyway.
            let body = if matches!(status, 204 | 205) { Vec::new() } else { body };
            match (status, outcome) {
                (200, Ok(_)) => {}
                (_, Ok(response)) => prop_assert!(false, "status {status} decoded as success: {:?}", response.body()),
                (_, Err(Error::Decode { response, .. })) => {
                    prop_assert!(status == 200, "only a success is refused when its body does not decode: {status}");
                    prop_assert_eq!(response.body(), &body[..]);
                }
                (_, Err(Error::Api(api))) => {
                    prop_assert_eq!(api.raw_body(), &body[..]);
                    let variant_fits = match api.body() {
                        Some(body) => matches!(
                            (status, body),
                            (404, RevokeServiceUserApiKeyError::NotFound)
                                | (409, RevokeServiceUserApiKeyError::Conflict)
                                | (422, RevokeServiceUserApiKeyError::UnprocessableEntity(_))
                        ),
                        // A declared JSON error whose body does not match is still that status's error.
                        None => status == 422 && api.is_undecoded(),
                    };
                    prop_assert!(variant_fits, "status {status} became {:?}", api.body());
                }
                (_, Err(Error::UnexpectedStatus(response))) => {
                    prop_assert!(!matches!(status, 200 | 404 | 409 | 422), "declared status {status} reported as unexpected");
                    prop_assert_eq!(response.body(), &body[..]);
                }
                (_, Err(other)) => prop_assert!(false, "status {status}: {other:?}"),
            }
            Ok(())
        })?;
    }
}
