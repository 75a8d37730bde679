//! Sending a request: a generated operation's call (`Client::call`, `Client::call_streaming`) and
//! a request made by hand (`Client::send`, `Client::send_streaming`), each in its trace, through
//! the retry loop (`attempts`), and a whole answer decoded with the deviations it shows.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderValue;

use super::attempts::{Failed, RetryStopped, Sent};
use super::client::{CallOptions, Client, Sending};
use super::deviation::{Deviation, DeviationKind, DeviationSink, observe_operation};
use super::event::StreamError;
use super::request::{Operation, Request};
use super::response::{Error, InvalidRequest, RawResponse, Response};
use super::stream::{self, Observer, Streaming, Unread};

impl Client {
    /// A generated operation's whole `send`: sends the request its builder made (or gives the
    /// reason it could not make one) as [`Client::send`] does, and decodes the answer with
    /// `decode`, which matches the operation's statuses.
    ///
    /// Every operation shares this one future type (the sending, then the decoding): an
    /// `async fn send` per operation made each crate lower and check hundreds of state machines
    /// that differed only in their decoding, which is not async. Boxed, a call is a pointer
    /// wherever it is held (a caller's future that awaits a hundred calls stays small) and is
    /// `Send` by its type. One allocation per call.
    ///
    /// With the `tracing` feature, the call's span is made here, with the call (its parent is
    /// the span current where `send` is called, as with `#[tracing::instrument]` on an
    /// `async fn`), and covers the decoding too: a body that does not decode is the call's error.
    pub fn call<'a, T: 'a, E: Send + 'a>(
        &'a self,
        request: Result<Request, InvalidRequest>,
        call: CallOptions,
        decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
    ) -> Sending<'a, T, E> {
        // A request that could not be made fails without the call's machinery, so that the call
        // holds the request once, as it is, not also as the result it came in.
        let request = match request {
            Ok(request) => request,
            Err(invalid) => return Box::pin(async move { Err::<Response<T>, _>(invalid.into()) }),
        };
        let traced = Traced::new(self, &request);
        let operation = request.operation;
        // The sending made here, not in the `async` block, which would keep the request and the
        // settings it was made from beside it for the whole call.
        let mut sending = self.send_whole(request, Cow::Owned(call));
        Box::pin(async move {
            // Polled where the block holds it: awaiting it would move it into a second place in
            // the block's state, doubling every call's size. (A future type of its own in place
            // of this block made Oxide's crate 3% dearer to check: BENCHMARKS.md section 17.)
            let sent = std::future::poll_fn(|cx| {
                // SAFETY: `sending` is captured by this `async` block, so it lives in the block's
                // own state, which `Box::pin` pins before the first poll. The block reaches it
                // only through this pin, never moves it, and drops it in place.
                let sending = unsafe { Pin::new_unchecked(&mut sending) };
                traced.in_span(|| sending.poll(cx))
            })
            .await;
            let Sent { result, attempts } = sent;
            // Decoded in the span too: a body that does not decode is the call's error.
            let result = traced.in_span(|| match result {
                Ok((response, stopped)) => self.decoded(operation, response, stopped, decode),
                Err(unanswered) => Err(unanswered.into()),
            });
            traced.ended(attempts, &result, |response| (response.status(), None));
            result
        })
    }

    /// A streamed operation's whole `send` (server-sent events, or a body read as it comes):
    /// sends the request as [`Client::send_streaming`] does; `streamed` takes a success as a
    /// stream, or gives the response back (boxed: the rarer way, whose body is then read whole
    /// anyway), and that is decoded by `decode` (the operation's other statuses) as
    /// [`Client::call`] decodes: deviation records and [`Error::RetryPastDeadline`] included.
    ///
    /// With a deviation sink, a streamed success under a media type its status does not declare
    /// is recorded, and so is what its events' data does that the spec does not say.
    pub async fn call_streaming<T, E>(
        &self,
        request: Request,
        call: &CallOptions,
        streamed: fn(Streaming) -> Result<Response<T>, Box<Streaming>>,
        decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
    ) -> Result<Response<T>, Error<E>> {
        let traced = Traced::new(self, &request);
        let operation = request.operation;
        let opened = traced.instrument(self.open_stream(request, Cow::Borrowed(call))).await;
        let attempts = opened.attempts;
        let calling = async {
            let (mut streaming, stopped) = opened.result?;
            if let Some(sink) = &self.shared.deviations {
                let (api, status) = (self.shared.api, streaming.status().as_u16());
                streaming.observe(Observer { sink: Arc::clone(sink), api, operation, status });
            }
            let other = match streamed(streaming) {
                Ok(success) => {
                    // An answer read whole (below) records its own media type.
                    if let Some(sink) = &self.shared.deviations {
                        let (api, status) = (self.shared.api, success.status().as_u16());
                        if let Some(found) = operation.undeclared_media_type(api, status, success.headers()) {
                            sink.record(found);
                        }
                    }
                    return Ok(success);
                }
                Err(other) => other,
            };
            let response = (*other).into_raw().await?;
            self.decoded(operation, response, stopped, decode)
        };
        let result = traced.instrument(calling).await;
        traced.ended(attempts, &result, |response| (response.status(), None));
        result
    }

    /// A whole response decoded by `decode`, with the deviations seen going to the client's sink
    /// when it has one; an error that a retry would have followed, had the call's timeout left
    /// time for it, is [`Error::RetryPastDeadline`].
    fn decoded<T, E>(
        &self,
        operation: &'static Operation,
        response: RawResponse,
        stopped: Option<RetryStopped>,
        decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
    ) -> Result<Response<T>, Error<E>> {
        let decoded = match &self.shared.deviations {
            None => decode(response),
            Some(sink) => self.decode_observed(sink, operation, response, decode),
        };
        match (decoded, stopped) {
            (Err(last), Some(stopped)) => Err(stopped.error(last)),
            (decoded, _) => decoded,
        }
    }

    /// Decodes a response with the deviations the decoders see going to `sink`, then records
    /// what the call loop itself sees: a status the operation does not declare, a declared
    /// status whose body does not match its schema, a media type the status does not declare.
    fn decode_observed<T, E>(
        &self,
        sink: &Arc<dyn DeviationSink>,
        operation: &'static Operation,
        response: RawResponse,
        decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
    ) -> Result<Response<T>, Error<E>> {
        let api = self.shared.api;
        let status = response.status.as_u16();
        let media_type = operation.undeclared_media_type(api, status, &response.headers);
        let decoded = observe_operation(Some(sink), api, operation.id, status, || decode(response));
        let found = match &decoded {
            Err(Error::UnexpectedStatus(raw)) => {
                let pointer = format!("{}/responses", operation.pointer);
                let found = Deviation::new(api, operation.id, Some(status), DeviationKind::UndeclaredStatus, &pointer);
                Some(match serde_json::from_slice::<serde_json::Value>(&raw.body) {
                    Ok(body) => found.with_seen(&body),
                    Err(_) => found,
                })
            }
            Err(Error::Api(error)) => {
                error.decode_error().map(|reason| operation.mismatched_body(api, status, reason.to_string()))
            }
            Err(Error::Decode { source, .. }) => Some(operation.mismatched_body(api, status, source.to_string())),
            _ => None,
        };
        for found in [found, media_type].into_iter().flatten() {
            sink.record(found);
        }
        decoded
    }

    /// Sends a request (fetching an OAuth2 token first when its scheme needs one) with the
    /// client's default headers and the call's own settings, retries it as the policy allows
    /// within the call's timeout, and reads the whole response.
    pub async fn send<E>(&self, request: Request, call: &CallOptions) -> Result<RawResponse, Error<E>> {
        let traced = Traced::new(self, &request);
        let Sent { result, attempts } = traced.instrument(self.send_whole(request, Cow::Borrowed(call))).await;
        let result = result.map_err(Error::from);
        let answered = |(response, stopped): &(RawResponse, _)| (response.status, RetryStopped::traced(stopped));
        traced.ended(attempts, &result, answered);
        let (response, _) = result?;
        Ok(response)
    }

    /// [`Client::send`] untraced, telling also whether a retry was due but not made for lack of
    /// time. Not an `async fn`: it would hold its arguments beside the future it returns.
    fn send_whole<'r>(
        &'r self,
        request: Request,
        call: Cow<'r, CallOptions>,
    ) -> impl Future<Output = Sent<RawResponse>> + 'r {
        let limit = self.shared.max_response_bytes;
        // `from_static` checks its text when it runs; in a `static`, it runs once, when compiling.
        static JSON: HeaderValue = HeaderValue::from_static("application/json");
        let accept = Some(&JSON);
        self.execute(request, call, accept, move |http, mut request: reqwest::Request, time_limit| {
            // Set only when there is a limit: the first setting allocates the request's extensions.
            if time_limit.is_some() {
                *request.timeout_mut() = time_limit;
            }
            // Started here, so that the attempt's future holds reqwest's (a pointer), not the request.
            let sending = http.execute(request);
            async move {
                let mut response = sending.await?;
                let status = response.status();
                let body = stream::read_body(&mut response, limit).await.map_err(|unread| match unread {
                    Unread::TooLarge { limit } => Failed::TooLarge { status, limit },
                    // reqwest's own errors, its timeout among them, stay what they are.
                    Unread::Failed(StreamError::Transport(e)) => Failed::Transport(e),
                    Unread::Failed(other) => Failed::Stream(other),
                })?;
                let headers = std::mem::take(response.headers_mut());
                Ok(RawResponse { status, headers, body, url: response.url().clone() })
            }
        })
    }

    /// Sends a request as [`Client::send`] does (credentials, headers, retries, hooks), but
    /// gives the response as soon as its head arrives, its body unread: for server-sent events
    /// and large downloads.
    ///
    /// The call's (or client's) timeout bounds the attempts and waits until a head arrives;
    /// after it, each chunk of the body may take the idle timeout ([`CallOptions::idle_timeout`],
    /// [`ClientBuilder::idle_timeout`](super::client::ClientBuilder::idle_timeout); by default
    /// the same duration), however long the whole stream lasts. Retries happen only before a response
    /// arrives: after a connection error or a retryable status, as for `send`; when a retry's
    /// wait would pass the timeout, the last answer is given as it is. Hooks see each
    /// response's status and headers, with an empty body. No `Accept` header is added: the
    /// generated code names the media type.
    pub async fn send_streaming<E>(&self, request: Request, call: &CallOptions) -> Result<Streaming, Error<E>> {
        let traced = Traced::new(self, &request);
        let Sent { result, attempts } = traced.instrument(self.open_stream(request, Cow::Borrowed(call))).await;
        let result = result.map_err(Error::from);
        let answered = |(streaming, stopped): &(Streaming, _)| (streaming.status(), RetryStopped::traced(stopped));
        traced.ended(attempts, &result, answered);
        let (streaming, _) = result?;
        Ok(streaming)
    }

    /// [`Client::send_streaming`] untraced, telling also whether a retry was due but not made.
    fn open_stream<'r>(
        &'r self,
        request: Request,
        call: Cow<'r, CallOptions>,
    ) -> impl Future<Output = Sent<Streaming>> + 'r {
        let idle_timeout = self.idle_timeout_for(&call);
        let limit = self.shared.max_response_bytes;
        self.execute(request, call, None, move |http, request: reqwest::Request, head_limit| {
            let response = http.execute(request);
            async move {
                let response = match head_limit {
                    Some(after) => tokio::time::timeout(after, response)
                        .await
                        .map_err(|_| Failed::Stream(StreamError::HeadTimeout(after)))??,
                    None => response.await?,
                };
                Ok(Streaming::new(response, idle_timeout, limit))
            }
        })
    }

    /// The time a whole call may take (for a streamed response, until its head): the call's
    /// setting, else the client's.
    pub(super) fn timeout_for(&self, call: &CallOptions) -> Option<Duration> {
        call.timeout.unwrap_or(self.timeout)
    }

    /// The time one attempt may take: the call's setting, else the client's.
    pub(super) fn attempt_timeout_for(&self, call: &CallOptions) -> Option<Duration> {
        call.attempt_timeout.unwrap_or(self.attempt_timeout)
    }

    /// The longest wait for the next chunk of a streamed response: the call's setting, else the
    /// client's, else the call's timeout ([`Client::timeout_for`]). A setting of `None` is no limit.
    pub(super) fn idle_timeout_for(&self, call: &CallOptions) -> Option<Duration> {
        call.idle_timeout.or(self.idle_timeout).unwrap_or_else(|| self.timeout_for(call))
    }
}

/// A call's trace: with the `tracing` feature, the span the call runs in and where how it ended
/// is recorded; without it, nothing.
struct Traced {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl Traced {
    #[cfg(feature = "tracing")]
    fn new(client: &Client, request: &Request) -> Self {
        Traced { span: super::trace::call_span(request.operation, request.inner.method(), &client.shared.base) }
    }

    #[cfg(not(feature = "tracing"))]
    fn new(_: &Client, _: &Request) -> Self {
        Traced {}
    }

    /// The call `sending`, run in the span. Not an `async fn` taking the call: that would hold
    /// the call's future twice (as its argument and as what it awaits), doubling every call's size.
    #[cfg(feature = "tracing")]
    fn instrument<F: Future>(&self, sending: F) -> tracing::instrument::Instrumented<F> {
        tracing::Instrument::instrument(sending, self.span.clone())
    }

    /// Without the `tracing` feature, the call itself.
    #[cfg(not(feature = "tracing"))]
    fn instrument<F: Future>(&self, sending: F) -> F {
        sending
    }

    /// `f`'s work in the span: a call's decoding.
    #[cfg(feature = "tracing")]
    fn in_span<R>(&self, f: impl FnOnce() -> R) -> R {
        self.span.in_scope(f)
    }

    /// Without the `tracing` feature, `f` run.
    #[cfg(not(feature = "tracing"))]
    fn in_span<R>(&self, f: impl FnOnce() -> R) -> R {
        f()
    }

    /// Records how the call ended: its status and its error type; for an error, as
    /// [`trace::error_type`](super::trace::error_type) names it; for an answer, as `answered`
    /// tells. `attempts` is the count of the attempts made.
    #[cfg(feature = "tracing")]
    fn ended<T, E>(
        &self,
        attempts: u32,
        result: &Result<T, Error<E>>,
        answered: impl FnOnce(&T) -> (StatusCode, Option<&'static str>),
    ) {
        let (status, error) = match result {
            Ok(answer) => {
                let (status, error) = answered(answer);
                (Some(status), error)
            }
            Err(error) => (error.status(), super::trace::error_type(error)),
        };
        super::trace::call_ended(&self.span, attempts, status, error);
    }

    /// Without the `tracing` feature, nothing.
    #[cfg(not(feature = "tracing"))]
    fn ended<T, E>(&self, _: u32, _: &Result<T, Error<E>>, _: impl FnOnce(&T) -> (StatusCode, Option<&'static str>)) {}
}
