//! Responses as read off the wire, decoded successes, and every error a call can end in.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::auth::AuthError;
use super::event::StreamError;
use super::said::ServerSaid;

/// A response read in full, before it is decoded.
#[derive(Clone)]
pub struct RawResponse {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    /// As it arrived: a body that came in one chunk is that chunk.
    pub(super) body: Bytes,
    /// The URL that answered (after redirects). Left out of `Debug`: it may hold an API key.
    pub(super) url: Url,
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

    /// The URL that answered, after redirects (it may hold an API key in its query).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Decodes a declared JSON success body.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        match super::from_json_slice(&self.body) {
            Ok(body) => Ok(Response { status: self.status, headers: self.headers, url: self.url, body }),
            Err(e) => Err(Error::Decode { source: Box::new(e), response: Box::new(self) }),
        }
    }

    /// Decodes a declared JSON success body into one variant of the operation's success enum.
    pub fn json_map<T: DeserializeOwned, U, E>(self, variant: impl FnOnce(T) -> U) -> Result<Response<U>, Error<E>> {
        self.json::<T, E>().map(|response| response.map(variant))
    }

    /// A declared success without a body.
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response { status: self.status, headers: self.headers, url: self.url, body: () })
    }

    /// A declared text success body.
    pub fn text_body<E>(self) -> Result<Response<String>, Error<E>> {
        let RawResponse { status, headers, body, url } = self;
        match String::from_utf8(body.into()) {
            Ok(body) => Ok(Response { status, headers, url, body }),
            Err(e) => {
                let source = Box::new(e.utf8_error());
                let response = Box::new(RawResponse { status, headers, body: e.into_bytes().into(), url });
                Err(Error::Decode { source, response })
            }
        }
    }

    /// A declared redirect: where it points (its `Location` header), not followed.
    pub fn redirect<E>(self) -> Result<Response<Redirect>, Error<E>> {
        let location = self.headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        match location {
            Some(location) => {
                let location = self.url.join(&location).map(String::from).unwrap_or(location);
                Ok(Response { status: self.status, headers: self.headers, url: self.url, body: Redirect { location } })
            }
            None => {
                let source = "a redirect without a `Location` header".into();
                Err(Error::Decode { source, response: Box::new(self) })
            }
        }
    }

    /// A declared binary success body.
    pub fn bytes<E>(self) -> Result<Response<Vec<u8>>, Error<E>> {
        Ok(Response { status: self.status, headers: self.headers, url: self.url, body: self.body.into() })
    }

    /// A declared error response with a JSON body, wrapped into the operation's error enum: the
    /// call's answer, as the success decoders above give theirs. A body that does not match its
    /// schema is still the declared error ([`Error::Api`]), kept undecoded
    /// ([`ApiError::is_undecoded`]): the status is what the caller acts on.
    pub fn error_json<T, B: DeserializeOwned, E>(self, variant: impl FnOnce(B) -> E) -> Result<T, Error<E>> {
        match super::from_json_slice(&self.body) {
            Ok(body) => self.error(variant(body)),
            Err(e) => Err(self.api_error(ErrorBody::Undecoded(Arc::new(e)))),
        }
    }

    /// A declared error response with a text body.
    pub fn error_text<T, E>(self, variant: impl FnOnce(String) -> E) -> Result<T, Error<E>> {
        let text = self.text().into_owned();
        self.error(variant(text))
    }

    /// A declared error response with a binary body.
    pub fn error_bytes<T, E>(self, variant: impl FnOnce(Vec<u8>) -> E) -> Result<T, Error<E>> {
        let bytes = self.body.to_vec();
        self.error(variant(bytes))
    }

    /// A declared error response whose body is not decoded.
    pub fn error<T, E>(self, body: E) -> Result<T, Error<E>> {
        Err(self.api_error(ErrorBody::Decoded(body)))
    }

    fn api_error<E>(self, body: ErrorBody<E>) -> Error<E> {
        Error::Api(Box::new(ApiError { status: self.status, headers: self.headers, body, raw_body: self.body }))
    }

    /// A status the operation does not declare.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(Box::new(self))
    }
}

/// A redirect an operation declares as its answer: where it points, resolved against the URL
/// that answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub location: String,
}

/// A successful response: the decoded body, with the status and headers it came with.
/// Dereferences to the body.
#[derive(Clone, PartialEq)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    /// Left out of `Debug`: it may hold an API key.
    url: Url,
    body: T,
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

impl<T> Response<T> {
    pub(super) fn new(status: StatusCode, headers: HeaderMap, url: Url, body: T) -> Self {
        Response { status, headers, url, body }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The URL that answered, after redirects: what a relative link in the response (a `Link`
    /// header's next page) is resolved against. It may hold an API key in its query.
    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn body(&self) -> &T {
        &self.body
    }

    pub fn into_body(self) -> T {
        self.body
    }

    /// The same response with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, url: self.url, body: f(self.body) }
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// An error response the API declares for the operation, decoded into the operation's error
/// enum; or, when its body does not match the schema the API declares, kept undecoded (the
/// status and the raw body are still there).
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: ErrorBody<E>,
    pub(super) raw_body: Bytes,
}

/// The body of a declared error, decoded or not.
#[derive(Debug, Clone)]
pub(super) enum ErrorBody<E> {
    Decoded(E),
    /// Why it did not decode (shared: an `ApiError` is `Clone`).
    Undecoded(Arc<dyn std::error::Error + Send + Sync>),
}

impl<E> ApiError<E> {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The declared error, decoded; `None` when the body does not match the schema the API
    /// declares for the status ([`ApiError::decode_error`] says why; [`ApiError::raw_body`] has it).
    pub fn body(&self) -> Option<&E> {
        match &self.body {
            ErrorBody::Decoded(body) => Some(body),
            ErrorBody::Undecoded(_) => None,
        }
    }

    /// The declared error, decoded; `None` when it did not decode.
    pub fn into_body(self) -> Option<E> {
        match self.body {
            ErrorBody::Decoded(body) => Some(body),
            ErrorBody::Undecoded(_) => None,
        }
    }

    /// Whether the body did not match the schema the API declares for the status: the service
    /// differs from its spec.
    pub fn is_undecoded(&self) -> bool {
        matches!(self.body, ErrorBody::Undecoded(_))
    }

    /// Why the body did not decode, when it did not.
    pub fn decode_error(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match &self.body {
            ErrorBody::Decoded(_) => None,
            ErrorBody::Undecoded(error) => Some(&**error),
        }
    }

    /// The body as the server sent it.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }

    /// The body as text, with invalid UTF-8 replaced: what the server said when the API
    /// declares the error without a body schema.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.raw_body)
    }
}

/// A request that was refused before it was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRequest(pub String);

/// The error type of an operation that declares no error responses: no value has it. An error
/// status such an operation gets is [`Error::UnexpectedStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoDeclaredErrors {}

/// Everything that can go wrong in a call. `E` is the operation's enum of declared error responses.
///
/// The messages of [`Error::Api`] and [`Error::UnexpectedStatus`] quote what the server said:
/// the start of its error message ([`Error::server_message`]) and the request id it gave
/// ([`Error::request_id`]), for example `the server answered 404 Not Found, an error the API
/// declares for this operation: "agent `x` not found" (request id req_123)`.
#[derive(Debug, thiserror::Error)]
pub enum Error<E> {
    /// The server answered with an error response the API declares (its body decoded, or kept
    /// undecoded when it does not match the declared schema: see [`ApiError::body`]).
    #[error("the server answered {}, an error the API declares for this operation{}{}", .0.status, Undecoded(.0.decode_error()), ServerSaid::new(&.0.headers, &.0.raw_body))]
    Api(Box<ApiError<E>>),
    /// The server answered with a status the API does not declare for this operation.
    #[error("the server answered {}, which the API does not declare for this operation{}", .0.status, ServerSaid::new(&.0.headers, &.0.body))]
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
    /// No OAuth2 token could be had, so the request was not sent.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The response body was larger than the client accepts; it was not read to the end.
    #[error(
        "the response body ({status}) is larger than the limit of {limit} bytes; raise it with `max_response_bytes`"
    )]
    BodyTooLarge { status: StatusCode, limit: usize },
    /// The request (or reading its response) took longer than the client's timeout.
    #[error("the request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// Connecting, sending or reading failed.
    #[error("the request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// A streamed call ([`Client::send_streaming`](super::Client::send_streaming)) failed on its
    /// own terms: its response head did not come in time, or its body stalled while read
    /// whole; also a stream item's error, converted with `?`.
    #[error(transparent)]
    Stream(#[from] StreamError),
    /// Paging stopped because the pages do not lead anywhere new: the server named, as the next
    /// page, one it had already named (following it would loop for ever).
    #[error("pagination stopped: {0}")]
    Pagination(String),
    /// A retry was due (a retryable status or a failed connection) but not made: its wait would
    /// have passed the call's timeout. `last` is how the final attempt ended.
    #[error(
        "not retried: the wait of {:?} before another attempt would pass the call's timeout of {timeout:?}; the last attempt: {}",
        Duration::from_millis(u64::try_from(.wait.as_millis()).unwrap_or(u64::MAX)),
        LastAttempt(.last)
    )]
    RetryPastDeadline { last: Box<Error<E>>, wait: Duration, timeout: Duration },
}

/// How a body that did not match its schema shows in an error message.
struct Undecoded<'a>(Option<&'a (dyn std::error::Error + Send + Sync + 'static)>);

impl fmt::Display for Undecoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(error) => write!(f, ", with a body that does not match its schema ({error})"),
            None => Ok(()),
        }
    }
}

/// The final attempt's error, as the message of [`Error::RetryPastDeadline`] quotes it.
struct LastAttempt<'a, E>(&'a Error<E>);

impl<E> fmt::Display for LastAttempt<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(error: reqwest::Error) -> Self {
        // The URL may carry an API key in its query; errors never show credentials.
        let error = error.without_url();
        if error.is_timeout() { Error::Timeout(error) } else { Error::Transport(error) }
    }
}

impl<E> Error<E> {
    /// The response status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(r) | Error::Decode { response: r, .. } => Some(r.status),
            Error::Auth(e) => e.status(),
            Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::RetryPastDeadline { last, .. } => last.status(),
            Error::InvalidRequest(_) | Error::Stream(_) | Error::Pagination(_) => None,
        }
    }

    /// The response headers, when there was a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.response_parts().map(|(headers, _)| headers)
    }

    /// The response body as the server sent it, when there was a response.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.response_parts().map(|(_, body)| body)
    }

    /// What the server said went wrong, when there was a response: the start of the message
    /// in its JSON error body (`message`, `detail`, `error`, `error_description` or `title`),
    /// or of the body as text; at most 200 characters.
    pub fn server_message(&self) -> Option<String> {
        self.response_parts().and_then(|(headers, body)| ServerSaid::new(headers, body).message())
    }

    /// The id the server gave the request (`x-request-id`, `request-id`, `x-amzn-requestid`,
    /// `x-amz-request-id`, `x-correlation-id` or `cf-ray`), to quote to its operators.
    pub fn request_id(&self) -> Option<String> {
        self.response_parts().and_then(|(headers, body)| ServerSaid::new(headers, body).request_id())
    }

    fn response_parts(&self) -> Option<(&HeaderMap, &[u8])> {
        match self {
            Error::Api(e) => Some((&e.headers, &e.raw_body)),
            Error::UnexpectedStatus(r) | Error::Decode { response: r, .. } => Some((&r.headers, &r.body)),
            Error::RetryPastDeadline { last, .. } => last.response_parts(),
            Error::Transport(_)
            | Error::Timeout(_)
            | Error::InvalidRequest(_)
            | Error::Auth(_)
            | Error::BodyTooLarge { .. }
            | Error::Stream(_)
            | Error::Pagination(_) => None,
        }
    }

    /// Whether the call ran out of time: an attempt did, or a retry was not made because its
    /// wait would pass the call's timeout ([`Error::RetryPastDeadline`]), or for a streamed call
    /// the wait for its response head or for the next chunk of its body.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::RetryPastDeadline { .. } => true,
            Error::Stream(e) => e.is_timeout(),
            _ => false,
        }
    }

    /// Whether no connection to the server could be made (refused, unreachable, or the connect
    /// timeout ran out): the request never reached the server.
    pub fn is_connect(&self) -> bool {
        match self {
            Error::Transport(e) | Error::Timeout(e) => e.is_connect(),
            Error::RetryPastDeadline { last, .. } => last.is_connect(),
            _ => false,
        }
    }

    /// The declared error, when the server sent one whose body decoded (also when it was the
    /// last answer of a call that ran out of time to retry).
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(e) => e.body(),
            Error::RetryPastDeadline { last, .. } => last.api_error(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn raw(status: u16, headers: &[(&'static str, &str)], body: &str) -> RawResponse {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        let url = Url::parse("http://127.0.0.1/x?api_key=k3y_secret").unwrap();
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: Bytes::copy_from_slice(body.as_bytes()),
            url,
        }
    }

    #[test]
    fn errors_quote_the_message_and_the_request_id_but_no_other_header() {
        let response = raw(
            404,
            &[("x-request-id", "req_123"), ("authorization", "Bearer t0k3n"), ("set-cookie", "s=c00kie")],
            r#"{"message": "agent `x` not found"}"#,
        );
        let Err(error) = response.clone().error::<(), ()>(()) else { unreachable!() };
        assert_eq!(
            error.to_string(),
            "the server answered 404 Not Found, an error the API declares for this operation: \"agent `x` not found\" (request id req_123)"
        );
        assert_eq!(error.server_message().as_deref(), Some("agent `x` not found"));
        assert_eq!(error.request_id().as_deref(), Some("req_123"));
        let unexpected = response.unexpected::<()>();
        let debug = format!("{unexpected:?}");
        let unexpected = unexpected.to_string();
        assert!(unexpected.ends_with("not declare for this operation: \"agent `x` not found\" (request id req_123)"));
        for shown in [error.to_string(), unexpected] {
            assert!(!shown.contains("t0k3n") && !shown.contains("c00kie") && !shown.contains("k3y_secret"), "{shown}");
        }
        // Debug output shows the response headers, but never the URL, which may hold an API key.
        for shown in [format!("{error:?}"), debug] {
            assert!(!shown.contains("k3y_secret"), "{shown}");
        }
        let bare = raw(503, &[("cf-ray", "8f1e-AMS")], "").unexpected::<()>().to_string();
        assert_eq!(
            bare,
            "the server answered 503 Service Unavailable, which the API does not declare for this operation (request id 8f1e-AMS)"
        );
        let Err(amazon) =
            raw(500, &[("x-amzn-requestid", "a-1"), ("x-correlation-id", "c-1")], "oops").error::<(), ()>(())
        else {
            unreachable!()
        };
        assert_eq!(amazon.request_id().as_deref(), Some("a-1"), "the first header of the list wins");
    }

    #[test]
    fn every_error_with_a_status_tells_it() {
        let Err(api) = raw(409, &[], "already revoked").error::<(), ()>(()) else { unreachable!() };
        let Error::Api(inner) = &api else { unreachable!() };
        assert_eq!(inner.status(), StatusCode::CONFLICT);
        assert_eq!(inner.text(), "already revoked", "a declared error without a body schema keeps its text");
        assert_eq!(api.status(), Some(StatusCode::CONFLICT));
        let auth = AuthError { url: "u".into(), problem: "p".into(), status: Some(StatusCode::UNAUTHORIZED) };
        assert_eq!(auth.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(Error::<()>::Auth(auth).status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(Error::<()>::Pagination("x".into()).status(), None);
    }
}
