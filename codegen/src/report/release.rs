//! The generated crate's version and changelog, as they follow from the change reports.
//!
//! Both are derived from what is on disk and the specs, nothing else (no clock, no history), so
//! that `check` passes right after `regenerate` and a second `regenerate` changes nothing:
//!
//! - The baseline is the manifests on disk. Each records the crate version it was written with,
//!   and the new version is that version bumped by the reports: after a run the manifests on disk
//!   are the new ones, the next comparison finds no change, and the version stays.
//! - The changelog is the one on disk with a section added on top when some API changed; a
//!   section for the version being written replaces the one already there, so a run cut short
//!   before the manifests were written, and run again, writes the same section once.
//! - With no manifest on disk at all (the first run), every module is `initial`: the version on
//!   disk is kept and the changelog starts with the APIs as they are.

use std::fmt::Write as _;
use std::path::Path;

use super::ManifestError;
use super::diff::{Report, Status, compare};
use super::manifest::{self, Manifest};
use crate::format::GeneratedFile;
use crate::model::Api;

/// The changelog, at the generated crate's root.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// The version of a crate with no version on disk.
pub const FIRST_VERSION: &str = "0.1.0";

/// What is on disk from the previous run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// The manifests under `api/`, sorted by module.
    pub manifests: Vec<Manifest>,
    pub changelog: Option<String>,
    /// The version in the crate's `Cargo.toml`, which the first run keeps.
    pub version: Option<String>,
}

impl Baseline {
    /// Reads the baseline of the generated crate at `root`; missing files are an empty baseline.
    pub fn read(root: &Path) -> Result<Baseline, ManifestError> {
        let read = |relative: &str| -> Result<Option<String>, ManifestError> {
            match std::fs::read_to_string(root.join(relative)) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(ManifestError { file: shown(root, relative), message: format!("cannot read it: {e}") }),
            }
        };
        let mut names: Vec<String> = match std::fs::read_dir(root.join(manifest::FOLDER)) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .filter(|name| name.ends_with(".json"))
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        let mut manifests = Vec::new();
        for name in names {
            let relative = format!("{}/{name}", manifest::FOLDER);
            if let Some(text) = read(&relative)? {
                manifests.push(Manifest::from_json(&shown(root, &relative), &text)?);
            }
        }
        let version = match read("Cargo.toml")? {
            Some(text) => cargo_version(&text),
            None => None,
        };
        Ok(Baseline { manifests, changelog: read(CHANGELOG)?, version })
    }
}

fn shown(root: &Path, relative: &str) -> String {
    root.join(relative).display().to_string()
}

/// `[package] version` of a manifest, if it has one.
fn cargo_version(text: &str) -> Option<String> {
    let value: toml::Value = toml::from_str(text).ok()?;
    value.get("package")?.get("version")?.as_str().map(str::to_string)
}

/// What a run writes besides the code: the reports, the version they give and the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// One per module, in spec order, then the removed ones by module name.
    pub reports: Vec<Report>,
    pub previous_version: String,
    pub version: String,
    /// `CHANGELOG.md`, then each module's manifest. The manifests come last on purpose: files are
    /// written in this order, so a run cut short before them leaves the baseline as it was, and
    /// the next run computes the same version and changelog section again.
    pub files: Vec<GeneratedFile>,
}

impl Release {
    /// The release as one JSON document, for `--json`: the package, its previous and new
    /// version, each module's report, and `files`, each path with what happened to it; `up_to_date`
    /// for commands that check rather than write.
    pub fn to_json(&self, package: &str, up_to_date: Option<bool>, files: &[(String, &str)]) -> String {
        #[derive(serde::Serialize)]
        struct File<'a> {
            path: &'a str,
            status: &'a str,
        }
        #[derive(serde::Serialize)]
        struct Document<'a> {
            package: &'a str,
            previous_version: &'a str,
            version: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            up_to_date: Option<bool>,
            reports: &'a [Report],
            files: Vec<File<'a>>,
        }
        let document = Document {
            package,
            previous_version: &self.previous_version,
            version: &self.version,
            up_to_date,
            reports: &self.reports,
            files: files.iter().map(|(path, status)| File { path, status }).collect(),
        };
        serde_json::to_string_pretty(&document).expect("a report always serializes")
    }
}

/// Compares the modules of `apis` with `baseline` and derives the crate version and changelog.
/// `package` names the crate in the changelog; `preamble` heads every file it writes.
pub fn plan(baseline: &Baseline, apis: &[Api], package: &str, preamble: &str) -> Result<Release, ManifestError> {
    let mut manifests: Vec<Manifest> = apis.iter().map(|api| Manifest::of(api, preamble)).collect();
    let initial = baseline.manifests.is_empty();
    let mut reports: Vec<Report> = manifests
        .iter()
        .map(|new| match baseline.manifests.iter().find(|old| old.module == new.module) {
            Some(old) => compare(old, new),
            None => Report::new_module(new, initial),
        })
        .collect();
    let mut removed: Vec<&Manifest> =
        baseline.manifests.iter().filter(|old| !manifests.iter().any(|new| new.module == old.module)).collect();
    removed.sort_by(|a, b| a.module.cmp(&b.module));
    reports.extend(removed.into_iter().map(Report::removed_module));

    let previous = if initial {
        let version = baseline.version.as_deref().unwrap_or(FIRST_VERSION);
        Version::parse(version).ok_or_else(|| ManifestError {
            file: "Cargo.toml".to_string(),
            message: format!("the crate version `{version}` is not MAJOR.MINOR.PATCH"),
        })?
    } else {
        let mut versions = Vec::new();
        for old in &baseline.manifests {
            versions.push(Version::parse(&old.crate_version).ok_or_else(|| ManifestError {
                file: manifest::path(&old.module),
                message: format!("the crate version `{}` is not MAJOR.MINOR.PATCH", old.crate_version),
            })?);
        }
        versions.into_iter().max().expect("not initial: at least one manifest")
    };
    let version = previous.bump(&reports);
    for manifest in &mut manifests {
        manifest.crate_version = version.to_string();
    }

    let mut files = vec![GeneratedFile {
        path: CHANGELOG.to_string(),
        contents: changelog(baseline.changelog.as_deref(), &reports, &version.to_string(), package, preamble),
    }];
    files.extend(manifests.iter().map(|m| GeneratedFile { path: manifest::path(&m.module), contents: m.to_json() }));
    Ok(Release { reports, previous_version: previous.to_string(), version: version.to_string(), files })
}

/// `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Version(u64, u64, u64);

impl Version {
    fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.').map(|p| p.parse::<u64>().ok());
        let version = Version(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(version)
    }

    /// The version after an update with these reports: a breaking change bumps the minor version
    /// while 0.x and the major version from 1.0; otherwise an addition bumps the patch version
    /// while 0.x (in 0.x the minor version is the breaking one) and the minor version from 1.0; any
    /// other change bumps the patch version. No change, or only initial reports, keep it.
    fn bump(self, reports: &[Report]) -> Version {
        let Version(major, minor, patch) = self;
        let changed = reports.iter().any(|r| !matches!(r.status, Status::Unchanged | Status::Initial));
        if reports.iter().any(Report::is_breaking) {
            if major == 0 { Version(0, minor + 1, 0) } else { Version(major + 1, 0, 0) }
        } else if major > 0 && reports.iter().any(Report::adds) {
            Version(major, minor + 1, 0)
        } else if changed {
            Version(major, minor, patch + 1)
        } else {
            self
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The changelog: its header, a section for this run when some module changed (replacing one
/// already there for the same version), then the sections on disk.
fn changelog(previous: Option<&str>, reports: &[Report], version: &str, package: &str, preamble: &str) -> String {
    let mut out = format!(
        "<!-- {preamble} -->\n# Changelog of `{package}`\n\n\
         One section per spec update that changed the generated API, newest first, headed by the crate \
         version it gave; under it the change report of each spec that changed, headed by the spec's \
         `info.version`. A breaking change bumps the minor version while the crate is 0.x (the major \
         version from 1.0); any other change bumps the patch version (the minor version from 1.0 when \
         something was added).\n"
    );
    let heading = format!("## {version}");
    let changed: Vec<&Report> = reports.iter().filter(|r| r.status != Status::Unchanged).collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "\n{heading}");
        for report in &changed {
            let spec_version = match (&report.spec_version_before, &report.spec_version_after) {
                (Some(before), Some(after)) if before != after => format!("{after} (was {before})"),
                (_, Some(after)) => after.clone(),
                (Some(before), None) => format!("{before}, removed"),
                (None, None) => String::new(),
            };
            let _ = write!(
                out,
                "\n### {} {spec_version} from `{}`\n\n{}",
                report.module,
                report.spec,
                report.to_markdown()
            );
        }
    }
    let history = previous.map(history).unwrap_or_default();
    let history = match history.split_once('\n') {
        // This version's section from a run cut short: replaced, not repeated.
        Some((first, _)) if !changed.is_empty() && first.trim_end() == heading => {
            history[first.len()..].find("\n## ").map_or("", |at| &history[first.len() + at + 1..])
        }
        _ => history,
    };
    if !history.is_empty() {
        out.push('\n');
        out.push_str(history);
    }
    out
}

/// The sections of a changelog, from the first `## ` heading on.
fn history(text: &str) -> &str {
    if text.starts_with("## ") {
        return text;
    }
    text.find("\n## ").map_or("", |at| &text[at + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_by_the_semver_rules_cargo_uses() {
        let parse = |s| Version::parse(s).unwrap();
        assert_eq!(parse("0.3.1"), Version(0, 3, 1));
        assert_eq!(Version::parse("1.2"), None);
        assert_eq!(Version::parse("1.2.3-beta"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
        let report = |status, adds| Report {
            module: "m".into(),
            spec: "m.yaml".into(),
            status,
            spec_version_before: None,
            spec_version_after: None,
            operations: Default::default(),
            types: Default::default(),
            changes: if adds {
                vec![super::super::Change {
                    severity: super::super::Severity::Compatible,
                    item: "operation",
                    name: "x".into(),
                    change: super::super::What::Added,
                    before: None,
                    after: None,
                    note: None,
                }]
            } else {
                Vec::new()
            },
        };
        let breaking = [report(Status::Breaking, false)];
        let added = [report(Status::Compatible, true)];
        let other = [report(Status::Compatible, false)];
        let none = [report(Status::Unchanged, false), report(Status::Initial, false)];
        assert_eq!(parse("0.3.1").bump(&breaking), parse("0.4.0"));
        assert_eq!(parse("1.3.1").bump(&breaking), parse("2.0.0"));
        assert_eq!(parse("0.3.1").bump(&added), parse("0.3.2"));
        assert_eq!(parse("1.3.1").bump(&added), parse("1.4.0"));
        assert_eq!(parse("1.3.1").bump(&other), parse("1.3.2"));
        assert_eq!(parse("1.3.1").bump(&none), parse("1.3.1"));
        assert_eq!(parse("0.3.1").bump(&[report(Status::Removed, false)]), parse("0.4.0"));
    }

    #[test]
    fn the_history_keeps_every_section_and_replaces_this_versions() {
        let previous = "<!-- x -->\n# Changelog\n\nintro\n\n## 0.2.0\n\nnew stuff\n\n## 0.1.0\n\nold stuff\n";
        assert_eq!(history(previous), "## 0.2.0\n\nnew stuff\n\n## 0.1.0\n\nold stuff\n");
        let report = Report::removed_module(&Manifest {
            generated: String::new(),
            format: manifest::FORMAT,
            module: "gone".into(),
            spec: "specs/gone.yaml".into(),
            title: "Gone".into(),
            spec_version: "1".into(),
            crate_version: "0.1.0".into(),
            servers: Vec::new(),
            client_headers: Vec::new(),
            auth: Vec::new(),
            scopes: Vec::new(),
            operations: Default::default(),
            types: Default::default(),
            derives: Default::default(),
        });
        let again = changelog(Some(previous), std::slice::from_ref(&report), "0.2.0", "p", "@generated by `x`");
        assert!(again.contains("### gone 1, removed from `specs/gone.yaml`"), "{again}");
        assert!(!again.contains("new stuff"), "the section of the same version is replaced: {again}");
        assert!(again.ends_with("\n\n## 0.1.0\n\nold stuff\n"), "{again}");
        let next = changelog(Some(&again), &[report], "0.3.0", "p", "@generated by `x`");
        assert_eq!(next.matches("### gone").count(), 2, "{next}");
        let unchanged = changelog(Some(&next), &[], "0.3.0", "p", "@generated by `x`");
        assert_eq!(unchanged, next, "no change, no section");
    }
}
