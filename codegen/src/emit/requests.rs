//! The `requests` module of an API: one request builder per operation. The client method takes
//! the required inputs (so the compiler enforces them); the builder has a setter per optional
//! input and the per-call settings, and `send` puts it all on the wire and decodes the answer.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_text, inner_doc_attrs, sanitize};
use super::layout::Writer;
use super::pagination::paging_methods;
use super::request_setup::{body_setup, param_setup, path_expr, security_tokens};
use super::responses::{
    error_dispatch, event_returns, events_expr, response_dispatch, status_pattern, streams_events, success_type,
};
use super::tokens::{Paths, RESPONSES, RUNTIME, SCHEME, TYPES, ident, type_text};
use super::{Imports, Item, Items, RustFile};
use crate::model::{Api, BodyEncoding, NextPage, Operation, Param, RequestBody, ResponseBody, TypeRef};

pub fn requests_module(api: &Api) -> RustFile<'_> {
    let header = inner_doc_attrs(&format!(
        "The requests of {}, one builder per operation: `Client::op(required inputs)` starts one, its methods \
         set the optional inputs and per-call settings, and `send` sends it.",
        sanitize(&api.title)
    ));
    let has_operations = !api.operations.is_empty();
    let client = has_operations.then(|| {
        quote!(
            use super::Client;
        )
    });
    let runtime_items = has_operations.then(|| {
        quote!(
            use crate::runtime::Method;
        )
    });
    let imports = Imports::default()
        .always(quote!(#client))
        .if_used(
            RESPONSES,
            quote!(
                use super::responses;
            ),
        )
        .if_used(
            TYPES,
            quote!(
                use super::types;
            ),
        )
        .if_used(
            RUNTIME,
            quote!(
                use crate::runtime;
            ),
        )
        .if_used(
            SCHEME,
            quote!(
                use super::client::scheme;
            ),
        )
        .always(quote!(#runtime_items));
    RustFile { head: header, imports, items: Items::map(api.operations.iter(), move |op| builder(api, op)) }
}

/// How a caller passes a value of `ty`: the argument type, and how the argument becomes the
/// stored value (strings are taken as anything that converts into one).
pub(super) fn input_type(api: &Api, ty: &TypeRef) -> (TokenStream, bool) {
    match ty {
        TypeRef::String => (quote!(impl Into<String>), input_converts(ty)),
        other => (Paths::outside().type_of(api, other), input_converts(ty)),
    }
}

/// Whether an input of `ty` is taken as anything that converts into it (see [`input_type`]).
pub(super) fn input_converts(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String)
}

/// Whether a body is taken as anything that converts into its type (see [`body_input`]).
pub(super) fn body_converts(body: &RequestBody) -> bool {
    matches!(body.encoding, BodyEncoding::Bytes | BodyEncoding::Text)
}

/// The stored form of an argument named `name` of type `ty`.
pub(super) fn stored(name: &proc_macro2::Ident, converts: bool) -> TokenStream {
    if converts { quote!(#name.into()) } else { quote!(#name) }
}

/// The body's type as a caller passes it, and whether it converts.
pub(super) fn body_input(api: &Api, body: &RequestBody) -> (TokenStream, TokenStream, bool) {
    match body.encoding {
        BodyEncoding::Bytes => (quote!(impl Into<Vec<u8>>), quote!(Vec<u8>), body_converts(body)),
        BodyEncoding::Text => (quote!(impl Into<String>), quote!(String), body_converts(body)),
        BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
            let ty = Paths::outside().type_of(api, &body.ty);
            (ty.clone(), ty, body_converts(body))
        }
    }
}

/// The builder of one operation, laid out as text (see [`super::layout`]) but for `send` and the
/// paging and streaming methods, which prettyplease prints.
fn builder(api: &Api, op: &Operation) -> Item {
    let name = ident(&op.request_type).to_string();
    let method = op.name.as_str();
    let required: Vec<&Param> = op.required_params().collect();
    let optional: Vec<&Param> = op.optional_params().collect();
    let body = op.body.as_ref();
    let runtime = RUNTIME.spelled();

    // Each field, with its stored type; each required input, with the type `new` takes it as.
    let mut fields: Vec<String> = Vec::new();
    let mut required_types: Vec<String> = Vec::new();
    let mut unset: Vec<String> = Vec::new();
    for param in &required {
        let ty = type_text(&Paths::outside().type_of(api, &param.ty));
        fields.push(format!("{}: {ty},", ident(&param.name)));
        required_types.push(ty);
    }
    if let Some(body) = body {
        let (_, stored_ty, _) = body_input(api, body);
        let stored_ty = type_text(&stored_ty);
        if body.required {
            fields.push(format!("body: {stored_ty},"));
            required_types.push(stored_ty);
        } else {
            fields.push(format!("body: Option<{stored_ty}>,"));
            unset.push("body".to_string());
        }
    }
    for param in &optional {
        let field = ident(&param.name);
        fields.push(format!("{field}: Option<{}>,", type_text(&Paths::outside().type_of(api, &param.ty))));
        unset.push(field.to_string());
    }
    if follows_urls(op) {
        fields.push("next_url: Option<String>,".to_string());
        unset.push("next_url".to_string());
    }
    let bindings = super::operations::required_bindings(op);

    let mut out = Writer::new();
    out.docs(&format!(
        "A call to [`Client::{method}`](super::Client::{method}): `{} {}`. Set optional inputs and \
         per-call settings with its methods, then [`send`](Self::send) it.",
        op.method.as_str(),
        op.path.text
    ));
    out.line("#[derive(Debug, Clone)]");
    out.line("#[must_use = \"a request does nothing until it is sent\"]");
    out.open(&format!("pub struct {name}<'a> {{"));
    out.line("client: &'a Client,");
    for field in &fields {
        out.line(field);
    }
    out.line(&format!("call: {runtime}::CallOptions,"));
    out.close("}");

    out.open(&format!("impl<'a> {name}<'a> {{"));
    out.line("#[inline]");
    let mut args = vec!["client: &'a Client".to_string()];
    match &op.required_type {
        Some(group) => args.push(format!("required: {}", ident(group))),
        None => args.extend(bindings.iter().zip(&required_types).map(|((_, binding), ty)| format!("{binding}: {ty}"))),
    }
    out.list("pub(super) fn new(", &args, ") -> Self {");
    // `name: name` is spelled `name`.
    let unpacked: Vec<String> = bindings
        .iter()
        .map(|(field, binding)| if field == binding { field.to_string() } else { format!("{field}: {binding}") })
        .collect();
    if let Some(group) = &op.required_type {
        // On one line: prettyplease measures this pattern its own way (it keeps up to 98
        // columns), so a line past the margin leaves the builder to it (see `Laid::fits`).
        out.line(&format!("let {} {{ {} }} = required;", ident(group), unpacked.join(", ")));
    }
    let inits: Vec<String> = std::iter::once("client".to_string())
        .chain(unpacked.iter().cloned())
        .chain(unset.iter().map(|field| format!("{field}: None")))
        .chain([format!("call: {runtime}::CallOptions::default()")])
        .collect();
    out.struct_expr("", &name, &inits, "");
    out.close("}");

    for param in &optional {
        let location = format!("`{}` ({} parameter)", param.wire_name, param.location.as_str());
        let (ty, converts) = input_type(api, &param.ty);
        setter(
            &mut out,
            &doc_text([param.docs.as_deref(), Some(location.as_str())]),
            &ident(&param.name),
            "value",
            &ty,
            converts,
        );
    }
    if let Some(body) = body.filter(|b| !b.required) {
        let (ty, _, converts) = body_input(api, body);
        let docs = doc_text([body.docs.as_deref(), Some("The request body (optional).")]);
        setter(&mut out, &docs, &quote::format_ident!("body"), "body", &ty, converts);
    }
    out.tokens(send_fn(api, op));
    if let Some(pagination) = &op.pagination {
        out.tokens(paging_methods(api, op, pagination));
    }
    out.close("}");
    out.line(&format!("call_settings!({name});"));
    if let Some(streaming) = &op.streaming {
        out.tokens(streaming_wrapper(api, op, streaming));
    }
    if let Some(group) = &op.required_type {
        required_struct(&mut out, op, &ident(group).to_string(), &bindings, &required_types);
    }
    out.finish()
}

/// A setter of an optional input: it takes `value` as `ty` and stores it, converted if `converts`.
fn setter(out: &mut Writer, docs: &str, field: &proc_macro2::Ident, value: &str, ty: &TokenStream, converts: bool) {
    out.docs(docs);
    out.line("#[inline]");
    let stored = if converts { format!("{value}.into()") } else { value.to_string() };
    let field = field.to_string();
    out.setter(&field, &format!("{value}: {}", type_text(ty)), &field, &stored);
}

/// The struct of the required inputs of an operation that takes them as one (see
/// [`Operation::required_type`](crate::model::Operation::required_type)): a field per input,
/// named as the input, of the type the builder stores it as.
fn required_struct(
    out: &mut Writer,
    op: &Operation,
    name: &str,
    bindings: &[(proc_macro2::Ident, proc_macro2::Ident)],
    types: &[String],
) {
    let method = op.name.as_str();
    let mut field_docs: Vec<String> = op
        .required_params()
        .map(|p| p.docs.clone().unwrap_or_else(|| format!("`{}` ({} parameter)", p.wire_name, p.location.as_str())))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        field_docs.push(body.docs.clone().unwrap_or_else(|| "The request body.".to_string()));
    }
    out.docs(&format!(
        "The required inputs of [`Client::{method}`](super::Client::{method}), more than a function takes \
         as arguments."
    ));
    out.line("#[derive(Debug, Clone)]");
    let lines: Vec<(String, String)> = bindings
        .iter()
        .zip(types)
        .zip(&field_docs)
        .map(|(((field, _), ty), docs)| (doc_text([Some(docs.as_str())]), format!("pub {field}: {ty},")))
        .collect();
    out.struct_def(&format!("pub struct {name}"), &lines);
}

/// `request`, which puts the builder's inputs on a request, and `send`, which sends it and
/// decodes the answer.
fn send_fn(api: &Api, op: &Operation) -> TokenStream {
    let error_type = ident(&op.error_type);
    let success = success_type(api, op);
    let (encode_path, path) = path_expr(op);
    let method = proc_macro2::Ident::new(op.method.as_str(), proc_macro2::Span::call_site());
    let security = security_tokens(api, &op.security);
    // The client asks for JSON unless the operation declares other media types.
    let accept = op
        .accept
        .as_deref()
        .filter(|accept| *accept != "application/json")
        .map(|accept| quote!(request.header("accept", #accept);));
    // A declared redirect is the answer, not a step to follow.
    let keep_redirects =
        op.success.iter().any(|case| case.body == ResponseBody::Redirect).then(|| quote!(request.keep_redirects();));
    let setup: Vec<TokenStream> = op
        .params
        .iter()
        .filter_map(param_setup)
        .chain(op.body.as_ref().map(|b| body_setup(api, b)))
        .chain(accept)
        .chain(keep_redirects)
        .collect();
    // The operation's identity, for hooks, traces and deviation records (written in the codec
    // module: only the compiler reads it).
    let operation = quote!(&Self::OPERATION);
    let next_url = follows_urls(op).then(|| {
        quote! {
            // A next page's URL carries the query the first page was asked with.
            if let Some(url) = &self.next_url {
                return self.client.runtime.request_url(#operation, Method::#method, url, #security);
            }
        }
    });
    let started = quote!(self.client.runtime.request(#operation, Method::#method, #path, #security));
    // With nothing to put on it, the request is the answer as the runtime gives it.
    let built = if setup.is_empty() {
        started
    } else {
        quote! {
            let mut request = #started?;
            #(#setup)*
            request.checked()
        }
    };
    let dispatch = response_dispatch(op);
    let send = if streams_events(op) {
        let returns = event_returns(op);
        let call = call_streaming(quote!(self), quote!(#(#returns)*), &dispatch);
        quote! {
            /// Sends the request; a success is a stream of events, read as they come (not cut by the
            /// request's time limit, but by an idle one between events).
            #[inline]
            pub async fn send(self) -> Result<#RUNTIME::Response<#success>, #RUNTIME::Error<#RESPONSES::#error_type>> {
                let mut request = self.request()?;
                request.header("accept", "text/event-stream");
                #call
            }
        }
    } else {
        // Not an `async fn`: the runtime's `call` is the one async body, boxed (see there).
        quote! {
            /// Sends the request and decodes the answer.
            #[inline]
            pub fn send(self) -> #RUNTIME::Sending<'a, #success, #RESPONSES::#error_type> {
                self.client.runtime.call(self.request(), self.call, |response| #dispatch)
            }
        }
    };
    let send_stream = bytes_stream(op);
    let send_raw = (!op.other_media.is_empty()).then(|| {
        let doc = format!(
            " Sends the request and gives the answer as it came, undecoded: for the media types this \
             operation also answers with ({}), which `send` does not decode. Ask for one with `.header(\"accept\", ..)`.",
            op.other_media.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
        );
        quote! {
            #[doc = #doc]
            #[inline]
            pub async fn send_raw(self) -> Result<#RUNTIME::RawResponse, #RUNTIME::Error<#RESPONSES::#error_type>> {
                let request = self.request()?;
                self.client.runtime.send(request, &self.call).await
            }
        }
    });
    quote! {
        /// The request this builder describes, not sent yet.
        #[inline]
        fn request(&self) -> Result<#RUNTIME::Request, #RUNTIME::InvalidRequest> {
            #next_url
            #(#encode_path)*
            #built
        }

        #send
        #send_stream
        #send_raw
    }
}

/// For an operation whose success is a binary body: `send_stream`, which gives the body as a
/// stream of chunks instead of reading it whole (`send` keeps the client's size limit).
fn bytes_stream(op: &Operation) -> Option<TokenStream> {
    let [case] = op.success.as_slice() else { return None };
    if case.body != ResponseBody::Bytes {
        return None;
    }
    let error_type = ident(&op.error_type);
    let status = status_pattern(case.status);
    let dispatch = error_dispatch(op);
    let returns = quote! {
        if matches!(response.status().as_u16(), #status) {
            return Ok(response.bytes());
        }
    };
    let call = call_streaming(quote!(self), returns, &dispatch);
    Some(quote! {
        /// Sends the request; a success's body is a stream of chunks, read as they come (not cut by
        /// the request's time limit, nor held whole in memory).
        #[inline]
        pub async fn send_stream(self) -> Result<#RUNTIME::Response<#RUNTIME::ByteStream>, #RUNTIME::Error<#RESPONSES::#error_type>> {
            let request = self.request()?;
            #call
        }
    })
}

/// The call of a streamed operation's `send` on builder `builder` (`self`, or a wrapper's
/// `inner`): `returns` give a success as a stream (`return Ok(..)` for each streamed status),
/// and `dispatch` decodes any other answer, read whole.
fn call_streaming(builder: TokenStream, returns: TokenStream, dispatch: &TokenStream) -> TokenStream {
    quote! {
        #builder.client.runtime.call_streaming(
            request,
            &#builder.call,
            |response| {
                #returns
                Err(Box::new(response))
            },
            |response| #dispatch,
        )
        .await
    }
}

/// The events variant of an operation whose success is JSON or events as a body property says:
/// a wrapper of its request builder whose `send` sets the property and reads the events.
fn streaming_wrapper(api: &Api, op: &Operation, streaming: &crate::model::Streaming) -> TokenStream {
    let builder = ident(&op.request_type);
    let wrapper = ident(&streaming.request_type);
    let error_type = ident(&op.error_type);
    let flag = ident(&streaming.flag);
    let wire = &streaming.flag.as_str();
    let data = streaming.events.data.as_ref().map_or_else(|| quote!(String), |ty| Paths::outside().type_of(api, ty));
    let status = status_pattern(if streaming.status == crate::model::StatusMatch::Default {
        crate::model::StatusMatch::Range(2)
    } else {
        streaming.status
    });
    let events = events_expr(&streaming.events);
    let dispatch = error_dispatch(op);
    let returns = quote! {
        if matches!(response.status().as_u16(), #status) {
            return Ok(#events);
        }
    };
    let call = call_streaming(quote!(inner), returns, &dispatch);
    let value = match streaming.flag_presence {
        crate::model::Presence::OptionalNullable => quote!(Some(Some(true))),
        _ => quote!(Some(true)),
    };
    let set_flag = match op.body.as_ref().is_some_and(|b| b.required) {
        true => quote!(inner.body.#flag = #value;),
        false => quote! {
            if let Some(body) = &mut inner.body {
                body.#flag = #value;
            }
        },
    };
    let doc = format!(
        " [`{}`](super::Client::{}) as server-sent events: `send` sets the body's `{wire}` to `true` and gives the events as they come.",
        op.name, op.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #wrapper<'a> {
            inner: #builder<'a>,
        }

        impl<'a> #builder<'a> {
            /// The same request, as server-sent events.
            #[inline]
            pub fn streaming(self) -> #wrapper<'a> {
                #wrapper { inner: self }
            }
        }

        impl #wrapper<'_> {
            /// Sends the request; a success is a stream of events, read as they come (not cut by the
            /// request's time limit, but by an idle one between events).
            #[inline]
            pub async fn send(self) -> Result<#RUNTIME::Response<#RUNTIME::EventStream<#data>>, #RUNTIME::Error<#RESPONSES::#error_type>> {
                let mut inner = self.inner;
                #set_flag
                let mut request = inner.request()?;
                request.header("accept", "text/event-stream");
                #call
            }
        }
    }
}

/// Whether the operation's next pages are URLs the server gives, which its builder then sends.
fn follows_urls(op: &Operation) -> bool {
    matches!(op.pagination.as_ref().map(|p| &p.next), Some(NextPage::Url { .. }))
}
