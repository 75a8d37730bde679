//! The generated README's "Testing your code": the mock server of the `mock` feature with a
//! typed success and call verification, a declared error and a body that drifts from the spec,
//! and a listing's pages, each a doctest built from the first API's own operations, which runs
//! against the mock server with the feature on (`cargo test --doc --features mock`, and `cargo
//! test --workspace`, where the downstream tests turn it on); without it they are empty.

use std::fmt::Write as _;

use serde_json::Value;

use super::constructed::{Modules, expression, minimal_value};
use super::operations::call_expression;
use crate::model::{Api, FieldPath, NextPage, Operation, ResponseBody, StatusMatch, Successes, TypeRef};

/// The section, when an API has an operation to show it with.
pub(super) fn testing_section(out: &mut String, krate: &str, apis: &[Api]) {
    let Some((api, op, success)) = apis.iter().find_map(|api| typed_success(api).map(|(op, ty)| (api, op, ty))) else {
        return;
    };
    let module = format!("{krate}::{}", api.module);
    let _ = write!(
        out,
        "\n## Testing your code\n\n\
         With the `mock` feature (in `[dev-dependencies]`: `features = [\"mock\"]`), each API has a mock \
         server for the tests of code that calls it: `<api>::mock::start()` listens on 127.0.0.1, \
         `server.stub::<mock::Op>()` answers one operation with typed values (its success, a declared \
         error, an undeclared status, a raw body, a delay, pages, events), `server.client()` is a client \
         pointed at it with credentials, and `server.received::<mock::Op>()` gives back the requests it \
         received, decoded into the operation's typed inputs. A request the spec does not allow (an \
         unknown route, a missing required parameter) or that no stub answers fails the test, naming \
         the operation and what is wrong, as does an expected call count not met. Every type is built \
         with `new(required fields)` and setters; `runtime::Response::from_parts`, `runtime::ApiError::new` \
         and `runtime::RawResponse::new` build a call's results without a server.\n\n"
    );
    let call = call_expression(api, op);
    let when = op
        .required_params()
        .next()
        .filter(|param| param.ty == TypeRef::String)
        .and_then(|param| param.sample.as_str().map(|sample| (param, sample)))
        .map(|(param, sample)| format!("    .when(|request| request.{} == {sample:?})\n", param.name))
        .unwrap_or_default();
    let value = expression(api, success, &minimal_value(api, success), false);
    let body = format!(
        "{uses}\n\
         let server = mock::start().await;\n\
         server\n    .stub::<mock::{marker}>()\n{when}    .expect(1)\n    .ok({value})\n    .await;\n\
         let response = {call}.send().await?;\n\
         println!(\"{{:?}}\", response.body());\n\
         // The requests the server received, typed; then the expected call counts, checked.\n\
         assert_eq!(server.received::<mock::{marker}>().await.len(), 1);\n\
         server.verify().await;",
        uses = use_line(&module, &["mock"], call.modules.and(value.modules)),
        value = value.text,
        call = on_server(&call.text),
        marker = op.request_type,
    );
    out.push_str(&block(&body));
    if let Some(errors) = error_example(api, &module, op) {
        out.push_str("\nA declared error, and a body that drifts from the spec (the error keeps the body):\n\n");
        out.push_str(&block(&errors));
    }
    if let Some(pages) = pages_example(api, &module) {
        out.push_str("\nA listing's pages, answered in turn (a request after the last fails the test):\n\n");
        out.push_str(&block(&pages));
    }
}

/// The first operation that answers with one JSON body, and that body's type.
fn typed_success(api: &Api) -> Option<(&Operation, &TypeRef)> {
    api.operations.iter().filter(|op| op.pagination.is_none() && op.successes == Successes::One).find_map(
        |op| match &op.success.first()?.body {
            ResponseBody::Json(ty @ TypeRef::Named(_)) => Some((op, ty)),
            _ => None,
        },
    )
}

/// A declared error with a JSON body, answered by the stub and matched by the caller; then the
/// success operation answering a body of the wrong shape.
fn error_example(api: &Api, module: &str, success_op: &Operation) -> Option<String> {
    // A conflict or a missing resource says more than a refused credential.
    let typed = |preferred: Option<u16>| {
        api.operations.iter().find_map(|op| {
            op.errors.iter().find_map(|case| match &case.body {
                ResponseBody::Json(ty @ TypeRef::Named(_))
                    if preferred.is_none_or(|code| case.status == StatusMatch::Code(code)) =>
                {
                    Some((op, case, ty))
                }
                _ => None,
            })
        })
    };
    let (op, case, ty) = [Some(409), Some(404), Some(422), None].into_iter().find_map(typed)?;
    let error = format!("responses::{}::{}", op.error_type, case.variant);
    let value = expression(api, ty, &minimal_value(api, ty), false);
    // A boxed case holds its body in a `Box`.
    let value_text = if case.boxed { format!("Box::new({})", value.text) } else { value.text };
    let call = call_expression(api, op);
    let drifted = call_expression(api, success_op);
    let modules = value.modules.and(call.modules).and(drifted.modules);
    Some(format!(
        "{uses}\
         use {krate}::runtime::Error;\n\n\
         let server = mock::start().await;\n\
         server.stub::<mock::{marker}>().error({error}({value})).await;\n\
         match {call}.send().await {{\n    \
         Err(Error::Api(error)) => assert!(matches!(error.body(), Some({error}(_)))),\n    \
         other => panic!(\"expected the declared error, got {{other:?}}\"),\n}}\n\n\
         // A server of its own: stubs of one operation answer in the order they were mounted.\n\
         let server = mock::start().await;\n\
         server.stub::<mock::{drifted_marker}>().respond_raw(200, \"application/json\", \"[]\").await;\n\
         let error = {drifted}.send().await.unwrap_err();\n\
         assert!(matches!(error, Error::Decode {{ .. }}));\n\
         assert_eq!(error.raw_body(), Some(&b\"[]\"[..]));",
        uses = use_line(module, &["mock", "responses"], modules),
        value = value_text,
        call = on_server(&call.text),
        drifted = on_server(&drifted.text),
        krate = module.split("::").next().unwrap_or_default(),
        marker = op.request_type,
        drifted_marker = success_op.request_type,
    ))
}

/// Two pages of a listing that pages by a cursor in its body: the first names the second.
fn pages_example(api: &Api, module: &str) -> Option<String> {
    let (op, pagination, field, has_more) = api.operations.iter().find_map(|op| {
        let pagination = op.pagination.as_ref()?;
        match &pagination.next {
            NextPage::Cursor { field, has_more, .. } => Some((op, pagination, field, has_more.as_ref())),
            _ => None,
        }
    })?;
    let ResponseBody::Json(page_ty) = &op.success.first()?.body else { return None };
    if pagination.items.0.is_empty() {
        return None;
    }
    let item = minimal_value(api, &pagination.item_ty);
    let page = |cursor: Option<&str>| {
        let mut page = minimal_value(api, page_ty);
        set(&mut page, &pagination.items, Value::Array(vec![item.clone()]));
        if let Some(cursor) = cursor {
            set(&mut page, field, Value::String(cursor.into()));
        }
        if let Some(has_more) = has_more {
            set(&mut page, has_more, Value::Bool(cursor.is_some()));
        }
        expression(api, page_ty, &page, false)
    };
    let (first, last) = (page(Some("page-2")), page(None));
    let call = call_expression(api, op);
    Some(format!(
        "{uses}\n\
         let server = mock::start().await;\n\
         let client = server.client();\n\
         let first = {first};\n\
         let last = {last};\n\
         server.stub::<mock::{marker}>().expect(1).pages(vec![first, last]).await;\n\
         let mut items = {call}.items();\n\
         let mut count = 0;\n\
         while let Some(item) = items.next().await {{\n    item?;\n    count += 1;\n}}\n\
         assert_eq!(count, 2);\n\
         server.verify().await;",
        uses = use_line(module, &["mock"], first.modules.and(last.modules).and(call.modules)),
        first = first.text,
        last = last.text,
        call = call.text,
        marker = op.request_type,
    ))
}

/// `use {module}::{..};` of `always` and the modules an example names.
fn use_line(module: &str, always: &[&'static str], named: Modules) -> String {
    let mut names: Vec<&str> = always.iter().copied().chain(named.names()).collect();
    names.sort_unstable();
    match names.as_slice() {
        [name] => format!("use {module}::{name};\n"),
        _ => format!("use {module}::{{{}}};\n", names.join(", ")),
    }
}

/// A call on `client` made on the mock server's client instead.
fn on_server(call: &str) -> String {
    call.replacen("client.", "server.client().", 1)
}

/// Sets the value at `path` (by wire names), making the objects on the way.
fn set(value: &mut Value, path: &FieldPath, leaf: Value) {
    let mut at = value;
    for step in &path.0 {
        if !at.is_object() {
            *at = Value::Object(serde_json::Map::new());
        }
        let Value::Object(object) = at else { return };
        at = object.entry(step.wire_name.clone()).or_insert(Value::Null);
    }
    *at = leaf;
}

/// `body` as a doctest that runs with the `mock` feature (on a runtime of its own: tokio's
/// runtime and its drivers are in the build through the mock server).
fn block(body: &str) -> String {
    let body: String =
        body.lines().map(|line| if line.is_empty() { "\n".to_string() } else { format!("{line}\n") }).collect();
    format!(
        "```rust\n\
         # #[cfg(feature = \"mock\")]\n\
         # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         {body}\
         # Ok(())\n\
         # }}\n\
         # #[cfg(feature = \"mock\")]\n\
         # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(example()).unwrap();\n\
         ```\n"
    )
}
