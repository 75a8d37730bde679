//! The runtime shared by every API module of this crate: client configuration, credentials,
//! request building, retries, response decoding and errors, streamed responses (server-sent
//! events, downloads) and pagination. Generated operations are thin calls into it.
//!
//! Generated types need only the codec helpers (`structs`, `struct_codec`, `decode` and `fit`,
//! which serde alone provides, hidden from the docs: only the generated `codec` modules call
//! them); everything
//! else here, and with it reqwest and tokio, is behind the crate's `client` feature (on by
//! default).

mod decode;
mod deviation;
mod fit;
#[macro_use]
mod struct_codec;
mod structs;
mod tracked;

#[doc(hidden)]
pub use decode::{decode_enum, decode_tagged, decode_union};
/// What the service did that its API description does not say, for whoever listens.
pub use deviation::{Deviation, DeviationKind, DeviationLog, DeviationSink, JsonLines, JsonType, Seen};
#[doc(hidden)]
pub use deviation::{listening, observe_operation, report, tolerated};
#[doc(hidden)]
pub use fit::Shape;
#[doc(hidden)]
pub use struct_codec::absent;
/// What a generated struct keeps of the properties its schema does not declare.
pub use structs::Extras;
#[doc(hidden)]
pub use structs::{DecodeStruct, EncodeFields, Field, FieldWriter, decode_struct, encode_struct, fill};
#[doc(hidden)]
pub use tracked::{Member, from_json_slice};

#[cfg(feature = "client")]
mod attempts;
#[cfg(feature = "client")]
mod auth;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod encode;
#[cfg(feature = "client")]
mod event;
#[cfg(feature = "client")]
mod form;
#[cfg(feature = "client")]
mod paging;
#[cfg(feature = "client")]
mod policy;
#[cfg(feature = "client")]
mod request;
#[cfg(feature = "client")]
mod response;
#[cfg(feature = "client")]
mod said;
#[cfg(feature = "client")]
mod send;
#[cfg(feature = "client")]
mod stream;
#[cfg(feature = "client")]
mod testing;
#[cfg(feature = "tracing")]
mod trace;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(feature = "client")]
pub use {
    auth::{ApiKeyLocation, AuthError, Credential, Scheme, Secret, Security, TokenSource},
    client::{
        BaseUrl, BuildError, CallOptions, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_TIMEOUT, NoBaseUrl, Sending, USER_AGENT, header_text, http_client_builder,
    },
    encode::{Multipart, PathSegment, QueryStyle, path_segment, path_text},
    event::{Event, StreamError},
    form::FieldStyle,
    paging::{Items, NextRequest, Pages, items, link_next, next_page_url, pages},
    policy::{Attempt, DEFAULT_MAX_RETRY_AFTER, Hook, Outcome, RetryPolicy},
    request::{DeclaredResponse, Operation, Request},
    reqwest,
    reqwest::header::HeaderMap,
    reqwest::{Method, StatusCode},
    response::{ApiError, Error, InvalidRequest, NoDeclaredErrors, RawResponse, Redirect, Response},
    stream::{ByteStream, EventStream, Streaming},
};

/// The types streamed responses are made of: chunks of a body, and the trait of every stream.
#[cfg(feature = "client")]
pub use {bytes::Bytes, futures_core::Stream};

/// The per-call settings of request builder `$builder` (a struct with a `call: CallOptions`
/// field): `timeout`, `attempt_timeout`, `retry` and `header`, written once here rather than into each builder.
/// Builders name it directly (the crate root declares this module `#[macro_use]`); it is
/// exported only so that a crate whose specs have no operations does not warn of it unused.
#[cfg(feature = "client")]
#[doc(hidden)]
#[macro_export]
macro_rules! call_settings {
    ($builder:ident) => {
        impl $builder<'_> {
            /// Sets the time this call may take in all, replacing the client's (`None`: no limit).
            #[inline]
            pub fn timeout(mut self, timeout: impl Into<Option<std::time::Duration>>) -> Self {
                self.call.timeout(timeout.into());
                self
            }

            /// Sets the time each attempt of this call may take, replacing the client's.
            #[inline]
            pub fn attempt_timeout(mut self, timeout: impl Into<Option<std::time::Duration>>) -> Self {
                self.call.attempt_timeout(timeout.into());
                self
            }

            /// Sets when this call is sent again after a failure, replacing the client's policy.
            #[inline]
            pub fn retry(mut self, policy: $crate::runtime::RetryPolicy) -> Self {
                self.call.retry(policy);
                self
            }

            /// Adds a header to this call; it replaces a default header of the same name.
            #[inline]
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.call.header(name.into(), value.into());
                self
            }
        }
    };
}
