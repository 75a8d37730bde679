//! The generator's error type: every failure says which file, where in it, what is wrong and what
//! to do about it.

use std::fmt;

/// Where in a spec a problem is: the file, and the JSON pointer and line when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The spec file as the user named it.
    pub file: String,
    /// A JSON pointer (RFC 6901) to the offending node, empty for the whole document.
    pub pointer: String,
    /// 1-based line and column, when the parser reported one.
    pub line_col: Option<(usize, usize)>,
}

impl Location {
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location { file: file.into(), pointer: pointer.into(), line_col: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        Ok(())
    }
}

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}: cannot read the file: {source}")]
    Read { file: String, source: std::io::Error },

    #[error("{location}: not valid {format}: {message}")]
    Syntax { location: Box<Location>, format: &'static str, message: String },

    #[error("{location}: {message}; {hint}")]
    Invalid { location: Box<Location>, message: String, hint: String },

    #[error("{location}: unsupported: {reason}; {hint}")]
    Unsupported { location: Box<Location>, reason: String, hint: String },

    #[error("{file}: invalid settings: {message}")]
    Settings { file: String, message: String },

    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },

    #[error("internal error: {message}; this is a bug in the generator, please report it with the spec")]
    Bug { message: String },

    /// Several problems found in one pass, each its own error, so they are fixed in one go.
    #[error("{}", several(.0))]
    Several(Vec<Error>),
}

fn several(errors: &[Error]) -> String {
    let lines: Vec<String> = errors.iter().map(Error::to_string).collect();
    format!("{} problems:\n{}", errors.len(), lines.join("\n"))
}

impl Error {
    pub(crate) fn invalid(location: Location, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Invalid { location: Box::new(location), message: message.into(), hint: hint.into() }
    }

    pub(crate) fn unsupported(location: Location, reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Unsupported { location: Box::new(location), reason: reason.into(), hint: hint.into() }
    }
}

impl Error {
    /// The locations the error names: one, or one per problem of [`Error::Several`].
    pub fn locations_mut(&mut self) -> Vec<&mut Location> {
        match self {
            Error::Syntax { location, .. } | Error::Invalid { location, .. } | Error::Unsupported { location, .. } => {
                vec![location]
            }
            Error::Several(errors) => errors.iter_mut().flat_map(Error::locations_mut).collect(),
            Error::Read { .. } | Error::Settings { .. } | Error::Io { .. } | Error::Bug { .. } => Vec::new(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the spec says that the generator does not follow as written: a construct left out
/// (with the operation it is in), a key it does not know, a literal it cannot hold. Generation
/// goes on; the command line reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
    pub kind: WarningKind,
    /// 1-based line and column in the spec, once looked up.
    pub line_col: Option<(usize, usize)>,
}

/// What a warning costs the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// Something the spec says is read otherwise than written, or not at all (an unknown key, a
    /// literal no type holds, a tag two members share).
    Notice,
    /// An operation is left out; the module's docs list it under "Not generated".
    Omission,
}

impl Warning {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Warning {
        Warning { pointer: pointer.into(), message: message.into(), kind: WarningKind::Notice, line_col: None }
    }

    /// A warning that an operation is left out.
    pub fn omission(pointer: impl Into<String>, message: impl Into<String>) -> Warning {
        Warning { kind: WarningKind::Omission, ..Warning::new(pointer, message) }
    }

    /// A warning that `what` (operation `x`, webhook `y`) is left out for a reason of its own, and
    /// what would bring it back.
    pub fn left_out(pointer: impl Into<String>, reason: &str, hint: &str, what: &str) -> Warning {
        Warning::omission(pointer, format!("{reason}; {hint}; {what} is left out"))
    }

    /// The warning as the command line prints it: `file:line:column at pointer: message`.
    pub fn render(&self, file: &str) -> String {
        let location = Location { file: file.to_string(), pointer: self.pointer.clone(), line_col: self.line_col };
        format!("{location}: {}", self.message)
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    // Most keys need no escape: the walks over a whole document build a pointer at every node.
    if token.contains(['~', '/']) {
        std::borrow::Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Unescapes one reference token of a JSON pointer (RFC 6901): `~1` is `/`, then `~0` is `~`.
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The unescaped reference tokens of a JSON pointer: none for `""` (the whole document).
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(unescape_pointer_token).collect()
}

/// Builds a JSON pointer from unescaped tokens.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens.into_iter().map(|t| format!("/{}", pointer_token(t))).collect()
}

#[cfg(test)]
mod tests {
    use super::{pointer, pointer_tokens};

    #[test]
    fn pointer_tokens_undo_pointer() {
        // `~01` is `~1` escaped: unescaping `~1` first would read it as `/`.
        let tokens = ["paths", "/a/{id}", "x~1y"];
        assert_eq!(pointer(tokens), "/paths/~1a~1{id}/x~01y");
        assert_eq!(pointer_tokens(&pointer(tokens)), tokens);
        assert!(pointer_tokens("").is_empty());
    }
}
