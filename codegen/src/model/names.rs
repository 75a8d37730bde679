//! Every generated name, chosen in one pass after the IR is built.
//!
//! Conversion leaves candidates: a type named after where its schema stands, a method named
//! after its operationId, an error enum `{Method}Error`. Here each candidate meets the others of
//! its Rust namespace, and collisions are resolved once, deterministically, in a fixed order:
//!
//! | namespace | holds | keeps its candidate first |
//! |---|---|---|
//! | the crate | API modules | (an API named like a module every API holds gets `_api`) |
//! | `types` module | schema types | components, then inline types by JSON pointer |
//! | API root | `Client`, `ClientBuilder`, `Server`, scope enums | the fixed names |
//! | `Client` methods | one method per operation, and the client's own methods | the client's own, then spec order |
//! | `ClientBuilder` methods | client header setters, credential setters, and the builder's own methods | the builder's own |
//! | `scheme` module | one constant per security scheme | sorted by wire name |
//! | `responses` module | error and success enums | spec order |
//! | `requests` module | one request builder per operation | spec order |
//! | a request builder's methods | its optional parameters' setters, and `send` and the per-call settings | the builder's own |
//! | a struct's methods | `new`, `with_required`, and a setter per optional field | `new`, `with_required` |
//!
//! Emitters print these names and never make one up.

use std::collections::BTreeSet;

use super::ident::{self, Ident};
use super::ir::{Api, SchemeKind, Successes, TypeDef, TypeKind};
use crate::error::{Error, Location, Result};

/// The modules every API module holds; the API module itself must not share one's name, or a
/// path such as `responses::responses` would read as a mistake (clippy's `module_inception`).
pub const API_CHILD_MODULES: &[&str] = &["client", "codec", "mock", "operations", "requests", "responses", "types"];

/// Items the API module's root declares whatever the spec says.
pub const ROOT_ITEMS: &[&str] = &["Client", "ClientBuilder", "Server"];

/// Methods every generated `Client` has besides its operations.
pub const CLIENT_METHODS: &[&str] = &["builder", "base_url", "with_timeout", "with_attempt_timeout", "with_retry"];

/// Names the `requests` module uses unqualified: what it imports and the prelude items it spells
/// short. A builder named like one (an operation named `error`) gives way.
pub const REQUESTS_MODULE_NAMES: &[&str] =
    &["Client", "Error", "Method", "Response", "Result", "Option", "Some", "None", "String", "Vec", "Box", "Into"];

/// Names the `responses` module uses unqualified.
pub const RESPONSES_MODULE_NAMES: &[&str] = &["String", "Vec", "Option", "Box"];

/// Methods every request builder has besides its optional parameters' setters.
pub const REQUEST_METHODS: &[&str] = &[
    "send",
    "send_stream",
    "send_raw",
    "request",
    "pages",
    "items",
    "streaming",
    "timeout",
    "attempt_timeout",
    "retry",
    "header",
    "body",
    "new",
];

/// Fields a request builder has besides its parameters (Prefect has a parameter `client`);
/// `next_url` only where the server names next pages by URL, but reserved everywhere.
pub const REQUEST_FIELDS: &[&str] = &["client", "call", "body", "next_url"];

/// Methods every generated `ClientBuilder` has besides its client header and credential setters
/// (`map` is private, but a setter of that name would still be a second definition).
pub const BUILDER_METHODS: &[&str] = &[
    "server",
    "base_url",
    "default_header",
    "http_client",
    "timeout",
    "attempt_timeout",
    "connect_timeout",
    "retry",
    "max_response_bytes",
    "hook",
    "deviations",
    "map",
    "build",
];

/// Methods of the operator traits: a setter spelled like one (`fn sub(self, value) -> Self`, a
/// JWT's `sub` claim) reads as the operator to clippy (`should_implement_trait`) and to readers,
/// so it is `set_sub`.
const OPERATOR_METHODS: &[&str] = &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];

/// Methods every generated struct has besides its setters: `with_required` is written by the
/// struct's codec table and called by `new`.
pub const STRUCT_METHODS: &[&str] = &["new", "with_required"];

/// The most required fields a constructor takes as arguments (clippy's `too_many_arguments` is
/// seven); an input struct with more takes them as one struct, `{Type}Required`.
pub const MAX_CONSTRUCTOR_ARGUMENTS: usize = 7;

/// Resolves every name in `api`; `is_component[i]` says whether type `i` is a component schema.
pub fn resolve(api: &mut Api, is_component: &[bool]) -> Result<()> {
    if API_CHILD_MODULES.contains(&api.module.as_str()) {
        api.module = Ident::new(format!("{}_api", api.module));
    }
    resolve_type_names(&mut api.types, is_component);
    resolve_method_names(api)?;
    resolve_operation_types(api);
    resolve_setters(api);
    resolve_security_names(api);
    Ok(())
}

/// A set of names taken in one namespace.
#[derive(Default)]
struct Namespace(BTreeSet<String>);

impl Namespace {
    fn with(reserved: &[&str]) -> Namespace {
        Namespace(reserved.iter().map(|n| n.to_string()).collect())
    }

    fn contains(&self, name: &Ident) -> bool {
        self.0.contains(name.as_str())
    }

    fn insert(&mut self, name: &Ident) {
        self.0.insert(name.as_str().to_string());
    }

    /// `candidate`, or the first numbered form of it that is free; taken from now on.
    fn claim(&mut self, candidate: &Ident) -> Ident {
        let name = ident::disambiguate(candidate, |n| self.contains(n));
        self.insert(&name);
        name
    }
}

/// The longest type name chosen, before a number that tells two apart: a name no longer reads
/// past it (60 with the number).
const MAX_TYPE_NAME: usize = 58;

/// Component schemas keep their names; inline types give way. Ties are broken by the JSON pointer,
/// so the result does not depend on the order the spec lists its components in.
fn resolve_type_names(defs: &mut [TypeDef], is_component: &[bool]) {
    let mut order: Vec<usize> = (0..defs.len()).collect();
    order.sort_by(|&a, &b| is_component[b].cmp(&is_component[a]).then_with(|| defs[a].origin.cmp(&defs[b].origin)));
    let mut taken = Namespace::default();
    for &index in &order {
        defs[index].name = taken.claim(&ident::within(&defs[index].name, MAX_TYPE_NAME));
    }
    // The structs of required fields come after every schema type, which keep their names.
    for index in order {
        let def = &mut defs[index];
        let TypeKind::Struct { fields, .. } = &def.kind else { continue };
        if fields.iter().filter(|f| f.presence.is_required()).count() > MAX_CONSTRUCTOR_ARGUMENTS {
            def.required_type = Some(taken.claim(&ident::within(&def.name.with_suffix("Required"), MAX_TYPE_NAME)));
        }
    }
}

/// An operation whose method name is taken gets the HTTP method appended (`list_agents_post`);
/// if that is taken too the spec needs a rename, since a number would say nothing to a caller.
fn resolve_method_names(api: &mut Api) -> Result<()> {
    let mut taken = Namespace::with(CLIENT_METHODS);
    let mut owners: Vec<(String, usize)> = Vec::new();
    for index in 0..api.operations.len() {
        let op = &api.operations[index];
        let name = if !taken.contains(&op.name) {
            op.name.clone()
        } else {
            let with_method = Ident::new(format!("{}_{}", op.name, op.method.key()));
            if taken.contains(&with_method) {
                let other = match owners.iter().find(|(name, _)| name == op.name.as_str()) {
                    Some((_, owner)) => format!("the name of the operation at {}", api.operations[*owner].origin),
                    None => "a method every generated client has".to_string(),
                };
                return Err(Error::invalid(
                    Location::new(&api.source, op.origin.clone()),
                    format!("the method name `{}` is also {other}", op.name),
                    "give one of them another name under `[rename-operations]` in the spec's settings file",
                ));
            }
            with_method
        };
        let name = taken.claim(&name);
        owners.push((name.as_str().to_string(), index));
        api.operations[index].name = name;
    }
    // An events variant's method comes after every operation's, which keep their names.
    for op in &mut api.operations {
        if let Some(streaming) = &mut op.streaming {
            streaming.method = taken.claim(&Ident::new(format!("{}_stream", op.name)));
        }
    }
    Ok(())
}

/// Each operation's error enum, success enum and request builder, named after its method.
fn resolve_operation_types(api: &mut Api) {
    let mut responses = Namespace::with(RESPONSES_MODULE_NAMES);
    let mut requests = Namespace::with(REQUESTS_MODULE_NAMES);
    for op in &mut api.operations {
        let camel = ident::within(&ident::type_name(op.name.as_str()), MAX_TYPE_NAME - "Success".len());
        op.error_type = responses.claim(&camel.with_suffix("Error"));
        if let Successes::Several { type_name } = &mut op.successes {
            *type_name = responses.claim(&camel.with_suffix("Success"));
        }
        op.request_type = requests.claim(&camel);
        if let Some(streaming) = &mut op.streaming {
            streaming.request_type =
                requests.claim(&ident::within(&op.request_type.with_suffix("Stream"), MAX_TYPE_NAME));
        }
    }
    // The structs of required inputs come after every builder, which keep their names. The
    // client method and the builder's constructor take one argument more (the client).
    for op in &mut api.operations {
        let inputs = op.required_params().count() + usize::from(op.body.as_ref().is_some_and(|b| b.required));
        if inputs >= MAX_CONSTRUCTOR_ARGUMENTS {
            let name = ident::within(&op.request_type.with_suffix("Required"), MAX_TYPE_NAME);
            op.required_type = Some(requests.claim(&name));
        }
    }
}

/// Setters: an optional parameter's on its request builder, an optional field's on its struct.
fn resolve_setters(api: &mut Api) {
    for op in &mut api.operations {
        // Every parameter is a field of the request builder, beside the builder's own fields;
        // an optional one is also a setter, beside the builder's own methods.
        let mut fields = Namespace::with(REQUEST_FIELDS);
        let mut methods = Namespace::with(REQUEST_METHODS);
        for param in op.params.iter_mut() {
            let name = if param.required {
                fields.claim(&param.name)
            } else {
                ident::disambiguate(&param.name, |n| fields.contains(n) || methods.contains(n))
            };
            fields.insert(&name);
            methods.insert(&name);
            param.name = name;
        }
    }
    for def in &mut api.types {
        if let TypeKind::Struct { fields, .. } = &mut def.kind {
            let mut methods = Namespace::with(STRUCT_METHODS);
            for field in fields.iter_mut().filter(|f| !f.presence.is_required()) {
                let candidate = if OPERATOR_METHODS.contains(&field.name.as_str()) {
                    Ident::new(format!("set_{}", field.name))
                } else {
                    field.name.clone()
                };
                field.setter = methods.claim(&candidate);
            }
        }
    }
}

/// Scope enums are `Scope` when one OAuth2 scheme has them, `{Scheme}Scope` when several do;
/// credential setters give way to the builder's own methods.
fn resolve_security_names(api: &mut Api) {
    let mut root = Namespace::with(ROOT_ITEMS);
    let mut builder = Namespace::with(BUILDER_METHODS);
    let mut constants = Namespace::default();
    let oauth_schemes = api.security_schemes.iter().filter(|s| matches!(s.kind, SchemeKind::OAuth2 { .. })).count();
    for header in &mut api.client_headers {
        header.setter = builder.claim(&header.setter);
    }
    for scheme in &mut api.security_schemes {
        scheme.constant = constants.claim(&scheme.constant);
        scheme.setter = builder.claim(&scheme.setter);
        if let Some(setter) = &mut scheme.client_credentials_setter {
            *setter = builder.claim(setter);
        }
        if let SchemeKind::OAuth2 { scope_type, .. } = &mut scheme.kind {
            let candidate = if oauth_schemes == 1 {
                Ident::new("Scope")
            } else {
                ident::type_name(&scheme.wire_name).with_suffix("Scope")
            };
            *scope_type = root.claim(&candidate);
        }
    }
}
