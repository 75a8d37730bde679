//! Schemas to types.
//!
//! Every component schema is registered before any is converted, so every `$ref` resolves to a
//! [`TypeId`] whatever the order. Inline schemas that need a named Rust type (objects, enums,
//! unions) get a candidate name from where they stand (`ValidationError` + `loc` + `Item`); the
//! final names are chosen once, in [`TypeBuilder::finish`], never while converting.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};

use super::ident::{self, Ident};
use super::schema_view::{Extra, Format, JsonType, SchemaRef, SchemaView};
use super::{
    EnumValue, Example, Field, FloatKind, IntKind, Presence, StringFormat, TypeDef, TypeId, TypeKind, TypeRef,
    Undeclared, Warning, refs,
};
use crate::error::{Error, Location, Result, pointer_token};
use crate::load::LoadedSpec;
use crate::settings::{Formats, Settings};

/// The longest name an inline type gets from where it stands; a deeper one keeps the trailing
/// parts of its path that fit (`...BankTransferEuBankTransfer`), and collisions are numbered.
const MAX_INLINE_NAME: usize = 60;

/// Where a schema stands: the name an inline type made there would get, and its JSON pointer.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The parts of the name, outermost first (the component or operation, then each property,
    /// `Item`, member, ...).
    parts: Vec<String>,
    pub pointer: String,
}

impl Ctx {
    pub fn new(name: impl Into<String>, pointer: impl Into<String>) -> Self {
        Ctx { parts: vec![name.into()], pointer: pointer.into() }
    }

    /// A context inside this one: `name_part` is appended (in type-name form) to the name, and
    /// the pointer tokens to the pointer.
    pub fn child(&self, name_part: &str, tokens: &[&str]) -> Ctx {
        let mut pointer = self.pointer.clone();
        for token in tokens {
            pointer.push('/');
            pointer.push_str(&pointer_token(token));
        }
        let part = ident::type_name(name_part);
        let mut parts = self.parts.clone();
        let part = part.as_str().trim_start_matches('_');
        if !part.is_empty() {
            parts.push(part.to_string());
        }
        Ctx { parts, pointer }
    }

    /// The full name: every part.
    pub fn name(&self) -> String {
        self.parts.concat()
    }

    /// The name an inline type made here gets: the full name, or when that is longer than
    /// [`MAX_INLINE_NAME`], the trailing parts that fit (at least the last one).
    pub fn type_name(&self) -> String {
        let full = self.name();
        if full.len() <= MAX_INLINE_NAME {
            return full;
        }
        let mut kept = 0;
        let mut length = 0;
        for part in self.parts.iter().rev() {
            if kept > 0 && length + part.len() > MAX_INLINE_NAME {
                break;
            }
            length += part.len();
            kept += 1;
        }
        self.parts[self.parts.len() - kept..].concat()
    }
}

/// A converted schema at a use site: the type of a present value, and whether `null` is allowed.
#[derive(Debug, Clone)]
pub struct Shape {
    pub ty: TypeRef,
    pub nullable: bool,
    pub docs: Option<String>,
}

impl Shape {
    /// The type as a whole: `Option<T>` when null is allowed.
    pub fn into_type(self) -> TypeRef {
        if self.nullable { TypeRef::Option(Box::new(self.ty)) } else { self.ty }
    }
}

pub(super) enum Converted {
    /// Needs a named type definition.
    Def(TypeKind),
    /// Expressible without one.
    Ref(TypeRef),
}

pub struct TypeBuilder<'a> {
    pub(super) file: &'a str,
    openapi: &'a OpenAPI,
    pub(super) defs: Vec<TypeDef>,
    /// Component schemas keep their names first when names collide.
    is_component: Vec<bool>,
    pub(super) components: BTreeMap<&'a str, TypeId>,
    /// What the schemas say that the types do not follow as written.
    pub(super) warnings: Vec<Warning>,
    /// The schemas' examples, with the type a value there decodes into.
    pub(super) examples: Vec<Example>,
    /// Components that allow `null` besides the type they define (a nullable enum or object):
    /// every place that refers to one allows `null` too.
    nullable_components: std::collections::BTreeSet<TypeId>,
    /// Set while converting a multipart body: there `format: binary` means file bytes.
    binary_as_bytes: bool,
    /// How strings of a well-known format are typed (the spec's settings).
    formats: Formats,
    /// The components whose `allOf` is being merged, innermost last: a component met again is
    /// an `allOf` that contains itself.
    merging: Vec<TypeId>,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(spec: &'a LoadedSpec, settings: &Settings) -> Result<Self> {
        let mut builder = TypeBuilder {
            file: &spec.file,
            openapi: &spec.openapi,
            defs: Vec::new(),
            is_component: Vec::new(),
            components: BTreeMap::new(),
            warnings: Vec::new(),
            examples: Vec::new(),
            nullable_components: Default::default(),
            binary_as_bytes: false,
            formats: settings.formats,
            merging: Vec::new(),
        };
        let schemas: Vec<_> = spec.openapi.components.iter().flat_map(|c| c.schemas.iter()).collect();
        let mut body_names = super::operations::body_component_names(&spec.openapi, settings);
        for (name, _) in &schemas {
            let candidate = match settings.rename_types.get(*name) {
                Some(renamed) => Ident::new(renamed),
                None => body_names.remove(*name).unwrap_or_else(|| ident::type_name(name)),
            };
            let origin = format!("/components/schemas/{}", pointer_token(name));
            let id = builder.push(
                TypeDef {
                    name: candidate,
                    origin,
                    docs: None,
                    kind: TypeKind::Alias(TypeRef::Json),
                    required_type: None,
                    derives: Vec::new(),
                    replacement: settings.replace_types.get(name.as_str()).cloned(),
                },
                true,
            );
            builder.components.insert(name.as_str(), id);
        }
        // Before any conversion, as references may come before the component they name.
        for (name, schema) in &schemas {
            if let ReferenceOr::Item(item) = schema
                && defines_nullable_type(&SchemaView::of(item))
            {
                builder.nullable_components.insert(builder.components[name.as_str()]);
            }
        }
        for (name, schema) in schemas {
            let id = builder.components[name.as_str()];
            let def = &builder.defs[id.0];
            let ctx = Ctx::new(def.name.as_str(), def.origin.clone());
            let schema = SchemaRef::from(schema);
            let (kind, docs) = builder.definition(schema, &ctx)?;
            builder.defs[id.0].kind = kind;
            builder.defs[id.0].docs = docs;
            if let SchemaRef::Item(item) = schema {
                builder.record_example(item, &ctx.pointer, TypeRef::Named(id));
            }
        }
        Ok(builder)
    }

    fn push(&mut self, def: TypeDef, component: bool) -> TypeId {
        self.defs.push(def);
        self.is_component.push(component);
        TypeId(self.defs.len() - 1)
    }

    /// The definition of a component schema.
    fn definition(&mut self, schema: SchemaRef<'a>, ctx: &Ctx) -> Result<(TypeKind, Option<String>)> {
        match schema {
            SchemaRef::Ref(reference) => {
                Ok((TypeKind::Alias(TypeRef::Named(self.component(reference, &ctx.pointer)?)), None))
            }
            SchemaRef::Item(item) => {
                let view = SchemaView::of(item);
                let docs = item.schema_data.description.clone();
                let kind = match self.convert(&view, ctx)? {
                    Converted::Def(kind) => kind,
                    Converted::Ref(ty) => {
                        TypeKind::Alias(Shape { ty, nullable: view.nullable, docs: None }.into_type())
                    }
                };
                Ok((kind, docs))
            }
        }
    }

    /// The id of the component schema a `$ref` names.
    pub fn component(&self, reference: &str, at: &str) -> Result<TypeId> {
        let name = refs::component_name(self.file, reference, refs::Section::Schemas, at)?;
        self.components.get(name).copied().ok_or_else(|| {
            let known: Vec<&str> = self.components.keys().copied().collect();
            refs::dangling(self.file, at, reference, refs::Section::Schemas, &known)
        })
    }

    /// Converts a schema where it is used.
    pub fn shape(&mut self, schema: SchemaRef<'a>, ctx: &Ctx) -> Result<Shape> {
        match schema {
            SchemaRef::Ref(reference) => {
                let id = self.component(reference, &ctx.pointer)?;
                Ok(Shape { ty: TypeRef::Named(id), nullable: self.nullable_components.contains(&id), docs: None })
            }
            SchemaRef::Item(item) => {
                let view = SchemaView::of(item);
                let docs = item.schema_data.description.clone();
                let ty = match self.convert(&view, ctx)? {
                    Converted::Ref(ty) => ty,
                    Converted::Def(kind) => TypeRef::Named(self.push(
                        TypeDef {
                            name: Ident::new(ctx.type_name()),
                            origin: ctx.pointer.clone(),
                            docs: docs.clone(),
                            kind,
                            required_type: None,
                            derives: Vec::new(),
                            replacement: None,
                        },
                        false,
                    )),
                };
                let shape = Shape { ty, nullable: view.nullable, docs };
                self.record_example(item, &ctx.pointer, shape.clone().into_type());
                Ok(shape)
            }
        }
    }

    /// Keeps the schema's `example`, if it has one, for the examples test.
    fn record_example(&mut self, schema: &openapiv3::Schema, pointer: &str, ty: TypeRef) {
        if let Some(value) = &schema.schema_data.example {
            self.examples.push(Example { pointer: format!("{pointer}/example"), ty, value: value.clone() });
        }
    }

    /// Like [`TypeBuilder::shape`], for a multipart body: its inline `format: binary` strings
    /// become bytes. (A component it references keeps its own types.)
    pub fn shape_with_binary_as_bytes(&mut self, schema: SchemaRef<'a>, ctx: &Ctx) -> Result<Shape> {
        self.binary_as_bytes = true;
        let shape = self.shape(schema, ctx);
        self.binary_as_bytes = false;
        shape
    }

    /// A string of `format`: its own type when formats are typed and it has one.
    fn string(&self, format: Option<&Format>) -> TypeRef {
        let typed = match format {
            _ if self.formats == Formats::Strings => None,
            Some(Format::DateTime) => Some(StringFormat::DateTime),
            Some(Format::Date) => Some(StringFormat::Date),
            Some(Format::Uuid) => Some(StringFormat::Uuid),
            _ => None,
        };
        typed.map_or(TypeRef::String, TypeRef::Formatted)
    }

    fn convert(&mut self, view: &SchemaView<'a>, ctx: &Ctx) -> Result<Converted> {
        if view.null_only || view.has_not {
            return Ok(Converted::Ref(TypeRef::Json));
        }
        if !view.all_of.is_empty() {
            return self.all_of(view, ctx);
        }
        let (key, members) = if !view.one_of.is_empty() { ("oneOf", &view.one_of) } else { ("anyOf", &view.any_of) };
        if !members.is_empty() && view.properties.is_empty() {
            return self.union(view, key, members, ctx);
        }
        Ok(match view.ty {
            Some(JsonType::String) if !view.enum_values.is_empty() => Converted::Def(string_enum(view)),
            Some(JsonType::String) if self.binary_as_bytes && view.format == Some(Format::Binary) => {
                Converted::Ref(TypeRef::Bytes)
            }
            Some(JsonType::String) => Converted::Ref(self.string(view.format.as_ref())),
            Some(JsonType::Integer) => Converted::Ref(TypeRef::Int(match view.format {
                Some(Format::Int8) => IntKind::I8,
                Some(Format::Int16) => IntKind::I16,
                Some(Format::Int32) => IntKind::I32,
                Some(Format::Uint8) => IntKind::U8,
                Some(Format::Uint16) => IntKind::U16,
                Some(Format::Uint32) => IntKind::U32,
                Some(Format::Uint64) => IntKind::U64,
                // No format (or int64): JSON integers such as 4102444800 need 64 bits.
                _ => IntKind::I64,
            })),
            Some(JsonType::Number) => Converted::Ref(TypeRef::Float(match view.format {
                Some(Format::Float) => FloatKind::F32,
                _ => FloatKind::F64,
            })),
            Some(JsonType::Boolean) => Converted::Ref(TypeRef::Bool),
            Some(JsonType::Array) => {
                let item = match view.items {
                    Some(items) => self.shape(items, &ctx.child("Item", &["items"]))?.into_type(),
                    None => TypeRef::Json,
                };
                Converted::Ref(TypeRef::Vec(Box::new(item)))
            }
            Some(JsonType::Object) | None if !view.properties.is_empty() => {
                let undeclared = Undeclared::of(&view.additional);
                Converted::Def(TypeKind::Struct { fields: self.fields(view, ctx)?, tag: None, undeclared })
            }
            Some(JsonType::Object) => match view.additional {
                Extra::Typed(values) => {
                    let value = self.shape(values, &ctx.child("Value", &["additionalProperties"]))?;
                    Converted::Ref(TypeRef::Map(Box::new(value.into_type())))
                }
                _ => Converted::Ref(TypeRef::JsonObject),
            },
            _ => Converted::Ref(TypeRef::Json),
        })
    }

    fn fields(&mut self, view: &SchemaView<'a>, ctx: &Ctx) -> Result<Vec<Field>> {
        let mut fields: Vec<Field> = Vec::new();
        for (wire, schema) in &view.properties {
            let shape = self.shape(*schema, &ctx.child(wire, &["properties", wire]))?;
            let name = ident::disambiguate(&ident::snake_name(wire), |n| fields.iter().any(|f| &f.name == n));
            let data = match schema {
                SchemaRef::Item(item) => Some(&item.schema_data),
                SchemaRef::Ref(_) => None,
            };
            let read_only = data.is_some_and(|d| d.read_only);
            let write_only = data.is_some_and(|d| d.write_only);
            let mut notes: Vec<String> = shape.docs.into_iter().collect();
            if read_only {
                notes.push("Read-only: set by the server, ignored in requests.".into());
            }
            if write_only {
                notes.push("Write-only: sent in requests, never returned.".into());
            }
            if let SchemaRef::Item(item) = schema {
                let view = SchemaView::of(item);
                // Formats a Rust type does not already say are kept as text, and named here.
                if let Some(format) = view.format.filter(|_| shape.ty == TypeRef::String) {
                    notes.push(format!("Format: `{}`.", format.as_str()));
                }
                // Numeric enums stay numbers (a new value from the server must still decode).
                if matches!(shape.ty, TypeRef::Int(_) | TypeRef::Float(_)) && !view.enum_values.is_empty() {
                    let values: Vec<String> = view.enum_values.iter().map(|v| format!("`{v}`")).collect();
                    notes.push(format!("One of {}.", values.join(", ")));
                }
            }
            if let Some(default) = data.and_then(|d| d.default.as_ref()) {
                notes.push(format!("Default: `{default}`."));
            }
            // Required, but only in the direction it travels: a read-only field is absent from the
            // requests that share this type, a write-only one from the responses.
            let required = view.required.iter().any(|r| r == wire) && !read_only && !write_only;
            fields.push(Field {
                setter: name.clone(),
                name,
                wire_name: wire.to_string(),
                ty: shape.ty,
                presence: Presence::new(required, shape.nullable),
                boxed: false,
                docs: (!notes.is_empty()).then(|| notes.join("\n\n")),
            });
        }
        Ok(fields)
    }

    /// `allOf`: one member with nothing beside it is that member; otherwise the members'
    /// properties are merged into one struct.
    fn all_of(&mut self, view: &SchemaView<'a>, ctx: &Ctx) -> Result<Converted> {
        let structural: Vec<(usize, SchemaRef<'a>)> =
            view.all_of.iter().copied().enumerate().filter(|(_, m)| !is_annotation_only(*m)).collect();
        if structural.len() == 1 && view.properties.is_empty() {
            let (index, member) = structural[0];
            let shape = self.shape(member, &ctx.child("", &["allOf", &index.to_string()]))?;
            return Ok(Converted::Ref(shape.into_type()));
        }
        let mut fields = Vec::new();
        for (index, member) in structural {
            let member_ctx = ctx.child("", &["allOf", &index.to_string()]);
            let mut entered = None;
            let (schema, member_ctx) = match member {
                SchemaRef::Ref(reference) => {
                    let id = self.component(reference, &member_ctx.pointer)?;
                    if self.merging.contains(&id) {
                        return Err(Error::unsupported(
                            Location::new(self.file, member_ctx.pointer.clone()),
                            format!("an `allOf` that includes itself (through `{reference}`)"),
                            "a schema cannot be all of itself and more; remove the reference from the `allOf`",
                        ));
                    }
                    self.merging.push(id);
                    entered = Some(id);
                    let name = &self.defs[id.0].name;
                    let resolved = self.component_schema(reference, &member_ctx.pointer)?;
                    (resolved, Ctx::new(name.as_str(), self.defs[id.0].origin.clone()))
                }
                SchemaRef::Item(item) => (item, ctx.clone()),
            };
            let member_view = SchemaView::of(schema);
            let member_fields = if member_view.all_of.is_empty() {
                self.fields(&member_view, &member_ctx)
            } else {
                self.all_of(&member_view, &member_ctx).map(|merged| match merged {
                    Converted::Def(TypeKind::Struct { fields, .. }) => fields,
                    _ => Vec::new(),
                })
            };
            if entered.is_some() {
                self.merging.pop();
            }
            let member_fields = member_fields?;
            merge_fields(&mut fields, member_fields);
        }
        merge_fields(&mut fields, self.fields(view, ctx)?);
        for field in &mut fields {
            if view.required.contains(&field.wire_name) {
                field.presence = field.presence.required();
            }
        }
        Ok(Converted::Def(TypeKind::Struct { fields, tag: None, undeclared: Undeclared::of(&view.additional) }))
    }

    /// The schema a component `$ref` names, following chains of references.
    pub(super) fn component_schema(&self, reference: &str, at: &str) -> Result<&'a openapiv3::Schema> {
        self.component(reference, at)?;
        let name = refs::component_name(self.file, reference, refs::Section::Schemas, at)?;
        let entry = &self.openapi.components.as_ref().expect("component() found it").schemas[name];
        refs::resolve(self.file, self.openapi, entry, refs::Section::Schemas, at, |c, n| c.schemas.get(n))
    }

    /// Hands over the definitions (names still candidates), for each whether it is a component
    /// schema (which keeps its name first when names collide), and the warnings.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<bool>, Vec<Warning>, Vec<Example>) {
        (self.defs, self.is_component, self.warnings, self.examples)
    }
}

/// Whether a nullable schema becomes a type of its own (an object, a string enum, a union) whose
/// `null` its users must allow: an alias (`type: string, nullable: true`) carries its own `Option`.
fn defines_nullable_type(view: &SchemaView<'_>) -> bool {
    view.nullable
        && (!view.properties.is_empty()
            || (view.ty == Some(JsonType::String) && !view.enum_values.is_empty())
            || view.one_of.len() > 1
            || view.any_of.len() > 1)
}

fn is_annotation_only(member: SchemaRef<'_>) -> bool {
    match member {
        SchemaRef::Ref(_) => false,
        SchemaRef::Item(item) => {
            let view = SchemaView::of(item);
            view.ty.is_none()
                && view.properties.is_empty()
                && view.all_of.is_empty()
                && view.one_of.is_empty()
                && view.any_of.is_empty()
                && view.items.is_none()
                && view.enum_values.is_empty()
                && !matches!(view.additional, Extra::Typed(_))
        }
    }
}

/// Later definitions of a property win, as in JSON Schema where every member must hold.
fn merge_fields(into: &mut Vec<Field>, more: Vec<Field>) {
    for field in more {
        match into.iter_mut().find(|f| f.wire_name == field.wire_name) {
            Some(existing) => {
                let presence = if existing.presence.is_required() { field.presence.required() } else { field.presence };
                *existing = Field { presence, name: existing.name.clone(), setter: existing.setter.clone(), ..field };
            }
            None => {
                let name = ident::disambiguate(&field.name, |n| into.iter().any(|f| &f.name == n));
                into.push(Field { setter: name.clone(), name, ..field });
            }
        }
    }
}

fn string_enum(view: &SchemaView<'_>) -> TypeKind {
    let mut values: Vec<EnumValue> = Vec::new();
    for value in &view.enum_values {
        let wire = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if values.iter().any(|v| v.wire == wire) {
            continue;
        }
        let name = value_name(&ident::variant_name(&wire), &values);
        values.push(EnumValue { name, wire, docs: None });
    }
    TypeKind::StringEnum { values }
}

/// A string enum value's variant name: `base`, or a numbered form of it, free among `values` and
/// never `Unknown`, the variant the emitter adds for values the spec does not list.
pub(super) fn value_name(base: &Ident, values: &[EnumValue]) -> Ident {
    ident::disambiguate(base, |n| n == "Unknown" || values.iter().any(|v| v.name == *n))
}

/// Sorts the definitions by name and rewrites every reference to them.
pub fn sort_by_name(api: &mut super::Api) {
    let mut order: Vec<usize> = (0..api.types.len()).collect();
    order.sort_by(|&a, &b| api.types[a].name.cmp(&api.types[b].name));
    let mut new_id = vec![0; api.types.len()];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new;
    }
    super::visit::every_type_ref(api, |ty| {
        if let TypeRef::Named(id) = ty {
            *id = TypeId(new_id[id.0]);
        }
    });
    let mut slots: Vec<Option<TypeDef>> = std::mem::take(&mut api.types).into_iter().map(Some).collect();
    api.types = order.iter().map(|&old| slots[old].take().expect("each definition moves once")).collect();
}
