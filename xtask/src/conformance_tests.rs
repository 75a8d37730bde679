//! `cargo xtask conformance` end to end: records raised through the runtime's own reporting
//! functions, as decoders and the call loop raise them, are reviewed against a spec; the overlay
//! drafted from them, applied by the generator's overlay loader, gives a model that declares
//! what was seen, so the same records no longer deviate.

use std::sync::Arc;

use codegen::deviation::{self, Deviation, DeviationKind, DeviationSink, JsonLines};
use codegen::load::OverlaySource;
use codegen::model::{Presence, StatusMatch, TypeKind, TypeRef};
use serde_json::json;

use super::*;

const SPEC: &str = r##"openapi: 3.0.3
info: {title: Keys, version: "1"}
paths:
  /keys/{id}:
    get:
      operationId: getKey
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: The key.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Key"}
components:
  schemas:
    Key:
      type: object
      required: [id, expires_at]
      properties:
        id: {type: string}
        expires_at: {type: string, nullable: true}
        status: {$ref: "#/components/schemas/Status"}
        owner:
          type: object
          properties:
            name: {type: string}
    Status:
      type: string
      enum: [active, revoked]
"##;

const OPERATION: &str = "/paths/~1keys~1{id}/get";

fn spec(overlay: Option<String>) -> SpecInput {
    let overlay = overlay.map(|text| OverlaySource { file: "specs/keys.overlay.yaml".into(), text });
    SpecInput { file: "specs/keys.yaml".into(), text: SPEC.into(), settings: Default::default(), overlay, path: None }
}

/// What `still_deviates` compares a record with: the spec's model and its document, both with
/// its overlay.
fn modelled(spec: &SpecInput) -> (Api, Value) {
    (codegen::build_api(spec).unwrap(), spec.document().unwrap().0)
}

/// The traffic of a service ahead of its spec, reported as the runtime reports it, written as
/// JSON lines by the runtime's `JsonLines`.
fn recorded_traffic() -> String {
    let lines = Arc::new(JsonLines::new(Vec::new()));
    let sink: Arc<dyn DeviationSink> = lines.clone();
    let undeclared = |property: &str| DeviationKind::UndeclaredProperty { property: property.into() };
    // Two responses of getKey, decoded with the sink listening.
    for (region, labels) in [(json!("eu"), json!({"team": "a"})), (json!(null), json!({}))] {
        deviation::observe_operation(Some(&sink), "keys", "getKey", 200, || {
            assert!(deviation::listening());
            deviation::report(undeclared("region"), Some("region"), "/components/schemas/Key", Some(&region));
            deviation::report(undeclared("labels"), Some("labels"), "/components/schemas/Key", Some(&labels));
            let missing = DeviationKind::MissingProperty { property: "expires_at".into() };
            deviation::report(missing, None, "/components/schemas/Key", None);
            let unknown = DeviationKind::UnknownEnumValue { value: "suspended".into() };
            deviation::report(unknown, None, "/components/schemas/Status", None);
            deviation::report(
                undeclared("since"),
                Some("since"),
                "/components/schemas/Key/properties/owner",
                Some(&json!(2019)),
            );
        });
    }
    assert!(!deviation::listening(), "the scope ends with the decoding");
    deviation::report(undeclared("ignored"), None, "/x", None);
    // What the call loop sees itself.
    let responses = format!("{OPERATION}/responses");
    sink.record(
        Deviation::new("keys", "getKey", Some(404), DeviationKind::UndeclaredStatus, &responses)
            .with_seen(&json!({"message": "no such key"})),
    );
    let csv = DeviationKind::UndeclaredMediaType { media_type: "text/csv".into() };
    sink.record(Deviation::new("keys", "getKey", Some(200), csv, &format!("{responses}/200/content")));
    let mismatch = DeviationKind::MismatchedBody { reason: "`id` is a number".into() };
    sink.record(Deviation::new("keys", "getKey", Some(200), mismatch, "/components/schemas/Key"));
    drop(sink);
    let lines = Arc::into_inner(lines).expect("the only holder").into_inner();
    String::from_utf8(lines).unwrap()
}

#[test]
fn records_carry_the_call_and_the_payload_pointer() {
    let records = parse_records("records.jsonl", &recorded_traffic()).unwrap();
    assert_eq!(records.len(), 13, "the report made outside a scope went nowhere");
    assert_eq!(
        serde_json::to_value(&records[0]).unwrap(),
        json!({"api": "keys", "operation": "getKey", "status": 200, "kind": "undeclared_property", "property": "region",
               "payload_pointer": "/region", "spec_pointer": "/components/schemas/Key",
               "seen": {"type": "string", "excerpt": "\"eu\""}})
    );
    assert_eq!(records[4].payload_pointer, "/since", "a key reported at the body's root");
    assert_eq!(records[5].seen.as_ref().unwrap().json_type, codegen::deviation::JsonType::Null);
}

#[test]
fn the_drafted_overlay_makes_the_spec_say_what_the_service_does() {
    let records = parse_records("records.jsonl", &recorded_traffic()).unwrap();
    let records: Vec<&Deviation> = records.iter().collect();
    let before = spec(None);
    let (api, document) = modelled(&before);
    assert!(records.iter().all(|r| still_deviates(&api, &document, r)), "each record is news to the spec");

    let conformance = review(&before, &records).unwrap();
    let report = &conformance.report;
    assert!(report.starts_with("specs/keys.yaml (module keys): 13 records\n"), "{report}");
    assert!(
        report.contains(
            "undeclared property `region` of /components/schemas/Key: null or string, e.g. \"eu\" (seen 2 times: \
             getKey 200 at /region) -> drafted"
        ),
        "{report}"
    );
    assert!(report.contains("body that does not match /components/schemas/Key: `id` is a number"), "{report}");
    assert!(report.contains("-> review: which of the spec and the service is right needs a judgement"), "{report}");
    let overlay = conformance.overlay.expect("a draft");
    assert!(overlay.starts_with("# Drafted by `cargo xtask conformance` from 13 deviation records"), "{overlay}");
    assert!(overlay.contains("target: $['components']['schemas']['Key']\n"), "{overlay}");
    assert!(overlay.contains("target: $['components']['schemas']['Key']['required'][?@ == 'expires_at']"), "{overlay}");
    assert!(
        report.contains(
            "undeclared media type `text/csv` in /paths/~1keys~1{id}/get/responses/200/content (seen once: getKey \
             200) -> review: "
        ),
        "{report}"
    );
    assert_eq!(conformance.actions, 5, "Key's properties in one action; its owner, the enum, required, responses");

    let after = spec(Some(overlay));
    let (api, document) = modelled(&after);
    let still: Vec<&DeviationKind> =
        records.iter().filter(|r| still_deviates(&api, &document, r)).map(|r| &r.kind).collect();
    assert_eq!(
        still,
        [
            &DeviationKind::UndeclaredMediaType { media_type: "text/csv".into() },
            &DeviationKind::MismatchedBody { reason: "`id` is a number".into() }
        ],
        "what was reported for review only"
    );

    // What the regenerated model declares, as the records saw it.
    let key = api.types.iter().find(|d| d.origin == "/components/schemas/Key").unwrap();
    let TypeKind::Struct { fields, .. } = &key.kind else { panic!("Key is a struct") };
    let field = |wire: &str| fields.iter().find(|f| f.wire_name == wire).unwrap_or_else(|| panic!("no {wire}"));
    assert_eq!((&field("region").ty, field("region").presence), (&TypeRef::String, Presence::OptionalNullable));
    assert_eq!(field("labels").ty, TypeRef::JsonObject);
    assert_eq!(field("expires_at").presence, Presence::OptionalNullable);
    let status = api.types.iter().find(|d| d.origin == "/components/schemas/Status").unwrap();
    let TypeKind::StringEnum { values } = &status.kind else { panic!("Status is an enum") };
    assert!(values.iter().any(|v| v.wire == "suspended"));
    let op = &api.operations[0];
    assert!(op.errors.iter().any(|case| case.status == StatusMatch::Code(404)));
    assert!(op.other_media.is_empty(), "a media type is never drafted: {:?}", op.other_media);
    let review_again = review(&after, &records).unwrap();
    assert!(review_again.overlay.is_none(), "nothing left to draft");
    assert!(review_again.report.contains("11 records of what the spec now says"), "{}", review_again.report);
}

#[test]
fn the_command_writes_a_draft_per_spec_and_skips_unknown_apis() {
    let root = std::env::temp_dir().join(format!("xtask-conformance-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("specs")).unwrap();
    std::fs::write(root.join("specs/keys.yaml"), SPEC).unwrap();
    let other = Deviation::new("elsewhere", "op", None, DeviationKind::UndeclaredStatus, "/paths");
    let records = format!("{}\n{}\n", recorded_traffic(), serde_json::to_string(&other).unwrap());
    std::fs::write(root.join("records.jsonl"), records).unwrap();
    assert!(run(&root, &root.join("records.jsonl"), None).unwrap());
    let draft = std::fs::read_to_string(root.join("target/conformance/keys.overlay.yaml")).unwrap();
    assert!(draft.contains("overlay: 1.0.0"), "{draft}");
    std::fs::write(root.join("bad.jsonl"), "{\"api\": 1}\n").unwrap();
    let error = run(&root, &root.join("bad.jsonl"), None).unwrap_err().to_string();
    assert!(error.contains("bad.jsonl:1: not a deviation record"), "{error}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn paths_and_schemas_are_written_as_the_overlay_reads_them() {
    let document = json!({"paths": {"/a/{id}": {"get": {"x": [{"y": 1}]}}}, "it's": {}});
    assert_eq!(json_path(&document, "/paths/~1a~1{id}/get/x/0/y"), "$['paths']['/a/{id}']['get']['x'][0]['y']");
    assert_eq!(json_path(&document, "/it's"), "$['it\\'s']");
    let types = |list: &[JsonType]| list.iter().copied().collect::<BTreeSet<_>>();
    assert_eq!(schema_of(&types(&[JsonType::Integer, JsonType::Number]), false), json!({"type": "number"}));
    assert_eq!(
        schema_of(&types(&[JsonType::Array, JsonType::Null]), true),
        json!({"type": ["array", "null"], "items": {}})
    );
    assert_eq!(schema_of(&types(&[JsonType::Null]), false), json!({"nullable": true}));
    assert_eq!(schema_of(&types(&[JsonType::String, JsonType::Object]), false), json!({}));
}

/// The records a generated client wrote against a loopback service that drifted from the `drift`
/// fixture (fixture-tests/tests/drift.rs checks they are what it writes), reviewed: the drafted
/// overlay, applied, gives a model that declares everything drafted, and only the record left
/// for review (a JSON body labelled `text/plain`) still deviates. The draft is kept as the
/// `drift_overlaid` fixture's overlay, whose client the same test runs the same traffic through.
#[test]
fn records_a_generated_client_wrote_draft_the_overlay_of_the_drift_fixture() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/golden");
    let read = |path: &str| std::fs::read_to_string(golden.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (spec_text, records) = (read("drift/spec.yaml"), read("drift/records.jsonl"));
    assert_eq!(read("drift_overlaid/spec.yaml"), spec_text, "drift_overlaid is the drift spec with the overlay");
    let records = parse_records("drift/records.jsonl", &records).unwrap();
    let records: Vec<&Deviation> = records.iter().collect();
    let before = SpecInput {
        file: "drift/spec.yaml".into(),
        text: spec_text.clone(),
        settings: Default::default(),
        overlay: None,
        path: None,
    };
    let conformance = review(&before, &records).unwrap();
    assert!(conformance.report.contains("5 records"), "{}", conformance.report);
    assert_eq!(conformance.actions, 4, "a property, an optional field, an enum value, a status; not the media type");
    let overlay = conformance.overlay.expect("a draft");
    let kept = golden.join("drift_overlaid/spec.overlay.yaml");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&kept, &overlay).unwrap();
    }
    assert_eq!(read("drift_overlaid/spec.overlay.yaml"), overlay, "accept with UPDATE_GOLDEN=1 cargo test -p xtask");

    let file = "drift_overlaid/spec.overlay.yaml".to_string();
    let after = SpecInput { overlay: Some(OverlaySource { file, text: overlay }), ..before };
    let (api, document) = modelled(&after);
    let still: Vec<&DeviationKind> =
        records.iter().filter(|r| still_deviates(&api, &document, r)).map(|r| &r.kind).collect();
    let media_type = DeviationKind::UndeclaredMediaType { media_type: "text/plain".into() };
    assert_eq!(still, [&media_type], "the overlaid spec says all that was drafted; the media type was for review");
}

#[test]
fn a_media_type_is_declared_by_itself_or_by_a_range() {
    assert!(declares("Text/Plain; charset=utf-8", "text/plain"));
    assert!(declares("text/*", "text/plain") && declares("*/*", "image/png"));
    assert!(!declares("text/csv", "text/plain") && !declares("image/*", "text/plain"));
}
