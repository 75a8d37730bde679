//! Streamed responses: server-sent events (`text/event-stream`) and large bodies read chunk by
//! chunk, each under an idle timeout instead of the whole request's.
//!
//! The event-stream parser is written here rather than taken from a crate: `eventsource-stream`
//! (0.2.3, on `nom` 7) and `sse-stream` (0.3, on `http-body` and `futures-util`) both parse
//! across chunk boundaries, but neither bounds the memory of one event: a server that never ends
//! an event (or a line) grows the client without limit, and the limit cannot be added from
//! outside without parsing the lines a second time. The WHATWG framing is small:
//! lines end with CRLF, LF or CR (a CR at the end of a chunk may be the first half of a CRLF, so
//! the parser remembers it); `data` lines are joined with LF; `:` starts a comment; a blank line
//! dispatches the event; `id`, `event` and `retry` set their fields; one BOM at the very start
//! is dropped; an event the stream ends inside is discarded. Lines are split on bytes, before
//! decoding, so a chunk may end anywhere, inside a UTF-8 sequence included.
//!
//! Streams yield [`StreamError`] rather than [`Error<E>`](super::Error): once the head has
//! arrived, no declared error of the operation can happen any more, and what can (a broken
//! connection, a stall, an oversized or undecodable event) is said exactly. `Error<E>` converts
//! from it (`Error::Stream`), so `?` works in functions returning either.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes};
use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::response::{Error, RawResponse, Response, excerpt};

/// What can go wrong with a streamed response once its call was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed while the body was being read.
    #[error("reading the stream failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The response head did not arrive within the request timeout. Only
    /// [`Client::send_streaming`](super::Client::send_streaming) ends in it, never a stream.
    #[error("the response head did not arrive within {0:?}")]
    HeadTimeout(Duration),
    /// Nothing arrived for longer than the idle timeout; the stream ends with this error.
    #[error("the stream stalled: nothing arrived for {0:?} (the idle timeout)")]
    IdleTimeout(Duration),
    /// One event was larger than the client's `max_response_bytes`; the stream ends with this
    /// error, without reading the rest of the event.
    #[error(
        "an event is larger than the limit of {limit} bytes; the stream stops here (raise the limit with `max_response_bytes`)"
    )]
    EventTooLarge { limit: usize },
    /// An event's data did not decode as the type the API declares. The stream goes on with the
    /// next event; the event is kept as it came, its data as text.
    #[error("an event's data does not match what the API declares: {source}; the data: {}", excerpt(.event.data.as_bytes()))]
    Decode {
        event: Box<Event<String>>,
        #[source]
        source: serde_json::Error,
    },
}

impl StreamError {
    /// Whether the stream (or its head) ran out of time.
    pub fn is_timeout(&self) -> bool {
        match self {
            StreamError::HeadTimeout(_) | StreamError::IdleTimeout(_) => true,
            StreamError::Transport(e) => e.is_timeout(),
            StreamError::EventTooLarge { .. } | StreamError::Decode { .. } => false,
        }
    }
}

impl From<reqwest::Error> for StreamError {
    fn from(error: reqwest::Error) -> Self {
        // The URL may carry an API key in its query; errors never show credentials.
        StreamError::Transport(error.without_url())
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<T> {
    /// The `event` field: the event's type (`None`: a plain message).
    pub event: Option<String>,
    /// The last event id (`id` field) as of this event: as the standard says, an event without
    /// an `id` field keeps the previous one. It is what a client resuming the stream sends as
    /// `Last-Event-ID`.
    pub id: Option<String>,
    /// The reconnection time the server last asked for (`retry` field), if it ever did.
    pub retry: Option<Duration>,
    /// The `data` lines, joined with `\n`, decoded.
    pub data: T,
}

impl Event<()> {
    fn with_data<T>(self, data: T) -> Event<T> {
        Event { event: self.event, id: self.id, retry: self.retry, data }
    }
}

/// A response whose head has arrived and whose body has not been read: what
/// [`Client::send_streaming`](super::Client::send_streaming) gives. Read the body as events
/// ([`Streaming::events`]), as chunks ([`Streaming::bytes`]), or whole, for an error status
/// ([`Streaming::into_raw`]).
pub struct Streaming {
    status: StatusCode,
    headers: HeaderMap,
    url: Url,
    body: Body,
}

impl fmt::Debug for Streaming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streaming")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl Streaming {
    pub(super) fn new(mut response: reqwest::Response, idle: Option<Duration>, limit: usize) -> Self {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let url = response.url().clone();
        Streaming { status, headers, url, body: Body { response: Some(response), reading: None, idle, limit } }
    }

    /// The status and headers, with an empty body: what hooks see of a streamed response.
    pub(super) fn head(&self) -> RawResponse {
        RawResponse { status: self.status, headers: self.headers.clone(), body: Vec::new(), url: self.url.clone() }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Reads the whole body, up to the client's `max_response_bytes`, with the idle timeout
    /// between chunks: for an error status, whose body is then decoded as `send`'s is.
    pub async fn into_raw<E>(self) -> Result<RawResponse, Error<E>> {
        let Streaming { status, headers, url, body } = self;
        match body.read_all().await {
            Ok(body) => Ok(RawResponse { status, headers, body, url }),
            Err(Unread::TooLarge { limit }) => Err(Error::BodyTooLarge { status, limit }),
            Err(Unread::Failed(StreamError::Transport(e))) => Err(e.into()),
            Err(Unread::Failed(e)) => Err(Error::Stream(e)),
        }
    }

    /// The body as server-sent events whose data is JSON, decoded as `T`. When `done` is given,
    /// an event whose data is exactly that text (`[DONE]`, say) ends the stream. For data that
    /// is not JSON, use [`Streaming::text_events`].
    pub fn events<T: DeserializeOwned>(self, done: Option<&'static str>) -> Response<EventStream<T>> {
        self.event_stream(done, |data| serde_json::from_slice(data))
    }

    /// The body as server-sent events, their data as text, not decoded.
    pub fn text_events(self, done: Option<&'static str>) -> Response<EventStream<String>> {
        self.event_stream(done, |data| Ok(String::from_utf8_lossy(data).into_owned()))
    }

    fn event_stream<T>(self, done: Option<&'static str>, decode: Decoder<T>) -> Response<EventStream<T>> {
        let parser = Parser::new(self.body.limit);
        let events = EventStream { body: self.body, parser, chunk: Bytes::new(), done, finished: false, decode };
        Response::new(self.status, self.headers, self.url, events)
    }

    /// The body as it arrives, chunk by chunk, without buffering it: for large downloads.
    pub fn bytes(self) -> Response<ByteStream> {
        Response::new(self.status, self.headers, self.url, ByteStream { body: self.body })
    }
}

/// Turns an event's data, read where the parser holds it, into `T`. JSON is decoded from the
/// bytes, so the data is neither copied nor checked for UTF-8 twice.
type Decoder<T> = fn(&[u8]) -> Result<T, serde_json::Error>;

/// Server-sent events, lazily, as they arrive: a [`Stream`] of events, also readable without
/// any stream library through [`EventStream::next`].
///
/// An event whose data does not decode is a [`StreamError::Decode`] item, and the stream goes
/// on: one malformed event does not cost the ones after it. A transport error, a stall beyond
/// the idle timeout, or an event larger than `max_response_bytes` is an error item that ends
/// the stream. The stream also ends at the `done` marker, at a `[DONE]` data line the event type
/// cannot decode (whether or not the spec named it), or when the server closes it (an
/// event it was in the middle of is dropped, as the standard says). Memory is bounded per
/// event, not per stream: a stream may run for ever.
pub struct EventStream<T> {
    body: Body,
    parser: Parser,
    /// The part of the last chunk not parsed yet.
    chunk: Bytes,
    done: Option<&'static str>,
    finished: bool,
    decode: Decoder<T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("done", &self.done)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    /// The next event, an error, or `None` at the end of the stream.
    pub async fn next(&mut self) -> Option<Result<Event<T>, StreamError>> {
        std::future::poll_fn(|cx| self.poll_event(cx)).await
    }

    /// The last event id so far: what to send as `Last-Event-ID` to resume the stream.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.id.as_deref()
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Event<T>, StreamError>>> {
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            match self.parser.next_event(&mut self.chunk) {
                Err(too_large) => return Poll::Ready(Some(Err(self.finish(too_large)))),
                Ok(Some(_)) if self.done.is_some_and(|done| self.parser.data == done.as_bytes()) => self.stop(),
                Ok(Some(head)) => {
                    let event = self.decoded(head);
                    // `[DONE]` that the event type cannot hold ends the stream (OpenAI-style APIs
                    // mean it so), even where the spec did not name it.
                    if event.is_err() && self.parser.data == b"[DONE]" {
                        self.stop();
                        continue;
                    }
                    self.parser.clear_data();
                    return Poll::Ready(Some(event));
                }
                Ok(None) => {
                    // The spent chunk still holds hyper's read buffer; let go of it before the
                    // next read, so that the buffer is reused rather than another allocated.
                    self.chunk = Bytes::new();
                    match self.body.poll_chunk(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Ok(Some(chunk))) => self.chunk = chunk,
                        Poll::Ready(Ok(None)) => self.finished = true,
                        Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(self.finish(e)))),
                    }
                }
            }
        }
    }

    /// The event the parser holds, its data decoded; the data is copied only for an error.
    fn decoded(&self, head: Event<()>) -> Result<Event<T>, StreamError> {
        let data = &self.parser.data;
        match (self.decode)(data) {
            Ok(value) => Ok(head.with_data(value)),
            Err(source) => {
                let event = Box::new(head.with_data(String::from_utf8_lossy(data).into_owned()));
                Err(StreamError::Decode { event, source })
            }
        }
    }

    /// Ends the stream with `error`.
    fn finish(&mut self, error: StreamError) -> StreamError {
        self.stop();
        error
    }

    /// Ends the stream: nothing more is read, and the connection is let go.
    fn stop(&mut self) {
        self.finished = true;
        self.body.close();
        self.chunk = Bytes::new();
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_event(cx)
    }
}

/// A body as it arrives, chunk by chunk, under the idle timeout: a [`Stream`] of [`Bytes`],
/// also readable through [`ByteStream::next`]. Nothing is buffered beyond the chunk in hand, so
/// `max_response_bytes` does not limit a download. An error item ends the stream.
pub struct ByteStream {
    body: Body,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The next chunk, an error, or `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<Bytes, StreamError>> {
        std::future::poll_fn(|cx| self.poll_bytes(cx)).await
    }

    fn poll_bytes(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, StreamError>>> {
        self.body.poll_chunk(cx).map(Result::transpose)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_bytes(cx)
    }
}

/// Reading one chunk: the future owns the response while it reads, and gives it back.
type Reading = Pin<Box<dyn Future<Output = (reqwest::Response, Result<Option<Bytes>, StreamError>)> + Send>>;

/// A response body read chunk by chunk, each chunk under the idle timeout.
struct Body {
    /// `None` while a chunk is being read, and after the end or an error.
    response: Option<reqwest::Response>,
    reading: Option<Reading>,
    idle: Option<Duration>,
    limit: usize,
}

impl Body {
    /// The next chunk, `None` at the end; after an error, the end.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, StreamError>> {
        let reading = match &mut self.reading {
            Some(reading) => reading,
            None => {
                let Some(mut response) = self.response.take() else { return Poll::Ready(Ok(None)) };
                let idle = self.idle;
                self.reading.insert(Box::pin(async move {
                    let chunk = next_chunk(&mut response, idle).await;
                    (response, chunk)
                }))
            }
        };
        let (response, chunk) = std::task::ready!(reading.as_mut().poll(cx));
        self.reading = None;
        if matches!(chunk, Ok(Some(_))) {
            self.response = Some(response);
        }
        Poll::Ready(chunk)
    }

    /// Stops reading; the connection is dropped.
    fn close(&mut self) {
        self.response = None;
        self.reading = None;
    }

    /// The rest of the body, up to the limit.
    async fn read_all(mut self) -> Result<Vec<u8>, Unread> {
        let too_large = Unread::TooLarge { limit: self.limit };
        let Some(mut response) = self.response.take() else { return Ok(Vec::new()) };
        // Refuse early when the server says how much is coming, and count as it arrives when not.
        if response.content_length().is_some_and(|length| length > self.limit as u64) {
            return Err(too_large);
        }
        // Sized from Content-Length, but only up to a point: a server that announces a large body
        // and sends nothing must not cost that much memory up front.
        let announced = response.content_length().map_or(0, |length| length as usize);
        let mut body = Vec::with_capacity(announced.min(PRESIZE_LIMIT));
        while let Some(chunk) = next_chunk(&mut response, self.idle).await.map_err(Unread::Failed)? {
            if body.len() + chunk.len() > self.limit {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Why a body was not read whole.
pub(super) enum Unread {
    /// It is larger than the limit; it was not read to the end.
    TooLarge {
        limit: usize,
    },
    Failed(StreamError),
}

/// The most memory a response body is given before its bytes arrive.
const PRESIZE_LIMIT: usize = 1024 * 1024;

/// Reads a whole body for `send`: its time limit is reqwest's, over the whole request.
pub(super) async fn read_body(response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Unread> {
    Body { response: Some(response), reading: None, idle: None, limit }.read_all().await
}

async fn next_chunk(response: &mut reqwest::Response, idle: Option<Duration>) -> Result<Option<Bytes>, StreamError> {
    match idle {
        Some(idle) => match tokio::time::timeout(idle, response.chunk()).await {
            Ok(chunk) => Ok(chunk?),
            Err(_) => Err(StreamError::IdleTimeout(idle)),
        },
        None => Ok(response.chunk().await?),
    }
}

/// The event-stream parser (WHATWG HTML, "Interpreting an event stream"), fed chunk by chunk.
#[derive(Debug)]
struct Parser {
    /// The line being read, when it spans chunks.
    line: Vec<u8>,
    /// The last line ended with CR: a LF right after it (maybe in the next chunk) belongs to it.
    after_cr: bool,
    /// No line has ended yet: the first one may start with a BOM.
    first_line: bool,
    /// The event's data lines so far, each followed by LF (the last LF dropped once the event is
    /// complete); bytes, decoded as the stream's type asks.
    data: Vec<u8>,
    event: Option<String>,
    /// Kept from one event to the next, as the standard says.
    id: Option<String>,
    retry: Option<Duration>,
    /// The most bytes one event may hold: its data plus the line being read.
    limit: usize,
}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// The parser's buffers keep their memory between events up to this size.
const RETAINED_CAPACITY: usize = 64 * 1024;

impl Parser {
    fn new(limit: usize) -> Self {
        Parser {
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            data: Vec::new(),
            event: None,
            id: None,
            retry: None,
            limit,
        }
    }

    /// Reads from `chunk` up to the end of the next event, and gives its fields; its data stays
    /// in [`Parser::data`] until [`Parser::clear_data`]. `None` when the chunk ends first (its
    /// bytes are kept for the next call). An event beyond the limit is an error.
    fn next_event(&mut self, chunk: &mut Bytes) -> Result<Option<Event<()>>, StreamError> {
        while !chunk.is_empty() {
            if std::mem::take(&mut self.after_cr) && chunk[0] == b'\n' {
                chunk.advance(1);
                continue;
            }
            let Some(end) = memchr::memchr2(b'\n', b'\r', chunk) else {
                self.check_size(chunk.len())?;
                self.line.extend_from_slice(chunk);
                chunk.clear();
                break;
            };
            self.check_size(end)?;
            self.after_cr = chunk[end] == b'\r';
            let event = if self.line.is_empty() {
                // The whole line is in this chunk: parsed where it lies, without a copy.
                let event = self.process_line(&chunk[..end]);
                chunk.advance(end + 1);
                event
            } else {
                self.line.extend_from_slice(&chunk[..end]);
                chunk.advance(end + 1);
                let mut line = std::mem::take(&mut self.line);
                let event = self.process_line(&line);
                // The buffer is kept for the next long line, unless this one made it large.
                if line.capacity() <= RETAINED_CAPACITY {
                    line.clear();
                    self.line = line;
                }
                event
            };
            if event.is_some() {
                return Ok(event);
            }
        }
        Ok(None)
    }

    /// Refuses an event that would grow beyond the limit with `more` bytes.
    fn check_size(&mut self, more: usize) -> Result<(), StreamError> {
        if self.data.len() + self.line.len() + more > self.limit {
            // Nothing more is parsed after this error; the buffers are released now.
            self.data = Vec::new();
            self.line = Vec::new();
            return Err(StreamError::EventTooLarge { limit: self.limit });
        }
        Ok(())
    }

    fn process_line(&mut self, mut line: &[u8]) -> Option<Event<()>> {
        if std::mem::take(&mut self.first_line) {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if line.is_empty() {
            return self.dispatch();
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(0) => return None,
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match field {
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"event" => self.event = (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned()),
            b"id" if !value.contains(&0) => {
                self.id = (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // Digits beyond u64 are no reconnection time a client could honour: ignored.
                if let Ok(millis) = std::str::from_utf8(value).unwrap_or_default().parse() {
                    self.retry = Some(Duration::from_millis(millis));
                }
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<Event<()>> {
        let event = self.event.take();
        if self.data.is_empty() {
            return None;
        }
        self.data.pop();
        Some(Event { event, id: self.id.clone(), retry: self.retry, data: () })
    }

    /// Lets go of the last event's data: the buffer is kept for the next event, unless this
    /// event made it large.
    fn clear_data(&mut self) {
        if self.data.capacity() > RETAINED_CAPACITY {
            self.data = Vec::new();
        } else {
            self.data.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: Option<&str>, id: Option<&str>, data: &str) -> Event<String> {
        Event { event: kind.map(str::to_string), id: id.map(str::to_string), retry: None, data: data.to_string() }
    }

    /// Feeds `chunks` one after another and collects every event.
    fn parse(chunks: &[&[u8]], limit: usize) -> Result<Vec<Event<String>>, StreamError> {
        let mut parser = Parser::new(limit);
        let mut events = Vec::new();
        for piece in chunks {
            let mut chunk = Bytes::copy_from_slice(piece);
            while let Some(head) = parser.next_event(&mut chunk)? {
                events.push(head.with_data(String::from_utf8_lossy(&parser.data).into_owned()));
                parser.clear_data();
            }
            assert!(chunk.is_empty(), "a chunk is read to its end");
        }
        Ok(events)
    }

    const SAMPLE: &[u8] = b"\xEF\xBB\xBF: a comment\r\nevent: add\r\ndata: {\"n\": 1}\r\nid: 7\r\n\r\n\
        data: line one\ndata:line two\n\n\
        data\rdata: caf\xC3\xA9 \xE2\x82\xAC\r\r\
        retry: 1500\nid\nevent: end\ndata: last\n\n\
        data: never finished";

    fn sample_events() -> Vec<Event<String>> {
        vec![
            event(Some("add"), Some("7"), "{\"n\": 1}"),
            event(None, Some("7"), "line one\nline two"),
            event(None, Some("7"), "\ncafé €"),
            Event { retry: Some(Duration::from_millis(1500)), ..event(Some("end"), None, "last") },
        ]
    }

    #[test]
    fn frames_events_as_the_standard_says() {
        assert_eq!(parse(&[SAMPLE], 1 << 20).unwrap(), sample_events());
    }

    #[test]
    fn any_split_into_three_chunks_gives_the_same_events() {
        let expected = sample_events();
        for first in 0..=SAMPLE.len() {
            for second in first..=SAMPLE.len() {
                let chunks = [&SAMPLE[..first], &SAMPLE[first..second], &SAMPLE[second..]];
                assert_eq!(parse(&chunks, 1 << 20).unwrap(), expected, "split at {first} and {second}");
            }
        }
    }

    #[test]
    fn a_crlf_split_between_chunks_is_one_line_end() {
        let events = parse(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"], 1024).unwrap();
        assert_eq!(events, [event(None, None, "a\nb")]);
        // A lone CR followed by a LF later is two line ends: here, a blank line that dispatches.
        let events = parse(&[b"data: a\r", b"\r", b"\n"], 1024).unwrap();
        assert_eq!(events, [event(None, None, "a")]);
    }

    #[test]
    fn blank_events_comments_and_unknown_fields_dispatch_nothing() {
        let events = parse(&[b"\n\n: hi\n\nevent: x\n\nfoo: bar\ndata: y\n\n"], 1024).unwrap();
        // The `event` of a block without data is dropped with it, as the standard says.
        assert_eq!(events, [event(None, None, "y")]);
    }

    #[test]
    fn an_id_with_a_null_is_ignored_and_a_bare_retry_must_be_digits() {
        let events = parse(&[b"id: 1\ndata: a\n\nid: 2\0\nretry: 2s\ndata: b\n\n"], 1024).unwrap();
        assert_eq!(events, [event(None, Some("1"), "a"), event(None, Some("1"), "b")]);
    }

    #[test]
    fn an_event_beyond_the_limit_is_an_error_whether_in_one_line_or_many() {
        let long_line = [b"data: ".as_slice(), &[b'x'; 100]].concat();
        assert!(matches!(parse(&[&long_line], 64), Err(StreamError::EventTooLarge { limit: 64 })));
        let many_lines = b"data: 0123456789\n".repeat(10);
        assert!(matches!(parse(&[&many_lines], 64), Err(StreamError::EventTooLarge { limit: 64 })));
        // The limit is per event: many small events are fine.
        let many_events = b"data: 0123456789\n\n".repeat(100);
        assert_eq!(parse(&[&many_events], 64).unwrap().len(), 100);
    }

    #[test]
    fn the_parser_buffers_stay_the_size_of_one_event() {
        let event = b"id: 1\r\ndata: {\"n\": 1, \"text\": \"lorem ipsum dolor sit amet\"}\r\n\r\n";
        let stream = event.repeat(100_000);
        let mut parser = Parser::new(1 << 20);
        let (mut events, mut at, mut size) = (0, 0, 1);
        while at < stream.len() {
            // Chunks of every size from 1 to 997 bytes, so lines and line ends split everywhere.
            let end = (at + size).min(stream.len());
            let mut chunk = Bytes::copy_from_slice(&stream[at..end]);
            while parser.next_event(&mut chunk).unwrap().is_some() {
                parser.clear_data();
                events += 1;
            }
            assert!(parser.line.capacity() <= 256 && parser.data.capacity() <= 256, "{parser:?}");
            (at, size) = (end, size % 997 + 1);
        }
        assert_eq!(events, 100_000);
    }

    #[test]
    fn stream_errors_say_what_happened() {
        let timeout = StreamError::IdleTimeout(Duration::from_millis(300));
        assert!(timeout.is_timeout());
        assert_eq!(timeout.to_string(), "the stream stalled: nothing arrived for 300ms (the idle timeout)");
        let source = serde_json::from_str::<u32>("\"x\"").unwrap_err();
        let decode = StreamError::Decode { event: Box::new(event(None, None, "\"x\"")), source };
        assert!(decode.to_string().ends_with("the data: \"x\""), "{decode}");
        let error: Error<()> = decode.into();
        assert!(matches!(error, Error::Stream(StreamError::Decode { .. })));
        assert!(Error::<()>::from(timeout).is_timeout());
    }
}
