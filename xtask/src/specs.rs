//! The vendored specs: found by listing `specs/`, each with its optional settings file.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use codegen::{CrateConfig, GeneratedCrate, Settings, SpecInput};

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
    names
        .into_iter()
        .map(|name| {
            let file = format!("specs/{name}");
            let text = fs::read_to_string(dir.join(&name))
                .map_err(|source| codegen::Error::Read { file: file.clone(), source })?;
            let stem = name.split_once('.').map_or(name.as_str(), |(stem, _)| stem);
            let settings_file = format!("specs/{stem}.toml");
            let settings = match fs::read_to_string(root.join(&settings_file)) {
                Ok(text) => Settings::from_toml(&settings_file, &text)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
                Err(source) => return Err(codegen::Error::Read { file: settings_file, source }.into()),
            };
            Ok(SpecInput { file, text, settings })
        })
        .collect()
}

fn is_spec(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.contains(".overlay.") && [".yaml", ".yml", ".json"].iter().any(|ext| lower.ends_with(ext))
}

/// Generates the whole crate from `specs/`, in memory.
pub fn generate_all(root: &Path) -> Result<GeneratedCrate> {
    let specs = read_specs(root)?;
    let config = CrateConfig { package: PACKAGE.to_string(), version: "0.1.0".to_string(), description: None };
    Ok(codegen::generate(&config, &specs, crate::REGENERATE)?)
}
