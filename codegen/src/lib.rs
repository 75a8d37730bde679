//! The generator: OpenAPI 3.0/3.1 specs in, a typed Rust client crate out.
//!
//! The pipeline, one module per stage, each reading only the previous stage's output:
//! [`load`] (YAML/JSON, 3.1 lowered to 3.0, parsed) -> [`model`] (a typed IR, names resolved) ->
//! [`emit`] (token streams, and regular items laid out as text, from the IR only) ->
//! [`format`](mod@format) (prettyplease) -> [`write`](mod@write) (the
//! freshness gate: compare with disk, then write or report).

// The generated runtime's deviation records (`runtime/deviation.rs`, compiled here too), for
// the tools that read them: `cargo xtask conformance`. Its own docs say what they are.
#[path = "../runtime/deviation.rs"]
pub mod deviation;
pub mod emit;
pub mod error;
pub mod format;
pub mod load;
pub mod model;
pub mod report;
pub mod settings;
pub mod write;

pub use emit::CrateConfig;
pub use error::{Error, Location, Result};
pub use format::GeneratedFile;
pub use settings::Settings;

/// One spec to generate a module from.
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// The file as it should be named in messages and docs (for example `specs/devin-v3.yaml`).
    pub file: String,
    pub text: String,
    pub settings: Settings,
    /// An OpenAPI Overlay applied to the spec before it is read.
    pub overlay: Option<load::OverlaySource>,
    /// Where the spec is on disk: `$ref`s to other files are read beside it. `None` leaves such
    /// references unread, and what uses them out.
    pub path: Option<std::path::PathBuf>,
}

impl SpecInput {
    /// Reads the spec at `path` with its settings file (`<stem>.toml`) and overlay
    /// (`<stem>.overlay.yaml`, `.yml` or `.json`) when they are beside it; `shown` is how
    /// messages and generated docs name the spec (for example `specs/devin-v3.yaml`).
    pub fn read(path: &std::path::Path, shown: &str) -> Result<SpecInput> {
        let read = |path: &std::path::Path, file: &str| {
            std::fs::read_to_string(path).map_err(|source| Error::Read { file: file.to_string(), source })
        };
        let text = read(path, shown)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = spec_stem(&name);
        let folder = shown.strip_suffix(name.as_str()).unwrap_or_default();
        let beside = |file_name: &str| (path.with_file_name(file_name), format!("{folder}{file_name}"));

        let (settings_path, settings_file) = beside(&format!("{stem}.toml"));
        let settings = match settings_path.exists() {
            true => Settings::from_toml(&settings_file, &read(&settings_path, &settings_file)?)?,
            false => Settings::default(),
        };
        let mut overlay = None;
        for extension in ["yaml", "yml", "json"] {
            let (overlay_path, file) = beside(&format!("{stem}.overlay.{extension}"));
            if overlay_path.exists() {
                overlay = Some(load::OverlaySource { text: read(&overlay_path, &file)?, file });
                break;
            }
        }
        Ok(SpecInput { file: shown.to_string(), text, settings, overlay, path: Some(path.to_path_buf()) })
    }

    /// The module name: the settings' choice, or the file's stem in snake_case.
    pub fn module(&self) -> model::ident::Ident {
        self.settings.module.as_deref().map_or_else(|| model::ident::snake_name(self.stem()), model::ident::Ident::new)
    }

    /// The file's name up to its first dot (`devin-v3` for `specs/devin-v3.yaml`): the name its
    /// settings file and overlay go by.
    pub fn stem(&self) -> &str {
        spec_stem(&self.file)
    }

    /// The spec as written, with its overlay applied, and the OpenAPI line it declares: what
    /// [`build_api`] models, before the loader settles and lowers it.
    pub fn document(&self) -> Result<(serde_json::Value, load::SpecVersion)> {
        load::overlaid(&self.file, &self.text, self.overlay.as_ref())
    }
}

/// The name of the file at `path` (`/` or `\` separated) up to its first dot.
fn spec_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.split_once('.').map_or(name, |(stem, _)| stem)
}

/// Counts for one generated API, for the command line's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSummary {
    pub file: String,
    pub module: String,
    pub operations: usize,
    pub types: usize,
    /// What the generator left out or read otherwise than written, as `file:line:column at
    /// pointer: what and why`.
    pub warnings: Vec<String>,
    /// How many of the warnings are operations left out.
    pub omissions: usize,
}

/// A whole crate, in memory.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// The crate's files, relative to its root.
    pub files: Vec<GeneratedFile>,
    /// End-to-end test support: code that calls every operation with minimal valid arguments,
    /// relative to the folder the tests include it from; empty for a standalone crate.
    pub calls: Vec<GeneratedFile>,
    pub apis: Vec<ApiSummary>,
}

/// Loads and models one spec. Errors that name a node also give its line and column.
pub fn build_api(spec: &SpecInput) -> Result<model::Api> {
    let built = load::load_beside(&spec.file, &spec.text, spec.overlay.as_ref(), spec.path.as_deref())
        .and_then(|loaded| model::build(&loaded, &spec.module(), &spec.settings));
    let mut api = built.map_err(|error| with_position(error, spec))?;
    api.overlay = spec.overlay.as_ref().map(|o| o.file.clone());
    let pointers: Vec<&str> = api.warnings.iter().map(|w| w.pointer.as_str()).collect();
    let positions = load::positions_of(&spec.text, &pointers);
    for (warning, position) in api.warnings.iter_mut().zip(positions) {
        warning.line_col = position;
    }
    Ok(api)
}

/// Adds the line and column of each node an error names, from the file it names: one read of
/// each file, however many nodes the error names.
fn with_position(mut error: Error, spec: &SpecInput) -> Error {
    let overlay = spec.overlay.as_ref().map(|o| (o.file.as_str(), o.text.as_str()));
    for (file, text) in overlay.into_iter().chain([(spec.file.as_str(), spec.text.as_str())]) {
        let mut here: Vec<&mut Location> =
            error.locations_mut().into_iter().filter(|l| l.line_col.is_none() && l.file == file).collect();
        if here.is_empty() {
            continue;
        }
        let pointers: Vec<String> = here.iter().map(|l| l.pointer.clone()).collect();
        let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
        for (location, position) in here.iter_mut().zip(load::positions_of(text, &pointers)) {
            location.line_col = position;
        }
    }
    error
}

/// Generates a crate with one module per spec; `command` is named in every file's preamble.
pub fn generate(config: &CrateConfig, specs: &[SpecInput], command: &str) -> Result<GeneratedCrate> {
    generate_apis(config, &build_apis(specs)?, command)
}

/// Loads and models every spec, checking that no two share a module.
pub fn build_apis(specs: &[SpecInput]) -> Result<Vec<model::Api>> {
    let mut apis: Vec<model::Api> = Vec::with_capacity(specs.len());
    for spec in specs {
        let api = build_api(spec)?;
        if let Some(other) = apis.iter().find(|a| a.module == api.module) {
            return Err(Error::Settings {
                file: spec.file.clone(),
                message: format!(
                    "module `{}` is also the module of {}; set another `module` in this spec's settings file",
                    api.module, other.source
                ),
            });
        }
        apis.push(api);
    }
    check_dependencies(specs, &apis)?;
    Ok(apis)
}

/// The crates the settings add (`[dependencies]`) are new to the generated crate, and two specs
/// that add the same crate say the same of it.
fn check_dependencies(specs: &[SpecInput], apis: &[model::Api]) -> Result<()> {
    for (index, (spec, api)) in specs.iter().zip(apis).enumerate() {
        for dependency in &api.dependencies {
            let message = if emit::depends_on(apis, &dependency.name) {
                format!(
                    "`[dependencies]` adds `{}`, which the generated crate already depends on: use it as it is",
                    dependency.name
                )
            } else if let Some(other) = apis[..index]
                .iter()
                .find(|a| a.dependencies.iter().any(|d| d.name == dependency.name && d.spec != dependency.spec))
            {
                format!(
                    "`[dependencies]` gives `{}` as {}, but the settings of {} give it otherwise; one crate has one entry in Cargo.toml: make them the same",
                    dependency.name, dependency.spec, other.source
                )
            } else {
                continue;
            };
            return Err(Error::Settings { file: spec.settings.file_name().to_string(), message });
        }
    }
    Ok(())
}

/// [`generate`] from specs already modelled (by [`build_apis`]), for callers that read the IR
/// first, as the change report does.
pub fn generate_apis(config: &CrateConfig, apis: &[model::Api], command: &str) -> Result<GeneratedCrate> {
    let summaries = apis
        .iter()
        .map(|api| ApiSummary {
            file: api.source.clone(),
            module: api.module.to_string(),
            operations: api.operations.len(),
            types: api.types.len(),
            warnings: api.warnings.iter().map(|w| w.render(&api.source)).collect(),
            omissions: api.warnings.iter().filter(|w| w.kind == error::WarningKind::Omission).count(),
        })
        .collect();
    let mut planned = emit::plan_crate(config, apis);
    let crate_files = planned.len();
    if !config.standalone {
        planned.extend(emit::plan_calls(config, apis));
    }
    let mut files = emit_and_format(planned, command)?;
    let calls = files.split_off(crate_files);
    Ok(GeneratedCrate { files, calls, apis: summaries })
}

/// Emits and formats the files on as many threads as the machine has cores: the two stages are
/// most of the work, and files do not depend on each other. A large file's items are shared out
/// in runs (see [`emit::Items`]), each emitted and printed by whichever thread takes it, so one
/// large file does not leave the other cores idle; the thread that prints a file's last run puts
/// the file together. The result is in plan order and byte for byte the same however the work
/// was shared.
fn emit_and_format(planned: Vec<emit::PlannedFile<'_>>, command: &str) -> Result<Vec<GeneratedFile>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    emit_and_format_on(threads, planned, command)
}

/// [`emit_and_format`] on `threads` threads.
fn emit_and_format_on(
    threads: usize,
    planned: Vec<emit::PlannedFile<'_>>,
    command: &str,
) -> Result<Vec<GeneratedFile>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let preamble = format::preamble(command);
    let threads = threads.max(1);
    let jobs = share_out(&planned, threads);
    // For each file shared out: its printed runs so far, and how many are still to print.
    let parts: Vec<(Mutex<Vec<Option<format::PrintedPart>>>, AtomicUsize)> = planned
        .iter()
        .enumerate()
        .map(|(index, _)| {
            let runs = jobs.iter().filter(|job| matches!(job, Job::Run { file, .. } if *file == index)).count();
            (Mutex::new((0..runs).map(|_| None).collect()), AtomicUsize::new(runs))
        })
        .collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else { return done };
            match job {
                Job::Whole(index) => done.push((*index, format::format_file(planned[*index].emit(), &preamble))),
                Job::Run { file, run, positions } => {
                    let printed = match format::print_part(planned[*file].emit(), positions.clone()) {
                        Ok(printed) => printed,
                        Err(error) => {
                            // The file fails; its other runs are printed for nothing, which a
                            // failing generation can afford.
                            done.push((*file, Err(error)));
                            continue;
                        }
                    };
                    let (runs, remaining) = &parts[*file];
                    runs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())[*run] = Some(printed);
                    if remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        let runs = std::mem::take(&mut *runs.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
                        let runs: Vec<format::PrintedPart> = runs.into_iter().flatten().collect();
                        done.push((*file, format::finish_parts(planned[*file].emit(), &runs, &preamble)));
                    }
                }
            }
        }
    };
    let helpers = threads.min(jobs.len()).max(1) - 1;
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (0..helpers).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for helper in helpers {
            done.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        done
    });
    // A file whose run failed is there once per failure, and unfinished: the first error found
    // in plan order is the one reported, whichever thread met it.
    done.sort_by_key(|(index, _)| *index);
    let mut files = Vec::with_capacity(planned.len());
    for (index, file) in done {
        let file = file?;
        if files.len() == index {
            files.push(file);
        }
    }
    // A file left out would be removed from disk by the write stage as no longer generated.
    if let Some(missing) = planned.get(files.len()) {
        return Err(Error::Bug { message: format!("{} was planned but not printed", missing.path) });
    }
    Ok(files)
}

/// A piece of [`emit_and_format`]'s work.
enum Job {
    /// A file emitted and printed in one go.
    Whole(usize),
    /// The `run`th run of a file's items, at `positions`.
    Run { file: usize, run: usize, positions: std::ops::Range<usize> },
}

/// The fewest items worth a run of their own: each run emits its file's head again.
const ITEMS_PER_RUN: usize = 16;

/// The work for `threads`: first the files emitted whole (their items cannot be shared), then
/// the itemized files in runs, a few per thread, so that the threads finish close together.
fn share_out(planned: &[emit::PlannedFile<'_>], threads: usize) -> Vec<Job> {
    let runs_of = |hint: usize| match threads {
        1 => 1,
        _ => (hint / ITEMS_PER_RUN).clamp(1, threads * 4),
    };
    let mut jobs: Vec<Job> =
        (0..planned.len()).filter(|&index| runs_of(planned[index].items_hint) == 1).map(Job::Whole).collect();
    for (file, planned) in planned.iter().enumerate() {
        let runs = runs_of(planned.items_hint);
        if runs > 1 {
            let per_run = planned.items_hint.div_ceil(runs);
            // The last run takes whatever is left, so a hint that falls short loses no item.
            let end = |run: usize| if run + 1 == runs { usize::MAX } else { (run + 1) * per_run };
            jobs.extend((0..runs).map(|run| Job::Run { file, run, positions: run * per_run..end(run) }));
        }
    }
    jobs
}

/// The model of a spec given as text (`t.yaml`, default settings, no overlay), for the tests.
#[cfg(test)]
pub(crate) fn test_api(text: &str) -> model::Api {
    let spec = SpecInput {
        file: "t.yaml".into(),
        text: text.into(),
        settings: Settings::default(),
        overlay: None,
        path: None,
    };
    build_api(&spec).expect("the spec builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files shared out in runs among threads read exactly as each file emitted and printed whole
    /// on one thread, whatever the number of threads.
    #[test]
    fn files_shared_out_in_runs_are_the_files_printed_whole() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/blaxel-controlplane.yaml");
        let spec = SpecInput::read(&path, "specs/blaxel-controlplane.yaml").unwrap();
        let apis = build_apis(&[spec]).unwrap();
        let config =
            CrateConfig { package: "runs".into(), version: "0.1.0".into(), description: None, standalone: false };
        let plan = || {
            let mut planned = emit::plan_crate(&config, &apis);
            planned.extend(emit::plan_calls(&config, &apis));
            planned
        };
        let preamble = format::preamble("test");
        let whole: Vec<GeneratedFile> =
            plan().iter().map(|file| format::format_file(file.emit(), &preamble).unwrap()).collect();
        let shared = share_out(&plan(), 3);
        assert!(shared.iter().filter(|job| matches!(job, Job::Run { .. })).count() > 8, "large files are shared out");
        for threads in [1, 2, 3, 5] {
            let files = emit_and_format_on(threads, plan(), "test").unwrap();
            assert_eq!(files.len(), whole.len());
            for (file, expected) in files.iter().zip(&whole) {
                assert!(file == expected, "{threads} threads: {} differs from the file printed whole", file.path);
            }
        }
    }
}
