//! Notify's persistence: portable SQL, the same on SQLite and PostgreSQL. Every function takes a
//! connection, so use cases (and consumers, in the runner's transaction) decide what shares a transaction.

pub mod emails;
pub mod notifications;
pub mod preferences;
pub mod users;

use uuid::Uuid;

use crate::domain::NotifyError;

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, NotifyError> {
    Uuid::parse_str(text).map_err(|e| NotifyError::Internal(format!("stored id {text:?}: {e}")))
}
