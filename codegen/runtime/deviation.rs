//! What a service did that its API description does not say: one [`Deviation`] per thing seen,
//! delivered to the [`DeviationSink`] a caller installs (`ClientBuilder::deviations`), and nothing
//! done at all when none is.
//!
//! A team logs the records, counts them, or writes them to a file as JSON lines ([`JsonLines`]);
//! `cargo xtask conformance <file>` reads such a file, says per spec what the service does that
//! the spec does not, and drafts the OpenAPI Overlay that would make the spec say it.
//!
//! Two places raise them. The call loop, which knows the response and what the operation
//! declares of it: an undeclared status, an undeclared media type, a declared status whose body
//! does not match ([`DeviationSink::record`] with [`Deviation::new`]); their spec pointers name
//! the response as the spec keys it (`/responses/4XX`, `/responses/default`). And the decoders,
//! which know the payload but not the call: they [`report`] into the [`observe_operation`] scope
//! the call loop opens around decoding (an event stream, around each event's data), which adds
//! the call's identity. Outside such a scope, or when no sink is installed, [`listening`]
//! is `false` and both are a thread-local read.
//!
//! The payload pointer of a record is the JSON pointer from the root of the decoded body (or of
//! an event's data) to the value: `/data/3/region`, `/labels/env`. While a sink listens, bodies
//! are decoded through a deserializer that keeps the path in the scope (`tracked.rs`); without
//! one, they are decoded as before, and no path is kept.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// One thing a response did that the API description does not say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deviation {
    /// The API, as the generated crate's module names it (`blaxel`).
    pub api: String,
    /// The operation's `operationId` (or its method name when the spec gives none).
    pub operation: String,
    /// The response's HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What was seen.
    #[serde(flatten)]
    pub kind: DeviationKind,
    /// JSON pointer (RFC 6901) of the value from the root of the response body (of the event's
    /// data, for an event stream), through array indices and map keys: `/data/3/region`. Empty
    /// for the whole body or for what is not in the body (a status, a media type).
    #[serde(default)]
    pub payload_pointer: String,
    /// JSON pointer of the node of the spec that says otherwise: the object schema without the
    /// property, the enum, the union, the operation's `responses`, the response's `content`.
    pub spec_pointer: String,
    /// The value seen, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Seen>,
}

/// What kind of deviation, with what names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviationKind {
    /// An object had a property its schema does not declare.
    UndeclaredProperty { property: String },
    /// A required property was absent, and decoding tolerated it (a nullable one, say).
    MissingProperty { property: String },
    /// A declared status came with a body its schema does not describe.
    MismatchedBody { reason: String },
    /// A status the operation does not declare.
    UndeclaredStatus,
    /// A string enum value the spec does not list.
    UnknownEnumValue { value: String },
    /// A union value that no member describes, or a tag no member has (`tag`).
    UnknownVariant {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
    },
    /// A response media type the operation does not declare for its status.
    UndeclaredMediaType { media_type: String },
}

/// A value seen where the spec says otherwise: its JSON type, and its start as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    #[serde(rename = "type")]
    pub json_type: JsonType,
    /// The value as compact JSON, cut after [`Seen::EXCERPT`] characters (with `…`).
    pub excerpt: String,
}

/// The JSON types, as JSON Schema names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl Seen {
    /// The longest excerpt kept, in characters: enough to recognise a value, never a payload.
    pub const EXCERPT: usize = 80;

    pub fn of(value: &serde_json::Value) -> Seen {
        use serde_json::Value;
        let json_type = match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        };
        let text = value.to_string();
        let excerpt = match text.char_indices().nth(Self::EXCERPT) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        };
        Seen { json_type, excerpt }
    }
}

impl Deviation {
    /// A deviation the call loop sees itself, outside any payload.
    pub fn new(api: &str, operation: &str, status: Option<u16>, kind: DeviationKind, spec_pointer: &str) -> Self {
        Deviation {
            api: api.to_string(),
            operation: operation.to_string(),
            status,
            kind,
            payload_pointer: String::new(),
            spec_pointer: spec_pointer.to_string(),
            seen: None,
        }
    }

    /// With the value seen.
    pub fn with_seen(mut self, value: &serde_json::Value) -> Self {
        self.seen = Some(Seen::of(value));
        self
    }
}

/// Where deviations go. Called on the task that decodes the response, so a sink should be quick
/// (count, or hand the record to a channel or a buffered file).
pub trait DeviationSink: Send + Sync {
    fn record(&self, deviation: Deviation);
}

impl<F: Fn(Deviation) + Send + Sync> DeviationSink for F {
    fn record(&self, deviation: Deviation) {
        self(deviation)
    }
}

/// Writes each deviation as one line of JSON, the input of `cargo xtask conformance`. A record
/// that cannot be written is dropped: reporting never fails a call.
pub struct JsonLines<W> {
    out: Mutex<W>,
}

impl<W: std::io::Write + Send> JsonLines<W> {
    pub fn new(out: W) -> Self {
        JsonLines { out: Mutex::new(out) }
    }

    /// The writer, once the sink is no longer needed.
    pub fn into_inner(self) -> W {
        self.out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<W: std::io::Write + Send> DeviationSink for JsonLines<W> {
    fn record(&self, deviation: Deviation) {
        let Ok(mut line) = serde_json::to_vec(&deviation) else { return };
        line.push(b'\n');
        if let Ok(mut out) = self.out.lock() {
            let _ = out.write_all(&line).and_then(|()| out.flush());
        }
    }
}

/// Keeps every deviation in memory, in order: for a test that asserts what its client reported,
/// or a health check that reads them now and then. Clones share the records, so one goes to the
/// client builder ([`sink`](Self::sink)) and the other is read ([`take`](Self::take)).
#[derive(Clone, Default)]
pub struct DeviationLog {
    records: Arc<Mutex<Vec<Deviation>>>,
}

impl DeviationLog {
    pub fn new() -> Self {
        DeviationLog::default()
    }

    /// A sink that records into this log, for a client builder's `deviations`.
    pub fn sink(&self) -> Arc<dyn DeviationSink> {
        Arc::new(self.clone())
    }

    /// The records so far, in the order they were made; the log is empty afterwards.
    pub fn take(&self) -> Vec<Deviation> {
        std::mem::take(&mut *self.records.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl DeviationSink for DeviationLog {
    fn record(&self, deviation: Deviation) {
        self.records.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(deviation);
    }
}

/// The response being decoded, while [`observe_operation`] runs.
struct Scope {
    sink: Arc<dyn DeviationSink>,
    api: &'static str,
    operation: &'static str,
    status: u16,
    /// The JSON pointer, from the body's root, of the value being decoded (RFC 6901, escaped).
    path: String,
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Runs `decode` with the deviations the decoders [`report`] going to `sink`, as seen in the
/// response `status` of `operation`; without a sink, just runs it. Decoding is synchronous, so
/// the scope is the thread's for exactly that long; an inner scope replaces an outer one until
/// it ends. The call loop calls it, and an event stream for each event.
#[doc(hidden)]
pub fn observe_operation<T>(
    sink: Option<&Arc<dyn DeviationSink>>,
    api: &'static str,
    operation: &'static str,
    status: u16,
    decode: impl FnOnce() -> T,
) -> T {
    let Some(sink) = sink else { return decode() };
    let scope = Scope { sink: Arc::clone(sink), api, operation, status, path: String::new() };
    let outer = SCOPE.with(|s| s.borrow_mut().replace(scope));
    let _restore = Restore(outer);
    decode()
}

/// Runs `f` with the thread's scope, if any, set aside: what it reports goes nowhere. For
/// decodings made on trial (a union's members), whose reports would be false.
#[doc(hidden)]
pub fn set_aside<T>(f: impl FnOnce() -> T) -> T {
    let outer = SCOPE.with(|s| s.borrow_mut().take());
    let _restore = Restore(outer);
    f()
}

/// Puts a scope back when dropped, panics included.
struct Restore(Option<Scope>);

impl Drop for Restore {
    fn drop(&mut self) {
        let outer = self.0.take();
        SCOPE.with(|s| *s.borrow_mut() = outer);
    }
}

/// Whether a sink would receive a [`report`] made now: decoders check it before they spend
/// anything on a deviation (keeping the value of an unknown key to describe it, say).
#[doc(hidden)]
pub fn listening() -> bool {
    SCOPE.with(|s| s.borrow().is_some())
}

/// Puts `segment` (a key, or an index as text) at the end of the scope's path, for the value
/// about to be decoded; what to give [`leave`] once it is. Nothing outside a scope. (Public
/// only so that `codegen`, which compiles this file alone for its records, sees it used.)
#[doc(hidden)]
pub fn enter(segment: &str) -> Option<usize> {
    SCOPE.with(|s| {
        let mut scope = s.borrow_mut();
        let path = &mut scope.as_mut()?.path;
        let length = path.len();
        push_segment(path, segment);
        Some(length)
    })
}

/// Takes off the path what [`enter`] put on.
#[doc(hidden)]
pub fn leave(entered: Option<usize>) {
    let Some(length) = entered else { return };
    SCOPE.with(|s| {
        if let Some(scope) = s.borrow_mut().as_mut() {
            scope.path.truncate(length);
        }
    });
}

/// `/segment`, escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`).
fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// Reports a deviation in the payload being decoded: `spec_pointer` is the schema that says
/// otherwise, and the payload pointer is the path from the body's root to the value being
/// decoded, followed by `key` when the deviation is about a member of that object (an
/// undeclared property's name). Nothing happens outside an [`observe_operation`] scope. The
/// generated decoders call it.
#[doc(hidden)]
pub fn report(kind: DeviationKind, key: Option<&str>, spec_pointer: &str, seen: Option<&serde_json::Value>) {
    let Some((sink, deviation)) = SCOPE.with(|s| {
        let scope = s.borrow();
        let scope = scope.as_ref()?;
        let mut payload_pointer = scope.path.clone();
        if let Some(key) = key {
            push_segment(&mut payload_pointer, key);
        }
        let deviation = Deviation {
            api: scope.api.to_string(),
            operation: scope.operation.to_string(),
            status: Some(scope.status),
            kind,
            payload_pointer,
            spec_pointer: spec_pointer.to_string(),
            seen: seen.map(Seen::of),
        };
        Some((Arc::clone(&scope.sink), deviation))
    }) else {
        return;
    };
    // Outside the borrow: a sink may decode something itself.
    sink.record(deviation);
}

/// A required property's slot, reporting it absent (when listening) where decoding tolerates
/// its absence: the generated `finish` of a struct whose schema is at `spec_pointer` calls it.
#[doc(hidden)]
#[inline]
pub fn tolerated<T>(slot: Option<T>, property: &str, spec_pointer: &str) -> Option<T> {
    if slot.is_none() && listening() {
        report(DeviationKind::MissingProperty { property: property.to_string() }, None, spec_pointer, None);
    }
    slot
}
