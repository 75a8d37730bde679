//! Per-spec settings, read from an optional TOML file beside the spec (`specs/<stem>.toml`).
//!
//! Everything here is about naming, placement and representation; what the API *is* comes from
//! the spec (and its overlay), never from settings.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Result};

/// How one spec becomes one module of the generated crate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// The Rust module (and cargo feature) name; defaults to the spec file's stem in snake_case.
    pub module: Option<String>,
    /// Prefixes removed from every operationId before it becomes a method name, for example
    /// `handle_` for FastAPI apps whose handlers are all named `handle_*`.
    #[serde(default)]
    pub strip_operation_prefixes: Vec<String>,
    /// Method names for operations, keyed by operationId; wins over every other naming rule.
    #[serde(default)]
    pub rename_operations: BTreeMap<String, String>,
    /// Rust type names for component schemas, keyed by the schema's name in the spec.
    #[serde(default)]
    pub rename_types: BTreeMap<String, String>,
    /// Values the client sends by default for headers it sends with every request (header
    /// parameters under `components/parameters` that no operation lists), keyed by header name;
    /// for example the API version the generated types describe.
    #[serde(default)]
    pub header_defaults: BTreeMap<String, String>,
    /// Where the spec's relative links (`/docs/api/charges`) point: they are made absolute
    /// against this URL in the generated docs. Without it they become plain text.
    pub docs_base_url: Option<String>,
    /// How operations page that follow no convention the generator knows, keyed by method name
    /// or operationId (see [`PaginationSetting`]).
    #[serde(default)]
    pub pagination: BTreeMap<String, PaginationSetting>,
    /// How strings of format `date-time`, `date` and `uuid` are typed.
    #[serde(default)]
    pub formats: Formats,
    /// Derives every generated type gets beside its own (`derives = ["Eq", "Hash"]`).
    #[serde(default)]
    pub derives: Vec<Derive>,
    /// Derives for some types, keyed by the component schema's name in the spec; a type's derives
    /// also go to the generated types it holds, which need them for the derive to compile.
    #[serde(default)]
    pub type_derives: BTreeMap<String, Vec<Derive>>,
    /// The caller's own types in place of generated ones, keyed by the component schema's name:
    /// a Rust path (`"my_types::Money"`) that every use of the schema names instead, the type
    /// itself no longer generated.
    #[serde(default)]
    pub replace_types: BTreeMap<String, String>,
    /// Crates the generated crate depends on beside its own, for the `[replace-types]` paths that
    /// name them: crate name -> what `Cargo.toml` would say (`"1"`, `{ path = "../my-types" }`).
    #[serde(default)]
    pub dependencies: BTreeMap<String, DependencySpec>,
    /// The settings file, as messages name it; `None` when the spec has none.
    #[serde(skip)]
    pub file: Option<String>,
}

/// A dependency as `Cargo.toml` writes it, as inline TOML (`"1"`, `{ path = "../my-types" }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencySpec(pub String);

impl<'de> Deserialize<'de> for DependencySpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        match value {
            toml::Value::String(_) | toml::Value::Table(_) => Ok(DependencySpec(inline_toml(&value))),
            _ => Err(serde::de::Error::custom(
                "a dependency is a version (\"1\") or a table ({ path = \"../my-types\" }), as in Cargo.toml",
            )),
        }
    }
}

/// `value` as TOML on one line: tables inline.
fn inline_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(table) => {
            let entries: Vec<String> =
                table.iter().map(|(key, value)| format!("{key} = {}", inline_toml(value))).collect();
            format!("{{ {} }}", entries.join(", "))
        }
        toml::Value::Array(items) => format!("[{}]", items.iter().map(inline_toml).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// A derive the settings may add to generated types: the ones the generator can check hold for
/// a type from what it holds. `Ord` brings `Eq` and `PartialOrd`, which it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Derive {
    Eq,
    PartialOrd,
    Ord,
    Hash,
}

impl Derive {
    pub fn as_str(self) -> &'static str {
        match self {
            Derive::Eq => "Eq",
            Derive::PartialOrd => "PartialOrd",
            Derive::Ord => "Ord",
            Derive::Hash => "Hash",
        }
    }

    /// The derives `derive` needs beside itself.
    pub fn implied(self) -> &'static [Derive] {
        match self {
            Derive::Ord => &[Derive::Eq, Derive::PartialOrd],
            Derive::Eq | Derive::PartialOrd | Derive::Hash => &[],
        }
    }
}

/// How strings of a well-known format are typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Formats {
    /// `String`, as the server sent it: a value slightly off its format (a date-time without an
    /// offset, an upper-case UUID) still decodes, and is sent back byte for byte.
    #[default]
    Strings,
    /// `chrono::DateTime<Utc>`, `chrono::NaiveDate` and `uuid::Uuid`: parsed on decoding, so a
    /// value off its format fails the whole response's decoding (`Error::Decode`, with the line
    /// and column in the body), and a date-time is written back in UTC (the same instant).
    Typed,
}

/// How one operation pages. Paths are the response's wire names, dotted (`meta.next`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PaginationSetting {
    /// The query parameter that takes the cursor.
    pub cursor_param: Option<String>,
    /// The response field that gives the next cursor.
    pub next_cursor: Option<String>,
    /// The response field that gives the next page's URL.
    pub next_url: Option<String>,
    /// The next page's URL is in a `Link: <..>; rel="next"` header.
    #[serde(default)]
    pub link_header: bool,
    /// The response field that says whether more pages follow.
    pub has_more: Option<String>,
    /// The response's array of items, when it is not `data`, `items`, `results` or `entries`.
    pub items: Option<String>,
}

impl Settings {
    /// Parses a settings file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Settings> {
        let settings: Settings = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!("line {line}, column {column}: ")
            });
            Error::Settings { file: file.to_string(), message: format!("{}{}", at.unwrap_or_default(), e.message()) }
        })?;
        Ok(Settings { file: Some(file.to_string()), ..settings })
    }

    /// The file these settings came from, as messages name it.
    pub fn file_name(&self) -> &str {
        self.file.as_deref().unwrap_or("the settings")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field() {
        let s = Settings::from_toml(
            "x.toml",
            "module = \"devin\"\nderives = [\"Eq\", \"Hash\"]\nstrip-operation-prefixes = [\"handle_\"]\nformats = \"typed\"\n\
             [rename-operations]\nop = \"better\"\n[rename-types]\nA = \"B\"\n\
             [header-defaults]\nX-Version = \"2\"\n\
             [type-derives]\nPet = [\"Ord\"]\n[replace-types]\nMoney = \"my_types::Money\"\n\
             [dependencies]\nmy_types = { path = \"../my-types\", features = [\"serde\"] }\nother = \"1.2\"\n",
        )
        .unwrap();
        assert_eq!(s.module.as_deref(), Some("devin"));
        assert_eq!(s.strip_operation_prefixes, ["handle_"]);
        assert_eq!(s.rename_operations["op"], "better");
        assert_eq!(s.rename_types["A"], "B");
        assert_eq!(s.header_defaults["X-Version"], "2");
        assert_eq!(s.formats, Formats::Typed);
        assert_eq!(s.derives, [Derive::Eq, Derive::Hash]);
        assert_eq!(s.type_derives["Pet"], [Derive::Ord]);
        assert_eq!(s.replace_types["Money"], "my_types::Money");
        assert_eq!(s.file.as_deref(), Some("x.toml"));
        assert_eq!(s.dependencies["my_types"].0, "{ features = [\"serde\"], path = \"../my-types\" }");
        assert_eq!(s.dependencies["other"].0, "\"1.2\"");
        assert_eq!(Settings::default().formats, Formats::Strings);
    }

    #[test]
    fn a_derive_the_generator_cannot_check_is_an_error_at_its_line() {
        let err = Settings::from_toml("specs/x.toml", "derives = [\"Eq\", \"Copy\"]").unwrap_err().to_string();
        assert!(err.starts_with("specs/x.toml: invalid settings: line 1, column 18: unknown variant `Copy`"), "{err}");
        assert!(err.contains("`Eq`, `PartialOrd`, `Ord`, `Hash`"), "{err}");
    }

    #[test]
    fn unknown_keys_are_an_error_that_names_the_file() {
        let err = Settings::from_toml("specs/x.toml", "modul = \"x\"").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("specs/x.toml: invalid settings:"), "{msg}");
        assert!(msg.contains("modul"), "{msg}");
    }
}
