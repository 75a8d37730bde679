//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The pinned Prism install, inside the project.
pub const PRISM_DIR: &str = "tools/prism";

pub fn run_all(root: &Path) -> Result<bool> {
    step(
        "formatting of hand-written code",
        &mut cargo(
            root,
            &[
                "fmt",
                "--check",
                "-p",
                "codegen",
                "-p",
                "xtask",
                "-p",
                "client-tests",
                "-p",
                "fixture-tests",
                "-p",
                "downstream-tests",
            ],
        ),
    )?;
    step(
        "formatting of the runtime source",
        Command::new("rustfmt").current_dir(root).args(["--check", "--edition", "2024", "codegen/runtime/mod.rs"]),
    )?;
    outln!("==> drift check (generated/ is what the specs produce)");
    if !crate::check()? {
        bail!("generated/ is out of date");
    }
    step(
        "clippy, warnings denied",
        &mut cargo(root, &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
    )?;
    // The feature sets a downstream crate may pick: the types alone, each API alone, and the
    // `rustls-ring` backend instead of the default one (with one API: what it changes is in the
    // runtime). The `mock` feature needs no set of its own: downstream-tests turns it on, so the
    // workspace clippy above and `cargo test --workspace` below (the generated README's doctests
    // against the mock server) compile it.
    let apis = crate::specs::api_features(root)?;
    let mut feature_sets = vec![("the generated types alone (no `client` feature)".to_string(), apis.join(","))];
    for api in &apis {
        feature_sets.push((format!("the generated client with `{api}` alone"), format!("client,{api}")));
    }
    if let Some(api) = apis.first() {
        feature_sets
            .push((format!("the generated client on `rustls-ring` with `{api}`"), format!("client,rustls-ring,{api}")));
    }
    for (what, features) in feature_sets {
        let args = ["clippy", "-p", crate::specs::PACKAGE, "--no-default-features", "--features", &features];
        step(
            &format!("clippy on {what}, warnings denied"),
            &mut cargo(root, &[&args[..], &["--", "-D", "warnings"]].concat()),
        )?;
    }
    step(
        "docs of the generated crate and of the generator, warnings denied",
        cargo(root, &["doc", "-p", crate::specs::PACKAGE, "-p", "codegen", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    outln!("==> every corpus spec generates a crate that passes clippy, warnings denied");
    if !crate::standalone::corpus(root)? {
        bail!("the corpus check failed");
    }
    outln!("==> wire-compatible spec changes keep callers compiling, breaking ones do not");
    crate::semver::run(root)?;
    install_prism(root)?;
    outln!("==> tests (unit, golden, mock server, Prism)");
    let (passed, failed) = run_tests(&mut cargo(root, &["test", "--workspace"]))?;
    // One closing line for the whole run; cargo's own last line is only its last test binary's.
    outln!("tests: {passed} passed, {failed} failed");
    if failed > 0 || passed == 0 {
        bail!("tests failed");
    }
    outln!("all checks passed");
    Ok(true)
}

/// Runs `cargo test`, echoing its output, and adds up the `test result:` lines.
fn run_tests(command: &mut Command) -> Result<(usize, usize)> {
    use std::io::{BufRead, BufReader};
    let mut child = command.stdout(std::process::Stdio::piped()).spawn().context("starting cargo test")?;
    let (mut passed, mut failed) = (0, 0);
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line.context("reading cargo test output")?;
        outln!("{line}");
        if let Some(summary) = line.strip_prefix("test result: ") {
            passed += count_before(summary, " passed");
            failed += count_before(summary, " failed");
        }
    }
    let status = child.wait()?;
    if !status.success() && failed == 0 {
        failed += 1; // a build failure or a crashed test binary reports no count
    }
    Ok((passed, failed))
}

/// The number just before `label` in a `test result:` line.
fn count_before(summary: &str, label: &str) -> usize {
    summary
        .split(';')
        .find_map(|part| part.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ").strip_suffix(label))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

pub fn cargo(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root).args(args);
    command
}

fn step(name: &str, command: &mut Command) -> Result<()> {
    outln!("==> {name}");
    let status = command.status().with_context(|| format!("starting {command:?}"))?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

/// Installs the pinned Prism with `npm ci` unless it is already there.
fn install_prism(root: &Path) -> Result<()> {
    let dir = root.join(PRISM_DIR);
    if dir.join("node_modules/.bin/prism").exists() {
        return Ok(());
    }
    step(
        "installing Prism (pinned in tools/prism/package-lock.json)",
        Command::new("npm").current_dir(&dir).args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]),
    )
}

#[cfg(test)]
mod tests {
    use super::count_before;

    #[test]
    fn counts_come_from_cargo_summaries() {
        let ok = "ok. 26 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!((count_before(ok, " passed"), count_before(ok, " failed")), (26, 0));
        let bad = "FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!((count_before(bad, " passed"), count_before(bad, " failed")), (3, 2));
    }
}
