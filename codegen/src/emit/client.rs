//! The root of an API module: its docs, the `Client`, its builder, and the spec's servers.

use proc_macro2::TokenStream;
use quote::quote;

use super::credentials::{credential_setter, scheme_constants, scope_enum, scope_type};
use super::docs::{doc_attrs, inner_doc_attrs, one_line, sanitize};
use super::tokens::{Imports, Paths, RUNTIME, TYPES, ident};
use crate::model::{Api, ClientHeader, Operation, TypeRef};

/// The API module's root (`mod.rs`): its docs and child modules. Everything but the types is
/// behind the crate's `client` feature.
pub fn api_module(api: &Api) -> TokenStream {
    let overview = format!(
        "{} {}\n\nGenerated from `{}`: {} operations, {} types.",
        sanitize(&api.title),
        sanitize(&api.version),
        api.source,
        api.operations.len(),
        api.types.len()
    );
    let mut overview = overview;
    if let Some(overlay) = &api.overlay {
        overview.push_str(&format!(" The overlay `{overlay}` was applied to the spec first."));
    }
    overview.push_str(&super::docs::webhook_docs(api));
    let omissions: Vec<_> = api.warnings.iter().filter(|w| w.kind == crate::model::WarningKind::Omission).collect();
    if !omissions.is_empty() {
        overview.push_str("\n\n# Not generated\n\nParts of the spec this module leaves out:\n");
        for warning in omissions {
            overview.push_str(&format!("\n- `{}`: {}", warning.pointer, sanitize(&warning.message)));
        }
    }
    let header = inner_doc_attrs(&overview);
    let description = api.description.as_deref().map(|d| {
        let docs = inner_doc_attrs(&sanitize(d));
        quote!(#![doc = ""] #docs)
    });
    let index = (!api.operations.is_empty()).then(|| {
        let docs = inner_doc_attrs(&endpoint_index(api));
        quote!(#![doc = ""] #docs)
    });
    let mut exports = vec![quote!(Client), quote!(ClientBuilder)];
    exports.extend((!api.servers.is_empty()).then(|| quote!(Server)));
    exports.extend(api.security_schemes.iter().filter_map(scope_type).map(|name| {
        let name = ident(name);
        quote!(#name)
    }));
    quote! {
        #header
        #description
        #index

        #[cfg(feature = "client")]
        mod client;
        mod codec;
        #[cfg(feature = "client")]
        mod operations;
        #[cfg(feature = "client")]
        pub mod requests;
        #[cfg(feature = "client")]
        pub mod responses;
        pub mod types;
        #[cfg(feature = "mock")]
        pub mod mock;

        #[cfg(feature = "client")]
        pub use client::{#(#exports),*};
    }
}

/// The operations of one tag, or (`name: None`) those without a tag.
pub(super) struct TagGroup<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub operations: Vec<&'a Operation>,
}

/// The operations grouped by the spec's tags: its declared tags first, in its order, then the
/// others as operations name them, then untagged operations; empty groups left out. An operation
/// with several tags is in each of its groups.
pub(super) fn tag_groups(api: &Api) -> Vec<TagGroup<'_>> {
    let mut groups: Vec<(&str, Option<&str>)> = api.tags.iter().map(|(t, d)| (t.as_str(), d.as_deref())).collect();
    for tag in api.operations.iter().flat_map(|op| &op.tags) {
        if !groups.iter().any(|(name, _)| name == tag) {
            groups.push((tag, None));
        }
    }
    let untagged = api.operations.iter().any(|op| op.tags.is_empty());
    groups
        .iter()
        .map(|(name, description)| (Some(*name), *description))
        .chain(untagged.then_some((None, None)))
        .map(|(name, description)| TagGroup {
            name,
            description,
            operations: api
                .operations
                .iter()
                .filter(|op| match name {
                    Some(tag) => op.tags.iter().any(|t| t == tag),
                    None => op.tags.is_empty(),
                })
                .collect(),
        })
        .filter(|group| !group.operations.is_empty())
        .collect()
}

/// The endpoints by tag ([`tag_groups`]), each a table row: the method (linked), HTTP method
/// and path, and summary.
fn endpoint_index(api: &Api) -> String {
    let mut text = String::from("# Endpoints\n");
    for group in tag_groups(api) {
        text.push_str(&format!("\n## {}\n\n", one_line(group.name.unwrap_or("Other"))));
        if let Some(description) = group.description.map(sanitize).filter(|d| !d.is_empty()) {
            text.push_str(&format!("{description}\n\n"));
        }
        text.push_str("| Method | Endpoint | Summary |\n|---|---|---|\n");
        for op in group.operations {
            let summary = op.summary.as_deref().map(|s| one_line(s).replace('|', "\\|"));
            text.push_str(&format!(
                "| [`{0}`](Client::{0}) | `{1} {2}` | {3} |\n",
                op.name,
                op.method.as_str(),
                op.path.text,
                summary.unwrap_or_default()
            ));
        }
    }
    text
}

/// The API's client (`client.rs`): `Client`, its builder, the spec's servers and scopes.
pub fn client_module(api: &Api) -> TokenStream {
    let (types, items) = Imports::default()
        .if_used(
            TYPES,
            quote!(
                use super::types;
            ),
        )
        .around(|| {
            let (servers, builder_start) = servers(api);
            let credentials = api.security_schemes.iter().map(credential_setter);
            let headers = api.client_headers.iter().map(|header| header_setter(api, header));
            let schemes = scheme_constants(api);
            let scope_enums = api.security_schemes.iter().map(scope_enum);
            let title = format!(" A client for {} {}.", sanitize(&api.title), sanitize(&api.version));
            let server_setter = (!api.servers.is_empty()).then(|| {
                quote! {
                    /// Sends requests to one of the spec's servers.
                    pub fn server(self, server: Server) -> ClientBuilder {
                        self.base_url(server.url())
                    }
                }
            });
            quote! {
                #schemes

                #servers

                #(#scope_enums)*

                #[doc = #title]
                ///
                /// Cheap to clone: clones share one connection pool.
                #[derive(Debug, Clone)]
                pub struct Client {
                    pub(super) runtime: #RUNTIME::Client,
                }

                impl Client {
                    #builder_start

                    /// The base URL requests go to.
                    pub fn base_url(&self) -> &str {
                        self.runtime.base_url()
                    }

                    /// The same client with another time limit for whole calls, retries and their waits
                    /// included (`None`: no limit), for the calls made through it:
                    /// `client.with_timeout(Duration::from_secs(5)).op(..)`.
                    pub fn with_timeout(&self, timeout: impl Into<Option<Duration>>) -> Client {
                        Client { runtime: self.runtime.with_timeout(timeout.into()) }
                    }

                    /// The same client with another time limit for each attempt of a call (`None`: only
                    /// the call's), for the calls made through it.
                    pub fn with_attempt_timeout(&self, timeout: impl Into<Option<Duration>>) -> Client {
                        Client { runtime: self.runtime.with_attempt_timeout(timeout.into()) }
                    }

                    /// The same client with another retry policy, for the calls made through it.
                    pub fn with_retry(&self, policy: #RUNTIME::RetryPolicy) -> Client {
                        Client { runtime: self.runtime.with_retry(policy) }
                    }
                }

                /// Configures a [`Client`]: where it sends requests, with which credentials and headers.
                ///
                /// `B` says whether a base URL is set yet ([`runtime::BaseUrl`]) or not
                /// ([`runtime::NoBaseUrl`]); only a builder with one can [`build`](ClientBuilder::build).
                #[derive(Debug, Clone)]
                pub struct ClientBuilder<B = #RUNTIME::BaseUrl> {
                    inner: #RUNTIME::ClientBuilder,
                    base_url: PhantomData<B>,
                }

                impl<B> ClientBuilder<B> {
                    fn map(self, set: impl FnOnce(#RUNTIME::ClientBuilder) -> #RUNTIME::ClientBuilder) -> Self {
                        ClientBuilder { inner: set(self.inner), base_url: PhantomData }
                    }

                    #server_setter

                    /// Sends requests to `url`.
                    pub fn base_url(self, url: impl Into<String>) -> ClientBuilder {
                        ClientBuilder { inner: self.inner.base_url(url), base_url: PhantomData }
                    }

                    #(#headers)*

                    #(#credentials)*

                    /// Sends this header with every request; a per-call header of the same name replaces it.
                    pub fn default_header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
                        self.map(|inner| inner.default_header(name, value))
                    }

                    /// Uses this HTTP client (for proxies, TLS roots) instead of a default one; its own
                    /// connect timeout and `User-Agent` then apply.
                    pub fn http_client(self, client: #RUNTIME::reqwest::Client) -> Self {
                        self.map(|inner| inner.http_client(client))
                    }

                    /// The time a whole call may take (default 60 s): its attempts and the waits between
                    /// them; a retry whose wait would pass it is not made. `None` waits for ever.
                    pub fn timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
                        self.map(|inner| inner.timeout(timeout.into()))
                    }

                    /// The time one attempt may take (unset by default); an attempt that runs out of it
                    /// is retried, within the call's timeout.
                    pub fn attempt_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
                        self.map(|inner| inner.attempt_timeout(timeout.into()))
                    }

                    /// The time connecting may take (default 10 s).
                    pub fn connect_timeout(self, timeout: Duration) -> Self {
                        self.map(|inner| inner.connect_timeout(timeout))
                    }

                    /// When failed requests are sent again; see [`runtime::RetryPolicy`] for the default.
                    pub fn retry(self, policy: #RUNTIME::RetryPolicy) -> Self {
                        self.map(|inner| inner.retry(policy))
                    }

                    /// The largest response body accepted (default 64 MiB); larger ones are refused with
                    /// [`runtime::Error::BodyTooLarge`] without being read to the end.
                    pub fn max_response_bytes(self, limit: usize) -> Self {
                        self.map(|inner| inner.max_response_bytes(limit))
                    }

                    /// Runs `hook` around every request this client sends.
                    pub fn hook(self, hook: impl #RUNTIME::Hook + 'static) -> Self {
                        self.map(|inner| inner.hook(::std::sync::Arc::new(hook)))
                    }

                    /// Reports to `sink` each way a response differs from the spec (an undeclared status,
                    /// property or media type, an unknown enum value, a body that does not match):
                    /// see [`runtime::Deviation`]. Nothing is spent on them without a sink.
                    pub fn deviations(self, sink: ::std::sync::Arc<dyn #RUNTIME::DeviationSink>) -> Self {
                        self.map(|inner| inner.deviations(sink))
                    }
                }

                impl ClientBuilder<#RUNTIME::BaseUrl> {
                    /// Builds the client; fails if the base URL is not an absolute http(s) URL or a
                    /// default header cannot be sent.
                    pub fn build(self) -> Result<Client, #RUNTIME::BuildError> {
                        Ok(Client { runtime: self.inner.build()? })
                    }
                }
            }
        });
    quote! {
        use std::marker::PhantomData;
        use std::time::Duration;

        #types
        use crate::runtime;

        #items
    }
}

/// The builder method of a client header, documented from the spec with its default.
fn header_setter(api: &Api, header: &ClientHeader) -> TokenStream {
    let setter = ident(&header.setter);
    let wire = &header.wire_name;
    let default = match &header.default {
        Some(value) => format!("Sent with every request; `{value}` unless set."),
        None => "Sent with every request once set; not sent unless set.".to_string(),
    };
    let location = format!("`{wire}` header");
    let docs = doc_attrs([header.docs.as_deref(), Some(location.as_str()), Some(default.as_str())]);
    let (ty, value) = match &header.ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(value)),
        other => {
            let ty = Paths::outside().type_of(api, other);
            (quote!(#ty), quote!(#RUNTIME::header_text(&value)))
        }
    };
    quote! {
        #docs
        pub fn #setter(self, value: #ty) -> Self {
            self.map(|inner| inner.default_header(#wire, #value))
        }
    }
}

/// The `Server` enum (when the spec lists servers) and the matching `Client::builder`.
fn servers(api: &Api) -> (TokenStream, TokenStream) {
    // The module name names the API in deviation records.
    let module = api.module.as_str();
    let defaults: Vec<TokenStream> = std::iter::once(quote!(.api(#module)))
        .chain(api.client_headers.iter().filter_map(|header| {
            let (wire, value) = (&header.wire_name, header.default.as_ref()?);
            Some(quote!(.default_header(#wire, #value)))
        }))
        .collect();
    let Some(first) = api.servers.first() else {
        let start = quote! {
            /// Starts configuring a client. The spec names no server, so a base URL must be set
            /// with [`ClientBuilder::base_url`] before the client can be built.
            pub fn builder() -> ClientBuilder<#RUNTIME::NoBaseUrl> {
                ClientBuilder { inner: #RUNTIME::ClientBuilder::new("") #(#defaults)*, base_url: PhantomData }
            }
        };
        return (quote!(), start);
    };
    let variants = api.servers.iter().enumerate().map(|(i, server)| {
        let name = ident(&server.name);
        let doc = format!("`{}`", server.url);
        let docs = doc_attrs([server.description.as_deref(), Some(doc.as_str())]);
        let default = (i == 0).then(|| quote!(#[default]));
        quote!(#docs #default #name,)
    });
    let arms = api.servers.iter().map(|server| {
        let name = ident(&server.name);
        let url = &server.url;
        quote!(Server::#name => #url,)
    });
    let enum_def = quote! {
        /// The servers the spec lists; the first is the default.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Server {
            #(#variants)*
        }

        impl Server {
            /// The server's base URL.
            pub fn url(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }
    };
    let default_doc = format!(" Starts configuring a client for the default server, `{}`.", first.url);
    let start = quote! {
        #[doc = #default_doc]
        pub fn builder() -> ClientBuilder {
            ClientBuilder { inner: #RUNTIME::ClientBuilder::new(Server::default().url()) #(#defaults)*, base_url: PhantomData }
        }
    };
    (enum_def, start)
}
