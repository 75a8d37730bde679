//! The vendored specs: found by listing `specs/`, each with its optional settings file.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use codegen::report::Release;
use codegen::{CrateConfig, GeneratedCrate, SpecInput};

/// The generated crate's package name.
pub const PACKAGE: &str = "vendor-apis";

/// Every spec in `specs/` (`.yaml`, `.yml`, `.json`; not settings or overlay files), by file name.
pub fn read_specs(root: &Path) -> Result<Vec<SpecInput>> {
    let dir = root.join("specs");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| is_spec(name))
        .collect();
    names.sort();
    names.into_iter().map(|name| Ok(SpecInput::read(&dir.join(&name), &format!("specs/{name}"))?)).collect()
}

/// The generated crate's API features, one per spec, in spec order.
pub fn api_features(root: &Path) -> Result<Vec<String>> {
    Ok(read_specs(root)?.iter().map(|s| s.module().to_string()).collect())
}

fn is_spec(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.contains(".overlay.") && [".yaml", ".yml", ".json"].iter().any(|ext| lower.ends_with(ext))
}

/// Generates the whole crate from `specs/`, in memory, with the change report against the API
/// manifests on disk. The crate's version follows the report (see `codegen::report::release`);
/// its files include the changelog and the new manifests, last, so that they are written last.
pub fn generate_with_report(root: &Path) -> Result<(GeneratedCrate, Release)> {
    let specs = read_specs(root)?;
    let apis = codegen::build_apis(&specs)?;
    let release = crate::report::plan(&crate::generated_dir(root), &apis, PACKAGE, crate::REGENERATE)?;
    let config = CrateConfig {
        package: PACKAGE.to_string(),
        version: release.version.clone(),
        description: None,
        standalone: false,
    };
    let mut generated = codegen::generate_apis(&config, &apis, crate::REGENERATE)?;
    generated.files.extend(release.files.iter().cloned());
    Ok((generated, release))
}
