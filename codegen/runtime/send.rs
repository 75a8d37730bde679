//! Sending a request: the retries within the call's deadline, and the hooks and traces around
//! each attempt. What `Client::call`, `Client::send` and `Client::send_streaming` share.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use super::auth::{AuthError, Credential, TokenSource};
use super::client::{CallOptions, Client, Sending, header_map};
use super::deviation::{Deviation, DeviationKind, DeviationSink, observe_operation};
use super::event::StreamError;
use super::policy::{self, Attempt, Outcome};
use super::request::{Operation, Request, bearer_value};
use super::response::{Error, InvalidRequest, RawResponse, Response};
use super::stream::{self, Observer, Streaming, Unread};

impl Client {
    /// A generated operation's whole `send`: sends the request its builder made (or gives the
    /// reason it could not make one) as [`Client::send`] does, and decodes the answer with
    /// `decode`, which matches the operation's statuses.
    ///
    /// Every operation shares this one async body: an `async fn send` per operation made each
    /// crate lower and check hundreds of state machines that differed only in their decoding,
    /// which is not async. Boxed, a call is a pointer wherever it is held (a caller's future
    /// that awaits a hundred calls stays small) and is `Send` by its type. One allocation per
    /// call.
    ///
    /// With the `tracing` feature, the call's span covers the decoding too: a body that does not
    /// decode is the call's error.
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
        Box::pin(async move {
            let traced = Traced::new(self, &request);
            let attempts = AtomicU32::new(0);
            let operation = request.operation;
            // The sending future itself in the span, not a block that holds it and the request
            // beside it: a call's future holds the request once, as reqwest takes it.
            let sent = traced.instrument(self.send_whole(request, &call, &attempts)).await;
            // Decoded in the span too: a body that does not decode is the call's error.
            let result = traced.in_span(|| match sent {
                Ok((response, stopped)) => self.decoded(operation, response, stopped, decode),
                Err(unanswered) => Err(unanswered.into()),
            });
            traced.ended(&attempts, &result, |response| (response.status(), None));
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
        let attempts = AtomicU32::new(0);
        let calling = async {
            let operation = request.operation;
            let (mut streaming, stopped) = self.open_stream(request, call, &attempts).await?;
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
        traced.ended(&attempts, &result, |response| (response.status(), None));
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
        let attempts = AtomicU32::new(0);
        let sending = async { Ok(self.send_whole(request, call, &attempts).await?) };
        let answered = |(response, stopped): &(RawResponse, _)| (response.status, RetryStopped::traced(stopped));
        let result = traced.instrument(sending).await;
        traced.ended(&attempts, &result, answered);
        let (response, _) = result?;
        Ok(response)
    }

    /// [`Client::send`] untraced, telling also whether a retry was due but not made for lack of
    /// time. Not an `async fn`: it would hold its arguments beside the future it returns.
    fn send_whole(
        &self,
        request: Request,
        call: &CallOptions,
        attempts: &AtomicU32,
    ) -> impl Future<Output = Result<(RawResponse, Option<RetryStopped>), Unanswered>> {
        let limit = self.shared.max_response_bytes;
        // A constant: `from_static` checks its text when it runs, and a `const` runs it once, when compiling.
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        let accept = Some(JSON);
        self.execute(
            request,
            call,
            accept,
            move |http, mut request: reqwest::Request, time_limit| {
                // Set only when there is a limit: the first setting allocates the request's extensions.
                if time_limit.is_some() {
                    *request.timeout_mut() = time_limit;
                }
                // Started here, so that the attempt's future holds reqwest's (a pointer), not the request.
                let sending = http.execute(request);
                async move {
                    let mut response = sending.await?;
                    let status = response.status();
                    let url = response.url().clone();
                    let headers = std::mem::take(response.headers_mut());
                    let body = stream::read_body(response, limit).await.map_err(|unread| match unread {
                        Unread::TooLarge { limit } => Failed::TooLarge { status, limit },
                        // reqwest's own errors, its timeout among them, stay what they are.
                        Unread::Failed(StreamError::Transport(e)) => Failed::Transport(e),
                        Unread::Failed(other) => Failed::Stream(other),
                    })?;
                    Ok(RawResponse { status, headers, body, url })
                }
            },
            attempts,
        )
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
        let attempts = AtomicU32::new(0);
        let sending = async { Ok(self.open_stream(request, call, &attempts).await?) };
        let answered = |(streaming, stopped): &(Streaming, _)| (streaming.status(), RetryStopped::traced(stopped));
        let result = traced.instrument(sending).await;
        traced.ended(&attempts, &result, answered);
        let (streaming, _) = result?;
        Ok(streaming)
    }

    /// [`Client::send_streaming`] untraced, telling also whether a retry was due but not made.
    fn open_stream(
        &self,
        request: Request,
        call: &CallOptions,
        attempts: &AtomicU32,
    ) -> impl Future<Output = Result<(Streaming, Option<RetryStopped>), Unanswered>> {
        let idle_timeout = self.idle_timeout_for(call);
        let limit = self.shared.max_response_bytes;
        self.execute(
            request,
            call,
            None,
            move |http, request: reqwest::Request, head_limit| {
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
            },
            attempts,
        )
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

    /// Tells the hooks how an attempt ended.
    fn after_attempt<R: Answer>(&self, attempt: &Attempt, outcome: &Result<R, Failed>) {
        match outcome {
            Ok(answer) => {
                let head = answer.head();
                for hook in &self.shared.hooks {
                    hook.after_attempt(attempt, Outcome::Response(&head));
                }
            }
            Err(failed) => {
                let outcome = failed.outcome();
                for hook in &self.shared.hooks {
                    hook.after_attempt(attempt, outcome);
                }
            }
        }
    }

    /// What `send` and `send_streaming` share: an OAuth2 token when a scheme needs one, the
    /// default and per-call headers, hooks around each attempt, and retries within the call's
    /// timeout; `attempt` sends the request once with the HTTP client given (one that leaves
    /// redirects to the caller when the request asks for that) and the time it may take, and
    /// reads as much of the answer as its caller wants. `attempts` counts the attempts made.
    ///
    /// The answer comes with a [`RetryStopped`] when a retry was due but its wait would have
    /// passed the call's timeout. Generic over the answer only, not over an operation's error
    /// type: compiled twice, not once per operation.
    fn execute<'s, R, Fut>(
        &'s self,
        mut request: Request,
        call: &CallOptions,
        accept: Option<HeaderValue>,
        attempt: impl Fn(&'s reqwest::Client, reqwest::Request, Option<Duration>) -> Fut,
        attempts: &AtomicU32,
    ) -> impl Future<Output = Result<(R, Option<RetryStopped>), Unanswered>>
    where
        R: Answer,
        Fut: Future<Output = Result<R, Failed>>,
    {
        let started = Instant::now();
        let deadline = self.timeout_for(call).map(|timeout| started + timeout);
        let attempt_timeout = self.attempt_timeout_for(call);
        // What the hooks and the trace are told of each attempt; its clock readings are made only
        // for them (for the trace, only when a subscriber may take attempt events).
        #[cfg(feature = "tracing")]
        let traced = super::trace::attempts_traced();
        #[cfg(not(feature = "tracing"))]
        let traced = false;
        let observed = !self.shared.hooks.is_empty() || traced;
        let operation = request.operation;
        let (schemes, http) = (request.schemes, self.shared.http_for(request.follow_redirects));
        // What needs no waiting is done before the `async` block, so that it holds the request
        // once, as reqwest takes it (a block that took ours and made reqwest's would hold both).
        // Generated operations check their inputs before sending (`Request::checked`); one that
        // set an input after that still sends nothing when it could not be put on.
        let invalid = request.invalid.take();
        let mut request = request.finish();
        // One lookup per header: `entry` finds where it goes and whether it is there.
        if let Some(accept) = accept {
            request.headers_mut().entry(reqwest::header::ACCEPT).or_insert(accept);
        }
        for (name, value) in &self.shared.default_headers {
            request.headers_mut().entry(name).or_insert_with(|| value.clone());
        }
        async move {
            if let Some(invalid) = invalid {
                return Err(Unanswered::Invalid(invalid));
            }
            let mut token_sources: Vec<&TokenSource> = Vec::new();
            for scheme in schemes {
                if let Some(Credential::ClientCredentials(source)) = self.shared.credentials.get(*scheme) {
                    // The call's timeout bounds the token fetch too: a token endpoint that hangs
                    // must not hold the call past its deadline.
                    let token = match deadline {
                        Some(deadline) => tokio::time::timeout_at(deadline.into(), source.token(&self.shared.http))
                            .await
                            .map_err(|_| source.not_answered_in_time())??,
                        None => source.token(&self.shared.http).await?,
                    };
                    // `insert`: the token replaces a default `Authorization` header.
                    request.headers_mut().insert(reqwest::header::AUTHORIZATION, bearer_value(&token)?);
                    token_sources.push(source);
                }
            }
            // The call's own headers replace any other, a token's included.
            if !call.headers.is_empty() {
                for (name, value) in &header_map(&call.headers).map_err(InvalidRequest)? {
                    request.headers_mut().insert(name.clone(), value.clone());
                }
            }
            let policy = call.retry.as_ref().unwrap_or(&self.retry);
            let retries_allowed = policy.allows(request.method());
            let mut retry = 0;
            let (outcome, stopped) = loop {
                // A copy for the next attempt; a body that cannot be cloned (a stream) is sent once.
                let next = if retries_allowed && retry < policy.max_retries { copy_for_retry(&request) } else { None };
                // The attempt's own limit, cut to what is left of the call's. An attempt that runs
                // out of its own time may be retried; one that runs out of the call's ends the call.
                let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
                let (time_limit, own_limit) = match (attempt_timeout, left) {
                    (Some(own), Some(left)) if own < left => (Some(own), true),
                    (Some(own), None) => (Some(own), true),
                    (_, left) => (left, false),
                };
                let mut context =
                    Attempt { operation, number: retry + 1, elapsed: Duration::ZERO, attempt_elapsed: Duration::ZERO };
                if observed {
                    context.elapsed = started.elapsed();
                }
                for hook in &self.shared.hooks {
                    hook.before_attempt(&context, &mut request);
                }
                let attempt_started = observed.then(Instant::now);
                attempts.fetch_add(1, Ordering::Relaxed);
                let outcome = attempt(http, request, time_limit).await;
                if let Some(attempt_started) = attempt_started {
                    context.elapsed = started.elapsed();
                    context.attempt_elapsed = attempt_started.elapsed();
                }
                if !self.shared.hooks.is_empty() {
                    self.after_attempt(&context, &outcome);
                }
                #[cfg(feature = "tracing")]
                super::trace::attempt_ended(
                    context.number,
                    context.attempt_elapsed,
                    match &outcome {
                        Ok(answer) => Ok(answer.status()),
                        Err(failed) => Err(failed.outcome()),
                    },
                );
                let wait = match &outcome {
                    Ok(response) if policy::is_retryable_status(response.status().as_u16()) => {
                        policy.delay(retry, Some(response.headers()))
                    }
                    Err(Failed::Transport(e)) if e.is_connect() => policy.delay(retry, None),
                    Err(failed) if own_limit && failed.is_timeout() => policy.delay(retry, None),
                    _ => None,
                };
                // A retry follows when one is due, the request could be copied for it, and its
                // wait ends before the call's deadline. The last answer or error is the call's:
                // after retries, that of the final attempt.
                let (Some(wait), Some(next)) = (wait, next) else { break (outcome, None) };
                if let Some(deadline) = deadline
                    && Instant::now() + wait >= deadline
                {
                    let stopped = RetryStopped { wait, timeout: deadline.duration_since(started) };
                    #[cfg(feature = "tracing")]
                    super::trace::retry_past_deadline(context.number, wait, stopped.timeout);
                    break (outcome, Some(stopped));
                }
                // Not held through the wait.
                drop(outcome);
                for hook in &self.shared.hooks {
                    hook.on_retry(&context, wait);
                }
                #[cfg(feature = "tracing")]
                super::trace::retrying(context.number, wait);
                tokio::time::sleep(wait).await;
                retry += 1;
                request = next;
            };
            let answer = match outcome {
                Ok(answer) => answer,
                Err(failed) => return Err(Unanswered::after(failed, stopped)),
            };
            if answer.status() == StatusCode::UNAUTHORIZED {
                // The token was refused: the next call fetches a new one.
                for source in token_sources {
                    source.invalidate().await;
                }
            }
            Ok((answer, stopped))
        }
    }
}

/// A copy of a request not sent yet, for the attempt after it; `None` when its body cannot be
/// copied (a stream). reqwest's `try_clone` also copies the time limit and the extensions, and
/// allocates a map for them even when there are none. A request without a body (most that are
/// retried) has none to copy: the loop sets an attempt's time limit, and hooks see the request,
/// only after the copy is made.
fn copy_for_retry(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        // Copying a body is reqwest's to do.
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    Some(copy)
}

/// A retry that was due but not made: its wait would have passed the call's timeout.
#[derive(Debug, Clone, Copy)]
struct RetryStopped {
    wait: Duration,
    timeout: Duration,
}

impl RetryStopped {
    /// The call's error: how its last attempt ended, and why no retry followed.
    fn error<E>(self, last: Error<E>) -> Error<E> {
        Error::RetryPastDeadline { last: Box::new(last), wait: self.wait, timeout: self.timeout }
    }

    /// The error type a call's span records for an answer given without the retry it was due.
    fn traced(stopped: &Option<RetryStopped>) -> Option<&'static str> {
        stopped.map(|_| "retry_past_deadline")
    }
}

/// Why sending ended without an answer. It holds no operation's error type (`E` of [`Error`]),
/// so that the retry loop is compiled once, not once per operation; the public entry points
/// convert it.
enum Unanswered {
    Invalid(InvalidRequest),
    Auth(AuthError),
    Failed(Failed),
    /// The last attempt failed, and the retry due after it would have passed the call's timeout.
    Stopped(Failed, RetryStopped),
}

impl Unanswered {
    /// How the last attempt failed, and the retry due after it that was not made, if any.
    fn after(failed: Failed, stopped: Option<RetryStopped>) -> Self {
        match stopped {
            Some(stopped) => Unanswered::Stopped(failed, stopped),
            None => Unanswered::Failed(failed),
        }
    }
}

impl From<InvalidRequest> for Unanswered {
    fn from(error: InvalidRequest) -> Self {
        Unanswered::Invalid(error)
    }
}

impl From<AuthError> for Unanswered {
    fn from(error: AuthError) -> Self {
        Unanswered::Auth(error)
    }
}

impl<E> From<Unanswered> for Error<E> {
    fn from(unanswered: Unanswered) -> Self {
        match unanswered {
            Unanswered::Invalid(e) => Error::InvalidRequest(e),
            Unanswered::Auth(e) => Error::Auth(e),
            Unanswered::Failed(failed) => failed.into(),
            Unanswered::Stopped(failed, stopped) => stopped.error(failed.into()),
        }
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
        attempts: &AtomicU32,
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
        super::trace::call_ended(&self.span, attempts.load(Ordering::Relaxed), status, error);
    }

    /// Without the `tracing` feature, nothing.
    #[cfg(not(feature = "tracing"))]
    fn ended<T, E>(
        &self,
        _: &AtomicU32,
        _: &Result<T, Error<E>>,
        _: impl FnOnce(&T) -> (StatusCode, Option<&'static str>),
    ) {
    }
}

/// What the retry loop needs of an answer, read whole or not.
trait Answer {
    fn status(&self) -> StatusCode;
    fn headers(&self) -> &HeaderMap;
    /// What hooks see of the answer.
    fn head(&self) -> Cow<'_, RawResponse>;
}

impl Answer for RawResponse {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    fn head(&self) -> Cow<'_, RawResponse> {
        Cow::Borrowed(self)
    }
}

impl Answer for Streaming {
    fn status(&self) -> StatusCode {
        Streaming::status(self)
    }

    fn headers(&self) -> &HeaderMap {
        Streaming::headers(self)
    }

    // The head is a copy of the status, headers and URL: made only for hooks to see.
    fn head(&self) -> Cow<'_, RawResponse> {
        Cow::Owned(Streaming::head(self))
    }
}

/// How one attempt failed.
enum Failed {
    Transport(reqwest::Error),
    TooLarge { status: StatusCode, limit: usize },
    Stream(StreamError),
}

impl Failed {
    fn is_timeout(&self) -> bool {
        match self {
            Failed::Transport(e) => e.is_timeout(),
            Failed::Stream(e) => e.is_timeout(),
            Failed::TooLarge { .. } => false,
        }
    }

    /// The failure as hooks are told it.
    fn outcome(&self) -> Outcome<'_> {
        match self {
            failed if failed.is_timeout() => Outcome::TimedOut,
            Failed::Transport(e) => Outcome::Transport(e),
            Failed::TooLarge { status, limit } => Outcome::BodyTooLarge { status: *status, limit: *limit },
            Failed::Stream(e) => Outcome::Stream(e),
        }
    }
}

impl From<reqwest::Error> for Failed {
    fn from(error: reqwest::Error) -> Self {
        Failed::Transport(error)
    }
}

impl<E> From<Failed> for Error<E> {
    fn from(failed: Failed) -> Self {
        match failed {
            Failed::Transport(e) => e.into(),
            Failed::TooLarge { status, limit } => Error::BodyTooLarge { status, limit },
            Failed::Stream(e) => Error::Stream(e),
        }
    }
}
