//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The pinned Prism install, inside the project.
pub const PRISM_DIR: &str = "tools/prism";

pub fn run_all(root: &Path) -> Result<bool> {
    step(
        "formatting of hand-written code",
        &mut cargo(root, &["fmt", "--check", "-p", "codegen", "-p", "xtask", "-p", "client-tests"]),
    )?;
    step(
        "formatting of the runtime source",
        Command::new("rustfmt").current_dir(root).args(["--check", "--edition", "2024", "codegen/runtime/runtime.rs"]),
    )?;
    println!("==> drift check (generated/ is what the specs produce)");
    if !crate::check()? {
        bail!("generated/ is out of date");
    }
    step(
        "clippy, warnings denied",
        &mut cargo(root, &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
    )?;
    step(
        "docs of the generated crate, warnings denied",
        cargo(root, &["doc", "-p", crate::specs::PACKAGE, "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    install_prism(root)?;
    step("tests (unit, golden, mock server, Prism)", &mut cargo(root, &["test", "--workspace"]))?;
    println!("all checks passed");
    Ok(true)
}

fn cargo(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root).args(args);
    command
}

fn step(name: &str, command: &mut Command) -> Result<()> {
    println!("==> {name}");
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
