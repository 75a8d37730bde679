//! Crates generated from any spec, outside `generated/`: `cargo xtask generate`, and
//! `cargo xtask corpus`, which proves every corpus spec yields a crate that passes clippy.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use codegen::write::{self, Mode};
use codegen::{ApiSummary, CrateConfig};

/// The real-world specs, beside the project in the shared folder: those the generator handles,
/// and (`corpus-next`) the ones it was taught to handle since.
const CORPUS: &[&str] = &["../shared/corpus", "../shared/corpus-next"];

/// The golden fixtures, one small spec per feature.
const GOLDEN: &str = "codegen/tests/golden";

/// The OpenAPI Initiative's own schema tests: small documents the specification's schema accepts
/// (`pass/`) or refuses (`fail/`).
const SCHEMA_TESTS: &str = "../shared/oai-schema-tests";

/// Generates a standalone crate from `spec` into `out`; prints what it wrote.
pub fn generate(spec: &Path, out: &Path, name: Option<&str>) -> Result<bool> {
    let summary = generate_into(spec, out, name)?;
    for warning in &summary.warnings {
        outln!("warning: {warning}");
    }
    outln!("{} -> {}: {} operations, {} types", summary.file, out.display(), summary.operations, summary.types);
    Ok(true)
}

fn generate_into(spec: &Path, out: &Path, name: Option<&str>) -> Result<ApiSummary> {
    let shown = spec.display().to_string();
    let input = codegen::SpecInput::read(spec, &shown)?;
    let package = match name {
        Some(name) => name.to_string(),
        None => format!("{}-client", input.module().as_str().replace('_', "-")),
    };
    let config = CrateConfig { package, version: "0.1.0".into(), description: None, standalone: true };
    let command = format!("cargo xtask generate {shown}");
    let generated = codegen::generate(&config, &[input], &command)?;
    write::sync(out, &generated.files, Mode::Write).with_context(|| format!("writing {}", out.display()))?;
    Ok(generated.apis.into_iter().next().expect("one spec in, one API out"))
}

/// Generates a crate for every corpus spec under `target/corpus/`, and one crate for all the
/// golden fixtures' specs (whose expected files are compared, not compiled, by the golden test)
/// and one for the specification's schema tests, one module per spec, so that clippy runs once
/// for each; runs clippy on each with warnings denied, and its examples test (types only, no
/// HTTP stack), sharing one target folder; prints a table of figures.
pub fn corpus(root: &Path) -> Result<bool> {
    let mut specs: Vec<PathBuf> = Vec::new();
    for folder in CORPUS {
        specs.extend(documents(&root.join(folder))?);
    }
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join(GOLDEN))?
        .filter_map(|e| e.ok().map(|e| e.path().join("spec.yaml")))
        .filter(|p| p.exists())
        .collect();
    fixtures.sort();
    let out_root = root.join("target/corpus");
    let target = root.join("target/corpus-target");
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for spec in &specs {
        let stem = crate_stem(spec);
        let out = out_root.join(&stem);
        let started = Instant::now();
        let summary = generate_into(spec, &out, Some(&format!("{}-client", stem.replace('_', "-"))))?;
        let generate_ms = started.elapsed().as_secs_f64() * 1000.0;
        let checked = check_crate(&out, &target, Some(summary.module.as_str()))?;
        for warning in &summary.warnings {
            outln!("warning: {warning}");
        }
        if !checked.passed() {
            failed.push(stem.clone());
        }
        rows.push(checked.row(&stem, &[summary], generate_ms));
    }
    // Each fixture is a module named after its folder, as in the golden test.
    let mut inputs = fixtures
        .iter()
        .map(|spec| codegen::SpecInput::read(spec, &format!("{}.yaml", crate_stem(spec))))
        .collect::<codegen::Result<Vec<_>>>()?;
    // A fixture that replaces a schema with a type of the crate it is generated into needs that
    // type: fixture-tests provides it and compiles such fixtures; this crate has none.
    inputs.retain(|input| {
        let own = input.settings.replace_types.values().any(|path| path.starts_with("crate::"));
        if own {
            outln!("note: {} names types of its own crate (`crate::...`): compiled in fixture-tests", input.file);
        }
        !own
    });
    let fixtures_out = out_root.join("golden_fixtures");
    let label = format!("{} golden fixtures in one crate", inputs.len());
    let (row, passed) = one_crate("golden-fixtures", &label, &inputs, &fixtures_out, &target)?;
    rows.push(row);
    if !passed {
        failed.push("the golden fixtures".to_string());
    }
    let (row, schema_failures) = schema_tests(&root.join(SCHEMA_TESTS), &out_root, &target)?;
    rows.push(row);
    failed.extend(schema_failures);
    outln!(
        "| spec | operations | types | left out | other warnings | generate | clippy | clippy -D warnings | examples test |"
    );
    outln!("|---|---|---|---|---|---|---|---|---|");
    rows.iter().for_each(|row| outln!("{row}"));
    if !failed.is_empty() {
        bail!("clippy or the examples test failed on the crates generated from {}", failed.join(", "));
    }
    // The runtime's unit tests are not in the copies a generated crate holds (they run once, in
    // fixture-tests, which compiles the runtime's own source), so there is nothing to run here.
    Ok(true)
}

/// The OpenAPI documents in `folder`, sorted.
fn documents(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .with_context(|| format!("specs are read from {}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .collect();
    found.sort();
    Ok(found)
}

/// What clippy and the examples test said of one generated crate, and how long clippy took.
struct Checked {
    clippy: bool,
    clippy_s: f64,
    examples: &'static str,
}

impl Checked {
    fn passed(&self) -> bool {
        self.clippy && self.examples != "FAILED"
    }

    /// The table row of a crate generated from the APIs `summaries`.
    fn row(&self, name: &str, summaries: &[ApiSummary], generate_ms: f64) -> String {
        let operations: usize = summaries.iter().map(|s| s.operations).sum();
        let types: usize = summaries.iter().map(|s| s.types).sum();
        let omissions: usize = summaries.iter().map(|s| s.omissions).sum();
        let warnings: usize = summaries.iter().map(|s| s.warnings.len()).sum();
        format!(
            "| {name} | {operations} | {types} | {omissions} | {} | {generate_ms:.0} ms | {:.1} s | {} | {} |",
            warnings - omissions,
            self.clippy_s,
            if self.clippy { "clean" } else { "FAILED" },
            self.examples
        )
    }
}

/// Runs clippy (warnings denied) on the crate in `out`, and its examples test when it has one,
/// with only `feature` (an API module) on when given, else with the default features.
fn check_crate(out: &Path, target: &Path, feature: Option<&str>) -> Result<Checked> {
    let cargo = |args: &[&str]| {
        crate::test::cargo(out, args)
            .env("CARGO_TARGET_DIR", target)
            .status()
            .with_context(|| format!("running cargo {}", args.join(" ")))
    };
    let started = Instant::now();
    let clippy = cargo(&["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])?.success();
    let clippy_s = started.elapsed().as_secs_f64();
    let examples = match out.join("tests/examples.rs").exists() {
        true => {
            let features: Vec<&str> = match feature {
                Some(module) => vec!["--no-default-features", "--features", module],
                None => Vec::new(),
            };
            let passed = cargo(&[&["test", "--quiet", "--test", "examples"][..], &features].concat())?.success();
            if passed { "pass" } else { "FAILED" }
        }
        false => "none",
    };
    Ok(Checked { clippy, clippy_s, examples })
}

/// Generates one crate named `package` with a module per spec of `inputs` into `out`, and checks
/// it as [`check_crate`] does: its table row (named `label`), and whether it passed.
fn one_crate(
    package: &str,
    label: &str,
    inputs: &[codegen::SpecInput],
    out: &Path,
    target: &Path,
) -> Result<(String, bool)> {
    let started = Instant::now();
    let config = CrateConfig { package: package.into(), version: "0.1.0".into(), description: None, standalone: true };
    let generated = codegen::generate(&config, inputs, "cargo xtask corpus")?;
    write::sync(out, &generated.files, Mode::Write).with_context(|| format!("writing {}", out.display()))?;
    let generate_ms = started.elapsed().as_secs_f64() * 1000.0;
    let checked = check_crate(out, target, None)?;
    Ok((checked.row(label, &generated.apis, generate_ms), checked.passed()))
}

/// The specification's schema tests: every document of `pass/` generates (all of them into one
/// crate, one module each, so that clippy runs once), every one of `fail/` is refused with an
/// error that names a line. Returns the table row and what failed.
fn schema_tests(folder: &Path, out_root: &Path, target: &Path) -> Result<(String, Vec<String>)> {
    let mut failed = Vec::new();
    let mut inputs = Vec::new();
    for document in documents(&folder.join("pass"))? {
        let shown = format!("pass/{}", document.file_name().unwrap_or_default().to_string_lossy());
        inputs.push(codegen::SpecInput::read(&document, &shown)?);
    }
    let mut refused = 0;
    let failing = documents(&folder.join("fail"))?;
    for document in &failing {
        let shown = format!("fail/{}", document.file_name().unwrap_or_default().to_string_lossy());
        let outcome = codegen::SpecInput::read(document, &shown).and_then(|input| codegen::build_api(&input));
        let located = |mut error: codegen::Error| {
            let lines = error.locations_mut().iter().all(|l| l.line_col.is_some()) && !error.locations_mut().is_empty();
            (lines, error)
        };
        match outcome.map_err(located) {
            Err((true, error)) => {
                outln!("refused as it should be: {error}");
                refused += 1;
            }
            Err((false, error)) => {
                errln!("oai-schema-tests/{shown}: refused, but the error names no line: {error}");
                failed.push(format!("oai-schema-tests/{shown}"));
            }
            Ok(_) => {
                errln!("oai-schema-tests/{shown}: accepted; the specification's schema refuses it");
                failed.push(format!("oai-schema-tests/{shown}"));
            }
        }
    }
    let label = format!(
        "oai-schema-tests: {} pass/ in one crate, {refused} of {} fail/ refused with a line",
        inputs.len(),
        failing.len()
    );
    let out = out_root.join("oai_schema_tests");
    let (row, passed) = one_crate("oai-schema-tests", &label, &inputs, &out, target)
        .map_err(|e| anyhow::anyhow!("the oai-schema-tests/pass documents: {e}"))?;
    if !passed {
        failed.push("oai-schema-tests/pass".to_string());
    }
    Ok((row, failed))
}

/// A golden fixture's spec is always `<fixture>/spec.yaml`.
fn is_fixture(spec: &Path) -> bool {
    spec.file_stem().is_some_and(|stem| stem == "spec")
}

/// The name of the crate generated from `spec`: its file stem, or a fixture's folder.
fn crate_stem(spec: &Path) -> String {
    let named_by = if is_fixture(spec) { spec.parent().and_then(Path::file_name) } else { spec.file_stem() };
    named_by.unwrap_or_default().to_string_lossy().into_owned()
}
