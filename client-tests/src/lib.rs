//! Hand-written tests of the generated clients live in `tests/`. The README's examples are
//! compiled here as doctests, so they cannot drift from the generated API.
//!
//! Devin's spec lists no server, so its client cannot be started without a base URL. This does
//! not compile:
//!
//! ```compile_fail
//! let _builder = vendor_apis::devin::Client::builder();
//! ```
//!
//! while the same call with a URL does:
//!
//! ```
//! let _builder = vendor_apis::devin::Client::builder("https://api.example.com");
//! ```
#![doc = include_str!("../../README.md")]
