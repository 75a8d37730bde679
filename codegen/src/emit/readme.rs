//! The generated crate's `README.md`, written from its specs: what the crate holds, and for each
//! API how to build its client, the credentials and settings it takes, a call and its errors, a
//! listing paged through and a stream of events when the API has them, and its operations by tag.
//! The crate's root docs include it, so its examples are compiled as doctests.

use std::fmt::Write as _;

use super::client::{TagGroup, tag_groups};
use super::constructed::{Example, Modules};
use super::docs::{one_line, sanitize};
use super::operations::{call_expression, is_event_stream, usage};
use crate::model::{Api, Operation, SchemeKind};

/// The README of a crate holding `apis`; `krate` is its library name.
pub fn readme(package: &str, description: &str, krate: &str, apis: &[Api]) -> String {
    let mut out = format!("# {package}\n\n{}.\n\n", sanitize(description));
    out.push_str(
        "One module per API, each behind a cargo feature of the same name, all sharing `runtime` \
         (errors, credentials, retries, streams). The `client` feature (on by default) brings each \
         API's `Client`, and with it reqwest and tokio; without it a module holds its `types` only, \
         which need serde alone: `default-features = false, features = [\"<api>\"]`.\n",
    );
    for api in apis {
        api_section(&mut out, api, krate);
    }
    super::testing_docs::testing_section(&mut out, krate, apis);
    out
}

fn api_section(out: &mut String, api: &Api, krate: &str) {
    let module = &api.module;
    let _ = write!(out, "\n## {} {} (`{module}`)\n\n", sanitize(&api.title), sanitize(&api.version));
    let _ = writeln!(out, "Generated from `{}`: {}.\n", api.source, counted(api));
    client_section(out, api, krate);
    let client = format!("{krate}::{module}::Client");
    if let Some(op) = first_call(api) {
        let Example { text: call, modules } = call_expression(api, op);
        let import = if modules.types { format!("    use {krate}::{module}::types;\n") } else { String::new() };
        let _ = write!(
            out,
            "\nA call gives the response's status, headers and typed body, or an error that says \
             whether the server answered with an error the spec declares:\n\n\
             ```rust,no_run\n{requests}async fn example(client: &{client}) -> Result<(), Box<dyn std::error::Error>> {{\n{import}    \
             match {call}.send().await {{\n        \
             Ok(response) => println!(\"{{}}: {{:?}}\", response.status(), response.body()),\n        \
             // A status the spec declares, its body decoded.\n        \
             Err(error) if error.api_error().is_some() => eprintln!(\"{{:?}}: {{:?}}\", error.status(), error.api_error()),\n        \
             // No connection, a timeout, an undeclared status, a body that did not decode.\n        \
             Err(error) => eprintln!(\"{{error}}\"),\n    }}\n    Ok(())\n}}\n```\n",
            requests = requests_import(&client, modules),
        );
    }
    if let Some(op) = api.operations.iter().find(|op| op.pagination.is_some()) {
        let _ = write!(
            out,
            "\nListings that page (`{}` and {} more) read every item, or every page, as a stream:\n\n{}",
            op.name,
            api.operations.iter().filter(|op| op.pagination.is_some()).count() - 1,
            example_block(&client, &usage(api, op)),
        );
    }
    if let Some(op) = api.operations.iter().find(|op| is_event_stream(op)) {
        let _ = write!(
            out,
            "\nServer-sent events are read one at a time, as they come:\n\n{}",
            example_block(&client, &usage(api, op))
        );
    }
    if let Some((op, streaming)) = api.operations.iter().find_map(|op| op.streaming.as_ref().map(|s| (op, s))) {
        let Example { text: call, modules } = call_expression(api, op);
        let call = call.replacen(op.name.as_str(), streaming.method.as_str(), 1);
        let text = format!(
            "let mut events = {call}.send().await?.into_body();\nwhile let Some(event) = events.next().await {{\n    println!(\"{{:?}}\", event?.data);\n}}"
        );
        let body = Example { text, modules };
        let _ = write!(
            out,
            "\n`{}` answers with server-sent events when its body's `{}` is true: `{}` sets it and reads them:\n\n{}",
            op.name,
            streaming.flag,
            streaming.method,
            example_block(&client, &body),
        );
    }
    tags_section(out, api, &client);
}

fn client_section(out: &mut String, api: &Api, krate: &str) {
    let module = &api.module;
    let base_url = if api.servers.is_empty() { ".base_url(\"https://...\")\n        " } else { "" };
    let credential = api.security_schemes.first().map(|scheme| {
        let value = match scheme.kind {
            SchemeKind::Basic => "\"user\", \"password\"",
            _ => "\"...\"",
        };
        format!(".{}({value})\n        ", scheme.setter)
    });
    let _ = write!(
        out,
        "Build a client{}:\n\n```rust,no_run\nfn client() -> Result<{krate}::{module}::Client, {krate}::runtime::BuildError> {{\n    \
         {krate}::{module}::Client::builder()\n        {base_url}{}.build()\n}}\n```\n",
        if api.servers.is_empty() { " (the spec names no server, so a base URL is required)" } else { "" },
        credential.unwrap_or_default()
    );
    if !api.security_schemes.is_empty() {
        out.push_str("\nCredentials, one builder method per security scheme:\n\n");
        for scheme in &api.security_schemes {
            let what = scheme.description.as_deref().map(first_line).unwrap_or_default();
            let _ = writeln!(out, "- `{}` (`{}`){}", scheme.setter, scheme.wire_name, dash(&what));
            if let Some(setter) = &scheme.client_credentials_setter {
                let _ =
                    writeln!(out, "- `{setter}`: OAuth2 client credentials, tokens fetched and renewed by the client");
            }
        }
    }
    if !api.client_headers.is_empty() {
        out.push_str("\nHeaders sent with every request, set on the builder:\n\n");
        for header in &api.client_headers {
            let default = header.default.as_ref().map(|d| format!(", `{d}` unless set")).unwrap_or_default();
            let _ = writeln!(out, "- `{}` (`{}`{default})", header.setter, header.wire_name);
        }
    }
}

/// The operations counted by tag, grouped as the module's docs group them, and a call of each
/// group's first operation, compiled with the other examples.
fn tags_section(out: &mut String, api: &Api, client: &str) {
    let groups = tag_groups(api);
    if groups.len() < 2 {
        return;
    }
    let name = |group: &TagGroup<'_>| one_line(group.name.unwrap_or("other"));
    let listed: Vec<String> = groups.iter().map(|g| format!("{} ({})", name(g), g.operations.len())).collect();
    let _ = writeln!(out, "\nThe `{}` module's docs list every operation by tag: {}.", api.module, listed.join(", "));
    let mut modules = Modules::default();
    let calls: Vec<String> = groups
        .iter()
        .map(|group| {
            let op = group.operations[0];
            let summary = op.summary.as_deref().map(|s| format!(": {}", one_line(s))).unwrap_or_default();
            let call = call_expression(api, op);
            modules = modules.and(call.modules);
            format!("// {}{summary}\nprintln!(\"{{}}\", {}.send().await?.status());", name(group), call.text)
        })
        .collect();
    let _ =
        write!(out, "\nOne call per tag:\n\n{}", example_block(client, &Example { text: calls.join("\n"), modules }));
}

/// The operation the call example shows: the first that needs no arguments and answers with
/// one response, else the first that answers with one response.
fn first_call(api: &Api) -> Option<&Operation> {
    let single = |op: &&Operation| op.pagination.is_none() && !is_event_stream(op);
    let no_arguments =
        |op: &&Operation| op.required_params().next().is_none() && op.body.as_ref().is_none_or(|b| !b.required);
    api.operations.iter().filter(single).find(no_arguments).or_else(|| api.operations.iter().find(single))
}

/// `body` inside an async function that takes the client, as a compiled Rust block.
fn example_block(client: &str, body: &Example) -> String {
    let requests = requests_import(client, body.modules);
    let types = match body.modules.types {
        true => format!("use {}::types;\n", client.trim_end_matches("::Client")),
        false => String::new(),
    };
    let body: String = format!("{types}{}", body.text).lines().map(|line| format!("    {line}\n")).collect();
    format!(
        "```rust,no_run\n{requests}async fn example(client: &{client}) -> Result<(), Box<dyn std::error::Error>> {{\n{body}    Ok(())\n}}\n```\n"
    )
}

/// `use krate::module::requests;` when the example names a struct of required inputs through it.
fn requests_import(client: &str, modules: Modules) -> String {
    match (modules.requests, client.strip_suffix("Client")) {
        (true, Some(module)) => format!("use {module}requests;\n"),
        _ => String::new(),
    }
}

fn counted(api: &Api) -> String {
    let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
    format!("{}, {}", plural(api.operations.len(), "operation"), plural(api.types.len(), "type"))
}

fn first_line(text: &str) -> String {
    sanitize(text.lines().next().unwrap_or_default())
}

fn dash(text: &str) -> String {
    if text.is_empty() { String::new() } else { format!(": {text}") }
}
