//! A request as a generated operation builds it: path, query, headers, body and credentials.

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use super::auth::{ApiKeyLocation, Credential, Scheme, Secret};
use super::deviation::{Deviation, DeviationKind};
use super::encode::{Multipart, QueryStyle, header_name, scalar_text, scalar_texts, value_texts};
use super::form::{FieldStyle, form_pairs};
use super::response::InvalidRequest;

/// The identity of a generated operation, given to every request it makes: what hooks and
/// traces name a call by. Generated code writes one per operation; callers read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Operation {
    /// The operation's `operationId` in the spec (or, without one, the name the generator gave it).
    pub id: &'static str,
    /// The route template, as the spec writes the path: `/v1/agents/{agent_id}`. It holds no
    /// parameter value, so it is safe to record (OpenTelemetry's `url.template`).
    pub route: &'static str,
    /// The operation's JSON pointer in the spec (`/paths/~1agents/get`): where deviation
    /// records ([`Deviation`](super::Deviation)) point. Empty for a request made by hand.
    pub pointer: &'static str,
    /// The responses the operation declares, as its spec writes them. Empty for a request made
    /// by hand.
    pub responses: &'static [DeclaredResponse],
}

/// A response an operation declares: its key in the spec's `responses` and its media types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DeclaredResponse {
    /// The key as the spec writes it: `200`, `4XX` or `default`. Deviation records about a
    /// response point at it.
    pub key: &'static str,
    /// The media types of its `content` (`application/json`, `image/*`); empty when it declares
    /// no body.
    pub media_types: &'static [&'static str],
}

impl DeclaredResponse {
    /// The response under `key` in the spec, with the media types of its `content`.
    pub const fn new(key: &'static str, media_types: &'static [&'static str]) -> DeclaredResponse {
        DeclaredResponse { key, media_types }
    }

    /// Whether the response declares `media_type` (given without parameters, in lower case),
    /// itself or by a range (`image/*`, `*/*`).
    pub fn declares_media_type(&self, media_type: &str) -> bool {
        let (kind, _) = media_type.split_once('/').unwrap_or((media_type, ""));
        self.media_types.iter().any(|declared| {
            let declared = declared.split(';').next().unwrap_or_default().trim();
            declared.eq_ignore_ascii_case(media_type)
                || declared == "*/*"
                || declared.strip_suffix("/*").is_some_and(|range| range.eq_ignore_ascii_case(kind))
        })
    }
}

impl Operation {
    /// An operation's identity, for a request made by hand ([`Client::request`](super::Client::request)):
    /// `const LIST: Operation = Operation::new("listItems", "/items");`, passed as `&LIST`.
    pub const fn new(id: &'static str, route: &'static str) -> Operation {
        Operation { id, route, pointer: "", responses: &[] }
    }

    /// The response the operation declares for `status`, as OpenAPI matches them: the status
    /// itself, else its range (`4XX`), else `default`.
    pub fn response_for(&self, status: u16) -> Option<&'static DeclaredResponse> {
        let code = status.to_string();
        let range = [code.as_bytes()[0], b'X', b'X'];
        let responses = self.responses;
        responses
            .iter()
            .find(|r| r.key == code)
            .or_else(|| responses.iter().find(|r| r.key.as_bytes().eq_ignore_ascii_case(&range)))
            .or_else(|| responses.iter().find(|r| r.key == "default"))
    }

    /// The record of a declared status whose body does not match its schema: it points at the
    /// response as the spec keys it (`404`, `4XX`, `default`).
    pub(super) fn mismatched_body(&self, api: &str, status: u16, reason: String) -> Deviation {
        let key = self.response_for(status).map_or_else(|| status.to_string(), |declared| declared.key.to_string());
        let pointer = format!("{}/responses/{key}", self.pointer);
        Deviation::new(api, self.id, Some(status), DeviationKind::MismatchedBody { reason }, &pointer)
    }

    /// The record of a response whose `Content-Type` the response it answers as does not
    /// declare, when that response declares media types at all.
    pub(super) fn undeclared_media_type(&self, api: &str, status: u16, headers: &HeaderMap) -> Option<Deviation> {
        let declared = self.response_for(status).filter(|declared| !declared.media_types.is_empty())?;
        let media_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence.is_empty() || declared.declares_media_type(&essence) {
            return None;
        }
        let pointer = format!("{}/responses/{}/content", self.pointer, declared.key);
        let kind = DeviationKind::UndeclaredMediaType { media_type: essence };
        Some(Deviation::new(api, self.id, Some(status), kind, &pointer))
    }
}

/// A request being built by a generated operation.
#[derive(Debug)]
pub struct Request {
    pub(super) inner: reqwest::Request,
    /// The operation that made it.
    pub(super) operation: &'static Operation,
    pub(super) cookies: Vec<String>,
    /// The schemes of the security alternative chosen for this request.
    pub(super) schemes: &'static [Scheme],
    /// Whether a redirect is followed (the default) or is the answer.
    pub(super) follow_redirects: bool,
    /// The first input that could not be put on the request: the request is not sent, and the
    /// call fails with it ([`Request::checked`]). As reqwest's `RequestBuilder` keeps its error,
    /// so that each input is one statement and the operation checks once.
    pub(super) invalid: Option<InvalidRequest>,
}

impl Request {
    /// The request, or the first of its inputs that could not be put on it.
    pub fn checked(mut self) -> Result<Request, InvalidRequest> {
        match self.invalid.take() {
            Some(invalid) => Err(invalid),
            None => Ok(self),
        }
    }

    /// Keeps the first error of an input that could not be put on the request.
    fn keep_error(&mut self, put: Result<(), InvalidRequest>) {
        if let Err(invalid) = put
            && self.invalid.is_none()
        {
            self.invalid = Some(invalid);
        }
    }

    /// Leaves a redirect to the caller: for operations that declare one as their answer.
    pub fn keep_redirects(&mut self) {
        self.follow_redirects = false;
    }

    /// Adds a query parameter in OpenAPI's default style (`form`, exploded): a scalar as
    /// `name=value`, a list as `name=a&name=b`, an object as one pair per property, `None` as
    /// nothing.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.query_styled(name, value, QueryStyle::Exploded);
    }

    /// Adds a query parameter in the given style.
    pub fn query_styled<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) {
        let put = self.put_query(name, value, style);
        self.keep_error(put);
    }

    fn put_query<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), InvalidRequest> {
        use serde_json::Value;
        // A scalar is `name=text` in every style.
        if let Some(text) = scalar_text(value) {
            self.inner.url_mut().query_pairs_mut().append_pair(name, &text);
            return Ok(());
        }
        let value = serde_json::to_value(value)
            .map_err(|e| InvalidRequest(format!("parameter `{name}` cannot be encoded: {e}")))?;
        let mut pairs: Vec<(String, String)> = Vec::new();
        match (value, style) {
            (Value::Object(fields), QueryStyle::DeepObject) => {
                for (key, field) in fields {
                    for text in value_texts(name, field)? {
                        pairs.push((format!("{name}[{key}]"), text));
                    }
                }
            }
            (Value::Object(fields), QueryStyle::Exploded) => {
                for (key, field) in fields {
                    for text in value_texts(name, field)? {
                        pairs.push((key.clone(), text));
                    }
                }
            }
            (Value::Object(fields), QueryStyle::Delimited(delimiter)) => {
                let mut parts = Vec::new();
                for (key, field) in fields {
                    let texts = value_texts(name, field)?;
                    if !texts.is_empty() {
                        parts.push(format!("{key}{delimiter}{}", texts.join(delimiter)));
                    }
                }
                if !parts.is_empty() {
                    pairs.push((name.to_string(), parts.join(delimiter)));
                }
            }
            (value, QueryStyle::Delimited(delimiter)) => {
                let texts = value_texts(name, value)?;
                if !texts.is_empty() {
                    pairs.push((name.to_string(), texts.join(delimiter)));
                }
            }
            (value, _) => pairs.extend(value_texts(name, value)?.into_iter().map(|text| (name.to_string(), text))),
        }
        // Opened only for pairs to add: opening it gives a URL without a query a bare `?`.
        if !pairs.is_empty() {
            let mut url = self.inner.url_mut().query_pairs_mut();
            for (key, text) in pairs {
                url.append_pair(&key, &text);
            }
        }
        Ok(())
    }

    /// Sets a header; `None` sets nothing, a list is sent comma-separated.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        let put = self.put_header(name, value);
        self.keep_error(put);
    }

    fn put_header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), InvalidRequest> {
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
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        let put = serde_json::to_vec(body)
            .map_err(|e| InvalidRequest(format!("the body cannot be encoded as JSON: {e}")))
            .and_then(|bytes| self.set_body("application/json", bytes));
        self.keep_error(put);
    }

    /// Sets an `application/x-www-form-urlencoded` body from the fields of `body`, each in the
    /// style `styles` gives it (by its shape otherwise; see `form`), `None` fields left out.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T, styles: &[(&str, FieldStyle)]) {
        let put = self.put_form(body, styles);
        self.keep_error(put);
    }

    fn put_form<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        styles: &[(&str, FieldStyle)],
    ) -> Result<(), InvalidRequest> {
        let value =
            serde_json::to_value(body).map_err(|e| InvalidRequest(format!("the body cannot be encoded: {e}")))?;
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (name, value) in form_pairs(value, styles)? {
            form.append_pair(&name, &value);
        }
        self.set_body("application/x-www-form-urlencoded", form.finish().into_bytes())
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) {
        let media_type = format!("multipart/form-data; boundary={}", form.boundary);
        let put = self.set_body(&media_type, form.finish());
        self.keep_error(put);
    }

    /// Sets a body sent as it is (binary or text) with the given media type.
    pub fn raw<B: AsRef<[u8]> + ?Sized>(&mut self, media_type: &str, body: &B) {
        let put = self.set_body(media_type, body.as_ref().to_vec());
        self.keep_error(put);
    }

    fn set_body(&mut self, media_type: &str, bytes: Vec<u8>) -> Result<(), InvalidRequest> {
        let content_type = HeaderValue::from_str(media_type)
            .map_err(|_| InvalidRequest(format!("`{media_type}` is not a valid media type")))?;
        self.inner.headers_mut().insert(reqwest::header::CONTENT_TYPE, content_type);
        *self.inner.body_mut() = Some(bytes.into());
        Ok(())
    }

    /// Puts a credential on the request. A header the client made when the credential was set
    /// (`prepared`) goes on when the request is sent, with the client's other headers
    /// (`Client::put_call_headers`), so that the headers the request holds until then are
    /// the operation's own. A header credential without one is one a header cannot carry: its
    /// error is the request's. Client-credentials tokens are fetched when the request is sent,
    /// and put on it then.
    pub(super) fn authorize(
        &mut self,
        credential: &Credential,
        prepared: Option<&(HeaderName, HeaderValue)>,
    ) -> Result<(), InvalidRequest> {
        if prepared.is_some() {
            return Ok(());
        }
        if let Some(Err(invalid)) = credential_header(credential) {
            return Err(invalid);
        }
        match credential {
            Credential::ApiKey { location: ApiKeyLocation::Query, name, value } => {
                self.inner.url_mut().query_pairs_mut().append_pair(name, value.expose());
            }
            Credential::ApiKey { location: ApiKeyLocation::Cookie, name, value } => {
                self.cookies.push(format!("{name}={}", value.expose()));
            }
            // Put on when the request is sent (a header, a client-credentials token).
            _ => {}
        }
        Ok(())
    }

    /// Whether the request is its method and URL alone: no body, and no headers or cookies of
    /// its own (parameters, a credential sent as a cookie). A retry of such a request is made
    /// again from its method and URL, with the call's headers; another's is copied.
    pub(super) fn is_method_and_url_only(&self) -> bool {
        self.inner.body().is_none() && self.inner.headers().is_empty() && self.cookies.is_empty()
    }

    pub(super) fn finish(mut self) -> reqwest::Request {
        if !self.cookies.is_empty()
            && let Ok(mut value) = HeaderValue::from_str(&self.cookies.join("; "))
        {
            value.set_sensitive(true);
            self.inner.headers_mut().insert(COOKIE, value);
        }
        self.inner
    }
}

/// The header a credential puts on every request it authorises (a bearer token, basic
/// credentials, an API key sent as a header); `None` for one that is not a header of its own.
/// The client makes it once, when the credential is set: it is the same for every request.
pub(super) fn credential_header(credential: &Credential) -> Option<Result<(HeaderName, HeaderValue), InvalidRequest>> {
    let invalid = || InvalidRequest("a credential has a character a header cannot carry".into());
    let sensitive = |mut value: HeaderValue| {
        value.set_sensitive(true);
        value
    };
    Some(match credential {
        Credential::Bearer(token) => bearer_value(token).map(|value| (AUTHORIZATION, value)),
        Credential::Basic { username, password } => {
            let pair = format!("{username}:{}", password.expose());
            HeaderValue::from_str(&format!("Basic {}", BASE64_STANDARD.encode(pair)))
                .map(|value| (AUTHORIZATION, sensitive(value)))
                .map_err(|_| invalid())
        }
        Credential::ApiKey { location: ApiKeyLocation::Header, name, value } => HeaderValue::from_str(value.expose())
            .map_err(|_| invalid())
            .and_then(|value| Ok((header_name(name)?, sensitive(value)))),
        _ => return None,
    })
}

/// `Authorization: Bearer <token>`, marked sensitive.
pub(super) fn bearer_value(token: &Secret) -> Result<HeaderValue, InvalidRequest> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| InvalidRequest("a token has a character a header cannot carry".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{ClientBuilder, Method, TokenSource};

    fn request() -> Request {
        let client = ClientBuilder::new("http://127.0.0.1:9").build().unwrap();
        const OPERATION: Operation = Operation::new("x", "/x");
        client.request(&OPERATION, Method::POST, "/x", &[]).unwrap()
    }

    #[test]
    fn form_bodies_repeat_lists_and_skip_nulls() {
        let mut request = request();
        let body = serde_json::json!({"To": "+1 555", "MediaUrl": ["a", "b"], "Skip": null, "N": 2});
        request.form(&body, &[]);
        let request = request.checked().unwrap().finish();
        assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
        let sent = std::str::from_utf8(request.body().and_then(|b| b.as_bytes()).unwrap()).unwrap();
        // Field order follows serde_json's map order; the pairs are what matters.
        let mut pairs: Vec<&str> = sent.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(pairs, ["MediaUrl=a", "MediaUrl=b", "N=2", "To=%2B1+555"]);
    }

    fn query_of(value: serde_json::Value, style: QueryStyle) -> String {
        let mut request = request();
        request.query_styled("p", &value, style);
        request.checked().unwrap().finish().url().query().unwrap_or_default().to_string()
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
        // A scalar is `p=text` in every style.
        for style in [QueryStyle::Exploded, QueryStyle::Delimited("|"), QueryStyle::DeepObject] {
            assert_eq!(query_of(json!(7), style), "p=7");
            assert_eq!(query_of(json!(true), style), "p=true");
            assert_eq!(query_of(json!(1.5), style), "p=1.5");
        }
    }

    #[test]
    fn absent_query_parameters_leave_no_question_mark() {
        let mut request = request();
        request.query("limit", &None::<u32>);
        request.query_styled("ids", &Vec::<u32>::new(), QueryStyle::Delimited(","));
        assert_eq!(request.checked().unwrap().finish().url().as_str(), "http://127.0.0.1:9/x");
    }

    #[test]
    fn header_values_with_line_breaks_are_refused() {
        let mut refused = request();
        refused.header("x-note", "a\r\nInjected: yes");
        // The first error is kept: an input put on after it does not clear it.
        refused.header("x-other", "fine");
        let error = refused.checked().unwrap_err();
        assert!(error.0.contains("`x-note`"), "{error}");
        let mut fine = request();
        fine.header("x-note", "fine");
        assert_eq!(fine.checked().unwrap().finish().headers()["x-note"], "fine");
    }

    #[test]
    fn secrets_do_not_print() {
        let credential = Credential::Bearer(Secret::new("cog_secret"));
        assert!(!format!("{credential:?}").contains("cog_secret"));
        let source = TokenSource::new("/oauth/token", "id", "client_secret_value", vec![]);
        assert!(!format!("{source:?}").contains("client_secret_value"));
    }
}
