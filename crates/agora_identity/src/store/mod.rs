//! Identity's persistence: portable SQL that runs on SQLite and PostgreSQL alike. Every function takes a
//! connection, so use cases decide what shares a transaction.

pub mod limits;
pub mod sellers;
pub mod sessions;
pub mod users;

use uuid::Uuid;

use crate::domain::IdentityError;

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, IdentityError> {
    Uuid::parse_str(text).map_err(|e| IdentityError::Internal(format!("stored id {text:?}: {e}")))
}

/// The outcome of an insert or update, with a unique-constraint violation turned into `taken`.
pub(crate) fn unique_or(
    result: Result<sqlx::any::AnyQueryResult, sqlx::Error>,
    taken: IdentityError,
) -> Result<(), IdentityError> {
    match result {
        Err(err) if agora_db::is_unique_violation(&err) => Err(taken),
        other => other.map(|_| ()).map_err(Into::into),
    }
}
