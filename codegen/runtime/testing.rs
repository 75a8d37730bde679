//! Values a call returns, built without a server: for unit tests of code that takes a
//! [`Response`], an [`ApiError`] or an [`Error`](super::Error) (say, a function that retries on a
//! conflict), where a mock server would be more than the test needs.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};

use super::response::{ApiError, ErrorBody, RawResponse, Response};

/// The URL a response built here says answered: one nothing listens on, never one a test could
/// mistake for a vendor's.
fn test_url() -> Url {
    Url::parse("http://127.0.0.1/").expect("a valid URL")
}

impl<T> Response<T> {
    /// A response as a call would return it: `status`, `headers` and the decoded `body` (its
    /// [`url`](Response::url) is `http://127.0.0.1/`).
    pub fn from_parts(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response::new(status, headers, test_url(), body)
    }
}

impl<E> ApiError<E> {
    /// A declared error response: its decoded `body` (a variant of the operation's error enum)
    /// and the `raw_body` it was decoded from, which [`Error`](super::Error)'s message quotes.
    pub fn new(status: StatusCode, headers: HeaderMap, body: E, raw_body: impl Into<Vec<u8>>) -> Self {
        ApiError { status, headers, body: ErrorBody::Decoded(body), raw_body: Bytes::from(raw_body.into()) }
    }

    /// A declared error response whose `raw_body` does not match the schema the API declares
    /// for the status, for the `reason` given: [`ApiError::body`] is `None`, and
    /// [`ApiError::decode_error`] is `reason`.
    pub fn undecoded(
        status: StatusCode,
        headers: HeaderMap,
        raw_body: impl Into<Vec<u8>>,
        reason: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        let reason: Arc<dyn std::error::Error + Send + Sync> = Arc::from(reason.into());
        ApiError { status, headers, body: ErrorBody::Undecoded(reason), raw_body: Bytes::from(raw_body.into()) }
    }
}

impl RawResponse {
    /// A response before decoding, as [`Error::UnexpectedStatus`](super::Error::UnexpectedStatus)
    /// and [`Error::Decode`](super::Error::Decode) hold it.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Vec<u8>>) -> Self {
        RawResponse { status, headers, body: Bytes::from(body.into()), url: test_url() }
    }
}
