//! What a reviewer sees when a vendor's spec changes: the diff of the generated code. A
//! wire-compatible edit that adds one optional property to the middle of a schema must read as
//! one small change, not a renumbering: at most three hunks in the generated Rust (the field,
//! its setter, its line in the codec table) and none outside `types.rs` and `codec.rs`.

use codegen::{CrateConfig, SpecInput};

/// An API whose `Order` is read, listed, created and replaced, with required and optional
/// fields of several kinds; `{added}` is where the new property goes, mid-struct.
const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Orders, version: "1.0"}
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200":
          description: The orders.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Order"}}
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
        "409":
          description: A conflict.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Problem"}
  /orders/{id}:
    put:
      operationId: replaceOrder
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
      responses:
        "200":
          description: Replaced.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
components:
  schemas:
    Problem:
      type: object
      required: [title]
      properties:
        title: {type: string}
        detail: {type: string}
    Order:
      type: object
      required: [id, customer, lines]
      properties:
        id: {type: string}
        customer: {type: string, description: Who placed the order.}
        lines:
          type: array
          items: {type: object, properties: {sku: {type: string}, quantity: {type: integer}}}
        note: {type: string, nullable: true}
        placed_at: {type: string, format: date-time}
{added}        status: {type: string, enum: [open, shipped, closed]}
        total: {type: number}
        tags: {type: array, items: {type: string}}
        owner: {$ref: "#/components/schemas/Problem"}
"##;

fn generate(added: &str) -> Vec<codegen::GeneratedFile> {
    generate_spec(SPEC.replace("{added}", added))
}

fn generate_spec(text: String) -> Vec<codegen::GeneratedFile> {
    let input = SpecInput { file: "orders.yaml".into(), text, settings: Default::default(), overlay: None, path: None };
    let config = CrateConfig { package: "orders".into(), version: "0.1.0".into(), description: None, standalone: true };
    codegen::generate(&config, &[input], "review diff test").expect("the spec generates").files
}

/// The hunks (three lines of context, as `git diff` shows them) of each generated Rust file that
/// changed between `before` and `after`.
fn rust_hunks(before: &[codegen::GeneratedFile], after: &[codegen::GeneratedFile]) -> Vec<(String, usize)> {
    after
        .iter()
        .filter(|file| file.path.ends_with(".rs") && !file.path.starts_with("src/runtime/"))
        .filter_map(|file| {
            let old = before.iter().find(|old| old.path == file.path).map_or("", |old| old.contents.as_str());
            let diff = similar::TextDiff::from_lines(old, file.contents.as_str());
            let hunks = diff.unified_diff().context_radius(3).iter_hunks().count();
            (hunks > 0).then(|| (file.path.clone(), hunks))
        })
        .collect()
}

#[test]
fn an_optional_property_added_mid_struct_is_at_most_three_hunks() {
    let before = generate("");
    for added in [
        "        discount: {type: number, description: Taken off the total.}\n",
        "        carrier: {type: string, nullable: true}\n",
        "        labels: {type: array, items: {type: string}}\n",
        "        reviewer: {$ref: \"#/components/schemas/Problem\"}\n",
    ] {
        let after = generate(added);
        let hunks = rust_hunks(&before, &after);
        let total: usize = hunks.iter().map(|(_, n)| n).sum();
        assert!(total > 0, "adding {added:?} changed no generated Rust");
        let outside: Vec<&(String, usize)> =
            hunks.iter().filter(|(path, _)| !path.ends_with("/types.rs") && !path.ends_with("/codec.rs")).collect();
        assert!(total <= 3 && outside.is_empty(), "adding {added:?} gave {total} hunks: {hunks:?}");
    }
}

#[test]
fn a_required_property_added_changes_the_constructor_too() {
    // The counterpart that must show: a new required field is a new argument of `new` (a
    // breaking change the change report names), not hidden in the codec table.
    let before = generate("");
    let after = generate_spec(
        SPEC.replace("required: [id, customer, lines]", "required: [id, customer, lines, currency]")
            .replace("{added}", "        currency: {type: string}\n"),
    );
    let hunks = rust_hunks(&before, &after);
    let types = after.iter().find(|file| file.path.ends_with("/types.rs")).expect("types.rs");
    assert!(types.contents.contains("currency: impl Into<String>"), "new takes the required field");
    assert!(hunks.iter().any(|(path, _)| path.ends_with("/types.rs")), "{hunks:?}");
}
