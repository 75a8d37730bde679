//! Decoding helpers that generated enums and unions call from their `Deserialize` impls.

use super::fit::{Shape, ranked, tag_candidates};
use super::tracked::Member;

/// Decodes a string enum: `known` gives the variant of a listed value, and any other string is
/// kept by `unknown`, so a value added to the API later decodes instead of failing. Generated
/// enums call this rather than derive it: serde's derive for an enum with a catch-all variant
/// buffers every value and costs each crate far more to compile than one shared visitor. The
/// string is borrowed where the format allows, so a listed value is decoded without allocating.
pub fn decode_enum<'de, D, T>(
    deserializer: D,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
    origin: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor<T> {
        known: fn(&str) -> Option<T>,
        unknown: fn(String) -> T,
        origin: &'static str,
    }

    impl<T> Visitor<T> {
        /// A value the enum does not list, reported when a deviation sink listens.
        fn unknown(&self, value: String) -> T {
            if super::listening() {
                super::report(super::DeviationKind::UnknownEnumValue { value: value.clone() }, None, self.origin, None);
            }
            (self.unknown)(value)
        }
    }

    impl<T> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.known)(value).unwrap_or_else(|| self.unknown(value.to_owned())))
        }

        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
            Ok(match (self.known)(&value) {
                Some(variant) => variant,
                None => self.unknown(value),
            })
        }
    }

    deserializer.deserialize_str(Visitor { known, unknown, origin })
}

/// Tries the candidate members in order; the first that decodes wins. On failure, the error of
/// the first (best) candidate.
///
/// When a deviation sink listens, the trials run with the scope set aside: a member tried and
/// rejected would otherwise report the keys it does not declare and the ones it misses, as if
/// the value had been meant for it. The member that wins is decoded once more, in the scope and
/// with the path within the value tracked, for what it reports.
fn first_decoded<T>(
    value: &serde_json::Value,
    candidates: &[usize],
    decode: &impl Fn(usize, Member<'_>) -> Result<T, serde_json::Error>,
) -> Result<T, Option<serde_json::Error>> {
    let listening = super::listening();
    let mut first_error = None;
    for &index in candidates {
        let trial = match listening {
            false => decode(index, Member::plain(value)),
            true => super::deviation::set_aside(|| decode(index, Member::plain(value))),
        };
        match trial {
            Ok(_) if listening => return decode(index, Member::tracked(value)).map_err(Some),
            Ok(decoded) => return Ok(decoded),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error)
}

/// Decodes an untagged union: the member whose shape fits the value best, trying the next on
/// failure. A value no member takes is kept as sent when `keep` is given, and refused otherwise.
pub fn decode_union<'de, D, T>(
    deserializer: D,
    shapes: &[Shape],
    decode: impl Fn(usize, Member<'_>) -> Result<T, serde_json::Error>,
    keep: Option<fn(serde_json::Value) -> T>,
    origin: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let candidates = ranked(&value, shapes, 0..shapes.len());
    match (first_decoded(&value, &candidates, &decode), keep) {
        (Ok(decoded), _) => Ok(decoded),
        (Err(_), Some(keep)) => {
            super::report(super::DeviationKind::UnknownVariant { tag: None }, None, origin, Some(&value));
            Ok(keep(value))
        }
        (Err(Some(e)), None) => Err(D::Error::custom(e)),
        (Err(None), None) => Err(D::Error::custom("the value fits none of the union's members")),
    }
}

/// Decodes a tagged union: reads the body as JSON, takes the string at `property`, and decodes
/// the whole body (tag included) as the member that tag names; `tags[i]` are member `i`'s tag
/// values. Members that share a tag are told apart by their `shapes`. A tag no member has is
/// kept, with the whole value, by `unknown`.
pub fn decode_tagged<'de, D, T>(
    deserializer: D,
    property: &str,
    tags: &[&[&str]],
    shapes: &[Shape],
    decode: impl Fn(usize, Member<'_>) -> Result<T, serde_json::Error>,
    unknown: fn(serde_json::Value) -> T,
    origin: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let Some(tag) = value.get(property).and_then(serde_json::Value::as_str) else {
        return Err(D::Error::custom(format!("missing or non-string tag `{property}`")));
    };
    let named: Vec<usize> = (0..tags.len()).filter(|&i| tags[i].contains(&tag)).collect();
    let candidates = match named.len() {
        0 => {
            if super::listening() {
                let kind = super::DeviationKind::UnknownVariant { tag: Some(tag.to_string()) };
                super::report(kind, Some(property), origin, None);
            }
            return Ok(unknown(value));
        }
        _ => tag_candidates(&value, shapes, named),
    };
    match first_decoded(&value, &candidates, &decode) {
        Ok(decoded) => Ok(decoded),
        Err(Some(e)) => Err(D::Error::custom(e)),
        Err(None) => Err(D::Error::custom(format!("no member with `{property}` = `{tag}` fits the value"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Mode {
        Fast,
        Unknown(String),
    }

    fn mode<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Mode, D::Error> {
        decode_enum(deserializer, |wire| (wire == "fast").then_some(Mode::Fast), Mode::Unknown, "")
    }

    #[test]
    fn enum_values_decode_from_borrowed_and_owned_strings_and_unknown_ones_are_kept() {
        let mut json = serde_json::Deserializer::from_str(r#""fast""#);
        assert_eq!(mode(&mut json).unwrap(), Mode::Fast);
        // An escape makes serde_json unescape into a scratch buffer, still handed over borrowed
        // (`visit_str`), not owned.
        let mut json = serde_json::Deserializer::from_str(r#""f\u0061st""#);
        assert_eq!(mode(&mut json).unwrap(), Mode::Fast);
        // A `Value` hands over its strings owned (`visit_string`), known and unknown ones alike.
        assert_eq!(mode(serde_json::json!("fast")).unwrap(), Mode::Fast);
        assert_eq!(mode(serde_json::json!("slow")).unwrap(), Mode::Unknown("slow".into()));
        assert!(mode(serde_json::json!(3)).is_err());
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Sha {
        value: String,
    }

    /// The shape the generator writes for a tagged union.
    #[derive(Debug, PartialEq)]
    enum Digest {
        Sha256(Sha),
        Unknown(serde_json::Value),
    }

    impl<'de> serde::Deserialize<'de> for Digest {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_tagged(
                deserializer,
                "type",
                &[&["sha256"]],
                &[],
                |_, value| Ok(Digest::Sha256(serde::Deserialize::deserialize(value)?)),
                Digest::Unknown,
                "",
            )
        }
    }

    #[test]
    fn tagged_unions_dispatch_on_the_tag() {
        let sha: Digest = serde_json::from_str(r#"{"type": "sha256", "value": "ab"}"#).unwrap();
        assert_eq!(sha, Digest::Sha256(Sha { value: "ab".into() }));
        let later: Digest = serde_json::from_str(r#"{"type": "blake3", "value": "cd"}"#).unwrap();
        assert_eq!(later, Digest::Unknown(serde_json::json!({"type": "blake3", "value": "cd"})));
        let wrong = serde_json::from_str::<Digest>(r#"{"type": "sha256"}"#).unwrap_err();
        assert!(wrong.to_string().contains("missing field `value`"), "the tag's variant, not another: {wrong}");
        assert!(serde_json::from_str::<Digest>(r#"{"value": "ab"}"#).is_err());
    }
}

#[cfg(test)]
mod union_tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Postgres {
        host: Option<String>,
        sslmode: Option<String>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Mysql {
        host: Option<String>,
        charset: Option<String>,
    }

    /// One config object per engine, every field optional: the shape, not the order, decides.
    #[derive(Debug, PartialEq)]
    enum Config {
        Postgres(Postgres),
        Mysql(Mysql),
        Unknown(serde_json::Value),
    }

    const SHAPES: &[Shape] = &[
        Shape::Object { known: Some(&["host", "sslmode"]), required: &[], pinned: &[] },
        Shape::Object { known: Some(&["host", "charset"]), required: &[], pinned: &[] },
    ];

    impl<'de> serde::Deserialize<'de> for Config {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_union(
                deserializer,
                SHAPES,
                |index, value| {
                    Ok(match index {
                        0 => Config::Postgres(serde::Deserialize::deserialize(value)?),
                        _ => Config::Mysql(serde::Deserialize::deserialize(value)?),
                    })
                },
                Some(Config::Unknown),
                "",
            )
        }
    }

    #[test]
    fn the_member_that_knows_every_key_wins_and_the_rest_is_kept() {
        let mysql: Config = serde_json::from_value(json!({"host": "h", "charset": "utf8"})).unwrap();
        assert_eq!(mysql, Config::Mysql(Mysql { host: Some("h".into()), charset: Some("utf8".into()) }));
        let both = json!({"host": "h", "charset": "utf8", "sslmode": "on"});
        assert_eq!(serde_json::from_value::<Config>(both.clone()).unwrap(), Config::Unknown(both));
    }

    /// A member tried and rejected reports nothing; the one that decodes reports once.
    #[test]
    fn only_the_member_chosen_reports_deviations() {
        use std::sync::{Arc, Mutex};
        let seen: Arc<Mutex<Vec<crate::runtime::Deviation>>> = Arc::default();
        let collect = Arc::clone(&seen);
        let sink: Arc<dyn crate::runtime::DeviationSink> =
            Arc::new(move |d: crate::runtime::Deviation| collect.lock().unwrap().push(d));
        let undeclared =
            |property: &str| crate::runtime::DeviationKind::UndeclaredProperty { property: property.into() };
        // Member 0 (first by its fit) reports, then fails; member 1 reports and decodes.
        let decode = |index: usize, value: Member<'_>| {
            crate::runtime::report(undeclared("charset"), Some("charset"), ["/Postgres", "/Mysql"][index], None);
            match index {
                0 => Err(<serde_json::Error as serde::de::Error>::custom("not a Postgres config")),
                _ => Ok(Config::Mysql(serde::Deserialize::deserialize(value)?)),
            }
        };
        let shapes = [Shape::Object { known: None, required: &[], pinned: &[] }; 2];
        let value = json!({"host": "h", "charset": "utf8"});
        let decoded = crate::runtime::observe_operation(Some(&sink), "db", "getConfig", 200, || {
            decode_union(value.clone(), &shapes, decode, None, "/Config")
        });
        assert_eq!(decoded.unwrap(), Config::Mysql(Mysql { host: Some("h".into()), charset: Some("utf8".into()) }));
        let origins: Vec<String> = seen.lock().unwrap().iter().map(|d| d.spec_pointer.clone()).collect();
        assert_eq!(origins, ["/Mysql"], "the rejected member's report went nowhere");
        // Without a sink, each member is tried once (with one, the chosen member is decoded
        // again, its path tracked).
        let tried = std::cell::Cell::new(0);
        let counting = |index: usize, value: Member<'_>| {
            tried.set(tried.get() + 1);
            decode(index, value)
        };
        assert!(decode_union(value, &shapes, counting, None, "/Config").is_ok());
        assert_eq!(tried.get(), 2);
    }
}
