//! The `responses` module of an API (what each operation can answer: its declared errors, and its
//! successes where it declares several kinds), and the status dispatch that decodes them.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, own_doc_attrs, sanitize};
use super::tokens::{Paths, RESPONSES, RUNTIME, ident, module_with_types};
use super::{Items, RustFile};
use crate::model::ident::Ident;
use crate::model::{Api, ErrorEnum, Operation, ResponseBody, ResponseCase, StatusMatch, Successes};

/// One enum of declared error responses per operation (an alias where an earlier operation
/// declares the same), and one of successes where an operation declares several different ones.
pub fn responses_module(api: &Api) -> RustFile<'_> {
    let header = inner_doc_attrs(&format!(
        "What each operation of {} can answer: the error responses it declares, and its \
         successes where it declares several kinds.",
        sanitize(&api.title)
    ));
    let enums = Items::map(api.operations.iter(), move |op| {
        let method_link = format!("[`Client::{0}`](super::Client::{0})", op.name);
        let errors = error_type(api, op, &method_link);
        let successes = match &op.successes {
            Successes::Several { type_name } => {
                Some(outcome_enum(api, type_name, &op.success, &format!("The successes {method_link} declares.")))
            }
            Successes::Undeclared | Successes::One => None,
        };
        quote!(#errors #successes)
    });
    let mut file = module_with_types(header, enums);
    file.imports = file.imports.if_used(
        RUNTIME,
        quote!(
            use crate::runtime;
        ),
    );
    file
}

/// The operation's error enum, or the alias naming the enum it shares with an earlier operation.
fn error_type(api: &Api, op: &Operation, method_link: &str) -> TokenStream {
    match &op.error_enum {
        ErrorEnum::Own { shared_by } => {
            let others = match shared_by {
                0 => None,
                1 => Some("another operation declares".to_string()),
                n => Some(format!("{n} other operations declare")),
            };
            let shared = others
                .map(|others| format!("; {others} the same, and their error types name this enum"))
                .unwrap_or_default();
            outcome_enum(
                api,
                &op.error_type,
                &op.errors,
                &format!("The error responses {method_link} declares{shared}."),
            )
        }
        ErrorEnum::NoneDeclared => {
            let docs = own_doc_attrs(&format!(
                "The error responses {method_link} declares: none. An error status it gets is \
                 [`Error::UnexpectedStatus`](crate::runtime::Error::UnexpectedStatus)."
            ));
            let name = ident(&op.error_type);
            quote! {
                #docs
                pub type #name = #RUNTIME::NoDeclaredErrors;
            }
        }
        ErrorEnum::SameAs(owner) => {
            let docs = own_doc_attrs(&format!(
                "The error responses {method_link} declares: the same as [`{owner}`]'s, which this names."
            ));
            let (name, owner) = (ident(&op.error_type), ident(owner));
            quote! {
                #docs
                pub type #name = #owner;
            }
        }
    }
}

fn outcome_enum(api: &Api, name: &Ident, cases: &[ResponseCase], doc: &str) -> TokenStream {
    let name = ident(name);
    let docs = own_doc_attrs(doc);
    let variants = cases.iter().map(|case| {
        let variant = ident(&case.variant);
        let status = match case.status {
            StatusMatch::Default => "Any other status".to_string(),
            status => format!("`{status}`"),
        };
        let line = match &case.docs {
            Some(text) => format!("{status}: {text}"),
            None => status,
        };
        let docs = doc_attrs([Some(line.as_str())]);
        match body_type(api, &case.body) {
            Some(ty) if case.boxed => quote!(#docs #variant(Box<#ty>),),
            Some(ty) => quote!(#docs #variant(#ty),),
            None => quote!(#docs #variant,),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

pub(super) fn body_type(api: &Api, body: &ResponseBody) -> Option<TokenStream> {
    match body {
        ResponseBody::Empty => None,
        ResponseBody::Json(ty) => Some(Paths::outside().type_of(api, ty)),
        ResponseBody::Text => Some(quote!(String)),
        ResponseBody::Bytes => Some(quote!(Vec<u8>)),
        ResponseBody::EventStream(events) => {
            let data = events.data.as_ref().map_or_else(|| quote!(String), |ty| Paths::outside().type_of(api, ty));
            Some(quote!(#RUNTIME::EventStream<#data>))
        }
        ResponseBody::Redirect => Some(quote!(#RUNTIME::Redirect)),
    }
}

/// Whether any success of the operation is a stream of events, which it reads as it comes.
pub(super) fn streams_events(op: &Operation) -> bool {
    op.success.iter().any(|case| matches!(case.body, ResponseBody::EventStream(_)))
}

/// For an operation that streams events: `if` statements that return the event stream for the
/// statuses that give one, before the rest of the response is read as usual.
pub(super) fn event_returns(op: &Operation) -> Vec<TokenStream> {
    op.success
        .iter()
        .filter_map(|case| {
            let ResponseBody::EventStream(events) = &case.body else { return None };
            let status = if case.status == StatusMatch::Default { StatusMatch::Range(2) } else { case.status };
            let pattern = status_pattern(status);
            let stream = events_expr(events);
            let expr = match &op.successes {
                Successes::Several { type_name } => {
                    let (success_type, variant) = (ident(type_name), ident(&case.variant));
                    quote!(#stream.map(#RESPONSES::#success_type::#variant))
                }
                Successes::One | Successes::Undeclared => stream,
            };
            Some(quote! {
                if matches!(response.status().as_u16(), #pattern) {
                    return Ok(#expr);
                }
            })
        })
        .collect()
}

/// The events of a `Streaming` response named `response`.
pub(super) fn events_expr(events: &crate::model::EventStream) -> TokenStream {
    let done = match &events.done {
        Some(done) => quote!(Some(#done)),
        None => quote!(None),
    };
    match &events.data {
        Some(_) => quote!(response.events(#done)),
        None => quote!(response.text_events(#done)),
    }
}

/// The status dispatch of a read response named `response`: each declared success decoded, each
/// declared error wrapped in the operation's error enum, anything else unexpected.
pub(super) fn response_dispatch(op: &Operation) -> TokenStream {
    dispatch(op, true)
}

/// The dispatch for errors only, where the successes were handled before (a stream).
pub(super) fn error_dispatch(op: &Operation) -> TokenStream {
    dispatch(op, false)
}

fn dispatch(op: &Operation, with_successes: bool) -> TokenStream {
    let error_type = ident(&op.error_type);
    let mut cases: Vec<(StatusMatch, TokenStream)> = Vec::new();
    // Event streams were returned before the body was read (see `event_returns`).
    let successes = op.success.iter().filter(|c| with_successes && !matches!(c.body, ResponseBody::EventStream(_)));
    for case in successes {
        let decode = success_decode(&case.body);
        let expr = if let Successes::Several { type_name } = &op.successes {
            let success_type = ident(type_name);
            let variant = ident(&case.variant);
            let variant = quote!(#RESPONSES::#success_type::#variant);
            match &case.body {
                // The variant's constructor gives the JSON decode its target type.
                ResponseBody::Json(_) if case.boxed => quote!(response.json_map(|body| #variant(Box::new(body)))),
                ResponseBody::Json(_) => quote!(response.json_map(#variant)),
                ResponseBody::Empty => quote!(#decode.map(|r| r.map(|()| #variant))),
                _ => quote!(#decode.map(|r| r.map(#variant))),
            }
        } else {
            decode
        };
        // A `default` success (a spec whose only response is `default`) still means 2xx.
        let status = if case.status == StatusMatch::Default { StatusMatch::Range(2) } else { case.status };
        cases.push((status, expr));
    }
    if op.success.is_empty() && with_successes {
        cases.push((StatusMatch::Range(2), quote!(response.empty())));
    }
    for case in &op.errors {
        let variant = ident(&case.variant);
        let path = quote!(#RESPONSES::#error_type::#variant);
        let expr = match &case.body {
            ResponseBody::Empty => quote!(response.error(#path)),
            ResponseBody::Json(_) if case.boxed => quote!(response.error_json(|body| #path(Box::new(body)))),
            ResponseBody::Json(_) => quote!(response.error_json(#path)),
            ResponseBody::Text => quote!(response.error_text(#path)),
            ResponseBody::Bytes => quote!(response.error_bytes(#path)),
            // The model gives events and redirects to successes only; an error answer is text.
            ResponseBody::EventStream(_) | ResponseBody::Redirect => quote!(response.error_text(#path)),
        };
        cases.push((case.status, expr));
    }
    cases.sort_by_key(|(status, _)| match status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    // A range leaves out the statuses that have arms of their own, so that no two arms overlap.
    let explicit: Vec<u16> = cases
        .iter()
        .filter_map(|(status, _)| match status {
            StatusMatch::Code(code) => Some(*code),
            StatusMatch::Range(_) | StatusMatch::Default => None,
        })
        .collect();
    let mut arms: Vec<TokenStream> = cases
        .iter()
        .map(|(status, expr)| {
            let pattern = match status {
                StatusMatch::Range(digit) => range_pattern(*digit, &explicit),
                _ => status_pattern(*status),
            };
            quote!(#pattern => #expr,)
        })
        .collect();
    match cases.as_slice() {
        [] => return quote!(Err(response.unexpected())),
        // Any status one way: no `match` of one arm.
        [(StatusMatch::Default, expr)] => return expr.clone(),
        _ => {}
    }
    if !cases.iter().any(|(s, _)| *s == StatusMatch::Default) {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }
    quote! {
        match response.status().as_u16() {
            #(#arms)*
        }
    }
}

/// The match pattern of a status.
pub(super) fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(digit) => {
            let low = Literal::u16_unsuffixed(u16::from(digit) * 100);
            let high = Literal::u16_unsuffixed(u16::from(digit) * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// The statuses of the range `digit`XX that are not among `explicit`, as runs of ranges
/// (`401..=403 | 405..=499`); the whole range when none is explicit.
fn range_pattern(digit: u8, explicit: &[u16]) -> TokenStream {
    let (low, high) = (u16::from(digit) * 100, u16::from(digit) * 100 + 99);
    let mut runs: Vec<(u16, u16)> = Vec::new();
    let mut start = None;
    for code in low..=high + 1 {
        let free = code <= high && !explicit.contains(&code);
        match (free, start) {
            (true, None) => start = Some(code),
            (false, Some(first)) => {
                runs.push((first, code - 1));
                start = None;
            }
            _ => {}
        }
    }
    let patterns = runs.into_iter().map(|(first, last)| {
        let first_literal = Literal::u16_unsuffixed(first);
        let last_literal = Literal::u16_unsuffixed(last);
        if first == last { quote!(#first_literal) } else { quote!(#first_literal..=#last_literal) }
    });
    quote!(#(#patterns)|*)
}

fn success_decode(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(response.empty()),
        ResponseBody::Json(_) => quote!(response.json()),
        ResponseBody::Text => quote!(response.text_body()),
        ResponseBody::Redirect => quote!(response.redirect()),
        // Event streams never reach here (see `dispatch`); bytes are what they are.
        ResponseBody::Bytes | ResponseBody::EventStream(_) => quote!(response.bytes()),
    }
}

/// The body type of a successful call: `()`, the one declared body, or the success enum.
pub(super) fn success_type(api: &Api, op: &Operation) -> TokenStream {
    match &op.successes {
        Successes::Undeclared => quote!(()),
        Successes::One => body_type(api, &op.success[0].body).unwrap_or_else(|| quote!(())),
        Successes::Several { type_name } => {
            let name = ident(type_name);
            quote!(#RESPONSES::#name)
        }
    }
}
