//! Hand-written tests of the generated clients live in `tests/`. The README's examples are
//! compiled here as doctests, so they cannot drift from the generated API.
//!
//! Devin's spec lists no server, so its client cannot be built without a base URL. This does
//! not compile:
//!
//! ```compile_fail
//! let _client = vendor_apis::devin::Client::builder().bearer_auth("cog_x").build();
//! ```
//!
//! while the same builder with a URL does, in either order:
//!
//! ```
//! let _client = vendor_apis::devin::Client::builder().base_url("https://api.example.com").bearer_auth("cog_x").build();
//! let _client = vendor_apis::devin::Client::builder().bearer_auth("cog_x").base_url("https://api.example.com").build();
//! ```
#![doc = include_str!("../../README.md")]
