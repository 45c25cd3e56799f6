//! The small set of error kinds every service error maps onto.
//!
//! A kind decides the HTTP status and whether an error is worth retrying; the stable machine-readable
//! `code` lives on each service's own error enum.

use serde::Serialize;

/// What went wrong, from the caller's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request was malformed or failed validation (400 / 422).
    Invalid,
    /// No or bad credentials (401).
    Unauthenticated,
    /// Valid caller without the right (403).
    Forbidden,
    /// The resource does not exist, or the caller may not know it does (404).
    NotFound,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The caller is sending too much (429).
    RateLimited,
    /// A dependency (database, broker, another service) is unavailable; retrying may help (503).
    Unavailable,
    /// A bug or an unexpected failure; details are logged, never shown (500).
    Internal,
}

impl ErrorKind {
    /// The HTTP status code conventionally used for this kind.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::Invalid => 422,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::RateLimited => 429,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }

    /// Whether repeating the same operation later may succeed.
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorKind::Unavailable | ErrorKind::RateLimited)
    }
}
