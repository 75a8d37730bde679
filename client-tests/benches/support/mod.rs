//! What the runtime benchmarks share: a loopback server answering from memory, the clients, and
//! one small request made by the generated client and by raw reqwest.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use vendor_apis::blaxel::{self, types};
use vendor_apis::runtime::{DEFAULT_TIMEOUT, RetryPolicy, reqwest};

pub const TOKEN: &str = "bench-token";
/// The `Blaxel-Version` the generated client sends unless told otherwise (`specs/blaxel-controlplane.toml`).
pub const BLAXEL_VERSION: &str = "2026-04-28";

pub mod images;

pub struct Bodies {
    pub one: Bytes,
    pub many: Bytes,
}

pub static BODIES: LazyLock<Bodies> = LazyLock::new(|| Bodies {
    one: Bytes::from(images::image(1).to_string()),
    many: Bytes::from(images::large_list()),
});

/// A loopback HTTP/1.1 server on its own thread, answering from memory: one image for
/// `/images/{type}/{name}`, the large list for `/images`.
pub fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    listener.set_nonblocking(true).expect("non-blocking");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            loop {
                let (stream, _) = listener.accept().await.expect("a connection");
                stream.set_nodelay(true).expect("nodelay");
                tokio::spawn(async move {
                    let service = service_fn(|request: Request<hyper::body::Incoming>| async move {
                        if RECORD_HEADS.load(Ordering::Relaxed) {
                            *LAST_HEAD.lock().expect("not poisoned") = head_of(&request);
                        }
                        let body = if request.uri().path() == "/images" { &BODIES.many } else { &BODIES.one };
                        let response = Response::builder()
                            .status(StatusCode::OK)
                            .header("content-type", "application/json")
                            .body(Full::new(body.clone()))
                            .expect("a response");
                        Ok::<_, std::convert::Infallible>(response)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    addr
}

/// Whether the server records each request's head in [`LAST_HEAD`]: off while timing.
static RECORD_HEADS: AtomicBool = AtomicBool::new(false);
static LAST_HEAD: Mutex<String> = Mutex::new(String::new());

/// A request's method, path and headers but `host` (which differs by connection), one per line.
fn head_of<B>(request: &Request<B>) -> String {
    use std::fmt::Write as _;
    let mut head = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers().iter().filter(|(name, _)| *name != hyper::header::HOST) {
        // Writing to a `String` does not fail.
        let _ = writeln!(head, "{name}: {}", value.to_str().unwrap_or("(not text)"));
    }
    head
}

/// The head of the request `make` sends, as the server received it.
fn head_sent(make: impl FnOnce()) -> String {
    RECORD_HEADS.store(true, Ordering::Relaxed);
    make();
    RECORD_HEADS.store(false, Ordering::Relaxed);
    std::mem::take(&mut *LAST_HEAD.lock().expect("not poisoned"))
}

/// Fails unless the generated client and raw reqwest send the same request, with and without a
/// time limit: the sides of a pair must ask the server for the same work.
pub fn assert_same_requests() {
    for (client, timeout) in [(&SETUP.client, Some(DEFAULT_TIMEOUT)), (&SETUP.bare_client, None)] {
        let generated = head_sent(|| drop(one_generated(client)));
        let raw = head_sent(|| drop(one_raw(timeout)));
        assert_eq!(generated, raw, "the generated client and raw reqwest send different requests");
    }
}

pub struct Setup {
    pub runtime: tokio::runtime::Runtime,
    pub base: String,
    pub http: reqwest::Client,
    /// The generated client with its defaults: a 60 s time limit, retries for GET.
    pub client: blaxel::Client,
    /// The generated client with no time limit and no retries.
    pub bare_client: blaxel::Client,
}

pub static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let base = format!("http://{}", start_server());
    let http = reqwest::Client::builder().build().expect("an HTTP client");
    let builder = blaxel::Client::builder().base_url(&base).http_client(http.clone()).oauth2_token(TOKEN);
    let client = builder.clone().build().expect("a client");
    let bare_client = builder.timeout(None).retry(RetryPolicy::none()).build().expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    Setup { runtime, base, http, client, bare_client }
});

/// The request the generated client makes, by hand: the same headers on the wire (the API
/// version the Blaxel client sends by default included), so that both sides ask the server for
/// the same work.
pub async fn raw_reqwest<T: serde::de::DeserializeOwned>(setup: &Setup, url: String, timeout: Option<Duration>) -> T {
    let mut request = setup
        .http
        .get(url)
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .header("blaxel-version", BLAXEL_VERSION);
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request.send().await.expect("an answer");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.bytes().await.expect("a body");
    serde_json::from_slice(&body).expect("an image")
}

/// One small GET with two path parameters and a bearer token, decoded into `types::Image`, by the
/// generated client.
pub fn one_generated(client: &blaxel::Client) -> types::Image {
    SETUP.runtime.block_on(async {
        let image = client.get_image("agent", "image-1").send().await.expect("an image");
        assert_eq!(image.metadata.name.as_deref(), Some("image-1"));
        image.into_body()
    })
}

/// The same request made by raw reqwest, as a careful hand-written call would.
pub fn one_raw(timeout: Option<Duration>) -> types::Image {
    SETUP.runtime.block_on(async {
        let url = format!("{}/images/{}/{}", SETUP.base, "agent", "image-1");
        let image: types::Image = raw_reqwest(&SETUP, url, timeout).await;
        assert_eq!(image.metadata.name.as_deref(), Some("image-1"));
        image
    })
}
