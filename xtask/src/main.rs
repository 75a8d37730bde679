//! `cargo xtask <command>`: the project's command line. See `cargo xtask help`.

#[macro_use]
mod output;

mod compile_cost;
mod conformance;
mod peers;
mod report;
mod semver;
mod specs;
mod standalone;
mod test;
mod vendor;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use codegen::GeneratedCrate;
use codegen::report::Release;
use codegen::write::{self, Drift, Mode};
use report::Format;

const HELP: &str = "\
cargo xtask <command>

Commands:
  regenerate [--json]     rebuild generated/ from the specs in specs/; report what changed in each API
                          (and the crate version and changelog it gives), as JSON with --json
  check [--json] [--impact]
                          report what changed in each API, then fail (exit 1, with a diff) if generated/
                          is not what regenerate would write; --impact also builds the crates that
                          depend on generated/ against the regenerated code and lists what breaks
  generate <spec> --out <dir> [--name <crate>]
                          generate a standalone crate from any OpenAPI 3.0/3.1 file (YAML or JSON)
  corpus                  generate a crate for every spec in ../shared/corpus and run clippy on each
  compile-cost [--peers]  build the generated crate cold, alone and after a touch, per feature set;
                          print build times, dependency counts and lines per operation; then Oxide's
                          crate side by side with progenitor's (installed under target/tools);
                          --peers [--rounds N]: only that comparison, in N rounds (3 when not given);
                          --peers --generation: only the generators,
                          in more rounds, with their CPU time; --peers --instructions: each crate's
                          check counted in rustc's instructions (needs valgrind; slow, repeatable)
  semver                  check that wire-compatible spec changes (xtask/semver/compatible-*) keep old
                          callers compiling and breaking ones (xtask/semver/breaking-*) do not
  vendor <page> <spec>    extract the OpenAPI YAML block of a docs page into a spec file
  conformance <records.jsonl> [--out <dir>]
                          read the deviation records a client wrote (runtime::JsonLines), print per spec
                          what the service does that the spec does not say, and draft an OpenAPI Overlay
                          per spec into <dir> (target/conformance/) to review and keep beside the spec
  test                    run every test: formatting, drift, clippy, docs, corpus, semver, unit, golden,
                          mock and Prism tests
";

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The command `generated/` is rebuilt with; every generated file names it.
pub const REGENERATE: &str = "cargo xtask regenerate";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["regenerate"] => regenerate(&project_root(), Format::Text),
        ["regenerate", "--json"] => regenerate(&project_root(), Format::Json),
        ["check"] => check(),
        ["check", "--json"] => check_as(Format::Json, Impact::Skip),
        ["check", "--impact"] => check_as(Format::Text, Impact::Check),
        ["check", "--json", "--impact"] | ["check", "--impact", "--json"] => check_as(Format::Json, Impact::Check),
        ["vendor", page, spec] => vendor::vendor(&project_root().join(page), &project_root().join(spec)),
        ["test"] => test::run_all(&project_root()),
        ["corpus"] => standalone::corpus(&project_root()),
        ["compile-cost"] => compile_cost::run(&project_root()),
        ["compile-cost", "--peers"] => peers::run(&project_root(), peers::ROUNDS).map(|()| true),
        ["compile-cost", "--peers", "--rounds", rounds] => match rounds.parse::<usize>() {
            Ok(rounds) if rounds > 0 => peers::run(&project_root(), rounds).map(|()| true),
            _ => {
                errln!("`--rounds` takes a number of rounds, 1 or more, not `{rounds}`");
                Ok(false)
            }
        },
        ["compile-cost", "--peers", "--generation"] => peers::run_generation(&project_root()).map(|()| true),
        ["compile-cost", "--peers", "--instructions"] => peers::run_instructions(&project_root()).map(|()| true),
        ["semver"] => semver::run(&project_root()),
        ["conformance", records] => conformance::run(&project_root(), Path::new(records), None),
        ["conformance", records, "--out", out] => {
            conformance::run(&project_root(), Path::new(records), Some(Path::new(out)))
        }
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

pub fn generated_dir(root: &Path) -> PathBuf {
    root.join("generated")
}

/// Where the generated end-to-end calls go, beside the hand-written tests that run them.
fn calls_dir(root: &Path) -> PathBuf {
    root.join(CALLS)
}

const CALLS: &str = "client-tests/tests/calls";

/// Rebuilds `generated/` (and the generated end-to-end calls) under `root`, and reports what
/// changed in each API since the manifests on disk. Everything is generated in memory first: a
/// spec that fails stops the run before any file is touched.
fn regenerate(root: &Path, format: Format) -> Result<bool> {
    let root = root.to_path_buf();
    let (generated, release) = specs::generate_with_report(&root)?;
    // `sync` writes in the order of the files, and the API manifests come last: a run cut short
    // leaves the baseline as it was, so the next run reports the same update and gives the same
    // version and changelog section.
    let written = write::sync(&generated_dir(&root), &generated.files, Mode::Write).context("writing generated/")?;
    let calls =
        write::sync(&calls_dir(&root), &generated.calls, Mode::Write).context("writing client-tests/tests/calls/")?;
    if format == Format::Json {
        for warning in generated.apis.iter().flat_map(|api| &api.warnings) {
            errln!("warning: {warning}");
        }
        let status = |folder: &str, d: &Drift| {
            let status = if matches!(d, Drift::Extra { .. }) { "removed" } else { "written" };
            (format!("{folder}/{}", d.path()), status)
        };
        let files: Vec<(String, &str)> = written
            .drift
            .iter()
            .map(|d| status("generated", d))
            .chain(calls.drift.iter().map(|d| status(CALLS, d)))
            .collect();
        report::print_json(&release, specs::PACKAGE, None, &files);
        return Ok(true);
    }
    for api in &generated.apis {
        for warning in &api.warnings {
            outln!("warning: {warning}");
        }
        let prefix = format!("src/{}/", api.module);
        let (files, unchanged) = count(&written, |p| p.starts_with(&prefix));
        outln!(
            "{} -> generated/src/{}: {} operations, {} types; {files} files written, {unchanged} unchanged",
            api.file,
            api.module,
            api.operations,
            api.types
        );
    }
    let module_dirs: Vec<String> = generated.apis.iter().map(|api| format!("src/{}/", api.module)).collect();
    let (files, unchanged) = count(&written, |p| !module_dirs.iter().any(|dir| p.starts_with(dir.as_str())));
    outln!(
        "crate files (Cargo.toml, lib.rs, runtime/, CHANGELOG.md, API manifests in api/): {files} written, \
         {unchanged} unchanged"
    );
    outln!(
        "end-to-end calls (client-tests/tests/calls): {} written, {} unchanged",
        calls.drift.len(),
        calls.unchanged.len()
    );
    for drift in &written.drift {
        if let Drift::Extra { path } = drift {
            outln!("removed generated/{path}: its spec is gone");
        }
    }
    report::print_text(&release, specs::PACKAGE);
    Ok(true)
}

/// Written (or removed) and unchanged files among those whose path matches.
fn count(report: &write::Report, matches: impl Fn(&str) -> bool) -> (usize, usize) {
    let written = report.drift.iter().filter(|d| !matches!(d, Drift::Extra { .. }) && matches(d.path())).count();
    let unchanged = report.unchanged.iter().filter(|p| matches(p)).count();
    (written, unchanged)
}

fn check() -> Result<bool> {
    check_as(Format::Text, Impact::Skip)
}

/// Whether `check` also builds the crates that depend on the generated one against the new code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Impact {
    Skip,
    Check,
}

/// Reports what changed in each API since the manifests on disk (and with [`Impact::Check`], what
/// it breaks in the crates that use the generated one), then how `generated/` differs from what
/// the specs produce; true when it does not.
fn check_as(format: Format, impact: Impact) -> Result<bool> {
    let root = project_root();
    let Compared { generated, release, drift } = drift_with_report(&root)?;
    let impact = match impact {
        Impact::Check if !drift.is_empty() => Some(report::impact(&root, &root.join("target"), &generated, CALLS)?),
        Impact::Check | Impact::Skip => None,
    };
    let fix = format!(
        "generated code is out of date ({} files differ); run `{REGENERATE}` and commit the result",
        drift.len()
    );
    if format == Format::Json {
        let status = |d: &Drift| match d {
            Drift::Changed { .. } => "changed",
            Drift::Missing { .. } => "missing",
            Drift::Extra { .. } => "extra",
        };
        let files: Vec<(String, &str)> =
            drift.iter().map(|(folder, d)| (format!("{folder}/{}", d.path()), status(d))).collect();
        report::print_json(&release, specs::PACKAGE, Some(drift.is_empty()), &files);
        if let Some((dependents, errors)) = &impact {
            report::print_impact(dependents, errors, true);
        }
        if !drift.is_empty() {
            errln!("{fix}");
        }
        return Ok(drift.is_empty());
    }
    report::print_text(&release, specs::PACKAGE);
    if let Some((dependents, errors)) = &impact {
        report::print_impact(dependents, errors, false);
    }
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
    errln!("{fix}");
    Ok(false)
}

/// How `generated/` and the generated end-to-end calls differ from what the specs produce now,
/// each difference with its folder.
pub fn drift(root: &Path) -> Result<Vec<(&'static str, Drift)>> {
    Ok(drift_with_report(root)?.drift)
}

/// What the specs generate now, compared with disk.
struct Compared {
    generated: GeneratedCrate,
    /// The change report against the manifests on disk, and the version and changelog it gives.
    release: Release,
    /// How the files on disk differ, each difference with its folder.
    drift: Vec<(&'static str, Drift)>,
}

/// [`drift`], with what the specs generate and their change report.
fn drift_with_report(root: &Path) -> Result<Compared> {
    let (generated, release) = specs::generate_with_report(root)?;
    let crate_drift = write::sync(&generated_dir(root), &generated.files, Mode::Check)?.drift;
    let calls_drift = write::sync(&calls_dir(root), &generated.calls, Mode::Check)?.drift;
    let labelled = |folder: &'static str| move |d: Drift| (folder, d);
    let drift = crate_drift
        .into_iter()
        .map(labelled("generated"))
        .chain(calls_drift.into_iter().map(labelled(CALLS)))
        .collect();
    Ok(Compared { generated, release, drift })
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

        let error = super::regenerate(&root, super::Format::Text).unwrap_err().to_string();
        assert!(error.contains("specs/b-broken.yaml"), "{error}");
        assert_eq!(fs::read_to_string(root.join("generated/src/lib.rs")).unwrap(), before);
        let written: Vec<_> = fs::read_dir(root.join("generated/src")).unwrap().collect();
        assert_eq!(written.len(), 1, "nothing was added for the good spec either");

        fs::remove_file(root.join("specs/b-broken.yaml")).unwrap();
        assert!(super::regenerate(&root, super::Format::Text).unwrap());
        assert!(fs::read_to_string(root.join("generated/src/lib.rs")).unwrap().contains("pub mod a_good;"));
        fs::remove_dir_all(&root).unwrap();
    }

    /// A spec update in a scratch project: the first run writes the baseline, the update is
    /// reported, bumps the version and adds a changelog section, `check` then passes, and a second
    /// run writes nothing.
    #[test]
    fn a_spec_update_is_reported_versioned_and_logged_once() {
        use super::Format;
        let root = std::env::temp_dir().join(format!("xtask-spec-update-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("specs")).unwrap();
        let fixture = super::project_root().join("codegen/tests/report/struct_fields");
        let spec = root.join("specs/pets.yaml");
        fs::copy(fixture.join("old.yaml"), &spec).unwrap();
        assert!(super::regenerate(&root, Format::Text).unwrap());
        let generated = root.join("generated");
        let version = || {
            let manifest = fs::read_to_string(generated.join("Cargo.toml")).unwrap();
            manifest.lines().find_map(|l| l.strip_prefix("version = ")).unwrap().trim_matches('"').to_string()
        };
        assert_eq!(version(), "0.1.0");
        assert!(generated.join("api/pets.json").exists());
        assert!(super::drift(&root).unwrap().is_empty(), "check passes after the first run");

        fs::copy(fixture.join("new.yaml"), &spec).unwrap();
        let super::Compared { release, drift, .. } = super::drift_with_report(&root).unwrap();
        assert!(release.reports[0].is_breaking(), "{}", release.reports[0].to_text());
        let paths: Vec<&str> = drift.iter().map(|(_, d)| d.path()).collect();
        for path in ["Cargo.toml", "CHANGELOG.md", "api/pets.json", "src/pets/types.rs"] {
            assert!(paths.contains(&path), "check reports {path} as out of date: {paths:?}");
        }
        assert!(super::regenerate(&root, Format::Json).unwrap());
        assert_eq!(version(), "0.2.0");
        let changelog = fs::read_to_string(generated.join("CHANGELOG.md")).unwrap();
        assert_eq!(changelog.matches("\n## ").count(), 2, "{changelog}");
        assert!(changelog.contains("\n## 0.2.0\n\n### pets 2 (was 1) from `specs/pets.yaml`\n"), "{changelog}");
        assert!(super::drift(&root).unwrap().is_empty(), "check passes right after regenerate");

        let before = fs::read_to_string(generated.join("CHANGELOG.md")).unwrap();
        assert!(super::regenerate(&root, Format::Text).unwrap());
        assert_eq!(version(), "0.2.0", "a second run bumps nothing");
        assert_eq!(fs::read_to_string(generated.join("CHANGELOG.md")).unwrap(), before);
        fs::remove_dir_all(&root).unwrap();
    }

    /// `check --impact` on a scratch copy of the workspace in which Devin's revoke operation gains
    /// a required query parameter: every hand-written call of it stops compiling. It checks the
    /// crates that depend on the generated one in the copy, in the project's target folder, so
    /// the dependencies the workspace has built already are reused (about 10 s warm).
    #[test]
    fn downstream_impact_lists_the_call_sites_an_update_breaks() {
        let project = super::project_root();
        let root = project.join("target/impact/test-project");
        let _ = fs::remove_dir_all(&root);
        super::report::copy_workspace(&project, &root).unwrap();
        let spec = root.join("specs/devin-v3.yaml");
        let text = fs::read_to_string(&spec).unwrap();
        let path_param = "        - in: path\n          name: api_key_id\n";
        assert!(text.contains(path_param));
        let required_query =
            "        - in: query\n          name: reason\n          required: true\n          schema: {type: string}\n";
        fs::write(&spec, text.replacen(path_param, &format!("{required_query}{path_param}"), 1)).unwrap();

        let super::Compared { generated, release, drift } = super::drift_with_report(&root).unwrap();
        assert!(!drift.is_empty());
        let devin = release.reports.iter().find(|r| r.module == "devin").unwrap();
        assert!(
            devin.to_text().contains("breaking: parameter `revoke_service_user_api_key(reason)` added"),
            "{}",
            devin.to_text()
        );
        let (dependents, errors) =
            super::report::impact(&root, &project.join("target"), &generated, super::CALLS).unwrap();
        // downstream-tests calls Blaxel only: it depends on the crate, and nothing in it breaks.
        assert_eq!(dependents, ["client-tests", "downstream-tests"]);
        super::report::print_impact(&dependents, &errors, false);
        for file in ["errors.rs", "hostile.rs", "https.rs", "policies.rs"] {
            let path = format!("client-tests/tests/{file}:");
            assert!(errors.iter().any(|e| e.starts_with(&path)), "{file} calls the operation: {errors:#?}");
        }
        assert!(errors.iter().all(|e| e.contains("error[E0061]")), "argument count errors only: {errors:#?}");
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
