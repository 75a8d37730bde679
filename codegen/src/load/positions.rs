//! Where in the text a JSON pointer lands: line and column, for error messages.
//!
//! The documents are parsed for meaning by `serde_yaml`/`serde_json`, which keep no positions, so
//! when an error names a node, the text is read once more, as YAML events with their markers (a
//! JSON document is YAML too), and the pointer followed through them. Only failing runs pay.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// The 1-based line and column of the node `pointer` names in `text`, if it is there. The
/// whole document (the empty pointer) has no position worth naming.
pub fn position_of(text: &str, pointer: &str) -> Option<(usize, usize)> {
    if pointer.is_empty() {
        return None;
    }
    let target: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let mut finder = Finder { target, path: Vec::new(), frames: Vec::new(), found: None };
    let _ = Parser::new_from_str(text).load(&mut finder, false);
    finder.found.map(|m| (m.line(), m.col() + 1))
}

enum Kind {
    /// In a mapping: the key (and where it stands) of the value being read, or `None` while a
    /// key is expected.
    Map(Option<(String, Marker)>),
    Seq(usize),
}

struct Frame {
    kind: Kind,
    /// Whether this container added a token to the path (the root does not).
    pushed: bool,
}

struct Finder {
    target: Vec<String>,
    /// The path of the container being read.
    path: Vec<String>,
    frames: Vec<Frame>,
    found: Option<Marker>,
}

impl Finder {
    /// A node starts at `mark`: a key, or a value whose path may be the target. Returns the
    /// token of the value, or `None` when the node is a mapping key.
    fn node_starts(&mut self, scalar: Option<&str>, mark: Marker) -> Option<Option<String>> {
        // A mapping value is reported where its key stands: that line names what is wrong.
        let (token, mark) = match self.frames.last_mut().map(|frame| &mut frame.kind) {
            Some(Kind::Map(key @ None)) => {
                *key = Some((scalar.unwrap_or_default().to_string(), mark));
                return None;
            }
            Some(Kind::Map(key)) => match key.take() {
                Some((token, key_mark)) => (Some(token), key_mark),
                None => (None, mark),
            },
            Some(Kind::Seq(index)) => {
                *index += 1;
                (Some((*index - 1).to_string()), mark)
            }
            None => (None, mark),
        };
        if self.found.is_none() {
            let depth = self.path.len() + usize::from(token.is_some());
            let matches = depth == self.target.len()
                && self.path.iter().zip(&self.target).all(|(a, b)| a == b)
                && token.as_ref().is_none_or(|t| Some(t) == self.target.last());
            if matches {
                self.found = Some(mark);
            }
        }
        Some(token)
    }
}

impl MarkedEventReceiver for Finder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => {
                self.node_starts(Some(&value), mark);
            }
            Event::Alias(_) => {
                self.node_starts(None, mark);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let token = self.node_starts(None, mark).flatten();
                let pushed = token.is_some();
                self.path.extend(token);
                let kind = if matches!(event, Event::MappingStart(..)) { Kind::Map(None) } else { Kind::Seq(0) };
                self.frames.push(Frame { kind, pushed });
            }
            Event::MappingEnd | Event::SequenceEnd if self.frames.pop().is_some_and(|frame| frame.pushed) => {
                self.path.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::position_of;

    #[test]
    fn pointers_land_on_their_lines_in_yaml_and_json() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      responses:\n        '200':\n          description: ok\n";
        assert_eq!(position_of(yaml, "/paths/~1a~1{id}/get/responses/200"), Some((6, 9)));
        assert_eq!(position_of(yaml, "/paths/~1a~1{id}/get"), Some((4, 5)));
        assert_eq!(position_of(yaml, "/openapi"), Some((1, 1)));
        assert_eq!(position_of(yaml, "/nothing"), None);
        let json = "{\n  \"tags\": [\"a\", {\"name\": \"b\"}],\n  \"x\": 1\n}";
        assert_eq!(position_of(json, "/tags/1"), Some((2, 17)));
        assert_eq!(position_of(json, "/tags/1/name"), Some((2, 18)));
        assert_eq!(position_of(json, "/x"), Some((3, 3)));
    }
}
