//! Parameters and bodies as they go on the wire: path segments, query styles, headers.

use reqwest::header::HeaderName;
use serde::Serialize;

use super::response::InvalidRequest;

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

pub(super) fn header_name(name: &str) -> Result<HeaderName, InvalidRequest> {
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
pub(super) fn scalar_texts<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<String>, InvalidRequest> {
    let value = serde_json::to_value(value)
        .map_err(|e| InvalidRequest(format!("parameter `{name}` cannot be encoded: {e}")))?;
    value_texts(name, value)
}

/// [`scalar_texts`] for a value already serialized to JSON.
pub(super) fn value_texts(name: &str, value: serde_json::Value) -> Result<Vec<String>, InvalidRequest> {
    use serde_json::Value;
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

/// A `multipart/form-data` body (RFC 7578), built in memory so the request can still be cloned
/// for a retry.
#[derive(Debug, Clone)]
pub struct Multipart {
    pub(super) boundary: String,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl Multipart {
    pub fn new() -> Self {
        let boundary = format!("----vendor-apis-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        Multipart { boundary, body: Vec::new() }
    }

    /// A text part per value: scalars as themselves, one part per list item, objects as JSON,
    /// `None` as no part.
    pub fn text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), InvalidRequest> {
        let value =
            serde_json::to_value(value).map_err(|e| InvalidRequest(format!("part `{name}` cannot be encoded: {e}")))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let text = match item {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            self.part(name, None, None, text.as_bytes());
        }
        Ok(())
    }

    /// A part holding `value` as JSON, `Content-Type: application/json` (OpenAPI's default for
    /// an object in a multipart body); `None` as no part.
    pub fn json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), InvalidRequest> {
        self.typed(name, value, "application/json")
    }

    /// A part holding `value` as JSON text with the `Content-Type` the spec's `encoding` names;
    /// `None` as no part.
    pub fn typed<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        content_type: &str,
    ) -> Result<(), InvalidRequest> {
        let value =
            serde_json::to_value(value).map_err(|e| InvalidRequest(format!("part `{name}` cannot be encoded: {e}")))?;
        let text = match value {
            serde_json::Value::Null => return Ok(()),
            serde_json::Value::String(text) if !content_type.contains("json") => text,
            other => other.to_string(),
        };
        self.part(name, None, Some(content_type), text.as_bytes());
        Ok(())
    }

    /// A file part holding `bytes`, or no part for `None`.
    pub fn file(&mut self, name: &str, bytes: Option<&[u8]>) {
        if let Some(bytes) = bytes {
            self.part(name, Some(name), Some("application/octet-stream"), bytes);
        }
    }

    fn part(&mut self, name: &str, filename: Option<&str>, content_type: Option<&str>, content: &[u8]) {
        // Quotes and line breaks in names are percent-encoded, as browsers do (RFC 7578 section 2).
        let quote = |s: &str| s.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
        let mut head = format!("--{}\r\nContent-Disposition: form-data; name=\"{}\"", self.boundary, quote(name));
        if let Some(filename) = filename {
            head.push_str(&format!("; filename=\"{}\"", quote(filename)));
        }
        if let Some(content_type) = content_type {
            head.push_str(&format!("\r\nContent-Type: {}", quote(content_type)));
        }
        head.push_str("\r\n\r\n");
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(content);
        self.body.extend_from_slice(b"\r\n");
    }

    pub(super) fn finish(mut self) -> Vec<u8> {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_hold_text_and_file_parts() {
        let mut form = Multipart::new();
        form.text("name", "ada").unwrap();
        form.text("tags", &["a", "b"]).unwrap();
        form.text("skipped", &None::<String>).unwrap();
        form.file("avatar", Some(b"\x89PNG"));
        form.json("meta", &serde_json::json!({"k": 1})).unwrap();
        let boundary = form.boundary.clone();
        let body = form.finish();
        let expected = [
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nada\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"avatar\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes(),
            b"\x89PNG\r\n".to_vec(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n").into_bytes(),
            format!("--{boundary}--\r\n").into_bytes(),
        ]
        .concat();
        assert_eq!(body, expected);
    }

    #[test]
    fn path_segments_are_one_segment() {
        assert_eq!(path_segment("id", "a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(path_segment("id", "../x").unwrap(), "..%2Fx");
        assert_eq!(path_segment("id", &42).unwrap(), "42");
        assert!(path_segment("id", "..").is_err());
        assert!(path_segment("id", "").is_err());
    }
}
