//! Stage 2: the typed IR. A parsed spec becomes plain data: types and operations with every Rust
//! name already chosen and every wire name kept beside it. The emit stage reads only this module's
//! types, never `openapiv3`'s.

pub mod ident;
mod operations;
mod recursion;

pub use operations::{TemplatePiece, path_template};
mod refs;
mod samples;
mod schema_view;
mod security;
mod types;

use crate::error::Result;
use crate::load::LoadedSpec;
use crate::settings::Settings;

/// One API: everything the emit stage needs to write its module.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Rust module name, also the cargo feature that enables it.
    pub module: String,
    /// The spec file it came from, as named in generated docs.
    pub source: String,
    /// The overlay applied to the spec, if any.
    pub overlay: Option<String>,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Sorted by name.
    pub types: Vec<TypeDef>,
    /// In spec order (paths, then methods in the order OpenAPI lists them).
    pub operations: Vec<Operation>,
    /// What was left out, and why.
    pub warnings: Vec<Warning>,
}

/// An index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// Variant name in the generated `Server` enum.
    pub name: String,
    pub url: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's key in `components/securitySchemes`.
    pub wire_name: String,
    /// The builder method that takes its credential.
    pub setter: String,
    /// For OAuth2 with a client-credentials flow: the builder method that takes a client id and
    /// secret instead of a token.
    pub client_credentials_setter: Option<String>,
    pub description: Option<String>,
    pub kind: SchemeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`; OAuth2 and OpenID Connect access tokens are sent this way too.
    Bearer {
        format: Option<String>,
    },
    Basic,
    ApiKey {
        location: ApiKeyLocation,
        name: String,
    },
    /// An OAuth2 scheme: the caller supplies an access token, or, with a client-credentials
    /// flow, a client id and secret that the client trades for tokens at its token URL.
    OAuth2 {
        scopes: Vec<OAuthScope>,
        /// The generated enum of the scheme's scopes.
        scope_type: String,
        client_credentials_token_url: Option<String>,
    },
}

/// One OAuth2 scope: its wire name, its variant in the generated scope enum, and what it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthScope {
    pub wire: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// One alternative of an operation's `security`: all of these schemes together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirement {
    pub schemes: Vec<SchemeUse>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeUse {
    pub scheme: String,
    /// OAuth2 scopes, or (OpenAPI 3.1) the roles another scheme's credential must have.
    pub scopes: Vec<String>,
    pub is_oauth2: bool,
    /// For each scope, its variant in the scheme's scope enum (`Scope::AgentsList`), when declared.
    pub scope_links: Vec<Option<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema it was made from.
    pub origin: String,
    pub docs: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
    },
    /// A string enum; unknown values decode into a catch-all variant instead of failing.
    StringEnum {
        values: Vec<EnumValue>,
    },
    /// `oneOf`/`anyOf` whose members are told apart by a string property (a `discriminator`, or a
    /// property every member pins to one enum value): decoding dispatches on it, and tags added
    /// later decode into a catch-all variant.
    Tagged {
        property: String,
        variants: Vec<TaggedVariant>,
    },
    /// `oneOf`/`anyOf` without a tag: the first variant that decodes wins.
    Untagged {
        variants: Vec<UnionVariant>,
    },
    /// A named schema that is just another type (`type: string`, an array, a map).
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    /// The type of a present, non-null value.
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Set by the recursion analysis: the field holds its own container type by value.
    pub boxed: bool,
    pub docs: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    pub name: String,
    pub wire: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Set by the recursion analysis, as for [`Field::boxed`].
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// The tag's value on the wire.
    pub tag: String,
    pub variant: UnionVariant,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Named(TypeId),
    String,
    Bool,
    Int(IntKind),
    Float(FloatKind),
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary keys and values.
    JsonObject,
    Bytes,
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
    Option(Box<TypeRef>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntKind {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloatKind {
    F32,
    F64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The client method's name.
    pub name: String,
    pub operation_id: Option<String>,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template as the spec writes it (`/users/{id}`).
    pub path: String,
    pub origin: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub success: Vec<ResponseCase>,
    pub errors: Vec<ResponseCase>,
    /// Name of the generated enum of this operation's declared error responses.
    pub error_type: String,
    /// Name of the generated struct of this operation's optional query and header parameters.
    pub params_type: String,
    /// The alternatives, any one of which authorises the call; empty means no auth.
    pub security: Vec<SecurityRequirement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The argument name, and the field name when the parameter is optional.
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Option<String>,
    /// A minimal value the spec accepts, for examples and end-to-end tests.
    pub sample: serde_json::Value,
    /// How a query parameter's lists and objects are written.
    pub style: QueryStyle,
}

/// OpenAPI's `style` and `explode` for query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, exploded (the default).
    Exploded,
    /// `form` not exploded (`,`), `spaceDelimited` (` `), `pipeDelimited` (`|`).
    Delimited(&'static str),
    DeepObject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub media_type: String,
    pub encoding: BodyEncoding,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Option<String>,
    /// A minimal body the spec accepts, for examples and end-to-end tests.
    pub sample: serde_json::Value,
}

/// How a request body goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    /// `application/x-www-form-urlencoded`: the fields of an object as `name=value` pairs.
    Form,
    /// `multipart/form-data`: one part per field of an object; `format: binary` fields are
    /// bytes sent as file parts.
    Multipart,
    /// Raw bytes (`application/octet-stream` and other binary types); the type is [`TypeRef::Bytes`].
    Bytes,
    /// A `text/*` body; the type is [`TypeRef::String`].
    Text,
}

/// Something the spec says that the generator does not turn into code; the operation it is in is
/// left out, and the command line reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCase {
    pub status: StatusMatch,
    /// Variant name in the operation's error enum (unused for successes).
    pub variant: String,
    pub body: ResponseBody,
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u8),
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    Empty,
    Json(TypeRef),
    Text,
    Bytes,
}

impl Api {
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// Builds the IR of one spec.
pub fn build(spec: &LoadedSpec, module: &str, settings: &Settings) -> Result<Api> {
    let openapi = &spec.openapi;
    let mut types = types::TypeBuilder::new(spec, settings)?;
    let (security_schemes, default_security) = security::schemes(spec)?;
    let (operations, warnings) = operations::build(spec, settings, &mut types, &security_schemes, &default_security)?;
    let mut types = types.finish();
    if let Some(cycle) = recursion::alias_cycle(&types) {
        let names: Vec<&str> =
            cycle.iter().map(|id| types[id.0].origin.rsplit('/').next().unwrap_or_default()).collect();
        return Err(crate::Error::unsupported(
            crate::Location::new(&spec.file, types[cycle[0].0].origin.clone()),
            format!("the `$ref` cycle {} describes no value Rust can hold", names.join(" -> ")),
            "give one schema in the cycle its own properties, or break the cycle in an overlay",
        ));
    }
    let mut operations = operations;
    types::sort_by_name(&mut types, &mut operations);
    Ok(Api {
        module: module.to_string(),
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
    })
}

fn servers(openapi: &openapiv3::OpenAPI) -> Vec<Server> {
    let mut taken = Vec::<String>::new();
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
            let name = ident::disambiguate(&base, |n| taken.iter().any(|t| t == n));
            taken.push(name.clone());
            Server { name, url: server.url.clone(), description: server.description.clone() }
        })
        .collect()
}
