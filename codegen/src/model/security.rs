//! Security schemes and requirements, from `components/securitySchemes` and `security`.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as Spec};

use super::{ApiKeyLocation, OAuthScope, SchemeKind, SchemeUse, SecurityRequirement, SecurityScheme, ident};
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
                            ident::disambiguate(&ident::variant_name(scope), |n| scopes.iter().any(|s| s.name == n));
                        scopes.push(OAuthScope { wire: scope.clone(), name, description: text.clone() });
                    }
                }
                let client_credentials_token_url = flows.client_credentials.as_ref().map(|f| f.token_url.clone());
                // Named after the scheme only when there are several OAuth2 schemes to tell apart.
                let scope_type = String::new();
                (SchemeKind::OAuth2 { scopes, scope_type, client_credentials_token_url }, description)
            }
            Spec::OpenIDConnect { description, .. } => (SchemeKind::Bearer { format: None }, description),
        };
        let setter = match kind {
            SchemeKind::OAuth2 { .. } => format!("{}_token", ident::snake_name(wire_name)),
            _ => ident::snake_name(wire_name),
        };
        let client_credentials_setter = match &kind {
            SchemeKind::OAuth2 { client_credentials_token_url: Some(_), .. } => {
                Some(format!("{}_client_credentials", ident::unraw(&ident::snake_name(wire_name))))
            }
            _ => None,
        };
        out.push(SecurityScheme {
            wire_name: wire_name.clone(),
            setter,
            client_credentials_setter,
            description: description.clone(),
            kind,
        });
    }
    // Sorted, so the builder's methods do not depend on the order components are listed in.
    out.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let oauth_schemes = out.iter().filter(|s| matches!(s.kind, SchemeKind::OAuth2 { .. })).count();
    for scheme in &mut out {
        if let SchemeKind::OAuth2 { scope_type, .. } = &mut scheme.kind {
            *scope_type = if oauth_schemes == 1 {
                "Scope".into()
            } else {
                format!("{}Scope", ident::type_name(&scheme.wire_name))
            };
        }
    }
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
            let Some(declared) = schemes.iter().find(|s| &s.wire_name == scheme) else {
                return Err(Error::invalid(
                    Location::new(&spec.file, format!("{at}/{index}/{}", crate::error::pointer_token(scheme))),
                    format!("security scheme `{scheme}` is not declared"),
                    "declare it under `components/securitySchemes`, or fix the name",
                ));
            };
            let scope_links = match &declared.kind {
                SchemeKind::OAuth2 { scopes: known, scope_type, .. } => scopes
                    .iter()
                    .map(|wire| known.iter().find(|s| &s.wire == wire).map(|s| format!("{scope_type}::{}", s.name)))
                    .collect(),
                _ => vec![None; scopes.len()],
            };
            let is_oauth2 = matches!(declared.kind, SchemeKind::OAuth2 { .. });
            uses.push(SchemeUse { scheme: scheme.clone(), scopes: scopes.clone(), is_oauth2, scope_links });
        }
        out.push(SecurityRequirement { schemes: uses });
    }
    Ok(out)
}
