//! Spans and events for the crate's `tracing` feature, after OpenTelemetry's conventions for
//! HTTP clients: a span per call, an event per attempt and per retry, a span per paging walk and
//! per streamed body. None of them records a URL, a header or a query value (any may carry a
//! credential): the route template stands for the URL, and the server's host for where it went.

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use tracing::field::Empty;
use tracing::{Span, debug, info, info_span};

use super::policy::Outcome;
use super::request::Operation;
use super::response::Error;

/// The span of one call: named `http.client` with `otel.name` the operation's id (the name an
/// OpenTelemetry exporter gives the span), its status and error type recorded when it ends.
pub(super) fn call_span(operation: &Operation, method: &Method, base: &Url) -> Span {
    info_span!(
        "http.client",
        otel.name = operation.id,
        otel.kind = "client",
        operation.id = operation.id,
        http.request.method = method.as_str(),
        url.template = operation.route,
        server.address = base.host_str().unwrap_or_default(),
        server.port = base.port_or_known_default(),
        http.request.resend_count = Empty,
        http.response.status_code = Empty,
        error.type = Empty,
    )
}

/// Whether an attempt's event ([`attempt_ended`]) may be recorded at all: the durations it
/// reports are read from the clock only then.
pub(super) fn attempts_traced() -> bool {
    tracing::level_enabled!(tracing::Level::DEBUG)
}

/// How one attempt ended, as an event in the call's span.
pub(super) fn attempt_ended(number: u32, took: Duration, outcome: Result<StatusCode, Outcome<'_>>) {
    let took_ms = millis(took);
    match outcome {
        Ok(status) => {
            debug!(attempt = number, took_ms, http.response.status_code = status.as_u16(), "attempt answered")
        }
        Err(outcome) => debug!(attempt = number, took_ms, error.type = outcome_type(&outcome), "attempt failed"),
    }
}

/// A retry about to be made, after `wait`.
pub(super) fn retrying(number: u32, wait: Duration) {
    info!(attempt = number, wait_ms = millis(wait), "retrying");
}

/// A retry that was due but not made: its wait would pass the call's timeout.
pub(super) fn retry_past_deadline(number: u32, wait: Duration, timeout: Duration) {
    info!(
        attempt = number,
        wait_ms = millis(wait),
        timeout_ms = millis(timeout),
        "not retried: past the call's timeout"
    );
}

/// Records how the call ended on its span: the last status, and the error's type when it failed
/// (`error`: see [`error_type`]; for an error status, the status, as OpenTelemetry says).
pub(super) fn call_ended(span: &Span, attempts: u32, status: Option<StatusCode>, error: Option<&'static str>) {
    if attempts > 1 {
        span.record("http.request.resend_count", attempts - 1);
    }
    if let Some(status) = status {
        span.record("http.response.status_code", status.as_u16());
    }
    match (error, status) {
        (Some(error), _) => {
            span.record("error.type", error);
        }
        (None, Some(status)) if status.is_client_error() || status.is_server_error() => {
            span.record("error.type", status.as_str());
        }
        _ => {}
    }
}

/// The span of a walk through pages: each page's call is its child.
pub(super) fn pages_span() -> Span {
    info_span!("http.client.pages", pages = Empty)
}

/// The span of a streamed body, entered while it is read: a child of its call's span.
pub(super) fn stream_span() -> Span {
    info_span!("http.client.stream", bytes = Empty, error.type = Empty)
}

/// A streamed body ended: at its end, or with an error.
pub(super) fn stream_ended(span: &Span, bytes: u64, error: Option<&'static str>) {
    span.record("bytes", bytes);
    if let Some(error) = error {
        span.record("error.type", error);
    }
    debug!(parent: span, bytes, "stream ended");
}

/// A short, stable name of an error's kind, for `error.type`; `None` for an error status, which
/// [`call_ended`] records as the status itself.
pub(super) fn error_type<E>(error: &Error<E>) -> Option<&'static str> {
    Some(match error {
        Error::Api(_) | Error::UnexpectedStatus(_) => return None,
        Error::Decode { .. } => "decode",
        Error::InvalidRequest(_) => "invalid_request",
        Error::Auth(_) => "auth",
        Error::BodyTooLarge { .. } => "body_too_large",
        Error::Timeout(_) => "timeout",
        Error::Transport(e) if e.is_connect() => "connect",
        Error::Transport(_) => "transport",
        Error::Stream(e) if e.is_timeout() => "timeout",
        Error::Stream(_) => "stream",
        Error::Pagination(_) => "pagination",
        Error::RetryPastDeadline { .. } => "retry_past_deadline",
    })
}

fn outcome_type(outcome: &Outcome<'_>) -> &'static str {
    match outcome {
        Outcome::Response(_) => "status",
        Outcome::TimedOut => "timeout",
        Outcome::Transport(e) if e.is_connect() => "connect",
        Outcome::Transport(_) => "transport",
        Outcome::BodyTooLarge { .. } => "body_too_large",
        Outcome::Stream(_) => "stream",
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
