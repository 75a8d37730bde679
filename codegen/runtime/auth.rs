//! Credentials: what each security scheme sends, and OAuth2 client-credentials tokens, fetched
//! once, cached until shortly before they expire, and shared by every clone of a client.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue};

use super::said::ServerSaid;

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
#[derive(Debug, Clone)]
pub enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic <base64(user:password)>`.
    Basic { username: String, password: Secret },
    /// An API key in a header, query parameter or cookie named `name`.
    ApiKey { location: ApiKeyLocation, name: &'static str, value: Secret },
    /// OAuth2 client credentials: a bearer token fetched from the token endpoint when needed.
    ClientCredentials(Arc<TokenSource>),
}

/// One security scheme of an API: its place among the API's schemes (the client keeps one
/// credential per place), and its name in the spec, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    pub(super) index: usize,
    pub(super) name: &'static str,
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

/// Why no token could be had from an OAuth2 token endpoint.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the OAuth2 token endpoint {url} {problem}")]
pub struct AuthError {
    /// The token endpoint (never with credentials in it).
    pub url: String,
    /// What went wrong, with the start of the endpoint's answer when there was one.
    pub problem: String,
    /// The endpoint's status, when it answered.
    pub status: Option<StatusCode>,
}

impl AuthError {
    /// The token endpoint's status, when it answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
}

/// The `Authorization` value of client_secret_basic (RFC 6749 section 2.3.1): the client id and
/// secret each form-urlencoded (Appendix B), joined by `:`, in base64. Encoding first keeps a
/// `:` in the id, and any character outside ASCII, decodable by the server.
fn client_secret_basic(client_id: &str, client_secret: &str) -> String {
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(client_id), encode(client_secret));
    format!("Basic {}", BASE64_STANDARD.encode(pair))
}

/// Fetches and caches OAuth2 client-credentials tokens (RFC 6749 section 4.4).
pub struct TokenSource {
    /// As the spec gives it, which may be relative to the server URL, until the client is built
    /// with a source resolved against it ([`TokenSource::resolved`]).
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    /// Held across a fetch, so concurrent callers wait for one fetch instead of starting many.
    cached: tokio::sync::Mutex<Option<CachedToken>>,
    /// Set when the API refused the cached token; the next [`TokenSource::token`] drops it and
    /// fetches another. A flag beside the lock, so that a call that was refused marks it
    /// without waiting for the lock.
    refused: AtomicBool,
}

struct CachedToken {
    value: Secret,
    /// When to stop using it: a little before the server says it expires.
    refresh_at: Option<Instant>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Tokens are renewed this long before the server says they expire, so that one is never sent
/// as it runs out.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

impl TokenSource {
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scopes: Vec<String>,
    ) -> Self {
        TokenSource {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes,
            cached: tokio::sync::Mutex::new(None),
            refused: AtomicBool::new(false),
        }
    }

    /// The same source with its token URL resolved against the server's base URL (RFC 3986),
    /// as OpenAPI says relative URLs are.
    pub(super) fn resolved(&self, base_url: &reqwest::Url) -> Result<TokenSource, String> {
        let url = &self.token_url;
        let absolute = base_url.join(url).map_err(|e| format!("invalid OAuth2 token URL `{url}`: {e}"))?;
        Ok(TokenSource::new(absolute, self.client_id.clone(), self.client_secret.expose(), self.scopes.clone()))
    }

    /// A valid token: the cached one, or a new one from the token endpoint.
    pub async fn token(&self, http: &reqwest::Client) -> Result<Secret, AuthError> {
        let mut cached = self.cached.lock().await;
        if self.refused.swap(false, Ordering::Relaxed) {
            *cached = None;
        }
        if let Some(token) = cached.as_ref()
            && token.refresh_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(token.value.clone());
        }
        let fresh = self.fetch(http).await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// The error of a fetch cut short by the call's timeout.
    pub(crate) fn not_answered_in_time(&self) -> AuthError {
        AuthError {
            url: self.token_url.clone(),
            problem: "did not answer within the call's timeout".into(),
            status: None,
        }
    }

    /// Forgets the cached token, after the API refused it.
    pub async fn invalidate(&self) {
        self.refuse();
    }

    /// Marks the cached token refused: the next [`TokenSource::token`] fetches another.
    pub(crate) fn refuse(&self) {
        self.refused.store(true, Ordering::Relaxed);
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, AuthError> {
        let url = &self.token_url;
        let fail = |problem: String, status: Option<StatusCode>| AuthError { url: url.clone(), problem, status };
        // Finished before any `.await`: the serializer is not `Send`, and the futures are.
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if !self.scopes.is_empty() {
                form.append_pair("scope", &self.scopes.join(" "));
            }
            form.finish()
        };
        // RFC 6749 section 2.3.1: client_secret_basic, which every server must accept.
        let mut authorization =
            HeaderValue::from_str(&client_secret_basic(&self.client_id, self.client_secret.expose())).map_err(
                |_| fail("cannot be sent these client credentials (a character a header cannot carry)".into(), None),
            )?;
        authorization.set_sensitive(true);
        let mut response = http
            .post(url)
            .header(AUTHORIZATION, authorization)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .map_err(|e| fail(format!("could not be reached: {}", e.without_url()), None))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response
            .bytes()
            .await
            .map_err(|e| fail(format!("answer could not be read: {}", e.without_url()), Some(status)))?;
        if !status.is_success() {
            let said = ServerSaid::new(&headers, &body);
            return Err(fail(format!("refused the client credentials with {status}{said}"), Some(status)));
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: Option<u64>,
        }
        let token: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| fail(format!("answered {status} without a usable token ({e})"), Some(status)))?;
        let refresh_at = token.expires_in.map(|seconds| {
            let lifetime = Duration::from_secs(seconds);
            Instant::now() + lifetime.saturating_sub(EXPIRY_MARGIN.min(lifetime / 2))
        });
        Ok(CachedToken { value: Secret::new(token.access_token), refresh_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undoes application/x-www-form-urlencoded, as a compliant server does.
    fn form_decode(text: &str) -> String {
        form_urlencoded::parse(format!("v={text}").as_bytes()).next().map(|(_, value)| value.into_owned()).unwrap()
    }

    #[test]
    fn client_secret_basic_form_encodes_id_and_secret() {
        let id = "client:id with space";
        let secret = "s3+cr%t&x y:z/é";
        let header = client_secret_basic(id, secret);
        let encoded = header.strip_prefix("Basic ").unwrap();
        let pair = String::from_utf8(BASE64_STANDARD.decode(encoded).unwrap()).unwrap();
        let (sent_id, sent_secret) = pair.split_once(':').unwrap();
        assert_eq!(sent_id, "client%3Aid+with+space");
        assert_eq!((form_decode(sent_id).as_str(), form_decode(sent_secret).as_str()), (id, secret));
        assert_eq!(client_secret_basic("ada", "s3cret"), "Basic YWRhOnMzY3JldA==", "plain values are unchanged");
    }
}
