//! Stage 2: the typed IR. A parsed spec becomes plain data: types and operations with every Rust
//! name already chosen and every wire name kept beside it. The emit stage reads only this module's
//! types, never `openapiv3`'s.

pub mod ident;
mod ir;
mod names;
mod operations;
mod recursion;
mod refs;
mod samples;
mod schema_view;
mod security;
mod shapes;
mod types;
mod unions;
mod visit;

pub use ir::*;
pub use visit::TypeSlot;

use crate::error::Result;
use crate::load::LoadedSpec;
use crate::settings::Settings;

/// Builds the IR of one spec.
pub fn build(spec: &LoadedSpec, module: &ident::Ident, settings: &Settings) -> Result<Api> {
    let openapi = &spec.openapi;
    let mut types = types::TypeBuilder::new(spec, settings)?;
    let (security_schemes, default_security) = security::schemes(spec)?;
    let (operations, mut warnings) =
        operations::build(spec, settings, &mut types, &security_schemes, &default_security)?;
    let (types, is_component, type_warnings) = types.finish();
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
        security_schemes,
        types,
        operations,
        warnings,
    };
    names::resolve(&mut api, &is_component)?;
    if let Some(cycle) = recursion::alias_cycle(&api.types) {
        let names: Vec<&str> =
            cycle.iter().map(|id| api.types[id.0].origin.rsplit('/').next().unwrap_or_default()).collect();
        return Err(crate::Error::unsupported(
            crate::Location::new(&spec.file, api.types[cycle[0].0].origin.clone()),
            format!("the `$ref` cycle {} describes no value Rust can hold", names.join(" -> ")),
            "give one schema in the cycle its own properties, or break the cycle in an overlay",
        ));
    }
    shapes::settle(&mut api.types);
    recursion::box_recursive_fields(&mut api.types);
    types::sort_by_name(&mut api.types, &mut api.operations);
    Ok(api)
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
