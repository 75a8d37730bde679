//! The runtime shared by every API module of this crate: client configuration, credentials,
//! request building, retries, response decoding and errors, streamed responses (server-sent
//! events, downloads) and pagination. Generated operations are thin calls into it.
//!
//! Generated types need only [`DecodeStruct`] and its helpers, [`EncodeStruct`], [`decode_enum`],
//! [`decode_tagged`] and [`decode_union`], which serde alone provides; everything else here, and
//! with it reqwest and tokio, is behind the crate's `client` feature (on by default).

mod decode;
mod structs;

pub use decode::{Shape, decode_enum, decode_tagged, decode_union};
pub use structs::{DecodeStruct, EncodeStruct, decode_field, decode_struct};

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
#[cfg(feature = "tracing")]
mod trace;

#[cfg(feature = "client")]
pub use {
    auth::{ApiKeyLocation, AuthError, Credential, Scheme, Secret, Security, TokenSource},
    client::{
        BaseUrl, BuildError, CallOptions, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_TIMEOUT, NoBaseUrl, Sending, USER_AGENT, header_text, http_client_builder,
    },
    encode::{Multipart, QueryStyle, path_segment},
    event::{Event, StreamError},
    form::FieldStyle,
    paging::{Items, Pages, items, link_next, next_page_url, pages},
    policy::{Attempt, DEFAULT_MAX_RETRY_AFTER, Hook, Outcome, RetryPolicy},
    request::{Operation, Request},
    reqwest,
    reqwest::header::HeaderMap,
    reqwest::{Method, StatusCode},
    response::{ApiError, Error, InvalidRequest, RawResponse, Redirect, Response},
    stream::{ByteStream, EventStream, Streaming},
};

/// The types streamed responses are made of: chunks of a body, and the trait of every stream.
#[cfg(feature = "client")]
pub use {bytes::Bytes, futures_core::Stream};
