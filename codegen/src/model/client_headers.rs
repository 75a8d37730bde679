//! Headers of the whole client: header parameters under `components/parameters` that no operation
//! lists. Specs declare an API version this way (`Blaxel-Version`) and say in prose that every
//! request may carry it; the client builder gets a typed setter for each, and the spec's
//! settings may pin the value sent by default.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};

use super::ident;
use super::schema_view::SchemaRef;
use super::types::{Ctx, TypeBuilder};
use super::{ClientHeader, Warning};
use crate::error::{Result, pointer};
use crate::load::LoadedSpec;
use crate::settings::Settings;

pub fn client_headers<'a>(
    spec: &'a LoadedSpec,
    settings: &Settings,
    types: &mut TypeBuilder<'a>,
) -> Result<(Vec<ClientHeader>, Vec<Warning>)> {
    let prefix = "#/components/parameters/";
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for item in spec.openapi.paths.paths.values() {
        let ReferenceOr::Item(item) = item else { continue };
        let operations = item.iter().map(|(_, op)| &op.parameters);
        for parameters in std::iter::once(&item.parameters).chain(operations) {
            for parameter in parameters {
                if let ReferenceOr::Reference { reference } = parameter
                    && let Some(name) = reference.strip_prefix(prefix)
                {
                    listed.insert(name);
                }
            }
        }
    }
    let mut headers = Vec::new();
    let declared = spec.openapi.components.iter().flat_map(|c| c.parameters.iter());
    for (key, parameter) in declared {
        let (ReferenceOr::Item(Parameter::Header { parameter_data: data, .. }), false) =
            (parameter, listed.contains(key.as_str()))
        else {
            continue;
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else { continue };
        let at = pointer(["components", "parameters", key, "schema"]);
        let ctx = Ctx::new(ident::type_name(&data.name).as_str(), at);
        let ty = types.shape(SchemaRef::from(schema), &ctx)?.ty;
        let default = settings.header_defaults.iter().find(|(name, _)| name.eq_ignore_ascii_case(&data.name));
        headers.push(ClientHeader {
            setter: ident::snake_name(&data.name),
            wire_name: data.name.clone(),
            ty,
            docs: data.description.clone(),
            default: default.map(|(_, value)| value.clone()),
        });
    }
    let mut warnings = Vec::new();
    for name in settings.header_defaults.keys() {
        if !headers.iter().any(|h| h.wire_name.eq_ignore_ascii_case(name)) {
            warnings.push(Warning::new(
                "/components/parameters",
                format!(
                    "the settings give a default for the header `{name}`, but it is not a header parameter under \
                     `components/parameters` that no operation lists; the default is not sent"
                ),
            ));
        }
    }
    Ok((headers, warnings))
}
