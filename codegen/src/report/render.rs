//! Reports as text: a summary line first (what a maintainer reads in CI), then one line per
//! change, breaking ones first.

use std::fmt::Write as _;

use super::diff::{Change, Count, Report, Severity, Status};

impl Report {
    /// One line: the module, its counts and the verdict, for example
    /// `blaxel: 159 -> 152 operations (7 removed, 0 added), 268 -> 255 types (18 removed, 5 added), 40 breaking and 12 compatible changes: BREAKING`.
    pub fn summary(&self) -> String {
        let module = match (&self.spec_version_before, &self.spec_version_after) {
            (Some(before), Some(after)) if before != after => format!("{} (spec {before} -> {after})", self.module),
            _ => self.module.clone(),
        };
        let sizes = |side: fn(Count) -> usize| {
            format!("{}, {}", plural(side(self.operations), "operation"), plural(side(self.types), "type"))
        };
        match self.status {
            Status::Initial => format!("{module}: {}: initial manifest, nothing to compare with", sizes(|c| c.after)),
            Status::New => format!("{module}: new module ({}): compatible", sizes(|c| c.after)),
            Status::Removed => format!("{module}: module removed ({}): BREAKING", sizes(|c| c.before)),
            Status::Unchanged => format!("{module}: {}: no API change", sizes(|c| c.after)),
            Status::Compatible | Status::Breaking => {
                let breaking = self.changes.iter().filter(|c| c.severity == Severity::Breaking).count();
                let compatible = self.changes.len() - breaking;
                let counted = match (breaking, compatible) {
                    (0, n) => format!("{} ", plural(n, "compatible change")),
                    (n, 0) => format!("{} ", plural(n, "breaking change")),
                    (b, c) => format!("{b} breaking and {} ", plural(c, "compatible change")),
                };
                let verdict = if self.status == Status::Breaking { "BREAKING" } else { "compatible" };
                format!(
                    "{module}: {}, {}, {}: {verdict}",
                    counted_items(self.operations, "operation"),
                    counted_items(self.types, "type"),
                    counted.trim_end()
                )
            }
        }
    }

    /// The summary, then one indented line per change.
    pub fn to_text(&self) -> String {
        let mut out = self.summary();
        out.push('\n');
        for change in &self.changes {
            let _ = writeln!(out, "  {change}");
        }
        out
    }

    /// The summary as a paragraph, then a Markdown list of the changes, for the changelog.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("{}\n", self.summary());
        if !self.changes.is_empty() {
            out.push('\n');
        }
        for change in &self.changes {
            let _ = writeln!(out, "- {change}");
        }
        out
    }
}

impl std::fmt::Display for Change {
    /// For example: ``breaking: field `Agent.spec` retyped (`Option<AgentSpec>` -> `AgentSpec`)``.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} `{}` {}", self.severity.as_str(), self.item, self.name, self.change)?;
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => write!(f, " (`{before}` -> `{after}`)")?,
            (Some(before), None) => write!(f, " (was `{before}`)")?,
            (None, Some(after)) => write!(f, " (`{after}`)")?,
            (None, None) => {}
        }
        if let Some(note) = &self.note {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

/// `152 -> 159 operations (0 removed, 7 added)`, or `159 operations` when nothing came or went.
fn counted_items(count: Count, noun: &str) -> String {
    if count.removed == 0 && count.added == 0 {
        plural(count.after, noun)
    } else {
        format!("{} -> {} ({} removed, {} added)", count.before, plural(count.after, noun), count.removed, count.added)
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
