//! What a server said about an error, as error messages quote it: the start of its message and
//! the request id it gave, bounded, and never another header (a leaf of the runtime's modules).

use std::fmt;

use reqwest::header::HeaderMap;

/// The most characters of a server's message an error quotes.
const MESSAGE_LIMIT: usize = 200;

/// Bodies larger than this are not parsed as JSON for an error message (a `Display` may run
/// more than once); their start is quoted as text.
const JSON_MESSAGE_LIMIT: usize = 64 * 1024;

/// The headers a request id is read from, in this order. Only these are read, so no credential
/// can reach an error message through a header.
const REQUEST_ID_HEADERS: &[&str] =
    &["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-correlation-id", "cf-ray"];

/// What the server said about an error, as an error message quotes it: `: "<message>"
/// (request id <id>)`, either part left out when the response has none.
///
/// The message is, from a JSON object body, the first of `message`; `detail` (a string, or
/// FastAPI's list of `{loc, msg}`: the first); `error` (a string, with `error_description` when
/// there is one, as OAuth2 writes them, or an object with `message`); `error_description`;
/// `title`. Otherwise it is the body as text. Whitespace is collapsed and the message cut at
/// 200 characters.
#[derive(Debug, Clone, Copy)]
pub(super) struct ServerSaid<'a> {
    headers: &'a HeaderMap,
    body: &'a [u8],
}

impl<'a> ServerSaid<'a> {
    pub(super) fn new(headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        ServerSaid { headers, body }
    }

    /// The server's message, bounded, when the body holds one.
    pub(super) fn message(&self) -> Option<String> {
        json_message(self.body).or_else(|| {
            let text = excerpt(self.body);
            (!text.is_empty()).then_some(text)
        })
    }

    /// The request id, from the first header of `REQUEST_ID_HEADERS` the response carries.
    pub(super) fn request_id(&self) -> Option<String> {
        REQUEST_ID_HEADERS.iter().find_map(|name| {
            let value = self.headers.get(*name)?.to_str().ok()?.trim();
            (!value.is_empty()).then(|| bounded(value, 100))
        })
    }
}

impl fmt::Display for ServerSaid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(message) = self.message() {
            write!(f, ": \"{message}\"")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// The message of a JSON error body, in the order [`ServerSaid`] gives.
fn json_message(body: &[u8]) -> Option<String> {
    use serde_json::Value;
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' || body.len() > JSON_MESSAGE_LIMIT {
        return None;
    }
    let Value::Object(fields) = serde_json::from_slice::<Value>(body).ok()? else { return None };
    let text = |key: &str| fields.get(key).and_then(Value::as_str).filter(|text| !text.trim().is_empty());
    let detail = || match fields.get("detail")? {
        Value::String(text) => Some(text.clone()),
        Value::Array(items) => {
            let first = items.first()?;
            let message = first.get("msg")?.as_str()?;
            let at: Vec<String> = first
                .get("loc")
                .and_then(Value::as_array)
                .map(|loc| {
                    loc.iter().map(|part| part.as_str().map_or_else(|| part.to_string(), str::to_string)).collect()
                })
                .unwrap_or_default();
            Some(if at.is_empty() { message.to_string() } else { format!("{}: {message}", at.join(".")) })
        }
        _ => None,
    };
    let error = || match fields.get("error")? {
        Value::String(code) => Some(match text("error_description") {
            Some(description) => format!("{code}: {description}"),
            None => code.clone(),
        }),
        Value::Object(inner) => inner.get("message")?.as_str().map(str::to_string),
        _ => None,
    };
    let message = text("message")
        .map(str::to_string)
        .or_else(detail)
        .or_else(error)
        .or_else(|| text("error_description").map(str::to_string))
        .or_else(|| text("title").map(str::to_string))?;
    Some(bounded(&message, MESSAGE_LIMIT))
}

/// `text` with its whitespace collapsed, cut at `limit` characters (`...` marks the cut).
fn bounded(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        let separator = (!out.is_empty()).then_some(' ');
        for c in separator.into_iter().chain(word.chars()) {
            if count == limit {
                out.push_str("...");
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

/// The start of a body as text, for error messages: whitespace collapsed, at most 200
/// characters; empty for an empty body.
pub(super) fn excerpt(body: &[u8]) -> String {
    // Enough of the body for the excerpt (even after collapsing indentation), however long it is.
    let start = &body[..body.len().min(16 * 1024)];
    let text = String::from_utf8_lossy(start);
    let mut text = bounded(&text, MESSAGE_LIMIT);
    if start.len() < body.len() && !text.ends_with("...") {
        text.push_str("...");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> Option<String> {
        ServerSaid::new(&HeaderMap::new(), body.as_bytes()).message()
    }

    #[test]
    fn the_message_comes_from_the_first_field_that_has_one() {
        let cases = [
            (r#"{"message": "agent `x` not found", "detail": "no"}"#, "agent `x` not found"),
            (r#"{"detail": "Not authenticated"}"#, "Not authenticated"),
            (
                r#"{"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "missing"}, {"msg": "b"}]}"#,
                "body.name: field required",
            ),
            (r#"{"detail": [{"loc": ["query", 0], "msg": "bad"}]}"#, "query.0: bad"),
            (
                r#"{"error": "invalid_client", "error_description": "Client authentication failed"}"#,
                "invalid_client: Client authentication failed",
            ),
            (r#"{"error": {"message": "Rate limit reached", "type": "requests"}}"#, "Rate limit reached"),
            (r#"{"error_description": "expired"}"#, "expired"),
            (r#"{"type": "about:blank", "title": "Forbidden", "status": 403}"#, "Forbidden"),
            (r#"{"message": "   ", "title": "blank messages are skipped"}"#, "blank messages are skipped"),
            (r#"{"code": 7}"#, r#"{"code": 7}"#),
            ("upstream\n  connect error", "upstream connect error"),
            ("[1, 2]", "[1, 2]"),
        ];
        for (body, expected) in cases {
            assert_eq!(message(body).as_deref(), Some(expected), "{body}");
        }
        assert_eq!(message(""), None);
        assert_eq!(message(" \n "), None);
    }

    #[test]
    fn messages_are_bounded_in_characters() {
        let long = "é".repeat(500);
        let said = message(&format!(r#"{{"message": "{long}"}}"#)).unwrap();
        assert_eq!(said, format!("{}...", "é".repeat(200)));
        let page = format!("<html>{}</html>", "<p>error</p>\n".repeat(2000));
        let said = message(&page).unwrap();
        assert!(said.chars().count() == 203 && said.ends_with("..."), "{said}");
    }
}
