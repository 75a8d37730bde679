//! Stage 2: the typed IR. A parsed spec becomes plain data: types and operations with every Rust
//! name already chosen and every wire name kept beside it. The emit stage reads only this module's
//! types, never `openapiv3`'s.

mod aliases;
mod bodies;
mod client_headers;
mod collapse;
mod complexity;
mod conform;
mod customize;
mod dedupe;
/// The generated runtime's rule for which union members a JSON value fits
/// (`runtime/fit.rs`, compiled here too): the conformance check of examples ranks members by the
/// very code generated unions decode by.
#[path = "../../runtime/fit.rs"]
pub mod fit;
mod formats;
pub mod ident;
mod ir;
mod names;
mod operations;
mod outcomes;
mod pagination;
pub(crate) mod prose;
mod recursion;
mod refs;
pub(crate) mod rust_type;
mod samples;
mod schema_view;
mod security;
mod shapes;
mod sizes;
mod types;
mod undeclared;
mod unions;
mod visit;
mod webhooks;

pub use conform::union_member;
pub use ir::*;
pub use rust_type::{Prelude, RustType};
pub use visit::TypeSlot;

use crate::error::Result;
use crate::load::LoadedSpec;
use crate::settings::Settings;

/// Builds the IR of one spec.
pub fn build(spec: &LoadedSpec, module: &ident::Ident, settings: &Settings) -> Result<Api> {
    let openapi = &spec.openapi;
    let mut types = types::TypeBuilder::new(spec, settings)?;
    let (security_schemes, default_security) = security::schemes(spec)?;
    // Examples of parameters and media types are recorded in `types` as operations are built.
    let (operations, mut warnings) =
        operations::build(spec, settings, &mut types, &security_schemes, &default_security)?;
    let (client_headers, header_warnings) = client_headers::client_headers(spec, settings, &mut types)?;
    warnings.extend(header_warnings);
    let (webhooks, webhook_warnings) = webhooks::build(spec, &mut types)?;
    warnings.extend(webhook_warnings);
    let (types, mut is_component, type_warnings, examples) = types.finish();
    warnings.extend(type_warnings);
    warnings.splice(0..0, spec.warnings.iter().cloned());
    let mut api = Api {
        module: module.clone(),
        source: spec.file.clone(),
        overlay: None,
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        description: openapi.info.description.clone(),
        servers: servers(openapi),
        client_headers,
        tags: openapi.tags.iter().map(|tag| (tag.name.clone(), tag.description.clone())).collect(),
        security_schemes,
        types,
        operations,
        webhooks,
        warnings,
        examples,
        string_formats: Vec::new(),
        dependencies: settings
            .dependencies
            .iter()
            .map(|(name, spec)| ExtraDependency { name: name.clone(), spec: spec.0.clone() })
            .collect(),
    };
    dedupe::merge_identical(&mut api, &mut is_component);
    // Before names: collapsing removes types and fields, which must neither hold names nor count
    // toward a constructor's arguments.
    shapes::settle(&mut api.types);
    collapse::collapse(&mut api, &mut is_component);
    complexity::name_deep_types(&mut api, &mut is_component);
    names::resolve(&mut api, &is_component)?;
    undeclared::name_fields(&mut api.types);
    convert_prose(&mut api, settings.docs_base_url.as_deref());
    if let Some(cycle) = recursion::alias_cycle(&api.types) {
        let names: Vec<&str> =
            cycle.iter().map(|id| api.types[id.0].origin.rsplit('/').next().unwrap_or_default()).collect();
        return Err(crate::Error::unsupported(
            crate::Location::new(&spec.file, api.types[cycle[0].0].origin.clone()),
            format!("the `$ref` cycle {} describes no value Rust can hold", names.join(" -> ")),
            "give one schema in the cycle its own properties, or break the cycle in an overlay",
        ));
    }
    recursion::box_recursive_fields(&mut api.types);
    let sizes = sizes::box_large_variants(&mut api.types);
    outcomes::box_large_bodies(&mut api, &sizes);
    types::sort_by_name(&mut api);
    pagination::detect(&mut api, settings);
    keep_conforming_examples(&mut api);
    api.string_formats = string_formats(&mut api);
    customize::apply(&mut api, settings)?;
    // Last: the cases must be final (boxed, their docs converted, their types customized).
    outcomes::share_error_enums(&mut api);
    Ok(api)
}

/// The typed string formats the API's types use, sorted.
fn string_formats(api: &mut Api) -> Vec<StringFormat> {
    let mut used = std::collections::BTreeSet::new();
    visit::every_type_ref(api, |ty| {
        if let TypeRef::Formatted(format) = ty {
            used.insert(*format);
        }
    });
    used.into_iter().collect()
}

fn servers(openapi: &openapiv3::OpenAPI) -> Vec<Server> {
    let mut taken = Vec::<ident::Ident>::new();
    openapi
        .servers
        .iter()
        .map(|server| {
            let base = server
                .description
                .as_deref()
                .map(ident::type_name)
                .filter(|n| n != "Empty")
                .unwrap_or_else(|| ident::type_name(&server.url));
            let name = ident::disambiguate(&base, |n| taken.contains(n));
            taken.push(name.clone());
            Server { name, url: server.url.clone(), description: server.description.clone() }
        })
        .collect()
}

/// Keeps the examples the generated types hold exactly and whose decoding could go wrong; each
/// other one contradicts its schema (or the generator's reading of it), and says so in a warning.
fn keep_conforming_examples(api: &mut Api) {
    let examples = std::mem::take(&mut api.examples);
    for example in examples {
        match conform::conforms(&example.value, &example.ty, &api.types) {
            Ok(()) if worth_decoding(&example.ty) => api.examples.push(example),
            Ok(()) => {}
            Err(reason) => api.warnings.push(Warning::new(
                example.pointer,
                format!("this example does not match its schema: {reason}; it is left out of the examples test"),
            )),
        }
    }
}

/// Whether decoding a value of `ty` could go wrong: it names a generated type or a typed format.
/// An example of a plain string or number says nothing the decoder could get wrong.
fn worth_decoding(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) | TypeRef::Formatted(_) => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => worth_decoding(inner),
        _ => false,
    }
}

/// Every description of the API as Markdown (HTML converted, relative links resolved against the
/// docs base URL or made plain text), once, so the emitters print prose as it is.
fn convert_prose(api: &mut Api, docs_base_url: Option<&str>) {
    let convert = |text: &mut Option<String>| {
        if let Some(text) = text {
            *text = prose::to_markdown(text, docs_base_url);
        }
    };
    convert(&mut api.description);
    api.tags.iter_mut().for_each(|(_, description)| convert(description));
    api.servers.iter_mut().for_each(|s| convert(&mut s.description));
    api.client_headers.iter_mut().for_each(|h| convert(&mut h.docs));
    for scheme in &mut api.security_schemes {
        convert(&mut scheme.description);
        if let SchemeKind::OAuth2 { scopes, .. } = &mut scheme.kind {
            for scope in scopes {
                scope.description = prose::to_markdown(&scope.description, docs_base_url);
            }
        }
    }
    for def in &mut api.types {
        convert(&mut def.docs);
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| convert(&mut f.docs)),
            // Values of merged enums carry their members' docs (see `collapse`).
            TypeKind::StringEnum { values } => values.iter_mut().for_each(|v| convert(&mut v.docs)),
            _ => {}
        }
    }
    for op in &mut api.operations {
        convert(&mut op.summary);
        convert(&mut op.description);
        op.params.iter_mut().for_each(|p| convert(&mut p.docs));
        if let Some(body) = &mut op.body {
            convert(&mut body.docs);
        }
        op.success.iter_mut().chain(op.errors.iter_mut()).for_each(|case| convert(&mut case.docs));
    }
}
