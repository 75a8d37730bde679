//! JSON values a schema accepts, as proptest strategies, made from the spec itself (not from the
//! generator's reading of it), so that a round trip through the generated types tests that
//! reading.
//!
//! Covered: `$ref`, `type` (with 3.0 `nullable` and the 3.1 null-only marker the loader leaves),
//! `enum`, integer and number bounds, `properties`/`required`, typed `additionalProperties`,
//! `items`, `allOf` (members merged), `oneOf`/`anyOf` (one member, with the `discriminator`'s
//! tag when there is one). Objects whose schema allows undeclared keys (`additionalProperties`
//! absent or true) get some at every depth, which the generated structs promise to keep; but
//! not the object that is a union's member itself, since undeclared keys are how a union tells a
//! member that fits apart from one that does not (such a value is kept whole by the union's
//! catch-all instead).

use codegen::settings::Formats;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Past this depth, objects keep their required properties only and lists are empty, so that
/// recursive schemas give finite values.
const MAX_DEPTH: usize = 4;

/// Values the component schema `name` of `openapi` accepts, for a module generated with
/// `formats`: typed date-times are written back in UTC, so their values here are UTC already
/// (any offset still decodes; `typed_formats.rs` tests what becomes of it).
pub fn component(openapi: &OpenAPI, name: &str, formats: Formats) -> BoxedStrategy<Value> {
    let reference = format!("#/components/schemas/{name}");
    Values { openapi, formats, undeclared: true }.of_ref(&reference, 0)
}

#[derive(Clone, Copy)]
struct Values<'a> {
    openapi: &'a OpenAPI,
    formats: Formats,
    /// Whether the next object gets keys its schema does not declare (where it allows them).
    undeclared: bool,
}

impl Values<'_> {
    /// The same, for values inside the next object or list: they get undeclared keys again.
    fn inside(&self) -> Self {
        Values { undeclared: true, ..*self }
    }

    fn of_ref(&self, reference: &str, depth: usize) -> BoxedStrategy<Value> {
        match self.resolve(reference) {
            Some(schema) => self.of(schema, depth + 1),
            None => panic!("`{reference}` points to nothing"),
        }
    }

    fn resolve(&self, reference: &str) -> Option<&Schema> {
        let mut name = reference.strip_prefix("#/components/schemas/")?;
        for _ in 0..16 {
            match self.openapi.components.as_ref()?.schemas.get(name)? {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference } => name = reference.strip_prefix("#/components/schemas/")?,
            }
        }
        None
    }

    fn of_any(&self, schema: &ReferenceOr<Schema>, depth: usize) -> BoxedStrategy<Value> {
        match schema {
            ReferenceOr::Reference { reference } => self.of_ref(reference, depth),
            ReferenceOr::Item(schema) => self.of(schema, depth),
        }
    }

    fn of_boxed(&self, schema: &ReferenceOr<Box<Schema>>, depth: usize) -> BoxedStrategy<Value> {
        match schema {
            ReferenceOr::Reference { reference } => self.of_ref(reference, depth),
            ReferenceOr::Item(schema) => self.of(schema, depth),
        }
    }

    fn of(&self, schema: &Schema, depth: usize) -> BoxedStrategy<Value> {
        let data = &schema.schema_data;
        if data.extensions.get("x-null-only") == Some(&Value::Bool(true)) {
            return Just(Value::Null).boxed();
        }
        let value = self.of_kind(schema, depth);
        if data.nullable { prop_oneof![1 => Just(Value::Null), 3 => value].boxed() } else { value }
    }

    fn of_kind(&self, schema: &Schema, depth: usize) -> BoxedStrategy<Value> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                one_of_listed(s.enumeration.iter().flatten().map(|v| json!(v)).collect())
            }
            SchemaKind::Type(Type::String(s)) => strings(&s.format, s.min_length, self.formats),
            SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => {
                one_of_listed(i.enumeration.iter().flatten().map(|v| json!(v)).collect())
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let (format_low, format_high) = integer_range(&i.format);
                let low = i.minimum.map_or(-1000, |m| m + i64::from(i.exclusive_minimum)).max(format_low);
                let high = i.maximum.map_or(1000, |m| m - i64::from(i.exclusive_maximum)).min(format_high);
                (low..=high.max(low)).prop_map(|n| json!(n)).boxed()
            }
            SchemaKind::Type(Type::Number(n)) if !n.enumeration.is_empty() => {
                one_of_listed(n.enumeration.iter().flatten().map(|v| json!(v)).collect())
            }
            SchemaKind::Type(Type::Number(n)) => {
                // Halves: exact in every float width, so a `float` field gives back what it took.
                let low = n.minimum.map_or(-1000.0, |m| m + if n.exclusive_minimum { 0.5 } else { 0.0 });
                let high = n.maximum.map_or(1000.0, |m| m - if n.exclusive_maximum { 0.5 } else { 0.0 });
                let (low, high) = ((low * 2.0).ceil() as i64, (high * 2.0).floor() as i64);
                (low..=high.max(low)).prop_map(|halves| json!(halves as f64 / 2.0)).boxed()
            }
            SchemaKind::Type(Type::Boolean(b)) if !b.enumeration.is_empty() => {
                one_of_listed(b.enumeration.iter().flatten().map(|v| json!(v)).collect())
            }
            SchemaKind::Type(Type::Boolean(_)) => any::<bool>().prop_map(Value::Bool).boxed(),
            SchemaKind::Type(Type::Array(_)) if depth >= MAX_DEPTH => Just(json!([])).boxed(),
            SchemaKind::Type(Type::Array(a)) => {
                let items = match &a.items {
                    Some(items) => self.inside().of_boxed(items, depth),
                    None => scalars(),
                };
                prop::collection::vec(items, 0..=3).prop_map(Value::Array).boxed()
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.object(&o.properties, &o.required, o.additional_properties.as_ref(), depth)
            }
            SchemaKind::OneOf { one_of } => self.union(one_of, schema, depth),
            SchemaKind::AnyOf { any_of } => self.union(any_of, schema, depth),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, None, depth),
            SchemaKind::Not { .. } => Just(Value::Null).boxed(),
            SchemaKind::Any(schema_any) => {
                let any_schema = schema_any;
                if !any_schema.all_of.is_empty() {
                    let own = self.object(&any_schema.properties, &any_schema.required, None, depth);
                    return self.all_of(&any_schema.all_of, Some(own), depth);
                }
                if !any_schema.one_of.is_empty() {
                    return self.union(&any_schema.one_of, schema, depth);
                }
                if !any_schema.any_of.is_empty() {
                    return self.union(&any_schema.any_of, schema, depth);
                }
                if !any_schema.enumeration.is_empty() {
                    return one_of_listed(any_schema.enumeration.iter().filter(|v| !v.is_null()).cloned().collect());
                }
                match any_schema.typ.as_deref() {
                    Some("object") | None if !any_schema.properties.is_empty() => self.object(
                        &any_schema.properties,
                        &any_schema.required,
                        any_schema.additional_properties.as_ref(),
                        depth,
                    ),
                    Some("object") => {
                        self.object(&Default::default(), &[], any_schema.additional_properties.as_ref(), depth)
                    }
                    Some("array") if depth >= MAX_DEPTH => Just(json!([])).boxed(),
                    Some("array") => {
                        let items = match &any_schema.items {
                            Some(items) => self.inside().of_boxed(items, depth),
                            None => scalars(),
                        };
                        prop::collection::vec(items, 0..=2).prop_map(Value::Array).boxed()
                    }
                    Some("string") => strings(&VariantOrUnknownOrEmpty::Empty, None, self.formats),
                    Some("integer") => (-1000i64..1000).prop_map(|n| json!(n)).boxed(),
                    Some("number") => (-2000i64..2000).prop_map(|h| json!(h as f64 / 2.0)).boxed(),
                    Some("boolean") => proptest::arbitrary::any::<bool>().prop_map(Value::Bool).boxed(),
                    _ => scalars(),
                }
            }
        }
    }

    fn object(
        &self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        depth: usize,
    ) -> BoxedStrategy<Value> {
        let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        for (name, schema) in properties {
            let name = name.clone();
            if admits_nothing(schema) {
                // `false` (lowered to `not: {}`): no value is valid, so the property never comes.
                continue;
            }
            if required.contains(&name) {
                let value = self.inside().of_boxed(schema, depth);
                fields.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
            } else if depth < MAX_DEPTH {
                let value = self.inside().of_boxed(schema, depth);
                fields.push(prop::option::of(value).prop_map(move |v| v.map(|v| (name.clone(), v))).boxed());
            }
        }
        let extra = match additional {
            Some(AdditionalProperties::Schema(schema)) if depth < MAX_DEPTH => {
                let declared: Vec<String> = properties.keys().cloned().collect();
                let values = self.of_any(schema, depth);
                prop::collection::btree_map("x[a-z]{0,5}", values, 0..=2)
                    .prop_map(move |map| map.into_iter().filter(|(k, _)| !declared.contains(k)).collect::<Vec<_>>())
                    .boxed()
            }
            // A free-form object: any keys.
            Some(AdditionalProperties::Any(true)) | None if properties.is_empty() && depth < MAX_DEPTH => {
                prop::collection::btree_map("[a-z]{1,6}", scalars(), 0..=2)
                    .prop_map(|map| map.into_iter().collect::<Vec<_>>())
                    .boxed()
            }
            // Keys the schema does not declare, of any JSON value, objects and lists included.
            Some(AdditionalProperties::Any(true)) | None if self.undeclared && depth < MAX_DEPTH => {
                let declared: Vec<String> = properties.keys().cloned().collect();
                let values = prop_oneof![scalars(), Just(json!({"nested": [1, {"deep": null}]})), Just(json!([]))];
                prop::collection::vec(("undeclared_[a-z]{1,4}", values), 0..=2)
                    .prop_map(move |pairs| {
                        let mut seen = Vec::new();
                        pairs
                            .into_iter()
                            .filter(|(k, _)| {
                                !declared.contains(k) && !seen.contains(k) && {
                                    seen.push(k.clone());
                                    true
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .boxed()
            }
            _ => Just(Vec::new()).boxed(),
        };
        (fields, extra)
            .prop_map(|(fields, extra)| {
                let mut object: Map<String, Value> = fields.into_iter().flatten().collect();
                object.extend(extra);
                Value::Object(object)
            })
            .boxed()
    }

    /// `allOf`: a value of each member (and of the schema's own properties), merged; later parts
    /// win, as every part must hold.
    fn all_of(
        &self,
        members: &[ReferenceOr<Schema>],
        own: Option<BoxedStrategy<Value>>,
        depth: usize,
    ) -> BoxedStrategy<Value> {
        let mut parts: Vec<BoxedStrategy<Value>> = members.iter().map(|m| self.of_any(m, depth)).collect();
        parts.extend(own);
        parts
            .prop_map(|parts| {
                let mut merged = Map::new();
                // A member that is not an object (an annotation, a `$ref` alias) adds nothing.
                for part in parts {
                    if let Value::Object(fields) = part {
                        merged.extend(fields);
                    }
                }
                Value::Object(merged)
            })
            .boxed()
    }

    /// A value of one member; with a `discriminator`, the member's tag set as the service sends it.
    fn union(&self, members: &[ReferenceOr<Schema>], schema: &Schema, depth: usize) -> BoxedStrategy<Value> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        // Deep in a recursive schema, only the first member, which specs list as the way out.
        let members = if depth >= MAX_DEPTH { &members[..1] } else { members };
        let choices: Vec<BoxedStrategy<Value>> = members
            .iter()
            .map(|member| {
                let value = Values { undeclared: false, ..*self }.of_any(member, depth);
                let (Some(discriminator), ReferenceOr::Reference { reference }) = (discriminator, member) else {
                    return value;
                };
                let mapped = discriminator
                    .mapping
                    .iter()
                    .find(|(_, target)| *target == reference || format!("#/components/schemas/{target}") == *reference);
                let tag = match mapped {
                    Some((tag, _)) => Some(tag.clone()),
                    // A member that pins the property sends that value, which the value has already.
                    None if self.pins(reference, &discriminator.property_name) => None,
                    None => reference.rsplit('/').next().map(str::to_string),
                };
                let property = discriminator.property_name.clone();
                value
                    .prop_map(move |mut value| {
                        if let (Some(tag), Value::Object(map)) = (&tag, &mut value) {
                            map.insert(property.clone(), Value::String(tag.clone()));
                        }
                        value
                    })
                    .boxed()
            })
            .collect();
        proptest::strategy::Union::new(choices).boxed()
    }

    /// Whether the component at `reference` pins `property` to listed values.
    fn pins(&self, reference: &str, property: &str) -> bool {
        let Some(schema) = self.resolve(reference) else { return false };
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => &o.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return false,
        };
        match properties.get(property) {
            Some(ReferenceOr::Item(p)) => match &p.schema_kind {
                SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
                SchemaKind::Any(any) => !any.enumeration.is_empty(),
                _ => false,
            },
            _ => false,
        }
    }
}

/// The values an integer `format` can hold, as far as these values go.
fn integer_range(format: &VariantOrUnknownOrEmpty<openapiv3::IntegerFormat>) -> (i64, i64) {
    match format {
        VariantOrUnknownOrEmpty::Unknown(f) => match f.as_str() {
            "int8" => (i64::from(i8::MIN), i64::from(i8::MAX)),
            "int16" => (i64::from(i16::MIN), i64::from(i16::MAX)),
            "uint8" => (0, i64::from(u8::MAX)),
            "uint16" => (0, i64::from(u16::MAX)),
            "uint32" | "uint64" | "uint" => (0, i64::MAX),
            _ => (i64::MIN, i64::MAX),
        },
        _ => (i64::MIN, i64::MAX),
    }
}

fn one_of_listed(values: Vec<Value>) -> BoxedStrategy<Value> {
    prop::sample::select(values).boxed()
}

/// Strings a `format` accepts; any text when it names none the generator treats specially.
fn strings(
    format: &VariantOrUnknownOrEmpty<StringFormat>,
    min_length: Option<usize>,
    formats: Formats,
) -> BoxedStrategy<Value> {
    let fixed = |values: &[&str]| one_of_listed(values.iter().map(|v| json!(v)).collect());
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) if formats == Formats::Typed => {
            fixed(&["2024-01-01T00:00:00Z", "2026-04-28T10:30:45.123Z", "1999-12-31T23:59:59.999999Z"])
        }
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
            fixed(&["2024-01-01T00:00:00Z", "2026-04-28T12:30:45.123+02:00", "1999-12-31T23:59:59.999999Z"])
        }
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => fixed(&["2024-01-01", "2026-04-28"]),
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => fixed(&["", "AA==", "aGVsbG8="]),
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => {
            fixed(&["00000000-0000-4000-8000-000000000000", "123e4567-e89b-42d3-a456-426614174000"])
        }
        _ => {
            let least = min_length.unwrap_or(0);
            prop::string::string_regex(&format!("[a-zA-Z0-9 _.\\-é\"\\\\]{{{least},{}}}", least + 8))
                .expect("a valid regex")
                .prop_map(Value::String)
                .boxed()
        }
    }
}

/// Scalar JSON values, for free-form places.
fn scalars() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-100i64..100).prop_map(|n| json!(n)),
        "[a-z]{0,6}".prop_map(Value::String),
    ]
    .boxed()
}

/// Whether a schema is `not: {}` (how the loader lowers 3.1's `false`), which no value is valid
/// against.
fn admits_nothing(schema: &ReferenceOr<Box<Schema>>) -> bool {
    let ReferenceOr::Item(schema) = schema else { return false };
    let SchemaKind::Not { not } = &schema.schema_kind else { return false };
    matches!(not.as_ref(), ReferenceOr::Item(inner) if matches!(&inner.schema_kind, SchemaKind::Any(any) if *any == Default::default()))
}
