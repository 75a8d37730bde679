//! The API manifest: what Rust callers of one generated module depend on, as data. It is derived
//! from the IR (never from emitted text), written beside the generated code as
//! `api/<module>.json` under the freshness gate, and read back by the next run as the baseline the
//! change report compares against.
//!
//! Every name is the Rust name callers write (plain, without `r#`); wire names appear only where
//! they differ. Collections whose order callers cannot see are sorted (operations and types by
//! name, optional parameters and client headers by name); the others keep the order the
//! generated code has, because it is part of the API: required arguments and the required fields
//! `new` takes are positional, the first server is the default, and the variants of an enum
//! without data (`Server`, scopes, an error enum whose statuses have no body) number in order.

use serde::{Deserialize, Serialize};

use super::ManifestError;
use crate::model::{
    self, Api, ApiKeyLocation, BodyEncoding, ResponseBody, RustType, SchemeKind, Successes, TypeKind, TypeRef,
    Unmatched,
};

/// The manifest layout this generator writes and reads; a manifest of another layout is refused
/// with what to do, rather than misread.
pub const FORMAT: u32 = 1;

/// The folder of the generated crate that holds the manifests.
pub const FOLDER: &str = "api";

/// The path of a module's manifest, relative to the generated crate's root.
pub fn path(module: &str) -> String {
    format!("{FOLDER}/{module}.json")
}

/// One module's API as its callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The preamble every generated file carries, first, so the freshness gate recognises the
    /// file as generated.
    pub generated: String,
    pub format: u32,
    pub module: String,
    /// The spec file, as the generated docs name it.
    pub spec: String,
    pub title: String,
    /// The spec's `info.version`.
    pub spec_version: String,
    /// The version the generated crate had when this manifest was written; the next run bumps
    /// from it. Set by [`crate::report::plan`], which knows the reports.
    pub crate_version: String,
    /// In spec order: the first is the default.
    pub servers: Vec<Server>,
    pub client_headers: Vec<ClientHeader>,
    pub auth: Vec<Auth>,
    pub scopes: Vec<Scopes>,
    /// Sorted by method name.
    pub operations: std::collections::BTreeMap<String, Operation>,
    /// Sorted by name.
    pub types: std::collections::BTreeMap<String, Type>,
    /// The derives the settings add to types (`derives`, `[type-derives]`), by type name: only
    /// types that have any; absent from manifests written before there were such settings.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub derives: std::collections::BTreeMap<String, Vec<String>>,
}

/// A variant of the module's `Server` enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Server {
    pub name: String,
    pub url: String,
}

/// A client builder method that sets a header sent with every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientHeader {
    pub setter: String,
    pub header: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// A security scheme and the client builder methods that take its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auth {
    /// The scheme's key in `components/securitySchemes`.
    pub scheme: String,
    /// How the credential goes on the wire (`bearer`, `basic`, `api key in header X-Key`, `oauth2`).
    pub kind: String,
    /// The builder method and its arguments.
    pub setter: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_credentials: Option<String>,
}

/// The scope enum of an OAuth2 scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scopes {
    pub name: String,
    pub scheme: String,
    pub values: Vec<EnumValue>,
}

/// One client method, its request builder and what it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// `GET /agents/{agentName}`.
    pub route: String,
    /// The request builder, in `requests`.
    pub request: String,
    /// The method's arguments, in order (the body, when required, comes after them: see `body`).
    pub required: Vec<Input>,
    /// The request builder's setters, by name.
    pub optional: Vec<Input>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// `T` in `Result<Response<T>, Error<E>>`.
    pub returns: String,
    /// The variants of the success enum, when the operation declares several kinds of success.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successes: Vec<Case>,
    /// `E`, in `responses`.
    pub error_type: String,
    /// The enum `error_type` is an alias of, when an earlier operation declares the same errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_alias_of: Option<String>,
    pub errors: Vec<Case>,
    /// The alternatives any one of which authorises the call, each as its schemes joined by ` + `.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// A parameter: an argument of the client method, or a setter of the request builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    /// The type a caller passes.
    #[serde(rename = "type")]
    pub ty: String,
    /// Required: the method's last argument; optional: the builder's `body` setter.
    pub required: bool,
    pub media: String,
}

/// A variant of an operation's error (or success) enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub variant: String,
    /// `404`, `4XX` or `default`.
    pub status: String,
    /// The variant's payload type, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// A type in the module's `types`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    Struct {
        /// Whether callers build values of it: `new(required fields)` and a setter per optional
        /// field.
        input: bool,
        /// In declaration order, which is `new`'s argument order.
        fields: Vec<Field>,
    },
    /// A string enum (with a catch-all variant for values it does not list).
    Enum { values: Vec<EnumValue> },
    /// A `oneOf`/`anyOf`: an enum whose variants hold the members.
    Union {
        /// The property whose value names the member, for a tagged union.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        variants: Vec<Variant>,
        /// Whether the enum has an `Unknown` variant for values no member describes.
        unknown: bool,
    },
    /// `pub type Name = ...;`
    Alias {
        #[serde(rename = "type")]
        ty: String,
    },
}

impl Type {
    /// What kind of Rust item it is, as reports name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Type::Struct { .. } => "struct",
            Type::Enum { .. } => "enum",
            Type::Union { .. } => "union",
            Type::Alias { .. } => "alias",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    /// The type of a present, non-null value, `Box`ed when the field is boxed; see
    /// [`Field::rust_type`] for the field's declared type.
    #[serde(rename = "type")]
    pub ty: String,
    pub presence: Presence,
    /// The setter of an optional field of an input type, when its name is not the field's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
}

impl Field {
    /// The field's type as the struct declares it.
    pub fn rust_type(&self) -> String {
        match self.presence {
            Presence::Required => self.ty.clone(),
            Presence::Optional | Presence::RequiredNullable => format!("Option<{}>", self.ty),
            Presence::OptionalNullable => format!("Option<Option<{}>>", self.ty),
        }
    }
}

/// [`model::Presence`], spelled for readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Presence {
    #[serde(rename = "required")]
    Required,
    #[serde(rename = "optional")]
    Optional,
    #[serde(rename = "required, nullable")]
    RequiredNullable,
    #[serde(rename = "optional, nullable")]
    OptionalNullable,
}

impl Presence {
    pub fn is_required(self) -> bool {
        matches!(self, Presence::Required | Presence::RequiredNullable)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Required => "required",
            Presence::Optional => "optional",
            Presence::RequiredNullable => "required, nullable",
            Presence::OptionalNullable => "optional, nullable",
        }
    }
}

impl From<model::Presence> for Presence {
    fn from(presence: model::Presence) -> Presence {
        match presence {
            model::Presence::Required => Presence::Required,
            model::Presence::Optional => Presence::Optional,
            model::Presence::RequiredNullable => Presence::RequiredNullable,
            model::Presence::OptionalNullable => Presence::OptionalNullable,
        }
    }
}

/// A variant of a string enum and the value it stands for on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    pub name: String,
    pub wire: String,
}

/// A variant of a union and the member type it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    /// The tag values that name it, joined by `, `, for a tagged union.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
}

impl Manifest {
    /// The manifest of `api`; `preamble` is the generated files' first line (without comment
    /// marker). The crate version is left empty for the caller to set.
    pub fn of(api: &Api, preamble: &str) -> Manifest {
        let mut operations = std::collections::BTreeMap::new();
        for op in &api.operations {
            operations.insert(op.name.to_string(), operation(api, op));
        }
        // A replaced type is the caller's own, not the crate's (`[replace-types]`).
        let types = api
            .types
            .iter()
            .filter(|def| def.replacement.is_none())
            .map(|def| (def.name.to_string(), type_entry(api, def)))
            .collect();
        Manifest {
            generated: preamble.to_string(),
            format: FORMAT,
            module: api.module.to_string(),
            spec: api.source.clone(),
            title: api.title.clone(),
            spec_version: api.version.clone(),
            crate_version: String::new(),
            servers: api.servers.iter().map(|s| Server { name: s.name.to_string(), url: s.url.clone() }).collect(),
            client_headers: client_headers(api),
            auth: api.security_schemes.iter().map(auth).collect(),
            scopes: api.security_schemes.iter().filter_map(scopes).collect(),
            operations,
            types,
            derives: added_derives(api),
        }
    }

    /// The manifest as the file `api/<module>.json` holds it: pretty JSON, one item per line,
    /// the `@generated` preamble on the first line.
    pub fn to_json(&self) -> String {
        let value = serde_json::to_value(self).expect("a manifest always serializes");
        super::json::to_lines(&value)
    }

    /// Reads a manifest file; `file` names it in errors.
    pub fn from_json(file: &str, text: &str) -> Result<Manifest, ManifestError> {
        let refuse = |message: String| ManifestError { file: file.to_string(), message };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| refuse(format!("not a JSON API manifest: {e}")))?;
        let format = value.get("format").and_then(serde_json::Value::as_u64);
        if format != Some(u64::from(FORMAT)) {
            return Err(refuse(format!(
                "an API manifest of format {}, where this generator reads format {FORMAT}; delete it, and the \
                 next run reports the module as new instead of comparing",
                format.map_or_else(|| "unknown".to_string(), |f| f.to_string())
            )));
        }
        serde_json::from_value(value).map_err(|e| {
            refuse(format!(
                "not an API manifest this generator reads: {e}; restore it from version control, or delete it and \
                 the next run reports the module as new instead of comparing"
            ))
        })
    }

    /// The method's arguments as types, in order: what the compiler checks at each call.
    pub fn signature(op: &Operation) -> Vec<String> {
        let mut types: Vec<String> = op.required.iter().map(|input| input.ty.clone()).collect();
        types.extend(op.body.iter().filter(|b| b.required).map(|b| b.ty.clone()));
        types
    }
}

fn client_headers(api: &Api) -> Vec<ClientHeader> {
    let mut headers: Vec<ClientHeader> = api
        .client_headers
        .iter()
        .map(|h| ClientHeader {
            setter: h.setter.to_string(),
            header: h.wire_name.clone(),
            ty: rust_type(api, &h.ty),
            default: h.default.clone(),
        })
        .collect();
    headers.sort_by(|a, b| a.setter.cmp(&b.setter));
    headers
}

fn auth(scheme: &model::SecurityScheme) -> Auth {
    let (kind, setter) = match &scheme.kind {
        SchemeKind::Bearer { .. } => ("bearer".to_string(), format!("{}(token)", scheme.setter)),
        SchemeKind::Basic => ("basic".to_string(), format!("{}(username, password)", scheme.setter)),
        SchemeKind::ApiKey { location, name } => {
            let location = match location {
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Query => "query",
                ApiKeyLocation::Cookie => "cookie",
            };
            (format!("api key in {location} {name}"), format!("{}(key)", scheme.setter))
        }
        SchemeKind::OAuth2 { .. } => ("oauth2".to_string(), format!("{}(token)", scheme.setter)),
    };
    let client_credentials = match (&scheme.kind, &scheme.client_credentials_setter) {
        (SchemeKind::OAuth2 { scope_type, .. }, Some(setter)) => {
            Some(format!("{setter}(client_id, client_secret, scopes: &[{scope_type}])"))
        }
        _ => None,
    };
    Auth { scheme: scheme.wire_name.clone(), kind, setter, client_credentials }
}

fn scopes(scheme: &model::SecurityScheme) -> Option<Scopes> {
    let SchemeKind::OAuth2 { scopes, scope_type, .. } = &scheme.kind else { return None };
    // The generated code has no scope enum for a scheme without scopes.
    (!scopes.is_empty()).then(|| Scopes {
        name: scope_type.to_string(),
        scheme: scheme.wire_name.clone(),
        values: scopes.iter().map(|s| EnumValue { name: s.name.to_string(), wire: s.wire.clone() }).collect(),
    })
}

fn operation(api: &Api, op: &model::Operation) -> Operation {
    let input = |param: &model::Param| Input {
        name: param.name.to_string(),
        ty: rust_type(api, &param.ty),
        location: param.location.as_str().to_string(),
        wire: (param.name != *param.wire_name).then(|| param.wire_name.clone()),
    };
    let mut optional: Vec<Input> = op.optional_params().map(input).collect();
    optional.sort_by(|a, b| a.name.cmp(&b.name));
    let body = op.body.as_ref().map(|body| Body {
        ty: match body.encoding {
            BodyEncoding::Bytes => rust_type(api, &TypeRef::Bytes),
            BodyEncoding::Text => rust_type(api, &TypeRef::String),
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => rust_type(api, &body.ty),
        },
        required: body.required,
        media: body.media_type.clone(),
    });
    let returns = match &op.successes {
        Successes::Undeclared => "()".to_string(),
        Successes::One => op.success.first().and_then(|case| body_type(api, &case.body)).unwrap_or_else(|| "()".into()),
        Successes::Several { type_name } => format!("responses::{type_name}"),
    };
    let successes = match &op.successes {
        Successes::Several { .. } => cases(api, &op.success),
        Successes::Undeclared | Successes::One => Vec::new(),
    };
    let auth = op
        .security
        .iter()
        .map(|alternative| {
            let schemes: Vec<&str> =
                alternative.schemes.iter().map(|s| api.scheme(s.scheme).wire_name.as_str()).collect();
            if schemes.is_empty() { "none".to_string() } else { schemes.join(" + ") }
        })
        .collect();
    Operation {
        route: format!("{} {}", op.method.as_str(), op.path.text),
        request: op.request_type.to_string(),
        required: op.required_params().map(input).collect(),
        optional,
        body,
        returns,
        successes,
        error_type: op.error_type.to_string(),
        error_alias_of: match &op.error_enum {
            model::ErrorEnum::SameAs(owner) => Some(owner.to_string()),
            model::ErrorEnum::NoneDeclared => Some("runtime::NoDeclaredErrors".to_string()),
            model::ErrorEnum::Own { .. } => None,
        },
        errors: cases(api, &op.errors),
        auth,
        deprecated: op.deprecated,
    }
}

/// The variants of an outcome enum, in the enum's order: when none holds a value, the order gives
/// the discriminants, which `as` casts see.
fn cases(api: &Api, cases: &[model::ResponseCase]) -> Vec<Case> {
    cases
        .iter()
        .map(|case| Case {
            variant: case.variant.to_string(),
            status: case.status.to_string(),
            body: body_type(api, &case.body),
        })
        .collect()
}

fn body_type(api: &Api, body: &ResponseBody) -> Option<String> {
    match body {
        ResponseBody::Empty => None,
        ResponseBody::Json(ty) => Some(rust_type(api, ty)),
        ResponseBody::Text => Some(rust_type(api, &TypeRef::String)),
        ResponseBody::Bytes => Some(rust_type(api, &TypeRef::Bytes)),
        ResponseBody::Redirect => Some("Redirect".to_string()),
        ResponseBody::EventStream(events) => Some(format!(
            "EventStream<{}>",
            events.data.as_ref().map_or_else(|| "String".to_string(), |ty| rust_type(api, ty))
        )),
    }
}

/// Per type, the derives beyond those every type of its kind has (string enums are `Eq` and
/// `Hash` by themselves).
fn added_derives(api: &Api) -> std::collections::BTreeMap<String, Vec<String>> {
    api.types
        .iter()
        .filter_map(|def| {
            let inherent = def.kind.inherent_derives();
            let added: Vec<String> =
                def.derives.iter().filter(|d| !inherent.contains(d)).map(|d| d.as_str().to_string()).collect();
            (!added.is_empty()).then(|| (def.name.to_string(), added))
        })
        .collect()
}

fn type_entry(api: &Api, def: &model::TypeDef) -> Type {
    match &def.kind {
        TypeKind::Struct { fields, .. } => Type::Struct {
            // Every struct is (see `emit::types`); the field stays for the manifests written when
            // only request types were.
            input: true,
            fields: fields
                .iter()
                .map(|f| Field {
                    name: f.name.to_string(),
                    ty: RustType::of(api, &f.ty).boxed_if(f.boxed).text(""),
                    presence: f.presence.into(),
                    setter: (!f.presence.is_required() && f.setter != f.name).then(|| f.setter.to_string()),
                    wire: (f.name != *f.wire_name).then(|| f.wire_name.clone()),
                })
                .collect(),
        },
        TypeKind::StringEnum { values } => Type::Enum {
            values: values.iter().map(|v| EnumValue { name: v.name.to_string(), wire: v.wire.clone() }).collect(),
        },
        TypeKind::Tagged { property, variants } => Type::Union {
            tag: Some(property.clone()),
            variants: variants
                .iter()
                .map(|v| Variant { tags: Some(v.tags.join(", ")), ..variant(api, &v.variant) })
                .collect(),
            unknown: true,
        },
        TypeKind::Untagged { variants, unmatched } => Type::Union {
            tag: None,
            variants: variants.iter().map(|v| variant(api, v)).collect(),
            unknown: *unmatched == Unmatched::Kept,
        },
        TypeKind::Alias(ty) => Type::Alias { ty: rust_type(api, ty) },
    }
}

fn variant(api: &Api, v: &model::UnionVariant) -> Variant {
    let ty = RustType::of(api, &v.ty).boxed_if(v.boxed).text("");
    Variant { name: v.name.to_string(), ty, tags: None }
}

/// A model type as Rust spells it (see [`RustType::text`]), with the module's own types by bare
/// name.
fn rust_type(api: &Api, ty: &TypeRef) -> String {
    RustType::of(api, ty).text("")
}
