//! Client configuration and request sending: the part of the runtime behind the `client`
//! feature.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderValue};
use serde::Serialize;

use super::auth::{ApiKeyLocation, Credential, Secret};
use super::encode::{Multipart, QueryStyle, header_name, scalar_texts};
use super::policy::{self, Hook, RetryPolicy};
use super::response::{Error, InvalidRequest, RawResponse};
use reqwest::{Method, StatusCode};

/// The `User-Agent` sent unless the caller brings their own HTTP client.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// One security scheme of an API: its place among the API's schemes (the client keeps one
/// credential per place), and its name in the spec, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    index: usize,
    name: &'static str,
}

impl Scheme {
    pub const fn new(index: usize, name: &'static str) -> Scheme {
        Scheme { index, name }
    }

    /// The scheme's name in the spec.
    pub fn name(self) -> &'static str {
        self.name
    }
}

/// The security alternatives of one operation: any one inner list, all of its schemes together,
/// authorises the call. An empty outer list means no authentication.
pub type Security = &'static [&'static [Scheme]];

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("{0}")]
    InvalidTokenUrl(String),
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
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    max_response_bytes: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Connecting gives up after this long unless the builder says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A whole request (sending, waiting, reading) gives up after this long unless told otherwise.
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
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    pub fn base_url(&mut self, url: impl Into<String>) {
        self.base_url = url.into();
    }

    /// Sets the credential for `scheme`, replacing any earlier one.
    pub fn credential(&mut self, scheme: Scheme, credential: Credential) {
        self.credentials.set(scheme, credential);
    }

    /// Uses this HTTP client; its own connect timeout, proxies and TLS settings then apply.
    pub fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    pub fn connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = timeout;
    }

    /// The time a whole request may take; `None` waits for ever.
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    pub fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    pub fn hook(&mut self, hook: Arc<dyn Hook>) {
        self.hooks.push(hook);
    }

    /// The largest response body accepted; a larger one is an [`Error::BodyTooLarge`].
    pub fn max_response_bytes(&mut self, limit: usize) {
        self.max_response_bytes = limit;
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
        let mut credentials = self.credentials;
        for (_, credential) in credentials.iter_mut() {
            if let Credential::ClientCredentials(source) = credential {
                *source = Arc::new(source.resolved(&url).map_err(BuildError::InvalidTokenUrl)?);
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        // Operation paths start with `/`; keeping the base without a trailing one joins them simply.
        let base_url = url.as_str().trim_end_matches('/').to_string();
        let shared =
            Shared { http, base_url, credentials, hooks: self.hooks, max_response_bytes: self.max_response_bytes };
        Ok(Client { shared: Arc::new(shared), timeout: self.timeout, retry: self.retry })
    }
}

/// A configured connection to one API: base URL, credentials, policies and the HTTP client.
/// Clones share the connection pool and the OAuth2 token cache.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    timeout: Option<Duration>,
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
    base_url: String,
    credentials: Credentials,
    hooks: Vec<Arc<dyn Hook>>,
    max_response_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes = self.shared.credentials.schemes();
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("credentials_for", &schemes)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The same client with another timeout for the whole request; for one call, or a few.
    pub fn with_timeout(&self, timeout: Option<Duration>) -> Client {
        Client { timeout, ..self.clone() }
    }

    /// The same client with another retry policy.
    pub fn with_retry(&self, retry: RetryPolicy) -> Client {
        Client { retry, ..self.clone() }
    }

    /// Starts a request to `path` (already encoded), authorised by the first alternative of
    /// `security` whose credentials are all configured.
    pub fn request(&self, method: Method, path: &str, security: Security) -> Result<Request, InvalidRequest> {
        let url = format!("{}{}", self.shared.base_url, path);
        let url = Url::parse(&url).map_err(|e| InvalidRequest(format!("invalid URL `{url}`: {e}")))?;
        let mut request = Request { inner: reqwest::Request::new(method, url), cookies: Vec::new(), schemes: &[] };
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

    /// Sends a request (fetching an OAuth2 token first when its scheme needs one), retries it as
    /// the policy allows, and reads the whole response.
    pub async fn send<E>(&self, mut request: Request) -> Result<RawResponse, Error<E>> {
        let mut token_sources = Vec::new();
        for scheme in request.schemes {
            if let Some(Credential::ClientCredentials(source)) = self.shared.credentials.get(*scheme) {
                let token = source.token(&self.shared.http).await?;
                request.bearer(&token)?;
                token_sources.push(source);
            }
        }
        let mut request = request.finish();
        if !request.headers().contains_key(reqwest::header::ACCEPT) {
            request.headers_mut().insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
        }
        *request.timeout_mut() = self.timeout;
        let retries_allowed = self.retry.allows(request.method());
        let mut retry = 0;
        loop {
            // A copy for the next attempt; a body that cannot be cloned (a stream) is sent once.
            let next = if retries_allowed && retry < self.retry.max_retries { request.try_clone() } else { None };
            let mut attempt = request;
            for hook in &self.shared.hooks {
                hook.on_request(&mut attempt);
            }
            let outcome = self.attempt(attempt).await;
            let delay = match &outcome {
                Ok(response) if policy::is_retryable_status(response.status.as_u16()) => {
                    self.retry.delay(retry, Some(&response.headers))
                }
                Err(Failed::Transport(e)) if e.is_connect() => self.retry.delay(retry, None),
                _ => None,
            };
            match (outcome, delay, next) {
                (_, Some(delay), Some(next)) => {
                    tokio::time::sleep(delay).await;
                    retry += 1;
                    request = next;
                }
                (Ok(response), _, _) => {
                    if response.status == StatusCode::UNAUTHORIZED {
                        // The token was refused: the next call fetches a new one.
                        for source in &token_sources {
                            source.invalidate().await;
                        }
                    }
                    return Ok(response);
                }
                // The last error is the one returned: after retries, that of the final attempt.
                (Err(Failed::Transport(e)), _, _) => return Err(e.into()),
                (Err(Failed::TooLarge { status, limit }), _, _) => return Err(Error::BodyTooLarge { status, limit }),
            }
        }
    }

    async fn attempt(&self, request: reqwest::Request) -> Result<RawResponse, Failed> {
        let mut response = self.shared.http.execute(request).await?;
        let status = response.status();
        let limit = self.shared.max_response_bytes;
        let too_large = || Failed::TooLarge { status, limit };
        // Refuse early when the server says how much is coming, and count as it arrives when not.
        if response.content_length().is_some_and(|length| length > limit as u64) {
            return Err(too_large());
        }
        let headers = std::mem::take(response.headers_mut());
        // Sized from Content-Length, but only up to a point: a server that announces a large body
        // and sends nothing must not cost that much memory up front.
        let announced = response.content_length().map_or(0, |length| length as usize);
        let mut body = Vec::with_capacity(announced.min(PRESIZE_LIMIT));
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let raw = RawResponse { status, headers, body };
        for hook in &self.shared.hooks {
            hook.on_response(&raw);
        }
        Ok(raw)
    }
}

/// The most memory a response body is given before its bytes arrive.
const PRESIZE_LIMIT: usize = 1024 * 1024;

/// How one attempt failed.
enum Failed {
    Transport(reqwest::Error),
    TooLarge { status: StatusCode, limit: usize },
}

impl From<reqwest::Error> for Failed {
    fn from(error: reqwest::Error) -> Self {
        Failed::Transport(error)
    }
}

/// A request being built by a generated operation.
#[derive(Debug)]
pub struct Request {
    inner: reqwest::Request,
    cookies: Vec<String>,
    /// The schemes of the security alternative chosen for this request.
    schemes: &'static [Scheme],
}

impl Request {
    /// Adds a query parameter in OpenAPI's default style (`form`, exploded): a scalar as
    /// `name=value`, a list as `name=a&name=b`, an object as one pair per property, `None` as
    /// nothing.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), InvalidRequest> {
        self.query_styled(name, value, QueryStyle::Exploded)
    }

    /// Adds a query parameter in the given style.
    pub fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), InvalidRequest> {
        use serde_json::Value;
        let value = serde_json::to_value(value)
            .map_err(|e| InvalidRequest(format!("parameter `{name}` cannot be encoded: {e}")))?;
        let mut pairs: Vec<(String, String)> = Vec::new();
        match (value, style) {
            (Value::Object(fields), QueryStyle::DeepObject) => {
                for (key, field) in fields {
                    for text in scalar_texts(name, &field)? {
                        pairs.push((format!("{name}[{key}]"), text));
                    }
                }
            }
            (Value::Object(fields), QueryStyle::Exploded) => {
                for (key, field) in fields {
                    for text in scalar_texts(name, &field)? {
                        pairs.push((key.clone(), text));
                    }
                }
            }
            (Value::Object(fields), QueryStyle::Delimited(delimiter)) => {
                let mut parts = Vec::new();
                for (key, field) in fields {
                    let texts = scalar_texts(name, &field)?;
                    if !texts.is_empty() {
                        parts.push(format!("{key}{delimiter}{}", texts.join(delimiter)));
                    }
                }
                if !parts.is_empty() {
                    pairs.push((name.to_string(), parts.join(delimiter)));
                }
            }
            (value, QueryStyle::Delimited(delimiter)) => {
                let texts = scalar_texts(name, &value)?;
                if !texts.is_empty() {
                    pairs.push((name.to_string(), texts.join(delimiter)));
                }
            }
            (value, _) => pairs.extend(scalar_texts(name, &value)?.into_iter().map(|text| (name.to_string(), text))),
        }
        let mut url = self.inner.url_mut().query_pairs_mut();
        for (key, text) in pairs {
            url.append_pair(&key, &text);
        }
        Ok(())
    }

    /// Sets a header; `None` sets nothing, a list is sent comma-separated.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), InvalidRequest> {
        let texts = scalar_texts(name, value)?;
        if texts.is_empty() {
            return Ok(());
        }
        let value = HeaderValue::from_str(&texts.join(",")).map_err(|_| {
            InvalidRequest(format!(
                "header `{name}` has a character a header cannot carry (CR, LF or another control character)"
            ))
        })?;
        self.inner.headers_mut().insert(header_name(name)?, value);
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| InvalidRequest(format!("the body cannot be encoded as JSON: {e}")))?;
        self.set_body("application/json", bytes)
    }

    /// Sets an `application/x-www-form-urlencoded` body from the fields of `body`: scalars as
    /// themselves, lists as one pair per item, `None` fields left out, nested objects as JSON.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        let value =
            serde_json::to_value(body).map_err(|e| InvalidRequest(format!("the body cannot be encoded: {e}")))?;
        let serde_json::Value::Object(fields) = value else {
            return Err(InvalidRequest("a form body must be an object".into()));
        };
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (name, value) in fields {
            let items = match value {
                serde_json::Value::Array(items) => items,
                other => vec![other],
            };
            for item in items {
                match item {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(text) => {
                        form.append_pair(&name, &text);
                    }
                    other => {
                        form.append_pair(&name, &other.to_string());
                    }
                }
            }
        }
        self.set_body("application/x-www-form-urlencoded", form.finish().into_bytes())
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) -> Result<(), InvalidRequest> {
        let media_type = format!("multipart/form-data; boundary={}", form.boundary);
        self.set_body(&media_type, form.finish())
    }

    /// Sets a body sent as it is (binary or text) with the given media type.
    pub fn raw<B: AsRef<[u8]> + ?Sized>(&mut self, media_type: &str, body: &B) -> Result<(), InvalidRequest> {
        self.set_body(media_type, body.as_ref().to_vec())
    }

    fn set_body(&mut self, media_type: &str, bytes: Vec<u8>) -> Result<(), InvalidRequest> {
        let content_type = HeaderValue::from_str(media_type)
            .map_err(|_| InvalidRequest(format!("`{media_type}` is not a valid media type")))?;
        self.inner.headers_mut().insert(reqwest::header::CONTENT_TYPE, content_type);
        *self.inner.body_mut() = Some(bytes.into());
        Ok(())
    }

    /// Puts a credential on the request. Client-credentials tokens are fetched when the request
    /// is sent, and put on it then with [`Request::bearer`].
    fn authorize(&mut self, credential: &Credential) -> Result<(), InvalidRequest> {
        let invalid = || InvalidRequest("a credential has a character a header cannot carry".into());
        match credential {
            Credential::Bearer(token) => self.bearer(token)?,
            Credential::ClientCredentials(_) => {}
            Credential::Basic { username, password } => {
                let pair = format!("{username}:{}", password.expose());
                let mut value =
                    HeaderValue::from_str(&format!("Basic {}", BASE64_STANDARD.encode(pair))).map_err(|_| invalid())?;
                value.set_sensitive(true);
                self.inner.headers_mut().insert(AUTHORIZATION, value);
            }
            Credential::ApiKey { location: ApiKeyLocation::Header, name, value } => {
                let mut value = HeaderValue::from_str(value.expose()).map_err(|_| invalid())?;
                value.set_sensitive(true);
                self.inner.headers_mut().insert(header_name(name)?, value);
            }
            Credential::ApiKey { location: ApiKeyLocation::Query, name, value } => {
                self.inner.url_mut().query_pairs_mut().append_pair(name, value.expose());
            }
            Credential::ApiKey { location: ApiKeyLocation::Cookie, name, value } => {
                self.cookies.push(format!("{name}={}", value.expose()));
            }
        }
        Ok(())
    }

    fn bearer(&mut self, token: &Secret) -> Result<(), InvalidRequest> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| InvalidRequest("a token has a character a header cannot carry".into()))?;
        value.set_sensitive(true);
        // `insert`, not `append`: exactly one Authorization header, whatever came before.
        self.inner.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    fn finish(mut self) -> reqwest::Request {
        if !self.cookies.is_empty()
            && let Ok(mut value) = HeaderValue::from_str(&self.cookies.join("; "))
        {
            value.set_sensitive(true);
            self.inner.headers_mut().insert(COOKIE, value);
        }
        self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::TokenSource;

    fn request() -> Request {
        let client = ClientBuilder::new("http://127.0.0.1:9").build().unwrap();
        client.request(Method::POST, "/x", &[]).unwrap()
    }

    #[test]
    fn form_bodies_repeat_lists_and_skip_nulls() {
        let mut request = request();
        let body = serde_json::json!({"To": "+1 555", "MediaUrl": ["a", "b"], "Skip": null, "N": 2});
        request.form(&body).unwrap();
        let request = request.finish();
        assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
        let sent = std::str::from_utf8(request.body().and_then(|b| b.as_bytes()).unwrap()).unwrap();
        // Field order follows serde_json's map order; the pairs are what matters.
        let mut pairs: Vec<&str> = sent.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(pairs, ["MediaUrl=a", "MediaUrl=b", "N=2", "To=%2B1+555"]);
    }

    fn query_of(value: serde_json::Value, style: QueryStyle) -> String {
        let mut request = request();
        request.query_styled("p", &value, style).unwrap();
        request.finish().url().query().unwrap_or_default().to_string()
    }

    #[test]
    fn query_styles_follow_openapi() {
        use serde_json::json;
        assert_eq!(query_of(json!(["a", "b"]), QueryStyle::Exploded), "p=a&p=b");
        assert_eq!(query_of(json!(["a", "b"]), QueryStyle::Delimited(",")), "p=a%2Cb");
        assert_eq!(query_of(json!(["a", "b"]), QueryStyle::Delimited("|")), "p=a%7Cb");
        assert_eq!(query_of(json!({"role": "admin"}), QueryStyle::DeepObject), "p%5Brole%5D=admin");
        assert_eq!(query_of(json!({"role": "admin"}), QueryStyle::Exploded), "role=admin");
        assert_eq!(query_of(json!(null), QueryStyle::DeepObject), "");
        assert_eq!(query_of(json!("a b&c"), QueryStyle::Exploded), "p=a+b%26c");
    }

    #[test]
    fn header_values_with_line_breaks_are_refused() {
        let mut request = request();
        assert!(request.header("x-note", "a\r\nInjected: yes").is_err());
        assert!(request.header("x-note", "fine").is_ok());
    }

    #[test]
    fn secrets_do_not_print() {
        let credential = Credential::Bearer(Secret::new("cog_secret"));
        assert!(!format!("{credential:?}").contains("cog_secret"));
        let source = TokenSource::new("/oauth/token", "id", "client_secret_value", vec![]);
        assert!(!format!("{source:?}").contains("client_secret_value"));
    }
}
