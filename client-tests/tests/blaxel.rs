//! The generated Blaxel client against a loopback mock server: empty 200s, servers, choosing one
//! of two bearer schemes, and a read-modify-write that keeps what the spec does not declare.

use vendor_apis::blaxel::{Client, Server};
use vendor_apis::runtime::Error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_PATH: &str = "/service_accounts/client-1/api_keys/key-1";

async fn server_answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).and(path(KEY_PATH)).respond_with(ResponseTemplate::new(status)).mount(&server).await;
    server
}

async fn authorization_headers(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    let last = requests.last().expect("a request was sent");
    last.headers.get_all("authorization").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_200_without_content_returns_unit() {
    let server = server_answering(200).await;
    let client = Client::builder().base_url(server.uri()).api_key_auth("bl_key").build().unwrap();
    let response = client.delete_api_key_for_service_account("client-1", "key-1").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let () = response.into_body();
}

#[tokio::test]
async fn an_undeclared_status_is_an_error_with_that_status() {
    let server = server_answering(404).await;
    let client = Client::builder().base_url(server.uri()).api_key_auth("bl_key").build().unwrap();
    let err = client.delete_api_key_for_service_account("client-1", "key-1").send().await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[test]
fn the_spec_servers_are_the_defaults_and_any_url_can_replace_them() {
    let default = Client::builder().build().unwrap();
    assert_eq!(default.base_url(), "https://api.blaxel.ai/v0");
    let inference = Client::builder().server(Server::BlaxelInference).build().unwrap();
    assert_eq!(inference.base_url(), "https://run.blaxel.ai");
    assert_eq!(Server::default(), Server::BlaxelControlPlane);
    let custom = Client::builder().base_url("http://127.0.0.1:9/v0").build().unwrap();
    assert_eq!(custom.base_url(), "http://127.0.0.1:9/v0");
}

#[tokio::test]
async fn exactly_one_credential_is_sent_the_first_alternative_that_is_configured() {
    let server = server_answering(200).await;
    let uri = server.uri();

    let api_key_only = Client::builder().base_url(&uri).api_key_auth("bl_key").build().unwrap();
    api_key_only.delete_api_key_for_service_account("client-1", "key-1").send().await.unwrap();
    assert_eq!(authorization_headers(&server).await, ["Bearer bl_key"]);

    let both = Client::builder().base_url(&uri).api_key_auth("bl_key").oauth2_token("oauth_token").build().unwrap();
    both.delete_api_key_for_service_account("client-1", "key-1").send().await.unwrap();
    assert_eq!(authorization_headers(&server).await, ["Bearer oauth_token"], "OAuth2 is listed first");

    let none = Client::builder().base_url(&uri).build().unwrap();
    let sent = server.received_requests().await.unwrap().len();
    let err = none.delete_api_key_for_service_account("client-1", "key-1").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("OAuth2, or ApiKeyAuth"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), sent);
}

#[tokio::test]
async fn camel_case_path_parameters_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).api_key_auth("bl_key").build().unwrap();
    client.delete_api_key_for_service_account("a/b", "c?d").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/service_accounts/a%2Fb/api_keys/c%3Fd");
}

/// A read-modify-write loses nothing the service added since its spec: properties it does not
/// declare, at the top and two objects down, go back in the PUT's body as they came, beside the
/// declared field the caller changed.
#[tokio::test]
async fn a_get_then_put_sends_back_the_undeclared_properties_at_every_depth() {
    use serde_json::{Value, json};
    let server = MockServer::start().await;
    let agent = json!({
        "metadata": {"name": "alpha", "labels": {"team": "core"}, "shard": 7},
        "spec": {"runtime": {"memory": 2048, "gpuClass": "a100"}, "addedLater": true},
        "tier": "gold"
    });
    for verb in ["GET", "PUT"] {
        let answer = ResponseTemplate::new(200).set_body_json(&agent);
        Mock::given(method(verb)).and(path("/agents/alpha")).respond_with(answer).mount(&server).await;
    }
    let client = Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap();

    let mut fetched = client.get_agent("alpha").send().await.unwrap().into_body();
    let runtime = fetched.spec.runtime.as_mut().expect("the runtime was sent");
    runtime.memory = Some(4096);
    client.update_agent("alpha", fetched).send().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let put = requests.iter().find(|request| request.method.as_str() == "PUT").expect("a PUT was sent");
    let sent: Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(sent["tier"], "gold", "top level");
    assert_eq!(sent["metadata"]["shard"], 7, "one object down");
    assert_eq!(sent["spec"]["addedLater"], true, "one object down");
    assert_eq!(sent["spec"]["runtime"]["gpuClass"], "a100", "two objects down");
    assert_eq!(sent["spec"]["runtime"]["memory"], 4096, "the caller's change");
    assert_eq!(sent["metadata"]["labels"], json!({"team": "core"}));
}
