//! Test support: for each API, a function that calls every operation once with the minimal valid
//! arguments the model derived from the spec ([`crate::model::Param::sample`]). The end-to-end
//! tests run it against a mock server that validates each request against the spec.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{Imports, Paths, REQUESTS, SAMPLE, TYPES, ident};
use crate::model::{Api, Operation, TypeRef};

/// `mod.rs` naming every API's calls module.
pub fn calls_root(apis: &[Api]) -> TokenStream {
    let modules = apis.iter().map(|api| {
        let name = ident(&api.module);
        quote!(pub mod #name;)
    });
    quote! {
        //! Every operation of every API, called once with minimal valid arguments built from its spec.
        #(#modules)*
    }
}

/// The calls module of one API; `krate` is the generated crate's library name.
pub fn calls_module(api: &Api, krate: &str) -> TokenStream {
    let krate = proc_macro2::Ident::new(krate, proc_macro2::Span::call_site());
    let module = ident(&api.module);
    let (uses_sample, (imports, calls)) = Imports::writes(SAMPLE, || {
        Imports::default()
            .if_used(TYPES, quote!(use #krate::#module::types;))
            .if_used(REQUESTS, quote!(use #krate::#module::requests;))
            .around(|| api.operations.iter().map(|op| call(api, op)).collect())
    });
    let sample_fn = uses_sample.then(|| {
        quote! {
            /// Decodes a sample value from the spec into whatever type the argument needs.
            fn sample<T: serde::de::DeserializeOwned>(json: &str) -> T {
                serde_json::from_str(json).unwrap_or_else(|e| panic!("sample {json} does not decode: {e}"))
            }
        }
    });
    let title = format!(" Calls every operation of {} once; returns each method's name and its outcome.", api.title);
    quote! {
        #imports
        use #krate::#module::Client;
        use #krate::runtime::{Error, Response};

        #sample_fn

        /// A call's outcome, with the response body in the message when it failed.
        fn outcome<T, E>(result: Result<Response<T>, Error<E>>) -> Result<(), String> {
            result.map(|_| ()).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(e.raw_body().unwrap_or_default())))
        }

        #[doc = #title]
        #[allow(deprecated)]
        pub async fn call_every_operation(client: &Client) -> Vec<(&'static str, Result<(), String>)> {
            let mut outcomes = Vec::new();
            #calls
            outcomes
        }
    }
}

fn call(api: &Api, op: &Operation) -> TokenStream {
    let method = ident(&op.name);
    let name = op.name.as_str();
    let mut args: Vec<TokenStream> = op.required_params().map(|p| argument(api, &p.ty, &p.sample)).collect();
    let mut optional_body = None;
    if let Some(body) = &op.body {
        let value = match body.encoding {
            crate::model::BodyEncoding::Bytes => quote!(b"sample"),
            crate::model::BodyEncoding::Text => quote!("sample"),
            _ => {
                let json = Literal::string(&body.sample.to_string());
                quote!(#SAMPLE(#json))
            }
        };
        if body.required {
            args.push(value);
        } else {
            optional_body = Some(quote!(.body(#value)));
        }
    }
    if let Some(required) = &op.required_type {
        // Too many for arguments: the struct of them, holding what the arguments convert into.
        let required = ident(required);
        let fields = super::operations::required_inputs(op).into_iter().zip(&args).map(|((name, converts), value)| {
            if converts { quote!(#name: #value.into()) } else { quote!(#name: #value) }
        });
        let literal = quote!(#REQUESTS::#required { #(#fields),* });
        args = vec![literal];
    }
    quote! {
        outcomes.push((#name, outcome(client.#method(#(#args),*) #optional_body .send().await)));
    }
}

/// An argument expression of the type the method takes for `ty`, holding `value`.
fn argument(api: &Api, ty: &TypeRef, value: &serde_json::Value) -> TokenStream {
    match ty {
        TypeRef::String => {
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            let text = Literal::string(&text);
            quote!(#text)
        }
        TypeRef::Int(_) => {
            let number = Literal::i64_unsuffixed(value.as_i64().unwrap_or(1));
            quote!(#number)
        }
        TypeRef::Float(_) => {
            let number = Literal::f64_unsuffixed(value.as_f64().unwrap_or(1.0));
            quote!(#number)
        }
        TypeRef::Bool => {
            if value.as_bool().unwrap_or(true) {
                quote!(true)
            } else {
                quote!(false)
            }
        }
        TypeRef::Option(inner) if !value.is_null() => {
            let inner = argument(api, inner, value);
            quote!(Some(#inner))
        }
        TypeRef::Option(_) => quote!(None),
        TypeRef::Vec(item) => {
            let item = Paths::outside().type_of(api, item);
            let json = Literal::string(&value.to_string());
            quote!(#SAMPLE::<Vec<#item>>(#json))
        }
        _ => {
            let json = Literal::string(&value.to_string());
            quote!(#SAMPLE(#json))
        }
    }
}
