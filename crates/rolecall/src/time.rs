//! Instants for API key expiry: RFC 3339 text parsed once into nanoseconds since the epoch.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// An instant, in nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i128);

impl Timestamp {
    /// Parses RFC 3339 (`2026-12-31T00:00:00Z`, `2026-12-31T01:00:00+01:00`).
    ///
    /// # Errors
    /// A lowercase message naming the text.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(|t| Timestamp(t.unix_timestamp_nanos()))
            .map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))
    }

    /// From milliseconds since the epoch (what `Date.now()` gives in JavaScript).
    pub fn from_millis(ms: i64) -> Timestamp {
        Timestamp(i128::from(ms) * 1_000_000)
    }

    /// RFC 3339 text, in UTC.
    pub fn to_rfc3339(self) -> String {
        OffsetDateTime::from_unix_timestamp_nanos(self.0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_else(|| self.0.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_the_same_instant() {
        assert_eq!(
            Timestamp::parse("2026-12-31T01:00:00+01:00"),
            Timestamp::parse("2026-12-31T00:00:00Z")
        );
        assert!(Timestamp::parse("2026-13-01").is_err());
        assert_eq!(
            Timestamp::parse("2026-12-31T00:00:00Z")
                .unwrap()
                .to_rfc3339(),
            "2026-12-31T00:00:00Z"
        );
    }
}
