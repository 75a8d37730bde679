//! The retry loop every call runs: attempts within the call's deadline, the hooks and traces
//! around each, the copy of the request a retry sends, and how an attempt failed.

use std::borrow::Cow;
use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use super::auth::{AuthError, Credential, Scheme, TokenSource};
use super::client::{CallOptions, Client, header_map};
use super::event::StreamError;
use super::policy::{self, Attempt, Outcome, RetryPolicy};
use super::request::{Request, bearer_value};
use super::response::{Error, InvalidRequest, RawResponse};
use super::stream::Streaming;

impl Client {
    /// Puts on an attempt's request the headers the call adds to the operation's own: the
    /// credentials' headers, the `Accept` it is sent with, and the client's default headers,
    /// each where the request has none of the same name; then the token fetched for the call
    /// and the call's own headers, which replace any other.
    fn put_call_headers(
        &self,
        request: &mut reqwest::Request,
        headers: &CallHeaders<'_>,
    ) -> Result<(), InvalidRequest> {
        let map = request.headers_mut();
        // One lookup per header: `entry` finds where it goes and whether it is there.
        for scheme in headers.schemes {
            if let Some((name, value)) = self.shared.credentials.header(*scheme) {
                map.entry(name).or_insert_with(|| value.clone());
            }
        }
        if let Some(accept) = headers.accept {
            map.entry(reqwest::header::ACCEPT).or_insert_with(|| accept.clone());
        }
        for (name, value) in &self.shared.default_headers {
            map.entry(name).or_insert_with(|| value.clone());
        }
        if let Some(tokens) = &headers.tokens {
            // `insert`: the token replaces a default `Authorization` header.
            map.insert(reqwest::header::AUTHORIZATION, tokens.authorization.clone());
        }
        if !headers.call.is_empty() {
            for (name, value) in &header_map(&headers.call).map_err(InvalidRequest)? {
                map.insert(name.clone(), value.clone());
            }
        }
        Ok(())
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
    /// reads as much of the answer as its caller wants.
    ///
    /// The answer comes with a [`RetryStopped`] when a retry was due but its wait would have
    /// passed the call's timeout. Generic over the answer only, not over an operation's error
    /// type: compiled twice, not once per operation. The call's settings are taken as they
    /// come, borrowed or owned, so that the future returned borrows nothing but the client: a
    /// generated operation's call holds it and nothing else of the request.
    pub(super) fn execute<'s, R, Fut>(
        &'s self,
        mut request: Request,
        call: Cow<'s, CallOptions>,
        accept: Option<&'static HeaderValue>,
        attempt: impl Fn(&'s reqwest::Client, reqwest::Request, Option<Duration>) -> Fut + 's,
    ) -> impl Future<Output = Sent<R>> + 's
    where
        R: Answer,
        Fut: Future<Output = Result<R, Failed>>,
    {
        let started = Instant::now();
        let deadline = self.timeout_for(&call).map(|timeout| started + timeout);
        let attempt_timeout = self.attempt_timeout_for(&call);
        let (policy, call) = self.call_settings(call);
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
        // A request with no headers or body of its own (most that are retried) is made again
        // for a retry, from its method and URL; another is copied whole before each attempt.
        let remade = request.is_method_and_url_only();
        let mut request = request.finish();
        let mut headers = CallHeaders { schemes, accept, tokens: None, call };
        async move {
            if let Some(invalid) = invalid {
                return Sent { result: Err(Unanswered::Invalid(invalid)), attempts: 0 };
            }
            // Boxed: most calls fetch no token, and a fetch's future in place would make every
            // call's larger, past the size the allocator keeps at hand.
            if self.fetches_tokens(schemes) {
                match Box::pin(self.fetch_tokens(schemes, deadline)).await {
                    Ok(tokens) => headers.tokens = tokens,
                    Err(unanswered) => return Sent { result: Err(unanswered), attempts: 0 },
                }
            }
            if let Err(invalid) = self.put_call_headers(&mut request, &headers) {
                return Sent { result: Err(invalid.into()), attempts: 0 };
            }
            let retries_allowed = policy.allows(request.method());
            let mut retry = 0;
            // The wait before the next attempt: waited at the top of the loop, where nothing of
            // the attempt before it is held any more (the future stays the size of one attempt).
            let mut wait_first = None;
            let (outcome, stopped) = loop {
                if let Some(wait) = wait_first.take() {
                    tokio::time::sleep(wait).await;
                }
                // What the next attempt sends, made before this one takes the request: the
                // request again or a copy. A body that cannot be copied (a stream) is sent once.
                let next = match retries_allowed && retry < policy.max_retries {
                    true if remade => Some(made_again(&request)),
                    true => copy_for_retry(&request),
                    false => None,
                };
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
                for hook in &self.shared.hooks {
                    hook.on_retry(&context, wait);
                }
                #[cfg(feature = "tracing")]
                super::trace::retrying(context.number, wait);
                wait_first = Some(wait);
                retry += 1;
                request = *next;
                // Made again: the call's headers go on as they went on the first attempt's.
                if remade && let Err(invalid) = self.put_call_headers(&mut request, &headers) {
                    return Sent { result: Err(invalid.into()), attempts: retry };
                }
            };
            let attempts = retry + 1;
            let answer = match outcome {
                Ok(answer) => answer,
                Err(failed) => return Sent { result: Err(Unanswered::after(failed, stopped)), attempts },
            };
            if answer.status() == StatusCode::UNAUTHORIZED
                && let Some(tokens) = &headers.tokens
            {
                // The token was refused: the next call fetches a new one.
                for source in &tokens.sources {
                    source.refuse();
                }
            }
            Sent { result: Ok((answer, stopped)), attempts }
        }
    }

    /// The retry policy and the headers of a call: its own, else the client's policy.
    fn call_settings<'s>(&'s self, call: Cow<'s, CallOptions>) -> (Cow<'s, RetryPolicy>, Cow<'s, [(String, String)]>) {
        match call {
            Cow::Borrowed(call) => {
                (Cow::Borrowed(call.retry.as_ref().unwrap_or(&self.retry)), Cow::Borrowed(&call.headers))
            }
            Cow::Owned(call) => {
                let policy = call.retry.map_or(Cow::Borrowed(&self.retry), Cow::Owned);
                (policy, Cow::Owned(call.headers))
            }
        }
    }

    /// Whether one of `schemes` has the client fetch a token (OAuth2 client credentials).
    fn fetches_tokens(&self, schemes: &[Scheme]) -> bool {
        schemes
            .iter()
            .any(|scheme| matches!(self.shared.credentials.get(*scheme), Some(Credential::ClientCredentials(_))))
    }

    /// A token for each scheme that fetches one, within the call's deadline (a token endpoint
    /// that hangs must not hold the call past it); `None` when no scheme does.
    async fn fetch_tokens<'s>(
        &'s self,
        schemes: &[Scheme],
        deadline: Option<Instant>,
    ) -> Result<Option<Box<Tokens<'s>>>, Unanswered> {
        let (mut sources, mut authorization): (Vec<&TokenSource>, _) = (Vec::new(), None);
        for scheme in schemes {
            if let Some(Credential::ClientCredentials(source)) = self.shared.credentials.get(*scheme) {
                let token = match deadline {
                    Some(deadline) => tokio::time::timeout_at(deadline.into(), source.token(&self.shared.http))
                        .await
                        .map_err(|_| source.not_answered_in_time())??,
                    None => source.token(&self.shared.http).await?,
                };
                // Each scheme's token replaces the one before it, as a header of the same name.
                authorization = Some(bearer_value(&token)?);
                sources.push(source);
            }
        }
        Ok(authorization.map(|authorization| Box::new(Tokens { sources, authorization })))
    }
}

/// What a call puts on each attempt's request besides the operation's own headers
/// ([`Client::put_call_headers`]).
struct CallHeaders<'s> {
    /// The schemes whose credentials authorise the request.
    schemes: &'static [Scheme],
    /// The media type the answer is asked for, unless the request names its own.
    accept: Option<&'static HeaderValue>,
    /// Boxed: most calls fetch none, and every call's future would hold one.
    tokens: Option<Box<Tokens<'s>>>,
    /// The call's own headers.
    call: Cow<'s, [(String, String)]>,
}

/// The tokens fetched for a call: their sources, whose tokens a `401` answer marks refused,
/// and the `Authorization` value the last of them made.
struct Tokens<'s> {
    sources: Vec<&'s TokenSource>,
    authorization: HeaderValue,
}

/// How sending ended, and after how many attempts (0: none was made).
pub(super) struct Sent<R> {
    pub(super) result: Result<(R, Option<RetryStopped>), Unanswered>,
    pub(super) attempts: u32,
}

/// A copy of a request not sent yet, for the attempt after it; `None` when its body cannot be
/// copied (a stream). reqwest's `try_clone` also copies the time limit and the extensions, and
/// allocates a map for them even when there are none. A request without a body (most that are
/// retried) has none to copy: the loop sets an attempt's time limit, and hooks see the request,
/// only after the copy is made.
///
/// Boxed: held through the attempt, a copy in place would make every call's future larger by a
/// request, past the size the allocator keeps at hand.
///
/// Copying the headers is most of a copy's cost (two tables allocated and released when no
/// retry comes); a request without headers of its own is [`made_again`] instead.
fn copy_for_retry(request: &reqwest::Request) -> Option<Box<reqwest::Request>> {
    if request.body().is_some() {
        // Copying a body is reqwest's to do.
        return request.try_clone().map(Box::new);
    }
    let mut copy = made_again(request);
    *copy.headers_mut() = request.headers().clone();
    Some(copy)
}

/// The request for the attempt after `request`, which has no body and no headers of its own:
/// its method, URL and version, to which the call's headers are put again. Boxed, as a copy is
/// (which starts from it).
fn made_again(request: &reqwest::Request) -> Box<reqwest::Request> {
    let mut again = reqwest::Request::new(request.method().clone(), request.url().clone());
    *again.version_mut() = request.version();
    Box::new(again)
}

/// A retry that was due but not made: its wait would have passed the call's timeout.
#[derive(Debug, Clone, Copy)]
pub(super) struct RetryStopped {
    wait: Duration,
    timeout: Duration,
}

impl RetryStopped {
    /// The call's error: how its last attempt ended, and why no retry followed.
    pub(super) fn error<E>(self, last: Error<E>) -> Error<E> {
        Error::RetryPastDeadline { last: Box::new(last), wait: self.wait, timeout: self.timeout }
    }

    /// The error type a call's span records for an answer given without the retry it was due.
    pub(super) fn traced(stopped: &Option<RetryStopped>) -> Option<&'static str> {
        stopped.map(|_| "retry_past_deadline")
    }
}

/// Why sending ended without an answer. It holds no operation's error type (`E` of [`Error`]),
/// so that the retry loop is compiled once, not once per operation; the public entry points
/// convert it.
pub(super) enum Unanswered {
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

/// What the retry loop needs of an answer, read whole or not.
pub(super) trait Answer {
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
pub(super) enum Failed {
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
