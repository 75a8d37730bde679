//! Responses as read off the wire, decoded successes, and every error a call can end in.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::auth::AuthError;

/// A response read in full, before it is decoded.
#[derive(Clone)]
pub struct RawResponse {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
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
        let RawResponse { status, headers, body } = self;
        match String::from_utf8(body) {
            Ok(body) => Ok(Response { status, headers, body }),
            Err(e) => {
                let source = Box::new(e.utf8_error());
                Err(Error::Decode { source, response: Box::new(RawResponse { status, headers, body: e.into_bytes() }) })
            }
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
            Error::Auth(e) => e.status,
            Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::InvalidRequest(_) => None,
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

    fn response_parts(&self) -> Option<(&HeaderMap, &[u8])> {
        match self {
            Error::Api(e) => Some((&e.headers, &e.raw_body)),
            Error::UnexpectedStatus(r) | Error::Decode { response: r, .. } => Some((&r.headers, &r.body)),
            Error::Transport(_)
            | Error::Timeout(_)
            | Error::InvalidRequest(_)
            | Error::Auth(_)
            | Error::BodyTooLarge { .. } => None,
        }
    }

    /// Whether the request ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
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
pub(super) fn excerpt(body: &[u8]) -> String {
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
