//! Streams and pages read through the generated clients, against the transport alone and against
//! what a user would write by hand: `cargo bench -p fixture-tests --bench streams`.
//!
//! Everything runs on loopback (127.0.0.1) against a minimal hyper server started here, answering
//! from memory; the client side runs on a current-thread tokio runtime on the bench thread, and
//! every reader shares one `reqwest::Client` (one connection pool, kept alive). The servers live
//! as long as the process.
//!
//! - `events`: one `POST /chat` (the streaming fixture's `create_chat_stream`) answered with
//!   100,000 server-sent events, a JSON `data:` line each (`{"text":"token 123 "}`, the fixture's
//!   `Chunk`), then `data: [DONE]`, sent chunked in 16 KiB frames that cut events anywhere, by a
//!   server on its own thread. Read through the generated `EventStream` (`next().await` until
//!   `None`), as raw `chunk()`s doing nothing (the transport floor), and by a hand-written loop
//!   that splits on blank lines and decodes each data line with serde_json into the same type.
//! - `pages`: the pagination fixture's `list_agents`, 20 pages of 100 items with
//!   `meta.nextCursor` / `meta.hasMore`, read with `items()`, with `pages()`, with `send()` per
//!   page and the cursor set by hand, and with raw reqwest and serde_json into the same generated
//!   types. Each against a server on its own thread and against one that is a task of the bench
//!   thread's runtime: there a page costs CPU time only, without waking another thread, which on
//!   a virtual machine is slow and varies from run to run.
//!
//! Before the timed benchmarks, `main` prints the peak heap growth and the allocations per event
//! while one event stream (10,000, 100,000 and 1,000,000 events) is read on a new connection,
//! measured by the counting allocator below. It counts every thread of the process (the server's
//! too), and only until the timed benchmarks start, so that they do not pay for it.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use bytes::Bytes;
use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use fixture_tests::pagination::{self, types::ListAgentsResponse};
use fixture_tests::runtime::{DEFAULT_TIMEOUT, reqwest};
use fixture_tests::streaming::{self, types::Chunk, types::CreateChatBody};
use http_body_util::{BodyExt, Either, Full};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

/// Events in the timed stream.
const EVENTS: usize = 100_000;
/// The streams the memory report reads.
const MEMORY_EVENTS: [usize; 3] = [10_000, EVENTS, 1_000_000];
/// The size of the frames the server sends the event stream in.
const FRAME: usize = 16 * 1024;
const PAGES: usize = 20;
const PAGE_SIZE: usize = 100;
/// What every request for a stream sends; the server reads it and does not look at it.
const CHAT_BODY: &str = r#"{"prompt":"bench","stream":true}"#;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

fn main() {
    memory_report();
    counting::stop();
    divan::main();
}

/// A global allocator that counts allocations, live bytes and their peak until told to stop;
/// after that it is the system allocator behind one relaxed load.
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

    pub struct Counting;

    /// On from the start, so that every block freed while counting was counted when allocated.
    static ON: AtomicBool = AtomicBool::new(true);
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);
    /// Allocations (and reallocations that grew) since [`start`].
    static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

    fn grew(by: usize) {
        ALLOCATIONS.fetch_add(1, Relaxed);
        let live = LIVE.fetch_add(by, Relaxed) + by;
        PEAK.fetch_max(live, Relaxed);
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract is passed on to the system allocator.
            let block = unsafe { System.alloc(layout) };
            if !block.is_null() && ON.load(Relaxed) {
                grew(layout.size());
            }
            block
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: as for `alloc`.
            let block = unsafe { System.alloc_zeroed(layout) };
            if !block.is_null() && ON.load(Relaxed) {
                grew(layout.size());
            }
            block
        }

        unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
            // SAFETY: `block` came from this allocator, that is from the system allocator.
            unsafe { System.dealloc(block, layout) };
            if ON.load(Relaxed) {
                LIVE.fetch_sub(layout.size(), Relaxed);
            }
        }

        unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as for `dealloc`.
            let moved = unsafe { System.realloc(block, layout, new_size) };
            if !moved.is_null() && ON.load(Relaxed) {
                if new_size >= layout.size() {
                    grew(new_size - layout.size());
                } else {
                    LIVE.fetch_sub(layout.size() - new_size, Relaxed);
                }
            }
            moved
        }
    }

    /// Live bytes now, and the peak made to start from here (and the allocations from zero).
    pub fn start() -> usize {
        let live = LIVE.load(Relaxed);
        PEAK.store(live, Relaxed);
        ALLOCATIONS.store(0, Relaxed);
        live
    }

    /// Allocations since [`start`].
    pub fn allocations() -> usize {
        ALLOCATIONS.load(Relaxed)
    }

    /// The peak since [`start`].
    pub fn peak() -> usize {
        PEAK.load(Relaxed)
    }

    pub fn stop() {
        ON.store(false, Relaxed);
    }
}

/// The event stream of `events` events, then `data: [DONE]`, as the server sends it.
fn event_stream(events: usize) -> Bytes {
    let mut body = String::with_capacity(events * 32);
    for i in 0..events {
        let data = serde_json::json!({ "text": format!("token {i} ") });
        body.push_str(&format!("data: {data}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    Bytes::from(body)
}

static STREAM: LazyLock<Bytes> = LazyLock::new(|| event_stream(EVENTS));
static FEW: LazyLock<Bytes> = LazyLock::new(|| event_stream(MEMORY_EVENTS[0]));
static MANY: LazyLock<Bytes> = LazyLock::new(|| event_stream(MEMORY_EVENTS[2]));

/// The stream of that many events, if the server has one.
fn stream(events: usize) -> Option<&'static Bytes> {
    match events {
        EVENTS => Some(&STREAM),
        10_000 => Some(&FEW),
        1_000_000 => Some(&MANY),
        _ => None,
    }
}

/// The pages of `list_agents`, by cursor: page `k` is asked for with `cursor=c{k}` (the first
/// without a cursor) and names `c{k+1}` until the last.
static PAGE_BODIES: LazyLock<Vec<Bytes>> = LazyLock::new(|| {
    (0..PAGES)
        .map(|page| {
            let last = page + 1 == PAGES;
            let data: Vec<_> = (0..PAGE_SIZE)
                .map(|i| serde_json::json!({ "id": format!("thing-{:05}", page * PAGE_SIZE + i) }))
                .collect();
            let meta = serde_json::json!({
                "nextCursor": if last { None } else { Some(format!("c{}", page + 1)) },
                "hasMore": !last,
            });
            Bytes::from(serde_json::json!({ "data": data, "meta": meta }).to_string())
        })
        .collect()
});

/// A body sent chunked, in frames of at most `frame` bytes (slices of one buffer, not copies).
struct Framed {
    rest: Bytes,
    frame: usize,
}

impl hyper::body::Body for Framed {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        let size = self.frame.min(self.rest.len());
        Poll::Ready(Some(Ok(Frame::data(self.rest.split_to(size)))))
    }
}

type Body = Either<Full<Bytes>, Framed>;

/// `POST /{events}/chat`: the event stream of that many events; `GET /agents`: the page its
/// `cursor` names.
async fn answer(request: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = request.uri().path().to_string();
    let cursor = request.uri().query().unwrap_or_default().split('&').find_map(|pair| pair.strip_prefix("cursor="));
    let page = match cursor {
        None => Some(0),
        Some(cursor) => cursor.strip_prefix('c').and_then(|k| k.parse::<usize>().ok()),
    };
    // The request body is read whole, so that the connection is kept for the next request.
    let _ = request.into_body().collect().await;
    let events = path.strip_prefix('/').and_then(|path| path.strip_suffix("/chat"));
    let stream = events.and_then(|events| events.parse().ok()).and_then(stream);
    let response = match (stream, path.as_str(), page) {
        (Some(stream), _, _) => Response::builder()
            .header("content-type", "text/event-stream")
            .body(Either::Right(Framed { rest: stream.clone(), frame: FRAME })),
        (None, "/agents", Some(page)) if page < PAGES => Response::builder()
            .header("content-type", "application/json")
            .body(Either::Left(Full::new(PAGE_BODIES[page].clone()))),
        _ => Response::builder().status(StatusCode::NOT_FOUND).body(Either::Left(Full::new(Bytes::new()))),
    };
    Ok(response.expect("a response"))
}

/// A listener on a free loopback port, and the server's URL.
fn loopback() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    (listener, url)
}

/// A minimal HTTP/1.1 server: accepts connections on `listener` and answers every request.
async fn serve(listener: std::net::TcpListener) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
    loop {
        let (stream, _) = listener.accept().await.expect("a connection");
        stream.set_nodelay(true).expect("nodelay");
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(answer))
                .await;
        });
    }
}

/// Where the server of a page benchmark runs.
const SERVER_THREADS: [&str; 2] = ["own thread", "bench thread"];

struct Setup {
    /// The client side's runtime, on the bench thread (current-thread).
    runtime: tokio::runtime::Runtime,
    /// The server on its own thread (its own current-thread runtime).
    base: String,
    http: reqwest::Client,
    /// The streaming fixture's client for the 100,000-event stream, with its defaults (a 60 s
    /// time limit for the head, the same as the idle limit between chunks).
    chat: streaming::Client,
    /// The same with no time limit (so no idle timer per chunk either).
    chat_no_time_limit: streaming::Client,
    /// The pagination fixture's client of the server on its own thread.
    paging: pagination::Client,
    /// A second server, a task of `runtime`: it runs on the bench thread while the client waits,
    /// so a page costs CPU time only, not a wake-up of another thread.
    local_base: String,
    local_paging: pagination::Client,
}

impl Setup {
    /// The pagination client and the URL of a server (one of [`SERVER_THREADS`]).
    fn paging(&self, server: &str) -> (&pagination::Client, &str) {
        match server {
            "own thread" => (&self.paging, &self.base),
            _ => (&self.local_paging, &self.local_base),
        }
    }
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let (listener, base) = loopback();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(serve(listener));
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (local_listener, local_base) = loopback();
    runtime.spawn(serve(local_listener));
    let http = reqwest::Client::builder().build().expect("an HTTP client");
    let chat =
        |events: usize| streaming::Client::builder().base_url(format!("{base}/{events}")).http_client(http.clone());
    let paging = |base: &str| pagination::Client::builder().base_url(base).http_client(http.clone()).build();
    Setup {
        chat: chat(EVENTS).build().expect("a client"),
        chat_no_time_limit: chat(EVENTS).timeout(None).build().expect("a client"),
        paging: paging(&base).expect("a client"),
        local_paging: paging(&local_base).expect("a client"),
        runtime,
        base,
        local_base,
        http,
    }
});

/// What a read of an event stream saw: events, and bytes of `text` (or of body, for raw reads).
type Seen = (usize, usize);

/// The generated typed event stream, read to its end.
async fn generated_events(client: &streaming::Client) -> Seen {
    let response = client.create_chat_stream(CreateChatBody::new("bench")).send().await.expect("a stream");
    let mut events = response.into_body();
    let (mut count, mut text) = (0, 0);
    while let Some(event) = events.next().await {
        let event = event.expect("an event");
        count += 1;
        text += black_box(event.data).text.len();
    }
    (count, text)
}

/// The same request sent by hand with raw reqwest.
async fn raw_request(http: &reqwest::Client, base: &str, events: usize) -> reqwest::Response {
    let response = http
        .post(format!("{base}/{events}/chat"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .body(CHAT_BODY)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    response
}

/// The transport floor: every chunk of the body, looked at for its length only.
async fn raw_chunks(mut response: reqwest::Response) -> Seen {
    let (mut chunks, mut bytes) = (0, 0);
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        chunks += 1;
        bytes += black_box(chunk).len();
    }
    (chunks, bytes)
}

/// Where the first blank line (`\n\n`) of `buffer` starts.
fn blank_line(buffer: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = buffer[from..].iter().position(|&b| b == b'\n') {
        let at = from + at;
        if buffer.get(at + 1) == Some(&b'\n') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A minimal hand-written reader, as a user would write one: buffer the chunks, cut events at
/// blank lines, decode each `data: ` line with serde_json, stop at `[DONE]`. (It knows only LF
/// line ends and one data line per event, and does not bound an event's size.) `Done` tells the
/// caller to stop reading.
struct HandWritten {
    buffer: Vec<u8>,
    seen: Seen,
}

struct Done;

impl HandWritten {
    fn new() -> Self {
        HandWritten { buffer: Vec::new(), seen: (0, 0) }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), Done> {
        self.buffer.extend_from_slice(chunk);
        let mut start = 0;
        let mut outcome = Ok(());
        while let Some(end) = blank_line(&self.buffer[start..]) {
            let event = &self.buffer[start..start + end];
            start += end + 2;
            for line in event.split(|&b| b == b'\n') {
                let Some(data) = line.strip_prefix(b"data: ") else { continue };
                if data == b"[DONE]" {
                    outcome = Err(Done);
                    break;
                }
                let chunk: Chunk = serde_json::from_slice(data).expect("a chunk");
                self.seen.0 += 1;
                self.seen.1 += black_box(chunk).text.len();
            }
            if outcome.is_err() {
                break;
            }
        }
        self.buffer.drain(..start);
        outcome
    }
}

async fn hand_written(mut response: reqwest::Response) -> Seen {
    let mut reader = HandWritten::new();
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        if reader.feed(&chunk).is_err() {
            break;
        }
    }
    reader.seen
}

/// The text bytes of the `events` events of a stream.
fn text_bytes(events: usize) -> usize {
    (0..events).map(|i| format!("token {i} ").len()).sum()
}

mod events {
    use super::*;

    fn run(bencher: Bencher, read: impl AsyncFn(&'static Setup) -> Seen) {
        let setup = &*SETUP;
        let expected = (EVENTS, text_bytes(EVENTS));
        bencher.counter(ItemsCount::new(EVENTS)).counter(BytesCount::new(STREAM.len())).bench_local(|| {
            let seen = setup.runtime.block_on(read(setup));
            assert_eq!(seen, expected);
        });
    }

    /// (a) The generated typed event stream, `next().await` until `None`.
    #[divan::bench]
    fn generated_client(bencher: Bencher) {
        run(bencher, async |setup| generated_events(&setup.chat).await);
    }

    /// (a') The same with no time limit: no idle timer per chunk.
    #[divan::bench]
    fn generated_client_no_time_limit(bencher: Bencher) {
        run(bencher, async |setup| generated_events(&setup.chat_no_time_limit).await);
    }

    /// (b) The same bytes as raw `chunk()`s: the transport floor.
    #[divan::bench]
    fn raw_chunks(bencher: Bencher) {
        let setup = &*SETUP;
        bencher.counter(ItemsCount::new(EVENTS)).counter(BytesCount::new(STREAM.len())).bench_local(|| {
            let (_, bytes) = setup
                .runtime
                .block_on(async { super::raw_chunks(raw_request(&setup.http, &setup.base, EVENTS).await).await });
            assert_eq!(bytes, STREAM.len());
        });
    }

    /// (c) A hand-written loop: split on blank lines, serde_json into the same type.
    #[divan::bench]
    fn hand_written(bencher: Bencher) {
        run(bencher, async |setup| super::hand_written(raw_request(&setup.http, &setup.base, EVENTS).await).await);
    }

    /// The hand-written loop's work alone, no HTTP: the stream fed from memory in the frames the
    /// server sends.
    #[divan::bench]
    fn hand_written_from_memory(bencher: Bencher) {
        let expected = (EVENTS, text_bytes(EVENTS));
        bencher.counter(ItemsCount::new(EVENTS)).counter(BytesCount::new(STREAM.len())).bench_local(|| {
            let mut reader = HandWritten::new();
            for frame in STREAM.chunks(FRAME) {
                if reader.feed(frame).is_err() {
                    break;
                }
            }
            assert_eq!(reader.seen, expected);
        });
    }
}

mod pages {
    use super::*;

    const ITEMS: usize = PAGES * PAGE_SIZE;

    fn run(bencher: Bencher, server: &str, read: impl AsyncFn(&'static pagination::Client, &'static str) -> usize) {
        let setup = &*SETUP;
        let (client, base) = setup.paging(server);
        bencher.counter(ItemsCount::new(ITEMS)).bench_local(|| {
            assert_eq!(setup.runtime.block_on(read(client, base)), ITEMS);
        });
    }

    /// (a) `items()` through every item of every page.
    #[divan::bench(args = SERVER_THREADS)]
    fn generated_items(bencher: Bencher, server: &str) {
        run(bencher, server, async |client, _| {
            let mut items = client.list_agents().limit(PAGE_SIZE as i64).items();
            let mut count = 0;
            while let Some(thing) = items.next().await {
                black_box(thing.expect("an item"));
                count += 1;
            }
            count
        });
    }

    /// `pages()`, each page's items taken out by hand.
    #[divan::bench(args = SERVER_THREADS)]
    fn generated_pages(bencher: Bencher, server: &str) {
        run(bencher, server, async |client, _| {
            let mut pages = client.list_agents().limit(PAGE_SIZE as i64).pages();
            let mut count = 0;
            while let Some(page) = pages.next().await {
                for thing in page.expect("a page").into_body().data.unwrap_or_default() {
                    black_box(thing);
                    count += 1;
                }
            }
            count
        });
    }

    /// The cursor and the end of a page, as `items()` reads them.
    fn next_cursor(page: ListAgentsResponse) -> (Vec<pagination::types::Thing>, Option<String>) {
        let meta = page.meta.unwrap_or_default();
        let cursor = match meta.has_more {
            Some(false) => None,
            _ => meta.next_cursor.flatten().filter(|cursor| !cursor.is_empty()),
        };
        (page.data.unwrap_or_default(), cursor)
    }

    /// (b) The generated `send()` per page, the cursor set by hand.
    #[divan::bench(args = SERVER_THREADS)]
    fn generated_send_per_page(bencher: Bencher, server: &str) {
        run(bencher, server, async |client, _| {
            let (mut count, mut cursor) = (0, None);
            loop {
                let mut request = client.list_agents().limit(PAGE_SIZE as i64);
                if let Some(cursor) = cursor {
                    request = request.cursor(cursor);
                }
                let (things, next) = next_cursor(request.send().await.expect("a page").into_body());
                for thing in things {
                    black_box(thing);
                    count += 1;
                }
                match next {
                    Some(next) => cursor = Some(next),
                    None => return count,
                }
            }
        });
    }

    /// (c) Raw reqwest per page (the same 60 s time limit and `Accept`), serde_json into the
    /// same generated types.
    #[divan::bench(args = SERVER_THREADS)]
    fn raw_reqwest(bencher: Bencher, server: &str) {
        run(bencher, server, async |_, base| {
            let (mut count, mut cursor) = (0, None::<String>);
            loop {
                let url = match &cursor {
                    None => format!("{base}/agents?limit={PAGE_SIZE}"),
                    // The fixture's cursors need no percent-encoding.
                    Some(cursor) => format!("{base}/agents?cursor={cursor}&limit={PAGE_SIZE}"),
                };
                let response = SETUP
                    .http
                    .get(url)
                    .header(reqwest::header::ACCEPT, "application/json")
                    .timeout(DEFAULT_TIMEOUT)
                    .send()
                    .await
                    .expect("an answer");
                assert_eq!(response.status(), reqwest::StatusCode::OK);
                let body = response.bytes().await.expect("a body");
                let page: ListAgentsResponse = serde_json::from_slice(&body).expect("a page");
                let (things, next) = next_cursor(page);
                for thing in things {
                    black_box(thing);
                    count += 1;
                }
                match next {
                    Some(next) => cursor = Some(next),
                    None => return count,
                }
            }
        });
    }
}

/// The ways the memory report reads a stream.
#[derive(Clone, Copy)]
enum Reader {
    Generated,
    HandWritten,
    RawChunks,
    WholeBody,
}

/// Reads the stream of `events` events once, with a new connection pool, and gives the peak heap
/// growth during the read and the allocations made. The clients are made before the count
/// starts: the connection, its buffers and the server's side of it count, the HTTP client's
/// configuration does not.
fn peak_of_one_read(reader: Reader, events: usize) -> (usize, usize) {
    let setup = &*SETUP;
    let http = reqwest::Client::builder().build().expect("an HTTP client");
    let base = format!("{}/{events}", setup.base);
    let chat = streaming::Client::builder().base_url(&base).http_client(http.clone()).build().expect("a client");
    let start = counting::start();
    let seen = setup.runtime.block_on(async {
        match reader {
            Reader::Generated => generated_events(&chat).await.0,
            Reader::HandWritten => hand_written(raw_request(&http, &setup.base, events).await).await.0,
            Reader::RawChunks => raw_chunks(raw_request(&http, &setup.base, events).await).await.1,
            Reader::WholeBody => raw_request(&http, &setup.base, events).await.bytes().await.expect("a body").len(),
        }
    });
    let (peak, allocations) = (counting::peak() - start, counting::allocations());
    assert!(seen == events || seen == stream(events).expect("a stream").len());
    drop((chat, http));
    // The connection's task lets go of its buffers before the next read starts counting.
    setup.runtime.block_on(async { tokio::time::sleep(std::time::Duration::from_millis(20)).await });
    (peak, allocations)
}

/// Peak heap growth while one event stream is read, by each reader, for each size of stream: the
/// smallest and largest of a few reads, each on a new connection.
fn memory_report() {
    const RUNS: usize = 5;
    const READERS: [Reader; 4] = [Reader::Generated, Reader::HandWritten, Reader::RawChunks, Reader::WholeBody];
    let sizes = MEMORY_EVENTS.map(|events| stream(events).expect("a stream").len());
    // One read of each kind first: lazy state of the runtime, reqwest and hyper.
    for reader in READERS {
        let _ = peak_of_one_read(reader, MEMORY_EVENTS[0]);
    }
    println!("Peak heap growth while one event stream is read on a new connection (whole process, server included;");
    println!("smallest..largest of {RUNS} reads, and the largest as a share of the stream)");
    println!(
        "{:>9} {:>13} {:>25} {:>25} {:>25} {:>25}",
        "events",
        "stream bytes",
        "generated EventStream",
        "hand-written loop",
        "raw chunk() loop",
        "whole body, bytes()"
    );
    let mut allocations = Vec::new();
    for (events, size) in MEMORY_EVENTS.into_iter().zip(sizes) {
        let runs = READERS.map(|reader| (0..RUNS).map(|_| peak_of_one_read(reader, events)).collect::<Vec<_>>());
        let cells = runs.each_ref().map(|runs| {
            let low = runs.iter().map(|run| run.0).min().expect("runs");
            let high = runs.iter().map(|run| run.0).max().expect("runs");
            format!("{:.1}..{:.1} KB ({:.1}%)", kb(low), kb(high), 100.0 * high as f64 / size as f64)
        });
        println!("{events:>9} {size:>13} {:>25} {:>25} {:>25} {:>25}", cells[0], cells[1], cells[2], cells[3]);
        let fewest = runs.map(|runs| runs.iter().map(|run| run.1).min().expect("runs"));
        allocations.push((events, fewest));
    }
    println!("Allocations per event during the read (whole process, the fewest of the {RUNS} reads)");
    for (events, fewest) in allocations {
        let cells = fewest.map(|count| format!("{:.3}", count as f64 / events as f64));
        println!("{events:>9} {:>13} {:>25} {:>25} {:>25} {:>25}", "", cells[0], cells[1], cells[2], cells[3]);
    }
    // How reqwest hands the stream over: the chunks of one raw read.
    let (chunks, largest) = SETUP.runtime.block_on(async {
        let mut response = raw_request(&SETUP.http, &SETUP.base, EVENTS).await;
        let (mut chunks, mut largest) = (0, 0);
        while let Some(chunk) = response.chunk().await.expect("a chunk") {
            (chunks, largest) = (chunks + 1, largest.max(chunk.len()));
        }
        (chunks, largest)
    });
    println!(
        "The {EVENTS}-event stream ({} bytes, sent in {} frames of {FRAME} bytes) came as {chunks} chunks, the largest {largest} bytes.",
        STREAM.len(),
        STREAM.len().div_ceil(FRAME)
    );
    println!();
}

fn kb(bytes: usize) -> f64 {
    bytes as f64 / 1000.0
}
