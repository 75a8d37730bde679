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
    names.into_iter().map(|name| read_spec(&dir.join(&name), &format!("specs/{name}"))).collect()
}

/// Reads the spec at `path` and its settings file (`<stem>.toml` beside it, if any); `shown` is
/// how messages and generated docs name the spec.
pub fn read_spec(path: &Path, shown: &str) -> Result<SpecInput> {
    let text = fs::read_to_string(path).map_err(|source| codegen::Error::Read { file: shown.to_string(), source })?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.split_once('.').map_or(name.as_str(), |(stem, _)| stem);
    let settings_path = path.with_file_name(format!("{stem}.toml"));
    let settings_shown = format!("{}{stem}.toml", shown.strip_suffix(name.as_str()).unwrap_or_default());
    let settings = match fs::read_to_string(&settings_path) {
        Ok(text) => Settings::from_toml(&settings_shown, &text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
        Err(source) => return Err(codegen::Error::Read { file: settings_shown, source }.into()),
    };
    Ok(SpecInput { file: shown.to_string(), text, settings })
}

fn is_spec(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.contains(".overlay.") && [".yaml", ".yml", ".json"].iter().any(|ext| lower.ends_with(ext))
}

/// Generates the whole crate from `specs/`, in memory.
pub fn generate_all(root: &Path) -> Result<GeneratedCrate> {
    let specs = read_specs(root)?;
    let config = CrateConfig {
        package: PACKAGE.to_string(),
        version: "0.1.0".to_string(),
        description: None,
        standalone: false,
    };
    Ok(codegen::generate(&config, &specs, crate::REGENERATE)?)
}
