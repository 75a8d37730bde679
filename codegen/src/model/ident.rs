//! Every rule that turns a name from a spec into a Rust identifier.
//!
//! Policy, in order:
//! 1. Only ASCII letters and digits survive; anything else separates words. Case conversion is
//!    heck's (`UpperCamelCase` for types and variants, `snake_case` for fields, arguments and
//!    methods), after `OAuth` is read as one word.
//! 2. A sign before a number is read as a word, as a person says it (`+1` -> `plus_one`, `-1` ->
//!    `minus_one`; a one-digit number is spelled out). A name that otherwise starts with a digit
//!    gets a leading underscore (`2fa` -> `_2fa`), as prost does.
//! 3. A name left empty becomes `empty` / `Empty`.
//! 4. Keywords become raw identifiers (`type` -> `r#type`), so the name a user reads in the spec is
//!    the name they type; the five that cannot be raw (`self`, `Self`, `super`, `crate`, `_`) get
//!    a trailing underscore instead.
//!
//! Identifiers are [`Ident`]s: code prints them raw (`r#type`), prose and wire comparisons plain
//! (`type`), so no caller strips a prefix by hand.

use std::fmt;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A Rust identifier the model chose. [`Ident::as_str`] and `Display` give the name as prose
/// reads it (`type`); [`Ident::is_raw`] says whether code must spell it `r#type`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ident {
    name: String,
    raw: bool,
}

impl Ident {
    /// An identifier from text that is already a valid name (ASCII, not empty, no leading digit);
    /// a keyword becomes raw, and the five keywords that cannot be raw get a trailing underscore.
    pub fn new(name: impl Into<String>) -> Ident {
        let name = name.into();
        if NOT_RAW.contains(&name.as_str()) {
            Ident { name: format!("{name}_"), raw: false }
        } else {
            let raw = KEYWORDS.contains(&name.as_str());
            Ident { name, raw }
        }
    }

    /// The name without any `r#`, as prose, links and wire comparisons want it.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Whether code must write the name as a raw identifier (`r#type`).
    pub fn is_raw(&self) -> bool {
        self.raw
    }

    /// This name with `suffix` appended (`Get` + `Error`), as a new identifier.
    pub fn with_suffix(&self, suffix: &str) -> Ident {
        Ident::new(format!("{}{suffix}", self.name))
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl PartialEq<str> for Ident {
    fn eq(&self, other: &str) -> bool {
        self.name == other
    }
}

impl PartialEq<&str> for Ident {
    fn eq(&self, other: &&str) -> bool {
        self.name == *other
    }
}

/// A type name: `HTTPValidationError` -> `HttpValidationError`.
pub fn type_name(raw: &str) -> Ident {
    finish(words(raw).to_upper_camel_case(), "Empty")
}

/// An enum variant name; same rules as a type name.
pub fn variant_name(raw: &str) -> Ident {
    type_name(raw)
}

/// A field, argument, method or module name: `clientId` -> `client_id`.
pub fn snake_name(raw: &str) -> Ident {
    finish(words(raw).to_snake_case(), "empty")
}

/// A constant name: `bearerAuth` -> `BEARER_AUTH`.
pub fn constant_name(raw: &str) -> Ident {
    finish(words(raw).to_shouty_snake_case(), "EMPTY")
}

/// ASCII alphanumerics only, with `OAuth` kept as one word so that it does not become `o_auth`,
/// and a leading sign before a number said as a word.
fn words(raw: &str) -> String {
    let raw = raw.trim();
    let signed = [('+', "plus"), ('-', "minus")].into_iter().find_map(|(sign, word)| {
        let number = raw.strip_prefix(sign).filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))?;
        Some(format!("{word} {}", spelled(number)))
    });
    let raw = signed.as_deref().unwrap_or(raw);
    let ascii: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    ascii.replace("OAuth", "Oauth").replace("oAuth", "oauth")
}

/// A one-digit number as a word (`1` -> `one`); anything else as it is.
fn spelled(number: &str) -> String {
    const DIGITS: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    match number.as_bytes() {
        [digit @ b'0'..=b'9'] => DIGITS[usize::from(digit - b'0')].to_string(),
        _ => number.to_string(),
    }
}

fn finish(name: String, empty: &str) -> Ident {
    let name = if name.is_empty() { empty.to_string() } else { name };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("_{name}") } else { name };
    Ident::new(name)
}

/// A camel-case name cut to at most `max` characters: its first word (where it comes from) and
/// as many of its last words (what it is) as fit, the words between left out. A name that fits
/// is kept.
pub fn within(name: &Ident, max: usize) -> Ident {
    let text = name.as_str();
    if text.len() <= max {
        return name.clone();
    }
    let mut words: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&text[start..i]);
            start = i;
        }
    }
    words.push(&text[start..]);
    let first = words[0];
    let mut kept: Vec<&str> = Vec::new();
    let mut length = first.len();
    for word in words[1..].iter().rev() {
        if length + word.len() > max {
            break;
        }
        length += word.len();
        kept.push(word);
    }
    kept.reverse();
    let shortened = format!("{first}{}", kept.concat());
    // One word longer than `max`: cut it.
    Ident::new(shortened.chars().take(max).collect::<String>())
}

/// Appends `_2`, `_3`, ... (or `2`, `3`, ... for camel-case names) to `base` until `taken` says
/// the name is free. Deterministic: the same names in the same order get the same results.
pub fn disambiguate(base: &Ident, mut taken: impl FnMut(&Ident) -> bool) -> Ident {
    if !taken(base) {
        return base.clone();
    }
    let plain = base.as_str();
    let snake = plain.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
    (2..)
        .map(|n| Ident::new(if snake { format!("{plain}_{n}") } else { format!("{plain}{n}") }))
        .find(|candidate| !taken(candidate))
        .expect("an unbounded range always has a free name")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How code spells an identifier.
    fn code(ident: &Ident) -> String {
        if ident.is_raw() { format!("r#{ident}") } else { ident.to_string() }
    }

    #[test]
    fn the_identifier_table() {
        // (spec name, type name, snake name as code spells them)
        let table = [
            ("ApiKeyResponse", "ApiKeyResponse", "api_key_response"),
            ("HTTPValidationError", "HttpValidationError", "http_validation_error"),
            ("clientId", "ClientId", "client_id"),
            ("api_key_id", "ApiKeyId", "api_key_id"),
            ("OAuth2", "Oauth2", "oauth2"),
            ("type", "Type", "r#type"),
            ("Self", "Self_", "self_"),
            ("self", "Self_", "self_"),
            ("super", "Super", "super_"),
            ("crate", "Crate", "crate_"),
            ("_", "Empty", "empty"),
            ("", "Empty", "empty"),
            ("2fa", "_2fa", "_2fa"),
            ("1h", "_1h", "_1h"),
            ("x-request-id", "XRequestId", "x_request_id"),
            ("$ref", "Ref", "r#ref"),
            ("café", "Caf", "caf"),
            ("日本", "Empty", "empty"),
            ("Option", "Option", "option"),
            ("Result", "Result", "result"),
            ("String", "String", "string"),
            ("Vec", "Vec", "vec"),
            ("Box", "Box", "r#box"),
            ("async", "Async", "r#async"),
            ("gen", "Gen", "r#gen"),
            ("match", "Match", "r#match"),
            ("foo.bar/baz", "FooBarBaz", "foo_bar_baz"),
            ("UPPER_CASE", "UpperCase", "upper_case"),
            ("already_snake", "AlreadySnake", "already_snake"),
            ("+1", "PlusOne", "plus_one"),
            ("-1", "MinusOne", "minus_one"),
            ("-10", "Minus10", "minus_10"),
            ("+1.5", "Plus15", "plus_1_5"),
            ("-", "Empty", "empty"),
            ("x-1", "X1", "x_1"),
        ];
        for (raw, ty, snake) in table {
            assert_eq!((raw, code(&type_name(raw)).as_str()), (raw, ty), "type name of {raw:?}");
            assert_eq!((raw, code(&snake_name(raw)).as_str()), (raw, snake), "snake name of {raw:?}");
            for name in [code(&type_name(raw)), code(&snake_name(raw))] {
                syn::parse_str::<syn::Ident>(&name).unwrap_or_else(|e| panic!("{name:?}: {e}"));
            }
        }
        assert_eq!(snake_name("type").as_str(), "type", "prose reads the plain name");
    }

    #[test]
    fn long_names_keep_their_first_and_last_words() {
        let long = Ident::new("CreateChatCompletionRequestMessagesItemContentVariant2ItemImageUrlDetail");
        let short = within(&long, 40);
        assert_eq!(short, "CreateContentVariant2ItemImageUrlDetail");
        assert!(short.as_str().len() <= 40);
        assert_eq!(within(&Ident::new("Pet"), 40), "Pet");
        assert_eq!(within(&Ident::new("A".repeat(70)), 60).as_str().len(), 60);
    }

    #[test]
    fn disambiguation_counts_up_in_the_names_style() {
        let taken = [Ident::new("Pet"), Ident::new("Pet2"), Ident::new("name"), Ident::new("type")];
        let is_taken = |n: &Ident| taken.contains(n);
        assert_eq!(disambiguate(&Ident::new("Pet"), is_taken), "Pet3");
        assert_eq!(disambiguate(&Ident::new("name"), is_taken), "name_2");
        let renamed = disambiguate(&Ident::new("type"), is_taken);
        assert_eq!((renamed.as_str(), renamed.is_raw()), ("type_2", false));
        assert_eq!(disambiguate(&Ident::new("Free"), is_taken), "Free");
    }
}
