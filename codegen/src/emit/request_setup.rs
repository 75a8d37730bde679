//! How a request builder's inputs go on the wire: the statements of its `request` method that
//! encode the path, put each query and header parameter and the body on the request, and name
//! the credentials it is sent with (see `requests`, whose `send` uses them).

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{RUNTIME, SCHEME, ident};
use crate::model::{
    Api, BodyEncoding, FieldStyle, Operation, Param, ParamLocation, PathSegment, QueryStyle, RequestBody,
    SecurityRequirement, TypeKind, TypeRef,
};

/// Statements that check each path parameter into a local of the same name, and the path
/// expression: `format_args!("/a/{id}/b")` (the runtime writes it after the base URL, encoding
/// each parameter as it goes), or the literal path.
pub(super) fn path_expr(op: &Operation) -> (Vec<TokenStream>, TokenStream) {
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
                encode.push(match param.ty {
                    // A text is borrowed and encoded as the path is written; other values are
                    // written as text first.
                    TypeRef::String => quote!(let #name = #RUNTIME::path_text(#wire, &self.#name)?;),
                    _ => quote!(let #name = #RUNTIME::path_segment(#wire, &self.#name)?;),
                });
            }
        }
    }
    if encode.is_empty() { (encode, quote!(#template)) } else { (encode, quote!(format_args!(#template))) }
}

/// The statement that puts a query or header parameter on the request.
pub(super) fn param_setup(param: &Param) -> Option<TokenStream> {
    let name = ident(&param.name);
    let wire = &param.wire_name;
    Some(match (param.location, param.style) {
        (ParamLocation::Path, _) => return None,
        (_, QueryStyle::Json) => json_param_setup(param),
        (ParamLocation::Query, QueryStyle::Exploded) => quote!(request.query(#wire, &self.#name);),
        (ParamLocation::Query, QueryStyle::Delimited(delimiter)) => {
            quote!(request.query_styled(#wire, &self.#name, #RUNTIME::QueryStyle::Delimited(#delimiter));)
        }
        (ParamLocation::Query, QueryStyle::DeepObject) => {
            quote!(request.query_styled(#wire, &self.#name, #RUNTIME::QueryStyle::DeepObject);)
        }
        (ParamLocation::Header, _) => {
            let wire = param.wire_name.to_ascii_lowercase();
            quote!(request.header(#wire, &self.#name);)
        }
    })
}

/// A parameter described by `content: application/json`: its value as JSON text, as one query
/// value or header; nothing when an optional one is unset.
fn json_param_setup(param: &Param) -> TokenStream {
    let name = ident(&param.name);
    // A query parameter or a header: path segments have an encoding of their own.
    let header = param.location == ParamLocation::Header;
    let wire = if header { param.wire_name.to_ascii_lowercase() } else { param.wire_name.clone() };
    let put = if header { quote!(request.header(#wire, &text);) } else { quote!(request.query(#wire, &text);) };
    let encode = quote! {
        let text = ::serde_json::to_string(value)
            .map_err(|e| #RUNTIME::InvalidRequest(format!("parameter `{}` cannot be encoded as JSON: {e}", #wire)))?;
        #put
    };
    if param.required {
        quote! {
            {
                let value = &self.#name;
                #encode
            }
        }
    } else {
        quote! {
            if let Some(value) = &self.#name {
                #encode
            }
        }
    }
}

pub(super) fn body_setup(api: &Api, body: &RequestBody) -> TokenStream {
    let media_type = &body.media_type;
    let set = match body.encoding {
        BodyEncoding::Json => quote!(request.json(body);),
        BodyEncoding::Form => form_setup(body),
        BodyEncoding::Multipart => multipart_setup(api, body),
        BodyEncoding::Bytes | BodyEncoding::Text => quote!(request.raw(#media_type, body);),
    };
    if body.required {
        quote! {
            let body = &self.body;
            #set
        }
    } else {
        quote! {
            if let Some(body) = &self.body {
                #set
            }
        }
    }
}

/// A form body, with the style the model decided for each field.
fn form_setup(body: &RequestBody) -> TokenStream {
    let styles = body.fields.iter().map(|field| {
        let wire = &field.wire_name;
        let style = match field.style {
            FieldStyle::Form { explode } => quote!(#RUNTIME::FieldStyle::Form { explode: #explode }),
            FieldStyle::Delimited(delimiter) => quote!(#RUNTIME::FieldStyle::Delimited(#delimiter)),
            FieldStyle::Brackets => quote!(#RUNTIME::FieldStyle::Brackets),
            FieldStyle::Json => quote!(#RUNTIME::FieldStyle::Json),
        };
        quote!((#wire, #style))
    });
    quote!(request.form(body, &[#(#styles),*]);)
}

/// One part per field of the body struct: bytes as file parts, objects as JSON parts (or the
/// `Content-Type` the spec's `encoding` names), everything else as text.
fn multipart_setup(api: &Api, body: &RequestBody) -> TokenStream {
    let fields = match &body.ty {
        TypeRef::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Struct { fields, .. } => fields.as_slice(),
            _ => &[],
        },
        _ => &[],
    };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire_name;
        let content_type = body.fields.iter().find(|f| &f.wire_name == wire).and_then(|f| f.content_type.as_deref());
        match (&field.ty, field.presence.is_required(), content_type) {
            (TypeRef::Bytes, true, _) => quote!(form.file(#wire, Some(&body.#name));),
            (TypeRef::Bytes, false, _) => quote!(form.file(#wire, body.#name.as_deref());),
            (_, _, Some("application/json")) => quote!(form.json(#wire, &body.#name)?;),
            (_, _, Some(content_type)) => quote!(form.typed(#wire, &body.#name, #content_type)?;),
            (_, _, None) => quote!(form.text(#wire, &body.#name)?;),
        }
    });
    quote! {
        let mut form = #RUNTIME::Multipart::new();
        #(#parts)*
        request.multipart(form);
    }
}

pub(super) fn security_tokens(api: &Api, security: &[SecurityRequirement]) -> TokenStream {
    let alternatives = security.iter().map(|alt| {
        let schemes = alt.schemes.iter().map(|s| {
            let constant = ident(&api.scheme(s.scheme).constant);
            quote!(#SCHEME::#constant)
        });
        quote!(&[#(#schemes),*])
    });
    quote!(&[#(#alternatives),*])
}
