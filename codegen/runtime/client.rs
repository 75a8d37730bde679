//! Client configuration and the requests a client starts; sending them is in `send.rs`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::auth::{Credential, Scheme, Security};
use super::deviation::DeviationSink;
use super::encode::header_name;
use super::policy::{Hook, RetryPolicy};
use super::request::{Operation, Request, credential_header};
use super::response::{Error, InvalidRequest, Response};
use reqwest::Method;

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
/// With the `rustls-ring` backend and not `rustls-aws-lc` (the default), reqwest takes the
/// process's default rustls crypto provider; this makes ring that default, unless the
/// application installed one first (which then stays). rustls installs the one provider its
/// features compile in the first time a configuration is built without a default, so a
/// process whose other crates compile aws-lc-rs into rustls too must install one itself, as
/// reqwest's and rustls's docs say (rustls panics otherwise).
pub fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Building a configuration installs ring as the default, through rustls's own choice
        // by its features: ring's provider function is deprecated since rustls 0.23.48 (ring
        // has no post-quantum key exchange; `rustls-aws-lc` has).
        let _ = rustls::ClientConfig::builder();
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
    api: &'static str,
    deviations: Option<Arc<dyn DeviationSink>>,
}

/// The idle timeout of streamed responses: `None` until set, then `Some(None)` for no limit.
/// Unset, it is the request timeout.
pub(super) type IdleTimeout = Option<Option<Duration>>;

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
            .field("api", &self.api)
            .field("deviations", &self.deviations.is_some())
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

/// Room for a request's path beyond the base URL, reserved before it is written: most paths fit,
/// and a longer one grows the text once.
const PATH_CAPACITY: usize = 64;

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
            api: "",
            deviations: None,
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

    /// Reports to `sink` every way a response differs from the API description: an undeclared
    /// status or media type, a body that does not match its schema, and what the decoders
    /// tolerate (an undeclared property, an absent required field, an unknown enum value or
    /// union variant). See [`Deviation`](super::Deviation). Without a sink, nothing is spent on them.
    pub fn deviations(mut self, sink: Arc<dyn DeviationSink>) -> Self {
        self.deviations = Some(sink);
        self
    }

    /// The API's name as deviation records give it ([`Deviation::api`](super::Deviation::api)): the generated
    /// crate's module name, which a generated client builder sets.
    pub fn api(mut self, name: &'static str) -> Self {
        self.api = name;
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
        for credential in credentials.credentials_mut() {
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
            api: self.api,
            deviations: self.deviations,
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

/// A call in flight, as a request builder's `send` returns it: await it for the response (see
/// [`Client::call`]).
pub type Sending<'a, T, E> = Pin<Box<dyn Future<Output = Result<Response<T>, Error<E>>> + Send + 'a>>;

/// A configured connection to one API: base URL, credentials, policies and the HTTP client.
/// Clones share the connection pool and the OAuth2 token cache.
#[derive(Clone)]
pub struct Client {
    pub(super) shared: Arc<Shared>,
    pub(super) timeout: Option<Duration>,
    pub(super) attempt_timeout: Option<Duration>,
    pub(super) idle_timeout: IdleTimeout,
    pub(super) retry: RetryPolicy,
}

/// One credential per scheme, at the scheme's index, with the header it puts on every request
/// made once, when it is set: a request clones it (a reference count) instead of formatting
/// and checking the token again.
#[derive(Debug, Clone, Default)]
pub(super) struct Credentials(Vec<Option<Stored>>);

#[derive(Debug, Clone)]
struct Stored {
    scheme: Scheme,
    credential: Credential,
    /// `None` for a credential that is no header of its own, or one a header cannot carry
    /// (each request then gives that error).
    header: Option<(HeaderName, HeaderValue)>,
}

impl Credentials {
    fn set(&mut self, scheme: Scheme, credential: Credential) {
        if self.0.len() <= scheme.index {
            self.0.resize(scheme.index + 1, None);
        }
        let header = credential_header(&credential).and_then(Result::ok);
        self.0[scheme.index] = Some(Stored { scheme, credential, header });
    }

    pub(super) fn get(&self, scheme: Scheme) -> Option<&Credential> {
        self.stored(scheme).map(|stored| &stored.credential)
    }

    /// The header made for `scheme`'s credential when it was set, if it is sent as one.
    pub(super) fn header(&self, scheme: Scheme) -> Option<&(HeaderName, HeaderValue)> {
        self.stored(scheme).and_then(|stored| stored.header.as_ref())
    }

    /// The credential for `scheme` put on `request`.
    pub(super) fn authorize(&self, scheme: Scheme, request: &mut Request) -> Result<(), InvalidRequest> {
        match self.stored(scheme) {
            Some(stored) => request.authorize(&stored.credential, stored.header.as_ref()),
            None => Ok(()),
        }
    }

    fn stored(&self, scheme: Scheme) -> Option<&Stored> {
        self.0.get(scheme.index).and_then(Option::as_ref)
    }

    fn credentials_mut(&mut self) -> impl Iterator<Item = &mut Credential> {
        self.0.iter_mut().flatten().map(|stored| &mut stored.credential)
    }

    fn schemes(&self) -> Vec<&'static str> {
        self.0.iter().flatten().map(|stored| stored.scheme.name).collect()
    }
}

pub(super) struct Shared {
    pub(super) http: reqwest::Client,
    /// For operations that declare a redirect as their answer: a client that does not follow
    /// it, made when first needed (a caller's own `http_client` is used as it is).
    pub(super) http_without_redirects: std::sync::OnceLock<reqwest::Client>,
    /// Whether `http` is the caller's, whose redirect policy stays theirs.
    pub(super) http_from_caller: bool,
    pub(super) base_url: String,
    /// The base URL parsed: requests to an absolute URL must stay on its origin, where the
    /// credentials may go.
    pub(super) base: Url,
    pub(super) credentials: Credentials,
    pub(super) hooks: Vec<Arc<dyn Hook>>,
    pub(super) max_response_bytes: usize,
    pub(super) default_headers: HeaderMap,
    pub(super) connect_timeout: Duration,
    /// The API's name in deviation records.
    pub(super) api: &'static str,
    pub(super) deviations: Option<Arc<dyn DeviationSink>>,
}

impl Shared {
    /// The HTTP client for a request: one that leaves redirects to the caller when the request
    /// asks for them (see [`Request::keep_redirects`]).
    pub(super) fn http_for(&self, follow_redirects: bool) -> &reqwest::Client {
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
    ///
    /// The path is any text: `"/items"`, or the `format_args!` a generated operation writes its
    /// encoded parameters into ([`path_segment`](super::path_segment)), so that the base URL and
    /// the path are written once, into one text, before the URL is parsed.
    pub fn request(
        &self,
        operation: &'static Operation,
        method: Method,
        path: impl fmt::Display,
        security: Security,
    ) -> Result<Request, InvalidRequest> {
        use fmt::Write as _;
        let base = self.shared.base_url.as_str();
        let mut url = String::with_capacity(base.len() + PATH_CAPACITY);
        url.push_str(base);
        // Writing to a `String` does not fail.
        let _ = write!(url, "{path}");
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
            invalid: None,
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
            self.shared.credentials.authorize(*scheme, &mut request)?;
        }
        request.schemes = alternative;
        Ok(request)
    }
}

/// Names and values as headers; a name or value that a header cannot carry is refused by name.
/// Every value is marked sensitive: a caller's header may be a credential (an API key set as a
/// default header), and a hook that prints a request must not print it.
pub(super) fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, String> {
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
    pub(super) timeout: Option<Option<Duration>>,
    pub(super) attempt_timeout: Option<Option<Duration>>,
    pub(super) idle_timeout: IdleTimeout,
    pub(super) retry: Option<RetryPolicy>,
    pub(super) headers: Vec<(String, String)>,
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
    const OPERATION: Operation = Operation::new("listItems", "/items");
    const SECURED: Security = &[&[AUTH]];

    #[test]
    fn absolute_urls_stay_on_the_api_origin() {
        let client = ClientBuilder::new("https://api.example.com/v0")
            .credential(AUTH, Credential::Bearer(Secret::new("t0k")))
            .build()
            .unwrap();
        let same =
            client.request_url(&OPERATION, Method::GET, "https://api.example.com/v0/items?page=2", SECURED).unwrap();
        // Authorised by the scheme, whose header goes on when the request is sent.
        assert_eq!(same.schemes.iter().map(|scheme| scheme.name).collect::<Vec<_>>(), ["auth"]);
        let (name, value) = client.shared.credentials.header(AUTH).unwrap();
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("authorization", "Bearer t0k"));
        let same = same.finish();
        assert_eq!(same.url().as_str(), "https://api.example.com/v0/items?page=2");
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
    fn a_credential_a_header_cannot_carry_is_each_request_s_error() {
        let client = ClientBuilder::new("https://api.example.com")
            .credential(AUTH, Credential::Bearer(Secret::new("t0k\nx")))
            .build()
            .unwrap();
        let refused = client.request(&OPERATION, Method::GET, "/items", SECURED).unwrap_err();
        assert!(refused.0.contains("a header cannot carry"), "{refused}");
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
