//! HTTPS through rustls: the generated client talks TLS to a loopback server whose self-signed
//! certificate it is told to trust through a caller-supplied `reqwest::Client`.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use vendor_apis::runtime::reqwest;

const BODY: &str = r#"{"api_key_id":"k","api_key_name":"n","created_at":1,"expires_at":null,"revoked_at":null,"last_used_at":null,"is_active":true}"#;

/// Serves one HTTPS request on 127.0.0.1 with a fixed JSON answer; returns the port, the
/// certificate, and the request head the server received.
async fn serve_once() -> (u16, Vec<u8>, tokio::task::JoinHandle<String>) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        // A client that does not trust the certificate ends the handshake; that is the test's point.
        let Ok(mut tls) = acceptor.accept(tcp).await else { return String::new() };
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tls.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending a request");
            head.extend_from_slice(&buf[..n]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{BODY}",
            BODY.len()
        );
        tls.write_all(response.as_bytes()).await.unwrap();
        tls.shutdown().await.unwrap();
        String::from_utf8(head).unwrap()
    });
    (port, cert.to_vec(), server)
}

#[tokio::test]
async fn the_client_speaks_https() {
    let (port, cert, server) = serve_once().await;
    let trusted = reqwest::Certificate::from_der(&cert).unwrap();
    // From the runtime's builder: it readies the crate's TLS backend (rustls on aws-lc-rs, by
    // default, which rustls picks itself: the only provider compiled in).
    let http = vendor_apis::runtime::http_client_builder().tls_certs_only([trusted]).build().unwrap();
    let client = vendor_apis::devin::Client::builder()
        .base_url(format!("https://127.0.0.1:{port}"))
        .bearer_auth("cog_tls")
        .http_client(http)
        .build()
        .unwrap();
    let key = client.revoke_service_user_api_key("u", "k").send().await.unwrap();
    assert!(key.is_active);
    let head = server.await.unwrap();
    assert!(head.starts_with("DELETE /v3beta1/enterprise/service-users/u/api-keys/k HTTP/1.1\r\n"), "{head}");
    assert!(head.to_ascii_lowercase().contains("authorization: bearer cog_tls\r\n"), "{head}");
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let (port, _cert, _server) = serve_once().await;
    let client = vendor_apis::devin::Client::builder()
        .base_url(format!("https://127.0.0.1:{port}"))
        .bearer_auth("x")
        .build()
        .unwrap();
    let err = client.revoke_service_user_api_key("u", "k").send().await.unwrap_err();
    assert!(matches!(err, vendor_apis::runtime::Error::Transport(_)), "{err:?}");
}
