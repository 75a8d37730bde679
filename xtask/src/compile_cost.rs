//! `cargo xtask compile-cost`: what the generated crate costs the crates that depend on it, as a
//! markdown table: build times (cold, the crate alone, after touching one file), crates in the
//! dependency tree, and lines of code per operation; then the largest corpus spec side by side
//! with progenitor ([`crate::peers`]). Timings of the generated crate are single runs of a dev
//! build on this machine; run it with nothing else running.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::specs::PACKAGE;

/// One way a downstream crate may depend on the generated crate.
struct Config {
    name: String,
    /// Arguments selecting the features.
    features: Vec<String>,
    /// The API whose `types.rs` is touched for the incremental build.
    touched_api: String,
}

pub fn run(root: &Path) -> Result<bool> {
    let specs = crate::specs::read_specs(root)?;
    let apis: Vec<String> = specs.iter().map(|spec| spec.module().to_string()).collect();
    let mut configs =
        vec![Config { name: "default (client, every API)".into(), features: Vec::new(), touched_api: apis[0].clone() }];
    for api in &apis {
        configs.push(Config {
            name: format!("client, `{api}` alone"),
            features: vec!["--no-default-features".into(), "--features".into(), format!("client,{api}")],
            touched_api: api.clone(),
        });
    }
    configs.push(Config {
        name: "types only (no `client`), every API".into(),
        features: vec!["--no-default-features".into(), "--features".into(), apis.join(",")],
        touched_api: apis[0].clone(),
    });

    let target = root.join("target/compile-cost");
    let _ = std::fs::remove_dir_all(&target);
    outln!("| build | cold, with dependencies | the crate alone | after touching one file | crates in tree |");
    outln!("|---|---|---|---|---|");
    for (index, config) in configs.iter().enumerate() {
        // The default build runs first into an empty folder; the types-only build gets its own,
        // so that both cold figures start from nothing.
        let cold = if index == 0 || index == configs.len() - 1 {
            let folder = if index == 0 { target.clone() } else { root.join("target/compile-cost-types") };
            let _ = std::fs::remove_dir_all(&folder);
            let cold = build(root, &folder, &config.features)?;
            if index != 0 {
                let _ = std::fs::remove_dir_all(&folder);
            }
            Some(cold)
        } else {
            None
        };
        // Dependencies built for this feature set first, so that only the crate is timed.
        build(root, &target, &config.features)?;
        run_cargo(root, &target, &["clean", "--quiet", "-p", PACKAGE])?;
        let alone = build(root, &target, &config.features)?;
        let touched = root.join("generated/src").join(&config.touched_api).join("types.rs");
        let file = std::fs::File::options().append(true).open(&touched)?;
        file.set_modified(std::time::SystemTime::now())?;
        let incremental = build(root, &target, &config.features)?;
        let crates = crate_count(root, &config.features)?;
        outln!(
            "| {} | {} | {} | {} | {crates} |",
            config.name,
            cold.map_or("(shared with the default build)".to_string(), seconds),
            seconds(alone),
            seconds(incremental),
        );
    }
    outln!();
    lines_per_operation(root, &specs)?;
    crate::peers::run(root, crate::peers::ROUNDS)?;
    Ok(true)
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

fn build(root: &Path, target: &Path, features: &[String]) -> Result<Duration> {
    let mut args = vec!["build", "--quiet", "-p", PACKAGE];
    args.extend(features.iter().map(String::as_str));
    let started = Instant::now();
    run_cargo(root, target, &args)?;
    Ok(started.elapsed())
}

/// Runs cargo with `args` in `folder`, building into `target`; an error unless it succeeds.
pub fn run_cargo(folder: &Path, target: &Path, args: &[&str]) -> Result<()> {
    let status = crate::test::cargo(folder, args)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .with_context(|| format!("running cargo {} in {}", args.join(" "), folder.display()))?;
    if !status.success() {
        bail!("cargo {} failed in {} ({status})", args.join(" "), folder.display());
    }
    Ok(())
}

/// Distinct crates (packages) in the normal dependency tree, the generated crate included.
fn crate_count(root: &Path, features: &[String]) -> Result<usize> {
    let features: Vec<&str> = features.iter().map(String::as_str).collect();
    Ok(dependency_names(root, &features)?.len())
}

/// The names of the crates in the generated crate's normal dependency tree, sorted, each once;
/// `features` selects the feature set.
pub fn dependency_names(root: &Path, features: &[&str]) -> Result<Vec<String>> {
    let mut args = vec!["tree", "-p", PACKAGE, "-e", "normal", "--prefix", "none"];
    args.extend(features);
    let output = crate::test::cargo(root, &args).output().context("running cargo tree")?;
    if !output.status.success() {
        bail!("cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Lines of each API module and of the shared runtime, and lines per operation.
fn lines_per_operation(root: &Path, specs: &[codegen::SpecInput]) -> Result<()> {
    outln!("| module | operations | types | lines | lines per operation |");
    outln!("|---|---|---|---|---|");
    for model in codegen::build_apis(specs)? {
        let api = model.module.as_str();
        let lines = rust_census(&root.join("generated/src").join(api))?.lines;
        let per_operation = lines as f64 / model.operations.len().max(1) as f64;
        outln!("| `{api}` | {} | {} | {lines} | {per_operation:.0} |", model.operations.len(), model.types.len());
    }
    let runtime = rust_census(&root.join("generated/src/runtime"))?.lines;
    outln!("| `runtime` (shared, fixed) | | | {runtime} | |");
    Ok(())
}

/// What the Rust files under a folder hold, counted over every subfolder.
#[derive(Debug, Default, Clone, Copy)]
pub struct Census {
    pub lines: usize,
    /// Items that start a line as `pub struct` or `pub enum`.
    pub types: usize,
}

pub fn rust_census(folder: &Path) -> Result<Census> {
    let mut census = Census::default();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?.path();
        if entry.is_dir() {
            let inner = rust_census(&entry)?;
            census.lines += inner.lines;
            census.types += inner.types;
        } else if entry.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&entry)?;
            census.lines += text.lines().count();
            census.types += text
                .lines()
                .map(str::trim_start)
                .filter(|l| l.starts_with("pub struct ") || l.starts_with("pub enum "))
                .count();
        }
    }
    Ok(census)
}

#[cfg(test)]
mod tests {
    use super::rust_census;

    #[test]
    fn the_census_counts_rust_lines_and_public_types_in_every_subfolder() {
        let folder = std::env::temp_dir().join(format!("census-{}", std::process::id()));
        let inner = folder.join("api");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(folder.join("lib.rs"), "pub mod api;\npub struct A {}\n").unwrap();
        std::fs::write(inner.join("types.rs"), "    pub enum B {}\nstruct Private;\npub(crate) struct C;\n").unwrap();
        std::fs::write(inner.join("notes.md"), "pub struct NotRust {}\n").unwrap();
        let census = rust_census(&folder).unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        assert_eq!((census.lines, census.types), (5, 2));
    }
}
