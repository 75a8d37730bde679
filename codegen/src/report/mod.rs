//! Spec evolution: what a spec update changes for the generated API's callers, said before the
//! compiler says it.
//!
//! - [`manifest`]: each module's API as data (operations, inputs, types, auth, servers), derived
//!   from the IR and written beside the generated code (`api/<module>.json`) under the freshness
//!   gate, so the next run has a baseline on a fresh clone, without network or history.
//! - [`diff`]: two manifests into a [`Report`], each change classified breaking or compatible for
//!   Rust callers of the generated crate.
//! - [`release`]: the crate version and the changelog section that follow from the reports, both
//!   derived from what is on disk so that a second run changes nothing.

pub mod diff;
mod json;
pub mod manifest;
pub mod release;
mod render;

pub use diff::{Change, Count, Report, Severity, Status, What, compare};
pub use manifest::Manifest;
pub use release::{Baseline, Release, plan};

/// A manifest or version on disk this generator cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ManifestError {
    pub file: String,
    pub message: String,
}
