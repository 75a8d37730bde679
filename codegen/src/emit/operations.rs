//! The client methods (one per operation) and the `responses` module of their declared outcomes.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs, own_doc_attrs, sanitize};
use super::tokens::{Paths, ident, imports_for, module_with_types};
use crate::model::ident::Ident;
use crate::model::{
    Api, BodyEncoding, Operation, Param, ParamLocation, PathSegment, QueryStyle, ResponseBody, ResponseCase,
    SchemeKind, SecurityRequirement, StatusMatch, Successes, TypeKind, TypeRef,
};

/// The `impl Client` block with every operation.
pub fn operations_module(api: &Api) -> TokenStream {
    if api.operations.is_empty() {
        return quote!();
    }
    let methods: TokenStream = api.operations.iter().map(|op| method(api, op)).collect();
    let imports = imports_for(
        &methods,
        &[
            (
                "params",
                quote!(
                    use super::params;
                ),
            ),
            (
                "responses",
                quote!(
                    use super::responses;
                ),
            ),
            (
                "types",
                quote!(
                    use super::types;
                ),
            ),
            (
                "runtime",
                quote!(
                    use crate::runtime;
                ),
            ),
            (
                "scheme",
                quote!(
                    use super::client::scheme;
                ),
            ),
        ],
    );
    quote! {
        use super::Client;
        #imports
        use crate::runtime::{Error, Method, Response};

        impl Client {
            #methods
        }
    }
}

/// One enum of declared error responses per operation, and one of successes where an operation
/// declares several different ones.
pub fn responses_module(api: &Api) -> TokenStream {
    let header = inner_doc_attrs(&format!(
        "What each operation of {} can answer: the error responses it declares, and its \
         successes where it declares several kinds.",
        sanitize(&api.title)
    ));
    let enums = api.operations.iter().map(|op| {
        let method_link = format!("[`Client::{0}`](super::Client::{0})", op.name);
        let errors =
            outcome_enum(api, &op.error_type, &op.errors, &format!("The error responses {method_link} declares."));
        let successes = match &op.successes {
            Successes::Several { type_name } => {
                Some(outcome_enum(api, type_name, &op.success, &format!("The successes {method_link} declares.")))
            }
            Successes::Undeclared | Successes::One => None,
        };
        quote!(#errors #successes)
    });
    module_with_types(header, enums.collect())
}

fn outcome_enum(api: &Api, name: &Ident, cases: &[ResponseCase], doc: &str) -> TokenStream {
    let name = ident(name);
    let docs = own_doc_attrs(doc);
    let variants = cases.iter().map(|case| {
        let variant = ident(&case.variant);
        let status = match case.status {
            StatusMatch::Code(code) => format!("`{code}`"),
            StatusMatch::Range(digit) => format!("`{digit}XX`"),
            StatusMatch::Default => "Any other status".to_string(),
        };
        let line = match &case.docs {
            Some(text) => format!("{status}: {text}"),
            None => status,
        };
        let docs = doc_attrs([Some(line.as_str())]);
        match body_type(api, &case.body) {
            Some(ty) => quote!(#docs #variant(#ty),),
            None => quote!(#docs #variant,),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn body_type(api: &Api, body: &ResponseBody) -> Option<TokenStream> {
    match body {
        ResponseBody::Empty => None,
        ResponseBody::Json(ty) => Some(Paths::outside().type_of(api, ty)),
        ResponseBody::Text => Some(quote!(String)),
        ResponseBody::Bytes => Some(quote!(Vec<u8>)),
    }
}

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let endpoint = format!("`{} {}`", op.method.as_str(), op.path.text);
    let security = security_doc(api, &op.security);
    // The security line is the generator's own text, with intra-doc links to the scope enum.
    let spec_docs = doc_attrs([op.summary.as_deref(), op.description.as_deref(), Some(&endpoint)]);
    let security_docs = own_doc_attrs(&security);
    let docs = quote!(#spec_docs #[doc = ""] #security_docs);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let positional: Vec<&Param> = op.required_params().collect();
    let mut args: Vec<TokenStream> = positional
        .iter()
        .map(|p| {
            let name = ident(&p.name);
            let ty = arg_type(api, &p.ty);
            quote!(#name: #ty)
        })
        .collect();
    if let Some(body) = &op.body {
        let ty = match body.encoding {
            BodyEncoding::Bytes => quote!([u8]),
            BodyEncoding::Text => quote!(str),
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
                Paths::outside().type_of(api, &body.ty)
            }
        };
        args.push(if body.required { quote!(body: &#ty) } else { quote!(body: Option<&#ty>) });
    }
    let has_optional = op.optional_params().next().is_some();
    if has_optional {
        let params_type = ident(&op.params_type);
        args.push(quote!(params: &params::#params_type));
    }
    let error_type = ident(&op.error_type);
    let success_type = match &op.successes {
        Successes::Undeclared => quote!(()),
        Successes::One => body_type(api, &op.success[0].body).unwrap_or_else(|| quote!(())),
        Successes::Several { type_name } => {
            let name = ident(type_name);
            quote!(responses::#name)
        }
    };
    let (encode_path, path) = path_expr(op);
    let method = proc_macro2::Ident::new(op.method.as_str(), proc_macro2::Span::call_site());
    let security = security_tokens(api, &op.security);
    let setup: Vec<TokenStream> = positional
        .iter()
        .filter_map(|p| param_setup(p, quote!()))
        .chain(op.optional_params().filter_map(|p| param_setup(p, quote!(params.))))
        .chain(body_setup(api, op))
        .collect();
    let request_binding = if setup.is_empty() { quote!(request) } else { quote!(mut request) };
    let arms = response_arms(op);
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#args),*) -> Result<Response<#success_type>, Error<responses::#error_type>> {
            #(#encode_path)*
            let #request_binding = self.runtime.request(Method::#method, #path, #security)?;
            #(#setup)*
            let response = self.runtime.send(request).await?;
            match response.status().as_u16() {
                #(#arms)*
            }
        }
    }
}

fn arg_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        TypeRef::Int(_) | TypeRef::Float(_) | TypeRef::Bool => Paths::outside().type_of(api, ty),
        TypeRef::Vec(item) => {
            let item = Paths::outside().type_of(api, item);
            quote!(&[#item])
        }
        TypeRef::Option(inner) => {
            let inner = arg_type(api, inner);
            quote!(Option<#inner>)
        }
        other => {
            let ty = Paths::outside().type_of(api, other);
            quote!(&#ty)
        }
    }
}

/// Statements that encode each path parameter into a local of the same name, and the path
/// expression: `format!("/a/{id}/b")`, or the literal path.
fn path_expr(op: &Operation) -> (Vec<TokenStream>, TokenStream) {
    let mut template = String::new();
    let mut encode = Vec::new();
    for segment in &op.path.segments {
        match segment {
            PathSegment::Literal(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathSegment::Param(index) => {
                let param = &op.params[*index];
                template.push_str(&format!("{{{}}}", param.name));
                let name = ident(&param.name);
                let wire = &param.wire_name;
                encode.push(quote!(let #name = runtime::path_segment(#wire, &#name)?;));
            }
        }
    }
    if encode.is_empty() { (encode, quote!(#template)) } else { (encode, quote!(&format!(#template))) }
}

/// The statement that puts a query or header parameter on the request; `owner` is `params.` for
/// fields of the params struct.
fn param_setup(param: &Param, owner: TokenStream) -> Option<TokenStream> {
    let name = ident(&param.name);
    match param.location {
        ParamLocation::Path => None,
        ParamLocation::Query => {
            let wire = &param.wire_name;
            Some(match param.style {
                QueryStyle::Exploded => quote!(request.query(#wire, &#owner #name)?;),
                QueryStyle::Delimited(delimiter) => {
                    quote!(request.query_styled(#wire, &#owner #name, runtime::QueryStyle::Delimited(#delimiter))?;)
                }
                QueryStyle::DeepObject => {
                    quote!(request.query_styled(#wire, &#owner #name, runtime::QueryStyle::DeepObject)?;)
                }
            })
        }
        ParamLocation::Header => {
            let wire = param.wire_name.to_ascii_lowercase();
            Some(quote!(request.header(#wire, &#owner #name)?;))
        }
    }
}

fn body_setup(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let media_type = &body.media_type;
    let set = match body.encoding {
        BodyEncoding::Json => quote!(request.json(body)?;),
        BodyEncoding::Form => quote!(request.form(body)?;),
        BodyEncoding::Multipart => multipart_setup(api, &body.ty),
        BodyEncoding::Bytes | BodyEncoding::Text => quote!(request.raw(#media_type, body)?;),
    };
    Some(if body.required {
        set
    } else {
        quote! {
            if let Some(body) = body {
                #set
            }
        }
    })
}

/// One part per field of the body struct: bytes as file parts, everything else as text.
fn multipart_setup(api: &Api, ty: &TypeRef) -> TokenStream {
    let fields = match ty {
        TypeRef::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Struct { fields } => fields.as_slice(),
            _ => &[],
        },
        _ => &[],
    };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire_name;
        match (&field.ty, field.presence.is_required()) {
            (TypeRef::Bytes, true) => quote!(form.file(#wire, Some(&body.#name));),
            (TypeRef::Bytes, false) => quote!(form.file(#wire, body.#name.as_deref());),
            _ => quote!(form.text(#wire, &body.#name)?;),
        }
    });
    quote! {
        let mut form = runtime::Multipart::new();
        #(#parts)*
        request.multipart(form)?;
    }
}

fn response_arms(op: &Operation) -> Vec<TokenStream> {
    let error_type = ident(&op.error_type);
    let mut cases: Vec<(StatusMatch, TokenStream)> = Vec::new();
    for case in &op.success {
        let decode = success_decode(&case.body);
        let expr = if let Successes::Several { type_name } = &op.successes {
            let success_type = ident(type_name);
            let variant = ident(&case.variant);
            let variant = quote!(responses::#success_type::#variant);
            match &case.body {
                // The variant's constructor gives the JSON decode its target type.
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
    if op.success.is_empty() {
        cases.push((StatusMatch::Range(2), quote!(response.empty())));
    }
    for case in &op.errors {
        let variant = ident(&case.variant);
        let path = quote!(responses::#error_type::#variant);
        let expr = match &case.body {
            ResponseBody::Empty => quote!(Err(response.error(#path))),
            ResponseBody::Json(_) => quote!(Err(response.error_json(#path))),
            ResponseBody::Text => quote!(Err(response.error_text(#path))),
            ResponseBody::Bytes => quote!(Err(response.error_bytes(#path))),
        };
        cases.push((case.status, expr));
    }
    cases.sort_by_key(|(status, _)| match status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    let mut arms: Vec<TokenStream> = cases
        .iter()
        .map(|(status, expr)| {
            let pattern = match status {
                StatusMatch::Code(code) => {
                    let code = Literal::u16_unsuffixed(*code);
                    quote!(#code)
                }
                StatusMatch::Range(digit) => {
                    let low = Literal::u16_unsuffixed(u16::from(*digit) * 100);
                    let high = Literal::u16_unsuffixed(u16::from(*digit) * 100 + 99);
                    quote!(#low..=#high)
                }
                StatusMatch::Default => quote!(_),
            };
            quote!(#pattern => #expr,)
        })
        .collect();
    if !cases.iter().any(|(s, _)| *s == StatusMatch::Default) {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }
    arms
}

fn success_decode(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(response.empty()),
        ResponseBody::Json(_) => quote!(response.json()),
        ResponseBody::Text => quote!(response.text_body()),
        ResponseBody::Bytes => quote!(response.bytes()),
    }
}

fn security_tokens(api: &Api, security: &[SecurityRequirement]) -> TokenStream {
    let alternatives = security.iter().map(|alt| {
        let schemes = alt.schemes.iter().map(|s| {
            let constant = ident(&api.scheme(s.scheme).constant);
            quote!(scheme::#constant)
        });
        quote!(&[#(#schemes),*])
    });
    quote!(&[#(#alternatives),*])
}

fn security_doc(api: &Api, security: &[SecurityRequirement]) -> String {
    if security.is_empty() {
        return "Sends no credentials.".to_string();
    }
    let alternatives: Vec<String> = security
        .iter()
        .map(|alt| {
            if alt.schemes.is_empty() {
                return "no credentials".to_string();
            }
            let uses: Vec<String> = alt
                .schemes
                .iter()
                .map(|s| {
                    let scheme = api.scheme(s.scheme);
                    let declared = match &scheme.kind {
                        SchemeKind::OAuth2 { scopes, scope_type, .. } => Some((scopes, scope_type)),
                        _ => None,
                    };
                    let scopes: Vec<String> = s
                        .scopes
                        .iter()
                        .map(|scope| match (declared, scope.declared) {
                            (Some((scopes, scope_type)), Some(index)) => {
                                format!("[`{}`](super::{scope_type}::{})", scope.wire, scopes[index].name)
                            }
                            _ => format!("`{}`", scope.wire),
                        })
                        .collect();
                    // OAuth2 calls them scopes; OpenAPI 3.1 lets other schemes list required roles.
                    let (one, many) = if declared.is_some() { ("scope", "scopes") } else { ("role", "roles") };
                    let name = &scheme.wire_name;
                    match scopes.len() {
                        0 => format!("`{name}`"),
                        1 => format!("`{name}` ({one} {})", scopes[0]),
                        _ => format!("`{name}` ({many} {})", scopes.join(", ")),
                    }
                })
                .collect();
            uses.join(" and ")
        })
        .collect();
    format!("Authorization: {}.", alternatives.join(", or "))
}
