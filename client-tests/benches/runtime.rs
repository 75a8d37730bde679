//! The generated client's cost per request against raw reqwest doing the same request, and the
//! cost of a large response against plain serde_json: `cargo bench -p client-tests --bench runtime`.
//!
//! Both sides share one `reqwest::Client` (one connection pool, kept alive) and one loopback
//! server, started here, which answers from memory; the figure to quote is the ratio of medians.
//! Raw reqwest does what a careful hand-written call does: format the URL, add the bearer token
//! and `Accept`, set the same 60 s time limit the generated client applies by default, send,
//! check the status, read the body, decode it. A second pair turns the time limit (and the
//! generated client's retries) off on both sides. A small body is decoded into the same
//! generated type on both sides; the large list into serde-derived twins of the generated types
//! on the raw side, as a hand-written client would, so that the pair also compares the generated
//! decoders (the runtime's `DecodeStruct`) with serde's derive.

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Duration;

use bytes::Bytes;
use divan::Bencher;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use vendor_apis::blaxel::{self, types};
use vendor_apis::runtime::{DEFAULT_TIMEOUT, RetryPolicy, reqwest};

const TOKEN: &str = "bench-token";

/// Images in the large response (about 3.5 MB of JSON).
const LARGE_LIST: usize = 10_000;

fn main() {
    divan::main();
}

fn image(i: usize) -> serde_json::Value {
    serde_json::json!({
        "metadata": {
            "name": format!("image-{i}"),
            "displayName": format!("Image number {i}"),
            "createdAt": "2026-11-22T10:00:00Z",
            "lastDeployedAt": "2026-11-22T11:00:00Z",
            "resourceType": "agent",
            "workspace": "bench",
        },
        "spec": {
            "size": 123_456_789 + i,
            "tags": [
                {"name": "latest", "createdAt": "2026-11-22T10:00:00Z", "size": 1000 + i},
                {"name": format!("v{i}"), "createdAt": "2026-11-21T10:00:00Z", "size": 2000 + i},
            ],
        },
    })
}

/// What a hand-written client would declare for the images: the generated types' fields (less
/// `events` and `status`, which the bodies here never hold), with serde's derive.
mod derived {
    use serde::Deserialize;
    use vendor_apis::blaxel::types;

    impl Image {
        /// Whether the generated types decoded the same body to the same values.
        pub fn same_as(&self, generated: &types::Image) -> bool {
            let (m, g) = (&self.metadata, &generated.metadata);
            let same_metadata = (&m.created_at, &m.display_name, &m.last_deployed_at, &m.name)
                == (&g.created_at, &g.display_name, &g.last_deployed_at, &g.name)
                && (&m.resource_type, &m.source_workspace, &m.updated_at, &m.workspace)
                    == (&g.resource_type, &g.source_workspace, &g.updated_at, &g.workspace);
            let tags = |tags: &[ImageTag], generated: &[types::ImageTag]| {
                tags.len() == generated.len()
                    && tags.iter().zip(generated).all(|(t, g)| {
                        (&t.created_at, &t.name, t.size, &t.updated_at)
                            == (&g.created_at, &g.name, g.size, &g.updated_at)
                    })
            };
            let same_tags = match (&self.spec.tags, &generated.spec.tags) {
                (Some(t), Some(g)) => tags(t, g),
                (t, g) => t.is_none() && g.is_none(),
            };
            same_metadata && self.spec.size == generated.spec.size && same_tags
        }
    }

    #[derive(Deserialize)]
    pub struct Image {
        pub metadata: ImageMetadata,
        pub spec: ImageSpec,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ImageMetadata {
        pub created_at: Option<String>,
        pub display_name: Option<String>,
        pub last_deployed_at: Option<String>,
        pub name: Option<String>,
        pub resource_type: Option<String>,
        pub source_workspace: Option<String>,
        pub updated_at: Option<String>,
        pub workspace: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct ImageSpec {
        pub size: Option<i64>,
        pub tags: Option<Vec<ImageTag>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ImageTag {
        pub created_at: Option<String>,
        pub name: Option<String>,
        pub size: Option<i64>,
        pub updated_at: Option<String>,
    }
}

struct Bodies {
    one: Bytes,
    many: Bytes,
}

static BODIES: LazyLock<Bodies> = LazyLock::new(|| Bodies {
    one: Bytes::from(image(1).to_string()),
    many: Bytes::from(serde_json::Value::Array((0..LARGE_LIST).map(image).collect()).to_string()),
});

/// A loopback HTTP/1.1 server on its own thread, answering from memory: one image for
/// `/images/{type}/{name}`, the large list for `/images`.
fn start_server() -> SocketAddr {
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

struct Setup {
    runtime: tokio::runtime::Runtime,
    base: String,
    http: reqwest::Client,
    /// The generated client with its defaults: a 60 s time limit, retries for GET.
    client: blaxel::Client,
    /// The generated client with no time limit and no retries.
    bare_client: blaxel::Client,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let base = format!("http://{}", start_server());
    let http = reqwest::Client::builder().build().expect("an HTTP client");
    let builder = blaxel::Client::builder().base_url(&base).http_client(http.clone()).oauth2_token(TOKEN);
    let client = builder.clone().build().expect("a client");
    let bare_client = builder.timeout(None).retry(RetryPolicy::none()).build().expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    Setup { runtime, base, http, client, bare_client }
});

async fn raw_reqwest<T: serde::de::DeserializeOwned>(setup: &Setup, url: String, timeout: Option<Duration>) -> T {
    let mut request = setup.http.get(url).bearer_auth(TOKEN).header(reqwest::header::ACCEPT, "application/json");
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request.send().await.expect("an answer");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.bytes().await.expect("a body");
    serde_json::from_slice(&body).expect("an image")
}

/// One small GET with two path parameters and a bearer token, decoded into `types::Image`.
mod one_request {
    use super::*;

    fn generated(client: &blaxel::Client) -> types::Image {
        SETUP.runtime.block_on(async {
            let image = client.get_image("agent", "image-1").send().await.expect("an image");
            assert_eq!(image.metadata.name.as_deref(), Some("image-1"));
            image.into_body()
        })
    }

    fn raw(timeout: Option<Duration>) -> types::Image {
        SETUP.runtime.block_on(async {
            let url = format!("{}/images/{}/{}", SETUP.base, "agent", "image-1");
            let image: types::Image = super::raw_reqwest(&SETUP, url, timeout).await;
            assert_eq!(image.metadata.name.as_deref(), Some("image-1"));
            image
        })
    }

    #[divan::bench]
    fn generated_client(bencher: Bencher) {
        bencher.bench_local(|| generated(&SETUP.client));
    }

    #[divan::bench]
    fn raw_reqwest(bencher: Bencher) {
        bencher.bench_local(|| raw(Some(DEFAULT_TIMEOUT)));
    }

    #[divan::bench]
    fn generated_client_no_time_limit_or_retry(bencher: Bencher) {
        bencher.bench_local(|| generated(&SETUP.bare_client));
    }

    #[divan::bench]
    fn raw_reqwest_no_time_limit(bencher: Bencher) {
        bencher.bench_local(|| raw(None));
    }
}

/// A 10,000-image list: reading and decoding a large body.
mod large_response {
    use super::*;

    #[divan::bench]
    fn generated_client(bencher: Bencher) {
        let setup = &*SETUP;
        bencher.counter(divan::counter::BytesCount::new(BODIES.many.len())).bench_local(|| {
            setup.runtime.block_on(async {
                let images = setup.client.list_images().send().await.expect("images");
                assert_eq!(images.len(), LARGE_LIST);
                images
            })
        });
    }

    #[divan::bench]
    fn raw_reqwest(bencher: Bencher) {
        let setup = &*SETUP;
        bencher.counter(divan::counter::BytesCount::new(BODIES.many.len())).bench_local(|| {
            setup.runtime.block_on(async {
                let url = format!("{}/images", setup.base);
                let images: Vec<derived::Image> = super::raw_reqwest(setup, url, Some(DEFAULT_TIMEOUT)).await;
                assert_eq!(images.len(), LARGE_LIST);
                images
            })
        });
    }

    /// The decode alone, no HTTP: serde_json into the generated types.
    #[divan::bench]
    fn decode_generated_types(bencher: Bencher) {
        decode::<types::Image>(bencher);
    }

    /// The decode alone, no HTTP: serde_json into serde-derived twins of the generated types,
    /// once checked to give the same values as the generated types for the whole list.
    #[divan::bench]
    fn decode_serde_derived_twins(bencher: Bencher) {
        let generated: Vec<types::Image> = serde_json::from_slice(&BODIES.many).expect("images");
        let twins: Vec<derived::Image> = serde_json::from_slice(&BODIES.many).expect("images");
        assert_eq!(generated.len(), LARGE_LIST);
        assert!(twins.iter().zip(&generated).all(|(twin, generated)| twin.same_as(generated)));
        decode::<derived::Image>(bencher);
    }

    fn decode<T: serde::de::DeserializeOwned>(bencher: Bencher) {
        let body = &BODIES.many;
        bencher.counter(divan::counter::BytesCount::new(body.len())).bench(|| {
            let images: Vec<T> = serde_json::from_slice(body).expect("images");
            assert_eq!(images.len(), LARGE_LIST);
            images
        });
    }
}
