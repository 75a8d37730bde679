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
    use serde_json::Value;
    let value = serde_json::to_value(value)
        .map_err(|e| InvalidRequest(format!("parameter `{name}` cannot be encoded: {e}")))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_one_segment() {
        assert_eq!(path_segment("id", "a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(path_segment("id", "../x").unwrap(), "..%2Fx");
        assert_eq!(path_segment("id", &42).unwrap(), "42");
        assert!(path_segment("id", "..").is_err());
        assert!(path_segment("id", "").is_err());
    }
}
