//! Which strings the typed formats accept: the same parsers the generated code decodes with
//! (chrono's and uuid's), so that an example the generator accepts is one the crate decodes.

use super::StringFormat;

/// Whether `text` decodes as `format` in a crate whose formats are typed.
pub fn parses(format: StringFormat, text: &str) -> bool {
    match format {
        StringFormat::DateTime => text.parse::<chrono::DateTime<chrono::Utc>>().is_ok(),
        StringFormat::Date => text.parse::<chrono::NaiveDate>().is_ok(),
        StringFormat::Uuid => uuid::Uuid::parse_str(text).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_serde_accepts_and_refuses_the_rest() {
        assert!(parses(StringFormat::DateTime, "2026-04-28T10:00:00Z"));
        assert!(parses(StringFormat::DateTime, "2026-04-28T10:00:00.123+02:00"));
        // Without an offset a date-time names no instant.
        assert!(!parses(StringFormat::DateTime, "2026-04-28T10:00:00"));
        assert!(parses(StringFormat::Date, "2026-04-28"));
        assert!(!parses(StringFormat::Date, "2026-02-30"));
        assert!(parses(StringFormat::Uuid, "67e55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(!parses(StringFormat::Uuid, "string"));
    }
}
