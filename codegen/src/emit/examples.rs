//! The examples test of a generated crate (`tests/examples.rs`): every example of every spec that
//! the model found to conform, decoded into its generated type. Each must decode, land in no
//! catch-all variant, and encode back to the same JSON (numbers compared by value).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{Paths, ident};
use crate::model::{Api, TypeRef};

/// The test file for `apis`; `krate` is the crate's library name.
pub fn examples_test(apis: &[Api], krate: &str) -> TokenStream {
    let krate = proc_macro2::Ident::new(krate, proc_macro2::Span::call_site());
    let modules = apis.iter().filter_map(|api| api_module(api, &krate));
    quote! {
        //! Every example the specs give, decoded into its generated type: it must decode, land in
        //! no catch-all (`Unknown`) variant, and encode back to the same JSON.

        use std::fmt::Debug;

        use serde::Serialize;
        use serde::de::DeserializeOwned;

        /// Checks one example; returns what is wrong with it.
        fn check<T: DeserializeOwned + Serialize + Debug>(pointer: &str, json: &str) -> Option<String> {
            let value: serde_json::Value = match serde_json::from_str(json) {
                Ok(value) => value,
                Err(e) => return Some(format!("{pointer}: not JSON: {e}")),
            };
            let decoded: T = match serde_json::from_value(value.clone()) {
                Ok(decoded) => decoded,
                Err(e) => return Some(format!("{pointer}: does not decode: {e}")),
            };
            let debug = format!("{decoded:?}");
            if holds_catch_all(&debug) {
                return Some(format!("{pointer}: lands in a catch-all variant: {debug}"));
            }
            match serde_json::to_value(&decoded) {
                Ok(encoded) if same_json(&value, &encoded) => None,
                Ok(encoded) => Some(format!("{pointer}: comes back as {encoded}")),
                Err(e) => Some(format!("{pointer}: does not encode: {e}")),
            }
        }

        /// Whether a `Debug` form shows a catch-all variant (`Unknown(...)`) outside string literals.
        fn holds_catch_all(debug: &str) -> bool {
            let (mut in_string, mut escaped, mut previous) = (false, false, ' ');
            for (i, c) in debug.char_indices() {
                if in_string {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => in_string = false,
                        _ => {}
                    }
                } else if c == '"' {
                    in_string = true;
                } else if debug[i..].starts_with("Unknown(") && !(previous.is_alphanumeric() || previous == '_') {
                    return true;
                }
                previous = c;
            }
            false
        }

        /// JSON equality, numbers compared by value (`1` and `1.0` are the same number).
        fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
            use serde_json::Value;
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                    (Some(x), Some(y), _, _) => x == y,
                    (_, _, Some(x), Some(y)) => x == y,
                    _ => x.as_f64() == y.as_f64(),
                },
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
                (Value::Object(x), Value::Object(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
                }
                _ => a == b,
            }
        }

        #(#modules)*
    }
}

fn api_module(api: &Api, krate: &proc_macro2::Ident) -> Option<TokenStream> {
    let examples = &api.examples;
    if examples.is_empty() {
        return None;
    }
    let module = ident(&api.module);
    let feature = api.module.as_str();
    let checks = examples.iter().map(|example| {
        let ty = Paths::outside().type_of(api, &example.ty);
        let pointer = &example.pointer;
        let json = Literal::string(&example.value.to_string());
        quote!(check::<#ty>(#pointer, #json),)
    });
    let count = examples.len();
    let types_import = examples.iter().any(|e| names_a_type(&e.ty)).then(|| quote!(use #krate::#module::types;));
    Some(quote! {
        #[cfg(feature = #feature)]
        mod #module {
            #types_import
            use super::check;

            #[test]
            fn every_example_decodes_whole_and_round_trips() {
                let problems: Vec<String> = [#(#checks)*].into_iter().flatten().collect();
                assert!(problems.is_empty(), "{} of {} examples:\n{}", problems.len(), #count, problems.join("\n"));
            }
        }
    })
}

fn names_a_type(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => names_a_type(inner),
        _ => false,
    }
}
