//! Security schemes and requirements, from `components/securitySchemes` and `security`.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as Spec};

use super::ident::{self, Ident};
use super::{
    ApiKeyLocation, OAuthScope, SchemeId, SchemeKind, SchemeUse, ScopeUse, SecurityRequirement, SecurityScheme,
};
use crate::error::{Error, Location, Result, pointer};
use crate::load::LoadedSpec;

/// The spec's schemes in spec order, and the document-wide requirement.
pub fn schemes(spec: &LoadedSpec) -> Result<(Vec<SecurityScheme>, Vec<SecurityRequirement>)> {
    let openapi = &spec.openapi;
    let mut out: Vec<SecurityScheme> = Vec::new();
    let declared = openapi.components.iter().flat_map(|c| c.security_schemes.iter());
    for (wire_name, scheme) in declared {
        let at = pointer(["components", "securitySchemes", wire_name]);
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(Error::unsupported(
                Location::new(&spec.file, at),
                "a security scheme given as a `$ref`",
                "write the scheme out in place",
            ));
        };
        let (kind, description) = match scheme {
            Spec::HTTP { scheme, bearer_format, description, .. } => {
                let kind = match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => SchemeKind::Bearer { format: bearer_format.clone() },
                    "basic" => SchemeKind::Basic,
                    other => {
                        return Err(Error::unsupported(
                            Location::new(&spec.file, format!("{at}/scheme")),
                            format!("HTTP authentication scheme `{other}`"),
                            "only `bearer` and `basic` are generated",
                        ));
                    }
                };
                (kind, description)
            }
            Spec::APIKey { location, name, description, .. } => {
                let location = match location {
                    APIKeyLocation::Header => ApiKeyLocation::Header,
                    APIKeyLocation::Query => ApiKeyLocation::Query,
                    APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                };
                (SchemeKind::ApiKey { location, name: name.clone() }, description)
            }
            Spec::OAuth2 { flows, description, .. } => {
                let mut scopes: Vec<OAuthScope> = Vec::new();
                let flow_scopes = [
                    flows.implicit.as_ref().map(|f| &f.scopes),
                    flows.password.as_ref().map(|f| &f.scopes),
                    flows.client_credentials.as_ref().map(|f| &f.scopes),
                    flows.authorization_code.as_ref().map(|f| &f.scopes),
                ];
                for (scope, text) in flow_scopes.into_iter().flatten().flatten() {
                    if !scopes.iter().any(|s| &s.wire == scope) {
                        let name =
                            ident::disambiguate(&ident::variant_name(scope), |n| scopes.iter().any(|s| &s.name == n));
                        scopes.push(OAuthScope { wire: scope.clone(), name, description: text.clone() });
                    }
                }
                let client_credentials_token_url = flows.client_credentials.as_ref().map(|f| f.token_url.clone());
                // A candidate; the naming pass shortens it to `Scope` when there is one OAuth2 scheme.
                let scope_type = ident::type_name(wire_name).with_suffix("Scope");
                (SchemeKind::OAuth2 { scopes, scope_type, client_credentials_token_url }, description)
            }
            Spec::OpenIDConnect { description, .. } => (SchemeKind::Bearer { format: None }, description),
        };
        let base = ident::snake_name(wire_name);
        let setter = match kind {
            SchemeKind::OAuth2 { .. } => Ident::new(format!("{base}_token")),
            _ => base.clone(),
        };
        let client_credentials_setter = match &kind {
            SchemeKind::OAuth2 { client_credentials_token_url: Some(_), .. } => {
                Some(Ident::new(format!("{base}_client_credentials")))
            }
            _ => None,
        };
        out.push(SecurityScheme {
            wire_name: wire_name.clone(),
            constant: ident::constant_name(wire_name),
            setter,
            client_credentials_setter,
            description: description.clone(),
            kind,
        });
    }
    // Sorted, so the builder's methods do not depend on the order components are listed in.
    out.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let global = requirements(spec, openapi.security.as_deref().unwrap_or_default(), "/security", &out)?;
    Ok((out, global))
}

/// Converts a `security` list, checking that every scheme it names exists.
pub fn requirements(
    spec: &LoadedSpec,
    list: &[openapiv3::SecurityRequirement],
    at: &str,
    schemes: &[SecurityScheme],
) -> Result<Vec<SecurityRequirement>> {
    let mut out = Vec::new();
    for (index, requirement) in list.iter().enumerate() {
        if requirement.is_empty() {
            // `{}` makes auth optional; the alternatives before it are still tried first.
            out.push(SecurityRequirement { schemes: Vec::new() });
            continue;
        }
        let mut uses = Vec::new();
        for (scheme, scopes) in requirement {
            let Some(id) = schemes.iter().position(|s| &s.wire_name == scheme) else {
                return Err(Error::invalid(
                    Location::new(&spec.file, format!("{at}/{index}/{}", crate::error::pointer_token(scheme))),
                    format!("security scheme `{scheme}` is not declared"),
                    "declare it under `components/securitySchemes`, or fix the name",
                ));
            };
            let known: &[OAuthScope] = match &schemes[id].kind {
                SchemeKind::OAuth2 { scopes, .. } => scopes,
                _ => &[],
            };
            let scopes = scopes
                .iter()
                .map(|wire| ScopeUse { wire: wire.clone(), declared: known.iter().position(|s| &s.wire == wire) })
                .collect();
            uses.push(SchemeUse { scheme: SchemeId(id), scopes });
        }
        out.push(SecurityRequirement { schemes: uses });
    }
    Ok(out)
}
