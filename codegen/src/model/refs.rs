//! `$ref` resolution against `components`, with errors that name the reference and where it stands.

use openapiv3::{OpenAPI, ReferenceOr};

use crate::error::{Error, Location, Result};

/// The component kinds a `$ref` can point into.
#[derive(Debug, Clone, Copy)]
pub enum Section {
    Schemas,
    Parameters,
    RequestBodies,
    Responses,
    Examples,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Schemas => "schemas",
            Section::Parameters => "parameters",
            Section::RequestBodies => "requestBodies",
            Section::Responses => "responses",
            Section::Examples => "examples",
        }
    }
}

/// The component name a local reference names: `#/components/schemas/Pet` -> `Pet`.
pub fn component_name<'r>(file: &str, reference: &'r str, section: Section, at: &str) -> Result<&'r str> {
    let prefix = format!("#/components/{}/", section.key());
    match reference.strip_prefix(&prefix) {
        Some(name) if !name.contains('/') => Ok(name),
        _ if !reference.starts_with('#') => Err(Error::unsupported(
            Location::new(file, at),
            format!("external reference `{reference}`"),
            "bundle the spec into one file first (for example with `redocly bundle`)",
        )),
        _ => Err(Error::unsupported(
            Location::new(file, at),
            format!("reference `{reference}` does not point into `#/components/{}`", section.key()),
            "move the referenced definition under components, or reference it from there",
        )),
    }
}

/// The error for a reference to a component that does not exist: the closest existing name when
/// one is close enough to be a misspelling of it.
pub fn dangling(file: &str, at: &str, reference: &str, section: Section, known: &[&str]) -> Error {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    let section = section.key();
    let hint = match crate::load::lint::closest(name, known) {
        Some(meant) => format!(
            "did you mean `#/components/{section}/{meant}`? Otherwise define `{name}` under `components/{section}`"
        ),
        None => format!("define `{name}` under `components/{section}`, or fix the reference"),
    };
    Error::invalid(Location::new(file, at), format!("`$ref: {reference}` points to nothing"), hint)
}

/// The names of the components in `section`.
pub fn section_names(openapi: &OpenAPI, section: Section) -> Vec<&str> {
    let Some(components) = &openapi.components else { return Vec::new() };
    match section {
        Section::Schemas => components.schemas.keys().map(String::as_str).collect(),
        Section::Parameters => components.parameters.keys().map(String::as_str).collect(),
        Section::RequestBodies => components.request_bodies.keys().map(String::as_str).collect(),
        Section::Responses => components.responses.keys().map(String::as_str).collect(),
        Section::Examples => components.examples.keys().map(String::as_str).collect(),
    }
}

/// Follows `$ref`s (possibly chained) to the item they name.
pub fn resolve<'a, T>(
    file: &str,
    openapi: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    section: Section,
    at: &str,
    lookup: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
) -> Result<&'a T> {
    let mut current = item;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let name = component_name(file, reference, section, at)?;
                current = openapi
                    .components
                    .as_ref()
                    .and_then(|c| lookup(c, name))
                    .ok_or_else(|| dangling(file, at, reference, section, &section_names(openapi, section)))?;
            }
        }
    }
    Err(Error::invalid(
        Location::new(file, at),
        "a chain of references never reaches a definition",
        "break the reference cycle",
    ))
}
