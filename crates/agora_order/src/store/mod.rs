//! Order's persistence: portable SQL, the same on SQLite and PostgreSQL. Every function takes a connection,
//! so use cases decide what shares a transaction.

pub mod addresses;
pub mod checkouts;
pub mod orders;
pub mod overview;
pub mod products;

use uuid::Uuid;

use crate::domain::OrderError;

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, OrderError> {
    Uuid::parse_str(text).map_err(|e| OrderError::Internal(format!("stored id {text:?}: {e}")))
}

pub(crate) use agora_db::placeholders;
