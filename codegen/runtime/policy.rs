//! What a client does around each request: retries with backoff, and the caller's hooks.

use std::time::{Duration, SystemTime};

use reqwest::Method;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::response::RawResponse;

/// When and how a failed request is sent again.
///
/// A request is retried after a connection error or a 429, 502, 503 or 504 answer, if its
/// method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE, and QUERY where the `http` crate
/// knows it) or `retry_non_idempotent` is set. The wait doubles from `initial_backoff` up to
/// `max_backoff`, with jitter; a `Retry-After` header (seconds or an HTTP date) sets it instead,
/// unless it asks for more than `max_retry_after`, in which case the answer is returned as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
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
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

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

/// Code the caller runs around every request a client sends, for tracing, logging or extra
/// headers, without changing generated code. Both methods do nothing unless overridden.
pub trait Hook: Send + Sync {
    /// Called before each attempt is sent (retries included); may change the request.
    fn on_request(&self, request: &mut reqwest::Request) {
        let _ = request;
    }

    /// Called with each response, before it is decoded.
    fn on_response(&self, response: &RawResponse) {
        let _ = response;
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
