//! `cargo xtask <command>`: the project's command line. See `cargo xtask help`.

#[macro_use]
mod output;

mod compile_cost;
mod specs;
mod standalone;
mod test;
mod vendor;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use codegen::write::{self, Drift, Mode};

const HELP: &str = "\
cargo xtask <command>

Commands:
  regenerate              rebuild generated/ from the specs in specs/
  check                   fail (exit 1, with a diff) if generated/ is not what regenerate would write
  generate <spec> --out <dir> [--name <crate>]
                          generate a standalone crate from any OpenAPI 3.0/3.1 file (YAML or JSON)
  corpus                  generate a crate for every spec in ../shared/corpus and run clippy on each
  compile-cost            build the generated crate cold, alone and after a touch, per feature set;
                          print build times, dependency counts and lines per operation
  vendor <page> <spec>    extract the OpenAPI YAML block of a docs page into a spec file
  test                    run every test: formatting, drift, clippy, docs, unit, golden, mock and Prism tests
";

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The command `generated/` is rebuilt with; every generated file names it.
pub const REGENERATE: &str = "cargo xtask regenerate";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["regenerate"] => regenerate(&project_root()),
        ["check"] => check(),
        ["vendor", page, spec] => vendor::vendor(&project_root().join(page), &project_root().join(spec)),
        ["test"] => test::run_all(&project_root()),
        ["corpus"] => standalone::corpus(&project_root()),
        ["compile-cost"] => compile_cost::run(&project_root()),
        ["generate", spec, "--out", out] => standalone::generate(Path::new(spec), Path::new(out), None),
        ["generate", spec, "--out", out, "--name", name] | ["generate", spec, "--name", name, "--out", out] => {
            standalone::generate(Path::new(spec), Path::new(out), Some(name))
        }
        ["help"] | ["--help"] | ["-h"] | [] => {
            out!("{HELP}");
            Ok(true)
        }
        other => {
            errln!("unknown command `{}`\n\n{}", other.join(" "), HELP.trim_end());
            Ok(false)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            errln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, wherever the command was started from.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn generated_dir(root: &Path) -> PathBuf {
    root.join("generated")
}

/// Where the generated end-to-end calls go, beside the hand-written tests that run them.
fn calls_dir(root: &Path) -> PathBuf {
    root.join(CALLS)
}

const CALLS: &str = "client-tests/tests/calls";

/// Rebuilds `generated/` (and the generated end-to-end calls) under `root`. Everything is
/// generated in memory first: a spec that fails stops the run before any file is touched.
fn regenerate(root: &Path) -> Result<bool> {
    let root = root.to_path_buf();
    let generated = specs::generate_all(&root)?;
    let report = write::sync(&generated_dir(&root), &generated.files, Mode::Write).context("writing generated/")?;
    let calls =
        write::sync(&calls_dir(&root), &generated.calls, Mode::Write).context("writing client-tests/tests/calls/")?;
    for api in &generated.apis {
        for warning in &api.warnings {
            outln!("warning: {warning}");
        }
        let prefix = format!("src/{}/", api.module);
        let (written, unchanged) = count(&report, |p| p.starts_with(&prefix));
        outln!(
            "{} -> generated/src/{}: {} operations, {} types; {written} files written, {unchanged} unchanged",
            api.file,
            api.module,
            api.operations,
            api.types
        );
    }
    let module_dirs: Vec<String> = generated.apis.iter().map(|api| format!("src/{}/", api.module)).collect();
    let (written, unchanged) = count(&report, |p| !module_dirs.iter().any(|dir| p.starts_with(dir.as_str())));
    outln!("crate files (Cargo.toml, lib.rs, runtime/): {written} written, {unchanged} unchanged");
    outln!(
        "end-to-end calls (client-tests/tests/calls): {} written, {} unchanged",
        calls.drift.len(),
        calls.unchanged.len()
    );
    for drift in &report.drift {
        if let Drift::Extra { path } = drift {
            outln!("removed generated/{path}: its spec is gone");
        }
    }
    Ok(true)
}

/// Written (or removed) and unchanged files among those whose path matches.
fn count(report: &write::Report, matches: impl Fn(&str) -> bool) -> (usize, usize) {
    let written = report.drift.iter().filter(|d| !matches!(d, Drift::Extra { .. }) && matches(d.path())).count();
    let unchanged = report.unchanged.iter().filter(|p| matches(p)).count();
    (written, unchanged)
}

fn check() -> Result<bool> {
    let root = project_root();
    let drift = drift(&root)?;
    if drift.is_empty() {
        outln!("generated/ is up to date");
        return Ok(true);
    }
    for (folder, d) in &drift {
        match d {
            Drift::Changed { diff, .. } => out!("{folder}:\n{diff}"),
            Drift::Missing { path } => outln!("missing: {folder}/{path}"),
            Drift::Extra { path } => outln!("extra: {folder}/{path} (its spec is gone)"),
        }
    }
    errln!("generated code is out of date ({} files differ); run `{REGENERATE}` and commit the result", drift.len());
    Ok(false)
}

/// How `generated/` and the generated end-to-end calls differ from what the specs produce now,
/// each difference with its folder.
pub fn drift(root: &Path) -> Result<Vec<(&'static str, Drift)>> {
    let generated = specs::generate_all(root)?;
    let crate_drift = write::sync(&generated_dir(root), &generated.files, Mode::Check)?.drift;
    let calls_drift = write::sync(&calls_dir(root), &generated.calls, Mode::Check)?.drift;
    let labelled = |folder: &'static str| move |d: Drift| (folder, d);
    Ok(crate_drift.into_iter().map(labelled("generated")).chain(calls_drift.into_iter().map(labelled(CALLS))).collect())
}

#[cfg(test)]
mod tests {
    use std::fs;

    #[test]
    fn a_failing_spec_leaves_generated_untouched() {
        let root = std::env::temp_dir().join(format!("xtask-regenerate-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("specs")).unwrap();
        fs::create_dir_all(root.join("generated/src")).unwrap();
        let good = "openapi: 3.0.3\ninfo: {title: Good, version: '1'}\npaths: {}\n";
        fs::write(root.join("specs/a-good.yaml"), good).unwrap();
        fs::write(root.join("specs/b-broken.yaml"), "openapi: 3.0.3\ninfo: {title: [\n").unwrap();
        let before = "// @generated by `cargo xtask regenerate`; do not edit\npub mod old;\n";
        fs::write(root.join("generated/src/lib.rs"), before).unwrap();

        let error = super::regenerate(&root).unwrap_err().to_string();
        assert!(error.contains("specs/b-broken.yaml"), "{error}");
        assert_eq!(fs::read_to_string(root.join("generated/src/lib.rs")).unwrap(), before);
        let written: Vec<_> = fs::read_dir(root.join("generated/src")).unwrap().collect();
        assert_eq!(written.len(), 1, "nothing was added for the good spec either");

        fs::remove_file(root.join("specs/b-broken.yaml")).unwrap();
        assert!(super::regenerate(&root).unwrap());
        assert!(fs::read_to_string(root.join("generated/src/lib.rs")).unwrap().contains("pub mod a_good;"));
        fs::remove_dir_all(&root).unwrap();
    }

    fn dependency_names(features: &[&str]) -> Vec<String> {
        crate::compile_cost::dependency_names(&super::project_root(), features).unwrap()
    }

    #[test]
    fn generated_types_alone_need_neither_reqwest_nor_tokio() {
        let http_stack = ["reqwest", "tokio", "hyper", "rustls"];
        let with_client = dependency_names(&[]);
        for name in http_stack {
            assert!(with_client.iter().any(|n| n == name), "the client should depend on {name}: {with_client:?}");
        }
        let apis = crate::specs::api_features(&super::project_root()).unwrap().join(",");
        let types_only = dependency_names(&["--no-default-features", "--features", &apis]);
        for name in http_stack {
            assert!(!types_only.iter().any(|n| n == name), "types alone pull in {name}: {types_only:?}");
        }
        assert!(types_only.iter().any(|n| n == "serde"), "{types_only:?}");
        assert!(types_only.len() * 5 < with_client.len(), "{} vs {}", types_only.len(), with_client.len());
    }

    #[test]
    fn generated_crate_is_what_the_specs_produce() {
        let drift = super::drift(&super::project_root()).unwrap();
        let paths: Vec<String> = drift.iter().map(|(folder, d)| format!("{folder}/{}", d.path())).collect();
        assert!(paths.is_empty(), "generated/ is out of date in {paths:?}; run `{}`", super::REGENERATE);
    }
}
