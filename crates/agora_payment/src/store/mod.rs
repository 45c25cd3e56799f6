//! Payment's persistence: portable SQL that runs on SQLite and PostgreSQL alike. Every function takes a
//! connection, so use cases decide what shares a transaction; changes of state are conditional on the state
//! they were decided from, so concurrent deciders cannot both win.

pub mod attempts;
pub mod completions;
pub mod payments;
pub mod refunds;
pub mod webhooks;

use uuid::Uuid;

use crate::domain::PaymentError;

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, PaymentError> {
    Uuid::parse_str(text).map_err(|e| PaymentError::Internal(format!("stored id {text:?}: {e}")))
}

/// A stored id that may be absent.
pub(crate) fn uuid_opt(text: Option<String>) -> Result<Option<Uuid>, PaymentError> {
    text.as_deref().map(uuid).transpose()
}
