//! Two manifests of one module into a [`Report`]: every change to what Rust callers use, each
//! classified breaking or compatible.
//!
//! The rules follow the generated code's surface (the README's "Using the generated clients"):
//! structs, enums, unions and outcome enums are `#[non_exhaustive]`, so adding a field, a value,
//! a variant or an error status is compatible; anything a caller names that goes away or changes
//! type is breaking; the client method's arguments are positional, so they compare by type and
//! order (a renamed argument of the same type is compatible), while optional inputs are builder
//! setters that compare by name. Changes that only move bytes on the wire (a route, a wire name,
//! a server URL, credentials an operation accepts) are compatible for the compiler and listed so
//! a reviewer sees them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::manifest::{self, Field, Input, Manifest, Operation, Type};

/// Whether a change can break a caller's build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Breaking,
    Compatible,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Compatible => "compatible",
        }
    }
}

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    Added,
    Removed,
    /// Its Rust type changed.
    Retyped,
    MadeRequired,
    MadeOptional,
    Renamed,
    Reordered,
    /// Something else about it changed (a route, a URL, a wire name); `before` and `after` say what.
    Changed,
    Deprecated,
    Undeprecated,
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            What::Added => "added",
            What::Removed => "removed",
            What::Retyped => "retyped",
            What::MadeRequired => "made required",
            What::MadeOptional => "made optional",
            What::Renamed => "renamed",
            What::Reordered => "reordered",
            What::Changed => "changed",
            What::Deprecated => "deprecated",
            What::Undeprecated => "no longer deprecated",
        })
    }
}

/// One change to the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub severity: Severity,
    /// What kind of thing changed: `operation`, `parameter`, `field`, `type`, ...
    pub item: &'static str,
    /// Which one, as a caller would find it: `list_agents`, `list_agents(limit)`, `Agent.spec`,
    /// `Status::Active`.
    pub name: String,
    pub change: What,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Why it breaks (or does not), when the change alone does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How a module's API changed as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No manifest on disk at all: nothing to compare with yet.
    Initial,
    /// A spec added beside others: a new module and cargo feature.
    New,
    /// The spec is gone, and its module and feature with it.
    Removed,
    Unchanged,
    Compatible,
    Breaking,
}

/// A count before and after, with what came and went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Count {
    pub before: usize,
    pub after: usize,
    pub removed: usize,
    pub added: usize,
}

impl Count {
    fn of<T>(before: &BTreeMap<String, T>, after: &BTreeMap<String, T>) -> Count {
        Count {
            before: before.len(),
            after: after.len(),
            removed: before.keys().filter(|k| !after.contains_key(*k)).count(),
            added: after.keys().filter(|k| !before.contains_key(*k)).count(),
        }
    }
}

/// What changed in one module since the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub module: String,
    pub spec: String,
    pub status: Status,
    /// The spec's `info.version` before (absent for a new module) and after (absent when removed).
    pub spec_version_before: Option<String>,
    pub spec_version_after: Option<String>,
    pub operations: Count,
    pub types: Count,
    /// Breaking changes first, then compatible ones; each group in manifest order (client, then
    /// operations by name, then types by name).
    pub changes: Vec<Change>,
}

impl Report {
    pub fn is_breaking(&self) -> bool {
        self.status == Status::Breaking || self.status == Status::Removed
    }

    /// Whether something was added (an operation, a field, a module), which moves the minor
    /// version from 1.0 on.
    pub fn adds(&self) -> bool {
        self.changes.iter().any(|c| c.change == What::Added)
    }

    /// The report of a module without a baseline manifest: `initial` when there is no manifest on
    /// disk at all (the first run), a new module otherwise.
    pub fn new_module(new: &Manifest, initial: bool) -> Report {
        let empty = BTreeMap::new();
        let changes = if initial {
            Vec::new()
        } else {
            vec![Change {
                severity: Severity::Compatible,
                item: "module",
                name: new.module.clone(),
                change: What::Added,
                before: None,
                after: Some(new.spec.clone()),
                note: Some(format!("behind the new cargo feature `{}`", new.module)),
            }]
        };
        Report {
            module: new.module.clone(),
            spec: new.spec.clone(),
            status: if initial { Status::Initial } else { Status::New },
            spec_version_before: None,
            spec_version_after: Some(new.spec_version.clone()),
            operations: Count::of(&BTreeMap::<String, Operation>::new(), &new.operations),
            types: Count::of(&empty, &new.types),
            changes,
        }
    }

    /// The report of a module whose spec is gone.
    pub fn removed_module(old: &Manifest) -> Report {
        let empty = BTreeMap::new();
        Report {
            module: old.module.clone(),
            spec: old.spec.clone(),
            status: Status::Removed,
            spec_version_before: Some(old.spec_version.clone()),
            spec_version_after: None,
            operations: Count::of(&old.operations, &BTreeMap::new()),
            types: Count::of(&old.types, &empty),
            changes: vec![Change {
                severity: Severity::Breaking,
                item: "module",
                name: old.module.clone(),
                change: What::Removed,
                before: Some(old.spec.clone()),
                after: None,
                note: Some(format!("the cargo feature `{}` is gone", old.module)),
            }],
        }
    }
}

/// Compares a module's baseline manifest with its new one.
pub fn compare(old: &Manifest, new: &Manifest) -> Report {
    let mut changes = Changes::default();
    servers(&mut changes, old, new);
    client_headers(&mut changes, old, new);
    auth(&mut changes, old, new);
    scopes(&mut changes, old, new);
    for name in union(&old.operations, &new.operations) {
        match (old.operations.get(name), new.operations.get(name)) {
            (Some(before), None) => {
                changes.breaking("operation", name, What::Removed).before(&before.route);
            }
            (None, Some(after)) => {
                changes.compatible("operation", name, What::Added).after(&after.route);
            }
            (Some(before), Some(after)) => operation(&mut changes, name, before, after),
            (None, None) => {}
        }
    }
    for name in union(&old.types, &new.types) {
        match (old.types.get(name), new.types.get(name)) {
            (Some(before), None) => {
                changes.breaking("type", name, What::Removed).before(before.kind());
            }
            (None, Some(after)) => {
                changes.compatible("type", name, What::Added).after(after.kind());
            }
            (Some(before), Some(after)) => type_changes(&mut changes, name, before, after),
            (None, None) => {}
        }
    }
    derives(&mut changes, old, new);
    let mut changes = changes.0;
    // Stable: each group keeps manifest order.
    changes.sort_by_key(|c| c.severity);
    let status = if changes.is_empty() {
        Status::Unchanged
    } else if changes.iter().any(|c| c.severity == Severity::Breaking) {
        Status::Breaking
    } else {
        Status::Compatible
    };
    Report {
        module: new.module.clone(),
        spec: new.spec.clone(),
        status,
        spec_version_before: Some(old.spec_version.clone()),
        spec_version_after: Some(new.spec_version.clone()),
        operations: Count::of(&old.operations, &new.operations),
        types: Count::of(&old.types, &new.types),
        changes,
    }
}

/// The changes found so far, in the order they were found.
#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, severity: Severity, item: &'static str, name: &str, change: What) -> &mut Change {
        self.0.push(Change { severity, item, name: name.to_string(), change, before: None, after: None, note: None });
        self.0.last_mut().expect("just pushed")
    }

    fn breaking(&mut self, item: &'static str, name: &str, change: What) -> &mut Change {
        self.push(Severity::Breaking, item, name, change)
    }

    fn compatible(&mut self, item: &'static str, name: &str, change: What) -> &mut Change {
        self.push(Severity::Compatible, item, name, change)
    }

    fn severity(&mut self, breaking: bool, item: &'static str, name: &str, change: What) -> &mut Change {
        self.push(if breaking { Severity::Breaking } else { Severity::Compatible }, item, name, change)
    }
}

impl Change {
    fn before(&mut self, text: &str) -> &mut Change {
        self.before = Some(text.to_string());
        self
    }

    fn after(&mut self, text: &str) -> &mut Change {
        self.after = Some(text.to_string());
        self
    }

    fn note(&mut self, text: impl Into<String>) -> &mut Change {
        self.note = Some(text.into());
        self
    }

    fn before_after(&mut self, before: &str, after: &str) -> &mut Change {
        self.before(before).after(after)
    }
}

/// The keys of both maps, sorted, each once.
fn union<'a, T>(old: &'a BTreeMap<String, T>, new: &'a BTreeMap<String, T>) -> BTreeSet<&'a String> {
    old.keys().chain(new.keys()).collect()
}

/// Items of two lists matched by a key, in the old list's order, then the new list's additions.
fn matched<'a, T>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> &str) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let mut pairs: Vec<(Option<&T>, Option<&T>)> =
        old.iter().map(|o| (Some(o), new.iter().find(|n| key(n) == key(o)))).collect();
    pairs.extend(new.iter().filter(|n| !old.iter().any(|o| key(o) == key(n))).map(|n| (None, Some(n))));
    pairs
}

fn servers(changes: &mut Changes, old: &Manifest, new: &Manifest) {
    match (old.servers.is_empty(), new.servers.is_empty()) {
        (false, true) => {
            changes
                .breaking("server enum", "Server", What::Removed)
                .note("the spec lists no server any more: `Client::builder()` needs a `base_url` before `build`");
            return;
        }
        (true, false) => {
            changes
                .compatible("server enum", "Server", What::Added)
                .note("`Client::builder()` now starts with the spec's first server");
        }
        _ => {}
    }
    for pair in matched(&old.servers, &new.servers, |s| &s.name) {
        match pair {
            (Some(before), None) => {
                changes.breaking("server", &format!("Server::{}", before.name), What::Removed).before(&before.url);
            }
            (None, Some(after)) if !old.servers.is_empty() => {
                changes.compatible("server", &format!("Server::{}", after.name), What::Added).after(&after.url);
            }
            (Some(before), Some(after)) if before.url != after.url => {
                changes
                    .compatible("server", &format!("Server::{}", after.name), What::Changed)
                    .before_after(&before.url, &after.url);
            }
            _ => {}
        }
    }
    let names = |servers: &[manifest::Server]| servers.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    discriminants(changes, "Server", &names(&old.servers), &names(&new.servers));
    if let (Some(before), Some(after)) = (old.servers.first(), new.servers.first())
        && before.name != after.name
    {
        changes
            .compatible("default server", "Server::default()", What::Changed)
            .before_after(&before.name, &after.name)
            .note("clients built without `server` or `base_url` go elsewhere");
    }
}

fn client_headers(changes: &mut Changes, old: &Manifest, new: &Manifest) {
    for pair in matched(&old.client_headers, &new.client_headers, |h| &h.setter) {
        let name = |h: &manifest::ClientHeader| format!("ClientBuilder::{}", h.setter);
        match pair {
            (Some(before), None) => {
                changes.breaking("client header", &name(before), What::Removed).before(&before.header);
            }
            (None, Some(after)) => {
                changes.compatible("client header", &name(after), What::Added).after(&after.header);
            }
            (Some(before), Some(after)) => {
                if before.ty != after.ty {
                    changes.breaking("client header", &name(after), What::Retyped).before_after(&before.ty, &after.ty);
                }
                if before.header != after.header {
                    changes
                        .compatible("client header", &name(after), What::Changed)
                        .before_after(&before.header, &after.header);
                }
                if before.default != after.default {
                    let text = |d: &Option<String>| d.clone().unwrap_or_else(|| "not sent unless set".to_string());
                    changes
                        .compatible("client header default", &name(after), What::Changed)
                        .before_after(&text(&before.default), &text(&after.default));
                }
            }
            (None, None) => {}
        }
    }
}

/// The builder method of a setter signature (`bearer_auth(token)` -> `bearer_auth`).
fn method_name(signature: &str) -> &str {
    signature.split_once('(').map_or(signature, |(name, _)| name)
}

fn auth(changes: &mut Changes, old: &Manifest, new: &Manifest) {
    let name = |a: &manifest::Auth| format!("ClientBuilder::{}", method_name(&a.setter));
    for pair in matched(&old.auth, &new.auth, |a| method_name(&a.setter)) {
        match pair {
            (Some(before), None) => {
                changes.breaking("credentials", &name(before), What::Removed).before(&before.setter);
                if let Some(cc) = &before.client_credentials {
                    changes.breaking("credentials", &format!("ClientBuilder::{}", method_name(cc)), What::Removed);
                }
            }
            (None, Some(after)) => {
                changes.compatible("credentials", &name(after), What::Added).after(&after.setter);
                if let Some(cc) = &after.client_credentials {
                    changes.compatible("credentials", &format!("ClientBuilder::{}", method_name(cc)), What::Added);
                }
            }
            (Some(before), Some(after)) => {
                if before.setter != after.setter {
                    changes
                        .breaking("credentials", &name(after), What::Changed)
                        .before_after(&before.setter, &after.setter);
                }
                if before.kind != after.kind || before.scheme != after.scheme {
                    let text = |a: &manifest::Auth| format!("{} ({})", a.scheme, a.kind);
                    changes
                        .compatible("security scheme", &name(after), What::Changed)
                        .before_after(&text(before), &text(after));
                }
                match (&before.client_credentials, &after.client_credentials) {
                    (Some(b), None) => {
                        changes.breaking("credentials", &format!("ClientBuilder::{}", method_name(b)), What::Removed);
                    }
                    (None, Some(a)) => {
                        changes.compatible("credentials", &format!("ClientBuilder::{}", method_name(a)), What::Added);
                    }
                    (Some(b), Some(a)) if a != b => {
                        changes
                            .breaking("credentials", &format!("ClientBuilder::{}", method_name(a)), What::Changed)
                            .before_after(b, a);
                    }
                    _ => {}
                }
            }
            (None, None) => {}
        }
    }
}

fn scopes(changes: &mut Changes, old: &Manifest, new: &Manifest) {
    for pair in matched(&old.scopes, &new.scopes, |s| &s.name) {
        match pair {
            (Some(before), None) => {
                changes.breaking("scope enum", &before.name, What::Removed);
            }
            (None, Some(after)) => {
                changes.compatible("scope enum", &after.name, What::Added);
            }
            (Some(before), Some(after)) => {
                enum_values(changes, "scope", &after.name, &before.values, &after.values);
                let names = |values: &[manifest::EnumValue]| values.iter().map(|v| v.name.clone()).collect::<Vec<_>>();
                discriminants(changes, &after.name, &names(&before.values), &names(&after.values));
            }
            (None, None) => {}
        }
    }
}

fn enum_values(
    changes: &mut Changes,
    item: &'static str,
    owner: &str,
    old: &[manifest::EnumValue],
    new: &[manifest::EnumValue],
) {
    for pair in matched(old, new, |v| &v.name) {
        match pair {
            (Some(before), None) => {
                changes.breaking(item, &format!("{owner}::{}", before.name), What::Removed).before(&before.wire);
            }
            (None, Some(after)) => {
                changes.compatible(item, &format!("{owner}::{}", after.name), What::Added).after(&after.wire);
            }
            (Some(before), Some(after)) if before.wire != after.wire => {
                changes
                    .compatible(item, &format!("{owner}::{}", after.name), What::Changed)
                    .before_after(&before.wire, &after.wire);
            }
            _ => {}
        }
    }
}

/// Where a parameter is on one side of the comparison.
#[derive(Clone, Copy)]
enum Slot<'a> {
    Absent,
    /// An argument of the method.
    Argument(&'a Input),
    /// A setter of the request builder.
    Setter(&'a Input),
}

fn operation(changes: &mut Changes, name: &str, old: &Operation, new: &Operation) {
    // `/stores/{store}` and `/stores/{storeName}` are one route: a path parameter renamed is an
    // argument renamed, reported below.
    if route_shape(&old.route) != route_shape(&new.route) {
        changes.compatible("route", name, What::Changed).before_after(&old.route, &new.route);
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => {
            changes.compatible("operation", name, What::Deprecated);
        }
        (true, false) => {
            changes.compatible("operation", name, What::Undeprecated);
        }
        _ => {}
    }
    if old.auth != new.auth {
        let text = |auth: &[String]| if auth.is_empty() { "none".to_string() } else { auth.join(" | ") };
        changes
            .compatible("credentials accepted", name, What::Changed)
            .before_after(&text(&old.auth), &text(&new.auth));
    }
    if old.request != new.request {
        changes
            .breaking("request type", name, What::Renamed)
            .before_after(&format!("requests::{}", old.request), &format!("requests::{}", new.request));
    }
    let breaks_signature = parameters(changes, name, old, new);
    let breaks_signature = body(changes, name, old, new) || breaks_signature;
    if !breaks_signature && Manifest::signature(old) != Manifest::signature(new) {
        changes.breaking("arguments", name, What::Reordered).before_after(&arguments(old), &arguments(new));
    }
    if old.returns != new.returns {
        changes.breaking("response", name, What::Retyped).before_after(&old.returns, &new.returns);
    } else if !old.successes.is_empty() {
        cases(changes, "success", &old.returns.replace("responses::", ""), &old.successes, &new.successes);
    }
    if old.error_type != new.error_type {
        changes.breaking("error type", name, What::Renamed).before_after(&old.error_type, &new.error_type);
    } else {
        cases(changes, "error", &new.error_type, &old.errors, &new.errors);
    }
    // An alias is the type it names: an impl written for two error types that became one enum,
    // or code that passes one operation's error where another's is expected, stops compiling.
    if old.error_alias_of != new.error_alias_of {
        let declared = |alias_of: &Option<String>| match alias_of {
            Some(owner) => format!("an alias of {owner}"),
            None => "an enum of its own".to_string(),
        };
        changes
            .breaking("error type", name, What::Changed)
            .before_after(&declared(&old.error_alias_of), &declared(&new.error_alias_of));
    }
}

/// A route with its path parameters unnamed: `GET /stores/{}`.
fn route_shape(route: &str) -> String {
    let mut shape = String::with_capacity(route.len());
    let mut in_param = false;
    for c in route.chars() {
        match c {
            '{' => {
                in_param = true;
                shape.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// `(a: String, b: i64)`: the method's arguments as a caller reads them.
fn arguments(op: &Operation) -> String {
    let mut args: Vec<String> = op.required.iter().map(|i| format!("{}: {}", i.name, i.ty)).collect();
    args.extend(op.body.iter().filter(|b| b.required).map(|b| format!("body: {}", b.ty)));
    format!("({})", args.join(", "))
}

/// Reports the parameter changes of one operation; returns whether one of them changes the
/// method's arguments (so a reordering is already explained).
fn parameters(changes: &mut Changes, op: &str, old: &Operation, new: &Operation) -> bool {
    // Arguments are positional: when their types line up, a different name is only a rename.
    let mut renamed_old = BTreeSet::new();
    let mut renamed_new = BTreeSet::new();
    if Manifest::signature(old) == Manifest::signature(new) {
        for (before, after) in old.required.iter().zip(&new.required) {
            if before.name != after.name {
                changes
                    .compatible("argument", &format!("{op}({})", before.name), What::Renamed)
                    .before_after(&before.name, &after.name)
                    .note("same position and type");
                renamed_old.insert(before.name.as_str());
                renamed_new.insert(after.name.as_str());
            }
        }
    }
    let names: BTreeSet<&str> = old
        .required
        .iter()
        .chain(&old.optional)
        .chain(&new.required)
        .chain(&new.optional)
        .map(|i| i.name.as_str())
        .collect();
    let mut breaks_signature = false;
    for name in names {
        let label = format!("{op}({name})");
        match (slot(old, &renamed_old, name), slot(new, &renamed_new, name)) {
            (Slot::Argument(before), Slot::Argument(after)) => {
                if before.ty != after.ty {
                    breaks_signature = true;
                    changes.breaking("parameter", &label, What::Retyped).before_after(&before.ty, &after.ty);
                }
                wire(changes, &label, before, after);
            }
            (Slot::Setter(before), Slot::Setter(after)) => {
                if before.ty != after.ty {
                    changes.breaking("parameter", &label, What::Retyped).before_after(&before.ty, &after.ty);
                }
                wire(changes, &label, before, after);
            }
            (Slot::Argument(before), Slot::Setter(after)) => {
                breaks_signature = true;
                types(changes.breaking("parameter", &label, What::MadeOptional), &before.ty, &after.ty)
                    .note(format!("no longer an argument: a setter of `requests::{}`", new.request));
                wire(changes, &label, before, after);
            }
            (Slot::Setter(before), Slot::Argument(after)) => {
                breaks_signature = true;
                types(changes.breaking("parameter", &label, What::MadeRequired), &before.ty, &after.ty)
                    .note("an argument of the method instead of a setter");
                wire(changes, &label, before, after);
            }
            (Slot::Argument(before), Slot::Absent) => {
                breaks_signature = true;
                changes.breaking("parameter", &label, What::Removed).before(&before.ty).note("was an argument");
            }
            (Slot::Setter(before), Slot::Absent) => {
                changes.breaking("parameter", &label, What::Removed).before(&before.ty).note("was a setter");
            }
            (Slot::Absent, Slot::Argument(after)) => {
                breaks_signature = true;
                changes
                    .breaking("parameter", &label, What::Added)
                    .after(&after.ty)
                    .note("required: a new argument of the method");
            }
            (Slot::Absent, Slot::Setter(after)) => {
                changes.compatible("parameter", &label, What::Added).after(&after.ty).note("optional: a new setter");
            }
            (Slot::Absent, Slot::Absent) => {}
        }
    }
    breaks_signature
}

/// The type a change is about: one when it stayed, both when it changed too.
fn types<'a>(change: &'a mut Change, before: &str, after: &str) -> &'a mut Change {
    if before == after { change.after(after) } else { change.before_after(before, after) }
}

/// Where the parameter `name` is in `op`; arguments in `renamed` count as absent (their rename
/// is reported already).
fn slot<'a>(op: &'a Operation, renamed: &BTreeSet<&str>, name: &str) -> Slot<'a> {
    if let Some(input) = op.required.iter().find(|i| i.name == name && !renamed.contains(name)) {
        Slot::Argument(input)
    } else if let Some(input) = op.optional.iter().find(|i| i.name == name) {
        Slot::Setter(input)
    } else {
        Slot::Absent
    }
}

/// A parameter that moved on the wire (another location or wire name) under the same Rust name.
fn wire(changes: &mut Changes, label: &str, before: &Input, after: &Input) {
    let text = |i: &Input| format!("{} {}", i.location, i.wire.as_deref().unwrap_or(&i.name));
    if text(before) != text(after) {
        changes.compatible("parameter", label, What::Changed).before_after(&text(before), &text(after));
    }
}

/// Reports the request body's changes; returns whether one of them changes the method's
/// arguments.
fn body(changes: &mut Changes, op: &str, old: &Operation, new: &Operation) -> bool {
    let label = format!("{op}(body)");
    match (&old.body, &new.body) {
        (None, None) => false,
        (Some(before), None) => {
            changes.breaking("body", &label, What::Removed).before(&before.ty);
            before.required
        }
        (None, Some(after)) if after.required => {
            changes.breaking("body", &label, What::Added).after(&after.ty).note("required: a new argument");
            true
        }
        (None, Some(after)) => {
            changes.compatible("body", &label, What::Added).after(&after.ty).note("optional: the `body` setter");
            false
        }
        (Some(before), Some(after)) => {
            let mut breaks = false;
            if before.ty != after.ty {
                breaks |= before.required;
                changes.breaking("body", &label, What::Retyped).before_after(&before.ty, &after.ty);
            }
            if before.required != after.required {
                breaks = true;
                let what = if after.required { What::MadeRequired } else { What::MadeOptional };
                let note = if after.required {
                    "an argument of the method instead of the `body` setter"
                } else {
                    "no longer an argument: the `body` setter"
                };
                changes.breaking("body", &label, what).note(note);
            }
            if before.media != after.media {
                changes.compatible("body media type", &label, What::Changed).before_after(&before.media, &after.media);
            }
            breaks
        }
    }
}

/// An enum without data whose variants kept their names but not their places: their
/// discriminants change, which only code casting the enum to an integer (`as isize`) sees. The
/// compiler accepts such code either way, but the numbers differ, so cargo-semver-checks (and
/// this report) count it as breaking.
fn discriminants(changes: &mut Changes, owner: &str, old: &[String], new: &[String]) {
    let moved: Vec<String> = old
        .iter()
        .enumerate()
        .filter_map(|(before, name)| {
            let after = new.iter().position(|n| n == name)?;
            (after != before).then(|| format!("`{name}` {before} -> {after}"))
        })
        .collect();
    if moved.is_empty() {
        return;
    }
    let shown = if moved.len() > 3 {
        format!("{} and {} more", moved[..3].join(", "), moved.len() - 3)
    } else {
        moved.join(", ")
    };
    changes
        .breaking("discriminants", owner, What::Changed)
        .note(format!("{shown}: only code that casts `{owner}` to an integer (`as isize`) sees it"));
}

/// The variants of an outcome enum (`owner`): a status added is a variant added, which callers'
/// matches survive because the enum is non-exhaustive.
fn cases(changes: &mut Changes, item: &'static str, owner: &str, old: &[manifest::Case], new: &[manifest::Case]) {
    if old.iter().chain(new).all(|case| case.body.is_none()) {
        let names = |cases: &[manifest::Case]| cases.iter().map(|c| c.variant.clone()).collect::<Vec<_>>();
        discriminants(changes, owner, &names(old), &names(new));
    }
    let payload = |case: &manifest::Case| match &case.body {
        Some(body) => format!("{}: {body}", case.status),
        None => case.status.clone(),
    };
    for pair in matched(old, new, |c| &c.variant) {
        match pair {
            (Some(before), None) => {
                changes.breaking(item, &format!("{owner}::{}", before.variant), What::Removed).before(&payload(before));
            }
            (None, Some(after)) => {
                changes.compatible(item, &format!("{owner}::{}", after.variant), What::Added).after(&payload(after));
            }
            (Some(before), Some(after)) if before.body != after.body => {
                changes
                    .breaking(item, &format!("{owner}::{}", after.variant), What::Retyped)
                    .before_after(&payload(before), &payload(after));
            }
            (Some(before), Some(after)) if before.status != after.status => {
                changes
                    .compatible(item, &format!("{owner}::{}", after.variant), What::Changed)
                    .before_after(&payload(before), &payload(after));
            }
            _ => {}
        }
    }
}

/// Derives the settings add, on types that are in both versions: one removed breaks the callers
/// that compare, order or hash the type; one added breaks nothing.
fn derives(changes: &mut Changes, old: &Manifest, new: &Manifest) {
    let none = Vec::new();
    for name in new.types.keys().filter(|name| old.types.contains_key(*name)) {
        let before = old.derives.get(name).unwrap_or(&none);
        let after = new.derives.get(name).unwrap_or(&none);
        for derive in before.iter().filter(|d| !after.contains(d)) {
            changes
                .breaking("derive", &format!("{name}: {derive}"), What::Removed)
                .note("callers that compare, sort or hash the type with it no longer compile");
        }
        for derive in after.iter().filter(|d| !before.contains(d)) {
            changes.compatible("derive", &format!("{name}: {derive}"), What::Added);
        }
    }
}

fn type_changes(changes: &mut Changes, name: &str, old: &Type, new: &Type) {
    match (old, new) {
        (
            Type::Struct { input: old_input, fields: old_fields },
            Type::Struct { input: new_input, fields: new_fields },
        ) => {
            struct_changes(changes, name, (*old_input, old_fields), (*new_input, new_fields));
        }
        (Type::Enum { values: before }, Type::Enum { values: after }) => {
            enum_values(changes, "enum value", name, before, after);
        }
        (
            Type::Union { tag: old_tag, variants: old_variants, unknown: old_unknown },
            Type::Union { tag: new_tag, variants: new_variants, unknown: new_unknown },
        ) => {
            if old_tag != new_tag {
                let text = |tag: &Option<String>| tag.clone().unwrap_or_else(|| "untagged".to_string());
                changes.compatible("union tag", name, What::Changed).before_after(&text(old_tag), &text(new_tag));
            }
            union_variants(changes, name, old_variants, new_variants);
            let unknown = format!("{name}::Unknown");
            match (old_unknown, new_unknown) {
                (true, false) => {
                    changes
                        .breaking("variant", &unknown, What::Removed)
                        .note("a value no member describes is refused instead of kept");
                }
                (false, true) => {
                    changes.compatible("variant", &unknown, What::Added);
                }
                _ => {}
            }
        }
        (Type::Alias { ty: before }, Type::Alias { ty: after }) => {
            if before != after {
                changes.breaking("alias", name, What::Retyped).before_after(before, after);
            }
        }
        _ => {
            changes.breaking("type", name, What::Changed).before_after(old.kind(), new.kind());
        }
    }
}

fn union_variants(changes: &mut Changes, owner: &str, old: &[manifest::Variant], new: &[manifest::Variant]) {
    for pair in matched(old, new, |v| &v.name) {
        match pair {
            (Some(before), None) => {
                changes.breaking("variant", &format!("{owner}::{}", before.name), What::Removed).before(&before.ty);
            }
            (None, Some(after)) => {
                changes.compatible("variant", &format!("{owner}::{}", after.name), What::Added).after(&after.ty);
            }
            (Some(before), Some(after)) => {
                let label = format!("{owner}::{}", after.name);
                if before.ty != after.ty {
                    changes.breaking("variant", &label, What::Retyped).before_after(&before.ty, &after.ty);
                }
                if before.tags != after.tags {
                    let text = |tags: &Option<String>| tags.clone().unwrap_or_default();
                    changes
                        .compatible("variant tag", &label, What::Changed)
                        .before_after(&text(&before.tags), &text(&after.tags));
                }
            }
            (None, None) => {}
        }
    }
}

/// A struct's changes: its fields (read by callers), its constructor and setters (for input
/// types), and `Default` (derived when every field is optional).
fn struct_changes(changes: &mut Changes, name: &str, old: (bool, &[Field]), new: (bool, &[Field])) {
    let (old_input, old_fields) = old;
    let (new_input, new_fields) = new;
    let input = old_input && new_input;
    match (old_input, new_input) {
        (true, false) => {
            changes
                .breaking("constructor", &format!("{name}::new"), What::Removed)
                .note("no request takes the type any more: `new` and its setters are gone");
        }
        (false, true) => {
            changes
                .compatible("constructor", &format!("{name}::new"), What::Added)
                .note("callers build it now: `new` and a setter per optional field");
        }
        _ => {}
    }
    let mut explains_new = false;
    for pair in matched(old_fields, new_fields, |f| &f.name) {
        match pair {
            (Some(before), None) => {
                explains_new |= input && before.presence.is_required();
                changes
                    .breaking("field", &format!("{name}.{}", before.name), What::Removed)
                    .before(&before.rust_type());
            }
            (None, Some(after)) => {
                let takes = input && after.presence.is_required();
                explains_new |= takes;
                let change = changes.severity(takes, "field", &format!("{name}.{}", after.name), What::Added);
                change.after(&after.rust_type());
                if takes {
                    change.note(format!("required: `{name}::new` takes it"));
                }
            }
            (Some(before), Some(after)) => {
                explains_new |= field(changes, name, input, before, after);
            }
            (None, None) => {}
        }
    }
    let constructor = |fields: &[Field]| -> Vec<String> {
        fields.iter().filter(|f| f.presence.is_required()).map(|f| f.ty.clone()).collect()
    };
    if input && !explains_new && constructor(old_fields) != constructor(new_fields) {
        let text = |fields: &[Field]| {
            let args: Vec<String> =
                fields.iter().filter(|f| f.presence.is_required()).map(|f| format!("{}: {}", f.name, f.ty)).collect();
            format!("({})", args.join(", "))
        };
        changes
            .breaking("constructor", &format!("{name}::new"), What::Reordered)
            .before_after(&text(old_fields), &text(new_fields));
    }
    let has_default = |fields: &[Field]| fields.iter().all(|f| !f.presence.is_required());
    match (has_default(old_fields), has_default(new_fields)) {
        (true, false) => {
            changes
                .breaking("trait impl", &format!("Default for {name}"), What::Removed)
                .note("a required field was added or made required");
        }
        (false, true) => {
            changes.compatible("trait impl", &format!("Default for {name}"), What::Added);
        }
        _ => {}
    }
}

/// One field's changes; returns whether they change `new`'s arguments.
fn field(changes: &mut Changes, owner: &str, input: bool, before: &Field, after: &Field) -> bool {
    let label = format!("{owner}.{}", after.name);
    let retyped = before.rust_type() != after.rust_type();
    let mut changes_new = false;
    if before.presence.is_required() != after.presence.is_required() {
        // Reading the field breaks when its declared type changes; building the value breaks when
        // `new` gains or loses the argument.
        changes_new = input;
        let what = if after.presence.is_required() { What::MadeRequired } else { What::MadeOptional };
        let change = changes.severity(retyped || input, "field", &label, what);
        if retyped {
            change.before_after(&before.rust_type(), &after.rust_type());
        } else {
            change.before_after(before.presence.as_str(), after.presence.as_str());
        }
        if input {
            change.note(if after.presence.is_required() {
                format!("`{owner}::new` takes it")
            } else {
                format!("`{owner}::new` no longer takes it")
            });
        }
    } else if before.presence != after.presence {
        changes_new = input && after.presence.is_required() && retyped;
        let change = changes.severity(retyped, "field", &label, if retyped { What::Retyped } else { What::Changed });
        if retyped {
            change.before_after(&before.rust_type(), &after.rust_type());
        } else {
            change.before_after(before.presence.as_str(), after.presence.as_str());
        }
    } else if retyped {
        changes_new = input && after.presence.is_required();
        changes.breaking("field", &label, What::Retyped).before_after(&before.rust_type(), &after.rust_type());
    }
    if input && before.setter != after.setter && !before.presence.is_required() && !after.presence.is_required() {
        let setter = |f: &Field| f.setter.clone().unwrap_or_else(|| f.name.clone());
        changes.breaking("setter", &label, What::Renamed).before_after(&setter(before), &setter(after));
    }
    if before.wire != after.wire {
        let wire = |f: &Field| f.wire.clone().unwrap_or_else(|| f.name.clone());
        changes.compatible("field wire name", &label, What::Changed).before_after(&wire(before), &wire(after));
    }
    changes_new
}
