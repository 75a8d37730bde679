//! The runtime shared by every API module of this crate: client configuration, credentials,
//! request building, response decoding and errors. Generated operations are thin calls into it.

use std::fmt;

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use reqwest;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};

/// The `User-Agent` sent unless the caller brings their own HTTP client.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A credential. Its `Debug` output never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// The credential for one security scheme, in the form that scheme sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic <base64(user:password)>`.
    Basic { username: String, password: Secret },
    /// An API key in a header, query parameter or cookie named `name`.
    ApiKey { location: ApiKeyLocation, name: &'static str, value: Secret },
}

/// How a query parameter's lists and objects are written (OpenAPI's `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` with `explode: true`, the default: `id=1&id=2`; objects as `key=value` pairs.
    Exploded,
    /// `form` with `explode: false` (`,`), `spaceDelimited` (` `) or `pipeDelimited` (`|`):
    /// `id=1,2`; objects as `name=key,value,key,value`.
    Delimited(&'static str),
    /// `deepObject`: `name[key]=value`.
    DeepObject,
}

/// The security alternatives of one operation, as scheme names: any one inner list, all of its
/// schemes together, authorises the call. An empty outer list means no authentication.
pub type Security = &'static [&'static [&'static str]];

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("cannot create the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Settings collected before a [`Client`] is built.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    http: Option<reqwest::Client>,
    credentials: Vec<(&'static str, Credential)>,
}

impl ClientBuilder {
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder { base_url: base_url.into(), http: None, credentials: Vec::new() }
    }

    pub fn base_url(&mut self, url: impl Into<String>) {
        self.base_url = url.into();
    }

    /// Sets the credential for `scheme`, replacing any earlier one.
    pub fn credential(&mut self, scheme: &'static str, credential: Credential) {
        self.credentials.retain(|(name, _)| *name != scheme);
        self.credentials.push((scheme, credential));
    }

    pub fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
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
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder().user_agent(USER_AGENT).build().map_err(BuildError::Http)?,
        };
        // Operation paths start with `/`; keeping the base without a trailing one joins them simply.
        let base_url = url.as_str().trim_end_matches('/').to_string();
        Ok(Client { http, base_url, credentials: self.credentials })
    }
}

/// A configured connection to one API: base URL, credentials and the HTTP client.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    credentials: Vec<(&'static str, Credential)>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.credentials.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Client").field("base_url", &self.base_url).field("credentials_for", &schemes).finish()
    }
}

impl Client {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Starts a request to `path` (already encoded), authorised by the first alternative of
    /// `security` whose credentials are all configured.
    pub fn request(&self, method: Method, path: &str, security: Security) -> Result<Request, InvalidRequest> {
        let url = format!("{}{}", self.base_url, path);
        let url = Url::parse(&url).map_err(|e| InvalidRequest(format!("invalid URL `{url}`: {e}")))?;
        let mut request = Request { inner: reqwest::Request::new(method, url), cookies: Vec::new() };
        if security.is_empty() {
            return Ok(request);
        }
        let chosen = security.iter().find(|alternative| {
            alternative.iter().all(|scheme| self.credentials.iter().any(|(name, _)| name == scheme))
        });
        let Some(alternative) = chosen else {
            let wanted: Vec<String> = security.iter().map(|alt| alt.join(" and ")).collect();
            return Err(InvalidRequest(format!(
                "no credentials configured for this operation; it needs {}",
                wanted.join(", or ")
            )));
        };
        for scheme in alternative.iter() {
            let (_, credential) = self.credentials.iter().find(|(name, _)| name == scheme).expect("checked above");
            request.authorize(credential)?;
        }
        Ok(request)
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, request: Request) -> Result<RawResponse, reqwest::Error> {
        let mut request = request.finish();
        if !request.headers().contains_key(reqwest::header::ACCEPT) {
            request.headers_mut().insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
        }
        let response = self.http.execute(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(RawResponse { status, headers, body })
    }
}

/// A request being built by a generated operation.
#[derive(Debug)]
pub struct Request {
    inner: reqwest::Request,
    cookies: Vec<String>,
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

    fn authorize(&mut self, credential: &Credential) -> Result<(), InvalidRequest> {
        let invalid = || InvalidRequest("a credential has a character a header cannot carry".into());
        match credential {
            Credential::Bearer(token) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| invalid())?;
                value.set_sensitive(true);
                // `insert`, not `append`: exactly one Authorization header, whatever came before.
                self.inner.headers_mut().insert(AUTHORIZATION, value);
            }
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

fn header_name(name: &str) -> Result<HeaderName, InvalidRequest> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| InvalidRequest(format!("`{name}` is not a valid header name")))
}

/// Encodes one path parameter as exactly one path segment.
///
/// Everything but RFC 3986's unreserved characters is percent-encoded, so `/`, `?` and `#` in a
/// value cannot change which path is requested. Values that would still do so after encoding
/// (empty, `.` and `..`, which URL parsers resolve whether or not they are encoded) are refused.
pub fn path_segment<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, InvalidRequest> {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let texts = scalar_texts(name, value)?;
    let text = texts.join(",");
    if text.is_empty() || text == "." || text == ".." {
        return Err(InvalidRequest(format!("path parameter `{name}` cannot be {text:?}: it would change the path")));
    }
    Ok(percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string())
}

/// A parameter value as the texts it is sent as: scalars as themselves, strings unquoted, lists
/// one text per item, `null` as nothing.
fn scalar_texts<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<String>, InvalidRequest> {
    use serde_json::Value;
    let value = serde_json::to_value(value)
        .map_err(|e| InvalidRequest(format!("parameter `{name}` cannot be encoded: {e}")))?;
    let scalar = |v: Value| match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(InvalidRequest(format!("parameter `{name}` is not a scalar: {other}"))),
    };
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.into_iter().filter(|v| !v.is_null()).map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

/// A response read in full, before it is decoded.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl RawResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Decodes a declared JSON success body.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, body }),
            Err(e) => Err(Error::Decode { source: Box::new(e), response: Box::new(self) }),
        }
    }

    /// Decodes a declared JSON success body into one variant of the operation's success enum.
    pub fn json_map<T: DeserializeOwned, U, E>(self, variant: impl FnOnce(T) -> U) -> Result<Response<U>, Error<E>> {
        self.json::<T, E>().map(|response| response.map(variant))
    }

    /// A declared success without a body.
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response { status: self.status, headers: self.headers, body: () })
    }

    /// A declared text success body.
    pub fn text_body<E>(self) -> Result<Response<String>, Error<E>> {
        match String::from_utf8(self.body.clone()) {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, body }),
            Err(e) => Err(Error::Decode { source: Box::new(e), response: Box::new(self) }),
        }
    }

    /// A declared binary success body.
    pub fn bytes<E>(self) -> Result<Response<Vec<u8>>, Error<E>> {
        Ok(Response { status: self.status, headers: self.headers, body: self.body })
    }

    /// A declared error response with a JSON body, wrapped into the operation's error enum.
    pub fn error_json<B: DeserializeOwned, E>(self, variant: impl FnOnce(B) -> E) -> Error<E> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => self.error(variant(body)),
            Err(e) => Error::Decode { source: Box::new(e), response: Box::new(self) },
        }
    }

    /// A declared error response with a text body.
    pub fn error_text<E>(self, variant: impl FnOnce(String) -> E) -> Error<E> {
        let text = self.text().into_owned();
        self.error(variant(text))
    }

    /// A declared error response with a binary body.
    pub fn error_bytes<E>(self, variant: impl FnOnce(Vec<u8>) -> E) -> Error<E> {
        let bytes = self.body.clone();
        self.error(variant(bytes))
    }

    /// A declared error response whose body is not decoded.
    pub fn error<E>(self, body: E) -> Error<E> {
        Error::Api(Box::new(ApiError { status: self.status, headers: self.headers, body, raw_body: self.body }))
    }

    /// A status the operation does not declare.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(Box::new(self))
    }
}

/// A successful response: the decoded body, with the status and headers it came with.
/// Dereferences to the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn body(&self) -> &T {
        &self.body
    }

    pub fn into_body(self) -> T {
        self.body
    }

    /// The same response with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// An error response the API declares for the operation, decoded into the operation's error enum.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    status: StatusCode,
    headers: HeaderMap,
    body: E,
    raw_body: Vec<u8>,
}

impl<E> ApiError<E> {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The declared error, decoded.
    pub fn body(&self) -> &E {
        &self.body
    }

    pub fn into_body(self) -> E {
        self.body
    }

    /// The body as the server sent it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }
}

/// A request that was refused before it was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRequest(pub String);

/// Everything that can go wrong in a call. `E` is the operation's enum of declared error responses.
#[derive(Debug, thiserror::Error)]
pub enum Error<E> {
    /// The server answered with an error response the API declares.
    #[error("the server answered {}, an error the API declares for this operation", .0.status)]
    Api(Box<ApiError<E>>),
    /// The server answered with a status the API does not declare for this operation.
    #[error("the server answered {}, which the API does not declare for this operation: {}", .0.status, excerpt(.0.body()))]
    UnexpectedStatus(Box<RawResponse>),
    /// The body did not decode as the type the API declares for its status.
    #[error("the response body ({}) does not match what the API declares: {source}", .response.status)]
    Decode {
        response: Box<RawResponse>,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The request was not sent: an argument or credential cannot be put on the wire.
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] InvalidRequest),
    /// Connecting, sending or reading failed.
    #[error("the request failed: {0}")]
    Transport(#[from] reqwest::Error),
}

impl<E> Error<E> {
    /// The response status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(r) | Error::Decode { response: r, .. } => Some(r.status),
            Error::Transport(e) => e.status(),
            Error::InvalidRequest(_) => None,
        }
    }

    /// The response headers, when there was a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedStatus(r) | Error::Decode { response: r, .. } => Some(&r.headers),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The response body as the server sent it, when there was a response.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(e) => Some(&e.raw_body),
            Error::UnexpectedStatus(r) | Error::Decode { response: r, .. } => Some(&r.body),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The declared error, when the server sent one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(&e.body),
            _ => None,
        }
    }
}

/// The start of a body, for error messages.
fn excerpt(body: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(LIMIT)]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        "(empty body)".to_string()
    } else if body.len() > LIMIT {
        format!("{text}...")
    } else {
        text
    }
}

/// Decodes a field that must be present but may be `null`: unlike a plain `Option`, a missing
/// key is an error.
pub fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer)
}

/// Decodes a tagged union: reads the body as JSON, takes the string at `property`, and lets
/// `pick` decode the whole body (tag included) as the variant that tag names.
pub fn decode_tagged<'de, D, T>(
    deserializer: D,
    property: &str,
    pick: impl FnOnce(&str, serde_json::Value) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let Some(tag) = value.get(property).and_then(serde_json::Value::as_str).map(str::to_owned) else {
        return Err(D::Error::custom(format!("missing or non-string tag `{property}`")));
    };
    pick(&tag, value).map_err(D::Error::custom)
}

/// Decodes a field that may be absent or `null`: absent stays `None` (through `#[serde(default)]`),
/// `null` becomes `Some(None)` and a value `Some(Some(value))`.
pub fn present_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_one_segment() {
        assert_eq!(path_segment("id", "a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(path_segment("id", "../x").unwrap(), "..%2Fx");
        assert_eq!(path_segment("id", &42).unwrap(), "42");
        assert!(path_segment("id", "..").is_err());
        assert!(path_segment("id", "").is_err());
    }

    #[test]
    fn form_bodies_repeat_lists_and_skip_nulls() {
        let client = ClientBuilder::new("http://127.0.0.1:9").build().unwrap();
        let mut request = client.request(Method::POST, "/x", &[]).unwrap();
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

    /// The attributes the generator writes on optional fields, nullable or not.
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "present_or_null", skip_serializing_if = "Option::is_none")]
        note: Option<Option<String>>,
        #[serde(deserialize_with = "required_nullable")]
        expires_at: Option<i64>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        let decode = |json: &str| serde_json::from_str::<Patch>(json);
        assert_eq!(decode(r#"{"expires_at": null}"#).unwrap().note, None);
        assert_eq!(decode(r#"{"note": null, "expires_at": 1}"#).unwrap().note, Some(None));
        assert_eq!(decode(r#"{"note": "x", "expires_at": 1}"#).unwrap().note, Some(Some("x".into())));
        assert!(decode(r#"{"note": "x"}"#).is_err(), "a required nullable field must be present");
        let encode = |note| serde_json::to_string(&Patch { note, expires_at: None }).unwrap();
        assert_eq!(encode(None), r#"{"expires_at":null}"#);
        assert_eq!(encode(Some(None)), r#"{"note":null,"expires_at":null}"#);
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Sha {
        value: String,
    }

    /// The shape the generator writes for a tagged union.
    #[derive(Debug, PartialEq)]
    enum Digest {
        Sha256(Sha),
        Unknown(serde_json::Value),
    }

    impl<'de> serde::Deserialize<'de> for Digest {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_tagged(deserializer, "type", |tag, value| {
                Ok(match tag {
                    "sha256" => Digest::Sha256(serde_json::from_value(value)?),
                    _ => Digest::Unknown(value),
                })
            })
        }
    }

    #[test]
    fn tagged_unions_dispatch_on_the_tag() {
        let sha: Digest = serde_json::from_str(r#"{"type": "sha256", "value": "ab"}"#).unwrap();
        assert_eq!(sha, Digest::Sha256(Sha { value: "ab".into() }));
        let later: Digest = serde_json::from_str(r#"{"type": "blake3", "value": "cd"}"#).unwrap();
        assert_eq!(later, Digest::Unknown(serde_json::json!({"type": "blake3", "value": "cd"})));
        let wrong = serde_json::from_str::<Digest>(r#"{"type": "sha256"}"#).unwrap_err();
        assert!(wrong.to_string().contains("missing field `value`"), "the tag's variant, not another: {wrong}");
        assert!(serde_json::from_str::<Digest>(r#"{"value": "ab"}"#).is_err());
    }

    fn query_of(value: serde_json::Value, style: QueryStyle) -> String {
        let client = ClientBuilder::new("http://127.0.0.1:9").build().unwrap();
        let mut request = client.request(Method::GET, "/x", &[]).unwrap();
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
    fn secrets_do_not_print() {
        let credential = Credential::Bearer(Secret::new("cog_secret"));
        assert!(!format!("{credential:?}").contains("cog_secret"));
    }
}
