//! The root of an API module: its docs, the `Client`, its builder, and the spec's servers.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, sanitize};
use super::tokens::ident;
use crate::model::ident::Ident;
use crate::model::{Api, SchemeKind, SecurityScheme};

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
    let mut exports = vec![quote!(Client), quote!(ClientBuilder)];
    exports.extend((!api.servers.is_empty()).then(|| quote!(Server)));
    exports.extend(api.security_schemes.iter().filter_map(scope_type).map(|name| {
        let name = ident(name);
        quote!(#name)
    }));
    quote! {
        #header
        #description

        #[cfg(feature = "client")]
        mod client;
        #[cfg(feature = "client")]
        mod operations;
        #[cfg(feature = "client")]
        pub mod params;
        #[cfg(feature = "client")]
        pub mod responses;
        pub mod types;

        #[cfg(feature = "client")]
        pub use client::{#(#exports),*};
    }
}

/// The API's client (`client.rs`): `Client`, its builder, the spec's servers and scopes.
pub fn client_module(api: &Api) -> TokenStream {
    let (servers, builder_start) = servers(api);
    let setters = api.security_schemes.iter().map(credential_setter);
    let schemes = scheme_constants(api);
    let scope_enums = api.security_schemes.iter().map(scope_enum);
    let title = format!(" A client for {} {}.", sanitize(&api.title), sanitize(&api.version));
    let base_url_setter = (!api.servers.is_empty()).then(|| {
        quote! {
            /// Sends requests to one of the spec's servers.
            pub fn server(mut self, server: Server) -> Self {
                self.inner.base_url(server.url());
                self
            }

            /// Sends requests to `url` instead of a server the spec lists.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.inner.base_url(url);
                self
            }
        }
    });
    quote! {
        use std::time::Duration;

        use crate::runtime;

        #schemes

        #servers

        #(#scope_enums)*

        #[doc = #title]
        ///
        /// Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(super) runtime: runtime::Client,
        }

        impl Client {
            #builder_start

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            /// The same client with another time limit for whole requests (`None`: no limit),
            /// for the calls made through it: `client.with_timeout(Duration::from_secs(5)).op(..)`.
            pub fn with_timeout(&self, timeout: impl Into<Option<Duration>>) -> Client {
                Client { runtime: self.runtime.with_timeout(timeout.into()) }
            }

            /// The same client with another retry policy, for the calls made through it.
            pub fn with_retry(&self, policy: runtime::RetryPolicy) -> Client {
                Client { runtime: self.runtime.with_retry(policy) }
            }
        }

        /// Configures a [`Client`]: where it sends requests and with which credentials.
        #[derive(Debug, Clone)]
        pub struct ClientBuilder {
            inner: runtime::ClientBuilder,
        }

        impl ClientBuilder {
            #base_url_setter

            #(#setters)*

            /// Uses this HTTP client (for proxies, TLS roots) instead of a default one; its own
            /// connect timeout and `User-Agent` then apply.
            pub fn http_client(mut self, client: runtime::reqwest::Client) -> Self {
                self.inner.http_client(client);
                self
            }

            /// The time a whole request may take (default 60 s); `None` waits for ever.
            pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
                self.inner.timeout(timeout.into());
                self
            }

            /// The time connecting may take (default 10 s).
            pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                self.inner.connect_timeout(timeout);
                self
            }

            /// When failed requests are sent again; see [`runtime::RetryPolicy`] for the default.
            pub fn retry(mut self, policy: runtime::RetryPolicy) -> Self {
                self.inner.retry(policy);
                self
            }

            /// The largest response body accepted (default 64 MiB); larger ones are refused with
            /// [`runtime::Error::BodyTooLarge`] without being read to the end.
            pub fn max_response_bytes(mut self, limit: usize) -> Self {
                self.inner.max_response_bytes(limit);
                self
            }

            /// Runs `hook` around every request this client sends.
            pub fn hook(mut self, hook: impl runtime::Hook + 'static) -> Self {
                self.inner.hook(::std::sync::Arc::new(hook));
                self
            }

            /// Builds the client; fails only if the base URL is not an absolute http(s) URL.
            pub fn build(self) -> Result<Client, runtime::BuildError> {
                Ok(Client { runtime: self.inner.build()? })
            }
        }
    }
}

/// The `Server` enum (when the spec lists servers) and the matching `Client::builder`.
fn servers(api: &Api) -> (TokenStream, TokenStream) {
    let Some(first) = api.servers.first() else {
        let start = quote! {
            /// Starts configuring a client for the API served at `base_url`; the spec names no
            /// server, so there is no default.
            pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
                ClientBuilder { inner: runtime::ClientBuilder::new(base_url) }
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
            ClientBuilder { inner: runtime::ClientBuilder::new(Server::default().url()) }
        }
    };
    (enum_def, start)
}

/// The module of constants that name the spec's security schemes to the runtime, which keeps one
/// credential per scheme; operations list the ones they accept.
fn scheme_constants(api: &Api) -> Option<TokenStream> {
    if api.security_schemes.is_empty() {
        return None;
    }
    let constants = api.security_schemes.iter().enumerate().map(|(index, scheme)| {
        let constant = ident(&scheme.constant);
        let wire = &scheme.wire_name;
        let doc = format!(" `{wire}`");
        let position = proc_macro2::Literal::usize_unsuffixed(index);
        quote! {
            #[doc = #doc]
            pub const #constant: Scheme = Scheme::new(#position, #wire);
        }
    });
    Some(quote! {
        /// The spec's security schemes, as the runtime tells them apart.
        pub(super) mod scheme {
            use crate::runtime::Scheme;

            #(#constants)*
        }
    })
}

/// The name of an OAuth2 scheme's scope enum, when it has scopes.
fn scope_type(scheme: &SecurityScheme) -> Option<&Ident> {
    match &scheme.kind {
        SchemeKind::OAuth2 { scopes, scope_type, .. } if !scopes.is_empty() => Some(scope_type),
        _ => None,
    }
}

/// The enum of an OAuth2 scheme's scopes, with their wire names.
fn scope_enum(scheme: &SecurityScheme) -> Option<TokenStream> {
    let SchemeKind::OAuth2 { scopes, scope_type, .. } = &scheme.kind else { return None };
    if scopes.is_empty() {
        return None;
    }
    let name = ident(scope_type);
    let doc = format!(" The scopes of the `{}` OAuth2 scheme.", scheme.wire_name);
    let variants = scopes.iter().map(|scope| {
        let variant = ident(&scope.name);
        let docs = doc_attrs([Some(scope.description.as_str()), Some(format!("`{}`", scope.wire).as_str())]);
        quote!(#docs #variant,)
    });
    let arms = scopes.iter().map(|scope| {
        let variant = ident(&scope.name);
        let wire = &scope.wire;
        quote!(#name::#variant => #wire,)
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The scope as the authorization server knows it.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }
    })
}

fn credential_setter(scheme: &SecurityScheme) -> TokenStream {
    let setter = ident(&scheme.setter);
    let wire = &scheme.wire_name;
    let constant = ident(&scheme.constant);
    let scheme_tokens = quote!(scheme::#constant);
    let what = match &scheme.kind {
        SchemeKind::Bearer { .. } => format!("Sends `token` as the bearer token of the `{wire}` scheme."),
        SchemeKind::OAuth2 { .. } => format!("Sends `token` as the OAuth2 access token of the `{wire}` scheme."),
        SchemeKind::Basic => format!("Sends `username` and `password` with HTTP basic auth (`{wire}`)."),
        SchemeKind::ApiKey { name, .. } => format!("Sends `key` as the `{name}` API key (`{wire}`)."),
    };
    let docs = doc_attrs([Some(what.as_str()), scheme.description.as_deref()]);
    match (&scheme.kind, &scheme.client_credentials_setter) {
        (SchemeKind::OAuth2 { client_credentials_token_url: Some(token_url), scope_type, .. }, Some(setter_cc)) => {
            let client_credentials = ident(setter_cc);
            let scope_type = ident(scope_type);
            let doc = format!(
                " Trades `client_id` and `client_secret` for `{wire}` access tokens at `{token_url}` (resolved \
                 against the base URL), asking for `scopes`. Tokens are fetched when first needed, \
                 cached until shortly before they expire, and shared by clones of the client."
            );
            quote! {
                #docs
                pub fn #setter(mut self, token: impl Into<String>) -> Self {
                    self.inner.credential(#scheme_tokens, runtime::Credential::Bearer(runtime::Secret::new(token)));
                    self
                }

                #[doc = #doc]
                pub fn #client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<String>, scopes: &[#scope_type]) -> Self {
                    let scopes = scopes.iter().map(|scope| scope.as_str().to_string()).collect();
                    let source = runtime::TokenSource::new(#token_url, client_id, client_secret, scopes);
                    self.inner.credential(#scheme_tokens, runtime::Credential::ClientCredentials(::std::sync::Arc::new(source)));
                    self
                }
            }
        }
        (SchemeKind::Bearer { .. } | SchemeKind::OAuth2 { .. }, _) => quote! {
            #docs
            pub fn #setter(mut self, token: impl Into<String>) -> Self {
                self.inner.credential(#scheme_tokens, runtime::Credential::Bearer(runtime::Secret::new(token)));
                self
            }
        },
        (SchemeKind::Basic, _) => quote! {
            #docs
            pub fn #setter(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
                let credential = runtime::Credential::Basic { username: username.into(), password: runtime::Secret::new(password) };
                self.inner.credential(#scheme_tokens, credential);
                self
            }
        },
        (SchemeKind::ApiKey { location, name }, _) => {
            // Header names go on the wire lowercase; query and cookie names as the spec spells them.
            let (location, name) = match location {
                crate::model::ApiKeyLocation::Header => (quote!(Header), name.to_ascii_lowercase()),
                crate::model::ApiKeyLocation::Query => (quote!(Query), name.clone()),
                crate::model::ApiKeyLocation::Cookie => (quote!(Cookie), name.clone()),
            };
            quote! {
                #docs
                pub fn #setter(mut self, key: impl Into<String>) -> Self {
                    let credential = runtime::Credential::ApiKey {
                        location: runtime::ApiKeyLocation::#location,
                        name: #name,
                        value: runtime::Secret::new(key),
                    };
                    self.inner.credential(#scheme_tokens, credential);
                    self
                }
            }
        }
    }
}
