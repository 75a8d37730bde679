//! Streamed responses: server-sent events (`text/event-stream`) and large bodies read chunk by
//! chunk, each under an idle timeout instead of the whole request's.
//!
//! Events are framed by the parser in `event.rs`.
//!
//! Streams yield [`StreamError`] rather than [`Error<E>`](super::Error): once the head has
//! arrived, no declared error of the operation can happen any more, and what can (a broken
//! connection, a stall, an oversized or undecodable event) is said exactly. `Error<E>` converts
//! from it (`Error::Stream`), so `?` works in functions returning either.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::deviation::DeviationSink;
use super::event::{Event, Parser, StreamError};
use super::request::Operation;
use super::response::{Error, RawResponse, Response};

/// A response whose head has arrived and whose body has not been read: what
/// [`Client::send_streaming`](super::Client::send_streaming) gives. Read the body as events
/// ([`Streaming::events`]), as chunks ([`Streaming::bytes`]), or whole, for an error status
/// ([`Streaming::into_raw`]).
pub struct Streaming {
    status: StatusCode,
    headers: HeaderMap,
    url: Url,
    body: Body,
    /// Where the deviations of its events go, when the client has a sink.
    observer: Option<Box<Observer>>,
}

/// A streamed response's call, as its deviation records name it, and the sink they go to.
pub(super) struct Observer {
    pub(super) sink: Arc<dyn DeviationSink>,
    pub(super) api: &'static str,
    pub(super) operation: &'static Operation,
    pub(super) status: u16,
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
        // Made while the call's span is entered (the attempt runs in it): the body's span is
        // its child.
        let body = Body::new(response, idle, limit).streamed();
        Streaming { status, headers, url, body, observer: None }
    }

    /// Has its events report what they do that the spec does not say.
    pub(super) fn observe(&mut self, observer: Observer) {
        self.observer = Some(Box::new(observer));
    }

    /// The status and headers, with an empty body: what hooks see of a streamed response.
    pub(super) fn head(&self) -> RawResponse {
        RawResponse { status: self.status, headers: self.headers.clone(), body: Bytes::new(), url: self.url.clone() }
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
        let Streaming { status, headers, url, body, .. } = self;
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
        self.event_stream(done, |data| super::from_json_slice(data))
    }

    /// The body as server-sent events, their data as text, not decoded.
    pub fn text_events(self, done: Option<&'static str>) -> Response<EventStream<String>> {
        self.event_stream(done, |data| Ok(String::from_utf8_lossy(data).into_owned()))
    }

    fn event_stream<T>(self, done: Option<&'static str>, decode: Decoder<T>) -> Response<EventStream<T>> {
        let parser = Parser::new(self.body.limit);
        let observer = self.observer;
        let events =
            EventStream { body: self.body, parser, chunk: Bytes::new(), done, finished: false, decode, observer };
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
    observer: Option<Box<Observer>>,
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
                    // mean it so), even where the spec did not name it: no deviation either.
                    if event.is_err() && self.parser.data == b"[DONE]" {
                        self.stop();
                        continue;
                    }
                    // Data that does not decode is a body that does not match, for an observer.
                    if let (Err(StreamError::Decode { source, .. }), Some(o)) = (&event, &self.observer) {
                        o.sink.record(o.operation.mismatched_body(o.api, o.status, source.to_string()));
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
    ///
    /// With an observer, the data is decoded in its scope, so that the decoders' records name
    /// the call.
    fn decoded(&self, head: Event<()>) -> Result<Event<T>, StreamError> {
        let data = &self.parser.data;
        let decoded = match &self.observer {
            None => (self.decode)(data),
            Some(o) => super::observe_operation(Some(&o.sink), o.api, o.operation.id, o.status, || (self.decode)(data)),
        };
        match decoded {
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
    /// The body's span and the bytes read so far, until it ends.
    #[cfg(feature = "tracing")]
    trace: Option<(tracing::Span, u64)>,
}

impl Body {
    fn new(response: reqwest::Response, idle: Option<Duration>, limit: usize) -> Self {
        Body {
            response: Some(response),
            reading: None,
            idle,
            limit,
            #[cfg(feature = "tracing")]
            trace: None,
        }
    }

    /// The body of a streamed response, with the `tracing` feature read in a span of its own (a
    /// child of the span current now). A body `send` reads whole is part of its call's span and
    /// has none.
    fn streamed(self) -> Self {
        #[cfg(feature = "tracing")]
        return Body { trace: Some((super::trace::stream_span(), 0)), ..self };
        #[cfg(not(feature = "tracing"))]
        self
    }

    /// The next chunk, `None` at the end; after an error, the end.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, StreamError>> {
        #[cfg(feature = "tracing")]
        if let Some((span, _)) = &self.trace {
            let span = span.clone();
            let chunk = span.in_scope(|| self.poll_chunk_untraced(cx));
            self.count(&chunk);
            return chunk;
        }
        self.poll_chunk_untraced(cx)
    }

    /// Counts a chunk read into the body's span, and ends the span at the body's end.
    #[cfg(feature = "tracing")]
    fn count(&mut self, chunk: &Poll<Result<Option<Bytes>, StreamError>>) {
        let Some((span, bytes)) = &mut self.trace else { return };
        let ended = match chunk {
            Poll::Ready(Ok(Some(chunk))) => {
                *bytes += chunk.len() as u64;
                return;
            }
            Poll::Pending => return,
            Poll::Ready(Ok(None)) => None,
            Poll::Ready(Err(e)) => Some(if e.is_timeout() { "timeout" } else { "stream" }),
        };
        super::trace::stream_ended(span, *bytes, ended);
        self.trace = None;
    }

    fn poll_chunk_untraced(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, StreamError>> {
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

    /// The rest of the body, up to the limit, each chunk within the idle timeout.
    async fn read_all(mut self) -> Result<Bytes, Unread> {
        let Some(mut response) = self.response.take() else { return Ok(Bytes::new()) };
        let mut whole = Whole::new(response.content_length(), self.limit)?;
        while let Some(chunk) = next_chunk(&mut response, self.idle).await.map_err(Unread::Failed)? {
            whole.push(chunk)?;
        }
        Ok(whole.finish())
    }
}

/// A whole body as its chunks arrive, up to a limit. A body that comes in one chunk (a small
/// answer, the common case) is that chunk, not a copy of it; more are copied into one buffer.
struct Whole {
    limit: usize,
    /// The length the server announced, if it did.
    announced: Option<u64>,
    read: Read,
}

enum Read {
    Nothing,
    One(Bytes),
    Many(Vec<u8>),
}

impl Whole {
    /// Refuses a body whose announced length (its `Content-Length`) is over the limit before
    /// reading any of it.
    fn new(announced: Option<u64>, limit: usize) -> Result<Self, Unread> {
        if announced.is_some_and(|length| length > limit as u64) {
            return Err(Unread::TooLarge { limit });
        }
        Ok(Whole { limit, announced, read: Read::Nothing })
    }

    /// Counts as the body arrives: a server may send more than it announced, or announce nothing.
    fn push(&mut self, chunk: Bytes) -> Result<(), Unread> {
        let read = match &self.read {
            Read::Nothing => 0,
            Read::One(first) => first.len(),
            Read::Many(body) => body.len(),
        };
        if read + chunk.len() > self.limit {
            return Err(Unread::TooLarge { limit: self.limit });
        }
        self.read = match std::mem::replace(&mut self.read, Read::Nothing) {
            Read::Nothing => Read::One(chunk),
            Read::One(first) => {
                // Sized from Content-Length, but only up to a point: a server that announces a
                // large body and sends nothing must not cost that much memory up front.
                let announced = self.announced.map_or(0, |length| length as usize);
                let mut body = Vec::with_capacity(announced.min(PRESIZE_LIMIT).max(first.len() + chunk.len()));
                body.extend_from_slice(&first);
                body.extend_from_slice(&chunk);
                Read::Many(body)
            }
            Read::Many(mut body) => {
                body.extend_from_slice(&chunk);
                Read::Many(body)
            }
        };
        Ok(())
    }

    fn finish(self) -> Bytes {
        match self.read {
            Read::Nothing => Bytes::new(),
            Read::One(body) => body,
            Read::Many(body) => body.into(),
        }
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

/// Reads a whole body for `send`: its time limit is reqwest's, over the whole request, so a
/// chunk is awaited without one of its own (whose timer would make this future larger, and
/// every call's with it). The response is borrowed, so that the caller holds it once, and
/// takes its head after.
pub(super) async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Unread> {
    let mut whole = Whole::new(response.content_length(), limit)?;
    while let Some(chunk) = response.chunk().await.map_err(|e| Unread::Failed(e.into()))? {
        whole.push(chunk)?;
    }
    Ok(whole.finish())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(announced: Option<u64>, limit: usize, chunks: &[&'static [u8]]) -> Result<Bytes, usize> {
        let too_large = |unread| match unread {
            Unread::TooLarge { limit } => limit,
            Unread::Failed(e) => panic!("{e}"),
        };
        let mut whole = Whole::new(announced, limit).map_err(too_large)?;
        for chunk in chunks {
            whole.push(Bytes::from_static(chunk)).map_err(too_large)?;
        }
        Ok(whole.finish())
    }

    #[test]
    fn a_body_in_one_chunk_is_that_chunk() {
        static ONE: &[u8] = b"{\"a\":1}";
        let body = read(Some(7), 64, &[ONE]).unwrap();
        assert_eq!(body.as_ptr(), ONE.as_ptr(), "not copied");
        assert_eq!(read(None, 64, &[]).unwrap(), Bytes::new());
    }

    #[test]
    fn chunks_are_joined_and_counted_against_the_limit() {
        assert_eq!(read(None, 64, &[b"ab", b"cd", b"e"]).unwrap(), Bytes::from_static(b"abcde"));
        assert_eq!(read(Some(5), 5, &[b"ab", b"cde"]).unwrap(), Bytes::from_static(b"abcde"));
        // Over the limit as announced, before reading; and as it arrives, whatever was announced.
        assert_eq!(read(Some(6), 5, &[]), Err(5));
        assert_eq!(read(None, 5, &[b"abcdef"]), Err(5));
        assert_eq!(read(Some(2), 5, &[b"abc", b"def"]), Err(5));
    }
}
