//! What a client does around each request: retries with backoff, and the caller's hooks.

use std::time::{Duration, SystemTime};

use reqwest::Method;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::event::StreamError;
use super::request::Operation;
use super::response::RawResponse;

/// When and how a failed request is sent again.
///
/// A request is retried after a connection error or a 429, 502, 503 or 504 answer, if its
/// method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE, and QUERY where the `http` crate
/// knows it) or `retry_non_idempotent` is set. The wait doubles from `initial_backoff` up to
/// `max_backoff`, with jitter; a `Retry-After` header (seconds or an HTTP date) sets it instead,
/// unless it asks for more than `max_retry_after`, in which case the answer is returned as it is.
///
/// With an attempt timeout set ([`ClientBuilder::attempt_timeout`](super::ClientBuilder::attempt_timeout)),
/// an attempt that runs out of it is retried too. Whatever the policy, no retry is made whose
/// wait would pass the call's timeout: the call ends with [`Error::RetryPastDeadline`](super::Error::RetryPastDeadline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` wait accepted (20 s by default): a server asking for more is
    /// answered with its own response, at once.
    pub max_retry_after: Duration,
    /// Also retry POST and PATCH, which may not be safe to send twice.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            // Long enough for the windows of common rate limiters (1-10 s), short enough that two
            // such waits and their attempts fit in the default 60 s call timeout; a caller who
            // would rather wait longer says so, and the call's timeout still bounds it.
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            retry_non_idempotent: false,
        }
    }
}

/// The longest `Retry-After` wait a [`RetryPolicy`] accepts unless told otherwise.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(20);

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    pub(super) fn allows(&self, method: &Method) -> bool {
        self.retry_non_idempotent || method.is_idempotent()
    }

    /// How long to wait before retry number `retry` (0 for the first), or `None` when the server
    /// asks for a longer wait than the policy accepts.
    pub(super) fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        if let Some(asked) = headers.and_then(retry_after) {
            return (asked <= self.max_retry_after).then_some(asked);
        }
        let doubled = self.initial_backoff.saturating_mul(2u32.saturating_pow(retry)).min(self.max_backoff);
        // Equal jitter: half the wait is fixed, half random, so clients that failed together do
        // not all come back at the same instant.
        let half = doubled / 2;
        Some(half + half.mul_f64(fastrand::f64()))
    }
}

/// Statuses worth another try: the server is overloaded or a gateway could not reach it.
pub(super) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Where a call stands when a [`Hook`] is called: which operation, which attempt, and how long
/// the call (and the attempt) has taken so far.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    pub(super) operation: &'static Operation,
    pub(super) number: u32,
    pub(super) elapsed: Duration,
    pub(super) attempt_elapsed: Duration,
}

impl Attempt {
    /// The operation called: its id in the spec and its route template.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The time since the call started (including any OAuth2 token fetch and earlier attempts
    /// and waits).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The time this attempt took; zero before it is sent.
    pub fn attempt_elapsed(&self) -> Duration {
        self.attempt_elapsed
    }
}

/// How one attempt ended, as a [`Hook`] is told.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// The server answered (for a streamed call: the head, with an empty body).
    Response(&'a RawResponse),
    /// The attempt ran out of time: its own timeout, or what was left of the call's.
    TimedOut,
    /// Connecting, sending or reading failed.
    Transport(&'a reqwest::Error),
    /// The response body was larger than the client accepts.
    BodyTooLarge { status: reqwest::StatusCode, limit: usize },
    /// A streamed call failed on its own terms.
    Stream(&'a StreamError),
}

/// Code the caller runs around every request a client sends, for metrics, logging or extra
/// headers, without changing generated code. Every method does nothing unless overridden.
///
/// The context-free `on_request` and `on_response` are what `before_attempt` and `after_attempt`
/// call by default, so a hook written against them keeps working.
pub trait Hook: Send + Sync {
    /// Called before each attempt is sent (retries included); may change the request.
    fn on_request(&self, request: &mut reqwest::Request) {
        let _ = request;
    }

    /// Called with each response, before it is decoded.
    fn on_response(&self, response: &RawResponse) {
        let _ = response;
    }

    /// Called before each attempt is sent, with the operation and attempt number; may change the
    /// request. By default it calls [`Hook::on_request`].
    fn before_attempt(&self, attempt: &Attempt, request: &mut reqwest::Request) {
        let _ = attempt;
        self.on_request(request);
    }

    /// Called after each attempt however it ended: a response, a timeout, a transport error. By
    /// default it calls [`Hook::on_response`] for a response.
    fn after_attempt(&self, attempt: &Attempt, outcome: Outcome<'_>) {
        let _ = attempt;
        if let Outcome::Response(response) = outcome {
            self.on_response(response);
        }
    }

    /// Called when the attempt just ended is to be retried, with the wait before the retry.
    fn on_retry(&self, attempt: &Attempt, wait: Duration) {
        let _ = (attempt, wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_a_date_and_respects_the_ceiling() {
        let policy = RetryPolicy::default();
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(policy.delay(0, Some(&headers)), Some(Duration::from_secs(3)));
        let in_ten = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        headers.insert(RETRY_AFTER, in_ten.parse().unwrap());
        let waited = policy.delay(0, Some(&headers)).unwrap();
        assert!(waited > Duration::from_secs(8) && waited <= Duration::from_secs(10), "{waited:?}");
        headers.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert_eq!(policy.delay(0, Some(&headers)), None, "an hour is more than the policy waits");
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 0..8 {
            let full = (policy.initial_backoff * 2u32.pow(retry)).min(policy.max_backoff);
            let waited = policy.delay(retry, None).unwrap();
            assert!(waited >= full / 2 && waited <= full, "retry {retry}: {waited:?} outside {full:?}/2..={full:?}");
        }
    }

    #[test]
    fn only_idempotent_methods_are_retried_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&Method::GET) && policy.allows(&Method::DELETE) && policy.allows(&Method::PUT));
        assert!(policy.allows(&Method::HEAD) && policy.allows(&Method::OPTIONS) && policy.allows(&Method::TRACE));
        assert!(!policy.allows(&Method::POST) && !policy.allows(&Method::PATCH));
        let opted_in = RetryPolicy { retry_non_idempotent: true, ..policy };
        assert!(opted_in.allows(&Method::POST));
    }
}
