//! Decoding helpers that generated types name in their `serde` attributes.

/// Decodes a field that must be present but may be `null`: unlike a plain `Option`, a missing
/// key is an error.
pub fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer)
}

/// Decodes a tagged union: reads the body as JSON, takes the string at `property`, and lets
/// `pick` decode the whole body (tag included) as the variant that tag names.
pub fn decode_tagged<'de, D, T>(
    deserializer: D,
    property: &str,
    pick: impl FnOnce(&str, serde_json::Value) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let Some(tag) = value.get(property).and_then(serde_json::Value::as_str).map(str::to_owned) else {
        return Err(D::Error::custom(format!("missing or non-string tag `{property}`")));
    };
    pick(&tag, value).map_err(D::Error::custom)
}

/// Decodes a field that may be absent or `null`: absent stays `None` (through `#[serde(default)]`),
/// `null` becomes `Some(None)` and a value `Some(Some(value))`.
pub fn present_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The attributes the generator writes on optional fields, nullable or not.
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "present_or_null", skip_serializing_if = "Option::is_none")]
        note: Option<Option<String>>,
        #[serde(deserialize_with = "required_nullable")]
        expires_at: Option<i64>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        let decode = |json: &str| serde_json::from_str::<Patch>(json);
        assert_eq!(decode(r#"{"expires_at": null}"#).unwrap().note, None);
        assert_eq!(decode(r#"{"note": null, "expires_at": 1}"#).unwrap().note, Some(None));
        assert_eq!(decode(r#"{"note": "x", "expires_at": 1}"#).unwrap().note, Some(Some("x".into())));
        assert!(decode(r#"{"note": "x"}"#).is_err(), "a required nullable field must be present");
        let encode = |note| serde_json::to_string(&Patch { note, expires_at: None }).unwrap();
        assert_eq!(encode(None), r#"{"expires_at":null}"#);
        assert_eq!(encode(Some(None)), r#"{"note":null,"expires_at":null}"#);
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
            decode_tagged(deserializer, "type", |tag, value| {
                Ok(match tag {
                    "sha256" => Digest::Sha256(serde_json::from_value(value)?),
                    _ => Digest::Unknown(value),
                })
            })
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
