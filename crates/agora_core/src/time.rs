//! UTC timestamps: RFC 3339 on the wire, integer microseconds since the epoch in databases
//! (portable across PostgreSQL and SQLite, and comparable in SQL).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A UTC instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Timestamp(
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String")]
    OffsetDateTime,
);

impl Timestamp {
    /// The current time, to the microsecond (what databases keep), so a stored time reads back equal.
    pub fn now() -> Self {
        Timestamp::from_micros(Timestamp(OffsetDateTime::now_utc()).as_micros())
    }

    /// Microseconds since the Unix epoch, the form stored in databases.
    pub fn as_micros(&self) -> i64 {
        i64::try_from(self.0.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
    }

    pub fn from_micros(micros: i64) -> Self {
        let nanos = i128::from(micros) * 1_000;
        Timestamp(OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH))
    }

    pub fn plus(&self, duration: std::time::Duration) -> Self {
        Timestamp(self.0 + duration)
    }

    pub fn minus(&self, duration: std::time::Duration) -> Self {
        Timestamp(self.0 - duration)
    }

    pub fn to_rfc3339(&self) -> String {
        self.0.format(&Rfc3339).unwrap_or_default()
    }

    pub fn inner(&self) -> OffsetDateTime {
        self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microseconds_round_trip() {
        let now = Timestamp::now();
        let back = Timestamp::from_micros(now.as_micros());
        assert_eq!(back.as_micros(), now.as_micros());
        assert!(back.to_rfc3339().ends_with('Z'));
    }
}
