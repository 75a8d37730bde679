//! Which operations page, and how: found from the spec's conventions, or declared in its settings.
//!
//! Conventions recognised (each with a fixture and a loopback test):
//! - a cursor parameter and a next-cursor field in the response, at any depth up to two
//!   (`cursor` + `meta.nextCursor`/`meta.hasMore`; Oxide's `x-dropshot-pagination`:
//!   `page_token` + `next_page`; `after` + `last_id`/`has_more`);
//! - `has_more` with the last item's `id` as the next `starting_after`;
//! - the next page's URL in the response (`next_page_url`, Twilio) or in an RFC 8288 `Link`
//!   header (`rel="next"`).
//!
//! Items are the response's array field named `data`, `items`, `results`, `entries` (or its only
//! array field), or the response itself when it is an array.

use super::{
    Api, FieldPath, FieldStep, NextPage, Operation, Pagination, ParamLocation, ResponseBody, Successes, TypeRef,
};
use crate::settings::{PaginationSetting, Settings};

/// Query parameters that carry a cursor, by their words.
const CURSOR_PARAMS: &[&str] = &["cursor", "page_token", "pagetoken", "next_token", "continuation_token", "after"];
/// Response fields that give the next cursor.
const NEXT_CURSOR_FIELDS: &[&str] =
    &["next_cursor", "nextcursor", "next_page", "next_page_token", "nextpagetoken", "next_token", "last_id"];
/// Response fields that give the next page's URL.
const NEXT_URL_FIELDS: &[&str] = &["next_page_url", "nextpageurl", "next_url", "nexturl", "next_link", "nextlink"];
/// Response fields that say whether there are more pages.
const HAS_MORE_FIELDS: &[&str] = &["has_more", "hasmore", "has_next", "hasnext", "has_next_page", "hasnextpage"];
/// Array fields that hold a page's items.
const ITEM_FIELDS: &[&str] = &["data", "items", "results", "entries"];

/// Sets the pagination of every operation that pages.
pub fn detect(api: &mut Api, settings: &Settings) {
    for index in 0..api.operations.len() {
        let op = &api.operations[index];
        let declared = settings
            .pagination
            .get(op.name.as_str())
            .or_else(|| op.operation_id.as_deref().and_then(|id| settings.pagination.get(id)));
        let pagination = match declared {
            Some(setting) => from_setting(api, op, setting),
            None => from_conventions(api, op),
        };
        api.operations[index].pagination = pagination;
    }
}

/// A name reduced to its letters and digits, lowercase, with `_` kept: `nextCursor` and
/// `next_cursor` compare as words.
fn words(name: &str) -> String {
    let snake = super::ident::snake_name(name);
    snake.as_str().to_string()
}

fn matches(name: &str, list: &[&str]) -> bool {
    let words = words(name);
    list.iter().any(|candidate| words == *candidate || words.replace('_', "") == *candidate)
}

/// The body of the operation's one success, when it is JSON.
fn success_body(op: &Operation) -> Option<&TypeRef> {
    match (&op.successes, op.success.first().map(|c| &c.body)) {
        (Successes::One, Some(ResponseBody::Json(ty))) => Some(ty),
        _ => None,
    }
}

fn from_conventions(api: &Api, op: &Operation) -> Option<Pagination> {
    if op.method != super::HttpMethod::Get {
        return None;
    }
    let body = success_body(op)?;
    let (items, item_ty) = items_of(api, body)?;
    // A cursor parameter is an optional string in the query, which the next page's cursor fills.
    let query = |list: &[&str]| {
        op.params.iter().position(|p| {
            let text = matches!(&p.ty, TypeRef::String)
                || matches!(&p.ty, TypeRef::Option(inner) if **inner == TypeRef::String);
            p.location == ParamLocation::Query && !p.required && text && matches(&p.wire_name, list)
        })
    };
    if op.link_header {
        return Some(Pagination { items, item_ty, next: NextPage::Url { field: None } });
    }
    if let Some(field) = find_field(api, body, NEXT_URL_FIELDS, is_string, 2) {
        return Some(Pagination { items, item_ty, next: NextPage::Url { field: Some(field) } });
    }
    let has_more = find_field(api, body, HAS_MORE_FIELDS, |_, ty| *ty == TypeRef::Bool, 2);
    if let Some(param) = query(CURSOR_PARAMS)
        && let Some(field) = find_field(api, body, NEXT_CURSOR_FIELDS, is_string, 2)
    {
        return Some(Pagination { items, item_ty, next: NextPage::Cursor { param, field, has_more } });
    }
    // Stripe's convention: the last item's `id` is where the next page starts.
    if let (Some(param), Some(has_more)) = (query(&["starting_after", "after"]), has_more)
        && let Some(id) = find_field(api, &item_ty, &["id"], is_string, 0)
    {
        return Some(Pagination { items, item_ty, next: NextPage::LastItem { param, id, has_more } });
    }
    None
}

fn from_setting(api: &Api, op: &Operation, setting: &PaginationSetting) -> Option<Pagination> {
    let body = success_body(op)?;
    let (items, item_ty) = match &setting.items {
        Some(path) => {
            let items = field_path(api, body, path)?;
            let item_ty = match items.ty(api, body) {
                TypeRef::Vec(inner) => inner.as_ref().clone(),
                _ => return None,
            };
            (items, item_ty)
        }
        None => items_of(api, body)?,
    };
    let param = |name: &Option<String>| {
        let name = name.as_deref()?;
        op.params.iter().position(|p| p.wire_name == name && p.location == ParamLocation::Query)
    };
    let has_more = setting.has_more.as_deref().and_then(|path| field_path(api, body, path));
    let next = match (&setting.next_cursor, &setting.next_url, setting.link_header) {
        (_, _, true) => NextPage::Url { field: None },
        (_, Some(path), _) => NextPage::Url { field: Some(field_path(api, body, path)?) },
        (Some(path), _, _) => {
            NextPage::Cursor { param: param(&setting.cursor_param)?, field: field_path(api, body, path)?, has_more }
        }
        (None, None, false) => NextPage::LastItem {
            param: param(&setting.cursor_param)?,
            id: find_field(api, &item_ty, &["id"], is_string, 0)?,
            has_more: has_more?,
        },
    };
    Some(Pagination { items, item_ty, next })
}

fn is_string(_: &Api, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String)
}

/// The items of a page: the array field of the response, or the response when it is an array.
fn items_of(api: &Api, body: &TypeRef) -> Option<(FieldPath, TypeRef)> {
    if let TypeRef::Vec(item) = body.wire_shape(&api.types) {
        return Some((FieldPath::default(), item.as_ref().clone()));
    }
    let fields = body.schema_fields(&api.types)?;
    let arrays: Vec<&super::Field> =
        fields.iter().filter(|f| matches!(f.ty.wire_shape(&api.types), TypeRef::Vec(_))).collect();
    let chosen = arrays.iter().find(|f| matches(&f.wire_name, ITEM_FIELDS)).or(match arrays.as_slice() {
        [only] => Some(only),
        _ => None,
    })?;
    let TypeRef::Vec(item) = chosen.ty.wire_shape(&api.types) else { return None };
    Some((FieldPath(vec![step(chosen)]), item.as_ref().clone()))
}

/// A field named like one of `names`, whose type passes `accept`, in the type or (up to `depth`
/// levels down) in its object fields; the shallowest first.
fn find_field(
    api: &Api,
    ty: &TypeRef,
    names: &[&str],
    accept: impl Fn(&Api, &TypeRef) -> bool + Copy,
    depth: usize,
) -> Option<FieldPath> {
    let fields = ty.schema_fields(&api.types)?;
    if let Some(field) =
        fields.iter().find(|f| matches(&f.wire_name, names) && accept(api, f.ty.wire_shape(&api.types)))
    {
        return Some(FieldPath(vec![step(field)]));
    }
    if depth == 0 {
        return None;
    }
    fields.iter().find_map(|field| {
        let mut inner = find_field(api, &field.ty, names, accept, depth - 1)?;
        inner.0.insert(0, step(field));
        Some(inner)
    })
}

/// A dotted path of wire names (`meta.nextCursor`) as field steps.
fn field_path(api: &Api, ty: &TypeRef, path: &str) -> Option<FieldPath> {
    let mut steps = Vec::new();
    let mut current = ty.clone();
    for wire in path.split('.') {
        let field = current.schema_fields(&api.types)?.iter().find(|f| f.wire_name == wire)?;
        steps.push(step(field));
        current = field.ty.clone();
    }
    Some(FieldPath(steps))
}

fn step(field: &super::Field) -> FieldStep {
    FieldStep {
        name: field.name.clone(),
        wire_name: field.wire_name.clone(),
        presence: field.presence,
        boxed: field.boxed,
    }
}

impl FieldPath {
    /// The type at the end of the path, from `ty`.
    pub fn ty(&self, api: &Api, ty: &TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for step in &self.0 {
            let Some(field) = current.struct_fields(&api.types).and_then(|f| f.iter().find(|f| f.name == step.name))
            else {
                return TypeRef::Json;
            };
            current = field.ty.clone();
        }
        current
    }

    /// The path as the spec names it: `meta.nextCursor`.
    pub fn wire(&self) -> String {
        self.0.iter().map(|s| s.wire_name.as_str()).collect::<Vec<_>>().join(".")
    }
}
