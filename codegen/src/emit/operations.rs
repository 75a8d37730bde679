//! The client methods, one per operation: each takes the operation's required inputs and returns
//! its request builder (see `requests`). Their docs say what the operation does, where it goes,
//! which credentials it sends, and show a call that compiles.

use quote::quote;

use super::constructed::{Example, Modules, expression};
use super::docs::doc_text;
use super::layout::Writer;
use super::requests::{body_converts, body_input, input_converts, input_type, stored};
use super::tokens::{Imports, REQUESTS, TYPES, binding_names, ident, type_text};
use super::{Items, RustFile};
use crate::model::ident::Ident;
use crate::model::{Api, BodyEncoding, Operation, ResponseBody, SchemeKind, SecurityRequirement};

/// The `impl Client` block with a method per operation, laid out as text (see
/// [`super::layout`]); `krate` is the crate's library name, for the examples.
pub fn operations_module(api: &Api, krate: String) -> RustFile<'_> {
    if api.operations.is_empty() {
        return RustFile::whole(quote!());
    }
    let imports = Imports::default().if_used(
        TYPES,
        quote!(
            use super::types;
        ),
    );
    let methods = Items::map(std::iter::once(()), move |()| {
        let mut out = Writer::new();
        out.open("impl Client {");
        for op in &api.operations {
            // Each method on its own: a line too wide sends only it to prettyplease.
            out.items(|out| method(out, api, op, &krate));
        }
        out.close("}");
        out.finish()
    });
    RustFile {
        head: quote!(
            use super::{Client, requests};
        ),
        imports,
        items: methods,
    }
}

fn method(out: &mut Writer, api: &Api, op: &Operation, krate: &str) {
    let name = ident(&op.name);
    let endpoint = format!("`{} {}`", op.method.as_str(), op.path.text);
    let security = security_doc(api, &op.security);
    let requests = REQUESTS.spelled();
    // The locals the required inputs are bound to: the streaming variant passes them on as they are.
    let bindings: Vec<proc_macro2::Ident> = match op.required_type {
        Some(_) => vec![quote::format_ident!("required")],
        None => required_bindings(op).into_iter().map(|(_, binding)| binding).collect(),
    };
    let (args, values): (Vec<String>, Vec<String>) = match &op.required_type {
        // More required inputs than a function should take: one struct of them. (Their types are
        // not written here, so that `types` is imported only where it is used.)
        Some(required) => (
            vec![format!("required: {requests}::{}", ident(required))],
            bindings.iter().map(ToString::to_string).collect(),
        ),
        None => {
            let (mut args, mut values) = (Vec::new(), Vec::new());
            let mut bindings = bindings.iter();
            for param in op.required_params() {
                let arg = bindings.next().expect("a binding per required input");
                let (ty, converts) = input_type(api, &param.ty);
                args.push(format!("{arg}: {}", type_text(&ty)));
                values.push(type_text(&stored(arg, converts)));
            }
            if let Some(body) = op.body.as_ref().filter(|b| b.required) {
                let arg = bindings.next().expect("a binding per required input");
                let (ty, _, converts) = body_input(api, body);
                args.push(format!("{arg}: {}", type_text(&ty)));
                values.push(type_text(&stored(arg, converts)));
            }
            (args, values)
        }
    };
    let request = ident(&op.request_type);
    let receiver_and_args: Vec<String> = std::iter::once("&self".to_string()).chain(args).collect();
    // The spec's docs, then the security line and the example: the generator's own text (with
    // intra-doc links).
    out.docs(&doc_text([op.summary.as_deref(), op.description.as_deref(), Some(&endpoint)]));
    out.line("///");
    out.docs(&format!("{security}\n\n{}", example(api, op, krate)));
    if op.deprecated {
        out.line("#[deprecated]");
    }
    out.line("#[inline]");
    out.list(&format!("pub fn {name}("), &receiver_and_args, &format!(") -> {requests}::{request}<'_> {{"));
    let new_args: Vec<String> = std::iter::once("self".to_string()).chain(values).collect();
    out.list(&format!("{requests}::{request}::new("), &new_args, ")");
    out.close("}");
    if let Some(streaming) = &op.streaming {
        let method = ident(&streaming.method);
        let wrapper = ident(&streaming.request_type);
        let names: Vec<String> = bindings.iter().map(ToString::to_string).collect();
        out.docs(&format!(
            "[`{0}`](Self::{0}), answered as server-sent events: the body's `{1}` is set to `true`.",
            op.name, streaming.flag
        ));
        if op.deprecated {
            out.line("#[deprecated]");
        }
        out.line("#[inline]");
        out.list(&format!("pub fn {method}("), &receiver_and_args, &format!(") -> {requests}::{wrapper}<'_> {{"));
        // A method chain, which prettyplease breaks its own way: printed by it when too wide.
        out.line(&format!("self.{name}({}).streaming()", names.join(", ")));
        out.close("}");
    }
}

/// The operation's required inputs, in order (its required parameters, then `body` when the
/// body is required): each one's name, which is its field in the struct of them, and the local
/// it is bound to as an argument (see [`binding_names`]).
pub(super) fn required_bindings(op: &Operation) -> Vec<(proc_macro2::Ident, proc_macro2::Ident)> {
    let body = Ident::new("body");
    let names: Vec<&Ident> =
        op.required_params().map(|p| &p.name).chain(op.body.as_ref().filter(|b| b.required).map(|_| &body)).collect();
    names.iter().map(|name| ident(name)).zip(binding_names(&names)).collect()
}

/// A call of the operation with sample values, as a doctest that compiles but does not run.
fn example(api: &Api, op: &Operation, krate: &str) -> String {
    let module = &api.module;
    let usage = usage(api, op);
    let types = if usage.modules.types { format!("use {krate}::{module}::types;\n") } else { String::new() };
    let body: String = usage.text.lines().map(|line| format!("{line}\n")).collect();
    let import = if usage.modules.requests { format!("# use {krate}::{module}::requests;\n") } else { String::new() };
    format!(
        "```no_run\n\
         {import}\
         # async fn example(client: &{krate}::{module}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         {types}{body}\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

/// Statements that call the operation on `client` and read its answer the way its shape asks:
/// every item of a listing that pages, every event of a stream, else the one response.
pub(super) fn usage(api: &Api, op: &Operation) -> Example {
    let Example { text: call, modules } = call_expression(api, op);
    let text = if op.pagination.is_some() {
        format!(
            "// Every item of every page, one request in flight.\n\
             let mut items = {call}.items();\n\
             while let Some(item) = items.next().await {{\n    println!(\"{{:?}}\", item?);\n}}"
        )
    } else if is_event_stream(op) {
        format!(
            "let mut events = {call}.send().await?.into_body();\n\
             while let Some(event) = events.next().await {{\n    println!(\"{{:?}}\", event?.data);\n}}"
        )
    } else {
        format!("let response = {call}.send().await?;\nprintln!(\"{{}}: {{:?}}\", response.status(), response.body());")
    };
    Example { text, modules }
}

/// Whether the operation's one success is a stream of server-sent events.
pub(super) fn is_event_stream(op: &Operation) -> bool {
    matches!(op.success.as_slice(), [case] if matches!(case.body, ResponseBody::EventStream(_)))
}

/// `client.op(arguments)`, the operation's method called on `client` with sample values of its
/// required inputs, as Rust source; the struct of them (`requests::SearchRequired { .. }`) when
/// there are too many for arguments.
pub(super) fn call_expression(api: &Api, op: &Operation) -> Example {
    let mut modules = Modules::default();
    let mut argument = |example: Example| {
        modules = modules.and(example.modules);
        example.text
    };
    let mut args: Vec<String> =
        op.required_params().map(|p| argument(expression(api, &p.ty, &p.sample, true))).collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push(match body.encoding {
            BodyEncoding::Bytes => "b\"...\"".to_string(),
            BodyEncoding::Text => "\"...\"".to_string(),
            // Built with the generated constructors, as callers build it.
            _ => argument(expression(api, &body.ty, &body.sample, false)),
        });
    }
    let text = match &op.required_type {
        Some(required) => {
            modules.requests = true;
            let fields: Vec<String> = required_inputs(op)
                .into_iter()
                .zip(&args)
                .map(
                    |((name, converts), value)| {
                        if converts { format!("{name}: {value}.into()") } else { format!("{name}: {value}") }
                    },
                )
                .collect();
            format!("client.{}(requests::{required} {{ {} }})", op.name, fields.join(", "))
        }
        None => format!("client.{}({})", op.name, args.join(", ")),
    };
    Example { text, modules }
}

/// The operation's required inputs as its method takes them, in order (its required parameters,
/// then `body`): each one's name, and whether the method converts the argument into what it
/// stores (`impl Into<String>`), which the struct of them (`{Op}Required`) holds as stored.
pub(super) fn required_inputs(op: &Operation) -> Vec<(proc_macro2::Ident, bool)> {
    let params = op.required_params().map(|p| (ident(&p.name), input_converts(&p.ty)));
    let body = op.body.as_ref().filter(|b| b.required).map(|b| (quote::format_ident!("body"), body_converts(b)));
    params.chain(body).collect()
}

fn security_doc(api: &Api, security: &[SecurityRequirement]) -> String {
    if security.is_empty() {
        return "Sends no credentials.".to_string();
    }
    let alternatives: Vec<String> = security
        .iter()
        .map(|alt| {
            if alt.schemes.is_empty() {
                return "no credentials".to_string();
            }
            let uses: Vec<String> = alt
                .schemes
                .iter()
                .map(|s| {
                    let scheme = api.scheme(s.scheme);
                    let declared = match &scheme.kind {
                        SchemeKind::OAuth2 { scopes, scope_type, .. } => Some((scopes, scope_type)),
                        _ => None,
                    };
                    let scopes: Vec<String> = s
                        .scopes
                        .iter()
                        .map(|scope| match (declared, scope.declared) {
                            (Some((scopes, scope_type)), Some(index)) => {
                                format!("[`{}`](super::{scope_type}::{})", scope.wire, scopes[index].name)
                            }
                            _ => format!("`{}`", scope.wire),
                        })
                        .collect();
                    // OAuth2 calls them scopes; OpenAPI 3.1 lets other schemes list required roles.
                    let (one, many) = if declared.is_some() { ("scope", "scopes") } else { ("role", "roles") };
                    let name = &scheme.wire_name;
                    match scopes.len() {
                        0 => format!("`{name}`"),
                        1 => format!("`{name}` ({one} {})", scopes[0]),
                        _ => format!("`{name}` ({many} {})", scopes.join(", ")),
                    }
                })
                .collect();
            uses.join(" and ")
        })
        .collect();
    format!("Authorization: {}.", alternatives.join(", or "))
}
