//! The change report on the command line: what a spec update changes in the generated API, as
//! `regenerate` and `check` print it before anything else, or as one JSON document (`--json`).

use std::path::Path;

use anyhow::{Context, Result};
use codegen::model::Api;
use codegen::report::{self, Release, Report, Status};

/// How a command prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Lines for people: the report per spec, then what was written or what differs.
    Text,
    /// One JSON document on stdout for machines; warnings and errors go to stderr.
    Json,
}

/// Compares `apis` with the manifests, version and changelog on disk in the generated crate at
/// `crate_dir`, and derives the new version and changelog.
pub fn plan(crate_dir: &Path, apis: &[Api], package: &str, command: &str) -> Result<Release> {
    let baseline = report::Baseline::read(crate_dir).context("reading the API manifests the report compares with")?;
    Ok(report::plan(&baseline, apis, package, &codegen::format::preamble(command))?)
}

/// Each spec's report, then the crate version it gives.
pub fn print_text(release: &Release, package: &str) {
    for report in &release.reports {
        out!("{}", report.to_text());
    }
    outln!("{}", version_line(release, package));
}

/// `vendor-apis 0.1.0 -> 0.2.0: breaking changes in blaxel`, or the version kept and why.
pub fn version_line(release: &Release, package: &str) -> String {
    let names = |keep: fn(&Report) -> bool| -> String {
        let modules: Vec<&str> = release.reports.iter().filter(|r| keep(r)).map(|r| r.module.as_str()).collect();
        modules.join(", ")
    };
    let (previous, version) = (&release.previous_version, &release.version);
    if release.reports.iter().all(|r| r.status == Status::Initial) && !release.reports.is_empty() {
        format!("{package} {version}: first API manifests written, nothing to compare with")
    } else if release.reports.iter().any(Report::is_breaking) {
        format!("{package} {previous} -> {version}: breaking changes in {}", names(Report::is_breaking))
    } else if previous != version {
        format!(
            "{package} {previous} -> {version}: compatible changes in {}",
            names(|r| !matches!(r.status, Status::Unchanged | Status::Initial))
        )
    } else {
        format!("{package} {version}: no API change")
    }
}

/// The JSON document of `--json`: the release, and each file with what happened to it
/// (`changed`, `missing` or `extra` for `check`; `written` or `removed` for `regenerate`).
pub fn print_json(release: &Release, package: &str, up_to_date: Option<bool>, files: &[(String, &str)]) {
    outln!("{}", release.to_json(package, up_to_date, files));
}

/// Where `check --impact` builds the workspace with the regenerated crate, inside `target/`.
const IMPACT_WORKSPACE: &str = "target/impact/workspace";

/// What breaks downstream: copies the workspace (without `target/`, `.git/` and `tools/`) under
/// `target/impact/`, writes the regenerated crate and end-to-end calls into the copy, and runs
/// `cargo check --all-targets` on every workspace crate that depends on the generated one, in the
/// target folder `target` (the workspace's own, so that dependencies are not built again).
/// Returns the crates checked, and each error as `path:line:column: error[..]: message`, with
/// paths as they are in the workspace.
pub fn impact(
    root: &Path,
    target: &Path,
    generated: &codegen::GeneratedCrate,
    calls: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    use codegen::write::{self, Mode};
    let dependents = dependents(root)?;
    let scratch = root.join(IMPACT_WORKSPACE);
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).with_context(|| format!("clearing {}", scratch.display()))?;
    }
    copy_workspace(root, &scratch)?;
    write::sync(&crate::generated_dir(&scratch), &generated.files, Mode::Write)?;
    write::sync(&scratch.join(calls), &generated.calls, Mode::Write)?;
    let mut command = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(&scratch).env("CARGO_TARGET_DIR", target);
    // `--keep-going`: every target that breaks, not only the first.
    command.args(["check", "--all-targets", "--keep-going", "--message-format", "short", "--quiet"]);
    for package in &dependents {
        command.args(["-p", package]);
    }
    let output = command.output().context("running cargo check on the crates that depend on the generated one")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut errors: Vec<(String, u32, u32, &str)> = stderr.lines().filter_map(located_error).collect();
    errors.sort();
    errors.dedup();
    Ok((dependents, errors.into_iter().map(|(.., line)| line.to_string()).collect()))
}

/// The file, line and column of a `client-tests/tests/blaxel.rs:12:5: error[E0599]: ...` line,
/// with the line.
fn located_error(line: &str) -> Option<(String, u32, u32, &str)> {
    let mut parts = line.splitn(4, ':');
    let (file, row, column, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let located = (file.to_string(), row.parse().ok()?, column.parse().ok()?, line);
    rest.trim_start().starts_with("error").then_some(located)
}

/// The workspace crates that depend on the generated crate, from `cargo tree`.
fn dependents(root: &Path) -> Result<Vec<String>> {
    let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["tree", "--workspace", "--invert", crate::specs::PACKAGE, "--edges", "normal,dev,build"])
        .args(["--depth", "1", "--prefix", "none", "--quiet"])
        .output()
        .context("running cargo tree")?;
    let generated = crate::generated_dir(root);
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| {
            line.contains(&format!("({})", root.display())) || line.contains(&format!("({}/", root.display()))
        })
        .filter(|line| !line.contains(&format!("({})", generated.display())))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect())
}

/// Copies the workspace at `root` to `to`, leaving out build output, history and tools.
pub fn copy_workspace(root: &Path, to: &Path) -> Result<()> {
    const SKIPPED: &[&str] = &["target", ".git", "tools", "node_modules"];
    let mut stack = vec![(root.to_path_buf(), to.to_path_buf())];
    while let Some((from, to)) = stack.pop() {
        std::fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
        for entry in std::fs::read_dir(&from).with_context(|| format!("listing {}", from.display()))? {
            let entry = entry?;
            let name = entry.file_name();
            if SKIPPED.iter().any(|s| name == *s) {
                continue;
            }
            let (source, target) = (entry.path(), to.join(&name));
            if entry.file_type()?.is_dir() {
                stack.push((source, target));
            } else {
                std::fs::copy(&source, &target).with_context(|| format!("copying {}", source.display()))?;
            }
        }
    }
    Ok(())
}

/// The impact as lines: which crates were checked, then each error.
pub fn print_impact(dependents: &[String], errors: &[String], to_stderr: bool) {
    let checked = if dependents.is_empty() { "no crate depends on it".to_string() } else { dependents.join(", ") };
    let head = if errors.is_empty() {
        format!("downstream impact: {checked} compile against the regenerated crate")
    } else {
        format!("downstream impact: {} errors in {checked} against the regenerated crate:", errors.len())
    };
    let lines = std::iter::once(head).chain(errors.iter().map(|e| format!("  {e}")));
    for line in lines {
        if to_stderr {
            errln!("{line}");
        } else {
            outln!("{line}");
        }
    }
}
