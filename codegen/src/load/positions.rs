//! Where in the text a JSON pointer lands: line and column, for error messages.
//!
//! The documents are parsed for meaning by `serde_yaml`/`serde_json`, which keep no positions, so
//! when an error names a node, the text is read once more, as YAML events with their markers (a
//! JSON document is YAML too), and the pointer followed through them. Only failing runs pay.

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// The 1-based line and column of the node each of `pointers` names in `text`, if it is there,
/// in one read of `text`. The whole document (the empty pointer) is where its first node starts
/// (past any leading comments): what an error about a missing top-level key points at. A
/// mapping value (a member of an object) is placed where its key stands, so a pointer to a key
/// that should not be there lands on that key.
pub fn positions_of(text: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    // Reading the text again costs as much as parsing it: not for nothing.
    if pointers.is_empty() {
        return Vec::new();
    }
    let mut finder = Finder::new(pointers);
    let _ = Parser::new_from_str(text).load(&mut finder, false);
    finder.found.into_iter().map(|mark| mark.map(|m| (m.line(), m.col() + 1))).collect()
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
    /// The unescaped tokens of each wanted pointer, with the indices of the pointers that name
    /// that node (the same pointer may be asked for twice).
    targets: HashMap<Vec<String>, Vec<usize>>,
    /// Every proper prefix of a target: a container whose path is not among them holds nothing
    /// wanted and is skipped whole.
    prefixes: HashSet<Vec<String>>,
    /// The path of the container being read.
    path: Vec<String>,
    frames: Vec<Frame>,
    /// How deep the reader is inside a skipped container, 0 when not in one.
    skipping: usize,
    /// Where each pointer's node starts, once found.
    found: Vec<Option<Marker>>,
    /// The indices of the pointers that name the whole document.
    root: Vec<usize>,
}

impl Finder {
    fn new(pointers: &[&str]) -> Self {
        let mut targets: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
        let mut prefixes = HashSet::new();
        let mut root = Vec::new();
        for (i, pointer) in pointers.iter().enumerate() {
            if pointer.is_empty() {
                root.push(i);
                prefixes.insert(Vec::new());
                continue;
            }
            let tokens = crate::error::pointer_tokens(pointer);
            for len in 0..tokens.len() {
                prefixes.insert(tokens[..len].to_vec());
            }
            targets.entry(tokens).or_default().push(i);
        }
        Finder {
            targets,
            prefixes,
            path: Vec::new(),
            frames: Vec::new(),
            skipping: 0,
            found: vec![None; pointers.len()],
            root,
        }
    }

    /// A node starts at `mark`: a key, or a value whose path may be the target. Returns the
    /// token of the value, or `None` when the node is a mapping key.
    fn node_starts(&mut self, scalar: Option<&str>, mark: Marker) -> Option<Option<String>> {
        // The document is placed at its first scalar (its first key), where a reader sees it start.
        if scalar.is_some() {
            for i in std::mem::take(&mut self.root) {
                self.found[i] = Some(mark);
            }
        }
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
        if let Some(token) = &token {
            self.path.push(token.clone());
            if let Some(indices) = self.targets.get(&self.path) {
                for &i in indices {
                    // The first node on the path wins, as in a document with a duplicate key.
                    self.found[i].get_or_insert(mark);
                }
            }
            self.path.pop();
        }
        Some(token)
    }
}

impl MarkedEventReceiver for Finder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.skipping > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => self.skipping += 1,
                Event::MappingEnd | Event::SequenceEnd => self.skipping -= 1,
                _ => {}
            }
            return;
        }
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
                if !self.prefixes.contains(&self.path) {
                    // Nothing wanted is inside: read past it without following paths.
                    if pushed {
                        self.path.pop();
                    }
                    self.skipping = 1;
                    return;
                }
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
    use super::positions_of;

    fn position_of(text: &str, pointer: &str) -> Option<(usize, usize)> {
        positions_of(text, &[pointer]).pop().flatten()
    }

    #[test]
    fn pointers_land_on_their_lines_in_yaml_and_json() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      responses:\n        '200':\n          description: ok\n";
        assert_eq!(position_of(yaml, "/paths/~1a~1{id}/get/responses/200"), Some((6, 9)));
        assert_eq!(position_of(yaml, "/paths/~1a~1{id}/get"), Some((4, 5)));
        assert_eq!(position_of(yaml, "/openapi"), Some((1, 1)));
        assert_eq!(position_of(yaml, "/nothing"), None);
        assert_eq!(
            position_of("# a comment\n\nopenapi: 3.1.0\n", ""),
            Some((3, 1)),
            "the document starts at its first key"
        );
        let json = "{\n  \"tags\": [\"a\", {\"name\": \"b\"}],\n  \"x\": 1\n}";
        assert_eq!(position_of(json, "/tags/1"), Some((2, 17)));
        assert_eq!(position_of(json, "/tags/1/name"), Some((2, 18)));
        assert_eq!(position_of(json, "/x"), Some((3, 3)));
    }

    #[test]
    fn many_pointers_are_found_in_one_read() {
        let yaml = "openapi: 3.0.3\ncomponents:\n  schemas:\n    S:\n      type: object\n      requried: [a]\n      \
                    properties:\n        a: {type: string, nulable: true}\n";
        let pointers = [
            "/components/schemas/S/properties/a/nulable",
            "/components/schemas/S/requried",
            "",
            "/components/schemas/T",
            "/components/schemas/S/requried/0",
            "/openapi",
            "/components/schemas/S/requried",
        ];
        let expected = [Some((8, 27)), Some((6, 7)), Some((1, 1)), None, Some((6, 18)), Some((1, 1)), Some((6, 7))];
        assert_eq!(positions_of(yaml, &pointers), expected);
        // Each agrees with the one-pointer read.
        for (pointer, position) in pointers.iter().zip(expected) {
            assert_eq!(position_of(yaml, pointer), position, "{pointer}");
        }
        assert_eq!(positions_of(yaml, &[]), []);
    }
}
