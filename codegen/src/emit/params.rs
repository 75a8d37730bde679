//! The `params` module of an API: for each operation with optional query or header parameters,
//! a struct of them that derives `Default`, so a call sets only what it needs:
//! `client.list_agents(&ListAgentsParams { limit: Some(10), ..Default::default() })`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, own_doc_attrs, sanitize};
use super::tokens::{Paths, ident, module_with_types};
use crate::model::{Api, Operation};

pub fn params_module(api: &Api) -> TokenStream {
    let header = inner_doc_attrs(&format!(
        "The optional query and header parameters of the operations of {}, one struct per operation.",
        sanitize(&api.title)
    ));
    let structs: TokenStream = api.operations.iter().filter_map(|op| params_struct(api, op)).collect();
    module_with_types(header, structs)
}

fn params_struct(api: &Api, op: &Operation) -> Option<TokenStream> {
    let optional: Vec<_> = op.optional_params().collect();
    if optional.is_empty() {
        return None;
    }
    let name = ident(&op.params_type);
    let doc = format!("Optional parameters of [`Client::{0}`](super::Client::{0}).", op.name);
    let docs = own_doc_attrs(&doc);
    let fields = optional.iter().map(|param| {
        let field = ident(&param.name);
        let ty = Paths::outside().type_of(api, &param.ty);
        let location = format!("`{}` ({})", param.wire_name, param.location.as_str());
        let docs = doc_attrs([param.docs.as_deref(), Some(location.as_str())]);
        quote!(#docs pub #field: Option<#ty>,)
    });
    Some(quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    })
}
