//! Server-sent events as the standard frames them, and what can go wrong with a streamed
//! response: the part of streaming that needs no response (a leaf of the runtime's modules).
//!
//! The event-stream parser is written here rather than taken from a crate: `eventsource-stream`
//! (0.2.3, on `nom` 7) and `sse-stream` (0.3, on `http-body` and `futures-util`) both parse
//! across chunk boundaries, but neither bounds the memory of one event: a server that never ends
//! an event (or a line) grows the client without limit, and the limit cannot be added from
//! outside without parsing the lines a second time. The WHATWG framing is small:
//! lines end with CRLF, LF or CR (a CR at the end of a chunk may be the first half of a CRLF, so
//! the parser remembers it); `data` lines are joined with LF; `:` starts a comment; a blank line
//! dispatches the event; `id`, `event` and `retry` set their fields; one BOM at the very start
//! is dropped; an event the stream ends inside is discarded. Lines are split on bytes, before
//! decoding, so a chunk may end anywhere, inside a UTF-8 sequence included.

use std::time::Duration;

use bytes::{Buf, Bytes};

use super::said::excerpt;

/// What can go wrong with a streamed response once its call was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed while the body was being read.
    #[error("reading the stream failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The response head did not arrive within the request timeout. Only
    /// [`Client::send_streaming`](super::Client::send_streaming) ends in it, never a stream.
    #[error("the response head did not arrive within {0:?}")]
    HeadTimeout(Duration),
    /// Nothing arrived for longer than the idle timeout; the stream ends with this error.
    #[error("the stream stalled: nothing arrived for {0:?} (the idle timeout)")]
    IdleTimeout(Duration),
    /// One event was larger than the client's `max_response_bytes`; the stream ends with this
    /// error, without reading the rest of the event.
    #[error(
        "an event is larger than the limit of {limit} bytes; the stream stops here (raise the limit with `max_response_bytes`)"
    )]
    EventTooLarge { limit: usize },
    /// An event's data did not decode as the type the API declares. The stream goes on with the
    /// next event; the event is kept as it came, its data as text.
    #[error("an event's data does not match what the API declares: {source}; the data: {}", excerpt(.event.data.as_bytes()))]
    Decode {
        event: Box<Event<String>>,
        #[source]
        source: serde_json::Error,
    },
}

impl StreamError {
    /// Whether the stream (or its head) ran out of time.
    pub fn is_timeout(&self) -> bool {
        match self {
            StreamError::HeadTimeout(_) | StreamError::IdleTimeout(_) => true,
            StreamError::Transport(e) => e.is_timeout(),
            StreamError::EventTooLarge { .. } | StreamError::Decode { .. } => false,
        }
    }
}

impl From<reqwest::Error> for StreamError {
    fn from(error: reqwest::Error) -> Self {
        // The URL may carry an API key in its query; errors never show credentials.
        StreamError::Transport(error.without_url())
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<T> {
    /// The `event` field: the event's type (`None`: a plain message).
    pub event: Option<String>,
    /// The last event id (`id` field) as of this event: as the standard says, an event without
    /// an `id` field keeps the previous one. It is what a client resuming the stream sends as
    /// `Last-Event-ID`.
    pub id: Option<String>,
    /// The reconnection time the server last asked for (`retry` field), if it ever did.
    pub retry: Option<Duration>,
    /// The `data` lines, joined with `\n`, decoded.
    pub data: T,
}

impl Event<()> {
    pub(super) fn with_data<T>(self, data: T) -> Event<T> {
        Event { event: self.event, id: self.id, retry: self.retry, data }
    }
}

/// The event-stream parser (WHATWG HTML, "Interpreting an event stream"), fed chunk by chunk.
#[derive(Debug)]
pub(super) struct Parser {
    /// The line being read, when it spans chunks.
    line: Vec<u8>,
    /// The last line ended with CR: a LF right after it (maybe in the next chunk) belongs to it.
    after_cr: bool,
    /// No line has ended yet: the first one may start with a BOM.
    first_line: bool,
    /// The event's data lines so far, each followed by LF (the last LF dropped once the event is
    /// complete); bytes, decoded as the stream's type asks.
    pub(super) data: Vec<u8>,
    event: Option<String>,
    /// Kept from one event to the next, as the standard says.
    pub(super) id: Option<String>,
    retry: Option<Duration>,
    /// The most bytes one event may hold: its data plus the line being read.
    limit: usize,
}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// The parser's buffers keep their memory between events up to this size.
const RETAINED_CAPACITY: usize = 64 * 1024;

impl Parser {
    pub(super) fn new(limit: usize) -> Self {
        Parser {
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            data: Vec::new(),
            event: None,
            id: None,
            retry: None,
            limit,
        }
    }

    /// Reads from `chunk` up to the end of the next event, and gives its fields; its data stays
    /// in [`Parser::data`] until [`Parser::clear_data`]. `None` when the chunk ends first (its
    /// bytes are kept for the next call). An event beyond the limit is an error.
    pub(super) fn next_event(&mut self, chunk: &mut Bytes) -> Result<Option<Event<()>>, StreamError> {
        while !chunk.is_empty() {
            if std::mem::take(&mut self.after_cr) && chunk[0] == b'\n' {
                chunk.advance(1);
                continue;
            }
            let Some(end) = memchr::memchr2(b'\n', b'\r', chunk) else {
                self.check_size(chunk.len())?;
                self.line.extend_from_slice(chunk);
                chunk.clear();
                break;
            };
            self.check_size(end)?;
            self.after_cr = chunk[end] == b'\r';
            let event = if self.line.is_empty() {
                // The whole line is in this chunk: parsed where it lies, without a copy.
                let event = self.process_line(&chunk[..end]);
                chunk.advance(end + 1);
                event
            } else {
                self.line.extend_from_slice(&chunk[..end]);
                chunk.advance(end + 1);
                let mut line = std::mem::take(&mut self.line);
                let event = self.process_line(&line);
                // The buffer is kept for the next long line, unless this one made it large.
                if line.capacity() <= RETAINED_CAPACITY {
                    line.clear();
                    self.line = line;
                }
                event
            };
            if event.is_some() {
                return Ok(event);
            }
        }
        Ok(None)
    }

    /// Refuses an event that would grow beyond the limit with `more` bytes.
    fn check_size(&mut self, more: usize) -> Result<(), StreamError> {
        if self.data.len() + self.line.len() + more > self.limit {
            // Nothing more is parsed after this error; the buffers are released now.
            self.data = Vec::new();
            self.line = Vec::new();
            return Err(StreamError::EventTooLarge { limit: self.limit });
        }
        Ok(())
    }

    fn process_line(&mut self, mut line: &[u8]) -> Option<Event<()>> {
        if std::mem::take(&mut self.first_line) {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if line.is_empty() {
            return self.dispatch();
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(0) => return None,
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match field {
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"event" => self.event = (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned()),
            b"id" if !value.contains(&0) => {
                self.id = (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // Digits beyond u64 are no reconnection time a client could honour: ignored.
                if let Ok(millis) = std::str::from_utf8(value).unwrap_or_default().parse() {
                    self.retry = Some(Duration::from_millis(millis));
                }
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<Event<()>> {
        let event = self.event.take();
        if self.data.is_empty() {
            return None;
        }
        self.data.pop();
        Some(Event { event, id: self.id.clone(), retry: self.retry, data: () })
    }

    /// Lets go of the last event's data: the buffer is kept for the next event, unless this
    /// event made it large.
    pub(super) fn clear_data(&mut self) {
        if self.data.capacity() > RETAINED_CAPACITY {
            self.data = Vec::new();
        } else {
            self.data.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Error;

    fn event(kind: Option<&str>, id: Option<&str>, data: &str) -> Event<String> {
        Event { event: kind.map(str::to_string), id: id.map(str::to_string), retry: None, data: data.to_string() }
    }

    /// Feeds `chunks` one after another and collects every event.
    fn parse(chunks: &[&[u8]], limit: usize) -> Result<Vec<Event<String>>, StreamError> {
        let mut parser = Parser::new(limit);
        let mut events = Vec::new();
        for piece in chunks {
            let mut chunk = Bytes::copy_from_slice(piece);
            while let Some(head) = parser.next_event(&mut chunk)? {
                events.push(head.with_data(String::from_utf8_lossy(&parser.data).into_owned()));
                parser.clear_data();
            }
            assert!(chunk.is_empty(), "a chunk is read to its end");
        }
        Ok(events)
    }

    const SAMPLE: &[u8] = b"\xEF\xBB\xBF: a comment\r\nevent: add\r\ndata: {\"n\": 1}\r\nid: 7\r\n\r\n\
        data: line one\ndata:line two\n\n\
        data\rdata: caf\xC3\xA9 \xE2\x82\xAC\r\r\
        retry: 1500\nid\nevent: end\ndata: last\n\n\
        data: never finished";

    fn sample_events() -> Vec<Event<String>> {
        vec![
            event(Some("add"), Some("7"), "{\"n\": 1}"),
            event(None, Some("7"), "line one\nline two"),
            event(None, Some("7"), "\ncafé €"),
            Event { retry: Some(Duration::from_millis(1500)), ..event(Some("end"), None, "last") },
        ]
    }

    #[test]
    fn frames_events_as_the_standard_says() {
        assert_eq!(parse(&[SAMPLE], 1 << 20).unwrap(), sample_events());
    }

    #[test]
    fn any_split_into_three_chunks_gives_the_same_events() {
        let expected = sample_events();
        for first in 0..=SAMPLE.len() {
            for second in first..=SAMPLE.len() {
                let chunks = [&SAMPLE[..first], &SAMPLE[first..second], &SAMPLE[second..]];
                assert_eq!(parse(&chunks, 1 << 20).unwrap(), expected, "split at {first} and {second}");
            }
        }
    }

    #[test]
    fn a_crlf_split_between_chunks_is_one_line_end() {
        let events = parse(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"], 1024).unwrap();
        assert_eq!(events, [event(None, None, "a\nb")]);
        // A lone CR followed by a LF later is two line ends: here, a blank line that dispatches.
        let events = parse(&[b"data: a\r", b"\r", b"\n"], 1024).unwrap();
        assert_eq!(events, [event(None, None, "a")]);
    }

    #[test]
    fn blank_events_comments_and_unknown_fields_dispatch_nothing() {
        let events = parse(&[b"\n\n: hi\n\nevent: x\n\nfoo: bar\ndata: y\n\n"], 1024).unwrap();
        // The `event` of a block without data is dropped with it, as the standard says.
        assert_eq!(events, [event(None, None, "y")]);
    }

    #[test]
    fn an_id_with_a_null_is_ignored_and_a_bare_retry_must_be_digits() {
        let events = parse(&[b"id: 1\ndata: a\n\nid: 2\0\nretry: 2s\ndata: b\n\n"], 1024).unwrap();
        assert_eq!(events, [event(None, Some("1"), "a"), event(None, Some("1"), "b")]);
    }

    #[test]
    fn an_event_beyond_the_limit_is_an_error_whether_in_one_line_or_many() {
        let long_line = [b"data: ".as_slice(), &[b'x'; 100]].concat();
        assert!(matches!(parse(&[&long_line], 64), Err(StreamError::EventTooLarge { limit: 64 })));
        let many_lines = b"data: 0123456789\n".repeat(10);
        assert!(matches!(parse(&[&many_lines], 64), Err(StreamError::EventTooLarge { limit: 64 })));
        // The limit is per event: many small events are fine.
        let many_events = b"data: 0123456789\n\n".repeat(100);
        assert_eq!(parse(&[&many_events], 64).unwrap().len(), 100);
    }

    #[test]
    fn the_parser_buffers_stay_the_size_of_one_event() {
        let event = b"id: 1\r\ndata: {\"n\": 1, \"text\": \"lorem ipsum dolor sit amet\"}\r\n\r\n";
        let stream = event.repeat(100_000);
        let mut parser = Parser::new(1 << 20);
        let (mut events, mut at, mut size) = (0, 0, 1);
        while at < stream.len() {
            // Chunks of every size from 1 to 997 bytes, so lines and line ends split everywhere.
            let end = (at + size).min(stream.len());
            let mut chunk = Bytes::copy_from_slice(&stream[at..end]);
            while parser.next_event(&mut chunk).unwrap().is_some() {
                parser.clear_data();
                events += 1;
            }
            assert!(parser.line.capacity() <= 256 && parser.data.capacity() <= 256, "{parser:?}");
            (at, size) = (end, size % 997 + 1);
        }
        assert_eq!(events, 100_000);
    }

    #[test]
    fn stream_errors_say_what_happened() {
        let timeout = StreamError::IdleTimeout(Duration::from_millis(300));
        assert!(timeout.is_timeout());
        assert_eq!(timeout.to_string(), "the stream stalled: nothing arrived for 300ms (the idle timeout)");
        let source = serde_json::from_str::<u32>("\"x\"").unwrap_err();
        let decode = StreamError::Decode { event: Box::new(event(None, None, "\"x\"")), source };
        assert!(decode.to_string().ends_with("the data: \"x\""), "{decode}");
        let error: Error<()> = decode.into();
        assert!(matches!(error, Error::Stream(StreamError::Decode { .. })));
        assert!(Error::<()>::from(timeout).is_timeout());
    }
}
