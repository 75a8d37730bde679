//! One flat view of an `openapiv3` schema.
//!
//! `openapiv3` files a schema under a typed variant when its keywords fit one type, and under
//! `Any` otherwise (`properties` without `type`, `allOf` beside `properties`, ...). Type
//! conversion should not care which, so both are read into this view.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// A reference to a schema, whether it sits in a `Box` (properties, items) or not (union members).
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// What `additionalProperties` allows.
#[derive(Debug, Clone, Copy)]
pub enum Extra<'a> {
    /// Not said: any extra keys (ignored unless the object has no properties).
    Unspecified,
    Any,
    Forbidden,
    Typed(SchemaRef<'a>),
}

/// JSON Schema's `type`, one of them (3.1's type lists were lowered to `anyOf` in `load`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

impl JsonType {
    fn parse(text: &str) -> Option<JsonType> {
        Some(match text {
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            _ => return None,
        })
    }
}

/// A schema's `format`: the ones the generator acts on by name, anything else as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Float,
    Double,
    Date,
    DateTime,
    Time,
    Uuid,
    Binary,
    Byte,
    Email,
    Uri,
    Other(String),
}

impl Format {
    pub fn parse(text: &str) -> Format {
        match text {
            "int8" => Format::Int8,
            "int16" => Format::Int16,
            "int32" => Format::Int32,
            "int64" => Format::Int64,
            "uint8" => Format::Uint8,
            "uint16" => Format::Uint16,
            "uint32" => Format::Uint32,
            // `uint` is how some generators spell an unsigned 64-bit integer.
            "uint64" | "uint" => Format::Uint64,
            "float" => Format::Float,
            "double" => Format::Double,
            "date" => Format::Date,
            "date-time" => Format::DateTime,
            "time" => Format::Time,
            "uuid" => Format::Uuid,
            "binary" => Format::Binary,
            "byte" => Format::Byte,
            "email" => Format::Email,
            "uri" => Format::Uri,
            other => Format::Other(other.to_string()),
        }
    }

    /// The format as the spec writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Format::Int8 => "int8",
            Format::Int16 => "int16",
            Format::Int32 => "int32",
            Format::Int64 => "int64",
            Format::Uint8 => "uint8",
            Format::Uint16 => "uint16",
            Format::Uint32 => "uint32",
            Format::Uint64 => "uint64",
            Format::Float => "float",
            Format::Double => "double",
            Format::Date => "date",
            Format::DateTime => "date-time",
            Format::Time => "time",
            Format::Uuid => "uuid",
            Format::Binary => "binary",
            Format::Byte => "byte",
            Format::Email => "email",
            Format::Uri => "uri",
            Format::Other(text) => text,
        }
    }
}

#[derive(Debug)]
pub struct SchemaView<'a> {
    pub ty: Option<JsonType>,
    pub format: Option<Format>,
    pub nullable: bool,
    pub enum_values: Vec<Value>,
    pub properties: Vec<(&'a str, SchemaRef<'a>)>,
    pub required: &'a [String],
    pub additional: Extra<'a>,
    pub items: Option<SchemaRef<'a>>,
    pub one_of: Vec<SchemaRef<'a>>,
    pub any_of: Vec<SchemaRef<'a>>,
    pub all_of: Vec<SchemaRef<'a>>,
    pub has_not: bool,
    /// The 3.1 lowering marks schemas that admit only `null`.
    pub null_only: bool,
    pub discriminator: Option<&'a openapiv3::Discriminator>,
}

impl<'a> SchemaView<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        let data = &schema.schema_data;
        let mut view = SchemaView {
            ty: None,
            format: None,
            nullable: data.nullable,
            enum_values: Vec::new(),
            properties: Vec::new(),
            required: &[],
            additional: Extra::Unspecified,
            items: None,
            one_of: Vec::new(),
            any_of: Vec::new(),
            all_of: Vec::new(),
            has_not: false,
            null_only: data.extensions.get("x-null-only") == Some(&Value::Bool(true)),
            discriminator: data.discriminator.as_ref(),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.ty = Some(JsonType::String);
                view.format = format_text(&s.format, |f| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                });
                view.enum_values = options(&s.enumeration, |v| Value::String(v.clone()));
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.ty = Some(JsonType::Integer);
                view.format = format_text(&i.format, |f| match f {
                    IntegerFormat::Int32 => "int32",
                    IntegerFormat::Int64 => "int64",
                });
                view.enum_values = options(&i.enumeration, |v| Value::from(*v));
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.ty = Some(JsonType::Number);
                view.format = format_text(&n.format, |f| match f {
                    NumberFormat::Float => "float",
                    NumberFormat::Double => "double",
                });
                view.enum_values = options(&n.enumeration, |v| Value::from(*v));
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                view.ty = Some(JsonType::Boolean);
                view.enum_values = options(&b.enumeration, |v| Value::Bool(*v));
            }
            SchemaKind::Type(Type::Object(o)) => {
                view.ty = Some(JsonType::Object);
                view.properties = properties(&o.properties);
                view.required = &o.required;
                view.additional = extra(o.additional_properties.as_ref());
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.ty = Some(JsonType::Array);
                view.items = a.items.as_ref().map(SchemaRef::from);
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of.iter().map(SchemaRef::from).collect(),
            SchemaKind::AnyOf { any_of } => view.any_of = any_of.iter().map(SchemaRef::from).collect(),
            SchemaKind::AllOf { all_of } => view.all_of = all_of.iter().map(SchemaRef::from).collect(),
            SchemaKind::Not { .. } => view.has_not = true,
            SchemaKind::Any(any) => {
                view.ty = any.typ.as_deref().and_then(JsonType::parse);
                view.format = any.format.as_deref().map(Format::parse);
                view.enum_values = any.enumeration.clone();
                view.properties = properties(&any.properties);
                view.required = &any.required;
                view.additional = extra(any.additional_properties.as_ref());
                view.items = any.items.as_ref().map(SchemaRef::from);
                view.one_of = any.one_of.iter().map(SchemaRef::from).collect();
                view.any_of = any.any_of.iter().map(SchemaRef::from).collect();
                view.all_of = any.all_of.iter().map(SchemaRef::from).collect();
                view.has_not = any.not.is_some();
            }
        }
        if view.enum_values.iter().any(Value::is_null) {
            view.nullable = true;
            view.enum_values.retain(|v| !v.is_null());
        }
        view
    }
}

fn format_text<F>(format: &VariantOrUnknownOrEmpty<F>, name: impl Fn(&F) -> &'static str) -> Option<Format> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(Format::parse(name(f))),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(Format::parse(s)),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn options<T>(values: &[Option<T>], to_json: impl Fn(&T) -> Value) -> Vec<Value> {
    values.iter().map(|v| v.as_ref().map_or(Value::Null, &to_json)).collect()
}

fn properties(map: &IndexMap<String, ReferenceOr<Box<Schema>>>) -> Vec<(&str, SchemaRef<'_>)> {
    map.iter().map(|(name, schema)| (name.as_str(), SchemaRef::from(schema))).collect()
}

fn extra(additional: Option<&AdditionalProperties>) -> Extra<'_> {
    match additional {
        None => Extra::Unspecified,
        Some(AdditionalProperties::Any(true)) => Extra::Any,
        Some(AdditionalProperties::Any(false)) => Extra::Forbidden,
        Some(AdditionalProperties::Schema(schema)) => Extra::Typed(SchemaRef::from(schema.as_ref())),
    }
}
