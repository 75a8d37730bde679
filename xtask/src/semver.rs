//! `cargo xtask semver`: a spec change that is compatible on the wire (a new optional property,
//! optional parameter, operation, enum value or error status) must not break the callers of the
//! generated crate, and a removed operation must.
//!
//! The property is tested by compiling, which is what callers do: from the vendored Blaxel spec
//! a caller is generated that uses every part of the generated crate (every method with every
//! optional setter, every constructor and setter, every field read, every enum matched with every
//! variant), and it is compiled against the crate generated from copies of the spec edited by the
//! overlays in `xtask/semver/`. The change report (`codegen::report`) must agree: each compatible
//! edit reported compatible, each breaking one breaking. cargo-semver-checks judges the same
//! property from rustdoc; it is
//! not installed by CI because building it takes about eleven minutes on two cores (see the
//! closing note of the client-surface issue), and this test answers the same question directly.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use codegen::model::{
    Api, Operation, Presence, ResponseBody, ResponseCase, Successes, TypeDef, TypeKind, TypeRef, Unmatched,
};
use codegen::report::{self, Manifest};
use codegen::{CrateConfig, SpecInput};

/// The spec every case starts from.
const BASE_SPEC: &str = "specs/blaxel-controlplane.yaml";
/// The edits, as OpenAPI Overlays applied to copies of it.
const CASES: &str = "xtask/semver";

/// Generates the crates and the caller, and checks that the caller compiles against the base and
/// every compatible edit, and does not against every breaking one.
pub fn run(root: &Path) -> Result<bool> {
    let work = root.join("target/semver");
    let target = root.join("target/corpus-target");
    let base = SpecInput::read(&root.join(BASE_SPEC), BASE_SPEC)?;
    let api = codegen::build_api(&base)?;
    let baseline = Manifest::of(&api, "semver");
    let caller = work.join("caller");
    write_caller(&caller, &api)?;
    let mut failures = Vec::new();
    let mut cases = vec![("base".to_string(), true, base.clone())];
    for (name, compatible) in case_files(&root.join(CASES))? {
        let mut spec = base.clone();
        let overlay = root.join(CASES).join(&name);
        let shown = format!("{CASES}/{name}");
        spec.overlay = Some(codegen::load::OverlaySource { text: fs::read_to_string(&overlay)?, file: shown });
        cases.push((name, compatible, spec));
    }
    for (name, compatible, spec) in cases {
        let crate_dir = work.join(format!("api-{}", name.trim_end_matches(".overlay.yaml")));
        let edited = if name == "base" { api.clone() } else { codegen::build_api(&spec)? };
        let reported_breaking = report::compare(&baseline, &Manifest::of(&edited, "semver")).is_breaking();
        if reported_breaking == compatible {
            let said = if reported_breaking { "breaking" } else { "compatible" };
            failures.push(format!("{name}: the change report calls it {said}, unlike the compiler"));
        }
        generate(&edited, &crate_dir)?;
        let (builds, errors) = check_caller(&caller, &crate_dir, &target)?;
        // Every other verdict means something only if the caller compiles against the crate it
        // was written from.
        if name == "base" && !builds {
            bail!("the generated caller does not compile against the crate it was generated from:\n{errors}");
        }
        let verdict = match (compatible, builds) {
            (true, true) => "compatible, and old callers still compile",
            (false, false) => "breaking, and old callers no longer compile",
            (true, false) => {
                failures.push(format!("{name}: compatible on the wire, but old callers no longer compile:\n{errors}"));
                "FAILED: old callers no longer compile"
            }
            (false, true) => {
                failures.push(format!("{name}: removes what callers use, yet old callers still compile"));
                "FAILED: old callers still compile"
            }
        };
        outln!("semver: {name}: {verdict}");
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("\n"));
    }
    Ok(true)
}

/// The overlays in `dir`: `compatible-*.overlay.yaml` and `breaking-*.overlay.yaml`, sorted.
fn case_files(dir: &Path) -> Result<Vec<(String, bool)>> {
    let mut cases: Vec<(String, bool)> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter_map(|name| match () {
            _ if name.starts_with("compatible-") => Some((name, true)),
            _ if name.starts_with("breaking-") => Some((name, false)),
            _ => None,
        })
        .collect();
    cases.sort();
    Ok(cases)
}

fn generate(api: &Api, out: &Path) -> Result<()> {
    let config = CrateConfig { package: "api".into(), version: "0.1.0".into(), description: None, standalone: true };
    let generated = codegen::generate_apis(&config, std::slice::from_ref(api), "cargo xtask semver")?;
    codegen::write::sync(out, &generated.files, codegen::write::Mode::Write)?;
    Ok(())
}

/// `cargo check` of the caller against the crate in `api`; whether it compiles, and its errors.
fn check_caller(caller: &Path, api: &Path, target: &Path) -> Result<(bool, String)> {
    let manifest = format!(
        "[package]\nname = \"caller\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\napi = {{ path = {:?} }}\nserde_json = \"1\"\n\n[workspace]\n",
        api.display().to_string()
    );
    fs::write(caller.join("Cargo.toml"), manifest)?;
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(caller)
        .env("CARGO_TARGET_DIR", target)
        .args(["check", "--quiet", "--message-format", "short"])
        .output()
        .context("running cargo check on the caller")?;
    let errors: String = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains("error"))
        .take(10)
        .collect::<Vec<_>>()
        .join("\n");
    Ok((output.status.success(), errors))
}

fn write_caller(dir: &Path, api: &Api) -> Result<()> {
    fs::create_dir_all(dir.join("src"))?;
    fs::write(dir.join("src/lib.rs"), caller_source(api))?;
    Ok(())
}

/// A caller of everything `api` generates: functions that are compiled, never run.
fn caller_source(api: &Api) -> String {
    let module = api.module.as_str();
    let mut out = format!(
        "//! Uses every part of the generated `{module}` module, as callers may.\n\
         #![allow(unused, clippy::all)]\n\
         use std::collections::BTreeMap;\n\
         use api::{module}::{{self as m, types, responses}};\n\n"
    );
    for op in &api.operations {
        let _ = write!(out, "{}", call(api, op));
    }
    for def in api.types.iter().filter(|def| def.replacement.is_none()) {
        let _ = write!(out, "{}", use_type(api, def));
    }
    out
}

fn call(api: &Api, op: &Operation) -> String {
    let mut params = vec!["client: &m::Client".to_string()];
    let mut args = Vec::new();
    for (i, param) in op.required_params().enumerate() {
        params.push(format!("a{i}: {}", rust_type(api, &param.ty)));
        args.push(format!("a{i}"));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        params.push(format!("body: {}", body_type(api, &body.ty)));
        args.push("body".into());
    }
    let mut setters = String::new();
    for (i, param) in op.optional_params().enumerate() {
        params.push(format!("o{i}: {}", rust_type(api, &param.ty)));
        let _ = write!(setters, ".{}(o{i})", code_ident(&param.name));
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        params.push(format!("body: {}", body_type(api, &body.ty)));
        setters.push_str(".body(body)");
    }
    let errors = match_cases(&format!("responses::{}", op.error_type), &op.errors);
    let successes = match &op.successes {
        Successes::Several { type_name } => {
            format!("let body = response.into_body(); {}", match_cases(&format!("responses::{type_name}"), &op.success))
                .replace("match e {", "match &body {")
        }
        Successes::One | Successes::Undeclared => "let _ = response.into_body();".to_string(),
    };
    format!(
        "pub async fn call_{name}({params}) {{\n    \
         let request = client.{name}({args}){setters}.timeout(None).header(\"x\", \"y\");\n    \
         match request.send().await {{\n        \
         Ok(response) => {{ let _ = response.status(); {successes} }}\n        \
         Err(error) => {{ let _ = error.status(); if let Some(e) = error.api_error() {{ {errors} }} }}\n    }}\n}}\n\n",
        name = op.name,
        params = params.join(", "),
        args = args.join(", "),
    )
}

/// A `match e { .. }` over an operation's outcome enum, every variant named.
fn match_cases(path: &str, cases: &[ResponseCase]) -> String {
    let arms: Vec<String> = cases
        .iter()
        .map(|case| match case.body {
            ResponseBody::Empty => format!("{path}::{} => {{}}", case.variant),
            _ => format!("{path}::{}(_) => {{}}", case.variant),
        })
        .collect();
    format!("match e {{ {} _ => {{}} }}", arms.iter().map(|a| format!("{a}, ")).collect::<String>())
}

fn use_type(api: &Api, def: &TypeDef) -> String {
    let name = &def.name;
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            let reads: String = fields.iter().map(|f| format!("let _ = &v.{};", code_ident(&f.name))).collect();
            let mut out = format!("pub fn read_{}(v: &types::{name}) {{ {reads} }}\n", snake(name.as_str()));
            out.push_str(&construct(api, def, fields));
            out
        }
        TypeKind::StringEnum { values } => {
            let arms: String = values.iter().map(|v| format!("types::{name}::{} => {{}}, ", v.name)).collect();
            format!(
                "pub fn match_{}(v: &types::{name}) {{ match v {{ {arms}types::{name}::Unknown(_) => {{}}, _ => {{}} }} let _ = v.as_str(); }}\n",
                snake(name.as_str())
            )
        }
        TypeKind::Tagged { variants, .. } => {
            let arms: String =
                variants.iter().map(|v| format!("types::{name}::{}(_) => {{}}, ", v.variant.name)).collect();
            format!(
                "pub fn match_{}(v: &types::{name}) {{ match v {{ {arms}types::{name}::Unknown(_) => {{}}, _ => {{}} }} }}\n",
                snake(name.as_str())
            )
        }
        TypeKind::Untagged { variants, unmatched } => {
            let mut arms: String = variants.iter().map(|v| format!("types::{name}::{}(_) => {{}}, ", v.name)).collect();
            if *unmatched == Unmatched::Kept {
                let _ = write!(arms, "types::{name}::Unknown(_) => {{}}, ");
            }
            format!("pub fn match_{}(v: &types::{name}) {{ match v {{ {arms}_ => {{}} }} }}\n", snake(name.as_str()))
        }
        TypeKind::Alias(_) => format!("pub fn alias_{}(v: types::{name}) {{}}\n", snake(name.as_str())),
    }
}

/// Builds an input struct with its constructor and every setter.
fn construct(api: &Api, def: &TypeDef, fields: &[codegen::model::Field]) -> String {
    let name = &def.name;
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut setters = String::new();
    for (i, field) in fields.iter().enumerate() {
        let ty = rust_type(api, &field.ty);
        match field.presence {
            Presence::Required => {
                params.push(format!("f{i}: {ty}"));
                args.push((code_ident(&field.name), format!("f{i}")));
            }
            Presence::RequiredNullable => {
                params.push(format!("f{i}: Option<{ty}>"));
                args.push((code_ident(&field.name), format!("f{i}")));
            }
            Presence::Optional => {
                params.push(format!("f{i}: {ty}"));
                let _ = write!(setters, ".{}(f{i})", code_ident(&field.setter));
            }
            Presence::OptionalNullable => {
                params.push(format!("f{i}: Option<{ty}>"));
                let _ = write!(setters, ".{}(f{i})", code_ident(&field.setter));
            }
        }
    }
    let constructor = match &def.required_type {
        Some(required) => {
            let fields: Vec<String> = args.iter().map(|(field, arg)| format!("{field}: {arg}")).collect();
            format!("types::{name}::new(types::{required} {{ {} }})", fields.join(", "))
        }
        None => format!("types::{name}::new({})", args.iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>().join(", ")),
    };
    format!(
        "pub fn build_{}({}) -> types::{name} {{ {constructor}{setters} }}\n",
        snake(name.as_str()),
        params.join(", ")
    )
}

fn body_type(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bytes => "Vec<u8>".into(),
        other => rust_type(api, other),
    }
}

/// The Rust type for a model type, as a caller outside the crate spells it.
fn rust_type(api: &Api, ty: &TypeRef) -> String {
    codegen::model::RustType::of(api, ty).text("types::")
}

fn code_ident(name: &codegen::model::ident::Ident) -> String {
    if name.is_raw() { format!("r#{name}") } else { name.to_string() }
}

fn snake(name: &str) -> String {
    codegen::model::ident::snake_name(name).as_str().to_string()
}
