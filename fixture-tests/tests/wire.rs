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

mod forms {
    use fixture_tests::form_bodies::{Client, types};
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    async fn server() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        server
    }

    #[tokio::test]
    async fn form_bodies_put_nested_values_in_brackets_and_honour_encoding() {
        let server = server().await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let item = types::CreateChargeBodyItemsItem::default().price("p_1").quantity(2);
        let body = types::CreateChargeBody::new(2000)
            .metadata([("order".to_string(), "6735".to_string())].into_iter().collect())
            .items(vec![item])
            .expand(vec!["customer".into(), "invoice".into()])
            .media_url(vec!["a".into(), "b".into()])
            .tags(vec!["x".into(), "y".into()])
            .filter(types::CreateChargeBodyFilter::default().status("open"));
        client.create_charge(body).send().await.unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        assert_eq!(request.headers["content-type"], "application/x-www-form-urlencoded");
        assert_eq!(
            std::str::from_utf8(&request.body).unwrap(),
            "amount=2000&metadata%5Border%5D=6735&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2\
             &expand%5B%5D=customer&expand%5B%5D=invoice&MediaUrl=a&MediaUrl=b&tags=x%2Cy\
             &filter=%7B%22status%22%3A%22open%22%7D"
        );
    }

    #[tokio::test]
    async fn multipart_parts_carry_their_content_types() {
        let server = server().await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let body = types::CreateUploadBody::new(b"PNG".to_vec())
            .purpose("avatar")
            .options(types::CreateUploadBodyOptions::default().public(true))
            .csv("a,b\n1,2");
        client.create_upload(body).send().await.unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        let content_type = request.headers["content-type"].to_str().unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\nPNG\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\navatar\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"options\"\r\nContent-Type: application/json\r\n\r\n{{\"public\":true}}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(std::str::from_utf8(&request.body).unwrap(), expected);
    }
}

mod negotiation {
    use fixture_tests::content_negotiation::Client;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    async fn client(server: &MockServer) -> Client {
        Client::builder().base_url(server.uri()).build().unwrap()
    }

    #[tokio::test]
    async fn accept_lists_the_declared_media_types_and_the_others_stay_reachable() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/reports/r1"))
            .respond_with(
                ResponseTemplate::new(200).insert_header("content-type", "text/csv").set_body_string("a,b\n1,2\n"),
            )
            .mount(&server)
            .await;
        let client = client(&server).await;
        let raw = client.get_report("r1").header("accept", "text/csv").send_raw().await.unwrap();
        assert_eq!(raw.text(), "a,b\n1,2\n");
        let error = client.get_report("r1").send().await.unwrap_err();
        assert!(error.to_string().contains("does not match"), "JSON is what `send` decodes: {error}");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].headers["accept"], "text/csv", "a per-call header replaces the declared list");
        assert_eq!(requests[1].headers["accept"], "application/json, text/csv");
    }

    #[tokio::test]
    async fn vendor_json_is_json() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/status"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "application/vnd.acme.status+json; charset=utf-8")
                    .set_body_string(r#"{"ok": true}"#),
            )
            .mount(&server)
            .await;
        let status = client(&server).await.get_status().send().await.unwrap();
        assert!(status.ok);
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].headers["accept"], "application/vnd.acme.status+json; charset=utf-8");
    }

    #[tokio::test]
    async fn a_declared_redirect_is_the_answer_and_is_not_followed() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/exports/e1/download"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", "/files/e1.zip"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/files/e1.zip"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        let redirect = client(&server).await.download_export("e1").send().await.unwrap();
        assert_eq!(redirect.status(), 302);
        assert_eq!(redirect.location, format!("{}/files/e1.zip", server.uri()));
    }
}
