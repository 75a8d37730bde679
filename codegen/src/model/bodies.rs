//! Request bodies: which media type a body is sent as, its type, and how each of its fields goes
//! on the wire (form and multipart `encoding`); and the spec's examples of bodies and parameters.

use openapiv3::ReferenceOr;

use super::operations::{is_json, pointer_under};
use super::schema_view::SchemaRef;
use super::types::{Ctx, TypeBuilder};
use super::{BodyEncoding, BodyField, Example, Field, FieldStyle, RequestBody, TypeKind, TypeRef, refs, samples};
use crate::error::{Error, Location, Result, pointer};
use crate::load::LoadedSpec;

pub(super) fn request_body<'a>(
    spec: &'a LoadedSpec,
    types: &mut TypeBuilder<'a>,
    op: &'a openapiv3::Operation,
    at: &str,
    camel: &str,
) -> Result<Option<RequestBody>> {
    let Some(body) = &op.request_body else { return Ok(None) };
    let body_at = format!("{at}/requestBody");
    let body = refs::resolve(&spec.file, &spec.openapi, body, refs::Section::RequestBodies, &body_at, |c, n| {
        c.request_bodies.get(n)
    })?;
    // The first media type in order of preference; the spec's order breaks ties.
    let chosen =
        [BodyEncoding::Json, BodyEncoding::Form, BodyEncoding::Multipart, BodyEncoding::Text, BodyEncoding::Bytes]
            .into_iter()
            .find_map(|encoding| {
                body.content.iter().find(|(m, _)| body_encoding(m) == Some(encoding)).map(|c| (encoding, c))
            });
    let Some((encoding, (media_type, media))) = chosen else {
        let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
        return Err(Error::unsupported(
            Location::new(&spec.file, format!("{body_at}/content")),
            format!("request body media type {}", found.join(", ")),
            "JSON, form-urlencoded, multipart/form-data, text and binary bodies are generated",
        ));
    };
    let (ty, sample) = match (encoding, &media.schema) {
        (BodyEncoding::Bytes, _) => (TypeRef::Bytes, serde_json::json!("")),
        (BodyEncoding::Text, _) => (TypeRef::String, serde_json::json!("string")),
        (_, Some(schema)) => {
            let ctx = Ctx::new(format!("{camel}Body"), pointer_under(&body_at, &["content", media_type, "schema"]));
            let ty = if encoding == BodyEncoding::Multipart {
                types.shape_with_binary_as_bytes(SchemaRef::from(schema), &ctx)?.into_type()
            } else {
                types.shape(SchemaRef::from(schema), &ctx)?.into_type()
            };
            let media_at = pointer_under(&body_at, &["content", media_type]);
            record_examples(spec, types, &media_at, &ty, media.example.as_ref(), &media.examples);
            (ty, samples::sample(&spec.openapi, SchemaRef::from(schema)))
        }
        (_, None) => (TypeRef::Json, serde_json::json!({})),
    };
    // Some specs declare an empty, optional body on every GET: it adds nothing a caller could set.
    if !body.required && is_empty_object(types, &ty) {
        return Ok(None);
    }
    let fields = match encoding {
        BodyEncoding::Form | BodyEncoding::Multipart => field_styles(types, &ty, encoding, &media.encoding),
        BodyEncoding::Json | BodyEncoding::Bytes | BodyEncoding::Text => Vec::new(),
    };
    Ok(Some(RequestBody {
        media_type: media_type.clone(),
        encoding,
        ty,
        required: body.required,
        docs: body.description.clone(),
        sample,
        fields,
    }))
}

/// Whether a body type is an object that declares nothing: no properties, no typed extra ones.
fn is_empty_object(types: &TypeBuilder<'_>, ty: &TypeRef) -> bool {
    match ty.wire_shape(&types.defs) {
        TypeRef::JsonObject => true,
        resolved => resolved.schema_fields(&types.defs).is_some_and(<[Field]>::is_empty),
    }
}

/// How each field of a form or multipart body goes on the wire: as its `encoding` entry says,
/// otherwise by its shape. A nested object or a list of objects goes in brackets (`metadata[k]=v`),
/// the convention of the largest form-based APIs; a list of scalars is repeated (`a=1&a=2`), the
/// OpenAPI default. In multipart, an object is a JSON part unless the entry names another type.
fn field_styles(
    types: &TypeBuilder<'_>,
    ty: &TypeRef,
    encoding: BodyEncoding,
    declared: &indexmap::IndexMap<String, openapiv3::Encoding>,
) -> Vec<BodyField> {
    // The schema's properties: a replaced type is written as its schema describes it.
    let Some(fields) = ty.schema_fields(&types.defs) else { return Vec::new() };
    fields
        .iter()
        .map(|field| {
            let spec = declared.get(&field.wire_name);
            let content_type = spec.and_then(|e| e.content_type.clone());
            let structured = is_structured(types, &field.ty);
            let style = match (spec.and_then(|e| e.style.as_ref()), content_type.as_deref()) {
                (_, Some(media_type)) if is_json(media_type) => FieldStyle::Json,
                (Some(openapiv3::QueryStyle::DeepObject), _) => FieldStyle::Brackets,
                (Some(openapiv3::QueryStyle::SpaceDelimited), _) => FieldStyle::Delimited(" "),
                (Some(openapiv3::QueryStyle::PipeDelimited), _) => FieldStyle::Delimited("|"),
                // `load` wrote out the default `explode: true` of form-style entries.
                (Some(openapiv3::QueryStyle::Form), _) => FieldStyle::Form { explode: spec.is_some_and(|e| e.explode) },
                (None, _) if structured => FieldStyle::Brackets,
                (None, _) => FieldStyle::Form { explode: spec.is_none_or(|e| e.explode) },
            };
            let content_type = match encoding {
                BodyEncoding::Multipart if content_type.is_none() && structured => Some("application/json".into()),
                BodyEncoding::Multipart => content_type,
                _ => None,
            };
            BodyField { wire_name: field.wire_name.clone(), style, content_type }
        })
        .collect()
}

/// Whether a value of this type is an object or holds objects (a list of them), which a form
/// cannot write as plain pairs.
fn is_structured(types: &TypeBuilder<'_>, ty: &TypeRef) -> bool {
    match ty.wire_shape(&types.defs) {
        TypeRef::JsonObject | TypeRef::Map(_) | TypeRef::Json => true,
        TypeRef::Vec(inner) | TypeRef::Option(inner) => is_structured(types, inner),
        TypeRef::Named(id) => matches!(
            types.defs[id.0].kind,
            TypeKind::Struct { .. } | TypeKind::Tagged { .. } | TypeKind::Untagged { .. }
        ),
        _ => false,
    }
}

/// Keeps the `example` and every `examples` entry (following `$ref`s into `components/examples`)
/// of a parameter or media type at `at`, whose values decode into `ty`, for the examples test.
pub(super) fn record_examples(
    spec: &LoadedSpec,
    types: &mut TypeBuilder<'_>,
    at: &str,
    ty: &TypeRef,
    example: Option<&serde_json::Value>,
    examples: &indexmap::IndexMap<String, ReferenceOr<openapiv3::Example>>,
) {
    if let Some(value) = example {
        types.examples.push(Example { pointer: format!("{at}/example"), ty: ty.clone(), value: value.clone() });
    }
    for (name, example) in examples {
        let found =
            refs::resolve(&spec.file, &spec.openapi, example, refs::Section::Examples, at, |c, n| c.examples.get(n));
        if let Ok(openapiv3::Example { value: Some(value), .. }) = found {
            let pointer = format!("{at}{}", pointer(["examples", name, "value"]));
            types.examples.push(Example { pointer, ty: ty.clone(), value: value.clone() });
        }
    }
}

/// How a request body of this media type is sent, if the generator can send it.
fn body_encoding(media_type: &str) -> Option<BodyEncoding> {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        _ if is_json(&essence) => Some(BodyEncoding::Json),
        "application/x-www-form-urlencoded" => Some(BodyEncoding::Form),
        "multipart/form-data" => Some(BodyEncoding::Multipart),
        "multipart/mixed" | "multipart/related" => None,
        text if text.starts_with("text/") => Some(BodyEncoding::Text),
        _ => Some(BodyEncoding::Bytes),
    }
}

/// The type each event's `data` decodes into, from the schema of a `text/event-stream` response:
/// a schema of the event itself (an object whose properties are the SSE fields `data`, `event`,
/// `id`, `retry`) gives its `data` property's type; any other schema describes the data.
pub(super) fn event_data(types: &TypeBuilder<'_>, ty: TypeRef) -> TypeRef {
    let Some(fields) = ty.schema_fields(&types.defs) else { return ty };
    let is_envelope = fields.iter().all(|f| matches!(f.wire_name.as_str(), "data" | "event" | "id" | "retry"));
    match fields.iter().find(|f| f.wire_name == "data") {
        Some(data) if is_envelope => data.ty.clone(),
        _ => ty,
    }
}
