//! Parameters and bodies as they go on the wire: path segments, query styles, headers.

use std::borrow::Cow;

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
/// A text parameter goes through [`path_text`], which borrows it.
pub fn path_segment<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<PathSegment<'static>, InvalidRequest> {
    // A scalar (the common case) is its one text, without a list to join.
    let text = match scalar_text(value) {
        Some(text) => text,
        None => json_texts(name, value)?.join(","),
    };
    PathSegment::checked(name, Cow::Owned(text))
}

/// [`path_segment`] for a text parameter: the segment borrows the text and is encoded as the
/// path is written, so that a request's path is one allocation however many parameters it has.
pub fn path_text<'a>(name: &str, text: &'a str) -> Result<PathSegment<'a>, InvalidRequest> {
    PathSegment::checked(name, Cow::Borrowed(text))
}

/// A path parameter's text, percent-encoded when displayed: what [`path_segment`] and
/// [`path_text`] give, written into the path with `format_args!`.
#[derive(Debug, Clone)]
pub struct PathSegment<'a>(Cow<'a, str>);

impl<'a> PathSegment<'a> {
    fn checked(name: &str, text: Cow<'a, str>) -> Result<Self, InvalidRequest> {
        if text.is_empty() || text == "." || text == ".." {
            return Err(InvalidRequest(format!(
                "path parameter `{name}` cannot be {text:?}: it would change the path"
            )));
        }
        Ok(PathSegment(text))
    }
}

impl std::fmt::Display for PathSegment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SEGMENT: &percent_encoding::AsciiSet =
            &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
        // Written piece by piece: a text with nothing to encode is one piece, copied once.
        std::fmt::Display::fmt(&percent_encoding::utf8_percent_encode(&self.0, SEGMENT), f)
    }
}

/// A parameter value as the texts it is sent as: scalars as themselves, strings unquoted, lists
/// one text per item, `null` as nothing.
pub(super) fn scalar_texts<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<String>, InvalidRequest> {
    match scalar_text(value) {
        Some(text) => Ok(vec![text]),
        None => json_texts(name, value),
    }
}

/// The texts of a value that is not one scalar, through its JSON form.
fn json_texts<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<String>, InvalidRequest> {
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

/// The text of a string, integer, boolean or string enum value (through `Some` and newtypes), as
/// [`value_texts`] gives it, without building a `serde_json::Value`: most parameters are one of
/// these, and the value tree cost about 1.5% of a small request. `None` for anything else (floats
/// among them, whose text is serde_json's to choose), which takes the general path.
pub(super) fn scalar_text<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    value.serialize(ScalarText).ok()
}

struct ScalarText;

/// The value is not one [`ScalarText`] writes.
#[derive(Debug)]
struct NotScalar;

impl std::fmt::Display for NotScalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a plain scalar")
    }
}

impl std::error::Error for NotScalar {}

impl serde::ser::Error for NotScalar {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotScalar
    }
}

impl serde::Serializer for ScalarText {
    type Ok = String;
    type Error = NotScalar;
    type SerializeSeq = serde::ser::Impossible<String, NotScalar>;
    type SerializeTuple = serde::ser::Impossible<String, NotScalar>;
    type SerializeTupleStruct = serde::ser::Impossible<String, NotScalar>;
    type SerializeTupleVariant = serde::ser::Impossible<String, NotScalar>;
    type SerializeMap = serde::ser::Impossible<String, NotScalar>;
    type SerializeStruct = serde::ser::Impossible<String, NotScalar>;
    type SerializeStructVariant = serde::ser::Impossible<String, NotScalar>;

    fn serialize_bool(self, v: bool) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_f64(self, _: f64) -> Result<String, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_char(self, v: char) -> Result<String, NotScalar> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, NotScalar> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_none(self) -> Result<String, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, NotScalar> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, NotScalar> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<String, NotScalar> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotScalar> {
        Err(NotScalar)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotScalar> {
        Err(NotScalar)
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
    fn scalar_texts_without_a_value_tree_are_those_with_one() {
        #[derive(Serialize)]
        enum Kind {
            #[serde(rename = "agent-kind")]
            Agent,
        }
        #[derive(Serialize)]
        struct Id(u64);
        let through_json = |value: serde_json::Value| value_texts("p", value).unwrap();
        let cases: Vec<(Option<String>, serde_json::Value)> = vec![
            (scalar_text("a b/c"), serde_json::json!("a b/c")),
            (scalar_text(&-7_i64), serde_json::json!(-7)),
            (scalar_text(&u64::MAX), serde_json::json!(u64::MAX)),
            (scalar_text(&true), serde_json::json!(true)),
            (scalar_text(&'x'), serde_json::json!('x')),
            (scalar_text(&Kind::Agent), serde_json::to_value(Kind::Agent).unwrap()),
            (scalar_text(&Id(3)), serde_json::to_value(Id(3)).unwrap()),
            (scalar_text(&Some("s")), serde_json::json!("s")),
        ];
        for (fast, value) in cases {
            assert_eq!(vec![fast.expect("a plain scalar")], through_json(value));
        }
        // Left to the general path: floats (serde_json writes `1.0`, Rust `1`), nothing, lists.
        assert_eq!(scalar_text(&1.0_f64), None);
        assert_eq!(scalar_text(&None::<i64>), None);
        assert_eq!(scalar_text(&vec![1, 2]), None);
        assert_eq!(path_segment("p", &1.0_f64).unwrap().to_string(), "1.0");
        assert_eq!(path_segment("p", &vec![1, 2]).unwrap().to_string(), "1%2C2");
        assert_eq!(path_segment("p", "a b/c").unwrap().to_string(), "a%20b%2Fc");
    }

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
        assert_eq!(path_segment("id", "a/b?c#d").unwrap().to_string(), "a%2Fb%3Fc%23d");
        assert_eq!(path_text("id", "../x").unwrap().to_string(), "..%2Fx");
        assert_eq!(path_text("id", "caf\u{e9} au lait").unwrap().to_string(), "caf%C3%A9%20au%20lait");
        assert_eq!(path_segment("id", &42).unwrap().to_string(), "42");
        assert_eq!(path_segment("ids", &[1, 2]).unwrap().to_string(), "1%2C2");
        assert!(path_segment("id", "..").is_err());
        assert!(path_text("id", ".").is_err());
        assert!(path_text("id", "").is_err());
    }
}
