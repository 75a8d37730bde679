//! Paths and operations to [`Operation`]s: method names, parameters, bodies, responses, security.

use std::collections::{BTreeMap, HashMap};

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode};

use super::bodies;
use super::ident::{self, Ident};
use super::schema_view::SchemaRef;
use super::types::{Ctx, TypeBuilder};
use super::{
    BodyEncoding, ErrorEnum, EventStream, HttpMethod, Operation, Param, ParamLocation, PathSegment, PathTemplate,
    QueryStyle, RequestBody, ResponseBody, ResponseCase, SecurityRequirement, StatusMatch, Streaming, Successes,
    TypeRef, Warning, refs, samples, security,
};
use crate::error::{Error, Location, Result, pointer};
use crate::load::LoadedSpec;
use crate::settings::Settings;

pub fn build<'a>(
    spec: &'a LoadedSpec,
    settings: &Settings,
    types: &mut TypeBuilder<'a>,
    schemes: &[super::SecurityScheme],
    default_security: &[SecurityRequirement],
) -> Result<(Vec<Operation>, Vec<Warning>)> {
    let mut operations: Vec<Operation> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    // Every operation whose path template is wrong is reported, not only the first.
    let mut path_problems: Vec<Error> = Vec::new();
    // Where each operationId was first seen, as an index into `operations`.
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (path, item) in &spec.openapi.paths.paths {
        let path_at = pointer(["paths", path]);
        let ReferenceOr::Item(item) = item else {
            return Err(Error::unsupported(
                Location::new(&spec.file, path_at),
                "a path item given as a `$ref`",
                "write the path item out in place",
            ));
        };
        for (key, op) in item.iter() {
            let method = HttpMethod::from_key(key)
                .ok_or_else(|| Error::Bug { message: format!("openapiv3 listed `{key}` as an HTTP method") })?;
            let at = format!("{path_at}/{key}");
            if let Some(id) = &op.operation_id
                && let Some(&other) = by_id.get(id)
            {
                return Err(Error::invalid(
                    Location::new(&spec.file, format!("{at}/operationId")),
                    format!("operationId `{id}` is also the operationId of {}", operations[other].origin),
                    "operationIds must be unique: give one another (with an overlay if the spec is vendored)",
                ));
            }
            // A candidate: the naming pass settles collisions with other operations.
            let name = operation_name(op.operation_id.as_deref(), method, path, settings);
            let camel = ident::type_name(name.as_str());
            let camel = camel.as_str();
            let security = match &op.security {
                Some(list) => match security::requirements(spec, list, &format!("{at}/security"), schemes) {
                    Ok(security) => security,
                    // A requirement of this operation alone (an undeclared scheme) costs it alone.
                    Err(Error::Invalid { location, message, hint }) => {
                        warnings.push(Warning::left_out(
                            location.pointer,
                            &message,
                            &hint,
                            &format!("operation `{name}`"),
                        ));
                        continue;
                    }
                    Err(other) => return Err(other),
                },
                None => default_security.to_vec(),
            };
            let parts = parameters(spec, types, item, op, &at, camel).and_then(|params| {
                let body = bodies::request_body(spec, types, op, &at, camel)?;
                Ok((params, body, responses(spec, types, op, &at, camel)?))
            });
            let (params, body, responses) = match parts {
                Ok(parts) => parts,
                // One construct the generator cannot express costs that operation, not the API.
                Err(Error::Unsupported { location, reason, hint }) => {
                    warnings.push(left_out(spec, location.pointer, &reason, &hint, &format!("operation `{name}`")));
                    continue;
                }
                Err(other) => return Err(other),
            };
            let template = match path_template(spec, path, &at, &params) {
                Ok(template) => template,
                Err(error) => {
                    path_problems.push(error);
                    continue;
                }
            };
            if let Some(id) = &op.operation_id {
                by_id.insert(id.clone(), operations.len());
            }
            let Responses { success, errors, accept, link_header, events_beside_json, other_media } = responses;
            let streaming = events_beside_json
                .and_then(|(status, events)| streaming_variant(types, &name, camel, body.as_ref(), status, events));
            let successes = match success.split_first() {
                None => Successes::Undeclared,
                Some((first, rest)) if rest.iter().all(|c| c.body == first.body) => Successes::One,
                Some(_) => Successes::Several { type_name: Ident::new(format!("{camel}Success")) },
            };
            operations.push(Operation {
                accept,
                error_type: Ident::new(format!("{camel}Error")),
                error_enum: ErrorEnum::Own { shared_by: 0 },
                request_type: Ident::new(camel),
                required_type: None,
                name,
                operation_id: op.operation_id.clone(),
                method,
                path: template,
                origin: at,
                summary: op.summary.clone(),
                description: op.description.clone(),
                tags: op.tags.clone(),
                deprecated: op.deprecated,
                params,
                body,
                success,
                successes,
                errors,
                security,
                link_header,
                pagination: None,
                streaming,
                other_media,
            });
        }
    }
    match path_problems.len() {
        0 => Ok((operations, warnings)),
        1 => Err(path_problems.remove(0)),
        _ => Err(Error::Several(path_problems)),
    }
}

/// The pieces of a path template: literal text and `{name}` parameters, in order. Braces must
/// pair up around a non-empty name.
fn template_pieces(path: &str) -> std::result::Result<Vec<TemplatePiece<'_>>, String> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        match (rest.find('{'), rest.find('}')) {
            (None, None) => {
                pieces.push(TemplatePiece::Literal(rest));
                break;
            }
            (Some(open), close) if close.is_none_or(|close| open < close) => {
                let after = &rest[open + 1..];
                let end = after.find('}').ok_or_else(|| format!("`{{` without `}}` in `{path}`"))?;
                let name = &after[..end];
                if name.is_empty() || name.contains('{') {
                    return Err(format!("`{{{name}}}` in `{path}` is not a parameter name"));
                }
                if open > 0 {
                    pieces.push(TemplatePiece::Literal(&rest[..open]));
                }
                pieces.push(TemplatePiece::Param(name));
                rest = &after[end + 1..];
            }
            _ => return Err(format!("`}}` without `{{` in `{path}`")),
        }
    }
    Ok(pieces)
}

/// One piece of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TemplatePiece<'a> {
    Literal(&'a str),
    Param(&'a str),
}

/// The path template, parsed once: it must be well formed, and every `{name}` in it a declared
/// path parameter, which its segment then refers to.
fn path_template(spec: &LoadedSpec, path: &str, at: &str, params: &[Param]) -> Result<PathTemplate> {
    // Some specs tell two operations on one path apart with a fragment (`/v1/chat#stream`); a
    // fragment is never sent.
    let sent = path.split_once('#').map_or(path, |(sent, _)| sent);
    let pieces = template_pieces(sent).map_err(|problem| {
        Error::invalid(Location::new(&spec.file, at), problem, "write each path parameter as `{name}`")
    })?;
    let mut segments = Vec::new();
    for piece in pieces {
        segments.push(match piece {
            TemplatePiece::Literal(text) => PathSegment::Literal(text.to_string()),
            TemplatePiece::Param(name) => {
                let found = params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name);
                let Some(index) = found else {
                    return Err(Error::invalid(
                        Location::new(&spec.file, at),
                        format!("path parameter `{name}` of `{path}` is not declared"),
                        format!("declare it under `parameters` with `name: {name}`, `in: path`, `required: true`"),
                    ));
                };
                PathSegment::Param(index)
            }
        });
    }
    Ok(PathTemplate { text: path.to_string(), segments })
}

/// The method name for an operation, before collisions are resolved.
///
/// FastAPI derives operationIds as `{handler}{path with non-word characters as _}_{method}`; that
/// suffix repeats what the path and method already say, so it is removed. Then the configured
/// prefixes are stripped, and a rename in the settings wins over all of it.
pub fn operation_name(operation_id: Option<&str>, method: HttpMethod, path: &str, settings: &Settings) -> Ident {
    let method = method.key();
    let Some(id) = operation_id else {
        return ident::snake_name(&format!("{method} {}", path.replace(['{', '}'], " ")));
    };
    if let Some(renamed) = settings.rename_operations.get(id) {
        return Ident::new(renamed.clone());
    }
    let fastapi_suffix: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .chain("_".chars())
        .chain(method.chars())
        .collect();
    let mut name = match id.strip_suffix(&fastapi_suffix) {
        Some(handler) if !handler.is_empty() => handler,
        _ => id,
    };
    for prefix in &settings.strip_operation_prefixes {
        if let Some(rest) = name.strip_prefix(prefix.as_str())
            && !rest.is_empty()
        {
            name = rest;
        }
    }
    ident::snake_name(name)
}

/// FastAPI names the schema of a multi-field request body `Body_{operationId}`, which repeats the
/// whole operationId (path and method included). Such a component is named after the operation's
/// method instead (`Body_read_flows_flows_filter_post` -> `ReadFlowsBody`), keyed here by the
/// component's name; a name the settings give wins over it.
pub fn body_component_names(openapi: &openapiv3::OpenAPI, settings: &Settings) -> BTreeMap<String, Ident> {
    let mut names = BTreeMap::new();
    for (path, item) in &openapi.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (key, op) in item.iter() {
            let (Some(id), Some(method)) = (op.operation_id.as_deref(), HttpMethod::from_key(key)) else { continue };
            let component = format!("Body_{id}");
            let declared = openapi.components.as_ref().is_some_and(|c| c.schemas.contains_key(&component));
            if declared {
                let method_name = operation_name(Some(id), method, path, settings);
                names.insert(component, ident::type_name(method_name.as_str()).with_suffix("Body"));
            }
        }
    }
    names
}

fn parameters<'a>(
    spec: &'a LoadedSpec,
    types: &mut TypeBuilder<'a>,
    item: &'a PathItem,
    op: &'a openapiv3::Operation,
    at: &str,
    camel: &str,
) -> Result<Vec<Param>> {
    // Path-level parameters first; an operation's own parameter with the same name and location wins.
    let path_at = at.rsplit_once('/').map_or(at, |(p, _)| p).to_string();
    // Each parameter, where it is written, and the component it comes from when it is a `$ref`.
    let mut resolved: Vec<(&Parameter, String, Option<&str>)> = Vec::new();
    let listed = item
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| (p, format!("{path_at}/parameters/{i}")))
        .chain(op.parameters.iter().enumerate().map(|(i, p)| (p, format!("{at}/parameters/{i}"))));
    for (listed, param_at) in listed {
        let component = match listed {
            ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/parameters/"),
            ReferenceOr::Item(_) => None,
        };
        let param = refs::resolve(&spec.file, &spec.openapi, listed, refs::Section::Parameters, &param_at, |c, n| {
            c.parameters.get(n)
        })?;
        let key = |p: &Parameter| (p.parameter_data_ref().name.clone(), std::mem::discriminant(p));
        resolved.retain(|(existing, _, _)| key(existing) != key(param));
        resolved.push((param, param_at, component));
    }
    let mut params: Vec<Param> = Vec::new();
    for (param, param_at, component) in resolved {
        let data = param.parameter_data_ref();
        let location = match param {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                return Err(Error::unsupported(
                    Location::new(&spec.file, param_at),
                    format!("cookie parameter `{}`", data.name),
                    "cookie parameters are not generated yet",
                ));
            }
        };
        let style = match param {
            Parameter::Query { style, .. } => {
                let explode = data.explode.unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
                match style {
                    openapiv3::QueryStyle::Form if explode => QueryStyle::Exploded,
                    openapiv3::QueryStyle::Form => QueryStyle::Delimited(","),
                    openapiv3::QueryStyle::SpaceDelimited => QueryStyle::Delimited(" "),
                    openapiv3::QueryStyle::PipeDelimited => QueryStyle::Delimited("|"),
                    openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                }
            }
            _ => QueryStyle::Exploded,
        };
        // A parameter described by `content` is serialized as that media type, then sent as one
        // value; JSON is the one media type specs use there.
        let (schema, schema_at, style) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => (schema, format!("{param_at}/schema"), style),
            ParameterSchemaOrContent::Content(content) => {
                let json = content.iter().find(|(media_type, _)| is_json(media_type));
                let Some((media_type, openapiv3::MediaType { schema: Some(schema), .. })) = json else {
                    let found: Vec<&str> = content.keys().map(String::as_str).collect();
                    return Err(Error::unsupported(
                        Location::new(&spec.file, format!("{param_at}/content")),
                        format!("parameter `{}` described as {}", data.name, found.join(", ")),
                        "parameters described by `content` are generated for JSON with a `schema`",
                    ));
                };
                (schema, pointer_under(&param_at, &["content", media_type, "schema"]), QueryStyle::Json)
            }
        };
        // A shared parameter's types are named after it, so every operation that lists it shares
        // them (identical inline types merge), rather than after the first operation.
        let ctx = match component {
            Some(component) => Ctx::new(
                ident::type_name(component).as_str(),
                format!("{}{}", pointer(["components", "parameters", component]), &schema_at[param_at.len()..]),
            ),
            None => Ctx::new(format!("{camel}{}", ident::type_name(&data.name)), schema_at),
        };
        let shape = types.shape(SchemaRef::from(schema), &ctx)?;
        let param_ty = shape.clone().into_type();
        bodies::record_examples(spec, types, &param_at, &param_ty, data.example.as_ref(), &data.examples);
        let name =
            ident::disambiguate(&ident::snake_name(&data.name), |n| params.iter().any(|p| &p.name == n) || n == "body");
        params.push(Param {
            name,
            wire_name: data.name.clone(),
            location,
            ty: shape.into_type(),
            required: data.required || location == ParamLocation::Path,
            docs: data.description.clone(),
            sample: data.example.clone().unwrap_or_else(|| samples::sample(&spec.openapi, SchemaRef::from(schema))),
            style,
        });
    }
    Ok(params)
}

pub(super) fn responses<'a>(
    spec: &'a LoadedSpec,
    types: &mut TypeBuilder<'a>,
    op: &'a openapiv3::Operation,
    at: &str,
    camel: &str,
) -> Result<Responses> {
    let mut listed: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
    let mut media_types: Vec<&str> = Vec::new();
    let mut link_header = false;
    let mut events_beside_json: Option<(StatusMatch, EventStream)> = None;
    for (code, response) in &op.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
            StatusCode::Range(r) => (StatusMatch::Range(*r as u8), StatusMatch::Range(*r as u8).to_string()),
        };
        listed.push((status, response, key));
    }
    if let Some(default) = &op.responses.default {
        listed.push((StatusMatch::Default, default, StatusMatch::Default.to_string()));
    }
    let declares_success = listed.iter().any(|(s, _, _)| is_success(*s));
    // An operation whose only success is a redirect answers with where it points.
    let answers_with_redirect = !declares_success && listed.iter().any(|(s, _, _)| is_redirect(*s));
    let mut other_media: Vec<String> = Vec::new();
    let (mut success, mut errors) = (Vec::new(), Vec::new());
    for (status, response, key) in listed {
        let response_at = format!("{at}/responses/{key}");
        let response =
            refs::resolve(&spec.file, &spec.openapi, response, refs::Section::Responses, &response_at, |c, n| {
                c.responses.get(n)
            })?;
        for media_type in response.content.keys() {
            if !media_types.contains(&media_type.as_str()) {
                media_types.push(media_type);
            }
        }
        link_header |= is_success(status) && response.headers.keys().any(|h| h.eq_ignore_ascii_case("link"));
        // A `default` with no 2xx beside it is how some specs declare their only success.
        let is_ok = is_success(status)
            || (answers_with_redirect && is_redirect(status))
            || (status == StatusMatch::Default && !declares_success && !answers_with_redirect);
        let name_part = if is_ok { "Response".to_string() } else { format!("{}Response", status_variant(status)) };
        let mut events = match response.content.iter().find(|(m, _)| is_event_stream(m)) {
            Some((media_type, media)) if is_ok => {
                let at = pointer_under(&response_at, &["content", media_type, "schema"]);
                let data = match &media.schema {
                    Some(schema) => {
                        let ctx = Ctx::new(format!("{camel}Event"), at);
                        let event = types.shape(SchemaRef::from(schema), &ctx)?.into_type();
                        Some(bodies::event_data(types, event))
                    }
                    None => None,
                };
                let mentions_done = |text: Option<&str>| text.is_some_and(|t| t.contains(DONE));
                let done =
                    ([op.description.as_deref(), Some(response.description.as_str())].into_iter().any(mentions_done)
                        || request_names_done(spec, op))
                    .then(|| DONE.to_string());
                Some(EventStream { data, done })
            }
            _ => None,
        };
        let json = response.content.iter().find(|(m, _)| is_json(m));
        if is_ok && json.is_some() {
            let others = response.content.keys().filter(|m| !is_json(m) && !is_event_stream(m));
            other_media.extend(others.filter(|m| !other_media.contains(m)).cloned().collect::<Vec<_>>());
        }
        let body = match json.or_else(|| response.content.first()) {
            _ if answers_with_redirect && is_redirect(status) => ResponseBody::Redirect,
            None => ResponseBody::Empty,
            // Events alone: the body is the stream. Beside JSON, events are the streaming variant's.
            Some(_) if json.is_none() && events.is_some() => {
                ResponseBody::EventStream(events.take().expect("checked just above"))
            }
            Some((media_type, media)) if is_json(media_type) => match &media.schema {
                Some(schema) => {
                    let ctx = Ctx::new(
                        format!("{camel}{name_part}"),
                        pointer_under(&response_at, &["content", media_type, "schema"]),
                    );
                    let ty = types.shape(SchemaRef::from(schema), &ctx)?.into_type();
                    let media_at = pointer_under(&response_at, &["content", media_type]);
                    bodies::record_examples(spec, types, &media_at, &ty, media.example.as_ref(), &media.examples);
                    ResponseBody::Json(ty)
                }
                None => ResponseBody::Json(TypeRef::Json),
            },
            Some((media_type, _)) if media_type.starts_with("text/") => ResponseBody::Text,
            Some(_) => ResponseBody::Bytes,
        };
        if let Some(events) = events {
            events_beside_json.get_or_insert((status, events));
        }
        let case = ResponseCase {
            status,
            variant: status_variant(status),
            body,
            docs: Some(response.description.clone()).filter(|d| !d.is_empty()),
            boxed: false,
            media_types: response.content.keys().cloned().collect(),
        };
        if is_ok { success.push(case) } else { errors.push(case) }
    }
    Ok(Responses { success, errors, accept: accept(&media_types), link_header, events_beside_json, other_media })
}

/// What an operation's responses say: its successes and errors, its `Accept` header, whether a
/// success carries a `Link` header, and the server-sent events a success offers beside JSON.
pub(super) struct Responses {
    pub success: Vec<ResponseCase>,
    pub errors: Vec<ResponseCase>,
    accept: Option<String>,
    link_header: bool,
    events_beside_json: Option<(StatusMatch, EventStream)>,
    other_media: Vec<String>,
}

/// The events variant of an operation that answers JSON or events as its body's boolean
/// `stream` property says (`stream: true` asks for events).
fn streaming_variant(
    types: &TypeBuilder<'_>,
    name: &Ident,
    camel: &str,
    body: Option<&RequestBody>,
    status: StatusMatch,
    events: EventStream,
) -> Option<Streaming> {
    let body = body.filter(|b| b.encoding == BodyEncoding::Json)?;
    let flag = body
        .ty
        .schema_fields(&types.defs)?
        .iter()
        .find(|f| f.wire_name == "stream" && f.ty == TypeRef::Bool && !f.presence.is_required())?;
    let events = EventStream { done: events.done.or_else(|| flag_mentions_done(flag)), ..events };
    Some(Streaming {
        method: Ident::new(format!("{name}_stream")),
        request_type: Ident::new(format!("{camel}Stream")),
        flag: flag.name.clone(),
        flag_presence: flag.presence,
        status,
        events,
    })
}

/// The sentinel, when the flag's own description names it ("terminated by a data: [DONE] message").
fn flag_mentions_done(flag: &super::Field) -> Option<String> {
    flag.docs.as_deref().filter(|docs| docs.contains(DONE)).map(|_| DONE.to_string())
}

/// The data that ends a stream when a spec says so in prose, as OpenAI-style APIs do.
const DONE: &str = "[DONE]";

/// How many schemas the search for [`DONE`] in a request reads, at most.
const DONE_SEARCH_LIMIT: usize = 256;

/// Whether the operation's request body, or a component it refers to, names [`DONE`] (OpenAI's
/// `stream_options` says the stream ends "before the `data: [DONE]` message").
fn request_names_done(spec: &LoadedSpec, op: &openapiv3::Operation) -> bool {
    let Some(body) = &op.request_body else { return false };
    let mut pending = vec![serde_json::to_value(body).unwrap_or_default()];
    let mut seen = std::collections::HashSet::new();
    let components = spec.openapi.components.as_ref();
    while let Some(value) = pending.pop() {
        if seen.len() > DONE_SEARCH_LIMIT {
            return false;
        }
        let mut references = Vec::new();
        if mentions(&value, &mut references) {
            return true;
        }
        for reference in references {
            let found = match reference.rsplit_once('/') {
                Some(("#/components/schemas", name)) => {
                    components.and_then(|c| c.schemas.get(name)).and_then(|s| serde_json::to_value(s).ok())
                }
                Some(("#/components/requestBodies", name)) => {
                    components.and_then(|c| c.request_bodies.get(name)).and_then(|b| serde_json::to_value(b).ok())
                }
                _ => None,
            };
            if let Some(found) = found.filter(|_| seen.insert(reference)) {
                pending.push(found);
            }
        }
    }
    false
}

/// Whether a string in `value` names [`DONE`]; the references met are gathered in `references`.
fn mentions(value: &serde_json::Value, references: &mut Vec<String>) -> bool {
    match value {
        serde_json::Value::String(text) => text.contains(DONE),
        serde_json::Value::Array(items) => items.iter().any(|item| mentions(item, references)),
        serde_json::Value::Object(map) => map.iter().any(|(key, child)| {
            if key == "$ref"
                && let Some(reference) = child.as_str()
            {
                references.push(reference.to_string());
                return false;
            }
            mentions(child, references)
        }),
        _ => false,
    }
}

fn is_event_stream(media_type: &str) -> bool {
    media_type.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("text/event-stream")
}

/// The `Accept` header for the media types an operation's responses declare: JSON ones first, as
/// the client prefers them, then the others; `None` when it declares none (the client asks for
/// JSON).
fn accept(media_types: &[&str]) -> Option<String> {
    if media_types.is_empty() {
        return None;
    }
    let (json, other): (Vec<&str>, Vec<&str>) = media_types.iter().partition(|m| is_json(m));
    Some(json.into_iter().chain(other).collect::<Vec<_>>().join(", "))
}

fn is_redirect(status: StatusMatch) -> bool {
    matches!(status, StatusMatch::Code(300..=399) | StatusMatch::Range(3))
}

fn is_success(status: StatusMatch) -> bool {
    matches!(status, StatusMatch::Code(200..=299) | StatusMatch::Range(2))
}

pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// The warning that `what` (operation `x`, webhook `y`) is left out for what the generator cannot
/// express at `pointer`. Where that is a reference to another file the loader could not follow,
/// the loader's warning said why and what to do: this one says only what is left out.
pub(super) fn left_out(spec: &LoadedSpec, pointer: String, reason: &str, hint: &str, what: &str) -> Warning {
    if spec.unfollowed_refs.contains(&pointer) {
        Warning::omission(pointer, format!("{what} is left out, as this reference could not be followed"))
    } else {
        Warning::left_out(pointer, reason, hint, what)
    }
}

pub(super) fn pointer_under(base: &str, tokens: &[&str]) -> String {
    format!("{base}{}", pointer(tokens.iter().copied()))
}

/// The variant name for a response status in an operation's error enum.
pub fn status_variant(status: StatusMatch) -> Ident {
    let reason = match status {
        StatusMatch::Code(code) => reason_phrase(code).map(str::to_string).unwrap_or_else(|| format!("Status{code}")),
        StatusMatch::Range(1) => "Informational".into(),
        StatusMatch::Range(2) => "Success".into(),
        StatusMatch::Range(3) => "Redirection".into(),
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(d) => format!("Status{d}xx"),
        StatusMatch::Default => "Other".into(),
    };
    ident::type_name(&reason)
}

fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastapi_suffixes_are_stripped_and_prefixes_removed() {
        let settings = Settings { strip_operation_prefixes: vec!["handle_".into()], ..Settings::default() };
        let path = "/v3beta1/enterprise/service-users/{service_user_id}/api-keys/{api_key_id}";
        let id = "handle_revoke_service_user_api_key_v3beta1_enterprise_service_users__service_user_id__api_keys__api_key_id__delete";
        assert_eq!(operation_name(Some(id), HttpMethod::Delete, path, &settings), "revoke_service_user_api_key");
        assert_eq!(
            operation_name(Some(id), HttpMethod::Delete, path, &Settings::default()),
            "handle_revoke_service_user_api_key"
        );
    }

    #[test]
    fn camel_case_ids_become_snake_case_and_renames_win() {
        let mut settings = Settings::default();
        let name = operation_name(Some("DeleteApiKeyForServiceAccount"), HttpMethod::Delete, "/x", &settings);
        assert_eq!(name, "delete_api_key_for_service_account");
        settings.rename_operations.insert("DeleteApiKeyForServiceAccount".into(), "revoke_key".into());
        assert_eq!(
            operation_name(Some("DeleteApiKeyForServiceAccount"), HttpMethod::Delete, "/x", &settings),
            "revoke_key"
        );
    }

    #[test]
    fn operations_without_id_are_named_from_method_and_path() {
        assert_eq!(
            operation_name(None, HttpMethod::Get, "/users/{id}/keys", &Settings::default()),
            "get_users_id_keys"
        );
    }

    #[test]
    fn path_templates_need_paired_braces_around_names() {
        use TemplatePiece::{Literal, Param};
        assert_eq!(template_pieces("/a/{id}/b"), Ok(vec![Literal("/a/"), Param("id"), Literal("/b")]));
        assert_eq!(template_pieces("/{x}{y}"), Ok(vec![Literal("/"), Param("x"), Param("y")]));
        for bad in ["/{{}", "/{}", "/{a", "/a}", "/}{"] {
            assert!(template_pieces(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_variants_read_as_reasons() {
        assert_eq!(status_variant(StatusMatch::Code(422)), "UnprocessableEntity");
        assert_eq!(status_variant(StatusMatch::Code(404)), "NotFound");
        assert_eq!(status_variant(StatusMatch::Code(499)), "Status499");
        assert_eq!(status_variant(StatusMatch::Range(5)), "ServerError");
        assert_eq!(status_variant(StatusMatch::Default), "Other");
    }
}
