//! Stage 5: the freshness gate. One function compares the wanted files with a directory and
//! either writes the difference (write mode) or reports it (check mode); `regenerate`, `check`
//! and the drift test all go through it.
//!
//! Generated files are recognised by their preamble, so hand-written files beside them are never
//! touched, and a generated file whose source is gone is removed.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::format::GeneratedFile;

/// What [`sync`] does with differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Make the directory match.
    Write,
    /// Report how the directory differs; write nothing.
    Check,
}

/// How one file on disk differs from what the generator wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file differs; `diff` is a unified diff from disk to wanted in check mode, and empty
    /// in write mode, where nothing shows it (a diff of a large file costs as much as formatting
    /// it).
    Changed { path: String, diff: String },
    /// The generator wants a file that is not there.
    Missing { path: String },
    /// A generated file is there that the generator no longer wants.
    Extra { path: String },
}

impl Drift {
    pub fn path(&self) -> &str {
        match self {
            Drift::Changed { path, .. } | Drift::Missing { path } | Drift::Extra { path } => path,
        }
    }
}

/// What a [`sync`] found (and, in write mode, did).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub unchanged: Vec<String>,
    /// Files that differed; in write mode they have been written, created or removed.
    pub drift: Vec<Drift>,
}

/// Compares `files` with the directory `root` and writes or reports the difference.
///
/// In write mode each file is written to a temporary file beside it and renamed into place, so a
/// run that stops half-way leaves every file either old or new, never cut short.
pub fn sync(root: &Path, files: &[GeneratedFile], mode: Mode) -> Result<Report> {
    let mut report = Report::default();
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for file in files {
        let target = root.join(&file.path);
        match fs::read_to_string(&target) {
            Ok(existing) if existing == file.contents => report.unchanged.push(file.path.clone()),
            Ok(existing) => report.drift.push(Drift::Changed {
                path: file.path.clone(),
                diff: match mode {
                    Mode::Check => unified_diff(&file.path, &existing, &file.contents),
                    Mode::Write => String::new(),
                },
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.drift.push(Drift::Missing { path: file.path.clone() })
            }
            Err(source) => return Err(Error::Io { path: target.display().to_string(), source }),
        }
    }
    for path in generated_files_under(root)? {
        if !wanted.contains(path.as_str()) {
            report.drift.push(Drift::Extra { path });
        }
    }
    if mode == Mode::Write {
        for drift in &report.drift {
            let target = root.join(drift.path());
            match drift {
                Drift::Extra { .. } => {
                    fs::remove_file(&target).map_err(|source| io_error(&target, source))?;
                    remove_empty_parents(root, &target);
                }
                Drift::Changed { path, .. } | Drift::Missing { path } => {
                    let file = files.iter().find(|f| &f.path == path).expect("drift comes from files");
                    write_atomically(&target, &file.contents)?;
                }
            }
        }
    }
    Ok(report)
}

/// A unified diff (3 lines of context) from `old` to `new`, headed with `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

fn write_atomically(target: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|source| io_error(parent, source))?;
    }
    let mut temporary = target.as_os_str().to_owned();
    temporary.push(format!(".tmp-{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, contents).map_err(|source| io_error(&temporary, source))?;
    fs::rename(&temporary, target).map_err(|source| {
        let _ = fs::remove_file(&temporary);
        io_error(target, source)
    })
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.display().to_string(), source }
}

/// Files under `root` (as `/`-separated relative paths, sorted) whose first line marks them as
/// generated. `target` folders are skipped.
fn generated_files_under(root: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(io_error(&dir, source)),
        };
        for entry in entries {
            let entry = entry.map_err(|source| io_error(&dir, source))?;
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(path);
                }
            } else if is_generated(&path) {
                let relative = path.strip_prefix(root).expect("walked from root");
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                found.push(parts.join("/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_generated(path: &Path) -> bool {
    use std::io::{BufRead, BufReader, Read};
    let Ok(file) = fs::File::open(path) else { return false };
    let mut first = String::new();
    BufReader::new(file.take(512)).read_line(&mut first).is_ok() && first.contains("@generated by `")
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: contents.into() }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codegen-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn check_reports_and_writes_nothing_then_write_fixes_everything() {
        let root = scratch("drift");
        fs::create_dir_all(root.join("src/old")).unwrap();
        fs::write(root.join("src/a.rs"), "// @generated by `x`\nold\n").unwrap();
        fs::write(root.join("src/old/gone.rs"), "// @generated by `x`\n").unwrap();
        fs::write(root.join("src/hand.rs"), "// written by a person\n").unwrap();
        let wanted = [file("src/a.rs", "// @generated by `x`\nnew\n"), file("src/b.rs", "// @generated by `x`\n")];

        let report = sync(&root, &wanted, Mode::Check).unwrap();
        let paths: Vec<&str> = report.drift.iter().map(Drift::path).collect();
        assert_eq!(paths, ["src/a.rs", "src/b.rs", "src/old/gone.rs"]);
        let Drift::Changed { diff, .. } = &report.drift[0] else { panic!("{:?}", report.drift[0]) };
        assert!(diff.contains("-old\n+new\n"), "{diff}");
        assert_eq!(fs::read_to_string(root.join("src/a.rs")).unwrap(), "// @generated by `x`\nold\n");
        assert!(!root.join("src/b.rs").exists());

        let written = sync(&root, &wanted, Mode::Write).unwrap();
        assert_eq!(
            written.drift[0],
            Drift::Changed { path: "src/a.rs".into(), diff: String::new() },
            "no diff written"
        );
        assert_eq!(fs::read_to_string(root.join("src/a.rs")).unwrap(), wanted[0].contents);
        assert!(root.join("src/b.rs").exists());
        assert!(!root.join("src/old").exists(), "the emptied folder is removed too");
        assert!(root.join("src/hand.rs").exists(), "hand-written files are left alone");

        let again = sync(&root, &wanted, Mode::Check).unwrap();
        assert!(again.drift.is_empty(), "{:?}", again.drift);
        assert_eq!(again.unchanged.len(), 2);
        fs::remove_dir_all(&root).unwrap();
    }
}
