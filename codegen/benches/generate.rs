//! Generation speed: every vendored and corpus spec end to end and stage by stage, and a
//! synthetic spec at growing sizes to show how cost scales.
//!
//! `cargo bench -p codegen --bench generate`; the median is the figure to quote, and the
//! throughput line under it is MB of spec text per second. Peak memory is the `memory` bench.

mod common;

use codegen::{CrateConfig, SpecInput, emit, format, load, model};
use common::{COMMAND, SPECS, config, generate, input};
use divan::{Bencher, counter::BytesCount};

/// Path items in the synthetic spec: two operations and one component schema each.
const SYNTHETIC_PATHS: &[usize] = &[100, 200, 400, 800, 1600];

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn spec_bytes(spec: &str) -> BytesCount {
    BytesCount::new(input(spec).text.len())
}

/// What `cargo xtask regenerate` does for one spec, in memory: every stage, client and calls,
/// with emit and format spread over the machine's cores.
#[divan::bench(args = SPECS)]
fn end_to_end(bencher: Bencher, spec: &str) {
    let input = input(spec);
    bencher.counter(spec_bytes(spec)).bench(|| generate(input));
}

mod stage {
    use super::*;

    fn parsed(spec: &str) -> serde_json::Value {
        let input = input(spec);
        load::parse_document(&input.file, &input.text).expect("the spec parses")
    }

    fn loaded(spec: &str) -> load::LoadedSpec {
        let input = input(spec);
        load::load_with_overlay(&input.file, &input.text, input.overlay.as_ref()).expect("the spec loads")
    }

    fn built(spec: &str) -> model::Api {
        codegen::build_api(input(spec)).expect("the spec models")
    }

    /// Every file of the crate and of the end-to-end calls, one after another.
    fn planned<'a>(config: &'a CrateConfig, apis: &'a [model::Api]) -> impl Iterator<Item = emit::PlannedFile<'a>> {
        emit::plan_crate(config, apis).into_iter().chain(emit::plan_calls(config, apis))
    }

    /// YAML or JSON text into a JSON value tree.
    #[divan::bench(args = SPECS)]
    fn parse(bencher: Bencher, spec: &str) {
        let input = input(spec);
        bencher.counter(spec_bytes(spec)).bench(|| load::parse_document(&input.file, &input.text));
    }

    /// 3.1 into the 3.0 shape; the pipeline runs it on 3.1 documents only (Devin, Prefect).
    #[divan::bench(args = SPECS)]
    fn lower(bencher: Bencher, spec: &str) {
        let document = parsed(spec);
        bencher.counter(spec_bytes(spec)).with_inputs(|| document.clone()).bench_local_values(|mut document| {
            load::lower_3_1(&mut document);
            document
        });
    }

    /// The value tree into `openapiv3`'s typed document.
    #[divan::bench(args = SPECS)]
    fn read(bencher: Bencher, spec: &str) {
        let mut document = parsed(spec);
        load::lower_3_1(&mut document);
        bencher
            .counter(spec_bytes(spec))
            .with_inputs(|| document.clone())
            .bench_local_values(|document| load::read_openapi(spec, document));
    }

    /// The typed document into the IR: names, types, operations, security.
    #[divan::bench(args = SPECS)]
    fn model(bencher: Bencher, spec: &str) {
        let input = input(spec);
        let loaded = loaded(spec);
        bencher.counter(spec_bytes(spec)).bench(|| model::build(&loaded, &input.module(), &input.settings));
    }

    /// The IR into token streams (and the text of laid items and codec tables), dropped as they come: the crate's files and the end-to-end
    /// calls, on one thread.
    #[divan::bench(args = SPECS)]
    fn emit(bencher: Bencher, spec: &str) {
        let (config, apis) = (config(), [built(spec)]);
        bencher.counter(spec_bytes(spec)).bench(|| {
            let mut tokens = 0;
            for file in planned(&config, &apis) {
                if let emit::FileContent::Rust(rust) = file.emit().content {
                    tokens += rust.head.into_iter().count();
                    tokens += rust
                        .items
                        .emit(0..rust.items.len())
                        .map(|item| match item {
                            emit::Item::Tokens(tokens) => tokens.into_iter().count(),
                            // Laid out by the emitter: counted as it is written.
                            emit::Item::Text(text) => text.len(),
                            emit::Item::Laid(laid) => laid
                                .pieces
                                .into_iter()
                                .map(|piece| match piece {
                                    emit::Piece::Text(text) | emit::Piece::Items { text, .. } => text.len(),
                                    emit::Piece::Tokens { tokens, .. } => tokens.into_iter().count(),
                                })
                                .sum(),
                        })
                        .sum::<usize>();
                }
            }
            tokens
        });
    }

    /// The IR into formatted text, on one thread: formatting (syn + prettyplease) takes each item
    /// as it is emitted, so the two stages are measured together; format alone (with the noting
    /// of imports) is about this less `emit`.
    #[divan::bench(args = SPECS)]
    fn emit_and_format(bencher: Bencher, spec: &str) {
        let (config, apis) = (config(), [built(spec)]);
        let preamble = format::preamble(COMMAND);
        bencher.counter(spec_bytes(spec)).bench(|| {
            planned(&config, &apis)
                .map(|file| format::format_file(file.emit(), &preamble))
                .collect::<Result<Vec<_>, _>>()
        });
    }
}

/// The same spec shape at growing sizes: time per path should stay flat if every step is linear.
#[divan::bench(args = SYNTHETIC_PATHS)]
fn scaling(bencher: Bencher, paths: usize) {
    let text = synthetic_spec(paths);
    let input =
        SpecInput { file: "synthetic.json".into(), text, settings: Default::default(), overlay: None, path: None };
    bencher.counter(divan::counter::ItemsCount::new(paths)).bench(|| generate(&input));
}

/// `paths` path items, each with a GET (path, query parameters, a 404) and a POST (a JSON body),
/// and one component schema each that refers to the previous one, with an inline enum and a map.
fn synthetic_spec(paths: usize) -> String {
    let mut path_items = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Problem".into(),
        serde_json::json!({"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}),
    );
    for k in 0..paths {
        let thing = format!("Thing{k}");
        let reference = serde_json::json!({"$ref": format!("#/components/schemas/{thing}")});
        let json = |schema: &serde_json::Value| serde_json::json!({"application/json": {"schema": schema}});
        let problem = json(&serde_json::json!({"$ref": "#/components/schemas/Problem"}));
        path_items.insert(
            format!("/things{k}/{{id}}"),
            serde_json::json!({
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {
                    "operationId": format!("get_thing_{k}"),
                    "summary": format!("Reads thing {k}."),
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}},
                        {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": json(&reference)},
                        "404": {"description": "missing", "content": problem},
                    },
                },
                "post": {
                    "operationId": format!("create_thing_{k}"),
                    "requestBody": {"required": true, "content": json(&reference)},
                    "responses": {"201": {"description": "created", "content": json(&reference)}},
                },
            }),
        );
        let mut properties = serde_json::json!({
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "description": "What the thing is called."},
            "tags": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "string", "enum": ["active", "paused", "gone"]},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "size": {"type": "integer", "format": "int64", "nullable": true},
        });
        if k > 0 {
            properties["previous"] = serde_json::json!({"$ref": format!("#/components/schemas/Thing{}", k - 1)});
        }
        schemas
            .insert(thing, serde_json::json!({"type": "object", "required": ["id", "name"], "properties": properties}));
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1"},
        "paths": path_items,
        "components": {"schemas": schemas},
    })
    .to_string()
}
