//! Streamed responses and pagination through the runtime, against loopback servers: raw TCP
//! servers where the exact bytes and their split into packets matter, wiremock elsewhere.
//!
//! Memory is measured with a counting global allocator: it counts, per thread, the bytes
//! allocated and not yet freed, and the peak of that count. The memory test runs the client on
//! one thread (a current-thread runtime) and the server on another, so the figure is the
//! client's own: reqwest and hyper's buffers, the event parser's, the events in hand.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vendor_apis::blaxel;
use vendor_apis::runtime::{
    self, CallOptions, Client, ClientBuilder, Credential, Error, Event, Hook, Method, Pages, RawResponse, Response,
    RetryPolicy, Scheme, Secret, Security, StreamError,
};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The identity of the requests these tests make by hand.
const BY_HAND: runtime::Operation = runtime::Operation::new("byHand", "/by-hand");

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    // `try_with`: an allocation while the thread's locals are torn down is not counted.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            track(layout.size() as isize);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            track(layout.size() as isize);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        track(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts measuring this thread's memory: the peak is reset to what is live now.
fn measure_from_here() -> isize {
    let live = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(live));
    live
}

const SSE_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";

/// A loopback server answering each connection (numbered from 0) with `respond`, once it has
/// read the request head. It stops with the test's runtime.
async fn raw_server<F, Fut>(respond: F) -> String
where
    F: Fn(TcpStream, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let respond = Arc::new(respond);
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            socket.set_nodelay(true).unwrap();
            let respond = Arc::clone(&respond);
            tokio::spawn(async move {
                read_head(&mut socket).await;
                respond(socket, n).await;
            });
        }
    });
    url
}

/// Reads up to the blank line that ends a request head (the requests here have no body), so
/// that closing the socket later is a clean end, not a reset.
async fn read_head(socket: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match socket.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
}

/// Writes `pieces` as separate packets: each is flushed, and the next waits a little, so the
/// client reads them one by one.
async fn send_pieces(socket: &mut TcpStream, pieces: &[&[u8]]) {
    for piece in pieces {
        if socket.write_all(piece).await.is_err() || socket.flush().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn builder(url: &str) -> ClientBuilder {
    ClientBuilder::new(url).retry(RetryPolicy::none())
}

async fn open(client: &Client) -> runtime::Streaming {
    let request = client.request(&BY_HAND, Method::GET, "/events", &[]).unwrap();
    client.send_streaming::<()>(request, &CallOptions::default()).await.unwrap()
}

/// Every event of a text event stream, and the error that ended it, if one did.
async fn text_events(client: &Client) -> (Vec<Event<String>>, Option<StreamError>) {
    let mut events = open(client).await.text_events(None).into_body();
    let mut got = Vec::new();
    while let Some(item) = events.next().await {
        match item {
            Ok(event) => got.push(event),
            Err(e) => return (got, Some(e)),
        }
    }
    (got, None)
}

/// A sample with every kind of line end, a BOM, a comment, ids, types, a retry, a multi-line
/// event and multi-byte characters.
const SAMPLE: &[u8] = b"\xEF\xBB\xBF: keep-alive\r\nid: 1\r\nevent: delta\r\ndata: {\"n\": 1}\r\n\r\n\
    data: first\ndata: second\n\n\
    retry: 2500\rdata: caf\xC3\xA9 \xE2\x82\xAC\r\r\
    id: 2\nevent: end\ndata: [DONE]\n\n";

fn sample_events() -> Vec<Event<String>> {
    let event = |kind: Option<&str>, id: &str, retry: Option<u64>, data: &str| Event {
        event: kind.map(str::to_string),
        id: Some(id.to_string()),
        retry: retry.map(Duration::from_millis),
        data: data.to_string(),
    };
    vec![
        event(Some("delta"), "1", None, "{\"n\": 1}"),
        event(None, "1", None, "first\nsecond"),
        event(None, "1", Some(2500), "café €"),
        event(Some("end"), "2", Some(2500), "[DONE]"),
    ]
}

#[tokio::test]
async fn events_split_at_every_byte_boundary_arrive_whole() {
    let url = raw_server(|mut socket, n| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        let split = n.min(SAMPLE.len());
        send_pieces(&mut socket, &[&SAMPLE[..split], &SAMPLE[split..]]).await;
    })
    .await;
    let client = builder(&url).build().unwrap();
    for split in 0..=SAMPLE.len() {
        let (events, error) = text_events(&client).await;
        assert!(error.is_none(), "split at {split}: {error:?}");
        assert_eq!(events, sample_events(), "split at {split}");
    }
}

#[tokio::test]
async fn events_sent_one_byte_at_a_time_arrive_whole() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        let bytes: Vec<&[u8]> = SAMPLE.chunks(1).collect();
        send_pieces(&mut socket, &bytes).await;
    })
    .await;
    let (events, error) = text_events(&builder(&url).build().unwrap()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events, sample_events());
}

#[tokio::test]
async fn a_crlf_split_between_packets_ends_one_line() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        send_pieces(&mut socket, &[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\ndata: c\r\n\r", b"\n"]).await;
    })
    .await;
    let (events, error) = text_events(&builder(&url).build().unwrap()).await;
    assert!(error.is_none(), "{error:?}");
    let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["a\nb", "c"], "no empty line was seen between CR and LF");
}

#[derive(Debug, PartialEq, Deserialize)]
struct Delta {
    n: u32,
}

#[tokio::test]
async fn done_ends_the_stream_without_waiting_for_the_server() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        let body = b"data: {\"n\": 1}\n\ndata: {\"n\": 2}\n\ndata: [DONE]\n\ndata: {\"n\": 3}\n\n";
        socket.write_all(body).await.unwrap();
        // The connection stays open: the stream must end at the marker, not at the close.
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = builder(&url).build().unwrap();
    let started = Instant::now();
    let mut events = open(&client).await.events::<Delta>(Some("[DONE]")).into_body();
    let mut got = Vec::new();
    while let Some(event) = events.next().await {
        got.push(event.unwrap().data.n);
    }
    assert_eq!(got, [1, 2]);
    assert!(events.next().await.is_none(), "an ended stream stays ended");
    assert!(started.elapsed() < Duration::from_secs(5), "ended at the marker: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_malformed_event_is_an_error_item_and_the_stream_goes_on() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        let body = b"data: {\"n\": 1}\n\nid: 7\ndata: {\"n\": oops\n\ndata: {\"n\": 3}\n\n";
        socket.write_all(body).await.unwrap();
    })
    .await;
    let client = builder(&url).build().unwrap();
    let mut events = open(&client).await.events::<Delta>(None).into_body();
    assert_eq!(events.next().await.unwrap().unwrap().data, Delta { n: 1 });
    let Some(Err(StreamError::Decode { event, .. })) = events.next().await else { panic!("a decode error") };
    assert_eq!((event.id.as_deref(), event.data.as_str()), (Some("7"), "{\"n\": oops"), "the event is kept");
    assert_eq!(events.next().await.unwrap().unwrap().data, Delta { n: 3 });
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn an_event_larger_than_the_limit_ends_the_stream_with_an_error() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        let body = format!("data: small\n\ndata: {}\n\ndata: after\n\n", "x".repeat(10_000));
        socket.write_all(body.as_bytes()).await.unwrap();
    })
    .await;
    let client = builder(&url).max_response_bytes(1024).build().unwrap();
    let (events, error) = text_events(&client).await;
    assert_eq!(events.len(), 1);
    assert!(matches!(error, Some(StreamError::EventTooLarge { limit: 1024 })), "{error:?}");
}

#[derive(Deserialize)]
struct Tick {
    n: u64,
    #[allow(dead_code, reason = "decoded for realism, not read")]
    text: String,
}

const TICKS: u64 = 100_000;

/// A server, on a plain thread so that its memory is not counted with the client's, sending
/// `TICKS` events of about 140 bytes each; it gives the number of bytes sent.
fn serve_ticks() -> (String, std::thread::JoinHandle<usize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0; 1];
        while !head.ends_with(b"\r\n\r\n") {
            std::io::Read::read_exact(&mut socket, &mut byte).unwrap();
            head.push(byte[0]);
        }
        socket.write_all(SSE_HEAD.as_bytes()).unwrap();
        let mut sent = 0;
        let mut batch = Vec::with_capacity(64 * 1024);
        for n in 0..TICKS {
            writeln!(batch, "id: {n}\ndata: {{\"n\": {n}, \"text\": \"{}\"}}\n", "lorem ipsum ".repeat(8)).unwrap();
            if batch.len() > 60 * 1024 || n == TICKS - 1 {
                socket.write_all(&batch).unwrap();
                sent += batch.len();
                batch.clear();
            }
        }
        sent
    });
    (url, server)
}

/// Also the benchmark: run with `--nocapture` to see the time and memory figures. The same
/// stream read as bytes, without the event parser, gives the HTTP stack's own share.
#[tokio::test(flavor = "current_thread")]
async fn a_hundred_thousand_events_stream_in_flat_memory() {
    let (url, server) = serve_ticks();
    let client = builder(&url).build().unwrap();
    let mut bytes = open(&client).await.bytes().into_body();
    let baseline = measure_from_here();
    while let Some(chunk) = bytes.next().await {
        chunk.unwrap();
    }
    let http_only = PEAK.with(Cell::get) - baseline;
    server.join().unwrap();

    let (url, server) = serve_ticks();
    let client = builder(&url).build().unwrap();
    let mut events = open(&client).await.events::<Tick>(None).into_body();
    let baseline = measure_from_here();
    let started = Instant::now();
    let mut count = 0;
    let mut growth_at_tenth = 0;
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        assert_eq!(event.data.n, count);
        count += 1;
        if count == TICKS / 10 {
            growth_at_tenth = PEAK.with(Cell::get) - baseline;
        }
    }
    let elapsed = started.elapsed();
    let growth = PEAK.with(Cell::get) - baseline;
    let sent = server.join().unwrap();
    assert_eq!(count, TICKS);
    println!(
        "100,000 events ({:.1} MB): consumed in {elapsed:?} ({:.0} events/s); peak memory growth {} KiB \
         (after 10,000 events: {} KiB; the same stream read as bytes: {} KiB)",
        sent as f64 / 1e6,
        TICKS as f64 / elapsed.as_secs_f64(),
        growth / 1024,
        growth_at_tenth / 1024,
        http_only / 1024,
    );
    assert!(sent > 10_000_000, "the stream is far larger than the memory it may use: {sent}");
    // Most of it is hyper's read buffers (up to about 400 KiB each, two while a chunk is held).
    assert!(growth < 1536 * 1024, "memory grew by {growth} bytes");
    assert!(growth - growth_at_tenth < 128 * 1024, "flat: {growth_at_tenth} after a tenth, {growth} in all");
}

#[tokio::test]
async fn a_stream_outlives_the_request_timeout() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        for n in 0..10 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if socket.write_all(format!("data: {n}\n\n").as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let client = builder(&url).timeout(Some(Duration::from_millis(300))).build().unwrap();
    let started = Instant::now();
    let (events, error) = text_events(&client).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events.len(), 10, "every event arrived");
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_stream_idle_beyond_the_idle_timeout_ends_with_an_error() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        socket.write_all(b"data: one\n\n").await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
        let _ = socket.write_all(b"data: too late\n\n").await;
    })
    .await;
    let client = builder(&url).timeout(Some(Duration::from_secs(10))).idle_timeout(Some(Duration::from_millis(300)));
    let started = Instant::now();
    let (events, error) = text_events(&client.build().unwrap()).await;
    assert_eq!(events.len(), 1);
    let error = error.expect("an idle timeout");
    assert!(matches!(error, StreamError::IdleTimeout(_)) && error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_response_head_late_beyond_the_timeout_is_a_timeout_error() {
    let url = raw_server(|socket, _| async move {
        // Held open, silent.
        let _socket = socket;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let client = builder(&url).timeout(Some(Duration::from_millis(200))).build().unwrap();
    let request = client.request(&BY_HAND, Method::GET, "/events", &[]).unwrap();
    let err = client.send_streaming::<()>(request, &CallOptions::default()).await.unwrap_err();
    assert!(err.is_timeout() && matches!(err, Error::Stream(StreamError::HeadTimeout(_))), "{err:?}");
}

#[tokio::test]
async fn a_byte_stream_reads_a_download_larger_than_the_response_limit_chunk_by_chunk() {
    const SIZE: usize = 8 * 1024 * 1024;
    let url = raw_server(|mut socket, n| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {SIZE}\r\nconnection: close\r\n\r\n"
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        let block = vec![7u8; 64 * 1024];
        for _ in 0..SIZE / block.len() / if n == 0 { 1 } else { 2 } {
            if socket.write_all(&block).await.is_err() {
                return;
            }
        }
        // The second download stalls half way.
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let client = builder(&url).max_response_bytes(1024 * 1024).idle_timeout(Some(Duration::from_millis(300)));
    let client = client.build().unwrap();
    let mut download = open(&client).await.bytes().into_body();
    let (mut total, mut largest) = (0, 0);
    while let Some(chunk) = download.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.iter().all(|&b| b == 7));
        total += chunk.len();
        largest = largest.max(chunk.len());
    }
    assert_eq!(total, SIZE);
    assert!(largest <= 1024 * 1024, "chunks as they come, not the whole body: {largest}");

    let mut stalled = open(&client).await.bytes().into_body();
    let mut total = 0;
    let error = loop {
        match stalled.next().await {
            Some(Ok(chunk)) => total += chunk.len(),
            Some(Err(e)) => break e,
            None => panic!("the stalled download ended without an error"),
        }
    };
    assert_eq!(total, SIZE / 2);
    assert!(matches!(error, StreamError::IdleTimeout(_)), "{error:?}");
    assert!(stalled.next().await.is_none());
}

const AUTH: Scheme = Scheme::new(0, "auth");
const SECURED: Security = &[&[AUTH]];

/// Counts the responses hooks see.
struct Seen(Arc<AtomicUsize>);

impl Hook for Seen {
    fn on_response(&self, response: &RawResponse) {
        assert!(response.body().is_empty(), "a streamed body is not read for hooks");
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_streamed_call_sends_credentials_and_headers_and_retries_before_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("data: hello\n\n", "text/event-stream"))
        .mount(&server)
        .await;
    let seen = Arc::new(AtomicUsize::new(0));
    let client = ClientBuilder::new(server.uri())
        .credential(AUTH, Credential::Bearer(Secret::new("t0k")))
        .default_header("x-default", "d")
        .hook(Arc::new(Seen(Arc::clone(&seen))))
        .build()
        .unwrap();
    let mut request = client.request(&BY_HAND, Method::GET, "/events", SECURED).unwrap();
    request.header("accept", "text/event-stream");
    let mut call = CallOptions::default();
    call.header("x-call".into(), "c".into());
    let streaming = client.send_streaming::<()>(request, &call).await.unwrap();
    assert_eq!(streaming.status(), 200);
    let mut events = streaming.text_events(None).into_body();
    assert_eq!(events.next().await.unwrap().unwrap().data, "hello");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "the 503 was retried");
    for request in &requests {
        assert_eq!(request.headers["authorization"], "Bearer t0k");
        assert_eq!(request.headers["x-default"], "d");
        assert_eq!(request.headers["x-call"], "c");
    }
    assert_eq!(seen.load(Ordering::SeqCst), 2, "hooks saw both responses");
}

/// A request whose input could not be put on it is not sent, whichever way it is sent: the
/// runtime keeps the input's error until then.
#[tokio::test]
async fn a_request_with_an_input_it_could_not_take_is_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = ClientBuilder::new(server.uri()).build().unwrap();
    let refused = || {
        let mut request = client.request(&BY_HAND, Method::GET, "/events", &[]).unwrap();
        request.header("x-note", "a\r\nInjected: yes");
        request
    };
    let streamed = client.send_streaming::<()>(refused(), &CallOptions::default()).await;
    assert!(matches!(&streamed, Err(Error::InvalidRequest(e)) if e.0.contains("`x-note`")), "{streamed:?}");
    let read = client.send::<()>(refused(), &CallOptions::default()).await;
    assert!(matches!(&read, Err(Error::InvalidRequest(e)) if e.0.contains("`x-note`")), "{read:?}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_error_status_on_a_streamed_call_reads_the_body_for_the_error() {
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(404)
        .insert_header("x-request-id", "req_9")
        .set_body_json(serde_json::json!({"message": "no such run"}));
    Mock::given(method("GET")).respond_with(answer).mount(&server).await;
    let client = builder(&server.uri()).build().unwrap();
    let streaming = open(&client).await;
    assert_eq!(streaming.status(), 404);
    let err = streaming.into_raw::<()>().await.unwrap().unexpected::<()>();
    assert!(err.to_string().ends_with(": \"no such run\" (request id req_9)"), "{err}");

    let big = ResponseTemplate::new(500).set_body_string("x".repeat(4096));
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(big).mount(&server).await;
    let client = builder(&server.uri()).max_response_bytes(1024).build().unwrap();
    let err = open(&client).await.into_raw::<()>().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");
}

// Pagination.

fn agent(name: &str) -> serde_json::Value {
    serde_json::json!({"metadata": {"name": name}, "spec": {}})
}

fn agent_page(names: &[&str], next: Option<&str>) -> ResponseTemplate {
    agent_page_with_meta(names, serde_json::json!({"nextCursor": next.unwrap_or("")}))
}

fn agent_page_with_meta(names: &[&str], meta: serde_json::Value) -> ResponseTemplate {
    let data: Vec<_> = names.iter().map(|name| agent(name)).collect();
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": data, "meta": meta}))
}

/// A server for Blaxel's agents, two to a page, the pages reached by cursor: paged through the
/// generated `ListAgents::pages` and `ListAgents::items`.
async fn agents_server(pages: [ResponseTemplate; 3]) -> (MockServer, blaxel::Client) {
    let server = MockServer::start().await;
    let [first, second, third] = pages;
    let agents = || Mock::given(method("GET")).and(path("/agents")).and(query_param("limit", "2"));
    agents().and(query_param_is_missing("cursor")).respond_with(first).mount(&server).await;
    agents().and(query_param("cursor", "c2")).respond_with(second).mount(&server).await;
    agents().and(query_param("cursor", "c3")).respond_with(third).mount(&server).await;
    let client = blaxel::Client::builder().base_url(server.uri()).api_key_auth("k").build().unwrap();
    (server, client)
}

#[tokio::test]
async fn three_pages_follow_the_cursor_lazily() {
    let (server, client) = agents_server([
        agent_page(&["a", "b"], Some("c2")),
        agent_page(&["c", "d"], Some("c3")),
        agent_page(&["e"], None),
    ])
    .await;
    let mut agents = client.list_agents().limit(2).items();
    assert_eq!(agents.next().await.unwrap().unwrap().metadata.name, "a");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "one page at a time");
    let mut names = vec!["a".to_string()];
    while let Some(agent) = agents.next().await {
        names.push(agent.unwrap().metadata.name);
    }
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_cursor_given_twice_is_an_error_not_a_loop() {
    let (server, client) =
        agents_server([agent_page(&["a"], Some("c2")), agent_page(&["b"], Some("c2")), agent_page(&["never"], None)])
            .await;
    let mut pages = client.list_agents().limit(2).pages();
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.unwrap().is_ok(), "the page itself is fine");
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(matches!(&err, Error::Pagination(_)), "{err:?}");
    assert!(err.to_string().contains("loop"), "{err}");
    assert!(pages.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_error_status_on_page_two_is_an_error_item_that_ends_the_pages() {
    let failure =
        ResponseTemplate::new(500).set_body_json(serde_json::json!({"error": "internal", "message": "db down"}));
    let (server, client) = agents_server([agent_page(&["a"], Some("c2")), failure, agent_page(&["never"], None)]).await;
    let mut pages = client.list_agents().limit(2).pages();
    assert!(pages.next().await.unwrap().is_ok());
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(err.to_string().contains("\"db down\""), "{err}");
    assert!(pages.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn has_more_false_ends_the_pages_whatever_the_cursor() {
    let (server, client) = agents_server([
        agent_page_with_meta(&["a"], serde_json::json!({"nextCursor": "c2", "hasMore": true})),
        agent_page_with_meta(&["b"], serde_json::json!({"nextCursor": "c3", "hasMore": false})),
        agent_page(&["never"], None),
    ])
    .await;
    let mut agents = client.list_agents().limit(2).items();
    let mut names = Vec::new();
    while let Some(agent) = agents.next().await {
        names.push(agent.unwrap().metadata.name);
    }
    assert_eq!(names, ["a", "b"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the cursor after `hasMore: false` is not followed");
}

/// A request builder shaped like a generated one, for an API that pages with `Link` headers.
#[derive(Debug, Clone)]
struct ListItems<'a> {
    client: &'a Client,
    /// The next page's URL, from the previous page's `Link` header.
    url: Option<String>,
}

impl<'a> ListItems<'a> {
    async fn send(self) -> Result<Response<Vec<u32>>, Error<()>> {
        let request = match &self.url {
            Some(url) => self.client.request_url(&BY_HAND, Method::GET, url, SECURED)?,
            None => self.client.request(&BY_HAND, Method::GET, "/items", SECURED)?,
        };
        let response = self.client.send(request, &CallOptions::default()).await?;
        match response.status().as_u16() {
            200 => response.json(),
            _ => Err(response.unexpected()),
        }
    }

    fn pages(self) -> Pages<'a, Vec<u32>, ()> {
        runtime::pages(self, Self::send, |request, page| {
            let url = runtime::next_page_url(page)?;
            Some((url.clone(), ListItems { url: Some(url), ..request.clone() }))
        })
    }
}

fn items_page(items: &[u32], link: Option<String>) -> ResponseTemplate {
    let page = ResponseTemplate::new(200).set_body_json(items);
    match link {
        Some(link) => page.insert_header("link", link.as_str()),
        None => page,
    }
}

#[tokio::test]
async fn link_headers_lead_to_the_next_page_absolute_or_relative() {
    let server = MockServer::start().await;
    let at = |page: &str| Mock::given(method("GET")).and(path("/items")).and(query_param("page", page));
    let absolute =
        format!("<{}/items?page=2>; rel=\"next\", <{}/items?page=4>; rel=\"last\"", server.uri(), server.uri());
    let first = items_page(&[1, 2], Some(absolute));
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param_is_missing("page"))
        .respond_with(first)
        .mount(&server)
        .await;
    at("2")
        .respond_with(items_page(&[3], Some("</items>; rel=first, </items?page=3>; REL=next".into())))
        .mount(&server)
        .await;
    at("3").respond_with(items_page(&[4, 5], Some("<?page=4>; rel=next".into()))).mount(&server).await;
    at("4").respond_with(items_page(&[6], None)).mount(&server).await;
    let client =
        ClientBuilder::new(server.uri()).credential(AUTH, Credential::Bearer(Secret::new("t0k"))).build().unwrap();

    let mut items = ListItems { client: &client, url: None }.pages().items(|page| page);
    let mut got = Vec::new();
    while let Some(item) = items.next().await {
        got.push(item.unwrap());
    }
    assert_eq!(got, [1, 2, 3, 4, 5, 6]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4);
    assert!(requests.iter().all(|r| r.headers["authorization"] == "Bearer t0k"), "every page is authorised");
}

#[tokio::test]
async fn a_next_page_on_another_origin_is_refused() {
    let server = MockServer::start().await;
    // Another loopback address: another origin, which must not get the credentials.
    let port = server.address().port();
    let elsewhere = format!("<http://127.0.0.2:{port}/items?page=2>; rel=next");
    Mock::given(method("GET")).and(path("/items")).respond_with(items_page(&[1], Some(elsewhere))).mount(&server).await;
    let client =
        ClientBuilder::new(server.uri()).credential(AUTH, Credential::Bearer(Secret::new("t0k"))).build().unwrap();
    let mut pages = ListItems { client: &client, url: None }.pages();
    assert_eq!(*pages.next().await.unwrap().unwrap(), [1]);
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(_)) && err.to_string().contains("another origin"), "{err}");
    assert!(pages.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn done_the_data_type_cannot_hold_ends_the_stream_unnamed() {
    let url = raw_server(|mut socket, _| async move {
        socket.write_all(SSE_HEAD.as_bytes()).await.unwrap();
        let body = b"data: {\"n\": 1}\n\ndata: [DONE]\n\ndata: {\"n\": 3}\n\n";
        socket.write_all(body).await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = builder(&url).build().unwrap();
    let started = Instant::now();
    // The spec named no sentinel: `[DONE]`, which no `Delta` holds, still ends the stream.
    let mut events = open(&client).await.events::<Delta>(None).into_body();
    let mut got = Vec::new();
    while let Some(event) = events.next().await {
        got.push(event.unwrap().data.n);
    }
    assert_eq!(got, [1]);
    assert!(started.elapsed() < Duration::from_secs(5), "ended at [DONE]: {:?}", started.elapsed());
}

/// What a generated streamed operation's `send` passes to `call_streaming`: a 200 is the body as
/// a stream; any other answer is read whole and is a status the operation does not declare.
fn download(response: runtime::Streaming) -> Result<Response<runtime::ByteStream>, Box<runtime::Streaming>> {
    if response.status() == 200 {
        return Ok(response.bytes());
    }
    Err(Box::new(response))
}

/// A streamed operation's answer that is not its stream is decoded as a call's is: a deviation
/// sink hears of an undeclared status, and a retry the timeout left no time for is said.
#[tokio::test]
async fn a_streamed_call_reports_deviations_and_retries_past_its_deadline() {
    let server = MockServer::start().await;
    Mock::given(path("/gone")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "2");
    Mock::given(path("/busy")).respond_with(busy).mount(&server).await;
    let log = runtime::DeviationLog::new();
    let client = ClientBuilder::new(server.uri())
        .api("shop")
        .deviations(log.sink())
        .timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let options = CallOptions::default();
    let call = |route: &'static str| {
        let request = client.request(&BY_HAND, Method::GET, route, &[]).unwrap();
        let undeclared = |response: RawResponse| Err(response.unexpected());
        client.call_streaming::<_, ()>(request, &options, download, undeclared)
    };

    let err = call("/gone").await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    let seen = log.take();
    assert_eq!(
        seen.iter().map(|d| (&d.kind, d.status)).collect::<Vec<_>>(),
        [(&runtime::DeviationKind::UndeclaredStatus, Some(404))]
    );

    let err = call("/busy").await.unwrap_err();
    let Error::RetryPastDeadline { last, .. } = &err else { panic!("{err:?}") };
    assert_eq!(last.status(), Some(runtime::StatusCode::SERVICE_UNAVAILABLE));
}
