//! The team's own derives and types: the settings `derives`, `[type-derives]` and
//! `[replace-types]`, checked against the final types before any code is written.
//!
//! A derive compiles only when everything the type holds has it too, so a type's derives go to
//! every generated type it holds. Whether a derive can hold is decided from what a type holds, by
//! the traits of the types the generator prints: a floating-point number has no `Eq`, `Ord` or
//! `Hash`; a free-form JSON value (`serde_json::Value` or `Map`) has `Eq` and `Hash` but no order;
//! lists, maps (`BTreeMap`), options, boxes, strings, integers and the typed formats have all four
//! when what they hold does. A derive that cannot hold is an error naming the type, the way to
//! what stops it (field by field) and the settings file. String enums always derive `Eq` and
//! `Hash`. A replaced type is taken on trust: the README says what it must implement.

use std::collections::{BTreeMap, BTreeSet};

use super::{Api, BodyEncoding, Derive, FloatKind, TypeId, TypeKind, TypeRef, Undeclared, Unmatched};
use crate::error::{Error, Result, pointer_token};
use crate::settings::Settings;

/// Applies the settings' derives to `api`'s types, after checking that each holds and that every
/// type the settings name and every replacement is usable.
pub fn apply(api: &mut Api, settings: &Settings) -> Result<()> {
    let file = settings.file_name();
    let mut errors = Vec::new();
    let keyed = named_types(api, settings, &mut errors);
    errors.extend(replacement_misuse(api, file));
    let wanted = wanted_derives(api, settings, &keyed);
    // What stops a derive is looked for only for the derives asked for (none, in most settings).
    let asked: Vec<Derive> = settings.derives.iter().chain(settings.type_derives.values().flatten()).copied().collect();
    let blocked = blocked(api, &normalized(&asked));
    // What to report: for `derives`, each type that holds what stops it itself (the types that
    // hold such a type fail with it, and say nothing new); for `[type-derives]`, the type named.
    let mut failures: BTreeMap<(String, String), Vec<Derive>> = BTreeMap::new();
    for derive in normalized(&settings.derives) {
        for (index, obstacle) in blocked[&derive].iter().enumerate() {
            // An alias derives nothing itself: the types that hold it fail, and say so.
            let alias = matches!(api.types[index].kind, TypeKind::Alias(_));
            if let Some(obstacle) = obstacle.as_ref().filter(|o| o.steps.len() == 1 && !alias) {
                let key = (failure(api, TypeId(index), obstacle), "`derives`".to_string());
                failures.entry(key).or_default().push(derive);
            }
        }
    }
    for (name, id) in &keyed {
        for derive in normalized(&settings.type_derives[name]) {
            if let Some(obstacle) = &blocked[&derive][id.0] {
                let key = (failure(api, *id, obstacle), format!("`[type-derives]` for `{name}`"));
                failures.entry(key).or_default().push(derive);
            }
        }
    }
    for ((what, asked_by), derives) in failures {
        let list: Vec<String> = derives.iter().map(|d| format!("`{}`", d.as_str())).collect();
        errors.push(Error::Settings {
            file: file.to_string(),
            message: format!(
                "{what}, so it cannot derive {list}, which {asked_by} asks for; remove {it} there, or name the \
                 schema that holds it in `[replace-types]` with a type of your own",
                list = list.join(" and "),
                it = if derives.len() == 1 { "it" } else { "them" },
            ),
        });
    }
    match errors.len() {
        0 => {}
        1 => return Err(errors.remove(0)),
        _ => return Err(Error::Several(errors)),
    }
    for (def, derives) in api.types.iter_mut().zip(wanted) {
        def.derives = derives.into_iter().collect();
    }
    Ok(())
}

/// The derives asked for with the ones they need (`Ord` needs `Eq` and `PartialOrd`).
fn normalized(derives: &[Derive]) -> BTreeSet<Derive> {
    derives.iter().flat_map(|d| std::iter::once(*d).chain(d.implied().iter().copied())).collect()
}

/// The component schemas `[type-derives]` names, by name; an unknown name, a replaced type
/// given derives, or a replacement that is not a Rust path is an error.
fn named_types(api: &Api, settings: &Settings, errors: &mut Vec<Error>) -> BTreeMap<String, TypeId> {
    let file = settings.file_name();
    let component = |name: &str| {
        let origin = format!("/components/schemas/{}", pointer_token(name));
        api.types.iter().position(|def| def.origin == origin).map(TypeId)
    };
    let unknown = |table: &str, name: &str| Error::Settings {
        file: file.to_string(),
        message: format!(
            "`{table}` names `{name}`, which is not a schema under `components/schemas` of {}; use the schema's \
             name as the spec spells it",
            api.source
        ),
    };
    for (name, path) in &settings.replace_types {
        if component(name).is_none() {
            errors.push(unknown("[replace-types]", name));
        }
        let relative = path.trim_start().starts_with("self") || path.trim_start().starts_with("super");
        if relative || syn::parse_str::<syn::Type>(path).is_err() {
            errors.push(Error::Settings {
                file: file.to_string(),
                message: format!(
                    "`[replace-types]` gives `{name}` the type `{path}`, which is not a Rust type path that holds \
                     in every module; write it from a crate's root (`my_types::Money`, `crate::money::Money`, \
                     `serde_json::Value`)"
                ),
            });
        }
    }
    let mut keyed = BTreeMap::new();
    for name in settings.type_derives.keys() {
        match component(name) {
            None => errors.push(unknown("[type-derives]", name)),
            Some(_) if settings.replace_types.contains_key(name) => errors.push(Error::Settings {
                file: file.to_string(),
                message: format!(
                    "`{name}` is in both `[type-derives]` and `[replace-types]`; a replaced type has the derives \
                     of its replacement: remove it from `[type-derives]`"
                ),
            }),
            Some(id) => {
                keyed.insert(name.clone(), id);
            }
        }
    }
    keyed
}

/// Replaced types where the generated code reaches into their fields: a multipart body (a part
/// per field), a paged response (its items and cursor, found in the schema), a body with a
/// streaming flag.
fn replacement_misuse(api: &Api, file: &str) -> Vec<Error> {
    let replaced =
        |ty: &TypeRef| ty.named_through_aliases(&api.types).filter(|id| api.types[id.0].replacement.is_some());
    let mut errors = Vec::new();
    let mut refuse = |id: TypeId, op: &super::Operation, why: &str| {
        let def = &api.types[id.0];
        errors.push(Error::Settings {
            file: file.to_string(),
            message: format!(
                "`[replace-types]` replaces `{}` ({} at {}), but `{}` {why}, which the generated code reads field \
                 by field; replace the types of its fields instead",
                def.origin.rsplit('/').next().unwrap_or_default(),
                api.source,
                def.origin,
                op.name
            ),
        });
    };
    for op in &api.operations {
        if let Some(body) = &op.body {
            let multipart = body.encoding == BodyEncoding::Multipart;
            if let Some(id) = replaced(&body.ty).filter(|_| multipart || op.streaming.is_some()) {
                refuse(id, op, if multipart { "sends it as a multipart body" } else { "sets its streaming flag" });
            }
        }
        let Some(pagination) = &op.pagination else { continue };
        let Some(super::ResponseBody::Json(body)) = op.success.first().map(|c| &c.body) else { continue };
        // Each path with the type it starts from (the last item's `id` is read in an item).
        let mut paths = vec![(&pagination.items, body)];
        match &pagination.next {
            super::NextPage::Cursor { field, has_more, .. } => {
                paths.extend(std::iter::once(field).chain(has_more).map(|path| (path, body)));
            }
            super::NextPage::LastItem { id, has_more, .. } => {
                paths.extend([(id, &pagination.item_ty), (has_more, body)]);
            }
            super::NextPage::Url { field } => paths.extend(field.iter().map(|path| (path, body))),
        }
        // Where a path starts, each object on the way, and what it ends at (a list iterated, a
        // cursor read): a replaced type at any of them would be read as the schema describes it.
        let reached = paths.iter().flat_map(|(path, from)| {
            (0..=path.0.len()).map(|len| super::FieldPath(path.0[..len].to_vec()).ty(api, from))
        });
        if let Some(id) = reached.into_iter().find_map(|ty| replaced(&ty)) {
            refuse(id, op, "pages through it");
        }
    }
    errors
}

/// Per type, the derives it gets: those of `derives` (every type), of `[type-derives]` (the type
/// named and the generated types it holds), and `Eq` and `Hash` for string enums. Replaced types
/// get none: they are not generated.
fn wanted_derives(api: &Api, settings: &Settings, keyed: &BTreeMap<String, TypeId>) -> Vec<BTreeSet<Derive>> {
    let everywhere = normalized(&settings.derives);
    let mut wanted: Vec<BTreeSet<Derive>> = vec![everywhere; api.types.len()];
    for (name, root) in keyed {
        let derives = normalized(&settings.type_derives[name]);
        let mut stack = vec![*root];
        let mut seen = BTreeSet::from([*root]);
        while let Some(id) = stack.pop() {
            wanted[id.0].extend(&derives);
            for member in members(api, id) {
                each_type(member.ty, &mut |ty| {
                    if let TypeRef::Named(inner) = ty
                        && api.types[inner.0].replacement.is_none()
                        && seen.insert(*inner)
                    {
                        stack.push(*inner);
                    }
                });
            }
        }
    }
    for (def, derives) in api.types.iter().zip(&mut wanted) {
        if def.replacement.is_some() {
            derives.clear();
        } else {
            derives.extend(def.kind.inherent_derives());
        }
    }
    wanted
}

/// Something in a type that holds a type: a field, a variant, an alias's target.
struct Member<'a> {
    what: What<'a>,
    ty: &'a TypeRef,
}

/// A member as an error names it ("field `price`"), written only when an error is.
#[derive(Debug, Clone, Copy)]
enum What<'a> {
    Field(&'a str),
    /// The field of the properties a struct's schema does not declare.
    Undeclared(&'a str),
    Variant(&'a str),
    /// The `Unknown` variant of a union that keeps what no member takes.
    CatchAll,
    /// An alias's target.
    Definition,
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Field(name) => write!(f, "field `{name}`"),
            What::Undeclared(name) => write!(
                f,
                "field `{name}` (the properties its schema does not declare; `additionalProperties: false`, in \
                 the spec or its overlay, says there are none)"
            ),
            What::Variant(name) => write!(f, "variant `{name}`"),
            What::CatchAll => f.write_str("catch-all variant `Unknown`"),
            What::Definition => f.write_str("definition"),
        }
    }
}

fn members(api: &Api, id: TypeId) -> Vec<Member<'_>> {
    match &api.types[id.0].kind {
        TypeKind::Struct { fields, undeclared, .. } => {
            let declared = fields.iter().map(|f| Member { what: What::Field(f.name.as_str()), ty: &f.ty });
            // The undeclared properties a struct keeps are free-form JSON: equal and hashable,
            // but not ordered (`additionalProperties: false`, in an overlay, drops them).
            let kept = match undeclared {
                Undeclared::Kept(field) => {
                    Some(Member { what: What::Undeclared(field.as_str()), ty: &TypeRef::JsonObject })
                }
                Undeclared::Dropped => None,
            };
            declared.chain(kept).collect()
        }
        TypeKind::Untagged { variants, .. } => {
            variants.iter().map(|v| Member { what: What::Variant(v.name.as_str()), ty: &v.ty }).collect()
        }
        TypeKind::Tagged { variants, .. } => variants
            .iter()
            .map(|v| Member { what: What::Variant(v.variant.name.as_str()), ty: &v.variant.ty })
            .collect(),
        TypeKind::Alias(ty) => vec![Member { what: What::Definition, ty }],
        TypeKind::StringEnum { .. } => Vec::new(),
    }
}

/// Why a type cannot have a derive: the members from it down to the type that stops it.
#[derive(Debug, Clone)]
struct Obstacle<'a> {
    /// Each type on the way and its member that leads on, outermost first.
    steps: Vec<(TypeId, What<'a>)>,
    /// What the last member holds: "an `f64`".
    holds: &'static str,
}

/// The printed types that lack `derive`, as an error says what a member holds.
fn lacks(ty: &TypeRef, derive: Derive) -> Option<&'static str> {
    let unordered = matches!(derive, Derive::PartialOrd | Derive::Ord);
    match ty {
        TypeRef::Float(kind) if derive != Derive::PartialOrd => {
            Some(if *kind == FloatKind::F32 { "an `f32`" } else { "an `f64`" })
        }
        TypeRef::Json if unordered => Some("a free-form JSON value (`serde_json::Value`)"),
        TypeRef::JsonObject if unordered => Some("a free-form JSON object (`serde_json::Map`)"),
        _ => None,
    }
}

/// For each derive, per type, what stops it from having the derive: found first in the types
/// themselves, then passed on to the types that hold them until nothing changes (recursive
/// types included).
fn blocked<'a>(api: &'a Api, derives: &BTreeSet<Derive>) -> BTreeMap<Derive, Vec<Option<Obstacle<'a>>>> {
    derives
        .iter()
        .map(|&derive| {
            let mut blocked: Vec<Option<Obstacle>> = (0..api.types.len())
                .map(|index| {
                    let id = TypeId(index);
                    let def = &api.types[index];
                    if def.replacement.is_some() {
                        return None;
                    }
                    let direct = members(api, id).into_iter().find_map(|member| {
                        let mut found = None;
                        member.ty.each_held_type(&api.types, &mut |ty| found = found.or_else(|| lacks(ty, derive)));
                        found.map(|holds| Obstacle { steps: vec![(id, member.what)], holds })
                    });
                    let catch_all = matches!(
                        def.kind,
                        TypeKind::Tagged { .. } | TypeKind::Untagged { unmatched: Unmatched::Kept, .. }
                    );
                    direct.or_else(|| {
                        (catch_all && matches!(derive, Derive::PartialOrd | Derive::Ord)).then(|| Obstacle {
                            steps: vec![(id, What::CatchAll)],
                            holds: "a free-form JSON value (`serde_json::Value`)",
                        })
                    })
                })
                .collect();
            loop {
                let mut changed = false;
                for index in 0..blocked.len() {
                    if blocked[index].is_some() || api.types[index].replacement.is_some() {
                        continue;
                    }
                    let id = TypeId(index);
                    let through = members(api, id).into_iter().find_map(|member| {
                        let mut found = None;
                        member.ty.each_held_type(&api.types, &mut |ty| {
                            if let (None, TypeRef::Named(inner)) = (&found, ty) {
                                found = blocked[inner.0].clone();
                            }
                        });
                        found.map(|inner: Obstacle| {
                            let mut steps = vec![(id, member.what)];
                            steps.extend(inner.steps);
                            Obstacle { steps, holds: inner.holds }
                        })
                    });
                    if through.is_some() {
                        blocked[index] = through;
                        changed = true;
                    }
                }
                if !changed {
                    return (derive, blocked);
                }
            }
        })
        .collect()
}

/// "`Order` (specs/x.yaml at /components/schemas/Order): its field `lines` holds `OrderLine`,
/// whose field `price` holds an `f64`".
fn failure(api: &Api, id: TypeId, obstacle: &Obstacle) -> String {
    let def = &api.types[id.0];
    let mut text = format!("`{}` ({} at {}): its", def.name, api.source, def.origin);
    for (index, (step, what)) in obstacle.steps.iter().enumerate() {
        if index > 0 {
            text.push_str(&format!(" holds `{}`, whose", api.types[step.0].name));
        }
        text.push(' ');
        text.push_str(&what.to_string());
    }
    text.push_str(" holds ");
    text.push_str(obstacle.holds);
    text
}

/// Calls `f` on `ty` and every type inside it.
fn each_type(ty: &TypeRef, f: &mut impl FnMut(&TypeRef)) {
    f(ty);
    if let TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) = ty {
        each_type(inner, f);
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::{Derive, Settings};

    fn build(spec: &str, settings: Settings) -> crate::Result<super::Api> {
        let input = crate::SpecInput { file: "s.yaml".into(), text: spec.into(), settings, overlay: None, path: None };
        crate::build_api(&input)
    }

    const RECURSIVE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
        Node:\n      type: object\n      additionalProperties: false\n      properties:\n        child: {$ref: '#/components/schemas/Leaf'}\n    \
        Leaf:\n      type: object\n      properties:\n        parent: {$ref: '#/components/schemas/Node'}\n        \
        weight: {type: number}\n        labels: {type: object}\n";

    #[test]
    fn what_stops_a_derive_is_found_through_a_cycle() {
        let settings = Settings {
            type_derives: [("Node".to_string(), vec![Derive::Hash])].into(),
            file: Some("s.toml".into()),
            ..Settings::default()
        };
        let error = build(RECURSIVE, settings).unwrap_err().to_string();
        assert_eq!(
            error,
            "s.toml: invalid settings: `Node` (s.yaml at /components/schemas/Node): its field `child` holds `Leaf`, \
             whose field `weight` holds an `f64`, so it cannot derive `Hash`, which `[type-derives]` for `Node` asks \
             for; remove it there, or name the schema that holds it in `[replace-types]` with a type of your own"
        );
    }

    #[test]
    fn kept_undeclared_properties_stop_an_order_and_the_error_says_how_to_drop_them() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
            Open:\n      type: object\n      properties:\n        name: {type: string}\n";
        let ordered =
            |derive| Settings { type_derives: [("Open".to_string(), vec![derive])].into(), ..Settings::default() };
        let error = build(spec, ordered(Derive::Ord)).unwrap_err().to_string();
        assert!(error.contains("`additionalProperties: false`, in the spec or its overlay"), "{error}");
        // Free-form JSON is equal and hashable: those derives hold.
        let api = build(spec, ordered(Derive::Hash)).unwrap();
        assert_eq!(api.types.iter().find(|d| d.name == "Open").unwrap().derives, [Derive::Hash]);
    }

    #[test]
    fn a_replaced_type_the_generated_code_pages_through_is_refused() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      \
            operationId: listItems\n      parameters:\n        - {name: cursor, in: query, schema: {type: string}}\n      \
            responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              \
            schema: {$ref: '#/components/schemas/Page'}\ncomponents:\n  schemas:\n    Page:\n      type: object\n      \
            properties:\n        data: {$ref: '#/components/schemas/Items'}\n        next_cursor: {type: string}\n    \
            Items:\n      type: array\n      items: {type: string}\n";
        let replacing = |name: &str| Settings {
            replace_types: [(name.to_string(), "my_types::Replaced".to_string())].into(),
            ..Settings::default()
        };
        assert!(build(spec, Settings::default()).unwrap().operations[0].pagination.is_some());
        for name in ["Page", "Items"] {
            let error = build(spec, replacing(name)).unwrap_err().to_string();
            assert!(error.contains(&format!("replaces `{name}`")), "{error}");
            assert!(error.contains("`list_items` pages through it"), "{error}");
        }
    }

    #[test]
    fn a_replaced_type_stops_nothing_and_gets_nothing() {
        let settings = Settings {
            type_derives: [("Node".to_string(), vec![Derive::Ord])].into(),
            replace_types: [("Leaf".to_string(), "my::Leaf".to_string())].into(),
            ..Settings::default()
        };
        let api = build(RECURSIVE, settings).unwrap();
        let derives = |name: &str| &api.types.iter().find(|d| d.name == name).unwrap().derives;
        assert_eq!(derives("Node"), &[Derive::Eq, Derive::PartialOrd, Derive::Ord]);
        assert!(derives("Leaf").is_empty());
    }
}
