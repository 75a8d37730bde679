//! `cargo xtask conformance <records.jsonl> [--out <dir>]`: what the services do that their specs
//! do not say, from the deviation records a client wrote (the runtime's `Deviation`, one JSON
//! object a line, as `runtime::JsonLines` writes them), and per spec an OpenAPI Overlay 1.0
//! draft that would make the spec say it: a property added with the type seen, a required
//! property the service omits made optional, an enum widened, a status declared. The draft is for
//! a maintainer to review and keep as `specs/<stem>.overlay.yaml`; what needs a judgement (a body
//! that does not match its status's schema, a union value no member takes, a media type the
//! response does not declare) is reported, never drafted, so that every drafted action only
//! makes the client accept what it was seen to accept.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use codegen::SpecInput;
use codegen::deviation::{Deviation, DeviationKind, JsonType};
use codegen::load::SpecVersion;
use codegen::model::{Api, StatusMatch, TypeKind};
use serde_json::{Map, Value, json};

/// Reads the records, prints what each spec does not say, and writes each spec's overlay draft
/// into `out` (by default `target/conformance/`). Records that cannot all be read are an error
/// naming the line; a finding is never a failure, so the result is always true.
pub fn run(root: &Path, records: &Path, out: Option<&Path>) -> Result<bool> {
    let text = std::fs::read_to_string(records).with_context(|| format!("reading {}", records.display()))?;
    let records = parse_records(&records.display().to_string(), &text)?;
    let specs = crate::specs::read_specs(root)?;
    let out = out.map_or_else(|| root.join("target/conformance"), Path::to_path_buf);
    let mut by_api: BTreeMap<&str, Vec<&Deviation>> = BTreeMap::new();
    for record in &records {
        by_api.entry(record.api.as_str()).or_default().push(record);
    }
    for (api, records) in by_api {
        let Some(spec) = specs.iter().find(|s| s.module().as_str() == api) else {
            outln!("{} records for the API `{api}`, which no spec in specs/ generates: skipped", records.len());
            continue;
        };
        let conformance = review(spec, &records)?;
        out!("{}", conformance.report);
        if let Some(overlay) = &conformance.overlay {
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let path = out.join(format!("{}.overlay.yaml", spec.stem()));
            std::fs::write(&path, overlay).with_context(|| format!("writing {}", path.display()))?;
            let keep = match &spec.overlay {
                Some(existing) => format!("append its actions to {}", existing.file),
                None => format!("keep it as specs/{}.overlay.yaml", spec.stem()),
            };
            // Under the project, the path as a maintainer types it.
            let shown = path.strip_prefix(root).unwrap_or(&path);
            outln!("  overlay draft: {} ({} actions); review it, then {keep}\n", shown.display(), conformance.actions);
        } else {
            outln!("  nothing to draft\n");
        }
    }
    Ok(true)
}

/// One record a line; blank lines skipped. A line that is not a record is an error naming it.
pub fn parse_records(file: &str, text: &str) -> Result<Vec<Deviation>> {
    let mut records = Vec::new();
    for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match serde_json::from_str(line) {
            Ok(record) => records.push(record),
            Err(e) => bail!("{file}:{}: not a deviation record: {e}", index + 1),
        }
    }
    Ok(records)
}

/// What one spec's records say: the report to print, and the overlay draft when there is
/// something to draft.
pub struct Conformance {
    pub report: String,
    pub overlay: Option<String>,
    pub actions: usize,
}

/// One thing the service does that the spec does not say, with every record of it.
struct Finding<'a> {
    kind: &'a DeviationKind,
    spec_pointer: &'a str,
    /// The status, for an undeclared one (the key of the finding).
    status: Option<u16>,
    records: Vec<&'a Deviation>,
}

impl Finding<'_> {
    fn seen_types(&self) -> BTreeSet<JsonType> {
        self.records.iter().filter_map(|r| r.seen.as_ref()).map(|s| s.json_type).collect()
    }

    fn describe(&self) -> String {
        let at = self.spec_pointer;
        let what = match self.kind {
            DeviationKind::UndeclaredProperty { property } => format!("undeclared property `{property}` of {at}"),
            DeviationKind::MissingProperty { property } => format!("required property `{property}` of {at} absent"),
            DeviationKind::MismatchedBody { reason } => format!("body that does not match {at}: {reason}"),
            DeviationKind::UndeclaredStatus => {
                format!("undeclared status {} in {at}", self.status.map_or("?".into(), |s| s.to_string()))
            }
            DeviationKind::UnknownEnumValue { value } => format!("value `{value}` not in the enum {at}"),
            DeviationKind::UnknownVariant { tag: Some(tag) } => format!("union tag `{tag}` no member of {at} has"),
            DeviationKind::UnknownVariant { tag: None } => format!("a value no member of the union {at} takes"),
            DeviationKind::UndeclaredMediaType { media_type } => {
                format!("undeclared media type `{media_type}` in {at}")
            }
        };
        let mut calls: Vec<String> = self
            .records
            .iter()
            .map(|r| {
                let status = r.status.map(|s| format!(" {s}")).unwrap_or_default();
                let payload =
                    if r.payload_pointer.is_empty() { String::new() } else { format!(" at {}", r.payload_pointer) };
                format!("{}{status}{payload}", r.operation)
            })
            .collect();
        let mut listed = BTreeSet::new();
        calls.retain(|call| listed.insert(call.clone()));
        calls.truncate(3);
        let types: Vec<&str> = self.seen_types().into_iter().map(type_name).collect();
        let example = self.records.iter().find_map(|r| r.seen.as_ref()).map(|s| format!(", e.g. {}", s.excerpt));
        let seen = if types.is_empty() {
            String::new()
        } else {
            format!(": {}{}", types.join(" or "), example.unwrap_or_default())
        };
        let times = match self.records.len() {
            1 => "once".to_string(),
            n => format!("{n} times"),
        };
        format!("{what}{seen} (seen {times}: {})", calls.join(", "))
    }
}

fn type_name(json_type: JsonType) -> &'static str {
    match json_type {
        JsonType::Null => "null",
        JsonType::Boolean => "boolean",
        JsonType::Integer => "integer",
        JsonType::Number => "number",
        JsonType::String => "string",
        JsonType::Array => "array",
        JsonType::Object => "object",
    }
}

/// Reviews one spec's records against the spec as it is now (with its overlay): what it already
/// says is set apart (the records are older than the spec), the rest reported and, where a
/// change of the spec follows from what was seen, drafted.
pub fn review(spec: &SpecInput, records: &[&Deviation]) -> Result<Conformance> {
    let api = codegen::build_api(spec)?;
    let (document, version) = spec.document()?;
    let version_3_1 = version == SpecVersion::V3_1;
    let mut findings: Vec<Finding> = Vec::new();
    let mut declared = 0;
    for &record in records {
        if !still_deviates(&api, &document, record) {
            declared += 1;
            continue;
        }
        let status = matches!(record.kind, DeviationKind::UndeclaredStatus).then_some(record.status).flatten();
        match findings
            .iter_mut()
            .find(|f| *f.kind == record.kind && f.spec_pointer == record.spec_pointer && f.status == status)
        {
            Some(finding) => finding.records.push(record),
            None => findings.push(Finding {
                kind: &record.kind,
                spec_pointer: &record.spec_pointer,
                status,
                records: vec![record],
            }),
        }
    }
    let mut report = format!("{} (module {}): {} records\n", spec.file, api.module, records.len());
    // Actions by target, in the order their findings come: one action per node of the spec.
    let mut actions: Vec<(String, Action)> = Vec::new();
    for finding in &findings {
        let drafted = draft(&document, version_3_1, finding);
        let verdict = match &drafted {
            Ok(_) => "drafted",
            Err(reason) => reason.as_str(),
        };
        let _ = writeln!(report, "  {} -> {verdict}", finding.describe());
        let Ok((target, action)) = drafted else { continue };
        // Updates of one node merge into one action; a removal stands alone.
        let Action::Update(update, more) = action else {
            actions.push((target, action));
            continue;
        };
        match actions.iter_mut().find_map(|(t, a)| match a {
            Action::Update(existing, description) if *t == target => Some((existing, description)),
            _ => None,
        }) {
            Some((existing, description)) => {
                merge(existing, update);
                description.push_str("; ");
                description.push_str(&more);
            }
            None => actions.push((target, Action::Update(update, more))),
        }
    }
    if declared > 0 {
        let records = if declared == 1 { "record" } else { "records" };
        let _ = writeln!(report, "  {declared} {records} of what the spec now says (recorded against an older spec)");
    }
    if actions.is_empty() {
        return Ok(Conformance { report, overlay: None, actions: 0 });
    }
    let overlay = json!({
        "overlay": "1.0.0",
        "info": {
            "title": format!("What the service does that {} does not say", spec.file),
            "version": "1",
        },
        "actions": actions.iter().map(|(target, action)| action.to_json(target)).collect::<Vec<_>>(),
    });
    let header = format!(
        "# Drafted by `cargo xtask conformance` from {} deviation records of {}.\n\
         # Review each action against the vendor's documentation before keeping it.\n",
        records.len(),
        spec.file
    );
    let yaml = serde_yaml::to_string(&overlay).context("writing the overlay as YAML")?;
    Ok(Conformance { report, overlay: Some(header + &yaml), actions: actions.len() })
}

/// One overlay action: an update to merge into the target, or the target removed.
enum Action {
    Update(Value, String),
    Remove(String),
}

impl Action {
    fn to_json(&self, target: &str) -> Value {
        match self {
            Action::Update(update, description) => {
                json!({"target": target, "description": description, "update": update})
            }
            Action::Remove(description) => json!({"target": target, "description": description, "remove": true}),
        }
    }
}

/// Objects merge key by key, arrays append (as the overlay applies them).
fn merge(into: &mut Value, more: Value) {
    match (into, more) {
        (Value::Object(into), Value::Object(more)) => {
            for (key, value) in more {
                match into.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(into), Value::Array(more)) => into.extend(more),
        (slot, value) => *slot = value,
    }
}

/// The action that makes the spec say what `finding` saw, with its JSONPath target; or why
/// there is none.
fn draft(document: &Value, version_3_1: bool, finding: &Finding) -> Result<(String, Action), String> {
    let pointer = finding.spec_pointer;
    let node = document.pointer(pointer).ok_or_else(|| format!("not drafted: the spec has no node at {pointer}"))?;
    let target = json_path(document, pointer);
    let operations: BTreeSet<&str> = finding.records.iter().map(|r| r.operation.as_str()).collect();
    let operations: Vec<&str> = operations.into_iter().collect();
    let seen_in = format!("seen in responses of {}", operations.join(", "));
    match finding.kind {
        DeviationKind::UndeclaredProperty { property } => {
            let schema = schema_of(&finding.seen_types(), version_3_1);
            let description = format!("Add `{property}`, {seen_in}.");
            Ok((target, Action::Update(json!({"properties": {property: schema}}), description)))
        }
        DeviationKind::MissingProperty { property } => {
            let required = node.get("required").and_then(Value::as_array);
            if !required.is_some_and(|r| r.iter().any(|p| p == property.as_str())) {
                return Err(format!(
                    "not drafted: `{property}` is required elsewhere than {pointer} (an `allOf` member?)"
                ));
            }
            let target = format!("{target}['required'][?@ == {}]", quoted(property));
            Ok((target, Action::Remove(format!("`{property}` is not always there: make it optional; {seen_in}."))))
        }
        DeviationKind::UnknownEnumValue { value } => {
            if node.get("enum").is_none() {
                return Err(format!("not drafted: {pointer} has no `enum`"));
            }
            Ok((target, Action::Update(json!({"enum": [value]}), format!("Add `{value}` to the enum, {seen_in}."))))
        }
        DeviationKind::UndeclaredStatus => {
            let status = finding.status.map_or_else(|| "default".to_string(), |s| s.to_string());
            let mut response = Map::new();
            response.insert("description".into(), json!(format!("Not in the vendor's spec; {seen_in}.")));
            let types = finding.seen_types();
            if !types.is_empty() {
                response
                    .insert("content".into(), json!({"application/json": {"schema": schema_of(&types, version_3_1)}}));
            }
            let description = format!("Declare status {status}, {seen_in}.");
            Ok((target, Action::Update(json!({ status: Value::Object(response) }), description)))
        }
        // Declaring another media type beside the one the client decodes changes what `send`
        // does with it (a JSON body labelled `text/plain`, declared, would be left undecoded).
        DeviationKind::UndeclaredMediaType { .. } => Err(
            "review: declaring the media type changes how `send` reads such answers (a JSON body declared as another type is left undecoded)"
                .into(),
        ),
        DeviationKind::MismatchedBody { .. } | DeviationKind::UnknownVariant { .. } => {
            Err("review: which of the spec and the service is right needs a judgement".to_string())
        }
    }
}

/// The schema of a value seen with these JSON types: the type, nullable when `null` was seen
/// too; integers and numbers as numbers; anything else any value.
fn schema_of(types: &BTreeSet<JsonType>, version_3_1: bool) -> Value {
    let nullable = types.contains(&JsonType::Null);
    let mut others: BTreeSet<JsonType> = types.iter().copied().filter(|t| *t != JsonType::Null).collect();
    if others.contains(&JsonType::Number) {
        others.remove(&JsonType::Integer);
    }
    let one = match others.len() {
        0 if nullable => None,
        1 => others.first().copied(),
        _ => return json!({}),
    };
    let mut schema = Map::new();
    match (one, nullable, version_3_1) {
        (None, _, true) => {
            schema.insert("type".into(), json!("null"));
        }
        (None, _, false) => {
            schema.insert("nullable".into(), json!(true));
        }
        (Some(t), true, true) => {
            schema.insert("type".into(), json!([type_name(t), "null"]));
        }
        (Some(t), nullable, _) => {
            schema.insert("type".into(), json!(type_name(t)));
            if nullable {
                schema.insert("nullable".into(), json!(true));
            }
        }
    }
    if one == Some(JsonType::Array) {
        schema.insert("items".into(), json!({}));
    }
    Value::Object(schema)
}

/// The normalized JSONPath (RFC 9535) of the node at `pointer`: names quoted, array indices as
/// numbers.
fn json_path(document: &Value, pointer: &str) -> String {
    let mut path = String::from("$");
    let mut node = Some(document);
    for token in codegen::error::pointer_tokens(pointer) {
        match node {
            Some(Value::Array(items)) if token.parse::<usize>().is_ok() => {
                let _ = write!(path, "[{token}]");
                node = token.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            _ => {
                let _ = write!(path, "[{}]", quoted(&token));
                node = node.and_then(|n| n.get(&token));
            }
        }
    }
    path
}

/// A JSONPath string literal.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Whether the spec, as modelled now, still does not say what `record` saw. Mismatched bodies
/// and unknown union values always still deviate: only a person can tell.
pub fn still_deviates(api: &Api, document: &Value, record: &Deviation) -> bool {
    let def = api.types.iter().find(|d| d.origin == record.spec_pointer);
    match (&record.kind, def.map(|d| &d.kind)) {
        (DeviationKind::UndeclaredProperty { property }, Some(TypeKind::Struct { fields, tag, .. })) => {
            !fields.iter().any(|f| f.wire_name == *property) && tag.as_ref().is_none_or(|t| t.property != *property)
        }
        (DeviationKind::MissingProperty { property }, Some(TypeKind::Struct { fields, .. })) => {
            fields.iter().any(|f| f.wire_name == *property && f.presence.is_required())
        }
        (DeviationKind::UnknownEnumValue { value }, Some(TypeKind::StringEnum { values })) => {
            !values.iter().any(|v| v.wire == *value)
        }
        (DeviationKind::UndeclaredStatus, _) => {
            let Some(status) = record.status else { return true };
            let op = api.operations.iter().find(|op| format!("{}/responses", op.origin) == record.spec_pointer);
            !op.is_some_and(|op| {
                op.success.iter().chain(&op.errors).any(|case| match case.status {
                    StatusMatch::Code(code) => code == status,
                    StatusMatch::Range(hundreds) => u16::from(hundreds) == status / 100,
                    StatusMatch::Default => false,
                })
            })
        }
        (DeviationKind::UndeclaredMediaType { media_type }, _) => {
            let content = document.pointer(&record.spec_pointer).and_then(Value::as_object);
            !content.is_some_and(|content| content.keys().any(|declared| declares(declared, media_type)))
        }
        _ => true,
    }
}

/// Whether a `content` key declares `media_type` (as records give it: without parameters, in
/// lower case), itself or by a range (`text/*`, `*/*`), as the runtime checks it.
fn declares(declared: &str, media_type: &str) -> bool {
    let declared = declared.split(';').next().unwrap_or_default().trim();
    let kind = media_type.split('/').next().unwrap_or_default();
    declared.eq_ignore_ascii_case(media_type)
        || declared == "*/*"
        || declared.strip_suffix("/*").is_some_and(|range| range.eq_ignore_ascii_case(kind))
}

#[cfg(test)]
#[path = "conformance_tests.rs"]
mod tests;
