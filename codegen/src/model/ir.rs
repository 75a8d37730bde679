//! The IR's data types: plain data with every Rust name chosen and every wire name kept beside
//! it. Invariants live in the types: presence, HTTP methods, path segments and security schemes
//! are enums and ids, not strings and booleans to be matched in pairs.

use super::ident::Ident;
pub use crate::error::{Warning, WarningKind};
pub use crate::settings::Derive;

/// One API: everything the emit stage needs to write its module.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Rust module name, also the cargo feature that enables it.
    pub module: Ident,
    /// The spec file it came from, as named in generated docs.
    pub source: String,
    /// The overlay applied to the spec, if any.
    pub overlay: Option<String>,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// Headers the client sends with every request, set once on its builder.
    pub client_headers: Vec<ClientHeader>,
    /// The spec's tags, in its order, with their descriptions: the groups of the endpoint index.
    pub tags: Vec<(String, Option<String>)>,
    /// Sorted by wire name; [`SchemeId`]s index into it.
    pub security_schemes: Vec<SecurityScheme>,
    /// Sorted by name; [`TypeId`]s index into it.
    pub types: Vec<TypeDef>,
    /// In spec order (paths, then methods in the order OpenAPI lists them).
    pub operations: Vec<Operation>,
    /// The OpenAPI 3.1 webhooks, in spec order: types, no client functions.
    pub webhooks: Vec<Webhook>,
    /// What the spec says that the generator did not follow, and why.
    pub warnings: Vec<Warning>,
    /// The spec's examples that its generated types hold exactly, for the generated examples test.
    pub examples: Vec<Example>,
    /// The typed string formats its types use, sorted: the crates the generated code needs.
    pub string_formats: Vec<StringFormat>,
    /// Crates the settings add to the generated crate's dependencies (for `[replace-types]`).
    pub dependencies: Vec<ExtraDependency>,
}

/// A dependency the settings add: the crate's name and its `Cargo.toml` value, inline TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraDependency {
    pub name: String,
    pub spec: String,
}

/// An `example` (or one of `examples`) the spec gives, with the type a value there decodes into.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// JSON pointer of the example in the spec.
    pub pointer: String,
    pub ty: TypeRef,
    pub value: serde_json::Value,
}

/// An index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// An index into [`Api::security_schemes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemeId(pub usize);

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// Variant name in the generated `Server` enum.
    pub name: Ident,
    pub url: String,
    pub description: Option<String>,
}

/// A header parameter the spec declares under `components/parameters` but no operation lists (an
/// API version, say): a setting of the whole client rather than of each call.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientHeader {
    /// The client builder's method that sets it.
    pub setter: Ident,
    pub wire_name: String,
    pub ty: TypeRef,
    pub docs: Option<String>,
    /// The value sent unless the caller sets another (from the spec's settings file).
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's key in `components/securitySchemes`.
    pub wire_name: String,
    /// The constant that names the scheme to the runtime.
    pub constant: Ident,
    /// The builder method that takes its credential.
    pub setter: Ident,
    /// For OAuth2 with a client-credentials flow: the builder method that takes a client id and
    /// secret instead of a token.
    pub client_credentials_setter: Option<Ident>,
    pub description: Option<String>,
    pub kind: SchemeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`; OpenID Connect access tokens are sent this way too.
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
        scope_type: Ident,
        client_credentials_token_url: Option<String>,
    },
}

/// One OAuth2 scope: its wire name, its variant in the generated scope enum, and what it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthScope {
    pub wire: String,
    pub name: Ident,
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
    pub scheme: SchemeId,
    /// OAuth2 scopes, or (OpenAPI 3.1) the roles another scheme's credential must have.
    pub scopes: Vec<ScopeUse>,
}

/// A scope (or role) an operation asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeUse {
    pub wire: String,
    /// Its index in the scheme's [`SchemeKind::OAuth2`] scopes, when the scheme declares it.
    pub declared: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: Ident,
    /// JSON pointer of the schema it was made from.
    pub origin: String,
    pub docs: Option<String>,
    pub kind: TypeKind,
    /// For a struct with more required fields than a function should take: the struct of
    /// them that its constructor takes (`Instance::new(InstanceRequired { .. })`).
    pub required_type: Option<Ident>,
    /// What the type derives beside `Debug`, `Clone` and `PartialEq`, in this order; each is
    /// known to hold for what the type holds (see `model::derives`).
    pub derives: Vec<Derive>,
    /// The caller's type used in place of this one (`[replace-types]`), a Rust path that every
    /// use names: the type is not generated. Its definition stays, as the schema's wire shape,
    /// which unions, samples and examples still read.
    pub replacement: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// A property every value has with one value, written by serde rather than held in a
        /// field (see [`StructTag`]).
        tag: Option<StructTag>,
        /// What becomes of the properties its schema does not declare.
        undeclared: Undeclared,
    },
    /// A string enum; unknown values decode into a catch-all variant instead of failing.
    StringEnum { values: Vec<EnumValue> },
    /// `oneOf`/`anyOf` whose members are told apart by a string property (a `discriminator`, or a
    /// property every member pins to one value): decoding dispatches on it, members that share a
    /// tag are told apart by their fields, and tags added later decode into a catch-all variant.
    Tagged { property: String, variants: Vec<TaggedVariant> },
    /// `oneOf`/`anyOf` without a tag: the member whose shape fits the value best wins.
    Untagged { variants: Vec<UnionVariant>, unmatched: Unmatched },
    /// A named schema that is just another type (`type: string`, an array, a map).
    Alias(TypeRef),
}

impl TypeKind {
    /// The derives a generated type of this kind has whatever the settings ask: a string enum is
    /// `Eq` and `Hash` (its values are strings), which callers use as keys.
    pub fn inherent_derives(&self) -> &'static [Derive] {
        match self {
            TypeKind::StringEnum { .. } => &[Derive::Eq, Derive::Hash],
            _ => &[],
        }
    }
}

/// Whether a property must be present, and whether it may be `null`: four cases a struct field
/// spells four ways (`T`, `Option<T>`, `Option<T>` that must be present, `Option<Option<T>>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
    /// Must be present, may be `null`.
    RequiredNullable,
    /// May be absent, `null` or a value, three different things (a PATCH clears or keeps a field).
    OptionalNullable,
}

impl Presence {
    pub fn new(required: bool, nullable: bool) -> Presence {
        match (required, nullable) {
            (true, false) => Presence::Required,
            (false, false) => Presence::Optional,
            (true, true) => Presence::RequiredNullable,
            (false, true) => Presence::OptionalNullable,
        }
    }

    pub fn is_required(self) -> bool {
        matches!(self, Presence::Required | Presence::RequiredNullable)
    }

    pub fn is_nullable(self) -> bool {
        matches!(self, Presence::RequiredNullable | Presence::OptionalNullable)
    }

    /// The same nullability, required.
    pub fn required(self) -> Presence {
        Presence::new(true, self.is_nullable())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Ident,
    /// The method that sets it on an input type (the field's name unless that is taken).
    pub setter: Ident,
    pub wire_name: String,
    /// The type of a present, non-null value.
    pub ty: TypeRef,
    pub presence: Presence,
    /// Set by the recursion analysis: the field holds its own container type by value.
    pub boxed: bool,
    pub docs: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    pub name: Ident,
    pub wire: String,
    /// What this one value means, when the spec says (a union of one-value enums does).
    pub docs: Option<String>,
}

/// The tag property of a struct that is only ever a member of tagged unions under one tag value:
/// serde writes it on the way out and the union's dispatch has checked it on the way in, so the
/// struct needs no field for it, and callers no one-value enum to fill it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructTag {
    pub property: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: Ident,
    pub ty: TypeRef,
    /// Set by the recursion analysis, as for [`Field::boxed`].
    pub boxed: bool,
    /// What a JSON value must look like to be this member.
    pub shape: MemberShape,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// The tag values on the wire that name this member (usually one; a `mapping` may give more).
    pub tags: Vec<String>,
    pub variant: UnionVariant,
}

/// What an untagged union does with a value no member fits exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmatched {
    /// Refuse it: the members are scalars of different JSON types, or one takes any value.
    Refused,
    /// Keep it as sent in a catch-all variant, so that nothing is lost on the way back.
    Kept,
}

/// The JSON a union member accepts, as far as telling members apart needs: its JSON type, and for
/// objects the keys it knows and requires and the properties it pins to one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberShape {
    Object {
        /// Every property it declares; `None` when it takes any keys (a map, a free-form object).
        known: Option<Vec<String>>,
        required: Vec<String>,
        /// Properties it pins to one string value (`const`, or an `enum` of one).
        pinned: Vec<(String, String)>,
    },
    /// A string; `values` when the member lists the strings it accepts.
    String {
        values: Option<Vec<String>>,
    },
    Integer,
    Number,
    Boolean,
    Array,
    /// Any JSON value (a union or free-form member).
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Named(TypeId),
    String,
    /// A string of a well-known format, as a type that parses it (the `formats = "typed"`
    /// setting); otherwise such strings are [`TypeRef::String`].
    Formatted(StringFormat),
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

/// The string formats that have a type of their own when formats are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StringFormat {
    /// RFC 3339 `date-time`: `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// RFC 3339 `full-date`: `chrono::NaiveDate`.
    Date,
    /// `uuid::Uuid`.
    Uuid,
}

impl StringFormat {
    /// The format's name in a spec.
    pub fn as_str(self) -> &'static str {
        match self {
            StringFormat::DateTime => "date-time",
            StringFormat::Date => "date",
            StringFormat::Uuid => "uuid",
        }
    }
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

/// The HTTP methods an OpenAPI path item can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    /// The method from a path item's key (`get`, `put`, ...).
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        Some(match key {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            "trace" => HttpMethod::Trace,
            _ => return None,
        })
    }

    /// The method as HTTP writes it (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// The method as a path item key and name suffix (`get`).
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }
}

/// A path template parsed once: literal text and the parameters between it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// As the spec writes it (`/users/{id}`).
    pub text: String,
    pub segments: Vec<PathSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// An index into the operation's [`Operation::params`]; always a path parameter.
    Param(usize),
}

impl PathTemplate {
    /// The indices of the path parameters, in the order the path names them.
    pub fn params(&self) -> impl Iterator<Item = usize> + '_ {
        self.segments.iter().filter_map(|s| match s {
            PathSegment::Param(index) => Some(*index),
            PathSegment::Literal(_) => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The client method's name.
    pub name: Ident,
    pub operation_id: Option<String>,
    pub method: HttpMethod,
    pub path: PathTemplate,
    pub origin: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The spec's tags, which group operations in the docs.
    pub tags: Vec<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub success: Vec<ResponseCase>,
    /// How the successes reach the caller.
    pub successes: Successes,
    /// The `Accept` header: the media types the responses declare, JSON first; `None` when they
    /// declare none.
    pub accept: Option<String>,
    pub errors: Vec<ResponseCase>,
    /// Name of the generated enum of this operation's declared error responses.
    pub error_type: Ident,
    /// Whether `error_type` is an enum of its own or names one that another operation declares.
    pub error_enum: ErrorEnum,
    /// Name of the generated request builder: optional inputs and per-call settings, then `send`.
    pub request_type: Ident,
    /// For an operation with more required inputs than a function should take: the struct of
    /// them its client method takes (`client.search(SearchRequired { .. })`), in `requests`.
    pub required_type: Option<Ident>,
    /// The alternatives, any one of which authorises the call; empty means no auth.
    pub security: Vec<SecurityRequirement>,
    /// Whether the success response declares an RFC 8288 `Link` header (a next-page link).
    pub link_header: bool,
    /// How the operation pages, when it does (see `model::pagination`).
    pub pagination: Option<Pagination>,
    /// Its server-sent-events variant, when a body property switches the response to events.
    pub streaming: Option<Streaming>,
    /// The media types a success declares beside JSON (`text/csv`), which `send` does not
    /// decode; the request builder gets `send_raw` for them.
    pub other_media: Vec<String>,
}

/// How a paginated operation reaches its next page, and where a page's items are.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The items' array in the success body (empty: the body is the array).
    pub items: FieldPath,
    pub item_ty: TypeRef,
    pub next: NextPage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NextPage {
    /// The body gives the next cursor at `field`, which goes into the query parameter `param`
    /// (an index into [`Operation::params`]); `has_more: false` or no cursor ends the pages.
    Cursor { param: usize, field: FieldPath, has_more: Option<FieldPath> },
    /// The last item's `id` goes into `param` (`starting_after`), while `has_more` says so.
    LastItem { param: usize, id: FieldPath, has_more: FieldPath },
    /// The next page's URL: in the body at `field`, or (`None`) in a `Link: <..>; rel="next"` header.
    Url { field: Option<FieldPath> },
}

/// A path through struct fields, outermost first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<FieldStep>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldStep {
    pub name: Ident,
    pub wire_name: String,
    pub presence: Presence,
    /// The field is boxed.
    pub boxed: bool,
}

impl Operation {
    /// The method's own arguments: path parameters in path order, then required query and header
    /// parameters in spec order. The compiler makes callers supply these.
    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        let path = self.path.params().map(|index| &self.params[index]);
        path.chain(self.params.iter().filter(|p| p.location != ParamLocation::Path && p.required))
    }

    /// Optional query and header parameters, in spec order.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.required)
    }
}

/// Where an operation's error type is declared.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorEnum {
    /// An enum of its own, whose cases `shared_by` later operations declare too: their error types
    /// are aliases of it.
    Own { shared_by: usize },
    /// An alias of the enum that an earlier operation declaring exactly the same cases has, by
    /// that enum's name.
    SameAs(Ident),
    /// An alias of the runtime's `NoDeclaredErrors`: the operation declares no error responses.
    NoneDeclared,
}

/// How an operation's declared successes become its return type.
#[derive(Debug, Clone, PartialEq)]
pub enum Successes {
    /// No success declared: any 2xx is success, without a body.
    Undeclared,
    /// Every declared success has the same body.
    One,
    /// Different successes carry different bodies: an enum of this name tells them apart.
    Several { type_name: Ident },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The argument name, or for an optional parameter the request builder's field and setter.
    pub name: Ident,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Option<String>,
    /// A minimal value the spec accepts, for examples and end-to-end tests.
    pub sample: serde_json::Value,
    /// How the value is written: a query parameter's lists and objects, or JSON text.
    pub style: QueryStyle,
}

/// How a parameter's value becomes text: OpenAPI's `style` and `explode` for query parameters,
/// or, for a parameter described by `content`, that media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, exploded (the default).
    Exploded,
    /// `form` not exploded (`,`), `spaceDelimited` (` `), `pipeDelimited` (`|`).
    Delimited(&'static str),
    DeepObject,
    /// `content: {application/json: ...}`: the value as JSON text, sent as one value.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        }
    }
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
    /// For form and multipart bodies: how each field goes on the wire, in field order.
    pub fields: Vec<BodyField>,
}

/// One field of a form or multipart body and how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyField {
    pub wire_name: String,
    pub style: FieldStyle,
    /// For a multipart part: its `Content-Type` (JSON for objects by default; none for text).
    pub content_type: Option<String>,
}

/// How a form field's value becomes `name=value` pairs: the media type's `encoding` when it says,
/// otherwise by the value's shape (see `model::bodies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStyle {
    /// A scalar as `name=value`; a list as repeated pairs when exploded (`a=1&a=2`), else joined
    /// with commas.
    Form { explode: bool },
    /// A list joined with this delimiter (`spaceDelimited`, `pipeDelimited`).
    Delimited(&'static str),
    /// Nested values in brackets, as the largest form-based APIs read them: `metadata[key]=v`,
    /// `items[0][price]=p`, a list of scalars as `tags[]=a&tags[]=b`.
    Brackets,
    /// The value as JSON text (`encoding.contentType: application/json`).
    Json,
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

/// An OpenAPI 3.1 webhook: a request the API's vendor sends to the user's server. Its payload and
/// the answers it expects have types; no client function calls it.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Its key under `webhooks`.
    pub name: String,
    pub method: HttpMethod,
    pub summary: Option<String>,
    /// The request body the vendor sends, if it declares one.
    pub payload: Option<TypeRef>,
    /// The answers it expects, by status.
    pub responses: Vec<ResponseCase>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCase {
    pub status: StatusMatch,
    /// Variant name in the operation's error enum, or in its success enum when there is one.
    pub variant: Ident,
    pub body: ResponseBody,
    pub docs: Option<String>,
    /// Whether the variant holds its JSON body in a `Box`, because it is much bigger than the
    /// enum's other variants (set by `outcomes`, as unions box their members).
    pub boxed: bool,
    /// The media types of the response's `content`, as the spec writes them: what deviation
    /// records check a response's `Content-Type` against.
    pub media_types: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u8),
    Default,
}

/// The status as the spec writes it: `404`, `4XX`, `default`.
impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(code) => write!(f, "{code}"),
            StatusMatch::Range(digit) => write!(f, "{digit}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    Empty,
    Json(TypeRef),
    Text,
    Bytes,
    /// `text/event-stream`: server-sent events, read one at a time.
    EventStream(EventStream),
    /// A redirect the operation answers with (it declares no other success): its `Location`.
    Redirect,
}

/// What each server-sent event of a stream carries.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStream {
    /// The type each event's `data` decodes into; `None`: the data as text.
    pub data: Option<TypeRef>,
    /// The data that ends the stream (`[DONE]`), when the spec or its settings name one.
    pub done: Option<String>,
}

/// The events variant of an operation whose success is JSON or server-sent events as a body
/// property says (`stream: true`): a second method that sets the property and reads the events.
#[derive(Debug, Clone, PartialEq)]
pub struct Streaming {
    /// The client method (`chat_completion_stream`).
    pub method: Ident,
    /// The request builder wrapper's type.
    pub request_type: Ident,
    /// The body field set to `true`.
    pub flag: Ident,
    /// How that optional field holds a value: `Some(true)`, or `Some(Some(true))` when it may
    /// also be `null`.
    pub flag_presence: Presence,
    pub status: StatusMatch,
    pub events: EventStream,
}

impl Api {
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    pub fn scheme(&self, id: SchemeId) -> &SecurityScheme {
        &self.security_schemes[id.0]
    }
}

/// What a struct does with the properties its schema does not declare.
#[derive(Debug, Clone, PartialEq)]
pub enum Undeclared {
    /// Kept in order in the named field (a `runtime::Extras`) and written back: OpenAPI's default,
    /// `additionalProperties` true or a schema, where such a payload is valid.
    Kept(Ident),
    /// Dropped when decoding: `additionalProperties: false`, where the spec says there are none.
    Dropped,
}

/// What decoding makes of a property that is absent from an object, per the table in the
/// runtime's `structs` docs and the README: a deviation a caller loses nothing by is tolerated,
/// one that would have to be guessed is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenAbsent {
    /// No value (`None`), as the schema allows: an optional property.
    NoValue,
    /// A required property the caller loses nothing by missing: decoded as the value it stands
    /// for, and reported to a listening deviation sink (the spec was not followed).
    Tolerated(Tolerated),
    /// Refused with an error naming the property: any value would be a guess.
    Refused,
}

/// What a tolerated absent property decodes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerated {
    /// Empty: a required array or map (no items is what an absent list tells a caller).
    Empty,
    /// No value: a required nullable property (absent and `null` say the same: there is none).
    NoValue,
}
