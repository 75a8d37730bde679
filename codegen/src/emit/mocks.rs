//! The `mock` module of an API (the crate's `mock` feature): one type per operation, which is
//! the request a mock server received, decoded, and the typed answers of its stub; the API's
//! routes and a client pointed at the server (see the runtime's `mock` module).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::inner_doc_attrs;
use super::layout::Writer;
use super::tokens::{Imports, Paths, RESPONSES, RUNTIME, TYPES, ident, text_literal, type_text};
use super::{Item, Items, RustFile};
use crate::model::{
    Api, BodyEncoding, EventStream, Operation, ParamLocation, QueryStyle, ResponseBody, ResponseCase, SchemeKind,
    StatusMatch, Successes,
};

/// The module: the server's items, then one item per operation, emitted one at a time as the
/// format stage takes them (a large API's mocks are as long as its types).
pub fn mock_module(api: &Api) -> RustFile<'_> {
    let header = inner_doc_attrs(&format!(
        "A mock server of {} for tests (the crate's `mock` feature): [`start`] it, stub each operation \
         with its type here (`server.stub::<mock::Op>()`), and take a client pointed at it from \
         [`client`](crate::runtime::mock::MockServer::client).\n\n\
         Each type is also the request the server received, decoded: stubs match on it \
         ([`when`](crate::runtime::mock::Stub::when)) and \
         [`received`](crate::runtime::mock::MockServer::received) gives it back.",
        super::docs::sanitize(&api.title)
    ));
    let imports = Imports::default()
        .always(quote!(
            use crate::runtime;
        ))
        .if_used(
            TYPES,
            quote!(
                use super::types;
            ),
        )
        .if_used(
            RESPONSES,
            quote!(
                use super::responses;
            ),
        );
    let items = [Part::Routes, Part::Server].into_iter().chain(api.operations.iter().map(Part::Operation));
    let items = Items::map(items, move |part| match part {
        Part::Routes => routes(api),
        Part::Server => Item::Tokens(server(api)),
        Part::Operation(op) => operation(api, op),
    });
    RustFile { head: header, imports, items }
}

/// What the mock module holds one item for.
#[derive(Clone, Copy)]
enum Part<'a> {
    Routes,
    Server,
    Operation(&'a Operation),
}

/// Every operation's route, for the server's dispatch: each made by the runtime from its
/// operation's constants, laid out as text (see [`super::layout`]).
fn routes(api: &Api) -> Item {
    let mut out = Writer::new();
    out.docs("Every operation's route, for the server's dispatch.");
    let routes: Vec<String> =
        api.operations.iter().map(|op| format!("runtime::mock::Route::of::<{}>()", ident(&op.request_type))).collect();
    out.list("const ROUTES: &[runtime::mock::Route] = &[", &routes, "];");
    out.finish()
}

/// `start`, and the API's mock client.
fn server(api: &Api) -> TokenStream {
    let credentials = api.security_schemes.iter().map(|scheme| {
        let setter = ident(&scheme.setter);
        match scheme.kind {
            SchemeKind::Basic => quote!(.#setter("mock-user", "mock-password")),
            SchemeKind::ApiKey { .. } => quote!(.#setter("mock-api-key")),
            SchemeKind::Bearer { .. } | SchemeKind::OAuth2 { .. } => quote!(.#setter("mock-token")),
        }
    });
    quote! {
        /// Starts a mock server of this API on `127.0.0.1`.
        pub async fn start() -> #RUNTIME::mock::MockServer<super::Client> {
            #RUNTIME::mock::MockServer::start().await
        }

        impl #RUNTIME::mock::MockApi for super::Client {
            type Builder = super::ClientBuilder;
            const ROUTES: &'static [#RUNTIME::mock::Route] = ROUTES;

            fn builder(base_url: String) -> super::ClientBuilder {
                super::Client::builder().base_url(base_url) #(#credentials)*
            }

            fn build(builder: super::ClientBuilder) -> super::Client {
                builder.build().expect("a client of the mock server")
            }
        }
    }
}

/// A field of a mock operation's type: its docs, name and type, and the expression that decodes
/// it from the received request.
struct ReceivedField {
    docs: String,
    name: String,
    ty: String,
    decode: String,
}

/// The operation's type (its request, decoded) and its decoding, laid out as text (see [`super::layout`]); its stub's
/// answers are tokens, printed by prettyplease.
fn operation(api: &Api, op: &Operation) -> Item {
    let paths = Paths::outside();
    let marker = ident(&op.request_type);
    let (name, method, path) = (op.name.as_str(), op.method.as_str(), op.path.text.as_str());
    let runtime = RUNTIME.spelled();
    let mut fields: Vec<ReceivedField> = Vec::new();
    for param in &op.params {
        let wire = &param.wire_name;
        let ty = type_text(&paths.type_of(api, &param.ty));
        let what = text_literal(&format!("the {} parameter `{wire}`", param.location.as_str()));
        let doc = format!("The {} parameter `{wire}`.", param.location.as_str());
        let wire = text_literal(wire);
        let read = match (param.location, param.style) {
            (ParamLocation::Path, _) => format!("request.path({wire})?"),
            (ParamLocation::Header, _) => format!("request.header({wire})?"),
            (ParamLocation::Query, style) => {
                let text = match style {
                    QueryStyle::Exploded => "Exploded".to_string(),
                    QueryStyle::Delimited(delimiter) => format!("Delimited({})", text_literal(delimiter)),
                    QueryStyle::DeepObject => "DeepObject".to_string(),
                    QueryStyle::Json => "Json".to_string(),
                };
                format!("request.query({wire}, {runtime}::mock::QueryText::{text})?")
            }
        };
        let (field_ty, value) = match (param.location, param.required) {
            (ParamLocation::Path, _) => (ty, read),
            (_, true) => (ty, format!("{runtime}::mock::required({read}, {what})?")),
            (_, false) => (format!("Option<{ty}>"), read),
        };
        fields.push(ReceivedField { docs: doc, name: ident(&param.name).to_string(), ty: field_ty, decode: value });
    }
    if let Some(body) = &op.body {
        let (ty, read) = match body.encoding {
            BodyEncoding::Json => (type_text(&paths.type_of(api, &body.ty)), "request.json_body()?"),
            BodyEncoding::Text => ("String".to_string(), "request.text_body()?"),
            BodyEncoding::Form | BodyEncoding::Multipart | BodyEncoding::Bytes => {
                ("Vec<u8>".to_string(), "request.raw_body()?")
            }
        };
        let doc = format!("The body (`{}`).", body.media_type);
        let (ty, value) = if body.required {
            (ty, format!("{runtime}::mock::required({read}, \"the request body\")?"))
        } else {
            (format!("Option<{ty}>"), read.to_string())
        };
        fields.push(ReceivedField { docs: doc, name: "body".to_string(), ty, decode: value });
    }
    let mut out = Writer::new();
    out.docs(&format!(
        "`{method} {path}`: a request to [`Client::{name}`](super::Client::{name}) as the mock server received it, and \
         the operation its stubs answer."
    ));
    out.line("#[derive(Debug, Clone, PartialEq)]");
    out.line("#[non_exhaustive]");
    let lines: Vec<(String, String)> =
        fields.iter().map(|field| (field.docs.clone(), format!("pub {}: {},", field.name, field.ty))).collect();
    out.struct_def(&format!("pub struct {marker}"), &lines);
    out.open(&format!("impl {runtime}::mock::MockOperation for {marker} {{"));
    out.line("type Api = super::Client;");
    out.line(&format!("const NAME: &'static str = {};", text_literal(name)));
    out.line(&format!("const METHOD: &'static str = {};", text_literal(method)));
    out.line(&format!("const PATH: &'static str = {};", text_literal(path)));
    let request = if fields.is_empty() { "_request" } else { "request" };
    let decoded: Vec<String> = fields.iter().map(|field| format!("{}: {}", field.name, field.decode)).collect();
    // On its own: a required parameter's line is often too wide, and only `decode` then goes to
    // prettyplease.
    out.items(|out| {
        let param = format!("{request}: &{runtime}::mock::Received<'_>");
        out.list("fn decode(", &[param], ") -> Result<Self, String> {");
        out.struct_expr("Ok(", &marker.to_string(), &decoded, ")");
        out.close("}");
    });
    out.close("}");
    out.tokens(answers(api, op, &marker));
    out.finish()
}

/// `ok` (the success, typed), `pages` (a listing's pages in turn), `events` (an event stream's
/// events) and `error` (a declared error response), where the operation has them.
fn answers(api: &Api, op: &Operation, marker: &proc_macro2::Ident) -> TokenStream {
    let mut methods = Vec::new();
    let first = op.success.first();
    let status = first.map_or(200, |case| status_of(case.status, &op.success, &[2]));
    let status = Literal::u16_unsuffixed(status);
    match (&op.successes, first.map(|case| &case.body)) {
        (Successes::Several { .. }, _) | (_, Some(ResponseBody::Redirect)) => {}
        (Successes::Undeclared, _) | (_, None | Some(ResponseBody::Empty)) => methods.push(quote! {
            /// Answers with the operation's success, which has no body.
            pub async fn ok(self) {
                self.respond_status(#status).await;
            }
        }),
        (Successes::One, Some(ResponseBody::Json(ty))) => {
            let ty = Paths::outside().type_of(api, ty);
            methods.push(quote! {
                /// Answers with the operation's success and `body`.
                pub async fn ok(self, body: #ty) {
                    self.respond_json(#status, &body).await;
                }
            });
            if op.pagination.is_some() {
                methods.push(quote! {
                    /// Answers each request with the next of `pages`, in order; a request after the
                    /// last is a violation.
                    pub async fn pages(self, pages: Vec<#ty>) {
                        let answers = pages.iter().map(|page| #RUNTIME::mock::json_template(#status, page)).collect();
                        self.respond_sequence(answers).await;
                    }
                });
            }
        }
        (Successes::One, Some(ResponseBody::Text)) => methods.push(quote! {
            /// Answers with the operation's success and `body` as text.
            pub async fn ok(self, body: impl Into<String>) {
                self.respond_raw(#status, "text/plain", body.into()).await;
            }
        }),
        (Successes::One, Some(ResponseBody::Bytes)) => methods.push(quote! {
            /// Answers with the operation's success and `body` as bytes.
            pub async fn ok(self, body: impl Into<Vec<u8>>) {
                self.respond_raw(#status, "application/octet-stream", body).await;
            }
        }),
        (Successes::One, Some(ResponseBody::EventStream(events))) => {
            methods.push(events_answer(api, events, &status, "the operation's event stream"));
        }
    }
    if let Some(streaming) = &op.streaming {
        let status = Literal::u16_unsuffixed(status_of(streaming.status, &op.success, &[2]));
        let what = "the events variant of the operation (tell it apart from `ok` by its flag, with `when`)";
        methods.push(events_answer(api, &streaming.events, &status, what));
    }
    if !op.errors.is_empty() {
        let error_type = ident(&op.error_type);
        let arms = op.errors.iter().map(|case| error_arm(op, case, &error_type));
        methods.push(quote! {
            /// Answers with a declared error response: its status, and its body as the spec
            /// describes it.
            pub async fn error(self, error: #RESPONSES::#error_type) {
                match error {
                    #(#arms)*
                }
            }
        });
    }
    if methods.is_empty() {
        return quote!();
    }
    quote! {
        impl #RUNTIME::mock::Stub<'_, #marker> {
            #(#methods)*
        }
    }
}

/// `events`: one event per item, its data the item as JSON, or as text when the spec gives the
/// events no schema.
fn events_answer(api: &Api, events: &EventStream, status: &Literal, what: &str) -> TokenStream {
    let done = match &events.done {
        Some(done) => quote!(Some(#done)),
        None => quote!(None),
    };
    let ending = match &events.done {
        Some(done) => format!(", then `{done}`, which ends the stream"),
        None => String::new(),
    };
    let doc = format!(" Answers with {what}: one event per item of `events`{ending}.");
    match &events.data {
        Some(ty) => {
            let ty = Paths::outside().type_of(api, ty);
            quote! {
                #[doc = #doc]
                pub async fn events(self, events: Vec<#ty>) {
                    self.respond_events(#status, &events, #done).await;
                }
            }
        }
        None => quote! {
            #[doc = #doc]
            pub async fn events(self, events: Vec<String>) {
                self.respond_text_events(#status, &events, #done).await;
            }
        },
    }
}

/// The hundreds an error `default` is answered from: a server error, else a client error.
const ERROR_HUNDREDS: &[u16] = &[5, 4];

fn error_arm(op: &Operation, case: &ResponseCase, error_type: &proc_macro2::Ident) -> TokenStream {
    let variant = ident(&case.variant);
    let status = Literal::u16_unsuffixed(status_of(case.status, &op.errors, ERROR_HUNDREDS));
    match &case.body {
        ResponseBody::Json(_) => {
            quote!(#RESPONSES::#error_type::#variant(body) => self.respond_json(#status, &body).await,)
        }
        ResponseBody::Text => {
            quote!(#RESPONSES::#error_type::#variant(body) => self.respond_raw(#status, "text/plain", body).await,)
        }
        ResponseBody::Bytes => {
            quote!(#RESPONSES::#error_type::#variant(body) => self.respond_raw(#status, "application/octet-stream", body).await,)
        }
        ResponseBody::Empty => quote!(#RESPONSES::#error_type::#variant => self.respond_status(#status).await,),
        ResponseBody::EventStream(_) | ResponseBody::Redirect => {
            quote!(#RESPONSES::#error_type::#variant(_) => self.respond_status(#status).await,)
        }
    }
}

/// A status the client reads as `status`: the code itself; for a range (`4XX`) the first code of
/// it that no `Code` case claims; for `default` the first code of the `fallbacks` hundreds
/// (`[5, 4]`: of 5XX, else 4XX) that no other case claims, a code or a range.
fn status_of(status: StatusMatch, cases: &[ResponseCase], fallbacks: &[u16]) -> u16 {
    let coded = |code: u16| cases.iter().any(|case| case.status == StatusMatch::Code(code));
    let ranged = |code: u16| cases.iter().any(|case| case.status == StatusMatch::Range((code / 100) as u8));
    let hundred = |digit: u16| digit * 100..digit * 100 + 100;
    match status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(digit) => {
            let digit = u16::from(digit);
            hundred(digit).find(|code| !coded(*code)).unwrap_or(digit * 100)
        }
        StatusMatch::Default => fallbacks
            .iter()
            .flat_map(|digit| hundred(*digit))
            .find(|code| !coded(*code) && !ranged(*code))
            .unwrap_or(fallbacks.first().map_or(500, |digit| digit * 100)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ident::Ident;

    fn case(status: StatusMatch) -> ResponseCase {
        ResponseCase {
            status,
            variant: Ident::new("V"),
            body: ResponseBody::Empty,
            docs: None,
            boxed: false,
            media_types: Vec::new(),
        }
    }

    #[test]
    fn ranges_and_default_answer_a_status_no_other_case_claims() {
        let cases = [case(StatusMatch::Code(400)), case(StatusMatch::Code(500)), case(StatusMatch::Range(4))];
        assert_eq!(status_of(StatusMatch::Code(400), &cases, ERROR_HUNDREDS), 400);
        // The client reads 400 as its own case, so `4XX` is answered with 401.
        assert_eq!(status_of(StatusMatch::Range(4), &cases, ERROR_HUNDREDS), 401);
        assert_eq!(status_of(StatusMatch::Default, &cases, ERROR_HUNDREDS), 501);
        assert_eq!(status_of(StatusMatch::Default, &[], &[2]), 200);
    }

    #[test]
    fn default_beside_a_range_answers_a_code_outside_it() {
        // The client reads every 5xx as the `5XX` case: `default` is answered with a 4xx.
        let cases = [case(StatusMatch::Range(5)), case(StatusMatch::Default)];
        assert_eq!(status_of(StatusMatch::Default, &cases, ERROR_HUNDREDS), 400);
        let cases = [case(StatusMatch::Range(5)), case(StatusMatch::Code(400)), case(StatusMatch::Default)];
        assert_eq!(status_of(StatusMatch::Default, &cases, ERROR_HUNDREDS), 401);
    }
}
