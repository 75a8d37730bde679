//! Credentials on the client: the constants that name each security scheme to the runtime, the
//! scope enums of OAuth2 schemes, and one builder method per scheme.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::tokens::{RUNTIME, SCHEME, ident};
use crate::model::ident::Ident;
use crate::model::{Api, SchemeKind, SecurityScheme};

/// The module of constants that name the spec's security schemes to the runtime, which keeps one
/// credential per scheme; operations list the ones they accept.
pub(super) fn scheme_constants(api: &Api) -> Option<TokenStream> {
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
pub(super) fn scope_type(scheme: &SecurityScheme) -> Option<&Ident> {
    match &scheme.kind {
        SchemeKind::OAuth2 { scopes, scope_type, .. } if !scopes.is_empty() => Some(scope_type),
        _ => None,
    }
}

/// The enum of an OAuth2 scheme's scopes, with their wire names.
pub(super) fn scope_enum(scheme: &SecurityScheme) -> Option<TokenStream> {
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
        #[non_exhaustive]
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

pub(super) fn credential_setter(scheme: &SecurityScheme) -> TokenStream {
    let setter = ident(&scheme.setter);
    let wire = &scheme.wire_name;
    let constant = ident(&scheme.constant);
    let scheme_tokens = quote!(#SCHEME::#constant);
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
                pub fn #setter(self, token: impl Into<String>) -> Self {
                    self.map(|inner| inner.credential(#scheme_tokens, #RUNTIME::Credential::Bearer(#RUNTIME::Secret::new(token))))
                }

                #[doc = #doc]
                pub fn #client_credentials(self, client_id: impl Into<String>, client_secret: impl Into<String>, scopes: &[#scope_type]) -> Self {
                    let scopes = scopes.iter().map(|scope| scope.as_str().to_string()).collect();
                    let source = #RUNTIME::TokenSource::new(#token_url, client_id, client_secret, scopes);
                    self.map(|inner| inner.credential(#scheme_tokens, #RUNTIME::Credential::ClientCredentials(::std::sync::Arc::new(source))))
                }
            }
        }
        (SchemeKind::Bearer { .. } | SchemeKind::OAuth2 { .. }, _) => quote! {
            #docs
            pub fn #setter(self, token: impl Into<String>) -> Self {
                self.map(|inner| inner.credential(#scheme_tokens, #RUNTIME::Credential::Bearer(#RUNTIME::Secret::new(token))))
            }
        },
        (SchemeKind::Basic, _) => quote! {
            #docs
            pub fn #setter(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                let credential = #RUNTIME::Credential::Basic { username: username.into(), password: #RUNTIME::Secret::new(password) };
                self.map(|inner| inner.credential(#scheme_tokens, credential))
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
                pub fn #setter(self, key: impl Into<String>) -> Self {
                    let credential = #RUNTIME::Credential::ApiKey {
                        location: #RUNTIME::ApiKeyLocation::#location,
                        name: #name,
                        value: #RUNTIME::Secret::new(key),
                    };
                    self.map(|inner| inner.credential(#scheme_tokens, credential))
                }
            }
        }
    }
}
