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
