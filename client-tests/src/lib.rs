//! Hand-written tests of the generated clients live in `tests/`. The README's examples are
//! compiled here as doctests, so they cannot drift from the generated API.
#![doc = include_str!("../../README.md")]
