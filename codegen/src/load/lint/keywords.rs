//! The keys each kind of object may hold, per OpenAPI version.

/// The fixed fields of the OpenAPI 3.0.3 Schema Object.
pub(super) const SCHEMA_3_0: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "$ref",
];

/// JSON Schema keywords that OpenAPI 3.0 does not take over: a 3.0 reader ignores them. They are
/// reported as such, not as typos.
pub(super) const JSON_SCHEMA_NOT_IN_3_0: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    "definitions",
    "id",
    "const",
    "examples",
    "prefixItems",
    "additionalItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "dependencies",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

/// The keywords of JSON Schema 2020-12 (core, applicator, unevaluated, validation, meta-data,
/// format-annotation and content vocabularies), the OpenAPI 3.1 additions, and the few
/// neighbours this generator honours in 3.1 as well.
pub(super) const SCHEMA_3_1: &[&str] = &[
    // core
    "$schema",
    "$id",
    "$ref",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    // applicator
    "prefixItems",
    "items",
    "contains",
    "additionalProperties",
    "properties",
    "patternProperties",
    "dependentSchemas",
    "propertyNames",
    "if",
    "then",
    "else",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    // unevaluated
    "unevaluatedItems",
    "unevaluatedProperties",
    // validation
    "type",
    "const",
    "enum",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    // meta-data
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    // format-annotation
    "format",
    // content
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    // OpenAPI 3.1
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    // The draft-07 names of `$defs` and of `dependentSchemas`/`dependentRequired`, which 2020-12
    // keeps for compatibility; and 3.0's `nullable`, which lowering keeps and the model honours.
    "definitions",
    "dependencies",
    "nullable",
];

/// Keywords of earlier JSON Schema drafts that 2020-12 dropped.
pub(super) const JSON_SCHEMA_NOT_IN_2020_12: &[&str] = &["additionalItems"];

pub(super) const PARAMETER: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
    "$ref",
];

/// A Header Object is a Parameter Object without `name` and `in`.
pub(super) const HEADER: &[&str] = &[
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
    "$ref",
];

pub(super) const OPERATION: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];

pub(in crate::load) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub(super) const PATH_ITEM: &[&str] = &[
    "$ref",
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
];

pub(super) const REQUEST_BODY: &[&str] = &["description", "content", "required", "$ref"];

pub(super) const RESPONSE: &[&str] = &["description", "headers", "content", "links", "$ref"];

pub(super) const MEDIA_TYPE: &[&str] = &["schema", "example", "examples", "encoding"];

pub(super) const ENCODING: &[&str] = &["contentType", "headers", "style", "explode", "allowReserved"];
