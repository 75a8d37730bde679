//! Client configuration and request sending: the part of the runtime behind the `client`
//! feature.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};

use super::auth::{Credential, Scheme, Security, TokenSource};
use super::encode::header_name;
use super::event::StreamError;
use super::policy::{self, Attempt, Hook, Outcome, RetryPolicy};
use super::request::{Operation, Request};
use super::response::{Error, InvalidRequest, RawResponse, Response};
use super::stream::{self, Streaming, Unread};
use reqwest::{Method, StatusCode};

/// The `User-Agent` sent unless the caller brings their own HTTP client.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client builder state: a base URL is set, so the client can be built.
#[derive(Debug, Clone, Copy)]
pub struct BaseUrl;

/// A client builder state: the spec names no server, so a base URL must be set before building.
#[derive(Debug, Clone, Copy)]
pub struct NoBaseUrl;

/// A `reqwest` client builder ready for the crate's TLS backend: start from it to bring your own
/// HTTP client ([`ClientBuilder::http_client`]).
///
/// With the `rustls-ring` backend (the default) and not `rustls-aws-lc`, reqwest takes the
/// process's default rustls crypto provider; this installs ring as that default, unless the
/// application installed one first (which then stays).
pub fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    {
        // An error means a provider is installed already: the application's choice is kept.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

/// A header value from a typed setting: scalars as their text, lists comma-separated.
pub fn header_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    super::encode::scalar_texts("header", value).map(|texts| texts.join(",")).unwrap_or_default()
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("{0}")]
    InvalidTokenUrl(String),
    #[error("invalid default header: {0}")]
    InvalidHeader(String),
    #[error("cannot create the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Settings collected before a [`Client`] is built.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    http: Option<reqwest::Client>,
    credentials: Credentials,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    idle_timeout: IdleTimeout,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    max_response_bytes: usize,
    default_headers: Vec<(String, String)>,
}

/// The idle timeout of streamed responses: `None` until set, then `Some(None)` for no limit.
/// Unset, it is the request timeout.
type IdleTimeout = Option<Option<Duration>>;

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("max_response_bytes", &self.max_response_bytes)
            // Names only: a value may be a credential (an API key set as a default header).
            .field("default_headers", &self.default_headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Connecting gives up after this long unless the builder says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A whole call (every attempt with its sending, waiting and reading, and the waits between
/// attempts) gives up after this long unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Responses larger than this are refused unless the builder allows more: memory stays bounded
/// whatever a server sends.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

impl ClientBuilder {
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            http: None,
            credentials: Credentials::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: Some(DEFAULT_TIMEOUT),
            attempt_timeout: None,
            idle_timeout: None,
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            default_headers: Vec::new(),
        }
    }

    /// Sends requests to `url` instead.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets the credential for `scheme`, replacing any earlier one.
    pub fn credential(mut self, scheme: Scheme, credential: Credential) -> Self {
        self.credentials.set(scheme, credential);
        self
    }

    /// Uses this HTTP client; its own connect timeout, proxies and TLS settings then apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time a whole call may take: its attempts, and the waits between them (backoff and
    /// `Retry-After`); a retry whose wait would pass it is not made. `None` waits for ever. For a
    /// streamed response ([`Client::send_streaming`]) it bounds the call until its head arrives.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time one attempt may take (unset by default: an attempt may take what is left of
    /// the call's timeout). An attempt that runs out of it is retried as a connection error is,
    /// within the call's timeout.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The longest wait for the next chunk of a streamed response ([`Client::send_streaming`]);
    /// `None` waits for ever. Unless set, it is the request timeout.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    pub fn hook(mut self, hook: Arc<dyn Hook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// The largest response body accepted; a larger one is an [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends this header with every request (a later value for the same name replaces an
    /// earlier one; a per-call header replaces it for that call). Checked when the client is built.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.default_headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        self.default_headers.push((name, value.into()));
        self
    }

    pub fn build(self) -> Result<Client, BuildError> {
        let invalid = |reason: &str| BuildError::InvalidBaseUrl { url: self.base_url.clone(), reason: reason.into() };
        let url = Url::parse(&self.base_url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a base URL has no query or fragment"));
        }
        let default_headers = header_map(&self.default_headers).map_err(BuildError::InvalidHeader)?;
        let mut credentials = self.credentials;
        for (_, credential) in credentials.iter_mut() {
            if let Credential::ClientCredentials(source) = credential {
                *source = Arc::new(source.resolved(&url).map_err(BuildError::InvalidTokenUrl)?);
            }
        }
        let http_from_caller = self.http.is_some();
        let http = match self.http {
            Some(http) => http,
            None => http_client_builder()
                .user_agent(USER_AGENT)
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        let connect_timeout = self.connect_timeout;
        // Operation paths start with `/`; keeping the base without a trailing one joins them simply.
        let base_url = url.as_str().trim_end_matches('/').to_string();
        let shared = Shared {
            http,
            http_without_redirects: std::sync::OnceLock::new(),
            http_from_caller,
            connect_timeout,
            base_url,
            base: url.clone(),
            credentials,
            hooks: self.hooks,
            max_response_bytes: self.max_response_bytes,
            default_headers,
        };
        Ok(Client {
            shared: Arc::new(shared),
            timeout: self.timeout,
            attempt_timeout: self.attempt_timeout,
            idle_timeout: self.idle_timeout,
            retry: self.retry,
        })
    }
}

/// A call in flight (see [`Client::call`]).
type Sending<'a, T, E> = Pin<Box<dyn Future<Output = Result<Response<T>, Error<E>>> + Send + 'a>>;

/// A configured connection to one API: base URL, credentials, policies and the HTTP client.
/// Clones share the connection pool and the OAuth2 token cache.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    idle_timeout: IdleTimeout,
    retry: RetryPolicy,
}

/// One credential per scheme, at the scheme's index.
#[derive(Debug, Clone, Default)]
struct Credentials(Vec<Option<(Scheme, Credential)>>);

impl Credentials {
    fn set(&mut self, scheme: Scheme, credential: Credential) {
        if self.0.len() <= scheme.index {
            self.0.resize(scheme.index + 1, None);
        }
        self.0[scheme.index] = Some((scheme, credential));
    }

    fn get(&self, scheme: Scheme) -> Option<&Credential> {
        self.0.get(scheme.index).and_then(Option::as_ref).map(|(_, credential)| credential)
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut (Scheme, Credential)> {
        self.0.iter_mut().flatten()
    }

    fn schemes(&self) -> Vec<&'static str> {
        self.0.iter().flatten().map(|(scheme, _)| scheme.name).collect()
    }
}

struct Shared {
    http: reqwest::Client,
    /// For operations that declare a redirect as their answer: a client that does not follow
    /// it, made when first needed (a caller's own `http_client` is used as it is).
    http_without_redirects: std::sync::OnceLock<reqwest::Client>,
    /// Whether `http` is the caller's, whose redirect policy stays theirs.
    http_from_caller: bool,
    base_url: String,
    /// The base URL parsed: requests to an absolute URL must stay on its origin, where the
    /// credentials may go.
    base: Url,
    credentials: Credentials,
    hooks: Vec<Arc<dyn Hook>>,
    max_response_bytes: usize,
    default_headers: HeaderMap,
    connect_timeout: Duration,
}

impl Shared {
    /// The HTTP client for a request: one that leaves redirects to the caller when the request
    /// asks for them (see [`Request::keep_redirects`]).
    fn http_for(&self, follow_redirects: bool) -> &reqwest::Client {
        if follow_redirects || self.http_from_caller {
            return &self.http;
        }
        self.http_without_redirects.get_or_init(|| {
            http_client_builder()
                .user_agent(USER_AGENT)
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_else(|_| self.http.clone())
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes = self.shared.credentials.schemes();
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("credentials_for", &schemes)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The same client with another timeout for the whole call; for one call, or a few.
    pub fn with_timeout(&self, timeout: Option<Duration>) -> Client {
        Client { timeout, ..self.clone() }
    }

    /// The same client with another timeout for each attempt.
    pub fn with_attempt_timeout(&self, attempt_timeout: Option<Duration>) -> Client {
        Client { attempt_timeout, ..self.clone() }
    }

    /// The same client with another retry policy.
    pub fn with_retry(&self, retry: RetryPolicy) -> Client {
        Client { retry, ..self.clone() }
    }

    /// Starts a request of `operation` to `path` (already encoded), authorised by the first
    /// alternative of `security` whose credentials are all configured.
    pub fn request(
        &self,
        operation: &'static Operation,
        method: Method,
        path: &str,
        security: Security,
    ) -> Result<Request, InvalidRequest> {
        let url = format!("{}{}", self.shared.base_url, path);
        let url = Url::parse(&url).map_err(|e| InvalidRequest(format!("invalid URL `{url}`: {e}")))?;
        self.authorized(operation, method, url, security)
    }

    /// Starts a request to an absolute URL, such as the next page a `Link` header names,
    /// authorised as [`Client::request`] does. A URL on another origin (scheme, host and port)
    /// than the base URL's is refused: the client's credentials are for its API only.
    pub fn request_url(
        &self,
        operation: &'static Operation,
        method: Method,
        url: &str,
        security: Security,
    ) -> Result<Request, InvalidRequest> {
        // The URL itself is not quoted in errors: it may carry a credential.
        let url = Url::parse(url).map_err(|e| InvalidRequest(format!("invalid absolute URL: {e}")))?;
        let origin = self.shared.base.origin();
        if url.origin() != origin {
            return Err(InvalidRequest(format!(
                "the URL is on another origin ({}) than the API ({}); it is not requested, so that the \
                 client's credentials do not leak",
                url.origin().ascii_serialization(),
                origin.ascii_serialization()
            )));
        }
        self.authorized(operation, method, url, security)
    }

    fn authorized(
        &self,
        operation: &'static Operation,
        method: Method,
        url: Url,
        security: Security,
    ) -> Result<Request, InvalidRequest> {
        let mut request = Request {
            inner: reqwest::Request::new(method, url),
            operation,
            cookies: Vec::new(),
            schemes: &[],
            follow_redirects: true,
        };
        if security.is_empty() {
            return Ok(request);
        }
        let chosen = security
            .iter()
            .find(|alternative| alternative.iter().all(|scheme| self.shared.credentials.get(*scheme).is_some()));
        let Some(alternative) = chosen else {
            let wanted: Vec<String> = security
                .iter()
                .map(|alt| alt.iter().map(|scheme| scheme.name).collect::<Vec<_>>().join(" and "))
                .collect();
            return Err(InvalidRequest(format!(
                "no credentials configured for this operation; it needs {}",
                wanted.join(", or ")
            )));
        };
        for scheme in alternative.iter() {
            if let Some(credential) = self.shared.credentials.get(*scheme) {
                request.authorize(credential)?;
            }
        }
        request.schemes = alternative;
        Ok(request)
    }

    /// A generated operation's whole `send`: sends the request its builder made (or gives the
    /// reason it could not make one) as [`Client::send`] does, and decodes the answer with
    /// `decode`, which matches the operation's statuses.
    ///
    /// Every operation shares this one async body: an `async fn send` per operation made each
    /// crate lower and check hundreds of state machines that differed only in their decoding,
    /// which is not async. Boxed, a call is a pointer wherever it is held (a caller's future
    /// that awaits a hundred calls stays small) and is `Send` by its type. One allocation per
    /// call.
    pub fn call<'a, T: 'a, E: Send + 'a>(
        &'a self,
        request: Result<Request, InvalidRequest>,
        call: CallOptions,
        decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
    ) -> Sending<'a, T, E> {
        Box::pin(async move {
            let (response, stopped) = self.send_whole(request?, &call).await?;
            match (decode(response), stopped) {
                // An answer a retry would have followed, had the call's timeout left time for it.
                (Err(last), Some(stopped)) => Err(stopped.error(last)),
                (decoded, _) => decoded,
            }
        })
    }

    /// Sends a request (fetching an OAuth2 token first when its scheme needs one) with the
    /// client's default headers and the call's own settings, retries it as the policy allows
    /// within the call's timeout, and reads the whole response.
    pub async fn send<E>(&self, request: Request, call: &CallOptions) -> Result<RawResponse, Error<E>> {
        self.send_whole(request, call).await.map(|(response, _)| response)
    }

    /// [`Client::send`], telling also whether a retry was due but not made for lack of time.
    async fn send_whole<E>(
        &self,
        request: Request,
        call: &CallOptions,
    ) -> Result<(RawResponse, Option<RetryStopped>), Error<E>> {
        let limit = self.shared.max_response_bytes;
        let accept = Some("application/json");
        self.execute(request, call, accept, move |http, mut request: reqwest::Request, time_limit| async move {
            *request.timeout_mut() = time_limit;
            let mut response = http.execute(request).await?;
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
        })
        .await
    }

    /// Sends a request as [`Client::send`] does (credentials, headers, retries, hooks), but
    /// gives the response as soon as its head arrives, its body unread: for server-sent events
    /// and large downloads.
    ///
    /// The call's (or client's) timeout bounds the attempts and waits until a head arrives;
    /// after it, each chunk of the body may take the idle timeout
    /// ([`CallOptions::idle_timeout`], [`ClientBuilder::idle_timeout`]; by default the same
    /// duration), however long the whole stream lasts. Retries happen only before a response
    /// arrives: after a connection error or a retryable status, as for `send`; when a retry's
    /// wait would pass the timeout, the last answer is given as it is. Hooks see each
    /// response's status and headers, with an empty body. No `Accept` header is added: the
    /// generated code names the media type.
    pub async fn send_streaming<E>(&self, request: Request, call: &CallOptions) -> Result<Streaming, Error<E>> {
        let idle_timeout = self.idle_timeout_for(call);
        let limit = self.shared.max_response_bytes;
        let (streaming, _) = self
            .execute(request, call, None, move |http, request: reqwest::Request, head_limit| async move {
                let response = http.execute(request);
                let response = match head_limit {
                    Some(after) => tokio::time::timeout(after, response)
                        .await
                        .map_err(|_| Failed::Stream(StreamError::HeadTimeout(after)))??,
                    None => response.await?,
                };
                Ok(Streaming::new(response, idle_timeout, limit))
            })
            .await?;
        Ok(streaming)
    }

    /// The time a whole call may take (for a streamed response, until its head): the call's
    /// setting, else the client's.
    fn timeout_for(&self, call: &CallOptions) -> Option<Duration> {
        call.timeout.unwrap_or(self.timeout)
    }

    /// The time one attempt may take: the call's setting, else the client's.
    fn attempt_timeout_for(&self, call: &CallOptions) -> Option<Duration> {
        call.attempt_timeout.unwrap_or(self.attempt_timeout)
    }

    /// The longest wait for the next chunk of a streamed response: the call's setting, else the
    /// client's, else the call's timeout ([`Client::timeout_for`]). A setting of `None` is no limit.
    fn idle_timeout_for(&self, call: &CallOptions) -> Option<Duration> {
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
    /// reads as much of the answer as its caller wants.
    ///
    /// The answer comes with a [`RetryStopped`] when a retry was due but its wait would have
    /// passed the call's timeout. With the `tracing` feature, the call runs in its span.
    async fn execute<'s, R, E, Fut>(
        &'s self,
        request: Request,
        call: &CallOptions,
        accept: Option<&'static str>,
        attempt: impl Fn(&'s reqwest::Client, reqwest::Request, Option<Duration>) -> Fut,
    ) -> Result<(R, Option<RetryStopped>), Error<E>>
    where
        R: Answer,
        Fut: Future<Output = Result<R, Failed>>,
    {
        let mut attempts = 0;
        #[cfg(feature = "tracing")]
        {
            let span = super::trace::call_span(request.operation, request.inner.method(), &self.shared.base);
            let sending = self.attempts(request, call, accept, attempt, &mut attempts);
            let result = tracing::Instrument::instrument(sending, span.clone()).await;
            let (status, error) = match &result {
                Ok((answer, stopped)) => (Some(answer.status()), stopped.map(|_| "retry_past_deadline")),
                Err(error) => (error.status(), Some(super::trace::error_type(error))),
            };
            super::trace::call_ended(&span, attempts, status, error);
            result
        }
        #[cfg(not(feature = "tracing"))]
        self.attempts(request, call, accept, attempt, &mut attempts).await
    }

    /// The body of [`Client::execute`]; `attempts` counts the attempts made.
    async fn attempts<'s, R, E, Fut>(
        &'s self,
        mut request: Request,
        call: &CallOptions,
        accept: Option<&'static str>,
        attempt: impl Fn(&'s reqwest::Client, reqwest::Request, Option<Duration>) -> Fut,
        attempts: &mut u32,
    ) -> Result<(R, Option<RetryStopped>), Error<E>>
    where
        R: Answer,
        Fut: Future<Output = Result<R, Failed>>,
    {
        let started = Instant::now();
        let timeout = self.timeout_for(call);
        let deadline = timeout.map(|timeout| started + timeout);
        let attempt_timeout = self.attempt_timeout_for(call);
        let operation = request.operation;
        let mut token_sources: Vec<&TokenSource> = Vec::new();
        for scheme in request.schemes {
            if let Some(Credential::ClientCredentials(source)) = self.shared.credentials.get(*scheme) {
                let token = source.token(&self.shared.http).await?;
                request.bearer(&token)?;
                token_sources.push(source);
            }
        }
        let http = self.shared.http_for(request.follow_redirects);
        let mut request = request.finish();
        if let Some(accept) = accept
            && !request.headers().contains_key(reqwest::header::ACCEPT)
        {
            request.headers_mut().insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
        }
        for (name, value) in &self.shared.default_headers {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        for (name, value) in &header_map(&call.headers).map_err(InvalidRequest)? {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        let policy = call.retry.as_ref().unwrap_or(&self.retry);
        let retries_allowed = policy.allows(request.method());
        let mut retry = 0;
        loop {
            // A copy for the next attempt; a body that cannot be cloned (a stream) is sent once.
            let next = if retries_allowed && retry < policy.max_retries { request.try_clone() } else { None };
            let mut sent = request;
            // The attempt's own limit, cut to what is left of the call's. An attempt that runs
            // out of its own time may be retried; one that runs out of the call's ends the call.
            let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
            let (time_limit, own_limit) = match (attempt_timeout, left) {
                (Some(own), Some(left)) if own < left => (Some(own), true),
                (Some(own), None) => (Some(own), true),
                (_, left) => (left, false),
            };
            let mut context =
                Attempt { operation, number: retry + 1, elapsed: started.elapsed(), attempt_elapsed: Duration::ZERO };
            for hook in &self.shared.hooks {
                hook.before_attempt(&context, &mut sent);
            }
            let attempt_started = Instant::now();
            *attempts += 1;
            let outcome = attempt(http, sent, time_limit).await;
            context.elapsed = started.elapsed();
            context.attempt_elapsed = attempt_started.elapsed();
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
            match (outcome, wait, next) {
                (outcome, Some(wait), Some(next)) => {
                    if let (Some(timeout), Some(deadline)) = (timeout, deadline)
                        && Instant::now() + wait >= deadline
                    {
                        let stopped = RetryStopped { wait, timeout };
                        #[cfg(feature = "tracing")]
                        super::trace::retry_past_deadline(context.number, wait, timeout);
                        return match outcome {
                            Ok(response) => Ok((self.answered(response, &token_sources).await, Some(stopped))),
                            Err(failed) => Err(stopped.error(failed.into())),
                        };
                    }
                    for hook in &self.shared.hooks {
                        hook.on_retry(&context, wait);
                    }
                    #[cfg(feature = "tracing")]
                    super::trace::retrying(context.number, wait);
                    tokio::time::sleep(wait).await;
                    retry += 1;
                    request = next;
                }
                (Ok(response), _, _) => return Ok((self.answered(response, &token_sources).await, None)),
                // The last error is the one returned: after retries, that of the final attempt.
                (Err(failed), _, _) => return Err(failed.into()),
            }
        }
    }

    /// The answer a call ends with; a 401 first drops the OAuth2 tokens it was sent with.
    async fn answered<R: Answer>(&self, response: R, token_sources: &[&TokenSource]) -> R {
        if response.status() == StatusCode::UNAUTHORIZED {
            // The token was refused: the next call fetches a new one.
            for source in token_sources {
                source.invalidate().await;
            }
        }
        response
    }
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

/// Names and values as headers; a name or value that a header cannot carry is refused by name.
/// Every value is marked sensitive: a caller's header may be a credential (an API key set as a
/// default header), and a hook that prints a request must not print it.
fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name = header_name(name).map_err(|e| e.0)?;
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            format!("header `{name}` has a character a header cannot carry (CR, LF or another control character)")
        })?;
        value.set_sensitive(true);
        map.insert(name, value);
    }
    Ok(map)
}

/// The settings of one call, which replace the client's: time limits, a retry policy, and
/// headers. Every request builder holds one and sets it through its `timeout`,
/// `attempt_timeout`, `retry` and `header` methods.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    timeout: Option<Option<Duration>>,
    attempt_timeout: Option<Option<Duration>>,
    idle_timeout: IdleTimeout,
    retry: Option<RetryPolicy>,
    headers: Vec<(String, String)>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            // Names only, as for the client's default headers.
            .field("headers", &self.headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .finish()
    }
}

impl CallOptions {
    /// The time the whole call may take, replacing the client's (`None`: no limit).
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = Some(timeout);
    }

    /// The time each attempt of the call may take, replacing the client's (`None`: no limit
    /// but the call's).
    pub fn attempt_timeout(&mut self, timeout: Option<Duration>) {
        self.attempt_timeout = Some(timeout);
    }

    /// The longest wait for the next chunk of a streamed response, replacing the client's
    /// (`None`: no limit).
    pub fn idle_timeout(&mut self, timeout: Option<Duration>) {
        self.idle_timeout = Some(timeout);
    }

    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Adds a header, replacing an earlier one of the same name.
    pub fn header(&mut self, name: String, value: String) {
        self.headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        self.headers.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Secret, Security};

    const AUTH: Scheme = Scheme::new(0, "auth");
    const OPERATION: Operation = Operation { id: "listItems", route: "/items" };
    const SECURED: Security = &[&[AUTH]];

    #[test]
    fn absolute_urls_stay_on_the_api_origin() {
        let client = ClientBuilder::new("https://api.example.com/v0")
            .credential(AUTH, Credential::Bearer(Secret::new("t0k")))
            .build()
            .unwrap();
        let same =
            client.request_url(&OPERATION, Method::GET, "https://api.example.com/v0/items?page=2", SECURED).unwrap();
        let same = same.finish();
        assert_eq!(same.url().as_str(), "https://api.example.com/v0/items?page=2");
        assert_eq!(same.headers()["authorization"], "Bearer t0k");
        for elsewhere in [
            "https://evil.example.com/v0/items",
            "http://api.example.com/v0/items",
            "https://api.example.com:8443/v0/items",
        ] {
            let refused = client.request_url(&OPERATION, Method::GET, elsewhere, SECURED).unwrap_err();
            assert!(refused.0.contains("another origin"), "{elsewhere}: {refused}");
        }
        assert!(
            client.request_url(&OPERATION, Method::GET, "/v0/items", SECURED).is_err(),
            "a relative URL is not absolute"
        );
    }

    #[test]
    fn the_idle_timeout_defaults_to_the_request_timeout() {
        let mut call = CallOptions::default();
        assert_eq!(call.idle_timeout, None);
        call.idle_timeout(Some(Duration::from_secs(1)));
        assert_eq!(call.idle_timeout, Some(Some(Duration::from_secs(1))));
        let client = ClientBuilder::new("http://127.0.0.1:9").idle_timeout(None).build().unwrap();
        assert_eq!(client.idle_timeout, Some(None), "set to no limit");
    }

    #[test]
    fn the_effective_idle_timeout_falls_back_to_the_request_timeout() {
        let secs = |n| Some(Duration::from_secs(n));
        let unset = CallOptions::default();
        let client = ClientBuilder::new("http://127.0.0.1:9").build().unwrap();
        assert_eq!(client.idle_timeout_for(&unset), Some(DEFAULT_TIMEOUT), "unset: the request timeout");
        let client = ClientBuilder::new("http://127.0.0.1:9").timeout(secs(7)).build().unwrap();
        assert_eq!(client.idle_timeout_for(&unset), secs(7), "follows the builder's timeout");
        assert_eq!(client.with_timeout(secs(5)).idle_timeout_for(&unset), secs(5), "and a changed one");
        assert_eq!(client.with_timeout(None).idle_timeout_for(&unset), None, "no timeout: no idle limit");
        let mut timed = CallOptions::default();
        timed.timeout(secs(3));
        assert_eq!(client.idle_timeout_for(&timed), secs(3), "follows the call's timeout");

        let client = ClientBuilder::new("http://127.0.0.1:9").idle_timeout(secs(2)).build().unwrap();
        assert_eq!(client.idle_timeout_for(&unset), secs(2), "the client's own setting");
        assert_eq!(client.idle_timeout_for(&timed), secs(2), "is kept whatever the call's timeout");
        let mut call = CallOptions::default();
        call.idle_timeout(secs(1));
        assert_eq!(client.idle_timeout_for(&call), secs(1), "the call's setting overrides the client's");
        call.idle_timeout(None);
        assert_eq!(client.idle_timeout_for(&call), None, "an explicit None is no limit");
        let client = ClientBuilder::new("http://127.0.0.1:9").idle_timeout(None).build().unwrap();
        assert_eq!(client.idle_timeout_for(&unset), None, "the client's explicit None too");
        assert_eq!(client.idle_timeout_for(&timed), None, "whatever the call's timeout");
    }

    #[test]
    fn debug_output_names_default_headers_without_their_values() {
        let builder = ClientBuilder::new("http://127.0.0.1:9").default_header("X-Api-Key", "s3cret-k3y");
        let printed = format!("{builder:?}");
        assert!(printed.contains("X-Api-Key"), "{printed}");
        assert!(!printed.contains("s3cret-k3y"), "{printed}");
        // A per-call header, likewise.
        let mut call = CallOptions::default();
        call.header("X-Api-Key".into(), "s3cret-k3y".into());
        let printed = format!("{call:?}");
        assert!(printed.contains("X-Api-Key") && !printed.contains("s3cret-k3y"), "{printed}");
        // As headers of a request (which a hook may print), both kinds of value are sensitive.
        let map = header_map(&[("X-Api-Key".into(), "s3cret-k3y".into())]).unwrap();
        assert!(map.values().all(HeaderValue::is_sensitive));
        let printed = format!("{map:?}");
        assert!(printed.contains("x-api-key") && !printed.contains("s3cret-k3y"), "{printed}");
    }
}
